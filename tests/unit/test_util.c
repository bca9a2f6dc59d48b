/*
** test_util.c — the util module: buffers, UTF-8, strict numbers, URL coding, hashing,
** atomic writes, configuration.
*/
#include "config.h"

#include <errno.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "tdir.h"

#include "wm_json.h"
#include "wm_util.h"

static void
test_buf(void **state)
{
    (void)state;
    struct wm_buf b = {0};
    assert_string_equal(wm_buf_str(&b), "");
    for (int i = 0; i < 1000; i++) {
        wm_buf_printf(&b, "%d,", i);
    }
    assert_true(b.len > 2000);
    assert_int_equal(b.data[b.len], '\0');
    assert_true(wm_startswith(b.data, "0,1,2,"));
    wm_buf_add(&b, "\0x", 2); /* binary-safe */
    assert_int_equal(b.data[b.len - 2], '\0');
    wm_buf_reset(&b);
    assert_int_equal(b.len, 0);
    wm_buf_adds(&b, "中文");
    char *s = wm_buf_steal(&b);
    assert_string_equal(s, "中文");
    assert_null(b.data);
    free(s);
    wm_buf_free(&b);
}

static void
test_utf8(void **state)
{
    (void)state;
    const char *good[] = {"", "abc", "文明单位", "文明單位", "emoji 😀", "ä"};
    for (size_t i = 0; i < WM_ARRAY_LEN(good); i++) {
        assert_true(wm_utf8_valid(good[i], strlen(good[i])));
    }
    assert_false(wm_utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
    assert_false(wm_utf8_valid("\xE0\x80\xAF", 3));     /* overlong */
    assert_false(wm_utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
    assert_false(wm_utf8_valid("\xF4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_false(wm_utf8_valid("\xE6\x96", 2));         /* truncated */
    assert_false(wm_utf8_valid("a\0b", 3));             /* NUL */
    assert_false(wm_utf8_valid("\xB5\xA5", 2));         /* GBK bytes */
    assert_int_equal(wm_utf8_len("文明a"), 3);
    /* a cut never splits a character: "a文明" is 1 + 3 + 3 bytes */
    assert_int_equal(wm_utf8_cut("a文明", 7, 7), 7);
    assert_int_equal(wm_utf8_cut("a文明", 7, 6), 4);
    assert_int_equal(wm_utf8_cut("a文明", 7, 4), 4);
    assert_int_equal(wm_utf8_cut("a文明", 7, 3), 1);
    assert_int_equal(wm_utf8_cut("a文明", 7, 0), 0);
    assert_true(wm_has_control("a\tb"));
    assert_true(wm_has_control("a\x7f"));
    assert_false(wm_has_control("文明"));
}

/* Bidi and zero-width characters leave names and titles; everything else stays. */
static void
test_strip_invisible(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"invoice\u202Efdp.exe", "invoicefdp.exe"},
        {"\u202A\u202B\u202C\u202D\u202E", ""},
        {"a\u2066b\u2067c\u2068d\u2069e", "abcde"},
        {"\u200E左\u200F右\u061C", "左右"},
        {"\u200B零\u200C宽\u200D字\uFEFF符", "零宽字符"},
        {"通知（2026）\u2065\u2070\u202F\u2010.pdf", "通知（2026）\u2065\u2070\u202F\u2010.pdf"},
        {"\u060C\u061B\u200A", "\u060C\u061B\u200A"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = wm_strdup(cases[i][0]);
        assert_ptr_equal(wm_strip_invisible(s), s);
        assert_string_equal(s, cases[i][1]);
        assert_true(wm_utf8_valid(s, strlen(s)));
        free(s);
    }
    char cut[] = "a\xE2\x80"; /* a truncated sequence is left as it is */
    assert_string_equal(wm_strip_invisible(cut), "a\xE2\x80");
    assert_null(wm_strip_invisible(NULL));
}

static void
test_numbers(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_true(wm_parse_i64("42", 0, 100, &v));
    assert_int_equal(v, 42);
    assert_true(wm_parse_i64("-5", -10, 10, &v));
    assert_int_equal(v, -5);
    const char *bad[] = {"", " 1", "1 ", "1x", "0x10", "101", "99999999999999999999", "--1"};
    for (size_t i = 0; i < WM_ARRAY_LEN(bad); i++) {
        v = 7;
        assert_false(wm_parse_i64(bad[i], 0, 100, &v));
        assert_int_equal(v, 7);
    }
}

static void
test_url(void **state)
{
    (void)state;
    char *s = wm_url_decode("a%20b+c%E6%96%87", 16, true);
    assert_string_equal(s, "a b c文");
    free(s);
    s = wm_url_decode("a+b", 3, false);
    assert_string_equal(s, "a+b");
    free(s);
    assert_null(wm_url_decode("%4", 2, true));
    assert_null(wm_url_decode("%zz", 3, true));
    assert_null(wm_url_decode("abc%", 4, true));
    assert_int_equal(wm_hexval('0'), 0);
    assert_int_equal(wm_hexval('9'), 9);
    assert_int_equal(wm_hexval('a'), 10);
    assert_int_equal(wm_hexval('F'), 15);
    assert_int_equal(wm_hexval('g'), -1);
    assert_int_equal(wm_hexval('\0'), -1);
    assert_int_equal(wm_hexval((char)0xE6), -1);
    struct wm_buf b = {0};
    wm_url_encode(&b, "/a b?文&");
    assert_string_equal(b.data, "%2Fa%20b%3F%E6%96%87%26");
    wm_buf_free(&b);
}

static void
test_sha256(void **state)
{
    (void)state;
    char h[65];
    wm_sha256_hex("abc", 3, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    struct wm_sha256 *s = wm_sha256_new();
    wm_sha256_update(s, "a", 1);
    wm_sha256_update(s, "bc", 2);
    wm_sha256_final_hex(s, h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* short inputs (libsodium) and long ones (OpenSSL) hash alike, on both sides of the
    ** boundary, and as the streaming hash does */
    static unsigned char big[65536 + 2];
    for (size_t i = 0; i < sizeof big; i++) {
        big[i] = (unsigned char)(i * 7 + 1);
    }
    for (size_t n = 65535; n <= sizeof big; n++) {
        char one[65], streamed[65];
        wm_sha256_hex(big, n, one);
        s = wm_sha256_new();
        wm_sha256_update(s, big, n / 2);
        wm_sha256_update(s, big + n / 2, n - n / 2);
        wm_sha256_final_hex(s, streamed);
        assert_string_equal(one, streamed);
    }
    char *t1 = wm_random_token(32), *t2 = wm_random_token(32);
    assert_int_equal(strlen(t1), 43);
    assert_string_not_equal(t1, t2);
    assert_true(wm_secure_streq(t1, t1));
    assert_false(wm_secure_streq(t1, t2));
    assert_false(wm_secure_streq("abc", "abcd"));
    free(t1);
    free(t2);
}

static void
test_atomic_write(void **state)
{
    (void)state;
    char dir[64];
    tdir_make(dir, sizeof dir, "util");
    char *p = wm_asprintf("%s/sub/dir", dir);
    assert_int_equal(wm_mkdirs(p, 0700), 0);
    char *f = wm_asprintf("%s/file.txt", p);
    assert_int_equal(wm_write_atomic(f, "hello", 5, 0600), 0);
    assert_int_equal(wm_write_atomic(f, "world!", 6, 0600), 0);
    size_t len;
    char *c = wm_read_file(f, &len);
    assert_int_equal(len, 6);
    assert_string_equal(c, "world!");
    struct stat st;
    assert_int_equal(stat(f, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* no temp file left behind */
    char *cmd = wm_asprintf("test $(ls -A %s | wc -l) -eq 1", p);
    assert_int_equal(system(cmd), 0);
    /* a write into a missing directory fails cleanly */
    char *g = wm_asprintf("%s/missing/x", dir);
    assert_true(wm_write_atomic(g, "x", 1, 0600) < 0);
    tdir_remove(dir);
    free(c);
    free(cmd);
    free(g);
    free(f);
    free(p);
}

static void
test_conf(void **state)
{
    (void)state;
    char path[] = "/tmp/wm_conf_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct wm_conf c;
    char err[256];
    /* the template parses and gives the defaults */
    char *t = wm_conf_template();
    assert_int_equal(wm_write_atomic(path, t, strlen(t), 0600), 0);
    wm_conf_defaults(&c);
    assert_int_equal(wm_conf_load(&c, path, err, sizeof err), 0);
    assert_string_equal(c.listen, "127.0.0.1:8080");
    assert_int_equal(c.lockout_attempts, 5);
    assert_int_equal(c.session_idle, 1800);
    /* issue 13: health, metrics, nginx */
    assert_int_equal(c.health_min_free_mb, 1024);
    assert_string_equal(c.metrics_allow, "127.0.0.1 ::1");
    assert_string_equal(c.accel_redirect, "");
    assert_non_null(strstr(t, "\naccel_redirect = \n"));
    wm_conf_free(&c);
    free(t);
    const char *txt = "# comment\nlisten = 0.0.0.0:9000 # trailing\ncookie_secure = yes\n";
    assert_int_equal(wm_write_atomic(path, txt, strlen(txt), 0600), 0);
    wm_conf_defaults(&c);
    assert_int_equal(wm_conf_load(&c, path, err, sizeof err), 0);
    assert_string_equal(c.listen, "0.0.0.0:9000");
    assert_true(c.cookie_secure);
    wm_conf_free(&c);
    const char *bad[] = {"lisen = x\n", "threads = many\n", "cookie_secure = maybe\n", "novalue\n"};
    for (size_t i = 0; i < WM_ARRAY_LEN(bad); i++) {
        assert_int_equal(wm_write_atomic(path, bad[i], strlen(bad[i]), 0600), 0);
        wm_conf_defaults(&c);
        assert_int_equal(wm_conf_load(&c, path, err, sizeof err), -1);
        assert_non_null(strstr(err, ":1:"));
        wm_conf_free(&c);
    }
    unlink(path);
}

/* Issue 13: the free space /healthz and /metrics read. */
static void
test_fs_free(void **state)
{
    (void)state;
    uint64_t n = 0;
    assert_int_equal(wm_fs_free_bytes("/tmp", &n), 0);
    assert_true(n > 0);
    assert_int_equal(wm_fs_free_bytes("/nonexistent/wenming/dir", &n), -ENOENT);
}

static void
test_errors(void **state)
{
    (void)state;
    assert_string_equal(wm_err_code(WM_E_NOT_FOUND), "not_found");
    assert_int_equal(wm_err_status(WM_E_NOT_FOUND), 404);
    assert_int_equal(wm_err_status(WM_E_TOO_LARGE), 413);
    assert_string_equal(wm_err_code(WM_E_UNSUPPORTED_MEDIA), "unsupported_media");
    assert_string_equal(wm_err_code((enum wm_err)999), "internal");
}

static void
test_cell_text(void **state)
{
    (void)state;
    struct wm_buf tmp = {0};
    static const char *const bad[] = {"=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\r=x"};
    for (size_t i = 0; i < WM_ARRAY_LEN(bad); i++) {
        const char *t = wm_cell_text(bad[i], &tmp);
        assert_int_equal(t[0], '\'');
        assert_string_equal(t + 1, bad[i]);
    }
    const char *plain = "创建领导小组文件 = 1";
    assert_ptr_equal(wm_cell_text(plain, &tmp), plain);
    assert_string_equal(wm_cell_text("", &tmp), "");
    assert_null(wm_cell_text(NULL, &tmp));
    wm_buf_free(&tmp);
}

/* Parse text under generous limits: it must parse, and cost no more than estimated. */
static void
json_estimate_holds(const char *what, const char *text, size_t len)
{
    const struct wm_json_limits lim = {
        .max_values = SIZE_MAX, .max_depth = 100, .max_alloc = SIZE_MAX};
    enum wm_json_why why;
    struct wm_json_cost cost;
    json_error_t err;
    json_t *v = wm_json_parse(text, len, JSON_REJECT_DUPLICATES, &lim, &err, &why, &cost);
    if (NULL == v) {
        fail_msg("%s: %s", what, err.text);
    }
    json_decref(v);
    if (cost.allocated > cost.estimate) {
        fail_msg("%s: jansson allocated %zu bytes, estimated %zu", what, cost.allocated,
                 cost.estimate);
    }
}

/* wm_json_parse: the scan counts outside strings only, each limit refuses, and the memory
** estimate bounds what jansson allocates, for every shape of document. */
static void
test_json_bounded(void **state)
{
    (void)state;
    const struct wm_json_limits lim = {.max_values = 100, .max_depth = 4, .max_alloc = 1 << 20};
    enum wm_json_why why;
    struct wm_json_cost cost;
    /* Brackets, commas and escaped quotes inside strings are text, not structure. */
    const char *text = "{\"a\":\"[[[[[[,,,,:::\\\"{{{{{{\"}";
    json_t *v = wm_json_parse(text, strlen(text), 0, &lim, NULL, &why, &cost);
    assert_non_null(v);
    assert_int_equal(why, WM_JSON_OK);
    assert_string_equal(json_string_value(json_object_get(v, "a")), "[[[[[[,,,,:::\"{{{{{{");
    assert_int_equal(cost.values, 3);
    assert_int_equal(cost.depth, 1);
    assert_true(cost.allocated > 0 && cost.allocated <= cost.estimate);
    json_decref(v);
    assert_null(wm_json_parse("[[[[[1]]]]]", 11, 0, &lim, NULL, &why, NULL));
    assert_int_equal(why, WM_JSON_DEPTH);
    struct wm_buf b = {0};
    wm_buf_adds(&b, "[0");
    for (int i = 0; i < 100; i++) {
        wm_buf_adds(&b, ",0");
    }
    wm_buf_adds(&b, "]");
    assert_null(wm_json_parse(b.data, b.len, 0, &lim, NULL, &why, NULL));
    assert_int_equal(why, WM_JSON_VALUES);
    /* Within the counts but over the memory limit: refused before jansson allocates. */
    wm_buf_reset(&b);
    wm_buf_adds(&b, "[\"");
    for (int i = 0; i < 1 << 20; i++) {
        wm_buf_addc(&b, 'x');
    }
    wm_buf_adds(&b, "\"]");
    assert_null(wm_json_parse(b.data, b.len, 0, &lim, NULL, &why, &cost));
    assert_int_equal(why, WM_JSON_MEMORY);
    assert_int_equal(cost.allocated, 0);
    json_error_t err;
    assert_null(wm_json_parse("{\"a\":}", 6, 0, &lim, &err, &why, NULL));
    assert_int_equal(why, WM_JSON_SYNTAX);
    assert_true(err.line > 0);

    /* The estimate against what jansson really allocates. */
    json_estimate_holds("long string", b.data, b.len);
    static const struct {
        const char *what, *first, *item, *last;
        int n;
    } shapes[] = {
        {"empty objects", "[", "{},", "{}]", 100000},
        {"empty arrays", "[", "[],", "[]]", 100000},
        {"integers", "[", "1234567,", "1]", 100000},
        {"reals", "[", "-1.5e300,", "1]", 100000},
        {"literals", "[", "true,null,false,", "1]", 100000},
        {"short strings", "[", "\"a\",", "\"\"]", 100000},
        {"escapes", "[", "\"\\u00e9\\n\\ud83d\\ude00\",", "\"\"]", 50000},
        {"nested", "[", "{\"a\":{\"b\":[1,\"x\",true,null,[]]}},", "{}]", 30000},
        {"deep", "", "[", "", 90},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        wm_buf_reset(&b);
        wm_buf_adds(&b, shapes[i].first);
        for (int k = 0; k < shapes[i].n; k++) {
            wm_buf_adds(&b, shapes[i].item);
        }
        wm_buf_adds(&b, shapes[i].last);
        if (0 == strcmp(shapes[i].what, "deep")) {
            for (int k = 0; k < shapes[i].n; k++) {
                wm_buf_addc(&b, ']');
            }
        }
        json_estimate_holds(shapes[i].what, b.data, b.len);
    }
    /* One object with many members, keys short and long (its table doubles as it grows). */
    wm_buf_reset(&b);
    wm_buf_adds(&b, "{");
    for (int k = 0; k < 100000; k++) {
        wm_buf_printf(&b, "%s\"k%d\":%d", k ? "," : "", k, k);
    }
    wm_buf_adds(&b, "}");
    json_estimate_holds("many members", b.data, b.len);
    wm_buf_reset(&b);
    wm_buf_adds(&b, "{");
    for (int k = 0; k < 2000; k++) {
        wm_buf_printf(&b, "%s\"%0500d\":\"%0300d\"", k ? "," : "", k, k);
    }
    wm_buf_adds(&b, "}");
    json_estimate_holds("long keys", b.data, b.len);
    wm_buf_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf),          cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_numbers),      cmocka_unit_test(test_url),
        cmocka_unit_test(test_sha256),       cmocka_unit_test(test_atomic_write),
        cmocka_unit_test(test_conf),         cmocka_unit_test(test_errors),
        cmocka_unit_test(test_fs_free), /* issue 13 */
        cmocka_unit_test(test_cell_text),    cmocka_unit_test(test_json_bounded),
        cmocka_unit_test(test_strip_invisible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* end of test_util.c */
