/*
** media_container.c — looking inside ZIP and OLE2 compound files, just far enough to name
** the office format: ZIP entry names (central directory, or local headers in a head), and
** the stream names under an OLE2 root storage.  Every length read from the file is checked
** against what was read; loops are bounded.
*/
/* clang-format off */
#include "media_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "wm_util.h"

#include "banned.h"
/* clang-format on */

#define ZIP_MAX_ENTRIES     100000
#define ZIP_MAX_CD          ((size_t)32 * 1024 * 1024)
#define OLE_MAX_DIR_SECTORS 1024
#define OLE_MAX_ENTRIES     8192

static uint16_t
u16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t
u32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t
u64(const unsigned char *p)
{
    return (uint64_t)u32(p) | ((uint64_t)u32(p + 4) << 32);
}

bool
wm_media_read_at(const struct wm_media_src *src, uint64_t off, void *buf, size_t len)
{
    if (off > UINT64_MAX - len) {
        return false;
    }
    if (off + len <= src->n) {
        memcpy(buf, src->head + off, len);
        return true;
    }
    if (src->fd < 0 || off + len > src->size || off > (uint64_t)INT64_MAX - len) {
        return false;
    }
    unsigned char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t r = pread(src->fd, p + got, len - got, (off_t)(off + got));
        if (r < 0 && EINTR == errno) {
            continue;
        }
        if (r <= 0) {
            return false;
        }
        got += (size_t)r;
    }
    return true;
}

void
wm_media_utf8_cut(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && !wm_utf8_valid(s, n)) {
        n--; /* descriptions are short: the longest valid prefix, simply */
    }
    s[n] = '\0';
}

/* ---------------------------------------------------------------- ZIP */

struct zscan {
    bool word, xl, ppt, ofd;
    char mimetype[100]; /* the "mimetype" entry of an ODF package, when stored */
};

static void
zip_note(struct zscan *z, const char *name, size_t nl)
{
#define ZIP_PREFIX(p) (nl > sizeof(p) - 1 && 0 == memcmp(name, p, sizeof(p) - 1))
    if (ZIP_PREFIX("word/")) {
        z->word = true;
    } else if (ZIP_PREFIX("xl/")) {
        z->xl = true;
    } else if (ZIP_PREFIX("ppt/")) {
        z->ppt = true;
    } else if (7 == nl && 0 == memcmp(name, "OFD.xml", 7)) {
        z->ofd = true;
    }
#undef ZIP_PREFIX
}

/* Read a stored "mimetype" entry's content whose data starts at @a data. */
static void
zip_mimetype(const struct wm_media_src *src,
             struct zscan *z,
             uint64_t data,
             uint16_t method,
             uint32_t csize)
{
    if (0 == method && csize > 0 && csize < sizeof z->mimetype &&
        wm_media_read_at(src, data, z->mimetype, csize)) {
        z->mimetype[csize] = '\0';
    }
}

