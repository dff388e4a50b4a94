/*
 * Unit tests for base/time: the proleptic Gregorian calendar, KST civil time, ISO-8601
 * formatting and parsing, and the PCRM_FAKE_NOW_MS clock override. Expected epoch values
 * were computed independently (Python's datetime) and are written out as data.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/time.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { SUN, MON, TUE, WED, THU, FRI, SAT };

static const struct {
        int y, m, d;
        int64_t days;
        int weekday;
} date_cases[] = {
    {1970, 1, 1, 0, THU},         {1970, 1, 2, 1, FRI},       {1969, 12, 31, -1, WED},
    {2000, 1, 1, 10957, SAT},     {2000, 2, 29, 11016, TUE},  {2000, 3, 1, 11017, WED},
    {2024, 2, 29, 19782, THU},    {2024, 3, 1, 19783, FRI},   {1900, 2, 28, -25509, WED},
    {1900, 3, 1, -25508, THU},    {2026, 9, 23, 20719, WED},  {2026, 11, 28, 20785, SAT},
    {1600, 3, 1, -135080, WED},   {2400, 2, 29, 157113, TUE}, {1, 1, 1, -719162, MON},
    {9999, 12, 31, 2932896, FRI},
};
#define N_DATES (sizeof(date_cases) / sizeof(date_cases[0]))

static void test_days_from_civil_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < N_DATES; i++) {
                int64_t got =
                    time_days_from_civil(date_cases[i].y, date_cases[i].m, date_cases[i].d);
                if (got != date_cases[i].days)
                        fail_msg("days_from_civil(%04d-%02d-%02d) = %" PRId64 ", want %" PRId64,
                                 date_cases[i].y, date_cases[i].m, date_cases[i].d, got,
                                 date_cases[i].days);
        }
}

static void test_civil_from_days_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < N_DATES; i++) {
                int y, m, d;
                time_civil_from_days(date_cases[i].days, &y, &m, &d);
                if (y != date_cases[i].y || m != date_cases[i].m || d != date_cases[i].d)
                        fail_msg("civil_from_days(%" PRId64 ") = %04d-%02d-%02d, want "
                                 "%04d-%02d-%02d",
                                 date_cases[i].days, y, m, d, date_cases[i].y, date_cases[i].m,
                                 date_cases[i].d);
        }
}

static void test_weekday_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < N_DATES; i++) {
                int got = time_weekday(date_cases[i].days);
                if (got != date_cases[i].weekday)
                        fail_msg("weekday(%04d-%02d-%02d) = %d, want %d", date_cases[i].y,
                                 date_cases[i].m, date_cases[i].d, got, date_cases[i].weekday);
        }
}

/*
 * Every day from 1600 to 2500: the civil date round-trips, follows the previous day by
 * exactly one calendar step, and the weekday advances by one.
 */
static void test_round_trip_every_day_1600_to_2500(void **state)
{
        (void)state;
        int64_t first = time_days_from_civil(1600, 1, 1);
        int64_t last = time_days_from_civil(2500, 12, 31);
        int py = 1599, pm = 12, pd = 31;
        int pw = time_weekday(first - 1);
        for (int64_t day = first; day <= last; day++) {
                int y, m, d;
                time_civil_from_days(day, &y, &m, &d);
                if (time_days_from_civil(y, m, d) != day)
                        fail_msg("day %" PRId64 " -> %04d-%02d-%02d does not round-trip", day, y, m,
                                 d);
                int next_ok;
                if (pd < time_days_in_month(py, pm))
                        next_ok = y == py && m == pm && d == pd + 1;
                else if (pm < 12)
                        next_ok = y == py && m == pm + 1 && d == 1;
                else
                        next_ok = y == py + 1 && m == 1 && d == 1;
                if (!next_ok)
                        fail_msg("%04d-%02d-%02d follows %04d-%02d-%02d", y, m, d, py, pm, pd);
                int w = time_weekday(day);
                if (w != (pw + 1) % 7)
                        fail_msg("weekday of %04d-%02d-%02d is %d after %d", y, m, d, w, pw);
                py = y;
                pm = m;
                pd = d;
                pw = w;
        }
        assert_int_equal(py, 2500);
        assert_int_equal(pm, 12);
        assert_int_equal(pd, 31);
}

