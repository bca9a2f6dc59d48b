/*
** test_compile.c — the 经验交流汇编 composer (src/compile): a compilation of a two-page
** PDF, an image, a document of another type and a damaged PDF has the pages it should,
** and its text (pdftotext, when installed) holds the cover, the contents and the items.
*/
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cairo-pdf.h>
#include <cairo.h>

#include "wm_bulletin_pdf.h"
#include "wm_compile.h"
#include "wm_minutes.h"
#include "wm_plan_pdf.h"

static char dir[4096]; /* wm_scratch_dir: under TMPDIR */

static char *
in_dir(const char *name)
{
    return wm_asprintf("%s/%s", dir, name);
}

/* A PDF of n pages, each saying "Source page N". */
static char *
make_pdf(int n)
{
    char *path = in_dir("src.pdf");
    cairo_surface_t *s = cairo_pdf_surface_create(path, 300, 400);
    cairo_t *cr = cairo_create(s);
    for (int i = 1; i <= n; i++) {
        char line[64];
        snprintf(line, sizeof line, "Source page %d", i);
        cairo_select_font_face(cr, "sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, 18);
        cairo_move_to(cr, 30, 60);
        cairo_show_text(cr, line);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return path;
}

/* A small JPEG is what the server passes for an image item; a PNG read by libvips works
** the same, and cairo writes one without any other library. */
static char *
make_image(void)
{
    char *path = in_dir("img.png");
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 120, 80);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.2, 0.5, 0.8);
    cairo_paint(cr);
    cairo_destroy(cr);
    assert_int_equal(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    return path;
}

static char *
run_pdftotext(const char *pdf)
{
    if (0 != access("/usr/bin/pdftotext", X_OK)) {
        return NULL;
    }
    char *cmd = wm_asprintf("/usr/bin/pdftotext -enc UTF-8 '%s' -", pdf);
    FILE *p = popen(cmd, "r");
    free(cmd);
    assert_non_null(p);
    struct wm_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) {
        wm_buf_add(&b, chunk, n);
    }
    assert_int_equal(pclose(p), 0);
    char *text = wm_strdup(wm_buf_str(&b));
    wm_buf_free(&b);
    return text;
}

static void
test_compose(void **state)
{
    (void)state;
    assert_int_equal(wm_scratch_dir("wm-compile", dir, sizeof dir), 0);
    char *pdf = make_pdf(4), *img = make_image(), *bad = in_dir("bad.pdf");
    FILE *fp = fopen(bad, "wb");
    fputs("%PDF-1.4 not really", fp);
    fclose(fp);
    json_t *spec = json_pack(
        "{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s},"
        " {s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]}",
        "title", "2026年经验交流汇编", "office", "甲区文明办", "date", "2026年12月2日",
        "items", "title", "读书月活动方案", "unit", "甲区图书馆", "indicator", "B.1 阅读推广",
        "category", "阅读推广", "note", "做法新颖，值得推广。", "kind", "pdf", "file", pdf,
        "title", "志愿服务照片", "unit", "甲区街道", "kind", "image", "file", img,
        "title", "活动录像", "unit", "甲区街道", "kind", "none",
        "title", "损坏的文件", "unit", "甲区街道", "kind", "pdf", "file", bad);
    char *out = in_dir("out.pdf");
    char err[256] = "";
    int pages = 0;
    assert_int_equal(wm_compile_pdf(spec, out, &pages, err, sizeof err), WM_OK);
    /* cover, contents, 1 + 3 (of 4 pages), 1 + 1, 1, 1 */
    assert_int_equal(pages, 1 + 1 + 4 + 2 + 1 + 1);
    char *text = run_pdftotext(out);
    if (text) {
        assert_non_null(strstr(text, "2026年经验交流汇编"));
        assert_non_null(strstr(text, "甲区文明办"));
        assert_non_null(strstr(text, "读书月活动方案"));
        assert_non_null(strstr(text, "做法新颖"));
        assert_non_null(strstr(text, "page 3"));
        assert_null(strstr(text, "page 4"));
        assert_non_null(strstr(text, "志愿服务照片"));
        assert_non_null(strstr(text, "损坏的文件"));
        free(text);
    }
    /* not a spec */
    json_t *not = json_pack("{s:i}", "items", 3);
    assert_int_equal(wm_compile_pdf(not, out, NULL, err, sizeof err), WM_E_BAD_REQUEST);
    json_decref(not);
    json_decref(spec);
    unlink(pdf);
    unlink(img);
    unlink(bad);
    unlink(out);
    rmdir(dir);
    free(pdf);
    free(img);
    free(bad);
    free(out);
}

