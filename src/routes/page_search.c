/*
** page_search.c — the search page /search (issue 11): the query box, the hits (the title
** linking to the thing, its unit and year, indicator, media and state badges, the snippet
** with the hits in <mark>), the filters as facets with counts (each a link that adds the
** filter; an active filter is shown with a link that removes it), the total ("约 2000+
** 条" beyond the count cap) and pages.  Plain links and a GET form: no JavaScript needed.
**
** Escaping: a snippet is a list of segments {text, hit}; each text goes through wm_h's
** %s and only the <mark> around it is ours, so no stored text ever becomes markup.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "wm_core.h"
#include "wm_search.h"

/* The arguments a search link carries, in the order they are written. */
static const char *const search_keys[] = {"q",         "kind",      "district", "unit",
                                          "unit_type", "year",      "indicator", "media",
                                          "state",     "from",      "to",        "per_page",
                                          "before"};

/* The filters (everything but the query, the dates and the page size), with their names. */
static const struct {
    const char *key;
    const char *label;
} facet_names[] = {
    {"kind", N_("类别")},           {"district", N_("区县")}, {"unit", N_("单位")},
    {"unit_type", N_("单位类型")},  {"year", N_("年度")},     {"indicator", N_("测评内容")},
    {"media", N_("载体")},          {"state", N_("状态")},
};

/* Facet lists longer than this show their first entries only (the biggest counts). */
#define FACET_SHOWN 12

static const char *
kind_label(const char *k)
{
    if (wm_streq(k, "document")) {
        return _("档案文件");
    }
    if (wm_streq(k, "indicator")) {
        return _("测评指标");
    }
    if (wm_streq(k, "guidance")) {
        return _("指导对话");
    }
    return k;
}

/* A facet entry's value as text ("" when it has none); buf holds a number's digits. */
static const char *
value_text(const json_t *v, char *buf, size_t n)
{
    if (json_is_integer(v)) {
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    return json_is_string(v) ? json_string_value(v) : "";
}

/* What a filter's value is called: the words for kinds, media and states, else the facet's
** label for that value (the unit's name), else the value itself. */
static const char *
filter_label(const json_t *facets, const char *key, const char *value)
{
    if (wm_streq(key, "kind")) {
        return kind_label(value);
    }
    if (wm_streq(key, "media")) {
        return wm_media_label(value);
    }
    if (wm_streq(key, "state")) {
        return wm_search_state_label(value);
    }
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(facets, key), i, e)
    {
        char buf[32];
        const char *label = js(e, "label");
        if (wm_streq(value_text(json_object_get(e, "value"), buf, sizeof buf), value) && *label) {
            return label;
        }
    }
    return value;
}

/*
** The link to this search with one argument changed: key set to value (NULL: removed; key
** "day" removes both dates), and the page (0: the first, not written).  The path and query,
** not yet escaped for HTML.
*/
static void
search_href(struct wm_req *r, struct wm_buf *b, const char *key, const char *value,
            unsigned page)
{
    wm_buf_adds(b, "/search");
    char sep = '?';
    for (size_t i = 0; i < WM_ARRAY_LEN(search_keys); i++) {
        const char *v = wm_req_arg(r, search_keys[i]);
        if (key && (wm_streq(key, search_keys[i]) ||
                    (wm_streq(key, "day") && (wm_streq(search_keys[i], "from") ||
                                              wm_streq(search_keys[i], "to"))))) {
            v = value;
        }
        if (v && *v) {
            wm_buf_printf(b, "%c%s=", sep, search_keys[i]);
            wm_url_encode(b, v);
            sep = '&';
        }
    }
    if (page > 1) {
        wm_buf_printf(b, "%cpage=%u", sep, page);
    }
}

/* ---------------------------------------------------------------- the form */

