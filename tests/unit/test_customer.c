/*
 * Unit tests for customer/customer: the cleansed form of a record (customer_cleanse), the
 * golden record in the database (customer_insert, customer_load, customer_fill,
 * customer_update), the audited RRN read (customer_reveal_rrn) and search
 * (customer_search).
 *
 * Every test gets a fresh migrated database holding two tenants, 부산광역시 해운대구
 * ("haeundae", tenant A) and 서울특별시 종로구 ("jongno", tenant B), a staff actor in
 * each, and a clock pinned with PCRM_FAKE_NOW_MS at 2026-09-23 10:00 KST.
 *
 * The resident registration numbers below are made up; each carries a correct check
 * digit, which test_fixture_rrns_are_valid recomputes with the rule of ident.h.
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
#include "store/db.h"
#include "store/migrate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0     INT64_C(1790125200000) /* 2026-09-23T10:00:00+09:00 */
#define MINUTE INT64_C(60000)

/* Made-up RRNs with valid check digits. */
#define RRN_MINJUN  "900101-1234568" /* 1990-01-01, male */
#define RRN_SEOYEON "850315-2014826" /* 1985-03-15, female */
#define RRN_YEONGSU "600512-1023452" /* 1960-05-12, male */
#define RRN_JIWOO   "020304-3123457" /* 2002-03-04, male, 2000s */

#define ADDR_HAEUNDAE      "부산광역시 해운대구 해운대로 123, 101동 1001호"
#define ADDR_HAEUNDAE_BASE "부산광역시 해운대구 해운대로 123"

struct fx {
        struct store_db *db;
        struct tenant a, b;
        struct actor staff_a, staff_b; /* CS managers of tenant A and B */
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
        if (rc != PCRM_OK) {
                assert_int_equal(e->code, rc);
                assert_true(strlen(e->message) > 0);
        }
}

static struct actor staff(const struct tenant *t, int64_t id, const char *name)
{
        struct actor a = tl_staff(t, id, name, ROLE_CS_MANAGER);
        snprintf(a.request_id, sizeof(a.request_id), "req-%" PRId64, id);
        return a;
}

/* Cleanses in and inserts it as a golden record of the tenant; returns its id. */
static int64_t add_customer(struct fx *f, int64_t tenant_id, const struct customer_input *in)
{
        struct customer_clean c;
        int64_t id = 0;
        customer_cleanse(in, &c);
        if (customer_insert(f->db, tenant_id, &c, &id) != 0)
                fail_msg("customer_insert: %s", store_errmsg(f->db));
        assert_true(id > 0);
        return id;
}

static struct customer load(struct fx *f, int64_t tenant_id, int64_t id)
{
        struct customer c;
        assert_int_equal(customer_load(f->db, tenant_id, id, &c), PCRM_OK);
        return c;
}

