/*
 * Unit tests for customer/intake: how a record enters the customer database
 * (intake_record: new, duplicate, linked, reviewed, bridging auto-merge), what the source
 * record keeps (the fields as entered, the RRN sealed), and how people correct the result
 * (customer_merge, customer_unmerge, match_review_decide).
 *
 * Every test gets a fresh migrated database with two tenants, 부산광역시 해운대구 (A) and
 * 서울특별시 종로구 (B), a staff actor in each, the default match weights, and a clock
 * pinned at 2026-09-23 10:00 KST. The RRNs are made up, with valid check digits.
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
#include "customer/consent.h"
#include "customer/customer.h"
#include "customer/intake.h"
#include "customer/match.h"
#include "store/db.h"
#include "store/migrate.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0     INT64_C(1790125200000) /* 2026-09-23T10:00:00+09:00 */
#define MINUTE INT64_C(60000)

#define RRN_MINJUN  "900101-1234568" /* 1990-01-01, male */
#define RRN_OTHER   "900101-1000006" /* 1990-01-01, male: another man */
#define RRN_YEONGSU "600512-1023452" /* 1960-05-12, male */

#define ADDR_1001 "부산광역시 해운대구 해운대로 123, 101동 1001호"
#define ADDR_BASE "부산광역시 해운대구 해운대로 123"

struct fx {
        struct store_db *db;
        struct tenant a, b;
        struct actor staff_a, staff_b;
        struct match_weights w;
};

/* ---- helpers ---------------------------------------------------------------------- */

#define assert_err(rc, e, want_code, want_field)                                                   \
        check_err(__LINE__, (rc), &(e), (want_code), (want_field))

static void check_err(int line, int rc, const struct pcrm_error *e, int want_code,
                      const char *want_field)
{
        if (rc != want_code)
                fail_msg("line %d: got %s (%s: %s), want %s", line, err_code_name(rc), e->field,
                         e->message, err_code_name(want_code));
        if (rc != PCRM_OK && want_field && strcmp(e->field, want_field))
                fail_msg("line %d: error names field \"%s\", want \"%s\"", line, e->field,
                         want_field);
}

/* The record as entered, as a JSON object of its given fields (the RRN left out). */
static json_t *fields_of(const struct customer_input *in)
{
        json_t *o = json_object();
        const struct {
                const char *key, *value;
        } kv[] = {
            {"name", in->name},
            {"birth_date", in->birth_date},
            {"phone", in->phone},
            {"mobile", in->mobile},
            {"email", in->email},
            {"address", in->address},
            {"postal_code", in->postal_code},
        };
        for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
                if (kv[i].value)
                        json_object_set_new(o, kv[i].key, json_string(kv[i].value));
        return o;
}

/* intake_record in a transaction of its own, as a caller would run it. */
static int take_as(struct fx *f, const struct actor *who, const char *source, const char *source_id,
                   const struct customer_input *in, json_t *fields, struct intake_result *res)
{
        struct pcrm_error e = {0};
        json_t *own = fields ? NULL : fields_of(in);
        assert_int_equal(store_begin(f->db), STORE_OK);
        int rc =
            intake_record(f->db, who, &f->w, source, source_id, in, fields ? fields : own, res, &e);
        if (rc == PCRM_OK)
                assert_int_equal(store_commit(f->db), STORE_OK);
        else
                store_rollback(f->db);
        json_decref(own);
        return rc;
}

/* Takes a record in tenant A and insists that it succeeds. */
static struct intake_result take(struct fx *f, const char *source, const char *source_id,
                                 const struct customer_input *in)
{
        struct intake_result res;
        int rc = take_as(f, &f->staff_a, source, source_id, in, NULL, &res);
        if (rc != PCRM_OK)
                fail_msg("intake %s/%s: %s", source, source_id, err_code_name(rc));
        return res;
}

static struct customer load(struct fx *f, int64_t id)
{
        struct customer c;
        assert_int_equal(customer_load(f->db, f->a.id, id, &c), PCRM_OK);
        return c;
}

static int64_t count(struct fx *f, const char *table)
{
        return qint(f->db, "SELECT count(*) FROM %s", table);
}

static int64_t live_customers(struct fx *f)
{
        return qint(f->db,
                    "SELECT count(*) FROM customers WHERE merged_into IS NULL AND"
                    " tenant_id = %" PRId64,
                    f->a.id);
}

static int64_t sources_of(struct fx *f, int64_t customer_id)
{
        return qint(f->db, "SELECT count(*) FROM source_records WHERE customer_id = %" PRId64,
                    customer_id);
}

static int64_t consents_of(struct fx *f, int64_t customer_id)
{
        return qint(f->db, "SELECT count(*) FROM consent_events WHERE customer_id = %" PRId64,
                    customer_id);
}

/* Everything a merge may touch, as SQL text, so that "restored exactly" is exact. */
static void raw_row(struct fx *f, int64_t id, char *out, size_t outlen)
{
        qtext(f->db, out, outlen,
              "SELECT quote(name) || quote(name_key) || quote(birth_date) || quote(sex) ||"
              " quote(rrn_sealed) || quote(rrn_index) || quote(rrn_masked) || quote(phone) ||"
              " quote(mobile) || quote(email) || quote(address) || quote(address_base) ||"
              " quote(addr_sido) || quote(addr_sigungu) || quote(addr_eupmyeon) ||"
              " quote(addr_street) || quote(addr_number) || quote(addr_detail) ||"
              " quote(postal_code) || quote(household_key) || quote(kind) || quote(merged_into)"
              " FROM customers WHERE id = %" PRId64,
              id);
}

static int64_t merge(struct fx *f, int64_t survivor, int64_t merged)
{
        int64_t merge_id = 0;
        struct pcrm_error e = {0};
        int rc = customer_merge(f->db, &f->staff_a, survivor, merged, "manual", &merge_id, &e);
        if (rc != PCRM_OK)
                fail_msg("merge %" PRId64 " into %" PRId64 ": %s (%s)", merged, survivor,
                         err_code_name(rc), e.message);
        assert_true(merge_id > 0);
        return merge_id;
}

static void grant(struct fx *f, int64_t customer_id, const char *purpose, const char *channel)
{
        struct pcrm_error e = {0};
        assert_int_equal(
            consent_record(f->db, &f->staff_a, customer_id, purpose, channel, true, "web", &e),
            PCRM_OK);
}

/* ---- fixtures --------------------------------------------------------------------- */

static int group_setup(void **state)
{
        (void)state;
        return tl_group_setup("intake");
}

