/*
 * Unit tests for base/csv, the RFC 4180 reader.
 *
 * Each case is an input text and the records it must produce, written as one string:
 * records are separated by newlines and start with their line number ("3:"), fields are
 * separated by '|', and inside a field a line feed shows as \n, a carriage return as \r
 * and a '|' as \|. Error cases also name the error text and the line the bad record
 * starts on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads records until the end or an error; returns the last csv_next result. */
static int render(struct csv_reader *r, struct buf *out)
{
        int rc;
        while ((rc = csv_next(r)) == 1) {
                if (out->len)
                        buf_putc(out, '\n');
                buf_printf(out, "%zu:", r->line);
                for (size_t i = 0; i < r->nfields; i++) {
                        const char *f = csv_field(r, i);
                        assert_non_null(f);
                        if (i)
                                buf_putc(out, '|');
                        for (; *f; f++) {
                                if (*f == '\n')
                                        buf_puts(out, "\\n");
                                else if (*f == '\r')
                                        buf_puts(out, "\\r");
                                else if (*f == '|')
                                        buf_puts(out, "\\|");
                                else
                                        buf_putc(out, *f);
                        }
                }
                assert_null(csv_field(r, r->nfields));
        }
        return rc;
}

struct ok_case {
        const char *name;
        const char *input;
        const char *want;
};

static void check_ok(const struct ok_case *cases, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                struct csv_reader r;
                struct buf got;
                buf_init(&got, BUF_NO_LIMIT);
                csv_init(&r, cases[i].input, strlen(cases[i].input));
                int rc = render(&r, &got);
                if (rc != 0)
                        fail_msg("%s: csv_next returned %d (%s) after \"%s\"", cases[i].name, rc,
                                 r.error ? r.error : "no error", got.data);
                if (strcmp(got.data, cases[i].want))
                        fail_msg("%s:\n got \"%s\"\nwant \"%s\"", cases[i].name, got.data,
                                 cases[i].want);
                /* The end stays the end. */
                assert_int_equal(csv_next(&r), 0);
                csv_release(&r);
                buf_release(&got);
        }
}

#define CHECK_OK(cases) check_ok(cases, sizeof(cases) / sizeof(cases[0]))

static void test_simple_records(void **state)
{
        (void)state;
        static const struct ok_case cases[] = {
            {"lf records", "code,name\njongno,종로구\n", "1:code|name\n2:jongno|종로구"},
            {"crlf records", "code,name\r\njongno,종로구\r\n", "1:code|name\n2:jongno|종로구"},
            {"mixed endings", "a,b\r\nc,d\ne,f\r\n", "1:a|b\n2:c|d\n3:e|f"},
            {"last line without newline", "a,b\nc,d", "1:a|b\n2:c|d"},
            {"single field", "홍길동\n", "1:홍길동"},
            {"single field no newline", "홍길동", "1:홍길동"},
            {"spaces are kept", " a , b \n", "1: a | b "},
            {"lone cr inside a field is data", "a\rb,c\n", "1:a\\rb|c"},
        };
        CHECK_OK(cases);
}

static void test_quoted_fields(void **state)
{
        (void)state;
        static const struct ok_case cases[] = {
            {"comma in quotes", "\"서울특별시 종로구, 삼봉로 43\",02-2148-1114\n",
             "1:서울특별시 종로구, 삼봉로 43|02-2148-1114"},
            {"doubled quote", "\"그는 \"\"급함\"\"이라고 했다\",b\n",
             "1:그는 \"급함\"이라고 했다|b"},
            {"only a doubled quote", "\"\"\"\"\n", "1:\""},
            {"quoted empty", "\"\",x\n", "1:|x"},
            {"quoted at the end of input", "a,\"b,c\"", "1:a|b,c"},
            {"quoted then crlf", "\"a\"\r\n\"b\"\r\n", "1:a\n2:b"},
            {"quoted field with pipe", "\"a|b\"\n", "1:a\\|b"},
            {"quoted plain text", "\"jongno\",\"종로구\"\n", "1:jongno|종로구"},
        };
        CHECK_OK(cases);
}

