/*
** backup.c — `wenming backup`: a consistent copy of a data directory while a server runs.
**
** Order matters.  The audit head anchored in the data directory is read first; then the
** store's snapshot is taken (store_snapshot.c); the snapshot must still hold the anchored
** entry, and its own newest entry becomes the backup's audit-head.  The blobs copied are
** exactly those the SNAPSHOT refers to (its blob table and every reference beyond it), so a
** blob uploaded after the snapshot is not needed and one the snapshot refers to was
** committed before it (an upload commits its blob before its row).  Blobs are
** content-addressed: one already in DIR is not copied again.  manifest.json is written
** last, by rename: until then DIR holds the previous backup, whole.
*/
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backup_int.h"
#include "wm_blob.h"
#include "wm_core.h"

/* ---------------------------------------------------------------- files */

int
wm_bk_file_hash(const char *path, char out[65], uint64_t *size, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct wm_sha256 *h = wm_sha256_new();
    char *buf = wm_malloc(BK_CHUNK);
    ssize_t n;
    *size = 0;
    while ((n = read(fd, buf, BK_CHUNK)) > 0 || (n < 0 && EINTR == errno)) {
        if (n > 0) {
            wm_sha256_update(h, buf, (size_t)n);
            *size += (uint64_t)n;
        }
    }
    int saved = errno;
    free(buf);
    close(fd);
    wm_sha256_final_hex(h, out);
    if (n < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(saved));
        return -1;
    }
    return 0;
}

int
wm_bk_file_copy(const char *from, const char *to, unsigned mode, char *err, size_t errlen)
{
    size_t len;
    char *p = wm_read_file(from, &len);
    if (NULL == p) {
        if (ENOENT == errno) {
            return 1;
        }
        snprintf(err, errlen, "%s: %s", from, strerror(errno));
        return -1;
    }
    int w = wm_write_atomic(to, p, len, mode);
    free(p);
    if (w) {
        snprintf(err, errlen, "%s: %s", to, strerror(-w));
        return -1;
    }
    return 0;
}

/* A file of DIR as a manifest entry {path, sha256, size}; NULL with err filled. */
static json_t *
file_entry(const char *out, const char *rel, char *err, size_t errlen)
{
    char *path = wm_asprintf("%s/%s", out, rel);
    char sha[65];
    uint64_t size;
    int rc = wm_bk_file_hash(path, sha, &size, err, errlen);
    free(path);
    return rc ? NULL
              : json_pack("{s:s, s:s, s:I}", "path", rel, "sha256", sha, "size", (json_int_t)size);
}

/* Remove a snapshot directory and what a backup puts in it. */
void
wm_bk_snapshot_remove(const char *dir)
{
    static const char *const names[] = { BK_SQLITE_FILE,        BK_SQLITE_FILE "-wal",
                                         BK_SQLITE_FILE "-shm", BK_PG_FILE,
                                         "wenming.conf",        "audit-head",
                                         "audit-head.lock" };
    for (size_t i = 0; i < WM_ARRAY_LEN(names); i++) {
        char *p = wm_asprintf("%s/%s", dir, names[i]);
        (void)unlink(p);
        free(p);
    }
    if (rmdir(dir) && ENOENT != errno) {
        wm_log(WM_LOG_WARN, "backup: cannot remove %s: %s", dir, strerror(errno));
    }
}

/* Make DIR/snap-<UTC time>[-N] and its name into st->snapshot. */
static int
snapshot_dir(const char *out, struct wm_backup_stats *st, char *err, size_t errlen)
{
    time_t now = (time_t)wm_now();
    struct tm tm;
    char stamp[32];
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    for (int i = 1; i < 100; i++) {
        if (1 == i) {
            snprintf(st->snapshot, sizeof st->snapshot, "snap-%s", stamp);
        } else {
            snprintf(st->snapshot, sizeof st->snapshot, "snap-%s-%d", stamp, i);
        }
        char *p = wm_asprintf("%s/%s", out, st->snapshot);
        int rc = mkdir(p, 0700);
        int saved = errno;
        free(p);
        if (0 == rc) {
            return 0;
        }
        if (EEXIST != saved) {
            snprintf(err, errlen, "%s/%s: %s", out, st->snapshot, strerror(saved));
            return -1;
        }
    }
    snprintf(err, errlen, "%s: too many snapshots made this second", out);
    return -1;
}

