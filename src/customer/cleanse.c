/*
 * DESIGN: every field goes through the same three steps. cleanse_fold turns look-alike
 * characters into plain text, so full-width forms, Unicode spaces and dashes are handled
 * in one place; a field parser reduces the folded text to its parts and refuses anything
 * it would have to guess; the parts are written out in canonical form. The status is then
 * a plain comparison with the input (VALID when equal byte for byte, CLEANSED otherwise),
 * so no parser can call a value VALID after changing it.
 */
#include "customer/cleanse.h"

#include "base/utf8.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

const char *cleanse_status_name(enum cleanse_status s)
{
        switch (s) {
        case CLEANSE_NULL:
                return "null";
        case CLEANSE_VALID:
                return "valid";
        case CLEANSE_CLEANSED:
                return "cleansed";
        case CLEANSE_INVALID:
                break;
        }
        return "invalid";
}

const char *cleanse_status_label(enum cleanse_status s)
{
        switch (s) {
        case CLEANSE_NULL:
                return "NULL";
        case CLEANSE_VALID:
                return "원본정확";
        case CLEANSE_CLEANSED:
                return "클린징";
        case CLEANSE_INVALID:
                break;
        }
        return "오류";
}

/* ---- folding ---------------------------------------------------------------------- */

#define FOLD_DROP 0 /* a code point that folds to nothing (NUL never reaches here) */

