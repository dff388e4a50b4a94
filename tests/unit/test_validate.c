/*
 * Unit tests for base/validate (text measured in characters, identifiers) and the error
 * convention of base/error that it fills in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/error.h"
#include "base/validate.h"

#include <string.h>

/* Forty and forty-one Hangul syllables: the display-name limit and one past it. */
#define HANGUL_10 "가나다라마바사아자차"
#define HANGUL_40 HANGUL_10 HANGUL_10 HANGUL_10 HANGUL_10
#define HANGUL_41 HANGUL_40 "카"

static const struct {
        const char *s;
        size_t min, max;
        int want;
} text_cases[] = {
    {"홍길동", 1, 40, PCRM_OK},
    {"김", 1, 40, PCRM_OK},
    {"", 1, 40, PCRM_EINVALID},
    {"", 0, 20, PCRM_OK},
    {HANGUL_40, 1, 40, PCRM_OK},
    {HANGUL_41, 1, 40, PCRM_EINVALID},
    {"민원여권과", 5, 5, PCRM_OK},
    {"민원과", 4, 50, PCRM_EINVALID},
    {"서울특별시 종로구", 9, 9, PCRM_OK},
    {"서울특별시 종로구", 1, 8, PCRM_EINVALID},
    {"Kim 민수", 6, 6, PCRM_OK},
    {"비밀번호는열자입니다", 10, 128, PCRM_OK},
    {"password9", 10, 128, PCRM_EINVALID},
    {"도로 파손 \xF0\x9F\x9A\xA7", 7, 7, PCRM_OK},
    {"02-2148-1114", 0, 20, PCRM_OK},
    {"\xED\xA0\x80", 0, 20, PCRM_EINVALID},
    {"\xC0\xAF", 0, 20, PCRM_EINVALID},
    {"종로\xEC", 0, 20, PCRM_EINVALID},
    {"홍\x01길동", 1, 40, PCRM_EINVALID},
    {"\x1B[2J홍길동", 1, 40, PCRM_EINVALID},
    {"홍길동\x7F", 1, 40, PCRM_EINVALID},
};

static void test_text_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
                struct pcrm_error e = {0};
                int got = validate_text("name", text_cases[i].s, text_cases[i].min,
                                        text_cases[i].max, &e);
                if (got != text_cases[i].want)
                        fail_msg("validate_text(\"%s\", %zu..%zu) = %s, want %s", text_cases[i].s,
                                 text_cases[i].min, text_cases[i].max, err_code_name(got),
                                 err_code_name(text_cases[i].want));
                if (got != PCRM_OK) {
                        assert_int_equal(e.code, PCRM_EINVALID);
                        assert_string_equal(e.field, "name");
                        assert_true(strlen(e.message) > 0);
                }
        }
}

/*
 * validate.h: "Valid UTF-8 text without control characters". Tab, CR and LF are control
 * characters; in a name, phone number or key name (every caller of validate_text) they
 * break log lines, CSV exports and screens.
 */
static void test_text_refuses_line_breaks_and_tabs(void **state)
{
        (void)state;
        static const char *const values[] = {"홍길동\n관리자", "민원과\r", "\t종로구",
                                             "02-2148-1114\r\n"};
        for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
                struct pcrm_error e = {0};
                int got = validate_text("display_name", values[i], 1, 40, &e);
                if (got != PCRM_EINVALID)
                        fail_msg("validate_text(value %zu with tab/CR/LF) = %s, want invalid", i,
                                 err_code_name(got));
        }
}

static void test_text_null_is_missing(void **state)
{
        (void)state;
        struct pcrm_error e = {0};
        assert_int_equal(validate_text("display_name", NULL, 0, 40, &e), PCRM_EINVALID);
        assert_int_equal(e.code, PCRM_EINVALID);
        assert_string_equal(e.field, "display_name");
        assert_non_null(strstr(e.message, "display_name"));
}

static void test_text_ok_leaves_error_alone(void **state)
{
        (void)state;
        struct pcrm_error e = {.code = PCRM_ENOTFOUND, .field = "before", .message = "이전"};
        assert_int_equal(validate_text("name", "종로구", 1, 50, &e), PCRM_OK);
        assert_int_equal(e.code, PCRM_ENOTFOUND);
        assert_string_equal(e.field, "before");
}

static void test_text_without_error_struct(void **state)
{
        (void)state;
        assert_int_equal(validate_text("name", "", 1, 50, NULL), PCRM_EINVALID);
        assert_int_equal(validate_text("name", "종로구", 1, 50, NULL), PCRM_OK);
}

