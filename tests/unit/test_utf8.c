/*
 * Unit tests for base/utf8: strict RFC 3629 validation, the text check that keeps control
 * characters out, and code point counting. The tables are byte strings with explicit
 * lengths so that NUL bytes and cut sequences can be written down.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/utf8.h"

#include <string.h>

struct seq_case {
        const char *name;
        const char *bytes;
        size_t len;
        bool valid;
};

#define S(x) x, sizeof(x) - 1

static const struct seq_case valid_cases[] = {
    {"empty", S(""), true},
    {"ascii", S("Jongno-gu Office 02-2148-1114"), true},
    {"korean hangul", S("종로구청 민원여권과"), true},
    {"korean with ascii", S("민원번호 2026-000123 접수"), true},
    {"hangul jamo", S("ㄱㄴㄷ ㅏㅑㅓ"), true},
    {"hanja", S("鍾路區"), true},
    {"two-byte e acute", S("caf\xC3\xA9"), true},
    {"smallest two-byte U+0080", S("\xC2\x80"), true},
    {"largest two-byte U+07FF", S("\xDF\xBF"), true},
    {"smallest three-byte U+0800", S("\xE0\xA0\x80"), true},
    {"euro sign", S("\xE2\x82\xAC"), true},
    {"last before surrogates U+D7FF", S("\xED\x9F\xBF"), true},
    {"first after surrogates U+E000", S("\xEE\x80\x80"), true},
    {"replacement char U+FFFD", S("\xEF\xBF\xBD"), true},
    {"smallest four-byte U+10000", S("\xF0\x90\x80\x80"), true},
    {"emoji grinning face", S("\xF0\x9F\x98\x80"), true},
    {"korean with emoji", S("감사합니다 \xF0\x9F\x99\x8F"), true},
    {"largest code point U+10FFFF", S("\xF4\x8F\xBF\xBF"), true},
    {"nul is valid utf-8", S("a\0b"), true},
};

static const struct seq_case invalid_cases[] = {
    {"overlong nul C0 80", S("\xC0\x80"), false},
    {"overlong C1 BF", S("\xC1\xBF"), false},
    {"overlong three-byte E0 80 80", S("\xE0\x80\x80"), false},
    {"overlong three-byte E0 9F BF", S("\xE0\x9F\xBF"), false},
    {"overlong four-byte F0 80 80 80", S("\xF0\x80\x80\x80"), false},
    {"overlong four-byte F0 8F BF BF", S("\xF0\x8F\xBF\xBF"), false},
    {"high surrogate ED A0 80", S("\xED\xA0\x80"), false},
    {"low surrogate ED BF BF", S("\xED\xBF\xBF"), false},
    {"surrogate pair as cesu-8", S("\xED\xA0\xBD\xED\xB8\x80"), false},
    {"above U+10FFFF F4 90 80 80", S("\xF4\x90\x80\x80"), false},
    {"lead F5", S("\xF5\x80\x80\x80"), false},
    {"byte FE", S("\xFE"), false},
    {"byte FF", S("\xFF"), false},
    {"truncated two-byte", S("\xC3"), false},
    {"truncated hangul after one byte", S("\xED"), false},
    {"truncated hangul after two bytes", S("\xED\x95"), false},
    {"truncated emoji", S("\xF0\x9F\x98"), false},
    {"korean cut at the end", S("민원\xEC\xA0"), false},
    {"lone continuation 80", S("\x80"), false},
    {"lone continuation BF", S("\xBF"), false},
    {"continuation after hangul", S("가\x80"), false},
    {"two-byte lead then ascii", S("\xC3\x41"), false},
    {"three-byte with ascii in middle", S("\xE2\x28\xA1"), false},
    {"four-byte with ascii at end", S("\xF0\x9F\x98\x41"), false},
    {"latin-1 text", S("caf\xE9"), false},
    {"euc-kr hangul", S("\xB0\xA1"), false},
};

static void check_valid_table(const struct seq_case *cases, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                bool got = utf8_valid(cases[i].bytes, cases[i].len);
                if (got != cases[i].valid)
                        fail_msg("utf8_valid(%s) = %d, want %d", cases[i].name, got,
                                 cases[i].valid);
        }
}

static void test_valid_sequences(void **state)
{
        (void)state;
        check_valid_table(valid_cases, sizeof(valid_cases) / sizeof(valid_cases[0]));
}

static void test_invalid_sequences(void **state)
{
        (void)state;
        check_valid_table(invalid_cases, sizeof(invalid_cases) / sizeof(invalid_cases[0]));
}

/* An invalid sequence is found wherever it sits in otherwise good Korean text. */
static void test_invalid_sequence_anywhere(void **state)
{
        (void)state;
        static const char *const bad[] = {"\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80",
                                          "\xE0\x80\x80"};
        static const char *const where[][2] = {{"", "종로구"}, {"종로", "구청"}, {"종로구청", ""}};
        char text[64];
        for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
                for (size_t w = 0; w < sizeof(where) / sizeof(where[0]); w++) {
                        size_t n = 0;
                        memcpy(text + n, where[w][0], strlen(where[w][0]));
                        n += strlen(where[w][0]);
                        memcpy(text + n, bad[b], strlen(bad[b]));
                        n += strlen(bad[b]);
                        memcpy(text + n, where[w][1], strlen(where[w][1]));
                        n += strlen(where[w][1]);
                        if (utf8_valid(text, n))
                                fail_msg("bad sequence %zu at position %zu was accepted", b, w);
                }
        }
}

