/*
** wm_eval_render.h — the documents of an evaluation round from plain structs: a unit's
** score sheet (评分表), the round summary / ranking (汇总表、排名表) and the blank score
** sheet of the offline review package (空白评分表), each as PDF and as XLSX.
**
** Two libraries, one header:
**   - eval_dep (libwm_eval, linked into the core): the XLSX writers (libxlsxwriter, as the
**     audit and framework exports) and wm_eval_save();
**   - eval_pdf_dep (libwm_evalpdf): the PDF writers, cairo + pango with the Noto CJK fonts
**     (package fonts-noto-cjk) like src/compile/compose.c.  The server does not link cairo
**     or pango: it writes a JSON spec (wm_eval_sheet_spec(), wm_eval_summary_spec(), in
**     eval_dep) and runs the `wenming-compile` helper on it (wm_compile_spawned() of
**     wm_compile.h, from a job), which renders it with wm_eval_pdf_spec().
**
** The input is never changed and may be shared between threads.  Text given here is user
** data: XLSX text cells go through wm_cell_text() (formula injection); PDF text is set as
** plain text (no markup).  Numbers are exact hundredths, printed as 7, 0.5, 1.25.
**
** Every PDF page carries the document's title, the round and (score sheets) the unit at
** its head, and "第 N 页 共 M 页" at its foot; a table row never breaks across pages (it
** moves to the next page, under the repeated table header; a row taller than a whole page
** is cut with an ellipsis).  A4: score sheets portrait, summaries landscape.
**
** Every writer fills a struct wm_buf with the file's bytes; wm_eval_save() writes them to a
** file descriptor or atomically to a path.
*/
#ifndef WM_EVAL_RENDER_H
#define WM_EVAL_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wm_eval.h"
#include "wm_util.h"

/* ---------------------------------------------------------------- inputs */

/** One leaf line of a score sheet (all borrowed). */
struct wm_eval_doc_leaf {
    bool set;      /* a value was given */
    int64_t value; /* hundredths, as wm_eval_leaf_result.value */
    char grade;    /* 'A'..'D' for a graded leaf, or 0 */
    bool veto;
    const char *veto_reason; /* NULL when none */
    const char *method; /* the method used, as shown (实地考察, 听取汇报 …); NULL: none */
    const char *comment; /* NULL: none */
    size_t ndeductions;
    const struct wm_eval_deduction *deductions;
};

/**
** A unit's score sheet: one evaluator's, or the reconciled one (evaluators then names all
** of them and note says how it was reconciled).  The totals, veto and pass/fail are
** computed here from the leaves with wm_eval_totals() (the same arithmetic as everywhere).
*/
struct wm_eval_doc_sheet {
    const char *round;      /* round name (第十五届市文明单位测评); required */
    const char *unit;       /* unit name; required */
    const char *unit_code;  /* NULL: not shown */
    const char *evaluators; /* "张三、李四"; NULL: not shown */
    const char *note;       /* "组长核定", "三人平均", a date …; NULL: not shown */
    const struct wm_eval_plan *plan;
    const struct wm_eval_doc_leaf *leaves; /* plan->nleaves, in plan order; NULL or an
                                           ** unused array for the blank sheet */
    bool has_threshold;
    int64_t threshold; /* pass threshold, hundredths */
};

/** One unit of a summary / ranking, in display order (see wm_eval_rank()). */
struct wm_eval_doc_row {
    unsigned rank; /* 0: not ranked (shown as —) */
    const char *unit;
    const char *unit_type; /* 文明单位, 文明校园 …; NULL: blank */
    const char *district;  /* NULL: blank */
    bool has_total;        /* false: not scored (subtotals, total and result blank) */
    int64_t total;
    const int64_t *subtotal; /* ntop values per plan->fw->top, or NULL */
    bool veto;
    bool pass;
};

/** The round summary (汇总表) or ranking (排名表). */
struct wm_eval_doc_summary {
    const char *round; /* required */
    const char *title; /* "测评结果汇总表", "测评排名表"; NULL: the first */
    const char *scope; /* "某区" / "文明单位" (the jurisdiction or type ranked);
                       ** NULL: not shown */
    const struct wm_eval_plan *plan; /* for the top-level indicators' columns */
    bool has_threshold;
    int64_t threshold;
    size_t nrows;
    const struct wm_eval_doc_row *rows;
};

/* ---------------------------------------------------------------- PDF (eval_pdf_dep) */

