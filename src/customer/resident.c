/* resident: one-time-code sign-in and sessions for the resident portal. */
#include "customer/resident.h"

#include "auth/audit.h"
#include "base/time.h"
#include "customer/cleanse.h"
#include "customer/customer.h"
#include "notify/outbox.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define HOUR_MS (3600 * INT64_C(1000))

int resident_contact(const char *in, char *out, size_t outlen, struct pcrm_error *e)
{
        enum cleanse_status s =
            strchr(in, '@') ? cleanse_email(in, out, outlen) : cleanse_mobile(in, out, outlen);
        if (!cleanse_usable(s))
                return err_set(e, PCRM_EINVALID, "contact",
                               "휴대전화 번호(010-1234-5678)나 e-mail 주소를 입력하세요");
        return PCRM_OK;
}

/* The customer a contact belongs to: of several (a family phone), the one who filed last. */
static int64_t customer_of(struct store_db *db, int64_t tenant_id, const char *contact)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT cu.id FROM customers cu WHERE cu.tenant_id = ? AND cu.merged_into IS NULL"
                " AND (cu.mobile = ? OR cu.email = ?) ORDER BY (SELECT max(received_at) FROM"
                " complaints c WHERE c.customer_id = cu.id) DESC NULLS LAST, cu.id LIMIT 1");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, contact);
        store_bind_text(st, 3, contact);
        int step = store_step(st);
        int64_t id = step == STORE_ROW ? store_col_int(st, 0) : step == STORE_DONE ? 0 : -1;
        store_done(st);
        return id;
}

static int64_t scalar(struct store_db *db, const char *sql, int64_t tenant_id, const char *text,
                      int64_t n)
{
        struct store_stmt *st = store_prepare(db, sql);
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, text);
        store_bind_int(st, 3, n);
        int64_t v = store_step(st) == STORE_ROW ? store_col_int(st, 0) : -1;
        store_done(st);
        return v;
}

static void code_hash(int64_t code_id, const char *code, char out[SEC_HASH_HEX])
{
        char text[64];
        snprintf(text, sizeof(text), "%" PRId64 ":%s", code_id, code);
        sec_token_hash(text, out);
}

static int fail(struct store_db *db, struct pcrm_error *e)
{
        store_rollback(db);
        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
}

int resident_request_code(struct store_db *db, int64_t tenant_id, const char *contact,
                          struct pcrm_error *e)
{
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        int64_t customer = customer_of(db, tenant_id, contact);
        if (customer <= 0) {
                store_rollback(db);
                return customer < 0 ? err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류") : PCRM_OK;
        }
        int64_t now = time_now_ms();
        int64_t recent = scalar(db,
                                "SELECT count(*) FROM signin_codes WHERE tenant_id = ? AND"
                                " contact = ? AND created_at > ?",
                                tenant_id, contact, now - HOUR_MS);
        if (recent < 0)
                return fail(db, e);
        if (recent >= RESIDENT_CODES_PER_HOUR) {
                store_rollback(db);
                return err_set(e, PCRM_ERULE, "contact",
                               "인증번호 요청이 너무 많습니다. 한 시간 뒤에 다시 시도하세요");
        }
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO signin_codes (tenant_id, customer_id, contact, code_hash, expires_at,"
                " created_at) VALUES (?, ?, ?, '', ?, ?) RETURNING id");
        if (!st)
                return fail(db, e);
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, customer);
        store_bind_text(st, 3, contact);
        store_bind_int(st, 4, now + RESIDENT_CODE_TTL_MS);
        store_bind_int(st, 5, now);
        int64_t id = store_step(st) == STORE_ROW ? store_col_int(st, 0) : -1;
        store_done(st);
        char code[8], hash[SEC_HASH_HEX];
        snprintf(code, sizeof(code), "%06u", randombytes_uniform(1000000));
        code_hash(id, code, hash);
        st =
            id > 0 ? store_prepare(db, "UPDATE signin_codes SET code_hash = ? WHERE id = ?") : NULL;
        int step = STORE_ERROR;
        if (st) {
                store_bind_text(st, 1, hash);
                store_bind_int(st, 2, id);
                step = store_step(st);
                store_done(st);
        }
        if (step != STORE_DONE ||
            outbox_signin_code(db, tenant_id, customer, id, contact, code) < 0 ||
            store_commit(db) != STORE_OK)
                return fail(db, e);
        sodium_memzero(code, sizeof(code));
        return PCRM_OK;
}

static int open_session(struct store_db *db, int64_t tenant_id, int64_t customer_id,
                        struct resident_session *out)
{
        char hash[SEC_HASH_HEX];
        sec_token(out->token, sizeof(out->token));
        sec_token(out->csrf, sizeof(out->csrf));
        sec_token_hash(out->token, hash);
        out->tenant_id = tenant_id;
        out->customer_id = customer_id;
        int64_t now = time_now_ms();
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO resident_sessions (token_hash, tenant_id, customer_id, csrf_token,"
                " created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)");
        if (!st)
                return -1;
        store_bind_text(st, 1, hash);
        store_bind_int(st, 2, tenant_id);
        store_bind_int(st, 3, customer_id);
        store_bind_text(st, 4, out->csrf);
        store_bind_int(st, 5, now);
        store_bind_int(st, 6, now);
        int step = store_step(st);
        store_done(st);
        return step == STORE_DONE ? 0 : -1;
}

