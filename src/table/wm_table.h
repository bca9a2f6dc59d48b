/*
** wm_table.h — read a CSV, XLSX or DOCX file (bytes in memory) into rows of UTF-8 string
** cells.
**
** Used by the bulk imports (units, evaluation standards).  The reader never trusts its
** input: every cell of a returned table is valid UTF-8 without NUL bytes, and hostile
** input (zip bombs, XML entity tricks, absurd sizes) ends in an error, never a crash.
**
** CSV: RFC 4180 (quoted fields, "" escapes, newlines inside quotes, CRLF/LF/CR line ends,
** last line without newline).  A UTF-8 BOM is dropped.  The separator is ',' unless the
** first line has no comma but has ';' or TAB (the more frequent wins), or the first line
** is an Excel hint "sep=X".  Cells are returned as-is (no trimming), except that the
** apostrophe wenming's exports put before a cell starting = + - @ (wm_cell_text) is taken
** off again (wm_cell_untext), in CSV and XLSX alike.  Lines that are
** completely empty are skipped (so trailing empty lines are ignored); rows can have
** different numbers of cells.  Bytes that are not UTF-8 are converted from GB18030 (a
** superset of GBK); a file with a UTF-16 BOM is converted from UTF-16.
**
** XLSX: the first sheet of the workbook (by workbook order).  Cells are placed by column
** letter (gaps become ""), trailing empty cells of a row are dropped and empty rows are
** skipped.  Numbers come back as stored, with binary floating-point artefacts rounded to
** 15 significant digits ("0.30000000000000004" -> "0.3").  Booleans are "TRUE"/"FALSE".
** Dates are returned as Excel serial numbers (number formats are not interpreted).
**
** DOCX (read where XLSX is, when the ZIP holds word/document.xml and no workbook): the
** rows of the document's tables, in order, as one sheet; merged cells (w:gridSpan,
** w:vMerge) read as a sheet's merged cells do, empty rows and a split table's repeated
** header left out (see xlsx.c).
**
** Thread safety: wm_table_read() may run in several threads at once provided that
** wm_table_global_init() (or libxml2's xmlInitParser()) was called once before.
*/
#ifndef WM_TABLE_H
#define WM_TABLE_H

#include <stdbool.h>
#include <stddef.h>

/** Limits; input beyond them is refused with an error. */
#define WM_TABLE_MAX_ROWS     100000u
#define WM_TABLE_MAX_COLS     1000u
#define WM_TABLE_MAX_CELLS    2000000u            /* total, gaps included */
#define WM_TABLE_MAX_ENTRY    ((size_t)64 << 20)  /* one uncompressed XLSX part */
#define WM_TABLE_MAX_UNZIPPED ((size_t)128 << 20) /* all XLSX parts together */

struct wm_row {
    size_t ncells;
    char **cells;  /* ncells strings, never NULL; owned by the table */
    unsigned line; /* CSV: 1-based source line where the row starts; XLSX: sheet row number */
    unsigned sheet; /* in a table joined from sheets (wm_table_read_fitting_all): the 1-based
                    ** number of the sheet in the workbook; else 0 */
};

struct wm_table {
    size_t nrows;
    struct wm_row *rows;
    /* NULL, or the encoding the input was converted from: "GB18030" (also covers GBK and
    ** GB2312), "UTF-16LE" or "UTF-16BE".  Static storage. */
    const char *converted_from;
};

enum wm_table_fmt {
    WM_TABLE_AUTO, /* XLSX (or DOCX) when the data starts with "PK\3\4", else CSV */
    WM_TABLE_CSV,
    WM_TABLE_XLSX,
};

/** Initialise libxml2 once from the main thread before using the reader in threads. */
void wm_table_global_init(void);

/**
** Parse a table.
** @param[in] data   the file's bytes (borrowed for the call; need not be NUL-terminated)
** @param[in] len    their number
** @param[in] fmt    the format, or WM_TABLE_AUTO to detect it
** @param[out] out   on success the table; caller frees with wm_table_free()
** @param[out] err   on failure a one-line cause in Chinese, e.g. "第3行: 引号未闭合"
**                   (may be NULL when errlen is 0)
** @return 0 on success; -1 on failure (then *out is NULL)
*/
int wm_table_read(const void *data,
                  size_t len,
                  enum wm_table_fmt fmt,
                  struct wm_table **out,
                  char *err,
                  size_t errlen);

