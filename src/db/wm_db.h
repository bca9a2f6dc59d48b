/*
** wm_db.h — the store interface.
**
** A backend is a table of operations (struct wm_db_ops) over an opaque connection; the
** SQLite backend (db/sqlite/) is the embedded default and the PostgreSQL backend (db/pg/)
** is a second table of the same operations.  wm_db_open() is the one place that chooses
** between them, from the `store` setting.  Nothing outside db/ includes sqlite3.h or
** libpq-fe.h or sees SQL.
**
** Reads return jansson objects (caller owns the reference) whose keys are the column
** names: integers as JSON integers, text as strings, NULL as null, times as Unix seconds,
** the same on every backend.  A read that returns NULL (or its default) either found no
** row or failed: wm_db_failed() tells which.  Writes return enum wm_qs.  Every connection
** belongs to one thread: wm_db_thread() opens the calling thread's connection lazily and
** closes it when the thread exits.
**
** Concurrency: two servers may write one store at once.  Write operations that hand out
** numbers (document serials, the audit chain) lock what they number within the caller's
** transaction (a leaf's counter row, the audit head row), never "max + 1" on their own; a
** transaction that loses a race anyway fails WM_QS_SOFT and is retried by wm_db_run_tx().
*/
#ifndef WM_DB_H
#define WM_DB_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "wm_util.h"

/* Query status (Taler's GNUNET_DB_QueryStatus). */
enum wm_qs {
    WM_QS_HARD = -2,     /* a bug or a broken database: give up */
    WM_QS_SOFT = -1,     /* busy or serialization failure: retry the transaction */
    WM_QS_NONE = 0,      /* no row matched */
    WM_QS_ONE = 1,       /* one row */
    WM_QS_CONFLICT = -3, /* a unique or foreign-key constraint failed */
};

/* The current schema version: the number of the last embedded migration. */
#define WM_DB_SCHEMA_VERSION 25

struct wm_db;

/* A list page: rows with id > after, at most limit, restricted to the subtree at scope
** (a materialized path such as "/1/4/"; NULL or "/" for everything). */
struct wm_page {
    const char *scope;
    int64_t after;
    unsigned limit;
    const char *q;    /* optional text filter (substring of name/code), NULL for none */
    const char *kind; /* optional filter, meaning depends on the list */
    const char *type; /* optional unit type filter (org lists) */
};

struct wm_audit_entry {
    int64_t at;
    int64_t user_id; /* 0 for the command line */
    const char *username;
    const char *action; /* "unit.create" */
    const char *object_type;
    int64_t object_id;
    const char *org_path; /* scope the entry belongs to */
    const char *summary;  /* JSON text: {"before":...,"after":...} */
    const char *request_id;
    const char *addr;
};

/* What an audit listing is filtered by (NULL / 0: not filtered). */
struct wm_audit_filter {
    const char *action;   /* an action code; "user." (ending in a dot) means every user.* */
    const char *username; /* exactly */
    int64_t from, until;  /* at >= from, at < until (Unix seconds) */
};

/* An indicator row of an edition (frameworks). */
struct wm_ind_row {
    const char *code;
    const char *parent_code; /* NULL at the top level */
    int64_t seq;
    int depth;
    bool leaf;
    const char *title;
    const char *requirement;
    const char *materials;
    bool has_score;
    int64_t score;
    bool veto;
    const char *depts; /* JSON text or NULL */
    const char *media; /* JSON text or NULL */
    const char *frequency;
    int64_t min_documents; /* -1 when absent */
};

/* A document's descriptive metadata (NULL fields: keep / absent). */
struct wm_doc_meta {
    const char *title;
    const char *date_formed; /* YYYY-MM-DD */
    const char *media;       /* text, photo, audiovisual */
    const char *dept;
    const char *author;
    const char *keywords;
    const char *retention; /* 永久, 30年, 10年 */
    const char *remarks;
};

/* Who lists frameworks: editions of frameworks whose office is an ancestor of (or equal
** to) caller_path are readable when published; those of offices within scope are readable
** in every status when drafts is true. */
struct wm_fw_scope {
    const char *caller_path; /* the caller's org path ("/" for the platform) */
    const char *scope;       /* the caller's subtree */
    bool drafts;             /* office staff and admins see drafts within scope */
};

/* A job to queue (see job_insert). */
struct wm_job_in {
    const char *kind;
    const char *payload;    /* JSON text; NULL: {} */
    const char *dedupe_key; /* NULL: none */
    bool unless_failed;     /* with dedupe_key: a failed job of the key also blocks */
    bool unless_running;    /* with dedupe_key: a running job of the key also blocks (a
                            ** request the running job serves: a scheduled run) */
    int64_t max_attempts;   /* 0: 5 */
    int64_t run_after;      /* 0: now */
    const char *org_path;   /* scope (NULL: the platform's own work) */
    int64_t created_by;     /* 0: none (the system, the command line) */
};

/* What the review queue is filtered by (NULL / 0: not filtered). */
struct wm_review_filter {
    const char *scope;     /* units within this subtree (NULL or "/": everywhere) */
    const char *status;    /* the documents' status: submitted, approved, returned */
    int64_t unit_id;
    const char *indicator; /* a leaf code, or a code ending in '.' for every leaf below it */
    const char *media;
    const char *unit_type;
    int64_t actor_id;      /* who did the latest review event (the submitter in the queue) */
    int64_t before;        /* the latest event happened before this time (age) */
    int64_t after;         /* ... and at or after this time (0: no bound; the age's upper end) */
    unsigned limit;
    unsigned offset;
    /* Keyset (the review view's neighbours): key_dir 1 the rows after (key_at: a status_at,
    ** key_id: a document id) in the queue's order (status_at, id); -1 the rows before it,
    ** nearest first; 0 none. */
    int key_dir;
    int64_t key_at, key_id;
};

/* What a list of guidance conversations is filtered by (guidance_list). */
struct wm_guidance_filter {
    const char *scope;  /* units within this subtree (NULL or "/": everywhere) */
    const char *state;  /* open, closed (NULL: both) */
    int64_t unit_id;    /* 0: every unit */
    int64_t user_id;    /* whose read markers count */
    const char *side;   /* the reader's side (office, unit): the other side's messages after
                        ** the marker are unread */
    bool unread_only;
    unsigned limit;
    unsigned offset;
};

/* What a list of featured items (good practice, 经验做法) is filtered by (NULL / 0: not
** filtered). */
struct wm_featured_filter {
    /* The caller's subtree: items of units within it, and items featured by an office at or
    ** above it (the featuring office's subtree holds the caller's).  NULL or "/": all. */
    const char *scope;
    const char *indicator; /* a leaf code, or a code ending in '.' for every leaf below it */
    const char *unit_type;
    const char *category;
    int64_t document_id;
    bool withdrawn; /* the withdrawn ones too */
    bool live_docs; /* only documents not in the trash */
    unsigned limit;
    unsigned offset;
};

/* A notification to write (see notify_insert). */
struct wm_notify_in {
    const char *kind; /* returned, approved, guidance, due_soon, overdue, featured, declaration */
    const char *object_type; /* what it is about ("document"; NULL: nothing) */
    int64_t object_id;
    const char *text;
    const char *link;    /* a path of the UI ("/documents/7"; NULL: none) */
    int64_t except_user; /* not this account (who caused it; 0: nobody) */
};

/* A title's fields (title_insert, title_update; NULL: absent). */
struct wm_title_row {
    int64_t unit_id;
    const char *title;       /* 第十四届市级文明单位 */
    const char *level;       /* 市级, 区级, 省级, 全国 … */
    int64_t round_id;        /* the awarding round (0: none) */
    const char *award_doc;   /* 杭文明委〔2021〕3号 */
    const char *awarded_on;  /* YYYY-MM-DD */
    const char *valid_until; /* YYYY-MM-DD, the last valid day */
    const char *state;       /* kept, revoked, expired */
    const char *reason;      /* why the state is what it is (a revocation) */
    const char *note;
};

/* What a list of titles is filtered by (NULL / 0: not filtered). */
struct wm_title_filter {
    const char *scope;      /* titles of units within this subtree (NULL or "/": all) */
    int64_t unit_id;
    const char *level;
    const char *state;      /* kept, revoked, expired */
    const char *until_from; /* valid_until >= this date (a title without one never matches) */
    const char *until_to;   /* valid_until <= this date (likewise) */
    const char *q;          /* a substring of the title, the document, the unit's name or code */
    unsigned limit;         /* 0: 100 */
    unsigned offset;
};

/* Who a notification goes to. */
enum wm_notify_to {
    WM_NOTIFY_USER,   /* the account target */
    WM_NOTIFY_UNIT,   /* the unit_admin and unit_member accounts of the unit target */
    WM_NOTIFY_OFFICE, /* the office accounts of the offices above the unit target */
};

/* ---- Rounds (issue 10) ---- */

/* A round's fields as written (round_insert; round_update writes all but office_id and
** created_by).  Dates are 'YYYY-MM-DD'; NULL publicity dates are stored NULL. */
struct wm_round_in {
    const char *name;
    const char *level;
    int64_t office_id;
    const char *scope_path;
    int64_t edition_id;
    const char *window_start, *window_end;
    int64_t years_from, years_to;
    const char *unit_types; /* JSON array text; NULL: "[]" */
    int64_t pass_threshold; /* hundredths */
    const char *reconcile;  /* mean, leader */
    bool no_own_district;
    const char *publicity_start, *publicity_end;
    int64_t created_by;
};

/* Which rounds a list holds (round_list); a round matches when ANY of overlap, contains,
** member_id matches (each unset one is ignored; all unset: every round), then state and
** no_drafts narrow. */
struct wm_round_filter {
    const char *overlap;  /* scope_path within this subtree, or a prefix of it ("/": all) */
    const char *contains; /* scope_path a prefix of this path (a unit's path) */
    int64_t member_id;    /* a round with a group that has this member */
    const char *state;    /* NULL: any */
    bool no_drafts;       /* not state draft */
    unsigned limit;       /* 0: 100 */
    unsigned offset;
};

/* Which entries a list holds (entry_list); NULL / 0: not filtered. */
struct wm_entry_filter {
    int64_t round_id;      /* required */
    const char *scope;     /* units within this subtree */
    const char *state;
    const char *kind;      /* declare, recheck */
    const char *unit_type; /* org.type */
    int64_t unit_id;
    int64_t group_id;      /* > 0: of this group; -1: in no group */
    unsigned limit;        /* 0: 1000 */
    unsigned offset;
};

/* ---- Scoring (issue 10) ---- */

/* One leaf's score as written (score_set): NULL texts store NULL. */
struct wm_score_in {
    const char *code;
    bool has_value;
    int64_t value;          /* hundredths */
    const char *grade;      /* 'A'..'D' or NULL */
    const char *deductions; /* JSON text [{"reason":s,"points":hundredths}] or NULL */
    const char *method;
    const char *comment;
    const char *evidence; /* JSON text [document ids] or NULL */
    bool veto;
    const char *veto_reason;
};

/* What entry_lock writes into round_entry. */
struct wm_entry_lock_in {
    int64_t locked_by;
    int64_t total; /* hundredths */
    bool vetoed;
    const char *veto_reason;
};

/* Which visits a list holds (visit_list); 0 / NULL / false: not filtered. */
struct wm_visit_filter {
    int64_t round_id;
    int64_t entry_id;
    int64_t unit_id;
    int64_t member_id;   /* visits of entries in groups with this member */
    int64_t from;        /* starts_at >= from */
    bool scheduled_only; /* state scheduled */
    bool live_rounds;    /* rounds not closed */
    unsigned limit;      /* 0: 200 */
};

