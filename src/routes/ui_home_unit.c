/*
** ui_home_unit.c — the home of a unit's accounts (issue 9, "the pages people live on"):
** a work list.  What is due soon and overdue this year (leaf × period with its deadline,
** each linking to the leaf's page), what the office returned (with its guidance), the open
** guidance conversations, and completeness by top-level indicator; then the unit and its
** years.  page_home (page_home.c) calls it for unit accounts.
**
** Reads: the unit, the year's archive, its live documents once (the schedule is computed
** from them with the same core function as GET .../schedule), the edition's indicators,
** and the returned documents from the review queue: a fixed number whatever the size.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

#define HOME_DUE_MAX      50 /* rows of the due list; the tree has the rest */
#define HOME_RETURNED_MAX 50

/* A year of the unit as the home reads it: its archive, live documents, the edition's
** indicators and the schedule computed from those documents. */
struct year_data {
    json_t *ar, *docs, *inds, *sched;
    const char *from; /* the due list takes periods with a deadline from this day on (NULL:
                      ** all): of last year, those whose deadline falls into this year */
};

/* One period that needs doing: a leaf's period that is overdue or due soon. */
struct due {
    const struct year_data *y;
    const json_t *leaf;   /* the schedule's leaf (code, title) */
    const json_t *period; /* {period, deadline, state} */
    enum wm_sched_state state;
    bool mine; /* a leaf of the member's department */
};

static int
due_cmp(const void *a, const void *b)
{
    const struct due *x = a, *y = b;
    if (x->state != y->state) {
        return WM_SCHED_OVERDUE == x->state ? -1 : 1; /* overdue first */
    }
    return strcmp(js(x->period, "deadline"), js(y->period, "deadline")); /* then oldest */
}

/* The leaves of a department among an edition's indicators: {code: true}. */
static json_t *
dept_leaves(const json_t *inds, const char *mine)
{
    json_t *out = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(inds, i, x)
    {
        if (mine && ji(x, "leaf") && ui_depts_have(json_object_get(x, "depts"), mine)) {
            json_object_set_new(out, js(x, "code"), json_true());
        }
    }
    return out;
}

