/*
** writer.c — the streaming ZIP writer of the standard package (export).
**
** libarchive writes the ZIP through archive_write_open2() into our callback, which hands
** blocks of 64 KiB to the caller's write_cb: nothing is held but one block and the list of
** documents (for the manifests).  Documents are STORED, tag files deflated; every name is
** flagged UTF-8 (hdrcharset=UTF-8).  The SHA-256 of each document is computed while it
** streams through (OpenSSL EVP via wm_sha256_*), unless the caller knows it.
*/
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <xlsxwriter.h>

#include "pkg_int.h"
#include "wm_archive.h"
#include "wm_util.h"

#include "banned.h"

#define CHUNK          ((size_t)256 << 10)
#define BLOCK          65536
#define PROGRESS_STEP  ((uint64_t)1 << 20)
#define MAX_PATH_DEPTH 32u
#define PAYLOAD        "data/"

enum meta_field {
    F_UNIT,
    F_ICODE,
    F_ITITLE,
    F_TITLE,
    F_DATE,
    F_MEDIA,
    F_DEPT,
    F_AUTHOR,
    F_KEYWORDS,
    F_RETENTION,
    F_ARCHCODE,
    F_CTYPE,
    F__COUNT
};

struct doc {
    char *path; /* payload path (without "data/") */
    char *fields[F__COUNT];
    int year;
    unsigned serial;
    uint64_t size;
    char sha[65];
    size_t dir; /* index of its folder in w->dirs, or SIZE_MAX at the top */
};

struct dir {
    char *path;    /* payload path */
    size_t parent; /* SIZE_MAX for a top folder */
    size_t *kids, nkids, capkids;
    size_t *docs, ndocs, capdocs;
};

struct wm_pkg_writer {
    struct archive *a;
    int (*write_cb)(void *cls, const void *p, size_t n);
    void *cls;
    bool ascii_colon;
    char *org;
    char *desc;
    uint64_t total_hint;
    void (*progress)(void *cls, uint64_t done, uint64_t total);
    void *progress_cls;

    uint64_t written;
    uint64_t next_progress;
    bool failed; /* a write or libarchive failure: nothing more can be written */
    bool finished;
    bool deflating; /* the compression currently set */
    bool data_dir;  /* "data/" written */
    bool discard;   /* the sink failed or the package is abandoned: drop further bytes */
    char err[512];

    struct pkg_set dirset;  /* payload dir path -> index in dirs */
    struct pkg_set fileset; /* payload file paths */
    struct dir *dirs;
    size_t ndirs, capdirs;
    struct doc *docs;
    size_t ndocs, capdocs;
    uint64_t payload_bytes;
    unsigned char *chunk;
};

static void
push_idx(size_t **arr, size_t *n, size_t *cap, size_t v)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *arr = wm_realloc(*arr, *cap * sizeof(size_t));
    }
    (*arr)[(*n)++] = v;
}

static void set_err(struct wm_pkg_writer *w, bool fatal, const char *fmt, ...) WM_PRINTF(3, 4);

static void
set_err(struct wm_pkg_writer *w, bool fatal, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct wm_buf b = { 0 };
    wm_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    pkg_copy_utf8(w->err, sizeof(w->err), wm_buf_str(&b));
    wm_buf_free(&b);
    if (fatal) {
        w->failed = true;
        wm_log(WM_LOG_ERROR, "archive: export failed: %s", w->err);
    }
}

/* ---------------------------------------------------------------- libarchive plumbing */

static la_ssize_t
zip_write(struct archive *a, void *cls, const void *buf, size_t n)
{
    struct wm_pkg_writer *w = cls;
    (void)a;
    if (w->discard) {
        return (la_ssize_t)n;
    }
    if (w->write_cb(w->cls, buf, n) != 0) {
        /* not reported to libarchive as an error: a FATAL archive leaks its output
        ** buffer on free (libarchive 3.6); the bytes are dropped and every call of ours
        ** checks w->failed instead */
        w->discard = true;
        set_err(w, true, "写出失败：输出端在 %llu 字节处拒绝写入（连接断开或磁盘已满）",
                (unsigned long long)w->written);
        return (la_ssize_t)n;
    }
    w->written += n;
    if (w->progress != NULL && w->written >= w->next_progress) {
        w->next_progress = w->written + PROGRESS_STEP;
        w->progress(w->progress_cls, w->written, w->total_hint);
    }
    return (la_ssize_t)n;
}

static int
put_header(struct wm_pkg_writer *w,
           const char *zpath,
           bool dir,
           uint64_t size,
           time_t mtime,
           bool deflate)
{
    if (!dir && deflate != w->deflating) {
        int r = deflate ? archive_write_zip_set_compression_deflate(w->a)
                        : archive_write_zip_set_compression_store(w->a);
        if (r != ARCHIVE_OK) {
            set_err(w, true, "ZIP 压缩选项：%s", archive_error_string(w->a));
            return -1;
        }
        w->deflating = deflate;
    }
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname_utf8(e, zpath);
    archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(e, dir ? 0755 : 0644);
    archive_entry_set_size(e, dir ? 0 : (la_int64_t)size);
    archive_entry_set_mtime(e, mtime, 0);
    int r = archive_write_header(w->a, e);
    archive_entry_free(e);
    if (w->failed) {
        return -1;
    }
    if (r != ARCHIVE_OK) {
        set_err(w, true, "ZIP 条目 %s：%s", zpath, archive_error_string(w->a));
        return -1;
    }
    return 0;
}

