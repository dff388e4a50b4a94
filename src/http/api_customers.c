/*
 * /api/v1/customers and /api/v1/merges: the integrated customer database for staff.
 *
 * DESIGN: every answer that shows a person's data is audited before it is sent
 * (customer.read with the customer's id, customer.search with how the query was read and
 * how many were found — never the query itself, which may be a phone number or an RRN);
 * when the audit row cannot be written the data is not sent. Searches and review queues
 * show masked summaries only. The 360° view shows contact fields in clear only to the
 * roles that contact people (agents, officers, department heads) and to the privacy
 * officer; everyone else sees them masked, in the profile, the source records and the
 * change history alike. The RRN is always masked here: reading it in clear is its own
 * endpoint, with a purpose, audited by customer_reveal_rrn.
 */
#include "http/api.h"

#include "auth/audit.h"
#include "base/time.h"
#include "base/utf8.h"
#include "customer/consent.h"
#include "customer/intake.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_DEFAULT   20
#define SEARCH_MAX       50
#define SEARCH_Q_MAX     100 /* characters */
#define VIEW_HOUSEHOLD   50  /* at most this many members are listed */
#define VIEW_SOURCES     200
#define VIEW_CHANGES     200
#define VIEW_MERGES      100
#define CONSENT_STATES   24
#define MASK_RAW_MAX     64 /* raw values longer than this are shown as "***" */
#define CONTACT_ROLES    (ROLE_AGENT | ROLE_OFFICER | ROLE_DEPT_HEAD | ROLE_PRIVACY_OFFICER)
#define INTERNAL_MESSAGE "서버 내부 오류가 발생했습니다"

static void reply_internal(struct http_request *req)
{
        http_reply_error(req, 500, "internal", NULL, INTERNAL_MESSAGE);
}

/* ------------------------------------------------------------------------------------ */
/* Masking. Each writes a NUL-terminated result into out (outlen >= 1), cut to fit. */

/*
 * "010-1234-5678" → "010-****-5678", "02-123-4567" → "02-***-4567": with three groups the
 * middle one is hidden; any other shape keeps only its last four digits ("1588-1234" →
 * "****-1234").
 */
static void mask_phone(const char *canon, char *out, size_t outlen)
{
        const char *first = strchr(canon, '-');
        const char *second = first ? strchr(first + 1, '-') : NULL;
        size_t len = strlen(canon), digits = 0, seen = 0, n = 0;
        if (second && strchr(second + 1, '-'))
                second = NULL;
        for (size_t i = 0; i < len; i++)
                digits += canon[i] >= '0' && canon[i] <= '9';
        for (size_t i = 0; i < len && n + 1 < outlen; i++) {
                char ch = canon[i];
                bool digit = ch >= '0' && ch <= '9';
                if (digit)
                        seen++;
                if (second)
                        out[n++] = digit && canon + i > first && canon + i < second ? '*' : ch;
                else
                        out[n++] = digit && seen + 4 <= digits ? '*' : ch;
        }
        out[n] = '\0';
}

/* "hong123@naver.com" → "ho***@naver.com"; a one- or two-letter local part keeps one. */
static void mask_email(const char *canon, char *out, size_t outlen)
{
        const char *at = strchr(canon, '@');
        if (!at || at == canon) {
                snprintf(out, outlen, "***");
                return;
        }
        int keep = at - canon > 2 ? 2 : 1;
        snprintf(out, outlen, "%.*s***%s", keep, canon, at);
}

/* Joins the non-empty parts with single spaces. */
static void join_area(char *out, size_t outlen, const char *const *parts, size_t nparts)
{
        size_t n = 0;
        out[0] = '\0';
        for (size_t i = 0; i < nparts; i++) {
                if (!parts[i] || !*parts[i])
                        continue;
                int w = snprintf(out + n, outlen - n, "%s%s", n ? " " : "", parts[i]);
                if (w < 0 || (size_t)w >= outlen - n) {
                        out[n] = '\0';
                        return;
                }
                n += (size_t)w;
        }
}

/* 시도 시군구 [읍면] 도로명/동: where someone lives, without the building or the flat. */
static void customer_area(const struct customer *c, char *out, size_t outlen)
{
        const char *parts[] = {c->addr_sido, c->addr_sigungu, c->addr_eupmyeon, c->addr_street};
        join_area(out, outlen, parts, sizeof(parts) / sizeof(parts[0]));
}

/*
 * A value as someone entered it (a source record) or as stored (the change history),
 * masked by its field: phones and e-mails by their canonical form, addresses down to
 * their area. A value that cannot be read as its field is hidden entirely, except that a
 * short phone-like value keeps its last four digits.
 */
