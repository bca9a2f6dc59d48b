/*
** compile_main.c — `wenming-compile SPEC OUT`: compose one 经验交流汇编 PDF and exit.
**
** The server runs this as a child for the job "practice.compile", so that poppler works on
** the featured documents (untrusted files) in a process of its own, under limits of CPU
** time, memory and file size, and is never mapped into the server.  Writes OUT and
** OUT.json ({"pages": n}).  Exit 0 made, 1 internal error, 2 a bad spec.
**
** A spec with {"kind": "eval.sheet" | "eval.blank" | "eval.summary"} is one of the
** evaluation round's documents (wm_eval_render.h: the server has no cairo either);
** {"kind": "archive.check"} a DA/T 70 四性检测 report (wm_check_pdf.h); {"kind":
** "work.minutes"} the minutes of a meeting (wm_minutes.h); {"kind": "work.bulletin"} the
** weekly bulletin of issue 12 (wm_bulletin_pdf.h); {"kind": "work.plan"} a unit's annual
** plan (wm_plan_pdf.h).
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <pango/pangocairo.h>

#include "wm_bulletin_pdf.h"
#include "wm_compile.h"
#include "wm_eval_render.h"
#include "wm_minutes.h"
#include "wm_check_pdf.h" /* issue 13, dat70 */
#include "wm_plan_pdf.h"
#include "wm_util.h"

static void
limit(int what, rlim_t v)
{
    struct rlimit rl = {v, v};
    (void)setrlimit(what, &rl);
}

int
main(int argc, char **argv)
{
    if (3 != argc) {
        fprintf(stderr, "usage: wenming-compile SPEC OUT (run by wenming serve)\n");
        return 1;
    }
    /* Background work: the requests people wait for (uploads hash and write on the same
    ** cores) go first.  Raising one's own nice value needs no privilege. */
    (void)setpriority(PRIO_PROCESS, 0, 19);
    limit(RLIMIT_CPU, 300);                     /* seconds: poppler has no timeout */
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    limit(RLIMIT_AS, (rlim_t)3072 << 20);       /* a hostile document stops here */
#endif
    limit(RLIMIT_FSIZE, (rlim_t)1024 << 20);    /* the compilation's size */
    limit(RLIMIT_CORE, 0);
    json_error_t je;
    json_t *spec = json_load_file(argv[1], 0, &je);
    if (NULL == spec) {
        fprintf(stderr, "wenming-compile: %s: %s\n", argv[1], je.text);
        return 2;
    }
    char err[512] = "";
    int pages = 0;
    enum wm_err e;
    const char *kind = json_string_value(json_object_get(spec, "kind"));
    if (NULL != kind && 0 == strncmp(kind, "eval.", 5)) {
        struct wm_buf pdf = {0};
        e = wm_eval_pdf_spec(spec, &pdf, &pages, err, sizeof err);
        if (WM_OK == e) {
            e = wm_eval_save(pdf.data, pdf.len, -1, argv[2], err, sizeof err);
        }
        wm_buf_free(&pdf);
    } else if (NULL != kind && 0 == strcmp(kind, "work.minutes")) {
        e = wm_minutes_pdf(spec, argv[2], &pages, err, sizeof err); /* issue 12, wmeet */
    } else if (NULL != kind && 0 == strcmp(kind, "work.plan")) { /* issue 12, the plan */
        e = wm_plan_pdf(spec, argv[2], &pages, err, sizeof err);
    } else if (NULL != kind && 0 == strcmp(kind, "work.bulletin")) { /* issue 12 */
        e = wm_bulletin_pdf(spec, argv[2], &pages, err, sizeof err);
    } else if (NULL != kind && 0 == strcmp(kind, "archive.check")) { /* issue 13, dat70 */
        e = wm_check_pdf(spec, argv[2], &pages, err, sizeof err);
    } else {
        e = wm_compile_pdf(spec, argv[2], &pages, err, sizeof err);
    }
    json_decref(spec);
    /* the font map lives until exit: let it go (leak checkers; cairo's own caches stay, as
    ** poppler's fonts may still hold them) */
    pango_cairo_font_map_set_default(NULL);
    if (WM_OK != e) {
        fprintf(stderr, "wenming-compile: %s\n", err);
        return WM_E_BAD_REQUEST == e ? 2 : 1;
    }
    char *side = wm_asprintf("%s.json", argv[2]);
    json_t *o = json_pack("{s:i}", "pages", pages);
    int rc = json_dump_file(o, side, JSON_COMPACT);
    json_decref(o);
    free(side);
    return rc ? 1 : 0;
}

/* end of compile_main.c */
