#include "auth/department.h"

#include "auth/audit.h"
#include "base/time.h"
#include "base/validate.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEPT_COLUMNS "id, tenant_id, parent_id, code, name, phone, active, created_at, updated_at"

static void dept_from_row(struct store_stmt *st, struct department *d)
{
        d->id = store_col_int(st, 0);
        d->tenant_id = store_col_int(st, 1);
        d->parent_id = store_col_int(st, 2);
        store_col_copy(st, 3, d->code, sizeof(d->code));
        store_col_copy(st, 4, d->name, sizeof(d->name));
        store_col_copy(st, 5, d->phone, sizeof(d->phone));
        d->active = store_col_int(st, 6) != 0;
        d->created_at = store_col_int(st, 7);
        d->updated_at = store_col_int(st, 8);
}

static int db_error(struct store_db *db, struct pcrm_error *e)
{
        store_rollback(db);
        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
}

static int dept_load(struct store_db *db, int64_t tenant_id, int64_t id, struct department *out)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT " DEPT_COLUMNS " FROM departments WHERE tenant_id = ? AND id = ?");
        if (!st)
                return PCRM_EINTERNAL;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, id);
        int rc = store_step(st);
        if (rc == STORE_ROW)
                dept_from_row(st, out);
        store_done(st);
        return rc == STORE_ROW ? PCRM_OK : rc == STORE_DONE ? PCRM_ENOTFOUND : PCRM_EINTERNAL;
}

int dept_get(struct store_db *db, const struct actor *who, int64_t id, struct department *out,
             struct pcrm_error *e)
{
        int rc = dept_load(db, who->tenant_id, id, out);
        if (rc == PCRM_ENOTFOUND)
                return err_set(e, rc, "id", "부서를 찾을 수 없습니다");
        if (rc)
                return err_set(e, rc, "", "데이터베이스 오류");
        return PCRM_OK;
}

int dept_find_code(struct store_db *db, int64_t tenant_id, const char *code, struct department *out)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT " DEPT_COLUMNS " FROM departments WHERE tenant_id = ? AND code = ?");
        if (!st)
                return PCRM_EINTERNAL;
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, code);
        int rc = store_step(st);
        if (rc == STORE_ROW)
                dept_from_row(st, out);
        store_done(st);
        return rc == STORE_ROW ? PCRM_OK : rc == STORE_DONE ? PCRM_ENOTFOUND : PCRM_EINTERNAL;
}

static int dept_validate(const struct department_input *in, bool creating, struct pcrm_error *e)
{
        int rc;
        if ((creating || in->code) && (rc = validate_code("code", in->code, 1, DEPT_CODE_MAX, e)))
                return rc;
        if ((creating || in->name) && (rc = validate_text("name", in->name, 1, DEPT_NAME_MAX, e)))
                return rc;
        if (in->phone && (rc = validate_text("phone", in->phone, 0, DEPT_PHONE_MAX, e)))
                return rc;
        if (in->parent_set && in->parent_id < 0)
                return err_set(e, PCRM_EINVALID, "parent_id", "상위 부서 번호가 올바르지 않습니다");
        return PCRM_OK;
}

/* The parent must exist in the tenant and must not be the department or below it. */
static int dept_check_parent(struct store_db *db, int64_t tenant_id, int64_t self_id,
                             int64_t parent_id, struct pcrm_error *e)
{
        struct department p;
        int64_t cur = parent_id;
        for (int depth = 0; cur; depth++) {
                if (cur == self_id || depth > 64)
                        return err_set(e, PCRM_ERULE, "parent_id",
                                       "부서를 자기 자신이나 하위 부서 아래에 둘 수 없습니다");
                int rc = dept_load(db, tenant_id, cur, &p);
                if (rc == PCRM_ENOTFOUND)
                        return err_set(e, PCRM_EINVALID, "parent_id", "상위 부서가 없습니다");
                if (rc)
                        return err_set(e, rc, "", "데이터베이스 오류");
                cur = p.parent_id;
        }
        return PCRM_OK;
}

static int dept_audit(struct store_db *db, const struct actor *who, const char *action,
                      const struct department *d)
{
        char idtext[24];
        snprintf(idtext, sizeof(idtext), "%" PRId64, d->id);
        json_t *detail = json_pack("{s:s, s:s}", "code", d->code, "name", d->name);
        char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
        struct audit_event ev = {
            .action = action, .target_type = "department", .target_id = idtext, .detail = text};
        int rc = audit_append(db, who, &ev);
        free(text);
        json_decref(detail);
        return rc;
}