/* What entry_update writes (NULL / < 0: keep). */
struct wm_entry_upd {
    const char *contact_name, *contact_phone;
    int64_t district_rank; /* < 0: keep; 0: clear */
    const char *district_note;
    const char *decision_reason;
};

/* ---- Results (issue 10, migration 0016) ---- */

/* Which objections a list holds (objection_list); 0 / NULL: not filtered. */
struct wm_objection_filter {
    int64_t round_id;
    int64_t unit_id;   /* lodged by this unit */
    const char *state; /* open, answered */
    unsigned limit;    /* 0: 100 */
    unsigned offset;
};

/* A rectification item as written (rect_insert). */
struct wm_rect_in {
    int64_t unit_id;
    int64_t year;
    const char *indicator_code;
    const char *problem;
    const char *source; /* evaluation, inspection, review, self_check */
    int64_t source_id;  /* the round entry, work_check row, review row; 0: none */
    const char *due_on; /* YYYY-MM-DD or NULL */
    int64_t dept_id;    /* the responsible department; 0: none (issue 12) */
    const char *corrective; /* 整改措施, NULL: none (issue 12) */
    const char *preventive; /* 预防措施, NULL: none (issue 12) */
};

/* Which rectification items a list holds (rect_list); 0 / NULL: not filtered. */
struct wm_rect_filter {
    const char *scope; /* units within this subtree */
    int64_t unit_id;
    const char *state;
    const char *source;
    int64_t source_id;
    int64_t dept_id;       /* issue 12 */
    int64_t year;          /* issue 12 */
    const char *late_before; /* issue 12: open items due before this day (overdue) */
    unsigned limit; /* 0: 100 */
    unsigned offset;
};

/* -------------------------------- issue 12, work_plan: structs of leadership group and office */

/* A unit's settings of its creation work (work_unit_put); strings NULL for none. */
struct wm_work_unit {
    int64_t unit_id;
    const char *start_on; /* YYYY-MM-DD, NULL: the unit's creation day */
    const char *bulletin_leaf;
    const char *inspection_leaf;
    const char *plan_leaf;
    const char *rect_leaf;
    bool inspect_weekly;
    int64_t by;
    int64_t now;
};

/* A member of the leadership group or its office (work_member_insert). */
struct wm_work_member {
    int64_t unit_id;
    const char *body;    /* group, office */
    const char *role;    /* leader, deputy, director, member */
    int64_t user_id;     /* 0: by name */
    const char *name;
    const char *post;    /* 职务, NULL for none */
    const char *from_on; /* YYYY-MM-DD */
    int64_t by;
    int64_t now;
};

/* A stage of the annual plan (work_stages_set). */
struct wm_work_stage {
    const char *name;
    const char *starts_on;
    const char *ends_on;
};

/* A task of the plan (work_task_insert, work_task_update); 0 / NULL for none. */
struct wm_work_task {
    int64_t plan_id;
    int64_t unit_id;
    const char *title;
    const char *detail;
    int64_t dept_id;
    int64_t person_id;
    const char *person_name;
    const char *due_on;
    int64_t by;
    int64_t now;
};

/* What a list of tasks is filtered by (work_task_list); 0 / NULL: any. */
struct wm_work_task_filter {
    int64_t unit_id;
    int64_t year;
    int64_t dept_id;
    const char *state;      /* open, done */
    const char *due_before; /* open tasks due before this day (overdue) */
};

/* -------------------------------- issue 12, work_meet: structs of meeting kinds and cadence */
/* A meeting kind as written (meeting_kind_insert / _update): every field given. */
struct wm_meeting_kind_in {
    const char *name;
    const char *period;    /* none, monthly, quarterly, half-yearly, yearly */
    int64_t min_count;     /* 0 .. 100 */
    const char *leaf_code; /* NULL: not filed */
    int64_t position;
    int64_t active;        /* 0 or 1 */
};

/* A meeting as written (meeting_insert / _update): every field given. */
struct wm_meeting_in {
    int64_t kind_id;
    const char *held_on; /* YYYY-MM-DD */
    const char *title;
    const char *place;   /* NULL: none */
    const char *attendees;
    const char *minutes;
};

/* -------------------------------- issue 12, work_inspect: structs of responsibility areas */
/* A responsibility area as written (work_area_insert / work_area_update); strings borrowed. */
struct wm_work_area_in {
    int64_t dept_id; /* 0: none */
    const char *name;
    const char *category;
    int64_t active;   /* 1 or 0 */
    int64_t position;
};

/* -------------------------------- issue 12, work_rect: structs of the rectification loop (整改项): sources */

/* What rect_update writes: every field (the core merges a change into the current row). */
struct wm_rect_upd {
    const char *problem;
    const char *corrective; /* NULL: none */
    const char *preventive; /* NULL: none */
    int64_t dept_id;        /* 0: none */
    const char *due_on;     /* NULL: none */
};

/* A change of state (rect_step): from → to, the note written where @a to keeps it (done:
** done_note, done_by, done_at; verified and open (sent back): verify_note, verified_by,
** verified_at; closed: close_note). */
struct wm_rect_step {
    const char *from;
    const char *to;
    const char *note; /* NULL: none */
    int64_t user_id;  /* 0: the command line */
};

/* -------------------------------- issue 12, work_overview: structs of the unit's plan/do/check/act view and the office's overview across its jurisdiction (XLSX) */
/*
** What the creation-work overview counts (work_ov_*): the units within scope (a path; NULL,
** "" or "/": all) or one unit (unit_id nonzero), of one type (NULL: any), for one year;
** today ("YYYY-MM-DD") decides who is in the leadership group now and what is overdue
** (an open task or rectification item whose due_on is before today).
*/
struct wm_work_ov_q {
    const char *scope;
    int64_t unit_id;
    const char *unit_type;
    int64_t year;
    const char *today;
};

/* One thing the search index holds (search_put), issue 11. */
struct wm_search_row {
    const char *kind;    /* "document", "indicator" or "guidance" */
    int64_t ref_id;      /* document.id, indicator.id, guidance.id */
    const char *org_path;  /* the unit's path; an indicator's: its publishing office's */
    int64_t unit_id;       /* 0: none (indicators) */
    const char *unit_type; /* NULL: none */
    int64_t year;          /* 0: none */
    const char *indicator_code; /* NULL: none */
    const char *media;     /* documents: text, photo, audiovisual; else NULL */
    const char *state;     /* a document's status, a guidance's state; else NULL */
    const char *day;       /* YYYY-MM-DD (a document's date formed) or NULL */
    const char *title;
    const char *body;      /* metadata and the text of the file, as one text */
};

/* How many of the newest matches a search ranks and counts (the total and the facets) by
** default: beyond it the total says "2000+".  Bounded so that a common term costs what a
** rare one does (bench/search.sh: p99 of a ranked first page with its facets). */
#define WM_SEARCH_WINDOW 2000

/* How far back a search walks: first the newest WM_SEARCH_SPAN ids of the index, and while
** those hold fewer than WM_SEARCH_LEAST matches (a page) twice as far back again, until
** the oldest.  A search that stops before the oldest is "partial": older documents were not
** looked at, and the same search with before= the oldest id walked goes on from there.  This
** bounds the cost of a phrase made of common pieces, which FTS5 and GIN check document by
** document (bench/search.sh). */
#define WM_SEARCH_SPAN 100000
#define WM_SEARCH_LEAST 20

/* A search (search_query): a compiled query, the caller's scope and the filters. */
struct wm_search_q {
    const char *fts5;      /* wm_sq_fts5(q, NULL) for SQLite */
    const char *fts5_title; /* wm_sq_fts5(q, "{title}") for SQLite */
    const char *tsquery;   /* wm_sq_tsquery(q) for PostgreSQL */
    /* Scope: rows whose org_path is within scope (NULL or "/": all); and, when
    ** caller_path is set, indicators published by an office on caller_path (an ancestor
    ** of the caller, or the caller's own office). */
    const char *scope;
    const char *caller_path;
    /* Filters (NULL / 0: none) */
    const char *kind;
    int64_t unit_id;
    const char *within;    /* a district: rows within this subtree */
    const char *unit_type;
    int64_t year;
    const char *indicator; /* a code: that indicator and every one below it */
    const char *media;
    const char *state;
    const char *day_from;  /* YYYY-MM-DD, inclusive */
    const char *day_to;
    unsigned candidates;   /* how many of the newest matches are ranked; 0: WM_SEARCH_WINDOW */
    unsigned count_cap;    /* total and facets counted over at most this many;
                           ** 0: WM_SEARCH_WINDOW */
    unsigned limit;        /* hits on the page; 0: 20 */
    unsigned offset;
    /* The walk's bound (WM_SEARCH_SPAN, WM_SEARCH_LEAST when 0); span UINT_MAX: none */
    unsigned span;
    unsigned least;
    int64_t before;        /* only ids below it (a partial search's "next_before"); 0: all */
};

struct wm_db_ops {
    const char *name;
    void (*close)(struct wm_db *db);
    /* Transactions.  write=true: the transaction will write (the backend takes what it needs
    ** so that concurrent writers serialize or fail WM_QS_SOFT). */
    enum wm_qs (*begin)(struct wm_db *db, bool write);
    enum wm_qs (*commit)(struct wm_db *db);
    void (*rollback)(struct wm_db *db);
    bool (*in_tx)(struct wm_db *db);
    /**
    ** A number that differs from every earlier value this connection returned whenever a
    ** change was committed since, by this connection or any other, in this process or
    ** another: what a cached read is checked against.  false on a store error (then nothing
    ** may be cached).  On PostgreSQL a commit on another server is seen once its
    ** notification arrives (normally within a millisecond).
    */
    bool (*generation)(struct wm_db *db, int64_t *gen);
    /* Schema. */
    int (*schema_version)(struct wm_db *db);
    enum wm_qs (*migrate)(struct wm_db *db, int *from, int *to);

    /* Orgs and units (a unit is an org of kind 'unit'). */
    enum wm_qs (*org_insert)(struct wm_db *db, int64_t parent_id, const char *kind,
                             const char *name, const char *code, const char *type,
                             int64_t now, int64_t *id);
    json_t *(*org_get)(struct wm_db *db, int64_t id);
    json_t *(*org_get_by_code)(struct wm_db *db, const char *code);
    json_t *(*org_list)(struct wm_db *db, const struct wm_page *pg);
    json_t *(*org_find_name)(struct wm_db *db, int64_t parent_id, const char *name);
    enum wm_qs (*org_update)(struct wm_db *db, int64_t id, const char *name, const char *code,
                             const char *type);
    /* Moves id and its subtree under new_parent (paths rewritten in one statement). */
    enum wm_qs (*org_move)(struct wm_db *db, int64_t id, int64_t new_parent);
    int64_t (*org_count)(struct wm_db *db, const char *scope, const char *kind, const char *type);

    /* Departments of a unit. */
    enum wm_qs (*dept_insert)(struct wm_db *db, int64_t unit_id, const char *name, int64_t *id);
    json_t *(*dept_list)(struct wm_db *db, int64_t unit_id);
    json_t *(*dept_get)(struct wm_db *db, int64_t id);
    enum wm_qs (*dept_delete)(struct wm_db *db, int64_t id);

