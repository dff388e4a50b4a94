/*
 * Unit tests for store/db.h (the SQLite backend) and store/migrate.h. Each test opens a
 * fresh database file in the program's temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testlib.h"

#include "base/embed.h"
#include "base/log.h"
#include "store/db.h"
#include "store/migrate.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int db_counter;

struct fixture {
        char path[512];
        struct store_db *db;
};

static int group_setup(void **state)
{
        (void)state;
        return tl_make_dir("store");
}

static int group_teardown(void **state)
{
        (void)state;
        tl_rm_tree(tl_dir);
        return 0;
}

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        if (!f)
                return -1;
        snprintf(f->path, sizeof(f->path), "%s/store-%d.db", tl_dir, ++db_counter);
        if (store_open(f->path, &f->db) != STORE_OK) {
                free(f);
                return -1;
        }
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;
        store_close(f->db);
        free(f);
        return 0;
}

/* The single integer a query returns, or `fallback` if it returns no row. */
static int64_t query_int(struct store_db *db, const char *sql, int64_t fallback)
{
        struct store_stmt *st = store_prepare(db, sql);
        assert_non_null(st);
        int64_t v = store_step(st) == STORE_ROW ? store_col_int(st, 0) : fallback;
        store_done(st);
        return v;
}

static void query_text(struct store_db *db, const char *sql, char *out, size_t outlen)
{
        struct store_stmt *st = store_prepare(db, sql);
        assert_non_null(st);
        assert_int_equal(store_step(st), STORE_ROW);
        store_col_copy(st, 0, out, outlen);
        store_done(st);
}

static void make_people(struct store_db *db)
{
        exec_ok(db, "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                    " age INTEGER CHECK (age >= 0), note TEXT, photo BLOB)");
        exec_ok(db, "INSERT INTO people (name, age) VALUES ('홍길동', 41), ('김민수', 29),"
                    " ('이영희', 35)");
}

static void test_open_sets_wal_and_pragmas(void **state)
{
        struct fixture *f = *state;
        char mode[16];
        query_text(f->db, "PRAGMA journal_mode", mode, sizeof(mode));
        assert_string_equal(mode, "wal");
        assert_int_equal(query_int(f->db, "PRAGMA foreign_keys", -1), 1);
        assert_int_equal(query_int(f->db, "PRAGMA synchronous", -1), 2); /* FULL */
        assert_int_equal(access(f->path, F_OK), 0);
}

static void test_open_fails_in_missing_directory(void **state)
{
        (void)state;
        char path[512];
        snprintf(path, sizeof(path), "%s/no-such-dir/pcrm.db", tl_dir);
        struct store_db *db = NULL;
        assert_int_equal(store_open(path, &db), STORE_ERROR);
        assert_null(db);
}

static void test_exec_and_errors(void **state)
{
        struct fixture *f = *state;
        make_people(f->db);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM people", -1), 3);
        assert_int_equal(store_exec(f->db, "SELEC nonsense"), STORE_ERROR);
        assert_non_null(strstr(store_errmsg(f->db), "syntax error"));
        assert_int_equal(store_exec(f->db, "SELECT * FROM no_such_table"), STORE_ERROR);
        assert_non_null(strstr(store_errmsg(f->db), "no_such_table"));
}

static void test_commit_is_visible_to_other_connection(void **state)
{
        struct fixture *f = *state;
        make_people(f->db);
        assert_int_equal(store_begin(f->db), STORE_OK);
        exec_ok(f->db, "INSERT INTO people (name, age) VALUES ('박서준', 52)");
        assert_int_equal(store_commit(f->db), STORE_OK);

        struct store_db *other;
        assert_int_equal(store_open(f->path, &other), STORE_OK);
        assert_int_equal(query_int(other, "SELECT age FROM people WHERE name = '박서준'", -1), 52);
        store_close(other);
}

