/*
** ui_sched.c — the marks the unit's pages show for the routine-upload schedule and the
** review (issue 9): a period's or a leaf's state (met, due soon, overdue, not yet due) and
** a document's review state (draft, submitted, approved, returned), each as an icon and a
** word in a coloured badge (never colour alone), the legend that explains them, and the
** schedule settings those pages compute with.
*/
#include "config.h"

#include <string.h>

#include "handlers.h"

/* The icon of each schedule state (the word says the same: the icon is for a glance). */
static const char *
sched_icon(enum wm_sched_state s)
{
    switch (s) {
    case WM_SCHED_MET:
        return "✓";
    case WM_SCHED_DUE_SOON:
        return "!";
    case WM_SCHED_OVERDUE:
        return "✗";
    case WM_SCHED_NOT_DUE:
        break;
    }
    return "○";
}

bool
ui_sched_state_parse(const char *name, enum wm_sched_state *s)
{
    static const enum wm_sched_state all[] = {WM_SCHED_MET, WM_SCHED_DUE_SOON, WM_SCHED_OVERDUE,
                                              WM_SCHED_NOT_DUE};
    for (size_t i = 0; i < WM_ARRAY_LEN(all); i++) {
        if (wm_streq(name, wm_sched_state_name(all[i]))) {
            *s = all[i];
            return true;
        }
    }
    return false;
}

void
ui_sched_mark(struct wm_buf *b, enum wm_sched_state s)
{
    wm_h(b, "<span class=\"sched %s\"><span aria-hidden=\"true\">%s</span> %s</span>",
         wm_sched_state_name(s), sched_icon(s), wm_sched_state_label(s));
}

void
ui_sched_legend(struct wm_buf *b, bool leaves)
{
    static const enum wm_sched_state all[] = {WM_SCHED_OVERDUE, WM_SCHED_DUE_SOON, WM_SCHED_MET,
                                              WM_SCHED_NOT_DUE};
    static const char *const says[] = {
        N_("截止日已过，还没有符合要求的文件"),
        N_("截止日在 14 天内"),
        N_("有审核通过、形成日期在期内的文件"),
        N_("截止日还早"),
    };
    wm_h(b, "<dl class=\"legend\" id=\"sched-legend\">");
    for (size_t i = 0; i < WM_ARRAY_LEN(all); i++) {
        wm_h(b, "<dt>");
        ui_sched_mark(b, all[i]);
        wm_h(b, "</dt><dd>%s</dd>", _(says[i]));
    }
    wm_h(b, "</dl>");
    if (leaves) {
        wm_h(b, "<p class=\"hint\">%s</p>",
             _("每项测评内容按最紧迫的一期标记：有一期逾期即为已逾期；没有上传周期的不标记。"));
    }
}

/* The review states: the store's word, an icon, the label, the short label of counts. */
static const struct {
    const char *status, *icon, *label, *count;
} review_states[] = {
    {"submitted", "…", N_("待审核"), N_("待审")},
    {"returned", "↩", N_("已退回"), N_("退回")},
    {"approved", "✓", N_("已通过"), N_("通过")},
    {"draft", "○", N_("草稿"), N_("草稿")},
};

void
ui_review_mark(struct wm_buf *b, const char *status)
{
    for (size_t i = 0; i < WM_ARRAY_LEN(review_states); i++) {
        if (wm_streq(status, review_states[i].status)) {
            wm_h(b, "<span class=\"review %s\"><span aria-hidden=\"true\">%s</span> %s</span>",
                 status, review_states[i].icon, _(review_states[i].label));
            return;
        }
    }
    wm_h(b, "<span class=\"review\">%s</span>", status);
}

void
ui_review_counts(struct wm_buf *b, const json_t *counts)
{
    bool first = true;
    for (size_t i = 0; i < WM_ARRAY_LEN(review_states); i++) {
        int64_t n = json_integer_value(json_object_get(counts, review_states[i].status));
        if (n > 0) {
            wm_h(b, "%r<span class=\"review %s\">%I %s</span>", first ? "" : " · ",
                 review_states[i].status, n, _(review_states[i].count));
            first = false;
        }
    }
}

json_t *
ui_review_counts_by_leaf(const json_t *docs)
{
    json_t *out = json_object();
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        const char *code = js(d, "indicator_code");
        json_t *c = json_object_get(out, code);
        if (NULL == c) {
            json_object_set_new(out, code, c = json_object());
        }
        const char *st = js(d, "status");
        json_object_set_new(c, st, json_integer(json_integer_value(json_object_get(c, st)) + 1));
    }
    return out;
}

char *
ui_actor_dept(struct wm_req *r)
{
    if (!wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER)) || 0 == r->actor.p->dept_id) {
        return NULL;
    }
    json_t *dept = wm_dept_get_scoped(r->db, &r->actor, r->actor.p->dept_id, NULL);
    char *name = dept && *js(dept, "name") ? wm_strdup(js(dept, "name")) : NULL;
    json_decref(dept);
    return name;
}

bool
ui_depts_have(const json_t *depts, const char *dept)
{
    json_t *own = json_is_string(depts) ? json_loads(json_string_value(depts), 0, NULL) : NULL;
    const json_t *list = own ? own : depts;
    bool found = false;
    size_t i;
    json_t *d;
    json_array_foreach(list, i, d)
    {
        found = found || (dept && wm_streq(json_string_value(d), dept));
    }
    json_decref(own);
    return found;
}

/* end of ui_sched.c */
