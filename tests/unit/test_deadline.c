/*
 * Unit tests for complaint/deadline: the statutory processing periods of the Civil
 * Petitions Act on the shipped calendar of Korean public holidays (2024–2030), the
 * calendar as edited in the database, the pause for a supplement (보완), and the
 * `pcrm deadline` command through its C entry.
 *
 * Expected times were worked out by hand (the comments show the count) and checked
 * against an independent minute-by-minute model. Times are KST unless they say otherwise.
 *
 * Judgement calls the vectors pin down:
 *   - hours-counted periods that run out exactly at 12:00 or 18:00 end there, not at the
 *     start of the next window;
 *   - for days-counted and calendar periods the first day is the day of receipt when it
 *     is a working day and the receipt comes before 18:00 (07:00 included); received on
 *     a Saturday, Sunday or holiday, or at/after 18:00, the next working day is day 1;
 *   - deadline_resume gives back the working days from the pause's day (included) to the
 *     resumption's day (excluded); hours-counted periods keep their working minutes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testlib.h"

#include "base/log.h"
#include "base/time.h"
#include "cli/cli.h"
#include "complaint/deadline.h"
#include "store/db.h"
#include "store/migrate.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct deadline_calendar *shipped;

static int64_t at(const char *iso)
{
        int64_t ms = 0;
        if (time_parse_iso(iso, &ms) < 0)
                fail_msg("bad time in test: %s", iso);
        return ms;
}

static int64_t day_of(const char *date)
{
        int y = 0, m = 0, d = 0;
        if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
                fail_msg("bad date in test: %s", date);
        return time_days_from_civil(y, m, d);
}

static void assert_kst(int64_t ms, const char *want, const char *what)
{
        char got[32];
        assert_int_equal(time_format_kst(ms, got, sizeof(got)), 0);
        if (strcmp(got, want))
                fail_msg("%s: got %s, want %s", what, got, want);
}

static struct period period_of(const char *s)
{
        struct period p = {0, PERIOD_DAYS};
        if (period_parse(s, &p) < 0)
                fail_msg("bad period in test: %s", s);
        return p;
}

/* ---- deadline_due on the shipped calendar ----------------------------------------- */

