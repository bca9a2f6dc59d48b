/*
** fuzz_framework.c — fuzz target for the `wenming-framework/1` JSON parser and for the
** importer of standards as sheets (CSV/XLSX rows: level columns, 测评标准 items, ticked
** method columns, total and note rows): an input starting with 'R' is, minus that byte, a
** CSV sheet.
**
** Any input must parse or be refused without a crash, a leak or undefined behaviour; an
** accepted JSON input must round-trip: export → parse → export is byte-identical and
** equal; an accepted sheet must export to JSON that parses to an equal framework.
**
** With clang: a libFuzzer target (-fsanitize=fuzzer).  With -DWM_FUZZ_REPLAY: a plain
** program that runs the files named on the command line, or else WM_FUZZ_ITERS (default
** 20000) mutations of embedded seeds, seeded by WM_FUZZ_SEED (meson test
** 'fuzz_framework_replay').
*/
#include "wm_framework.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_framework: invariant failed: %s\n", what);
        abort();
    }
}

/* A standard as a CSV sheet. */
static void
fuzz_rows(const uint8_t *data, size_t size)
{
    struct wm_fw_report rep = { 0 }, rep2 = { 0 };
    struct wm_fw *fw = NULL, *fw2 = NULL;
    enum wm_err rc = wm_fw_parse_rows(data, size, WM_TABLE_CSV, "n", "v", NULL, &fw, &rep);
    fuzz_check((rc == WM_OK) == (fw != NULL), "rows: result and framework agree");
    fuzz_check(rc == WM_OK ? rep.nerrors == 0 : rep.nerrors > 0, "rows: errors iff failure");
    char *text = wm_fw_report_text(&rep);
    free(text);
    if (fw != NULL) {
        size_t l1;
        char *o1 = wm_fw_export_json(fw, &l1);
        fuzz_check(wm_fw_parse_json(o1, l1, &fw2, &rep2) == WM_OK, "rows: export parses");
        fuzz_check(wm_fw_equal(fw, fw2), "rows: export is equal");
        for (size_t i = 0; i < fw->nall; i++) {
            fuzz_check(fw->all[i]->depth <= WM_FW_MAX_DEPTH, "rows: depth");
        }
        free(o1);
    }
    wm_fw_free(fw);
    wm_fw_free(fw2);
    wm_fw_report_free(&rep);
    wm_fw_report_free(&rep2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 0 && data[0] == 'R') {
        fuzz_rows(data + 1, size - 1);
        return 0;
    }
    struct wm_fw_report rep = { 0 }, rep2 = { 0 };
    struct wm_fw *fw = NULL, *fw2 = NULL, *fw3 = NULL;
    enum wm_err rc = wm_fw_parse_json(data, size, &fw, &rep);
    fuzz_check((rc == WM_OK) == (fw != NULL), "result and framework agree");
    fuzz_check(rc == WM_OK ? rep.nerrors == 0 : rep.nerrors > 0, "errors iff failure");
    fuzz_check(rep.nissues <= WM_FW_MAX_ERRORS + WM_FW_MAX_WARNINGS, "issue cap");
    char *text = wm_fw_report_text(&rep);
    free(text);
    json_decref(wm_fw_report_to_json(&rep));
    if (fw != NULL) {
        size_t l1, l2;
        char *o1 = wm_fw_export_json(fw, &l1);
        fuzz_check(wm_fw_parse_json(o1, l1, &fw2, &rep2) == WM_OK, "export parses");
        char *o2 = wm_fw_export_json(fw2, &l2);
        fuzz_check(l1 == l2 && memcmp(o1, o2, l1) == 0, "export is stable");
        fuzz_check(wm_fw_equal(fw, fw2), "export is equal");
        json_t *d = wm_fw_diff(fw, fw2);
        json_t *counts = json_object_get(d, "counts");
        fuzz_check(json_integer_value(json_object_get(counts, "added")) == 0 &&
                       json_integer_value(json_object_get(counts, "removed")) == 0 &&
                       json_integer_value(json_object_get(counts, "changed")) == 0,
                   "no diff with itself");
        json_decref(d);
        for (size_t i = 0; i < fw->nall; i++) {
            fuzz_check(wm_fw_find(fw, fw->all[i]->code) == fw->all[i], "find");
            fuzz_check(fw->all[i]->depth <= WM_FW_MAX_DEPTH, "depth");
        }
        fuzz_check(fw->nleaves <= WM_FW_MAX_LEAVES, "leaves");
        /* CSV export and re-import must not crash (labels containing separators may
        ** legitimately change, so equality is not required). */
        size_t lc;
        char *csv = wm_fw_export_csv(fw, &lc);
        wm_fw_report_reset(&rep2);
        if (wm_fw_parse_rows(csv, lc, WM_TABLE_CSV, fw->name, fw->version, fw->source, &fw3,
                             &rep2) == WM_OK) {
            wm_fw_free(fw3);
        }
        free(csv);
        free(o1);
        free(o2);
    }
    wm_fw_free(fw);
    wm_fw_free(fw2);
    wm_fw_report_free(&rep);
    wm_fw_report_free(&rep2);
    return 0;
}