/*
** The due and overdue periods of the years' leaves.  For a department's staff (mine) only
** its department's leaves, unless all (or none of the leaves is the department's: then
** every leaf, and it is said).
*/
static void
due_list(const struct year_data *years, size_t nyears, int64_t this_year,
         const char *mine, bool all, size_t *n_over, size_t *n_soon, struct wm_buf *list)
{
    size_t n = 0, cap = 16, n_mine = 0;
    struct due *rows = wm_calloc(cap, sizeof *rows);
    size_t i;
    json_t *l;
    for (size_t y = 0; y < nyears; y++) {
        json_t *dl = dept_leaves(years[y].inds, mine);
        n_mine += json_object_size(dl);
        json_array_foreach(json_object_get(years[y].sched, "leaves"), i, l)
        {
            size_t k;
            json_t *p;
            bool is_mine = json_is_true(json_object_get(dl, js(l, "code")));
            json_array_foreach(json_object_get(l, "periods"), k, p)
            {
                enum wm_sched_state st;
                if (!ui_sched_state_parse(js(p, "state"), &st) ||
                    (WM_SCHED_OVERDUE != st && WM_SCHED_DUE_SOON != st) ||
                    (years[y].from && strcmp(js(p, "deadline"), years[y].from) < 0)) {
                    continue;
                }
                if (n == cap) {
                    cap *= 2;
                    rows = wm_realloc(rows, cap * sizeof *rows);
                }
                rows[n++] = (struct due){.y = &years[y], .leaf = l, .period = p, .state = st,
                                         .mine = is_mine};
            }
        }
        json_decref(dl);
    }
    all = all || NULL == mine || 0 == n_mine;
    size_t kept = 0; /* the rows shown: the department's unless all */
    for (size_t k = 0; k < n; k++) {
        if (all || rows[k].mine) {
            rows[kept++] = rows[k];
            *(WM_SCHED_OVERDUE == rows[k].state ? n_over : n_soon) += 1;
        }
    }
    n = kept;
    qsort(rows, n, sizeof *rows, due_cmp);
    wm_h(list, "<section class=\"card\" id=\"home-due\"><h2>%s</h2>", _("待上传：已逾期和即将到期"));
    if (mine && n_mine) {
        wm_h(list, "<p class=\"row\" id=\"home-dept-switch\">");
        if (all) {
            wm_h(list, "%s <a href=\"/home\">%s%s%s</a>", _("正在显示全部测评内容。"), _("只看"), mine,
                 _("负责的"));
        } else {
            wm_h(list, _("正在显示 %s 负责的测评内容。"), mine);
            wm_h(list, " <a href=\"/home?all=1\">%s</a>", _("显示全部测评内容"));
        }
        wm_h(list, "</p>");
    }
    if (0 == n) {
        wm_h(list, "<p class=\"empty\">%s</p></section>\n",
             _("本年度没有逾期或即将到期的上传任务。"));
        free(rows);
        return;
    }
    wm_h(list, "<table class=\"cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
               "</tr></thead><tbody>",
         _("测评内容"), _("期次"), _("截止日期"), _("状态"));
    for (size_t k = 0; k < n && k < HOME_DUE_MAX; k++) {
        const char *code = js(rows[k].leaf, "code");
        const json_t *ar = rows[k].y->ar;
        wm_h(list, "<tr data-code=\"%s\" data-period=\"%s\" data-state=\"%s\">"
                   "<td data-label=\"%s\"><a href=\"/units/%I/archives/%I/leaf/%U\"><code>%s</code> "
                   "%s</a>",
             code, js(rows[k].period, "period"), js(rows[k].period, "state"), _("测评内容"),
             ji(ar, "unit_id"), ji(ar, "year"), code, code, js(rows[k].leaf, "title"));
        if (rows[k].mine) {
            wm_h(list, " <span class=\"tag mine\">%s</span>", _("本科室"));
        }
        wm_h(list, "</td><td data-label=\"%s\">", _("期次"));
        if (ji(ar, "year") != this_year) { /* last year's, due this year */
            wm_h(list, _("%I 年"), ji(ar, "year"));
        }
        wm_h(list, "%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">",
             wm_period_label(js(rows[k].period, "period")), _("截止日期"),
             js(rows[k].period, "deadline"), _("状态"));
        ui_sched_mark(list, rows[k].state);
        wm_h(list, "</td></tr>\n");
    }
    wm_h(list, "</tbody></table>");
    if (n > HOME_DUE_MAX) {
        const json_t *ar = years[nyears - 1].ar;
        wm_h(list, "<p class=\"hint\"><a href=\"/units/%I/archives/%I\">", ji(ar, "unit_id"),
             ji(ar, "year"));
        wm_h(list, _("还有 %I 项，在档案目录中查看全部"), (int64_t)(n - HOME_DUE_MAX));
        wm_h(list, "</a></p>");
    }
    wm_h(list, "</section>\n");
    free(rows);
}

/* The documents the office returned, with its guidance. */
static void
returned_list(struct wm_buf *list, const json_t *rows)
{
    wm_h(list, "<section class=\"card\" id=\"home-returned\"><h2>%s</h2>", _("被退回的文件"));
    if (0 == json_array_size(rows)) {
        wm_h(list, "<p class=\"empty\">%s</p></section>\n", _("没有被退回的文件。"));
        return;
    }
    wm_h(list, "<table class=\"cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
               "</tr></thead><tbody>",
         _("文件"), _("测评内容"), _("指导意见"), _("退回"));
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        wm_h(list, "<tr data-id=\"%I\"><td data-label=\"%s\"><a href=\"/documents/%I\">%s</a></td>"
                   "<td data-label=\"%s\"><a href=\"/units/%I/archives/%I/leaf/%U\">%I · "
                   "<code>%s</code></a></td><td data-label=\"%s\"><blockquote class=\"guidance\">"
                   "%s</blockquote></td><td data-label=\"%s\">%s ",
             ji(x, "id"), _("文件"), ji(x, "id"), js(x, "name"), _("测评内容"), ji(x, "unit_id"),
             ji(x, "year"), js(x, "indicator_code"), ji(x, "year"), js(x, "indicator_code"),
             _("指导意见"), js(x, "comment"), _("退回"), js(x, "actor_name"));
        ui_time(list, ji(x, "at"));
        wm_h(list, "</td></tr>\n");
    }
    wm_h(list, "</tbody></table>");
    if (json_array_size(rows) >= HOME_RETURNED_MAX) {
        wm_h(list, "<p class=\"hint\">%s</p>", _("只列出最早退回的 50 件，请先处理这些。"));
    }
    wm_h(list, "</section>\n");
}

