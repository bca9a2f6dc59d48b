/*
** media.c — content type detection: libmagic (one handle per thread), refined for ZIP-based
** and OLE2-based office formats and for plain text; the allow-list.
*/
/* clang-format off */
#include "wm_media.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

#include <magic.h>

#include "media_int.h"

#include "banned.h"

/* clang-format on */

/* ---------------------------------------------------------------- known types */

struct wm_mtype {
    const char *mime;    /* canonical */
    const char *aliases; /* other names libmagic uses, comma-separated, or NULL */
    const char *ext;     /* with the dot: ".pdf"; "" when the type has none */
    const char *kind;
    const char *desc;    /* used when we, not libmagic, decided the type */
    const char *label;   /* what a person calls it (gettext msgid) */
    const char *exts;    /* other extensions that name the same type, comma-separated */
};

static const struct wm_mtype wm_mtypes[] = {
    { "application/pdf", NULL, ".pdf", "text", "PDF document", N_("PDF 文档"), NULL },
    { "application/ofd", NULL, ".ofd", "text", "OFD document", N_("OFD 版式文档"), NULL },
    { "application/msword", NULL, ".doc", "text", "Microsoft Word document", N_("Word 文档"),
      "dot" },
    { "application/vnd.openxmlformats-officedocument.wordprocessingml.document", NULL, ".docx",
      "text", "Microsoft Word 2007+ document", N_("Word 文档"), "docm" },
    { "application/vnd.ms-excel", NULL, ".xls", "text", "Microsoft Excel workbook",
      N_("Excel 表格"), "xlt" },
    { "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", NULL, ".xlsx", "text",
      "Microsoft Excel 2007+ workbook", N_("Excel 表格"), "xlsm" },
    { "application/vnd.ms-powerpoint", NULL, ".ppt", "text", "Microsoft PowerPoint presentation",
      N_("PowerPoint 演示文稿"), "pps" },
    { "application/vnd.openxmlformats-officedocument.presentationml.presentation", NULL, ".pptx",
      "text", "Microsoft PowerPoint 2007+ presentation", N_("PowerPoint 演示文稿"), "ppsx" },
    { "application/wps-office.wps", NULL, ".wps", "text", "Kingsoft WPS Writer document",
      N_("WPS 文字文档"), NULL },
    { "application/wps-office.et", NULL, ".et", "text", "Kingsoft WPS Spreadsheets workbook",
      N_("WPS 表格"), NULL },
    { "application/wps-office.dps", NULL, ".dps", "text", "Kingsoft WPS Presentation",
      N_("WPS 演示文稿"), NULL },
    { "application/vnd.oasis.opendocument.text", NULL, ".odt", "text", "OpenDocument Text",
      N_("ODF 文本文档"), NULL },
    { "application/vnd.oasis.opendocument.spreadsheet", NULL, ".ods", "text",
      "OpenDocument Spreadsheet", N_("ODF 电子表格"), NULL },
    { "application/vnd.oasis.opendocument.presentation", NULL, ".odp", "text",
      "OpenDocument Presentation", N_("ODF 演示文稿"), NULL },
    { "application/rtf", "text/rtf", ".rtf", "text", "Rich Text Format document",
      N_("RTF 文档"), NULL },
    { "text/plain", NULL, ".txt", "text", "text", N_("纯文本文件"), "text,log" },
    { "text/csv", NULL, ".csv", "text", "CSV text", N_("CSV 表格"), NULL },
    { "image/jpeg", NULL, ".jpg", "photo", "JPEG image", N_("JPEG 图片"), "jpeg,jpe,jfif" },
    { "image/png", NULL, ".png", "photo", "PNG image", N_("PNG 图片"), NULL },
    { "image/gif", NULL, ".gif", "photo", "GIF image", N_("GIF 图片"), NULL },
    { "image/webp", NULL, ".webp", "photo", "WebP image", N_("WebP 图片"), NULL },
    { "image/heic", "image/heic-sequence", ".heic", "photo", "HEIC image", N_("HEIC 图片"),
      NULL },
    { "image/heif", "image/heif-sequence", ".heif", "photo", "HEIF image", N_("HEIF 图片"),
      NULL },
    { "image/tiff", NULL, ".tif", "photo", "TIFF image", N_("TIFF 图片"), "tiff" },
    { "image/bmp", "image/x-ms-bmp", ".bmp", "photo", "BMP image", N_("BMP 图片"), NULL },
    { "audio/mpeg", NULL, ".mp3", "audiovisual", "MP3 audio", N_("MP3 音频"), NULL },
    { "audio/wav", "audio/x-wav,audio/wave,audio/vnd.wave", ".wav", "audiovisual", "WAV audio",
      N_("WAV 音频"), "wave" },
    { "audio/aac", "audio/x-hx-aac-adts,audio/x-aac,audio/x-hx-aac-adif", ".aac", "audiovisual",
      "AAC audio", N_("AAC 音频"), NULL },
    { "audio/mp4", "audio/x-m4a", ".m4a", "audiovisual", "MPEG-4 audio", N_("M4A 音频"), NULL },
    { "audio/flac", "audio/x-flac", ".flac", "audiovisual", "FLAC audio", N_("FLAC 音频"), NULL },
    { "video/mp4", NULL, ".mp4", "audiovisual", "MP4 video", N_("MP4 视频"), "m4v" },
    { "video/quicktime", NULL, ".mov", "audiovisual", "QuickTime video", N_("MOV 视频"), "qt" },
    { "video/x-msvideo", NULL, ".avi", "audiovisual", "AVI video", N_("AVI 视频"), NULL },
    { "video/x-matroska", NULL, ".mkv", "audiovisual", "Matroska video", N_("MKV 视频"), NULL },
    { "video/x-ms-asf", "video/x-ms-wmv,video/x-ms-asf-plugin", ".wmv", "audiovisual",
      "Windows Media video", N_("WMV 视频"), "asf" },
    { "video/mpeg", NULL, ".mpg", "audiovisual", "MPEG video", N_("MPEG 视频"), "mpeg" },
    { "video/3gpp", NULL, ".3gp", "audiovisual", "3GPP video", N_("3GP 视频"), NULL },
    { "application/zip", NULL, ".zip", "", "ZIP archive", N_("ZIP 压缩包"), NULL },
    { "application/x-ole-storage", "application/CDFV2", "", "", "Office document (OLE)",
      N_("无法识别的 Office 复合文档"), NULL },
};

