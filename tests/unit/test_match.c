/*
 * Unit tests for customer/match: Korean-aware name similarity, the weighted score with
 * its vetoes, the per-tenant weights (match_set_weight, match_load_weights) and the
 * blocking keys (match_candidates).
 *
 * Scores are checked against the default weights of match.c and against the thresholds:
 * LINK (>= upper: linked automatically), REVIEW (lower <= score < upper), NEW (< lower) or
 * VETO (never the same person). The RRNs are made up, with valid check digits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testlib.h"

#include "auth/actor.h"
#include "auth/audit.h"
#include "auth/secret.h"
#include "auth/tenant.h"
#include "base/log.h"
#include "customer/customer.h"
#include "customer/match.h"
#include "store/db.h"
#include "store/migrate.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 INT64_C(1790125200000) /* 2026-09-23T10:00:00+09:00 */

#define RRN_MINJUN  "900101-1234568" /* 1990-01-01, male */
#define RRN_SEOYEON "850315-2014826" /* 1985-03-15, female */
#define RRN_OTHER   "900101-1000006" /* 1990-01-01, male: another man born the same day */

#define ADDR_1001 "부산광역시 해운대구 해운대로 123, 101동 1001호"
#define ADDR_1002 "부산광역시 해운대구 해운대로 123, 101동 1002호"

struct fx {
        struct store_db *db;
        struct tenant a, b;
        struct actor staff_a, staff_b;
};

/* ---- helpers ---------------------------------------------------------------------- */

/*
 * A candidate as the database holds it: the record cleansed and copied into a struct
 * customer the way customer_load fills one. keep_rrn false drops the RRN but keeps the
 * birth date and sex it gave (a customer whose number was corrected away).
 */
static void candidate_of(const struct customer_input *in, bool keep_rrn, struct customer *out)
{
        struct customer_clean c;
        customer_cleanse(in, &c);
        memset(out, 0, sizeof(*out));
        out->id = 1;
        snprintf(out->kind, sizeof(out->kind), "%s", c.kind);
        snprintf(out->name, sizeof(out->name), "%s", c.name);
        snprintf(out->name_key, sizeof(out->name_key), "%s", c.name_key);
        snprintf(out->birth_date, sizeof(out->birth_date), "%s", c.birth_date);
        out->sex[0] = c.sex;
        if (keep_rrn && c.rrn[0]) {
                out->has_rrn = true;
                snprintf(out->rrn_index, sizeof(out->rrn_index), "%s", c.rrn_index);
                snprintf(out->rrn_masked, sizeof(out->rrn_masked), "%s", c.rrn_masked);
        }
        snprintf(out->phone, sizeof(out->phone), "%s", c.phone);
        snprintf(out->mobile, sizeof(out->mobile), "%s", c.mobile);
        snprintf(out->email, sizeof(out->email), "%s", c.email);
        snprintf(out->address, sizeof(out->address), "%s", c.addr.canonical);
        snprintf(out->address_base, sizeof(out->address_base), "%s", c.address_base);
        snprintf(out->household_key, sizeof(out->household_key), "%s", c.household_key);
}

static int64_t add_customer(struct fx *f, int64_t tenant_id, const struct customer_input *in)
{
        struct customer_clean c;
        int64_t id = 0;
        customer_cleanse(in, &c);
        if (customer_insert(f->db, tenant_id, &c, &id) != 0)
                fail_msg("customer_insert: %s", store_errmsg(f->db));
        return id;
}

/* ---- fixtures --------------------------------------------------------------------- */

static int group_setup(void **state)
{
        (void)state;
        return tl_group_setup("match");
}

static int setup(void **state)
{
        struct fx *f = calloc(1, sizeof(*f));
        if (!f)
                return -1;
        *state = f;
        set_now(T0);
        if (tl_open_db("match", &f->db) < 0 || tl_add_tenants(f->db, &f->a, &f->b) != PCRM_OK)
                return -1;
        f->staff_a = tl_staff(&f->a, 11, "kim.minwon", ROLE_CS_MANAGER);
        f->staff_b = tl_staff(&f->b, 21, "park.minwon", ROLE_CS_MANAGER);
        return 0;
}