static void test_line_breaks_inside_quotes(void **state)
{
        (void)state;
        static const struct ok_case cases[] = {
            {"lf inside quotes", "id,body\n1,\"첫째 줄\n둘째 줄\"\n2,끝\n",
             "1:id|body\n2:1|첫째 줄\\n둘째 줄\n4:2|끝"},
            {"crlf inside quotes", "1,\"가\r\n나\r\n다\"\r\n2,라\r\n",
             "1:1|가\\r\\n나\\r\\n다\n4:2|라"},
            {"several broken fields", "\"a\nb\",\"c\nd\"\ne\n", "1:a\\nb|c\\nd\n4:e"},
            {"only line breaks quoted", "\"\n\n\"\nx\n", "1:\\n\\n\n4:x"},
        };
        CHECK_OK(cases);
}

static void test_empty_fields(void **state)
{
        (void)state;
        static const struct ok_case cases[] = {
            {"all empty", ",,\n", "1:||"},
            {"empty middle", "a,,b\n", "1:a||b"},
            {"trailing comma", "a,b,\n", "1:a|b|"},
            {"leading comma", ",a\n", "1:|a"},
            {"trailing comma at end of input", "a,", "1:a|"},
            {"empty first line", "\nb\n", "1:\n2:b"},
        };
        CHECK_OK(cases);
}

static void test_byte_order_mark(void **state)
{
        (void)state;
        static const struct ok_case cases[] = {
            {"bom skipped", "\xEF\xBB\xBF이름,전화\n홍길동,010-1234-5678\n",
             "1:이름|전화\n2:홍길동|010-1234-5678"},
            {"bom before quoted field", "\xEF\xBB\xBF\"이름\",전화\n", "1:이름|전화"},
            {"bom only", "\xEF\xBB\xBF", ""},
            {"bom later is data",
             "a\n\xEF\xBB\xBF"
             "b\n",
             "1:a\n2:\xEF\xBB\xBF"
             "b"},
        };
        CHECK_OK(cases);
}

static void test_korean_import_file(void **state)
{
        (void)state;
        static const struct ok_case cases[] = {
            {"department import",
             "\xEF\xBB\xBF"
             "코드,부서명,상위부서,전화\r\n"
             "admin,행정지원국,,02-2148-1000\r\n"
             "minwon,민원여권과,admin,02-2148-1114\r\n"
             "road,\"도로과(도로·교량)\",admin,\"02-2148-2500, 2501\"\r\n",
             "1:코드|부서명|상위부서|전화\n"
             "2:admin|행정지원국||02-2148-1000\n"
             "3:minwon|민원여권과|admin|02-2148-1114\n"
             "4:road|도로과(도로·교량)|admin|02-2148-2500, 2501"},
            {"complaint with multi-line body",
             "접수번호,내용\n"
             "2026-000123,\"종로3가역 2번 출구 앞\n보도블록이 깨져 있습니다.\n\"\"위험\"\"\"\n"
             "2026-000124,가로등 고장\n",
             "1:접수번호|내용\n"
             "2:2026-000123|종로3가역 2번 출구 앞\\n보도블록이 깨져 있습니다.\\n\"위험\"\n"
             "5:2026-000124|가로등 고장"},
        };
        CHECK_OK(cases);
}

static void test_empty_input(void **state)
{
        (void)state;
        struct csv_reader r;
        csv_init(&r, "", 0);
        assert_int_equal(csv_next(&r), 0);
        assert_int_equal(r.nfields, 0);
        assert_null(csv_field(&r, 0));
        assert_int_equal(csv_next(&r), 0);
        csv_release(&r);
}

/* Fields stay valid until the next csv_next, and the reader only borrows the input. */
static void test_fields_are_owned_by_reader(void **state)
{
        (void)state;
        char *input = strdup("종로구,중구\n");
        assert_non_null(input);
        struct csv_reader r;
        csv_init(&r, input, strlen(input));
        assert_int_equal(csv_next(&r), 1);
        /* Overwriting the consumed input does not touch the record's fields. */
        memset(input, 'x', strlen(input));
        assert_string_equal(csv_field(&r, 0), "종로구");
        assert_string_equal(csv_field(&r, 1), "중구");
        assert_int_equal(csv_next(&r), 0);
        csv_release(&r);
        free(input);
}

