/*
** bulletin_pdf.c — a unit's weekly bulletin (一周一通报) as a PDF (wm_bulletin_pdf.h), on
** the plain A4 sheet of wm_sheet.h.  Runs in the `wenming-compile` helper only.
*/
/* clang-format off */
#include "wm_bulletin_pdf.h"

#include <stdio.h>
#include <stdlib.h>

#include "wm_sheet.h"

#include "banned.h"
/* clang-format on */

#define INDENT 18.0

static long long
num(const json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

/* 一、each department's checks, passes and findings of the week. */
static void
dept_counts(struct wm_sheet *s, const json_t *depts)
{
    wm_sheet_section(s, "一、各部门检查情况");
    size_t i;
    json_t *d;
    json_array_foreach(depts, i, d)
    {
        char *line = wm_asprintf("%s：检查 %lld 处次，合格 %lld，需整改 %lld",
                                 wm_sheet_str(d, "dept"), num(d, "checks"), num(d, "pass"),
                                 num(d, "fix"));
        wm_sheet_item(s, INDENT, line);
        free(line);
    }
    if (0 == json_array_size(depts)) {
        wm_sheet_item(s, INDENT, "本周没有检查记录。");
    }
}

/* 二、the areas found wanting, with their departments and notes. */
static void
findings(struct wm_sheet *s, const json_t *list)
{
    wm_sheet_section(s, "二、发现的问题（需整改）");
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
    {
        const char *note = wm_sheet_str(x, "note");
        char *line = wm_asprintf("%zu. %s　%s　%s：%s", i + 1, wm_sheet_str(x, "held_on"),
                                 wm_sheet_str(x, "dept"), wm_sheet_str(x, "area"),
                                 *note ? note : "需整改");
        wm_sheet_item(s, INDENT, line);
        free(line);
    }
    if (0 == json_array_size(list)) {
        wm_sheet_item(s, INDENT, "本周检查的责任区均合格。");
    }
}

/* 三、each inspection, then each area's result under it. */
static void
inspections(struct wm_sheet *s, const json_t *list)
{
    wm_sheet_section(s, "三、检查记录");
    size_t i, k;
    json_t *x, *c;
    json_array_foreach(list, i, x)
    {
        const char *note = wm_sheet_str(x, "note");
        char *head = wm_asprintf("%zu. %s　检查人：%s%s%s", i + 1, wm_sheet_str(x, "held_on"),
                                 wm_sheet_str(x, "inspector"), *note ? "　备注：" : "", note);
        wm_sheet_subhead(s, head);
        free(head);
        json_array_foreach(json_object_get(x, "checks"), k, c)
        {
            const char *cat = wm_sheet_str(c, "category"), *cnote = wm_sheet_str(c, "note");
            char *line = wm_asprintf("%s（%s%s%s）：%s%s%s", wm_sheet_str(c, "area"),
                                     wm_sheet_str(c, "dept"), *cat ? "，" : "", cat,
                                     wm_sheet_str(c, "result"), *cnote ? "——" : "", cnote);
            wm_sheet_item(s, INDENT, line);
            free(line);
        }
    }
}

static void
draw(struct wm_sheet *s, const json_t *spec)
{
    wm_sheet_heading(s, "一周一通报", wm_sheet_str(spec, "title"));
    wm_sheet_field(s, "单位：", wm_sheet_str(spec, "unit"));
    char *week = wm_asprintf("%s 至 %s", wm_sheet_str(spec, "from"), wm_sheet_str(spec, "to"));
    wm_sheet_field(s, "本周：", week);
    free(week);
    s->y += 6;
    wm_sheet_rule(s);
    s->y += 8;
    dept_counts(s, json_object_get(spec, "depts"));
    findings(s, json_object_get(spec, "findings"));
    inspections(s, json_object_get(spec, "inspections"));
    wm_sheet_next_page(s);
}

enum wm_err
wm_bulletin_pdf(const json_t *spec, const char *out_path, int *pages, char *err, size_t errlen)
{
    if (!json_is_object(spec) || '\0' == *wm_sheet_str(spec, "title") ||
        !json_is_array(json_object_get(spec, "inspections"))) {
        snprintf(err, errlen, "not a bulletin spec (a title and inspections)");
        return WM_E_BAD_REQUEST;
    }
    return wm_sheet_pdf(spec, out_path, wm_sheet_str(spec, "title"), wm_sheet_str(spec, "unit"),
                        draw, pages, err, errlen);
}

/* end of bulletin_pdf.c */
