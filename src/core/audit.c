/*
** audit.c — the append-only, hash-chained audit log.
**
** Each entry's hash is SHA-256 over the previous entry's hash and the entry's canonical
** JSON (sorted keys, compact), so editing or removing any row breaks every later link;
** `wenming verify audit` walks the chain and names the first entry that does not match.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wm_core.h"

static char *
canonical(int64_t at, json_int_t user_id, const char *username, const char *action,
          const char *object_type, json_int_t object_id, const char *org_path,
          const char *summary, const char *request_id, const char *addr, const char *prev)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s}", "at",
                          (json_int_t)at, "user_id", user_id, "username", username, "action",
                          action, "object_type", object_type, "object_id", object_id,
                          "org_path", org_path, "summary", summary, "request_id", request_id,
                          "addr", addr, "prev_hash", prev);
    if (NULL == o) {
        wm_panic("audit entry is not valid UTF-8");
    }
    char *s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(o);
    return s;
}

enum wm_err
wm_audit(struct wm_db *db, const struct wm_actor *a, const char *action,
         const char *object_type, int64_t object_id, const char *org_path, json_t *before,
         json_t *after)
{
    json_t *sum = json_object();
    if (before) {
        json_object_set(sum, "before", before);
    }
    if (after) {
        json_object_set(sum, "after", after);
    }
    char *summary = json_dumps(sum, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(sum);
    char prev[65];
    enum wm_err e = WM_OK;
    if (WM_QS_ONE != db->ops->audit_last_hash(db, prev)) {
        free(summary);
        return WM_E_INTERNAL;
    }
    struct wm_audit_entry ent = {
        .at = wm_now(),
        .user_id = a->p ? a->p->user_id : 0,
        .username = a->p ? a->p->username : "(cli)",
        .action = action,
        .object_type = object_type,
        .object_id = object_id,
        .org_path = org_path ? org_path : "/",
        .summary = summary,
        .request_id = a->request_id ? a->request_id : "-",
        .addr = a->addr ? a->addr : "-",
    };
    char *canon = canonical(ent.at, ent.user_id, ent.username, ent.action, ent.object_type,
                            ent.object_id, ent.org_path, ent.summary, ent.request_id, ent.addr,
                            prev);
    struct wm_buf b = {0};
    wm_buf_adds(&b, prev);
    wm_buf_addc(&b, '\n');
    wm_buf_adds(&b, canon);
    char hash[65];
    wm_sha256_hex(b.data, b.len, hash);
    int64_t id;
    if (WM_QS_ONE != db->ops->audit_insert(db, &ent, prev, hash, &id)) {
        e = WM_E_INTERNAL;
    }
    wm_buf_free(&b);
    free(canon);
    free(summary);
    return e;
}

static const char *
js(const json_t *row, const char *k)
{
    const char *s = json_string_value(json_object_get(row, k));
    return s ? s : "";
}

void
wm_audit_row_hash(const json_t *row, char out[65])
{
    char *canon = canonical(json_integer_value(json_object_get(row, "at")),
                            json_integer_value(json_object_get(row, "user_id")),
                            js(row, "username"), js(row, "action"), js(row, "object_type"),
                            json_integer_value(json_object_get(row, "object_id")),
                            js(row, "org_path"), js(row, "summary"), js(row, "request_id"),
                            js(row, "addr"), js(row, "prev_hash"));
    struct wm_buf b = {0};
    wm_buf_adds(&b, js(row, "prev_hash"));
    wm_buf_addc(&b, '\n');
    wm_buf_adds(&b, canon);
    wm_sha256_hex(b.data, b.len, out);
    wm_buf_free(&b);
    free(canon);
}

int64_t
wm_audit_verify(struct wm_db *db, int64_t *count, char *why, size_t whylen)
{
    char prev[65] = "";
    int64_t after = 0, n = 0;
    for (;;) {
        json_t *rows = db->ops->audit_scan(db, after, 1000);
        if (NULL == rows) {
            snprintf(why, whylen, "cannot read the audit log");
            return -1;
        }
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row)
        {
            int64_t id = json_integer_value(json_object_get(row, "id"));
            char h[65];
            n++;
            if (!wm_streq(js(row, "prev_hash"), prev)) {
                snprintf(why, whylen,
                         "entry %lld does not follow the entry before it (an entry was removed "
                         "or edited)",
                         (long long)id);
                json_decref(rows);
                return id;
            }
            wm_audit_row_hash(row, h);
            if (!wm_streq(h, js(row, "hash"))) {
                snprintf(why, whylen, "entry %lld was changed after it was written",
                         (long long)id);
                json_decref(rows);
                return id;
            }
            snprintf(prev, sizeof prev, "%s", h);
            after = id;
        }
        size_t got = json_array_size(rows);
        json_decref(rows);
        if (got < 1000) {
            break;
        }
    }
    if (count) {
        *count = n;
    }
    return 0;
}

/* end of audit.c */
