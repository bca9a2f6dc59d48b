/*
** wm_core.h — the service layer: roles, scopes, validation, the audit log and the domain
** operations on orgs, units, departments, users, sessions and tokens.
**
** The HTTP handlers, the pages and the command line all call these functions, so a rule
** (who may create which account, what a valid unit code is, what gets audited) lives in
** exactly one place.  Every operation takes the acting principal and checks its scope:
** an object outside the caller's jurisdiction answers WM_E_NOT_FOUND, never FORBIDDEN.
*/
#ifndef WM_CORE_H
#define WM_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "wm_db.h"
#include "wm_util.h"

/* ---------------------------------------------------------------- roles */

enum wm_role {
    WM_ROLE_ADMIN,
    WM_ROLE_OFFICE,
    WM_ROLE_EVALUATOR,
    WM_ROLE_UNIT_ADMIN,
    WM_ROLE_UNIT_MEMBER,
    WM_ROLE_UNIT_VIEWER,
    WM_ROLE__COUNT
};
#define WM_ROLE_BIT(r) (1u << (r))
#define WM_ROLES_ALL   ((1u << WM_ROLE__COUNT) - 1)
#define WM_ROLES_STAFF (WM_ROLE_BIT(WM_ROLE_ADMIN) | WM_ROLE_BIT(WM_ROLE_OFFICE))
#define WM_ROLES_UNIT                                                                       \
    (WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN) | WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER) |                  \
     WM_ROLE_BIT(WM_ROLE_UNIT_VIEWER))

const char *wm_role_name(enum wm_role r);
/** The role's label in the UI language (管理员, 文明办, ...). */
const char *wm_role_label(enum wm_role r);
bool wm_role_parse(const char *s, enum wm_role *out) WM_MUST_CHECK;
/** Whether role r is held by accounts of an office (true) or of a unit (false). */
bool wm_role_is_office_side(enum wm_role r);

/* The unit types of DESIGN.md, in display order. */
extern const char *const wm_unit_types[];
bool wm_unit_type_valid(const char *t);

/* ---------------------------------------------------------------- principal */

/* The authenticated caller. */
struct wm_principal {
    int64_t user_id;
    char *username;
    char *display_name;
    enum wm_role role;
    int64_t org_id;
    char *org_path;
    char *org_name;
    int64_t dept_id;
    bool must_change_pw;
    /* issue 13, totp: from the account's row when loaded (wm_principal_load) */
    bool totp_enabled;  /* the second factor is on */
    bool totp_enrol;    /* its role is in totp_required and it has not enrolled */
    bool pw_expired;    /* the password is older than password_max_age_days */
};

/* Who acts, for permission checks and the audit log.  p == NULL means the command line
** (acting as the platform operator). */
struct wm_actor {
    const struct wm_principal *p;
    const char *request_id;
    const char *addr;
    const char *session; /* the caller's session cookie, when it came with one (else NULL) */
};

/** Load the principal for user_id (NULL when missing or disabled). Free with _free. */
struct wm_principal *wm_principal_load(struct wm_db *db, int64_t user_id);
void wm_principal_free(struct wm_principal *p);
/** The principal as the JSON of GET /api/v1/me. */
json_t *wm_principal_json(const struct wm_principal *p);

/* The subtree an actor sees, as a materialized path ("/" for everything; a path that
** matches nothing for evaluators, who see units only through round assignments). */
const char *wm_scope_path(const struct wm_actor *a);
/** True when the org (an object from the store, with "path" and "id") is visible. */
bool wm_scope_sees(const struct wm_actor *a, const json_t *org);
bool wm_actor_is(const struct wm_actor *a, unsigned role_bits);

/* ---------------------------------------------------------------- failures */

/* Why an operation failed: the error, the field at fault (may be empty), a message. */
struct wm_fail {
    enum wm_err err;
    char field[64];
    char msg[256];
};

enum wm_err wm_fail_set(struct wm_fail *f, enum wm_err e, const char *field, const char *fmt, ...)
    WM_PRINTF(4, 5);

/* ---------------------------------------------------------------- reads */

/*
** Every read takes the acting principal and applies its scope.  When it gives nothing
** (NULL, or -1 for a count) f says why: WM_E_NOT_FOUND — no such row, or one outside the
** caller's jurisdiction (404); WM_E_INTERNAL — the store failed (500); WM_E_UNAVAILABLE —
** the store was busy (503).  A store error is never reported as "not found".  f may be NULL.
*/
/** After a store read gave nothing: the store's error when its last statement failed
** (db->status), else WM_E_NOT_FOUND with field and msg (NULL: the default message). */
enum wm_err wm_read_fail(struct wm_db *db, struct wm_fail *f, const char *field, const char *msg);
/** After a store write failed: busy (503, retried by the write's loop), a conflict with a
** row written meanwhile by another writer (409 with conflict, when not NULL: what the
** service layer checked before but could not hold), else msg as an internal error. */
enum wm_err wm_write_fail(struct wm_db *db, struct wm_fail *f, const char *field,
                          const char *conflict, const char *msg);
/** A page of orgs in the caller's scope: pg->scope NULL for all of it, or a path within it
** (a path outside it: not found). */
json_t *wm_org_list(struct wm_db *db, const struct wm_actor *a, struct wm_page *pg,
                    struct wm_fail *f);
/**
** The same page as text, made by render from the rows (taken) and pg->limit, from the
** per-thread cache while the store's generation is unchanged (the hot path of list reads).
** Caller frees; NULL with f set.
*/
char *wm_org_list_text(struct wm_db *db, const struct wm_actor *a, struct wm_page *pg,
                       char *(*render)(json_t *rows, unsigned limit), struct wm_fail *f);
/** How many orgs of kind (and unit type) lie under path (NULL: the caller's scope), which
** must be within the caller's scope; -1 with f set. */
int64_t wm_org_count(struct wm_db *db, const struct wm_actor *a, const char *path,
                     const char *kind, const char *type, struct wm_fail *f);
/** A department (with "unit_id") of a unit the caller sees. */
json_t *wm_dept_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id,
                           struct wm_fail *f);
/** A page of accounts in the caller's scope (pg->scope as for orgs; pg->kind: a role). */
json_t *wm_user_list(struct wm_db *db, const struct wm_actor *a, struct wm_page *pg,
                     struct wm_fail *f);
/** The caller's own API tokens. */
json_t *wm_token_list(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f);
/** A page of the audit log within the caller's scope (pg->scope as for orgs), newest first. */
json_t *wm_audit_list(struct wm_db *db, const struct wm_actor *a, struct wm_page *pg,
                      const struct wm_audit_filter *flt, struct wm_fail *f);
/** The last fixity run (office staff and admins); WM_E_NOT_FOUND when there was none. */
json_t *wm_fixity_last(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f);
/** A page of the editions the caller may read (pg->kind: "draft" or "published"). */
json_t *wm_edition_list(struct wm_db *db, const struct wm_actor *a, const struct wm_page *pg,
                        struct wm_fail *f);
/** The indicators of an edition the caller may read, in document order. */
json_t *wm_edition_indicators(struct wm_db *db, const struct wm_actor *a, int64_t edition_id,
                              bool leaves_only, struct wm_fail *f);
/** The archives (years) of a unit the caller sees. */
json_t *wm_archive_list(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                        struct wm_fail *f);
/** The documents of an archive (from wm_archive_open): of one leaf (code; NULL: all), or
** those in the trash. */
json_t *wm_archive_docs(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                        const char *code, bool trash, struct wm_fail *f);
/** How many documents an archive holds, the trash included; -1 with f set. */
int64_t wm_archive_doc_total(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                             struct wm_fail *f);
/** The default edition per year set by an office the caller sees. */
json_t *wm_archive_defaults(struct wm_db *db, const struct wm_actor *a, int64_t office_id,
                            struct wm_fail *f);
/** The versions of a document the caller sees. */
json_t *wm_doc_versions(struct wm_db *db, const struct wm_actor *a, int64_t doc_id,
                        struct wm_fail *f);
/**
** What an audit entry's object is now, for the audit page: {"name": text, "href": link or
** absent} when the caller may see it; NULL with f WM_E_NOT_FOUND when it is gone or out of
** sight.  type, id and summary (parsed) as in the entry (an archive is named as recorded).
*/
json_t *wm_audit_object(struct wm_db *db, const struct wm_actor *a, const char *type, int64_t id,
                        const json_t *summary, struct wm_fail *f);

/* ---------------------------------------------------------------- validation */

/** A display text: valid UTF-8, no control characters, 1..max code points after trimming. */
bool wm_valid_text(const char *s, size_t max);
bool wm_valid_username(const char *s);
bool wm_valid_unit_code(const char *s);
/** Password policy defaults (wenming.conf password_min_length, password_classes). */
#define WM_PW_MIN_LENGTH_DEFAULT 8
#define WM_PW_CLASSES_DEFAULT 3
/** Which rule of the password policy a password breaks (the first one, in this order). */
enum wm_pw_rule {
    WM_PW_OK = 0,
    WM_PW_FORM,    /* not UTF-8, or longer than 256 bytes */
    WM_PW_LENGTH,  /* fewer than password_min_length characters */
    WM_PW_CLASSES, /* fewer than password_classes of lower, upper, digit, other */
    WM_PW_HISTORY, /* equal to one of the account's last password_history passwords */
};
/** password_history of wenming.conf (0 = off, at most 100). */
void wm_password_set_history(unsigned n);
unsigned wm_password_history(void);
/** The history rule: pw equal to the current hash or to one of the newest
** password_history - 1 hashes of old ([{pwhash}], newest first, may be NULL)?  msg as
** wm_password_check ("不能与最近 N 次使用过的密码相同"). */
enum wm_pw_rule wm_password_check_history(const char *pw, const char *current, const json_t *old,
                                          char *msg, size_t msglen);
/** Set the policy from wenming.conf (min_length clamped to 1..256, classes to 0..4). */
void wm_password_set_policy(unsigned min_length, unsigned classes);
/** The one place that decides: the rule broken, and (msg, when not NULL) the sentence in
** Chinese naming it, e.g. "密码至少需要 12 个字符"; "" when the password is good. */
enum wm_pw_rule wm_password_check(const char *pw, char *msg, size_t msglen);
/** wm_password_check(pw) == WM_PW_OK. */
bool wm_password_ok(const char *pw);
/** A random password that meets the policy (caller frees). */
char *wm_password_generate(void);
/** argon2id hash (libsodium crypto_pwhash_str); NULL on failure (out of memory). */
char *wm_password_hash(const char *pw);
bool wm_password_verify(const char *hash, const char *pw);
/** Set the argon2id cost (from the configuration). */
void wm_password_set_cost(unsigned long long ops, size_t mem);

/* ---------------------------------------------------------------- audit */

/*
** Append an entry to the audit log inside the caller's transaction.  before/after may be
** NULL; they are stored as the summary {"before":..,"after":..}.  The entry's hash is the
** SHA-256 of the previous entry's hash and this entry's canonical JSON.
*/
enum wm_err wm_audit(struct wm_db *db, const struct wm_actor *a, const char *action,
                     const char *object_type, int64_t object_id, const char *org_path,
                     json_t *before, json_t *after) WM_MUST_CHECK;
/** wm_audit that takes the references to before and after (may be NULL), like jansson's
** _new functions: for summaries built in the call. */
enum wm_err wm_audit_new(struct wm_db *db, const struct wm_actor *a, const char *action,
                         const char *object_type, int64_t object_id, const char *org_path,
                         json_t *before, json_t *after) WM_MUST_CHECK;
/** The canonical hash of an audit row (as returned by audit_scan) given its prev_hash. */
void wm_audit_row_hash(const json_t *row, char out[65]);
/**
** Walk the whole log and check the chain.  Returns 0 when intact, else the id of the first
** broken entry (and a reason in why).  -1 on a store error.
*/
int64_t wm_audit_verify(struct wm_db *db, int64_t *count, char *why, size_t whylen);
/** The same, calling each(cls, row) for every entry found intact, in order. */
int64_t wm_audit_verify_each(struct wm_db *db, int64_t *count, char *why, size_t whylen,
                             void (*each)(void *cls, const json_t *row), void *cls);

/*
** The chain head anchored outside the table: the file audit-head in the data directory
** holds "SEQ HASH" of the newest entry anchored.  wm_audit_anchor moves it forward to the
** table's newest entry (temp file, fsync, rename, under an flock so that concurrent
** writers never move it back) and logs it; it refuses to move when the entry it names is
** gone or changed.  0 when anchored or nothing to do, -1 on an error (logged).
*/
int wm_audit_anchor(struct wm_db *db, const char *data_dir);
/** Compare the anchor with the table: 0 when they agree (or no anchor yet), 1 when entries
** were removed or altered (why says which), -1 on an error. */
int wm_audit_anchor_check(struct wm_db *db, const char *data_dir, char *why, size_t whylen);
/** A background thread that anchors once per second; stop anchors a last time. */
void wm_audit_anchor_start(const char *data_dir);
void wm_audit_anchor_stop(void);

/** Every action code wenming writes to the audit log, NULL-terminated, in display order. */
extern const char *const wm_audit_actions[];
/** The Chinese name of an action code ("session.create" → 登录); NULL when unknown. */
const char *wm_audit_action_label(const char *code);
/** The Chinese name of an object type ("user" → 账号); the code itself when unknown. */
const char *wm_audit_object_label(const char *type);

/* ---------------------------------------------------------------- orgs and units */

enum wm_err wm_org_create(struct wm_db *db, const struct wm_actor *a, int64_t parent_id,
                          const char *name, int64_t *id, struct wm_fail *f) WM_MUST_CHECK;
/** Rename and/or move (new_parent 0 = stay). Moving under its own subtree is bad_request. */
enum wm_err wm_org_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
                          const char *name, int64_t new_parent, struct wm_fail *f) WM_MUST_CHECK;
/** The org if visible to a (caller decrefs), else NULL with f set (see "reads"). */
json_t *wm_org_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id,
                          struct wm_fail *f);

struct wm_unit_in {
    int64_t parent_id; /* the office the unit belongs to */
    const char *name;
    const char *code;
    const char *type;
    json_t *depts; /* optional array of department names */
};

enum wm_err wm_unit_create(struct wm_db *db, const struct wm_actor *a, const struct wm_unit_in *in,
                           int64_t *id, struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_unit_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
                           const struct wm_unit_in *in, struct wm_fail *f) WM_MUST_CHECK;
/** The unit (with "depts") if visible to a, else NULL with f set. */
json_t *wm_unit_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id,
                           struct wm_fail *f);
enum wm_err wm_dept_add(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                        const char *name, int64_t *id, struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_dept_remove(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                           int64_t dept_id, struct wm_fail *f) WM_MUST_CHECK;

/*
** Bulk import of units from rows (header: name, code, type, office, depts; Chinese
** aliases accepted).  Every row is checked first; with bad rows nothing is imported unless
** skip_bad.  The report is {"imported": n, "skipped": n, "errors": [{row, field, reason}]}.
*/
struct wm_table;
/** Whether a table (one sheet) looks like a unit register (for wm_table_read_fitting). */
bool wm_unit_table_fits(const struct wm_table *t, void *cls);
/*
** The most rows one import may hold over HTTP (the request runs the import; a job queue
** will take larger ones).  The command line `wenming unit import` has no limit.
*/
#define WM_UNIT_IMPORT_MAX 5000
/* (A standard is capped by its parser: at most 5,000 leaves, src/framework.) */
enum wm_err wm_unit_import(struct wm_db *db, const struct wm_actor *a, const struct wm_table *t,
                           int64_t default_office, bool skip_bad, bool dry_run, json_t **report,
                           struct wm_fail *f) WM_MUST_CHECK;

/* ---------------------------------------------------------------- users */

struct wm_user_in {
    const char *username;
    const char *display_name;
    const char *password; /* NULL: generate one that must be changed at first login */
    const char *role;
    int64_t org_id;
    int64_t dept_id; /* 0 for none */
};

/** *generated receives the generated password when in->password was NULL (caller frees). */
enum wm_err wm_user_create(struct wm_db *db, const struct wm_actor *a, const struct wm_user_in *in,
                           int64_t *id, char **generated, struct wm_fail *f) WM_MUST_CHECK;
json_t *wm_user_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id,
                           struct wm_fail *f);
/**
** disabled: -1 keep, 0 enable, 1 disable; dept_id -1 keep.  Disabling or re-enabling an
** account revokes its API tokens in the same transaction; *tokens_revoked (may be NULL)
** receives how many.
*/
enum wm_err wm_user_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
                           const char *display, int disabled, int64_t dept_id,
                           int64_t *tokens_revoked, struct wm_fail *f) WM_MUST_CHECK;
/**
** Change a password.  For oneself old_pw must match, and every other session of the
** account ends (the caller's own, a->session, stays); a manager resetting another
** account's password passes old_pw NULL, all its sessions end, and it must change the
** password at next login.  Either way every API token of the account is revoked in the
** same transaction (audited as token.revoke_all); *tokens_revoked (may be NULL) receives
** how many.
*/
enum wm_err wm_user_set_password(struct wm_db *db, const struct wm_actor *a, int64_t id,
                                 const char *old_pw, const char *new_pw,
                                 int64_t *tokens_revoked, struct wm_fail *f) WM_MUST_CHECK;

/* ---------------------------------------------------------------- sessions and tokens */

struct wm_auth_policy {
    unsigned lockout_attempts;
    unsigned lockout_window;
    unsigned lockout_duration;
    unsigned session_idle;
    unsigned session_lifetime;
};

/*
** Check a username and password and open a session.  On success *token receives the
** cookie value and *csrf the session's CSRF token (caller frees both) and *user_id the
** account.  Failures are UNAUTHORIZED (wrong name or password, alike) or RATE_LIMITED
** (locked), never revealing whether the name exists.
*/
enum wm_err wm_login(struct wm_db *db, const struct wm_auth_policy *pol, const char *username,
                     const char *password, const char *addr, const char *request_id,
                     char **token, char **csrf, int64_t *user_id) WM_MUST_CHECK;
/**
** Resolve a session cookie: *user_id and *csrf (caller frees) when it is valid and within
** its idle and absolute limits (it is touched), else WM_E_UNAUTHORIZED; WM_E_INTERNAL or
** WM_E_UNAVAILABLE when the store failed (the cookie may well be good).
*/
enum wm_err wm_session_check(struct wm_db *db, const struct wm_auth_policy *pol, const char *token,
                             int64_t *user_id, char **csrf) WM_MUST_CHECK;
