/*
** page_archives.c — the creation archive in the browser: the folder tree of a unit's year
** with counts and completeness, a leaf (documents "01:主题", upload with drag-and-drop and
** progress, a plain form without JavaScript, order), one document (preview, metadata,
** versions, move, trash), and the trash.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handlers.h"

static const char *
media_label(const char *m)
{
    return wm_streq(m, "photo") ? _("图片") : wm_streq(m, "audiovisual") ? _("音像") : _("文字");
}

static int64_t
current_year(void)
{
    time_t t = (time_t)(wm_now() + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

/* The archive years of a unit, as links (on the unit page). */
void
ui_unit_archives(struct wm_req *r, struct wm_buf *b, const json_t *unit)
{
    json_t *list = r->db->ops->archive_list(r->db, ji(unit, "id"));
    int64_t year = current_year();
    wm_h(b, "<section class=\"card\"><h2>%s</h2><ul class=\"years\">", _("创建档案"));
    bool has_current = false;
    size_t i;
    json_t *a;
    json_array_foreach(list, i, a)
    {
        has_current = has_current || ji(a, "year") == year;
        wm_h(b, "<li><a href=\"/units/%I/archives/%I\">%I %s</a> <span class=\"hint\">%s · %I %s"
                "</span></li>",
             ji(unit, "id"), ji(a, "year"), ji(a, "year"), _("年度"), js(a, "framework_name"),
             ji(a, "documents"), _("件"));
    }
    bool writer = wm_actor_is(&r->actor, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN) |
                                             WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER));
    if (!has_current && writer) {
        wm_h(b, "<li><a href=\"/units/%I/archives/%I\">%I %s</a></li>", ji(unit, "id"), year, year,
             _("年度(打开即建立)"));
    } else if (0 == json_array_size(list)) {
        wm_h(b, "<li class=\"hint\">%s</li>", _("还没有建立创建档案"));
    }
    wm_h(b, "</ul></section>\n");
    json_decref(list);
}

static json_t *
archive_or_reply(struct wm_req *r)
{
    return wm_req_archive(r, true);
}

