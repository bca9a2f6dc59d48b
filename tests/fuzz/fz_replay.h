/*
** fz_replay.h — what every fuzz target's replay build (-DWM_FUZZ_REPLAY) shares: a small
** deterministic generator for mutations, the WM_FUZZ_ITERS / WM_FUZZ_SEED knobs, and the
** replay of the input files named on the command line (crash reproducers, corpora).
**
** Included by the fuzz target's .c file inside its #ifdef WM_FUZZ_REPLAY block, after
** LLVMFuzzerTestOneInput is declared.
*/
#ifndef FZ_REPLAY_H
#define FZ_REPLAY_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "wm_util.h"

static uint64_t fz_state = 0x9E3779B97F4A7C15u;

/* xorshift64: the same mutations on every machine for the same WM_FUZZ_SEED. */
static inline uint64_t
fz_rand(void)
{
    fz_state ^= fz_state << 13;
    fz_state ^= fz_state >> 7;
    fz_state ^= fz_state << 17;
    return fz_state;
}

/* A number in [0, n), 0 when n is 0. */
static inline size_t
fz_below(size_t n)
{
    return n ? (size_t)(fz_rand() % n) : 0;
}

/* The non-negative number in environment variable @a name, or @a dflt. */
static inline unsigned long
fz_env(const char *name, unsigned long dflt)
{
    const char *v = getenv(name);
    int64_t n;
    if (v == NULL || !wm_parse_i64(v, 0, INT64_MAX, &n)) {
        return dflt;
    }
    return (unsigned long)n;
}

/* Mix WM_FUZZ_SEED (default 1) into the generator's state. */
static inline void
fz_seed_from_env(void)
{
    fz_state ^= fz_env("WM_FUZZ_SEED", 1);
}

/*
** Run LLVMFuzzerTestOneInput on each file named in argv[1..]: 0 when all were read (and
** survived), 1 when one could not be read.
*/
static inline int
fz_replay_files(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        size_t n = 0;
        char *data = wm_read_file(argv[i], &n);
        if (data == NULL) {
            fprintf(stderr, "%s: cannot read\n", argv[i]);
            return 1;
        }
        LLVMFuzzerTestOneInput((const uint8_t *)data, n);
        free(data);
    }
    printf("replayed %d files\n", argc - 1);
    return 0;
}

#endif /* FZ_REPLAY_H */
