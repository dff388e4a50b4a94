/* The call-centre queues (notify/calls.h): planning Plus- and Happy-Calls, flagging a
 * Catch-Call, claiming and completing with Table 3-2 answers. */
#include "auth/audit.h"
#include "base/time.h"
#include "notify/calls.h"
#include "testlib.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct fx {
        struct store_db *db;
        struct tenant a;
        struct actor op, officer;
        int64_t officer_id;
};

static int group_setup(void **state)
{
        (void)state;
        return tl_group_setup("calls");
}

static int setup(void **state)
{
        struct fx *f = calloc(1, sizeof(*f));
        if (!f || tl_open_db("calls", &f->db) < 0 ||
            tl_add_tenant(f->db, "busan", "부산광역시", &f->a))
                return -1;
        f->op = tl_operator(f->a.id);
        int64_t dept = tl_add_dept(f->db, &f->op, "parking", "주차관리과", 0);
        struct user u;
        if (!dept || tl_add_user(f->db, &f->op, "parking1", "한서준", "a-long-password-1",
                                 ROLE_OFFICER, dept, &u) != PCRM_OK)
                return -1;
        f->officer_id = u.id;
        f->officer = tl_staff(&f->a, u.id, "parking1", ROLE_OFFICER);
        *state = f;
        return 0;
}

/* A customer with or without a mobile, and a complaint of it in a given state. */
static int64_t customer(struct fx *f, const char *name, const char *mobile)
{
        qexec(f->db,
              "INSERT INTO customers (tenant_id, name, name_key, mobile, created_at, updated_at)"
              " VALUES (%" PRId64 ", '%s', '%s', %s%s%s, 0, 0)",
              f->a.id, name, name, mobile ? "'" : "", mobile ? mobile : "NULL", mobile ? "'" : "");
        return qint(f->db, "SELECT max(id) FROM customers");
}

static int64_t complaint(struct fx *f, int64_t id, int64_t customer_id, const char *status,
                         int64_t answered_at)
{
        qexec(
            f->db,
            "INSERT INTO complaints (id, tenant_id, receipt_no, title, body, channel, customer_id,"
            " status, period, received_at, due_at, answered_at, created_at, updated_at)"
            " VALUES (%" PRId64 ", %" PRId64 ", '2026-%06" PRId64 "', '불법 주차', '단속 요청',"
            " 'phone', %" PRId64 ", '%s', '7d', 0, 0, NULL, 0, 0)",
            id, f->a.id, id, customer_id, status);
        if (answered_at)
                qexec(f->db, "UPDATE complaints SET answered_at = %" PRId64 " WHERE id = %" PRId64,
                      answered_at, id);
        return id;
}

static void test_plan_plus_and_happy(void **state)
{
        struct fx *f = *state;
        int64_t now = INT64_C(1795000000000);
        int64_t no_contact = customer(f, "김영자", NULL),
                texted = customer(f, "박민수", "010-1234-5678");
        complaint(f, 1, no_contact, "in_progress", 0);                /* plus */
        complaint(f, 2, texted, "in_progress", 0);                    /* can be texted: no plus */
        complaint(f, 3, no_contact, "closed", 0);                     /* finished: no plus */
        complaint(f, 105, texted, "answered", now - 86400000);        /* id % 100 = 5: sampled */
        complaint(f, 150, texted, "answered", now - 86400000);        /* 50: not sampled */
        complaint(f, 110, texted, "answered", now - 30 * 86400000LL); /* too old */
        assert_int_equal(calls_plan(f->db, now), 2);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM call_tasks WHERE kind = 'plus'"
                                     " AND complaint_id = 1"),
                         1);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM call_tasks WHERE kind = 'happy'"
                                     " AND complaint_id = 105"),
                         1);
        /* planning again adds nothing */
        assert_int_equal(calls_plan(f->db, now + 1000), 0);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM call_tasks"), 2);
}