static int
put_data(struct wm_pkg_writer *w, const char *zpath, const void *p, size_t n)
{
    la_ssize_t r = archive_write_data(w->a, p, n);
    if (w->failed) {
        return -1;
    }
    if (r < 0 || (size_t)r != n) {
        set_err(w, true, "ZIP 写入 %s：%s", zpath,
                archive_error_string(w->a) ? archive_error_string(w->a) : "短写");
        return -1;
    }
    return 0;
}

static int
put_end(struct wm_pkg_writer *w, const char *zpath)
{
    int r = archive_write_finish_entry(w->a);
    if (w->failed) {
        return -1;
    }
    if (r != ARCHIVE_OK) {
        set_err(w, true, "ZIP 条目结束 %s：%s", zpath, archive_error_string(w->a));
        return -1;
    }
    return 0;
}

/* A whole small file (tag files), deflated. */
static int
put_small(struct wm_pkg_writer *w, const char *zpath, const void *p, size_t n)
{
    if (put_header(w, zpath, false, n, (time_t)wm_now(), true) != 0 ||
        (n > 0 && put_data(w, zpath, p, n) != 0) || put_end(w, zpath) != 0) {
        return -1;
    }
    return 0;
}

static const char BAGIT_TXT[] = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

struct wm_pkg_writer *
wm_pkg_writer_new(int (*write_cb)(void *cls, const void *p, size_t n),
                  void *cls,
                  const struct wm_pkg_opts *opts)
{
    struct wm_pkg_writer *w = wm_calloc(1, sizeof(*w));
    w->write_cb = write_cb;
    w->cls = cls;
    if (opts != NULL) {
        w->ascii_colon = opts->ascii_colon;
        w->org = opts->organization
                     ? pkg_utf8_repair(opts->organization, strlen(opts->organization))
                     : NULL;
        w->desc = opts->description ? pkg_utf8_repair(opts->description, strlen(opts->description))
                                    : NULL;
        w->total_hint = opts->total_hint;
        w->progress = opts->progress;
        w->progress_cls = opts->progress_cls;
    }
    w->chunk = wm_malloc(CHUNK);

    locale_t old = pkg_locale_enter();
    w->a = archive_write_new();
    if (w->a == NULL) {
        wm_panic("archive_write_new: out of memory");
    }
    if (archive_write_set_format_zip(w->a) != ARCHIVE_OK ||
        archive_write_set_options(w->a, "zip:hdrcharset=UTF-8,zip:compression=store") !=
            ARCHIVE_OK ||
        archive_write_set_bytes_per_block(w->a, BLOCK) != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(w->a, 1) != ARCHIVE_OK) {
        set_err(w, true, "libarchive ZIP 设置：%s", archive_error_string(w->a));
    } else if (archive_write_open2(w->a, w, NULL, zip_write, NULL, NULL) != ARCHIVE_OK) {
        set_err(w, true, "ZIP 打开：%s", archive_error_string(w->a));
    } else {
        (void)put_small(w, "bagit.txt", BAGIT_TXT, sizeof(BAGIT_TXT) - 1);
    }
    pkg_locale_leave(old);
    return w;
}

const char *
wm_pkg_writer_error(const struct wm_pkg_writer *w)
{
    return w->err;
}

uint64_t
wm_pkg_writer_bytes(const struct wm_pkg_writer *w)
{
    return w->written;
}

/* ---------------------------------------------------------------- paths */

/* Check a payload path: 0, or -1 with the error set (not fatal). */
static int
check_path(struct wm_pkg_writer *w, const char *path)
{
    if (path == NULL || path[0] == '\0') {
        set_err(w, false, "路径为空");
        return -1;
    }
    if (!wm_utf8_valid(path, strlen(path))) {
        set_err(w, false, "路径不是有效的 UTF-8");
        return -1;
    }
    unsigned depth = 0;
    const char *p = path;
    for (;;) {
        size_t n = strcspn(p, "/");
        char *comp = wm_strndup(p, n);
        char *safe = pkg_component_ex(comp, WM_PKG_COMPONENT_MAX, w->ascii_colon, true);
        bool ok = strcmp(comp, safe) == 0;
        if (!ok) {
            set_err(w, false, "路径“%s”的第 %u 段“%s”不是安全的名称（应为“%s”）", path,
                    depth + 1, comp, safe);
        }
        free(comp);
        free(safe);
        if (!ok) {
            return -1;
        }
        if (++depth > MAX_PATH_DEPTH) {
            set_err(w, false, "路径“%s”层级超过 %u", path, MAX_PATH_DEPTH);
            return -1;
        }
        if (p[n] == '\0') {
            break;
        }
        p += n + 1;
    }
    return 0;
}

/* Write the folder entries of @a path's first @a upto bytes and of its parents; returns
** the index of the deepest folder, SIZE_MAX for none, or -1 (as SIZE_MAX - 1) on error. */
#define DIRS_ERR (SIZE_MAX - 1)