void
page_archive_get(struct wm_req *r)
{
    json_t *ar = archive_or_reply(r);
    if (NULL == ar) {
        return;
    }
    json_t *tree = wm_archive_tree(r->db, ar);
    struct wm_buf b = {0};
    char *title = wm_asprintf("%s · %lld %s", js(ar, "unit_name"), (long long)ji(ar, "year"),
                              _("年度创建档案"));
    ui_begin(r, &b, title);
    free(title);
    wm_h(&b, "<section class=\"card\"><dl class=\"kv\"><dt>%s</dt><dd><a href=\"/frameworks/%I\">"
             "%s(%s)</a></dd><dt>%s</dt><dd><b>%I%%</b>(%I / %I %s)</dd><dt>%s</dt><dd>%I</dd>"
             "</dl><progress class=\"meter\" max=\"100\" value=\"%I\">%I%%</progress>"
             "<p class=\"row\"><a class=\"button\" href=\"/api/v1/units/%I/archives/%I/export.zip\" "
             "data-export>%s</a> <a class=\"button secondary\" href=\"/units/%I/archives/%I/import\">"
             "%s</a> <a class=\"button secondary\" href=\"/units/%I/archives/%I/trash\">%s</a></p>"
             "<p class=\"hint\" id=\"export-progress\" hidden></p></section>\n",
         _("测评体系"), ji(ar, "edition_id"), js(ar, "framework_name"), js(ar, "framework_version"),
         _("完整度"), ji(tree, "percent"), ji(tree, "complete"), ji(tree, "leaves"),
         _("项测评内容达标"), _("文件数"), ji(tree, "documents"), ji(tree, "percent"),
         ji(tree, "percent"), ji(ar, "unit_id"), ji(ar, "year"), _("导出标准档案包(ZIP)"),
         ji(ar, "unit_id"), ji(ar, "year"), _("导入档案包"), ji(ar, "unit_id"), ji(ar, "year"),
         _("回收站"));
    /* The folder tree: nested by level, leaves with counts and what they need. */
    wm_h(&b, "<div class=\"fwtree archive\" id=\"fwtree\">");
    json_t *inds = json_object_get(tree, "indicators");
    int depth = 0;
    size_t i;
    json_t *x;
    json_array_foreach(inds, i, x)
    {
        int d = (int)ji(x, "depth");
        while (depth >= d) {
            wm_h(&b, "</details>\n");
            depth--;
        }
        if (!ji(x, "leaf")) {
            wm_h(&b, "<details class=\"ind\" open><summary><code>%s</code> <b>%s</b></summary>\n",
                 js(x, "code"), js(x, "title"));
            depth = d;
            continue;
        }
        bool ok = json_is_true(json_object_get(x, "complete"));
        wm_h(&b, "<div class=\"leaf %s\"><div class=\"head\"><a href=\"/units/%I/archives/%I/leaf/%U\">"
                 "<code>%s</code> <b>%s</b></a> <span class=\"badge %s\">%I / %I %s</span>",
             ok ? "ok" : "todo", ji(ar, "unit_id"), ji(ar, "year"), js(x, "code"), js(x, "code"),
             js(x, "title"), ok ? "published" : "draft", ji(x, "documents"), ji(x, "required"),
             _("件"));
        size_t k;
        json_t *m;
        json_array_foreach(json_object_get(x, "media"), k, m)
        {
            bool has = false;
            size_t q;
            json_t *p;
            json_array_foreach(json_object_get(x, "media_present"), q, p)
            {
                has = has || json_equal(p, m);
            }
            wm_h(&b, " <span class=\"tag %s\">%s%s</span>", has ? "have" : "need",
                 media_label(json_string_value(m)), has ? " ✓" : "");
        }
        wm_h(&b, "</div>");
        if (*js(x, "requirement")) {
            wm_h(&b, "<p class=\"hint\">%s</p>", js(x, "requirement"));
        }
        if (*js(x, "materials")) {
            wm_h(&b, "<p class=\"hint\">%s%s</p>", _("应有材料:"), js(x, "materials"));
        }
        wm_h(&b, "</div>\n");
    }
    while (depth > 0) {
        wm_h(&b, "</details>\n");
        depth--;
    }
    wm_h(&b, "</div>\n");
    json_decref(tree);
    json_decref(ar);
    ui_end(r, &b, 200);
}

/* ---------------------------------------------------------------- a leaf */

static json_t *
leaf_row(struct wm_req *r, const json_t *ar, const char *code)
{
    json_t *inds = r->db->ops->ind_list(r->db, ji(ar, "edition_id"), true), *found = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(inds, i, x)
    {
        if (wm_streq(js(x, "code"), code)) {
            found = json_incref(x);
        }
    }
    json_decref(inds);
    return found;
}

