/*
** wm_blob.h — the content-addressed blob store (DATA/blobs).
**
** Layout under the store directory:
**
**     objects/ab/cd/abcd…(64 hex)   one file per distinct content, named by its SHA-256
**     tmp/up-XXXXXX                  uploads in progress (and leftovers of a crash)
**
** Writing streams: bytes go through a 512 KiB buffer into a temp file in tmp/ while the
** SHA-256 is updated; commit fsyncs the file, renames it to its object name (creating the
** fan-out directories) without replacing an existing object, and fsyncs the directory.  An
** object that already exists deduplicates the upload.  Every failure leaves nothing behind:
** no temp file, no object.  A sha given to any function here is checked to be 64 lowercase
** hex digits first, so a string from outside never becomes a path.
**
** Thread safety: a store may be shared by any number of threads once open (it is read-only
** after wm_blob_open()); a writer belongs to one thread at a time.
*/
#ifndef WM_BLOB_H
#define WM_BLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wm_util.h"

/** How many leading bytes a writer keeps in memory for content sniffing. */
#define WM_BLOB_HEAD_MAX 65536

struct wm_blobstore;
struct wm_blob_writer;

/* ---------------------------------------------------------------- the store */

/**
** Open (creating when needed, mode 0750) the store in @a dir and its objects/ and tmp/.
** @return the store (free with wm_blob_close()), or NULL with the cause in @a err.
*/
struct wm_blobstore *wm_blob_open(const char *dir, char *err, size_t errlen);
/** Close a store; NULL is a no-op.  Writers of the store must be finished first. */
void wm_blob_close(struct wm_blobstore *s);
/** The store's directory as given to wm_blob_open().  Borrowed while @a s lives. */
const char *wm_blob_dir(const struct wm_blobstore *s);
/** True when @a sha is exactly 64 lowercase hex digits. */
bool wm_blob_sha_valid(const char *sha);

/* ---------------------------------------------------------------- writing */

/**
** Start an upload: a temp file tmp/up-XXXXXX (mode 0440: objects are never rewritten).
** @param max_bytes the size limit; 0 means no limit.
** @param[out] out the writer, finished by exactly one wm_blob_commit() or wm_blob_abort().
** @return WM_OK; WM_E_UNAVAILABLE (disk full, too many open files) or WM_E_INTERNAL with
**         the cause in @a err.
*/
enum wm_err wm_blob_writer_new(struct wm_blobstore *s,
                               uint64_t max_bytes,
                               struct wm_blob_writer **out,
                               char *err,
                               size_t errlen) WM_MUST_CHECK;
/**
** Append [p, p+n).  After the first failure every later call returns the same code at
** once and writes nothing (so an HTTP handler can keep consuming a body it will refuse):
** - WM_E_TOO_LARGE: the total passed max_bytes; the temp file is already removed;
** - WM_E_UNAVAILABLE: the disk is full ("磁盘空间不足"); the temp file is already removed;
** - WM_E_INTERNAL: another I/O error; the temp file is already removed.
** wm_blob_writer_error() gives the message with its cause.
*/
enum wm_err wm_blob_write(struct wm_blob_writer *w, const void *p, size_t n);
/** The first min(total, WM_BLOB_HEAD_MAX) bytes written.  Borrowed while @a w lives. */
const void *wm_blob_head(const struct wm_blob_writer *w, size_t *n);
/** Bytes passed to wm_blob_write() so far (counting any discarded past the limit). */
uint64_t wm_blob_received(const struct wm_blob_writer *w);
/**
** Flush the buffer and give the temp file's descriptor, for reading the whole upload with
** pread() before committing (e.g. wm_media_sniff_fd()).  Borrowed: do not close it, move
** its offset or write to it.
*/
enum wm_err wm_blob_writer_fd(struct wm_blob_writer *w, int *fd) WM_MUST_CHECK;
/** The message of the writer's failure ("" when none).  Borrowed while @a w lives. */
const char *wm_blob_writer_error(const struct wm_blob_writer *w);
/**
** Finish an upload: flush, fsync, rename to objects/ab/cd/<sha> (never replacing an
** existing object: then the temp file is removed and *existed is true), fsync the directory.
** Frees @a w whatever the result.
** @param[out] sha the hex SHA-256 of the content; @param[out] size its length in bytes;
** @param[out] existed whether the object was already stored (any of the three may be NULL).
** @return WM_OK, or the writer's earlier failure, or the failure of the commit itself with
**         its cause in @a err; then no temp file and no new object remain.  (Only if the
**         final directory fsync fails is the complete, correct object left in place.)
*/
enum wm_err wm_blob_commit(struct wm_blob_writer *w,
                           char sha[65],
                           uint64_t *size,
                           bool *existed,
                           char *err,
                           size_t errlen) WM_MUST_CHECK;
