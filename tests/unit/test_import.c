/*
 * Unit tests for customer/import and customer/quality: CSV import of source records
 * (import_records: statistics, idempotence, rejected rows, malformed files refused before
 * anything is written), export of the source-to-customer map (export_records) and the
 * data-quality report (quality_report, quality_json).
 *
 * The CSV files are held here as text. Every test gets a fresh migrated database with two
 * tenants, 부산광역시 해운대구 (A) and 서울특별시 종로구 (B), and a clock pinned at
 * 2026-09-23 10:00 KST. The RRNs are made up, with valid check digits unless marked.
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
#include "customer/import.h"
#include "customer/intake.h"
#include "customer/quality.h"
#include "store/db.h"
#include "store/migrate.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 INT64_C(1790125200000) /* 2026-09-23T10:00:00+09:00 */

struct fx {
        struct store_db *db;
        struct tenant a, b;
        struct actor staff_a, staff_b;
};

/*
 * Five residents from the 민원 system. A-003 is A-001 again (same RRN, written without
 * the hyphen in A-001); A-004 lives in A-001's flat (another person: different name and
 * birth date); A-005 is imported with invalid values, as entered.
 */
static const char residents_csv[] =
    "source_id,name,rrn,address,phone,mobile,email,birth_date,channel\n"
    "A-001,김민준,9001011234568,\"부산광역시 해운대구 해운대로 123, 101동 1001호\",,"
    "010-1234-5678,minjun.kim@naver.com,,방문\n"
    "A-002,이서연,,\"부산 해운대구 센텀중앙로 79, 101동 1001호\",051-749-4000,01023456789,,"
    "1985-03-15,전화\n"
    "A-003,김 민준,900101-1234568,,,,,,온라인\n"
    "A-004,박지훈,,\"부산광역시 해운대구 해운대로 123, 101동 1001호\",,010-3456-7890,,"
    "1962-07-20,방문\n"
    "A-005,최유진,,잘못된 주소,02-123,010-12,not-an-email,,전화\n";

/* ---- helpers ---------------------------------------------------------------------- */

static int64_t count(struct fx *f, const char *table)
{
        return qint(f->db, "SELECT count(*) FROM %s", table);
}

/* Imports text into tenant A and insists that it succeeds. */
static struct import_stats import_ok(struct fx *f, const char *source, const char *text,
                                     FILE *rejects)
{
        struct import_stats s;
        struct pcrm_error e = {0};
        int rc = import_records(f->db, &f->staff_a, source, text, strlen(text), rejects, &s, &e);
        if (rc != PCRM_OK)
                fail_msg("import %s: %s (%s: %s), line %" PRId64, source, err_code_name(rc),
                         e.field, e.message, s.line);
        return s;
}

/* The whole content of a temporary file into out, NUL-terminated (a static size, so that a
 * failing assertion leaks nothing). */
static void slurp(FILE *fp, char *out, size_t outlen)
{
        assert_int_equal(fflush(fp), 0);
        long len = ftell(fp);
        assert_true(len >= 0 && (size_t)len < outlen);
        rewind(fp);
        assert_int_equal(fread(out, 1, (size_t)len, fp), (size_t)len);
        out[len] = '\0';
}

/* The id of the live customer of tenant A with this name key. */
static int64_t customer_named(struct fx *f, const char *name_key)
{
        return qint(f->db,
                    "SELECT id FROM customers WHERE tenant_id = %" PRId64
                    " AND name_key = '%s' AND merged_into IS NULL",
                    f->a.id, name_key);
}

static void check_stats(const char *what, const struct import_stats *got,
                        const struct import_stats *want)
{
        if (got->read != want->read || got->imported != want->imported ||
            got->duplicates != want->duplicates || got->rejected != want->rejected ||
            got->created != want->created || got->linked != want->linked ||
            got->reviews != want->reviews || got->households != want->households)
                fail_msg("%s: read %" PRId64 " imported %" PRId64 " duplicates %" PRId64
                         " rejected %" PRId64 " created %" PRId64 " linked %" PRId64
                         " reviews %" PRId64 " households %" PRId64 "; want %" PRId64 " %" PRId64
                         " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64,
                         what, got->read, got->imported, got->duplicates, got->rejected,
                         got->created, got->linked, got->reviews, got->households, want->read,
                         want->imported, want->duplicates, want->rejected, want->created,
                         want->linked, want->reviews, want->households);
}