static const struct {
        const char *received, *period, *due, *why;
} due_cases[] = {
    /* The example: 9/23 Wed=1, 9/24–26 추석, 9/27 Sun, 9/28..10/2 = 2..6, 10/3 Sat
     * 개천절, 10/4 Sun, 10/5 대체공휴일, 10/6 = 7. */
    {"2026-09-23T10:00+09:00", "7d", "2026-10-06T18:00:00+09:00", "7d over 추석 2026"},

    /* Hours-counted: 09:00–12:00 and 13:00–18:00 only. */
    {"2026-09-21T10:00", "3h", "2026-09-21T14:00:00+09:00", "3h across lunch"},
    {"2026-09-21T09:00", "3h", "2026-09-21T12:00:00+09:00", "3h ends at 12:00, not 13:00"},
    {"2026-09-21T12:30", "3h", "2026-09-21T16:00:00+09:00", "received at lunch"},
    {"2026-09-21T07:00", "3h", "2026-09-21T12:00:00+09:00", "received before 09:00"},
    {"2026-09-21T20:00", "3h", "2026-09-22T12:00:00+09:00", "received in the evening"},
    {"2026-11-02T12:00", "1h", "2026-11-02T14:00:00+09:00", "received at 12:00 sharp"},
    {"2026-11-02T18:00", "1h", "2026-11-03T10:00:00+09:00", "received at 18:00 sharp"},
    {"2026-11-02T01:00Z", "3h", "2026-11-02T14:00:00+09:00", "received time in UTC"},
    {"2026-11-06T17:30", "3h", "2026-11-09T11:30:00+09:00", "Friday 17:30: 30m + Mon 2h30"},
    {"2026-11-02T16:00", "즉시", "2026-11-03T10:00:00+09:00", "즉시 = 3 working hours"},
    {"2026-11-03T11:00", "12h", "2026-11-04T16:00:00+09:00", "12h over two days"},
    {"2026-11-08T11:00", "3h", "2026-11-09T12:00:00+09:00", "received on a Sunday"},
    {"2026-11-02T10:00", "1d", "2026-11-03T10:00:00+09:00", "1d = 8 working hours"},
    {"2026-11-02T09:00", "5d", "2026-11-06T18:00:00+09:00", "5d = 40h, ends Fri 18:00"},
    /* Fri 14–18 4h; 10/5 대체; Tue–Thu 24h; 10/9 한글날; Mon 8h; Tue 09–12, 13–14. */
    {"2026-10-02T14:00", "5d", "2026-10-13T14:00:00+09:00", "5d across 개천절 and 한글날"},
    /* Fri 16–18 2h; 2/16–18 설날; Thu 09–10. */
    {"2026-02-13T16:00", "3h", "2026-02-19T10:00:00+09:00", "3h across 설날 2026"},
    /* Fri 13–18 5h; 2/6–9 설날 + 대체; Wed–Fri 24h; Mon 8h; Tue 09–12. */
    {"2027-02-05T13:00", "5d", "2027-02-16T12:00:00+09:00", "5d across 설날 2027"},
    {"2027-02-08T10:00", "3h", "2027-02-10T12:00:00+09:00", "received on 설날 2027, 2/9 대체"},
    /* Thu 17–18 1h; 10/3 개천절, 10/5–8 추석 + 대체, 10/9 한글날; Fri 10/10 09–11. */
    {"2025-10-02T17:00", "3h", "2025-10-10T11:00:00+09:00", "3h across 추석 2025"},
    /* Wed 15–18 3h; 9/24–26 추석; Mon 8h; Tue 09–12, 13–15. */
    {"2026-09-23T15:00", "2d", "2026-09-29T15:00:00+09:00", "2d across 추석 2026"},
    {"2026-05-22T17:00", "2h", "2026-05-26T10:00:00+09:00", "부처님오신날 + 대체공휴일"},
    {"2026-04-30T17:00", "2h", "2026-05-04T10:00:00+09:00", "근로자의 날 does not count"},

    /* Days-counted: working days, the first included, ending at 18:00. */
    {"2026-11-02T10:00", "6d", "2026-11-09T18:00:00+09:00", "6d, first day counted"},
    {"2026-11-02T10:00", "14d", "2026-11-19T18:00:00+09:00", "14d"},
    {"2026-11-02T10:00", "30d", "2026-12-11T18:00:00+09:00", "30d"},
    {"2026-09-23T08:00", "7d", "2026-10-06T18:00:00+09:00", "received before 09:00: day 1"},
    {"2026-09-22T10:00", "7d", "2026-10-02T18:00:00+09:00", "received Tue: Tue is day 1"},
    {"2026-09-22T19:00", "7d", "2026-10-06T18:00:00+09:00", "after 18:00: next day is day 1"},
    {"2026-09-27T10:00", "7d", "2026-10-07T18:00:00+09:00", "received Sunday: Mon is day 1"},
    {"2026-09-24T10:00", "7d", "2026-10-07T18:00:00+09:00", "received on 추석 연휴"},
    /* 9/30=1, 10/1=2, 10/2=3, 10/3 and 10/6–9 off, 10/10=4, 10/13–17=5..9, 10/20=10. */
    {"2025-09-30T10:00", "10d", "2025-10-20T18:00:00+09:00", "10d across 추석 2025"},
    /* 2/4=1, 2/5=2, 2/6–9 off, 2/10..12=3..5, 2/15=6, 2/16=7. */
    {"2027-02-04T10:00", "7d", "2027-02-16T18:00:00+09:00", "7d across 설날 2027"},

    /* Calendar periods: the day before the same-numbered day, first day included. */
    {"2026-11-04T10:00", "2w", "2026-11-17T18:00:00+09:00", "2w from Wed ends Tue"},
    {"2026-11-06T19:00", "2w", "2026-11-23T18:00:00+09:00", "2w from Fri evening"},
    {"2027-02-03T10:00", "1w", "2027-02-10T18:00:00+09:00", "1w ends on 2/9 대체: next day"},
    {"2025-01-31T10:00", "1m", "2025-02-28T18:00:00+09:00", "1m from 1/31: no 2/31"},
    {"2028-01-31T10:00", "1m", "2028-02-29T18:00:00+09:00", "1m in a leap year"},
    {"2026-03-31T10:00", "1m", "2026-04-30T18:00:00+09:00", "1m from 3/31: no 4/31"},
    {"2026-03-30T10:00", "1m", "2026-04-29T18:00:00+09:00", "1m from 3/30 ends 4/29"},
    {"2026-08-26T10:00", "1m", "2026-09-28T18:00:00+09:00", "1m ends on 추석: next day"},
    /* Received Sat 1/31: day 1 is Mon 2/2, last day 3/1 삼일절 (Sun), 3/2 대체. */
    {"2026-01-31T10:00", "1m", "2026-03-03T18:00:00+09:00", "1m received on a Saturday"},
    {"2026-11-30T10:00", "3m", "2027-03-02T18:00:00+09:00", "3m over the new year"},
    {"2026-03-03T10:00", "1y", "2027-03-02T18:00:00+09:00", "1y"},
};

static void test_due_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(due_cases) / sizeof(due_cases[0]); i++) {
                struct period p = period_of(due_cases[i].period);
                struct work_hours wh = WORK_HOURS_DEFAULT;
                int64_t due = deadline_due(shipped, &wh, at(due_cases[i].received), &p);
                assert_kst(due, due_cases[i].due, due_cases[i].why);
        }
}