static void test_rollback_discards(void **state)
{
        struct fixture *f = *state;
        make_people(f->db);
        assert_int_equal(store_begin(f->db), STORE_OK);
        exec_ok(f->db, "INSERT INTO people (name, age) VALUES ('박서준', 52)");
        exec_ok(f->db, "UPDATE people SET age = 99 WHERE name = '홍길동'");
        exec_ok(f->db, "DELETE FROM people WHERE name = '김민수'");
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM people", -1), 3);
        assert_int_equal(store_rollback(f->db), STORE_OK);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM people", -1), 3);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM people WHERE name = '박서준'", -1),
                         0);
        assert_int_equal(query_int(f->db, "SELECT age FROM people WHERE name = '홍길동'", -1), 41);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM people WHERE name = '김민수'", -1),
                         1);
}

static void test_rollback_without_transaction(void **state)
{
        struct fixture *f = *state;
        assert_int_equal(store_rollback(f->db), STORE_OK);
        assert_int_equal(store_begin(f->db), STORE_OK);
        assert_int_equal(store_commit(f->db), STORE_OK);
        assert_int_equal(store_rollback(f->db), STORE_OK);
}

static void test_begin_twice_fails(void **state)
{
        struct fixture *f = *state;
        assert_int_equal(store_begin(f->db), STORE_OK);
        assert_int_equal(store_begin(f->db), STORE_ERROR);
        assert_int_equal(store_rollback(f->db), STORE_OK);
        assert_int_equal(store_commit(f->db), STORE_ERROR); /* nothing left to commit */
}

static void test_bind_and_read_integers(void **state)
{
        struct fixture *f = *state;
        static const int64_t values[] = {
            0, 1, -1, 41, INT32_MAX, (int64_t)INT32_MAX + 1, 1790125200000, INT64_MAX, INT64_MIN};
        exec_ok(f->db, "CREATE TABLE n (v INTEGER)");
        for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
                struct store_stmt *st = store_prepare(f->db, "INSERT INTO n (v) VALUES (?)");
                assert_non_null(st);
                assert_int_equal(store_bind_int(st, 1, values[i]), STORE_OK);
                assert_int_equal(store_step(st), STORE_DONE);
                store_done(st);
        }
        struct store_stmt *st = store_prepare(f->db, "SELECT v FROM n ORDER BY rowid");
        assert_non_null(st);
        for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
                assert_int_equal(store_step(st), STORE_ROW);
                assert_false(store_col_is_null(st, 0));
                assert_int_equal(store_col_int(st, 0), values[i]);
        }
        assert_int_equal(store_step(st), STORE_DONE);
        store_done(st);
}

static void test_bind_and_read_korean_text(void **state)
{
        struct fixture *f = *state;
        static const char *const texts[] = {"서울특별시 종로구 삼봉로 43", "민원여권과",
                                            "도로 파손 \xF0\x9F\x9A\xA7", "", "첫째 줄\n둘째 줄"};
        for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
                struct store_stmt *st = store_prepare(f->db, "SELECT ?, length(?)");
                assert_non_null(st);
                assert_int_equal(store_bind_text(st, 1, texts[i]), STORE_OK);
                assert_int_equal(store_bind_text(st, 2, texts[i]), STORE_OK);
                assert_int_equal(store_step(st), STORE_ROW);
                assert_string_equal(store_col_text(st, 0), texts[i]);
                assert_int_equal(store_col_bytes(st, 0), strlen(texts[i]));
                store_done(st);
        }
        /* SQLite counts characters: 민원여권과 is five. */
        assert_int_equal(query_int(f->db, "SELECT length('민원여권과')", -1), 5);
}

static void test_bind_textn_takes_prefix(void **state)
{
        struct fixture *f = *state;
        struct store_stmt *st = store_prepare(f->db, "SELECT ?");
        assert_non_null(st);
        assert_int_equal(store_bind_textn(st, 1, "종로구청", 6), STORE_OK);
        assert_int_equal(store_step(st), STORE_ROW);
        assert_string_equal(store_col_text(st, 0), "종로");
        assert_int_equal(store_col_bytes(st, 0), 6);
        store_done(st);
}

