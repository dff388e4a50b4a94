/* /api/v1/complaints and /api/v1/public/complaints: intake, the inbox, the detail with its
 * history and allowed actions, workflow actions, and the resident's tracking view. */
#include "http/api.h"

#include "auth/audit.h"
#include "auth/tenant.h"
#include "base/time.h"
#include "complaint/complaint.h"
#include "complaint/disclosure.h"
#include "customer/consent.h"
#include "http/ratelimit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONSENTS 24

/* A member of a nested object; on error the reply's field names the path. */
static int nested_string(struct http_request *req, json_t *obj, const char *parent,
                         const char *name, bool required, size_t max, const char **out)
{
        if (http_field_string(req, obj, name, required, max, out) == 0)
                return 0;
        char path[96];
        snprintf(path, sizeof(path), "%s.%s", parent, name);
        json_t *err = json_object_get(req->reply, "error");
        if (err)
                json_object_set_new(err, "field", json_string(path));
        return -1;
}

static json_t *receipt_json(const struct complaint_receipt *r, bool with_pin)
{
        json_t *o = json_pack("{s:s, s:s, s:o}", "receipt_no", r->receipt_no, "status", r->status,
                              "due_at", http_json_time(r->due_at));
        json_object_set_new(
            o, "department",
            r->dept_id ? json_pack("{s:s, s:s}", "code", r->dept_code, "name", r->dept_name)
                       : json_null());
        if (with_pin && r->pin[0])
                json_object_set_new(o, "pin", json_string(r->pin));
        if (r->replayed)
                json_object_set_new(o, "replayed", json_true());
        return o;
}

/* Reads the intake body shared by staff and public intake. Returns 0 or -1 (replied). */
static int read_intake(struct http_request *req, bool public_intake, struct complaint_input *in,
                       struct complaint_consent *consents, const char **tenant)
{
        static const char *const fields[] = {"title",     "body",     "channel",
                                             "type_code", "resident", "location",
                                             "consents",  "tenant",   NULL};
        static const char *const resident_fields[] = {"name",    "mobile",      "phone", "email",
                                                      "address", "postal_code", "rrn",   NULL};
        json_t *body = http_body_object(req);
        memset(in, 0, sizeof(*in));
        *tenant = NULL;
        if (!body || http_check_fields(req, body, fields) ||
            http_field_string(req, body, "title", true, COMPLAINT_TITLE_MAX, &in->title) ||
            http_field_string(req, body, "body", true, COMPLAINT_BODY_MAX, &in->body) ||
            http_field_string(req, body, "channel", !public_intake, 16, &in->channel) ||
            http_field_string(req, body, "type_code", false, 48, &in->type_code) ||
            http_field_string(req, body, "tenant", false, 32, tenant))
                return -1;
        if (public_intake && !in->channel)
                in->channel = "web";
        json_t *res = json_object_get(body, "resident");
        if (!json_is_object(res)) {
                http_reply_error(req, 400, res ? "invalid_field" : "missing_field", "resident",
                                 "민원인 정보(resident)가 필요합니다");
                return -1;
        }
        struct customer_input *r = &in->resident;
        if (http_check_fields(req, res, resident_fields) ||
            nested_string(req, res, "resident", "name", true, CUSTOMER_NAME_MAX, &r->name) ||
            nested_string(req, res, "resident", "mobile", false, 30, &r->mobile) ||
            nested_string(req, res, "resident", "phone", false, 30, &r->phone) ||
            nested_string(req, res, "resident", "email", false, 254, &r->email) ||
            nested_string(req, res, "resident", "address", false, 200, &r->address) ||
            nested_string(req, res, "resident", "postal_code", false, 10, &r->postal_code) ||
            nested_string(req, res, "resident", "rrn", false, 20, &r->rrn))
                return -1;
        json_t *loc = json_object_get(body, "location");
        if (loc && !json_is_null(loc)) {
                json_t *lat = json_object_get(loc, "lat"), *lng = json_object_get(loc, "long");
                if (!json_is_object(loc) || !json_is_number(lat) || !json_is_number(lng)) {
                        http_reply_error(req, 400, "invalid_field", "location",
                                         "위치는 {\"lat\":숫자, \"long\":숫자} 형식이어야 합니다");
                        return -1;
                }
                in->has_location = true;
                in->lat = json_number_value(lat);
                in->lng = json_number_value(lng);
        }
        json_t *cons = json_object_get(body, "consents");
        if (cons && !json_is_null(cons)) {
                const char *purpose;
                json_t *chans;
                if (!json_is_object(cons)) {
                        http_reply_error(req, 400, "invalid_field", "consents",
                                         "consents는 {\"목적\":[\"수단\",...]} 형식이어야 합니다");
                        return -1;
                }
                json_object_foreach(cons, purpose, chans)
                {
                        size_t i;
                        json_t *ch;
                        if (!json_is_array(chans) || !consent_purpose_valid(purpose) ||
                            !strcmp(purpose, "complaint_handling")) {
                                http_reply_error(req, 400, "invalid_field", "consents",
                                                 "알 수 없는 이용 목적이거나 형식이 틀렸습니다");
                                return -1;
                        }
                        json_array_foreach(chans, i, ch)
                        {
                                if (!json_is_string(ch) ||
                                    !consent_channel_valid(json_string_value(ch)) ||
                                    in->nconsents >= MAX_CONSENTS) {
                                        http_reply_error(
                                            req, 400, "invalid_field", "consents",
                                            "연락 수단은 sms, email, phone, mail 중 하나입니다");
                                        return -1;
                                }
                                consents[in->nconsents].purpose = purpose;
                                consents[in->nconsents].channel = json_string_value(ch);
                                in->nconsents++;
                        }
                }
                in->consents = consents;
        }
        in->idempotency_key = http_header(req, "Idempotency-Key");
        if (in->idempotency_key && (strlen(in->idempotency_key) > 100 || !*in->idempotency_key)) {
                http_reply_error(req, 400, "invalid_field", "Idempotency-Key",
                                 "Idempotency-Key는 1~100자여야 합니다");
                return -1;
        }
        in->public_intake = public_intake;
        return 0;
}

