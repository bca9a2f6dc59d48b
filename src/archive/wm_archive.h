/*
** wm_archive.h — the standard package (标准档案包) of a creation archive: naming rules,
** a streaming ZIP writer for export and a hostile-input-proof reader for import.
**
** A pure library: no database, no HTTP.  The HTTP layer streams the writer's bytes into a
** response, the CLI into a file; the import service feeds the reader's entries into the
** archive.  Everything that leaves or enters through here is valid UTF-8.
**
** Layout of a package (a BagIt 1.0 bag, RFC 8493, zipped):
**
**     bagit.txt               "BagIt-Version: 1.0" / "Tag-File-Character-Encoding: UTF-8"
**     data/                   the payload:
**       {单位名称}_{年度}_创建档案/      one top folder per year (several for a range)
**         {code} {一级指标}/               folders named by indicator, nested by level
**           {code} {二级指标}/ ...
**             01：文档主题.pdf              documents "NN：主题.ext" (full-width colon;
**                                          ":" with wm_pkg_opts.ascii_colon)
**     bag-info.txt            Bagging-Date, Payload-Oxum, Source-Organization, ...
**     manifest-sha256.txt     "<sha256>  data/<path>" for every payload file
**     manifest.csv            UTF-8 with BOM, CRLF, one row per document with its metadata
**                             (a text cell starting = + - @ gets a leading ' against
**                             spreadsheet formula injection)
**     目录.xlsx               the rows of manifest.csv as a workbook (header bold), for
**                             Excel and WPS (text cells neutralised the same way)
**     manifest.json           the same, plus the folder tree
**     index.html              one self-contained page to browse the package offline (its
**                             times in the server's local zone)
**     tagmanifest-sha256.txt  SHA-256 of the tag files above
**
** The paths given to wm_pkg_add_*() are payload paths relative to data/ ("某单位_2020_创建
** 档案/1 组织管理/01：文件.pdf"); the writer adds the "data/" prefix.  Every component of
** such a path must already be safe, i.e. unchanged by wm_pkg_component() (build them with
** the wm_pkg_*_name() functions); anything else is refused.  Tag files are at the top of
** the ZIP: bagit.txt is the first entry (written by wm_pkg_writer_new()), the others are
** the last ones (written by wm_pkg_finish(), when every digest is known).  Documents are
** STORED (they are mostly compressed already), the tag files deflated.  Non-ASCII names
** carry the UTF-8 flag (general purpose bit 11; libarchive leaves pure ASCII names
** unflagged, they read the same either way).  Since the output is a stream, CRC-32 and
** sizes follow each entry in a data descriptor (bit 3) as well as in the central directory.
** Entry times: the DOS date and time fields hold local time (the process's zone: TZ, which
** `wenming` sets to China Standard Time when it is unset), as ZIP tools show them; the
** extended-timestamp extra field (0x5455) holds the UTC time for tools that read it.
**
** Import (wm_pkg_read_each) reads such a package, a ZIP of any folder tree (names in UTF-8
** or, when not valid UTF-8, in GBK/GB18030 as Windows writes them), or a directory.  When
** the tree holds a bag (bagit.txt at the top, or in a single top folder), its tag files are
** skipped and "data/" is taken off the payload paths, so an export reads back with the
** paths that were given to the writer.
**
** Thread safety: the functions share no state; one writer or reader per thread.  Locale:
** libarchive's name conversions run under a per-thread UTF-8 locale (uselocale), whatever
** the process locale is.
*/
#ifndef WM_ARCHIVE_H
#define WM_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* ---------------------------------------------------------------- names */

/** The default (and usual) byte limit of one path component. */
#define WM_PKG_COMPONENT_MAX 200u

