/*
** api_titles.c — the title register over JSON (文明称号, issue 10): list (filters, offset
** paging), register, read, edit, change the state with a reason, import a CSV/XLSX
** register, export the filtered list as XLSX, and a unit's titles.  The rules are
** src/core/titles.c's; the representation is repr.c's wm_api_title.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "handlers.h"
#include "wm_table.h"

/* The most rows an export holds. */
#define TITLES_XLSX_MAX 20000

/* GET /api/v1/titles?unit=&level=&state=&until_from=&until_to=&q=&limit=&offset= */
void
api_titles_get(struct wm_req *r)
{
    struct wm_title_query q;
    if (!wm_req_title_query(r, &q)) {
        return;
    }
    struct wm_fail f = { 0 };
    json_t *rows = wm_title_list(r->db, &r->actor, &q, &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, wm_api_window(wm_api_titles(rows), q.limit, q.offset));
}

/* GET /api/v1/units/{id}/titles: the unit's titles, newest awarded first. */
void
api_unit_titles_get(struct wm_req *r)
{
    struct wm_title_query q;
    if (!wm_req_title_query(r, &q)) {
        return;
    }
    q.unit_id = r->ids[0];
    struct wm_fail f = { 0 };
    json_t *rows = wm_title_list(r->db, &r->actor, &q, &f);
    if (NULL == rows) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_json(r, 200, wm_api_window(wm_api_titles(rows), q.limit, q.offset));
}

static const struct wm_jfield title_spec[] = {
    { "unit_id", WM_J_INT, true, INT64_MAX },
    { "title", WM_J_STR, true, 100 },
    { "level", WM_J_STR, true, 20 },
    { "award_doc", WM_J_STR, false, 100 },
    { "awarded_on", WM_J_STR, true, 10 },
    { "valid_until", WM_J_STR, false, 10 },
    { "note", WM_J_STR, false, 500 },
    { "round_id", WM_J_INT, false, INT64_MAX },
    { NULL },
};

