/*
** ui_work_rect.c — what the rectification loop's API and pages share (issue 12): filing the
** received files of a request as an item's evidence, and the words for an item's source.
*/
#include "config.h"

#include "handlers.h"

bool
ui_rect_evidence_files(struct wm_req *r, int64_t id, struct wm_fail *f, enum wm_err *e)
{
    unsigned n = 0;
    if (!wm_uploads_check(r, &n)) {
        return false;
    }
    struct wm_doc_meta meta;
    wm_req_doc_meta(r, &meta);
    *e = WM_OK;
    for (unsigned i = 0; i < n && WM_OK == *e; i++) {
        struct wm_upload up;
        int64_t doc = 0;
        if (!wm_uploads_commit(r, i, &up)) {
            return false;
        }
        struct wm_doc_meta m = meta;
        m.title = n > 1 ? NULL : meta.title; /* several files: each is named by its file */
        *e = wm_rect_evidence_file(r->db, &r->actor, id, &m, &up, &doc, f);
    }
    return true;
}

const char *
ui_rect_source_label(const char *source)
{
    static const char *const w[][2] = { { "evaluation", N_("测评扣分") },
                                        { "inspection", N_("日常检查") },
                                        { "review", N_("文件退回") },
                                        { "self_check", N_("领导自查") } };
    for (size_t i = 0; source && i < WM_ARRAY_LEN(w); i++) {
        if (wm_streq(source, w[i][0])) {
            return _(w[i][1]);
        }
    }
    return source ? source : "";
}

/* end of ui_work_rect.c */
