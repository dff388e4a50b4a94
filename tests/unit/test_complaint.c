/*
 * Unit tests for complaint: intake (validation, receipt numbers, idempotency, the resident
 * in the customer database, consents, audit), the resident's tracking view with its PIN
 * lock, the workflow (every action from every state, every role, department scope,
 * extensions, the supplement pause) and the overdue watch job.
 *
 * Every test gets a fresh migrated database with the shipped holidays and two tenants,
 * 부산광역시 (A) with three departments and one staff member of each role, and 서울특별시
 * 종로구 (B) with one officer; both have the shipped catalogue of complaint types. The clock
 * is pinned at 2026-09-23 10:00 KST, a Wednesday just before 추석 (09-24..26).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testlib.h"

#include "auth/actor.h"
#include "auth/department.h"
#include "auth/secret.h"
#include "auth/tenant.h"
#include "auth/user.h"
#include "base/log.h"
#include "base/time.h"
#include "complaint/complaint.h"
#include "complaint/deadline.h"
#include "customer/consent.h"
#include "notify/outbox.h"
#include "store/db.h"
#include "store/migrate.h"

#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MINUTE INT64_C(60000)
#define HOUR   (60 * MINUTE)
#define DAY    (24 * HOUR)

#define ROAD    "REPORT-ROAD-DAMAGE" /* 3d = 24 working hours, road-maintenance */
#define PARKING "REPORT-PARKING"     /* 7d in working days, parking */

struct fx {
        struct store_db *db;
        struct tenant a, b;
        int64_t road, parking, recycle, road_b;
        struct user u_officer, u_officer2, u_head, u_agent, u_cs, u_privacy, u_admin, u_officer_b;
        struct actor officer, officer2, head, agent, cs, privacy, admin, officer_b;
        struct actor resident_a, resident_b; /* public intake */
};

/* ---- helpers ---------------------------------------------------------------------- */

static int64_t kst(int year, int month, int day, int hour, int minute)
{
        struct civil_time t = {year, month, day, hour, minute, 0, 0};
        return time_from_civil(&t, TIME_KST_OFFSET_MIN);
}

#define T0 kst(2026, 9, 23, 10, 0)
#define PW "complaint-test-pw"

/* "2026-09-30T10:00:00+09:00", for messages and comparisons that read as dates. */
static const char *show(int64_t ms, char *buf, size_t len)
{
        if (time_format_kst(ms, buf, len) < 0)
                snprintf(buf, len, "%" PRId64, ms);
        return buf;
}

#define assert_time(got, want) check_time(__LINE__, (got), (want))

static void check_time(int line, int64_t got, int64_t want)
{
        char g[40], w[40];
        if (got != want)
                fail_msg("line %d: time %s, want %s", line, show(got, g, sizeof(g)),
                         show(want, w, sizeof(w)));
}

#define assert_err(rc, e, want_code, want_field)                                                   \
        check_err(__LINE__, (rc), &(e), (want_code), (want_field))

static void check_err(int line, int rc, const struct pcrm_error *e, int want_code,
                      const char *want_field)
{
        if (rc != want_code)
                fail_msg("line %d: got %s (%s: %s), want %s", line, err_code_name(rc), e->field,
                         e->message, err_code_name(want_code));
        if (rc != PCRM_OK && want_field && strcmp(e->field, want_field))
                fail_msg("line %d: error names field \"%s\", want \"%s\" (%s)", line, e->field,
                         want_field, e->message);
}

static struct actor actor_of(const struct user *u, const struct tenant *t)
{
        struct actor a = {.kind = ACTOR_USER,
                          .tenant_id = u->tenant_id,
                          .id = u->id,
                          .role = u->role,
                          .dept_id = u->dept_id};
        snprintf(a.tenant_code, sizeof(a.tenant_code), "%s", t->code);
        snprintf(a.name, sizeof(a.name), "%s", u->username);
        return a;
}

static struct actor resident(const struct tenant *t)
{
        struct actor a = {.kind = ACTOR_ANONYMOUS, .tenant_id = t->id};
        snprintf(a.tenant_code, sizeof(a.tenant_code), "%s", t->code);
        snprintf(a.name, sizeof(a.name), "resident");
        return a;
}

/* A pothole report by 홍길동, filed on the web; callers change what they test. */
static struct complaint_input report(void)
{
        struct complaint_input in = {
            .title = "해운대로 도로 파손 신고",
            .body = "해운대구 해운대로 570 앞 차로에 포트홀이 생겼습니다.\n빠른 보수 부탁드립니다.",
            .channel = "web",
            .type_code = ROAD,
            .resident = {.name = "홍길동", .mobile = "010-2345-6789"},
            .has_location = true,
            .lat = 35.1631,
            .lng = 129.1635,
            .public_intake = true,
        };
        return in;
}

/* Files the report (or in) as the resident of tenant A; insists that it succeeds. */
static struct complaint_receipt file_as(struct fx *f, const struct actor *who,
                                        const struct complaint_input *in)
{
        struct complaint_receipt r;
        struct pcrm_error e = {0};
        int rc = complaint_intake(f->db, who, in, &r, &e);
        if (rc != PCRM_OK)
                fail_msg("complaint_intake: %s (%s: %s)", err_code_name(rc), e.field, e.message);
        return r;
}

static struct complaint_receipt file(struct fx *f)
{
        struct complaint_input in = report();
        return file_as(f, &f->resident_a, &in);
}

static struct complaint_receipt file_type(struct fx *f, const char *type_code)
{
        struct complaint_input in = report();
        in.type_code = type_code;
        return file_as(f, &f->resident_a, &in);
}

/* One action; the complaint after it is released here. */
static int act(struct fx *f, const struct actor *who, const char *receipt,
               const struct complaint_action *a, struct pcrm_error *e)
{
        struct complaint c;
        memset(e, 0, sizeof(*e));
        int rc = complaint_act(f->db, who, receipt, a, &c, e);
        if (rc == PCRM_OK)
                complaint_release(&c);
        return rc;
}

#define act_ok(f, who, receipt, ...)                                                               \
        do {                                                                                       \
                struct pcrm_error e_ = {0};                                                        \
                struct complaint_action a_ = {__VA_ARGS__};                                        \
                int rc_ = act((f), (who), (receipt), &a_, &e_);                                    \
                if (rc_ != PCRM_OK)                                                                \
                        fail_msg("line %d: %s: %s (%s: %s)", __LINE__, a_.action,                  \
                                 err_code_name(rc_), e_.field, e_.message);                        \
        } while (0)

static struct complaint get(struct fx *f, const char *receipt)
{
        struct complaint c;
        struct pcrm_error e = {0};
        int rc = complaint_get(f->db, &f->admin, receipt, &c, &e);
        if (rc != PCRM_OK)
                fail_msg("complaint_get %s: %s", receipt, err_code_name(rc));
        return c;
}

static void assert_status(struct fx *f, const char *receipt, const char *want)
{
        struct complaint c = get(f, receipt);
        if (strcmp(c.status, want))
                fail_msg("%s is %s, want %s", receipt, c.status, want);
        complaint_release(&c);
}

static int64_t events(struct fx *f, const char *receipt)
{
        return qint(f->db,
                    "SELECT count(*) FROM complaint_events e JOIN complaints c ON"
                    " c.id = e.complaint_id WHERE c.receipt_no = '%s' AND c.tenant_id = %" PRId64,
                    receipt, f->a.id);
}

static int64_t audits(struct fx *f, const char *action, const char *receipt)
{
        return qint(f->db,
                    "SELECT count(*) FROM audit_log WHERE action = '%s' AND target_id = '%s'",
                    action, receipt);
}

/* Puts a complaint of tenant A in a state directly, as if the steps before had run. */
static void force_state(struct fx *f, const char *receipt, const char *status)
{
        bool paused = !strcmp(status, "awaiting_supplement");
        qexec(f->db,
              "UPDATE complaints SET status = '%s', dept_id = %" PRId64 ", officer_id = %" PRId64
              ", paused_at = %s, extensions = 0, due_at = %" PRId64 ", overdue_at = NULL,"
              " answer = NULL, answered_at = NULL, closed_at = NULL WHERE receipt_no = '%s'"
              " AND tenant_id = %" PRId64,
              status, f->road, f->u_officer.id, paused ? "due_at - 3600000" : "NULL", T0 + 30 * DAY,
              receipt, f->a.id);
}

/* ---- fixtures --------------------------------------------------------------------- */

static int group_setup(void **state)
{
        (void)state;
        sec_set_pwhash_level("min");
        return tl_group_setup("complaint");
}

