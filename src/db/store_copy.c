/*
** store_copy.c — `wenming store copy`: a SQLite store into an empty PostgreSQL one.
**
** Both stores have the same tables and columns (the migrations of db/sql and db/pg/sql
** have the same numbers and meaning), so the copy is table by table, column by column,
** ids included: every table of the SQLite file is streamed with COPY FROM STDIN into the
** table of the same name, in one transaction of the target.  The target's foreign keys
** are DEFERRABLE and deferred for that transaction, so the order of the tables does not
** matter (an org moved under a newer office refers to a larger id).  Afterwards each
** identity sequence is set past the largest id copied, and the rows of every table are
** counted on both sides.  The SQLite side is read in one read transaction: a consistent
** snapshot even while a server is writing to it.
**
** The function returns with the target's transaction still open, so that the caller can
** verify more (the audit chain, through the store interface on the same connection)
** before it commits or rolls back.
**
** The search index (search_doc and the FTS5 tables behind it) is not copied: each store
** keeps it in its own form (an FTS5 index; a tsvector computed in C), so after a copy
** `wenming search reindex` builds it on the target.  blob_text is copied (extracted text
** is expensive to make again).
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg/pg_helper.h"
#include "sqlite/sq_helper.h"

/* Run SQL text on the target; false with err filled on a failure. */
static bool
cp_exec(PGconn *c, const char *sql, char *err, size_t errlen)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    bool ok = PGRES_COMMAND_OK == st || PGRES_TUPLES_OK == st;
    if (!ok) {
        snprintf(err, errlen, "PostgreSQL: %s", PQresultErrorMessage(r));
        err[strcspn(err, "\n")] = '\0';
    }
    PQclear(r);
    return ok;
}

/* A query on the target; NULL with err filled on a failure. */
static PGresult *
cp_query(PGconn *c, const char *sql, char *err, size_t errlen)
{
    PGresult *r = PQexec(c, sql);
    if (PGRES_TUPLES_OK != PQresultStatus(r)) {
        snprintf(err, errlen, "PostgreSQL: %s", PQresultErrorMessage(r));
        err[strcspn(err, "\n")] = '\0';
        PQclear(r);
        return NULL;
    }
    return r;
}

/* An identifier in double quotes (names come from our own schema, quoted all the same). */
static void
cp_ident(struct wm_buf *b, const char *name)
{
    wm_buf_addc(b, '"');
    for (const char *p = name; *p; p++) {
        if ('"' == *p) {
            wm_buf_addc(b, '"');
        }
        wm_buf_addc(b, *p);
    }
    wm_buf_addc(b, '"');
}

/* The tables of the target's schema (current_schema()), as a JSON array of names. */
static json_t *
pg_tables(PGconn *c, char *err, size_t errlen)
{
    PGresult *r = cp_query(c,
                           "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON "
                           "n.oid = c.relnamespace WHERE n.nspname = current_schema() AND "
                           "c.relkind IN ('r', 'p') ORDER BY c.relname",
                           err, errlen);
    if (NULL == r) {
        return NULL;
    }
    json_t *a = json_array();
    for (int i = 0; i < PQntuples(r); i++) {
        json_array_append_new(a, json_string(PQgetvalue(r, i, 0)));
    }
    PQclear(r);
    return a;
}

static bool
has_name(const json_t *a, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        if (wm_streq(json_string_value(v), name)) {
            return true;
        }
    }
    return false;
}

