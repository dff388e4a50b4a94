/*
 * deadline: statutory processing periods counted as the Civil Petitions Act
 * (민원 처리에 관한 법률, 시행령 §19–§21) counts them.
 *
 *   - 5 days or less: working hours from receipt, 8 a day (default 09:00–12:00 and
 *     13:00–18:00); received outside working hours, the count starts at the next working
 *     hour. 즉시 = 3 working hours.
 *   - 6 days or more: working days, the day of receipt included, ending at the close of
 *     the last working day.
 *   - weeks, months, years: by the calendar, the first day included; a period that would
 *     end on a Saturday, Sunday or holiday ends at the close of the next working day.
 *   - Saturdays, Sundays and public holidays (substitute, temporary, election days
 *     included) never count.
 *
 * The calendar of holidays ships as data/holidays-kr.csv (compiled in) and is copied into
 * the database, where admins edit it (temporary holidays are declared at short notice).
 * A struct deadline_calendar is immutable once built and may be shared between threads.
 */
#ifndef PCRM_COMPLAINT_DEADLINE_H
#define PCRM_COMPLAINT_DEADLINE_H

#include "base/error.h"
#include "store/db.h"

#include <stdbool.h>
#include <stdint.h>

enum period_unit {
        PERIOD_IMMEDIATE, /* 즉시: 3 working hours */
        PERIOD_HOURS,
        PERIOD_DAYS,
        PERIOD_WEEKS,
        PERIOD_MONTHS,
        PERIOD_YEARS,
};

struct period {
        int value; /* 0 with PERIOD_IMMEDIATE */
        enum period_unit unit;
};

/* Working hours as minutes after midnight KST. */
struct work_hours {
        int am_start, am_end, pm_start, pm_end;
};
#define WORK_HOURS_DEFAULT ((struct work_hours){9 * 60, 12 * 60, 13 * 60, 18 * 60})

struct deadline_calendar;

/* "즉시", "3h", "5d", "14d", "2w", "1m", "1y" (also "즉시처리"). Returns 0 or -1. */
int period_parse(const char *s, struct period *out);
/* Writes the canonical text ("즉시", "7d", ...). */
void period_format(const struct period *p, char *out, size_t outlen);

/* The shipped calendar (data/holidays-kr.csv). Caller frees. NULL when out of memory. */
struct deadline_calendar *deadline_calendar_shipped(void);
/* The calendar as edited in the database (table holidays). Caller frees. */
struct deadline_calendar *deadline_calendar_load(struct store_db *db);
/* Copies the shipped holidays into an empty holidays table (pcrm init). Returns rows or -1. */
int deadline_calendar_seed(struct store_db *db);
void deadline_calendar_free(struct deadline_calendar *cal);
/* days: days since 1970-01-01 (KST civil date). */
bool deadline_is_holiday(const struct deadline_calendar *cal, int64_t days, const char **name);
bool deadline_is_working_day(const struct deadline_calendar *cal, int64_t days);

/* The due instant (UTC ms) of a period starting at received_ms. */
int64_t deadline_due(const struct deadline_calendar *cal, const struct work_hours *wh,
                     int64_t received_ms, const struct period *p);

/*
 * The clock stops while the office waits for a supplement (보완): given the due time
 * before the pause, when the pause started and when it ended, returns the new due time:
 * the working time (hours-counted periods) or working days (days-counted periods, and
 * calendar periods by their working days) left at the pause, counted again from the end.
 */
int64_t deadline_resume(const struct deadline_calendar *cal, const struct work_hours *wh,
                        const struct period *p, int64_t due_ms, int64_t paused_ms,
                        int64_t resumed_ms);

/* Working minutes between two instants (for "due in 5h 20m of working time"). */
int64_t deadline_working_minutes(const struct deadline_calendar *cal, const struct work_hours *wh,
                                 int64_t from_ms, int64_t to_ms);

#endif
