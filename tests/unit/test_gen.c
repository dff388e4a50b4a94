/*
 * The synthetic-resident generator: determinism, valid truth (RRNs, households, unique
 * contacts), the files it writes, and the noise of the records: how often each field is
 * present and distorted, and that every distortion meant to be fixable is undone by the
 * cleansers of customer/cleanse.h while every one meant to be wrong is not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/csv.h"
#include "base/time.h"
#include "customer/cleanse.h"
#include "customer/gen.h"
#include "customer/ident.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SMALL  3000
#define MEDIUM 5000
#define LARGE  20000

static const char *const header =
    "source_id,name,rrn,address,phone,mobile,email,birth_date,channel\n";

static struct gen_world *make(uint64_t seed, size_t people)
{
        struct gen_world *w = NULL;
        struct pcrm_error e;
        int rc = gen_world_create(seed, people, &w, &e);
        if (rc != PCRM_OK)
                fprintf(stderr, "gen_world_create: %s\n", e.message);
        assert_int_equal(rc, PCRM_OK);
        assert_non_null(w);
        assert_int_equal(w->npeople, people);
        return w;
}

/* The two files in memory; the caller frees both. */
static void write_mem(const struct gen_world *w, char **rec, size_t *reclen, char **tru,
                      size_t *trulen)
{
        FILE *r = open_memstream(rec, reclen), *t = open_memstream(tru, trulen);
        assert_non_null(r);
        assert_non_null(t);
        assert_int_equal(gen_world_write(w, r, t), 0);
        assert_int_equal(fclose(r), 0);
        assert_int_equal(fclose(t), 0);
}

/* The check digit by the rule of the issue, written apart from ident.c on purpose. */
static int ref_check(const char *d12)
{
        const int wt[] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
        int sum = 0;
        for (int i = 0; i < 12; i++)
                sum += (d12[i] - '0') * wt[i];
        return (11 - sum % 11) % 10;
}