/**
** A unit's score sheet as PDF: per leaf code, title, maximum, rule, value (and grade),
** method, comment and deductions (reasons with points), veto reasons; then subtotals per
** top-level indicator, bonus, negative, total, veto, pass/fail, and signature lines.
** @param[out] out    the PDF's bytes are appended
** @param[out] pages  the number of pages (may be NULL)
** @return WM_OK; WM_E_BAD_REQUEST when a required field is missing; WM_E_INTERNAL when
**         cairo fails (err says why)
*/
enum wm_err wm_eval_pdf_sheet(const struct wm_eval_doc_sheet *d,
                              struct wm_buf *out,
                              int *pages,
                              char *err,
                              size_t errlen) WM_MUST_CHECK;

/** The blank score sheet: every leaf with its requirement, its scoring rule in words
** (wm_eval_rule_words()) and empty boxes for the score, method and comment.  d->leaves
** is not read. */
enum wm_err wm_eval_pdf_blank(const struct wm_eval_doc_sheet *d,
                              struct wm_buf *out,
                              int *pages,
                              char *err,
                              size_t errlen) WM_MUST_CHECK;

/** The summary / ranking: rank, unit, type, district, subtotals per top-level indicator,
** total, veto, result (合格/不合格/否决). */
enum wm_err wm_eval_pdf_summary(const struct wm_eval_doc_summary *d,
                                struct wm_buf *out,
                                int *pages,
                                char *err,
                                size_t errlen) WM_MUST_CHECK;

/* ---------------------------------------------------------------- XLSX (eval_dep) */

/** The score sheet as XLSX: a heading block (round, unit, evaluators), one row per leaf
** (编码, 指标, 分值, 评分规则, 档次, 得分, 测评方式, 扣分明细, 评语, 否决原因), then the
** subtotals, total, veto and result rows.  Scores are numbers. */
enum wm_err wm_eval_xlsx_sheet(const struct wm_eval_doc_sheet *d,
                               struct wm_buf *out,
                               char *err,
                               size_t errlen) WM_MUST_CHECK;

/** The blank score sheet as XLSX (requirement and rule in words, empty score columns). */
enum wm_err wm_eval_xlsx_blank(const struct wm_eval_doc_sheet *d,
                               struct wm_buf *out,
                               char *err,
                               size_t errlen) WM_MUST_CHECK;

/** The summary / ranking as XLSX: one row per unit, the columns of the PDF. */
enum wm_err wm_eval_xlsx_summary(const struct wm_eval_doc_summary *d,
                                 struct wm_buf *out,
                                 char *err,
                                 size_t errlen) WM_MUST_CHECK;

/* ---------------------------------------------------------------- specs (server ↔ helper) */

/*
** The server does not link cairo: it describes a PDF as a JSON spec (eval_dep), writes it
** to a file, and has the `wenming-compile` helper render it (wm_compile_spawned(), which
** reads {"kind": "eval.…"} specs with wm_eval_pdf_spec()).  The spec is self-contained:
**   {"kind": "eval.sheet" | "eval.blank" | "eval.summary",
**    "standard": <the wenming-framework/1 document of the plan's standard>,
**    "round", "unit", "unit_code", "evaluators", "note", "title", "scope": text or absent,
**    "threshold": hundredths or absent,
**    "leaves": [{"code", "value": hundredths|null, "grade": "B"|null, "veto": bool,
**                "veto_reason", "method", "comment", "deductions": [{"reason","points"}]}],
**    "rows": [{"rank", "unit", "unit_type", "district", "total": hundredths|null,
**              "subtotals": [hundredths per top-level indicator], "veto", "pass"}]}
*/

/** The spec of a score sheet (blank: of the blank sheet; leaves are then left out). New
** reference. */
json_t *wm_eval_sheet_spec(const struct wm_eval_doc_sheet *d, bool blank);
/** The spec of a summary / ranking. New reference. */
json_t *wm_eval_summary_spec(const struct wm_eval_doc_summary *d);
/**
** Render a spec as PDF (eval_pdf_dep).  Leaves of the spec are matched to the standard by
** code (unknown codes refused, missing ones blank).
** @return as wm_eval_pdf_sheet(); WM_E_BAD_REQUEST for a spec that is not one
*/
enum wm_err wm_eval_pdf_spec(const json_t *spec,
                             struct wm_buf *out,
                             int *pages,
                             char *err,
                             size_t errlen) WM_MUST_CHECK;

/* ---------------------------------------------------------------- output (eval_dep) */

/**
** Write @a n bytes to @a fd when fd ≥ 0 (all of them, retrying short writes; the fd is
** not closed), else to @a path atomically (temp file, fsync, rename: wm_write_atomic, mode
** 0640).  WM_OK or WM_E_INTERNAL with err.
*/
enum wm_err
wm_eval_save(const void *p, size_t n, int fd, const char *path, char *err, size_t errlen)
    WM_MUST_CHECK;

#endif /* WM_EVAL_RENDER_H */