static const struct {
        const char *s;
        size_t min, max;
        int want;
} code_cases[] = {
    {"jongno", 2, 31, PCRM_OK},
    {"seoul-jongno", 2, 31, PCRM_OK},
    {"dept_01", 1, 32, PCRM_OK},
    {"v1.2", 1, 32, PCRM_OK},
    {"0minwon", 1, 32, PCRM_OK},
    {"11110", 2, 31, PCRM_OK},
    {"hong.gildong", 3, 32, PCRM_OK},
    {"abc", 3, 3, PCRM_OK},
    {"ab", 3, 32, PCRM_EINVALID},
    {"abcd", 1, 3, PCRM_EINVALID},
    {"", 1, 32, PCRM_EINVALID},
    {"j", 2, 31, PCRM_EINVALID},
    {"-jongno", 1, 32, PCRM_EINVALID},
    {"_jongno", 1, 32, PCRM_EINVALID},
    {".jongno", 1, 32, PCRM_EINVALID},
    {"Jongno", 1, 32, PCRM_EINVALID},
    {"jongNo", 1, 32, PCRM_EINVALID},
    {"종로구", 1, 32, PCRM_EINVALID},
    {"jong no", 1, 32, PCRM_EINVALID},
    {"jong/no", 1, 32, PCRM_EINVALID},
    {"hong@jongno", 1, 32, PCRM_EINVALID},
    {"jongno\n", 1, 32, PCRM_EINVALID},
    {"jongno!", 1, 32, PCRM_EINVALID},
};

static void test_code_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(code_cases) / sizeof(code_cases[0]); i++) {
                struct pcrm_error e = {0};
                int got = validate_code("code", code_cases[i].s, code_cases[i].min,
                                        code_cases[i].max, &e);
                if (got != code_cases[i].want)
                        fail_msg("validate_code(\"%s\", %zu..%zu) = %s, want %s", code_cases[i].s,
                                 code_cases[i].min, code_cases[i].max, err_code_name(got),
                                 err_code_name(code_cases[i].want));
                if (got != PCRM_OK)
                        assert_string_equal(e.field, "code");
        }
}

static void test_code_null_is_missing(void **state)
{
        (void)state;
        struct pcrm_error e = {0};
        assert_int_equal(validate_code("username", NULL, 3, 32, &e), PCRM_EINVALID);
        assert_string_equal(e.field, "username");
}

static void test_code_length_is_bytes(void **state)
{
        (void)state;
        char s[40];
        memset(s, 'a', 32);
        s[32] = '\0';
        assert_int_equal(validate_code("username", s, 3, 32, NULL), PCRM_OK);
        s[32] = 'a';
        s[33] = '\0';
        assert_int_equal(validate_code("username", s, 3, 32, NULL), PCRM_EINVALID);
}

static const struct {
        enum pcrm_errcode code;
        const char *name;
} code_names[] = {
    {PCRM_OK, "ok"},
    {PCRM_EINVALID, "invalid"},
    {PCRM_ENOTFOUND, "not_found"},
    {PCRM_ECONFLICT, "conflict"},
    {PCRM_EFORBIDDEN, "forbidden"},
    {PCRM_ERULE, "rule_violated"},
    {PCRM_EINTERNAL, "internal"},
};

static void test_error_code_names(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(code_names) / sizeof(code_names[0]); i++)
                assert_string_equal(err_code_name(code_names[i].code), code_names[i].name);
}

static void test_err_set_fills_and_returns_code(void **state)
{
        (void)state;
        struct pcrm_error e;
        memset(&e, 0x5A, sizeof(e));
        int rc = err_set(&e, PCRM_ECONFLICT, "code", "이미 있는 부서 코드입니다: %s", "minwon");
        assert_int_equal(rc, PCRM_ECONFLICT);
        assert_int_equal(e.code, PCRM_ECONFLICT);
        assert_string_equal(e.field, "code");
        assert_string_equal(e.message, "이미 있는 부서 코드입니다: minwon");
        assert_int_equal(err_set(&e, PCRM_EINTERNAL, NULL, "데이터베이스 오류"), PCRM_EINTERNAL);
        assert_string_equal(e.field, "");
        assert_int_equal(err_set(NULL, PCRM_ERULE, "x", "무시"), PCRM_ERULE);
}

static void test_err_set_truncates_long_message(void **state)
{
        (void)state;
        struct pcrm_error e;
        char longtext[600];
        memset(longtext, 'x', sizeof(longtext) - 1);
        longtext[sizeof(longtext) - 1] = '\0';
        err_set(&e, PCRM_EINVALID, longtext, "%s", longtext);
        assert_int_equal(strlen(e.field), sizeof(e.field) - 1);
        assert_int_equal(strlen(e.message), sizeof(e.message) - 1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_text_table),
            cmocka_unit_test(test_text_refuses_line_breaks_and_tabs),
            cmocka_unit_test(test_text_null_is_missing),
            cmocka_unit_test(test_text_ok_leaves_error_alone),
            cmocka_unit_test(test_text_without_error_struct),
            cmocka_unit_test(test_code_table),
            cmocka_unit_test(test_code_null_is_missing),
            cmocka_unit_test(test_code_length_is_bytes),
            cmocka_unit_test(test_error_code_names),
            cmocka_unit_test(test_err_set_fills_and_returns_code),
            cmocka_unit_test(test_err_set_truncates_long_message),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