void wm_logout(struct wm_db *db, const struct wm_actor *a, const char *token);
/** Resolve a bearer token to a user id (0 when unknown or revoked). */
int64_t wm_token_check(struct wm_db *db, const char *token);
/**
** The principal of a bearer token (NULL when unknown, revoked or disabled), from a small
** per-thread cache that any change to the store invalidates.  Caller frees.
*/
struct wm_principal *wm_token_principal(struct wm_db *db, const char *token);
struct wm_principal *wm_principal_dup(const struct wm_principal *p);
/** New API token for the actor; *secret receives it once (caller frees). */
enum wm_err wm_token_create(struct wm_db *db, const struct wm_actor *a, const char *name,
                            int64_t *id, char **secret, struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_token_revoke(struct wm_db *db, const struct wm_actor *a, int64_t id,
                            struct wm_fail *f) WM_MUST_CHECK;

/* ---------------------------------------------------------------- frameworks */

struct wm_fw;

/* An import of an evaluation standard: a wenming-framework/1 JSON document, or a CSV or
** XLSX table (then name is required, version defaults to "1"). */
struct wm_fw_in {
    const void *data;
    size_t len;
    const char *name;    /* overrides the document's name when given */
    const char *version; /* overrides the document's version when given */
    const char *source;
    int64_t office_id;   /* owner; 0 = the caller's own office */
    bool dry_run;        /* check and preview only */
};

/*
** Import into a draft edition: a new framework (by office and name), a new edition (a new
** version), or the replacement of a draft of the same version (a published edition is
** immutable: conflict).  *report receives {"errors": [...], "warnings": [...]} in every
** case (each issue with line, field, code and message); *preview, when not NULL, receives
** {"document": ..., "leaves": n, "total": "100"} of the parsed standard.  Nothing is
** stored when there are errors or on a dry run.
*/
enum wm_err wm_framework_import(struct wm_db *db, const struct wm_actor *a,
                                const struct wm_fw_in *in, int64_t *edition_id, json_t **report,
                                json_t **preview, struct wm_fail *f) WM_MUST_CHECK;
/** The edition if the actor may read it (published on its path, or any status within the
** scope of office staff), else NULL.  with_document adds the "document" text. */
json_t *wm_edition_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id,
                              bool with_document, struct wm_fail *f);
/** Parse a stored edition's document (caller frees with wm_fw_free). */
struct wm_fw *wm_edition_parse(const json_t *edition);
/** The list scope of frameworks for an actor. */
struct wm_fw_scope;
void wm_fw_scope_of(const struct wm_actor *a, struct wm_fw_scope *s);
enum wm_err wm_edition_publish(struct wm_db *db, const struct wm_actor *a, int64_t id,
                               struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_edition_delete(struct wm_db *db, const struct wm_actor *a, int64_t id,
                              struct wm_fail *f) WM_MUST_CHECK;

/* ---------------------------------------------------------------- archives and documents */

/* A stored upload: the blob it became and what its bytes are. */
struct wm_upload {
    const char *sha;      /* 64 hex */
    uint64_t size;
    const char *mime;     /* detected from the bytes */
    const char *kind;     /* text, photo, audiovisual (from the bytes) */
    const char *ext;      /* extension for export names, "" when unknown */
    const char *filename; /* the client's name: metadata only */
};

/** The archive pattern of archival codes; set from wenming.conf. */
void wm_archive_set_code_pattern(const char *pattern);
/** The archival code of a document (as returned by the store's doc_get/doc_list, with
** the unit's code and the archive's year): "{unit}-{year}-{code}-{serial}" by default, where
** {serial} is the number given with the code (code_serial): it never changes, in the trash,
** after a restore or a re-ordering of the leaf. */
char *wm_doc_archival_code(const json_t *doc, const char *unit_code, int64_t year);
/** A document's display name "01:主题" (two digits, three past 99). */
char *wm_doc_display_name(const json_t *doc);

/** The first year an archive may be created for; the last is the current year + 1. */
#define WM_ARCHIVE_YEAR_MIN 2000
/** The current year in China Standard Time. */
int64_t wm_archive_current_year(void);
/**
** The archive of a unit and year, if the unit is visible and the archive exists (it is never
** created here: a read never writes).  Not found: WM_E_NOT_FOUND ("该年度档案尚未建立").
** The object carries unit_id, unit_name, unit_code, unit_path, year, edition_id,
** framework_name, framework_version.
*/
json_t *wm_archive_open(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year,
                        struct wm_fail *f);
/** Whether the actor's role may create archives (of the units it may see). */
bool wm_archive_may_create(const struct wm_actor *a);
/**
** The published editions that apply to a unit (those of the offices on its path), and in
** *default_id the one an archive of @a year takes when none is chosen: the year's default
** set by the nearest office, else the newest.
*/
json_t *wm_archive_editions(struct wm_db *db, const json_t *unit, int64_t year,
                            int64_t *default_id);
/**
** Create the archive of a unit's year, an explicit act of a unit writer (unit_admin,
** unit_member) or office staff: a year within WM_ARCHIVE_YEAR_MIN .. current + 1, on
** @a edition_id (one of wm_archive_editions(); 0: the default).  Audited (archive.create).
** WM_E_CONFLICT when it exists.
*/
enum wm_err wm_archive_create(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                              int64_t year, int64_t edition_id, int64_t *id,
                              struct wm_fail *f) WM_MUST_CHECK;
/**
** Delete an archive created by mistake: office staff only, and only while it holds no
** document (the trash included; WM_E_CONFLICT otherwise).  Audited (archive.delete).
*/
enum wm_err wm_archive_delete(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                              int64_t year, struct wm_fail *f) WM_MUST_CHECK;
/**
** The name a received file is stored under: the client's name with the extension of its
** detected type (evil.hta of a PDF → evil.pdf).  *notice (may be NULL), when the name was
** changed, says so in words (free()).  Returns a new string.
*/
char *wm_upload_filename(const struct wm_upload *up, char **notice);
/**
** The folder tree of an archive with completeness: {"indicators": [{code, title, depth,
** leaf, requirement, materials, depts, media, frequency, min_documents, documents,
** required, requires, media_present, missing, complete}], "leaves": n, "complete": n,
** "optional_leaves": n, "documents": n, "percent": n}.  Only leaves that require something
** (min_documents > 0, or media expected) count in leaves/complete/percent ("requires");
** "missing" lists what a leaf still lacks: {"kind": "documents", "count": n} and
** {"kind": "text" | "photo" | "audiovisual"}.  NULL with f set when the store failed.
*/
json_t *wm_archive_tree(struct wm_db *db, const json_t *archive, struct wm_fail *f);
enum wm_err wm_archive_set_default(struct wm_db *db, const struct wm_actor *a, int64_t office_id,
                                   int64_t year, int64_t edition_id,
                                   struct wm_fail *f) WM_MUST_CHECK;

/** Whether the actor may add or change documents in this leaf of this unit. */
enum wm_err wm_doc_may_write(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                             const char *code, struct wm_fail *f) WM_MUST_CHECK;
/** Store a document.  Called inside a transaction it joins it (the caller commits or rolls
** back; a package import stores all its documents or none), else it runs its own. */
enum wm_err wm_doc_create(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                          const char *code, const struct wm_doc_meta *meta,
                          const struct wm_upload *up, int64_t *id,
                          struct wm_fail *f) WM_MUST_CHECK;
/** The document (with unit and archive fields) if visible to the actor. */
json_t *wm_doc_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id,
                          struct wm_fail *f);
