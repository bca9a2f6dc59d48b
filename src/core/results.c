/*
** results.c — a round's results (issue 10): totals with subtotals per top-level indicator
** from the locked entries' reconciled values (entry_final), ranking in the round's
** jurisdiction, per district and per unit type, pass/fail by threshold and veto — all the
** arithmetic is the engine's (src/eval) —; who sees which rows; the publicity list (公示);
** objections (异议) and their answers; title decisions into the register (wm_title_decide);
** rectification items (整改) opened from deductions.
*/
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "wm_core.h"
#include "wm_eval.h"

#define OBJECTION_MAX 2000 /* code points of an objection or an answer */

static bool
is_admin(const struct wm_actor *a)
{
    return a && a->p && WM_ROLE_ADMIN == a->p->role;
}

static bool
in_state(const json_t *round, const char *const *states)
{
    for (size_t i = 0; states[i]; i++) {
        if (wm_round_in_state(round, states[i])) {
            return true;
        }
    }
    return false;
}

static const char *const published[] = { "publicity", "closed", NULL };

/* ---------------------------------------------------------------- computing */

size_t
wm_finals_fill(const struct wm_eval_plan *p, const char *packed, struct wm_eval_value *v)
{
    size_t n = 0;
    for (const char *s = packed; s && *s;) {
        const char *eq = strchr(s, '='), *comma = strchr(s, ',');
        if (NULL == eq || (comma && comma < eq)) {
            break;
        }
        char code[64];
        size_t len = (size_t)(eq - s);
        char *end = NULL;
        long long val = strtoll(eq + 1, &end, 10);
        if (len < sizeof code && end != eq + 1) {
            memcpy(code, s, len);
            code[len] = '\0';
            ptrdiff_t li = wm_eval_plan_index(p, code);
            if (li >= 0) {
                v[li] = (struct wm_eval_value){ .set = true, .value = val };
                n++;
            }
        }
        s = comma ? comma + 1 : NULL;
    }
    return n;
}

struct by_id {
    int64_t id;
    size_t row;
};