/* Types the archive never accepts, named for the refusal message (what a person calls them). */
static const struct wm_mtype wm_mtypes_other[] = {
    { "text/x-shellscript", "text/x-sh,application/x-sh,application/x-shellscript", ".sh", "", "",
      N_("shell 脚本"), "bash" },
    { "text/html", "application/xhtml+xml", ".html", "", "", N_("HTML 网页"), "htm,xhtml,hta" },
    { "text/xml", "application/xml", ".xml", "", "", N_("XML 文件"), NULL },
    { "image/svg+xml", NULL, ".svg", "", "", N_("SVG 矢量图"), NULL },
    { "text/javascript", "application/javascript,application/x-javascript,text/x-javascript",
      ".js", "", "", N_("JavaScript 脚本"), "mjs" },
    { "text/x-script.python", "text/x-python", ".py", "", "", N_("Python 脚本"), NULL },
    { "text/x-perl", NULL, ".pl", "", "", N_("Perl 脚本"), NULL },
    { "text/x-php", NULL, ".php", "", "", N_("PHP 脚本"), NULL },
    { "text/x-msdos-batch", NULL, ".bat", "", "", N_("Windows 批处理脚本"), "cmd" },
    { "text/x-c", "text/x-c++", ".c", "", "", N_("程序源代码"), NULL },
    { "application/x-executable", "application/x-pie-executable,application/x-sharedlib",
      "", "", "", N_("Linux 可执行程序"), NULL },
    { "application/x-dosexec", "application/vnd.microsoft.portable-executable", ".exe", "", "",
      N_("Windows 可执行程序"), "dll,scr,com" },
    { "application/x-msi", NULL, ".msi", "", "", N_("Windows 安装包"), NULL },
    { "application/vnd.rar", "application/x-rar", ".rar", "", "", N_("RAR 压缩包"), NULL },
    { "application/x-7z-compressed", NULL, ".7z", "", "", N_("7z 压缩包"), NULL },
    { "application/gzip", "application/x-gzip", ".gz", "", "", N_("gzip 压缩包"), NULL },
    { "application/x-xz", NULL, ".xz", "", "", N_("xz 压缩包"), NULL },
    { "application/x-bzip2", NULL, ".bz2", "", "", N_("bzip2 压缩包"), NULL },
    { "application/x-tar", NULL, ".tar", "", "", N_("tar 归档"), NULL },
    { "application/epub+zip", NULL, ".epub", "", "", N_("EPUB 电子书"), NULL },
    { "application/java-archive", NULL, ".jar", "", "", N_("Java 程序包"), NULL },
    { "application/x-empty", "inode/x-empty", "", "", "", N_("空文件"), NULL },
    { "application/octet-stream", NULL, "", "", "", N_("无法识别的二进制数据"), NULL },
};