void api_mask_value(const char *field, const char *value, char *out, size_t outlen)
{
        char canon[CLEANSE_ADDRESS_SIZE];
        snprintf(out, outlen, "***");
        if (!strcmp(field, "phone") || !strcmp(field, "mobile")) {
                if (cleanse_usable(cleanse_mobile(value, canon, sizeof(canon))) ||
                    cleanse_usable(cleanse_phone(value, canon, sizeof(canon))))
                        mask_phone(canon, out, outlen);
                else if (strlen(value) <= MASK_RAW_MAX)
                        mask_phone(value, out, outlen);
        } else if (!strcmp(field, "email")) {
                if (cleanse_usable(cleanse_email(value, canon, sizeof(canon))))
                        mask_email(canon, out, outlen);
        } else if (!strcmp(field, "address")) {
                struct address_parts *a = malloc(sizeof(*a));
                if (a && cleanse_usable(cleanse_address_parts(value, a))) {
                        const char *parts[] = {a->sido, a->sigungu, a->eupmyeon,
                                               a->kind == ADDRESS_ROAD ? a->road : a->dongri};
                        join_area(out, outlen, parts, sizeof(parts) / sizeof(parts[0]));
                }
                free(a);
        }
}

static bool is_contact_field(const char *field)
{
        return !strcmp(field, "phone") || !strcmp(field, "mobile") || !strcmp(field, "email") ||
               !strcmp(field, "address");
}

/* Whether this caller sees contact fields in clear in the 360° view. */
static bool sees_contacts(const struct actor *who)
{
        return (who->role & CONTACT_ROLES) != 0;
}

/* ------------------------------------------------------------------------------------ */
/* JSON shapes. */

static json_t *birth_year(const char *birth_date)
{
        int y = 0;
        for (int i = 0; i < 4; i++) {
                if (birth_date[i] < '0' || birth_date[i] > '9')
                        return json_null();
                y = y * 10 + (birth_date[i] - '0');
        }
        return json_integer(y);
}

static json_t *masked_or_null(const char *value, void (*mask)(const char *, char *, size_t))
{
        char out[CLEANSE_EMAIL_SIZE + 4];
        if (!value[0])
                return json_null();
        mask(value, out, sizeof(out));
        return json_string(out);
}

json_t *api_customer_summary(const struct customer *c)
{
        char area[CLEANSE_ADDRESS_SIZE];
        customer_area(c, area, sizeof(area));
        json_t *o = json_pack("{s:I}", "id", (json_int_t)c->id);
        if (!o)
                return NULL;
        json_object_set_new(o, "name", http_json_str_or_null(c->name));
        json_object_set_new(o, "birth_year", birth_year(c->birth_date));
        json_object_set_new(o, "sex", http_json_str_or_null(c->sex));
        json_object_set_new(o, "mobile_masked", masked_or_null(c->mobile, mask_phone));
        json_object_set_new(o, "phone_masked", masked_or_null(c->phone, mask_phone));
        json_object_set_new(o, "email_masked", masked_or_null(c->email, mask_email));
        json_object_set_new(o, "address_area", http_json_str_or_null(area));
        json_object_set_new(o, "rrn_masked", http_json_str_or_null(c->rrn_masked));
        return o;
}

static json_t *profile_json(const struct customer *c, bool clear)
{
        json_t *o =
            json_pack("{s:I, s:s, s:b, s:b, s:o, s:o}", "id", (json_int_t)c->id, "kind", c->kind,
                      "has_rrn", c->has_rrn, "contact_masked", !clear, "created_at",
                      http_json_time(c->created_at), "updated_at", http_json_time(c->updated_at));
        if (!o)
                return NULL;
        json_object_set_new(o, "name", http_json_str_or_null(c->name));
        json_object_set_new(o, "birth_date", http_json_str_or_null(c->birth_date));
        json_object_set_new(o, "sex", http_json_str_or_null(c->sex));
        json_object_set_new(o, "rrn_masked", http_json_str_or_null(c->rrn_masked));
        json_object_set_new(o, "postal_code", http_json_str_or_null(c->postal_code));
        json_object_set_new(o, "household_key", http_json_str_or_null(c->household_key));
        json_object_set_new(o, "merged_into",
                            c->merged_into ? json_integer(c->merged_into) : json_null());
        json_t *parts = json_object();
        json_object_set_new(parts, "sido", http_json_str_or_null(c->addr_sido));
        json_object_set_new(parts, "sigungu", http_json_str_or_null(c->addr_sigungu));
        json_object_set_new(parts, "eupmyeon", http_json_str_or_null(c->addr_eupmyeon));
        json_object_set_new(parts, "street", http_json_str_or_null(c->addr_street));
        if (clear) {
                json_object_set_new(o, "phone", http_json_str_or_null(c->phone));
                json_object_set_new(o, "mobile", http_json_str_or_null(c->mobile));
                json_object_set_new(o, "email", http_json_str_or_null(c->email));
                json_object_set_new(o, "address", http_json_str_or_null(c->address));
                json_object_set_new(parts, "number", http_json_str_or_null(c->addr_number));
                json_object_set_new(parts, "detail", http_json_str_or_null(c->addr_detail));
        } else {
                char area[CLEANSE_ADDRESS_SIZE];
                customer_area(c, area, sizeof(area));
                json_object_set_new(o, "phone", masked_or_null(c->phone, mask_phone));
                json_object_set_new(o, "mobile", masked_or_null(c->mobile, mask_phone));
                json_object_set_new(o, "email", masked_or_null(c->email, mask_email));
                json_object_set_new(o, "address", http_json_str_or_null(area));
                json_object_set_new(parts, "number", json_null());
                json_object_set_new(parts, "detail", json_null());
        }
        json_object_set_new(o, "address_parts", parts);
        return o;
}

