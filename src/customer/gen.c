/*
 * gen: synthetic residents of 부산광역시 and noisy source records about them.
 *
 * DESIGN
 *
 * People are made a household at a time. A household size is drawn from the national
 * mix (many of one or two, few of five), then a shape for that size (a couple, a couple
 * with children, a single parent, three generations), then ages that fit the shape: the
 * youngest child's age first, the gaps between children, the mother's age at her first
 * birth, the father a few years older, a grandparent a generation above. Children take
 * the father's surname; a wife keeps her own, as Korean women do. Given names come from
 * the era of the birth year, so a grandmother is 영숙 and her granddaughter 서연.
 *
 * Every draw comes from one xoshiro256** stream seeded from the seed, in a fixed order,
 * and all arithmetic is integer, so a seed names a world on any machine. Unique values
 * (RRN, mobile, e-mail, landline, address) are kept unique with a set of 64-bit hashes;
 * a clash only means drawing again.
 *
 * Each person gets 1-4 source records. A record stores its person and a seed of its own;
 * gen_record_fields draws the record's noise from that seed when it is written. The
 * records are shuffled, as forms from different channels and years would be, so that a
 * matcher cannot lean on the order of the file.
 *
 * The noise rates below are part of the contract with the matching benchmarks: change
 * them and the expected match rates change with them.
 */
#include "customer/gen.h"

#include "base/csv.h"
#include "base/embed.h"
#include "base/time.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- The world ------------------------------------------------------------------- */

#define REF_YEAR   2024 /* the last birth year; ages are counted to the end of it */
#define MIN_YEAR   1930 /* the first birth year */
#define SIDO       "부산광역시"
#define SIDO_SHORT "부산"
#define SIDO_CITY  "부산시"
#define AREA_CODE  "051"

/* Household sizes 1..5, per cent (Statistics Korea, 2023: 35/29/19/13/4). */
static const unsigned household_size_pct[] = {0, 35, 29, 19, 13, 4};

/* Shapes of households by size, per cent. */
#define COUPLE_ONLY_OF_TWO_PCT      65 /* else a single parent and a child */
#define SINGLE_PARENT_OF_THREE_PCT  20 /* else a couple with a child, or ... */
#define GRANDPARENT_OF_THREE_PCT    10 /* ... a couple with a parent of theirs */
#define GRANDPARENT_OF_FOUR_PCT     15 /* else a couple with two children */
#define GRANDPARENT_OF_FIVE_PCT     45 /* else a couple with three children */
#define SINGLE_PARENT_IS_MOTHER_PCT 75
#define CHILD_KEEPS_MOTHER_NAME_PCT 15 /* a single mother's child with her surname */
#define GRANDPARENT_IS_FATHERS_PCT  70 /* the husband's parent rather than the wife's */
#define GRANDMOTHER_PCT             75 /* a grandparent living in is mostly a widow */
#define WIFE_OLDER_PCT              10
#define MALE_BIRTH_PCT              51
#define SINGLE_MALE_UNDER_60_PCT    55
#define SINGLE_MALE_FROM_60_PCT     30

struct age_band {
        int lo, hi;
        unsigned weight;
};

/* People living alone, by age (1인 가구 by age group, roughly). */
static const struct age_band single_ages[] = {
    {20, 29, 15}, {30, 39, 13}, {40, 49, 11}, {50, 59, 15},
    {60, 69, 19}, {70, 79, 16}, {80, 94, 11},
};
/* The husband of a couple living on their own: mostly older couples. */
static const struct age_band couple_ages[] = {
    {25, 34, 5}, {35, 49, 8}, {50, 59, 17}, {60, 69, 32}, {70, 79, 25}, {80, 92, 13},
};
/* The youngest child of a family. */
static const struct age_band child_ages[] = {
    {0, 6, 18}, {7, 12, 22}, {13, 18, 22}, {19, 24, 20}, {25, 34, 18},
};
/* Years between siblings, 1..5. */
static const unsigned sibling_gap_weight[] = {0, 20, 35, 25, 12, 8};
#define MOTHER_FIRST_BIRTH_MIN 24
#define MOTHER_FIRST_BIRTH_MAX 37
#define HUSBAND_OLDER_MAX      4
#define GENERATION_MIN         24
#define GENERATION_MAX         36
#define CHILDLESS_MOTHER_MIN   35 /* a couple living with a parent but no child */
#define CHILDLESS_MOTHER_MAX   62

/* Contact details, per cent, by age. */
#define MOBILE_FROM_AGE      12 /* younger children have no phone of their own */
#define MOBILE_TEEN_PCT      85 /* 12-19 */
#define MOBILE_ADULT_PCT     90 /* 20-69 */
#define MOBILE_SEVENTIES_PCT 80
#define MOBILE_OLD_PCT       55 /* 80 and over */
#define EMAIL_FROM_AGE       14
#define EMAIL_TEEN_PCT       30
#define EMAIL_YOUNG_PCT      55 /* 20-39 */
#define EMAIL_MIDDLE_PCT     40 /* 40-59 */
#define EMAIL_SIXTIES_PCT    15
#define EMAIL_OLD_PCT        4
#define EMAIL_CITY_DOMAIN_PM 10 /* per mille of working-age addresses at busan.go.kr */
#define LANDLINE_YOUNG_PCT   8  /* household head under 40 */
#define LANDLINE_MIDDLE_PCT  20 /* 40-59 */
#define LANDLINE_OLD_PCT     45 /* 60 and over */

/* Given names: a listed name by Zipf-like rank weight (the head, where namesakes come
 * from), or one composed of the syllables of two listed names of the same era and sex,
 * drawn evenly (the long tail of rarer names). Tuned so that the commonest full name is
 * about 0.1-0.2 % of the people, as 김영숙 is in Korea. */
#define GIVEN_COMPOSED_PCT 50
#define GIVEN_ZIPF_SCALE   1000000u
#define GIVEN_ZIPF_OFFSET  8 /* weight = SCALE / (rank + OFFSET) */

/* Addresses. */
#define LOT_ADDRESS_PCT    20 /* 지번 rather than 도로명 */
#define APARTMENT_PCT      55 /* "101동 1001호" */
#define VILLA_PCT          15 /* "301호"; the rest are houses without a detail */
#define LOT_SUBNUMBER_PCT  55 /* "1394-65" */
#define ROAD_SUBNUMBER_PCT 5  /* "123-4" */
#define ROAD_BRANCH_PCT    40 /* a house or villa on a 번길: "구남로24번길 8" */

/* Source records per person, 1..4: mean 1.8, 40 % with one. */
static const unsigned records_per_person_pct[] = {0, 40, 45, 10, 5};

/* ---- Noise of the source records (per cent) --------------------------------------- */

#define NAME_SPACED_PCT  2 /* "김 민준" */
#define NAME_SIMILAR_PCT 2 /* one syllable misheard or mistyped: "김민중" */

#define RRN_PRESENT_PCT   88
#define RRN_CANONICAL_PCT 60 /* of present: "900101-1234568" */
#define RRN_DIGITS_PCT    30 /* "9001011234568" */
#define RRN_SPACES_PCT    8  /* "900101 - 1234568", "900101 1234568" */
#define RRN_TYPO_PCT      2  /* one digit wrong */

#define MOBILE_PRESENT_PCT   70 /* of records of people who have one */
#define MOBILE_CANONICAL_PCT 50 /* "010-1234-5678" */
#define MOBILE_DIGITS_PCT    25 /* "01012345678" */
#define MOBILE_SPACES_PCT    10 /* "010 1234 5678" */
#define MOBILE_DOTS_PCT      7  /* "010.1234.5678" */
#define MOBILE_INTL_PCT      8  /* "+82-10-1234-5678" */

#define ADDRESS_PRESENT_PCT    90
#define ADDRESS_CANONICAL_PCT  55 /* of present */
#define ADDRESS_FIXABLE_PCT    42 /* noise the cleanser undoes */
#define ADDRESS_UNFIXABLE_PCT  3  /* no 시도 and no 구: "해운대로 123" */
#define ADDRESS_TWO_NOISES_PCT 30 /* of fixable ones, two kinds of noise at once */

#define EMAIL_PRESENT_PCT 60 /* of records of people who have one */
#define EMAIL_UPPER_PCT   15 /* of present */

