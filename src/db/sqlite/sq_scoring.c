/*
** sq_scoring.c — the SQLite backend's operations on scoring (测评评分, issue 10): score
** sheets per entry and evaluator, their scores per leaf, the entry's final values per leaf,
** the entry's lock, and a round's progress.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sq_helper.h"

#define DB ((struct sq_db *)base)

#define SCORED_SQL(sheet)                                     \
    "(SELECT count(*) FROM score c WHERE c.sheet_id = " sheet \
    " AND (c.value IS NOT NULL OR c.veto = 1))"

#define SHEET_COLS                                                                                           \
    "s.id, s.entry_id, n.round_id, n.unit_id, u.name AS unit_name, s.evaluator_id, "                         \
    "v.display_name AS evaluator_name, s.state, s.submitted_at, s.updated_at, " SCORED_SQL(                  \
        "s.id") " AS scored, n.locked_at "                                                                   \
                "FROM score_sheet s JOIN round_entry n ON n.id = s.entry_id JOIN org u ON u.id = n.unit_id " \
                "JOIN user v ON v.id = s.evaluator_id "

#define SCORE_COLS                                                                        \
    "c.sheet_id, c.indicator_code, c.value, c.grade, c.deductions, c.method, c.comment, " \
    "c.evidence, c.veto, c.veto_reason, c.updated_at "

static enum wm_qs
sheet_ensure(struct wm_db *base, int64_t entry_id, int64_t evaluator_id, int64_t now, int64_t *id)
{
    static const char ins[] =
        "INSERT INTO score_sheet(entry_id, evaluator_id, state, updated_at) "
        "VALUES (?1, ?2, 'draft', ?3) ON CONFLICT (entry_id, evaluator_id) DO NOTHING";
    static const char sel[] =
        "SELECT id FROM score_sheet WHERE entry_id = ?1 AND evaluator_id = ?2";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, ins, "iii", entry_id, evaluator_id, now));
    if (WM_QS_ONE != qs && WM_QS_NONE != qs) {
        return qs;
    }
    *id = sq_int(DB, sq_prep(DB, sel, "ii", entry_id, evaluator_id), 0);
    return *id > 0 ? WM_QS_ONE : (wm_db_failed(base) ? base->status : WM_QS_NONE);
}

static json_t *
sheet_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " SHEET_COLS "WHERE s.id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", id));
}

static json_t *
sheet_find(struct wm_db *base, int64_t entry_id, int64_t evaluator_id)
{
    static const char sql[] = "SELECT " SHEET_COLS "WHERE s.entry_id = ?1 AND s.evaluator_id = ?2";
    return sq_row(DB, sq_prep(DB, sql, "ii", entry_id, evaluator_id));
}

static json_t *
sheet_list(struct wm_db *base, int64_t entry_id)
{
    static const char sql[] =
        "SELECT " SHEET_COLS "WHERE s.entry_id = ?1 ORDER BY v.display_name, s.id";
    return sq_rows(DB, sq_prep(DB, sql, "i", entry_id));
}

static json_t *
sheet_list_evaluator(struct wm_db *base, int64_t round_id, int64_t evaluator_id)
{
    static const char sql[] =
        "SELECT " SHEET_COLS "WHERE n.round_id = ?1 AND s.evaluator_id = ?2 ORDER BY u.name, s.id";
    return sq_rows(DB, sq_prep(DB, sql, "ii", round_id, evaluator_id));
}

static enum wm_qs
sheet_set_state(struct wm_db *base, int64_t id, const char *from, const char *to, int64_t now)
{
    static const char sql[] =
        "UPDATE score_sheet SET state = ?3, submitted_at = CASE WHEN ?3 = 'submitted' THEN ?4 "
        "END, updated_at = ?4 WHERE id = ?1 AND state = ?2";
    return sq_exec(DB, sq_prep(DB, sql, "itti", id, from, to, now));
}

static enum wm_qs
score_set(struct wm_db *base, int64_t sheet_id, const struct wm_score_in *in, int64_t now)
{
    static const char sql[] =
        "INSERT INTO score(sheet_id, indicator_code, value, grade, deductions, method, comment, "
        "evidence, veto, veto_reason, updated_at) VALUES (?1, ?2, CASE WHEN ?3 = 1 THEN ?4 END, "
        "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT (sheet_id, indicator_code) DO UPDATE "
        "SET value = excluded.value, grade = excluded.grade, deductions = excluded.deductions, "
        "method = excluded.method, comment = excluded.comment, evidence = excluded.evidence, "
        "veto = excluded.veto, veto_reason = excluded.veto_reason, "
        "updated_at = excluded.updated_at";
    static const char touch[] = "UPDATE score_sheet SET updated_at = ?2 WHERE id = ?1";
    enum wm_qs qs =
        sq_exec(DB, sq_prep(DB, sql, "itiitttttiti", sheet_id, in->code, (int64_t)in->has_value,
                            in->value, in->grade, in->deductions, in->method, in->comment,
                            in->evidence, (int64_t)in->veto, in->veto_reason, now));
    if (WM_QS_ONE != qs) {
        return qs;
    }
    return sq_exec(DB, sq_prep(DB, touch, "ii", sheet_id, now));
}

static json_t *
score_list(struct wm_db *base, int64_t sheet_id)
{
    static const char sql[] =
        "SELECT " SCORE_COLS "FROM score c WHERE c.sheet_id = ?1 ORDER BY c.indicator_code";
    return sq_rows(DB, sq_prep(DB, sql, "i", sheet_id));
}

static json_t *
score_list_entry(struct wm_db *base, int64_t entry_id)
{
    static const char sql[] =
        "SELECT " SCORE_COLS ", s.evaluator_id FROM score c JOIN score_sheet s ON s.id = "
        "c.sheet_id WHERE s.entry_id = ?1 ORDER BY c.indicator_code, s.evaluator_id";
    return sq_rows(DB, sq_prep(DB, sql, "i", entry_id));
}

static enum wm_qs
final_set(struct wm_db *base,
          int64_t entry_id,
          const char *code,
          int64_t value,
          const char *how,
          int64_t decided_by,
          int64_t now)
{
    static const char sql[] =
        "INSERT INTO entry_final(entry_id, indicator_code, value, how, decided_by, decided_at) "
        "VALUES (?1, ?2, ?3, ?4, nullif(?5, 0), ?6) ON CONFLICT (entry_id, indicator_code) DO "
        "UPDATE SET value = excluded.value, how = excluded.how, decided_by = "
        "excluded.decided_by, decided_at = excluded.decided_at";
    return sq_exec(DB, sq_prep(DB, sql, "ititii", entry_id, code, value, how, decided_by, now));
}

static enum wm_qs
final_delete(struct wm_db *base, int64_t entry_id, const char *code)
{
    static const char sql[] =
        "DELETE FROM entry_final WHERE entry_id = ?1 AND (?2 IS NULL OR indicator_code = ?2)";
    return sq_exec(DB, sq_prep(DB, sql, "it", entry_id, code));
}

static json_t *
final_list(struct wm_db *base, int64_t entry_id)
{
    static const char sql[] =
        "SELECT indicator_code, value, how, decided_by, decided_at FROM entry_final "
        "WHERE entry_id = ?1 ORDER BY indicator_code";
    return sq_rows(DB, sq_prep(DB, sql, "i", entry_id));
}

static enum wm_qs
entry_lock(struct wm_db *base, int64_t entry_id, const struct wm_entry_lock_in *in, int64_t now)
{
    static const char sql[] =
        "UPDATE round_entry SET locked_at = ?2, locked_by = nullif(?3, 0), total = ?4, "
        "vetoed = ?5, veto_reason = ?6, updated_at = ?2 WHERE id = ?1 AND locked_at IS NULL";
    return sq_exec(DB, sq_prep(DB, sql, "iiiiit", entry_id, now, in->locked_by, in->total,
                               (int64_t)in->vetoed, in->veto_reason));
}

static enum wm_qs
entry_unlock(struct wm_db *base, int64_t entry_id, int64_t now)
{
    static const char sql[] =
        "UPDATE round_entry SET locked_at = NULL, locked_by = NULL, total = NULL, vetoed = 0, "
        "veto_reason = NULL, updated_at = ?2 WHERE id = ?1 AND locked_at IS NOT NULL";
    return sq_exec(DB, sq_prep(DB, sql, "ii", entry_id, now));
}

static json_t *
round_progress(struct wm_db *base, int64_t round_id)
{
    static const char sql[] =
        "SELECT n.id AS entry_id, n.unit_id, u.name AS unit_name, u.code AS unit_code, "
        "n.group_id, n.locked_at, n.total, s.id AS sheet_id, s.evaluator_id, "
        "v.display_name AS evaluator_name, s.state, " SCORED_SQL(
            "s.id") " AS scored, "
                    "s.submitted_at FROM round_entry n JOIN org u ON u.id = n.unit_id "
                    "LEFT JOIN score_sheet s ON s.entry_id = n.id LEFT JOIN user v ON v.id = s.evaluator_id "
                    "WHERE n.round_id = ?1 AND n.group_id IS NOT NULL "
                    "ORDER BY u.code, n.id, v.display_name, s.id";
    return sq_rows(DB, sq_prep(DB, sql, "i", round_id));
}

void sq_fill_scoring_ops(struct wm_db_ops *ops);

void
sq_fill_scoring_ops(struct wm_db_ops *ops)
{
    ops->sheet_ensure = sheet_ensure;
    ops->sheet_get = sheet_get;
    ops->sheet_find = sheet_find;
    ops->sheet_list = sheet_list;
    ops->sheet_list_evaluator = sheet_list_evaluator;
    ops->sheet_set_state = sheet_set_state;
    ops->score_set = score_set;
    ops->score_list = score_list;
    ops->score_list_entry = score_list_entry;
    ops->final_set = final_set;
    ops->final_delete = final_delete;
    ops->final_list = final_list;
    ops->entry_lock = entry_lock;
    ops->entry_unlock = entry_unlock;
    ops->round_progress = round_progress;
}

/* end of sq_scoring.c */