/* The other live customers of the same household. NULL on a database error. */
static json_t *household_json(struct store_db *db, const struct customer *c)
{
        json_t *arr = json_array();
        if (!c->household_key[0])
                return arr;
        struct store_stmt *st = store_prepare(
            db, "SELECT id, name, birth_date FROM customers WHERE tenant_id = ? AND"
                " household_key = ? AND id <> ? AND merged_into IS NULL ORDER BY id LIMIT ?");
        if (!st) {
                json_decref(arr);
                return NULL;
        }
        store_bind_int(st, 1, c->tenant_id);
        store_bind_text(st, 2, c->household_key);
        store_bind_int(st, 3, c->id);
        store_bind_int(st, 4, VIEW_HOUSEHOLD);
        int rc;
        while ((rc = store_step(st)) == STORE_ROW) {
                const char *birth = store_col_text(st, 2);
                json_t *o = json_pack("{s:I}", "id", (json_int_t)store_col_int(st, 0));
                json_object_set_new(o, "name", http_json_str_or_null(store_col_text(st, 1)));
                json_object_set_new(o, "birth_year", birth ? birth_year(birth) : json_null());
                json_array_append_new(arr, o);
        }
        store_done(st);
        if (rc != STORE_DONE) {
                json_decref(arr);
                return NULL;
        }
        return arr;
}

/* A REAL column read as thousandths (see the SQL), or null. */
static json_t *score_json(struct store_stmt *st, int col)
{
        if (store_col_is_null(st, col))
                return json_null();
        return json_real((double)store_col_int(st, col) / 1000.0);
}

/* Masks the contact members of a source record's fields in place. */
static void mask_fields(json_t *fields)
{
        const char *key;
        json_t *value;
        json_object_foreach(fields, key, value)
        {
                if (!is_contact_field(key) || !json_is_string(value) || !json_string_length(value))
                        continue;
                char out[CLEANSE_ADDRESS_SIZE];
                api_mask_value(key, json_string_value(value), out, sizeof(out));
                json_string_set(value, out);
        }
}

static json_t *sources_json(struct store_db *db, const struct customer *c, bool clear)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT id, source, source_id, match_rule,"
                " CAST(ROUND(match_score * 1000) AS INTEGER), created_at, fields"
                " FROM source_records WHERE tenant_id = ? AND customer_id = ? ORDER BY id LIMIT ?");
        if (!st)
                return NULL;
        store_bind_int(st, 1, c->tenant_id);
        store_bind_int(st, 2, c->id);
        store_bind_int(st, 3, VIEW_SOURCES);
        json_t *arr = json_array();
        int rc;
        while ((rc = store_step(st)) == STORE_ROW) {
                const char *text = store_col_text(st, 6);
                json_t *fields = text ? json_loads(text, 0, NULL) : NULL;
                if (fields && !json_is_object(fields)) {
                        json_decref(fields);
                        fields = NULL;
                }
                if (fields && !clear)
                        mask_fields(fields);
                json_t *o = json_pack("{s:I, s:o, s:o}", "id", (json_int_t)store_col_int(st, 0),
                                      "match_score", score_json(st, 4), "created_at",
                                      http_json_time(store_col_int(st, 5)));
                json_object_set_new(o, "source", http_json_str_or_null(store_col_text(st, 1)));
                json_object_set_new(o, "source_id", http_json_str_or_null(store_col_text(st, 2)));
                json_object_set_new(o, "match_rule", http_json_str_or_null(store_col_text(st, 3)));
                json_object_set_new(o, "fields", fields ? fields : json_null());
                json_array_append_new(arr, o);
        }
        store_done(st);
        if (rc != STORE_DONE) {
                json_decref(arr);
                return NULL;
        }
        return arr;
}

