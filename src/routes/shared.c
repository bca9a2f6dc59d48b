/*
** shared.c — request and reply helpers that several handler files use: the auth policy,
** list pages, uploaded tables, the audit filter, downloads and static files, and the
** objects a path names (an archive, an edition) read in the caller's scope.
**
** The handler files (api_*.c, page_*.c) call this file, ui.c, ui_parts.c, repr.c and
** uploads.c, and never each other: routes.c alone names every handler.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <errno.h>

#include "xlsxwriter.h"

#include "handlers.h"
#include "wm_blob.h"
#include "wm_framework.h"
#include "wm_media.h"
#include "wm_search.h"
#include "wm_table.h"

struct wm_embedded {
    const char *name;
    const unsigned char *data;
    size_t len;
};
extern const struct wm_embedded wm_static_files[];

const struct wm_auth_policy *
wm_policy(void)
{
    return &wm_server_options()->auth;
}

static const char *
static_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    static const struct {
        const char *ext, *type;
    } t[] = {{".css", "text/css; charset=utf-8"},
             {".js", "text/javascript; charset=utf-8"},
             {".svg", "image/svg+xml"},
             {".png", "image/png"},
             {".txt", "text/plain; charset=utf-8"}};
    for (size_t i = 0; dot && i < WM_ARRAY_LEN(t); i++) {
        if (wm_streq(dot, t[i].ext)) {
            return t[i].type;
        }
    }
    return "application/octet-stream";
}

/* Answer with an embedded static file; false when there is none of that name. */
bool
wm_reply_static_file(struct wm_req *r, const char *name)
{
    for (const struct wm_embedded *f = wm_static_files; f->name; f++) {
        if (!wm_streq(f->name, name)) {
            continue;
        }
        char hash[65], etag[24];
        wm_sha256_hex(f->data, f->len, hash);
        snprintf(etag, sizeof etag, "\"%.16s\"", hash);
        const char *inm = wm_req_header(r, "If-None-Match");
        if (inm && wm_streq(inm, etag)) {
            wm_reply_data(r, 304, static_type(f->name), "", 0, false);
        } else {
            wm_reply_data(r, 200, static_type(f->name), f->data, f->len, false);
        }
        wm_req_add_header(r, "ETag", etag);
        wm_req_add_header(r, "Cache-Control", "public, max-age=3600");
        return true;
    }
    return false;
}

/* The uploaded table for an import: every sheet that fits, joined (a list kept one sheet per
** district), at most max data rows. */
static bool
req_table_fitting(struct wm_req *r, bool (*fits)(const struct wm_table *, void *), size_t max,
                  const char *what, struct wm_table **t)
{
    char err[256];
    if (NULL == r->file_name || 0 == r->file.len) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "file", _("请选择要上传的 CSV 或 XLSX 文件"));
        return false;
    }
    if (0 != wm_table_read_fitting_all(r->file.data, r->file.len, WM_TABLE_AUTO, fits, NULL, t,
                                       NULL, err, sizeof err)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "file", err);
        return false;
    }
    /* The import runs inside this request: cap it (the header row is not data). */
    if ((*t)->nrows > max + 1) {
        char *msg = wm_asprintf(_("一次最多导入 %d %s，此文件有 %zu 行；请拆分成多个文件分批导入。"),
                                (int)max, what, (*t)->nrows - 1);
        wm_table_free(*t);
        *t = NULL;
        wm_reply_err(r, WM_E_BAD_REQUEST, "file", msg);
        free(msg);
        return false;
    }
    return true;
}

bool
wm_req_title_table(struct wm_req *r, struct wm_table **t)
{
    return req_table_fitting(r, wm_title_table_fits, WM_TITLE_IMPORT_MAX, _("条称号"), t);
}