/* The check digit of ident.h, computed here independently of src/customer. */
static int check_digit(const char *rrn)
{
        static const int weights[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
        int sum = 0, k = 0;
        for (const char *p = rrn; *p && k < 12; p++)
                if (*p >= '0' && *p <= '9')
                        sum += (*p - '0') * weights[k++];
        return (11 - sum % 11) % 10;
}

static int64_t audit_count(struct fx *f, const char *action)
{
        return qint(f->db, "SELECT count(*) FROM audit_log WHERE action = '%s'", action);
}

/* ---- fixtures --------------------------------------------------------------------- */

static int group_setup(void **state)
{
        (void)state;
        return tl_group_setup("customer");
}

static int setup(void **state)
{
        struct fx *f = calloc(1, sizeof(*f));
        if (!f)
                return -1;
        *state = f;
        set_now(T0);
        if (tl_open_db("customer", &f->db) < 0 || tl_add_tenants(f->db, &f->a, &f->b) != PCRM_OK)
                return -1;
        f->staff_a = staff(&f->a, 11, "kim.minwon");
        f->staff_b = staff(&f->b, 21, "park.minwon");
        return 0;
}

/* ---- cleansing -------------------------------------------------------------------- */

static void test_fixture_rrns_are_valid(void **state)
{
        (void)state;
        const char *rrns[] = {RRN_MINJUN, RRN_SEOYEON, RRN_YEONGSU, RRN_JIWOO};
        for (size_t i = 0; i < sizeof(rrns) / sizeof(rrns[0]); i++) {
                if (rrns[i][13] - '0' != check_digit(rrns[i]))
                        fail_msg("fixture %s: check digit should be %d", rrns[i],
                                 check_digit(rrns[i]));
                char out[RRN_SIZE];
                assert_int_equal(cleanse_rrn(rrns[i], out, sizeof(out)), CLEANSE_VALID);
        }
        /* The check digit of the brief's example, worked by hand: 124 mod 11 = 3, 11-3 = 8. */
        assert_int_equal(check_digit("900101-123456"), 8);
}

static void test_cleanse_full_korean_record(void **state)
{
        (void)state;
        struct customer_input in = {
            .name = "김 민준",
            .rrn = "9001011234568",
            .birth_date = "1985-05-05", /* disagrees with the RRN, which wins */
            .phone = "051.749.4000",
            .mobile = "010 1234 5678",
            .email = " MinJun.Kim@Naver.COM ",
            .address = "부산 해운대구 해운대로123, 101동 1001호",
            .postal_code = "48094",
        };
        struct customer_clean c;
        memset(&c, 0x5A, sizeof(c));
        customer_cleanse(&in, &c);

        assert_string_equal(c.name, "김 민준");
        assert_string_equal(c.name_key, "김민준");

        assert_int_equal(c.rrn_status, CLEANSE_CLEANSED);
        assert_string_equal(c.rrn, RRN_MINJUN);
        assert_string_equal(c.rrn_masked, "900101-1******");
        assert_int_equal(strlen(c.rrn_index), 64);
        assert_int_equal(strspn(c.rrn_index, "0123456789abcdef"), 64);
        assert_null(strstr(c.rrn_index, "900101"));

        assert_int_equal(c.birth_status, CLEANSE_VALID);
        assert_string_equal(c.birth_date, "1990-01-01");
        assert_int_equal(c.sex, 'M');

        assert_int_equal(c.phone_status, CLEANSE_CLEANSED);
        assert_string_equal(c.phone, "051-749-4000");
        assert_int_equal(c.mobile_status, CLEANSE_CLEANSED);
        assert_string_equal(c.mobile, "010-1234-5678");
        assert_int_equal(c.email_status, CLEANSE_CLEANSED);
        assert_string_equal(c.email, "minjun.kim@naver.com");

        assert_int_equal(c.address_status, CLEANSE_CLEANSED);
        assert_string_equal(c.addr.canonical, ADDR_HAEUNDAE);
        assert_string_equal(c.addr.sido, "부산광역시");
        assert_string_equal(c.addr.sigungu, "해운대구");
        assert_string_equal(c.addr.road, "해운대로");
        assert_string_equal(c.addr.number, "123");
        assert_string_equal(c.addr.detail, "101동 1001호");
        assert_string_equal(c.address_base, ADDR_HAEUNDAE_BASE);
        assert_true(c.household_key[0] != '\0');

        assert_string_equal(c.postal_code, "48094");
        assert_string_equal(c.kind, "resident");
}

static void test_cleanse_canonical_record_is_valid_as_entered(void **state)
{
        (void)state;
        struct customer_input in = {
            .name = "이서연",
            .rrn = RRN_SEOYEON,
            .phone = "051-749-4000",
            .mobile = "010-2345-6789",
            .email = "seoyeon.lee@daum.net",
            .address = "부산광역시 해운대구 센텀중앙로 79",
            .kind = "expert",
        };
        struct customer_clean c;
        customer_cleanse(&in, &c);
        assert_int_equal(c.rrn_status, CLEANSE_VALID);
        assert_int_equal(c.phone_status, CLEANSE_VALID);
        assert_int_equal(c.mobile_status, CLEANSE_VALID);
        assert_int_equal(c.email_status, CLEANSE_VALID);
        assert_int_equal(c.address_status, CLEANSE_VALID);
        assert_int_equal(c.birth_status, CLEANSE_NULL);
        /* No birth date given: the RRN supplies it. */
        assert_string_equal(c.birth_date, "1985-03-15");
        assert_int_equal(c.sex, 'F');
        /* Without a detail part the base form is the whole address. */
        assert_string_equal(c.address_base, "부산광역시 해운대구 센텀중앙로 79");
        assert_string_equal(c.name_key, "이서연");
        assert_string_equal(c.kind, "expert");
}

static void test_cleanse_invalid_and_missing_values(void **state)
{
        (void)state;
        struct customer_input in = {
            .name = "박지훈",
            .rrn = "900101-1234567", /* check digit should be 8 */
            .birth_date = "1991-07-20",
            .phone = "050-1234-5678",
            .mobile = "010-12",
            .email = "jihoon@@naver",
            .address = "해운대로 123", /* no 시도: would need guessing */
        };
        struct customer_clean c;
        customer_cleanse(&in, &c);
        assert_int_equal(c.rrn_status, CLEANSE_INVALID);
        assert_string_equal(c.rrn, "");
        assert_string_equal(c.rrn_index, "");
        assert_string_equal(c.rrn_masked, "");
        /* An invalid RRN proves nothing: the given birth date stands, the sex is unknown. */
        assert_string_equal(c.birth_date, "1991-07-20");
        assert_int_equal(c.sex, 0);
        assert_int_equal(c.phone_status, CLEANSE_INVALID);
        assert_string_equal(c.phone, "");
        assert_int_equal(c.mobile_status, CLEANSE_INVALID);
        assert_string_equal(c.mobile, "");
        assert_int_equal(c.email_status, CLEANSE_INVALID);
        assert_string_equal(c.email, "");
        assert_int_equal(c.address_status, CLEANSE_INVALID);
        assert_string_equal(c.addr.canonical, "");
        assert_string_equal(c.address_base, "");
        assert_string_equal(c.household_key, "");

        struct customer_input empty = {0};
        customer_cleanse(&empty, &c);
        assert_string_equal(c.name, "");
        assert_string_equal(c.name_key, "");
        assert_int_equal(c.rrn_status, CLEANSE_NULL);
        assert_int_equal(c.phone_status, CLEANSE_NULL);
        assert_int_equal(c.mobile_status, CLEANSE_NULL);
        assert_int_equal(c.email_status, CLEANSE_NULL);
        assert_int_equal(c.address_status, CLEANSE_NULL);
        assert_int_equal(c.birth_status, CLEANSE_NULL);
        assert_string_equal(c.household_key, "");
        assert_string_equal(c.kind, "resident");
}

static const struct {
        const char *rrn, *given_birth;
        const char *birth_date;
        char sex;
} rrn_birth_cases[] = {
    {RRN_MINJUN, NULL, "1990-01-01", 'M'},
    {RRN_MINJUN, "1990-01-02", "1990-01-01", 'M'},
    {RRN_SEOYEON, "19850316", "1985-03-15", 'F'},
    {RRN_YEONGSU, "1961.05.12", "1960-05-12", 'M'},
    {RRN_JIWOO, NULL, "2002-03-04", 'M'}, /* G = 3: born in the 2000s */
    {"０２０３０４－３１２３４５７", NULL, "2002-03-04", 'M'},
};

static void test_cleanse_rrn_wins_birth_date_and_sex(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(rrn_birth_cases) / sizeof(rrn_birth_cases[0]); i++) {
                struct customer_input in = {.name = "정하늘",
                                            .rrn = rrn_birth_cases[i].rrn,
                                            .birth_date = rrn_birth_cases[i].given_birth};
                struct customer_clean c;
                customer_cleanse(&in, &c);
                if (strcmp(c.birth_date, rrn_birth_cases[i].birth_date) ||
                    c.sex != rrn_birth_cases[i].sex)
                        fail_msg("rrn %s, birth %s: got %s %c, want %s %c", rrn_birth_cases[i].rrn,
                                 rrn_birth_cases[i].given_birth ? rrn_birth_cases[i].given_birth
                                                                : "(none)",
                                 c.birth_date, c.sex ? c.sex : '-', rrn_birth_cases[i].birth_date,
                                 rrn_birth_cases[i].sex);
        }
}

static const struct {
        const char *in;
        enum cleanse_status status;
        const char *out;
} birth_cases[] = {
    {"1990-01-01", CLEANSE_VALID, "1990-01-01"},
    {"19900101", CLEANSE_CLEANSED, "1990-01-01"},
    {"1990.01.01", CLEANSE_CLEANSED, "1990-01-01"},
    {"1990/01/01", CLEANSE_CLEANSED, "1990-01-01"},
    {"2000-02-29", CLEANSE_VALID, "2000-02-29"}, /* a leap day */
    {"1990-02-30", CLEANSE_INVALID, ""},
    {"1900-02-29", CLEANSE_INVALID, ""}, /* 1900 was not a leap year */
    {"1990-13-01", CLEANSE_INVALID, ""},
    {"1990-00-10", CLEANSE_INVALID, ""},
    {"1990-01-32", CLEANSE_INVALID, ""},
    {"1990년 1월 1일", CLEANSE_INVALID, ""},
    {"900101", CLEANSE_INVALID, ""},
    {"", CLEANSE_NULL, ""},
    {NULL, CLEANSE_NULL, ""},
};