#define BIRTH_PRESENT_PCT 50
#define BIRTH_ISO_PCT     50 /* "1990-01-01" */
#define BIRTH_DIGITS_PCT  30 /* "19900101" */
#define BIRTH_DOTS_PCT    20 /* "1990.01.01" */

#define PHONE_PRESENT_PCT   20 /* of records of households with a landline */
#define PHONE_CANONICAL_PCT 50 /* "051-123-4567" */
#define PHONE_PAREN_PCT     25 /* "(051)123-4567" */
#define PHONE_DIGITS_PCT    25 /* "0511234567" */

/* Channels the records came in by, with weights. */
static const char *const channels[] = {"방문", "인터넷", "전화", "모바일", "우편"};
static const unsigned channel_weight[] = {35, 25, 20, 15, 5};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Random numbers ---------------------------------------------------------------- */

struct rng {
        uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
        uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
        z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
        return z ^ (z >> 31);
}

static void rng_seed(struct rng *g, uint64_t seed)
{
        for (int i = 0; i < 4; i++)
                g->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
        return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna). */
static uint64_t rng_next(struct rng *g)
{
        uint64_t *s = g->s;
        uint64_t result = rotl(s[1] * 5, 7) * 9;
        uint64_t t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = rotl(s[3], 45);
        return result;
}

/* Uniform in [0, n), n > 0, without modulo bias. */
static uint64_t rng_below(struct rng *g, uint64_t n)
{
        uint64_t threshold = (0 - n) % n;
        for (;;) {
                uint64_t r = rng_next(g);
                if (r >= threshold)
                        return r % n;
        }
}

/* Uniform in [lo, hi]. */
static int rng_range(struct rng *g, int lo, int hi)
{
        return lo + (int)rng_below(g, (uint64_t)(hi - lo) + 1);
}

static bool rng_pct(struct rng *g, unsigned pct)
{
        return rng_below(g, 100) < pct;
}

/* An index drawn by weight from n small weights (their sum above 0). */
static size_t rng_pick(struct rng *g, const unsigned *weight, size_t n)
{
        uint64_t total = 0;
        for (size_t i = 0; i < n; i++)
                total += weight[i];
        uint64_t r = rng_below(g, total);
        for (size_t i = 0; i < n; i++) {
                if (r < weight[i])
                        return i;
                r -= weight[i];
        }
        return n - 1;
}

static int rng_age(struct rng *g, const struct age_band *bands, size_t n)
{
        unsigned w[16];
        for (size_t i = 0; i < n && i < COUNT(w); i++)
                w[i] = bands[i].weight;
        const struct age_band *b = &bands[rng_pick(g, w, n)];
        return rng_range(g, b->lo, b->hi);
}

/* Cumulative weights for drawing from a long table. */
struct wtable {
        uint64_t *cum;
        size_t n;
};

static int wtable_add(struct wtable *t, uint64_t weight)
{
        uint64_t *p = realloc(t->cum, (t->n + 1) * sizeof(*p));
        if (!p)
                return -1;
        t->cum = p;
        p[t->n] = (t->n ? p[t->n - 1] : 0) + weight;
        t->n++;
        return 0;
}

static size_t wtable_pick(const struct wtable *t, struct rng *g)
{
        uint64_t r = rng_below(g, t->cum[t->n - 1]);
        size_t lo = 0, hi = t->n - 1;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (t->cum[mid] > r)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return lo;
}

/* ---- A set of 64-bit hashes, for values that must be unique ------------------------ */

struct hset {
        uint64_t *slot; /* 0 marks an empty slot; hash 0 is stored as 1 */
        size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
        uint64_t h = UINT64_C(0xCBF29CE484222325);
        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001B3);
        return h;
}

static uint64_t hash_mix(uint64_t h)
{
        return splitmix64(&h);
}

/* Adds h. Returns 1 if it was new, 0 if it was there already, -1 when memory ran out. */
static int hset_add(struct hset *s, uint64_t h)
{
        if (h == 0)
                h = 1;
        if (2 * (s->n + 1) > s->cap) {
                size_t cap = s->cap ? 2 * s->cap : 1024;
                uint64_t *slot = calloc(cap, sizeof(*slot));
                if (!slot)
                        return -1;
                for (size_t i = 0; i < s->cap; i++) {
                        if (!s->slot[i])
                                continue;
                        size_t j = hash_mix(s->slot[i]) & (cap - 1);
                        while (slot[j])
                                j = (j + 1) & (cap - 1);
                        slot[j] = s->slot[i];
                }
                free(s->slot);
                s->slot = slot;
                s->cap = cap;
        }
        size_t j = hash_mix(h) & (s->cap - 1);
        while (s->slot[j]) {
                if (s->slot[j] == h)
                        return 0;
                j = (j + 1) & (s->cap - 1);
        }
        s->slot[j] = h;
        s->n++;
        return 1;
}

static void hset_release(struct hset *s)
{
        free(s->slot);
        memset(s, 0, sizeof(*s));
}

/* ---- Reference tables --------------------------------------------------------------- */

struct surname {
        char name[16]; /* "김", "남궁" */
        char roman[16];
};

struct given_group {
        int from, to; /* birth years */
        char sex;
        char (*names)[8]; /* two syllables each */
        struct wtable weights;
};

struct district {
        char name[16];
        size_t *roads, nroads; /* indices into streets */
        size_t *lots, nlots;
};

struct street {
        size_t district;
        char eupmyeon[16];
        char name[48];
        enum gen_address_kind kind;
        int lo, hi; /* building or lot numbers */
};

struct gen_tables {
        struct surname *surnames;
        size_t nsurnames;
        struct wtable surname_weights;
        struct given_group *groups;
        size_t ngroups;
        struct district *districts;
        size_t ndistricts;
        struct wtable district_weights;
        struct street *streets;
        size_t nstreets;
};

static void tables_free(struct gen_tables *t)
{
        if (!t)
                return;
        free(t->surnames);
        free(t->surname_weights.cum);
        for (size_t i = 0; i < t->ngroups; i++) {
                free(t->groups[i].names);
                free(t->groups[i].weights.cum);
        }
        free(t->groups);
        for (size_t i = 0; i < t->ndistricts; i++) {
                free(t->districts[i].roads);
                free(t->districts[i].lots);
        }
        free(t->districts);
        free(t->district_weights.cum);
        free(t->streets);
        free(t);
}

/* The array at base (n elements of sz bytes) with room for one more, or NULL (base is then
 * untouched). The caller stores the result and zeroes the new element with APPEND. */
static void *grow(void *base, size_t n, size_t sz)
{
        return realloc(base, (n + 1) * sz);
}

/* Appends a zeroed element to arr (of n elements); elem points at it, or is NULL when
 * memory ran out. */
#define APPEND(arr, n, elem)                                                                       \
        do {                                                                                       \
                void *grown_ = grow((arr), (n), sizeof(*(arr)));                                   \
                (elem) = NULL;                                                                     \
                if (grown_) {                                                                      \
                        (arr) = grown_;                                                            \
                        (elem) = &(arr)[(n)++];                                                    \
                        memset((elem), 0, sizeof(*(arr)));                                         \
                }                                                                                  \
        } while (0)

static int copy_field(char *dst, size_t cap, const char *src)
{
        size_t len = strlen(src);
        if (len >= cap)
                return -1;
        memcpy(dst, src, len + 1);
        return 0;
}

/* A whole decimal number in [lo, hi]. */
static int parse_int(const char *s, long lo, long hi, long *out)
{
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || end == s || *end || v < lo || v > hi)
                return -1;
        *out = v;
        return 0;
}