/* ---- names ------------------------------------------------------------------------ */

static const struct {
        const char *a, *b;
        bool similar;
} name_cases[] = {
    {"김민준", "김민준", true},     /* equal */
    {"김민준", "김민중", true},     /* one syllable off: a typo */
    {"김민준", "김서준", true},     /* the middle syllable off */
    {"남궁민수", "남궁민서", true}, /* four syllables, one off */
    {"김민준", "이민준", false},    /* a different surname is a different family */
    {"김민준", "박민중", false},    /* surname and one more */
    {"김민준", "김민", false},      /* different length */
    {"김민", "김민준", false},
    {"김민준", "김민준호", false},
    {"김민준", "김서연", false}, /* two syllables off */
    {"김민준", "김준민", false}, /* swapped: two positions differ */
    {"", "김민준", false},       /* empty */
    {"김민준", "", false},
    {"", "", false},
    {"김", "이", false}, /* one syllable: nothing but a surname */
};

static void test_name_similar(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
                bool got = match_name_similar(name_cases[i].a, name_cases[i].b);
                if (got != name_cases[i].similar)
                        fail_msg("match_name_similar(\"%s\", \"%s\") = %d, want %d",
                                 name_cases[i].a, name_cases[i].b, got, name_cases[i].similar);
                /* Similarity is symmetric. */
                assert_int_equal(match_name_similar(name_cases[i].b, name_cases[i].a), got);
        }
}

/* ---- scores ----------------------------------------------------------------------- */

enum verdict { NEW, REVIEW, LINK, VETO };
static const char *const verdict_names[] = {"new", "review", "link", "veto"};

/* The evidence a score is made of; the expected score is the sum of those weights. */
enum evidence {
        E_NAME = 1 << 0,
        E_NAME_SIMILAR = 1 << 1,
        E_MOBILE = 1 << 2,
        E_PHONE = 1 << 3,
        E_EMAIL = 1 << 4,
        E_BIRTH = 1 << 5,
        E_ADDRESS = 1 << 6,
        E_HOUSEHOLD = 1 << 7,
        E_SAME_RRN = 1 << 8, /* score not checked: the same person whatever the sum */
};

static double sum_of(const struct match_weights *w, unsigned ev)
{
        const struct {
                unsigned bit;
                double weight;
        } parts[] = {
            {E_NAME, w->name_exact}, {E_NAME_SIMILAR, w->name_similar},
            {E_MOBILE, w->mobile},   {E_PHONE, w->phone},
            {E_EMAIL, w->email},     {E_BIRTH, w->birth},
            {E_ADDRESS, w->address}, {E_HOUSEHOLD, w->household},
        };
        double s = 0;
        for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
                if (ev & parts[i].bit)
                        s += parts[i].weight;
        return s;
}

