/*
** roles.c — roles, unit types, the principal, scopes, failures, input validation and
** password hashing (argon2id through libsodium).
*/
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "wm_core.h"

static const struct {
    const char *name;
    const char *label;
    bool office_side;
} roles[WM_ROLE__COUNT] = {
    [WM_ROLE_ADMIN] = {"admin", N_("系统管理员"), true},
    [WM_ROLE_OFFICE] = {"office", N_("文明办"), true},
    [WM_ROLE_EVALUATOR] = {"evaluator", N_("测评员"), true},
    [WM_ROLE_UNIT_ADMIN] = {"unit_admin", N_("单位创建办"), false},
    [WM_ROLE_UNIT_MEMBER] = {"unit_member", N_("科室人员"), false},
    [WM_ROLE_UNIT_VIEWER] = {"unit_viewer", N_("单位领导"), false},
};

const char *
wm_role_name(enum wm_role r)
{
    return (unsigned)r < WM_ROLE__COUNT ? roles[r].name : "?";
}

const char *
wm_role_label(enum wm_role r)
{
    return (unsigned)r < WM_ROLE__COUNT ? _(roles[r].label) : "?";
}

bool
wm_role_parse(const char *s, enum wm_role *out)
{
    for (int i = 0; s && i < WM_ROLE__COUNT; i++) {
        if (wm_streq(s, roles[i].name)) {
            *out = (enum wm_role)i;
            return true;
        }
    }
    return false;
}

bool
wm_role_is_office_side(enum wm_role r)
{
    return (unsigned)r < WM_ROLE__COUNT && roles[r].office_side;
}

const char *const wm_unit_types[] = {"机关", "企业", "事业单位", "学校", "乡镇",
                                     "街道", "村",   "社区",     "窗口单位", NULL};

bool
wm_unit_type_valid(const char *t)
{
    for (int i = 0; t && wm_unit_types[i]; i++) {
        if (wm_streq(t, wm_unit_types[i])) {
            return true;
        }
    }
    return false;
}

/* ---------------------------------------------------------------- principal */

static char *
jstr_dup(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return wm_strdup(s ? s : "");
}

struct wm_principal *
wm_principal_load(struct wm_db *db, int64_t user_id)
{
    json_t *u = db->ops->user_get(db, user_id);
    enum wm_role role;
    if (NULL == u || json_integer_value(json_object_get(u, "disabled")) ||
        !wm_role_parse(json_string_value(json_object_get(u, "role")), &role)) {
        json_decref(u);
        return NULL;
    }
    struct wm_principal *p = wm_calloc(1, sizeof *p);
    p->user_id = user_id;
    p->username = jstr_dup(u, "username");
    p->display_name = jstr_dup(u, "display_name");
    p->role = role;
    p->org_id = json_integer_value(json_object_get(u, "org_id"));
    p->org_path = jstr_dup(u, "org_path");
    p->org_name = jstr_dup(u, "org_name");
    p->dept_id = json_integer_value(json_object_get(u, "dept_id"));
    p->must_change_pw = 0 != json_integer_value(json_object_get(u, "must_change_pw"));
    /* issue 13, totp: the second factor and the password's age */
    p->totp_enabled = json_is_integer(json_object_get(u, "totp_enabled_at"));
    p->totp_enrol = !p->totp_enabled && wm_totp_required(role);
    unsigned max_age = wm_password_max_age();
    p->pw_expired = max_age > 0 && wm_now() - json_integer_value(json_object_get(u, "pw_set_at")) >
                                       (int64_t)max_age * 86400;
    json_decref(u);
    return p;
}

struct wm_principal *
wm_principal_dup(const struct wm_principal *p)
{
    struct wm_principal *c = wm_malloc(sizeof *c);
    *c = *p;
    c->username = wm_strdup(p->username);
    c->display_name = wm_strdup(p->display_name);
    c->org_path = wm_strdup(p->org_path);
    c->org_name = wm_strdup(p->org_name);
    return c;
}

void
wm_principal_free(struct wm_principal *p)
{
    if (NULL == p) {
        return;
    }
    free(p->username);
    free(p->display_name);
    free(p->org_path);
    free(p->org_name);
    free(p);
}

