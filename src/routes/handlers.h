/*
** handlers.h — every handler of the route table, and helpers shared by handlers.
**
** The files call downwards only, so their graph has no cycle:
**   routes.c            the table: names every handler (and registers the hooks)
**   api_*.c, page_*.c   handlers: never call each other, only the helpers below
**   uploads.c           received files, documents from uploads, imports as jobs
**   shared.c            request and reply helpers, objects a path names
**   ui_guidance.c, ui_review.c, ui_sched.c, ui_home_unit.c, ui_practice.c, ui_rounds.c,
**   ui_groups.c         the fragments of one part each (the leaf's conversation, a
**                       document's history, schedule marks, a unit's home, the
**                       "设为经验做法" form, a round's links, chart and XLSX, the next
**                       visits and an evaluator's home);
**                       ui_practice.c also serves /practice
**   ui_results.c        a round's documents (ranking, score sheet: XLSX, PDF by the
**                       helper) and the results query of api_results.c and page_results.c
**   ui_work_rect.c      a rectification item's evidence from received files, its source
**                       in words (issue 12)
**   ui_titles.c         a unit's title history (the unit's page) and state badges
**   ui_work_overview.c  the creation-work overview's query and its workbook (issue 12)
**   ui_work_meet.c      a meeting's received files filed (its API and page), a
**                       document's creation-work source (issue 12)
**   ui_work_inspect.c   an inspection read from a form, multipart or JSON (issue 12)
**   ui_parts.c          fragments several pages show        → ui.c
**   (api_archive_check.c, page_archive_check.c: the DA/T 70 四性检测, issue 13, dat70:
**   handlers only, through src/core/archive_check.c)
**   ui.c                page chrome, the error page
**   repr.c              the API representation of each resource (its times)
** All of them read and write through src/core (never the store's ops).
*/
#ifndef WM_HANDLERS_H
#define WM_HANDLERS_H

#include "wm_html.h"
#include "wm_http.h"