static int setup(void **state)
{
        struct fx *f = calloc(1, sizeof(*f));
        if (!f)
                return -1;
        *state = f;
        set_now(T0);
        if (tl_open_db("complaint", &f->db) < 0 || deadline_calendar_seed(f->db) < 0)
                return -1;
        if (tl_add_tenant(f->db, "busan", "부산광역시", &f->a) != PCRM_OK ||
            tl_add_tenant(f->db, "jongno", "서울특별시 종로구", &f->b) != PCRM_OK)
                return -1;
        struct actor op_a = tl_operator(f->a.id), op_b = tl_operator(f->b.id);
        f->road = tl_add_dept(f->db, &op_a, "road-maintenance", "도로관리과", 0);
        f->parking = tl_add_dept(f->db, &op_a, "parking", "주차관리과", 0);
        f->recycle = tl_add_dept(f->db, &op_a, "resource-circulation", "자원순환과", 0);
        f->road_b = tl_add_dept(f->db, &op_b, "road-maintenance", "도로과", 0);
        if (!f->road || !f->parking || !f->recycle || !f->road_b)
                return -1;
        if (tl_add_user(f->db, &op_a, "officer", "정하은", PW, ROLE_OFFICER, f->road,
                        &f->u_officer) ||
            tl_add_user(f->db, &op_a, "officer2", "강예준", PW, ROLE_OFFICER, f->recycle,
                        &f->u_officer2) ||
            tl_add_user(f->db, &op_a, "depthead", "최민준", PW, ROLE_DEPT_HEAD, f->road,
                        &f->u_head) ||
            tl_add_user(f->db, &op_a, "agent", "윤지우", PW, ROLE_AGENT, 0, &f->u_agent) ||
            tl_add_user(f->db, &op_a, "csmanager", "박지훈", PW, ROLE_CS_MANAGER, 0, &f->u_cs) ||
            tl_add_user(f->db, &op_a, "privacy", "이서연", PW, ROLE_PRIVACY_OFFICER, 0,
                        &f->u_privacy) ||
            tl_add_user(f->db, &op_a, "admin", "김도윤", PW, ROLE_ADMIN, 0, &f->u_admin) ||
            tl_add_user(f->db, &op_b, "officer", "종로담당", PW, ROLE_OFFICER, f->road_b,
                        &f->u_officer_b))
                return -1;
        f->officer = actor_of(&f->u_officer, &f->a);
        f->officer2 = actor_of(&f->u_officer2, &f->a);
        f->head = actor_of(&f->u_head, &f->a);
        f->agent = actor_of(&f->u_agent, &f->a);
        f->cs = actor_of(&f->u_cs, &f->a);
        f->privacy = actor_of(&f->u_privacy, &f->a);
        f->admin = actor_of(&f->u_admin, &f->a);
        f->officer_b = actor_of(&f->u_officer_b, &f->b);
        f->resident_a = resident(&f->a);
        f->resident_b = resident(&f->b);
        /* B has a road department only: its types of other departments wait in triage. */
        return complaint_types_seed(f->db, f->a.id) > 0 && complaint_types_seed(f->db, f->b.id) > 0
                   ? 0
                   : -1;
}

/* ---- intake ----------------------------------------------------------------------- */

static void test_intake_public(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt r = file(f);
        regex_t re;
        assert_int_equal(regcomp(&re, "^2026-[0-9]{6}$", REG_EXTENDED | REG_NOSUB), 0);
        assert_int_equal(regexec(&re, r.receipt_no, 0, NULL, 0), 0);
        regfree(&re);
        assert_string_equal(r.receipt_no, "2026-000001");
        assert_int_equal(strlen(r.pin), 6);
        assert_int_equal(strspn(r.pin, "0123456789"), 6);
        assert_string_equal(r.status, "received");
        assert_false(r.replayed);
        /* 24 working hours from Wed 10:00: Wed 7h, 추석 and the weekend, Mon 8, Tue 8, Wed 1 */
        assert_time(r.due_at, kst(2026, 9, 30, 10, 0));
        assert_int_equal(r.dept_id, f->road);
        assert_string_equal(r.dept_code, "road-maintenance");
        assert_string_equal(r.dept_name, "도로관리과");
        assert_true(r.customer_id > 0);

        struct complaint c = get(f, r.receipt_no);
        assert_int_equal(c.id, r.id);
        assert_int_equal(c.tenant_id, f->a.id);
        assert_string_equal(c.type_code, ROAD);
        assert_string_equal(c.period, "3d");
        assert_string_equal(c.channel, "web");
        assert_int_equal(c.received_at, T0);
        assert_int_equal(c.dept_id, f->road);
        assert_int_equal(c.officer_id, 0);
        assert_int_equal(c.customer_id, r.customer_id);
        assert_non_null(strstr(c.body, "\n빠른 보수"));
        assert_null(c.answer);
        complaint_release(&c);

        /* the PIN is stored hashed only (sealed only with an Idempotency-Key) */
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM complaints WHERE pin_hash LIKE '%%%s%%'"
                              " OR pin_sealed IS NOT NULL",
                              r.pin),
                         0);
        /* one event, one audit row, one source record, in one transaction */
        assert_int_equal(events(f, r.receipt_no), 1);
        assert_int_equal(audits(f, "complaint.create", r.receipt_no), 1);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM source_records WHERE source = 'complaint'"
                              " AND source_id = '%s' AND customer_id = %" PRId64,
                              r.receipt_no, r.customer_id),
                         1);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM customers WHERE id = %" PRId64
                              " AND name = '홍길동'"
                              " AND tenant_id = %" PRId64,
                              r.customer_id, f->a.id),
                         1);
}

static void test_intake_days_period(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt r = file_type(f, PARKING);
        /* 7 working days, the first included: 9/23, 9/28-30, 10/1, 10/2, 10/6 (10/5 is the
         * substitute holiday for 개천절) */
        assert_time(r.due_at, kst(2026, 10, 6, 18, 0));
        assert_int_equal(r.dept_id, f->parking);
        /* after working hours the count starts the next working day: received Tue 9/22
         * 18:30 counts from 9/23 and ends the same day; at 17:00 the 22nd is day one */
        set_now(kst(2026, 9, 22, 18, 30));
        r = file_type(f, PARKING);
        assert_time(r.due_at, kst(2026, 10, 6, 18, 0));
        set_now(kst(2026, 9, 22, 17, 0));
        r = file_type(f, PARKING);
        assert_time(r.due_at, kst(2026, 10, 2, 18, 0));
}

static void test_intake_staff(void **state)
{
        struct fx *f = *state;
        struct complaint_input in = report();
        in.public_intake = false;
        in.channel = "phone";
        in.resident = (struct customer_input){.name = "방문민원인"}; /* no contact: allowed */
        struct complaint_receipt r = file_as(f, &f->agent, &in);
        assert_string_equal(r.pin, "");
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM complaints WHERE receipt_no = '%s' AND"
                              " pin_hash IS NULL AND channel = 'phone'",
                              r.receipt_no),
                         1);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM complaint_events WHERE complaint_id = %" PRId64
                              " AND actor_id = %" PRId64 " AND actor_name = 'agent'",
                              r.id, f->u_agent.id),
                         1);
        /* no PIN: the public view never opens */
        struct complaint c;
        struct pcrm_error e = {0};
        assert_err(complaint_track(f->db, f->a.id, r.receipt_no, "000000", &c, &e), e,
                   PCRM_ENOTFOUND, NULL);
}

