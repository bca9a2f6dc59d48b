#!/bin/sh
# eval_engine.sh — the scoring engine alone (src/eval, no store): a round of 2,000 units x
# 150 leaves x 3 evaluators reconciled (mean), totalled and ranked, as `test_eval --bench`
# does it in memory.  Target: well under 100 ms (the whole round's budget in bench/round.sh
# is 2 s, store included).  Then the ranking of those 2,000 units rendered as PDF (cairo +
# pango, as the wenming-compile helper does it) and as XLSX, with pages, size and time.
set -eu
cd "$(dirname "$0")/.."
BIN=${WENMING_TEST_EVAL:-./build/tests/test_eval}
[ -x "$BIN" ] || { echo "bench: $BIN is missing (ninja -C build)" >&2; exit 1; }
"$BIN" --bench