static void
search_form(struct wm_req *r, struct wm_buf *b, const struct wm_search_params *p,
            const char *bad)
{
    bool dates = p->from || p->to;
    wm_h(b,
         "<form id=\"search-form\" class=\"card search-main\" method=\"get\" action=\"/search\" "
         "role=\"search\" aria-label=\"%s\">"
         "<div class=\"search-row\"><label for=\"search-q\" class=\"sr-only\">%s</label>"
         "<input type=\"search\" id=\"search-q\" name=\"q\" value=\"%s\" maxlength=\"%d\" "
         "placeholder=\"%s\" autocomplete=\"off\">"
         "<button type=\"submit\">%s</button></div>",
         _("搜索条件"), _("搜索词"), p->q ? p->q : "", WM_SQ_MAX_LEN, _("搜索档案、指标、指导…"),
         _("搜索"));
    /* the filters in effect stay with a new query (each can be removed above the hits) */
    for (size_t i = 0; i < WM_ARRAY_LEN(facet_names); i++) {
        const char *v = wm_req_arg(r, facet_names[i].key);
        if (v && *v && !wm_streq(bad, facet_names[i].key)) { /* a bad one is dropped */
            wm_h(b, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", facet_names[i].key, v);
        }
    }
    const char *pp = wm_req_arg(r, "per_page");
    if (pp && *pp && !wm_streq(bad, "per_page")) {
        wm_h(b, "<input type=\"hidden\" name=\"per_page\" value=\"%s\">", pp);
    }
    wm_h(b,
         "<details class=\"search-dates\"%r><summary>%s</summary><div class=\"row\">"
         "<label>%s<input type=\"date\" name=\"from\" value=\"%s\"></label>"
         "<label>%s<input type=\"date\" name=\"to\" value=\"%s\"></label></div></details>",
         dates ? " open" : "", _("按形成日期筛选"), _("起始日期"), p->from ? p->from : "",
         _("截止日期"), p->to ? p->to : "");
    wm_h(b,
         "<p class=\"hint\">%s<code>道德讲堂 2024年</code>%s<code>“文明实践”</code>%s"
         "<code>学雷锋 OR 志愿</code>%s<code>-草稿</code>%s<code>文明*</code>%s</p></form>\n",
         _("多个词用空格隔开，表示都要出现，例如 "), _("；加引号查整个短语："), _("；任一即可："),
         _("；排除："), _("；前缀："), _("。繁体、简体都能找到。"));
}

/* ---------------------------------------------------------------- filters and facets */

/* The filters in effect, each with a link that removes it, and one that removes them all. */
static void
active_filters(struct wm_req *r, struct wm_buf *b, const json_t *res,
               const struct wm_search_params *p)
{
    const json_t *facets = json_object_get(res, "facets");
    const json_t *named = json_object_get(res, "filter_labels");
    struct wm_buf items = {0};
    unsigned n = 0;
    for (size_t i = 0; i < WM_ARRAY_LEN(facet_names); i++) {
        const char *v = wm_req_arg(r, facet_names[i].key);
        if (NULL == v || 0 == *v) {
            continue;
        }
        struct wm_buf href = {0};
        search_href(r, &href, facet_names[i].key, NULL, 0);
        const char *label = filter_label(facets, facet_names[i].key, v);
        char *both = NULL; /* an indicator: its code and its name */
        const char *name = json_string_value(json_object_get(named, facet_names[i].key));
        if (name && !wm_streq(name, v)) {
            label = both = wm_asprintf("%s %s", v, name);
        }
        wm_h(&items,
             "<li data-key=\"%s\"><span>%s%s%s</span> <a href=\"%s\" class=\"remove\" "
             "aria-label=\"%s%s%s%s\" title=\"%s\">×</a></li>",
             facet_names[i].key, _(facet_names[i].label), _("："), label, wm_buf_str(&href),
             _("去掉筛选 "), _(facet_names[i].label), _("："), label, _("去掉这个筛选"));
        wm_buf_free(&href);
        free(both);
        n++;
    }
    if (p->from || p->to) {
        struct wm_buf href = {0};
        search_href(r, &href, "day", NULL, 0);
        wm_h(&items,
             "<li data-key=\"day\"><span>%s%s%s — %s</span> <a href=\"%s\" class=\"remove\" "
             "aria-label=\"%s%s\" title=\"%s\">×</a></li>",
             _("形成日期"), _("："), p->from ? p->from : "…", p->to ? p->to : "…",
             wm_buf_str(&href), _("去掉筛选 "), _("形成日期"), _("去掉这个筛选"));
        wm_buf_free(&href);
        n++;
    }
    if (p->before) { /* a partial search gone on: the older documents */
        struct wm_buf href = {0};
        search_href(r, &href, "before", NULL, 0);
        wm_h(&items,
             "<li data-key=\"before\"><span>%s</span> <a href=\"%s\" class=\"remove\" "
             "aria-label=\"%s\" title=\"%s\">×</a></li>",
             _("更早的文档"), wm_buf_str(&href), _("回到最新的文档"), _("回到最新的文档"));
        wm_buf_free(&href);
        n++;
    }
    if (n) {
        wm_h(b, "<ul class=\"active-filters\" id=\"search-filters\" aria-label=\"%s\">%r",
             _("正在使用的筛选"), wm_buf_str(&items));
        if (n > 1 || p->q) {
            struct wm_buf all = {0};
            wm_buf_adds(&all, "/search");
            if (p->q) {
                wm_buf_adds(&all, "?q=");
                wm_url_encode(&all, p->q);
            }
            wm_h(b, "<li class=\"clear\"><a href=\"%s\">%s</a></li>", wm_buf_str(&all),
                 _("清除全部筛选"));
            wm_buf_free(&all);
        }
        wm_h(b, "</ul>\n");
    }
    wm_buf_free(&items);
}

/* One facet: its values with counts, each a link adding that filter; the active value
** marked, linking to the search without it. */
static void
facet(struct wm_req *r, struct wm_buf *b, const json_t *facets, const char *key,
      const char *label)
{
    const json_t *list = json_object_get(facets, key);
    if (0 == json_array_size(list)) {
        return;
    }
    const char *active = wm_req_arg(r, key);
    wm_h(b, "<section class=\"facet\" data-facet=\"%s\"><h2>%s</h2><ul>", key, label);
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        if (i >= FACET_SHOWN) {
            break;
        }
        char buf[32];
        const char *v = value_text(json_object_get(e, "value"), buf, sizeof buf);
        if (0 == *v) {
            continue;
        }
        const char *name = filter_label(facets, key, v);
        if (wm_streq(key, "indicator") && *js(e, "label") && !wm_streq(js(e, "label"), v)) {
            name = NULL; /* the code and the indicator's title */
        }
        bool on = active && wm_streq(active, v);
        struct wm_buf href = {0};
        search_href(r, &href, key, on ? NULL : v, 0);
        wm_h(b, "<li%r><a href=\"%s\" data-value=\"%s\"%r>", on ? " class=\"on\"" : "",
             wm_buf_str(&href), v, on ? " aria-current=\"true\"" : "");
        if (name) {
            wm_h(b, "%s", name);
        } else {
            wm_h(b, "<code>%s</code> %s", v, js(e, "label"));
        }
        wm_h(b, "</a> <span class=\"count\">%I</span>", ji(e, "count"));
        if (on) {
            wm_h(b, " <a href=\"%s\" class=\"remove\" aria-label=\"%s%s\">×</a>", wm_buf_str(&href),
                 _("去掉筛选 "), name ? name : v);
        }
        wm_h(b, "</li>");
        wm_buf_free(&href);
    }
    wm_h(b, "</ul></section>");
}