static int setup(void **state)
{
        struct fx *f = calloc(1, sizeof(*f));
        if (!f)
                return -1;
        *state = f;
        set_now(T0);
        if (tl_open_db("intake", &f->db) < 0 || tl_add_tenants(f->db, &f->a, &f->b) != PCRM_OK)
                return -1;
        f->staff_a = tl_staff(&f->a, 11, "kim.minwon", ROLE_CS_MANAGER);
        f->staff_b = tl_staff(&f->b, 21, "park.minwon", ROLE_CS_MANAGER);
        return match_load_weights(f->db, f->a.id, &f->w);
}

/* ---- intake_record ---------------------------------------------------------------- */

static const struct customer_input minjun = {
    .name = "김 민준",
    .rrn = "9001011234568",
    .phone = "051-749-4000",
    .mobile = "010 1234 5678",
    .address = ADDR_1001,
};

static void test_first_record_is_new(void **state)
{
        struct fx *f = *state;
        struct intake_result r = take(f, "minwon", "M-2026-0001", &minjun);
        assert_int_equal(r.outcome, INTAKE_NEW);
        assert_true(r.customer_id > 0);
        assert_true(r.source_record_id > 0);
        assert_int_equal(r.reviews, 0);
        assert_int_equal(r.clean.mobile_status, CLEANSE_CLEANSED);
        assert_int_equal(r.clean.phone_status, CLEANSE_VALID);
        assert_int_equal(r.clean.rrn_status, CLEANSE_CLEANSED);

        struct customer c = load(f, r.customer_id);
        assert_string_equal(c.name, "김 민준");
        assert_string_equal(c.name_key, "김민준");
        assert_string_equal(c.mobile, "010-1234-5678");
        assert_string_equal(c.rrn_masked, "900101-1******");
        assert_string_equal(c.birth_date, "1990-01-01");
        assert_string_equal(c.address, ADDR_1001);
        assert_int_equal(count(f, "customers"), 1);

        /* The source record: linked to the customer, with the statuses as entered. */
        struct store_stmt *st = store_prepare(
            f->db,
            "SELECT tenant_id, source, source_id, customer_id, match_rule, q_address,"
            " q_phone, q_mobile, q_email, q_rrn, created_at FROM source_records WHERE id = ?");
        store_bind_int(st, 1, r.source_record_id);
        assert_int_equal(store_step(st), STORE_ROW);
        assert_int_equal(store_col_int(st, 0), f->a.id);
        assert_string_equal(store_col_text(st, 1), "minwon");
        assert_string_equal(store_col_text(st, 2), "M-2026-0001");
        assert_int_equal(store_col_int(st, 3), r.customer_id);
        assert_string_equal(store_col_text(st, 4), "new");
        assert_int_equal(store_col_int(st, 5), CLEANSE_VALID);
        assert_int_equal(store_col_int(st, 6), CLEANSE_VALID);
        assert_int_equal(store_col_int(st, 7), CLEANSE_CLEANSED);
        assert_int_equal(store_col_int(st, 8), CLEANSE_NULL);
        assert_int_equal(store_col_int(st, 9), CLEANSE_CLEANSED);
        assert_int_equal(store_col_int(st, 10), T0);
        store_done(st);
}

static void test_same_source_id_is_duplicate(void **state)
{
        struct fx *f = *state;
        struct intake_result first = take(f, "minwon", "M-2026-0001", &minjun);
        struct customer before = load(f, first.customer_id);
        int64_t n_cust = count(f, "customers"), n_src = count(f, "source_records"),
                n_chg = count(f, "customer_changes"), n_rev = count(f, "match_reviews"),
                n_audit = count(f, "audit_log");
        char fields_before[1024];
        qtext(f->db, fields_before, sizeof(fields_before), "SELECT fields FROM source_records");

        /* The same row again, even with other values, changes nothing. */
        struct customer_input changed = minjun;
        changed.mobile = "010-9999-8888";
        changed.email = "minjun.kim@naver.com";
        set_now(T0 + MINUTE);
        struct intake_result again = take(f, "minwon", "M-2026-0001", &changed);
        assert_int_equal(again.outcome, INTAKE_DUPLICATE);
        assert_int_equal(again.customer_id, first.customer_id);
        assert_int_equal(again.source_record_id, first.source_record_id);
        assert_int_equal(again.reviews, 0);

        struct customer after = load(f, first.customer_id);
        assert_memory_equal(&before, &after, sizeof(before));
        assert_int_equal(count(f, "customers"), n_cust);
        assert_int_equal(count(f, "source_records"), n_src);
        assert_int_equal(count(f, "customer_changes"), n_chg);
        assert_int_equal(count(f, "match_reviews"), n_rev);
        assert_int_equal(count(f, "audit_log"), n_audit);
        char fields_after[1024];
        qtext(f->db, fields_after, sizeof(fields_after), "SELECT fields FROM source_records");
        assert_string_equal(fields_after, fields_before);

        /* The same id in another source is another record. */
        struct intake_result other = take(f, "welfare", "M-2026-0001", &minjun);
        assert_int_not_equal(other.outcome, INTAKE_DUPLICATE);
        assert_int_equal(count(f, "source_records"), n_src + 1);
}

static void test_same_rrn_other_source_links_and_fills(void **state)
{
        struct fx *f = *state;
        struct customer_input first = {
            .name = "김민준", .rrn = RRN_MINJUN, .mobile = "010-1234-5678"};
        struct intake_result a = take(f, "minwon", "M-1", &first);

        struct customer_input second = {
            .name = "김 민 준",                    /* has a name: kept */
            .rrn = "９００１０１－１２３４５６８", /* the same number, full-width */
            .mobile = "010-9999-8888",             /* has a mobile: not overwritten */
            .email = "MINJUN.KIM@NAVER.COM",
            .address = "부산 해운대구 해운대로123, 101동 1001호",
        };
        set_now(T0 + MINUTE);
        struct intake_result b = take(f, "welfare", "W-77", &second);
        assert_int_equal(b.outcome, INTAKE_LINKED);
        assert_int_equal(b.customer_id, a.customer_id);
        assert_true(b.score >= f->w.upper);
        assert_int_equal(count(f, "customers"), 1);

        char rule[16];
        qtext(f->db, rule, sizeof(rule),
              "SELECT match_rule FROM source_records WHERE id = %" PRId64, b.source_record_id);
        assert_string_equal(rule, "rrn");
        assert_int_equal(sources_of(f, a.customer_id), 2);

        struct customer c = load(f, a.customer_id);
        assert_string_equal(c.name, "김민준");
        assert_string_equal(c.mobile, "010-1234-5678");
        assert_string_equal(c.email, "minjun.kim@naver.com");
        assert_string_equal(c.address, ADDR_1001);
        assert_string_equal(c.household_key, b.clean.household_key);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM customer_changes WHERE customer_id = %" PRId64
                              " AND field IN ('email', 'address')",
                              a.customer_id),
                         2);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM customer_changes WHERE customer_id = %" PRId64
                              " AND field IN ('name', 'mobile')",
                              a.customer_id),
                         0);

        /* The same RRN links even under another name (a name changed by court order). */
        struct customer_input renamed = {.name = "김도윤", .rrn = RRN_MINJUN};
        struct intake_result c3 = take(f, "tax", "T-9", &renamed);
        assert_int_equal(c3.outcome, INTAKE_LINKED);
        assert_int_equal(c3.customer_id, a.customer_id);
}

