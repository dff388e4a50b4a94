/* Sign-in, sign-out and "who am I" for staff. */
#include "http/api.h"

#include "auth/audit.h"
#include "auth/session.h"
#include "auth/tenant.h"
#include "auth/throttle.h"
#include "base/log.h"
#include "base/utf8.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_session_cookie(struct http_request *req, const char *token, long max_age)
{
        char cookie[256];
        snprintf(cookie, sizeof(cookie),
                 "pcrm_session=%s; Path=/; HttpOnly; SameSite=Strict;"
                 " Max-Age=%ld%s",
                 token, max_age, req->cfg->cookie_secure ? "; Secure" : "");
        http_add_header(req, "Set-Cookie", cookie);
}

/* Audits a refused login against the tenant when it exists, installation-wide if not. */
static void audit_login_refused(struct http_request *req, const struct tenant *t,
                                const char *tenant_code, const char *username, const char *action,
                                const char *reason)
{
        struct actor who = req->who;
        who.tenant_id = t ? t->id : 0;
        utf8_copy(who.name, sizeof(who.name), username);
        json_t *detail = json_pack("{s:s, s:s}", "username", username, "reason", reason);
        char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
        struct audit_event ev = {.action = action, .target_type = "user", .detail = text};
        if (store_begin(req->db) == STORE_OK) {
                /* Only real failures count towards throttling, not refusals while throttled. */
                if (!strcmp(action, "auth.login.failed"))
                        throttle_record(req->db, tenant_code, username, req->client_addr, 0);
                if (audit_append(req->db, &who, &ev) < 0 || store_commit(req->db) < 0)
                        store_rollback(req->db);
        }
        free(text);
        json_decref(detail);
}

static json_t *login_reply(struct http_request *req, const struct user *u, const struct tenant *t,
                           const char *csrf, int64_t expires_at)
{
        struct actor scope = {.tenant_id = t->id};
        json_t *user = api_user_json(req->db, &scope, u);
        json_object_set_new(user, "tenant",
                            json_pack("{s:s, s:s}", "code", t->code, "name", t->name));
        return json_pack("{s:s, s:o, s:o}", "csrf_token", csrf, "expires_at",
                         http_json_time(expires_at), "user", user);
}

void api_auth_login(struct http_request *req)
{
        static const char *const fields[] = {"tenant", "username", "password", NULL};
        const char *tenant_code, *username, *password;
        json_t *body = http_body_object(req);
        if (!body || http_check_fields(req, body, fields) ||
            http_field_string(req, body, "tenant", true, 64, &tenant_code) ||
            http_field_string(req, body, "username", true, 64, &username) ||
            http_field_string(req, body, "password", true, 256, &password))
                return;

        int64_t retry_after;
        int throttled = throttle_check(req->db, tenant_code, username, req->client_addr,
                                       req->cfg->throttle_window_s * 1000,
                                       req->cfg->throttle_failures, &retry_after);
        struct tenant t;
        int found = tenant_find(req->db, tenant_code, &t);
        if (throttled < 0 || (found != PCRM_OK && found != PCRM_ENOTFOUND)) {
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        if (throttled) {
                char secs[24], msg[200];
                snprintf(secs, sizeof(secs), "%" PRId64, retry_after);
                snprintf(msg, sizeof(msg),
                         "로그인 실패가 너무 많습니다. %" PRId64 "분 뒤에 다시 시도하세요",
                         (retry_after + 59) / 60);
                audit_login_refused(req, found == PCRM_OK ? &t : NULL, tenant_code, username,
                                    "auth.login.throttled", "too many failures");
                http_add_header(req, "Retry-After", secs);
                http_reply_error(req, 429, "too_many_requests", NULL, msg);
                return;
        }

        struct user u;
        int rc = found == PCRM_OK ? user_authenticate(req->db, t.id, username, password, &u)
                                  : PCRM_EINVALID;
        if (rc == PCRM_EINTERNAL) {
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        if (rc != PCRM_OK) {
                audit_login_refused(
                    req, found == PCRM_OK ? &t : NULL, tenant_code, username, "auth.login.failed",
                    found == PCRM_OK ? "wrong username or password" : "no such tenant");
                http_reply_error(req, 401, "invalid_credentials", NULL,
                                 "기관 코드, 아이디 또는 비밀번호가 올바르지 않습니다");
                return;
        }

        struct session_tokens tok;
        struct actor who = req->who;
        who.kind = ACTOR_USER;
        who.tenant_id = t.id;
        who.id = u.id;
        who.role = u.role;
        snprintf(who.name, sizeof(who.name), "%s", u.username);
        char uid[24];
        snprintf(uid, sizeof(uid), "%" PRId64, u.id);
        struct audit_event ev = {.action = "auth.login", .target_type = "user", .target_id = uid};
        if (store_begin(req->db) != STORE_OK ||
            throttle_record(req->db, t.code, username, req->client_addr, 1) < 0 ||
            session_create(req->db, &u, req->client_addr, req->cfg->session_absolute_s * 1000,
                           &tok) < 0 ||
            audit_append(req->db, &who, &ev) < 0 || store_commit(req->db) != STORE_OK) {
                store_rollback(req->db);
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        set_session_cookie(req, tok.token, req->cfg->session_absolute_s);
        http_reply_json(req, 200, login_reply(req, &u, &t, tok.csrf, tok.expires_at));
}

void api_auth_logout(struct http_request *req)
{
        if (req->via_cookie) {
                char sid[24];
                snprintf(sid, sizeof(sid), "%" PRId64, req->who.session_id);
                struct audit_event ev = {
                    .action = "auth.logout", .target_type = "session", .target_id = sid};
                if (store_begin(req->db) != STORE_OK ||
                    session_end(req->db, req->who.tenant_id, req->who.session_id) < 0 ||
                    audit_append(req->db, &req->who, &ev) < 0 ||
                    store_commit(req->db) != STORE_OK) {
                        store_rollback(req->db);
                        http_reply_error(req, 500, "internal", NULL,
                                         "서버 내부 오류가 발생했습니다");
                        return;
                }
                set_session_cookie(req, "", 0);
        }
        http_reply_empty(req, 204);
}

void api_me(struct http_request *req)
{
        struct tenant t;
        if (tenant_get(req->db, req->who.tenant_id, &t) != PCRM_OK) {
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        json_t *tenant = json_pack("{s:s, s:s}", "code", t.code, "name", t.name);
        if (req->who.kind == ACTOR_APIKEY) {
                http_reply_json(req, 200,
                                json_pack("{s:s, s:I, s:s, s:s, s:o}", "kind", "apikey", "id",
                                          (json_int_t)req->who.id, "name", req->who.name, "role",
                                          role_name(req->who.role), "tenant", tenant));
                return;
        }
        struct user u;
        struct pcrm_error e;
        if (user_get(req->db, &req->who, req->who.id, &u, &e) != PCRM_OK) {
                json_decref(tenant);
                http_reply_pcrm_error(req, &e);
                return;
        }
        json_t *user = api_user_json(req->db, &req->who, &u);
        json_object_set_new(user, "tenant", tenant);
        http_reply_json(req, 200, json_pack("{s:s, s:o}", "csrf_token", req->csrf, "user", user));
}
