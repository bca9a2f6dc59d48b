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

/**
** What a person calls type @a mime, in the UI language: "PDF 文档", "JPEG 图片", "Word 文档",
** "shell 脚本", "HTML 网页"; "未知类型的文件" for a type we do not know.  Static storage.
*/
const char *wm_media_type_label(const char *mime);
/** The same for a sniffed file; text that is neither UTF-8 nor GBK says so. */
const char *wm_media_info_label(const struct wm_media_info *m);
/** The extension a file of type @a mime is given, with the dot (".pdf", ".jpg"); "" unknown. */
const char *wm_media_type_ext(const char *mime);
/**
** The canonical type an extension names ("pdf", ".JPEG" → "image/jpeg", "hta" → "text/html"),
** or NULL when we do not know it.
*/
const char *wm_media_ext_type(const char *ext);
/**
** Where the extension of @a name starts (the offset of its dot), or strlen(name) when it has
** none.  An extension is 1..8 ASCII letters and digits with at least one letter ("v1.2" has
** none), after a dot that is not the first character.
*/
size_t wm_media_name_ext(const char *name);
/**
** @a name with the extension of type @a mime: "evil.hta" of a PDF → "evil.pdf", "报告" →
** "报告.pdf"; an extension that already names the type ("photo.JPEG" of a JPEG) is kept, and
** a type without an extension leaves the name as it is.  *@a changed says whether it differs.
** @return a new string (free()).
*/
char *wm_media_name_fix(const char *name, const char *mime, bool *changed);
/**
** Why the archive refuses @a m, in words: "文件内容是 shell 脚本，不是 PDF 文档；请检查文件是否
** 正确" when @a filename (may be NULL) names an accepted type; for a kind of file the archive
** knows but the configured list leaves out, that it is not accepted here; else that such files
** cannot be archived.
*/
void wm_media_refusal(const struct wm_media_info *m, const char *filename, char *buf, size_t n);

/** Close the calling thread's libmagic handle now (it reopens if needed).  Optional. */
void wm_media_thread_end(void);

#endif /* WM_MEDIA_H */
