/*
** routes.c — THE route table.  One line per endpoint: methods, pattern, handler, flags,
** the roles allowed (0 = any caller the flags admit) and the body limit (0 = default:
** max_json_body for JSON, max_body for forms, 8 KiB dropped unread for routes without one).
** The router checks flags and roles before a handler runs; scope (404 for objects outside
** the caller's jurisdiction) is the service layer's.  tests/http/test_authz.c walks this
** table, so a new line here without an expectation there fails the build's tests.
*/
#include "config.h"

#include "handlers.h"

#define AUTH   WM_R_AUTH
#define CSRF   WM_R_CSRF
#define HTML   WM_R_HTML
#define JSON   WM_R_JSON
#define FORM   WM_R_FORM
#define PWC    WM_R_PWCHANGE
#define ALL    0
#define STAFF  WM_ROLES_STAFF
#define ADMIN  WM_ROLE_BIT(WM_ROLE_ADMIN)
#define MANAGE (WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN))
#define WRITE  (MANAGE | WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER))
/* Everyone but evaluators (guidance conversations: offices and units). */
#define GUIDE  (WM_ROLES_STAFF | WM_ROLES_UNIT)
#define JUDGE  (WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_EVALUATOR)) /* staff and evaluators */
/* A guidance message with its optional attachment (WM_GUIDANCE_FILE_MAX) and the form. */
#define GUIDANCE_MAX (51 * MiB)
/* The title register (issue 10): offices and units read; evaluators never. */
#define TITLES (WM_ROLES_STAFF | WM_ROLES_UNIT)
#define MiB    (1024 * 1024)
/* Rounds (issue 10): unit accounts, and the unit's admin who declares. */
#define UNITS  WM_ROLES_UNIT
#define UADMIN WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN)
/* Who may ever take part in scoring: evaluators (members, leaders), offices and the admin
** (progress, reconciliation; a group may be led by office staff); never unit accounts. */
#define SCORE  (WM_ROLES_STAFF | WM_ROLE_BIT(WM_ROLE_EVALUATOR))
/* Responsibility-area inspections (issue 12, work_inspect): the unit's admin and its
** departments' users; a photo per area (WM_WORK_PHOTO_MAX each). */
#define INSPECT     (UADMIN | WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER))
#define INSPECT_MAX ((size_t)512 * MiB)
/* The whole body of an upload request: several files, each within the per-file limit. */
#define UPLOAD_MAX ((size_t)64 * 1024 * MiB)

