/*
 * Unit tests for auth/audit: the keyed hash chain (audit_record, audit_verify) and the
 * filtered, paged listing (audit_list).
 *
 * Most tests start from the same nine events, one a minute from T0 (2026-09-23 10:00
 * KST), so that row n was written at T0 + (n - 1) minutes:
 *
 *   id tenant actor action             target
 *    1   1    hong  auth.login
 *    2   1    hong  auth.logout
 *    3   1    kim   user.create        user/11
 *    4   1    kim   auth.login
 *    5   1    kim   department.update  department/3
 *    6   1    hong  authz.denied
 *    7   1    kim   user.update        user/11
 *    8   2    park  auth.login
 *    9   2    park  user.create        user/11
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
#include "base/buf.h"
#include "base/embed.h"
#include "base/log.h"
#include "store/db.h"
#include "store/migrate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0     INT64_C(1790125200000)
#define MINUTE INT64_C(60000)

/* ---- helpers ---------------------------------------------------------------------- */

static struct store_db *open_fresh(void)
{
        struct store_db *db = NULL;
        assert_int_equal(tl_open_db("audit", &db), store_migrations_count);
        return db;
}

static int64_t query_int(struct store_db *db, const char *sql)
{
        struct store_stmt *st = store_prepare(db, sql);
        assert_non_null(st);
        assert_int_equal(store_step(st), STORE_ROW);
        int64_t v = store_col_int(st, 0);
        store_done(st);
        return v;
}

static struct actor staff(int64_t tenant, int64_t id, const char *name, const char *request_id)
{
        struct actor a = {.kind = ACTOR_USER, .tenant_id = tenant, .id = id, .role = ROLE_AGENT};
        snprintf(a.name, sizeof(a.name), "%s", name);
        snprintf(a.request_id, sizeof(a.request_id), "%s", request_id);
        snprintf(a.client_addr, sizeof(a.client_addr), "%s", "203.0.113.7");
        return a;
}

static void seed(struct store_db *db)
{
        const struct actor hong = staff(1, 11, "hong", "req-0001");
        const struct actor kim = staff(1, 12, "kim", "req-0002");
        const struct actor park = staff(2, 21, "park", "req-0003");
        const struct {
                const struct actor *who;
                struct audit_event ev;
        } events[] = {
            {&hong, {.action = "auth.login"}},
            {&hong, {.action = "auth.logout"}},
            {&kim,
             {.action = "user.create",
              .target_type = "user",
              .target_id = "11",
              .detail = "{\"username\":\"hong\",\"role\":\"agent\"}"}},
            {&kim, {.action = "auth.login"}},
            {&kim,
             {.action = "department.update",
              .target_type = "department",
              .target_id = "3",
              .detail = "{\"code\":\"minwon\",\"name\":\"민원여권과\"}"}},
            {&hong, {.action = "authz.denied", .detail = "{\"route\":\"/api/v1/users\"}"}},
            {&kim,
             {.action = "user.update",
              .target_type = "user",
              .target_id = "11",
              .purpose = "인사이동 반영"}},
            {&park, {.action = "auth.login"}},
            {&park, {.action = "user.create", .target_type = "user", .target_id = "11"}},
        };
        for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
                set_now(T0 + (int64_t)i * MINUTE);
                if (audit_record(db, events[i].who, &events[i].ev) != 0)
                        fail_msg("audit_record(%s) failed: %s", events[i].ev.action,
                                 store_errmsg(db));
        }
        set_now(T0 + 10 * MINUTE);
}

/* ---- fixtures --------------------------------------------------------------------- */

static int group_setup(void **state)
{
        (void)state;
        return tl_group_setup("audit");
}

static int setup(void **state)
{
        set_now(T0);
        if (sec_keys_load(tl_key) < 0)
                return -1;
        *state = open_fresh();
        return 0;
}

static int teardown(void **state)
{
        store_close(*state);
        return 0;
}

/* ---- the chain -------------------------------------------------------------------- */

static void test_empty_log_verifies(void **state)
{
        struct store_db *db = *state;
        struct audit_verify_result r;
        memset(&r, 0x5A, sizeof(r));
        assert_int_equal(audit_verify(db, &r), 0);
        assert_int_equal(r.rows, 0);
        assert_int_equal(r.bad_id, 0);
}

