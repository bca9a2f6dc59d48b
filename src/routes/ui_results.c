/*
** ui_results.c — a round's result documents (issue 10), shared by the API and the pages:
** the round summary / ranking and a unit's score sheet as XLSX (the engine's writers) and
** PDF (the engine's spec rendered by the `wenming-compile` helper: the server links no
** cairo; wm_compile_* of src/core, in a scratch directory that is always removed).  One sheet or one ranking renders in well under a second, so it
** is made in the request rather than by a job.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "wm_compile.h"
#include "wm_eval_render.h"

enum wm_err
ui_eval_pdf(json_t *spec, struct wm_buf *out, char *err, size_t errlen)
{
    struct wm_compile c;
    struct wm_fail f = {0};
    enum wm_err e = wm_compile_begin(&c, "wenming-eval", &f);
    if (WM_OK == e) {
        e = wm_compile_run(&c, wm_compile_spawned, spec, JSON_COMPACT, _("测评表"), &f);
    }
    if (WM_OK == e) {
        size_t n = 0;
        char *d = wm_read_file(c.pdf, &n);
        if (NULL == d) {
            e = wm_fail_set(&f, WM_E_INTERNAL, NULL, "%s", "no PDF was made");
        } else {
            wm_buf_add(out, d, n);
            free(d);
        }
    }
    wm_compile_end(&c);
    if (WM_OK != e) {
        snprintf(err, errlen, "%s", f.msg);
    }
    return e;
}

/* ---------------------------------------------------------------- the summary */

struct summary {
    struct wm_eval_doc_summary d;
    struct wm_eval_doc_row *rows;
    int64_t *subs;
};

static void
summary_build(struct summary *s,
              const struct wm_eval_plan *p,
              const json_t *round,
              const json_t *items,
              const char *title)
{
    size_t n = json_array_size(items);
    s->rows = calloc(n ? n : 1, sizeof *s->rows);
    s->subs = calloc((n ? n : 1) * (p->ntop ? p->ntop : 1), sizeof *s->subs);
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(items, i);
        const json_t *st = json_object_get(o, "subtotals");
        for (size_t t = 0; t < p->ntop && t < json_array_size(st); t++) {
            s->subs[i * p->ntop + t] = (int64_t)json_integer_value(json_array_get(st, t));
        }
        s->rows[i] = (struct wm_eval_doc_row){
            .rank = (unsigned)ji(o, "rank"),
            .unit = js(o, "unit_name"),
            .unit_type = js(o, "unit_type"),
            .district = js(o, "district_name"),
            .has_total = json_is_integer(json_object_get(o, "total")),
            .total = ji(o, "total"),
            .subtotal = json_array_size(st) == p->ntop ? &s->subs[i * p->ntop] : NULL,
            .veto = json_is_true(json_object_get(o, "vetoed")),
            .pass = json_is_true(json_object_get(o, "pass")),
        };
    }
    s->d = (struct wm_eval_doc_summary){ .round = js(round, "name"),
                                         .title = title,
                                         .plan = p,
                                         .has_threshold = true,
                                         .threshold = ji(round, "pass_threshold"),
                                         .nrows = n,
                                         .rows = s->rows };
}

void
ui_results_doc(struct wm_req *r, const json_t *round, const json_t *items, bool pdf)
{
    struct wm_fail f = { 0 };
    const struct wm_eval_plan *p = wm_round_plan(r->db, round, &f);
    if (NULL == p) {
        wm_reply_fail(r, &f);
        return;
    }
    struct summary s = { 0 };
    summary_build(&s, p, round, items, _("测评结果排名表"));
    struct wm_buf out = { 0 };
    char err[256] = "";
    enum wm_err e;
    if (pdf) {
        json_t *spec = wm_eval_summary_spec(&s.d);
        e = ui_eval_pdf(spec, &out, err, sizeof err);
        json_decref(spec);
    } else {
        e = wm_eval_xlsx_summary(&s.d, &out, err, sizeof err);
    }
    free(s.rows);
    free(s.subs);
    if (WM_OK != e) {
        wm_log(WM_LOG_ERROR, "results document: %s", err);
        wm_buf_free(&out);
        wm_reply_err(r, WM_E_UNAVAILABLE == e ? e : WM_E_INTERNAL, NULL, NULL);
        return;
    }
    char *name = wm_asprintf("%s-%s.%s", js(round, "name"), _("排名"), pdf ? "pdf" : "xlsx");
    size_t len = out.len;
    wm_reply_attachment(r, name,
                        pdf ? "application/pdf"
                            : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        wm_buf_steal(&out), len);
    free(name);
}

/* ---------------------------------------------------------------- a unit's sheet */