static void test_intake_validation(void **state)
{
        struct fx *f = *state;
        static const char long_title[] =
            "가가가가가가가가가가가가가가가가가가가가가가가가가가가가가가가가가가"
            "가가가가가가가가가가가가가가가가가가가가가가가가가가가가가가가가가가"
            "가가가가가가가가가가가가가가가가가가가가가가가가가가가가가가가가가가"
            "가"; /* 103 characters */
        struct {
                struct complaint_input in;
                const char *field;
        } t[24];
        size_t n = 0;
        t[n].in = report(), t[n].in.title = NULL, t[n++].field = "title";
        t[n].in = report(), t[n].in.title = "", t[n++].field = "title";
        t[n].in = report(), t[n].in.title = "첫 줄\n둘째 줄", t[n++].field = "title";
        t[n].in = report(), t[n].in.title = long_title, t[n++].field = "title";
        t[n].in = report(), t[n].in.body = NULL, t[n++].field = "body";
        t[n].in = report(), t[n].in.body = "", t[n++].field = "body";
        t[n].in = report(), t[n].in.body = "제어\x01문자", t[n++].field = "body";
        t[n].in = report(), t[n].in.channel = NULL, t[n++].field = "channel";
        t[n].in = report(), t[n].in.channel = "pigeon", t[n++].field = "channel";
        t[n].in = report(), t[n].in.channel = "WEB", t[n++].field = "channel";
        t[n].in = report(), t[n].in.type_code = "NO-SUCH-TYPE", t[n++].field = "type_code";
        t[n].in = report(), t[n].in.resident.name = NULL, t[n++].field = "resident.name";
        t[n].in = report(), t[n].in.resident.name = "", t[n++].field = "resident.name";
        t[n].in = report(), t[n].in.resident.mobile = NULL, t[n++].field = "resident.mobile";
        t[n].in = report(), t[n].in.resident.mobile = "", t[n++].field = "resident.mobile";
        t[n].in = report(), t[n].in.lat = 37.77, t[n].in.lng = -122.42, t[n++].field = "location";
        t[n].in = report(), t[n].in.lat = 35.68, t[n].in.lng = 139.69, t[n++].field = "location";
        t[n].in = report(), t[n].in.lat = 0, t[n].in.lng = 0, t[n++].field = "location";
        t[n].in = report(), t[n].in.lat = 40.5, t[n].in.lng = 127.0, t[n++].field = "location";
        for (size_t i = 0; i < n; i++) {
                struct complaint_receipt r;
                struct pcrm_error e = {0};
                int rc = complaint_intake(f->db, &f->resident_a, &t[i].in, &r, &e);
                if (rc != PCRM_EINVALID || strcmp(e.field, t[i].field))
                        fail_msg("case %zu: %s field \"%s\" (%s), want invalid %s", i,
                                 err_code_name(rc), e.field, e.message, t[i].field);
                assert_non_null(strpbrk(e.message, "\xea\xeb\xec\xed")); /* Korean */
        }
        /* nothing was written, and no receipt number was used */
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaints"), 0);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM customers"), 0);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM audit_log WHERE action LIKE"
                                     " 'complaint.%%'"),
                         0);
        assert_string_equal(file(f).receipt_no, "2026-000001");
        /* any one contact will do; inside Korea includes Jeju and Dokdo */
        struct complaint_input ok = report();
        ok.resident.mobile = NULL;
        ok.resident.email = "minwon@example.kr";
        file_as(f, &f->resident_a, &ok);
        ok.resident.email = NULL;
        ok.resident.phone = "051-888-1234";
        ok.lat = 37.2393, ok.lng = 131.8692;
        file_as(f, &f->resident_a, &ok);
        ok.lat = 33.2465, ok.lng = 126.5601;
        ok.has_location = false;
        ok.lat = ok.lng = 0;
        file_as(f, &f->resident_a, &ok);
}

static void test_intake_unusable_contact(void **state)
{
        /* BUG: complaint_intake does not check the contact block as POST /api/v1/customers
         * does; an unusable mobile (the only contact) or an invalid RRN is dropped by
         * cleansing and the complaint is accepted with no way to reach the resident. */
        struct fx *f = *state;
        const struct {
                const char *mobile, *email, *rrn, *field;
        } cases[] = {
            {"010-12", NULL, NULL, "resident.mobile"},
            {"12", NULL, NULL, "resident.mobile"},
            {NULL, "no-at-sign", NULL, "resident.email"},
            {"010-2345-6789", NULL, "900101-1234567", "resident.rrn"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct complaint_input in = report();
                in.resident.mobile = cases[i].mobile;
                in.resident.email = cases[i].email;
                in.resident.rrn = cases[i].rrn;
                struct complaint_receipt r;
                struct pcrm_error e = {0};
                int rc = complaint_intake(f->db, &f->resident_a, &in, &r, &e);
                if (rc != PCRM_EINVALID || strcmp(e.field, cases[i].field))
                        fail_msg("case %zu: %s field \"%s\" (%s), want invalid %s", i,
                                 err_code_name(rc), e.field, e.message, cases[i].field);
        }
}

static void test_intake_triage(void **state)
{
        struct fx *f = *state;
        struct complaint_input in = report();
        in.type_code = NULL;
        in.title = "ZQXJ 9431";
        in.body = "ZQXJ QQQQ 9431 XXXX";
        struct complaint_receipt r = file_as(f, &f->resident_a, &in);
        assert_int_equal(r.dept_id, 0);
        assert_string_equal(r.dept_code, "");
        /* no type: 고충 7 days */
        assert_time(r.due_at, kst(2026, 10, 6, 18, 0));
        struct complaint c = get(f, r.receipt_no);
        assert_string_equal(c.type_code, "");
        assert_string_equal(c.period, "7d");
        complaint_release(&c);
        /* a type whose department the tenant lacks waits in triage too */
        struct complaint_receipt b = file_as(f, &f->resident_b,
                                             &(struct complaint_input){
                                                 .title = "불법 주정차",
                                                 .body = "종로 1가 주정차",
                                                 .channel = "web",
                                                 .type_code = PARKING,
                                                 .resident = {.name = "이종로",
                                                              .mobile = "010-"
                                                                        "3456-"
                                                                        "7890"},
                                                 .public_intake = true,
                                             });
        assert_int_equal(b.dept_id, 0);
}

static void test_receipt_numbers(void **state)
{
        struct fx *f = *state;
        char prev[COMPLAINT_RECEIPT_SIZE] = "";
        for (int i = 1; i <= 5; i++) {
                struct complaint_receipt r = file(f);
                char want[COMPLAINT_RECEIPT_SIZE];
                snprintf(want, sizeof(want), "2026-%06d", i);
                assert_string_equal(r.receipt_no, want);
                assert_true(strcmp(r.receipt_no, prev) > 0);
                snprintf(prev, sizeof(prev), "%s", r.receipt_no);
        }
        /* per tenant */
        struct complaint_input in = report();
        in.type_code = NULL;
        assert_string_equal(file_as(f, &f->resident_b, &in).receipt_no, "2026-000001");
        /* a refused intake uses no number */
        struct complaint_receipt r;
        struct pcrm_error e = {0};
        in = report();
        in.type_code = "NO-SUCH";
        assert_err(complaint_intake(f->db, &f->resident_a, &in, &r, &e), e, PCRM_EINVALID,
                   "type_code");
        assert_string_equal(file(f).receipt_no, "2026-000006");
        /* the year is the KST year of receipt: 2026-12-31 23:30 KST is still 2026 ... */
        set_now(kst(2026, 12, 31, 23, 30));
        assert_string_equal(file(f).receipt_no, "2026-000007");
        /* ... and a new year starts at 000001 (received_at given, as an import would) */
        set_now(kst(2027, 1, 1, 0, 30));
        assert_string_equal(file(f).receipt_no, "2027-000001");
        in = report();
        in.received_at = kst(2027, 3, 2, 9, 0);
        assert_string_equal(file_as(f, &f->resident_a, &in).receipt_no, "2027-000002");
        /* deleting the last complaint does not free its number */
        qexec(f->db, "DELETE FROM complaint_events WHERE complaint_id IN (SELECT id FROM"
                     " complaints WHERE receipt_no = '2027-000002')");
        qexec(f->db, "DELETE FROM messages WHERE complaint_id IN (SELECT id FROM"
                     " complaints WHERE receipt_no = '2027-000002')");
        qexec(f->db, "DELETE FROM complaints WHERE receipt_no = '2027-000002'");
        assert_string_equal(file(f).receipt_no, "2027-000003");
}

static void test_idempotency(void **state)
{
        struct fx *f = *state;
        struct complaint_input in = report();
        in.idempotency_key = "3f1c2a7e-민원-재시도";
        struct complaint_receipt first = file_as(f, &f->resident_a, &in);
        assert_false(first.replayed);
        struct complaint_receipt again = file_as(f, &f->resident_a, &in);
        assert_true(again.replayed);
        assert_int_equal(again.id, first.id);
        assert_string_equal(again.receipt_no, first.receipt_no);
        assert_string_equal(again.pin, first.pin); /* the resident's lost answer, again */
        assert_string_equal(again.status, "received");
        assert_int_equal(again.due_at, first.due_at);
        assert_int_equal(again.customer_id, first.customer_id);
        assert_string_equal(again.dept_code, "road-maintenance");
        assert_string_equal(again.dept_name, "도로관리과");
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaints"), 1);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM source_records"), 1);
        assert_int_equal(audits(f, "complaint.create", first.receipt_no), 1);
        /* the sealed PIN still opens the tracking view */
        struct complaint c;
        struct pcrm_error e = {0};
        assert_err(complaint_track(f->db, f->a.id, first.receipt_no, first.pin, &c, &e), e, PCRM_OK,
                   NULL);
        complaint_release(&c);
        /* the same key in another tenant is another complaint */
        struct complaint_receipt b = file_as(f, &f->resident_b, &in);
        assert_false(b.replayed);
        assert_int_not_equal(b.id, first.id);
        /* another key is another complaint */
        in.idempotency_key = "3f1c2a7e-민원-다른키";
        struct complaint_receipt other = file_as(f, &f->resident_a, &in);
        assert_false(other.replayed);
        assert_string_equal(other.receipt_no, "2026-000002");
}

/* Intake in two steps (public intake prepares on the HTTP thread, writes on the group
 * writer): the prepare step writes nothing, answers a committed replay itself, and the
 * notice written from the intake's own facts reads as one rendered from the stored row. */
