/*
** wm_framework.h — evaluation frameworks (测评体系): an in-memory model of an indicator
** tree, its import from `wenming-framework/1` JSON and from CSV/XLSX rows, validation,
** and export back to JSON, CSV and XLSX.  No database and no HTTP here.
**
** Scores are exact: int64_t hundredths of a point (0.5 is 50, 7 is 700), never binary
** floats.  Grade fractions are hundredths of one (B=0.8 is 80).
**
** An import either yields a complete, valid framework or no framework at all, with every
** error (up to WM_FW_MAX_ERRORS) collected in a struct wm_fw_report, each naming the
** line (JSON line, CSV line or XLSX row), the indicator code when known, and the field.
**
** A parsed framework is immutable: the functions below never change it.  It may be read
** from several threads at once.
*/
#ifndef WM_FRAMEWORK_H
#define WM_FRAMEWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "wm_table.h"
#include "wm_util.h"

#define WM_FW_FORMAT       "wenming-framework/1"
#define WM_FW_MAX_DEPTH    8
#define WM_FW_MAX_LEAVES   5000
#define WM_FW_MAX_NODES    50000 /* folders and leaves together */
#define WM_FW_MAX_ERRORS   100   /* errors recorded; further ones are only counted */
#define WM_FW_MAX_WARNINGS 100
#define WM_FW_MAX_CODE     64        /* bytes in an indicator code */
#define WM_FW_MAX_SCORE    100000000 /* hundredths: 1,000,000 points */
#define WM_FW_MAX_MIN_DOCS 10000
#define WM_FW_MAX_INPUT    ((size_t)32 << 20) /* bytes of a JSON document */

/**
** Flags for json_dumps() of wm_fw_to_json() output, so that 0.1 prints as 0.1 and not as
** 0.10000000000000001.  wm_fw_export_json() uses them.
*/
#define WM_FW_JSON_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(15))

/* ---------------------------------------------------------------- model */

enum wm_fw_rule {
    WM_FW_RULE_NONE = 0, /* no "scoring" given */
    WM_FW_RULE_POINTS,   /* deductions from the maximum (扣分) */
    WM_FW_RULE_GRADE,    /* graded A/B/C/D, each a fraction of the maximum (分档) */
    WM_FW_RULE_BONUS,    /* bonus item (加分项), up to cap */
    WM_FW_RULE_NEGATIVE, /* negative list (减分), up to cap */
};

enum wm_fw_media {
    WM_FW_MEDIA_TEXT = 1,    /* 文字 */
    WM_FW_MEDIA_PHOTO,       /* 图片 */
    WM_FW_MEDIA_AUDIOVISUAL, /* 音像 */
};

enum wm_fw_freq {
    WM_FW_FREQ_NONE = 0,
    WM_FW_FREQ_ONCE,
    WM_FW_FREQ_MONTHLY,
    WM_FW_FREQ_QUARTERLY,
    WM_FW_FREQ_HALF_YEARLY,
    WM_FW_FREQ_YEARLY,
};

struct wm_fw_scoring {
    enum wm_fw_rule rule;
    bool has_grades;
    unsigned ngrades;
    char grade_letter[4]; /* 'A'..'D', in the order written */
    int64_t grade[4];     /* hundredths of one: 0.8 is 80; range 0..100 */
    bool has_cap;
    int64_t cap; /* hundredths of a point */
    /* private: key order of the JSON object */
    unsigned char korder[3];
    unsigned nkorder;
};

struct wm_fw_method {
    char *label;      /* as written in the standard */
    const char *code; /* "site", "report", "docs", "survey", "interview", "online"; NULL
                      ** for a label we do not know (kept verbatim). Static storage. */
};

struct wm_ind {
    char *code;        /* "1.1.2"; never NULL in a parsed framework */
    char *title;       /* never NULL or empty */
    char *requirement; /* NULL when absent */
    char *materials;   /* NULL when absent */
    bool has_score;
    int64_t score; /* hundredths */
    struct wm_fw_scoring scoring;
    bool has_methods;
    size_t nmethods;
    struct wm_fw_method *methods;
    bool has_veto;
    bool veto; /* 一票否决 */
    bool has_dept;
    size_t ndept;
    char **dept; /* responsible departments */
    bool has_media;
    size_t nmedia;
    enum wm_fw_media *media;
    char **media_label;        /* as written ("text" or "文字") */
    enum wm_fw_freq frequency; /* WM_FW_FREQ_NONE when absent */
    char *frequency_label;     /* as written; NULL when absent */
    bool has_min_documents;
    int64_t min_documents;
    bool has_children; /* the JSON had a "children" key (possibly empty) */
    size_t nchildren;
    struct wm_ind **children;
    /* derived */
    struct wm_ind *parent; /* NULL at the top level */
    unsigned depth;        /* 1 at the top level */
    bool leaf;             /* no children */
    unsigned line;         /* source line / row; 0 when built otherwise */
    int64_t total;         /* leaf: score (0 when absent); folder: sum of the maximum of the
                           ** children that count (not bonus/negative) */
    /* private */
    unsigned char korder[16];
    unsigned nkorder;
    unsigned char realmask; /* which numbers were written as JSON reals */
};