/* The annual plan (issue 12) over more than one page: goals, stages, tasks by department;
** the minutes on the same sheet. */
static void
test_plan_and_minutes(void **state)
{
    (void)state;
    char tmp[4096];
    assert_int_equal(wm_scratch_dir("wm-plan", tmp, sizeof tmp), 0);
    char *out = wm_asprintf("%s/plan.pdf", tmp), err[256] = "";
    json_t *tasks = json_array();
    for (int i = 0; i < 60; i++) {
        char title[64];
        snprintf(title, sizeof title, "宣传栏更新第%d期", i + 1);
        json_array_append_new(tasks, json_pack("{s:s, s:s, s:s, s:s}", "title", title, "person",
                                               "张三", "due_on", "2026-09-01", "state",
                                               i % 2 ? "done" : "open"));
    }
    json_t *spec = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:s}], s:[{s:s, s:[{s:s, s:s, s:s, s:s}]},"
        " {s:s, s:o}]}",
        "kind", "work.plan", "unit", "市图书馆", "year", "2026", "title", "2026 年创建计划",
        "goals", "创成市级文明单位", "stages", "name", "组织实施", "starts_on", "2026-04-01",
        "ends_on", "2026-10-31", "depts", "name", "人教科", "tasks", "title", "组织志愿服务",
        "person", "", "due_on", "", "state", "open", "name", "办公室", "tasks", tasks);
    int pages = 0;
    assert_int_equal(wm_plan_pdf(spec, out, &pages, err, sizeof err), WM_OK);
    assert_true(pages >= 2);
    char *text = run_pdftotext(out);
    if (text) {
        assert_non_null(strstr(text, "年度工作计划"));
        assert_non_null(strstr(text, "2026 年创建计划"));
        assert_non_null(strstr(text, "创成市级文明单位"));
        assert_non_null(strstr(text, "2026-04-01 至 2026-10-31"));
        assert_non_null(strstr(text, "人教科"));
        assert_non_null(strstr(text, "组织志愿服务（责任人：未指定；完成时限：未定；未完成）"));
        assert_non_null(strstr(text, "宣传栏更新第60期"));
        free(text);
    }
    json_t *not = json_pack("{s:s}", "kind", "work.plan");
    assert_int_equal(wm_plan_pdf(not, out, NULL, err, sizeof err), WM_E_BAD_REQUEST);
    json_decref(not);
    json_decref(spec);
    spec = json_pack("{s:s, s:s, s:s, s:s}", "kind", "work.minutes", "title", "第一季度会议",
                     "unit", "市图书馆", "minutes", "部署第二季度创建工作。");
    assert_int_equal(wm_minutes_pdf(spec, out, &pages, err, sizeof err), WM_OK);
    assert_int_equal(pages, 1);
    text = run_pdftotext(out);
    if (text) {
        assert_non_null(strstr(text, "会议纪要"));
        assert_non_null(strstr(text, "部署第二季度创建工作"));
        free(text);
    }
    json_decref(spec);
    unlink(out);
    rmdir(tmp);
    free(out);
}

/* The weekly bulletin (issue 12) on the same sheet: the departments' counts, the findings
** and each inspection's areas; a week without findings says so; a spec without
** inspections is refused. */
static void
test_bulletin(void **state)
{
    (void)state;
    char tmp[4096];
    assert_int_equal(wm_scratch_dir("wm-bulletin", tmp, sizeof tmp), 0);
    char *out = wm_asprintf("%s/bulletin.pdf", tmp), err[256] = "";
    json_t *checks = json_array();
    for (int i = 0; i < 80; i++) {
        char area[64];
        snprintf(area, sizeof area, "第%d责任区", i + 1);
        json_array_append_new(checks, json_pack("{s:s, s:s, s:s, s:s, s:s}", "area", area,
                                                "category", "环境卫生", "dept", "办公室",
                                                "result", i ? "合格" : "需整改", "note",
                                                i ? "" : "地面有烟头"));
    }
    json_t *spec = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:o}], s:[{s:s, s:s, s:s, s:s}],"
        " s:[{s:s, s:i, s:i, s:i}]}",
        "kind", "work.bulletin", "title", "市图书馆 2026 年第 10 周一周一通报", "unit", "市图书馆",
        "from", "2026-03-02", "to", "2026-03-08", "inspections", "held_on", "2026-03-04",
        "inspector", "李四", "note", "周三例行检查", "checks", checks, "findings", "held_on",
        "2026-03-04", "dept", "办公室", "area", "第1责任区", "note", "地面有烟头", "depts", "dept",
        "办公室", "checks", 80, "pass", 79, "fix", 1);
    int pages = 0;
    assert_int_equal(wm_bulletin_pdf(spec, out, &pages, err, sizeof err), WM_OK);
    assert_true(pages >= 2);
    char *text = run_pdftotext(out);
    if (text) {
        assert_non_null(strstr(text, "一周一通报"));
        assert_non_null(strstr(text, "2026-03-02 至 2026-03-08"));
        assert_non_null(strstr(text, "办公室：检查 80 处次，合格 79，需整改 1"));
        assert_non_null(strstr(text, "第1责任区：地面有烟头")); /* the finding */
        assert_non_null(strstr(text, "检查人：李四"));
        assert_non_null(strstr(text, "第80责任区（办公室，环境卫生）：合格"));
        free(text);
    }
    json_decref(spec);
    spec = json_pack("{s:s, s:s, s:s, s:[]}", "kind", "work.bulletin", "title", "空的一周",
                     "unit", "市图书馆", "inspections");
    assert_int_equal(wm_bulletin_pdf(spec, out, &pages, err, sizeof err), WM_OK);
    assert_int_equal(pages, 1);
    text = run_pdftotext(out);
    if (text) {
        assert_non_null(strstr(text, "本周没有检查记录。"));
        assert_non_null(strstr(text, "本周检查的责任区均合格。"));
        free(text);
    }
    json_decref(spec);
    spec = json_pack("{s:s, s:s}", "kind", "work.bulletin", "title", "没有检查");
    assert_int_equal(wm_bulletin_pdf(spec, out, NULL, err, sizeof err), WM_E_BAD_REQUEST);
    json_decref(spec);
    unlink(out);
    rmdir(tmp);
    free(out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compose),
        cmocka_unit_test(test_plan_and_minutes),
        cmocka_unit_test(test_bulletin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* end of test_compile.c */
