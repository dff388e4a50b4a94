/*
 * cleanse: the canonical form of each identifying field of a customer, and the
 * classification of a value as it was entered (the 클린징 report of the issue).
 *
 * Every value is exactly one of
 *   CLEANSE_NULL      blank: NULL, empty, or only white space (ideographic space included),
 *   CLEANSE_VALID     already canonical and valid as entered (원본정확),
 *   CLEANSE_CLEANSED  not canonical as entered, but made canonical and valid by rules that
 *                     never guess: separators, spaces, full-width forms, letter case,
 *                     official names for known aliases (클린징),
 *   CLEANSE_INVALID   anything else, including values that would need guessing (a missing
 *                     시도, an unknown district, a local number without its area code).
 * VALID means the input is byte for byte the canonical form; CLEANSED means the canonical
 * form differs from the input.
 *
 * The cleanse_* functions share one contract. `in` is borrowed and may be NULL (which is
 * CLEANSE_NULL). `out` is caller-owned, must not be NULL and must hold at least the
 * field's *_SIZE bytes; it receives the NUL-terminated canonical form when the result is
 * CLEANSE_VALID or CLEANSE_CLEANSED, and "" otherwise. An `outlen` below the field's size
 * is a programming error: nothing is written beyond outlen and the result is
 * CLEANSE_INVALID, never a truncated value. None of them allocate or keep state, so they
 * are safe to call from any thread. Resident registration numbers live in customer/ident.h
 * and follow the same contract.
 */
#ifndef PCRM_CUSTOMER_CLEANSE_H
#define PCRM_CUSTOMER_CLEANSE_H

#include <stdbool.h>
#include <stddef.h>

enum cleanse_status {
        CLEANSE_NULL,
        CLEANSE_VALID,
        CLEANSE_CLEANSED,
        CLEANSE_INVALID,
};

#define CLEANSE_PHONE_SIZE   16   /* "010-1234-5678" and NUL, with room to spare */
#define CLEANSE_EMAIL_SIZE   255  /* an address is at most 254 bytes (RFC 5321) */
#define CLEANSE_ADDRESS_SIZE 512  /* canonical address with its detail part, bytes */
#define CLEANSE_INPUT_MAX    1023 /* longer inputs (after folding) are CLEANSE_INVALID */

/* "null", "valid", "cleansed", "invalid": stable names for JSON and exports. */
const char *cleanse_status_name(enum cleanse_status s);
/* The Korean label for screens: "NULL", "원본정확", "클린징", "오류". */
const char *cleanse_status_label(enum cleanse_status s);

/*
 * Folds look-alike characters so that the field rules see plain text: full-width ASCII
 * (U+FF01-U+FF5E, e.g. '＠', '－', '１', 'Ａ') becomes ASCII; the ideographic space, no-break
 * space, other Unicode spaces, tab, CR and LF become ' '; the dashes U+2010-U+2015, U+2212
 * (minus), U+FE58 and U+FE63 become '-'; zero-width characters and byte-order marks are
 * dropped; decomposed Hangul (conjoining jamo, as macOS writes file names) is composed into
 * syllables. Runs of spaces become one space and the result is trimmed.
 *
 * in may be NULL (folds to ""). Returns the length written to out (0 for a blank value),
 * or -1 when in is not valid UTF-8 text (RFC 3629; control characters other than tab, CR
 * and LF are refused) or the folded text needs more than outlen - 1 bytes; out then holds
 * "" (when outlen > 0).
 */
int cleanse_fold(const char *in, char *out, size_t outlen);

/*
 * The driver every field shares, exposed for field modules outside cleanse.c
 * (customer/ident.c). It checks out against need (the field's *_SIZE), folds in with
 * cleanse_fold, answers CLEANSE_NULL for a blank value, lets canon turn the folded text
 * into the canonical form, and compares that with in. canon writes a NUL-terminated
 * canonical form into out (outlen >= need) and returns 0, or returns -1 when the value is
 * not valid; ctx is passed through untouched.
 */
typedef int (*cleanse_canon_fn)(const char *folded, char *out, size_t outlen, void *ctx);
enum cleanse_status cleanse_field(const char *in, char *out, size_t outlen, size_t need,
                                  cleanse_canon_fn canon, void *ctx);

/*
 * Mobile numbers. Canonical: "010-NNNN-NNNN", or a legacy prefix 011, 016, 017, 018, 019
 * with a 3- or 4-digit middle ("011-234-5678", "016-1234-5678"). Cleansable: other or no
 * separators (spaces, '-', '.', parentheses), full-width digits, and the country code
 * +82 standing for the leading 0 ("+82 10 1234 5678", "+82-010-1234-5678").
 * out needs CLEANSE_PHONE_SIZE bytes.
 */