static bool
csv_has(const char *csv, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = csv; p && *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == wl && 0 == strncasecmp(p, word, l)) {
            return true;
        }
        p = e ? e + 1 : NULL;
    }
    return false;
}

static const struct wm_mtype *
mtype_find(const char *mime)
{
    for (size_t i = 0; i < WM_ARRAY_LEN(wm_mtypes); i++) {
        if (0 == strcasecmp(wm_mtypes[i].mime, mime) || csv_has(wm_mtypes[i].aliases, mime)) {
            return &wm_mtypes[i];
        }
    }
    return NULL;
}

static void
copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* Set the type from our table; desc too when @a ours (we decided it, not libmagic). */
static void
set_type(struct wm_media_info *out, const char *mime, bool ours)
{
    const struct wm_mtype *t = mtype_find(mime);
    if (t) {
        copy(out->mime, sizeof out->mime, t->mime);
        copy(out->ext, sizeof out->ext, t->ext[0] ? t->ext + 1 : "");
        copy(out->kind, sizeof out->kind, t->kind);
        if (ours) {
            copy(out->desc, sizeof out->desc, t->desc);
        }
    } else {
        if (mime != out->mime) {
            copy(out->mime, sizeof out->mime, mime);
        }
        out->ext[0] = '\0';
        out->kind[0] = '\0';
    }
}

/* ---------------------------------------------------------------- libmagic per thread */

static pthread_key_t magic_key;
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;
static bool magic_key_ok;

static void
magic_destroy(void *p)
{
    magic_close((magic_t)p);
}

static void
magic_key_init(void)
{
    magic_key_ok = 0 == pthread_key_create(&magic_key, magic_destroy);
}

static magic_t
magic_get(void)
{
    pthread_once(&magic_once, magic_key_init);
    if (!magic_key_ok) {
        return NULL;
    }
    magic_t m = pthread_getspecific(magic_key);
    if (m) {
        return m;
    }
    m = magic_open(MAGIC_MIME_TYPE);
    if (NULL == m) {
        wm_log(WM_LOG_ERROR, "media: magic_open: %s", strerror(errno));
        return NULL;
    }
    if (magic_load(m, NULL)) {
        wm_log(WM_LOG_ERROR, "media: magic_load: %s", magic_error(m));
        magic_close(m);
        return NULL;
    }
    if (pthread_setspecific(magic_key, m)) {
        magic_close(m);
        return NULL;
    }
    return m;
}

void
wm_media_thread_end(void)
{
    pthread_once(&magic_once, magic_key_init);
    if (magic_key_ok) {
        magic_t m = pthread_getspecific(magic_key);
        if (m) {
            magic_close(m);
            (void)pthread_setspecific(magic_key, NULL);
        }
    }
}

/* libmagic's mime type and description of [p, p+n); false when libmagic is unusable. */
static bool
magic_ask(const void *p, size_t n, struct wm_media_info *out)
{
    magic_t m = magic_get();
    if (NULL == m) {
        return false;
    }
    const char *r;
    if (magic_setflags(m, MAGIC_MIME_TYPE) || NULL == (r = magic_buffer(m, p, n))) {
        wm_log(WM_LOG_ERROR, "media: magic_buffer: %s", magic_error(m));
        return false;
    }
    copy(out->mime, sizeof out->mime, r);
    if (magic_setflags(m, MAGIC_NONE) || NULL == (r = magic_buffer(m, p, n))) {
        wm_log(WM_LOG_ERROR, "media: magic_buffer: %s", magic_error(m));
        return false;
    }
    copy(out->desc, sizeof out->desc, r);
    wm_media_utf8_cut(out->desc);
    return true;
}

/* ---------------------------------------------------------------- text */