void api_complaints_create(struct http_request *req)
{
        struct complaint_input in;
        struct complaint_consent consents[MAX_CONSENTS];
        struct complaint_receipt r;
        struct pcrm_error e;
        const char *tenant;
        if (read_intake(req, false, &in, consents, &tenant))
                return;
        if (complaint_intake(req->db, &req->who, &in, &r, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, r.replayed ? 200 : 201, receipt_json(&r, false));
}

/* Public requests name their tenant, or there is only one. */
int api_public_actor(struct http_request *req, const char *code, struct actor *who)
{
        struct tenant t;
        int rc = PCRM_ENOTFOUND;
        if (code && *code) {
                rc = tenant_find(req->db, code, &t);
        } else {
                struct store_stmt *st = store_prepare(req->db, "SELECT code FROM tenants LIMIT 2");
                char first[TENANT_CODE_MAX + 1] = "";
                int n = 0;
                while (st && store_step(st) == STORE_ROW)
                        if (n++ == 0)
                                store_col_copy(st, 0, first, sizeof(first));
                store_done(st);
                if (n == 1)
                        rc = tenant_find(req->db, first, &t);
                else if (n > 1) {
                        http_reply_error(req, 400, "missing_field", "tenant",
                                         "기관(tenant)을 정해야 합니다");
                        return -1;
                }
        }
        if (rc) {
                http_reply_error(req, 404, "not_found", "tenant", "기관을 찾을 수 없습니다");
                return -1;
        }
        *who = req->who;
        who->kind = ACTOR_ANONYMOUS;
        who->tenant_id = t.id;
        snprintf(who->tenant_code, sizeof(who->tenant_code), "%s", t.code);
        snprintf(who->name, sizeof(who->name), "resident");
        return 0;
}

struct public_intake {
        const struct actor *who;
        const struct complaint_input *in;
        const struct complaint_prepared *prep;
        struct complaint_receipt *r;
        struct pcrm_error *e;
};

/* Runs on the group-commit writer; complaint_intake_write starts over from its inputs, so
 * it may run twice (store_group_run's contract). */
static int public_intake_run(struct store_db *db, void *ctx)
{
        struct public_intake *p = ctx;
        memset(p->e, 0, sizeof(*p->e));
        return complaint_intake_write(db, p->who, p->in, p->prep, p->r, p->e);
}

/*
 * Public intake is the write a crowd of residents makes at once, so it goes through group
 * commit: many intakes share one transaction and one fsync, each in a savepoint of its
 * own (a failing intake rolls back alone), and the 201 is sent only after the shared
 * commit, so an acknowledged complaint is as durable as one committed alone. What needs
 * no write lock (checks, routing, the due time, the PIN) is done here first, on this
 * thread, so that the one writer runs only the writes.
 */
void api_public_complaints_create(struct http_request *req)
{
        struct complaint_input in;
        struct complaint_consent consents[MAX_CONSENTS];
        struct complaint_receipt r;
        struct complaint_prepared prep;
        struct pcrm_error e;
        const char *tenant;
        struct actor who;
        if (http_public_rate_limited(req))
                return;
        if (read_intake(req, true, &in, consents, &tenant) || api_public_actor(req, tenant, &who))
                return;
        int rc = complaint_intake_prepare(req->db, &who, &in, &prep, &r, &e);
        if (rc == PCRM_OK && !r.replayed) {
                struct public_intake job = {
                    .who = &who, .in = &in, .prep = &prep, .r = &r, .e = &e};
                if (store_group_run(public_intake_run, &job, &rc) != STORE_OK)
                        rc = public_intake_run(req->db, &job); /* no writer: commit alone */
        }
        complaint_prepared_release(&prep);
        if (rc) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, r.replayed ? 200 : 201, receipt_json(&r, true));
}