enum wm_err wm_doc_new_version(struct wm_db *db, const struct wm_actor *a, int64_t id,
                               const struct wm_upload *up, struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_doc_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
                          const struct wm_doc_meta *meta, struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_doc_move(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *code,
                        struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_doc_delete(struct wm_db *db, const struct wm_actor *a, int64_t id,
                          struct wm_fail *f) WM_MUST_CHECK;
/** From the trash: unit_admin within 30 days, office staff and admins any time. */
enum wm_err wm_doc_restore(struct wm_db *db, const struct wm_actor *a, int64_t id,
                           struct wm_fail *f) WM_MUST_CHECK;
/** Remove a trashed document for good: admins only, audited. */
enum wm_err wm_doc_purge(struct wm_db *db, const struct wm_actor *a, int64_t id,
                         struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_doc_reorder(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                           const char *code, const int64_t *ids, size_t n,
                           struct wm_fail *f) WM_MUST_CHECK;
/**
** Record that the actor receives a document's content (audited: document.download, with
** the version).  Called before the content goes out: when the entry cannot be written the
** download fails with it.
*/
enum wm_err wm_doc_download(struct wm_db *db, const struct wm_actor *a, const json_t *doc,
                            int64_t version, struct wm_fail *f) WM_MUST_CHECK;
/** Record an export of a unit's year (audited: archive.export, with the number of files). */
enum wm_err wm_archive_export_record(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                                     int64_t year, int64_t files, struct wm_fail *f) WM_MUST_CHECK;
/** Roll back a transaction a caller left open (a bug, logged); true when there was one. */
bool wm_tx_abandon(struct wm_db *db);
/** Check metadata fields (any may be NULL); the field at fault is named. */
enum wm_err wm_doc_meta_check(const struct wm_doc_meta *m, struct wm_fail *f) WM_MUST_CHECK;

/* ---------------------------------------------------------------- schedules (schedule.c) */
/*
** The routine-upload schedule (动态管理): a leaf's frequency gives the periods of a year
** (monthly M1–M12, quarterly Q1–Q4, half-yearly H1/H2, yearly Y, once), each with its first
** and last day and a deadline: the last day plus the office's offset (default 10 days).
** A period is met when a counted document of the leaf is dated (date_formed) inside it:
** an approved one, or a submitted one when the office counts those.  Otherwise it is due
** soon (the deadline within WM_SCHED_SOON_DAYS of today, the deadline day included),
** overdue (the deadline passed) or not yet due.
**
** Dates are calendar dates of Asia/Shanghai as day numbers (days since 1970-01-01, the
** proleptic Gregorian calendar), from Y-M-D arithmetic, never the server's time zone.
** Only wm_day_today() reads the clock: every other function takes "today".
*/
#define WM_SCHED_OFFSET_DEFAULT 10 /* days from a period's end to its deadline */
#define WM_SCHED_OFFSET_MAX     366
#define WM_SCHED_SOON_DAYS      14 /* "due soon": the deadline at most this many days ahead */
#define WM_SCHED_PERIODS_MAX    12
#define WM_DAY_LEN              11 /* "YYYY-MM-DD" and its NUL */

bool wm_leap_year(int64_t y);
/** Days of month m (1..12) of year y; 0 for a month outside 1..12. */
int wm_month_days(int64_t y, int m);
/** The day number of a date (m 1..12, d 1..31; not checked). */
int64_t wm_day_from_ymd(int64_t y, int m, int d);
void wm_day_ymd(int64_t day, int64_t *y, int *m, int *d);
/** A strict "YYYY-MM-DD" that names a real day (2023-02-29 does not); false otherwise. */
bool wm_day_parse(const char *s, int64_t *day) WM_MUST_CHECK;
void wm_day_format(int64_t day, char out[WM_DAY_LEN]);
/** Today in Asia/Shanghai (UTC+8, no DST), from wm_now(). */
int64_t wm_day_today(void);

struct wm_period {
    char key[8];      /* "M1".."M12", "Q1".."Q4", "H1", "H2", "Y", "once" */
    int64_t start;    /* first day */
    int64_t end;      /* last day (inclusive) */
    int64_t deadline; /* end + offset */
};

/**
** The periods of year for a frequency: the normalised name the store holds ("quarterly")
** or a label the importer accepts (每季度, 半年).  Returns how many were written (0: no
** frequency, an unknown one, an offset outside 0..WM_SCHED_OFFSET_MAX, a year outside
** 1..9999).  "once" has one period: the archive's year.
*/
size_t wm_sched_periods(const char *frequency, int64_t year, int offset,
                        struct wm_period out[WM_SCHED_PERIODS_MAX]);
/** The Chinese name of a period key (Q1 → 第一季度); the key itself when unknown. */
const char *wm_period_label(const char *key);

enum wm_sched_state {
    WM_SCHED_NOT_DUE,
    WM_SCHED_DUE_SOON,
    WM_SCHED_OVERDUE,
    WM_SCHED_MET,
};
/** "not_due", "due_soon", "overdue", "met". */
const char *wm_sched_state_name(enum wm_sched_state s);
/** 未到期, 即将到期, 已逾期, 已完成. */
const char *wm_sched_state_label(enum wm_sched_state s);

struct wm_sched_opts {
    int offset;           /* days from a period's end to its deadline */
    bool count_submitted; /* the office counts submitted documents too */
    int returns_limit;    /* a leaf with a document returned more often is not met (0: none) */
};

/** Whether a live document (a row with "status" and "date_formed") meets period p. */
bool wm_sched_doc_counts(const json_t *doc, const struct wm_period *p, bool count_submitted);
/** The state of p given the leaf's live documents on day today; *n (may be NULL) receives
** how many documents meet it. */
enum wm_sched_state wm_sched_state(const struct wm_period *p, const json_t *docs,
                                   bool count_submitted, int64_t today, int64_t *n);
/** A leaf's periods as the API shows them: [{period, start, end, deadline, state,
** documents}], dates "YYYY-MM-DD"; NULL when the leaf has no schedule. */
json_t *wm_sched_leaf(const char *frequency, int64_t year, const json_t *docs,
                      const struct wm_sched_opts *o, int64_t today);
/**
** The schedule of an archive (from wm_archive_open) in the caller's sight: {"unit_id",
** "year", "today", "offset_days", "count_submitted", "returns_limit", "leaves": [{code,
** title, frequency, periods}]} for every leaf with a frequency, in the standard's order; a
** leaf with a document returned more often than o->returns_limit (when > 0) has "not_met":
** true and "not_met_reason".  today "YYYY-MM-DD"
** (NULL: today in Asia/Shanghai).  NULL with f set (not found, a bad today or offset, the
** store's error).
*/
json_t *wm_archive_schedule(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                            const struct wm_sched_opts *o, const char *today, struct wm_fail *f);
/**
** The same schedule from the archive's live documents the caller has already read with
** wm_archive_docs (so the archive is in its sight, and a page that also shows the
** documents reads them once), on day today (a day number, e.g. wm_day_today()).  Takes
** docs (json_incref them to keep them).
*/
json_t *wm_archive_schedule_of(struct wm_db *db, const json_t *archive, json_t *docs,
                               const struct wm_sched_opts *o, int64_t today, struct wm_fail *f);
/** A leaf's mark from its periods (as wm_sched_leaf gives them): the most urgent state —
** overdue if one period is, else due soon, else met when one is, else not yet due. */
enum wm_sched_state wm_sched_leaf_summary(const json_t *periods);

/*
** The schedule summary (migration 0013), what the office's home counts overdue periods
** from: per leaf x period of an archive whether it is met by an approved document, and by
** an approved or submitted one; per archive x period how many leaves are met in each sense.
** Every write that changes a live document's status, date formed, leaf or presence (the
** trash) calls wm_sched_touch for the leaves it changed, in its own transaction: the leaf
** is held (wm_db_ops.leaf_hold), its periods recomputed with wm_sched_doc_counts, and the
** counters moved by the difference.  The deadlines are not stored: they follow from the
** period and the office's offset when read.
*/
/** Recompute one leaf of an archive (inside the caller's write transaction); a code that is
** no indicator of the archive's edition changes nothing.  WM_OK, or f set (the store). */
enum wm_err wm_sched_touch(struct wm_db *db, int64_t archive_id, const char *code,
                           struct wm_fail *f) WM_MUST_CHECK;
/** Recompute every leaf of an archive (its own transaction). */
enum wm_err wm_sched_rebuild(struct wm_db *db, int64_t archive_id, struct wm_fail *f);
/** Recompute the summary of every archive (after migration 0013, or after data was changed
** behind wenming's back); *n receives how many archives.  0 or -1 with f set. */
int wm_sched_rebuild_all(struct wm_db *db, int64_t *n, struct wm_fail *f);

/* ---------------------------------------------------------------- the office's home (dashboard.c) */
/* What the office's home is asked for (0 / NULL: the default). */
struct wm_dash_query {
    struct wm_sched_opts sched; /* the office's offset (default 10) and "count submitted" */
    bool per_unit;              /* each unit with the settings of its office instead */
    int64_t year;               /* the archives' year (0: this year) */
    const char *today;          /* "YYYY-MM-DD" (NULL: today in Asia/Shanghai) */
    int64_t district_id;        /* an office within the caller's jurisdiction (0: all) */
    const char *unit_type;      /* units of this type only (NULL: all) */
    int inactive_days;          /* "not logged in for" (0: 30 days) */
};
/**
** The office's home, within the caller's jurisdiction (staff only): {year, today,
** offset_days, count_submitted (q->sched; per_unit: the caller's office's), per_unit, backlog: {total, lt3, d3_7, d7_14, gt14, oldest}, overdue:
** {total, units, archives, by_district: [{district_id, district_name, overdue, units}],
** by_unit_type: [{unit_type, overdue, units}]}, inactive: {days, units}[, district]}.
*/
json_t *wm_dashboard(struct wm_db *db, const struct wm_actor *a, const struct wm_dash_query *q,
                     struct wm_fail *f);
/** Units with overdue periods: [{archive_id, year, unit_id, unit_name, unit_code, unit_type,
** district_id, district_name, overdue}]. */
json_t *wm_overdue_units(struct wm_db *db, const struct wm_actor *a,
                         const struct wm_dash_query *q, struct wm_fail *f);
/** Units none of whose accounts logged in for q->inactive_days: [{id, name, code, type,
** district_id, district_name, last_login_at}]. */
json_t *wm_units_inactive(struct wm_db *db, const struct wm_actor *a,
                          const struct wm_dash_query *q, struct wm_fail *f);

/* ---------------------------------------------------------------- review (review.c) */

/*
** A document's review: draft → submitted → approved | returned; a returned document is
** submitted again; a new version makes any document a draft again.  Each event names the
** exact version.  Batches change all their documents or none (a 409 names the one at
** fault).  Errors: 404 outside the caller's scope, 403 for a role that may not, 409 for a
** document in the wrong state, 400 for a return without guidance.
*/
/** Submit documents (unit writers, as wm_doc_may_write): each a draft or returned. */
enum wm_err wm_review_submit(struct wm_db *db, const struct wm_actor *a, const int64_t *ids,
                             size_t n, struct wm_fail *f) WM_MUST_CHECK;
/** Submit every draft or returned document of a leaf; *count how many (409 when none). */
enum wm_err wm_review_submit_leaf(struct wm_db *db, const struct wm_actor *a,
                                  const json_t *archive, const char *code, size_t *count,
                                  struct wm_fail *f) WM_MUST_CHECK;
/** Approve (comment optional) or return (comment required) submitted documents: office
** staff and admins, on units within their jurisdiction. */
enum wm_err wm_review_verdict(struct wm_db *db, const struct wm_actor *a, const int64_t *ids,
                              size_t n, bool approve, const char *comment,
                              struct wm_fail *f) WM_MUST_CHECK;
/** A document's whole history: {id, status, version, approved_version, versions: [... with
** "review": the latest event on that version], events: [{id, version, action, actor_id,
** actor_name, comment, at}]} (times as Unix seconds). */
json_t *wm_review_history(struct wm_db *db, const struct wm_actor *a, int64_t doc_id,
                          struct wm_fail *f);
/* What the review queue is asked for (NULL / 0: not filtered). */
struct wm_review_query {
    const char *state; /* submitted (default), approved, returned */
    int64_t unit_id;
    int64_t district_id; /* an office: its subtree (within the caller's scope) */
    const char *indicator; /* a leaf code, or "B." for every leaf below B */
    const char *media;
    const char *unit_type;
    int64_t submitter;   /* who did the latest event */
    int64_t age_days;    /* the latest event is at least this many days old */
    int64_t age_max_days; /* > 0: waiting less than this many days (with age_days: a bucket) */
    unsigned limit, offset;
    int key_dir;             /* as struct wm_review_filter's keyset (0: none) */
    int64_t key_at, key_id;
};
/** The documents of a state within the caller's scope, their latest event oldest first. */
json_t *wm_review_queue(struct wm_db *db, const struct wm_actor *a,
                        const struct wm_review_query *q, struct wm_fail *f);
/**
** The neighbours of a document in the queue q describes (its limit, offset and keyset are
** not used): *prev and *next (0: none), the documents just before and after it in the
** queue's order (whether or not it matches q itself); a document not waiting for review
** (not submitted) has no place: *prev 0, *next the queue's first.  *queued whether it is
** submitted.  WM_E_NOT_FOUND outside the caller's scope; the store's error otherwise.
*/
enum wm_err wm_review_neighbours(struct wm_db *db, const struct wm_actor *a,
                                 const struct wm_review_query *q, int64_t doc_id, int64_t *prev,
                                 int64_t *next, bool *queued, struct wm_fail *f) WM_MUST_CHECK;

/* ---------------------------------------------------------------- office settings */
/*
** An office's review settings (office_settings.c): the deadline offset (default 10 days),
** whether submitted documents count for a period (default no), and how many times a
** document may be returned in a year before its leaf is not met for that year (0: no
** limit; 1: one resubmission allowed, the second return marks the leaf).  A unit takes the
** settings of the nearest office on its path that set them, else the defaults.
*/
#define WM_RETURNS_LIMIT_MAX 99

struct wm_review_settings {
    int offset_days;
    bool count_submitted;
    int returns_limit;
    int64_t from_org_id; /* the office they come from (0: the defaults) */
};
void wm_review_settings_default(struct wm_review_settings *s);
/** The settings in effect at an org path (a unit's or an office's). */
enum wm_err wm_review_settings_for(struct wm_db *db, const char *path,
                                   struct wm_review_settings *s, struct wm_fail *f) WM_MUST_CHECK;
/** The schedule options of settings. */
void wm_sched_opts_of(const struct wm_review_settings *s, struct wm_sched_opts *o);
/** The schedule options in effect for an archive (from wm_archive_open: its unit_path). */
enum wm_err wm_sched_opts_for(struct wm_db *db, const json_t *archive, struct wm_sched_opts *o,
                              struct wm_fail *f) WM_MUST_CHECK;
/** Whether a document returned @a returns times exceeds the limit (0: no limit). */
bool wm_returns_exceeded(int64_t returns, int limit);
/** Whether the actor may change an office's settings: its own office accounts, admins. */
bool wm_office_settings_may_write(const struct wm_actor *a, int64_t office_id);
/** {org_id, org_name, own: {offset_days, count_submitted, returns_limit, from_org_id,
** updated_at} | null, effective: {... from_org_id: office or null}, may_write}: staff, an
** office within their scope (else NULL with f set). */
json_t *wm_office_settings_get(struct wm_db *db, const struct wm_actor *a, int64_t office_id,
                               struct wm_fail *f);
/** Set an office's settings (audited office.settings). */
enum wm_err wm_office_settings_set(struct wm_db *db, const struct wm_actor *a, int64_t office_id,
                                   const struct wm_review_settings *in,
                                   struct wm_fail *f) WM_MUST_CHECK;

/* ---------------------------------------------------------------- guidance (guidance.c) */
/*
** Guidance conversations (指导意见 / 在线指导): one per unit × year × leaf, between the office
** whose jurisdiction holds the unit and the unit.  Reading: everyone who sees the unit
** except evaluators (404 for them); posting: the unit's unit_admin and unit_member accounts
** and office staff (a unit_viewer gets 403); closing and reopening: office staff (403
** otherwise).  A message is text (may be empty only with an attachment) and an optional
** attachment (a committed upload, WM_GUIDANCE_FILE_MAX at most); its client name is kept as
** the display name.  Unread: the other side's messages after the caller's read marker.
** Writes are audited (guidance.post, guidance.close, guidance.reopen).  archive is an
** object from wm_archive_open (in the caller's scope); code must be one of its leaves (404).
*/
#define WM_GUIDANCE_TEXT_MAX 4000                    /* characters of a message */
#define WM_GUIDANCE_FILE_MAX ((uint64_t)50 << 20)    /* bytes of an attachment */

bool wm_guidance_may_post(const struct wm_actor *a);
bool wm_guidance_may_close(const struct wm_actor *a);
/** "office" for office staff and admins, else "unit". */
const char *wm_guidance_side(const struct wm_actor *a);
/**
** The conversation of a leaf as the caller sees it: {id (0: none yet), unit_id, year, code,
** state (open, closed), created_at, updated_at, unread, last_read, side, may_post,
** may_close, messages: [{id, author_id, author_name, side, body, sha, filename, size, mime,
** at, unread}]} (times as Unix seconds).  NULL with f set.
*/
json_t *wm_guidance_get(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                        const char *code, struct wm_fail *f);
/** Post a message (creating the conversation when there is none); *msg_id (may be NULL)
** its id.  up: a committed upload or NULL.  409 when the conversation is closed. */
enum wm_err wm_guidance_post(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                             const char *code, const char *text, const struct wm_upload *up,
                             int64_t *msg_id, struct wm_fail *f) WM_MUST_CHECK;
/** Close (open false) or reopen a conversation: office staff; 409 when it already is. */
enum wm_err wm_guidance_set_open(struct wm_db *db, const struct wm_actor *a,
                                 const json_t *archive, const char *code, bool open,
                                 struct wm_fail *f) WM_MUST_CHECK;
/** Mark every message of the leaf's conversation read for the caller (none: nothing). */
enum wm_err wm_guidance_mark_read(struct wm_db *db, const struct wm_actor *a,
                                  const json_t *archive, const char *code,
                                  struct wm_fail *f) WM_MUST_CHECK;
/* What a list of conversations is asked for. */
struct wm_guidance_query {
    const char *state; /* open (default), closed, all */
    bool unread_only;
    int64_t unit_id; /* 0: every unit in the caller's scope */
    unsigned limit, offset;
};
/** The caller's conversations, unread first: rows of the store's guidance_list (times as
** Unix seconds).  NULL with f set (400 for a bad state, 403 for evaluators). */
json_t *wm_guidance_list(struct wm_db *db, const struct wm_actor *a,
                         const struct wm_guidance_query *q, struct wm_fail *f);
/** A message's attachment if the caller sees the unit: {id, guidance_id, sha, filename,
** size, mime, unit_id, year, indicator_code, ...}; NULL with f set (404). */
json_t *wm_guidance_attachment(struct wm_db *db, const struct wm_actor *a, int64_t msg_id,
                               struct wm_fail *f);

/* ---------------------------------------------------------------- good practice (practice.c) */
/*
** 经验做法: an office features an approved document (the exact version) of a unit in its
** jurisdiction with a note and a category.  Sight of an item: the caller's scope holds the
** item's unit, or the featuring office's subtree holds the caller's scope (a unit of
** district A sees what district A's office and the city office featured, not district B's);
** evaluators see none.  A withdrawn item is gone (404).  Errors: 403 for a role that may
** not, 404 outside sight, 409 for a document not approved (or in the trash, or featured
** already), 400 for bad fields.
*/
#define WM_PRACTICE_NOTE_MAX     2000 /* characters of a note */
#define WM_PRACTICE_CATEGORY_MAX 40
#define WM_PRACTICE_TITLE_MAX    100  /* of a compilation */
#define WM_PRACTICE_COMPILE_MAX  200  /* items of a compilation */
#define WM_PRACTICE_IMAGE_PX     1600 /* an image item's rendition in a compilation */

/** Feature document doc_id (office staff and admins whose jurisdiction holds its unit;
** audited practice.feature); *id the item. */
enum wm_err wm_practice_feature(struct wm_db *db, const struct wm_actor *a, int64_t doc_id,
                                const char *note, const char *category, int64_t *id,
                                struct wm_fail *f) WM_MUST_CHECK;
/** Change the note and/or the category (NULL: keep); audited practice.update. */
enum wm_err wm_practice_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
                               const char *note, const char *category,
                               struct wm_fail *f) WM_MUST_CHECK;
/** Withdraw an item (audited practice.withdraw). */
enum wm_err wm_practice_withdraw(struct wm_db *db, const struct wm_actor *a, int64_t id,
                                 struct wm_fail *f) WM_MUST_CHECK;
/** Whether the actor may edit or withdraw an item it sees. */
bool wm_practice_may_manage(const struct wm_actor *a, const json_t *item);
/** An item in the actor's sight, not withdrawn (the store's row, see featured_get). */
json_t *wm_practice_get(struct wm_db *db, const struct wm_actor *a, int64_t id,
                        struct wm_fail *f);
struct wm_practice_query {
    const char *indicator; /* a leaf code, or "B." for every leaf below B */
    const char *unit_type;
    const char *category;
    int64_t document_id;
    unsigned limit, offset;
};
/** The live items in the actor's sight, newest first (documents in the trash left out). */
json_t *wm_practice_list(struct wm_db *db, const struct wm_actor *a,
                         const struct wm_practice_query *q, struct wm_fail *f);
/** Record a download of an item's featured version (audited document.download). */
enum wm_err wm_practice_download(struct wm_db *db, const struct wm_actor *a, const json_t *item,
                                 struct wm_fail *f) WM_MUST_CHECK;
/** Queue a 经验交流汇编 of items (in that order, repeats once) as the job
** "practice.compile"; office staff and admins; audited practice.compile. */
enum wm_err wm_compilation_create(struct wm_db *db, const struct wm_actor *a, const char *title,
                                  const int64_t *ids, size_t n, int64_t *id, int64_t *job_id,
                                  struct wm_fail *f) WM_MUST_CHECK;
/** A compilation in sight (as an item, through the office that made it). */
json_t *wm_compilation_get(struct wm_db *db, const struct wm_actor *a, int64_t id,
                           struct wm_fail *f);
json_t *wm_compilation_list(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f);
/** Register the job kind "practice.compile" (from wm_jobs_register_builtin). */
struct wm_jobs_env;
void wm_practice_register_jobs(const struct wm_jobs_env *env);

/* ---------------------------------------------------------------- notifications (notify.c) */

/*
** Tell people about a change, inside the caller's write transaction (the notification
** exists exactly when the change commits).  kind: returned, approved, guidance, due_soon,
** overdue, featured, declaration, visit, title, rectification; otype/oid what it is about ("document", 7; otype NULL: nothing);
** text the line shown in the inbox and the digest; link a path of the UI ("/documents/7",
** NULL: none); except_user is not told (who caused it; 0: nobody).  Each recipient's
** preference for the kind decides whether it reaches the inbox and the e-mail digest (both
** off: nothing is written).  Disabled accounts get nothing.  0, or -1 on a store error
** (then fail the write: wm_write_fail).
*/
/** The unit's unit_admin and unit_member accounts. */
int wm_notify_unit(struct wm_db *db, int64_t unit_id, const char *kind, const char *otype,
                   int64_t oid, const char *text, const char *link,
                   int64_t except_user) WM_MUST_CHECK;
/** The office accounts of every office whose jurisdiction holds the unit (its district
** office, the city office above it, ...). */
int wm_notify_office(struct wm_db *db, int64_t unit_id, const char *kind, const char *otype,
                     int64_t oid, const char *text, const char *link,
                     int64_t except_user) WM_MUST_CHECK;
/** One account. */
int wm_notify_user(struct wm_db *db, int64_t user_id, const char *kind, const char *otype,
                   int64_t oid, const char *text, const char *link,
                   int64_t except_user) WM_MUST_CHECK;
/** The kinds, in display order, NULL-terminated. */
extern const char *const wm_notify_kinds[];
bool wm_notify_kind_valid(const char *kind);
/** The Chinese name of a kind (文件被退回, ...). */
const char *wm_notify_kind_label(const char *kind);

/* The caller's own inbox and settings (an actor without an account, the command line: not
** found).  Times are Unix seconds. */
#define WM_NOTIFY_PAGE     50   /* inbox rows per page by default */
#define WM_NOTIFY_READ_MAX 1000 /* ids marked read in one request */
/** The caller's notifications, newest first: [{id, kind, object_type, object_id, text, link,
** at, read_at}]. */
json_t *wm_notify_inbox(struct wm_db *db, const struct wm_actor *a, bool unread_only,
                        unsigned limit, unsigned offset, struct wm_fail *f);
/** How many of the caller's notifications are unread (one indexed count); -1 on a store
** error, 0 for the command line. */
int64_t wm_notify_unread_count(struct wm_db *db, const struct wm_actor *a);
/** Mark read the caller's notifications ids (others' ids are ignored), or all of them;
** *changed (may be NULL) how many were unread.  Not audited. */
enum wm_err wm_notify_mark_read(struct wm_db *db, const struct wm_actor *a, const int64_t *ids,
                                size_t n, bool all, int64_t *changed,
                                struct wm_fail *f) WM_MUST_CHECK;
/** Whether s is an e-mail address we send to (ASCII, one @, a dot in the domain, nothing
** that could break a header or an SMTP command). */
bool wm_email_valid(const char *s);
/** The caller's e-mail address and preferences: {"email": text|null, "prefs": {kind:
** {"inbox": bool, "email": bool}}} with every kind. */
json_t *wm_notify_prefs_get(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f);
/* One kind's preference to set: inbox, email 1 on, 0 off, -1 unchanged. */
struct wm_notify_pref {
    const char *kind;
    int inbox;
    int email;
};
/** Set the caller's address (when set_email: email NULL or "" removes it) and preferences;
** audited as user.notify_prefs (whether there is an address, not the address). */
enum wm_err wm_notify_prefs_set(struct wm_db *db, const struct wm_actor *a, bool set_email,
                                const char *email, const struct wm_notify_pref *p, size_t n,
                                struct wm_fail *f) WM_MUST_CHECK;

/* The daily jobs (notify_mail.c). */
struct wm_notify_conf {
    const char *smtp_host; /* NULL or "": send no e-mail */
    unsigned smtp_port;
    bool smtp_starttls; /* require STARTTLS */
    const char *smtp_user; /* NULL or "": no authentication */
    const char *smtp_password;
    const char *smtp_from;
    const char *base_url; /* "https://wenming.example.org": links in e-mail */
    unsigned digest_hour; /* Asia/Shanghai */
};
/** The first moment after t (Unix seconds) that is hour:minute in Asia/Shanghai. */
int64_t wm_notify_next_at(int64_t t, unsigned hour, unsigned minute);
/** Keep the settings (copied) and register the job kinds "notify.schedule" (daily at
** digest_hour:00) and "notify.digest" (daily at digest_hour:15). */
void wm_notify_register(const struct wm_notify_conf *c);
/**
** The deadline scan: every archive of date's year and the year before (date "YYYY-MM-DD",
** NULL: today in Asia/Shanghai), its schedule on that date, and for each leaf × period
** due soon or overdue the unit is told once (due_soon, overdue; a second run tells nothing
** new).  Overdue is told only within WM_NOTIFY_OVERDUE_DAYS of the deadline (the first scan
** of a year already under way does not flood the inboxes with old periods).  *result
** {date, archives, notified}.
*/
#define WM_NOTIFY_OVERDUE_DAYS 31
enum wm_err wm_notify_schedule_scan(struct wm_db *db, const char *date, json_t **result,
                                    struct wm_fail *f) WM_MUST_CHECK;
/**
** The e-mail digest: a digest recorded for each person with an address and unread
** notifications for the e-mail of the last 7 days in no digest yet, then every digest not
** sent yet handed to the SMTP server (see notify_mail.c on "never twice").  Does nothing
** while smtp_host is unset.  A send that failed: WM_E_UNAVAILABLE (the job is retried).
** *result {digests, sent, failed}.
*/
enum wm_err wm_notify_digest_run(struct wm_db *db, json_t **result,
                                 struct wm_fail *f) WM_MUST_CHECK;

/* ---------------------------------------------------------------- packages */

struct wm_blobstore;

/**
** What an export of a unit's years will write: {"unit", "dirs": [...], "files": [{path,
** sha, size, mime, and the manifest's metadata}], "total": bytes}.  Built in the caller's
** thread (it reads the store); NULL with f set when no year has an archive.
*/
json_t *wm_export_plan(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                       const int64_t *years, size_t nyears, bool ascii_colon, struct wm_fail *f);
/** Write the planned package through write_cb (no store access: any thread). 0 or -1. */
int wm_export_write(const json_t *plan, struct wm_blobstore *bs,
                    int (*write_cb)(void *cls, const void *p, size_t n), void *cls, char *err,
                    size_t errlen);
/** A file added to a package beside the archives (no manifest metadata). */
struct wm_pkg_extra {
    const char *path; /* inside the package */
    const void *data;
    size_t len;
};
/** wm_export_write with extra files (the offline review package of a round: the standard's
** rules and the blank score sheet). */
int wm_export_write_with(const json_t *plan, struct wm_blobstore *bs,
                         const struct wm_pkg_extra *extra, size_t nextra,
                         int (*write_cb)(void *cls, const void *p, size_t n), void *cls,
                         char *err, size_t errlen);
/**
** Import a package (ZIP path) or a folder tree into the archive's leaves: folders matched
** to indicators by code and/or title; each file streamed into the blob store and sniffed.
** All or nothing: every entry is read and checked (its blob written) before any document
** is stored, and the documents go in one transaction.  A file that cannot go in (no
** matching leaf, a type not accepted, an unsafe entry) is skipped and said why; a file
** whose content (SHA-256) already is a live document of its leaf is skipped as 已存在, so
** a retry stores nothing twice.  A package refused as a whole (a zip bomb, a damaged ZIP,
** too many entries) stores nothing: WM_E_BAD_REQUEST with the report still in *report,
** the entry at fault "refused" with its reason, the others "not_imported"; blobs written
** for it that nothing refers to are removed again.
** *report: {"imported": n, "skipped": n, "refused": bool, "reason": text (when refused),
** "files": [{path, status (imported, skipped, refused, not_imported), code, reason,
** document_id}]}.
*/
enum wm_err wm_archive_import(struct wm_db *db, const struct wm_actor *a, struct wm_blobstore *bs,
                              const json_t *archive, const char *path, json_t **report,
                              struct wm_fail *f) WM_MUST_CHECK;
/** The same under an upload policy: the types allowed (as wm_media_allowed's list; NULL =
** the default types) and the largest file (bytes; 0 = 4 GiB), as for direct uploads; name is
** the package's name as the user knows it (the uploaded file's; NULL: path's last part).
** A package read writes one "archive.import" audit entry (package, imported, skipped,
** refused), in the transaction that stores its documents. */
enum wm_err wm_archive_import_policy(struct wm_db *db, const struct wm_actor *a,
                                     struct wm_blobstore *bs, const json_t *archive,
                                     const char *path, const char *name, const char *allowed,
                                     uint64_t max_file, json_t **report,
                                     struct wm_fail *f) WM_MUST_CHECK;

/* ---------------------------------------------------------------- fixity */
/**
** Re-hash every blob the store refers to; record the run; print(sha, status, detail) for
** each problem when given.  Returns {checked, missing, corrupt, bytes, problems} or NULL.
*/
json_t *wm_fixity_run(struct wm_db *db, struct wm_blobstore *blobs,
                      void (*print)(const char *sha, const char *status, const char *detail));
/**
** Files that nothing refers to: objects of the blob store no document version refers to
** (orphans), thumbnails in @a thumbs_dir (may be NULL) of no version, and files in the
** objects tree not named like an object (strays).  Files changed in the last @a grace
** seconds are left alone (an upload or an import may be about to refer to them).  With
** @a qdir each is moved aside, never deleted, into qdir/blobs/ or qdir/thumbs/ under its
** path in the store; an object that a version came to refer to meanwhile is put back.
** print(what, path, detail) for each: what is "orphan", "orphan-thumbnail", "stray" or
** "not-moved".  Returns {orphans, thumbnails, strays, moved, failed} or NULL.
*/
json_t *wm_orphans_run(struct wm_db *db, struct wm_blobstore *bs, const char *thumbs_dir,
                       const char *qdir, int64_t grace,
                       void (*print)(const char *what, const char *name, const char *detail));
/** The blobs the store refers to beyond its blob table (document versions, guidance
** attachments, compilations, the packages of unfinished imports) as an object sha → true;
** NULL when the store cannot be read. */
json_t *wm_blob_refs(struct wm_db *db);

/* ---------------------------------------------------------------- backup.c, restore.c (issue 13) */
/*
** A backup directory DIR holds manifest.json (the commit point: written last, temp file and
** rename), blobs/objects/ab/cd/<sha> (the same layout as a data directory's blobs/, only
** ever added to) and one snapshot directory snap-<UTC time>/ with wenming.db (SQLite) or
** store.pgdump (pg_dump custom format), wenming.conf and audit-head of that moment.
*/
#define WM_BACKUP_FORMAT "wenming-backup/1"

/** Progress of the blob copy: done of total objects, bytes copied so far. */
typedef void (*wm_backup_progress_fn)(void *cls, int64_t done, int64_t total, uint64_t bytes);

struct wm_backup_stats {
    char snapshot[64]; /* the snapshot directory under DIR */
    char store[16];    /* "sqlite" or "postgresql" */
    int schema;
    int64_t audit_seq; /* the snapshot's audit head (0: empty log) */
    int64_t blobs;     /* objects the snapshot refers to */
    int64_t copied;    /* of them copied now (the others were in DIR already) */
    int64_t missing;   /* of them missing (or corrupt) in the data directory */
    uint64_t bytes;    /* bytes copied now */
};

/**
** Back up data directory @a data (its store open as @a db, which names it) into @a out
** while a server may write: the store's snapshot first, then exactly the blobs that
** snapshot refers to, copied unless DIR has them, then the manifest.  Older snapshot
** directories are removed once the new manifest is in place.  0; 1 when the backup was
** written but some blobs were missing or corrupt in the data directory (listed in the
** manifest's "missing"); -1 with err filled (DIR keeps the previous backup).
*/
int wm_backup(struct wm_db *db, const char *data, const char *out, wm_backup_progress_fn progress,
              void *cls, struct wm_backup_stats *st, char *err, size_t errlen);

struct wm_restore_stats {
    char store[16];
    int schema;
    int64_t files; /* snapshot files checked */
    int64_t blobs; /* objects restored */
    uint64_t bytes;
    int64_t audit_seq;
};

/**
** Restore backup directory @a from into @a data, which must be absent or empty: every
** file's SHA-256 and size checked against the manifest (blobs while copied), then the
** store (a SQLite backup into data/wenming.db; a PostgreSQL one into the empty database
** @a pg_store with pg_restore), blobs/, audit-head and wenming.conf naming the store.
** 0, or -1 with err filled.
*/
int wm_restore(const char *from, const char *data, const char *pg_store,
               wm_backup_progress_fn progress, void *cls, struct wm_restore_stats *st, char *err,
               size_t errlen);

/* ---------------------------------------------------------------- jobs (jobs.c) */
/*
** One persistent job queue for background work (table job): a kind is registered with a
** handler; wm_jobs_start() runs worker threads that claim due jobs from the store (any
** server's), run them, renew their lease while they run, and mark them done or failed.
** A failure is retried with exponential backoff until the kind's max_attempts, then the
** job stays failed with its reason until retried (page /admin/jobs, `wenming jobs retry`).
** A job whose lease ran out (its server died) is taken over by another worker, so a
** handler must be safe to run again (each is: the thumbnail exists, the import skips what
** it stored, the fixity pass is read-only).
*/
struct wm_job;

/**
** Run one job.  payload is the job's (borrowed); *result (may stay NULL) is kept with
** the job.  An error of the caller's kind (bad request, not found, forbidden, conflict,
** too large, unsupported media) fails the job for good; any other is retried.  On a
** failure *result, when set, is kept too (a refused import's report).
*/
typedef enum wm_err (*wm_job_fn)(struct wm_db *db, struct wm_job *job, const json_t *payload,
                                 json_t **result, struct wm_fail *f);

struct wm_job_kind {
    const char *kind;     /* "thumbnail", "fixity", "archive.import" (a static string) */
    wm_job_fn run;
    int64_t max_attempts; /* 0: 5 */
    int64_t backoff;      /* seconds before the first retry, doubling after; 0: 30 */
    int64_t backoff_max;  /* 0: one hour */
    int64_t period;       /* > 0: scheduled, queued again this many seconds after the last
                          ** run ended (one waiting job across every server) */
    /* or scheduled at a time of day: the next run after the last one ended (last 0: never
    ** ran), e.g. tomorrow 07:00 Asia/Shanghai (one waiting job across every server) */
    int64_t (*next_run)(int64_t last, int64_t now);
    bool audit_submit;    /* a submit by a user is audited (job.create) */
};

/** Register (or replace) a kind: before wm_jobs_start(), not while workers run. */
void wm_jobs_register(const struct wm_job_kind *k);
/** Forget every kind (tests). */
void wm_jobs_reset(void);
/** Lease length and polling interval in seconds (defaults 60 and 2; tests shorten them). */
void wm_jobs_configure(int64_t lease, unsigned poll_ms);
/** The clock the queue reads (default wm_now; tests drive it). */
void wm_jobs_set_clock(int64_t (*now)(void));

/**
** Queue a job of kind with payload (JSON object, borrowed; NULL: {}) scoped to org_path
** (NULL: the platform's).  Joins the caller's transaction when one is open.  With a
** dedupe_key, a job of the same kind and key already waiting answers WM_OK with *id 0
** (nothing queued: that job does the work); while one is running, the new job waits for
** it to end and runs after it (never at once with it).  Wakes this process's workers.
*/
enum wm_err wm_job_submit(struct wm_db *db, const struct wm_actor *a, const char *kind,
                          const json_t *payload, const char *org_path, const char *dedupe_key,
                          int64_t *id, struct wm_fail *f) WM_MUST_CHECK;
/** Same, with every field of the row (in->created_by is the actor's). */
enum wm_err wm_job_submit_in(struct wm_db *db, const struct wm_actor *a,
                             const struct wm_job_in *in, int64_t *id,
                             struct wm_fail *f) WM_MUST_CHECK;

/*
** A PDF from a JSON spec by the `wenming-compile` helper, the one way the jobs (and the
** 四性检测 report) make one: wm_compile_begin makes a scratch directory of its own
** (wm_scratch_dir, prefix the start of its name), wm_compile_run writes the spec there
** (c->spec, "spec.json", json_dump_file with flags) and has make (wm_compile_spawned, as the
** jobs' env holds it; NULL: the helper is not installed) render c->pdf ("out.pdf", its
** page count in c->pages), wm_compile_store puts the PDF into the blob store, and
** wm_compile_end removes the spec, the PDF, the helper's side file and the directory —
** after a failure too; files the caller put in the directory (the pictures of a
** compilation) it removes itself before.  what names the document in a failure
** ("会议纪要": "会议纪要生成失败：…").
*/
typedef enum wm_err (*wm_compile_fn)(const char *spec_path, const char *out_path, int *pages,
                                     char *err, size_t errlen);
struct wm_compile {
    char dir[4096];
    char *spec; /* dir/spec.json (NULL before begin) */
    char *pdf;  /* dir/out.pdf */
    int pages;  /* after run: the PDF's pages (-1: not known) */
};
enum wm_err wm_compile_begin(struct wm_compile *c, const char *prefix,
                             struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_compile_run(struct wm_compile *c, wm_compile_fn make, const json_t *spec,
                           size_t flags, const char *what, struct wm_fail *f) WM_MUST_CHECK;
struct wm_blobstore;
/** The PDF into the blob store: *sha and *size. */
enum wm_err wm_compile_store(const struct wm_compile *c, struct wm_blobstore *blobs,
                             const char *what, char sha[65], uint64_t *size,
                             struct wm_fail *f) WM_MUST_CHECK;
void wm_compile_end(struct wm_compile *c);

/** Claim and run one due job as worker (a name unique among live workers); true when one
** ran (done, failed or lost).  What the worker threads loop on; tests call it directly. */
bool wm_jobs_run_one(struct wm_db *db, const char *worker);
/** Queue the next run of each scheduled kind whose next run is not queued yet, and purge
** done jobs older than 30 days.  The workers call it once a minute. */
void wm_jobs_schedule(struct wm_db *db);
/** Start n worker threads and the lease keeper (n 0: none).  0, or -1 (logged). */
int wm_jobs_start(unsigned n);
/** Stop: running jobs finish, the threads are joined. */
void wm_jobs_stop(void);
/** Wake the workers of this process (a job was queued). */
void wm_jobs_kick(void);

/* What a handler may ask of its running job. */
int64_t wm_job_id(const struct wm_job *j);
/** The job's row (id, kind, attempts, created_by, org_path ...); borrowed. */
const json_t *wm_job_row(const struct wm_job *j);
/** The job running in the calling thread, or NULL (for progress from deep code). */
struct wm_job *wm_job_current(void);
/**
** Record progress (a JSON object, stolen), shown on the job's page.  Written at most once a
** second (always when final), never inside a transaction (then the lease keeper writes
** it).  false when the job was lost (another worker took it over): stop then.
*/
bool wm_job_progress(struct wm_job *j, json_t *progress, bool final);
/** Whether the job was lost or the workers are stopping. */
bool wm_job_should_stop(const struct wm_job *j);

/** The job as the API shows it: times RFC 3339, payload/progress/result as JSON. */
json_t *wm_job_api(const json_t *row);
/** The job if the actor may see it (admins: all; offices: within their scope; anyone:
** the jobs they started), else NULL (f: not found, or the store's error). */
json_t *wm_job_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id,
                          struct wm_fail *f);
/** Jobs the actor may see (staff only), newest first, states a comma list (NULL: all). */
json_t *wm_jobs_list(struct wm_db *db, const struct wm_actor *a, const char *states,
                     const struct wm_page *pg, struct wm_fail *f);
/** Queue a failed job again (attempts reset); audited as job.retry.  Conflict when it is
** not failed or the same work is waiting already. */
enum wm_err wm_job_retry(struct wm_db *db, const struct wm_actor *a, int64_t id,
                         struct wm_fail *f) WM_MUST_CHECK;
/* The kinds wenming runs (jobs_kinds.c) and what they need of the server. */
/* ---------------------------------------------------------------- 四性检测 (archive_check.c) */
/* issue 13, dat70: the DA/T 70-2018 check of an archive's four properties. */
#define WM_CHECK_STANDARD "DA/T 70-2018《文书类电子档案检测一般要求》"
#define WM_CHECK_META_STANDARD "DA/T 22-2015《归档文件整理规则》"
/** The name of the report in an export package (".pdf" and ".json", at the package root). */
#define WM_CHECK_REPORT_NAME "四性检测报告"
/** The failing items listed per property (the total is counted past it). */
#define WM_CHECK_ITEMS_MAX 200
struct wm_check_env {
    struct wm_blobstore *blobs;
    const char *data_dir; /* its audit-head anchor is compared with the log (NULL: not) */
    const char *allowed;          /* wenming.conf allowed_types (NULL: the default list) */
    const struct wm_actor *actor; /* in whose sight the export plan is made */
    /* the probe of one file (wm_probe_spawned; NULL: none, every file fails 可用性) */
    enum wm_err (*probe)(const char *src, const char *mime, const char *dst, char *err,
                         size_t errlen);
    /* the PDF of a report from its JSON (wm_compile_spawned; NULL: no PDF) */
    enum wm_err (*compile)(const char *spec_path, const char *out_path, int *pages, char *err,
                           size_t errlen);
    void (*progress)(void *cls, const char *phase, int64_t done, int64_t total); /* may be NULL */
    void *cls;
};
/**
** Check the archive (from wm_archive_open): the report {kind "archive.check", standard,
** metadata_standard, archive {id, unit_id, unit_name, unit_code, year}, started_at,
** finished_at (RFC 3339), documents, scope, passed, required_metadata [{field, name}],
** properties: [{key (authenticity, integrity, usability, security), name, passed, checked,
** failed, items_listed, items [{rule, reason, document_id, version, code, serial, title,
** audit_id}], rules, notes}]}.  Reads only; NULL with f set on a store error.
*/
json_t *wm_archive_check_run(struct wm_db *db, const json_t *archive,
                             const struct wm_check_env *env, struct wm_fail *f);
/** The four results of a report (1 pass, 0 fail, -1 absent), in the order above. */
void wm_archive_check_results(const json_t *report, int results[4]);
/**
** Record a run's end (check_id 0: a new row, the command line): report NULL records it
** failed with error; else the report's JSON and its PDF (made with env->compile; a PDF that
** cannot be made leaves error saying why) stored as blobs; audited archive.check.  *id
** (may be NULL) the row.
*/
enum wm_err wm_archive_check_finish(struct wm_db *db, const struct wm_actor *a,
                                    const json_t *archive, int64_t check_id,
                                    const json_t *report, const char *error,
                                    const struct wm_check_env *env, int64_t *id,
                                    struct wm_fail *f) WM_MUST_CHECK;
/** Whether the actor may start a check (unit_admin of the unit, office, admin). */
bool wm_archive_check_may_run(const struct wm_actor *a);
/**
** Start a check of the archive as the job "archive.check" (403 for other roles); one run at
** a time: while one runs, its ids are the answer.  Audited archive.check.start.
*/
enum wm_err wm_archive_check_start(struct wm_db *db, const struct wm_actor *a,
                                   const json_t *archive, int64_t *check_id, int64_t *job_id,
                                   struct wm_fail *f) WM_MUST_CHECK;
/** The latest run of the archive (done_only: the latest finished one), or NULL. */
json_t *wm_archive_check_last(struct wm_db *db, const json_t *archive, bool done_only,
                              struct wm_fail *f);
struct wm_blobstore;
/** The latest run with its report ("report", read from its JSON blob) and, while it runs,
** its job's "progress"; NULL (f: not found) when the archive was never checked. */
json_t *wm_archive_check_view(struct wm_db *db, struct wm_blobstore *bs, const json_t *archive,
                              struct wm_fail *f);
/** Register the job "archive.check" (env: blobs, allowed, probe, compile). */
void wm_archive_check_register_jobs(const struct wm_check_env *env);

struct wm_jobs_env {
    struct wm_blobstore *blobs;
    const char *thumbs_dir; /* NULL: no thumbnails */
    unsigned thumb_px;
    /* makes one thumbnail (wm_thumb_make_spawned) */
    enum wm_err (*thumb_make)(const char *src, const char *mime, const char *dst,
                              unsigned max_px, char *err, size_t errlen);
    const char *allowed; /* the upload policy of imports */
    uint64_t max_file;
    unsigned fixity_hours; /* 0: no scheduled fixity pass */
    /* makes one 经验交流汇编 PDF from a spec file (wm_compile_spawned; NULL: none) */
    enum wm_err (*compile_make)(const char *spec_path, const char *out_path, int *pages,
                                char *err, size_t errlen);
    /* writes the UTF-8 text of one file to dst (wm_extract_make_spawned, the wenming-extract
    ** helper; NULL: no text extraction, files are indexed by their metadata only) */
    enum wm_err (*extract_make)(const char *src, const char *mime, const char *dst, char *err,
                                size_t errlen);
    /* Tests only (NULL otherwise): an import job calls it after its first progress, before
    ** it reads the package, so a test can see a running import; a plan job after it read
    ** the plan, before it renders it, so a test can save the plan while its job runs
    ** (WENMING_TEST_FAULT). */
    void (*hold)(struct wm_job *job);
    /* issue 13, dat70: the DA/T 70 probe of one file (wm_probe_spawned; NULL: none) */
    enum wm_err (*probe_make)(const char *src, const char *mime, const char *dst, char *err,
                              size_t errlen);
    const char *data_dir; /* the 四性检测 compares its audit-head anchor (NULL: not) */
};
/** Register "thumbnail", "fixity" (scheduled every fixity_hours), "archive.import" and
** "search.extract". */
void wm_jobs_register_builtin(const struct wm_jobs_env *env);
/**
** Ask for the thumbnail of a blob: a "thumbnail" job, unless one is waiting, or failed
** for good (a damaged file is not tried on every view), or was asked for by this process
** a moment ago.  Never fails the caller (a refusal is logged).
*/
void wm_thumb_job_request(struct wm_db *db, const char *sha, const char *mime);
/**
** Queue the import of a package already stored as blob sha (the upload, committed) into
** the archive of unit_id's year, as the actor: the job's id in *id (audited job.create).
** The job imports with the actor's rights at the time it runs.
*/
enum wm_err wm_import_job_submit(struct wm_db *db, const struct wm_actor *a,
                                 const json_t *archive, const char *sha, uint64_t size,
                                 const char *name, int64_t *id, struct wm_fail *f) WM_MUST_CHECK;

/** The Chinese name of a job kind (the kind itself when unknown). */
const char *wm_job_kind_label(const char *kind);
/** The Chinese name of a state. */
const char *wm_job_state_label(const char *state);
/** A document's media as the catalogue and the pages name it (文字, 图片, 音像): the msgid
** (untranslated), and the same translated for the caller's language. */
const char *wm_media_name(const char *media);
const char *wm_media_label(const char *media);
/** A document's status (草稿, 待审核, 已通过, 已退回), translated. */
const char *wm_doc_state_label(const char *status);
/** The state of a search hit: a document's status or a guidance conversation's state. */
const char *wm_search_state_label(const char *state);

/* ---------------------------------------------------------------- rounds (rounds.c, issue 10) */
/*
** Evaluation rounds (测评).  A round is created by office staff of an office, over the
** office's jurisdiction or that of an office below it, against a published edition the
** office may read.  States: draft → open (申报) → evaluating → locked → publicity (公示) →
** closed.  Forward one step at a time by the staff of the round's office; back one step
** only by an admin, with a reason.  Every write is audited in its transaction
** (round.create, round.update, round.state, round.entry.*).
**
** Who sees a round (wm_round_get_scoped; otherwise 404): admins every round; office staff
** rounds whose scope overlaps their jurisdiction (within it, or holding it); unit accounts
** rounds not in draft whose scope holds their unit; evaluators rounds with a group they
** are a member of.
**
** A round object (from the store, see round_get in wm_db.h): times as Unix seconds,
** pass_threshold in hundredths, unit_types as JSON text.
*/
#define WM_ROUND_NAME_MAX 100
#define WM_ROUND_TEXT_MAX 1000 /* notes and reasons */

/** The round states in order, NULL-terminated. */
extern const char *const wm_round_states[];
/** The Chinese name of a round state (草稿, 申报中 …); the code itself when unknown. */
const char *wm_round_state_label(const char *state);
/** The Chinese name of an entry state (待提交, 已申报 …) and of a kind (申报, 复查). */
const char *wm_entry_state_label(const char *state);
const char *wm_entry_kind_label(const char *kind);
/** The 申报统计 category of an org type: 机关, 企业, 事业单位 → 文明单位; 学校 → 文明学校;
** 乡镇 → 文明乡镇; 街道 → 文明街道; 村 → 文明村; 社区 → 文明社区; 窗口单位 → 窗口单位;
** anything else → 其他. */
const char *wm_unit_type_category(const char *type);
/** The categories in display order, NULL-terminated (其他 last). */
extern const char *const wm_round_categories[];

/** The round id if the caller may see it (caller decrefs), else NULL with f set (404). */
json_t *wm_round_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id,
                            struct wm_fail *f);
/** Whether the round (an object from wm_round_get_scoped) is in state. */
bool wm_round_in_state(const json_t *round, const char *state);
/** Whether the caller is staff of the round's office (it moves the round forward, edits
** it, decides on entries). */
bool wm_round_is_owner(const struct wm_actor *a, const json_t *round);
/** Whether the round admits units of org type (its unit_types empty, or listing it). */
bool wm_round_admits(const json_t *round, const char *type);
/** The next state after state (NULL after closed or for an unknown one), the previous
** (NULL before draft). */
const char *wm_round_next_state(const char *state);
const char *wm_round_prev_state(const char *state);
/** The rounds the caller sees, newest first (state NULL: any). */
json_t *wm_round_list(struct wm_db *db, const struct wm_actor *a, const char *state,
                      unsigned limit, unsigned offset, struct wm_fail *f);
/**
** Create a round (office staff) from in: {name, level, scope_id (an office within the
** caller's jurisdiction; absent: the caller's own), edition_id, window_start, window_end,
** years_from, years_to, unit_types ([type names]; absent or []: all), pass_threshold
** (points as a decimal string "85.5" or an integer), reconcile (mean|leader; absent:
** mean), no_own_district (bool), publicity_start, publicity_end}.  400 with the field at
** fault and a Chinese message.
*/
enum wm_err wm_round_create(struct wm_db *db, const struct wm_actor *a, const json_t *in,
                            int64_t *id, struct wm_fail *f) WM_MUST_CHECK;
/** Change a round (its office's staff): the keys present in in (as for create, without
** scope_id).  A draft round takes every field; later only name and the publicity dates. */
enum wm_err wm_round_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
                            const json_t *in, struct wm_fail *f) WM_MUST_CHECK;
