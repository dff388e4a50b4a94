/*
 * Unit tests for the auth domain (src/auth), below HTTP: the key file, tokens and
 * password hashes, tenants, departments, users, tenant isolation, sessions, API keys and
 * login throttling.
 *
 * Every test gets a fresh migrated database holding two tenants, 서울특별시 종로구
 * ("jongno", tenant A) and 부산광역시 해운대구 ("haeundae", tenant B), and a clock pinned
 * with PCRM_FAKE_NOW_MS at 2026-09-23 10:00 KST. Password hashing runs at the "min" cost.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testlib.h"

#include "auth/actor.h"
#include "auth/apikey.h"
#include "auth/department.h"
#include "auth/secret.h"
#include "auth/session.h"
#include "auth/tenant.h"
#include "auth/throttle.h"
#include "auth/user.h"
#include "base/log.h"
#include "store/db.h"
#include "store/migrate.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define T0       INT64_C(1790125200000) /* 2026-09-23T10:00:00+09:00 */
#define MINUTE   INT64_C(60000)
#define HOUR     (60 * MINUTE)
#define PASSWORD "종로구청-민원2026!"

struct fx {
        struct store_db *db;
        struct tenant a, b;
        struct actor op_a, op_b; /* the operator's CLI, scoped to tenant A or B */
};

/* ---- helpers ---------------------------------------------------------------------- */

static void tmp_path(char *out, size_t outlen, const char *name)
{
        snprintf(out, outlen, "%s/%s", tl_dir, name);
}

static void write_file(const char *path, const char *data, size_t len)
{
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        assert_int_equal(fwrite(data, 1, len, fp), len);
        assert_int_equal(fclose(fp), 0);
}

static int64_t count(struct store_db *db, const char *sql)
{
        struct store_stmt *st = store_prepare(db, sql);
        assert_non_null(st);
        assert_int_equal(store_step(st), STORE_ROW);
        int64_t n = store_col_int(st, 0);
        store_done(st);
        return n;
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
                fail_msg("line %d: error names field \"%s\", want \"%s\"", line, e->field,
                         want_field);
        if (rc != PCRM_OK) {
                assert_int_equal(e->code, rc);
                assert_true(strlen(e->message) > 0);
        }
}

static struct actor cli_actor(const struct tenant *t)
{
        struct actor a = {.kind = ACTOR_CLI, .tenant_id = t ? t->id : 0, .role = ROLE_ADMIN};
        snprintf(a.name, sizeof(a.name), "%s", "operator");
        if (t)
                snprintf(a.tenant_code, sizeof(a.tenant_code), "%s", t->code);
        return a;
}

static int64_t add_dept(struct fx *f, const struct actor *who, const char *code, const char *name,
                        int64_t parent)
{
        struct department_input in = {.code = code,
                                      .name = name,
                                      .parent_set = parent != 0,
                                      .parent_id = parent,
                                      .active = 1};
        struct department d;
        struct pcrm_error e = {0};
        int rc = dept_create(f->db, who, &in, &d, &e);
        if (rc)
                fail_msg("dept_create(%s): %s %s", code, err_code_name(rc), e.message);
        return d.id;
}

static struct user add_user(struct fx *f, const struct actor *who, const char *username,
                            const char *display, enum role role, int64_t dept)
{
        struct user_input in = {.username = username,
                                .display_name = display,
                                .password = PASSWORD,
                                .role = role,
                                .dept_set = dept != 0,
                                .dept_id = dept,
                                .active = 1};
        struct user u;
        struct pcrm_error e = {0};
        int rc = user_create(f->db, who, &in, &u, &e);
        if (rc)
                fail_msg("user_create(%s): %s %s", username, err_code_name(rc), e.message);
        return u;
}

static struct actor user_actor(const struct user *u, const struct tenant *t)
{
        struct actor a = {.kind = ACTOR_USER,
                          .tenant_id = u->tenant_id,
                          .id = u->id,
                          .role = u->role,
                          .dept_id = u->dept_id};
        snprintf(a.name, sizeof(a.name), "%s", u->username);
        snprintf(a.tenant_code, sizeof(a.tenant_code), "%s", t->code);
        return a;
}

static void assert_dept_equal(const struct department *a, const struct department *b)
{
        assert_int_equal(a->id, b->id);
        assert_int_equal(a->tenant_id, b->tenant_id);
        assert_int_equal(a->parent_id, b->parent_id);
        assert_string_equal(a->code, b->code);
        assert_string_equal(a->name, b->name);
        assert_string_equal(a->phone, b->phone);
        assert_int_equal(a->active, b->active);
        assert_int_equal(a->created_at, b->created_at);
        assert_int_equal(a->updated_at, b->updated_at);
}

static void assert_user_equal(const struct user *a, const struct user *b)
{
        assert_int_equal(a->id, b->id);
        assert_int_equal(a->tenant_id, b->tenant_id);
        assert_int_equal(a->dept_id, b->dept_id);
        assert_string_equal(a->username, b->username);
        assert_string_equal(a->display_name, b->display_name);
        assert_int_equal(a->role, b->role);
        assert_string_equal(a->email, b->email);
        assert_string_equal(a->phone, b->phone);
        assert_int_equal(a->active, b->active);
        assert_int_equal(a->created_at, b->created_at);
        assert_int_equal(a->updated_at, b->updated_at);
}

/* ---- fixtures --------------------------------------------------------------------- */

static int group_setup(void **state)
{
        (void)state;
        sec_set_pwhash_level("min");
        return tl_group_setup("auth");
}

static int setup(void **state)
{
        struct fx *f = calloc(1, sizeof(*f));
        if (!f)
                return -1;
        *state = f;
        set_now(T0);
        if (sec_keys_load(tl_key) < 0 || tl_open_db("auth", &f->db) < 0)
                return -1;
        if (tl_add_tenant(f->db, "jongno", "서울특별시 종로구", &f->a) != PCRM_OK ||
            tl_add_tenant(f->db, "haeundae", "부산광역시 해운대구", &f->b) != PCRM_OK)
                return -1;
        f->op_a = cli_actor(&f->a);
        f->op_b = cli_actor(&f->b);
        return 0;
}

static int teardown(void **state)
{
        tl_teardown_fx(state);
        set_now(T0);
        return 0;
}

/* ---- secret: key file, tokens, passwords ------------------------------------------ */

static void test_keys_create_writes_0600_hex_file(void **state)
{
        (void)state;
        char path[512], tmp[600];
        tmp_path(path, sizeof(path), "create.key");
        assert_int_equal(sec_keys_create(path), 0);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        assert_int_equal(st.st_size, 65);
        char text[80] = "";
        FILE *fp = fopen(path, "r");
        assert_non_null(fp);
        assert_int_equal(fread(text, 1, sizeof(text) - 1, fp), 65);
        fclose(fp);
        assert_int_equal(text[64], '\n');
        for (int i = 0; i < 64; i++)
                assert_non_null(strchr("0123456789abcdef", text[i]));
        snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        assert_int_equal(access(tmp, F_OK), -1); /* written through a temp file, renamed */
        assert_int_equal(sec_keys_load(path), 0);
}

static void test_keys_create_twice_fails(void **state)
{
        (void)state;
        char path[512], before[80] = "", after[80] = "";
        tmp_path(path, sizeof(path), "twice.key");
        assert_int_equal(sec_keys_create(path), 0);
        FILE *fp = fopen(path, "r");
        assert_non_null(fp);
        assert_int_equal(fread(before, 1, sizeof(before) - 1, fp), 65);
        fclose(fp);
        assert_int_equal(sec_keys_create(path), -1);
        fp = fopen(path, "r");
        assert_non_null(fp);
        assert_int_equal(fread(after, 1, sizeof(after) - 1, fp), 65);
        fclose(fp);
        assert_string_equal(before, after);
}

static void test_keys_create_refuses_existing_garbage(void **state)
{
        (void)state;
        char path[512];
        tmp_path(path, sizeof(path), "occupied.key");
        write_file(path, "keep me\n", 8);
        assert_int_equal(sec_keys_create(path), -1);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_size, 8);
}