/* NULL work hours and nonsense ones mean the default hours. */
static void test_due_default_hours(void **state)
{
        (void)state;
        struct period p = period_of("3h");
        struct work_hours bad = {18 * 60, 9 * 60, 0, 0};
        assert_kst(deadline_due(shipped, NULL, at("2026-09-21T10:00"), &p),
                   "2026-09-21T14:00:00+09:00", "NULL hours");
        assert_kst(deadline_due(shipped, &bad, at("2026-09-21T10:00"), &p),
                   "2026-09-21T14:00:00+09:00", "reversed hours");
        /* Other hours: 08:00–12:00, 13:00–17:00; 5d is still 40 hours by law. */
        struct work_hours early = {8 * 60, 12 * 60, 13 * 60, 17 * 60};
        p = period_of("3h");
        assert_kst(deadline_due(shipped, &early, at("2026-09-21T16:30"), &p),
                   "2026-09-22T10:30:00+09:00", "08–17 hours");
        p = period_of("7d");
        assert_kst(deadline_due(shipped, &early, at("2026-09-23T10:00"), &p),
                   "2026-10-06T17:00:00+09:00", "days end at the office's close");
}

/* An invalid period gives the receipt time back instead of a made-up due time. */
static void test_due_invalid_period(void **state)
{
        (void)state;
        struct period zero = {0, PERIOD_DAYS}, neg = {-3, PERIOD_HOURS};
        struct period huge = {1000000, PERIOD_YEARS}, unit = {1, (enum period_unit)42};
        int64_t r = at("2026-09-23T10:00");
        assert_true(deadline_due(shipped, NULL, r, &zero) == r);
        assert_true(deadline_due(shipped, NULL, r, &neg) == r);
        assert_true(deadline_due(shipped, NULL, r, &huge) == r);
        assert_true(deadline_due(shipped, NULL, r, &unit) == r);
        assert_true(deadline_due(shipped, NULL, r, NULL) == r);
        struct period p = period_of("7d");
        assert_true(deadline_due(shipped, NULL, INT64_MAX, &p) == INT64_MAX);
}

/*
 * For every half hour of two months around 추석 2026 and every hours-counted period, the
 * working time from receipt to the due time is exactly the period: the two functions
 * agree, whatever the receipt time.
 */
static void test_due_matches_working_minutes(void **state)
{
        (void)state;
        int64_t from = at("2026-09-01T00:00"), to = at("2026-11-01T00:00");
        const char *periods[] = {"1h", "3h", "즉시", "7h", "1d", "3d", "5d", "40h"};
        for (int64_t r = from; r < to; r += 30 * INT64_C(60000)) {
                for (size_t i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
                        struct period p = period_of(periods[i]);
                        int64_t due = deadline_due(shipped, NULL, r, &p);
                        int64_t want = p.unit == PERIOD_IMMEDIATE ? 180
                                       : p.unit == PERIOD_HOURS   ? p.value * 60
                                                                  : p.value * 480;
                        assert_true(due > r);
                        assert_int_equal(deadline_working_minutes(shipped, NULL, r, due), want);
                }
        }
}

/* Days-counted and calendar periods always end at 18:00 of a working day. */
static void test_due_ends_on_working_day(void **state)
{
        (void)state;
        const char *periods[] = {"6d", "7d", "14d", "30d", "1w", "2w", "1m", "2m", "1y"};
        for (int64_t d = day_of("2024-01-01"); d < day_of("2030-12-01"); d += 3) {
                int64_t r = d * TIME_MS_PER_DAY + 2 * 3600 * INT64_C(1000); /* 11:00 KST */
                for (size_t i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
                        struct period p = period_of(periods[i]);
                        int64_t due = deadline_due(shipped, NULL, r, &p);
                        struct civil_time t;
                        time_to_civil(due, TIME_KST_OFFSET_MIN, &t);
                        assert_int_equal(t.hour, 18);
                        assert_int_equal(t.minute, 0);
                        assert_true(deadline_is_working_day(
                            shipped, time_days_from_civil(t.year, t.month, t.day)));
                        assert_true(due > r);
                }
        }
}

/* ---- deadline_resume ------------------------------------------------------------- */

