/*
** pkg_int.h — internals shared by the files of src/archive (not part of the API).
*/
#ifndef WM_PKG_INT_H
#define WM_PKG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <locale.h>

#include "wm_util.h"

/**
** Decode one code point from [s, s+n).  Returns its length (1-4) and sets *cp, or 0 for an
** invalid sequence (overlong, surrogate, above U+10FFFF, truncated).
*/
size_t pkg_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/** Append code point @a cp as UTF-8. */
void pkg_utf8_put(struct wm_buf *b, uint32_t cp);

/**
** The sanitiser behind wm_pkg_component(): @a allow_colon keeps ':' (names made with
** wm_pkg_opts.ascii_colon), @a keep_ext keeps an extension when cutting.
** Caller frees.
*/
char *pkg_component_ex(const char *name, size_t maxbytes, bool allow_colon, bool keep_ext);

/**
** Raw bytes (a ZIP entry name) as UTF-8: kept when valid UTF-8, else converted from
** GB18030 (*enc = "GB18030"), else invalid bytes become U+FFFD (*enc = "UTF-8?").
** NUL bytes never come out.  Caller frees.
*/
char *pkg_name_to_utf8(const char *raw, size_t n, const char **enc);

/** [raw, raw+n) with invalid sequences and NUL bytes replaced by U+FFFD. Caller frees. */
char *pkg_utf8_repair(const char *raw, size_t n);

/** Copy @a src into dst[len] as valid UTF-8 (invalid bytes become U+FFFD), cut at a
** character boundary when it does not fit. */
void pkg_copy_utf8(char *dst, size_t len, const char *src);

/* A set of strings, each with a value (open addressing, FNV-1a). Zero-initialise; free
** with pkg_set_free. */
struct pkg_set {
    char **slots;
    size_t *vals;
    size_t cap;
    size_t len;
};

/** Insert a copy of @a s with value @a val; false (nothing changed) when already there. */
bool pkg_set_put(struct pkg_set *set, const char *s, size_t val);
/** Insert a copy of @a s; false when it was already there. */
bool pkg_set_add(struct pkg_set *set, const char *s);
bool pkg_set_has(const struct pkg_set *set, const char *s);
/** The value of @a s into *val; false when absent. */
bool pkg_set_get(const struct pkg_set *set, const char *s, size_t *val);
void pkg_set_free(struct pkg_set *set);

/**
** Switch the calling thread to a UTF-8 LC_CTYPE (for libarchive's name conversions) and
** return the previous locale to give back to pkg_locale_leave().  (locale_t)0 when no
** UTF-8 locale exists (then nothing changes).
*/
locale_t pkg_locale_enter(void);
void pkg_locale_leave(locale_t old);

#endif /* WM_PKG_INT_H */
