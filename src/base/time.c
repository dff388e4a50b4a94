#include "base/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t time_now_ms(void)
{
        const char *fake = getenv("PCRM_FAKE_NOW_MS");
        if (fake && *fake) {
                char *end;
                long long v = strtoll(fake, &end, 10);
                if (*end == '\0')
                        return v;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Howard Hinnant's days_from_civil: exact for the whole proleptic Gregorian calendar. */
int64_t time_days_from_civil(int year, int month, int day)
{
        int64_t y = year - (month <= 2);
        int64_t era = (y >= 0 ? y : y - 399) / 400;
        int64_t yoe = y - era * 400;
        int64_t mp = (month + 9) % 12;
        int64_t doy = (153 * mp + 2) / 5 + day - 1;
        int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

void time_civil_from_days(int64_t days, int *year, int *month, int *day)
{
        int64_t z = days + 719468;
        int64_t era = (z >= 0 ? z : z - 146096) / 146097;
        int64_t doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp = (5 * doy + 2) / 153;
        int d = (int)(doy - (153 * mp + 2) / 5 + 1);
        int m = (int)(mp < 10 ? mp + 3 : mp - 9);
        *year = (int)(yoe + era * 400 + (m <= 2));
        *month = m;
        *day = d;
}

int time_days_in_month(int year, int month)
{
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (month < 1 || month > 12)
                return 0;
        if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
                return 29;
        return days[month - 1];
}

int time_weekday(int64_t days)
{
        /* 1970-01-01 was a Thursday (4). */
        int64_t w = (days + 4) % 7;
        return (int)(w < 0 ? w + 7 : w);
}

static int64_t floor_div(int64_t a, int64_t b)
{
        int64_t q = a / b;
        return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

void time_to_civil(int64_t ms, int offset_min, struct civil_time *out)
{
        int64_t local = ms + (int64_t)offset_min * 60000;
        int64_t days = floor_div(local, TIME_MS_PER_DAY);
        int64_t rest = local - days * TIME_MS_PER_DAY;
        time_civil_from_days(days, &out->year, &out->month, &out->day);
        out->hour = (int)(rest / 3600000);
        out->minute = (int)(rest / 60000 % 60);
        out->second = (int)(rest / 1000 % 60);
        out->msec = (int)(rest % 1000);
}

int64_t time_from_civil(const struct civil_time *t, int offset_min)
{
        int64_t days = time_days_from_civil(t->year, t->month, t->day);
        int64_t ms = days * TIME_MS_PER_DAY + (int64_t)t->hour * 3600000 +
                     (int64_t)t->minute * 60000 + (int64_t)t->second * 1000 + t->msec;
        return ms - (int64_t)offset_min * 60000;
}

int time_format_iso(int64_t ms, int offset_min, char *out, size_t outlen)
{
        struct civil_time t;
        time_to_civil(ms, offset_min, &t);
        int off = offset_min < 0 ? -offset_min : offset_min;
        int n = snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", t.year, t.month,
                         t.day, t.hour, t.minute, t.second, offset_min < 0 ? '-' : '+', off / 60,
                         off % 60);
        return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

int time_format_kst(int64_t ms, char *out, size_t outlen)
{
        return time_format_iso(ms, TIME_KST_OFFSET_MIN, out, outlen);
}

/* Reads exactly n decimal digits. */
static int read_digits(const char **p, int n, int *out)
{
        int v = 0;
        for (int i = 0; i < n; i++) {
                char c = (*p)[i];
                if (c < '0' || c > '9')
                        return -1;
                v = v * 10 + (c - '0');
        }
        *p += n;
        *out = v;
        return 0;
}

static int expect(const char **p, char c)
{
        if (**p != c)
                return -1;
        (*p)++;
        return 0;
}

int time_parse_iso(const char *s, int64_t *out)
{
        struct civil_time t = {0};
        const char *p = s;
        int offset = TIME_KST_OFFSET_MIN;
        if (read_digits(&p, 4, &t.year) || expect(&p, '-') || read_digits(&p, 2, &t.month) ||
            expect(&p, '-') || read_digits(&p, 2, &t.day))
                return -1;
        if (t.year < 1800 || t.month < 1 || t.month > 12 || t.day < 1 ||
            t.day > time_days_in_month(t.year, t.month))
                return -1;
        if (*p == '\0') {
                *out = time_from_civil(&t, offset);
                return 0;
        }
        if ((*p != 'T' && *p != ' ') || (p++, read_digits(&p, 2, &t.hour)) || expect(&p, ':') ||
            read_digits(&p, 2, &t.minute))
                return -1;
        if (*p == ':') {
                p++;
                if (read_digits(&p, 2, &t.second))
                        return -1;
                if (*p == '.') {
                        p++;
                        int digits = 0, frac = 0;
                        while (*p >= '0' && *p <= '9') {
                                if (digits < 3)
                                        frac = frac * 10 + (*p - '0');
                                digits++;
                                p++;
                        }
                        if (digits == 0)
                                return -1;
                        for (int i = digits; i < 3; i++)
                                frac *= 10;
                        t.msec = frac;
                }
        }
        if (t.hour > 23 || t.minute > 59 || t.second > 59)
                return -1;
        if (*p == 'Z') {
                offset = 0;
                p++;
        } else if (*p == '+' || *p == '-') {
                int sign = *p == '-' ? -1 : 1, oh, om;
                p++;
                if (read_digits(&p, 2, &oh) || expect(&p, ':') || read_digits(&p, 2, &om) ||
                    oh > 14 || om > 59)
                        return -1;
                offset = sign * (oh * 60 + om);
        }
        if (*p != '\0')
                return -1;
        *out = time_from_civil(&t, offset);
        return 0;
}