    /* Users.  user_get never returns pwhash; user_get_auth does. */
    enum wm_qs (*user_insert)(struct wm_db *db, const char *username, const char *display,
                              const char *pwhash, const char *role, int64_t org_id,
                              int64_t dept_id, bool must_change, int64_t now, int64_t *id);
    json_t *(*user_get)(struct wm_db *db, int64_t id);
    json_t *(*user_get_auth)(struct wm_db *db, const char *username);
    json_t *(*user_list)(struct wm_db *db, const struct wm_page *pg);
    enum wm_qs (*user_set_password)(struct wm_db *db, int64_t id, const char *pwhash,
                                    bool must_change);
    /* Password history (0020): keep pwhash (a replaced password) for the user, then trim to
    ** the newest `keep` rows (0 = none).  list: the newest `limit` as [{pwhash, at}]. */
    enum wm_qs (*pw_history_add)(struct wm_db *db, int64_t user_id, const char *pwhash,
                                 int64_t now, int64_t keep);
    json_t *(*pw_history_list)(struct wm_db *db, int64_t user_id, int64_t limit);
    enum wm_qs (*user_update)(struct wm_db *db, int64_t id, const char *display, int disabled,
                              int64_t dept_id);

    /* Failed logins by typed name. */
    enum wm_qs (*login_fail_add)(struct wm_db *db, const char *username, int64_t now);
    int64_t (*login_fail_count)(struct wm_db *db, const char *username, int64_t since);
    /** The time of the name's latest failure, 0 when none. */
    int64_t (*login_fail_last)(struct wm_db *db, const char *username);
    enum wm_qs (*login_fail_clear)(struct wm_db *db, const char *username, int64_t before);

    /* Sessions, by the SHA-256 hex of the cookie value. */
    /** A new session; also the account's last login (user.last_login_at, 0013). */
    enum wm_qs (*session_insert)(struct wm_db *db, const char *hash, int64_t user_id,
                                 const char *csrf, int64_t now, const char *addr);
    json_t *(*session_get)(struct wm_db *db, const char *hash);
    enum wm_qs (*session_touch)(struct wm_db *db, const char *hash, int64_t now);
    enum wm_qs (*session_delete)(struct wm_db *db, const char *hash);
    enum wm_qs (*session_delete_user)(struct wm_db *db, int64_t user_id);
    /** Every session of the user but the one whose hash is keep (NULL: all). */
    enum wm_qs (*session_delete_others)(struct wm_db *db, int64_t user_id, const char *keep);

    /* API tokens, by the SHA-256 hex of the token. */
    enum wm_qs (*token_insert)(struct wm_db *db, int64_t user_id, const char *name,
                               const char *hash, int64_t now, int64_t *id);
    int64_t (*token_lookup)(struct wm_db *db, const char *hash);
    json_t *(*token_list)(struct wm_db *db, int64_t user_id);
    enum wm_qs (*token_revoke)(struct wm_db *db, int64_t user_id, int64_t id);
    /* Revoke every live token of an account; *n is how many were live. */
    enum wm_qs (*token_revoke_user)(struct wm_db *db, int64_t user_id, int64_t *n);

    /* Frameworks and their editions. */
    json_t *(*fw_find)(struct wm_db *db, int64_t org_id, const char *name);
    enum wm_qs (*fw_insert)(struct wm_db *db, int64_t org_id, const char *name, int64_t now,
                            int64_t *id);
    enum wm_qs (*edition_insert)(struct wm_db *db, int64_t framework_id, const char *version,
                                 const char *source, const char *document, int64_t leaves,
                                 int64_t total, int64_t user_id, int64_t now, int64_t *id);
    /** The edition with framework name, org id/path/name; with_document adds "document". */
    json_t *(*edition_get)(struct wm_db *db, int64_t id, bool with_document);
    /** The edition of a framework with that version, or NULL. */
    json_t *(*edition_find)(struct wm_db *db, int64_t framework_id, const char *version);
    json_t *(*edition_list)(struct wm_db *db, const struct wm_fw_scope *s,
                            const struct wm_page *pg);
    enum wm_qs (*edition_replace)(struct wm_db *db, int64_t id, const char *source,
                                  const char *document, int64_t leaves, int64_t total);
    enum wm_qs (*edition_publish)(struct wm_db *db, int64_t id, int64_t now);
    enum wm_qs (*edition_delete)(struct wm_db *db, int64_t id);
    enum wm_qs (*ind_insert)(struct wm_db *db, int64_t edition_id, const struct wm_ind_row *r);
    enum wm_qs (*ind_clear)(struct wm_db *db, int64_t edition_id);
    /** Indicators of an edition in document order; leaves_only restricts to leaves. */
    json_t *(*ind_list)(struct wm_db *db, int64_t edition_id, bool leaves_only);

    /* Archives, documents, versions, blobs. */
    enum wm_qs (*archive_default_set)(struct wm_db *db, int64_t org_id, int64_t year,
                                      int64_t edition_id);
    /** The default edition for a unit's year: the nearest office on its path that set one. */
    int64_t (*archive_default_for)(struct wm_db *db, const char *unit_path, int64_t year);
    json_t *(*archive_defaults)(struct wm_db *db, int64_t org_id);
    json_t *(*archive_get)(struct wm_db *db, int64_t unit_id, int64_t year);
    /** An archive by its id (NULL when there is none); the caller checks scope. */
    json_t *(*archive_by_id)(struct wm_db *db, int64_t id);
    json_t *(*archive_list)(struct wm_db *db, int64_t unit_id);
    enum wm_qs (*archive_insert)(struct wm_db *db, int64_t unit_id, int64_t year,
                                 int64_t edition_id, int64_t now, int64_t *id);
    /** How many documents an archive holds, the trash included (-1: store error). */
    int64_t (*archive_doc_total)(struct wm_db *db, int64_t archive_id);
    /** Delete an archive that holds no document (WM_QS_NONE when it holds some). */
    enum wm_qs (*archive_delete)(struct wm_db *db, int64_t archive_id);
    enum wm_qs (*blob_upsert)(struct wm_db *db, const char *sha, int64_t size, const char *mime,
                              int64_t now);
    /** Insert into a leaf with the next serial of that leaf (returned in *serial) and the
    ** next number of an archival code there (code_serial, never given twice in a leaf).
    ** The leaf's counter row is locked first, so concurrent inserts into one leaf queue. */
    enum wm_qs (*doc_insert)(struct wm_db *db, int64_t archive_id, const char *code,
                             const struct wm_doc_meta *m, int64_t user_id, int64_t now,
                             int64_t *id, int64_t *serial);
    enum wm_qs (*version_insert)(struct wm_db *db, int64_t doc_id, const char *sha,
                                 const char *filename, int64_t user_id, int64_t now, int64_t *n);
    /** A document with its archive (unit_id, unit_path, unit_code, year, edition_id) and its
    ** current version (version, sha, size, mime, filename). */
    json_t *(*doc_get)(struct wm_db *db, int64_t id);
    /** Documents of an archive (code NULL: all leaves), in leaf and serial order;
    ** trash=true lists the deleted ones instead. */
    json_t *(*doc_list)(struct wm_db *db, int64_t archive_id, const char *code, bool trash);
    /** Per leaf: {code, n, text, photo, audiovisual} counts of live documents. */
    json_t *(*doc_counts)(struct wm_db *db, int64_t archive_id);
    enum wm_qs (*doc_update)(struct wm_db *db, int64_t id, const struct wm_doc_meta *m,
                             int64_t now);
    enum wm_qs (*doc_trash)(struct wm_db *db, int64_t id, int64_t user_id, int64_t now);
    enum wm_qs (*doc_restore)(struct wm_db *db, int64_t id, int64_t now);
    enum wm_qs (*doc_purge)(struct wm_db *db, int64_t id);
    enum wm_qs (*doc_move)(struct wm_db *db, int64_t id, const char *code, int64_t now);
    /** Serials 1..n of a leaf in the order of ids (every live document of the leaf once). */
    enum wm_qs (*doc_reorder)(struct wm_db *db, int64_t archive_id, const char *code,
                              const int64_t *ids, size_t n);
    /** Hold a leaf for the rest of the write transaction: another writer into the leaf
    ** waits until this transaction ends, so what is read about the leaf after this stays
    ** true until the commit.  Hold several leaves in code order (no deadlock). */
    enum wm_qs (*leaf_hold)(struct wm_db *db, int64_t archive_id, const char *code);
    /** Close the gaps in a leaf's serials, keeping the order. */
    enum wm_qs (*leaf_renumber)(struct wm_db *db, int64_t archive_id, const char *code);
    json_t *(*version_list)(struct wm_db *db, int64_t doc_id);
    /** Every blob sha referenced by a version (for fixity checks). */
    json_t *(*blob_list)(struct wm_db *db);
    enum wm_qs (*fixity_insert)(struct wm_db *db, int64_t started, int64_t finished,
                                int64_t checked, int64_t missing, int64_t corrupt,
                                const char *detail);
    json_t *(*fixity_last)(struct wm_db *db);
    /** Every distinct blob sha that some document version, guidance message or compilation
    ** refers to,
    ** sorted: [{sha}]. */
    json_t *(*version_shas)(struct wm_db *db);

    /*
    ** Review (issue 9).  Table review holds one row per event of a document's review:
    ** action submit, approve or return, on the exact version it applies to.
    */
    /** Record an event and move the document from status from to status to (the state
    ** after it); WM_QS_NONE when the document is gone or no longer in from (another writer
    ** changed it first: the row is locked by the change, so on PostgreSQL the second
    ** writer waits and then finds it changed), WM_QS_CONFLICT when a return has no
    ** comment. */
    enum wm_qs (*review_insert)(struct wm_db *db, int64_t doc_id, int64_t version,
                                const char *action, const char *from, const char *to,
                                int64_t actor_id, const char *comment, int64_t now, int64_t *id);
    /** Set a document's review status (a new version makes it a draft again). */
    enum wm_qs (*doc_set_status)(struct wm_db *db, int64_t doc_id, const char *status,
                                 int64_t now);
    /** The events of a document, oldest first: [{id, version, action, actor_id,
    ** actor_name, comment, at}]. */
    json_t *(*review_list)(struct wm_db *db, int64_t doc_id);
    /** Live documents whose status is f->status, with their archive, unit (unit_id,
    ** unit_name, unit_code, unit_path, unit_type, year) and their latest review event
    ** (review_id, version, action, at, comment, actor_id, actor_name), that event's oldest
    ** first (newest first with f->key_dir -1). */
    json_t *(*review_queue)(struct wm_db *db, const struct wm_review_filter *f);
    /** Per document of an archive that was ever returned (the trash included): [{id,
    ** indicator_code, returns}], in code order. */
    json_t *(*review_return_counts)(struct wm_db *db, int64_t archive_id);

    /*
    ** An office's review settings (table office_setting, migration 0012): {org_id,
    ** offset_days, count_submitted, returns_limit, updated_at, updated_by}.
    */
    /** The office's own row, or NULL. */
    json_t *(*office_setting_get)(struct wm_db *db, int64_t org_id);
    /** The row of the nearest office on path (an org's path, itself included), or NULL. */
    json_t *(*office_setting_for)(struct wm_db *db, const char *path);
    /** Insert or replace the office's row. */
    enum wm_qs (*office_setting_set)(struct wm_db *db, int64_t org_id, int64_t offset_days,
                                     bool count_submitted, int64_t returns_limit,
                                     int64_t user_id, int64_t now);

