/* The outbox (notify/outbox.h) and its templates (notify/template.h): wording checked
 * when saved, notices enqueued once per event × recipient × medium with the consent
 * decision recorded, quiet hours, delivery through the file transport with its contact
 * row, retries with backoff to a dead letter, recovery after a crash mid-send, pacing,
 * and the Table 3-5 report. */
#include "base/buf.h"
#include "base/time.h"
#include "customer/consent.h"
#include "notify/outbox.h"
#include "notify/template.h"
#include "testlib.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2026-11-30 (Mon) 10:00 KST: a working morning outside the quiet hours. */
#define MORNING INT64_C(1796000400000)

struct fx {
        struct store_db *db;
        struct tenant a;
        struct actor op;
        struct notify_settings s;
        struct outbox_pacer pacer;
};

static int group_setup(void **state)
{
        (void)state;
        return tl_group_setup("outbox");
}

static int setup(void **state)
{
        struct fx *f = calloc(1, sizeof(*f));
        if (!f || tl_open_db("outbox", &f->db) < 0 ||
            tl_add_tenant(f->db, "busan", "부산광역시", &f->a))
                return -1;
        f->op = tl_operator(f->a.id);
        unsetenv("PCRM_SMS_URL");
        unsetenv("PCRM_SMTP_URL");
        if (notify_settings_load(&f->s, tl_dir) < 0)
                return -1;
        char path[600];
        snprintf(path, sizeof(path), "%s/outbox-%d.log", tl_dir, tl_db_count);
        snprintf(f->s.channels.outbox_path, sizeof(f->s.channels.outbox_path), "%s", path);
        remove(path);
        outbox_configure(&f->s);
        set_now(MORNING);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        outbox_configure(NULL);
        return tl_teardown_fx(state);
}

static int64_t customer(struct fx *f, const char *name, const char *mobile, const char *email)
{
        qexec(f->db,
              "INSERT INTO customers (tenant_id, name, name_key, mobile, email, created_at,"
              " updated_at) VALUES (%" PRId64 ", '%s', '%s', %s%s%s, %s%s%s, 0, 0)",
              f->a.id, name, name, mobile ? "'" : "", mobile ? mobile : "NULL", mobile ? "'" : "",
              email ? "'" : "", email ? email : "NULL", email ? "'" : "");
        return qint(f->db, "SELECT max(id) FROM customers");
}

static int64_t complaint(struct fx *f, int64_t customer_id)
{
        int64_t id = qint(f->db, "SELECT coalesce(max(id), 0) + 1 FROM complaints");
        qexec(
            f->db,
            "INSERT INTO complaints (id, tenant_id, receipt_no, title, body, channel, customer_id,"
            " status, period, received_at, due_at, created_at, updated_at)"
            " VALUES (%" PRId64 ", %" PRId64 ", '2026-%06" PRId64 "', '가로등 고장',"
            " '우동 가로등이 꺼졌습니다', 'web', %" PRId64 ", 'received', '7d', %" PRId64
            ", %" PRId64 ", 0, 0)",
            id, f->a.id, id, customer_id, MORNING, MORNING + 7 * TIME_MS_PER_DAY);
        return id;
}

static int event(struct fx *f, int64_t complaint_id, int64_t event_id, const char *action)
{
        assert_int_equal(store_begin(f->db), STORE_OK);
        int n = outbox_complaint_event(f->db, f->a.id, complaint_id, event_id, action);
        assert_int_equal(store_commit(f->db), STORE_OK);
        return n;
}

static void test_template_check(void **state)
{
        (void)state;
        struct pcrm_error e;
        assert_int_equal(template_check("body", "{이름}님, {접수번호} 접수. {링크}", 2000, &e),
                         PCRM_OK);
        assert_int_equal(template_check("body", "{이름}님 {주소}", 2000, &e), PCRM_EINVALID);
        assert_string_equal(e.field, "body");
        assert_non_null(strstr(e.message, "{주소}"));
        assert_int_equal(template_check("body", "닫는 괄호만 }", 2000, &e), PCRM_EINVALID);
        assert_int_equal(template_check("body", "여는 괄호만 {이름", 2000, &e), PCRM_EINVALID);
        assert_int_equal(template_check("subject", "가나다라", 3, &e), PCRM_EINVALID);
        assert_string_equal(e.field, "subject");
}