static void test_intake_prepare_then_write(void **state)
{
        struct fx *f = *state;
        struct complaint_input in = report();
        in.idempotency_key = "prep-write-1";
        struct complaint_prepared prep;
        struct complaint_receipt r;
        struct pcrm_error e = {0};
        assert_err(complaint_intake_prepare(f->db, &f->resident_a, &in, &prep, &r, &e), e, PCRM_OK,
                   NULL);
        assert_false(r.replayed);
        assert_int_equal(strlen(prep.pin), COMPLAINT_PIN_DIGITS);
        assert_string_equal(prep.dept_code, "road-maintenance");
        assert_string_equal(prep.dept_name, "도로관리과");
        assert_true(prep.due_at > prep.received_at);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaints"), 0);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM source_records"), 0);
        assert_err(complaint_intake_write(f->db, &f->resident_a, &in, &prep, &r, &e), e, PCRM_OK,
                   NULL);
        assert_false(r.replayed);
        assert_string_equal(r.pin, prep.pin);
        assert_int_equal(r.due_at, prep.due_at);
        assert_string_equal(r.dept_name, "도로관리과");
        complaint_prepared_release(&prep);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaints"), 1);

        /* The same notice rendered by reading the complaint back (another event id). */
        assert_int_equal(store_begin(f->db), STORE_OK);
        assert_true(outbox_complaint_event(f->db, f->a.id, r.id, 999999, "receive") > 0);
        assert_int_equal(store_commit(f->db), STORE_OK);
        assert_int_equal(qint(f->db, "SELECT count(DISTINCT body) FROM messages"), 1);
        assert_int_equal(qint(f->db, "SELECT count(DISTINCT coalesce(subject, '')) FROM messages"),
                         1);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM messages"), 2);

        /* A retry after the commit is answered by the prepare step, with the same PIN. */
        struct complaint_receipt again;
        assert_err(complaint_intake_prepare(f->db, &f->resident_a, &in, &prep, &again, &e), e,
                   PCRM_OK, NULL);
        assert_true(again.replayed);
        assert_string_equal(again.receipt_no, r.receipt_no);
        assert_string_equal(again.pin, r.pin);
        complaint_prepared_release(&prep);
}

static void test_intake_resident_and_consents(void **state)
{
        struct fx *f = *state;
        const struct complaint_consent consents[] = {
            {"status_notice", "sms"}, {"survey", "sms"}, {"survey", "email"}};
        struct complaint_input in = report();
        in.consents = consents;
        in.nconsents = 3;
        struct complaint_receipt r = file_as(f, &f->resident_a, &in);
        assert_int_equal(consent_may_use(f->db, f->a.id, r.customer_id, "status_notice", "sms"), 1);
        assert_int_equal(consent_may_use(f->db, f->a.id, r.customer_id, "survey", "email"), 1);
        assert_int_equal(consent_may_use(f->db, f->a.id, r.customer_id, "status_notice", "email"),
                         0);
        assert_int_equal(consent_may_use(f->db, f->a.id, r.customer_id, "campaign", "sms"), 0);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM consent_events WHERE customer_id = %" PRId64
                              " AND source = 'web' AND granted = 1",
                              r.customer_id),
                         3);
        /* the same resident again: the same customer, a second source record */
        struct complaint_receipt again = file(f);
        assert_int_equal(again.customer_id, r.customer_id);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM source_records WHERE customer_id = %" PRId64
                              " AND source = 'complaint'",
                              r.customer_id),
                         2);
        /* a consent to an unknown purpose fails the whole intake */
        const struct complaint_consent bad[] = {{"marketing", "sms"}};
        in.consents = bad;
        in.nconsents = 1;
        struct pcrm_error e = {0};
        struct complaint_receipt x;
        int rc = complaint_intake(f->db, &f->resident_a, &in, &x, &e);
        assert_int_not_equal(rc, PCRM_OK);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaints"), 2);
}

/* ---- tracking --------------------------------------------------------------------- */

static void test_track(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt r = file(f);
        struct complaint c;
        struct pcrm_error e = {0};
        assert_err(complaint_track(f->db, f->a.id, r.receipt_no, r.pin, &c, &e), e, PCRM_OK, NULL);
        assert_string_equal(c.receipt_no, r.receipt_no);
        assert_string_equal(c.status, "received");
        complaint_release(&c);
        char wrong[8];
        snprintf(wrong, sizeof(wrong), "%06d", (atoi(r.pin) + 1) % 1000000);
        const char *bad[] = {wrong, "", "12345", "1234567", NULL};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                memset(&e, 0, sizeof(e));
                assert_err(complaint_track(f->db, f->a.id, r.receipt_no, bad[i], &c, &e), e,
                           PCRM_ENOTFOUND, NULL);
        }
        struct pcrm_error unknown = {0}, wrong_pin = {0};
        assert_int_equal(complaint_track(f->db, f->a.id, "2026-999999", r.pin, &c, &unknown),
                         PCRM_ENOTFOUND);
        assert_int_equal(complaint_track(f->db, f->a.id, r.receipt_no, wrong, &c, &wrong_pin),
                         PCRM_ENOTFOUND);
        assert_string_equal(unknown.field, wrong_pin.field);
        assert_string_equal(unknown.message, wrong_pin.message);
        /* another tenant's receipt of the same number is not this one */
        assert_int_equal(complaint_track(f->db, f->b.id, r.receipt_no, r.pin, &c, &e),
                         PCRM_ENOTFOUND);
        /* the PIN is bound to its receipt */
        struct complaint_receipt r2 = file(f);
        if (strcmp(r2.pin, r.pin))
                assert_int_equal(complaint_track(f->db, f->a.id, r2.receipt_no, r.pin, &c, &e),
                                 PCRM_ENOTFOUND);
}

static void test_track_lock(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt r = file(f), other = file(f);
        struct complaint c;
        struct pcrm_error e = {0};
        char wrong[8];
        snprintf(wrong, sizeof(wrong), "%06d", (atoi(r.pin) + 5) % 1000000);
        /* nine wrong, then right: the count starts again */
        for (int i = 0; i < 9; i++)
                assert_int_equal(complaint_track(f->db, f->a.id, r.receipt_no, wrong, &c, &e),
                                 PCRM_ENOTFOUND);
        assert_err(complaint_track(f->db, f->a.id, r.receipt_no, r.pin, &c, &e), e, PCRM_OK, NULL);
        complaint_release(&c);
        /* ten wrong in a row lock it, the right PIN included, for an hour */
        for (int i = 0; i < 10; i++)
                assert_int_equal(complaint_track(f->db, f->a.id, r.receipt_no, wrong, &c, &e),
                                 PCRM_ENOTFOUND);
        assert_err(complaint_track(f->db, f->a.id, r.receipt_no, r.pin, &c, &e), e, PCRM_ERULE,
                   "pin");
        set_now(T0 + 59 * MINUTE);
        assert_int_equal(complaint_track(f->db, f->a.id, r.receipt_no, r.pin, &c, &e), PCRM_ERULE);
        /* another receipt is not locked */
        assert_err(complaint_track(f->db, f->a.id, other.receipt_no, other.pin, &c, &e), e, PCRM_OK,
                   NULL);
        complaint_release(&c);
        /* staff still work on it */
        act_ok(f, &f->officer, r.receipt_no, .action = "assign");
        set_now(T0 + HOUR + 1);
        assert_err(complaint_track(f->db, f->a.id, r.receipt_no, r.pin, &c, &e), e, PCRM_OK, NULL);
        assert_string_equal(c.status, "assigned");
        complaint_release(&c);
}

/* ---- the workflow ----------------------------------------------------------------- */

static const char *const all_states[] = {
    "received", "assigned", "in_progress",     "awaiting_supplement", "extended",
    "answered", "closed",   "transferred_out", "withdrawn",           "repeat_closed",
};
#define NSTATES (sizeof(all_states) / sizeof(all_states[0]))

/* The workflow as the issue describes it: each action, the states it may start from and
 * the state it leads to (NULL: unchanged). In the order complaint_allowed_actions lists. */
static const struct {
        const char *action;
        const char *from; /* space-separated */
        const char *to;
} workflow[] = {
    {"assign", "received assigned", "assigned"},
    {"reassign", "received assigned in_progress", "received"},
    {"start", "assigned", "in_progress"},
    {"request_supplement", "assigned in_progress extended", "awaiting_supplement"},
    {"supplement_received", "awaiting_supplement", "in_progress"},
    {"extend", "assigned in_progress extended", "extended"},
    {"answer", "assigned in_progress extended", "answered"},
    {"close", "answered", "closed"},
    {"transfer_out", "received assigned in_progress", "transferred_out"},
    {"withdraw", "received assigned in_progress awaiting_supplement extended", "withdrawn"},
    {"close_repeat", "received assigned in_progress", "repeat_closed"},
    {"escalate", "received assigned in_progress awaiting_supplement extended", NULL},
    {"note", "received assigned in_progress awaiting_supplement extended answered", NULL},
};
#define NACTIONS (sizeof(workflow) / sizeof(workflow[0]))