bool
wm_req_title_query(struct wm_req *r, struct wm_title_query *q)
{
    memset(q, 0, sizeof *q);
    q->level = wm_req_arg(r, "level");
    q->state = wm_req_arg(r, "state");
    q->until_from = wm_req_arg(r, "until_from");
    q->until_to = wm_req_arg(r, "until_to");
    q->q = wm_req_arg(r, "q");
    if (!wm_req_int(r, "unit", 1, INT64_MAX, &q->unit_id)) {
        return false;
    }
    return wm_req_window(r, 50, &q->limit, &q->offset);
}

bool
wm_req_table(struct wm_req *r, struct wm_table **t)
{
    return req_table_fitting(r, wm_unit_table_fits, WM_UNIT_IMPORT_MAX, _("个单位"), t);
}

/* "2026-03-01" as the Unix time of that day's start in China Standard Time; false if bad. */
static bool
cst_day(const char *s, int64_t *t)
{
    int y, m, d;
    char tail;
    if (3 != sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) || y < 1970 || y > 9999 || m < 1 ||
        m > 12 || d < 1 || d > 31) {
        return false;
    }
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    time_t u = timegm(&tm);
    struct tm back;
    gmtime_r(&u, &back);
    if (back.tm_mday != d) { /* 2026-02-30 */
        return false;
    }
    *t = (int64_t)u - 8 * 3600;
    return true;
}

bool
wm_req_audit_filter(struct wm_req *r, struct wm_audit_filter *f)
{
    memset(f, 0, sizeof *f);
    f->action = wm_req_arg(r, "action");
    f->username = wm_req_arg(r, "user");
    const char *from = wm_req_arg(r, "from"), *to = wm_req_arg(r, "to");
    if (f->action && strlen(f->action) > 64) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "action", _("未知操作"));
        return false;
    }
    if (from && *from && !cst_day(from, &f->from)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "from", _("起始日期须写成 2026-03-01 这样的格式"));
        return false;
    }
    if (to && *to) {
        if (!cst_day(to, &f->until)) {
            wm_reply_err(r, WM_E_BAD_REQUEST, "to", _("截止日期须写成 2026-03-31 这样的格式"));
            return false;
        }
        f->until += 86400; /* the whole day */
    }
    return true;
}

json_t *
wm_req_archive(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *ar = wm_archive_open(r->db, &r->actor, r->ids[0], r->ids[1], &f);
    if (NULL == ar) {
        wm_reply_fail(r, &f);
    }
    return ar;
}

char *
wm_ascii_filename(const char *name, const char *stem_default)
{
    size_t cut = wm_media_name_ext(name), alnum = 0;
    struct wm_buf b = {0};
    for (size_t i = 0; i < cut; i++) {
        unsigned char c = (unsigned char)name[i];
        bool an = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (an || (('-' == c || '_' == c || '.' == c) && b.len && '_' != b.data[b.len - 1])) {
            wm_buf_addc(&b, (char)c);
            alnum += an;
        } else if (c >= 0x80 || ' ' == c) {
            if (b.len && '_' != b.data[b.len - 1]) {
                wm_buf_addc(&b, '_'); /* a run of other characters: one underscore */
            }
            while (name[i + 1] && (unsigned char)name[i + 1] >= 0x80 && (unsigned char)name[i + 1] < 0xC0) {
                i++;
            }
        }
    }
    while (b.len && strchr("_-.", b.data[b.len - 1])) {
        b.data[--b.len] = '\0';
    }
    if (alnum < 2) {
        wm_buf_free(&b);
        wm_buf_adds(&b, stem_default);
    }
    wm_buf_adds(&b, name + cut); /* the extension: ASCII letters and digits */
    return wm_buf_steal(&b);
}

/* The export file name: "{name}_{version}.{ext}", RFC 5987-encoded for the header. */
void
wm_reply_attachment(struct wm_req *r, const char *name, const char *ctype, char *data, size_t len)
{
    struct wm_buf cd = {0};
    char *ascii = wm_ascii_filename(name, "export");
    wm_buf_printf(&cd, "attachment; filename=\"%s\"; filename*=UTF-8''", ascii);
    wm_url_encode(&cd, name);
    free(ascii);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (NULL == resp) {
        wm_panic("MHD_create_response failed");
    }
    r->resp = resp;
    r->status = 200;
    r->bytes = len;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, wm_buf_str(&cd));
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    wm_buf_free(&cd);
}

