/*
** probe.c — the 可用性 and 安全性 probe of one file for the DA/T 70 check (四性检测,
** src/core/archive_check.c): whether it opens with a decoder for its type, and what in it
** is executable, a macro, a script or encrypted.  Runs in the `wenming-extract` helper
** only (`wenming-extract --probe SRC MIME DST`), under the helper's limits: a file that
** makes a decoder loop or crash stops the helper, never the server.
**
** - PDF: poppler opens it, every page loads and page 1 renders (cairo, a small image); a
**   file whose last KiB has no %%EOF is truncated; the bytes are scanned for the names
**   /Encrypt, /JavaScript, /JS and /Launch (#hh escapes decoded), poppler's own search for
**   JavaScript (names tree, actions, fields: also inside compressed object streams), and
**   the pages' links for JavaScript and launch actions.
** - ZIP containers (OOXML, ODF, OFD, WPS as OOXML, plain ZIP): every entry listed
**   (encrypted entries, vbaProject.bin, ODF Basic/ and Scripts/, executables inside), the
**   document's main parts parsed as XML to their end (the text extractor's reader).
** - OLE2 compound files (DOC/XLS/PPT/WPS binary, encrypted OOXML): the header; the
**   directory names EncryptedPackage (a password-protected Office file) and _VBA_PROJECT
**   / Macros (macros).
** - Text: valid UTF-8, or GB18030.
** - Images: the header (size within WM_EXTRACT_MAX_PIXELS), then every pixel decoded
**   (leptonica: JPEG, PNG, TIFF, GIF, WebP, BMP).
**
** The result is DST, lines of text: "usable\t1" or "usable\t0\t<why>", then one line
** "risk\t<kind>\t<detail>" per finding (kind executable, macro, script, encrypted).
*/
/* clang-format off */
#include "ex_int.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cairo.h>
#include <glib.h>
#include <leptonica/allheaders.h>
#include <poppler.h>

#include "banned.h"
/* clang-format on */

/* At most this many findings of one kind are listed (a ZIP of 10 000 scripts says so once
** per kind up to here). */
#define PROBE_MAX_RISKS 20u

void
ex_probe_risk(struct ex_probe *p, const char *kind, const char *fmt, ...)
{
    if (p->nrisks >= PROBE_MAX_RISKS) {
        return;
    }
    p->nrisks++;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    for (char *c = line; *c; c++) {
        if ('\t' == *c || '\n' == *c || '\r' == *c) {
            *c = ' ';
        }
    }
    wm_buf_printf(&p->risks, "risk\t%s\t%s\n", kind, line);
}

static void
unusable(struct ex_probe *p, const char *why)
{
    if (p->usable) {
        p->usable = false;
        snprintf(p->why, sizeof p->why, "%s", why);
        for (char *c = p->why; *c; c++) {
            if ('\t' == *c || '\n' == *c || '\r' == *c) {
                *c = ' ';
            }
        }
    }
}

/* The file mapped read-only (NULL for an empty or unreadable one). */
static const unsigned char *
map_file(const char *path, size_t *n)
{
    *n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return NULL;
    }
    struct stat st;
    void *m = MAP_FAILED;
    if (0 == fstat(fd, &st) && st.st_size > 0) {
        m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    }
    close(fd);
    if (MAP_FAILED == m) {
        return NULL;
    }
    *n = (size_t)st.st_size;
    return m;
}

/* ---------------------------------------------------------------- PDF */

static bool
pdf_delim(unsigned char c)
{
    return c <= ' ' || NULL != strchr("()<>[]{}/%", c);
}

static int
hexval(unsigned char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Scan the bytes for the names that make a PDF active or encrypted: true when a script
** was named. */
static bool
pdf_scan(const unsigned char *b, size_t n, struct ex_probe *p)
{
    bool enc = false, js = false, launch = false;
    for (size_t i = 0; i < n; i++) {
        if ('/' != b[i]) {
            continue;
        }
        char name[16];
        size_t k = 0, j = i + 1;
        while (j < n && !pdf_delim(b[j]) && k < sizeof name - 1) {
            int h1, h2;
            if ('#' == b[j] && j + 2 < n && (h1 = hexval(b[j + 1])) >= 0 &&
                (h2 = hexval(b[j + 2])) >= 0) {
                name[k++] = (char)(h1 * 16 + h2);
                j += 3;
            } else {
                name[k++] = (char)b[j++];
            }
        }
        name[k] = '\0';
        if (j < n && !pdf_delim(b[j])) {
            continue; /* longer than any name looked for */
        }
        enc = enc || wm_streq(name, "Encrypt");
        js = js || wm_streq(name, "JavaScript") || wm_streq(name, "JS");
        launch = launch || wm_streq(name, "Launch");
    }
    if (enc) {
        ex_probe_risk(p, "encrypted", "PDF 已加密（/Encrypt）");
    }
    if (js) {
        ex_probe_risk(p, "script", "PDF 含有 JavaScript 脚本（/JavaScript 或 /JS）");
    }
    if (launch) {
        ex_probe_risk(p, "executable", "PDF 含有启动外部程序的动作（/Launch）");
    }
    return js;
}

static void
pdf_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)level;
    (void)data;
    wm_log(WM_LOG_DEBUG, "%s: %s", domain ? domain : "glib", msg);
}