    /*
    ** Guidance conversations (issue 9, migration 0009): one per archive and leaf, its
    ** messages (text, an optional attachment blob) and each account's last message read.
    */
    /** The conversation of a leaf: {id, archive_id, indicator_code, state, created_at,
    ** updated_at}, or NULL. */
    json_t *(*guidance_get)(struct wm_db *db, int64_t archive_id, const char *code);
    /** The conversation of a leaf, created (open) when there is none; its row is locked
    ** until the transaction ends, so concurrent posts into one leaf queue. */
    enum wm_qs (*guidance_upsert)(struct wm_db *db, int64_t archive_id, const char *code,
                                  int64_t now, int64_t *id);
    /** Append a message (sha and filename both NULL, or both set) and move the
    ** conversation's updated_at. */
    enum wm_qs (*guidance_msg_insert)(struct wm_db *db, int64_t guidance_id, int64_t author_id,
                                      const char *side, const char *body, const char *sha,
                                      const char *filename, int64_t now, int64_t *id);
    /** Set the state (open, closed); WM_QS_NONE when it already was in it. */
    enum wm_qs (*guidance_set_state)(struct wm_db *db, int64_t id, const char *state,
                                     int64_t now);
    /** The messages, oldest first: [{id, author_id, author_name, side, body, sha, filename,
    ** size, mime, at}] (sha, filename, size, mime null without an attachment). */
    json_t *(*guidance_messages)(struct wm_db *db, int64_t guidance_id);
    /** One message with its conversation: {id, guidance_id, author_id, side, sha, filename,
    ** size, mime, at, archive_id, indicator_code, unit_id, year}, or NULL. */
    json_t *(*guidance_msg_get)(struct wm_db *db, int64_t id);
    /** Move an account's read marker forward to last_read (never back). */
    enum wm_qs (*guidance_read_set)(struct wm_db *db, int64_t guidance_id, int64_t user_id,
                                    int64_t last_read);
    /** An account's read marker (0: nothing read, or a store error). */
    int64_t (*guidance_read_get)(struct wm_db *db, int64_t guidance_id, int64_t user_id);
    /** Conversations (unread first, then the latest change first): {id, archive_id,
    ** indicator_code, indicator_title, state, created_at, updated_at, unit_id, unit_name,
    ** unit_code, unit_type, year, messages, unread, last_id, last_body, last_at,
    ** last_side, last_author, last_filename}. */
    json_t *(*guidance_list)(struct wm_db *db, const struct wm_guidance_filter *f);

    /*
    ** Good practice (issue 9; table featured, compilation, compilation_item).  A featured
    ** item row: id, document_id, version, office_id, office_name, office_path, note,
    ** category, featured_by, featured_by_name, at, updated_at, withdrawn, withdrawn_at, and
    ** of its document: title, indicator_code, indicator_title, serial, media, date_formed,
    ** status, deleted_at, year, edition_id, unit_id, unit_name, unit_code, unit_type,
    ** unit_path, and of the featured version: sha, mime, size, filename.
    */
    /** WM_QS_CONFLICT when the document is featured already (and not withdrawn). */
    enum wm_qs (*featured_insert)(struct wm_db *db, int64_t doc_id, int64_t version,
                                  int64_t office_id, const char *note, const char *category,
                                  int64_t user_id, int64_t now, int64_t *id);
    json_t *(*featured_get)(struct wm_db *db, int64_t id);
    /** Newest first. */
    json_t *(*featured_list)(struct wm_db *db, const struct wm_featured_filter *f);
    /** Note and/or category (NULL: keep) of an item not withdrawn; NONE otherwise. */
    enum wm_qs (*featured_update)(struct wm_db *db, int64_t id, const char *note,
                                  const char *category, int64_t now);
    /** Withdraw an item not withdrawn yet; NONE otherwise. */
    enum wm_qs (*featured_withdraw)(struct wm_db *db, int64_t id, int64_t user_id, int64_t now);
    /** A compilation row: id, title, office_id, office_name, office_path, created_by,
    ** created_by_name, at, state (queued, running, done, failed), job_id, result_sha,
    ** size (of the result), pages, error, finished_at, items (how many). */
    enum wm_qs (*compilation_insert)(struct wm_db *db, const char *title, int64_t office_id,
                                     int64_t user_id, int64_t now, int64_t *id);
    enum wm_qs (*compilation_item_insert)(struct wm_db *db, int64_t compilation_id, int64_t seq,
                                          int64_t featured_id);
    /** Set state; job_id when not 0, result_sha, pages and error when given (NULL, < 0:
    ** keep); finished_at = now for done and failed. */
    enum wm_qs (*compilation_set)(struct wm_db *db, int64_t id, const char *state,
                                  int64_t job_id, const char *sha, int64_t pages,
                                  const char *error, int64_t now);
    json_t *(*compilation_get)(struct wm_db *db, int64_t id);
    /** The featured item rows of a compilation, in its order (withdrawn ones too). */
    json_t *(*compilation_items)(struct wm_db *db, int64_t id);
    /** Newest first: compilations whose office's subtree overlaps scope (as featured). */
    json_t *(*compilation_list)(struct wm_db *db, const char *scope, unsigned limit);

    /*
    ** The office's home (issue 9, migration 0013): the schedule summary kept at write time
    ** (src/core/schedule.c, wm_sched_touch), the review backlog and inactive units.
    */
    /** The archive's year, the leaf's frequency and the leaf's live documents:
    ** [{year, frequency, status, date_formed}], one row with status NULL for a leaf without
    ** documents; [] when code is not an indicator of the archive's edition. */
    json_t *(*sched_leaf_docs)(struct wm_db *db, int64_t archive_id, const char *code);
    /** The summary of a leaf: [{period, met_approved, met_submitted}] (met periods only). */
    json_t *(*sched_met_list)(struct wm_db *db, int64_t archive_id, const char *code);
    /** Set a leaf x period's flags (both 0: no row) and add d_approved and d_submitted to
    ** the archive x period counters. */
    enum wm_qs (*sched_met_set)(struct wm_db *db, int64_t archive_id, const char *code,
                                const char *period, int approved, int submitted,
                                int d_approved, int d_submitted);
    /** Forget an archive's summary (before it is rebuilt). */
    enum wm_qs (*sched_clear)(struct wm_db *db, int64_t archive_id);
    /** Every archive: [{id}] by id. */
    json_t *(*sched_archives)(struct wm_db *db);
    /** Archives of year within scope (of unit_type when not NULL) with their unit and
    ** counters: [{archive_id, edition_id, year, unit_id, unit_name, unit_code, unit_type,
    ** district_id, district_name, counts}] by archive, counts "period:approved:submitted"
    ** joined by ',' (NULL when none); district is the office directly above the unit. */
    json_t *(*sched_counts)(struct wm_db *db, const char *scope, int64_t year,
                            const char *unit_type);
    /** Submitted live documents of units within scope, by the time they were submitted
    ** (status_at) against t3 > t7 > t14: {total, lt3 (status_at >= t3), d3_7 (< t3, >= t7),
    ** d7_14, gt14 (status_at < t14), oldest (NULL when none)}. */
    json_t *(*review_backlog)(struct wm_db *db, const char *scope, int64_t t3, int64_t t7,
                              int64_t t14);
    /** Units within scope none of whose accounts logged in at or after since (those without
    ** accounts too): [{id, name, code, type, district_id, district_name, last_login_at}]
    ** (last_login_at NULL: never), never first, then oldest. */
    json_t *(*units_inactive)(struct wm_db *db, const char *scope, int64_t since);

    /*
    ** ---- Rounds (issue 10, migration 0014) ----
    ** A round row: {id, name, level, office_id, office_name, office_path, scope_path,
    ** edition_id, edition_version, edition_total, framework_id, framework_name,
    ** window_start, window_end, years_from, years_to, unit_types (JSON text),
    ** pass_threshold, reconcile, no_own_district, publicity_start, publicity_end, state,
    ** created_by, created_at, updated_at, entries (how many entries)}.
    */
    enum wm_qs (*round_insert)(struct wm_db *db, const struct wm_round_in *in, int64_t now,
                               int64_t *id);
    json_t *(*round_get)(struct wm_db *db, int64_t id);
    /** Newest first. */
    json_t *(*round_list)(struct wm_db *db, const struct wm_round_filter *f);
    /** Write every field of in but office_id and created_by. */
    enum wm_qs (*round_update)(struct wm_db *db, int64_t id, const struct wm_round_in *in,
                               int64_t now);
    /** Move state from -> to: WM_QS_NONE when the round is not in from. */
    enum wm_qs (*round_set_state)(struct wm_db *db, int64_t id, const char *from,
                                  const char *to, int64_t now);
    /*
    ** An entry row: {id, round_id, unit_id, unit_name, unit_code, unit_type, unit_path,
    ** district_id, district_name (the office directly above the unit), kind, state,
    ** contact_name, contact_phone, district_rank, district_note, decision_reason, group_id,
    ** group_name, locked_at, locked_by, total, vetoed, veto_reason, created_at, updated_at,
    ** docs (how many 事迹材料)}.
    */
    /** WM_QS_CONFLICT when the unit has an entry in the round already. */
    enum wm_qs (*entry_insert)(struct wm_db *db, int64_t round_id, int64_t unit_id,
                               const char *kind, const char *state, int64_t now, int64_t *id);
    json_t *(*entry_get)(struct wm_db *db, int64_t id);
    /** The unit's entry in the round, or NULL. */
    json_t *(*entry_find)(struct wm_db *db, int64_t round_id, int64_t unit_id);
    /** By district, then rank (unranked last), then unit code. */
    json_t *(*entry_list)(struct wm_db *db, const struct wm_entry_filter *f);
    /** Move state from -> to: WM_QS_NONE when the entry is not in from. */
    enum wm_qs (*entry_set_state)(struct wm_db *db, int64_t id, const char *from,
                                  const char *to, int64_t now);
    enum wm_qs (*entry_update)(struct wm_db *db, int64_t id, const struct wm_entry_upd *u,
                               int64_t now);
    /** Put the entry into a group (0: none). */
    enum wm_qs (*entry_set_group)(struct wm_db *db, int64_t id, int64_t group_id, int64_t now);
    /** Counts of a round's entries of units within scope (NULL or "/": all): [{unit_type,
    ** district_id, district_name, state, n}]. */
    json_t *(*entry_stats)(struct wm_db *db, int64_t round_id, const char *scope);
    /** Link a document as 事迹材料: WM_QS_CONFLICT when linked already. */
    enum wm_qs (*entry_doc_add)(struct wm_db *db, int64_t entry_id, int64_t doc_id);
    /** WM_QS_NONE when it was not linked. */
    enum wm_qs (*entry_doc_remove)(struct wm_db *db, int64_t entry_id, int64_t doc_id);
    /** [{document_id, title, indicator_code, serial, status, date_formed, media,
    ** deleted_at, archive_id, year, unit_id}] by archive year, leaf, serial. */
    json_t *(*entry_doc_list)(struct wm_db *db, int64_t entry_id);
    /** Set (upsert) a leaf's self-assessment; has_score false stores NULL. */
    enum wm_qs (*entry_self_set)(struct wm_db *db, int64_t entry_id, const char *code,
                                 bool has_score, int64_t score, const char *note);
    /** [{indicator_code, score, note}] by code. */
    json_t *(*entry_self_list)(struct wm_db *db, int64_t entry_id);
    /*
    ** A group row: {id, round_id, name, leader_id, leader_name, created_at, members,
    ** entries}.  A member row: {user_id, username, display_name, role, org_id, org_name,
    ** org_path, disabled}.
    */
    /** WM_QS_CONFLICT when the round has a group of that name. */
    enum wm_qs (*group_insert)(struct wm_db *db, int64_t round_id, const char *name,
                               int64_t leader_id, int64_t now, int64_t *id);
    json_t *(*group_get)(struct wm_db *db, int64_t id);
    /** By name. */
    json_t *(*group_list)(struct wm_db *db, int64_t round_id);
    /** WM_QS_CONFLICT when a member already. */
    enum wm_qs (*group_member_add)(struct wm_db *db, int64_t group_id, int64_t user_id);
    enum wm_qs (*group_member_remove)(struct wm_db *db, int64_t group_id, int64_t user_id);
    /** By display name. */
    json_t *(*group_member_list)(struct wm_db *db, int64_t group_id);