bool
wm_req_edition(struct wm_req *r, json_t **ed, struct wm_fw **fw)
{
    struct wm_fail f = {0};
    *ed = wm_edition_get_scoped(r->db, &r->actor, r->ids[0], true, &f);
    if (NULL == *ed) {
        wm_reply_fail(r, &f);
        return false;
    }
    *fw = wm_edition_parse(*ed);
    if (NULL == *fw) {
        json_decref(*ed);
        *ed = NULL;
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
        return false;
    }
    return true;
}

/* Read an import from the request: a multipart form (file, name, version, office_id,
** dry_run) or a raw JSON body (?dry_run=1).  false: a reply was queued. */
bool
wm_req_fw_in(struct wm_req *r, struct wm_fw_in *in)
{
    memset(in, 0, sizeof *in);
    if (r->form) {
        const char *doc = wm_form(r, "document");
        if (r->file_name && r->file.len) {
            in->data = r->file.data;
            in->len = r->file.len;
        } else if (doc && *doc) {
            in->data = doc;
            in->len = strlen(doc);
        } else {
            wm_reply_err(r, WM_E_BAD_REQUEST, "file", _("请选择要导入的文件（JSON、CSV 或 XLSX）"));
            return false;
        }
        const char *n = wm_form(r, "name"), *v = wm_form(r, "version"), *o = wm_form(r, "office_id");
        in->name = n && *n ? n : NULL;
        in->version = v && *v ? v : NULL;
        in->dry_run = NULL != wm_form(r, "dry_run") && !wm_streq(wm_form(r, "dry_run"), "0");
        if (o && *o && !wm_parse_i64(o, 1, INT64_MAX, &in->office_id)) {
            wm_reply_err(r, WM_E_BAD_REQUEST, "office_id", NULL);
            return false;
        }
        return true;
    }
    const char *ct = wm_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (NULL == ct || 0 != strncasecmp(ct, "application/json", 16)) {
        wm_reply_err(r, WM_E_UNSUPPORTED_MEDIA, "Content-Type",
                     _("请以 application/json 提交 wenming-framework/1 文档，或以 multipart 表单上传文件"));
        return false;
    }
    if (0 == r->body.len) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "body", _("请求体为空"));
        return false;
    }
    /* "[]" or "\"x\"" is JSON but no framework: said so, not taken for a CSV without a name */
    size_t k = 0;
    while (k < r->body.len && r->body.data[k] && strchr(" \t\r\n", r->body.data[k])) {
        k++;
    }
    if (k == r->body.len || '{' != r->body.data[k]) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "body",
                     _("请求体须为 wenming-framework/1 格式的 JSON 对象（以 { 开头）"));
        return false;
    }
    in->data = r->body.data;
    in->len = r->body.len;
    const char *dry = wm_req_arg(r, "dry_run");
    in->dry_run = dry && !wm_streq(dry, "0") && !wm_streq(dry, "false");
    const char *o = wm_req_arg(r, "office_id");
    if (o && !wm_parse_i64(o, 1, INT64_MAX, &in->office_id)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "office_id", NULL);
        return false;
    }
    return true;
}

/* Diff of two editions the caller can read: {"added": [...], "removed": [...], "changed": [...]}. */
json_t *
wm_editions_diff(struct wm_req *r, int64_t from, int64_t to, struct wm_fail *f)
{
    json_t *a = wm_edition_get_scoped(r->db, &r->actor, from, true, f);
    json_t *b = a ? wm_edition_get_scoped(r->db, &r->actor, to, true, f) : NULL;
    json_t *d = NULL;
    if (a && b) {
        struct wm_fw *fa = wm_edition_parse(a), *fb = wm_edition_parse(b);
        if (fa && fb) {
            d = wm_fw_diff(fa, fb);
        } else {
            wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", "");
        }
        wm_fw_free(fa);
        wm_fw_free(fb);
    }
    json_decref(a);
    json_decref(b);
    return d;
}

