#!/bin/sh
# search.sh — the full-text search index at scale (issue 11), by bench/search_bench.c:
# DOCS (default 1,000,000) generated documents, a title and a 500-character Chinese body
# each (words drawn with a Zipf-like frequency from a vocabulary made of GB2312's 3,755
# common characters, so that common bigrams are common), indexed by the store's own
# search_put (SQLite; transactions of 5,000 rows), then merged as the nightly search.merge
# job does (wm_search_merge: one b-tree, leaf pages of 1,000 bytes; its time counted in the
# build's), and, as the reference in the same run, by a plain FTS5 table with the trigram
# tokenizer over the same rows, batch for batch.
#
# Prints: the build time and the file size, each as a ratio to the trigram table's (target
# <= 1.0 both); QUERIES (default 1,000) random two- and four-character strings cut from
# the documents, searched through search_query (ranked, first page of 20, with the total
# and facets) as the administrator, p50 and p99 of wall-clock and CPU time (target p99 <=
# 20 ms; and, by length, the CPU time p99 of the two- and of the four-character queries with
# how many took over 20 ms), then the same queries scoped to a random unit (target <= 1.5x
# the admin's), all as the server runs them (the walk back bounded by WM_SEARCH_SPAN, and
# how many answers were partial), then for comparison the admin's without that bound; and
# recall on a store of the first SAMPLE (default 50,000) documents: every match of each
# query compared, as a set, with a scan of the titles and bodies (instr(), a LIKE '%q%'):
# it must be 100%, and the program fails otherwise.
#
# DOCS=20000 for a quick look (about a minute).  KEEP=1 keeps the work directory (printed);
# search_bench --reuse DIR --docs N runs the queries again on it.
set -eu
cd "$(dirname "$0")/.."
DOCS=${DOCS:-1000000}
QUERIES=${QUERIES:-1000}
SAMPLE=${SAMPLE:-50000}
BUILD=${BUILD:-build}
[ -d "$BUILD" ] || meson setup "$BUILD" >/dev/null
ninja -C "$BUILD" tests/search_bench >/dev/null
set -- --docs "$DOCS" --queries "$QUERIES" --sample "$SAMPLE"
[ -n "${KEEP:-}" ] && set -- "$@" --keep
start=$(date +%s)
"./$BUILD/tests/search_bench" "$@"
echo "bench: $(( $(date +%s) - start )) s in all"