static void test_record_builds_chain(void **state)
{
        struct store_db *db = *state;
        seed(db);
        struct audit_verify_result r;
        assert_int_equal(audit_verify(db, &r), 0);
        assert_int_equal(r.rows, 9);
        assert_int_equal(r.bad_id, 0);

        struct store_stmt *st =
            store_prepare(db, "SELECT id, prev_hash, hash FROM audit_log ORDER BY id");
        char prev[SEC_HASH_HEX] = "";
        for (int64_t id = 1; id <= 9; id++) {
                assert_int_equal(store_step(st), STORE_ROW);
                assert_int_equal(store_col_int(st, 0), id);
                assert_string_equal(store_col_text(st, 1), prev);
                const char *hash = store_col_text(st, 2);
                assert_int_equal(strlen(hash), 64);
                assert_int_equal(strspn(hash, "0123456789abcdef"), 64);
                assert_string_not_equal(hash, prev);
                snprintf(prev, sizeof(prev), "%s", hash);
        }
        assert_int_equal(store_step(st), STORE_DONE);
        store_done(st);

        assert_int_equal(query_int(db, "SELECT last_id FROM audit_head"), 9);
}

static void test_rows_store_event_fields(void **state)
{
        struct store_db *db = *state;
        seed(db);
        struct store_stmt *st = store_prepare(
            db, "SELECT tenant_id, at, actor_type, actor_id, actor_name, action, target_type,"
                " target_id, purpose, request_id, client_addr, detail FROM audit_log WHERE id = 7");
        assert_int_equal(store_step(st), STORE_ROW);
        assert_int_equal(store_col_int(st, 0), 1);
        assert_int_equal(store_col_int(st, 1), T0 + 6 * MINUTE);
        assert_string_equal(store_col_text(st, 2), "user");
        assert_int_equal(store_col_int(st, 3), 12);
        assert_string_equal(store_col_text(st, 4), "kim");
        assert_string_equal(store_col_text(st, 5), "user.update");
        assert_string_equal(store_col_text(st, 6), "user");
        assert_string_equal(store_col_text(st, 7), "11");
        assert_string_equal(store_col_text(st, 8), "인사이동 반영");
        assert_string_equal(store_col_text(st, 9), "req-0002");
        assert_string_equal(store_col_text(st, 10), "203.0.113.7");
        assert_true(store_col_is_null(st, 11));
        store_done(st);
}

static void test_installation_event_without_tenant_or_name(void **state)
{
        struct store_db *db = *state;
        struct actor cli = {.kind = ACTOR_CLI}; /* no tenant, name, request or address */
        struct audit_event ev = {
            .action = "tenant.create", .target_type = "tenant", .target_id = "1"};
        assert_int_equal(audit_record(db, &cli, &ev), 0);
        struct store_stmt *st = store_prepare(
            db, "SELECT tenant_id, actor_type, actor_name, request_id, client_addr, actor_id"
                " FROM audit_log WHERE id = 1");
        assert_int_equal(store_step(st), STORE_ROW);
        assert_true(store_col_is_null(st, 0));
        assert_string_equal(store_col_text(st, 1), "cli");
        assert_true(store_col_is_null(st, 2));
        assert_true(store_col_is_null(st, 3));
        assert_true(store_col_is_null(st, 4));
        assert_int_equal(store_col_int(st, 5), 0);
        store_done(st);
        struct audit_verify_result r;
        assert_int_equal(audit_verify(db, &r), 0);
        assert_int_equal(r.rows, 1);
}

static void test_append_shares_caller_transaction(void **state)
{
        struct store_db *db = *state;
        struct actor hong = staff(1, 11, "hong", "req-0001");
        struct audit_event ev = {.action = "user.update", .target_type = "user", .target_id = "11"};
        assert_int_equal(store_begin(db), STORE_OK);
        assert_int_equal(audit_append(db, &hong, &ev), 0);
        assert_int_equal(audit_append(db, &hong, &ev), 0);
        assert_int_equal(store_rollback(db), STORE_OK);
        assert_int_equal(query_int(db, "SELECT count(*) FROM audit_log"), 0);
        assert_int_equal(query_int(db, "SELECT last_id FROM audit_head"), 0);
        struct audit_verify_result r;
        assert_int_equal(audit_verify(db, &r), 0);
        assert_int_equal(r.rows, 0);

        assert_int_equal(store_begin(db), STORE_OK);
        assert_int_equal(audit_append(db, &hong, &ev), 0);
        assert_int_equal(store_commit(db), STORE_OK);
        assert_int_equal(audit_verify(db, &r), 0);
        assert_int_equal(r.rows, 1);
        assert_int_equal(query_int(db, "SELECT max(id) FROM audit_log"), 1);
}

