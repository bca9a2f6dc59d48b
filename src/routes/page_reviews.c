/*
** page_reviews.c — the office's review in the browser (issue 9): the queue of submitted
** documents (filters as a GET form, oldest first, pages of 50, a verdict on one or on every
** selected row with one comment), the review view of one document (preview, metadata,
** history, approve / return forms, previous / next in the queue's order with the filters
** kept; after a verdict it goes on to the next), and an office's review settings.
**
** Everything works without JavaScript: the neighbours come from the queue's order on the
** server; /static/review.js only adds keys (j/k next/previous, a approve, r the comment).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

#define QUEUE_PAGE 50 /* rows per page of the queue */

/* The queue's filters as the pages carry them (query or hidden form fields). */
struct rq {
    int64_t district, unit, submitter, age;
    const char *unit_type, *indicator, *media;
    int64_t offset;
};

static const char *
rq_get(struct wm_req *r, bool form, const char *name)
{
    const char *v = form ? wm_form(r, name) : wm_req_arg(r, name);
    return v && *v ? v : NULL;
}

/* Read the filters; false with f set when one is not a number. */
static bool
rq_parse(struct wm_req *r, bool form, struct rq *q, struct wm_fail *f)
{
    static const struct {
        const char *name;
        size_t off;
        int64_t max;
    } nums[] = {
        {"district", offsetof(struct rq, district), INT64_MAX},
        {"unit", offsetof(struct rq, unit), INT64_MAX},
        {"submitter", offsetof(struct rq, submitter), INT64_MAX},
        {"age", offsetof(struct rq, age), 36500},
        {"offset", offsetof(struct rq, offset), 1000000},
    };
    memset(q, 0, sizeof *q);
    for (size_t i = 0; i < WM_ARRAY_LEN(nums); i++) {
        const char *v = rq_get(r, form, nums[i].name);
        int64_t *dst = (int64_t *)((char *)q + nums[i].off);
        if (v && !wm_parse_i64(v, 0, nums[i].max, dst)) {
            wm_fail_set(f, WM_E_BAD_REQUEST, nums[i].name, "%s", _("筛选条件须为非负整数"));
            return false;
        }
    }
    q->unit_type = rq_get(r, form, "unit_type");
    q->indicator = rq_get(r, form, "indicator");
    q->media = rq_get(r, form, "media");
    return true;
}

/* The filters as a query string ("" or "?a=1&b=2"), offset included when with_offset. */
static char *
rq_query(const struct rq *q, bool with_offset)
{
    struct wm_buf b = {0};
    const struct {
        const char *name;
        int64_t v;
    } nums[] = {{"district", q->district}, {"unit", q->unit}, {"submitter", q->submitter},
                {"age", q->age}, {"offset", with_offset ? q->offset : 0}};
    const struct {
        const char *name, *v;
    } strs[] = {{"unit_type", q->unit_type}, {"indicator", q->indicator}, {"media", q->media}};
    for (size_t i = 0; i < WM_ARRAY_LEN(nums); i++) {
        if (nums[i].v) {
            wm_buf_printf(&b, "%s%s=%lld", b.len ? "&" : "?", nums[i].name, (long long)nums[i].v);
        }
    }
    for (size_t i = 0; i < WM_ARRAY_LEN(strs); i++) {
        if (strs[i].v) {
            wm_buf_printf(&b, "%s%s=", b.len ? "&" : "?", strs[i].name);
            wm_url_encode(&b, strs[i].v);
        }
    }
    char *s = wm_strdup(wm_buf_str(&b));
    wm_buf_free(&b);
    return s;
}