/* Decodes one code point of text that utf8_valid has accepted. */
static uint32_t decode(const unsigned char *s, size_t *n)
{
        if (s[0] < 0x80) {
                *n = 1;
                return s[0];
        }
        if (s[0] < 0xE0) {
                *n = 2;
                return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        }
        if (s[0] < 0xF0) {
                *n = 3;
                return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
                       (s[2] & 0x3F);
        }
        *n = 4;
        return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
               ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

static uint32_t fold_char(uint32_t c)
{
        if (c >= 0xFF01 && c <= 0xFF5E)
                return c - 0xFEE0; /* full-width ASCII */
        if ((c >= 0x2000 && c <= 0x200A) || c == '\t' || c == '\n' || c == '\r' || c == 0x00A0 ||
            c == 0x202F || c == 0x205F || c == 0x3000)
                return ' ';
        if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE58 || c == 0xFE63)
                return '-';
        if ((c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF)
                return FOLD_DROP;
        return c;
}

/*
 * Composes conjoining jamo (L V [T], or an LV syllable and T) into one Hangul syllable,
 * reading what follows c from *p and advancing *p past what it used.
 */
static uint32_t compose_hangul(uint32_t c, const unsigned char **p, const unsigned char *end)
{
        size_t n;
        if (c >= 0x1100 && c <= 0x1112 && *p < end) {
                uint32_t v = decode(*p, &n);
                if (v >= 0x1161 && v <= 0x1175) {
                        c = 0xAC00 + ((c - 0x1100) * 21 + (v - 0x1161)) * 28;
                        *p += n;
                }
        }
        if (c >= 0xAC00 && c <= 0xD7A3 && (c - 0xAC00) % 28 == 0 && *p < end) {
                uint32_t t = decode(*p, &n);
                if (t >= 0x11A8 && t <= 0x11C2) {
                        c += t - 0x11A7;
                        *p += n;
                }
        }
        return c;
}

/* Appends c as UTF-8, keeping room for the NUL. Returns 0, or -1 if it does not fit. */
static int put_cp(char *out, size_t cap, size_t *len, uint32_t c)
{
        unsigned char b[4];
        size_t k;
        if (c < 0x80) {
                b[0] = (unsigned char)c;
                k = 1;
        } else if (c < 0x800) {
                b[0] = (unsigned char)(0xC0 | (c >> 6));
                b[1] = (unsigned char)(0x80 | (c & 0x3F));
                k = 2;
        } else if (c < 0x10000) {
                b[0] = (unsigned char)(0xE0 | (c >> 12));
                b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
                b[2] = (unsigned char)(0x80 | (c & 0x3F));
                k = 3;
        } else {
                b[0] = (unsigned char)(0xF0 | (c >> 18));
                b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
                b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
                b[3] = (unsigned char)(0x80 | (c & 0x3F));
                k = 4;
        }
        if (k >= cap - *len)
                return -1;
        memcpy(out + *len, b, k);
        *len += k;
        return 0;
}

int cleanse_fold(const char *in, char *out, size_t outlen)
{
        if (!out || outlen == 0)
                return -1;
        out[0] = '\0';
        if (!in)
                return 0;
        if (outlen > INT_MAX)
                outlen = INT_MAX;
        size_t inlen = strlen(in);
        if (!utf8_valid_text(in, inlen))
                return -1;
        const unsigned char *p = (const unsigned char *)in, *end = p + inlen;
        size_t len = 0;
        int space = 0; /* a space is pending before the next character */
        while (p < end) {
                size_t n;
                uint32_t c = decode(p, &n);
                p += n;
                c = fold_char(compose_hangul(c, &p, end));
                if (c == FOLD_DROP)
                        continue;
                if (c == ' ') {
                        space = len > 0;
                        continue;
                }
                if ((space && put_cp(out, outlen, &len, ' ') < 0) ||
                    put_cp(out, outlen, &len, c) < 0) {
                        out[0] = '\0';
                        return -1;
                }
                space = 0;
        }
        out[len] = '\0';
        return (int)len;
}

enum cleanse_status cleanse_field(const char *in, char *out, size_t outlen, size_t need,
                                  cleanse_canon_fn canon, void *ctx)
{
        char folded[CLEANSE_INPUT_MAX + 1];
        if (!out || outlen == 0)
                return CLEANSE_INVALID;
        out[0] = '\0';
        if (outlen < need)
                return CLEANSE_INVALID;
        int n = cleanse_fold(in, folded, sizeof(folded));
        if (n < 0)
                return CLEANSE_INVALID;
        if (n == 0)
                return CLEANSE_NULL;
        if (canon(folded, out, outlen, ctx) < 0) {
                out[0] = '\0';
                return CLEANSE_INVALID;
        }
        return strcmp(in, out) == 0 ? CLEANSE_VALID : CLEANSE_CLEANSED;
}

/* ---- telephone numbers ------------------------------------------------------------ */

#define PHONE_DIGITS_MAX 11 /* "01012345678" */

static int is_digit(char c)
{
        return c >= '0' && c <= '9';
}

/*
 * Reduces folded text to the digits of a number: drops spaces, '-', '.', '(' and ')', and
 * reads a leading "+82" (Korea's country code) as the trunk prefix 0, dropping a 0 written
 * right after it as well ("+82 (0)10 ..."). Returns the number of digits, or -1 when any
 * other character appears or there are too many digits.
 */
static int phone_digits(const char *s, char d[PHONE_DIGITS_MAX + 1])
{
        size_t n = 0;
        int after_cc = 0;
        if (s[0] == '+') {
                if (s[1] != '8' || s[2] != '2')
                        return -1;
                s += 3;
                d[n++] = '0';
                after_cc = 1;
        }
        for (; *s; s++) {
                char c = *s;
                if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')')
                        continue;
                if (!is_digit(c))
                        return -1;
                if (after_cc) {
                        after_cc = 0;
                        if (c == '0')
                                continue;
                }
                if (n == PHONE_DIGITS_MAX)
                        return -1;
                d[n++] = c;
        }
        d[n] = '\0';
        return (int)n;
}

/* The middle group's length (3 or 4) of a mobile number, or 0 if d is not one. */
static int mobile_middle(const char *d, size_t n)
{
        if (n != 10 && n != 11)
                return 0;
        if (memcmp(d, "010", 3) == 0)
                return n == 11 ? 4 : 0;
        if (d[0] == '0' && d[1] == '1' &&
            (d[2] == '1' || d[2] == '6' || d[2] == '7' || d[2] == '8' || d[2] == '9'))
                return (int)n - 7;
        return 0;
}

static const char *const area_codes[] = {
    "031", "032", "033", "041", "042", "043", "044", "051",
    "052", "053", "054", "055", "061", "062", "063", "064",
};

/* Splits d into groups a-b-c (c is 0 for two groups), or returns -1 if it is no number
 * pcrm accepts. mobile_only limits it to cleanse_mobile's numbers. */
