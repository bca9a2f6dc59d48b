/*
** restore.c — `wenming restore`: a backup directory (backup.c) into a new data directory.
**
** Nothing is trusted that the manifest does not vouch for: every snapshot file is hashed
** and compared before it is used, every blob is hashed while it is copied (its name is its
** hash) and its size compared.  Paths are never taken from the manifest: a blob's is made
** from its validated sha, a snapshot file's from a fixed list of names.  The target must be
** absent or empty, so a restore never mixes with other data.
*/
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup_int.h"
#include "wm_blob.h"
#include "wm_core.h"

/* ---------------------------------------------------------------- the target */

/* data absent (made now, 0750) or an empty directory; else -1 with err filled. */
static int
target_ready(const char *data, char *err, size_t errlen)
{
    DIR *d = opendir(data);
    if (NULL == d && ENOENT == errno) {
        int rc = wm_mkdirs(data, 0750);
        if (rc) {
            snprintf(err, errlen, "%s: %s", data, strerror(-rc));
        }
        return rc ? -1 : 0;
    }
    if (NULL == d) {
        snprintf(err, errlen, "%s: %s", data, strerror(errno));
        return -1;
    }
    struct dirent *e;
    const char *found = NULL;
    while (NULL == found && (e = readdir(d))) {
        if (!wm_streq(e->d_name, ".") && !wm_streq(e->d_name, "..")) {
            found = e->d_name;
            snprintf(err, errlen,
                     "%s is not empty (it holds %s): restore only into a new or empty directory, "
                     "never over a data directory",
                     data, found);
        }
    }
    closedir(d);
    return found ? -1 : 0;
}

/* ---------------------------------------------------------------- the manifest */

static json_t *
manifest_load(const char *from, char *err, size_t errlen)
{
    char *path = wm_asprintf("%s/manifest.json", from);
    json_error_t je;
    json_t *m = json_load_file(path, 0, &je);
    if (NULL == m) {
        snprintf(err, errlen, "%s: %s (not a backup directory?)", path, je.text);
    } else if (!wm_streq(json_string_value(json_object_get(m, "format")), WM_BACKUP_FORMAT)) {
        snprintf(err, errlen, "%s: not a %s manifest", path, WM_BACKUP_FORMAT);
        json_decref(m);
        m = NULL;
    }
    free(path);
    return m;
}

/* The manifest's checks that need no file: snapshot name, store kind, schema. */
static int
manifest_check(json_t *m,
               const char *pg_store,
               struct wm_restore_stats *st,
               char *err,
               size_t errlen)
{
    const char *snap = json_string_value(json_object_get(m, "snapshot"));
    const char *store = json_string_value(json_object_get(m, "store"));
    st->schema = (int)json_integer_value(json_object_get(m, "schema_version"));
    st->audit_seq = json_integer_value(json_object_get(m, "audit_seq"));
    if (NULL == snap || 0 != strncmp(snap, "snap-", 5) || strchr(snap, '/') || strstr(snap, "..")) {
        snprintf(err, errlen, "the manifest names no valid snapshot");
        return -1;
    }
    if (NULL == store || (!wm_streq(store, "sqlite") && !wm_streq(store, "postgresql"))) {
        snprintf(err, errlen, "the manifest names no store kind");
        return -1;
    }
    snprintf(st->store, sizeof st->store, "%s", store);
    if (st->schema < 1 || st->schema > WM_DB_SCHEMA_VERSION) {
        snprintf(err, errlen,
                 "the backup has schema version %d; this wenming knows up to %d: "
                 "restore it with a newer wenming",
                 st->schema, WM_DB_SCHEMA_VERSION);
        return -1;
    }
    if (wm_streq(store, "sqlite") && pg_store) {
        snprintf(err, errlen,
                 "this is a backup of a SQLite store: restore it without --store "
                 "(then 'wenming store copy' moves it into PostgreSQL)");
        return -1;
    }
    if (wm_streq(store, "postgresql") && NULL == pg_store) {
        snprintf(err, errlen,
                 "this is a backup of a PostgreSQL store: give --store CONNINFO "
                 "naming an empty database to restore it into");
        return -1;
    }
    return 0;
}

/* The manifest entry of snapshot file name, or NULL. */
static json_t *
entry_of(json_t *m, const char *rel)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(m, "files"), i, e)
    {
        if (wm_streq(json_string_value(json_object_get(e, "path")), rel)) {
            return e;
        }
    }
    return NULL;
}

