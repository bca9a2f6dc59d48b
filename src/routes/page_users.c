/*
** page_users.c — the account pages (list, create, one account) and the audit log page
** (filters by action, person and dates; the admin's XLSX export of the filtered rows).
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "handlers.h"

static const char *
role_label_of(const char *name)
{
    enum wm_role r;
    return wm_role_parse(name, &r) ? wm_role_label(r) : name;
}

/* Roles the caller may hand out, as <option>s. */
static void
role_options(struct wm_req *r, struct wm_buf *b)
{
    for (int i = 0; i < WM_ROLE__COUNT; i++) {
        bool ok = WM_ROLE_ADMIN == r->who->role ||
                  (WM_ROLE_OFFICE == r->who->role && WM_ROLE_ADMIN != i) ||
                  (WM_ROLE_UNIT_ADMIN == r->who->role &&
                   (WM_ROLE_UNIT_MEMBER == i || WM_ROLE_UNIT_VIEWER == i));
        if (ok) {
            wm_h(b, "<option value=\"%s\">%s</option>", wm_role_name((enum wm_role)i),
                 wm_role_label((enum wm_role)i));
        }
    }
}

void
page_users_get(struct wm_req *r)
{
    struct wm_page pg;
    struct wm_buf b = {0};
    if (!wm_req_page(r, &pg, 50)) {
        return;
    }
    pg.scope = wm_scope_path(&r->actor);
    const char *role = wm_req_arg(r, "role");
    enum wm_role rr;
    if (role && *role) {
        if (!wm_role_parse(role, &rr)) {
            wm_reply_err(r, WM_E_BAD_REQUEST, "role", _("未知角色"));
            return;
        }
        pg.kind = role;
    }
    struct wm_fail f = {0};
    json_t *users = wm_user_list(r->db, &r->actor, &pg, &f);
    if (NULL == users) {
        wm_reply_fail(r, &f);
        return;
    }
    ui_begin(r, &b, _("账号"));
    wm_h(&b, "<form method=\"get\" action=\"/users\" class=\"row filter\"><label>%s"
             "<input type=\"search\" name=\"q\" value=\"%s\" placeholder=\"%s\"></label>"
             "<label>%s<select name=\"role\"><option value=\"\">%s</option>",
         _("搜索"), pg.q ? pg.q : "", _("用户名或姓名"), _("角色"), _("全部角色"));
    for (int i = 0; i < WM_ROLE__COUNT; i++) {
        wm_h(&b, "<option value=\"%s\"%r>%s</option>", wm_role_name((enum wm_role)i),
             wm_streq(role, wm_role_name((enum wm_role)i)) ? " selected" : "",
             wm_role_label((enum wm_role)i));
    }
    wm_h(&b, "</select></label><button type=\"submit\">%s</button></form>\n", _("筛选"));
    wm_h(&b, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
             "<th>%s</th></tr></thead><tbody>",
         _("用户名"), _("姓名"), _("角色"), _("所属"), _("科室"), _("状态"));
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u)
    {
        wm_h(&b, "<tr><td><a href=\"/users/%I\">%s</a></td><td>%s</td><td>%s</td><td>%s</td>"
                 "<td>%s</td><td>%s</td></tr>\n",
             ji(u, "id"), js(u, "username"), js(u, "display_name"), role_label_of(js(u, "role")),
             js(u, "org_name"), js(u, "dept_name"),
             ji(u, "disabled") ? _("已停用") : (ji(u, "must_change_pw") ? _("待改初始密码") : _("正常")));
    }
    if (0 == json_array_size(users)) {
        wm_h(&b, "<tr><td colspan=\"6\" class=\"empty\">%s</td></tr>", _("没有符合条件的账号"));
    }
    wm_h(&b, "</tbody></table>\n");
    ui_pager(r, &b, users, pg.limit);

    /* Create: the org select lists the offices and units in scope. */
    struct wm_page opg = {.scope = wm_scope_path(&r->actor), .limit = 200};
    const char *unit_arg = wm_req_arg(r, "unit");
    int64_t preselect = r->who->org_id, v;
    if (unit_arg && wm_parse_i64(unit_arg, 1, INT64_MAX, &v)) {
        preselect = v;
    }
    json_t *orgs = wm_org_list(r->db, &r->actor, &opg, NULL);
    wm_h(&b, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/users\" "
             "class=\"grid\">",
         _("新建账号"));
    ui_csrf(r, &b);
    wm_h(&b, "<label>%s<input name=\"username\" required maxlength=\"64\" "
             "pattern=\"[A-Za-z0-9._@\\-]{2,64}\" autocomplete=\"off\"></label>"
             "<label>%s<input name=\"display_name\" required maxlength=\"50\"></label>"
             "<label>%s<select name=\"role\">",
         _("用户名"), _("姓名"), _("角色"));
    role_options(r, &b);
    wm_h(&b, "</select></label><label>%s<select name=\"org_id\">", _("所属机构或单位"));
    json_t *o;
    json_array_foreach(orgs, i, o)
    {
        wm_h(&b, "<option value=\"%I\"%r>%s%s</option>", ji(o, "id"),
             ji(o, "id") == preselect ? " selected" : "",
             wm_streq(js(o, "kind"), "office") ? "▸ " : "", js(o, "name"));
    }
    wm_h(&b, "</select></label><p class=\"hint wide\">%s</p><button type=\"submit\">%s</button>"
             "</form></section>\n",
         _("系统会生成初始密码，只显示一次；对方首次登录时须修改。"), _("新建"));
    json_decref(orgs);
    json_decref(users);
    ui_end(r, &b, 200);
}

