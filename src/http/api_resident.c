/*
 * /api/v1/public/sign-in*, /api/v1/public/me*: the resident portal's own sign-in with a
 * one-time code (customer/resident.h) and what a signed-in resident may see and change:
 * their complaints, what pcrm holds about them, their consents.
 */
#include "http/api.h"

#include "base/time.h"
#include "customer/consent.h"
#include "customer/resident.h"

#include <stdio.h>
#include <string.h>

#define RESIDENT_COOKIE "pcrm_resident"

static void set_cookie(struct http_request *req, const char *token, long max_age)
{
        char cookie[256];
        snprintf(cookie, sizeof(cookie),
                 RESIDENT_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict;"
                                 " Max-Age=%ld%s",
                 token, max_age, req->cfg->cookie_secure ? "; Secure" : "");
        http_add_header(req, "Set-Cookie", cookie);
}

/* The signed-in resident. Replies 401/403 and returns -1 when there is none or a state
 * change lacks the CSRF token. */
static int resident_of(struct http_request *req, bool changes_state, struct resident_session *s)
{
        const char *token = http_cookie(req, RESIDENT_COOKIE);
        int rc = token ? resident_session_find(req->db, token, s) : PCRM_ENOTFOUND;
        if (rc == PCRM_EINTERNAL) {
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return -1;
        }
        if (rc) {
                http_reply_error(req, 401, token ? "session_expired" : "unauthorized", NULL,
                                 "본인확인이 필요합니다. 인증번호로 다시 로그인하세요");
                return -1;
        }
        if (!changes_state)
                return 0;
        if (!http_secret_equal(http_header(req, "X-CSRF-Token"), s->csrf)) {
                http_reply_error(req, 403, "csrf_failed", NULL,
                                 "요청을 확인할 수 없습니다. 페이지를 새로 고치세요");
                return -1;
        }
        return 0;
}

/* tenant + contact from the body, the contact canonical. */
static int read_contact(struct http_request *req, const char *const *fields, struct actor *who,
                        char *contact, size_t len, const char **code)
{
        const char *tenant, *raw;
        json_t *body = http_body_object(req);
        if (!body || http_check_fields(req, body, fields) ||
            http_field_string(req, body, "tenant", false, 32, &tenant) ||
            http_field_string(req, body, "contact", true, 254, &raw) ||
            (code && http_field_string(req, body, "code", true, 6, code)) ||
            api_public_actor(req, tenant, who))
                return -1;
        struct pcrm_error e;
        if (resident_contact(raw, contact, len, &e)) {
                http_reply_pcrm_error(req, &e);
                return -1;
        }
        return 0;
}

void api_resident_code(struct http_request *req)
{
        static const char *const fields[] = {"tenant", "contact", NULL};
        struct actor who;
        char contact[256];
        struct pcrm_error e;
        if (read_contact(req, fields, &who, contact, sizeof(contact), NULL))
                return;
        int rc = resident_request_code(req->db, who.tenant_id, contact, &e);
        if (rc == PCRM_ERULE) {
                http_add_header(req, "Retry-After", "3600");
                http_reply_error(req, 429, "too_many_requests", "contact", e.message);
                return;
        }
        if (rc) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 202,
                        json_pack("{s:b, s:I}", "sent", 1, "expires_in",
                                  (json_int_t)(RESIDENT_CODE_TTL_MS / 1000)));
}

void api_resident_sign_in(struct http_request *req)
{
        static const char *const fields[] = {"tenant", "contact", "code", NULL};
        struct actor who;
        char contact[256];
        const char *code;
        struct pcrm_error e;
        struct resident_session s;
        if (read_contact(req, fields, &who, contact, sizeof(contact), &code))
                return;
        int rc = resident_sign_in(req->db, who.tenant_id, contact, code, &s, &e);
        if (rc == PCRM_ERULE) {
                http_reply_error(req, 429, "too_many_requests", "code", e.message);
                return;
        }
        if (rc == PCRM_ENOTFOUND) {
                http_reply_error(req, 401, "invalid_credentials", "code", e.message);
                return;
        }
        if (rc) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        struct customer c;
        if (customer_load(req->db, who.tenant_id, s.customer_id, &c) != PCRM_OK)
                c.name[0] = '\0';
        set_cookie(req, s.token, RESIDENT_SESSION_TOTAL_MS / 1000);
        http_reply_json(
            req, 200,
            json_pack("{s:s, s:{s:s}}", "csrf_token", s.csrf, "resident", "name", c.name));
}