json_t *api_consents_json(struct store_db *db, int64_t tenant_id, int64_t id)
{
        struct consent_state states[CONSENT_STATES];
        size_t n = 0;
        if (consent_states(db, tenant_id, id, states, &n) < 0)
                return NULL;
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
                json_t *o = json_pack("{s:s, s:s, s:b, s:o}", "purpose", states[i].purpose,
                                      "channel", states[i].channel, "granted", states[i].granted,
                                      "at", http_json_time(states[i].at));
                json_object_set_new(o, "source", http_json_str_or_null(states[i].source));
                json_array_append_new(arr, o);
        }
        return arr;
}

static json_t *merges_json(struct store_db *db, const struct customer *c)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT id, survivor_id, merged_id, how, at, undone_at FROM customer_merges"
                " WHERE tenant_id = ? AND (survivor_id = ? OR merged_id = ?) ORDER BY id DESC"
                " LIMIT ?");
        if (!st)
                return NULL;
        store_bind_int(st, 1, c->tenant_id);
        store_bind_int(st, 2, c->id);
        store_bind_int(st, 3, c->id);
        store_bind_int(st, 4, VIEW_MERGES);
        json_t *arr = json_array();
        int rc;
        while ((rc = store_step(st)) == STORE_ROW) {
                json_t *o = json_pack(
                    "{s:I, s:I, s:I, s:o, s:o}", "id", (json_int_t)store_col_int(st, 0),
                    "survivor_id", (json_int_t)store_col_int(st, 1), "merged_id",
                    (json_int_t)store_col_int(st, 2), "at", http_json_time(store_col_int(st, 4)),
                    "undone_at", http_json_time(store_col_int(st, 5)));
                json_object_set_new(o, "how", http_json_str_or_null(store_col_text(st, 3)));
                json_array_append_new(arr, o);
        }
        store_done(st);
        if (rc != STORE_DONE) {
                json_decref(arr);
                return NULL;
        }
        return arr;
}

static json_t *change_value(const char *field, const char *value, bool clear)
{
        char out[CLEANSE_ADDRESS_SIZE];
        if (!value || !*value)
                return json_null();
        if (clear || !is_contact_field(field))
                return http_json_str_or_null(value);
        api_mask_value(field, value, out, sizeof(out));
        return json_string(out);
}

/* The change history, newest first. RRN values are stored masked already. */
static json_t *changes_json(struct store_db *db, const struct customer *c, bool clear)
{
        struct store_stmt *st =
            store_prepare(db, "SELECT field, old_value, new_value, actor, at FROM customer_changes"
                              " WHERE tenant_id = ? AND customer_id = ? ORDER BY id DESC LIMIT ?");
        if (!st)
                return NULL;
        store_bind_int(st, 1, c->tenant_id);
        store_bind_int(st, 2, c->id);
        store_bind_int(st, 3, VIEW_CHANGES);
        json_t *arr = json_array();
        int rc;
        while ((rc = store_step(st)) == STORE_ROW) {
                const char *field = store_col_text(st, 0) ? store_col_text(st, 0) : "";
                json_t *o = json_pack("{s:o}", "at", http_json_time(store_col_int(st, 4)));
                json_object_set_new(o, "field", http_json_str_or_null(field));
                json_object_set_new(o, "old_value",
                                    change_value(field, store_col_text(st, 1), clear));
                json_object_set_new(o, "new_value",
                                    change_value(field, store_col_text(st, 2), clear));
                json_object_set_new(o, "actor", http_json_str_or_null(store_col_text(st, 3)));
                json_array_append_new(arr, o);
        }
        store_done(st);
        if (rc != STORE_DONE) {
                json_decref(arr);
                return NULL;
        }
        return arr;
}

/*
 * The 360° view of one customer as `who` may see it. A new reference, or NULL when the
 * database failed. Not audited here: the callers audit what they show.
 */

/* Binds (tenant, id, tenant, id) for "WHERE tenant_id = ? AND (x = ? OR x IN (SELECT id
 * FROM customers WHERE tenant_id = ? AND merged_into = ?))": a customer's rows and those of
 * the customers merged into it. */
static void bind_customer_and_merged(struct store_stmt *st, const struct customer *c)
{
        store_bind_int(st, 1, c->tenant_id);
        store_bind_int(st, 2, c->id);
        store_bind_int(st, 3, c->tenant_id);
        store_bind_int(st, 4, c->id);
}
static json_t *contacts_json(struct store_db *db, const struct customer *c);

static json_t *customer_view(struct store_db *db, const struct actor *who, const struct customer *c)
{
        bool clear = sees_contacts(who);
        json_t *profile = profile_json(c, clear), *household = household_json(db, c),
               *sources = sources_json(db, c, clear),
               *consents = api_consents_json(db, c->tenant_id, c->id), *merges = merges_json(db, c),
               *changes = changes_json(db, c, clear),
               *complaints = api_customer_complaints_json(db, c), *contacts = contacts_json(db, c);
        if (!profile || !household || !sources || !consents || !merges || !changes || !complaints ||
            !contacts) {
                json_decref(complaints);
                json_decref(contacts);
                json_decref(profile);
                json_decref(household);
                json_decref(sources);
                json_decref(consents);
                json_decref(merges);
                json_decref(changes);
                return NULL;
        }
        return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)c->id,
                         "profile", profile, "household", household, "sources", sources, "consents",
                         consents, "merges", merges, "changes", changes, "complaints", complaints,
                         "contacts", contacts);
}

