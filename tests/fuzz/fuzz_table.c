/*
** fuzz_table.c — fuzz target for wm_table_read().
**
** libFuzzer (clang): the input is read with WM_TABLE_AUTO.  So that mutations reach the
** XML parsers past the ZIP layer's CRC checks, an input that starts with 'X', 'S' or 'W'
** is also wrapped, minus that byte, into a small workbook as its sheet, shared strings or
** workbook part, and one that starts with 'D' into a Word document as its body.
**
** With -DWM_FUZZ_REPLAY this file is a plain program instead: it replays the files named
** on its command line, or with none runs WM_FUZZ_ITERS (default 20000) deterministic
** mutations (seed WM_FUZZ_SEED) of the seed corpus below.  `meson test` runs it.
*/
#include "wm_table.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "wm_util.h"

#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char FZ_WORKBOOK[] =
    "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char FZ_RELS[] =
    "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"x/sharedStrings\" "
    "Target=\"sharedStrings.xml\"/></Relationships>";
static const char FZ_SST[] =
    "<sst><si><t>名称</t></si><si><r><t>富</t></r><r><t xml:space=\"preserve\"> 文本</t></r>"
    "<rPh><t>x</t></rPh></si><si><t>a_x000D_b</t></si></sst>";
static const char FZ_SHEET[] =
    "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
    "<c r=\"C1\" t=\"s\"><v>1</v></c></row><row><c><v>0.30000000000000004</v></c>"
    "<c t=\"b\"><v>1</v></c><c t=\"inlineStr\"><is><t>行</t></is></c>"
    "<c t=\"str\"><f>A1</f><v>x</v></c><c r=\"Z2\" t=\"e\"><v>#N/A</v></c></row>"
    "</sheetData></worksheet>";

static const char *const FZ_XLSX_NAMES[4] = { "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                               "xl/sharedStrings.xml",
                                               "xl/worksheets/sheet1.xml" };

/* A stored (uncompressed) ZIP of n named parts; caller frees. */
static unsigned char *
fz_zip(const char *const *names, const char *const *parts, const size_t *lens, size_t n,
       size_t *outlen)
{
    size_t cap = 4096, used = 0;
    for (size_t i = 0; i < n; i++) {
        cap += lens[i] + 512;
    }
    unsigned char *buf = wm_malloc(cap);
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    archive_write_set_options(a, "zip:compression=store");
    if (archive_write_open_memory(a, buf, cap, &used) != ARCHIVE_OK) {
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, names[i]);
        archive_entry_set_size(e, (la_int64_t)lens[i]);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        if (archive_write_header(a, e) != ARCHIVE_OK ||
            archive_write_data(a, parts[i], lens[i]) != (la_ssize_t)lens[i]) {
            abort();
        }
        archive_entry_free(e);
    }
    if (archive_write_close(a) != ARCHIVE_OK) {
        abort();
    }
    archive_write_free(a);
    *outlen = used;
    return buf;
}

static bool
fz_fits(const struct wm_table *t, void *cls)
{
    (void)cls;
    return t->nrows > 0;
}

/* Every sheet joined (a register of one sheet per district): each row's sheet a workbook
** position, the rows within the limit. */
static void
fz_read_all(const uint8_t *data, size_t size)
{
    struct wm_table *t = NULL;
    unsigned n = 0;
    char err[160];
    if (wm_table_read_fitting_all(data, size, WM_TABLE_AUTO, fz_fits, NULL, &t, &n, err,
                                  sizeof(err)) != 0) {
        if (t != NULL) {
            abort();
        }
        return;
    }
    if (t == NULL || t->nrows > WM_TABLE_MAX_ROWS || n > 32) {
        abort();
    }
    for (size_t r = 0; r < t->nrows; r++) {
        if (t->rows[r].sheet > 32 || (n < 2 && t->rows[r].sheet != 0)) {
            abort();
        }
    }
    wm_table_free(t);
}

