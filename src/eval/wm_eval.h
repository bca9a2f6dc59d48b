/*
** wm_eval.h — the scoring engine of evaluation rounds (测评): a leaf's score under its
** standard's rule, totals with subtotals per top-level indicator, reconciliation of
** several evaluators' sheets, ranking with ties and pass/fail.  Pure C over a parsed
** standard (wm_framework.h): no store, no HTTP, no allocation except where a function
** says so.  The document renderers (PDF, XLSX) are in wm_eval_render.h.
**
** Every score is exact: int64_t hundredths of a point (0.5 is 50, 7 is 700, −0.5 is −50),
** never a binary float.  Grade fractions are hundredths of one (B=0.8 is 80).
**
** Rounding is half up to hundredths, in integers, "half up" meaning half away from zero
** (四舍五入): 0.375 → 0.38, −0.375 → −0.38.
**
** Error messages ("why") are Chinese, self-contained, and name the indicator code; they
** can be shown to the user as they are.  WM_EVAL_WHY bytes are always enough.
**
** Rules, as published standards write them:
**   POINTS   (扣分)   value = max(0, max − Σ deductions), or an explicit value 0..max
**   NONE     (no rule) with a score: as POINTS; without a score the leaf is not scored
**            (typically a veto-only item such as 重大安全责任事故)
**   GRADE    (分档)   a letter A–D from the leaf's grade table (or WM_EVAL_DEFAULT_GRADES
**            when the standard gives the rule without a table: wenming-framework keeps
**            such a leaf with ngrades == 0) → value = max × fraction, rounded half up
**   BONUS    (加分)   claimed points 0..cap (cap = scoring.cap, else the leaf's score);
**            or items {reason, points} summed and held at the cap (每项加 0.5 分，最多
**            加 2 分)
**   NEGATIVE (减分)   deductions {reason, points} summed and held at the cap (cap =
**            scoring.cap, else the leaf's score, else no cap); value = −min(Σ, cap) ≤ 0;
**            or an explicit value −cap..0
**   veto     (一票否决) only on a leaf whose standard marks it veto, always with a reason;
**            a vetoed unit fails whatever its total.
*/
#ifndef WM_EVAL_H
#define WM_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wm_framework.h"
#include "wm_util.h"

#define WM_EVAL_WHY            256 /* bytes: enough for every message of this module */
#define WM_EVAL_MAX_DEDUCTIONS 100 /* deductions (or bonus items) per leaf and sheet */
#define WM_EVAL_MAX_REASON     500 /* code points in a deduction or veto reason */

/** The grade table used when a GRADE leaf has none: A=1, B=0.8, C=0.6, D=0. */
extern const struct wm_fw_scoring WM_EVAL_DEFAULT_GRADES;

/* ---------------------------------------------------------------- points as text */

/**
** Parse points written by a person into hundredths: "2", "0.5", "1.25", "-0.5", "+1",
** ".5", "2.", full-width digits, point and sign ("２", "０．５", "－１"), with blanks
** (ASCII, U+3000) around.  At most two decimals ("0.125" is refused, "0.50" is 50);
** |value| ≤ WM_FW_MAX_SCORE.  Negatives are returned as they are: the rule decides
** whether one is allowed.
** @return true and *out set; false (and *out untouched) for empty text, garbage, more
**         than two decimals, or too large a number.
*/
bool wm_eval_parse_points(const char *s, int64_t *out) WM_MUST_CHECK;

/** Format hundredths: 700 → "7", 50 → "0.5", 125 → "1.25", −50 → "-0.5". Returns out. */
const char *wm_eval_format_points(int64_t v, char out[32]);

/** Round num/den half away from zero (den > 0).  Exposed for tests and for callers. */
int64_t wm_eval_div_round(int64_t num, int64_t den);

/* ---------------------------------------------------------------- one leaf */

/** A deduction (or a bonus item): reason required, points > 0 in hundredths. */
struct wm_eval_deduction {
    const char *reason;
    int64_t points;
};

/**
** An evaluator's input for one leaf (all borrowed).  Zero-initialised means "nothing
** entered": the leaf is unscored.  Give at most one of: an explicit value, a grade, or
** deductions/items; an explicit value given together with deductions must equal the
** value the deductions give (a stored sheet keeps both).
*/
struct wm_eval_input {
    bool has_value;
    int64_t value; /* POINTS/NONE: 0..max; BONUS: 0..cap; NEGATIVE: −cap..0 */
    char grade;    /* 'A'..'D' ('a'..'d' accepted), 0 for none; GRADE leaves only */
    size_t ndeductions;
    const struct wm_eval_deduction *deductions; /* POINTS/NONE/NEGATIVE: deductions;
                                                ** BONUS: bonus items */
    bool veto;
    const char *veto_reason; /* required (non-blank) when veto */
};