/*
 * match.h: "same valid RRN → the same person, whatever else differs". A record carrying
 * 김철수's RRN under his new name 김민준 must end with 김철수's customer, even when a
 * customer without an RRN (김민준, same contacts) scores more on the other evidence;
 * two live customers must never share one RRN.
 */
static void test_same_rrn_beats_higher_score(void **state)
{
        struct fx *f = *state;
        struct customer_input old_name = {.name = "김철수", .rrn = RRN_MINJUN};
        struct customer_input contacts = {.name = "김민준",
                                          .phone = "051-749-4000",
                                          .mobile = "010-1234-5678",
                                          .email = "minjun.kim@naver.com",
                                          .address = ADDR_1001};
        struct intake_result a = take(f, "minwon", "M-1", &old_name);
        struct intake_result b = take(f, "web", "W-1", &contacts);
        assert_int_equal(b.outcome, INTAKE_NEW);
        struct customer_input rec = contacts;
        rec.rrn = RRN_MINJUN;
        struct intake_result r = take(f, "welfare", "F-1", &rec);
        assert_int_equal(r.outcome, INTAKE_LINKED);
        int64_t holders =
            qint(f->db,
                 "SELECT count(*) FROM customers WHERE merged_into IS NULL AND"
                 " rrn_index = (SELECT rrn_index FROM customers WHERE id = %" PRId64 ")",
                 a.customer_id);
        char rule[16];
        qtext(f->db, rule, sizeof(rule),
              "SELECT match_rule FROM source_records WHERE id = %" PRId64, r.source_record_id);
        struct customer linked = load(f, r.customer_id);
        if (holders != 1 || strcmp(linked.rrn_index, load(f, a.customer_id).rrn_index))
                fail_msg("record with 김철수's RRN linked to customer %" PRId64 " (rule %s; 김철수"
                         " is %" PRId64 "), %" PRId64 " live customers now hold that RRN; want"
                         " it with 김철수's customer and one holder",
                         r.customer_id, rule, a.customer_id, holders);
}

static void test_namesakes_stay_apart(void **state)
{
        struct fx *f = *state;
        struct customer_input busan = {.name = "김민준",
                                       .birth_date = "1990-01-01",
                                       .mobile = "010-1234-5678",
                                       .address = ADDR_1001};
        struct customer_input seoul = {.name = "김민준",
                                       .birth_date = "1992-03-05",
                                       .mobile = "010-2222-3333",
                                       .address = "서울특별시 종로구 세종대로 209"};
        struct intake_result a = take(f, "minwon", "M-1", &busan);
        struct intake_result b = take(f, "minwon", "M-2", &seoul);
        assert_int_equal(a.outcome, INTAKE_NEW);
        assert_int_equal(b.outcome, INTAKE_NEW);
        assert_int_not_equal(a.customer_id, b.customer_id);
        assert_int_equal(b.reviews, 0);
        assert_int_equal(count(f, "match_reviews"), 0);

        assert_int_equal(live_customers(f), 2);
}

/*
 * The brief's rule (see test_match: name + birth date alone do not link): a namesake born
 * the same day with nothing else in common is at most a question for a person.
 */
static void test_namesake_born_same_day_not_linked(void **state)
{
        struct fx *f = *state;
        struct customer_input busan = {.name = "김민준",
                                       .birth_date = "1990-01-01",
                                       .mobile = "010-1234-5678",
                                       .address = ADDR_1001};
        take(f, "minwon", "M-1", &busan);
        struct customer_input twin_name = {.name = "김민준",
                                           .birth_date = "1990-01-01",
                                           .mobile = "010-7777-8888",
                                           .address = "부산광역시 기장군 기장읍 기장대로 560"};
        struct intake_result c = take(f, "minwon", "M-3", &twin_name);
        if (c.outcome != INTAKE_NEW)
                fail_msg("a namesake born the same day with another mobile and address was"
                         " linked automatically (score %.2f, upper %.2f)",
                         c.score, f->w.upper);
        assert_int_equal(live_customers(f), 2);
}

static void test_father_and_son_stay_apart(void **state)
{
        struct fx *f = *state;
        struct customer_input father = {
            .name = "김영수", .phone = "051-749-4000", .address = ADDR_1001};
        struct customer_input son = {.name = "김민준",
                                     .phone = "051-749-4000",
                                     .mobile = "010-1234-5678",
                                     .address = ADDR_1001};
        struct customer_input mother = {.name = "이영희",
                                        .phone = "051-749-4000",
                                        .address = "부산 해운대구 해운대로123 101동 1001호"};
        struct intake_result a = take(f, "minwon", "M-1", &father);
        struct intake_result b = take(f, "minwon", "M-2", &son);
        struct intake_result c = take(f, "minwon", "M-3", &mother);
        assert_int_equal(a.outcome, INTAKE_NEW);
        assert_int_equal(b.outcome, INTAKE_NEW);
        assert_int_equal(c.outcome, INTAKE_NEW);
        assert_int_equal(live_customers(f), 3);
        assert_int_equal(count(f, "match_reviews"), 0);
        /* One household. */
        assert_string_equal(load(f, a.customer_id).household_key,
                            load(f, c.customer_id).household_key);

        /* The father again, with his RRN, from another source: linked to him, not the son. */
        struct customer_input father2 = {
            .name = "김영수", .rrn = RRN_YEONGSU, .address = ADDR_1001};
        struct intake_result d = take(f, "welfare", "W-1", &father2);
        assert_int_equal(d.outcome, INTAKE_LINKED);
        assert_int_equal(d.customer_id, a.customer_id);
        assert_string_equal(load(f, b.customer_id).birth_date, "");
}

