#include "auth/audit.h"

#include "auth/secret.h"
#include "base/log.h"
#include "base/time.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

struct audit_row {
        int64_t id, tenant_id, at, actor_id;
        const char *actor_type, *actor_name, *action, *target_type, *target_id, *purpose,
            *request_id, *client_addr, *detail;
};

/* Each field goes in as a tag byte, its length and its bytes, so no two rows hash alike. */
static void hash_text(crypto_generichash_state *h, char tag, const char *s)
{
        unsigned char head[9];
        uint64_t len = s ? strlen(s) : UINT64_MAX; /* NULL differs from "" */
        head[0] = (unsigned char)tag;
        for (int i = 0; i < 8; i++)
                head[1 + i] = (unsigned char)(len >> (8 * i));
        crypto_generichash_update(h, head, sizeof(head));
        if (s)
                crypto_generichash_update(h, (const unsigned char *)s, strlen(s));
}

static void hash_int(crypto_generichash_state *h, char tag, int64_t v)
{
        char text[24];
        snprintf(text, sizeof(text), "%" PRId64, v);
        hash_text(h, tag, text);
}

static int row_hash(const char *prev_hash, const struct audit_row *r, char out[SEC_HASH_HEX])
{
        const struct sec_keys *k = sec_keys();
        if (!k) {
                log_error("audit: keys not loaded");
                return -1;
        }
        crypto_generichash_state h;
        unsigned char digest[32];
        crypto_generichash_init(&h, k->audit, sizeof(k->audit), sizeof(digest));
        hash_text(&h, 'p', prev_hash);
        hash_int(&h, 'i', r->id);
        hash_int(&h, 't', r->tenant_id);
        hash_int(&h, 'a', r->at);
        hash_text(&h, 'K', r->actor_type);
        hash_int(&h, 'I', r->actor_id);
        hash_text(&h, 'N', r->actor_name);
        hash_text(&h, 'A', r->action);
        hash_text(&h, 'T', r->target_type);
        hash_text(&h, 'D', r->target_id);
        hash_text(&h, 'P', r->purpose);
        hash_text(&h, 'R', r->request_id);
        hash_text(&h, 'C', r->client_addr);
        hash_text(&h, 'X', r->detail);
        crypto_generichash_final(&h, digest, sizeof(digest));
        sodium_bin2hex(out, SEC_HASH_HEX, digest, sizeof(digest));
        return 0;
}

/* The head's keyed hash, so the head cannot be rewritten to match a shortened log. */
static int head_mac(int64_t last_id, const char *last_hash, char out[SEC_HASH_HEX])
{
        const struct sec_keys *k = sec_keys();
        if (!k)
                return -1;
        crypto_generichash_state h;
        unsigned char digest[32];
        crypto_generichash_init(&h, k->audit, sizeof(k->audit), sizeof(digest));
        hash_text(&h, 'H', "audit_head");
        hash_int(&h, 'i', last_id);
        hash_text(&h, 'h', last_hash);
        crypto_generichash_final(&h, digest, sizeof(digest));
        sodium_bin2hex(out, SEC_HASH_HEX, digest, sizeof(digest));
        return 0;
}

static const char *nonempty(const char *s)
{
        return (s && *s) ? s : NULL;
}