/** Move a round to state to: the next state (its office's staff), or the previous one (an
** admin, reason required).  409 for a skip or a state it is not next to. */
enum wm_err wm_round_transition(struct wm_db *db, const struct wm_actor *a, int64_t id,
                                const char *to, const char *reason,
                                struct wm_fail *f) WM_MUST_CHECK;
/**
** Add recheck entries (复查: kind recheck, state accepted) for units to the round inside
** the caller's transaction; a unit with an entry already, or outside the round's scope,
** is skipped; *added (may be NULL) how many.  Audited as round.recheck with actor a (NULL:
** the command line).  0 with the round open, else -1 (logged).
*/
int wm_round_add_rechecks(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                          const int64_t *unit_ids, size_t n, size_t *added);
/**
** The units whose titles fall due for review (复查) in the round, called when the round
** opens: wm_titles_due with the round's scope_path and level, date = its window_end and
** since = 1 January of the year before its window_start (a title that lapsed earlier is
** not rechecked: the unit declares anew), keeping units of the types the round admits.
** A JSON array of unit ids (caller decrefs); NULL on a store error (logged).
*/
json_t *wm_round_rechecks_due(struct wm_db *db, const json_t *round);

/*
** Entries (申报 and 复查).  A unit's unit_admin declares during the open state: contact
** person, 事迹材料 (documents of its own archives), an optional self-assessment per leaf,
** then submits (declared); it may withdraw before recommendation.  An office between the
** unit and the round's office (its district) recommends (推荐) declared entries with a
** rank and a note; the round's office accepts or rejects (reason required) recommended
** ones.  A unit sees only its own entry.
*/
/** The caller's view of an entry: the entry row with "docs_list" and "self" (the
** self-assessment rows) when with_detail.  NULL with f set (404 out of sight). */
json_t *wm_entry_get_scoped(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                            int64_t entry_id, bool with_detail, struct wm_fail *f);
/** The caller's unit's entry in the round (unit accounts), or NULL (f 404 when none). */
json_t *wm_entry_own(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                     bool with_detail, struct wm_fail *f);
/** Entries the caller sees (offices: of units in their jurisdiction; units: their own;
** evaluators: none, 404), filtered as flt (round_id and scope are set here). */
json_t *wm_entry_list(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                      const struct wm_entry_filter *flt, struct wm_fail *f);
/**
** Save the caller's unit's declaration (unit_admin; the round open; the entry draft, or
** none yet: created): in {contact_name, contact_phone, docs: [document ids] (replace the
** list; each a live document of the unit's own archives), self: [{code, score (points as
** for thresholds, or null), note}] (set those leaves, the others kept; leaves of the
** round's edition, score within the leaf's points)}; absent keys keep.  *entry_id the
** entry.
*/
enum wm_err wm_entry_save(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                          const json_t *in, int64_t *entry_id, struct wm_fail *f) WM_MUST_CHECK;
/**
** Move an entry: "declare" (unit_admin: draft or withdrawn → declared; contact required),
** "withdraw" (unit_admin: draft or declared → withdrawn), "recommend" (an office between
** the unit and the round's office, its staff: declared → recommended with rank > 0 and a
** note), "accept" (the round's office: recommended → accepted), "reject" (the round's
** office: declared or recommended → rejected, reason required).  Each notifies the unit
** or the offices above it.
*/
enum wm_err wm_entry_act(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                         int64_t entry_id, const char *action, int64_t rank,
                         const char *text, struct wm_fail *f) WM_MUST_CHECK;
