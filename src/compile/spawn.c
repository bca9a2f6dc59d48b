/*
** spawn.c — what the server knows of compilations without any PDF code: running the
** `wenming-compile` helper program as a child (wm_spawn_wait; its limits are set by the
** helper itself, before it reads anything) and reading the page count it leaves beside the
** PDF.
*/
/* clang-format off */
#include "wm_compile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "banned.h"
/* clang-format on */

static char *compile_helper;

void
wm_compile_set_helper(const char *helper_path)
{
    free(compile_helper);
    compile_helper = helper_path ? wm_strdup(helper_path) : NULL;
}

bool
wm_compile_available(void)
{
    return NULL != compile_helper;
}

/* The page count the helper wrote into OUT.json (-1 when unknown). */
static int
read_pages(const char *out_path)
{
    char *side = wm_asprintf("%s.json", out_path);
    json_t *o = json_load_file(side, 0, NULL);
    free(side);
    int n = json_is_integer(json_object_get(o, "pages"))
                ? (int)json_integer_value(json_object_get(o, "pages"))
                : -1;
    json_decref(o);
    return n;
}

enum wm_err
wm_compile_spawned(const char *spec_path, const char *out_path, int *pages, char *err,
                   size_t errlen)
{
    if (NULL == compile_helper) {
        snprintf(err, errlen, "no wenming-compile helper program next to wenming");
        return WM_E_UNAVAILABLE;
    }
    char *const argv[] = {compile_helper, (char *)spec_path, (char *)out_path, NULL};
    int code;
    enum wm_err e = wm_spawn_wait(argv, "compilation helper", &code, err, errlen);
    if (WM_OK != e) {
        return e;
    }
    if (0 == code) {
        if (pages) {
            *pages = read_pages(out_path);
        }
        return WM_OK;
    }
    return 2 == code ? WM_E_BAD_REQUEST : WM_E_INTERNAL;
}

/* end of spawn.c */