/** Drop an upload: remove its temp file and free @a w.  NULL is a no-op. */
void wm_blob_abort(struct wm_blob_writer *w);
/**
** Store the file at @a path (a file the server made: a generated PDF) as an object, through a
** writer without a size limit.  @a head (may be NULL) receives the first *headlen bytes of
** the content at most, *headlen how many (for sniffing the type).
** @return as wm_blob_commit(); WM_E_INTERNAL when the file cannot be read (err says why)
*/
enum wm_err wm_blob_store_path(struct wm_blobstore *s,
                               const char *path,
                               void *head,
                               size_t *headlen,
                               char sha[65],
                               uint64_t *size,
                               char *err,
                               size_t errlen) WM_MUST_CHECK;

/**
** Fault injection for tests.  The hook is called before each operation with its name and
** size: "write" (nbytes = the request), "fsync" (the temp file), "rename", "fsync_dir".
** Returning 0 lets the operation run; a positive errno makes it fail with that errno; for
** "write", a negative -k makes it a short write of at most k bytes.  NULL removes the hook.
** Process-wide; set it while no writer is running.
*/
typedef int (*wm_blob_fault_fn)(const char *op, size_t nbytes);
void wm_blob_set_fault(wm_blob_fault_fn hook);

/* ---------------------------------------------------------------- reading */

/**
** Open an object for reading (O_RDONLY|O_CLOEXEC).
** @return the descriptor (caller closes), or -1 with errno EINVAL (malformed sha), ENOENT
**         (no such object) or the open() error.
*/
int wm_blob_open_fd(const struct wm_blobstore *s, const char *sha);
/** The object's path into buf; false when the sha is malformed or buf is too small. */
bool wm_blob_path(const struct wm_blobstore *s, const char *sha, char *buf, size_t len);
/** "objects/ab/cd/<sha>": the object's path relative to the store's directory (what an
** nginx location aliased to that directory serves); false as wm_blob_path. */
bool wm_blob_relpath(const char *sha, char *buf, size_t len);
/** Whether uploads can be written: a temp file created in tmp/ and removed, objects/
** writable.  WM_OK, or WM_E_UNAVAILABLE with the cause in @a err (GET /healthz). */
enum wm_err wm_blob_probe(const struct wm_blobstore *s, char *err, size_t errlen);
/** True when the object is stored (and is a regular file). */
bool wm_blob_exists(const struct wm_blobstore *s, const char *sha);
/** The object's size: WM_OK, WM_E_BAD_REQUEST (malformed sha) or WM_E_NOT_FOUND. */
enum wm_err
wm_blob_size(const struct wm_blobstore *s, const char *sha, uint64_t *size) WM_MUST_CHECK;

/* ---------------------------------------------------------------- fixity */

enum wm_blob_status {
    WM_BLOB_OK = 0,     /* present and its content hashes to its name */
    WM_BLOB_MISSING,    /* expected (or named) but not stored */
    WM_BLOB_CORRUPT,    /* stored, but the content hashes to something else */
    WM_BLOB_UNREADABLE, /* stored, but reading it failed (EIO, EACCES, not a file) */
    WM_BLOB_STRAY,      /* a file in objects/ that is not named like an object */
};

/** "ok", "missing", "corrupt", "unreadable", "stray". */
const char *wm_blob_status_name(enum wm_blob_status st);

struct wm_blob_counts {
    uint64_t ok, missing, corrupt, unreadable, stray;
    uint64_t bytes; /* bytes hashed */
};

/**
** Called once per object checked.  @a name is the sha, or for WM_BLOB_STRAY the path under
** objects/; @a detail says what is wrong ("" when ok).  Both borrowed for the call.
*/
typedef void (*wm_blob_verify_fn)(void *ctx,
                                  const char *name,
                                  enum wm_blob_status st,
                                  const char *detail);

