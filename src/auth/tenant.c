#include "auth/tenant.h"

#include "auth/audit.h"
#include "base/time.h"
#include "base/validate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int tenant_read(struct store_stmt *st, struct tenant *out)
{
        int rc = store_step(st);
        if (rc == STORE_ROW) {
                out->id = store_col_int(st, 0);
                store_col_copy(st, 1, out->code, sizeof(out->code));
                store_col_copy(st, 2, out->name, sizeof(out->name));
                out->created_at = store_col_int(st, 3);
        }
        store_done(st);
        return rc == STORE_ROW ? PCRM_OK : rc == STORE_DONE ? PCRM_ENOTFOUND : PCRM_EINTERNAL;
}

int tenant_find(struct store_db *db, const char *code, struct tenant *out)
{
        struct store_stmt *st =
            store_prepare(db, "SELECT id, code, name, created_at FROM tenants WHERE code = ?");
        if (!st)
                return PCRM_EINTERNAL;
        store_bind_text(st, 1, code);
        return tenant_read(st, out);
}

int tenant_get(struct store_db *db, int64_t id, struct tenant *out)
{
        struct store_stmt *st =
            store_prepare(db, "SELECT id, code, name, created_at FROM tenants WHERE id = ?");
        if (!st)
                return PCRM_EINTERNAL;
        store_bind_int(st, 1, id);
        return tenant_read(st, out);
}

int tenant_add(struct store_db *db, const struct actor *who, const char *code, const char *name,
               struct tenant *out, struct pcrm_error *e)
{
        int rc;
        if ((rc = validate_code("code", code, 2, TENANT_CODE_MAX, e)) ||
            (rc = validate_text("name", name, 1, TENANT_NAME_MAX, e)))
                return rc;
        if (store_begin(db) < 0)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO tenants (code, name, created_at) VALUES (?, ?, ?) RETURNING id");
        if (!st)
                goto fail;
        int64_t now = time_now_ms();
        store_bind_text(st, 1, code);
        store_bind_text(st, 2, name);
        store_bind_int(st, 3, now);
        int step = store_step(st);
        int64_t id = step == STORE_ROW ? store_col_int(st, 0) : 0;
        store_done(st);
        if (step == STORE_CONSTRAINT) {
                store_rollback(db);
                return err_set(e, PCRM_ECONFLICT, "code", "이미 있는 기관 코드입니다: %s", code);
        }
        if (step != STORE_ROW)
                goto fail;
        char idtext[24];
        snprintf(idtext, sizeof(idtext), "%" PRId64, id);
        struct audit_event ev = {
            .action = "tenant.create", .target_type = "tenant", .target_id = idtext};
        struct actor scoped = *who;
        scoped.tenant_id = id;
        if (audit_append(db, &scoped, &ev) < 0 || store_commit(db) < 0)
                goto fail;
        out->id = id;
        snprintf(out->code, sizeof(out->code), "%s", code);
        snprintf(out->name, sizeof(out->name), "%s", name);
        out->created_at = now;
        return PCRM_OK;
fail:
        store_rollback(db);
        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
}