/* Whether rrn ("YYMMDD-GNNNNNN") is valid for a person born on date ("YYYY-MM-DD") of sex. */
static int ref_rrn_ok(const char *rrn, const char *date, char sex)
{
        char d[13];
        if (strlen(rrn) != 14 || rrn[6] != '-')
                return 0;
        for (int i = 0; i < 14; i++)
                if (i != 6 && (rrn[i] < '0' || rrn[i] > '9'))
                        return 0;
        memcpy(d, rrn, 6);
        memcpy(d + 6, rrn + 7, 7);
        int year =
            (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
        int month = (date[5] - '0') * 10 + (date[6] - '0');
        if (memcmp(d, date + 2, 2) || memcmp(d + 2, date + 5, 2) || memcmp(d + 4, date + 8, 2))
                return 0;
        int g = d[6] - '0';
        int want_g = (year >= 2000 ? 3 : 1) + (sex == 'F');
        if (g != want_g)
                return 0;
        if (year > 2020 || (year == 2020 && month >= 10))
                return 1; /* no check digit from 2020-10-01 */
        return ref_check(d) == d[12] - '0';
}

static int age_of(const struct gen_person *p)
{
        int year = 0;
        for (int i = 0; i < 4; i++)
                year = year * 10 + (p->birth_date[i] - '0');
        return 2024 - year;
}

static int cmp_strp(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The digits of s, in order. */
static void digits_of(const char *s, char *out, size_t outlen)
{
        size_t n = 0;
        for (; *s && n + 1 < outlen; s++)
                if (*s >= '0' && *s <= '9')
                        out[n++] = *s;
        out[n] = '\0';
}

static void test_same_seed_same_bytes(void **state)
{
        (void)state;
        struct gen_world *a = make(7, SMALL), *b = make(7, SMALL), *c = make(8, SMALL);
        char *ra, *ta, *rb, *tb, *rc, *tc;
        size_t rla, tla, rlb, tlb, rlc, tlc;
        write_mem(a, &ra, &rla, &ta, &tla);
        write_mem(b, &rb, &rlb, &tb, &tlb);
        write_mem(c, &rc, &rlc, &tc, &tlc);
        assert_int_equal(rla, rlb);
        assert_memory_equal(ra, rb, rla);
        assert_int_equal(tla, tlb);
        assert_memory_equal(ta, tb, tla);
        assert_true(rla != rlc || memcmp(ra, rc, rla) != 0);
        assert_true(tla != tlc || memcmp(ta, tc, tla) != 0);
        free(ra), free(ta), free(rb), free(tb), free(rc), free(tc);
        gen_world_free(a);
        gen_world_free(b);
        gen_world_free(c);
}

static char *slurp(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        char *buf = NULL;
        size_t cap = 0, n = 0;
        for (;;) {
                if (n + 4096 > cap) {
                        cap = cap ? 2 * cap : 65536;
                        buf = realloc(buf, cap);
                        assert_non_null(buf);
                }
                size_t got = fread(buf + n, 1, cap - n, f);
                n += got;
                if (got == 0)
                        break;
        }
        fclose(f);
        *len = n;
        return buf;
}

static void test_files_are_written_whole_and_alone(void **state)
{
        (void)state;
        char dir[] = "/tmp/pcrm-test-gen-XXXXXX";
        assert_non_null(mkdtemp(dir));
        char rec[256], tru[256];
        snprintf(rec, sizeof(rec), "%s/residents.csv", dir);
        snprintf(tru, sizeof(tru), "%s/residents.truth.csv", dir);
        struct gen_world *w = make(11, 500);
        struct pcrm_error e;
        /* Written twice: the second run replaces the first, and leaves nothing beside. */
        assert_int_equal(gen_world_write_files(w, rec, tru, &e), PCRM_OK);
        assert_int_equal(gen_world_write_files(w, rec, tru, &e), PCRM_OK);
        char *mr, *mt;
        size_t mrl, mtl, frl, ftl;
        write_mem(w, &mr, &mrl, &mt, &mtl);
        char *fr = slurp(rec, &frl), *ft = slurp(tru, &ftl);
        assert_int_equal(frl, mrl);
        assert_memory_equal(fr, mr, mrl);
        assert_int_equal(ftl, mtl);
        assert_memory_equal(ft, mt, mtl);
        free(fr), free(ft), free(mr), free(mt);

        /* A folder that does not exist: an error, and no file appears. */
        char bad[300];
        snprintf(bad, sizeof(bad), "%s/missing/residents.csv", dir);
        assert_int_equal(gen_world_write_files(w, bad, tru, &e), PCRM_EINTERNAL);
        assert_int_not_equal(access(bad, F_OK), 0);

        DIR *d = opendir(dir);
        assert_non_null(d);
        int files = 0;
        for (struct dirent *de; (de = readdir(d));)
                files += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
        closedir(d);
        assert_int_equal(files, 2); /* the two files, no temporaries */
        unlink(rec);
        unlink(tru);
        rmdir(dir);
        gen_world_free(w);
}

static int cmp_rrn(const void *a, const void *b)
{
        return strcmp(a, b);
}

static void test_every_rrn_is_valid_and_unique(void **state)
{
        (void)state;
        struct gen_world *w = make(3, LARGE);
        size_t late = 0;
        for (size_t i = 0; i < w->npeople; i++) {
                const struct gen_person *p = &w->people[i];
                if (!ref_rrn_ok(p->rrn, p->birth_date, p->sex))
                        fail_msg("person %zu: rrn %s does not fit %s %c", i, p->rrn, p->birth_date,
                                 p->sex);
                char out[RRN_SIZE];
                assert_int_equal(cleanse_rrn(p->rrn, out, sizeof(out)), CLEANSE_VALID);
                late += strcmp(p->birth_date, "2020-10-01") >= 0;
                assert_true(strcmp(p->birth_date, "1930-01-01") >= 0);
                assert_true(strcmp(p->birth_date, "2024-12-31") <= 0);
        }
        assert_true(late > 0); /* births without a check digit are exercised too */
        /* Unique: sort copies and compare neighbours. */
        char(*r)[RRN_SIZE] = malloc(w->npeople * RRN_SIZE);
        assert_non_null(r);
        for (size_t i = 0; i < w->npeople; i++)
                memcpy(r[i], w->people[i].rrn, RRN_SIZE);
        qsort(r, w->npeople, RRN_SIZE, cmp_rrn);
        for (size_t i = 1; i < w->npeople; i++)
                assert_string_not_equal(r[i - 1], r[i]);
        free(r);
        gen_world_free(w);
}

/* Reads the truth file: a row per record, in the records' order, covering every person. */
static void test_truth_has_a_row_per_record(void **state)
{
        (void)state;
        struct gen_world *w = make(5, MEDIUM);
        char *rec, *tru;
        size_t rl, tl;
        write_mem(w, &rec, &rl, &tru, &tl);
        struct csv_reader r;
        csv_init(&r, tru, tl);
        assert_int_equal(csv_next(&r), 1);
        assert_string_equal(csv_field(&r, 0), "source_id");
        assert_string_equal(csv_field(&r, 1), "person_id");
        unsigned char *seen = calloc(w->npeople, 1);
        assert_non_null(seen);
        size_t rows = 0;
        while (csv_next(&r) == 1) {
                char want[GEN_ID_SIZE];
                assert_int_equal(r.nfields, 2);
                gen_source_id(rows, want, sizeof(want));
                assert_string_equal(csv_field(&r, 0), want);
                const char *pid = csv_field(&r, 1);
                assert_int_equal(pid[0], 'P');
                long n = strtol(pid + 1, NULL, 10);
                assert_true(n >= 1 && (size_t)n <= w->npeople);
                assert_int_equal((size_t)n - 1, w->records[rows].person);
                seen[n - 1] = 1;
                rows++;
        }
        assert_int_equal(rows, w->nrecords);
        for (size_t i = 0; i < w->npeople; i++)
                assert_true(seen[i]);
        csv_release(&r);
        free(seen);
        free(rec);
        free(tru);
        gen_world_free(w);
}

static void test_record_count_is_in_band(void **state)
{
        (void)state;
        struct gen_world *w = make(9, MEDIUM);
        unsigned char *n = calloc(w->npeople, 1);
        assert_non_null(n);
        for (size_t i = 0; i < w->nrecords; i++)
                n[w->records[i].person]++;
        size_t one = 0;
        for (size_t i = 0; i < w->npeople; i++) {
                assert_true(n[i] >= 1 && n[i] <= 4);
                one += n[i] == 1;
        }
        double mean = (double)w->nrecords / (double)w->npeople;
        double share = (double)one / (double)w->npeople;
        if (mean < 1.7 || mean > 1.9 || share < 0.36 || share > 0.44)
                fail_msg("records per person %.3f, one-record share %.3f", mean, share);
        free(n);
        gen_world_free(w);
}

static int cmp_names(const void *a, const void *b)
{
        return strcmp(((const struct gen_person *)a)->name, ((const struct gen_person *)b)->name);
}

static void test_namesakes_occur(void **state)
{
        (void)state;
        struct gen_world *w = make(13, MEDIUM);
        struct gen_person *p = malloc(w->npeople * sizeof(*p));
        assert_non_null(p);
        memcpy(p, w->people, w->npeople * sizeof(*p));
        qsort(p, w->npeople, sizeof(*p), cmp_names);
        size_t namesakes = 0, distinct = 1;
        for (size_t i = 1; i < w->npeople; i++) {
                if (!strcmp(p[i].name, p[i - 1].name)) {
                        /* Different people: different RRNs. */
                        assert_string_not_equal(p[i].rrn, p[i - 1].rrn);
                        namesakes++;
                } else {
                        distinct++;
                }
        }
        assert_true(namesakes >= 100);
        assert_true(distinct >= 1000); /* but names are not all alike */
        free(p);
        gen_world_free(w);
}

static const char *const channel_names[] = {"방문", "인터넷", "전화", "우편", "모바일"};

static void test_csv_parses_back(void **state)
{
        (void)state;
        struct gen_world *w = make(17, SMALL);
        char *rec, *tru;
        size_t rl, tl;
        write_mem(w, &rec, &rl, &tru, &tl);
        assert_true(rl > strlen(header));
        assert_memory_equal(rec, header, strlen(header));
        struct csv_reader r;
        csv_init(&r, rec, rl);
        assert_int_equal(csv_next(&r), 1);
        assert_int_equal(r.nfields, 9);
        size_t rows = 0, quoted = 0;
        struct gen_fields f;
        int got;
        while ((got = csv_next(&r)) == 1) {
                assert_int_equal(r.nfields, 9);
                gen_record_fields(w, rows, &f);
                const char *want[] = {f.source_id, f.name,  f.rrn,        f.address, f.phone,
                                      f.mobile,    f.email, f.birth_date, f.channel};
                for (size_t c = 0; c < 9; c++)
                        assert_string_equal(csv_field(&r, c), want[c]);
                quoted += strchr(f.address, ',') != NULL;
                int known = 0;
                for (size_t c = 0; c < 5; c++)
                        known |= !strcmp(f.channel, channel_names[c]);
                assert_true(known);
                rows++;
        }
        assert_int_equal(got, 0);
        assert_int_equal(rows, w->nrecords);
        assert_true(quoted > 0); /* addresses with a detail part were quoted and read back */
        csv_release(&r);
        free(rec);
        free(tru);
        gen_world_free(w);
}

static void test_households_share_addresses(void **state)
{
        (void)state;
        struct gen_world *w = make(19, MEDIUM);
        size_t sizes[6] = {0}, people = 0;
        for (size_t h = 0; h < w->nhouseholds; h++) {
                const struct gen_household *hh = &w->households[h];
                assert_true(hh->count >= 1 && hh->count <= 5);
                sizes[hh->count]++;
                people += hh->count;
                char out[CLEANSE_ADDRESS_SIZE];
                if (cleanse_address(hh->address, out, sizeof(out)) != CLEANSE_VALID)
                        fail_msg("household address not canonical: %s", hh->address);
                for (uint32_t i = hh->first; i < hh->first + hh->count; i++) {
                        const struct gen_person *p = &w->people[i];
                        assert_int_equal(p->household, h);
                        for (uint32_t j = hh->first; j < i; j++) {
                                const struct gen_person *q = &w->people[j];
                                assert_string_not_equal(p->birth_date, q->birth_date);
                                assert_string_not_equal(p->name + p->surname_len,
                                                        q->name + q->surname_len);
                        }
                }
        }
        assert_int_equal(people, w->npeople);
        double n = (double)w->nhouseholds;
        if (sizes[1] / n < 0.28 || sizes[1] / n > 0.42 || sizes[2] / n < 0.22 ||
            sizes[2] / n > 0.36 || sizes[5] == 0 || sizes[5] / n > 0.08)
                fail_msg("household sizes 1:%zu 2:%zu 3:%zu 4:%zu 5:%zu", sizes[1], sizes[2],
                         sizes[3], sizes[4], sizes[5]);

        /* Records of different members of a household, written canonically, carry one
         * address string. */
        const char **canon = calloc(w->nhouseholds, sizeof(*canon));
        struct gen_fields *f = malloc(sizeof(*f) * w->nrecords);
        assert_non_null(canon);
        assert_non_null(f);
        size_t shared = 0;
        for (size_t i = 0; i < w->nrecords; i++) {
                gen_record_fields(w, i, &f[i]);
                uint32_t person = w->records[i].person;
                uint32_t h = w->people[person].household;
                if (f[i].address_noise != GEN_CANONICAL)
                        continue;
                assert_string_equal(f[i].address, w->households[h].address);
                if (canon[h] && w->households[h].count > 1)
                        shared++;
                canon[h] = f[i].address;
        }
        assert_true(shared > 0);

        /* No two households live at one address. */
        const char **sorted = malloc(w->nhouseholds * sizeof(*sorted));
        assert_non_null(sorted);
        for (size_t h = 0; h < w->nhouseholds; h++)
                sorted[h] = w->households[h].address;
        qsort(sorted, w->nhouseholds, sizeof(*sorted), cmp_strp);
        for (size_t h = 1; h < w->nhouseholds; h++)
                assert_string_not_equal(sorted[h - 1], sorted[h]);
        free(sorted);
        free(canon);
        free(f);
        gen_world_free(w);
}

/* Families: children carry the father's surname; a wife keeps her own. */
static void test_family_structure(void **state)
{
        (void)state;
        struct gen_world *w = make(23, MEDIUM);
        size_t children = 0, young = 0, young_with_mobile = 0;
        for (size_t h = 0; h < w->nhouseholds; h++) {
                const struct gen_household *hh = &w->households[h];
                const struct gen_person *head = &w->people[hh->first];
                for (uint32_t i = hh->first; i < hh->first + hh->count; i++) {
                        const struct gen_person *p = &w->people[i];
                        if (p->role == GEN_ROLE_CHILD) {
                                children++;
                                assert_true(age_of(p) < age_of(head));
                                if (head->sex == 'M')
                                        assert_int_equal(
                                            memcmp(p->name, head->name, head->surname_len), 0);
                        }
                        if (age_of(p) < 12) {
                                young++;
                                young_with_mobile += p->mobile[0] != '\0';
                        }
                }
        }
        assert_true(children > 0);
        assert_true(young > 0);
        assert_int_equal(young_with_mobile, 0);
        gen_world_free(w);
}

/* Contacts: mobiles for most adults, unique per person; e-mail for about 30 %. */
static void test_contacts(void **state)
{
        (void)state;
        struct gen_world *w = make(29, LARGE);
        size_t adults = 0, adult_mobiles = 0, emails = 0, kim = 0, lee = 0, phones = 0;
        const char **mob = malloc(w->npeople * sizeof(*mob));
        assert_non_null(mob);
        size_t nmob = 0;
        for (size_t i = 0; i < w->npeople; i++) {
                const struct gen_person *p = &w->people[i];
                char out[CLEANSE_EMAIL_SIZE];
                if (age_of(p) >= 20) {
                        adults++;
                        adult_mobiles += p->mobile[0] != '\0';
                }
                if (p->mobile[0]) {
                        assert_int_equal(cleanse_mobile(p->mobile, out, sizeof(out)),
                                         CLEANSE_VALID);
                        mob[nmob++] = p->mobile;
                }
                if (p->email[0]) {
                        emails++;
                        assert_int_equal(cleanse_email(p->email, out, sizeof(out)), CLEANSE_VALID);
                }
                kim += !strncmp(p->name, "김", strlen("김"));
                lee += !strncmp(p->name, "이", strlen("이"));
        }
        for (size_t h = 0; h < w->nhouseholds; h++) {
                char out[CLEANSE_PHONE_SIZE];
                if (!w->households[h].phone[0])
                        continue;
                phones++;
                assert_int_equal(cleanse_phone(w->households[h].phone, out, sizeof(out)),
                                 CLEANSE_VALID);
                assert_int_equal(strncmp(w->households[h].phone, "051-", 4), 0);
        }
        double np = (double)w->npeople;
        double mobile_share = (double)adult_mobiles / (double)adults;
        if (mobile_share < 0.80 || mobile_share > 0.90 || emails / np < 0.25 ||
            emails / np > 0.35 || kim / np < 0.19 || kim / np > 0.24 || lee / np < 0.13 ||
            lee / np > 0.17 || phones == 0)
                fail_msg("adult mobiles %.3f, e-mail %.3f, 김 %.3f, 이 %.3f, landlines %zu",
                         mobile_share, emails / np, kim / np, lee / np, phones);
        qsort(mob, nmob, sizeof(*mob), cmp_strp);
        for (size_t i = 1; i < nmob; i++)
                assert_string_not_equal(mob[i - 1], mob[i]);
        free(mob);
        gen_world_free(w);
}

/* Checks one field against its truth by its noise mark. canon is the cleanser. */
typedef enum cleanse_status (*cleanser)(const char *, char *, size_t);

static void check_field(const char *what, const char *value, enum gen_noise noise,
                        const char *truth, cleanser canon)
{
        char out[CLEANSE_ADDRESS_SIZE];
        enum cleanse_status s = canon(value, out, sizeof(out));
        switch (noise) {
        case GEN_ABSENT:
                assert_string_equal(value, "");
                break;
        case GEN_CANONICAL:
                if (strcmp(value, truth) || s != CLEANSE_VALID)
                        fail_msg("%s '%s' should be the canonical '%s'", what, value, truth);
                break;
        case GEN_FIXABLE:
                if (s != CLEANSE_CLEANSED || strcmp(out, truth))
                        fail_msg("%s '%s' should cleanse to '%s' (got %d '%s')", what, value, truth,
                                 (int)s, out);
                break;
        case GEN_WRONG:
                if ((s == CLEANSE_VALID || s == CLEANSE_CLEANSED) && !strcmp(out, truth))
                        fail_msg("%s '%s' should not cleanse to the truth", what, value);
                break;
        }
}

static enum cleanse_status rrn_cleanser(const char *in, char *out, size_t outlen)
{
        return cleanse_rrn(in, out, outlen);
}

struct rate {
        size_t n, present, canonical, fixable, wrong;
};

static void count(struct rate *r, enum gen_noise noise)
{
        r->n++;
        r->present += noise != GEN_ABSENT;
        r->canonical += noise == GEN_CANONICAL;
        r->fixable += noise == GEN_FIXABLE;
        r->wrong += noise == GEN_WRONG;
}

/* pct of part in whole, checked to be within tol of want. */
static void near(const char *what, size_t part, size_t whole, double want, double tol)
{
        double got = 100.0 * (double)part / (double)whole;
        if (got < want - tol || got > want + tol)
                fail_msg("%s: %.2f %% (want %.1f +- %.1f)", what, got, want, tol);
}

static void test_noise_is_as_specified_and_recoverable(void **state)
{
        (void)state;
        struct gen_world *w = make(31, LARGE);
        struct rate name = {0}, rrn = {0}, addr = {0}, phone = {0}, mobile = {0}, email = {0},
                    birth = {0};
        size_t rrn_digits = 0;
        struct gen_fields f;
        for (size_t i = 0; i < w->nrecords; i++) {
                gen_record_fields(w, i, &f);
                const struct gen_person *p = &w->people[w->records[i].person];
                const struct gen_household *h = &w->households[p->household];

                count(&name, f.name_noise);
                assert_int_not_equal(f.name_noise, GEN_ABSENT);
                if (f.name_noise == GEN_CANONICAL)
                        assert_string_equal(f.name, p->name);
                if (f.name_noise == GEN_FIXABLE) {
                        char joined[GEN_NAME_SIZE + 8];
                        size_t n = 0;
                        for (const char *c = f.name; *c; c++)
                                if (*c != ' ')
                                        joined[n++] = *c;
                        joined[n] = '\0';
                        assert_string_equal(joined, p->name);
                        assert_non_null(strchr(f.name, ' '));
                }
                if (f.name_noise == GEN_WRONG) {
                        assert_string_not_equal(f.name, p->name);
                        assert_int_equal(strlen(f.name), strlen(p->name));
                        /* The surname is left alone. */
                        assert_int_equal(memcmp(f.name, p->name, p->surname_len), 0);
                }

                count(&rrn, f.rrn_noise);
                check_field("rrn", f.rrn, f.rrn_noise, p->rrn, rrn_cleanser);
                rrn_digits += f.rrn_noise == GEN_FIXABLE && strlen(f.rrn) == 13;

                count(&addr, f.address_noise);
                check_field("address", f.address, f.address_noise, h->address, cleanse_address);
                if (f.address_noise == GEN_WRONG) {
                        char out[CLEANSE_ADDRESS_SIZE];
                        assert_int_equal(cleanse_address(f.address, out, sizeof(out)),
                                         CLEANSE_INVALID);
                }

                if (h->phone[0]) {
                        count(&phone, f.phone_noise);
                        check_field("phone", f.phone, f.phone_noise, h->phone, cleanse_phone);
                } else {
                        assert_string_equal(f.phone, "");
                }
                if (p->mobile[0]) {
                        count(&mobile, f.mobile_noise);
                        check_field("mobile", f.mobile, f.mobile_noise, p->mobile, cleanse_mobile);
                } else {
                        assert_string_equal(f.mobile, "");
                }
                if (p->email[0]) {
                        count(&email, f.email_noise);
                        check_field("email", f.email, f.email_noise, p->email, cleanse_email);
                } else {
                        assert_string_equal(f.email, "");
                }

                count(&birth, f.birth_noise);
                if (f.birth_noise != GEN_ABSENT) {
                        char a[16], b[16];
                        digits_of(f.birth_date, a, sizeof(a));
                        digits_of(p->birth_date, b, sizeof(b));
                        assert_string_equal(a, b);
                        assert_int_equal(f.birth_noise == GEN_CANONICAL,
                                         !strcmp(f.birth_date, p->birth_date));
                }
        }
        /* The rates of the issue; tolerances are a few standard errors at this size. */
        near("name exact", name.canonical, name.n, 96, 0.6);
        near("name spaced", name.fixable, name.n, 2, 0.4);
        near("name similar", name.wrong, name.n, 2, 0.4);
        near("rrn present", rrn.present, rrn.n, 88, 0.8);
        near("rrn canonical", rrn.canonical, rrn.present, 60, 1.2);
        near("rrn without hyphen", rrn_digits, rrn.present, 30, 1.2);
        near("rrn typo", rrn.wrong, rrn.present, 2, 0.4);
        near("address present", addr.present, addr.n, 90, 0.8);
        near("address canonical", addr.canonical, addr.present, 55, 1.2);
        near("address unfixable", addr.wrong, addr.present, 3, 0.5);
        near("mobile present", mobile.present, mobile.n, 70, 1.2);
        near("mobile canonical", mobile.canonical, mobile.present, 50, 1.5);
        near("email present", email.present, email.n, 60, 2);
        near("email upper-cased", email.fixable, email.present, 15, 2);
        near("birth date present", birth.present, birth.n, 50, 1);
        near("phone present", phone.present, phone.n, 20, 2.5);
        gen_world_free(w);
}

static void test_bad_people_count(void **state)
{
        (void)state;
        struct gen_world *w = (struct gen_world *)1;
        struct pcrm_error e;
        assert_int_equal(gen_world_create(1, 0, &w, &e), PCRM_EINVALID);
        assert_null(w);
        assert_int_equal(gen_world_create(1, GEN_PEOPLE_MAX + 1, &w, NULL), PCRM_EINVALID);
        gen_world_free(NULL);
        /* One person still makes a household and a record. */
        w = make(1, 1);
        assert_int_equal(w->nhouseholds, 1);
        assert_true(w->nrecords >= 1);
        gen_world_free(w);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_same_seed_same_bytes),
            cmocka_unit_test(test_files_are_written_whole_and_alone),
            cmocka_unit_test(test_every_rrn_is_valid_and_unique),
            cmocka_unit_test(test_truth_has_a_row_per_record),
            cmocka_unit_test(test_record_count_is_in_band),
            cmocka_unit_test(test_namesakes_occur),
            cmocka_unit_test(test_csv_parses_back),
            cmocka_unit_test(test_households_share_addresses),
            cmocka_unit_test(test_family_structure),
            cmocka_unit_test(test_contacts),
            cmocka_unit_test(test_noise_is_as_specified_and_recoverable),
            cmocka_unit_test(test_bad_people_count),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