/**
** Re-hash one object and compare.  A malformed sha counts as missing.
** @param[out] err what is wrong, when not ok (may be NULL).
*/
enum wm_blob_status
wm_blob_verify_one(const struct wm_blobstore *s, const char *sha, char *err, size_t errlen);
/**
** Walk objects/ (in sorted order) and verify every object, calling @a cb (may be NULL) for
** each and adding to @a counts (zeroed first; may be NULL).
** @return WM_OK when the walk completed (whatever it found), else WM_E_INTERNAL with the
**         cause in @a err.
*/
enum wm_err wm_blob_verify_all(const struct wm_blobstore *s,
                               wm_blob_verify_fn cb,
                               void *ctx,
                               struct wm_blob_counts *counts,
                               char *err,
                               size_t errlen) WM_MUST_CHECK;
/** Verify the @a n objects named in @a shas (e.g. every version in the database). */
void wm_blob_verify_list(const struct wm_blobstore *s,
                         const char *const *shas,
                         size_t n,
                         wm_blob_verify_fn cb,
                         void *ctx,
                         struct wm_blob_counts *counts);

/* ---------------------------------------------------------------- copying */

/**
** Store the content read from @a fd (to its end; not closed) in @a dst as object @a sha
** (backup and restore copy objects with it): through a writer of @a dst (temp file, fsync,
** rename, directory fsync), hashed on the way; the content must hash to @a sha.  An
** object already stored is kept (*copied false).
** @param[out] size the object's size.
** @return WM_OK; WM_E_CONFLICT when the content hashes to something else (nothing is left
**         in @a dst); WM_E_BAD_REQUEST for a malformed sha; WM_E_UNAVAILABLE or
**         WM_E_INTERNAL for an I/O failure; the cause in @a err.
*/
enum wm_err wm_blob_copy_fd(struct wm_blobstore *dst, int fd, const char *sha, uint64_t *size,
                            bool *copied, char *err, size_t errlen) WM_MUST_CHECK;

/* ---------------------------------------------------------------- maintenance */

/**
** Remove temp files left by a crash: regular files in tmp/ not modified for
** @a older_than seconds (by wm_now(); a live upload touches its file with every write).
** 0 removes every temp file: only when no upload can be running (at server start, before
** the server listens).
** @return the number removed, or -1 with the cause in @a err.
*/
long wm_blob_gc_tmp(const struct wm_blobstore *s, int64_t older_than, char *err, size_t errlen);

/**
** Remove an object (a blob written for something that was then refused, once nothing
** refers to it).  WM_OK also when it was not there; WM_E_BAD_REQUEST for a malformed sha.
*/
enum wm_err wm_blob_remove(const struct wm_blobstore *s, const char *sha) WM_MUST_CHECK;

/**
** Called once per file found under a fan-out tree (ab/cd/<name>): @a name is the sha of an
** object (or of a thumbnail, without its ".jpg"), or for a file that is not named like one
** its path under the tree's root with @a stray set; @a mtime its modification time.
*/
typedef void (*wm_blob_list_fn)(void *ctx, const char *name, bool stray, int64_t mtime);

/**
** Walk a fan-out tree in sorted order without reading any file: @a root is objects/ of the
** store (wm_blob_objects_dir()) or a thumbnail directory, @a suffix "" for objects or
** ".jpg" for thumbnails.  A missing @a root is an empty tree.
** @return WM_OK, or WM_E_INTERNAL with the cause in @a err.
*/
enum wm_err wm_blob_list_tree(const char *root, const char *suffix, wm_blob_list_fn cb, void *ctx,
                              char *err, size_t errlen) WM_MUST_CHECK;
/**
** Every file of the store that is outside objects/ and tmp/ ("zz/x" for DIR/zz/x), to @a cb
** as a stray (its path under the store's directory, wm_blob_dir()), in sorted order.
** @return WM_OK, or WM_E_INTERNAL with the cause in @a err.
*/
enum wm_err wm_blob_list_outside(const struct wm_blobstore *s, wm_blob_list_fn cb, void *ctx,
                                 char *err, size_t errlen) WM_MUST_CHECK;
/** The store's objects/ directory.  Borrowed while @a s lives. */
const char *wm_blob_objects_dir(const struct wm_blobstore *s);

/**
** Move a file of a fan-out tree aside (never delete): @a root/@a rel (rel as given to a
** wm_blob_list_fn, plus the suffix for a thumbnail: "ab/cd/<sha>.jpg", or a stray's path)
** is renamed to @a qdir/@a rel, creating the directories (0750).  rel must not contain
** "..".  @a back swaps the direction (put a file back where it was).
** @return WM_OK, or WM_E_INTERNAL with the cause in @a err.
*/
enum wm_err wm_blob_move_aside(const char *root, const char *rel, const char *qdir, bool back,
                               char *err, size_t errlen) WM_MUST_CHECK;

#endif /* WM_BLOB_H */