json_t *
wm_req_document(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *d = wm_doc_get_scoped(r->db, &r->actor, r->ids[0], &f);
    if (NULL == d) {
        wm_reply_fail(r, &f);
    }
    return d;
}

void
wm_reply_read(struct wm_req *r, unsigned status, json_t *body, const struct wm_fail *f)
{
    if (body) {
        wm_reply_json(r, status, body);
    } else if (f && WM_OK != f->err) {
        wm_reply_fail(r, f);
    } else {
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
    }
}

/* ---------------------------------------------------------------- query arguments */

bool
wm_req_int(struct wm_req *r, const char *name, int64_t min, int64_t max, int64_t *out)
{
    const char *s = wm_req_arg(r, name);
    if (NULL == s || 0 == *s) {
        return true;
    }
    int64_t v;
    if (!wm_parse_i64(s, min, max, &v)) {
        char *msg = INT64_MAX == max ? wm_asprintf(_("须为不小于 %lld 的整数"), (long long)min)
                                     : wm_asprintf(_("须为 %lld 到 %lld 之间的整数"),
                                                   (long long)min, (long long)max);
        wm_reply_err(r, WM_E_BAD_REQUEST, name, msg);
        free(msg);
        return false;
    }
    *out = v;
    return true;
}

bool
wm_req_window(struct wm_req *r, unsigned dflt, unsigned *limit, unsigned *offset)
{
    int64_t lim = dflt, off = 0;
    if (!wm_req_int(r, "limit", 1, 200, &lim) || !wm_req_int(r, "offset", 0, 1000000, &off)) {
        return false;
    }
    *limit = (unsigned)lim;
    *offset = (unsigned)off;
    return true;
}

/* ---------------------------------------------------------------- search */

/* The last page a search can show: WM_SEARCH_WINDOW hits, one a page at the least. */
#define WM_SEARCH_PAGE_MAX WM_SEARCH_WINDOW

/* An argument that is given and not empty (a form sends empty fields), else NULL. */
static const char *
arg_given(struct wm_req *r, const char *name)
{
    const char *v = wm_req_arg(r, name);
    return v && *v ? v : NULL;
}

/* Whether s is one of the NULL-terminated list. */
static bool
one_of(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++) {
        if (wm_streq(s, list[i])) {
            return true;
        }
    }
    return false;
}