/* The customer's complaints, newest first (those of customers merged into it too). */
json_t *api_customer_complaints_json(struct store_db *db, const struct customer *c)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT receipt_no, title, status, type_code, channel, received_at, due_at"
                " FROM complaints WHERE tenant_id = ? AND (customer_id = ? OR customer_id IN"
                " (SELECT id FROM customers WHERE tenant_id = ? AND merged_into = ?))"
                " ORDER BY received_at DESC LIMIT 100");
        if (!st)
                return NULL;
        bind_customer_and_merged(st, c);
        json_t *arr = json_array();
        int rc;
        while ((rc = store_step(st)) == STORE_ROW) {
                json_t *o = json_pack(
                    "{s:s, s:s, s:s, s:o, s:s, s:o, s:o}", "receipt_no", store_col_text(st, 0),
                    "title", store_col_text(st, 1), "status", store_col_text(st, 2), "type_code",
                    http_json_str_or_null(store_col_text(st, 3)), "channel", store_col_text(st, 4),
                    "received_at", http_json_time(store_col_int(st, 5)), "due_at",
                    http_json_time(store_col_int(st, 6)));
                if (o)
                        json_array_append_new(arr, o);
        }
        store_done(st);
        if (rc != STORE_DONE) {
                json_decref(arr);
                return NULL;
        }
        return arr;
}

/* The contact history, newest first (with the customers merged into it), at most 100. */
static json_t *contacts_json(struct store_db *db, const struct customer *c)
{
        struct store_stmt *st =
            store_prepare(db, "SELECT k.id, k.channel, k.direction, k.at, k.summary, u.username,"
                              " u.display_name, p.receipt_no FROM contacts k"
                              " LEFT JOIN users u ON u.id = k.staff_id"
                              " LEFT JOIN complaints p ON p.id = k.complaint_id"
                              " WHERE k.tenant_id = ? AND (k.customer_id = ? OR k.customer_id IN"
                              " (SELECT id FROM customers WHERE tenant_id = ? AND merged_into = ?))"
                              " ORDER BY k.at DESC, k.id DESC LIMIT 100");
        if (!st)
                return NULL;
        bind_customer_and_merged(st, c);
        json_t *arr = json_array();
        int rc;
        while ((rc = store_step(st)) == STORE_ROW) {
                json_t *o = json_pack(
                    "{s:I, s:s, s:s, s:o, s:s, s:o, s:o, s:o}", "id",
                    (json_int_t)store_col_int(st, 0), "channel", store_col_text(st, 1), "direction",
                    store_col_text(st, 2), "at", http_json_time(store_col_int(st, 3)), "summary",
                    store_col_text(st, 4), "staff", http_json_str_or_null(store_col_text(st, 5)),
                    "staff_name", http_json_str_or_null(store_col_text(st, 6)), "receipt_no",
                    http_json_str_or_null(store_col_text(st, 7)));
                if (o)
                        json_array_append_new(arr, o);
        }
        store_done(st);
        if (rc != STORE_DONE) {
                json_decref(arr);
                return NULL;
        }
        return arr;
}

/* Loads and renders a customer; replies (404 or 500) and returns NULL on failure. */
static json_t *load_view(struct http_request *req, int64_t id)
{
        struct customer c;
        int rc = customer_load(req->db, req->who.tenant_id, id, &c);
        if (rc == PCRM_ENOTFOUND) {
                http_reply_error(req, 404, "not_found", "id", "고객을 찾을 수 없습니다");
                return NULL;
        }
        json_t *view = rc == PCRM_OK ? customer_view(req->db, &req->who, &c) : NULL;
        if (!view)
                reply_internal(req);
        return view;
}

/* ------------------------------------------------------------------------------------ */
/* Auditing reads. */

static int audit_customer(struct http_request *req, const char *action, int64_t id, json_t *detail)
{
        char idtext[24];
        char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
        snprintf(idtext, sizeof(idtext), "%" PRId64, id);
        struct audit_event ev = {.action = action,
                                 .target_type = "customer",
                                 .target_id = id ? idtext : NULL,
                                 .detail = text};
        int rc = (detail && !text) ? -1 : audit_record(req->db, &req->who, &ev);
        free(text);
        json_decref(detail);
        return rc;
}

/* ------------------------------------------------------------------------------------ */
/* Search. */