    /*
    ** ---- Scoring (issue 10, migration 0014) ----
    ** A sheet row: {id, entry_id, round_id, unit_id, unit_name, evaluator_id,
    ** evaluator_name, state, submitted_at, updated_at, scored (leaves with a value or a
    ** veto), locked_at (the entry's)}.  A score row: {sheet_id, indicator_code, value,
    ** grade, deductions (JSON text), method, comment, evidence (JSON text), veto,
    ** veto_reason, updated_at}.
    */
    /** The sheet of (entry, evaluator), created as a draft when there is none. */
    enum wm_qs (*sheet_ensure)(struct wm_db *db, int64_t entry_id, int64_t evaluator_id,
                               int64_t now, int64_t *id);
    json_t *(*sheet_get)(struct wm_db *db, int64_t id);
    /** The sheet of (entry, evaluator), or NULL. */
    json_t *(*sheet_find)(struct wm_db *db, int64_t entry_id, int64_t evaluator_id);
    /** An entry's sheets by evaluator name. */
    json_t *(*sheet_list)(struct wm_db *db, int64_t entry_id);
    /** An evaluator's sheets in a round, by unit name. */
    json_t *(*sheet_list_evaluator)(struct wm_db *db, int64_t round_id, int64_t evaluator_id);
    /** Move from -> to (submitted sets submitted_at to now, draft clears it): WM_QS_NONE
    ** when the sheet is not in from. */
    enum wm_qs (*sheet_set_state)(struct wm_db *db, int64_t id, const char *from,
                                  const char *to, int64_t now);
    /** Upsert one leaf's score and touch the sheet's updated_at. */
    enum wm_qs (*score_set)(struct wm_db *db, int64_t sheet_id, const struct wm_score_in *in,
                            int64_t now);
    /** A sheet's scores by code. */
    json_t *(*score_list)(struct wm_db *db, int64_t sheet_id);
    /** Every score of an entry's sheets: score rows plus evaluator_id, by code then
    ** evaluator. */
    json_t *(*score_list_entry)(struct wm_db *db, int64_t entry_id);
    /** Upsert the entry's final value of a leaf (how: mean, leader). */
    enum wm_qs (*final_set)(struct wm_db *db, int64_t entry_id, const char *code,
                            int64_t value, const char *how, int64_t decided_by, int64_t now);
    /** Remove a leaf's final value (code NULL: all of the entry's). */
    enum wm_qs (*final_delete)(struct wm_db *db, int64_t entry_id, const char *code);
    /** [{indicator_code, value, how, decided_by, decided_at}] by code. */
    json_t *(*final_list)(struct wm_db *db, int64_t entry_id);
    /** Lock an unlocked entry (WM_QS_NONE when locked already). */
    enum wm_qs (*entry_lock)(struct wm_db *db, int64_t entry_id,
                             const struct wm_entry_lock_in *in, int64_t now);
    /** Unlock a locked entry: locked_at, locked_by, total NULL, vetoed 0 (WM_QS_NONE when
    ** not locked). */
    enum wm_qs (*entry_unlock)(struct wm_db *db, int64_t entry_id, int64_t now);
    /** A round's progress: one row per sheet of an entry in a group, plus one row per
    ** entry in a group without sheets (sheet_id NULL): {entry_id, unit_id, unit_name,
    ** unit_code, group_id, locked_at, total, sheet_id, evaluator_id, evaluator_name, state,
    ** scored, submitted_at} by unit code, evaluator name. */
    json_t *(*round_progress)(struct wm_db *db, int64_t round_id);

    /*
    ** ---- Groups and visits (issue 10, helper "groups"; tables of 0014) ----
    */
    /** Rename a group and set its leader (0: none); WM_QS_CONFLICT for a name taken. */
    enum wm_qs (*group_update)(struct wm_db *db, int64_t id, const char *name,
                               int64_t leader_id);
    /** Delete a group: its members go, its entries return to no group. */
    enum wm_qs (*group_delete)(struct wm_db *db, int64_t id);
    /**
    ** A visit row: {id, entry_id, round_id, round_name, unit_id, unit_name, unit_code,
    ** group_id, group_name, starts_at, place, note, state, created_by, created_at,
    ** updated_at}.
    */
    enum wm_qs (*visit_insert)(struct wm_db *db, int64_t entry_id, int64_t starts_at,
                               const char *place, const char *note, int64_t created_by,
                               int64_t now, int64_t *id);
    json_t *(*visit_get)(struct wm_db *db, int64_t id);
    /** Reschedule a scheduled visit: WM_QS_NONE when it is not scheduled. */
    enum wm_qs (*visit_update)(struct wm_db *db, int64_t id, int64_t starts_at,
                               const char *place, const char *note, int64_t now);
    /** Cancel a scheduled visit: WM_QS_NONE when it is not scheduled. */
    enum wm_qs (*visit_cancel)(struct wm_db *db, int64_t id, int64_t now);
    /** Visits by start time (see struct wm_visit_filter). */
    json_t *(*visit_list)(struct wm_db *db, const struct wm_visit_filter *f);
    /**
    ** The evaluator's access (one indexed query, run per request): the id of a round in
    ** state evaluating with an entry of unit_id in a group that has user_id as a member and
    ** years_from <= year <= years_to (year 0: any year), else 0; -1 on a store error.
    */
    int64_t (*eval_access)(struct wm_db *db, int64_t user_id, int64_t unit_id, int64_t year);
    /** The entries assigned to groups user_id is a member of, in rounds in state (NULL:
    ** any): [{round_id, round_name, round_state, years_from, years_to, entry_id, unit_id,
    ** unit_name, unit_code, group_id, group_name, leader_id}] by round (newest), unit code. */
    json_t *(*eval_assignments)(struct wm_db *db, int64_t user_id, const char *state);

    /* Audit log: last hash ("" for an empty log), append, page, and a full scan.  Inside a
    ** write transaction audit_last_hash locks the chain's head until the transaction ends,
    ** so concurrent appenders chain one after the other; audit_insert moves the head. */
    enum wm_qs (*audit_last_hash)(struct wm_db *db, char out[65]);
    enum wm_qs (*audit_insert)(struct wm_db *db, const struct wm_audit_entry *e,
                               const char *prev_hash, const char *hash, int64_t *id);
    /* Newest first, within pg->scope, ids below pg->after when it is not 0. */
    json_t *(*audit_list)(struct wm_db *db, const struct wm_page *pg,
                          const struct wm_audit_filter *f);
    json_t *(*audit_scan)(struct wm_db *db, int64_t after, unsigned limit);

    /*
    ** The job queue (table job; src/core/jobs.c runs it).  A worker is named by a text
    ** unique among the live workers ("host:pid:n").  The write ops act only on a job the
    ** worker still holds (state running, worker = worker): WM_QS_NONE means the lease was
    ** lost (another worker took the job over) and the worker must drop it.
    */
    /**
    ** Insert a queued job; WM_QS_NONE (and *id 0) when in->dedupe_key is set and a job of
    ** that kind and key is queued (or running, with in->unless_running; or failed, with
    ** in->unless_failed).  A job of the key that is running does not block: it may have
    ** read what the request is about before the change, so the request is one more run,
    ** after it (job_claim), never folded into it (migration 0023).
    */
    enum wm_qs (*job_insert)(struct wm_db *db, const struct wm_job_in *in, int64_t now,
                             int64_t *id);
    /** The queued job of kind and key: WM_QS_ONE and *id, or WM_QS_NONE (*id 0). */
    enum wm_qs (*job_waiting)(struct wm_db *db, const char *kind, const char *key,
                              int64_t *id);
    /**
    ** Inside the caller's write transaction: take the oldest queued job due at now
    ** (run_after <= now), or a running one whose lease ended before now, of one of kinds
    ** (a comma-separated list; NULL: any), and make it running under worker until
    ** lease_until, one attempt more.  A queued job whose kind and key has a running job
    ** (its lease ended or not) is skipped until that one ends: two jobs of a key never
    ** run at once.  The job as it is now, or NULL when none is due (or on a store
    ** error).  PostgreSQL skips rows locked by other claimers.
    */
    json_t *(*job_claim)(struct wm_db *db, const char *worker, const char *kinds, int64_t now,
                         int64_t lease_until);
    enum wm_qs (*job_renew)(struct wm_db *db, int64_t id, const char *worker,
                            int64_t lease_until, int64_t now);
    /** Record progress (JSON text) of a held job. */
    enum wm_qs (*job_progress)(struct wm_db *db, int64_t id, const char *worker,
                               const char *progress, int64_t now);
    /** Done, with its result (JSON text, may be NULL). */
    enum wm_qs (*job_finish)(struct wm_db *db, int64_t id, const char *worker,
                             const char *result, int64_t now);
    /** Failed with why: queued again at retry_at, or failed for good when retry_at is 0
    ** (result, may be NULL, is kept: a refused import's report).  When a job of its kind
    ** and key is queued already (a request that came while it ran) it fails for good too,
    ** with why saying so: that job, which runs after it, is its next attempt. */
    enum wm_qs (*job_fail)(struct wm_db *db, int64_t id, const char *worker, const char *why,
                           const char *result, int64_t retry_at, int64_t now);
    json_t *(*job_get)(struct wm_db *db, int64_t id);
    /**
    ** Newest first: jobs whose state is one of states (comma-separated; NULL: all), whose
    ** org_path is within pg->scope (NULL, "" or "/": every job, those without org_path
    ** too), of kind pg->kind when set, ids below pg->after when it is not 0.
    */
    json_t *(*job_list)(struct wm_db *db, const char *states, const struct wm_page *pg);
    /** A failed job queued again now with its attempts reset: WM_QS_NONE when it is not
    ** failed, WM_QS_CONFLICT when a job of the same kind and key is waiting already. */
    enum wm_qs (*job_retry)(struct wm_db *db, int64_t id, int64_t now);
    /** When the newest done job of kind finished (0: never). */
    int64_t (*job_last_done)(struct wm_db *db, const char *kind);
    /** Remove done jobs that finished before before; *n how many. */
    enum wm_qs (*job_purge)(struct wm_db *db, int64_t before, int64_t *n);

    /*
    ** Metrics (issue 13, GET /metrics): rows {what, state, n}: what "job" with each state
    ** that has jobs and its count, and what "session", state "open", the sessions seen at or
    ** after seen_after and created at or after created_after.  NULL on a store error.
    */
    json_t *(*metrics_counts)(struct wm_db *db, int64_t seen_after, int64_t created_after);