/* Valid UTF-8 except possibly a sequence cut by the end of a truncated head. */
static bool
text_utf8(const unsigned char *s, size_t n, bool truncated)
{
    size_t i = 0;
    if (n >= 3 && 0xEF == s[0] && 0xBB == s[1] && 0xBF == s[2]) {
        i = 3;
    }
    size_t cut = n;
    if (truncated) {
        /* drop an incomplete last sequence: at most 3 continuation-less bytes */
        size_t k = n;
        while (k > 0 && n - k < 4 && 0x80 == (s[k - 1] & 0xC0)) {
            k--;
        }
        if (k > 0 && s[k - 1] >= 0xC0) {
            unsigned want = s[k - 1] >= 0xF0 ? 4 : s[k - 1] >= 0xE0 ? 3 : 2;
            if (n - (k - 1) < want) {
                cut = k - 1;
            }
        }
    }
    return i <= cut && wm_utf8_valid((const char *)s + i, cut - i);
}

/* GBK/GB18030: ASCII, two-byte 81-FE 40-7E|80-FE, four-byte 81-FE 30-39 81-FE 30-39. */
static bool
text_gbk(const unsigned char *s, size_t n, bool truncated)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c < 0x81 || 0xFF == c) {
            return false;
        }
        if (i + 1 >= n) {
            return truncated;
        }
        unsigned char d = s[i + 1];
        if ((d >= 0x40 && d <= 0x7E) || (d >= 0x80 && d <= 0xFE)) {
            i += 2;
            continue;
        }
        if (d >= 0x30 && d <= 0x39) {
            if (i + 3 >= n) {
                return truncated;
            }
            if (s[i + 2] < 0x81 || s[i + 2] > 0xFE || s[i + 3] < 0x30 || s[i + 3] > 0x39) {
                return false;
            }
            i += 4;
            continue;
        }
        return false;
    }
    return true;
}

/* No NUL or C0 control bytes but TAB, LF, VT, FF, CR (ESC and the rest mean binary). */
static bool
text_clean(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < 0x20 && !(s[i] >= 0x09 && s[i] <= 0x0D)) {
            return false;
        }
        if (0x7F == s[i]) {
            return false;
        }
    }
    return true;
}

static void
refine_text(const unsigned char *s, size_t n, bool truncated, struct wm_media_info *out)
{
    if (text_clean(s, n) && text_utf8(s, n, truncated)) {
        set_type(out, "text/plain", false);
        copy(out->desc, sizeof out->desc, "UTF-8 text");
    } else if (text_clean(s, n) && text_gbk(s, n, truncated)) {
        set_type(out, "text/plain", false);
        copy(out->desc, sizeof out->desc, "GBK text");
    } else {
        /* UTF-16, Latin-1 or binary-ish text: named, not a TXT */
        copy(out->mime, sizeof out->mime, "text/plain");
        out->ext[0] = '\0';
        out->kind[0] = '\0';
    }
}

/* ---------------------------------------------------------------- sniffing */