static void test_template_render_and_override(void **state)
{
        struct fx *f = *state;
        struct buf out;
        buf_init(&out, 1024);
        struct template_values v = {.name = "홍길동", .receipt_no = "2026-000123"};
        assert_int_equal(template_render("{이름}님 {접수번호} {담당부서}끝", &v, &out), 0);
        buf_putc(&out, '\0');
        assert_string_equal(out.data, "홍길동님 2026-000123 끝");
        buf_release(&out);

        struct message_template t;
        assert_int_equal(template_get(f->db, f->a.id, "received", "sms", &t, NULL), PCRM_OK);
        assert_false(t.customised);
        assert_non_null(strstr(t.body, "{접수번호}"));
        struct pcrm_error e;
        assert_int_equal(template_put(f->db, &f->op, "received", "sms", NULL, "{오타} 접수", &e),
                         PCRM_EINVALID);
        assert_int_equal(template_put(f->db, &f->op, "received", "sms", NULL,
                                      "[{기관}] {접수번호} 접수 완료", &e),
                         PCRM_OK);
        assert_int_equal(template_get(f->db, f->a.id, "received", "sms", &t, NULL), PCRM_OK);
        assert_true(t.customised);
        assert_string_equal(t.body, "[{기관}] {접수번호} 접수 완료");
        assert_int_equal(template_put(f->db, &f->op, "received", "email", "", "본문", &e),
                         PCRM_EINVALID);
        assert_string_equal(e.field, "subject");
        assert_int_equal(template_put(f->db, &f->op, "nosuch", "sms", NULL, "x", &e),
                         PCRM_ENOTFOUND);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM audit_log WHERE action ="
                                     " 'template.update'"),
                         1);
        assert_int_equal(template_reset(f->db, &f->op, "received", "sms", &e), PCRM_OK);
        assert_int_equal(template_get(f->db, f->a.id, "received", "sms", &t, NULL), PCRM_OK);
        assert_false(t.customised);
}

static void test_quiet_hours(void **state)
{
        struct fx *f = *state;
        int64_t until = 0;
        /* 2026-11-30 21:30 KST = 12:30 UTC: quiet until 2026-12-01 08:00 KST. */
        int64_t evening = MORNING + 11 * 3600000LL + 30 * 60000LL;
        assert_true(outbox_quiet(&f->s, evening, &until));
        char iso[40];
        time_format_kst(until, iso, sizeof(iso));
        assert_string_equal(iso, "2026-12-01T08:00:00+09:00");
        /* 07:59 is quiet, 08:00 is not, 20:59 is not. */
        assert_true(outbox_quiet(&f->s, MORNING - 2 * 3600000LL - 60000, &until));
        time_format_kst(until, iso, sizeof(iso));
        assert_string_equal(iso, "2026-11-30T08:00:00+09:00");
        assert_false(outbox_quiet(&f->s, MORNING - 2 * 3600000LL, NULL));
        assert_false(outbox_quiet(&f->s, MORNING + 10 * 3600000LL + 59 * 60000LL, NULL));
}