bool
wm_req_search(struct wm_req *r, struct wm_search_params *p, const char **field, const char **msg)
{
    static const char *const kinds[] = {"document", "indicator", "guidance", NULL};
    static const char *const media[] = {"text", "photo", "audiovisual", NULL};
    static const char *const states[] = {"draft",  "submitted", "approved", "returned",
                                         "open",   "closed",    NULL};
    memset(p, 0, sizeof *p);
    *field = NULL;
    *msg = NULL;
    p->q = arg_given(r, "q");
    p->kind = arg_given(r, "kind");
    p->unit_type = arg_given(r, "unit_type");
    p->indicator = arg_given(r, "indicator");
    p->media = arg_given(r, "media");
    p->state = arg_given(r, "state");
    p->from = arg_given(r, "from");
    p->to = arg_given(r, "to");
    struct {
        const char *name;
        int64_t min, max, *out;
    } ints[] = {{"unit", 1, INT64_MAX, &p->unit_id},
                {"district", 1, INT64_MAX, &p->district_id},
                {"year", 1900, 9999, &p->year},
                {"before", 1, INT64_MAX, &p->before}};
    for (size_t i = 0; i < WM_ARRAY_LEN(ints); i++) {
        const char *v = arg_given(r, ints[i].name);
        if (v && !wm_parse_i64(v, ints[i].min, ints[i].max, ints[i].out)) {
            *field = ints[i].name;
            *msg = wm_streq(ints[i].name, "year")     ? _("年度须为四位数字，例如 2024")
                   : wm_streq(ints[i].name, "before") ? _("须为正整数")
                                                      : _("须为单位或文明办的编号（正整数）");
            return false;
        }
    }
    int64_t page = 1, per_page = 20, t0 = 0, t1 = 0;
    const char *pv = arg_given(r, "page"), *ppv = arg_given(r, "per_page");
    if (ppv && !wm_parse_i64(ppv, 1, 100, &per_page)) {
        *field = "per_page";
        *msg = _("每页条数须为 1 到 100 之间的整数");
        return false;
    }
    if (pv && (!wm_parse_i64(pv, 1, INT64_MAX, &page) || page > WM_SEARCH_PAGE_MAX)) {
        *field = "page";
        *msg = page > WM_SEARCH_PAGE_MAX ? _("页码过大") : _("页码须为正整数");
        return false;
    }
    p->page = (unsigned)page;
    p->per_page = (unsigned)per_page;
    if (p->q && strlen(p->q) > WM_SQ_MAX_LEN) {
        *field = "q";
        *msg = _("搜索词太长；请缩短到 300 个汉字以内");
        return false;
    }
    if (p->kind && !one_of(p->kind, kinds)) {
        *field = "kind";
        *msg = _("类别须为 document（档案文件）、indicator（测评指标）或 guidance（指导对话）");
        return false;
    }
    if (p->media && !one_of(p->media, media)) {
        *field = "media";
        *msg = _("载体须为 text（文字）、photo（图片）或 audiovisual（音像）");
        return false;
    }
    if (p->state && !one_of(p->state, states)) {
        *field = "state";
        *msg = _("状态须为 draft、submitted、approved、returned、open 或 closed");
        return false;
    }
    if ((p->unit_type && strlen(p->unit_type) > 64) ||
        (p->indicator && (strlen(p->indicator) > 64 || strspn(p->indicator,
                                                                "0123456789.ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                "abcdefghijklmnopqrstuvwxyz-_") !=
                                                            strlen(p->indicator)))) {
        *field = p->unit_type && strlen(p->unit_type) > 64 ? "unit_type" : "indicator";
        *msg = wm_streq(*field, "indicator") ? _("测评内容须为编号，例如 1.1.3")
                                             : _("单位类型太长");
        return false;
    }
    if (p->from && !cst_day(p->from, &t0)) {
        *field = "from";
        *msg = _("起始日期须写成 2026-03-01 这样的格式");
        return false;
    }
    if (p->to && !cst_day(p->to, &t1)) {
        *field = "to";
        *msg = _("截止日期须写成 2026-03-31 这样的格式");
        return false;
    }
    if (p->from && p->to && t0 > t1) {
        *field = "to";
        *msg = _("截止日期不能早于起始日期");
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- guidance lists */

bool
wm_req_guidance_query(struct wm_req *r, struct wm_guidance_query *q)
{
    memset(q, 0, sizeof *q);
    q->state = wm_req_arg(r, "state");
    const char *u = wm_req_arg(r, "unread");
    if (u && *u && !wm_streq(u, "0") && !wm_streq(u, "1")) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "unread", _("unread 须为 0 或 1"));
        return false;
    }
    q->unread_only = u && wm_streq(u, "1");
    if (!wm_req_int(r, "unit", 1, INT64_MAX, &q->unit_id)) {
        return false;
    }
    return wm_req_window(r, 100, &q->limit, &q->offset);
}

/* ---------------------------------------------------------------- the office's home */

bool
wm_req_dash_query(struct wm_req *r, struct wm_dash_query *q)
{
    /* The settings shown: those in effect at the caller's office (each unit counts with its
    ** own office's: per_unit) */
    struct wm_review_settings rs;
    struct wm_fail f = {0};
    if (WM_OK != wm_review_settings_for(r->db, wm_scope_path(&r->actor), &rs, &f)) {
        wm_reply_fail(r, &f);
        return false;
    }
    int64_t offset = rs.offset_days, counted = rs.count_submitted, days = 30;
    memset(q, 0, sizeof *q);
    if (!wm_req_int(r, "district", 1, INT64_MAX, &q->district_id) ||
        !wm_req_int(r, "year", 2000, 9999, &q->year) ||
        !wm_req_int(r, "offset", 0, WM_SCHED_OFFSET_MAX, &offset) ||
        !wm_req_int(r, "count_submitted", 0, 1, &counted) ||
        !wm_req_int(r, "days", 1, 3660, &days)) {
        return false;
    }
    q->sched.offset = (int)offset;
    q->sched.count_submitted = 1 == counted;
    /* each unit with its own office's settings, unless the caller asks "what if" */
    q->per_unit = NULL == wm_req_arg(r, "offset") && NULL == wm_req_arg(r, "count_submitted");
    q->inactive_days = (int)days;
    q->today = wm_req_arg(r, "today");
    q->unit_type = wm_req_arg(r, "unit_type");
    if (q->unit_type && 0 == *q->unit_type) {
        q->unit_type = NULL;
    }
    return true;
}

/* ---------------------------------------------------------------- stored bytes */

/* Parse "bytes=a-b" (one range) against size. 0: no Range, 1: range set, -1: unsatisfiable. */
static int
parse_range(const char *h, uint64_t size, uint64_t *from, uint64_t *len)
{
    if (NULL == h) {
        return 0;
    }
    if (0 != strncmp(h, "bytes=", 6) || strchr(h, ',')) {
        return 0; /* other units or several ranges: send it whole */
    }
    const char *s = h + 6, *dash = strchr(s, '-');
    if (NULL == dash) {
        return 0;
    }
    char a[24] = "", b[24] = "";
    int64_t va = -1, vb = -1;
    if ((size_t)(dash - s) >= sizeof a || strlen(dash + 1) >= sizeof b) {
        return -1;
    }
    memcpy(a, s, (size_t)(dash - s));
    snprintf(b, sizeof b, "%s", dash + 1);
    if ((*a && !wm_parse_i64(a, 0, INT64_MAX, &va)) || (*b && !wm_parse_i64(b, 0, INT64_MAX, &vb)) ||
        (!*a && !*b)) {
        return -1;
    }
    if (!*a) { /* the last vb bytes */
        if (0 == vb || 0 == size) {
            return -1;
        }
        *from = (uint64_t)vb >= size ? 0 : size - (uint64_t)vb;
        *len = size - *from;
        return 1;
    }
    if ((uint64_t)va >= size || (*b && vb < va)) {
        return -1;
    }
    uint64_t end = (*b && (uint64_t)vb < size) ? (uint64_t)vb : size - 1;
    *from = (uint64_t)va;
    *len = end - *from + 1;
    return 1;
}

/* Content-Disposition of a download: the ASCII filename= for old clients and the UTF-8 name
** as RFC 6266's filename*=UTF-8''... (percent-encoded, so no quote or control escapes). */
static void
blob_disposition(struct wm_buf *cd, const struct wm_blob_reply *b)
{
    wm_buf_printf(cd, "%s; filename=\"%s\"; filename*=UTF-8''", b->inline_ok ? "inline" : "attachment",
                  b->ascii);
    wm_url_encode(cd, b->name);
}

/* The headers of a blob's bytes, on a reply that sends them or hands them to nginx. */
static void
blob_headers(struct MHD_Response *resp, const struct wm_blob_reply *b)
{
    struct wm_buf cd = {0};
    blob_disposition(&cd, b);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            b->mime && *b->mime ? b->mime : "application/octet-stream");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, wm_buf_str(&cd));
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "private, max-age=300");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Content-Security-Policy", "sandbox; default-src 'none'");
    wm_buf_free(&cd);
}