/* ---------------------------------------------------------------- the store */

/* pg_dump of the exported snapshot id into path. */
static int
pg_dump_to(const char *store, const char *id, const char *path, char *err, size_t errlen)
{
    char *dbname = NULL;
    char **env = wm_store_pg_env(store, &dbname, err, errlen);
    if (NULL == env) {
        return -1;
    }
    free(dbname); /* PGDATABASE is in env */
    char *snap = wm_asprintf("--snapshot=%s", id);
    char *file = wm_asprintf("--file=%s", path);
    static char prog[] = "pg_dump", fmt[] = "--format=custom", nopw[] = "--no-password";
    char *argv[] = { prog, fmt, nopw, snap, file, NULL };
    int code;
    enum wm_err e = wm_spawn_wait_env(argv, env, "pg_dump", &code, err, errlen);
    wm_store_pg_env_free(env);
    free(snap);
    free(file);
    return WM_OK == e && 0 == code ? 0 : -1;
}

/*
** The snapshot of the store: *snapdb is the store as of that moment (the SQLite copy opened,
** or db itself inside the snapshot's transaction).
*/
static int
take_snapshot(struct wm_db *db,
              const char *data,
              const char *sdir,
              struct wm_db **snapdb,
              char *err,
              size_t errlen)
{
    *snapdb = NULL;
    if (wm_streq(db->ops->name, "sqlite")) {
        char *path = wm_asprintf("%s/%s", sdir, BK_SQLITE_FILE);
        int rc = wm_store_snapshot_sqlite(db, path, err, errlen);
        free(path);
        if (0 == rc) {
            *snapdb = wm_db_open("sqlite", sdir, false, err, errlen);
        }
        return *snapdb ? 0 : -1;
    }
    char id[128];
    if (wm_store_snapshot_pg(db, id, err, errlen)) {
        return -1;
    }
    char *conf = wm_asprintf("%s/wenming.conf", data);
    struct wm_conf c;
    wm_conf_defaults(&c);
    char cerr[512];
    int rc = wm_conf_load(&c, conf, cerr, sizeof cerr);
    free(conf);
    char *path = wm_asprintf("%s/%s", sdir, BK_PG_FILE);
    if (0 == rc) {
        rc = pg_dump_to(c.store, id, path, err, errlen);
    } else {
        snprintf(err, errlen, "%s", cerr);
    }
    free(path);
    wm_conf_free(&c);
    if (rc) {
        db->ops->rollback(db);
        return -1;
    }
    *snapdb = db;
    return 0;
}

/*
** The snapshot's audit head into sdir/audit-head: from the head anchored in the data
** directory (copied there before the snapshot), which the snapshot must still hold.
*/
static int
snapshot_audit(struct wm_db *snapdb,
               const char *sdir,
               struct wm_backup_stats *st,
               char *err,
               size_t errlen)
{
    char why[512];
    int rc = wm_audit_anchor_check(snapdb, sdir, why, sizeof why);
    if (rc) {
        snprintf(err, errlen,
                 "the store does not hold the audit head anchored in the data "
                 "directory (%s); run 'wenming verify audit'",
                 why);
        return -1;
    }
    if (wm_audit_anchor(snapdb, sdir)) {
        snprintf(err, errlen, "cannot write the snapshot's audit head");
        return -1;
    }
    char *lock = wm_asprintf("%s/audit-head.lock", sdir);
    (void)unlink(lock);
    free(lock);
    char *head = wm_asprintf("%s/audit-head", sdir);
    char *s = wm_read_file(head, NULL);
    free(head);
    long long seq = 0;
    if (s && 1 != sscanf(s, "%lld", &seq)) {
        seq = 0;
    }
    free(s);
    st->audit_seq = seq;
    return 0;
}

