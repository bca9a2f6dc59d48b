/*
** eval_xlsx.c — the XLSX documents of an evaluation round (wm_eval_render.h) through
** libxlsxwriter, and wm_eval_save().  Text cells that hold user data go through
** wm_cell_text() (formula injection); scores are numbers (hundredths / 100, which reads
** back exactly: the table reader rounds to 15 significant digits).
**
** libxlsxwriter writes to a path: each workbook is made in a private temporary file,
** read back into the caller's buffer, and the file removed.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "wm_eval_render.h"
#include "banned.h"

static void set_err(char *err, size_t errlen, const char *fmt, ...) WM_PRINTF(3, 4);

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static const char *
nz(const char *s)
{
    return s != NULL ? s : "";
}

/* A workbook being written. */
struct xw {
    char path[4096];
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold, *title, *num, *wrap, *head;
    lxw_error le;
};

static bool
xw_open(struct xw *x, const char *sheet, char *err, size_t errlen)
{
    memset(x, 0, sizeof(*x));
    int fd = wm_scratch_file("wenming-eval", x->path, sizeof(x->path));
    if (fd < 0) {
        set_err(err, errlen, "XLSX: mkstemp: %s", strerror(errno));
        return false;
    }
    close(fd);
    x->wb = workbook_new(x->path);
    x->ws = x->wb != NULL ? workbook_add_worksheet(x->wb, sheet) : NULL;
    if (x->ws == NULL) {
        set_err(err, errlen, "无法创建 XLSX 工作表");
        if (x->wb != NULL) {
            (void)workbook_close(x->wb);
        }
        unlink(x->path);
        return false;
    }
    x->bold = workbook_add_format(x->wb);
    format_set_bold(x->bold);
    x->head = workbook_add_format(x->wb);
    format_set_bold(x->head);
    format_set_bg_color(x->head, 0xEBEBEB);
    format_set_border(x->head, LXW_BORDER_THIN);
    x->title = workbook_add_format(x->wb);
    format_set_bold(x->title);
    format_set_font_size(x->title, 14);
    x->num = workbook_add_format(x->wb);
    format_set_num_format(x->num, "0.00");
    x->wrap = workbook_add_format(x->wb);
    format_set_text_wrap(x->wrap);
    format_set_align(x->wrap, LXW_ALIGN_VERTICAL_TOP);
    return true;
}

/* A text cell; user data through wm_cell_text(). NULL or "" writes nothing. */
static void
xw_text(struct xw *x, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *f)
{
    if (x->le != LXW_NO_ERROR || s == NULL || s[0] == '\0') {
        return;
    }
    struct wm_buf tmp = { 0 };
    x->le = worksheet_write_string(x->ws, r, c, wm_cell_text(s, &tmp), f);
    wm_buf_free(&tmp);
}

static void
xw_points(struct xw *x, lxw_row_t r, lxw_col_t c, int64_t v)
{
    if (x->le == LXW_NO_ERROR) {
        x->le = worksheet_write_number(x->ws, r, c, (double)v / 100.0, x->num);
    }
}

static enum wm_err
xw_close(struct xw *x, struct wm_buf *out, char *err, size_t errlen)
{
    lxw_error ce = workbook_close(x->wb);
    enum wm_err e = WM_OK;
    if (x->le != LXW_NO_ERROR || ce != LXW_NO_ERROR) {
        set_err(err, errlen, "写入 XLSX 失败：%s",
                lxw_strerror(x->le != LXW_NO_ERROR ? x->le : ce));
        e = WM_E_INTERNAL;
    } else {
        size_t len = 0;
        char *data = wm_read_file(x->path, &len);
        if (data == NULL) {
            set_err(err, errlen, "读取 XLSX 临时文件失败");
            e = WM_E_INTERNAL;
        } else {
            wm_buf_add(out, data, len);
            free(data);
        }
    }
    unlink(x->path);
    return e;
}

/* ---------------------------------------------------------------- score sheets */

static bool
sheet_ok(const struct wm_eval_doc_sheet *s, bool blank, char *err, size_t errlen)
{
    if (s == NULL || s->round == NULL || s->plan == NULL || (!blank && s->unit == NULL) ||
        (!blank && s->leaves == NULL && s->plan->nleaves > 0)) {
        set_err(err, errlen, "评分表缺少测评名称、单位或指标");
        return false;
    }
    return true;
}

