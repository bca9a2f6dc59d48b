/*
** spawn.c — what the server knows of compilations without any PDF code: running the
** `wenming-compile` helper program as a child (its limits are set by the helper itself,
** before it reads anything) and reading the page count it leaves beside the PDF.
*/
/* clang-format off */
#include "wm_compile.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <spawn.h>
#include <sys/wait.h>

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
    /* fontconfig finds the fonts through its system configuration and cache; a sanitizer's
    ** settings (a test build's suppressions) go along */
    static char env_path[] = "PATH=/usr/bin:/bin", env_lc[] = "LC_ALL=C.UTF-8",
                env_home[] = "HOME=/nonexistent";
    char *envp[8] = {env_path, env_lc, env_home, NULL};
    char *san[3] = {NULL, NULL, NULL};
    static const char *const san_names[] = {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"};
    for (size_t i = 0, n = 3; i < WM_ARRAY_LEN(san_names); i++) {
        const char *v = getenv(san_names[i]);
        if (v) {
            san[i] = wm_asprintf("%s=%s", san_names[i], v);
            envp[n++] = san[i];
        }
    }
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    pid_t pid;
    int rc = posix_spawn(&pid, compile_helper, NULL, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    for (size_t i = 0; i < WM_ARRAY_LEN(san); i++) {
        free(san[i]);
    }
    if (rc) {
        snprintf(err, errlen, "spawn %s: %s", compile_helper, strerror(rc));
        return WM_E_UNAVAILABLE;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (EINTR != errno) {
            snprintf(err, errlen, "waitpid: %s", strerror(errno));
            return WM_E_INTERNAL;
        }
    }
    if (WIFEXITED(status) && 0 == WEXITSTATUS(status)) {
        if (pages) {
            *pages = read_pages(out_path);
        }
        return WM_OK;
    }
    if (WIFSIGNALED(status)) {
        snprintf(err, errlen, "the compilation helper died of signal %d (limits hit?)",
                 WTERMSIG(status));
        return WM_E_UNAVAILABLE;
    }
    snprintf(err, errlen, "the compilation helper failed (exit %d)", WEXITSTATUS(status));
    return 2 == WEXITSTATUS(status) ? WM_E_BAD_REQUEST : WM_E_INTERNAL;
}

/* end of spawn.c */
