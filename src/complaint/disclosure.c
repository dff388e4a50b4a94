/*
 * DESIGN
 *
 * The text is decoded once into code points (c: as written, k: folded for matching:
 * full-width ASCII to ASCII, Unicode dashes to '-', Unicode spaces and tab to ' ', ASCII
 * letters to lower case). Scanners then work on whole characters, so a match can never
 * end inside a syllable and the output is re-encoded from valid code points only.
 *
 * Placeholders already in the text are marked KEPT first, so redacting twice changes
 * nothing. Each kind of personal data is then one scanner, run over the whole text in a
 * fixed order: e-mail, RRN, phone, address, name. A scanner returns the span [start, end) it
 * recognises at a position; the span is taken only when no earlier scanner took any of
 * its characters, so an e-mail address holding a name or digits is replaced once, as an
 * e-mail address. mark[] holds, per character, the item that took it, with SPAN_START on
 * the first character of each span; the writer emits one placeholder per span.
 *
 * Everything is bounded: the text by DISCLOSURE_TEXT_MAX, each scanner by a fixed
 * look-ahead (13 digits for an RRN, 4 groups for a phone number, a handful of unit
 * tokens for an address), and words are scanned from their first character only, so the
 * whole is linear in the text times the name's length.
 */
#include "complaint/disclosure.h"

#include "base/embed.h"
#include "base/error.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT 0xFFFDu
#define SPAN_START  0x80u
#define KEPT        0x40u /* a placeholder already in the text: copied, never matched */
#define NAME_MAX_CP 32

struct text {
        uint32_t *c;         /* code points as written */
        uint32_t *k;         /* folded, for matching */
        unsigned char *mark; /* 0, KEPT, or (item + 1) | SPAN_START on a span's first one */
        size_t n;
        struct disclosure_stats stats;
};

static const char *const placeholders[DISCLOSURE_ITEMS] = {
    "[주민등록번호]", "[전화번호]", "[전자우편]", "[상세주소]", "○○○",
};
static const char *const item_names[DISCLOSURE_ITEMS] = {
    "rrn", "phone", "email", "address", "name",
};

const char *disclosure_placeholder(enum disclosure_item item)
{
        return (unsigned)item < DISCLOSURE_ITEMS ? placeholders[item] : "";
}

const char *disclosure_item_name(enum disclosure_item item)
{
        return (unsigned)item < DISCLOSURE_ITEMS ? item_names[item] : "";
}

/* ---- decoding ---------------------------------------------------------------------- */

/* Decodes one strict UTF-8 sequence (RFC 3629) at s; returns its length, 0 if invalid. */
static size_t decode(const unsigned char *s, size_t len, uint32_t *cp)
{
        unsigned char b = s[0];
        if (b < 0x80) {
                *cp = b;
                return 1;
        }
        size_t need;
        uint32_t v, min;
        if (b >= 0xC2 && b <= 0xDF) {
                need = 2, v = b & 0x1Fu, min = 0x80;
        } else if (b >= 0xE0 && b <= 0xEF) {
                need = 3, v = b & 0x0Fu, min = 0x800;
        } else if (b >= 0xF0 && b <= 0xF4) {
                need = 4, v = b & 0x07u, min = 0x10000;
        } else {
                return 0;
        }
        if (len < need)
                return 0;
        for (size_t i = 1; i < need; i++) {
                if ((s[i] & 0xC0) != 0x80)
                        return 0;
                v = (v << 6) | (s[i] & 0x3Fu);
        }
        if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
                return 0;
        *cp = v;
        return need;
}

