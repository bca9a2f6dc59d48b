/*
** repr.c — the API representation of each resource: which fields go out, and its times as
** RFC 3339 in China Standard Time ("2026-11-27T19:00:00+08:00").  The store keeps Unix
** seconds; exactly the time fields a resource has are rendered here, by name of the
** resource, never guessed from a key (http/reply.c converts nothing).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "wm_framework.h"

json_t *
wm_api_page(json_t *items, unsigned limit)
{
    if (NULL == items) {
        return NULL;
    }
    json_t *next = json_null();
    if (limit && json_array_size(items) == limit) {
        json_t *last = json_array_get(items, limit - 1);
        char *s = wm_asprintf("%lld", (long long)json_integer_value(json_object_get(last, "id")));
        next = json_string(s);
        free(s);
    }
    return json_pack("{s:o, s:o}", "items", items, "next", next);
}

/* The document as the API shows it: display name, archival code, no internals. */
json_t *
wm_api_doc(json_t *d, const char *unit_code, int64_t year)
{
    char *name = wm_doc_display_name(d), *code = wm_doc_archival_code(d, unit_code, year);
    json_object_del(d, "unit_path");
    json_object_set_new(d, "name", json_string(name));
    json_object_set_new(d, "archival_code", json_string(code));
    free(name);
    free(code);
    return d;
}

json_t *
wm_api_edition(json_t *e)
{
    char t[32];
    json_object_set_new(e, "total",
                        json_string(wm_fw_score_format(json_integer_value(json_object_get(e, "total")), t)));
    return e;
}

json_t *
wm_api_editions(json_t *items)
{
    size_t i;
    json_t *e;
    json_array_foreach(items, i, e)
    {
        wm_api_edition(e);
    }
    return items;
}

json_t *
wm_api_audit_rows(json_t *rows)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        char t[32];
        wm_time_rfc3339(json_integer_value(json_object_get(row, "at")), t);
        json_object_set_new(row, "time", json_string(t));
        const char *label = wm_audit_action_label(json_string_value(json_object_get(row, "action")));
        json_object_set_new(row, "action_label", label ? json_string(label) : json_null());
        json_t *sum = json_loads(json_string_value(json_object_get(row, "summary")), 0, NULL);
        json_object_set_new(row, "summary", sum ? sum : json_null());
    }
    return rows;
}

/* end of repr.c */