static bool word_in(const char *word, const char *list)
{
        size_t n = strlen(word);
        for (const char *p = list; (p = strstr(p, word)); p += n)
                if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
                        return true;
        return false;
}

/* Every input an action could need, so that only state, role and scope decide. */
static struct complaint_action full_action(struct fx *f, const char *action)
{
        struct complaint_action a = {.action = action,
                                     .officer_id = f->u_officer.id,
                                     .dept_id = f->parking,
                                     .text = "처리 사유를 적습니다",
                                     .destination = "부산지방경찰청",
                                     .grievance_case = "해운대로 상습 포트홀",
                                     .resident_consented = true};
        return a;
}

/* The third filing of the same complaint by the same resident, the first two answered:
 * what 민원처리법 제23조 lets an officer close as a repeat. */
static struct complaint_receipt third_repeat(struct fx *f)
{
        for (int i = 0; i < 2; i++) {
                struct complaint_receipt r = file(f);
                act_ok(f, &f->officer, r.receipt_no, .action = "assign");
                act_ok(f, &f->officer, r.receipt_no, .action = "answer",
                       .text = "보수 일정을 안내드립니다.");
        }
        return file(f);
}

static void test_transition_table(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt r = third_repeat(f);
        for (size_t s = 0; s < NSTATES; s++) {
                /* what the department head (who holds every action's role) may do here */
                char want_list[256] = "";
                const char *want[NACTIONS];
                size_t nwant = 0;
                for (size_t a = 0; a < NACTIONS; a++)
                        if (word_in(all_states[s], workflow[a].from)) {
                                size_t used = strlen(want_list);
                                snprintf(want_list + used, sizeof(want_list) - used, "%s%s",
                                         nwant ? ", " : "", workflow[a].action);
                                want[nwant++] = workflow[a].action;
                        }
                force_state(f, r.receipt_no, all_states[s]);
                struct complaint c = get(f, r.receipt_no);
                const char *got[16];
                size_t ngot = complaint_allowed_actions(&f->head, &c, got, 16);
                complaint_release(&c);
                if (ngot != nwant)
                        fail_msg("%s: %zu actions allowed, want %zu (%s)", all_states[s], ngot,
                                 nwant, want_list);
                for (size_t i = 0; i < ngot; i++)
                        if (strcmp(got[i], want[i]))
                                fail_msg("%s: allowed[%zu] = %s, want %s", all_states[s], i, got[i],
                                         want[i]);

                for (size_t a = 0; a < NACTIONS; a++) {
                        force_state(f, r.receipt_no, all_states[s]);
                        int64_t ev = events(f, r.receipt_no);
                        int64_t au = audits(f, "complaint.update", r.receipt_no);
                        struct complaint_action act_in = full_action(f, workflow[a].action);
                        struct pcrm_error e;
                        int rc = act(f, &f->head, r.receipt_no, &act_in, &e);
                        bool allowed = word_in(all_states[s], workflow[a].from);
                        if (allowed) {
                                if (rc != PCRM_OK)
                                        fail_msg("%s from %s: %s (%s: %s), want ok",
                                                 workflow[a].action, all_states[s],
                                                 err_code_name(rc), e.field, e.message);
                                assert_status(f, r.receipt_no,
                                              workflow[a].to ? workflow[a].to : all_states[s]);
                                assert_int_equal(events(f, r.receipt_no), ev + 1);
                                assert_int_equal(audits(f, "complaint.update", r.receipt_no),
                                                 au + 1);
                                continue;
                        }
                        if (rc != PCRM_ECONFLICT)
                                fail_msg("%s from %s: %s (%s), want conflict", workflow[a].action,
                                         all_states[s], err_code_name(rc), e.message);
                        assert_string_equal(e.field, "action");
                        char tail[300];
                        snprintf(tail, sizeof(tail), "(가능: %s)", nwant ? want_list : "없음");
                        if (!strstr(e.message, tail) || !strstr(e.message, workflow[a].action))
                                fail_msg("%s from %s: message \"%s\" lacks \"%s\"",
                                         workflow[a].action, all_states[s], e.message, tail);
                        /* nothing written */
                        assert_status(f, r.receipt_no, all_states[s]);
                        assert_int_equal(events(f, r.receipt_no), ev);
                        assert_int_equal(audits(f, "complaint.update", r.receipt_no), au);
                }
        }
        /* an action nobody knows */
        struct complaint_action bogus = {.action = "approve"};
        struct pcrm_error e;
        assert_err(act(f, &f->head, r.receipt_no, &bogus, &e), e, PCRM_EINVALID, "action");
        bogus.action = NULL;
        assert_err(act(f, &f->head, r.receipt_no, &bogus, &e), e, PCRM_EINVALID, "action");
        struct complaint_action note = {.action = "note", .text = "메모"};
        assert_err(act(f, &f->head, "2026-999999", &note, &e), e, PCRM_ENOTFOUND, NULL);
}

static void test_roles(void **state)
{
        struct fx *f = *state;
        /* The state each action is tried in, and who may take it. */
        static const struct {
                const char *action, *state, *roles;
        } table[] = {
            {"assign", "received", "officer depthead csmanager admin"},
            {"reassign", "received", "agent officer depthead csmanager admin"},
            {"start", "assigned", "officer depthead"},
            {"request_supplement", "in_progress", "officer depthead"},
            {"supplement_received", "awaiting_supplement", "agent officer depthead"},
            {"extend", "in_progress", "officer depthead"},
            {"answer", "in_progress", "officer depthead"},
            {"close", "answered", "officer depthead csmanager"},
            {"transfer_out", "received", "officer depthead csmanager admin"},
            {"withdraw", "received", "agent officer depthead"},
            {"close_repeat", "received", "officer depthead"},
            {"escalate", "received", "depthead csmanager admin"},
            {"note", "received", "agent officer depthead csmanager privacy admin"},
        };
        const struct {
                const char *name;
                const struct actor *who;
        } actors[] = {
            {"agent", &f->agent},         {"officer", &f->officer}, {"depthead", &f->head},
            {"csmanager", &f->cs},        {"privacy", &f->privacy}, {"admin", &f->admin},
            {"resident", &f->resident_a},
        };
        struct complaint_receipt r = third_repeat(f);
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
                for (size_t k = 0; k < sizeof(actors) / sizeof(actors[0]); k++) {
                        force_state(f, r.receipt_no, table[i].state);
                        struct complaint_action a = full_action(f, table[i].action);
                        struct pcrm_error e;
                        int rc = act(f, actors[k].who, r.receipt_no, &a, &e);
                        int want =
                            word_in(actors[k].name, table[i].roles) ? PCRM_OK : PCRM_EFORBIDDEN;
                        if (rc != want)
                                fail_msg("%s by %s in %s: %s (%s), want %s", table[i].action,
                                         actors[k].name, table[i].state, err_code_name(rc),
                                         e.message, err_code_name(want));
                        if (rc == PCRM_EFORBIDDEN)
                                assert_string_equal(e.field, "action");
                }
        /* the allowed list follows the role */
        force_state(f, r.receipt_no, "in_progress");
        struct complaint c = get(f, r.receipt_no);
        const char *got[16];
        size_t n = complaint_allowed_actions(&f->agent, &c, got, 16);
        assert_int_equal(n, 3);
        assert_string_equal(got[0], "reassign");
        assert_string_equal(got[1], "withdraw");
        assert_string_equal(got[2], "note");
        assert_int_equal(complaint_allowed_actions(&f->resident_a, &c, got, 16), 0);
        assert_int_equal(complaint_allowed_actions(&f->privacy, &c, got, 16), 1);
        complaint_release(&c);
}