/* ---- fixtures --------------------------------------------------------------------- */

static int group_setup(void **state)
{
        (void)state;
        return tl_group_setup("import");
}

static int setup(void **state)
{
        struct fx *f = calloc(1, sizeof(*f));
        if (!f)
                return -1;
        *state = f;
        set_now(T0);
        if (tl_open_db("import", &f->db) < 0 || tl_add_tenants(f->db, &f->a, &f->b) != PCRM_OK)
                return -1;
        f->staff_a = tl_staff(&f->a, 11, "kim.minwon", ROLE_CS_MANAGER);
        f->staff_b = tl_staff(&f->b, 21, "park.minwon", ROLE_CS_MANAGER);
        return 0;
}

/* ---- import ----------------------------------------------------------------------- */

static void test_import_residents(void **state)
{
        struct fx *f = *state;
        FILE *rejects = tmpfile();
        assert_non_null(rejects);
        struct import_stats s = import_ok(f, "minwon", residents_csv, rejects);
        struct import_stats want = {
            .read = 5, .imported = 5, .created = 4, .linked = 1, .households = 2};
        check_stats("first import", &s, &want);
        assert_int_equal(count(f, "source_records"), 5);
        assert_int_equal(count(f, "customers"), 4);
        char text[8192];
        slurp(rejects, text, sizeof(text));
        assert_null(strstr(text, "A-00")); /* nothing rejected */
        fclose(rejects);

        /* A-003 is linked to A-001 by the RRN, A-004 is a person of its own. */
        int64_t minjun = customer_named(f, "김민준");
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM source_records WHERE customer_id ="
                              " %" PRId64 " AND source_id IN ('A-001', 'A-003')",
                              minjun),
                         2);
        char rule[16];
        qtext(f->db, rule, sizeof(rule),
              "SELECT match_rule FROM source_records WHERE source_id = 'A-003'");
        assert_string_equal(rule, "rrn");
        struct customer c;
        assert_int_equal(customer_load(f->db, f->a.id, minjun, &c), PCRM_OK);
        assert_string_equal(c.address, "부산광역시 해운대구 해운대로 123, 101동 1001호");
        assert_string_equal(c.mobile, "010-1234-5678");
        assert_string_equal(c.rrn_masked, "900101-1******");
        struct customer jihoon;
        assert_int_equal(customer_load(f->db, f->a.id, customer_named(f, "박지훈"), &jihoon),
                         PCRM_OK);
        assert_string_equal(jihoon.household_key, c.household_key);
        assert_string_equal(jihoon.birth_date, "1962-07-20");

        /* The fields as entered, the extra column included, the RRN left out. */
        char fields[2048];
        qtext(f->db, fields, sizeof(fields),
              "SELECT fields FROM source_records WHERE source_id = 'A-001'");
        json_t *o = json_loads(fields, 0, NULL);
        assert_non_null(o);
        assert_string_equal(json_string_value(json_object_get(o, "channel")), "방문");
        assert_string_equal(json_string_value(json_object_get(o, "address")),
                            "부산광역시 해운대구 해운대로 123, 101동 1001호");
        assert_string_equal(json_string_value(json_object_get(o, "name")), "김민준");
        assert_string_equal(json_string_value(json_object_get(o, "mobile")), "010-1234-5678");
        assert_null(json_object_get(o, "rrn"));
        json_decref(o);
        assert_null(strstr(fields, "1234568"));
        qtext(f->db, fields, sizeof(fields),
              "SELECT fields FROM source_records WHERE source_id = 'A-005'");
        o = json_loads(fields, 0, NULL);
        assert_non_null(o);
        assert_string_equal(json_string_value(json_object_get(o, "address")), "잘못된 주소");
        assert_string_equal(json_string_value(json_object_get(o, "mobile")), "010-12");
        assert_string_equal(json_string_value(json_object_get(o, "channel")), "전화");
        json_decref(o);
        /* The RRN is sealed in the source record, never plain. */
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM source_records WHERE rrn_sealed IS"
                              " NOT NULL AND instr(rrn_sealed, CAST('1234568' AS BLOB)) = 0"),
                         2);

        /* One audit row for the import, with its numbers. */
        char detail[512];
        qtext(f->db, detail, sizeof(detail),
              "SELECT detail FROM audit_log WHERE action = 'customer.import' AND target_id ="
              " 'minwon'");
        assert_non_null(strstr(detail, "\"imported\":5"));
}