static void test_catch_call_due_today_and_completed(void **state)
{
        struct fx *f = *state;
        int64_t c = customer(f, "이순자", "010-2222-3333");
        /* Friday 2026-11-27 10:00 KST: due the same day at 18:00 */
        set_now(INT64_C(1795741200000));
        int64_t id = 0;
        struct pcrm_error e = {0};
        assert_int_equal(
            calls_flag_catch(f->db, &f->officer, c, NULL, "창구에서 언성을 높이고 가심", &id, &e),
            PCRM_OK);
        assert_int_equal(qint(f->db, "SELECT due_at FROM call_tasks WHERE id = %" PRId64, id),
                         INT64_C(1795770000000));
        assert_int_equal(qint(f->db, "SELECT assigned_to FROM call_tasks WHERE id = %" PRId64, id),
                         f->officer_id);
        /* Friday 19:00: the next working day is Monday 11-30 */
        set_now(INT64_C(1795773600000));
        int64_t late = 0;
        assert_int_equal(calls_flag_catch(f->db, &f->officer, c, NULL, "전화로 항의", &late, &e),
                         PCRM_OK);
        assert_int_equal(qint(f->db, "SELECT due_at FROM call_tasks WHERE id = %" PRId64, late),
                         INT64_C(1796029200000));
        unsetenv("PCRM_FAKE_NOW_MS");
        /* claim, then complete; a second claim and a complete by someone else are refused */
        assert_int_equal(calls_claim(f->db, &f->officer, id, &e), PCRM_OK);
        assert_int_equal(calls_claim(f->db, &f->officer, id, &e), PCRM_ECONFLICT);
        struct actor other = tl_staff(&f->a, 999, "other", ROLE_AGENT);
        assert_int_equal(calls_complete(f->db, &other, id, "reached", NULL, NULL, &e),
                         PCRM_ECONFLICT);
        assert_int_equal(
            calls_complete(f->db, &f->officer, id, "reached", NULL, "사과드리고 재안내", &e),
            PCRM_OK);
        assert_int_equal(calls_complete(f->db, &f->officer, id, "reached", NULL, NULL, &e),
                         PCRM_ECONFLICT);
        assert_int_equal(
            qint(f->db, "SELECT count(*) FROM audit_log WHERE action LIKE 'call_task.%%'"), 4);
}

static void test_happy_call_needs_answers(void **state)
{
        struct fx *f = *state;
        int64_t c = customer(f, "최지원", "010-4444-5555");
        complaint(f, 205, c, "answered", time_now_ms() - 3600000);
        assert_int_equal(calls_plan(f->db, time_now_ms()), 1);
        int64_t id = qint(f->db, "SELECT id FROM call_tasks WHERE kind = 'happy'");
        struct pcrm_error e = {0};
        struct call_answers partial = {.overall = 4, .speed = 5};
        assert_int_equal(calls_complete(f->db, &f->officer, id, "reached", &partial, NULL, &e),
                         PCRM_EINVALID);
        assert_string_equal(e.field, "answers");
        struct call_answers bad = {6, 5, 4, 4, 4};
        assert_int_equal(calls_complete(f->db, &f->officer, id, "reached", &bad, NULL, &e),
                         PCRM_EINVALID);
        assert_int_equal(calls_complete(f->db, &f->officer, id, "maybe", NULL, NULL, &e),
                         PCRM_EINVALID);
        assert_string_equal(e.field, "outcome");
        struct call_answers full = {4, 5, 3, 4, 5};
        assert_int_equal(calls_complete(f->db, &f->officer, id, "reached", &full, NULL, &e),
                         PCRM_OK);
        char text[200];
        qtext(f->db, text, sizeof(text), "SELECT answers FROM call_tasks WHERE id = %" PRId64, id);
        assert_string_equal(
            text, "{\"overall\":4,\"speed\":5,\"concreteness\":3,\"clarity\":4,\"ease\":5}");
        /* no_answer needs no answers */
        assert_int_equal(calls_flag_catch(f->db, &f->officer, c, "2026-000205", "불만", &id, &e),
                         PCRM_OK);
        assert_int_equal(calls_complete(f->db, &f->officer, id, "no_answer", NULL, NULL, &e),
                         PCRM_OK);
        /* another customer's complaint and unknown customers are refused */
        int64_t other = customer(f, "정다은", NULL);
        assert_int_equal(
            calls_flag_catch(f->db, &f->officer, other, "2026-000205", "불만", &id, &e),
            PCRM_EINVALID);
        assert_int_equal(calls_flag_catch(f->db, &f->officer, 999999, NULL, "불만", &id, &e),
                         PCRM_ENOTFOUND);
        assert_int_equal(calls_flag_catch(f->db, &f->officer, c, NULL, "", &id, &e), PCRM_EINVALID);
}