static void test_statutory_and_consented_notices(void **state)
{
        struct fx *f = *state;
        int64_t hong = customer(f, "홍길동", "010-1234-5678", "hong@example.kr");
        int64_t c = complaint(f, hong);
        /* No channel chosen: the statutory receipt goes to the mobile only. */
        assert_int_equal(event(f, c, 1, "receive"), 1);
        char text[512];
        qtext(f->db, text, sizeof(text),
              "SELECT medium || ' ' || consent || ' ' || purpose"
              " FROM messages");
        assert_string_equal(text, "sms statutory complaint_handling");
        qtext(f->db, text, sizeof(text), "SELECT body FROM messages");
        assert_non_null(strstr(text, "2026-000001"));
        assert_non_null(strstr(text, "12월 7일(월) 10:00"));
        /* The same event again writes nothing: the key is unique. */
        assert_int_equal(event(f, c, 1, "receive"), 0);
        /* A progress notice without status_notice consent is kept, suppressed, per medium. */
        assert_int_equal(event(f, c, 2, "assign"), 2);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM messages WHERE event = 'assigned'"
                                     " AND status = 'suppressed' AND consent = 'denied'"),
                         2);
        /* Consent to e-mail notices: the next one goes by e-mail, SMS still suppressed. */
        assert_int_equal(
            consent_record(f->db, &f->op, hong, "status_notice", "email", true, "portal", NULL),
            PCRM_OK);
        assert_int_equal(event(f, c, 3, "overdue"), 2);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM messages WHERE event = 'overdue'"
                                     " AND medium = 'email' AND status = 'queued'"
                                     " AND consent = 'granted'"),
                         1);
        /* Statutory notices now follow the chosen medium. */
        assert_int_equal(event(f, c, 4, "answer"), 1);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM messages WHERE event = 'answered'"
                                     " AND medium = 'email'"),
                         1);
        /* Actions that tell the resident nothing, and a resident without contacts. */
        assert_int_equal(event(f, c, 5, "note"), 0);
        int64_t nobody = customer(f, "김영자", NULL, NULL);
        assert_int_equal(event(f, complaint(f, nobody), 6, "receive"), 0);
}

static void test_withdrawn_survey_consent_stops_survey(void **state)
{
        struct fx *f = *state;
        int64_t kim = customer(f, "김민준", "010-2222-3333", NULL);
        int64_t c = complaint(f, kim);
        assert_int_equal(consent_record(f->db, &f->op, kim, "survey", "sms", true, "web", NULL),
                         PCRM_OK);
        assert_int_equal(event(f, c, 10, "close"), 1);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM messages WHERE event = 'survey'"
                                     " AND status = 'queued'"),
                         1);
        assert_int_equal(consent_record(f->db, &f->op, kim, "survey", "sms", false, "portal", NULL),
                         PCRM_OK);
        int64_t c2 = complaint(f, kim);
        assert_int_equal(event(f, c2, 11, "close"), 1);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM messages WHERE complaint_id = %" PRId64
                              " AND status = 'suppressed'",
                              c2),
                         1);
        /* The statutory answer still goes. */
        assert_int_equal(event(f, c2, 12, "answer"), 1);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM messages WHERE complaint_id = %" PRId64
                              " AND status = 'queued'",
                              c2),
                         1);
}

static void test_sms_waits_for_morning(void **state)
{
        struct fx *f = *state;
        int64_t evening = MORNING + 12 * 3600000LL; /* 22:00 KST */
        set_now(evening);
        int64_t c = complaint(f, customer(f, "이서연", "010-4444-5555", "lee@example.kr"));
        assert_int_equal(consent_record(f->db, &f->op, qint(f->db, "SELECT max(id) FROM customers"),
                                        "status_notice", "email", true, "web", NULL),
                         PCRM_OK);
        assert_int_equal(consent_record(f->db, &f->op, qint(f->db, "SELECT max(id) FROM customers"),
                                        "status_notice", "sms", true, "web", NULL),
                         PCRM_OK);
        assert_int_equal(event(f, c, 20, "receive"), 2);
        /* The e-mail goes now; the SMS waits for 08:00. */
        assert_int_equal(outbox_deliver(f->db, &f->s, &f->pacer, evening, 10), 1);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM messages WHERE status = 'sent'"
                                     " AND medium = 'email'"),
                         1);
        assert_int_equal(qint(f->db, "SELECT next_at FROM messages WHERE medium = 'sms'"),
                         MORNING + 22 * 3600000LL);
        assert_int_equal(outbox_deliver(f->db, &f->s, &f->pacer, MORNING + 22 * 3600000LL, 10), 1);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM messages WHERE status = 'sent'"), 2);
}

static size_t count_in_file(const char *path, const char *needle)
{
        FILE *fp = fopen(path, "r");
        if (!fp)
                return 0;
        char line[2048];
        size_t n = 0;
        while (fgets(line, sizeof(line), fp))
                n += strstr(line, needle) != NULL;
        fclose(fp);
        return n;
}

