/*
** spawn.c — running a helper program (wenming-thumb, wenming-compile, wenming-extract) as a
** child and waiting for it.  The helper sets its own limits (CPU time, memory, file size)
** before it reads anything; here it gets a small, fixed environment: PATH, LC_ALL, HOME, and
** a sanitizer's settings when the server runs under one (a test build's suppressions go
** along).  A helper killed by a signal is told apart (*code 128 + the signal).
*/
/* clang-format off */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spawn.h>
#include <sys/wait.h>

#include "wm_util.h"
#include "banned.h"
/* clang-format on */

/* Spawn argv with envp (argv[0] searched in PATH when search) and wait; see wm_spawn_wait. */
static enum wm_err
spawn_envp_wait(char *const argv[], char *const envp[], bool search, const char *what, int *code,
                char *err, size_t errlen)
{
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    pid_t pid;
    int rc = search ? posix_spawnp(&pid, argv[0], NULL, &attr, argv, envp)
                    : posix_spawn(&pid, argv[0], NULL, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    *code = -1;
    if (rc) {
        snprintf(err, errlen, "spawn %s: %s", argv[0], strerror(rc));
        return WM_E_UNAVAILABLE;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (EINTR != errno) {
            snprintf(err, errlen, "waitpid: %s", strerror(errno));
            return WM_E_INTERNAL;
        }
    }
    if (WIFSIGNALED(status)) {
        *code = 128 + WTERMSIG(status);
        snprintf(err, errlen, "the %s died of signal %d (limits hit?)", what, WTERMSIG(status));
        return WM_E_UNAVAILABLE;
    }
    *code = WEXITSTATUS(status);
    if (*code) {
        snprintf(err, errlen, "the %s failed (exit %d)", what, *code);
    }
    return WM_OK;
}

enum wm_err
wm_spawn_wait_env(char *const argv[], char *const envp[], const char *what, int *code, char *err,
                  size_t errlen)
{
    return spawn_envp_wait(argv, envp, true, what, code, err, errlen);
}

enum wm_err
wm_spawn_wait(char *const argv[], const char *what, int *code, char *err, size_t errlen)
{
    static char env_path[] = "PATH=/usr/bin:/bin", env_lc[] = "LC_ALL=C.UTF-8",
                env_home[] = "HOME=/nonexistent";
    static const char *const san_names[] = {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"};
    char *envp[8] = {env_path, env_lc, env_home, NULL};
    char *san[WM_ARRAY_LEN(san_names)] = {NULL};
    for (size_t i = 0, n = 3; i < WM_ARRAY_LEN(san_names); i++) {
        const char *v = getenv(san_names[i]);
        if (v) {
            san[i] = wm_asprintf("%s=%s", san_names[i], v);
            envp[n++] = san[i];
        }
    }
    enum wm_err e = spawn_envp_wait(argv, envp, false, what, code, err, errlen);
    for (size_t i = 0; i < WM_ARRAY_LEN(san); i++) {
        free(san[i]);
    }
    return e;
}

/* end of spawn.c */
