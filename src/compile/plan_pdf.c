/*
** plan_pdf.c — a unit's annual plan (年度工作计划) as a PDF (wm_plan_pdf.h), on the plain
** A4 sheet of wm_sheet.h.  Runs in the `wenming-compile` helper only.
*/
/* clang-format off */
#include "wm_plan_pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wm_sheet.h"

#include "banned.h"
/* clang-format on */

#define INDENT 18.0

/* The stages, one line each: "1. 宣传发动：2026-01-01 至 2026-03-31". */
static void
stages(struct wm_sheet *s, const json_t *list)
{
    size_t i;
    json_t *st;
    json_array_foreach(list, i, st)
    {
        char *line = wm_asprintf("%zu. %s：%s 至 %s", i + 1, wm_sheet_str(st, "name"),
                                 wm_sheet_str(st, "starts_on"), wm_sheet_str(st, "ends_on"));
        wm_sheet_item(s, INDENT, line);
        free(line);
    }
}

/* One task: its title, then who, by when and its state. */
static void
task(struct wm_sheet *s, size_t n, const json_t *t)
{
    const char *person = wm_sheet_str(t, "person"), *due = wm_sheet_str(t, "due_on");
    const char *state = 0 == strcmp(wm_sheet_str(t, "state"), "done") ? "已完成" : "未完成";
    char *line = wm_asprintf("%zu. %s（责任人：%s；完成时限：%s；%s）", n, wm_sheet_str(t, "title"),
                             *person ? person : "未指定", *due ? due : "未定", state);
    wm_sheet_item(s, INDENT, line);
    free(line);
}

/* The tasks, grouped by department, each group under its department's name. */
static void
tasks(struct wm_sheet *s, const json_t *depts)
{
    size_t i, j;
    json_t *d, *t;
    json_array_foreach(depts, i, d)
    {
        wm_sheet_subhead(s, wm_sheet_str(d, "name"));
        json_array_foreach(json_object_get(d, "tasks"), j, t)
        {
            task(s, j + 1, t);
        }
    }
}

static void
draw(struct wm_sheet *s, const json_t *spec)
{
    const char *goals = wm_sheet_str(spec, "goals");
    const json_t *st = json_object_get(spec, "stages"), *depts = json_object_get(spec, "depts");
    wm_sheet_heading(s, "年度工作计划", wm_sheet_str(spec, "title"));
    wm_sheet_field(s, "单位：", wm_sheet_str(spec, "unit"));
    wm_sheet_field(s, "年度：", wm_sheet_str(spec, "year"));
    s->y += 6;
    wm_sheet_rule(s);
    s->y += 8;
    wm_sheet_section(s, "一、工作目标");
    wm_sheet_item(s, INDENT, *goals ? goals : "（未填写）");
    wm_sheet_section(s, "二、实施阶段");
    if (0 == json_array_size(st)) {
        wm_sheet_item(s, INDENT, "（未安排）");
    }
    stages(s, st);
    wm_sheet_section(s, "三、工作任务");
    if (0 == json_array_size(depts)) {
        wm_sheet_item(s, INDENT, "（未安排）");
    }
    tasks(s, depts);
    wm_sheet_next_page(s);
}

enum wm_err
wm_plan_pdf(const json_t *spec, const char *out_path, int *pages, char *err, size_t errlen)
{
    if (!json_is_object(spec) || '\0' == *wm_sheet_str(spec, "title")) {
        snprintf(err, errlen, "not a plan spec");
        return WM_E_BAD_REQUEST;
    }
    return wm_sheet_pdf(spec, out_path, wm_sheet_str(spec, "title"), wm_sheet_str(spec, "unit"),
                        draw, pages, err, errlen);
}

/* end of plan_pdf.c */