static void test_cleanse_birth_date_formats(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(birth_cases) / sizeof(birth_cases[0]); i++) {
                struct customer_input in = {.name = "최유진", .birth_date = birth_cases[i].in};
                struct customer_clean c;
                customer_cleanse(&in, &c);
                if (c.birth_status != birth_cases[i].status ||
                    strcmp(c.birth_date, birth_cases[i].out))
                        fail_msg("birth_date \"%s\": %s \"%s\", want %s \"%s\"",
                                 birth_cases[i].in ? birth_cases[i].in : "(null)",
                                 cleanse_status_name(c.birth_status), c.birth_date,
                                 cleanse_status_name(birth_cases[i].status), birth_cases[i].out);
                assert_int_equal(c.sex, 0);
        }
}

static const struct {
        const char *in, *key;
} name_key_cases[] = {
    {"김 민준", "김민준"},
    {"김민준", "김민준"},
    {"  김  민 준 ", "김민준"},
    {"\xe3\x80\x80김민준\xe3\x80\x80", "김민준"}, /* ideographic spaces */
    {"남궁 민수", "남궁민수"},
    {"ＫＩＭ Ｍｉｎｊｕｎ", "KIMMinjun"}, /* full-width folded, case kept */
    {"", ""},
};

static void test_name_key(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(name_key_cases) / sizeof(name_key_cases[0]); i++) {
                char key[CUSTOMER_NAME_SIZE];
                customer_name_key(name_key_cases[i].in, key, sizeof(key));
                if (strcmp(key, name_key_cases[i].key))
                        fail_msg("name key of \"%s\" = \"%s\", want \"%s\"", name_key_cases[i].in,
                                 key, name_key_cases[i].key);
        }
}

static const struct {
        const char *address, *base;
} base_cases[] = {
    {ADDR_HAEUNDAE, ADDR_HAEUNDAE_BASE},
    {"부산 해운대구 해운대로123 101동 1001호", ADDR_HAEUNDAE_BASE},
    {"부산광역시 연제구 중앙대로 1001, 부산광역시청", "부산광역시 연제구 중앙대로 1001"},
    {"부산광역시 해운대구 우동 1408, 센텀아파트 103동 1502호", "부산광역시 해운대구 우동 1408"},
    {"부산광역시 기장군 기장읍 기장대로 560", "부산광역시 기장군 기장읍 기장대로 560"},
    {"서울특별시 종로구 세종대로 209", "서울특별시 종로구 세종대로 209"},
    {"부산광역시 해운대구 구남로24번길 8, 2층", "부산광역시 해운대구 구남로24번길 8"},
};

static void test_address_base_drops_detail(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(base_cases) / sizeof(base_cases[0]); i++) {
                struct customer_input in = {.address = base_cases[i].address};
                struct customer_clean c;
                customer_cleanse(&in, &c);
                if (!cleanse_usable(c.address_status) || strcmp(c.address_base, base_cases[i].base))
                        fail_msg("address \"%s\": %s, base \"%s\", want \"%s\"",
                                 base_cases[i].address, cleanse_status_name(c.address_status),
                                 c.address_base, base_cases[i].base);
        }
}

/* Pairs of addresses: same household when their canonical forms are equal. */
static const struct {
        const char *a, *b;
        bool same;
} household_cases[] = {
    {ADDR_HAEUNDAE, ADDR_HAEUNDAE, true},
    {ADDR_HAEUNDAE, "부산 해운대구 해운대로123, 101동 1001호", true},
    {ADDR_HAEUNDAE, "  부산시  해운대구 해운대로 123 101동 1001호 ", true},
    {ADDR_HAEUNDAE, "부산광역시 해운대구 해운대로 123, 101동 1002호", false},
    {ADDR_HAEUNDAE, ADDR_HAEUNDAE_BASE, false},
    {ADDR_HAEUNDAE, "부산광역시 해운대구 해운대로 125, 101동 1001호", false},
    {"부산광역시 해운대구 우동 1408", "부산광역시 해운대구 우동 1408번지", true},
    {"부산광역시 해운대구 우동 1408", "부산광역시 해운대구 중동 1408", false},
};

static void test_household_key(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(household_cases) / sizeof(household_cases[0]); i++) {
                struct customer_input ia = {.address = household_cases[i].a};
                struct customer_input ib = {.address = household_cases[i].b};
                struct customer_clean ca, cb;
                customer_cleanse(&ia, &ca);
                customer_cleanse(&ib, &cb);
                assert_true(ca.household_key[0] != '\0');
                assert_true(cb.household_key[0] != '\0');
                bool same = !strcmp(ca.household_key, cb.household_key);
                if (same != household_cases[i].same)
                        fail_msg("\"%s\" / \"%s\": household keys %s / %s, want %s",
                                 household_cases[i].a, household_cases[i].b, ca.household_key,
                                 cb.household_key, household_cases[i].same ? "equal" : "different");
        }
}

/* ---- insert and load -------------------------------------------------------------- */

static const struct customer_input minjun = {
    .name = "김 민준",
    .rrn = "9001011234568",
    .birth_date = "1990-01-01",
    .phone = "051-749-4000",
    .mobile = "010-1234-5678",
    .email = "minjun.kim@naver.com",
    .address = ADDR_HAEUNDAE,
    .postal_code = "48094",
};