static void
upload_form(struct wm_req *r, struct wm_buf *b, const json_t *ar, const char *code)
{
    wm_h(b, "<section class=\"card\"><h2>%s</h2><form method=\"post\" "
            "action=\"/units/%I/archives/%I/leaf/%U\" enctype=\"multipart/form-data\" "
            "class=\"grid upload\" id=\"upload\" data-api=\"/api/v1/units/%I/archives/%I/indicators/%U/documents\">",
         _("上传材料"), ji(ar, "unit_id"), ji(ar, "year"), code, ji(ar, "unit_id"), ji(ar, "year"),
         code);
    ui_csrf(r, b);
    wm_h(b, "<label class=\"wide drop\">%s<input type=\"file\" name=\"file\" multiple required>"
            "<span class=\"hint\">%s</span></label>"
            "<label>%s<input name=\"title\" maxlength=\"200\" placeholder=\"%s\"></label>"
            "<label>%s<input name=\"date_formed\" type=\"date\"></label>"
            "<label>%s<select name=\"media\"><option value=\"\">%s</option>"
            "<option value=\"text\">%s</option><option value=\"photo\">%s</option>"
            "<option value=\"audiovisual\">%s</option></select></label>"
            "<label>%s<input name=\"dept\" maxlength=\"50\"></label>"
            "<label>%s<input name=\"author\" maxlength=\"50\"></label>"
            "<label>%s<input name=\"keywords\" maxlength=\"200\"></label>"
            "<label>%s<select name=\"retention\"><option>永久</option><option>30年</option>"
            "<option>10年</option></select></label>"
            "<label class=\"wide\">%s<input name=\"remarks\" maxlength=\"1000\"></label>"
            "<button type=\"submit\">%s</button><ul class=\"progress\" id=\"upload-progress\"></ul>"
            "</form></section>\n",
         _("文件(可多选,也可拖放到这里)"), _("PDF、OFD、Word、Excel、WPS、图片、音视频;类型按内容识别"),
         _("主题"), _("默认取文件名"), _("形成日期"), _("载体"), _("按内容识别"), _("文字"),
         _("图片"), _("音像"), _("责任部门"), _("责任者"), _("关键词"), _("保管期限"), _("备注"),
         _("上传"));
}

void
page_leaf_get(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r, true);
    if (NULL == ar) {
        return;
    }
    const char *code = r->segs[0];
    json_t *leaf = leaf_row(r, ar, code);
    if (NULL == leaf) {
        json_decref(ar);
        wm_reply_err(r, WM_E_NOT_FOUND, NULL, _("该档案没有这个末级指标"));
        return;
    }
    struct wm_fail f = {0};
    bool can_write = WM_OK == wm_doc_may_write(r->db, &r->actor, ar, code, &f);
    json_t *docs = r->db->ops->doc_list(r->db, ji(ar, "id"), code, false);
    struct wm_buf b = {0};
    char *title = wm_asprintf("%s %s", code, js(leaf, "title"));
    ui_begin(r, &b, title);
    free(title);
    wm_h(&b, "<p><a href=\"/units/%I/archives/%I\">← %s · %I %s</a></p>", ji(ar, "unit_id"),
         ji(ar, "year"), js(ar, "unit_name"), ji(ar, "year"), _("年度创建档案"));
    wm_h(&b, "<section class=\"card\"><dl class=\"kv\">");
    if (*js(leaf, "requirement")) {
        wm_h(&b, "<dt>%s</dt><dd>%s</dd>", _("测评内容"), js(leaf, "requirement"));
    }
    if (*js(leaf, "materials")) {
        wm_h(&b, "<dt>%s</dt><dd>%s</dd>", _("应有材料"), js(leaf, "materials"));
    }
    wm_h(&b, "<dt>%s</dt><dd>%I</dd></dl></section>\n", _("最少件数"),
         json_is_integer(json_object_get(leaf, "min_documents")) ? ji(leaf, "min_documents")
                                                                 : (int64_t)1);
    wm_h(&b, "<table class=\"docs\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
             "<th>%s</th></tr></thead><tbody id=\"doclist\">",
         _("文件"), _("载体"), _("形成日期"), _("大小"), _("版本"));
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        char *name = wm_doc_display_name(d);
        wm_h(&b, "<tr data-id=\"%I\"><td><img class=\"thumb\" "
                 "src=\"/api/v1/documents/%I/thumbnail\" alt=\"\" loading=\"lazy\">",
             ji(d, "id"), ji(d, "id"));
        wm_h(&b, "<a href=\"/documents/%I\">%s</a></td><td>%s</td><td>%s</td><td>%I KB</td>"
                 "<td>v%I</td></tr>\n",
             ji(d, "id"), name, media_label(js(d, "media")), js(d, "date_formed"),
             (ji(d, "size") + 1023) / 1024, ji(d, "version"));
        free(name);
    }
    if (0 == json_array_size(docs)) {
        wm_h(&b, "<tr><td colspan=\"5\" class=\"empty\">%s</td></tr>", _("还没有文件"));
    }
    wm_h(&b, "</tbody></table>\n");
    if (can_write && json_array_size(docs) > 1) {
        /* Reorder without JavaScript: type the new order of the serials. */
        wm_h(&b, "<form method=\"post\" action=\"/units/%I/archives/%I/leaf/%U/order\" class=\"row\">",
             ji(ar, "unit_id"), ji(ar, "year"), code);
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s<input name=\"order\" placeholder=\"", _("调整顺序(按新顺序填写原序号,用逗号分隔)"));
        json_array_foreach(docs, i, d)
        {
            wm_h(&b, "%s%I", i ? "," : "", ji(d, "serial"));
        }
        wm_h(&b, "\" required></label><button type=\"submit\" class=\"secondary\">%s</button></form>",
             _("重新编号"));
    }
    if (can_write) {
        upload_form(r, &b, ar, code);
    } else if (WM_E_FORBIDDEN == f.err && wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER))) {
        wm_h(&b, "<p class=\"hint\">%s</p>", f.msg);
    }
    json_decref(docs);
    json_decref(leaf);
    json_decref(ar);
    ui_end(r, &b, 200);
}

