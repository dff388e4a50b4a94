/*
 * deadline: statutory processing periods (see deadline.h for the rules).
 *
 * DESIGN
 *
 * Every computation works on KST civil time split into a day number (days since
 * 1970-01-01) and a time of day in milliseconds; instants go back to UTC ms only at the
 * end. Three ways of counting share two primitives, "the effective first day" and "the
 * n-th working day from a day":
 *
 *   - hours-counted periods (즉시, Nh, and Nd with N <= 5, as N x 8 hours): walk the
 *     working windows (morning, afternoon) day by day, spending the working time that is
 *     left. A period that runs out exactly at the end of a window ends there (Friday
 *     18:00), never at the start of the next one (Monday 09:00).
 *   - days-counted periods (Nd with N >= 6): the first day is day 1; the N-th working day
 *     is the last, and the period ends at its close (18:00 by default).
 *   - calendar periods (weeks, months, years): the Civil Act (민법 §159–§161) with the
 *     first day included (시행령 §19④): the period ends the day before the day of the
 *     same number in the last week, month or year, or on the last day of that month when
 *     it has no such day; an end on a Saturday, Sunday or holiday moves to the next
 *     working day. Days in between are not checked: the calendar runs through them.
 *
 * The effective first day (judgement call, the same for days-counted and calendar
 * periods and for the resumption after a pause): the day of receipt when it is a working
 * day and the receipt comes before its close (before 09:00 included: the whole day is
 * still ahead); otherwise, received on a Saturday, Sunday or holiday or at/after the
 * close, the next working day, just as an hours-counted period starts at the next
 * working hour.
 *
 * The calendar is a sorted array of holidays searched by bisection; it is immutable after
 * it is built, so threads may share it.
 */
#include "complaint/deadline.h"

#include "base/csv.h"
#include "base/embed.h"
#include "base/log.h"
#include "base/time.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS_PER_MIN  INT64_C(60000)
#define MS_PER_HOUR INT64_C(3600000)
#define KST_MS      ((int64_t)TIME_KST_OFFSET_MIN * MS_PER_MIN)
/* The law: one day of an hours-counted period is 8 working hours, whatever the office's
 * own hours. 즉시 is 3 working hours. */
#define HOURS_PER_DAY      8
#define IMMEDIATE_HOURS    3
#define HOURS_COUNTED_DAYS 5
#define HOLIDAYS_FILE      "holidays-kr.csv"

struct holiday {
        int64_t day;
        char *name; /* owned */
        char *kind; /* owned */
};

struct deadline_calendar {
        struct holiday *days; /* sorted by day, no duplicates */
        size_t n, cap;
        atomic_int refs; /* holders: callers, and the cache of the last one loaded */
};

/* ---- periods ---------------------------------------------------------------------- */

/* Largest value accepted per unit: generous for any statute, small enough that the
 * day-by-day walks stay short and nothing overflows. Indexed by enum period_unit. */
static const int period_max[] = {0, 9999, 9999, 999, 999, 99};

static const struct {
        const char *suffix;
        enum period_unit unit;
} period_suffixes[] = {
    {"h", PERIOD_HOURS},  {"H", PERIOD_HOURS},  {"시간", PERIOD_HOURS}, {"d", PERIOD_DAYS},
    {"D", PERIOD_DAYS},   {"일", PERIOD_DAYS},  {"w", PERIOD_WEEKS},    {"W", PERIOD_WEEKS},
    {"주", PERIOD_WEEKS}, {"m", PERIOD_MONTHS}, {"M", PERIOD_MONTHS},   {"개월", PERIOD_MONTHS},
    {"y", PERIOD_YEARS},  {"Y", PERIOD_YEARS},  {"년", PERIOD_YEARS},
};

static const char period_letters[] = {'\0', 'h', 'd', 'w', 'm', 'y'};

static int period_valid(const struct period *p)
{
        if (!p || (int)p->unit < PERIOD_IMMEDIATE || p->unit > PERIOD_YEARS)
                return 0;
        return p->unit == PERIOD_IMMEDIATE || (p->value >= 1 && p->value <= period_max[p->unit]);
}