static void test_insert_load_round_trip(void **state)
{
        struct fx *f = *state;
        struct customer_clean c;
        customer_cleanse(&minjun, &c);
        int64_t id = 0;
        assert_int_equal(customer_insert(f->db, f->a.id, &c, &id), 0);
        assert_true(id > 0);

        struct customer got = load(f, f->a.id, id);
        assert_int_equal(got.id, id);
        assert_int_equal(got.tenant_id, f->a.id);
        assert_int_equal(got.merged_into, 0);
        assert_string_equal(got.kind, "resident");
        assert_string_equal(got.name, "김 민준");
        assert_string_equal(got.name_key, "김민준");
        assert_string_equal(got.birth_date, "1990-01-01");
        assert_string_equal(got.sex, "M");
        assert_true(got.has_rrn);
        assert_string_equal(got.rrn_index, c.rrn_index);
        assert_string_equal(got.rrn_masked, "900101-1******");
        assert_string_equal(got.phone, "051-749-4000");
        assert_string_equal(got.mobile, "010-1234-5678");
        assert_string_equal(got.email, "minjun.kim@naver.com");
        assert_string_equal(got.address, ADDR_HAEUNDAE);
        assert_string_equal(got.address_base, ADDR_HAEUNDAE_BASE);
        assert_string_equal(got.addr_sido, "부산광역시");
        assert_string_equal(got.addr_sigungu, "해운대구");
        assert_string_equal(got.addr_eupmyeon, "");
        assert_string_equal(got.addr_street, "해운대로");
        assert_string_equal(got.addr_number, "123");
        assert_string_equal(got.addr_detail, "101동 1001호");
        assert_string_equal(got.postal_code, "48094");
        assert_string_equal(got.household_key, c.household_key);
        assert_int_equal(got.created_at, T0);
        assert_int_equal(got.updated_at, T0);

        /* The RRN is stored sealed: not the plain text in any form, but it opens. */
        struct store_stmt *st = store_prepare(
            f->db, "SELECT rrn_sealed, typeof(rrn_sealed) FROM customers WHERE id = ?");
        store_bind_int(st, 1, id);
        assert_int_equal(store_step(st), STORE_ROW);
        assert_string_equal(store_col_text(st, 1), "blob");
        size_t len = store_col_bytes(st, 0);
        unsigned char sealed[256];
        assert_true(len == strlen(RRN_MINJUN) + SEC_SEAL_OVERHEAD);
        memcpy(sealed, store_col_blob(st, 0), len);
        store_done(st);
        assert_null(memmem(sealed, len, RRN_MINJUN, strlen(RRN_MINJUN)));
        assert_null(memmem(sealed, len, "9001011234568", 13));
        assert_null(memmem(sealed, len, "1234568", 7));
        char plain[64];
        assert_int_equal(sec_open("rrn", sealed, len, plain, sizeof(plain)), 0);
        assert_string_equal(plain, RRN_MINJUN);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM customers WHERE instr(rrn_masked || rrn_index,"
                              " '1234568') > 0 OR instr(rrn_masked || rrn_index, '9001011') > 0"),
                         0);

        /* The same person entered another way: the same blind index, a fresh nonce. */
        struct customer_input again = {.name = "김민준", .rrn = " 900101 - 1234568 "};
        int64_t id2 = add_customer(f, f->a.id, &again);
        struct customer other = load(f, f->a.id, id2);
        assert_string_equal(other.rrn_index, got.rrn_index);
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM customers a, customers b WHERE a.id = %" PRId64
                              " AND b.id = %" PRId64 " AND a.rrn_sealed = b.rrn_sealed",
                              id, id2),
                         0);
        /* A different person: a different index. */
        struct customer_input seoyeon = {.name = "이서연", .rrn = RRN_SEOYEON};
        struct customer third = load(f, f->a.id, add_customer(f, f->a.id, &seoyeon));
        assert_string_not_equal(third.rrn_index, got.rrn_index);
        assert_string_equal(third.sex, "F");

        /* Tenant isolation and unknown ids. */
        struct customer none;
        assert_int_equal(customer_load(f->db, f->b.id, id, &none), PCRM_ENOTFOUND);
        assert_int_equal(customer_load(f->db, f->a.id, id + 1000, &none), PCRM_ENOTFOUND);
}

static void test_insert_without_optional_fields(void **state)
{
        struct fx *f = *state;
        struct customer_input in = {.name = "정하늘"};
        int64_t id = add_customer(f, f->a.id, &in);
        struct customer got = load(f, f->a.id, id);
        assert_false(got.has_rrn);
        assert_string_equal(got.rrn_masked, "");
        assert_string_equal(got.mobile, "");
        assert_string_equal(got.household_key, "");
        /* Absent values are SQL NULL, not "", so that COALESCE-based filling works. */
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM customers WHERE id = %" PRId64
                              " AND rrn_sealed IS NULL AND rrn_index IS NULL AND mobile IS NULL"
                              " AND email IS NULL AND address IS NULL AND birth_date IS NULL"
                              " AND sex IS NULL AND household_key IS NULL",
                              id),
                         1);
}

/* ---- customer_fill ---------------------------------------------------------------- */

static void test_fill_only_empty_fields(void **state)
{
        struct fx *f = *state;
        struct customer_input first = {.name = "김민준", .mobile = "010-1234-5678"};
        int64_t id = add_customer(f, f->a.id, &first);

        struct customer_input later = {
            .name = "김 민 준",              /* has a name: kept */
            .rrn = RRN_MINJUN,               /* fills rrn, birth date and sex */
            .phone = "051-749-4000",         /* fills */
            .mobile = "010-9999-8888",       /* has a mobile: kept */
            .email = "MINJUN.KIM@NAVER.COM", /* fills, canonical */
            .address = "부산 해운대구 해운대로123, 101동 1001호", /* fills, canonical */
            .postal_code = "48094",                               /* fills */
        };
        struct customer_clean c;
        customer_cleanse(&later, &c);
        set_now(T0 + MINUTE);
        int filled = customer_fill(f->db, &f->staff_a, id, &c);

        struct customer got = load(f, f->a.id, id);
        assert_string_equal(got.name, "김민준");
        assert_string_equal(got.name_key, "김민준");
        assert_string_equal(got.mobile, "010-1234-5678");
        assert_true(got.has_rrn);
        assert_string_equal(got.rrn_masked, "900101-1******");
        assert_string_equal(got.rrn_index, c.rrn_index);
        assert_string_equal(got.birth_date, "1990-01-01");
        assert_string_equal(got.sex, "M");
        assert_string_equal(got.phone, "051-749-4000");
        assert_string_equal(got.email, "minjun.kim@naver.com");
        assert_string_equal(got.address, ADDR_HAEUNDAE);
        assert_string_equal(got.address_base, ADDR_HAEUNDAE_BASE);
        assert_string_equal(got.addr_street, "해운대로");
        assert_string_equal(got.addr_detail, "101동 1001호");
        assert_string_equal(got.household_key, c.household_key);
        assert_int_equal(got.updated_at, T0 + MINUTE);

        /* Each filled field has its customer_changes row, from nothing to the new value. */
        static const struct {
                const char *field, *value;
        } changes[] = {
            {"birth_date", "1990-01-01"},      {"sex", "M"},
            {"rrn", "900101-1******"},         {"phone", "051-749-4000"},
            {"email", "minjun.kim@naver.com"}, {"address", ADDR_HAEUNDAE},
        };
        for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
                char v[CLEANSE_ADDRESS_SIZE];
                assert_int_equal(qint(f->db,
                                      "SELECT count(*) FROM customer_changes WHERE customer_id = "
                                      "%" PRId64 " AND field = '%s' AND old_value IS NULL",
                                      id, changes[i].field),
                                 1);
                qtext(f->db, v, sizeof(v),
                      "SELECT new_value FROM customer_changes WHERE customer_id = %" PRId64
                      " AND field = '%s'",
                      id, changes[i].field);
                if (strcmp(v, changes[i].value))
                        fail_msg("change of %s: new value \"%s\", want \"%s\"", changes[i].field, v,
                                 changes[i].value);
        }
        /* Fields that were kept have no change rows; no row holds the plain RRN. */
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM customer_changes WHERE customer_id = %" PRId64
                              " AND field IN ('name', 'mobile')",
                              id),
                         0);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM customer_changes WHERE"
                                     " instr(new_value, '1234568') > 0"),
                         0);

        /* Filling again with the same record changes nothing. */
        int64_t rows = qint(f->db, "SELECT count(*) FROM customer_changes");
        assert_int_equal(customer_fill(f->db, &f->staff_a, id, &c), 0);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM customer_changes"), rows);

        /* Survivorship covers every empty field the record has, the postal code included
         * (merges fill it too): 7 fields = birth_date, sex, rrn, phone, email, address,
         * postal_code. */
        if (strcmp(got.postal_code, "48094"))
                fail_msg("customer_fill left postal_code empty (\"%s\") although the record has"
                         " \"48094\"",
                         got.postal_code);
        assert_int_equal(filled, 7);
}

