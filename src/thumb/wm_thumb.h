/*
** wm_thumb.h — thumbnails of images (libvips) and of a PDF's first page (poppler + cairo),
** made by one background thread, never inside a request.
**
** Every thumbnail is a JPEG (8-bit sRGB, transparency flattened on white) that fits in a
** max_px x max_px box: images are shrunk, never enlarged; a PDF's first page is rendered
** with its longer side at max_px.  Thumbnails are stored as thumbs_dir/ab/cd/<sha>.jpg where <sha> is the blob's SHA-256.  The request
** side only ever asks wm_thumb_path() whether one exists; wm_thumbq_push() asks for one
** to be made and returns at once.
**
** Decompression bombs: images over WM_THUMB_MAX_PIXELS (read from the header, before any
** pixel is decoded) are refused, libvips runs with its operation cache off, sequential
** access, its "untrusted" loaders blocked, and only the loader that matches the detected
** mime type may open a file (a PDF announced as image/png is refused).  Of a PDF only page
** 0 is rendered, at most max_px on its longer side, and pages larger than PDF's own limit
** (14400 pt) are refused.
*/
#ifndef WM_THUMB_H
#define WM_THUMB_H

#include <stdbool.h>
#include <stddef.h>

#include "wm_util.h"

/** Images with more pixels than this (width x height of the first page) are refused. */
#define WM_THUMB_MAX_PIXELS ((unsigned long long)100 * 1000 * 1000)
/** The largest box a thumbnail may be asked for, in pixels per side. */
#define WM_THUMB_MAX_SIDE 4096u
/** Pending requests beyond this many are dropped by wm_thumbq_push(). */
#define WM_THUMBQ_MAX_PENDING 1000u

/**
** Whether wm_thumb_make() can make a thumbnail of @a mime ("image/jpeg", "application/pdf"
** ...; HEIC/HEIF only when libvips was built with a HEIF loader).
*/
bool wm_thumb_supported(const char *mime);
/** Give libvips' per-thread buffers back (a thread that made thumbnails, before it ends). */
void wm_thumb_thread_end(void);

/**
** Make a thumbnail of @a src_path (whose content type, detected from its bytes, is
** @a mime) as a JPEG at @a dst_path, at most @a max_px pixels wide and high.  The file
** appears atomically (temp file, fsync, rename) and only on success.  Slow: call it from
** the background queue, not from a request.
**
** @param[in] src_path  the source file (read only)
** @param[in] mime      image/jpeg, image/png, image/gif, image/webp, image/tiff,
**                      image/heic, image/heif or application/pdf
** @param[in] dst_path  where the JPEG goes; its directory must exist
** @param[in] max_px    1 .. WM_THUMB_MAX_SIDE
** @param[out] err      a one-line cause on failure (may be NULL when errlen is 0)
** @return WM_OK; WM_E_UNSUPPORTED_MEDIA for other types, or when the bytes are not what
**         @a mime says; WM_E_TOO_LARGE for decompression bombs; WM_E_NOT_FOUND when
**         @a src_path is missing; WM_E_BAD_REQUEST for a bad @a max_px or a damaged,
**         truncated or encrypted file; WM_E_INTERNAL when writing fails;
**         WM_E_UNAVAILABLE when libvips cannot start.
*/
enum wm_err wm_thumb_make(const char *src_path, const char *mime, const char *dst_path,
                          unsigned max_px, char *err, size_t errlen) WM_MUST_CHECK;

/**
** Where the thumbnail of blob @a sha is (thumbs_dir/ab/cd/<sha>.jpg) and whether it
** exists.  @a buf receives the path whenever @a sha is valid (64 lowercase hex) and the
** path fits in @a len; otherwise buf is "" (when len > 0) and the result is false.
** Thread-safe.
*/
bool wm_thumb_path(const char *thumbs_dir, const char *sha, char *buf, size_t len);

