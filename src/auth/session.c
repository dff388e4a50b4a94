#include "auth/session.h"

#include "base/time.h"

#include <stdio.h>
#include <string.h>

/* last_seen_at is written at most this often, so reads do not all become writes. */
#define SESSION_TOUCH_MS 15000

int session_create(struct store_db *db, const struct user *u, const char *client_addr,
                   int64_t absolute_ms, struct session_tokens *out)
{
        char hash[SEC_HASH_HEX];
        sec_token(out->token, sizeof(out->token));
        sec_token(out->csrf, sizeof(out->csrf));
        sec_token_hash(out->token, hash);
        int64_t now = time_now_ms();
        out->expires_at = now + absolute_ms;

        struct store_stmt *st = store_prepare(
            db, "INSERT INTO sessions (tenant_id, user_id, token_hash, csrf_token, client_addr,"
                " created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING id");
        if (!st)
                return -1;
        store_bind_int(st, 1, u->tenant_id);
        store_bind_int(st, 2, u->id);
        store_bind_text(st, 3, hash);
        store_bind_text(st, 4, out->csrf);
        store_bind_text(st, 5, client_addr);
        store_bind_int(st, 6, now);
        store_bind_int(st, 7, now);
        store_bind_int(st, 8, out->expires_at);
        int rc = store_step(st);
        out->id = rc == STORE_ROW ? store_col_int(st, 0) : 0;
        store_done(st);
        return rc == STORE_ROW ? 0 : -1;
}

static int session_touch(struct store_db *db, int64_t id, int64_t now)
{
        struct store_stmt *st =
            store_prepare(db, "UPDATE sessions SET last_seen_at = ? WHERE id = ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, now);
        store_bind_int(st, 2, id);
        int rc = store_step(st);
        store_done(st);
        return rc == STORE_DONE ? 0 : -1;
}

int session_resolve(struct store_db *db, const char *token, int64_t idle_ms, struct actor *who,
                    char *csrf)
{
        char hash[SEC_HASH_HEX];
        if (strlen(token) != SEC_TOKEN_CHARS)
                return PCRM_ENOTFOUND;
        sec_token_hash(token, hash);
        struct store_stmt *st = store_prepare(
            db, "SELECT s.id, s.csrf_token, s.last_seen_at, s.expires_at, s.ended_at,"
                " u.id, u.username, u.role, u.dept_id, u.active, t.id, t.code"
                " FROM sessions s JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id"
                " JOIN tenants t ON t.id = s.tenant_id WHERE s.token_hash = ?");
        if (!st)
                return PCRM_EINTERNAL;
        store_bind_text(st, 1, hash);
        int rc = store_step(st);
        if (rc != STORE_ROW) {
                store_done(st);
                return rc == STORE_DONE ? PCRM_ENOTFOUND : PCRM_EINTERNAL;
        }
        int64_t now = time_now_ms();
        int64_t id = store_col_int(st, 0);
        int64_t last_seen = store_col_int(st, 2);
        int live = store_col_is_null(st, 4) && now < store_col_int(st, 3) &&
                   now - last_seen < idle_ms && store_col_int(st, 9) != 0;
        if (live) {
                memset(who, 0, sizeof(*who));
                who->kind = ACTOR_USER;
                who->session_id = id;
                store_col_copy(st, 1, csrf, SEC_TOKEN_CHARS + 1);
                who->id = store_col_int(st, 5);
                store_col_copy(st, 6, who->name, sizeof(who->name));
                who->role = role_parse(store_col_text(st, 7));
                who->dept_id = store_col_int(st, 8);
                who->tenant_id = store_col_int(st, 10);
                store_col_copy(st, 11, who->tenant_code, sizeof(who->tenant_code));
        }
        store_done(st);
        if (!live)
                return PCRM_ENOTFOUND;
        /* Touch often enough that the idle limit is measured from real activity. */
        int64_t touch_ms = idle_ms / 4 < SESSION_TOUCH_MS ? idle_ms / 4 : SESSION_TOUCH_MS;
        if (now - last_seen > touch_ms && session_touch(db, id, now) < 0)
                return PCRM_EINTERNAL;
        return PCRM_OK;
}

int session_end(struct store_db *db, int64_t tenant_id, int64_t session_id)
{
        struct store_stmt *st =
            store_prepare(db, "UPDATE sessions SET ended_at = ? WHERE tenant_id = ? AND id = ?"
                              " AND ended_at IS NULL");
        if (!st)
                return -1;
        store_bind_int(st, 1, time_now_ms());
        store_bind_int(st, 2, tenant_id);
        store_bind_int(st, 3, session_id);
        int rc = store_step(st);
        store_done(st);
        return rc == STORE_DONE ? 0 : -1;
}

int session_end_user(struct store_db *db, int64_t tenant_id, int64_t user_id)
{
        struct store_stmt *st =
            store_prepare(db, "UPDATE sessions SET ended_at = ? WHERE tenant_id = ? AND user_id = ?"
                              " AND ended_at IS NULL");
        if (!st)
                return -1;
        store_bind_int(st, 1, time_now_ms());
        store_bind_int(st, 2, tenant_id);
        store_bind_int(st, 3, user_id);
        int rc = store_step(st);
        store_done(st);
        return rc == STORE_DONE ? 0 : -1;
}

int64_t session_purge(struct store_db *db, int64_t cutoff)
{
        struct store_stmt *st =
            store_prepare(db, "DELETE FROM sessions WHERE expires_at < ? OR ended_at < ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, cutoff);
        store_bind_int(st, 2, cutoff);
        int rc = store_step(st);
        store_done(st);
        return rc == STORE_DONE ? store_changes(db) : -1;
}