static void test_fill_other_tenant_refused(void **state)
{
        struct fx *f = *state;
        struct customer_input first = {.name = "김민준"};
        int64_t id = add_customer(f, f->a.id, &first);
        struct customer_input later = {.name = "김민준", .mobile = "010-1234-5678"};
        struct customer_clean c;
        customer_cleanse(&later, &c);
        assert_int_equal(customer_fill(f->db, &f->staff_b, id, &c), -1);
        assert_string_equal(load(f, f->a.id, id).mobile, "");
        assert_int_equal(qint(f->db, "SELECT count(*) FROM customer_changes"), 0);
}

/* ---- customer_update -------------------------------------------------------------- */

static const struct customer_input base_record = {
    .name = "김민준",
    .birth_date = "1990-01-01",
    .phone = "051-749-4000",
    .mobile = "010-1234-5678",
    .email = "minjun.kim@naver.com",
    .address = ADDR_HAEUNDAE,
    .postal_code = "48094",
};

/* One valid correction per row: the field changes and its history is kept. */
static const struct {
        const char *field; /* customer_changes.field and customers column */
        struct customer_input in;
        const char *old_value, *new_value;
} correction_cases[] = {
    {"mobile", {.mobile = "010 9876 5432"}, "010-1234-5678", "010-9876-5432"},
    {"mobile", {.mobile = "+82 10 9876 5432"}, "010-1234-5678", "010-9876-5432"},
    {"email", {.email = "MINJUN@KOREA.KR"}, "minjun.kim@naver.com", "minjun@korea.kr"},
    {"phone", {.phone = "02-2148-1114"}, "051-749-4000", "02-2148-1114"},
    {"birth_date", {.birth_date = "1990.02.03"}, "1990-01-01", "1990-02-03"},
    {"name", {.name = "김민중"}, "김민준", "김민중"},
    {"kind", {.kind = "expert"}, "resident", "expert"},
    {"postal_code", {.postal_code = "48058"}, "48094", "48058"},
    {"address",
     {.address = "부산 해운대구 센텀중앙로 79"},
     ADDR_HAEUNDAE,
     "부산광역시 해운대구 센텀중앙로 79"},
};

static void test_update_valid_correction(void **state)
{
        struct fx *f = *state;
        for (size_t i = 0; i < sizeof(correction_cases) / sizeof(correction_cases[0]); i++) {
                int64_t id = add_customer(f, f->a.id, &base_record);
                struct customer before = load(f, f->a.id, id), out;
                int64_t audits = audit_count(f, "customer.update");
                struct pcrm_error e = {0};
                set_now(T0 + (int64_t)(i + 1) * MINUTE);
                int rc = customer_update(f->db, &f->staff_a, id, &correction_cases[i].in, &out, &e);
                if (rc != PCRM_OK)
                        fail_msg("%s: %s (%s: %s)", correction_cases[i].field, err_code_name(rc),
                                 e.field, e.message);
                char v[CLEANSE_ADDRESS_SIZE];
                qtext(f->db, v, sizeof(v), "SELECT %s FROM customers WHERE id = %" PRId64,
                      correction_cases[i].field, id);
                if (strcmp(v, correction_cases[i].new_value))
                        fail_msg("%s: stored \"%s\", want \"%s\"", correction_cases[i].field, v,
                                 correction_cases[i].new_value);
                assert_int_equal(out.id, id);
                assert_int_equal(out.updated_at, T0 + (int64_t)(i + 1) * MINUTE);

                char old_value[CLEANSE_ADDRESS_SIZE], new_value[CLEANSE_ADDRESS_SIZE];
                assert_int_equal(qint(f->db,
                                      "SELECT count(*) FROM customer_changes WHERE customer_id = "
                                      "%" PRId64 " AND field = '%s'",
                                      id, correction_cases[i].field),
                                 1);
                qtext(f->db, old_value, sizeof(old_value),
                      "SELECT old_value FROM customer_changes WHERE customer_id = %" PRId64
                      " AND field = '%s'",
                      id, correction_cases[i].field);
                qtext(f->db, new_value, sizeof(new_value),
                      "SELECT new_value FROM customer_changes WHERE customer_id = %" PRId64
                      " AND field = '%s'",
                      id, correction_cases[i].field);
                assert_string_equal(old_value, correction_cases[i].old_value);
                assert_string_equal(new_value, correction_cases[i].new_value);
                assert_int_equal(audit_count(f, "customer.update"), audits + 1);
                char target[32];
                qtext(f->db, target, sizeof(target),
                      "SELECT target_id FROM audit_log WHERE action = 'customer.update'"
                      " ORDER BY id DESC LIMIT 1");
                assert_int_equal(strtoll(target, NULL, 10), id);

                /* What was not given stays as it was. */
                if (strcmp(correction_cases[i].field, "mobile"))
                        assert_string_equal(out.mobile, before.mobile);
                if (strcmp(correction_cases[i].field, "email"))
                        assert_string_equal(out.email, before.email);
                if (strcmp(correction_cases[i].field, "address"))
                        assert_string_equal(out.address, before.address);
                if (strcmp(correction_cases[i].field, "name"))
                        assert_string_equal(out.name, before.name);
        }
}

static void test_update_address_moves_household(void **state)
{
        struct fx *f = *state;
        int64_t id = add_customer(f, f->a.id, &base_record);
        struct customer before = load(f, f->a.id, id), out;
        struct customer_input in = {.address = "부산광역시 해운대구 해운대로 123, 101동 1002호"};
        struct pcrm_error e = {0};
        assert_err(customer_update(f->db, &f->staff_a, id, &in, &out, &e), e, PCRM_OK, NULL);
        assert_string_equal(out.address, "부산광역시 해운대구 해운대로 123, 101동 1002호");
        assert_string_equal(out.address_base, ADDR_HAEUNDAE_BASE);
        assert_string_equal(out.addr_detail, "101동 1002호");
        assert_string_not_equal(out.household_key, before.household_key);
        assert_true(out.household_key[0] != '\0');
}