json_t *
wm_principal_json(const struct wm_principal *p)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:b}", "id",
                          (json_int_t)p->user_id, "username", p->username, "display_name",
                          p->display_name, "role", wm_role_name(p->role), "role_label",
                          wm_role_label(p->role), "org_id", (json_int_t)p->org_id, "org_name",
                          p->org_name, "dept_id", p->dept_id ? json_integer(p->dept_id) : json_null(),
                          "must_change_password", p->must_change_pw);
    /* issue 13, totp */
    json_object_set_new(o, "totp_enabled", json_boolean(p->totp_enabled));
    json_object_set_new(o, "totp_enrol_required", json_boolean(p->totp_enrol));
    json_object_set_new(o, "password_expired", json_boolean(p->pw_expired));
    return o;
}

/* A path no org has: evaluators' list scope until round assignments exist. */
static const char scope_nothing[] = "/-/";

const char *
wm_scope_path(const struct wm_actor *a)
{
    if (NULL == a->p || WM_ROLE_ADMIN == a->p->role) {
        return "/";
    }
    if (WM_ROLE_EVALUATOR == a->p->role) {
        return scope_nothing;
    }
    return a->p->org_path;
}

bool
wm_scope_sees(const struct wm_actor *a, const json_t *org)
{
    const char *path = json_string_value(json_object_get(org, "path"));
    const char *scope = wm_scope_path(a);
    return NULL != path && wm_startswith(path, scope);
}

bool
wm_actor_is(const struct wm_actor *a, unsigned role_bits)
{
    if (NULL == a->p) {
        return 0 != (role_bits & WM_ROLE_BIT(WM_ROLE_ADMIN));
    }
    return 0 != (role_bits & WM_ROLE_BIT(a->p->role));
}

enum wm_err
wm_fail_set(struct wm_fail *f, enum wm_err e, const char *field, const char *fmt, ...)
{
    if (f) {
        f->err = e;
        snprintf(f->field, sizeof f->field, "%s", field ? field : "");
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->msg, sizeof f->msg, fmt, ap);
        va_end(ap);
    }
    return e;
}

enum wm_err
wm_read_fail(struct wm_db *db, struct wm_fail *f, const char *field, const char *msg)
{
    if (WM_QS_SOFT == db->status) {
        return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, "%s", _("数据库繁忙，请稍后再试"));
    }
    if (wm_db_failed(db)) {
        return wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", _("数据库读取失败"));
    }
    return wm_fail_set(f, WM_E_NOT_FOUND, field, "%s", msg ? msg : "");
}

enum wm_err
wm_write_fail(struct wm_db *db, struct wm_fail *f, const char *field, const char *conflict,
              const char *msg)
{
    if (WM_QS_SOFT == db->status) {
        return wm_fail_set(f, WM_E_UNAVAILABLE, NULL, "%s", _("数据库繁忙，请稍后再试"));
    }
    if (WM_QS_CONFLICT == db->status && conflict) {
        return wm_fail_set(f, WM_E_CONFLICT, field, "%s", conflict);
    }
    return wm_fail_set(f, WM_E_INTERNAL, NULL, "%s", msg);
}

/* ---------------------------------------------------------------- validation */

bool
wm_valid_text(const char *s, size_t max)
{
    if (NULL == s) {
        return false;
    }
    size_t n = strlen(s);
    if (0 == n || !wm_utf8_valid(s, n) || wm_has_control(s)) {
        return false;
    }
    if (isspace((unsigned char)s[0]) || isspace((unsigned char)s[n - 1])) {
        return false;
    }
    return wm_utf8_len(s) <= max;
}

bool
wm_valid_username(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 2 || n > 64) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)s[i]) && !strchr("._-@", s[i])) {
            return false;
        }
    }
    return true;
}

bool
wm_valid_unit_code(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 64) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i])) {
            return false;
        }
    }
    return true;
}

/* The policy of wenming.conf (password_min_length, password_classes); set once at start-up. */
static unsigned pw_min_length = WM_PW_MIN_LENGTH_DEFAULT;
static unsigned pw_classes = WM_PW_CLASSES_DEFAULT;
static unsigned pw_history = 0; /* password_history: 0 = off */

void
wm_password_set_policy(unsigned min_length, unsigned classes)
{
    pw_min_length = min_length < 1 ? 1 : min_length > 256 ? 256 : min_length;
    pw_classes = classes > 4 ? 4 : classes;
}

/* Rule: well-formed UTF-8 of at most 256 bytes. */
static bool
pw_rule_form(const char *pw)
{
    return strlen(pw) <= 256 && wm_utf8_valid(pw, strlen(pw));
}

/* Rule: at least password_min_length characters (code points). */
static bool
pw_rule_length(const char *pw)
{
    return wm_utf8_len(pw) >= pw_min_length;
}

