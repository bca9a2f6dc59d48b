/*
** fuzz_extract.c — fuzz target for the text extractors that read untrusted bytes without
** OCR: plain text decoding (UTF-8, UTF-16, GB18030), and ZIP containers of XML (OFD, OOXML,
** ODF) through wm_extract_text.
**
** The first byte of an input chooses what the rest is: (even) a whole file, decoded as text
** in memory and read as a ZIP from a temporary file; (odd) the XML of one part, put by the
** second byte's choice into a DOCX, an OFD page, an XLSX shared string table or an ODT (a
** stored ZIP made here), so that mutations reach the XML walkers rather than the deflate
** stream.  Promises checked: no crash; the text is valid UTF-8, without NUL or control bytes
** other than tab and newline, at most WM_EXTRACT_MAX_TEXT bytes; a failure has a cause.
**
** libFuzzer (clang): `fuzz_extract CORPUS_DIR`.  With -DWM_FUZZ_REPLAY a plain program: it
** replays the files named on its command line, or with none runs WM_FUZZ_ITERS (default
** 3000) deterministic mutations (seed WM_FUZZ_SEED) of seeds made at start.  `meson test`
** runs it.
*/
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "ex_int.h"
#include "wm_extract.h"
#include "wm_util.h"

#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fz_path[64];
static unsigned long fz_ok, fz_failed; /* ZIP extractions that gave text / an error */

static void
fz_check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_extract: broken promise: %s\n", what);
        abort();
    }
}

static void
fz_text_ok(const char *t, size_t n)
{
    fz_check(n <= WM_EXTRACT_MAX_TEXT, "text within the cap");
    fz_check(0 == n || wm_utf8_valid(t, n), "text is UTF-8");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        fz_check(c >= 0x20 || '\n' == c || '\t' == c, "no control bytes");
        fz_check(0x7F != c, "no DEL");
    }
}

static void
fz_write(const void *p, size_t n)
{
    if ('\0' == fz_path[0]) {
        snprintf(fz_path, sizeof fz_path, "/tmp/fuzz_extract_%ld.bin", (long)getpid());
    }
    int fd = open(fz_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        abort();
    }
    if (n > 0 && write(fd, p, n) != (ssize_t)n) {
        abort();
    }
    close(fd);
}

/* A stored ZIP in memory of the given parts. */
static void
fz_zip(struct wm_buf *out, const char *const *names, const char *const *datas,
       const size_t *lens, size_t n)
{
    size_t cap = 64 * 1024;
    for (size_t i = 0; i < n; i++) {
        cap += lens[i] + 256;
    }
    size_t used = 0;
    char *mem = wm_malloc(cap);
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    archive_write_set_options(a, "zip:compression=store");
    if (ARCHIVE_OK != archive_write_open_memory(a, mem, cap, &used)) {
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, names[i]);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)lens[i]);
        (void)archive_write_header(a, e);
        if (lens[i]) {
            (void)archive_write_data(a, datas[i], lens[i]);
        }
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    wm_buf_add(out, mem, used);
    free(mem);
}

static void
fz_extract_zip(const char *mime)
{
    char *text = NULL;
    size_t len = 0;
    char err[256] = "";
    enum wm_err e = wm_extract_text(fz_path, mime, &text, &len, err, sizeof err);
    if (WM_OK == e) {
        fz_check(NULL != text, "text on success");
        fz_text_ok(text, len);
        free(text);
        fz_ok++;
    } else {
        fz_failed++;
        fz_check(NULL == text, "no text on failure");
        fz_check('\0' != err[0], "failure has a cause");
    }
}