static int
cmp_by_id(const void *x, const void *y)
{
    const struct by_id *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

struct res_row {
    const json_t *e; /* the result_entries row */
    struct wm_eval_value *v;
    struct wm_eval_totals t;
    bool locked;
    struct wm_eval_rank_entry rk; /* the round's ranking */
    unsigned rank_district, rank_type;
};

/* Rank the rows whose key (a string of their entry row) is equal, one group after the
** other; out receives the rank of each row within its group.  The keys are made once per
** row (an integer as 20 digits), not in each comparison. */
static const char *const *grp_keys;

static int
cmp_group(const void *x, const void *y)
{
    size_t ia = *(const size_t *)x, ib = *(const size_t *)y;
    int c = strcmp(grp_keys[ia], grp_keys[ib]);
    if (c) {
        return c;
    }
    return ia < ib ? -1 : ia > ib;
}

static void
rank_groups(struct res_row *rows, size_t n, const char *key, int64_t threshold, bool district)
{
    size_t *idx = calloc(n ? n : 1, sizeof *idx);
    struct wm_eval_rank_entry *tmp = calloc(n ? n : 1, sizeof *tmp);
    const char **keys = calloc(n ? n : 1, sizeof *keys);
    char(*digits)[24] = calloc(n ? n : 1, sizeof *digits);
    for (size_t i = 0; i < n; i++) {
        idx[i] = i;
        json_t *k = json_object_get(rows[i].e, key);
        if (json_is_integer(k)) {
            snprintf(digits[i], sizeof digits[i], "%020lld", (long long)json_integer_value(k));
            keys[i] = digits[i];
        } else {
            keys[i] = json_is_string(k) ? json_string_value(k) : "";
        }
    }
    grp_keys = keys; /* one thread at a time: the comparison reads it */
    qsort(idx, n, sizeof *idx, cmp_group);
    for (size_t s = 0; s < n;) {
        size_t e = s + 1;
        while (e < n) {
            json_t *ka = json_object_get(rows[idx[s]].e, key);
            json_t *kb = json_object_get(rows[idx[e]].e, key);
            if (!json_equal(ka, kb) && !(json_is_null(ka) && json_is_null(kb))) {
                break;
            }
            e++;
        }
        for (size_t k = s; k < e; k++) {
            tmp[k - s] = rows[idx[k]].rk;
        }
        wm_eval_rank(tmp, e - s, threshold, NULL);
        for (size_t k = s; k < e; k++) {
            if (district) {
                rows[idx[k]].rank_district = tmp[k - s].rank;
            } else {
                rows[idx[k]].rank_type = tmp[k - s].rank;
            }
        }
        s = e;
    }
    free(tmp);
    free(idx);
    free(keys);
    free(digits);
}

static pthread_mutex_t rank_lock = PTHREAD_MUTEX_INITIALIZER;

/*
** Every accepted entry of the round with its totals and ranks, in display order (the
** round's rank order), as JSON: {tops: [{code, title}], threshold, rows: [{entry_id,
** unit_id, unit_name, unit_code, unit_type, unit_path, district_id, district_name, kind,
** locked, total, subtotals: [..], vetoed, veto_reason, pass, rank, rank_district,
** rank_type}]}.  NULL with f set.
**
** Without subs, the ranking is made from the totals and vetoes written at lock
** (round_entry.total, .vetoed: wm_entry_lock computes them from the same reconciled
** values) and the rows carry no subtotals: fill_subtotals() adds them to the rows shown,
** so a first screen does not read every reconciled value of the round.
*/
static json_t *
compute(struct wm_db *db, const json_t *round, bool subs, struct wm_fail *f)
{
    const struct wm_eval_plan *p = wm_round_plan(db, round, f);
    if (NULL == p) {
        return NULL;
    }
    int64_t rid = jsi(round, "id"), threshold = jsi(round, "pass_threshold");
    json_t *ents = db->ops->result_entries(db, rid);
    json_t *fin = ents && subs ? db->ops->round_finals(db, rid, 0) : NULL;
    if (NULL == ents || (subs && NULL == fin)) {
        json_decref(ents);
        json_decref(fin);
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    size_t n = json_array_size(ents);
    struct res_row *rows = calloc(n ? n : 1, sizeof *rows);
    struct by_id *ids = calloc(n ? n : 1, sizeof *ids);
    for (size_t i = 0; i < n; i++) {
        rows[i].e = json_array_get(ents, i);
        rows[i].locked = json_is_integer(json_object_get(rows[i].e, "locked_at"));
        rows[i].v = rows[i].locked && subs ? calloc(p->nleaves ? p->nleaves : 1, sizeof *rows[i].v) : NULL;
        ids[i] = (struct by_id){ jsi(rows[i].e, "id"), i };
    }
    qsort(ids, n, sizeof *ids, cmp_by_id);
    size_t k;
    json_t *x;
    json_array_foreach(fin, k, x)
    {
        struct by_id key = { jsi(x, "entry_id"), 0 };
        struct by_id *hit = bsearch(&key, ids, n, sizeof *ids, cmp_by_id);
        if (hit && rows[hit->row].v) {
            (void)wm_finals_fill(p, jss(x, "finals"), rows[hit->row].v);
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct res_row *r = &rows[i];
        r->rk.name = jss(r->e, "unit_name");
        if (r->locked && !subs) {
            r->rk.has_total = true;
            r->rk.total = jsi(r->e, "total");
            r->rk.veto = 0 != jsi(r->e, "vetoed");
        } else if (r->locked) {
            wm_eval_totals(p, r->v, &r->t);
            r->rk.has_total = true;
            r->rk.total = r->t.total;
            r->rk.veto = r->t.veto || 0 != jsi(r->e, "vetoed");
        }
    }
    size_t *order = calloc(n ? n : 1, sizeof *order);
    {
        struct wm_eval_rank_entry *tmp = calloc(n ? n : 1, sizeof *tmp);
        for (size_t i = 0; i < n; i++) {
            tmp[i] = rows[i].rk;
        }
        wm_eval_rank(tmp, n, threshold, order);
        for (size_t i = 0; i < n; i++) {
            rows[i].rk = tmp[i];
        }
        free(tmp);
    }
    pthread_mutex_lock(&rank_lock);
    rank_groups(rows, n, "district_id", threshold, true);
    rank_groups(rows, n, "unit_type", threshold, false);
    pthread_mutex_unlock(&rank_lock);
    json_t *out = json_object(), *tops = json_array(), *arr = json_array();
    for (size_t t = 0; t < p->ntop; t++) {
        json_array_append_new(tops, json_pack("{s:s, s:s}", "code", p->fw->top[t]->code, "title",
                                              p->fw->top[t]->title));
    }
    for (size_t o = 0; o < n; o++) {
        struct res_row *r = &rows[order[o]];
        json_t *row = json_pack(
            "{s:I, s:I, s:s, s:s, s:s, s:s, s:O, s:s, s:s, s:b, s:b, s:b, s:s, s:I, s:I, s:I}",
            "entry_id", (json_int_t)jsi(r->e, "id"), "unit_id", (json_int_t)jsi(r->e, "unit_id"),
            "unit_name", jss(r->e, "unit_name"), "unit_code", jss(r->e, "unit_code"), "unit_type",
            jss(r->e, "unit_type"), "unit_path", jss(r->e, "unit_path"), "district_id",
            json_object_get(r->e, "district_id"), "district_name", jss(r->e, "district_name"),
            "kind", jss(r->e, "kind"), "locked", r->locked, "vetoed", r->rk.veto, "pass",
            r->rk.pass, "veto_reason", jss(r->e, "veto_reason"), "rank", (json_int_t)r->rk.rank,
            "rank_district", (json_int_t)r->rank_district, "rank_type", (json_int_t)r->rank_type);
        if (r->locked && !subs) {
            json_object_set_new(row, "total", json_integer(r->rk.total));
        } else if (r->locked) {
            json_t *st = json_array();
            for (size_t t = 0; t < r->t.ntop; t++) {
                json_array_append_new(st, json_integer(r->t.subtotal[t]));
            }
            json_object_set_new(row, "total", json_integer(r->t.total));
            json_object_set_new(row, "subtotals", st);
        } else {
            json_object_set_new(row, "total", json_null());
            json_object_set_new(row, "subtotals", json_array());
        }
        json_array_append_new(arr, row);
    }
    for (size_t i = 0; i < n; i++) {
        if (rows[i].locked && subs) {
            wm_eval_totals_free(&rows[i].t);
        }
        free(rows[i].v);
    }
    free(order);
    free(rows);
    free(ids);
    json_decref(fin);
    json_decref(ents);
    json_object_set_new(out, "tops", tops);
    json_object_set_new(out, "threshold", json_integer(threshold));
    json_object_set_new(out, "rows", arr);
    return out;
}

/* The same, from the calling thread's read cache while nothing was committed since it
** was computed (wm_cache_get: the store's generation), else computed and put there. */
static json_t *
compute_cached(struct wm_db *db, const json_t *round, struct wm_fail *f)
{
    char key[48];
    snprintf(key, sizeof key, "results:%lld", (long long)jsi(round, "id"));
    int64_t gen = 0;
    bool cacheable = db->ops->generation(db, &gen); /* before the read */
    char *t = cacheable ? wm_cache_get(db, key) : NULL;
    if (t) {
        json_t *o = json_loads(t, 0, NULL);
        free(t);
        if (o) {
            return o;
        }
    }
    json_t *o = compute(db, round, false, f);
    if (o && cacheable) {
        char *d = json_dumps(o, JSON_COMPACT);
        if (d) {
            wm_cache_put(key, d, gen);
        }
        free(d);
    }
    return o;
}

/* The subtotals of the rows of a list made by compute_cached (objects with entry_id and
** locked): each locked row's reconciled values by its entry (a few rows), or the round's
** all at once (many); an unlocked row gets []. false when the store failed (f set). */
#define FILL_ONE_BY_ONE 100

static bool
fill_subtotals(struct wm_db *db, const json_t *round, json_t *rows, struct wm_fail *f)
{
    size_t n = json_array_size(rows), i;
    json_t *row;
    if (0 == n) {
        return true;
    }
    const struct wm_eval_plan *p = wm_round_plan(db, round, f);
    if (NULL == p) {
        return false;
    }
    int64_t rid = jsi(round, "id");
    json_t *all = NULL;
    if (n > FILL_ONE_BY_ONE) {
        all = db->ops->round_finals(db, rid, 0);
        if (NULL == all) {
            wm_read_fail(db, f, NULL, NULL);
            return false;
        }
    }
    struct wm_eval_value *v = calloc(p->nleaves ? p->nleaves : 1, sizeof *v);
    bool ok = true;
    json_array_foreach(rows, i, row)
    {
        if (!json_is_true(json_object_get(row, "locked"))) {
            json_object_set_new(row, "subtotals", json_array());
            continue;
        }
        int64_t eid = jsi(row, "entry_id");
        const char *packed = NULL;
        json_t *one = NULL;
        if (all) {
            size_t lo = 0, hi = json_array_size(all);
            while (lo < hi) { /* round_finals is ordered by entry_id */
                size_t mid = lo + (hi - lo) / 2;
                if (jsi(json_array_get(all, mid), "entry_id") < eid) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            json_t *x = json_array_get(all, lo);
            if (x && jsi(x, "entry_id") == eid) {
                packed = jss(x, "finals");
            }
        } else {
            one = db->ops->round_finals(db, rid, eid);
            if (NULL == one) {
                wm_read_fail(db, f, NULL, NULL);
                ok = false;
                break;
            }
            packed = json_array_size(one) ? jss(json_array_get(one, 0), "finals") : NULL;
        }
        memset(v, 0, (p->nleaves ? p->nleaves : 1) * sizeof *v);
        (void)wm_finals_fill(p, packed, v);
        struct wm_eval_totals t;
        wm_eval_totals(p, v, &t);
        json_t *st = json_array();
        for (size_t s = 0; s < t.ntop; s++) {
            json_array_append_new(st, json_integer(t.subtotal[s]));
        }
        json_object_set_new(row, "subtotals", st);
        wm_eval_totals_free(&t);
        json_decref(one);
    }
    free(v);
    json_decref(all);
    return ok;
}

/* ---------------------------------------------------------------- who sees what */

/* How the caller reads a round's results: 'a' all rows, 's' the rows of its jurisdiction,
** 'o' its own unit's row, 0 nothing (f set: 403 or 404). */
static char
reach(const struct wm_actor *a, const json_t *round, struct wm_fail *f)
{
    if (is_admin(a)) {
        return 'a';
    }
    if (NULL == a || NULL == a->p) {
        return 'a'; /* the command line */
    }
    if (WM_ROLE_OFFICE == a->p->role) {
        return wm_startswith(jss(round, "scope_path"), a->p->org_path) ? 'a' : 's';
    }
    if (WM_ROLE_EVALUATOR == a->p->role) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("测评员不查看测评结果"));
        return 0;
    }
    if (!in_state(round, published)) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("测评结果尚未公布"));
        return 0;
    }
    return 'o';
}