void
page_leaf_post(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r, true);
    if (NULL == ar) {
        return;
    }
    json_t *docs = wm_upload_documents(r, ar, r->segs[0]);
    if (docs) {
        struct wm_buf to = {0}, msg = {0};
        wm_buf_printf(&to, "/units/%lld/archives/%lld/leaf/", (long long)ji(ar, "unit_id"),
                      (long long)ji(ar, "year"));
        wm_url_encode(&to, r->segs[0]);
        wm_buf_printf(&msg, _("已上传 %u 件"), (unsigned)json_array_size(docs));
        ui_redirect_msg(r, wm_buf_str(&to), "ok", wm_buf_str(&msg));
        wm_buf_free(&to);
        wm_buf_free(&msg);
        json_decref(docs);
    }
    json_decref(ar);
}

void
page_leaf_order_post(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r, false);
    if (NULL == ar) {
        return;
    }
    json_t *docs = r->db->ops->doc_list(r->db, ji(ar, "id"), r->segs[0], false);
    size_t n = json_array_size(docs), k = 0;
    int64_t *ids = wm_calloc(n ? n : 1, sizeof *ids);
    const char *order = wm_form(r, "order");
    bool ok = order != NULL;
    for (const char *p = order ? order : ""; ok && *p;) {
        char num[24];
        size_t len = strcspn(p, ",，、 ");
        int64_t serial;
        if (len && len < sizeof num) {
            memcpy(num, p, len);
            num[len] = '\0';
            ok = wm_parse_i64(num, 1, INT64_MAX, &serial) && k < n;
            size_t i;
            json_t *d;
            bool found = false;
            json_array_foreach(docs, i, d)
            {
                if (ok && ji(d, "serial") == serial) {
                    ids[k++] = ji(d, "id");
                    found = true;
                }
            }
            ok = ok && found;
        }
        p += len;
        while (*p && strchr(",， ", *p)) {
            p++;
        }
        if (0 == strncmp(p, "，", 3) || 0 == strncmp(p, "、", 3)) {
            p += 3;
        }
    }
    struct wm_fail f = {0};
    struct wm_buf to = {0};
    wm_buf_printf(&to, "/units/%lld/archives/%lld/leaf/", (long long)ji(ar, "unit_id"),
                  (long long)ji(ar, "year"));
    wm_url_encode(&to, r->segs[0]);
    if (!ok || k != n) {
        ui_redirect_msg(r, wm_buf_str(&to), "err", _("请按新顺序列出全部原序号,每个一次"));
    } else if (WM_OK != wm_doc_reorder(r->db, &r->actor, ar, r->segs[0], ids, n, &f)) {
        ui_redirect_msg(r, wm_buf_str(&to), "err", f.msg);
    } else {
        ui_redirect_msg(r, wm_buf_str(&to), "ok", _("已重新编号"));
    }
    wm_buf_free(&to);
    free(ids);
    json_decref(docs);
    json_decref(ar);
}

