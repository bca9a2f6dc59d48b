/*
** ex_int.h — what the extractors of src/extract share: the text being built (capped at
** WM_EXTRACT_MAX_TEXT, always valid UTF-8), and each format's entry point.
*/
#ifndef WM_EX_INT_H
#define WM_EX_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wm_extract.h"

/*
** The text of one file.  Bytes are added with ex_add (which replaces invalid UTF-8 with
** U+FFFD, drops control characters other than tab and newline, turns CR and CRLF into a
** newline); once cap is reached, full is set and every further add is ignored: extractors
** look at full to stop reading.
*/
struct ex_out {
    struct wm_buf b;
    size_t cap;
    bool full;
    bool last_cr; /* the last byte added was a CR (its LF, if next, is dropped) */
};

/** One UTF-8 sequence at s (n > 0 bytes): its code point and *len, or -1 and *len 1 for a
** byte that starts no valid one (overlong, surrogate, truncated). */
int32_t ex_utf8_next(const unsigned char *s, size_t n, size_t *len);

void ex_add(struct ex_out *o, const char *s, size_t n);
void ex_adds(struct ex_out *o, const char *s);
/** A paragraph break: one newline, unless the text is empty or already ends with one. */
void ex_nl(struct ex_out *o);
/** A space, unless the text is empty or already ends with white space. */
void ex_space(struct ex_out *o);

/** Remove each space that has a Han character (or CJK punctuation) on both sides, in place
** (OCR puts one between every two characters of Chinese).  Returns the new length. */
size_t ex_join_han(char *s, size_t n);

void ex_seterr(char *err, size_t errlen, const char *fmt, ...) WM_PRINTF(3, 4);

/* Each extractor appends to o; errors as wm_extract_file's. */
enum wm_err ex_text_file(const char *path, struct ex_out *o, char *err, size_t errlen);
/** The same for bytes in memory (the fuzz target and ex_text_file). */
void ex_text_mem(const char *p, size_t n, struct ex_out *o);
enum wm_err ex_zip_file(const char *path, struct ex_out *o, char *err, size_t errlen);
enum wm_err ex_pdf_file(const char *path, struct ex_out *o, char *err, size_t errlen);
enum wm_err ex_image_file(const char *path, struct ex_out *o, char *err, size_t errlen);

/* OCR (ocr.c): one process-wide tesseract, started on first use. */
/** Recognise an 8-bit grey image (rows of @a stride bytes) at @a dpi; appends to o. */
enum wm_err ex_ocr_grey(const unsigned char *pix, int w, int h, int stride, int dpi,
                        struct ex_out *o, char *err, size_t errlen);
/** True once two thirds of the CPU-time limit are used: OCR stops there. */
bool ex_ocr_budget_spent(void);

/* ---------------------------------------------------------------- the probe (四性检测) */

/* What the probe found of one file: whether it opened as its type (why not), and each risk
** as a line "kind\tdetail\n" (kind executable, macro, script, encrypted). */
struct ex_probe {
    bool usable;
    char why[400];
    struct wm_buf risks;
    unsigned nrisks;
};
void ex_probe_risk(struct ex_probe *p, const char *kind, const char *fmt, ...) WM_PRINTF(3, 4);
/** The entries of a ZIP container: encrypted entries, macros (vbaProject.bin, ODF Basic/),
** executables inside (by their first bytes or name).  WM_OK, or an error when the ZIP cannot
** be read (err says why). */
enum wm_err ex_zip_probe(const char *path, struct ex_probe *p, char *err, size_t errlen);

#endif /* WM_EX_INT_H */