/* At most max characters of UTF-8 text s, with "…" when cut (caller frees). */
static char *
utf8_cut(const char *s, size_t max)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (; *p && n < max; p++) {
        n += 0x80 != (*p & 0xc0); /* a character starts at every non-continuation byte */
    }
    while (*p && 0x80 == (*p & 0xc0)) {
        p++; /* the rest of the last character */
    }
    return *p ? wm_asprintf("%.*s…", (int)(p - (const unsigned char *)s), s) : wm_strdup(s);
}

/*
** The open guidance conversations of the unit, unread first (rows of wm_guidance_list:
** indicator_code, indicator_title, year, unit_id, unread, last_body, last_author, last_at),
** each linking to its leaf's conversation.  rows NULL: conversations are not available in
** this build, and the section says so (never made-up rows).
*/
static void
conversations(struct wm_buf *list, const json_t *rows)
{
    wm_h(list, "<section class=\"card\" id=\"home-guidance\"><h2>%s</h2>", _("指导对话"));
    if (NULL == rows) {
        wm_h(list, "<p class=\"hint\">%s</p></section>\n",
             _("指导对话暂时无法读取，请稍后刷新。"));
        return;
    }
    if (0 == json_array_size(rows)) {
        wm_h(list, "<p class=\"empty\">%s</p></section>\n", _("没有未结束的指导对话。"));
        return;
    }
    wm_h(list, "<table class=\"cards\"><thead><tr><th>%s</th><th class=\"num\">%s</th>"
               "<th>%s</th><th>%s</th></tr></thead><tbody>",
         _("测评内容"), _("未读"), _("最新消息"), _("时间"));
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        char *last = utf8_cut(js(x, "last_body"), 80);
        wm_h(list, "<tr data-code=\"%s\"%r><td data-label=\"%s\"><a "
                   "href=\"/units/%I/archives/%I/leaf/%U#guidance\">%I · <code>%s</code> %s</a></td>"
                   "<td class=\"num\" data-label=\"%s\">%I</td><td data-label=\"%s\">%s%s%s</td>"
                   "<td data-label=\"%s\">",
             js(x, "indicator_code"), ji(x, "unread") ? " class=\"unread\"" : "", _("测评内容"),
             ji(x, "unit_id"), ji(x, "year"), js(x, "indicator_code"), ji(x, "year"),
             js(x, "indicator_code"), js(x, "indicator_title"), _("未读"), ji(x, "unread"),
             _("最新消息"), js(x, "last_author"), *js(x, "last_author") ? _("：") : "", last,
             _("时间"));
        free(last);
        if (ji(x, "last_at")) {
            ui_time(list, ji(x, "last_at"));
        }
        wm_h(list, "</td></tr>\n");
    }
    wm_h(list, "</tbody></table></section>\n");
}

/* Completeness by top-level indicator: leaves with an approved document, periods met. */
struct top {
    const json_t *ind;
    int64_t leaves, approved, met, due;
};