/**
** A safe path component (file or folder name) made from arbitrary text.
** - invalid UTF-8 bytes become U+FFFD; control characters (C0, DEL, C1), NUL, bidi
**   controls (U+202A..U+202E, U+2066..U+2069), U+2028/U+2029 and '\' become '_';
** - '/' becomes '／' and the characters Windows forbids become full-width forms
**   (: → ：, < → ＜, > → ＞, " → ＂, | → ｜, ? → ？, * → ＊);
** - leading white space is dropped, trailing dots and white space are dropped, leading dots
**   become '_' (so "." and ".." cannot come out, nor hidden files);
** - Windows device names (CON, PRN, AUX, NUL, COM1-9, LPT1-9, any case, with or without
**   an extension) get a '_' in front;
** - at most @a maxbytes bytes (0: WM_PKG_COMPONENT_MAX; values below 16 count as 16), cut
**   at a character boundary; an extension (".pdf": 1-16 ASCII letters and digits) is kept
**   when cutting;
** - "" (or NULL) becomes "_".
** Traditional and simplified characters, emoji and any other text are kept verbatim.  The
** function is idempotent.
** @return a new string; caller frees.
*/
char *wm_pkg_component(const char *name, size_t maxbytes);

/**
** A document's file name after the seed's rule "两位数序号:文档主题": "01：主题.pdf".
** @param serial      1.. (two digits, three past 99); 0 for none ("主题.pdf")
** @param title       the topic; NULL or empty gives "未命名"
** @param ext         the extension without or with its dot ("pdf", ".pdf"); NULL for none
** @param ascii_colon ":" instead of the full-width "：" (POSIX users; Windows forbids ':')
** @return a new string of at most WM_PKG_COMPONENT_MAX bytes; caller frees.
*/
char *wm_pkg_doc_name(unsigned serial, const char *title, const char *ext, bool ascii_colon);

/** A folder name "{code} {title}" ("1.2 创建规划"); either may be NULL. Caller frees. */
char *wm_pkg_folder_name(const char *code, const char *title);

/** The top folder of a year "{unit}_{year}_创建档案". Caller frees. */
char *wm_pkg_top_name(const char *unit, int year);

/**
** Split a folder name of an imported tree into indicator code and title.  Accepts
** "1.2 创建规划", "1.2创建规划", "1.2、创建规划", "1.2_创建规划", "1.2．创建规划",
** "(1.2) 创建规划", "（1.2）创建规划", "【1.2】创建规划", a bare code "1.2" (title NULL) and a
** bare title (code NULL).  A Chinese ordinal ("一、", "（三）") in front of a title is
** dropped.  A number without a dot directly followed by 年/月/日/号/届/期/季/次/周 is part
** of the title ("2020年工作总结").
** @param[out] code   NULL or the code ("1.2"); caller frees
** @param[out] title  NULL or the title; caller frees
** @return false (both NULL) for an empty name
*/
bool wm_pkg_parse_folder(const char *name, char **code, char **title);

/**
** Split a document's file name: "01：主题.pdf", "01:主题.pdf", "01_主题.pdf", "01 主题.pdf",
** "01、主题.pdf", "01.主题.pdf", and names without a serial ("主题.pdf").  A serial has 1-3
** digits and a separator; "2020_总结.pdf" has none.
** @param[out] serial the serial, 0 when none
** @param[out] title  the topic (NULL when the name is only a serial); caller frees
** @param[out] ext    the extension without its dot, or NULL; caller frees
** @return false (outputs 0/NULL) for an empty name
*/
bool wm_pkg_parse_doc_name(const char *name, unsigned *serial, char **title, char **ext);

/** Split a top folder "{unit}_{year}_创建档案"; false when the name is not one. */
bool wm_pkg_parse_top(const char *name, char **unit, int *year);

/* ---------------------------------------------------------------- export */