static const char *dept_name_of(struct http_request *req, int64_t tenant_id, int64_t dept_id,
                                char *buf, size_t len)
{
        struct department d;
        struct actor scope = {.tenant_id = tenant_id};
        if (!dept_id || dept_get(req->db, &scope, dept_id, &d, NULL) != PCRM_OK)
                return NULL;
        snprintf(buf, len, "%s", d.name);
        return buf;
}

/* The events of a complaint, oldest first; staff names only when staff ask. */
static json_t *history_json(struct http_request *req, int64_t tenant_id, int64_t id, bool staff)
{
        json_t *arr = json_array();
        struct store_stmt *st = store_prepare(
            req->db, "SELECT e.at, e.action, e.from_status, e.to_status, e.note, e.actor_name,"
                     " d.name, u.display_name FROM complaint_events e"
                     " LEFT JOIN departments d ON d.id = e.dept_id"
                     " LEFT JOIN users u ON e.actor_type = 'user' AND u.id = e.actor_id"
                     " WHERE e.tenant_id = ? AND e.complaint_id = ? ORDER BY e.id");
        if (!st)
                return arr;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, id);
        while (store_step(st) == STORE_ROW) {
                const char *action = store_col_text(st, 1);
                /* Internal notes stay internal. */
                if (!staff && action && !strcmp(action, "note"))
                        continue;
                json_t *o =
                    json_pack("{s:o, s:s, s:o, s:o, s:o}", "at",
                              http_json_time(store_col_int(st, 0)), "action", action ? action : "",
                              "from_status", http_json_str_or_null(store_col_text(st, 2)),
                              "to_status", http_json_str_or_null(store_col_text(st, 3)),
                              "department", http_json_str_or_null(store_col_text(st, 6)));
                if (staff) {
                        json_object_set_new(o, "note",
                                            http_json_str_or_null(store_col_text(st, 4)));
                        json_object_set_new(o, "actor",
                                            http_json_str_or_null(store_col_text(st, 5)));
                } else if (req->cfg->public_officer_names) {
                        /* Some cities name the officer to the resident (담당자 실명제). */
                        json_object_set_new(o, "officer",
                                            http_json_str_or_null(store_col_text(st, 7)));
                }
                json_array_append_new(arr, o);
        }
        store_done(st);
        return arr;
}