static void test_keys_load_rejects_garbage(void **state)
{
        (void)state;
        static const struct {
                const char *name, *content;
        } bad[] = {
            {"empty", ""},
            {"text", "this is not a pcrm key file at all, it is a note\n"},
            {"63 hex digits", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1"},
            {"64 non-hex", "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"},
            {"66 hex digits", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"},
            {"hex then junk", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1fxx"},
            {"base64", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8AAECAwQFBgcICQoLDA0ODxAR\n"},
        };
        char path[512];
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char name[64];
                snprintf(name, sizeof(name), "garbage-%zu.key", i);
                tmp_path(path, sizeof(path), name);
                write_file(path, bad[i].content, strlen(bad[i].content));
                chmod(path, 0600);
                if (sec_keys_load(path) != -1)
                        fail_msg("key file \"%s\" was loaded", bad[i].name);
        }
        tmp_path(path, sizeof(path), "no-such.key");
        assert_int_equal(sec_keys_load(path), -1);
}

static void test_keys_load_accepts_known_key(void **state)
{
        (void)state;
        char path[512];
        tmp_path(path, sizeof(path), "known.key");
        static const char hex[] =
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
        write_file(path, hex, strlen(hex));
        chmod(path, 0600);
        assert_int_equal(sec_keys_load(path), 0);
        const struct sec_keys *k = sec_keys();
        assert_non_null(k);
        struct sec_keys first = *k;
        /* Purpose keys are distinct from each other and from the master key. */
        assert_memory_not_equal(first.audit, first.field, SEC_KEY_BYTES);
        assert_memory_not_equal(first.audit, first.index, SEC_KEY_BYTES);
        assert_memory_not_equal(first.field, first.index, SEC_KEY_BYTES);
        static const unsigned char master[SEC_KEY_BYTES] = {
            0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
            16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
        assert_memory_not_equal(first.audit, master, SEC_KEY_BYTES);
        /* Loading is deterministic; another file gives other keys. */
        assert_int_equal(sec_keys_load(path), 0);
        assert_memory_equal(sec_keys()->audit, first.audit, SEC_KEY_BYTES);
        assert_int_equal(sec_keys_load(tl_key), 0);
        assert_memory_not_equal(sec_keys()->audit, first.audit, SEC_KEY_BYTES);
        assert_memory_not_equal(sec_keys()->field, first.field, SEC_KEY_BYTES);
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp((const char *)a, (const char *)b);
}

static void test_tokens_are_43_url_safe_and_unique(void **state)
{
        (void)state;
        enum { N = 2000 };
        static char tokens[N][SEC_TOKEN_CHARS + 1];
        for (int i = 0; i < N; i++) {
                sec_token(tokens[i], sizeof(tokens[i]));
                assert_int_equal(strlen(tokens[i]), SEC_TOKEN_CHARS);
                assert_int_equal(strspn(tokens[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                   "abcdefghijklmnopqrstuvwxyz0123456789-_"),
                                 SEC_TOKEN_CHARS);
        }
        qsort(tokens, N, sizeof(tokens[0]), cmp_str);
        for (int i = 1; i < N; i++)
                if (!strcmp(tokens[i - 1], tokens[i]))
                        fail_msg("token %s was issued twice", tokens[i]);
}

static void test_token_hash_is_hex_and_deterministic(void **state)
{
        (void)state;
        char token[SEC_TOKEN_CHARS + 1], h1[SEC_HASH_HEX], h2[SEC_HASH_HEX], h3[SEC_HASH_HEX];
        sec_token(token, sizeof(token));
        sec_token_hash(token, h1);
        sec_token_hash(token, h2);
        assert_int_equal(strlen(h1), 64);
        assert_int_equal(strspn(h1, "0123456789abcdef"), 64);
        assert_string_equal(h1, h2);
        assert_string_not_equal(h1, token);
        token[0] = token[0] == 'A' ? 'B' : 'A';
        sec_token_hash(token, h3);
        assert_string_not_equal(h1, h3);
}

static void test_password_hash_and_verify(void **state)
{
        (void)state;
        static const struct {
                const char *password;
                const char *wrong[3];
        } cases[] = {
            {"종로구청-민원2026!", {"종로구청-민원2026", "종로구청-민원2026!!", ""}},
            {"correct horse battery staple", {"Correct horse battery staple", "correct", " "}},
            {"해운대 바다 1234", {"해운대 바다 123", "해운대바다1234", "해운대 바다 1234 "}},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char h1[SEC_PWHASH_MAX], h2[SEC_PWHASH_MAX];
                assert_int_equal(sec_password_hash(cases[i].password, h1), 0);
                assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
                assert_null(strstr(h1, cases[i].password));
                assert_true(sec_password_verify(h1, cases[i].password));
                for (int w = 0; w < 3; w++)
                        if (sec_password_verify(h1, cases[i].wrong[w]))
                                fail_msg("hash of \"%s\" accepted \"%s\"", cases[i].password,
                                         cases[i].wrong[w]);
                /* A fresh salt each time. */
                assert_int_equal(sec_password_hash(cases[i].password, h2), 0);
                assert_string_not_equal(h1, h2);
                assert_true(sec_password_verify(h2, cases[i].password));
        }
        assert_false(sec_password_verify("not an argon2 hash", "anything"));
}

/* ---- tenants ---------------------------------------------------------------------- */

static void test_tenant_add_find_get(void **state)
{
        struct fx *f = *state;
        assert_true(f->a.id > 0);
        assert_true(f->b.id > 0);
        assert_true(f->a.id != f->b.id);
        assert_string_equal(f->a.code, "jongno");
        assert_string_equal(f->a.name, "서울특별시 종로구");
        assert_int_equal(f->a.created_at, T0);
        struct tenant t;
        assert_int_equal(tenant_find(f->db, "haeundae", &t), PCRM_OK);
        assert_int_equal(t.id, f->b.id);
        assert_string_equal(t.name, "부산광역시 해운대구");
        assert_int_equal(tenant_get(f->db, f->a.id, &t), PCRM_OK);
        assert_string_equal(t.code, "jongno");
        assert_int_equal(t.created_at, T0);
}

static void test_tenant_unknown(void **state)
{
        struct fx *f = *state;
        struct tenant t;
        assert_int_equal(tenant_find(f->db, "gangnam", &t), PCRM_ENOTFOUND);
        assert_int_equal(tenant_find(f->db, "", &t), PCRM_ENOTFOUND);
        assert_int_equal(tenant_get(f->db, 999, &t), PCRM_ENOTFOUND);
}

#define HANGUL_10 "가나다라마바사아자차"
#define HANGUL_50 HANGUL_10 HANGUL_10 HANGUL_10 HANGUL_10 HANGUL_10

static void test_tenant_add_validation(void **state)
{
        struct fx *f = *state;
        static const struct {
                const char *code, *name;
                int want;
                const char *field;
        } cases[] = {
            {"gangnam", "서울특별시 강남구", PCRM_OK, NULL},
            {"jeju-si", HANGUL_50, PCRM_OK, NULL},
            {"g", "강남구", PCRM_EINVALID, "code"},
            {"Gangnam", "강남구", PCRM_EINVALID, "code"},
            {"강남", "강남구", PCRM_EINVALID, "code"},
            {"-gangnam", "강남구", PCRM_EINVALID, "code"},
            {"abcdefghijklmnopqrstuvwxyz012345", "강남구", PCRM_EINVALID, "code"},
            {NULL, "강남구", PCRM_EINVALID, "code"},
            {"seocho", "", PCRM_EINVALID, "name"},
            {"seocho", NULL, PCRM_EINVALID, "name"},
            {"seocho", HANGUL_50 "카", PCRM_EINVALID, "name"},
            {"seocho", "서초\x1b구", PCRM_EINVALID, "name"},
            {"seocho", "서초\xED\xA0\x80", PCRM_EINVALID, "name"},
        };
        struct actor op = cli_actor(NULL);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct tenant t;
                struct pcrm_error e = {0};
                int rc = tenant_add(f->db, &op, cases[i].code, cases[i].name, &t, &e);
                if (rc != cases[i].want ||
                    (rc && strcmp(e.field, cases[i].field ? cases[i].field : "")))
                        fail_msg("tenant_add(%s, %s) = %s field \"%s\", want %s field \"%s\"",
                                 cases[i].code ? cases[i].code : "NULL",
                                 cases[i].name ? cases[i].name : "NULL", err_code_name(rc), e.field,
                                 err_code_name(cases[i].want),
                                 cases[i].field ? cases[i].field : "");
        }
        assert_int_equal(count(f->db, "SELECT count(*) FROM tenants"), 4);
}

static void test_tenant_add_duplicate(void **state)
{
        struct fx *f = *state;
        struct actor op = cli_actor(NULL);
        struct tenant t;
        struct pcrm_error e = {0};
        int rc = tenant_add(f->db, &op, "jongno", "종로구 두 번째", &t, &e);
        assert_err(rc, e, PCRM_ECONFLICT, "code");
        assert_int_equal(count(f->db, "SELECT count(*) FROM tenants"), 2);
        assert_int_equal(tenant_find(f->db, "jongno", &t), PCRM_OK);
        assert_string_equal(t.name, "서울특별시 종로구");
}

/* ---- departments ------------------------------------------------------------------ */

static void test_dept_create_and_get(void **state)
{
        struct fx *f = *state;
        struct department_input in = {
            .code = "minwon", .name = "민원여권과", .phone = "02-2148-1114", .active = 1};
        struct department d, g;
        struct pcrm_error e = {0};
        assert_err(dept_create(f->db, &f->op_a, &in, &d, &e), e, PCRM_OK, NULL);
        assert_true(d.id > 0);
        assert_int_equal(d.tenant_id, f->a.id);
        assert_int_equal(d.parent_id, 0);
        assert_string_equal(d.code, "minwon");
        assert_string_equal(d.name, "민원여권과");
        assert_string_equal(d.phone, "02-2148-1114");
        assert_true(d.active);
        assert_int_equal(d.created_at, T0);
        assert_int_equal(d.updated_at, T0);
        assert_err(dept_get(f->db, &f->op_a, d.id, &g, &e), e, PCRM_OK, NULL);
        assert_dept_equal(&g, &d);
        assert_int_equal(dept_find_code(f->db, f->a.id, "minwon", &g), PCRM_OK);
        assert_int_equal(g.id, d.id);
}

static void test_dept_tree_three_levels(void **state)
{
        struct fx *f = *state;
        int64_t guk = add_dept(f, &f->op_a, "admin", "행정지원국", 0);
        int64_t gwa = add_dept(f, &f->op_a, "minwon", "민원여권과", guk);
        int64_t team = add_dept(f, &f->op_a, "minwon-1", "민원1팀", gwa);
        struct department d;
        struct pcrm_error e = {0};
        assert_err(dept_get(f->db, &f->op_a, team, &d, &e), e, PCRM_OK, NULL);
        assert_int_equal(d.parent_id, gwa);
        assert_err(dept_get(f->db, &f->op_a, gwa, &d, &e), e, PCRM_OK, NULL);
        assert_int_equal(d.parent_id, guk);
        assert_err(dept_get(f->db, &f->op_a, guk, &d, &e), e, PCRM_OK, NULL);
        assert_int_equal(d.parent_id, 0);
}

static void test_dept_create_validation(void **state)
{
        struct fx *f = *state;
        static const struct {
                struct department_input in;
                int want;
                const char *field;
        } cases[] = {
            {{.code = "road", .name = HANGUL_50, .active = 1}, PCRM_OK, NULL},
            {{.code = "park", .name = "공원녹지과", .phone = "", .active = 1}, PCRM_OK, NULL},
            {{.code = NULL, .name = "도로과", .active = 1}, PCRM_EINVALID, "code"},
            {{.code = "", .name = "도로과", .active = 1}, PCRM_EINVALID, "code"},
            {{.code = "Road", .name = "도로과", .active = 1}, PCRM_EINVALID, "code"},
            {{.code = "도로", .name = "도로과", .active = 1}, PCRM_EINVALID, "code"},
            {{.code = "road team", .name = "도로과", .active = 1}, PCRM_EINVALID, "code"},
            {{.code = "road2", .name = NULL, .active = 1}, PCRM_EINVALID, "name"},
            {{.code = "road2", .name = "", .active = 1}, PCRM_EINVALID, "name"},
            {{.code = "road2", .name = HANGUL_50 "카", .active = 1}, PCRM_EINVALID, "name"},
            {{.code = "road2", .name = "도로\x07과", .active = 1}, PCRM_EINVALID, "name"},
            {{.code = "road2", .name = "도로과", .phone = "02-2148-2500 내선 12345", .active = 1},
             PCRM_EINVALID,
             "phone"},
            {{.code = "road2", .name = "도로과", .parent_set = true, .parent_id = -1, .active = 1},
             PCRM_EINVALID,
             "parent_id"},
            {{.code = "road2", .name = "도로과", .parent_set = true, .parent_id = 999, .active = 1},
             PCRM_EINVALID,
             "parent_id"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct department d;
                struct pcrm_error e = {0};
                int rc = dept_create(f->db, &f->op_a, &cases[i].in, &d, &e);
                if (rc != cases[i].want ||
                    (rc && strcmp(e.field, cases[i].field ? cases[i].field : "")))
                        fail_msg("case %zu: dept_create = %s field \"%s\", want %s field \"%s\"", i,
                                 err_code_name(rc), e.field, err_code_name(cases[i].want),
                                 cases[i].field ? cases[i].field : "");
        }
        assert_int_equal(count(f->db, "SELECT count(*) FROM departments"), 2);
}

static void test_dept_code_unique_per_tenant(void **state)
{
        struct fx *f = *state;
        add_dept(f, &f->op_a, "minwon", "민원여권과", 0);
        struct department_input in = {.code = "minwon", .name = "민원실", .active = 1};
        struct department d;
        struct pcrm_error e = {0};
        assert_err(dept_create(f->db, &f->op_a, &in, &d, &e), e, PCRM_ECONFLICT, "code");
        /* The same code in the other tenant is fine. */
        assert_err(dept_create(f->db, &f->op_b, &in, &d, &e), e, PCRM_OK, NULL);
        assert_int_equal(d.tenant_id, f->b.id);
        assert_int_equal(count(f->db, "SELECT count(*) FROM departments"), 2);
}

static void test_dept_update_changes_only_given_fields(void **state)
{
        struct fx *f = *state;
        int64_t guk = add_dept(f, &f->op_a, "admin", "행정지원국", 0);
        struct department_input cin = {.code = "minwon",
                                       .name = "민원여권과",
                                       .phone = "02-2148-1114",
                                       .parent_set = true,
                                       .parent_id = guk,
                                       .active = 1};
        struct department before, after;
        struct pcrm_error e = {0};
        assert_err(dept_create(f->db, &f->op_a, &cin, &before, &e), e, PCRM_OK, NULL);
        set_now(T0 + HOUR);
        struct department_input in = {.name = "민원봉사과", .active = -1};
        assert_err(dept_update(f->db, &f->op_a, before.id, &in, &after, &e), e, PCRM_OK, NULL);
        assert_string_equal(after.name, "민원봉사과");
        assert_string_equal(after.code, "minwon");
        assert_string_equal(after.phone, "02-2148-1114");
        assert_int_equal(after.parent_id, guk);
        assert_true(after.active);
        assert_int_equal(after.created_at, T0);
        assert_int_equal(after.updated_at, T0 + HOUR);
}

static void test_dept_update_code_phone_active(void **state)
{
        struct fx *f = *state;
        int64_t id = add_dept(f, &f->op_a, "road", "도로과", 0);
        struct department_input in = {.code = "road-bridge", .phone = "02-2148-2500", .active = 0};
        struct department d;
        struct pcrm_error e = {0};
        assert_err(dept_update(f->db, &f->op_a, id, &in, &d, &e), e, PCRM_OK, NULL);
        assert_string_equal(d.code, "road-bridge");
        assert_string_equal(d.name, "도로과");
        assert_string_equal(d.phone, "02-2148-2500");
        assert_false(d.active);
        /* An empty phone clears it; active 1 reactivates. */
        struct department_input in2 = {.phone = "", .active = 1};
        assert_err(dept_update(f->db, &f->op_a, id, &in2, &d, &e), e, PCRM_OK, NULL);
        assert_string_equal(d.phone, "");
        assert_true(d.active);
        assert_int_equal(dept_find_code(f->db, f->a.id, "road", &d), PCRM_ENOTFOUND);
}

static void test_dept_update_code_conflict(void **state)
{
        struct fx *f = *state;
        add_dept(f, &f->op_a, "road", "도로과", 0);
        int64_t park = add_dept(f, &f->op_a, "park", "공원녹지과", 0);
        struct department_input in = {.code = "road", .active = -1};
        struct department d;
        struct pcrm_error e = {0};
        assert_err(dept_update(f->db, &f->op_a, park, &in, &d, &e), e, PCRM_ECONFLICT, "code");
        assert_err(dept_get(f->db, &f->op_a, park, &d, &e), e, PCRM_OK, NULL);
        assert_string_equal(d.code, "park");
}

static void test_dept_parent_cycles_refused(void **state)
{
        struct fx *f = *state;
        int64_t guk = add_dept(f, &f->op_a, "admin", "행정지원국", 0);
        int64_t gwa = add_dept(f, &f->op_a, "minwon", "민원여권과", guk);
        int64_t team = add_dept(f, &f->op_a, "minwon-1", "민원1팀", gwa);
        const struct {
                const char *what;
                int64_t id, parent;
        } cases[] = {
            {"국 under itself", guk, guk},   {"국 under its 과", guk, gwa},
            {"국 under its 팀", guk, team},  {"과 under its 팀", gwa, team},
            {"팀 under itself", team, team},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct department_input in = {
                    .parent_set = true, .parent_id = cases[i].parent, .active = -1};
                struct department d;
                struct pcrm_error e = {0};
                int rc = dept_update(f->db, &f->op_a, cases[i].id, &in, &d, &e);
                if (rc != PCRM_ERULE || strcmp(e.field, "parent_id"))
                        fail_msg("%s: dept_update = %s field \"%s\", want rule_violated parent_id",
                                 cases[i].what, err_code_name(rc), e.field);
        }
        /* The tree is unchanged. */
        struct department d;
        struct pcrm_error e = {0};
        assert_err(dept_get(f->db, &f->op_a, guk, &d, &e), e, PCRM_OK, NULL);
        assert_int_equal(d.parent_id, 0);
        assert_err(dept_get(f->db, &f->op_a, gwa, &d, &e), e, PCRM_OK, NULL);
        assert_int_equal(d.parent_id, guk);
}

static void test_dept_move_between_parents(void **state)
{
        struct fx *f = *state;
        int64_t guk1 = add_dept(f, &f->op_a, "admin", "행정지원국", 0);
        int64_t guk2 = add_dept(f, &f->op_a, "welfare", "복지문화국", 0);
        int64_t gwa = add_dept(f, &f->op_a, "minwon", "민원여권과", guk1);
        struct department d;
        struct pcrm_error e = {0};
        struct department_input move = {.parent_set = true, .parent_id = guk2, .active = -1};
        assert_err(dept_update(f->db, &f->op_a, gwa, &move, &d, &e), e, PCRM_OK, NULL);
        assert_int_equal(d.parent_id, guk2);
        /* A sibling subtree is not a cycle: 국1 may go under 국2. */
        struct department_input under = {.parent_set = true, .parent_id = guk2, .active = -1};
        assert_err(dept_update(f->db, &f->op_a, guk1, &under, &d, &e), e, PCRM_OK, NULL);
        assert_int_equal(d.parent_id, guk2);
        struct department_input top = {.parent_set = true, .parent_id = 0, .active = -1};
        assert_err(dept_update(f->db, &f->op_a, gwa, &top, &d, &e), e, PCRM_OK, NULL);
        assert_int_equal(d.parent_id, 0);
        struct department_input missing = {.parent_set = true, .parent_id = 999, .active = -1};
        assert_err(dept_update(f->db, &f->op_a, gwa, &missing, &d, &e), e, PCRM_EINVALID,
                   "parent_id");
}

static void test_dept_delete_unused(void **state)
{
        struct fx *f = *state;
        int64_t id = add_dept(f, &f->op_a, "temp-tf", "임시 TF팀", 0);
        struct department d;
        struct pcrm_error e = {0};
        assert_err(dept_delete(f->db, &f->op_a, id, &e), e, PCRM_OK, NULL);
        assert_err(dept_get(f->db, &f->op_a, id, &d, &e), e, PCRM_ENOTFOUND, "id");
        assert_err(dept_delete(f->db, &f->op_a, id, &e), e, PCRM_ENOTFOUND, "id");
}

static void test_dept_delete_in_use_refused(void **state)
{
        struct fx *f = *state;
        int64_t guk = add_dept(f, &f->op_a, "admin", "행정지원국", 0);
        int64_t gwa = add_dept(f, &f->op_a, "minwon", "민원여권과", guk);
        int64_t road = add_dept(f, &f->op_a, "road", "도로과", 0);
        add_user(f, &f->op_a, "lee.officer", "이민원", ROLE_OFFICER, road);
        struct department d;
        struct pcrm_error e = {0};
        /* A sub-department uses 행정지원국; a staff member uses 도로과. */
        assert_err(dept_delete(f->db, &f->op_a, guk, &e), e, PCRM_ECONFLICT, "id");
        assert_err(dept_delete(f->db, &f->op_a, road, &e), e, PCRM_ECONFLICT, "id");
        assert_err(dept_get(f->db, &f->op_a, guk, &d, &e), e, PCRM_OK, NULL);
        assert_err(dept_get(f->db, &f->op_a, road, &d, &e), e, PCRM_OK, NULL);
        /* Leaf first, then the parent. */
        assert_err(dept_delete(f->db, &f->op_a, gwa, &e), e, PCRM_OK, NULL);
        assert_err(dept_delete(f->db, &f->op_a, guk, &e), e, PCRM_OK, NULL);
}

static void test_dept_unknown_id(void **state)
{
        struct fx *f = *state;
        struct department d;
        struct pcrm_error e = {0};
        struct department_input in = {.name = "없는 부서", .active = -1};
        assert_err(dept_get(f->db, &f->op_a, 424242, &d, &e), e, PCRM_ENOTFOUND, "id");
        assert_err(dept_update(f->db, &f->op_a, 424242, &in, &d, &e), e, PCRM_ENOTFOUND, "id");
        assert_err(dept_delete(f->db, &f->op_a, 424242, &e), e, PCRM_ENOTFOUND, "id");
}

static void test_dept_list_pages(void **state)
{
        struct fx *f = *state;
        static const char *const codes[] = {"d1", "d2", "d3", "d4", "d5"};
        int64_t ids[5];
        for (int i = 0; i < 5; i++)
                ids[i] = add_dept(f, &f->op_a, codes[i], "부서", 0);
        struct department *items;
        size_t n;
        bool more;
        struct pcrm_error e = {0};
        static const struct {
                int after; /* index into ids, -1 for the start */
                size_t limit;
                size_t want_n;
                bool want_more;
                int first; /* index of the first item */
        } pages[] = {{-1, 2, 2, true, 0},  {1, 2, 2, true, 2},    {3, 2, 1, false, 4},
                     {-1, 5, 5, false, 0}, {-1, 10, 5, false, 0}, {4, 2, 0, false, 0}};
        for (size_t p = 0; p < sizeof(pages) / sizeof(pages[0]); p++) {
                int64_t after = pages[p].after < 0 ? 0 : ids[pages[p].after];
                assert_err(dept_list(f->db, &f->op_a, after, pages[p].limit, &items, &n, &more, &e),
                           e, PCRM_OK, NULL);
                if (n != pages[p].want_n || more != pages[p].want_more)
                        fail_msg("page %zu: %zu items more=%d, want %zu more=%d", p, n, more,
                                 pages[p].want_n, pages[p].want_more);
                for (size_t i = 0; i < n; i++)
                        assert_int_equal(items[i].id, ids[pages[p].first + (int)i]);
                free(items);
        }
}

static void test_dept_changes_are_audited(void **state)
{
        struct fx *f = *state;
        int64_t id = add_dept(f, &f->op_a, "road", "도로과", 0);
        struct department_input in = {.name = "도로관리과", .active = -1};
        struct department d;
        struct pcrm_error e = {0};
        assert_err(dept_update(f->db, &f->op_a, id, &in, &d, &e), e, PCRM_OK, NULL);
        assert_err(dept_delete(f->db, &f->op_a, id, &e), e, PCRM_OK, NULL);
        struct store_stmt *st = store_prepare(
            f->db, "SELECT action, tenant_id, target_type, target_id, actor_type, actor_name"
                   " FROM audit_log WHERE target_type = 'department' ORDER BY id");
        static const char *const actions[] = {"department.create", "department.update",
                                              "department.delete"};
        char idtext[24];
        snprintf(idtext, sizeof(idtext), "%" PRId64, id);
        for (int i = 0; i < 3; i++) {
                assert_int_equal(store_step(st), STORE_ROW);
                assert_string_equal(store_col_text(st, 0), actions[i]);
                assert_int_equal(store_col_int(st, 1), f->a.id);
                assert_string_equal(store_col_text(st, 3), idtext);
                assert_string_equal(store_col_text(st, 4), "cli");
                assert_string_equal(store_col_text(st, 5), "operator");
        }
        assert_int_equal(store_step(st), STORE_DONE);
        store_done(st);
}

/* A refused change leaves no audit row behind: the audit append shares its transaction. */
static void test_dept_refused_change_not_audited(void **state)
{
        struct fx *f = *state;
        int64_t before = count(f->db, "SELECT count(*) FROM audit_log");
        add_dept(f, &f->op_a, "road", "도로과", 0);
        struct department_input dup = {.code = "road", .name = "도로과2", .active = 1};
        struct department d;
        struct pcrm_error e = {0};
        assert_err(dept_create(f->db, &f->op_a, &dup, &d, &e), e, PCRM_ECONFLICT, "code");
        assert_int_equal(count(f->db, "SELECT count(*) FROM audit_log"), before + 1);
        assert_int_equal(count(f->db, "SELECT last_id FROM audit_head"), before + 1);
}

/* ---- users ------------------------------------------------------------------------ */

static void test_user_create_agent(void **state)
{
        struct fx *f = *state;
        struct user_input in = {.username = "kim.agent",
                                .display_name = "김상담",
                                .password = PASSWORD,
                                .email = "kim.agent@jongno.go.kr",
                                .phone = "010-1234-5678",
                                .role = ROLE_AGENT,
                                .active = 1};
        struct user u, g;
        struct pcrm_error e = {0};
        assert_err(user_create(f->db, &f->op_a, &in, &u, &e), e, PCRM_OK, NULL);
        assert_true(u.id > 0);
        assert_int_equal(u.tenant_id, f->a.id);
        assert_int_equal(u.dept_id, 0);
        assert_string_equal(u.username, "kim.agent");
        assert_string_equal(u.display_name, "김상담");
        assert_int_equal(u.role, ROLE_AGENT);
        assert_string_equal(u.email, "kim.agent@jongno.go.kr");
        assert_string_equal(u.phone, "010-1234-5678");
        assert_true(u.active);
        assert_int_equal(u.created_at, T0);
        assert_err(user_get(f->db, &f->op_a, u.id, &g, &e), e, PCRM_OK, NULL);
        assert_user_equal(&g, &u);
}

static void test_user_password_stored_as_argon2id(void **state)
{
        struct fx *f = *state;
        add_user(f, &f->op_a, "kim.agent", "김상담", ROLE_AGENT, 0);
        struct store_stmt *st =
            store_prepare(f->db, "SELECT password_hash FROM users WHERE username = 'kim.agent'");
        assert_int_equal(store_step(st), STORE_ROW);
        const char *h = store_col_text(st, 0);
        assert_int_equal(strncmp(h, "$argon2id$", 10), 0);
        assert_null(strstr(h, PASSWORD));
        assert_true(sec_password_verify(h, PASSWORD));
        store_done(st);
}

static void test_user_roles_and_departments(void **state)
{
        struct fx *f = *state;
        int64_t minwon = add_dept(f, &f->op_a, "minwon", "민원여권과", 0);
        int64_t other = add_dept(f, &f->op_b, "minwon", "민원여권과", 0);
        const struct {
                const char *username;
                enum role role;
                int64_t dept;
                int want;
        } cases[] = {
            {"agent1", ROLE_AGENT, 0, PCRM_OK},
            {"agent2", ROLE_AGENT, minwon, PCRM_OK},
            {"officer1", ROLE_OFFICER, minwon, PCRM_OK},
            {"officer2", ROLE_OFFICER, 0, PCRM_EINVALID},
            {"head1", ROLE_DEPT_HEAD, minwon, PCRM_OK},
            {"head2", ROLE_DEPT_HEAD, 0, PCRM_EINVALID},
            {"cs1", ROLE_CS_MANAGER, 0, PCRM_OK},
            {"privacy1", ROLE_PRIVACY_OFFICER, 0, PCRM_OK},
            {"admin1", ROLE_ADMIN, 0, PCRM_OK},
            {"officer3", ROLE_OFFICER, 999, PCRM_EINVALID},
            {"officer4", ROLE_OFFICER, other, PCRM_EINVALID},
            {"agent3", ROLE_AGENT, other, PCRM_EINVALID},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct user_input in = {.username = cases[i].username,
                                        .display_name = "직원",
                                        .password = PASSWORD,
                                        .role = cases[i].role,
                                        .dept_set = cases[i].dept != 0,
                                        .dept_id = cases[i].dept,
                                        .active = 1};
                struct user u;
                struct pcrm_error e = {0};
                int rc = user_create(f->db, &f->op_a, &in, &u, &e);
                if (rc != cases[i].want || (rc && strcmp(e.field, "dept")))
                        fail_msg("%s (%s, dept %" PRId64 "): %s field \"%s\", want %s",
                                 cases[i].username, role_name(cases[i].role), cases[i].dept,
                                 err_code_name(rc), e.field, err_code_name(cases[i].want));
                if (rc == PCRM_OK) {
                        assert_int_equal(u.role, cases[i].role);
                        assert_int_equal(u.dept_id, cases[i].dept);
                }
        }
        assert_int_equal(count(f->db, "SELECT count(*) FROM users"), 7);
}

static void test_user_create_validation(void **state)
{
        struct fx *f = *state;
        const struct user_input base = {.username = "park.cs",
                                        .display_name = "박민원",
                                        .password = PASSWORD,
                                        .role = ROLE_CS_MANAGER,
                                        .active = 1};
        static const struct {
                const char *what;
                int field; /* which member to replace: see the switch below */
                const char *value;
                int want;
                const char *want_field;
        } cases[] = {
            {"short username", 0, "ho", PCRM_EINVALID, "username"},
            {"upper-case username", 0, "Park", PCRM_EINVALID, "username"},
            {"korean username", 0, "박민원", PCRM_EINVALID, "username"},
            {"missing username", 0, NULL, PCRM_EINVALID, "username"},
            {"empty display name", 1, "", PCRM_EINVALID, "display_name"},
            {"missing display name", 1, NULL, PCRM_EINVALID, "display_name"},
            {"41-character display name", 1,
             "가나다라마바사아자차가나다라마바사아자차"
             "가나다라마바사아자차가나다라마바사아자차카",
             PCRM_EINVALID, "display_name"},
            {"short password", 2, "short123", PCRM_EINVALID, "password"},
            {"nine korean characters", 2, "가나다라마바사아자", PCRM_EINVALID, "password"},
            {"missing password", 2, NULL, PCRM_EINVALID, "password"},
            {"ten korean characters", 2, "가나다라마바사아자차", PCRM_OK, NULL},
            {"email without @", 3, "park.jongno.go.kr", PCRM_EINVALID, "email"},
            {"email without local part", 3, "@jongno.go.kr", PCRM_EINVALID, "email"},
            {"email with two @", 3, "park@cs@jongno.go.kr", PCRM_EINVALID, "email"},
            {"email without dot in domain", 3, "park@localhost", PCRM_EINVALID, "email"},
            {"email with space", 3, "park cs@jongno.go.kr", PCRM_EINVALID, "email"},
            {"empty email", 3, "", PCRM_OK, NULL},
            {"21-character phone", 4, "010-1234-5678 내선 1234", PCRM_EINVALID, "phone"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct user_input in = base;
                char username[32];
                /* Successful rows need a username of their own. */
                snprintf(username, sizeof(username), "park.cs%zu", i);
                in.username = username;
                switch (cases[i].field) {
                case 0:
                        in.username = cases[i].value;
                        break;
                case 1:
                        in.display_name = cases[i].value;
                        break;
                case 2:
                        in.password = cases[i].value;
                        break;
                case 3:
                        in.email = cases[i].value;
                        break;
                case 4:
                        in.phone = cases[i].value;
                        break;
                }
                struct user u;
                struct pcrm_error e = {0};
                int rc = user_create(f->db, &f->op_a, &in, &u, &e);
                if (rc != cases[i].want ||
                    (rc && strcmp(e.field, cases[i].want_field ? cases[i].want_field : "")))
                        fail_msg("%s: user_create = %s field \"%s\", want %s field \"%s\"",
                                 cases[i].what, err_code_name(rc), e.field,
                                 err_code_name(cases[i].want),
                                 cases[i].want_field ? cases[i].want_field : "");
        }
        assert_int_equal(count(f->db, "SELECT count(*) FROM users"), 2);
}

static void test_user_create_missing_role(void **state)
{
        struct fx *f = *state;
        struct user_input in = {.username = "norole",
                                .display_name = "역할없음",
                                .password = PASSWORD,
                                .role = ROLE_NONE,
                                .active = 1};
        struct user u;
        struct pcrm_error e = {0};
        assert_err(user_create(f->db, &f->op_a, &in, &u, &e), e, PCRM_EINVALID, "role");
}

/*
 * A role value that is not one of the six roles (here two roles or'ed together) is bad
 * input and must be reported as such, not as a duplicate username.
 */
static void test_user_create_unknown_role_value(void **state)
{
        struct fx *f = *state;
        struct user_input in = {.username = "tworoles",
                                .display_name = "두역할",
                                .password = PASSWORD,
                                .role = (enum role)(ROLE_AGENT | ROLE_ADMIN),
                                .active = 1};
        struct user u;
        struct pcrm_error e = {0};
        assert_err(user_create(f->db, &f->op_a, &in, &u, &e), e, PCRM_EINVALID, "role");
        assert_int_equal(count(f->db, "SELECT count(*) FROM users"), 0);
}

static void test_user_username_unique_per_tenant(void **state)
{
        struct fx *f = *state;
        add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        struct user_input in = {.username = "hong",
                                .display_name = "홍길순",
                                .password = PASSWORD,
                                .role = ROLE_AGENT,
                                .active = 1};
        struct user u;
        struct pcrm_error e = {0};
        assert_err(user_create(f->db, &f->op_a, &in, &u, &e), e, PCRM_ECONFLICT, "username");
        assert_err(user_create(f->db, &f->op_b, &in, &u, &e), e, PCRM_OK, NULL);
        assert_int_equal(u.tenant_id, f->b.id);
        assert_string_equal(u.display_name, "홍길순");
}

static void test_user_update_fields(void **state)
{
        struct fx *f = *state;
        struct user u = add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        set_now(T0 + MINUTE);
        struct user_input in = {.display_name = "홍길동(민원)",
                                .email = "hong@jongno.go.kr",
                                .phone = "02-2148-1114",
                                .active = -1};
        struct user out;
        struct pcrm_error e = {0};
        assert_err(user_update(f->db, &f->op_a, u.id, &in, &out, &e), e, PCRM_OK, NULL);
        assert_string_equal(out.display_name, "홍길동(민원)");
        assert_string_equal(out.email, "hong@jongno.go.kr");
        assert_string_equal(out.phone, "02-2148-1114");
        assert_string_equal(out.username, "hong");
        assert_int_equal(out.role, ROLE_AGENT);
        assert_true(out.active);
        assert_int_equal(out.created_at, T0);
        assert_int_equal(out.updated_at, T0 + MINUTE);
        /* Empty strings clear email and phone. */
        struct user_input clear = {.email = "", .phone = "", .active = -1};
        assert_err(user_update(f->db, &f->op_a, u.id, &clear, &out, &e), e, PCRM_OK, NULL);
        assert_string_equal(out.email, "");
        assert_string_equal(out.phone, "");
        assert_string_equal(out.display_name, "홍길동(민원)");
}

static void test_user_update_role_needs_department(void **state)
{
        struct fx *f = *state;
        int64_t minwon = add_dept(f, &f->op_a, "minwon", "민원여권과", 0);
        struct user u = add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        struct user out;
        struct pcrm_error e = {0};
        struct user_input promote = {.role = ROLE_OFFICER, .active = -1};
        assert_err(user_update(f->db, &f->op_a, u.id, &promote, &out, &e), e, PCRM_EINVALID,
                   "dept");
        struct user_input with_dept = {
            .role = ROLE_OFFICER, .dept_set = true, .dept_id = minwon, .active = -1};
        assert_err(user_update(f->db, &f->op_a, u.id, &with_dept, &out, &e), e, PCRM_OK, NULL);
        assert_int_equal(out.role, ROLE_OFFICER);
        assert_int_equal(out.dept_id, minwon);
        struct user_input drop_dept = {.dept_set = true, .dept_id = 0, .active = -1};
        assert_err(user_update(f->db, &f->op_a, u.id, &drop_dept, &out, &e), e, PCRM_EINVALID,
                   "dept");
        struct user_input demote = {
            .role = ROLE_AGENT, .dept_set = true, .dept_id = 0, .active = -1};
        assert_err(user_update(f->db, &f->op_a, u.id, &demote, &out, &e), e, PCRM_OK, NULL);
        assert_int_equal(out.role, ROLE_AGENT);
        assert_int_equal(out.dept_id, 0);
}

static void test_user_update_username_conflict(void **state)
{
        struct fx *f = *state;
        add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        struct user kim = add_user(f, &f->op_a, "kim", "김철수", ROLE_AGENT, 0);
        struct user out;
        struct pcrm_error e = {0};
        struct user_input in = {.username = "hong", .active = -1};
        assert_err(user_update(f->db, &f->op_a, kim.id, &in, &out, &e), e, PCRM_ECONFLICT,
                   "username");
        struct user_input rename = {.username = "kim.cs", .active = -1};
        assert_err(user_update(f->db, &f->op_a, kim.id, &rename, &out, &e), e, PCRM_OK, NULL);
        assert_string_equal(out.username, "kim.cs");
}

static void test_user_cannot_change_own_role_or_deactivate(void **state)
{
        struct fx *f = *state;
        struct user admin = add_user(f, &f->op_a, "choi.admin", "최관리", ROLE_ADMIN, 0);
        struct actor self = user_actor(&admin, &f->a);
        struct user out;
        struct pcrm_error e = {0};
        struct user_input demote = {.role = ROLE_AGENT, .active = -1};
        assert_err(user_update(f->db, &self, admin.id, &demote, &out, &e), e, PCRM_ERULE, "role");
        struct user_input off = {.active = 0};
        assert_err(user_update(f->db, &self, admin.id, &off, &out, &e), e, PCRM_ERULE, "active");
        struct user_input rename = {.display_name = "최관리자", .active = -1};
        assert_err(user_update(f->db, &self, admin.id, &rename, &out, &e), e, PCRM_OK, NULL);
        assert_int_equal(out.role, ROLE_ADMIN);
        assert_true(out.active);
        /* Another admin may do both. */
        struct user other = add_user(f, &f->op_a, "jung.admin", "정관리", ROLE_ADMIN, 0);
        struct actor by_other = user_actor(&other, &f->a);
        assert_err(user_update(f->db, &by_other, admin.id, &demote, &out, &e), e, PCRM_OK, NULL);
        assert_int_equal(out.role, ROLE_AGENT);
}

static void test_user_password_change_signs_out(void **state)
{
        struct fx *f = *state;
        struct user u = add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        struct session_tokens s;
        assert_int_equal(session_create(f->db, &u, "203.0.113.7", 10 * HOUR, &s), 0);
        struct user out;
        struct pcrm_error e = {0};
        struct user_input in = {.password = "새비밀번호-해운대2026", .active = -1};
        assert_err(user_update(f->db, &f->op_a, u.id, &in, &out, &e), e, PCRM_OK, NULL);
        assert_int_equal(user_authenticate(f->db, f->a.id, "hong", PASSWORD, &out), PCRM_EINVALID);
        assert_int_equal(user_authenticate(f->db, f->a.id, "hong", "새비밀번호-해운대2026", &out),
                         PCRM_OK);
        struct actor who;
        char csrf[SEC_TOKEN_CHARS + 1];
        assert_int_equal(session_resolve(f->db, s.token, 30 * MINUTE, &who, csrf), PCRM_ENOTFOUND);
        assert_int_equal(count(f->db,
                               "SELECT count(*) FROM audit_log WHERE action ="
                               " 'user.update' AND detail LIKE '%\"changed\":\"password\"%'"),
                         1);
}

static void test_user_deactivate_blocks_login_and_sessions(void **state)
{
        struct fx *f = *state;
        struct user u = add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        struct session_tokens s;
        assert_int_equal(session_create(f->db, &u, "203.0.113.7", 10 * HOUR, &s), 0);
        struct user out;
        struct pcrm_error e = {0};
        struct user_input off = {.active = 0};
        assert_err(user_update(f->db, &f->op_a, u.id, &off, &out, &e), e, PCRM_OK, NULL);
        assert_false(out.active);
        assert_int_equal(user_authenticate(f->db, f->a.id, "hong", PASSWORD, &out), PCRM_EINVALID);
        struct actor who;
        char csrf[SEC_TOKEN_CHARS + 1];
        assert_int_equal(session_resolve(f->db, s.token, 30 * MINUTE, &who, csrf), PCRM_ENOTFOUND);
        /* Reactivated, the user may sign in again; the old session stays ended. */
        struct user_input on = {.active = 1};
        assert_err(user_update(f->db, &f->op_a, u.id, &on, &out, &e), e, PCRM_OK, NULL);
        assert_int_equal(user_authenticate(f->db, f->a.id, "hong", PASSWORD, &out), PCRM_OK);
        assert_int_equal(session_resolve(f->db, s.token, 30 * MINUTE, &who, csrf), PCRM_ENOTFOUND);
}

static void test_user_authenticate(void **state)
{
        struct fx *f = *state;
        int64_t minwon = add_dept(f, &f->op_a, "minwon", "민원여권과", 0);
        struct user hong = add_user(f, &f->op_a, "hong", "홍길동", ROLE_OFFICER, minwon);
        struct user_input sleeper = {.username = "retired",
                                     .display_name = "퇴직자",
                                     .password = PASSWORD,
                                     .role = ROLE_AGENT,
                                     .active = 0};
        struct user u;
        struct pcrm_error e = {0};
        assert_err(user_create(f->db, &f->op_a, &sleeper, &u, &e), e, PCRM_OK, NULL);
        assert_false(u.active);
        const struct {
                const char *what;
                int64_t tenant;
                const char *username, *password;
                int want;
        } cases[] = {
            {"right password", f->a.id, "hong", PASSWORD, PCRM_OK},
            {"wrong password", f->a.id, "hong", "종로구청-민원2025!", PCRM_EINVALID},
            {"empty password", f->a.id, "hong", "", PCRM_EINVALID},
            {"password with extra space", f->a.id, "hong", PASSWORD " ", PCRM_EINVALID},
            {"unknown user", f->a.id, "nobody", PASSWORD, PCRM_EINVALID},
            {"username differs in case", f->a.id, "Hong", PASSWORD, PCRM_EINVALID},
            {"inactive user, right password", f->a.id, "retired", PASSWORD, PCRM_EINVALID},
            {"other tenant", f->b.id, "hong", PASSWORD, PCRM_EINVALID},
            {"no such tenant", 999, "hong", PASSWORD, PCRM_EINVALID},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct user out;
                memset(&out, 0, sizeof(out));
                int rc = user_authenticate(f->db, cases[i].tenant, cases[i].username,
                                           cases[i].password, &out);
                if (rc != cases[i].want)
                        fail_msg("%s: user_authenticate = %s, want %s", cases[i].what,
                                 err_code_name(rc), err_code_name(cases[i].want));
                if (rc == PCRM_OK) {
                        assert_int_equal(out.id, hong.id);
                        assert_int_equal(out.tenant_id, f->a.id);
                        assert_int_equal(out.role, ROLE_OFFICER);
                        assert_int_equal(out.dept_id, minwon);
                        assert_string_equal(out.display_name, "홍길동");
                }
        }
}

static void test_user_list_filters_by_department(void **state)
{
        struct fx *f = *state;
        int64_t minwon = add_dept(f, &f->op_a, "minwon", "민원여권과", 0);
        int64_t road = add_dept(f, &f->op_a, "road", "도로과", 0);
        struct user a = add_user(f, &f->op_a, "officer.a", "김민원", ROLE_OFFICER, minwon);
        struct user b = add_user(f, &f->op_a, "officer.b", "이도로", ROLE_OFFICER, road);
        struct user c = add_user(f, &f->op_a, "officer.c", "박민원", ROLE_OFFICER, minwon);
        struct user *items;
        size_t n;
        bool more;
        struct pcrm_error e = {0};
        assert_err(user_list(f->db, &f->op_a, minwon, 0, 10, &items, &n, &more, &e), e, PCRM_OK,
                   NULL);
        assert_int_equal(n, 2);
        assert_false(more);
        assert_int_equal(items[0].id, a.id);
        assert_int_equal(items[1].id, c.id);
        free(items);
        assert_err(user_list(f->db, &f->op_a, 0, 0, 2, &items, &n, &more, &e), e, PCRM_OK, NULL);
        assert_int_equal(n, 2);
        assert_true(more);
        assert_int_equal(items[1].id, b.id);
        free(items);
        assert_err(user_list(f->db, &f->op_a, 0, b.id, 2, &items, &n, &more, &e), e, PCRM_OK, NULL);
        assert_int_equal(n, 1);
        assert_false(more);
        assert_int_equal(items[0].id, c.id);
        free(items);
}

/* ---- tenant isolation ------------------------------------------------------------- */

static void test_isolation_departments(void **state)
{
        struct fx *f = *state;
        int64_t a_dept = add_dept(f, &f->op_a, "minwon", "민원여권과", 0);
        int64_t a_leaf = add_dept(f, &f->op_a, "minwon-1", "민원1팀", a_dept);
        struct department d;
        struct pcrm_error e = {0};
        struct department_input rename = {.name = "해킹된 부서", .active = -1};
        struct department_input off = {.active = 0};
        struct department_input move = {.parent_set = true, .parent_id = 0, .active = -1};
        assert_err(dept_get(f->db, &f->op_b, a_dept, &d, &e), e, PCRM_ENOTFOUND, "id");
        assert_err(dept_update(f->db, &f->op_b, a_dept, &rename, &d, &e), e, PCRM_ENOTFOUND, "id");
        assert_err(dept_update(f->db, &f->op_b, a_dept, &off, &d, &e), e, PCRM_ENOTFOUND, "id");
        assert_err(dept_update(f->db, &f->op_b, a_leaf, &move, &d, &e), e, PCRM_ENOTFOUND, "id");
        assert_err(dept_delete(f->db, &f->op_b, a_leaf, &e), e, PCRM_ENOTFOUND, "id");
        assert_int_equal(dept_find_code(f->db, f->b.id, "minwon", &d), PCRM_ENOTFOUND);
        /* Tenant A's departments are untouched. */
        assert_err(dept_get(f->db, &f->op_a, a_dept, &d, &e), e, PCRM_OK, NULL);
        assert_string_equal(d.name, "민원여권과");
        assert_true(d.active);
        assert_err(dept_get(f->db, &f->op_a, a_leaf, &d, &e), e, PCRM_OK, NULL);
        assert_int_equal(d.parent_id, a_dept);
        assert_int_equal(
            count(f->db, "SELECT count(*) FROM audit_log WHERE action LIKE 'department.%'"), 2);
}

static void test_isolation_users(void **state)
{
        struct fx *f = *state;
        struct user hong = add_user(f, &f->op_a, "hong", "홍길동", ROLE_ADMIN, 0);
        struct user out;
        struct pcrm_error e = {0};
        struct user_input takeover = {.password = "빼앗긴-비밀번호-2026", .active = -1};
        struct user_input off = {.active = 0};
        assert_err(user_get(f->db, &f->op_b, hong.id, &out, &e), e, PCRM_ENOTFOUND, "id");
        assert_err(user_update(f->db, &f->op_b, hong.id, &takeover, &out, &e), e, PCRM_ENOTFOUND,
                   "id");
        assert_err(user_update(f->db, &f->op_b, hong.id, &off, &out, &e), e, PCRM_ENOTFOUND, "id");
        /* A user of tenant B acting on tenant A's user id gets the same answer. */
        struct user park = add_user(f, &f->op_b, "park", "박해운", ROLE_ADMIN, 0);
        struct actor b_admin = user_actor(&park, &f->b);
        assert_err(user_get(f->db, &b_admin, hong.id, &out, &e), e, PCRM_ENOTFOUND, "id");
        assert_err(user_update(f->db, &b_admin, hong.id, &off, &out, &e), e, PCRM_ENOTFOUND, "id");
        /* Hong is untouched: same password, still active. */
        assert_int_equal(user_authenticate(f->db, f->a.id, "hong", PASSWORD, &out), PCRM_OK);
        assert_true(out.active);
        assert_int_equal(user_authenticate(f->db, f->b.id, "hong", PASSWORD, &out), PCRM_EINVALID);
}

static void test_isolation_lists(void **state)
{
        struct fx *f = *state;
        /* Interleave the two tenants' rows so that ids alternate. */
        int64_t a1 = add_dept(f, &f->op_a, "a1", "종로 부서1", 0);
        int64_t b1 = add_dept(f, &f->op_b, "b1", "해운대 부서1", 0);
        int64_t a2 = add_dept(f, &f->op_a, "a2", "종로 부서2", 0);
        int64_t b2 = add_dept(f, &f->op_b, "b2", "해운대 부서2", 0);
        struct user ua = add_user(f, &f->op_a, "jongno.user", "종로직원", ROLE_AGENT, 0);
        struct user ub = add_user(f, &f->op_b, "haeundae.user", "해운대직원", ROLE_AGENT, 0);
        struct department *depts;
        struct user *users;
        size_t n;
        bool more;
        struct pcrm_error e = {0};
        assert_err(dept_list(f->db, &f->op_b, 0, 50, &depts, &n, &more, &e), e, PCRM_OK, NULL);
        assert_int_equal(n, 2);
        assert_int_equal(depts[0].id, b1);
        assert_int_equal(depts[1].id, b2);
        for (size_t i = 0; i < n; i++)
                assert_int_equal(depts[i].tenant_id, f->b.id);
        free(depts);
        assert_err(dept_list(f->db, &f->op_a, 0, 50, &depts, &n, &more, &e), e, PCRM_OK, NULL);
        assert_int_equal(n, 2);
        assert_int_equal(depts[0].id, a1);
        assert_int_equal(depts[1].id, a2);
        free(depts);
        assert_err(user_list(f->db, &f->op_b, 0, 0, 50, &users, &n, &more, &e), e, PCRM_OK, NULL);
        assert_int_equal(n, 1);
        assert_int_equal(users[0].id, ub.id);
        free(users);
        /* Filtering by another tenant's department finds nothing. */
        assert_err(user_list(f->db, &f->op_b, a1, 0, 50, &users, &n, &more, &e), e, PCRM_OK, NULL);
        assert_int_equal(n, 0);
        free(users);
        assert_err(user_list(f->db, &f->op_a, 0, 0, 50, &users, &n, &more, &e), e, PCRM_OK, NULL);
        assert_int_equal(n, 1);
        assert_int_equal(users[0].id, ua.id);
        free(users);
}

static void test_isolation_cross_tenant_references(void **state)
{
        struct fx *f = *state;
        int64_t a_dept = add_dept(f, &f->op_a, "minwon", "민원여권과", 0);
        struct department d;
        struct user u;
        struct pcrm_error e = {0};
        struct department_input child = {.code = "sub",
                                         .name = "하위부서",
                                         .parent_set = true,
                                         .parent_id = a_dept,
                                         .active = 1};
        assert_err(dept_create(f->db, &f->op_b, &child, &d, &e), e, PCRM_EINVALID, "parent_id");
        int64_t b_dept = add_dept(f, &f->op_b, "road", "건설과", 0);
        struct department_input move = {.parent_set = true, .parent_id = a_dept, .active = -1};
        assert_err(dept_update(f->db, &f->op_b, b_dept, &move, &d, &e), e, PCRM_EINVALID,
                   "parent_id");
        struct user_input in = {.username = "spy",
                                .display_name = "남의부서",
                                .password = PASSWORD,
                                .role = ROLE_OFFICER,
                                .dept_set = true,
                                .dept_id = a_dept,
                                .active = 1};
        assert_err(user_create(f->db, &f->op_b, &in, &u, &e), e, PCRM_EINVALID, "dept");
        struct user park = add_user(f, &f->op_b, "park", "박해운", ROLE_AGENT, 0);
        struct user_input join = {.dept_set = true, .dept_id = a_dept, .active = -1};
        assert_err(user_update(f->db, &f->op_b, park.id, &join, &u, &e), e, PCRM_EINVALID, "dept");
}

static void test_isolation_sessions(void **state)
{
        struct fx *f = *state;
        struct user hong = add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        struct session_tokens s;
        assert_int_equal(session_create(f->db, &hong, "203.0.113.7", 10 * HOUR, &s), 0);
        /* Ending with tenant B's id touches nothing of tenant A. */
        assert_int_equal(session_end(f->db, f->b.id, s.id), 0);
        assert_int_equal(session_end_user(f->db, f->b.id, hong.id), 0);
        struct actor who;
        char csrf[SEC_TOKEN_CHARS + 1];
        assert_int_equal(session_resolve(f->db, s.token, 30 * MINUTE, &who, csrf), PCRM_OK);
        assert_int_equal(who.tenant_id, f->a.id);
        assert_string_equal(who.tenant_code, "jongno");
}

/* ---- sessions --------------------------------------------------------------------- */

static void test_session_create_and_resolve(void **state)
{
        struct fx *f = *state;
        int64_t minwon = add_dept(f, &f->op_a, "minwon", "민원여권과", 0);
        struct user u = add_user(f, &f->op_a, "hong", "홍길동", ROLE_OFFICER, minwon);
        struct session_tokens s;
        assert_int_equal(session_create(f->db, &u, "203.0.113.7", 10 * HOUR, &s), 0);
        assert_true(s.id > 0);
        assert_int_equal(strlen(s.token), SEC_TOKEN_CHARS);
        assert_int_equal(strlen(s.csrf), SEC_TOKEN_CHARS);
        assert_string_not_equal(s.token, s.csrf);
        assert_int_equal(s.expires_at, T0 + 10 * HOUR);

        struct actor who;
        char csrf[SEC_TOKEN_CHARS + 1] = "";
        memset(&who, 0x5A, sizeof(who));
        assert_int_equal(session_resolve(f->db, s.token, 30 * MINUTE, &who, csrf), PCRM_OK);
        assert_int_equal(who.kind, ACTOR_USER);
        assert_int_equal(who.tenant_id, f->a.id);
        assert_string_equal(who.tenant_code, "jongno");
        assert_int_equal(who.id, u.id);
        assert_string_equal(who.name, "hong");
        assert_int_equal(who.role, ROLE_OFFICER);
        assert_int_equal(who.dept_id, minwon);
        assert_int_equal(who.session_id, s.id);
        assert_string_equal(csrf, s.csrf);
}

static void test_session_stores_only_token_hash(void **state)
{
        struct fx *f = *state;
        struct user u = add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        struct session_tokens s;
        assert_int_equal(session_create(f->db, &u, "203.0.113.7", 10 * HOUR, &s), 0);
        char want[SEC_HASH_HEX];
        sec_token_hash(s.token, want);
        struct store_stmt *st = store_prepare(
            f->db, "SELECT token_hash, client_addr, created_at, last_seen_at, expires_at,"
                   " ended_at FROM sessions WHERE id = ?");
        store_bind_int(st, 1, s.id);
        assert_int_equal(store_step(st), STORE_ROW);
        assert_string_equal(store_col_text(st, 0), want);
        assert_string_equal(store_col_text(st, 1), "203.0.113.7");
        assert_int_equal(store_col_int(st, 2), T0);
        assert_int_equal(store_col_int(st, 3), T0);
        assert_int_equal(store_col_int(st, 4), T0 + 10 * HOUR);
        assert_true(store_col_is_null(st, 5));
        store_done(st);
        struct store_stmt *any = store_prepare(
            f->db, "SELECT count(*) FROM sessions WHERE token_hash = ? OR csrf_token = ?");
        store_bind_text(any, 1, s.token);
        store_bind_text(any, 2, s.token);
        assert_int_equal(store_step(any), STORE_ROW);
        assert_int_equal(store_col_int(any, 0), 0);
        store_done(any);
}

static void test_session_unknown_tokens(void **state)
{
        struct fx *f = *state;
        struct user u = add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        struct session_tokens s;
        assert_int_equal(session_create(f->db, &u, "203.0.113.7", 10 * HOUR, &s), 0);
        char random[SEC_TOKEN_CHARS + 1], longer[SEC_TOKEN_CHARS + 2], shorter[SEC_TOKEN_CHARS];
        char flipped[SEC_TOKEN_CHARS + 1];
        sec_token(random, sizeof(random));
        snprintf(longer, sizeof(longer), "%sA", s.token);
        memcpy(shorter, s.token, sizeof(shorter) - 1); /* one character short */
        shorter[sizeof(shorter) - 1] = '\0';
        snprintf(flipped, sizeof(flipped), "%s", s.token);
        flipped[10] = flipped[10] == 'x' ? 'y' : 'x';
        const char *const tokens[] = {random, longer, shorter, flipped, s.csrf, "", "hong"};
        for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
                struct actor who;
                char csrf[SEC_TOKEN_CHARS + 1];
                int rc = session_resolve(f->db, tokens[i], 30 * MINUTE, &who, csrf);
                if (rc != PCRM_ENOTFOUND)
                        fail_msg("token %zu (\"%s\") resolved: %s", i, tokens[i],
                                 err_code_name(rc));
        }
}

static int resolve_at(struct fx *f, const char *token, int64_t at, int64_t idle_ms)
{
        struct actor who;
        char csrf[SEC_TOKEN_CHARS + 1];
        set_now(at);
        return session_resolve(f->db, token, idle_ms, &who, csrf);
}

static void test_session_idle_expiry(void **state)
{
        struct fx *f = *state;
        struct user u = add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        struct session_tokens s;
        assert_int_equal(session_create(f->db, &u, "203.0.113.7", 10 * HOUR, &s), 0);
        const int64_t idle = 30 * MINUTE;
        /* Each use restarts the idle clock; 30 minutes without one ends the session. */
        static const struct {
                int64_t at; /* ms after T0 */
                int want;
        } timeline[] = {
            {29 * MINUTE + 59999, PCRM_OK}, {59 * MINUTE + 59998, PCRM_OK},
            {89 * MINUTE + 59000, PCRM_OK}, {119 * MINUTE + 59000, PCRM_ENOTFOUND},
            {120 * MINUTE, PCRM_ENOTFOUND},
        };
        for (size_t i = 0; i < sizeof(timeline) / sizeof(timeline[0]); i++) {
                int rc = resolve_at(f, s.token, T0 + timeline[i].at, idle);
                if (rc != timeline[i].want)
                        fail_msg("at T0+%" PRId64 " ms: %s, want %s", timeline[i].at,
                                 err_code_name(rc), err_code_name(timeline[i].want));
        }
}

static void test_session_idle_boundary(void **state)
{
        struct fx *f = *state;
        struct user u = add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        struct session_tokens s;
        assert_int_equal(session_create(f->db, &u, "203.0.113.7", 10 * HOUR, &s), 0);
        assert_int_equal(resolve_at(f, s.token, T0 + 30 * MINUTE, 30 * MINUTE), PCRM_ENOTFOUND);
        struct session_tokens s2;
        set_now(T0);
        assert_int_equal(session_create(f->db, &u, "203.0.113.7", 10 * HOUR, &s2), 0);
        assert_int_equal(resolve_at(f, s2.token, T0 + 30 * MINUTE - 1, 30 * MINUTE), PCRM_OK);
}

static void test_session_absolute_expiry(void **state)
{
        struct fx *f = *state;
        struct user u = add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        struct session_tokens s;
        assert_int_equal(session_create(f->db, &u, "203.0.113.7", 10 * HOUR, &s), 0);
        /* Used every 20 minutes all day, it still ends 10 hours after sign-in. */
        for (int64_t t = 20 * MINUTE; t < 10 * HOUR; t += 20 * MINUTE)
                if (resolve_at(f, s.token, T0 + t, 30 * MINUTE) != PCRM_OK)
                        fail_msg("session ended early at T0+%" PRId64 " min", t / MINUTE);
        assert_int_equal(resolve_at(f, s.token, T0 + 10 * HOUR - 1, 30 * MINUTE), PCRM_OK);
        assert_int_equal(resolve_at(f, s.token, T0 + 10 * HOUR, 30 * MINUTE), PCRM_ENOTFOUND);
        assert_int_equal(resolve_at(f, s.token, T0 + 10 * HOUR + MINUTE, 30 * MINUTE),
                         PCRM_ENOTFOUND);
}

static void test_session_end(void **state)
{
        struct fx *f = *state;
        struct user u = add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        struct session_tokens s1, s2;
        assert_int_equal(session_create(f->db, &u, "203.0.113.7", 10 * HOUR, &s1), 0);
        assert_int_equal(session_create(f->db, &u, "198.51.100.20", 10 * HOUR, &s2), 0);
        set_now(T0 + MINUTE);
        assert_int_equal(session_end(f->db, f->a.id, s1.id), 0);
        assert_int_equal(resolve_at(f, s1.token, T0 + MINUTE, 30 * MINUTE), PCRM_ENOTFOUND);
        assert_int_equal(resolve_at(f, s2.token, T0 + MINUTE, 30 * MINUTE), PCRM_OK);
        /* Ending twice is harmless and keeps the first end time. */
        set_now(T0 + 2 * MINUTE);
        assert_int_equal(session_end(f->db, f->a.id, s1.id), 0);
        struct store_stmt *st = store_prepare(f->db, "SELECT ended_at FROM sessions WHERE id = ?");
        store_bind_int(st, 1, s1.id);
        assert_int_equal(store_step(st), STORE_ROW);
        assert_int_equal(store_col_int(st, 0), T0 + MINUTE);
        store_done(st);
}

static void test_session_end_user(void **state)
{
        struct fx *f = *state;
        struct user hong = add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        struct user kim = add_user(f, &f->op_a, "kim", "김철수", ROLE_AGENT, 0);
        struct session_tokens h1, h2, k1;
        assert_int_equal(session_create(f->db, &hong, "203.0.113.7", 10 * HOUR, &h1), 0);
        assert_int_equal(session_create(f->db, &hong, "198.51.100.20", 10 * HOUR, &h2), 0);
        assert_int_equal(session_create(f->db, &kim, "203.0.113.7", 10 * HOUR, &k1), 0);
        assert_int_equal(session_end_user(f->db, f->a.id, hong.id), 0);
        assert_int_equal(resolve_at(f, h1.token, T0, 30 * MINUTE), PCRM_ENOTFOUND);
        assert_int_equal(resolve_at(f, h2.token, T0, 30 * MINUTE), PCRM_ENOTFOUND);
        assert_int_equal(resolve_at(f, k1.token, T0, 30 * MINUTE), PCRM_OK);
}

static void test_session_inactive_user_not_resolved(void **state)
{
        struct fx *f = *state;
        struct user u = add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        struct session_tokens s;
        assert_int_equal(session_create(f->db, &u, "203.0.113.7", 10 * HOUR, &s), 0);
        /* Even if a deactivation somehow left the session open, it does not resolve. */
        exec_ok(f->db, "UPDATE users SET active = 0 WHERE username = 'hong'");
        assert_int_equal(resolve_at(f, s.token, T0, 30 * MINUTE), PCRM_ENOTFOUND);
}

static void test_session_purge(void **state)
{
        struct fx *f = *state;
        struct user u = add_user(f, &f->op_a, "hong", "홍길동", ROLE_AGENT, 0);
        struct session_tokens live, ended, expired;
        assert_int_equal(session_create(f->db, &u, "203.0.113.7", 10 * HOUR, &live), 0);
        assert_int_equal(session_create(f->db, &u, "203.0.113.7", 10 * HOUR, &ended), 0);
        assert_int_equal(session_create(f->db, &u, "203.0.113.7", HOUR, &expired), 0);
        assert_int_equal(session_end(f->db, f->a.id, ended.id), 0);
        assert_int_equal(session_purge(f->db, T0), 0);
        assert_int_equal(session_purge(f->db, T0 + 2 * HOUR), 2);
        assert_int_equal(count(f->db, "SELECT count(*) FROM sessions"), 1);
        assert_int_equal(resolve_at(f, live.token, T0 + MINUTE, 30 * MINUTE), PCRM_OK);
}

/* ---- API keys --------------------------------------------------------------------- */

static void test_apikey_create_and_resolve(void **state)
{
        struct fx *f = *state;
        char key[APIKEY_CHARS + 1];
        int64_t id = 0;
        struct pcrm_error e = {0};
        assert_err(
            apikey_create(f->db, &f->op_a, "새올 연계", ROLE_AGENT, key, sizeof(key), &id, &e), e,
            PCRM_OK, NULL);
        assert_true(id > 0);
        assert_int_equal(strlen(key), APIKEY_CHARS);
        assert_int_equal(strncmp(key, "pcrm_", 5), 0);
        struct actor who;
        memset(&who, 0x5A, sizeof(who));
        assert_int_equal(apikey_resolve(f->db, key, &who), PCRM_OK);
        assert_int_equal(who.kind, ACTOR_APIKEY);
        assert_int_equal(who.id, id);
        assert_string_equal(who.name, "새올 연계");
        assert_int_equal(who.role, ROLE_AGENT);
        assert_int_equal(who.tenant_id, f->a.id);
        assert_string_equal(who.tenant_code, "jongno");
        assert_int_equal(who.session_id, 0);
        /* Two keys are different keys. */
        char key2[APIKEY_CHARS + 1];
        int64_t id2 = 0;
        assert_err(
            apikey_create(f->db, &f->op_b, "Open311", ROLE_OFFICER, key2, sizeof(key2), &id2, &e),
            e, PCRM_OK, NULL);
        assert_string_not_equal(key, key2);
        assert_int_equal(apikey_resolve(f->db, key2, &who), PCRM_OK);
        assert_int_equal(who.tenant_id, f->b.id);
        assert_int_equal(who.role, ROLE_OFFICER);
}

static void test_apikey_stores_hash_and_prefix(void **state)
{
        struct fx *f = *state;
        char key[APIKEY_CHARS + 1], want_hash[SEC_HASH_HEX];
        int64_t id = 0;
        struct pcrm_error e = {0};
        assert_err(
            apikey_create(f->db, &f->op_a, "배치 작업", ROLE_CS_MANAGER, key, sizeof(key), &id, &e),
            e, PCRM_OK, NULL);
        sec_token_hash(key, want_hash);
        struct store_stmt *st = store_prepare(
            f->db, "SELECT key_prefix, key_hash, role, tenant_id FROM api_keys WHERE id = ?");
        store_bind_int(st, 1, id);
        assert_int_equal(store_step(st), STORE_ROW);
        assert_int_equal(strlen(store_col_text(st, 0)), 12);
        assert_int_equal(strncmp(store_col_text(st, 0), key, 12), 0);
        assert_string_equal(store_col_text(st, 1), want_hash);
        assert_string_equal(store_col_text(st, 2), "cs_manager");
        assert_int_equal(store_col_int(st, 3), f->a.id);
        store_done(st);
        assert_int_equal(count(f->db, "SELECT count(*) FROM audit_log WHERE action ="
                                      " 'apikey.create' AND target_type = 'apikey'"),
                         1);
}

static void test_apikey_unknown_keys(void **state)
{
        struct fx *f = *state;
        char key[APIKEY_CHARS + 1], token[SEC_TOKEN_CHARS + 1];
        int64_t id = 0;
        struct pcrm_error e = {0};
        assert_err(
            apikey_create(f->db, &f->op_a, "새올 연계", ROLE_AGENT, key, sizeof(key), &id, &e), e,
            PCRM_OK, NULL);
        char never_issued[APIKEY_CHARS + 1], wrong_prefix[APIKEY_CHARS + 1],
            longer[APIKEY_CHARS + 2], shorter[APIKEY_CHARS], flipped[APIKEY_CHARS + 1];
        sec_token(token, sizeof(token));
        snprintf(never_issued, sizeof(never_issued), "pcrm_%s", token);
        snprintf(wrong_prefix, sizeof(wrong_prefix), "PCRM_%s", key + 5);
        snprintf(longer, sizeof(longer), "%s0", key);
        memcpy(shorter, key, sizeof(shorter) - 1); /* one character short */
        shorter[sizeof(shorter) - 1] = '\0';
        snprintf(flipped, sizeof(flipped), "%s", key);
        flipped[APIKEY_CHARS - 1] = flipped[APIKEY_CHARS - 1] == 'x' ? 'y' : 'x';
        const char *const keys[] = {never_issued, wrong_prefix, longer, shorter,
                                    flipped,      key + 5,      "",     "pcrm_"};
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                struct actor who;
                int rc = apikey_resolve(f->db, keys[i], &who);
                if (rc != PCRM_ENOTFOUND)
                        fail_msg("key %zu (\"%s\") resolved: %s", i, keys[i], err_code_name(rc));
        }
}

static void test_apikey_revoked(void **state)
{
        struct fx *f = *state;
        char key[APIKEY_CHARS + 1];
        int64_t id = 0;
        struct pcrm_error e = {0};
        assert_err(
            apikey_create(f->db, &f->op_a, "폐기될 키", ROLE_AGENT, key, sizeof(key), &id, &e), e,
            PCRM_OK, NULL);
        struct actor who;
        assert_int_equal(apikey_resolve(f->db, key, &who), PCRM_OK);
        struct store_stmt *st =
            store_prepare(f->db, "UPDATE api_keys SET revoked_at = ? WHERE id = ?");
        store_bind_int(st, 1, T0 + MINUTE);
        store_bind_int(st, 2, id);
        assert_int_equal(store_step(st), STORE_DONE);
        store_done(st);
        assert_int_equal(apikey_resolve(f->db, key, &who), PCRM_ENOTFOUND);
}

static void test_apikey_create_validation(void **state)
{
        struct fx *f = *state;
        static const struct {
                const char *what, *name;
                enum role role;
                size_t buflen;
                int want;
                const char *field;
        } cases[] = {
            {"empty name", "", ROLE_AGENT, APIKEY_CHARS + 1, PCRM_EINVALID, "name"},
            {"missing name", NULL, ROLE_AGENT, APIKEY_CHARS + 1, PCRM_EINVALID, "name"},
            {"61-character name",
             "가나다라마바사아자차가나다라마바사아자차가나다라마바사아자차"
             "가나다라마바사아자차가나다라마바사아자차가나다라마바사아자차카",
             ROLE_AGENT, APIKEY_CHARS + 1, PCRM_EINVALID, "name"},
            {"control character", "연계\x1b", ROLE_AGENT, APIKEY_CHARS + 1, PCRM_EINVALID, "name"},
            {"no role", "연계", ROLE_NONE, APIKEY_CHARS + 1, PCRM_EINVALID, "role"},
            {"two roles", "연계", (enum role)(ROLE_AGENT | ROLE_ADMIN), APIKEY_CHARS + 1,
             PCRM_EINVALID, "role"},
            {"buffer one byte short", "연계", ROLE_AGENT, APIKEY_CHARS, PCRM_EINTERNAL, ""},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char key[APIKEY_CHARS + 1];
                int64_t id = -1;
                struct pcrm_error e = {0};
                int rc = apikey_create(f->db, &f->op_a, cases[i].name, cases[i].role, key,
                                       cases[i].buflen, &id, &e);
                if (rc != cases[i].want || strcmp(e.field, cases[i].field))
                        fail_msg("%s: apikey_create = %s field \"%s\", want %s field \"%s\"",
                                 cases[i].what, err_code_name(rc), e.field,
                                 err_code_name(cases[i].want), cases[i].field);
                assert_int_equal(id, -1);
        }
        assert_int_equal(count(f->db, "SELECT count(*) FROM api_keys"), 0);
}

/* ---- throttle --------------------------------------------------------------------- */

#define WINDOW (15 * MINUTE)
#define MAXF   5

static int check(struct fx *f, const char *tenant, const char *user, const char *addr,
                 int64_t *retry)
{
        *retry = -1;
        return throttle_check(f->db, tenant, user, addr, WINDOW, MAXF, retry);
}

static void fail_n(struct fx *f, const char *tenant, const char *user, const char *addr, int n)
{
        for (int i = 0; i < n; i++)
                assert_int_equal(throttle_record(f->db, tenant, user, addr, 0), 0);
}

static void test_throttle_after_max_failures(void **state)
{
        struct fx *f = *state;
        int64_t retry;
        assert_int_equal(check(f, "jongno", "hong", "203.0.113.7", &retry), 0);
        fail_n(f, "jongno", "hong", "203.0.113.7", MAXF - 1);
        assert_int_equal(check(f, "jongno", "hong", "203.0.113.7", &retry), 0);
        fail_n(f, "jongno", "hong", "203.0.113.7", 1);
        assert_int_equal(check(f, "jongno", "hong", "203.0.113.7", &retry), 1);
        assert_int_equal(retry, WINDOW / 1000);
        assert_true(retry >= 1);
}

static void test_throttle_successes_do_not_count(void **state)
{
        struct fx *f = *state;
        int64_t retry;
        fail_n(f, "jongno", "hong", "203.0.113.7", MAXF - 1);
        for (int i = 0; i < 10; i++)
                assert_int_equal(throttle_record(f->db, "jongno", "hong", "203.0.113.7", 1), 0);
        assert_int_equal(check(f, "jongno", "hong", "203.0.113.7", &retry), 0);
}

static void test_throttle_other_user_other_address_independent(void **state)
{
        struct fx *f = *state;
        int64_t retry;
        fail_n(f, "jongno", "hong", "203.0.113.7", MAXF);
        static const struct {
                const char *user, *addr;
                int want;
        } cases[] = {
            {"hong", "203.0.113.7", 1},   /* both limits */
            {"hong", "198.51.100.20", 1}, /* the user's limit, from anywhere */
            {"kim", "203.0.113.7", 1},    /* the address's limit, for anyone */
            {"kim", "198.51.100.20", 0},  /* neither */
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                int rc = check(f, "jongno", cases[i].user, cases[i].addr, &retry);
                if (rc != cases[i].want)
                        fail_msg("%s from %s: throttle_check = %d, want %d", cases[i].user,
                                 cases[i].addr, rc, cases[i].want);
                if (rc == 1 && retry < 1)
                        fail_msg("%s from %s: retry_after %" PRId64, cases[i].user, cases[i].addr,
                                 retry);
        }
}

static void test_throttle_per_address_across_usernames(void **state)
{
        struct fx *f = *state;
        int64_t retry;
        static const char *const guesses[] = {"admin", "root", "hong", "kim", "test"};
        for (int i = 0; i < MAXF; i++) {
                assert_int_equal(check(f, "jongno", guesses[i], "203.0.113.66", &retry), 0);
                fail_n(f, "jongno", guesses[i], "203.0.113.66", 1);
        }
        assert_int_equal(check(f, "jongno", "park", "203.0.113.66", &retry), 1);
        assert_true(retry >= 1);
        /* In another tenant too: the address is the same machine. */
        assert_int_equal(check(f, "haeundae", "park", "203.0.113.66", &retry), 1);
        /* Each of those users may still sign in from elsewhere. */
        assert_int_equal(check(f, "jongno", "admin", "198.51.100.20", &retry), 0);
}

static void test_throttle_per_user_across_addresses(void **state)
{
        struct fx *f = *state;
        int64_t retry;
        static const char *const addrs[] = {"203.0.113.1", "203.0.113.2", "203.0.113.3",
                                            "203.0.113.4", "203.0.113.5"};
        for (int i = 0; i < MAXF; i++)
                fail_n(f, "jongno", "hong", addrs[i], 1);
        assert_int_equal(check(f, "jongno", "hong", "203.0.113.99", &retry), 1);
        assert_int_equal(check(f, "jongno", "kim", "203.0.113.99", &retry), 0);
        /* The same username in another tenant is another account. */
        assert_int_equal(check(f, "haeundae", "hong", "203.0.113.99", &retry), 0);
}

static void test_throttle_failures_age_out(void **state)
{
        struct fx *f = *state;
        int64_t retry;
        /* One failure a minute from T0 to T0+4min. */
        for (int i = 0; i < MAXF; i++) {
                set_now(T0 + i * MINUTE);
                fail_n(f, "jongno", "hong", "203.0.113.7", 1);
        }
        static const struct {
                int64_t at; /* ms after T0 */
                int want;
                int64_t retry;
        } timeline[] = {
            {4 * MINUTE, 1, 11 * 60},   /* the oldest counted failure is at T0 */
            {10 * MINUTE, 1, 5 * 60},   /* still counted until T0 + 15 min */
            {15 * MINUTE - 1500, 1, 2}, /* rounded up to whole seconds */
            {15 * MINUTE - 1, 1, 1},    /* never less than one second */
            {15 * MINUTE, 0, -1},       /* T0's failure has left the window */
        };
        for (size_t i = 0; i < sizeof(timeline) / sizeof(timeline[0]); i++) {
                set_now(T0 + timeline[i].at);
                int rc = check(f, "jongno", "hong", "203.0.113.7", &retry);
                if (rc != timeline[i].want || (rc == 1 && retry != timeline[i].retry))
                        fail_msg("at T0+%" PRId64 " ms: %d retry %" PRId64
                                 ", want %d retry %" PRId64,
                                 timeline[i].at, rc, retry, timeline[i].want, timeline[i].retry);
        }
        /* One more failure at T0+15min makes five inside the window again; the oldest of
         * them (T0+1min) leaves it one minute later. */
        fail_n(f, "jongno", "hong", "203.0.113.7", 1);
        assert_int_equal(check(f, "jongno", "hong", "203.0.113.7", &retry), 1);
        assert_int_equal(retry, 60);
}

static void test_throttle_purge(void **state)
{
        struct fx *f = *state;
        fail_n(f, "jongno", "hong", "203.0.113.7", 3);
        set_now(T0 + HOUR);
        fail_n(f, "jongno", "hong", "203.0.113.7", 2);
        assert_int_equal(throttle_purge(f->db, T0), 0);
        assert_int_equal(throttle_purge(f->db, T0 + 1), 3);
        assert_int_equal(count(f->db, "SELECT count(*) FROM login_attempts"), 2);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        const struct CMUnitTest tests[] = {
            T(test_keys_create_writes_0600_hex_file),
            T(test_keys_create_twice_fails),
            T(test_keys_create_refuses_existing_garbage),
            T(test_keys_load_rejects_garbage),
            T(test_keys_load_accepts_known_key),
            T(test_tokens_are_43_url_safe_and_unique),
            T(test_token_hash_is_hex_and_deterministic),
            T(test_password_hash_and_verify),
            T(test_tenant_add_find_get),
            T(test_tenant_unknown),
            T(test_tenant_add_validation),
            T(test_tenant_add_duplicate),
            T(test_dept_create_and_get),
            T(test_dept_tree_three_levels),
            T(test_dept_create_validation),
            T(test_dept_code_unique_per_tenant),
            T(test_dept_update_changes_only_given_fields),
            T(test_dept_update_code_phone_active),
            T(test_dept_update_code_conflict),
            T(test_dept_parent_cycles_refused),
            T(test_dept_move_between_parents),
            T(test_dept_delete_unused),
            T(test_dept_delete_in_use_refused),
            T(test_dept_unknown_id),
            T(test_dept_list_pages),
            T(test_dept_changes_are_audited),
            T(test_dept_refused_change_not_audited),
            T(test_user_create_agent),
            T(test_user_password_stored_as_argon2id),
            T(test_user_roles_and_departments),
            T(test_user_create_validation),
            T(test_user_create_missing_role),
            T(test_user_create_unknown_role_value),
            T(test_user_username_unique_per_tenant),
            T(test_user_update_fields),
            T(test_user_update_role_needs_department),
            T(test_user_update_username_conflict),
            T(test_user_cannot_change_own_role_or_deactivate),
            T(test_user_password_change_signs_out),
            T(test_user_deactivate_blocks_login_and_sessions),
            T(test_user_authenticate),
            T(test_user_list_filters_by_department),
            T(test_isolation_departments),
            T(test_isolation_users),
            T(test_isolation_lists),
            T(test_isolation_cross_tenant_references),
            T(test_isolation_sessions),
            T(test_session_create_and_resolve),
            T(test_session_stores_only_token_hash),
            T(test_session_unknown_tokens),
            T(test_session_idle_expiry),
            T(test_session_idle_boundary),
            T(test_session_absolute_expiry),
            T(test_session_end),
            T(test_session_end_user),
            T(test_session_inactive_user_not_resolved),
            T(test_session_purge),
            T(test_apikey_create_and_resolve),
            T(test_apikey_stores_hash_and_prefix),
            T(test_apikey_unknown_keys),
            T(test_apikey_revoked),
            T(test_apikey_create_validation),
            T(test_throttle_after_max_failures),
            T(test_throttle_successes_do_not_count),
            T(test_throttle_other_user_other_address_independent),
            T(test_throttle_per_address_across_usernames),
            T(test_throttle_per_user_across_addresses),
            T(test_throttle_failures_age_out),
            T(test_throttle_purge),
        };
#undef T
        return cmocka_run_group_tests(tests, group_setup, tl_group_teardown);
}