/* ---------------------------------------------------------------- hits */

/* Segments [{text, hit}] with the hits in <mark>, every text escaped. */
static void
segments(struct wm_buf *b, const json_t *segs)
{
    size_t i;
    json_t *s;
    json_array_foreach(segs, i, s)
    {
        const char *t = js(s, "text");
        if (json_is_true(json_object_get(s, "hit"))) {
            wm_h(b, "<mark>%s</mark>", t);
        } else {
            wm_h(b, "%s", t);
        }
    }
}

static void
hit_item(struct wm_buf *b, const json_t *h, const struct wm_sq *sq)
{
    const char *kind = js(h, "kind"), *title = js(h, "title");
    wm_h(b, "<li class=\"hit\" data-kind=\"%s\" data-id=\"%I\"><h2 class=\"hit-title\">"
            "<a href=\"%s\">",
         kind, ji(h, "id"), js(h, "url"));
    json_t *tseg = sq && *title ? wm_sq_snippet(sq, title, strlen(title), 200) : NULL;
    if (json_array_size(tseg)) {
        segments(b, tseg);
    } else {
        wm_h(b, "%s", *title ? title : _("（无题名）"));
    }
    json_decref(tseg);
    wm_h(b, "</a></h2><p class=\"hit-meta\"><span class=\"badge kind %s\">%s</span>", kind,
         kind_label(kind));
    const json_t *unit = json_object_get(h, "unit");
    if (json_is_object(unit)) {
        wm_h(b, " <span class=\"unit\">%s</span>", js(unit, "name"));
    }
    if (ji(h, "year") > 0) {
        wm_h(b, " <span class=\"year\">%I %s</span>", ji(h, "year"), _("年度"));
    }
    if (*js(h, "indicator_code")) {
        wm_h(b, " <span class=\"indicator\">%s<code>%s</code></span>", _("测评内容 "),
             js(h, "indicator_code"));
    }
    if (*js(h, "media")) {
        wm_h(b, " <span class=\"badge media %s\">%s</span>", js(h, "media"),
             wm_media_label(js(h, "media")));
    }
    const char *state = js(h, "state");
    if (*state) {
        if (wm_streq(kind, "guidance")) {
            wm_h(b, " <span class=\"badge %s\">%s</span>", state, wm_search_state_label(state));
        } else {
            ui_review_badge(b, state);
        }
    }
    if (*js(h, "day")) {
        wm_h(b, " <span class=\"day\">%s%s</span>", _("形成日期 "), js(h, "day"));
    }
    wm_h(b, "</p>");
    const json_t *snip = json_object_get(h, "snippet");
    if (json_array_size(snip)) {
        wm_h(b, "<p class=\"snippet\">");
        segments(b, snip);
        wm_h(b, "</p>");
    }
    wm_h(b, "</li>\n");
}

