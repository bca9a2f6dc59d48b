/*
** csv.c — RFC 4180 CSV (and ';' / TAB separated text) into rows of cells.
**
** The input is already UTF-8 without BOM (table.c decodes it).  The parser is lenient
** where spreadsheets are: a stray quote inside an unquoted field and text after a closing
** quote are kept literally.  The one hard error is a quoted field that never ends.
*/
#include "wm_table.h"

#include <stdlib.h>
#include <string.h>

#include "table_int.h"
#include "wm_util.h"

#include "banned.h"

/* Line ends in [p, p+n): "\r\n", "\n" and a lone "\r" count once each. */
static unsigned
wm_csv_count_lines(const char *p, size_t n)
{
    unsigned lines = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n' || (p[i] == '\r' && (i + 1 == n || p[i + 1] != '\n'))) {
            lines++;
        }
    }
    return lines;
}

/*
** The separator: ',' unless the first line has no comma outside quotes but has ';' or
** TAB there (the more frequent one; ';' on a tie).
*/
static char
wm_csv_guess_delim(const char *s, size_t n)
{
    size_t commas = 0, semis = 0, tabs = 0;
    bool inq = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"') {
            inq = !inq;
        } else if (inq) {
            continue;
        } else if (c == '\n' || c == '\r') {
            break;
        } else if (c == ',') {
            commas++;
        } else if (c == ';') {
            semis++;
        } else if (c == '\t') {
            tabs++;
        }
    }
    if (commas > 0 || (semis == 0 && tabs == 0)) {
        return ',';
    }
    return tabs > semis ? '\t' : ';';
}

/* Skip one line end at *i (if any) and return whether there was one. */
static bool
wm_csv_skip_eol(const char *s, size_t n, size_t *i)
{
    if (*i < n && s[*i] == '\r') {
        (*i)++;
        if (*i < n && s[*i] == '\n') {
            (*i)++;
        }
        return true;
    }
    if (*i < n && s[*i] == '\n') {
        (*i)++;
        return true;
    }
    return false;
}

int
wm_table_parse_csv(const char *s, size_t n, struct wm_table_acc *acc, char *err, size_t errlen)
{
    struct wm_buf cell = { 0 };
    char **cells = NULL;
    size_t ncells = 0, capc = 0;
    unsigned line = 1;
    size_t i = 0;
    char delim;
    int rc = -1;

    /* Excel's hint line "sep=;" names the separator and is not data. */
    if (n >= 5 && memcmp(s, "sep=", 4) == 0 && s[4] != '"' && s[4] != '\r' && s[4] != '\n' &&
        (n == 5 || s[5] == '\r' || s[5] == '\n')) {
        delim = s[4];
        i = 5;
        wm_csv_skip_eol(s, n, &i);
        line = 2;
    } else {
        delim = wm_csv_guess_delim(s, n);
    }

    while (i < n) {
        unsigned row_line = line;
        if (wm_csv_skip_eol(s, n, &i)) {
            line++; /* an empty line: no row */
            continue;
        }
        for (;;) { /* one field per turn */
            wm_buf_reset(&cell);
            if (s[i] == '"') {
                unsigned qline = line;
                i++;
                for (;;) {
                    const char *q = memchr(s + i, '"', n - i);
                    if (q == NULL) {
                        wm_table_seterr(err, errlen, "第%u行：引号未闭合", qline);
                        goto cleanup;
                    }
                    size_t k = (size_t)(q - s);
                    line += wm_csv_count_lines(s + i, k - i);
                    wm_buf_add(&cell, s + i, k - i);
                    i = k + 1;
                    if (i < n && s[i] == '"') {
                        wm_buf_addc(&cell, '"');
                        i++;
                        continue;
                    }
                    break;
                }
            }
            /* An unquoted field, or whatever follows a closing quote, up to the separator. */
            size_t start = i;
            while (i < n && s[i] != delim && s[i] != '\n' && s[i] != '\r') {
                i++;
            }
            wm_buf_add(&cell, s + start, i - start);
            if (ncells >= WM_TABLE_MAX_COLS) {
                wm_table_seterr(err, errlen, "第%u行：超过 %u 列", row_line, WM_TABLE_MAX_COLS);
                goto cleanup;
            }
            if (ncells == capc) {
                capc = capc ? capc * 2 : 8;
                cells = wm_realloc(cells, capc * sizeof(*cells));
            }
            cells[ncells++] = wm_strndup(wm_buf_str(&cell), cell.len);
            if (i < n && s[i] == delim) {
                i++;
                if (i < n) {
                    continue;
                }
                /* "a,b," at the very end: one more, empty, field */
                cells = wm_realloc(cells, (ncells + 1) * sizeof(*cells));
                capc = ncells + 1;
                cells[ncells++] = wm_strdup("");
                break;
            }
            if (wm_csv_skip_eol(s, n, &i)) {
                line++;
            }
            break;
        }
        int r = wm_table_add_row(acc, cells, ncells, row_line, err, errlen);
        cells = NULL;
        ncells = capc = 0;
        if (r != 0) {
            goto cleanup;
        }
    }
    rc = 0;

cleanup:
    for (size_t k = 0; k < ncells; k++) {
        free(cells[k]);
    }
    free(cells);
    wm_buf_free(&cell);
    return rc;
}

/* end of csv.c */
