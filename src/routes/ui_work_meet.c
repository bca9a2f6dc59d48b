/*
** ui_work_meet.c — fragments of the creation work's meetings (issue 12) shared by their
** API and pages, and by the document's page: the files received for a meeting filed into
** its kind's leaf (wm_meeting_file), and a document's source (wm_work_source).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"

/* The role of the i-th received file: its field, else the form's "role" (photo). */
static const char *
file_role(struct wm_req *r, unsigned i)
{
    const char *field = wm_uploads_field_of(r, i), *role = r->form ? wm_form(r, "role") : NULL;
    if (wm_streq(field, "minutes") || wm_streq(field, "photo")) {
        return field;
    }
    if (wm_streq(field, "photos")) {
        return "photo";
    }
    return role && *role ? role : "photo";
}

int
ui_meeting_files(struct wm_req *r, int64_t id, struct wm_fail *f)
{
    unsigned n = 0;
    json_t *m = wm_meeting_get(r->db, &r->actor, id, f);
    if (NULL == m) {
        return 0;
    }
    if (!wm_meeting_may_write(&r->actor, ji(m, "unit_id"))) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有本单位管理员可以上传会议文件"));
    } else if (!json_is_true(json_object_get(m, "fileable"))) {
        /* said before any file is committed: nothing is stored */
        wm_fail_set(f, WM_E_CONFLICT, "file", _("未能归档：%s"), js(m, "unfiled_reason"));
    } else if (!wm_uploads_check(r, &n)) {
        json_decref(m);
        return -1;
    }
    enum wm_err e = WM_OK;
    for (unsigned i = 0; i < n && WM_OK == e; i++) {
        struct wm_upload up;
        int64_t doc = 0;
        if (!wm_uploads_commit(r, i, &up)) {
            json_decref(m);
            return -1;
        }
        e = wm_meeting_file(r->db, &r->actor, id, file_role(r, i), &up, &doc, f);
    }
    json_decref(m);
    return 0;
}

void
ui_work_source(struct wm_req *r, struct wm_buf *b, int64_t document_id)
{
    json_t *s = wm_work_source(r->db, document_id);
    if (NULL == s) {
        return;
    }
    wm_h(b, "<p class=\"hint\" id=\"work-source\">%s", _("来源："));
    if (*js(s, "href")) {
        wm_h(b, "<a href=\"%s\">%s</a>", js(s, "href"), js(s, "label"));
    } else {
        wm_h(b, "%s", js(s, "label"));
    }
    wm_h(b, "</p>\n");
    json_decref(s);
}

/* end of ui_work_meet.c */