/* Pages: the previous and next, the first and last, and two either side of this one. */
static void
pager(struct wm_req *r, struct wm_buf *b, unsigned page, unsigned pages)
{
    if (pages <= 1) {
        return;
    }
    wm_h(b, "<nav class=\"pager search-pager\" aria-label=\"%s\"><ul>", _("分页"));
    struct wm_buf href = {0};
    if (page > 1) {
        search_href(r, &href, NULL, NULL, page - 1);
        wm_h(b, "<li><a href=\"%s\" rel=\"prev\">← %s</a></li>", wm_buf_str(&href), _("上一页"));
        wm_buf_reset(&href);
    }
    unsigned last_shown = 0;
    for (unsigned n = 1; n <= pages; n++) {
        if (n != 1 && n != pages && (n + 2 < page || n > page + 2)) {
            continue;
        }
        if (last_shown && n > last_shown + 1) {
            wm_h(b, "<li class=\"gap\" aria-hidden=\"true\">…</li>");
        }
        if (n == page) {
            wm_h(b, "<li><span aria-current=\"page\">%u</span></li>", n);
        } else {
            search_href(r, &href, NULL, NULL, n);
            wm_h(b, "<li><a href=\"%s\">%u</a></li>", wm_buf_str(&href), n);
            wm_buf_reset(&href);
        }
        last_shown = n;
    }
    if (page < pages) {
        search_href(r, &href, NULL, NULL, page + 1);
        wm_h(b, "<li><a href=\"%s\" rel=\"next\">%s →</a></li>", wm_buf_str(&href), _("下一页"));
    }
    wm_buf_free(&href);
    wm_h(b, "</ul></nav>\n");
}

