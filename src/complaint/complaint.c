#include "complaint/complaint.h"

#include "auth/audit.h"
#include "auth/department.h"
#include "auth/secret.h"
#include "auth/tenant.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/embed.h"
#include "base/log.h"
#include "base/time.h"
#include "base/utf8.h"
#include "base/validate.h"
#include "customer/consent.h"
#include "customer/intake.h"
#include "notify/outbox.h"

#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PIN_FAILURES_MAX 10
#define PIN_LOCK_MS      (3600 * INT64_C(1000))
#define DEFAULT_PERIOD   "7d" /* a complaint of no known type: 고충 7 days */

static const char *const channels[] = {"web",   "mobile", "phone", "visit", "mail",
                                       "email", "sms",    "kiosk", "fax",   NULL};

static bool channel_valid(const char *c)
{
        for (int i = 0; c && channels[i]; i++)
                if (!strcmp(channels[i], c))
                        return true;
        return false;
}

void complaint_release(struct complaint *c)
{
        free(c->body);
        free(c->answer);
        c->body = c->answer = NULL;
}

static int db_error(struct store_db *db, struct pcrm_error *e)
{
        store_rollback(db);
        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
}

int complaint_types_seed(struct store_db *db, int64_t tenant_id)
{
        const struct embed_file *f = embed_data_file("complaint-types.csv");
        if (!f)
                return 0;
        struct csv_reader r;
        csv_init(&r, f->data, f->size);
        int added = 0, rc;
        csv_next(&r); /* code,name,kind,period,department,service_class,evaluation */
        while ((rc = csv_next(&r)) == 1 && added >= 0) {
                if (r.nfields < 7)
                        continue;
                struct department d;
                int64_t dept =
                    dept_find_code(db, tenant_id, csv_field(&r, 4), &d) == PCRM_OK ? d.id : 0;
                struct store_stmt *st = store_prepare(
                    db, "INSERT INTO complaint_types (tenant_id, code, name, kind, period, dept_id,"
                        " service_class, evaluation, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT (tenant_id, code) DO NOTHING");
                if (!st) {
                        added = -1;
                        break;
                }
                store_bind_int(st, 1, tenant_id);
                for (int i = 0; i < 4; i++)
                        store_bind_text(st, 2 + i, csv_field(&r, (size_t)i));
                if (dept)
                        store_bind_int(st, 6, dept);
                store_bind_text(st, 7, csv_field(&r, 5));
                store_bind_text(st, 8, csv_field(&r, 6));
                store_bind_int(st, 9, time_now_ms());
                int step = store_step(st);
                store_done(st);
                if (step != STORE_DONE)
                        added = -1;
                else if (store_changes(db) > 0)
                        added++;
        }
        csv_release(&r);
        return rc < 0 ? -1 : added;
}

/* Multi-line text: valid UTF-8, no control characters but tab and line breaks. */
static int validate_body(const char *field, const char *s, size_t max, struct pcrm_error *e)
{
        if (!s || !*s)
                return err_set(e, PCRM_EINVALID, field, "%s 항목이 필요합니다", field);
        size_t len = strlen(s);
        if (!utf8_valid_text(s, len))
                return err_set(e, PCRM_EINVALID, field, "%s에 허용되지 않는 문자가 있습니다",
                               field);
        if (utf8_length(s, len) > max)
                return err_set(e, PCRM_EINVALID, field, "%s는 %zu자를 넘을 수 없습니다", field,
                               max);
        return PCRM_OK;
}

