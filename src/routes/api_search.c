/*
** api_search.c — GET /api/v1/search (issue 11): the full-text search of documents
** (titles, metadata, the text inside their files), indicators and guidance conversations,
** within the caller's scope, with filters, facets with counts and highlighted snippets.
** The query language, the scope and the ranking are src/core/search.c's; this file reads
** the arguments (400 naming the bad one) and answers wm_search's JSON as it is.
*/
#include "config.h"

#include "handlers.h"
#include "wm_core.h"

void
api_search_get(struct wm_req *r)
{
    struct wm_search_params p;
    const char *field, *msg;
    if (!wm_req_search(r, &p, &field, &msg)) {
        wm_reply_err(r, WM_E_BAD_REQUEST, field, msg);
        return;
    }
    if (NULL == p.q) {
        wm_reply_err(r, WM_E_BAD_REQUEST, "q", _("请输入要搜索的词"));
        return;
    }
    struct wm_fail f = {0};
    json_t *res = wm_search(r->db, &r->actor, &p, &f);
    wm_reply_read(r, 200, res, &f);
}

/* end of api_search.c */