/* Hash the snapshot's files against the manifest; each must be listed and match. */
static int
snapshot_check(const char *from, json_t *m, struct wm_restore_stats *st, char *err, size_t errlen)
{
    const char *snap = json_string_value(json_object_get(m, "snapshot"));
    const char *main = wm_streq(st->store, "sqlite") ? BK_SQLITE_FILE : BK_PG_FILE;
    const char *const names[] = { main, "wenming.conf", "audit-head" };
    for (size_t i = 0; i < WM_ARRAY_LEN(names); i++) {
        char *rel = wm_asprintf("%s/%s", snap, names[i]);
        json_t *e = entry_of(m, rel);
        char *path = wm_asprintf("%s/%s", from, rel);
        char sha[65];
        uint64_t size = 0;
        int rc = 0;
        if (NULL == e) {
            rc = 0 == i ? -1 : 0; /* only the store is required */
            if (rc) {
                snprintf(err, errlen, "the manifest lists no %s", rel);
            }
        } else if (wm_bk_file_hash(path, sha, &size, err, errlen)) {
            rc = -1;
        } else if (!wm_streq(sha, json_string_value(json_object_get(e, "sha256"))) ||
                   (json_int_t)size != json_integer_value(json_object_get(e, "size"))) {
            snprintf(err, errlen, "%s does not match the manifest (SHA-256 %.12s…, %llu bytes)",
                     path, sha, (unsigned long long)size);
            rc = -1;
        } else {
            st->files++;
        }
        free(path);
        free(rel);
        if (rc) {
            return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- copying */

/* fsync the directory holding path (a rename in it is then durable); 0 or -1 with errno. */
static int
dir_sync(const char *path)
{
    char *dir = wm_strdup(path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
    }
    int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = fd < 0 || fsync(fd) ? -1 : 0;
    if (fd >= 0) {
        close(fd);
    }
    free(dir);
    return rc;
}

/* Copy a (large) file: temp file beside to, fsync, rename, fsync of the directory. */
static int
file_copy_big(const char *from, const char *to, char *err, size_t errlen)
{
    char *tmp = wm_asprintf("%s.restoring", to);
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int outfd = in < 0 ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    int rc = outfd < 0 ? -1 : 0;
    if (rc) {
        snprintf(err, errlen, "%s: %s", in < 0 ? from : tmp, strerror(errno));
    }
    char *buf = wm_malloc(BK_CHUNK);
    ssize_t n = 0;
    while (0 == rc && ((n = read(in, buf, BK_CHUNK)) > 0 || (n < 0 && EINTR == errno))) {
        for (ssize_t off = 0; n > 0 && off < n;) {
            ssize_t w = write(outfd, buf + off, (size_t)(n - off));
            if (w < 0 && EINTR != errno) {
                snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
                rc = -1;
                break;
            }
            off += w > 0 ? w : 0;
        }
    }
    if (0 == rc && n < 0) {
        snprintf(err, errlen, "%s: %s", from, strerror(errno));
        rc = -1;
    }
    if (0 == rc && (fsync(outfd) || rename(tmp, to) || dir_sync(to))) {
        snprintf(err, errlen, "%s: %s", to, strerror(errno));
        rc = -1;
    }
    free(buf);
    if (in >= 0) {
        close(in);
    }
    if (outfd >= 0) {
        close(outfd);
    }
    if (rc) {
        (void)unlink(tmp);
    }
    free(tmp);
    return rc;
}

/* One blob entry of the manifest into dst, verified by its name and size. */
static int
blob_restore(const char *from,
             struct wm_blobstore *dst,
             json_t *e,
             struct wm_restore_stats *st,
             char *err,
             size_t errlen)
{
    const char *sha = json_string_value(json_object_get(e, "sha256"));
    if (!wm_blob_sha_valid(sha)) {
        snprintf(err, errlen, "the manifest lists a blob with a malformed name");
        return -1;
    }
    char *path = wm_asprintf("%s/blobs/objects/%.2s/%.2s/%s", from, sha, sha + 2, sha);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    free(path);
    uint64_t size;
    bool copied;
    enum wm_err e2 = wm_blob_copy_fd(dst, fd, sha, &size, &copied, err, errlen);
    close(fd);
    if (WM_OK != e2) {
        return -1;
    }
    if ((json_int_t)size != json_integer_value(json_object_get(e, "size"))) {
        snprintf(err, errlen, "blob %s: %llu bytes, the manifest says %lld", sha,
                 (unsigned long long)size,
                 (long long)json_integer_value(json_object_get(e, "size")));
        return -1;
    }
    st->blobs++;
    st->bytes += size;
    return 0;
}

static int
blobs_restore(const char *from,
              const char *data,
              json_t *m,
              wm_backup_progress_fn progress,
              void *cls,
              struct wm_restore_stats *st,
              char *err,
              size_t errlen)
{
    char *dir = wm_asprintf("%s/blobs", data);
    struct wm_blobstore *dst = wm_blob_open(dir, err, errlen);
    free(dir);
    if (NULL == dst) {
        return -1;
    }
    json_t *files = json_object_get(m, "files"), *e;
    int64_t total = 0, done = 0;
    size_t i;
    json_array_foreach(files, i, e)
    {
        total += 0 == strncmp(json_string_value(json_object_get(e, "path")), "blobs/", 6);
    }
    int rc = 0;
    json_array_foreach(files, i, e)
    {
        if (0 != strncmp(json_string_value(json_object_get(e, "path")), "blobs/", 6)) {
            continue;
        }
        if (blob_restore(from, dst, e, st, err, errlen)) {
            rc = -1;
            break;
        }
        if (progress) {
            progress(cls, ++done, total, st->bytes);
        }
    }
    wm_blob_close(dst);
    return rc;
}

/* ---------------------------------------------------------------- the store */

static int
pg_restore_into(const char *pg_store, const char *dump, char *err, size_t errlen)
{
    char first[128];
    struct wm_db *db = wm_db_open(pg_store, NULL, false, err, errlen);
    int n = db ? wm_store_pg_tables(db, first, sizeof first, err, errlen) : -1;
    if (db) {
        db->ops->close(db);
    }
    if (n > 0) {
        snprintf(err, errlen,
                 "the target database is not empty (it holds \"%s\"): restore only "
                 "into an empty database",
                 first);
    }
    if (n) {
        return -1;
    }
    char *dbname = NULL;
    char **env = wm_store_pg_env(pg_store, &dbname, err, errlen);
    if (NULL == env) {
        return -1;
    }
    char *dbarg = wm_asprintf("--dbname=%s", dbname ? dbname : "");
    static char prog[] = "pg_restore", a1[] = "--no-owner", a2[] = "--no-privileges",
                a3[] = "--single-transaction", a4[] = "--exit-on-error", a5[] = "--no-password";
    char *argv[] = { prog, a1, a2, a3, a4, a5, dbarg, (char *)dump, NULL };
    int code;
    enum wm_err e =
        dbname ? wm_spawn_wait_env(argv, env, "pg_restore", &code, err, errlen) : WM_E_BAD_REQUEST;
    if (NULL == dbname) {
        snprintf(err, errlen, "--store names no database (dbname)");
    }
    free(dbarg);
    free(dbname);
    wm_store_pg_env_free(env);
    return WM_OK == e && 0 == code ? 0 : -1;
}

static int
store_restore(const char *from,
              const char *data,
              const char *snap,
              const char *pg_store,
              char *err,
              size_t errlen)
{
    if (NULL == pg_store) {
        char *src = wm_asprintf("%s/%s/%s", from, snap, BK_SQLITE_FILE);
        char *dst = wm_asprintf("%s/%s", data, BK_SQLITE_FILE);
        int rc = file_copy_big(src, dst, err, errlen);
        free(src);
        free(dst);
        return rc;
    }
    char *dump = wm_asprintf("%s/%s/%s", from, snap, BK_PG_FILE);
    int rc = pg_restore_into(pg_store, dump, err, errlen);
    free(dump);
    return rc;
}

/* wenming.conf: the backup's, with its store line naming the restored store. */
static int
conf_restore(const char *from,
             const char *data,
             const char *snap,
             const char *pg_store,
             char *err,
             size_t errlen)
{
    char *path = wm_asprintf("%s/%s/wenming.conf", from, snap);
    char *old = wm_read_file(path, NULL);
    free(path);
    struct wm_buf b = { 0 };
    for (char *line = old, *next; line && *line; line = next) {
        next = line + strcspn(line, "\n");
        next += '\n' == *next;
        const char *k = line + strspn(line, " \t");
        bool is_store = 0 == strncmp(k, "store", 5) && strchr(" \t=", k[5]) && k[5];
        if (!is_store) {
            wm_buf_add(&b, line, (size_t)(next - line));
        }
    }
    if (b.len && '\n' != wm_buf_str(&b)[b.len - 1]) {
        wm_buf_addc(&b, '\n');
    }
    wm_buf_adds(&b, "store = ");
    wm_buf_adds(&b, pg_store ? pg_store : "sqlite");
    wm_buf_addc(&b, '\n');
    free(old);
    char *to = wm_asprintf("%s/wenming.conf", data);
    int w = wm_write_atomic(to, wm_buf_str(&b), b.len, 0600);
    if (w) {
        snprintf(err, errlen, "%s: %s", to, strerror(-w));
    }
    free(to);
    wm_buf_free(&b);
    return w ? -1 : 0;
}

int
wm_restore(const char *from,
           const char *data,
           const char *pg_store,
           wm_backup_progress_fn progress,
           void *cls,
           struct wm_restore_stats *st,
           char *err,
           size_t errlen)
{
    memset(st, 0, sizeof *st);
    json_t *m = manifest_load(from, err, errlen);
    if (NULL == m) {
        return -1;
    }
    const char *snap = json_string_value(json_object_get(m, "snapshot"));
    int rc = -1;
    if (manifest_check(m, pg_store, st, err, errlen) || target_ready(data, err, errlen) ||
        snapshot_check(from, m, st, err, errlen) ||
        blobs_restore(from, data, m, progress, cls, st, err, errlen) ||
        store_restore(from, data, snap, pg_store, err, errlen) ||
        conf_restore(from, data, snap, pg_store, err, errlen)) {
        goto out;
    }
    char *hf = wm_asprintf("%s/%s/audit-head", from, snap),
         *ht = wm_asprintf("%s/audit-head", data);
    rc = wm_bk_file_copy(hf, ht, 0640, err, errlen) < 0 ? -1 : 0;
    free(hf);
    free(ht);
out:
    json_decref(m);
    return rc;
}

/* end of restore.c */