static bool
row_visible(const struct wm_actor *a, char how, const json_t *row)
{
    switch (how) {
    case 'a':
        return true;
    case 's':
        return wm_startswith(jss(row, "unit_path"), a->p->org_path);
    case 'o':
        return jsi(row, "unit_id") == a->p->org_id;
    default:
        return false;
    }
}

json_t *
wm_results_all(struct wm_db *db, const json_t *round, struct wm_fail *f)
{
    return compute(db, round, true, f);
}

/* The orders of a results list besides the round's rank: district (its name, then the rank
** in it), type (the unit type, then the rank among it), code (the unit code). */
struct sort_row {
    json_t *row;
    size_t pos; /* the rank order: ties keep it */
};

static const char *sort_by;

static int
rank_cmp(const json_t *a, const json_t *b, const char *k)
{
    int64_t x = jsi(a, k), y = jsi(b, k);
    x = x ? x : INT64_MAX; /* unranked last */
    y = y ? y : INT64_MAX;
    return x < y ? -1 : x > y;
}

static int
cmp_sort(const void *p1, const void *p2)
{
    const struct sort_row *a = p1, *b = p2;
    int c = 0;
    if (wm_streq(sort_by, "district")) {
        c = strcmp(jss(a->row, "district_name"), jss(b->row, "district_name"));
        c = c ? c : rank_cmp(a->row, b->row, "rank_district");
    } else if (wm_streq(sort_by, "type")) {
        c = strcmp(jss(a->row, "unit_type"), jss(b->row, "unit_type"));
        c = c ? c : rank_cmp(a->row, b->row, "rank_type");
    } else if (wm_streq(sort_by, "code")) {
        c = strcmp(jss(a->row, "unit_code"), jss(b->row, "unit_code"));
    }
    return c ? c : (a->pos < b->pos ? -1 : a->pos > b->pos);
}