int dept_create(struct store_db *db, const struct actor *who, const struct department_input *in,
                struct department *out, struct pcrm_error *e)
{
        int rc = dept_validate(in, true, e);
        if (rc)
                return rc;
        if (store_begin(db) < 0)
                return db_error(db, e);
        if (in->parent_set && in->parent_id &&
            (rc = dept_check_parent(db, who->tenant_id, 0, in->parent_id, e))) {
                store_rollback(db);
                return rc;
        }
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO departments (tenant_id, code, name, parent_id, phone, active,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
        if (!st)
                return db_error(db, e);
        int64_t now = time_now_ms();
        store_bind_int(st, 1, who->tenant_id);
        store_bind_text(st, 2, in->code);
        store_bind_text(st, 3, in->name);
        if (in->parent_set && in->parent_id)
                store_bind_int(st, 4, in->parent_id);
        store_bind_text(st, 5, in->phone && *in->phone ? in->phone : NULL);
        store_bind_int(st, 6, in->active == 0 ? 0 : 1);
        store_bind_int(st, 7, now);
        store_bind_int(st, 8, now);
        int step = store_step(st);
        int64_t id = step == STORE_ROW ? store_col_int(st, 0) : 0;
        store_done(st);
        if (step == STORE_CONSTRAINT) {
                store_rollback(db);
                return err_set(e, PCRM_ECONFLICT, "code", "이미 있는 부서 코드입니다: %s",
                               in->code);
        }
        if (step != STORE_ROW || dept_load(db, who->tenant_id, id, out) != PCRM_OK ||
            dept_audit(db, who, "department.create", out) < 0 || store_commit(db) < 0)
                return db_error(db, e);
        return PCRM_OK;
}

int dept_update(struct store_db *db, const struct actor *who, int64_t id,
                const struct department_input *in, struct department *out, struct pcrm_error *e)
{
        struct department cur;
        int rc = dept_validate(in, false, e);
        if (rc)
                return rc;
        if (store_begin(db) < 0)
                return db_error(db, e);
        rc = dept_load(db, who->tenant_id, id, &cur);
        if (rc) {
                store_rollback(db);
                return rc == PCRM_ENOTFOUND ? err_set(e, rc, "id", "부서를 찾을 수 없습니다")
                                            : err_set(e, rc, "", "데이터베이스 오류");
        }
        if (in->parent_set && in->parent_id &&
            (rc = dept_check_parent(db, who->tenant_id, id, in->parent_id, e))) {
                store_rollback(db);
                return rc;
        }
        struct store_stmt *st =
            store_prepare(db, "UPDATE departments SET code = ?, name = ?, parent_id = ?, phone = ?,"
                              " active = ?, updated_at = ? WHERE tenant_id = ? AND id = ?");
        if (!st)
                return db_error(db, e);
        int64_t parent = in->parent_set ? in->parent_id : cur.parent_id;
        const char *phone = in->phone ? in->phone : cur.phone;
        store_bind_text(st, 1, in->code ? in->code : cur.code);
        store_bind_text(st, 2, in->name ? in->name : cur.name);
        if (parent)
                store_bind_int(st, 3, parent);
        store_bind_text(st, 4, *phone ? phone : NULL);
        store_bind_int(st, 5, in->active >= 0 ? in->active : cur.active);
        store_bind_int(st, 6, time_now_ms());
        store_bind_int(st, 7, who->tenant_id);
        store_bind_int(st, 8, id);
        int step = store_step(st);
        store_done(st);
        if (step == STORE_CONSTRAINT) {
                store_rollback(db);
                return err_set(e, PCRM_ECONFLICT, "code", "이미 있는 부서 코드입니다: %s",
                               in->code);
        }
        if (step != STORE_DONE || dept_load(db, who->tenant_id, id, out) != PCRM_OK ||
            dept_audit(db, who, "department.update", out) < 0 || store_commit(db) < 0)
                return db_error(db, e);
        return PCRM_OK;
}

int dept_delete(struct store_db *db, const struct actor *who, int64_t id, struct pcrm_error *e)
{
        struct department cur;
        if (store_begin(db) < 0)
                return db_error(db, e);
        int rc = dept_load(db, who->tenant_id, id, &cur);
        if (rc) {
                store_rollback(db);
                return rc == PCRM_ENOTFOUND ? err_set(e, rc, "id", "부서를 찾을 수 없습니다")
                                            : err_set(e, rc, "", "데이터베이스 오류");
        }
        struct store_stmt *st =
            store_prepare(db, "DELETE FROM departments WHERE tenant_id = ? AND id = ?");
        if (!st)
                return db_error(db, e);
        store_bind_int(st, 1, who->tenant_id);
        store_bind_int(st, 2, id);
        int step = store_step(st);
        store_done(st);
        if (step == STORE_CONSTRAINT) {
                store_rollback(db);
                return err_set(e, PCRM_ECONFLICT, "id",
                               "직원이나 하위 부서가 있는 부서는 삭제할 수 없습니다."
                               " 비활성화하세요");
        }
        if (step != STORE_DONE || dept_audit(db, who, "department.delete", &cur) < 0 ||
            store_commit(db) < 0)
                return db_error(db, e);
        return PCRM_OK;
}

int dept_list(struct store_db *db, const struct actor *who, int64_t after_id, size_t limit,
              struct department **items, size_t *n, bool *more, struct pcrm_error *e)
{
        *items = NULL;
        *n = 0;
        *more = false;
        struct department *arr = calloc(limit + 1, sizeof(*arr));
        if (!arr)
                return err_set(e, PCRM_EINTERNAL, "", "메모리 부족");
        struct store_stmt *st = store_prepare(db, "SELECT " DEPT_COLUMNS " FROM departments"
                                                  " WHERE tenant_id = ? AND id > ?"
                                                  " ORDER BY id LIMIT ?");
        if (!st) {
                free(arr);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        store_bind_int(st, 1, who->tenant_id);
        store_bind_int(st, 2, after_id);
        store_bind_int(st, 3, (int64_t)limit + 1);
        size_t count = 0;
        int rc;
        while ((rc = store_step(st)) == STORE_ROW && count <= limit)
                dept_from_row(st, &arr[count++]);
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