static const struct {
        const char *received, *period, *paused, *resumed, *due, *why;
} resume_cases[] = {
    /* 5d from Mon 11/2 09:00 is due Fri 11/6 18:00; at Tue 10:00, 31h are left; from Thu
     * 14:00: Thu 4h, Fri 8h, Mon 8h, Tue 8h, Wed 09–12. */
    {"2026-11-02T09:00", "5d", "2026-11-03T10:00", "2026-11-05T14:00", "2026-11-11T12:00:00+09:00",
     "hours: 31h left"},
    /* 3h from Fri 16:00 is due Mon 10:00; paused Fri 17:00 with 2h left; resumed Mon
     * 20:00: Tue 09–11. */
    {"2026-11-06T16:00", "3h", "2026-11-06T17:00", "2026-11-09T20:00", "2026-11-10T11:00:00+09:00",
     "hours: resumed in the evening"},
    /* 즉시 from 09:00 is due 12:00; 2h left at 10:00; from 10:30: 1h30 + 13:00–13:30. */
    {"2026-11-02T09:00", "즉시", "2026-11-02T10:00", "2026-11-02T10:30",
     "2026-11-02T13:30:00+09:00", "즉시 paused for 30 minutes, lunch again"},
    {"2026-11-02T09:00", "3h", "2026-11-02T12:10", "2026-11-02T12:50", "2026-11-02T12:00:00+09:00",
     "paused after the due time: no change"},
    /* The 7d example is due 10/6; paused Tue 9/29 with 9/29, 9/30, 10/1, 10/2, 10/6 left;
     * resumed Wed 10/7: 10/7, 10/8, (10/9 한글날) 10/12, 10/13, 10/14. */
    {"2026-09-23T10:00", "7d", "2026-09-29T11:00", "2026-10-07T15:00", "2026-10-14T18:00:00+09:00",
     "days: 5 working days left"},
    {"2026-09-23T10:00", "7d", "2026-09-29T11:00", "2026-09-29T16:00", "2026-10-06T18:00:00+09:00",
     "days: paused and resumed the same day"},
    /* Paused on day 1 (all 7 left), resumed Fri 10/2 after 18:00: day 1 is 10/6. */
    {"2026-09-23T10:00", "7d", "2026-09-23T10:30", "2026-10-02T19:00", "2026-10-15T18:00:00+09:00",
     "days: resumed after hours"},
    /* Paused on the last day: that day is given back from the resumption. */
    {"2026-09-23T10:00", "7d", "2026-10-06T17:00", "2026-10-08T09:00", "2026-10-08T18:00:00+09:00",
     "days: paused on the last day"},
    /* 2w from Wed 11/4 is due Tue 11/17; paused Mon 11/16 with 2 working days left;
     * resumed Wed 11/25: 11/25, 11/26. */
    {"2026-11-04T10:00", "2w", "2026-11-16T10:00", "2026-11-25T09:30", "2026-11-26T18:00:00+09:00",
     "calendar: by working days"},
    {"2026-11-04T10:00", "1m", "2026-11-10T10:00", "2026-11-10T09:00", "2026-12-03T18:00:00+09:00",
     "resumed before the pause: no change"},
};

static void test_resume_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(resume_cases) / sizeof(resume_cases[0]); i++) {
                struct period p = period_of(resume_cases[i].period);
                struct work_hours wh = WORK_HOURS_DEFAULT;
                int64_t due = deadline_due(shipped, &wh, at(resume_cases[i].received), &p);
                int64_t now = deadline_resume(shipped, &wh, &p, due, at(resume_cases[i].paused),
                                              at(resume_cases[i].resumed));
                assert_kst(now, resume_cases[i].due, resume_cases[i].why);
                assert_true(now >= due);
        }
}

/* ---- deadline_working_minutes ---------------------------------------------------- */

static const struct {
        const char *from, *to;
        int64_t minutes;
        const char *why;
} minutes_cases[] = {
    {"2026-09-21T10:00", "2026-09-21T14:00", 180, "lunch excluded"},
    {"2026-11-06T17:30", "2026-11-09T11:30", 180, "over a weekend"},
    {"2026-09-23T10:00", "2026-09-28T10:00", 480, "over 추석 2026"},
    {"2026-09-28T10:00", "2026-09-23T10:00", -480, "backwards: overdue"},
    {"2026-09-21T12:10", "2026-09-21T12:50", 0, "inside lunch"},
    {"2026-11-07T09:00", "2026-11-08T18:00", 0, "Saturday and Sunday"},
    {"2026-11-02T10:00", "2026-11-02T10:00", 0, "the same instant"},
    {"2026-11-02T10:00:59", "2026-11-02T10:02", 1, "whole minutes, truncated"},
    {"2026-11-02T00:00", "2026-11-07T00:00", 2400, "one working week"},
    {"2027-02-05T00:00", "2027-02-11T00:00", 960, "설날 2027 week: Fri and Wed only"},
};

static void test_working_minutes_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(minutes_cases) / sizeof(minutes_cases[0]); i++) {
                int64_t got = deadline_working_minutes(shipped, NULL, at(minutes_cases[i].from),
                                                       at(minutes_cases[i].to));
                if (got != minutes_cases[i].minutes)
                        fail_msg("%s: got %lld, want %lld", minutes_cases[i].why, (long long)got,
                                 (long long)minutes_cases[i].minutes);
        }
}

/* ---- the shipped calendar -------------------------------------------------------- */