static void test_name_and_address_goes_to_review(void **state)
{
        struct fx *f = *state;
        struct customer_input first = {
            .name = "김민준", .mobile = "010-1234-5678", .address = ADDR_1001};
        struct customer_input second = {.name = "김민준", .address = ADDR_BASE};
        struct intake_result a = take(f, "minwon", "M-1", &first);
        set_now(T0 + MINUTE);
        struct intake_result b = take(f, "welfare", "W-1", &second);
        assert_int_equal(b.outcome, INTAKE_NEW);
        assert_int_not_equal(b.customer_id, a.customer_id);
        assert_true(b.reviews >= 1);
        assert_int_equal(count(f, "match_reviews"), 1);

        struct store_stmt *st = store_prepare(
            f->db, "SELECT tenant_id, customer_a, customer_b, score, reasons, status, created_at"
                   " FROM match_reviews");
        assert_int_equal(store_step(st), STORE_ROW);
        assert_int_equal(store_col_int(st, 0), f->a.id);
        assert_int_equal(store_col_int(st, 1), a.customer_id); /* the lower id first */
        assert_int_equal(store_col_int(st, 2), b.customer_id);
        char score[32];
        store_col_copy(st, 3, score, sizeof(score));
        assert_true(fabs(strtod(score, NULL) - (f->w.name_exact + f->w.address)) < 1e-6);
        assert_string_equal(store_col_text(st, 4), "name+address");
        assert_string_equal(store_col_text(st, 5), "open");
        assert_int_equal(store_col_int(st, 6), T0 + MINUTE);
        store_done(st);
        char rule[16];
        qtext(f->db, rule, sizeof(rule),
              "SELECT match_rule FROM source_records WHERE id = %" PRId64, b.source_record_id);
        assert_string_equal(rule, "new");
}

static void test_bridging_record_merges_automatically(void **state)
{
        struct fx *f = *state;
        struct customer_input by_phone = {.name = "김민준", .mobile = "010-1234-5678"};
        struct customer_input by_mail = {.name = "김민준", .email = "minjun.kim@naver.com"};
        struct intake_result x = take(f, "call", "C-1", &by_phone);
        struct intake_result y = take(f, "web", "W-1", &by_mail);
        assert_int_equal(x.outcome, INTAKE_NEW);
        assert_int_equal(y.outcome, INTAKE_NEW);
        assert_int_equal(live_customers(f), 2);

        /* One record with both: the same person, split earlier. */
        struct customer_input both = {
            .name = "김민준", .mobile = "010-1234-5678", .email = "minjun.kim@naver.com"};
        set_now(T0 + MINUTE);
        struct intake_result z = take(f, "minwon", "M-1", &both);
        assert_int_equal(z.outcome, INTAKE_LINKED);
        assert_true(z.customer_id == x.customer_id || z.customer_id == y.customer_id);
        int64_t other = z.customer_id == x.customer_id ? y.customer_id : x.customer_id;

        assert_int_equal(live_customers(f), 1);
        assert_int_equal(load(f, other).merged_into, z.customer_id);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM customer_merges WHERE how = 'auto' AND"
                              " survivor_id = %" PRId64 " AND merged_id = %" PRId64
                              " AND undone_at IS NULL",
                              z.customer_id, other),
                         1);
        assert_int_equal(sources_of(f, z.customer_id), 3);
        assert_int_equal(sources_of(f, other), 0);
        struct customer s = load(f, z.customer_id);
        assert_string_equal(s.mobile, "010-1234-5678");
        assert_string_equal(s.email, "minjun.kim@naver.com");
        assert_int_equal(
            qint(f->db, "SELECT count(*) FROM audit_log WHERE action = 'customer.merge'"), 1);
}

static void test_bridging_record_never_merges_conflicts(void **state)
{
        struct fx *f = *state;
        /* Father and son share the home e-mail; the son's mobile is his own. */
        struct customer_input father = {
            .name = "김영수", .rrn = RRN_YEONGSU, .email = "kimfamily@naver.com"};
        struct customer_input son = {.name = "김민준", .mobile = "010-1234-5678"};
        struct intake_result a = take(f, "minwon", "M-1", &father);
        struct intake_result b = take(f, "minwon", "M-2", &son);
        struct customer_input rec = {
            .name = "김민준", .mobile = "010-1234-5678", .email = "kimfamily@naver.com"};
        struct intake_result c = take(f, "web", "W-1", &rec);
        assert_int_equal(c.outcome, INTAKE_LINKED);
        assert_int_equal(c.customer_id, b.customer_id);
        assert_int_equal(live_customers(f), 2);
        assert_int_equal(load(f, a.customer_id).merged_into, 0);
        assert_int_equal(count(f, "customer_merges"), 0);
}

static void test_source_keeps_fields_and_seals_rrn(void **state)
{
        struct fx *f = *state;
        struct customer_input in = {.name = " 김 민준 ",
                                    .rrn = "9001011234568",
                                    .mobile = "010.1234.5678",
                                    .email = "MinJun.Kim@Naver.COM",
                                    .address = "부산 해운대구 해운대로123, 101동 1001호"};
        json_t *fields = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", " 김 민준 ", "mobile",
                                   "010.1234.5678", "email", "MinJun.Kim@Naver.COM", "address",
                                   "부산 해운대구 해운대로123, 101동 1001호", "channel", "방문",
                                   "memo", "2층 민원실 \"여권\" 창구");
        assert_non_null(fields);
        struct intake_result r;
        assert_int_equal(take_as(f, &f->staff_a, "minwon", "M-1", &in, fields, &r), PCRM_OK);

        char text[2048];
        qtext(f->db, text, sizeof(text), "SELECT fields FROM source_records WHERE id = %" PRId64,
              r.source_record_id);
        json_error_t err;
        json_t *stored = json_loads(text, 0, &err);
        if (!stored)
                fail_msg("fields is no JSON: %s (%s)", text, err.text);
        if (!json_equal(stored, fields))
                fail_msg("fields as stored %s differ from the record as entered", text);
        assert_null(json_object_get(stored, "rrn"));
        assert_null(strstr(text, "1234568"));
        json_decref(stored);
        json_decref(fields);

        /* The RRN: sealed, as entered (not the canonical form), and only sealed. */
        struct store_stmt *st = store_prepare(
            f->db, "SELECT rrn_sealed, typeof(rrn_sealed) FROM source_records WHERE id = ?");
        store_bind_int(st, 1, r.source_record_id);
        assert_int_equal(store_step(st), STORE_ROW);
        assert_string_equal(store_col_text(st, 1), "blob");
        unsigned char sealed[256];
        size_t len = store_col_bytes(st, 0);
        assert_true(len > SEC_SEAL_OVERHEAD && len <= sizeof(sealed));
        memcpy(sealed, store_col_blob(st, 0), len);
        store_done(st);
        assert_null(memmem(sealed, len, "9001011234568", 13));
        assert_null(memmem(sealed, len, "1234568", 7));
        char plain[64];
        assert_int_equal(sec_open("rrn", sealed, len, plain, sizeof(plain)), 0);
        assert_string_equal(plain, "9001011234568");
        assert_int_equal(qint(f->db, "SELECT count(*) FROM source_records WHERE"
                                     " instr(fields || match_rule, '1234568') > 0"),
                         0);

        /* Without an RRN, nothing is sealed. */
        struct customer_input bare = {.name = "이서연", .mobile = "010-2345-6789"};
        struct intake_result r2 = take(f, "minwon", "M-2", &bare);
        assert_int_equal(qint(f->db,
                              "SELECT rrn_sealed IS NULL FROM source_records WHERE id = %" PRId64,
                              r2.source_record_id),
                         1);
}