static void test_reimport_changes_nothing(void **state)
{
        struct fx *f = *state;
        import_ok(f, "minwon", residents_csv, NULL);
        int64_t cust = count(f, "customers"), src = count(f, "source_records"),
                chg = count(f, "customer_changes"), rev = count(f, "match_reviews"),
                merges = count(f, "customer_merges");
        char before[4096];
        qtext(f->db, before, sizeof(before),
              "SELECT group_concat(id || coalesce(name, '') || coalesce(mobile, '') ||"
              " coalesce(address, '') || updated_at, '|') FROM customers");
        struct import_stats s = import_ok(f, "minwon", residents_csv, NULL);
        struct import_stats want = {.read = 5, .duplicates = 5, .households = 2};
        check_stats("second import", &s, &want);
        assert_int_equal(count(f, "customers"), cust);
        assert_int_equal(count(f, "source_records"), src);
        assert_int_equal(count(f, "customer_changes"), chg);
        assert_int_equal(count(f, "match_reviews"), rev);
        assert_int_equal(count(f, "customer_merges"), merges);
        char after[4096];
        qtext(f->db, after, sizeof(after),
              "SELECT group_concat(id || coalesce(name, '') || coalesce(mobile, '') ||"
              " coalesce(address, '') || updated_at, '|') FROM customers");
        assert_string_equal(after, before);

        /* The same file under another source name: new source records of the same people,
         * except A-005, which has nothing usable to be recognised by. */
        struct import_stats other = import_ok(f, "welfare", residents_csv, NULL);
        assert_int_equal(other.imported, 5);
        assert_int_equal(other.linked, 4);
        assert_int_equal(other.created, 1);
        assert_int_equal(count(f, "customers"), cust + 1);
}

static void test_rejected_rows_reported(void **state)
{
        struct fx *f = *state;
        /* Line 1 header; R-001 spans lines 2-3; line 4 has no source_id; line 5 has too few
         * fields; R-004 is fine; line 7 has too many. */
        static const char csv[] = "source_id,name,mobile,memo\n"
                                  "R-001,김민준,010-1234-5678,\"2층\n민원실\"\n"
                                  ",홍길동,010-2222-3333,출처 없음\n"
                                  "R-003,이서연,010-3333-4444\n"
                                  "R-004,박지훈,010-4444-5555,정상\n"
                                  "R-005,최유진,010-5555-6666,\"쉼표, 있음\",초과\n";
        FILE *rejects = tmpfile();
        assert_non_null(rejects);
        struct import_stats s = import_ok(f, "call", csv, rejects);
        struct import_stats want = {.read = 5, .imported = 2, .rejected = 3, .created = 2};
        check_stats("import with bad rows", &s, &want);
        assert_int_equal(count(f, "source_records"), 2);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM source_records WHERE source_id IN"
                                     " ('R-001', 'R-004')"),
                         2);
        char memo[256];
        qtext(f->db, memo, sizeof(memo),
              "SELECT json_extract(fields, '$.memo') FROM source_records WHERE source_id ="
              " 'R-001'");
        assert_string_equal(memo, "2층\n민원실");

        char text[8192];
        slurp(rejects, text, sizeof(text));
        fclose(rejects);
        /* A CSV: the header, then one row per rejected line, in order. */
        char *lines[8];
        size_t n = 0;
        for (char *save = NULL, *p = strtok_r(text, "\n", &save); p && n < 8;
             p = strtok_r(NULL, "\n", &save))
                lines[n++] = p;
        if (n != 4)
                fail_msg("rejects file has %zu lines, want 4", n);
        assert_string_equal(lines[0], "line,reason,source_id");
        assert_true(!strncmp(lines[1], "4,", 2));
        assert_non_null(strstr(lines[1], "source_id"));
        assert_true(!strncmp(lines[2], "5,", 2));
        assert_non_null(strstr(lines[2], "R-003"));
        assert_non_null(strstr(lines[2], "field"));
        assert_true(!strncmp(lines[3], "7,", 2));
        assert_non_null(strstr(lines[3], "R-005"));
}

