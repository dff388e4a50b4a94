/*
 * route: the complaint router (route.h).
 *
 * DESIGN
 *
 * Text. A text is folded (cleanse_fold: full-width forms, odd spaces, decomposed Hangul),
 * ASCII letters are lower-cased, every digit becomes '0' (a house number or a bus route
 * says little about the department; "0시간", "00번" do), and everything that is neither a
 * letter nor a digit nor a Hangul syllable or jamo (ASCII punctuation, general and CJK
 * punctuation, arrows, shapes, emoji, private use) separates words. Invalid UTF-8 and
 * control characters are read as spaces rather than refused, so that no text fails to
 * classify. Only the first ROUTE_TEXT_MAX bytes are read.
 *
 * Features. Each word is framed by a boundary mark '_' ("_주차_") and every run of one to
 * three code points of the framed word is an n-gram ("_", alone, is not). No word
 * segmentation is needed, particles and endings fall away into their own n-grams, and a
 * typo spoils only the few n-grams that cross it. A text counts each distinct n-gram once
 * (binary features): a long, repetitive complaint should not outweigh its own topic.
 *
 * Model. Complement naive Bayes (Rennie et al., "Tackling the poor assumptions of naive
 * Bayes text classifiers", 2003), the multinomial model estimated from the complement of
 * each class: the weight of n-gram f for label c is log of (n_f - n_fc + a) / (N - N_c + aV),
 * with n_fc the examples of c holding f, n_f those of any label, N_c and N the totals over
 * n-grams, V the n-grams known and a = 1 (Laplace smoothing). A text scores
 *
 *     score(c) = - sum over the text's known n-grams f of weight(f, c)
 *
 * and the label with the highest score wins. Estimating each class from everything else
 * evens out classes of unequal size and wording; on the shipped examples it is right
 * more often than the plain multinomial model (top-1 0.86 against 0.80, 5-fold
 * cross-validation). N-grams never seen in training are ignored, so text about
 * nothing the model knows gets the same score for every label.
 *
 * Scores become probabilities by a softmax (log-sum-exp) of ROUTE_SCALE * score. Naive
 * Bayes is overconfident, since its n-grams are far from independent; the scale 0.6 was
 * chosen by cross-validation on the shipped examples so that the probabilities are
 * calibrated (a guess at 0.8 is right about 80% of the time; expected calibration error
 * 0.03, against 0.06 unscaled). The complaint intake routes only above 0.5: in the same
 * cross-validation that is 89% of the texts, and 92% of those go to the right label.
 *
 * Storage. The table of n-grams is exact (no hashing into buckets, so no collisions and
 * a model that can be read): each n-gram with the labels it was seen with and how many
 * examples. Only these counts are stored; the weights are derived from them when a model
 * is built or loaded, by the same code, so a loaded model classifies exactly as the one
 * that was saved. Classifying costs one hash lookup per n-gram of the text and one
 * addition per (n-gram, label) seen in training: microseconds for a short complaint.
 */
#include "complaint/route.h"

#include "base/buf.h"
#include "base/csv.h"
#include "base/embed.h"
#include "base/log.h"
#include "base/time.h"
#include "base/utf8.h"
#include "customer/cleanse.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUTE_TEXT_MAX   16384 /* bytes of a text that are read */
#define ROUTE_GRAM_MAX   12    /* bytes of an n-gram: three code points of up to 4 bytes */
#define ROUTE_LABELS_MAX 1000  /* labels in one model */
#define ROUTE_K_MAX      10
#define ROUTE_ALPHA      1.0 /* Laplace smoothing */
#define ROUTE_SCALE      0.6 /* softmax scale, for calibrated probabilities (see above) */
#define ROUTE_MARK       '_'
#define ROUTE_FORMAT     "pcrm-route 1 cnb-char1-3"
#define NO_ID            UINT32_MAX

/* ---- n-gram table ------------------------------------------------------------------- */

struct gram {
        char s[ROUTE_GRAM_MAX];
        uint8_t len;
};

/* The n-grams by id, with an open-addressing index (slots hold id + 1, 0 is empty). */
struct gram_table {
        struct gram *grams;
        size_t n, cap;
        uint32_t *slots;
        size_t nslots; /* a power of two, at least twice n */
};

static uint64_t gram_hash(const char *s, size_t len)
{
        uint64_t h = 1469598103934665603ULL; /* FNV-1a */
        for (size_t i = 0; i < len; i++) {
                h ^= (unsigned char)s[i];
                h *= 1099511628211ULL;
        }
        return h;
}

static void table_release(struct gram_table *t)
{
        free(t->grams);
        free(t->slots);
        memset(t, 0, sizeof(*t));
}

static uint32_t table_find(const struct gram_table *t, const char *s, size_t len)
{
        if (!t->nslots)
                return NO_ID;
        size_t mask = t->nslots - 1;
        for (size_t i = gram_hash(s, len) & mask;; i = (i + 1) & mask) {
                uint32_t v = t->slots[i];
                if (!v)
                        return NO_ID;
                const struct gram *g = &t->grams[v - 1];
                if (g->len == len && !memcmp(g->s, s, len))
                        return v - 1;
        }
}

/* Rebuilds the index with room for at least want n-grams. Returns 0 or -1. */
static int table_reindex(struct gram_table *t, size_t want)
{
        size_t nslots = 64;
        while (nslots < want * 2)
                nslots *= 2;
        uint32_t *slots = calloc(nslots, sizeof(*slots));
        if (!slots)
                return -1;
        for (size_t id = 0; id < t->n; id++) {
                size_t i = gram_hash(t->grams[id].s, t->grams[id].len) & (nslots - 1);
                while (slots[i])
                        i = (i + 1) & (nslots - 1);
                slots[i] = (uint32_t)id + 1;
        }
        free(t->slots);
        t->slots = slots;
        t->nslots = nslots;
        return 0;
}