/* The length argument is honoured: cutting "한글" inside a character makes it invalid. */
static void test_length_is_respected(void **state)
{
        (void)state;
        static const char s[] = "한글"; /* ED 95 9C EA B8 80 */
        static const struct {
                size_t len;
                bool valid;
        } cuts[] = {{0, true},  {1, false}, {2, false}, {3, true},
                    {4, false}, {5, false}, {6, true}};
        for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
                bool got = utf8_valid(s, cuts[i].len);
                if (got != cuts[i].valid)
                        fail_msg("utf8_valid(\"한글\", %zu) = %d, want %d", cuts[i].len, got,
                                 cuts[i].valid);
        }
}

static const struct seq_case text_cases[] = {
    {"korean sentence", S("도로 파손 신고합니다."), true},
    {"line feed", S("첫째 줄\n둘째 줄"), true},
    {"crlf", S("첫째 줄\r\n둘째 줄"), true},
    {"tab", S("성명\t홍길동"), true},
    {"space and punctuation", S(" ~!@#$%^&*()_+{}|:<>? "), true},
    {"emoji", S("좋아요 \xF0\x9F\x91\x8D"), true},
    {"empty", S(""), true},
    {"nul inside", S("홍\0길동"), false},
    {"nul at end", S("홍길동\0"), false},
    {"soh 0x01", S("a\x01"), false},
    {"backspace 0x08", S("ab\x08"), false},
    {"vertical tab 0x0B", S("a\x0B"), false},
    {"form feed 0x0C", S("a\x0C"), false},
    {"escape sequence", S("\x1B[31m빨강\x1B[0m"), false},
    {"unit separator 0x1F", S("a\x1F"), false},
    {"invalid utf-8 surrogate", S("\xED\xA0\x80"), false},
    {"invalid utf-8 overlong", S("\xC0\x80"), false},
    {"invalid utf-8 truncated", S("민원\xEC"), false},
};

static void test_valid_text(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
                const struct seq_case *c = &text_cases[i];
                bool got = utf8_valid_text(c->bytes, c->len);
                if (got != c->valid)
                        fail_msg("utf8_valid_text(%s) = %d, want %d", c->name, got, c->valid);
        }
}

/* Every C0 control except tab, LF and CR is refused, each on its own. */
static void test_valid_text_every_c0_control(void **state)
{
        (void)state;
        for (int c = 0; c < 0x20; c++) {
                char s[4] = {'a', (char)c, 'b', '\0'};
                bool want = c == '\t' || c == '\n' || c == '\r';
                bool got = utf8_valid_text(s, 3);
                if (got != want)
                        fail_msg("utf8_valid_text with byte 0x%02X = %d, want %d", c, got, want);
        }
}

static const struct {
        const char *s;
        size_t chars;
} length_cases[] = {
    {"", 0},
    {"abc", 3},
    {"한글", 2},
    {"서울특별시 종로구", 9},
    {"부산광역시 해운대구 우동", 13},
    {"민원\n접수", 5},
    {"\xF0\x9F\x98\x80\xF0\x9F\x91\x8D", 2},
    {"A가\xF0\x9F\x98\x80\xC3\xA9", 4},
    {"010-1234-5678", 13},
};

static void test_length_counts_code_points(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(length_cases) / sizeof(length_cases[0]); i++) {
                size_t got = utf8_length(length_cases[i].s, strlen(length_cases[i].s));
                if (got != length_cases[i].chars)
                        fail_msg("utf8_length(\"%s\") = %zu, want %zu", length_cases[i].s, got,
                                 length_cases[i].chars);
        }
}

static void test_length_of_prefix(void **state)
{
        (void)state;
        static const char s[] = "가나다라마";
        assert_int_equal(utf8_length(s, 0), 0);
        assert_int_equal(utf8_length(s, 3), 1);
        assert_int_equal(utf8_length(s, 9), 3);
        assert_int_equal(utf8_length(s, 15), 5);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_valid_sequences),
            cmocka_unit_test(test_invalid_sequences),
            cmocka_unit_test(test_invalid_sequence_anywhere),
            cmocka_unit_test(test_length_is_respected),
            cmocka_unit_test(test_valid_text),
            cmocka_unit_test(test_valid_text_every_c0_control),
            cmocka_unit_test(test_length_counts_code_points),
            cmocka_unit_test(test_length_of_prefix),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