static void
user_page(struct wm_req *r, int64_t id, const char *initial_password, int64_t revoked,
          unsigned status)
{
    struct wm_buf b = {0};
    struct wm_fail f = {0};
    json_t *u = wm_user_get_scoped(r->db, &r->actor, id, &f);
    if (NULL == u) {
        wm_reply_fail(r, &f);
        return;
    }
    bool self = id == r->who->user_id;
    ui_begin(r, &b, js(u, "display_name"));
    if (initial_password) {
        wm_h(&b, "<p class=\"flash ok\">%s <code class=\"secret\">%s</code><br>%s</p>\n",
             _("初始密码："), initial_password,
             _("只显示这一次，请当面或通过安全渠道告知本人；首次登录时须修改。"));
    }
    if (revoked > 0) {
        char *msg = ui_tokens_revoked_msg(_("密码已重置"), revoked);
        wm_h(&b, "<p class=\"flash ok\" role=\"status\">%s</p>\n", msg);
        free(msg);
    }
    wm_h(&b, "<section class=\"card\"><dl class=\"kv\"><dt>%s</dt><dd>%s</dd><dt>%s</dt>"
             "<dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
             "</dl></section>\n",
         _("用户名"), js(u, "username"), _("角色"), role_label_of(js(u, "role")), _("所属"),
         js(u, "org_name"), _("科室"), js(u, "dept_name"), _("状态"),
         ji(u, "disabled") ? _("已停用") : _("正常"));
    if (!self) {
        wm_h(&b, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/users/%I\" "
                 "class=\"grid\">",
             _("修改"), id);
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s<input name=\"display_name\" value=\"%s\" required maxlength=\"50\">"
                 "</label>",
             _("姓名"), js(u, "display_name"));
        if (wm_streq(js(u, "org_kind"), "unit")) {
            json_t *unit = wm_unit_get_scoped(r->db, &r->actor, ji(u, "org_id"), NULL);
            json_t *depts = json_incref(json_object_get(unit, "depts"));
            json_decref(unit);
            wm_h(&b, "<label>%s<select name=\"dept_id\"><option value=\"0\">%s</option>",
                 _("科室"), _("（无）"));
            size_t i;
            json_t *d;
            json_array_foreach(depts, i, d)
            {
                wm_h(&b, "<option value=\"%I\"%r>%s</option>", ji(d, "id"),
                     ji(d, "id") == ji(u, "dept_id") ? " selected" : "", js(d, "name"));
            }
            wm_h(&b, "</select></label>");
            json_decref(depts);
        }
        wm_h(&b, "<button type=\"submit\" name=\"action\" value=\"save\">%s</button></form>"
                 "<form method=\"post\" action=\"/users/%I\" class=\"row\">",
             _("保存"), id);
        ui_csrf(r, &b);
        wm_h(&b, "<button type=\"submit\" name=\"action\" value=\"%s\" class=\"%s\">%s</button>"
                 "<button type=\"submit\" name=\"action\" value=\"reset\" class=\"secondary\">"
                 "%s</button></form></section>\n",
             ji(u, "disabled") ? "enable" : "disable", ji(u, "disabled") ? "" : "danger",
             ji(u, "disabled") ? _("启用账号") : _("停用账号"), _("重置密码"));
        /* issue 13, totp: a manager resets the second factor (the account enrols again) */
        if (json_is_integer(json_object_get(u, "totp_enabled_at"))) {
            wm_h(&b, "<section class=\"card\"><h2>%s</h2><p>%s</p>"
                     "<form method=\"post\" action=\"/users/%I/2fa/reset\" class=\"row\" "
                     "data-confirm=\"%s\">",
                 _("两步验证"), _("已启用。手机丢失且没有恢复码时，可重置两步验证。"), id,
                 _("确定重置此账号的两步验证？"));
            ui_csrf(r, &b);
            wm_h(&b, "<button type=\"submit\" class=\"danger\">%s</button></form></section>\n",
                 _("重置两步验证"));
        }
    }
    json_decref(u);
    ui_end(r, &b, status);
}

