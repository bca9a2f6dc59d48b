/*
** wm_compile.h — the 经验交流汇编: one PDF composed from featured documents (good
** practice, src/core/practice.c), made by the job "practice.compile".
**
** The layout: a cover (the title, the office, the date), a table of contents (each item's
** title and unit with the page it starts on), then for each item a page of what it is (title,
** unit, indicator, category, the office's note) followed by the first pages of its
** document: up to WM_COMPILE_DOC_PAGES pages of a PDF rendered by poppler, or one image,
** each scaled into an A4 page; other types have their metadata page only.  Text is set
** with pango in "Noto Serif CJK SC" and "Noto Sans CJK SC" (package fonts-noto-cjk) on a
** cairo PDF surface; every page but the cover carries its number.
**
** The documents are untrusted files: wm_compile_pdf() runs only in the `wenming-compile`
** helper program, under limits of CPU time, memory and file size, never in the server
** (which does not link poppler, cairo or pango).  The server writes the spec as a JSON file
** and runs the helper with wm_compile_spawned().
**
** The spec: {"title": text, "office": text, "date": text, "items": [{"title", "unit",
** "indicator", "category", "note", "date_formed", "file": path or absent, "kind": "pdf",
** "image" or "none"}]}.  An image is a JPEG (the server has the thumbnail helper make one
** from the original first, with its protections against decompression bombs).
*/
#ifndef WM_COMPILE_H
#define WM_COMPILE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "wm_util.h"

/** The first pages of a PDF document a compilation shows. */
#define WM_COMPILE_DOC_PAGES 3
/** The most items one compilation holds. */
#define WM_COMPILE_ITEMS_MAX 200
/** The longer side, in pixels, of an image item as the server has it prepared. */
#define WM_COMPILE_IMAGE_PX 1600

/**
** Compose the compilation of @a spec as a PDF at @a out_path (written directly: the caller
** gives a path of its own temporary directory).  *pages (may be NULL) receives how many
** pages it has.  A document that cannot be read (damaged, encrypted, missing) does not fail
** the compilation: its item says so in place of its pages.
** @return WM_OK; WM_E_BAD_REQUEST for a spec that is not one; WM_E_INTERNAL when the PDF
**         cannot be written (cause in @a err).
*/
enum wm_err wm_compile_pdf(const json_t *spec, const char *out_path, int *pages, char *err,
                           size_t errlen) WM_MUST_CHECK;

/** The path of the `wenming-compile` program (set once at startup; NULL: none). */
void wm_compile_set_helper(const char *helper_path);
/** Whether a helper is set. */
bool wm_compile_available(void);
/**
** Run `wenming-compile SPEC OUT` as a child with CPU-time, memory and file-size limits and
** wait for it; on success OUT is the PDF and *pages (may be NULL) its page count (read
** from OUT.json, which the helper writes beside it).  WM_E_UNAVAILABLE when there is no
** helper or it died (a limit hit: another attempt may pass), WM_E_BAD_REQUEST when it
** refused the spec, WM_E_INTERNAL otherwise; err says why.
*/
enum wm_err wm_compile_spawned(const char *spec_path, const char *out_path, int *pages,
                               char *err, size_t errlen) WM_MUST_CHECK;

#endif /* WM_COMPILE_H */