/* Rule: at least password_classes of lower case, upper case, digits, other characters. */
static bool
pw_rule_classes(const char *pw)
{
    bool lower = false, upper = false, digit = false, other = false;
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
        if (islower(*p)) {
            lower = true;
        } else if (isupper(*p)) {
            upper = true;
        } else if (isdigit(*p)) {
            digit = true;
        } else {
            other = true;
        }
    }
    return (unsigned)(lower + upper + digit + other) >= pw_classes;
}

enum wm_pw_rule
wm_password_check(const char *pw, char *msg, size_t msglen)
{
    enum wm_pw_rule rule = WM_PW_OK;
    if (NULL == pw || !pw_rule_form(pw)) {
        rule = WM_PW_FORM;
    } else if (!pw_rule_length(pw)) {
        rule = WM_PW_LENGTH;
    } else if (!pw_rule_classes(pw)) {
        rule = WM_PW_CLASSES;
    }
    if (msg && msglen) {
        switch (rule) {
        case WM_PW_OK:
            msg[0] = '\0';
            break;
        case WM_PW_FORM:
            snprintf(msg, msglen, "%s", _("密码须为不超过 256 字节的有效文字"));
            break;
        case WM_PW_LENGTH:
            snprintf(msg, msglen, _("密码至少需要 %u 个字符"), pw_min_length);
            break;
        case WM_PW_CLASSES:
            snprintf(msg, msglen, _("密码需包含大写字母、小写字母、数字、符号中的至少 %u 类"),
                     pw_classes);
            break;
        case WM_PW_HISTORY: /* wm_password_check_history's, never this function's */
            snprintf(msg, msglen, _("不能与最近 %u 次使用过的密码相同"), pw_history);
            break;
        }
    }
    return rule;
}

void
wm_password_set_history(unsigned n)
{
    pw_history = n > 100 ? 100 : n;
}

unsigned
wm_password_history(void)
{
    return pw_history;
}

enum wm_pw_rule
wm_password_check_history(const char *pw, const char *current, const json_t *old, char *msg,
                          size_t msglen)
{
    bool used = pw_history > 0 && current && wm_password_verify(current, pw);
    size_t i;
    json_t *x;
    json_array_foreach(old, i, x)
    {
        if (used || i + 1 >= pw_history) {
            break;
        }
        used = wm_password_verify(json_string_value(json_object_get(x, "pwhash")), pw);
    }
    if (msg && msglen) {
        if (used) {
            snprintf(msg, msglen, _("不能与最近 %u 次使用过的密码相同"), pw_history);
        } else {
            msg[0] = '\0';
        }
    }
    return used ? WM_PW_HISTORY : WM_PW_OK;
}

bool
wm_password_ok(const char *pw)
{
    return WM_PW_OK == wm_password_check(pw, NULL, 0);
}

char *
wm_password_generate(void)
{
    static const char alpha[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    static const char sym[] = "-_.#%+";
    char pw[257];
    size_t n = pw_min_length > 16 ? pw_min_length : 16; /* at most 256 (the policy's cap) */
    do {
        for (size_t i = 0; i < n; i++) {
            pw[i] = alpha[randombytes_uniform(sizeof alpha - 1)];
        }
        if (pw_classes >= 4) { /* the alphabet has no symbols: one at a random place */
            pw[randombytes_uniform((uint32_t)n)] = sym[randombytes_uniform(sizeof sym - 1)];
        }
        pw[n] = '\0';
    } while (!wm_password_ok(pw));
    return wm_strdup(pw);
}

static unsigned long long pw_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t pw_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

void
wm_password_set_cost(unsigned long long ops, size_t mem)
{
    if (ops >= crypto_pwhash_OPSLIMIT_MIN) {
        pw_ops = ops;
    }
    if (mem >= crypto_pwhash_MEMLIMIT_MIN) {
        pw_mem = mem;
    }
}

char *
wm_password_hash(const char *pw)
{
    char out[crypto_pwhash_STRBYTES];
    if (0 != crypto_pwhash_str_alg(out, pw, strlen(pw), pw_ops, pw_mem,
                                   crypto_pwhash_ALG_ARGON2ID13)) {
        wm_log(WM_LOG_ERROR, "argon2id hashing failed (out of memory?)");
        return NULL;
    }
    return wm_strdup(out);
}

bool
wm_password_verify(const char *hash, const char *pw)
{
    return 0 == crypto_pwhash_str_verify(hash, pw, strlen(pw));
}

/* end of roles.c */