/* ?limit= as 1..max (default def). Returns 0, or -1 after replying 400. */
static int query_limit(struct http_request *req, size_t def, size_t max, size_t *out)
{
        const char *l = http_query(req, "limit");
        *out = def;
        if (!l || !*l)
                return 0;
        char *end;
        long long v = strtoll(l, &end, 10);
        if (*end || l[0] < '0' || l[0] > '9' || v < 1 || (unsigned long long)v > max) {
                char msg[120];
                snprintf(msg, sizeof(msg), "limit은 1부터 %zu까지입니다", max);
                http_reply_error(req, 400, "invalid_field", "limit", msg);
                return -1;
        }
        *out = (size_t)v;
        return 0;
}

void api_customers_search(struct http_request *req)
{
        const char *q = http_query(req, "q");
        const char *name = "q";
        size_t limit, n = 0;
        const char *kind = "text";
        int64_t ids[SEARCH_MAX];
        if (!q || !*q) {
                const char *phone = http_query(req, "phone");
                if (phone && *phone) {
                        q = phone;
                        name = "phone";
                }
        }
        if (!q || !*q) {
                http_reply_error(req, 400, "missing_field", "q", "q 항목이 필요합니다");
                return;
        }
        if (utf8_length(q, strlen(q)) > SEARCH_Q_MAX) {
                char msg[120];
                snprintf(msg, sizeof(msg), "%s 항목은 %d자를 넘을 수 없습니다", name, SEARCH_Q_MAX);
                http_reply_error(req, 400, "invalid_field", name, msg);
                return;
        }
        if (query_limit(req, SEARCH_DEFAULT, SEARCH_MAX, &limit))
                return;
        if (customer_search(req->db, req->who.tenant_id, q, ids, limit, &n, &kind) < 0) {
                reply_internal(req);
                return;
        }
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++) {
                struct customer c;
                if (customer_load(req->db, req->who.tenant_id, ids[i], &c) != PCRM_OK) {
                        json_decref(items);
                        reply_internal(req);
                        return;
                }
                json_array_append_new(items, api_customer_summary(&c));
        }
        json_t *detail = json_pack("{s:s, s:I}", "kind", kind, "results", (json_int_t)n);
        if (audit_customer(req, "customer.search", 0, detail) < 0) {
                json_decref(items);
                reply_internal(req);
                return;
        }
        http_reply_json(req, 200, json_pack("{s:o, s:s}", "items", items, "kind", kind));
}

/* ------------------------------------------------------------------------------------ */
/* One customer. */

void api_customers_get(struct http_request *req)
{
        int64_t id;
        if (http_param_id(req, 0, &id))
                return;
        json_t *view = load_view(req, id);
        if (!view)
                return;
        json_t *detail =
            json_pack("{s:s, s:b}", "view", "360", "contact_masked", !sees_contacts(&req->who));
        if (audit_customer(req, "customer.read", id, detail) < 0) {
                json_decref(view);
                reply_internal(req);
                return;
        }
        http_reply_json(req, 200, view);
}

static const char *const customer_fields[] = {"name",  "rrn",     "birth_date",  "phone", "mobile",
                                              "email", "address", "postal_code", "kind",  NULL};

/* Reads a customer body into in (strings borrowed from the body). Returns 0, or -1 after
 * replying. */
static int read_customer(struct http_request *req, bool creating, struct customer_input *in)
{
        json_t *body = http_body_object(req);
        memset(in, 0, sizeof(*in));
        if (!body || http_check_fields(req, body, customer_fields) ||
            http_field_string(req, body, "name", creating, CUSTOMER_NAME_MAX, &in->name) ||
            http_field_string(req, body, "rrn", false, 20, &in->rrn) ||
            http_field_string(req, body, "birth_date", false, 20, &in->birth_date) ||
            http_field_string(req, body, "phone", false, 30, &in->phone) ||
            http_field_string(req, body, "mobile", false, 30, &in->mobile) ||
            http_field_string(req, body, "email", false, 254, &in->email) ||
            http_field_string(req, body, "address", false, 200, &in->address) ||
            http_field_string(req, body, "postal_code", false, 10, &in->postal_code) ||
            http_field_string(req, body, "kind", false, 16, &in->kind))
                return -1;
        /* customer_cleanse drops a malformed postal code silently; say so instead. */
        if (in->postal_code && *in->postal_code) {
                bool ok = strlen(in->postal_code) == 5;
                for (int i = 0; ok && i < 5; i++)
                        ok = in->postal_code[i] >= '0' && in->postal_code[i] <= '9';
                if (!ok) {
                        http_reply_error(req, 400, "invalid_field", "postal_code",
                                         "우편번호는 숫자 5자리입니다");
                        return -1;
                }
        }
        return 0;
}

