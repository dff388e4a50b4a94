/*
 * Unit tests for base/buf: the growable byte string with a hard maximum.
 *
 * The contract under test: data is never NULL and always NUL-terminated; an append that
 * would pass max fails and leaves the buf exactly as it was; detach hands over a malloc'd
 * string and empties the buf; release frees and leaves the buf reusable.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The invariants that hold after every operation, whatever it returned. */
static void assert_buf_ok(const struct buf *b)
{
        assert_non_null(b->data);
        assert_int_equal(b->data[b->len], '\0');
        if (b->cap)
                assert_true(b->len < b->cap);
        else
                assert_int_equal(b->len, 0);
        assert_true(b->len <= b->max);
}

static void assert_buf_is(const struct buf *b, const char *want, size_t want_len)
{
        assert_buf_ok(b);
        assert_int_equal(b->len, want_len);
        assert_memory_equal(b->data, want, want_len);
}

static void test_init_gives_empty_string(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, 100);
        assert_buf_is(&b, "", 0);
        assert_string_equal(b.data, "");
        assert_int_equal(b.max, 100);
        assert_int_equal(b.cap, 0);
        buf_release(&b);
}

static void test_puts_appends_korean(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        assert_int_equal(buf_puts(&b, "민원"), 0);
        assert_int_equal(buf_puts(&b, " 접수"), 0);
        assert_string_equal(b.data, "민원 접수");
        assert_int_equal(b.len, strlen("민원 접수"));
        assert_int_equal(b.len, 13);
        assert_buf_ok(&b);
        buf_release(&b);
}

static void test_append_keeps_embedded_nul(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        assert_int_equal(buf_append(&b, "종\0로", 7), 0);
        assert_buf_is(&b, "종\0로", 7);
        assert_int_equal(b.data[3], '\0');
        buf_release(&b);
}

static void test_append_zero_bytes(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        assert_int_equal(buf_append(&b, "", 0), 0);
        assert_buf_is(&b, "", 0);
        assert_int_equal(buf_puts(&b, "구청"), 0);
        assert_int_equal(buf_append(&b, "무시", 0), 0);
        assert_string_equal(b.data, "구청");
        buf_release(&b);
}

static void test_putc_builds_string(void **state)
{
        (void)state;
        static const char want[] = "02-2148-1114";
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        for (size_t i = 0; i < sizeof(want) - 1; i++) {
                assert_int_equal(buf_putc(&b, want[i]), 0);
                assert_buf_ok(&b);
        }
        assert_string_equal(b.data, want);
        buf_release(&b);
}

static void test_printf_formats_and_appends(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        assert_int_equal(buf_printf(&b, "%s %d건", "종로구", 42), 0);
        assert_string_equal(b.data, "종로구 42건");
        assert_int_equal(buf_printf(&b, ", 처리율 %.1f%%", 97.5), 0);
        assert_string_equal(b.data, "종로구 42건, 처리율 97.5%");
        assert_int_equal(b.len, strlen("종로구 42건, 처리율 97.5%"));
        assert_buf_ok(&b);
        buf_release(&b);
}

static void test_printf_empty_result(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        assert_int_equal(buf_printf(&b, "%s", ""), 0);
        assert_buf_is(&b, "", 0);
        buf_release(&b);
}

static int call_vprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int call_vprintf(struct buf *b, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int rc = buf_vprintf(b, fmt, ap);
        va_end(ap);
        return rc;
}

static void test_vprintf_uses_va_list(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        assert_int_equal(call_vprintf(&b, "%s-%04d", "2026", 923), 0);
        assert_string_equal(b.data, "2026-0923");
        buf_release(&b);
}

/*
 * The limit: `first` is appended to an empty buf of `max`, then `second`. An append that
 * fails must leave the content exactly as before it.
 */