void api_resident_sign_out(struct http_request *req)
{
        struct resident_session s;
        if (resident_of(req, true, &s))
                return;
        if (resident_sign_out(req->db, http_cookie(req, RESIDENT_COOKIE)) < 0) {
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        set_cookie(req, "", 0);
        http_reply_empty(req, 204);
}

static const char *const purpose_labels[][2] = {
    {"complaint_handling", "민원 처리 (법령에 따른 필수 안내)"},
    {"status_notice", "민원 진행상황 알림"},
    {"proactive_service", "맞춤 행정서비스 안내"},
    {"campaign", "시정 소식·홍보"},
    {"survey", "만족도 조사"},
    {"sensitive_profile", "민감정보 활용"},
};

static json_t *labelled_consents(struct store_db *db, int64_t tenant_id, int64_t id)
{
        json_t *arr = api_consents_json(db, tenant_id, id);
        size_t i;
        json_t *o;
        json_array_foreach(arr, i, o)
        {
                const char *p = json_string_value(json_object_get(o, "purpose"));
                for (size_t k = 0; p && k < sizeof(purpose_labels) / sizeof(purpose_labels[0]); k++)
                        if (!strcmp(p, purpose_labels[k][0]))
                                json_object_set_new(o, "purpose_label",
                                                    json_string(purpose_labels[k][1]));
        }
        return arr;
}

/* What pcrm holds about the resident: their own data, in full but the RRN. */
void api_resident_me(struct http_request *req)
{
        struct resident_session s;
        struct customer c;
        if (resident_of(req, false, &s))
                return;
        if (customer_load(req->db, s.tenant_id, s.customer_id, &c) != PCRM_OK) {
                http_reply_error(req, 404, "not_found", NULL, "정보를 찾을 수 없습니다");
                return;
        }
        json_t *resident =
            json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "name", c.name, "mobile",
                      http_json_str_or_null(c.mobile[0] ? c.mobile : NULL), "phone",
                      http_json_str_or_null(c.phone[0] ? c.phone : NULL), "email",
                      http_json_str_or_null(c.email[0] ? c.email : NULL), "address",
                      http_json_str_or_null(c.address[0] ? c.address : NULL), "birth_date",
                      http_json_str_or_null(c.birth_date[0] ? c.birth_date : NULL), "rrn_masked",
                      http_json_str_or_null(c.has_rrn ? c.rrn_masked : NULL));
        json_t *consents = labelled_consents(req->db, s.tenant_id, s.customer_id);
        json_t *complaints = api_customer_complaints_json(req->db, &c);
        if (!resident || !consents || !complaints) {
                json_decref(resident);
                json_decref(consents);
                json_decref(complaints);
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        http_reply_json(req, 200,
                        json_pack("{s:o, s:o, s:o}", "resident", resident, "consents", consents,
                                  "complaints", complaints));
}

void api_resident_consents(struct http_request *req)
{
        static const char *const fields[] = {"purpose", "channel", "granted", NULL};
        struct resident_session s;
        const char *purpose, *channel;
        int granted;
        json_t *body;
        if (resident_of(req, true, &s) || !(body = http_body_object(req)) ||
            http_check_fields(req, body, fields) ||
            http_field_string(req, body, "purpose", true, 32, &purpose) ||
            http_field_string(req, body, "channel", true, 16, &channel) ||
            http_field_bool(req, body, "granted", &granted))
                return;
        if (granted < 0) {
                http_reply_error(req, 400, "missing_field", "granted", "granted 항목이 필요합니다");
                return;
        }
        if (!strcmp(purpose, "complaint_handling")) {
                http_reply_error(req, 422, "rule_violated", "purpose",
                                 "민원 처리에 필요한 안내는 법령에 따라 철회할 수 없습니다");
                return;
        }
        struct actor who = {.kind = ACTOR_ANONYMOUS, .tenant_id = s.tenant_id};
        snprintf(who.name, sizeof(who.name), "resident");
        struct pcrm_error e;
        if (consent_record(req->db, &who, s.customer_id, purpose, channel, granted == 1, "portal",
                           &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(
            req, 200,
            json_pack("{s:o}", "consents", labelled_consents(req->db, s.tenant_id, s.customer_id)));
}

/* Is the complaint's customer this resident (both followed to where merges put them)? */
static bool owns(struct store_db *db, int64_t tenant_id, int64_t resident, int64_t customer)
{
        int64_t a = customer_survivor(db, tenant_id, resident);
        return a > 0 && a == customer_survivor(db, tenant_id, customer);
}

void api_resident_complaint(struct http_request *req)
{
        struct resident_session s;
        if (resident_of(req, false, &s))
                return;
        struct actor who = {.kind = ACTOR_ANONYMOUS, .tenant_id = s.tenant_id};
        struct complaint c;
        struct pcrm_error e;
        if (complaint_get(req->db, &who, req->params[0], &c, &e) != PCRM_OK) {
                http_reply_error(req, 404, "not_found", "receipt_no", "민원을 찾을 수 없습니다");
                return;
        }
        if (!owns(req->db, s.tenant_id, s.customer_id, c.customer_id)) {
                complaint_release(&c);
                http_reply_error(req, 404, "not_found", "receipt_no", "민원을 찾을 수 없습니다");
                return;
        }
        http_reply_json(req, 200, api_complaint_public_json(req, &c));
        complaint_release(&c);
}