/* Every blob the snapshot refers to: {sha: size, or -1 when the blob table lacks it}. */
static json_t *
snapshot_blobs(struct wm_db *snapdb, char *err, size_t errlen)
{
    json_t *rows = snapdb->ops->blob_list(snapdb);
    json_t *refs = rows ? wm_blob_refs(snapdb) : NULL;
    if (NULL == refs) {
        json_decref(rows);
        snprintf(err, errlen, "cannot read the list of blobs from the snapshot");
        return NULL;
    }
    json_t *all = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x)
    {
        json_object_set_new(all, json_string_value(json_object_get(x, "sha")),
                            json_integer(json_integer_value(json_object_get(x, "size"))));
    }
    const char *sha;
    json_object_foreach(refs, sha, x)
    {
        if (NULL == json_object_get(all, sha)) {
            json_object_set_new(all, sha, json_integer(-1));
        }
    }
    json_decref(rows);
    json_decref(refs);
    return all;
}

/* The store part: snapshot, audit head, schema, blob list; the snapshot closed after. */
static json_t *
store_part(struct wm_db *db,
           const char *data,
           const char *sdir,
           struct wm_backup_stats *st,
           char *err,
           size_t errlen)
{
    char *from = wm_asprintf("%s/audit-head", data), *to = wm_asprintf("%s/audit-head", sdir);
    int c = wm_bk_file_copy(from, to, 0600, err, errlen);
    free(from);
    free(to);
    if (c < 0) {
        return NULL;
    }
    struct wm_db *snapdb;
    if (take_snapshot(db, data, sdir, &snapdb, err, errlen)) {
        return NULL;
    }
    snprintf(st->store, sizeof st->store, "%s", db->ops->name);
    st->schema = snapdb->ops->schema_version(snapdb);
    json_t *blobs = NULL;
    if (0 == snapshot_audit(snapdb, sdir, st, err, errlen)) {
        blobs = snapshot_blobs(snapdb, err, errlen);
    }
    if (snapdb == db) {
        db->ops->rollback(db); /* ends the PostgreSQL snapshot's transaction */
    } else {
        snapdb->ops->close(snapdb);
        char *wal = wm_asprintf("%s/%s-wal", sdir, BK_SQLITE_FILE);
        bool left = 0 == access(wal, F_OK);
        free(wal);
        if (left && blobs) {
            json_decref(blobs);
            snprintf(err, errlen, "the SQLite snapshot kept a write-ahead log; try again");
            return NULL;
        }
    }
    return blobs;
}

/* ---------------------------------------------------------------- the blobs */

struct blob_run {
    struct wm_blobstore *src, *dst;
    json_t *files;   /* manifest entries */
    json_t *missing; /* [{sha, detail}] */
    struct wm_backup_stats *st;
    wm_backup_progress_fn progress;
    void *cls;
};

/* One blob into DIR unless there (with the right size); its manifest entry. */
static int
blob_one(struct blob_run *r, const char *sha, json_int_t want, char *err, size_t errlen)
{
    uint64_t size = 0;
    bool copied = false;
    enum wm_err e = WM_OK;
    if (WM_OK == wm_blob_size(r->dst, sha, &size) && (want < 0 || (uint64_t)want == size)) {
        copied = false;
    } else {
        if (WM_OK != wm_blob_remove(r->dst, sha)) { /* a wrong size: copy it again */
            wm_log(WM_LOG_WARN, "backup: cannot remove %s of the wrong size", sha);
        }
        int fd = wm_blob_open_fd(r->src, sha);
        if (fd < 0) {
            e = ENOENT == errno ? WM_E_NOT_FOUND : WM_E_INTERNAL;
            snprintf(err, errlen, "%s", ENOENT == errno ? "missing" : strerror(errno));
        } else {
            e = wm_blob_copy_fd(r->dst, fd, sha, &size, &copied, err, errlen);
            close(fd);
        }
    }
    if (WM_E_NOT_FOUND == e || WM_E_CONFLICT == e) {
        json_array_append_new(r->missing, json_pack("{s:s, s:s}", "sha", sha, "detail", err));
        r->st->missing++;
        return 0;
    }
    if (WM_OK != e) {
        return -1;
    }
    r->st->copied += copied;
    r->st->bytes += copied ? size : 0;
    char *rel = wm_asprintf("blobs/objects/%.2s/%.2s/%s", sha, sha + 2, sha);
    json_array_append_new(r->files, json_pack("{s:s, s:s, s:I}", "path", rel, "sha256", sha, "size",
                                              (json_int_t)size));
    free(rel);
    return 0;
}

