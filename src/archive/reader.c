/*
** reader.c — the import side: walk a ZIP (libarchive) or a directory tree and hand each
** file to a callback as a stream, refusing what could escape or explode.
**
** Names: under a per-thread UTF-8 locale libarchive returns a UTF-8-flagged name as UTF-8
** and an unflagged one as its raw bytes; raw bytes that are not UTF-8 are taken as GB18030
** (GBK), which is what Windows' own ZIP tool writes on Chinese systems.
**
** Paths: '\' counts as a separator too; empty and "." components are dropped; a ".."
** component, a leading '/' or '\', or a drive letter refuse the entry.  In directory mode
** every directory is opened with O_NOFOLLOW relative to its parent's descriptor and every
** file with O_NOFOLLOW, then checked with fstat, so no symbolic link is ever followed and
** nothing can be swapped in between the check and the open.
**
** Bombs: entry count (counted on a first pass over the headers, before any data is
** inflated), bytes produced per entry and in all, an entry producing more than its
** header declares, and the ratio of bytes produced to compressed bytes consumed (per
** entry, from libarchive's read position) and to the ZIP's file size (overall).
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <strings.h>

#include "pkg_int.h"
#include "wm_archive.h"
#include "wm_util.h"

#include "banned.h"

struct rd {
    struct wm_pkg_limits lim;
    int (*cb)(void *cls, const struct wm_pkg_entry *e, struct wm_pkg_stream *s);
    void *cls;
    uint64_t total;     /* bytes produced so far */
    uint64_t file_size; /* ZIP mode: the file's size */
    uint64_t nentries;
    bool fatal;
    char err[512];
    struct pkg_set seen; /* accepted paths */
    char **bag_root;     /* components of the bag's root; NULL when not a bag */
    size_t bag_nroot;
    bool has_bag;
};

struct wm_pkg_stream {
    struct rd *r;
    struct archive *a; /* ZIP mode */
    int fd;            /* directory mode */
    const char *name;
    uint64_t declared;
    uint64_t produced;
    int64_t start_pos;
    bool eof;
    bool failed;
    char err[512];
};

void
wm_pkg_limits_default(struct wm_pkg_limits *lim)
{
    lim->max_total = (uint64_t)8 << 30;
    lim->max_entry = (uint64_t)2 << 30;
    lim->max_entries = 100000;
    lim->max_ratio = 200;
    lim->max_ratio_total = 50;
    lim->ratio_floor = (uint64_t)1 << 20;
    lim->max_depth = 32;
}

static const char *
aerr(struct archive *a)
{
    const char *s = archive_error_string(a);
    return s != NULL ? s : "未知错误";
}

static void fatal(struct rd *r, const char *fmt, ...) WM_PRINTF(2, 3);

static void
fatal(struct rd *r, const char *fmt, ...)
{
    if (r->fatal) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    struct wm_buf b = { 0 };
    wm_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    pkg_copy_utf8(r->err, sizeof(r->err), wm_buf_str(&b));
    wm_buf_free(&b);
    r->fatal = true;
    wm_log(WM_LOG_INFO, "archive: import refused: %s", r->err);
}

static ssize_t
stream_fail(struct wm_pkg_stream *s)
{
    s->failed = true;
    pkg_copy_utf8(s->err, sizeof(s->err), s->r->err);
    return -1;
}

const char *
wm_pkg_stream_error(const struct wm_pkg_stream *s)
{
    return s->err;
}