static const struct {
        const char *what;
        struct customer_input rec, cand;
        bool cand_keeps_rrn;
        enum verdict verdict; /* with the default weights */
        unsigned ev;
        const char *reasons; /* exact */
} score_cases[] = {
    /* Vetoes: never the same person, however much else agrees. */
    {"different valid RRNs",
     {.name = "김민준", .rrn = RRN_MINJUN, .mobile = "010-1234-5678", .address = ADDR_1001},
     {.name = "김민준", .rrn = RRN_OTHER, .mobile = "010-1234-5678", .address = ADDR_1001},
     true,
     VETO,
     0,
     "veto:rrn"},
    {"different sex",
     {.name = "김민준", .rrn = RRN_MINJUN, .mobile = "010-1234-5678"},
     {.name = "김민준", .rrn = "900101-2000009", .mobile = "010-1234-5678"},
     false,
     VETO,
     0,
     "veto:sex"},
    {"different birth date",
     {.name = "김민준",
      .birth_date = "1990-01-01",
      .mobile = "010-1234-5678",
      .address = ADDR_1001},
     {.name = "김민준",
      .birth_date = "1990-01-02",
      .mobile = "010-1234-5678",
      .address = ADDR_1001},
     false,
     VETO,
     0,
     "veto:birth_date"},
    {"father and son: different names at one address and phone",
     {.name = "김민준", .phone = "051-749-4000", .address = ADDR_1001},
     {.name = "김영수", .phone = "051-749-4000", .address = ADDR_1001},
     false,
     VETO,
     0,
     "veto:name"},
    {"different surname with one mobile",
     {.name = "김민준", .mobile = "010-1234-5678"},
     {.name = "이민준", .mobile = "010-1234-5678"},
     false,
     VETO,
     0,
     "veto:name"},
    /* Same RRN: the same person even with another name. */
    {"same RRN, another name",
     {.name = "김민준", .rrn = RRN_MINJUN},
     {.name = "김철수", .rrn = "9001011234568", .mobile = "010-9999-0000"},
     true,
     LINK,
     E_SAME_RRN,
     "rrn"},
    /* Sums. */
    {"name and mobile",
     {.name = "김민준", .mobile = "010-1234-5678"},
     {.name = "김 민준", .mobile = "01012345678"},
     false,
     LINK,
     E_NAME | E_MOBILE,
     "name+mobile"},
    {"name and e-mail",
     {.name = "김민준", .email = "minjun.kim@naver.com"},
     {.name = "김민준", .email = "MINJUN.KIM@NAVER.COM"},
     false,
     LINK,
     E_NAME | E_EMAIL,
     "name+email"},
    {"name, address and household",
     {.name = "김민준", .address = ADDR_1001},
     {.name = "김민준", .address = "부산 해운대구 해운대로123, 101동 1001호"},
     false,
     LINK,
     E_NAME | E_ADDRESS | E_HOUSEHOLD,
     "name+address+household"},
    {"name and building, another flat",
     {.name = "김민준", .address = ADDR_1001},
     {.name = "김민준", .address = ADDR_1002},
     false,
     REVIEW,
     E_NAME | E_ADDRESS,
     "name+address"},
    {"name only",
     {.name = "김민준"},
     {.name = "김민준", .mobile = "010-1234-5678"},
     false,
     NEW,
     E_NAME,
     "name"},
    {"typo in the name and mobile",
     {.name = "김민중", .mobile = "010-1234-5678"},
     {.name = "김민준", .mobile = "010-1234-5678"},
     false,
     REVIEW,
     E_NAME_SIMILAR | E_MOBILE,
     "name~+mobile"},
    {"name, phone and birth date",
     {.name = "김민준", .phone = "051-749-4000", .birth_date = "1990-01-01"},
     {.name = "김민준", .phone = "051.749.4000", .birth_date = "1990-01-01"},
     false,
     LINK,
     E_NAME | E_PHONE | E_BIRTH,
     "name+phone+birth"},
    {"RRN on one side only: scored by the rest",
     {.name = "김민준", .rrn = RRN_MINJUN, .mobile = "010-1234-5678"},
     {.name = "김민준", .mobile = "010-1234-5678"},
     false,
     LINK,
     E_NAME | E_MOBILE,
     "name+mobile"},
    {"nothing in common but a mobile, no name",
     {.mobile = "010-1234-5678"},
     {.name = "김민준", .mobile = "010-1234-5678"},
     false,
     NEW,
     E_MOBILE,
     "mobile"},
};

static enum verdict verdict_of(const struct match_result *r, const struct match_weights *w)
{
        static const enum verdict of[] = {
            [MATCH_NEW] = NEW, [MATCH_REVIEW] = REVIEW, [MATCH_LINK] = LINK, [MATCH_VETO] = VETO};
        return of[match_decide(r, w)];
}