/* The heading block; returns the next row. */
static lxw_row_t
sheet_heading(struct xw *x, const struct wm_eval_doc_sheet *s, const char *title)
{
    lxw_row_t r = 0;
    xw_text(x, r++, 0, title, x->title);
    xw_text(x, r, 0, "测评", x->bold);
    xw_text(x, r++, 1, s->round, NULL);
    xw_text(x, r, 0, "被测评单位", x->bold);
    xw_text(x, r, 1, s->unit, NULL);
    xw_text(x, r++, 2, s->unit_code, NULL);
    if (s->evaluators != NULL || s->note != NULL) {
        xw_text(x, r, 0, "评分人", x->bold);
        xw_text(x, r, 1, s->evaluators, NULL);
        xw_text(x, r, 2, s->note, NULL);
        r++;
    }
    xw_text(x, r, 0, "测评标准", x->bold);
    xw_text(x, r++, 1, s->plan->fw->name, NULL);
    return r + 1;
}

static void
xw_heads(struct xw *x, lxw_row_t r, const char *const *head, const double *w, size_t n)
{
    for (size_t k = 0; k < n && x->le == LXW_NO_ERROR; k++) {
        worksheet_set_column(x->ws, (lxw_col_t)k, (lxw_col_t)k, w[k], NULL);
        x->le = worksheet_write_string(x->ws, r, (lxw_col_t)k, head[k], x->head);
    }
}

enum wm_err
wm_eval_xlsx_sheet(const struct wm_eval_doc_sheet *s, struct wm_buf *out, char *err, size_t errlen)
{
    if (!sheet_ok(s, false, err, errlen)) {
        return WM_E_BAD_REQUEST;
    }
    const struct wm_eval_plan *p = s->plan;
    struct xw x;
    if (!xw_open(&x, "评分表", err, errlen)) {
        return WM_E_INTERNAL;
    }
    lxw_row_t r = sheet_heading(&x, s, "测评评分表");
    static const char *head[] = { "编码", "指标",     "分值",     "评分规则", "档次",
                                  "得分", "测评方式", "扣分明细", "评语",     "否决原因" };
    static const double w[] = { 10, 28, 8, 8, 6, 8, 12, 40, 30, 24 };
    xw_heads(&x, r++, head, w, 10);
    worksheet_freeze_panes(x.ws, r, 0);
    struct wm_eval_value *v = wm_calloc(p->nleaves ? p->nleaves : 1, sizeof(*v));
    char a[32];
    for (size_t i = 0; i < p->nleaves; i++, r++) {
        const struct wm_ind *leaf = p->leaf[i];
        const struct wm_eval_doc_leaf *l = &s->leaves[i];
        v[i] = (struct wm_eval_value){ .set = l->set, .value = l->value, .veto = l->veto };
        xw_text(&x, r, 0, leaf->code, NULL);
        xw_text(&x, r, 1, leaf->title, NULL);
        if (wm_eval_leaf_scorable(leaf) && wm_eval_leaf_cap(leaf) != INT64_MAX) {
            xw_points(&x, r, 2, wm_eval_leaf_cap(leaf));
        }
        xw_text(&x, r, 3, wm_eval_rule_label(leaf->scoring.rule), NULL);
        if (l->grade != 0) {
            char g[2] = { (char)(l->grade & ~0x20), '\0' };
            xw_text(&x, r, 4, g, NULL);
        }
        if (l->set) {
            xw_points(&x, r, 5, l->value);
        }
        xw_text(&x, r, 6, l->method, NULL);
        struct wm_buf b = { 0 };
        for (size_t k = 0; k < l->ndeductions && l->deductions != NULL; k++) {
            wm_buf_printf(&b, "%s%s（%s 分）", b.len ? "；" : "", nz(l->deductions[k].reason),
                          wm_eval_format_points(l->deductions[k].points, a));
        }
        xw_text(&x, r, 7, wm_buf_str(&b), x.wrap);
        wm_buf_free(&b);
        xw_text(&x, r, 8, l->comment, x.wrap);
        if (l->veto) {
            char *t = wm_asprintf("否决：%s", nz(l->veto_reason));
            xw_text(&x, r, 9, t, x.wrap);
            free(t);
        }
    }
    struct wm_eval_totals t;
    wm_eval_totals(p, v, &t);
    r++;
    for (size_t k = 0; k < p->ntop; k++, r++) {
        const struct wm_ind *ti = p->fw->top[k];
        xw_text(&x, r, 0, ti->code, NULL);
        char *lbl = wm_asprintf("小计：%s", ti->title);
        xw_text(&x, r, 1, lbl, NULL);
        free(lbl);
        if (wm_ind_counts(ti) && wm_ind_max(ti) > 0) {
            xw_points(&x, r, 2, wm_ind_max(ti));
        }
        xw_points(&x, r, 5, t.subtotal[k]);
    }
    xw_text(&x, r, 1, "基本分", x.bold);
    xw_points(&x, r, 2, p->fw->total);
    xw_points(&x, r++, 5, t.base);
    xw_text(&x, r, 1, "加分", x.bold);
    xw_points(&x, r++, 5, t.bonus);
    xw_text(&x, r, 1, "减分", x.bold);
    xw_points(&x, r++, 5, -t.negative);
    xw_text(&x, r, 1, "总分", x.bold);
    xw_points(&x, r, 5, t.total);
    if (t.unscored > 0) {
        char *u = wm_asprintf("有 %zu 项指标未评分", t.unscored);
        xw_text(&x, r, 7, u, NULL);
        free(u);
    }
    r++;
    xw_text(&x, r, 1, "一票否决", x.bold);
    xw_text(&x, r++, 5, t.veto ? "是" : "否", NULL);
    if (s->has_threshold) {
        xw_text(&x, r, 1, "测评结果", x.bold);
        xw_text(&x, r, 5, !t.veto && t.total >= s->threshold ? "合格" : "不合格", NULL);
        char *th = wm_asprintf("合格分数线 %s 分", wm_eval_format_points(s->threshold, a));
        xw_text(&x, r++, 7, th, NULL);
        free(th);
    }
    wm_eval_totals_free(&t);
    free(v);
    return xw_close(&x, out, err, errlen);
}