/* Malformed files: refused with the line at fault before anything is written. */
static const struct {
        const char *what;
        const char *data;
        size_t len; /* 0: strlen(data) */
        int64_t line;
} malformed_cases[] = {
    {"unterminated quote at line 4",
     "source_id,name,address\n"
     "M-1,김민준,\"부산광역시 해운대구 해운대로 123\"\n"
     "M-2,이서연,부산광역시 해운대구 센텀중앙로 79\n"
     "M-3,박지훈,\"부산광역시 해운대구 우동 1408\n"
     "M-4,최유진,서울특별시 종로구 세종대로 209\n",
     0, 4},
    {"EUC-KR bytes (invalid UTF-8) at line 3",
     "source_id,name\n"
     "M-1,김민준\n"
     "M-2,\xc0\xcc\xbc\xad\xbf\xac\n" /* 이서연 in EUC-KR */
     "M-3,박지훈\n",
     0, 3},
    {"invalid UTF-8 at line 5 after a field spanning two lines",
     "source_id,name,memo\n"
     "M-1,김민준,\"2층\n민원실\"\n"
     "M-2,이서연,정상\n"
     "M-3,박지훈,\xff\xfe\n",
     0, 5},
    {"no source_id column",
     "id,name,mobile\n"
     "1,김민준,010-1234-5678\n",
     0, 1},
    {"empty file", "", 0, 1},
    {"source_id column twice", "source_id,name,source_id\nM-1,김민준,M-1\n", 0, 1},
};

static void test_malformed_file_writes_nothing(void **state)
{
        struct fx *f = *state;
        import_ok(f, "minwon", residents_csv, NULL);
        int64_t src = count(f, "source_records"), cust = count(f, "customers"),
                audit = count(f, "audit_log"), chg = count(f, "customer_changes");
        for (size_t i = 0; i < sizeof(malformed_cases) / sizeof(malformed_cases[0]); i++) {
                const char *data = malformed_cases[i].data;
                size_t len = malformed_cases[i].len ? malformed_cases[i].len : strlen(data);
                FILE *rejects = tmpfile();
                assert_non_null(rejects);
                struct import_stats s;
                memset(&s, 0x5A, sizeof(s));
                struct pcrm_error e = {0};
                int rc = import_records(f->db, &f->staff_a, "call", data, len, rejects, &s, &e);
                if (rc != PCRM_EINVALID || s.line != malformed_cases[i].line)
                        fail_msg("%s: %s line %" PRId64 " (%s), want invalid at line %" PRId64,
                                 malformed_cases[i].what, err_code_name(rc), s.line, e.message,
                                 malformed_cases[i].line);
                assert_true(strlen(e.message) > 0);
                assert_int_equal(s.imported, 0);
                if (count(f, "source_records") != src || count(f, "customers") != cust ||
                    count(f, "audit_log") != audit || count(f, "customer_changes") != chg)
                        fail_msg("%s: something was written", malformed_cases[i].what);
                char text[8192];
                slurp(rejects, text, sizeof(text));
                if (text[0])
                        fail_msg("%s: rejects file written: %s", malformed_cases[i].what, text);
                fclose(rejects);
        }
        struct audit_verify_result r;
        assert_int_equal(audit_verify(f->db, &r), 0);
}

