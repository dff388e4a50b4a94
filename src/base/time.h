/*
 * time: pcrm stores every instant as UTC epoch milliseconds (int64_t) and applies
 * business rules on the Korean civil calendar (KST, UTC+9, no daylight saving).
 * All functions are pure except time_now_ms; none allocate.
 */
#ifndef PCRM_BASE_TIME_H
#define PCRM_BASE_TIME_H

#include <stddef.h>
#include <stdint.h>

#define TIME_KST_OFFSET_MIN (9 * 60)
#define TIME_MS_PER_DAY     INT64_C(86400000)

struct civil_time {
        int year, month, day; /* month 1-12, day 1-31 */
        int hour, minute, second, msec;
};

/* Wall clock, UTC epoch milliseconds. Tests may pin it with PCRM_FAKE_NOW_MS. */
int64_t time_now_ms(void);

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t time_days_from_civil(int year, int month, int day);
void time_civil_from_days(int64_t days, int *year, int *month, int *day);
int time_days_in_month(int year, int month);
/* 0 = Sunday ... 6 = Saturday. */
int time_weekday(int64_t days);

/* Splits an instant into civil time at a fixed UTC offset (minutes), and joins it back. */
void time_to_civil(int64_t ms, int offset_min, struct civil_time *out);
int64_t time_from_civil(const struct civil_time *t, int offset_min);

/*
 * Formats ms as ISO-8601 with the offset, e.g. "2026-10-06T18:00:00+09:00" (seconds
 * precision). out needs 26 bytes; returns 0, or -1 if it is too small.
 */
int time_format_iso(int64_t ms, int offset_min, char *out, size_t outlen);
/* Shorthand for KST. */
int time_format_kst(int64_t ms, char *out, size_t outlen);

/*
 * Parses "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|+HH:MM|-HH:MM)" or a bare date "YYYY-MM-DD",
 * read as midnight KST. A date-time without an offset is read as KST. Returns 0, or -1
 * when the text is not such a time or names an impossible date.
 */
int time_parse_iso(const char *s, int64_t *out);

#endif
