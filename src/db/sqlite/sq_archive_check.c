/*
** sq_archive_check.c — the SQLite backend's DA/T 70 四性检测 runs (issue 13, dat70, migration
** 0022, table archive_check).
*/
#include "config.h"

#include "sq_helper.h"

#define DB ((struct sq_db *)base)

void sq_fill_archive_check_ops(struct wm_db_ops *ops);

#define CHECK_COLS                                                                          \
    "c.id, c.archive_id, c.job_id, c.started_by, u.display_name AS started_by_name, c.started_at, " \
    "c.finished_at, c.state, c.authenticity, c.integrity, c.usability, c.security, "       \
    "c.json_sha, c.pdf_sha, c.error, bj.size AS json_size, bp.size AS pdf_size "            \
    "FROM archive_check c LEFT JOIN user u ON u.id = c.started_by "                               \
    "LEFT JOIN blob bj ON bj.sha = c.json_sha LEFT JOIN blob bp ON bp.sha = c.pdf_sha "

static enum wm_qs
archive_check_insert(struct wm_db *base, int64_t archive_id, int64_t job_id, int64_t user_id,
                     int64_t now, int64_t *id)
{
    static const char sql[] = "INSERT INTO archive_check(archive_id, job_id, started_by, "
                              "started_at, state) VALUES (?1, nullif(?2, 0), nullif(?3, 0), ?4, "
                              "'running')";
    enum wm_qs qs = sq_exec(DB, sq_prep(DB, sql, "iiii", archive_id, job_id, user_id, now));
    if (WM_QS_ONE == qs) {
        *id = sqlite3_last_insert_rowid(DB->h);
    }
    return qs;
}

static enum wm_qs
archive_check_finish(struct wm_db *base, int64_t id, const char *state, const int results[4],
                     const char *json_sha, const char *pdf_sha, const char *error, int64_t now)
{
    static const char sql[] = "UPDATE archive_check SET state = ?2, authenticity = nullif(?3, -1), "
                              "integrity = nullif(?4, -1), usability = nullif(?5, -1), "
                              "security = nullif(?6, -1), json_sha = ?7, pdf_sha = ?8, error = ?9, "
                              "finished_at = ?10 WHERE id = ?1";
    return sq_exec(DB, sq_prep(DB, sql, "itiiiittti", id, state,
                               (int64_t)results[0], (int64_t)results[1], (int64_t)results[2],
                               (int64_t)results[3], json_sha, pdf_sha, error, now));
}

static json_t *
archive_check_last(struct wm_db *base, int64_t archive_id, bool done_only)
{
    static const char sql[] = "SELECT " CHECK_COLS "WHERE c.archive_id = ?1 AND (?2 = 0 OR "
                              "c.state = 'done') ORDER BY c.id DESC LIMIT 1";
    return sq_row(DB, sq_prep(DB, sql, "ii", archive_id, (int64_t)done_only));
}

static json_t *
archive_check_get(struct wm_db *base, int64_t id)
{
    static const char sql[] = "SELECT " CHECK_COLS "WHERE c.id = ?1";
    return sq_row(DB, sq_prep(DB, sql, "i", id));
}

void
sq_fill_archive_check_ops(struct wm_db_ops *ops)
{
    ops->archive_check_insert = archive_check_insert;
    ops->archive_check_finish = archive_check_finish;
    ops->archive_check_last = archive_check_last;
    ops->archive_check_get = archive_check_get;
}

/* end of sq_archive_check.c */
