/*
 * Unit tests for customer/consent: the consent ledger (consent_record), the one question
 * every feature asks (consent_may_use) and the per-purpose, per-channel states
 * (consent_states).
 *
 * Every test gets a fresh migrated database with two tenants, 부산광역시 해운대구 (A) and
 * 서울특별시 종로구 (B), three customers of A (김민준, 이서연, 박지훈) and one of B, and a
 * clock pinned at 2026-09-23 10:00 KST.
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
#include "store/db.h"
#include "store/migrate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0     INT64_C(1790125200000) /* 2026-09-23T10:00:00+09:00 */
#define MINUTE INT64_C(60000)

struct fx {
        struct store_db *db;
        struct tenant a, b;
        struct actor staff_a, staff_b;
        int64_t minjun, seoyeon, jihoon; /* tenant A */
        int64_t foreign;                 /* tenant B */
};

static const char *const purposes[] = {"complaint_handling", "status_notice", "proactive_service",
                                       "campaign",           "survey",        "sensitive_profile"};
static const char *const channels[] = {"sms", "email", "phone", "mail"};
#define N_PURPOSES (sizeof(purposes) / sizeof(purposes[0]))
#define N_CHANNELS (sizeof(channels) / sizeof(channels[0]))

/* ---- helpers ---------------------------------------------------------------------- */

static int64_t add_customer(struct store_db *db, int64_t tenant_id, const char *name,
                            const char *mobile)
{
        struct customer_input in = {.name = name, .mobile = mobile};
        struct customer_clean c;
        int64_t id = 0;
        customer_cleanse(&in, &c);
        if (customer_insert(db, tenant_id, &c, &id) != 0)
                fail_msg("customer_insert: %s", store_errmsg(db));
        return id;
}

static int record(struct fx *f, int64_t id, const char *purpose, const char *channel, bool granted,
                  const char *source)
{
        struct pcrm_error e = {0};
        int rc = consent_record(f->db, &f->staff_a, id, purpose, channel, granted, source, &e);
        if (rc != PCRM_OK)
                fail_msg("consent_record(%" PRId64 ", %s, %s, %d, %s): %s (%s: %s)", id, purpose,
                         channel, granted, source, err_code_name(rc), e.field, e.message);
        return rc;
}

static int64_t events(struct fx *f)
{
        return qint(f->db, "SELECT count(*) FROM consent_events");
}

static int64_t consent_audits(struct fx *f)
{
        return qint(f->db, "SELECT count(*) FROM audit_log WHERE action LIKE 'consent.%%'");
}

/* ---- fixtures --------------------------------------------------------------------- */

static int group_setup(void **state)
{
        (void)state;
        return tl_group_setup("consent");
}

static int setup(void **state)
{
        struct fx *f = calloc(1, sizeof(*f));
        if (!f)
                return -1;
        *state = f;
        set_now(T0);
        if (tl_open_db("consent", &f->db) < 0 || tl_add_tenants(f->db, &f->a, &f->b) != PCRM_OK)
                return -1;
        f->staff_a = tl_staff(&f->a, 11, "kim.sangdam", ROLE_AGENT);
        f->staff_b = tl_staff(&f->b, 21, "park.sangdam", ROLE_AGENT);
        f->minjun = add_customer(f->db, f->a.id, "김민준", "010-1234-5678");
        f->seoyeon = add_customer(f->db, f->a.id, "이서연", "010-2345-6789");
        f->jihoon = add_customer(f->db, f->a.id, "박지훈", "010-3456-7890");
        f->foreign = add_customer(f->db, f->b.id, "최유진", "010-4567-8901");
        return 0;
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_lists(void **state)
{
        (void)state;
        size_t n = 0;
        for (; consent_purposes[n]; n++) {
                assert_true(n < N_PURPOSES);
                assert_string_equal(consent_purposes[n], purposes[n]);
                assert_true(consent_purpose_valid(purposes[n]));
        }
        assert_int_equal(n, N_PURPOSES);
        for (n = 0; consent_channels[n]; n++) {
                assert_true(n < N_CHANNELS);
                assert_string_equal(consent_channels[n], channels[n]);
                assert_true(consent_channel_valid(channels[n]));
        }
        assert_int_equal(n, N_CHANNELS);
        const char *bad[] = {"", "marketing", "SMS", "sms ", "kakao", "문자", NULL};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                assert_false(consent_purpose_valid(bad[i]));
                assert_false(consent_channel_valid(bad[i]));
        }
        assert_false(consent_purpose_valid("sms"));
        assert_false(consent_channel_valid("campaign"));
}