static void test_department_scope(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt r = file(f); /* road-maintenance */
        struct complaint c = get(f, r.receipt_no);
        const char *got[16];
        assert_int_equal(complaint_allowed_actions(&f->officer2, &c, got, 16), 0);
        assert_true(complaint_allowed_actions(&f->officer, &c, got, 16) > 0);
        complaint_release(&c);
        for (size_t a = 0; a < NACTIONS; a++) {
                struct complaint_action in = full_action(f, workflow[a].action);
                in.officer_id = f->u_officer2.id;
                struct pcrm_error e;
                assert_err(act(f, &f->officer2, r.receipt_no, &in, &e), e, PCRM_EFORBIDDEN, NULL);
        }
        assert_int_equal(events(f, r.receipt_no), 1);
        /* the department cannot hand it to someone outside, or to a non-handler */
        struct pcrm_error e;
        struct complaint_action assign = {.action = "assign", .officer_id = f->u_officer2.id};
        assert_err(act(f, &f->officer, r.receipt_no, &assign, &e), e, PCRM_ERULE, "officer_id");
        assign.officer_id = f->u_agent.id;
        assert_err(act(f, &f->cs, r.receipt_no, &assign, &e), e, PCRM_EINVALID, "officer_id");
        assign.officer_id = 987654;
        assert_err(act(f, &f->cs, r.receipt_no, &assign, &e), e, PCRM_EINVALID, "officer_id");
        assign.officer_id = f->u_officer_b.id; /* another tenant's officer */
        assert_err(act(f, &f->cs, r.receipt_no, &assign, &e), e, PCRM_EINVALID, "officer_id");
        assign.officer_id = 0; /* a manager must name the officer: themselves cannot handle */
        assert_err(act(f, &f->cs, r.receipt_no, &assign, &e), e, PCRM_EINVALID, "officer_id");
        act_ok(f, &f->officer, r.receipt_no, .action = "assign"); /* the caller takes it */
        c = get(f, r.receipt_no);
        assert_int_equal(c.officer_id, f->u_officer.id);
        complaint_release(&c);
        act_ok(f, &f->head, r.receipt_no, .action = "assign", .officer_id = f->u_head.id);

        /* triage: any officer may take it, into their own department */
        struct complaint_input in = report();
        in.type_code = NULL;
        in.title = "ZQXJ";
        in.body = "ZQXJ QQQQ";
        struct complaint_receipt t = file_as(f, &f->resident_a, &in);
        c = get(f, t.receipt_no);
        assert_true(complaint_allowed_actions(&f->officer, &c, got, 16) > 0);
        assert_true(complaint_allowed_actions(&f->officer2, &c, got, 16) > 0);
        complaint_release(&c);
        act_ok(f, &f->officer2, t.receipt_no, .action = "assign");
        c = get(f, t.receipt_no);
        assert_int_equal(c.dept_id, f->recycle);
        assert_int_equal(c.officer_id, f->u_officer2.id);
        complaint_release(&c);
        struct complaint_action note = {.action = "note", .text = "메모"};
        assert_err(act(f, &f->officer, t.receipt_no, &note, &e), e, PCRM_EFORBIDDEN, NULL);

        /* another tenant's staff do not find it at all */
        assert_err(act(f, &f->officer_b, r.receipt_no, &note, &e), e, PCRM_ENOTFOUND, NULL);
        assert_err(complaint_get(f->db, &f->officer_b, r.receipt_no, &c, &e), e, PCRM_ENOTFOUND,
                   NULL);
}

static void test_reassign_keeps_the_clock(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt r = file(f);
        act_ok(f, &f->officer, r.receipt_no, .action = "assign");
        act_ok(f, &f->officer, r.receipt_no, .action = "start");
        set_now(T0 + 2 * DAY);
        struct pcrm_error e;
        struct complaint_action a = {.action = "reassign"};
        assert_err(act(f, &f->officer, r.receipt_no, &a, &e), e, PCRM_EINVALID, "dept_id");
        a.dept_id = f->road;
        assert_err(act(f, &f->officer, r.receipt_no, &a, &e), e, PCRM_ERULE, "dept_id");
        a.dept_id = f->road_b; /* another tenant's department */
        assert_err(act(f, &f->officer, r.receipt_no, &a, &e), e, PCRM_EINVALID, "dept_id");
        act_ok(f, &f->officer, r.receipt_no, .action = "reassign", .dept_id = f->parking,
               .text = "주차 단속 사안");
        struct complaint c = get(f, r.receipt_no);
        assert_string_equal(c.status, "received");
        assert_int_equal(c.dept_id, f->parking);
        assert_int_equal(c.officer_id, 0);
        assert_int_equal(c.due_at, r.due_at);
        assert_int_equal(c.received_at, T0);
        complaint_release(&c);
        assert_int_equal(qint(f->db,
                              "SELECT dept_id FROM complaint_events WHERE complaint_id = %" PRId64
                              " ORDER BY id DESC LIMIT 1",
                              r.id),
                         f->parking);
        /* and it is no longer the road officer's */
        struct complaint_action note = {.action = "note", .text = "메모"};
        assert_err(act(f, &f->officer, r.receipt_no, &note, &e), e, PCRM_EFORBIDDEN, NULL);
}

static void test_transfer_out(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt r = file(f);
        struct pcrm_error e;
        struct complaint_action a = {.action = "transfer_out", .text = "고속도로 구간"};
        assert_err(act(f, &f->officer, r.receipt_no, &a, &e), e, PCRM_EINVALID, "destination");
        a.destination = "";
        assert_err(act(f, &f->officer, r.receipt_no, &a, &e), e, PCRM_EINVALID, "destination");
        assert_status(f, r.receipt_no, "received");
        set_now(T0 + HOUR);
        a.destination = "한국도로공사 부산경남본부";
        assert_err(act(f, &f->officer, r.receipt_no, &a, &e), e, PCRM_OK, NULL);
        struct complaint c = get(f, r.receipt_no);
        assert_string_equal(c.status, "transferred_out");
        assert_int_equal(c.closed_at, T0 + HOUR);
        complaint_release(&c);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM complaint_events WHERE complaint_id = %" PRId64
                              " AND action = 'transfer_out' AND note = '한국도로공사 부산경남본부'",
                              r.id),
                         1);
}

static void test_answer_close_withdraw(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt r = file(f);
        act_ok(f, &f->officer, r.receipt_no, .action = "assign");
        struct pcrm_error e;
        struct complaint_action a = {.action = "answer"};
        assert_err(act(f, &f->officer, r.receipt_no, &a, &e), e, PCRM_EINVALID, "text");
        a.text = "";
        assert_err(act(f, &f->officer, r.receipt_no, &a, &e), e, PCRM_EINVALID, "text");
        set_now(T0 + 3 * HOUR);
        act_ok(f, &f->officer, r.receipt_no, .action = "answer",
               .text = "신고하신 포트홀은 긴급 보수하였습니다.");
        struct complaint c = get(f, r.receipt_no);
        assert_string_equal(c.status, "answered");
        assert_string_equal(c.answer, "신고하신 포트홀은 긴급 보수하였습니다.");
        assert_int_equal(c.answered_at, T0 + 3 * HOUR);
        assert_int_equal(c.closed_at, 0);
        complaint_release(&c);
        set_now(T0 + 4 * HOUR);
        act_ok(f, &f->cs, r.receipt_no, .action = "close");
        c = get(f, r.receipt_no);
        assert_string_equal(c.status, "closed");
        assert_int_equal(c.closed_at, T0 + 4 * HOUR);
        complaint_release(&c);

        struct complaint_receipt w = file(f);
        act_ok(f, &f->agent, w.receipt_no, .action = "withdraw", .text = "전화로 취하");
        c = get(f, w.receipt_no);
        assert_string_equal(c.status, "withdrawn");
        assert_int_equal(c.closed_at, T0 + 4 * HOUR);
        complaint_release(&c);

        /* a note changes nothing but the history, and needs text */
        struct complaint_receipt n = file(f);
        a = (struct complaint_action){.action = "note"};
        assert_err(act(f, &f->privacy, n.receipt_no, &a, &e), e, PCRM_EINVALID, "text");
        act_ok(f, &f->privacy, n.receipt_no, .action = "note", .text = "개인정보 확인 완료");
        assert_status(f, n.receipt_no, "received");
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM complaint_events WHERE complaint_id = %" PRId64
                              " AND action = 'note' AND note = '개인정보 확인 완료' AND"
                              " from_status = 'received' AND to_status = 'received'",
                              n.id),
                         1);
}

