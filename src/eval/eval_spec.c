/*
** eval_spec.c — the JSON specs of the round's PDF documents (wm_eval_render.h): what the
** server hands the `wenming-compile` helper, which links cairo and pango.
*/
#include <stdlib.h>
#include <string.h>

#include "wm_eval_render.h"
#include "banned.h"

static void
set_text(json_t *o, const char *k, const char *v)
{
    if (v != NULL) {
        json_object_set_new(o, k, json_string(v));
    }
}

static json_t *
spec_base(const char *kind, const struct wm_eval_plan *p, const char *round)
{
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(kind));
    json_object_set_new(o, "standard", wm_fw_to_json(p->fw));
    set_text(o, "round", round);
    return o;
}

json_t *
wm_eval_sheet_spec(const struct wm_eval_doc_sheet *d, bool blank)
{
    json_t *o = spec_base(blank ? "eval.blank" : "eval.sheet", d->plan, d->round);
    set_text(o, "unit", d->unit);
    set_text(o, "unit_code", d->unit_code);
    set_text(o, "evaluators", d->evaluators);
    set_text(o, "note", d->note);
    if (d->has_threshold) {
        json_object_set_new(o, "threshold", json_integer(d->threshold));
    }
    if (blank || d->leaves == NULL) {
        return o;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < d->plan->nleaves; i++) {
        const struct wm_eval_doc_leaf *l = &d->leaves[i];
        json_t *x = json_object();
        json_object_set_new(x, "code", json_string(d->plan->leaf[i]->code));
        json_object_set_new(x, "value", l->set ? json_integer(l->value) : json_null());
        if (l->grade != 0) {
            char g[2] = { (char)(l->grade & ~0x20), '\0' };
            json_object_set_new(x, "grade", json_string(g));
        }
        json_object_set_new(x, "veto", json_boolean(l->veto));
        set_text(x, "veto_reason", l->veto_reason);
        set_text(x, "method", l->method);
        set_text(x, "comment", l->comment);
        if (l->ndeductions > 0 && l->deductions != NULL) {
            json_object_set_new(x, "deductions",
                                wm_eval_deductions_to_json(l->deductions, l->ndeductions));
        }
        json_array_append_new(a, x);
    }
    json_object_set_new(o, "leaves", a);
    return o;
}

json_t *
wm_eval_summary_spec(const struct wm_eval_doc_summary *d)
{
    json_t *o = spec_base("eval.summary", d->plan, d->round);
    set_text(o, "title", d->title);
    set_text(o, "scope", d->scope);
    if (d->has_threshold) {
        json_object_set_new(o, "threshold", json_integer(d->threshold));
    }
    json_t *a = json_array();
    for (size_t i = 0; i < d->nrows; i++) {
        const struct wm_eval_doc_row *r = &d->rows[i];
        json_t *x = json_object();
        json_object_set_new(x, "rank", json_integer(r->rank));
        set_text(x, "unit", r->unit);
        set_text(x, "unit_type", r->unit_type);
        set_text(x, "district", r->district);
        json_object_set_new(x, "total", r->has_total ? json_integer(r->total) : json_null());
        if (r->has_total && r->subtotal != NULL) {
            json_t *s = json_array();
            for (size_t k = 0; k < d->plan->ntop; k++) {
                json_array_append_new(s, json_integer(r->subtotal[k]));
            }
            json_object_set_new(x, "subtotals", s);
        }
        json_object_set_new(x, "veto", json_boolean(r->veto));
        json_object_set_new(x, "pass", json_boolean(r->pass));
        json_array_append_new(a, x);
    }
    json_object_set_new(o, "rows", a);
    return o;
}

/* end of eval_spec.c */