static const struct {
        int y, m, days;
} month_cases[] = {
    {2024, 2, 29},  {2023, 2, 28},  {2000, 2, 29}, {1900, 2, 28}, {2100, 2, 28},
    {2400, 2, 29},  {2026, 1, 31},  {2026, 4, 30}, {2026, 6, 30}, {2026, 9, 30},
    {2026, 11, 30}, {2026, 12, 31}, {2026, 0, 0},  {2026, 13, 0}, {2026, -1, 0},
};

static void test_days_in_month_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(month_cases) / sizeof(month_cases[0]); i++) {
                int got = time_days_in_month(month_cases[i].y, month_cases[i].m);
                if (got != month_cases[i].days)
                        fail_msg("days_in_month(%d, %d) = %d, want %d", month_cases[i].y,
                                 month_cases[i].m, got, month_cases[i].days);
        }
}

static const struct {
        int64_t ms;
        int offset;
        struct civil_time want;
} civil_cases[] = {
    {0, TIME_KST_OFFSET_MIN, {1970, 1, 1, 9, 0, 0, 0}},
    {-1, TIME_KST_OFFSET_MIN, {1970, 1, 1, 8, 59, 59, 999}},
    {-1, 0, {1969, 12, 31, 23, 59, 59, 999}},
    {1790125200000, TIME_KST_OFFSET_MIN, {2026, 9, 23, 10, 0, 0, 0}},
    {1790125200500, TIME_KST_OFFSET_MIN, {2026, 9, 23, 10, 0, 0, 500}},
    {1790125200000, 0, {2026, 9, 23, 1, 0, 0, 0}},
    {1790125200000, -300, {2026, 9, 22, 20, 0, 0, 0}},
    {1790125200000, 330, {2026, 9, 23, 6, 30, 0, 0}},
    {1798729200000, TIME_KST_OFFSET_MIN, {2027, 1, 1, 0, 0, 0, 0}},
    {1798729199999, TIME_KST_OFFSET_MIN, {2026, 12, 31, 23, 59, 59, 999}},
    {1709132400000, TIME_KST_OFFSET_MIN, {2024, 2, 29, 0, 0, 0, 0}},
    {-5364694800000, TIME_KST_OFFSET_MIN, {1800, 1, 1, 0, 0, 0, 0}},
};

static void test_to_civil_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(civil_cases) / sizeof(civil_cases[0]); i++) {
                struct civil_time t;
                const struct civil_time *w = &civil_cases[i].want;
                time_to_civil(civil_cases[i].ms, civil_cases[i].offset, &t);
                if (memcmp(&t, w, sizeof(t)))
                        fail_msg("to_civil(%" PRId64 ", %d) = %04d-%02d-%02d %02d:%02d:%02d.%03d,"
                                 " want %04d-%02d-%02d %02d:%02d:%02d.%03d",
                                 civil_cases[i].ms, civil_cases[i].offset, t.year, t.month, t.day,
                                 t.hour, t.minute, t.second, t.msec, w->year, w->month, w->day,
                                 w->hour, w->minute, w->second, w->msec);
        }
}

static void test_from_civil_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(civil_cases) / sizeof(civil_cases[0]); i++) {
                int64_t got = time_from_civil(&civil_cases[i].want, civil_cases[i].offset);
                if (got != civil_cases[i].ms)
                        fail_msg("from_civil(case %zu) = %" PRId64 ", want %" PRId64, i, got,
                                 civil_cases[i].ms);
        }
}

/* Instants a prime number of milliseconds apart, across 1900-2100, round-trip at KST. */
static void test_civil_round_trip_kst(void **state)
{
        (void)state;
        const int64_t from = -2208988800000, to = 4102444800000, step = 7919LL * 3600 * 1000 + 7;
        int checked = 0;
        for (int64_t ms = from; ms < to; ms += step) {
                struct civil_time t;
                time_to_civil(ms, TIME_KST_OFFSET_MIN, &t);
                if (time_from_civil(&t, TIME_KST_OFFSET_MIN) != ms)
                        fail_msg("%" PRId64 " does not round-trip through KST civil time", ms);
                checked++;
        }
        assert_true(checked > 200);
}

