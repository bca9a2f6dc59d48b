/*
** api_notify.c — the caller's notifications over JSON (issue 9): the inbox (GET
** /api/v1/notifications), marking read (POST /api/v1/notifications/read), and the e-mail
** address and per-kind preferences (GET/PUT /api/v1/me/notification-prefs).  Each person
** sees only their own; the rules are src/core/notify.c's.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

json_t *
wm_api_notification(json_t *n)
{
    static const char *const keys[] = {"at", "read_at", NULL};
    for (size_t i = 0; n && keys[i]; i++) {
        json_t *v = json_object_get(n, keys[i]);
        if (json_is_integer(v)) {
            char t[32];
            wm_time_rfc3339(json_integer_value(v), t);
            json_object_set_new(n, keys[i], json_string(t));
        }
    }
    if (n) {
        json_object_set_new(n, "kind_label",
                            json_string(wm_notify_kind_label(js(n, "kind"))));
    }
    return n;
}

json_t *
wm_api_notifications(json_t *items)
{
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x)
    {
        wm_api_notification(x);
    }
    return items;
}

/* {"unread": n} beside a reply; false when the count failed (a reply was queued). */
static bool
add_unread(struct wm_req *r, json_t *body)
{
    int64_t unread = wm_notify_unread_count(r->db, &r->actor);
    if (unread < 0) {
        json_decref(body);
        wm_reply_err(r, WM_E_INTERNAL, NULL, _("数据库读取失败"));
        return false;
    }
    json_object_set_new(body, "unread", json_integer(unread));
    return true;
}

void
api_notifications_get(struct wm_req *r)
{
    int64_t unread = 0;
    unsigned limit, offset;
    if (!wm_req_int(r, "unread", 0, 1, &unread) ||
        !wm_req_window(r, WM_NOTIFY_PAGE, &limit, &offset)) {
        return;
    }
    struct wm_fail f = {0};
    json_t *rows = wm_notify_inbox(r->db, &r->actor, 1 == unread, limit, offset, &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *body = wm_api_window(wm_api_notifications(rows), limit, offset);
    if (add_unread(r, body)) {
        wm_reply_json(r, 200, body);
    }
}

void
api_notifications_read_post(struct wm_req *r)
{
    json_t *ids = json_object_get(r->json, "ids"), *all = json_object_get(r->json, "all");
    if (!json_is_object(r->json) || 1 != json_object_size(r->json) ||
        (ids ? !json_is_array(ids) : !json_is_true(all))) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "ids",
                     _("请提交 {\"ids\": [消息编号, ...]} 或 {\"all\": true}"));
        return;
    }
    size_t n = json_array_size(ids), i;
    int64_t *arr = wm_calloc(n ? n : 1, sizeof *arr);
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        if (!json_is_integer(v)) {
            free(arr);
            wm_reply_err(r, WM_E_BAD_REQUEST, "ids", _("ids 须为整数"));
            return;
        }
        arr[i] = json_integer_value(v);
    }
    struct wm_fail f = {0};
    int64_t changed = 0;
    enum wm_err e = wm_notify_mark_read(r->db, &r->actor, arr, n, NULL == ids, &changed, &f);
    free(arr);
    if (WM_OK != e) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *body = json_pack("{s:b, s:I}", "ok", 1, "read", (json_int_t)changed);
    if (add_unread(r, body)) {
        wm_reply_json(r, 200, body);
    }
}

void
api_notify_prefs_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *p = wm_notify_prefs_get(r->db, &r->actor, &f);
    wm_reply_read(r, 200, p, &f);
}

/* A preference's switch: true, false, or absent (-1); false when a 400 has been queued. */
static bool
pref_switch(struct wm_req *r, const json_t *o, const char *key, int *out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL == v ? -1 : json_is_true(v) ? 1 : 0;
    if (v && !json_is_boolean(v)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "prefs", _("inbox 与 email 须为 true 或 false"));
        return false;
    }
    return true;
}

void
api_notify_prefs_put(struct wm_req *r)
{
    json_t *email = json_object_get(r->json, "email"), *prefs = json_object_get(r->json, "prefs");
    size_t keys = (email ? 1 : 0) + (prefs ? 1 : 0);
    if (!json_is_object(r->json) || keys != json_object_size(r->json) || 0 == keys ||
        (email && !json_is_string(email) && !json_is_null(email)) ||
        (json_is_string(email) && strlen(json_string_value(email)) != json_string_length(email)) ||
        (prefs && !json_is_object(prefs))) {
        wm_reply_err(r, WM_E_BAD_REQUEST, NULL,
                     _("请提交 JSON 对象，键为 email（邮箱地址或 null）和 prefs（各类通知的 "
                       "inbox、email 开关）"));
        return;
    }
    size_t n = json_object_size(prefs), i = 0;
    struct wm_notify_pref *p = wm_calloc(n ? n : 1, sizeof *p);
    const char *kind;
    json_t *v;
    json_object_foreach(prefs, kind, v)
    {
        p[i].kind = kind;
        if (!json_is_object(v) || 0 == json_object_size(v) ||
            json_object_size(v) >
                (size_t)(!!json_object_get(v, "inbox") + !!json_object_get(v, "email"))) {
            free(p);
            wm_reply_err(r, WM_E_BAD_REQUEST, "prefs",
                         _("每种消息须为 {\"inbox\": true 或 false, \"email\": true 或 false}"));
            return;
        }
        if (!pref_switch(r, v, "inbox", &p[i].inbox) || !pref_switch(r, v, "email", &p[i].email)) {
            free(p);
            return;
        }
        i++;
    }
    struct wm_fail f = {0};
    enum wm_err e = wm_notify_prefs_set(r->db, &r->actor, NULL != email,
                                        json_string_value(email), p, n, &f);
    free(p);
    if (WM_OK != e) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_read(r, 200, wm_notify_prefs_get(r->db, &r->actor, &f), &f);
}

/* end of api_notify.c */