/**
** Declaration statistics (申报统计) of the entries of units in the caller's jurisdiction
** (staff; others 403): {rows: [{category, unit_type, district_id, district_name, state, n}],
** by_category: {cat: n} (every category), by_district: [{district_id, district_name, n}],
** by_state: {state: n}, grid: {cat: {state: n}}, total}.
*/
json_t *wm_round_stats(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                       struct wm_fail *f);
/* ---------------------------------------------------------------- titles (titles.c, issue 10) */
/*
** The title register (文明称号): which unit holds which title, at which level, awarded on
** which day by which document or round, valid until when, and its state: kept (保留),
** revoked (撤销) or expired (过期).  Office staff read and write the titles of the units in
** their jurisdiction, a unit's accounts read their own unit's, evaluators none (forbidden);
** out of scope: not found.  Dates are "YYYY-MM-DD" (Asia/Shanghai calendar days).
**
** Expiry is stored: a kept title whose valid_until is before today becomes expired by the
** daily job "title.expire" (00:05) or `wenming title expire` (wm_titles_expire), audited
** per title.  A title written with a valid_until already past is stored expired.
*/
extern const char *const wm_title_levels[]; /* 全国, 省级, 市级, 县级, 区级 (suggestions) */
/** 保留, 撤销, 过期 for kept, revoked, expired (the code itself when unknown). */
const char *wm_title_state_label(const char *state);
/** A state as written by people or the API (保留/有效/kept, 撤销/revoked, 过期/失效/expired)
** to its code (static); false when it is none of them. */
bool wm_title_state_parse(const char *s, const char **state) WM_MUST_CHECK;

struct wm_title_in {
    int64_t unit_id;         /* add only */
    const char *unit_code;   /* add only, when unit_id is 0: the unit by its code */
    const char *title;       /* update: NULL keeps */
    const char *level;
    const char *award_doc;   /* update: NULL keeps, "" clears */
    const char *awarded_on;
    const char *valid_until; /* update: NULL keeps, "" clears */
    const char *note;        /* update: NULL keeps, "" clears */
    int64_t round_id;        /* 0: none (update: keeps; -1 clears) */
};

struct wm_title_query {
    int64_t unit_id;        /* 0: every unit in scope */
    const char *level;
    const char *state;      /* kept, revoked, expired (or 保留, 撤销, 过期) */
    const char *until_from; /* valid_until on or after */
    const char *until_to;   /* valid_until on or before */
    const char *q;          /* text in the title, the document, the unit's name or code */
    unsigned limit;         /* 0: 100 */
    unsigned offset;
};

/** Titles in the caller's scope by the query, newest awarded first (rows of title_list). */
json_t *wm_title_list(struct wm_db *db, const struct wm_actor *a, const struct wm_title_query *q,
                      struct wm_fail *f);
/** A title in the caller's scope, else NULL with f set. */
json_t *wm_title_get_scoped(struct wm_db *db, const struct wm_actor *a, int64_t id,
                            struct wm_fail *f);
/** Register a title (office staff), audited title.create. */
enum wm_err wm_title_add(struct wm_db *db, const struct wm_actor *a, const struct wm_title_in *in,
                         int64_t *id, struct wm_fail *f) WM_MUST_CHECK;
/** Edit a title's fields (office staff), audited title.update. */
enum wm_err wm_title_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
                            const struct wm_title_in *in, struct wm_fail *f) WM_MUST_CHECK;
/**
** A manual state change (office staff) with a reason (required), audited title.state:
** conflict when the title is in that state already; kept is refused for a title whose
** valid_until passed (extend it first).
*/
enum wm_err wm_title_set_state(struct wm_db *db, const struct wm_actor *a, int64_t id,
                               const char *state, const char *reason,
                               struct wm_fail *f) WM_MUST_CHECK;
/** Expire every kept title in the caller's scope whose valid_until is before date (NULL:
** today), audited title.expire each; *count how many. */
enum wm_err wm_titles_expire(struct wm_db *db, const struct wm_actor *a, const char *date,
                             int64_t *count, struct wm_fail *f) WM_MUST_CHECK;
/** Register the daily job "title.expire" (00:05 Asia/Shanghai; from wm_jobs_register_builtin). */
void wm_titles_register_jobs(void);

/**
** The units to recheck (复查) in a round: units within scope_path (the round's; NULL or
** "/": all; no caller check, the round's office checked it) holding a title of level
** (NULL: any) that is kept, or expired but not revoked, whose valid_until is on or before
** date and on or after since (NULL: no lower bound), unless the unit holds a kept title
** of that level valid after date (or without an end: a title renewed already).  Titles
** without valid_until are never due.  For a round, pass its level, date = its window_end
** (or "YYYY-12-31" of its year to recheck every title ending within the year), and since
** = the start of the previous round's window, so that a title that lapsed long ago (the
** unit should declare anew) is not rechecked.  One row per unit, by unit path: {unit_id,
** unit_name, unit_code, unit_type, unit_path, title_id, title, level, valid_until, state}
** (the unit's due title ending last).  Runs in the caller's transaction when one is open.
** NULL with f set (bad dates, a store error).
*/
json_t *wm_titles_due(struct wm_db *db, const char *scope_path, const char *level,
                      const char *since, const char *date, struct wm_fail *f);
/**
** A round's title decision for a unit (office staff of the unit's jurisdiction, or the
** command line), audited title.decide with the decision, the round and the reason:
**   授予 (award): a new title (title, level, awarded_on required; award_doc, valid_until
**       optional) with round_id, kept (expired if valid_until already passed);
**   保留 (keep): the unit's current title (of level, NULL or "": any; not revoked, the one
**       valid the longest) gets valid_until (required) and is kept again;
**   撤销 (revoke): the unit's current title is revoked with reason (required).
** decision also takes award, keep, revoke.  *title_id (may be NULL) the title written.
** Inside the caller's transaction when one is open (a round's results written together:
** the caller commits or rolls back), else in its own.  Not found: no such unit in scope,
** or no current title to keep or revoke.
*/
enum wm_err wm_title_decide(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                            int64_t round_id, const char *decision, const char *title,
                            const char *level, const char *award_doc, const char *awarded_on,
                            const char *valid_until, const char *reason, int64_t *title_id,
                            struct wm_fail *f) WM_MUST_CHECK;

/*
** Import of the titles that exist before wenming from a table (CSV or XLSX): columns 单位代码
** (or 单位名称), 称号, 级别, 授予文件, 授予日期, 有效期至, 状态, 备注 (the header among the first
** five rows; English names accepted), dates as wm_table_date reads them.  Every row is
** checked; with any bad row nothing is imported.  Units are matched within the caller's
** scope, or within office_id's (0: the caller's).  The report: {rows, imported, errors:
** [{row, column, field, reason, message}], dry_run, committed}; message is the whole
** sentence: 第 3 行“授予日期”列：…
*/
#define WM_TITLE_IMPORT_MAX 5000 /* rows per import over HTTP (the command line: no limit) */
/** Whether a table (one sheet) looks like a title register (for wm_table_read_fitting). */
bool wm_title_table_fits(const struct wm_table *t, void *cls);
enum wm_err wm_title_import(struct wm_db *db, const struct wm_actor *a, const struct wm_table *t,
                            int64_t office_id, bool dry_run, json_t **report,
                            struct wm_fail *f) WM_MUST_CHECK;

/* ---------------------------------------------------------------- scoring (scoring.c, issue 10) */
/*
** Score sheets (评分表): one per entry and evaluator, with a score per leaf of the round's
** standard.  Who does what:
**   - an evaluator member of the group the entry is assigned to scores the entry's leaves
**     on their own sheet, only while the round is evaluating, only while the entry is
**     unlocked and the sheet a draft; then submits the sheet (draft → submitted);
**   - the group's leader (eval_group.leader_id) sees the progress of the group's entries,
**     reopens a submitted sheet, reconciles the sheets (the round's reconcile setting:
**     mean, or the leader's decision per leaf, undecided leaves falling back to the mean)
**     and locks the entry: entry_final for every scored leaf, round_entry's total, vetoed;
**   - the round's office and the admin read progress and reconciliation; the admin unlocks
**     an entry with a reason.
** Anyone else: 404.  Values are computed and checked by the engine (wm_eval.h) from the
** leaf's rule; every write is audited (score.set, sheet.submit, sheet.reopen,
** entry.reconcile, entry.lock, entry.unlock).
*/
struct wm_eval_plan;

/** The method catalog (codes, NULL-terminated): site, report, docs, interview, survey,
** online; and a code's Chinese name (看实地, 听介绍, 评资料 …; the text itself otherwise). */
extern const char *const wm_score_methods[];
const char *wm_score_method_label(const char *code);

/** The round's standard as an engine plan, parsed once per edition and cached for the
** process (borrowed; never freed).  NULL with f set (500) when the edition cannot be read. */
const struct wm_eval_plan *wm_round_plan(struct wm_db *db, const json_t *round,
                                         struct wm_fail *f);

/**
** The caller's score sheet of an entry (an evaluator of the entry's group): {round_id,
** entry: {id, unit_id, unit_name, unit_code, locked_at, total, vetoed}, sheet: {id, state,
** submitted_at, updated_at, scored} or null (nothing scored yet), editable (the round
** evaluating, the entry unlocked, the sheet a draft), leader (the caller leads the group),
** leaves: [{code, title, requirement, max, rule, rule_label, rule_words, cap, veto,
** grades: [{letter, fraction, value}], methods: [{code, label}], docs: [{id, title, year,
** serial}] (the unit's live documents of the leaf in the materials years), score: {value,
** grade, deductions: [{reason, points}], method, comment, evidence: [ids], veto,
** veto_reason, updated_at} or null}]}; hundredths as integers.  NULL with f (404).
*/
json_t *wm_sheet_view(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                      int64_t entry_id, struct wm_fail *f);
/**
** Score one leaf on the caller's sheet: in {value (points: "2.5" or a number; optional),
** grade ("A".."D"), deductions ([{reason, points ("0.5" or a number)}]), method, comment,
** evidence ([document ids]), veto (bool), veto_reason}; absent keys mean nothing entered.
** 400 (field and Chinese message) for a value the rule refuses, 404 for an entry or leaf
** out of reach, 409 when the round is not evaluating, the entry is locked or the sheet
** submitted.  *out (may be NULL) the stored score as in wm_sheet_view.
*/
enum wm_err wm_score_set(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                         int64_t entry_id, const char *code, const json_t *in, json_t **out,
                         struct wm_fail *f) WM_MUST_CHECK;