struct wm_fw {
    char *name;    /* NULL when absent */
    char *version; /* NULL when absent */
    char *source;  /* NULL when absent */
    size_t ntop;
    struct wm_ind **top;
    size_t nall;
    struct wm_ind **all; /* every node in document (pre-)order; borrowed pointers */
    size_t nleaves;
    int64_t total; /* sum of the maximum of the top-level items that count */
    /* private */
    struct wm_ind **by_code; /* sorted by code */
    size_t nby_code;
    unsigned char korder[8];
    unsigned nkorder;
};

/* ---------------------------------------------------------------- reports */

enum wm_fw_severity {
    WM_FW_ERROR = 0,
    WM_FW_WARNING = 1,
};

struct wm_fw_issue {
    enum wm_fw_severity severity;
    unsigned line;   /* 1-based; 0 when not tied to a line */
    unsigned column; /* JSON syntax errors only; else 0 */
    char *code;      /* indicator code, or NULL */
    char *field;     /* "score", "scoring.grades.B", "depts", … or NULL */
    char *message;   /* Chinese, self-contained */
};

/** Zero-initialise (`struct wm_fw_report r = {0};`), release with wm_fw_report_free(). */
struct wm_fw_report {
    size_t nissues;
    struct wm_fw_issue *issues;
    size_t nerrors;   /* all errors found, including those not recorded */
    size_t nwarnings; /* all warnings found */
    bool truncated;   /* some issues were not recorded */
};

void wm_fw_report_free(struct wm_fw_report *r);
/** Drop all issues, keep the report usable. */
void wm_fw_report_reset(struct wm_fw_report *r);
/**
** The report as JSON: {"errors": n, "warnings": n, "truncated": b, "issues": [{"severity":
** "error"|"warning", "line": n, "column": n, "code": s, "field": s, "message": s}]}.
** New reference.
*/
json_t *wm_fw_report_to_json(const struct wm_fw_report *r);
/** One issue per line, "第 12 行 [1.1.2] score: …"; caller frees. */
char *wm_fw_report_text(const struct wm_fw_report *r);

/* ---------------------------------------------------------------- import */

/**
** Parse a `wenming-framework/1` JSON document.
** @param[in] data, len  the bytes (borrowed for the call)
** @param[out] out       on WM_OK the framework, caller frees with wm_fw_free(); else NULL
** @param[out] rep       issues are appended (warnings even on success); may be NULL
** @return WM_OK; WM_E_BAD_REQUEST when the document has errors; WM_E_TOO_LARGE when len
**         exceeds WM_FW_MAX_INPUT
*/
enum wm_err wm_fw_parse_json(const void *data,
                             size_t len,
                             struct wm_fw **out,
                             struct wm_fw_report *rep) WM_MUST_CHECK;

/**
** Build a framework from table rows (see wm_table.h).  The header is the first of the first
** five rows with two known column names (a title line above it is skipped).  Columns:
** code, title, requirement, materials, score, scoring, methods, veto, depts, media,
** frequency, min_documents, or their Chinese aliases; the parent is implied by the code.
**
** Published standards often have level columns instead (一级指标 … 五级指标, 测评项目; a
** title column is then the deepest level): a level cell opens a node under the open higher
** one, a blank cell (merged in Excel) or a repeated one continues it, and each row with
** content attaches to the deepest open node.  A node whose only content is its own row is a
** leaf; otherwise its rows are leaves titled from their requirement (first sentence, at
** most 40 characters), and an opening row without requirement describes the node itself.
** Numbering prefixes (一、 （一） 1. (1) ① A1 …) are dropped from titles and are the codes
** when they nest as dotted codes, else codes are positional (1, 1.1, 1.1.1); a trailing
** "（10分）" is the node's score unless the score column gives one.  A code column beside
** level columns is used only when its codes fit them (else it is mere numbering).  Issues
** name the source row.
** @param[in] name, version, source  copied; each may be NULL
** Same results as wm_fw_parse_json().
*/
enum wm_err wm_fw_parse_table(const struct wm_table *t,
                              const char *name,
                              const char *version,
                              const char *source,
                              struct wm_fw **out,
                              struct wm_fw_report *rep) WM_MUST_CHECK;