/**
** Read deductions (or bonus items) stored or sent as JSON — the `score.deductions` column
** and the API: [{"reason": "会议纪要缺失", "points": 50}, …], points as integer
** hundredths.  Only the shape is checked here (array of objects, reason a string, points an
** integer, at most WM_EVAL_MAX_DEDUCTIONS); wm_eval_leaf() checks the values.  JSON null
** and [] give n = 0.
** @param[out] out  malloc'd array (free() it; NULL when n is 0); reasons are borrowed from
**                  @a arr and live as long as it does
** @return WM_OK, or WM_E_BAD_REQUEST with why
*/
enum wm_err wm_eval_deductions_from_json(const json_t *arr,
                                         struct wm_eval_deduction **out,
                                         size_t *n,
                                         char *why,
                                         size_t len) WM_MUST_CHECK;

/** The same array as JSON (new reference; [] when n is 0). */
json_t *wm_eval_deductions_to_json(const struct wm_eval_deduction *d, size_t n);

/** The score of one leaf. */
struct wm_eval_leaf_result {
    bool scored;      /* a value results (false: nothing entered, or a leaf without score) */
    int64_t value;    /* hundredths: 0..max, 0..cap (bonus), −cap..0 (negative) */
    int64_t deducted; /* Σ of the deductions/items as given (before floor or cap) */
    bool capped;      /* the sum was held at the cap or the value floored at 0 */
    bool veto;
};

/** The leaf's maximum under its rule: score for POINTS/GRADE/NONE, cap for BONUS and
** NEGATIVE (INT64_MAX when a negative list has neither cap nor score); 0 when none. */
int64_t wm_eval_leaf_cap(const struct wm_ind *leaf);

/** True when a value can be given for the leaf (a rule, or a score). */
bool wm_eval_leaf_scorable(const struct wm_ind *leaf);

/**
** Score one leaf from an evaluator's input.
** @param[in]  leaf  a leaf of a parsed framework
** @param[in]  in    the input (borrowed for the call)
** @param[out] out   the result; zeroed on error
** @param[out] why   on error a Chinese message naming the leaf's code (may be NULL)
** @return WM_OK, or WM_E_BAD_REQUEST for any bad input: grade not in the table, grade on a
**         non-grade leaf, value above the maximum or below 0, bonus over the cap, deduction
**         ≤ 0 or without reason, too many deductions, veto on a non-veto leaf, veto
**         without reason, explicit value disagreeing with the deductions.
*/
enum wm_err wm_eval_leaf(const struct wm_ind *leaf,
                         const struct wm_eval_input *in,
                         struct wm_eval_leaf_result *out,
                         char *why,
                         size_t len) WM_MUST_CHECK;

/**
** Check a value that was decided rather than computed (the leader's decision, a stored
** value): within 0..max (POINTS/GRADE/NONE), 0..cap (BONUS), −cap..0 (NEGATIVE); a GRADE
** value need not be one of the grade values.  WM_OK or WM_E_BAD_REQUEST with why.
*/
enum wm_err
wm_eval_check_value(const struct wm_ind *leaf, int64_t value, char *why, size_t len) WM_MUST_CHECK;

/** The rule's short Chinese name: 扣分, 分档, 加分, 减分; "" for NONE. */
const char *wm_eval_rule_label(enum wm_fw_rule r);

/**
** The leaf's scoring rule in words, appended to @a b, for the blank sheet and the UI:
** "满分 2.5 分，按扣分项逐项扣减，扣完为止", "分档评分：A 档 3 分（×1）、B 档 2.4 分
** （×0.8）…", "加分项：最多加 1.5 分", "减分项：最多减 5 分", "一票否决项：…", "不计分".
*/
void wm_eval_rule_words(const struct wm_ind *leaf, struct wm_buf *b);

/* ---------------------------------------------------------------- a sheet's leaves */

/**
** A standard's leaves in document order with their top-level indicator, so that a sheet is
** an array of values indexed like plan->leaf.  Built once per standard; read-only after,
** safe to share between threads.  The framework must outlive the plan.
*/
struct wm_eval_plan {
    const struct wm_fw *fw;
    size_t nleaves;
    const struct wm_ind **leaf; /* document order */
    size_t *top;                /* leaf i lies under fw->top[top[i]] */
    size_t ntop;                /* fw->ntop */
    /* private */
    size_t *by_code; /* leaf indexes sorted by code */
};

/** Build the plan (never fails for a parsed framework). Free with wm_eval_plan_free(). */
struct wm_eval_plan *wm_eval_plan_new(const struct wm_fw *fw);
void wm_eval_plan_free(struct wm_eval_plan *p);
/** Index of the leaf with that code, or -1 (also for a folder's code). O(log n). */
ptrdiff_t wm_eval_plan_index(const struct wm_eval_plan *p, const char *code);

/** A leaf's value on one sheet (or after reconciliation). */
struct wm_eval_value {
    bool set;
    int64_t value; /* hundredths, as wm_eval_leaf_result.value */
    bool veto;
};