static void test_chain_continues_after_verify(void **state)
{
        struct store_db *db = *state;
        seed(db);
        struct audit_verify_result r;
        assert_int_equal(audit_verify(db, &r), 0);
        struct actor kim = staff(1, 12, "kim", "req-0009");
        struct audit_event ev = {.action = "auth.logout"};
        assert_int_equal(audit_record(db, &kim, &ev), 0);
        assert_int_equal(audit_record(db, &kim, &ev), 0);
        assert_int_equal(audit_verify(db, &r), 0);
        assert_int_equal(r.rows, 11);
}

/*
 * Each row tampers with a freshly seeded log in one way; audit_verify must return 1 and
 * name the first broken row.
 */
static const struct {
        const char *what;
        const char *sql;
        int64_t bad_id;
        const char *reason; /* a word the reason must contain */
} tamper_cases[] = {
    {"action changed", "UPDATE audit_log SET action = 'auth.logout' WHERE id = 3", 3, "altered"},
    {"detail changed",
     "UPDATE audit_log SET detail = '{\"username\":\"kim\",\"role\":\"agent\"}'"
     " WHERE id = 3",
     3, "altered"},
    {"detail removed", "UPDATE audit_log SET detail = NULL WHERE id = 3", 3, "altered"},
    {"null detail made empty", "UPDATE audit_log SET detail = '' WHERE id = 1", 1, "altered"},
    {"actor renamed", "UPDATE audit_log SET actor_name = 'park' WHERE id = 1", 1, "altered"},
    {"actor id changed", "UPDATE audit_log SET actor_id = 21 WHERE id = 2", 2, "altered"},
    {"time moved", "UPDATE audit_log SET at = at - 60000 WHERE id = 5", 5, "altered"},
    {"tenant moved", "UPDATE audit_log SET tenant_id = 2 WHERE id = 4", 4, "altered"},
    {"target changed", "UPDATE audit_log SET target_id = '12' WHERE id = 7", 7, "altered"},
    {"purpose removed", "UPDATE audit_log SET purpose = NULL WHERE id = 7", 7, "altered"},
    {"address changed", "UPDATE audit_log SET client_addr = '10.0.0.1' WHERE id = 6", 6, "altered"},
    {"hash copied from another row",
     "UPDATE audit_log SET hash = (SELECT hash FROM audit_log WHERE id = 2) WHERE id = 3", 3,
     "altered"},
    {"link cut", "UPDATE audit_log SET prev_hash = '' WHERE id = 4", 4, "previous"},
    {"middle row deleted", "DELETE FROM audit_log WHERE id = 5", 5, "missing"},
    {"first row deleted", "DELETE FROM audit_log WHERE id = 1", 1, "missing"},
    {"last row deleted", "DELETE FROM audit_log WHERE id = 9", 9, "missing"},
    {"two last rows deleted", "DELETE FROM audit_log WHERE id >= 8", 8, "missing"},
    {"head hash changed",
     "UPDATE audit_head SET last_hash = (SELECT hash FROM audit_log WHERE id = 8)", 9, "head"},
    {"head claims more rows", "UPDATE audit_head SET last_id = 12", 12, "forged"},
    {"forged row appended",
     "INSERT INTO audit_log (id, tenant_id, at, actor_type, actor_name, action, prev_hash, hash)"
     " SELECT 10, 1, at, 'user', 'kim', 'auth.logout', hash, hash FROM audit_log WHERE id = 9",
     10, "altered"},
};

static void test_tampering_detected(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(tamper_cases) / sizeof(tamper_cases[0]); i++) {
                struct store_db *db = open_fresh();
                seed(db);
                exec_ok(db, tamper_cases[i].sql);
                struct audit_verify_result r;
                int rc = audit_verify(db, &r);
                if (rc != 1 || r.bad_id != tamper_cases[i].bad_id ||
                    !strstr(r.reason, tamper_cases[i].reason))
                        fail_msg("%s: audit_verify = %d, bad_id %" PRId64 " \"%s\"; want 1, bad_id"
                                 " %" PRId64 " \"...%s...\"",
                                 tamper_cases[i].what, rc, r.bad_id, r.reason,
                                 tamper_cases[i].bad_id, tamper_cases[i].reason);
                store_close(db);
        }
}

/*
 * audit.h: "altering, deleting or cutting rows from the end are all detected by
 * audit_verify; forging a consistent chain needs the key file, not just write access to
 * the database". Cutting the last row and copying the new last row's id and hash into
 * audit_head needs no key: both values are in the database.
 */