static void test_score_vetoes_and_sums(void **state)
{
        (void)state;
        struct match_weights w;
        match_default_weights(&w);
        for (size_t i = 0; i < sizeof(score_cases) / sizeof(score_cases[0]); i++) {
                struct customer_clean rec;
                struct customer cand;
                struct match_result r;
                customer_cleanse(&score_cases[i].rec, &rec);
                candidate_of(&score_cases[i].cand, score_cases[i].cand_keeps_rrn, &cand);
                memset(&r, 0x5A, sizeof(r));
                match_score(&rec, &cand, &w, &r);
                enum verdict got = verdict_of(&r, &w);
                double want = sum_of(&w, score_cases[i].ev);
                bool score_ok = (score_cases[i].ev & E_SAME_RRN) || fabs(r.score - want) < 1e-9;
                if (got != score_cases[i].verdict || !score_ok ||
                    strcmp(r.reasons, score_cases[i].reasons))
                        fail_msg("%s: %s score %.4f \"%s\", want %s score %.4f \"%s\""
                                 " (upper %.2f, lower %.2f)",
                                 score_cases[i].what, verdict_names[got], r.score, r.reasons,
                                 verdict_names[score_cases[i].verdict], want,
                                 score_cases[i].reasons, w.upper, w.lower);
                assert_int_equal(r.same_rrn, !!(score_cases[i].ev & E_SAME_RRN));
                if (r.veto)
                        assert_true(r.score == 0);
        }
}

static void test_default_weights(void **state)
{
        (void)state;
        struct match_weights w;
        match_default_weights(&w);
        assert_true(w.lower > 0 && w.lower < w.upper);
        /* The rules the intake relies on, whatever the exact numbers. */
        assert_true(w.name_exact + w.mobile >= w.upper);
        assert_true(w.name_exact + w.email >= w.upper);
        assert_true(w.name_exact + w.address + w.household >= w.upper);
        assert_true(w.name_exact + w.address < w.upper);
        assert_true(w.name_exact + w.address >= w.lower);
        assert_true(w.name_similar + w.mobile < w.upper);
        assert_true(w.name_exact < w.lower);
        assert_true(w.mobile < w.lower);
}

/*
 * Name and birth date identify a person in most Korean services (이름 + 생년월일), so they
 * link; but namesakes born the same day exist (김민준 was the most given boy's name for
 * years), so a different mobile or a different address on both sides sends the pair to
 * review instead.
 */
static void test_name_and_birth_date_link_unless_contradicted(void **state)
{
        (void)state;
        struct match_weights w;
        match_default_weights(&w);
        struct customer_input a = {.name = "김민준", .birth_date = "1990-01-01"};
        struct customer_input b = {.name = "김민준", .birth_date = "19900101"};
        struct customer_clean rec;
        struct customer cand;
        struct match_result r;
        customer_cleanse(&a, &rec);
        candidate_of(&b, false, &cand);
        match_score(&rec, &cand, &w, &r);
        assert_string_equal(r.reasons, "name+birth");
        assert_true(fabs(r.score - (w.name_exact + w.birth)) < 1e-9);
        if (verdict_of(&r, &w) != LINK)
                fail_msg("name + birth date alone: %s (score %.4f, upper %.2f, lower %.2f),"
                         " want link",
                         verdict_names[verdict_of(&r, &w)], r.score, w.upper, w.lower);
        a.mobile = "010-1234-5678";
        b.mobile = "010-9876-5432";
        customer_cleanse(&a, &rec);
        candidate_of(&b, false, &cand);
        match_score(&rec, &cand, &w, &r);
        if (verdict_of(&r, &w) != REVIEW)
                fail_msg("name + birth date, different mobiles: %s (%s, score %.4f), want review",
                         verdict_names[verdict_of(&r, &w)], r.reasons, r.score);
}

/*
 * Weights are kept in thousandths, so a sum of weights that equals upper in thousandths
 * has reached upper ("a score at or above upper links"), whatever binary floating point
 * makes of 0.4 + 0.3 + 0.2.
 */