static size_t
ensure_dirs(struct wm_pkg_writer *w, const char *path, size_t upto)
{
    size_t parent = SIZE_MAX;
    if (!w->data_dir) {
        if (put_header(w, PAYLOAD, true, 0, (time_t)wm_now(), false) != 0 ||
            put_end(w, PAYLOAD) != 0) {
            return DIRS_ERR;
        }
        w->data_dir = true;
    }
    size_t i = 0;
    while (i < upto) {
        size_t n = strcspn(path + i, "/");
        size_t end = i + n;
        if (end > upto) {
            end = upto;
        }
        char *dp = wm_strndup(path, end);
        size_t idx;
        if (pkg_set_has(&w->fileset, dp)) {
            set_err(w, false, "\"%s\" 已是文件，不能再作为文件夹", dp);
            free(dp);
            return DIRS_ERR;
        }
        if (!pkg_set_get(&w->dirset, dp, &idx)) {
            char *zpath = wm_asprintf(PAYLOAD "%s/", dp);
            int r = put_header(w, zpath, true, 0, (time_t)wm_now(), false);
            if (r == 0) {
                r = put_end(w, zpath);
            }
            free(zpath);
            if (r != 0) {
                free(dp);
                return DIRS_ERR;
            }
            if (w->ndirs == w->capdirs) {
                w->capdirs = w->capdirs ? w->capdirs * 2 : 32;
                w->dirs = wm_realloc(w->dirs, w->capdirs * sizeof(*w->dirs));
            }
            idx = w->ndirs++;
            struct dir *d = &w->dirs[idx];
            memset(d, 0, sizeof(*d));
            d->path = wm_strdup(dp);
            d->parent = parent;
            if (parent != SIZE_MAX) {
                push_idx(&w->dirs[parent].kids, &w->dirs[parent].nkids, &w->dirs[parent].capkids,
                         idx);
            }
            (void)pkg_set_put(&w->dirset, dp, idx);
        }
        free(dp);
        parent = idx;
        i = end + 1;
    }
    return parent;
}

int
wm_pkg_add_dir(struct wm_pkg_writer *w, const char *path)
{
    if (w->failed || w->finished) {
        if (w->finished) {
            set_err(w, false, "导出包已结束");
        }
        return -1;
    }
    if (check_path(w, path) != 0) {
        return -1;
    }
    locale_t old = pkg_locale_enter();
    size_t r = ensure_dirs(w, path, strlen(path));
    pkg_locale_leave(old);
    return r == DIRS_ERR ? -1 : 0;
}

/* ---------------------------------------------------------------- documents */

static bool
hex64(const char *s, char out[65])
{
    if (s == NULL || strlen(s) != 64) {
        return false;
    }
    for (size_t i = 0; i < 64; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'F') {
            c = (char)(c - 'A' + 'a');
        }
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
        out[i] = c;
    }
    out[64] = '\0';
    return true;
}