ssize_t
wm_pkg_stream_read(struct wm_pkg_stream *s, void *buf, size_t n)
{
    struct rd *r = s->r;
    if (s->failed || r->fatal) {
        return s->failed ? -1 : stream_fail(s);
    }
    if (s->eof || n == 0) {
        return 0;
    }
    ssize_t got;
    if (s->a != NULL) {
        locale_t old = pkg_locale_enter();
        got = archive_read_data(s->a, buf, n);
        if (got < 0) {
            fatal(r, "ZIP 数据损坏：“%s”：%s", s->name, aerr(s->a));
        }
        pkg_locale_leave(old);
        if (got < 0) {
            return stream_fail(s);
        }
    } else {
        /* a file that grows while it is read is cut at the size lstat gave */
        uint64_t left = s->declared - s->produced;
        if (left == 0) {
            s->eof = true;
            return 0;
        }
        if (n > left) {
            n = (size_t)left;
        }
        do {
            got = read(s->fd, buf, n);
        } while (got < 0 && errno == EINTR);
        if (got < 0) {
            fatal(r, "读取“%s”：%s", s->name, strerror(errno));
            return stream_fail(s);
        }
    }
    if (got == 0) {
        s->eof = true;
        return 0;
    }
    s->produced += (uint64_t)got;
    r->total += (uint64_t)got;
    const struct wm_pkg_limits *l = &r->lim;
    if (s->produced > s->declared) {
        fatal(r, "压缩炸弹：“%s”解压后超过其声明的 %llu 字节", s->name,
              (unsigned long long)s->declared);
    } else if (s->produced > l->max_entry) {
        fatal(r, "压缩炸弹：“%s”解压后超过单个文件上限 %llu 字节", s->name,
              (unsigned long long)l->max_entry);
    } else if (r->total > l->max_total) {
        fatal(r, "压缩炸弹：解压总量超过上限 %llu 字节", (unsigned long long)l->max_total);
    } else if (s->a != NULL && s->produced >= l->ratio_floor) {
        int64_t used = archive_filter_bytes(s->a, -1) - s->start_pos;
        uint64_t consumed = used > 0 ? (uint64_t)used : 1;
        if (s->produced / consumed > l->max_ratio) {
            fatal(r, "压缩炸弹：“%s”的压缩比超过 %u:1（%llu 字节由 %llu 字节解出）", s->name,
                  l->max_ratio, (unsigned long long)s->produced, (unsigned long long)consumed);
        }
    }
    if (!r->fatal && s->a != NULL && r->total >= l->ratio_floor &&
        r->total / (r->file_size ? r->file_size : 1) > l->max_ratio_total) {
        fatal(r, "压缩炸弹：解压总量与压缩包大小之比超过 %u:1", l->max_ratio_total);
    }
    if (r->fatal) {
        return stream_fail(s);
    }
    return got;
}

/* ---------------------------------------------------------------- paths */

struct path {
    char **comp;
    size_t n, cap;
};

static void
path_free(struct path *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->comp[i]);
    }
    free(p->comp);
    p->comp = NULL;
    p->n = p->cap = 0;
}

static void
path_push(struct path *p, const char *s, size_t n)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->comp = wm_realloc(p->comp, p->cap * sizeof(char *));
    }
    p->comp[p->n++] = wm_strndup(s, n);
}