static void test_update_adds_rrn(void **state)
{
        struct fx *f = *state;
        struct customer_input in0 = {.name = "김민준", .mobile = "010-1234-5678"};
        int64_t id = add_customer(f, f->a.id, &in0);
        struct customer out;
        struct pcrm_error e = {0};
        struct customer_input in = {.rrn = "9001011234568"};
        assert_err(customer_update(f->db, &f->staff_a, id, &in, &out, &e), e, PCRM_OK, NULL);
        assert_true(out.has_rrn);
        assert_string_equal(out.rrn_masked, "900101-1******");
        assert_string_equal(out.birth_date, "1990-01-01");
        assert_string_equal(out.sex, "M");
        char v[64];
        assert_false(qtext(f->db, v, sizeof(v),
                           "SELECT new_value FROM customer_changes WHERE customer_id = %" PRId64
                           " AND field = 'rrn'",
                           id));
        assert_string_equal(v, "900101-1******");
        char plain[RRN_SIZE];
        assert_err(
            customer_reveal_rrn(f->db, &f->staff_a, id, "본인확인", plain, sizeof(plain), &e), e,
            PCRM_OK, NULL);
        assert_string_equal(plain, RRN_MINJUN);
}

/* Corrections reach the search index: the new name and address are found, the old not. */
static void test_update_is_searchable(void **state)
{
        struct fx *f = *state;
        int64_t id = add_customer(f, f->a.id, &base_record);
        struct customer out;
        struct pcrm_error e = {0};
        struct customer_input in = {.name = "이 도윤",
                                    .address = "부산광역시 해운대구 센텀중앙로 79"};
        assert_err(customer_update(f->db, &f->staff_a, id, &in, &out, &e), e, PCRM_OK, NULL);
        static const struct {
                const char *q;
                size_t n;
        } cases[] = {
            {"이도", 1}, {"이 도윤", 1},  {"센텀중앙로", 1},
            {"김민", 0}, {"해운대로", 0}, {"101동", 0},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int64_t ids[4];
                size_t n = 9;
                const char *kind;
                assert_int_equal(customer_search(f->db, f->a.id, cases[i].q, ids, 4, &n, &kind), 0);
                if (n != cases[i].n || (n && ids[0] != id))
                        fail_msg("after the correction, \"%s\" finds %zu, want %zu", cases[i].q, n,
                                 cases[i].n);
        }
}

/* Invalid values: PCRM_EINVALID naming the field, and nothing changes. */
static const struct {
        const char *field;
        struct customer_input in;
} invalid_cases[] = {
    {"mobile", {.mobile = "010-12"}},
    {"mobile", {.mobile = "02-2148-1114"}}, /* a landline is no mobile */
    {"mobile", {.email = "minjun@korea.kr", .mobile = "010-12"}},
    {"phone", {.phone = "050-1234-5678"}},
    {"email", {.email = "minjun@"}},
    {"address", {.address = "해운대로 123"}},
    {"rrn", {.rrn = "900101-1234567"}},
    {"birth_date", {.birth_date = "1990-02-30"}},
    {"kind", {.kind = "citizen"}},
    {"name",
     {.name = "김민준김민준김민준김민준김민준김민준김민준김민준김민준김민준김민준김민준김민준김"
              "민"}}, /* 41 characters */
    {"name", {.name = "김민준\t"}},
    {"postal_code", {.postal_code = "4809"}},
    {"postal_code", {.postal_code = "부산48094"}},
};

static void test_update_invalid_changes_nothing(void **state)
{
        struct fx *f = *state;
        int64_t id = add_customer(f, f->a.id, &base_record);
        struct customer before = load(f, f->a.id, id);
        set_now(T0 + MINUTE);
        for (size_t i = 0; i < sizeof(invalid_cases) / sizeof(invalid_cases[0]); i++) {
                struct customer out;
                struct pcrm_error e = {0};
                int rc = customer_update(f->db, &f->staff_a, id, &invalid_cases[i].in, &out, &e);
                if (rc != PCRM_EINVALID || strcmp(e.field, invalid_cases[i].field))
                        fail_msg("case %zu: %s field \"%s\", want invalid field \"%s\"", i,
                                 err_code_name(rc), e.field, invalid_cases[i].field);
                struct customer after = load(f, f->a.id, id);
                if (memcmp(&before, &after, sizeof(before)))
                        fail_msg("case %zu (%s): the customer changed", i, invalid_cases[i].field);
        }
        assert_int_equal(qint(f->db, "SELECT count(*) FROM customer_changes"), 0);
        assert_int_equal(audit_count(f, "customer.update"), 0);
}

static void test_update_empty_clears_field(void **state)
{
        struct fx *f = *state;
        static const struct {
                const char *field;
                struct customer_input in;
                const char *old_value;
        } clear_cases[] = {
            {"mobile", {.mobile = ""}, "010-1234-5678"},
            {"email", {.email = ""}, "minjun.kim@naver.com"},
            {"phone", {.phone = ""}, "051-749-4000"},
            {"address", {.address = ""}, ADDR_HAEUNDAE},
        };
        for (size_t i = 0; i < sizeof(clear_cases) / sizeof(clear_cases[0]); i++) {
                int64_t id = add_customer(f, f->a.id, &base_record);
                struct customer out;
                struct pcrm_error e = {0};
                assert_err(customer_update(f->db, &f->staff_a, id, &clear_cases[i].in, &out, &e), e,
                           PCRM_OK, NULL);
                char v[CLEANSE_ADDRESS_SIZE];
                if (!qtext(f->db, v, sizeof(v), "SELECT %s FROM customers WHERE id = %" PRId64,
                           clear_cases[i].field, id))
                        fail_msg("%s not cleared: \"%s\"", clear_cases[i].field, v);
                qtext(f->db, v, sizeof(v),
                      "SELECT old_value FROM customer_changes WHERE customer_id = %" PRId64
                      " AND field = '%s'",
                      id, clear_cases[i].field);
                assert_string_equal(v, clear_cases[i].old_value);
                assert_true(qtext(f->db, v, sizeof(v),
                                  "SELECT new_value FROM customer_changes WHERE customer_id = "
                                  "%" PRId64 " AND field = '%s'",
                                  id, clear_cases[i].field));
                /* The other fields stay. */
                assert_string_equal(out.name, "김민준");
                assert_string_equal(out.birth_date, "1990-01-01");
        }
        /* A cleared address takes its parts and household along. */
        int64_t last = qint(f->db, "SELECT max(id) FROM customers");
        assert_int_equal(qint(f->db,
                              "SELECT count(*) FROM customers WHERE id = %" PRId64
                              " AND address_base IS NULL AND household_key IS NULL"
                              " AND addr_street IS NULL AND addr_detail IS NULL",
                              last),
                         1);
}