/* API (api_*.c) */
/* api_groups.c: a round's groups, assignments and visits (issue 10) */
void api_round_groups_get(struct wm_req *r);
void api_round_groups_post(struct wm_req *r);
void api_round_group_patch(struct wm_req *r);
void api_round_group_delete(struct wm_req *r);
void api_round_group_members_post(struct wm_req *r);
void api_round_entry_group_post(struct wm_req *r);
void api_round_visits_get(struct wm_req *r);
void api_round_visits_post(struct wm_req *r);
void api_round_visit_patch(struct wm_req *r);
void api_round_visit_cancel_post(struct wm_req *r);
/* api_results.c: a round's results, publicity, objections, titles, rectification (issue 10) */
void api_round_results_get(struct wm_req *r);
void api_round_results_xlsx_get(struct wm_req *r);
void api_round_results_pdf_get(struct wm_req *r);
void api_round_entry_result_get(struct wm_req *r);
void api_round_entry_sheet_xlsx_get(struct wm_req *r);
void api_round_entry_sheet_pdf_get(struct wm_req *r);
void api_round_publicity_get(struct wm_req *r);
void api_round_objections_get(struct wm_req *r);
void api_round_objections_post(struct wm_req *r);
void api_round_objection_answer_post(struct wm_req *r);
void api_round_titles_post(struct wm_req *r);
void api_round_rectifications_post(struct wm_req *r);
/* page_results.c */
void page_round_results_get(struct wm_req *r);
void page_round_publicity_get(struct wm_req *r);
void page_round_objections_get(struct wm_req *r);
void page_round_objections_post(struct wm_req *r);
void page_round_objection_answer_post(struct wm_req *r);
void page_round_titles_post(struct wm_req *r);
void page_round_rectifications_post(struct wm_req *r);
/* api_titles.c: the title register (文明称号, issue 10) */
void api_titles_get(struct wm_req *r);
void api_titles_post(struct wm_req *r);
void api_titles_import_post(struct wm_req *r);
void api_titles_xlsx_get(struct wm_req *r);
void api_title_get(struct wm_req *r);
void api_title_patch(struct wm_req *r);
void api_title_state_post(struct wm_req *r);
void api_unit_titles_get(struct wm_req *r);
/* page_titles.c */
void page_titles_get(struct wm_req *r);
void page_titles_post(struct wm_req *r);
void page_titles_import_post(struct wm_req *r);
void page_title_state_post(struct wm_req *r);
void api_session_post(struct wm_req *r);
void api_session_delete(struct wm_req *r);
void api_me_get(struct wm_req *r);
void api_me_password_post(struct wm_req *r);
void api_orgs_get(struct wm_req *r);
void api_orgs_post(struct wm_req *r);
void api_org_get(struct wm_req *r);
void api_org_patch(struct wm_req *r);
void api_units_get(struct wm_req *r);
void api_units_post(struct wm_req *r);
void api_unit_get(struct wm_req *r);
void api_unit_patch(struct wm_req *r);
void api_units_import_post(struct wm_req *r);
void api_unit_depts_get(struct wm_req *r);
void api_unit_depts_post(struct wm_req *r);
void api_unit_dept_delete(struct wm_req *r);
void api_users_get(struct wm_req *r);
void api_users_post(struct wm_req *r);
void api_user_get(struct wm_req *r);
void api_user_patch(struct wm_req *r);
void api_tokens_get(struct wm_req *r);
void api_tokens_post(struct wm_req *r);
void api_token_delete(struct wm_req *r);
void api_audit_get(struct wm_req *r);
void api_frameworks_get(struct wm_req *r);
void api_frameworks_post(struct wm_req *r);
void api_framework_get(struct wm_req *r);
void api_framework_publish(struct wm_req *r);
void api_framework_delete(struct wm_req *r);
void api_framework_export(struct wm_req *r);
void api_framework_diff(struct wm_req *r);
void api_archives_get(struct wm_req *r);
void api_archive_get(struct wm_req *r);
void api_archives_post(struct wm_req *r);
void api_archive_delete(struct wm_req *r);
void api_leaf_documents_get(struct wm_req *r);
void api_leaf_documents_post(struct wm_req *r);
void api_leaf_order_post(struct wm_req *r);
void api_archive_trash_get(struct wm_req *r);
void api_archive_schedule_get(struct wm_req *r);
void api_archive_export(struct wm_req *r);
void api_archive_import_post(struct wm_req *r);
void api_document_get(struct wm_req *r);
void api_document_patch(struct wm_req *r);
void api_document_delete(struct wm_req *r);
void api_document_restore(struct wm_req *r);
void api_document_purge(struct wm_req *r);
/* api_rounds.c (issue 10) */
void api_rounds_get(struct wm_req *r);
void api_rounds_post(struct wm_req *r);
void api_round_get(struct wm_req *r);
void api_round_patch(struct wm_req *r);
void api_round_state_post(struct wm_req *r);
void api_round_entries_get(struct wm_req *r);
void api_round_entry_get(struct wm_req *r);
void api_round_declaration_get(struct wm_req *r);
void api_round_declaration_put(struct wm_req *r);
void api_round_entry_declare_post(struct wm_req *r);
void api_round_entry_withdraw_post(struct wm_req *r);
void api_round_entry_recommend_post(struct wm_req *r);
void api_round_entry_accept_post(struct wm_req *r);
void api_round_entry_reject_post(struct wm_req *r);
void api_round_stats_get(struct wm_req *r);
void api_round_stats_xlsx_get(struct wm_req *r);
/* page_rounds.c (issue 10) */
void page_rounds_get(struct wm_req *r);
void page_rounds_post(struct wm_req *r);
void page_round_get(struct wm_req *r);
void page_round_post(struct wm_req *r);
void page_round_state_post(struct wm_req *r);
void page_round_entries_get(struct wm_req *r);
void page_round_declaration_post(struct wm_req *r);
void page_round_entry_post(struct wm_req *r);
void page_round_stats_get(struct wm_req *r);
void page_round_stats_xlsx_get(struct wm_req *r);
/* ui_rounds.c (issue 10): fragments of the round pages and the statistics' XLSX */
/** Reply with the declaration statistics (from wm_round_stats) as an XLSX attachment. */
void ui_round_stats_xlsx(struct wm_req *r, const json_t *round, const json_t *stats);
/** The statistics as a bar chart per category (inline SVG, no script). */
void ui_round_stats_chart(struct wm_buf *b, const json_t *stats);
/** A round state as a badge ("申报中"). */
void ui_round_state_badge(struct wm_buf *b, const char *state);
/** The sub-pages of a round the caller may use, as a row of links. */
void ui_round_links(struct wm_req *r, struct wm_buf *b, const json_t *round);
/* api_scoring.c (issue 10) */
void api_sheet_get(struct wm_req *r);
void api_sheet_post(struct wm_req *r);
void api_sheet_score_put(struct wm_req *r);
void api_sheet_submit_post(struct wm_req *r);
void api_sheet_reopen_post(struct wm_req *r);
void api_round_progress_get(struct wm_req *r);
void api_reconcile_get(struct wm_req *r);
void api_reconcile_post(struct wm_req *r);
void api_entry_lock_post(struct wm_req *r);
void api_entry_unlock_post(struct wm_req *r);
/* api_review.c */
void api_document_submit(struct wm_req *r);
void api_document_approve(struct wm_req *r);
void api_document_return(struct wm_req *r);
void api_document_history(struct wm_req *r);
void api_leaf_submit(struct wm_req *r);
void api_reviews_submit(struct wm_req *r);
void api_reviews_approve(struct wm_req *r);
void api_reviews_return(struct wm_req *r);
void api_org_review_settings_get(struct wm_req *r);
void api_org_review_settings_put(struct wm_req *r);
void api_reviews_get(struct wm_req *r);
/* api_guidance.c (guidance conversations, issue 9) */
void api_guidance_get(struct wm_req *r);
void api_guidance_post(struct wm_req *r);
void api_guidance_read_post(struct wm_req *r);
void api_guidance_close_post(struct wm_req *r);
void api_guidance_reopen_post(struct wm_req *r);
void api_guidance_list_get(struct wm_req *r);
void api_guidance_attachment_get(struct wm_req *r);
/** A conversation (wm_guidance_get) as the API shows it: times RFC 3339, "text", and
** "attachment" {name, size, mime, href} or null. */
json_t *wm_api_guidance(json_t *g);
/** Conversation list rows: times RFC 3339, "code", "last_message" {id, text, side, author,
** attachment, at} or null. */
json_t *wm_api_guidance_list(json_t *rows);
/** ?state=&unread=&unit=&limit=&offset= of a conversation list; false when a 400 was queued. */
struct wm_guidance_query;
bool wm_req_guidance_query(struct wm_req *r, struct wm_guidance_query *q);
void api_document_move(struct wm_req *r);
void api_document_versions_get(struct wm_req *r);
void api_document_versions_post(struct wm_req *r);
void api_document_content(struct wm_req *r);
void api_document_thumbnail(struct wm_req *r);
void api_archive_defaults_get(struct wm_req *r);
void api_archive_defaults_post(struct wm_req *r);
/* api_practice.c: good practice (经验做法) and the 经验交流汇编 */
void api_document_feature_post(struct wm_req *r);
void api_practice_get(struct wm_req *r);
void api_practice_item_get(struct wm_req *r);
void api_practice_patch(struct wm_req *r);
void api_practice_delete(struct wm_req *r);
void api_practice_content(struct wm_req *r);
void api_practice_thumbnail(struct wm_req *r);
void api_compilations_get(struct wm_req *r);
void api_compilations_post(struct wm_req *r);
void api_compilation_get(struct wm_req *r);
void api_compilation_download(struct wm_req *r);
/** A featured item: at, updated_at, withdrawn_at; its name, content and thumbnail links;
** no paths. */
json_t *wm_api_featured(json_t *it);
/** A compilation: at, finished_at; the download link when done; no path, no sha. */
json_t *wm_api_compilation(json_t *c);