static void test_header_only_and_bom(void **state)
{
        struct fx *f = *state;
        struct import_stats s = import_ok(f, "call", "source_id,name,mobile\n", NULL);
        struct import_stats none = {0};
        check_stats("header only", &s, &none);
        assert_int_equal(count(f, "source_records"), 0);

        /* Excel writes UTF-8 CSV with a byte-order mark: the first column is still source_id.
         * CRLF line ends too. */
        static const char bom[] = "\xef\xbb\xbfsource_id,name,mobile\r\n"
                                  "B-1,김민준,010-1234-5678\r\n"
                                  "B-2,이서연,010-2345-6789\r\n";
        s = import_ok(f, "excel", bom, NULL);
        struct import_stats want = {.read = 2, .imported = 2, .created = 2};
        check_stats("BOM and CRLF", &s, &want);
        char mobile[32];
        qtext(f->db, mobile, sizeof(mobile),
              "SELECT json_extract(fields, '$.mobile') FROM source_records WHERE source_id ="
              " 'B-2'");
        assert_string_equal(mobile, "010-2345-6789");
}

static void test_same_row_twice_in_one_file(void **state)
{
        struct fx *f = *state;
        static const char csv[] = "source_id,name,mobile\n"
                                  "D-1,김민준,010-1234-5678\n"
                                  "\n" /* a blank line is no row */
                                  "D-2,이서연,010-2345-6789\n"
                                  "D-1,김민준,010-9999-8888\n";
        struct import_stats s = import_ok(f, "call", csv, NULL);
        struct import_stats want = {.read = 3, .imported = 2, .duplicates = 1, .created = 2};
        check_stats("a row repeated", &s, &want);
        char mobile[32];
        qtext(f->db, mobile, sizeof(mobile),
              "SELECT json_extract(fields, '$.mobile') FROM source_records WHERE source_id ="
              " 'D-1'");
        assert_string_equal(mobile, "010-1234-5678");
}

static void test_import_without_source_name_refused(void **state)
{
        struct fx *f = *state;
        static const char *const bad[] = {"", NULL};
        int64_t audits = count(f, "audit_log");
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct import_stats s;
                struct pcrm_error e = {0};
                FILE *rejects = tmpfile();
                assert_non_null(rejects);
                int rc = import_records(f->db, &f->staff_a, bad[i], residents_csv,
                                        strlen(residents_csv), rejects, &s, &e);
                char text[8192];
                slurp(rejects, text, sizeof(text));
                fclose(rejects);
                if (rc != PCRM_EINVALID || strcmp(e.field, "source"))
                        fail_msg("source \"%s\": %s field \"%s\" (%" PRId64 " rows rejected),"
                                 " want invalid field \"source\"",
                                 bad[i] ? bad[i] : "(null)", err_code_name(rc), e.field,
                                 s.rejected);
        }
        assert_int_equal(count(f, "source_records"), 0);
        assert_int_equal(count(f, "audit_log"), audits);
}

/* ---- export ----------------------------------------------------------------------- */