static void test_file_delivery_records_contact(void **state)
{
        struct fx *f = *state;
        int64_t c = complaint(f, customer(f, "박지훈", "010-7777-8888", NULL));
        assert_int_equal(event(f, c, 30, "receive"), 1);
        assert_int_equal(outbox_deliver(f->db, &f->s, &f->pacer, MORNING, 10), 1);
        char text[256];
        qtext(f->db, text, sizeof(text),
              "SELECT status || ' ' || transport || ' ' || class || ' ' || unit_price"
              " FROM messages");
        assert_true(!strcmp(text, "sent file LMS 45.0") || !strcmp(text, "sent file SMS 18.0"));
        assert_int_equal(count_in_file(f->s.channels.outbox_path, "key ev30-sms-c"), 1);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM contacts WHERE channel = 'sms' AND"
                              " direction = 'outbound' AND complaint_id = %" PRId64,
                              c),
                         1);
        /* Nothing is due any more. */
        assert_int_equal(outbox_deliver(f->db, &f->s, &f->pacer, MORNING + 1000, 10), 0);
        assert_int_equal(count_in_file(f->s.channels.outbox_path, "key ev30-sms-c"), 1);
}

static void test_retry_then_dead_letter(void **state)
{
        struct fx *f = *state;
        /* A gateway nobody listens on: every send fails, and may be retried. */
        snprintf(f->s.channels.sms_url, sizeof(f->s.channels.sms_url), "http://127.0.0.1:9/sms");
        f->s.channels.timeout_ms = 500;
        f->s.max_attempts = 3;
        int64_t c = complaint(f, customer(f, "최수아", "010-9999-0000", NULL));
        assert_int_equal(event(f, c, 40, "receive"), 1);
        int64_t now = MORNING;
        assert_int_equal(outbox_deliver(f->db, &f->s, &f->pacer, now, 10), 1);
        assert_int_equal(qint(f->db, "SELECT attempts FROM messages"), 1);
        char status[32];
        qtext(f->db, status, sizeof(status), "SELECT status FROM messages");
        assert_string_equal(status, "queued");
        /* Backoff with jitter: between half and all of the 30 s base. */
        int64_t next = qint(f->db, "SELECT next_at FROM messages");
        int64_t real_now = qint(f->db, "SELECT updated_at FROM messages");
        assert_true(next - real_now >= 15000 && next - real_now <= 30000);
        assert_int_equal(outbox_deliver(f->db, &f->s, &f->pacer, now + 1000, 10), 0);
        for (int i = 0; i < 2; i++) {
                now = qint(f->db, "SELECT next_at FROM messages");
                assert_int_equal(outbox_deliver(f->db, &f->s, &f->pacer, now, 10), 1);
        }
        qtext(f->db, status, sizeof(status), "SELECT status FROM messages");
        assert_string_equal(status, "dead");
        assert_int_equal(qint(f->db, "SELECT attempts FROM messages"), 3);
        assert_false(qtext(f->db, status, sizeof(status), "SELECT last_error FROM messages"));
        assert_int_equal(qint(f->db, "SELECT count(*) FROM contacts"), 0);
}

static void test_recovered_send_is_not_repeated(void **state)
{
        struct fx *f = *state;
        int64_t c = complaint(f, customer(f, "정하은", "010-3333-4444", NULL));
        assert_int_equal(event(f, c, 50, "receive"), 1);
        assert_int_equal(event(f, c, 51, "request_supplement"), 1);
        /* The process wrote the first to the file, then died before recording it: */
        assert_int_equal(outbox_deliver(f->db, &f->s, &f->pacer, MORNING, 10), 2);
        qexec(f->db, "UPDATE messages SET status = 'sending', next_at = %" PRId64, MORNING + 1);
        /* ...the second was claimed but never written. */
        FILE *fp = fopen(f->s.channels.outbox_path, "r");
        assert_non_null(fp);
        char all[8192];
        size_t n = fread(all, 1, sizeof(all) - 1, fp);
        fclose(fp);
        all[n] = '\0';
        char *second = strstr(all, "=== ");
        second = second ? strstr(second + 4, "=== ") : NULL;
        assert_non_null(second);
        *second = '\0';
        fp = fopen(f->s.channels.outbox_path, "w");
        fputs(all, fp);
        fclose(fp);
        /* After the lease both are handled: the first is not written again, the second is. */
        assert_int_equal(outbox_deliver(f->db, &f->s, &f->pacer, MORNING + 2, 10), 2);
        assert_int_equal(count_in_file(f->s.channels.outbox_path, "key ev50-sms-c"), 1);
        assert_int_equal(count_in_file(f->s.channels.outbox_path, "key ev51-sms-c"), 1);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM messages WHERE status = 'sent'"), 2);
}