    /*
    ** Notifications (issue 9, migration 0011): the inbox, preferences, the e-mail digest.
    ** Accounts that are disabled get nothing.
    */
    /** Write one notification for each recipient of to/target (not in->except_user) whose
    ** preference for in->kind has the inbox or e-mail on (no preference row: both on); each
    ** row records both.  *n how many were written (0 is WM_QS_ONE too). */
    enum wm_qs (*notify_insert)(struct wm_db *db, enum wm_notify_to to, int64_t target,
                                const struct wm_notify_in *in, int64_t now, int64_t *n);
    /** A person's inbox, newest first: [{id, kind, object_type, object_id, text, link, at,
    ** read_at}] (unread_only: read_at NULL). */
    json_t *(*notify_list)(struct wm_db *db, int64_t user_id, bool unread_only,
                           unsigned limit, unsigned offset);
    /** How many unread notifications the person's inbox holds (one index range). */
    int64_t (*notify_unread)(struct wm_db *db, int64_t user_id);
    /** Mark read the person's notification id (0: all of them); *n how many changed. */
    enum wm_qs (*notify_read)(struct wm_db *db, int64_t user_id, int64_t id, int64_t now,
                              int64_t *n);
    /** The person's preference rows: [{kind, inbox, email}] (a kind without a row: on). */
    json_t *(*notify_prefs)(struct wm_db *db, int64_t user_id);
    enum wm_qs (*notify_pref_set)(struct wm_db *db, int64_t user_id, const char *kind,
                                  bool inbox, bool email);
    /** {id, display_name, email, disabled} of an account (email null when none). */
    json_t *(*user_email_get)(struct wm_db *db, int64_t user_id);
    /** Set (NULL: clear) an account's e-mail address. */
    enum wm_qs (*user_email_set)(struct wm_db *db, int64_t user_id, const char *email);
    /** People with an address, not disabled, with unread notifications for the e-mail
    ** written at or after since and in no digest yet: [{user_id, display_name, email, n}], by id.
   */
    json_t *(*notify_pending)(struct wm_db *db, int64_t since, unsigned limit);
    /** Record a digest to user_id at address (state sending) and tie to it every
    ** notification notify_pending counts for the person; *id the digest, *n its items.
    ** WM_QS_NONE (nothing recorded) when there were none; WM_QS_CONFLICT when message_id
    ** was used. */
    enum wm_qs (*notify_digest_create)(struct wm_db *db, int64_t user_id, const char *address,
                                       const char *message_id, int64_t since, int64_t now,
                                       int64_t *id, int64_t *n);
    /** Digests not sent yet, oldest first: [{id, user_id, display_name, address,
    ** message_id, items, attempts, created_at}]. */
    json_t *(*notify_digest_open)(struct wm_db *db, unsigned limit);
    /** A digest's notifications, oldest first (the rows of notify_list). */
    json_t *(*notify_digest_items)(struct wm_db *db, int64_t digest_id);
    /** Take a waiting digest to send it: WM_QS_ONE when no other sender holds it (its
    ** lease_until passed or unset), it is then held until until; WM_QS_NONE otherwise. */
    enum wm_qs (*notify_digest_take)(struct wm_db *db, int64_t digest_id, int64_t now,
                                     int64_t until);
    /** After an attempt to send a digest: why NULL marks it sent (at now); else one attempt
    ** more with why kept; the lease is given up.  WM_QS_NONE when it is not waiting (sent
    ** already). */
    enum wm_qs (*notify_digest_done)(struct wm_db *db, int64_t digest_id, const char *why,
                                     int64_t now);
    /** Archives of the years year_min..year_max with ids above after, by id: [{id, unit_id,
    ** year}] (the daily scan of deadlines). */
    json_t *(*notify_archives)(struct wm_db *db, int64_t year_min, int64_t year_max,
                               int64_t after, unsigned limit);
    /** Record key the first time (WM_QS_ONE), WM_QS_NONE when it was recorded before. */
    enum wm_qs (*notify_once)(struct wm_db *db, const char *key, int64_t now);

    /*
    ** Titles (issue 10, migration 0015; table title): the register of 文明称号.  A title
    ** row: id, unit_id, title, level, round_id, award_doc, awarded_on, valid_until, state,
    ** reason, note, created_by, created_at, updated_at, updated_by, and of its unit:
    ** unit_name, unit_code, unit_type, unit_path.
    */
    /** Insert (state NULL: kept) by user_id (0: the system); WM_QS_CONFLICT when the unit
    ** holds a title of that name awarded on that day already. */
    enum wm_qs (*title_insert)(struct wm_db *db, const struct wm_title_row *in, int64_t user_id,
                               int64_t now, int64_t *id);
    /** A title row, or NULL. */
    json_t *(*title_get)(struct wm_db *db, int64_t id);
    /** Replace the fields title, level, round_id, award_doc, awarded_on, valid_until, state,
    ** reason and note (unit_id stays); WM_QS_NONE when there is no such title,
    ** WM_QS_CONFLICT as for insert. */
    enum wm_qs (*title_update)(struct wm_db *db, int64_t id, const struct wm_title_row *in,
                               int64_t user_id, int64_t now);
    /** Titles by the filter, by awarded_on, newest first (then id, newest first). */
    json_t *(*title_list)(struct wm_db *db, const struct wm_title_filter *f);
    /**
    ** The units due for a recheck on date: units within scope (NULL or "/": all) with a
    ** title of level (NULL: any) that is kept or expired (not revoked) whose valid_until is
    ** on or before date (and on or after since, when not NULL), and no kept title of that
    ** level valid after date (or without an end).  One row per unit, by unit path: {unit_id,
    ** unit_name, unit_code, unit_type, unit_path, title_id, title, level, valid_until,
    ** state} of its due title with the latest valid_until (then the highest id).
    */
    json_t *(*title_due)(struct wm_db *db, const char *scope, const char *level,
                         const char *since, const char *date);

    /*
    ** ---- Results (issue 10, migration 0016) ----
    ** A result row (result_entries): {id, unit_id, unit_name, unit_code, unit_type,
    ** unit_path, district_id, district_name, kind, state, locked_at, total, vetoed,
    ** veto_reason} of the round's accepted entries, by unit code.
    */
    json_t *(*result_entries)(struct wm_db *db, int64_t round_id);
    /** The reconciled values of the round's locked entries (entry_id 0) or of one entry,
    ** one row per entry (packed: a round holds thousands × hundreds of them): [{entry_id,
    ** finals: "1.1.1=250,1.1.2=300,…" (code=hundredths, comma-separated, any order)}] by
    ** entry (wm_finals_fill of wm_core.h reads it). */
    json_t *(*round_finals)(struct wm_db *db, int64_t round_id, int64_t entry_id);
    /** The deductions the evaluators gave an entry on submitted sheets: [{indicator_code,
    ** deductions (JSON text)}] by code, of scores whose deductions are not NULL or "[]". */
    json_t *(*entry_deductions)(struct wm_db *db, int64_t entry_id);
    /*
    ** An objection row: {id, round_id, entry_id, entry_unit_id, entry_unit_name, unit_id,
    ** unit_name, unit_code, unit_path, text, state, answer, answered_by, answered_by_name,
    ** answered_at, created_by, created_at}.
    */
    enum wm_qs (*objection_insert)(struct wm_db *db, int64_t round_id, int64_t entry_id,
                                   int64_t unit_id, const char *text, int64_t user_id,
                                   int64_t now, int64_t *id);
    json_t *(*objection_get)(struct wm_db *db, int64_t id);
    /** Newest first. */
    json_t *(*objection_list)(struct wm_db *db, const struct wm_objection_filter *f);
    /** Answer an open objection: WM_QS_NONE when it is not open. */
    enum wm_qs (*objection_answer)(struct wm_db *db, int64_t id, const char *answer,
                                   int64_t user_id, int64_t now);
    /*
    ** A rectification row: {id, unit_id, unit_name, unit_code, unit_path, year,
    ** indicator_code, problem, source, source_id, due_on, state, created_by, created_at,
    ** updated_at} and (issue 12) {dept_id, dept_name, corrective, preventive, done_note,
    ** done_by, done_by_name, done_at, verify_note, verified_by, verified_by_name,
    ** verified_at, close_note, source_ref: what the source is part of (review: the returned
    ** document; inspection: the inspection; evaluation: the round) or null}.
    */
    /** WM_QS_CONFLICT when the source has an item for that leaf already. */
    enum wm_qs (*rect_insert)(struct wm_db *db, const struct wm_rect_in *in, int64_t user_id,
                              int64_t now, int64_t *id);
    json_t *(*rect_get)(struct wm_db *db, int64_t id);
    /** Open ones first, then by due date, then newest. */
    json_t *(*rect_list)(struct wm_db *db, const struct wm_rect_filter *f);

    /* ---------------------------------------------------------------- search (issue 11) */
    /** Insert or replace the row of (kind, ref_id). */
    enum wm_qs (*search_put)(struct wm_db *db, const struct wm_search_row *r, int64_t now);
    /** Remove the row of (kind, ref_id): WM_QS_NONE when there is none. */
    enum wm_qs (*search_remove)(struct wm_db *db, const char *kind, int64_t ref_id);
    /**
    ** {"total": n, "capped": bool, "hits": [row ...], "facets": {"kind": [{value, count}],
    ** "year": [...], "unit_type": [...], "media": [...], "state": [...], "indicator": [...]
    ** (the top-level code; with q->indicator, the code one level below it), "unit":
    ** [{unit_id, org_path, count}]}}; a hit row: {id, kind,
    ** ref_id, org_path, unit_id, unit_type, year, indicator_code, media, state, day, title,
    ** body, rank}; the best ranked first; "partial": true and "next_before": id when the
    ** walk stopped going back (WM_SEARCH_SPAN; capped is then true too).  NULL on a store
    ** error.
    */
    json_t *(*search_query)(struct wm_db *db, const struct wm_search_q *q);
    /** How many rows the index holds of kind (NULL: all). */
    int64_t (*search_count)(struct wm_db *db, const char *kind);
    /**
    ** The indicator facet's labels: {code: ["code title", ...]} for each code of the array
    ** codes (strings) that an indexed indicator has: the distinct titles of the indicators
    ** of that code a caller on caller_path may read (published by an office on that path;
    ** NULL: the platform's administrator, any), newest first, at most 4.  NULL on a store
    ** error.
    */
    json_t *(*search_indicator_titles)(struct wm_db *db, const char *caller_path,
                                       const json_t *codes);
    /** Remove every row of kind (NULL: all): before a rebuild. */
    enum wm_qs (*search_clear)(struct wm_db *db, const char *kind);
    /**
    ** Merge the index's parts (SQLite: FTS5's b-trees, into one in leaf pages of 1,000
    ** bytes, FTS5's own size set back once merged; PostgreSQL: the GIN index's pending
    ** list), at most about `pages` pages of work: WM_QS_ONE when work was
    ** done (call again), WM_QS_NONE when there was none left.  start: the first call of a
    ** run (every part becomes eligible; the calls after it finish that merge even if rows
    ** come in meanwhile).
    */
    enum wm_qs (*search_merge)(struct wm_db *db, int64_t pages, bool start);
    /** The extracted text of a blob: {sha, state ("done"/"failed"), text, error, at} or
    ** NULL (none yet). */
    json_t *(*blob_text_get)(struct wm_db *db, const char *sha);
    /** Insert or replace it. */
    enum wm_qs (*blob_text_put)(struct wm_db *db, const char *sha, const char *state,
                                const char *text, const char *error, int64_t now);