/* The XML of one part, in a container chosen by @a which. */
static void
fz_part(unsigned which, const char *xml, size_t n)
{
    static const char *const ofd_root =
        "<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:DocBody>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>";
    static const char *const ofd_doc =
        "<ofd:Document xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Pages>"
        "<ofd:Page ID=\"1\" BaseLoc=\"Pages/Page_0/Content.xml\"/></ofd:Pages></ofd:Document>";
    struct wm_buf z = {0};
    const char *names[3];
    const char *datas[3];
    size_t lens[3];
    size_t k = 0;
    const char *mime = "application/zip";
    switch (which % 4) {
    case 0:
        names[k] = "[Content_Types].xml", datas[k] = "<Types/>", lens[k++] = 8;
        names[k] = "word/document.xml", datas[k] = xml, lens[k++] = n;
        break;
    case 1:
        names[k] = "OFD.xml", datas[k] = ofd_root, lens[k++] = strlen(ofd_root);
        names[k] = "Doc_0/Document.xml", datas[k] = ofd_doc, lens[k++] = strlen(ofd_doc);
        names[k] = "Doc_0/Pages/Page_0/Content.xml", datas[k] = xml, lens[k++] = n;
        mime = "application/ofd";
        break;
    case 2:
        names[k] = "xl/workbook.xml", datas[k] = "<workbook/>", lens[k++] = 11;
        names[k] = "xl/sharedStrings.xml", datas[k] = xml, lens[k++] = n;
        break;
    default:
        names[k] = "mimetype", datas[k] = "application/vnd.oasis.opendocument.text";
        lens[k] = strlen(datas[k]), k++;
        names[k] = "content.xml", datas[k] = xml, lens[k++] = n;
        break;
    }
    fz_zip(&z, names, datas, lens, k);
    fz_write(z.data ? z.data : "", z.len);
    wm_buf_free(&z);
    fz_extract_zip(mime);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    const char *rest = (const char *)data + 2;
    size_t n = size - 2;
    if (data[0] & 1) {
        fz_part(data[1], rest, n);
        return 0;
    }
    /* plain text, in memory */
    struct ex_out o = {.cap = WM_EXTRACT_MAX_TEXT};
    ex_text_mem(rest, n, &o);
    fz_text_ok(o.b.data ? o.b.data : "", o.b.len);
    wm_buf_free(&o.b);
    /* and the same bytes as a ZIP container */
    fz_write(rest, n);
    fz_extract_zip(data[1] & 1 ? "application/ofd" : "application/zip");
    /* issue 13, dat70: the DA/T 70 probe of the same bytes, as a ZIP container or a PDF (the
    ** name scanner, poppler): it always says whether the file opened, one line per risk */
    char dst[96], err[256] = "";
    snprintf(dst, sizeof dst, "%s.probe", fz_path);
    fz_check(WM_OK == wm_probe_file(fz_path, data[1] & 2 ? "application/pdf" : "application/zip",
                                    dst, err, sizeof err),
             "the probe writes its answer");
    size_t plen = 0;
    char *ans = wm_read_file(dst, &plen);
    fz_check(NULL != ans && 0 == strncmp(ans, "usable\t", 7), "the probe's first line");
    for (char *l = strchr(ans, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
        fz_check(0 == strncmp(l + 1, "risk\t", 5), "a risk line");
    }
    free(ans);
    unlink(dst);
    return 0;
}

#ifdef WM_FUZZ_REPLAY

#include "fz_replay.h"

static void
fz_mutate(struct wm_buf *b)
{
    static const char *const tokens[] = {"<w:p>",    "</w:t>", "<ofd:TextCode X=\"1e308\" Y=\"-5\">",
                                         "&amp;",    "&#0;",   "<!DOCTYPE a [<!ENTITY e \"x\">]>",
                                         "\xFF\xFE", "\xB5\xC0", "\xE6\xA1\xA3", "PK\x03\x04",
                                         "\r\n",     "]]>",    "<![CDATA[", "<text:s/>"};
    unsigned rounds = 1 + (unsigned)fz_below(6);
    for (unsigned i = 0; i < rounds; i++) {
        size_t pos = 2 + fz_below(b->len > 2 ? b->len - 1 : 1);
        if (pos > b->len) {
            pos = b->len;
        }
        switch (fz_below(6)) {
        case 0:
            if (b->len > 2) {
                b->data[2 + fz_below(b->len - 2)] ^= (char)(1u << fz_below(8));
            }
            break;
        case 1: { /* insert a token */
            const char *tok = tokens[fz_below(WM_ARRAY_LEN(tokens))];
            size_t tl = strlen(tok);
            wm_buf_reserve(b, tl);
            memmove(b->data + pos + tl, b->data + pos, b->len - pos + 1);
            memcpy(b->data + pos, tok, tl);
            b->len += tl;
            break;
        }
        case 2: /* truncate */
            b->len = pos;
            b->data[pos] = '\0';
            break;
        case 3: { /* a random 32-bit field (ZIP sizes, offsets) */
            uint32_t v = (uint32_t)fz_rand();
            for (size_t k = 0; k < 4 && pos + k < b->len; k++) {
                b->data[pos + k] = (char)(v >> (8 * k));
            }
            break;
        }
        case 4: { /* repeat a slice (deep nesting, long runs) */
            size_t len = 1 + fz_below(32);
            if (pos + len <= b->len) {
                char *slice = wm_strndup(b->data + pos, len);
                unsigned times = 1 + (unsigned)fz_below(200);
                for (unsigned t = 0; t < times; t++) {
                    wm_buf_add(b, slice, len);
                }
                free(slice);
            }
            break;
        }
        default:
            if (b->len > 2) {
                b->data[2 + fz_below(b->len - 2)] = (char)fz_rand();
            }
            break;
        }
    }
}

/* A seed: mode byte, selector byte, then the bytes. */
static void
fz_seed(struct wm_buf *b, unsigned mode, unsigned sel, const void *p, size_t n)
{
    char head[2] = {(char)mode, (char)sel};
    wm_buf_add(b, head, 2);
    wm_buf_add(b, p, n);
}

int
main(int argc, char **argv)
{
    if (argc > 1) {
        int rc = fz_replay_files(argc, argv);
        unlink(fz_path);
        return rc;
    }
    wm_log_set_level(WM_LOG_WARN);
    static const char *const xml[] = {
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
        "<w:body><w:p><w:pPr><w:tabs><w:tab/></w:tabs></w:pPr><w:r><w:t>关于开展道德讲堂"
        "</w:t><w:tab/><w:br/><w:t xml:space=\"preserve\"> A &amp; B </w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>格</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "</w:body></w:document>",
        "<ofd:Page xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Content><ofd:Layer>"
        "<ofd:TextObject Boundary=\"10 20 30 5\" Size=\"4\"><ofd:TextCode X=\"0\" Y=\"4\">"
        "文明</ofd:TextCode><ofd:TextCode Y=\"12\">单位</ofd:TextCode></ofd:TextObject>"
        "<ofd:TextObject Boundary=\"x y\"><ofd:TextCode>坏</ofd:TextCode></ofd:TextObject>"
        "</ofd:Layer></ofd:Content></ofd:Page>",
        "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>指标"
        "</t></si><si><r><t>富</t></r><rPh><t>x</t></rPh></si><si/></sst>",
        "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
        "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:text>"
        "<text:h>标题</text:h><text:p>正文<text:s text:c=\"2\"/><text:span>段</text:span>"
        "<text:line-break/><text:tab/></text:p></office:text></office:body>"
        "</office:document-content>",
    };
    struct wm_buf seeds[9] = {{0}};
    for (unsigned i = 0; i < 4; i++) {
        fz_seed(&seeds[i], 1, i, xml[i], strlen(xml[i]));
    }
    /* whole containers (even mode): a DOCX and an OFD as stored ZIPs */
    {
        const char *names[] = {"[Content_Types].xml", "word/document.xml", "word/header1.xml"};
        const char *datas[] = {"<Types/>", xml[0], xml[0]};
        size_t lens[] = {8, strlen(xml[0]), strlen(xml[0])};
        struct wm_buf z = {0};
        fz_zip(&z, names, datas, lens, 3);
        fz_seed(&seeds[4], 0, 0, z.data, z.len);
        wm_buf_free(&z);
    }
    {
        const char *root = "<ofd:OFD xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:DocBody>"
                           "<ofd:DocRoot>/Doc_0/../Doc_0/Document.xml</ofd:DocRoot>"
                           "</ofd:DocBody></ofd:OFD>";
        const char *doc = "<ofd:Document xmlns:ofd=\"http://www.ofdspec.org/2016\"><ofd:Pages>"
                          "<ofd:Page BaseLoc=\"Pages/Page_0/Content.xml\"/>"
                          "<ofd:Page BaseLoc=\"../../x\"/></ofd:Pages></ofd:Document>";
        const char *names[] = {"OFD.xml", "Doc_0/Document.xml", "Doc_0/Pages/Page_0/Content.xml"};
        const char *datas[] = {root, doc, xml[1]};
        size_t lens[] = {strlen(root), strlen(doc), strlen(xml[1])};
        struct wm_buf z = {0};
        fz_zip(&z, names, datas, lens, 3);
        fz_seed(&seeds[5], 0, 1, z.data, z.len);
        wm_buf_free(&z);
    }
    /* text: GBK, UTF-16LE with its mark, broken UTF-8 with CRLF */
    fz_seed(&seeds[6], 0, 0, "\xB5\xC0\xB5\xC2\xBD\xB2\xCC\xC3\r\n", 10);
    fz_seed(&seeds[7], 0, 0, "\xFF\xFE\x53\x90\xB7\x5F\x0D\x00\x0A\x00\x00\xD8", 12);
    static const char broken[] = "文明\r\n\xE6\xA1\x01\x07创建\xC0\x80\xED\xA0\x80";
    fz_seed(&seeds[8], 0, 0, broken, strlen(broken));

    unsigned long iters = fz_env("WM_FUZZ_ITERS", 3000);
    fz_seed_from_env();
    struct wm_buf b = {0};
    for (unsigned long it = 0; it < iters; it++) {
        bool mutate = it >= WM_ARRAY_LEN(seeds);
        size_t which = mutate ? fz_below(WM_ARRAY_LEN(seeds)) : (size_t)it;
        wm_buf_reset(&b);
        wm_buf_add(&b, "", 0);
        wm_buf_add(&b, seeds[which].data, seeds[which].len);
        if (mutate) {
            fz_mutate(&b);
        }
        LLVMFuzzerTestOneInput((const uint8_t *)wm_buf_str(&b), b.len);
    }
    wm_buf_free(&b);
    for (size_t i = 0; i < WM_ARRAY_LEN(seeds); i++) {
        wm_buf_free(&seeds[i]);
    }
    unlink(fz_path);
    printf("fuzz_extract_replay: %lu inputs, no crash (containers: %lu read, %lu refused)\n",
           iters, fz_ok, fz_failed);
    return 0;
}

#endif /* WM_FUZZ_REPLAY */

/* end of fuzz_extract.c */