static void test_export_follows_merges(void **state)
{
        struct fx *f = *state;
        import_ok(f, "minwon", residents_csv, NULL);
        static const char welfare[] = "source_id,name,mobile\n"
                                      "W-1,김민준,010-1234-5678\n"   /* linked: name + mobile */
                                      "W-2,이 서연,010-9999-0000\n"; /* new, merged below */
        struct import_stats s = import_ok(f, "welfare", welfare, NULL);
        assert_int_equal(s.linked, 1);
        assert_int_equal(s.created, 1);
        int64_t minjun = customer_named(f, "김민준");
        int64_t seoyeon = qint(f->db, "SELECT customer_id FROM source_records WHERE source_id ="
                                      " 'A-002'");
        int64_t w2 = qint(f->db, "SELECT customer_id FROM source_records WHERE source_id = 'W-2'");
        assert_int_not_equal(seoyeon, w2);
        int64_t merge_id;
        struct pcrm_error e = {0};
        assert_int_equal(customer_merge(f->db, &f->staff_a, seoyeon, w2, "manual", &merge_id, &e),
                         PCRM_OK);

        /* A chain: a source record still on a customer merged into one that was merged in
         * turn (as older data may hold), exported with the customer at the end. */
        int64_t jihoon = customer_named(f, "박지훈");
        char sql[1024];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO customers (id, tenant_id, name, name_key, merged_into, created_at,"
                 " updated_at) VALUES (901, %" PRId64 ", '박지훈', '박지훈', %" PRId64
                 ", 0, 0), (902, %" PRId64 ", '박지훈', '박지훈', 901, 0, 0);"
                 "INSERT INTO source_records (tenant_id, source, source_id, customer_id, fields,"
                 " q_address, q_phone, q_mobile, q_email, q_rrn, created_at) VALUES"
                 " (%" PRId64 ", 'legacy', 'L-1', 902, '{}', 0, 0, 0, 0, 0, 0)",
                 f->a.id, jihoon, f->a.id, f->a.id);
        exec_ok(f->db, sql);

        int64_t a5 =
            qint(f->db, "SELECT customer_id FROM source_records WHERE source_id = 'A-005'");
        char want[1024];
        snprintf(want, sizeof(want),
                 "source,source_id,customer_id\n"
                 "legacy,L-1,%" PRId64 "\n"
                 "minwon,A-001,%" PRId64 "\n"
                 "minwon,A-002,%" PRId64 "\n"
                 "minwon,A-003,%" PRId64 "\n"
                 "minwon,A-004,%" PRId64 "\n"
                 "minwon,A-005,%" PRId64 "\n"
                 "welfare,W-1,%" PRId64 "\n"
                 "welfare,W-2,%" PRId64 "\n",
                 jihoon, minjun, seoyeon, minjun, jihoon, a5, minjun, seoyeon);
        FILE *out = tmpfile();
        assert_non_null(out);
        assert_int_equal(export_records(f->db, f->a.id, NULL, out), 8);
        char text[8192];
        slurp(out, text, sizeof(text));
        fclose(out);
        assert_string_equal(text, want);

        /* One source only. */
        out = tmpfile();
        assert_int_equal(export_records(f->db, f->a.id, "welfare", out), 2);
        slurp(out, text, sizeof(text));
        fclose(out);
        snprintf(want, sizeof(want),
                 "source,source_id,customer_id\nwelfare,W-1,%" PRId64 "\nwelfare,W-2,%" PRId64 "\n",
                 minjun, seoyeon);
        assert_string_equal(text, want);

        /* Another tenant sees none of it. */
        out = tmpfile();
        assert_int_equal(export_records(f->db, f->b.id, NULL, out), 0);
        slurp(out, text, sizeof(text));
        fclose(out);
        assert_string_equal(text, "source,source_id,customer_id\n");
}

static void test_export_quotes_fields(void **state)
{
        struct fx *f = *state;
        static const char csv[] = "source_id,name\n"
                                  "\"2026,0001\",김민준\n"
                                  "\"민원\"\"A\"\"\",이서연\n";
        import_ok(f, "minwon", csv, NULL);
        FILE *out = tmpfile();
        assert_int_equal(export_records(f->db, f->a.id, "minwon", out), 2);
        char text[8192];
        slurp(out, text, sizeof(text));
        fclose(out);
        char want[512];
        snprintf(want, sizeof(want),
                 "source,source_id,customer_id\n"
                 "minwon,\"2026,0001\",%" PRId64 "\n"
                 "minwon,\"민원\"\"A\"\"\",%" PRId64 "\n",
                 customer_named(f, "김민준"), customer_named(f, "이서연"));
        assert_string_equal(text, want);
}

/* ---- quality ---------------------------------------------------------------------- */

/*
 * minwon, per field (V valid as entered, C cleansed, I invalid, N null):
 *            address phone mobile email rrn
 *   Q-1       V       V     V      V     V
 *   Q-2       C       N     C      C     C
 *   Q-3       I       I     N      I     I (check digit)
 * tax (no email or rrn column):
 *   T-1       N       N     N      N     N
 *   T-2       V       V     C      N     N
 */
static const char quality_minwon[] =
    "source_id,name,rrn,address,phone,mobile,email\n"
    "Q-1,김민준,900101-1234568,부산광역시 해운대구 해운대로 123,051-749-4000,010-1234-5678,"
    "minjun.kim@naver.com\n"
    "Q-2,이서연,8503152014826,부산 해운대구 센텀중앙로 79,,010 2345 6789,SEOYEON.LEE@DAUM.NET\n"
    "Q-3,박지훈,900101-1234567,해운대로 79,050-1234-5678,,lee@@daum\n";
