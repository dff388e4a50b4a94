/*
 * Unit tests for complaint/import: a 서식민원 export with its history taken in by
 * complaint_import_records (complaints with receipt numbers, due times, states and
 * events; row rejects with reasons; file errors that write nothing; idempotent re-import;
 * a complaint linked to a source record imported earlier without one).
 *
 * Every test gets a fresh migrated database with the shipped holidays, one tenant
 * 부산광역시 해운대구 with the departments road-maintenance and parking and the shipped
 * catalogue of complaint types, and a clock pinned at 2026-09-23 10:00 KST.
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
#include "base/log.h"
#include "base/time.h"
#include "complaint/complaint.h"
#include "complaint/deadline.h"
#include "complaint/import.h"
#include "store/db.h"
#include "store/migrate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fx {
        struct store_db *db;
        struct tenant a;
        int64_t road, parking;
        struct actor op; /* the CLI operator */
};

static int64_t kst(int year, int month, int day, int hour, int minute)
{
        struct civil_time t = {year, month, day, hour, minute, 0, 0};
        return time_from_civil(&t, TIME_KST_OFFSET_MIN);
}

#define T0 kst(2026, 9, 23, 10, 0)

static void slurp(FILE *fp, char *out, size_t outlen)
{
        assert_int_equal(fflush(fp), 0);
        long len = ftell(fp);
        assert_true(len >= 0 && (size_t)len < outlen);
        rewind(fp);
        assert_int_equal(fread(out, 1, (size_t)len, fp), (size_t)len);
        out[len] = '\0';
}

static struct complaint_import_stats import_ok(struct fx *f, const char *text, FILE *rejects)
{
        struct complaint_import_stats s;
        struct pcrm_error e = {0};
        int rc =
            complaint_import_records(f->db, &f->op, "saeol", text, strlen(text), rejects, &s, &e);
        if (rc != PCRM_OK)
                fail_msg("import: %s (%s: %s), line %" PRId64, err_code_name(rc), e.field,
                         e.message, s.records.line);
        return s;
}

static struct complaint get(struct fx *f, const char *receipt)
{
        struct complaint c;
        struct pcrm_error e = {0};
        if (complaint_get(f->db, &f->op, receipt, &c, &e) != PCRM_OK)
                fail_msg("complaint %s: %s", receipt, e.message);
        return c;
}

static int group_setup(void **state)
{
        (void)state;
        sec_set_pwhash_level("min");
        return tl_group_setup("cimport");
}

static int setup(void **state)
{
        struct fx *f = calloc(1, sizeof(*f));
        if (!f)
                return -1;
        *state = f;
        set_now(T0);
        if (tl_open_db("cimport", &f->db) < 0 || deadline_calendar_seed(f->db) < 0)
                return -1;
        f->op = tl_operator(0);
        if (tl_add_tenant(f->db, "haeundae", "부산광역시 해운대구", &f->a) != PCRM_OK)
                return -1;
        f->op.tenant_id = f->a.id;
        f->road = tl_add_dept(f->db, &f->op, "road-maintenance", "도로관리과", 0);
        f->parking = tl_add_dept(f->db, &f->op, "parking", "주차관리과", 0);
        if (!f->road || !f->parking)
                return -1;
        return complaint_types_seed(f->db, f->a.id) > 0 ? 0 : -1;
}

#define HEADER                                                                                     \
        "source_id,name,mobile,address,received_at,channel,type_code,title,body,status,"           \
        "completed_at,department\n"

/* Six rows of the old system: answered, closed (Korean label), open and overdue, open and
 * in time without a type, from the year before, and a resident with no complaint. */
static const char history_csv[] = HEADER
    "S-001,김민준,010-1234-5678,부산광역시 해운대구 해운대로 123,2026-09-01T10:00+09:00,방문,"
    "REPORT-ROAD-DAMAGE,해운대로 포트홀 신고,\"해운대로 123 앞 도로에 포트홀이 있습니다.\","
    "answered,2026-09-03T15:00+09:00,\n"
    "S-002,이서연,010-2345-6789,부산광역시 해운대구 센텀중앙로 79,2026-09-02T11:30+09:00,전화,"
    "REPORT-PARKING,불법 주정차 신고,센텀중앙로 79 앞 상습 주차,종결,2026-09-04T17:00+09:00,\n"
    "S-003,박지훈,010-3456-7890,부산광역시 해운대구 좌동로 10,2026-09-01T10:00+09:00,web,"
    "REPORT-PARKING,소방도로 주차 신고,좌동로 소방도로에 차량이 상시 주차되어 있습니다,"
    "received,,\n"
    "S-004,최유진,010-4567-8901,부산광역시 해운대구 우동 1411,2026-09-22T09:00+09:00,,,"
    "공원 가로등 고장,,in_progress,,parking\n"
    "S-005,정하은,010-5678-9012,부산광역시 해운대구 반송로 5,2025-12-30T14:00+09:00,우편,,"
    "건축물 사용승인 문의,사용승인 절차를 알려 주세요,처리완료,2026-01-05T10:00+09:00,\n"
    "S-006,강예준,010-6789-0123,부산광역시 해운대구 중동 1390,,,,,,,,\n";