static void test_cut_from_end_with_head_rewrite_detected(void **state)
{
        struct store_db *db = *state;
        seed(db);
        exec_ok(db, "DELETE FROM audit_log WHERE id = 9");
        exec_ok(db, "UPDATE audit_head SET last_id = 8,"
                    " last_hash = (SELECT hash FROM audit_log WHERE id = 8)");
        struct audit_verify_result r;
        int rc = audit_verify(db, &r);
        if (rc != 1)
                fail_msg("row 9 cut and audit_head rewritten without the key: audit_verify = %d"
                         " (%" PRId64 " rows, intact), want 1",
                         rc, r.rows);
}

static void test_other_key_breaks_chain(void **state)
{
        struct store_db *db = *state;
        seed(db);
        char other[512];
        snprintf(other, sizeof(other), "%s/other-%d.key", tl_dir, tl_db_count);
        assert_int_equal(sec_keys_create(other), 0);
        assert_int_equal(sec_keys_load(other), 0);
        struct audit_verify_result r;
        assert_int_equal(audit_verify(db, &r), 1);
        assert_int_equal(r.bad_id, 1);
        assert_int_equal(sec_keys_load(tl_key), 0);
        assert_int_equal(audit_verify(db, &r), 0);
        assert_int_equal(r.rows, 9);
}

/* ---- listing ---------------------------------------------------------------------- */

struct collected {
        struct buf ids;
        int stop_after; /* 0: never stop */
        int seen;
};

static int collect(void *ctx, const struct audit_entry *e)
{
        struct collected *c = ctx;
        buf_printf(&c->ids, "%s%" PRId64, c->ids.len ? "," : "", e->id);
        c->seen++;
        return c->stop_after && c->seen >= c->stop_after;
}

static const struct {
        const char *what;
        int64_t tenant;
        struct audit_filter filter;
        int64_t before_id;
        size_t limit;
        const char *want;
        bool more;
} list_cases[] = {
    {"everything of tenant 1", 1, {0}, 0, 50, "7,6,5,4,3,2,1", false},
    {"everything of tenant 2", 2, {0}, 0, 50, "9,8", false},
    {"a tenant without rows", 3, {0}, 0, 50, "", false},
    {"prefix auth", 1, {.action = "auth"}, 0, 50, "4,2,1", false},
    {"exact auth.login", 1, {.action = "auth.login"}, 0, 50, "4,1", false},
    {"prefix authz", 1, {.action = "authz"}, 0, 50, "6", false},
    {"partial word is no prefix", 1, {.action = "au"}, 0, 50, "", false},
    {"prefix user", 1, {.action = "user"}, 0, 50, "7,3", false},
    {"exact user.create", 1, {.action = "user.create"}, 0, 50, "3", false},
    {"exact department.update", 1, {.action = "department.update"}, 0, 50, "5", false},
    {"unknown action", 1, {.action = "complaint"}, 0, 50, "", false},
    {"actor kim", 1, {.actor_name = "kim"}, 0, 50, "7,5,4,3", false},
    {"actor hong", 1, {.actor_name = "hong"}, 0, 50, "6,2,1", false},
    {"actor of another tenant", 1, {.actor_name = "park"}, 0, 50, "", false},
    {"target user 11", 1, {.target_type = "user", .target_id = "11"}, 0, 50, "7,3", false},
    {"target user 11 in tenant 2",
     2,
     {.target_type = "user", .target_id = "11"},
     0,
     50,
     "9",
     false},
    {"target type department", 1, {.target_type = "department"}, 0, 50, "5", false},
    {"target id alone", 1, {.target_id = "3"}, 0, 50, "5", false},
    {"time range", 1, {.from_ms = T0 + MINUTE, .to_ms = T0 + 4 * MINUTE}, 0, 50, "4,3,2", false},
    {"from only", 1, {.from_ms = T0 + 4 * MINUTE}, 0, 50, "7,6,5", false},
    {"to only", 1, {.to_ms = T0 + MINUTE}, 0, 50, "1", false},
    {"empty range", 1, {.from_ms = T0 + MINUTE, .to_ms = T0 + MINUTE}, 0, 50, "", false},
    {"action and actor", 1, {.action = "auth", .actor_name = "kim"}, 0, 50, "4", false},
    {"first page", 1, {0}, 0, 3, "7,6,5", true},
    {"second page", 1, {0}, 5, 3, "4,3,2", true},
    {"last page", 1, {0}, 2, 3, "1", false},
    {"nothing before the first", 1, {0}, 1, 10, "", false},
    {"limit equals matches", 1, {.action = "auth"}, 0, 3, "4,2,1", false},
    {"filtered first page", 1, {.action = "auth"}, 0, 2, "4,2", true},
    {"filtered next page", 1, {.action = "auth"}, 2, 2, "1", false},
    {"before id past the end", 1, {0}, 100, 2, "7,6", true},
};

