/*
** test_totp.c — the rules of the TOTP second factor (src/core/totp.c, issue 13): RFC 6238
** Appendix B (SHA1, 8 digits, and the 6-digit truncation of the same values), the window and
** replay rule of wm_totp_verify, RFC 4648 §10 base32 vectors, the otpauth URI, the QR code's
** SVG, recovery codes and their hashes, the totp_required policy.
*/
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wm_core.h"

static const unsigned char rfc_key[] = "12345678901234567890";

static void
test_rfc6238_sha1(void **state)
{
    (void)state;
    static const struct {
        int64_t t;
        uint32_t code;
    } v[] = {{59, 94287082},         {1111111109, 7081804}, {1111111111, 14050471},
             {1234567890, 89005924}, {2000000000, 69279037}, {20000000000LL, 65353130}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint64_t step = (uint64_t)wm_totp_step(v[i].t);
        assert_int_equal(wm_totp_code(rfc_key, 20, step, 8), v[i].code);
        /* 6 digits: the same truncated value modulo 10^6 */
        assert_int_equal(wm_totp_code(rfc_key, 20, step, 6), v[i].code % 1000000);
    }
    assert_int_equal(wm_totp_step(59), 1);
    assert_int_equal(wm_totp_step(1111111109), 37037036);
}

static void
code6(int64_t t, char out[8])
{
    snprintf(out, 8, "%06u", (unsigned)wm_totp_code(rfc_key, 20, (uint64_t)wm_totp_step(t), 6));
}

static void
test_verify_window_and_replay(void **state)
{
    (void)state;
    const int64_t now = 1111111111; /* step 37037037 */
    char c[8];
    code6(now, c);
    assert_int_equal(wm_totp_verify(rfc_key, 20, c, now, 0), 37037037);
    /* the same step again, or once a later one was used: refused */
    assert_int_equal(wm_totp_verify(rfc_key, 20, c, now, 37037037), 0);
    assert_int_equal(wm_totp_verify(rfc_key, 20, c, now, 37037038), 0);
    /* the step before and after are accepted, two away are not */
    code6(now - 30, c);
    assert_int_equal(wm_totp_verify(rfc_key, 20, c, now, 0), 37037036);
    code6(now + 30, c);
    assert_int_equal(wm_totp_verify(rfc_key, 20, c, now, 0), 37037038);
    code6(now - 60, c);
    assert_int_equal(wm_totp_verify(rfc_key, 20, c, now, 0), 0);
    code6(now + 60, c);
    assert_int_equal(wm_totp_verify(rfc_key, 20, c, now, 0), 0);
    /* spaces are fine; other forms are not */
    code6(now, c);
    char spaced[16];
    snprintf(spaced, sizeof spaced, "%.3s %.3s", c, c + 3);
    assert_int_equal(wm_totp_verify(rfc_key, 20, spaced, now, 0), 37037037);
    assert_int_equal(wm_totp_verify(rfc_key, 20, "12345", now, 0), 0);
    assert_int_equal(wm_totp_verify(rfc_key, 20, "1234567", now, 0), 0);
    assert_int_equal(wm_totp_verify(rfc_key, 20, "12a456", now, 0), 0);
    assert_int_equal(wm_totp_verify(rfc_key, 20, "", now, 0), 0);
    assert_int_equal(wm_totp_verify(rfc_key, 20, NULL, now, 0), 0);
    /* a wrong code: the right one plus one */
    unsigned wrong = (wm_totp_code(rfc_key, 20, 37037037, 6) + 1) % 1000000;
    unsigned prev = wm_totp_code(rfc_key, 20, 37037036, 6),
             next = wm_totp_code(rfc_key, 20, 37037038, 6);
    if (wrong != prev && wrong != next) {
        snprintf(c, sizeof c, "%06u", wrong);
        assert_int_equal(wm_totp_verify(rfc_key, 20, c, now, 0), 0);
    }
}

