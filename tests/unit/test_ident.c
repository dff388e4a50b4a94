/*
 * Resident registration numbers: cleanse_rrn's classification, rrn_parse, rrn_mask.
 * The tables hold numbers whose check digits were worked out with ref_check below, and
 * test_tables_agree_with_reference checks that again, so a typo in a table cannot make a
 * wrong rule pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/time.h"
#include "customer/ident.h"

#include <stdio.h>
#include <string.h>

struct row {
        const char *in;
        enum cleanse_status want;
        const char *out; /* canonical form for CLEANSE_CLEANSED; VALID rows expect in */
};

#define V(s)                                                                                       \
        {                                                                                          \
                s, CLEANSE_VALID, NULL                                                             \
        }
#define C(s, o)                                                                                    \
        {                                                                                          \
                s, CLEANSE_CLEANSED, o                                                             \
        }
#define N(s)                                                                                       \
        {                                                                                          \
                s, CLEANSE_NULL, NULL                                                              \
        }
#define X(s)                                                                                       \
        {                                                                                          \
                s, CLEANSE_INVALID, NULL                                                           \
        }
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The check digit by the rule of the issue, written apart from ident.c on purpose. */
static int ref_check(const char *d12)
{
        const int w[] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
        int sum = 0;
        for (int i = 0; i < 12; i++)
                sum += (d12[i] - '0') * w[i];
        return (11 - sum % 11) % 10;
}

/* One row a line, so that the table reads as data. */
/* clang-format off */
static const struct row rrn_rows[] = {
    /* 원본정확: canonical and valid as entered. */
    V("900101-1234568"), /* 9·2+0+0+1·5+0+1·7+1·8+2·9+3·2+4·3+5·4+6·5 = 124; 11-3 = 8 */
    V("850315-2014826"),
    V("000229-3042152"), /* 2000 is a leap year */
    V("040229-4120390"),
    V("991231-1108471"),
    V("800101-5102346"), /* foreigner, 1900s */
    V("950707-6201181"),
    V("100505-7123409"), /* foreigner, 2000s */
    V("150815-8205617"),
    V("990101-9123456"), /* 1899 */
    V("991231-0219871"),
    V("960229-9102038"), /* 1896 was a leap year */
    V("600229-1213542"),
    V("200930-4123453"), /* the last day with a check digit */
    V("200229-3012843"),
    V("010101-3015271"),
    V("720815-1029386"),
    V("871104-2415768"),
    V("590617-1182436"),
    V("191231-4312193"),
    V("630405-2271918"),
    V("781130-1562306"),
    V("051018-4029314"),
    V("120303-3987129"),
    V("880808-5234562"),
    V("450815-1122337"),
    V("941120-1135801"),
    V("660512-2635148"),
    V("201001-3123450"), /* from 2020-10-01 on, any last digit */
    V("201001-3123459"),
    V("201001-4000000"),
    V("211231-3987654"),
    V("230517-4561237"),
    V("251225-8123456"),
    V("240229-3111111"),
    V("991231-3000000"), /* 2099: only the calendar is checked, never the clock */
    /* 클린징: separators, spaces, full-width forms, dashes. */
    C("9001011234568", "900101-1234568"),
    C("8503152014826", "850315-2014826"),
    C(" 900101-1234568", "900101-1234568"),
    C("900101-1234568  ", "900101-1234568"),
    C("900101 - 1234568", "900101-1234568"),
    C("900101 1234568", "900101-1234568"),
    C("9001 01-1234 568", "900101-1234568"),
    C("\t900101-1234568\n", "900101-1234568"),
    C("９００１０１－１２３４５６８", "900101-1234568"),
    C("９００１０１１２３４５６８", "900101-1234568"),
    C("900101‐1234568", "900101-1234568"), /* U+2010 hyphen */
    C("900101–1234568", "900101-1234568"), /* U+2013 en dash */
    C("900101—1234568", "900101-1234568"), /* U+2014 em dash */
    C("900101−1234568", "900101-1234568"), /* U+2212 minus */
    C("900101　1234568", "900101-1234568"), /* U+3000 ideographic space */
    C("　９００１０１－１２３４５６８　", "900101-1234568"),
    C("2010013123450", "201001-3123450"),
    C("100505 7123409", "100505-7123409"),
    /* NULL: blank. */
    N(NULL),
    N(""),
    N("   "),
    N("\t \n"),
    N("　"),
    /* 오류. */
    X("900101-1234567"), /* check digit should be 8 */
    X("850315-2014827"), /* check digit should be 6 */
    X("9001011234569"), /* check digit, without hyphen */
    X("200930-4123454"), /* 2020-09-30 still needs its check digit */
    X("900230-1234563"), /* Feb 30, check digit right */
    X("610229-1234564"), /* 1961 was no leap year */
    X("000229-1123459"), /* 1900 was no leap year */
    X("990229-9123450"), /* nor 1899 */
    X("210229-3123456"), /* nor 2021 */
    X("901301-1234565"), /* month 13 */
    X("900001-1234567"), /* month 0 */
    X("900100-1234564"), /* day 0 */
    X("900431-1234568"), /* April 31 */
    X("1234567890123"), /* 13-digit garbage: month 34 */
    X("0000000000000"), /* month 0 */
    X("1111111111111"), /* 1911-11-11, but the check digit is 8 */
    X("900101-123456"), /* 12 digits */
    X("900101-12345678"), /* 14 digits */
    X("90010112345689"), /* 14 digits without hyphen */
    X("900101"), /* front half only */
    X("900101-1******"), /* masked */
    X("9001-01-1234568"), /* hyphen in the wrong place */
    X("900101--1234568"), /* two hyphens */
    X("9001011-234568"), /* hyphen after the seventh digit */
    X("-9001011234568"), /* leading hyphen */
    X("900101/1234568"), /* other separator */
    X("900101.1234568"), /* other separator */
    X("900101_1234568"), /* other separator */
    X("900101-123456８a"), /* a letter */
    X("가나다라마바-사아자차카타파"), /* not digits at all */
    X("주민번호 900101-1234568"), /* a label in front */
    X("\x01" "900101-1234568"), /* a control character */
    X("\xff\xfe"), /* not UTF-8 */
};
/* clang-format on */

