/*
** wm_media.h — what a file is, from its bytes (libmagic), never from its name; and whether
** the archive accepts it.
**
** libmagic answers first; where it is vague the bytes are read further:
** - a ZIP is a DOCX/XLSX/PPTX (word/, xl/, ppt/ parts), an OFD (OFD.xml at the root) or an
**   ODF document (its "mimetype" entry), else a plain ZIP;
** - an OLE2 compound file is a DOC/XLS/PPT by the streams in its directory (WordDocument,
**   Workbook/Book, PowerPoint Document), or WPS/ET/DPS when it was written by Kingsoft WPS;
** - text/plain counts as TXT only when it is UTF-8 or GBK/GB18030 without control bytes.
**
** Thread safety: every function may be called from any thread; each thread lazily opens its
** own libmagic handle (magic_t is not thread-safe), closed when the thread exits or by
** wm_media_thread_end().
*/
#ifndef WM_MEDIA_H
#define WM_MEDIA_H

#include <stdbool.h>
#include <stddef.h>

#include "wm_util.h"

/** How many leading bytes wm_media_sniff() looks at (more are ignored). */
#define WM_MEDIA_HEAD_MAX 65536

struct wm_media_info {
    char mime[96];  /* canonical type: "application/pdf", "audio/wav" ... */
    char desc[192]; /* human description, libmagic's or ours ("PDF document, version 1.4") */
    char ext[12];   /* extension for export names, without the dot: "pdf", "docx"; "" unknown */
    char kind[16];  /* "text" (documents), "photo", "audiovisual"; "" for anything else */
};

/**
** Identify content from its first bytes (at most WM_MEDIA_HEAD_MAX are used).
** @param head the bytes (NULL allowed when @a n is 0); @param[out] out always filled.
** @return WM_OK, or WM_E_INTERNAL when libmagic cannot be loaded (then @a out says
**         "application/octet-stream").
** A ZIP or OLE file whose directory lies past the head may stay vague
** ("application/zip", "application/x-ole-storage"): use wm_media_sniff_fd() for uploads.
*/
enum wm_err wm_media_sniff(const void *head, size_t n, struct wm_media_info *out);
/**
** The same for a whole file: reads its head and, for ZIP and OLE2, its central directory or
** directory sectors, with pread() (the offset of @a fd is not moved).
** @return WM_OK; WM_E_INTERNAL when reading fails or libmagic cannot be loaded.
*/
enum wm_err wm_media_sniff_fd(int fd, struct wm_media_info *out);

/**
** Whether the archive accepts @a m.  @a allowed_csv lists mime types ("application/pdf"),
** extensions ("pdf" or ".pdf") and/or kinds ("photo"), separated by commas or white space,
** case-insensitive; NULL or blank means the default set (WM_MEDIA_DEFAULT_ALLOWED).
** text/plain is only ever allowed as TXT (UTF-8 or GBK).
*/
bool wm_media_allowed(const struct wm_media_info *m, const char *allowed_csv);

/** The default allow-list, as a CSV of extensions. */
#define WM_MEDIA_DEFAULT_ALLOWED                                 \
    "pdf,ofd,doc,docx,xls,xlsx,ppt,pptx,wps,et,dps,odt,ods,txt," \
    "jpg,png,gif,webp,heic,heif,tif,"                            \
    "mp3,wav,aac,m4a,mp4,mov,avi,mkv,wmv"

/** Close the calling thread's libmagic handle now (it reopens if needed).  Optional. */
void wm_media_thread_end(void);

#endif /* WM_MEDIA_H */
