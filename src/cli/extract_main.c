/*
** extract_main.c — `wenming-extract SRC MIME DST`: write the plain text of one file to DST
** and exit.
**
** The server runs this as a child for the job "search.extract", so that the PDF, ZIP/XML
** and image parsers and OCR work on hostile files in a process of their own, under limits
** of CPU time (60 s), address space (2 GiB), file size (16 MiB) and no core dumps, at the
** lowest priority, and are never mapped into the server.  A file that makes a parser loop
** or allocate without bound is stopped by these limits.  Exit 0 done, 1 bad usage or
** internal error, 2 the file could not be read as its type, 3 unsupported type; on failure
** the cause is written to stderr and to DST.err (one line, read by the server).
**
** `wenming-extract --probe SRC MIME DST` runs the DA/T 70 probe instead (wm_probe_file:
** does the file open as its type, what in it is executable, a macro or encrypted) under the
** same limits; exit 0 once DST is written.
**
** WM_EXTRACT_CPU_SECONDS (1..60) lowers the CPU-time limit, for the tests.  OpenMP (inside
** tesseract) reads its thread limit when the program loads, so the program runs itself
** again once with OMP_THREAD_LIMIT=1: OCR is background work on one core.
*/
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

#include "wm_extract.h"
#include "wm_util.h"

#include "banned.h"

static void
limit(int what, rlim_t v)
{
    struct rlimit rl = {v, v};
    (void)setrlimit(what, &rl);
}

/* The cause of a failure next to DST, for the server (wm_extract_make_spawned). */
static void
write_cause(const char *dst, const char *cause)
{
    char *path = wm_asprintf("%s.err", dst);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd >= 0) {
        size_t n = strlen(cause);
        if (write(fd, cause, n) != (ssize_t)n) {
            (void)unlink(path);
        }
        close(fd);
    }
    free(path);
}

int
main(int argc, char **argv)
{
    bool probe = 5 == argc && 0 == strcmp(argv[1], "--probe"); /* issue 13, dat70 */
    if (4 != argc && !probe) {
        fprintf(stderr, "usage: wenming-extract SRC MIME DST | --probe SRC MIME DST (run by "
                        "wenming serve)\n");
        return 1;
    }
    if (NULL == getenv("OMP_THREAD_LIMIT") && !probe) { /* the probe runs no OCR */
        (void)setenv("OMP_THREAD_LIMIT", "1", 1);
        execv("/proc/self/exe", argv);
        /* no /proc: go on with OpenMP's default */
    }
    int64_t cpu = 60;
    const char *test_cpu = getenv("WM_EXTRACT_CPU_SECONDS");
    if (test_cpu && !wm_parse_i64(test_cpu, 1, 60, &cpu)) {
        cpu = 60;
    }
    /* Background work: the requests people wait for go first.  Raising one's own nice
    ** value needs no privilege. */
    (void)setpriority(PRIO_PROCESS, 0, 19);
    limit(RLIMIT_CPU, (rlim_t)cpu);             /* poppler and tesseract have no timeout */
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    /* (the sanitizers reserve terabytes of address space: no such limit under them) */
    limit(RLIMIT_AS, (rlim_t)2048 << 20);       /* a decompression bomb stops here */
#endif
    limit(RLIMIT_FSIZE, (rlim_t)16 << 20);      /* the text is at most 4 MiB */
    limit(RLIMIT_CORE, 0);
    char err[512] = "";
    if (probe) { /* the DA/T 70 probe: DST says what was found, exit 0 once it is written */
        enum wm_err pe = wm_probe_file(argv[2], argv[3], argv[4], err, sizeof err);
        if (WM_OK != pe) {
            fprintf(stderr, "wenming-extract --probe: %s: %s\n", argv[2], err);
            return 1;
        }
        return 0;
    }
    enum wm_err e = wm_extract_file(argv[1], argv[2], argv[3], err, sizeof err);
    if (WM_OK != e) {
        fprintf(stderr, "wenming-extract: %s: %s\n", argv[1], err);
        write_cause(argv[3], err);
        return WM_E_UNSUPPORTED_MEDIA == e ? 3 : WM_E_BAD_REQUEST == e || WM_E_TOO_LARGE == e ? 2 : 1;
    }
    return 0;
}

/* end of extract_main.c */