/* ---------------------------------------------------------------- a document */

void
page_document_get(struct wm_req *r)
{
    json_t *d = wm_doc_get_scoped(r->db, &r->actor, r->ids[0]);
    if (NULL == d) {
        wm_reply_err(r, WM_E_NOT_FOUND, NULL, _("文件不存在,或不在您的管辖范围内"));
        return;
    }
    json_t *ar = r->db->ops->archive_get(r->db, ji(d, "unit_id"), ji(d, "year"));
    json_object_set(ar, "unit_path", json_object_get(d, "unit_path"));
    struct wm_fail f = {0};
    bool trashed = json_is_integer(json_object_get(d, "deleted_at"));
    bool can_write = !trashed && ar &&
                     WM_OK == wm_doc_may_write(r->db, &r->actor, ar, js(d, "indicator_code"), &f);
    char *name = trashed ? wm_strdup(js(d, "title")) : wm_doc_display_name(d);
    char *code = wm_doc_archival_code(d, js(d, "unit_code"), ji(d, "year"));
    struct wm_buf b = {0};
    ui_begin(r, &b, name);
    wm_h(&b, "<p><a href=\"/units/%I/archives/%I/leaf/%U\">← %s %s</a></p>", ji(d, "unit_id"),
         ji(d, "year"), js(d, "indicator_code"), js(d, "unit_name"), js(d, "indicator_code"));
    if (trashed) {
        wm_h(&b, "<p class=\"flash warn\">%s</p>", _("此文件在回收站中。"));
    }
    /* Preview in the page for what a browser shows by itself. */
    const char *mime = js(d, "mime");
    char *src = wm_asprintf("/api/v1/documents/%lld/content?inline=1", (long long)ji(d, "id"));
    if (wm_startswith(mime, "image/") && !wm_streq(mime, "image/heic") && !wm_streq(mime, "image/tiff")) {
        wm_h(&b, "<figure class=\"preview\"><img src=\"%s\" alt=\"%s\"></figure>", src, name);
    } else if (wm_streq(mime, "application/pdf")) {
        wm_h(&b, "<figure class=\"preview\"><object data=\"%s\" type=\"application/pdf\">"
                 "<a href=\"%s\">%s</a></object></figure>",
             src, src, _("打开 PDF"));
    } else if (wm_startswith(mime, "audio/")) {
        wm_h(&b, "<figure class=\"preview\"><audio controls src=\"%s\"></audio></figure>", src);
    } else if (wm_startswith(mime, "video/")) {
        wm_h(&b, "<figure class=\"preview\"><video controls src=\"%s\"></video></figure>", src);
    }
    free(src);
    wm_h(&b, "<section class=\"card\"><dl class=\"kv\"><dt>%s</dt><dd><code>%s</code></dd>"
             "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
             "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
             "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s · %I KB</dd></dl>"
             "<p><a class=\"button\" href=\"/api/v1/documents/%I/content\">%s</a></p></section>\n",
         _("档号"), code, _("形成日期"), js(d, "date_formed"), _("载体"), media_label(js(d, "media")),
         _("责任部门"), js(d, "dept"), _("责任者"), js(d, "author"), _("关键词"), js(d, "keywords"),
         _("保管期限"), js(d, "retention"), _("备注"), js(d, "remarks"), _("文件"),
         js(d, "filename"), (ji(d, "size") + 1023) / 1024, ji(d, "id"), _("下载"));
    /* Versions. */
    json_t *vs = r->db->ops->version_list(r->db, ji(d, "id"));
    wm_h(&b, "<section class=\"card\"><h2>%s</h2><table><thead><tr><th>%s</th><th>%s</th>"
             "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
         _("版本"), _("版本"), _("文件名"), _("类型"), _("上传时间"), _("上传人"));
    size_t i;
    json_t *v;
    json_array_foreach(vs, i, v)
    {
        wm_h(&b, "<tr><td><a href=\"/api/v1/documents/%I/content?version=%I\">v%I</a></td>"
                 "<td>%s</td><td>%s</td><td>",
             ji(d, "id"), ji(v, "version"), ji(v, "version"), js(v, "filename"), js(v, "mime"));
        ui_time(&b, ji(v, "created_at"));
        wm_h(&b, "</td><td>%s</td></tr>", js(v, "created_by_name"));
    }
    wm_h(&b, "</tbody></table>");
    if (can_write) {
        wm_h(&b, "<form method=\"post\" action=\"/documents/%I/versions\" "
                 "enctype=\"multipart/form-data\" class=\"row\">",
             ji(d, "id"));
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s<input type=\"file\" name=\"file\" required></label>"
                 "<button type=\"submit\" class=\"secondary\">%s</button></form>",
             _("上传新版本"), _("上传"));
    }
    wm_h(&b, "</section>\n");
    json_decref(vs);
    if (can_write) {
        wm_h(&b, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/documents/%I\" "
                 "class=\"grid\">",
             _("修改著录信息"), ji(d, "id"));
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s<input name=\"title\" value=\"%s\" maxlength=\"200\" required></label>"
                 "<label>%s<input name=\"date_formed\" type=\"date\" value=\"%s\"></label>"
                 "<label>%s<input name=\"dept\" value=\"%s\" maxlength=\"50\"></label>"
                 "<label>%s<input name=\"author\" value=\"%s\" maxlength=\"50\"></label>"
                 "<label>%s<input name=\"keywords\" value=\"%s\" maxlength=\"200\"></label>"
                 "<label class=\"wide\">%s<input name=\"remarks\" value=\"%s\" maxlength=\"1000\">"
                 "</label><button type=\"submit\" name=\"action\" value=\"save\">%s</button></form>",
             _("主题"), js(d, "title"), _("形成日期"), js(d, "date_formed"), _("责任部门"),
             js(d, "dept"), _("责任者"), js(d, "author"), _("关键词"), js(d, "keywords"),
             _("备注"), js(d, "remarks"), _("保存"));
        /* Move to another leaf of the same archive. */
        json_t *leaves = r->db->ops->ind_list(r->db, ji(ar, "edition_id"), true);
        wm_h(&b, "<form method=\"post\" action=\"/documents/%I\" class=\"row\">", ji(d, "id"));
        ui_csrf(r, &b);
        wm_h(&b, "<label>%s<select name=\"code\">", _("移到其他测评内容"));
        json_t *l;
        json_array_foreach(leaves, i, l)
        {
            wm_h(&b, "<option value=\"%s\"%r>%s %s</option>", js(l, "code"),
                 wm_streq(js(l, "code"), js(d, "indicator_code")) ? " selected" : "", js(l, "code"),
                 js(l, "title"));
        }
        wm_h(&b, "</select></label><button type=\"submit\" name=\"action\" value=\"move\" "
                 "class=\"secondary\">%s</button></form>",
             _("移动"));
        json_decref(leaves);
        wm_h(&b, "<form method=\"post\" action=\"/documents/%I\" class=\"row\" data-confirm=\"%s\">",
             ji(d, "id"), _("确定把这个文件移入回收站?"));
        ui_csrf(r, &b);
        wm_h(&b, "<button type=\"submit\" name=\"action\" value=\"delete\" class=\"danger\">%s"
                 "</button></form></section>\n",
             _("删除(移入回收站)"));
    }
    if (trashed && wm_actor_is(&r->actor, WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN))) {
        wm_h(&b, "<form method=\"post\" action=\"/documents/%I\" class=\"row\">", ji(d, "id"));
        ui_csrf(r, &b);
        wm_h(&b, "<button type=\"submit\" name=\"action\" value=\"restore\">%s</button>", _("恢复"));
        if (wm_actor_is(&r->actor, WM_ROLE_BIT(WM_ROLE_ADMIN))) {
            wm_h(&b, " <button type=\"submit\" name=\"action\" value=\"purge\" class=\"danger\" "
                     "data-confirm-click=\"%s\">%s</button>",
                 _("彻底删除后无法恢复,确定?"), _("彻底删除"));
        }
        wm_h(&b, "</form>");
    }
    free(name);
    free(code);
    json_decref(ar);
    json_decref(d);
    ui_end(r, &b, 200);
}

