/*
** wm_minutes.h — the minutes of a meeting (会议纪要, issue 12) as a PDF, rendered by the
** `wenming-compile` helper from the spec the server writes (src/core/work_meet.c):
**   {"kind": "work.minutes", "title", "unit", "meeting_kind", "date", "place", "attendees",
**    "minutes": text}
** A4 portrait: the heading (会议纪要 and the meeting's title), the unit, kind, date, place
** and attendees, then the minutes flowing over as many pages as they need, "第 N 页" at the
** foot of each.  Text is set as plain text (no markup).
*/
#ifndef WM_MINUTES_H
#define WM_MINUTES_H

#include <jansson.h>

#include "wm_util.h"

/** Write the PDF to out_path; *pages (may be NULL) the number of pages.  WM_E_BAD_REQUEST
** for a spec that is not one (no title or minutes), WM_E_INTERNAL with err otherwise. */
enum wm_err wm_minutes_pdf(const json_t *spec, const char *out_path, int *pages, char *err,
                           size_t errlen) WM_MUST_CHECK;

#endif /* WM_MINUTES_H */