    /*
    ** What the search index is made from (issue 11; sq_search_src.c, pg_search_src.c): the
    ** rows the core's sync functions read, and the batches a rebuild walks.
    */
    /** A document as it is indexed: {id, title, dept, author, keywords, remarks, status,
    ** date_formed, media, indicator_code, deleted_at, unit_id, unit_path, unit_type, year,
    ** sha, mime, filename} (the current version: the newest), or NULL. */
    json_t *(*search_src_document)(struct wm_db *db, int64_t id);
    /** A guidance conversation: {id, state, archive_id, indicator_code, indicator_title,
    ** unit_id, unit_path, unit_type, year}, or NULL. */
    json_t *(*search_src_guidance)(struct wm_db *db, int64_t id);
    /** Ids of live documents (kind "document") or guidance conversations ("guidance")
    ** within scope (NULL: all) with id > after, in id order, at most limit: [{id}]. */
    json_t *(*search_src_ids)(struct wm_db *db, const char *kind, const char *scope,
                              int64_t after, unsigned limit);
    /** How many of kind (as search_src_ids, or "indicator": indicators of published
    ** editions) the store holds (-1: store error). */
    int64_t (*search_src_count)(struct wm_db *db, const char *kind);
    /** Published editions, in id order: [{id}]. */
    json_t *(*search_src_editions)(struct wm_db *db);
    /** Live documents whose current version is the blob sha: [{id}]. */
    json_t *(*search_src_blob_docs)(struct wm_db *db, const char *sha);
    /** Blobs that are the current version of a live document and have no extracted text
    ** yet, sha > after in sha order, at most limit: [{sha, mime}]. */
    json_t *(*search_src_untexted)(struct wm_db *db, const char *after, unsigned limit);
    /** Orgs by id (ids unknown are left out): [{id, name, code, path, kind, type}]. */
    json_t *(*search_src_orgs)(struct wm_db *db, const int64_t *ids, size_t n);

    /* -------------------------------- issue 12, work_plan: ops of leadership group and office */
    /** The unit's creation-work settings row, or NULL (none set, or a store error). */
    json_t *(*work_unit_get)(struct wm_db *db, int64_t unit_id);
    /** Insert or replace the unit's settings. */
    enum wm_qs (*work_unit_put)(struct wm_db *db, const struct wm_work_unit *s);
    enum wm_qs (*work_member_insert)(struct wm_db *db, const struct wm_work_member *m,
                                     int64_t *id);
    /** {id, unit_id, body, role, user_id, name, post, from_on, to_on, created_by,
    ** created_at, ended_by, ended_at} or NULL. */
    json_t *(*work_member_get)(struct wm_db *db, int64_t id);
    /** Set to_on of a member still in office (WM_QS_NONE when it already left). */
    enum wm_qs (*work_member_end)(struct wm_db *db, int64_t id, const char *to_on, int64_t by,
                                  int64_t now);
    /** The unit's members on day on (NULL: every row ever), by body, role, from_on, id. */
    json_t *(*work_members)(struct wm_db *db, int64_t unit_id, const char *on);
    enum wm_qs (*work_duty_insert)(struct wm_db *db, int64_t unit_id, const char *body,
                                   const char *text, const char *set_on, int64_t by,
                                   int64_t now, int64_t *id);
    /** The body's duties, newest first (set_on, id): [{id, body, text, set_on, created_by,
    ** created_by_name, created_at}]. */
    json_t *(*work_duties)(struct wm_db *db, int64_t unit_id, const char *body);
    /** {id, unit_id, year, title, goals, document_id, created_*, updated_*} or NULL. */
    json_t *(*work_plan_get)(struct wm_db *db, int64_t unit_id, int64_t year);
    /** Insert or update the plan of (unit, year); *id the plan. */
    enum wm_qs (*work_plan_upsert)(struct wm_db *db, int64_t unit_id, int64_t year,
                                   const char *title, const char *goals, int64_t by,
                                   int64_t now, int64_t *id);
    /** The document the plan was filed as into plan_leaf (0: none). */
    enum wm_qs (*work_plan_set_doc)(struct wm_db *db, int64_t plan_id, int64_t document_id);
    /** The newest job that files the plan (kind work.plan, key "plan:ID"): {id, state,
    ** last_error} or NULL. */
    json_t *(*work_plan_job)(struct wm_db *db, int64_t plan_id);
    /** Replace the plan's stages by st[0..n) in that order. */
    enum wm_qs (*work_stages_set)(struct wm_db *db, int64_t plan_id,
                                  const struct wm_work_stage *st, size_t n);
    /** [{id, name, starts_on, ends_on, position}] in order. */
    json_t *(*work_stages)(struct wm_db *db, int64_t plan_id);
    enum wm_qs (*work_task_insert)(struct wm_db *db, const struct wm_work_task *t, int64_t *id);
    /** Title, detail, dept, person and due day of task id (by, now: updated_at). */
    enum wm_qs (*work_task_update)(struct wm_db *db, int64_t id, const struct wm_work_task *t);
    /** A task with its plan's year, dept_name, person's display name (person_user),
    ** done_by_name, or NULL. */
    json_t *(*work_task_get)(struct wm_db *db, int64_t id);
    /** Set the state ('done' with note, by, now; 'open' clears them); WM_QS_NONE when the
    ** task is already in that state. */
    enum wm_qs (*work_task_set_state)(struct wm_db *db, int64_t id, const char *state,
                                      const char *note, int64_t by, int64_t now);
    /** Replace the task's leaves by codes[0..n). */
    enum wm_qs (*work_task_leaves_set)(struct wm_db *db, int64_t task_id,
                                       const char *const *codes, size_t n);
    /** The task's leaves: [{indicator_code}] in code order. */
    json_t *(*work_task_leaves)(struct wm_db *db, int64_t task_id);
    /** Tasks as work_task_get's rows, by due day (none last), id. */
    json_t *(*work_task_list)(struct wm_db *db, const struct wm_work_task_filter *f);

    /* -------------------------------- issue 12, work_meet: ops of meeting kinds and cadence */
    /** A unit's meeting kinds in position, id order: [{id, unit_id, name, period, min_count,
    ** leaf_code, position, active, created_at}]. */
    json_t *(*meeting_kind_list)(struct wm_db *db, int64_t unit_id);
    json_t *(*meeting_kind_get)(struct wm_db *db, int64_t id);
    /** CONFLICT when the unit has a kind of that name. */
    enum wm_qs (*meeting_kind_insert)(struct wm_db *db, int64_t unit_id,
                                      const struct wm_meeting_kind_in *in, int64_t now,
                                      int64_t *id);
    enum wm_qs (*meeting_kind_update)(struct wm_db *db, int64_t id,
                                      const struct wm_meeting_kind_in *in);
    /** A unit's meetings held from lo to hi (days, inclusive; NULL: unbounded), of one kind
    ** (0: all), newest first: [{id, unit_id, kind_id, kind_name, held_on, title, place,
    ** attendees, minutes, minutes_document_id, created_by, created_at, updated_at}]. */
    json_t *(*meeting_list)(struct wm_db *db, int64_t unit_id, const char *lo, const char *hi,
                            int64_t kind_id);
    /** One meeting as listed, with its kind's leaf_code, period and the unit's path. */
    json_t *(*meeting_get)(struct wm_db *db, int64_t id);
    enum wm_qs (*meeting_insert)(struct wm_db *db, int64_t unit_id, const struct wm_meeting_in *in,
                                 int64_t user_id, int64_t now, int64_t *id);
    enum wm_qs (*meeting_update)(struct wm_db *db, int64_t id, const struct wm_meeting_in *in,
                                 int64_t now);
    /** The document the typed minutes were filed as (0: none). */
    enum wm_qs (*meeting_set_minutes_doc)(struct wm_db *db, int64_t id, int64_t document_id);
    /** The newest job that files a meeting's typed minutes (kind work.minutes): {id, state,
    ** last_error} or NULL. */
    json_t *(*meeting_minutes_job)(struct wm_db *db, int64_t meeting_id);
    /** Link a document to the creation-work record that produced or cites it (work_link):
    ** WM_QS_ONE, NONE when the link exists. */
    enum wm_qs (*work_link_insert)(struct wm_db *db, const char *kind, int64_t ref_id,
                                   int64_t document_id, const char *role, int64_t now);
    enum wm_qs (*work_link_delete)(struct wm_db *db, const char *kind, int64_t ref_id,
                                   int64_t document_id);
    /** The title the record filed the document under (work_link.filed_title): WM_QS_NONE
    ** when there is no such link. */
    enum wm_qs (*work_link_filed)(struct wm_db *db, const char *kind, int64_t ref_id,
                                  int64_t document_id, const char *title);
    /** A record's live documents in link order: [{document_id, role, title, filed_title
    ** (null: a link that filed nothing, as cited evidence), serial, indicator_code, status, year,
    ** created_at}]. */
    json_t *(*work_link_list)(struct wm_db *db, const char *kind, int64_t ref_id);
    /** The first link naming a document: {kind, ref_id, role, created_at, unit_id, detail (the
    ** record in words: a meeting's day and kind, a plan's year and title …)} or NULL. */
    json_t *(*work_link_of_document)(struct wm_db *db, int64_t document_id);

    /* -------------------------------- issue 12, work_inspect: ops of responsibility areas */
    /*
    ** Responsibility areas (责任区), inspections, checks and weekly bulletins (0018).  An
    ** area row: {id, unit_id, dept_id, dept_name, name, category, active, position,
    ** created_at, checks (how many inspections named it)}.
    */
    /** Add an area; WM_QS_NONE when the unit already has one of that name. */
    enum wm_qs (*work_area_insert)(struct wm_db *db, int64_t unit_id,
                                   const struct wm_work_area_in *in, int64_t now, int64_t *id);
    /** Change an area; WM_QS_NONE when none changed (no such row, or the name is taken). */
    enum wm_qs (*work_area_update)(struct wm_db *db, int64_t id, const struct wm_work_area_in *in);
    /** One area, or NULL. */
    json_t *(*work_area_get)(struct wm_db *db, int64_t id);
    /** A unit's areas by position and name (active_only: the active ones). */
    json_t *(*work_area_list)(struct wm_db *db, int64_t unit_id, bool active_only);
    /** The leaves inspection photos and bulletins are filed into: {inspection_leaf,
    ** bulletin_leaf} (null when unset), or NULL when the unit has no settings row. */
    json_t *(*work_inspect_leaves)(struct wm_db *db, int64_t unit_id);
    /** Record an inspection (inspector_id 0: a name only). */
    enum wm_qs (*work_inspection_insert)(struct wm_db *db, int64_t unit_id, const char *held_on,
                                         int64_t inspector_id, const char *inspector_name,
                                         const char *note, int64_t created_by, int64_t now,
                                         int64_t *id);
    /** Record one area's result ('pass' or 'fix') in an inspection. */
    enum wm_qs (*work_check_insert)(struct wm_db *db, int64_t inspection_id, int64_t area_id,
                                    const char *result, const char *note, int64_t *id);
    /** Set the photo document of a check. */
    enum wm_qs (*work_check_set_photo)(struct wm_db *db, int64_t check_id, int64_t document_id);
    /** An inspection: {id, unit_id, held_on, inspector_id, inspector_name, note, created_by,
    ** created_by_name, created_at, areas, fixes}, or NULL. */
    json_t *(*work_inspection_get)(struct wm_db *db, int64_t id);
    /** Its checks by area position: [{id, inspection_id, area_id, area_name, category,
    ** dept_id, dept_name, result, note, photo_document_id, rect_id}]. */
    json_t *(*work_inspection_checks)(struct wm_db *db, int64_t inspection_id);
    /** A unit's inspections held from..to (inclusive days; NULL: open), newest first, rows
    ** as work_inspection_get; dept_id nonzero: those that checked an area of that dept. */
    json_t *(*work_inspection_list)(struct wm_db *db, int64_t unit_id, const char *from,
                                    const char *to, int64_t dept_id);
    /** The bulletin of a unit's week, created pending, or set pending again (error
    ** cleared, the document kept) when it exists. */
    enum wm_qs (*work_bulletin_upsert)(struct wm_db *db, int64_t unit_id, const char *week_on,
                                       int64_t user_id, int64_t now, int64_t *id);
    /** Set a bulletin's state, error (NULL: none) and document (0: keep). */
    enum wm_qs (*work_bulletin_set)(struct wm_db *db, int64_t id, const char *state,
                                    const char *error, int64_t document_id, int64_t now);
    /** A bulletin: {id, unit_id, week_on, state, error, document_id, created_by, created_at,
    ** updated_at}, or NULL. */
    json_t *(*work_bulletin_get)(struct wm_db *db, int64_t id);
    /** A unit's bulletins, newest week first (rows as work_bulletin_get). */
    json_t *(*work_bulletin_list)(struct wm_db *db, int64_t unit_id);