json_t *
wm_results(struct wm_db *db,
           const struct wm_actor *a,
           const json_t *round,
           const struct wm_results_q *q,
           struct wm_fail *f)
{
    char how = reach(a, round, f);
    if (0 == how) {
        return NULL;
    }
    json_t *all = compute_cached(db, round, f);
    if (NULL == all) {
        return NULL;
    }
    json_t *items = json_array(), *districts = json_object(), *matched = json_array();
    size_t i, total = 0, locked = 0, passed = 0, visible = 0;
    json_t *row;
    unsigned limit = q && q->limit ? q->limit : 50;
    unsigned offset = q ? q->offset : 0;
    json_array_foreach(json_object_get(all, "rows"), i, row)
    {
        if (!row_visible(a, how, row)) {
            continue;
        }
        visible++;
        char dk[32];
        snprintf(dk, sizeof dk, "%lld", (long long)jsi(row, "district_id"));
        if (NULL == json_object_get(districts, dk)) {
            json_object_set_new(districts, dk, json_string(jss(row, "district_name")));
        }
        bool lk = json_is_true(json_object_get(row, "locked"));
        bool ps = json_is_true(json_object_get(row, "pass"));
        locked += lk;
        passed += ps;
        if (q && q->district_id && jsi(row, "district_id") != q->district_id) {
            continue;
        }
        if (q && q->unit_type && *q->unit_type && !wm_streq(jss(row, "unit_type"), q->unit_type)) {
            continue;
        }
        if (q && q->pass > 0 && !ps) {
            continue;
        }
        if (q && 0 == q->pass && (ps || !lk)) {
            continue;
        }
        json_array_append(matched, row);
        total++;
    }
    if (q && q->sort && json_array_size(matched) > 1) {
        size_t n = json_array_size(matched);
        struct sort_row *sr = calloc(n, sizeof *sr);
        for (size_t k = 0; k < n; k++) {
            sr[k] = (struct sort_row){ json_array_get(matched, k), k };
        }
        sort_by = q->sort;
        pthread_mutex_lock(&rank_lock); /* sort_by is read by the comparison */
        qsort(sr, n, sizeof *sr, cmp_sort);
        pthread_mutex_unlock(&rank_lock);
        json_t *sorted = json_array();
        for (size_t k = 0; k < n; k++) {
            json_array_append(sorted, sr[k].row);
        }
        free(sr);
        json_decref(matched);
        matched = sorted;
    }
    for (size_t k = offset; k < json_array_size(matched) && k < (size_t)offset + limit; k++) {
        json_t *c = json_copy(json_array_get(matched, k));
        json_object_del(c, "unit_path");
        json_array_append_new(items, c);
    }
    json_decref(matched);
    if (!fill_subtotals(db, round, items, f)) {
        json_decref(items);
        json_decref(districts);
        json_decref(all);
        return NULL;
    }
    json_t *out = json_pack(
        "{s:I, s:s, s:O, s:O, s:I, s:{s:I, s:I, s:I, s:I}, s:o}", "round_id",
        (json_int_t)jsi(round, "id"), "state", jss(round, "state"), "tops",
        json_object_get(all, "tops"), "threshold", json_object_get(all, "threshold"), "matched",
        (json_int_t)total, "counts", "entries", (json_int_t)visible, "locked", (json_int_t)locked,
        "passed", (json_int_t)passed, "failed", (json_int_t)(locked - passed), "items", items);
    json_t *dl = json_array();
    const char *dk;
    json_t *dv;
    json_object_foreach(districts, dk, dv)
    {
        json_array_append_new(
            dl, json_pack("{s:I, s:O}", "id", (json_int_t)strtoll(dk, NULL, 10), "name", dv));
    }
    json_decref(districts);
    json_object_set_new(out, "districts", dl);
    json_decref(all);
    return out;
}