static int phone_groups(const char *d, size_t n, int mobile_only, int g[3])
{
        int mid = mobile_middle(d, n);
        if (mid) {
                g[0] = 3, g[1] = mid, g[2] = 4;
                return 0;
        }
        if (mobile_only)
                return -1;
        if (d[0] == '0' && d[1] == '2' && (n == 9 || n == 10)) {
                g[0] = 2, g[1] = (int)n - 6, g[2] = 4;
                return 0;
        }
        if (n == 11 && memcmp(d, "070", 3) == 0) {
                g[0] = 3, g[1] = 4, g[2] = 4;
                return 0;
        }
        for (size_t i = 0; i < sizeof(area_codes) / sizeof(area_codes[0]); i++) {
                if ((n == 10 || n == 11) && memcmp(d, area_codes[i], 3) == 0) {
                        g[0] = 3, g[1] = (int)n - 7, g[2] = 4;
                        return 0;
                }
        }
        if (n == 8 && d[0] == '1' && (d[1] == '5' || d[1] == '6' || d[1] == '8')) {
                g[0] = 4, g[1] = 4, g[2] = 0;
                return 0;
        }
        return -1;
}

static int phone_canon_common(const char *folded, char *out, size_t outlen, int mobile_only)
{
        char d[PHONE_DIGITS_MAX + 1];
        int g[3];
        int n = phone_digits(folded, d);
        if (n < 3 || phone_groups(d, (size_t)n, mobile_only, g) < 0)
                return -1;
        int w;
        if (g[2])
                w = snprintf(out, outlen, "%.*s-%.*s-%.*s", g[0], d, g[1], d + g[0], g[2],
                             d + g[0] + g[1]);
        else
                w = snprintf(out, outlen, "%.*s-%.*s", g[0], d, g[1], d + g[0]);
        return (w < 0 || (size_t)w >= outlen) ? -1 : 0;
}

static int mobile_canon(const char *folded, char *out, size_t outlen, void *ctx)
{
        (void)ctx;
        return phone_canon_common(folded, out, outlen, 1);
}

static int phone_canon(const char *folded, char *out, size_t outlen, void *ctx)
{
        (void)ctx;
        return phone_canon_common(folded, out, outlen, 0);
}

enum cleanse_status cleanse_mobile(const char *in, char *out, size_t outlen)
{
        return cleanse_field(in, out, outlen, CLEANSE_PHONE_SIZE, mobile_canon, NULL);
}

enum cleanse_status cleanse_phone(const char *in, char *out, size_t outlen)
{
        return cleanse_field(in, out, outlen, CLEANSE_PHONE_SIZE, phone_canon, NULL);
}

/* ---- e-mail ----------------------------------------------------------------------- */

#define EMAIL_MAX       254
#define EMAIL_LOCAL_MAX 64
#define EMAIL_LABEL_MAX 63

/* After lower-casing: a-z, 0-9 and the other characters RFC 5322 allows in an atom. */
static int is_atext(char c)
{
        return (c >= 'a' && c <= 'z') || is_digit(c) ||
               (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

static int email_local_ok(const char *s, size_t len)
{
        if (len == 0 || len > EMAIL_LOCAL_MAX || s[0] == '.' || s[len - 1] == '.')
                return 0;
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '.' ? s[i + 1] == '.' : !is_atext(s[i]))
                        return 0;
        }
        return 1;
}

static int email_domain_ok(const char *s, size_t len)
{
        size_t labels = 0, start = 0;
        for (size_t i = 0; i <= len; i++) {
                if (i < len && s[i] != '.') {
                        char c = s[i];
                        if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-'))
                                return 0;
                        continue;
                }
                size_t n = i - start;
                if (n == 0 || n > EMAIL_LABEL_MAX || s[start] == '-' || s[i - 1] == '-')
                        return 0;
                labels++;
                start = i + 1;
        }
        return labels >= 2;
}