static int invalid_value(struct http_request *req, const char *field)
{
        char msg[120];
        snprintf(msg, sizeof(msg), "%s 값이 올바르지 않습니다", field);
        http_reply_error(req, 400, "invalid_field", field, msg);
        return -1;
}

/* A new customer by staff: every value given must be usable. Returns 0, or -1 after
 * replying. */
static int check_new_customer(struct http_request *req, const struct customer_input *in,
                              const struct customer_clean *c)
{
        const struct {
                const char *field, *value;
                enum cleanse_status status;
        } checks[] = {
            {"rrn", in->rrn, c->rrn_status},       {"birth_date", in->birth_date, c->birth_status},
            {"phone", in->phone, c->phone_status}, {"mobile", in->mobile, c->mobile_status},
            {"email", in->email, c->email_status}, {"address", in->address, c->address_status},
        };
        if (!c->name[0]) {
                http_reply_error(req, 400, "missing_field", "name", "name 항목이 필요합니다");
                return -1;
        }
        for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
                if (checks[i].value && checks[i].status == CLEANSE_INVALID)
                        return invalid_value(req, checks[i].field);
        if (in->kind && *in->kind && !customer_kind_valid(in->kind))
                return invalid_value(req, "kind");
        return 0;
}

/* The record as entered, without the RRN (sealed apart by intake). */
static json_t *entered_fields(const struct customer_input *in)
{
        const struct {
                const char *name, *value;
        } f[] = {
            {"name", in->name},
            {"birth_date", in->birth_date},
            {"phone", in->phone},
            {"mobile", in->mobile},
            {"email", in->email},
            {"address", in->address},
            {"postal_code", in->postal_code},
            {"kind", in->kind},
        };
        json_t *o = json_object();
        for (size_t i = 0; o && i < sizeof(f) / sizeof(f[0]); i++)
                if (f[i].value && *f[i].value)
                        json_object_set_new(o, f[i].name, json_string(f[i].value));
        return o;
}

static const char *outcome_name(enum intake_outcome o)
{
        return o == INTAKE_NEW ? "new" : o == INTAKE_LINKED ? "linked" : "duplicate";
}

void api_customers_create(struct http_request *req)
{
        struct customer_input in;
        struct customer_clean *clean = NULL;
        struct intake_result *res = NULL;
        struct match_weights w;
        struct pcrm_error e;
        struct audit_event ev = {.action = "customer.create", .target_type = "customer"};
        json_t *fields = NULL, *view = NULL, *d = NULL;
        char source_id[SOURCE_ID_MAX + 1], idtext[24], *detail = NULL;
        bool open = false;

        if (read_customer(req, true, &in))
                goto out;
        clean = malloc(sizeof(*clean));
        res = malloc(sizeof(*res));
        if (!clean || !res) {
                reply_internal(req);
                goto out;
        }
        customer_cleanse(&in, clean);
        if (check_new_customer(req, &in, clean))
                goto out;
        fields = entered_fields(&in);
        /* Unique without a counter: who, when, and 32 random bits. */
        snprintf(source_id, sizeof(source_id), "%.*s-%" PRId64 "-%08" PRIx32,
                 (int)utf8_prefix(req->who.name, 64), req->who.name, time_now_ms(),
                 randombytes_random());
        if (!fields || store_begin(req->db) != STORE_OK) {
                reply_internal(req);
                goto out;
        }
        open = true;
        if (match_load_weights(req->db, req->who.tenant_id, &w) < 0) {
                reply_internal(req);
                goto out;
        }
        if (intake_record(req->db, &req->who, &w, "staff", source_id, &in, fields, res, &e)) {
                http_reply_pcrm_error(req, &e);
                goto out;
        }
        snprintf(idtext, sizeof(idtext), "%" PRId64, res->customer_id);
        d = json_pack("{s:s, s:s, s:I, s:i}", "outcome", outcome_name(res->outcome), "source_id",
                      source_id, "source_record_id", (json_int_t)res->source_record_id, "reviews",
                      res->reviews);
        detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
        ev.target_id = idtext;
        ev.detail = detail;
        if (!detail || audit_append(req->db, &req->who, &ev) < 0 ||
            store_commit(req->db) != STORE_OK) {
                reply_internal(req);
                goto out;
        }
        open = false;
        view = load_view(req, res->customer_id);
        if (view)
                http_reply_json(req, 201,
                                json_pack("{s:o, s:s, s:i}", "customer", view, "outcome",
                                          outcome_name(res->outcome), "reviews", res->reviews));
out:
        if (open)
                store_rollback(req->db);
        json_decref(fields);
        json_decref(d);
        free(detail);
        free(clean);
        free(res);
}