/* The filters as hidden fields of a form (the offset too: back to the same page). */
static void
rq_hidden(struct wm_buf *b, const struct rq *q)
{
    const struct {
        const char *name;
        int64_t v;
    } nums[] = {{"district", q->district}, {"unit", q->unit}, {"submitter", q->submitter},
                {"age", q->age}, {"offset", q->offset}};
    for (size_t i = 0; i < WM_ARRAY_LEN(nums); i++) {
        if (nums[i].v) {
            wm_h(b, "<input type=\"hidden\" name=\"%s\" value=\"%I\">", nums[i].name, nums[i].v);
        }
    }
    const struct {
        const char *name, *v;
    } strs[] = {{"unit_type", q->unit_type}, {"indicator", q->indicator}, {"media", q->media}};
    for (size_t i = 0; i < WM_ARRAY_LEN(strs); i++) {
        if (strs[i].v) {
            wm_h(b, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", strs[i].name, strs[i].v);
        }
    }
}

/* One page of the queue (submitted documents, their submission oldest first). */
static json_t *
rq_fetch(struct wm_req *r, const struct rq *q, unsigned limit, int64_t offset, struct wm_fail *f)
{
    struct wm_review_query wq = {
        .state = "submitted",
        .unit_id = q->unit,
        .district_id = q->district,
        .indicator = q->indicator,
        .media = q->media,
        .unit_type = q->unit_type,
        .submitter = q->submitter,
        .age_days = q->age,
        .limit = limit,
        .offset = (unsigned)offset,
    };
    return wm_review_queue(r->db, &r->actor, &wq, f);
}

/* The neighbours of document id in the queue's order (src/core: by the key of its
** submission, two short reads); *queued whether it waits for review.  false with f set. */
static bool
rq_neighbours(struct wm_req *r, const struct rq *q, int64_t id, int64_t *prev, int64_t *next,
              bool *queued, struct wm_fail *f)
{
    struct wm_review_query wq = {
        .state = "submitted",
        .unit_id = q->unit,
        .district_id = q->district,
        .indicator = q->indicator,
        .media = q->media,
        .unit_type = q->unit_type,
        .submitter = q->submitter,
        .age_days = q->age,
    };
    return WM_OK == wm_review_neighbours(r->db, &r->actor, &wq, id, prev, next, queued, f);
}

/* A document as the pages name it: "01：题名" (full-width colon, as the leaf page). */
static char *
doc_label(const json_t *d)
{
    return wm_asprintf("%02lld：%s", (long long)ji(d, "serial"), js(d, "title"));
}

/* How long a document has waited, in words ("3 天", "不到 1 天"). */
static void
waited(struct wm_buf *b, int64_t at)
{
    int64_t days = (wm_now() - at) / 86400;
    if (days < 1) {
        wm_h(b, "%s", _("不到 1 天"));
    } else {
        wm_h(b, _("%I 天"), days);
    }
}

/* ---------------------------------------------------------------- the queue */

/* What the queue form posted (kept when it is shown again after an error). */
struct bulk {
    const char *comment;
    json_t *ids; /* object "id" -> true of the ticked rows */
    const char *error;
};

static void
queue_filters(struct wm_req *r, struct wm_buf *b, const struct rq *q)
{
    struct wm_page pg = {.limit = 500, .kind = "office"};
    json_t *offices = wm_org_list(r->db, &r->actor, &pg, NULL);
    static const int ages[] = {1, 3, 7, 14, 30};
    wm_h(b, "<form method=\"get\" action=\"/reviews\" class=\"grid filters\" id=\"filters\">"
            "<label>%s<select name=\"district\"><option value=\"\">%s</option>",
         _("辖区"), _("全部"));
    size_t i;
    json_t *o;
    json_array_foreach(offices, i, o)
    {
        wm_h(b, "<option value=\"%I\"%r>%s</option>", ji(o, "id"),
             ji(o, "id") == q->district ? " selected" : "", js(o, "name"));
    }
    json_decref(offices);
    wm_h(b, "</select></label><label>%s<select name=\"unit_type\"><option value=\"\">%s</option>",
         _("单位类型"), _("全部"));
    for (i = 0; wm_unit_types[i]; i++) {
        wm_h(b, "<option%r>%s</option>",
             wm_streq(q->unit_type, wm_unit_types[i]) ? " selected" : "", wm_unit_types[i]);
    }
    wm_h(b, "</select></label><label>%s<input name=\"indicator\" value=\"%s\" maxlength=\"60\" "
            "placeholder=\"%s\"></label>",
         _("测评内容编号"), q->indicator ? q->indicator : "", _("如 1.1.3，或 1.1. 表示其下全部"));
    static const char *const media[] = {"text", "photo", "audiovisual"};
    wm_h(b, "<label>%s<select name=\"media\"><option value=\"\">%s</option>", _("载体"), _("全部"));
    for (i = 0; i < WM_ARRAY_LEN(media); i++) {
        wm_h(b, "<option value=\"%s\"%r>%s</option>", media[i],
             wm_streq(q->media, media[i]) ? " selected" : "", wm_media_label(media[i]));
    }
    wm_h(b, "</select></label><label>%s<select name=\"age\"><option value=\"\">%s</option>",
         _("等待时间"), _("不限"));
    for (i = 0; i < WM_ARRAY_LEN(ages); i++) {
        wm_h(b, "<option value=\"%d\"%r>", ages[i], q->age == ages[i] ? " selected" : "");
        wm_h(b, _("%d 天以上"), ages[i]);
        wm_h(b, "</option>");
    }
    wm_h(b, "</select></label>");
    if (q->unit) {
        wm_h(b, "<input type=\"hidden\" name=\"unit\" value=\"%I\">", q->unit);
    }
    if (q->submitter) {
        wm_h(b, "<input type=\"hidden\" name=\"submitter\" value=\"%I\">", q->submitter);
    }
    wm_h(b, "<button type=\"submit\" class=\"secondary\">%s</button> <a href=\"/reviews\">%s</a>"
            "</form>\n",
         _("筛选"), _("清除筛选"));
}

static void
queue_page(struct wm_req *r, const struct rq *q, const struct bulk *bk, unsigned status)
{
    struct wm_fail f = {0};
    json_t *rows = rq_fetch(r, q, QUEUE_PAGE + 1, q->offset, &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    bool more = json_array_size(rows) > QUEUE_PAGE;
    char *keep = rq_query(q, false);
    struct wm_buf b = {0};
    ui_begin(r, &b, _("审核队列"));
    if (bk && bk->error) {
        wm_h(&b, "<p class=\"flash err\" role=\"alert\" id=\"form-error\">%s</p>\n", bk->error);
    }
    wm_h(&b, "<p class=\"row\"><span class=\"hint\">%s</span>",
         _("待审核的文件，按提交时间从早到晚排列。选中多件可一并通过或退回。"
           "快捷键：j 下一行，k 上一行，回车打开，x 选中。"));
    if (wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_OFFICE))) {
        wm_h(&b, " <a class=\"button secondary\" href=\"/orgs/%I/review-settings\">%s</a>",
             r->actor.p->org_id, _("审核设置"));
    }
    wm_h(&b, "</p>\n");
    queue_filters(r, &b, q);
    if (q->unit || q->submitter) {
        wm_h(&b, "<p class=\"hint\">%s", _("另按"));
        if (q->unit) {
            wm_h(&b, " %s", _("单位"));
        }
        if (q->submitter) {
            wm_h(&b, " %s", _("提交人"));
        }
        wm_h(&b, "%s</p>", _(" 筛选（点击“清除筛选”取消）"));
    }
    wm_h(&b, "<form method=\"post\" action=\"/reviews\" id=\"bulk\">");
    ui_csrf(r, &b);
    rq_hidden(&b, q);
    /* the header's "all" box is shown by review.js (it does nothing without it) */
    wm_h(&b, "<table class=\"cards queue\" id=\"queue\"><thead><tr><th>%s <input "
             "type=\"checkbox\" id=\"select-all\" aria-label=\"%s\" hidden></th><th>%s</th>"
             "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
             "<tbody>",
         _("选择"), _("全选"), _("单位"), _("文件"), _("测评内容"), _("载体"), _("提交人"),
         _("等待"), _("操作"));
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        if (i >= QUEUE_PAGE) {
            break;
        }
        char idk[24];
        snprintf(idk, sizeof idk, "%lld", (long long)ji(x, "id"));
        struct rq by_unit = *q, by_who = *q;
        by_unit.unit = ji(x, "unit_id");
        by_who.submitter = ji(x, "actor_id");
        char *unit_q = rq_query(&by_unit, false), *who_q = rq_query(&by_who, false);
        char *label = doc_label(x);
        bool ticked = bk && bk->ids && json_object_get(bk->ids, idk);
        wm_h(&b, "<tr data-id=\"%I\"><td data-label=\"%s\"><input type=\"checkbox\" "
                 "name=\"doc.%I\" value=\"1\" aria-label=\"%s\"%r></td>"
                 "<td data-label=\"%s\"><a href=\"/reviews%s\">%s</a></td>"
                 "<td data-label=\"%s\"><a href=\"/reviews/%I%s\" data-open>%s</a> <span class=\"hint\">v%I"
                 "</span></td><td data-label=\"%s\"><code>%s</code></td><td data-label=\"%s\">%s</td>"
                 "<td data-label=\"%s\"><a href=\"/reviews%s\">%s</a></td>"
                 "<td data-label=\"%s\">",
             ji(x, "id"), _("选择"), ji(x, "id"), _("选择"), ticked ? " checked" : "", _("单位"),
             unit_q, js(x, "unit_name"), _("文件"), ji(x, "id"), keep, label,
             ji(x, "version"), _("测评内容"), js(x, "indicator_code"), _("载体"),
             wm_media_label(js(x, "media")), _("提交人"), who_q, js(x, "actor_name"), _("等待"));
        free(unit_q);
        free(who_q);
        free(label);
        waited(&b, ji(x, "at"));
        wm_h(&b, "</td><td data-label=\"%s\"><button type=\"submit\" name=\"one\" value=\"%I\" "
                 "class=\"small\">%s</button></td></tr>\n",
             _("操作"), ji(x, "id"), _("通过"));
    }
    if (0 == json_array_size(rows)) {
        wm_h(&b, "<tr><td colspan=\"8\" class=\"empty\">%s</td></tr>",
             q->offset ? _("这一页没有文件了。") : _("没有待审核的文件。"));
    }
    wm_h(&b, "</tbody></table>");
    if (json_array_size(rows)) {
        wm_h(&b, "<fieldset class=\"grid bulk\"><legend>%s</legend><label class=\"wide\">%s"
                 "<textarea name=\"comment\" rows=\"3\" maxlength=\"2000\">%s</textarea></label>"
                 "<p class=\"row\"><button type=\"submit\" name=\"action\" value=\"approve\">%s"
                 "</button> <button type=\"submit\" name=\"action\" value=\"return\" "
                 "class=\"secondary\">%s</button></p></fieldset>",
             _("对选中的文件"), _("意见（退回时必填，会发给单位）"),
             bk && bk->comment ? bk->comment : "", _("全部通过"), _("全部退回"));
    }
    wm_h(&b, "</form>\n<p class=\"pager\">");
    if (q->offset > 0) {
        struct rq p = *q;
        p.offset = q->offset > QUEUE_PAGE ? q->offset - QUEUE_PAGE : 0;
        char *s = rq_query(&p, true);
        wm_h(&b, "<a href=\"/reviews%s\" rel=\"prev\">← %s</a> ", s, _("上一页"));
        free(s);
    }
    if (more) {
        struct rq p = *q;
        p.offset = q->offset + QUEUE_PAGE;
        char *s = rq_query(&p, true);
        wm_h(&b, "<a href=\"/reviews%s\" rel=\"next\">%s →</a>", s, _("下一页"));
        free(s);
    }
    wm_h(&b, "</p>\n<script src=\"/static/review.js\" defer></script>\n");
    free(keep);
    json_decref(rows);
    ui_end(r, &b, status);
}

