/*
** tx.h — write transactions for the service layer: begin, then finish with the result
** (commit on WM_OK, roll back otherwise).  BEGIN IMMEDIATE waits up to the busy timeout.
*/
#ifndef WM_CORE_TX_H
#define WM_CORE_TX_H

#include "wm_core.h"

/* How often a write transaction that lost a race (WM_QS_SOFT: busy, a deadlock, a
** serialization failure) runs, in all, before the caller gets WM_E_UNAVAILABLE (503): as
** often as wm_db_run_tx tries. */
#define WM_TX_ATTEMPTS WM_DB_TX_TRIES

/* Whether the calling thread's last transaction lost a race (set by tx_begin / tx_end). */
extern _Thread_local bool wm_tx_lost;

static inline enum wm_err
tx_busy(struct wm_fail *f)
{
    wm_tx_lost = true;
    return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, "%s", _("数据库繁忙，请稍后再试"));
}

static inline enum wm_err
tx_begin(struct wm_db *db, struct wm_fail *f)
{
    wm_tx_lost = false;
    enum wm_qs qs = db->ops->begin(db, true);
    if (WM_QS_ONE == qs) {
        return WM_OK;
    }
    if (WM_QS_SOFT == qs) {
        return tx_busy(f);
    }
    return wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("数据库暂不可用"));
}

/* Commit on WM_OK, else roll back.  A failure whose last statement lost a race (or a commit
** that did) rolls back and answers WM_E_UNAVAILABLE with wm_tx_lost set: the retry loops
** below run the transaction again. */
static inline enum wm_err
tx_end(struct wm_db *db, enum wm_err e, struct wm_fail *f)
{
    if (WM_OK != e) {
        bool soft = WM_QS_SOFT == db->status;
        db->ops->rollback(db);
        if (soft) {
            return tx_busy(f);
        }
        if (f && WM_OK == f->err) { /* a step that did not say why: the audit entry */
            wm_fail_set(f, e, NULL, "%s", _("无法写入审计日志，操作未完成"));
        }
        return e;
    }
    enum wm_qs qs = db->ops->commit(db);
    if (WM_QS_ONE != qs) {
        db->ops->rollback(db);
        return WM_QS_SOFT == qs ? tx_busy(f)
                                : wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("提交失败"));
    }
    return WM_OK;
}

/* After an attempt: true when it lost a race and may run again, after the store's short
** randomized pause (wm_db_backoff); false when it did not, or after WM_TX_ATTEMPTS. */
bool tx_again(unsigned *attempt);

/* Run a write operation (a call that begins and ends its own transaction, returning enum
** wm_err) until it did not lose a race, at most WM_TX_ATTEMPTS times; e gets the result. */
#define TX_RETRY(e, call) TX_RETRY_CLEAN(e, call, (void)0)
/* The same, with a statement that undoes what a lost attempt left (an out-parameter). */
#define TX_RETRY_CLEAN(e, call, clean)                                                       \
    for (unsigned tx_n_ = 0;;) {                                                             \
        wm_tx_lost = false;                                                                  \
        (e) = (call);                                                                        \
        if (!tx_again(&tx_n_)) {                                                             \
            break;                                                                           \
        }                                                                                    \
        clean;                                                                               \
    }

/* The same around a block: TX_RETRY_BEGIN(db, e, f) { ...; e = ...; } TX_RETRY_END(db, e, f);
** the block runs inside the transaction (again on a lost race) and sets e. */
#define TX_RETRY_BEGIN(db, e, f)                                                             \
    for (unsigned tx_n_ = 0;;) {                                                             \
        if (WM_OK != ((e) = tx_begin((db), (f)))) {                                          \
            if (tx_again(&tx_n_)) {                                                          \
                continue;                                                                    \
            }                                                                                \
            break;                                                                           \
        }
#define TX_RETRY_END(db, e, f)                                                               \
    (e) = tx_end((db), (e), (f));                                                            \
    if (!tx_again(&tx_n_)) {                                                                 \
        break;                                                                               \
    }                                                                                        \
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