enum cleanse_status cleanse_mobile(const char *in, char *out, size_t outlen);

/*
 * Telephone numbers of any kind pcrm serves. Canonical: "02-NNN-NNNN" or "02-NNNN-NNNN";
 * an area code 031-033, 041-044, 051-055 or 061-064 with a 3- or 4-digit middle; internet
 * phones "070-NNNN-NNNN"; mobile numbers as cleanse_mobile; representative numbers
 * "15NN-NNNN", "16NN-NNNN", "18NN-NNNN". Other prefixes (050x, 080, 060, ...) are
 * CLEANSE_INVALID. Cleansable as for cleanse_mobile, e.g. "(051)123-4567", "051.123.4567",
 * "+82-51-123-4567". out needs CLEANSE_PHONE_SIZE bytes.
 */
enum cleanse_status cleanse_phone(const char *in, char *out, size_t outlen);

/*
 * E-mail addresses. Canonical: trimmed and lower-cased. Valid: exactly one '@'; a local
 * part of 1-64 characters of RFC 5322 atext ("a-z0-9!#$%&'*+/=?^_`{|}~-") and dots, with no
 * leading, trailing or doubled dot; a domain of at least two labels of letters, digits and
 * hyphens (1-63 each, no leading or trailing hyphen); no spaces; at most 254 bytes.
 * Cleansable: surrounding spaces, upper case, full-width forms ("ＨＯＮＧ＠ＮＡＶＥＲ．ＣＯＭ").
 * out needs CLEANSE_EMAIL_SIZE bytes.
 */
enum cleanse_status cleanse_email(const char *in, char *out, size_t outlen);

/*
 * Addresses. Canonical, tokens separated by single spaces:
 *   road  <시도> <시군구> [<읍면>] <도로명> [지하 ]<본번>[-<부번>][, <상세>]
 *   lot   <시도> <시군구> [<읍면>] <동·리·가> [산]<번지>[-<호>][, <상세>]
 * with the official 시도 name (세종특별자치시 has no 시군구). A 시군구 ends in 시, 군 or
 * 구, and may be a 시 followed by its 구 ("창원시 의창구"); a 특별시 or 광역시 holds only
 * 구 and 군, a 도 only 시 and 군. 읍면 end in 읍 or 면, road names in 로 or 길
 * ("구남로24번길"), 동·리·가 in 동, 리 or 가 ("남포동1가"). Names are Hangul syllables and
 * digits. Numbers are 1-5 digits without a leading zero.
 *
 * Cleansable: spaces (leading, trailing, doubled, ideographic), full-width forms, 시도
 * aliases ("부산", "부산시", "강원도", "전라북도", "제주도", "세종시", ... for all 17; "광주시"
 * is not one, since 경기도 has a 광주시), "번지" after a lot number ("우동 1408번지"), a
 * number glued to its road or 동 ("해운대로123"), a 번길 or 가 split from its name ("구남로
 * 24번길 8", "남포동 1가 12"), "산 12" written apart, and a detail part not set off by ", "
 * (the text after the number becomes the detail: "해운대로 123 101동" -> "해운대로 123,
 * 101동"; the detail's own commas are normalised to ", "). "번지" after a building number
 * is CLEANSE_INVALID, as is a leading postal code or "대한민국".
 */
enum address_kind {
        ADDRESS_ROAD, /* 도로명주소 */
        ADDRESS_LOT,  /* 지번주소 */
};

struct address_parts {
        enum address_kind kind;
        char sido[32];     /* official name, e.g. "부산광역시" */
        char sigungu[64];  /* "해운대구", "창원시 의창구"; "" in 세종특별자치시 */
        char eupmyeon[48]; /* "기장읍"; "" when absent */
        char road[96];     /* road name for ADDRESS_ROAD, "" for ADDRESS_LOT */
        char dongri[64];   /* 동·리·가 for ADDRESS_LOT, "" for ADDRESS_ROAD */
        bool underground;  /* road number written "지하 N" */
        bool mountain;     /* lot number written "산N" */
        char number[16];   /* "123", "123-4" (without 지하 or 산) */
        char detail[CLEANSE_ADDRESS_SIZE];    /* "101동 1001호"; "" when absent */
        char canonical[CLEANSE_ADDRESS_SIZE]; /* the whole canonical form, detail included */
};

/* out needs CLEANSE_ADDRESS_SIZE bytes. */
enum cleanse_status cleanse_address(const char *in, char *out, size_t outlen);
/*
 * The same classification, with the parts. out (caller-owned, not NULL) is filled when the
 * result is CLEANSE_VALID or CLEANSE_CLEANSED, and zeroed otherwise.
 */
enum cleanse_status cleanse_address_parts(const char *in, struct address_parts *out);

#endif
