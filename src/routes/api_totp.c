/*
** api_totp.c — the JSON side of the TOTP second factor (issue 13, totp): the caller's state
** (with the secret and its otpauth URI only while its own enrolment waits for the first
** code), starting and confirming the enrolment (the recovery codes answered once), new
** recovery codes (with a current code), turning it off (the password and a code), and a
** manager's reset of another account.  Signing in with a code: POST /api/v1/session's
** "totp" field (api_session.c).  API tokens stay single-factor.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

void
api_me_totp_get(struct wm_req *r)
{
    struct wm_fail f = {0};
    json_t *st = wm_totp_status(r->db, &r->actor, &f);
    if (st) {
        json_t *at = json_object_get(st, "enabled_at");
        if (json_is_integer(at)) {
            char t[32];
            wm_time_rfc3339(json_integer_value(at), t);
            json_object_set_new(st, "enabled_at", json_string(t));
        }
        json_t *p = json_object_get(st, "pending");
        if (json_is_object(p)) {
            json_object_del(p, "svg"); /* the page's; the URI is what a script needs */
        }
    }
    wm_reply_read(r, 200, st, &f);
}

void
api_me_totp_start_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_totp_start(r->db, &r->actor, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    api_me_totp_get(r);
}

/* POST {code}: an operation that hands out new recovery codes (shown once); enabled: the
** reply says the second factor is now on. */
static void
codes_post(struct wm_req *r,
           enum wm_err (*op)(struct wm_db *, const struct wm_actor *, const char *, json_t **,
                             struct wm_fail *),
           bool enabled)
{
    static const struct wm_jfield spec[] = {{"code", WM_J_STR, true, 20}, {NULL}};
    struct wm_fail f = {0};
    json_t *codes = NULL;
    if (!wm_json_check(r, spec)) {
        return;
    }
    if (WM_OK != op(r->db, &r->actor, wm_jstr(r, "code"), &codes, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    json_t *out = json_pack("{s:o}", "recovery_codes", codes);
    if (enabled) {
        json_object_set_new(out, "enabled", json_true());
    }
    wm_reply_json(r, 200, out);
}

void
api_me_totp_confirm_post(struct wm_req *r)
{
    codes_post(r, wm_totp_confirm, true);
}

void
api_me_totp_recovery_post(struct wm_req *r)
{
    codes_post(r, wm_totp_recovery_new, false);
}

void
api_me_totp_disable_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {{"password", WM_J_STR, true, 1024},
                                            {"code", WM_J_STR, true, 40},
                                            {NULL}};
    struct wm_fail f = {0};
    if (!wm_json_check(r, spec)) {
        return;
    }
    if (WM_OK != wm_totp_disable(r->db, &r->actor, wm_jstr(r, "password"), wm_jstr(r, "code"),
                                 &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:b}", "enabled", 0));
}

void
api_user_totp_reset_post(struct wm_req *r)
{
    struct wm_fail f = {0};
    if (WM_OK != wm_totp_reset(r->db, &r->actor, r->ids[0], &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/* end of api_totp.c */
