/*
** page_users.c — the account pages (list, create, one account) and the audit log page.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

char *
ui_tokens_revoked_msg(const char *what, int64_t n)
{
    if (n <= 0) {
        return wm_strdup(what);
    }
    return wm_asprintf(_("%s；该账号的 %lld 个 API 令牌已撤销，请重新创建。"), what, (long long)n);
}

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
    json_t *users = r->db->ops->user_list(r->db, &pg);
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
    json_t *orgs = r->db->ops->org_list(r->db, &opg);
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
         _("系统会生成初始密码,只显示一次;对方首次登录时须修改。"), _("新建"));
    json_decref(orgs);
    json_decref(users);
    ui_end(r, &b, 200);
}

static void
user_page(struct wm_req *r, int64_t id, const char *initial_password, int64_t revoked,
          unsigned status)
{
    struct wm_buf b = {0};
    json_t *u = wm_user_get_scoped(r->db, &r->actor, id);
    if (NULL == u) {
        wm_reply_err(r, WM_E_NOT_FOUND, NULL, NULL);
        return;
    }
    bool self = id == r->who->user_id;
    ui_begin(r, &b, js(u, "display_name"));
    if (initial_password) {
        wm_h(&b, "<p class=\"flash ok\">%s <code class=\"secret\">%s</code><br>%s</p>\n",
             _("初始密码:"), initial_password,
             _("只显示这一次,请当面或通过安全渠道告知本人;首次登录时须修改。"));
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
            json_t *depts = r->db->ops->dept_list(r->db, ji(u, "org_id"));
            wm_h(&b, "<label>%s<select name=\"dept_id\"><option value=\"0\">%s</option>",
                 _("科室"), _("(无)"));
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

void
page_audit_get(struct wm_req *r)
{
    struct wm_page pg;
    struct wm_buf b = {0};
    if (!wm_req_page(r, &pg, 50)) {
        return;
    }
    pg.scope = wm_scope_path(&r->actor);
    const char *action = wm_req_arg(r, "action"), *user = wm_req_arg(r, "user");
    if (action && !*action) {
        action = NULL;
    }
    if (user && !*user) {
        user = NULL;
    }
    json_t *rows = r->db->ops->audit_list(r->db, &pg, action, user, pg.after);
    ui_begin(r, &b, _("审计日志"));
    wm_h(&b, "<form method=\"get\" action=\"/audit\" class=\"row filter\"><label>%s"
             "<input name=\"action\" value=\"%s\" placeholder=\"unit.create\"></label>"
             "<label>%s<input name=\"user\" value=\"%s\"></label>"
             "<button type=\"submit\">%s</button></form>\n",
         _("操作"), action ? action : "", _("用户名"), user ? user : "", _("筛选"));
    wm_h(&b, "<table class=\"audit\"><thead><tr><th>#</th><th>%s</th><th>%s</th><th>%s</th>"
             "<th>%s</th><th>%s</th></tr></thead><tbody>",
         _("时间"), _("用户"), _("操作"), _("对象"), _("来源"));
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        wm_h(&b, "<tr><td>%I</td><td>", ji(x, "id"));
        ui_time(&b, ji(x, "at"));
        wm_h(&b, "</td><td>%s</td><td><code>%s</code></td><td>%s #%I</td><td>%s <code>%s</code>"
                 "</td></tr>\n",
             js(x, "username"), js(x, "action"), js(x, "object_type"), ji(x, "object_id"),
             js(x, "addr"), js(x, "request_id"));
    }
    if (0 == json_array_size(rows)) {
        wm_h(&b, "<tr><td colspan=\"6\" class=\"empty\">%s</td></tr>", _("没有记录"));
    }
    wm_h(&b, "</tbody></table>\n");
    ui_pager(r, &b, rows, pg.limit);
    json_decref(rows);
    ui_end(r, &b, 200);
}

/* end of page_users.c */