static void test_complaint_handling_always_allowed(void **state)
{
        struct fx *f = *state;
        for (size_t c = 0; c < N_CHANNELS; c++)
                assert_int_equal(
                    consent_may_use(f->db, f->a.id, f->minjun, "complaint_handling", channels[c]),
                    1);
        /* A withdrawal does not take away the legal basis of the resident's own complaint. */
        record(f, f->minjun, "complaint_handling", "sms", false, "phone");
        assert_int_equal(consent_may_use(f->db, f->a.id, f->minjun, "complaint_handling", "sms"),
                         1);
}

static void test_denied_by_default(void **state)
{
        struct fx *f = *state;
        for (size_t p = 1; p < N_PURPOSES; p++)
                for (size_t c = 0; c < N_CHANNELS; c++) {
                        int got =
                            consent_may_use(f->db, f->a.id, f->seoyeon, purposes[p], channels[c]);
                        if (got != 0)
                                fail_msg("%s/%s without consent: %d, want 0", purposes[p],
                                         channels[c], got);
                }
}

/* A sequence of events on one customer and the answer after each. */
static const struct {
        const char *purpose, *channel;
        bool granted;
        int64_t at_min;
        /* the answers after this event */
        int status_sms, status_email, campaign_sms;
} ledger_steps[] = {
    {"status_notice", "sms", true, 1, 1, 0, 0},
    {"status_notice", "sms", false, 2, 0, 0, 0},  /* withdrawn: latest wins */
    {"status_notice", "sms", true, 3, 1, 0, 0},   /* granted again */
    {"status_notice", "email", true, 4, 1, 1, 0}, /* another channel */
    {"campaign", "sms", true, 5, 1, 1, 1},        /* another purpose */
    {"status_notice", "sms", false, 5, 0, 1, 1},  /* same minute as the grant before */
    {"status_notice", "sms", true, 5, 1, 1, 1},
    {"status_notice", "sms", false, 5, 0, 1, 1},
    {"campaign", "sms", false, 6, 0, 1, 0},
};

static void test_grant_withdraw_latest_wins(void **state)
{
        struct fx *f = *state;
        for (size_t i = 0; i < sizeof(ledger_steps) / sizeof(ledger_steps[0]); i++) {
                set_now(T0 + ledger_steps[i].at_min * MINUTE);
                record(f, f->minjun, ledger_steps[i].purpose, ledger_steps[i].channel,
                       ledger_steps[i].granted, "web");
                int s_sms = consent_may_use(f->db, f->a.id, f->minjun, "status_notice", "sms");
                int s_email = consent_may_use(f->db, f->a.id, f->minjun, "status_notice", "email");
                int c_sms = consent_may_use(f->db, f->a.id, f->minjun, "campaign", "sms");
                if (s_sms != ledger_steps[i].status_sms ||
                    s_email != ledger_steps[i].status_email ||
                    c_sms != ledger_steps[i].campaign_sms)
                        fail_msg("after step %zu (%s/%s %s): status sms %d email %d, campaign sms"
                                 " %d; want %d %d %d",
                                 i, ledger_steps[i].purpose, ledger_steps[i].channel,
                                 ledger_steps[i].granted ? "grant" : "withdraw", s_sms, s_email,
                                 c_sms, ledger_steps[i].status_sms, ledger_steps[i].status_email,
                                 ledger_steps[i].campaign_sms);
                /* Other channels and other customers are untouched. */
                assert_int_equal(
                    consent_may_use(f->db, f->a.id, f->minjun, "status_notice", "phone"), 0);
                assert_int_equal(
                    consent_may_use(f->db, f->a.id, f->minjun, "status_notice", "mail"), 0);
                assert_int_equal(
                    consent_may_use(f->db, f->a.id, f->seoyeon, "status_notice", "sms"), 0);
        }
        assert_int_equal(events(f), sizeof(ledger_steps) / sizeof(ledger_steps[0]));
}

