/*
** ui_work_overview.c — what api_work_overview.c and page_work_overview.c share (issue 12):
** the overview's query from the request, and the overview as a workbook.
*/
#include "config.h"

#include <xlsxwriter.h>

#include "handlers.h"

bool
wm_req_work_ov_query(struct wm_req *r, struct wm_work_ov_query *q, unsigned dflt_limit)
{
    int64_t lim = dflt_limit, off = 0;
    memset(q, 0, sizeof *q);
    if (!wm_req_int(r, "year", 2000, 9999, &q->year) ||
        !wm_req_int(r, "district", 1, INT64_MAX, &q->district_id) ||
        !wm_req_int(r, "limit", 0, WM_WORK_OV_LIMIT_MAX, &lim) ||
        !wm_req_int(r, "offset", 0, 1000000, &off)) {
        return false;
    }
    const char *sort = wm_req_arg(r, "sort");
    if (sort && *sort && !wm_streq(sort, "overdue") && !wm_streq(sort, "unit")) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "sort", _("排序须为 overdue 或 unit"));
        return false;
    }
    q->by_overdue = wm_streq(sort, "overdue");
    q->unit_type = wm_req_arg(r, "unit_type");
    if (q->unit_type && 0 == *q->unit_type) {
        q->unit_type = NULL;
    }
    q->limit = (unsigned)lim;
    q->offset = (unsigned)off;
    return true;
}

/* The workbook's columns: heading, width, and the row's key (NULL: written by hand). */
static const struct {
    const char *head;
    double width;
    const char *key;
} xl_cols[] = {
    {N_("所属文明办"), 16, "district_name"},
    {N_("单位名称"), 24, "unit_name"},
    {N_("单位代码"), 20, "unit_code"},
    {N_("单位类型"), 10, "unit_type"},
    {N_("领导小组"), 8, "group"},
    {N_("年度计划"), 8, "plan"},
    {N_("任务完成"), 10, "tasks_done"},
    {N_("任务总数"), 10, "tasks_total"},
    {N_("任务逾期"), 10, "tasks_overdue"},
    {N_("会议召开"), 10, "meetings_held"},
    {N_("会议应开"), 10, "meetings_owed"},
    {N_("会议逾期期数"), 12, "meetings_late"},
    {N_("检查周数"), 10, "inspections_weeks"},
    {N_("应检查周数"), 10, "inspections_owed"},
    {N_("整改未完成"), 10, "rect_open"},
    {N_("整改逾期"), 10, "rect_overdue"},
    {N_("逾期合计"), 10, "overdue"},
};

/* One row of the workbook: text cells through wm_cell_text, numbers as numbers. */
static lxw_error
xl_row(lxw_worksheet *ws, lxw_row_t row, const json_t *x, const char *label)
{
    lxw_error le = LXW_NO_ERROR;
    for (lxw_col_t k = 0; k < WM_ARRAY_LEN(xl_cols) && LXW_NO_ERROR == le; k++) {
        const json_t *v = json_object_get(x, xl_cols[k].key);
        if (0 == k && label) {
            le = worksheet_write_string(ws, row, k, label, NULL);
        } else if (json_is_boolean(v)) {
            le = worksheet_write_string(ws, row, k, json_is_true(v) ? _("有") : _("无"), NULL);
        } else if (json_is_integer(v)) {
            le = worksheet_write_number(ws, row, k, (double)json_integer_value(v), NULL);
        } else if (json_is_string(v)) {
            struct wm_buf c = {0};
            le = worksheet_write_string(ws, row, k, wm_cell_text(json_string_value(v), &c), NULL);
            wm_buf_free(&c);
        }
    }
    return le;
}

void
ui_work_overview_xlsx(struct wm_req *r, const json_t *ov)
{
    struct wm_xlsx xl;
    lxw_workbook *wb = wm_xlsx_begin(r, &xl, "work");
    if (NULL == wb) {
        return;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, _("创建工作总览"));
    lxw_error le = ws ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    for (lxw_col_t k = 0; ws && k < WM_ARRAY_LEN(xl_cols) && LXW_NO_ERROR == le; k++) {
        worksheet_set_column(ws, k, k, xl_cols[k].width, NULL);
        le = worksheet_write_string(ws, 0, k, _(xl_cols[k].head), bold);
    }
    if (ws) {
        worksheet_freeze_panes(ws, 1, 0);
    }
    lxw_row_t row = 1;
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(ov, "rows"), i, x)
    {
        if (LXW_NO_ERROR == le) {
            le = xl_row(ws, row++, x, NULL);
        }
    }
    json_array_foreach(json_object_get(ov, "districts"), i, x)
    {
        if (LXW_NO_ERROR == le) {
            char *label = wm_asprintf(_("%s 合计"), js(x, "district_name"));
            le = xl_row(ws, row++, x, label);
            free(label);
        }
    }
    if (LXW_NO_ERROR == le) {
        le = xl_row(ws, row, json_object_get(ov, "total"), _("总计"));
    }
    char *fname = wm_asprintf(_("创建工作总览_%lld.xlsx"), (long long)ji(ov, "year"));
    wm_xlsx_reply(r, &xl, le, fname);
    free(fname);
}

/* end of ui_work_overview.c */