static void test_intake_refuses_missing_source(void **state)
{
        struct fx *f = *state;
        static const struct {
                const char *source, *source_id, *field;
        } cases[] = {
            {"", "M-1", "source"},
            {NULL, "M-1", "source"},
            {"minwon", "", "source_id"},
            {"minwon", NULL, "source_id"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct intake_result r;
                struct pcrm_error e = {0};
                json_t *fields = fields_of(&minjun);
                assert_int_equal(store_begin(f->db), STORE_OK);
                int rc = intake_record(f->db, &f->staff_a, &f->w, cases[i].source,
                                       cases[i].source_id, &minjun, fields, &r, &e);
                store_rollback(f->db);
                json_decref(fields);
                assert_err(rc, e, PCRM_EINVALID, cases[i].field);
        }
        assert_int_equal(count(f, "customers"), 0);
}

/* intake_record runs in the caller's transaction: a rollback takes everything back. */
static void test_intake_rolls_back_with_caller(void **state)
{
        struct fx *f = *state;
        struct customer_input by_phone = {.name = "김민준", .mobile = "010-1234-5678"};
        struct customer_input by_mail = {.name = "김민준", .email = "minjun.kim@naver.com"};
        take(f, "call", "C-1", &by_phone);
        take(f, "web", "W-1", &by_mail);
        int64_t tables[6];
        static const char *const names[] = {"customers",       "source_records", "customer_changes",
                                            "customer_merges", "match_reviews",  "audit_log"};
        for (size_t i = 0; i < 6; i++)
                tables[i] = count(f, names[i]);
        char c1[4096], c2[4096];
        raw_row(f, 1, c1, sizeof(c1));
        raw_row(f, 2, c2, sizeof(c2));

        struct customer_input both = {.name = "김민준",
                                      .mobile = "010-1234-5678",
                                      .email = "minjun.kim@naver.com",
                                      .address = ADDR_1001};
        struct customer_input other = {.name = "이서연", .mobile = "010-2345-6789"};
        struct intake_result r1, r2;
        struct pcrm_error e = {0};
        json_t *fields = fields_of(&both);
        assert_int_equal(store_begin(f->db), STORE_OK);
        assert_int_equal(
            intake_record(f->db, &f->staff_a, &f->w, "minwon", "M-1", &both, fields, &r1, &e),
            PCRM_OK);
        assert_int_equal(r1.outcome, INTAKE_LINKED); /* and merged the two */
        assert_int_equal(
            intake_record(f->db, &f->staff_a, &f->w, "minwon", "M-2", &other, fields, &r2, &e),
            PCRM_OK);
        assert_int_equal(r2.outcome, INTAKE_NEW);
        assert_int_equal(store_rollback(f->db), STORE_OK);
        json_decref(fields);

        for (size_t i = 0; i < 6; i++)
                if (count(f, names[i]) != tables[i])
                        fail_msg("%s: %" PRId64 " rows after the rollback, want %" PRId64, names[i],
                                 count(f, names[i]), tables[i]);
        char now[4096];
        raw_row(f, 1, now, sizeof(now));
        assert_string_equal(now, c1);
        raw_row(f, 2, now, sizeof(now));
        assert_string_equal(now, c2);
}

static void test_intake_tenant_isolation(void **state)
{
        struct fx *f = *state;
        struct intake_result a = take(f, "minwon", "M-1", &minjun);
        /* The same person and the same source id in tenant B: a new customer of B. */
        struct intake_result b;
        assert_int_equal(take_as(f, &f->staff_b, "minwon", "M-1", &minjun, NULL, &b), PCRM_OK);
        assert_int_equal(b.outcome, INTAKE_NEW);
        assert_int_not_equal(b.customer_id, a.customer_id);
        assert_int_equal(
            qint(f->db, "SELECT tenant_id FROM customers WHERE id = %" PRId64, b.customer_id),
            f->b.id);
}

/* ---- merge and unmerge ------------------------------------------------------------ */

static void test_merge_manual(void **state)
{
        struct fx *f = *state;
        struct customer_input xin = {.name = "김민준", .mobile = "010-1234-5678"};
        struct customer_input yin = {.name = "김 민준",
                                     .rrn = RRN_MINJUN,
                                     .mobile = "010-9999-8888",
                                     .email = "minjun.kim@naver.com",
                                     .address = ADDR_1001};
        struct intake_result x = take(f, "call", "C-1", &xin);
        struct intake_result y = take(f, "welfare", "W-1", &yin);
        struct customer_input yin2 = {.name = "김민준", .rrn = RRN_MINJUN};
        assert_int_equal(take(f, "tax", "T-1", &yin2).customer_id, y.customer_id);
        assert_int_not_equal(x.customer_id, y.customer_id);
        grant(f, y.customer_id, "status_notice", "sms");
        grant(f, y.customer_id, "survey", "email");
        grant(f, x.customer_id, "campaign", "sms");

        set_now(T0 + 10 * MINUTE);
        int64_t merge_id = merge(f, x.customer_id, y.customer_id);

        struct customer s = load(f, x.customer_id), m = load(f, y.customer_id);
        assert_int_equal(m.merged_into, x.customer_id);
        assert_int_equal(s.merged_into, 0);
        /* Gaps filled from the merged customer; what the survivor had is kept. */
        assert_string_equal(s.name, "김민준");
        assert_string_equal(s.mobile, "010-1234-5678");
        assert_string_equal(s.email, "minjun.kim@naver.com");
        assert_string_equal(s.address, ADDR_1001);
        assert_true(s.has_rrn);
        assert_string_equal(s.rrn_masked, "900101-1******");
        assert_string_equal(s.birth_date, "1990-01-01");
        assert_string_equal(s.sex, "M");
        char plain[RRN_SIZE];
        struct pcrm_error e = {0};
        assert_err(customer_reveal_rrn(f->db, &f->staff_a, x.customer_id, "병합 확인", plain,
                                       sizeof(plain), &e),
                   e, PCRM_OK, NULL);
        assert_string_equal(plain, RRN_MINJUN);
        /* Sources and consents moved. */
        assert_int_equal(sources_of(f, x.customer_id), 3);
        assert_int_equal(sources_of(f, y.customer_id), 0);
        assert_int_equal(consents_of(f, x.customer_id), 3);
        assert_int_equal(consents_of(f, y.customer_id), 0);
        assert_int_equal(consent_may_use(f->db, f->a.id, x.customer_id, "status_notice", "sms"), 1);
        /* The merge is recorded and audited. */
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM customer_merges WHERE id = %" PRId64
                              " AND survivor_id = %" PRId64 " AND merged_id = %" PRId64
                              " AND how = 'manual' AND at = %" PRId64 " AND undone_at IS NULL",
                              merge_id, x.customer_id, y.customer_id, T0 + 10 * MINUTE),
                         1);
        char target[32];
        qtext(f->db, target, sizeof(target),
              "SELECT target_id FROM audit_log WHERE action = 'customer.merge'");
        assert_int_equal(strtoll(target, NULL, 10), x.customer_id);
        /* A merged customer is no longer found. */
        int64_t ids[4];
        size_t n;
        const char *kind;
        assert_int_equal(customer_search(f->db, f->a.id, "010-9999-8888", ids, 4, &n, &kind), 0);
        assert_int_equal(n, 0);
}

