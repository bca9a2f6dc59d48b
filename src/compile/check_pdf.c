/*
** check_pdf.c — the DA/T 70 四性检测 report as a PDF (wm_check_pdf.h), on the plain A4 sheet
** of wm_sheet.h.  Runs in the `wenming-compile` helper only (issue 13, dat70).
*/
/* clang-format off */
#include "wm_check_pdf.h"

#include <stdio.h>
#include <stdlib.h>

#include "wm_sheet.h"

#include "banned.h"

/* clang-format on */

static long long
num(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

static void
draw(struct wm_sheet *s, const json_t *spec)
{
    const json_t *ar = json_object_get(spec, "archive");
    char *title = wm_asprintf("%s %lld 年度创建档案", wm_sheet_str(ar, "unit_name"),
                              num(ar, "year"));
    wm_sheet_heading(s, "四性检测报告", title);
    free(title);
    wm_sheet_field(s, "检测依据：", wm_sheet_str(spec, "standard"));
    wm_sheet_field(s, "元数据依据：", wm_sheet_str(spec, "metadata_standard"));
    wm_sheet_field(s, "单位代码：", wm_sheet_str(ar, "unit_code"));
    wm_sheet_field(s, "检测时间：", wm_sheet_str(spec, "started_at"));
    wm_sheet_field(s, "完成时间：", wm_sheet_str(spec, "finished_at"));
    wm_sheet_field(s, "检测范围：", wm_sheet_str(spec, "scope"));
    wm_sheet_field(s, "总体结论：", json_is_true(json_object_get(spec, "passed"))
                                      ? "四性检测全部通过"
                                      : "四性检测未全部通过");
    s->y += 6;
    wm_sheet_rule(s);
    s->y += 10;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(spec, "properties"), i, p)
    {
        bool ok = json_is_true(json_object_get(p, "passed"));
        char *head = wm_asprintf("%s：%s（检测 %lld 项，不通过 %lld 项）", wm_sheet_str(p, "name"),
                                 ok ? "通过" : "不通过", num(p, "checked"), num(p, "failed"));
        wm_sheet_flow(s, WM_SHEET_SANS " Bold 13", head, WM_SHEET_MARGIN, WM_SHEET_BODY_W,
                      PANGO_ALIGN_LEFT);
        free(head);
        s->y += 4;
        size_t k;
        json_t *x;
        json_array_foreach(json_object_get(p, "rules"), k, x)
        {
            char *line = wm_asprintf("· %s", json_string_value(x));
            wm_sheet_flow(s, WM_SHEET_SERIF " 10", line, WM_SHEET_MARGIN, WM_SHEET_BODY_W,
                          PANGO_ALIGN_LEFT);
            free(line);
        }
        json_array_foreach(json_object_get(p, "notes"), k, x)
        {
            wm_sheet_flow(s, WM_SHEET_SERIF " 10", json_string_value(x), WM_SHEET_MARGIN,
                          WM_SHEET_BODY_W, PANGO_ALIGN_LEFT);
        }
        json_array_foreach(json_object_get(p, "items"), k, x)
        {
            struct wm_buf b = {0};
            wm_buf_printf(&b, "%zu. ", k + 1);
            if (*wm_sheet_str(x, "code")) {
                wm_buf_printf(&b, "%s ", wm_sheet_str(x, "code"));
            }
            if (num(x, "serial") > 0) {
                wm_buf_printf(&b, "%02lld：", num(x, "serial"));
            }
            if (*wm_sheet_str(x, "title")) {
                wm_buf_printf(&b, "%s ", wm_sheet_str(x, "title"));
            }
            if (num(x, "version") > 0) {
                wm_buf_printf(&b, "（第 %lld 版）", num(x, "version"));
            }
            wm_buf_printf(&b, "— %s", wm_sheet_str(x, "reason"));
            wm_sheet_flow(s, WM_SHEET_SERIF " 10", wm_buf_str(&b), WM_SHEET_MARGIN + 12,
                          WM_SHEET_BODY_W - 12, PANGO_ALIGN_LEFT);
            wm_buf_free(&b);
        }
        if (num(p, "failed") > num(p, "items_listed")) {
            char *more = wm_asprintf("（另有 %lld 项未列出）", num(p, "failed") - num(p, "items_listed"));
            wm_sheet_flow(s, WM_SHEET_SERIF " 10", more, WM_SHEET_MARGIN + 12,
                          WM_SHEET_BODY_W - 12, PANGO_ALIGN_LEFT);
            free(more);
        }
        s->y += 10;
    }
    wm_sheet_next_page(s);
}

enum wm_err
wm_check_pdf(const json_t *spec, const char *out_path, int *pages, char *err, size_t errlen)
{
    if (!json_is_object(spec) || !json_is_array(json_object_get(spec, "properties"))) {
        snprintf(err, errlen, "not an archive.check report");
        return WM_E_BAD_REQUEST;
    }
    return wm_sheet_pdf(spec, out_path, "四性检测报告",
                        wm_sheet_str(json_object_get(spec, "archive"), "unit_name"), draw, pages,
                        err, errlen);
}

/* end of check_pdf.c */