static void add_type(struct fx *f, const char *code, int64_t dept)
{
        qexec(f->db,
              "INSERT INTO complaint_types (tenant_id, code, name, kind, period, dept_id,"
              " service_class, evaluation, updated_at) VALUES (%" PRId64 ", '%s', '%s', '고충',"
              " '7d', %" PRId64 ", 'simple', 'satisfaction', 0)",
              f->a.id, code, code, dept);
}

static void test_happy_call_rules_by_type_and_department(void **state)
{
        struct fx *f = *state;
        int64_t parking =
            qint(f->db, "SELECT dept_id FROM users WHERE id = %" PRId64, f->officer_id);
        add_type(f, "REPORT-PARKING", parking);
        add_type(f, "REPORT-TOW", parking);
        struct pcrm_error e = {0};
        /* bad rules change nothing */
        struct happy_rule bad_percent[] = {{NULL, parking, 101}};
        assert_int_equal(calls_rules_put(f->db, &f->op, bad_percent, 1, &e), PCRM_EINVALID);
        assert_string_equal(e.field, "rules");
        struct happy_rule twice[] = {{"REPORT-TOW", 0, 10}, {"REPORT-TOW", 0, 20}};
        assert_int_equal(calls_rules_put(f->db, &f->op, twice, 2, &e), PCRM_EINVALID);
        struct happy_rule unknown[] = {{"NO-SUCH", 0, 10}};
        assert_int_equal(calls_rules_put(f->db, &f->op, unknown, 1, &e), PCRM_EINVALID);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM happy_call_rules"), 0);
        /* every parking answer is called, but never towing ones (the more specific rule) */
        struct happy_rule rules[] = {{NULL, parking, 100}, {"REPORT-TOW", parking, 0}};
        assert_int_equal(calls_rules_put(f->db, &f->op, rules, 2, &e), PCRM_OK);
        int64_t c = customer(f, "오세훈", "010-8888-1111");
        int64_t now = time_now_ms();
        complaint(f, 150, c, "answered", now - 3600000); /* 50 >= 20: unsampled by default */
        complaint(f, 151, c, "answered", now - 3600000);
        complaint(f, 152, c, "answered", now - 3600000); /* another department: default 20% */
        qexec(f->db,
              "UPDATE complaints SET type_code = 'REPORT-PARKING', dept_id = %" PRId64
              " WHERE id = 150",
              parking);
        qexec(f->db,
              "UPDATE complaints SET type_code = 'REPORT-TOW', dept_id = %" PRId64
              " WHERE id = 151",
              parking);
        assert_int_equal(calls_plan(f->db, now), 1);
        assert_int_equal(qint(f->db, "SELECT complaint_id FROM call_tasks WHERE kind = 'happy'"
                                     " AND stage = 'satisfaction'"),
                         150);
        assert_int_equal(
            qint(f->db, "SELECT count(*) FROM audit_log WHERE action = 'call_rules.update'"), 1);
}

