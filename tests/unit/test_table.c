/*
** test_table.c — cmocka tests of the CSV/XLSX reader (src/table).
*/
#include "wm_table.h"

#include <errno.h>
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>
#include <xlsxwriter.h>

#include "wm_util.h"

#include "banned.h"

/* ---------------------------------------------------------------- helpers */

static struct wm_table *
read_ok(const void *p, size_t n, enum wm_table_fmt fmt)
{
    struct wm_table *t = (struct wm_table *)1;
    char err[256] = "unset";
    int rc = wm_table_read(p, n, fmt, &t, err, sizeof(err));
    if (rc != 0) {
        print_error("unexpected error: %s\n", err);
    }
    assert_int_equal(rc, 0);
    assert_non_null(t);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->rows[r].ncells; c++) {
            assert_non_null(t->rows[r].cells[c]);
            assert_true(wm_utf8_valid(t->rows[r].cells[c], strlen(t->rows[r].cells[c])));
        }
    }
    return t;
}

static struct wm_table *
read_str(const char *s)
{
    return read_ok(s, strlen(s), WM_TABLE_AUTO);
}

/* Expect a failure; the cause is copied to err (valid UTF-8, not empty). */
static void
read_fail(const void *p, size_t n, enum wm_table_fmt fmt, char *err, size_t errlen)
{
    struct wm_table *t = (struct wm_table *)1;
    int rc = wm_table_read(p, n, fmt, &t, err, errlen);
    assert_int_equal(rc, -1);
    assert_null(t);
    assert_true(err[0] != '\0');
    assert_true(wm_utf8_valid(err, strlen(err)));
}

/* Compare one row with the expected cells (NULL-terminated list). */
static void
check_row(const struct wm_table *t, size_t r, unsigned line, ...)
{
    assert_true(r < t->nrows);
    const struct wm_row *row = &t->rows[r];
    va_list ap;
    va_start(ap, line);
    size_t n = 0;
    const char *want;
    while ((want = va_arg(ap, const char *)) != NULL) {
        assert_true(n < row->ncells);
        assert_string_equal(row->cells[n], want);
        n++;
    }
    va_end(ap);
    assert_int_equal(row->ncells, n);
    assert_int_equal(row->line, line);
}

static char *
convert(const char *to, const char *s, size_t *outn)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t cap = strlen(s) * 4 + 16;
    char *out = wm_malloc(cap);
    char *in = (char *)s, *o = out;
    size_t inleft = strlen(s), oleft = cap;
    assert_int_not_equal(iconv(cd, &in, &inleft, &o, &oleft), (size_t)-1);
    iconv_close(cd);
    *outn = (size_t)(o - out);
    return out;
}

/* A ZIP (deflate) of n named parts, in memory; caller frees. */
static unsigned char *
zip_make(const char *const *names, const char *const *contents, size_t n, size_t *outlen)
{
    size_t cap = 1u << 20, used = 0;
    unsigned char *buf = wm_malloc(cap);
    struct archive *a = archive_write_new();
    assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, names[i]);
        archive_entry_set_size(e, (la_int64_t)strlen(contents[i]));
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, contents[i], strlen(contents[i])),
                         (la_ssize_t)strlen(contents[i]));
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    *outlen = used;
    return buf;
}

