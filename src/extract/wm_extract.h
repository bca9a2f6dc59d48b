/*
** wm_extract.h — the plain text of a file, for the search index (issue 11): PDF (poppler;
** a page without a text layer is rendered and read by OCR), OFD, DOCX/XLSX/PPTX, ODT/ODS/ODP
** and WPS/ET/DPS files that are OOXML (libarchive + libxml2), plain text in UTF-8, GB18030/GBK
** or UTF-16, and images through OCR (tesseract, chi_sim + chi_tra + eng).
**
** The parsers run on hostile files, so the server never runs them: it links only spawn.c
** (wm_extract_supported, wm_extract_make_spawned), which runs the `wenming-extract` helper
** program (src/cli/extract_main.c) as a child under limits of CPU time, address space and
** file size.  A file that makes a parser loop or allocate without bound is stopped by those
** limits and recorded as failed (WM_E_BAD_REQUEST: not retried).
**
** Bounds inside the helper: at most WM_EXTRACT_MAX_TEXT bytes of text (reading stops there);
** of a ZIP at most WM_EXTRACT_MAX_ENTRIES entries, each part read at most
** WM_EXTRACT_MAX_PART bytes uncompressed and all parts together WM_EXTRACT_MAX_UNZIPPED (a
** ZIP bomb stops with an error, streaming, never held in memory); XML without network, DTD
** loading or entity substitution, libxml2's default depth and text-node limits
** (XML_PARSE_HUGE off); images over WM_EXTRACT_MAX_PIXELS (from the header) refused before
** decoding; PDF pages rendered for OCR at WM_EXTRACT_OCR_DPI, at most
** WM_EXTRACT_MAX_RENDER_PIXELS.  OCR stops (keeping the text so far) when two thirds of the
** process's CPU-time limit are used, so that a long scanned PDF gives its first pages rather
** than nothing.
**
** The text is UTF-8 without NUL or control bytes other than tab and newline; paragraphs,
** cells, slides and pages are separated by newlines (CRLF normalised).
*/
#ifndef WM_EXTRACT_H
#define WM_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "wm_util.h"

/** The most text kept of one file, in bytes (reading stops once it is reached). */
#define WM_EXTRACT_MAX_TEXT ((size_t)4 << 20)
/** A ZIP container with more entries than this is refused. */
#define WM_EXTRACT_MAX_ENTRIES 20000u
/** The most bytes one part (XML entry) of a ZIP may inflate to. */
#define WM_EXTRACT_MAX_PART ((unsigned long long)64 << 20)
/** The most bytes all parts read from one ZIP may inflate to together. */
#define WM_EXTRACT_MAX_UNZIPPED ((unsigned long long)256 << 20)
/** Images with more pixels than this (width x height, from the header) are refused. */
#define WM_EXTRACT_MAX_PIXELS ((unsigned long long)100 * 1000 * 1000)
/** Resolution at which a PDF page without text is rendered for OCR. */
#define WM_EXTRACT_OCR_DPI 200
/** The largest rendering of one PDF page for OCR, in pixels (lower resolution beyond). */
#define WM_EXTRACT_MAX_RENDER_PIXELS ((unsigned long long)40 * 1000 * 1000)
/** The languages OCR reads (tesseract's traineddata names). */
#define WM_EXTRACT_OCR_LANGS "chi_sim+chi_tra+eng"

/**
** Whether text can be asked of type @a mime (as detected from the bytes by src/media):
** application/pdf, application/ofd, the OOXML and ODF document types, WPS/ET/DPS,
** application/zip (decided by the container's content), text/plain, text/csv, and
** image/jpeg, png, tiff, gif, webp, bmp.  Needs none of the parsers (spawn.c).
*/
bool wm_extract_supported(const char *mime);
/** Which reader takes @a mime (WM_EXTRACT_NONE: none); the one table of the types. */
enum wm_extract_kind {
    WM_EXTRACT_NONE,
    WM_EXTRACT_PDF,
    WM_EXTRACT_ZIP,
    WM_EXTRACT_TEXT,
    WM_EXTRACT_IMAGE
};
enum wm_extract_kind wm_extract_kind(const char *mime);