void api_customers_update(struct http_request *req)
{
        int64_t id;
        struct customer_input in;
        struct customer *c = malloc(sizeof(*c));
        struct pcrm_error e;
        if (!c) {
                reply_internal(req);
                return;
        }
        if (http_param_id(req, 0, &id) || read_customer(req, false, &in))
                goto out;
        if (customer_update(req->db, &req->who, id, &in, c, &e)) {
                http_reply_pcrm_error(req, &e);
                goto out;
        }
        json_t *view = customer_view(req->db, &req->who, c);
        if (view)
                http_reply_json(req, 200, view);
        else
                reply_internal(req);
out:
        free(c);
}

void api_customers_reveal_rrn(struct http_request *req)
{
        int64_t id;
        const char *purpose;
        char rrn[RRN_SIZE];
        struct pcrm_error e;
        static const char *const fields[] = {"purpose", NULL};
        json_t *body;
        if (http_param_id(req, 0, &id) || !(body = http_body_object(req)) ||
            http_check_fields(req, body, fields) ||
            http_field_string(req, body, "purpose", true, 200, &purpose))
                return;
        if (customer_reveal_rrn(req->db, &req->who, id, purpose, rrn, sizeof(rrn), &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 200, json_pack("{s:s}", "rrn", rrn));
        sodium_memzero(rrn, sizeof(rrn));
}

/* ------------------------------------------------------------------------------------ */
/* Merges. */

void api_customers_merge(struct http_request *req)
{
        int64_t id, other, merge_id;
        struct pcrm_error e;
        static const char *const fields[] = {"other_id", NULL};
        json_t *body;
        if (http_param_id(req, 0, &id) || !(body = http_body_object(req)) ||
            http_check_fields(req, body, fields) ||
            http_field_int(req, body, "other_id", true, &other, NULL))
                return;
        if (other < 1) {
                http_reply_error(req, 400, "invalid_field", "other_id",
                                 "other_id는 고객 번호여야 합니다");
                return;
        }
        if (customer_merge(req->db, &req->who, id, other, "manual", &merge_id, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        json_t *view = load_view(req, id);
        if (view)
                http_reply_json(
                    req, 200,
                    json_pack("{s:I, s:o}", "merge_id", (json_int_t)merge_id, "customer", view));
}

void api_merges_undo(struct http_request *req)
{
        int64_t id;
        struct pcrm_error e;
        static const char *const none[] = {NULL};
        if (http_param_id(req, 0, &id))
                return;
        /* No body is needed; one that is sent must still be an empty object. */
        if (req->body.len) {
                json_t *body = http_body_object(req);
                if (!body || http_check_fields(req, body, none))
                        return;
        }
        if (customer_unmerge(req->db, &req->who, id, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 200, json_pack("{s:b}", "ok", 1));
}

/* ------------------------------------------------------------------------------------ */
/* Consents. */

static void reply_consents(struct http_request *req, int status, int64_t id)
{
        json_t *arr = api_consents_json(req->db, req->who.tenant_id, id);
        if (!arr) {
                reply_internal(req);
                return;
        }
        http_reply_json(req, status,
                        json_pack("{s:I, s:o}", "customer_id", (json_int_t)id, "consents", arr));
}

/* 404 unless the customer exists in the caller's tenant. Returns 0, or -1 after replying. */
static int require_customer(struct http_request *req, int64_t id)
{
        struct customer *c = malloc(sizeof(*c));
        int rc = c ? customer_load(req->db, req->who.tenant_id, id, c) : PCRM_EINTERNAL;
        free(c);
        if (rc == PCRM_ENOTFOUND)
                http_reply_error(req, 404, "not_found", "id", "고객을 찾을 수 없습니다");
        else if (rc)
                reply_internal(req);
        return rc ? -1 : 0;
}

void api_customers_consents(struct http_request *req)
{
        int64_t id;
        if (http_param_id(req, 0, &id) || require_customer(req, id))
                return;
        json_t *detail = json_pack("{s:s}", "view", "consents");
        if (audit_customer(req, "customer.read", id, detail) < 0) {
                reply_internal(req);
                return;
        }
        reply_consents(req, 200, id);
}

void api_customers_consent_record(struct http_request *req)
{
        int64_t id;
        const char *purpose, *channel, *source;
        int granted;
        struct pcrm_error e;
        static const char *const fields[] = {"purpose", "channel", "granted", "source", NULL};
        json_t *body;
        if (http_param_id(req, 0, &id) || !(body = http_body_object(req)) ||
            http_check_fields(req, body, fields) ||
            http_field_string(req, body, "purpose", true, 32, &purpose) ||
            http_field_string(req, body, "channel", true, 16, &channel) ||
            http_field_bool(req, body, "granted", &granted) ||
            http_field_string(req, body, "source", true, 31, &source))
                return;
        if (granted < 0) {
                http_reply_error(req, 400, "missing_field", "granted", "granted 항목이 필요합니다");
                return;
        }
        if (consent_record(req->db, &req->who, id, purpose, channel, granted == 1, source, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        reply_consents(req, 201, id);
}