static void test_merge_refusals(void **state)
{
        struct fx *f = *state;
        struct customer_input ain = {.name = "김민준", .rrn = RRN_MINJUN};
        struct customer_input bin = {.name = "김민준", .rrn = RRN_OTHER};
        struct customer_input cin = {.name = "김민준", .mobile = "010-5555-6666"};
        struct customer_input din = {.name = "김민준", .email = "minjun@korea.kr"};
        int64_t a = take(f, "minwon", "M-1", &ain).customer_id;
        int64_t b = take(f, "minwon", "M-2", &bin).customer_id;
        int64_t c = take(f, "minwon", "M-3", &cin).customer_id;
        int64_t d = take(f, "minwon", "M-4", &din).customer_id;
        assert_int_equal(live_customers(f), 4);
        merge(f, c, d);
        char ra[2048], rb[2048], rc_[2048];
        raw_row(f, a, ra, sizeof(ra));
        raw_row(f, b, rb, sizeof(rb));
        raw_row(f, c, rc_, sizeof(rc_));
        int64_t merges = count(f, "customer_merges"), audits = count(f, "audit_log");

        static const struct {
                const char *what;
                int s, m; /* indexes into ids: 0 a, 1 b, 2 c, 3 d, 4 unknown, 5 tenant B's */
                int code;
        } cases[] = {
            {"different RRNs", 0, 1, PCRM_ERULE},
            {"different RRNs, other way", 1, 0, PCRM_ERULE},
            {"self-merge", 0, 0, PCRM_ERULE},
            {"into a merged customer", 3, 0, PCRM_ERULE},
            {"a merged customer", 0, 3, PCRM_ERULE},
            {"unknown survivor", 4, 0, PCRM_ENOTFOUND},
            {"unknown merged", 0, 4, PCRM_ENOTFOUND},
            {"another tenant's customer", 0, 5, PCRM_ENOTFOUND},
        };
        struct intake_result foreign;
        assert_int_equal(take_as(f, &f->staff_b, "minwon", "B-1", &cin, NULL, &foreign), PCRM_OK);
        int64_t ids[] = {a, b, c, d, d + 1000, foreign.customer_id};
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int64_t merge_id = 0;
                struct pcrm_error e = {0};
                int rc = customer_merge(f->db, &f->staff_a, ids[cases[i].s], ids[cases[i].m],
                                        "manual", &merge_id, &e);
                if (rc != cases[i].code)
                        fail_msg("%s: %s (%s), want %s", cases[i].what, err_code_name(rc),
                                 e.message, err_code_name(cases[i].code));
                assert_true(strlen(e.message) > 0);
        }
        char now_a[2048], now_b[2048], now_c[2048];
        raw_row(f, a, now_a, sizeof(now_a));
        raw_row(f, b, now_b, sizeof(now_b));
        raw_row(f, c, now_c, sizeof(now_c));
        assert_string_equal(now_a, ra);
        assert_string_equal(now_b, rb);
        assert_string_equal(now_c, rc_);
        assert_int_equal(count(f, "customer_merges"), merges);
        assert_int_equal(count(f, "audit_log"), audits);
}

static void test_unmerge_restores_survivor(void **state)
{
        struct fx *f = *state;
        struct customer_input xin = {.name = "김민준", .mobile = "010-1234-5678"};
        struct customer_input yin = {.name = "김 민준",
                                     .rrn = RRN_MINJUN,
                                     .phone = "051-749-4000",
                                     .email = "minjun.kim@naver.com",
                                     .address = ADDR_1001};
        struct intake_result x = take(f, "call", "C-1", &xin);
        struct intake_result y = take(f, "welfare", "W-1", &yin);
        struct customer_input yin2 = {.name = "김민준", .rrn = RRN_MINJUN};
        struct intake_result y2 = take(f, "tax", "T-1", &yin2);
        assert_int_equal(y2.customer_id, y.customer_id);
        grant(f, y.customer_id, "status_notice", "sms");
        grant(f, x.customer_id, "campaign", "email");

        char x_before[4096], y_before[4096];
        raw_row(f, x.customer_id, x_before, sizeof(x_before));
        raw_row(f, y.customer_id, y_before, sizeof(y_before));
        struct customer xs = load(f, x.customer_id);

        set_now(T0 + MINUTE);
        int64_t merge_id = merge(f, x.customer_id, y.customer_id);
        char x_merged[4096];
        raw_row(f, x.customer_id, x_merged, sizeof(x_merged));
        assert_string_not_equal(x_merged, x_before);

        set_now(T0 + 2 * MINUTE);
        struct pcrm_error e = {0};
        assert_err(customer_unmerge(f->db, &f->staff_a, merge_id, &e), e, PCRM_OK, NULL);

        char x_after[4096], y_after[4096];
        raw_row(f, x.customer_id, x_after, sizeof(x_after));
        raw_row(f, y.customer_id, y_after, sizeof(y_after));
        assert_string_equal(x_after, x_before);
        assert_string_equal(y_after, y_before);
        struct customer xa = load(f, x.customer_id);
        assert_false(xa.has_rrn);
        assert_string_equal(xa.email, xs.email);
        assert_string_equal(xa.household_key, "");
        /* The search index follows the restored address. */
        int64_t ids[4];
        size_t n;
        const char *kind;
        assert_int_equal(customer_search(f->db, f->a.id, "101동", ids, 4, &n, &kind), 0);
        assert_int_equal(n, 1);
        assert_int_equal(ids[0], y.customer_id);

        /* Sources and consents went back. */
        assert_int_equal(sources_of(f, x.customer_id), 1);
        assert_int_equal(sources_of(f, y.customer_id), 2);
        assert_int_equal(consents_of(f, x.customer_id), 1);
        assert_int_equal(consents_of(f, y.customer_id), 1);
        assert_int_equal(consent_may_use(f->db, f->a.id, x.customer_id, "status_notice", "sms"), 0);
        assert_int_equal(consent_may_use(f->db, f->a.id, y.customer_id, "status_notice", "sms"), 1);
        assert_int_equal(live_customers(f), 2);
        assert_int_equal(
            qint(f->db, "SELECT undone_at FROM customer_merges WHERE id = %" PRId64, merge_id),
            T0 + 2 * MINUTE);
        assert_int_equal(
            qint(f->db, "SELECT count(*) FROM audit_log WHERE action = 'customer.unmerge'"), 1);

        /* Undoing twice, or an unknown merge, is refused. */
        assert_err(customer_unmerge(f->db, &f->staff_a, merge_id, &e), e, PCRM_ERULE, NULL);
        assert_err(customer_unmerge(f->db, &f->staff_a, merge_id + 100, &e), e, PCRM_ENOTFOUND,
                   NULL);
        assert_err(customer_unmerge(f->db, &f->staff_b, merge_id, &e), e, PCRM_ENOTFOUND, NULL);
        assert_int_equal(
            qint(f->db, "SELECT count(*) FROM audit_log WHERE action = 'customer.unmerge'"), 1);
}