static const struct {
        int64_t ms;
        int offset;
        const char *want;
} format_cases[] = {
    {0, TIME_KST_OFFSET_MIN, "1970-01-01T09:00:00+09:00"},
    {1791277200000, TIME_KST_OFFSET_MIN, "2026-10-06T18:00:00+09:00"},
    {1791277200999, TIME_KST_OFFSET_MIN, "2026-10-06T18:00:00+09:00"},
    {1790125200000, 0, "2026-09-23T01:00:00+00:00"},
    {1790125200000, -300, "2026-09-22T20:00:00-05:00"},
    {1790125200000, 330, "2026-09-23T06:30:00+05:30"},
    {1790125200000, -570, "2026-09-22T15:30:00-09:30"},
    {-1, 0, "1969-12-31T23:59:59+00:00"},
    {951868799000, 0, "2000-02-29T23:59:59+00:00"},
};

static void test_format_iso_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(format_cases) / sizeof(format_cases[0]); i++) {
                char out[32];
                int rc =
                    time_format_iso(format_cases[i].ms, format_cases[i].offset, out, sizeof(out));
                if (rc != 0 || strcmp(out, format_cases[i].want))
                        fail_msg("format_iso(%" PRId64 ", %d) = %d \"%s\", want \"%s\"",
                                 format_cases[i].ms, format_cases[i].offset, rc, out,
                                 format_cases[i].want);
        }
}

static void test_format_kst(void **state)
{
        (void)state;
        char out[26];
        assert_int_equal(time_format_kst(0, out, sizeof(out)), 0);
        assert_string_equal(out, "1970-01-01T09:00:00+09:00");
        assert_int_equal(time_format_kst(1798729200000, out, sizeof(out)), 0);
        assert_string_equal(out, "2027-01-01T00:00:00+09:00");
}

static void test_format_needs_26_bytes(void **state)
{
        (void)state;
        char out[26];
        assert_int_equal(time_format_kst(1790125200000, out, 26), 0);
        assert_string_equal(out, "2026-09-23T10:00:00+09:00");
        assert_int_equal(time_format_kst(1790125200000, out, 25), -1);
        assert_int_equal(time_format_kst(1790125200000, out, 1), -1);
}

static const struct {
        const char *s;
        int64_t want;
} parse_ok_cases[] = {
    {"2026-09-23T10:00+09:00", 1790125200000},
    {"2026-09-23T10:00:00+09:00", 1790125200000},
    {"2026-09-23T01:00:00Z", 1790125200000},
    {"2026-09-23T01:00Z", 1790125200000},
    {"2026-09-23T10:00", 1790125200000},
    {"2026-09-23T10:00:00", 1790125200000},
    {"2026-09-23", 1790089200000},
    {"2026-09-23T00:00+09:00", 1790089200000},
    {"2026-09-23T10:00:00.5+09:00", 1790125200500},
    {"2026-09-23T10:00:00.500+09:00", 1790125200500},
    {"2026-09-23T10:00:00.123Z", 1790157600123},
    {"2026-09-23T10:00:00.1234567Z", 1790157600123},
    {"2026-09-23T10:00:00-05:00", 1790175600000},
    {"2026-09-23T10:00+05:30", 1790137800000},
    {"2024-02-29", 1709132400000},
    {"2000-02-29T23:59:59Z", 951868799000},
    {"1999-12-31T23:59:59", 946652399000},
    {"2026-12-31T15:00:00Z", 1798729200000},
    {"2026-10-06T18:00:00+09:00", 1791277200000},
};

static void test_parse_accepts(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(parse_ok_cases) / sizeof(parse_ok_cases[0]); i++) {
                int64_t got = -42;
                int rc = time_parse_iso(parse_ok_cases[i].s, &got);
                if (rc != 0 || got != parse_ok_cases[i].want)
                        fail_msg("parse_iso(\"%s\") = %d, %" PRId64 "; want 0, %" PRId64,
                                 parse_ok_cases[i].s, rc, got, parse_ok_cases[i].want);
        }
}