int period_parse(const char *s, struct period *out)
{
        if (!s || !out)
                return -1;
        if (!strcmp(s, "즉시") || !strcmp(s, "즉시처리")) {
                *out = (struct period){0, PERIOD_IMMEDIATE};
                return 0;
        }
        int value = 0, digits = 0;
        const char *p = s;
        for (; *p >= '0' && *p <= '9'; p++) {
                if (++digits > 4)
                        return -1;
                value = value * 10 + (*p - '0');
        }
        if (digits == 0)
                return -1;
        for (size_t i = 0; i < sizeof(period_suffixes) / sizeof(period_suffixes[0]); i++) {
                if (strcmp(p, period_suffixes[i].suffix))
                        continue;
                struct period r = {value, period_suffixes[i].unit};
                if (!period_valid(&r))
                        return -1;
                *out = r;
                return 0;
        }
        return -1;
}

void period_format(const struct period *p, char *out, size_t outlen)
{
        if (!out || outlen == 0)
                return;
        if (!period_valid(p))
                out[0] = '\0';
        else if (p->unit == PERIOD_IMMEDIATE)
                snprintf(out, outlen, "즉시");
        else
                snprintf(out, outlen, "%d%c", p->value, period_letters[p->unit]);
}

/* ---- the calendar ----------------------------------------------------------------- */

static struct deadline_calendar *calendar_new(void)
{
        struct deadline_calendar *cal = calloc(1, sizeof(struct deadline_calendar));
        if (cal)
                atomic_init(&cal->refs, 1);
        return cal;
}

/* Callers keep "load, use, free"; a calendar shared with the cache outlives their free. */
void deadline_calendar_free(struct deadline_calendar *cal)
{
        if (!cal || atomic_fetch_sub(&cal->refs, 1) > 1)
                return;
        for (size_t i = 0; i < cal->n; i++) {
                free(cal->days[i].name);
                free(cal->days[i].kind);
        }
        free(cal->days);
        free(cal);
}

/* Appends a copy of the holiday (order and duplicates are settled by calendar_finish).
 * Returns 0, or -1 out of memory. */
static int calendar_add(struct deadline_calendar *cal, int64_t day, const char *name,
                        const char *kind)
{
        if (cal->n == cal->cap) {
                size_t cap = cal->cap ? cal->cap * 2 : 64;
                struct holiday *d = realloc(cal->days, cap * sizeof(*d));
                if (!d)
                        return -1;
                cal->days = d;
                cal->cap = cap;
        }
        struct holiday h = {day, strdup(name), strdup(kind && *kind ? kind : "public")};
        if (!h.name || !h.kind) {
                free(h.name);
                free(h.kind);
                return -1;
        }
        cal->days[cal->n++] = h;
        return 0;
}

static int holiday_cmp(const void *a, const void *b)
{
        const struct holiday *x = a, *y = b;
        if (x->day != y->day)
                return x->day < y->day ? -1 : 1;
        return strcmp(x->name, y->name); /* duplicates: any order, but always the same */
}

/* Sorts by day and keeps one holiday per day (the table's key forbids two; a file may
 * list one twice by mistake). */
static void calendar_finish(struct deadline_calendar *cal)
{
        if (cal->n == 0)
                return;
        qsort(cal->days, cal->n, sizeof(cal->days[0]), holiday_cmp);
        size_t w = 1;
        for (size_t r = 1; r < cal->n; r++) {
                if (cal->days[r].day == cal->days[w - 1].day) {
                        free(cal->days[r].name);
                        free(cal->days[r].kind);
                        continue;
                }
                cal->days[w++] = cal->days[r];
        }
        cal->n = w;
}

/* "YYYY-MM-DD" exactly, as a day number. 0 or -1. */
static int parse_day(const char *s, int64_t *day)
{
        int64_t ms;
        if (!s || strlen(s) != 10 || time_parse_iso(s, &ms) < 0)
                return -1;
        *day = (ms + KST_MS) / TIME_MS_PER_DAY; /* midnight KST, never before 1800 */
        return 0;
}

static void format_day(int64_t day, char *out, size_t outlen)
{
        int y, m, d;
        time_civil_from_days(day, &y, &m, &d);
        snprintf(out, outlen, "%04d-%02d-%02d", y, m, d);
}

/*
 * Reads "date,name[,kind]" rows after a header. A malformed row is logged and skipped
 * (one bad line should not cost the whole calendar). Returns NULL only out of memory.
 */