/**
** Read CSV or XLSX bytes through wm_table_read() and wm_fw_parse_table().  A CSV that was
** converted from GB18030/GBK or UTF-16 gives a warning saying so.
*/
enum wm_err wm_fw_parse_rows(const void *data,
                             size_t len,
                             enum wm_table_fmt fmt,
                             const char *name,
                             const char *version,
                             const char *source,
                             struct wm_fw **out,
                             struct wm_fw_report *rep) WM_MUST_CHECK;

/**
** Any of the three: JSON when the first non-blank byte (after a BOM) is '{', XLSX when the
** data is a ZIP, else CSV.  name/version/source are used for CSV/XLSX only.
*/
enum wm_err wm_fw_parse_any(const void *data,
                            size_t len,
                            const char *name,
                            const char *version,
                            const char *source,
                            struct wm_fw **out,
                            struct wm_fw_report *rep) WM_MUST_CHECK;

/** Free a framework; NULL is a no-op. */
void wm_fw_free(struct wm_fw *fw);

/* ---------------------------------------------------------------- export */

/** The interchange document (key order as imported). New reference; never NULL. */
json_t *wm_fw_to_json(const struct wm_fw *fw);

/** The interchange document as text (WM_FW_JSON_FLAGS, trailing newline); caller frees. */
char *wm_fw_export_json(const struct wm_fw *fw, size_t *len);

/**
** CSV with a UTF-8 BOM and CRLF line ends, one row per indicator in document order, the
** columns of the importer (English header).  Caller frees.
*/
char *wm_fw_export_csv(const struct wm_fw *fw, size_t *len);

/**
** Write an XLSX workbook (one sheet, the CSV's columns) to @a path (created/overwritten).
** @param[out] err  a one-line cause on failure
** @return WM_OK or WM_E_INTERNAL
*/
enum wm_err
wm_fw_export_xlsx(const struct wm_fw *fw, const char *path, char *err, size_t errlen) WM_MUST_CHECK;

/* ---------------------------------------------------------------- queries */

/** The indicator with that code, or NULL. Borrowed; valid while @a fw lives. */
const struct wm_ind *wm_fw_find(const struct wm_fw *fw, const char *code);

/**
** The maximum an item contributes to its parent: its score when it has one, else its
** total (sum of its counted children).
*/
int64_t wm_ind_max(const struct wm_ind *ind);

/** True when the item counts toward its parent's maximum (not bonus or negative). */
bool wm_ind_counts(const struct wm_ind *ind);

/**
** Semantic equality: same tree, codes, texts, scores, rules, methods (labels), veto,
** departments, media and frequency (by kind, not by spelling), min_documents.  Key order,
** an absent list versus an empty one and an absent text versus "" are not differences.
*/
bool wm_fw_equal(const struct wm_fw *a, const struct wm_fw *b);

/**
** Differences between two editions by leaf code:
** {"added": [{"code","title"}], "removed": [{"code","title"}],
**  "changed": [{"code","title","fields":["score",…],"before":{…},"after":{…}}],
**  "counts": {"added": n, "removed": n, "changed": n}}.  New reference.
*/
json_t *wm_fw_diff(const struct wm_fw *from, const struct wm_fw *to);

/* ---------------------------------------------------------------- vocabularies */

/**
** Parse a score written as text: "7", "0.5", "0.25", "1.50" (at most two significant
** decimals; a float artefact like "0.30000000000000004" is accepted as 0.3).
** @return false for anything else, negatives included
*/
bool wm_fw_score_parse(const char *s, int64_t *out) WM_MUST_CHECK;

/** Format hundredths: 700 → "7", 50 → "0.5", 25 → "0.25". Returns @a out. */
const char *wm_fw_score_format(int64_t v, char out[32]);

/** The method code of a label ("实地考察", "實地查看", "site" → "site"), or NULL. */
const char *wm_fw_method_code(const char *label);

/** "points", "grade", "bonus", "negative", or NULL for WM_FW_RULE_NONE. */
const char *wm_fw_rule_name(enum wm_fw_rule r);
/** "text", "photo", "audiovisual". */
const char *wm_fw_media_name(enum wm_fw_media m);
/** "once", "monthly", "quarterly", "half-yearly", "yearly", or NULL for none. */
const char *wm_fw_freq_name(enum wm_fw_freq f);
/** The media kind of a label (English or Chinese), or 0. */
enum wm_fw_media wm_fw_media_parse(const char *label);
/** The frequency of a label (English or Chinese), or WM_FW_FREQ_NONE. */
enum wm_fw_freq wm_fw_freq_parse(const char *label);

/** Grade fraction (hundredths of one) for a letter, or -1 when not given. */
int64_t wm_fw_grade(const struct wm_fw_scoring *s, char letter);

#endif /* WM_FRAMEWORK_H */
