/*
** pg_results.c — the PostgreSQL backend's operations on a round's results (issue 10, migration
** 0016): the entries and reconciled values results are computed from, the evaluators'
** deductions, objections (异议) and rectification items (整改).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pg_helper.h"

#define DB ((struct pg_db *)base)

static json_t *
result_entries(struct wm_db *base, int64_t round_id)
{
    static const char sql[] =
        "SELECT n.id, n.unit_id, u.name AS unit_name, u.code AS unit_code, u.type AS unit_type, "
        "u.path AS unit_path, u.parent_id AS district_id, d.name AS district_name, n.kind, "
        "n.state, n.locked_at, n.total, n.vetoed, n.veto_reason "
        "FROM round_entry n JOIN org u ON u.id = n.unit_id LEFT JOIN org d ON d.id = u.parent_id "
        "WHERE n.round_id = $1 AND n.state = 'accepted' ORDER BY u.code, n.id";
    return pg_rows(DB, pg_q(DB, sql, "i", round_id));
}

static json_t *
round_finals(struct wm_db *base, int64_t round_id, int64_t entry_id)
{
    /* Two statements: with one entry, its rows by the primary key. */
    static const char all[] =
        "SELECT f.entry_id, string_agg(f.indicator_code || '=' || f.value::text, ',') AS finals FROM entry_final f "
        "JOIN round_entry n ON n.id = f.entry_id "
        "WHERE n.round_id = $1 AND n.locked_at IS NOT NULL "
        "GROUP BY f.entry_id ORDER BY f.entry_id";
    static const char one[] =
        "SELECT f.entry_id, string_agg(f.indicator_code || '=' || f.value::text, ',') AS finals FROM entry_final f "
        "JOIN round_entry n ON n.id = f.entry_id "
        "WHERE f.entry_id = $2 AND n.round_id = $1 AND n.locked_at IS NOT NULL "
        "GROUP BY f.entry_id ORDER BY f.entry_id";
    if (0 == entry_id) {
        return pg_rows(DB, pg_q(DB, all, "i", round_id));
    }
    return pg_rows(DB, pg_q(DB, one, "ii", round_id, entry_id));
}

static json_t *
entry_deductions(struct wm_db *base, int64_t entry_id)
{
    static const char sql[] =
        "SELECT s.indicator_code, s.deductions FROM score s "
        "JOIN score_sheet h ON h.id = s.sheet_id "
        "WHERE h.entry_id = $1 AND h.state = 'submitted' AND s.deductions IS NOT NULL "
        "AND s.deductions <> '[]' ORDER BY s.indicator_code, h.id";
    return pg_rows(DB, pg_q(DB, sql, "i", entry_id));
}

#define OBJ_COLS                                                                             \
    "j.id, j.round_id, j.entry_id, n.unit_id AS entry_unit_id, eu.name AS entry_unit_name, " \
    "j.unit_id, u.name AS unit_name, u.code AS unit_code, u.path AS unit_path, j.text, "     \
    "j.state, j.answer, j.answered_by, a.display_name AS answered_by_name, j.answered_at, "  \
    "j.created_by, j.created_at "                                                            \
    "FROM objection j JOIN org u ON u.id = j.unit_id "                                       \
    "LEFT JOIN round_entry n ON n.id = j.entry_id LEFT JOIN org eu ON eu.id = n.unit_id "    \
    "LEFT JOIN \"user\" a ON a.id = j.answered_by "

static enum wm_qs
objection_insert(struct wm_db *base,
                 int64_t round_id,
                 int64_t entry_id,
                 int64_t unit_id,
                 const char *text,
                 int64_t user_id,
                 int64_t now,
                 int64_t *id)
{
    static const char sql[] =
        "INSERT INTO objection(round_id, entry_id, unit_id, text, created_by, created_at) "
        "VALUES ($1, nullif($2::bigint, 0), $3, $4, nullif($5::bigint, 0), $6) RETURNING id";
    return pg_id(DB, pg_q(DB, sql, "iiitii", round_id, entry_id, unit_id, text, user_id, now), id);
}

static json_t *
objection_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " OBJ_COLS "WHERE j.id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", id));
}

static json_t *
objection_list(struct wm_db *base, const struct wm_objection_filter *f)
{
    static const char sql[] =
        "SELECT " OBJ_COLS "WHERE ($1 = 0 OR j.round_id = $1) AND ($2 = 0 OR j.unit_id = $2) "
        "AND ($3::text IS NULL OR j.state = $3) ORDER BY j.id DESC LIMIT $4 OFFSET $5";
    return pg_rows(DB, pg_q(DB, sql, "iitii", f->round_id, f->unit_id, f->state,
                            (int64_t)(f->limit ? f->limit : 100), (int64_t)f->offset));
}