static int intake_check(const struct complaint_input *in, struct pcrm_error *e)
{
        int rc;
        if ((rc = validate_text("title", in->title, 1, COMPLAINT_TITLE_MAX, e)) ||
            (rc = validate_body("body", in->body, COMPLAINT_BODY_MAX, e)))
                return rc;
        char key[CUSTOMER_NAME_SIZE];
        customer_name_key(in->title, key, sizeof(key)); /* all spaces gone */
        if (!key[0])
                return err_set(e, PCRM_EINVALID, "title", "제목을 적어야 합니다");
        bool body_blank = true;
        for (const char *p = in->body; *p && body_blank; p++)
                body_blank = *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t';
        if (body_blank)
                return err_set(e, PCRM_EINVALID, "body", "내용을 적어야 합니다");
        if (!channel_valid(in->channel))
                return err_set(e, PCRM_EINVALID, "channel",
                               "접수 경로는 web, mobile, phone, visit, mail, email, sms, kiosk,"
                               " fax 중 하나여야 합니다");
        if (!in->resident.name || !*in->resident.name)
                return err_set(e, PCRM_EINVALID, "resident.name", "민원인 이름이 필요합니다");
        /* Contact details must be usable, or nobody can tell the resident anything. */
        char canon[CLEANSE_EMAIL_SIZE], rrn[RRN_SIZE];
        const struct customer_input *r = &in->resident;
        enum cleanse_status ms = cleanse_mobile(r->mobile ? r->mobile : "", canon, sizeof(canon));
        enum cleanse_status ps = cleanse_phone(r->phone ? r->phone : "", canon, sizeof(canon));
        enum cleanse_status es = cleanse_email(r->email ? r->email : "", canon, sizeof(canon));
        if (ms == CLEANSE_INVALID)
                return err_set(e, PCRM_EINVALID, "resident.mobile",
                               "휴대전화 번호가 올바르지 않습니다");
        if (ps == CLEANSE_INVALID)
                return err_set(e, PCRM_EINVALID, "resident.phone", "전화번호가 올바르지 않습니다");
        if (es == CLEANSE_INVALID)
                return err_set(e, PCRM_EINVALID, "resident.email",
                               "전자우편 주소가 올바르지 않습니다");
        if (r->rrn && cleanse_rrn(r->rrn, rrn, sizeof(rrn)) == CLEANSE_INVALID)
                return err_set(e, PCRM_EINVALID, "resident.rrn",
                               "주민등록번호가 올바르지 않습니다");
        if (in->public_intake && ms == CLEANSE_NULL && ps == CLEANSE_NULL && es == CLEANSE_NULL)
                return err_set(e, PCRM_EINVALID, "resident.mobile",
                               "처리 결과를 알려드릴 휴대전화, 전화 또는 전자우편이 필요합니다");
        if (in->has_location &&
            (!(in->lat >= 33.0 && in->lat <= 39.0) || !(in->lng >= 124.0 && in->lng <= 132.0)))
                return err_set(e, PCRM_EINVALID, "location", "위치가 대한민국 안이 아닙니다");
        return PCRM_OK;
}

/* The first result of an earlier intake with the same Idempotency-Key, if any. */
static int find_replay(struct store_db *db, int64_t tenant_id, const char *key,
                       struct complaint_receipt *out)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT c.id, c.receipt_no, c.status, c.due_at, c.customer_id, c.dept_id,"
                " d.code, d.name, c.pin_sealed FROM complaints c"
                " LEFT JOIN departments d ON d.id = c.dept_id"
                " WHERE c.tenant_id = ? AND c.idempotency_key = ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, key);
        int rc = store_step(st);
        if (rc == STORE_ROW) {
                memset(out, 0, sizeof(*out));
                out->id = store_col_int(st, 0);
                store_col_copy(st, 1, out->receipt_no, sizeof(out->receipt_no));
                store_col_copy(st, 2, out->status, sizeof(out->status));
                out->due_at = store_col_int(st, 3);
                out->customer_id = store_col_int(st, 4);
                out->dept_id = store_col_int(st, 5);
                store_col_copy(st, 6, out->dept_code, sizeof(out->dept_code));
                store_col_copy(st, 7, out->dept_name, sizeof(out->dept_name));
                /* The resident retrying a lost answer needs the PIN of the first one. */
                if (!store_col_is_null(st, 8) &&
                    sec_open("pin", store_col_blob(st, 8), store_col_bytes(st, 8), out->pin,
                             sizeof(out->pin)) < 0)
                        out->pin[0] = '\0';
                out->replayed = true;
        }
        store_done(st);
        return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

int complaint_next_receipt(struct store_db *db, int64_t tenant_id, int64_t received_at, char *out)
{
        struct civil_time t;
        time_to_civil(received_at, TIME_KST_OFFSET_MIN, &t);
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO complaint_receipts (tenant_id, year, last) VALUES (?, ?, 1)"
                " ON CONFLICT (tenant_id, year) DO UPDATE SET last = last + 1 RETURNING last");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, t.year);
        int rc = store_step(st);
        int64_t n = rc == STORE_ROW ? store_col_int(st, 0) : 0;
        store_done(st);
        if (rc != STORE_ROW || n > 999999)
                return -1;
        char text[48];
        snprintf(text, sizeof(text), "%04d-%06d", t.year % 10000, (int)n);
        utf8_copy(out, COMPLAINT_RECEIPT_SIZE, text);
        return 0;
}