static void
completeness(struct wm_buf *list, const json_t *ar, const json_t *inds, const json_t *sched,
             const json_t *reviews)
{
    json_t *by_code = json_object(), *periods = json_object();
    size_t i, ntop = 0;
    json_t *x;
    json_array_foreach(inds, i, x)
    {
        json_object_set(by_code, js(x, "code"), x);
        ntop += !*js(x, "parent_code");
    }
    json_array_foreach(json_object_get(sched, "leaves"), i, x)
    {
        json_object_set(periods, js(x, "code"), json_object_get(x, "periods"));
    }
    struct top *tops = wm_calloc(ntop ? ntop : 1, sizeof *tops), all = {0};
    size_t t = 0;
    json_array_foreach(inds, i, x)
    {
        if (!*js(x, "parent_code")) {
            tops[t++].ind = x;
        }
    }
    json_array_foreach(inds, i, x)
    {
        if (!ji(x, "leaf")) {
            continue;
        }
        const json_t *p = x; /* up to the top (bounded, whatever the data says) */
        for (int up = 0; up < 64 && *js(p, "parent_code"); up++) {
            const json_t *q = json_object_get(by_code, js(p, "parent_code"));
            if (NULL == q) {
                break;
            }
            p = q;
        }
        struct top *tp = NULL;
        for (size_t k = 0; k < t && NULL == tp; k++) {
            tp = tops[k].ind == p ? &tops[k] : NULL;
        }
        if (NULL == tp) {
            continue;
        }
        tp->leaves++;
        tp->approved +=
            json_integer_value(json_object_get(json_object_get(reviews, js(x, "code")),
                                               "approved")) > 0;
        size_t k;
        json_t *pp;
        json_array_foreach(json_object_get(periods, js(x, "code")), k, pp)
        {
            bool met = wm_streq(js(pp, "state"), "met");
            tp->met += met;
            tp->due += met || wm_streq(js(pp, "state"), "overdue");
        }
    }
    wm_h(list, "<section class=\"card\" id=\"home-complete\"><h2>%s</h2><p class=\"hint\">%s</p>"
               "<table class=\"cards complete\"><thead><tr><th>%s</th><th class=\"num\">%s</th>"
               "<th>%s</th><th>%s</th></tr></thead><tbody>",
         _("完成情况（按一级指标）"),
         _("有审核通过文件的末级指标所占比例；按期完成的期次占已到截止日（或已完成）期次的比例。"),
         _("一级指标"), _("末级指标"), _("有审核通过的文件"), _("按期上传"));
    for (size_t k = 0; k <= t; k++) {
        struct top *tp = k < t ? &tops[k] : &all;
        if (k < t) {
            all.leaves += tp->leaves;
            all.approved += tp->approved;
            all.met += tp->met;
            all.due += tp->due;
        }
        int64_t pa = tp->leaves ? (tp->approved * 100 + tp->leaves / 2) / tp->leaves : 0;
        int64_t pm = tp->due ? (tp->met * 100 + tp->due / 2) / tp->due : 0;
        if (k < t) {
            wm_h(list, "<tr data-code=\"%s\" data-leaves=\"%I\" data-approved=\"%I\" "
                       "data-met=\"%I\" data-due=\"%I\"><td data-label=\"%s\"><code>%s</code> "
                       "%s</td>",
                 js(tp->ind, "code"), tp->leaves, tp->approved, tp->met, tp->due, _("一级指标"),
                 js(tp->ind, "code"), js(tp->ind, "title"));
        } else {
            wm_h(list, "<tr class=\"total\" data-code=\"\" data-leaves=\"%I\" data-approved=\"%I\" "
                       "data-met=\"%I\" data-due=\"%I\"><td data-label=\"%s\"><a "
                       "href=\"/units/%I/archives/%I\">%s</a></td>",
                 tp->leaves, tp->approved, tp->met, tp->due, _("一级指标"), ji(ar, "unit_id"),
                 ji(ar, "year"), _("合计"));
        }
        wm_h(list, "<td class=\"num\" data-label=\"%s\">%I</td><td data-label=\"%s\">%I / %I "
                   "<progress class=\"meter\" max=\"100\" value=\"%I\">%I%%</progress> %I%%</td>",
             _("末级指标"), tp->leaves, _("有审核通过的文件"), tp->approved, tp->leaves, pa, pa,
             pa);
        if (tp->due) {
            wm_h(list, "<td data-label=\"%s\">%I / %I <progress class=\"meter\" max=\"100\" "
                       "value=\"%I\">%I%%</progress> %I%%</td></tr>\n",
                 _("按期上传"), tp->met, tp->due, pm, pm, pm);
        } else {
            wm_h(list, "<td data-label=\"%s\">%s</td></tr>\n", _("按期上传"), _("尚无到期的期次"));
        }
    }
    wm_h(list, "</tbody></table></section>\n");
    free(tops);
    json_decref(periods);
    json_decref(by_code);
}