static char *
meta_str(const char *s)
{
    return pkg_utf8_repair(s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

static void
record_doc(struct wm_pkg_writer *w,
           const char *path,
           size_t dir,
           uint64_t size,
           const char sha[65],
           const struct wm_pkg_meta *m)
{
    if (w->ndocs == w->capdocs) {
        w->capdocs = w->capdocs ? w->capdocs * 2 : 64;
        w->docs = wm_realloc(w->docs, w->capdocs * sizeof(*w->docs));
    }
    size_t idx = w->ndocs++;
    struct doc *d = &w->docs[idx];
    memset(d, 0, sizeof(*d));
    d->path = wm_strdup(path);
    d->size = size;
    memcpy(d->sha, sha, 65);
    d->dir = dir;
    const struct wm_pkg_meta none = { 0 };
    if (m == NULL) {
        m = &none;
    }
    const char *src[F__COUNT] = {
        [F_UNIT] = m->unit,
        [F_ICODE] = m->indicator_code,
        [F_ITITLE] = m->indicator_title,
        [F_TITLE] = m->title,
        [F_DATE] = m->date_formed,
        [F_MEDIA] = m->media,
        [F_DEPT] = m->department,
        [F_AUTHOR] = m->author,
        [F_KEYWORDS] = m->keywords,
        [F_RETENTION] = m->retention,
        [F_ARCHCODE] = m->archival_code,
        [F_CTYPE] = m->content_type,
    };
    for (size_t i = 0; i < F__COUNT; i++) {
        d->fields[i] = meta_str(src[i]);
    }
    d->year = m->year;
    d->serial = m->serial;
    if (dir != SIZE_MAX) {
        push_idx(&w->dirs[dir].docs, &w->dirs[dir].ndocs, &w->dirs[dir].capdocs, idx);
    }
    (void)pkg_set_add(&w->fileset, path);
    w->payload_bytes += size;
}

/* One document from a descriptor (fd >= 0) or from memory. */
static int
add_file(struct wm_pkg_writer *w,
         const char *path,
         int fd,
         const void *mem,
         uint64_t size,
         time_t mtime,
         const struct wm_pkg_meta *meta)
{
    if (w->failed || w->finished) {
        if (w->finished) {
            set_err(w, false, "导出包已结束");
        }
        return -1;
    }
    if (check_path(w, path) != 0) {
        return -1;
    }
    if (pkg_set_has(&w->fileset, path) || pkg_set_has(&w->dirset, path)) {
        set_err(w, false, "\"%s\" 重复", path);
        return -1;
    }
    char sha[65] = { 0 };
    bool known = meta != NULL && meta->sha256 != NULL;
    if (known && !hex64(meta->sha256, sha)) {
        set_err(w, false, "\"%s\" 的 SHA-256 不是 64 位十六进制", path);
        return -1;
    }
    if (fd >= 0) {
        (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }

    int rc = -1;
    locale_t old = pkg_locale_enter();
    struct wm_sha256 *h = known ? NULL : wm_sha256_new();
    const char *slash = strrchr(path, '/');
    size_t dir = ensure_dirs(w, path, slash ? (size_t)(slash - path) : 0);
    char *zpath = wm_asprintf(PAYLOAD "%s", path);
    if (dir == DIRS_ERR || put_header(w, zpath, false, size, mtime, false) != 0) {
        goto cleanup;
    }
    uint64_t left = size;
    const unsigned char *mp = mem;
    while (left > 0) {
        size_t want = left < CHUNK ? (size_t)left : CHUNK;
        const void *p;
        size_t got;
        if (fd >= 0) {
            ssize_t r = read(fd, w->chunk, want);
            if (r < 0 && errno == EINTR) {
                continue;
            }
            if (r < 0) {
                set_err(w, true, "读取“%s”：%s", path, strerror(errno));
                goto cleanup;
            }
            if (r == 0) {
                set_err(w, true, "“%s”在 %llu 字节处提前结束（应有 %llu 字节）", path,
                        (unsigned long long)(size - left), (unsigned long long)size);
                goto cleanup;
            }
            p = w->chunk;
            got = (size_t)r;
        } else {
            p = mp;
            got = want;
            mp += want;
        }
        if (h != NULL) {
            wm_sha256_update(h, p, got);
        }
        if (put_data(w, zpath, p, got) != 0) {
            goto cleanup;
        }
        left -= got;
    }
    if (put_end(w, zpath) != 0) {
        goto cleanup;
    }
    if (h != NULL) {
        wm_sha256_final_hex(h, sha);
        h = NULL;
    }
    record_doc(w, path, dir, size, sha, meta);
    rc = 0;
cleanup:
    if (h != NULL) {
        char tmp[65];
        wm_sha256_final_hex(h, tmp);
    }
    free(zpath);
    pkg_locale_leave(old);
    return rc;
}

int
wm_pkg_add_file_fd(struct wm_pkg_writer *w,
                   const char *path,
                   int fd,
                   uint64_t size,
                   time_t mtime,
                   const struct wm_pkg_meta *meta)
{
    if (fd < 0) {
        set_err(w, false, "无效的文件描述符");
        return -1;
    }
    return add_file(w, path, fd, NULL, size, mtime, meta);
}

int
wm_pkg_add_bytes_meta(struct wm_pkg_writer *w,
                      const char *path,
                      const void *p,
                      size_t n,
                      const struct wm_pkg_meta *meta)
{
    return add_file(w, path, -1, n ? p : "", n, (time_t)wm_now(), meta);
}

int
wm_pkg_add_bytes(struct wm_pkg_writer *w, const char *path, const void *p, size_t n)
{
    return wm_pkg_add_bytes_meta(w, path, p, n, NULL);
}

/* ---------------------------------------------------------------- tag files */

/* RFC 8493 2.1.3: CR, LF and % in a manifest's file path are percent-encoded. */
static void
bag_path(struct wm_buf *b, const char *p)
{
    for (; *p; p++) {
        if (*p == '\r') {
            wm_buf_adds(b, "%0D");
        } else if (*p == '\n') {
            wm_buf_adds(b, "%0A");
        } else if (*p == '%') {
            wm_buf_adds(b, "%25");
        } else {
            wm_buf_addc(b, *p);
        }
    }
}

/* A bag-info value on one line. */
static void
bag_value(struct wm_buf *b, const char *s)
{
    for (; *s; s++) {
        wm_buf_addc(b, (*s == '\r' || *s == '\n') ? ' ' : *s);
    }
}

static void
csv_cell(struct wm_buf *b, const char *s, bool text)
{
    struct wm_buf tmp = {0};
    if (text) {
        s = wm_cell_text(s, &tmp);
    }
    if (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ' && s[0] != '\'') {
        wm_buf_adds(b, s);
        wm_buf_free(&tmp);
        return;
    }
    wm_buf_addc(b, '"');
    for (; *s; s++) {
        if (*s == '"') {
            wm_buf_addc(b, '"');
        }
        wm_buf_addc(b, *s);
    }
    wm_buf_addc(b, '"');
    wm_buf_free(&tmp);
}

/* The columns of manifest.csv and 目录.xlsx. */
static const char *const MANIFEST_HEAD[] = { "路径",       "单位",    "年度",     "指标代码",
                                             "指标名称",   "序号",    "题名",     "形成日期",
                                             "载体",       "责任部门", "责任者",   "主题词",
                                             "保管期限",   "档号",    "SHA-256",  "大小（字节）",
                                             "内容类型" };

static void
build_csv(struct wm_pkg_writer *w, struct wm_buf *b)
{
    const char *const *head = MANIFEST_HEAD;
    wm_buf_adds(b, "\xEF\xBB\xBF");
    for (size_t i = 0; i < WM_ARRAY_LEN(MANIFEST_HEAD); i++) {
        if (i > 0) {
            wm_buf_addc(b, ',');
        }
        wm_buf_adds(b, head[i]);
    }
    wm_buf_adds(b, "\r\n");
    for (size_t i = 0; i < w->ndocs; i++) {
        const struct doc *d = &w->docs[i];
        char num[32];
        char *path = wm_asprintf(PAYLOAD "%s", d->path);
        csv_cell(b, path, true);
        free(path);
        wm_buf_addc(b, ',');
        csv_cell(b, d->fields[F_UNIT], true);
        wm_buf_addc(b, ',');
        if (d->year > 0) {
            snprintf(num, sizeof(num), "%d", d->year);
            wm_buf_adds(b, num);
        }
        wm_buf_addc(b, ',');
        csv_cell(b, d->fields[F_ICODE], true);
        wm_buf_addc(b, ',');
        csv_cell(b, d->fields[F_ITITLE], true);
        wm_buf_addc(b, ',');
        if (d->serial > 0) {
            snprintf(num, sizeof(num), "%u", d->serial);
            wm_buf_adds(b, num);
        }

        static const enum meta_field rest[] = { F_TITLE,  F_DATE,     F_MEDIA,     F_DEPT,
                                                F_AUTHOR, F_KEYWORDS, F_RETENTION, F_ARCHCODE };

        for (size_t k = 0; k < WM_ARRAY_LEN(rest); k++) {
            wm_buf_addc(b, ',');
            csv_cell(b, d->fields[rest[k]], true);
        }
        wm_buf_printf(b, ",%s,%llu,", d->sha, (unsigned long long)d->size);
        csv_cell(b, d->fields[F_CTYPE], true);
        wm_buf_adds(b, "\r\n");
    }
}

/* A text cell of 目录.xlsx (through wm_cell_text, like every spreadsheet wenming writes). */
static lxw_error
xlsx_text(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s)
{
    if (s == NULL || s[0] == '\0') {
        return LXW_NO_ERROR;
    }
    struct wm_buf tmp = { 0 };
    lxw_error e = worksheet_write_string(ws, r, c, wm_cell_text(s, &tmp), NULL);
    wm_buf_free(&tmp);
    return e;
}

/*
** 目录.xlsx: the rows of manifest.csv as a workbook (header bold and frozen, with a filter),
** for the people who open the package in Excel or WPS.  libxlsxwriter writes only to a
** file: a temp file, read back and removed.  NULL (and the error set) on failure.
*/
static char *
build_xlsx(struct wm_pkg_writer *w, size_t *len)
{
    char *path = malloc(4096);
    int fd = path ? wm_scratch_file("wm-catalog", path, 4096) : -1;
    if (fd < 0) {
        set_err(w, true, "目录.xlsx：无法创建临时文件：%s", strerror(path ? errno : ENOMEM));
        free(path);
        return NULL;
    }
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "目录") : NULL;
    lxw_error le = ws ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (ws != NULL) {
        lxw_format *bold = workbook_add_format(wb);
        format_set_bold(bold);
        static const double widths[] = { 60, 20, 6, 10, 24, 6, 30, 11, 6, 12,
                                         10, 16, 9,  24, 20, 11, 18 };
        for (size_t k = 0; k < WM_ARRAY_LEN(MANIFEST_HEAD) && le == LXW_NO_ERROR; k++) {
            worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, widths[k], NULL);
            le = worksheet_write_string(ws, 0, (lxw_col_t)k, MANIFEST_HEAD[k], bold);
        }
        worksheet_freeze_panes(ws, 1, 0);
        if (w->ndocs > 0) {
            worksheet_autofilter(ws, 0, 0, (lxw_row_t)w->ndocs,
                                 (lxw_col_t)(WM_ARRAY_LEN(MANIFEST_HEAD) - 1));
        }
    }
    static const enum meta_field rest[] = { F_TITLE,  F_DATE,     F_MEDIA,     F_DEPT,
                                            F_AUTHOR, F_KEYWORDS, F_RETENTION, F_ARCHCODE };
    for (size_t i = 0; i < w->ndocs && le == LXW_NO_ERROR; i++) {
        const struct doc *d = &w->docs[i];
        lxw_row_t r = (lxw_row_t)(i + 1);
        char *p = wm_asprintf(PAYLOAD "%s", d->path);
        le = xlsx_text(ws, r, 0, p);
        free(p);
        if (le == LXW_NO_ERROR) {
            le = xlsx_text(ws, r, 1, d->fields[F_UNIT]);
        }
        if (le == LXW_NO_ERROR && d->year > 0) {
            le = worksheet_write_number(ws, r, 2, d->year, NULL);
        }
        if (le == LXW_NO_ERROR) {
            le = xlsx_text(ws, r, 3, d->fields[F_ICODE]);
        }
        if (le == LXW_NO_ERROR) {
            le = xlsx_text(ws, r, 4, d->fields[F_ITITLE]);
        }
        if (le == LXW_NO_ERROR && d->serial > 0) {
            le = worksheet_write_number(ws, r, 5, d->serial, NULL);
        }
        for (size_t k = 0; k < WM_ARRAY_LEN(rest) && le == LXW_NO_ERROR; k++) {
            le = xlsx_text(ws, r, (lxw_col_t)(6 + k), d->fields[rest[k]]);
        }
        if (le == LXW_NO_ERROR) {
            le = xlsx_text(ws, r, 14, d->sha);
        }
        if (le == LXW_NO_ERROR) {
            le = worksheet_write_number(ws, r, 15, (double)d->size, NULL);
        }
        if (le == LXW_NO_ERROR) {
            le = xlsx_text(ws, r, 16, d->fields[F_CTYPE]);
        }
    }
    lxw_error ce = wb ? workbook_close(wb) : LXW_ERROR_MEMORY_MALLOC_FAILED;
    char *data = NULL;
    if (le != LXW_NO_ERROR || ce != LXW_NO_ERROR) {
        set_err(w, true, "目录.xlsx：%s", lxw_strerror(le != LXW_NO_ERROR ? le : ce));
    } else if ((data = wm_read_file(path, len)) == NULL) {
        set_err(w, true, "目录.xlsx：无法读回 %s", path);
    }
    unlink(path);
    free(path);
    return data;
}

static json_t *
jchk(json_t *v)
{
    if (v == NULL) {
        wm_panic("jansson: out of memory");
    }
    return v;
}

static void
jset_str(json_t *o, const char *k, const char *v)
{
    if (v != NULL && v[0] != '\0') {
        json_object_set_new(o, k, jchk(json_string(v)));
    }
}

static json_t *
json_dir(const struct wm_pkg_writer *w, size_t idx)
{
    const struct dir *d = &w->dirs[idx];
    json_t *o = jchk(json_object());
    const char *slash = strrchr(d->path, '/');
    const char *name = slash ? slash + 1 : d->path;
    json_object_set_new(o, "name", jchk(json_string(name)));
    char *zp = wm_asprintf(PAYLOAD "%s", d->path);
    json_object_set_new(o, "path", jchk(json_string(zp)));
    free(zp);
    char *code = NULL, *title = NULL;
    if (d->parent != SIZE_MAX && wm_pkg_parse_folder(name, &code, &title)) {
        jset_str(o, "code", code);
        jset_str(o, "title", title);
    }
    free(code);
    free(title);
    json_t *kids = jchk(json_array());
    for (size_t i = 0; i < d->nkids; i++) {
        json_array_append_new(kids, json_dir(w, d->kids[i]));
    }
    json_object_set_new(o, "folders", kids);
    json_t *docs = jchk(json_array());
    for (size_t i = 0; i < d->ndocs; i++) {
        char *p = wm_asprintf(PAYLOAD "%s", w->docs[d->docs[i]].path);
        json_array_append_new(docs, jchk(json_string(p)));
        free(p);
    }
    json_object_set_new(o, "documents", docs);
    return o;
}

static char *
build_json(struct wm_pkg_writer *w, const char *created)
{
    static const char *const keys[F__COUNT] = {
        [F_UNIT] = "unit",           [F_ICODE] = "indicator_code",   [F_ITITLE] = "indicator_title",
        [F_TITLE] = "title",         [F_DATE] = "date_formed",       [F_MEDIA] = "media",
        [F_DEPT] = "department",     [F_AUTHOR] = "author",          [F_KEYWORDS] = "keywords",
        [F_RETENTION] = "retention", [F_ARCHCODE] = "archival_code", [F_CTYPE] = "content_type",
    };
    json_t *root = jchk(json_object());
    json_object_set_new(root, "format", jchk(json_string("wenming-package/1")));
    json_object_set_new(root, "created", jchk(json_string(created)));
    jset_str(root, "organization", w->org);
    jset_str(root, "description", w->desc);
    json_object_set_new(root, "payload_octets", jchk(json_integer((json_int_t)w->payload_bytes)));
    json_object_set_new(root, "payload_files", jchk(json_integer((json_int_t)w->ndocs)));
    json_t *docs = jchk(json_array());
    for (size_t i = 0; i < w->ndocs; i++) {
        const struct doc *d = &w->docs[i];
        json_t *o = jchk(json_object());
        char *p = wm_asprintf(PAYLOAD "%s", d->path);
        json_object_set_new(o, "path", jchk(json_string(p)));
        free(p);
        jset_str(o, "unit", d->fields[F_UNIT]);
        if (d->year > 0) {
            json_object_set_new(o, "year", jchk(json_integer(d->year)));
        }
        jset_str(o, "indicator_code", d->fields[F_ICODE]);
        jset_str(o, "indicator_title", d->fields[F_ITITLE]);
        if (d->serial > 0) {
            json_object_set_new(o, "serial", jchk(json_integer(d->serial)));
        }
        for (size_t k = F_TITLE; k < F__COUNT; k++) {
            jset_str(o, keys[k], d->fields[k]);
        }
        json_object_set_new(o, "sha256", jchk(json_string(d->sha)));
        json_object_set_new(o, "size", jchk(json_integer((json_int_t)d->size)));
        json_array_append_new(docs, o);
    }
    json_object_set_new(root, "documents", docs);
    json_t *tree = jchk(json_array());
    for (size_t i = 0; i < w->ndirs; i++) {
        if (w->dirs[i].parent == SIZE_MAX) {
            json_array_append_new(tree, json_dir(w, i));
        }
    }
    json_object_set_new(root, "tree", tree);
    json_t *top = jchk(json_array());
    for (size_t i = 0; i < w->ndocs; i++) {
        if (w->docs[i].dir == SIZE_MAX) {
            char *p = wm_asprintf(PAYLOAD "%s", w->docs[i].path);
            json_array_append_new(top, jchk(json_string(p)));
            free(p);
        }
    }
    json_object_set_new(root, "documents_at_top", top);
    char *s = json_dumps(root, JSON_INDENT(1));
    json_decref(root);
    if (s == NULL) {
        wm_panic("jansson: out of memory");
    }
    char *out = wm_asprintf("%s\n", s);
    free(s);
    return out;
}

/* ---------------------------------------------------------------- index.html */

static void
html_esc(struct wm_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            wm_buf_adds(b, "&amp;");
            break;
        case '<':
            wm_buf_adds(b, "&lt;");
            break;
        case '>':
            wm_buf_adds(b, "&gt;");
            break;
        case '"':
            wm_buf_adds(b, "&quot;");
            break;
        case '\'':
            wm_buf_adds(b, "&#39;");
            break;
        default:
            wm_buf_addc(b, *s);
            break;
        }
    }
}

