#include "auth/apikey.h"

#include "auth/audit.h"
#include "base/time.h"
#include "base/validate.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int apikey_create(struct store_db *db, const struct actor *who, const char *name, enum role role,
                  char *key_out, size_t key_len, int64_t *id_out, struct pcrm_error *e)
{
        char token[SEC_TOKEN_CHARS + 1], hash[SEC_HASH_HEX], prefix[16];
        int rc = validate_text("name", name, 1, APIKEY_NAME_MAX, e);
        if (rc)
                return rc;
        if (!role_name(role))
                return err_set(e, PCRM_EINVALID, "role", "역할이 올바르지 않습니다");
        if (key_len < APIKEY_CHARS + 1)
                return err_set(e, PCRM_EINTERNAL, "", "key buffer too small");
        sec_token(token, sizeof(token));
        snprintf(key_out, key_len, "%s%s", APIKEY_PREFIX, token);
        snprintf(prefix, sizeof(prefix), "%.12s", key_out);
        sec_token_hash(key_out, hash);

        if (store_begin(db) < 0)
                goto fail;
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO api_keys (tenant_id, name, role, key_prefix, key_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
        if (!st)
                goto fail;
        store_bind_int(st, 1, who->tenant_id);
        store_bind_text(st, 2, name);
        store_bind_text(st, 3, role_name(role));
        store_bind_text(st, 4, prefix);
        store_bind_text(st, 5, hash);
        store_bind_int(st, 6, time_now_ms());
        int step = store_step(st);
        int64_t id = step == STORE_ROW ? store_col_int(st, 0) : 0;
        store_done(st);
        if (step != STORE_ROW)
                goto fail;
        char idtext[24];
        snprintf(idtext, sizeof(idtext), "%" PRId64, id);
        json_t *detail =
            json_pack("{s:s, s:s, s:s}", "name", name, "role", role_name(role), "prefix", prefix);
        char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
        struct audit_event ev = {.action = "apikey.create",
                                 .target_type = "apikey",
                                 .target_id = idtext,
                                 .detail = text};
        rc = audit_append(db, who, &ev);
        free(text);
        json_decref(detail);
        if (rc < 0 || store_commit(db) < 0)
                goto fail;
        *id_out = id;
        return PCRM_OK;
fail:
        store_rollback(db);
        memset(key_out, 0, key_len);
        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
}

int apikey_resolve(struct store_db *db, const char *key, struct actor *who)
{
        char hash[SEC_HASH_HEX];
        if (strlen(key) != APIKEY_CHARS || strncmp(key, APIKEY_PREFIX, strlen(APIKEY_PREFIX)))
                return PCRM_ENOTFOUND;
        sec_token_hash(key, hash);
        struct store_stmt *st =
            store_prepare(db, "SELECT k.id, k.name, k.role, t.id, t.code FROM api_keys k"
                              " JOIN tenants t ON t.id = k.tenant_id"
                              " WHERE k.key_hash = ? AND k.revoked_at IS NULL");
        if (!st)
                return PCRM_EINTERNAL;
        store_bind_text(st, 1, hash);
        int rc = store_step(st);
        if (rc == STORE_ROW) {
                memset(who, 0, sizeof(*who));
                who->kind = ACTOR_APIKEY;
                who->id = store_col_int(st, 0);
                store_col_copy(st, 1, who->name, sizeof(who->name));
                who->role = role_parse(store_col_text(st, 2));
                who->tenant_id = store_col_int(st, 3);
                store_col_copy(st, 4, who->tenant_code, sizeof(who->tenant_code));
        }
        store_done(st);
        return rc == STORE_ROW ? PCRM_OK : rc == STORE_DONE ? PCRM_ENOTFOUND : PCRM_EINTERNAL;
}