enum wm_err
wm_eval_xlsx_blank(const struct wm_eval_doc_sheet *s, struct wm_buf *out, char *err, size_t errlen)
{
    if (!sheet_ok(s, true, err, errlen)) {
        return WM_E_BAD_REQUEST;
    }
    const struct wm_eval_plan *p = s->plan;
    struct xw x;
    if (!xw_open(&x, "空白评分表", err, errlen)) {
        return WM_E_INTERNAL;
    }
    lxw_row_t r = sheet_heading(&x, s, "测评评分表（空白）");
    static const char *head[] = { "编码", "指标", "测评要求", "评分规则",
                                  "分值", "得分", "测评方式", "扣分原因与评语" };
    static const double w[] = { 10, 28, 50, 36, 8, 10, 12, 40 };
    xw_heads(&x, r++, head, w, 8);
    worksheet_freeze_panes(x.ws, r, 0);
    for (size_t i = 0; i < p->nleaves; i++, r++) {
        const struct wm_ind *leaf = p->leaf[i];
        xw_text(&x, r, 0, leaf->code, NULL);
        xw_text(&x, r, 1, leaf->title, x.wrap);
        xw_text(&x, r, 2, leaf->requirement, x.wrap);
        struct wm_buf b = { 0 };
        wm_eval_rule_words(leaf, &b);
        xw_text(&x, r, 3, wm_buf_str(&b), x.wrap);
        wm_buf_free(&b);
        if (wm_eval_leaf_scorable(leaf) && wm_eval_leaf_cap(leaf) != INT64_MAX) {
            xw_points(&x, r, 4, wm_eval_leaf_cap(leaf));
        }
    }
    return xw_close(&x, out, err, errlen);
}

/* ---------------------------------------------------------------- summary / ranking */