void
ui_sheet_doc(struct wm_req *r, const json_t *round, const json_t *row, bool pdf)
{
    struct wm_fail f = { 0 };
    const struct wm_eval_plan *p = wm_round_plan(r->db, round, &f);
    if (NULL == p) {
        wm_reply_fail(r, &f);
        return;
    }
    int64_t eid = ji(row, "entry_id");
    json_t *fin = r->db->ops->round_finals(r->db, ji(round, "id"), eid);
    json_t *ded = fin ? r->db->ops->entry_deductions(r->db, eid) : NULL;
    json_t *en = ded ? r->db->ops->entry_get(r->db, eid) : NULL;
    if (NULL == en) {
        json_decref(fin);
        json_decref(ded);
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
        return;
    }
    struct wm_eval_doc_leaf *lv = calloc(p->nleaves ? p->nleaves : 1, sizeof *lv);
    struct wm_eval_value *vals = calloc(p->nleaves ? p->nleaves : 1, sizeof *vals);
    size_t i;
    json_t *x;
    json_array_foreach(fin, i, x)
    {
        (void)wm_finals_fill(p, js(x, "finals"), vals);
    }
    for (size_t k = 0; k < p->nleaves; k++) {
        lv[k].set = vals[k].set;
        lv[k].value = vals[k].value;
    }
    free(vals);
    /* the first evaluator's deductions of each leaf, as the sheet's reasons */
    json_t *keep = json_array();
    json_array_foreach(ded, i, x)
    {
        ptrdiff_t li = wm_eval_plan_index(p, js(x, "indicator_code"));
        if (li < 0 || lv[li].ndeductions) {
            continue;
        }
        json_t *arr = json_loads(js(x, "deductions"), 0, NULL);
        struct wm_eval_deduction *d = NULL;
        size_t n = 0;
        char why[WM_EVAL_WHY];
        if (arr && WM_OK == wm_eval_deductions_from_json(arr, &d, &n, why, sizeof why)) {
            lv[li].deductions = d;
            lv[li].ndeductions = n;
            json_array_append(keep, arr);
        }
        json_decref(arr);
    }
    bool vetoed = 0 != ji(en, "vetoed");
    const char *vr = js(en, "veto_reason");
    for (size_t k = 0; vetoed && k < p->nleaves; k++) { /* the veto on its veto leaf */
        if (p->leaf[k]->veto) {
            lv[k].veto = true;
            lv[k].veto_reason = *vr ? vr : _("一票否决");
            break;
        }
    }
    struct wm_eval_doc_sheet d = { .round = js(round, "name"),
                                   .unit = js(row, "unit_name"),
                                   .unit_code = js(row, "unit_code"),
                                   .note = _("核定得分"),
                                   .plan = p,
                                   .leaves = lv,
                                   .has_threshold = true,
                                   .threshold = ji(round, "pass_threshold") };
    struct wm_buf out = { 0 };
    char err[256] = "";
    enum wm_err e;
    if (pdf) {
        json_t *spec = wm_eval_sheet_spec(&d, false);
        e = ui_eval_pdf(spec, &out, err, sizeof err);
        json_decref(spec);
    } else {
        e = wm_eval_xlsx_sheet(&d, &out, err, sizeof err);
    }
    for (size_t k = 0; k < p->nleaves; k++) {
        free((void *)lv[k].deductions);
    }
    free(lv);
    json_decref(keep);
    json_decref(fin);
    json_decref(ded);
    json_decref(en);
    if (WM_OK != e) {
        wm_log(WM_LOG_ERROR, "score sheet document: %s", err);
        wm_buf_free(&out);
        wm_reply_err(r, WM_E_UNAVAILABLE == e ? e : WM_E_INTERNAL, NULL, NULL);
        return;
    }
    char *name = wm_asprintf("%s-%s-%s.%s", js(round, "name"), js(row, "unit_name"), _("评分表"),
                             pdf ? "pdf" : "xlsx");
    size_t len = out.len;
    wm_reply_attachment(r, name,
                        pdf ? "application/pdf"
                            : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        wm_buf_steal(&out), len);
    free(name);
}

/* ---------------------------------------------------------------- the unit's home */

void
ui_home_results(struct wm_req *r, struct wm_buf *b)
{
    struct wm_fail f = { 0 };
    json_t *rounds = wm_round_list(r->db, &r->actor, "publicity", 5, 0, &f);
    size_t i;
    json_t *round;
    json_array_foreach(rounds, i, round)
    {
        struct wm_fail pf = { 0 };
        json_t *p = wm_publicity(r->db, &r->actor, round, &pf);
        const json_t *own = p ? json_object_get(p, "own") : NULL;
        if (json_is_object(own)) {
            wm_h(b,
                 "<section class=\"card\" id=\"home-result-%I\"><h2><a "
                 "href=\"/rounds/%I/publicity\">%s</a></h2><p>%s：<strong>",
                 ji(round, "id"), ji(round, "id"), js(round, "name"), _("本单位总分"));
            if (json_is_integer(json_object_get(own, "total"))) {
                wm_html_hundredths(b, json_integer_value(json_object_get(own, "total")));
            }
            wm_h(b, "</strong>　%s　%s %s %s %s</p></section>\n",
                 json_is_true(json_object_get(own, "pass"))     ? _("合格")
                 : json_is_true(json_object_get(own, "vetoed")) ? _("一票否决")
                                                                : _("不合格"),
                 _("公示期"), js(round, "publicity_start"), _("至"), js(round, "publicity_end"));
        }
        json_decref(p);
    }
    json_decref(rounds);
}

/* end of ui_results.c */