json_t *
wm_result_of_entry(struct wm_db *db,
                   const struct wm_actor *a,
                   const json_t *round,
                   int64_t entry_id,
                   struct wm_fail *f)
{
    char how = reach(a, round, f);
    if (0 == how) {
        return NULL;
    }
    json_t *all = compute_cached(db, round, f);
    if (NULL == all) {
        return NULL;
    }
    size_t i;
    json_t *row, *hit = NULL;
    json_array_foreach(json_object_get(all, "rows"), i, row)
    {
        if (jsi(row, "entry_id") == entry_id && row_visible(a, how, row)) {
            hit = json_copy(row);
        }
    }
    if (hit) {
        json_t *one = json_pack("[O]", hit);
        bool ok = fill_subtotals(db, round, one, f);
        json_decref(one);
        if (!ok) {
            json_decref(hit);
            json_decref(all);
            return NULL;
        }
        json_object_set(hit, "tops", json_object_get(all, "tops"));
        json_object_set(hit, "threshold", json_object_get(all, "threshold"));
    } else {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("没有这个单位的测评结果"));
    }
    json_decref(all);
    return hit;
}

/* ---------------------------------------------------------------- publicity (公示) */

json_t *
wm_publicity(struct wm_db *db, const struct wm_actor *a, const json_t *round, struct wm_fail *f)
{
    if (!in_state(round, published)) {
        wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("测评结果尚未公示"));
        return NULL;
    }
    json_t *all = compute_cached(db, round, f);
    if (NULL == all) {
        return NULL;
    }
    json_t *items = json_array(), *own = json_null();
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(all, "rows"), i, row)
    {
        if (a && a->p && jsi(row, "unit_id") == a->p->org_id) {
            json_decref(own);
            own = json_copy(row);
            json_object_del(own, "unit_path");
        }
        if (json_is_true(json_object_get(row, "pass"))) {
            json_array_append_new(
                items,
                json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s}", "entry_id",
                          (json_int_t)jsi(row, "entry_id"), "unit_id",
                          (json_int_t)jsi(row, "unit_id"), "unit_name", jss(row, "unit_name"),
                          "unit_code", jss(row, "unit_code"), "unit_type", jss(row, "unit_type"),
                          "district_name", jss(row, "district_name"), "kind", jss(row, "kind")));
        }
    }
    if (json_is_object(own)) {
        json_t *one = json_pack("[O]", own);
        bool ok = fill_subtotals(db, round, one, f);
        json_decref(one);
        if (!ok) {
            json_decref(own);
            json_decref(items);
            json_decref(all);
            return NULL;
        }
    }
    json_t *out =
        json_pack("{s:I, s:s, s:s, s:O, s:O, s:o, s:o}", "round_id", (json_int_t)jsi(round, "id"),
                  "round_name", jss(round, "name"), "state", jss(round, "state"), "publicity_start",
                  json_object_get(round, "publicity_start"), "publicity_end",
                  json_object_get(round, "publicity_end"), "items", items, "own", own);
    json_object_set(out, "tops", json_object_get(all, "tops"));
    json_decref(all);
    return out;
}

/* ---------------------------------------------------------------- objections (异议) */

static bool
unit_writer(const struct wm_actor *a)
{
    return wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_UNIT_ADMIN) | WM_ROLE_BIT(WM_ROLE_UNIT_MEMBER));
}

static enum wm_err
lodge_once(struct wm_db *db,
           const struct wm_actor *a,
           const json_t *round,
           int64_t entry_id,
           const char *text,
           int64_t *id,
           struct wm_fail *f)
{
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    int64_t rid = jsi(round, "id");
    if (entry_id) {
        json_t *en = db->ops->entry_get(db, entry_id);
        bool ok = en && jsi(en, "round_id") == rid && wm_streq(jss(en, "state"), "accepted");
        json_decref(en);
        if (!ok) {
            e = wm_db_failed(db)
                    ? wm_read_fail(db, f, NULL, NULL)
                    : wm_fail_set(f, WM_E_NOT_FOUND, "entry_id", "%s", _("本轮测评没有这个单位"));
            return tx_end(db, e, f);
        }
    }
    if (WM_QS_ONE != db->ops->objection_insert(db, rid, entry_id, a->p->org_id, text, a->p->user_id,
                                               wm_now(), id)) {
        return tx_end(db, wm_write_fail(db, f, NULL, NULL, NULL), f);
    }
    e = wm_audit_new(db, a, "objection.create", "objection", *id, a->p->org_path, NULL,
                 json_pack("{s:I, s:I, s:s}", "round_id", (json_int_t)rid, "entry_id",
                           (json_int_t)entry_id, "text", text));
    if (WM_OK == e) {
        char *line = wm_asprintf(_("%s 对“%s”的结果提出异议"), a->p->org_name, jss(round, "name"));
        char link[64];
        snprintf(link, sizeof link, "/rounds/%lld/objections", (long long)rid);
        if (0 != wm_notify_office(db, a->p->org_id, "declaration", "objection", *id, line, link,
                                  a->p->user_id)) {
            e = wm_write_fail(db, f, NULL, NULL, NULL);
        }
        free(line);
    }
    return tx_end(db, e, f);
}

enum wm_err
wm_objection_lodge(struct wm_db *db,
                   const struct wm_actor *a,
                   const json_t *round,
                   int64_t entry_id,
                   const char *text,
                   int64_t *id,
                   struct wm_fail *f)
{
    if (!unit_writer(a)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有单位可以提出异议"));
    }
    if (!wm_round_in_state(round, "publicity")) {
        return wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("只能在公示期间提出异议"));
    }
    if (NULL == text || !wm_valid_text(text, OBJECTION_MAX) || !*text) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "text", _("请填写异议内容（最多 %d 个字）"),
                           OBJECTION_MAX);
    }
    enum wm_err e;
    TX_RETRY(e, lodge_once(db, a, round, entry_id, text, id, f));
    return e;
}