/* The list, written out again independently of data/holidays-kr.csv. */
static const char *const holiday_list[] = {
    "2024-01-01", "2024-02-09", "2024-02-10", "2024-02-11", "2024-02-12", "2024-03-01",
    "2024-04-10", "2024-05-05", "2024-05-06", "2024-05-15", "2024-06-06", "2024-08-15",
    "2024-09-16", "2024-09-17", "2024-09-18", "2024-10-01", "2024-10-03", "2024-10-09",
    "2024-12-25", "2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30",
    "2025-03-01", "2025-03-03", "2025-05-05", "2025-05-06", "2025-06-03", "2025-06-06",
    "2025-08-15", "2025-10-03", "2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08",
    "2025-10-09", "2025-12-25", "2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18",
    "2026-03-01", "2026-03-02", "2026-05-01", "2026-05-05", "2026-05-24", "2026-05-25",
    "2026-06-03", "2026-06-06", "2026-07-17", "2026-08-15", "2026-08-17", "2026-09-24",
    "2026-09-25", "2026-09-26", "2026-10-03", "2026-10-05", "2026-10-09", "2026-12-25",
    "2027-01-01", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-03-01",
    "2027-05-01", "2027-05-03", "2027-05-05", "2027-05-13", "2027-06-06", "2027-07-17",
    "2027-07-19", "2027-08-15", "2027-08-16", "2027-09-14", "2027-09-15", "2027-09-16",
    "2027-10-03", "2027-10-04", "2027-10-09", "2027-10-11", "2027-12-25", "2027-12-27",
    "2028-01-01", "2028-01-26", "2028-01-27", "2028-01-28", "2028-03-01", "2028-04-12",
    "2028-05-01", "2028-05-02", "2028-05-05", "2028-06-06", "2028-07-17", "2028-08-15",
    "2028-10-02", "2028-10-03", "2028-10-04", "2028-10-05", "2028-10-09", "2028-12-25",
    "2029-01-01", "2029-02-12", "2029-02-13", "2029-02-14", "2029-03-01", "2029-05-01",
    "2029-05-05", "2029-05-07", "2029-05-20", "2029-05-21", "2029-06-06", "2029-07-17",
    "2029-08-15", "2029-09-21", "2029-09-22", "2029-09-23", "2029-09-24", "2029-10-03",
    "2029-10-09", "2029-12-25", "2030-01-01", "2030-02-02", "2030-02-03", "2030-02-04",
    "2030-02-05", "2030-03-01", "2030-03-27", "2030-05-01", "2030-05-05", "2030-05-06",
    "2030-05-09", "2030-06-06", "2030-06-12", "2030-07-17", "2030-08-15", "2030-09-11",
    "2030-09-12", "2030-09-13", "2030-10-03", "2030-10-09", "2030-12-25",
};
#define N_HOLIDAYS (sizeof(holiday_list) / sizeof(holiday_list[0]))

/* Exactly the listed days are holidays, every one of them with a name. */
static void test_shipped_calendar_is_the_list(void **state)
{
        (void)state;
        assert_int_equal(N_HOLIDAYS, 143);
        size_t next = 0, found = 0;
        for (int64_t d = day_of("2024-01-01"); d <= day_of("2030-12-31"); d++) {
                const char *name = NULL;
                bool listed = next < N_HOLIDAYS && day_of(holiday_list[next]) == d;
                bool holiday = deadline_is_holiday(shipped, d, &name);
                if (listed != holiday) {
                        int y, m, dd;
                        time_civil_from_days(d, &y, &m, &dd);
                        fail_msg("%04d-%02d-%02d: listed %d, holiday %d", y, m, dd, listed,
                                 holiday);
                }
                if (listed) {
                        assert_non_null(name);
                        assert_true(strlen(name) > 0);
                        assert_false(deadline_is_working_day(shipped, d));
                        next++;
                        found++;
                }
        }
        assert_int_equal(found, N_HOLIDAYS);
}

static void test_shipped_names_and_weekends(void **state)
{
        (void)state;
        static const struct {
                const char *day, *name;
        } names[] = {
            {"2026-09-25", "추석"},
            {"2026-09-24", "추석 연휴"},
            {"2026-10-05", "대체공휴일(개천절)"},
            {"2027-02-09", "대체공휴일(설날)"},
            {"2026-05-01", "근로자의 날"},
            {"2026-06-03", "제9회 전국동시지방선거"},
            {"2024-04-10", "제22대 국회의원 선거"},
            {"2025-03-03", "대체공휴일(삼일절)"},
            {"2026-07-17", "제헌절"},
            {"2026-12-25", "성탄절"},
        };
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                const char *name = NULL;
                assert_true(deadline_is_holiday(shipped, day_of(names[i].day), &name));
                assert_string_equal(name, names[i].name);
        }
        const char *untouched = "unchanged";
        assert_false(deadline_is_holiday(shipped, day_of("2026-09-23"), &untouched));
        assert_string_equal(untouched, "unchanged");
        assert_true(deadline_is_working_day(shipped, day_of("2026-09-23")));  /* Wed */
        assert_false(deadline_is_working_day(shipped, day_of("2026-09-27"))); /* Sun */
        assert_false(deadline_is_working_day(shipped, day_of("2026-11-07"))); /* Sat */
        assert_false(deadline_is_holiday(shipped, day_of("2026-11-07"), NULL));
        /* Beyond the shipped years only weekends are known. */
        assert_true(deadline_is_working_day(shipped, day_of("2031-01-01")));
        /* No calendar at all: weekends only. */
        assert_true(deadline_is_working_day(NULL, day_of("2026-09-24")));
        assert_false(deadline_is_working_day(NULL, day_of("2026-09-26")));
}

/* ---- period_parse / period_format ------------------------------------------------ */