/* Split and normalise a (UTF-8) name; WM_PKG_OK or the refusal. */
static enum wm_pkg_refusal
split_name(const char *name, struct path *out)
{
    if (name[0] == '/' || name[0] == '\\') {
        return WM_PKG_R_ABSOLUTE;
    }
    if (((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')) &&
        name[1] == ':') {
        return WM_PKG_R_ABSOLUTE;
    }
    const char *p = name;
    for (;;) {
        size_t n = strcspn(p, "/\\");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            path_free(out);
            return WM_PKG_R_TRAVERSAL;
        }
        if (n > 0 && !(n == 1 && p[0] == '.')) {
            path_push(out, p, n);
        }
        if (p[n] == '\0') {
            break;
        }
        p += n + 1;
    }
    return WM_PKG_OK;
}

static bool
is_junk(const struct path *p)
{
    for (size_t i = 0; i < p->n; i++) {
        if (strcmp(p->comp[i], "__MACOSX") == 0) {
            return true;
        }
    }
    if (p->n == 0) {
        return true;
    }
    const char *last = p->comp[p->n - 1];
    return strcmp(last, ".DS_Store") == 0 || strcasecmp(last, "Thumbs.db") == 0 ||
           strcasecmp(last, "desktop.ini") == 0 || wm_startswith(last, "._");
}

static bool
is_tag_file(const char *s)
{
    return strcmp(s, "bagit.txt") == 0 || strcmp(s, "bag-info.txt") == 0 ||
           strcmp(s, "fetch.txt") == 0 || wm_startswith(s, "manifest") ||
           wm_startswith(s, "tagmanifest-") || strcmp(s, "index.html") == 0 ||
           strcmp(s, "目录.xlsx") == 0;
}

/* Apply the bag rules: false when the entry is a tag file to skip; else *from is the index
** of the first component of the payload path. */
static bool
bag_strip(const struct rd *r, const struct path *p, size_t *from)
{
    *from = 0;
    if (!r->has_bag) {
        return !(p->n == 1 && is_tag_file(p->comp[0]));
    }
    if (p->n <= r->bag_nroot) {
        return true;
    }
    for (size_t i = 0; i < r->bag_nroot; i++) {
        if (strcmp(p->comp[i], r->bag_root[i]) != 0) {
            return true;
        }
    }
    size_t k = r->bag_nroot;
    if (p->n == k + 1 && is_tag_file(p->comp[k])) {
        return false;
    }
    if (p->n >= k + 2 && strcmp(p->comp[k], "data") == 0) {
        *from = k + 1;
    } else {
        *from = k;
    }
    return true;
}

enum kind {
    K_FILE,
    K_DIR,
    K_LINK,
    K_SPECIAL,
    K_DEEP, /* directory mode: a folder below max_depth */
};

/*
** One entry: checks, then the callback.  Returns 0 to go on, else the value to end the
** walk with (the callback's, or -1 when r->fatal).
*/
static int
handle(struct rd *r,
       const char *raw,
       enum kind kind,
       bool encrypted,
       uint64_t size,
       time_t mtime,
       struct wm_pkg_stream *s)
{
    if (++r->nentries > r->lim.max_entries) {
        fatal(r, "压缩包条目超过上限 %llu 个", (unsigned long long)r->lim.max_entries);
        return -1;
    }
    const char *enc = NULL;
    char *name = pkg_name_to_utf8(raw, strlen(raw), &enc);
    struct path p = { 0 };
    struct wm_buf joined = { 0 };
    struct wm_pkg_entry e = { 0 };
    e.name = name;
    e.size = size;
    e.mtime = mtime;
    e.encoding = enc;
    e.refusal = split_name(name, &p);
    int rc = 0;
    size_t from = 0;
    if (e.refusal == WM_PKG_OK) {
        if (is_junk(&p) || kind == K_DIR || !bag_strip(r, &p, &from)) {
            goto cleanup;
        }
        for (size_t i = from; i < p.n; i++) {
            if (i > from) {
                wm_buf_addc(&joined, '/');
            }
            wm_buf_adds(&joined, p.comp[i]);
        }
        e.path = wm_buf_str(&joined);
        e.ncomp = p.n - from;
        e.comp = p.comp + from;
        if (kind == K_LINK) {
            e.refusal = WM_PKG_R_LINK;
        } else if (kind == K_SPECIAL) {
            e.refusal = WM_PKG_R_SPECIAL;
        } else if (encrypted) {
            e.refusal = WM_PKG_R_ENCRYPTED;
        } else if (kind == K_DEEP || p.n > r->lim.max_depth) {
            e.refusal = WM_PKG_R_TOO_DEEP;
        } else if (size > r->lim.max_entry) {
            e.refusal = WM_PKG_R_TOO_LARGE;
        } else if (!pkg_set_add(&r->seen, e.path)) {
            e.refusal = WM_PKG_R_DUPLICATE;
        }
    }
    static const char *const reasons[] = {
        [WM_PKG_OK] = NULL,
        [WM_PKG_R_TRAVERSAL] = "路径含“..”，可能越出目标目录",
        [WM_PKG_R_ABSOLUTE] = "绝对路径或盘符",
        [WM_PKG_R_LINK] = "链接（符号链接或硬链接）不导入",
        [WM_PKG_R_SPECIAL] = "设备、管道等特殊文件不导入",
        [WM_PKG_R_ENCRYPTED] = "加密的条目不导入",
        [WM_PKG_R_TOO_LARGE] = "文件超过大小上限",
        [WM_PKG_R_TOO_DEEP] = "文件夹层级过深",
        [WM_PKG_R_DUPLICATE] = "与前面的条目路径相同",
        [WM_PKG_R_UNREADABLE] = "无法打开",
    };
    if (e.refusal == WM_PKG_R_UNREADABLE || s == NULL) {
        if (e.refusal == WM_PKG_OK) {
            e.refusal = WM_PKG_R_UNREADABLE;
        }
    }
    e.reason = reasons[e.refusal];
    if (e.refusal != WM_PKG_OK) {
        if (e.refusal == WM_PKG_R_TRAVERSAL || e.refusal == WM_PKG_R_ABSOLUTE) {
            e.path = NULL;
            e.ncomp = 0;
            e.comp = NULL;
        }
        rc = r->cb(r->cls, &e, NULL);
    } else {
        s->name = name;
        s->declared = size;
        rc = r->cb(r->cls, &e, s);
    }
    if (r->fatal) {
        rc = -1;
    } else if (rc != 0) {
        char *m = wm_asprintf("导入被调用方中止（在“%s”）", name);
        pkg_copy_utf8(r->err, sizeof(r->err), m);
        free(m);
    }
cleanup:
    path_free(&p);
    wm_buf_free(&joined);
    free(name);
    return rc;
}

/* ---------------------------------------------------------------- ZIP mode */

static void
set_bag_root(struct rd *r, const struct path *p, size_t nroot)
{
    r->has_bag = true;
    r->bag_nroot = nroot;
    r->bag_root = wm_calloc(nroot + 1, sizeof(char *));
    for (size_t i = 0; i < nroot; i++) {
        r->bag_root[i] = wm_strdup(p->comp[i]);
    }
}

/* First pass: count entries, find a bag's root. */
/* Open file as a ZIP; NULL (and a fatal problem) when it is not one. */
static struct archive *
zip_open(struct rd *r, const char *file)
{
    struct archive *a = archive_read_new();
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, file, 65536) != ARCHIVE_OK) {
        fatal(r, "不是可读的 ZIP 文件：%s", aerr(a));
        archive_read_free(a);
        return NULL;
    }
    return a;
}

