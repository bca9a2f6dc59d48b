/*
** err.c — the error registry expanded from errors.def.
*/
#include "wm_util.h"

static const struct {
    const char *code;
    unsigned status;
    const char *msg;
} errs[] = {
#define WM_ERR(name, code, status, msg) {code, status, msg},
#include "errors.def"
#undef WM_ERR
};

const char *
wm_err_code(enum wm_err e)
{
    return (unsigned)e < WM_E__COUNT ? errs[e].code : "internal";
}

unsigned
wm_err_status(enum wm_err e)
{
    return (unsigned)e < WM_E__COUNT ? errs[e].status : 500;
}

const char *
wm_err_message(enum wm_err e)
{
    return _((unsigned)e < WM_E__COUNT ? errs[e].msg : errs[WM_E_INTERNAL].msg);
}

/* end of err.c */