/* The catalogue type, or else the router's guess; a complaint nobody can place waits in
 * triage (no department) rather than going to a wrong one. */
static int resolve_type(struct store_db *db, int64_t tenant_id, const struct complaint_input *in,
                        struct complaint_prepared *rt, struct pcrm_error *e)
{
        snprintf(rt->period, sizeof(rt->period), "%s", DEFAULT_PERIOD);
        if (in->type_code && *in->type_code) {
                struct store_stmt *st =
                    store_prepare(db, "SELECT code, period, dept_id, service_class FROM "
                                      "complaint_types WHERE tenant_id = ?"
                                      " AND code = ? AND active = 1");
                if (!st)
                        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
                store_bind_int(st, 1, tenant_id);
                store_bind_text(st, 2, in->type_code);
                int rc = store_step(st);
                if (rc == STORE_ROW) {
                        store_col_copy(st, 0, rt->type_code, sizeof(rt->type_code));
                        store_col_copy(st, 1, rt->period, sizeof(rt->period));
                        rt->dept_id = store_col_int(st, 2);
                        store_col_copy(st, 3, rt->service_class, sizeof(rt->service_class));
                }
                store_done(st);
                if (rc == STORE_DONE)
                        return err_set(e, PCRM_EINVALID, "type_code", "없는 민원 유형입니다: %s",
                                       in->type_code);
                if (rc != STORE_ROW)
                        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
                return PCRM_OK;
        }
        const struct route_model *m = route_model_cached(db, tenant_id);
        if (!m)
                return PCRM_OK;
        struct buf text;
        buf_init(&text, 64 * 1024);
        buf_printf(&text, "%s\n%s", in->title, in->body);
        struct route_guess g;
        if (route_classify(m, text.data, &g, 1) == 1) {
                snprintf(rt->route_label, sizeof(rt->route_label), "%s", g.label);
                rt->route_score = g.score;
                struct department d;
                if (g.score >= COMPLAINT_ROUTE_CONFIDENCE &&
                    dept_find_code(db, tenant_id, g.label, &d) == PCRM_OK)
                        rt->dept_id = d.id;
        }
        buf_release(&text);
        route_model_release(m);
        return PCRM_OK;
}