/**
** Many leaves at once (the offline draft): in {scores: [{code, …as wm_score_set}],
** submit (bool)}.  One transaction, applied per leaf: each valid leaf is written, each
** refused leaf is reported and skipped.  *report: {saved, refused, results: [{code,
** status: saved|refused, error, field}], submitted}.  The sheet is submitted when asked
** and nothing was refused.  Errors of the whole (not a member, round not evaluating,
** locked, submitted) fail the call as wm_score_set does.
*/
enum wm_err wm_score_batch(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                           int64_t entry_id, const json_t *in, json_t **report,
                           struct wm_fail *f) WM_MUST_CHECK;
/** Submit the caller's sheet (draft → submitted; 409 otherwise or with nothing scored). */
enum wm_err wm_sheet_submit(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                            int64_t entry_id, struct wm_fail *f) WM_MUST_CHECK;
/** The leader reopens an evaluator's submitted sheet (→ draft) while the entry is unlocked. */
enum wm_err wm_sheet_reopen(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                            int64_t entry_id, int64_t evaluator_id,
                            struct wm_fail *f) WM_MUST_CHECK;
/**
** Progress of the round's entries in groups: the leader's groups (the round's office and
** the admin: all groups).  {leaves (the standard's scorable leaves), entries: [{entry_id,
** unit_id, unit_name, unit_code, group_id, group_name, leader (the caller leads it),
** locked_at, total, vetoed, evaluators: [{evaluator_id, name, sheet_id, state (none,
** draft, submitted), scored, submitted_at}]}]}.  404 for anyone else.
*/
json_t *wm_round_progress(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                          struct wm_fail *f);
/**
** The reconciliation of an entry (its group's leader, the round's office, the admin):
** {how, entry, evaluators: [{id, name, state, sheet_id}], leaves: [{code, title, max, rule,
** veto_leaf, values: [hundredths or null, per evaluator], vetoes: [bool …], veto_reasons,
** n, mean, min, max, spread, nveto, flagged, decision (leader's, or null), final (or null),
** final_how, final_veto}], total, base, bonus, negative, subtotals: [{code, title, value}],
** vetoed, scored, unscored, locked_at, can_decide, can_lock, all_submitted}.
*/
json_t *wm_reconcile_view(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                          int64_t entry_id, struct wm_fail *f);
/** The leader's decisions (round reconcile = leader): in {decisions: [{code, value (points
** or null: withdraw the decision)}]}; all or nothing. */
enum wm_err wm_reconcile_decide(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                                int64_t entry_id, const json_t *in,
                                struct wm_fail *f) WM_MUST_CHECK;
/** The leader locks the entry: every sheet submitted (409 otherwise), entry_final written
** for every leaf with a final value, round_entry's total and veto set. */
enum wm_err wm_entry_lock(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                          int64_t entry_id, struct wm_fail *f) WM_MUST_CHECK;
/** The admin unlocks a locked entry (reason required) while the round is evaluating. */
enum wm_err wm_entry_unlock(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                            int64_t entry_id, const char *reason,
                            struct wm_fail *f) WM_MUST_CHECK;

/* ---------------------------------------------------------------- results (results.c, issue 10) */
/*
** A round's results: totals with subtotals per top-level indicator computed by the engine
** from the locked entries' reconciled values (entry_final), ranks in the round (its whole
** jurisdiction), per district (the office above the unit) and per unit type (competition
** ranks: 1, 2, 2, 4; vetoed units after the others), pass = locked, total ≥ the round's
** threshold and no veto.  Who reads results: the admin and office staff (the rows of
** units in their jurisdiction); unit accounts only their own row and only once the round
** is in publicity or closed (404 before); evaluators never (403).
**
** A result row: {entry_id, unit_id, unit_name, unit_code, unit_type, district_id,
** district_name, kind, locked, total (hundredths or null), subtotals [per top], vetoed,
** veto_reason, pass, rank, rank_district, rank_type} (rank 0: not locked).
*/
struct wm_results_q {
    int64_t district_id; /* 0: any */
    const char *unit_type; /* NULL/"": any */
    int pass;            /* -1 any, 1 passing, 0 failing (locked and not passing) */
    const char *sort;    /* NULL: the round's rank; district, type (then the rank within), code */
    unsigned limit;      /* 0: 50 */
    unsigned offset;
};
/** {round_id, state, tops: [{code, title}], threshold, matched (rows the filters match),
** counts: {entries, locked, passed, failed} (of the rows the caller sees), districts: [{id,
** name}] (of those rows, for a filter), items: [rows in rank order, the window
** limit/offset]}.  NULL with f set. */
json_t *wm_results(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                   const struct wm_results_q *q, struct wm_fail *f);
/** Read round_finals' packed values ("1.1.1=250,…") into v (plan->nleaves entries, by plan
** index; unknown codes skipped); how many were set. */
struct wm_eval_value;
size_t wm_finals_fill(const struct wm_eval_plan *p, const char *packed, struct wm_eval_value *v);
/** Every row of the round, unscoped (the command line and exports after their own check):
** {tops, threshold, rows}. */
json_t *wm_results_all(struct wm_db *db, const json_t *round, struct wm_fail *f);
/** One entry's row (with tops and threshold) if the caller may read it, else NULL (404). */
json_t *wm_result_of_entry(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                           int64_t entry_id, struct wm_fail *f);
/** The publicity list (公示), the round in publicity or closed (404 before): {round_id,
** round_name, state, publicity_start, publicity_end, tops, items: [{entry_id, unit_id,
** unit_name, unit_code, unit_type, district_name, kind}] of the passing units (no scores),
** own: the caller's unit's result row or null}.  Anyone who sees the round. */
json_t *wm_publicity(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                     struct wm_fail *f);
/** A unit (unit_admin, unit_member) lodges an objection (异议) during publicity (409
** otherwise), about an accepted entry of the round (entry_id; 0: the results in general);
** audited objection.create, the offices above the unit are told. */
enum wm_err wm_objection_lodge(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                               int64_t entry_id, const char *text, int64_t *id,
                               struct wm_fail *f) WM_MUST_CHECK;
/** Objections of the round: units their own; office staff those of units in their
** jurisdiction; the admin all; evaluators 403.  Newest first. */
json_t *wm_objection_list(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                          const char *state, struct wm_fail *f);
/** The round's office (or the admin) answers an open objection (409 when answered);
** audited objection.answer, the unit is told. */
enum wm_err wm_objection_answer(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                                int64_t id, const char *answer,
                                struct wm_fail *f) WM_MUST_CHECK;
/** What the office writes into the register when a round is closed. */
struct wm_titles_in {
    const char *title;       /* 第十五届市级文明单位: an input, never guessed */
    const char *award_doc;   /* optional */
    const char *awarded_on;  /* YYYY-MM-DD */
    const char *valid_until; /* YYYY-MM-DD: of awarded titles and of kept ones */
};
/**
** Title decisions of a closed round (409 before), once (409 the second time), by its
** office or the admin (a NULL: the command line): per locked entry, a new declaration
** that passes → 授予 (award the title at the round's level), a recheck that passes → 保留
** (keep, valid_until), a recheck that fails → 撤销 (revoke, reason "<round> 未通过"), a
** declaration that fails → nothing; through wm_title_decide, all in one transaction,
** audited round.titles.  *report {awarded, kept, revoked, none, items: [{unit_id,
** unit_name, decision, title_id}]}.
*/
enum wm_err wm_results_titles(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                              const struct wm_titles_in *in, json_t **report,
                              struct wm_fail *f) WM_MUST_CHECK;
/**
** Rectification items from deductions (the office's action, after the scores are locked:
** locked, publicity or closed; 409 before): for each locked entry (entry_id 0: all of
** the round) one item per leaf whose reconciled value is below its maximum (a negative
** leaf: below 0), its problem the evaluators' deduction reasons and the score; due_on
** optional.  A leaf with an item already is skipped.  Audited rectification.open per
** item; the unit is told.  *opened how many were opened.
*/
enum wm_err wm_results_rectify(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                               int64_t entry_id, const char *due_on, int64_t *opened,
                               struct wm_fail *f) WM_MUST_CHECK;
/** Rectification items the caller sees: units their own, offices their jurisdiction's,
** the admin all; evaluators 403.  Open first, then by due date. */
json_t *wm_rect_list(struct wm_db *db, const struct wm_actor *a, const char *state,
                     unsigned limit, unsigned offset, struct wm_fail *f);
/** 待整改, 已整改, 已验收, 已关闭. */
const char *wm_rect_state_label(const char *state);

/* ---------------------------------------------------------------- groups and visits (groups.c) */
/*
** Evaluation groups (测评组), assignments and visits (走访) of a round (issue 10).
**
** Groups: the staff of the round's office create and delete groups (a name and a leader),
** add and remove members and assign accepted entries to groups, while the round is open or
** evaluating (409 otherwise); other roles 403.  A member (the leader too, who is always a
** member) is an enabled account of role evaluator at an org within the round's office's
** jurisdiction or at an office above it (a city evaluator in a district's round).
** Own district (the round's no_own_district): a unit's district is the office directly above
** it; an evaluator belongs to it when their org is that office or lies below it, and then
** may not be in a group the unit is assigned to: the assignment or the membership is
** refused (409) with a message naming the unit and the evaluator.  An evaluator at the
** round's office or above it has no district in the round.
**
** Visits: the round's office or the leader of the entry's group schedules a visit of an
** accepted entry (start as Unix seconds, shown in China Standard Time; place; note),
** reschedules or cancels it.  The unit must be told at least 12 hours ahead: a start less
** than WM_VISIT_NOTICE seconds from now is refused (400 on starts_at, naming the earliest
** allowed minute).  Each change notifies the unit's accounts in-app (kind "visit") and by
** e-mail at once (the job "notify.visit", one message per account with an address).
**
** Evaluator access: an evaluator reads an assigned unit's archives (tree, leaf lists,
** documents, content, thumbnails; never writes) for the round's materials years only and
** only while the round is evaluating; every archive and document read path asks
** wm_eval_access (one indexed query); anything else answers 404.
*/
#define WM_VISIT_NOTICE (12 * 3600)

/** "2026-12-03 18:00" in China Standard Time. */
void wm_cst_format(char out[32], int64_t t);
/** "YYYY-MM-DD HH:MM" (or with a T; seconds ":SS" allowed) in China Standard Time as Unix
** seconds; 0 when it is not a valid time. */
int64_t wm_cst_parse(const char *s);
/** Whether the caller is an evaluator with access to the unit's archive of year (year 0: of
** any materials year) now: a round in state evaluating with the unit's entry in a group the
** caller is a member of, year within its materials years. */
bool wm_eval_access(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year);
/** Whether the caller may read the unit's archive of year once the unit is in sight: every
** caller but evaluators, who need wm_eval_access. */
bool wm_year_readable(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year);
/** Whether the caller (an evaluator) leads the group (a group row). */
bool wm_group_is_leader(const struct wm_actor *a, const json_t *group);
/** The round's groups the caller sees (office staff: all; evaluators: their own; others
** 403), each with "member_list" and "entry_list". */
json_t *wm_group_list(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                      struct wm_fail *f);
/** The accounts the round's office may put into its groups (others: []). */
json_t *wm_group_candidates(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                            struct wm_fail *f);
/** The round's accepted entries (申报 accepted and 复查) for the round's office: what it
** assigns and schedules visits of (others: []). */
json_t *wm_group_assignable(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                            struct wm_fail *f);
enum wm_err wm_group_create(struct wm_db *db, const struct wm_actor *a, int64_t round_id,
                            const char *name, int64_t leader_id, int64_t *id,
                            struct wm_fail *f) WM_MUST_CHECK;
/** Rename a group and set its leader (who joins it when not a member yet). */
enum wm_err wm_group_update(struct wm_db *db, const struct wm_actor *a, int64_t round_id,
                            int64_t group_id, const char *name, int64_t leader_id,
                            struct wm_fail *f) WM_MUST_CHECK;
/** Delete a group; its entries return to no group. */
enum wm_err wm_group_delete(struct wm_db *db, const struct wm_actor *a, int64_t round_id,
                            int64_t group_id, struct wm_fail *f) WM_MUST_CHECK;
/** Add (add) or remove a member; the leader is never removed (409). */
enum wm_err wm_group_member(struct wm_db *db, const struct wm_actor *a, int64_t round_id,
                            int64_t group_id, int64_t user_id, bool add,
                            struct wm_fail *f) WM_MUST_CHECK;
