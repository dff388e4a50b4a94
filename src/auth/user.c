#include "auth/user.h"

#include "auth/audit.h"
#include "auth/department.h"
#include "auth/secret.h"
#include "auth/session.h"
#include "base/time.h"
#include "base/validate.h"

#include <inttypes.h>
#include <pthread.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USER_COLUMNS                                                                               \
        "id, tenant_id, dept_id, username, display_name, role, email, phone, active,"              \
        " created_at, updated_at"

static void user_from_row(struct store_stmt *st, struct user *u)
{
        u->id = store_col_int(st, 0);
        u->tenant_id = store_col_int(st, 1);
        u->dept_id = store_col_int(st, 2);
        store_col_copy(st, 3, u->username, sizeof(u->username));
        store_col_copy(st, 4, u->display_name, sizeof(u->display_name));
        u->role = role_parse(store_col_text(st, 5));
        store_col_copy(st, 6, u->email, sizeof(u->email));
        store_col_copy(st, 7, u->phone, sizeof(u->phone));
        u->active = store_col_int(st, 8) != 0;
        u->created_at = store_col_int(st, 9);
        u->updated_at = store_col_int(st, 10);
}

static int db_error(struct store_db *db, struct pcrm_error *e)
{
        store_rollback(db);
        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
}

static int user_load(struct store_db *db, int64_t tenant_id, int64_t id, struct user *out)
{
        struct store_stmt *st =
            store_prepare(db, "SELECT " USER_COLUMNS " FROM users WHERE tenant_id = ? AND id = ?");
        if (!st)
                return PCRM_EINTERNAL;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, id);
        int rc = store_step(st);
        if (rc == STORE_ROW)
                user_from_row(st, out);
        store_done(st);
        return rc == STORE_ROW ? PCRM_OK : rc == STORE_DONE ? PCRM_ENOTFOUND : PCRM_EINTERNAL;
}

int user_get(struct store_db *db, const struct actor *who, int64_t id, struct user *out,
             struct pcrm_error *e)
{
        int rc = user_load(db, who->tenant_id, id, out);
        if (rc == PCRM_ENOTFOUND)
                return err_set(e, rc, "id", "사용자를 찾을 수 없습니다");
        if (rc)
                return err_set(e, rc, "", "데이터베이스 오류");
        return PCRM_OK;
}

static int validate_email(const char *email, struct pcrm_error *e)
{
        if (!*email)
                return PCRM_OK;
        const char *at = strchr(email, '@');
        if (strlen(email) > USER_EMAIL_MAX || !at || at == email || strchr(at + 1, '@') ||
            !strchr(at + 1, '.') || strchr(email, ' '))
                return err_set(e, PCRM_EINVALID, "email", "전자우편 주소가 올바르지 않습니다");
        return validate_text("email", email, 0, USER_EMAIL_MAX, e);
}

static int user_validate(const struct user_input *in, bool creating, struct pcrm_error *e)
{
        int rc;
        if ((creating || in->username) &&
            (rc = validate_code("username", in->username, 3, USER_NAME_MAX, e)))
                return rc;
        if ((creating || in->display_name) &&
            (rc = validate_text("display_name", in->display_name, 1, USER_DISPLAY_MAX, e)))
                return rc;
        if ((creating && in->role == ROLE_NONE) || (in->role != ROLE_NONE && !role_name(in->role)))
                return err_set(e, PCRM_EINVALID, "role",
                               "역할은 agent, officer, dept_head, cs_manager, privacy_officer,"
                               " admin 중 하나여야 합니다");
        if ((creating || in->password) &&
            (rc = validate_text("password", in->password, USER_PASSWORD_MIN, USER_PASSWORD_MAX, e)))
                return rc;
        if (in->email && (rc = validate_email(in->email, e)))
                return rc;
        if (in->phone && (rc = validate_text("phone", in->phone, 0, USER_PHONE_MAX, e)))
                return rc;
        return PCRM_OK;
}

/* Officers and department heads work for a department that exists in the tenant. */
static int user_check_dept(struct store_db *db, int64_t tenant_id, enum role role, int64_t dept_id,
                           struct pcrm_error *e)
{
        if (!dept_id) {
                if (role == ROLE_OFFICER || role == ROLE_DEPT_HEAD)
                        return err_set(e, PCRM_EINVALID, "dept",
                                       "민원담당과 부서장은 소속 부서가 있어야 합니다");
                return PCRM_OK;
        }
        struct department d;
        struct actor scope = {.tenant_id = tenant_id};
        if (dept_get(db, &scope, dept_id, &d, NULL) != PCRM_OK)
                return err_set(e, PCRM_EINVALID, "dept", "소속 부서가 없습니다");
        return PCRM_OK;
}