void
page_users_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    int64_t id, org = 0;
    char *gen = NULL;
    const char *os = wm_form(r, "org_id");
    if (!os || !wm_parse_i64(os, 1, INT64_MAX, &org)) {
        ui_redirect_msg(r, "/users", "err", _("请选择所属机构或单位"));
        return;
    }
    struct wm_user_in in = {.username = wm_form(r, "username"),
                            .display_name = wm_form(r, "display_name"),
                            .role = wm_form(r, "role"),
                            .org_id = org};
    enum wm_err e = wm_user_create(r->db, &r->actor, &in, &id, &gen, &f);
    if (WM_OK != e) {
        ui_done(r, e, &f, "/users", NULL);
        return;
    }
    user_page(r, id, gen, 0, 201);
    free(gen);
}

void
page_user_get(struct wm_req *r)
{
    user_page(r, r->ids[0], NULL, 0, 200);
}

void
page_user_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    const char *action = wm_form(r, "action");
    enum wm_err e;
    char *to = wm_asprintf("/users/%lld", (long long)r->ids[0]);
    int64_t revoked = 0;
    if (wm_streq(action, "reset")) {
        char *pw = wm_password_generate();
        e = wm_user_set_password(r->db, &r->actor, r->ids[0], NULL, pw, &revoked, &f);
        if (WM_OK == e) {
            user_page(r, r->ids[0], pw, revoked, 200);
        }
        free(pw);
    } else if (wm_streq(action, "disable") || wm_streq(action, "enable")) {
        bool off = wm_streq(action, "disable");
        e = wm_user_update(r->db, &r->actor, r->ids[0], NULL, off, -1, &revoked, &f);
        if (WM_OK == e) {
            char *msg = ui_tokens_revoked_msg(off ? _("账号已停用") : _("账号已启用"), revoked);
            ui_redirect_msg(r, to, "ok", msg);
            free(msg);
        }
    } else {
        int64_t dept = -1;
        const char *ds = wm_form(r, "dept_id");
        if (ds && !wm_parse_i64(ds, 0, INT64_MAX, &dept)) {
            dept = -1;
        }
        e = wm_user_update(r->db, &r->actor, r->ids[0], wm_form(r, "display_name"), -1, dept,
                           NULL, &f);
        if (WM_OK == e) {
            ui_redirect_msg(r, to, "ok", _("已保存"));
        }
    }
    if (WM_OK != e) {
        if (WM_E_BAD_REQUEST == f.err) {
            ui_redirect_msg(r, to, "err", f.msg);
        } else {
            ui_fail(r, &f);
        }
    }
    free(to);
}