static void test_list_filters_and_pages(void **state)
{
        struct store_db *db = *state;
        seed(db);
        for (size_t i = 0; i < sizeof(list_cases) / sizeof(list_cases[0]); i++) {
                struct collected c = {.stop_after = 0};
                buf_init(&c.ids, BUF_NO_LIMIT);
                bool more = !list_cases[i].more;
                int rc =
                    audit_list(db, list_cases[i].tenant, &list_cases[i].filter,
                               list_cases[i].before_id, list_cases[i].limit, collect, &c, &more);
                if (rc != 0 || strcmp(c.ids.data, list_cases[i].want) || more != list_cases[i].more)
                        fail_msg("%s: rc %d, ids \"%s\" more=%d; want \"%s\" more=%d",
                                 list_cases[i].what, rc, c.ids.data, more, list_cases[i].want,
                                 list_cases[i].more);
                buf_release(&c.ids);
        }
}

static void test_list_callback_stops_walk(void **state)
{
        struct store_db *db = *state;
        seed(db);
        struct collected c = {.stop_after = 2};
        buf_init(&c.ids, BUF_NO_LIMIT);
        bool more = false;
        struct audit_filter all = {0};
        assert_int_equal(audit_list(db, 1, &all, 0, 50, collect, &c, &more), 0);
        assert_string_equal(c.ids.data, "7,6");
        assert_int_equal(c.seen, 2);
        buf_release(&c.ids);
}

static int keep_entry(void *ctx, const struct audit_entry *e)
{
        struct audit_entry *out = ctx;
        /* Strings are borrowed for the callback only: check them here. */
        assert_int_equal(e->id, 5);
        assert_int_equal(e->tenant_id, 1);
        assert_int_equal(e->at, T0 + 4 * MINUTE);
        assert_int_equal(e->actor_id, 12);
        assert_string_equal(e->actor_type, "user");
        assert_string_equal(e->actor_name, "kim");
        assert_string_equal(e->action, "department.update");
        assert_string_equal(e->target_type, "department");
        assert_string_equal(e->target_id, "3");
        assert_null(e->purpose);
        assert_string_equal(e->request_id, "req-0002");
        assert_string_equal(e->client_addr, "203.0.113.7");
        assert_string_equal(e->detail, "{\"code\":\"minwon\",\"name\":\"민원여권과\"}");
        out->id = e->id;
        return 0;
}

static void test_list_entry_fields(void **state)
{
        struct store_db *db = *state;
        seed(db);
        struct audit_entry got = {0};
        bool more = true;
        struct audit_filter f = {.target_type = "department"};
        assert_int_equal(audit_list(db, 1, &f, 0, 10, keep_entry, &got, &more), 0);
        assert_int_equal(got.id, 5);
        assert_false(more);
}

static void test_list_sees_tampered_rows_as_stored(void **state)
{
        /* Listing is not verification: it shows what the table holds. */
        struct store_db *db = *state;
        seed(db);
        exec_ok(db, "DELETE FROM audit_log WHERE id = 4");
        struct collected c = {.stop_after = 0};
        buf_init(&c.ids, BUF_NO_LIMIT);
        bool more = true;
        struct audit_filter f = {.action = "auth"};
        assert_int_equal(audit_list(db, 1, &f, 0, 10, collect, &c, &more), 0);
        assert_string_equal(c.ids.data, "2,1");
        buf_release(&c.ids);
        struct audit_verify_result r;
        assert_int_equal(audit_verify(db, &r), 1);
        assert_int_equal(r.bad_id, 4);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        const struct CMUnitTest tests[] = {
            T(test_empty_log_verifies),
            T(test_record_builds_chain),
            T(test_rows_store_event_fields),
            T(test_installation_event_without_tenant_or_name),
            T(test_append_shares_caller_transaction),
            T(test_chain_continues_after_verify),
            T(test_tampering_detected),
            T(test_cut_from_end_with_head_rewrite_detected),
            T(test_other_key_breaks_chain),
            T(test_list_filters_and_pages),
            T(test_list_callback_stops_walk),
            T(test_list_entry_fields),
            T(test_list_sees_tampered_rows_as_stored),
        };
#undef T
        return cmocka_run_group_tests(tests, group_setup, tl_group_teardown);
}
