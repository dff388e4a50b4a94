/* Shared fixture code of the unit tests: see testlib.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testlib.h"

#include "auth/department.h"
#include "auth/secret.h"
#include "base/log.h"
#include "store/migrate.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char tl_dir[256];
char tl_key[512];
int tl_db_count;

int tl_make_dir(const char *name)
{
        log_set_level(LOG_ERROR);
        snprintf(tl_dir, sizeof(tl_dir), "%s/pcrm-test-%s-XXXXXX",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", name);
        return mkdtemp(tl_dir) ? 0 : -1;
}

int tl_group_setup(const char *name)
{
        if (tl_make_dir(name) < 0 || sec_init() < 0)
                return -1;
        snprintf(tl_key, sizeof(tl_key), "%s/pcrm.key", tl_dir);
        return sec_keys_create(tl_key) == 0 && sec_keys_load(tl_key) == 0 ? 0 : -1;
}

int tl_group_teardown(void **state)
{
        (void)state;
        unsetenv("PCRM_FAKE_NOW_MS");
        tl_rm_tree(tl_dir);
        return 0;
}

int tl_teardown_fx(void **state)
{
        void *f = *state;
        if (f) {
                store_close(*(struct store_db **)f);
                free(f);
        }
        return 0;
}

void tl_rm_tree(const char *path)
{
        DIR *d = opendir(path);
        if (!d) {
                unlink(path);
                return;
        }
        struct dirent *ent;
        while ((ent = readdir(d))) {
                if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
                        continue;
                char p[1024];
                struct stat sb;
                snprintf(p, sizeof(p), "%s/%s", path, ent->d_name);
                if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
                        tl_rm_tree(p);
                else
                        unlink(p);
        }
        closedir(d);
        rmdir(path);
}

void set_now(int64_t ms)
{
        char text[32];
        snprintf(text, sizeof(text), "%" PRId64, ms);
        assert_int_equal(setenv("PCRM_FAKE_NOW_MS", text, 1), 0);
}

int tl_open_db(const char *name, struct store_db **db)
{
        char path[512];
        snprintf(path, sizeof(path), "%s/%s-%d.db", tl_dir, name, ++tl_db_count);
        if (store_open(path, db) != STORE_OK)
                return -1;
        return store_migrate(*db);
}

struct actor tl_operator(int64_t tenant_id)
{
        struct actor op = {.kind = ACTOR_CLI, .tenant_id = tenant_id, .role = ROLE_ADMIN};
        snprintf(op.name, sizeof(op.name), "%s", "operator");
        return op;
}

int tl_add_tenant(struct store_db *db, const char *code, const char *name, struct tenant *out)
{
        struct actor op = tl_operator(0);
        struct pcrm_error e;
        return tenant_add(db, &op, code, name, out, &e);
}

int tl_add_tenants(struct store_db *db, struct tenant *a, struct tenant *b)
{
        int rc = tl_add_tenant(db, "haeundae", "부산광역시 해운대구", a);
        return rc != PCRM_OK ? rc : tl_add_tenant(db, "jongno", "서울특별시 종로구", b);
}

struct actor tl_staff(const struct tenant *t, int64_t id, const char *name, enum role role)
{
        struct actor a = {.kind = ACTOR_USER, .tenant_id = t->id, .id = id, .role = role};
        snprintf(a.tenant_code, sizeof(a.tenant_code), "%s", t->code);
        snprintf(a.name, sizeof(a.name), "%s", name);
        return a;
}

int64_t tl_add_dept(struct store_db *db, const struct actor *who, const char *code,
                    const char *name, int64_t parent)
{
        struct department_input in = {.code = code,
                                      .name = name,
                                      .parent_set = parent != 0,
                                      .parent_id = parent,
                                      .active = 1};
        struct department d;
        struct pcrm_error e = {0};
        return dept_create(db, who, &in, &d, &e) == PCRM_OK ? d.id : 0;
}

int tl_add_user(struct store_db *db, const struct actor *who, const char *username,
                const char *display, const char *password, enum role role, int64_t dept,
                struct user *out)
{
        struct user_input in = {.username = username,
                                .display_name = display,
                                .password = password,
                                .role = role,
                                .dept_set = dept != 0,
                                .dept_id = dept,
                                .active = 1};
        struct pcrm_error e = {0};
        return user_create(db, who, &in, out, &e);
}

/* Formats a statement into sql, failing the test when it does not fit. */
static void format_sql(char *sql, size_t len, const char *fmt, va_list ap)
{
        int n = vsnprintf(sql, len, fmt, ap);
        assert_true(n > 0 && (size_t)n < len);
}

/* Prepares sql and steps it to its first row, failing the test otherwise. */
static struct store_stmt *first_row(struct store_db *db, const char *sql)
{
        struct store_stmt *st = store_prepare(db, sql);
        if (!st)
                fail_msg("prepare %s: %s", sql, store_errmsg(db));
        assert_int_equal(store_step(st), STORE_ROW);
        return st;
}

int64_t qint(struct store_db *db, const char *fmt, ...)
{
        char sql[1024];
        va_list ap;
        va_start(ap, fmt);
        format_sql(sql, sizeof(sql), fmt, ap);
        va_end(ap);
        struct store_stmt *st = first_row(db, sql);
        int64_t v = store_col_int(st, 0);
        store_done(st);
        return v;
}

bool qtext(struct store_db *db, char *out, size_t outlen, const char *fmt, ...)
{
        char sql[1024];
        va_list ap;
        va_start(ap, fmt);
        format_sql(sql, sizeof(sql), fmt, ap);
        va_end(ap);
        struct store_stmt *st = first_row(db, sql);
        bool null = store_col_is_null(st, 0);
        store_col_copy(st, 0, out, outlen);
        store_done(st);
        return null;
}

void qexec(struct store_db *db, const char *fmt, ...)
{
        char sql[1024];
        va_list ap;
        va_start(ap, fmt);
        format_sql(sql, sizeof(sql), fmt, ap);
        va_end(ap);
        exec_ok(db, sql);
}

void exec_ok(struct store_db *db, const char *sql)
{
        if (store_exec(db, sql) != STORE_OK)
                fail_msg("store_exec(%s): %s", sql, store_errmsg(db));
}