/* POST /api/v1/titles {unit_id, title, level, award_doc?, awarded_on, valid_until?, note?,
** round_id?} */
void
api_titles_post(struct wm_req *r)
{
    if (!wm_json_check(r, title_spec)) {
        return;
    }
    struct wm_title_in in = { .unit_id = wm_jint(r, "unit_id", 0),
                              .title = wm_jstr(r, "title"),
                              .level = wm_jstr(r, "level"),
                              .award_doc = wm_jstr(r, "award_doc"),
                              .awarded_on = wm_jstr(r, "awarded_on"),
                              .valid_until = wm_jstr(r, "valid_until"),
                              .note = wm_jstr(r, "note"),
                              .round_id = wm_jint(r, "round_id", 0) };
    struct wm_fail f = { 0 };
    int64_t id = 0;
    if (WM_OK != wm_title_add(r->db, &r->actor, &in, &id, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    wm_reply_read(r, 201, wm_api_title(wm_title_get_scoped(r->db, &r->actor, id, &f)), &f);
}

void
api_title_get(struct wm_req *r)
{
    struct wm_fail f = { 0 };
    wm_reply_read(r, 200, wm_api_title(wm_title_get_scoped(r->db, &r->actor, r->ids[0], &f)), &f);
}

/* PATCH /api/v1/titles/{id}: any of title, level, award_doc, awarded_on, valid_until, note
** ("" clears the optional ones); the state changes through .../state. */
void
api_title_patch(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {
        { "title", WM_J_STR, false, 100 },
        { "level", WM_J_STR, false, 20 },
        { "award_doc", WM_J_STR, false, 100 },
        { "awarded_on", WM_J_STR, false, 10 },
        { "valid_until", WM_J_STR, false, 10 },
        { "note", WM_J_STR, false, 500 },
        { NULL },
    };
    if (!wm_json_check(r, spec)) {
        return;
    }
    struct wm_title_in in = { .title = wm_jstr(r, "title"),
                              .level = wm_jstr(r, "level"),
                              .award_doc = wm_jstr(r, "award_doc"),
                              .awarded_on = wm_jstr(r, "awarded_on"),
                              .valid_until = wm_jstr(r, "valid_until"),
                              .note = wm_jstr(r, "note") };
    struct wm_fail f = { 0 };
    if (WM_OK != wm_title_update(r->db, &r->actor, r->ids[0], &in, &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    api_title_get(r);
}

/* POST /api/v1/titles/{id}/state {state: kept|revoked|expired (or 保留|撤销|过期), reason} */
void
api_title_state_post(struct wm_req *r)
{
    static const struct wm_jfield spec[] = {
        { "state", WM_J_STR, true, 20 },
        { "reason", WM_J_STR, true, 500 },
        { NULL },
    };
    if (!wm_json_check(r, spec)) {
        return;
    }
    struct wm_fail f = { 0 };
    if (WM_OK != wm_title_set_state(r->db, &r->actor, r->ids[0], wm_jstr(r, "state"),
                                    wm_jstr(r, "reason"), &f)) {
        wm_reply_fail(r, &f);
        return;
    }
    api_title_get(r);
}

/* POST multipart: file=<csv|xlsx>, optional office_id, dry_run.  200 with the report when
** imported (or a dry run), 400 with the report when a row is wrong (nothing imported). */
void
api_titles_import_post(struct wm_req *r)
{
    struct wm_table *t = NULL;
    struct wm_fail f = { 0 };
    json_t *report = NULL;
    int64_t office = 0;
    const char *os = wm_form(r, "office_id");
    if (os && *os && !wm_parse_i64(os, 1, INT64_MAX, &office)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "office_id", NULL);
        return;
    }
    if (!wm_req_title_table(r, &t)) {
        return;
    }
    bool dry = wm_streq(wm_form(r, "dry_run"), "true") || wm_streq(wm_form(r, "dry_run"), "1");
    enum wm_err e = wm_title_import(r->db, &r->actor, t, office, dry, &report, &f);
    wm_table_free(t);
    if (WM_OK != e) {
        wm_reply_fail(r, &f);
        return;
    }
    bool bad = json_array_size(json_object_get(report, "errors")) > 0;
    wm_reply_json(r, bad ? 400 : 200, report);
}

/* GET /api/v1/titles.xlsx?<the list's filters>: the filtered titles as a workbook. */
void
api_titles_xlsx_get(struct wm_req *r)
{
    struct wm_title_query q;
    if (!wm_req_title_query(r, &q)) {
        return;
    }
    struct wm_xlsx xl;
    lxw_workbook *wb = wm_xlsx_begin(r, &xl, "titles");
    if (NULL == wb) {
        return;
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, _("文明称号"));
    lxw_error le = ws ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED;
    const char *head[] = { _("单位代码"), _("单位名称"), _("称号"), _("级别"), _("授予文件"),
                           _("授予日期"), _("有效期至"), _("状态"), _("原因"), _("备注") };
    if (ws) {
        lxw_format *bold = workbook_add_format(wb);
        format_set_bold(bold);
        static const double widths[] = { 20, 24, 28, 8, 24, 12, 12, 8, 24, 24 };
        for (lxw_col_t k = 0; k < WM_ARRAY_LEN(head); k++) {
            worksheet_set_column(ws, k, k, widths[k], NULL);
            le = worksheet_write_string(ws, 0, k, head[k], bold);
        }
        worksheet_freeze_panes(ws, 1, 0);
    }
    struct wm_fail f = { 0 };
    lxw_row_t row = 1;
    q.offset = 0;
    q.limit = 500;
    bool failed = false;
    while (LXW_NO_ERROR == le && row <= TITLES_XLSX_MAX) {
        json_t *rows = wm_title_list(r->db, &r->actor, &q, &f);
        if (NULL == rows) {
            failed = true;
            break;
        }
        size_t i;
        json_t *x;
        json_array_foreach(rows, i, x)
        {
            if (row > TITLES_XLSX_MAX || LXW_NO_ERROR != le) {
                break;
            }
            const char *cells[] = { js(x, "unit_code"),   js(x, "unit_name"),
                                    js(x, "title"),       js(x, "level"),
                                    js(x, "award_doc"),   js(x, "awarded_on"),
                                    js(x, "valid_until"), wm_title_state_label(js(x, "state")),
                                    js(x, "reason"),      js(x, "note") };
            for (lxw_col_t k = 0; k < WM_ARRAY_LEN(cells) && LXW_NO_ERROR == le; k++) {
                struct wm_buf c = { 0 };
                le = worksheet_write_string(ws, row, k, wm_cell_text(cells[k], &c), NULL);
                wm_buf_free(&c);
            }
            row++;
        }
        size_t got = json_array_size(rows);
        json_decref(rows);
        if (got < q.limit) {
            break;
        }
        q.offset += q.limit;
    }
    if (failed) {
        wm_xlsx_discard(&xl);
        wm_reply_fail(r, &f);
        return;
    }
    char day[WM_DAY_LEN];
    wm_day_format(wm_day_today(), day);
    char *fname = wm_asprintf(_("文明称号_%s.xlsx"), day);
    wm_xlsx_reply(r, &xl, le, fname);
    free(fname);
}

/* end of api_titles.c */