/*
** Behind nginx (accel_redirect set): no body, and X-Accel-Redirect naming the object under
** nginx's internal location aliased to the blob directory; nginx sends the bytes (and
** answers Range itself) with the Content-Type and Content-Disposition given here.
*/
static void
reply_blob_accel(struct wm_req *r, const struct wm_blob_reply *b)
{
    char rel[160];
    if (!wm_blob_relpath(b->sha, rel, sizeof rel)) {
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
        return;
    }
    const char *prefix = wm_app.accel_redirect;
    size_t n = strlen(prefix);
    char *loc = wm_asprintf("%s%s%s", prefix, n && '/' == prefix[n - 1] ? "" : "/", rel);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    r->resp = resp;
    r->status = 200;
    r->bytes = 0;
    blob_headers(resp, b);
    MHD_add_response_header(resp, "X-Accel-Redirect", loc);
    free(loc);
}

bool
wm_reply_blob(struct wm_req *r, const struct wm_blob_reply *b)
{
    if (wm_app.accel_redirect) {
        uint64_t size;
        if (WM_OK != wm_blob_size(wm_app.blobs, b->sha, &size)) {
            wm_reply_err(r, WM_E_INTERNAL, NULL, _("文件内容缺失，请联系管理员"));
            return false;
        }
        reply_blob_accel(r, b);
        return true;
    }
    int fd = wm_blob_open_fd(wm_app.blobs, b->sha);
    uint64_t size;
    if (fd < 0 || WM_OK != wm_blob_size(wm_app.blobs, b->sha, &size)) {
        if (fd >= 0) {
            close(fd);
        }
        wm_reply_err(r, WM_E_INTERNAL, NULL, _("文件内容缺失，请联系管理员"));
        return false;
    }
    uint64_t from = 0, len = size;
    int rng = parse_range(wm_req_header(r, MHD_HTTP_HEADER_RANGE), size, &from, &len);
    if (rng < 0) {
        close(fd);
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        char cr[64];
        snprintf(cr, sizeof cr, "bytes */%llu", (unsigned long long)size);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
        r->resp = resp;
        r->status = 416;
        return true;
    }
    struct MHD_Response *resp = MHD_create_response_from_fd_at_offset64(len, fd, from);
    if (NULL == resp) {
        close(fd);
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
        return true;
    }
    r->resp = resp;
    r->status = rng ? 206 : 200;
    r->bytes = len;
    if (rng) {
        char cr[96];
        snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu", (unsigned long long)from,
                 (unsigned long long)(from + len - 1), (unsigned long long)size);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
    }
    blob_headers(resp, b);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    char etag[72];
    snprintf(etag, sizeof etag, "\"%s\"", b->sha);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
    return true;
}