void
page_document_post(struct wm_req *r)
{
    const char *action = wm_form(r, "action");
    struct wm_fail f = {0};
    enum wm_err e;
    char *to = wm_asprintf("/documents/%lld", (long long)r->ids[0]);
    const char *ok = _("已保存");
    if (wm_streq(action, "move")) {
        e = wm_doc_move(r->db, &r->actor, r->ids[0], wm_form(r, "code"), &f);
        ok = _("已移动");
    } else if (wm_streq(action, "delete")) {
        e = wm_doc_delete(r->db, &r->actor, r->ids[0], &f);
        ok = _("已移入回收站");
    } else if (wm_streq(action, "restore")) {
        e = wm_doc_restore(r->db, &r->actor, r->ids[0], &f);
        ok = _("已恢复");
    } else if (wm_streq(action, "purge")) {
        json_t *d = wm_doc_get_scoped(r->db, &r->actor, r->ids[0]);
        e = wm_doc_purge(r->db, &r->actor, r->ids[0], &f);
        if (WM_OK == e && d) {
            free(to);
            to = wm_asprintf("/units/%lld/archives/%lld/trash", (long long)ji(d, "unit_id"),
                             (long long)ji(d, "year"));
        }
        json_decref(d);
        ok = _("已彻底删除");
    } else {
        struct wm_doc_meta m = {.title = wm_form(r, "title"), .date_formed = wm_form(r, "date_formed"),
                                .dept = wm_form(r, "dept"), .author = wm_form(r, "author"),
                                .keywords = wm_form(r, "keywords"), .remarks = wm_form(r, "remarks")};
        e = wm_doc_update(r->db, &r->actor, r->ids[0], &m, &f);
    }
    ui_done(r, e, &f, to, ok);
    free(to);
}