/* The central directory: false when it cannot be found or read. */
static bool
zip_central(const struct wm_media_src *src, struct zscan *z)
{
    if (src->size < 22) {
        return false;
    }
    size_t tl = src->size < 65557 ? (size_t)src->size : 65557;
    uint64_t tail_off = src->size - tl;
    unsigned char *tail = wm_malloc(tl);
    unsigned char *cd = NULL;
    bool ok = false;
    if (!wm_media_read_at(src, tail_off, tail, tl)) {
        goto done;
    }
    size_t e = tl - 22 + 1;
    while (e-- > 0) {
        if (0 == memcmp(tail + e, "PK\x05\x06", 4)) {
            break;
        }
    }
    if (e == (size_t)-1) {
        goto done;
    }
    uint64_t cd_size = u32(tail + e + 12);
    uint64_t cd_off = u32(tail + e + 16);
    if (0xFFFFFFFF == cd_off || 0xFFFFFFFF == cd_size) {
        unsigned char loc[20], z64[56];
        if (tail_off + e < 20 || !wm_media_read_at(src, tail_off + e - 20, loc, 20) ||
            0 != memcmp(loc, "PK\x06\x07", 4) || !wm_media_read_at(src, u64(loc + 8), z64, 56) ||
            0 != memcmp(z64, "PK\x06\x06", 4)) {
            goto done;
        }
        cd_size = u64(z64 + 40);
        cd_off = u64(z64 + 48);
    }
    if (cd_size > ZIP_MAX_CD || cd_size < 46) {
        goto done;
    }
    cd = wm_malloc((size_t)cd_size);
    if (!wm_media_read_at(src, cd_off, cd, (size_t)cd_size)) {
        goto done;
    }
    size_t p = 0;
    for (unsigned i = 0; i < ZIP_MAX_ENTRIES && p + 46 <= cd_size; i++) {
        const unsigned char *h = cd + p;
        if (0 != memcmp(h, "PK\x01\x02", 4)) {
            break;
        }
        size_t nl = u16(h + 28), xl = u16(h + 30), cl = u16(h + 32);
        if (p + 46 + nl > cd_size) {
            break;
        }
        const char *name = (const char *)h + 46;
        zip_note(z, name, nl);
        if (8 == nl && 0 == memcmp(name, "mimetype", 8)) {
            unsigned char lh[30];
            uint64_t lho = u32(h + 42);
            if (wm_media_read_at(src, lho, lh, 30) && 0 == memcmp(lh, "PK\x03\x04", 4)) {
                zip_mimetype(src, z, lho + 30 + u16(lh + 26) + u16(lh + 28), u16(h + 10),
                             u32(h + 20));
            }
        }
        p += 46 + nl + xl + cl;
    }
    ok = true;
done:
    free(cd);
    free(tail);
    return ok;
}

/* Walk local file headers from the start, as far as the bytes go. */
static void
zip_local(const struct wm_media_src *src, struct zscan *z)
{
    uint64_t off = 0;
    char name[1024];
    for (unsigned i = 0; i < ZIP_MAX_ENTRIES; i++) {
        unsigned char lh[30];
        if (!wm_media_read_at(src, off, lh, 30) || 0 != memcmp(lh, "PK\x03\x04", 4)) {
            return;
        }
        uint16_t flags = u16(lh + 6), method = u16(lh + 8);
        uint32_t csize = u32(lh + 18);
        size_t nl = u16(lh + 26), xl = u16(lh + 28);
        size_t k = nl < sizeof name ? nl : sizeof name - 1;
        if (!wm_media_read_at(src, off + 30, name, k)) {
            return;
        }
        zip_note(z, name, k);
        uint64_t data = off + 30 + nl + xl;
        if (8 == nl && 0 == memcmp(name, "mimetype", 8)) {
            zip_mimetype(src, z, data, method, csize);
        }
        if ((flags & 8) && 0 == csize) {
            /* sizes follow the data: look for the next header in the head */
            if (data >= src->n) {
                return;
            }
            const unsigned char *nx =
                memmem(src->head + data, src->n - (size_t)data, "PK\x03\x04", 4);
            if (NULL == nx) {
                return;
            }
            off = (uint64_t)(nx - src->head);
        } else if (0xFFFFFFFF == csize) {
            return; /* zip64 sizes in the extra field: stop here */
        } else {
            off = data + csize;
        }
    }
}

const char *
wm_media_zip_type(const struct wm_media_src *src)
{
    struct zscan z;
    memset(&z, 0, sizeof z);
    if (src->fd < 0 || !zip_central(src, &z)) {
        zip_local(src, &z);
    }
    static const char *const odf[] = {
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
    };
    for (size_t i = 0; i < WM_ARRAY_LEN(odf); i++) {
        if (wm_streq(z.mimetype, odf[i])) {
            return odf[i];
        }
    }
    if (z.ofd) {
        return "application/ofd";
    }
    if (z.word) {
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    }
    if (z.xl) {
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    }
    if (z.ppt) {
        return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    }
    return NULL;
}

/* ---------------------------------------------------------------- OLE2 */

struct ole_entry {
    char name[32]; /* ASCII rendering of the UTF-16 name ('?' for others), cut at 31 */
    uint8_t type;  /* 0 unused, 1 storage, 2 stream, 5 root */
    uint32_t left, right, child;
};