enum op { OP_PUTS, OP_PRINTF, OP_PUTC };
struct limit_case {
        const char *name;
        size_t max;
        const char *first;
        int first_rc;
        enum op op;
        const char *second;
        int second_rc;
        const char *want;
};
static const struct limit_case limit_cases[] = {
    {"fits exactly", 8, "12345678", 0, OP_PUTS, "", 0, "12345678"},
    {"one byte over after full", 8, "12345678", 0, OP_PUTC, "x", -1, "12345678"},
    {"first append over max", 8, "123456789", -1, OP_PUTS, "1234", 0, "1234"},
    {"second append crosses max", 10, "민원", 0, OP_PUTS, "접수", -1, "민원"},
    {"korean fits to the byte", 6, "종로", 0, OP_PUTS, "구", -1, "종로"},
    {"printf over max leaves buf", 10, "상담", 0, OP_PRINTF, "%d", -1, "상담"},
    {"printf fits to the byte", 10, "상담", 0, OP_PRINTF, "12", 0, "상담12"},
    {"max zero refuses one byte", 0, "", 0, OP_PUTC, "a", -1, ""},
    {"max zero accepts nothing", 0, "", 0, OP_PUTS, "", 0, ""},
    {"max one", 1, "a", 0, OP_PUTS, "b", -1, "a"},
};

static void test_max_limit_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(limit_cases) / sizeof(limit_cases[0]); i++) {
                const struct limit_case *c = &limit_cases[i];
                struct buf b;
                buf_init(&b, c->max);
                int rc = buf_puts(&b, c->first);
                if (rc != c->first_rc)
                        fail_msg("%s: first append returned %d, want %d", c->name, rc, c->first_rc);
                switch (c->op) {
                case OP_PUTS:
                        rc = buf_puts(&b, c->second);
                        break;
                case OP_PUTC:
                        rc = buf_putc(&b, c->second[0]);
                        break;
                case OP_PRINTF:
                        /* "%d" formats 123456 (six bytes); "12" is literal text. */
                        rc = strcmp(c->second, "%d") ? buf_printf(&b, "%s", c->second)
                                                     : buf_printf(&b, "%d", 123456);
                        break;
                }
                if (rc != c->second_rc)
                        fail_msg("%s: second append returned %d, want %d", c->name, rc,
                                 c->second_rc);
                if (strcmp(b.data, c->want) || b.len != strlen(c->want))
                        fail_msg("%s: buf holds \"%s\" (%zu bytes), want \"%s\"", c->name, b.data,
                                 b.len, c->want);
                assert_buf_ok(&b);
                assert_int_equal(b.max, c->max);
                buf_release(&b);
        }
}

static void test_failed_append_keeps_memory(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, 16);
        assert_int_equal(buf_puts(&b, "서울특별시"), 0);
        char *before = b.data;
        size_t cap = b.cap;
        assert_int_equal(buf_puts(&b, " 종로구"), -1);
        assert_ptr_equal(b.data, before);
        assert_int_equal(b.cap, cap);
        assert_string_equal(b.data, "서울특별시");
        buf_release(&b);
}

static void test_growth_across_many_appends(void **state)
{
        (void)state;
        static const char piece[] = "가나다라,";
        const size_t plen = sizeof(piece) - 1;
        const size_t n = 20000;
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        size_t growths = 0, last_cap = 0;
        for (size_t i = 0; i < n; i++) {
                assert_int_equal(buf_puts(&b, piece), 0);
                if (b.cap != last_cap) {
                        growths++;
                        last_cap = b.cap;
                }
        }
        assert_buf_ok(&b);
        assert_int_equal(b.len, n * plen);
        assert_int_equal(strlen(b.data), n * plen);
        for (size_t i = 0; i < n; i += 997)
                assert_memory_equal(b.data + i * plen, piece, plen);
        assert_memory_equal(b.data + (n - 1) * plen, piece, plen);
        /* Doubling: 260 KB is reached in a few dozen reallocations, not thousands. */
        assert_in_range(growths, 2, 40);
        buf_release(&b);
}

static void test_reset_keeps_memory(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        assert_int_equal(buf_puts(&b, "해운대구 민원여권과"), 0);
        char *mem = b.data;
        size_t cap = b.cap;
        buf_reset(&b);
        assert_buf_is(&b, "", 0);
        assert_string_equal(b.data, "");
        assert_ptr_equal(b.data, mem);
        assert_int_equal(b.cap, cap);
        assert_int_equal(buf_puts(&b, "재접수"), 0);
        assert_string_equal(b.data, "재접수");
        buf_release(&b);
}

static void test_reset_of_fresh_buf(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, 32);
        buf_reset(&b);
        assert_buf_is(&b, "", 0);
        assert_int_equal(b.max, 32);
        buf_release(&b);
}