/* api_ops.c: health and metrics (issue 13) */
void api_healthz(struct wm_req *r);
void api_metrics(struct wm_req *r);
/* api_search.c, page_search.c: full-text search (issue 11) */
void api_search_get(struct wm_req *r);
void page_search_get(struct wm_req *r);
/* api_work_plan.c, page_work_plan.c: the creation work (issue 12): leadership group and office */
void api_work_settings_get(struct wm_req *r);
void api_work_settings_put(struct wm_req *r);
void api_work_group_get(struct wm_req *r);
void api_work_members_post(struct wm_req *r);
void api_work_member_end_post(struct wm_req *r);
void api_work_duties_put(struct wm_req *r);
void api_work_plan_get(struct wm_req *r);
void api_work_plan_put(struct wm_req *r);
void api_work_tasks_get(struct wm_req *r);
void api_work_tasks_post(struct wm_req *r);
void api_work_task_get(struct wm_req *r);
void api_work_task_patch(struct wm_req *r);
void api_work_task_done_post(struct wm_req *r);
void api_work_task_reopen_post(struct wm_req *r);
void page_work_settings_get(struct wm_req *r);
void page_work_settings_post(struct wm_req *r);
void page_work_group_get(struct wm_req *r);
void page_work_members_post(struct wm_req *r);
void page_work_member_end_post(struct wm_req *r);
void page_work_duties_post(struct wm_req *r);
void page_work_plan_get(struct wm_req *r);
void page_work_plan_post(struct wm_req *r);
void page_work_tasks_get(struct wm_req *r);
void page_work_tasks_post(struct wm_req *r);
void page_work_task_post(struct wm_req *r);
void page_work_task_done_post(struct wm_req *r);
void page_work_task_reopen_post(struct wm_req *r);

/* api_work_meet.c, page_work_meet.c: the creation work (issue 12): meeting kinds and cadence */
void api_work_meeting_kinds_get(struct wm_req *r);
void api_work_meeting_kinds_post(struct wm_req *r);
void api_work_meeting_kind_patch(struct wm_req *r);
void api_work_meetings_get(struct wm_req *r);
void api_work_meetings_post(struct wm_req *r);
void api_work_meeting_get(struct wm_req *r);
void api_work_meeting_patch(struct wm_req *r);
void api_work_meeting_files_post(struct wm_req *r);
void api_work_meetings_cadence_get(struct wm_req *r);
void page_work_meetings_get(struct wm_req *r);
void page_work_meetings_post(struct wm_req *r);
void page_work_meeting_kinds_post(struct wm_req *r);
void page_work_meeting_kind_post(struct wm_req *r);
void page_work_meeting_get(struct wm_req *r);
void page_work_meeting_post(struct wm_req *r);
void page_work_meeting_files_post(struct wm_req *r);
/* repr.c: a meeting kind (created_at; active a boolean), a meeting (created_at, updated_at,
** its documents' created_at; no unit_path) */
json_t *wm_api_meeting_kind(json_t *k);
json_t *wm_api_meeting_kinds(json_t *items);
json_t *wm_api_meeting(json_t *m);
json_t *wm_api_meetings(json_t *items);
/* ui_work_meet.c: the files received for meeting id (multipart: "photo" / "minutes", or
** "file" with a field "role") filed into its kind's leaf; -1 when a reply was queued (the
** upload refused), else 0 with f set when it failed (403, 404, 409 not fileable). */
int ui_meeting_files(struct wm_req *r, int64_t id, struct wm_fail *f);
/* ui_work_meet.c: a document's source (the creation-work record it was filed from), one
** small block for the document's page; nothing when it has none. */
void ui_work_source(struct wm_req *r, struct wm_buf *b, int64_t document_id);

/* api_work_inspect.c, page_work_inspect.c: the creation work (issue 12): responsibility areas */
void api_work_areas_get(struct wm_req *r);
void api_work_areas_post(struct wm_req *r);
void api_work_area_patch(struct wm_req *r);
void api_work_inspections_get(struct wm_req *r);
void api_work_inspections_post(struct wm_req *r);
void api_work_inspection_get(struct wm_req *r);
void api_work_bulletins_get(struct wm_req *r);
void api_work_bulletins_post(struct wm_req *r);
void api_work_bulletin_get(struct wm_req *r);
void page_work_areas_get(struct wm_req *r);
void page_work_areas_post(struct wm_req *r);
void page_work_area_post(struct wm_req *r);
void page_work_inspections_get(struct wm_req *r);
void page_work_inspection_new_get(struct wm_req *r);
void page_work_inspections_post(struct wm_req *r);
void page_work_inspection_get(struct wm_req *r);
void page_work_bulletins_post(struct wm_req *r);
/* repr.c: the representations of areas, inspections and bulletins (issue 12) */
json_t *wm_api_work_area(json_t *o);
json_t *wm_api_work_inspection(json_t *o);
json_t *wm_api_work_bulletin(json_t *o);
/* uploads.c: the file of one form field (0 none, 1 *up, -1 replied) */
int wm_uploads_field(struct wm_req *r, const char *field, uint64_t max, struct wm_upload *up);
/* ui_work_inspect.c: the inspection's parts shared by the API and the pages */
struct wm_work_inspection_in;
/** Read an inspection from a form or multipart (result_AREA, note_AREA, photo_AREA for each
** of the unit's areas) or a JSON body; false when a reply was queued.  Frees with
** ui_work_inspection_free. */
bool ui_work_inspection_read(struct wm_req *r, int64_t unit_id, struct wm_work_inspection_in *in);
void ui_work_inspection_free(struct wm_work_inspection_in *in);