/* end of shared.c */

/* ---------------------------------------------------------------- XLSX replies */

struct lxw_workbook *
wm_xlsx_begin(struct wm_req *r, struct wm_xlsx *x, const char *what)
{
    x->what = what;
    x->wb = NULL;
    int fd = wm_scratch_file("wenming-xlsx", x->path, sizeof x->path);
    if (fd < 0) {
        wm_log(WM_LOG_ERROR, "%s export: scratch file: %s", what, strerror(errno));
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
        return NULL;
    }
    close(fd);
    if (NULL == (x->wb = workbook_new(x->path))) {
        wm_log(WM_LOG_ERROR, "%s export: workbook_new failed", what);
        unlink(x->path);
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
    }
    return x->wb;
}

void
wm_xlsx_discard(struct wm_xlsx *x)
{
    if (x->wb) {
        (void)workbook_close(x->wb);
        x->wb = NULL;
        unlink(x->path);
    }
}

void
wm_xlsx_reply(struct wm_req *r, struct wm_xlsx *x, int le, const char *name)
{
    lxw_error ce = workbook_close(x->wb);
    x->wb = NULL;
    size_t len = 0;
    char *data = LXW_NO_ERROR == le && LXW_NO_ERROR == ce ? wm_read_file(x->path, &len) : NULL;
    unlink(x->path);
    if (NULL == data) {
        wm_log(WM_LOG_ERROR, "%s export failed: %s", x->what,
               lxw_strerror(LXW_NO_ERROR != le ? (lxw_error)le : ce));
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
        return;
    }
    wm_reply_attachment(r, name,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data,
                        len);
}

const char *
wm_safe_next(const char *next)
{
    if (next && '/' == next[0] && '/' != next[1] && '\\' != next[1] && strlen(next) < 1024 &&
        !wm_has_control(next)) {
        return next;
    }
    return "/home";
}