static struct deadline_calendar *calendar_from_csv(const char *data, size_t len)
{
        struct deadline_calendar *cal = calendar_new();
        if (!cal)
                return NULL;
        struct csv_reader r;
        csv_init(&r, data, len);
        int rc, header = 1;
        while ((rc = csv_next(&r)) == 1) {
                const char *date = csv_field(&r, 0), *name = csv_field(&r, 1);
                if (header) {
                        header = 0;
                        if (date && !strcmp(date, "date"))
                                continue;
                }
                int64_t day;
                if (parse_day(date, &day) < 0 || !name || !*name) {
                        log_warn("%s line %zu: not a date and a name, skipped", HOLIDAYS_FILE,
                                 r.line);
                        continue;
                }
                if (calendar_add(cal, day, name, csv_field(&r, 2)) < 0) {
                        csv_release(&r);
                        deadline_calendar_free(cal);
                        return NULL;
                }
        }
        if (rc < 0)
                log_error("%s line %zu: %s", HOLIDAYS_FILE, r.line, r.error);
        csv_release(&r);
        calendar_finish(cal);
        return cal;
}

struct deadline_calendar *deadline_calendar_shipped(void)
{
        const struct embed_file *f = embed_data_file(HOLIDAYS_FILE);
        if (!f) {
                log_error("%s is not compiled in; counting without holidays", HOLIDAYS_FILE);
                return calendar_new();
        }
        return calendar_from_csv(f->data, f->size);
}

/*
 * An empty table means a data directory created before the table existed and never
 * seeded (pcrm init seeds it): the shipped calendar is returned then, with one warning
 * per process, rather than a calendar without holidays.
 */
static struct deadline_calendar *calendar_read(struct store_db *db)
{
        static atomic_int warned;
        struct store_stmt *st = store_prepare(db, "SELECT day, name, kind FROM holidays");
        if (!st)
                return NULL;
        struct deadline_calendar *cal = calendar_new();
        int rc = cal ? STORE_ROW : STORE_ERROR;
        while (cal && (rc = store_step(st)) == STORE_ROW) {
                const char *text = store_col_text(st, 0);
                int64_t day;
                if (parse_day(text, &day) < 0) {
                        log_warn("holidays: '%s' is not a YYYY-MM-DD day, skipped",
                                 text ? text : "");
                        continue;
                }
                const char *name = store_col_text(st, 1), *kind = store_col_text(st, 2);
                if (calendar_add(cal, day, name ? name : "", kind) < 0) {
                        rc = STORE_ERROR;
                        break;
                }
        }
        store_done(st);
        if (rc != STORE_DONE) {
                deadline_calendar_free(cal);
                return NULL;
        }
        calendar_finish(cal);
        if (cal->n > 0)
                return cal;
        deadline_calendar_free(cal);
        if (!atomic_exchange(&warned, 1))
                log_warn("the holidays table is empty; using the shipped calendar (pcrm init "
                         "copies it in)");
        return deadline_calendar_shipped();
}

/*
 * The last calendar read, kept per process: every complaint intake needs it, and building
 * it (a table scan, a copy of each name, a sort) cost more than the rest of the deadline
 * work. It is reused while the table's fingerprint (row count and latest updated_at, on
 * the same database file) is unchanged, so an admin's edit from any process, a new row, a
 * deleted row or an updated one (every write sets updated_at), is seen at the next load.
 */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct deadline_calendar *cache_cal;
static char cache_file[1024];
static int64_t cache_rows = -1, cache_stamp = -1;

static int calendar_fingerprint(struct store_db *db, int64_t *rows, int64_t *stamp)
{
        struct store_stmt *st =
            store_prepare(db, "SELECT COUNT(*), COALESCE(MAX(updated_at), 0) FROM holidays");
        if (!st)
                return -1;
        int rc = store_step(st);
        if (rc == STORE_ROW) {
                *rows = store_col_int(st, 0);
                *stamp = store_col_int(st, 1);
        }
        store_done(st);
        return rc == STORE_ROW ? 0 : -1;
}

/* Returns NULL when the database fails or memory runs out. Reads only (no transaction of
 * its own), so callers may hold one. */