/* Whether s is n Hangul syllables (UTF-8, three bytes each). */
static bool is_syllables(const char *s, size_t n)
{
        size_t len = strlen(s);
        if (len != 3 * n)
                return false;
        for (size_t i = 0; i < len; i += 3) {
                const unsigned char *p = (const unsigned char *)s + i;
                if ((p[0] & 0xF0) != 0xE0 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
                        return false;
                unsigned c =
                    (unsigned)(p[0] & 0x0F) << 12 | (unsigned)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
                if (c < 0xAC00 || c > 0xD7A3)
                        return false;
        }
        return true;
}

typedef int (*row_fn)(struct gen_tables *t, const struct csv_reader *r);

/* Reads embedded file `name`, checks its header, and hands each row to fn. */
static int load_table(struct gen_tables *t, const char *name, const char *const *header,
                      size_t ncols, row_fn fn, struct pcrm_error *e)
{
        const struct embed_file *f = embed_data_file(name);
        if (!f)
                return err_set(e, PCRM_EINTERNAL, "", "reference table %s is not built in", name);
        struct csv_reader r;
        csv_init(&r, f->data, f->size);
        int rc = PCRM_OK, got;
        bool first = true;
        while ((got = csv_next(&r)) == 1) {
                if (r.nfields != ncols) {
                        rc = err_set(e, PCRM_EINTERNAL, "", "%s line %zu: expected %zu fields",
                                     name, r.line, ncols);
                        goto out;
                }
                if (first) {
                        for (size_t i = 0; i < ncols; i++) {
                                if (strcmp(csv_field(&r, i), header[i])) {
                                        rc = err_set(e, PCRM_EINTERNAL, "",
                                                     "%s: column %zu should be %s", name, i + 1,
                                                     header[i]);
                                        goto out;
                                }
                        }
                        first = false;
                        continue;
                }
                if (fn(t, &r) < 0) {
                        rc = err_set(e, PCRM_EINTERNAL, "", "%s line %zu: bad row", name, r.line);
                        goto out;
                }
        }
        if (got < 0)
                rc = err_set(e, PCRM_EINTERNAL, "", "%s line %zu: %s", name, r.line, r.error);
out:
        csv_release(&r);
        return rc;
}

static int surname_row(struct gen_tables *t, const struct csv_reader *r)
{
        long weight;
        const char *name = csv_field(r, 0);
        if (!is_syllables(name, 1) && !is_syllables(name, 2))
                return -1;
        if (parse_int(csv_field(r, 2), 1, 100000, &weight) < 0)
                return -1;
        struct surname *s;
        APPEND(t->surnames, t->nsurnames, s);
        if (!s || copy_field(s->name, sizeof(s->name), name) < 0 ||
            copy_field(s->roman, sizeof(s->roman), csv_field(r, 1)) < 0 || !s->roman[0])
                return -1;
        return wtable_add(&t->surname_weights, (uint64_t)weight);
}

static int given_row(struct gen_tables *t, const struct csv_reader *r)
{
        long from, to, rank;
        const char *sex = csv_field(r, 2), *name = csv_field(r, 4);
        if (parse_int(csv_field(r, 0), MIN_YEAR, REF_YEAR, &from) < 0 ||
            parse_int(csv_field(r, 1), from, REF_YEAR, &to) < 0 ||
            parse_int(csv_field(r, 3), 1, 100000, &rank) < 0 ||
            (strcmp(sex, "M") && strcmp(sex, "F")) || !is_syllables(name, 2))
                return -1;
        struct given_group *gg = NULL;
        for (size_t i = 0; i < t->ngroups; i++)
                if (t->groups[i].from == from && t->groups[i].to == to &&
                    t->groups[i].sex == sex[0])
                        gg = &t->groups[i];
        if (!gg) {
                APPEND(t->groups, t->ngroups, gg);
                if (!gg)
                        return -1;
                gg->from = (int)from;
                gg->to = (int)to;
                gg->sex = sex[0];
        }
        size_t n = gg->weights.n;
        char(*slot)[8];
        APPEND(gg->names, n, slot);
        if (!slot)
                return -1;
        memcpy(*slot, name, 7);
        return wtable_add(&gg->weights, GIVEN_ZIPF_SCALE / ((uint64_t)rank + GIVEN_ZIPF_OFFSET));
}

static int district_row(struct gen_tables *t, const struct csv_reader *r)
{
        long pop;
        const char *name = csv_field(r, 0);
        if (parse_int(csv_field(r, 1), 1, 100000000, &pop) < 0)
                return -1;
        struct district *d;
        APPEND(t->districts, t->ndistricts, d);
        if (!d || copy_field(d->name, sizeof(d->name), name) < 0)
                return -1;
        return wtable_add(&t->district_weights, (uint64_t)pop);
}

/* Whether s (UTF-8) ends in one of the given suffixes. */
static bool ends_with(const char *s, const char *const *sfx, size_t n)
{
        size_t len = strlen(s);
        for (size_t i = 0; i < n; i++) {
                size_t k = strlen(sfx[i]);
                if (len > k && !memcmp(s + len - k, sfx[i], k))
                        return true;
        }
        return false;
}

static int street_row(struct gen_tables *t, const struct csv_reader *r)
{
        static const char *const road_sfx[] = {"로", "길"}, *const lot_sfx[] = {"동", "리", "가"};
        long lo, hi;
        const char *kind = csv_field(r, 3), *name = csv_field(r, 2);
        size_t d = 0;
        while (d < t->ndistricts && strcmp(t->districts[d].name, csv_field(r, 0)))
                d++;
        if (d == t->ndistricts || parse_int(csv_field(r, 4), 1, 99999, &lo) < 0 ||
            parse_int(csv_field(r, 5), lo, 99999, &hi) < 0)
                return -1;
        bool road = !strcmp(kind, "road");
        if (!road && strcmp(kind, "lot"))
                return -1;
        if (road ? !ends_with(name, road_sfx, 2) : !ends_with(name, lot_sfx, 3))
                return -1;
        struct street *s;
        APPEND(t->streets, t->nstreets, s);
        if (!s || copy_field(s->name, sizeof(s->name), name) < 0 ||
            copy_field(s->eupmyeon, sizeof(s->eupmyeon), csv_field(r, 1)) < 0)
                return -1;
        s->district = d;
        s->kind = road ? GEN_ADDRESS_ROAD : GEN_ADDRESS_LOT;
        s->lo = (int)lo;
        s->hi = (int)hi;
        struct district *dd = &t->districts[d];
        size_t *slot;
        if (road)
                APPEND(dd->roads, dd->nroads, slot);
        else
                APPEND(dd->lots, dd->nlots, slot);
        if (!slot)
                return -1;
        *slot = t->nstreets - 1;
        return 0;
}

static const struct given_group *given_group_for(const struct gen_tables *t, int year, char sex)
{
        for (size_t i = 0; i < t->ngroups; i++) {
                const struct given_group *gg = &t->groups[i];
                if (gg->sex == sex && year >= gg->from && year <= gg->to)
                        return gg;
        }
        return NULL;
}

static int tables_load(struct gen_tables **out, struct pcrm_error *e)
{
        static const char *const surname_cols[] = {"surname", "roman", "per_10000"};
        static const char *const given_cols[] = {"born_from", "born_to", "sex", "rank", "name"};
        static const char *const district_cols[] = {"sigungu", "population"};
        static const char *const street_cols[] = {"sigungu", "eupmyeon",   "street",
                                                  "kind",    "min_number", "max_number"};
        struct gen_tables *t = calloc(1, sizeof(*t));
        if (!t)
                return err_set(e, PCRM_EINTERNAL, "", "out of memory");
        int rc =
            load_table(t, "korean-surnames.csv", surname_cols, COUNT(surname_cols), surname_row, e);
        if (!rc)
                rc = load_table(t, "korean-given-names.csv", given_cols, COUNT(given_cols),
                                given_row, e);
        if (!rc)
                rc = load_table(t, "busan-districts.csv", district_cols, COUNT(district_cols),
                                district_row, e);
        if (!rc)
                rc = load_table(t, "busan-streets.csv", street_cols, COUNT(street_cols), street_row,
                                e);
        if (rc)
                goto fail;
        if (!t->nsurnames || !t->ndistricts) {
                rc = err_set(e, PCRM_EINTERNAL, "", "reference tables are empty");
                goto fail;
        }
        for (int year = MIN_YEAR; year <= REF_YEAR; year++) {
                if (!given_group_for(t, year, 'M') || !given_group_for(t, year, 'F')) {
                        rc = err_set(e, PCRM_EINTERNAL, "",
                                     "korean-given-names.csv has no names for births in %d", year);
                        goto fail;
                }
        }
        for (size_t i = 0; i < t->ndistricts; i++) {
                if (!t->districts[i].nroads) {
                        rc = err_set(e, PCRM_EINTERNAL, "", "busan-streets.csv has no road in %s",
                                     t->districts[i].name);
                        goto fail;
                }
        }
        *out = t;
        return PCRM_OK;
fail:
        tables_free(t);
        return rc;
}

/* ---- Romanisation for e-mail addresses ---------------------------------------------- */

/* Revised Romanisation, syllable by syllable (no sound changes across syllables). */
static const char *const rr_initial[19] = {"g",  "kk", "n", "d",  "tt", "r", "m", "b", "pp", "s",
                                           "ss", "",   "j", "jj", "ch", "k", "t", "p", "h"};
static const char *const rr_medial[21] = {"a",  "ae", "ya", "yae", "eo", "e",  "yeo",
                                          "ye", "o",  "wa", "wae", "oe", "yo", "u",
                                          "wo", "we", "wi", "yu",  "eu", "ui", "i"};
static const char *const rr_final[28] = {"",  "k",  "k", "k", "n", "n", "n", "t", "l", "k",
                                         "m", "l",  "l", "l", "p", "l", "m", "p", "p", "t",
                                         "t", "ng", "t", "t", "k", "t", "p", "t"};

static unsigned syllable_at(const char *p)
{
        const unsigned char *u = (const unsigned char *)p;
        return (unsigned)(u[0] & 0x0F) << 12 | (unsigned)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
}

static void put_syllable(char *p, unsigned c)
{
        p[0] = (char)(0xE0 | (c >> 12));
        p[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        p[2] = (char)(0x80 | (c & 0x3F));
}

/* Romanises Hangul syllables s (NUL-terminated) into out; *initials gets each syllable's
 * first letter. */
static void romanise(const char *s, char *out, size_t outlen, char *initials, size_t ilen)
{
        size_t n = 0, k = 0;
        for (; *s; s += 3) {
                unsigned idx = syllable_at(s) - 0xAC00;
                const char *parts[3] = {rr_initial[idx / 588], rr_medial[idx % 588 / 28],
                                        rr_final[idx % 28]};
                if (k + 1 < ilen)
                        initials[k++] = parts[0][0] ? parts[0][0] : parts[1][0];
                for (int i = 0; i < 3; i++)
                        for (const char *c = parts[i]; *c && n + 1 < outlen; c++)
                                out[n++] = *c;
        }
        out[n] = '\0';
        initials[k] = '\0';
}

/* ---- Making the world --------------------------------------------------------------- */

struct maker {
        struct rng g;
        const struct gen_tables *t;
        struct gen_world *w;
        size_t cap; /* people allotted */
        struct hset rrns, mobiles, emails, addresses, phones;
};

/* A person as planned, before names and numbers. */
struct plan {
        enum gen_role role;
        char sex;
        int age;
        size_t surname;
};

static size_t pick_surname(struct maker *m)
{
        return wtable_pick(&m->t->surname_weights, &m->g);
}

static void pick_given(struct maker *m, int year, char sex, char out[8])
{
        const struct given_group *gg = given_group_for(m->t, year, sex);
        if (rng_pct(&m->g, GIVEN_COMPOSED_PCT)) {
                /* The tail: any first syllable of the era with any second syllable. */
                size_t a = rng_below(&m->g, gg->weights.n), b = rng_below(&m->g, gg->weights.n);
                memcpy(out, gg->names[a], 3);
                memcpy(out + 3, gg->names[b] + 3, 4);
        } else {
                memcpy(out, gg->names[wtable_pick(&gg->weights, &m->g)], 7);
        }
}

static void make_email(struct maker *m, struct gen_person *p, int year, int age, const char *sur,
                       const char *given)
{
        static const char *const domains[] = {"naver.com", "gmail.com", "daum.net", "hanmail.net",
                                              "kakao.com"};
        static const unsigned domain_weight[] = {45, 20, 12, 12, 11};
        char gr[32], gi[8];
        romanise(given, gr, sizeof(gr), gi, sizeof(gi));
        const char *domain = domains[rng_pick(&m->g, domain_weight, COUNT(domain_weight))];
        if (age >= 25 && age < 60 && rng_below(&m->g, 1000) < EMAIL_CITY_DOMAIN_PM)
                domain = "busan.go.kr";
        char local[96];
        unsigned yy = (unsigned)year % 100u;
        switch (rng_below(&m->g, 5)) {
        case 0:
                snprintf(local, sizeof(local), "%s%s%02u", gr, sur, yy);
                break;
        case 1:
                snprintf(local, sizeof(local), "%s%s", sur, gr);
                break;
        case 2:
                snprintf(local, sizeof(local), "%s.%s", sur, gr);
                break;
        case 3:
                snprintf(local, sizeof(local), "%s%d", gr, year);
                break;
        default:
                snprintf(local, sizeof(local), "%s%s%02u", gi, sur, yy);
                break;
        }
        for (int tries = 0;; tries++) {
                int n = snprintf(p->email, sizeof(p->email), "%s@%s", local, domain);
                if (n > 0 && (size_t)n < sizeof(p->email) &&
                    hset_add(&m->emails, hash_str(p->email)) != 0)
                        return; /* new, or out of memory (a rare duplicate is harmless) */
                size_t len = strlen(local);
                if (tries > 20 || len + 2 >= sizeof(local)) {
                        p->email[0] = '\0';
                        return;
                }
                local[len] = (char)('0' + rng_below(&m->g, 10));
                local[len + 1] = '\0';
        }
}

static void make_rrn(struct maker *m, struct gen_person *p, int year, int month, int day)
{
        char d[14];
        bool random_last = year > 2020 || (year == 2020 && month >= 10);
        int g = (year >= 2000 ? 3 : 1) + (p->sex == 'F');
        for (int tries = 0; tries < 100; tries++) {
                snprintf(d, sizeof(d), "%02u%02u%02u%u%05u", (unsigned)year % 100u,
                         (unsigned)month % 100u, (unsigned)day % 100u, (unsigned)g % 10u,
                         (unsigned)rng_below(&m->g, 100000));
                int check = random_last ? (int)rng_below(&m->g, 10) : rrn_check_digit(d);
                d[12] = (char)('0' + check);
                d[13] = '\0';
                if (hset_add(&m->rrns, hash_str(d)) != 0)
                        break;
        }
        snprintf(p->rrn, sizeof(p->rrn), "%.6s-%.7s", d, d + 6);
}

static void make_mobile(struct maker *m, struct gen_person *p)
{
        for (int tries = 0; tries < 100; tries++) {
                int mid = rng_range(&m->g, 2000, 9999), last = rng_range(&m->g, 0, 9999);
                snprintf(p->mobile, sizeof(p->mobile), "010-%04d-%04d", mid, last);
                if (hset_add(&m->mobiles, (uint64_t)mid * 10000 + (uint64_t)last) != 0)
                        return;
        }
}

static unsigned mobile_pct(int age)
{
        if (age < MOBILE_FROM_AGE)
                return 0;
        if (age < 20)
                return MOBILE_TEEN_PCT;
        if (age < 70)
                return MOBILE_ADULT_PCT;
        return age < 80 ? MOBILE_SEVENTIES_PCT : MOBILE_OLD_PCT;
}

static unsigned email_pct(int age)
{
        if (age < EMAIL_FROM_AGE)
                return 0;
        if (age < 20)
                return EMAIL_TEEN_PCT;
        if (age < 40)
                return EMAIL_YOUNG_PCT;
        if (age < 60)
                return EMAIL_MIDDLE_PCT;
        return age < 70 ? EMAIL_SIXTIES_PCT : EMAIL_OLD_PCT;
}

/* Adds the planned person to household h, with a given name and birth date that no other
 * member has. */
static void add_person(struct maker *m, const struct plan *pl, uint32_t h)
{
        struct gen_household *hh = &m->w->households[h];
        struct gen_person *p = &m->w->people[m->w->npeople];
        memset(p, 0, sizeof(*p));
        p->household = h;
        p->role = pl->role;
        p->sex = pl->sex;
        const struct surname *s = &m->t->surnames[pl->surname];
        p->surname_len = (uint8_t)strlen(s->name);
        int year = REF_YEAR - pl->age, month, day;
        char given[8];
        for (int tries = 0;; tries++) {
                pick_given(m, year, pl->sex, given);
                bool clash = false;
                for (uint32_t i = hh->first; i < hh->first + hh->count; i++) {
                        const struct gen_person *o = &m->w->people[i];
                        clash |= !strcmp(o->name + o->surname_len, given);
                }
                if (!clash || tries > 50)
                        break;
        }
        snprintf(p->name, sizeof(p->name), "%s%s", s->name, given);
        for (int tries = 0;; tries++) {
                month = rng_range(&m->g, 1, 12);
                day = rng_range(&m->g, 1, time_days_in_month(year, month));
                snprintf(p->birth_date, sizeof(p->birth_date), "%04u-%02u-%02u",
                         (unsigned)year % 10000u, (unsigned)month % 100u, (unsigned)day % 100u);
                bool clash = false;
                for (uint32_t i = hh->first; i < hh->first + hh->count; i++)
                        clash |= !strcmp(m->w->people[i].birth_date, p->birth_date);
                if (!clash || tries > 50)
                        break;
        }
        make_rrn(m, p, year, month, day);
        if (rng_pct(&m->g, mobile_pct(pl->age)))
                make_mobile(m, p);
        if (rng_pct(&m->g, email_pct(pl->age)))
                make_email(m, p, year, pl->age, s->roman, given);
        m->w->npeople++;
        hh->count++;
}

static char birth_sex(struct maker *m)
{
        return rng_pct(&m->g, MALE_BIRTH_PCT) ? 'M' : 'F';
}

/*
 * Plans a family: `parents` (1 or 2) with `children` and `grandparents` (0 or 1).
 * Writes the members to out and returns how many.
 */
static size_t plan_family(struct maker *m, int parents, int children, int grandparents,
                          struct plan *out)
{
        size_t n = 0;
        int ages[4] = {0, 0, 0, 0}, mother;
        if (children) {
                ages[0] = rng_age(&m->g, child_ages, COUNT(child_ages));
                for (int i = 1; i < children && i < 4; i++)
                        ages[i] = ages[i - 1] + (int)rng_pick(&m->g, sibling_gap_weight,
                                                              COUNT(sibling_gap_weight));
                mother = ages[children - 1] +
                         rng_range(&m->g, MOTHER_FIRST_BIRTH_MIN, MOTHER_FIRST_BIRTH_MAX);
        } else {
                /* A couple whose children have left, living with a parent of theirs. */
                mother = rng_range(&m->g, CHILDLESS_MOTHER_MIN, CHILDLESS_MOTHER_MAX);
        }
        int father = rng_pct(&m->g, WIFE_OLDER_PCT)
                         ? mother - rng_range(&m->g, 1, 2)
                         : mother + rng_range(&m->g, 0, HUSBAND_OLDER_MAX);
        if (father > 94)
                father = 94;
        if (mother > 94)
                mother = 94;
        size_t fs = pick_surname(m), ms = pick_surname(m), child_surname = fs;
        if (parents == 2) {
                out[n++] = (struct plan){GEN_ROLE_HEAD, 'M', father, fs};
                out[n++] = (struct plan){GEN_ROLE_SPOUSE, 'F', mother, ms};
        } else if (rng_pct(&m->g, SINGLE_PARENT_IS_MOTHER_PCT)) {
                out[n++] = (struct plan){GEN_ROLE_HEAD, 'F', mother, ms};
                if (rng_pct(&m->g, CHILD_KEEPS_MOTHER_NAME_PCT))
                        child_surname = ms;
        } else {
                out[n++] = (struct plan){GEN_ROLE_HEAD, 'M', father, fs};
        }
        for (int i = children - 1; i >= 0; i--)
                out[n++] = (struct plan){GEN_ROLE_CHILD, birth_sex(m), ages[i], child_surname};
        if (grandparents) {
                bool fathers = rng_pct(&m->g, GRANDPARENT_IS_FATHERS_PCT);
                int base = fathers ? father : mother;
                int age = base + rng_range(&m->g, GENERATION_MIN, GENERATION_MAX);
                if (age > 94)
                        age = 94;
                if (age - base < GENERATION_MIN - 6) {
                        /* Too old to have a parent alive in the table: another child. */
                        int young = ages[0] > 2 ? ages[0] - 2 : ages[0] + 2;
                        out[n++] =
                            (struct plan){GEN_ROLE_CHILD, birth_sex(m), young, child_surname};
                } else {
                        char sex = rng_pct(&m->g, GRANDMOTHER_PCT) ? 'F' : 'M';
                        size_t sur = sex == 'M' ? (fathers ? fs : ms) : pick_surname(m);
                        out[n++] = (struct plan){GEN_ROLE_GRANDPARENT, sex, age, sur};
                }
        }
        return n;
}

static size_t plan_household(struct maker *m, size_t size, struct plan *out)
{
        switch (size) {
        case 1: {
                int age = rng_age(&m->g, single_ages, COUNT(single_ages));
                unsigned male = age < 60 ? SINGLE_MALE_UNDER_60_PCT : SINGLE_MALE_FROM_60_PCT;
                out[0] = (struct plan){GEN_ROLE_SINGLE, rng_pct(&m->g, male) ? 'M' : 'F', age,
                                       pick_surname(m)};
                return 1;
        }
        case 2:
                if (rng_pct(&m->g, COUPLE_ONLY_OF_TWO_PCT)) {
                        int husband = rng_age(&m->g, couple_ages, COUNT(couple_ages));
                        int wife = rng_pct(&m->g, WIFE_OLDER_PCT)
                                       ? husband + rng_range(&m->g, 1, 2)
                                       : husband - rng_range(&m->g, 0, HUSBAND_OLDER_MAX);
                        out[0] = (struct plan){GEN_ROLE_HEAD, 'M', husband, pick_surname(m)};
                        out[1] = (struct plan){GEN_ROLE_SPOUSE, 'F', wife, pick_surname(m)};
                        return 2;
                }
                return plan_family(m, 1, 1, 0, out);
        case 3: {
                unsigned r = (unsigned)rng_below(&m->g, 100);
                if (r < SINGLE_PARENT_OF_THREE_PCT)
                        return plan_family(m, 1, 2, 0, out);
                if (r < SINGLE_PARENT_OF_THREE_PCT + GRANDPARENT_OF_THREE_PCT)
                        return plan_family(m, 2, 0, 1, out);
                return plan_family(m, 2, 1, 0, out);
        }
        case 4:
                if (rng_pct(&m->g, GRANDPARENT_OF_FOUR_PCT))
                        return plan_family(m, 2, 1, 1, out);
                return plan_family(m, 2, 2, 0, out);
        default:
                if (rng_pct(&m->g, GRANDPARENT_OF_FIVE_PCT))
                        return plan_family(m, 2, 2, 1, out);
                return plan_family(m, 2, 3, 0, out);
        }
}

static void format_address(struct gen_household *h)
{
        snprintf(h->address, sizeof(h->address), "%s %s%s%s %s %s%s%s", SIDO, h->sigungu,
                 h->eupmyeon[0] ? " " : "", h->eupmyeon, h->street, h->number,
                 h->detail[0] ? ", " : "", h->detail);
}

static void make_address(struct maker *m, struct gen_household *h)
{
        const struct gen_tables *t = m->t;
        for (int tries = 0; tries < 100; tries++) {
                const struct district *d = &t->districts[wtable_pick(&t->district_weights, &m->g)];
                bool lot = d->nlots && rng_pct(&m->g, LOT_ADDRESS_PCT);
                const struct street *s = &t->streets[lot ? d->lots[rng_below(&m->g, d->nlots)]
                                                         : d->roads[rng_below(&m->g, d->nroads)]];
                unsigned dwelling = (unsigned)rng_below(&m->g, 100);
                h->kind = s->kind;
                h->sigungu = d->name;
                h->eupmyeon = s->eupmyeon;
                int num = rng_range(&m->g, s->lo, s->hi);
                snprintf(h->street, sizeof(h->street), "%s", s->name);
                if (lot) {
                        if (rng_pct(&m->g, LOT_SUBNUMBER_PCT))
                                snprintf(h->number, sizeof(h->number), "%d-%d", num,
                                         rng_range(&m->g, 1, 80));
                        else
                                snprintf(h->number, sizeof(h->number), "%d", num);
                } else if (dwelling >= APARTMENT_PCT && rng_pct(&m->g, ROAD_BRANCH_PCT)) {
                        snprintf(h->street, sizeof(h->street), "%s%d번길", s->name, num);
                        snprintf(h->number, sizeof(h->number), "%d", rng_range(&m->g, 1, 60));
                } else if (rng_pct(&m->g, ROAD_SUBNUMBER_PCT)) {
                        snprintf(h->number, sizeof(h->number), "%d-%d", num,
                                 rng_range(&m->g, 1, 9));
                } else {
                        snprintf(h->number, sizeof(h->number), "%d", num);
                }
                if (dwelling < APARTMENT_PCT)
                        snprintf(h->detail, sizeof(h->detail), "%d동 %d%02d호",
                                 rng_range(&m->g, 101, 115), rng_range(&m->g, 1, 25),
                                 rng_range(&m->g, 1, 6));
                else if (dwelling < APARTMENT_PCT + VILLA_PCT)
                        snprintf(h->detail, sizeof(h->detail), "%d%02d호", rng_range(&m->g, 1, 5),
                                 rng_range(&m->g, 1, 4));
                else
                        h->detail[0] = '\0';
                format_address(h);
                if (hset_add(&m->addresses, hash_str(h->address)) != 0)
                        return;
        }
}

static void make_landline(struct maker *m, struct gen_household *h, int head_age)
{
        unsigned pct = head_age < 40   ? LANDLINE_YOUNG_PCT
                       : head_age < 60 ? LANDLINE_MIDDLE_PCT
                                       : LANDLINE_OLD_PCT;
        if (!rng_pct(&m->g, pct))
                return;
        for (int tries = 0; tries < 100; tries++) {
                int mid = rng_range(&m->g, 200, 999), last = rng_range(&m->g, 0, 9999);
                snprintf(h->phone, sizeof(h->phone), "%s-%03d-%04d", AREA_CODE, mid, last);
                if (hset_add(&m->phones, (uint64_t)mid * 10000 + (uint64_t)last) != 0)
                        return;
        }
}

static int make_people(struct maker *m, size_t people)
{
        struct gen_world *w = m->w;
        w->people = calloc(people, sizeof(*w->people));
        /* Households have at least one member, so there are at most `people` of them. */
        w->households = calloc(people, sizeof(*w->households));
        if (!w->people || !w->households)
                return -1;
        while (w->npeople < people) {
                size_t size = rng_pick(&m->g, household_size_pct, COUNT(household_size_pct));
                if (size > people - w->npeople)
                        size = people - w->npeople;
                struct plan plan[6];
                size_t n = plan_household(m, size, plan);
                uint32_t h = (uint32_t)w->nhouseholds++;
                struct gen_household *hh = &w->households[h];
                hh->first = (uint32_t)w->npeople;
                make_address(m, hh);
                make_landline(m, hh, plan[0].age);
                for (size_t i = 0; i < n && w->npeople < people; i++)
                        add_person(m, &plan[i], h);
        }
        struct gen_household *shrunk =
            realloc(w->households, (w->nhouseholds ? w->nhouseholds : 1) * sizeof(*shrunk));
        if (shrunk)
                w->households = shrunk;
        return 0;
}

static int make_records(struct maker *m)
{
        struct gen_world *w = m->w;
        uint8_t *count = malloc(w->npeople);
        if (!count)
                return -1;
        size_t total = 0;
        for (size_t i = 0; i < w->npeople; i++) {
                count[i] =
                    (uint8_t)rng_pick(&m->g, records_per_person_pct, COUNT(records_per_person_pct));
                total += count[i];
        }
        w->records = malloc(total * sizeof(*w->records));
        if (!w->records) {
                free(count);
                return -1;
        }
        for (size_t i = 0; i < w->npeople; i++)
                for (uint8_t k = 0; k < count[i]; k++)
                        w->records[w->nrecords++] =
                            (struct gen_record){(uint32_t)i, rng_next(&m->g)};
        free(count);
        for (size_t i = w->nrecords; i > 1; i--) {
                size_t j = rng_below(&m->g, i);
                struct gen_record tmp = w->records[i - 1];
                w->records[i - 1] = w->records[j];
                w->records[j] = tmp;
        }
        return 0;
}

int gen_world_create(uint64_t seed, size_t people, struct gen_world **out, struct pcrm_error *e)
{
        *out = NULL;
        if (people < 1 || people > GEN_PEOPLE_MAX)
                return err_set(e, PCRM_EINVALID, "people", "people must be 1 to %d",
                               GEN_PEOPLE_MAX);
        struct maker m;
        memset(&m, 0, sizeof(m));
        struct gen_world *w = calloc(1, sizeof(*w));
        if (!w)
                return err_set(e, PCRM_EINTERNAL, "", "out of memory");
        w->seed = seed;
        int rc = tables_load(&w->tables, e);
        if (rc)
                goto fail;
        m.t = w->tables;
        m.w = w;
        rng_seed(&m.g, seed);
        if (make_people(&m, people) < 0 || make_records(&m) < 0) {
                rc = err_set(e, PCRM_EINTERNAL, "", "out of memory");
                goto fail;
        }
        *out = w;
        goto out;
fail:
        gen_world_free(w);
out:
        hset_release(&m.rrns);
        hset_release(&m.mobiles);
        hset_release(&m.emails);
        hset_release(&m.addresses);
        hset_release(&m.phones);
        return rc;
}

void gen_world_free(struct gen_world *w)
{
        if (!w)
                return;
        free(w->people);
        free(w->households);
        free(w->records);
        tables_free(w->tables);
        free(w);
}

/* ---- Rendering a noisy record ------------------------------------------------------- */

void gen_person_id(size_t i, char *out, size_t outlen)
{
        snprintf(out, outlen, "P%06zu", i + 1);
}

void gen_source_id(size_t i, char *out, size_t outlen)
{
        snprintf(out, outlen, "G%06zu", i + 1);
}

/*
 * A misheard or mistyped syllable: a jamo swapped for a near one (준/중, 서/소, 현/헌,
 * 윤/융, 민/빈, 애/에). Returns the new syllable, or 0 when none fits.
 */
static unsigned similar_syllable(struct rng *g, unsigned c)
{
        /* initial, medial and final jamo indices: from -> to */
        static const unsigned char initial[][2] = {{6, 7}, {7, 6}, {12, 14}, {14, 12}};
        static const unsigned char medial[][2] = {{4, 8},   {8, 4},   {6, 4},   {6, 12},
                                                  {12, 6},  {1, 5},   {5, 1},   {13, 17},
                                                  {17, 13}, {18, 13}, {19, 20}, {7, 5}};
        static const unsigned char final[][2] = {{4, 21}, {21, 4}, {16, 4}, {0, 4}};
        unsigned idx = c - 0xAC00, l = idx / 588, v = idx % 588 / 28, f = idx % 28;
        unsigned opts[24], n = 0;
        for (size_t i = 0; i < COUNT(initial); i++)
                if (initial[i][0] == l)
                        opts[n++] = 0xAC00 + initial[i][1] * 588 + v * 28 + f;
        for (size_t i = 0; i < COUNT(medial); i++)
                if (medial[i][0] == v)
                        opts[n++] = 0xAC00 + l * 588 + medial[i][1] * 28u + f;
        for (size_t i = 0; i < COUNT(final); i++)
                if (final[i][0] == f)
                        opts[n++] = 0xAC00 + l * 588 + v * 28 + final[i][1];
        return n ? opts[rng_below(g, n)] : 0;
}

static void render_name(struct rng *g, const struct gen_person *p, struct gen_fields *f)
{
        unsigned r = (unsigned)rng_below(g, 100);
        snprintf(f->name, sizeof(f->name), "%s", p->name);
        f->name_noise = GEN_CANONICAL;
        if (r < NAME_SIMILAR_PCT) {
                /* One of the given name's syllables; the other if the first has no twin. */
                size_t len = strlen(p->name), nsyl = (len - p->surname_len) / 3;
                size_t first = rng_below(g, nsyl);
                for (size_t k = 0; k < nsyl; k++) {
                        size_t at = p->surname_len + 3 * ((first + k) % nsyl);
                        unsigned c = similar_syllable(g, syllable_at(p->name + at));
                        if (c) {
                                put_syllable(f->name + at, c);
                                f->name_noise = GEN_WRONG;
                                return;
                        }
                }
                r = NAME_SIMILAR_PCT; /* no syllable has a twin: space it instead */
        }
        if (r < NAME_SIMILAR_PCT + NAME_SPACED_PCT) {
                snprintf(f->name, sizeof(f->name), "%.*s %s", (int)p->surname_len, p->name,
                         p->name + p->surname_len);
                f->name_noise = GEN_FIXABLE;
        }
}

static void render_rrn(struct rng *g, const struct gen_person *p, struct gen_fields *f)
{
        static const unsigned form_weight[] = {RRN_CANONICAL_PCT, RRN_DIGITS_PCT, RRN_SPACES_PCT,
                                               RRN_TYPO_PCT};
        const char *r = p->rrn;
        if (!rng_pct(g, RRN_PRESENT_PCT))
                return;
        switch (rng_pick(g, form_weight, COUNT(form_weight))) {
        case 0:
                snprintf(f->rrn, sizeof(f->rrn), "%s", r);
                f->rrn_noise = GEN_CANONICAL;
                break;
        case 1:
                snprintf(f->rrn, sizeof(f->rrn), "%.6s%s", r, r + 7);
                f->rrn_noise = GEN_FIXABLE;
                break;
        case 2:
                if (rng_pct(g, 50))
                        snprintf(f->rrn, sizeof(f->rrn), "%.6s - %s", r, r + 7);
                else
                        snprintf(f->rrn, sizeof(f->rrn), "%.6s %s", r, r + 7);
                f->rrn_noise = GEN_FIXABLE;
                break;
        default: {
                snprintf(f->rrn, sizeof(f->rrn), "%s", r);
                size_t at = rng_below(g, 13);
                at += at >= 6; /* skip the hyphen */
                f->rrn[at] = (char)('0' + (f->rrn[at] - '0' + 1 + (int)rng_below(g, 9)) % 10);
                f->rrn_noise = GEN_WRONG;
                break;
        }
        }
}

static void render_mobile(struct rng *g, const struct gen_person *p, struct gen_fields *f)
{
        static const unsigned form_weight[] = {MOBILE_CANONICAL_PCT, MOBILE_DIGITS_PCT,
                                               MOBILE_SPACES_PCT, MOBILE_DOTS_PCT, MOBILE_INTL_PCT};
        const char *m = p->mobile; /* "010-1234-5678" */
        if (!m[0] || !rng_pct(g, MOBILE_PRESENT_PCT))
                return;
        size_t form = rng_pick(g, form_weight, COUNT(form_weight));
        char *o = f->mobile;
        size_t n = sizeof(f->mobile);
        switch (form) {
        case 0:
                snprintf(o, n, "%.3s-%.4s-%.4s", m, m + 4, m + 9);
                break;
        case 1:
                snprintf(o, n, "%.3s%.4s%.4s", m, m + 4, m + 9);
                break;
        case 2:
                snprintf(o, n, "%.3s %.4s %.4s", m, m + 4, m + 9);
                break;
        case 3:
                snprintf(o, n, "%.3s.%.4s.%.4s", m, m + 4, m + 9);
                break;
        default:
                snprintf(o, n, "+82-%.2s-%.4s-%.4s", m + 1, m + 4, m + 9);
                break;
        }
        f->mobile_noise = form == 0 ? GEN_CANONICAL : GEN_FIXABLE;
}

static void render_phone(struct rng *g, const struct gen_household *h, struct gen_fields *f)
{
        static const unsigned form_weight[] = {PHONE_CANONICAL_PCT, PHONE_PAREN_PCT,
                                               PHONE_DIGITS_PCT};
        const char *ph = h->phone; /* "051-123-4567" */
        if (!ph[0] || !rng_pct(g, PHONE_PRESENT_PCT))
                return;
        size_t form = rng_pick(g, form_weight, COUNT(form_weight));
        if (form == 0)
                snprintf(f->phone, sizeof(f->phone), "%.3s-%.3s-%.4s", ph, ph + 4, ph + 8);
        else if (form == 1)
                snprintf(f->phone, sizeof(f->phone), "(%.3s)%.3s-%.4s", ph, ph + 4, ph + 8);
        else
                snprintf(f->phone, sizeof(f->phone), "%.3s%.3s%.4s", ph, ph + 4, ph + 8);
        f->phone_noise = form == 0 ? GEN_CANONICAL : GEN_FIXABLE;
}

static void render_email(struct rng *g, const struct gen_person *p, struct gen_fields *f)
{
        if (!p->email[0] || !rng_pct(g, EMAIL_PRESENT_PCT))
                return;
        snprintf(f->email, sizeof(f->email), "%s", p->email);
        f->email_noise = GEN_CANONICAL;
        if (rng_pct(g, EMAIL_UPPER_PCT)) {
                for (char *c = f->email; *c; c++)
                        if (*c >= 'a' && *c <= 'z')
                                *c = (char)(*c - 'a' + 'A');
                f->email_noise = GEN_FIXABLE;
        }
}

static void render_birth(struct rng *g, const struct gen_person *p, struct gen_fields *f)
{
        static const unsigned form_weight[] = {BIRTH_ISO_PCT, BIRTH_DIGITS_PCT, BIRTH_DOTS_PCT};
        const char *b = p->birth_date;
        if (!rng_pct(g, BIRTH_PRESENT_PCT))
                return;
        size_t form = rng_pick(g, form_weight, COUNT(form_weight));
        char *o = f->birth_date;
        size_t n = sizeof(f->birth_date);
        if (form == 0)
                snprintf(o, n, "%.4s-%.2s-%.2s", b, b + 5, b + 8);
        else if (form == 1)
                snprintf(o, n, "%.4s%.2s%.2s", b, b + 5, b + 8);
        else
                snprintf(o, n, "%.4s.%.2s.%.2s", b, b + 5, b + 8);
        f->birth_noise = form == 0 ? GEN_CANONICAL : GEN_FIXABLE;
}

/* Kinds of address noise the cleanser undoes. */
enum {
        AN_ALIAS = 1,      /* "부산 ", "부산시 " */
        AN_SPACES = 2,     /* a doubled space */
        AN_GLUED = 4,      /* "해운대로123" */
        AN_BUNJI = 8,      /* "우동 1408번지" (lot numbers only) */
        AN_NO_COMMA = 16,  /* "해운대로 123 101동 1001호" (with a detail only) */
        AN_BRANCH = 32,    /* "구남로 24번길 8" (branch roads only) */
        AN_UNFIXABLE = 64, /* "해운대로 123": no 시도, no 구 */
};

/* The byte where a branch road's "N번길" starts in street, or 0. */
static size_t branch_at(const struct gen_household *h)
{
        size_t len = strlen(h->street), sfx = strlen("번길");
        if (h->kind != GEN_ADDRESS_ROAD || len <= sfx || memcmp(h->street + len - sfx, "번길", sfx))
                return 0;
        size_t i = len - sfx;
        while (i > 0 && h->street[i - 1] >= '0' && h->street[i - 1] <= '9')
                i--;
        return i;
}

static void render_address_with(struct rng *g, const struct gen_household *h, unsigned noise,
                                char *out, size_t outlen)
{
        /* Tokens of the address proper, and the separator written before each. */
        const char *tok[8];
        size_t tlen[8], ntok = 0;
        const char *sep[8];
        size_t branch = branch_at(h);
#define TOKEN(s, n, before)                                                                        \
        do {                                                                                       \
                tok[ntok] = (s);                                                                   \
                tlen[ntok] = (n);                                                                  \
                sep[ntok++] = (before);                                                            \
        } while (0)
        if (!(noise & AN_UNFIXABLE)) {
                const char *sido = SIDO;
                if (noise & AN_ALIAS)
                        sido = rng_pct(g, 50) ? SIDO_SHORT : SIDO_CITY;
                TOKEN(sido, strlen(sido), "");
                TOKEN(h->sigungu, strlen(h->sigungu), " ");
                if (h->eupmyeon[0])
                        TOKEN(h->eupmyeon, strlen(h->eupmyeon), " ");
        }
        const char *before_street = ntok ? " " : "";
        if (noise & AN_BRANCH) {
                TOKEN(h->street, branch, before_street);
                TOKEN(h->street + branch, strlen(h->street + branch), " ");
        } else {
                TOKEN(h->street, strlen(h->street), before_street);
        }
        TOKEN(h->number, strlen(h->number), (noise & AN_GLUED) ? "" : " ");
        if (noise & AN_BUNJI)
                TOKEN("번지", strlen("번지"), rng_pct(g, 70) ? "" : " ");
#undef TOKEN
        if (noise & AN_SPACES) {
                size_t spaces[8], n = 0;
                for (size_t i = 0; i < ntok; i++)
                        if (sep[i][0] == ' ')
                                spaces[n++] = i;
                if (n)
                        sep[spaces[rng_below(g, n)]] = "  ";
        }
        size_t len = 0;
        out[0] = '\0';
        for (size_t i = 0; i < ntok; i++) {
                int w = snprintf(out + len, outlen - len, "%s%.*s", sep[i], (int)tlen[i], tok[i]);
                if (w < 0 || (size_t)w >= outlen - len)
                        return;
                len += (size_t)w;
        }
        if (h->detail[0])
                snprintf(out + len, outlen - len, "%s%s", (noise & AN_NO_COMMA) ? " " : ", ",
                         h->detail);
}

static void render_address(struct rng *g, const struct gen_household *h, struct gen_fields *f)
{
        static const unsigned form_weight[] = {ADDRESS_CANONICAL_PCT, ADDRESS_FIXABLE_PCT,
                                               ADDRESS_UNFIXABLE_PCT};
        if (!rng_pct(g, ADDRESS_PRESENT_PCT))
                return;
        unsigned noise = 0;
        switch (rng_pick(g, form_weight, COUNT(form_weight))) {
        case 0:
                f->address_noise = GEN_CANONICAL;
                break;
        case 1: {
                unsigned kinds[6], n = 0;
                kinds[n++] = AN_ALIAS;
                kinds[n++] = AN_SPACES;
                kinds[n++] = AN_GLUED;
                if (h->kind == GEN_ADDRESS_LOT)
                        kinds[n++] = AN_BUNJI;
                if (h->detail[0])
                        kinds[n++] = AN_NO_COMMA;
                if (branch_at(h))
                        kinds[n++] = AN_BRANCH;
                unsigned a = (unsigned)rng_below(g, n);
                noise = kinds[a];
                if (rng_pct(g, ADDRESS_TWO_NOISES_PCT)) {
                        unsigned b = (a + 1 + (unsigned)rng_below(g, n - 1)) % n;
                        noise |= kinds[b];
                }
                /* A split branch road with a glued number reads as a different road. */
                if ((noise & AN_BRANCH) && (noise & AN_GLUED))
                        noise &= ~(unsigned)AN_GLUED;
                f->address_noise = GEN_FIXABLE;
                break;
        }
        default:
                noise = AN_UNFIXABLE;
                f->address_noise = GEN_WRONG;
                break;
        }
        render_address_with(g, h, noise, f->address, sizeof(f->address));
}

void gen_record_fields(const struct gen_world *w, size_t i, struct gen_fields *f)
{
        const struct gen_record *rec = &w->records[i];
        const struct gen_person *p = &w->people[rec->person];
        const struct gen_household *h = &w->households[p->household];
        struct rng g;
        memset(f, 0, sizeof(*f));
        rng_seed(&g, rec->seed);
        gen_source_id(i, f->source_id, sizeof(f->source_id));
        gen_person_id(rec->person, f->person_id, sizeof(f->person_id));
        f->channel = channels[rng_pick(&g, channel_weight, COUNT(channel_weight))];
        render_name(&g, p, f);
        render_rrn(&g, p, f);
        render_address(&g, h, f);
        render_phone(&g, h, f);
        render_mobile(&g, p, f);
        render_email(&g, p, f);
        render_birth(&g, p, f);
}

/* ---- Writing the files --------------------------------------------------------------- */

/* Writes one field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
static void put_field(FILE *out, const char *s, bool last)
{
        if (strpbrk(s, ",\"\r\n")) {
                putc('"', out);
                for (; *s; s++) {
                        if (*s == '"')
                                putc('"', out);
                        putc(*s, out);
                }
                putc('"', out);
        } else {
                fputs(s, out);
        }
        putc(last ? '\n' : ',', out);
}

int gen_world_write(const struct gen_world *w, FILE *records, FILE *truth)
{
        if (records)
                fputs("source_id,name,rrn,address,phone,mobile,email,birth_date,channel\n",
                      records);
        if (truth)
                fputs("source_id,person_id\n", truth);
        struct gen_fields f;
        for (size_t i = 0; i < w->nrecords; i++) {
                gen_record_fields(w, i, &f);
                if (records) {
                        const char *cols[] = {f.source_id, f.name,       f.rrn,
                                              f.address,   f.phone,      f.mobile,
                                              f.email,     f.birth_date, f.channel};
                        for (size_t c = 0; c < COUNT(cols); c++)
                                put_field(records, cols[c], c + 1 == COUNT(cols));
                }
                if (truth)
                        fprintf(truth, "%s,%s\n", f.source_id, f.person_id);
        }
        return ((records && ferror(records)) || (truth && ferror(truth))) ? -1 : 0;
}

/* An open temporary file beside its destination. */
struct tmpout {
        char path[4096];
        FILE *f;
};

static int tmp_open(struct tmpout *t, const char *dest)
{
        t->f = NULL;
        if (snprintf(t->path, sizeof(t->path), "%s.tmp.XXXXXX", dest) >= (int)sizeof(t->path)) {
                t->path[0] = '\0';
                return -1;
        }
        int fd = mkstemp(t->path);
        if (fd < 0) {
                t->path[0] = '\0';
                return -1;
        }
        t->f = fdopen(fd, "w");
        if (!t->f) {
                close(fd);
                return -1;
        }
        return 0;
}

/* Flushes and closes; returns 0, or -1 if anything failed to reach the disk. */
static int tmp_close(struct tmpout *t)
{
        if (!t->f)
                return -1;
        int rc = (fflush(t->f) == 0 && !ferror(t->f) && fsync(fileno(t->f)) == 0) ? 0 : -1;
        if (fclose(t->f) != 0)
                rc = -1;
        t->f = NULL;
        return rc;
}

static void tmp_discard(struct tmpout *t)
{
        if (t->f)
                fclose(t->f);
        t->f = NULL;
        if (t->path[0])
                unlink(t->path);
        t->path[0] = '\0';
}

int gen_world_write_files(const struct gen_world *w, const char *records_path,
                          const char *truth_path, struct pcrm_error *e)
{
        struct tmpout rec = {{0}, NULL}, tru = {{0}, NULL};
        int rc = PCRM_OK;
        if (tmp_open(&rec, records_path) < 0) {
                rc = err_set(e, PCRM_EINTERNAL, "", "cannot create a file beside %s: %s",
                             records_path, strerror(errno));
                goto out;
        }
        if (tmp_open(&tru, truth_path) < 0) {
                rc = err_set(e, PCRM_EINTERNAL, "", "cannot create a file beside %s: %s",
                             truth_path, strerror(errno));
                goto out;
        }
        if (gen_world_write(w, rec.f, tru.f) < 0 || tmp_close(&rec) < 0) {
                rc = err_set(e, PCRM_EINTERNAL, "", "cannot write %s: %s", records_path,
                             strerror(errno));
                goto out;
        }
        if (tmp_close(&tru) < 0) {
                rc = err_set(e, PCRM_EINTERNAL, "", "cannot write %s: %s", truth_path,
                             strerror(errno));
                goto out;
        }
        if (rename(rec.path, records_path) < 0) {
                rc = err_set(e, PCRM_EINTERNAL, "", "cannot rename to %s: %s", records_path,
                             strerror(errno));
                goto out;
        }
        rec.path[0] = '\0';
        if (rename(tru.path, truth_path) < 0) {
                rc = err_set(e, PCRM_EINTERNAL, "", "cannot rename to %s: %s", truth_path,
                             strerror(errno));
                /* The records without their truth would mislead a benchmark. */
                unlink(records_path);
                goto out;
        }
        tru.path[0] = '\0';
out:
        tmp_discard(&rec);
        tmp_discard(&tru);
        return rc;
}