/* The century and whether a check digit applies, by the rule of the issue. */
static int ref_needs_check(const char *d)
{
        int century = (d[6] == '9' || d[6] == '0') ? 1800 : (strchr("1256", d[6]) ? 1900 : 2000);
        int year = century + (d[0] - '0') * 10 + (d[1] - '0');
        int month = (d[2] - '0') * 10 + (d[3] - '0');
        return year < 2020 || (year == 2020 && month < 10);
}

static void digits_of(const char *canonical, char d[13])
{
        memcpy(d, canonical, 6);
        memcpy(d + 6, canonical + 7, 7);
}

static const char *show(const char *s)
{
        return s ? s : "(NULL)";
}

static void test_rrn_table(void **state)
{
        (void)state;
        int failures = 0;
        for (size_t i = 0; i < COUNT(rrn_rows); i++) {
                const struct row *r = &rrn_rows[i];
                char out[RRN_SIZE];
                const char *want = r->want == CLEANSE_VALID      ? r->in
                                   : r->want == CLEANSE_CLEANSED ? r->out
                                                                 : "";
                enum cleanse_status got = cleanse_rrn(r->in, out, sizeof(out));
                if (got != r->want || strcmp(out, want) != 0) {
                        print_error("row %zu: \"%s\" gave %s \"%s\", want %s \"%s\"\n", i,
                                    show(r->in), cleanse_status_name(got), out,
                                    cleanse_status_name(r->want), want);
                        failures++;
                        continue;
                }
                /* The canonical form is a fixed point: entered as is, it is VALID. */
                if (want[0]) {
                        char again[RRN_SIZE];
                        if (cleanse_rrn(want, again, sizeof(again)) != CLEANSE_VALID ||
                            strcmp(again, want) != 0) {
                                print_error("row %zu: canonical \"%s\" is not VALID\n", i, want);
                                failures++;
                        }
                }
        }
        assert_int_equal(failures, 0);
}

/* Every valid number in the table has the check digit ref_check gives (when it needs one),
 * and every row that is INVALID only for its check digit really has a wrong one. */
static void test_tables_agree_with_reference(void **state)
{
        (void)state;
        for (size_t i = 0; i < COUNT(rrn_rows); i++) {
                const struct row *r = &rrn_rows[i];
                const char *canonical = r->want == CLEANSE_VALID      ? r->in
                                        : r->want == CLEANSE_CLEANSED ? r->out
                                                                      : NULL;
                if (!canonical)
                        continue;
                char d[13];
                digits_of(canonical, d);
                if (ref_needs_check(d))
                        assert_int_equal(ref_check(d), d[12] - '0');
        }
        assert_int_equal(ref_check("900101123456"), 8);
        assert_int_not_equal(ref_check("900101123456"), 7); /* 900101-1234567 is invalid */
        assert_int_equal(rrn_check_digit("900101123456"), 8);
        assert_int_equal(rrn_check_digit("90010112345x"), -1);
}

/*
 * Every tenth day from 1800-01-01 to 2099-12-31, with every G of its century: a number
 * made with ref_check is VALID and, while check digits apply, one with any other last digit
 * is INVALID; after 2020-09-30 every last digit is VALID.
 */
static void test_rrn_generated(void **state)
{
        (void)state;
        static const char *gs[] = {"90", "1256", "3478"}; /* by century 1800, 1900, 2000 */
        int64_t from = time_days_from_civil(1800, 1, 1), to = time_days_from_civil(2099, 12, 31);
        size_t checked = 0;
        for (int64_t day = from; day <= to; day += 10) {
                int y, m, d;
                time_civil_from_days(day, &y, &m, &d);
                for (const char *g = gs[(y - 1800) / 100]; *g; g++) {
                        char digits[13], text[64], out[RRN_SIZE];
                        int serial = (int)((day % 100000 + 100000) % 100000);
                        snprintf(text, sizeof(text), "%02d%02d%02d-%c%05d0", y % 100, m, d, *g,
                                 serial);
                        assert_int_equal(strlen(text), RRN_SIZE - 1);
                        digits_of(text, digits);
                        int check = ref_check(digits);
                        int needs = ref_needs_check(digits);
                        for (int last = 0; last < 10; last++) {
                                text[13] = (char)('0' + last);
                                enum cleanse_status want =
                                    (!needs || last == check) ? CLEANSE_VALID : CLEANSE_INVALID;
                                enum cleanse_status got = cleanse_rrn(text, out, sizeof(out));
                                if (got != want)
                                        fail_msg("%s: got %s", text, cleanse_status_name(got));
                                checked++;
                        }
                }
        }
        assert_true(checked > 100000);
}