struct deadline_calendar *deadline_calendar_load(struct store_db *db)
{
        int64_t rows, stamp;
        if (calendar_fingerprint(db, &rows, &stamp) < 0)
                return NULL;
        const char *file = store_filename(db);
        /* In-memory databases have no name to tell them apart: never cached. */
        bool cacheable = file[0] && strlen(file) < sizeof(cache_file);
        struct deadline_calendar *cal = NULL;
        pthread_mutex_lock(&cache_lock);
        if (cacheable && cache_cal && rows == cache_rows && stamp == cache_stamp &&
            !strcmp(file, cache_file)) {
                cal = cache_cal;
                atomic_fetch_add(&cal->refs, 1);
        }
        pthread_mutex_unlock(&cache_lock);
        if (cal || !(cal = calendar_read(db)) || !cacheable)
                return cal;
        /* Read after the fingerprint: at worst newer than it, and then read again next
         * time, never older. */
        atomic_fetch_add(&cal->refs, 1);
        pthread_mutex_lock(&cache_lock);
        struct deadline_calendar *old = cache_cal;
        cache_cal = cal;
        cache_rows = rows;
        cache_stamp = stamp;
        snprintf(cache_file, sizeof(cache_file), "%s", file);
        pthread_mutex_unlock(&cache_lock);
        deadline_calendar_free(old);
        return cal;
}

/* In one transaction, so two pcrm init runs cannot both copy. */
int deadline_calendar_seed(struct store_db *db)
{
        struct deadline_calendar *cal = deadline_calendar_shipped();
        if (!cal)
                return -1;
        int rows = -1;
        struct store_stmt *st = NULL;
        if (store_begin(db) != STORE_OK)
                goto out;
        st = store_prepare(db, "SELECT COUNT(*) FROM holidays");
        if (!st || store_step(st) != STORE_ROW)
                goto fail;
        int64_t existing = store_col_int(st, 0);
        store_done(st);
        st = NULL;
        int added = 0;
        if (existing == 0) {
                int64_t now = time_now_ms();
                for (size_t i = 0; i < cal->n; i++) {
                        char day[16];
                        format_day(cal->days[i].day, day, sizeof(day));
                        st = store_prepare(db, "INSERT INTO holidays (day, name, kind, updated_at)"
                                               " VALUES (?, ?, ?, ?) ON CONFLICT (day) DO NOTHING");
                        if (!st)
                                goto fail;
                        store_bind_text(st, 1, day);
                        store_bind_text(st, 2, cal->days[i].name);
                        store_bind_text(st, 3, cal->days[i].kind);
                        store_bind_int(st, 4, now);
                        int rc = store_step(st);
                        store_done(st);
                        st = NULL;
                        if (rc != STORE_DONE)
                                goto fail;
                        added += (int)store_changes(db);
                }
        }
        if (store_commit(db) != STORE_OK)
                goto fail;
        rows = added;
        goto out;
fail:
        log_error("cannot copy the holidays into the database: %s", store_errmsg(db));
        store_done(st);
        store_rollback(db);
out:
        deadline_calendar_free(cal);
        return rows;
}

bool deadline_is_holiday(const struct deadline_calendar *cal, int64_t days, const char **name)
{
        size_t lo = 0, hi = cal ? cal->n : 0;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (cal->days[mid].day < days) {
                        lo = mid + 1;
                } else if (cal->days[mid].day > days) {
                        hi = mid;
                } else {
                        if (name)
                                *name = cal->days[mid].name;
                        return true;
                }
        }
        return false;
}

bool deadline_is_working_day(const struct deadline_calendar *cal, int64_t days)
{
        int wd = time_weekday(days);
        return wd != 0 && wd != 6 && !deadline_is_holiday(cal, days, NULL);
}

/* ---- counting --------------------------------------------------------------------- */

/* Instants far outside any plausible date (years 1–9999) are refused before arithmetic
 * on them could overflow. */
#define MS_MIN (INT64_C(-719162) * TIME_MS_PER_DAY)
#define MS_MAX (INT64_C(2932896) * TIME_MS_PER_DAY)

static int ms_ok(int64_t ms)
{
        return ms >= MS_MIN && ms <= MS_MAX;
}

/* Working hours in ms of the day: two windows, either possibly empty. */
struct windows {
        int64_t start[2], end[2];
        int64_t close; /* the end of the working day */
};

/* Hours that are not 0 <= am_start <= am_end <= pm_start <= pm_end <= 24:00 with some
 * working time fall back to the default, since they would make every count endless. */