/* The next entry: 1, 0 at the end, -1 (and a fatal problem) when the ZIP is damaged. */
static int
zip_next(struct rd *r, struct archive *a, struct archive_entry **ent)
{
    int x = archive_read_next_header(a, ent);
    if (x == ARCHIVE_EOF) {
        return 0;
    }
    if (x < ARCHIVE_WARN) {
        fatal(r, "ZIP 损坏：%s", aerr(a));
        return -1;
    }
    return 1;
}

static int
zip_prepass(struct rd *r, const char *file)
{
    struct archive *a = zip_open(r, file);
    if (a == NULL) {
        return -1;
    }
    int rc = -1;
    uint64_t count = 0;
    bool top_bag = false;
    struct path inner = { 0 };
    size_t inner_roots = 0;
    struct archive_entry *ent;
    int x;
    while ((x = zip_next(r, a, &ent)) > 0) {
        if (++count > r->lim.max_entries) {
            fatal(r, "压缩包条目超过上限 %llu 个", (unsigned long long)r->lim.max_entries);
            goto cleanup;
        }
        const char *raw = archive_entry_pathname(ent);
        if (raw != NULL && strstr(raw, "bagit.txt") != NULL) {
            const char *enc;
            char *name = pkg_name_to_utf8(raw, strlen(raw), &enc);
            struct path p = { 0 };
            if (split_name(name, &p) == WM_PKG_OK) {
                if (p.n == 1 && strcmp(p.comp[0], "bagit.txt") == 0) {
                    top_bag = true;
                } else if (p.n == 2 && strcmp(p.comp[1], "bagit.txt") == 0) {
                    if (inner_roots++ == 0) {
                        path_free(&inner);
                        inner = p;
                        p = (struct path){ 0 };
                    }
                }
            }
            path_free(&p);
            free(name);
        }
    }
    if (x < 0) {
        goto cleanup;
    }
    if (top_bag) {
        set_bag_root(r, &inner, 0);
    } else if (inner_roots == 1) {
        set_bag_root(r, &inner, 1);
    }
    rc = 0;
cleanup:
    path_free(&inner);
    archive_read_free(a);
    return rc;
}