/* Read once and check the promises of wm_table.h; abort on a broken one. */
static void
fz_read(const uint8_t *data, size_t size)
{
    struct wm_table *t = NULL;
    char err[160];
    if (wm_table_read(data, size, WM_TABLE_AUTO, &t, err, sizeof(err)) != 0) {
        if (t != NULL || err[0] == '\0' || !wm_utf8_valid(err, strlen(err))) {
            abort();
        }
        return;
    }
    if (t == NULL || t->nrows > WM_TABLE_MAX_ROWS) {
        abort();
    }
    for (size_t r = 0; r < t->nrows; r++) {
        if (t->rows[r].ncells > WM_TABLE_MAX_COLS) {
            abort();
        }
        for (size_t c = 0; c < t->rows[r].ncells; c++) {
            const char *s = t->rows[r].cells[c];
            if (s == NULL || !wm_utf8_valid(s, strlen(s))) {
                abort();
            }
            /* every cell as a date (the title import's dates): a parsed one is canonical */
            char day[11];
            if (wm_table_date(s, day)) {
                char again[11];
                if (strlen(day) != 10 || !wm_table_date(day, again) || strcmp(day, again)) {
                    abort();
                }
            }
        }
        (void)wm_table_col(&t->rows[r], "代码");
    }
    wm_table_free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_read(data, size);
    if (size > 0 && (data[0] == 'W' || data[0] == 'S' || data[0] == 'X')) {
        const char *parts[4] = { FZ_WORKBOOK, FZ_RELS, FZ_SST, FZ_SHEET };
        size_t lens[4] = { sizeof(FZ_WORKBOOK) - 1, sizeof(FZ_RELS) - 1, sizeof(FZ_SST) - 1,
                           sizeof(FZ_SHEET) - 1 };
        size_t k = data[0] == 'W' ? 0 : data[0] == 'S' ? 2 : 3;
        parts[k] = (const char *)data + 1;
        lens[k] = size - 1;
        size_t n = 0;
        unsigned char *zip = fz_zip(FZ_XLSX_NAMES, parts, lens, 4, &n);
        fz_read(zip, n);
        if (data[0] == 'W') { /* a workbook of several sheets */
            fz_read_all(zip, n);
        }
        free(zip);
    } else if (size > 0 && data[0] == 'D') {
        /* a Word document whose body is the rest */
        static const char *const names[1] = { "word/document.xml" };
        const char *parts[1] = { (const char *)data + 1 };
        size_t lens[1] = { size - 1 }, n = 0;
        unsigned char *zip = fz_zip(names, parts, lens, 1, &n);
        fz_read(zip, n);
        free(zip);
    }
    return 0;
}

#ifdef WM_FUZZ_REPLAY

#include "fz_replay.h"

struct fz_seed {
    const char *prefix; /* "X"/"S": wrapped into a workbook by LLVMFuzzerTestOneInput */
    const char *data;
    size_t len;
};

/* clang-format off */
#define FZ_SEED(prefix, s) {prefix, s, sizeof(s) - 1}
/* clang-format on */
static const struct fz_seed fz_seeds[] = {
    FZ_SEED("", "授予日期,有效期至\n44260,2021/3/5\n2021年3月5日,2021-03-05 00:00:00\n"),
    FZ_SEED("", "name,note\n\"a,b\",\"line1\nline2\"\n\"say \"\"hi\"\"\",x\n"),
    FZ_SEED("", "\xEF\xBB\xBF单位名称,代码\r\n市司法局,A001\r\n"),
    FZ_SEED("", "名称;代码\n甲;\"A;1\"\n"),
    FZ_SEED("", "a\tb\n1\t2"),
    FZ_SEED("", "sep=;\na;b\n"),
    FZ_SEED("", "\xB5\xA5\xCE\xBB\xC3\xFB\xB3\xC6,\xB4\xFA\xC2\xEB\n"), /* GBK */
    FZ_SEED("",
            "\xFF\xFE"
            "a\0,\0b\0\n\0"), /* UTF-16LE */
    FZ_SEED("", "a,\"unterminated\n"),
    FZ_SEED("X", FZ_SHEET),
    FZ_SEED("S", FZ_SST),
    FZ_SEED("W", FZ_WORKBOOK),
    /* three sheets on the one part: joined by wm_table_read_fitting_all */
    FZ_SEED("W", "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                 "relationships\"><sheets><sheet name=\"a\" sheetId=\"1\" r:id=\"rId1\"/>"
                 "<sheet name=\"b\" sheetId=\"2\" r:id=\"rId1\"/><sheet name=\"c\" "
                 "sheetId=\"3\" r:id=\"rId1\"/></sheets></workbook>"),
    FZ_SEED("D", "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/"
                 "main\"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc>"
                 "<w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr><w:p><w:r><w:t>内容</w:t><w:tab/>"
                 "</w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
                 "<w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>嵌</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
                 "</w:tc></w:tr></w:tbl></w:body></w:document>"),
};