/** Assign an accepted entry to a group (0: to none). */
enum wm_err wm_entry_assign(struct wm_db *db, const struct wm_actor *a, int64_t round_id,
                            int64_t entry_id, int64_t group_id, struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_visit_schedule(struct wm_db *db, const struct wm_actor *a, int64_t round_id,
                              int64_t entry_id, int64_t starts_at, const char *place,
                              const char *note, int64_t *id, struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_visit_reschedule(struct wm_db *db, const struct wm_actor *a, int64_t round_id,
                                int64_t visit_id, int64_t starts_at, const char *place,
                                const char *note, struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_visit_cancel(struct wm_db *db, const struct wm_actor *a, int64_t round_id,
                            int64_t visit_id, struct wm_fail *f) WM_MUST_CHECK;
/** The round's visits the caller sees (office staff: of units in their jurisdiction;
** evaluators: of their groups' entries; units: their own), by start; upcoming: scheduled
** ones from now on. */
json_t *wm_visit_list(struct wm_db *db, const struct wm_actor *a, const json_t *round,
                      bool upcoming, struct wm_fail *f);
/** The caller's next visits over all rounds not closed (a unit's; an evaluator's groups'). */
json_t *wm_visits_upcoming(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f);
/** The entries assigned to the caller's groups in rounds being evaluated (evaluators). */
json_t *wm_eval_assignments(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f);

/* ---------------------------------------------------------------- search (search.c, issue 11) */
/*
** The full-text index of documents (title, metadata and the text of the current version's
** file), indicators of published editions (title and requirements) and guidance
** conversations, tokenized by src/search (Chinese bigrams, 繁简 folded).  The writers keep it
** current inside their own transactions; a file's text comes from the job "search.extract"
** (the wenming-extract helper, once per blob), which re-indexes the documents using it.
*/
/** Bring the index row of a document up to date (removed when it is in the trash or gone).
** Called inside the writer's transaction. */
enum wm_err wm_search_sync_document(struct wm_db *db, int64_t document_id,
                                    struct wm_fail *f) WM_MUST_CHECK;
/** Same for a guidance conversation (its messages), and every indicator of an edition. */
enum wm_err wm_search_sync_guidance(struct wm_db *db, int64_t guidance_id,
                                    struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_search_sync_edition(struct wm_db *db, int64_t edition_id,
                                   struct wm_fail *f) WM_MUST_CHECK;
/** Every document and conversation of the units within path (after an org moved: their
** paths changed; after a unit's type changed). */
enum wm_err wm_search_sync_subtree(struct wm_db *db, const char *path,
                                   struct wm_fail *f) WM_MUST_CHECK;
/** Before an archive of the unit at unit_path is deleted: the index rows of its guidance
** conversations (deleted with it). */
enum wm_err wm_search_drop_archive(struct wm_db *db, const char *unit_path, int64_t archive_id,
                                   struct wm_fail *f) WM_MUST_CHECK;
/** Register the job kind "search.extract" (payload {sha, mime}) with env's blob store and
** text extractor (wm_jobs_register_builtin calls it).  Without an extractor the kind
** records nothing and succeeds, and the writers queue no extraction. */
void wm_search_register_jobs(const struct wm_jobs_env *env);

/* What a search asks for: q as typed, and filters as from the URL (NULL / 0: none). */
struct wm_search_params {
    const char *q;
    const char *kind;      /* document, indicator, guidance */
    int64_t unit_id;
    int64_t district_id;   /* an office: units within its subtree */
    const char *unit_type;
    int64_t year;
    const char *indicator; /* a code: that indicator and those below it */
    const char *media;
    const char *state;
    const char *from;      /* YYYY-MM-DD */
    const char *to;
    unsigned page;         /* 1-based; 0: 1 */
    unsigned per_page;     /* 0: 20; at most 100 */
    int64_t before;        /* only index ids below it: a partial answer's next_before */
};
/**
** Search within the actor's scope: {"q", "total", "capped", "partial", ["next_before",]
** "page", "per_page", "hits":
** [{kind, id, title, url, unit: {id, name, code} | null, year, indicator_code, media,
** state, day, snippet: [{text, hit}]}], "facets": {kind, district, unit, unit_type, year,
** media, state, indicator: [{value, label, count}]}}.  partial: the search stopped
** going back once the newest documents held a page of matches (WM_SEARCH_SPAN): older
** ones were not looked at, and the same search with before = next_before goes on from
** there.  No hit, count, facet or snippet comes from outside the scope.  Bad request (f) for a query with nothing to look for, and
** for a bad filter (its field: kind, media, state, year, from, to, unit_type, indicator,
** page, per_page); a unit or district out of scope is not found.  An indicator has no id
** of its own: its hit's id is edition_id × 1000000 + its position in the edition, and it
** carries edition_id.  The district facet sums the unit facet by the office one level
** below the caller's scope (for the whole platform: below its one city, when every unit
** of the answer is in the same one); a unit right below that level is in no district.
*/
json_t *wm_search(struct wm_db *db, const struct wm_actor *a, const struct wm_search_params *p,
                  struct wm_fail *f);
/**
** Rebuild the whole index from the store (`wenming search reindex`), and queue the text
** extraction of every blob without text yet.  progress(done, total, ctx) after each batch.
** {"documents", "indicators", "guidance", "extractions_queued"} or NULL (f).
*/
json_t *wm_search_reindex(struct wm_db *db, void (*progress)(int64_t done, int64_t total, void *ctx),
                          void *ctx, struct wm_fail *f);
/**
** Merge the index's parts into one (FTS5 keeps the rows of each write as a b-tree of its
** own, and a search seeks every one; PostgreSQL: the GIN index's pending list): the
** search.merge job each night, and the end of `wenming search reindex`.  In steps of
** 2,000 pages, each its own short transaction, so that a writer waits for one step at most;
** progress(steps, ctx) after each.  *steps: how many did work.
*/
enum wm_err wm_search_merge(struct wm_db *db, void (*progress)(int64_t steps, void *ctx),
                            void *ctx, int64_t *steps, struct wm_fail *f);

/* ---------------------------------------------------------------- work_plan.c (issue 12) */
/* leadership group and office, duties, the annual plan, stages and tasks, unit settings */

/*
** Who (every part of the creation work): a unit's unit_admin writes; its unit_member reads
** and completes its own department's tasks; its unit_viewer reads; office and admin read
** their jurisdiction (writes 403); evaluators see none of it (404); out of scope 404.
*/
#define WM_WORK_TEXT_MAX 20000 /* characters of goals, duties, a task's detail */
#define WM_WORK_NAME_MAX 200   /* characters of a title, a name, a post */
#define WM_WORK_STAGES_MAX 20
#define WM_WORK_LEAVES_MAX 50

/**
** The unit's creation-work settings with every default filled in (no scope check: for the
** other parts, after theirs): {unit_id, start_on ("YYYY-MM-DD": set, else the unit's
** creation day), start_on_set (bool), bulletin_leaf, inspection_leaf, plan_leaf, rect_leaf
** (string or null), inspect_weekly (bool), updated_at (0 never set)}.  NULL on a store
** error or when the unit does not exist.
*/
json_t *wm_work_settings(struct wm_db *db, int64_t unit_id);
/** The start day of the unit's creation work as a day number; 0 on a store error. */
int64_t wm_work_start_day(struct wm_db *db, int64_t unit_id);
/** Whether the actor may write the creation work of units it sees (unit_admin). */
bool wm_work_may_write(const struct wm_actor *a);
/** The unit (org row) when the actor sees its creation work, else NULL with f (404). */
json_t *wm_work_unit_scoped(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                            struct wm_fail *f);
/** wm_work_settings of a unit the actor sees, plus "may_edit". */
json_t *wm_work_settings_get(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                             struct wm_fail *f);
/* The settings as given (NULL / "" for none: the default). */
struct wm_work_settings_in {
    const char *start_on;
    const char *bulletin_leaf;
    const char *inspection_leaf;
    const char *plan_leaf;
    const char *rect_leaf;
    bool inspect_weekly;
};
/** Replace the settings (audited work.settings).  A leaf that is not one of the unit's
** archive of the current year: 400 naming the field. */
enum wm_err wm_work_settings_put(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                                 const struct wm_work_settings_in *in,
                                 struct wm_fail *f) WM_MUST_CHECK;

/**
** The leadership group and its office on day on ("YYYY-MM-DD", NULL: today): {unit_id, on,
** today, group: [members], office: [members], duties: {group, office} (the newest row set on
** or before on, or null), history: {members: every row, duties: {group: [], office: []}},
** may_edit}.  A member: {id, body, role, role_label, user_id, name, post, from_on, to_on}.
*/
json_t *wm_work_group(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                      const char *on, struct wm_fail *f);
struct wm_work_member_in {
    const char *body;    /* group, office */
    const char *role;    /* group: leader, deputy, member; office: director, member */
    int64_t user_id;     /* an account of the unit (its display name is the name), or 0 */
    const char *name;    /* when user_id is 0 */
    const char *post;
    const char *from_on; /* NULL: today */
};
/** A member (as in wm_work_group) of a unit the actor sees, else NULL with f. */
json_t *wm_work_member_get(struct wm_db *db, const struct wm_actor *a, int64_t id,
                           struct wm_fail *f);
enum wm_err wm_work_member_add(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                               const struct wm_work_member_in *in, int64_t *id,
                               struct wm_fail *f) WM_MUST_CHECK;
/** End a membership on to_on (NULL: today; not before from_on); 409 when it has ended.
** *unit_id (may be NULL) receives the member's unit. */
enum wm_err wm_work_member_end(struct wm_db *db, const struct wm_actor *a, int64_t id,
                               const char *to_on, int64_t *unit_id,
                               struct wm_fail *f) WM_MUST_CHECK;
/** A new version of a body's duties, set on set_on (NULL: today). */
enum wm_err wm_work_duty_set(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                             const char *body, const char *text, const char *set_on,
                             struct wm_fail *f) WM_MUST_CHECK;

/**
** The plan of (unit, year): {unit_id, year, id (0: not written yet), title, goals, stages:
** [{name, starts_on, ends_on, current}], today, depts: [{dept_id, dept_name, total, done,
** overdue}], total, done, overdue, may_edit}.
*/
json_t *wm_work_plan_get(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                         int64_t year, struct wm_fail *f);
struct wm_work_plan_in {
    const char *title;
    const char *goals;
    const struct wm_work_stage *stages;
    size_t nstages;
};
enum wm_err wm_work_plan_save(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                              int64_t year, const struct wm_work_plan_in *in,
                              struct wm_fail *f) WM_MUST_CHECK;

/* A task as given: create takes every field; update keeps a NULL string, a negative id,
** and the leaves when !set_leaves. */
struct wm_work_task_in {
    int64_t year;
    const char *title;
    const char *detail;
    int64_t dept_id;
    int64_t person_id;
    const char *person_name;
    const char *due_on;
    const char *const *leaves;
    size_t nleaves;
    bool set_leaves;
};
/* What a list of a unit's tasks is filtered by (0 / NULL: any). */
struct wm_work_task_query {
    int64_t year;
    int64_t dept_id;
    const char *state; /* open, done, overdue, all (NULL: all) */
};
/** A task: {id, unit_id, year, title, detail, dept_id, dept_name, person_id, person,
** due_on, state, overdue, done_note, done_by, done_by_name, done_at, leaves: [code],
** may_edit, may_complete}. */
json_t *wm_work_task_get(struct wm_db *db, const struct wm_actor *a, int64_t id,
                         struct wm_fail *f);
json_t *wm_work_tasks(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                      const struct wm_work_task_query *q, struct wm_fail *f);
/** Create a task in the plan of in->year (the plan is created, titled by default, when the
** year has none). */
enum wm_err wm_work_task_create(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                                const struct wm_work_task_in *in, int64_t *id,
                                struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_work_task_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
                                const struct wm_work_task_in *in,
                                struct wm_fail *f) WM_MUST_CHECK;
/** Mark done (a unit_admin, or a unit_member of the task's department; 403 otherwise). */
enum wm_err wm_work_task_done(struct wm_db *db, const struct wm_actor *a, int64_t id,
                              const char *note, struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_work_task_reopen(struct wm_db *db, const struct wm_actor *a, int64_t id,
                                struct wm_fail *f) WM_MUST_CHECK;
/** The open tasks of the actor's own department (a unit_member with a department), as
** wm_work_task_get's objects; an empty array otherwise; NULL on a store error. */
json_t *wm_work_my_dept_tasks(struct wm_db *db, const struct wm_actor *a);

struct wm_jobs_env;
/** Register the job "work.plan" (the annual plan as a PDF, filed into plan_leaf). */
void wm_work_plan_register_jobs(const struct wm_jobs_env *env);

/* ---------------------------------------------------------------- work_meet.c (issue 12) */
/* meeting kinds and cadence, meetings, minutes and photos filed into the archive, filing (wm_work_file) and work_link */
/* (the cadence, filing and links — wm_work_cadence to wm_work_start_day — are in work_file.c;
** wm_doc_create_filed and wm_doc_new_version_filed in archive.c) */

/*
** Cadence (shared by meetings, inspections and the overviews): the periods of a year for a
** period name ("monthly", "quarterly", "half-yearly", "yearly" as wm_sched_periods(), and
** "weekly": the weeks, Monday to Sunday, whose Monday is in the year, keys "W1".."W53"),
** each owing min_count records, counted from the days records were held.  A unit that joins
** mid-year owes nothing for a period that began before its start day (start_day: the
** work_unit start_on, else the unit's creation day).  A period is late when it owes more
** than was held and its last day is before today; current when today is inside it.
*/
#define WM_CADENCE_MAX 54
struct wm_cadence {
    char key[8];    /* "M1", "Q2", "H1", "Y", "W14" */
    int64_t start;  /* day numbers (wm_day_from_ymd) */
    int64_t end;    /* inclusive */
    int owed;       /* min_count, or 0 before start_day */
    int held;       /* records held on a day inside it */
    bool late;
    bool current;
};
/** Periods written to out (0 for "none" or an unknown name).  days: the days records were
** held (any order; days outside the year are ignored). */
size_t wm_work_cadence(const char *period, int min_count, int64_t year, int64_t start_day,
                       int64_t today, const int64_t *days, size_t ndays,
                       struct wm_cadence out[WM_CADENCE_MAX]);

/*
** File a record's file into the unit's archive, the one way every creation-work record
** lands there: a new document in leaf @a code of the archive of (unit_id, year) — or, when
** *document_id is nonzero on entry, a new version of that document, renamed to
** meta->title when its title differs (audited as document.update) — with @a meta and the
** blob @a up (already in the blob store), plus a work_link row (kind, ref_id, role) that
** names the document's source.  The actor's right over the record stands for the leaf (a
** department head files an inspection photo into a leaf not assigned to its department);
** the unit must be the actor's.  Joins the caller's transaction when one is open (like
** wm_doc_create), else runs its own.  *document_id receives the document.
** WM_E_CONFLICT with a message naming what to set when the year has no archive or code is
** not one of its leaves: the caller keeps its record, unfiled.
*/
enum wm_err wm_work_file(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                         int64_t year, const char *code, const struct wm_doc_meta *meta,
                         const struct wm_upload *up, const char *kind, int64_t ref_id,
                         const char *role, int64_t *document_id,
                         struct wm_fail *f) WM_MUST_CHECK;
/** The documents a record produced or cites: [{document_id, role, title, name, status}]
** (live ones; NULL on a store error). */
json_t *wm_work_links(struct wm_db *db, const char *kind, int64_t ref_id);
/** The source of a document: {kind, ref_id, role, label ("会议：2026-03-02 领导小组会议"),
** href} or NULL when it has none. */
json_t *wm_work_source(struct wm_db *db, int64_t document_id);
/**
** wm_work_file for a file on disk (a generated PDF): put into the blob store @a blobs, its
** type read from its bytes, then filed as wm_work_file (filename: the name it is stored
** under, e.g. "会议纪要.pdf").  A new version of *document_id that would have the same
** bytes as its current one leaves it as it is.
*/
enum wm_err wm_work_file_path(struct wm_db *db, struct wm_blobstore *blobs,
                              const struct wm_actor *a, int64_t unit_id, int64_t year,
                              const char *code, const struct wm_doc_meta *meta, const char *path,
                              const char *filename, const char *kind, int64_t ref_id,
                              const char *role, int64_t *document_id,
                              struct wm_fail *f) WM_MUST_CHECK;
/** wm_doc_create and wm_doc_new_version for wm_work_file (archive.c): the leaf must be one
** of the archive's, but whose department it is is not checked — the actor's right over the
** record stands for it.  Not for uploads into a leaf. */
enum wm_err wm_doc_create_filed(struct wm_db *db, const struct wm_actor *a, const json_t *archive,
                                const char *code, const struct wm_doc_meta *meta,
                                const struct wm_upload *up, int64_t *id,
                                struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_doc_new_version_filed(struct wm_db *db, const struct wm_actor *a, int64_t id,
                                     const struct wm_upload *up, struct wm_fail *f) WM_MUST_CHECK;
/** wm_doc_update for wm_work_file (the fields given, e.g. the title of a record renamed),
** with the same standing; joins the caller's transaction. */
enum wm_err wm_doc_update_filed(struct wm_db *db, const struct wm_actor *a, int64_t id,
                                const struct wm_doc_meta *meta, struct wm_fail *f) WM_MUST_CHECK;

/*
** Meeting kinds (work_meeting_kind) and meetings (work_meeting).  Reads: the unit's users,
** its office and admins in scope (404 otherwise, evaluators always).  Writes: the unit's
** unit_admin (403 for any other role).  Inputs are JSON objects of the API's fields (a
** form's values as strings are accepted); an update changes only the fields given.
*/
bool wm_meeting_may_write(const struct wm_actor *a, int64_t unit_id);
/** Inside the caller's transaction: give the new unit unit_id (org path `path`) the
** default kinds (领导小组会议 quarterly, 工作分析会 monthly, 半年总结会 half-yearly, each at
** least once), audited as work.meeting_kind.defaults. */
enum wm_err wm_meeting_kinds_default(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                                     const char *path, struct wm_fail *f);
/** The unit's kinds in order (a read: the defaults are made with the unit). */
json_t *wm_meeting_kinds(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                         struct wm_fail *f);
json_t *wm_meeting_kind_get(struct wm_db *db, const struct wm_actor *a, int64_t id,
                            struct wm_fail *f);
/** Fields name, period (none, monthly, quarterly, half-yearly, yearly), min_count (0..100),
** leaf_code (a leaf of the archive of "year", default the current one; "" or null: none),
** position, active.  Audited work.meeting_kind.create / .update; 409 for a name taken. */
enum wm_err wm_meeting_kind_create(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                                   const json_t *in, int64_t *id, struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_meeting_kind_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
                                   const json_t *in, struct wm_fail *f) WM_MUST_CHECK;
/** A unit's meetings of a year (0: all) and kind (0: all), newest first. */
json_t *wm_meetings(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, int64_t year,
                    int64_t kind_id, struct wm_fail *f);
/** A meeting with "documents" (wm_work_links), "fileable", "unfiled_reason" (what to set
** when its files cannot be filed) and "minutes_state" (none, pending, filed, unfiled). */
json_t *wm_meeting_get(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f);
/** Fields kind_id, held_on, title, place, attendees, minutes.  Audited work.meeting.create /
** .update; typed minutes (new, or a change to what their PDF shows) queue the job
** "work.minutes", which files them as a PDF (a new version when filed before). */
enum wm_err wm_meeting_create(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                              const json_t *in, int64_t *id, struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_meeting_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
                              const json_t *in, struct wm_fail *f) WM_MUST_CHECK;
/** File an uploaded photo or minutes file (role "photo" / "minutes") of a meeting into its
** kind's leaf (wm_work_file; 409 saying what to set when it cannot be filed); audited
** work.meeting.file. */
enum wm_err wm_meeting_file(struct wm_db *db, const struct wm_actor *a, int64_t id,
                            const char *role, const struct wm_upload *up, int64_t *document_id,
                            struct wm_fail *f) WM_MUST_CHECK;
/** The cadence of the unit's active kinds in a year on day today: {unit_id, year, today,
** start_on, kinds: [{kind_id, name, period, min_count, owed, held, meetings, late, periods:
** [{period, label, start, end, owed, held, late, current, state}]}]}; state is met, late,
** current, future or none (owes nothing). */
json_t *wm_meeting_cadence(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                           int64_t year, int64_t today, struct wm_fail *f);
struct wm_jobs_env;
/** Register the job "work.minutes" (the typed minutes as a PDF, filed). */
void wm_meet_register_jobs(const struct wm_jobs_env *env);

/* ---------------------------------------------------------------- work_inspect.c (issue 12) */
/* responsibility areas, weekly inspections, findings, the weekly bulletin PDF */
/*
** Who: everyone who sees the unit reads (its accounts, the offices above it, platform
** admins; evaluators never: 404); its unit_admin writes everything; a unit_member records
** inspections of its own department's areas only (403 for another's).  Every write is
** audited in its transaction (work.area.create, work.area.update, work.inspection.create,
** work.bulletin.build).
*/
#define WM_WORK_AREA_NAME_MAX 60
#define WM_WORK_NOTE_MAX      1000
#define WM_WORK_PHOTO_MAX     ((uint64_t)30 << 20)
#define WM_WORK_CHECKS_MAX    200

/** A change of an area (NULL / -1: kept). */
struct wm_work_area_patch {
    const char *name;
    const char *category;
    int64_t dept_id;  /* 0: none */
    int active;       /* 0 or 1 */
    int64_t position;
};
/** A unit's areas (all: retired ones too), or NULL with f set. */
json_t *wm_work_areas(struct wm_db *db, const struct wm_actor *a, int64_t unit_id, bool all,
                      struct wm_fail *f);
/** One area, or NULL with f set. */
json_t *wm_work_area(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f);
/** Whether the actor may manage the unit's areas and build its bulletins (its unit_admin). */
bool wm_work_inspect_may_admin(const struct wm_actor *a, int64_t unit_id);
/** Whether the actor may record an inspection of the area (an area row). */
bool wm_work_inspect_may_check(const struct wm_actor *a, const json_t *area);
enum wm_err wm_work_area_create(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                                const struct wm_work_area_patch *in, int64_t *id,
                                struct wm_fail *f) WM_MUST_CHECK;
enum wm_err wm_work_area_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
                                const struct wm_work_area_patch *in,
                                struct wm_fail *f) WM_MUST_CHECK;

/** One area's result in a new inspection (strings borrowed). */
struct wm_work_check_in {
    int64_t area_id;
    const char *result; /* "pass" or "fix" */
    const char *note;
    const struct wm_upload *photo; /* NULL: none (already in the blob store) */
};
struct wm_work_inspection_in {
    int64_t unit_id;
    const char *held_on;        /* YYYY-MM-DD; NULL: today */
    int64_t inspector_id;       /* an account of the unit; 0: by name, else the caller */
    const char *inspector_name; /* NULL: the account's name */
    const char *note;
    const struct wm_work_check_in *checks;
    size_t nchecks;
};
/**
** Record an inspection.  Each 'fix' opens a rectification item (wm_rect_open, due a week
** after the day) and each photo becomes a document of the unit's inspection leaf
** (wm_work_file), all in the inspection's transaction.  A photo when no inspection leaf is
** set: 409 naming what to set (nothing stored).
*/
enum wm_err wm_work_inspection_create(struct wm_db *db, const struct wm_actor *a,
                                      const struct wm_work_inspection_in *in, int64_t *id,
                                      struct wm_fail *f) WM_MUST_CHECK;
/** An inspection with its "checks" (each with its photo's link), or NULL with f set. */
json_t *wm_work_inspection(struct wm_db *db, const struct wm_actor *a, int64_t id,
                           struct wm_fail *f);
/** A unit's inspections held from..to (NULL: open), newest first. */
json_t *wm_work_inspections(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                            const char *from, const char *to, struct wm_fail *f);
/** The Monday of the week of day (a day number). */
int64_t wm_work_week_of(int64_t day);

/**
** Build the weekly bulletin (一周一通报) of the week holding day (YYYY-MM-DD): the row is
** pending and a job "work.bulletin" makes the PDF and files it into the bulletin leaf (a
** new version of the same document when built again).  409 when no bulletin leaf is set.
*/
enum wm_err wm_work_bulletin_build(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                                   const char *day, int64_t *id, int64_t *job_id,
                                   struct wm_fail *f) WM_MUST_CHECK;
json_t *wm_work_bulletin(struct wm_db *db, const struct wm_actor *a, int64_t id,
                         struct wm_fail *f);
json_t *wm_work_bulletins(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                          struct wm_fail *f);
struct wm_jobs_env;
/** Register the job "work.bulletin" (from wm_jobs_register_builtin). */
void wm_work_inspect_register_jobs(const struct wm_jobs_env *env);

/* ---------------------------------------------------------------- work_rect.c (issue 12) */
/* the rectification loop (整改项): sources, corrective and preventive measures, evidence, verification */

/* A new rectification item (wm_rect_open); strings borrowed, NULL/0 for none. */
struct wm_rect_new {
    int64_t unit_id;
    int64_t year;
    const char *indicator_code; /* a leaf of the year's standard, or NULL / "" */
    const char *problem;        /* required */
    const char *source;         /* evaluation, inspection, review, self_check */
    int64_t source_id;          /* the round entry, work_check row, review row; 0: none */
    int64_t dept_id;            /* responsible department, 0: none */
    const char *due_on;         /* YYYY-MM-DD */
    const char *corrective;     /* 整改措施 */
    const char *preventive;     /* 预防措施 */
};
/**
** Open a rectification item: audited (rectification.open), the department's users and the
** unit's admins notified (kind rectification).  Joins the caller's transaction when one is
** open (an inspection opens its findings' items in its own), else runs its own.  400 naming
** the field: problem (required), source, year, due_on (a real day), dept_id (a department
** of the unit), indicator_code (a leaf of the unit's archive of the year; NULL or "": none).
** WM_E_CONFLICT when the source already has an item for that leaf.  Who: the unit's
** unit_admin (any source), its unit_member for an inspection's finding of its own
** department (or none), office staff for an evaluation's deduction; 403 for other roles,
** 404 for a unit out of the caller's sight.
*/
enum wm_err wm_rect_open(struct wm_db *db, const struct wm_actor *a, const struct wm_rect_new *in,
                         int64_t *id, struct wm_fail *f) WM_MUST_CHECK;
/** 400 (field dept_id) unless dept_id is 0 or a department of the unit. */
enum wm_err wm_rect_dept_check(struct wm_db *db, int64_t unit_id, int64_t dept_id,
                               struct wm_fail *f) WM_MUST_CHECK;
/** 400 (field indicator_code) unless code is NULL, "" or a leaf of the unit's archive of the
** year. */
enum wm_err wm_rect_leaf_check(struct wm_db *db, int64_t unit_id, int64_t year, const char *code,
                               struct wm_fail *f) WM_MUST_CHECK;
/** Tell the item's department's users and the unit's admins (except the actor), inside the
** caller's write transaction; a link to the item's page. */
enum wm_err wm_rect_tell(struct wm_db *db, const struct wm_actor *a, const json_t *item,
                         const char *kind, const char *line, struct wm_fail *f) WM_MUST_CHECK;
/** An item the caller sees: {RECT row of rect_get}; evaluators 403, out of scope 404. */
json_t *wm_rect_get(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f);
/* Which items a list holds (wm_rect_find); 0 / NULL: not filtered. */
struct wm_rect_query {
    const char *state, *source;
    int64_t unit_id; /* staff: one unit of the jurisdiction */
    int64_t dept_id;
    int64_t year;
    bool overdue;  /* open and due before today */
    int64_t today; /* day number; 0: wm_day_today() */
    unsigned limit, offset;
};
/** Items the caller sees (units their own, staff their jurisdiction; evaluators 403): open
** first, then by due day. */
json_t *wm_rect_find(struct wm_db *db, const struct wm_actor *a, const struct wm_rect_query *q,
                     struct wm_fail *f);
/** Open and due before today (a day number). */
bool wm_rect_overdue(const json_t *item, int64_t today);
/** The item's history from the audit log, oldest first: [{at, action, label, username,
** display_name, summary}] (NULL on a store error). */
json_t *wm_rect_history(struct wm_db *db, const json_t *item);
#define WM_RECT_MAY_ANSWER 1u /* the measures, evidence, done: the department */
#define WM_RECT_MAY_DECIDE 2u /* every field, verify, send back, close: the unit_admin */
#define WM_RECT_MAY_ALL    (WM_RECT_MAY_ANSWER | WM_RECT_MAY_DECIDE)
/** What the actor may do with an item it sees (0: read only). */
unsigned wm_rect_may(const struct wm_actor *a, const json_t *item);
/** An item with {evidence: wm_work_links, history: wm_rect_history, actions: the next
** steps the caller may take ("measures", "evidence", "done", "update", "close", "verify")}. */
json_t *wm_rect_detail(struct wm_db *db, const struct wm_actor *a, int64_t id, struct wm_fail *f);
/* A change of an item's fields: NULL (dept_id < 0) keeps; "" (dept_id 0) clears. */
struct wm_rect_change {
    const char *problem, *corrective, *preventive, *due_on;
    int64_t dept_id;
};
/** Change an item (open or done; 409 else): the unit_admin every field, the department's
** unit_member the measures only (403 for others); audited rectification.update. */
enum wm_err wm_rect_update(struct wm_db *db, const struct wm_actor *a, int64_t id,
                           const struct wm_rect_change *c, struct wm_fail *f) WM_MUST_CHECK;
/** open → done (the department or the unit_admin; the corrective action must be written;
** note optional): audited rectification.done, the unit's admins told. */
enum wm_err wm_rect_done(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *note,
                         struct wm_fail *f) WM_MUST_CHECK;
/** done → verified (accept) or back to open with the note (required): the unit_admin;
** audited rectification.verify / .reject; the department told. */
enum wm_err wm_rect_verify(struct wm_db *db, const struct wm_actor *a, int64_t id, bool accept,
                           const char *note, struct wm_fail *f) WM_MUST_CHECK;
/** open or done → closed without correction, the note (required) the reason: the
** unit_admin; audited rectification.close. */
enum wm_err wm_rect_close(struct wm_db *db, const struct wm_actor *a, int64_t id, const char *note,
                          struct wm_fail *f) WM_MUST_CHECK;
/** File an uploaded file as evidence of an open or done item (the department or the
** unit_admin): a document in the item's leaf, else the unit's rect_leaf (409 when neither),
** through wm_work_file (work_link rectification / evidence); audited
** rectification.evidence. */
enum wm_err wm_rect_evidence_file(struct wm_db *db, const struct wm_actor *a, int64_t id,
                                  const struct wm_doc_meta *meta, const struct wm_upload *up,
                                  int64_t *doc_id, struct wm_fail *f) WM_MUST_CHECK;
/** Cite a live document of the unit as evidence (400 for another's; 409 when cited). */
enum wm_err wm_rect_evidence_link(struct wm_db *db, const struct wm_actor *a, int64_t id,
                                  int64_t doc_id, struct wm_fail *f) WM_MUST_CHECK;
/** The unit's returned documents (review_queue rows with their latest event, the
** return), each with rectification_id when an item was opened from that return. */
json_t *wm_rect_returned(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                         struct wm_fail *f);
/** Open an item from a returned document (the unit_admin): source review, source_id the
** return's review row, the problem the office's comment, the document's leaf and year;
** 409 when it is not returned, or when that return has an item. */
enum wm_err wm_rect_from_review(struct wm_db *db, const struct wm_actor *a, int64_t doc_id,
                                const char *due_on, int64_t dept_id, int64_t *id,
                                struct wm_fail *f) WM_MUST_CHECK;

/* ---------------------------------------------------------------- work_overview.c (issue 12) */
/* the unit's plan/do/check/act view and the office's overview across its jurisdiction (XLSX) */

/* ---------------------------------------------------------------- health.c (issue 13) */

/** A trivial query: WM_OK when the store answers, else its error (f says which). */
enum wm_err wm_store_ping(struct wm_db *db, struct wm_fail *f) WM_MUST_CHECK;
/** Rows {what, state, n} of the store's metrics_counts: jobs by state, and the sessions
** still open under pol at now; NULL on a store error (f). */
json_t *wm_metrics_counts(struct wm_db *db, const struct wm_auth_policy *pol, int64_t now,
                          struct wm_fail *f);
/*
** The creation work's year at a glance (四心质量环): per unit, the leadership group now (有 when
** a leader is among the members valid today), the plan and its stages, tasks done / total /
** overdue, meetings held against each kind's cadence (owed: the periods begun by today,
** counted from the unit's start day; late: periods past that were not met), inspections
** held against one a week when the unit inspects weekly (weeks held / owed / late), and the
** year's rectification items by state (overdue: open past due_on) and by source (the
** findings: inspection, self_check, review, evaluation).  A unit row (flat, for tables and
** XLSX): {unit_id, unit_name, unit_code, unit_type, district_id, district_name,
** start_on, group (bool), group_members, plan (bool), plan_title, plan_stages, tasks_total,
** tasks_done, tasks_open, tasks_overdue, meetings_held, meetings_owed, meetings_late,
** inspect_weekly (bool), inspections_held, inspections_weeks, inspections_owed,
** inspections_late, rect_open, rect_done, rect_verified, rect_closed, rect_overdue,
** findings_inspection, findings_self_check, findings_review, findings_evaluation,
** findings, overdue (tasks_overdue + meetings_late + inspections_late + rect_overdue)}.
** Today is wm_day_today() (tests pin it with WM_FAKE_NOW).
*/
#define WM_WORK_OV_LATE_MAX 50 /* late tasks and items listed on a unit's hub */
struct wm_work_ov_query {
    int64_t year;          /* 0: this year */
    int64_t district_id;   /* an office within the caller's jurisdiction (0: all of it) */
    const char *unit_type; /* NULL: any */
    bool by_overdue;       /* most overdue first (else by district and unit) */
    unsigned offset;       /* the page of rows (totals count every unit) */
    unsigned limit;        /* 0: every row */
};
/**
** A unit's year (its hub): {unit: {id, name, code, type}, year, today, row (the unit row),
** plan: {present, id, title, stages: [{id, name, starts_on, ends_on}]}, meetings: [{kind_id,
** name, period, min_count, held, owed, late, late_periods: ["Q1", ...]}], inspections:
** {weekly, late_weeks: ["W3", ...]}, late: {tasks: [{id, title, due_on, dept_name}],
** rects: [{id, problem, source, due_on, dept_name}]}}.  404 for a unit outside the
** caller's scope (evaluators see none), or not a unit.
*/
json_t *wm_work_summary(struct wm_db *db, const struct wm_actor *a, int64_t unit_id,
                        int64_t year, struct wm_fail *f);
/**
** The office's overview (office and admin only: 403 else): {year, today, units (how many),
** offset, limit, rows: [unit row] (the page), districts: [{district_id, district_name,
** units, group, plan, and the sums of the row's numbers}], total: {the same over all}[,
** district: {id, name}]}.  A district outside the caller's scope: 404.
*/
json_t *wm_work_overview(struct wm_db *db, const struct wm_actor *a,
                         const struct wm_work_ov_query *q, struct wm_fail *f);

/* ---------------------------------------------------------------- issue 13, totp: two-factor sign-in */

/* The rules of RFC 6238 as wenming uses them (totp.c): HMAC-SHA1, 6 digits, 30 s steps, the
** steps -1, 0 and +1 accepted, never a step at or before the last one used. */
#define WM_TOTP_SECRET_BYTES 20
#define WM_TOTP_DIGITS 6
#define WM_TOTP_PERIOD 30
#define WM_TOTP_WINDOW 1
#define WM_TOTP_PENDING_SECONDS 300 /* the second step must follow the password within */
#define WM_RECOVERY_CODES 10

/** The code of step (digits digits, at most 9) for key (RFC 4226 §5.3 truncation). */
uint32_t wm_totp_code(const unsigned char *key, size_t keylen, uint64_t step, unsigned digits);
/** The step of Unix time now. */
int64_t wm_totp_step(int64_t now);
/** The step of the window around now whose code is code and which is after last_step; 0 when
** none (a wrong, malformed, replayed or older code). */
int64_t wm_totp_verify(const unsigned char *key, size_t keylen, const char *code, int64_t now,
                       int64_t last_step);
/** RFC 4648 base32 without padding (caller frees). */
char *wm_base32_encode(const unsigned char *p, size_t n);
/** Decode base32 (case-insensitive; spaces, '-' and trailing '=' ignored) into out[cap]:
** false when malformed or too long. */
bool wm_base32_decode(const char *s, unsigned char *out, size_t cap, size_t *n);
/** A new secret: WM_TOTP_SECRET_BYTES random bytes as base32 (caller frees). */
char *wm_totp_secret_new(void);
/** The key of a base32 secret; false when it is not one. */
bool wm_totp_key(const char *secret, unsigned char key[WM_TOTP_SECRET_BYTES]);
/** otpauth://totp/ISSUER:USER?secret=...&issuer=... (label percent-encoded; caller frees). */
char *wm_totp_uri(const char *issuer, const char *username, const char *secret);
/** text as a QR code (libqrencode, level M): an inline SVG of rects (caller frees; NULL when
** it does not fit). */
char *wm_qr_svg(const char *text);
/** A new recovery code, "abcd-efgh-jkmn" (60 random bits; caller frees). */
char *wm_recovery_code_new(void);
/** The keyed SHA-256 (hex) of a recovery code as typed (case, spaces and '-' ignored);
** false when it cannot be one. */
bool wm_recovery_hash(int64_t user_id, const char *code, char out[65]);
/** Inside the caller's transaction: take code as the second factor of account user_id whose
** TOTP row (db->ops->totp_get) is t: a current TOTP code of its secret, newer than its last
** step (the step is taken), or, when recovery, one of its unused recovery codes (used up).
** WM_QS_ONE when taken; WM_QS_NONE when not (wrong, replayed, used, no secret); < 0 when the
** store failed.  *how (may be NULL) receives "totp" or "recovery" for what was tried last. */
enum wm_qs wm_second_factor_take(struct wm_db *db, int64_t user_id, const json_t *t,
                                 const char *code, bool recovery, int64_t now, const char **how);

/** wenming.conf totp_required ("admin,office"); false (nothing changed) on an unknown role. */
bool wm_totp_set_required(const char *roles);
/** Whether accounts of role r must have the second factor. */
bool wm_totp_required(enum wm_role r);
/** wenming.conf password_max_age_days (0 = never). */
void wm_password_set_max_age(unsigned days);
unsigned wm_password_max_age(void);

/** The caller's second factor: {enabled, enabled_at, required, recovery_left, pending:
** {secret, uri, svg} while an enrolment waits for its first code (else null)}. */
json_t *wm_totp_status(struct wm_db *db, const struct wm_actor *a, struct wm_fail *f);
/** Start (or restart) the caller's enrolment: a new secret, not yet enabled. */
enum wm_err wm_totp_start(struct wm_db *db, const struct wm_actor *a,
                          struct wm_fail *f) WM_MUST_CHECK;
/** Confirm the enrolment with a current code: enabled, and *codes (caller frees) the
** WM_RECOVERY_CODES recovery codes, shown once. */
enum wm_err wm_totp_confirm(struct wm_db *db, const struct wm_actor *a, const char *code,
                            json_t **codes, struct wm_fail *f) WM_MUST_CHECK;
/** New recovery codes (the old ones stop working), with a current code. */
enum wm_err wm_totp_recovery_new(struct wm_db *db, const struct wm_actor *a, const char *code,
                                 json_t **codes, struct wm_fail *f) WM_MUST_CHECK;
/** Turn the caller's second factor off: its password and a current code (or a recovery
** code); refused while its role is in totp_required. */
enum wm_err wm_totp_disable(struct wm_db *db, const struct wm_actor *a, const char *password,
                            const char *code, struct wm_fail *f) WM_MUST_CHECK;
/** A manager clears another account's second factor (it enrols again at next sign-in when
** its role requires it); its sessions end. */
enum wm_err wm_totp_reset(struct wm_db *db, const struct wm_actor *a, int64_t user_id,
                          struct wm_fail *f) WM_MUST_CHECK;

/* A sign-in (wm_login_ex). */
struct wm_login_in {
    const char *username;
    const char *password;
    const char *totp;   /* a code or a recovery code (NULL: not given) */
    bool want_pending;  /* the pages: a second step to come when a code is needed */
    const char *addr;
    const char *request_id;
};
struct wm_login_out {
    char *token;      /* the session cookie (caller frees) */
    char *csrf;       /* its CSRF token (caller frees) */
    int64_t user_id;
    bool need_totp;   /* the password was right; the account needs its second factor */
    char *pending;    /* with want_pending: the wm_2fa cookie of the second step (frees) */
};
/**
** wm_login with the second factor.  An account with TOTP on opens a session only with a
** right code (in->totp, or later wm_login_second): without one the answer is UNAUTHORIZED
** with need_totp (and a pending second step when asked), a wrong one UNAUTHORIZED, counted
** toward the lockout and audited (login.fail, reason "totp").
*/
enum wm_err wm_login_ex(struct wm_db *db, const struct wm_auth_policy *pol,
                        const struct wm_login_in *in, struct wm_login_out *out) WM_MUST_CHECK;
/** The second step of a pending sign-in (the wm_2fa cookie, bound to the account and the
** client's address, WM_TOTP_PENDING_SECONDS long).  NOT_FOUND when it is no longer valid. */
enum wm_err wm_login_second(struct wm_db *db, const struct wm_auth_policy *pol,
                            const char *pending, const char *code, const char *addr,
                            const char *request_id, struct wm_login_out *out) WM_MUST_CHECK;
void wm_login_out_free(struct wm_login_out *out);

/* ---------------------------------------------------------------- data directory */

/*
** A per-thread cache of read results' text, valid while the store's generation stays what
** it was when read.  Take the generation (ops->generation) BEFORE the read whose result is
** put, so that a change committed during the read invalidates the entry.
*/
/** The text cached under key at the current generation (caller frees), or NULL. */
char *wm_cache_get(struct wm_db *db, const char *key);
void wm_cache_put(const char *key, const char *text, int64_t gen);

/**
** Create a data directory: wenming.conf, blobs/, the schema in the store (store NULL or
** "sqlite": wenming.db in dir; else an empty PostgreSQL database, named in wenming.conf),
** the root office and an admin account.  password NULL → generated, in *generated.
*/
int wm_init_data_dir(const char *dir, const char *store, const char *admin,
                     const char *password, char **generated, char *err,
                     size_t errlen) WM_MUST_CHECK;
/** Fill a data directory with the demo jurisdiction, units and one account per role.
** Writes the demo accounts (username, role, password) into *accounts. */
int wm_demo_seed(struct wm_db *db, json_t **accounts, char *err, size_t errlen) WM_MUST_CHECK;

#endif /* WM_CORE_H */