#ifdef WM_FUZZ_REPLAY

static const char *const fuzz_seeds[] = {
    ("{\"format\": \"wenming-framework/1\", \"name\": \"t\", \"version\": \"1\", \"indicators\": "
     "[{\"code\": \"1\", \"title\": \"组织管理\", \"score\": 7, \"children\": [{\"code\": \"1.1\", "
     "\"title\": \"创建规划\", \"score\": 2, \"children\": [{\"code\": \"1.1.1\", \"title\": "
     "\"专题研究\", \"requirement\": \"要求\", \"materials\": \"材料\", \"score\": 0.5, "
     "\"scoring\": {\"rule\": \"points\"}, \"methods\": [\"材料审核\", \"實地考察\", \"其他\"], "
     "\"veto\": false, \"dept\": [\"办公室\"], \"media\": [\"text\", \"圖片\"], \"frequency\": "
     "\"quarterly\", \"min_documents\": 1}]}]}]}"),

    ("{\"format\": \"wenming-framework/1\", \"name\": \"n\", \"source\": \"s\",\n\"indicators\": "
     "[\n{\"code\": \"A\", \"title\": \"x\", \"children\": [\n{\"code\": \"A.1\", \"title\": \"y\", "
     "\"score\": 2.25, \"scoring\": {\"rule\": \"grade\", \"grades\": {\"A\": 1, \"B\": 0.8, "
     "\"C\": 0.6, \"D\": 0}}},\n{\"code\": \"A.2\", \"title\": \"z\", \"scoring\": {\"rule\": "
     "\"bonus\", \"cap\": 2}, \"veto\": true},\n{\"code\": \"A.3\", \"title\": \"w\", "
     "\"scoring\": {\"cap\": 5.5, \"rule\": \"negative\"}, \"children\": []}]}]}"),

    ("{\"format\": \"wenming-framework/1\", \"name\": \"n\", \"indicators\": [{\"code\": \"1\", "
     "\"title\": \"a\", \"score\": 1, \"children\": [{\"code\": \"1.1\", \"title\": \"b\", "
     "\"score\": 0.7}, {\"code\": \"1.2\", \"title\": \"c\", \"score\": 0.5, \"frequency\": "
     "\"每半年\", \"media\": [\"音像\"]}]}, {\"code\": \"2\", \"title\": \"d\", \"score\": 3.0}]}"),

    ("{\"format\": \"wenming-framework/1\", \"name\": \"bad\", \"indicators\": [{\"code\": "
     "\"1..2\", \"title\": \"\", \"score\": -1, \"x\": 1}]}"),

    /* sheets */
    ("R某市测评体系,,,,\n一级指标,二级指标,测评内容,分值,测评方法\n"
     "一、组织领导（10分）,（一）创建规划,专题研究。,2,查阅资料、实地查看\n"
     ",（二）工作机制,领导小组。,3分,\n二、环境,,公益广告。,5,\n合计,,,10,\n"),
    ("R测评项目,测评内容,测评标准,测评方法,分值\n一、思想道德建设,1.理论学习,学习制度。,查阅资料,5\n"
     ",,学习强国。,查阅资料,3\n,2.价值观,公益广告。,实地查看,4\n说明：本表解释。,,,,\n"),
    ("R测评项目,测评内容,分值,测评方法,,\n,,,实地查看,听取汇报,审阅资料\n"
     "一、组织领导,成立领导小组。,5,,√,√\n,制定计划。,5,×,,√\n小计,,10,,,\n"),
    ("Rcode,title,score,實地查看,问卷调查\n1,组织领导,,,\n1.1,领导小组,5,√,是\n注：解释。\n"),
};