static void test_detach_hands_over_string(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, 64);
        assert_int_equal(buf_printf(&b, "%s-%03d", "jongno", 7), 0);
        size_t len = 0;
        char *s = buf_detach(&b, &len);
        assert_non_null(s);
        assert_string_equal(s, "jongno-007");
        assert_int_equal(len, 10);
        assert_buf_is(&b, "", 0);
        assert_int_equal(b.cap, 0);
        assert_int_equal(b.max, 64);
        free(s);
        /* The buf is usable again and does not share memory with the detached string. */
        assert_int_equal(buf_puts(&b, "다음"), 0);
        assert_string_equal(b.data, "다음");
        buf_release(&b);
}

static void test_detach_empty_gives_freeable_string(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        size_t len = 99;
        char *s = buf_detach(&b, &len);
        assert_non_null(s);
        assert_string_equal(s, "");
        assert_int_equal(len, 0);
        free(s);
        assert_buf_is(&b, "", 0);
}

static void test_detach_after_reset(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        assert_int_equal(buf_puts(&b, "지울 내용"), 0);
        buf_reset(&b);
        size_t len = 99;
        char *s = buf_detach(&b, &len);
        assert_string_equal(s, "");
        assert_int_equal(len, 0);
        free(s);
}

static void test_detach_without_len(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        assert_int_equal(buf_puts(&b, "부산광역시"), 0);
        char *s = buf_detach(&b, NULL);
        assert_string_equal(s, "부산광역시");
        free(s);
        assert_buf_is(&b, "", 0);
}

static void test_release_leaves_buf_reusable(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, 40);
        assert_int_equal(buf_puts(&b, "첫 번째 내용"), 0);
        buf_release(&b);
        assert_buf_is(&b, "", 0);
        assert_int_equal(b.cap, 0);
        assert_int_equal(b.max, 40);
        assert_int_equal(buf_puts(&b, "두 번째"), 0);
        assert_string_equal(b.data, "두 번째");
        buf_release(&b);
        buf_release(&b); /* twice is harmless */
        assert_buf_is(&b, "", 0);
}

static void test_release_of_unused_buf(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        buf_release(&b);
        assert_buf_is(&b, "", 0);
}

static void test_data_never_null_through_sequence(void **state)
{
        (void)state;
        struct buf b;
        buf_init(&b, 12);
        assert_buf_ok(&b);
        buf_reset(&b);
        assert_buf_ok(&b);
        assert_int_equal(buf_puts(&b, "0123456789abc"), -1);
        assert_buf_ok(&b);
        assert_int_equal(buf_puts(&b, "0123"), 0);
        assert_buf_ok(&b);
        buf_release(&b);
        assert_buf_ok(&b);
        free(buf_detach(&b, NULL));
        assert_buf_ok(&b);
        assert_int_equal(buf_printf(&b, "%s", "0123456789ab"), 0);
        assert_buf_ok(&b);
        assert_int_equal(b.len, 12);
        buf_release(&b);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_init_gives_empty_string),
            cmocka_unit_test(test_puts_appends_korean),
            cmocka_unit_test(test_append_keeps_embedded_nul),
            cmocka_unit_test(test_append_zero_bytes),
            cmocka_unit_test(test_putc_builds_string),
            cmocka_unit_test(test_printf_formats_and_appends),
            cmocka_unit_test(test_printf_empty_result),
            cmocka_unit_test(test_vprintf_uses_va_list),
            cmocka_unit_test(test_max_limit_table),
            cmocka_unit_test(test_failed_append_keeps_memory),
            cmocka_unit_test(test_growth_across_many_appends),
            cmocka_unit_test(test_reset_keeps_memory),
            cmocka_unit_test(test_reset_of_fresh_buf),
            cmocka_unit_test(test_detach_hands_over_string),
            cmocka_unit_test(test_detach_empty_gives_freeable_string),
            cmocka_unit_test(test_detach_after_reset),
            cmocka_unit_test(test_detach_without_len),
            cmocka_unit_test(test_release_leaves_buf_reusable),
            cmocka_unit_test(test_release_of_unused_buf),
            cmocka_unit_test(test_data_never_null_through_sequence),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