/* api_work_rect.c, page_work_rect.c: the creation work (issue 12): the rectification loop (整改项): sources */
void api_rectifications_get(struct wm_req *r);
void api_rectifications_post(struct wm_req *r);
void api_rectification_get(struct wm_req *r);
void api_rectification_patch(struct wm_req *r);
void api_rectification_done_post(struct wm_req *r);
void api_rectification_verify_post(struct wm_req *r);
void api_rectification_close_post(struct wm_req *r);
void api_rectification_evidence_post(struct wm_req *r);
void page_rectifications_get(struct wm_req *r);
void page_rectifications_post(struct wm_req *r);
void page_rectification_get(struct wm_req *r);
void page_rectification_post(struct wm_req *r);
void page_rectification_done_post(struct wm_req *r);
void page_rectification_verify_post(struct wm_req *r);
void page_rectification_close_post(struct wm_req *r);
void page_rectification_evidence_post(struct wm_req *r);
/* ui_work_rect.c: file the received files (multipart) as evidence of item id (*e the
** outcome, f why); false when a reply was queued (a refused file, a store failure). */
bool ui_rect_evidence_files(struct wm_req *r, int64_t id, struct wm_fail *f, enum wm_err *e);
/** 测评扣分, 日常检查, 文件退回, 领导自查. */
const char *ui_rect_source_label(const char *source);

/* api_work_overview.c, page_work_overview.c: the creation work (issue 12): the unit's plan/do/check/act view and the office's overview across its jurisdiction (XLSX) */
void api_work_summary_get(struct wm_req *r);
void api_work_overview_get(struct wm_req *r);
void page_work_hub_get(struct wm_req *r);
void page_work_overview_get(struct wm_req *r);
void page_work_overview_xlsx_get(struct wm_req *r);
#define WM_WORK_OV_API_LIMIT 500  /* rows of the API's page by default */
#define WM_WORK_OV_LIMIT_MAX 5000 /* at most (0: every row) */
/** ?year=&district=&unit_type=&sort=&limit=&offset= of the overview (ui_work_overview.c);
** false when a 400 was queued. */
bool wm_req_work_ov_query(struct wm_req *r, struct wm_work_ov_query *q, unsigned dflt_limit);
/** Reply with the overview (every row, the district totals, the total) as XLSX. */
void ui_work_overview_xlsx(struct wm_req *r, const json_t *ov);

struct wm_search_params;
/**
** The search of ?q=&kind=&unit=&district=&unit_type=&year=&indicator=&media=&state=&from=
** &to=&page=&per_page= (shared.c): empty arguments are absent; strings borrowed from r.
** false with the argument's name in *field and what is wrong with it in *msg (Chinese).
*/
bool wm_req_search(struct wm_req *r, struct wm_search_params *p, const char **field,
                   const char **msg);

/** What the routes register with the server at startup: the upload ops, the error page. */
void wm_routes_init(void);

/* Pages (page_*.c) */
void page_root(struct wm_req *r);
void page_static(struct wm_req *r);
void page_login_get(struct wm_req *r);
void page_login_post(struct wm_req *r);
void page_logout_post(struct wm_req *r);
void page_password_get(struct wm_req *r);
void page_password_post(struct wm_req *r);
void page_home(struct wm_req *r);
void page_orgs_get(struct wm_req *r);
void page_orgs_post(struct wm_req *r);
void page_org_post(struct wm_req *r);
void page_units_get(struct wm_req *r);
void page_units_post(struct wm_req *r);
void page_unit_get(struct wm_req *r);
void page_unit_post(struct wm_req *r);
void page_unit_depts_post(struct wm_req *r);
void page_unit_dept_delete_post(struct wm_req *r);
void page_units_import_get(struct wm_req *r);
void page_units_import_post(struct wm_req *r);
void page_users_get(struct wm_req *r);
void page_users_post(struct wm_req *r);
void page_user_get(struct wm_req *r);
void page_user_post(struct wm_req *r);
void page_account_get(struct wm_req *r);
void page_tokens_post(struct wm_req *r);
void page_token_revoke_post(struct wm_req *r);
void api_jobs_get(struct wm_req *r);
void api_job_get(struct wm_req *r);
void api_job_retry_post(struct wm_req *r);
void page_admin_jobs_get(struct wm_req *r);
void page_admin_job_retry_post(struct wm_req *r);
void page_job_get(struct wm_req *r);
void page_audit_get(struct wm_req *r);
void page_audit_xlsx_get(struct wm_req *r);
void page_audit_csv_get(struct wm_req *r);
/** The audit filter of ?action=&user=&from=&to= (dates YYYY-MM-DD, China time, to
** inclusive); false when a 400 was queued. */
bool wm_req_audit_filter(struct wm_req *r, struct wm_audit_filter *f);
/* The office's home (api_dashboard.c, page_home.c). */
void api_dashboard_get(struct wm_req *r);
void api_dashboard_overdue_get(struct wm_req *r);
void api_dashboard_inactive_get(struct wm_req *r);
void page_overdue_get(struct wm_req *r);
void page_inactive_get(struct wm_req *r);
/** An optional integer query argument ?name= in [min, max]: *out set when given (kept when
** absent or empty); false when a 400 naming the range was queued. */
bool wm_req_int(struct wm_req *r, const char *name, int64_t min, int64_t max, int64_t *out);
/** ?limit= (1-200; absent: dflt) and ?offset= (0-1000000) of a list read by offset; false
** when a 400 was queued. */
bool wm_req_window(struct wm_req *r, unsigned dflt, unsigned *limit, unsigned *offset);
/** ?district=&unit_type=&year=&today=&offset=&count_submitted=&days= of the office's home
** and its lists (shared.c); false when a 400 was queued. */
bool wm_req_dash_query(struct wm_req *r, struct wm_dash_query *q);
/** The home's numbers as the API shows them (oldest as RFC 3339); repr.c. */
json_t *wm_api_dashboard(json_t *d);
/** Inactive units: last_login_at as RFC 3339; repr.c. */
json_t *wm_api_inactive_units(json_t *items);
void page_frameworks_get(struct wm_req *r);
void page_frameworks_post(struct wm_req *r);
void page_framework_get(struct wm_req *r);
void page_framework_publish_post(struct wm_req *r);
void page_framework_delete_post(struct wm_req *r);
void page_framework_diff_get(struct wm_req *r);
void page_framework_default_post(struct wm_req *r);
void page_archive_get(struct wm_req *r);
void page_archive_trash_get(struct wm_req *r);
void page_leaf_get(struct wm_req *r);
void page_leaf_post(struct wm_req *r);
void page_leaf_order_post(struct wm_req *r);
void page_document_get(struct wm_req *r);
void page_document_post(struct wm_req *r);
void page_document_versions_post(struct wm_req *r);
void page_archive_import_get(struct wm_req *r);
void page_archive_import_post(struct wm_req *r);
void page_archives_post(struct wm_req *r);
void page_archive_delete_post(struct wm_req *r);
/* page_guidance.c (guidance conversations, issue 9) */
void page_guidance_list_get(struct wm_req *r);
/* page_scoring.c (issue 10) */
void page_sheet_get(struct wm_req *r);
void page_sheet_post(struct wm_req *r);
void page_progress_get(struct wm_req *r);
void page_reconcile_get(struct wm_req *r);
void page_reconcile_post(struct wm_req *r);
void page_lock_post(struct wm_req *r);
void page_reopen_post(struct wm_req *r);
void page_unlock_post(struct wm_req *r);
void page_guidance_post(struct wm_req *r);
void page_guidance_read_post(struct wm_req *r);
void page_guidance_close_post(struct wm_req *r);
void page_guidance_reopen_post(struct wm_req *r);