/* ---------------------------------------------------------------- totals */

/**
** A sheet's totals.  Choice (documented for results): the base is the sum of the normal
** leaves (POINTS, GRADE, NONE), bonus leaves add, negative leaves subtract, and the total
** is max(0, base + bonus − negative); it is not capped at the standard's total (a bonus
** may take it above 100).  Subtotals are per top-level indicator, over all the leaves under
** it with the same signs, not floored (a top-level 负面清单 gives a negative subtotal).
*/
struct wm_eval_totals {
    int64_t total;
    int64_t base;
    int64_t bonus;    /* ≥ 0 */
    int64_t negative; /* ≥ 0: the amount subtracted */
    size_t ntop;
    int64_t *subtotal; /* [ntop], per plan->fw->top */
    size_t scored;     /* scorable leaves with a value */
    size_t unscored;   /* scorable leaves without one */
    bool veto;         /* some leaf vetoed */
};

/**
** Totals of one sheet: @a v has plan->nleaves entries (unset allowed).  Values are taken
** as given (check them with wm_eval_leaf/wm_eval_check_value when they are written).
** Fills *out; free with wm_eval_totals_free().
*/
void wm_eval_totals(const struct wm_eval_plan *p,
                    const struct wm_eval_value *v,
                    struct wm_eval_totals *out);
void wm_eval_totals_free(struct wm_eval_totals *t);

/* ---------------------------------------------------------------- reconciliation */

enum wm_eval_how {
    WM_EVAL_MEAN = 0, /* the mean of the evaluators who scored the leaf */
    WM_EVAL_LEADER,   /* the group leader's decision per leaf */
};

/** "mean" / "leader" ↔ enum; parse returns false for anything else. */
const char *wm_eval_how_name(enum wm_eval_how h);
bool wm_eval_how_parse(const char *s, enum wm_eval_how *out) WM_MUST_CHECK;

/** One leaf after reconciliation. */
struct wm_eval_recon {
    struct wm_eval_value final; /* the value that counts (unset: nobody scored it, or the
                                ** leader has not decided) */
    unsigned n;                 /* evaluators who gave a value */
    int64_t mean;               /* Σ/n rounded half up (0 when n == 0) */
    int64_t min, max, spread;   /* over those n values; spread = max − min */
    unsigned nveto;             /* evaluators who vetoed it */
    bool flagged;               /* spread > threshold, or evaluators disagree on veto */
};

/**
** Reconcile @a nsheets sheets (each plan->nleaves values) of one unit into out[nleaves].
** MEAN: final = mean of the set values; final.veto when any evaluator vetoed (flagged
** when they disagree: the leader looks at it).  LEADER: final = leader[i] for every leaf
** the leader decided (set or veto); each decided value must pass wm_eval_check_value(),
** and a veto must be on a veto leaf.  The statistics are filled in both modes.  (To take
** the mean where the leader decided nothing, reconcile with MEAN first and copy its final
** values into leader[] for those leaves.)
** @param threshold  spreads above it are flagged (hundredths; ≥ 0)
** @param leader     LEADER mode: the decisions, plan->nleaves entries; ignored for MEAN
** @return WM_OK, or WM_E_BAD_REQUEST (why names the leaf) when a leader's value is out of
**         bounds or leader is NULL in LEADER mode
*/
enum wm_err wm_eval_reconcile(const struct wm_eval_plan *p,
                              size_t nsheets,
                              const struct wm_eval_value *const *sheets,
                              enum wm_eval_how how,
                              int64_t threshold,
                              const struct wm_eval_value *leader,
                              struct wm_eval_recon *out,
                              char *why,
                              size_t len) WM_MUST_CHECK;

/** The final values of a reconciliation as a sheet (v has plan->nleaves entries). */
void wm_eval_recon_values(const struct wm_eval_plan *p,
                          const struct wm_eval_recon *r,
                          struct wm_eval_value *v);

/* ---------------------------------------------------------------- ranking */

/** A unit in a ranking: fill the inputs; wm_eval_rank() fills the outputs. */
struct wm_eval_rank_entry {
    /* in */
    const char *name; /* display tiebreak (byte order of UTF-8); NULL sorts as "" */
    bool has_total;   /* false: not scored yet */
    int64_t total;
    bool veto;
    /* out */
    unsigned rank; /* 1-based competition rank (1, 2, 2, 4); 0 without a total */
    bool pass;     /* has_total, total ≥ threshold and not vetoed */
};

/**
** Rank @a n entries: by total descending, vetoed units after all others (ranked on after
** them by their totals), units without a total last with rank 0.  Equal totals (and equal
** veto) share a rank.  @a order (n entries, may be NULL) receives the display order: the
** rank order, ties by name, then by input position (stable).  O(n log n).
*/
void wm_eval_rank(struct wm_eval_rank_entry *e, size_t n, int64_t threshold, size_t *order);

#endif /* WM_EVAL_H */