static void test_text_is_copied_at_bind(void **state)
{
        struct fixture *f = *state;
        char name[32];
        snprintf(name, sizeof(name), "%s", "홍길동");
        struct store_stmt *st = store_prepare(f->db, "SELECT ?");
        assert_non_null(st);
        assert_int_equal(store_bind_text(st, 1, name), STORE_OK);
        memset(name, 'x', sizeof(name) - 1);
        assert_int_equal(store_step(st), STORE_ROW);
        assert_string_equal(store_col_text(st, 0), "홍길동");
        store_done(st);
}

static void test_null_values(void **state)
{
        struct fixture *f = *state;
        struct store_stmt *st = store_prepare(f->db, "SELECT ?, ?, ?, ?");
        assert_non_null(st);
        assert_int_equal(store_bind_null(st, 1), STORE_OK);
        assert_int_equal(store_bind_text(st, 2, NULL), STORE_OK);
        assert_int_equal(store_bind_textn(st, 3, NULL, 5), STORE_OK);
        assert_int_equal(store_bind_text(st, 4, ""), STORE_OK);
        assert_int_equal(store_step(st), STORE_ROW);
        for (int col = 0; col < 3; col++) {
                assert_true(store_col_is_null(st, col));
                assert_null(store_col_text(st, col));
                assert_int_equal(store_col_int(st, col), 0);
                char copy[8] = "garbage";
                store_col_copy(st, col, copy, sizeof(copy));
                assert_string_equal(copy, "");
        }
        /* The empty string is not NULL. */
        assert_false(store_col_is_null(st, 3));
        assert_non_null(store_col_text(st, 3));
        assert_string_equal(store_col_text(st, 3), "");
        store_done(st);
}

static void test_blob_round_trip(void **state)
{
        struct fixture *f = *state;
        unsigned char blob[300];
        for (size_t i = 0; i < sizeof(blob); i++)
                blob[i] = (unsigned char)(i * 7 + 3);
        blob[0] = 0;
        blob[150] = 0;
        make_people(f->db);
        struct store_stmt *st = store_prepare(f->db, "UPDATE people SET photo = ? WHERE id = ?");
        assert_non_null(st);
        assert_int_equal(store_bind_blob(st, 1, blob, sizeof(blob)), STORE_OK);
        assert_int_equal(store_bind_int(st, 2, 2), STORE_OK);
        assert_int_equal(store_step(st), STORE_DONE);
        store_done(st);
        assert_int_equal(store_changes(f->db), 1);

        st = store_prepare(f->db, "SELECT photo, typeof(photo) FROM people WHERE id = 2");
        assert_non_null(st);
        assert_int_equal(store_step(st), STORE_ROW);
        assert_int_equal(store_col_bytes(st, 0), sizeof(blob));
        assert_memory_equal(store_col_blob(st, 0), blob, sizeof(blob));
        assert_string_equal(store_col_text(st, 1), "blob");
        store_done(st);
}

static void test_col_copy_cuts_to_fit(void **state)
{
        struct fixture *f = *state;
        struct store_stmt *st = store_prepare(f->db, "SELECT '0123456789', '02-2148-1114'");
        assert_non_null(st);
        assert_int_equal(store_step(st), STORE_ROW);
        char small[5], exact[13];
        store_col_copy(st, 0, small, sizeof(small));
        assert_string_equal(small, "0123");
        store_col_copy(st, 1, exact, sizeof(exact));
        assert_string_equal(exact, "02-2148-1114");
        store_done(st);
}