/* ---------------------------------------------------------------- audit */

/* A name from an entry's summary: after, else before ("" when none). */
static const char *
summary_name(const json_t *sum)
{
    static const char *const keys[] = {"display_name", "name", "title", "username", NULL};
    const char *sides[] = {"after", "before"};
    for (int s = 0; s < 2; s++) {
        const json_t *o = json_object_get(sum, sides[s]);
        for (int k = 0; keys[k]; k++) {
            const char *v = json_string_value(json_object_get(o, keys[k]));
            if (v && *v) {
                return v;
            }
        }
    }
    return "";
}

/*
** The object an entry is about: its name now (or as the entry recorded it, when it is
** gone) and the page that shows it (NULL when there is none).
*/
static void
audit_object(struct wm_db *db, const struct wm_actor *actor, const json_t *x, const json_t *sum,
             char **name, char **href)
{
    json_t *o = wm_audit_object(db, actor, js(x, "object_type"), ji(x, "object_id"), sum, NULL);
    *name = o ? wm_strdup(js(o, "name")) : NULL;
    *href = o && json_object_get(o, "href") ? wm_strdup(js(o, "href")) : NULL;
    json_decref(o);
    if (ji(x, "object_id") <= 0) {
        free(*name);
        *name = wm_strdup("");
    } else if (NULL == *name) {
        const char *n = summary_name(sum);
        *name = *n ? wm_strdup(n) : wm_asprintf("#%lld", (long long)ji(x, "object_id"));
    }
}

/* An entry's action in words (the code itself for an entry older than this table). */
static const char *
action_words(const json_t *x)
{
    const char *l = wm_audit_action_label(js(x, "action"));
    return l ? l : js(x, "action");
}