/* ---------------------------------------------------------------- the page */

/* A message in place of the hits (a bad query, a bad filter), the form kept filled. */
static void
problem(struct wm_req *r, struct wm_buf *b, const char *msg, const char *field)
{
    size_t n = strlen(msg);
    bool stop = n >= 3 && (0 == strcmp(msg + n - 3, "。") || 0 == strcmp(msg + n - 3, "！") ||
                           0 == strcmp(msg + n - 3, "？"));
    wm_h(b, "<p class=\"flash err\" role=\"alert\" id=\"search-error\">%s%s%s", msg,
         stop ? "" : _("。"), _("请修改后重新搜索。"));
    /* a bad filter (not the query): a way on without it */
    if (field && !wm_streq(field, "q")) {
        struct wm_buf href = {0};
        search_href(r, &href, wm_streq(field, "from") || wm_streq(field, "to") ? "day" : field,
                    NULL, 0);
        wm_h(b, " <a href=\"%s\" id=\"search-drop\">%s</a>", wm_buf_str(&href),
             _("去掉这个条件再搜"));
        wm_buf_free(&href);
    }
    wm_h(b, "</p>\n");
}

/* "搜索：<q>", the query cut at TITLE_CHARS characters (caller frees). */
#define TITLE_CHARS 40
static char *
short_title(const char *q)
{
    struct wm_buf t = {0};
    wm_buf_adds(&t, _("搜索："));
    size_t n = 0;
    const unsigned char *c = (const unsigned char *)q;
    while (*c && n < TITLE_CHARS) {
        size_t len = *c < 0x80 ? 1 : *c < 0xe0 ? 2 : *c < 0xf0 ? 3 : 4;
        len = strnlen((const char *)c, len);
        wm_buf_add(&t, (const char *)c, len);
        c += len;
        n++;
    }
    if (*c) {
        wm_buf_adds(&t, "…");
    }
    return wm_buf_steal(&t);
}