static const char *const parse_bad_cases[] = {
    "2026-02-30",
    "2026-02-29",
    "2023-02-29",
    "1900-02-29",
    "2026-13-01",
    "2026-00-10",
    "2026-09-00",
    "2026-09-31",
    "2026-09-23T24:00",
    "2026-09-23T10:60",
    "2026-09-23T10:00:60",
    "2026-09-23T10:00:00.Z",
    "2026-09-23T10",
    "2026-09-23T1:00",
    "2026-09-23T10:00+9:00",
    "2026-09-23T10:00+09",
    "2026-09-23T10:00+0900",
    "2026-09-23T10:00z",
    "2026-09-23T10:00Zjunk",
    "2026-09-23T10:00:00+09:00 ",
    "2026-09-23x",
    "2026-09-23 ",
    "2026-9-23",
    "20260923",
    "26-09-23",
    "2026/09/23",
    "2026년 9월 23일",
    "garbage",
    "",
    "T10:00",
};

static void test_parse_rejects(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(parse_bad_cases) / sizeof(parse_bad_cases[0]); i++) {
                int64_t got = 0;
                if (time_parse_iso(parse_bad_cases[i], &got) != -1)
                        fail_msg("parse_iso(\"%s\") accepted it as %" PRId64, parse_bad_cases[i],
                                 got);
        }
}

static void test_format_then_parse_round_trip(void **state)
{
        (void)state;
        static const int64_t instants[] = {
            0, 1790125200000, 1709132400000, 951868799000, 1798729199000, -5364694800000};
        for (size_t i = 0; i < sizeof(instants) / sizeof(instants[0]); i++) {
                char text[32];
                int64_t back = 0;
                assert_int_equal(time_format_kst(instants[i], text, sizeof(text)), 0);
                if (time_parse_iso(text, &back) != 0 || back != instants[i])
                        fail_msg("\"%s\" parsed back as %" PRId64 ", want %" PRId64, text, back,
                                 instants[i]);
        }
}

static int64_t wall_clock_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_fake_now_pins_clock(void **state)
{
        (void)state;
        assert_int_equal(setenv("PCRM_FAKE_NOW_MS", "1790125200000", 1), 0);
        assert_int_equal(time_now_ms(), 1790125200000);
        assert_int_equal(time_now_ms(), 1790125200000);
        assert_int_equal(setenv("PCRM_FAKE_NOW_MS", "0", 1), 0);
        assert_int_equal(time_now_ms(), 0);
        assert_int_equal(setenv("PCRM_FAKE_NOW_MS", "-5364694800000", 1), 0);
        assert_int_equal(time_now_ms(), -5364694800000);
        unsetenv("PCRM_FAKE_NOW_MS");
}

static void test_now_without_fake_is_wall_clock(void **state)
{
        (void)state;
        static const char *const ignored[] = {NULL, "", "soon", "1790125200000ms"};
        for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
                if (ignored[i])
                        setenv("PCRM_FAKE_NOW_MS", ignored[i], 1);
                else
                        unsetenv("PCRM_FAKE_NOW_MS");
                int64_t before = wall_clock_ms();
                int64_t now = time_now_ms();
                int64_t after = wall_clock_ms();
                if (now < before || now > after)
                        fail_msg("PCRM_FAKE_NOW_MS=\"%s\": now %" PRId64 " outside [%" PRId64
                                 ", %" PRId64 "]",
                                 ignored[i] ? ignored[i] : "(unset)", now, before, after);
        }
        unsetenv("PCRM_FAKE_NOW_MS");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_days_from_civil_table),
            cmocka_unit_test(test_civil_from_days_table),
            cmocka_unit_test(test_weekday_table),
            cmocka_unit_test(test_round_trip_every_day_1600_to_2500),
            cmocka_unit_test(test_days_in_month_table),
            cmocka_unit_test(test_to_civil_table),
            cmocka_unit_test(test_from_civil_table),
            cmocka_unit_test(test_civil_round_trip_kst),
            cmocka_unit_test(test_format_iso_table),
            cmocka_unit_test(test_format_kst),
            cmocka_unit_test(test_format_needs_26_bytes),
            cmocka_unit_test(test_parse_accepts),
            cmocka_unit_test(test_parse_rejects),
            cmocka_unit_test(test_format_then_parse_round_trip),
            cmocka_unit_test(test_fake_now_pins_clock),
            cmocka_unit_test(test_now_without_fake_is_wall_clock),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