static void test_statement_cache_reuses(void **state)
{
        struct fixture *f = *state;
        make_people(f->db);
        static const char sql[] = "SELECT name FROM people WHERE age > ? ORDER BY age";
        struct store_stmt *a = store_prepare(f->db, sql);
        assert_non_null(a);
        assert_int_equal(store_bind_int(a, 1, 30), STORE_OK);
        assert_int_equal(store_step(a), STORE_ROW);
        assert_string_equal(store_col_text(a, 0), "이영희");
        store_done(a);

        /* The same text from another pointer finds the same cached statement. */
        char copy[sizeof(sql)];
        memcpy(copy, sql, sizeof(sql));
        struct store_stmt *b = store_prepare(f->db, copy);
        assert_ptr_equal(a, b);
        assert_int_equal(store_bind_int(b, 1, 40), STORE_OK);
        assert_int_equal(store_step(b), STORE_ROW);
        assert_string_equal(store_col_text(b, 0), "홍길동");
        assert_int_equal(store_step(b), STORE_DONE);
        store_done(b);
}

/* A statement given back is reset with its parameters cleared, so stale values never leak
 * into the next user of the cached statement (callers bind some parameters conditionally). */
static void test_done_clears_bindings(void **state)
{
        struct fixture *f = *state;
        struct store_stmt *st = store_prepare(f->db, "SELECT ?, ?");
        assert_non_null(st);
        store_bind_int(st, 1, 7);
        store_bind_text(st, 2, "종로구");
        assert_int_equal(store_step(st), STORE_ROW);
        store_done(st);
        st = store_prepare(f->db, "SELECT ?, ?");
        assert_non_null(st);
        assert_int_equal(store_step(st), STORE_ROW);
        assert_true(store_col_is_null(st, 0));
        assert_true(store_col_is_null(st, 1));
        store_done(st);
}

static void test_same_sql_twice_while_in_use(void **state)
{
        struct fixture *f = *state;
        make_people(f->db);
        static const char sql[] = "SELECT name FROM people ORDER BY id";
        static const char *const names[] = {"홍길동", "김민수", "이영희"};
        struct store_stmt *outer = store_prepare(f->db, sql);
        assert_non_null(outer);
        for (int i = 0; i < 3; i++) {
                assert_int_equal(store_step(outer), STORE_ROW);
                assert_string_equal(store_col_text(outer, 0), names[i]);
                struct store_stmt *inner = store_prepare(f->db, sql);
                assert_non_null(inner);
                assert_ptr_not_equal(inner, outer);
                for (int j = 0; j < 3; j++) {
                        assert_int_equal(store_step(inner), STORE_ROW);
                        assert_string_equal(store_col_text(inner, 0), names[j]);
                }
                assert_int_equal(store_step(inner), STORE_DONE);
                store_done(inner);
                /* The outer walk is undisturbed. */
                assert_string_equal(store_col_text(outer, 0), names[i]);
        }
        assert_int_equal(store_step(outer), STORE_DONE);
        store_done(outer);
        /* Both given back: the cached one is handed out again. */
        assert_ptr_equal(store_prepare(f->db, sql), outer);
        store_done(outer);
}

/*
 * The cache must key on the SQL text, not only on the caller's pointer: a caller that
 * builds SQL in a buffer (a stack array, or heap memory freed and reused, as any dynamic
 * query does) hands the same address with different text.
 */
static void test_cache_follows_text_not_pointer(void **state)
{
        struct fixture *f = *state;
        char sql[64];
        snprintf(sql, sizeof(sql), "SELECT %d", 1);
        struct store_stmt *st = store_prepare(f->db, sql);
        assert_non_null(st);
        assert_int_equal(store_step(st), STORE_ROW);
        assert_int_equal(store_col_int(st, 0), 1);
        store_done(st);

        snprintf(sql, sizeof(sql), "SELECT %d", 2);
        st = store_prepare(f->db, sql);
        assert_non_null(st);
        assert_int_equal(store_step(st), STORE_ROW);
        int64_t got = store_col_int(st, 0);
        store_done(st);
        if (got != 2)
                fail_msg("prepare(\"SELECT 2\") from a reused buffer ran the cached \"SELECT 1\""
                         " (got %lld)",
                         (long long)got);
}