static int
read_zip(struct rd *r, const char *file)
{
    struct stat st;
    if (stat(file, &st) != 0) {
        fatal(r, "\"%s\": %s", file, strerror(errno));
        return -1;
    }
    r->file_size = (uint64_t)st.st_size;
    if (zip_prepass(r, file) != 0) {
        return -1;
    }
    r->nentries = 0;
    struct archive *a = zip_open(r, file);
    if (a == NULL) {
        return -1;
    }
    int rc = -1;
    struct archive_entry *ent;
    int x;
    while ((x = zip_next(r, a, &ent)) > 0) {
        const char *raw = archive_entry_pathname(ent);
        if (raw == NULL) {
            raw = archive_entry_pathname_utf8(ent);
        }
        if (raw == NULL) {
            raw = "";
        }
        enum kind kind;
        switch (archive_entry_filetype(ent)) {
        case AE_IFREG:
            kind = K_FILE;
            break;
        case AE_IFDIR:
            kind = K_DIR;
            break;
        case AE_IFLNK:
            kind = K_LINK;
            break;
        default:
            kind = K_SPECIAL;
            break;
        }
        if (archive_entry_hardlink(ent) != NULL || archive_entry_symlink(ent) != NULL) {
            kind = K_LINK;
        }
        uint64_t size = archive_entry_size_is_set(ent) && archive_entry_size(ent) > 0
                            ? (uint64_t)archive_entry_size(ent)
                            : 0;
        if (!archive_entry_size_is_set(ent)) {
            size = r->lim.max_entry; /* unknown: the per-entry limit bounds it */
        }
        struct wm_pkg_stream s = { .r = r, .a = a, .fd = -1 };
        s.start_pos = archive_filter_bytes(a, -1);
        bool enc = archive_entry_is_encrypted(ent) != 0;
        int h = handle(r, raw, kind, enc, size, archive_entry_mtime(ent), &s);
        if (h != 0) {
            rc = h;
            goto cleanup;
        }
    }
    if (x < 0) {
        goto cleanup;
    }
    rc = 0;
cleanup:
    archive_read_free(a);
    return rc;
}

/* ---------------------------------------------------------------- directory mode */

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of a directory (without "." and ".."); NULL with errno on failure. */
static char **
list_dir(int dirfd, size_t *n)
{
    int fd = dup(dirfd);
    if (fd < 0) {
        return NULL;
    }
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        int e = errno;
        close(fd);
        errno = e;
        return NULL;
    }
    rewinddir(d);
    char **names = NULL;
    size_t len = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        if (len == cap) {
            cap = cap ? cap * 2 : 32;
            names = wm_realloc(names, cap * sizeof(char *));
        }
        names[len++] = wm_strdup(de->d_name);
    }
    closedir(d);
    if (len > 0) {
        qsort(names, len, sizeof(char *), cmp_str);
    }
    *n = len;
    if (names == NULL) {
        names = wm_calloc(1, sizeof(char *));
    }
    return names;
}

static void
free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
}

static int
walk(struct rd *r, int dirfd, const char *prefix, unsigned depth)
{
    size_t n = 0;
    char **names = list_dir(dirfd, &n);
    if (names == NULL) {
        fatal(r, "读取文件夹“%s”：%s", prefix[0] ? prefix : ".", strerror(errno));
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *rel = prefix[0] ? wm_asprintf("%s/%s", prefix, names[i]) : wm_strdup(names[i]);
        struct stat st;
        if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
            rc = handle(r, rel, K_FILE, false, 0, 0, NULL);
        } else if (S_ISLNK(st.st_mode)) {
            rc = handle(r, rel, K_LINK, false, 0, st.st_mtime, NULL);
        } else if (S_ISDIR(st.st_mode)) {
            if (++r->nentries > r->lim.max_entries) {
                fatal(r, "文件夹中的条目超过上限 %llu 个", (unsigned long long)r->lim.max_entries);
                rc = -1;
            } else if (strcmp(names[i], "__MACOSX") == 0) {
                /* skipped */
            } else if (depth + 1 >= r->lim.max_depth) {
                rc = handle(r, rel, K_DEEP, false, 0, st.st_mtime, NULL);
            } else {
                int sub = openat(dirfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0) {
                    rc = handle(r, rel, errno == ELOOP ? K_LINK : K_FILE, false, 0, st.st_mtime,
                                NULL);
                } else {
                    rc = walk(r, sub, rel, depth + 1);
                    close(sub);
                }
            }
        } else if (!S_ISREG(st.st_mode)) {
            rc = handle(r, rel, K_SPECIAL, false, 0, st.st_mtime, NULL);
        } else {
            int fd =
                openat(dirfd, names[i], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
            struct stat fst;
            if (fd < 0) {
                rc = handle(r, rel, errno == ELOOP ? K_LINK : K_FILE, false, 0, st.st_mtime, NULL);
            } else if (fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode)) {
                rc = handle(r, rel, K_SPECIAL, false, 0, st.st_mtime, NULL);
            } else {
                (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
                struct wm_pkg_stream s = { .r = r, .fd = fd };
                rc = handle(r, rel, K_FILE, false, (uint64_t)fst.st_size, fst.st_mtime, &s);
            }
            if (fd >= 0) {
                close(fd);
            }
        }
        free(rel);
    }
    free_names(names, n);
    return rc;
}