static enum wm_qs
objection_answer(struct wm_db *base, int64_t id, const char *answer, int64_t user_id, int64_t now)
{
    static const char sql[] =
        "UPDATE objection SET state = 'answered', answer = $2, answered_by = nullif($3::bigint, 0), "
        "answered_at = $4 WHERE id = $1 AND state = 'open'";
    return pg_exec(DB, pg_q(DB, sql, "itii", id, answer, user_id, now));
}

#define RECT_COLS                                                                              \
    "r.id, r.unit_id, u.name AS unit_name, u.code AS unit_code, u.path AS unit_path, r.year, " \
    "r.indicator_code, r.problem, r.source, r.source_id, r.due_on, r.state, r.created_by, "    \
    "r.created_at, r.updated_at, r.dept_id, d.name AS dept_name, r.corrective, r.preventive, " \
    "r.done_note, r.done_by, db.display_name AS done_by_name, r.done_at, r.verify_note, "      \
    "r.verified_by, vb.display_name AS verified_by_name, r.verified_at, r.close_note, "        \
    "CASE r.source WHEN 'review' THEN (SELECT document_id FROM review WHERE id = r.source_id) " \
    "WHEN 'inspection' THEN (SELECT inspection_id FROM work_check WHERE id = r.source_id) "    \
    "WHEN 'evaluation' THEN (SELECT round_id FROM round_entry WHERE id = r.source_id) "        \
    "END AS source_ref "                                                                       \
    "FROM rectification r JOIN org u ON u.id = r.unit_id LEFT JOIN dept d ON d.id = r.dept_id " \
    "LEFT JOIN \"user\" db ON db.id = r.done_by LEFT JOIN \"user\" vb ON vb.id = r.verified_by "

static enum wm_qs
rect_insert(struct wm_db *base,
            const struct wm_rect_in *in,
            int64_t user_id,
            int64_t now,
            int64_t *id)
{
    static const char sql[] =
        "INSERT INTO rectification(unit_id, year, indicator_code, problem, source, source_id, "
        "due_on, created_by, created_at, updated_at, dept_id, corrective, preventive) "
        "VALUES ($1, $2, $3, $4, $5, nullif($6::bigint, 0), $7, nullif($8::bigint, 0), $9, $9, "
        "nullif($10::bigint, 0), $11, $12) RETURNING id";
    return pg_id(DB,
                 pg_q(DB, sql, "!iitttitiiitt", in->unit_id, in->year, in->indicator_code,
                      in->problem, in->source, in->source_id, in->due_on, user_id, now,
                      in->dept_id, in->corrective, in->preventive),
                 id);
}

static json_t *
rect_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " RECT_COLS "WHERE r.id = $1";
    return pg_row(DB, pg_q(DB, sql, "i", id));
}

static json_t *
rect_list(struct wm_db *base, const struct wm_rect_filter *f)
{
    static const char sql[] =
        "SELECT " RECT_COLS
        "WHERE ($1::text IS NULL OR (u.path >= $1 AND u.path < $2)) AND ($3 = 0 OR r.unit_id = $3) "
        "AND ($4::text IS NULL OR r.state = $4) AND ($5::text IS NULL OR r.source = $5) "
        "AND ($6 = 0 OR r.source_id = $6) AND ($9 = 0 OR r.dept_id = $9) "
        "AND ($10 = 0 OR r.year = $10) "
        "AND ($11::text IS NULL OR (r.state = 'open' AND r.due_on < $11)) "
        "ORDER BY r.state <> 'open', r.due_on IS NULL, r.due_on, r.id DESC LIMIT $7 OFFSET $8";
    struct wm_db_range r = wm_db_range_of(f->scope);
    json_t *a = pg_rows(DB, pg_q(DB, sql, "ttittiiiiit", r.lo, r.hi, f->unit_id, f->state,
                                 f->source, f->source_id, (int64_t)(f->limit ? f->limit : 100),
                                 (int64_t)f->offset, f->dept_id, f->year, f->late_before));
    wm_db_range_free(&r);
    return a;
}

void
pg_fill_results_ops(struct wm_db_ops *ops)
{
    ops->result_entries = result_entries;
    ops->round_finals = round_finals;
    ops->entry_deductions = entry_deductions;
    ops->objection_insert = objection_insert;
    ops->objection_get = objection_get;
    ops->objection_list = objection_list;
    ops->objection_answer = objection_answer;
    ops->rect_insert = rect_insert;
    ops->rect_get = rect_get;
    ops->rect_list = rect_list;
}

/* end of pg_results.c */