static int user_audit(struct store_db *db, const struct actor *who, const char *action,
                      const struct user *u, const char *what)
{
        char idtext[24];
        snprintf(idtext, sizeof(idtext), "%" PRId64, u->id);
        json_t *detail = json_pack("{s:s, s:s, s:b}", "username", u->username, "role",
                                   role_name(u->role), "active", u->active);
        if (detail && what)
                json_object_set_new(detail, "changed", json_string(what));
        char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
        struct audit_event ev = {
            .action = action, .target_type = "user", .target_id = idtext, .detail = text};
        int rc = audit_append(db, who, &ev);
        free(text);
        json_decref(detail);
        return rc;
}

int user_create(struct store_db *db, const struct actor *who, const struct user_input *in,
                struct user *out, struct pcrm_error *e)
{
        char hash[SEC_PWHASH_MAX];
        int rc = user_validate(in, true, e);
        if (rc)
                return rc;
        /* Hash before taking the write lock: argon2id is deliberately slow. */
        if (sec_password_hash(in->password, hash) < 0)
                return err_set(e, PCRM_EINTERNAL, "", "비밀번호를 처리하지 못했습니다");
        if (store_begin(db) < 0)
                return db_error(db, e);
        int64_t dept = in->dept_set ? in->dept_id : 0;
        if ((rc = user_check_dept(db, who->tenant_id, in->role, dept, e))) {
                store_rollback(db);
                return rc;
        }
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO users (tenant_id, username, display_name, role, dept_id, email,"
                " phone, password_hash, active, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
        if (!st)
                return db_error(db, e);
        int64_t now = time_now_ms();
        store_bind_int(st, 1, who->tenant_id);
        store_bind_text(st, 2, in->username);
        store_bind_text(st, 3, in->display_name);
        store_bind_text(st, 4, role_name(in->role));
        if (dept)
                store_bind_int(st, 5, dept);
        store_bind_text(st, 6, in->email && *in->email ? in->email : NULL);
        store_bind_text(st, 7, in->phone && *in->phone ? in->phone : NULL);
        store_bind_text(st, 8, hash);
        store_bind_int(st, 9, in->active == 0 ? 0 : 1);
        store_bind_int(st, 10, now);
        store_bind_int(st, 11, now);
        int step = store_step(st);
        int64_t id = step == STORE_ROW ? store_col_int(st, 0) : 0;
        store_done(st);
        if (step == STORE_CONSTRAINT) {
                store_rollback(db);
                return err_set(e, PCRM_ECONFLICT, "username", "이미 있는 사용자 이름입니다: %s",
                               in->username);
        }
        if (step != STORE_ROW || user_load(db, who->tenant_id, id, out) != PCRM_OK ||
            user_audit(db, who, "user.create", out, NULL) < 0 || store_commit(db) < 0)
                return db_error(db, e);
        return PCRM_OK;
}

int user_update(struct store_db *db, const struct actor *who, int64_t id,
                const struct user_input *in, struct user *out, struct pcrm_error *e)
{
        char hash[SEC_PWHASH_MAX] = "";
        struct user cur;
        int rc = user_validate(in, false, e);
        if (rc)
                return rc;
        if (in->password && sec_password_hash(in->password, hash) < 0)
                return err_set(e, PCRM_EINTERNAL, "", "비밀번호를 처리하지 못했습니다");
        if (store_begin(db) < 0)
                return db_error(db, e);
        rc = user_load(db, who->tenant_id, id, &cur);
        if (rc) {
                store_rollback(db);
                return rc == PCRM_ENOTFOUND ? err_set(e, rc, "id", "사용자를 찾을 수 없습니다")
                                            : err_set(e, rc, "", "데이터베이스 오류");
        }
        enum role role = in->role != ROLE_NONE ? in->role : cur.role;
        int64_t dept = in->dept_set ? in->dept_id : cur.dept_id;
        int active = in->active >= 0 ? in->active : cur.active;
        if ((rc = user_check_dept(db, who->tenant_id, role, dept, e))) {
                store_rollback(db);
                return rc;
        }
        if (who->kind == ACTOR_USER && who->id == id && (!active || role != cur.role)) {
                store_rollback(db);
                return err_set(e, PCRM_ERULE, active ? "role" : "active",
                               "자기 계정의 역할을 바꾸거나 비활성화할 수 없습니다");
        }
        struct store_stmt *st = store_prepare(
            db, "UPDATE users SET username = ?, display_name = ?, role = ?, dept_id = ?,"
                " email = ?, phone = ?, active = ?, updated_at = ?,"
                " password_hash = COALESCE(?, password_hash)"
                " WHERE tenant_id = ? AND id = ?");
        if (!st)
                return db_error(db, e);
        const char *email = in->email ? in->email : cur.email;
        const char *phone = in->phone ? in->phone : cur.phone;
        store_bind_text(st, 1, in->username ? in->username : cur.username);
        store_bind_text(st, 2, in->display_name ? in->display_name : cur.display_name);
        store_bind_text(st, 3, role_name(role));
        if (dept)
                store_bind_int(st, 4, dept);
        store_bind_text(st, 5, *email ? email : NULL);
        store_bind_text(st, 6, *phone ? phone : NULL);
        store_bind_int(st, 7, active);
        store_bind_int(st, 8, time_now_ms());
        store_bind_text(st, 9, *hash ? hash : NULL);
        store_bind_int(st, 10, who->tenant_id);
        store_bind_int(st, 11, id);
        int step = store_step(st);
        store_done(st);
        if (step == STORE_CONSTRAINT) {
                store_rollback(db);
                return err_set(e, PCRM_ECONFLICT, "username", "이미 있는 사용자 이름입니다");
        }
        if (step != STORE_DONE)
                return db_error(db, e);
        /* A password change or deactivation signs the user out everywhere. */
        if ((*hash || !active) && session_end_user(db, who->tenant_id, id) < 0)
                return db_error(db, e);
        const char *what = *hash ? "password" : (!active && cur.active) ? "deactivated" : NULL;
        if (user_load(db, who->tenant_id, id, out) != PCRM_OK ||
            user_audit(db, who, "user.update", out, what) < 0 || store_commit(db) < 0)
                return db_error(db, e);
        return PCRM_OK;
}

int user_list(struct store_db *db, const struct actor *who, int64_t dept_id, int64_t after_id,
              size_t limit, struct user **items, size_t *n, bool *more, struct pcrm_error *e)
{
        *items = NULL;
        *n = 0;
        *more = false;
        struct user *arr = calloc(limit + 1, sizeof(*arr));
        if (!arr)
                return err_set(e, PCRM_EINTERNAL, "", "메모리 부족");
        struct store_stmt *st =
            store_prepare(db, "SELECT " USER_COLUMNS " FROM users WHERE tenant_id = ? AND id > ?"
                              " AND (? = 0 OR dept_id = ?) ORDER BY id LIMIT ?");
        if (!st) {
                free(arr);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        store_bind_int(st, 1, who->tenant_id);
        store_bind_int(st, 2, after_id);
        store_bind_int(st, 3, dept_id);
        store_bind_int(st, 4, dept_id);
        store_bind_int(st, 5, (int64_t)limit + 1);
        size_t count = 0;
        int rc;
        while ((rc = store_step(st)) == STORE_ROW && count <= limit)
                user_from_row(st, &arr[count++]);
        store_done(st);
        if (rc < 0) {
                free(arr);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        *more = count > limit;
        *n = count > limit ? limit : count;
        *items = arr;
        return PCRM_OK;
}

/* A hash of a random password, verified when the user does not exist, so that a wrong
 * username costs as much time as a wrong password. */
static char dummy_hash[SEC_PWHASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_hash_make(void)
{
        sec_password_hash("not-a-real-password-0000", dummy_hash);
}

int user_authenticate(struct store_db *db, int64_t tenant_id, const char *username,
                      const char *password, struct user *out)
{
        char hash[SEC_PWHASH_MAX] = "";
        struct store_stmt *st =
            store_prepare(db, "SELECT " USER_COLUMNS ", password_hash"
                              " FROM users WHERE tenant_id = ? AND username = ?");
        if (!st)
                return PCRM_EINTERNAL;
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, username);
        int rc = store_step(st);
        if (rc == STORE_ROW) {
                user_from_row(st, out);
                store_col_copy(st, 11, hash, sizeof(hash));
        }
        store_done(st);
        if (rc < 0)
                return PCRM_EINTERNAL;
        if (rc != STORE_ROW) {
                pthread_once(&dummy_once, dummy_hash_make);
                sec_password_verify(dummy_hash, password);
                return PCRM_EINVALID;
        }
        if (!sec_password_verify(hash, password) || !out->active)
                return PCRM_EINVALID;
        return PCRM_OK;
}