static int audit_sign_in(struct store_db *db, int64_t tenant_id, int64_t customer_id,
                         const char *action)
{
        struct actor who = {.kind = ACTOR_ANONYMOUS, .tenant_id = tenant_id};
        snprintf(who.name, sizeof(who.name), "resident");
        char target[32];
        snprintf(target, sizeof(target), "%" PRId64, customer_id);
        struct audit_event ev = {.action = action, .target_type = "customer", .target_id = target};
        return audit_append(db, &who, &ev);
}

int resident_sign_in(struct store_db *db, int64_t tenant_id, const char *contact, const char *code,
                     struct resident_session *out, struct pcrm_error *e)
{
        memset(out, 0, sizeof(*out));
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        int64_t now = time_now_ms();
        struct store_stmt *st = store_prepare(
            db, "SELECT id, customer_id, code_hash, failures FROM signin_codes WHERE tenant_id = ?"
                " AND contact = ? AND used_at IS NULL AND expires_at > ?"
                " ORDER BY id DESC LIMIT 1");
        if (!st)
                return fail(db, e);
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, contact);
        store_bind_int(st, 3, now);
        int64_t id = 0, customer = 0, failures = 0;
        char stored[SEC_HASH_HEX] = "";
        int step = store_step(st);
        if (step == STORE_ROW) {
                id = store_col_int(st, 0);
                customer = store_col_int(st, 1);
                store_col_copy(st, 2, stored, sizeof(stored));
                failures = store_col_int(st, 3);
        }
        store_done(st);
        if (step != STORE_ROW && step != STORE_DONE)
                return fail(db, e);
        if (!id) {
                store_rollback(db);
                return err_set(e, PCRM_ENOTFOUND, "code", "인증번호가 맞지 않거나 만료되었습니다");
        }
        if (failures >= RESIDENT_CODE_FAILURES) {
                store_rollback(db);
                return err_set(e, PCRM_ERULE, "code",
                               "인증번호를 여러 번 틀렸습니다. 새 인증번호를 받으세요");
        }
        char hash[SEC_HASH_HEX];
        code_hash(id, code, hash);
        bool right =
            strlen(stored) == strlen(hash) && sodium_memcmp(stored, hash, strlen(hash)) == 0;
        const char *sql = right ? "UPDATE signin_codes SET used_at = ? WHERE id = ?"
                                : "UPDATE signin_codes SET failures = failures + 1 WHERE id = ?"
                                  " AND ? > 0";
        st = store_prepare(db, sql);
        if (!st)
                return fail(db, e);
        store_bind_int(st, 1, right ? now : id);
        store_bind_int(st, 2, right ? id : 1);
        step = store_step(st);
        store_done(st);
        if (step != STORE_DONE || (right && open_session(db, tenant_id, customer, out) < 0) ||
            audit_sign_in(db, tenant_id, customer,
                          right ? "resident.signin" : "resident.signin.failed") < 0 ||
            store_commit(db) != STORE_OK)
                return fail(db, e);
        if (!right)
                return err_set(e, PCRM_ENOTFOUND, "code", "인증번호가 맞지 않거나 만료되었습니다");
        return PCRM_OK;
}

int resident_session_find(struct store_db *db, const char *token, struct resident_session *out)
{
        memset(out, 0, sizeof(*out));
        char hash[SEC_HASH_HEX];
        sec_token_hash(token, hash);
        int64_t now = time_now_ms();
        struct store_stmt *st = store_prepare(
            db, "UPDATE resident_sessions SET last_seen_at = ?1 WHERE token_hash = ?2 AND"
                " ended_at IS NULL AND last_seen_at > ?1 - ?3 AND created_at > ?1 - ?4"
                " RETURNING tenant_id, customer_id, csrf_token");
        if (!st)
                return PCRM_EINTERNAL;
        store_bind_int(st, 1, now);
        store_bind_text(st, 2, hash);
        store_bind_int(st, 3, RESIDENT_SESSION_IDLE_MS);
        store_bind_int(st, 4, RESIDENT_SESSION_TOTAL_MS);
        int step = store_step(st);
        if (step == STORE_ROW) {
                out->tenant_id = store_col_int(st, 0);
                out->customer_id = store_col_int(st, 1);
                store_col_copy(st, 2, out->csrf, sizeof(out->csrf));
        }
        store_done(st);
        return step == STORE_ROW ? PCRM_OK : step == STORE_DONE ? PCRM_ENOTFOUND : PCRM_EINTERNAL;
}

int resident_sign_out(struct store_db *db, const char *token)
{
        char hash[SEC_HASH_HEX];
        sec_token_hash(token, hash);
        struct store_stmt *st =
            store_prepare(db, "UPDATE resident_sessions SET ended_at = ? WHERE token_hash = ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, time_now_ms());
        store_bind_text(st, 2, hash);
        int step = store_step(st);
        store_done(st);
        return step == STORE_DONE ? 0 : -1;
}