/* Any of the marks Kingsoft WPS leaves (application name), as ASCII or UTF-16LE. */
static bool
ole_from_wps(const struct wm_media_src *src)
{
    static const char *const marks[] = { "WPS Office", "Kingsoft", "KSOProductBuildVer" };
    for (size_t i = 0; i < WM_ARRAY_LEN(marks); i++) {
        size_t l = strlen(marks[i]);
        if (memmem(src->head, src->n, marks[i], l)) {
            return true;
        }
        unsigned char w[64];
        for (size_t j = 0; j < l; j++) {
            w[2 * j] = (unsigned char)marks[i][j];
            w[2 * j + 1] = 0;
        }
        if (memmem(src->head, src->n, w, 2 * l)) {
            return true;
        }
    }
    return false;
}

const char *
wm_media_ole_type(const struct wm_media_src *src, bool *dir_read)
{
    *dir_read = false;
    unsigned char hdr[512];
    if (!wm_media_read_at(src, 0, hdr, sizeof hdr)) {
        return NULL;
    }
    unsigned shift = u16(hdr + 0x1E);
    if (9 != shift && 12 != shift) {
        return NULL;
    }
    size_t secsz = (size_t)1 << shift;
    size_t per_fat = secsz / 4;
    uint32_t sect = u32(hdr + 0x30);
    unsigned char *buf = wm_malloc(secsz);
    struct ole_entry *ents = wm_calloc(OLE_MAX_ENTRIES, sizeof *ents);
    size_t nents = 0;
    for (unsigned it = 0; it < OLE_MAX_DIR_SECTORS && sect < 0xFFFFFFFA; it++) {
        if (!wm_media_read_at(src, ((uint64_t)sect + 1) * secsz, buf, secsz)) {
            break;
        }
        for (size_t o = 0; o + 128 <= secsz && nents < OLE_MAX_ENTRIES; o += 128) {
            const unsigned char *d = buf + o;
            struct ole_entry *e = &ents[nents++];
            size_t nb = u16(d + 0x40);
            e->type = d[0x42];
            e->left = u32(d + 0x44);
            e->right = u32(d + 0x48);
            e->child = u32(d + 0x4C);
            if (nb > 64) {
                nb = 64;
            }
            size_t chars = nb >= 2 ? nb / 2 - 1 : 0, j;
            for (j = 0; j < chars && j < sizeof e->name - 1; j++) {
                uint16_t c = u16(d + 2 * j);
                e->name[j] = (char)(c >= 0x20 && c < 0x7F ? c : '?');
            }
            e->name[j] = '\0';
        }
        /* next directory sector, from the FAT sectors the header lists */
        size_t fi = sect / per_fat;
        if (fi >= 109) {
            break;
        }
        uint32_t fs = u32(hdr + 0x4C + 4 * fi);
        unsigned char nx[4];
        if (fs >= 0xFFFFFFFA ||
            !wm_media_read_at(src, ((uint64_t)fs + 1) * secsz + (sect % per_fat) * 4, nx, 4)) {
            break;
        }
        sect = u32(nx);
    }
    free(buf);
    const char *type = NULL;
    if (nents > 0 && 5 == ents[0].type) {
        *dir_read = true;
        /* the root's children: a binary tree through left/right from root.child */
        bool word = false, book = false, ppt = false;
        uint32_t stack[64];
        size_t sp = 0;
        size_t visits = 0;
        if (ents[0].child < nents) {
            stack[sp++] = ents[0].child;
        }
        while (sp > 0 && visits++ < nents) {
            const struct ole_entry *e = &ents[stack[--sp]];
            if (2 == e->type) {
                word = word || wm_streq(e->name, "WordDocument");
                book = book || 0 == strcasecmp(e->name, "Workbook") ||
                       0 == strcasecmp(e->name, "Book");
                ppt = ppt || wm_streq(e->name, "PowerPoint Document");
            }
            if (e->left < nents && sp < WM_ARRAY_LEN(stack)) {
                stack[sp++] = e->left;
            }
            if (e->right < nents && sp < WM_ARRAY_LEN(stack)) {
                stack[sp++] = e->right;
            }
        }
        bool wps = (word || book || ppt) && ole_from_wps(src);
        if (word) {
            type = wps ? "application/wps-office.wps" : "application/msword";
        } else if (ppt) {
            type = wps ? "application/wps-office.dps" : "application/vnd.ms-powerpoint";
        } else if (book) {
            type = wps ? "application/wps-office.et" : "application/vnd.ms-excel";
        }
    }
    free(ents);
    return type;
}

/* end of media_container.c */
