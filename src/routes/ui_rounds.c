/*
** ui_rounds.c — fragments of the evaluation round pages (测评, issue 10) shared by the
** pages and the API: a round's state badge, the links to its sub-pages by role, the
** declaration statistics (申报统计) as a server-side SVG bar chart and as XLSX.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "handlers.h"

/* The entry states in the statistics' column order. */
static const char *const entry_states[] = {"draft",    "declared", "recommended",
                                           "accepted", "rejected", "withdrawn", NULL};

void
ui_round_state_badge(struct wm_buf *b, const char *state)
{
    wm_h(b, "<span class=\"badge round-%s\">%s</span>", state, wm_round_state_label(state));
}

void
ui_round_links(struct wm_req *r, struct wm_buf *b, const json_t *round)
{
    const struct wm_actor *a = &r->actor;
    bool staff = wm_actor_is(a, WM_ROLES_STAFF);
    bool eval = wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_EVALUATOR));
    bool unit = wm_actor_is(a, WM_ROLES_UNIT);
    bool public = wm_round_in_state(round, "publicity") || wm_round_in_state(round, "closed");
    const struct {
        const char *path;
        const char *label;
        bool show;
    } links[] = {
        {"entries", unit ? _("本单位申报") : _("申报单位"), true},
        {"stats", _("申报统计"), staff},
        {"groups", _("测评组"), staff || eval},
        {"visits", _("实地测评安排"), true}, /* a unit: its own visits */
        {"progress", _("评分进度"), staff || eval},
        {"results", _("测评结果"), staff || (unit && public)},
        {"publicity", _("公示"), public},
    };
    wm_h(b, "<nav class=\"row tabs\" id=\"round-links\" aria-label=\"%s\">", _("测评栏目"));
    for (size_t i = 0; i < WM_ARRAY_LEN(links); i++) {
        if (links[i].show) {
            wm_h(b, "<a class=\"button secondary\" href=\"/rounds/%I/%s\">%s</a> ", ji(round, "id"),
                 links[i].path, links[i].label);
        }
    }
    wm_h(b, "</nav>\n");
}

/* ---------------------------------------------------------------- the chart */

void
ui_round_stats_chart(struct wm_buf *b, const json_t *stats)
{
    const json_t *by = json_object_get(stats, "by_category");
    int64_t max = 1;
    size_t n = 0;
    for (size_t i = 0; wm_round_categories[i]; i++, n++) {
        int64_t v = json_integer_value(json_object_get(by, wm_round_categories[i]));
        max = v > max ? v : max;
    }
    const int label_w = 90, bar_w = 420, row_h = 28, top = 8;
    int height = top * 2 + (int)n * row_h;
    wm_h(b, "<figure class=\"chart\" id=\"stats-chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
            "role=\"img\" width=\"100%%\" viewBox=\"0 0 %d %d\" aria-labelledby=\"stats-chart-t\">"
            "<title id=\"stats-chart-t\">%s</title>",
         label_w + bar_w + 60, height, _("各类型申报数量"));
    for (size_t i = 0; wm_round_categories[i]; i++) {
        int64_t v = json_integer_value(json_object_get(by, wm_round_categories[i]));
        int y = top + (int)i * row_h;
        int w = (int)(v * bar_w / max);
        wm_h(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"13\">%s</text>"
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#b4232a\">"
                "<title>%s %I</title></rect>"
                "<text x=\"%d\" y=\"%d\" font-size=\"13\">%I</text>",
             label_w - 8, y + 18, wm_round_categories[i], label_w, y + 4, w, row_h - 8,
             wm_round_categories[i], v, label_w + w + 6, y + 18, v);
    }
    wm_h(b, "</svg><figcaption>%s</figcaption></figure>\n", _("各类型申报数量（所有状态合计）"));
}

/* ---------------------------------------------------------------- the XLSX */

static lxw_error
cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s, lxw_format *fmt)
{
    struct wm_buf c = {0};
    lxw_error e = worksheet_write_string(ws, row, col, wm_cell_text(s ? s : "", &c), fmt);
    wm_buf_free(&c);
    return e;
}