static const unsigned char OLE_MAGIC[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

static enum wm_err
sniff(struct wm_media_src *src, struct wm_media_info *out)
{
    memset(out, 0, sizeof *out);
    const unsigned char *h = src->head;
    size_t n = src->n;
    if (0 == n) {
        copy(out->mime, sizeof out->mime, "application/x-empty");
        copy(out->desc, sizeof out->desc, "empty");
        return WM_OK;
    }
    if (!magic_ask(h, n, out)) {
        copy(out->mime, sizeof out->mime, "application/octet-stream");
        copy(out->desc, sizeof out->desc, "data (type detection unavailable)");
        return WM_E_INTERNAL;
    }
    bool truncated = src->size > n;
    if (n >= 4 && 0 == memcmp(h, "PK\x03\x04", 4)) {
        const char *z = wm_media_zip_type(src);
        if (z) {
            set_type(out, z, true);
            return WM_OK;
        }
        /* nothing we know inside: keep libmagic's answer (zip, epub, jar...) */
    } else if (n >= 8 && 0 == memcmp(h, OLE_MAGIC, 8)) {
        bool dir_read = false;
        const char *o = wm_media_ole_type(src, &dir_read);
        if (o) {
            set_type(out, o, true);
            return WM_OK;
        }
        const struct wm_mtype *t = mtype_find(out->mime);
        if (dir_read || NULL == t || 0 == t->kind[0]) {
            /* a compound file we cannot name (MSI, MSG, encrypted...): not a document */
            set_type(out, "application/x-ole-storage", true);
            return WM_OK;
        }
        /* the directory lies past the head, but libmagic named it: keep that */
    } else if (wm_startswith(out->mime, "text/plain")) {
        refine_text(h, n, truncated, out);
        return WM_OK;
    }
    set_type(out, out->mime, false);
    return WM_OK;
}

enum wm_err
wm_media_sniff(const void *head, size_t n, struct wm_media_info *out)
{
    if (n > WM_MEDIA_HEAD_MAX) {
        n = WM_MEDIA_HEAD_MAX;
    }
    struct wm_media_src src = { .head = head, .n = n, .fd = -1, .size = n };
    /* a head of exactly the maximum probably is a cut: be lenient at its end */
    if (WM_MEDIA_HEAD_MAX == n) {
        src.size = (uint64_t)n + 1;
    }
    return sniff(&src, out);
}

enum wm_err
wm_media_sniff_fd(int fd, struct wm_media_info *out)
{
    struct stat st;
    if (fstat(fd, &st)) {
        wm_log(WM_LOG_ERROR, "media: fstat: %s", strerror(errno));
        memset(out, 0, sizeof *out);
        copy(out->mime, sizeof out->mime, "application/octet-stream");
        return WM_E_INTERNAL;
    }
    unsigned char *head = wm_malloc(WM_MEDIA_HEAD_MAX);
    size_t n = 0;
    while (n < WM_MEDIA_HEAD_MAX) {
        ssize_t r = pread(fd, head + n, WM_MEDIA_HEAD_MAX - n, (off_t)n);
        if (r < 0 && EINTR == errno) {
            continue;
        }
        if (r < 0) {
            wm_log(WM_LOG_ERROR, "media: read: %s", strerror(errno));
            free(head);
            memset(out, 0, sizeof *out);
            copy(out->mime, sizeof out->mime, "application/octet-stream");
            return WM_E_INTERNAL;
        }
        if (0 == r) {
            break;
        }
        n += (size_t)r;
    }
    struct wm_media_src src = { .head = head, .n = n, .fd = fd, .size = (uint64_t)st.st_size };
    if (src.size < n) {
        src.size = n;
    }
    enum wm_err rc = sniff(&src, out);
    free(head);
    return rc;
}

/* ---------------------------------------------------------------- allow-list */

static bool
token_matches(const char *tok, size_t l, const struct wm_media_info *m)
{
    if (l > 1 && '.' == tok[0]) {
        tok++;
        l--;
    }
    const char *cands[] = { m->mime, m->ext, m->kind };
    for (size_t i = 0; i < WM_ARRAY_LEN(cands); i++) {
        if (cands[i][0] && strlen(cands[i]) == l && 0 == strncasecmp(cands[i], tok, l)) {
            return true;
        }
    }
    return false;
}

bool
wm_media_allowed(const struct wm_media_info *m, const char *allowed_csv)
{
    if (wm_streq(m->mime, "text/plain") && !wm_streq(m->ext, "txt")) {
        return false; /* text, but neither UTF-8 nor GBK */
    }
    if (0 == m->mime[0] || wm_streq(m->mime, "application/x-empty")) {
        return false;
    }
    const char *p = allowed_csv;
    bool blank = true;
    for (const char *q = p; q && *q; q++) {
        if (!(' ' == *q || '\t' == *q || ',' == *q || '\n' == *q || '\r' == *q)) {
            blank = false;
            break;
        }
    }
    if (blank) {
        p = WM_MEDIA_DEFAULT_ALLOWED;
    }
    while (*p) {
        while (*p && (' ' == *p || '\t' == *p || ',' == *p || '\n' == *p || '\r' == *p)) {
            p++;
        }
        const char *s = p;
        while (*p && !(' ' == *p || '\t' == *p || ',' == *p || '\n' == *p || '\r' == *p)) {
            p++;
        }
        if (p > s && token_matches(s, (size_t)(p - s), m)) {
            return true;
        }
    }
    return false;
}

/* ---------------------------------------------------------------- names a person reads */

/* The entry for @a mime in either table ("; parameters" ignored), or NULL. */
static const struct wm_mtype *
mtype_any(const char *mime)
{
    char m[96];
    if (NULL == mime) {
        return NULL;
    }
    size_t l = strcspn(mime, "; \t");
    if (l >= sizeof m) {
        return NULL;
    }
    memcpy(m, mime, l);
    m[l] = '\0';
    const struct wm_mtype *t = mtype_find(m);
    for (size_t i = 0; NULL == t && i < WM_ARRAY_LEN(wm_mtypes_other); i++) {
        if (0 == strcasecmp(wm_mtypes_other[i].mime, m) || csv_has(wm_mtypes_other[i].aliases, m)) {
            t = &wm_mtypes_other[i];
        }
    }
    return t;
}

const char *
wm_media_type_label(const char *mime)
{
    const struct wm_mtype *t = mtype_any(mime);
    return t ? _(t->label) : _("未知类型的文件");
}

const char *
wm_media_info_label(const struct wm_media_info *m)
{
    if (wm_streq(m->mime, "text/plain") && !wm_streq(m->ext, "txt")) {
        return _("编码无法识别的文本（不是 UTF-8 或 GBK）");
    }
    return wm_media_type_label(m->mime);
}

const char *
wm_media_type_ext(const char *mime)
{
    const struct wm_mtype *t = mtype_any(mime);
    return t ? t->ext : "";
}

/* Whether @a ext (no dot) names type @a t. */
static bool
mtype_has_ext(const struct wm_mtype *t, const char *ext)
{
    return (t->ext[0] && 0 == strcasecmp(t->ext + 1, ext)) || csv_has(t->exts, ext);
}

const char *
wm_media_ext_type(const char *ext)
{
    if (NULL == ext) {
        return NULL;
    }
    if ('.' == ext[0]) {
        ext++;
    }
    if (0 == ext[0]) {
        return NULL;
    }
    for (size_t i = 0; i < WM_ARRAY_LEN(wm_mtypes); i++) {
        if (mtype_has_ext(&wm_mtypes[i], ext)) {
            return wm_mtypes[i].mime;
        }
    }
    for (size_t i = 0; i < WM_ARRAY_LEN(wm_mtypes_other); i++) {
        if (mtype_has_ext(&wm_mtypes_other[i], ext)) {
            return wm_mtypes_other[i].mime;
        }
    }
    return NULL;
}

size_t
wm_media_name_ext(const char *name)
{
    size_t n = strlen(name);
    const char *dot = strrchr(name, '.');
    if (NULL == dot || dot == name) {
        return n;
    }
    size_t e = n - (size_t)(dot + 1 - name);
    if (e < 1 || e > 8) {
        return n;
    }
    bool letter = false;
    for (const char *q = dot + 1; *q; q++) {
        unsigned char c = (unsigned char)*q;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            letter = true;
        } else if (!(c >= '0' && c <= '9')) {
            return n;
        }
    }
    return letter ? (size_t)(dot - name) : n;
}