static void
test_base32(void **state)
{
    (void)state;
    /* RFC 4648 §10, without the padding */
    static const char *const v[][2] = {{"", ""},           {"f", "MY"},
                                       {"fo", "MZXQ"},     {"foo", "MZXW6"},
                                       {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"},
                                       {"foobar", "MZXW6YTBOI"}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char *e = wm_base32_encode((const unsigned char *)v[i][0], strlen(v[i][0]));
        assert_string_equal(e, v[i][1]);
        free(e);
        unsigned char out[16];
        size_t n = 99;
        assert_true(wm_base32_decode(v[i][1], out, sizeof out, &n));
        assert_int_equal(n, strlen(v[i][0]));
        assert_memory_equal(out, v[i][0], n);
    }
    /* padded, lower case, spaced: accepted; bad symbols and overflow: refused */
    unsigned char out[16];
    size_t n;
    assert_true(wm_base32_decode("mzxw 6ytb oi======", out, sizeof out, &n));
    assert_int_equal(n, 6);
    assert_memory_equal(out, "foobar", 6);
    assert_false(wm_base32_decode("MZXW1", out, sizeof out, &n));  /* 1 is not base32 */
    assert_false(wm_base32_decode("MZ=XW", out, sizeof out, &n));  /* data after padding */
    assert_false(wm_base32_decode("MZXW6YTBOI", out, 3, &n));      /* too long for out */
    /* the RFC key as a secret */
    char *s = wm_base32_encode(rfc_key, 20);
    assert_string_equal(s, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    unsigned char key[WM_TOTP_SECRET_BYTES];
    assert_true(wm_totp_key(s, key));
    assert_memory_equal(key, rfc_key, 20);
    free(s);
    assert_false(wm_totp_key("MZXW6", key)); /* not 20 bytes */
    /* new secrets: 32 symbols, different each time */
    char *a = wm_totp_secret_new(), *b = wm_totp_secret_new();
    assert_int_equal(strlen(a), 32);
    assert_string_not_equal(a, b);
    assert_true(wm_totp_key(a, key));
    free(a);
    free(b);
}

static void
test_uri_and_qr(void **state)
{
    (void)state;
    char *u = wm_totp_uri("wenming", "li si@x", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    assert_string_equal(u, "otpauth://totp/wenming:li%20si%40x?secret="
                           "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=wenming&algorithm=SHA1"
                           "&digits=6&period=30");
    char *svg = wm_qr_svg(u);
    assert_non_null(svg);
    assert_true(0 == strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39));
    assert_non_null(strstr(svg, "<rect x="));
    assert_null(strstr(svg, "<script"));
    assert_null(strstr(svg, "style"));
    assert_string_equal(svg + strlen(svg) - 6, "</svg>");
    free(svg);
    free(u);
}

static void
test_recovery(void **state)
{
    (void)state;
    char *c = wm_recovery_code_new(), *d = wm_recovery_code_new();
    assert_int_equal(strlen(c), 14);
    assert_true('-' == c[4] && '-' == c[9]);
    assert_string_not_equal(c, d);
    char h1[65], h2[65], h3[65];
    assert_true(wm_recovery_hash(7, c, h1));
    /* as typed: upper case, without dashes, with spaces */
    char typed[32];
    size_t n = 0;
    for (const char *p = c; *p; p++) {
        if ('-' != *p) {
            typed[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
            if (4 == n || 9 == n) {
                typed[n++] = ' ';
            }
        }
    }
    typed[n] = '\0';
    assert_true(wm_recovery_hash(7, typed, h2));
    assert_string_equal(h1, h2);
    /* keyed by the account */
    assert_true(wm_recovery_hash(8, c, h3));
    assert_string_not_equal(h1, h3);
    assert_false(wm_recovery_hash(7, "123456", h3));
    assert_false(wm_recovery_hash(7, "abcd-efgh-ijk!", h3));
    free(c);
    free(d);
}

static void
test_policy(void **state)
{
    (void)state;
    assert_true(wm_totp_set_required("admin, office"));
    assert_true(wm_totp_required(WM_ROLE_ADMIN));
    assert_true(wm_totp_required(WM_ROLE_OFFICE));
    assert_false(wm_totp_required(WM_ROLE_UNIT_ADMIN));
    assert_false(wm_totp_set_required("admin,nobody")); /* unknown: nothing changes */
    assert_true(wm_totp_required(WM_ROLE_OFFICE));
    assert_true(wm_totp_set_required(""));
    assert_false(wm_totp_required(WM_ROLE_ADMIN));
    wm_password_set_max_age(90);
    assert_int_equal(wm_password_max_age(), 90);
    wm_password_set_max_age(0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc6238_sha1),   cmocka_unit_test(test_verify_window_and_replay),
        cmocka_unit_test(test_base32),         cmocka_unit_test(test_uri_and_qr),
        cmocka_unit_test(test_recovery),       cmocka_unit_test(test_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* end of test_totp.c */
