/*
** tx.h — write transactions for the service layer: begin, then finish with the result
** (commit on WM_OK, roll back otherwise).  BEGIN IMMEDIATE waits up to the busy timeout.
*/
#ifndef WM_CORE_TX_H
#define WM_CORE_TX_H

#include "wm_core.h"

static inline enum wm_err
tx_begin(struct wm_db *db, struct wm_fail *f)
{
    enum wm_qs qs = db->ops->begin(db, true);
    if (WM_QS_ONE == qs) {
        return WM_OK;
    }
    return wm_fail_set(f, WM_QS_SOFT == qs ? WM_E_UNAVAILABLE : WM_E_INTERNAL, NULL, "%s",
                       _("数据库暂不可用"));
}

static inline enum wm_err
tx_end(struct wm_db *db, enum wm_err e, struct wm_fail *f)
{
    if (WM_OK != e) {
        db->ops->rollback(db);
        return e;
    }
    if (WM_QS_ONE != db->ops->commit(db)) {
        db->ops->rollback(db);
        return wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("提交失败"));
    }
    return WM_OK;
}

/* Borrowed string member of a JSON object ("" when absent). */
static inline const char *
jss(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static inline int64_t
jsi(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

#endif
