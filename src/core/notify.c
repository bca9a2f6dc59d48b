/*
** notify.c — notifications (issue 9): who is told what, in the inbox and by e-mail.
**
** A change that someone should hear about (a document returned or approved, a guidance
** reply, a period due soon or overdue, a featured item) calls wm_notify_unit, _office or
** _user inside its own write transaction, so the notification exists exactly when the
** change does.  The store writes one row per recipient with the recipient's preference
** for the kind (inbox on/off, e-mail on/off) as it is then; nobody with both off gets a
** row.  The daily digest (the job "notify.digest") mails what was written for the e-mail.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_core.h"

const char *const wm_notify_kinds[] = {"returned", "due_soon", "overdue",
                                       "approved", "guidance", "featured", NULL};

bool
wm_notify_kind_valid(const char *kind)
{
    for (size_t i = 0; kind && wm_notify_kinds[i]; i++) {
        if (wm_streq(kind, wm_notify_kinds[i])) {
            return true;
        }
    }
    return false;
}

const char *
wm_notify_kind_label(const char *kind)
{
    static const struct {
        const char *kind;
        const char *label;
    } labels[] = {
        {"returned", N_("文件被退回")}, {"approved", N_("文件审核通过")},
        {"guidance", N_("指导意见回复")}, {"due_soon", N_("即将到期")},
        {"overdue", N_("已逾期")},      {"featured", N_("经验做法入选")},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        if (wm_streq(kind, labels[i].kind)) {
            return _(labels[i].label);
        }
    }
    return kind ? kind : "";
}

static int
notify(struct wm_db *db, enum wm_notify_to to, int64_t target, const char *kind,
       const char *otype, int64_t oid, const char *text, const char *link, int64_t except_user)
{
    if (!wm_notify_kind_valid(kind) || NULL == text) {
        wm_log(WM_LOG_ERROR, "internal: notification of unknown kind '%s'", kind ? kind : "");
        return -1;
    }
    const struct wm_notify_in in = {
        .kind = kind,
        .object_type = otype,
        .object_id = otype ? oid : 0,
        .text = text,
        .link = link,
        .except_user = except_user,
    };
    int64_t n = 0;
    enum wm_qs qs = db->ops->notify_insert(db, to, target, &in, wm_now(), &n);
    return WM_QS_ONE == qs ? 0 : -1;
}

int
wm_notify_unit(struct wm_db *db, int64_t unit_id, const char *kind, const char *otype,
               int64_t oid, const char *text, const char *link, int64_t except_user)
{
    return notify(db, WM_NOTIFY_UNIT, unit_id, kind, otype, oid, text, link, except_user);
}

int
wm_notify_office(struct wm_db *db, int64_t unit_id, const char *kind, const char *otype,
                 int64_t oid, const char *text, const char *link, int64_t except_user)
{
    return notify(db, WM_NOTIFY_OFFICE, unit_id, kind, otype, oid, text, link, except_user);
}

int
wm_notify_user(struct wm_db *db, int64_t user_id, const char *kind, const char *otype,
               int64_t oid, const char *text, const char *link, int64_t except_user)
{
    return notify(db, WM_NOTIFY_USER, user_id, kind, otype, oid, text, link, except_user);
}

/* end of notify.c */