static void test_threshold_reached_exactly(void **state)
{
        struct fx *f = *state;
        static const struct {
                const char *rule;
                double value;
        } settings[] = {{"upper", 0.9}, {"lower", 0.6}};
        struct pcrm_error e = {0};
        for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
                assert_int_equal(
                    match_set_weight(f->db, &f->staff_a, settings[i].rule, settings[i].value, &e),
                    PCRM_OK);
        struct match_weights w;
        assert_int_equal(match_load_weights(f->db, f->a.id, &w), 0);
        static const struct {
                const char *what;
                struct customer_input rec, cand;
                enum verdict verdict;
        } cases[] = {
            {"name + email = 0.400 + 0.500",
             {.name = "김민준", .email = "minjun.kim@naver.com"},
             {.name = "김민준", .email = "minjun.kim@naver.com"},
             LINK},
            {"name + address + household = 0.400 + 0.300 + 0.200",
             {.name = "김민준", .address = ADDR_1001},
             {.name = "김민준", .address = ADDR_1001},
             LINK},
            {"name + phone = 0.400 + 0.200 = lower",
             {.name = "김민준", .phone = "051-749-4000"},
             {.name = "김민준", .phone = "051-749-4000"},
             REVIEW},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct customer_clean rec;
                struct customer cand;
                struct match_result r;
                customer_cleanse(&cases[i].rec, &rec);
                candidate_of(&cases[i].cand, false, &cand);
                match_score(&rec, &cand, &w, &r);
                if (verdict_of(&r, &w) != cases[i].verdict)
                        fail_msg("%s with upper %.3f: %s (score %.17g, upper %.17g), want %s",
                                 cases[i].what, w.upper, verdict_names[verdict_of(&r, &w)], r.score,
                                 w.upper, verdict_names[cases[i].verdict]);
        }
}

/* ---- weights ---------------------------------------------------------------------- */

static void test_rule_names_and_slots(void **state)
{
        (void)state;
        static const char *const want[] = {
            "name_exact", "name_similar", "mobile",         "phone",           "email", "birth",
            "address",    "household",    "mobile_differs", "address_differs", "upper", "lower"};
        struct match_weights w;
        match_default_weights(&w);
        size_t n = 0;
        for (; match_rule_names[n]; n++) {
                assert_true(n < sizeof(want) / sizeof(want[0]));
                assert_string_equal(match_rule_names[n], want[n]);
                double *slot = match_weight_slot(&w, match_rule_names[n]);
                assert_non_null(slot);
                /* Each name has a slot of its own. */
                for (size_t k = 0; k < n; k++)
                        assert_ptr_not_equal(slot, match_weight_slot(&w, match_rule_names[k]));
        }
        assert_int_equal(n, sizeof(want) / sizeof(want[0]));
        assert_ptr_equal(match_weight_slot(&w, "mobile"), &w.mobile);
        assert_ptr_equal(match_weight_slot(&w, "upper"), &w.upper);
        assert_null(match_weight_slot(&w, "surname"));
        assert_null(match_weight_slot(&w, ""));
        assert_null(match_weight_slot(&w, "Mobile"));
}