char *
wm_media_name_fix(const char *name, const char *mime, bool *changed)
{
    const struct wm_mtype *t = mtype_any(mime);
    size_t cut = wm_media_name_ext(name);
    *changed = false;
    if (NULL == t || 0 == t->ext[0] || (name[cut] && mtype_has_ext(t, name + cut + 1))) {
        return wm_strdup(name);
    }
    *changed = true;
    struct wm_buf b = { 0 };
    wm_buf_add(&b, name, cut);
    wm_buf_adds(&b, t->ext);
    return wm_buf_steal(&b);
}

void
wm_media_refusal(const struct wm_media_info *m, const char *filename, char *buf, size_t n)
{
    const char *want = NULL;
    if (filename) {
        size_t cut = wm_media_name_ext(filename);
        const char *x = filename[cut] ? wm_media_ext_type(filename + cut + 1) : NULL;
        const struct wm_mtype *t = x ? mtype_find(x) : NULL; /* an accepted kind of file */
        if (t && t->kind[0] && !wm_streq(t->mime, m->mime)) {
            want = _(t->label);
        }
    }
    const char *got = wm_media_info_label(m);
    /* a space between Chinese and a Latin word ("是 shell 脚本"), none before Chinese */
    const char *sp1 = (unsigned char)got[0] < 0x80 ? " " : "";
    if (want) {
        const char *sp2 = (unsigned char)want[0] < 0x80 ? " " : "";
        snprintf(buf, n, _("文件内容是%s%s，不是%s%s；请检查文件是否正确"), sp1, got, sp2, want);
    } else if (m->kind[0]) {
        /* a kind of file the archive knows, which this server's settings leave out */
        snprintf(buf, n, _("本系统目前不接受%s%s；请换成允许的文件类型"), sp1, got);
    } else {
        snprintf(buf, n,
                 _("文件内容是%s%s，不能归档（可以上传文档、图片、音频和视频）；请检查文件是否正确"),
                 sp1, got);
    }
}

/* end of media.c */