int64_t complaint_event_append(struct store_db *db, const struct actor *who, int64_t complaint_id,
                               const char *action, const char *from, const char *to,
                               int64_t dept_id, const char *note)
{
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO complaint_events (tenant_id, complaint_id, at, actor_type, actor_id,"
                " actor_name, action, from_status, to_status, dept_id, note)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
        if (!st)
                return -1;
        store_bind_int(st, 1, who->tenant_id);
        store_bind_int(st, 2, complaint_id);
        store_bind_int(st, 3, time_now_ms());
        store_bind_text(st, 4, actor_kind_name(who->kind));
        if (who->id)
                store_bind_int(st, 5, who->id);
        store_bind_text(st, 6, who->name[0] ? who->name : NULL);
        store_bind_text(st, 7, action);
        store_bind_text(st, 8, from);
        store_bind_text(st, 9, to);
        if (dept_id)
                store_bind_int(st, 10, dept_id);
        store_bind_text(st, 11, note && *note ? note : NULL);
        int64_t id = store_step(st) == STORE_ROW ? store_col_int(st, 0) : -1;
        store_done(st);
        return id;
}

static int audit_complaint(struct store_db *db, const struct actor *who, const char *action,
                           const char *receipt_no, const char *detail)
{
        struct audit_event ev = {.action = action,
                                 .target_type = "complaint",
                                 .target_id = receipt_no,
                                 .detail = detail};
        return audit_append(db, who, &ev);
}

/* The resident block as entered, for the source record (the RRN is sealed apart). */
static json_t *resident_fields(const struct complaint_input *in)
{
        const struct customer_input *r = &in->resident;
        json_t *o = json_object();
        const char *names[] = {"name", "phone", "mobile", "email", "address", "postal_code"};
        const char *values[] = {r->name, r->phone, r->mobile, r->email, r->address, r->postal_code};
        for (size_t i = 0; o && i < sizeof(names) / sizeof(names[0]); i++)
                if (values[i])
                        json_object_set_new(o, names[i], json_string(values[i]));
        if (o)
                json_object_set_new(o, "channel", json_string(in->channel));
        return o;
}

static int insert_complaint(struct store_db *db, const struct actor *who,
                            const struct complaint_input *in, const struct complaint_prepared *rt,
                            const char *receipt_no, int64_t customer_id, int64_t source_id,
                            int64_t received, int64_t due, const char *pin_hash, const char *pin,
                            int64_t repeat_of, int64_t *id)
{
        struct store_stmt *st = store_prepare(
            db,
            "INSERT INTO complaints (tenant_id, receipt_no, type_code, title, body, channel,"
            " customer_id, source_record_id, dept_id, status, period, received_at, due_at,"
            " route_label, route_score, lat, lng, pin_hash, idempotency_key, created_at,"
            " updated_at, pin_sealed, repeat_of, review_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "'received',"
            " ?, ?, ?, ?, CAST(? AS REAL), CAST(? AS REAL), CAST(? AS REAL), ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id");
        if (!st)
                return -1;
        char score[32], lat[32], lng[32];
        snprintf(score, sizeof(score), "%.4f", rt->route_score);
        snprintf(lat, sizeof(lat), "%.6f", in->lat);
        snprintf(lng, sizeof(lng), "%.6f", in->lng);
        int64_t now = time_now_ms();
        store_bind_int(st, 1, who->tenant_id);
        store_bind_text(st, 2, receipt_no);
        store_bind_text(st, 3, rt->type_code[0] ? rt->type_code : NULL);
        store_bind_text(st, 4, in->title);
        store_bind_text(st, 5, in->body);
        store_bind_text(st, 6, in->channel);
        store_bind_int(st, 7, customer_id);
        store_bind_int(st, 8, source_id);
        if (rt->dept_id)
                store_bind_int(st, 9, rt->dept_id);
        store_bind_text(st, 10, rt->period);
        store_bind_int(st, 11, received);
        store_bind_int(st, 12, due);
        store_bind_text(st, 13, rt->route_label[0] ? rt->route_label : NULL);
        store_bind_text(st, 14, rt->route_label[0] ? score : NULL);
        store_bind_text(st, 15, in->has_location ? lat : NULL);
        store_bind_text(st, 16, in->has_location ? lng : NULL);
        store_bind_text(st, 17, pin_hash);
        store_bind_text(st, 18,
                        in->idempotency_key && *in->idempotency_key ? in->idempotency_key : NULL);
        store_bind_int(st, 19, now);
        store_bind_int(st, 20, now);
        unsigned char sealed[COMPLAINT_PIN_DIGITS + SEC_SEAL_OVERHEAD];
        size_t sealed_len;
        if (pin && *pin && in->idempotency_key && *in->idempotency_key &&
            sec_seal("pin", pin, strlen(pin), sealed, sizeof(sealed), &sealed_len) == 0)
                store_bind_blob(st, 21, sealed, sealed_len);
        if (repeat_of > 0)
                store_bind_int(st, 22, repeat_of);
        if (!strcmp(rt->service_class, "periodic") || !strcmp(rt->service_class, "long_term"))
                store_bind_int(st, 23, received + COMPLAINT_REVIEW_DAYS * TIME_MS_PER_DAY);
        int rc = store_step(st);
        *id = rc == STORE_ROW ? store_col_int(st, 0) : 0;
        store_done(st);
        return rc == STORE_ROW ? 0 : -1;
}

static void pin_hash_of(const char *receipt_no, const char *pin, char out[SEC_HASH_HEX])
{
        char both[48];
        snprintf(both, sizeof(both), "%s:%s", receipt_no, pin);
        sec_blind_index("pin", both, out);
}

void complaint_prepared_release(struct complaint_prepared *prep)
{
        json_decref(prep->fields);
        prep->fields = NULL;
}

int complaint_intake_prepare(struct store_db *db, const struct actor *who,
                             const struct complaint_input *in, struct complaint_prepared *prep,
                             struct complaint_receipt *out, struct pcrm_error *e)
{
        memset(prep, 0, sizeof(*prep));
        memset(out, 0, sizeof(*out));
        int rc = intake_check(in, e);
        if (rc)
                return rc;
        /* A retry of an intake already committed is answered from it; one still in flight
         * is caught by the same check inside the write transaction. */
        if (in->idempotency_key && *in->idempotency_key) {
                int seen = find_replay(db, who->tenant_id, in->idempotency_key, out);
                if (seen != 0)
                        return seen > 0 ? PCRM_OK
                                        : err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        if ((rc = resolve_type(db, who->tenant_id, in, prep, e)))
                return rc;
        prep->received_at = in->received_at ? in->received_at : time_now_ms();
        struct period p;
        struct deadline_calendar *cal = deadline_calendar_load(db);
        if (!cal || period_parse(prep->period, &p) < 0) {
                deadline_calendar_free(cal);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        struct work_hours wh = WORK_HOURS_DEFAULT;
        prep->due_at = deadline_due(cal, &wh, prep->received_at, &p);
        deadline_calendar_free(cal);
        if (in->public_intake)
                snprintf(prep->pin, sizeof(prep->pin), "%06u", randombytes_uniform(1000000));
        struct department d;
        struct actor scope = {.tenant_id = who->tenant_id};
        if (prep->dept_id && dept_get(db, &scope, prep->dept_id, &d, NULL) == PCRM_OK) {
                utf8_copy(prep->dept_code, sizeof(prep->dept_code), d.code);
                utf8_copy(prep->dept_name, sizeof(prep->dept_name), d.name);
        }
        struct tenant t;
        if (tenant_get(db, who->tenant_id, &t) == PCRM_OK)
                utf8_copy(prep->agency, sizeof(prep->agency), t.name);
        if (!(prep->fields = resident_fields(in)))
                return err_set(e, PCRM_EINTERNAL, "", "메모리가 부족합니다");
        return PCRM_OK;
}

int complaint_intake_write(struct store_db *db, const struct actor *who,
                           const struct complaint_input *in, const struct complaint_prepared *prep,
                           struct complaint_receipt *out, struct pcrm_error *e)
{
        memset(out, 0, sizeof(*out));
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        if (in->idempotency_key && *in->idempotency_key) {
                int seen = find_replay(db, who->tenant_id, in->idempotency_key, out);
                if (seen != 0) {
                        store_rollback(db);
                        return seen > 0 ? PCRM_OK
                                        : err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
                }
        }
        int64_t received = prep->received_at, due = prep->due_at;
        if (complaint_next_receipt(db, who->tenant_id, received, out->receipt_no) < 0)
                return db_error(db, e);

        struct match_weights w;
        struct intake_result res;
        int rc = match_load_weights(db, who->tenant_id, &w) < 0
                     ? err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류")
                     : intake_record(db, who, &w, "complaint", out->receipt_no, &in->resident,
                                     prep->fields, &res, e);
        if (rc) {
                store_rollback(db);
                if (rc == PCRM_EINVALID)
                        snprintf(e->field, sizeof(e->field), "resident");
                return rc;
        }
        char pin_hash[SEC_HASH_HEX] = "";
        if (in->public_intake) {
                snprintf(out->pin, sizeof(out->pin), "%s", prep->pin);
                pin_hash_of(out->receipt_no, out->pin, pin_hash);
        }
        for (size_t i = 0; i < in->nconsents; i++) {
                rc = consent_append(db, who, res.customer_id, in->consents[i].purpose,
                                    in->consents[i].channel, true,
                                    in->public_intake ? "web" : in->channel, e);
                if (rc) {
                        store_rollback(db);
                        return rc;
                }
        }
        char detail[160];
        snprintf(detail, sizeof(detail), "{\"channel\":\"%s\",\"customer_id\":%" PRId64 "}",
                 in->channel, res.customer_id);
        struct buf text;
        buf_init(&text, 64 * 1024);
        buf_printf(&text, "%s\n%s", in->title, in->body);
        int64_t repeat_of =
            complaint_find_repeat(db, who->tenant_id, res.customer_id,
                                  prep->type_code[0] ? prep->type_code : NULL, text.data, received);
        buf_release(&text);
        if (repeat_of < 0)
                return db_error(db, e);
        struct outbox_complaint_facts facts = {.receipt_no = out->receipt_no,
                                               .title = in->title,
                                               .dept_name = prep->dept_name,
                                               .agency = prep->agency,
                                               .customer_id = res.customer_id,
                                               .due_at = due};
        int64_t event_id;
        if (insert_complaint(db, who, in, prep, out->receipt_no, res.customer_id,
                             res.source_record_id, received, due, pin_hash[0] ? pin_hash : NULL,
                             out->pin, repeat_of, &out->id) < 0 ||
            (event_id = complaint_event_append(
                 db, who, out->id, "receive", NULL, "received", prep->dept_id,
                 prep->route_label[0] ? prep->route_label : NULL)) < 0 ||
            outbox_complaint_event_facts(db, who->tenant_id, out->id, event_id, "receive", &facts) <
                0 ||
            (repeat_of && complaint_event_append(db, who, out->id, "repeat_detected", "received",
                                                 "received", prep->dept_id, NULL) < 0) ||
            audit_complaint(db, who, "complaint.create", out->receipt_no, detail) < 0 ||
            store_commit(db) != STORE_OK)
                return db_error(db, e);
        snprintf(out->status, sizeof(out->status), "received");
        out->due_at = due;
        out->customer_id = res.customer_id;
        out->dept_id = prep->dept_id;
        utf8_copy(out->dept_code, sizeof(out->dept_code), prep->dept_code);
        utf8_copy(out->dept_name, sizeof(out->dept_name), prep->dept_name);
        return PCRM_OK;
}

int complaint_intake(struct store_db *db, const struct actor *who, const struct complaint_input *in,
                     struct complaint_receipt *out, struct pcrm_error *e)
{
        struct complaint_prepared prep;
        int rc = complaint_intake_prepare(db, who, in, &prep, out, e);
        if (rc == PCRM_OK && !out->replayed)
                rc = complaint_intake_write(db, who, in, &prep, out, e);
        complaint_prepared_release(&prep);
        return rc;
}

#define COMPLAINT_COLUMNS                                                                          \
        "id, tenant_id, customer_id, dept_id, officer_id, receipt_no, type_code, title, body,"     \
        " answer, channel, status, period, received_at, due_at, paused_at, overdue_at,"            \
        " answered_at, closed_at, extensions, route_label, route_score, created_at, updated_at,"   \
        " repeat_of, grievance_case, grievance_owner, escalated_at"

static void complaint_from_row(struct store_stmt *st, struct complaint *c)
{
        memset(c, 0, sizeof(*c));
        c->id = store_col_int(st, 0);
        c->tenant_id = store_col_int(st, 1);
        c->customer_id = store_col_int(st, 2);
        c->dept_id = store_col_int(st, 3);
        c->officer_id = store_col_int(st, 4);
        store_col_copy(st, 5, c->receipt_no, sizeof(c->receipt_no));
        store_col_copy(st, 6, c->type_code, sizeof(c->type_code));
        store_col_copy(st, 7, c->title, sizeof(c->title));
        c->body = strdup(store_col_text(st, 8) ? store_col_text(st, 8) : "");
        c->answer = store_col_text(st, 9) ? strdup(store_col_text(st, 9)) : NULL;
        store_col_copy(st, 10, c->channel, sizeof(c->channel));
        store_col_copy(st, 11, c->status, sizeof(c->status));
        store_col_copy(st, 12, c->period, sizeof(c->period));
        c->received_at = store_col_int(st, 13);
        c->due_at = store_col_int(st, 14);
        c->paused_at = store_col_int(st, 15);
        c->overdue_at = store_col_int(st, 16);
        c->answered_at = store_col_int(st, 17);
        c->closed_at = store_col_int(st, 18);
        c->extensions = (int)store_col_int(st, 19);
        store_col_copy(st, 20, c->route_label, sizeof(c->route_label));
        const char *score = store_col_text(st, 21);
        c->route_score = score ? strtod(score, NULL) : 0;
        c->created_at = store_col_int(st, 22);
        c->updated_at = store_col_int(st, 23);
        c->repeat_of = store_col_int(st, 24);
        store_col_copy(st, 25, c->grievance_case, sizeof(c->grievance_case));
        c->grievance_owner = store_col_int(st, 26);
        c->escalated_at = store_col_int(st, 27);
}

static int complaint_load(struct store_db *db, int64_t tenant_id, const char *receipt_no,
                          struct complaint *out)
{
        struct store_stmt *st = store_prepare(db, "SELECT " COMPLAINT_COLUMNS " FROM complaints"
                                                  " WHERE tenant_id = ? AND receipt_no = ?");
        if (!st)
                return PCRM_EINTERNAL;
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, receipt_no);
        int rc = store_step(st);
        if (rc == STORE_ROW)
                complaint_from_row(st, out);
        store_done(st);
        if (rc == STORE_ROW && !out->body) {
                complaint_release(out);
                return PCRM_EINTERNAL;
        }
        return rc == STORE_ROW ? PCRM_OK : rc == STORE_DONE ? PCRM_ENOTFOUND : PCRM_EINTERNAL;
}

int complaint_get(struct store_db *db, const struct actor *who, const char *receipt_no,
                  struct complaint *out, struct pcrm_error *e)
{
        int rc = complaint_load(db, who->tenant_id, receipt_no, out);
        if (rc == PCRM_ENOTFOUND)
                return err_set(e, rc, "receipt_no", "민원을 찾을 수 없습니다");
        if (rc)
                return err_set(e, rc, "", "데이터베이스 오류");
        return PCRM_OK;
}

/* Counts a wrong PIN (locking the receipt at the tenth) or clears the count after a right
 * one, atomically, so concurrent guesses cannot slip past the limit. */
static int pin_attempt(struct store_db *db, int64_t tenant_id, const char *receipt_no, bool ok,
                       int64_t now)
{
        if (store_begin(db) != STORE_OK)
                return -1;
        struct store_stmt *st =
            store_prepare(db, "UPDATE complaints SET"
                              " pin_locked_until = CASE WHEN ? = 0 AND pin_failures + 1 >= ? THEN ?"
                              " ELSE pin_locked_until END,"
                              " pin_failures = CASE WHEN ? = 1 OR pin_failures + 1 >= ? THEN 0"
                              " ELSE pin_failures + 1 END"
                              " WHERE tenant_id = ? AND receipt_no = ?");
        int rc = STORE_ERROR;
        if (st) {
                store_bind_int(st, 1, ok);
                store_bind_int(st, 2, PIN_FAILURES_MAX);
                store_bind_int(st, 3, now + PIN_LOCK_MS);
                store_bind_int(st, 4, ok);
                store_bind_int(st, 5, PIN_FAILURES_MAX);
                store_bind_int(st, 6, tenant_id);
                store_bind_text(st, 7, receipt_no);
                rc = store_step(st);
                store_done(st);
        }
        if (rc != STORE_DONE || store_commit(db) != STORE_OK) {
                store_rollback(db);
                return -1;
        }
        return 0;
}

int complaint_track(struct store_db *db, int64_t tenant_id, const char *receipt_no, const char *pin,
                    struct complaint *out, struct pcrm_error *e)
{
        if (!pin || strlen(pin) != COMPLAINT_PIN_DIGITS ||
            strlen(receipt_no) >= COMPLAINT_RECEIPT_SIZE)
                return err_set(e, PCRM_ENOTFOUND, "receipt_no",
                               "접수번호나 비밀번호가 맞지 않습니다");
        /* A right PIN with no failures before is a pure read: tracking writes nothing. */
        struct store_stmt *st =
            store_prepare(db, "SELECT pin_hash, pin_failures, pin_locked_until FROM complaints"
                              " WHERE tenant_id = ? AND receipt_no = ?");
        if (!st)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, receipt_no);
        int step = store_step(st);
        char stored[SEC_HASH_HEX] = "", given[SEC_HASH_HEX];
        int64_t failures = 0, locked = 0;
        if (step == STORE_ROW) {
                store_col_copy(st, 0, stored, sizeof(stored));
                failures = store_col_int(st, 1);
                locked = store_col_int(st, 2);
        }
        store_done(st);
        if (step != STORE_ROW || !stored[0])
                return step == STORE_ROW || step == STORE_DONE
                           ? err_set(e, PCRM_ENOTFOUND, "receipt_no",
                                     "접수번호나 비밀번호가 맞지 않습니다")
                           : err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        int64_t now = time_now_ms();
        if (locked > now)
                return err_set(e, PCRM_ERULE, "pin",
                               "비밀번호를 여러 번 틀려 잠시 조회할 수 없습니다. 1시간 뒤에 다시"
                               " 시도하세요");
        pin_hash_of(receipt_no, pin, given);
        bool ok = sodium_memcmp(given, stored, SEC_HASH_HEX - 1) == 0;
        if ((!ok || failures > 0) && pin_attempt(db, tenant_id, receipt_no, ok, now) < 0)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        if (!ok)
                return err_set(e, PCRM_ENOTFOUND, "receipt_no",
                               "접수번호나 비밀번호가 맞지 않습니다");
        return complaint_get(db, &(struct actor){.tenant_id = tenant_id}, receipt_no, out, e);
}

/*
 * A watch-job sweep in one transaction: first an event for every complaint the condition
 * selects (bound: the event time, now), then the update that takes them out of it
 * (bound: value, now), so a complaint is swept once.
 */
static int64_t last_event_id(struct store_db *db)
{
        struct store_stmt *st =
            store_prepare(db, "SELECT coalesce(max(id), 0) FROM complaint_events");
        if (!st)
                return -1;
        int64_t id = store_step(st) == STORE_ROW ? store_col_int(st, 0) : -1;
        store_done(st);
        return id;
}

/* The notices of the events a sweep wrote (those after `after`). Returns 0 or -1. The
 * statement stays open while the outbox writes: it reads complaint_events, the outbox
 * writes messages, and the statement cache hands the outbox its own statements. */
static int notify_swept(struct store_db *db, int64_t after, const char *action)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT id, tenant_id, complaint_id FROM complaint_events WHERE id > ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, after);
        int rc = 0, step;
        while (rc == 0 && (step = store_step(st)) == STORE_ROW)
                if (outbox_complaint_event(db, store_col_int(st, 1), store_col_int(st, 2),
                                           store_col_int(st, 0), action) < 0)
                        rc = -1;
        store_done(st);
        return rc == 0 && step == STORE_DONE ? 0 : -1;
}