static void
pdf_probe(const char *path, struct ex_probe *p)
{
    size_t n;
    const unsigned char *b = map_file(path, &n);
    if (NULL == b) {
        unusable(p, "文件为空或无法读取");
        return;
    }
    bool js = pdf_scan(b, n, p);
    size_t tail = n > 1024 ? 1024 : n;
    bool eof = false;
    for (size_t i = n - tail; i + 5 <= n && !eof; i++) {
        eof = 0 == memcmp(b + i, "%%EOF", 5);
    }
    munmap((void *)b, n);
    if (!eof) {
        unusable(p, "PDF 文件不完整（结尾缺少 %%EOF，可能被截断）");
    }
    g_log_set_handler("Poppler", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO |
                      G_LOG_LEVEL_DEBUG, pdf_log, NULL);
    GError *gerr = NULL;
    char *abs = realpath(path, NULL);
    char *uri = abs ? g_filename_to_uri(abs, NULL, &gerr) : NULL;
    PopplerDocument *doc = uri ? poppler_document_new_from_file(uri, NULL, &gerr) : NULL;
    char why[400];
    if (NULL == doc) {
        if (gerr && POPPLER_ERROR == gerr->domain && POPPLER_ERROR_ENCRYPTED == gerr->code) {
            ex_probe_risk(p, "encrypted", "PDF 需要密码才能打开");
            unusable(p, "PDF 需要密码才能打开");
        } else {
            snprintf(why, sizeof why, "PDF 无法打开：%s", gerr ? gerr->message : "poppler");
            unusable(p, why);
        }
    } else {
        /* what the byte scan cannot see: a script in a compressed object stream (poppler
        ** walks the names tree, the document's and pages' actions, links and fields) */
        if (!js && poppler_document_has_javascript(doc)) {
            ex_probe_risk(p, "script", "PDF 含有 JavaScript 脚本（在压缩的对象中）");
        }
        int pages = poppler_document_get_n_pages(doc);
        if (pages < 1) {
            unusable(p, "PDF 没有页面");
        }
        for (int i = 0; i < pages; i++) {
            PopplerPage *page = poppler_document_get_page(doc, i);
            if (NULL == page) {
                snprintf(why, sizeof why, "PDF 第 %d 页无法读取", i + 1);
                unusable(p, why);
                break;
            }
            GList *links = poppler_page_get_link_mapping(page);
            for (GList *l = links; l; l = l->next) {
                PopplerLinkMapping *m = l->data;
                if (m->action && POPPLER_ACTION_JAVASCRIPT == m->action->type) {
                    ex_probe_risk(p, "script", "PDF 第 %d 页的链接执行 JavaScript", i + 1);
                } else if (m->action && POPPLER_ACTION_LAUNCH == m->action->type) {
                    ex_probe_risk(p, "executable", "PDF 第 %d 页的链接启动外部程序", i + 1);
                }
            }
            poppler_page_free_link_mapping(links);
            if (0 == i) { /* page 1 rendered, small */
                double w = 0, h = 0;
                poppler_page_get_size(page, &w, &h);
                if (!isfinite(w) || !isfinite(h) || w <= 0 || h <= 0 || w > 14400 || h > 14400) {
                    unusable(p, "PDF 第 1 页的尺寸无效");
                } else {
                    double s = 200.0 / fmax(w, h);
                    cairo_surface_t *surf = cairo_image_surface_create(
                        CAIRO_FORMAT_RGB24, (int)fmax(1, w * s), (int)fmax(1, h * s));
                    cairo_t *cr = cairo_create(surf);
                    cairo_scale(cr, s, s);
                    poppler_page_render(page, cr);
                    if (CAIRO_STATUS_SUCCESS != cairo_status(cr)) {
                        snprintf(why, sizeof why, "PDF 第 1 页无法显示：%s",
                                 cairo_status_to_string(cairo_status(cr)));
                        unusable(p, why);
                    }
                    cairo_destroy(cr);
                    cairo_surface_destroy(surf);
                }
            }
            g_object_unref(page);
        }
        g_object_unref(doc);
    }
    if (gerr) {
        g_error_free(gerr);
    }
    g_free(uri);
    free(abs);
}

/* ---------------------------------------------------------------- OLE2 */

/* Whether the UTF-16LE form of ascii occurs in b. */
static bool
has_utf16(const unsigned char *b, size_t n, const char *ascii)
{
    size_t k = strlen(ascii);
    for (size_t i = 0; i + 2 * k <= n; i++) {
        size_t j = 0;
        while (j < k && b[i + 2 * j] == (unsigned char)ascii[j] && 0 == b[i + 2 * j + 1]) {
            j++;
        }
        if (j == k) {
            return true;
        }
    }
    return false;
}

static const unsigned char ole_magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