/* Read a year of the unit (false: no archive, or a store failure in *f). */
static bool
year_load(struct wm_req *r, int64_t unit_id, int64_t year, const struct wm_sched_opts *so,
          int64_t today, struct year_data *y, struct wm_fail *f)
{
    struct wm_fail af = {0};
    y->ar = wm_archive_open(r->db, &r->actor, unit_id, year, &af);
    y->docs = y->ar ? wm_archive_docs(r->db, &r->actor, y->ar, NULL, false, &af) : NULL;
    y->inds = y->docs ? wm_edition_indicators(r->db, &r->actor, ji(y->ar, "edition_id"), false,
                                              &af)
                      : NULL;
    y->sched = y->inds ? wm_archive_schedule_of(r->db, y->ar, json_incref(y->docs), so, today,
                                                &af)
                       : NULL;
    if (NULL == y->sched && WM_E_NOT_FOUND != af.err) {
        *f = af; /* a store failure: the error page */
    }
    return NULL != y->sched;
}

static void
year_free(struct year_data *y)
{
    json_decref(y->sched);
    json_decref(y->inds);
    json_decref(y->docs);
    json_decref(y->ar);
}

/* The open tasks of the caller's own department (本科室任务, issue 12), each with its due day
** and a 完成 button; nothing for an account without a department or without tasks. */
static void
dept_tasks(struct wm_req *r, struct wm_buf *b)
{
    json_t *tasks = wm_work_my_dept_tasks(r->db, &r->actor);
    if (0 == json_array_size(tasks)) {
        json_decref(tasks);
        return;
    }
    wm_h(b, "<section class=\"card\" id=\"home-tasks\"><h2>%s</h2><ul class=\"tasks\">",
         _("本科室任务"));
    size_t i;
    json_t *t;
    json_array_foreach(tasks, i, t)
    {
        bool late = json_is_true(json_object_get(t, "overdue"));
        wm_h(b, "<li id=\"home-task-%I\"><strong>%s</strong> <span class=\"hint\">%s%s</span>",
             ji(t, "id"), js(t, "title"), _("期限："),
             *js(t, "due_on") ? js(t, "due_on") : _("未定"));
        if (late) {
            wm_h(b, " <span class=\"badge overdue\">%s</span>", _("逾期"));
        }
        wm_h(b, "<form method=\"post\" action=\"/work/tasks/%I/done\" class=\"row\">", ji(t, "id"));
        ui_csrf(r, b);
        wm_h(b, "<input type=\"hidden\" name=\"back\" value=\"home\"><label>%s<input name=\"note\" "
                "maxlength=\"500\"></label><button type=\"submit\">%s</button></form></li>",
             _("完成说明"), _("完成"));
    }
    wm_h(b, "</ul><p><a href=\"/units/%I/work/tasks?dept=%I\">%s</a></p></section>\n",
         r->actor.p->org_id, r->actor.p->dept_id, _("本科室的全部任务"));
    json_decref(tasks);
}