static struct windows windows_of(const struct work_hours *wh)
{
        struct work_hours h = WORK_HOURS_DEFAULT;
        if (wh && wh->am_start >= 0 && wh->am_start <= wh->am_end && wh->am_end <= wh->pm_start &&
            wh->pm_start <= wh->pm_end && wh->pm_end <= 24 * 60 &&
            wh->am_end - wh->am_start + wh->pm_end - wh->pm_start > 0)
                h = *wh;
        struct windows w = {{h.am_start * MS_PER_MIN, h.pm_start * MS_PER_MIN},
                            {h.am_end * MS_PER_MIN, h.pm_end * MS_PER_MIN},
                            (h.pm_end > h.pm_start ? h.pm_end : h.am_end) * MS_PER_MIN};
        return w;
}

static int64_t floor_div(int64_t a, int64_t b)
{
        int64_t q = a / b;
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* An instant as a KST day number and the ms since that day's midnight. */
static void split(int64_t ms, int64_t *day, int64_t *tod)
{
        int64_t local = ms + KST_MS;
        *day = floor_div(local, TIME_MS_PER_DAY);
        *tod = local - *day * TIME_MS_PER_DAY;
}

static int64_t join(int64_t day, int64_t tod)
{
        return day * TIME_MS_PER_DAY + tod - KST_MS;
}

static int64_t next_working_day(const struct deadline_calendar *cal, int64_t day)
{
        do
                day++;
        while (!deadline_is_working_day(cal, day));
        return day;
}

/* The effective first day of a day-based count starting at ms (see DESIGN). */
static int64_t first_day(const struct deadline_calendar *cal, const struct windows *w, int64_t ms)
{
        int64_t day, tod;
        split(ms, &day, &tod);
        if (deadline_is_working_day(cal, day) && tod < w->close)
                return day;
        return next_working_day(cal, day);
}

/* The n-th working day (n >= 1) counting the working day `day` as the first. */
static int64_t nth_working_day(const struct deadline_calendar *cal, int64_t day, int n)
{
        while (--n > 0)
                day = next_working_day(cal, day);
        return day;
}

/* Working days in [from, to], both ends included. */
static int64_t working_days_between(const struct deadline_calendar *cal, int64_t from, int64_t to)
{
        int64_t n = 0;
        for (int64_t d = from; d <= to; d++)
                n += deadline_is_working_day(cal, d);
        return n;
}

/*
 * The instant when `amount` ms of working time have passed after start. An amount that
 * runs out exactly at the end of a window ends there; an amount of 0 gives the next
 * working moment.
 */
static int64_t add_working(const struct deadline_calendar *cal, const struct windows *w,
                           int64_t start, int64_t amount)
{
        int64_t day, tod;
        split(start, &day, &tod);
        for (;; day++, tod = 0) {
                if (!deadline_is_working_day(cal, day))
                        continue;
                for (int i = 0; i < 2; i++) {
                        if (tod >= w->end[i] || w->start[i] >= w->end[i])
                                continue;
                        int64_t from = tod > w->start[i] ? tod : w->start[i];
                        if (amount <= w->end[i] - from)
                                return join(day, from + amount);
                        amount -= w->end[i] - from;
                        tod = w->end[i];
                }
        }
}

/* Working time in ms in [from, to), from <= to. */
static int64_t working_ms(const struct deadline_calendar *cal, const struct windows *w,
                          int64_t from, int64_t to)
{
        int64_t d0, t0, d1, t1, sum = 0;
        split(from, &d0, &t0);
        split(to, &d1, &t1);
        for (int64_t d = d0; d <= d1; d++) {
                if (!deadline_is_working_day(cal, d))
                        continue;
                int64_t lo = d == d0 ? t0 : 0, hi = d == d1 ? t1 : TIME_MS_PER_DAY;
                for (int i = 0; i < 2; i++) {
                        int64_t a = lo > w->start[i] ? lo : w->start[i];
                        int64_t b = hi < w->end[i] ? hi : w->end[i];
                        if (b > a)
                                sum += b - a;
                }
        }
        return sum;
}

static int hours_counted(const struct period *p)
{
        return p->unit == PERIOD_IMMEDIATE || p->unit == PERIOD_HOURS ||
               (p->unit == PERIOD_DAYS && p->value <= HOURS_COUNTED_DAYS);
}

static int64_t period_working_ms(const struct period *p)
{
        if (p->unit == PERIOD_IMMEDIATE)
                return IMMEDIATE_HOURS * MS_PER_HOUR;
        if (p->unit == PERIOD_HOURS)
                return p->value * MS_PER_HOUR;
        return (int64_t)p->value * HOURS_PER_DAY * MS_PER_HOUR;
}

/* The last day of a calendar period whose first day is `first` (Civil Act §160). */
static int64_t calendar_last_day(const struct period *p, int64_t first)
{
        if (p->unit == PERIOD_WEEKS)
                return first + 7 * (int64_t)p->value - 1;
        int y, m, d;
        time_civil_from_days(first, &y, &m, &d);
        int months = p->unit == PERIOD_YEARS ? 12 * p->value : p->value;
        int idx = (m - 1) + months;
        y += idx / 12;
        m = idx % 12 + 1;
        int last = time_days_in_month(y, m);
        /* The day before the same-numbered day; the month's last day if there is none. */
        if (d > last)
                return time_days_from_civil(y, m, last);
        return time_days_from_civil(y, m, d) - 1;
}

/* An invalid period or an instant outside years 1–9999 gives received_ms back. */
int64_t deadline_due(const struct deadline_calendar *cal, const struct work_hours *wh,
                     int64_t received_ms, const struct period *p)
{
        if (!period_valid(p) || !ms_ok(received_ms))
                return received_ms;
        struct windows w = windows_of(wh);
        if (hours_counted(p))
                return add_working(cal, &w, received_ms, period_working_ms(p));
        int64_t first = first_day(cal, &w, received_ms), last;
        if (p->unit == PERIOD_DAYS) {
                last = nth_working_day(cal, first, p->value);
        } else {
                last = calendar_last_day(p, first);
                if (!deadline_is_working_day(cal, last))
                        last = next_working_day(cal, last);
        }
        return join(last, w.close);
}

/*
 * Hours-counted periods keep the working time left between the pause and the due time.
 * Day-counted and calendar periods keep the working days left from the effective day of
 * the pause through the due day, the day of the pause included (it was cut short), and
 * count them again with the effective day of the resumption as the first: so a pause and
 * a resumption within one working day change nothing, and in general the due day moves
 * by the working days from the pause's day up to (not including) the resumption's day.
 * A pause at or after the due time, or a resumption not after the pause, changes nothing;
 * the result is never earlier than due_ms.
 */
int64_t deadline_resume(const struct deadline_calendar *cal, const struct work_hours *wh,
                        const struct period *p, int64_t due_ms, int64_t paused_ms,
                        int64_t resumed_ms)
{
        if (!period_valid(p) || !ms_ok(due_ms) || !ms_ok(paused_ms) || !ms_ok(resumed_ms) ||
            paused_ms >= due_ms || resumed_ms <= paused_ms)
                return due_ms;
        struct windows w = windows_of(wh);
        int64_t due;
        if (hours_counted(p)) {
                due = add_working(cal, &w, resumed_ms, working_ms(cal, &w, paused_ms, due_ms));
        } else {
                int64_t due_day, tod;
                split(due_ms, &due_day, &tod);
                int64_t left = working_days_between(cal, first_day(cal, &w, paused_ms), due_day);
                if (left < 1)
                        left = 1;
                if (left > period_max[PERIOD_DAYS])
                        return due_ms;
                int64_t last = nth_working_day(cal, first_day(cal, &w, resumed_ms), (int)left);
                due = join(last, w.close);
        }
        return due > due_ms ? due : due_ms;
}

/* Negative when to_ms is before from_ms (overdue by that much working time); whole
 * minutes, truncated toward zero. */
int64_t deadline_working_minutes(const struct deadline_calendar *cal, const struct work_hours *wh,
                                 int64_t from_ms, int64_t to_ms)
{
        if (!ms_ok(from_ms) || !ms_ok(to_ms))
                return 0;
        struct windows w = windows_of(wh);
        if (to_ms < from_ms)
                return -(working_ms(cal, &w, to_ms, from_ms) / MS_PER_MIN);
        return working_ms(cal, &w, from_ms, to_ms) / MS_PER_MIN;
}