/* Rows of a target table (-1 with err filled on a failure). */
static int64_t
pg_count(PGconn *c, const char *table, char *err, size_t errlen)
{
    struct wm_buf b = {0};
    wm_buf_adds(&b, "SELECT count(*) FROM ");
    cp_ident(&b, table);
    PGresult *r = cp_query(c, wm_buf_str(&b), err, errlen);
    wm_buf_free(&b);
    if (NULL == r) {
        return -1;
    }
    int64_t n = (int64_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return n;
}

/* Rows of a source table (-1 with err filled on a failure). */
static int64_t
sq_count(sqlite3 *h, const char *table, char *err, size_t errlen)
{
    struct wm_buf b = {0};
    wm_buf_adds(&b, "SELECT count(*) FROM ");
    cp_ident(&b, table);
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (SQLITE_OK == sqlite3_prepare_v2(h, wm_buf_str(&b), -1, &st, NULL) &&
        SQLITE_ROW == sqlite3_step(st)) {
        n = sqlite3_column_int64(st, 0);
    } else {
        snprintf(err, errlen, "SQLite: %s", sqlite3_errmsg(h));
    }
    sqlite3_finalize(st);
    wm_buf_free(&b);
    return n;
}

/*
** Whether the target holds nothing: before the migrations, no table at all or a wenming
** schema; after them, no row in any table (the seed row of audit_head aside).  false with
** err naming what is there.
*/
static bool
target_empty(PGconn *c, bool migrated, char *err, size_t errlen)
{
    json_t *tables = pg_tables(c, err, errlen);
    if (NULL == tables) {
        return false;
    }
    bool ok = true;
    if (!migrated) {
        if (json_array_size(tables) > 0 && !has_name(tables, "schema_version")) {
            snprintf(err, errlen,
                     "the target database is not empty: it holds table \"%s\" and is not a "
                     "wenming store; copy into an empty database",
                     json_string_value(json_array_get(tables, 0)));
            ok = false;
        }
        json_decref(tables);
        return ok;
    }
    size_t i;
    json_t *v;
    json_array_foreach(tables, i, v)
    {
        const char *t = json_string_value(v);
        if (wm_streq(t, "schema_version")) {
            continue;
        }
        int64_t n;
        if (wm_streq(t, "audit_head")) {
            PGresult *r = cp_query(c, "SELECT count(*) FROM audit_head WHERE NOT (id = 1 AND "
                                      "last_id = 0 AND hash = '')",
                                   err, errlen);
            n = r ? (int64_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
            PQclear(r);
        } else {
            n = pg_count(c, t, err, errlen);
        }
        if (n < 0) {
            ok = false;
            break;
        }
        if (n > 0) {
            snprintf(err, errlen,
                     "the target database is not empty: table \"%s\" holds %lld rows; store "
                     "copy only fills an empty database",
                     t, (long long)n);
            ok = false;
            break;
        }
    }
    json_decref(tables);
    return ok;
}

/* One value in COPY's text format. */
static bool
copy_value(struct wm_buf *b, sqlite3_stmt *st, int col)
{
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_NULL:
        wm_buf_adds(b, "\\N");
        return true;
    case SQLITE_INTEGER:
        wm_buf_printf(b, "%lld", (long long)sqlite3_column_int64(st, col));
        return true;
    case SQLITE_FLOAT:
        wm_buf_printf(b, "%.17g", sqlite3_column_double(st, col));
        return true;
    case SQLITE_TEXT: {
        const unsigned char *s = sqlite3_column_text(st, col);
        int n = sqlite3_column_bytes(st, col);
        for (int i = 0; i < n; i++) {
            switch (s[i]) {
            case '\\':
                wm_buf_adds(b, "\\\\");
                break;
            case '\n':
                wm_buf_adds(b, "\\n");
                break;
            case '\r':
                wm_buf_adds(b, "\\r");
                break;
            case '\t':
                wm_buf_adds(b, "\\t");
                break;
            default:
                wm_buf_addc(b, (char)s[i]);
                break;
            }
        }
        return true;
    }
    default:
        return false; /* a BLOB: no column of the schema holds one */
    }
}

/* Stream one table; *rows is how many were sent. */
static bool
copy_table(sqlite3 *h, PGconn *c, const char *table, int64_t *rows, char *err, size_t errlen)
{
    struct wm_buf q = {0}, cp = {0}, data = {0};
    sqlite3_stmt *st = NULL;
    bool ok = false;
    *rows = 0;
    wm_buf_adds(&q, "SELECT * FROM ");
    cp_ident(&q, table);
    if (SQLITE_OK != sqlite3_prepare_v2(h, wm_buf_str(&q), -1, &st, NULL)) {
        snprintf(err, errlen, "SQLite: %s", sqlite3_errmsg(h));
        goto out;
    }
    int ncol = sqlite3_column_count(st);
    wm_buf_adds(&cp, "COPY ");
    cp_ident(&cp, table);
    wm_buf_adds(&cp, " (");
    for (int i = 0; i < ncol; i++) {
        if (i) {
            wm_buf_adds(&cp, ", ");
        }
        cp_ident(&cp, sqlite3_column_name(st, i));
    }
    wm_buf_adds(&cp, ") FROM STDIN");
    PGresult *r = PQexec(c, wm_buf_str(&cp));
    if (PGRES_COPY_IN != PQresultStatus(r)) {
        snprintf(err, errlen, "PostgreSQL: table %s: %s", table, PQresultErrorMessage(r));
        err[strcspn(err, "\n")] = '\0';
        PQclear(r);
        goto out;
    }
    PQclear(r);
    int rc;
    const char *why = NULL;
    while (SQLITE_ROW == (rc = sqlite3_step(st))) {
        for (int i = 0; i < ncol; i++) {
            if (i) {
                wm_buf_addc(&data, '\t');
            }
            if (!copy_value(&data, st, i)) {
                why = "a binary value";
                break;
            }
        }
        if (why) {
            break;
        }
        wm_buf_addc(&data, '\n');
        (*rows)++;
        if (data.len >= 256 * 1024) {
            if (1 != PQputCopyData(c, data.data, (int)data.len)) {
                why = PQerrorMessage(c);
                break;
            }
            wm_buf_reset(&data);
        }
    }
    if (NULL == why && SQLITE_DONE != rc) {
        why = sqlite3_errmsg(h);
    }
    if (NULL == why && data.len > 0 && 1 != PQputCopyData(c, data.data, (int)data.len)) {
        why = PQerrorMessage(c);
    }
    char whybuf[256] = "";
    if (why) {
        snprintf(whybuf, sizeof whybuf, "%s", why);
    }
    (void)PQputCopyEnd(c, why ? "store copy stopped" : NULL);
    while (NULL != (r = PQgetResult(c))) {
        if (PGRES_COMMAND_OK != PQresultStatus(r) && NULL == why) {
            snprintf(whybuf, sizeof whybuf, "%s", PQresultErrorMessage(r));
            why = whybuf;
        }
        PQclear(r);
    }
    if (why) {
        snprintf(err, errlen, "table %s, row %lld: %s", table, (long long)*rows + 1, whybuf);
        err[strcspn(err, "\n")] = '\0';
        goto out;
    }
    ok = true;
out:
    sqlite3_finalize(st);
    wm_buf_free(&q);
    wm_buf_free(&cp);
    wm_buf_free(&data);
    return ok;
}

/* Every identity sequence of the target past the largest id of its table. */
static bool
set_sequences(PGconn *c, char *err, size_t errlen)
{
    PGresult *r = cp_query(c,
                           "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON "
                           "c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = current_schema() AND a.attidentity <> '' AND "
                           "NOT a.attisdropped AND a.attnum > 0",
                           err, errlen);
    if (NULL == r) {
        return false;
    }
    bool ok = true;
    for (int i = 0; ok && i < PQntuples(r); i++) {
        const char *t = PQgetvalue(r, i, 0), *col = PQgetvalue(r, i, 1);
        struct wm_buf b = {0}, qt = {0}, qc = {0};
        cp_ident(&qt, t);
        cp_ident(&qc, col);
        char *lit = PQescapeLiteral(c, wm_buf_str(&qt), qt.len);
        char *litc = PQescapeLiteral(c, col, strlen(col));
        wm_buf_printf(&b,
                      "SELECT setval(pg_get_serial_sequence(%s, %s), "
                      "coalesce((SELECT max(%s) FROM %s), 0) + 1, false)",
                      lit ? lit : "''", litc ? litc : "''", wm_buf_str(&qc), wm_buf_str(&qt));
        PQfreemem(lit);
        PQfreemem(litc);
        ok = cp_exec(c, wm_buf_str(&b), err, errlen);
        wm_buf_free(&b);
        wm_buf_free(&qt);
        wm_buf_free(&qc);
    }
    PQclear(r);
    return ok;
}

int
wm_store_copy(struct wm_db *src, struct wm_db *dst, wm_copy_progress_fn progress, void *cls,
              json_t **counts, char *err, size_t errlen)
{
    *counts = NULL;
    if (!wm_streq(src->ops->name, "sqlite") || !wm_streq(dst->ops->name, "postgresql")) {
        snprintf(err, errlen, "store copy goes from a SQLite store to a PostgreSQL one");
        return -1;
    }
    sqlite3 *h = ((struct sq_db *)src)->h;
    PGconn *c = ((struct pg_db *)dst)->conn;
    int have = src->ops->schema_version(src);
    if (have != WM_DB_SCHEMA_VERSION) {
        snprintf(err, errlen,
                 "the SQLite store has schema version %d, this wenming %d: run 'wenming migrate' "
                 "on it first",
                 have, WM_DB_SCHEMA_VERSION);
        return -1;
    }
    if (!target_empty(c, false, err, errlen)) {
        return -1;
    }
    int from, to;
    if (WM_QS_ONE != dst->ops->migrate(dst, &from, &to) ||
        to != dst->ops->schema_version(dst)) {
        snprintf(err, errlen, "cannot create the schema in the PostgreSQL database");
        return -1;
    }
    if (to != have) {
        snprintf(err, errlen, "the PostgreSQL store has schema version %d, the SQLite one %d", to,
                 have);
        return -1;
    }
    if (WM_QS_ONE != dst->ops->begin(dst, true)) {
        snprintf(err, errlen, "cannot begin a transaction in the PostgreSQL database");
        return -1;
    }
    /* From here on the caller rolls back or commits dst. */
    if (!cp_exec(c, "SET CONSTRAINTS ALL DEFERRED", err, errlen) ||
        !target_empty(c, true, err, errlen)) {
        return -1;
    }
    /* The seed row of the audit head makes way for the copied one. */
    if (!cp_exec(c, "DELETE FROM audit_head", err, errlen)) {
        return -1;
    }
    json_t *target = pg_tables(c, err, errlen);
    if (NULL == target) {
        return -1;
    }
    if (WM_QS_ONE != src->ops->begin(src, false)) {
        snprintf(err, errlen, "cannot read the SQLite store");
        json_decref(target);
        return -1;
    }
    sqlite3_stmt *st = NULL;
    int rc = -1;
    json_t *out = json_array();
    if (SQLITE_OK != sqlite3_prepare_v2(h,
                                        "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                        "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND "
                                        "name <> 'search_doc' AND "
                                        "name NOT LIKE 'search\\_fts%' ESCAPE '\\' ORDER BY rowid",
                                        -1, &st, NULL)) {
        snprintf(err, errlen, "SQLite: %s", sqlite3_errmsg(h));
        goto out;
    }
    while (SQLITE_ROW == sqlite3_step(st)) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (!has_name(target, t)) {
            snprintf(err, errlen, "the PostgreSQL store has no table \"%s\"", t);
            goto out;
        }
        int64_t rows;
        if (!copy_table(h, c, t, &rows, err, errlen)) {
            goto out;
        }
        json_array_append_new(out, json_pack("{s:s, s:I}", "table", t, "rows", (json_int_t)rows));
        if (progress) {
            progress(cls, t, rows);
        }
    }
    ((struct pg_db *)dst)->wrote = true; /* the commit announces the change */
    if (!set_sequences(c, err, errlen) ||
        !cp_exec(c, "SET CONSTRAINTS ALL IMMEDIATE", err, errlen)) {
        goto out;
    }
    /* The check: every table counted on both sides. */
    size_t i;
    json_t *row;
    json_array_foreach(out, i, row)
    {
        const char *t = json_string_value(json_object_get(row, "table"));
        int64_t ns = sq_count(h, t, err, errlen), nt = pg_count(c, t, err, errlen);
        if (ns < 0 || nt < 0) {
            goto out;
        }
        json_object_set_new(row, "source", json_integer(ns));
        json_object_set_new(row, "target", json_integer(nt));
        if (ns != nt) {
            snprintf(err, errlen, "table %s: %lld rows in the SQLite store but %lld copied", t,
                     (long long)ns, (long long)nt);
            goto out;
        }
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    src->ops->rollback(src); /* the read snapshot */
    json_decref(target);
    if (0 == rc) {
        *counts = out;
    } else {
        json_decref(out);
    }
    return rc;
}

/* end of store_copy.c */
