/*
** blob_int.h — what the blob store's files share; not part of the API.
*/
#ifndef WM_BLOB_INT_H
#define WM_BLOB_INT_H

#include "wm_blob.h"

struct wm_blobstore {
    char *dir;     /* as given */
    char *objects; /* dir/objects */
    char *tmp;     /* dir/tmp */
};

/* objects/ab/cd/<sha> of a valid sha, into buf (false when it does not fit). */
bool wm_blob_objpath(const struct wm_blobstore *s, const char *sha, char *buf, size_t len);

#endif /* WM_BLOB_INT_H */