static void test_channel_specific(void **state)
{
        struct fx *f = *state;
        record(f, f->jihoon, "proactive_service", "sms", true, "visit");
        static const struct {
                const char *purpose, *channel;
                int want;
        } cases[] = {
            {"proactive_service", "sms", 1},
            {"proactive_service", "email", 0},
            {"proactive_service", "phone", 0},
            {"proactive_service", "mail", 0},
            {"status_notice", "sms", 0},
            {"campaign", "sms", 0},
            {"survey", "sms", 0},
            {"sensitive_profile", "sms", 0},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int got =
                    consent_may_use(f->db, f->a.id, f->jihoon, cases[i].purpose, cases[i].channel);
                if (got != cases[i].want)
                        fail_msg("sms granted for proactive_service; %s/%s = %d, want %d",
                                 cases[i].purpose, cases[i].channel, got, cases[i].want);
        }
}

static void test_invalid_record_refused(void **state)
{
        struct fx *f = *state;
        static const struct {
                const char *purpose, *channel, *source, *field;
        } cases[] = {
            {"marketing", "sms", "web", "purpose"},
            {"", "sms", "web", "purpose"},
            {NULL, "sms", "web", "purpose"},
            {"Status_Notice", "sms", "web", "purpose"},
            {"status_notice", "kakao", "web", "channel"},
            {"status_notice", "", "web", "channel"},
            {"status_notice", NULL, "web", "channel"},
            {"status_notice", "SMS", "web", "channel"},
            {"status_notice", "sms", "", "source"},
            {"status_notice", "sms", NULL, "source"},
            {"status_notice", "sms", "방문 상담 후 종이 동의서로 받음 (민원여권과 창구)",
             "source"}, /* longer than 31 bytes */
            {"status_notice", "sms", "web\xff", "source"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct pcrm_error e = {0};
                int rc = consent_record(f->db, &f->staff_a, f->minjun, cases[i].purpose,
                                        cases[i].channel, true, cases[i].source, &e);
                if (rc != PCRM_EINVALID || strcmp(e.field, cases[i].field))
                        fail_msg("case %zu: %s field \"%s\", want invalid field \"%s\"", i,
                                 err_code_name(rc), e.field, cases[i].field);
        }
        assert_int_equal(events(f), 0);
        assert_int_equal(consent_audits(f), 0);
        assert_int_equal(consent_may_use(f->db, f->a.id, f->minjun, "status_notice", "sms"), 0);
}

static void test_unknown_or_foreign_customer(void **state)
{
        struct fx *f = *state;
        struct pcrm_error e = {0};
        /* Tenant A cannot record consent for tenant B's customer, nor for no one. */
        int rc =
            consent_record(f->db, &f->staff_a, f->foreign, "status_notice", "sms", true, "web", &e);
        assert_int_equal(rc, PCRM_ENOTFOUND);
        rc = consent_record(f->db, &f->staff_a, f->foreign + 100, "status_notice", "sms", true,
                            "web", &e);
        assert_int_equal(rc, PCRM_ENOTFOUND);
        assert_int_equal(events(f), 0);
        assert_int_equal(consent_audits(f), 0);

        /* B's own grant is B's: A asking about that id hears no. */
        assert_int_equal(
            consent_record(f->db, &f->staff_b, f->foreign, "status_notice", "sms", true, "web", &e),
            PCRM_OK);
        assert_int_equal(consent_may_use(f->db, f->b.id, f->foreign, "status_notice", "sms"), 1);
        assert_int_equal(consent_may_use(f->db, f->a.id, f->foreign, "status_notice", "sms"), 0);
        assert_int_equal(consent_may_use(f->db, f->a.id, f->foreign, "complaint_handling", "sms"),
                         0);
        assert_int_equal(
            consent_may_use(f->db, f->a.id, f->foreign + 100, "complaint_handling", "sms"), 0);

        /* Unknown purposes and channels are never allowed. */
        assert_int_equal(consent_may_use(f->db, f->b.id, f->foreign, "marketing", "sms"), 0);
        assert_int_equal(consent_may_use(f->db, f->b.id, f->foreign, "status_notice", "fax"), 0);
        assert_int_equal(consent_may_use(f->db, f->b.id, f->foreign, NULL, "sms"), 0);
        assert_int_equal(consent_may_use(f->db, f->b.id, f->foreign, "status_notice", NULL), 0);

        struct consent_state states[24];
        size_t n = 99;
        assert_int_equal(consent_states(f->db, f->a.id, f->foreign, states, &n), -1);
}

static void test_merged_customer_answered_by_survivor(void **state)
{
        struct fx *f = *state;
        /* 김민준 entered twice; the second record is merged into the first. */
        int64_t dup = add_customer(f->db, f->a.id, "김민준", "010-1234-5678");
        record(f, dup, "survey", "email", true, "paper"); /* before the merge: moves */
        int64_t merge_id = 0;
        struct pcrm_error e = {0};
        assert_int_equal(
            customer_merge(f->db, &f->staff_a, f->minjun, dup, "manual", &merge_id, &e), PCRM_OK);

        assert_int_equal(consent_may_use(f->db, f->a.id, dup, "survey", "email"), 1);
        assert_int_equal(consent_may_use(f->db, f->a.id, f->minjun, "survey", "email"), 1);

        /* A grant on the survivor answers for the merged id ... */
        record(f, f->minjun, "status_notice", "sms", true, "web");
        assert_int_equal(consent_may_use(f->db, f->a.id, dup, "status_notice", "sms"), 1);
        /* ... and a withdrawal recorded against the merged id lands on the survivor. */
        record(f, dup, "status_notice", "sms", false, "phone");
        assert_int_equal(consent_may_use(f->db, f->a.id, f->minjun, "status_notice", "sms"), 0);
        assert_int_equal(consent_may_use(f->db, f->a.id, dup, "status_notice", "sms"), 0);
        assert_int_equal(
            qint(f->db, "SELECT count(*) FROM consent_events WHERE customer_id = %" PRId64, dup),
            0);
        char target[32];
        snprintf(target, sizeof(target), "%" PRId64, f->minjun);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM audit_log WHERE action = 'consent.withdraw'"
                              " AND target_id = '%s'",
                              target),
                         1);

        struct consent_state s1[24], s2[24];
        size_t n1 = 0, n2 = 0;
        assert_int_equal(consent_states(f->db, f->a.id, dup, s1, &n1), 0);
        assert_int_equal(consent_states(f->db, f->a.id, f->minjun, s2, &n2), 0);
        assert_int_equal(n1, 24);
        assert_int_equal(n2, 24);
        for (size_t i = 0; i < 24; i++) {
                assert_int_equal(s1[i].granted, s2[i].granted);
                assert_int_equal(s1[i].at, s2[i].at);
        }
}