static void test_prepare_syntax_error(void **state)
{
        struct fixture *f = *state;
        assert_null(store_prepare(f->db, "SELECT FROM WHERE"));
        assert_true(strlen(store_errmsg(f->db)) > 0);
        assert_null(store_prepare(f->db, "SELECT * FROM no_such_table"));
        assert_non_null(strstr(store_errmsg(f->db), "no_such_table"));
        /* The connection still works. */
        assert_int_equal(query_int(f->db, "SELECT 40 + 2", -1), 42);
}

static void test_many_distinct_statements(void **state)
{
        struct fixture *f = *state;
        /* More than the cache holds: the overflow is prepared and freed per use. Each SQL
         * text lives in its own allocation for the whole test. */
        enum { N = 300 };
        char *sqls[N];
        for (int i = 0; i < N; i++) {
                sqls[i] = malloc(32);
                assert_non_null(sqls[i]);
                snprintf(sqls[i], 32, "SELECT %d * 2", i);
        }
        for (int round = 0; round < 2; round++) {
                for (int i = 0; i < N; i++) {
                        const char *sql = sqls[i];
                        struct store_stmt *st = store_prepare(f->db, sql);
                        assert_non_null(st);
                        assert_int_equal(store_step(st), STORE_ROW);
                        if (store_col_int(st, 0) != i * 2)
                                fail_msg("round %d: \"%s\" gave %lld", round, sql,
                                         (long long)store_col_int(st, 0));
                        store_done(st);
                }
        }
        for (int i = 0; i < N; i++)
                free(sqls[i]);
}

static const struct {
        const char *name;
        const char *sql;
} constraint_cases[] = {
    {"unique", "INSERT INTO people (name, age) VALUES ('홍길동', 20)"},
    {"not null", "INSERT INTO people (name, age) VALUES (NULL, 20)"},
    {"check", "INSERT INTO people (name, age) VALUES ('최지우', -1)"},
    {"primary key", "INSERT INTO people (id, name, age) VALUES (1, '최지우', 20)"},
    {"foreign key", "INSERT INTO visits (person_id) VALUES (999)"},
    {"foreign key on delete", "DELETE FROM people WHERE id = 1"},
};

static void test_constraint_violations(void **state)
{
        struct fixture *f = *state;
        make_people(f->db);
        exec_ok(f->db, "CREATE TABLE visits (id INTEGER PRIMARY KEY,"
                       " person_id INTEGER NOT NULL REFERENCES people(id))");
        exec_ok(f->db, "INSERT INTO visits (person_id) VALUES (1)");
        for (size_t i = 0; i < sizeof(constraint_cases) / sizeof(constraint_cases[0]); i++) {
                struct store_stmt *st = store_prepare(f->db, constraint_cases[i].sql);
                assert_non_null(st);
                int rc = store_step(st);
                store_done(st);
                if (rc != STORE_CONSTRAINT)
                        fail_msg("%s: store_step = %d, want STORE_CONSTRAINT",
                                 constraint_cases[i].name, rc);
                rc = store_exec(f->db, constraint_cases[i].sql);
                if (rc != STORE_CONSTRAINT)
                        fail_msg("%s: store_exec = %d, want STORE_CONSTRAINT",
                                 constraint_cases[i].name, rc);
        }
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM people", -1), 3);
}

