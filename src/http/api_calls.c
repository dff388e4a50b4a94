/* /api/v1/call-tasks: the Plus-, Happy- and Catch-Call queues of the call centre. */
#include "http/api.h"

#include "base/time.h"
#include "notify/calls.h"

#include <string.h>

void api_calls_list(struct http_request *req)
{
        int64_t cursor;
        size_t limit;
        if (http_page(req, &cursor, &limit, 50, 200))
                return;
        const char *kind = http_query(req, "kind"), *status = http_query(req, "status");
        if (kind && *kind && strcmp(kind, "plus") && strcmp(kind, "happy") &&
            strcmp(kind, "catch")) {
                http_reply_error(req, 400, "invalid_field", "kind",
                                 "kind는 plus, happy, catch입니다");
                return;
        }
        if (status && *status && strcmp(status, "open") && strcmp(status, "claimed") &&
            strcmp(status, "done")) {
                http_reply_error(req, 400, "invalid_field", "status",
                                 "status는 open, claimed, done입니다");
                return;
        }
        int64_t now = time_now_ms();
        struct store_stmt *st = store_prepare(
            req->db,
            "SELECT t.id, t.kind, t.status, t.due_at, t.reason, t.customer_id, p.receipt_no,"
            " t.assigned_to, t.claimed_by, t.outcome, t.answers, c.name, t.stage FROM call_tasks t"
            " JOIN customers c ON c.id = t.customer_id"
            " LEFT JOIN complaints p ON p.id = t.complaint_id WHERE t.tenant_id = ?"
            " AND (CAST(? AS TEXT) IS NULL OR t.kind = ?)"
            " AND (CAST(? AS TEXT) IS NULL OR t.status = ?)"
            " ORDER BY t.due_at, t.id LIMIT ? OFFSET ?");
        if (!st) {
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        const char *k = kind && *kind ? kind : NULL, *s = status && *status ? status : NULL;
        store_bind_int(st, 1, req->who.tenant_id);
        store_bind_text(st, 2, k);
        store_bind_text(st, 3, k);
        store_bind_text(st, 4, s);
        store_bind_text(st, 5, s);
        store_bind_int(st, 6, (int64_t)limit + 1);
        store_bind_int(st, 7, cursor);
        json_t *arr = json_array();
        size_t rows = 0, overdue = 0;
        bool more = false;
        while (store_step(st) == STORE_ROW) {
                if (rows++ == limit) {
                        more = true;
                        break;
                }
                bool late = strcmp(store_col_text(st, 2), "done") && store_col_int(st, 3) < now;
                overdue += late;
                json_t *answers =
                    store_col_text(st, 10) ? json_loads(store_col_text(st, 10), 0, NULL) : NULL;
                json_t *o = json_pack(
                    "{s:I, s:s, s:s, s:o, s:o, s:I, s:o, s:o, s:o, s:b, s:o, s:o, s:o}", "id",
                    (json_int_t)store_col_int(st, 0), "kind", store_col_text(st, 1), "status",
                    store_col_text(st, 2), "due_at", http_json_time(store_col_int(st, 3)), "reason",
                    http_json_str_or_null(store_col_text(st, 4)), "customer_id",
                    (json_int_t)store_col_int(st, 5), "receipt_no",
                    http_json_str_or_null(store_col_text(st, 6)), "assigned_to",
                    store_col_is_null(st, 7) ? json_null() : json_integer(store_col_int(st, 7)),
                    "claimed_by",
                    store_col_is_null(st, 8) ? json_null() : json_integer(store_col_int(st, 8)),
                    "overdue", late, "outcome", http_json_str_or_null(store_col_text(st, 9)),
                    "answers", answers ? answers : json_null(), "customer_name",
                    http_json_str_or_null(store_col_text(st, 11)));
                if (o) {
                        json_object_set_new(o, "stage",
                                            http_json_str_or_null(store_col_text(st, 12)));
                        json_array_append_new(arr, o);
                }
        }
        store_done(st);
        json_t *next =
            more ? json_sprintf("%lld", (long long)(cursor + (int64_t)limit)) : json_null();
        http_reply_json(req, 200,
                        json_pack("{s:o, s:o, s:I}", "items", arr, "next_cursor", next,
                                  "overdue_on_page", (json_int_t)overdue));
}

void api_calls_create(struct http_request *req)
{
        static const char *const fields[] = {"kind",   "customer_id", "receipt_no",
                                             "reason", "to",          NULL};
        const char *kind, *receipt = NULL, *reason = NULL, *to = NULL;
        int64_t customer = 0, id = 0;
        json_t *body = http_body_object(req);
        if (!body || http_check_fields(req, body, fields) ||
            http_field_string(req, body, "kind", true, 8, &kind) ||
            http_field_int(req, body, "customer_id", true, &customer, NULL) ||
            http_field_string(req, body, "receipt_no", false, 20, &receipt) ||
            http_field_string(req, body, "reason", true, 500, &reason) ||
            http_field_string(req, body, "to", false, 8, &to))
                return;
        if (to && strcmp(to, "officer") && strcmp(to, "head")) {
                http_reply_error(req, 400, "invalid_field", "to", "to는 officer 또는 head입니다");
                return;
        }
        if (strcmp(kind, "catch")) {
                http_reply_error(req, 400, "invalid_field", "kind",
                                 "직접 만드는 통화 업무는 catch뿐입니다 (plus, happy는 자동)");
                return;
        }
        struct pcrm_error e;
        if (calls_flag_catch_to(req->db, &req->who, customer, receipt, reason,
                                to && !strcmp(to, "head"), &id, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(
            req, 201,
            json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "kind", "catch", "status", "open"));
}

void api_calls_claim(struct http_request *req)
{
        int64_t id;
        struct pcrm_error e;
        if (http_param_id(req, 0, &id))
                return;
        if (calls_claim(req->db, &req->who, id, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 200,
                        json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "claimed"));
}

void api_calls_complete(struct http_request *req)
{
        static const char *const fields[] = {"outcome", "answers", "note", NULL};
        static const char *const answer_fields[] = {"overall", "speed", "concreteness",
                                                    "clarity", "ease",  NULL};
        int64_t id;
        const char *outcome, *note = NULL;
        struct call_answers a = {0};
        json_t *body;
        if (http_param_id(req, 0, &id) || !(body = http_body_object(req)) ||
            http_check_fields(req, body, fields) ||
            http_field_string(req, body, "outcome", true, 20, &outcome) ||
            http_field_string(req, body, "note", false, 1000, &note))
                return;
        json_t *ans = json_object_get(body, "answers");
        if (ans && !json_is_null(ans)) {
                int64_t v[5];
                if (!json_is_object(ans) || http_check_fields(req, ans, answer_fields)) {
                        if (!req->status)
                                http_reply_error(req, 400, "invalid_field", "answers",
                                                 "answers는 객체여야 합니다");
                        return;
                }
                for (int i = 0; i < 5; i++)
                        if (http_field_int(req, ans, answer_fields[i], false, &v[i], NULL))
                                return;
                a = (struct call_answers){(int)v[0], (int)v[1], (int)v[2], (int)v[3], (int)v[4]};
        }
        struct pcrm_error e;
        if (calls_complete(req->db, &req->who, id, outcome, ans ? &a : NULL, note, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 200,
                        json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "status", "done",
                                  "outcome", outcome));
}

void api_call_rules_get(struct http_request *req)
{
        struct store_stmt *st = store_prepare(
            req->db, "SELECT r.type_code, t.name, d.id, d.code, d.name, r.percent"
                     " FROM happy_call_rules r LEFT JOIN complaint_types t ON"
                     " t.tenant_id = r.tenant_id AND t.code = r.type_code"
                     " LEFT JOIN departments d ON d.id = r.dept_id WHERE r.tenant_id = ?"
                     " ORDER BY r.type_code IS NULL, r.type_code, d.code");
        if (!st) {
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        store_bind_int(st, 1, req->who.tenant_id);
        json_t *rules = json_array();
        while (store_step(st) == STORE_ROW) {
                json_t *dept =
                    store_col_is_null(st, 2)
                        ? json_null()
                        : json_pack("{s:I, s:s, s:s}", "id", (json_int_t)store_col_int(st, 2),
                                    "code", store_col_text(st, 3), "name", store_col_text(st, 4));
                json_array_append_new(
                    rules, json_pack("{s:o, s:o, s:o, s:I}", "type_code",
                                     http_json_str_or_null(store_col_text(st, 0)), "type_name",
                                     http_json_str_or_null(store_col_text(st, 1)), "department",
                                     dept, "percent", (json_int_t)store_col_int(st, 5)));
        }
        store_done(st);
        http_reply_json(
            req, 200,
            json_pack("{s:i, s:o}", "default_percent", CALLS_HAPPY_SAMPLE_PERCENT, "rules", rules));
}

/* One rule of the body: {"type_code", "department" (code), "percent"}. */
static int read_rule(struct http_request *req, json_t *o, struct happy_rule *r)
{
        static const char *const fields[] = {"type_code", "department", "percent", NULL};
        const char *dept = NULL;
        int64_t percent = 0;
        if (!json_is_object(o)) {
                http_reply_error(req, 400, "invalid_field", "rules",
                                 "rules의 각 항목은 객체여야 합니다");
                return -1;
        }
        if (http_check_fields(req, o, fields) ||
            http_field_string(req, o, "type_code", false, 48, &r->type_code) ||
            http_field_string(req, o, "department", false, 40, &dept) ||
            http_field_int(req, o, "percent", true, &percent, NULL))
                return -1;
        r->percent = percent < 0 || percent > 100 ? -1 : (int)percent;
        r->dept_id = 0;
        if (dept) {
                struct department d;
                if (dept_find_code(req->db, req->who.tenant_id, dept, &d) != PCRM_OK) {
                        http_reply_error(req, 400, "invalid_field", "rules",
                                         "규칙의 부서 코드가 없습니다");
                        return -1;
                }
                r->dept_id = d.id;
        }
        return 0;
}

void api_call_rules_put(struct http_request *req)
{
        static const char *const fields[] = {"rules", NULL};
        json_t *body = http_body_object(req);
        if (!body || http_check_fields(req, body, fields))
                return;
        json_t *arr = json_object_get(body, "rules");
        if (!json_is_array(arr)) {
                http_reply_error(req, 400, arr ? "invalid_field" : "missing_field", "rules",
                                 "rules는 규칙의 배열이어야 합니다");
                return;
        }
        size_t n = json_array_size(arr);
        if (n > CALLS_RULES_MAX) {
                http_reply_error(req, 400, "invalid_field", "rules", "규칙은 200개까지입니다");
                return;
        }
        struct happy_rule rules[CALLS_RULES_MAX];
        for (size_t i = 0; i < n; i++)
                if (read_rule(req, json_array_get(arr, i), &rules[i]))
                        return;
        struct pcrm_error e;
        if (calls_rules_put(req->db, &req->who, rules, n, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        api_call_rules_get(req);
}
