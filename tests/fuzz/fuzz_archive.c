/*
** fuzz_archive.c — fuzz target for the standard package: the naming rules and the import
** reader (wm_pkg_read_each over a ZIP).
**
** Each input is (1) taken as a name: wm_pkg_component() must give valid UTF-8 within its
** limit, never "." / ".." / a separator / a control character, and be idempotent; the
** parsers must not crash; and (2) written to a temporary file and read as a ZIP with small
** limits: every entry handed out must have valid UTF-8 components, none of them "..", and
** a stream must never yield more bytes than the limits allow.
**
** libFuzzer (clang): `fuzz_archive CORPUS_DIR`.  With -DWM_FUZZ_REPLAY this file is a plain
** program instead: it replays the files named on its command line, or with none runs
** WM_FUZZ_ITERS (default 3000) deterministic mutations (seed WM_FUZZ_SEED) of a seed corpus
** made at start (an exported package, a hostile ZIP, a GBK-named ZIP).  `meson test` runs it.
*/
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "wm_archive.h"
#include "wm_util.h"

#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_MAX_TOTAL ((uint64_t)4 << 20)
#define FZ_MAX_ENTRY ((uint64_t)1 << 20)

static char fz_path[64];

static void
fz_check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_archive: broken promise: %s\n", what);
        abort();
    }
}

static void
fz_names(const uint8_t *data, size_t size)
{
    char *s = wm_strndup((const char *)data, size);
    size_t max = size > 0 ? (size_t)data[0] : 0;
    char *c = wm_pkg_component(s, max);
    size_t lim = max == 0 ? WM_PKG_COMPONENT_MAX : max < 16 ? 16 : max;
    size_t n = strlen(c);
    fz_check(n > 0 && n <= lim, "component length");
    fz_check(wm_utf8_valid(c, n), "component UTF-8");
    fz_check(strcmp(c, ".") != 0 && strcmp(c, "..") != 0, "component dots");
    fz_check(strpbrk(c, "/\\:*?\"<>|") == NULL && !wm_has_control(c), "component chars");
    fz_check(c[0] != '.' && c[n - 1] != '.' && c[n - 1] != ' ', "component ends");
    char *again = wm_pkg_component(c, max);
    fz_check(strcmp(again, c) == 0, "component idempotent");
    free(again);
    free(c);

    char *d = wm_pkg_doc_name(size, s, s + size / 2, size & 1);
    fz_check(strlen(d) <= WM_PKG_COMPONENT_MAX && wm_utf8_valid(d, strlen(d)), "doc name");
    unsigned serial;
    char *title, *ext;
    if (wm_pkg_parse_doc_name(d, &serial, &title, &ext)) {
        free(title);
        free(ext);
    }
    free(d);
    char *f = wm_pkg_folder_name(s, s + size / 3);
    fz_check(strlen(f) <= WM_PKG_COMPONENT_MAX && wm_utf8_valid(f, strlen(f)), "folder name");
    free(f);
    char *code, *t2;
    if (wm_pkg_parse_folder(s, &code, &t2)) {
        free(code);
        free(t2);
    }
    int year;
    if (wm_pkg_parse_top(s, &code, &year)) {
        free(code);
    }
    free(s);
}

static int
fz_entry(void *cls, const struct wm_pkg_entry *e, struct wm_pkg_stream *s)
{
    (void)cls;
    fz_check(wm_utf8_valid(e->name, strlen(e->name)), "entry name UTF-8");
    for (size_t i = 0; i < e->ncomp; i++) {
        const char *c = e->comp[i];
        fz_check(c[0] != '\0' && wm_utf8_valid(c, strlen(c)), "component UTF-8");
        fz_check(strcmp(c, "..") != 0 && strcmp(c, ".") != 0, "no dot components");
        fz_check(strchr(c, '/') == NULL && strchr(c, '\\') == NULL, "no separators");
    }
    if (s == NULL) {
        fz_check(e->refusal != WM_PKG_OK && e->reason != NULL, "refusal has a reason");
        return 0;
    }
    fz_check(e->refusal == WM_PKG_OK && e->path != NULL, "accepted entry");
    char buf[16384];
    uint64_t got = 0;
    ssize_t r;
    while ((r = wm_pkg_stream_read(s, buf, sizeof(buf))) > 0) {
        got += (uint64_t)r;
        fz_check(got <= FZ_MAX_ENTRY, "entry limit");
    }
    return 0;
}

static void
fz_zip(const uint8_t *data, size_t size)
{
    if (fz_path[0] == '\0') {
        snprintf(fz_path, sizeof(fz_path), "/tmp/fuzz_archive_%ld.zip", (long)getpid());
    }
    int fd = open(fz_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        abort();
    }
    if (size > 0 && write(fd, data, size) != (ssize_t)size) {
        abort();
    }
    close(fd);
    struct wm_pkg_limits lim = { .max_total = FZ_MAX_TOTAL,
                                 .max_entry = FZ_MAX_ENTRY,
                                 .max_entries = 500,
                                 .max_ratio = 100,
                                 .max_ratio_total = 50,
                                 .ratio_floor = 65536 };
    char err[256];
    int rc = wm_pkg_read_each(fz_path, &lim, fz_entry, NULL, err, sizeof(err));
    fz_check(rc == 0 || (rc == -1 && err[0] != '\0' && wm_utf8_valid(err, strlen(err))),
             "error has a cause");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_names(data, size < 4096 ? size : 4096);
    fz_zip(data, size);
    return 0;
}

#ifdef WM_FUZZ_REPLAY

#include "fz_replay.h"

static int
fz_buf_write(void *cls, const void *p, size_t n)
{
    wm_buf_add(cls, p, n);
    return 0;
}