static void test_statement_reusable_after_constraint(void **state)
{
        struct fixture *f = *state;
        make_people(f->db);
        static const char sql[] = "INSERT INTO people (name, age) VALUES (?, ?)";
        struct store_stmt *st = store_prepare(f->db, sql);
        store_bind_text(st, 1, "홍길동");
        store_bind_int(st, 2, 50);
        assert_int_equal(store_step(st), STORE_CONSTRAINT);
        store_done(st);
        st = store_prepare(f->db, sql);
        store_bind_text(st, 1, "최지우");
        store_bind_int(st, 2, 50);
        assert_int_equal(store_step(st), STORE_DONE);
        store_done(st);
        assert_int_equal(store_changes(f->db), 1);
        assert_int_equal(query_int(f->db, "SELECT age FROM people WHERE name = '최지우'", -1), 50);
}

static void test_changes_counts_rows(void **state)
{
        struct fixture *f = *state;
        make_people(f->db);
        exec_ok(f->db, "UPDATE people SET note = '확인' WHERE age > 30");
        assert_int_equal(store_changes(f->db), 2);
        exec_ok(f->db, "DELETE FROM people");
        assert_int_equal(store_changes(f->db), 3);
        exec_ok(f->db, "DELETE FROM people");
        assert_int_equal(store_changes(f->db), 0);
}

static void test_returning_gives_id(void **state)
{
        struct fixture *f = *state;
        make_people(f->db);
        struct store_stmt *st =
            store_prepare(f->db, "INSERT INTO people (name, age) VALUES (?, ?) RETURNING id");
        store_bind_text(st, 1, "정해인");
        store_bind_int(st, 2, 36);
        assert_int_equal(store_step(st), STORE_ROW);
        assert_int_equal(store_col_int(st, 0), 4);
        assert_int_equal(store_step(st), STORE_DONE);
        store_done(st);
}

static void test_migrate_applies_once(void **state)
{
        struct fixture *f = *state;
        assert_true(store_migrations_count >= 1);
        assert_int_equal(store_migrate(f->db), store_migrations_count);
        assert_int_equal(store_migrate(f->db), 0);
        assert_int_equal(query_int(f->db, "SELECT count(*) FROM schema_migrations", -1),
                         store_migrations_count);

        struct store_stmt *st =
            store_prepare(f->db, "SELECT number, name, applied_at FROM schema_migrations"
                                 " ORDER BY number");
        assert_non_null(st);
        for (int i = 0; i < store_migrations_count; i++) {
                assert_int_equal(store_step(st), STORE_ROW);
                assert_int_equal(store_col_int(st, 0), i + 1);
                assert_string_equal(store_col_text(st, 1), store_migrations[i].name);
                assert_true(store_col_int(st, 2) > 0);
        }
        assert_int_equal(store_step(st), STORE_DONE);
        store_done(st);
        assert_string_equal(store_migrations[0].name, "001_foundation.sql");
}

static void test_migrate_is_idempotent_across_connections(void **state)
{
        struct fixture *f = *state;
        assert_int_equal(store_migrate(f->db), store_migrations_count);
        struct store_db *other;
        assert_int_equal(store_open(f->path, &other), STORE_OK);
        assert_int_equal(store_migrate(other), 0);
        store_close(other);
}

static void test_migrated_schema(void **state)
{
        struct fixture *f = *state;
        assert_int_equal(store_migrate(f->db), store_migrations_count);
        static const char *const tables[] = {"tenants",   "departments", "users",
                                             "sessions",  "api_keys",    "login_attempts",
                                             "audit_log", "audit_head"};
        for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
                struct store_stmt *st = store_prepare(
                    f->db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?");
                store_bind_text(st, 1, tables[i]);
                assert_int_equal(store_step(st), STORE_ROW);
                if (store_col_int(st, 0) != 1)
                        fail_msg("table %s missing after migration", tables[i]);
                store_done(st);
        }
        assert_int_equal(query_int(f->db, "SELECT last_id FROM audit_head WHERE one = 1", -1), 0);
}