void
ui_home_unit(struct wm_req *r, struct wm_buf *b, struct wm_fail *f)
{
    json_t *u = wm_unit_get_scoped(r->db, &r->actor, r->who->org_id, f);
    if (NULL == u) {
        if (WM_E_NOT_FOUND == f->err) {
            f->err = WM_OK; /* an account of an office without a unit */
        }
        return;
    }
    struct wm_buf due = {0}, rest = {0};
    size_t n_over = 0, n_soon = 0, nyears = 0;
    int64_t year = wm_archive_current_year(), today = wm_day_today();
    struct wm_sched_opts so;
    json_t *where = json_pack("{s:s}", "unit_path", js(u, "path")); /* the unit's settings */
    enum wm_err oe = wm_sched_opts_for(r->db, where, &so, f);
    json_decref(where);
    if (WM_OK != oe) {
        json_decref(u);
        return;
    }
    /* Last year's deadlines reach into this one (December's is in January): its periods
    ** due this year are listed for a month after its last deadline. */
    struct year_data years[2] = {{0}, {0}};
    char from[WM_DAY_LEN];
    wm_day_format(wm_day_from_ymd(year, 1, 1), from);
    if (today <= wm_day_from_ymd(year - 1, 12, 31) + so.offset + 30 &&
        year_load(r, ji(u, "id"), year - 1, &so, today, &years[nyears], f)) {
        years[nyears++].from = from;
    } else {
        year_free(&years[nyears]);
        memset(&years[nyears], 0, sizeof years[nyears]);
    }
    /* This year's archive: the schedule and the completeness. */
    bool have = WM_OK == f->err && year_load(r, ji(u, "id"), year, &so, today, &years[nyears], f);
    struct year_data *cur = &years[nyears];
    nyears += have;
    if (WM_OK != f->err) {
        /* the error page */
    } else if (nyears) {
        char *mine = ui_actor_dept(r);
        due_list(years, nyears, year, mine, wm_streq(wm_req_arg(r, "all"), "1"), &n_over,
                 &n_soon, &due);
        free(mine);
    }
    if (WM_OK == f->err && have) {
        json_t *reviews = ui_review_counts_by_leaf(cur->docs);
        completeness(&rest, cur->ar, cur->inds, cur->sched, reviews);
        json_decref(reviews);
    } else if (WM_OK == f->err) {
        if (0 == nyears) {
            wm_h(&due, "<section class=\"card\" id=\"home-due\"><h2>%s</h2>",
                 _("待上传：已逾期和即将到期"));
        }
        wm_h(&rest, "<p class=\"empty\" id=\"home-no-archive\">");
        wm_h(&rest, _("%I 年度档案尚未建立，建立后这里列出到期的上传任务和完成情况。"), year);
        wm_h(&rest, "</p>%r", 0 == nyears ? "</section>\n" : "");
        if (0 == nyears) {
            wm_buf_adds(&due, wm_buf_str(&rest));
            wm_buf_free(&rest);
            memset(&rest, 0, sizeof rest);
        }
    }
    /* What the office returned (every year of the unit), oldest first. */
    struct wm_review_query q = {.state = "returned", .unit_id = ji(u, "id"),
                                .limit = HOME_RETURNED_MAX};
    struct wm_fail rf = {0};
    json_t *ret = WM_OK == f->err ? wm_review_queue(r->db, &r->actor, &q, &rf) : NULL;
    if (NULL == ret && WM_OK == f->err) {
        *f = rf;
    }
    if (WM_OK == f->err) {
        wm_h(b, "<section class=\"stats\" id=\"home-stats\">");
        ui_stat_int(b, _("已逾期"), (int64_t)n_over, "#home-due", "overdue");
        ui_stat_int(b, _("即将到期"), (int64_t)n_soon, "#home-due", "due_soon");
        ui_stat_int(b, _("被退回"), (int64_t)json_array_size(ret), "#home-returned", "returned");
        wm_h(b, "</section>\n");
        ui_visits_upcoming(r, b); /* ui_groups.c: the next evaluation visits */
        dept_tasks(r, b);         /* the department's own creation-work tasks (issue 12) */
        wm_h(b, "%r", wm_buf_str(&due));
        returned_list(b, ret);
        ui_home_results(r, b); /* the unit's results of rounds in publicity (issue 10) */
        /* the unit's open conversations with the office (NULL: the store failed) */
        struct wm_guidance_query gq = {.state = "open", .unit_id = ji(u, "id"),
                                       .limit = HOME_RETURNED_MAX};
        struct wm_fail gf = {0};
        json_t *conv = wm_guidance_list(r->db, &r->actor, &gq, &gf);
        conversations(b, conv);
        json_decref(conv);
        wm_h(b, "%r", wm_buf_str(&rest));
        wm_h(b,
             "<section class=\"card\"><h2><a href=\"/units/%I\">%s</a></h2>"
             "<dl class=\"kv\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
             "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%u</dd></dl></section>\n",
             ji(u, "id"), js(u, "name"), _("单位代码"), js(u, "code"), _("单位类型"),
             js(u, "type"), _("所属文明办"), js(u, "parent_name"), _("科室数"),
             (unsigned)json_array_size(json_object_get(u, "depts")));
        ui_unit_archives(r, b, u);
    }
    json_decref(ret);
    for (size_t k = 0; k < 2; k++) {
        year_free(&years[k]);
    }
    json_decref(u);
    wm_buf_free(&due);
    wm_buf_free(&rest);
}

/* end of ui_home_unit.c */
