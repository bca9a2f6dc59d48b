/*
** tdir.h — a unit test's scratch directory: made under /tmp, removed with everything in it
** (nftw, no shell).  Include after <cmocka.h>.
*/
#ifndef TDIR_H
#define TDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

static inline int
tdir_rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

/* Make /tmp/wm-test-NAME-XXXXXX into dir (at least 64 bytes). */
static inline void
tdir_make(char *dir, size_t len, const char *name)
{
    int n = snprintf(dir, len, "/tmp/wm-test-%s-XXXXXX", name);
    assert_true(n > 0 && (size_t)n < len);
    assert_non_null(mkdtemp(dir));
}

/* Remove dir and all below it. */
static inline void
tdir_remove(const char *dir)
{
    assert_int_equal(nftw(dir, tdir_rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

#endif /* TDIR_H */
