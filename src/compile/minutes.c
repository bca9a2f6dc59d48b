/*
** minutes.c — the minutes of a meeting (会议纪要) as a PDF (wm_minutes.h), on the plain A4
** sheet of wm_sheet.h.  Runs in the `wenming-compile` helper only.
*/
/* clang-format off */
#include "wm_minutes.h"

#include <stdio.h>

#include "wm_sheet.h"

#include "banned.h"

/* clang-format on */

static void
draw(struct wm_sheet *s, const json_t *spec)
{
    wm_sheet_heading(s, "会议纪要", wm_sheet_str(spec, "title"));
    wm_sheet_field(s, "单位：", wm_sheet_str(spec, "unit"));
    wm_sheet_field(s, "会议类型：", wm_sheet_str(spec, "meeting_kind"));
    wm_sheet_field(s, "时间：", wm_sheet_str(spec, "date"));
    wm_sheet_field(s, "地点：", wm_sheet_str(spec, "place"));
    wm_sheet_field(s, "参会人员：", wm_sheet_str(spec, "attendees"));
    s->y += 6;
    wm_sheet_rule(s);
    s->y += 14;
    wm_sheet_flow(s, WM_SHEET_SANS " Bold 12", "会议内容", WM_SHEET_MARGIN, WM_SHEET_BODY_W,
                  PANGO_ALIGN_LEFT);
    s->y += 6;
    wm_sheet_flow(s, WM_SHEET_SERIF " 12", wm_sheet_str(spec, "minutes"), WM_SHEET_MARGIN,
                  WM_SHEET_BODY_W, PANGO_ALIGN_LEFT);
    wm_sheet_next_page(s);
}

enum wm_err
wm_minutes_pdf(const json_t *spec, const char *out_path, int *pages, char *err, size_t errlen)
{
    if (!json_is_object(spec) || '\0' == *wm_sheet_str(spec, "title") ||
        '\0' == *wm_sheet_str(spec, "minutes")) {
        snprintf(err, errlen, "not a minutes spec");
        return WM_E_BAD_REQUEST;
    }
    return wm_sheet_pdf(spec, out_path, wm_sheet_str(spec, "title"), wm_sheet_str(spec, "unit"),
                        draw, pages, err, errlen);
}

/* end of minutes.c */