struct parse_row {
        const char *rrn;
        const char *birth;
        char sex;
        bool foreigner;
        bool has_check;
};

static const struct parse_row parse_rows[] = {
    {"900101-1234568", "1990-01-01", 'M', false, true},
    {"850315-2014826", "1985-03-15", 'F', false, true},
    {"000229-3042152", "2000-02-29", 'M', false, true},
    {"040229-4120390", "2004-02-29", 'F', false, true},
    {"800101-5102346", "1980-01-01", 'M', true, true},
    {"950707-6201181", "1995-07-07", 'F', true, true},
    {"100505-7123409", "2010-05-05", 'M', true, true},
    {"150815-8205617", "2015-08-15", 'F', true, true},
    {"990101-9123456", "1899-01-01", 'M', false, true},
    {"991231-0219871", "1899-12-31", 'F', false, true},
    {"200930-4123453", "2020-09-30", 'F', false, true},
    {"201001-3123450", "2020-10-01", 'M', false, false},
    {"230517-4561237", "2023-05-17", 'F', false, false},
    {"251225-8123456", "2025-12-25", 'F', true, false},
};

static void test_rrn_parse(void **state)
{
        (void)state;
        for (size_t i = 0; i < COUNT(parse_rows); i++) {
                const struct parse_row *r = &parse_rows[i];
                struct rrn_info info;
                assert_int_equal(rrn_parse(r->rrn, &info), 0);
                assert_string_equal(info.birth_date, r->birth);
                assert_int_equal(info.sex, r->sex);
                assert_int_equal(info.foreigner, r->foreigner);
                assert_int_equal(info.has_check_digit, r->has_check);
                char y[5];
                snprintf(y, sizeof(y), "%04d", info.year);
                assert_memory_equal(y, r->birth, 4);
        }
        static const char *bad[] = {
            NULL,
            "",
            "9001011234568", /* valid, but not canonical */
            " 900101-1234568",
            "900101-1234567",
            "900230-1234563",
            "900101-12345689",
            "９００１０１－１２３４５６８",
        };
        for (size_t i = 0; i < COUNT(bad); i++) {
                struct rrn_info info;
                memset(&info, 0x5a, sizeof(info));
                assert_int_equal(rrn_parse(bad[i], &info), -1);
                assert_int_equal(info.sex, 0);
                assert_string_equal(info.birth_date, "");
        }
}

static void test_rrn_mask(void **state)
{
        (void)state;
        static const struct {
                const char *in, *out;
        } rows[] = {
            {"900101-1234568", "900101-1******"},
            {"850315-2014826", "850315-2******"},
            {"201001-3123450", "201001-3******"},
            {"900101-1234567", "900101-1******"},
            {"9001011234568", NULL},
            {"900101-123456", NULL},
            {"900101-1234568 ", NULL},
            {"", NULL},
            {NULL, NULL},
            {"abcdef-1234567", NULL},
        };
        for (size_t i = 0; i < COUNT(rows); i++) {
                char out[RRN_MASKED_SIZE];
                int rc = rrn_mask(rows[i].in, out, sizeof(out));
                assert_int_equal(rc, rows[i].out ? 0 : -1);
                assert_string_equal(out, rows[i].out ? rows[i].out : "");
        }
        char small[RRN_MASKED_SIZE - 1];
        assert_int_equal(rrn_mask("900101-1234568", small, sizeof(small)), -1);
        assert_string_equal(small, "");
}

/* An out buffer below RRN_SIZE is a caller's mistake: never a truncated number. */
static void test_rrn_small_buffer(void **state)
{
        (void)state;
        char out[RRN_SIZE - 1];
        memset(out, 'x', sizeof(out));
        assert_int_equal(cleanse_rrn("900101-1234568", out, sizeof(out)), CLEANSE_INVALID);
        assert_string_equal(out, "");
        assert_int_equal(cleanse_rrn("900101-1234568", NULL, 0), CLEANSE_INVALID);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_rrn_table),
            cmocka_unit_test(test_tables_agree_with_reference),
            cmocka_unit_test(test_rrn_generated),
            cmocka_unit_test(test_rrn_parse),
            cmocka_unit_test(test_rrn_mask),
            cmocka_unit_test(test_rrn_small_buffer),
        };
        printf("rrn table: %zu rows\n", COUNT(rrn_rows));
        return cmocka_run_group_tests(tests, NULL, NULL);
}