static int email_canon(const char *folded, char *out, size_t outlen, void *ctx)
{
        (void)ctx;
        size_t len = strlen(folded);
        if (len > EMAIL_MAX || len >= outlen)
                return -1;
        for (size_t i = 0; i <= len; i++) {
                char c = folded[i];
                out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
        const char *at = strchr(out, '@');
        if (!at || strchr(at + 1, '@'))
                return -1;
        size_t local = (size_t)(at - out);
        if (!email_local_ok(out, local) || !email_domain_ok(at + 1, len - local - 1))
                return -1;
        return 0;
}

enum cleanse_status cleanse_email(const char *in, char *out, size_t outlen)
{
        return cleanse_field(in, out, outlen, CLEANSE_EMAIL_SIZE, email_canon, NULL);
}

/* ---- addresses -------------------------------------------------------------------- */

#define ADDR_TOKENS_MAX 48
#define NUMBER_DIGITS   5 /* 본번, 부번, 번지 and 호 have at most five digits */

enum sido_kind {
        SIDO_METRO,    /* 특별시, 광역시: 구 and 군 */
        SIDO_PROVINCE, /* 도, 특별자치도: 시 (with or without 구) and 군 */
        SIDO_SEJONG,   /* 특별자치시 without 시군구 */
};

struct sido {
        const char *name;
        enum sido_kind kind;
        const char *aliases[4]; /* NULL-terminated when shorter */
};

/*
 * The official names and the aliases that name one 시도 without doubt. "광주시" is left
 * out on purpose: 경기도 has a 광주시, so it would need guessing.
 */
static const struct sido sidos[] = {
    {"서울특별시", SIDO_METRO, {"서울", "서울시"}},
    {"부산광역시", SIDO_METRO, {"부산", "부산시"}},
    {"대구광역시", SIDO_METRO, {"대구", "대구시"}},
    {"인천광역시", SIDO_METRO, {"인천", "인천시"}},
    {"광주광역시", SIDO_METRO, {"광주"}},
    {"대전광역시", SIDO_METRO, {"대전", "대전시"}},
    {"울산광역시", SIDO_METRO, {"울산", "울산시"}},
    {"세종특별자치시", SIDO_SEJONG, {"세종", "세종시"}},
    {"경기도", SIDO_PROVINCE, {"경기"}},
    {"강원특별자치도", SIDO_PROVINCE, {"강원", "강원도"}},
    {"충청북도", SIDO_PROVINCE, {"충북"}},
    {"충청남도", SIDO_PROVINCE, {"충남"}},
    {"전북특별자치도", SIDO_PROVINCE, {"전북", "전라북도", "전북도"}},
    {"전라남도", SIDO_PROVINCE, {"전남"}},
    {"경상북도", SIDO_PROVINCE, {"경북"}},
    {"경상남도", SIDO_PROVINCE, {"경남"}},
    {"제주특별자치도", SIDO_PROVINCE, {"제주", "제주도"}},
};

struct slice {
        const char *p;
        size_t len;
};

static int slice_is(struct slice t, const char *s)
{
        return t.len == strlen(s) && memcmp(t.p, s, t.len) == 0;
}

static const struct sido *sido_find(struct slice t)
{
        for (size_t i = 0; i < sizeof(sidos) / sizeof(sidos[0]); i++) {
                if (slice_is(t, sidos[i].name))
                        return &sidos[i];
                for (size_t j = 0; j < 4 && sidos[i].aliases[j]; j++)
                        if (slice_is(t, sidos[i].aliases[j]))
                                return &sidos[i];
        }
        return NULL;
}

/* Whether t ends in one of the syllables in list (each a 3-byte Hangul syllable). */
static int ends_in(struct slice t, const char *const *list)
{
        for (; *list; list++) {
                size_t k = strlen(*list);
                if (t.len >= k && memcmp(t.p + t.len - k, *list, k) == 0)
                        return 1;
        }
        return 0;
}

static const char *const sfx_sigungu[] = {"시", "군", "구", NULL};
static const char *const sfx_metro[] = {"군", "구", NULL};
static const char *const sfx_province[] = {"시", "군", NULL};
static const char *const sfx_si[] = {"시", NULL};
static const char *const sfx_gu[] = {"구", NULL};
static const char *const sfx_eupmyeon[] = {"읍", "면", NULL};
static const char *const sfx_road[] = {"로", "길", NULL};
static const char *const sfx_lot[] = {"동", "리", "가", NULL};

/* A place name: at least two characters, Hangul syllables and digits, starting with a
 * syllable. (t is valid UTF-8: it was folded.) */
static int is_name(struct slice t)
{
        const unsigned char *p = (const unsigned char *)t.p, *end = p + t.len;
        size_t chars = 0;
        while (p < end) {
                size_t n;
                uint32_t c = decode(p, &n);
                int syllable = c >= 0xAC00 && c <= 0xD7A3;
                if (!syllable && (chars == 0 || c > 0x7F || !is_digit((char)c)))
                        return 0;
                p += n;
                chars++;
        }
        return chars >= 2;
}

static int is_named(struct slice t, const char *const *suffixes)
{
        return is_name(t) && ends_in(t, suffixes);
}

/* Digits at the start of s: 1-5 of them, without a leading zero. Returns how many, or 0. */
static size_t scan_digits(const char *s, size_t len)
{
        size_t i = 0;
        while (i < len && is_digit(s[i]))
                i++;
        return (i == 0 || i > NUMBER_DIGITS || s[0] == '0') ? 0 : i;
}

/* A number "N" or "N-M" at the start of s. Returns the bytes it takes, or 0. */
static size_t scan_number(const char *s, size_t len)
{
        size_t i = scan_digits(s, len);
        if (i == 0 || i == len || s[i] != '-')
                return i;
        size_t j = scan_digits(s + i + 1, len - i - 1);
        return j ? i + 1 + j : 0;
}

struct number {
        struct slice num;  /* "123" or "123-4" */
        int mountain;      /* lot: written with 산 */
        int bunji;         /* lot: "번지" followed it */
        struct slice rest; /* text in the same token after it, starting with '(' */
};

/*
 * Reads token t as a whole number of the given kind: road "N[-M]", lot "[산]N[-M][번지]".
 * Anything left must start with '(' (a reference such as "(우동)") and goes to rest.
 */
static int parse_number(struct slice t, enum address_kind kind, struct number *num)
{
        memset(num, 0, sizeof(*num));
        const char *p = t.p, *end = t.p + t.len;
        if (kind == ADDRESS_LOT && (size_t)(end - p) > strlen("산") &&
            memcmp(p, "산", strlen("산")) == 0) {
                num->mountain = 1;
                p += strlen("산");
        }
        size_t n = scan_number(p, (size_t)(end - p));
        if (n == 0)
                return -1;
        num->num = (struct slice){p, n};
        p += n;
        if (kind == ADDRESS_LOT && (size_t)(end - p) >= strlen("번지") &&
            memcmp(p, "번지", strlen("번지")) == 0) {
                num->bunji = 1;
                p += strlen("번지");
        }
        if (p < end && *p != '(')
                return -1;
        num->rest = (struct slice){p, (size_t)(end - p)};
        return 0;
}

/* The kind of street a name ends in, or -1. */
static int street_kind(struct slice t)
{
        if (is_named(t, sfx_road))
                return ADDRESS_ROAD;
        if (is_named(t, sfx_lot))
                return ADDRESS_LOT;
        return -1;
}

/*
 * Splits a street name glued to its number ("해운대로123", "우동1408번지", "구남로24번길8")
 * at the first place where the front is a street name and the back a whole number.
 */
static int split_glued(struct slice t, struct slice *street, struct number *num)
{
        for (size_t i = 1; i < t.len; i++) {
                if (((unsigned char)t.p[i] & 0xC0) == 0x80)
                        continue;
                struct slice front = {t.p, i}, back = {t.p + i, t.len - i};
                int kind = street_kind(front);
                if (kind >= 0 && parse_number(back, (enum address_kind)kind, num) == 0) {
                        *street = front;
                        return kind;
                }
        }
        return -1;
}

/*
 * The numbered part of a name written apart from it: "24번길" or "7길" after a road,
 * "1가" after a road or a 동 ("남포동 1가", "종로 1가"), possibly with the number glued on.
 * Returns its length in bytes, or 0.
 */
static size_t branch_prefix(struct slice t, int after_road)
{
        static const char *const tails[] = {"가", "번길", "길"};
        size_t i = 0;
        while (i < t.len && is_digit(t.p[i]))
                i++;
        if (i == 0 || t.p[0] == '0')
                return 0;
        for (size_t k = 0; k < (after_road ? 3u : 1u); k++) {
                size_t n = strlen(tails[k]);
                if (t.len - i >= n && memcmp(t.p + i, tails[k], n) == 0)
                        return i + n;
        }
        return 0;
}

/* A bounded string under construction; any overflow makes the whole result fail. */
struct sbuf {
        char *p;
        size_t cap, len;
        int over;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
        if (b->over || n >= b->cap - b->len) {
                b->over = 1;
                return;
        }
        memcpy(b->p + b->len, s, n);
        b->len += n;
        b->p[b->len] = '\0';
}

static void sb_slice(struct sbuf *b, struct slice t)
{
        sb_add(b, t.p, t.len);
}

static void sb_str(struct sbuf *b, const char *s)
{
        sb_add(b, s, strlen(s));
}

static struct sbuf sb_on(char *p, size_t cap)
{
        p[0] = '\0';
        return (struct sbuf){p, cap, 0, 0};
}

/* Adds text to the detail: its comma-separated pieces, trimmed, empty ones dropped,
 * joined with ", ". */
static void add_detail(struct sbuf *b, struct slice t)
{
        const char *p = t.p, *end = t.p + t.len;
        while (p < end) {
                const char *comma = memchr(p, ',', (size_t)(end - p));
                const char *stop = comma ? comma : end;
                const char *a = p, *z = stop;
                while (a < z && *a == ' ')
                        a++;
                while (z > a && z[-1] == ' ')
                        z--;
                if (z > a) {
                        if (b->len)
                                sb_str(b, ", ");
                        sb_add(b, a, (size_t)(z - a));
                }
                p = comma ? comma + 1 : end;
        }
}

static int copy_slice(char *dst, size_t cap, struct slice t)
{
        if (t.len >= cap)
                return -1;
        memcpy(dst, t.p, t.len);
        dst[t.len] = '\0';
        return 0;
}

/* Splits s at spaces (the folded text has single spaces and no ends). */
static size_t tokenize(const char *s, size_t len, struct slice *tok, size_t max)
{
        size_t n = 0, start = 0;
        for (size_t i = 0; i <= len; i++) {
                if (i < len && s[i] != ' ')
                        continue;
                if (i > start) {
                        if (n == max)
                                return max + 1;
                        tok[n++] = (struct slice){s + start, i - start};
                }
                start = i + 1;
        }
        return n;
}

static int address_parse(const char *folded, struct address_parts *a)
{
        struct slice tok[ADDR_TOKENS_MAX];
        char street[sizeof(a->road)];
        struct number num;
        memset(a, 0, sizeof(*a));

        /* The first comma ends the address proper; the rest is the detail. */
        const char *comma = strchr(folded, ',');
        size_t mainlen = comma ? (size_t)(comma - folded) : strlen(folded);
        size_t n = tokenize(folded, mainlen, tok, ADDR_TOKENS_MAX);
        if (n == 0 || n > ADDR_TOKENS_MAX)
                return -1;

        size_t i = 0;
        const struct sido *sido = sido_find(tok[i++]);
        if (!sido)
                return -1;
        snprintf(a->sido, sizeof(a->sido), "%s", sido->name);

        struct sbuf sgg = sb_on(a->sigungu, sizeof(a->sigungu));
        if (sido->kind != SIDO_SEJONG) {
                const char *const *allowed = sido->kind == SIDO_METRO ? sfx_metro : sfx_province;
                if (i >= n || !is_named(tok[i], sfx_sigungu) || !ends_in(tok[i], allowed) ||
                    sido_find(tok[i]))
                        return -1;
                sb_slice(&sgg, tok[i]);
                if (ends_in(tok[i], sfx_si) && i + 1 < n && is_named(tok[i + 1], sfx_gu)) {
                        sb_str(&sgg, " ");
                        sb_slice(&sgg, tok[++i]);
                }
                i++;
        }
        if (i < n && is_named(tok[i], sfx_eupmyeon)) {
                if (copy_slice(a->eupmyeon, sizeof(a->eupmyeon), tok[i++]) < 0)
                        return -1;
        }
        if (i >= n)
                return -1;

        /* The street: a road or a 동·리·가, with its number apart or glued on. */
        struct sbuf st = sb_on(street, sizeof(street));
        struct slice name = tok[i++];
        int kind = street_kind(name);
        int glued = 0;
        if (kind < 0) {
                kind = split_glued(name, &name, &num);
                if (kind < 0)
                        return -1;
                glued = 1;
        }
        sb_slice(&st, name);
        struct slice rest = {NULL, 0};
        if (!glued && i < n) {
                /* "구남로 24번길 8", "남포동 1가 12": the numbered part belongs to the name. */
                size_t b = branch_prefix(tok[i], kind == ADDRESS_ROAD);
                if (b) {
                        sb_add(&st, tok[i].p, b);
                        rest = (struct slice){tok[i].p + b, tok[i].len - b};
                        i++;
                }
        }
        kind = street_kind((struct slice){street, st.len});
        if (st.over || kind < 0)
                return -1;
        if (rest.len) {
                if (parse_number(rest, (enum address_kind)kind, &num) < 0)
                        return -1;
                glued = 1;
        }

        if (!glued) {
                if (kind == ADDRESS_ROAD && i < n && slice_is(tok[i], "지하")) {
                        a->underground = 1;
                        i++;
                }
                int mountain = 0;
                if (kind == ADDRESS_LOT && i < n && slice_is(tok[i], "산")) {
                        mountain = 1;
                        i++;
                }
                if (i >= n || parse_number(tok[i++], (enum address_kind)kind, &num) < 0 ||
                    (mountain && num.mountain))
                        return -1;
                num.mountain |= mountain;
        }
        /* "번지" marks a lot number; after a building number it makes no sense. */
        if (kind == ADDRESS_ROAD && i < n && slice_is(tok[i], "번지"))
                return -1;
        if (kind == ADDRESS_LOT && !num.bunji && num.rest.len == 0 && i < n &&
            slice_is(tok[i], "번지"))
                i++;

        a->kind = (enum address_kind)kind;
        a->mountain = num.mountain;
        if (copy_slice(kind == ADDRESS_ROAD ? a->road : a->dongri,
                       kind == ADDRESS_ROAD ? sizeof(a->road) : sizeof(a->dongri),
                       (struct slice){street, st.len}) < 0 ||
            copy_slice(a->number, sizeof(a->number), num.num) < 0)
                return -1;

        /* Whatever follows the number is detail, then whatever follows the comma. */
        struct sbuf det = sb_on(a->detail, sizeof(a->detail));
        if (num.rest.len || i < n) {
                const char *from = num.rest.len ? num.rest.p : tok[i].p;
                add_detail(&det, (struct slice){from, (size_t)(folded + mainlen - from)});
        }
        if (comma)
                add_detail(&det, (struct slice){comma + 1, strlen(comma + 1)});

        struct sbuf c = sb_on(a->canonical, sizeof(a->canonical));
        sb_str(&c, a->sido);
        const char *parts[] = {a->sigungu, a->eupmyeon, kind == ADDRESS_ROAD ? a->road : a->dongri,
                               a->underground ? "지하" : ""};
        for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
                if (parts[k][0]) {
                        sb_str(&c, " ");
                        sb_str(&c, parts[k]);
                }
        }
        sb_str(&c, a->mountain ? " 산" : " ");
        sb_str(&c, a->number);
        if (a->detail[0]) {
                sb_str(&c, ", ");
                sb_str(&c, a->detail);
        }
        return (sgg.over || det.over || c.over) ? -1 : 0;
}

static int address_canon(const char *folded, char *out, size_t outlen, void *ctx)
{
        struct address_parts *a = ctx;
        if (address_parse(folded, a) < 0)
                return -1;
        size_t len = strlen(a->canonical);
        if (len >= outlen)
                return -1;
        memcpy(out, a->canonical, len + 1);
        return 0;
}

enum cleanse_status cleanse_address_parts(const char *in, struct address_parts *out)
{
        char canonical[CLEANSE_ADDRESS_SIZE];
        enum cleanse_status s = cleanse_field(in, canonical, sizeof(canonical),
                                              CLEANSE_ADDRESS_SIZE, address_canon, out);
        if (s != CLEANSE_VALID && s != CLEANSE_CLEANSED)
                memset(out, 0, sizeof(*out));
        return s;
}

enum cleanse_status cleanse_address(const char *in, char *out, size_t outlen)
{
        struct address_parts a;
        return cleanse_field(in, out, outlen, CLEANSE_ADDRESS_SIZE, address_canon, &a);
}