/* Appends an n-gram known not to be in the table. Returns its id, or NO_ID when out of
 * memory. */
static uint32_t table_add(struct gram_table *t, const char *s, size_t len)
{
        if (t->n >= NO_ID - 1)
                return NO_ID;
        if (t->n == t->cap) {
                size_t cap = t->cap ? t->cap * 2 : 1024;
                struct gram *g = realloc(t->grams, cap * sizeof(*g));
                if (!g)
                        return NO_ID;
                t->grams = g;
                t->cap = cap;
        }
        if ((t->n + 1) * 2 > t->nslots && table_reindex(t, t->n + 1) < 0)
                return NO_ID;
        struct gram *g = &t->grams[t->n];
        memcpy(g->s, s, len);
        g->len = (uint8_t)len;
        size_t mask = t->nslots - 1;
        size_t i = gram_hash(s, len) & mask;
        while (t->slots[i])
                i = (i + 1) & mask;
        t->slots[i] = (uint32_t)t->n + 1;
        return (uint32_t)t->n++;
}

static int gram_cmp(const struct gram *a, const struct gram *b)
{
        size_t n = a->len < b->len ? a->len : b->len;
        int c = memcmp(a->s, b->s, n);
        return c ? c : (int)a->len - (int)b->len;
}

/* ---- normalised text ---------------------------------------------------------------- */

/* Length of the valid UTF-8 character at s (at most len bytes), or 0. */
static size_t char_len(const unsigned char *s, size_t len)
{
        size_t k = s[0] < 0x80 ? 1 : s[0] < 0xC2 ? 0 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
        if (!k || k > len || !utf8_valid((const char *)s, k))
                return 0;
        return k;
}

static uint32_t decode(const unsigned char *s, size_t k)
{
        switch (k) {
        case 1:
                return s[0];
        case 2:
                return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        case 3:
                return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
                       (s[2] & 0x3F);
        default:
                return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
                       ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        }
}

static size_t encode(uint32_t c, char *out)
{
        if (c < 0x80) {
                out[0] = (char)c;
                return 1;
        }
        if (c < 0x800) {
                out[0] = (char)(0xC0 | (c >> 6));
                out[1] = (char)(0x80 | (c & 0x3F));
                return 2;
        }
        if (c < 0x10000) {
                out[0] = (char)(0xE0 | (c >> 12));
                out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
                out[2] = (char)(0x80 | (c & 0x3F));
                return 3;
        }
        out[0] = (char)(0xF0 | (c >> 18));
        out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[3] = (char)(0x80 | (c & 0x3F));
        return 4;
}

/* What a folded code point becomes in a word: itself, lower-cased, '0', or 0 when it
 * separates words. */