void
page_document_versions_post(struct wm_req *r)
{
    if (wm_upload_version(r)) {
        char *to = wm_asprintf("/documents/%lld", (long long)r->ids[0]);
        ui_redirect_msg(r, to, "ok", _("已上传新版本"));
        free(to);
    }
}

void
page_archive_trash_get(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r, false);
    if (NULL == ar) {
        return;
    }
    json_t *docs = r->db->ops->doc_list(r->db, ji(ar, "id"), NULL, true);
    struct wm_buf b = {0};
    char *title = wm_asprintf("%s · %lld %s", js(ar, "unit_name"), (long long)ji(ar, "year"),
                              _("回收站"));
    ui_begin(r, &b, title);
    free(title);
    wm_h(&b, "<p class=\"hint\">%s</p><table><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr>"
             "</thead><tbody>",
         _("删除的文件在这里保留;单位创建办可在30天内恢复,文明办随时可恢复。"), _("文件"),
         _("原测评内容"), _("删除时间"));
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        wm_h(&b, "<tr><td><a href=\"/documents/%I\">%s</a></td><td><code>%s</code></td><td>",
             ji(d, "id"), js(d, "title"), js(d, "indicator_code"));
        ui_time(&b, ji(d, "deleted_at"));
        wm_h(&b, "</td></tr>\n");
    }
    if (0 == json_array_size(docs)) {
        wm_h(&b, "<tr><td colspan=\"3\" class=\"empty\">%s</td></tr>", _("回收站是空的"));
    }
    wm_h(&b, "</tbody></table><p><a href=\"/units/%I/archives/%I\">← %s</a></p>", ji(ar, "unit_id"),
         ji(ar, "year"), _("返回档案"));
    json_decref(docs);
    json_decref(ar);
    ui_end(r, &b, 200);
}