static void test_set_and_load_weights(void **state)
{
        struct fx *f = *state;
        static const struct {
                const char *rule;
                double value, loaded; /* kept in thousandths */
        } cases[] = {
            {"mobile", 0.555, 0.555}, {"birth", 0.3, 0.3},
            {"upper", 0.9, 0.9},      {"lower", 0.5, 0.5},
            {"email", 0.1234, 0.123}, {"phone", 0.0, 0.0},
            {"household", 2.0, 2.0},  {"name_similar", 0.2496, 0.250},
        };
        struct pcrm_error e = {0};
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int rc = match_set_weight(f->db, &f->staff_a, cases[i].rule, cases[i].value, &e);
                if (rc != PCRM_OK)
                        fail_msg("set %s = %g: %s (%s)", cases[i].rule, cases[i].value,
                                 err_code_name(rc), e.message);
        }
        struct match_weights w, d;
        match_default_weights(&d);
        assert_int_equal(match_load_weights(f->db, f->a.id, &w), 0);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                double got = *match_weight_slot(&w, cases[i].rule);
                if (fabs(got - cases[i].loaded) > 1e-12)
                        fail_msg("%s: loaded %.6f, want %.6f", cases[i].rule, got, cases[i].loaded);
        }
        /* Rules not set keep their defaults. */
        assert_true(w.name_exact == d.name_exact);
        assert_true(w.address == d.address);
        /* Another tenant still has the defaults. */
        struct match_weights wb;
        assert_int_equal(match_load_weights(f->db, f->b.id, &wb), 0);
        assert_memory_equal(&wb, &d, sizeof(d));
        /* Setting again replaces the value: one row per tenant and rule. */
        assert_int_equal(match_set_weight(f->db, &f->staff_a, "mobile", 0.6, &e), PCRM_OK);
        assert_int_equal(match_load_weights(f->db, f->a.id, &w), 0);
        assert_true(fabs(w.mobile - 0.6) < 1e-12);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM match_rules WHERE rule = 'mobile'"), 1);
        /* Every change is audited with the rule as its target. */
        assert_int_equal(
            qint(f->db, "SELECT count(*) FROM audit_log WHERE action = 'match_rule.update'"), 9);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM audit_log WHERE action = 'match_rule.update'"
                              " AND target_id = 'mobile' AND tenant_id = %" PRId64,
                              f->a.id),
                         2);
}

static void test_set_weight_invalid(void **state)
{
        struct fx *f = *state;
        static const struct {
                const char *rule;
                double value;
                const char *field;
        } cases[] = {
            {"surname", 0.5, "rule"},    {"", 0.5, "rule"},
            {"Mobile", 0.5, "rule"},     {"mobile", -0.001, "mobile"},
            {"mobile", 2.001, "mobile"}, {"upper", 5.0, "upper"},
            {"lower", NAN, "lower"},     {"birth", INFINITY, "birth"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct pcrm_error e = {0};
                int rc = match_set_weight(f->db, &f->staff_a, cases[i].rule, cases[i].value, &e);
                if (rc != PCRM_EINVALID || strcmp(e.field, cases[i].field))
                        fail_msg("set \"%s\" = %g: %s field \"%s\", want invalid field \"%s\"",
                                 cases[i].rule, cases[i].value, err_code_name(rc), e.field,
                                 cases[i].field);
        }
        assert_int_equal(qint(f->db, "SELECT count(*) FROM match_rules"), 0);
        assert_int_equal(
            qint(f->db, "SELECT count(*) FROM audit_log WHERE action = 'match_rule.update'"), 0);
}

static void test_load_ignores_unknown_rules(void **state)
{
        struct fx *f = *state;
        char sql[256];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO match_rules (tenant_id, rule, weight, updated_at) VALUES"
                 " (%" PRId64 ", 'shoe_size', 900, 0), (%" PRId64 ", 'upper', 950, 0)",
                 f->a.id, f->a.id);
        exec_ok(f->db, sql);
        struct match_weights w, d;
        match_default_weights(&d);
        assert_int_equal(match_load_weights(f->db, f->a.id, &w), 0);
        assert_true(fabs(w.upper - 0.95) < 1e-12);
        w.upper = d.upper;
        assert_memory_equal(&w, &d, sizeof(d));
}

/* ---- candidates ------------------------------------------------------------------- */