/** A document's metadata (all strings borrowed for the call; NULL or 0 when unknown). */
struct wm_pkg_meta {
    const char *unit;            /* 单位名称 */
    int year;                    /* 年度 */
    const char *indicator_code;  /* 指标代码 "1.1.2" */
    const char *indicator_title; /* 指标名称 */
    unsigned serial;             /* 序号 */
    const char *title;           /* 题名 (文档主题) */
    const char *date_formed;     /* 形成日期 "2020-03-15" */
    const char *media;           /* 载体: 文字/图片/音像 */
    const char *department;      /* 责任部门 */
    const char *author;          /* 责任者 */
    const char *keywords;        /* 主题词 */
    const char *retention;       /* 保管期限: 永久/30年/10年 */
    const char *archival_code;   /* 档号 */
    const char *sha256;          /* known digest (64 hex) or NULL to compute it */
    const char *content_type;    /* "application/pdf" */
};

struct wm_pkg_opts {
    bool ascii_colon;         /* file names use ':' (must match how names were made) */
    const char *organization; /* bag-info Source-Organization and the page's heading */
    const char *description;  /* bag-info External-Description */
    uint64_t total_hint;      /* bytes the payload will have (for progress); 0 unknown */
    /* called every 1 MiB written and at the end: bytes of ZIP written so far, and
    ** total_hint (0 when unknown) */
    void (*progress)(void *cls, uint64_t done, uint64_t total);
    void *progress_cls;
};

struct wm_pkg_writer;

/**
** Start a package.  The ZIP's bytes go to @a write_cb as they are produced, in blocks of
** 64 KiB (the first as soon as the first document fills it; the last one shorter); it
** returns 0, or non-zero to fail the export (then nothing more is written).
** @param opts  may be NULL; borrowed for the call (strings are copied)
** @return a writer (never NULL); free with wm_pkg_writer_free()
*/
struct wm_pkg_writer *wm_pkg_writer_new(int (*write_cb)(void *cls, const void *p, size_t n),
                                        void *cls,
                                        const struct wm_pkg_opts *opts);

/**
** Add a (possibly empty) folder, and any missing parents.  Adding one twice is harmless.
** @return 0, or -1 (wm_pkg_writer_error() says why; a bad path leaves the writer usable,
**         a write failure does not)
*/
int wm_pkg_add_dir(struct wm_pkg_writer *w, const char *path);

/**
** Add a document, reading @a size bytes from @a fd (from its current offset) in chunks.
** Its SHA-256 is computed while streaming unless meta->sha256 is given.  Missing parent
** folders are added.  The file must not end before @a size bytes.
** @param meta  NULL for a file without metadata; borrowed for the call
** @return 0 or -1 (see wm_pkg_add_dir)
*/
int wm_pkg_add_file_fd(struct wm_pkg_writer *w,
                       const char *path,
                       int fd,
                       uint64_t size,
                       time_t mtime,
                       const struct wm_pkg_meta *meta);

/** Add a document from memory (no metadata, mtime now). */
int wm_pkg_add_bytes(struct wm_pkg_writer *w, const char *path, const void *p, size_t n);

/** Same, with metadata. */
int wm_pkg_add_bytes_meta(struct wm_pkg_writer *w,
                          const char *path,
                          const void *p,
                          size_t n,
                          const struct wm_pkg_meta *meta);

/**
** Write the tag files and the ZIP's central directory.
** @return 0, or -1 with a one-line cause in @a err
*/
int wm_pkg_finish(struct wm_pkg_writer *w, char *err, size_t errlen);

/** The cause of the last failure ("" when none). Borrowed; valid until the next call. */
const char *wm_pkg_writer_error(const struct wm_pkg_writer *w);

/** Bytes of ZIP written so far. */
uint64_t wm_pkg_writer_bytes(const struct wm_pkg_writer *w);

/** Free a writer; an unfinished package is abandoned (nothing more is written). NULL ok. */
void wm_pkg_writer_free(struct wm_pkg_writer *w);

/* ---------------------------------------------------------------- import */