enum wm_err
wm_eval_xlsx_summary(const struct wm_eval_doc_summary *s,
                     struct wm_buf *out,
                     char *err,
                     size_t errlen)
{
    if (s == NULL || s->round == NULL || s->plan == NULL || (s->nrows > 0 && s->rows == NULL)) {
        set_err(err, errlen, "汇总表缺少测评名称或指标");
        return WM_E_BAD_REQUEST;
    }
    const struct wm_eval_plan *p = s->plan;
    struct xw x;
    if (!xw_open(&x, s->title != NULL ? "排名" : "汇总", err, errlen)) {
        return WM_E_INTERNAL;
    }
    lxw_row_t r = 0;
    xw_text(&x, r++, 0, s->title != NULL ? s->title : "测评结果汇总表", x.title);
    xw_text(&x, r, 0, "测评", x.bold);
    xw_text(&x, r++, 1, s->round, NULL);
    if (s->scope != NULL) {
        xw_text(&x, r, 0, "范围", x.bold);
        xw_text(&x, r++, 1, s->scope, NULL);
    }
    if (s->has_threshold) {
        xw_text(&x, r, 0, "合格分数线", x.bold);
        xw_points(&x, r++, 1, s->threshold);
    }
    r++;
    lxw_col_t c = 0;
    static const char *lead[] = { "名次", "单位", "类型", "区县" };
    static const double lw[] = { 6, 30, 12, 12 };
    xw_heads(&x, r, lead, lw, 4);
    c = 4;
    for (size_t k = 0; k < p->ntop; k++, c++) {
        char *h = wm_asprintf("%s %s", p->fw->top[k]->code, p->fw->top[k]->title);
        worksheet_set_column(x.ws, c, c, 12, NULL);
        xw_text(&x, r, c, h, x.head);
        free(h);
    }
    lxw_col_t ctot = c;
    static const char *tail[] = { "总分", "一票否决", "结果" };
    for (size_t k = 0; k < 3; k++) {
        worksheet_set_column(x.ws, (lxw_col_t)(ctot + k), (lxw_col_t)(ctot + k), 10, NULL);
        xw_text(&x, r, (lxw_col_t)(ctot + k), tail[k], x.head);
    }
    r++;
    worksheet_freeze_panes(x.ws, r, 2);
    for (size_t i = 0; i < s->nrows && x.le == LXW_NO_ERROR; i++, r++) {
        const struct wm_eval_doc_row *e = &s->rows[i];
        if (e->rank > 0) {
            x.le = worksheet_write_number(x.ws, r, 0, (double)e->rank, NULL);
        }
        xw_text(&x, r, 1, e->unit, NULL);
        xw_text(&x, r, 2, e->unit_type, NULL);
        xw_text(&x, r, 3, e->district, NULL);
        if (e->has_total) {
            for (size_t k = 0; k < p->ntop && e->subtotal != NULL; k++) {
                xw_points(&x, r, (lxw_col_t)(4 + k), e->subtotal[k]);
            }
            xw_points(&x, r, ctot, e->total);
        }
        xw_text(&x, r, ctot + 1, e->veto ? "是" : "否", NULL);
        xw_text(&x, r, ctot + 2, !e->has_total ? "未评分" : e->pass ? "合格" : "不合格", NULL);
    }
    return xw_close(&x, out, err, errlen);
}

/* ---------------------------------------------------------------- output */

enum wm_err
wm_eval_save(const void *p, size_t n, int fd, const char *path, char *err, size_t errlen)
{
    if (fd >= 0) {
        const char *c = p;
        while (n > 0) {
            ssize_t w = write(fd, c, n);
            if (w < 0 && errno == EINTR) {
                continue;
            }
            if (w <= 0) {
                set_err(err, errlen, "写入失败：%s", w < 0 ? strerror(errno) : "short write");
                return WM_E_INTERNAL;
            }
            c += w;
            n -= (size_t)w;
        }
        return WM_OK;
    }
    if (path == NULL) {
        set_err(err, errlen, "没有输出位置");
        return WM_E_INTERNAL;
    }
    int rc = wm_write_atomic(path, p, n, 0640);
    if (rc != 0) {
        set_err(err, errlen, "写入 %s 失败：%s", path, strerror(-rc));
        return WM_E_INTERNAL;
    }
    return WM_OK;
}

/* end of eval_xlsx.c */