static const struct {
        const char *text;
        int value;
        enum period_unit unit;
        const char *canonical;
} period_good[] = {
    {"즉시", 0, PERIOD_IMMEDIATE, "즉시"}, {"즉시처리", 0, PERIOD_IMMEDIATE, "즉시"},
    {"3h", 3, PERIOD_HOURS, "3h"},         {"5d", 5, PERIOD_DAYS, "5d"},
    {"14d", 14, PERIOD_DAYS, "14d"},       {"2w", 2, PERIOD_WEEKS, "2w"},
    {"1m", 1, PERIOD_MONTHS, "1m"},        {"1y", 1, PERIOD_YEARS, "1y"},
    {"7D", 7, PERIOD_DAYS, "7d"},          {"07d", 7, PERIOD_DAYS, "7d"},
    {"3시간", 3, PERIOD_HOURS, "3h"},      {"7일", 7, PERIOD_DAYS, "7d"},
    {"2주", 2, PERIOD_WEEKS, "2w"},        {"1개월", 1, PERIOD_MONTHS, "1m"},
    {"1년", 1, PERIOD_YEARS, "1y"},        {"9999d", 9999, PERIOD_DAYS, "9999d"},
    {"99y", 99, PERIOD_YEARS, "99y"},
};

static const char *const period_bad[] = {
    "",    "d",   "7",   "0d",     "-1d",   "+1d",   "1.5d",  "7dd",
    "7 d", " 7d", "7d ", "10000d", "100y",  "1000w", "1000m", "즉시 ",
    "즉",  "abc", "3x",  "3min",   "즉시3", "0h",    "1일간", "٣d",
};

static void test_period_parse_accepts(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(period_good) / sizeof(period_good[0]); i++) {
                struct period p = {-1, PERIOD_YEARS};
                char text[16];
                if (period_parse(period_good[i].text, &p) < 0)
                        fail_msg("rejected %s", period_good[i].text);
                assert_int_equal(p.value, period_good[i].value);
                assert_int_equal(p.unit, period_good[i].unit);
                period_format(&p, text, sizeof(text));
                assert_string_equal(text, period_good[i].canonical);
                struct period again;
                assert_int_equal(period_parse(text, &again), 0);
                assert_int_equal(again.value, p.value);
                assert_int_equal(again.unit, p.unit);
        }
}

static void test_period_parse_rejects(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(period_bad) / sizeof(period_bad[0]); i++) {
                struct period p = {42, PERIOD_WEEKS};
                if (period_parse(period_bad[i], &p) == 0)
                        fail_msg("accepted '%s'", period_bad[i]);
                assert_int_equal(p.value, 42); /* untouched on failure */
        }
        struct period p;
        assert_int_equal(period_parse(NULL, &p), -1);
        assert_int_equal(period_parse("7d", NULL), -1);
}

static void test_period_format_edges(void **state)
{
        (void)state;
        char out[8] = "xxxxxxx";
        struct period p = {1234, PERIOD_DAYS}, bad = {0, PERIOD_DAYS};
        period_format(&p, out, 3);
        assert_string_equal(out, "12");
        period_format(&bad, out, sizeof(out));
        assert_string_equal(out, "");
        period_format(&p, out, 0); /* writes nothing */
        assert_string_equal(out, "");
}

/* ---- the calendar in the database ------------------------------------------------ */

static int open_db(const char *name, int migrate, struct store_db **db)
{
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", tl_dir, name);
        if (store_open(path, db) != STORE_OK)
                return -1;
        return migrate ? (store_migrate(*db) < 0 ? -1 : 0) : 0;
}

static int64_t due_with(struct deadline_calendar *cal, const char *received, const char *period)
{
        struct period p = period_of(period);
        return deadline_due(cal, NULL, at(received), &p);
}

/* Seeding copies the shipped days once; edits in the table move the due time. */
static void test_db_calendar_edits(void **state)
{
        (void)state;
        struct store_db *db;
        assert_int_equal(open_db("edits.db", 1, &db), 0);
        assert_int_equal(deadline_calendar_seed(db), (int)N_HOLIDAYS);
        assert_int_equal(deadline_calendar_seed(db), 0); /* not empty any more */

        struct deadline_calendar *cal = deadline_calendar_load(db);
        assert_non_null(cal);
        for (size_t i = 0; i < N_HOLIDAYS; i++)
                assert_true(deadline_is_holiday(cal, day_of(holiday_list[i]), NULL));
        assert_kst(due_with(cal, "2026-09-23T10:00", "7d"), "2026-10-06T18:00:00+09:00",
                   "seeded calendar");
        deadline_calendar_free(cal);

        /* A temporary holiday declared on Wed 9/30 pushes the 7d example to 10/7. */
        exec_ok(db, "INSERT INTO holidays (day, name, kind, updated_at)"
                    " VALUES ('2026-09-30', '임시공휴일', 'temporary', 0)");
        cal = deadline_calendar_load(db);
        assert_non_null(cal);
        const char *name = NULL;
        assert_true(deadline_is_holiday(cal, day_of("2026-09-30"), &name));
        assert_string_equal(name, "임시공휴일");
        assert_kst(due_with(cal, "2026-09-23T10:00", "7d"), "2026-10-07T18:00:00+09:00",
                   "temporary holiday");
        assert_kst(due_with(cal, "2026-09-29T17:00", "3h"), "2026-10-01T11:00:00+09:00",
                   "hours skip the temporary holiday");
        deadline_calendar_free(cal);

        /* Taking 10/5 out of the table gives that day back. */
        exec_ok(db, "DELETE FROM holidays WHERE day = '2026-10-05'");
        cal = deadline_calendar_load(db);
        assert_non_null(cal);
        assert_true(deadline_is_working_day(cal, day_of("2026-10-05")));
        assert_kst(due_with(cal, "2026-09-23T10:00", "7d"), "2026-10-06T18:00:00+09:00",
                   "temporary holiday in, 10/5 out");
        deadline_calendar_free(cal);

        /* A row that is not a date is skipped, not fatal. */
        exec_ok(db, "INSERT INTO holidays (day, name, updated_at) VALUES ('next tuesday', 'x', 0)");
        cal = deadline_calendar_load(db);
        assert_non_null(cal);
        assert_true(deadline_is_holiday(cal, day_of("2026-09-30"), NULL));
        deadline_calendar_free(cal);
        store_close(db);
}