/** Free a table and all its cells; NULL is a no-op. */
void wm_table_free(struct wm_table *t);
/**
** The same for the sheet-th sheet of an XLSX (0 is the first).  Returns 1, and sets
** nothing, when there is no such sheet (a CSV has only sheet 0).
*/
int wm_table_read_sheet(const void *data, size_t len, enum wm_table_fmt fmt, unsigned sheet,
                        struct wm_table **out, char *err, size_t errlen);
/**
** The first sheet for which fits() says yes (workbooks often open with a cover or an
** explanation sheet); when none does, the first sheet, so that its errors can be shown.
*/
int wm_table_read_fitting(const void *data, size_t len, enum wm_table_fmt fmt,
                          bool (*fits)(const struct wm_table *t, void *cls), void *cls,
                          struct wm_table **out, char *err, size_t errlen);
/**
** The same, and *nfit (when not NULL) the number of sheets (of the first 32) fits() says yes
** to: more than one means a workbook holds several tables of the kind, of which only the
** first was read.
*/
int wm_table_read_fitting_n(const void *data, size_t len, enum wm_table_fmt fmt,
                            bool (*fits)(const struct wm_table *t, void *cls), void *cls,
                            struct wm_table **out, unsigned *nfit, char *err, size_t errlen);

/**
** Every sheet fits() says yes to (of the first 32), joined in workbook order into one table
** whose rows carry their sheet's number (each sheet whole, its own header rows included:
** a register kept one sheet per district); *nfit their number.  When only one fits, or none,
** as wm_table_read_fitting (sheet 0 on every row).
*/
int wm_table_read_fitting_all(const void *data, size_t len, enum wm_table_fmt fmt,
                              bool (*fits)(const struct wm_table *t, void *cls), void *cls,
                              struct wm_table **out, unsigned *nfit, char *err, size_t errlen);

/** The row after the sheet that row @a s0 of a joined table starts (the rows of one sheet
** number; the end of any other table). */
size_t wm_table_sheet_end(const struct wm_table *t, size_t s0);

/**
** Index of the first header cell equal to @a name, both compared without white space
** (ASCII, U+3000; "名 称" is 名称) and with ASCII letters case-folded (other bytes must match
** exactly); failing that, the first whose trailing bracket cut off matches ("单位名称（全称）",
** "分值(分)"); -1 when none.
*/
int wm_table_col(const struct wm_row *header, const char *name);

/** Cut a trailing bracketed part （…） or (…) off @a h in place; false when it has none or
** nothing comes before it. */
bool wm_table_cut_bracket(char *h);

/** Cell @a idx of @a row, or "" when idx is negative or past the row's end. Borrowed. */
const char *wm_row_cell(const struct wm_row *row, int idx);

/** What a row is besides data, as registers and published standards hold them. */
enum wm_row_kind {
    WM_ROW_DATA = 0,
    WM_ROW_BLANK,    /* every cell blank (white space, U+3000) */
    WM_ROW_TOTAL,    /* first filled cell 合计, 总计 or 总分 (alone, or before ：( [ or a digit) */
    WM_ROW_SUBTOTAL, /* the same with 小计 */
    WM_ROW_NOTE,     /* a single filled cell 说明：…, 注：…, 备注：…, 附注：… (or the word alone) */
};

/** The kind of @a row (both scripts; spaces inside the leading word are ignored: 合  计). */
enum wm_row_kind wm_table_row_kind(const struct wm_row *row);

/**
** A cell as a calendar date in the forms registers hold: an Excel date cell (its serial
** number, days since 1899-12-30, with or without a time fraction, for the days
** 1950-01-01 .. 2099-12-31), 2021-03-05, 2021-3-5, 2021/3/5, 2021.3.5, 20210305 and
** 2021年3月5日 (日 may be left off), optionally followed by a time (" 08:30", "T08:30:00");
** ASCII white space around it is ignored.  Years 1900..2100 only, and the day must exist
** (2021-02-29 does not).  Writes "YYYY-MM-DD" into out and returns true; false otherwise
** (out untouched).
*/
bool wm_table_date(const char *cell, char out[11]);

#endif /* WM_TABLE_H */
