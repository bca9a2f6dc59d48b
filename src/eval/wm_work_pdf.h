/*
** wm_work_pdf.h — the creation work's PDF documents (issue 12) rendered by the
** `wenming-compile` helper from a JSON spec (the server links no cairo): the weekly
** bulletin (一周一通报, spec kind "work.bulletin", work_bulletin_pdf.c).
*/
#ifndef WM_WORK_PDF_H
#define WM_WORK_PDF_H

#include <stddef.h>

#include <jansson.h>

#include "wm_util.h"

/**
** The weekly bulletin of @a spec (see work_bulletin_pdf.c) as PDF bytes into @a out;
** *pages (may be NULL) its page count.  WM_E_BAD_REQUEST for a spec that is not one.
*/
enum wm_err wm_work_bulletin_pdf(const json_t *spec, struct wm_buf *out, int *pages, char *err,
                                 size_t errlen) WM_MUST_CHECK;

#endif /* WM_WORK_PDF_H */