static void test_migrated_schema_enforces_foreign_keys(void **state)
{
        struct fixture *f = *state;
        assert_int_equal(store_migrate(f->db), store_migrations_count);
        assert_int_equal(store_exec(f->db, "INSERT INTO departments (tenant_id, code, name,"
                                           " created_at, updated_at)"
                                           " VALUES (999, 'minwon', '민원여권과', 0, 0)"),
                         STORE_CONSTRAINT);
        exec_ok(f->db, "INSERT INTO tenants (id, code, name, created_at)"
                       " VALUES (1, 'jongno', '서울특별시 종로구', 0)");
        exec_ok(f->db, "INSERT INTO departments (tenant_id, code, name, created_at, updated_at)"
                       " VALUES (1, 'minwon', '민원여권과', 0, 0)");
        assert_int_equal(store_exec(f->db, "INSERT INTO departments (tenant_id, code, name,"
                                           " created_at, updated_at)"
                                           " VALUES (1, 'minwon', '중복', 0, 0)"),
                         STORE_CONSTRAINT);
        assert_int_equal(store_exec(f->db, "INSERT INTO users (tenant_id, username, display_name,"
                                           " role, password_hash, created_at, updated_at)"
                                           " VALUES (1, 'hong', '홍길동', 'boss', 'x', 0, 0)"),
                         STORE_CONSTRAINT);
        assert_int_equal(store_exec(f->db, "DELETE FROM tenants WHERE id = 1"), STORE_CONSTRAINT);
}

struct thread_result {
        struct store_db *first, *second;
        int64_t answer;
};

static void *thread_main(void *arg)
{
        struct thread_result *r = arg;
        r->first = store_thread_db();
        r->second = store_thread_db();
        if (r->first) {
                struct store_stmt *st = store_prepare(r->first, "SELECT count(*) FROM people");
                if (st && store_step(st) == STORE_ROW)
                        r->answer = store_col_int(st, 0);
                store_done(st);
        }
        return NULL;
}

static void test_thread_connections(void **state)
{
        struct fixture *f = *state;
        make_people(f->db);
        assert_int_equal(store_pool_init(f->path), STORE_OK);
        struct thread_result r1 = {0}, r2 = {0};
        pthread_t t1, t2;
        assert_int_equal(pthread_create(&t1, NULL, thread_main, &r1), 0);
        assert_int_equal(pthread_join(t1, NULL), 0);
        assert_int_equal(pthread_create(&t2, NULL, thread_main, &r2), 0);
        assert_int_equal(pthread_join(t2, NULL), 0);
        assert_non_null(r1.first);
        assert_ptr_equal(r1.first, r1.second);
        assert_non_null(r2.first);
        assert_ptr_equal(r2.first, r2.second);
        assert_int_equal(r1.answer, 3);
        assert_int_equal(r2.answer, 3);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        const struct CMUnitTest tests[] = {
            T(test_open_sets_wal_and_pragmas),
            cmocka_unit_test(test_open_fails_in_missing_directory),
            T(test_exec_and_errors),
            T(test_commit_is_visible_to_other_connection),
            T(test_rollback_discards),
            T(test_rollback_without_transaction),
            T(test_begin_twice_fails),
            T(test_bind_and_read_integers),
            T(test_bind_and_read_korean_text),
            T(test_bind_textn_takes_prefix),
            T(test_text_is_copied_at_bind),
            T(test_null_values),
            T(test_blob_round_trip),
            T(test_col_copy_cuts_to_fit),
            T(test_statement_cache_reuses),
            T(test_done_clears_bindings),
            T(test_same_sql_twice_while_in_use),
            T(test_cache_follows_text_not_pointer),
            T(test_prepare_syntax_error),
            T(test_many_distinct_statements),
            T(test_constraint_violations),
            T(test_statement_reusable_after_constraint),
            T(test_changes_counts_rows),
            T(test_returning_gives_id),
            T(test_migrate_applies_once),
            T(test_migrate_is_idempotent_across_connections),
            T(test_migrated_schema),
            T(test_migrated_schema_enforces_foreign_keys),
            T(test_thread_connections),
        };
#undef T
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