int audit_append(struct store_db *db, const struct actor *who, const struct audit_event *ev)
{
        char prev[SEC_HASH_HEX] = "", hash[SEC_HASH_HEX];
        struct audit_row r = {
            .tenant_id = who->tenant_id,
            .at = time_now_ms(),
            .actor_id = who->id,
            .actor_type = actor_kind_name(who->kind),
            .actor_name = nonempty(who->name),
            .action = ev->action,
            .target_type = ev->target_type,
            .target_id = ev->target_id,
            .purpose = ev->purpose,
            .request_id = nonempty(who->request_id),
            .client_addr = nonempty(who->client_addr),
            .detail = ev->detail,
        };

        struct store_stmt *st = store_prepare(db, "SELECT last_id, last_hash FROM audit_head");
        if (!st)
                return -1;
        if (store_step(st) != STORE_ROW) {
                store_done(st);
                return -1;
        }
        r.id = store_col_int(st, 0) + 1;
        snprintf(prev, sizeof(prev), "%s", store_col_text(st, 1));
        store_done(st);

        if (row_hash(prev, &r, hash) < 0)
                return -1;

        st = store_prepare(db, "INSERT INTO audit_log (id, tenant_id, at, actor_type, actor_id,"
                               " actor_name, action, target_type, target_id, purpose, request_id,"
                               " client_addr, detail, prev_hash, hash)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!st)
                return -1;
        store_bind_int(st, 1, r.id);
        if (r.tenant_id)
                store_bind_int(st, 2, r.tenant_id);
        store_bind_int(st, 3, r.at);
        store_bind_text(st, 4, r.actor_type);
        store_bind_int(st, 5, r.actor_id);
        store_bind_text(st, 6, r.actor_name);
        store_bind_text(st, 7, r.action);
        store_bind_text(st, 8, r.target_type);
        store_bind_text(st, 9, r.target_id);
        store_bind_text(st, 10, r.purpose);
        store_bind_text(st, 11, r.request_id);
        store_bind_text(st, 12, r.client_addr);
        store_bind_text(st, 13, r.detail);
        store_bind_text(st, 14, prev);
        store_bind_text(st, 15, hash);
        int rc = store_step(st);
        store_done(st);
        if (rc != STORE_DONE)
                return -1;

        char mac[SEC_HASH_HEX];
        if (head_mac(r.id, hash, mac) < 0)
                return -1;
        st = store_prepare(
            db, "UPDATE audit_head SET last_id = ?, last_hash = ?, mac = ? WHERE one = 1");
        if (!st)
                return -1;
        store_bind_int(st, 1, r.id);
        store_bind_text(st, 2, hash);
        store_bind_text(st, 3, mac);
        rc = store_step(st);
        store_done(st);
        return rc == STORE_DONE ? 0 : -1;
}

int audit_record(struct store_db *db, const struct actor *who, const struct audit_event *ev)
{
        if (store_begin(db) < 0)
                return -1;
        if (audit_append(db, who, ev) < 0 || store_commit(db) < 0) {
                store_rollback(db);
                log_error("audit: cannot record %s: %s", ev->action, store_errmsg(db));
                return -1;
        }
        return 0;
}

static int verify_broken(struct audit_verify_result *res, int64_t id, const char *why)
{
        res->bad_id = id;
        snprintf(res->reason, sizeof(res->reason), "%s", why);
        return 1;
}

int audit_verify(struct store_db *db, struct audit_verify_result *res)
{
        char prev[SEC_HASH_HEX] = "", hash[SEC_HASH_HEX];
        int64_t expect_id = 1;
        int result = 0;
        memset(res, 0, sizeof(*res));

        struct store_stmt *st =
            store_prepare(db, "SELECT id, tenant_id, at, actor_type, actor_id, actor_name, action,"
                              " target_type, target_id, purpose, request_id, client_addr, detail,"
                              " prev_hash, hash FROM audit_log ORDER BY id");
        if (!st)
                return -1;
        int rc;
        while ((rc = store_step(st)) == STORE_ROW) {
                struct audit_row r = {
                    .id = store_col_int(st, 0),
                    .tenant_id = store_col_int(st, 1),
                    .at = store_col_int(st, 2),
                    .actor_type = store_col_text(st, 3),
                    .actor_id = store_col_int(st, 4),
                    .actor_name = store_col_text(st, 5),
                    .action = store_col_text(st, 6),
                    .target_type = store_col_text(st, 7),
                    .target_id = store_col_text(st, 8),
                    .purpose = store_col_text(st, 9),
                    .request_id = store_col_text(st, 10),
                    .client_addr = store_col_text(st, 11),
                    .detail = store_col_text(st, 12),
                };
                const char *stored_prev = store_col_text(st, 13);
                const char *stored_hash = store_col_text(st, 14);
                if (r.id != expect_id) {
                        result = verify_broken(res, expect_id, "row missing (deleted)");
                        break;
                }
                if (!stored_prev || strcmp(stored_prev, prev) != 0) {
                        result = verify_broken(res, r.id, "previous-hash link broken");
                        break;
                }
                if (row_hash(prev, &r, hash) < 0) {
                        result = -1;
                        break;
                }
                if (!stored_hash || strcmp(stored_hash, hash) != 0) {
                        result = verify_broken(res, r.id, "content altered (hash mismatch)");
                        break;
                }
                memcpy(prev, hash, sizeof(prev));
                res->rows++;
                expect_id++;
        }
        store_done(st);
        if (rc < 0)
                return -1;
        if (result != 0)
                return result;

        st = store_prepare(db, "SELECT last_id, last_hash, mac FROM audit_head");
        if (!st)
                return -1;
        if (store_step(st) == STORE_ROW) {
                int64_t last_id = store_col_int(st, 0);
                const char *last_hash = store_col_text(st, 1);
                const char *mac = store_col_text(st, 2);
                char want[SEC_HASH_HEX] = "";
                if (last_id > 0 && head_mac(last_id, last_hash ? last_hash : "", want) < 0)
                        result = -1;
                else if (!mac || strcmp(mac, want) != 0)
                        /* Someone rewrote the head without the key, e.g. to hide rows cut
                         * from the end. */
                        result = verify_broken(res, last_id, "audit head forged (key mismatch)");
                else if (last_id != res->rows)
                        result = verify_broken(res, res->rows + 1,
                                               "rows missing from the end of the log");
                else if (!last_hash || strcmp(last_hash, prev) != 0)
                        result = verify_broken(res, last_id, "head hash does not match last row");
        } else {
                result = verify_broken(res, 0, "audit head missing");
        }
        store_done(st);
        return result;
}

int audit_list(struct store_db *db, int64_t tenant_id, const struct audit_filter *f,
               int64_t before_id, size_t limit, audit_visit_fn fn, void *ctx, bool *more)
{
        char prefix[80] = "";
        *more = false;
        if (f->action)
                snprintf(prefix, sizeof(prefix), "%s.", f->action);
        struct store_stmt *st = store_prepare(
            db, "SELECT id, tenant_id, at, actor_type, actor_id, actor_name, action,"
                " target_type, target_id, purpose, request_id, client_addr, detail"
                " FROM audit_log WHERE tenant_id = ? AND id < ?"
                " AND (CAST(? AS TEXT) IS NULL OR action = ? OR substr(action, 1, ?) = ?)"
                " AND (CAST(? AS TEXT) IS NULL OR actor_name = ?)"
                " AND (CAST(? AS TEXT) IS NULL OR target_type = ?)"
                " AND (CAST(? AS TEXT) IS NULL OR target_id = ?)"
                " AND at >= ? AND at < ?"
                " ORDER BY id DESC LIMIT ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, before_id > 0 ? before_id : INT64_MAX);
        store_bind_text(st, 3, f->action);
        store_bind_text(st, 4, f->action);
        store_bind_int(st, 5, (int64_t)strlen(prefix));
        store_bind_text(st, 6, prefix);
        store_bind_text(st, 7, f->actor_name);
        store_bind_text(st, 8, f->actor_name);
        store_bind_text(st, 9, f->target_type);
        store_bind_text(st, 10, f->target_type);
        store_bind_text(st, 11, f->target_id);
        store_bind_text(st, 12, f->target_id);
        store_bind_int(st, 13, f->from_ms);
        store_bind_int(st, 14, f->to_ms ? f->to_ms : INT64_MAX);
        store_bind_int(st, 15, (int64_t)limit + 1);
        size_t seen = 0;
        int rc;
        while ((rc = store_step(st)) == STORE_ROW) {
                if (seen == limit) {
                        *more = true;
                        break;
                }
                struct audit_entry e = {
                    .id = store_col_int(st, 0),
                    .tenant_id = store_col_int(st, 1),
                    .at = store_col_int(st, 2),
                    .actor_type = store_col_text(st, 3),
                    .actor_id = store_col_int(st, 4),
                    .actor_name = store_col_text(st, 5),
                    .action = store_col_text(st, 6),
                    .target_type = store_col_text(st, 7),
                    .target_id = store_col_text(st, 8),
                    .purpose = store_col_text(st, 9),
                    .request_id = store_col_text(st, 10),
                    .client_addr = store_col_text(st, 11),
                    .detail = store_col_text(st, 12),
                };
                seen++;
                if (fn(ctx, &e))
                        break;
        }
        store_done(st);
        return rc < 0 ? -1 : 0;
}