static size_t encode(uint32_t v, char *out)
{
        if (v < 0x80) {
                out[0] = (char)v;
                return 1;
        }
        if (v < 0x800) {
                out[0] = (char)(0xC0 | (v >> 6));
                out[1] = (char)(0x80 | (v & 0x3F));
                return 2;
        }
        if (v < 0x10000) {
                out[0] = (char)(0xE0 | (v >> 12));
                out[1] = (char)(0x80 | ((v >> 6) & 0x3F));
                out[2] = (char)(0x80 | (v & 0x3F));
                return 3;
        }
        out[0] = (char)(0xF0 | (v >> 18));
        out[1] = (char)(0x80 | ((v >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((v >> 6) & 0x3F));
        out[3] = (char)(0x80 | (v & 0x3F));
        return 4;
}

static bool invisible(uint32_t v)
{
        return v == 0x200B || v == 0x2060 || v == 0xFEFF;
}

static uint32_t fold(uint32_t v)
{
        if (v >= 0xFF01 && v <= 0xFF5E)
                v -= 0xFEE0;
        else if (v == '\t' || v == 0xA0 || v == 0x3000 || (v >= 0x2000 && v <= 0x200A) ||
                 v == 0x202F || v == 0x205F)
                v = ' ';
        else if ((v >= 0x2010 && v <= 0x2015) || v == 0x2212 || v == 0xFE58 || v == 0xFE63)
                v = '-';
        else if (v == 0x223C || v == 0x301C)
                v = '~';
        if (v >= 'A' && v <= 'Z')
                v += 'a' - 'A';
        return v;
}

/* Decodes len bytes into t; returns 0, or -1 when memory ran out. */
static int text_load(struct text *t, const char *s, size_t len)
{
        memset(t, 0, sizeof(*t));
        size_t cap = len ? len : 1;
        t->c = malloc(cap * sizeof(*t->c));
        t->k = malloc(cap * sizeof(*t->k));
        t->mark = calloc(cap, 1);
        if (!t->c || !t->k || !t->mark)
                return -1;
        const unsigned char *p = (const unsigned char *)s;
        size_t i = 0;
        while (i < len) {
                uint32_t v;
                size_t step = decode(p + i, len - i, &v);
                if (step == 0) {
                        v = REPLACEMENT, step = 1;
                        t->stats.repaired++;
                } else if ((v < 0x20 && v != '\t' && v != '\n' && v != '\r') || v == 0x7F) {
                        v = REPLACEMENT;
                        t->stats.repaired++;
                }
                i += step;
                if (invisible(v))
                        continue;
                t->c[t->n] = v;
                t->k[t->n] = fold(v);
                t->n++;
        }
        return 0;
}

static void text_release(struct text *t)
{
        free(t->c);
        free(t->k);
        free(t->mark);
}

/* ---- character classes and literals ------------------------------------------------ */

static bool is_digit(uint32_t u)
{
        return u >= '0' && u <= '9';
}

static bool is_alpha(uint32_t u)
{
        return u >= 'a' && u <= 'z';
}

static bool is_hangul(uint32_t u)
{
        return u >= 0xAC00 && u <= 0xD7A3;
}

static bool is_word(uint32_t u)
{
        return is_hangul(u) || is_digit(u) || is_alpha(u);
}

/* A syllable with a final consonant (받침); ㄹ is reported apart, as the particle 로 follows it. */
static bool has_final(uint32_t u)
{
        return is_hangul(u) && (u - 0xAC00) % 28 != 0;
}

static bool final_rieul(uint32_t u)
{
        return is_hangul(u) && (u - 0xAC00) % 28 == 8;
}

/* The next code point of a UTF-8 literal (all literals here are valid). */
static uint32_t lit_next(const char **lit)
{
        uint32_t v = 0;
        size_t n = decode((const unsigned char *)*lit, strlen(*lit), &v);
        *lit += n ? n : 1;
        return v;
}

/* Length of lit in code points when t->k at i starts with it, else 0. */
static size_t at(const struct text *t, size_t i, const char *lit)
{
        size_t j = i;
        while (*lit) {
                if (j >= t->n || t->k[j] != lit_next(&lit))
                        return 0;
                j++;
        }
        return j - i;
}

/* k[a, b) equals lit exactly. */
static bool equals(const struct text *t, size_t a, size_t b, const char *lit)
{
        return at(t, a, lit) == b - a && b > a;
}

/* k[a, b) ends with lit. */
static bool ends_with(const struct text *t, size_t a, size_t b, const char *lit)
{
        size_t m = 0;
        for (const char *p = lit; *p; p++)
                m += ((unsigned char)*p & 0xC0) != 0x80; /* count characters, not bytes */
        return b - a >= m && at(t, b - m, lit) == m;
}

/* u is one of the syllables of set. */
static bool one_of(uint32_t u, const char *set)
{
        while (*set)
                if (lit_next(&set) == u)
                        return true;
        return false;
}

static bool in_list(const struct text *t, size_t a, size_t b, const char *const *list)
{
        for (; *list; list++)
                if (equals(t, a, b, *list))
                        return true;
        return false;
}

static uint32_t kat(const struct text *t, size_t i)
{
        return i < t->n ? t->k[i] : 0;
}

static bool word_start(const struct text *t, size_t i)
{
        return i == 0 || !is_word(t->k[i - 1]);
}

static size_t word_end(const struct text *t, size_t i)
{
        while (i < t->n && is_word(t->k[i]))
                i++;
        return i;
}

/* The word before the one starting at i, across one or two spaces: *a, *b. */
static bool prev_word(const struct text *t, size_t i, size_t *a, size_t *b)
{
        size_t q = i, spaces = 0;
        while (q > 0 && t->k[q - 1] == ' ' && spaces < 2)
                q--, spaces++;
        if (spaces == 0 || q == 0 || !is_word(t->k[q - 1]))
                return false;
        *b = q;
        while (q > 0 && is_word(t->k[q - 1]))
                q--;
        *a = q;
        return true;
}

static bool span_free(const struct text *t, size_t a, size_t b)
{
        for (size_t i = a; i < b; i++)
                if (t->mark[i])
                        return false;
        return true;
}

static void take(struct text *t, size_t a, size_t b, enum disclosure_item item)
{
        for (size_t i = a; i < b; i++)
                t->mark[i] = (unsigned char)(item + 1);
        t->mark[a] |= SPAN_START;
        t->stats.count[item]++;
}

/*
 * A scanner looks at position i and returns the end of the span it recognises there (0
 * for none), setting *start (i unless the span begins before or after it).
 */
typedef size_t (*scan_fn)(const struct text *t, size_t i, size_t *start, const void *ctx);

static void run(struct text *t, scan_fn scan, enum disclosure_item item, const void *ctx)
{
        for (size_t i = 0; i < t->n; i++) {
                if (t->mark[i])
                        continue;
                size_t start = i;
                size_t end = scan(t, i, &start, ctx);
                if (end > start && end <= t->n && span_free(t, start, end)) {
                        take(t, start, end, item);
                        i = end - 1;
                }
        }
}

/*
 * Placeholders already in the text (it was redacted before, or an officer typed one) are
 * kept as they are, so that redacting twice gives the same text and a name such as 주민
 * is never found inside "[주민등록번호]".
 */
static void protect(struct text *t)
{
        for (size_t i = 0; i < t->n; i++)
                for (int p = 0; p < DISCLOSURE_ITEMS; p++) {
                        size_t m = at(t, i, placeholders[p]);
                        if (m) {
                                memset(t->mark + i, KEPT, m);
                                i += m - 1;
                                break;
                        }
                }
}

/* ---- e-mail ------------------------------------------------------------------------ */

static bool email_local(uint32_t u)
{
        return is_digit(u) || is_alpha(u) || u == '.' || u == '_' || u == '%' || u == '+' ||
               u == '-';
}

static size_t scan_email(const struct text *t, size_t i, size_t *start, const void *ctx)
{
        (void)ctx;
        if (t->k[i] != '@')
                return 0;
        size_t a = i;
        while (a > 0 && i - a < 64 && email_local(t->k[a - 1]))
                a--;
        while (a < i && t->k[a] == '.')
                a++;
        if (a == i)
                return 0;
        /* Domain: labels of letters, digits and hyphens separated by single dots. */
        size_t p = i + 1, labels = 0, last = 0, end = 0;
        while (p < t->n && p - i <= 253) {
                size_t q = p;
                while (q < t->n && q - p <= 63 &&
                       (is_alpha(t->k[q]) || is_digit(t->k[q]) || t->k[q] == '-'))
                        q++;
                if (q == p || q - p > 63 || t->k[p] == '-' || t->k[q - 1] == '-')
                        break;
                labels++;
                last = p;
                end = q;
                if (q + 1 < t->n && t->k[q] == '.' && is_word(t->k[q + 1]) &&
                    !is_hangul(t->k[q + 1]))
                        p = q + 1;
                else
                        break;
        }
        if (labels < 2 || end - last < 2)
                return 0;
        for (size_t q = last; q < end; q++)
                if (!is_alpha(t->k[q]))
                        return 0; /* the top-level domain is letters */
        *start = a;
        return end;
}

/* ---- resident registration numbers ------------------------------------------------- */

static bool rrn_mask_char(uint32_t u)
{
        return u == '*' || u == 'x' || u == 0x25CB /* ○ */ || u == 0x25CF /* ● */;
}

static bool plausible_date(const uint32_t *d)
{
        int mm = (int)(d[2] - '0') * 10 + (int)(d[3] - '0');
        int dd = (int)(d[4] - '0') * 10 + (int)(d[5] - '0');
        return mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31;
}

static size_t scan_rrn(const struct text *t, size_t i, size_t *start, const void *ctx)
{
        (void)ctx;
        (void)start;
        if (!is_digit(t->k[i]) || (i > 0 && (is_digit(t->k[i - 1]) || is_alpha(t->k[i - 1]))))
                return 0;
        uint32_t d[13];
        size_t glen[13], ng = 0, cur = 0, count = 0, dash_at = 0, p = i;
        bool dash = false, masked = false;
        while (count < 13 && p < t->n) {
                uint32_t u = t->k[p];
                if (is_digit(u) || (dash && count >= 6 && rrn_mask_char(u))) {
                        masked |= !is_digit(u);
                        d[count++] = is_digit(u) ? u : '0';
                        cur++;
                        p++;
                        continue;
                }
                if (cur == 0)
                        break;
                /* A separator: up to two spaces, an optional dash, up to two spaces. */
                size_t q = p, sp = 0;
                bool d2 = false;
                while (q < t->n && t->k[q] == ' ' && sp < 2)
                        q++, sp++;
                if (q < t->n && t->k[q] == '-') {
                        d2 = true;
                        q++;
                        for (sp = 0; q < t->n && t->k[q] == ' ' && sp < 2; sp++)
                                q++;
                }
                if (q == p || q >= t->n)
                        break;
                if (d2 && dash)
                        break;
                uint32_t nx = t->k[q];
                if (!(is_digit(nx) || (d2 && count == 6 && rrn_mask_char(nx))))
                        break;
                if (d2) {
                        dash = true;
                        dash_at = count;
                }
                glen[ng++] = cur;
                cur = 0;
                p = q;
        }
        if (count != 13 || cur == 0)
                return 0;
        glen[ng++] = cur;
        uint32_t nx = kat(t, p);
        if (is_digit(nx) || is_alpha(nx) || rrn_mask_char(nx) ||
            ((nx == '-' || nx == '.') && is_digit(kat(t, p + 1))))
                return 0;
        if (dash && dash_at != 6)
                return 0;
        if (ng == 2 && glen[0] == 6 && dash)
                return p; /* "900101-1234567", any digits, masked or not */
        if (masked || !plausible_date(d))
                return 0;
        if (ng == 1 || (ng == 2 && glen[0] == 6))
                return p;
        if (ng == 13)
                return p; /* one digit at a time */
        return 0;
}

/*
 * The two halves of an RRN given apart, as people read them out: "앞자리 900101",
 * "뒷자리는 1234567". Six digits (a plausible date) or seven, right after such a word.
 */
static size_t scan_rrn_half(const struct text *t, size_t i, size_t *start, const void *ctx)
{
        static const char *const front[] = {"앞자리", "앞번호", NULL};
        static const char *const back[] = {"뒷자리", "뒤자리", "뒷번호", "뒤번호", NULL};
        (void)ctx;
        (void)start;
        if (!is_digit(t->k[i]) || !word_start(t, i))
                return 0;
        size_t p = i;
        while (p < t->n && is_digit(t->k[p]) && p - i < 8)
                p++;
        size_t len = p - i;
        uint32_t nx = kat(t, p);
        if ((len != 6 && len != 7) || is_digit(nx) || is_alpha(nx) ||
            ((nx == '-' || nx == '.') && is_digit(kat(t, p + 1))))
                return 0;
        if (len == 6 && !plausible_date(t->k + i))
                return 0;
        size_t q = i, skipped = 0;
        while (q > 0 && skipped < 3 && (t->k[q - 1] == ' ' || t->k[q - 1] == ':'))
                q--, skipped++;
        if (skipped == 0 || q == 0 || !is_hangul(t->k[q - 1]))
                return 0;
        size_t a = q;
        while (a > 0 && is_word(t->k[a - 1]))
                a--;
        for (const char *const *kw = len == 6 ? front : back; *kw; kw++)
                if (at(t, a, *kw))
                        return p;
        return 0;
}

/* ---- telephone numbers ------------------------------------------------------------- */

/* The prefix of a number written with its leading 0, and the digits allowed after it. */
static size_t phone_prefix(const char *d, size_t len, size_t *min, size_t *max)
{
        static const char *const areas[] = {"031", "032", "033", "041", "042", "043",
                                            "044", "051", "052", "053", "054", "055",
                                            "061", "062", "063", "064", NULL};
        if (len < 9 || d[0] != '0')
                return 0;
        *min = 7, *max = 8;
        if (d[1] == '2')
                return 2;
        if (d[1] == '1' && strchr("016789", d[2])) {
                return 3; /* "010-123-4567" is out of use but still someone's number */
        }
        if (d[1] == '7' && d[2] == '0')
                return 3;
        if (d[1] == '5' && d[2] == '0' && d[3] >= '2' && d[3] <= '8')
                return 4;
        for (size_t a = 0; areas[a]; a++)
                if (memcmp(d, areas[a], 3) == 0)
                        return 3;
        return 0;
}

/* Whether the first ng digit groups (lengths g) form a number, d being their digits. */
static bool phone_shape(const char *d, size_t len, const size_t *g, size_t ng, bool paren)
{
        size_t min, max, pre = phone_prefix(d, len, &min, &max);
        if (pre == 0)
                return false;
        size_t rest = len - pre;
        if (rest < min || rest > max)
                return false;
        switch (ng) {
        case 1:
                return !paren;
        case 2:
                if (g[0] == pre)
                        return true;
                return !paren && g[0] > pre && g[0] - pre >= 3 && g[0] - pre <= 4 && g[1] == 4;
        case 3:
                return g[0] == pre && g[1] >= 3 && g[1] <= 4 && g[2] == 4;
        default:
                return false;
        }
}

static bool phone_sep(uint32_t u)
{
        return u == ' ' || u == '-' || u == '.';
}

static size_t scan_phone(const struct text *t, size_t i, size_t *start, const void *ctx)
{
        (void)ctx;
        (void)start;
        uint32_t u = t->k[i];
        if (u != '+' && u != '(' && u != '0')
                return 0;
        if (i > 0) {
                uint32_t b = t->k[i - 1];
                if (is_digit(b) || is_alpha(b) || b == '+')
                        return 0;
                if ((b == '-' || b == '.') && i > 1 && is_digit(t->k[i - 2]))
                        return 0;
        }
        size_t p = i;
        bool intl = false, paren = false;
        if (u == '+') {
                if (kat(t, p + 1) != '8' || kat(t, p + 2) != '2')
                        return 0;
                p += 3;
                intl = true;
                if (phone_sep(kat(t, p)))
                        p++;
                if (kat(t, p) == '(' && kat(t, p + 1) == '0' && kat(t, p + 2) == ')') {
                        p += 3;
                        if (phone_sep(kat(t, p)))
                                p++;
                }
        }
        if (kat(t, p) == '(') {
                paren = true;
                p++;
        }
        char d[16];
        size_t len = 0, g[4], gend[4], ng = 0;
        uint32_t sep[4] = {0};
        if (intl && kat(t, p) != '0')
                d[len++] = '0'; /* +82 stands for the leading 0 */
        bool more = false;      /* digits go on past the last group read */
        for (;;) {
                if (!is_digit(kat(t, p)))
                        return 0;
                size_t q = p;
                while (q < t->n && is_digit(t->k[q]))
                        q++;
                if (len + (q - p) > 12) {
                        if (ng == 0)
                                return 0;
                        more = true;
                        break;
                }
                for (size_t j = p; j < q; j++)
                        d[len++] = (char)t->k[j];
                g[ng] = q - p + (ng == 0 && intl && t->k[p] != '0' ? 1 : 0);
                gend[ng] = q;
                ng++;
                if (ng == 4) {
                        more = phone_sep(kat(t, q)) && is_digit(kat(t, q + 1));
                        if (more)
                                sep[3] = t->k[q];
                        break;
                }
                size_t r = q;
                if (paren && ng == 1) {
                        if (kat(t, r) != ')')
                                return 0;
                        r++;
                        if (kat(t, r) == ' ' || kat(t, r) == '-')
                                r++;
                        sep[0] = ')';
                } else if (phone_sep(kat(t, r))) {
                        sep[ng - 1] = t->k[r];
                        r++;
                } else {
                        break;
                }
                if (!is_digit(kat(t, r)))
                        break;
                p = r;
        }
        /* The longest run of groups that makes a number; a number that goes on with more
         * digits after a dash or a dot is something else (an account or card number). */
        size_t used = len;
        for (size_t m = ng; m >= 1; m--) {
                if ((m < ng || more) && sep[m - 1] != ' ')
                        break;
                used = 0;
                for (size_t j = 0; j < m; j++)
                        used += g[j];
                if (used <= len && phone_shape(d, used, g, m, paren))
                        return gend[m - 1];
        }
        return 0;
}

/* ---- addresses --------------------------------------------------------------------- */

/* Words ending in 로 or 길 that are ordinary words, not roads. */
static const char *const not_roads[] = {
    "도로",   "새로",     "바로",   "경로",     "통로",     "진로",   "항로",   "선로",
    "수로",   "차로",     "철로",   "활로",     "공로",     "육로",   "해로",   "퇴로",
    "귀로",   "미로",     "회로",   "대로",     "그대로",   "이대로", "저대로", "마음대로",
    "멋대로", "제멋대로", "절대로", "주로",     "서로",     "별로",   "따로",   "스스로",
    "때로",   "가로",     "세로",   "고로",     "므로",     "실제로", "정말로", "억지로",
    "길",     "로",       "골목길", "산책길",   "오솔길",   "눈길",   "빗길",   "밤길",
    "출근길", "퇴근길",   "등굣길", "하굣길",   "귀갓길",   "지름길", "뒷길",   "옆길",
    "갈림길", "샛길",     "빙판길", "내리막길", "오르막길", "찻길",   "뱃길",   "물길",
    "첫길",   "먼길",     "인생길", "외길",     "숲길",     "흙길",   "둘레길", "자전거길",
    "진입로", "출입로",   "도주로", "통학로",   "보행로",   "우회로", "산책로", "등산로",
    "배수로", "수송로",   "판로",   "교차로",   NULL,
};

/*
 * Counter words: a number followed by one is a quantity ("20 분", "3 명이"), never a
 * building number. A counter glued to the number is caught by `followers` instead.
 */
static const char *const counters[] = {
    "분",   "명",   "개",   "원",   "건",   "회",       "번",     "대",     "시",
    "일",   "주",   "년",   "세",   "살",   "곳",       "군데",   "차례",   "초",
    "배",   "시간", "개월", "분간", "미터", "킬로미터", "정거장", "마리",   "가지",
    "장",   "권",   "평",   "칸",   "만원", "천원",     "억",     "퍼센트", "호선",
    "가구", "세대", "m",    "km",   "cm",   "mm",       "kg",     "g",      NULL,
};

/* Syllables that may follow a building or lot number directly: particles, 앞, 옆, ... */
static const char followers[] = "에의앞뒤옆근쪽은는이을를와과까부도번";

static bool known_street(const char *name, const char *kind)
{
        const struct embed_file *f = embed_data_file("busan-streets.csv");
        if (!f || !name[0])
                return false;
        char needle[160];
        size_t nl = strlen(name), kl = strlen(kind);
        if (nl + kl + 3 > sizeof(needle))
                return false;
        needle[0] = ',';
        memcpy(needle + 1, name, nl);
        needle[1 + nl] = ',';
        memcpy(needle + 2 + nl, kind, kl);
        needle[2 + nl + kl] = ',';
        return memmem(f->data, f->size, needle, nl + kl + 3) != NULL;
}

static bool known(const struct text *t, size_t a, size_t b, const char *kind)
{
        char name[128];
        size_t len = 0;
        for (size_t i = a; i < b; i++) {
                if (len + 4 >= sizeof(name))
                        return false;
                len += encode(t->c[i], name + len);
        }
        name[len] = '\0';
        return known_street(name, kind);
}

/* A building or lot number at p: 1-5 digits without a leading zero, optionally -1..4. */
static size_t number_at(const struct text *t, size_t p)
{
        size_t q = p;
        if (!is_digit(kat(t, q)) || t->k[q] == '0')
                return 0;
        while (q < t->n && is_digit(t->k[q]))
                q++;
        if (q - p > 5)
                return 0;
        if (kat(t, q) == '-' && is_digit(kat(t, q + 1)) && t->k[q + 1] != '0') {
                size_t r = q + 1;
                while (r < t->n && is_digit(t->k[r]))
                        r++;
                if (r - q - 1 > 4)
                        return 0;
                q = r;
        }
        return q;
}

/* A counter word at p, alone or with one particle after it. */
static bool counter_at(const struct text *t, size_t p)
{
        for (size_t c = 0; counters[c]; c++) {
                size_t m = at(t, p, counters[c]);
                if (!m)
                        continue;
                uint32_t u = kat(t, p + m);
                if (!is_word(u) || one_of(u, "이가을를은는의에도만씩째간"))
                        return true;
        }
        return false;
}

/* Whether what follows a number at p leaves it a building or lot number. */
static bool number_end_ok(const struct text *t, size_t p)
{
        if (p >= t->n)
                return true;
        uint32_t u = t->k[p];
        if (is_digit(u) || is_alpha(u) || u == '%' || u == '~')
                return false;
        if ((u == ',' || u == '.' || u == '-' || u == ':' || u == '/') && is_digit(kat(t, p + 1)))
                return false;
        if (is_hangul(u))
                return one_of(u, followers) && !(u == 0xBC88 /* 번 */ && !at(t, p, "번지"));
        if (u == ' ')
                return kat(t, p + 1) != '~' && !counter_at(t, p + 1); /* "1 ~ 100번지" */
        return true;
}

/* A unit token ("101동", "1001호", "3층", "지하 1층", "B동", "가동", "302호실", "B1F") at p. */
static size_t unit_at(const struct text *t, size_t p)
{
        size_t q = p, m;
        if ((m = at(t, q, "지하"))) {
                q += m;
                if (kat(t, q) == ' ')
                        q++;
        }
        if (one_of(kat(t, q), "가나다라마") && at(t, q + 1, "동") && !is_word(kat(t, q + 2)))
                return q + 2;
        bool letter = false;
        if (is_alpha(kat(t, q)) && !is_alpha(kat(t, q + 1))) {
                letter = true;
                q++;
        }
        size_t d = q;
        while (q < t->n && is_digit(t->k[q]) && q - d < 5)
                q++;
        size_t digits = q - d;
        if (digits == 0 && !letter)
                return 0;
        if ((m = at(t, q, "호실")) && digits)
                return q + m;
        uint32_t u = kat(t, q);
        if (u == 0xB3D9 /* 동 */)
                return q + 1;
        if (digits && u == 0xD638 /* 호 */ && !at(t, q, "호선"))
                return q + 1;
        if (digits && u == 0xCE35 /* 층 */ && !at(t, q, "층간"))
                return q + 1;
        if (digits && u == 'f' && !is_alpha(kat(t, q + 1)))
                return q + 1;
        return 0;
}

/* The unit details after a number: ", 101동 1001호", " 지하 1층". */
static size_t detail_tail(const struct text *t, size_t end)
{
        for (int tokens = 0; tokens < 6; tokens++) {
                size_t q = end;
                if (kat(t, q) == ',')
                        q++;
                if (kat(t, q) == ' ')
                        q++;
                size_t u = unit_at(t, q);
                if (!u)
                        break;
                end = u;
        }
        return end;
}

/* The word before a road or 동 names a 시군구 or 읍면 ("해운대구", "기장읍"). */
static bool district_before(const struct text *t, size_t i)
{
        size_t a, b;
        if (!prev_word(t, i, &a, &b) || b - a < 2 || !is_hangul(t->k[a]))
                return false;
        return one_of(t->k[b - 1], "구군시읍면");
}

static bool road_name_ok(const struct text *t, size_t a, size_t e)
{
        if (e - a < 2 || !is_hangul(t->k[a]) || in_list(t, a, e, not_roads))
                return false;
        if (ends_with(t, a, e, "으로"))
                return false;
        if (t->k[e - 1] == 0xB85C /* 로 */ && !is_hangul(t->k[e - 2]) && !is_digit(t->k[e - 2]))
                return false;
        return true;
}

/* Whether the road name a..e cannot be an ordinary word with the particle 로. */
static bool road_name_strong(const struct text *t, size_t a, size_t e)
{
        if (t->k[e - 1] == 0xAE38 /* 길 */)
                return true;
        for (size_t i = a; i < e; i++)
                if (is_digit(t->k[i]))
                        return true;
        uint32_t before = t->k[e - 2];
        if (has_final(before) && !final_rieul(before))
                return true;
        return known(t, a, e, "road");
}

static size_t scan_road(const struct text *t, size_t i, size_t *start, const void *ctx)
{
        (void)ctx;
        (void)start;
        if (!word_start(t, i) || !is_hangul(t->k[i]))
                return 0;
        size_t j = word_end(t, i);
        /* The road name ends at a 로 or 길 that ends the word or is glued to a number. */
        size_t e = 0;
        for (size_t r = i + 1; r < j; r++) {
                uint32_t u = t->k[r];
                if ((u == 0xB85C || u == 0xAE38) && (r + 1 == j || is_digit(t->k[r + 1]))) {
                        /* "구남로24번길": the road name goes on after the number. */
                        size_t s = r + 1;
                        while (s < j && is_digit(t->k[s]))
                                s++;
                        if (s < j && at(t, s, "번길") && s + 2 <= j) {
                                r = s + 1;
                                if (r + 1 == j || is_digit(t->k[r + 1])) {
                                        e = r + 1;
                                        break;
                                }
                                continue;
                        }
                        e = r + 1;
                        break;
                }
        }
        if (!e || !road_name_ok(t, i, e))
                return 0;
        bool strong = road_name_strong(t, i, e);
        size_t p = e;
        if (p < t->n && t->k[p] == ' ')
                p++;
        size_t m;
        if ((m = at(t, p, "지하"))) {
                p += m;
                if (kat(t, p) == ' ')
                        p++;
        }
        size_t q = number_at(t, p);
        if (!q)
                return 0;
        if ((m = at(t, q, "번길"))) {
                /* "해운대로 570번길 12": the first number belongs to the road's name. */
                strong = true;
                p = q + m;
                if (kat(t, p) == ' ')
                        p++;
                if (!(q = number_at(t, p)))
                        return 0;
        }
        if (!number_end_ok(t, q))
                return 0;
        size_t end = detail_tail(t, q);
        if (!strong && !district_before(t, i) && end == q)
                return 0;
        return end;
}

static bool dong_name_ok(const struct text *t, size_t a, size_t e)
{
        static const char *const not_dong[] = {
            "활동", "운동", "이동", "행동", "공동", "노동", "감동", "출동", "변동", "자동",
            "연동", "작동", "가동", "부동", "기동", "관리", "처리", "거리", "우리", "자리",
            "추가", "평가", "인가", "대가", "물가", "정리", "수리", "무리", NULL};
        if (e - a < 2 || e - a > 8 || !is_hangul(t->k[a]))
                return false;
        return !in_list(t, a, e, not_dong);
}

static size_t scan_lot(const struct text *t, size_t i, size_t *start, const void *ctx)
{
        (void)ctx;
        if (!word_start(t, i) || !is_hangul(t->k[i]))
                return 0;
        size_t j = word_end(t, i);
        /*
         * The 동·리·가 name ends at the first 동, 리 or 가 that ends the word or is glued to
         * the number ("우동 1408", "우동1408번지"); "남포동1가" is one name.
         */
        size_t e = 0;
        for (size_t r = i + 1; r < j && !e; r++) {
                if (!one_of(t->k[r], "동리가") || (r + 1 < j && !is_digit(t->k[r + 1])))
                        continue;
                size_t s = r + 1;
                while (s < j && is_digit(t->k[s]))
                        s++;
                if (s > r + 1 && s < j && t->k[s] == 0xAC00 /* 가 */ &&
                    (s + 1 == j || is_digit(t->k[s + 1])))
                        e = s + 1;
                else
                        e = r + 1;
        }
        if (!e || !dong_name_ok(t, i, e))
                return 0;
        size_t p = e, m;
        if (p == j && kat(t, p) == ' ')
                p++;
        size_t num = p;
        bool strong = false;
        if ((m = at(t, p, "산"))) {
                strong = true;
                p += m;
                if (kat(t, p) == ' ')
                        p++;
        }
        size_t q = number_at(t, p);
        if (!q)
                return 0;
        size_t sp = kat(t, q) == ' ' ? 1 : 0;
        if ((m = at(t, q + sp, "번지"))) {
                q += sp + m;
                strong = true;
        }
        if (!number_end_ok(t, q))
                return 0;
        size_t end = detail_tail(t, q);
        if (!strong && !district_before(t, i) && !known(t, i, e, "lot") && end == q)
                return 0;
        *start = num;
        return end;
}

/* "101동 1001호" alone, and "302호" after an apartment or villa's name. */
static size_t scan_unit(const struct text *t, size_t i, size_t *start, const void *ctx)
{
        static const char *const buildings[] = {"아파트", "빌라",   "맨션", "오피스텔", "빌딩",
                                                "타워",   "하이츠", "연립", "주택",     "원룸",
                                                "빌",     "캐슬",   "파크", "타운",     NULL};
        (void)ctx;
        if (!is_word(t->k[i]) || !word_start(t, i))
                return 0;
        size_t j = word_end(t, i);
        for (size_t b = 0; buildings[b]; b++) {
                if (!ends_with(t, i, j, buildings[b]))
                        continue;
                size_t q = j;
                if (kat(t, q) == ' ')
                        q++;
                size_t d = q;
                while (d < t->n && is_digit(t->k[d]) && d - q < 5)
                        d++;
                size_t m = at(t, d, "호실");
                if (!m && at(t, d, "호") && !at(t, d, "호선"))
                        m = 1;
                if (d > q && m) {
                        *start = q;
                        return d + m;
                }
                return 0;
        }
        /* The pair: a 동 of digits or one letter, then the 호. */
        size_t q = i;
        if (is_alpha(kat(t, q)) && !is_alpha(kat(t, q + 1)))
                q++;
        size_t d = q;
        while (q < t->n && is_digit(t->k[q]) && q - d < 4)
                q++;
        if (q == i || !at(t, q, "동"))
                return 0;
        q++;
        if (kat(t, q) == ' ')
                q++;
        d = q;
        while (q < t->n && is_digit(t->k[q]) && q - d < 5)
                q++;
        if (q == d)
                return 0;
        size_t m = at(t, q, "호실");
        if (!m && at(t, q, "호") && !at(t, q, "호선"))
                m = 1;
        return m ? q + m : 0;
}

/* ---- the complainant's name -------------------------------------------------------- */

struct name {
        uint32_t cp[NAME_MAX_CP];
        size_t len;
        size_t given;   /* index where the given name starts; 0 when it is not looked for */
        bool latin;     /* ASCII letters only: matched as a whole word */
        bool word_like; /* the given name is also an everyday word (word_names) */
};

/*
 * Given names that are also everyday words of a complaint. Alone, they are taken for a
 * name only with an honorific, a vocative or the name suffix 이 before a particle
 * ("지원 씨", "지원아", "지원이가"), never in "지원이 필요합니다" or "정수가 안 나와요".
 */
static const char *const word_names[] = {
    "지원", "수정", "정수", "정식", "미정", "성남", "은하", "한결", "보라", "하늘",
    "민원", "정원", "상수", "정상", "성공", "수도", "안전", "행복", "희망", "사랑",
    "평화", "우주", "바다", "정의", "소망", "기쁨", "주민", "예산", "시민", "재정",
    "세정", "복지", "주택", "상가", "공원", "건설", "환경", NULL,
};

static bool is_word_name(const struct name *nm)
{
        for (const char *const *w = word_names; *w; w++) {
                const char *p = *w;
                size_t m = nm->given;
                while (*p && m < nm->len && lit_next(&p) == nm->cp[m])
                        m++;
                if (!*p && m == nm->len)
                        return true;
        }
        return false;
}

static void name_load(struct name *nm, const char *s)
{
        static const char *const compound[] = {"남궁", "황보", "제갈", "선우", "독고",
                                               "사공", "서문", "동방", NULL};
        memset(nm, 0, sizeof(*nm));
        if (!s)
                return;
        size_t len = strlen(s), i = 0;
        bool hangul = true, latin = true;
        while (i < len) {
                uint32_t v;
                size_t step = decode((const unsigned char *)s + i, len - i, &v);
                if (step == 0)
                        return; /* a name that is not text is not looked for */
                i += step;
                v = fold(v);
                if (v == ' ' || invisible(v))
                        continue;
                if (nm->len == NAME_MAX_CP || v < 0x20 || v == 0x7F) {
                        nm->len = 0;
                        return;
                }
                hangul &= is_hangul(v);
                latin &= is_alpha(v);
                nm->cp[nm->len++] = v;
        }
        if (nm->len < 2) {
                nm->len = 0;
                return;
        }
        nm->latin = latin;
        if (!hangul || nm->len < 3)
                return;
        size_t surname = 1;
        if (nm->len >= 4)
                for (size_t c = 0; compound[c]; c++) {
                        const char *p = compound[c];
                        if (lit_next(&p) == nm->cp[0] && lit_next(&p) == nm->cp[1])
                                surname = 2;
                }
        if (nm->len - surname >= 2) {
                nm->given = surname;
                nm->word_like = is_word_name(nm);
        }
}

/* The full name at i, spaces allowed between its characters. */
static size_t name_full_at(const struct text *t, size_t i, const struct name *nm)
{
        if (t->k[i] != nm->cp[0])
                return 0;
        if (i > 0 && (nm->latin ? is_alpha(t->k[i - 1]) : (nm->len == 2 && is_hangul(t->k[i - 1]))))
                return 0;
        size_t p = i + 1;
        for (size_t m = 1; m < nm->len; m++) {
                size_t q = p;
                for (int sp = 0; sp < 2 && q < t->n && t->k[q] == ' '; sp++)
                        q++;
                if (kat(t, q) != nm->cp[m])
                        return 0;
                p = q + 1;
        }
        if (nm->latin && is_alpha(kat(t, p)))
                return 0;
        return p;
}

/* The given name alone, where it stands as a name: "길동이", "길동 씨", "영수야". */
static size_t name_given_at(const struct text *t, size_t i, const struct name *nm)
{
        if (!nm->given || !word_start(t, i))
                return 0;
        size_t p = i;
        for (size_t m = nm->given; m < nm->len; m++, p++)
                if (kat(t, p) != nm->cp[m])
                        return 0;
        uint32_t u = kat(t, p);
        bool batchim = has_final(nm->cp[nm->len - 1]);
        if (u == ' ')
                return one_of(kat(t, p + 1), "씨님군양") ? p : 0;
        if (one_of(u, "씨님군양") || u == (batchim ? 0xC544 /* 아 */ : 0xC57C /* 야 */))
                return p;
        if (batchim && u == 0xC774 /* 이 */) {
                /* "길동이", "길동이가"; a word-like name needs the particle after 이. */
                if (!nm->word_like)
                        return p;
                return one_of(kat(t, p + 1), "가는를도의랑한에와") ? p : 0;
        }
        if (batchim || nm->word_like)
                return 0;
        return one_of(u, "가는를의도한에와랑") ? p : 0;
}

static size_t scan_name(const struct text *t, size_t i, size_t *start, const void *ctx)
{
        const struct name *nm = ctx;
        (void)start;
        size_t end = name_full_at(t, i, nm);
        return end ? end : name_given_at(t, i, nm);
}

/* ---- the whole --------------------------------------------------------------------- */

static int write_out(const struct text *t, struct buf *out)
{
        char enc[4];
        size_t i = 0;
        while (i < t->n) {
                unsigned char m = t->mark[i];
                if (m != KEPT && (m & SPAN_START)) {
                        if (buf_puts(out, placeholders[(m & ~SPAN_START) - 1]) < 0)
                                return -1;
                        i++;
                        while (i < t->n && t->mark[i] && t->mark[i] != KEPT &&
                               !(t->mark[i] & SPAN_START))
                                i++;
                        continue;
                }
                if (buf_append(out, enc, encode(t->c[i], enc)) < 0)
                        return -1;
                i++;
        }
        return 0;
}

int disclosure_redact_buf(const char *text, size_t len, const char *complainant_name,
                          struct buf *out, struct disclosure_stats *stats)
{
        struct text t;
        struct name nm;
        size_t before = out ? out->len : 0;
        int rc = PCRM_OK;
        if (stats)
                memset(stats, 0, sizeof(*stats));
        if (!text || !out || len > DISCLOSURE_TEXT_MAX)
                return PCRM_EINVALID;
        if (text_load(&t, text, len) < 0) {
                rc = PCRM_EINTERNAL;
                goto done;
        }
        name_load(&nm, complainant_name);
        protect(&t);
        run(&t, scan_email, DISCLOSURE_EMAIL, NULL);
        run(&t, scan_rrn, DISCLOSURE_RRN, NULL);
        run(&t, scan_rrn_half, DISCLOSURE_RRN, NULL);
        run(&t, scan_phone, DISCLOSURE_PHONE, NULL);
        run(&t, scan_road, DISCLOSURE_ADDRESS, NULL);
        run(&t, scan_lot, DISCLOSURE_ADDRESS, NULL);
        run(&t, scan_unit, DISCLOSURE_ADDRESS, NULL);
        if (nm.len)
                run(&t, scan_name, DISCLOSURE_NAME, &nm);
        if (write_out(&t, out) < 0) {
                rc = PCRM_EINTERNAL;
                goto done;
        }
        if (stats)
                *stats = t.stats;
done:
        if (rc != PCRM_OK && out->len > before) { /* a failed append may have added some */
                out->len = before;
                out->data[before] = '\0';
        }
        text_release(&t);
        return rc;
}

int disclosure_redact(const char *text, const char *complainant_name, char **out)
{
        if (out)
                *out = NULL;
        if (!text || !out)
                return PCRM_EINVALID;
        size_t len = strnlen(text, (size_t)DISCLOSURE_TEXT_MAX + 1);
        if (len > DISCLOSURE_TEXT_MAX)
                return PCRM_EINVALID;
        struct buf b;
        buf_init(&b, (size_t)DISCLOSURE_TEXT_MAX * 8);
        int rc = disclosure_redact_buf(text, len, complainant_name, &b, NULL);
        if (rc != PCRM_OK) {
                buf_release(&b);
                return rc;
        }
        *out = buf_detach(&b, NULL);
        return *out ? PCRM_OK : PCRM_EINTERNAL;
}