/* Whether the caller handles the round's objections: the round's office, the admin. */
static bool
handles(const struct wm_actor *a, const json_t *round)
{
    return is_admin(a) || wm_round_is_owner(a, round);
}

json_t *
wm_objection_list(struct wm_db *db,
                  const struct wm_actor *a,
                  const json_t *round,
                  const char *state,
                  struct wm_fail *f)
{
    struct wm_objection_filter jf = { .round_id = jsi(round, "id"),
                                      .state = state && *state ? state : NULL,
                                      .limit = 500 };
    if (wm_actor_is(a, WM_ROLES_UNIT)) {
        jf.unit_id = a->p->org_id;
    } else if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("测评员不处理异议"));
        return NULL;
    }
    json_t *l = db->ops->objection_list(db, &jf);
    if (NULL == l) {
        wm_read_fail(db, f, NULL, NULL);
        return NULL;
    }
    if (!is_admin(a) && wm_actor_is(a, WM_ROLE_BIT(WM_ROLE_OFFICE))) { /* its jurisdiction */
        json_t *keep = json_array();
        size_t i;
        json_t *o;
        json_array_foreach(l, i, o)
        {
            if (wm_startswith(jss(o, "unit_path"), a->p->org_path)) {
                json_array_append(keep, o);
            }
        }
        json_decref(l);
        l = keep;
    }
    return l;
}

static enum wm_err
answer_once(struct wm_db *db,
            const struct wm_actor *a,
            const json_t *round,
            int64_t id,
            const char *answer,
            struct wm_fail *f)
{
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    json_t *o = db->ops->objection_get(db, id);
    if (NULL == o || jsi(o, "round_id") != jsi(round, "id")) {
        e = o || !wm_db_failed(db) ? wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("异议不存在"))
                                   : wm_read_fail(db, f, NULL, NULL);
        json_decref(o);
        return tx_end(db, e, f);
    }
    enum wm_qs qs = db->ops->objection_answer(db, id, answer, a->p ? a->p->user_id : 0, wm_now());
    if (WM_QS_NONE == qs) {
        e = wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("这条异议已经答复"));
    } else if (WM_QS_ONE != qs) {
        e = wm_write_fail(db, f, NULL, NULL, NULL);
    } else {
        e = wm_audit_new(db, a, "objection.answer", "objection", id, jss(o, "unit_path"), NULL,
                     json_pack("{s:s}", "answer", answer));
    }
    if (WM_OK == e) {
        char *line = wm_asprintf(_("您对“%s”的异议已答复"), jss(round, "name"));
        char link[64];
        snprintf(link, sizeof link, "/rounds/%lld/publicity", (long long)jsi(round, "id"));
        if (0 != wm_notify_unit(db, jsi(o, "unit_id"), "declaration", "objection", id, line, link,
                                a->p ? a->p->user_id : 0)) {
            e = wm_write_fail(db, f, NULL, NULL, NULL);
        }
        free(line);
    }
    json_decref(o);
    return tx_end(db, e, f);
}

enum wm_err
wm_objection_answer(struct wm_db *db,
                    const struct wm_actor *a,
                    const json_t *round,
                    int64_t id,
                    const char *answer,
                    struct wm_fail *f)
{
    if (!wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以答复异议"));
    }
    if (!handles(a, round)) {
        return wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("异议不存在"));
    }
    if (NULL == answer || !*answer || !wm_valid_text(answer, OBJECTION_MAX)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "answer", _("请填写答复（最多 %d 个字）"),
                           OBJECTION_MAX);
    }
    enum wm_err e;
    TX_RETRY(e, answer_once(db, a, round, id, answer, f));
    return e;
}

/* ---------------------------------------------------------------- title decisions */

static bool
valid_day(const char *s)
{
    return s && 10 == strlen(s) && '-' == s[4] && '-' == s[7];
}