static void test_extensions(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt r = file(f); /* due Wed 9/30 10:00 */
        act_ok(f, &f->officer, r.receipt_no, .action = "assign");
        act_ok(f, &f->officer, r.receipt_no, .action = "start");
        struct pcrm_error e;
        struct complaint_action a = {.action = "extend"};
        assert_err(act(f, &f->officer, r.receipt_no, &a, &e), e, PCRM_EINVALID, "text");
        a.text = "현장 조사 필요";
        a.new_due_at = r.due_at;
        assert_err(act(f, &f->officer, r.receipt_no, &a, &e), e, PCRM_EINVALID, "new_due_at");
        a.new_due_at = r.due_at - HOUR;
        assert_err(act(f, &f->officer, r.receipt_no, &a, &e), e, PCRM_EINVALID, "new_due_at");
        /* the first: the period again, counted after the current due time */
        set_now(kst(2026, 9, 29, 9, 0));
        act_ok(f, &f->officer, r.receipt_no, .action = "extend", .text = "현장 조사 필요");
        struct complaint c = get(f, r.receipt_no);
        assert_string_equal(c.status, "extended");
        assert_int_equal(c.extensions, 1);
        /* 24 working hours from Wed 9/30 10:00: Wed 7, Thu 8, Fri 8, (10/5 holiday) Tue 1 */
        assert_time(c.due_at, kst(2026, 10, 6, 10, 0));
        complaint_release(&c);
        /* the second only with the resident's consent */
        a = (struct complaint_action){.action = "extend", .text = "자재 수급 지연"};
        assert_err(act(f, &f->officer, r.receipt_no, &a, &e), e, PCRM_ERULE, "resident_consented");
        a.resident_consented = true;
        /* at most the period again: 24 working hours after Tue 10/6 10:00 (10/9 한글날) */
        a.new_due_at = kst(2026, 10, 12, 10, 0);
        assert_err(act(f, &f->officer, r.receipt_no, &a, &e), e, PCRM_OK, NULL);
        c = get(f, r.receipt_no);
        assert_int_equal(c.extensions, 2);
        assert_time(c.due_at, kst(2026, 10, 12, 10, 0));
        complaint_release(&c);
        /* no third */
        a.new_due_at = 0;
        assert_err(act(f, &f->officer, r.receipt_no, &a, &e), e, PCRM_ERULE, NULL);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM complaint_events WHERE complaint_id = %" PRId64
                              " AND action = 'extend'",
                              r.id),
                         2);

        /* once the due time has passed, no extension */
        struct complaint_receipt late = file(f); /* filed now: 9/29 09:00, due 10/2 09:00+ */
        act_ok(f, &f->officer, late.receipt_no, .action = "assign");
        set_now(late.due_at);
        a = (struct complaint_action){.action = "extend", .text = "늦은 연장"};
        assert_err(act(f, &f->officer, late.receipt_no, &a, &e), e, PCRM_ERULE, NULL);
        c = get(f, late.receipt_no);
        assert_int_equal(c.extensions, 0);
        complaint_release(&c);
}

static void test_extension_limit(void **state)
{
        /* BUG: 민원처리법 시행령 §21 extends "within the range of the processing period", at
         * most the period again after the current due time (the default plan() computes),
         * but an explicit new_due_at is only checked to be later than the due time. */
        struct fx *f = *state;
        struct complaint_receipt r = file(f); /* 3d, due Wed 9/30 10:00 */
        act_ok(f, &f->officer, r.receipt_no, .action = "assign");
        const int64_t too_late[] = {kst(2026, 10, 6, 10, 1), kst(2027, 9, 30, 18, 0)};
        for (size_t i = 0; i < sizeof(too_late) / sizeof(too_late[0]); i++) {
                struct complaint_action a = {
                    .action = "extend", .text = "예산 부족", .new_due_at = too_late[i]};
                struct pcrm_error e;
                int rc = act(f, &f->officer, r.receipt_no, &a, &e);
                char when[40];
                if ((rc != PCRM_EINVALID && rc != PCRM_ERULE) || strcmp(e.field, "new_due_at"))
                        fail_msg("extend to %s: %s field \"%s\", want refused on new_due_at",
                                 show(too_late[i], when, sizeof(when)), err_code_name(rc), e.field);
        }
        /* exactly the period again is allowed */
        act_ok(f, &f->officer, r.receipt_no, .action = "extend", .text = "현장 조사",
               .new_due_at = kst(2026, 10, 6, 10, 0));
}

static void test_supplement_pause_hours(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt r = file(f); /* Wed 9/23 10:00, due Wed 9/30 10:00 */
        act_ok(f, &f->officer, r.receipt_no, .action = "assign");
        act_ok(f, &f->officer, r.receipt_no, .action = "start");
        struct pcrm_error e;
        struct complaint_action a = {.action = "request_supplement"};
        assert_err(act(f, &f->officer, r.receipt_no, &a, &e), e, PCRM_EINVALID, "text");
        set_now(T0 + HOUR);
        act_ok(f, &f->officer, r.receipt_no, .action = "request_supplement",
               .text = "파손 위치 사진을 보내 주세요");
        struct complaint c = get(f, r.receipt_no);
        assert_string_equal(c.status, "awaiting_supplement");
        assert_int_equal(c.paused_at, T0 + HOUR);
        assert_time(c.due_at, kst(2026, 9, 30, 10, 0)); /* frozen */
        complaint_release(&c);
        /* paused past its due time, it is not overdue */
        assert_int_equal(complaint_mark_overdue(f->db, kst(2026, 10, 1, 12, 0)), 0);
        /* resumed Mon 9/28 11:00: 23 working hours were left (Wed 11:00 -> Wed 9/30 10:00),
         * counted again: Mon 6, Tue 8, Wed 8, Thu 1 */
        set_now(kst(2026, 9, 28, 11, 0));
        act_ok(f, &f->agent, r.receipt_no, .action = "supplement_received", .text = "사진 접수");
        c = get(f, r.receipt_no);
        assert_string_equal(c.status, "in_progress");
        assert_int_equal(c.paused_at, 0);
        assert_time(c.due_at, kst(2026, 10, 1, 10, 0));
        complaint_release(&c);
        /* a pause outside working hours costs nothing */
        set_now(kst(2026, 9, 28, 19, 0));
        act_ok(f, &f->officer, r.receipt_no, .action = "request_supplement", .text = "추가 사진");
        set_now(kst(2026, 9, 29, 8, 30));
        act_ok(f, &f->officer, r.receipt_no, .action = "supplement_received", .text = "접수");
        c = get(f, r.receipt_no);
        assert_time(c.due_at, kst(2026, 10, 1, 10, 0));
        complaint_release(&c);
}

static void test_supplement_pause_days(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt r = file_type(f, PARKING); /* due Tue 10/6 18:00 */
        act_ok(f, &f->cs, r.receipt_no, .action = "reassign", .dept_id = f->road);
        act_ok(f, &f->officer, r.receipt_no, .action = "assign");
        set_now(T0 + HOUR);
        act_ok(f, &f->officer, r.receipt_no, .action = "request_supplement", .text = "차량 사진");
        /* resumed Wed 9/30 11:00. The pause began on day one, so all seven working days
         * were left; they count again from the day the supplement came: 9/30, 10/1, 10/2,
         * 10/6, 10/7, 10/8 and 10/12 (10/5 and 10/9 are holidays), to its close. */
        set_now(kst(2026, 9, 30, 11, 0));
        act_ok(f, &f->officer, r.receipt_no, .action = "supplement_received", .text = "접수");
        struct complaint c = get(f, r.receipt_no);
        assert_time(c.due_at, kst(2026, 10, 12, 18, 0));
        assert_int_equal(c.paused_at, 0);
        complaint_release(&c);
}

static void test_repeats(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt first = file(f);
        struct complaint c = get(f, first.receipt_no);
        assert_int_equal(c.repeat_of, 0);
        complaint_release(&c);
        /* the same resident, type and text: a repeat, linked and recorded */
        struct complaint_receipt second = file(f);
        c = get(f, second.receipt_no);
        assert_int_equal(c.repeat_of, first.id);
        complaint_release(&c);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM complaint_events WHERE complaint_id = %" PRId64
                              " AND action = 'repeat_detected'",
                              second.id),
                         1);
        /* not repeats: other text, another type, another resident */
        struct complaint_input in = report();
        in.title = "가로등 고장";
        in.body = "좌동 아파트 앞 가로등이 일주일째 꺼져 있어 밤길이 위험합니다.";
        c = get(f, file_as(f, &f->resident_a, &in).receipt_no);
        assert_int_equal(c.repeat_of, 0);
        complaint_release(&c);
        c = get(f, file_type(f, PARKING).receipt_no);
        assert_int_equal(c.repeat_of, 0);
        complaint_release(&c);
        in = report();
        in.resident = (struct customer_input){.name = "이웃주민", .mobile = "010-9876-5432"};
        c = get(f, file_as(f, &f->resident_a, &in).receipt_no);
        assert_int_equal(c.repeat_of, 0);
        complaint_release(&c);
        /* a second filing may not be closed as a repeat */
        struct pcrm_error e;
        struct complaint_action a = {.action = "close_repeat", .text = "이전 답변으로 갈음합니다."};
        assert_err(act(f, &f->officer, second.receipt_no, &a, &e), e, PCRM_ERULE, "action");
        /* the third, after two answers, may: the answer cites the earlier ones */
        act_ok(f, &f->officer, first.receipt_no, .action = "assign");
        act_ok(f, &f->officer, first.receipt_no, .action = "answer", .text = "보수 예정입니다.");
        act_ok(f, &f->officer, second.receipt_no, .action = "assign");
        act_ok(f, &f->officer, second.receipt_no, .action = "answer", .text = "보수했습니다.");
        struct complaint_receipt third = file(f);
        a.text = NULL;
        assert_err(act(f, &f->officer, third.receipt_no, &a, &e), e, PCRM_EINVALID, "text");
        a.text = "이전 답변으로 갈음합니다.";
        assert_err(act(f, &f->agent, third.receipt_no, &a, &e), e, PCRM_EFORBIDDEN, "action");
        set_now(T0 + HOUR);
        assert_err(act(f, &f->officer, third.receipt_no, &a, &e), e, PCRM_OK, NULL);
        c = get(f, third.receipt_no);
        assert_string_equal(c.status, "repeat_closed");
        assert_int_equal(c.repeat_of, second.id);
        assert_int_equal(c.closed_at, T0 + HOUR);
        assert_int_equal(c.answered_at, T0 + HOUR);
        assert_non_null(c.answer);
        assert_non_null(strstr(c.answer, "이전 답변으로 갈음합니다."));
        assert_non_null(strstr(c.answer, first.receipt_no));
        assert_non_null(strstr(c.answer, second.receipt_no));
        complaint_release(&c);
        /* and the window: the same text half a year and more later is new */
        set_now(T0 + 181 * DAY);
        c = get(f, file(f).receipt_no);
        assert_int_equal(c.repeat_of, 0);
        complaint_release(&c);
}