/* Overdue now: still open, not waiting for the resident, and past its due time. */
static bool is_overdue(const char *status, int64_t due_at, int64_t paused_at, int64_t now)
{
        static const char *const open_states[] = {"received", "assigned", "in_progress",
                                                  "extended"};
        bool open = false;
        for (size_t i = 0; i < sizeof(open_states) / sizeof(open_states[0]) && !open; i++)
                open = status && !strcmp(status, open_states[i]);
        return open && !paused_at && due_at < now;
}

static json_t *complaint_json(struct http_request *req, const struct complaint *c, bool staff)
{
        char dept[256];
        json_t *o = json_pack(
            "{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "receipt_no", c->receipt_no,
            "title", c->title, "body", c->body, "channel", c->channel, "status", c->status,
            "received_at", http_json_time(c->received_at), "due_at", http_json_time(c->due_at),
            "answered_at", http_json_time(c->answered_at), "closed_at",
            http_json_time(c->closed_at), "answer", http_json_str_or_null(c->answer));
        json_object_set_new(
            o, "department",
            http_json_str_or_null(dept_name_of(req, c->tenant_id, c->dept_id, dept, sizeof(dept))));
        json_object_set_new(
            o, "overdue",
            json_boolean(is_overdue(c->status, c->due_at, c->paused_at, time_now_ms())));
        json_object_set_new(o, "history", history_json(req, c->tenant_id, c->id, staff));
        if (!staff)
                return o;
        json_object_set_new(o, "id", json_integer(c->id));
        json_object_set_new(o, "type_code", http_json_str_or_null(c->type_code));
        json_object_set_new(o, "period", json_string(c->period));
        json_object_set_new(o, "dept_id", c->dept_id ? json_integer(c->dept_id) : json_null());
        json_object_set_new(o, "officer_id",
                            c->officer_id ? json_integer(c->officer_id) : json_null());
        json_object_set_new(o, "customer_id",
                            c->customer_id ? json_integer(c->customer_id) : json_null());
        json_object_set_new(o, "paused_at", http_json_time(c->paused_at));
        json_object_set_new(o, "extensions", json_integer(c->extensions));
        json_object_set_new(o, "repeat_of",
                            c->repeat_of ? json_integer(c->repeat_of) : json_null());
        json_object_set_new(o, "grievance",
                            c->escalated_at
                                ? json_pack("{s:s, s:I, s:o}", "case", c->grievance_case,
                                            "owner_id", (json_int_t)c->grievance_owner,
                                            "escalated_at", http_json_time(c->escalated_at))
                                : json_null());
        json_object_set_new(o, "route",
                            c->route_label[0] ? json_pack("{s:s, s:f}", "label", c->route_label,
                                                          "score", c->route_score)
                                              : json_null());
        const char *allowed[16];
        size_t n = complaint_allowed_actions(&req->who, c, allowed, 16);
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, json_string(allowed[i]));
        json_object_set_new(o, "allowed_actions", arr);
        return o;
}

json_t *api_complaint_public_json(struct http_request *req, const struct complaint *c)
{
        return complaint_json(req, c, false);
}

void api_public_complaints_track(struct http_request *req)
{
        struct actor who;
        struct complaint c;
        struct pcrm_error e;
        if (api_public_actor(req, http_query(req, "tenant"), &who))
                return;
        int rc = complaint_track(req->db, who.tenant_id, req->params[0],
                                 http_header(req, "X-Tracking-Pin"), &c, &e);
        if (rc == PCRM_ERULE) {
                http_add_header(req, "Retry-After", "3600");
                http_reply_error(req, 429, "too_many_requests", "pin", e.message);
                return;
        }
        if (rc) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 200, complaint_json(req, &c, false));
        complaint_release(&c);
}