static const char WB_XML[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"first\" sheetId=\"7\" r:id=\"rId9\"/>"
    "<sheet name=\"second\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char RELS_XML[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId9\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
    "Target=\"./worksheets/../data/first.xml\"/>"
    "<Relationship Id=\"rId3\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
    "Target=\"/xl/strings.xml\"/>"
    "</Relationships>";
static const char SST_XML[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"3\">"
    "<si><t>名称</t></si>"
    "<si><r><rPr><b/></rPr><t xml:space=\"preserve\">富 </t></r><r><t>文本</t></r>"
    "<rPh sb=\"0\" eb=\"1\"><t>ふりがな</t></rPh></si>"
    "<si><t>a_x000D__x000A_b_x005F_x0041_ c_x0000_</t></si>"
    "<si/>"
    "</sst>";

/* ---------------------------------------------------------------- CSV */

static void
test_csv_quotes(void **state)
{
    (void)state;
    struct wm_table *t = read_str("name,note\n"
                                  "\"a,b\",\"line1\nline2\"\n"
                                  "\"say \"\"hi\"\"\",x\n"
                                  "plain,\"\"\n");
    assert_int_equal(t->nrows, 4);
    assert_null(t->converted_from);
    check_row(t, 0, 1, "name", "note", NULL);
    check_row(t, 1, 2, "a,b", "line1\nline2", NULL);
    check_row(t, 2, 4, "say \"hi\"", "x", NULL);
    check_row(t, 3, 5, "plain", "", NULL);
    wm_table_free(t);

    /* lenient: a stray quote in an unquoted field, text after a closing quote */
    t = read_str("ab\"c,\"q\"x, sp \n");
    check_row(t, 0, 1, "ab\"c", "qx", " sp ", NULL);
    wm_table_free(t);
}

static void
test_csv_crlf_and_ends(void **state)
{
    (void)state;
    struct wm_table *t = read_str("a,b\r\n1,\"x\r\ny\"\r\n\r\n3,4");
    assert_int_equal(t->nrows, 3);
    check_row(t, 0, 1, "a", "b", NULL);
    check_row(t, 1, 2, "1", "x\r\ny", NULL);
    check_row(t, 2, 5, "3", "4", NULL);
    wm_table_free(t);

    t = read_str("a,,c\n,\n\n\n\n");
    assert_int_equal(t->nrows, 2);
    check_row(t, 0, 1, "a", "", "c", NULL);
    check_row(t, 1, 2, "", "", NULL);
    wm_table_free(t);

    t = read_str("x,");
    check_row(t, 0, 1, "x", "", NULL);
    wm_table_free(t);

    t = read_str("");
    assert_int_equal(t->nrows, 0);
    wm_table_free(t);

    t = read_str("\n\r\n");
    assert_int_equal(t->nrows, 0);
    wm_table_free(t);
}

static void
test_csv_bom_and_col(void **state)
{
    (void)state;
    struct wm_table *t = read_str("\xEF\xBB\xBF单位名称, Code ,备注\n市司法局,A001,\n");
    assert_int_equal(t->nrows, 2);
    assert_null(t->converted_from);
    check_row(t, 0, 1, "单位名称", " Code ", "备注", NULL);
    check_row(t, 1, 2, "市司法局", "A001", "", NULL);
    assert_int_equal(wm_table_col(&t->rows[0], "单位名称"), 0);
    assert_int_equal(wm_table_col(&t->rows[0], "code"), 1);
    assert_int_equal(wm_table_col(&t->rows[0], "  CODE\t"), 1);
    assert_int_equal(wm_table_col(&t->rows[0], "备注"), 2);
    assert_int_equal(wm_table_col(&t->rows[0], "代码"), -1);
    assert_int_equal(wm_table_col(&t->rows[0], "cod"), -1);
    assert_int_equal(wm_table_col(NULL, "x"), -1);
    /* spaces inside a header and a note in brackets after it */
    struct wm_table *v = read_str("名\xE3\x80\x80称,代 码（18位）,分值(分),（注）,类型（旧）（新）\n");
    assert_int_equal(wm_table_col(&v->rows[0], "名称"), 0);
    assert_int_equal(wm_table_col(&v->rows[0], "代码"), 1);
    assert_int_equal(wm_table_col(&v->rows[0], "分值"), 2);
    assert_int_equal(wm_table_col(&v->rows[0], "注"), -1);
    assert_int_equal(wm_table_col(&v->rows[0], "类型（旧）"), 4);
    wm_table_free(v);
    char cut[] = "分值（满分100）", none[] = "（分）", plain[] = "分值";
    assert_true(wm_table_cut_bracket(cut));
    assert_string_equal(cut, "分值");
    assert_false(wm_table_cut_bracket(none));
    assert_false(wm_table_cut_bracket(plain));
    assert_string_equal(wm_row_cell(&t->rows[1], 1), "A001");
    assert_string_equal(wm_row_cell(&t->rows[1], 7), "");
    assert_string_equal(wm_row_cell(&t->rows[1], -1), "");
    wm_table_free(t);
    wm_table_free(NULL);
}

/* Rows that are no data: blank, totals, notes; titles that only look like them are data. */
static void
test_row_kind(void **state)
{
    (void)state;
    struct wm_table *t = read_str("序号,名称,分值\n"
                                  "1,注重实效,5\n"
                                  " ,\xE3\x80\x80,\n"
                                  "合  计,,100\n"
                                  "合計：,,\n"
                                  "总计120家,,\n"
                                  ",小计（一）,9\n"
                                  "说明：本表由市文明办负责解释。,,\n"
                                  "注,,\n"
                                  "註:,,\n"
                                  "注：两格,x,\n"
                                  "合计划生育,,\n"
                                  "总分值说明,,\n");
    static const enum wm_row_kind want[] = {
        WM_ROW_DATA,  WM_ROW_DATA, WM_ROW_BLANK, WM_ROW_TOTAL, WM_ROW_TOTAL,
        WM_ROW_TOTAL, WM_ROW_SUBTOTAL, WM_ROW_NOTE, WM_ROW_NOTE, WM_ROW_NOTE,
        WM_ROW_DATA,  WM_ROW_DATA, WM_ROW_DATA,
    };
    assert_int_equal(t->nrows, WM_ARRAY_LEN(want));
    for (size_t i = 0; i < t->nrows; i++) {
        if (wm_table_row_kind(&t->rows[i]) != want[i]) {
            fail_msg("row %zu: kind %d, want %d", i + 1, wm_table_row_kind(&t->rows[i]), want[i]);
        }
    }
    assert_int_equal(wm_table_row_kind(NULL), WM_ROW_BLANK);
    wm_table_free(t);
}

static void
test_csv_separators(void **state)
{
    (void)state;
    struct wm_table *t = read_str("名称;代码;分数\n甲;\"A;1\";0,5\n");
    check_row(t, 0, 1, "名称", "代码", "分数", NULL);
    check_row(t, 1, 2, "甲", "A;1", "0,5", NULL);
    wm_table_free(t);

    t = read_str("a\tb\tc\r\n1\t2\t3\r\n");
    check_row(t, 0, 1, "a", "b", "c", NULL);
    check_row(t, 1, 2, "1", "2", "3", NULL);
    wm_table_free(t);

    /* a comma in the header line wins */
    t = read_str("a,b;c\n1,2;3\n");
    check_row(t, 0, 1, "a", "b;c", NULL);
    wm_table_free(t);

    /* a comma inside quotes does not count */
    t = read_str("\"x,y\";z\n");
    check_row(t, 0, 1, "x,y", "z", NULL);
    wm_table_free(t);

    /* Excel's "sep=" hint */
    t = read_str("sep=|\r\na|b,c\n");
    assert_int_equal(t->nrows, 1);
    check_row(t, 0, 2, "a", "b,c", NULL);
    wm_table_free(t);
}

static void
test_csv_gbk(void **state)
{
    (void)state;
    const char *utf8 = "单位名称,代码\n市司法局,A001\n\"鄂尔多斯,内蒙古\",€\n";
    size_t n;
    char *gbk = convert("GB18030", utf8, &n);
    assert_false(wm_utf8_valid(gbk, n));
    struct wm_table *t = read_ok(gbk, n, WM_TABLE_CSV);
    assert_non_null(t->converted_from);
    assert_string_equal(t->converted_from, "GB18030");
    assert_int_equal(t->nrows, 3);
    check_row(t, 0, 1, "单位名称", "代码", NULL);
    check_row(t, 1, 2, "市司法局", "A001", NULL);
    check_row(t, 2, 3, "鄂尔多斯,内蒙古", "€", NULL);
    wm_table_free(t);
    free(gbk);

    /* plain GBK (no 4-byte sequences), as Excel for Chinese Windows writes it */
    gbk = convert("GBK", "单位名称,代码\n市司法局,A001\n", &n);
    t = read_ok(gbk, n, WM_TABLE_AUTO);
    assert_string_equal(t->converted_from, "GB18030");
    check_row(t, 0, 1, "单位名称", "代码", NULL);
    check_row(t, 1, 2, "市司法局", "A001", NULL);
    wm_table_free(t);
    free(gbk);
}

static void
test_csv_utf16(void **state)
{
    (void)state;
    size_t n;
    char *u16 = convert("UTF-16LE", "名称\t代码\n甲\t1\n", &n);
    char *buf = wm_malloc(n + 2);
    memcpy(buf, "\xFF\xFE", 2);
    memcpy(buf + 2, u16, n);
    struct wm_table *t = read_ok(buf, n + 2, WM_TABLE_AUTO);
    assert_string_equal(t->converted_from, "UTF-16LE");
    check_row(t, 0, 1, "名称", "代码", NULL);
    check_row(t, 1, 2, "甲", "1", NULL);
    wm_table_free(t);
    free(buf);
    free(u16);
}

static void
test_csv_bad_encoding(void **state)
{
    (void)state;
    char err[256];
    static const char bad[] = "name,code\nabc\xFF\x80,def\n";
    read_fail(bad, sizeof(bad) - 1, WM_TABLE_AUTO, err, sizeof(err));
    assert_non_null(strstr(err, "UTF-8"));
    assert_non_null(strstr(err, "GBK"));

    /* a GBK lead byte cut off at the end */
    static const char cut[] = "a,b\n\xC4";
    read_fail(cut, sizeof(cut) - 1, WM_TABLE_CSV, err, sizeof(err));
    assert_non_null(strstr(err, "GBK"));

    static const char nul[] = "a,b\n1,\0\n";
    read_fail(nul, sizeof(nul) - 1, WM_TABLE_CSV, err, sizeof(err));
    assert_non_null(strstr(err, "NUL"));

    /* a cause cut short by a tiny buffer stays valid UTF-8 */
    char small[8];
    read_fail(bad, sizeof(bad) - 1, WM_TABLE_AUTO, small, sizeof(small));
    assert_true(strlen(small) <= 7);

    /* old binary .xls */
    static const char xls[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest";
    read_fail(xls, sizeof(xls) - 1, WM_TABLE_AUTO, err, sizeof(err));
    assert_non_null(strstr(err, ".xls"));
}

static void
test_csv_unterminated(void **state)
{
    (void)state;
    char err[256];
    const char *s = "a,b\n1,\"open\n2,3\n4,5\n";
    read_fail(s, strlen(s), WM_TABLE_CSV, err, sizeof(err));
    assert_string_equal(err, "第2行：引号未闭合");

    s = "a,b\n\"x\ny\",\"z\"\r\n\r\nw,\"unclosed";
    read_fail(s, strlen(s), WM_TABLE_CSV, err, sizeof(err));
    assert_string_equal(err, "第5行：引号未闭合");
}

static void
test_csv_limits(void **state)
{
    (void)state;
    char err[256];
    struct wm_buf b = { 0 };
    for (unsigned i = 0; i < WM_TABLE_MAX_COLS; i++) {
        wm_buf_adds(&b, i ? ",x" : "x");
    }
    struct wm_table *t = read_ok(b.data, b.len, WM_TABLE_CSV);
    assert_int_equal(t->rows[0].ncells, WM_TABLE_MAX_COLS);
    wm_table_free(t);
    wm_buf_adds(&b, ",y");
    read_fail(b.data, b.len, WM_TABLE_CSV, err, sizeof(err));
    assert_non_null(strstr(err, "列"));

    wm_buf_reset(&b);
    for (unsigned i = 0; i <= WM_TABLE_MAX_ROWS; i++) {
        wm_buf_adds(&b, "1\n");
    }
    read_fail(b.data, b.len, WM_TABLE_CSV, err, sizeof(err));
    assert_non_null(strstr(err, "行"));
    wm_buf_free(&b);
}

/* ---------------------------------------------------------------- XLSX */

/* ---------------------------------------------------------------- DOCX */

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define TC(x) "<w:tc><w:p><w:r><w:t>" x "</w:t></w:r></w:p></w:tc>"

/* A standard published as a Word document: a title paragraph, a table whose first column
** is merged down (w:vMerge), a cell over two columns (w:gridSpan), a cell of two
** paragraphs with a tab and a deleted word, a nested table, and the table split in two
** with its header repeated. */
static const char DOCX_XML[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
    "<w:document " W_NS "><w:body>"
    "<w:p><w:r><w:t>某市文明单位测评体系</w:t></w:r></w:p>"
    "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
    "<w:tr>" TC("测评项目") TC("测评内容") TC("分值") "</w:tr>"
    "<w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>一、组织领导</w:t>"
    "</w:r></w:p></w:tc>"
    "<w:tc><w:p><w:r><w:t xml:space=\"preserve\">成立领导小组，</w:t></w:r><w:r><w:tab/>"
    "<w:t>组长</w:t></w:r><w:del><w:r><w:delText>删去</w:delText></w:r></w:del></w:p>"
    "<w:p><w:r><w:t>主要负责人任组长。</w:t></w:r></w:p></w:tc>" TC("5") "</w:tr>"
    "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>" TC("制定计划。") TC("5") "</w:tr>"
    "<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr><w:p><w:r><w:t>二、环境建设</w:t>"
    "</w:r></w:p></w:tc>" TC("10") "</w:tr>"
    "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>"
    "</w:tbl>"
    "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>"
    "<w:tbl>"
    "<w:tr>" TC("测评项目") TC("测评内容") TC("分值") "</w:tr>"
    "<w:tr>" TC("三、公益广告") "<w:tc><w:tbl><w:tr>" TC("内嵌") "</w:tr></w:tbl>"
    "<w:p><w:r><w:t>设置公益广告。</w:t></w:r></w:p></w:tc>" TC("2") "</w:tr>"
    "</w:tbl>"
    "<w:p><w:r><w:t>说明：表外文字不读。</w:t></w:r></w:p>"
    "</w:body></w:document>";

static void
test_docx_tables(void **state)
{
    (void)state;
    const char *names[] = {"[Content_Types].xml", "word/document.xml"};
    const char *parts[] = {"<Types/>", DOCX_XML};
    size_t n;
    unsigned char *zip = zip_make(names, parts, 2, &n);
    struct wm_table *t = read_ok(zip, n, WM_TABLE_AUTO);
    assert_int_equal(t->nrows, 5);
    check_row(t, 0, 1, "测评项目", "测评内容", "分值", NULL);
    check_row(t, 1, 2, "一、组织领导", "成立领导小组， 组长\n主要负责人任组长。", "5", NULL);
    check_row(t, 2, 3, "", "制定计划。", "5", NULL);
    check_row(t, 3, 4, "二、环境建设", "", "10", NULL);
    check_row(t, 4, 5, "三、公益广告", "内嵌\n设置公益广告。", "2", NULL);
    wm_table_free(t);
    /* one "sheet" only */
    struct wm_table *none = NULL;
    char err[160];
    assert_int_equal(wm_table_read_sheet(zip, n, WM_TABLE_AUTO, 1, &none, err, sizeof err), 1);
    assert_null(none);
    free(zip);

    /* a document without a table says so */
    const char *plain[] = {"<Types/>", "<w:document " W_NS "><w:body><w:p><w:r><w:t>无表格"
                                       "</w:t></w:r></w:p></w:body></w:document>"};
    zip = zip_make(names, plain, 2, &n);
    read_fail(zip, n, WM_TABLE_AUTO, err, sizeof err);
    assert_non_null(strstr(err, "没有表格"));
    free(zip);
    /* and one with a DTD is refused */
    const char *dtd[] = {"<Types/>", "<!DOCTYPE x [<!ENTITY a \"b\">]><w:document " W_NS "/>"};
    zip = zip_make(names, dtd, 2, &n);
    read_fail(zip, n, WM_TABLE_AUTO, err, sizeof err);
    free(zip);
}

static unsigned char *
xlsx_from_writer(bool constant_memory, size_t *n)
{
    char path[] = "/tmp/wm_test_table_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(close(fd), 0);

    lxw_workbook_options opt = { .constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE };
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    assert_non_null(wb);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "名单");
    lxw_worksheet *ws2 = workbook_add_worksheet(wb, "Other");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);

    worksheet_write_string(ws, 0, 0, "单位名称", NULL);
    worksheet_write_string(ws, 0, 1, "代码", NULL);
    worksheet_write_string(ws, 0, 2, "分数", NULL);
    worksheet_write_string(ws, 0, 3, "备注", NULL);
    worksheet_write_string(ws, 1, 0, "市司法局", NULL);
    worksheet_write_string(ws, 1, 1, "A001", NULL);
    worksheet_write_number(ws, 1, 2, 0.5, NULL);
    worksheet_write_blank(ws, 1, 3, bold); /* styled but empty: no trailing cell */
    worksheet_write_string(ws, 2, 0, "臺灣繁體字", NULL);
    worksheet_write_number(ws, 2, 2, 7, NULL); /* B3 missing: a gap */
    worksheet_write_string(ws, 2, 3, "a & b <c> \"d\"", NULL);
    worksheet_write_number(ws, 3, 0, 0.1, NULL);
    worksheet_write_string(ws, 3, 1, " ", NULL);
    worksheet_write_number(ws, 3, 2, 0.1 + 0.2, NULL);
    worksheet_write_boolean(ws, 3, 3, 1, NULL);
    /* sheet row 5 is empty and skipped */
    worksheet_write_formula_num(ws, 5, 1, "=1+1", NULL, 2);
    worksheet_write_number(ws, 5, 2, -1234.25, NULL);
    if (!constant_memory) {
        char s1[] = "富", s2[] = "文本";
        lxw_rich_string_tuple f1 = { .format = bold, .string = s1 };
        lxw_rich_string_tuple f2 = { .format = NULL, .string = s2 };
        lxw_rich_string_tuple *rich[] = { &f1, &f2, NULL };
        worksheet_write_rich_string(ws, 6, 0, rich, NULL);
    } else {
        worksheet_write_string(ws, 6, 0, "富文本", NULL);
    }
    worksheet_write_string(ws2, 0, 0, "IGNORED", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

    size_t len = 0;
    char *data = wm_read_file(path, &len);
    assert_non_null(data);
    assert_int_equal(unlink(path), 0);
    *n = len;
    return (unsigned char *)data;
}

static void
check_writer_table(const struct wm_table *t)
{
    assert_null(t->converted_from);
    assert_int_equal(t->nrows, 6);
    check_row(t, 0, 1, "单位名称", "代码", "分数", "备注", NULL);
    check_row(t, 1, 2, "市司法局", "A001", "0.5", NULL);
    check_row(t, 2, 3, "臺灣繁體字", "", "7", "a & b <c> \"d\"", NULL);
    check_row(t, 3, 4, "0.1", " ", "0.3", "TRUE", NULL);
    check_row(t, 4, 6, "", "2", "-1234.25", NULL);
    check_row(t, 5, 7, "富文本", NULL);
    assert_int_equal(wm_table_col(&t->rows[0], "分数"), 2);
}

static void
test_xlsx_writer(void **state)
{
    (void)state;
    for (int cm = 0; cm < 2; cm++) {
        size_t n;
        unsigned char *x = xlsx_from_writer(cm == 1, &n);
        assert_memory_equal(x, "PK\3\4", 4);
        struct wm_table *t = read_ok(x, n, WM_TABLE_AUTO);
        check_writer_table(t);
        wm_table_free(t);
        t = read_ok(x, n, WM_TABLE_XLSX);
        check_writer_table(t);
        wm_table_free(t);
        free(x);
    }
}

static void
test_xlsx_handmade(void **state)
{
    (void)state;
    static const char sheet[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<dimension ref=\"A1:E4\"/><sheetData>"
        "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c><c r=\"C2\" t=\"s\"><v>1</v></c>"
        "<c r=\"D2\" t=\"s\"><v>2</v></c><c r=\"E2\" t=\"s\"><v>3</v></c></row>"
        "<row><c><v>0.30000000000000004</v></c><c><v>1.1000000000000001</v></c>"
        "<c><v>12345678901234567890</v></c><c><v>1.2345678901234567E-5</v></c>"
        "<c><v>0.000012345678901234567</v></c><c><v>2.5E-3</v></c></row>"
        "<row r=\"5\"><c r=\"A5\" t=\"inlineStr\"><is><r><t>行</t></r><r><t>内</t></r>"
        "<rPh><t>x</t></rPh></is></c><c r=\"B5\" t=\"b\"><v>0</v></c>"
        "<c r=\"C5\" t=\"e\"><v>#N/A</v></c><c r=\"d5\" t=\"str\"><f>A1</f><v>公式</v></c>"
        "<c r=\"E5\" t=\"n\"><v>-0.1</v></c><c r=\"F5\" s=\"3\"/><c r=\"G5\"><v></v></c></row>"
        "<row r=\"6\" spans=\"1:3\"/>"
        "<row r=\"7\"><c r=\"A7\" s=\"2\"/></row>"
        "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/></mergeCells>"
        "</worksheet>";
    static const char other[] =
        "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>WRONG</t>"
        "</is></c></row></sheetData></worksheet>";
    const char *names[] = { "[Content_Types].xml",        "xl/workbook.xml",
                            "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml",
                            "xl/data/first.xml",          "xl/strings.xml" };
    const char *parts[] = { "<Types/>", WB_XML, RELS_XML, other, sheet, SST_XML };
    size_t n;
    unsigned char *zip = zip_make(names, parts, 6, &n);
    struct wm_table *t = read_ok(zip, n, WM_TABLE_AUTO);
    assert_int_equal(t->nrows, 3);
    check_row(t, 0, 2, "名称", "", "富 文本", "a\r\nb_x0041_ c_x0000_", NULL);
    check_row(t, 1, 3, "0.3", "1.1", "12345678901234567890", "1.23456789012346e-05",
              "0.0000123456789012346", "2.5E-3", NULL);
    check_row(t, 2, 5, "行内", "FALSE", "#N/A", "公式", "-0.1", NULL);
    wm_table_free(t);
    free(zip);
}

static void
test_xlsx_fallback_sheet1(void **state)
{
    (void)state;
    /* No workbook.xml rels: the reader falls back to xl/worksheets/sheet1.xml. */
    const char *names[] = { "xl/workbook.xml", "xl/worksheets/sheet1.xml" };
    const char *parts[] = { WB_XML, "<worksheet><sheetData><row r=\"3\"><c r=\"B3\" "
                                    "t=\"inlineStr\"><is><t>ok</t></is></c></row>"
                                    "</sheetData></worksheet>" };
    size_t n;
    unsigned char *zip = zip_make(names, parts, 2, &n);
    struct wm_table *t = read_ok(zip, n, WM_TABLE_XLSX);
    assert_int_equal(t->nrows, 1);
    check_row(t, 0, 3, "", "ok", NULL);
    wm_table_free(t);
    free(zip);
}

static void
test_xlsx_hostile(void **state)
{
    (void)state;
    char err[256];
    size_t n;

    /* a ZIP that is not a workbook */
    const char *names[] = { "hello.txt" };
    const char *parts[] = { "hello" };
    unsigned char *zip = zip_make(names, parts, 1, &n);
    read_fail(zip, n, WM_TABLE_AUTO, err, sizeof(err));
    assert_non_null(strstr(err, "不是 XLSX"));
    free(zip);

    /* not a ZIP at all */
    read_fail("hello", 5, WM_TABLE_XLSX, err, sizeof(err));
    assert_non_null(strstr(err, "ZIP"));
    read_fail("PK\3\4garbage", 11, WM_TABLE_AUTO, err, sizeof(err));

    /* billion laughs in the sheet: refused, not expanded */
    const char *bl_names[] = { "xl/worksheets/sheet1.xml" };
    const char *bl_parts[] = {
        "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">"
        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
        "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&d;</t></is>"
        "</c></row></sheetData></worksheet>"
    };
    zip = zip_make(bl_names, bl_parts, 1, &n);
    read_fail(zip, n, WM_TABLE_AUTO, err, sizeof(err));
    assert_non_null(strstr(err, "DTD"));
    free(zip);

    /* XXE */
    bl_parts[0] = "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                  "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&x;</t></is></c></row>"
                  "</sheetData></worksheet>";
    zip = zip_make(bl_names, bl_parts, 1, &n);
    read_fail(zip, n, WM_TABLE_AUTO, err, sizeof(err));
    free(zip);

    /* shared string index out of range, malformed XML, too many columns */
    const char *bad[] = {
        "<worksheet><sheetData><row><c t=\"s\"><v>5</v></c></row></sheetData></worksheet>",
        "<worksheet><sheetData><row><c><v>1</v></row></sheetData></worksheet>",
        "<worksheet><sheetData><row><c r=\"ALM1\"><v>1</v></c></row></sheetData></worksheet>",
        "<worksheet><sheetData><row r=\"0\"></row></sheetData></worksheet>",
        "<worksheet><sheetData><row><c r=\"1A\"><v>1</v></c></row></sheetData></worksheet>",
    };
    const char *expect[] = { "共享字符串", "XML", "列", "行号", "位置" };
    for (size_t i = 0; i < WM_ARRAY_LEN(bad); i++) {
        bl_parts[0] = bad[i];
        zip = zip_make(bl_names, bl_parts, 1, &n);
        read_fail(zip, n, WM_TABLE_AUTO, err, sizeof(err));
        assert_non_null(strstr(err, expect[i]));
        free(zip);
    }
    /* column ALL (1000) is the last one allowed; empty cells beyond are ignored */
    bl_parts[0] = "<worksheet><sheetData><row><c r=\"ALL1\"><v>1</v></c><c r=\"XFD1\" s=\"1\"/>"
                  "</row></sheetData></worksheet>";
    zip = zip_make(bl_names, bl_parts, 1, &n);
    struct wm_table *t = read_ok(zip, n, WM_TABLE_AUTO);
    assert_int_equal(t->rows[0].ncells, 1000);
    assert_string_equal(t->rows[0].cells[999], "1");
    assert_string_equal(t->rows[0].cells[0], "");
    wm_table_free(t);
    free(zip);
}

static void
test_xlsx_truncated(void **state)
{
    (void)state;
    size_t n;
    unsigned char *x = xlsx_from_writer(false, &n);
    char err[256];
    unsigned fails = 0;
    /* (fewer than 4 bytes do not look like a ZIP: AUTO reads them as CSV) */
    for (size_t len = 4; len < n; len += 37) {
        struct wm_table *t = NULL;
        int rc = wm_table_read(x, len, WM_TABLE_AUTO, &t, err, sizeof(err));
        if (rc == 0) {
            /* only a cut inside the trailing ZIP directory can still read */
            assert_true(len > n / 2);
            check_writer_table(t);
            wm_table_free(t);
        } else {
            assert_null(t);
            assert_true(err[0] != '\0');
            assert_true(wm_utf8_valid(err, strlen(err)));
            fails++;
        }
    }
    assert_true(fails > n / 37 / 2);
    /* flipped bytes in the compressed data: errors, never crashes */
    for (size_t i = 30; i < n; i += 53) {
        unsigned char *y = wm_malloc(n);
        memcpy(y, x, n);
        y[i] ^= 0x5A;
        struct wm_table *t = NULL;
        if (wm_table_read(y, n, WM_TABLE_AUTO, &t, err, sizeof(err)) == 0) {
            wm_table_free(t);
        }
        free(y);
    }
    free(x);
}

static bool
has_code_header(const struct wm_table *t, void *cls)
{
    (void)cls;
    return t->nrows > 0 && wm_table_col(&t->rows[0], "code") >= 0;
}

/* Sheets by number, and the first sheet that fits (a cover sheet first is common). */
static void
test_xlsx_sheets(void **state)
{
    (void)state;
    char path[] = "/tmp/wm_table_sheets_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *cover = workbook_add_worksheet(wb, "说明");
    worksheet_write_string(cover, 0, 0, "填表说明：请在第二页填写", NULL);
    lxw_worksheet *data = workbook_add_worksheet(wb, "测评体系");
    worksheet_write_string(data, 0, 0, "code", NULL);
    worksheet_write_string(data, 0, 1, "title", NULL);
    worksheet_write_string(data, 1, 0, "1", NULL);
    worksheet_write_string(data, 1, 1, "组织领导", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    size_t len;
    char *bytes = wm_read_file(path, &len);
    assert_non_null(bytes);
    unlink(path);
    char err[256];
    struct wm_table *t = NULL;
    assert_int_equal(wm_table_read_sheet(bytes, len, WM_TABLE_AUTO, 1, &t, err, sizeof err), 0);
    assert_string_equal(t->rows[1].cells[1], "组织领导");
    wm_table_free(t);
    t = NULL;
    assert_int_equal(wm_table_read_sheet(bytes, len, WM_TABLE_AUTO, 2, &t, err, sizeof err), 1);
    assert_null(t);
    assert_int_equal(wm_table_read_fitting(bytes, len, WM_TABLE_AUTO, has_code_header, NULL, &t,
                                           err, sizeof err),
                     0);
    assert_string_equal(t->rows[0].cells[0], "code");
    wm_table_free(t);
    /* a CSV has one sheet */
    assert_int_equal(wm_table_read_sheet("a,b\n", 4, WM_TABLE_CSV, 1, &t, err, sizeof err), 1);
    free(bytes);
}

/* Every sheet that fits, joined (a register kept one sheet per district): in workbook
** order, each whole with its own header, every row marked with its sheet's number; one
** that fits reads as before (sheet 0). */
static void
test_xlsx_fitting_all(void **state)
{
    (void)state;
    char dir[256];
    assert_int_equal(wm_scratch_dir("wm-table-all", dir, sizeof dir), 0);
    char *path = wm_asprintf("%s/register.xlsx", dir);
    for (int two = 0; two < 2; two++) {
        lxw_workbook *wb = workbook_new(path);
        worksheet_write_string(workbook_add_worksheet(wb, "说明"), 0, 0, "填表说明", NULL);
        static const char *const names[] = {"东城区", "西湖区"};
        for (int k = 0; k < 1 + two; k++) {
            lxw_worksheet *ws = workbook_add_worksheet(wb, names[k]);
            worksheet_write_string(ws, 0, 0, "code", NULL);
            worksheet_write_string(ws, 0, 1, "name", NULL);
            worksheet_write_string(ws, 1, 0, k ? "X-1" : "D-1", NULL);
            worksheet_write_string(ws, 1, 1, names[k], NULL);
            worksheet_write_string(ws, 2, 0, k ? "X-2" : "D-2", NULL);
        }
        assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
        size_t len;
        char *bytes = wm_read_file(path, &len);
        assert_non_null(bytes);
        char err[256];
        struct wm_table *t = NULL;
        unsigned n = 99;
        assert_int_equal(wm_table_read_fitting_all(bytes, len, WM_TABLE_AUTO, has_code_header,
                                                   NULL, &t, &n, err, sizeof err),
                         0);
        assert_int_equal(n, 1 + two);
        assert_int_equal(t->nrows, two ? 6 : 3);
        assert_string_equal(t->rows[1].cells[0], "D-1");
        assert_int_equal(t->rows[0].sheet, two ? 2 : 0);
        if (two) {
            assert_string_equal(t->rows[3].cells[0], "code"); /* the second sheet's header */
            assert_string_equal(t->rows[5].cells[0], "X-2");
            assert_int_equal(t->rows[5].sheet, 3);
            assert_int_equal(t->rows[5].line, 3);
        }
        wm_table_free(t);
        free(bytes);
    }
    unlink(path);
    free(path);
    rmdir(dir);
    /* a CSV: one sheet */
    struct wm_table *t = NULL;
    unsigned n = 0;
    char err[256];
    assert_int_equal(wm_table_read_fitting_all("code,name\n1,a\n", 14, WM_TABLE_CSV,
                                               has_code_header, NULL, &t, &n, err, sizeof err),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(t->rows[1].sheet, 0);
    wm_table_free(t);
}

/* The dates of a register's cells (wm_table_date): every form Excel and clerks write. */
static void
test_table_date(void **state)
{
    (void)state;
    static const char *const good[][2] = {
        {"44260", "2021-03-05"},          {"44260.5", "2021-03-05"},
        {"2021-03-05", "2021-03-05"},     {"2021-3-5", "2021-03-05"},
        {"2021/3/5", "2021-03-05"},       {"2021.03.05", "2021-03-05"},
        {"2021年3月5日", "2021-03-05"},   {"2021年03月05", "2021-03-05"},
        {" 2021-03-05 ", "2021-03-05"},   {"2021-03-05 00:00:00", "2021-03-05"},
        {"2021/3/5 8:30", "2021-03-05"},  {"2021-03-05T08:30:00", "2021-03-05"},
        {"20210305", "2021-03-05"},       {"2024-02-29", "2024-02-29"},
        {"18264", "1950-01-01"},          {"73050", "2099-12-31"},
    };
    static const char *const bad[] = {
        "", "  ", "2021", "2021-02-29", "2021-13-01", "2021-00-10", "2021-3", "2021/3-5",
        "21-3-5", "3/5/2021", "2021年3月", "2021年3月5日x", "2021-03-05x", "2021-03-05 x",
        "18263", "73051", "100000", "abc", "4426O", "2021-03-05T", "１２３", "2021—03—05",
        "20211305", "1899-12-31", "2101-01-01",
    };
    char out[11];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        memset(out, 0, sizeof out);
        if (!wm_table_date(good[i][0], out)) {
            fail_msg("not a date: '%s'", good[i][0]);
        }
        assert_string_equal(out, good[i][1]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(out, sizeof out, "%s", "-");
        if (wm_table_date(bad[i], out)) {
            fail_msg("a date: '%s' -> %s", bad[i], out);
        }
        assert_string_equal(out, "-");
    }
    assert_false(wm_table_date(NULL, out));
}

int
main(void)
{
    wm_table_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_quotes),       cmocka_unit_test(test_csv_crlf_and_ends),
        cmocka_unit_test(test_csv_bom_and_col),  cmocka_unit_test(test_row_kind),  cmocka_unit_test(test_csv_separators),
        cmocka_unit_test(test_csv_gbk),          cmocka_unit_test(test_csv_utf16),
        cmocka_unit_test(test_csv_bad_encoding), cmocka_unit_test(test_csv_unterminated),
        cmocka_unit_test(test_csv_limits),       cmocka_unit_test(test_xlsx_writer),
        cmocka_unit_test(test_xlsx_handmade),    cmocka_unit_test(test_xlsx_fallback_sheet1),
        cmocka_unit_test(test_xlsx_hostile),     cmocka_unit_test(test_xlsx_truncated),
        cmocka_unit_test(test_docx_tables),
        cmocka_unit_test(test_xlsx_sheets),
        cmocka_unit_test(test_xlsx_fitting_all),
        cmocka_unit_test(test_table_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* end of test_table.c */