/* ---- the watch job ---------------------------------------------------------------- */

static void test_mark_overdue(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt o = file(f), closed = file(f), waiting = file(f),
                                 later = file_type(f, PARKING);
        struct complaint_input in = report();
        in.type_code = NULL;
        struct complaint_receipt b = file_as(f, &f->resident_b, &in); /* 7d: 10/6 18:00 */
        act_ok(f, &f->officer, closed.receipt_no, .action = "assign");
        act_ok(f, &f->officer, closed.receipt_no, .action = "answer", .text = "처리 완료");
        act_ok(f, &f->officer, closed.receipt_no, .action = "close");
        act_ok(f, &f->officer, waiting.receipt_no, .action = "assign");
        act_ok(f, &f->officer, waiting.receipt_no, .action = "request_supplement",
               .text = "서류 보완");
        int64_t due = o.due_at; /* Wed 9/30 10:00 */
        assert_int_equal(complaint_mark_overdue(f->db, T0), 0);
        assert_int_equal(complaint_mark_overdue(f->db, due), 0); /* not yet passed */
        assert_int_equal(complaint_mark_overdue(f->db, due + 1), 1);
        assert_int_equal(complaint_mark_overdue(f->db, due + 1), 0); /* once */
        assert_int_equal(complaint_mark_overdue(f->db, due + DAY), 0);
        struct complaint c = get(f, o.receipt_no);
        assert_int_equal(c.overdue_at, due + 1);
        assert_string_equal(c.status, "received");
        complaint_release(&c);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM complaint_events WHERE complaint_id = %" PRId64
                              " AND action = 'overdue' AND actor_type = 'system' AND at = %" PRId64
                              " AND from_status = 'received' AND to_status = 'received'",
                              o.id, due + 1),
                         1);
        for (size_t i = 0; i < 2; i++) {
                const struct complaint_receipt *x = i ? &waiting : &closed;
                c = get(f, x->receipt_no);
                assert_int_equal(c.overdue_at, 0);
                complaint_release(&c);
        }
        /* every tenant's complaints, and the later ones when their time comes */
        assert_int_equal(complaint_mark_overdue(f->db, kst(2026, 10, 7, 9, 0)), 2);
        c = get(f, later.receipt_no);
        assert_true(c.overdue_at > 0);
        complaint_release(&c);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM complaints WHERE id = %" PRId64
                              " AND overdue_at IS NOT NULL",
                              b.id),
                         1);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaint_events WHERE"
                                     " action = 'overdue'"),
                         3);
        /* each swept complaint got its delay notice decided in the sweep's transaction */
        assert_int_equal(qint(f->db, "SELECT count(DISTINCT complaint_id) FROM messages WHERE"
                                     " event = 'overdue'"),
                         3);
        /* an overdue complaint resumed with a later due time is no longer overdue */
        set_now(kst(2026, 10, 7, 9, 0));
        act_ok(f, &f->officer, waiting.receipt_no, .action = "supplement_received",
               .text = "보완 서류 접수");
        c = get(f, waiting.receipt_no);
        assert_true(c.due_at > kst(2026, 10, 7, 9, 0));
        assert_int_equal(c.overdue_at, 0);
        complaint_release(&c);
}

static void test_history_and_audit(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt r = file(f);
        act_ok(f, &f->officer, r.receipt_no, .action = "assign");
        act_ok(f, &f->officer, r.receipt_no, .action = "note", .text = "현장 확인 예정");
        act_ok(f, &f->officer, r.receipt_no, .action = "start");
        act_ok(f, &f->officer, r.receipt_no, .action = "answer", .text = "보수 완료");
        act_ok(f, &f->officer, r.receipt_no, .action = "close");
        struct store_stmt *st = store_prepare(
            f->db, "SELECT action, from_status, to_status, actor_type, actor_name FROM"
                   " complaint_events WHERE complaint_id = ? ORDER BY id");
        assert_non_null(st);
        store_bind_int(st, 1, r.id);
        static const char *const want[][5] = {
            {"receive", "", "received", "anonymous", "resident"},
            {"assign", "received", "assigned", "user", "officer"},
            {"note", "assigned", "assigned", "user", "officer"},
            {"start", "assigned", "in_progress", "user", "officer"},
            {"answer", "in_progress", "answered", "user", "officer"},
            {"close", "answered", "closed", "user", "officer"},
        };
        size_t n = 0;
        while (store_step(st) == STORE_ROW) {
                assert_true(n < sizeof(want) / sizeof(want[0]));
                for (int k = 0; k < 5; k++) {
                        char got[64];
                        store_col_copy(st, k, got, sizeof(got));
                        if (strcmp(got, want[n][k]))
                                fail_msg("event %zu column %d: \"%s\", want \"%s\"", n, k, got,
                                         want[n][k]);
                }
                n++;
        }
        store_done(st);
        assert_int_equal(n, 6);
        assert_int_equal(audits(f, "complaint.create", r.receipt_no), 1);
        assert_int_equal(audits(f, "complaint.update", r.receipt_no), 5);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM audit_log WHERE action = 'complaint.update'"
                              " AND target_id = '%s' AND detail = '{\"action\":\"close\","
                              "\"from\":\"answered\",\"to\":\"closed\"}'",
                              r.receipt_no),
                         1);
}

/* Long-term tasks are reviewed monthly until done: one progress_review event per due
 * review, the next a month later, none for simple complaints or finished ones. */
static void test_long_term_reviews(void **state)
{
        struct fx *f = *state;
        struct complaint_receipt lt = file_type(f, "SUGGEST-BUS-ROUTE"); /* long_term */
        struct complaint_receipt simple = file(f);
        struct complaint c = get(f, lt.receipt_no);
        int64_t received = c.received_at;
        complaint_release(&c);
        int64_t before = events(f, lt.receipt_no), simple_before = events(f, simple.receipt_no);
        assert_int_equal(complaint_review_tasks(f->db, received + 29 * TIME_MS_PER_DAY), 0);
        assert_int_equal(complaint_review_tasks(f->db, received + 31 * TIME_MS_PER_DAY), 1);
        assert_int_equal(events(f, lt.receipt_no), before + 1);
        assert_int_equal(events(f, simple.receipt_no), simple_before);
        /* the next review is a month after this one, not again at once */
        assert_int_equal(complaint_review_tasks(f->db, received + 32 * TIME_MS_PER_DAY), 0);
        assert_int_equal(complaint_review_tasks(f->db, received + 62 * TIME_MS_PER_DAY), 1);
        force_state(f, lt.receipt_no, "closed");
        assert_int_equal(complaint_review_tasks(f->db, received + 200 * TIME_MS_PER_DAY), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, tl_teardown_fx)
        const struct CMUnitTest tests[] = {
            T(test_intake_public),
            T(test_intake_days_period),
            T(test_intake_staff),
            T(test_intake_validation),
            T(test_intake_unusable_contact),
            T(test_intake_triage),
            T(test_receipt_numbers),
            T(test_idempotency),
            T(test_intake_prepare_then_write),
            T(test_intake_resident_and_consents),
            T(test_track),
            T(test_track_lock),
            T(test_transition_table),
            T(test_roles),
            T(test_department_scope),
            T(test_reassign_keeps_the_clock),
            T(test_transfer_out),
            T(test_answer_close_withdraw),
            T(test_extensions),
            T(test_extension_limit),
            T(test_supplement_pause_hours),
            T(test_supplement_pause_days),
            T(test_repeats),
            T(test_mark_overdue),
            T(test_history_and_audit),
            T(test_long_term_reviews),
        };
#undef T
        return cmocka_run_group_tests(tests, group_setup, tl_group_teardown);
}