static const char *const fz_tokens[] = {
    ",",
    ";",
    "\t",
    "\"",
    "\"\"",
    "\n",
    "\r\n",
    "\r",
    "\xEF\xBB\xBF",
    "\xFF",
    "\x81\x30",
    "\xE4\xB8",
    "<",
    ">",
    "</c>",
    "<c r=\"XFD1\">",
    "<row r=\"1048577\">",
    "<v>",
    "</v>",
    "<is><t>",
    "</t></is>",
    "t=\"s\"",
    "t=\"inlineStr\"",
    "&amp;",
    "&#0;",
    "&x;",
    "_x000D_",
    "_xD800_",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE a>",
    "<rPh>",
    "</row>",
    "r=\"A0\"",
    "9999999999",
    "1.0000000000000002",
    "-",
    "e308",
    "\0",
    "<w:tbl>",
    "</w:tbl>",
    "<w:tr>",
    "</w:tr>",
    "<w:tc>",
    "</w:tc>",
    "<w:vMerge/>",
    "<w:gridSpan w:val=\"999\"/>",
    "<w:p/>",
    "<w:br/>",
};

static void
fz_mutate(struct wm_buf *b)
{
    unsigned rounds = 1 + (unsigned)fz_below(8);
    for (unsigned i = 0; i < rounds; i++) {
        size_t pos = fz_below(b->len + 1);
        switch (fz_below(6)) {
        case 0: /* flip a byte */
            if (b->len > 0) {
                b->data[fz_below(b->len)] ^= (char)(1u << fz_below(8));
            }
            break;
        case 1: { /* insert a token */
            const char *tok = fz_tokens[fz_below(WM_ARRAY_LEN(fz_tokens))];
            size_t tl = tok[0] ? strlen(tok) : 1;
            wm_buf_reserve(b, tl);
            memmove(b->data + pos + tl, b->data + pos, b->len - pos + 1);
            memcpy(b->data + pos, tok, tl);
            b->len += tl;
            break;
        }
        case 2: { /* delete a range */
            size_t n = fz_below(b->len - pos + 1);
            memmove(b->data + pos, b->data + pos + n, b->len - pos - n + 1);
            b->len -= n;
            break;
        }
        case 3: { /* duplicate a range */
            size_t n = fz_below(b->len - pos + 1) % 64;
            wm_buf_reserve(b, n);
            memmove(b->data + pos + n, b->data + pos, b->len - pos + 1);
            b->len += n;
            break;
        }
        case 4: /* truncate */
            b->len = pos;
            if (b->data != NULL) {
                b->data[pos] = '\0';
            }
            break;
        default: /* a random byte */
            wm_buf_reserve(b, 1);
            memmove(b->data + pos + 1, b->data + pos, b->len - pos + 1);
            b->data[pos] = (char)fz_rand();
            b->len++;
            break;
        }
    }
}

int
main(int argc, char **argv)
{
    wm_table_global_init();
    if (argc > 1) {
        return fz_replay_files(argc, argv);
    }

    unsigned long iters = fz_env("WM_FUZZ_ITERS", 20000);
    fz_seed_from_env();
    /* seed 0: a complete workbook, mutated as raw bytes */
    const char *parts[4] = { FZ_WORKBOOK, FZ_RELS, FZ_SST, FZ_SHEET };
    size_t lens[4] = { sizeof(FZ_WORKBOOK) - 1, sizeof(FZ_RELS) - 1, sizeof(FZ_SST) - 1,
                       sizeof(FZ_SHEET) - 1 };
    size_t zipn = 0;
    unsigned char *zip = fz_zip(FZ_XLSX_NAMES, parts, lens, 4, &zipn);

    struct wm_buf b = { 0 };
    for (unsigned long it = 0; it < iters; it++) {
        /* the first turns run each seed as-is, the rest mutate a random one */
        bool mutate = it > WM_ARRAY_LEN(fz_seeds);
        size_t which = mutate ? fz_below(WM_ARRAY_LEN(fz_seeds) + 1) : (size_t)it;
        wm_buf_reset(&b);
        wm_buf_reserve(&b, 1);
        if (which == WM_ARRAY_LEN(fz_seeds)) {
            wm_buf_add(&b, zip, zipn);
        } else {
            wm_buf_adds(&b, fz_seeds[which].prefix);
            wm_buf_add(&b, fz_seeds[which].data, fz_seeds[which].len);
        }
        if (mutate) {
            fz_mutate(&b);
        }
        LLVMFuzzerTestOneInput((const uint8_t *)wm_buf_str(&b), b.len);
    }
    wm_buf_free(&b);
    free(zip);
    printf("fuzz_table_replay: %lu inputs, no crash\n", iters);
    return 0;
}

#endif /* WM_FUZZ_REPLAY */

/* end of fuzz_table.c */