void api_complaints_get(struct http_request *req)
{
        struct complaint c;
        struct pcrm_error e;
        if (complaint_get(req->db, &req->who, req->params[0], &c, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        if ((req->who.role & (ROLE_OFFICER | ROLE_DEPT_HEAD)) && c.dept_id &&
            c.dept_id != req->who.dept_id) {
                complaint_release(&c);
                http_reply_error(req, 403, "forbidden", NULL, "다른 부서의 민원입니다");
                return;
        }
        json_t *o = complaint_json(req, &c, true);
        struct customer cust;
        if (c.customer_id &&
            customer_load(req->db, req->who.tenant_id, c.customer_id, &cust) == PCRM_OK)
                json_object_set_new(o, "resident", api_customer_summary(&cust));
        struct audit_event ev = {
            .action = "complaint.read", .target_type = "complaint", .target_id = c.receipt_no};
        complaint_release(&c);
        if (audit_record(req->db, &req->who, &ev) < 0) {
                json_decref(o);
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        http_reply_json(req, 200, o);
}

void api_complaints_act(struct http_request *req)
{
        static const char *const fields[] = {
            "action",     "officer_id",         "dept_id",        "text", "destination",
            "new_due_at", "resident_consented", "grievance_case", NULL};
        struct complaint_action act = {0};
        const char *new_due = NULL;
        int consented = -1;
        json_t *body = http_body_object(req);
        if (!body || http_check_fields(req, body, fields) ||
            http_field_string(req, body, "action", true, 32, &act.action) ||
            http_field_int(req, body, "officer_id", false, &act.officer_id, NULL) ||
            http_field_int(req, body, "dept_id", false, &act.dept_id, NULL) ||
            http_field_string(req, body, "text", false, COMPLAINT_BODY_MAX, &act.text) ||
            http_field_string(req, body, "destination", false, 100, &act.destination) ||
            http_field_string(req, body, "new_due_at", false, 40, &new_due) ||
            http_field_bool(req, body, "resident_consented", &consented) ||
            http_field_string(req, body, "grievance_case", false, 60, &act.grievance_case))
                return;
        if (new_due && time_parse_iso(new_due, &act.new_due_at) < 0) {
                http_reply_error(req, 400, "invalid_field", "new_due_at",
                                 "시각은 2026-11-28T18:00+09:00 형식이어야 합니다");
                return;
        }
        act.resident_consented = consented == 1;
        struct complaint c;
        struct pcrm_error e;
        if (complaint_act(req->db, &req->who, req->params[0], &act, &c, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 200, complaint_json(req, &c, true));
        complaint_release(&c);
}

/* A query parameter, NULL when absent or empty. */
static const char *query_or_null(struct http_request *req, const char *name)
{
        const char *v = http_query(req, name);
        return v && *v ? v : NULL;
}

/* The department an inbox is scoped to: an officer's and a head's own (with triage),
 * else ?dept_id= or the whole tenant (0). */
static int64_t inbox_dept(struct http_request *req)
{
        if (req->who.role & (ROLE_OFFICER | ROLE_DEPT_HEAD))
                return req->who.dept_id;
        const char *q = query_or_null(req, "dept_id");
        return q ? strtoll(q, NULL, 10) : 0;
}

static int64_t end_of_today_kst(int64_t now)
{
        struct civil_time t;
        time_to_civil(now, TIME_KST_OFFSET_MIN, &t);
        t.hour = 23, t.minute = 59, t.second = 59, t.msec = 999;
        return time_from_civil(&t, TIME_KST_OFFSET_MIN);
}

/*
 * GET /api/v1/complaints/counts: how many complaints each inbox filter holds, in the
 * caller's scope (and ?type_code=, ?channel=), counted by the database so that a
 * department with thousands of open complaints gets the right numbers.
 */
void api_complaints_counts(struct http_request *req)
{
        int64_t dept = inbox_dept(req), now = time_now_ms();
        bool own = (req->who.role & (ROLE_OFFICER | ROLE_DEPT_HEAD)) != 0;
        const char *type = query_or_null(req, "type_code"),
                   *channel = query_or_null(req, "channel");
        struct store_stmt *st = store_prepare(
            req->db,
            "SELECT status, count(*),"
            " sum(status IN " COMPLAINT_RUNNING_SQL " AND due_at <= ?6),"
            " sum(status IN " COMPLAINT_RUNNING_SQL " AND paused_at IS NULL AND due_at < ?7),"
            " sum(status = 'received' AND dept_id IS NULL), status IN " COMPLAINT_OPEN_SQL
            " FROM complaints WHERE tenant_id = ?1"
            " AND (?2 = 0 OR dept_id = ?2 OR (?3 = 1 AND dept_id IS NULL))"
            " AND (CAST(?4 AS TEXT) IS NULL OR type_code = ?4)"
            " AND (CAST(?5 AS TEXT) IS NULL OR channel = ?5) GROUP BY status");
        if (!st) {
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        store_bind_int(st, 1, req->who.tenant_id);
        store_bind_int(st, 2, dept);
        store_bind_int(st, 3, own);
        store_bind_text(st, 4, type);
        store_bind_text(st, 5, channel);
        store_bind_int(st, 6, end_of_today_kst(now));
        store_bind_int(st, 7, now);
        json_t *by_status = json_object();
        int64_t open = 0, today = 0, overdue = 0, triage = 0, total = 0;
        int step;
        while ((step = store_step(st)) == STORE_ROW) {
                const char *status = store_col_text(st, 0);
                int64_t n = store_col_int(st, 1);
                json_object_set_new(by_status, status, json_integer(n));
                total += n;
                open += store_col_int(st, 5) ? n : 0;
                today += store_col_int(st, 2);
                overdue += store_col_int(st, 3);
                triage += store_col_int(st, 4);
        }
        store_done(st);
        if (step != STORE_DONE) {
                json_decref(by_status);
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        json_t *sup = json_object_get(by_status, "awaiting_supplement");
        json_t *ans = json_object_get(by_status, "answered");
        http_reply_json(req, 200,
                        json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "open",
                                  (json_int_t)open, "due_today", (json_int_t)today, "overdue",
                                  (json_int_t)overdue, "awaiting_supplement",
                                  (json_int_t)(sup ? json_integer_value(sup) : 0), "triage",
                                  (json_int_t)triage, "answered",
                                  (json_int_t)(ans ? json_integer_value(ans) : 0), "total",
                                  (json_int_t)total, "by_status", by_status));
}

void api_complaints_list(struct http_request *req)
{
        int64_t cursor;
        size_t limit;
        if (http_page(req, &cursor, &limit, 50, 200))
                return;
        const char *status = http_query(req, "status"), *due = http_query(req, "due");
        int64_t dept = inbox_dept(req); /* an officer's inbox is their department's */
        bool triage = status && !strcmp(status, "triage");
        int64_t now = time_now_ms();
        int64_t end_of_today = end_of_today_kst(now);
        struct store_stmt *st = store_prepare(
            req->db,
            "SELECT receipt_no, title, status, channel, received_at, due_at, dept_id, officer_id,"
            " paused_at, overdue_at, type_code, id,"
            " (SELECT name FROM departments d WHERE d.id = complaints.dept_id)"
            " FROM complaints"
            " WHERE tenant_id = ? AND (? = 0 OR dept_id = ? OR (? = 1 AND dept_id IS NULL))"
            " AND (CAST(? AS TEXT) IS NULL OR status = ? OR (? = 1 AND dept_id IS NULL AND"
            " status = 'received'))"
            " AND (? = 0 OR (due_at < ? AND status IN " COMPLAINT_RUNNING_SQL
            " AND paused_at IS NULL))"
            " AND (? = 0 OR (due_at <= ? AND status IN " COMPLAINT_RUNNING_SQL "))"
            " AND (CAST(? AS TEXT) IS NULL OR grievance_case = ?)"
            " AND (CAST(? AS TEXT) IS NULL OR type_code = ?)"
            " AND (CAST(? AS TEXT) IS NULL OR channel = ?)"
            " ORDER BY due_at, id LIMIT ? OFFSET ?");
        if (!st) {
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        bool overdue = due && !strcmp(due, "overdue"), today = due && !strcmp(due, "today");
        int i = 1;
        store_bind_int(st, i++, req->who.tenant_id);
        store_bind_int(st, i++, dept);
        store_bind_int(st, i++, dept);
        store_bind_int(st, i++, (req->who.role & (ROLE_OFFICER | ROLE_DEPT_HEAD)) ? 1 : 0);
        store_bind_text(st, i++, triage ? "triage" : (status && *status ? status : NULL));
        store_bind_text(st, i++, triage ? NULL : status);
        store_bind_int(st, i++, triage);
        store_bind_int(st, i++, overdue);
        store_bind_int(st, i++, now);
        store_bind_int(st, i++, today);
        store_bind_int(st, i++, end_of_today);
        const char *gcase = http_query(req, "grievance_case");
        if (gcase && !*gcase)
                gcase = NULL;
        store_bind_text(st, i++, gcase);
        store_bind_text(st, i++, gcase);
        const char *type = query_or_null(req, "type_code"),
                   *channel = query_or_null(req, "channel");
        store_bind_text(st, i++, type);
        store_bind_text(st, i++, type);
        store_bind_text(st, i++, channel);
        store_bind_text(st, i++, channel);
        store_bind_int(st, i++, (int64_t)limit + 1);
        store_bind_int(st, i, cursor); /* the cursor counts the rows listed before */
        json_t *arr = json_array();
        size_t rows = 0;
        bool more = false;
        while (store_step(st) == STORE_ROW) {
                if (rows++ == limit) {
                        more = true;
                        break;
                }
                json_t *o =
                    json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:b}", "receipt_no",
                              store_col_text(st, 0), "title", store_col_text(st, 1), "status",
                              store_col_text(st, 2), "channel", store_col_text(st, 3),
                              "received_at", http_json_time(store_col_int(st, 4)), "due_at",
                              http_json_time(store_col_int(st, 5)), "department",
                              http_json_str_or_null(store_col_text(st, 12)), "type_code",
                              http_json_str_or_null(store_col_text(st, 10)), "overdue",
                              is_overdue(store_col_text(st, 2), store_col_int(st, 5),
                                         store_col_int(st, 8), now));
                if (o)
                        json_array_append_new(arr, o);
        }
        store_done(st);
        json_t *next =
            more ? json_sprintf("%lld", (long long)(cursor + (int64_t)limit)) : json_null();
        http_reply_json(req, 200, json_pack("{s:o, s:o}", "items", arr, "next_cursor", next));
}

void api_complaint_types_list(struct http_request *req)
{
        struct actor who = req->who;
        if (who.kind == ACTOR_ANONYMOUS && api_public_actor(req, http_query(req, "tenant"), &who))
                return;
        struct store_stmt *st = store_prepare(
            req->db, "SELECT t.code, t.name, t.kind, t.period, t.service_class, d.code, d.name"
                     " FROM complaint_types t LEFT JOIN departments d ON d.id = t.dept_id"
                     " WHERE t.tenant_id = ? AND t.active = 1 ORDER BY t.kind, t.name");
        json_t *arr = json_array();
        if (st) {
                store_bind_int(st, 1, who.tenant_id);
                while (store_step(st) == STORE_ROW) {
                        json_t *o = json_pack(
                            "{s:s, s:s, s:s, s:s, s:s, s:o}", "code", store_col_text(st, 0), "name",
                            store_col_text(st, 1), "kind", store_col_text(st, 2), "period",
                            store_col_text(st, 3), "service_class", store_col_text(st, 4),
                            "department", http_json_str_or_null(store_col_text(st, 6)));
                        if (o)
                                json_array_append_new(arr, o);
                }
                store_done(st);
        }
        http_reply_json(req, 200, json_pack("{s:o}", "items", arr));
}

/* A redacted copy of an answered complaint for publication as public Q&A (민원공개). */
void api_complaints_disclosure(struct http_request *req)
{
        struct complaint c;
        struct pcrm_error e;
        if (complaint_get(req->db, &req->who, req->params[0], &c, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        if (!c.answer) {
                complaint_release(&c);
                http_reply_error(req, 422, "rule_violated", "status",
                                 "답변한 민원만 공개할 수 있습니다");
                return;
        }
        struct customer cust;
        const char *name = NULL;
        if (c.customer_id &&
            customer_load(req->db, req->who.tenant_id, c.customer_id, &cust) == PCRM_OK)
                name = cust.name;
        char *title = NULL, *body = NULL, *answer = NULL;
        int rc = disclosure_redact(c.title, name, &title) | disclosure_redact(c.body, name, &body) |
                 disclosure_redact(c.answer, name, &answer);
        struct audit_event ev = {
            .action = "complaint.disclose", .target_type = "complaint", .target_id = c.receipt_no};
        if (rc == PCRM_OK && audit_record(req->db, &req->who, &ev) == 0)
                http_reply_json(req, 200,
                                json_pack("{s:s, s:s, s:s, s:s}", "receipt_no", c.receipt_no,
                                          "title", title, "body", body, "answer", answer));
        else
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
        free(title);
        free(body);
        free(answer);
        complaint_release(&c);
}

/* Bulk actions for simple complaints (certificates, everyday reports): the same action on
 * up to 100 complaints, each in its own transaction, with a result per receipt. Complex
 * and long-term complaints are refused here: they are completed one by one, by result. */
void api_complaints_bulk(struct http_request *req)
{
        static const char *const fields[] = {"receipts", "action", "text", NULL};
        struct complaint_action act = {0};
        json_t *body = http_body_object(req);
        if (!body || http_check_fields(req, body, fields) ||
            http_field_string(req, body, "action", true, 32, &act.action) ||
            http_field_string(req, body, "text", false, COMPLAINT_BODY_MAX, &act.text))
                return;
        static const char *const bulk_actions[] = {"assign", "start", "answer", "close", NULL};
        bool allowed = false;
        for (int i = 0; bulk_actions[i] && !allowed; i++)
                allowed = !strcmp(bulk_actions[i], act.action);
        json_t *receipts = json_object_get(body, "receipts");
        if (!allowed) {
                http_reply_error(req, 400, "invalid_field", "action",
                                 "일괄 처리는 assign, start, answer, close만 됩니다");
                return;
        }
        if (!json_is_array(receipts) || json_array_size(receipts) == 0 ||
            json_array_size(receipts) > 100) {
                http_reply_error(req, 400, "invalid_field", "receipts",
                                 "receipts는 접수번호 1~100개의 배열이어야 합니다");
                return;
        }
        json_t *results = json_array();
        size_t i;
        json_t *v;
        json_array_foreach(receipts, i, v)
        {
                const char *receipt = json_string_value(v);
                json_t *r = json_pack("{s:s}", "receipt_no", receipt ? receipt : "");
                struct complaint c;
                struct pcrm_error e;
                int rc = receipt && strlen(receipt) < COMPLAINT_RECEIPT_SIZE
                             ? complaint_get(req->db, &req->who, receipt, &c, &e)
                             : err_set(&e, PCRM_EINVALID, "receipts", "접수번호가 아닙니다");
                if (rc == PCRM_OK) {
                        bool simple = false;
                        struct store_stmt *st =
                            store_prepare(req->db, "SELECT service_class FROM complaint_types WHERE"
                                                   " tenant_id = ? AND code = ?");
                        if (st) {
                                store_bind_int(st, 1, req->who.tenant_id);
                                store_bind_text(st, 2, c.type_code);
                                simple = store_step(st) == STORE_ROW && store_col_text(st, 0) &&
                                         !strcmp(store_col_text(st, 0), "simple");
                                store_done(st);
                        }
                        complaint_release(&c);
                        rc = simple ? complaint_act(req->db, &req->who, receipt, &act, &c, &e)
                                    : err_set(&e, PCRM_ERULE, "receipts",
                                              "단순 민원만 일괄 처리할 수 있습니다");
                        if (rc == PCRM_OK) {
                                json_object_set_new(r, "status", json_string(c.status));
                                complaint_release(&c);
                        }
                }
                if (rc != PCRM_OK)
                        json_object_set_new(r, "error",
                                            json_pack("{s:s, s:s}", "code", err_code_name(e.code),
                                                      "message", e.message));
                json_array_append_new(results, r);
        }
        http_reply_json(req, 200, json_pack("{s:o}", "results", results));
}