static const char quality_tax[] = "source_id,name,address,phone,mobile\n"
                                  "T-1,정하늘,,,\n"
                                  "T-2,최유진,서울특별시 종로구 세종대로 209,02-2148-1114,"
                                  "+82 10 5555 6666\n";

struct qwant {
        int64_t filled, null, valid, cleansed, invalid;
        double fill_rate, accuracy;
};

static const struct {
        const char *source; /* NULL: all */
        int64_t total;
        struct qwant f[QUALITY_FIELDS]; /* address, phone, mobile, email, rrn */
} quality_cases[] = {
    {"minwon",
     3,
     {{3, 0, 1, 1, 1, 100.00, 66.67},
      {2, 1, 1, 0, 1, 66.67, 33.33},
      {2, 1, 1, 1, 0, 66.67, 66.67},
      {3, 0, 1, 1, 1, 100.00, 66.67},
      {3, 0, 1, 1, 1, 100.00, 66.67}}},
    {"tax",
     2,
     {{1, 1, 1, 0, 0, 50.00, 50.00},
      {1, 1, 1, 0, 0, 50.00, 50.00},
      {1, 1, 0, 1, 0, 50.00, 50.00},
      {0, 2, 0, 0, 0, 0.00, 0.00},
      {0, 2, 0, 0, 0, 0.00, 0.00}}},
    {NULL,
     5,
     {{4, 1, 2, 1, 1, 80.00, 60.00},
      {3, 2, 2, 0, 1, 60.00, 40.00},
      {3, 2, 1, 2, 0, 60.00, 60.00},
      {3, 2, 1, 1, 1, 60.00, 40.00},
      {3, 2, 1, 1, 1, 60.00, 40.00}}},
    {"없는출처", 0, {{0}, {0}, {0}, {0}, {0}}},
};

static void test_quality_report(void **state)
{
        struct fx *f = *state;
        import_ok(f, "minwon", quality_minwon, NULL);
        import_ok(f, "tax", quality_tax, NULL);
        static const char *const names[] = {"address", "phone", "mobile", "email", "rrn"};
        static const char *const labels[] = {"주소", "전화번호", "휴대전화", "전자우편",
                                             "주민등록번호"};
        for (size_t i = 0; i < sizeof(quality_cases) / sizeof(quality_cases[0]); i++) {
                struct quality_report r;
                memset(&r, 0x5A, sizeof(r));
                assert_int_equal(quality_report(f->db, f->a.id, quality_cases[i].source, &r), 0);
                const char *src = quality_cases[i].source ? quality_cases[i].source : "(all)";
                if (r.total != quality_cases[i].total)
                        fail_msg("%s: total %" PRId64 ", want %" PRId64, src, r.total,
                                 quality_cases[i].total);
                for (int k = 0; k < QUALITY_FIELDS; k++) {
                        const struct quality_field *q = &r.fields[k];
                        const struct qwant *w = &quality_cases[i].f[k];
                        assert_string_equal(q->name, names[k]);
                        assert_string_equal(q->label, labels[k]);
                        if (q->filled != w->filled || q->null != w->null ||
                            q->valid_original != w->valid || q->cleansed != w->cleansed ||
                            q->invalid != w->invalid || fabs(q->fill_rate - w->fill_rate) > 1e-9 ||
                            fabs(q->accuracy - w->accuracy) > 1e-9)
                                fail_msg("%s %s: filled %" PRId64 " null %" PRId64 " valid %" PRId64
                                         " cleansed %" PRId64 " invalid %" PRId64
                                         " fill %.4f acc %.4f; want %" PRId64 " %" PRId64
                                         " %" PRId64 " %" PRId64 " %" PRId64 " %.2f %.2f",
                                         src, q->name, q->filled, q->null, q->valid_original,
                                         q->cleansed, q->invalid, q->fill_rate, q->accuracy,
                                         w->filled, w->null, w->valid, w->cleansed, w->invalid,
                                         w->fill_rate, w->accuracy);
                        /* The parts add up. */
                        assert_int_equal(q->filled + q->null, r.total);
                        assert_int_equal(q->valid_original + q->cleansed + q->invalid, q->filled);
                }
        }
        /* Another tenant has no records. */
        struct quality_report r;
        assert_int_equal(quality_report(f->db, f->b.id, NULL, &r), 0);
        assert_int_equal(r.total, 0);
        assert_true(r.fields[0].fill_rate == 0.0);
}

