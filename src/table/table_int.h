/*
** table_int.h — shared by the files of src/table only; not a public interface.
*/
#ifndef WM_TABLE_INT_H
#define WM_TABLE_INT_H

#include "wm_table.h"

#include <stdbool.h>

#include "wm_util.h"

/** Format a one-line cause into err (when errlen > 0). */
void wm_table_seterr(char *err, size_t errlen, const char *fmt, ...) WM_PRINTF(3, 4);

/** A table under construction. Zero-initialise; on failure free .t with wm_table_free(). */
struct wm_table_acc {
    struct wm_table *t;
    size_t cap;    /* rows allocated in t->rows */
    size_t ncells; /* cells in all rows so far */
};

/**
** Append a row, stealing @a cells (an array of ncells strings, all from wm_malloc; freed
** here on failure too).  Enforces WM_TABLE_MAX_ROWS/COLS/CELLS.  0, or -1 with err set.
*/
int wm_table_add_row(struct wm_table_acc *acc,
                     char **cells,
                     size_t ncells,
                     unsigned line,
                     char *err,
                     size_t errlen);

/** Parse CSV text [s, s+n), which is valid UTF-8 without NUL and without BOM, into t. */
int wm_table_parse_csv(const char *s, size_t n, struct wm_table_acc *acc, char *err, size_t errlen);

/** Parse an XLSX workbook (ZIP bytes) into t. */
int
wm_table_parse_xlsx(const void *data, size_t n, unsigned sheet, struct wm_table_acc *acc,
                    char *err, size_t errlen);

#endif /* WM_TABLE_INT_H */