/* The grid of categories × states with totals, from row 2 on; the next free row. */
static lxw_row_t
grid_sheet(lxw_worksheet *ws, lxw_format *bold, const json_t *round, const json_t *stats,
           lxw_error *le)
{
    const json_t *grid = json_object_get(stats, "grid");
    *le = cell(ws, 0, 0, json_string_value(json_object_get(round, "name")), bold);
    worksheet_set_column(ws, 0, 0, 14, NULL);
    worksheet_set_column(ws, 1, 8, 10, NULL);
    lxw_col_t c = 0;
    if (LXW_NO_ERROR == *le) {
        *le = cell(ws, 2, c++, _("类型"), bold);
    }
    for (size_t s = 0; entry_states[s] && LXW_NO_ERROR == *le; s++) {
        *le = cell(ws, 2, c++, wm_entry_state_label(entry_states[s]), bold);
    }
    if (LXW_NO_ERROR == *le) {
        *le = cell(ws, 2, c, _("合计"), bold);
    }
    lxw_row_t row = 3;
    for (size_t k = 0; wm_round_categories[k] && LXW_NO_ERROR == *le; k++, row++) {
        const json_t *g = json_object_get(grid, wm_round_categories[k]);
        int64_t sum = 0;
        *le = cell(ws, row, 0, wm_round_categories[k], NULL);
        for (size_t s = 0; entry_states[s] && LXW_NO_ERROR == *le; s++) {
            int64_t n = json_integer_value(json_object_get(g, entry_states[s]));
            sum += n;
            *le = worksheet_write_number(ws, row, (lxw_col_t)(s + 1), (double)n, NULL);
        }
        if (LXW_NO_ERROR == *le) {
            *le = worksheet_write_number(ws, row, 7, (double)sum, bold);
        }
    }
    if (LXW_NO_ERROR == *le) {
        *le = cell(ws, row, 0, _("合计"), bold);
    }
    for (size_t s = 0; entry_states[s] && LXW_NO_ERROR == *le; s++) {
        int64_t n = json_integer_value(json_object_get(json_object_get(stats, "by_state"),
                                                       entry_states[s]));
        *le = worksheet_write_number(ws, row, (lxw_col_t)(s + 1), (double)n, bold);
    }
    if (LXW_NO_ERROR == *le) {
        *le = worksheet_write_number(ws, row, 7,
                                     (double)json_integer_value(json_object_get(stats, "total")),
                                     bold);
    }
    return row + 2;
}

void
ui_round_stats_xlsx(struct wm_req *r, const json_t *round, const json_t *stats)
{
    struct wm_xlsx xl;
    lxw_workbook *wb = wm_xlsx_begin(r, &xl, "stats");
    if (NULL == wb) {
        return;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, _("申报统计"));
    lxw_worksheet *ws2 = workbook_add_worksheet(wb, _("明细"));
    lxw_error le = ws && ws2 ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (LXW_NO_ERROR == le) {
        lxw_format *bold = workbook_add_format(wb);
        format_set_bold(bold);
        lxw_row_t row = grid_sheet(ws, bold, round, stats, &le);
        /* per district */
        if (LXW_NO_ERROR == le) {
            le = cell(ws, row, 0, _("辖区"), bold);
        }
        if (LXW_NO_ERROR == le) {
            le = cell(ws, row++, 1, _("申报数"), bold);
        }
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(stats, "by_district"), i, d)
        {
            if (LXW_NO_ERROR == le) {
                le = cell(ws, row, 0, js(d, "district_name"), NULL);
            }
            if (LXW_NO_ERROR == le) {
                le = worksheet_write_number(ws, row++, 1, (double)ji(d, "n"), NULL);
            }
        }
        /* the rows */
        const char *head[] = {_("类型"), _("单位类型"), _("辖区"), _("状态"), _("数量")};
        for (lxw_col_t k = 0; k < WM_ARRAY_LEN(head) && LXW_NO_ERROR == le; k++) {
            worksheet_set_column(ws2, k, k, 14, NULL);
            le = cell(ws2, 0, k, head[k], bold);
        }
        json_array_foreach(json_object_get(stats, "rows"), i, d)
        {
            lxw_row_t rr = (lxw_row_t)(i + 1);
            const char *cells[] = {js(d, "category"), js(d, "unit_type"), js(d, "district_name"),
                                   wm_entry_state_label(js(d, "state"))};
            for (lxw_col_t k = 0; k < WM_ARRAY_LEN(cells) && LXW_NO_ERROR == le; k++) {
                le = cell(ws2, rr, k, cells[k], NULL);
            }
            if (LXW_NO_ERROR == le) {
                le = worksheet_write_number(ws2, rr, 4, (double)ji(d, "n"), NULL);
            }
        }
    }
    char *fname = wm_asprintf(_("申报统计_%lld.xlsx"), (long long)ji(round, "id"));
    wm_xlsx_reply(r, &xl, le, fname);
    free(fname);
}

/* end of ui_rounds.c */