/* A data directory migrated but never seeded reads as the shipped calendar. */
static void test_db_calendar_empty_is_shipped(void **state)
{
        (void)state;
        struct store_db *db;
        assert_int_equal(open_db("empty.db", 1, &db), 0);
        struct deadline_calendar *cal = deadline_calendar_load(db);
        assert_non_null(cal);
        assert_true(deadline_is_holiday(cal, day_of("2026-09-24"), NULL));
        assert_kst(due_with(cal, "2026-09-23T10:00", "7d"), "2026-10-06T18:00:00+09:00",
                   "empty table");
        deadline_calendar_free(cal);
        store_close(db);
}

/* Without the table (no migrations), loading fails and seeding fails cleanly. */
static void test_db_calendar_missing_table(void **state)
{
        (void)state;
        struct store_db *db;
        assert_int_equal(open_db("bare.db", 0, &db), 0);
        assert_null(deadline_calendar_load(db));
        assert_int_equal(deadline_calendar_seed(db), -1);
        /* The failed seed left no transaction open. */
        assert_int_equal(store_begin(db), STORE_OK);
        assert_int_equal(store_commit(db), STORE_OK);
        store_close(db);
}

/* ---- the CLI through its C entry ------------------------------------------------- */

static const struct cli_command deadline_cmd = {
    "deadline", "compute a complaint's statutory due time",
    "usage: pcrm deadline --received TIME --period PERIOD [--data DIR]\n", cli_deadline};
static const struct cli_command init_cmd = {"init", "create a data directory",
                                            "usage: pcrm init --data DIR\n", cli_init};

/* Runs a command with stdout and stderr captured into out and err. Returns its code. */
static int run_cli(const struct cli_command *cmd, char *out, size_t outlen, char *err,
                   size_t errlen, int argc, const char *const *args)
{
        char *argv[16];
        for (int i = 0; i < argc && i < 15; i++)
                argv[i] = (char *)args[i];
        argv[argc] = NULL;
        FILE *fo = tmpfile(), *fe = tmpfile();
        assert_non_null(fo);
        assert_non_null(fe);
        fflush(stdout);
        fflush(stderr);
        int so = dup(1), se = dup(2);
        dup2(fileno(fo), 1);
        dup2(fileno(fe), 2);
        optind = 0; /* glibc: start getopt afresh */
        int rc = cmd->run(cmd, argc, argv);
        fflush(stdout);
        fflush(stderr);
        dup2(so, 1);
        dup2(se, 2);
        close(so);
        close(se);
        size_t n;
        rewind(fo);
        n = fread(out, 1, outlen - 1, fo);
        out[n] = '\0';
        rewind(fe);
        n = fread(err, 1, errlen - 1, fe);
        err[n] = '\0';
        fclose(fo);
        fclose(fe);
        return rc;
}

static const struct {
        const char *args[8];
        int argc, rc;
        const char *out, *err;
} cli_cases[] = {
    {{"deadline", "--received", "2026-09-23T10:00+09:00", "--period", "7d"},
     5,
     CLI_OK,
     "2026-10-06T18:00:00+09:00\n",
     ""},
    {{"deadline", "--period", "즉시", "--received", "2026-11-02T16:00"},
     5,
     CLI_OK,
     "2026-11-03T10:00:00+09:00\n",
     ""},
    {{"deadline", "--received=2026-11-04", "--period=2w"},
     3,
     CLI_OK,
     "2026-11-17T18:00:00+09:00\n",
     ""},
    {{"deadline", "--received", "2026-09-23", "--period", "7x"},
     5,
     CLI_USAGE,
     "",
     "--period '7x' is not a period"},
    {{"deadline", "--received", "2026-02-30T10:00", "--period", "7d"},
     5,
     CLI_USAGE,
     "",
     "--received '2026-02-30T10:00' is not an ISO-8601 time"},
    {{"deadline", "--received", "yesterday", "--period", "7d"},
     5,
     CLI_USAGE,
     "",
     "is not an ISO-8601 time"},
    {{"deadline", "--period", "7d"}, 3, CLI_USAGE, "", "--received TIME is required"},
    {{"deadline", "--received", "2026-09-23"}, 3, CLI_USAGE, "", "--period PERIOD is required"},
    {{"deadline", "--received", "2026-09-23", "--period", "7d", "extra"},
     6,
     CLI_USAGE,
     "",
     "unexpected argument 'extra'"},
    {{"deadline", "--bogus"}, 2, CLI_USAGE, "", "unknown option"},
    {{"deadline", "--help"}, 2, CLI_OK, "usage: pcrm deadline", ""},
    {{"deadline", "--received", "2026-09-23", "--period", "7d", "--data", "/nonexistent/pcrm"},
     7,
     CLI_FAIL,
     "",
     "not a pcrm data directory"},
};