static void test_states(void **state)
{
        struct fx *f = *state;
        struct consent_state s[24];
        size_t n = 0;
        memset(s, 0x5A, sizeof(s));
        assert_int_equal(consent_states(f->db, f->a.id, f->seoyeon, s, &n), 0);
        assert_int_equal(n, 24);
        for (size_t i = 0; i < n; i++) {
                assert_string_equal(s[i].purpose, purposes[i / N_CHANNELS]);
                assert_string_equal(s[i].channel, channels[i % N_CHANNELS]);
                assert_int_equal(s[i].granted, i < N_CHANNELS); /* complaint_handling */
                assert_int_equal(s[i].at, 0);
                assert_string_equal(s[i].source, "");
        }

        set_now(T0 + 3 * MINUTE);
        record(f, f->seoyeon, "status_notice", "sms", true, "web");
        set_now(T0 + 4 * MINUTE);
        record(f, f->seoyeon, "campaign", "mail", true, "paper");
        set_now(T0 + 5 * MINUTE);
        record(f, f->seoyeon, "campaign", "mail", false, "phone");
        assert_int_equal(consent_states(f->db, f->a.id, f->seoyeon, s, &n), 0);
        assert_int_equal(n, 24);
        const size_t status_sms = 1 * N_CHANNELS + 0, campaign_mail = 3 * N_CHANNELS + 3;
        for (size_t i = 0; i < n; i++) {
                if (i == status_sms) {
                        assert_true(s[i].granted);
                        assert_int_equal(s[i].at, T0 + 3 * MINUTE);
                        assert_string_equal(s[i].source, "web");
                } else if (i == campaign_mail) {
                        assert_false(s[i].granted);
                        assert_int_equal(s[i].at, T0 + 5 * MINUTE);
                        assert_string_equal(s[i].source, "phone");
                } else {
                        assert_int_equal(s[i].granted, i < N_CHANNELS);
                        assert_int_equal(s[i].at, 0);
                }
        }
        /* The states agree with consent_may_use everywhere. */
        for (size_t i = 0; i < n; i++)
                assert_int_equal(
                    consent_may_use(f->db, f->a.id, f->seoyeon, s[i].purpose, s[i].channel),
                    s[i].granted ? 1 : 0);
}

