#include "customer/ident.h"

#include "base/time.h"

#include <stdio.h>
#include <string.h>

#define RRN_DIGITS 13

/* Births from this day on have numbers without a check digit. */
#define RRN_RANDOM_FROM_YEAR  2020
#define RRN_RANDOM_FROM_MONTH 10

static int is_digit(char c)
{
        return c >= '0' && c <= '9';
}

int rrn_check_digit(const char *digits)
{
        static const int weights[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
        int sum = 0;
        for (int i = 0; i < 12; i++) {
                if (!is_digit(digits[i]))
                        return -1;
                sum += (digits[i] - '0') * weights[i];
        }
        return (11 - sum % 11) % 10;
}

/* The birth century G stands for, or 0 for no such G. */
static int rrn_century(char g)
{
        switch (g) {
        case '1':
        case '2':
        case '5':
        case '6':
                return 1900;
        case '3':
        case '4':
        case '7':
        case '8':
                return 2000;
        case '9':
        case '0':
                return 1800;
        }
        return 0;
}

/* Checks thirteen digits (d[0..12]) and fills info. Returns 0, or -1 if not valid. */
static int rrn_check(const char *d, struct rrn_info *info)
{
        memset(info, 0, sizeof(*info));
        for (int i = 0; i < RRN_DIGITS; i++)
                if (!is_digit(d[i]))
                        return -1;
        int year = rrn_century(d[6]) + (d[0] - '0') * 10 + (d[1] - '0');
        int month = (d[2] - '0') * 10 + (d[3] - '0');
        int day = (d[4] - '0') * 10 + (d[5] - '0');
        if (day < 1 || day > time_days_in_month(year, month))
                return -1;
        int random = year > RRN_RANDOM_FROM_YEAR ||
                     (year == RRN_RANDOM_FROM_YEAR && month >= RRN_RANDOM_FROM_MONTH);
        if (!random && rrn_check_digit(d) != d[12] - '0')
                return -1;
        info->year = year;
        info->month = month;
        info->day = day;
        /* Written digit by digit: the values are in range, which snprintf cannot know. */
        char *b = info->birth_date;
        b[0] = (char)('0' + year / 1000);
        b[1] = (char)('0' + year / 100 % 10);
        memcpy(b + 2, d, 2);
        b[4] = '-';
        memcpy(b + 5, d + 2, 2);
        b[7] = '-';
        memcpy(b + 8, d + 4, 2);
        b[10] = '\0';
        info->sex = (d[6] - '0') % 2 ? 'M' : 'F';
        info->foreigner = d[6] >= '5' && d[6] <= '8';
        info->has_check_digit = !random;
        return 0;
}

/*
 * The folded text may hold thirteen digits, spaces anywhere, and one '-' right after the
 * sixth digit; nothing else is read as an RRN.
 */
static int rrn_canon(const char *folded, char *out, size_t outlen, void *ctx)
{
        char d[RRN_DIGITS];
        struct rrn_info info;
        size_t n = 0;
        int hyphen = 0;
        (void)ctx;
        for (const char *p = folded; *p; p++) {
                if (*p == ' ')
                        continue;
                if (*p == '-' && n == 6 && !hyphen) {
                        hyphen = 1;
                        continue;
                }
                if (!is_digit(*p) || n == RRN_DIGITS)
                        return -1;
                d[n++] = *p;
        }
        if (n != RRN_DIGITS || rrn_check(d, &info) < 0)
                return -1;
        int w = snprintf(out, outlen, "%.6s-%.7s", d, d + 6);
        return (w < 0 || (size_t)w >= outlen) ? -1 : 0;
}

enum cleanse_status cleanse_rrn(const char *in, char *out, size_t outlen)
{
        return cleanse_field(in, out, outlen, RRN_SIZE, rrn_canon, NULL);
}

/* Whether s is exactly six digits, '-', seven digits; copies the digits to d. */
static int rrn_shape(const char *s, char d[RRN_DIGITS])
{
        if (!s)
                return 0;
        for (int i = 0; i < RRN_SIZE - 1; i++) {
                if (i == 6 ? s[i] != '-' : !is_digit(s[i]))
                        return 0;
                if (i != 6)
                        d[i < 6 ? i : i - 1] = s[i];
        }
        return s[RRN_SIZE - 1] == '\0';
}

int rrn_parse(const char *canonical, struct rrn_info *out)
{
        char d[RRN_DIGITS];
        if (!rrn_shape(canonical, d)) {
                memset(out, 0, sizeof(*out));
                return -1;
        }
        return rrn_check(d, out);
}

int rrn_mask(const char *canonical, char *out, size_t outlen)
{
        char d[RRN_DIGITS];
        if (outlen > 0)
                out[0] = '\0';
        if (outlen < RRN_MASKED_SIZE || !rrn_shape(canonical, d))
                return -1;
        snprintf(out, outlen, "%.8s******", canonical);
        return 0;
}