static void test_cli_table(void **state)
{
        (void)state;
        char out[4096], err[4096];
        for (size_t i = 0; i < sizeof(cli_cases) / sizeof(cli_cases[0]); i++) {
                int rc = run_cli(&deadline_cmd, out, sizeof(out), err, sizeof(err),
                                 cli_cases[i].argc, cli_cases[i].args);
                if (rc != cli_cases[i].rc)
                        fail_msg("case %zu: exit %d, want %d (stderr: %s)", i, rc, cli_cases[i].rc,
                                 err);
                if (cli_cases[i].rc == CLI_OK && cli_cases[i].out[0] == '2')
                        assert_string_equal(out, cli_cases[i].out);
                else if (!strstr(out, cli_cases[i].out))
                        fail_msg("case %zu: stdout '%s' lacks '%s'", i, out, cli_cases[i].out);
                if (!strstr(err, cli_cases[i].err))
                        fail_msg("case %zu: stderr '%s' lacks '%s'", i, err, cli_cases[i].err);
        }
}

/* pcrm init seeds the holidays; an admin's edit then shows in `pcrm deadline --data`. */
static void test_cli_with_data_dir(void **state)
{
        (void)state;
        char dir[512], dbfile[600], out[4096], err[4096];
        snprintf(dir, sizeof(dir), "%s/data", tl_dir);
        const char *init_args[] = {"init", "--data", dir};
        if (run_cli(&init_cmd, out, sizeof(out), err, sizeof(err), 3, init_args) != CLI_OK)
                fail_msg("pcrm init failed: %s", err);
        const char *args[] = {"deadline", "--received", "2026-09-23T10:00+09:00", "--period", "7d",
                              "--data",   dir};
        assert_int_equal(run_cli(&deadline_cmd, out, sizeof(out), err, sizeof(err), 7, args),
                         CLI_OK);
        assert_string_equal(out, "2026-10-06T18:00:00+09:00\n");

        struct store_db *db;
        snprintf(dbfile, sizeof(dbfile), "%s/pcrm.db", dir);
        assert_int_equal(store_open(dbfile, &db), STORE_OK);
        struct store_stmt *st = store_prepare(db, "SELECT COUNT(*) FROM holidays");
        assert_non_null(st);
        assert_int_equal(store_step(st), STORE_ROW);
        assert_int_equal(store_col_int(st, 0), (int64_t)N_HOLIDAYS);
        store_done(st);
        exec_ok(db, "INSERT INTO holidays (day, name, kind, updated_at)"
                    " VALUES ('2026-09-30', '임시공휴일', 'temporary', 0)");
        store_close(db);

        assert_int_equal(run_cli(&deadline_cmd, out, sizeof(out), err, sizeof(err), 7, args),
                         CLI_OK);
        assert_string_equal(out, "2026-10-07T18:00:00+09:00\n");
        /* Without --data the shipped calendar still answers. */
        assert_int_equal(run_cli(&deadline_cmd, out, sizeof(out), err, sizeof(err), 5, args),
                         CLI_OK);
        assert_string_equal(out, "2026-10-06T18:00:00+09:00\n");
}

/* ---- fixture --------------------------------------------------------------------- */

static int group_setup(void **state)
{
        (void)state;
        if (tl_make_dir("deadline") < 0)
                return -1;
        shipped = deadline_calendar_shipped();
        return shipped ? 0 : -1;
}

static int group_teardown(void **state)
{
        (void)state;
        deadline_calendar_free(shipped);
        tl_rm_tree(tl_dir);
        return 0;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_due_table),
            cmocka_unit_test(test_due_default_hours),
            cmocka_unit_test(test_due_invalid_period),
            cmocka_unit_test(test_due_matches_working_minutes),
            cmocka_unit_test(test_due_ends_on_working_day),
            cmocka_unit_test(test_resume_table),
            cmocka_unit_test(test_working_minutes_table),
            cmocka_unit_test(test_shipped_calendar_is_the_list),
            cmocka_unit_test(test_shipped_names_and_weekends),
            cmocka_unit_test(test_period_parse_accepts),
            cmocka_unit_test(test_period_parse_rejects),
            cmocka_unit_test(test_period_format_edges),
            cmocka_unit_test(test_db_calendar_edits),
            cmocka_unit_test(test_db_calendar_empty_is_shipped),
            cmocka_unit_test(test_db_calendar_missing_table),
            cmocka_unit_test(test_cli_table),
            cmocka_unit_test(test_cli_with_data_dir),
        };
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
