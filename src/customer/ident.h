/*
 * ident: resident registration numbers (주민등록번호, RRN) and the foreigner registration
 * numbers that share their shape.
 *
 * Canonical form "YYMMDD-GNNNNNN". G gives the century and sex: 1/2 1900s, 3/4 2000s,
 * 9/0 1800s, and for foreigners 5/6 1900s, 7/8 2000s; odd G (and 9) is male, even G (and
 * 0) female. A number is valid when YYMMDD is a real date in that century and the last
 * digit is the check digit: (11 - sum mod 11) mod 10 over the first twelve digits weighted
 * 2,3,4,5,6,7,8,9,2,3,4,5. Numbers of people born on or after 2020-10-01 carry no check
 * digit (the back six digits became random), so any last digit is accepted for them.
 * Only the calendar is checked: a birth date after today is not refused, so a value's
 * status never changes with the clock (callers that care compare rrn_info's date).
 *
 * cleanse_rrn follows the contract of customer/cleanse.h. Cleansable: thirteen digits
 * without the hyphen ("9001011234568"), spaces around or inside, full-width digits and
 * hyphen ("９００１０１－１２３４５６８"), other dashes (‐ – — −). Nothing else: any other
 * character, a hyphen elsewhere than after the sixth digit, or a count other than thirteen
 * digits is CLEANSE_INVALID.
 *
 * An RRN is personal data: callers store the canonical form encrypted (auth/secret.h) and
 * show rrn_mask's form; nothing here logs or keeps a number.
 */
#ifndef PCRM_CUSTOMER_IDENT_H
#define PCRM_CUSTOMER_IDENT_H

#include "customer/cleanse.h"

#include <stdbool.h>
#include <stddef.h>

#define RRN_SIZE        15 /* "YYMMDD-GNNNNNN" and NUL */
#define RRN_MASKED_SIZE 15 /* "YYMMDD-G******" and NUL */

struct rrn_info {
        int year, month, day;
        char birth_date[11];  /* "YYYY-MM-DD" */
        char sex;             /* 'M' or 'F' */
        bool foreigner;       /* G is 5, 6, 7 or 8 */
        bool has_check_digit; /* false for births from 2020-10-01 */
};

/* out needs RRN_SIZE bytes. See customer/cleanse.h for the contract. */
enum cleanse_status cleanse_rrn(const char *in, char *out, size_t outlen);

/*
 * Reads a valid RRN in canonical form (as cleanse_rrn writes it). Returns 0 with out
 * filled, or -1 (out zeroed) when canonical is NULL, not exactly "YYMMDD-GNNNNNN" or not
 * valid.
 */
int rrn_parse(const char *canonical, struct rrn_info *out);

/*
 * Writes "YYMMDD-G******" for a value of canonical shape (six digits, '-', seven digits).
 * The date and check digit are not examined, so legacy stored values can still be shown
 * masked. Returns 0, or -1 (out "" when outlen > 0) when the shape is wrong or outlen is
 * below RRN_MASKED_SIZE.
 */
int rrn_mask(const char *canonical, char *out, size_t outlen);

/*
 * The check digit (0-9) for the first twelve digits of an RRN, given as twelve ASCII
 * digits at digits[0..11] (further characters are ignored); -1 if any is not a digit.
 */
int rrn_check_digit(const char *digits);

#endif