static void test_update_merged_or_foreign_refused(void **state)
{
        struct fx *f = *state;
        int64_t survivor = add_customer(f, f->a.id, &base_record);
        int64_t merged = add_customer(f, f->a.id, &base_record);
        char sql[160];
        snprintf(sql, sizeof(sql),
                 "UPDATE customers SET merged_into = %" PRId64 " WHERE id = %" PRId64, survivor,
                 merged);
        exec_ok(f->db, sql);
        struct customer before = load(f, f->a.id, merged), out;
        struct customer_input in = {.mobile = "010-9876-5432"};
        struct pcrm_error e = {0};
        assert_err(customer_update(f->db, &f->staff_a, merged, &in, &out, &e), e, PCRM_ERULE, NULL);
        struct customer after = load(f, f->a.id, merged);
        assert_memory_equal(&before, &after, sizeof(before));

        /* Another tenant's customer is not found, and stays untouched. */
        assert_err(customer_update(f->db, &f->staff_b, survivor, &in, &out, &e), e, PCRM_ENOTFOUND,
                   NULL);
        assert_string_equal(load(f, f->a.id, survivor).mobile, "010-1234-5678");
        assert_err(customer_update(f->db, &f->staff_a, survivor + 1000, &in, &out, &e), e,
                   PCRM_ENOTFOUND, NULL);
        assert_int_equal(qint(f->db, "SELECT count(*) FROM customer_changes"), 0);
        assert_int_equal(audit_count(f, "customer.update"), 0);

        /* The survivor itself can be corrected. */
        assert_err(customer_update(f->db, &f->staff_a, survivor, &in, &out, &e), e, PCRM_OK, NULL);
        assert_string_equal(out.mobile, "010-9876-5432");
}

/* ---- customer_reveal_rrn ---------------------------------------------------------- */

static void test_reveal_rrn_audited(void **state)
{
        struct fx *f = *state;
        int64_t id = add_customer(f, f->a.id, &minjun);
        char out[RRN_SIZE];
        struct pcrm_error e = {0};
        set_now(T0 + 5 * MINUTE);
        assert_err(
            customer_reveal_rrn(f->db, &f->staff_a, id, "여권 발급 본인확인", out, sizeof(out), &e),
            e, PCRM_OK, NULL);
        assert_string_equal(out, RRN_MINJUN);

        assert_int_equal(audit_count(f, "customer.rrn.read"), 1);
        struct store_stmt *st =
            store_prepare(f->db, "SELECT purpose, target_type, target_id, actor_name, at, tenant_id"
                                 " FROM audit_log WHERE action = 'customer.rrn.read'");
        assert_int_equal(store_step(st), STORE_ROW);
        assert_string_equal(store_col_text(st, 0), "여권 발급 본인확인");
        assert_string_equal(store_col_text(st, 1), "customer");
        assert_int_equal(strtoll(store_col_text(st, 2), NULL, 10), id);
        assert_string_equal(store_col_text(st, 3), "kim.minwon");
        assert_int_equal(store_col_int(st, 4), T0 + 5 * MINUTE);
        assert_int_equal(store_col_int(st, 5), f->a.id);
        store_done(st);
        /* The audit log never holds the number itself. */
        assert_int_equal(qint(f->db, "SELECT count(*) FROM audit_log WHERE"
                                     " instr(coalesce(detail, '') || coalesce(purpose, ''),"
                                     " '1234568') > 0"),
                         0);
}

static void test_reveal_rrn_refusals(void **state)
{
        struct fx *f = *state;
        int64_t id = add_customer(f, f->a.id, &minjun);
        struct customer_input no_rrn = {.name = "정하늘", .mobile = "010-5555-6666"};
        int64_t bare = add_customer(f, f->a.id, &no_rrn);
        static const struct {
                const char *what;
                bool other_tenant, bare;
                const char *purpose;
                int code;
        } cases[] = {
            {"empty purpose", false, false, "", PCRM_EINVALID},
            {"no purpose", false, false, NULL, PCRM_EINVALID},
            {"another tenant's id", true, false, "본인확인", PCRM_ENOTFOUND},
            {"customer without RRN", false, true, "본인확인", PCRM_ENOTFOUND},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char out[RRN_SIZE];
                memset(out, 0, sizeof(out));
                struct pcrm_error e = {0};
                int rc = customer_reveal_rrn(
                    f->db, cases[i].other_tenant ? &f->staff_b : &f->staff_a,
                    cases[i].bare ? bare : id, cases[i].purpose, out, sizeof(out), &e);
                if (rc != cases[i].code)
                        fail_msg("%s: %s, want %s", cases[i].what, err_code_name(rc),
                                 err_code_name(cases[i].code));
                if (cases[i].code == PCRM_EINVALID)
                        assert_string_equal(e.field, "purpose");
                if (strstr(out, "1234568"))
                        fail_msg("%s: the RRN was handed out", cases[i].what);
                if (audit_count(f, "customer.rrn.read") != 0)
                        fail_msg("%s: an rrn read was audited although refused", cases[i].what);
        }
        struct pcrm_error e = {0};
        char out[RRN_SIZE];
        assert_err(
            customer_reveal_rrn(f->db, &f->staff_a, id + 1000, "본인확인", out, sizeof(out), &e), e,
            PCRM_ENOTFOUND, NULL);
}

/*
 * A purpose of only spaces states nothing: the audit row would say the number was read
 * for no reason. customer.h: "Reads the RRN in clear for a stated purpose".
 */
static void test_reveal_rrn_blank_purpose_refused(void **state)
{
        struct fx *f = *state;
        int64_t id = add_customer(f, f->a.id, &minjun);
        const char *blanks[] = {"   ", "\xe3\x80\x80\xe3\x80\x80", " \t "};
        for (size_t i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++) {
                char out[RRN_SIZE] = "";
                struct pcrm_error e = {0};
                int rc =
                    customer_reveal_rrn(f->db, &f->staff_a, id, blanks[i], out, sizeof(out), &e);
                if (rc != PCRM_EINVALID || strcmp(e.field, "purpose"))
                        fail_msg("purpose \"%s\" (blank): %s field \"%s\", RRN %s; want invalid"
                                 " field \"purpose\" and no read",
                                 blanks[i], err_code_name(rc), e.field,
                                 strstr(out, "1234568") ? "handed out" : "withheld");
        }
        assert_int_equal(audit_count(f, "customer.rrn.read"), 0);
}

/* ---- customer_search -------------------------------------------------------------- */

struct search_fx {
        int64_t minjun, minseo, seoyeon, merged, other_tenant;
};