static void test_quality_json_shape(void **state)
{
        struct fx *f = *state;
        import_ok(f, "minwon", quality_minwon, NULL);
        import_ok(f, "tax", quality_tax, NULL);
        struct quality_report r;
        assert_int_equal(quality_report(f->db, f->a.id, NULL, &r), 0);
        json_t *j = quality_json(&r);
        assert_non_null(j);
        assert_true(json_is_object(j));
        assert_int_equal(json_object_size(j), 2);
        assert_true(json_is_integer(json_object_get(j, "total")));
        assert_int_equal(json_integer_value(json_object_get(j, "total")), 5);
        json_t *fields = json_object_get(j, "fields");
        assert_true(json_is_object(fields));
        assert_int_equal(json_object_size(fields), QUALITY_FIELDS);
        static const char *const names[] = {"address", "phone", "mobile", "email", "rrn"};
        static const char *const ints[] = {"filled", "null", "valid_original", "cleansed",
                                           "invalid"};
        for (size_t i = 0; i < QUALITY_FIELDS; i++) {
                json_t *q = json_object_get(fields, names[i]);
                if (!json_is_object(q))
                        fail_msg("fields.%s is missing or no object", names[i]);
                assert_int_equal(json_object_size(q), 7);
                for (size_t k = 0; k < sizeof(ints) / sizeof(ints[0]); k++)
                        if (!json_is_integer(json_object_get(q, ints[k])))
                                fail_msg("fields.%s.%s is no integer", names[i], ints[k]);
                assert_true(json_is_number(json_object_get(q, "fill_rate")));
                assert_true(json_is_number(json_object_get(q, "accuracy")));
        }
        json_t *addr = json_object_get(fields, "address");
        assert_int_equal(json_integer_value(json_object_get(addr, "filled")), 4);
        assert_int_equal(json_integer_value(json_object_get(addr, "null")), 1);
        assert_int_equal(json_integer_value(json_object_get(addr, "valid_original")), 2);
        assert_int_equal(json_integer_value(json_object_get(addr, "cleansed")), 1);
        assert_int_equal(json_integer_value(json_object_get(addr, "invalid")), 1);
        assert_true(fabs(json_number_value(json_object_get(addr, "fill_rate")) - 80.0) < 1e-9);
        assert_true(fabs(json_number_value(json_object_get(addr, "accuracy")) - 60.0) < 1e-9);
        json_decref(j);

        /* An empty report has the same shape, with zeros. */
        assert_int_equal(quality_report(f->db, f->b.id, NULL, &r), 0);
        j = quality_json(&r);
        assert_non_null(j);
        assert_int_equal(json_integer_value(json_object_get(j, "total")), 0);
        json_t *email = json_object_get(json_object_get(j, "fields"), "email");
        assert_true(json_is_object(email));
        assert_true(json_number_value(json_object_get(email, "accuracy")) == 0.0);
        json_decref(j);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, tl_teardown_fx)
        const struct CMUnitTest tests[] = {
            T(test_import_residents),
            T(test_reimport_changes_nothing),
            T(test_rejected_rows_reported),
            T(test_malformed_file_writes_nothing),
            T(test_header_only_and_bom),
            T(test_same_row_twice_in_one_file),
            T(test_import_without_source_name_refused),
            T(test_export_follows_merges),
            T(test_export_quotes_fields),
            T(test_quality_report),
            T(test_quality_json_shape),
        };
#undef T
        return cmocka_run_group_tests(tests, group_setup, tl_group_teardown);
}