/*
** Limits of the reader.  Zero fields take the defaults (wm_pkg_limits_default).  Sizes are
** counted on the bytes actually produced, never taken from headers alone.
*/
struct wm_pkg_limits {
    uint64_t max_total;       /* uncompressed bytes of all entries (8 GiB) */
    uint64_t max_entry;       /* one entry (2 GiB) */
    uint64_t max_entries;     /* entries, folders included (100000) */
    unsigned max_ratio;       /* uncompressed/compressed of one entry (200) */
    unsigned max_ratio_total; /* of the whole ZIP against its file size (50) */
    uint64_t ratio_floor;     /* ratios are checked once this many bytes are out (1 MiB) */
    unsigned max_depth;       /* path components (32) */
};

void wm_pkg_limits_default(struct wm_pkg_limits *lim);

/** Why an entry was refused. */
enum wm_pkg_refusal {
    WM_PKG_OK = 0,
    WM_PKG_R_TRAVERSAL, /* a ".." component */
    WM_PKG_R_ABSOLUTE,  /* "/x", "\\x", "C:x", "\\\\server\\x" */
    WM_PKG_R_LINK,      /* symbolic or hard link */
    WM_PKG_R_SPECIAL,   /* device, FIFO, socket */
    WM_PKG_R_ENCRYPTED,
    WM_PKG_R_TOO_LARGE, /* declared size above max_entry */
    WM_PKG_R_TOO_DEEP,
    WM_PKG_R_DUPLICATE, /* the same path again */
    WM_PKG_R_UNREADABLE /* directory mode: cannot be opened */
};

/** An entry of a package.  Everything is borrowed for the duration of the callback. */
struct wm_pkg_entry {
    const char *name;  /* the name as stored (converted to UTF-8), for reports */
    const char *path;  /* normalised relative path, components joined by '/' (payload
                       ** path for a bag); NULL when refused for its path */
    size_t ncomp;      /* components of path */
    char *const *comp; /* each valid UTF-8, not empty, not "." or ".." */
    uint64_t size;     /* declared size (ZIP header / lstat) */
    time_t mtime;
    const char *encoding; /* NULL; "GB18030" when the name was converted from it; "UTF-8?"
                          ** when it was neither (bad bytes became U+FFFD) */
    enum wm_pkg_refusal refusal;
    const char *reason; /* NULL, or why it was refused (Chinese) */
};

struct wm_pkg_stream;

/**
** Read the content of the current entry.
** @return bytes read (> 0), 0 at its end, -1 on failure (wm_pkg_stream_error() says why;
**         the walk then ends with -1 whatever the callback returns)
*/
ssize_t wm_pkg_stream_read(struct wm_pkg_stream *s, void *buf, size_t n);

/** The cause of a stream failure ("" when none). Borrowed. */
const char *wm_pkg_stream_error(const struct wm_pkg_stream *s);

/**
** Walk a package: @a path is a ZIP file or a directory.  @a cb is called once per file in
** the tree's order: for an accepted file with a stream to read it (reading is optional),
** for a refused one (link, "..", absolute path, encrypted, ...) with e->refusal set and
** s NULL.  Folders, the bag's tag files, "__MACOSX/", ".DS_Store", "Thumbs.db" and
** "desktop.ini" are not reported.  In directory mode symbolic links are never followed.
**
** The whole package is refused (-1) for a zip bomb (limits exceeded, counting the bytes
** actually produced; an entry that yields more than its header declares), a corrupt ZIP
** or a read error.  Bytes already passed to @a cb stay the caller's to discard.
**
** @param lim  NULL for the defaults
** @param cb   returns 0 to go on; any other value stops the walk and is returned
** @return 0 when the walk completed; -1 with a one-line cause in @a err; or cb's value
*/
int wm_pkg_read_each(const char *path,
                     const struct wm_pkg_limits *lim,
                     int (*cb)(void *cls, const struct wm_pkg_entry *e, struct wm_pkg_stream *s),
                     void *cls,
                     char *err,
                     size_t errlen);

#endif /* WM_ARCHIVE_H */