static void
ole_probe(const unsigned char *b, size_t n, struct ex_probe *p)
{
    if (n < 512) {
        unusable(p, "复合文档不完整");
        return;
    }
    if (has_utf16(b, n, "EncryptedPackage") || has_utf16(b, n, "EncryptionInfo")) {
        ex_probe_risk(p, "encrypted", "Office 文件设有密码（EncryptedPackage）");
        unusable(p, "Office 文件设有密码，无法打开");
    }
    if (has_utf16(b, n, "_VBA_PROJECT") || has_utf16(b, n, "Macros")) {
        ex_probe_risk(p, "macro", "Office 文件含有 VBA 宏");
    }
}

/* ---------------------------------------------------------------- text and images */

static bool
valid_utf8(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t len;
        if (ex_utf8_next(b + i, n - i, &len) < 0) {
            return false;
        }
        i += len;
    }
    return true;
}

static bool
valid_gb18030(const unsigned char *b, size_t n)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if ((iconv_t)-1 == cd) {
        return false;
    }
    char out[4096];
    char *in = (char *)b;
    size_t left = n;
    bool ok = true;
    while (left > 0 && ok) {
        char *op = out;
        size_t room = sizeof out;
        if ((size_t)-1 == iconv(cd, &in, &left, &op, &room) && E2BIG != errno) {
            ok = false;
        }
    }
    iconv_close(cd);
    return ok;
}

static void
image_probe(const char *path, struct ex_probe *p)
{
    l_int32 format = IFF_UNKNOWN, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
    char why[200];
    setMsgSeverity(L_SEVERITY_NONE);
    if (pixReadHeader(path, &format, &w, &h, &bps, &spp, &cmap) || w <= 0 || h <= 0) {
        unusable(p, "图片文件头无法读取");
        return;
    }
    if ((unsigned long long)w * (unsigned long long)h > WM_EXTRACT_MAX_PIXELS) {
        snprintf(why, sizeof why, "图片 %dx%d 超过 %llu 像素的解码上限", (int)w, (int)h,
                 WM_EXTRACT_MAX_PIXELS);
        unusable(p, why);
        return;
    }
    PIX *pix = pixRead(path);
    if (NULL == pix) {
        unusable(p, "图片无法解码（文件损坏或不完整）");
        return;
    }
    pixDestroy(&pix);
}

/* ---------------------------------------------------------------- the entry point */

enum wm_err
wm_probe_file(const char *src_path, const char *mime, const char *dst_path, char *err,
              size_t errlen)
{
    struct ex_probe p = {.usable = true};
    size_t n = 0;
    const unsigned char *b = map_file(src_path, &n);
    bool ole = b && n >= 8 && 0 == memcmp(b, ole_magic, 8);
    enum wm_extract_kind k = wm_extract_kind(mime);
    char why[400];
    if (NULL == b) {
        unusable(&p, "文件为空或无法读取");
    } else if (ole) {
        ole_probe(b, n, &p);
    } else if (WM_EXTRACT_PDF == k) {
        pdf_probe(src_path, &p);
    } else if (WM_EXTRACT_ZIP == k) {
        char zerr[256] = "";
        if (WM_OK != ex_zip_probe(src_path, &p, zerr, sizeof zerr)) {
            snprintf(why, sizeof why, "压缩容器无法解析：%s", zerr);
            unusable(&p, why);
        } else {
            struct ex_out o = {.cap = WM_EXTRACT_MAX_TEXT};
            zerr[0] = '\0';
            enum wm_err e = ex_zip_file(src_path, &o, zerr, sizeof zerr);
            if (WM_OK != e && WM_E_UNSUPPORTED_MEDIA != e) {
                snprintf(why, sizeof why, "文档内容无法解析：%s", zerr);
                unusable(&p, why);
            }
            wm_buf_free(&o.b);
        }
    } else if (WM_EXTRACT_TEXT == k) {
        if (!valid_utf8(b, n) && !valid_gb18030(b, n)) {
            unusable(&p, "文本既不是有效的 UTF-8，也不是 GBK/GB18030");
        }
    } else if (WM_EXTRACT_IMAGE == k) {
        image_probe(src_path, &p);
    } else {
        snprintf(why, sizeof why, "没有 %s 类型的解码器", mime ? mime : "?");
        unusable(&p, why);
    }
    if (b) {
        munmap((void *)b, n);
    }
    struct wm_buf out = {0};
    if (p.usable) {
        wm_buf_adds(&out, "usable\t1\n");
    } else {
        wm_buf_printf(&out, "usable\t0\t%s\n", p.why);
    }
    wm_buf_add(&out, p.risks.data, p.risks.len);
    wm_buf_free(&p.risks);
    char *tmp = wm_asprintf("%s.tmp", dst_path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
    bool ok = fd >= 0 && write(fd, out.data ? out.data : "", out.len) == (ssize_t)out.len;
    if (fd >= 0) {
        close(fd);
    }
    ok = ok && 0 == rename(tmp, dst_path);
    if (!ok) {
        ex_seterr(err, errlen, "%s: %s", dst_path, strerror(errno));
        (void)unlink(tmp);
    }
    free(tmp);
    wm_buf_free(&out);
    return ok ? WM_OK : WM_E_INTERNAL;
}

/* end of probe.c */