static void test_pacing_per_medium(void **state)
{
        struct fx *f = *state;
        f->s.rate_sms = 3;
        for (int i = 0; i < 5; i++) {
                int64_t c = complaint(f, customer(f, "한서준", "010-5555-6666", NULL));
                assert_int_equal(event(f, c, 60 + i, "receive"), 1);
        }
        assert_int_equal(outbox_deliver(f->db, &f->s, &f->pacer, MORNING, 10), 3);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM messages WHERE status = 'sent'"), 3);
        /* The held-back ones lost no attempt. */
        assert_int_equal(qint(f->db, "SELECT max(attempts) FROM messages WHERE status = 'queued'"),
                         0);
        assert_int_equal(outbox_deliver(f->db, &f->s, &f->pacer, MORNING + 1000, 10), 2);
}

static void test_report_table_3_5(void **state)
{
        struct fx *f = *state;
        int64_t c = complaint(f, customer(f, "윤도윤", "010-1212-3434", "yoon@example.kr"));
        assert_int_equal(event(f, c, 70, "receive"), 1);
        assert_int_equal(event(f, c, 71, "assign"), 2); /* suppressed: not counted */
        assert_int_equal(outbox_deliver(f->db, &f->s, &f->pacer, MORNING, 10), 1);
        json_t *r = outbox_report(f->db, f->a.id, 2026);
        assert_non_null(r);
        json_t *rows = json_object_get(r, "rows");
        assert_int_equal(json_array_size(rows), 1);
        json_t *row = json_array_get(rows, 0);
        assert_string_equal(json_string_value(json_object_get(row, "month")), "2026-11");
        assert_int_equal(json_integer_value(json_object_get(row, "count")), 1);
        assert_int_equal(json_integer_value(json_object_get(row, "sent")), 1);
        json_t *total = json_object_get(r, "total");
        assert_int_equal(json_integer_value(json_object_get(total, "suppressed")), 2);
        double cost = json_real_value(json_object_get(total, "cost"));
        assert_true(cost == 18.0 || cost == 45.0);
        json_decref(r);
        r = outbox_report(f->db, f->a.id, 2025);
        assert_int_equal(json_array_size(json_object_get(r, "rows")), 0);
        json_decref(r);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_template_check),
            cmocka_unit_test_setup_teardown(test_template_render_and_override, setup, teardown),
            cmocka_unit_test_setup_teardown(test_quiet_hours, setup, teardown),
            cmocka_unit_test_setup_teardown(test_statutory_and_consented_notices, setup, teardown),
            cmocka_unit_test_setup_teardown(test_withdrawn_survey_consent_stops_survey, setup,
                                            teardown),
            cmocka_unit_test_setup_teardown(test_sms_waits_for_morning, setup, teardown),
            cmocka_unit_test_setup_teardown(test_file_delivery_records_contact, setup, teardown),
            cmocka_unit_test_setup_teardown(test_retry_then_dead_letter, setup, teardown),
            cmocka_unit_test_setup_teardown(test_recovered_send_is_not_repeated, setup, teardown),
            cmocka_unit_test_setup_teardown(test_pacing_per_medium, setup, teardown),
            cmocka_unit_test_setup_teardown(test_report_table_3_5, setup, teardown),
        };
        return cmocka_run_group_tests(tests, group_setup, tl_group_teardown);
}
