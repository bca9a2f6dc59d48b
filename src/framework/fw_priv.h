/*
** fw_priv.h — shared internals of src/framework (not for other modules).
*/
#ifndef WM_FW_PRIV_H
#define WM_FW_PRIV_H

#include "wm_framework.h"

/* Indicator keys, in canonical (export) order. */
enum fw_key {
    FW_K_CODE = 0,
    FW_K_TITLE,
    FW_K_REQUIREMENT,
    FW_K_MATERIALS,
    FW_K_SCORE,
    FW_K_SCORING,
    FW_K_METHODS,
    FW_K_VETO,
    FW_K_DEPT,
    FW_K_MEDIA,
    FW_K_FREQUENCY,
    FW_K_MIN_DOCUMENTS,
    FW_K_CHILDREN,
    FW_K__COUNT
};

/* Document keys. */
enum fw_dkey {
    FW_D_FORMAT = 0,
    FW_D_NAME,
    FW_D_VERSION,
    FW_D_SOURCE,
    FW_D_INDICATORS,
    FW_D__COUNT
};

/* Scoring keys. */
enum fw_skey {
    FW_S_RULE = 0,
    FW_S_GRADES,
    FW_S_CAP,
    FW_S__COUNT
};

/* realmask bits */
#define FW_REAL_SCORE    0x01u
#define FW_REAL_CAP      0x02u
#define FW_REAL_GRADE(i) (0x04u << (i))

extern const char *const fw_key_names[FW_K__COUNT];
extern const char *const fw_dkey_names[FW_D__COUNT];
extern const char *const fw_skey_names[FW_S__COUNT];

/** Record an issue (counted always, recorded up to the caps). */
void fw_issue(struct wm_fw_report *r,
              enum wm_fw_severity sev,
              unsigned line,
              unsigned col,
              const char *code,
              const char *field,
              const char *fmt,
              ...) WM_PRINTF(7, 8);

struct wm_ind *fw_ind_new(void);
void fw_ind_free(struct wm_ind *ind);
void fw_ind_add_child(struct wm_ind *parent, struct wm_ind *child);
void fw_top_add(struct wm_fw *fw, struct wm_ind *ind);
/** Is the key present on the indicator? */
bool fw_ind_has(const struct wm_ind *ind, enum fw_key k);

/** Code syntax: dot-separated non-empty segments of ASCII letters and digits. */
bool fw_code_valid(const char *code);
/** Number of segments of a valid code. */
unsigned fw_code_depth(const char *code);

/** Trimmed copy check: true when s is empty or only white space (ASCII or U+3000). */
bool fw_blank(const char *s);
/** Has s a control character (line breaks and tabs allowed when multiline)? */
bool fw_has_ctl(const char *s, bool multiline);

/** Grade letter index 0..3 for 'A'..'D' (either case), or -1. */
int fw_grade_index(char c);

/** Set a media list entry / frequency etc. (label copied). */
void fw_ind_add_media(struct wm_ind *ind, const char *label, enum wm_fw_media m);
void fw_ind_add_method(struct wm_ind *ind, const char *label);
void fw_ind_add_dept(struct wm_ind *ind, const char *label);

/**
** Finish a framework built by a parser: document order, depth, leaves, limits, duplicate
** codes, totals and warnings, code index.  Errors go to @a rep.
*/
void fw_finish(struct wm_fw *fw, struct wm_fw_report *rep);

/** Score from a JSON number; false when not a number, negative or finer than 0.01. */
bool fw_score_from_json(const json_t *v, int64_t *out, bool *is_real);
/** JSON value for hundredths (integer when whole and not @a real). New reference. */
json_t *fw_score_to_json(int64_t v, bool real);

/** The indicator as a JSON object without "children" when !with_children. */
json_t *fw_ind_to_json(const struct wm_ind *ind, bool with_children);

/** The scoring cell of the CSV form ("grade:A=1,B=0.8"), or NULL for none; caller frees. */
char *fw_scoring_cell(const struct wm_fw_scoring *s);

#endif /* WM_FW_PRIV_H */