/* href of a payload path: "data/" and each component percent-encoded. */
static void
html_href(struct wm_buf *b, const char *path)
{
    wm_buf_adds(b, PAYLOAD);
    const char *p = path;
    for (;;) {
        size_t n = strcspn(p, "/");
        char *c = wm_strndup(p, n);
        wm_url_encode(b, c);
        free(c);
        if (p[n] == '\0') {
            break;
        }
        wm_buf_addc(b, '/');
        p += n + 1;
    }
}

static void
fmt_size(char out[32], uint64_t n)
{
    if (n < 1024) {
        snprintf(out, 32, "%llu 字节", (unsigned long long)n);
    } else if (n < ((uint64_t)1 << 20)) {
        snprintf(out, 32, "%.1f KB", (double)n / 1024.0);
    } else if (n < ((uint64_t)1 << 30)) {
        snprintf(out, 32, "%.1f MB", (double)n / 1048576.0);
    } else {
        snprintf(out, 32, "%.2f GB", (double)n / 1073741824.0);
    }
}

static void
html_doc(const struct wm_pkg_writer *w, struct wm_buf *b, size_t idx)
{
    const struct doc *d = &w->docs[idx];
    const char *slash = strrchr(d->path, '/');
    wm_buf_adds(b, "<li class=\"doc\"><a href=\"");
    html_href(b, d->path);
    wm_buf_adds(b, "\">");
    html_esc(b, slash ? slash + 1 : d->path);
    wm_buf_adds(b, "</a>");
    char size[32];
    fmt_size(size, d->size);
    wm_buf_adds(b, " <span class=\"meta\">");

    static const enum meta_field shown[] = { F_DATE, F_DEPT, F_MEDIA, F_ARCHCODE };

    for (size_t k = 0; k < WM_ARRAY_LEN(shown); k++) {
        if (d->fields[shown[k]][0]) {
            html_esc(b, d->fields[shown[k]]);
            wm_buf_adds(b, " · ");
        }
    }
    html_esc(b, size);
    wm_buf_adds(b, "</span></li>\n");
}