static int64_t sweep(struct store_db *db, const char *action, const char *event_sql,
                     const char *update_sql, int64_t now_ms, int64_t value)
{
        if (store_begin(db) != STORE_OK)
                return -1;
        int64_t n = -1;
        int64_t before = last_event_id(db);
        struct store_stmt *st = before < 0 ? NULL : store_prepare(db, event_sql);
        int rc = STORE_ERROR;
        if (st) {
                store_bind_int(st, 1, now_ms);
                store_bind_int(st, 2, now_ms);
                rc = store_step(st);
                store_done(st);
        }
        if (rc == STORE_DONE && notify_swept(db, before, action) < 0)
                rc = STORE_ERROR;
        st = rc == STORE_DONE ? store_prepare(db, update_sql) : NULL;
        if (st) {
                store_bind_int(st, 1, value);
                store_bind_int(st, 2, now_ms);
                if (store_step(st) == STORE_DONE)
                        n = store_changes(db);
                store_done(st);
        }
        if (n < 0 || store_commit(db) != STORE_OK) {
                store_rollback(db);
                return -1;
        }
        return n;
}

#define OVERDUE_WHERE                                                                              \
        " overdue_at IS NULL AND due_at < ? AND paused_at IS NULL AND status "                     \
        "IN " COMPLAINT_RUNNING_SQL