static int
blobs_part(struct blob_run *r, json_t *blobs, char *err, size_t errlen)
{
    const char *sha;
    json_t *v;
    int64_t done = 0, total = (int64_t)json_object_size(blobs);
    r->st->blobs = total;
    json_object_foreach(blobs, sha, v)
    {
        if (blob_one(r, sha, json_integer_value(v), err, errlen)) {
            return -1;
        }
        if (r->progress) {
            r->progress(r->cls, ++done, total, r->st->bytes);
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- the manifest */

static json_t *
manifest_new(const struct wm_backup_stats *st, json_t *files, json_t *missing)
{
    char at[32];
    wm_time_rfc3339(wm_now(), at);
    return json_pack("{s:s, s:i, s:s, s:s, s:i, s:s, s:s, s:I, s:o, s:o}", "format",
                     WM_BACKUP_FORMAT, "version", 1, "wenming", WM_VERSION, "store", st->store,
                     "schema_version", st->schema, "created_at", at, "snapshot", st->snapshot,
                     "audit_seq", (json_int_t)st->audit_seq, "files", files, "missing", missing);
}

/* The snapshot's own files (they exist) as manifest entries in front of the blobs. */
static int
snapshot_entries(const char *out,
                 const struct wm_backup_stats *st,
                 json_t *files,
                 char *err,
                 size_t errlen)
{
    static const char *const names[] = { BK_SQLITE_FILE, BK_PG_FILE, "wenming.conf", "audit-head" };
    size_t at = 0;
    for (size_t i = 0; i < WM_ARRAY_LEN(names); i++) {
        char *rel = wm_asprintf("%s/%s", st->snapshot, names[i]);
        char *path = wm_asprintf("%s/%s", out, rel);
        bool there = 0 == access(path, F_OK);
        json_t *e = there ? file_entry(out, rel, err, errlen) : NULL;
        free(path);
        free(rel);
        if (there && NULL == e) {
            return -1;
        }
        if (e) {
            json_array_insert_new(files, at++, e);
        }
    }
    return 0;
}

static int
manifest_write(const char *out, json_t *m, char *err, size_t errlen)
{
    char *text = json_dumps(m, JSON_INDENT(1) | JSON_SORT_KEYS);
    char *path = wm_asprintf("%s/manifest.json", out);
    int w = wm_write_atomic(path, text, strlen(text), 0600);
    if (w) {
        snprintf(err, errlen, "%s: %s", path, strerror(-w));
    }
    free(path);
    free(text);
    return w ? -1 : 0;
}

/* Remove the snapshot directories of earlier backups (the manifest no longer names them). */
static void
old_snapshots_remove(const char *out, const char *keep)
{
    DIR *d = opendir(out);
    if (NULL == d) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (0 == strncmp(e->d_name, "snap-", 5) && !wm_streq(e->d_name, keep)) {
            char *p = wm_asprintf("%s/%s", out, e->d_name);
            wm_bk_snapshot_remove(p);
            free(p);
        }
    }
    closedir(d);
}

/* ---------------------------------------------------------------- the backup */

static int
open_blobstores(const char *data, const char *out, struct blob_run *r, char *err, size_t errlen)
{
    char *sdir = wm_asprintf("%s/blobs", data), *ddir = wm_asprintf("%s/blobs", out);
    r->src = wm_blob_open(sdir, err, errlen);
    r->dst = r->src ? wm_blob_open(ddir, err, errlen) : NULL;
    free(sdir);
    free(ddir);
    /* temp files of a backup cut off (DIR is locked: no copy of ours is running) */
    if (r->dst && wm_blob_gc_tmp(r->dst, 0, err, errlen) < 0) {
        wm_log(WM_LOG_WARN, "backup: %s", err);
    }
    return r->dst ? 0 : -1;
}

/* A backup directory that is the data directory or lies inside it would back up into itself. */
static int
out_apart(const char *data, const char *out, char *err, size_t errlen)
{
    char rd[4096], ro[4096];
    if (NULL == realpath(data, rd) || NULL == realpath(out, ro)) {
        snprintf(err, errlen, "%s: %s", out, strerror(errno));
        return -1;
    }
    size_t n = strlen(rd);
    if (0 == strncmp(ro, rd, n) && ('\0' == ro[n] || '/' == ro[n])) {
        snprintf(err, errlen, "%s is inside the data directory %s: back up to another place", out,
                 data);
        return -1;
    }
    return 0;
}

/* The backup itself, with DIR locked against another backup into it. */
static int
backup_locked(struct wm_db *db,
              const char *data,
              const char *out,
              wm_backup_progress_fn progress,
              void *cls,
              struct wm_backup_stats *st,
              char *err,
              size_t errlen)
{
    if (snapshot_dir(out, st, err, errlen)) {
        return -1;
    }
    char *sdir = wm_asprintf("%s/%s", out, st->snapshot);
    struct blob_run r = {
        .files = json_array(), .missing = json_array(), .st = st, .progress = progress, .cls = cls
    };
    json_t *blobs = store_part(db, data, sdir, st, err, errlen);
    int rc = -1;
    if (NULL == blobs || open_blobstores(data, out, &r, err, errlen) ||
        blobs_part(&r, blobs, err, errlen)) {
        goto out;
    }
    char *cf = wm_asprintf("%s/wenming.conf", data), *ct = wm_asprintf("%s/wenming.conf", sdir);
    int c = wm_bk_file_copy(cf, ct, 0600, err, errlen);
    free(cf);
    free(ct);
    if (c < 0 || snapshot_entries(out, st, r.files, err, errlen)) {
        goto out;
    }
    json_t *m = manifest_new(st, json_incref(r.files), json_incref(r.missing));
    rc = manifest_write(out, m, err, errlen);
    json_decref(m);
    if (0 == rc) {
        old_snapshots_remove(out, st->snapshot);
        rc = st->missing ? 1 : 0;
    }
out:
    if (rc < 0) {
        wm_bk_snapshot_remove(sdir);
    }
    wm_blob_close(r.src);
    wm_blob_close(r.dst);
    json_decref(r.files);
    json_decref(r.missing);
    json_decref(blobs);
    free(sdir);
    return rc;
}

int
wm_backup(struct wm_db *db,
          const char *data,
          const char *out,
          wm_backup_progress_fn progress,
          void *cls,
          struct wm_backup_stats *st,
          char *err,
          size_t errlen)
{
    memset(st, 0, sizeof *st);
    int rc = wm_mkdirs(out, 0700);
    if (rc) {
        snprintf(err, errlen, "%s: %s", out, strerror(-rc));
        return -1;
    }
    if (out_apart(data, out, err, errlen)) {
        return -1;
    }
    char *lockp = wm_asprintf("%s/backup.lock", out);
    int fd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB)) {
        snprintf(err, errlen, "%s: %s", lockp,
                 EWOULDBLOCK == errno ? "another backup into this directory is running"
                                      : strerror(errno));
        rc = -1;
    } else {
        rc = backup_locked(db, data, out, progress, cls, st, err, errlen);
    }
    if (fd >= 0) {
        close(fd); /* releases the lock */
    }
    free(lockp);
    return rc;
}

/* end of backup.c */