static size_t
count_docs(const struct wm_pkg_writer *w, size_t idx)
{
    const struct dir *d = &w->dirs[idx];
    size_t n = d->ndocs;
    for (size_t i = 0; i < d->nkids; i++) {
        n += count_docs(w, d->kids[i]);
    }
    return n;
}

static void
html_dir(const struct wm_pkg_writer *w, struct wm_buf *b, size_t idx)
{
    const struct dir *d = &w->dirs[idx];
    const char *slash = strrchr(d->path, '/');
    size_t total = count_docs(w, idx);
    wm_buf_adds(b, "<li class=\"dir\"><details open><summary>");
    html_esc(b, slash ? slash + 1 : d->path);
    wm_buf_printf(b, " <span class=\"n%s\">（%zu 件）</span></summary>\n",
                  total == 0 ? " empty" : "", total);
    if (d->nkids == 0 && d->ndocs == 0) {
        wm_buf_adds(b, "<p class=\"none\">暂无文件</p>\n");
    } else {
        wm_buf_adds(b, "<ul>\n");
        for (size_t i = 0; i < d->ndocs; i++) {
            html_doc(w, b, d->docs[i]);
        }
        for (size_t i = 0; i < d->nkids; i++) {
            html_dir(w, b, d->kids[i]);
        }
        wm_buf_adds(b, "</ul>\n");
    }
    wm_buf_adds(b, "</details></li>\n");
}

