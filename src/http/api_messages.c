/*
 * /api/v1/templates, /api/v1/messages, /api/v1/reports/messages|contacts: the wording of
 * notices (cs_manager edits and previews it), the outbox as staff see it (recipients
 * masked), and the message and contact reports (Paju Table 3-5; contact volume; queue SLA).
 */
#include "http/api.h"

#include "base/time.h"
#include "notify/outbox.h"
#include "notify/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *template_json(const struct message_template *t)
{
        json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:s, s:b}", "event", t->event, "event_label",
                              template_event_label(t->event), "medium", t->medium, "subject",
                              t->subject[0] ? json_string(t->subject) : json_null(), "body",
                              t->body, "customised", t->customised);
        json_object_set_new(o, "updated_at", http_json_time(t->updated_at));
        return o;
}

void api_templates_list(struct http_request *req)
{
        json_t *items = json_array();
        struct pcrm_error e;
        for (size_t i = 0; template_events[i]; i++)
                for (size_t m = 0; template_mediums[m]; m++) {
                        struct message_template t;
                        if (template_get(req->db, req->who.tenant_id, template_events[i],
                                         template_mediums[m], &t, &e) == PCRM_OK)
                                json_array_append_new(items, template_json(&t));
                }
        http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}

void api_templates_put(struct http_request *req)
{
        static const char *const fields[] = {"subject", "body", NULL};
        const char *subject, *body;
        struct pcrm_error e;
        json_t *in = http_body_object(req);
        if (!in || http_check_fields(req, in, fields) ||
            http_field_string(req, in, "subject", false, TEMPLATE_SUBJECT_MAX * 2, &subject) ||
            http_field_string(req, in, "body", true, TEMPLATE_BODY_MAX * 2, &body))
                return;
        struct message_template t;
        if (template_put(req->db, &req->who, req->params[0], req->params[1], subject, body, &e) ||
            template_get(req->db, req->who.tenant_id, req->params[0], req->params[1], &t, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 200, template_json(&t));
}

void api_templates_reset(struct http_request *req)
{
        struct pcrm_error e;
        struct message_template t;
        if (template_reset(req->db, &req->who, req->params[0], req->params[1], &e) ||
            template_get(req->db, req->who.tenant_id, req->params[0], req->params[1], &t, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 200, template_json(&t));
}

void api_templates_preview(struct http_request *req)
{
        static const char *const fields[] = {"event", "medium",     "subject",
                                             "body",  "receipt_no", NULL};
        const char *event, *medium, *subject, *body, *receipt;
        struct pcrm_error e;
        json_t *in = http_body_object(req);
        if (!in || http_check_fields(req, in, fields) ||
            http_field_string(req, in, "event", true, 24, &event) ||
            http_field_string(req, in, "medium", true, 8, &medium) ||
            http_field_string(req, in, "subject", false, TEMPLATE_SUBJECT_MAX * 2, &subject) ||
            http_field_string(req, in, "body", false, TEMPLATE_BODY_MAX * 2, &body) ||
            http_field_string(req, in, "receipt_no", false, 20, &receipt))
                return;
        if (!template_event_valid(event) || !template_medium_valid(medium)) {
                http_reply_error(req, 400, "invalid_field",
                                 template_event_valid(event) ? "medium" : "event",
                                 "알 수 없는 알림 종류나 발송 매체입니다");
                return;
        }
        struct message_template t;
        if (!body && template_get(req->db, req->who.tenant_id, event, medium, &t, &e) == PCRM_OK) {
                body = t.body;
                subject = subject ? subject : t.subject;
        }
        json_t *out = NULL;
        if ((body && template_check("body", body, TEMPLATE_BODY_MAX, &e)) ||
            (subject && template_check("subject", subject, TEMPLATE_SUBJECT_MAX, &e)) ||
            outbox_preview(req->db, req->who.tenant_id, receipt, medium, subject, body ? body : "",
                           &out, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 200, out);
}

static json_t *message_json(struct store_stmt *st)
{
        char masked[300];
        const char *medium = store_col_text(st, 4);
        api_mask_value(!strcmp(medium, "sms") ? "mobile" : "email", store_col_text(st, 6), masked,
                       sizeof(masked));
        json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:I}", "id",
                              (json_int_t)store_col_int(st, 0), "event", store_col_text(st, 1),
                              "event_label", template_event_label(store_col_text(st, 1)),
                              "receipt_no", http_json_str_or_null(store_col_text(st, 2)), "medium",
                              medium, "class", store_col_text(st, 5), "recipient", masked, "bytes",
                              (json_int_t)store_col_int(st, 7), "purpose", store_col_text(st, 8),
                              "consent", store_col_text(st, 9), "status", store_col_text(st, 10),
                              "attempts", (json_int_t)store_col_int(st, 11));
        json_object_set_new(o, "customer_id",
                            store_col_is_null(st, 3) ? json_null()
                                                     : json_integer(store_col_int(st, 3)));
        json_object_set_new(o, "last_error", http_json_str_or_null(store_col_text(st, 12)));
        json_object_set_new(o, "transport", http_json_str_or_null(store_col_text(st, 13)));
        json_object_set_new(o, "unit_price",
                            store_col_is_null(st, 14) ? json_null()
                                                      : json_real(atof(store_col_text(st, 14))));
        json_object_set_new(o, "created_at", http_json_time(store_col_int(st, 15)));
        json_object_set_new(o, "next_at", http_json_time(store_col_int(st, 16)));
        json_object_set_new(o, "sent_at", http_json_time(store_col_int(st, 17)));
        json_object_set_new(o, "body", json_string(store_col_text(st, 18)));
        json_object_set_new(o, "delivery", http_json_str_or_null(store_col_text(st, 19)));
        json_object_set_new(o, "delivered_at", http_json_time(store_col_int(st, 20)));
        json_object_set_new(o, "delivery_error", http_json_str_or_null(store_col_text(st, 21)));
        return o;
}

static const char *const statuses[] = {"queued", "sending", "sent", "dead", "suppressed", NULL};

/* Newest first; ?status=, ?receipt_no=, ?customer_id=, ?cursor=, ?limit=. */
void api_messages_list(struct http_request *req)
{
        int64_t cursor, customer = 0;
        size_t limit;
        if (http_page(req, &cursor, &limit, 50, 200))
                return;
        const char *status = http_query(req, "status"), *receipt = http_query(req, "receipt_no");
        const char *cust = http_query(req, "customer_id");
        if (status && *status) {
                size_t i = 0;
                while (statuses[i] && strcmp(statuses[i], status))
                        i++;
                if (!statuses[i]) {
                        http_reply_error(req, 400, "invalid_field", "status",
                                         "status는 queued, sending, sent, dead, suppressed "
                                         "중 하나입니다");
                        return;
                }
        }
        char *end;
        if (cust && *cust && ((customer = strtoll(cust, &end, 10)) <= 0 || *end)) {
                http_reply_error(req, 400, "invalid_field", "customer_id",
                                 "customer_id는 양의 정수입니다");
                return;
        }
        struct store_stmt *st = store_prepare(
            req->db,
            "SELECT m.id, m.event, c.receipt_no, m.customer_id, m.medium, m.class, m.recipient,"
            " m.bytes, m.purpose, m.consent, m.status, m.attempts, m.last_error, m.transport,"
            " m.unit_price, m.created_at, m.next_at, m.sent_at, m.body, m.delivery,"
            " m.delivered_at, m.delivery_error FROM messages m"
            " LEFT JOIN complaints c ON c.id = m.complaint_id WHERE m.tenant_id = ?1"
            " AND (?2 = 0 OR m.id < ?2) AND (?3 IS NULL OR m.status = ?3)"
            " AND (?4 IS NULL OR c.receipt_no = ?4) AND (?5 = 0 OR m.customer_id = ?5)"
            " ORDER BY m.id DESC LIMIT ?6");
        if (!st) {
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        store_bind_int(st, 1, req->who.tenant_id);
        store_bind_int(st, 2, cursor);
        store_bind_text(st, 3, status && *status ? status : NULL);
        store_bind_text(st, 4, receipt && *receipt ? receipt : NULL);
        store_bind_int(st, 5, customer);
        store_bind_int(st, 6, (int64_t)limit + 1);
        json_t *items = json_array();
        size_t n = 0;
        int64_t last = 0;
        int step;
        while ((step = store_step(st)) == STORE_ROW && n < limit) {
                json_array_append_new(items, message_json(st));
                last = store_col_int(st, 0);
                n++;
        }
        bool more = step == STORE_ROW;
        store_done(st);
        char next[24];
        snprintf(next, sizeof(next), "%lld", (long long)last);
        http_reply_json(req, 200,
                        json_pack("{s:o, s:o}", "items", items, "next_cursor",
                                  more ? json_string(next) : json_null()));
}

static int query_year(struct http_request *req, int *year)
{
        const char *y = http_query(req, "year");
        struct civil_time now;
        time_to_civil(time_now_ms(), TIME_KST_OFFSET_MIN, &now);
        *year = now.year;
        if (!y || !*y)
                return 0;
        char *end;
        long v = strtol(y, &end, 10);
        if (*end || v < 2000 || v > 2100) {
                http_reply_error(req, 400, "invalid_field", "year", "year는 2000~2100입니다");
                return -1;
        }
        *year = (int)v;
        return 0;
}

void api_reports_messages(struct http_request *req)
{
        int year;
        if (query_year(req, &year))
                return;
        json_t *j = outbox_report(req->db, req->who.tenant_id, year);
        if (!j) {
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        http_reply_json(req, 200, j);
}

/* Contact volume by channel and KST hour, and the call queues' SLA, for a year. */
void api_reports_contacts(struct http_request *req)
{
        int year;
        if (query_year(req, &year))
                return;
        struct civil_time from = {.year = year, .month = 1, .day = 1};
        struct civil_time to = {.year = year + 1, .month = 1, .day = 1};
        int64_t a = time_from_civil(&from, TIME_KST_OFFSET_MIN);
        int64_t b = time_from_civil(&to, TIME_KST_OFFSET_MIN);
        struct store_stmt *st = store_prepare(
            req->db, "SELECT channel, direction, CAST(strftime('%H', at / 1000 + 32400,"
                     " 'unixepoch') AS INTEGER) AS hour, count(*) FROM contacts"
                     " WHERE tenant_id = ? AND at >= ? AND at < ?"
                     " GROUP BY channel, direction, hour ORDER BY channel, direction, hour");
        json_t *volume = json_array(), *queues = json_array();
        int step = STORE_ERROR;
        if (st) {
                store_bind_int(st, 1, req->who.tenant_id);
                store_bind_int(st, 2, a);
                store_bind_int(st, 3, b);
                while ((step = store_step(st)) == STORE_ROW)
                        json_array_append_new(volume,
                                              json_pack("{s:s, s:s, s:I, s:I}", "channel",
                                                        store_col_text(st, 0), "direction",
                                                        store_col_text(st, 1), "hour",
                                                        (json_int_t)store_col_int(st, 2), "count",
                                                        (json_int_t)store_col_int(st, 3)));
                store_done(st);
        }
        st = step == STORE_DONE
                 ? store_prepare(
                       req->db,
                       "SELECT kind, count(*), sum(status = 'done'), sum(status <> 'done'),"
                       " sum(CASE WHEN status = 'done' THEN done_at > due_at ELSE ?4 > due_at END)"
                       " FROM call_tasks WHERE tenant_id = ?1 AND created_at >= ?2"
                       " AND created_at < ?3 GROUP BY kind ORDER BY kind")
                 : NULL;
        step = STORE_ERROR;
        if (st) {
                store_bind_int(st, 1, req->who.tenant_id);
                store_bind_int(st, 2, a);
                store_bind_int(st, 3, b);
                store_bind_int(st, 4, time_now_ms());
                while ((step = store_step(st)) == STORE_ROW) {
                        int64_t total = store_col_int(st, 1), breached = store_col_int(st, 4);
                        json_array_append_new(
                            queues,
                            json_pack("{s:s, s:I, s:I, s:I, s:I, s:f}", "kind",
                                      store_col_text(st, 0), "total", (json_int_t)total, "done",
                                      (json_int_t)store_col_int(st, 2), "open",
                                      (json_int_t)store_col_int(st, 3), "breached",
                                      (json_int_t)breached, "within_sla",
                                      total ? 1.0 - (double)breached / (double)total : 1.0));
                }
                store_done(st);
        }
        if (step != STORE_DONE) {
                json_decref(volume);
                json_decref(queues);
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        http_reply_json(
            req, 200,
            json_pack("{s:i, s:o, s:o}", "year", year, "volume", volume, "queues", queues));
}

#define DLR_MAX 1000

/* One report of the body, checked: {"ref","status","error"?,"at"?}. */
static int read_report(struct http_request *req, json_t *o, size_t i, const char **ref,
                       bool *delivered, const char **error, int64_t *at)
{
        static const char *const fields[] = {"ref", "status", "error", "at", NULL};
        const char *status, *when = NULL;
        char why[160];
        if (!json_is_object(o)) {
                snprintf(why, sizeof(why), "reports[%zu]는 객체여야 합니다", i);
                http_reply_error(req, 400, "invalid_field", "reports", why);
                return -1;
        }
        if (http_check_fields(req, o, fields) || http_field_string(req, o, "ref", true, 96, ref) ||
            http_field_string(req, o, "status", true, 16, &status) ||
            http_field_string(req, o, "error", false, 256, error) ||
            http_field_string(req, o, "at", false, 40, &when))
                return -1;
        if (strcmp(status, "delivered") && strcmp(status, "failed")) {
                snprintf(why, sizeof(why), "reports[%zu].status는 delivered 또는 failed입니다", i);
                http_reply_error(req, 400, "invalid_field", "status", why);
                return -1;
        }
        *delivered = !strcmp(status, "delivered");
        *at = time_now_ms();
        if (when && time_parse_iso(when, at) < 0) {
                snprintf(why, sizeof(why), "reports[%zu].at은 ISO-8601 시각이어야 합니다", i);
                http_reply_error(req, 400, "invalid_field", "at", why);
                return -1;
        }
        return 0;
}

/*
 * POST /api/v1/notify/delivery-reports: the SMS gateway's delivery reports (DLR), with
 * the shared secret PCRM_SMS_CALLBACK_TOKEN in X-Callback-Token. All reports are checked
 * before any is recorded; unknown refs are listed, not an error (a gateway may report
 * messages of another installation or ones long purged).
 */
void api_delivery_reports(struct http_request *req)
{
        const char *want = req->cfg->sms_callback_token;
        if (!want[0]) {
                http_reply_error(req, 404, "not_found", NULL,
                                 "전송 결과 수신이 설정되지 않았습니다 (PCRM_SMS_CALLBACK_TOKEN)");
                return;
        }
        if (!http_secret_equal(http_header(req, "X-Callback-Token"), want)) {
                http_reply_error(req, 401, "unauthorized", NULL, "콜백 토큰이 맞지 않습니다");
                return;
        }
        static const char *const fields[] = {"reports", NULL};
        json_t *body = http_body_object(req);
        if (!body || http_check_fields(req, body, fields))
                return;
        json_t *arr = json_object_get(body, "reports");
        size_t n = json_array_size(arr);
        if (!json_is_array(arr) || n == 0 || n > DLR_MAX) {
                http_reply_error(req, 400, arr ? "invalid_field" : "missing_field", "reports",
                                 "reports는 1~1000개의 전송 결과 배열이어야 합니다");
                return;
        }
        struct {
                const char *ref, *error;
                bool delivered;
                int64_t at;
        } r[DLR_MAX];
        for (size_t i = 0; i < n; i++) {
                r[i].error = NULL;
                if (read_report(req, json_array_get(arr, i), i, &r[i].ref, &r[i].delivered,
                                &r[i].error, &r[i].at))
                        return;
        }
        json_t *unknown = json_array();
        int64_t recorded = 0;
        bool ok = store_begin(req->db) == STORE_OK;
        for (size_t i = 0; ok && i < n; i++) {
                int rc =
                    outbox_delivery_report(req->db, r[i].ref, r[i].delivered, r[i].error, r[i].at);
                ok = rc >= 0;
                if (rc == 1)
                        recorded++;
                else if (rc == 0)
                        json_array_append_new(unknown, json_string(r[i].ref));
        }
        if (!ok || store_commit(req->db) != STORE_OK) {
                store_rollback(req->db);
                json_decref(unknown);
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        http_reply_json(
            req, 200,
            json_pack("{s:I, s:o}", "recorded", (json_int_t)recorded, "unknown", unknown));
}