static uint32_t word_char(uint32_t c)
{
        if (c < 0x80) {
                if (c >= 'A' && c <= 'Z')
                        return c + ('a' - 'A');
                if (c >= '0' && c <= '9')
                        return '0';
                return c >= 'a' && c <= 'z' ? c : 0;
        }
        if (c <= 0xBF || c == 0xD7 || c == 0xF7) /* Latin-1 controls, signs, punctuation */
                return 0;
        if (c >= 0x2000 && c <= 0x2BFF) /* punctuation, symbols, arrows, shapes */
                return 0;
        if ((c >= 0x3000 && c <= 0x303F) || /* CJK punctuation: 「」、。〜 */
            (c >= 0xE000 && c <= 0xF8FF) || /* private use */
            (c >= 0xFE00 && c <= 0xFE6F) || /* variation selectors, small forms */
            (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
            (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||
            (c >= 0xFFF0 && c <= 0xFFFF) || /* specials, the replacement character */
            (c >= 0x1F000 && c <= 0x1FAFF)) /* emoji, pictographs */
                return 0;
        return c;
}

/*
 * The normalised text as code points, words separated by a single 0 (no leading or
 * trailing 0). Returns the count, with *out malloc'd (caller frees; NULL when the count is
 * 0), or (size_t)-1 when out of memory.
 */
static size_t normalise(const char *text, uint32_t **out)
{
        *out = NULL;
        if (!text)
                return 0;
        size_t len = utf8_prefix(text, ROUTE_TEXT_MAX);
        /* Invalid bytes and control characters become spaces, so the fold cannot fail. */
        char *clean = malloc(len + 1), *folded = malloc(len + 1);
        uint32_t *cps = malloc((len + 1) * sizeof(*cps));
        size_t n = 0;
        if (!clean || !folded || !cps) {
                n = (size_t)-1;
                goto out;
        }
        const unsigned char *p = (const unsigned char *)text;
        for (size_t i = 0; i < len;) {
                size_t k = char_len(p + i, len - i);
                if (!k || (k == 1 && (p[i] < 0x20 || p[i] == 0x7F))) {
                        clean[i++] = ' ';
                        continue;
                }
                memcpy(clean + i, p + i, k);
                i += k;
        }
        clean[len] = '\0';
        int flen = cleanse_fold(clean, folded, len + 1);
        if (flen <= 0)
                goto out;
        const unsigned char *f = (const unsigned char *)folded;
        for (size_t i = 0; i < (size_t)flen;) {
                size_t k = char_len(f + i, (size_t)flen - i);
                if (!k) /* cannot happen: the fold writes valid UTF-8 */
                        break;
                uint32_t c = word_char(decode(f + i, k));
                i += k;
                if (c)
                        cps[n++] = c;
                else if (n && cps[n - 1])
                        cps[n++] = 0;
        }
        if (n && !cps[n - 1])
                n--;
out:
        free(clean);
        free(folded);
        if (n && n != (size_t)-1)
                *out = cps;
        else
                free(cps);
        return n;
}

/* Calls fn for every n-gram of the normalised text (repeats included). Stops at and
 * returns the first non-zero result of fn. */
typedef int (*gram_fn)(const char *s, size_t len, void *ctx);

static int each_gram(const uint32_t *cps, size_t n, gram_fn fn, void *ctx)
{
        size_t start = 0;
        while (start < n) {
                size_t end = start;
                while (end < n && cps[end])
                        end++;
                /* The framed word: position 0 and wlen + 1 are the marks. */
                size_t wlen = end - start;
                for (size_t pos = 0; pos < wlen + 2; pos++) {
                        for (size_t len = 1; len <= 3 && pos + len <= wlen + 2; len++) {
                                if (len == 1 && (pos == 0 || pos == wlen + 1))
                                        continue;
                                char s[ROUTE_GRAM_MAX];
                                size_t bytes = 0;
                                for (size_t j = pos; j < pos + len; j++) {
                                        if (j == 0 || j == wlen + 1)
                                                s[bytes++] = ROUTE_MARK;
                                        else
                                                bytes += encode(cps[start + j - 1], s + bytes);
                                }
                                int rc = fn(s, bytes, ctx);
                                if (rc)
                                        return rc;
                        }
                }
                start = end + 1;
        }
        return 0;
}

/* ---- the model ---------------------------------------------------------------------- */

struct posting {
        uint32_t label;
        uint32_t count; /* examples of this label holding the n-gram */
        double delta;   /* derived: log(n_f + a) - log(n_f - count + a) */
};

struct route_model {
        size_t nlabels;
        char (*labels)[ROUTE_LABEL_MAX]; /* sorted */
        uint32_t *docs;                  /* examples per label */
        size_t examples;
        struct gram_table grams; /* ids in key order */
        size_t *first;           /* grams.n + 1 offsets into postings */
        struct posting *postings;
        size_t npostings;
        double *norm; /* derived, per label: log(N - N_c + aV) */
        size_t refs;  /* references while shared by the cache (cache_lock); 0 otherwise */
};

void route_model_free(struct route_model *m)
{
        if (!m)
                return;
        free(m->labels);
        free(m->docs);
        table_release(&m->grams);
        free(m->first);
        free(m->postings);
        free(m->norm);
        free(m);
}

/* Derives the weights from the counts, and builds the index. Returns 0 or -1. */
static int model_finish(struct route_model *m)
{
        double *total = calloc(m->nlabels, sizeof(*total));
        m->norm = calloc(m->nlabels, sizeof(*m->norm));
        if (!total || !m->norm || table_reindex(&m->grams, m->grams.n) < 0) {
                free(total);
                return -1;
        }
        double all = 0, v = (double)m->grams.n;
        for (size_t f = 0; f < m->grams.n; f++) {
                double nf = 0;
                for (size_t i = m->first[f]; i < m->first[f + 1]; i++)
                        nf += m->postings[i].count;
                for (size_t i = m->first[f]; i < m->first[f + 1]; i++) {
                        struct posting *p = &m->postings[i];
                        p->delta = log(nf + ROUTE_ALPHA) - log(nf - p->count + ROUTE_ALPHA);
                        total[p->label] += p->count;
                }
                all += nf;
        }
        for (size_t c = 0; c < m->nlabels; c++)
                m->norm[c] = log(all - total[c] + ROUTE_ALPHA * v);
        free(total);
        return 0;
}

static bool label_usable(const char *s)
{
        size_t len = s ? strlen(s) : 0;
        if (!len || len >= ROUTE_LABEL_MAX || !utf8_valid(s, len))
                return false;
        for (size_t i = 0; i < len; i++)
                if ((unsigned char)s[i] <= ' ' || s[i] == 0x7F)
                        return false;
        return true;
}

static int cmp_label(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Index of label in the sorted labels, or -1. */
static int label_index(const struct route_model *m, const char *label)
{
        size_t lo = 0, hi = m->nlabels;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                int c = strcmp(m->labels[mid], label);
                if (!c)
                        return (int)mid;
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return -1;
}

/* Training state: the n-grams met so far, and (n-gram, label) pairs, one per example
 * holding the n-gram. */
struct trainer {
        struct gram_table grams;
        uint32_t *seen; /* per n-gram: the last example that held it, + 1 */
        size_t seen_cap;
        uint64_t *pairs; /* n-gram id << 32 | label */
        size_t npairs, cap;
        uint32_t example, label;
};

static int train_gram(const char *s, size_t len, void *ctx)
{
        struct trainer *t = ctx;
        uint32_t id = table_find(&t->grams, s, len);
        if (id == NO_ID) {
                id = table_add(&t->grams, s, len);
                if (id == NO_ID)
                        return -1;
                if (t->grams.n > t->seen_cap) {
                        size_t cap = t->grams.cap;
                        uint32_t *seen = realloc(t->seen, cap * sizeof(*seen));
                        if (!seen)
                                return -1;
                        memset(seen + t->seen_cap, 0, (cap - t->seen_cap) * sizeof(*seen));
                        t->seen = seen;
                        t->seen_cap = cap;
                }
        }
        if (t->seen[id] == t->example + 1)
                return 0; /* once per example */
        t->seen[id] = t->example + 1;
        if (t->npairs == t->cap) {
                size_t cap = t->cap ? t->cap * 2 : 4096;
                uint64_t *p = realloc(t->pairs, cap * sizeof(*p));
                if (!p)
                        return -1;
                t->pairs = p;
                t->cap = cap;
        }
        t->pairs[t->npairs++] = (uint64_t)id << 32 | t->label;
        return 0;
}

static int cmp_u64(const void *a, const void *b)
{
        uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
        return x < y ? -1 : x > y;
}

struct ranked_gram {
        struct gram g;
        uint32_t id;
};

static int cmp_ranked(const void *a, const void *b)
{
        return gram_cmp(&((const struct ranked_gram *)a)->g, &((const struct ranked_gram *)b)->g);
}

/* Orders the n-grams by key (so that the stored model is canonical) and turns the pairs
 * into postings. Returns 0 or -1. */
static int model_from_pairs(struct route_model *m, struct trainer *t)
{
        size_t ng = t->grams.n;
        struct ranked_gram *order = malloc((ng ? ng : 1) * sizeof(*order));
        uint32_t *rank = malloc((ng ? ng : 1) * sizeof(*rank));
        size_t *count = calloc(ng + 1, sizeof(*count));
        int rc = -1;
        if (!order || !rank || !count)
                goto out;
        for (size_t i = 0; i < ng; i++)
                order[i] = (struct ranked_gram){t->grams.grams[i], (uint32_t)i};
        qsort(order, ng, sizeof(*order), cmp_ranked);
        for (size_t i = 0; i < ng; i++)
                rank[order[i].id] = (uint32_t)i;
        for (size_t i = 0; i < t->npairs; i++) {
                uint32_t id = rank[t->pairs[i] >> 32];
                t->pairs[i] = (uint64_t)id << 32 | (t->pairs[i] & 0xFFFFFFFFu);
        }
        qsort(t->pairs, t->npairs, sizeof(*t->pairs), cmp_u64);

        m->grams.grams = malloc((ng ? ng : 1) * sizeof(*m->grams.grams));
        m->first = calloc(ng + 1, sizeof(*m->first));
        m->postings = malloc((t->npairs ? t->npairs : 1) * sizeof(*m->postings));
        if (!m->grams.grams || !m->first || !m->postings)
                goto out;
        for (size_t i = 0; i < ng; i++)
                m->grams.grams[i] = order[i].g;
        m->grams.n = m->grams.cap = ng;
        size_t np = 0;
        for (size_t i = 0; i < t->npairs;) {
                size_t j = i;
                while (j < t->npairs && t->pairs[j] == t->pairs[i])
                        j++;
                uint32_t id = (uint32_t)(t->pairs[i] >> 32);
                m->postings[np].label = (uint32_t)(t->pairs[i] & 0xFFFFFFFFu);
                m->postings[np].count = (uint32_t)(j - i);
                m->postings[np].delta = 0;
                np++;
                count[id]++;
                i = j;
        }
        m->npostings = np;
        for (size_t f = 0; f < ng; f++)
                m->first[f + 1] = m->first[f] + count[f];
        rc = 0;
out:
        free(order);
        free(rank);
        free(count);
        return rc;
}

struct route_model *route_train(const struct route_example *ex, size_t n)
{
        if (!ex || !n)
                return NULL;
        struct route_model *m = calloc(1, sizeof(*m));
        struct trainer t = {0};
        const char **names = malloc(n * sizeof(*names));
        uint32_t *cps = NULL;
        if (!m || !names)
                goto fail;

        /* The labels, sorted and distinct. */
        size_t nn = 0;
        for (size_t i = 0; i < n; i++)
                if (label_usable(ex[i].label))
                        names[nn++] = ex[i].label;
        if (!nn)
                goto fail;
        qsort(names, nn, sizeof(*names), cmp_label);
        size_t nl = 0;
        for (size_t i = 0; i < nn; i++)
                if (!nl || strcmp(names[nl - 1], names[i]))
                        names[nl++] = names[i];
        if (nl > ROUTE_LABELS_MAX) {
                log_warn("route: %zu labels, more than %d; the rest are not learnt", nl,
                         ROUTE_LABELS_MAX);
                nl = ROUTE_LABELS_MAX;
        }
        m->nlabels = nl;
        m->labels = calloc(nl, sizeof(*m->labels));
        m->docs = calloc(nl, sizeof(*m->docs));
        if (!m->labels || !m->docs)
                goto fail;
        for (size_t i = 0; i < nl; i++)
                memcpy(m->labels[i], names[i], strlen(names[i]) + 1);

        for (size_t i = 0; i < n; i++) {
                int c = label_usable(ex[i].label) ? label_index(m, ex[i].label) : -1;
                if (c < 0)
                        continue;
                size_t ncp = normalise(ex[i].text, &cps);
                if (ncp == (size_t)-1)
                        goto fail;
                t.label = (uint32_t)c;
                int rc = each_gram(cps, ncp, train_gram, &t);
                free(cps);
                cps = NULL;
                if (rc)
                        goto fail;
                t.example++;
                m->docs[c]++;
                m->examples++;
        }
        if (model_from_pairs(m, &t) < 0 || model_finish(m) < 0)
                goto fail;
        table_release(&t.grams);
        free(t.seen);
        free(t.pairs);
        free(names);
        return m;
fail:
        table_release(&t.grams);
        free(t.seen);
        free(t.pairs);
        free(names);
        free(cps);
        route_model_free(m);
        return NULL;
}

/* ---- classifying -------------------------------------------------------------------- */

struct lookup {
        const struct gram_table *grams;
        uint32_t *ids;
        size_t n;
};

static int lookup_gram(const char *s, size_t len, void *ctx)
{
        struct lookup *l = ctx;
        uint32_t id = table_find(l->grams, s, len);
        if (id != NO_ID)
                l->ids[l->n++] = id;
        return 0;
}

static int cmp_u32(const void *a, const void *b)
{
        uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
        return x < y ? -1 : x > y;
}

/* Probabilities of every label for text into prob (m->nlabels). Returns 0 or -1. */
static int posterior(const struct route_model *m, const char *text, double *prob)
{
        uint32_t *cps;
        size_t ncp = normalise(text, &cps);
        if (ncp == (size_t)-1)
                return -1;
        /* A word of w code points has 3w + 1 n-grams, so a text has at most 3 * ncp + 1. */
        struct lookup l = {&m->grams, malloc((3 * ncp + 1) * sizeof(uint32_t)), 0};
        if (!l.ids) {
                free(cps);
                return -1;
        }
        each_gram(cps, ncp, lookup_gram, &l);
        free(cps);
        qsort(l.ids, l.n, sizeof(*l.ids), cmp_u32);
        size_t known = 0;
        for (size_t i = 0; i < l.n; i++)
                if (!known || l.ids[known - 1] != l.ids[i])
                        l.ids[known++] = l.ids[i];

        for (size_t c = 0; c < m->nlabels; c++)
                prob[c] = (double)known * m->norm[c];
        for (size_t i = 0; i < known; i++) {
                uint32_t f = l.ids[i];
                for (size_t j = m->first[f]; j < m->first[f + 1]; j++)
                        prob[m->postings[j].label] += m->postings[j].delta;
        }
        free(l.ids);

        double max = -INFINITY, sum = 0;
        for (size_t c = 0; c < m->nlabels; c++) {
                prob[c] *= ROUTE_SCALE;
                if (prob[c] > max)
                        max = prob[c];
        }
        for (size_t c = 0; c < m->nlabels; c++)
                sum += prob[c] = exp(prob[c] - max);
        for (size_t c = 0; c < m->nlabels; c++)
                prob[c] /= sum;
        return 0;
}

size_t route_classify(const struct route_model *m, const char *text, struct route_guess *out,
                      size_t k)
{
        if (!m || !out || !k)
                return 0;
        if (k > ROUTE_K_MAX)
                k = ROUTE_K_MAX;
        if (k > m->nlabels)
                k = m->nlabels;
        double *prob = malloc(m->nlabels * sizeof(*prob));
        if (!prob || posterior(m, text, prob) < 0) {
                free(prob);
                return 0;
        }
        /* The k best, ties to the label first in order; taken ones are marked below 0. */
        for (size_t i = 0; i < k; i++) {
                size_t best = 0;
                for (size_t c = 1; c < m->nlabels; c++)
                        if (prob[c] > prob[best])
                                best = c;
                memcpy(out[i].label, m->labels[best], sizeof(out[i].label));
                out[i].score = prob[best];
                prob[best] = -1;
        }
        free(prob);
        return k;
}

void route_model_info(const struct route_model *m, struct route_model_info *out)
{
        memset(out, 0, sizeof(*out));
        if (!m)
                return;
        out->examples = m->examples;
        out->labels = m->nlabels;
        out->grams = m->grams.n;
}

void route_evaluate(const struct route_model *m, const struct route_example *ex, size_t n,
                    struct route_accuracy *out)
{
        memset(out, 0, sizeof(*out));
        for (size_t i = 0; i < n; i++) {
                struct route_guess g[3];
                size_t got = route_classify(m, ex[i].text, g, 3);
                out->n++;
                for (size_t j = 0; j < got; j++) {
                        if (ex[i].label && !strcmp(g[j].label, ex[i].label)) {
                                out->top1 += j == 0;
                                out->top3++;
                                break;
                        }
                }
        }
}

/* ---- storage ------------------------------------------------------------------------ */

/*
 * The stored form, one item per line:
 *
 *   pcrm-route 1 cnb-char1-3
 *   examples 1535
 *   labels 16
 *   animal-welfare 95          (label, examples; labels in byte order)
 *   ...
 *   grams 41230
 *   _가 3:2 11:1               (n-gram, then label index:examples; n-grams in byte order)
 *   ...
 *
 * n-grams hold no spaces (spaces separate words), so a space ends one.
 */
static int model_write(const struct route_model *m, struct buf *b)
{
        if (buf_printf(b, "%s\nexamples %zu\nlabels %zu\n", ROUTE_FORMAT, m->examples, m->nlabels) <
            0)
                return -1;
        for (size_t c = 0; c < m->nlabels; c++)
                if (buf_printf(b, "%s %" PRIu32 "\n", m->labels[c], m->docs[c]) < 0)
                        return -1;
        if (buf_printf(b, "grams %zu\n", m->grams.n) < 0)
                return -1;
        for (size_t f = 0; f < m->grams.n; f++) {
                const struct gram *g = &m->grams.grams[f];
                if (buf_append(b, g->s, g->len) < 0)
                        return -1;
                for (size_t i = m->first[f]; i < m->first[f + 1]; i++)
                        if (buf_printf(b, " %" PRIu32 ":%" PRIu32, m->postings[i].label,
                                       m->postings[i].count) < 0)
                                return -1;
                if (buf_putc(b, '\n') < 0)
                        return -1;
        }
        return 0;
}

int route_model_save(struct store_db *db, int64_t tenant_id, const struct route_model *m)
{
        if (!db || !m)
                return -1;
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        int ok = 0;
        if (model_write(m, &b) < 0) {
                log_error("route: out of memory writing the model");
                goto out;
        }
        struct store_stmt *st =
            store_prepare(db, "INSERT INTO routing_models (tenant_id, trained_at, examples, model)"
                              " VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET"
                              " trained_at = excluded.trained_at, examples = excluded.examples,"
                              " model = excluded.model");
        if (!st)
                goto out;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, time_now_ms());
        store_bind_int(st, 3, (int64_t)m->examples);
        store_bind_textn(st, 4, b.data, b.len);
        ok = store_step(st) == STORE_DONE;
        store_done(st);
out:
        if (!ok)
                log_error("route: cannot save the model of tenant %" PRId64 ": %s", tenant_id,
                          store_errmsg(db));
        buf_release(&b);
        return ok ? 0 : -1;
}

/* A cursor over the stored text. */
struct reader {
        const char *p, *end;
};

/* Reads a token up to the next space or line end (not included). */
static bool read_token(struct reader *r, const char **s, size_t *len)
{
        const char *start = r->p;
        while (r->p < r->end && *r->p != ' ' && *r->p != '\n')
                r->p++;
        *s = start;
        *len = (size_t)(r->p - start);
        return *len > 0;
}

static bool read_char(struct reader *r, char c)
{
        if (r->p < r->end && *r->p == c) {
                r->p++;
                return true;
        }
        return false;
}

/* A decimal number of at most 10 digits, no sign, at most max (<= UINT32_MAX). */
static bool read_uint(struct reader *r, uint64_t max, uint64_t *out)
{
        uint64_t v = 0;
        const char *start = r->p;
        while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
                if (r->p - start >= 10)
                        return false;
                v = v * 10 + (uint64_t)(*r->p++ - '0');
                if (v > max)
                        return false;
        }
        *out = v;
        return r->p > start;
}

static bool read_word(struct reader *r, const char *word)
{
        size_t len = strlen(word);
        if ((size_t)(r->end - r->p) < len || memcmp(r->p, word, len))
                return false;
        r->p += len;
        return true;
}

/* Parses the stored form; NULL when it is damaged or memory ran out. */
static struct route_model *model_read(const char *text, size_t len)
{
        struct reader r = {text, text + len};
        struct route_model *m = calloc(1, sizeof(*m));
        uint64_t v, nl, ng;
        if (!m)
                return NULL;
        if (!read_word(&r, ROUTE_FORMAT "\nexamples ") || !read_uint(&r, UINT32_MAX, &v) ||
            !read_word(&r, "\nlabels ") || !read_uint(&r, ROUTE_LABELS_MAX, &nl) || !nl ||
            !read_char(&r, '\n'))
                goto fail;
        m->examples = v;
        m->nlabels = nl;
        m->labels = calloc(nl, sizeof(*m->labels));
        m->docs = calloc(nl, sizeof(*m->docs));
        if (!m->labels || !m->docs)
                goto fail;
        for (size_t c = 0; c < nl; c++) {
                const char *s;
                size_t slen;
                if (!read_token(&r, &s, &slen) || slen >= ROUTE_LABEL_MAX)
                        goto fail;
                memcpy(m->labels[c], s, slen);
                if (!label_usable(m->labels[c]) ||
                    (c && strcmp(m->labels[c - 1], m->labels[c]) >= 0))
                        goto fail;
                if (!read_char(&r, ' ') || !read_uint(&r, UINT32_MAX, &v) || !read_char(&r, '\n'))
                        goto fail;
                m->docs[c] = (uint32_t)v;
        }
        if (!read_word(&r, "grams ") || !read_uint(&r, NO_ID - 1, &ng) || !read_char(&r, '\n'))
                goto fail;
        /* Each n-gram line takes at least 5 bytes ("x 0:1"): refuse counts the text cannot
         * hold before allocating for them. */
        if (ng > (uint64_t)(r.end - r.p) / 5 + 1)
                goto fail;
        m->grams.grams = malloc((ng ? ng : 1) * sizeof(*m->grams.grams));
        m->grams.n = m->grams.cap = ng;
        m->first = calloc(ng + 1, sizeof(*m->first));
        size_t cap = ng + 16;
        m->postings = malloc(cap * sizeof(*m->postings));
        if (!m->grams.grams || !m->first || !m->postings)
                goto fail;
        for (size_t f = 0; f < ng; f++) {
                const char *s;
                size_t slen;
                if (!read_token(&r, &s, &slen) || slen > ROUTE_GRAM_MAX || !utf8_valid(s, slen))
                        goto fail;
                struct gram *g = &m->grams.grams[f];
                memcpy(g->s, s, slen);
                g->len = (uint8_t)slen;
                if (f && gram_cmp(&m->grams.grams[f - 1], g) >= 0)
                        goto fail;
                uint64_t prev = 0;
                bool any = false;
                while (read_char(&r, ' ')) {
                        uint64_t label, count;
                        if (!read_uint(&r, nl - 1, &label) || (any && label <= prev) ||
                            !read_char(&r, ':') || !read_uint(&r, UINT32_MAX, &count) || !count)
                                goto fail;
                        if (m->npostings == cap) {
                                cap *= 2;
                                struct posting *p = realloc(m->postings, cap * sizeof(*p));
                                if (!p)
                                        goto fail;
                                m->postings = p;
                        }
                        m->postings[m->npostings++] =
                            (struct posting){(uint32_t)label, (uint32_t)count, 0};
                        prev = label;
                        any = true;
                }
                if (!any || !read_char(&r, '\n'))
                        goto fail;
                m->first[f + 1] = m->npostings;
        }
        if (r.p != r.end || model_finish(m) < 0)
                goto fail;
        return m;
fail:
        route_model_free(m);
        return NULL;
}

struct route_model *route_model_load(struct store_db *db, int64_t tenant_id)
{
        if (!db)
                return NULL;
        struct store_stmt *st =
            store_prepare(db, "SELECT model FROM routing_models WHERE tenant_id = ?");
        if (!st)
                return NULL;
        store_bind_int(st, 1, tenant_id);
        struct route_model *m = NULL;
        if (store_step(st) == STORE_ROW) {
                const char *text = store_col_text(st, 0);
                if (text)
                        m = model_read(text, store_col_bytes(st, 0));
                if (!m)
                        log_warn("route: the stored model of tenant %" PRId64
                                 " is damaged or memory ran out",
                                 tenant_id);
        }
        store_done(st);
        return m;
}

/* ---- the per-tenant cache ------------------------------------------------------------ */

/* One slot per tenant; the slot holds one reference to its model. cache_lock guards the
 * slots and every shared model's refs. Parsing a model happens outside the lock, so a
 * tenant's retrained model does not hold up the others; two threads that miss at once
 * both parse, and the second keeps the one already installed. */
struct cache_slot {
        int64_t tenant_id, trained_at, examples;
        uint64_t used; /* cache_clock at the last hit, for least-recently-used eviction */
        struct route_model *m;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cache_slot cache[ROUTE_CACHE_TENANTS];
static uint64_t cache_clock;

/* Drops one reference; the last frees. Called with cache_lock held. */
static void unref_locked(struct route_model *m)
{
        if (m && --m->refs == 0)
                route_model_free(m);
}

/* The slot of a model with this identity, or NULL. Called with cache_lock held. */
static struct cache_slot *cache_find(int64_t tenant_id, int64_t trained_at, int64_t examples)
{
        for (size_t i = 0; i < ROUTE_CACHE_TENANTS; i++)
                if (cache[i].m && cache[i].tenant_id == tenant_id &&
                    cache[i].trained_at == trained_at && cache[i].examples == examples)
                        return &cache[i];
        return NULL;
}

const struct route_model *route_model_cached(struct store_db *db, int64_t tenant_id)
{
        if (!db)
                return NULL;
        struct store_stmt *st = store_prepare(
            db, "SELECT trained_at, examples FROM routing_models WHERE tenant_id = ?");
        if (!st)
                return NULL;
        store_bind_int(st, 1, tenant_id);
        int rc = store_step(st);
        int64_t trained_at = rc == STORE_ROW ? store_col_int(st, 0) : 0;
        int64_t examples = rc == STORE_ROW ? store_col_int(st, 1) : 0;
        store_done(st);
        if (rc != STORE_ROW)
                return NULL;

        pthread_mutex_lock(&cache_lock);
        struct cache_slot *s = cache_find(tenant_id, trained_at, examples);
        if (s) {
                s->m->refs++;
                s->used = ++cache_clock;
                pthread_mutex_unlock(&cache_lock);
                return s->m;
        }
        pthread_mutex_unlock(&cache_lock);

        /* A miss: read the model and its identity in one statement, so that they agree
         * even if the model is retrained between the two queries. */
        struct route_model *m = NULL;
        st = store_prepare(
            db, "SELECT trained_at, examples, model FROM routing_models WHERE tenant_id = ?");
        if (!st)
                return NULL;
        store_bind_int(st, 1, tenant_id);
        if (store_step(st) == STORE_ROW) {
                trained_at = store_col_int(st, 0);
                examples = store_col_int(st, 1);
                const char *text = store_col_text(st, 2);
                if (text)
                        m = model_read(text, store_col_bytes(st, 2));
                if (!m)
                        log_warn("route: the stored model of tenant %" PRId64
                                 " is damaged or memory ran out",
                                 tenant_id);
        }
        store_done(st);
        if (!m)
                return NULL;

        pthread_mutex_lock(&cache_lock);
        s = cache_find(tenant_id, trained_at, examples);
        if (s) {
                /* Another thread installed the same model meanwhile: use that one. */
                route_model_free(m);
                m = s->m;
        } else {
                /* Replace the tenant's older model, else take a free or the least
                 * recently used slot. */
                for (size_t i = 0; i < ROUTE_CACHE_TENANTS && !s; i++)
                        if (cache[i].m && cache[i].tenant_id == tenant_id)
                                s = &cache[i];
                for (size_t i = 0; i < ROUTE_CACHE_TENANTS && !s; i++)
                        if (!cache[i].m)
                                s = &cache[i];
                if (!s) {
                        s = &cache[0];
                        for (size_t i = 1; i < ROUTE_CACHE_TENANTS; i++)
                                if (cache[i].used < s->used)
                                        s = &cache[i];
                }
                unref_locked(s->m);
                s->tenant_id = tenant_id;
                s->trained_at = trained_at;
                s->examples = examples;
                s->m = m;
                m->refs = 1; /* the cache's */
        }
        m->refs++; /* the caller's */
        s->used = ++cache_clock;
        pthread_mutex_unlock(&cache_lock);
        return m;
}

void route_model_release(const struct route_model *cm)
{
        if (!cm)
                return;
        /* The models handed out are the cache's own, not const objects. */
        struct route_model *m = (struct route_model *)cm;
        pthread_mutex_lock(&cache_lock);
        unref_locked(m);
        pthread_mutex_unlock(&cache_lock);
}

void route_cache_clear(void)
{
        pthread_mutex_lock(&cache_lock);
        for (size_t i = 0; i < ROUTE_CACHE_TENANTS; i++) {
                unref_locked(cache[i].m);
                memset(&cache[i], 0, sizeof(cache[i]));
        }
        pthread_mutex_unlock(&cache_lock);
}

/* ---- examples ----------------------------------------------------------------------- */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
        if (!err || !errlen)
                return;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
}

struct route_example *route_parse_csv(const char *data, size_t len, size_t *n, char *err,
                                      size_t errlen)
{
        struct csv_reader r;
        struct buf text; /* text NUL label NUL, per example */
        struct route_example *out = NULL;
        size_t count = 0, tcol = SIZE_MAX, lcol = SIZE_MAX;
        *n = 0;
        set_err(err, errlen, "%s", "");
        csv_init(&r, data ? data : "", data ? len : 0);
        buf_init(&text, BUF_NO_LIMIT);
        int rc = csv_next(&r);
        if (rc <= 0) {
                set_err(err, errlen, "%s", rc < 0 ? r.error : "empty file");
                goto out;
        }
        for (size_t i = 0; i < r.nfields; i++) {
                if (!strcmp(csv_field(&r, i), "text"))
                        tcol = i;
                else if (!strcmp(csv_field(&r, i), "label"))
                        lcol = i;
        }
        if (tcol == SIZE_MAX || lcol == SIZE_MAX) {
                set_err(err, errlen, "line 1: the header must name the columns text and label");
                goto out;
        }
        while ((rc = csv_next(&r)) == 1) {
                const char *t = csv_field(&r, tcol), *l = csv_field(&r, lcol);
                if (r.nfields == 1 && !*csv_field(&r, 0))
                        continue; /* a blank line */
                if (!t || !l || !*l) {
                        set_err(err, errlen, "line %zu: no %s", r.line, t ? "label" : "text");
                        goto out;
                }
                if (!label_usable(l)) {
                        set_err(err, errlen, "line %zu: a label is 1-%d bytes without spaces",
                                r.line, ROUTE_LABEL_MAX - 1);
                        goto out;
                }
                if (buf_append(&text, t, strlen(t) + 1) < 0 ||
                    buf_append(&text, l, strlen(l) + 1) < 0) {
                        set_err(err, errlen, "out of memory");
                        goto out;
                }
                count++;
        }
        if (rc < 0) {
                set_err(err, errlen, "line %zu: %s", r.line, r.error);
                goto out;
        }
        size_t head = (count ? count : 1) * sizeof(*out);
        out = malloc(head + text.len + 1);
        if (!out) {
                set_err(err, errlen, "out of memory");
                goto out;
        }
        char *s = (char *)out + head;
        memcpy(s, text.data, text.len + 1);
        for (size_t i = 0; i < count; i++) {
                out[i].text = s;
                s += strlen(s) + 1;
                out[i].label = s;
                s += strlen(s) + 1;
        }
        *n = count;
out:
        csv_release(&r);
        buf_release(&text);
        return out;
}

/* The shipped examples are parsed once and kept for the life of the process, as the
 * embedded file is: the strings handed out stay valid after the array is freed. */
static pthread_once_t shipped_once = PTHREAD_ONCE_INIT;
static struct route_example *shipped;
static size_t shipped_n;

static void shipped_parse(void)
{
        const struct embed_file *f = embed_data_file("routing-examples.csv");
        char err[160];
        if (!f) {
                log_error("route: data/routing-examples.csv is not compiled in");
                return;
        }
        shipped = route_parse_csv(f->data, f->size, &shipped_n, err, sizeof(err));
        if (!shipped)
                log_error("route: data/routing-examples.csv: %s", err);
}

struct route_example *route_shipped_examples(size_t *n)
{
        *n = 0;
        pthread_once(&shipped_once, shipped_parse);
        if (!shipped || !shipped_n)
                return NULL;
        struct route_example *copy = malloc(shipped_n * sizeof(*copy));
        if (!copy)
                return NULL;
        memcpy(copy, shipped, shipped_n * sizeof(*copy));
        *n = shipped_n;
        return copy;
}

int route_assigned_examples(struct store_db *db, int64_t tenant_id, struct route_example **out,
                            size_t *n)
{
        /* Complaints an officer took on (assigned, answered, closed) ended in the department
         * that really handles them: (title + body, that department's code), newest first. */
        *out = NULL;
        *n = 0;
        struct store_stmt *st =
            store_prepare(db, "SELECT c.title, c.body, d.code FROM complaints c"
                              " JOIN departments d ON d.id = c.dept_id"
                              " WHERE c.tenant_id = ? AND c.officer_id IS NOT NULL"
                              " ORDER BY c.id DESC LIMIT 20000");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        struct buf text;
        buf_init(&text, 256 * 1024 * 1024);
        size_t count = 0;
        int rc, bad = 0;
        while ((rc = store_step(st)) == STORE_ROW) {
                const char *title = store_col_text(st, 0), *body = store_col_text(st, 1),
                           *label = store_col_text(st, 2);
                if (!title || !body || !label || strlen(label) >= ROUTE_LABEL_MAX)
                        continue;
                /* "title\nbody\0label\0" per example */
                bad |= buf_printf(&text, "%s\n%s", title, body) | buf_putc(&text, '\0') |
                       buf_puts(&text, label) | buf_putc(&text, '\0');
                count++;
        }
        store_done(st);
        if (rc != STORE_DONE || bad) {
                buf_release(&text);
                return -1;
        }
        if (!count) {
                buf_release(&text);
                return 0;
        }
        /* One block: the array, then the strings, so one free() releases both. */
        struct route_example *ex = malloc(count * sizeof(*ex) + text.len);
        if (!ex) {
                buf_release(&text);
                return -1;
        }
        char *strings = (char *)(ex + count);
        memcpy(strings, text.data, text.len);
        buf_release(&text);
        for (size_t i = 0; i < count; i++) {
                ex[i].text = strings;
                strings += strlen(strings) + 1;
                ex[i].label = strings;
                strings += strlen(strings) + 1;
        }
        *out = ex;
        *n = count;
        return 0;
}
