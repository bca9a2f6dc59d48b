/*
** backup_int.h — what backup.c and restore.c share; not part of the API.
*/
#ifndef WM_BACKUP_INT_H
#define WM_BACKUP_INT_H

#include <stddef.h>
#include <stdint.h>

#define BK_CHUNK       ((size_t)512 * 1024)
#define BK_SQLITE_FILE "wenming.db"
#define BK_PG_FILE     "store.pgdump"

/** SHA-256 (hex) and size of a file; 0, or -1 with err filled. */
int wm_bk_file_hash(const char *path, char out[65], uint64_t *size, char *err, size_t errlen);
/** Copy a small file (wenming.conf, audit-head) atomically with mode; 0, 1 when from does not
** exist, -1 with err filled. */
int wm_bk_file_copy(const char *from, const char *to, unsigned mode, char *err, size_t errlen);
/** Remove a snapshot directory with the files a backup puts in it. */
void wm_bk_snapshot_remove(const char *dir);

#endif /* WM_BACKUP_INT_H */