/**
** Write the UTF-8 plain text of @a src_path (type @a mime) to @a dst_path, atomically (temp
** file, fsync, rename) and only on success.  An empty text (a photo without writing) is a
** success with an empty file.  Slow, and it runs the parsers: the `wenming-extract` helper
** calls it, never the server.
**
** @param[out] err  a one-line cause on failure (may be NULL when errlen is 0)
** @return WM_OK; WM_E_UNSUPPORTED_MEDIA for a type it does not read (also a ZIP that is no
**         document, a WPS file in the binary OLE format); WM_E_BAD_REQUEST for a file that
**         cannot be read as its type (damaged, truncated, encrypted, a ZIP bomb, an image
**         over WM_EXTRACT_MAX_PIXELS); WM_E_NOT_FOUND when @a src_path is missing;
**         WM_E_UNAVAILABLE when OCR cannot start (no language data); WM_E_INTERNAL when
**         writing fails.
*/
enum wm_err wm_extract_file(const char *src_path, const char *mime, const char *dst_path,
                            char *err, size_t errlen) WM_MUST_CHECK;

/**
** The same text in memory: *text (caller frees; NUL-terminated) and *len.  On failure
** *text is NULL.  What wm_extract_file writes, and what the fuzz target checks.
*/
enum wm_err wm_extract_text(const char *src_path, const char *mime, char **text, size_t *len,
                            char *err, size_t errlen) WM_MUST_CHECK;

/* ---------------------------------------------------------------- the helper program */

/*
** How a file's text is made: wm_extract_file itself (in this process: the tests), or
** wm_extract_make_spawned, which runs the `wenming-extract` helper so that the parsers
** never run inside the server (they are not linked into `wenming` at all).
*/
typedef enum wm_err (*wm_extract_maker)(const char *src_path, const char *mime,
                                        const char *dst_path, char *err, size_t errlen);

/** The path of the `wenming-extract` program (set once at start; NULL: none). */
void wm_extract_set_helper(const char *helper_path);

/**
** Run the helper on one file and wait for it; same contract as wm_extract_file, except:
** a helper killed by its limits (CPU time, memory: SIGXCPU, SIGKILL, SIGSEGV, SIGABRT ...)
** gives WM_E_BAD_REQUEST with err "提取超时或超出内存限制，已停止" (a permanent failure:
** not retried); exit 2 WM_E_BAD_REQUEST, 3 WM_E_UNSUPPORTED_MEDIA, any other failure
** WM_E_INTERNAL; no helper configured or one that cannot start WM_E_UNAVAILABLE.  On a
** failure the helper reported, err is its cause ("poppler: PDF document is damaged"; the
** helper leaves it in DST.err, which is read and removed here).
*/
enum wm_err wm_extract_make_spawned(const char *src_path, const char *mime, const char *dst_path,
                                    char *err, size_t errlen);

/* ---------------------------------------------------------------- the probe (issue 13, dat70) */

/**
** The DA/T 70 probe of one file (probe.c): whether it opens with a decoder for its type
** @a mime, and what in it is executable, a macro, a script or encrypted.  Writes DST as
** lines: "usable\t1" or "usable\t0\t<why>", then "risk\t<kind>\t<detail>" per finding
** (kind executable, macro, script, encrypted; details in Chinese).  Runs the decoders: the
** helper calls it (`wenming-extract --probe SRC MIME DST`), never the server.
** @return WM_OK when DST was written (whatever it says); WM_E_INTERNAL when not.
*/
enum wm_err wm_probe_file(const char *src_path, const char *mime, const char *dst_path,
                          char *err, size_t errlen) WM_MUST_CHECK;
/** How a probe is run: wm_probe_file (the tests) or wm_probe_spawned (the server, CLI). */
typedef enum wm_err (*wm_probe_maker)(const char *src_path, const char *mime,
                                      const char *dst_path, char *err, size_t errlen);
/**
** Run `wenming-extract --probe` (wm_extract_set_helper) on one file under the helper's
** limits and wait: WM_OK when DST was written; WM_E_BAD_REQUEST with err "检测超时或超出
** 内存限制" when the helper was stopped by its limits or crashed on the file;
** WM_E_UNAVAILABLE when there is no helper.
*/
enum wm_err wm_probe_spawned(const char *src_path, const char *mime, const char *dst_path,
                             char *err, size_t errlen);
/** Whether a helper program is configured (wm_extract_set_helper). */
bool wm_extract_helper_set(void);

#endif /* WM_EXTRACT_H */