static enum wm_err
titles_once(struct wm_db *db,
            const struct wm_actor *a,
            const json_t *round,
            const struct wm_titles_in *in,
            json_t **report,
            struct wm_fail *f)
{
    json_t *all = compute(db, round, true, f);
    if (NULL == all) {
        return f->err;
    }
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        json_decref(all);
        return e;
    }
    json_t *items = json_array();
    size_t i, n[4] = { 0 };
    json_t *row;
    char *why = wm_asprintf(_("%s未通过"), jss(round, "name"));
    json_array_foreach(json_object_get(all, "rows"), i, row)
    {
        if (!json_is_true(json_object_get(row, "locked"))) {
            continue;
        }
        bool pass = json_is_true(json_object_get(row, "pass"));
        bool recheck = wm_streq(jss(row, "kind"), "recheck");
        const char *d = pass ? (recheck ? "keep" : "award") : (recheck ? "revoke" : NULL);
        int64_t tid = 0;
        if (d) {
            e = wm_title_decide(db, a, jsi(row, "unit_id"), jsi(round, "id"), d, in->title,
                                jss(round, "level"), in->award_doc, in->awarded_on, in->valid_until,
                                wm_streq(d, "revoke") ? why : NULL, &tid, f);
            if (WM_OK != e) {
                if (f->msg[0]) {
                    char *m = wm_asprintf("%s：%s", jss(row, "unit_name"), f->msg);
                    wm_fail_set(f, e, f->field[0] ? f->field : NULL, "%s", m);
                    free(m);
                }
                break;
            }
        }
        n[d ? (wm_streq(d, "award") ? 0 : wm_streq(d, "keep") ? 1 : 2) : 3]++;
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:I}", "unit_id",
                                               (json_int_t)jsi(row, "unit_id"), "unit_name",
                                               jss(row, "unit_name"), "decision", d ? d : "none",
                                               "title_id", (json_int_t)tid));
    }
    free(why);
    if (WM_OK == e) {
        *report = json_pack("{s:I, s:I, s:I, s:I, s:O}", "awarded", (json_int_t)n[0], "kept",
                            (json_int_t)n[1], "revoked", (json_int_t)n[2], "none", (json_int_t)n[3],
                            "items", items);
        e = wm_audit_new(
            db, a, "round.titles", "round", jsi(round, "id"), jss(round, "scope_path"), NULL,
            json_pack("{s:s, s:I, s:I, s:I}", "title", in->title, "awarded", (json_int_t)n[0],
                      "kept", (json_int_t)n[1], "revoked", (json_int_t)n[2]));
    }
    json_decref(items);
    json_decref(all);
    e = tx_end(db, e, f);
    if (WM_OK != e && *report) {
        json_decref(*report);
        *report = NULL;
    }
    return e;
}

enum wm_err
wm_results_titles(struct wm_db *db,
                  const struct wm_actor *a,
                  const json_t *round,
                  const struct wm_titles_in *in,
                  json_t **report,
                  struct wm_fail *f)
{
    *report = NULL;
    if (a && a->p && !wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以写入称号"));
    }
    if (a && a->p && !handles(a, round)) {
        return wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("测评不存在"));
    }
    if (!wm_round_in_state(round, "closed")) {
        return wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("测评结束（公示期满）后才能写入称号"));
    }
    if (NULL == in->title || !*in->title || !wm_valid_text(in->title, 100)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "title", "%s",
                           _("请填写授予的称号，例如“第十五届市级文明单位”"));
    }
    if (!valid_day(in->awarded_on)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "awarded_on", "%s", _("请填写授予日期"));
    }
    if (!valid_day(in->valid_until)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "valid_until", "%s", _("请填写有效期至"));
    }
    /* once per round: a title written by it already means it was done */
    struct wm_title_filter tf = { .scope = jss(round, "scope_path"), .q = NULL, .limit = 5000 };
    json_t *tl = db->ops->title_list(db, &tf);
    if (NULL == tl) {
        return wm_read_fail(db, f, NULL, NULL);
    }
    size_t i;
    json_t *t;
    bool done = false;
    json_array_foreach(tl, i, t)
    {
        done = done || jsi(t, "round_id") == jsi(round, "id");
    }
    json_decref(tl);
    if (done) {
        return wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("本轮测评的称号已经写入"));
    }
    enum wm_err e;
    TX_RETRY(e, titles_once(db, a, round, in, report, f));
    return e;
}

/* ---------------------------------------------------------------- rectification (整改) */

static const char *const after_lock[] = { "locked", "publicity", "closed", NULL };

/* The problem text of a leaf: the evaluators' deduction reasons, each once. */
static char *
problem_of(const json_t *deds, const char *code, int64_t value, int64_t max)
{
    struct wm_buf b = { 0 };
    size_t i;
    json_t *d;
    json_t *seen = json_object();
    json_array_foreach(deds, i, d)
    {
        if (!wm_streq(jss(d, "indicator_code"), code)) {
            continue;
        }
        json_t *arr = json_loads(jss(d, "deductions"), 0, NULL);
        size_t k;
        json_t *x;
        json_array_foreach(arr, k, x)
        {
            const char *r = json_string_value(json_object_get(x, "reason"));
            if (r && *r && NULL == json_object_get(seen, r)) {
                json_object_set_new(seen, r, json_true());
                wm_buf_printf(&b, "%s%s", b.len ? "；" : "", r);
            }
        }
        json_decref(arr);
    }
    json_decref(seen);
    char v[32], m[32];
    wm_buf_printf(&b, _("%s得分 %s（满分 %s）"), b.len ? "。" : "", wm_eval_format_points(value, v),
                  wm_eval_format_points(max, m));
    return wm_buf_steal(&b);
}

