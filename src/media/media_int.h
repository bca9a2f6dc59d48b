/*
** media_int.h — what the media files share; not part of the API.
*/
#ifndef WM_MEDIA_INT_H
#define WM_MEDIA_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The bytes being sniffed: a head in memory, and the whole file when fd >= 0. */
struct wm_media_src {
    const unsigned char *head;
    size_t n;
    int fd;        /* -1: only the head */
    uint64_t size; /* the file's size (n, or more when the head is a cut) */
};

/*
** Read [off, off+len) into buf from the head, or the file: true when all of it was there.
*/
bool wm_media_read_at(const struct wm_media_src *src, uint64_t off, void *buf, size_t len);

/* The mime type of a ZIP by its entries (docx/xlsx/pptx/ofd/odf), or NULL. */
const char *wm_media_zip_type(const struct wm_media_src *src);
/*
** The mime type of an OLE2 compound file by its directory (doc/xls/ppt/wps/et/dps), or
** NULL; *dir_read says whether any directory entry could be read.
*/
const char *wm_media_ole_type(const struct wm_media_src *src, bool *dir_read);

/* Cut s at its first invalid UTF-8 byte (libmagic descriptions quote file bytes). */
void wm_media_utf8_cut(char *s);

#endif /* WM_MEDIA_INT_H */