int64_t complaint_mark_overdue(struct store_db *db, int64_t now_ms)
{
        return sweep(db, "overdue",
                     "INSERT INTO complaint_events (tenant_id, complaint_id, at, actor_type,"
                     " actor_name, action, from_status, to_status, dept_id)"
                     " SELECT tenant_id, id, ?, 'system', 'deadline-watch', 'overdue', status,"
                     " status, dept_id FROM complaints WHERE" OVERDUE_WHERE,
                     "UPDATE complaints SET overdue_at = ? WHERE" OVERDUE_WHERE, now_ms, now_ms);
}

#define REVIEW_WHERE " review_at IS NOT NULL AND review_at <= ? AND status IN " COMPLAINT_OPEN_SQL

int64_t complaint_review_tasks(struct store_db *db, int64_t now_ms)
{
        /* The next review a month after the one just made (catching up once, not in bulk). */
        return sweep(
            db, "progress_review",
            "INSERT INTO complaint_events (tenant_id, complaint_id, at, actor_type,"
            " actor_name, action, from_status, to_status, dept_id, note)"
            " SELECT tenant_id, id, ?, 'system', 'task-review', 'progress_review',"
            " status, status, dept_id, '정기 진행상황 안내' FROM complaints WHERE" REVIEW_WHERE,
            "UPDATE complaints SET review_at = ? WHERE" REVIEW_WHERE, now_ms,
            now_ms + COMPLAINT_REVIEW_DAYS * TIME_MS_PER_DAY);
}
