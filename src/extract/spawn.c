/*
** spawn.c — what the server itself knows of text extraction, without any parser: the types
** text can be asked of, and running the `wenming-extract` helper program on one file as a
** child under limits (wm_spawn_wait; the helper sets its own limits before it reads).
*/
/* clang-format off */
#include "wm_extract.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "banned.h"
/* clang-format on */

enum wm_extract_kind
wm_extract_kind(const char *mime)
{
    static const struct {
        const char *mime;
        enum wm_extract_kind kind;
    } types[] = {
        {"application/pdf", WM_EXTRACT_PDF},
        {"application/ofd", WM_EXTRACT_ZIP},
        {"application/zip", WM_EXTRACT_ZIP},
        {"application/x-zip-compressed", WM_EXTRACT_ZIP},
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", WM_EXTRACT_ZIP},
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", WM_EXTRACT_ZIP},
        {"application/vnd.openxmlformats-officedocument.presentationml.presentation",
         WM_EXTRACT_ZIP},
        {"application/vnd.oasis.opendocument.text", WM_EXTRACT_ZIP},
        {"application/vnd.oasis.opendocument.spreadsheet", WM_EXTRACT_ZIP},
        {"application/vnd.oasis.opendocument.presentation", WM_EXTRACT_ZIP},
        {"application/wps-office.wps", WM_EXTRACT_ZIP},
        {"application/wps-office.et", WM_EXTRACT_ZIP},
        {"application/wps-office.dps", WM_EXTRACT_ZIP},
        {"application/wps-office.docx", WM_EXTRACT_ZIP},
        {"application/wps-office.xlsx", WM_EXTRACT_ZIP},
        {"application/wps-office.pptx", WM_EXTRACT_ZIP},
        {"text/plain", WM_EXTRACT_TEXT},
        {"text/csv", WM_EXTRACT_TEXT},
        {"image/jpeg", WM_EXTRACT_IMAGE},
        {"image/png", WM_EXTRACT_IMAGE},
        {"image/tiff", WM_EXTRACT_IMAGE},
        {"image/gif", WM_EXTRACT_IMAGE},
        {"image/webp", WM_EXTRACT_IMAGE},
        {"image/bmp", WM_EXTRACT_IMAGE},
        {"image/x-ms-bmp", WM_EXTRACT_IMAGE},
    };
    for (size_t i = 0; mime && i < WM_ARRAY_LEN(types); i++) {
        if (wm_streq(mime, types[i].mime)) {
            return types[i].kind;
        }
    }
    return WM_EXTRACT_NONE;
}

bool
wm_extract_supported(const char *mime)
{
    return WM_EXTRACT_NONE != wm_extract_kind(mime);
}

static char *extract_helper;

void
wm_extract_set_helper(const char *helper_path)
{
    free(extract_helper);
    extract_helper = helper_path ? wm_strdup(helper_path) : NULL;
}

/* The signals of a helper stopped by its limits or by what a hostile file did to a parser:
** the same file would do it again, so the failure is permanent. */
static bool
limit_signal(int sig)
{
    return SIGXCPU == sig || SIGKILL == sig || SIGSEGV == sig || SIGABRT == sig
           || SIGBUS == sig || SIGFPE == sig || SIGILL == sig || SIGXFSZ == sig;
}

enum wm_err
wm_extract_make_spawned(const char *src_path, const char *mime, const char *dst_path, char *err,
                        size_t errlen)
{
    if (NULL == extract_helper) {
        snprintf(err, errlen, "no wenming-extract helper program configured");
        return WM_E_UNAVAILABLE;
    }
    if (NULL == src_path || NULL == mime || NULL == dst_path) {
        snprintf(err, errlen, "missing source, type or destination");
        return WM_E_BAD_REQUEST;
    }
    char *const argv[] = {extract_helper, (char *)src_path, (char *)mime, (char *)dst_path, NULL};
    char *cause_path = wm_asprintf("%s.err", dst_path);
    (void)unlink(cause_path);
    int code = -1;
    enum wm_err e = wm_spawn_wait(argv, "text extraction helper", &code, err, errlen);
    /* the helper's own words for its failure, when it could say them */
    size_t n = 0;
    char *cause = wm_read_file(cause_path, &n);
    (void)unlink(cause_path);
    free(cause_path);
    if (cause && WM_OK == e && 0 != code && n > 0 && errlen > 0) {
        snprintf(err, errlen, "%s", cause);
    }
    free(cause);
    if (WM_E_UNAVAILABLE == e && code > 128 && limit_signal(code - 128)) {
        snprintf(err, errlen, "提取超时或超出内存限制，已停止（信号 %d）", code - 128);
        return WM_E_BAD_REQUEST;
    }
    if (WM_OK != e || 0 == code) {
        return e;
    }
    switch (code) {
    case 2:
        return WM_E_BAD_REQUEST;
    case 3:
        return WM_E_UNSUPPORTED_MEDIA;
    default:
        return WM_E_INTERNAL;
    }
}

/* ---------------------------------------------------------------- the probe (issue 13, dat70) */

bool
wm_extract_helper_set(void)
{
    return NULL != extract_helper;
}

enum wm_err
wm_probe_spawned(const char *src_path, const char *mime, const char *dst_path, char *err,
                 size_t errlen)
{
    if (NULL == extract_helper) {
        snprintf(err, errlen, "no wenming-extract helper program configured");
        return WM_E_UNAVAILABLE;
    }
    char *const argv[] = {extract_helper, (char *)"--probe", (char *)src_path, (char *)mime,
                          (char *)dst_path, NULL};
    int code = -1;
    enum wm_err e = wm_spawn_wait(argv, "probe helper", &code, err, errlen);
    if (code > 128) {
        snprintf(err, errlen, "检测超时或超出内存限制，已停止（信号 %d）", code - 128);
        return WM_E_BAD_REQUEST;
    }
    if (WM_OK != e) {
        return e;
    }
    if (0 != code) {
        snprintf(err, errlen, "检测程序失败（退出码 %d）", code);
        return WM_E_BAD_REQUEST;
    }
    return WM_OK;
}

/* end of spawn.c */