static const char HTML_CSS[] =
    "body{font-family:\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;"
    "margin:1.5em auto;max-width:60em;padding:0 1em;color:#222;line-height:1.6}"
    "h1{font-size:1.5em;border-bottom:2px solid #b71c1c;padding-bottom:.3em}"
    "dl.info{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}"
    "dl.info dt{color:#666}dl.info dd{margin:0}"
    ".note{background:#fff8e1;border-left:4px solid #f9a825;padding:.5em 1em}"
    "ul{list-style:none;padding-left:1.2em}ul.tree{padding-left:0}"
    "summary{cursor:pointer;font-weight:bold}"
    "li.doc::before{content:\"\\1F4C4 \"}li.doc a{color:#0d47a1}"
    ".meta{color:#777;font-size:.85em}.n{color:#777;font-weight:normal}"
    ".empty{color:#c62828}.none{color:#999;margin:.2em 1.2em}"
    "@media print{details>summary{list-style:none}}";

static char *
build_html(struct wm_pkg_writer *w, const char *created)
{
    struct wm_buf b = { 0 };
    const char *org = w->org && w->org[0] ? w->org : "";
    wm_buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"zh-Hans\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<title>");
    if (org[0]) {
        html_esc(&b, org);
        wm_buf_adds(&b, " — ");
    }
    wm_buf_adds(&b, "创建档案</title>\n<style>");
    wm_buf_adds(&b, HTML_CSS);
    wm_buf_adds(&b, "</style>\n</head>\n<body>\n<h1>");
    if (org[0]) {
        html_esc(&b, org);
        wm_buf_adds(&b, " ");
    }
    wm_buf_adds(&b, "创建档案</h1>\n<dl class=\"info\">\n");
    if (w->desc && w->desc[0]) {
        wm_buf_adds(&b, "<dt>说明</dt><dd>");
        html_esc(&b, w->desc);
        wm_buf_adds(&b, "</dd>\n");
    }
    char size[32];
    fmt_size(size, w->payload_bytes);
    wm_buf_adds(&b, "<dt>生成时间</dt><dd>");
    html_esc(&b, created);
    wm_buf_printf(&b, "</dd>\n<dt>文件数</dt><dd>%zu</dd>\n<dt>总大小</dt><dd>%s</dd>\n</dl>\n",
                  w->ndocs, size);
    wm_buf_adds(&b,
                "<p class=\"note\">本页无需服务器即可离线浏览：点击文件夹展开或收起，"
                "点击文件名打开文件。文件清单及元数据见 <a href=\"%E7%9B%AE%E5%BD%95.xlsx\">目录.xlsx</a>"
                "（Excel、WPS）、<a href=\"manifest.csv\">manifest.csv</a>"
                "和 <a href=\"manifest.json\">manifest.json</a>；"
                "每个文件的 SHA-256 校验值见 <a href=\"manifest-sha256.txt\">"
                "manifest-sha256.txt</a>（BagIt 1.0，RFC 8493）。</p>\n<ul class=\"tree\">\n");
    for (size_t i = 0; i < w->ndocs; i++) {
        if (w->docs[i].dir == SIZE_MAX) {
            html_doc(w, &b, i);
        }
    }
    for (size_t i = 0; i < w->ndirs; i++) {
        if (w->dirs[i].parent == SIZE_MAX) {
            html_dir(w, &b, i);
        }
    }
    wm_buf_adds(&b, "</ul>\n</body>\n</html>\n");
    return wm_buf_steal(&b);
}

