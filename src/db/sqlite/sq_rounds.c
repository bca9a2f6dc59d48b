/*
** sq_rounds.c — the SQLite backend's operations on evaluation rounds (测评, issue 10):
** rounds, their entries (申报 and 复查) with 事迹材料 and self-assessments, and the
** evaluation groups with their members.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sq_helper.h"

#define DB ((struct sq_db *)base)

#define ROUND_COLS                                                                          \
    "r.id, r.name, r.level, r.office_id, o.name AS office_name, o.path AS office_path, "   \
    "r.scope_path, r.edition_id, e.version AS edition_version, e.total AS edition_total, "  \
    "e.framework_id, f.name AS framework_name, r.window_start, r.window_end, r.years_from, " \
    "r.years_to, r.unit_types, r.pass_threshold, r.reconcile, r.no_own_district, "          \
    "r.publicity_start, r.publicity_end, r.state, r.created_by, r.created_at, r.updated_at, " \
    "(SELECT count(*) FROM round_entry WHERE round_id = r.id) AS entries "                  \
    "FROM eval_round r JOIN org o ON o.id = r.office_id JOIN edition e ON e.id = r.edition_id " \
    "JOIN framework f ON f.id = e.framework_id "

static enum wm_qs
round_insert(struct wm_db *base, const struct wm_round_in *in, int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO eval_round(name, level, office_id, scope_path, edition_id, window_start, "
        "window_end, years_from, years_to, unit_types, pass_threshold, reconcile, "
        "no_own_district, publicity_start, publicity_end, state, created_by, created_at, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, coalesce(?10, '[]'), ?11, ?12, "
        "?13, ?14, ?15, 'draft', nullif(?16, 0), ?17, ?17)";
    enum wm_qs qs = sq_exec(
        DB, sq_prep(DB, sql, "ttitittiititittii", in->name, in->level, in->office_id,
                    in->scope_path, in->edition_id, in->window_start, in->window_end,
                    in->years_from, in->years_to, in->unit_types, in->pass_threshold,
                    in->reconcile ? in->reconcile : "mean", (int64_t)in->no_own_district,
                    in->publicity_start, in->publicity_end, in->created_by, now));
    if (WM_QS_ONE == qs) {
        *id = sqlite3_last_insert_rowid(DB->h);
    }
    return qs;
}

static json_t *
round_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " ROUND_COLS "WHERE r.id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", id));
}

static json_t *
round_list(struct wm_db *base, const struct wm_round_filter *f)
{
    static const char sql[] =
        "SELECT " ROUND_COLS
        "WHERE ((?1 = 0 AND ?4 IS NULL AND ?5 = 0) "
        "OR (?1 = 1 AND (?2 IS NULL OR (r.scope_path >= ?2 AND r.scope_path < ?3) "
        "OR substr(?2, 1, length(r.scope_path)) = r.scope_path)) "
        "OR (?4 IS NOT NULL AND substr(?4, 1, length(r.scope_path)) = r.scope_path) "
        "OR (?5 <> 0 AND EXISTS (SELECT 1 FROM eval_group g JOIN eval_group_member m "
        "ON m.group_id = g.id WHERE g.round_id = r.id AND m.user_id = ?5))) "
        "AND (?6 IS NULL OR r.state = ?6) AND (?7 = 0 OR r.state <> 'draft') "
        "ORDER BY r.id DESC LIMIT ?8 OFFSET ?9";
    struct wm_db_range rg = wm_db_range_of(f->overlap);
    json_t *a = sq_rows(DB, sq_prep(DB, sql, "itttitiii", (int64_t)(f->overlap != NULL), rg.lo,
                                   rg.hi, f->contains, f->member_id, f->state,
                                   (int64_t)f->no_drafts, (int64_t)(f->limit ? f->limit : 100),
                                   (int64_t)f->offset));
    wm_db_range_free(&rg);
    return a;
}

static enum wm_qs
round_update(struct wm_db *base, int64_t id, const struct wm_round_in *in, int64_t now)
{
    static const char sql[] =
        "UPDATE eval_round SET name = ?2, level = ?3, scope_path = ?4, edition_id = ?5, "
        "window_start = ?6, window_end = ?7, years_from = ?8, years_to = ?9, "
        "unit_types = coalesce(?10, '[]'), pass_threshold = ?11, reconcile = ?12, "
        "no_own_district = ?13, publicity_start = ?14, publicity_end = ?15, updated_at = ?16 "
        "WHERE id = ?1";
    return sq_exec(DB, sq_prep(DB, sql, "itttittiitititti", id, in->name, in->level,
                               in->scope_path, in->edition_id, in->window_start, in->window_end,
                               in->years_from, in->years_to, in->unit_types, in->pass_threshold,
                               in->reconcile ? in->reconcile : "mean",
                               (int64_t)in->no_own_district, in->publicity_start,
                               in->publicity_end, now));
}

static enum wm_qs
round_set_state(struct wm_db *base, int64_t id, const char *from, const char *to, int64_t now)
{
    static const char sql[] =
        "UPDATE eval_round SET state = ?3, updated_at = ?4 WHERE id = ?1 AND state = ?2";
    return sq_exec(DB, sq_prep(DB, sql, "itti", id, from, to, now));
}

#define ENTRY_COLS                                                                           \
    "n.id, n.round_id, n.unit_id, u.name AS unit_name, u.code AS unit_code, "               \
    "u.type AS unit_type, u.path AS unit_path, u.parent_id AS district_id, "                 \
    "d.name AS district_name, n.kind, n.state, n.contact_name, n.contact_phone, "            \
    "n.district_rank, n.district_note, n.decision_reason, n.group_id, g.name AS group_name, " \
    "n.locked_at, n.locked_by, n.total, n.vetoed, n.veto_reason, n.created_at, n.updated_at, " \
    "(SELECT count(*) FROM entry_doc WHERE entry_id = n.id) AS docs "                       \
    "FROM round_entry n JOIN org u ON u.id = n.unit_id LEFT JOIN org d ON d.id = u.parent_id " \
    "LEFT JOIN eval_group g ON g.id = n.group_id "

static enum wm_qs
entry_insert(struct wm_db *base, int64_t round_id, int64_t unit_id, const char *kind,
             const char *state, int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO round_entry(round_id, unit_id, kind, state, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?5)";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, sql, "iitti", round_id, unit_id, kind, state, now));
    if (WM_QS_ONE == qs) {
        *id = sqlite3_last_insert_rowid(DB->h);
    }
    return qs;
}

static json_t *
entry_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " ENTRY_COLS "WHERE n.id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", id));
}

static json_t *
entry_find(struct wm_db *base, int64_t round_id, int64_t unit_id)
{
    static const char sql[] = "SELECT " ENTRY_COLS "WHERE n.round_id = ?1 AND n.unit_id = ?2";
    return sq_row(DB, sq_prep(DB, sql, "ii", round_id, unit_id));
}

static json_t *
entry_list(struct wm_db *base, const struct wm_entry_filter *f)
{
    static const char sql[] =
        "SELECT " ENTRY_COLS
        "WHERE n.round_id = ?1 AND (?2 IS NULL OR (u.path >= ?2 AND u.path < ?3)) "
        "AND (?4 IS NULL OR n.state = ?4) AND (?5 IS NULL OR n.kind = ?5) "
        "AND (?6 IS NULL OR u.type = ?6) AND (?7 = 0 OR n.unit_id = ?7) "
        "AND (?8 = 0 OR (?8 > 0 AND n.group_id = ?8) OR (?8 < 0 AND n.group_id IS NULL)) "
        "ORDER BY d.path, u.parent_id, n.district_rank IS NULL, n.district_rank, u.code, n.id "
        "LIMIT ?9 OFFSET ?10";
    struct wm_db_range rg = wm_db_range_of(f->scope);
    json_t *a = sq_rows(DB, sq_prep(DB, sql, "itttttiiii", f->round_id, rg.lo, rg.hi, f->state,
                                   f->kind, f->unit_type, f->unit_id, f->group_id,
                                   (int64_t)(f->limit ? f->limit : 1000), (int64_t)f->offset));
    wm_db_range_free(&rg);
    return a;
}

static enum wm_qs
entry_set_state(struct wm_db *base, int64_t id, const char *from, const char *to, int64_t now)
{
    static const char sql[] =
        "UPDATE round_entry SET state = ?3, updated_at = ?4 WHERE id = ?1 AND state = ?2";
    return sq_exec(DB, sq_prep(DB, sql, "itti", id, from, to, now));
}

static enum wm_qs
entry_update(struct wm_db *base, int64_t id, const struct wm_entry_upd *u, int64_t now)
{
    static const char sql[] =
        "UPDATE round_entry SET contact_name = coalesce(?2, contact_name), "
        "contact_phone = coalesce(?3, contact_phone), "
        "district_rank = CASE WHEN ?4 < 0 THEN district_rank WHEN ?4 = 0 THEN NULL ELSE ?4 END, "
        "district_note = coalesce(?5, district_note), "
        "decision_reason = coalesce(?6, decision_reason), updated_at = ?7 WHERE id = ?1";
    return sq_exec(DB, sq_prep(DB, sql, "ittitti", id, u->contact_name, u->contact_phone,
                               u->district_rank, u->district_note, u->decision_reason, now));
}

static enum wm_qs
entry_set_group(struct wm_db *base, int64_t id, int64_t group_id, int64_t now)
{
    static const char sql[] =
        "UPDATE round_entry SET group_id = nullif(?2, 0), updated_at = ?3 WHERE id = ?1";
    return sq_exec(DB, sq_prep(DB, sql, "iii", id, group_id, now));
}

static json_t *
entry_stats(struct wm_db *base, int64_t round_id, const char *scope)
{
    static const char sql[] =
        "SELECT u.type AS unit_type, u.parent_id AS district_id, d.name AS district_name, "
        "n.state, count(*) AS n FROM round_entry n JOIN org u ON u.id = n.unit_id "
        "LEFT JOIN org d ON d.id = u.parent_id WHERE n.round_id = ?1 "
        "AND (?2 IS NULL OR (u.path >= ?2 AND u.path < ?3)) "
        "GROUP BY u.type, u.parent_id, d.name, n.state "
        "ORDER BY u.type, u.parent_id, n.state";
    struct wm_db_range rg = wm_db_range_of(scope);
    json_t *a = sq_rows(DB, sq_prep(DB, sql, "itt", round_id, rg.lo, rg.hi));
    wm_db_range_free(&rg);
    return a;
}

static enum wm_qs
entry_doc_add(struct wm_db *base, int64_t entry_id, int64_t doc_id)
{
    static const char sql[] = "INSERT INTO entry_doc(entry_id, document_id) VALUES (?1, ?2)";
    return sq_exec(DB, sq_prep(DB, sql, "ii", entry_id, doc_id));
}

static enum wm_qs
entry_doc_remove(struct wm_db *base, int64_t entry_id, int64_t doc_id)
{
    static const char sql[] = "DELETE FROM entry_doc WHERE entry_id = ?1 AND document_id = ?2";
    return sq_exec(DB, sq_prep(DB, sql, "ii", entry_id, doc_id));
}

static json_t *
entry_doc_list(struct wm_db *base, int64_t entry_id)
{
    static const char sql[] =
        "SELECT d.id AS document_id, d.title, d.indicator_code, d.serial, d.status, "
        "d.date_formed, d.media, d.deleted_at, d.archive_id, a.year, a.unit_id "
        "FROM entry_doc x JOIN document d ON d.id = x.document_id "
        "JOIN archive a ON a.id = d.archive_id WHERE x.entry_id = ?1 "
        "ORDER BY a.year, d.indicator_code, d.serial, d.id";
    return sq_rows(DB, sq_prep(DB, sql, "i", entry_id));
}

static enum wm_qs
entry_self_set(struct wm_db *base, int64_t entry_id, const char *code, bool has_score,
               int64_t score, const char *note)
{
    static const char sql[] =
        "INSERT INTO entry_self(entry_id, indicator_code, score, note) "
        "VALUES (?1, ?2, CASE WHEN ?3 THEN ?4 END, ?5) "
        "ON CONFLICT (entry_id, indicator_code) DO UPDATE SET score = excluded.score, "
        "note = excluded.note";
    return sq_exec(DB, sq_prep(DB, sql, "itiit", entry_id, code, (int64_t)has_score, score, note));
}

static json_t *
entry_self_list(struct wm_db *base, int64_t entry_id)
{
    static const char sql[] =
        "SELECT indicator_code, score, note FROM entry_self WHERE entry_id = ?1 "
        "ORDER BY indicator_code";
    return sq_rows(DB, sq_prep(DB, sql, "i", entry_id));
}

#define GROUP_COLS                                                                           \
    "g.id, g.round_id, g.name, g.leader_id, l.display_name AS leader_name, g.created_at, "  \
    "(SELECT count(*) FROM eval_group_member WHERE group_id = g.id) AS members, "            \
    "(SELECT count(*) FROM round_entry WHERE group_id = g.id) AS entries "                   \
    "FROM eval_group g LEFT JOIN user l ON l.id = g.leader_id "

static enum wm_qs
group_insert(struct wm_db *base, int64_t round_id, const char *name, int64_t leader_id,
             int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO eval_group(round_id, name, leader_id, created_at) "
        "VALUES (?1, ?2, nullif(?3, 0), ?4)";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, sql, "itii", round_id, name, leader_id, now));
    if (WM_QS_ONE == qs) {
        *id = sqlite3_last_insert_rowid(DB->h);
    }
    return qs;
}

static json_t *
group_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " GROUP_COLS "WHERE g.id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", id));
}

static json_t *
group_list(struct wm_db *base, int64_t round_id)
{
    static const char sql[] = "SELECT " GROUP_COLS "WHERE g.round_id = ?1 ORDER BY g.name, g.id";
    return sq_rows(DB, sq_prep(DB, sql, "i", round_id));
}

static enum wm_qs
group_member_add(struct wm_db *base, int64_t group_id, int64_t user_id)
{
    static const char sql[] = "INSERT INTO eval_group_member(group_id, user_id) VALUES (?1, ?2)";
    return sq_exec(DB, sq_prep(DB, sql, "ii", group_id, user_id));
}

static enum wm_qs
group_member_remove(struct wm_db *base, int64_t group_id, int64_t user_id)
{
    static const char sql[] =
        "DELETE FROM eval_group_member WHERE group_id = ?1 AND user_id = ?2";
    return sq_exec(DB, sq_prep(DB, sql, "ii", group_id, user_id));
}

static json_t *
group_member_list(struct wm_db *base, int64_t group_id)
{
    static const char sql[] =
        "SELECT u.id AS user_id, u.username, u.display_name, u.role, u.org_id, "
        "o.name AS org_name, o.path AS org_path, u.disabled FROM eval_group_member m "
        "JOIN user u ON u.id = m.user_id JOIN org o ON o.id = u.org_id "
        "WHERE m.group_id = ?1 ORDER BY u.display_name, u.id";
    return sq_rows(DB, sq_prep(DB, sql, "i", group_id));
}

void sq_fill_rounds_ops(struct wm_db_ops *ops);

void
sq_fill_rounds_ops(struct wm_db_ops *ops)
{
    ops->round_insert = round_insert;
    ops->round_get = round_get;
    ops->round_list = round_list;
    ops->round_update = round_update;
    ops->round_set_state = round_set_state;
    ops->entry_insert = entry_insert;
    ops->entry_get = entry_get;
    ops->entry_find = entry_find;
    ops->entry_list = entry_list;
    ops->entry_set_state = entry_set_state;
    ops->entry_update = entry_update;
    ops->entry_set_group = entry_set_group;
    ops->entry_stats = entry_stats;
    ops->entry_doc_add = entry_doc_add;
    ops->entry_doc_remove = entry_doc_remove;
    ops->entry_doc_list = entry_doc_list;
    ops->entry_self_set = entry_self_set;
    ops->entry_self_list = entry_self_list;
    ops->group_insert = group_insert;
    ops->group_get = group_get;
    ops->group_list = group_list;
    ops->group_member_add = group_member_add;
    ops->group_member_remove = group_member_remove;
    ops->group_member_list = group_member_list;
}

/* end of sq_rounds.c */