static void test_unmerge_keeps_sealed_rrn_bytes(void **state)
{
        struct fx *f = *state;
        struct customer_input xin = {.name = "김민준", .rrn = RRN_MINJUN};
        struct customer_input yin = {.name = "김민준", .email = "minjun.kim@naver.com"};
        struct intake_result x = take(f, "minwon", "M-1", &xin);
        struct intake_result y = take(f, "web", "W-1", &yin);
        char before[4096], after[4096];
        raw_row(f, x.customer_id, before, sizeof(before));
        int64_t merge_id = merge(f, x.customer_id, y.customer_id);
        struct pcrm_error e = {0};
        assert_err(customer_unmerge(f->db, &f->staff_a, merge_id, &e), e, PCRM_OK, NULL);
        raw_row(f, x.customer_id, after, sizeof(after));
        assert_string_equal(after, before);
        char plain[RRN_SIZE];
        assert_err(customer_reveal_rrn(f->db, &f->staff_a, x.customer_id, "복원 확인", plain,
                                       sizeof(plain), &e),
                   e, PCRM_OK, NULL);
        assert_string_equal(plain, RRN_MINJUN);
}

static void test_unmerge_out_of_order_refused(void **state)
{
        struct fx *f = *state;
        struct customer_input xin = {.name = "김민준", .mobile = "010-1234-5678"};
        struct customer_input yin = {.name = "김민준", .email = "minjun.kim@naver.com"};
        struct customer_input zin = {.name = "김민준", .address = "서울특별시 종로구 세종대로 209"};
        int64_t x = take(f, "minwon", "M-1", &xin).customer_id;
        int64_t y = take(f, "minwon", "M-2", &yin).customer_id;
        int64_t z = take(f, "minwon", "M-3", &zin).customer_id;
        char x0[4096];
        raw_row(f, x, x0, sizeof(x0));
        int64_t m1 = merge(f, x, y);
        int64_t m2 = merge(f, x, z);
        char x2[4096];
        raw_row(f, x, x2, sizeof(x2));

        struct pcrm_error e = {0};
        assert_err(customer_unmerge(f->db, &f->staff_a, m1, &e), e, PCRM_ERULE, NULL);
        char now[4096];
        raw_row(f, x, now, sizeof(now));
        assert_string_equal(now, x2);
        assert_int_equal(load(f, y).merged_into, x);
        assert_int_equal(load(f, z).merged_into, x);

        /* Latest first, then the earlier one. */
        assert_err(customer_unmerge(f->db, &f->staff_a, m2, &e), e, PCRM_OK, NULL);
        assert_int_equal(load(f, z).merged_into, 0);
        assert_string_equal(load(f, x).address, "");
        assert_err(customer_unmerge(f->db, &f->staff_a, m1, &e), e, PCRM_OK, NULL);
        raw_row(f, x, now, sizeof(now));
        assert_string_equal(now, x0);
        assert_int_equal(live_customers(f), 3);
}

/*
 * X absorbs Y (m1), then W absorbs X (m2). Undoing m1 now would hand Y its source back
 * while W still holds Y's data; customer_unmerge may refuse it (PCRM_ERULE) or do it, but
 * once both merges are undone in whatever order it allows, every source record must be
 * back with its own customer and every customer as it was.
 */
static void test_unmerge_when_survivor_merged_later(void **state)
{
        struct fx *f = *state;
        struct customer_input xin = {.name = "김민준", .mobile = "010-1234-5678"};
        struct customer_input yin = {.name = "김민준", .email = "minjun.kim@naver.com"};
        struct customer_input win = {.name = "김민준", .address = "서울특별시 종로구 세종대로 209"};
        struct intake_result x = take(f, "call", "C-1", &xin);
        struct intake_result y = take(f, "web", "W-1", &yin);
        struct intake_result w = take(f, "minwon", "M-1", &win);
        char x0[4096], y0[4096], w0[4096];
        raw_row(f, x.customer_id, x0, sizeof(x0));
        raw_row(f, y.customer_id, y0, sizeof(y0));
        raw_row(f, w.customer_id, w0, sizeof(w0));

        int64_t m1 = merge(f, x.customer_id, y.customer_id);
        int64_t m2 = merge(f, w.customer_id, x.customer_id);
        assert_int_equal(sources_of(f, w.customer_id), 3);

        struct pcrm_error e = {0};
        int rc1 = customer_unmerge(f->db, &f->staff_a, m1, &e);
        if (rc1 == PCRM_ERULE) {
                assert_err(customer_unmerge(f->db, &f->staff_a, m2, &e), e, PCRM_OK, NULL);
                assert_err(customer_unmerge(f->db, &f->staff_a, m1, &e), e, PCRM_OK, NULL);
        } else {
                assert_err(rc1, e, PCRM_OK, NULL);
                assert_err(customer_unmerge(f->db, &f->staff_a, m2, &e), e, PCRM_OK, NULL);
        }
        int64_t on_x = sources_of(f, x.customer_id), on_y = sources_of(f, y.customer_id),
                on_w = sources_of(f, w.customer_id);
        int64_t y_home = qint(f->db, "SELECT customer_id FROM source_records WHERE id = %" PRId64,
                              y.source_record_id);
        if (on_x != 1 || on_y != 1 || on_w != 1 || y_home != y.customer_id)
                fail_msg("after undoing both merges (the earlier first: %s): sources on X %" PRId64
                         ", Y %" PRId64 ", W %" PRId64 "; Y's record W-1 is on customer %" PRId64
                         " (Y is %" PRId64 ", X %" PRId64 "); want 1, 1, 1 and W-1 on Y",
                         rc1 == PCRM_OK ? "allowed" : "refused", on_x, on_y, on_w, y_home,
                         y.customer_id, x.customer_id);
        char now[4096];
        raw_row(f, x.customer_id, now, sizeof(now));
        assert_string_equal(now, x0);
        raw_row(f, y.customer_id, now, sizeof(now));
        assert_string_equal(now, y0);
        raw_row(f, w.customer_id, now, sizeof(now));
        assert_string_equal(now, w0);
        assert_int_equal(live_customers(f), 3);
}