static enum wm_err
rect_once(struct wm_db *db,
          const struct wm_actor *a,
          const json_t *round,
          int64_t entry_id,
          const char *due_on,
          int64_t *opened,
          struct wm_fail *f)
{
    *opened = 0;
    const struct wm_eval_plan *p = wm_round_plan(db, round, f);
    if (NULL == p) {
        return f->err;
    }
    enum wm_err e = tx_begin(db, f);
    if (WM_OK != e) {
        return e;
    }
    int64_t rid = jsi(round, "id");
    json_t *ents = db->ops->result_entries(db, rid);
    json_t *fin = ents ? db->ops->round_finals(db, rid, entry_id) : NULL;
    if (NULL == ents || NULL == fin) {
        json_decref(ents);
        json_decref(fin);
        return tx_end(db, wm_read_fail(db, f, NULL, NULL), f);
    }
    const char *we = jss(round, "window_end");
    int64_t year = strtoll(we, NULL, 10);
    size_t i;
    json_t *en;
    bool found = 0 == entry_id;
    json_array_foreach(ents, i, en)
    {
        int64_t eid = jsi(en, "id");
        if ((entry_id && eid != entry_id) || !json_is_integer(json_object_get(en, "locked_at"))) {
            continue;
        }
        found = true;
        json_t *deds = db->ops->entry_deductions(db, eid);
        struct wm_eval_value *vals = calloc(p->nleaves ? p->nleaves : 1, sizeof *vals);
        size_t k;
        json_t *x;
        json_array_foreach(fin, k, x)
        {
            if (jsi(x, "entry_id") == eid) {
                (void)wm_finals_fill(p, jss(x, "finals"), vals);
            }
        }
        for (size_t li = 0; li < p->nleaves && WM_OK == e; li++) {
            if (!vals[li].set) {
                continue;
            }
            const struct wm_ind *leaf = p->leaf[li];
            int64_t v = vals[li].value;
            int64_t max = wm_eval_leaf_cap(leaf);
            bool lost = WM_FW_RULE_BONUS == leaf->scoring.rule      ? false
                        : WM_FW_RULE_NEGATIVE == leaf->scoring.rule ? v < 0
                                                                    : v < max;
            if (!lost) {
                continue;
            }
            char *problem = problem_of(deds, leaf->code, v, max);
            struct wm_rect_in ri = { .unit_id = jsi(en, "unit_id"),
                                     .year = year,
                                     .indicator_code = leaf->code,
                                     .problem = problem,
                                     .source = "evaluation",
                                     .source_id = eid,
                                     .due_on = due_on && *due_on ? due_on : NULL };
            int64_t id = 0;
            enum wm_qs qs =
                db->ops->rect_insert(db, &ri, a && a->p ? a->p->user_id : 0, wm_now(), &id);
            if (WM_QS_ONE == qs) {
                ++*opened;
                e = wm_audit_new(db, a, "rectification.open", "rectification", id, jss(en, "unit_path"),
                             NULL,
                             json_pack("{s:I, s:s, s:s}", "entry_id", (json_int_t)eid,
                                       "indicator_code", leaf->code, "problem", problem));
            } else if (WM_QS_CONFLICT != qs) {
                e = wm_write_fail(db, f, NULL, NULL, NULL);
            }
            free(problem);
        }
        free(vals);
        json_decref(deds);
        if (WM_OK == e && *opened) {
            char link[] = "/rectifications";
            char *line = wm_asprintf(_("“%s”的扣分项已列为整改项"), jss(round, "name"));
            if (0 != wm_notify_unit(db, jsi(en, "unit_id"), "rectification", NULL, 0, line, link,
                                    a && a->p ? a->p->user_id : 0)) {
                e = wm_write_fail(db, f, NULL, NULL, NULL);
            }
            free(line);
        }
    }
    if (WM_OK == e && !found) {
        e = wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("没有这个已锁定的单位"));
    }
    json_decref(fin);
    json_decref(ents);
    return tx_end(db, e, f);
}

enum wm_err
wm_results_rectify(struct wm_db *db,
                   const struct wm_actor *a,
                   const json_t *round,
                   int64_t entry_id,
                   const char *due_on,
                   int64_t *opened,
                   struct wm_fail *f)
{
    int64_t unused = 0;
    if (NULL == opened) {
        opened = &unused;
    }
    *opened = 0;
    if (a && a->p && !wm_actor_is(a, WM_ROLES_STAFF)) {
        return wm_fail_set(f, WM_E_FORBIDDEN, NULL, "%s", _("只有文明办可以开具整改项"));
    }
    if (a && a->p && !handles(a, round)) {
        return wm_fail_set(f, WM_E_NOT_FOUND, NULL, "%s", _("测评不存在"));
    }
    if (!in_state(round, after_lock)) {
        return wm_fail_set(f, WM_E_CONFLICT, NULL, "%s", _("评分锁定后才能开具整改项"));
    }
    if (due_on && *due_on && !valid_day(due_on)) {
        return wm_fail_set(f, WM_E_BAD_REQUEST, "due_on", "%s",
                           _("整改期限须为日期（YYYY-MM-DD）"));
    }
    enum wm_err e;
    TX_RETRY(e, rect_once(db, a, round, entry_id, due_on, opened, f));
    return e;
}

json_t *
wm_rect_list(struct wm_db *db,
             const struct wm_actor *a,
             const char *state,
             unsigned limit,
             unsigned offset,
             struct wm_fail *f)
{
    /* The list with its filters is work_rect.c's (issue 12). */
    const struct wm_rect_query q = { .state = state, .limit = limit, .offset = offset };
    return wm_rect_find(db, a, &q, f);
}

const char *
wm_rect_state_label(const char *s)
{
    static const char *const w[][2] = { { "open", N_("待整改") },
                                        { "done", N_("已整改") },
                                        { "verified", N_("已验收") },
                                        { "closed", N_("已关闭") } };
    for (size_t i = 0; s && i < WM_ARRAY_LEN(w); i++) {
        if (wm_streq(s, w[i][0])) {
            return _(w[i][1]);
        }
    }
    return s ? s : "";
}

/* end of results.c */