/* A ZIP in memory with raw names; deflated when asked. */
static void
fz_raw_zip(struct wm_buf *out, const char *const *names, size_t n, bool deflate)
{
    size_t cap = 1u << 20, used = 0;
    char *mem = wm_malloc(cap);
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    archive_write_set_options(a, deflate ? "zip:compression=deflate" : "zip:compression=store");
    if (archive_write_open_memory(a, mem, cap, &used) != ARCHIVE_OK) {
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, names[i]);
        bool link = wm_startswith(names[i], "link");
        archive_entry_set_filetype(e, link ? AE_IFLNK : AE_IFREG);
        archive_entry_set_perm(e, 0644);
        if (link) {
            archive_entry_set_symlink(e, "/etc/passwd");
        }
        size_t len = link ? 0 : 300 + i * 10;
        archive_entry_set_size(e, (la_int64_t)len);
        (void)archive_write_header(a, e);
        for (size_t k = 0; k < len; k++) {
            char c = (char)('a' + k % 7);
            (void)archive_write_data(a, &c, 1);
        }
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    wm_buf_add(out, mem, used);
    free(mem);
}

static void
fz_mutate(struct wm_buf *b)
{
    static const char *const tokens[] = { "..",
                                          "/",
                                          "\\",
                                          "C:",
                                          "PK\x03\x04",
                                          "PK\x01\x02",
                                          "\xff\xff\xff\xff",
                                          "\x00\x00",
                                          "\xB4\xB4",
                                          "\xE6\xA1\xA3",
                                          "CON",
                                          "." };
    unsigned rounds = 1 + (unsigned)fz_below(6);
    for (unsigned i = 0; i < rounds; i++) {
        size_t pos = fz_below(b->len + 1);
        switch (fz_below(5)) {
        case 0:
            if (b->len > 0) {
                b->data[fz_below(b->len)] ^= (char)(1u << fz_below(8));
            }
            break;
        case 1: { /* overwrite with a token */
            const char *tok = tokens[fz_below(WM_ARRAY_LEN(tokens))];
            size_t tl = tok[0] ? strlen(tok) : 2;
            for (size_t k = 0; k < tl && pos + k < b->len; k++) {
                b->data[pos + k] = tok[k];
            }
            break;
        }
        case 2: /* truncate */
            b->len = pos;
            if (b->data != NULL) {
                b->data[pos] = '\0';
            }
            break;
        case 3: { /* a random 32-bit field (sizes, offsets) */
            uint32_t v = (uint32_t)fz_rand();
            if (fz_below(2)) {
                v &= 0xFFFF;
            }
            for (size_t k = 0; k < 4 && pos + k < b->len; k++) {
                b->data[pos + k] = (char)(v >> (8 * k));
            }
            break;
        }
        default:
            if (b->len > 0) {
                b->data[fz_below(b->len)] = (char)fz_rand();
            }
            break;
        }
    }
}

int
main(int argc, char **argv)
{
    if (argc > 1) {
        int rc = fz_replay_files(argc, argv);
        unlink(fz_path);
        return rc;
    }

    wm_log_set_level(WM_LOG_WARN);
    struct wm_buf seeds[4] = { { 0 } };
    /* an exported package */
    struct wm_pkg_writer *w = wm_pkg_writer_new(fz_buf_write, &seeds[0], NULL);
    (void)wm_pkg_add_bytes(w, "某单位_2020_创建档案/1 组织管理/01：文件.pdf", "%PDF-1.4\n", 9);
    (void)wm_pkg_add_bytes(w, "某单位_2020_创建档案/2 思想道德建设/01：照片.jpg", "\xff\xd8", 2);
    (void)wm_pkg_add_dir(w, "某单位_2020_创建档案/3 创建活动");
    char err[256];
    if (wm_pkg_finish(w, err, sizeof(err)) != 0) {
        fprintf(stderr, "seed: %s\n", err);
        return 1;
    }
    wm_pkg_writer_free(w);
    static const char *const hostile[] = { "../evil.txt",  "/etc/passwd",  "C:\\x",   "link",
                                           "a/./b//c.txt", "__MACOSX/._a", "dup.txt", "dup.txt" };
    fz_raw_zip(&seeds[1], hostile, WM_ARRAY_LEN(hostile), false);
    static const char *const gbk[] = { "\xB4\xB4\xBD\xA8/01\xA3\xBA\xBB\xE1.txt", "ok.txt" };
    fz_raw_zip(&seeds[2], gbk, WM_ARRAY_LEN(gbk), true);
    wm_buf_adds(&seeds[3], "1.2 创建规划 CON.txt \xff\xfe ../..");

    unsigned long iters = fz_env("WM_FUZZ_ITERS", 3000);
    fz_seed_from_env();
    struct wm_buf b = { 0 };
    for (unsigned long it = 0; it < iters; it++) {
        bool mutate = it >= WM_ARRAY_LEN(seeds);
        size_t which = mutate ? fz_below(WM_ARRAY_LEN(seeds)) : (size_t)it;
        wm_buf_reset(&b);
        wm_buf_add(&b, "", 0);
        wm_buf_add(&b, seeds[which].data, seeds[which].len);
        if (mutate) {
            fz_mutate(&b);
        }
        LLVMFuzzerTestOneInput((const uint8_t *)wm_buf_str(&b), b.len);
    }
    wm_buf_free(&b);
    for (size_t i = 0; i < WM_ARRAY_LEN(seeds); i++) {
        wm_buf_free(&seeds[i]);
    }
    unlink(fz_path);
    printf("fuzz_archive_replay: %lu inputs, no crash\n", iters);
    return 0;
}

#endif /* WM_FUZZ_REPLAY */

/* end of fuzz_archive.c */