/* ui_practice.c: the 经验交流 page */
void page_practice_get(struct wm_req *r);
void page_practice_compile_post(struct wm_req *r);
void page_practice_item_post(struct wm_req *r);
void page_practice_withdraw_post(struct wm_req *r);
void page_document_feature_post(struct wm_req *r);
/** The "设为经验做法" form of a document's page (office staff, an approved document), or
** the note that it is featured. */
void ui_practice_doc_form(struct wm_req *r, struct wm_buf *b, const json_t *doc);

/* The review in pages (page_reviews.c, ui_review.c; issue 9). */
void page_reviews_get(struct wm_req *r);
void page_reviews_post(struct wm_req *r);
void page_review_get(struct wm_req *r);
void page_review_post(struct wm_req *r);
void page_review_settings_get(struct wm_req *r);
void page_review_settings_post(struct wm_req *r);
void page_document_submit_post(struct wm_req *r);
void page_leaf_submit_post(struct wm_req *r);
/** A review status as a badge. */
void ui_review_badge(struct wm_buf *b, const char *status);
/** A document's whole history (versions, submissions, verdicts, comments, who and when),
** with the "提交审核" form for a writer of a draft or returned document (document page). */
void ui_review_history(struct wm_req *r, struct wm_buf *b, int64_t doc_id);
/** The archive years of a unit (on the unit page). */
void ui_unit_archives(struct wm_req *r, struct wm_buf *b, const json_t *unit);
/** The form that creates a year's archive of a unit (list: its archives; pick: the year). */
void ui_archive_create_form(struct wm_req *r, struct wm_buf *b, const json_t *unit,
                            const json_t *list, int64_t pick);

/* ---------------------------------------------------------------- shared helpers */