/* A bag at the top of the directory, or in its only folder. */
static void
dir_find_bag(struct rd *r, int rootfd)
{
    struct stat st;
    if (fstatat(rootfd, "bagit.txt", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
        struct path none = { 0 };
        set_bag_root(r, &none, 0);
        return;
    }
    size_t n = 0;
    char **names = list_dir(rootfd, &n);
    if (names == NULL) {
        return;
    }
    const char *only = NULL;
    size_t visible = 0;
    for (size_t i = 0; i < n; i++) {
        struct path p = { 0 };
        path_push(&p, names[i], strlen(names[i]));
        if (!is_junk(&p)) {
            visible++;
            only = names[i];
        }
        path_free(&p);
    }
    if (visible == 1) {
        int sub = openat(rootfd, only, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub >= 0) {
            if (fstatat(sub, "bagit.txt", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)) {
                const char *enc;
                char *u = pkg_name_to_utf8(only, strlen(only), &enc);
                struct path p = { 0 };
                path_push(&p, u, strlen(u));
                set_bag_root(r, &p, 1);
                path_free(&p);
                free(u);
            }
            close(sub);
        }
    }
    free_names(names, n);
}

/* ---------------------------------------------------------------- entry point */

int
wm_pkg_read_each(const char *path,
                 const struct wm_pkg_limits *lim,
                 int (*cb)(void *cls, const struct wm_pkg_entry *e, struct wm_pkg_stream *s),
                 void *cls,
                 char *err,
                 size_t errlen)
{
    struct rd r = { 0 };
    wm_pkg_limits_default(&r.lim);
    if (lim != NULL) {
        r.lim.max_total = lim->max_total ? lim->max_total : r.lim.max_total;
        r.lim.max_entry = lim->max_entry ? lim->max_entry : r.lim.max_entry;
        r.lim.max_entries = lim->max_entries ? lim->max_entries : r.lim.max_entries;
        r.lim.max_ratio = lim->max_ratio ? lim->max_ratio : r.lim.max_ratio;
        r.lim.max_ratio_total = lim->max_ratio_total ? lim->max_ratio_total : r.lim.max_ratio_total;
        r.lim.ratio_floor = lim->ratio_floor ? lim->ratio_floor : r.lim.ratio_floor;
        r.lim.max_depth = lim->max_depth ? lim->max_depth : r.lim.max_depth;
    }
    r.cb = cb;
    r.cls = cls;
    int rc;
    locale_t old = pkg_locale_enter();
    struct stat st;
    if (stat(path, &st) != 0) {
        fatal(&r, "\"%s\": %s", path, strerror(errno));
        rc = -1;
    } else if (S_ISDIR(st.st_mode)) {
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            fatal(&r, "\"%s\": %s", path, strerror(errno));
            rc = -1;
        } else {
            dir_find_bag(&r, fd);
            rc = walk(&r, fd, "", 0);
            close(fd);
        }
    } else {
        rc = read_zip(&r, path);
    }
    pkg_locale_leave(old);
    if (r.fatal) {
        rc = -1;
    }
    pkg_copy_utf8(err, errlen, rc != 0 ? r.err : "");
    pkg_set_free(&r.seen);
    if (r.bag_root != NULL) {
        for (size_t i = 0; i < r.bag_nroot; i++) {
            free(r.bag_root[i]);
        }
        free(r.bag_root);
    }
    return rc;
}

/* end of reader.c */
