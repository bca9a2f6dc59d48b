/*
** wm_sheet.h — the plain A4 sheets of issue 12's documents (the minutes of a meeting,
** minutes.c; the annual plan, plan_pdf.c; the weekly bulletin, bulletin_pdf.c), set with
** pango on cairo's PDF surface in the `wenming-compile` helper: text flowed line by line
** from the top, a line that does not fit going to the next page, "第 N 页" at the foot of
** each page.
*/
#ifndef WM_SHEET_H
#define WM_SHEET_H

#include <cairo.h>
#include <jansson.h>
#include <pango/pangocairo.h>

#include "wm_util.h"

#define WM_SHEET_PAGE_W 595.28 /* A4 */
#define WM_SHEET_PAGE_H 841.89
#define WM_SHEET_MARGIN 64.0
#define WM_SHEET_BODY_W (WM_SHEET_PAGE_W - 2 * WM_SHEET_MARGIN)
#define WM_SHEET_SERIF  "Noto Serif CJK SC"
#define WM_SHEET_SANS   "Noto Sans CJK SC"

struct wm_sheet {
    cairo_t *cr;
    int page; /* 1-based */
    double y; /* where the next line goes */
};

/** The string member k of o, "" when absent. */
const char *wm_sheet_str(const json_t *o, const char *k);
/** Close the page (its number at the foot) and start the next. */
void wm_sheet_next_page(struct wm_sheet *s);
/** Set text at x, width w, line by line from s->y, breaking pages where needed. */
void wm_sheet_flow(struct wm_sheet *s,
                   const char *font,
                   const char *text,
                   double x,
                   double w,
                   PangoAlignment align);
/** A labelled field: the label in bold, the value beside it (nothing when value is ""). */
void wm_sheet_field(struct wm_sheet *s, const char *label, const char *value);
/** A thin rule across the body. */
void wm_sheet_rule(struct wm_sheet *s);
/** A numbered section's heading (一、工作目标), in bold with space around it. */
void wm_sheet_section(struct wm_sheet *s, const char *name);
/** A heading within a section (a department, an inspection), in bold. */
void wm_sheet_subhead(struct wm_sheet *s, const char *text);
/** A line of body text indented by indent points (a stage, a task, a finding). */
void wm_sheet_item(struct wm_sheet *s, double indent, const char *text);
/** A document's heading: its name large, its title below, centred. */
void wm_sheet_heading(struct wm_sheet *s, const char *name, const char *title);

/**
** Write the PDF drawn by draw(s, spec) to out_path (draw ends with wm_sheet_next_page);
** title and author its metadata; *pages (may be NULL) its number of pages.  WM_E_INTERNAL
** with err when it cannot be written.
*/
enum wm_err wm_sheet_pdf(const json_t *spec,
                         const char *out_path,
                         const char *title,
                         const char *author,
                         void (*draw)(struct wm_sheet *, const json_t *),
                         int *pages,
                         char *err,
                         size_t errlen) WM_MUST_CHECK;

#endif /* WM_SHEET_H */