static void test_every_record_audited(void **state)
{
        struct fx *f = *state;
        static const struct {
                const char *purpose, *channel;
                bool granted;
        } steps[] = {
            {"status_notice", "sms", true},
            {"status_notice", "sms", false},
            {"survey", "email", true},
            {"sensitive_profile", "phone", false},
        };
        for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
                set_now(T0 + (int64_t)i * MINUTE);
                record(f, f->jihoon, steps[i].purpose, steps[i].channel, steps[i].granted, "visit");
        }
        assert_int_equal(consent_audits(f), 4);
        struct store_stmt *st = store_prepare(
            f->db, "SELECT action, target_type, target_id, actor_name, at, detail, tenant_id"
                   " FROM audit_log WHERE action LIKE 'consent.%' ORDER BY id");
        char target[32];
        snprintf(target, sizeof(target), "%" PRId64, f->jihoon);
        for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
                assert_int_equal(store_step(st), STORE_ROW);
                assert_string_equal(store_col_text(st, 0),
                                    steps[i].granted ? "consent.grant" : "consent.withdraw");
                assert_string_equal(store_col_text(st, 1), "customer");
                assert_string_equal(store_col_text(st, 2), target);
                assert_string_equal(store_col_text(st, 3), "kim.sangdam");
                assert_int_equal(store_col_int(st, 4), T0 + (int64_t)i * MINUTE);
                assert_non_null(strstr(store_col_text(st, 5), steps[i].purpose));
                assert_non_null(strstr(store_col_text(st, 5), steps[i].channel));
                assert_int_equal(store_col_int(st, 6), f->a.id);
        }
        assert_int_equal(store_step(st), STORE_DONE);
        store_done(st);
        /* The ledger rows carry who and how. */
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM consent_events WHERE customer_id = %" PRId64
                              " AND source = 'visit' AND actor LIKE '%%kim.sangdam%%'",
                              f->jihoon),
                         4);
        struct audit_verify_result r;
        assert_int_equal(audit_verify(f->db, &r), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, tl_teardown_fx)
        const struct CMUnitTest tests[] = {
            T(test_lists),
            T(test_complaint_handling_always_allowed),
            T(test_denied_by_default),
            T(test_grant_withdraw_latest_wins),
            T(test_channel_specific),
            T(test_invalid_record_refused),
            T(test_unknown_or_foreign_customer),
            T(test_merged_customer_answered_by_survivor),
            T(test_states),
            T(test_every_record_audited),
        };
#undef T
        return cmocka_run_group_tests(tests, group_setup, tl_group_teardown);
}