const struct wm_route wm_routes[] = {
    /* JSON API */
    {WM_POST, "/api/v1/session", api_session_post, JSON | PWC, ALL, 8 * 1024},
    {WM_DELETE, "/api/v1/session", api_session_delete, CSRF | PWC, ALL, 0},
    {WM_GET, "/api/v1/me", api_me_get, AUTH | PWC, ALL, 0},
    {WM_POST, "/api/v1/me/password", api_me_password_post, AUTH | CSRF | JSON | PWC, ALL, 8 * 1024},
    {WM_GET, "/api/v1/orgs", api_orgs_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/orgs", api_orgs_post, AUTH | CSRF | JSON, ADMIN, 0},
    {WM_GET, "/api/v1/orgs/{id}", api_org_get, AUTH, ALL, 0},
    {WM_PATCH, "/api/v1/orgs/{id}", api_org_patch, AUTH | CSRF | JSON, STAFF, 0},
    {WM_GET, "/api/v1/units", api_units_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/units", api_units_post, AUTH | CSRF | JSON, STAFF, 0},
    {WM_POST, "/api/v1/units/import", api_units_import_post, AUTH | CSRF | FORM, STAFF, 32 * MiB},
    {WM_GET, "/api/v1/units/{id}", api_unit_get, AUTH, ALL, 0},
    {WM_PATCH, "/api/v1/units/{id}", api_unit_patch, AUTH | CSRF | JSON, STAFF, 0},
    {WM_GET, "/api/v1/units/{id}/depts", api_unit_depts_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/units/{id}/depts", api_unit_depts_post, AUTH | CSRF | JSON, MANAGE, 0},
    {WM_DELETE, "/api/v1/units/{id}/depts/{id}", api_unit_dept_delete, AUTH | CSRF, MANAGE, 0},
    {WM_GET, "/api/v1/users", api_users_get, AUTH, MANAGE, 0},
    {WM_POST, "/api/v1/users", api_users_post, AUTH | CSRF | JSON, MANAGE, 0},
    {WM_GET, "/api/v1/users/{id}", api_user_get, AUTH, ALL, 0},
    {WM_PATCH, "/api/v1/users/{id}", api_user_patch, AUTH | CSRF | JSON, MANAGE, 0},
    {WM_GET, "/api/v1/tokens", api_tokens_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/tokens", api_tokens_post, AUTH | CSRF | JSON, ALL, 8 * 1024},
    {WM_DELETE, "/api/v1/tokens/{id}", api_token_delete, AUTH | CSRF, ALL, 0},
    {WM_GET, "/api/v1/audit", api_audit_get, AUTH, STAFF, 0},
    {WM_GET, "/api/v1/units/{id}/archives", api_archives_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/units/{id}/archives", api_archives_post, AUTH | CSRF | JSON, WRITE, 0},
    {WM_GET, "/api/v1/units/{id}/archives/{id}", api_archive_get, AUTH, ALL, 0},
    {WM_DELETE, "/api/v1/units/{id}/archives/{id}", api_archive_delete, AUTH | CSRF, STAFF, 0},
    {WM_GET, "/api/v1/units/{id}/archives/{id}/trash", api_archive_trash_get, AUTH, ALL, 0},
    {WM_GET, "/api/v1/units/{id}/archives/{id}/schedule", api_archive_schedule_get, AUTH, ALL, 0},
    {WM_GET, "/api/v1/units/{id}/archives/{id}/indicators/{s}/documents", api_leaf_documents_get,
     AUTH, ALL, 0},
    {WM_POST, "/api/v1/units/{id}/archives/{id}/indicators/{s}/documents",
     api_leaf_documents_post, AUTH | CSRF | FORM | WM_R_UPLOAD, WRITE, UPLOAD_MAX},
    {WM_POST, "/api/v1/units/{id}/archives/{id}/indicators/{s}/order", api_leaf_order_post,
     AUTH | CSRF | JSON, WRITE, 4 * MiB},
    {WM_GET, "/api/v1/units/{id}/archives/{id}/export.zip", api_archive_export, AUTH, ALL, 0},
    {WM_POST, "/api/v1/units/{id}/archives/{id}/import", api_archive_import_post,
     AUTH | CSRF | FORM | WM_R_UPLOAD | WM_R_PACKAGE, MANAGE, UPLOAD_MAX},
    {WM_GET, "/api/v1/documents/{id}", api_document_get, AUTH, ALL, 0},
    {WM_PATCH, "/api/v1/documents/{id}", api_document_patch, AUTH | CSRF | JSON, WRITE, 0},
    {WM_DELETE, "/api/v1/documents/{id}", api_document_delete, AUTH | CSRF, WRITE, 0},
    {WM_GET, "/api/v1/documents/{id}/content", api_document_content, AUTH, ALL, 0},
    {WM_GET, "/api/v1/documents/{id}/thumbnail", api_document_thumbnail, AUTH, ALL, 0},
    {WM_GET, "/api/v1/documents/{id}/versions", api_document_versions_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/documents/{id}/versions", api_document_versions_post,
     AUTH | CSRF | FORM | WM_R_UPLOAD, WRITE, UPLOAD_MAX},
    {WM_POST, "/api/v1/documents/{id}/move", api_document_move, AUTH | CSRF | JSON, WRITE, 0},
    {WM_POST, "/api/v1/documents/{id}/restore", api_document_restore, AUTH | CSRF, MANAGE, 0},
    {WM_POST, "/api/v1/documents/{id}/purge", api_document_purge, AUTH | CSRF, ADMIN, 0},
    {WM_POST, "/api/v1/documents/{id}/submit", api_document_submit, AUTH | CSRF, WRITE, 0},
    {WM_POST, "/api/v1/documents/{id}/approve", api_document_approve, AUTH | CSRF, STAFF, 0},
    {WM_POST, "/api/v1/documents/{id}/return", api_document_return, AUTH | CSRF | JSON, STAFF, 0},
    {WM_GET, "/api/v1/documents/{id}/history", api_document_history, AUTH, ALL, 0},
    {WM_POST, "/api/v1/units/{id}/archives/{id}/indicators/{s}/submit", api_leaf_submit,
     AUTH | CSRF, WRITE, 0},
    {WM_POST, "/api/v1/reviews/submit", api_reviews_submit, AUTH | CSRF | JSON, WRITE, 0},
    {WM_POST, "/api/v1/reviews/approve", api_reviews_approve, AUTH | CSRF | JSON, STAFF, 0},
    {WM_GET, "/api/v1/reviews", api_reviews_get, AUTH, ALL, 0},
    /* Guidance conversations (issue 9, api_guidance.c) */
    {WM_GET, "/api/v1/units/{id}/archives/{id}/indicators/{s}/guidance", api_guidance_get, AUTH,
     GUIDE, 0},
    {WM_POST, "/api/v1/units/{id}/archives/{id}/indicators/{s}/guidance", api_guidance_post,
     AUTH | CSRF | JSON | FORM | WM_R_UPLOAD, WRITE, GUIDANCE_MAX},
    {WM_POST, "/api/v1/units/{id}/archives/{id}/indicators/{s}/guidance/read",
     api_guidance_read_post, AUTH | CSRF, GUIDE, 0},
    {WM_POST, "/api/v1/units/{id}/archives/{id}/indicators/{s}/guidance/close",
     api_guidance_close_post, AUTH | CSRF, STAFF, 0},
    {WM_POST, "/api/v1/units/{id}/archives/{id}/indicators/{s}/guidance/reopen",
     api_guidance_reopen_post, AUTH | CSRF, STAFF, 0},
    {WM_GET, "/api/v1/guidance", api_guidance_list_get, AUTH, GUIDE, 0},
    /* Evaluation rounds (issue 10, api_rounds.c) */
    {WM_GET, "/api/v1/rounds", api_rounds_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/rounds", api_rounds_post, AUTH | CSRF | JSON, STAFF, 0},
    {WM_GET, "/api/v1/rounds/{id}", api_round_get, AUTH, ALL, 0},
    {WM_PATCH, "/api/v1/rounds/{id}", api_round_patch, AUTH | CSRF | JSON, STAFF, 0},
    {WM_POST, "/api/v1/rounds/{id}/state", api_round_state_post, AUTH | CSRF | JSON, STAFF,
     8 * 1024},
    {WM_GET, "/api/v1/rounds/{id}/entries", api_round_entries_get, AUTH, ALL, 0},
    {WM_GET, "/api/v1/rounds/{id}/entries/{id}", api_round_entry_get, AUTH, ALL, 0},
    {WM_GET, "/api/v1/rounds/{id}/declaration", api_round_declaration_get, AUTH, UNITS, 0},
    {WM_PUT, "/api/v1/rounds/{id}/declaration", api_round_declaration_put, AUTH | CSRF | JSON,
     UADMIN, 0},
    {WM_POST, "/api/v1/rounds/{id}/entries/{id}/declare", api_round_entry_declare_post,
     AUTH | CSRF, UADMIN, 0},
    {WM_POST, "/api/v1/rounds/{id}/entries/{id}/withdraw", api_round_entry_withdraw_post,
     AUTH | CSRF, UADMIN, 0},
    {WM_POST, "/api/v1/rounds/{id}/entries/{id}/recommend", api_round_entry_recommend_post,
     AUTH | CSRF | JSON, STAFF, 8 * 1024},
    {WM_POST, "/api/v1/rounds/{id}/entries/{id}/accept", api_round_entry_accept_post,
     AUTH | CSRF, STAFF, 8 * 1024},
    {WM_POST, "/api/v1/rounds/{id}/entries/{id}/reject", api_round_entry_reject_post,
     AUTH | CSRF | JSON, STAFF, 8 * 1024},
    /* A round's groups, assignments and visits (issue 10, api_groups.c) */
    {WM_GET, "/api/v1/rounds/{id}/groups", api_round_groups_get, AUTH, JUDGE, 0},
    {WM_POST, "/api/v1/rounds/{id}/groups", api_round_groups_post, AUTH | CSRF | JSON, STAFF, 0},
    {WM_PATCH, "/api/v1/rounds/{id}/groups/{id}", api_round_group_patch, AUTH | CSRF | JSON,
     STAFF, 0},
    {WM_DELETE, "/api/v1/rounds/{id}/groups/{id}", api_round_group_delete, AUTH | CSRF, STAFF, 0},
    {WM_POST, "/api/v1/rounds/{id}/groups/{id}/members", api_round_group_members_post,
     AUTH | CSRF | JSON, STAFF, 0},
    {WM_POST, "/api/v1/rounds/{id}/entries/{id}/group", api_round_entry_group_post,
     AUTH | CSRF | JSON, STAFF, 0},
    {WM_GET, "/api/v1/rounds/{id}/visits", api_round_visits_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/rounds/{id}/visits", api_round_visits_post, AUTH | CSRF | JSON, JUDGE, 0},
    {WM_PATCH, "/api/v1/rounds/{id}/visits/{id}", api_round_visit_patch, AUTH | CSRF | JSON,
     JUDGE, 0},
    {WM_POST, "/api/v1/rounds/{id}/visits/{id}/cancel", api_round_visit_cancel_post,
     AUTH | CSRF, JUDGE, 0},
    {WM_GET, "/api/v1/rounds/{id}/stats", api_round_stats_get, AUTH, STAFF, 0},
    {WM_GET, "/api/v1/rounds/{id}/stats.xlsx", api_round_stats_xlsx_get, AUTH, STAFF, 0},
    /* Results, publicity, objections, titles, rectification (issue 10, api_results.c) */
    {WM_GET, "/api/v1/rounds/{id}/results", api_round_results_get, AUTH, ALL, 0},
    {WM_GET, "/api/v1/rounds/{id}/results.xlsx", api_round_results_xlsx_get, AUTH, ALL, 0},
    {WM_GET, "/api/v1/rounds/{id}/results.pdf", api_round_results_pdf_get, AUTH, ALL, 0},
    {WM_GET, "/api/v1/rounds/{id}/entries/{id}/result", api_round_entry_result_get, AUTH, ALL, 0},
    {WM_GET, "/api/v1/rounds/{id}/entries/{id}/sheet.xlsx", api_round_entry_sheet_xlsx_get,
     AUTH, ALL, 0},
    {WM_GET, "/api/v1/rounds/{id}/entries/{id}/sheet.pdf", api_round_entry_sheet_pdf_get,
     AUTH, ALL, 0},
    {WM_GET, "/api/v1/rounds/{id}/publicity", api_round_publicity_get, AUTH, ALL, 0},
    {WM_GET, "/api/v1/rounds/{id}/objections", api_round_objections_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/rounds/{id}/objections", api_round_objections_post, AUTH | CSRF | JSON,
     ALL, 0},
    {WM_POST, "/api/v1/rounds/{id}/objections/{id}/answer", api_round_objection_answer_post,
     AUTH | CSRF | JSON, ALL, 0},
    {WM_POST, "/api/v1/rounds/{id}/titles", api_round_titles_post, AUTH | CSRF | JSON, STAFF, 0},
    {WM_POST, "/api/v1/rounds/{id}/rectifications", api_round_rectifications_post,
     AUTH | CSRF | JSON, STAFF, 0},
    {WM_GET, "/api/v1/rectifications", api_rectifications_get, AUTH, ALL, 0},
    /* Scoring (issue 10, api_scoring.c): membership and leadership are the core's (404);
    ** the reads answer any role so that a unit learns nothing (404) */
    {WM_GET, "/api/v1/rounds/{id}/entries/{id}/sheet", api_sheet_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/rounds/{id}/entries/{id}/sheet", api_sheet_post, AUTH | CSRF | JSON, SCORE,
     8 * MiB},
    {WM_PUT, "/api/v1/rounds/{id}/entries/{id}/sheet/scores/{s}", api_sheet_score_put,
     AUTH | CSRF | JSON, SCORE, 0},
    {WM_POST, "/api/v1/rounds/{id}/entries/{id}/sheet/submit", api_sheet_submit_post,
     AUTH | CSRF, SCORE, 0},
    {WM_POST, "/api/v1/rounds/{id}/entries/{id}/sheets/{id}/reopen", api_sheet_reopen_post,
     AUTH | CSRF, SCORE, 0},
    {WM_GET, "/api/v1/rounds/{id}/progress", api_round_progress_get, AUTH, ALL, 0},
    {WM_GET, "/api/v1/rounds/{id}/entries/{id}/reconcile", api_reconcile_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/rounds/{id}/entries/{id}/reconcile", api_reconcile_post,
     AUTH | CSRF | JSON, SCORE, 0},
    {WM_POST, "/api/v1/rounds/{id}/entries/{id}/lock", api_entry_lock_post, AUTH | CSRF, SCORE, 0},
    {WM_POST, "/api/v1/rounds/{id}/entries/{id}/unlock", api_entry_unlock_post,
     AUTH | CSRF | JSON, ADMIN, 8 * 1024},
    {WM_GET, "/api/v1/guidance/messages/{id}/attachment", api_guidance_attachment_get, AUTH,
     GUIDE, 0},
    /* Review: return many, an office's review settings (issue 9, reviewui). */
    {WM_POST, "/api/v1/reviews/return", api_reviews_return, AUTH | CSRF | JSON, STAFF, 0},
    {WM_GET, "/api/v1/orgs/{id}/review-settings", api_org_review_settings_get, AUTH, STAFF, 0},
    {WM_PUT, "/api/v1/orgs/{id}/review-settings", api_org_review_settings_put, AUTH | CSRF | JSON,
     STAFF, 0},
    {WM_GET, "/api/v1/orgs/{id}/archive-defaults", api_archive_defaults_get, AUTH, STAFF, 0},
    {WM_POST, "/api/v1/orgs/{id}/archive-defaults", api_archive_defaults_post, AUTH | CSRF | JSON,
     STAFF, 0},
    {WM_GET, "/api/v1/frameworks", api_frameworks_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/frameworks", api_frameworks_post, AUTH | CSRF | FORM | WM_R_RAW, STAFF,
     40 * MiB},
    {WM_GET, "/api/v1/frameworks/{id}", api_framework_get, AUTH, ALL, 0},
    {WM_DELETE, "/api/v1/frameworks/{id}", api_framework_delete, AUTH | CSRF, STAFF, 0},
    {WM_POST, "/api/v1/frameworks/{id}/publish", api_framework_publish, AUTH | CSRF, STAFF, 0},
    {WM_GET, "/api/v1/frameworks/{id}/export.{s}", api_framework_export, AUTH, ALL, 0},
    {WM_GET, "/api/v1/frameworks/{id}/diff/{id}", api_framework_diff, AUTH, ALL, 0},
    /* the office's home (issue 9, api_dashboard.c) */
    {WM_GET, "/api/v1/dashboard", api_dashboard_get, AUTH, STAFF, 0},
    {WM_GET, "/api/v1/dashboard/overdue", api_dashboard_overdue_get, AUTH, STAFF, 0},
    {WM_GET, "/api/v1/dashboard/inactive", api_dashboard_inactive_get, AUTH, STAFF, 0},
    /* Full-text search (issue 11, api_search.c): scoped by wm_search */
    {WM_GET, "/api/v1/search", api_search_get, AUTH, ALL, 0},
    /* Creation work (issue 12, api_work_plan.c): leadership group and office */
    /* Creation work (issue 12, api_work_meet.c): meeting kinds and cadence */
    /* Creation work (issue 12, api_work_inspect.c): responsibility areas */
    {WM_GET, "/api/v1/units/{id}/work/areas", api_work_areas_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/units/{id}/work/areas", api_work_areas_post, AUTH | CSRF | JSON, UADMIN, 0},
    {WM_PATCH, "/api/v1/work/areas/{id}", api_work_area_patch, AUTH | CSRF | JSON, UADMIN, 0},
    {WM_GET, "/api/v1/units/{id}/work/inspections", api_work_inspections_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/units/{id}/work/inspections", api_work_inspections_post,
     AUTH | CSRF | JSON | FORM | WM_R_UPLOAD, INSPECT, INSPECT_MAX},
    {WM_GET, "/api/v1/work/inspections/{id}", api_work_inspection_get, AUTH, ALL, 0},
    {WM_GET, "/api/v1/units/{id}/work/bulletins", api_work_bulletins_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/units/{id}/work/bulletins", api_work_bulletins_post, AUTH | CSRF | JSON,
     UADMIN, 0},
    {WM_GET, "/api/v1/work/bulletins/{id}", api_work_bulletin_get, AUTH, ALL, 0},
    /* Creation work (issue 12, api_work_rect.c): the rectification loop (整改项): sources */
    /* Creation work (issue 12, api_work_overview.c): the unit's plan/do/check/act view and the office's overview across its jurisdiction (XLSX) */
    {WM_GET, "/api/v1/jobs", api_jobs_get, AUTH, STAFF, 0},
    {WM_GET, "/api/v1/jobs/{id}", api_job_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/jobs/{id}/retry", api_job_retry_post, AUTH | CSRF, STAFF, 0},
    /* good practice (经验做法) and the 经验交流汇编 (issue 9, api_practice.c) */
    {WM_POST, "/api/v1/documents/{id}/feature", api_document_feature_post, AUTH | CSRF | JSON,
     STAFF, 0},
    {WM_GET, "/api/v1/practice", api_practice_get, AUTH, ALL, 0},
    {WM_GET, "/api/v1/practice/compilations", api_compilations_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/practice/compilations", api_compilations_post, AUTH | CSRF | JSON, STAFF,
     0},
    {WM_GET, "/api/v1/practice/compilations/{id}", api_compilation_get, AUTH, ALL, 0},
    {WM_GET, "/api/v1/practice/compilations/{id}/download", api_compilation_download, AUTH, ALL,
     0},
    {WM_GET, "/api/v1/practice/{id}", api_practice_item_get, AUTH, ALL, 0},
    {WM_PATCH, "/api/v1/practice/{id}", api_practice_patch, AUTH | CSRF | JSON, STAFF, 0},
    {WM_DELETE, "/api/v1/practice/{id}", api_practice_delete, AUTH | CSRF, STAFF, 0},
    {WM_GET, "/api/v1/practice/{id}/content", api_practice_content, AUTH, ALL, 0},
    {WM_GET, "/api/v1/practice/{id}/thumbnail", api_practice_thumbnail, AUTH, ALL, 0},
    /* notifications (issue 9, notify): each person's own inbox and settings */
    {WM_GET, "/api/v1/notifications", api_notifications_get, AUTH, ALL, 0},
    {WM_POST, "/api/v1/notifications/read", api_notifications_read_post, AUTH | CSRF | JSON, ALL,
     64 * 1024},
    {WM_GET, "/api/v1/me/notification-prefs", api_notify_prefs_get, AUTH, ALL, 0},
    {WM_PUT, "/api/v1/me/notification-prefs", api_notify_prefs_put, AUTH | CSRF | JSON, ALL,
     8 * 1024},
    /* The title register (issue 10, api_titles.c) */
    {WM_GET, "/api/v1/titles", api_titles_get, AUTH, TITLES, 0},
    {WM_POST, "/api/v1/titles", api_titles_post, AUTH | CSRF | JSON, STAFF, 0},
    {WM_POST, "/api/v1/titles/import", api_titles_import_post, AUTH | CSRF | FORM, STAFF,
     32 * MiB},
    {WM_GET, "/api/v1/titles.xlsx", api_titles_xlsx_get, AUTH, TITLES, 0},
    {WM_GET, "/api/v1/titles/{id}", api_title_get, AUTH, TITLES, 0},
    {WM_PATCH, "/api/v1/titles/{id}", api_title_patch, AUTH | CSRF | JSON, STAFF, 0},
    {WM_POST, "/api/v1/titles/{id}/state", api_title_state_post, AUTH | CSRF | JSON, STAFF, 0},
    {WM_GET, "/api/v1/units/{id}/titles", api_unit_titles_get, AUTH, TITLES, 0},

    /* Pages */
    {WM_GET, "/", page_root, HTML | PWC, ALL, 0},
    {WM_GET, "/static/*", page_static, HTML | PWC, ALL, 0},
    {WM_GET, "/login", page_login_get, HTML | PWC, ALL, 0},
    {WM_POST, "/login", page_login_post, HTML | FORM | PWC | WM_R_PRECSRF, ALL, 8 * 1024},
    {WM_POST, "/logout", page_logout_post, HTML | FORM | CSRF | PWC, ALL, 8 * 1024},
    {WM_GET, "/password", page_password_get, AUTH | HTML | PWC, ALL, 0},
    {WM_POST, "/password", page_password_post, AUTH | HTML | FORM | CSRF | PWC, ALL, 8 * 1024},
    {WM_GET, "/home", page_home, AUTH | HTML, ALL, 0},
    /* the office's home: the lists its numbers link to (page_home.c) */
    {WM_GET, "/overdue", page_overdue_get, AUTH | HTML, STAFF, 0},
    {WM_GET, "/inactive", page_inactive_get, AUTH | HTML, STAFF, 0},
    {WM_GET, "/orgs", page_orgs_get, AUTH | HTML, STAFF, 0},
    {WM_POST, "/orgs", page_orgs_post, AUTH | HTML | FORM | CSRF, ADMIN, 0},
    {WM_POST, "/orgs/{id}", page_org_post, AUTH | HTML | FORM | CSRF, ADMIN, 0},
    {WM_GET, "/units", page_units_get, AUTH | HTML, STAFF, 0},
    {WM_POST, "/units", page_units_post, AUTH | HTML | FORM | CSRF, STAFF, 0},
    {WM_GET, "/units/import", page_units_import_get, AUTH | HTML, STAFF, 0},
    {WM_POST, "/units/import", page_units_import_post, AUTH | HTML | FORM | CSRF, STAFF, 32 * MiB},
    {WM_GET, "/units/{id}", page_unit_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/units/{id}", page_unit_post, AUTH | HTML | FORM | CSRF, STAFF, 0},
    {WM_POST, "/units/{id}/depts", page_unit_depts_post, AUTH | HTML | FORM | CSRF, MANAGE, 0},
    {WM_POST, "/units/{id}/depts/{id}/delete", page_unit_dept_delete_post,
     AUTH | HTML | FORM | CSRF, MANAGE, 0},
    {WM_GET, "/users", page_users_get, AUTH | HTML, MANAGE, 0},
    {WM_POST, "/users", page_users_post, AUTH | HTML | FORM | CSRF, MANAGE, 0},
    {WM_GET, "/users/{id}", page_user_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/users/{id}", page_user_post, AUTH | HTML | FORM | CSRF, MANAGE, 0},
    {WM_GET, "/account", page_account_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/account/tokens", page_tokens_post, AUTH | HTML | FORM | CSRF, ALL, 8 * 1024},
    {WM_POST, "/account/tokens/{id}/revoke", page_token_revoke_post, AUTH | HTML | FORM | CSRF,
     ALL, 8 * 1024},
    /* notifications (issue 9, notify) */
    /* A round's groups and visits (issue 10, page_groups.c) */
    {WM_GET, "/rounds/{id}/groups", page_round_groups_get, AUTH | HTML, JUDGE, 0},
    {WM_POST, "/rounds/{id}/groups", page_round_groups_post, AUTH | HTML | FORM | CSRF, STAFF,
     8 * 1024},
    {WM_POST, "/rounds/{id}/groups/{id}", page_round_group_post, AUTH | HTML | FORM | CSRF,
     STAFF, 8 * 1024},
    {WM_POST, "/rounds/{id}/groups/{id}/delete", page_round_group_delete_post,
     AUTH | HTML | FORM | CSRF, STAFF, 8 * 1024},
    {WM_POST, "/rounds/{id}/groups/{id}/members", page_round_group_members_post,
     AUTH | HTML | FORM | CSRF, STAFF, 8 * 1024},
    {WM_POST, "/rounds/{id}/assign", page_round_assign_post, AUTH | HTML | FORM | CSRF, STAFF,
     8 * 1024},
    {WM_GET, "/rounds/{id}/visits", page_round_visits_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/rounds/{id}/visits", page_round_visits_post, AUTH | HTML | FORM | CSRF, JUDGE,
     8 * 1024},
    {WM_POST, "/rounds/{id}/visits/{id}", page_round_visit_post, AUTH | HTML | FORM | CSRF,
     JUDGE, 8 * 1024},
    {WM_POST, "/rounds/{id}/visits/{id}/cancel", page_round_visit_cancel_post,
     AUTH | HTML | FORM | CSRF, JUDGE, 8 * 1024},
    {WM_GET, "/inbox", page_inbox_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/inbox/read", page_inbox_read_post, AUTH | HTML | FORM | CSRF, ALL, 8 * 1024},
    {WM_POST, "/account/notifications", page_account_notify_post, AUTH | HTML | FORM | CSRF, ALL,
     8 * 1024},
    {WM_GET, "/audit", page_audit_get, AUTH | HTML, STAFF, 0},
    {WM_GET, "/audit.xlsx", page_audit_xlsx_get, AUTH | HTML, ADMIN, 0},
    /* Full-text search (issue 11, page_search.c) */
    {WM_GET, "/search", page_search_get, AUTH | HTML, ALL, 0},
    /* Creation work (issue 12, page_work_plan.c): leadership group and office */
    /* Creation work (issue 12, page_work_meet.c): meeting kinds and cadence */
    /* Creation work (issue 12, page_work_inspect.c): responsibility areas */
    {WM_GET, "/units/{id}/work/areas", page_work_areas_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/units/{id}/work/areas", page_work_areas_post, AUTH | HTML | FORM | CSRF, UADMIN, 0},
    {WM_POST, "/work/areas/{id}", page_work_area_post, AUTH | HTML | FORM | CSRF, UADMIN, 0},
    {WM_GET, "/units/{id}/work/inspections", page_work_inspections_get, AUTH | HTML, ALL, 0},
    {WM_GET, "/units/{id}/work/inspections/new", page_work_inspection_new_get, AUTH | HTML,
     INSPECT, 0},
    {WM_POST, "/units/{id}/work/inspections", page_work_inspections_post,
     AUTH | HTML | FORM | CSRF | WM_R_UPLOAD, INSPECT, INSPECT_MAX},
    {WM_GET, "/work/inspections/{id}", page_work_inspection_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/units/{id}/work/bulletins", page_work_bulletins_post, AUTH | HTML | FORM | CSRF,
     UADMIN, 0},
    /* Creation work (issue 12, page_work_rect.c): the rectification loop (整改项): sources */
    /* Creation work (issue 12, page_work_overview.c): the unit's plan/do/check/act view and the office's overview across its jurisdiction (XLSX) */
    {WM_GET, "/admin/jobs", page_admin_jobs_get, AUTH | HTML, STAFF, 0},
    {WM_POST, "/admin/jobs/{id}/retry", page_admin_job_retry_post, AUTH | HTML | FORM | CSRF,
     STAFF, 0},
    {WM_GET, "/jobs/{id}", page_job_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/units/{id}/archives", page_archives_post, AUTH | HTML | FORM | CSRF, WRITE, 0},
    {WM_GET, "/units/{id}/archives/{id}", page_archive_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/units/{id}/archives/{id}/delete", page_archive_delete_post,
     AUTH | HTML | FORM | CSRF, STAFF, 0},
    {WM_GET, "/units/{id}/archives/{id}/trash", page_archive_trash_get, AUTH | HTML, ALL, 0},
    {WM_GET, "/units/{id}/archives/{id}/leaf/{s}", page_leaf_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/units/{id}/archives/{id}/leaf/{s}", page_leaf_post,
     AUTH | HTML | FORM | CSRF | WM_R_UPLOAD, WRITE, UPLOAD_MAX},
    {WM_POST, "/units/{id}/archives/{id}/leaf/{s}/order", page_leaf_order_post,
     AUTH | HTML | FORM | CSRF, WRITE, 0},
    /* the unit-side pages of issue 9 (leafpage): submit for review from the leaf page */
    {WM_POST, "/units/{id}/archives/{id}/leaf/{s}/submit", page_leaf_submit_post,
     AUTH | HTML | FORM | CSRF, WRITE, 0},
    {WM_POST, "/documents/{id}/submit", page_document_submit_post, AUTH | HTML | FORM | CSRF,
     WRITE, 0},
    {WM_GET, "/units/{id}/archives/{id}/import", page_archive_import_get, AUTH | HTML, MANAGE, 0},
    {WM_POST, "/units/{id}/archives/{id}/import", page_archive_import_post,
     AUTH | HTML | FORM | CSRF | WM_R_UPLOAD | WM_R_PACKAGE, MANAGE, UPLOAD_MAX},
    {WM_GET, "/documents/{id}", page_document_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/documents/{id}", page_document_post, AUTH | HTML | FORM | CSRF, WRITE, 0},
    {WM_POST, "/documents/{id}/versions", page_document_versions_post,
     AUTH | HTML | FORM | CSRF | WM_R_UPLOAD, WRITE, UPLOAD_MAX},
    /* Guidance conversations (issue 9, page_guidance.c; the panel is ui_guidance.c) */
    {WM_GET, "/guidance", page_guidance_list_get, AUTH | HTML, GUIDE, 0},
    {WM_POST, "/units/{id}/archives/{id}/leaf/{s}/guidance", page_guidance_post,
     AUTH | HTML | FORM | CSRF | WM_R_UPLOAD, WRITE, GUIDANCE_MAX},
    {WM_POST, "/units/{id}/archives/{id}/leaf/{s}/guidance/read", page_guidance_read_post,
     AUTH | HTML | FORM | CSRF, GUIDE, 0},
    {WM_POST, "/units/{id}/archives/{id}/leaf/{s}/guidance/close", page_guidance_close_post,
     AUTH | HTML | FORM | CSRF, STAFF, 0},
    {WM_POST, "/units/{id}/archives/{id}/leaf/{s}/guidance/reopen", page_guidance_reopen_post,
     AUTH | HTML | FORM | CSRF, STAFF, 0},
    /* The title register (issue 10, page_titles.c; a unit's history is ui_titles.c) */
    {WM_GET, "/titles", page_titles_get, AUTH | HTML, TITLES, 0},
    {WM_POST, "/titles", page_titles_post, AUTH | HTML | FORM | CSRF, STAFF, 0},
    {WM_POST, "/titles/import", page_titles_import_post, AUTH | HTML | FORM | CSRF, STAFF,
     32 * MiB},
    {WM_POST, "/titles/{id}/state", page_title_state_post, AUTH | HTML | FORM | CSRF, STAFF, 0},
    /* Evaluation rounds (issue 10, page_rounds.c; fragments in ui_rounds.c) */
    {WM_GET, "/rounds", page_rounds_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/rounds", page_rounds_post, AUTH | HTML | FORM | CSRF, STAFF, 0},
    {WM_GET, "/rounds/{id}", page_round_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/rounds/{id}", page_round_post, AUTH | HTML | FORM | CSRF, STAFF, 0},
    {WM_POST, "/rounds/{id}/state", page_round_state_post, AUTH | HTML | FORM | CSRF, STAFF, 0},
    {WM_GET, "/rounds/{id}/entries", page_round_entries_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/rounds/{id}/declaration", page_round_declaration_post,
     AUTH | HTML | FORM | CSRF, UADMIN, 0},
    {WM_POST, "/rounds/{id}/entries/{id}", page_round_entry_post, AUTH | HTML | FORM | CSRF,
     STAFF | UADMIN, 0},
    {WM_GET, "/rounds/{id}/stats", page_round_stats_get, AUTH | HTML, STAFF, 0},
    {WM_GET, "/rounds/{id}/stats.xlsx", page_round_stats_xlsx_get, AUTH | HTML, STAFF, 0},
    /* Results, publicity, objections (issue 10, page_results.c) */
    {WM_GET, "/rounds/{id}/results", page_round_results_get, AUTH | HTML, ALL, 0},
    {WM_GET, "/rounds/{id}/publicity", page_round_publicity_get, AUTH | HTML, ALL, 0},
    {WM_GET, "/rounds/{id}/objections", page_round_objections_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/rounds/{id}/objections", page_round_objections_post,
     AUTH | HTML | FORM | CSRF, ALL, 0},
    {WM_POST, "/rounds/{id}/objections/{id}/answer", page_round_objection_answer_post,
     AUTH | HTML | FORM | CSRF, ALL, 0},
    {WM_POST, "/rounds/{id}/titles", page_round_titles_post, AUTH | HTML | FORM | CSRF, STAFF, 0},
    {WM_POST, "/rounds/{id}/rectifications", page_round_rectifications_post,
     AUTH | HTML | FORM | CSRF, STAFF, 0},
    {WM_GET, "/rectifications", page_rectifications_get, AUTH | HTML, ALL, 0},
    /* Scoring (issue 10, page_scoring.c): the sheet for the field, progress, reconcile */
    {WM_GET, "/rounds/{id}/entries/{id}/sheet", page_sheet_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/rounds/{id}/entries/{id}/sheet", page_sheet_post, AUTH | HTML | FORM | CSRF,
     SCORE, 4 * MiB},
    {WM_GET, "/rounds/{id}/progress", page_progress_get, AUTH | HTML, ALL, 0},
    {WM_GET, "/rounds/{id}/entries/{id}/reconcile", page_reconcile_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/rounds/{id}/entries/{id}/reconcile", page_reconcile_post,
     AUTH | HTML | FORM | CSRF, SCORE, 1 * MiB},
    {WM_POST, "/rounds/{id}/entries/{id}/lock", page_lock_post, AUTH | HTML | FORM | CSRF, SCORE,
     0},
    {WM_POST, "/rounds/{id}/entries/{id}/sheets/{id}/reopen", page_reopen_post,
     AUTH | HTML | FORM | CSRF, SCORE, 0},
    {WM_POST, "/rounds/{id}/entries/{id}/unlock", page_unlock_post, AUTH | HTML | FORM | CSRF,
     ADMIN, 0},
    {WM_GET, "/frameworks", page_frameworks_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/frameworks", page_frameworks_post, AUTH | HTML | FORM | CSRF, STAFF, 40 * MiB},
    {WM_GET, "/frameworks/{id}", page_framework_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/frameworks/{id}/publish", page_framework_publish_post, AUTH | HTML | FORM | CSRF,
     STAFF, 0},
    {WM_POST, "/frameworks/{id}/delete", page_framework_delete_post, AUTH | HTML | FORM | CSRF,
     STAFF, 0},
    {WM_GET, "/frameworks/{id}/diff", page_framework_diff_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/frameworks/{id}/default", page_framework_default_post, AUTH | HTML | FORM | CSRF,
     STAFF, 0},
    /* good practice: the 经验交流 page (issue 9, ui_practice.c) */
    {WM_GET, "/practice", page_practice_get, AUTH | HTML, ALL, 0},
    {WM_POST, "/practice/compilations", page_practice_compile_post, AUTH | HTML | FORM | CSRF,
     STAFF, 0},
    {WM_POST, "/practice/{id}", page_practice_item_post, AUTH | HTML | FORM | CSRF, STAFF, 0},
    {WM_POST, "/practice/{id}/withdraw", page_practice_withdraw_post, AUTH | HTML | FORM | CSRF,
     STAFF, 0},
    {WM_POST, "/documents/{id}/feature", page_document_feature_post, AUTH | HTML | FORM | CSRF,
     STAFF, 0},
    /* Review pages: the queue, the review view, settings (issue 9, reviewui). */
    {WM_GET, "/reviews", page_reviews_get, AUTH | HTML, STAFF, 0},
    {WM_POST, "/reviews", page_reviews_post, AUTH | HTML | FORM | CSRF, STAFF, 0},
    {WM_GET, "/reviews/{id}", page_review_get, AUTH | HTML, STAFF, 0},
    {WM_POST, "/reviews/{id}", page_review_post, AUTH | HTML | FORM | CSRF, STAFF, 0},
    {WM_GET, "/orgs/{id}/review-settings", page_review_settings_get, AUTH | HTML, STAFF, 0},
    {WM_POST, "/orgs/{id}/review-settings", page_review_settings_post, AUTH | HTML | FORM | CSRF,
     STAFF, 0},

    {0, NULL, NULL, 0, 0, 0},
};

void
wm_routes_init(void)
{
    wm_uploads_init();
    wm_http_set_error_page(wm_ui_error_page);
    wm_http_set_routes(wm_routes);
}

/* end of routes.c */
