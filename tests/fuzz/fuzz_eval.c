/*
** fuzz_eval.c — fuzz target for wm_eval_parse_points(), the parser of the points people
** type into a score sheet ("0.5", "－１．２５", "2.").
**
** Any input must be accepted or refused without a crash or undefined behaviour; an
** accepted value must be within ±WM_FW_MAX_SCORE and survive format → parse unchanged, and
** the same text with a blank around it must give the same value.
**
** With clang: a libFuzzer target (-fsanitize=fuzzer).  With -DWM_FUZZ_REPLAY: a plain
** program that runs the files named on the command line, or else WM_FUZZ_ITERS (default
** 20000) mutations of embedded seeds, seeded by WM_FUZZ_SEED (meson test
** 'fuzz_eval_replay').
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wm_eval.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_eval: invariant failed: %s\n", what);
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) {
        return 0;
    }
    char *s = wm_strndup((const char *)data, size); /* up to the first NUL */
    int64_t v = 0;
    if (wm_eval_parse_points(s, &v)) {
        fuzz_check(v >= -WM_FW_MAX_SCORE && v <= WM_FW_MAX_SCORE, "bounds");
        char b[32];
        int64_t w = 0;
        fuzz_check(wm_eval_parse_points(wm_eval_format_points(v, b), &w) && w == v,
                   "format round trip");
        char *padded = wm_asprintf(" %s\xE3\x80\x80", s);
        w = 0;
        fuzz_check(wm_eval_parse_points(padded, &w) && w == v, "blanks around");
        free(padded);
    }
    free(s);
    return 0;
}

#ifdef WM_FUZZ_REPLAY

static const char *const fuzz_seeds[] = {
    "0",
    "2",
    "0.5",
    "1.25",
    "-0.5",
    "+1",
    ".5",
    "2.",
    "0.50",
    " 7.5 ",
    "２",
    "０．５",
    "－１．２５",
    "\xE3\x80\x80"
    "3",
    "1000000",
    "\xE2\x88\x92"
    "2",
    "0.125",
    "1e2",
    "abc",
};

static const char *const fuzz_tokens[] = {
    "0",
    "9",
    ".",
    "-",
    "+",
    " ",
    "\xEF\xBC\x90",
    "\xEF\xBC\x8E",
    "\xEF\xBC\x8D",
    "\xE3\x80\x80",
    "\xE2\x88\x92",
    "\xEF\xBC",
    "\xFF",
    "99999999",
    "\t",
    ",",
};

#    include "fz_replay.h"

static void
fuzz_mutate(struct wm_buf *b)
{
    size_t pos = b->len ? (size_t)(fz_rand() % (b->len + 1)) : 0;
    switch (fz_rand() % 4) {
    case 0: /* flip a byte */
        if (b->len > 0) {
            b->data[pos % b->len] ^= (char)(1u << (fz_rand() % 8));
        }
        break;
    case 1: { /* delete a byte */
        if (pos < b->len) {
            memmove(b->data + pos, b->data + pos + 1, b->len - pos - 1);
            b->len--;
            b->data[b->len] = '\0';
        }
        break;
    }
    default: { /* insert a token */
        const char *t = fuzz_tokens[fz_rand() % WM_ARRAY_LEN(fuzz_tokens)];
        size_t n = strlen(t);
        wm_buf_reserve(b, n + 1);
        memmove(b->data + pos + n, b->data + pos, b->len - pos);
        memcpy(b->data + pos, t, n);
        b->len += n;
        b->data[b->len] = '\0';
        break;
    }
    }
}

int
main(int argc, char **argv)
{
    if (argc > 1) {
        return fz_replay_files(argc, argv);
    }
    unsigned runs = 0;
    for (size_t s = 0; s < WM_ARRAY_LEN(fuzz_seeds); s++) {
        LLVMFuzzerTestOneInput((const uint8_t *)fuzz_seeds[s], strlen(fuzz_seeds[s]));
        runs++;
    }
    unsigned long iters = fz_env("WM_FUZZ_ITERS", 20000);
    fz_seed_from_env();
    for (unsigned long i = 0; i < iters; i++) {
        struct wm_buf b = { 0 };
        wm_buf_adds(&b, fuzz_seeds[fz_rand() % WM_ARRAY_LEN(fuzz_seeds)]);
        unsigned n = 1 + (unsigned)(fz_rand() % 4);
        for (unsigned k = 0; k < n; k++) {
            fuzz_mutate(&b);
        }
        LLVMFuzzerTestOneInput((const uint8_t *)b.data, b.len);
        wm_buf_free(&b);
        runs++;
    }
    printf("%u inputs ok\n", runs);
    return 0;
}

#endif /* WM_FUZZ_REPLAY */

/* end of fuzz_eval.c */