static void test_field_count_limit(void **state)
{
        (void)state;
        struct buf in;
        buf_init(&in, BUF_NO_LIMIT);
        for (int i = 0; i < CSV_MAX_FIELDS; i++)
                buf_printf(&in, "%sf%d", i ? "," : "", i);
        buf_puts(&in, "\n");
        size_t ok_len = in.len;
        for (int i = 0; i <= CSV_MAX_FIELDS; i++)
                buf_printf(&in, "%sg%d", i ? "," : "", i);
        buf_puts(&in, "\n");

        struct csv_reader r;
        csv_init(&r, in.data, in.len);
        assert_int_equal(csv_next(&r), 1);
        assert_int_equal(r.nfields, CSV_MAX_FIELDS);
        assert_string_equal(csv_field(&r, 0), "f0");
        assert_string_equal(csv_field(&r, CSV_MAX_FIELDS - 1), "f127");
        assert_null(csv_field(&r, CSV_MAX_FIELDS));
        assert_int_equal(csv_next(&r), -1);
        assert_non_null(r.error);
        assert_string_equal(r.error, "too many fields");
        assert_int_equal(r.line, 2);
        csv_release(&r);
        assert_true(ok_len < in.len);
        buf_release(&in);
}

struct bad_case {
        const char *name;
        const char *input;
        const char *want_before; /* records read before the error */
        const char *want_error;
        size_t want_line;
};

static void test_malformed_input(void **state)
{
        (void)state;
        static const struct bad_case cases[] = {
            {"unterminated quote", "a,b\n\"종로구,중구\n", "1:a|b", "unterminated quoted field", 2},
            {"unterminated after line breaks", "x\n\"a\nb\nc", "1:x", "unterminated quoted field",
             2},
            {"text after closing quote", "\"종로\"구,b\n", "", "text after a closing quote", 1},
            {"space after closing quote", "a\n\"b\" ,c\n", "1:a", "text after a closing quote", 2},
            {"quote inside unquoted field", "a,b\"c\n", "", "quote inside an unquoted field", 1},
            {"quote at end of unquoted field", "홍길동\"\n", "", "quote inside an unquoted field",
             1},
            {"error after multi-line record", "\"a\nb\",c\nd\"e\n", "1:a\\nb|c",
             "quote inside an unquoted field", 3},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct csv_reader r;
                struct buf got;
                buf_init(&got, BUF_NO_LIMIT);
                csv_init(&r, cases[i].input, strlen(cases[i].input));
                int rc = render(&r, &got);
                if (rc != -1)
                        fail_msg("%s: csv_next returned %d, want -1", cases[i].name, rc);
                if (strcmp(got.data, cases[i].want_before))
                        fail_msg("%s: records before the error \"%s\", want \"%s\"", cases[i].name,
                                 got.data, cases[i].want_before);
                if (!r.error || strcmp(r.error, cases[i].want_error))
                        fail_msg("%s: error \"%s\", want \"%s\"", cases[i].name,
                                 r.error ? r.error : "(null)", cases[i].want_error);
                if (r.line != cases[i].want_line)
                        fail_msg("%s: error on line %zu, want %zu", cases[i].name, r.line,
                                 cases[i].want_line);
                csv_release(&r);
                buf_release(&got);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_simple_records),
            cmocka_unit_test(test_quoted_fields),
            cmocka_unit_test(test_line_breaks_inside_quotes),
            cmocka_unit_test(test_empty_fields),
            cmocka_unit_test(test_byte_order_mark),
            cmocka_unit_test(test_korean_import_file),
            cmocka_unit_test(test_empty_input),
            cmocka_unit_test(test_fields_are_owned_by_reader),
            cmocka_unit_test(test_field_count_limit),
            cmocka_unit_test(test_malformed_input),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