void
page_reviews_get(struct wm_req *r)
{
    struct rq q;
    struct wm_fail f = {0};
    if (!rq_parse(r, false, &q, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    queue_page(r, &q, NULL, 200);
}

/* The ids of the ticked rows ("doc.ID" fields), or the one row's button ("one"). */
static int64_t *
bulk_ids(struct wm_req *r, size_t *n, json_t *ticked)
{
    size_t cap = json_object_size(r->form) + 1;
    int64_t *ids = wm_calloc(cap, sizeof *ids);
    const char *one = wm_form(r, "one");
    int64_t id;
    *n = 0;
    if (one && wm_parse_i64(one, 1, INT64_MAX, &id)) {
        ids[(*n)++] = id;
        return ids;
    }
    const char *k;
    json_t *v;
    json_object_foreach(r->form, k, v)
    {
        if (wm_startswith(k, "doc.") && wm_parse_i64(k + 4, 1, INT64_MAX, &id) && *n < cap) {
            ids[(*n)++] = id;
            json_object_set_new(ticked, k + 4, json_true());
        }
    }
    return ids;
}

void
page_reviews_post(struct wm_req *r)
{
    struct rq q;
    struct wm_fail f = {0};
    if (!rq_parse(r, true, &q, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    const char *action = wm_form(r, "action");
    bool one = NULL != wm_form(r, "one");
    bool approve = one || wm_streq(action, "approve");
    json_t *ticked = json_object();
    size_t n = 0;
    int64_t *ids = bulk_ids(r, &n, ticked);
    enum wm_err e;
    if (!one && !approve && !wm_streq(action, "return")) {
        e = wm_fail_set(&f, WM_E_BAD_REQUEST, "action", "%s", _("请选择通过或退回"));
    } else {
        e = wm_review_verdict(r->db, &r->actor, ids, n, approve, wm_form(r, "comment"), &f);
    }
    if (WM_OK == e) {
        char *keep = rq_query(&q, true);
        char *to = wm_asprintf("/reviews%s", keep);
        char *msg = wm_asprintf(approve ? _("已通过 %zu 件") : _("已退回 %zu 件"), n);
        ui_redirect_msg(r, to, "ok", msg);
        free(msg);
        free(to);
        free(keep);
    } else if (WM_E_BAD_REQUEST == e || WM_E_CONFLICT == e) {
        /* shown again as it was: the rows still ticked, the comment still there */
        struct bulk bk = {.comment = wm_form(r, "comment"), .ids = ticked, .error = f.msg};
        queue_page(r, &q, &bk, wm_err_status(e));
    } else {
        wm_reply_fail(r, &f);
    }
    json_decref(ticked);
    free(ids);
}

/* ---------------------------------------------------------------- one document */

static void
review_view(struct wm_req *r, const struct rq *q, const char *error, const char *comment,
            unsigned status)
{
    struct wm_fail f = {0};
    json_t *d = wm_doc_get_scoped(r->db, &r->actor, r->ids[0], &f);
    int64_t prev = 0, next = 0;
    bool queued = false;
    if (NULL == d || !rq_neighbours(r, q, r->ids[0], &prev, &next, &queued, &f)) {
        json_decref(d);
        if (WM_E_NOT_FOUND == f.err) {
            wm_fail_set(&f, WM_E_NOT_FOUND, NULL, "%s", _("文件不存在，或不在您的管辖范围内"));
        }
        wm_reply_fail(r, &f);
        return;
    }
    char *keep = rq_query(q, false);
    char *name = doc_label(d);
    char *code = wm_doc_archival_code(d, js(d, "unit_code"), ji(d, "year"));
    struct wm_buf b = {0}, c = {0};
    ui_crumb(&c, "<a href=\"/reviews%s\">%s</a>", keep, _("审核队列"));
    ui_begin_at(r, &b, name, &c);
    wm_buf_free(&c);
    if (error) {
        wm_h(&b, "<p class=\"flash err\" role=\"alert\" id=\"form-error\">%s</p>\n", error);
    }
    /* where in the queue, and the way on */
    wm_h(&b, "<nav class=\"row review-nav\" aria-label=\"%s\">", _("审核队列中的位置"));
    if (prev) {
        wm_h(&b, "<a class=\"button secondary\" id=\"prev\" rel=\"prev\" href=\"/reviews/%I%s\">"
                 "← %s</a> ",
             prev, keep, _("上一件"));
    }
    wm_h(&b, "<a class=\"button secondary\" id=\"back\" href=\"/reviews%s\">%s</a> ", keep,
         _("返回队列"));
    if (next) {
        wm_h(&b, "<a class=\"button secondary\" id=\"next\" rel=\"next\" href=\"/reviews/%I%s\">"
                 "%s →</a> ",
             next, keep, _("下一件"));
    }
    if (!queued) {
        wm_h(&b, "<span class=\"hint\">%s</span>", _("此文件不在待审核队列中"));
    }
    wm_h(&b, " <span class=\"hint keys\">%s</span></nav>\n",
         _("快捷键：j 下一件，k 上一件，a 通过，r 填写退回意见"));
    /* the document */
    /* the preview as the document page shows it: a PDF's first pages drawn by wenming.js
    ** (its thumbnail without JavaScript), images, audio and video in the browser's own */
    const char *mime = js(d, "mime");
    int64_t id = ji(d, "id");
    wm_h(&b, "<div class=\"review-doc\">");
    if (wm_streq(mime, "application/pdf")) {
        wm_h(&b, "<figure class=\"preview pdf\" id=\"pdf-preview\" "
                 "data-pdf=\"/api/v1/documents/%I/content?inline=1\" data-pages=\"3\">"
                 "<img class=\"page\" src=\"/api/v1/documents/%I/thumbnail\" alt=\"%s\">",
             id, id, _("第 1 页"));
    } else if (wm_startswith(mime, "image/") && !wm_streq(mime, "image/heic") &&
               !wm_streq(mime, "image/tiff")) {
        wm_h(&b, "<figure class=\"preview\"><img src=\"/api/v1/documents/%I/content?inline=1\" "
                 "alt=\"%s\">",
             id, name);
    } else if (wm_startswith(mime, "audio/") || wm_startswith(mime, "video/")) {
        wm_h(&b, "<figure class=\"preview\"><%s controls src=\"/api/v1/documents/%I/content?inline=1\">"
                 "</%s>",
             wm_startswith(mime, "audio/") ? "audio" : "video", id,
             wm_startswith(mime, "audio/") ? "audio" : "video");
    } else {
        wm_h(&b, "<figure class=\"preview\"><img class=\"page\" "
                 "src=\"/api/v1/documents/%I/thumbnail\" alt=\"%s\">",
             id, _("第 1 页"));
    }
    wm_h(&b, "<figcaption><a href=\"/api/v1/documents/%I/content?inline=1\">%s</a> · "
             "<a href=\"/documents/%I\">%s</a></figcaption></figure>",
         id, _("打开文件"), id, _("文件页"));
    wm_h(&b, "<section class=\"card\"><dl class=\"kv\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>"
             "<a href=\"/units/%I/archives/%I/leaf/%U\"><code>%s</code></a></dd>"
             "<dt>%s</dt><dd><code>%s</code></dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
             "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>v%I · %s</dd>"
             "<dt>%s</dt><dd>",
         _("单位"), js(d, "unit_name"), _("测评内容"), ji(d, "unit_id"), ji(d, "year"),
         js(d, "indicator_code"), js(d, "indicator_code"), _("档号"), code, _("形成日期"),
         js(d, "date_formed"), _("载体"), wm_media_label(js(d, "media")), _("责任部门"), js(d, "dept"),
         _("责任者"), js(d, "author"), _("版本"), ji(d, "version"), js(d, "filename"), _("状态"));
    ui_review_badge(&b, js(d, "status"));
    wm_h(&b, "</dd></dl></section></div>\n");
    /* the verdict */
    if (wm_streq(js(d, "status"), "submitted")) {
        wm_h(&b, "<section class=\"card verdict\"><h2>%s</h2><form method=\"post\" "
                 "action=\"/reviews/%I\" class=\"row\" id=\"approve-form\">",
             _("审核"), ji(d, "id"));
        ui_csrf(r, &b);
        rq_hidden(&b, q);
        wm_h(&b, "<input type=\"hidden\" name=\"action\" value=\"approve\">"
                 "<button type=\"submit\" id=\"approve\">%s</button></form>"
                 "<form method=\"post\" action=\"/reviews/%I\" class=\"grid\" id=\"return-form\">",
             _("通过"), ji(d, "id"));
        ui_csrf(r, &b);
        rq_hidden(&b, q);
        wm_h(&b, "<input type=\"hidden\" name=\"action\" value=\"return\"><label class=\"wide\">%s"
                 "<textarea name=\"comment\" id=\"return-comment\" rows=\"4\" maxlength=\"2000\" "
                 "required>%s</textarea></label><button type=\"submit\" class=\"secondary\">%s"
                 "</button></form></section>\n",
             _("退回意见（必填，告诉单位需要怎样修改）"), comment ? comment : "", _("退回修改"));
    }
    ui_review_history(r, &b, ji(d, "id"));
    wm_h(&b, "<script src=\"/static/review.js\" defer></script>\n");
    free(code);
    free(name);
    free(keep);
    json_decref(d);
    ui_end(r, &b, status);
}

void
page_review_get(struct wm_req *r)
{
    struct rq q;
    struct wm_fail f = {0};
    if (!rq_parse(r, false, &q, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    q.offset = 0;
    review_view(r, &q, NULL, NULL, 200);
}

void
page_review_post(struct wm_req *r)
{
    struct rq q;
    struct wm_fail f = {0};
    if (!rq_parse(r, true, &q, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    q.offset = 0;
    const char *action = wm_form(r, "action");
    int64_t prev, next;
    bool queued;
    /* the next one in the queue's order, found before this one leaves the queue */
    if (!rq_neighbours(r, &q, r->ids[0], &prev, &next, &queued, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    enum wm_err e;
    bool approve = wm_streq(action, "approve");
    if (!approve && !wm_streq(action, "return")) {
        e = wm_fail_set(&f, WM_E_BAD_REQUEST, "action", "%s", _("请选择通过或退回"));
    } else {
        e = wm_review_verdict(r->db, &r->actor, &r->ids[0], 1, approve, wm_form(r, "comment"), &f);
    }
    if (WM_OK == e) {
        char *keep = rq_query(&q, false);
        char *to = next ? wm_asprintf("/reviews/%lld%s", (long long)next, keep)
                        : wm_asprintf("/reviews%s", keep);
        const char *msg = approve ? (next ? _("已通过，这是下一件") : _("已通过，队列中没有更多文件"))
                                  : (next ? _("已退回，这是下一件") : _("已退回，队列中没有更多文件"));
        ui_redirect_msg(r, to, "ok", msg);
        free(to);
        free(keep);
    } else if (WM_E_BAD_REQUEST == e || WM_E_CONFLICT == e) {
        review_view(r, &q, f.msg, wm_form(r, "comment"), wm_err_status(e));
    } else {
        wm_reply_fail(r, &f);
    }
}

/* ---------------------------------------------------------------- settings */

static void
settings_page(struct wm_req *r, const char *error, unsigned status)
{
    struct wm_fail f = {0};
    json_t *s = wm_office_settings_get(r->db, &r->actor, r->ids[0], &f);
    if (NULL == s) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *eff = json_object_get(s, "effective");
    bool own = json_is_object(json_object_get(s, "own"));
    bool may = json_is_true(json_object_get(s, "may_write"));
    struct wm_buf b = {0}, c = {0};
    ui_crumb(&c, "<a href=\"/reviews\">%s</a>", _("审核队列"));
    char *title = wm_asprintf("%s · %s", js(s, "org_name"), _("审核设置"));
    ui_begin_at(r, &b, title, &c);
    free(title);
    wm_buf_free(&c);
    if (error) {
        wm_h(&b, "<p class=\"flash err\" role=\"alert\">%s</p>\n", error);
    }
    wm_h(&b, "<section class=\"card\"><p class=\"hint\">%s</p>",
         own ? _("以下是本文明办自己的设置，辖区内单位均按此执行（下级文明办另有设置的除外）。")
             : _("本文明办尚未设置，目前沿用上级文明办的设置或系统默认值。"));
    wm_h(&b, "<form method=\"post\" action=\"/orgs/%I/review-settings\" class=\"grid\" "
             "id=\"settings\">",
         ji(s, "org_id"));
    ui_csrf(r, &b);
    wm_h(&b, "<label>%s<input type=\"number\" name=\"offset_days\" min=\"0\" max=\"%d\" "
             "value=\"%I\" required%r><span class=\"hint\">%s</span></label>"
             "<label class=\"check\"><input type=\"checkbox\" name=\"count_submitted\" value=\"1\"%r%r>"
             "%s</label>"
             "<label>%s<input type=\"number\" name=\"returns_limit\" min=\"0\" max=\"%d\" "
             "value=\"%I\" required%r><span class=\"hint\">%s</span></label>",
         _("截止日期（周期结束后的天数）"), WM_SCHED_OFFSET_MAX, ji(eff, "offset_days"),
         may ? "" : " disabled", _("默认 10 天"),
         json_is_true(json_object_get(eff, "count_submitted")) ? " checked" : "",
         may ? "" : " disabled", _("已提交、尚未审核的文件也算按时报送"), _("退回次数上限"),
         WM_RETURNS_LIMIT_MAX, ji(eff, "returns_limit"), may ? "" : " disabled",
         _("0 表示不限；1 表示允许重新提交一次，第二次退回即判定该项本年度未达标"));
    if (may) {
        wm_h(&b, "<button type=\"submit\">%s</button>", _("保存"));
    } else {
        wm_h(&b, "<p class=\"hint\">%s</p>", _("只有本文明办的账号或平台管理员可以修改。"));
    }
    wm_h(&b, "</form></section>\n");
    json_decref(s);
    ui_end(r, &b, status);
}

void
page_review_settings_get(struct wm_req *r)
{
    settings_page(r, NULL, 200);
}

void
page_review_settings_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    struct wm_review_settings in = {0};
    int64_t offset = -1, limit = -1;
    const char *o = wm_form(r, "offset_days"), *l = wm_form(r, "returns_limit");
    enum wm_err e;
    if (NULL == o || !wm_parse_i64(o, 0, WM_SCHED_OFFSET_MAX, &offset)) {
        e = wm_fail_set(&f, WM_E_BAD_REQUEST, "offset_days", _("截止日偏移须为 0 到 %d 天"),
                        WM_SCHED_OFFSET_MAX);
    } else if (NULL == l || !wm_parse_i64(l, 0, WM_RETURNS_LIMIT_MAX, &limit)) {
        e = wm_fail_set(&f, WM_E_BAD_REQUEST, "returns_limit", _("退回次数上限须为 0 到 %d"),
                        WM_RETURNS_LIMIT_MAX);
    } else {
        in.offset_days = (int)offset;
        in.returns_limit = (int)limit;
        in.count_submitted = NULL != wm_form(r, "count_submitted");
        e = wm_office_settings_set(r->db, &r->actor, r->ids[0], &in, &f);
    }
    if (WM_OK == e) {
        char *to = wm_asprintf("/orgs/%lld/review-settings", (long long)r->ids[0]);
        ui_redirect_msg(r, to, "ok", _("审核设置已保存"));
        free(to);
    } else if (WM_E_BAD_REQUEST == e) {
        settings_page(r, f.msg, 400);
    } else {
        wm_reply_fail(r, &f);
    }
}

/* end of page_reviews.c */