static void test_import_history(void **state)
{
        struct fx *f = *state;
        struct complaint_import_stats s = import_ok(f, history_csv, NULL);
        assert_true(s.complaints_columns);
        assert_int_equal(s.records.read, 6);
        assert_int_equal(s.records.imported, 6);
        assert_int_equal(s.records.rejected, 0);
        assert_int_equal(s.complaints, 5);
        assert_int_equal(s.unchanged, 0);
        assert_int_equal(s.overdue, 1);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaints"), 5);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaints WHERE pin_hash IS NOT NULL"),
                         0);

        /* Receipt numbers in file order from each KST year's counter. */
        struct complaint c = get(f, "2026-000001");
        assert_string_equal(c.status, "answered");
        assert_string_equal(c.channel, "visit");
        assert_string_equal(c.type_code, "REPORT-ROAD-DAMAGE");
        assert_string_equal(c.title, "해운대로 포트홀 신고");
        assert_int_equal(c.dept_id, f->road); /* the type's department */
        assert_int_equal(c.received_at, kst(2026, 9, 1, 10, 0));
        /* 3d = 24 working hours: 7 on 09-01, 8 on 09-02 and 09-03, 1 on 09-04. */
        assert_int_equal(c.due_at, kst(2026, 9, 4, 10, 0));
        assert_int_equal(c.answered_at, kst(2026, 9, 3, 15, 0));
        assert_int_equal(c.closed_at, 0);
        assert_int_equal(c.overdue_at, 0);
        complaint_release(&c);

        c = get(f, "2026-000002");
        assert_string_equal(c.status, "closed");
        assert_string_equal(c.channel, "phone");
        assert_int_equal(c.answered_at, kst(2026, 9, 4, 17, 0));
        assert_int_equal(c.closed_at, kst(2026, 9, 4, 17, 0));
        complaint_release(&c);

        /* Open and past due (7 working days from 09-01 end 09-09): marked overdue now. */
        c = get(f, "2026-000003");
        assert_string_equal(c.status, "received");
        assert_int_equal(c.dept_id, f->parking);
        assert_int_equal(c.due_at, kst(2026, 9, 9, 18, 0));
        assert_int_equal(c.overdue_at, T0);
        complaint_release(&c);

        /* No type: 7d from received_at; the department given; body = title. */
        c = get(f, "2026-000004");
        assert_string_equal(c.status, "in_progress");
        assert_string_equal(c.type_code, "");
        assert_string_equal(c.period, "7d");
        assert_string_equal(c.body, "공원 가로등 고장");
        assert_int_equal(c.dept_id, f->parking);
        assert_true(c.due_at > T0);
        assert_int_equal(c.overdue_at, 0);
        struct deadline_calendar *cal = deadline_calendar_load(f->db);
        struct period p = {7, PERIOD_DAYS};
        struct work_hours wh = WORK_HOURS_DEFAULT;
        assert_int_equal(c.due_at, deadline_due(cal, &wh, kst(2026, 9, 22, 9, 0), &p));
        deadline_calendar_free(cal);
        complaint_release(&c);

        c = get(f, "2025-000001");
        assert_string_equal(c.status, "answered");
        assert_string_equal(c.channel, "mail");
        assert_int_equal(c.dept_id, 0); /* no type, no department: triage */
        complaint_release(&c);

        /* Each complaint hangs on its row's source record and customer. */
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaints c JOIN source_records s"
                                     " ON s.id = c.source_record_id AND s.customer_id ="
                                     " c.customer_id WHERE s.source = 'saeol'"),
                         5);
        /* One import event each, by the operator, with the original status; one overdue. */
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaint_events WHERE action ="
                                     " 'import' AND actor_name = 'operator'"),
                         5);
        char note[256];
        qtext(f->db, note, sizeof(note),
              "SELECT e.note FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id"
              " WHERE c.receipt_no = '2026-000002' AND e.action = 'import'");
        assert_non_null(strstr(note, "종결"));
        assert_non_null(strstr(note, "S-002"));
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaint_events WHERE action ="
                                     " 'overdue'"),
                         1);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM audit_log WHERE action ="
                                     " 'complaint.import'"),
                         1);
}

static void test_import_again_changes_nothing(void **state)
{
        struct fx *f = *state;
        import_ok(f, history_csv, NULL);
        int64_t events = qint(f->db, "SELECT count(*) FROM complaint_events");
        struct complaint_import_stats s = import_ok(f, history_csv, NULL);
        assert_int_equal(s.records.duplicates, 6);
        assert_int_equal(s.complaints, 0);
        assert_int_equal(s.unchanged, 5);
        assert_int_equal(s.overdue, 0);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaints"), 5);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaint_events"), events);
        assert_int_equal(qint(f->db, "SELECT last FROM complaint_receipts WHERE year = 2026"), 4);
}