static struct search_fx seed_search(struct fx *f)
{
        struct search_fx s;
        s.minjun = add_customer(f, f->a.id, &minjun);
        struct customer_input minseo = {.name = "김민서",
                                        .mobile = "010-2222-3333",
                                        .address = "부산광역시 해운대구 센텀중앙로 79"};
        s.minseo = add_customer(f, f->a.id, &minseo);
        struct customer_input seoyeon = {.name = "이서연",
                                         .phone = "051-746-1234",
                                         .address = "부산광역시 해운대구 구남로24번길 8"};
        s.seoyeon = add_customer(f, f->a.id, &seoyeon);
        /* A namesake merged into 김민준: same contacts, never found itself. */
        struct customer_input dup = {.name = "김민준",
                                     .rrn = RRN_MINJUN,
                                     .mobile = "010-1234-5678",
                                     .email = "minjun.kim@naver.com",
                                     .address = "부산광역시 해운대구 해운대로 570"};
        s.merged = add_customer(f, f->a.id, &dup);
        char sql[160];
        snprintf(sql, sizeof(sql),
                 "UPDATE customers SET merged_into = %" PRId64 " WHERE id = %" PRId64, s.minjun,
                 s.merged);
        exec_ok(f->db, sql);
        /* The same person known to another municipality. */
        struct customer_input b = {.name = "김민준",
                                   .rrn = RRN_MINJUN,
                                   .mobile = "010-1234-5678",
                                   .phone = "051-746-1234",
                                   .email = "minjun.kim@naver.com",
                                   .address = "부산광역시 해운대구 해운대로 123, 101동 1001호"};
        s.other_tenant = add_customer(f, f->b.id, &b);
        return s;
}

enum who { NONE = 0, MINJUN = 1, MINSEO = 2, SEOYEON = 4 };

static const struct {
        const char *q, *kind;
        unsigned want; /* a set of enum who */
} search_cases[] = {
    {"010-1234-5678", "phone", MINJUN},
    {"01012345678", "phone", MINJUN},
    {"010 1234 5678", "phone", MINJUN},
    {"010.1234.5678", "phone", MINJUN},
    {"+82 10 1234 5678", "phone", MINJUN},
    {"０１０－１２３４－５６７８", "phone", MINJUN},
    {"051-746-1234", "phone", SEOYEON},
    {"0517461234", "phone", SEOYEON},
    {"(051) 746-1234", "phone", SEOYEON},
    {"010-9999-0000", "phone", NONE},
    {"minjun.kim@naver.com", "email", MINJUN},
    {"MINJUN.KIM@NAVER.COM", "email", MINJUN},
    {" MinJun.Kim@Naver.Com ", "email", MINJUN},
    {"nobody@naver.com", "email", NONE},
    {RRN_MINJUN, "rrn", MINJUN},
    {"9001011234568", "rrn", MINJUN},
    {RRN_SEOYEON, "rrn", NONE},
    {"김민", "text", MINJUN | MINSEO},
    {"김 민", "text", MINJUN | MINSEO},
    {"김민준", "text", MINJUN},
    {"김민서", "text", MINSEO},
    {"이서", "text", SEOYEON},
    {"박지", "text", NONE},
    {"해운대로", "text", MINJUN},
    {"센텀중앙로", "text", MINSEO},
    {"구남로", "text", SEOYEON},
    {"101동", "text", MINJUN},
    {"해운대구", "text", MINJUN | MINSEO | SEOYEON},
    {"부산광역시 해운대구 센텀", "text", MINSEO},
    {"세종대로", "text", NONE},
};

static void test_search(void **state)
{
        struct fx *f = *state;
        struct search_fx s = seed_search(f);
        for (size_t i = 0; i < sizeof(search_cases) / sizeof(search_cases[0]); i++) {
                int64_t ids[16];
                size_t n = 99;
                const char *kind = NULL;
                int rc = customer_search(f->db, f->a.id, search_cases[i].q, ids, 16, &n, &kind);
                unsigned got = 0;
                bool stray = false;
                for (size_t k = 0; k < n; k++) {
                        if (ids[k] == s.minjun)
                                got |= MINJUN;
                        else if (ids[k] == s.minseo)
                                got |= MINSEO;
                        else if (ids[k] == s.seoyeon)
                                got |= SEOYEON;
                        else
                                stray = true; /* merged or another tenant's */
                }
                unsigned bits = 0;
                for (unsigned b = got; b; b &= b - 1)
                        bits++;
                if (rc != 0 || !kind || strcmp(kind, search_cases[i].kind) ||
                    got != search_cases[i].want || stray || n != bits)
                        fail_msg("search \"%s\": rc %d kind %s, %zu ids (set %u%s), want kind %s"
                                 " set %u",
                                 search_cases[i].q, rc, kind ? kind : "(null)", n, got,
                                 stray ? " and a merged or foreign id" : "", search_cases[i].kind,
                                 search_cases[i].want);
        }
}

static void test_search_tenant_and_limits(void **state)
{
        struct fx *f = *state;
        struct search_fx s = seed_search(f);
        int64_t ids[4];
        size_t n = 0;
        const char *kind = NULL;
        /* Tenant B finds its own customer and nothing of tenant A. */
        const char *qs[] = {"010-1234-5678", "MINJUN.KIM@NAVER.COM", "9001011234568", "김민",
                            "해운대로",      "051-746-1234"};
        for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
                assert_int_equal(customer_search(f->db, f->b.id, qs[i], ids, 4, &n, &kind), 0);
                if (n != 1 || ids[0] != s.other_tenant)
                        fail_msg("tenant B search \"%s\": %zu ids, first %" PRId64, qs[i], n,
                                 n ? ids[0] : 0);
        }
        /* max bounds the answer. */
        assert_int_equal(customer_search(f->db, f->a.id, "해운대구", ids, 2, &n, &kind), 0);
        assert_int_equal(n, 2);
        /* An empty query finds nothing. */
        n = 7;
        assert_int_equal(customer_search(f->db, f->a.id, "", ids, 4, &n, &kind), 0);
        assert_int_equal(n, 0);
        /* A quote in the text is no FTS syntax error. */
        assert_int_equal(customer_search(f->db, f->a.id, "해운\"대로", ids, 4, &n, &kind), 0);
        assert_int_equal(n, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, tl_teardown_fx)
        const struct CMUnitTest tests[] = {
            T(test_fixture_rrns_are_valid),
            T(test_cleanse_full_korean_record),
            T(test_cleanse_canonical_record_is_valid_as_entered),
            T(test_cleanse_invalid_and_missing_values),
            T(test_cleanse_rrn_wins_birth_date_and_sex),
            T(test_cleanse_birth_date_formats),
            T(test_name_key),
            T(test_address_base_drops_detail),
            T(test_household_key),
            T(test_insert_load_round_trip),
            T(test_insert_without_optional_fields),
            T(test_fill_only_empty_fields),
            T(test_fill_other_tenant_refused),
            T(test_update_valid_correction),
            T(test_update_address_moves_household),
            T(test_update_adds_rrn),
            T(test_update_is_searchable),
            T(test_update_invalid_changes_nothing),
            T(test_update_empty_clears_field),
            T(test_update_merged_or_foreign_refused),
            T(test_reveal_rrn_audited),
            T(test_reveal_rrn_refusals),
            T(test_reveal_rrn_blank_purpose_refused),
            T(test_search),
            T(test_search_tenant_and_limits),
        };
#undef T
        return cmocka_run_group_tests(tests, group_setup, tl_group_teardown);
}