/** True when @a sha is 64 lowercase hex digits. */
bool wm_thumb_sha_valid(const char *sha);

/* ---------------------------------------------------------------- the background queue */

struct wm_thumbq;

/** Counters since wm_thumbq_start(), for the admin page and for tests. */
struct wm_thumbq_stats {
    unsigned long long pushed;  /* accepted by wm_thumbq_push() */
    unsigned long long made;    /* thumbnails written */
    unsigned long long skipped; /* already there, or a duplicate of a pending request */
    unsigned long long failed;  /* wm_thumb_make() failed (logged with its cause) */
    unsigned long long dropped; /* refused: bad sha, queue full, or stopping */
    unsigned pending;           /* waiting now (not counting the one being made) */
    bool busy;                  /* the worker is making one now */
};

/**
** Start the queue and its one worker thread.  @a thumbs_dir is created if missing.
** Returns NULL (the cause logged) when the directory cannot be made, @a max_px is out of
** range, or the thread cannot start.  Stop with wm_thumbq_stop().
*/
/*
** How the queue makes one thumbnail: wm_thumb_make itself (in this process), or
** wm_thumb_make_spawned, which runs the `wenming-thumb` helper program so that the image
** and PDF decoders never run inside the server (and never map into it: they are not
** linked into `wenming` at all).  Same contract as wm_thumb_make.
*/
typedef enum wm_err (*wm_thumb_maker)(const char *src_path, const char *mime,
                                      const char *dst_path, unsigned max_px, char *err,
                                      size_t errlen);
/** A queue making thumbnails in this process with wm_thumb_make (links libvips). */
struct wm_thumbq *wm_thumbq_start(const char *thumbs_dir, unsigned max_px);
/** A queue with another maker; thread_end (may be NULL) runs in the worker as it ends. */
struct wm_thumbq *wm_thumbq_start_with(const char *thumbs_dir, unsigned max_px,
                                       wm_thumb_maker maker, void (*thread_end)(void));
/** Whether a thumbnail can be asked for a type (images and PDF), without loading libvips. */
bool wm_thumb_mime_ok(const char *mime);
/**
** Run @a helper (the path of the `wenming-thumb` program; set once with
** wm_thumb_set_helper) as a child with CPU-time and memory limits, and wait for it.
*/
void wm_thumb_set_helper(const char *helper_path);
enum wm_err wm_thumb_make_spawned(const char *src_path, const char *mime, const char *dst_path,
                                  unsigned max_px, char *err, size_t errlen);

/**
** Make the thumbnail of blob @a sha (file @a src_path, type @a mime) in thumbs_dir with
** @a maker, unless it exists: what a job of kind "thumbnail" runs.  *made (may be NULL)
** says whether one was written.  Errors as wm_thumb_make's.
*/
enum wm_err wm_thumb_generate(const char *thumbs_dir, const char *sha, const char *src_path,
                              const char *mime, unsigned max_px, wm_thumb_maker maker,
                              bool *made, char *err, size_t errlen) WM_MUST_CHECK;

/**
** Ask for the thumbnail of blob @a sha, whose file is @a src_path with content type
** @a mime.  Never blocks on thumbnailing: the strings are copied and the call returns.
** Requests with a bad sha, an unsupported type, or beyond WM_THUMBQ_MAX_PENDING waiting
** are dropped (counted, logged at debug/warn level).  Thread-safe.
*/
void wm_thumbq_push(struct wm_thumbq *q, const char *sha, const char *src_path,
                    const char *mime);

/** A snapshot of the counters.  Thread-safe. */
void wm_thumbq_stats(struct wm_thumbq *q, struct wm_thumbq_stats *out);

/**
** Stop: the item being made is finished, the rest are dropped, the worker is joined and
** @a q freed.  NULL is a no-op.  Not to be called concurrently with push on the same q.
*/
void wm_thumbq_stop(struct wm_thumbq *q);

#endif /* WM_THUMB_H */