static void test_guidance_call_for_long_complaints(void **state)
{
        struct fx *f = *state;
        int64_t c = customer(f, "배수지", "010-6666-7777");
        int64_t now = time_now_ms(), day = 86400000;
        complaint(f, 301, c, "in_progress", 0); /* 30 days, 16 gone: past half */
        complaint(f, 302, c, "in_progress", 0); /* 30 days, 5 gone: not yet */
        complaint(f, 303, c, "in_progress", 0); /* 7 days: not long */
        qexec(f->db,
              "UPDATE complaints SET received_at = %" PRId64 ", due_at = %" PRId64
              " WHERE id = 301",
              now - 16 * day, now + 14 * day);
        qexec(f->db,
              "UPDATE complaints SET received_at = %" PRId64 ", due_at = %" PRId64
              " WHERE id = 302",
              now - 5 * day, now + 25 * day);
        qexec(f->db,
              "UPDATE complaints SET received_at = %" PRId64 ", due_at = %" PRId64
              " WHERE id = 303",
              now - 6 * day, now + day);
        assert_int_equal(calls_plan(f->db, now), 1);
        int64_t id = qint(f->db, "SELECT id FROM call_tasks WHERE stage = 'guidance'"
                                 " AND complaint_id = 301");
        assert_true(id > 0);
        assert_int_equal(calls_plan(f->db, now + 1000), 0);
        /* a guidance call is completed without satisfaction answers */
        struct pcrm_error e = {0};
        assert_int_equal(
            calls_complete(f->db, &f->officer, id, "reached", NULL, "진행상황 안내함", &e),
            PCRM_OK);
        /* after the answer it can still get its satisfaction call (all of them sampled) */
        struct happy_rule all[] = {{NULL, 0, 100}};
        assert_int_equal(calls_rules_put(f->db, &f->op, all, 1, &e), PCRM_OK);
        qexec(f->db,
              "UPDATE complaints SET status = 'answered', answered_at = %" PRId64 " WHERE id = 301",
              now);
        assert_int_equal(calls_plan(f->db, now), 1);
}

static void test_catch_call_to_the_head(void **state)
{
        struct fx *f = *state;
        int64_t c = customer(f, "문채원", "010-1111-9999");
        int64_t dept = qint(f->db, "SELECT dept_id FROM users WHERE id = %" PRId64, f->officer_id);
        f->officer.dept_id = dept;
        int64_t id = 0;
        struct pcrm_error e = {0};
        assert_int_equal(
            calls_flag_catch_to(f->db, &f->officer, c, NULL, "창구 불만", true, &id, &e),
            PCRM_ERULE);
        assert_string_equal(e.field, "to");
        struct user head;
        assert_int_equal(tl_add_user(f->db, &f->op, "parkinghead", "류현우", "a-long-password-2",
                                     ROLE_DEPT_HEAD, dept, &head),
                         PCRM_OK);
        assert_int_equal(
            calls_flag_catch_to(f->db, &f->officer, c, NULL, "창구 불만", true, &id, &e), PCRM_OK);
        assert_int_equal(qint(f->db, "SELECT assigned_to FROM call_tasks WHERE id = %" PRId64, id),
                         head.id);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test_setup_teardown(test_plan_plus_and_happy, setup, tl_teardown_fx),
            cmocka_unit_test_setup_teardown(test_catch_call_due_today_and_completed, setup,
                                            tl_teardown_fx),
            cmocka_unit_test_setup_teardown(test_happy_call_needs_answers, setup, tl_teardown_fx),
            cmocka_unit_test_setup_teardown(test_happy_call_rules_by_type_and_department, setup,
                                            tl_teardown_fx),
            cmocka_unit_test_setup_teardown(test_guidance_call_for_long_complaints, setup,
                                            tl_teardown_fx),
            cmocka_unit_test_setup_teardown(test_catch_call_to_the_head, setup, tl_teardown_fx),
        };
        return cmocka_run_group_tests(tests, group_setup, tl_group_teardown);
}
