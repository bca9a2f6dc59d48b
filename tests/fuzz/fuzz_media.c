/*
** fuzz_media.c — fuzz target for wm_media_sniff() and wm_media_sniff_fd(): libmagic and our
** ZIP and OLE2 directory readers on arbitrary bytes.
**
** libFuzzer (clang): each input is sniffed from memory, and from a file (so that the
** central-directory and FAT-chain paths that read past the head run too).
** With -DWM_FUZZ_REPLAY this is a plain program: it replays the files named on its command
** line, or with none runs WM_FUZZ_ITERS (default 3000) deterministic mutations (seed
** WM_FUZZ_SEED) of the seed corpus below.  `meson test` runs it.
*/
/* clang-format off */
#include "wm_media.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wm_util.h"

#include "banned.h"
/* clang-format on */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fz_fd = -1;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wm_media_info m;
    (void)wm_media_sniff(data, size, &m);
    (void)wm_media_allowed(&m, NULL);
    if (fz_fd < 0) {
        char path[] = "/tmp/wm-fuzz-media-XXXXXX";
        fz_fd = mkstemp(path);
        if (fz_fd < 0) {
            abort();
        }
        unlink(path);
    }
    if (ftruncate(fz_fd, 0) || (size && pwrite(fz_fd, data, size, 0) != (ssize_t)size)) {
        abort();
    }
    (void)wm_media_sniff_fd(fz_fd, &m);
    if (strlen(m.mime) >= sizeof m.mime || !wm_utf8_valid(m.desc, strlen(m.desc))) {
        abort();
    }
    return 0;
}

#ifdef WM_FUZZ_REPLAY

#include "fz_replay.h"

/* A stored ZIP with one entry name and the central directory; into buf, returns length. */
static size_t
fz_zip(unsigned char *buf, const char *name, const char *content)
{
    size_t nl = strlen(name), cl = strlen(content), p = 0;
    static const unsigned char lh[30] = { 'P', 'K', 3, 4, 10 };
    memcpy(buf, lh, 30);
    buf[18] = buf[22] = (unsigned char)cl;
    buf[26] = (unsigned char)nl;
    p = 30;
    memcpy(buf + p, name, nl);
    p += nl;
    memcpy(buf + p, content, cl);
    p += cl;
    size_t cd = p;
    memset(buf + p, 0, 46);
    memcpy(buf + p, "PK\x01\x02", 4);
    buf[p + 20] = buf[p + 24] = (unsigned char)cl;
    buf[p + 28] = (unsigned char)nl;
    p += 46;
    memcpy(buf + p, name, nl);
    p += nl;
    memset(buf + p, 0, 22);
    memcpy(buf + p, "PK\x05\x06", 4);
    buf[p + 8] = buf[p + 10] = 1;
    buf[p + 12] = (unsigned char)(p - cd);
    buf[p + 16] = (unsigned char)cd;
    buf[p + 17] = (unsigned char)(cd >> 8);
    return p + 22;
}

/* A 3-sector OLE2 file whose root holds one stream named @a stream. */
static size_t
fz_ole(unsigned char *buf, const char *stream)
{
    memset(buf, 0, 2048);
    static const unsigned char sig[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
    memcpy(buf, sig, 8);
    buf[0x18] = 0x3E;
    buf[0x1A] = 3;
    buf[0x1C] = 0xFE;
    buf[0x1D] = 0xFF;
    buf[0x1E] = 9;
    buf[0x20] = 6;
    buf[0x2C] = 1;    /* one FAT sector */
    buf[0x30] = 1;    /* directory at sector 1 */
    buf[0x39] = 0x10; /* mini cutoff 4096 */
    memset(buf + 0x3C, 0xFF, 4);
    memset(buf + 0x44, 0xFF, 4);
    memset(buf + 0x4C, 0xFF, 436);
    memset(buf + 0x4C, 0, 4); /* FAT in sector 0 */
    unsigned char *fat = buf + 512;
    memset(fat, 0xFF, 512);
    memcpy(fat, "\xFD\xFF\xFF\xFF\xFE\xFF\xFF\xFF", 8);
    unsigned char *dir = buf + 1024;
    const char *names[2] = { "Root Entry", stream };
    for (int i = 0; i < 2; i++) {
        unsigned char *d = dir + 128 * i;
        size_t l = strlen(names[i]);
        for (size_t j = 0; j < l; j++) {
            d[2 * j] = (unsigned char)names[i][j];
        }
        d[0x40] = (unsigned char)(2 * (l + 1));
        d[0x42] = 0 == i ? 5 : 2;
        memset(d + 0x44, 0xFF, 12);
        if (0 == i) {
            memset(d + 0x4C, 0, 4);
            d[0x4C] = 1;
        }
    }
    for (int i = 2; i < 4; i++) {
        memset(dir + 128 * i + 0x44, 0xFF, 12);
    }
    return 1536;
}

int
main(int argc, char **argv)
{
    if (argc > 1) {
        return fz_replay_files(argc, argv);
    }
    static unsigned char seeds[6][2048];
    size_t lens[6];
    lens[0] = fz_zip(seeds[0], "word/document.xml", "<w/>");
    lens[1] = fz_zip(seeds[1], "mimetype", "application/vnd.oasis.opendocument.text");
    lens[2] = fz_ole(seeds[2], "WordDocument");
    lens[3] = fz_ole(seeds[3], "Workbook");
    memcpy(seeds[4], "%PDF-1.4\n%%EOF\n", 15);
    lens[4] = 15;
    memcpy(seeds[5], "\xff\xd8\xff\xe0\x00\x10JFIF\x00", 11);
    lens[5] = 11;
    unsigned long iters = fz_env("WM_FUZZ_ITERS", 3000);
    fz_seed_from_env();
    unsigned char buf[4096];
    for (unsigned long i = 0; i < iters; i++) {
        size_t s = fz_below(6);
        size_t n = lens[s];
        memcpy(buf, seeds[s], n);
        int muts = 1 + (int)fz_below(8);
        for (int k = 0; k < muts; k++) {
            switch (fz_below(4)) {
            case 0: /* flip a byte */
                buf[fz_below(n)] = (unsigned char)fz_rand();
                break;
            case 1: /* truncate */
                n = 1 + fz_below(n);
                break;
            case 2: /* a large little-endian value somewhere (offsets, counts) */
                if (n >= 4) {
                    size_t o = fz_below(n - 3);
                    memset(buf + o, 0xFF - (int)fz_below(8), 4);
                }
                break;
            default: /* grow with junk */
                if (n < sizeof buf - 64) {
                    for (int j = 0; j < 64; j++) {
                        buf[n++] = (unsigned char)fz_rand();
                    }
                }
                break;
            }
        }
        LLVMFuzzerTestOneInput(buf, n);
    }
    wm_media_thread_end();
    if (fz_fd >= 0) {
        close(fz_fd);
    }
    printf("fuzz_media: %lu inputs\n", iters);
    return 0;
}

#endif /* WM_FUZZ_REPLAY */

/* end of fuzz_media.c */