/** A string member of a store row ("" when absent or not a string). Borrowed. */
static inline const char *
js(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/** An integer member of a store row (0 when absent). */
static inline int64_t
ji(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* ---------------------------------------------------------------- API representations (repr.c) */

/*
** One function per resource: what of a store row goes out, and exactly that resource's
** time fields as RFC 3339 (wm_time_rfc3339).  Each changes the row in place and returns it (NULL
** stays NULL); the plural forms do it for every element of an array.
*/
json_t *wm_api_org(json_t *o); /* orgs and units: created_at */
json_t *wm_api_orgs(json_t *items);
json_t *wm_api_user(json_t *u); /* created_at */
json_t *wm_api_users(json_t *items);
json_t *wm_api_token(json_t *t); /* created_at, last_used */
json_t *wm_api_tokens(json_t *items);
json_t *wm_api_archive(json_t *a); /* created_at; no unit_path */
json_t *wm_api_archives(json_t *items);
json_t *wm_api_version(json_t *v); /* created_at */
json_t *wm_api_versions(json_t *items);
json_t *wm_api_fixity(json_t *x); /* started_at, finished_at */
json_t *wm_api_review_events(json_t *items); /* review events: at */
/** Review queue rows: at; the document's display name is "name". */
json_t *wm_api_review_queue(json_t *items);
/** A document: created_at, updated_at, deleted_at; its name "01：题名" and archival code. */
json_t *wm_api_doc(json_t *d, const char *unit_code, int64_t year);
/** An edition: created_at, published_at; the score total formatted. */
json_t *wm_api_edition(json_t *e);
json_t *wm_api_editions(json_t *items);
/** Audit rows: at (and its older name "time") as RFC 3339, the summary parsed. */
json_t *wm_api_audit_rows(json_t *rows_steal);
/** A list read by offset as the API answers it: {"items": [...], "next": the next page's
** offset as a string | null (a short page is the last)}. */
json_t *wm_api_window(json_t *items_steal, unsigned limit, unsigned offset);
/** A round: times RFC 3339, pass_threshold and edition_total as points ("85.5"),
** unit_types an array, no_own_district a boolean, state_label. */
json_t *wm_api_round(json_t *r);
json_t *wm_api_rounds(json_t *items);
/** An entry: times RFC 3339, total and self scores as points, vetoed a boolean,
** state_label, category (申报统计); no unit_path. */
json_t *wm_api_entry(json_t *e);
json_t *wm_api_entries(json_t *items);
/** A group (issue 10): created_at; its entry_list entries as wm_api_entry; member_list. */
json_t *wm_api_group(json_t *g);
json_t *wm_api_groups(json_t *items);
/** A visit (issue 10): starts_at, created_at, updated_at RFC 3339; no unit_path. */
json_t *wm_api_visit(json_t *v);
json_t *wm_api_visits(json_t *items);
/** A title (issue 10): created_at, updated_at; state_label; no unit_path. */
json_t *wm_api_title(json_t *t);
json_t *wm_api_titles(json_t *items);
/** A round's results / publicity (issue 10): threshold, each item's (and own's) total and
** subtotals as points ("85.5"); no unit_path. */
json_t *wm_api_results(json_t *res);
json_t *wm_api_result_row(json_t *o);
/** An objection (issue 10): created_at, answered_at; no unit_path. */
json_t *wm_api_objection(json_t *o);
json_t *wm_api_objections(json_t *items);
/** A rectification item: created_at, updated_at, state_label; no unit_path. */
json_t *wm_api_rectification(json_t *o);
json_t *wm_api_rectifications(json_t *items);
/** Scoring (issue 10): every score, maximum, cap, grade value, deduction, mean, spread,
** decision, final value and total as points ("2.5", "-0.5"); grade fractions as points of
** one ("0.8"); times RFC 3339; vetoed a boolean.  A sheet view (wm_sheet_view), one score,
** the progress (wm_round_progress), a reconciliation (wm_reconcile_view). */
json_t *wm_api_sheet(json_t *v);
json_t *wm_api_score(json_t *s);
json_t *wm_api_progress(json_t *p);
json_t *wm_api_reconcile(json_t *r);
/** An items page as the API answers it: {"items": [...], "next": "id" | null}. */
json_t *wm_api_page(json_t *items_steal, unsigned limit);
/** next itself when it is a local absolute path ("/units/6", not "//host", "/\\host" or one
** with control characters), else "/home": where a sign-in goes on to (no open redirect;
** shared.c). */
const char *wm_safe_next(const char *next);
/** Stored bytes as a download (shared.c). */
struct wm_blob_reply {
    const char *sha, *mime;
    const char *name;  /* the display name (UTF-8, RFC 5987 filename*) */
    const char *ascii; /* the plain filename= for old clients */
    bool inline_ok;    /* inline rather than attachment */
};
/** Answer with a blob's bytes (one Range honoured: 206, or 416), under its names, in a
** sandbox (nosniff, CSP sandbox), ETag its sha; false (and a 500 queued) when the blob is
** missing from the store, for the caller to log what it was.  With accel_redirect set
** (wm_app.accel_redirect) the answer is 200 with X-Accel-Redirect and the same headers but
** no body: nginx sends the bytes and answers Range. */
bool wm_reply_blob(struct wm_req *r, const struct wm_blob_reply *b);
/** The auth policy of the running server. */
const struct wm_auth_policy *wm_policy(void);
/** Read the uploaded table (CSV/XLSX) of a form; false when a reply was queued. */
struct wm_table;
bool wm_req_table(struct wm_req *r, struct wm_table **t);
/** The same for a title register (wm_title_table_fits, WM_TITLE_IMPORT_MAX rows). */
bool wm_req_title_table(struct wm_req *r, struct wm_table **t);
/** ?unit=&level=&state=&until_from=&until_to=&q=&limit=&offset= of a title list (limit
** default 50); false when a 400 was queued. */
struct wm_title_query;
bool wm_req_title_query(struct wm_req *r, struct wm_title_query *q);

/* Frameworks (api_frameworks.c): shared by the API and the pages. */
struct wm_fw_in;
/** The edition r->ids[0] in the caller's scope with its document, parsed; false when a
** reply (404, 500) was queued. */
bool wm_req_edition(struct wm_req *r, json_t **ed, struct wm_fw **fw);
bool wm_req_fw_in(struct wm_req *r, struct wm_fw_in *in);
/** Diff of two editions the caller can read; NULL with f set. */
json_t *wm_editions_diff(struct wm_req *r, int64_t from, int64_t to, struct wm_fail *f);
/**
** The ASCII fallback of a download's name (the filename= beside RFC 5987's filename*): its
** ASCII letters, digits and separators, the rest as single underscores, and its extension;
** @a stem_default (ASCII) when fewer than two letters or digits remain.  Never "download".
*/
char *wm_ascii_filename(const char *name, const char *stem_default);
/** Reply with a download (data is freed by the reply), the name RFC 5987-encoded. */
/*
** A workbook built for a reply: wm_xlsx_begin makes it in a scratch file (NULL: a 500 was
** queued); wm_xlsx_reply closes it and answers it as the attachment name (a 500 when le,
** or the close, failed), wm_xlsx_discard closes it without answering; both remove the file.
** what names the export in the log.
*/
struct wm_xlsx {
    char path[4096];
    struct lxw_workbook *wb;
    const char *what;
};
struct lxw_workbook *wm_xlsx_begin(struct wm_req *r, struct wm_xlsx *x, const char *what);
void wm_xlsx_reply(struct wm_req *r, struct wm_xlsx *x, int le, const char *name);
void wm_xlsx_discard(struct wm_xlsx *x);
void wm_reply_attachment(struct wm_req *r, const char *name, const char *ctype, char *data,
                         size_t len);

/* Archives (api_archives.c), shared with the pages. */
/** The archive of /units/{id}/archives/{year}... (ids[0], ids[1]), which must exist (a
** request never creates one implicitly); NULL: replied (404 "该年度档案尚未建立"). */
json_t *wm_req_archive(struct wm_req *r);
/** Store the received files as documents of a leaf; the documents, or NULL (replied). */
json_t *wm_upload_documents(struct wm_req *r, const json_t *archive, const char *code);
/** The received file as a new version of document ids[0]; false: replied.  *notice (may
** be NULL): why the stored name differs from the client's, or NULL (free()). */
bool wm_upload_version(struct wm_req *r, char **notice);
/** Answer with an embedded static file (ETag, caching); false when there is none. */
bool wm_reply_static_file(struct wm_req *r, const char *name);
/** Reply with what a read gave (body, taken), or with why it gave nothing (f: 404, 500,
** 503; an unset f is a 500). */
void wm_reply_read(struct wm_req *r, unsigned status, json_t *body, const struct wm_fail *f);
/** The document ids[0] in the caller's scope; NULL: replied (404, or 500/503). */
json_t *wm_req_document(struct wm_req *r);
/** A document's metadata from a form (uploads) or a JSON body (PATCH); borrowed strings. */
void wm_req_doc_meta(struct wm_req *r, struct wm_doc_meta *m);

/* The running server's shared state (uploads.c). */
struct wm_blobstore;
struct wm_app {
    struct wm_blobstore *blobs;
    char *thumbs_dir;
    uint64_t max_file;   /* bytes per uploaded file */
    const char *allowed; /* allowed types (NULL: the default list) */
    const char *data_dir;
    uint64_t import_job_bytes; /* larger packages import as a job (0: never) */
    uint64_t health_min_free;  /* /healthz: bytes free on the data disk below which 503 */
    const char *accel_redirect; /* "/_wenming_blobs/": downloads by nginx (NULL: by us) */
};
extern struct wm_app wm_app;
void wm_uploads_init(void);
/** Queue a "thumbnail" job for a stored blob (images, PDF; src/core/jobs_kinds.c). */
void wm_thumb_request(const char *sha, const char *mime);
/** Whether every received file is acceptable (else the reply is queued); *n files. */
bool wm_uploads_check(struct wm_req *r, unsigned *n);
/** A readable path of the i-th received file, uncommitted (for packages). */
bool wm_uploads_path(struct wm_req *r, unsigned i, char *buf, size_t len);
/* The i-th received file's (cleaned) name as the client gave it. */
const char *wm_uploads_name(struct wm_req *r, unsigned i);
/* The form field the i-th received file came in ("" when none). */
const char *wm_uploads_field_of(struct wm_req *r, unsigned i);
/** Stream a planned package (plan stolen) as the reply. */
void wm_reply_export(struct wm_req *r, json_t *plan, const char *filename,
                     const char *ascii_name);
/** Commit the i-th received file into the blob store. */
bool wm_uploads_commit(struct wm_req *r, unsigned i, struct wm_upload *up);
/** At most one received file, committed when present and within max bytes: 1 with *up,
** 0 when none (an empty file input is none), -1 when a reply was queued. */
int wm_uploads_optional(struct wm_req *r, uint64_t max, struct wm_upload *up);

/* ---------------------------------------------------------------- results (ui_results.c) */

/** ?district=&unit_type=&pass=&limit=&offset= of a results list; false when a 400 was
** queued. */
struct wm_results_q;
bool wm_req_results_q(struct wm_req *r, struct wm_results_q *q, unsigned dflt);
/** Render a spec of the engine as PDF with the wenming-compile helper in a scratch
** directory (wm_scratch_dir; removed). */
enum wm_err ui_eval_pdf(json_t *spec, struct wm_buf *out, char *err, size_t errlen);
/** Reply with the ranking of items (result rows) as XLSX or PDF. */
void ui_results_doc(struct wm_req *r, const json_t *round, const json_t *items, bool pdf);
/** The unit's own results of the rounds in publicity, as cards for its home page. */
void ui_home_results(struct wm_req *r, struct wm_buf *b);
/** Reply with a locked entry's reconciled score sheet (row: its result row). */
void ui_sheet_doc(struct wm_req *r, const json_t *round, const json_t *row, bool pdf);

/* ---------------------------------------------------------------- titles (ui_titles.c) */

/** A title's state as a badge (保留, 撤销, 过期). */
void ui_title_state(struct wm_buf *b, const char *state);
/** The unit's titles (its history, newest first) as a card for the unit's page; nothing
** for a caller who may not read titles. */
void ui_unit_titles(struct wm_req *r, struct wm_buf *b, const json_t *unit);

/* ---------------------------------------------------------------- page chrome (ui.c) */

/** Start a page: doctype, head, the header with navigation for the caller. */
void ui_begin(struct wm_req *r, struct wm_buf *b, const char *title);
/** Start a page with a breadcrumb (links built with ui_crumb; the title is the last). */
void ui_begin_at(struct wm_req *r, struct wm_buf *b, const char *title,
                 const struct wm_buf *crumbs);
/** Append one breadcrumb step (wm_h format, e.g. "<a href=\"/units/%I\">%s</a>"). */
void ui_crumb(struct wm_buf *c, const char *fmt, ...);
/** End a page and queue it with status. */
void ui_end(struct wm_req *r, struct wm_buf *b, unsigned status);
/** A hidden CSRF field for forms of the logged-in caller. */
void ui_csrf(struct wm_req *r, struct wm_buf *b);
/** A flash message from ?ok= / ?err= (escaped). */
void ui_flash(struct wm_req *r, struct wm_buf *b);
/** Redirect to path with a message shown on the next page. */
void ui_redirect_msg(struct wm_req *r, const char *path, const char *kind, const char *msg);
/** One bad row of an import's report x as a table row: where (its row; 工作表 N：ROW in a
** workbook of several sheets), what (x's key what: the field or the column) and why. */
void ui_import_error(struct wm_buf *b, const json_t *x, const char *what);
/** "密码已修改；该账号的 3 个 API 令牌已撤销，请重新创建。" (just what when n is 0); caller frees. */
char *ui_tokens_revoked_msg(const char *what, int64_t n);
/** The page for a failure (re-renders nothing: shows the message and a way back). */
void ui_fail(struct wm_req *r, const struct wm_fail *f);
/**
** After a form's action: back to @a to with @a ok; a bad or conflicting input goes back to
** @a to with its message; anything else (not found, forbidden) is an error page.
*/
void ui_done(struct wm_req *r, enum wm_err e, const struct wm_fail *f, const char *to,
             const char *ok);
/** What an indicator asks for (requirement, score and rule in words, methods, departments,
** media, frequency, minimum), as a definition list; ui_parts.c. */
struct wm_ind;
/** An indicator's score in words ("10 分"); ui_parts.c. */
void ui_score_text(struct wm_buf *b, const struct wm_ind *ind);
void ui_ind_details(struct wm_buf *b, const struct wm_ind *ind, bool with_score);
/**
** A package larger than import_job_bytes (the received file at path) is stored and
** queued as an "archive.import" job: 1 with *id; 0 when it is small (import it in the
** request); -1 when a reply (an error) was queued.  uploads.c.
*/
int wm_import_as_job(struct wm_req *r, const json_t *archive, const char *path, int64_t *id);
/** The table of a package import's report (the import page's and the job page's); ui_parts.c. */
void ui_import_report(struct wm_buf *b, const json_t *report);
/**
** The guidance conversation of a leaf (ui_guidance.c): its messages with author, time,
** unread markers and attachment links, a form to post (text and an optional file, CSRF),
** "mark read", and close/reopen for the office.  archive from wm_req_archive / wm_archive_open.
** Renders nothing for a caller who may not see it.
*/
void ui_guidance_panel(struct wm_req *r, struct wm_buf *b, const json_t *archive,
                       const char *code);
/** A number with its label as a tile that links to the list behind it (href; cls: more
** classes, NULL none); n is text ("3 / 5", "有"). */
void ui_stat(struct wm_buf *b, const char *label, const char *n, const char *href,
             const char *cls);
/** The same for a count: a zero in the muted colour, not the accent. */
void ui_stat_int(struct wm_buf *b, const char *label, int64_t n, const char *href,
                 const char *cls);
/** A time as "2026-11-27 19:00" in China Standard Time. */
void ui_time(struct wm_buf *b, int64_t t);
/** Pager links for a list page. */
void ui_pager(struct wm_req *r, struct wm_buf *b, json_t *items, unsigned limit);
void wm_ui_error_page(struct wm_req *r, unsigned status, const char *code, const char *message,
                      const char *detail);

/* ---------------------------------------------------------------- schedule and review marks
** (ui_sched.c; the unit's home is ui_home_unit.c) */
/** A state's name ("met", "due_soon", ...) to the state; false when unknown. */
bool ui_sched_state_parse(const char *name, enum wm_sched_state *s);
/** A schedule state as a badge: icon, word and colour ("✓ 已完成"). */
void ui_sched_mark(struct wm_buf *b, enum wm_sched_state s);
/** What the marks mean (leaves: also how a leaf's mark is chosen). */
void ui_sched_legend(struct wm_buf *b, bool leaves);
/** A document's review state as a badge ("↩ 已退回"). */
void ui_review_mark(struct wm_buf *b, const char *status);
/** Counts of review states ({"submitted": 2, "returned": 1}) as "2 待审 · 1 退回". */
void ui_review_counts(struct wm_buf *b, const json_t *counts);
/** The review counts of each leaf of a document list: {code: {status: n}} (caller frees). */
json_t *ui_review_counts_by_leaf(const json_t *docs);
/** The department name of a unit member with a department (caller frees); NULL otherwise. */
char *ui_actor_dept(struct wm_req *r);
/** Whether an indicator's departments (an array, or its JSON text) include dept. */
bool ui_depts_have(const json_t *depts, const char *dept);
/** The unit's home (/home for unit accounts): due and overdue periods, returned documents,
** conversations, completeness by top-level indicator.  f receives the first failed read. */
void ui_home_unit(struct wm_req *r, struct wm_buf *b, struct wm_fail *f);

/* ---------------------------------------------------------------- notifications (issue 9) */

/* api_notify.c */
void api_notifications_get(struct wm_req *r);
void api_notifications_read_post(struct wm_req *r);
void api_notify_prefs_get(struct wm_req *r);
void api_notify_prefs_put(struct wm_req *r);
/** A notification row as the API shows it: at, read_at RFC 3339; kind_label. */
json_t *wm_api_notification(json_t *n);
json_t *wm_api_notifications(json_t *items);
/* page_notify.c */
/* page_groups.c (issue 10): a round's groups and visits */
void page_round_groups_get(struct wm_req *r);
void page_round_groups_post(struct wm_req *r);
void page_round_group_post(struct wm_req *r);
void page_round_group_delete_post(struct wm_req *r);
void page_round_group_members_post(struct wm_req *r);
void page_round_assign_post(struct wm_req *r);
void page_round_visits_get(struct wm_req *r);
void page_round_visits_post(struct wm_req *r);
void page_round_visit_post(struct wm_req *r);
void page_round_visit_cancel_post(struct wm_req *r);
/* ui_groups.c: the caller's next visits (units, evaluators); an evaluator's home */
void ui_visits_upcoming(struct wm_req *r, struct wm_buf *b);
void ui_home_evaluator(struct wm_req *r, struct wm_buf *b, struct wm_fail *f);
/** The caller's next visits in the round (a unit's own; an evaluator's groups'; an office's
** jurisdiction's), for the round and entry pages; nothing on a store error. */
void ui_round_visits(struct wm_req *r, struct wm_buf *b, const json_t *round);
void page_inbox_get(struct wm_req *r);
void page_inbox_read_post(struct wm_req *r);
void page_account_notify_post(struct wm_req *r);
/** The header's link to /inbox with the caller's unread count (one indexed count). */
void ui_inbox_badge(struct wm_req *r, struct wm_buf *b);
/** The e-mail address and per-kind preferences form of the /account page. */
void ui_notify_prefs(struct wm_req *r, struct wm_buf *b);

/* issue 13, totp: api_totp.c (the caller's second factor, a manager's reset) */
void api_me_totp_get(struct wm_req *r);
void api_me_totp_start_post(struct wm_req *r);
void api_me_totp_confirm_post(struct wm_req *r);
void api_me_totp_recovery_post(struct wm_req *r);
void api_me_totp_disable_post(struct wm_req *r);
void api_user_totp_reset_post(struct wm_req *r);
/* issue 13, totp: page_totp.c (the second step of signing in, /account/2fa, the reset) */
void page_login2_get(struct wm_req *r);
void page_login2_post(struct wm_req *r);
void page_2fa_get(struct wm_req *r);
void page_2fa_start_post(struct wm_req *r);
void page_2fa_confirm_post(struct wm_req *r);
void page_2fa_recovery_post(struct wm_req *r);
void page_2fa_disable_post(struct wm_req *r);
void page_user_2fa_reset_post(struct wm_req *r);
/* issue 13, dat70: the DA/T 70 四性检测 of an archive */
/* api_archive_check.c */
void api_archive_check_get(struct wm_req *r);
void api_archive_check_post(struct wm_req *r);
void api_archive_check_pdf(struct wm_req *r);
/* page_archive_check.c */
void page_archive_check_get(struct wm_req *r);
void page_archive_check_post(struct wm_req *r);
/* repr.c: a check run (started_at, finished_at and the report's times RFC 3339; the four
** results true, false or null; the report's blobs as links) */
json_t *wm_api_archive_check(json_t *o);

#endif