static const char *const fuzz_tokens[] = {
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "0",
    "0.5",
    "-1",
    "1e400",
    "null",
    "true",
    "\"children\": [",
    "\"code\": \"1.1\"",
    "\"title\": \"t\"",
    "\"score\": 0.1",
    "\"scoring\": {\"rule\": \"grade\"}",
    "\"grades\": {\"A\": 1}",
    "\"cap\": 2",
    "\"methods\": [\"座谈\"]",
    "\"media\": [\"photo\"]",
    "\"frequency\": \"yearly\"",
    "\\u0000",
    "\\ud800",
    "\xE4\xB8\xAD",
    "\xFF",
    "\n",
    ",",
    ",,",
    "√",
    "合计",
    "说明：",
    "测评标准",
    "测评方法",
    "实地查看",
    "一级指标",
    "（一）",
};

#include "fz_replay.h"

static void
fuzz_mutate(struct wm_buf *b)
{
    size_t pos = b->len ? (size_t)(fz_rand() % (b->len + 1)) : 0;
    switch (fz_rand() % 6) {
    case 0: /* flip a byte */
        if (b->len > 0) {
            b->data[pos % b->len] ^= (char)(1u << (fz_rand() % 8));
        }
        break;
    case 1: { /* delete a range */
        size_t n = (size_t)(fz_rand() % 16);
        if (pos + n > b->len) {
            n = b->len - pos;
        }
        memmove(b->data + pos, b->data + pos + n, b->len - pos - n);
        b->len -= n;
        b->data[b->len] = '\0';
        break;
    }
    case 2:
    case 3: { /* insert a token */
        const char *t = fuzz_tokens[fz_rand() % WM_ARRAY_LEN(fuzz_tokens)];
        size_t n = strlen(t);
        wm_buf_reserve(b, n);
        memmove(b->data + pos + n, b->data + pos, b->len - pos);
        memcpy(b->data + pos, t, n);
        b->len += n;
        b->data[b->len] = '\0';
        break;
    }
    case 4: { /* duplicate a range */
        size_t n = (size_t)(fz_rand() % 64);
        if (pos + n > b->len) {
            n = b->len - pos;
        }
        char *copy = wm_strndup(b->data + pos, n);
        wm_buf_reserve(b, n);
        memmove(b->data + pos + n, b->data + pos, b->len - pos);
        memcpy(b->data + pos, copy, n);
        b->len += n;
        b->data[b->len] = '\0';
        free(copy);
        break;
    }
    default: /* truncate */
        b->len = pos;
        b->data[b->len] = '\0';
        break;
    }
}

int
main(int argc, char **argv)
{
    if (argc > 1) {
        return fz_replay_files(argc, argv);
    }
    unsigned runs = 0;
    for (size_t s = 0; s < WM_ARRAY_LEN(fuzz_seeds); s++) {
        LLVMFuzzerTestOneInput((const uint8_t *)fuzz_seeds[s], strlen(fuzz_seeds[s]));
        runs++;
    }
    unsigned long iters = fz_env("WM_FUZZ_ITERS", 20000);
    fz_seed_from_env();
    for (unsigned long i = 0; i < iters; i++) {
        struct wm_buf b = { 0 };
        wm_buf_adds(&b, fuzz_seeds[fz_rand() % WM_ARRAY_LEN(fuzz_seeds)]);
        unsigned n = 1 + (unsigned)(fz_rand() % 4);
        for (unsigned k = 0; k < n; k++) {
            fuzz_mutate(&b);
        }
        LLVMFuzzerTestOneInput((const uint8_t *)b.data, b.len);
        wm_buf_free(&b);
        runs++;
    }
    printf("%u inputs ok\n", runs);
    return 0;
}

#endif /* WM_FUZZ_REPLAY */

/* end of fuzz_framework.c */