    /* -------------------------------- issue 12, work_rect: ops of the rectification loop (整改项): sources */
    /** Write an item's fields (sq_work_rect.c, pg_work_rect.c): WM_QS_NONE when there is no
    ** such item. */
    enum wm_qs (*rect_update)(struct wm_db *db, int64_t id, const struct wm_rect_upd *u,
                              int64_t now);
    /** Move an item from s->from to s->to: WM_QS_NONE when it is not in s->from. */
    enum wm_qs (*rect_step)(struct wm_db *db, int64_t id, const struct wm_rect_step *s,
                            int64_t now);
    /** Who hears of an item: the unit's unit_admin accounts and, dept_id nonzero, the
    ** department's unit_member accounts (enabled ones): [{id}]. */
    json_t *(*rect_people)(struct wm_db *db, int64_t unit_id, int64_t dept_id);
    /** An item's history, oldest first, from the audit log (its entries are filed under
    ** the unit's path, which the index reaches): [{at, action, username, display_name (null
    ** when the account is gone or it was the command line), summary}]. */
    json_t *(*rect_history)(struct wm_db *db, int64_t id, const char *unit_path);
    /** The leaf evidence is filed into when an item has none (work_unit.rect_leaf): {rect_leaf}
    ** (null when unset), or NULL when the unit has no settings. */
    json_t *(*rect_unit_leaf)(struct wm_db *db, int64_t unit_id);

    /* -------------------------------- issue 12, work_overview: ops of the unit's plan/do/check/act view and the office's overview across its jurisdiction (XLSX) */
    /**
    ** The units of q (q->year and q->today unused), by path: [{unit_id, unit_name,
    ** unit_code, unit_type, unit_path, district_id, district_name (the office above the
    ** unit), created_at, start_on (NULL: unset), inspect_weekly (1 when unset)}].
    */
    json_t *(*work_ov_units)(struct wm_db *db, const struct wm_work_ov_q *q);
    /**
    ** The counts of q's units for q->year, one query per table over the subtree (never one
    ** per unit), a unit without rows of a table absent from that list:
    **   members:     [{unit_id, members, leaders}] of the leadership group on q->today
    **   plans:       [{unit_id, plan_id, title, stages}] the plan of the year
    **   tasks:       [{unit_id, total, done, open, overdue}] the tasks of that plan
    **   meetings:    [{unit_id, kind_id, name, period, min_count, held, days}] per active
    **                kind, by unit and position; days: the held_on of the year's meetings,
    **                comma-separated (NULL: none)
    **   inspections: [{unit_id, held, days}] as meetings
    **   rects:       [{unit_id, source, state, n, overdue}] the rectification items of the
    **                year by source and state
    ** NULL on a store error.
    */
    json_t *(*work_ov_counts)(struct wm_db *db, const struct wm_work_ov_q *q);
    /**
    ** What one unit (q->unit_id) has late and planned in q->year, at most limit of each:
    ** {stages: [{id, name, starts_on, ends_on}] of the plan, by position; tasks: [{id,
    ** title, due_on, dept_id, dept_name}] open with due_on before today, by due_on; rects:
    ** [{id, problem, source, due_on, dept_id, dept_name}] open with due_on before today, by
    ** due_on}.  NULL on a store error.
    */
    json_t *(*work_ov_late)(struct wm_db *db, const struct wm_work_ov_q *q, unsigned limit);

    /* -------------------------------- issue 13, totp: the TOTP second factor, recovery codes,
    ** the password's age (0021).  The secret is a credential: only totp_get returns it. */
    /** {secret, enabled_at (null: not enabled), last_step, pending_hash, pending_at,
    ** pending_addr, pw_set_at} of the account; NULL when there is none. */
    json_t *(*totp_get)(struct wm_db *db, int64_t user_id);
    /** The secret (NULL: none), when it was confirmed (0: not yet) and the last step used. */
    enum wm_qs (*totp_set)(struct wm_db *db, int64_t user_id, const char *secret,
                           int64_t enabled_at, int64_t last_step);
    /** Take step as used when it is newer than the last one used: ONE; NONE when it is not
    ** (a replayed or older code), whoever raced. */
    enum wm_qs (*totp_step_use)(struct wm_db *db, int64_t user_id, int64_t step);
    /** The sign-in waiting for its second step (hash NULL: none; at most one per account). */
    enum wm_qs (*totp_pending_set)(struct wm_db *db, int64_t user_id, const char *hash,
                                   int64_t at, const char *addr);
    /** When the account's password was last set (password_max_age_days). */
    enum wm_qs (*user_pw_set_at)(struct wm_db *db, int64_t user_id, int64_t at);
    /** Replace the account's recovery codes by hashes (a JSON array of hex strings, may be
    ** empty). */
    enum wm_qs (*recovery_replace)(struct wm_db *db, int64_t user_id, const json_t *hashes,
                                   int64_t now);
    /** The account's unused recovery codes: [{id, hash}]. */
    json_t *(*recovery_list)(struct wm_db *db, int64_t user_id);
    /** Use recovery code id of the account: ONE; NONE when it was used already. */
    enum wm_qs (*recovery_use)(struct wm_db *db, int64_t user_id, int64_t id, int64_t now);
    /*
    ** issue 13, dat70: DA/T 70 四性检测 runs (table archive_check, migration 0022).  A row:
    ** {id, archive_id, job_id, started_by, started_by_name, started_at, finished_at, state
    ** (running, done, failed), authenticity, integrity, usability, security (1, 0 or
    ** null), json_sha, pdf_sha, error, json_size, pdf_size (the blobs' sizes)}.
    */
    /** A run that starts now (state running; job_id and user_id 0: none). */
    enum wm_qs (*archive_check_insert)(struct wm_db *db, int64_t archive_id, int64_t job_id,
                                       int64_t user_id, int64_t now, int64_t *id);
    /** End a run: its state (done, failed), results (each 1, 0, or -1 unknown), the report's
    ** blobs (NULL: none) and an error (NULL: none).  WM_QS_NONE when there is no such run. */
    enum wm_qs (*archive_check_finish)(struct wm_db *db, int64_t id, const char *state,
                                       const int results[4], const char *json_sha,
                                       const char *pdf_sha, const char *error, int64_t now);
    /** The latest run of an archive (done_only: the latest done one), or NULL. */
    json_t *(*archive_check_last)(struct wm_db *db, int64_t archive_id, bool done_only);
    /** A run by its id, or NULL. */
    json_t *(*archive_check_get)(struct wm_db *db, int64_t id);
};

struct wm_db {
    const struct wm_db_ops *ops;
    /* The outcome of the last statement the backend ran (WM_QS_ONE when it succeeded). */
    enum wm_qs status;
};

/** Whether the last read failed in the store (as opposed to finding no row). */
static inline bool
wm_db_failed(const struct wm_db *db)
{
    return WM_QS_HARD == db->status || WM_QS_SOFT == db->status;
}

/** Whether a store setting names the embedded SQLite store (NULL, "" or "sqlite"). */
bool wm_db_store_is_sqlite(const char *store);

/*
** Open a store: store NULL, "" or "sqlite" is the SQLite file data_dir/wenming.db (create:
** make the file when missing); anything else is a libpq connection string of a PostgreSQL
** database.  NULL with err filled on failure.
*/
struct wm_db *wm_db_open(const char *store, const char *data_dir, bool create, char *err,
                         size_t errlen);

/* The backends' own openers: called by wm_db_open() only. */
struct wm_db *wm_sqlite_open(const char *data_dir, bool create, char *err, size_t errlen);
struct wm_db *wm_pg_open(const char *conninfo, char *err, size_t errlen);

/*
** `wenming store copy`: copy the SQLite store src into the PostgreSQL store dst, which
** must hold no rows (a database without tables gets the schema first; one with other
** tables, or with rows, is refused).  Every table in one transaction of dst, ids kept,
** the identity sequences set past them; progress(cls, table, rows) after each table.
** *counts: [{table, rows, source, target}], the rows of each table counted on both sides
** (equal, or the copy fails).  0 on success with dst's transaction still OPEN (the caller
** verifies more, then commits or rolls back); -1 with err filled otherwise (roll back).
*/
typedef void (*wm_copy_progress_fn)(void *cls, const char *table, int64_t rows);
int wm_store_copy(struct wm_db *src, struct wm_db *dst, wm_copy_progress_fn progress, void *cls,
                  json_t **counts, char *err, size_t errlen) WM_MUST_CHECK;

/*
** `wenming backup` and `restore` (store_snapshot.c).  wm_store_snapshot_sqlite copies the
** SQLite store src into the new file path with the online backup API in one step: the
** database as of one moment, while a server writes.  wm_store_snapshot_pg begins a
** read-only REPEATABLE READ transaction on db and exports its snapshot's id (for
** `pg_dump --snapshot`); db's reads see that snapshot until db->ops->rollback.  0, or -1
** with err filled.
*/
int wm_store_snapshot_sqlite(struct wm_db *src, const char *path, char *err,
                             size_t errlen) WM_MUST_CHECK;
int wm_store_snapshot_pg(struct wm_db *db, char id[128], char *err, size_t errlen) WM_MUST_CHECK;
/** The environment for pg_dump / pg_restore on the store conninfo: this process's own, with
** each parameter of conninfo as its PG* variable (PGHOST, PGPASSWORD ...: no secret on a
** command line); *dbname its database name (caller frees; NULL when none).  NULL with err
** filled when conninfo does not parse.  Free with wm_store_pg_env_free. */
char **wm_store_pg_env(const char *conninfo, char **dbname, char *err, size_t errlen);
void wm_store_pg_env_free(char **env);
/** The number of tables, views and sequences in db's schema (the first name into first), or
** -1 with err filled: a restore goes only into a database that has none. */
int wm_store_pg_tables(struct wm_db *db, char *first, size_t firstlen, char *err, size_t errlen);

/** Set the store and data directory used by wm_db_thread(). */
void wm_db_configure(const char *store, const char *data_dir);
/** The calling thread's connection, opened on first use; NULL when the store is unusable. */
struct wm_db *wm_db_thread(void);

/*
** Run fn inside a write transaction, retrying up to WM_DB_TX_TRIES times (with a short
** randomized backoff) when the begin or the commit fails WM_QS_SOFT, or when fn returns
** WM_E_UNAVAILABLE after a statement failed WM_QS_SOFT (a deadlock, a serialization
** failure, a busy store).  fn returns WM_OK to commit or an error to roll back; it must
** not have effects outside the store that a second run would repeat.  A commit failure
** becomes WM_E_INTERNAL, a store that stayed busy WM_E_UNAVAILABLE (503).
*/
#define WM_DB_TX_TRIES 6
/** Sleep before retry number attempt (1, 2, …) of a transaction. */
void wm_db_backoff(unsigned attempt);
typedef enum wm_err (*wm_tx_fn)(struct wm_db *db, void *cls);
enum wm_err wm_db_run_tx(struct wm_db *db, wm_tx_fn fn, void *cls) WM_MUST_CHECK;

#endif /* WM_DB_H */