static void test_candidates_by_blocking_keys(void **state)
{
        struct fx *f = *state;
        struct customer_input by_rrn = {.name = "김철수", .rrn = RRN_MINJUN};
        struct customer_input by_mobile = {.name = "김민준", .mobile = "010-1234-5678"};
        struct customer_input by_email = {.name = "김민준", .email = "minjun.kim@naver.com"};
        struct customer_input by_birth = {.name = "김민준", .birth_date = "1990-01-01"};
        struct customer_input by_household = {.name = "김영수", .address = ADDR_1001};
        struct customer_input by_building = {.name = "김민준", .address = ADDR_1002};
        struct customer_input by_phone = {.name = "이서연", .phone = "051-749-4000"};
        struct customer_input stranger = {.name = "박지훈",
                                          .mobile = "010-5555-6666",
                                          .address = "서울특별시 종로구 세종대로 209"};
        struct customer_input namesake_other_year = {.name = "김민준", .birth_date = "1992-03-05"};
        int64_t ids_expected[] = {
            add_customer(f, f->a.id, &by_rrn),       add_customer(f, f->a.id, &by_mobile),
            add_customer(f, f->a.id, &by_email),     add_customer(f, f->a.id, &by_birth),
            add_customer(f, f->a.id, &by_household), add_customer(f, f->a.id, &by_building),
            add_customer(f, f->a.id, &by_phone),
        };
        int64_t not_expected[] = {
            add_customer(f, f->a.id, &stranger), add_customer(f, f->a.id, &namesake_other_year),
            add_customer(f, f->b.id, &by_mobile), /* another tenant */
            add_customer(f, f->a.id, &by_email),  /* merged below */
        };
        char sql[160];
        snprintf(sql, sizeof(sql),
                 "UPDATE customers SET merged_into = %" PRId64 " WHERE id = %" PRId64,
                 ids_expected[2], not_expected[3]);
        exec_ok(f->db, sql);

        struct customer_input rec_in = {.name = "김민준",
                                        .rrn = RRN_MINJUN,
                                        .phone = "051-749-4000",
                                        .mobile = "010-1234-5678",
                                        .email = "minjun.kim@naver.com",
                                        .address = ADDR_1001};
        struct customer_clean rec;
        customer_cleanse(&rec_in, &rec);
        int64_t ids[48];
        size_t n = 0;
        assert_int_equal(match_candidates(f->db, f->a.id, &rec, ids, 48, &n), 0);
        for (size_t i = 0; i < sizeof(ids_expected) / sizeof(ids_expected[0]); i++) {
                bool found = false;
                for (size_t k = 0; k < n; k++)
                        found |= ids[k] == ids_expected[i];
                if (!found)
                        fail_msg("candidate %zu (id %" PRId64 ") not found", i, ids_expected[i]);
        }
        for (size_t i = 0; i < sizeof(not_expected) / sizeof(not_expected[0]); i++)
                for (size_t k = 0; k < n; k++)
                        if (ids[k] == not_expected[i])
                                fail_msg("id %" PRId64 " (case %zu) is no candidate",
                                         not_expected[i], i);
        /* No id twice. */
        for (size_t i = 0; i < n; i++)
                for (size_t k = i + 1; k < n; k++)
                        assert_true(ids[i] != ids[k]);
        assert_int_equal(n, sizeof(ids_expected) / sizeof(ids_expected[0]));

        /* max bounds the answer. */
        assert_int_equal(match_candidates(f->db, f->a.id, &rec, ids, 3, &n), 0);
        assert_int_equal(n, 3);

        /* An empty record has no keys. */
        struct customer_input none = {0};
        customer_cleanse(&none, &rec);
        assert_int_equal(match_candidates(f->db, f->a.id, &rec, ids, 48, &n), 0);
        assert_int_equal(n, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, tl_teardown_fx)
        const struct CMUnitTest tests[] = {
            T(test_name_similar),
            T(test_score_vetoes_and_sums),
            T(test_default_weights),
            T(test_name_and_birth_date_link_unless_contradicted),
            T(test_threshold_reached_exactly),
            T(test_rule_names_and_slots),
            T(test_set_and_load_weights),
            T(test_set_weight_invalid),
            T(test_load_ignores_unknown_rules),
            T(test_candidates_by_blocking_keys),
        };
#undef T
        return cmocka_run_group_tests(tests, group_setup, tl_group_teardown);
}
