/*
** thumb_main.c — `wenming-thumb SRC MIME DST MAX_PX`: make one thumbnail and exit.
**
** The server runs this as a child for every thumbnail, so that the image and PDF decoders
** (libvips, poppler) work on hostile files in a process of their own, under limits of CPU
** time, memory and file size, and are never mapped into the server.  Exit 0 made, 1 bad
** usage or internal error, 2 the file could not be read as its type, 3 unsupported type.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "wm_thumb.h"
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
    int64_t px;
    if (5 != argc || !wm_parse_i64(argv[4], 1, 4096, &px)) {
        fprintf(stderr, "usage: wenming-thumb SRC MIME DST MAX_PX (run by wenming serve)\n");
        return 1;
    }
    /* Background work: the requests people wait for (uploads hash and write on the same
    ** cores) go first.  Raising one's own nice value needs no privilege. */
    (void)setpriority(PRIO_PROCESS, 0, 19);
    limit(RLIMIT_CPU, 30);                      /* seconds: poppler has no timeout */
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    /* (the sanitizers reserve terabytes of address space: no such limit under them) */
    limit(RLIMIT_AS, (rlim_t)2048 << 20);       /* a decompression bomb stops here */
#endif
    limit(RLIMIT_FSIZE, (rlim_t)64 << 20);      /* the thumbnail is small */
    limit(RLIMIT_CORE, 0);
    char err[512] = "";
    enum wm_err e = wm_thumb_make(argv[1], argv[2], argv[3], (unsigned)px, err, sizeof err);
    if (WM_OK != e) {
        fprintf(stderr, "wenming-thumb: %s: %s\n", argv[1], err);
        return WM_E_UNSUPPORTED_MEDIA == e ? 3 : WM_E_BAD_REQUEST == e || WM_E_TOO_LARGE == e ? 2 : 1;
    }
    return 0;
}

/* end of thumb_main.c */