void
page_search_get(struct wm_req *r)
{
    struct wm_search_params p;
    const char *field, *msg;
    struct wm_buf b = {0};
    bool ok = wm_req_search(r, &p, &field, &msg);
    /* the query in the title: the browser's tabs and history tell searches apart */
    char *title = ok && p.q ? short_title(p.q) : NULL;
    ui_begin(r, &b, title ? title : _("搜索"));
    free(title);
    search_form(r, &b, &p, ok ? NULL : field);
    if (!ok) {
        problem(r, &b, msg, field);
        ui_end(r, &b, 400);
        return;
    }
    if (NULL == p.q) {
        wm_h(&b, "<p class=\"hint\" id=\"search-start\">%s</p>\n",
             _("在上面输入词语，搜索您有权查看的档案文件（含文件里的文字）、测评指标和指导对话。"));
        ui_end(r, &b, 200);
        return;
    }
    struct wm_fail f = {0};
    json_t *res = wm_search(r->db, &r->actor, &p, &f);
    if (NULL == res) {
        if (WM_E_BAD_REQUEST == f.err) {
            problem(r, &b, *f.msg ? f.msg : _("无法理解这个搜索词。"), *f.field ? f.field : "q");
            ui_end(r, &b, 400);
        } else {
            wm_buf_free(&b);
            wm_reply_fail(r, &f);
        }
        return;
    }
    char err[256];
    struct wm_sq *sq = wm_sq_parse(p.q, err, sizeof err);
    const json_t *facets = json_object_get(res, "facets"), *hits = json_object_get(res, "hits");
    int64_t total = ji(res, "total");
    bool capped = json_is_true(json_object_get(res, "capped"));
    bool partial = json_is_true(json_object_get(res, "partial"));
    unsigned per_page = ji(res, "per_page") > 0 ? (unsigned)ji(res, "per_page") : 20;
    unsigned page = ji(res, "page") > 0 ? (unsigned)ji(res, "page") : 1;
    active_filters(r, &b, res, &p);
    wm_h(&b, "<p class=\"search-total\" id=\"search-total\" data-total=\"%I\"%r>", total,
         capped ? " data-capped=\"true\"" : "");
    if (partial) {
        wm_h(&b, _("较新的文档中有 %I 条结果"), total);
    } else if (capped) {
        wm_h(&b, _("约 %I+ 条结果"), total);
    } else {
        wm_h(&b, _("共 %I 条结果"), total);
    }
    if (total > 0) {
        wm_h(&b, _("，第 %u 页"), page);
    }
    struct wm_buf fb = {0};
    for (size_t i = 0; i < WM_ARRAY_LEN(facet_names); i++) {
        facet(r, &fb, facets, facet_names[i].key, _(facet_names[i].label));
    }
    wm_h(&b, "</p>\n");
    if (fb.len) { /* on a phone the facets follow the hits: a way down to them */
        wm_h(&b, "<p class=\"to-facets\"><a href=\"#search-facets\">%s ↓</a></p>\n",
             _("按条件筛选"));
    }
    wm_h(&b, "<div class=\"search-layout%s\">", fb.len ? "" : " single");
    if (fb.len) {
        wm_h(&b, "<aside class=\"facets\" id=\"search-facets\" aria-label=\"%s\">%r</aside>",
             _("按条件筛选"), wm_buf_str(&fb));
    }
    wm_buf_free(&fb);
    wm_h(&b, "<section class=\"results\" aria-label=\"%s\">", _("搜索结果"));
    if (0 == json_array_size(hits)) {
        wm_h(&b, "<p class=\"empty\" id=\"search-empty\">%s%s%s", _("没有找到与“"), p.q,
             _("”相关的内容。可以换个说法、少用几个词，或用繁体、简体都试试。"));
        if (p.kind || p.unit_id || p.district_id || p.unit_type || p.year || p.indicator ||
            p.media || p.state || p.from || p.to) {
            struct wm_buf all = {0};
            wm_buf_adds(&all, "/search?q=");
            wm_url_encode(&all, p.q);
            wm_h(&b, " <a href=\"%s\">%s</a>", wm_buf_str(&all), _("去掉全部筛选再搜"));
            wm_buf_free(&all);
        }
        wm_h(&b, "</p>");
    } else {
        wm_h(&b, "<ol class=\"hits\" id=\"search-hits\" start=\"%u\">",
             (page - 1) * per_page + 1);
        size_t i;
        json_t *h;
        json_array_foreach(hits, i, h)
        {
            hit_item(&b, h, sq);
        }
        wm_h(&b, "</ol>");
        int64_t pages = (total + per_page - 1) / per_page;
        if (pages > 500) {
            pages = 500;
        }
        pager(r, &b, page, (unsigned)pages);
    }
    if (partial) { /* the walk stopped going back: the way on to the older documents */
        char nb[24];
        snprintf(nb, sizeof nb, "%lld", (long long)ji(res, "next_before"));
        struct wm_buf href = {0};
        search_href(r, &href, "before", nb, 0);
        wm_h(&b,
             "<p class=\"search-more\" id=\"search-more\">%s <a href=\"%s\">%s</a></p>",
             _("为加快搜索，只查找了较新的文档。"), wm_buf_str(&href), _("继续查找更早的文档 →"));
        wm_buf_free(&href);
    }
    wm_h(&b, "</section></div>\n");
    wm_sq_free(sq);
    json_decref(res);
    ui_end(r, &b, 200);
}

/* end of page_search.c */