/* end of page_archives.c */

/* ---------------------------------------------------------------- import a package */

void
page_archive_import_get(struct wm_req *r)
{
    json_t *ar = wm_req_archive(r, true);
    if (NULL == ar) {
        return;
    }
    struct wm_buf b = {0};
    char *title = wm_asprintf("%s · %lld %s", js(ar, "unit_name"), (long long)ji(ar, "year"),
                              _("导入档案包"));
    ui_begin(r, &b, title);
    free(title);
    wm_h(&b, "<section class=\"card\"><p class=\"hint\">%s</p><form method=\"post\" "
             "action=\"/units/%I/archives/%I/import\" enctype=\"multipart/form-data\" class=\"row\">",
         _("上传一个 ZIP:本系统导出的标准档案包,或按指标分文件夹整理的档案(文件夹名含指标编号和/或名称,"
           "如“1.2 创建规划”)。文件按文件夹对应到末级指标,逐个报告导入或跳过的原因。"),
         ji(ar, "unit_id"), ji(ar, "year"));
    ui_csrf(r, &b);
    wm_h(&b, "<label>%s<input type=\"file\" name=\"file\" accept=\".zip\" required></label>"
             "<button type=\"submit\">%s</button></form></section>\n",
         _("档案包(ZIP)"), _("导入"));
    json_decref(ar);
    ui_end(r, &b, 200);
}

void
page_archive_import_post(struct wm_req *r)
{
    unsigned n;
    struct wm_fail f = {0};
    json_t *report = NULL;
    char path[64];
    json_t *ar = wm_req_archive(r, true);
    if (NULL == ar) {
        return;
    }
    if (!wm_uploads_check(r, &n) || !wm_uploads_path(r, 0, path, sizeof path)) {
        json_decref(ar);
        return;
    }
    enum wm_err e = wm_archive_import_policy(r->db, &r->actor, wm_app.blobs, ar, path,
                                              wm_app.allowed, wm_app.max_file, &report, &f);
    if (WM_OK != e && NULL == report) {
        json_decref(ar);
        ui_fail(r, &f);
        return;
    }
    struct wm_buf b = {0};
    ui_begin(r, &b, _("导入结果"));
    if (WM_OK != e) {
        wm_h(&b, "<p class=\"flash err\">%s</p>", f.msg);
    } else {
        wm_h(&b, "<p class=\"flash ok\">%s %I，%s %I</p>", _("已导入"), ji(report, "imported"),
             _("跳过"), ji(report, "skipped"));
    }
    wm_h(&b, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
         _("文件"), _("结果"), _("指标"), _("原因"));
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(report, "files"), i, x)
    {
        const char *st = js(x, "status");
        wm_h(&b, "<tr><td>%s</td><td>%s</td><td><code>%s</code></td><td>%s</td></tr>\n",
             js(x, "path"),
             wm_streq(st, "imported")       ? _("已导入")
             : wm_streq(st, "refused")      ? _("被拒绝（整包未导入）")
             : wm_streq(st, "not_imported") ? _("未导入")
                                            : _("跳过"),
             js(x, "code"), js(x, "reason"));
    }
    wm_h(&b, "</tbody></table><p><a href=\"/units/%I/archives/%I\">← %s</a></p>", ji(ar, "unit_id"),
         ji(ar, "year"), _("返回档案"));
    json_decref(report);
    json_decref(ar);
    ui_end(r, &b, WM_OK == e ? 200 : wm_err_status(e));
}