/* A resident imported before without a complaint gets it on the export with history. */
static void test_import_links_earlier_record(void **state)
{
        struct fx *f = *state;
        static const char residents[] = "source_id,name,mobile\nS-001,김민준,010-1234-5678\n";
        struct complaint_import_stats s = import_ok(f, residents, NULL);
        assert_false(s.complaints_columns);
        assert_int_equal(s.complaints, 0);
        s = import_ok(f, history_csv, NULL);
        assert_int_equal(s.records.duplicates, 1);
        assert_int_equal(s.complaints, 5);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM source_records"), 6);
}

static const struct {
        const char *row; /* after the source_id and name */
        const char *reason;
} bad_rows[] = {
    {"2026-13-01T10:00+09:00,방문,,제목,,received,,", "received_at이 ISO 시각이 아닙니다"},
    {",방문,,제목,,received,,", "received_at이 없습니다"},
    {"2026-10-01T10:00+09:00,방문,,제목,,received,,", "received_at이 미래입니다"},
    {"2026-09-01T10:00+09:00,비둘기,,제목,,received,,", "알 수 없는 접수 경로입니다"},
    {"2026-09-01T10:00+09:00,방문,,제목,,lost,,", "알 수 없는 처리 상태입니다"},
    {"2026-09-01T10:00+09:00,방문,NO-SUCH-TYPE,제목,,received,,", "없는 민원 유형입니다"},
    {"2026-09-01T10:00+09:00,방문,,제목,,received,,fire-station", "없는 부서입니다"},
    {"2026-09-01T10:00+09:00,방문,,제목,,answered,,", "completed_at이 필요합니다"},
    {"2026-09-01T10:00+09:00,방문,,제목,,answered,어제,", "completed_at이 ISO 시각이 아닙니다"},
    {"2026-09-01T10:00+09:00,방문,,제목,,closed,2026-08-31,", "received_at보다 앞섭니다"},
    {"2026-09-01T10:00+09:00,방문,,제목,,received,2026-09-02,", "completed_at을 쓸 수 없습니다"},
};

static void test_import_rejects(void **state)
{
        struct fx *f = *state;
        char csv[8192];
        size_t used = (size_t)snprintf(csv, sizeof(csv),
                                       "source_id,name,received_at,channel,type_code,title,"
                                       "body,status,completed_at,department\n");
        size_t nbad = sizeof(bad_rows) / sizeof(bad_rows[0]);
        for (size_t i = 0; i < nbad; i++) {
                int n = snprintf(csv + used, sizeof(csv) - used, "R-%02zu,홍길동,%s\n", i,
                                 bad_rows[i].row);
                assert_true(n > 0 && (size_t)n < sizeof(csv) - used);
                used += (size_t)n;
        }
        int n = snprintf(csv + used, sizeof(csv) - used,
                         "R-99,홍길동,2026-09-01T10:00+09:00,방문,,맞는 행,,received,,\n");
        assert_true(n > 0 && (size_t)n < sizeof(csv) - used);
        FILE *rejects = tmpfile();
        assert_non_null(rejects);
        struct complaint_import_stats s = import_ok(f, csv, rejects);
        char out[8192];
        slurp(rejects, out, sizeof(out));
        fclose(rejects);
        assert_int_equal(s.records.read, (int64_t)nbad + 1);
        assert_int_equal(s.records.rejected, (int64_t)nbad);
        assert_int_equal(s.records.imported, 1);
        assert_int_equal(s.complaints, 1);
        /* A rejected row writes neither its source record nor its complaint. */
        assert_int_equal(qint(f->db, "SELECT count(*) FROM source_records"), 1);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaints"), 1);
        for (size_t i = 0; i < nbad; i++) {
                char want[256];
                snprintf(want, sizeof(want), "%zu,", i + 2);
                const char *line = strstr(out, want);
                if (!line || !strstr(line, bad_rows[i].reason))
                        fail_msg("row %zu: want reason '%s' in\n%s", i, bad_rows[i].reason, out);
        }
}

static void test_import_file_errors(void **state)
{
        struct fx *f = *state;
        static const char *const files[] = {
            /* A title column without received_at: every row would fail. */
            "source_id,name,title\nS-1,김민준,제목\n",
            /* A broken quote on the last line refuses the rows before it too. */
            HEADER "S-1,김민준,,,2026-09-01T10:00+09:00,,,제목,,,,\nS-2,\"이서연,,,\n",
        };
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
                struct complaint_import_stats s;
                struct pcrm_error e = {0};
                int rc = complaint_import_records(f->db, &f->op, "saeol", files[i],
                                                  strlen(files[i]), NULL, &s, &e);
                assert_int_equal(rc, PCRM_EINVALID);
                assert_true(s.records.line > 0);
                assert_int_equal(s.complaints, 0);
        }
        assert_int_equal(qint(f->db, "SELECT count(*) FROM source_records"), 0);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaints"), 0);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM complaint_receipts"), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, tl_teardown_fx)
        const struct CMUnitTest tests[] = {
            T(test_import_history),
            T(test_import_again_changes_nothing),
            T(test_import_links_earlier_record),
            T(test_import_rejects),
            T(test_import_file_errors),
        };
#undef T
        return cmocka_run_group_tests(tests, group_setup, tl_group_teardown);
}