/* ---------------------------------------------------------------- finish */

int
wm_pkg_finish(struct wm_pkg_writer *w, char *err, size_t errlen)
{
    if (w->finished) {
        set_err(w, false, "导出包已结束");
    }
    if (w->failed || w->finished) {
        pkg_copy_utf8(err, errlen, w->err);
        return -1;
    }
    locale_t old = pkg_locale_enter();
    char created[32];
    wm_time_rfc3339(wm_now(), created);
    /* People read the server's local time (TZ), as the ZIP's entry times are. */
    char local[64];
    time_t now = (time_t)wm_now();
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(local, sizeof local, "%Y-%m-%d %H:%M:%S (UTC%z)", &tm);
    char bagging_date[16];
    strftime(bagging_date, sizeof bagging_date, "%Y-%m-%d", &tm);

    struct wm_buf info = { 0 };
    if (w->org && w->org[0]) {
        wm_buf_adds(&info, "Source-Organization: ");
        bag_value(&info, w->org);
        wm_buf_addc(&info, '\n');
    }
    if (w->desc && w->desc[0]) {
        wm_buf_adds(&info, "External-Description: ");
        bag_value(&info, w->desc);
        wm_buf_addc(&info, '\n');
    }
    wm_buf_printf(&info, "Bagging-Date: %s\nPayload-Oxum: %llu.%zu\n", bagging_date,
                  (unsigned long long)w->payload_bytes, w->ndocs);
    wm_buf_adds(&info, "Bag-Software-Agent: wenming " WM_VERSION "\n");

    struct wm_buf man = { 0 };
    for (size_t i = 0; i < w->ndocs; i++) {
        wm_buf_printf(&man, "%s  " PAYLOAD, w->docs[i].sha);
        bag_path(&man, w->docs[i].path);
        wm_buf_addc(&man, '\n');
    }
    struct wm_buf csv = { 0 };
    build_csv(w, &csv);
    char *json = build_json(w, created);
    char *html = build_html(w, local);
    size_t xlsx_len = 0;
    char *xlsx = build_xlsx(w, &xlsx_len);

    struct {
        const char *name;
        const char *data;
        size_t len;
    } tags[] = {
        { "bagit.txt", BAGIT_TXT, sizeof(BAGIT_TXT) - 1 },
        { "bag-info.txt", wm_buf_str(&info), info.len },
        { "manifest-sha256.txt", wm_buf_str(&man), man.len },
        { "manifest.csv", wm_buf_str(&csv), csv.len },
        { "目录.xlsx", xlsx, xlsx_len },
        { "manifest.json", json, strlen(json) },
        { "index.html", html, strlen(html) },
    };
    struct wm_buf tagman = { 0 };
    int rc = -1;
    if (xlsx == NULL) {
        goto cleanup;
    }
    for (size_t i = 0; i < WM_ARRAY_LEN(tags); i++) {
        char sha[65];
        wm_sha256_hex(tags[i].data, tags[i].len, sha);
        wm_buf_printf(&tagman, "%s  %s\n", sha, tags[i].name);
        if (i > 0 && put_small(w, tags[i].name, tags[i].data, tags[i].len) != 0) {
            goto cleanup;
        }
    }
    if (put_small(w, "tagmanifest-sha256.txt", wm_buf_str(&tagman), tagman.len) != 0) {
        goto cleanup;
    }
    int closed = archive_write_close(w->a);
    if (w->failed) {
        goto cleanup;
    }
    if (closed != ARCHIVE_OK) {
        set_err(w, true, "ZIP 结束：%s", archive_error_string(w->a));
        goto cleanup;
    }
    w->finished = true;
    if (w->progress != NULL) {
        w->progress(w->progress_cls, w->written, w->total_hint);
    }
    rc = 0;
cleanup:
    wm_buf_free(&info);
    wm_buf_free(&man);
    wm_buf_free(&csv);
    wm_buf_free(&tagman);
    free(json);
    free(html);
    free(xlsx);
    pkg_locale_leave(old);
    if (rc != 0) {
        pkg_copy_utf8(err, errlen, w->err);
    }
    return rc;
}

void
wm_pkg_writer_free(struct wm_pkg_writer *w)
{
    if (w == NULL) {
        return;
    }
    if (w->a != NULL) {
        locale_t old = pkg_locale_enter();
        if (!w->finished) {
            /* abandoned: close (which frees libarchive's buffers) into the void */
            w->discard = true;
            (void)archive_write_close(w->a);
        }
        archive_write_free(w->a);
        pkg_locale_leave(old);
    }
    for (size_t i = 0; i < w->ndocs; i++) {
        free(w->docs[i].path);
        for (size_t k = 0; k < F__COUNT; k++) {
            free(w->docs[i].fields[k]);
        }
    }
    free(w->docs);
    for (size_t i = 0; i < w->ndirs; i++) {
        free(w->dirs[i].path);
        free(w->dirs[i].kids);
        free(w->dirs[i].docs);
    }
    free(w->dirs);
    pkg_set_free(&w->dirset);
    pkg_set_free(&w->fileset);
    free(w->chunk);
    free(w->org);
    free(w->desc);
    free(w);
}

/* end of writer.c */