void
page_audit_get(struct wm_req *r)
{
    struct wm_page pg;
    struct wm_audit_filter flt;
    struct wm_buf b = {0};
    if (!wm_req_page(r, &pg, 50) || !wm_req_audit_filter(r, &flt)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *rows = wm_audit_list(r->db, &r->actor, &pg, &flt, &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    const char *from = wm_req_arg(r, "from"), *to = wm_req_arg(r, "to");
    size_t i;
    json_t *x;
    ui_begin(r, &b, _("审计日志"));
    wm_h(&b, "<form method=\"get\" action=\"/audit\" class=\"row filter\"><label>%s"
             "<select name=\"action\"><option value=\"\">%s</option>",
         _("操作"), _("全部操作"));
    for (int k = 0; wm_audit_actions[k]; k++) {
        wm_h(&b, "<option value=\"%s\"%r>%s</option>", wm_audit_actions[k],
             wm_streq(flt.action, wm_audit_actions[k]) ? " selected" : "",
             wm_audit_action_label(wm_audit_actions[k]));
    }
    wm_h(&b, "</select></label><label>%s<input name=\"user\" value=\"%s\" maxlength=\"64\" "
             "placeholder=\"%s\" list=\"audit-users\" autocomplete=\"off\"></label>"
             "<label>%s<input type=\"date\" name=\"from\" value=\"%s\"></label>"
             "<label>%s<input type=\"date\" name=\"to\" value=\"%s\"></label>"
             "<button type=\"submit\">%s</button>",
         _("操作人"), flt.username ? flt.username : "", _("用户名"), _("起始日期"),
         from ? from : "", _("截止日期"), to ? to : "", _("筛选"));
    /* The people in scope, offered as the person filter's choices. */
    struct wm_page upg = {.scope = pg.scope, .limit = 200};
    json_t *people = wm_user_list(r->db, &r->actor, &upg, NULL);
    wm_h(&b, "<datalist id=\"audit-users\">");
    json_array_foreach(people, i, x)
    {
        wm_h(&b, "<option value=\"%s\">%s</option>", js(x, "username"), js(x, "display_name"));
    }
    wm_h(&b, "</datalist>");
    json_decref(people);
    if (WM_ROLE_ADMIN == r->who->role) {
        struct wm_buf q = {0};
        static const char *const keep[] = {"action", "user", "from", "to", NULL};
        for (int k = 0; keep[k]; k++) {
            const char *v = wm_req_arg(r, keep[k]);
            if (v && *v) {
                wm_buf_printf(&q, "%c%s=", q.len ? '&' : '?', keep[k]);
                wm_url_encode(&q, v);
            }
        }
        wm_h(&b, "<a class=\"button secondary\" href=\"/audit.xlsx%s\">%s</a>", wm_buf_str(&q),
             _("导出 XLSX"));
        wm_h(&b, " <a class=\"button secondary\" href=\"/audit.csv%s\">%s</a>", wm_buf_str(&q),
             _("导出 CSV"));
        wm_buf_free(&q);
    }
    wm_h(&b, "</form>\n<table class=\"audit\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
             "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
         _("序号"), _("时间"), _("操作人"), _("操作"), _("对象"), _("来源"));
    json_array_foreach(rows, i, x)
    {
        json_t *sum = json_loads(js(x, "summary"), 0, NULL);
        char *name, *href;
        audit_object(r->db, &r->actor, x, sum, &name, &href);
        wm_h(&b, "<tr><td class=\"num\">%I</td><td>", ji(x, "id"));
        ui_time(&b, ji(x, "at"));
        json_t *who = ji(x, "user_id")
                          ? wm_user_get_scoped(r->db, &r->actor, ji(x, "user_id"), NULL)
                          : NULL;
        if (who) { /* linked only where the caller may open the account */
            wm_h(&b, "</td><td><a href=\"/users/%I\">%s</a></td>", ji(x, "user_id"),
                 js(x, "username"));
            json_decref(who);
        } else if (ji(x, "user_id")) {
            wm_h(&b, "</td><td>%s</td>", js(x, "username"));
        } else {
            wm_h(&b, "</td><td>%s</td>", _("命令行"));
        }
        wm_h(&b, "<td title=\"%s\">%s</td><td>%s ", js(x, "action"), action_words(x),
             wm_audit_object_label(js(x, "object_type")));
        if (href) {
            wm_h(&b, "<a href=\"%s\">%s</a>", href, name);
        } else {
            wm_h(&b, "%s", name);
        }
        wm_h(&b, "</td><td>%s <small class=\"hint\">%s</small></td></tr>\n",
             wm_streq(js(x, "addr"), "cli") ? _("命令行") : js(x, "addr"), js(x, "request_id"));
        free(name);
        free(href);
        json_decref(sum);
    }
    if (0 == json_array_size(rows)) {
        wm_h(&b, "<tr><td colspan=\"6\" class=\"empty\">%s</td></tr>", _("没有符合条件的记录"));
    }
    wm_h(&b, "</tbody></table>\n");
    ui_pager(r, &b, rows, pg.limit);
    json_decref(rows);
    ui_end(r, &b, 200);
}

/* The most rows one export writes (a larger selection is cut, and the sheet says so): about
** 3 s of work inside the request (5,000 rows took 1.5 s). */
#define AUDIT_XLSX_MAX 10000

/* GET /audit.xlsx?action=&user=&from=&to=: the filtered entries as a workbook (admin). */
void
page_audit_xlsx_get(struct wm_req *r)
{
    struct wm_audit_filter flt;
    if (!wm_req_audit_filter(r, &flt)) {
        return;
    }
    struct wm_xlsx xl;
    lxw_workbook *wb = wm_xlsx_begin(r, &xl, "audit");
    if (NULL == wb) {
        return;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, _("审计日志"));
    lxw_error le = ws ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (ws) {
        lxw_format *bold = workbook_add_format(wb);
        format_set_bold(bold);
        const char *head[] = {_("序号"),   _("时间"),     _("操作人"),   _("操作"),
                              _("操作代码"), _("对象类型"), _("对象"),     _("来源地址"),
                              _("请求编号")};
        static const double widths[] = {8, 18, 14, 22, 18, 12, 36, 16, 20};
        for (lxw_col_t k = 0; k < WM_ARRAY_LEN(head); k++) {
            worksheet_set_column(ws, k, k, widths[k], NULL);
            le = worksheet_write_string(ws, 0, k, head[k], bold);
        }
        worksheet_freeze_panes(ws, 1, 0);
    }
    struct wm_page pg = {.limit = 1000};
    lxw_row_t row = 1;
    while (LXW_NO_ERROR == le && row <= AUDIT_XLSX_MAX) {
        json_t *rows = wm_audit_list(r->db, &r->actor, &pg, &flt, NULL);
        if (NULL == rows) {
            le = LXW_ERROR_MEMORY_MALLOC_FAILED;
            break;
        }
        size_t i;
        json_t *x;
        json_array_foreach(rows, i, x)
        {
            if (row > AUDIT_XLSX_MAX || LXW_NO_ERROR != le) {
                break;
            }
            json_t *sum = json_loads(js(x, "summary"), 0, NULL);
            char *name, *href;
            audit_object(r->db, &r->actor, x, sum, &name, &href);
            struct wm_buf t = {0};
            ui_time(&t, ji(x, "at"));
            const char *cells[] = {NULL,
                                   wm_buf_str(&t),
                                   ji(x, "user_id") ? js(x, "username") : _("命令行"),
                                   action_words(x),
                                   js(x, "action"),
                                   wm_audit_object_label(js(x, "object_type")),
                                   name,
                                   js(x, "addr"),
                                   js(x, "request_id")};
            le = worksheet_write_number(ws, row, 0, (double)ji(x, "id"), NULL);
            for (lxw_col_t k = 1; k < WM_ARRAY_LEN(cells) && LXW_NO_ERROR == le; k++) {
                struct wm_buf c = {0};
                le = worksheet_write_string(ws, row, k, wm_cell_text(cells[k], &c), NULL);
                wm_buf_free(&c);
            }
            row++;
            pg.after = ji(x, "id");
            wm_buf_free(&t);
            free(name);
            free(href);
            json_decref(sum);
        }
        size_t got = json_array_size(rows);
        json_decref(rows);
        if (got < pg.limit) {
            break;
        }
    }
    if (LXW_NO_ERROR == le && row > AUDIT_XLSX_MAX) {
        char *note = wm_asprintf(_("仅导出了最新的 %d 条记录，请缩小筛选范围后再导出。"),
                                 AUDIT_XLSX_MAX);
        le = worksheet_write_string(ws, row, 0, note, NULL);
        free(note);
    }
    char day[16];
    time_t now = (time_t)(wm_now() + 8 * 3600);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(day, sizeof day, "%Y%m%d", &tm);
    char *fname = wm_asprintf(_("审计日志_%s.xlsx"), day);
    wm_xlsx_reply(r, &xl, le, fname);
    free(fname);
}

/* One CSV cell (RFC 4180): text through wm_cell_text (no formula injection), quoted when it
** holds a comma, a quote, a line break or edge spaces. */
static void
audit_csv_cell(struct wm_buf *b, const char *s)
{
    struct wm_buf tmp = {0};
    s = wm_cell_text(s ? s : "", &tmp);
    size_t n = strlen(s);
    if (NULL == strpbrk(s, ",\"\r\n") && (0 == n || (' ' != s[0] && ' ' != s[n - 1]))) {
        wm_buf_adds(b, s);
    } else {
        wm_buf_addc(b, '"');
        for (; *s; s++) {
            if ('"' == *s) {
                wm_buf_addc(b, '"');
            }
            wm_buf_addc(b, *s);
        }
        wm_buf_addc(b, '"');
    }
    wm_buf_free(&tmp);
}

/* GET /audit.csv?action=&user=&from=&to=: the same entries and columns as /audit.xlsx, as
** UTF-8 CSV with a BOM (so that Excel reads it as UTF-8), admin only. */
void
page_audit_csv_get(struct wm_req *r)
{
    struct wm_audit_filter flt;
    if (!wm_req_audit_filter(r, &flt)) {
        return;
    }
    struct wm_buf b = {0};
    wm_buf_adds(&b, "\xEF\xBB\xBF");
    const char *head[] = {_("序号"),   _("时间"),     _("操作人"),   _("操作"),
                          _("操作代码"), _("对象类型"), _("对象"),     _("来源地址"),
                          _("请求编号")};
    for (size_t k = 0; k < WM_ARRAY_LEN(head); k++) {
        if (k) {
            wm_buf_addc(&b, ',');
        }
        audit_csv_cell(&b, head[k]);
    }
    wm_buf_adds(&b, "\r\n");
    struct wm_page pg = {.limit = 1000};
    int row = 1;
    bool ok = true;
    while (row <= AUDIT_XLSX_MAX) {
        json_t *rows = wm_audit_list(r->db, &r->actor, &pg, &flt, NULL);
        if (NULL == rows) {
            ok = false;
            break;
        }
        size_t i;
        json_t *x;
        json_array_foreach(rows, i, x)
        {
            if (row > AUDIT_XLSX_MAX) {
                break;
            }
            json_t *sum = json_loads(js(x, "summary"), 0, NULL);
            char *name, *href;
            audit_object(r->db, &r->actor, x, sum, &name, &href);
            struct wm_buf t = {0};
            ui_time(&t, ji(x, "at"));
            wm_buf_printf(&b, "%lld", (long long)ji(x, "id"));
            const char *cells[] = {wm_buf_str(&t),
                                   ji(x, "user_id") ? js(x, "username") : _("命令行"),
                                   action_words(x),
                                   js(x, "action"),
                                   wm_audit_object_label(js(x, "object_type")),
                                   name,
                                   js(x, "addr"),
                                   js(x, "request_id")};
            for (size_t k = 0; k < WM_ARRAY_LEN(cells); k++) {
                wm_buf_addc(&b, ',');
                audit_csv_cell(&b, cells[k]);
            }
            wm_buf_adds(&b, "\r\n");
            row++;
            pg.after = ji(x, "id");
            wm_buf_free(&t);
            free(name);
            free(href);
            json_decref(sum);
        }
        size_t got = json_array_size(rows);
        json_decref(rows);
        if (got < pg.limit) {
            break;
        }
    }
    if (!ok) {
        wm_buf_free(&b);
        wm_reply_err(r, WM_E_INTERNAL, NULL, NULL);
        return;
    }
    if (row > AUDIT_XLSX_MAX) {
        char *note = wm_asprintf(_("仅导出了最新的 %d 条记录，请缩小筛选范围后再导出。"),
                                 AUDIT_XLSX_MAX);
        audit_csv_cell(&b, note);
        wm_buf_adds(&b, "\r\n");
        free(note);
    }
    char day[16];
    time_t now = (time_t)(wm_now() + 8 * 3600);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(day, sizeof day, "%Y%m%d", &tm);
    char *fname = wm_asprintf(_("审计日志_%s.csv"), day);
    size_t len = b.len;
    wm_reply_attachment(r, fname, "text/csv; charset=utf-8", wm_buf_steal(&b), len);
    free(fname);
}

/* end of page_users.c */