/* ---- the review queue ------------------------------------------------------------- */

/* Two customers that scored between the thresholds; returns the review id. */
static int64_t make_review(struct fx *f, const char *name, const char *id1, const char *id2,
                           int64_t *a, int64_t *b)
{
        struct customer_input first = {.name = name, .mobile = NULL, .address = ADDR_1001};
        struct customer_input second = {.name = name, .address = ADDR_BASE};
        char email[64];
        snprintf(email, sizeof(email), "%s@naver.com", id1);
        first.email = email;
        *a = take(f, "minwon", id1, &first).customer_id;
        struct intake_result r = take(f, "welfare", id2, &second);
        assert_int_equal(r.outcome, INTAKE_NEW);
        assert_int_equal(r.reviews, 1);
        *b = r.customer_id;
        return qint(f->db,
                    "SELECT id FROM match_reviews WHERE customer_a = %" PRId64
                    " AND customer_b = %" PRId64,
                    *a, *b);
}

static void test_review_decide(void **state)
{
        struct fx *f = *state;
        int64_t a1, b1, a2, b2;
        int64_t r1 = make_review(f, "김민준", "m-1", "w-1", &a1, &b1);
        int64_t r2 = make_review(f, "이서연", "m-2", "w-2", &a2, &b2);
        struct pcrm_error e = {0};

        static const char *const bad[] = {"maybe", "", "MERGE", "merged", NULL};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                int rc = match_review_decide(f->db, &f->staff_a, r1, bad[i], &e);
                if (rc != PCRM_EINVALID || strcmp(e.field, "decision"))
                        fail_msg("decision \"%s\": %s field \"%s\", want invalid field decision",
                                 bad[i] ? bad[i] : "(null)", err_code_name(rc), e.field);
        }
        assert_int_equal(qint(f->db, "SELECT count(*) FROM match_reviews WHERE status = 'open'"),
                         2);

        set_now(T0 + 5 * MINUTE);
        assert_err(match_review_decide(f->db, &f->staff_a, r1, "merge", &e), e, PCRM_OK, NULL);
        assert_int_equal(load(f, b1).merged_into, a1);
        assert_int_equal(load(f, a1).merged_into, 0);
        assert_string_equal(load(f, a1).address, ADDR_1001);
        assert_int_equal(sources_of(f, a1), 2);
        char status[16], by[64];
        qtext(f->db, status, sizeof(status), "SELECT status FROM match_reviews WHERE id = %" PRId64,
              r1);
        assert_string_equal(status, "merged");
        qtext(f->db, by, sizeof(by), "SELECT decided_by FROM match_reviews WHERE id = %" PRId64,
              r1);
        assert_string_equal(by, "kim.minwon");
        assert_int_equal(
            qint(f->db, "SELECT decided_at FROM match_reviews WHERE id = %" PRId64, r1),
            T0 + 5 * MINUTE);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM customer_merges WHERE survivor_id = %" PRId64
                              " AND merged_id = %" PRId64,
                              a1, b1),
                         1);

        assert_err(match_review_decide(f->db, &f->staff_a, r2, "distinct", &e), e, PCRM_OK, NULL);
        qtext(f->db, status, sizeof(status), "SELECT status FROM match_reviews WHERE id = %" PRId64,
              r2);
        assert_string_equal(status, "distinct");
        assert_int_equal(load(f, a2).merged_into, 0);
        assert_int_equal(load(f, b2).merged_into, 0);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM audit_log WHERE action ="
                              " 'match_review.distinct' AND target_id = '%" PRId64 "'",
                              r2),
                         1);

        /* Decided reviews stay decided; unknown and foreign reviews are not found. */
        assert_err(match_review_decide(f->db, &f->staff_a, r1, "distinct", &e), e, PCRM_ERULE,
                   NULL);
        assert_err(match_review_decide(f->db, &f->staff_a, r2, "merge", &e), e, PCRM_ERULE, NULL);
        assert_int_equal(load(f, b2).merged_into, 0);
        assert_err(match_review_decide(f->db, &f->staff_a, r2 + 100, "merge", &e), e,
                   PCRM_ENOTFOUND, NULL);
        int64_t a3, b3;
        int64_t r3 = make_review(f, "박지훈", "m-3", "w-3", &a3, &b3);
        assert_err(match_review_decide(f->db, &f->staff_b, r3, "merge", &e), e, PCRM_ENOTFOUND,
                   NULL);
        assert_int_equal(load(f, b3).merged_into, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, tl_teardown_fx)
        const struct CMUnitTest tests[] = {
            T(test_first_record_is_new),
            T(test_same_source_id_is_duplicate),
            T(test_same_rrn_other_source_links_and_fills),
            T(test_same_rrn_beats_higher_score),
            T(test_namesakes_stay_apart),
            T(test_namesake_born_same_day_not_linked),
            T(test_father_and_son_stay_apart),
            T(test_name_and_address_goes_to_review),
            T(test_bridging_record_merges_automatically),
            T(test_bridging_record_never_merges_conflicts),
            T(test_source_keeps_fields_and_seals_rrn),
            T(test_intake_refuses_missing_source),
            T(test_intake_rolls_back_with_caller),
            T(test_intake_tenant_isolation),
            T(test_merge_manual),
            T(test_merge_refusals),
            T(test_unmerge_restores_survivor),
            T(test_unmerge_keeps_sealed_rrn_bytes),
            T(test_unmerge_out_of_order_refused),
            T(test_unmerge_when_survivor_merged_later),
            T(test_review_decide),
        };
#undef T
        return cmocka_run_group_tests(tests, group_setup, tl_group_teardown);
}
