/*
 * /api/v1/match-reviews and /api/v1/match-rules: the duplicate review queue (pairs of
 * customers matching scored between the thresholds) and the matching weights, for the CS
 * managers who run the customer database. The queue shows masked summaries only, and
 * listing it is audited, since it shows people side by side.
 */
#include "http/api.h"

#include "auth/audit.h"
#include "customer/intake.h"
#include "customer/match.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REVIEWS_DEFAULT  50
#define REVIEWS_MAX      200
#define INTERNAL_MESSAGE "서버 내부 오류가 발생했습니다"

static void reply_internal(struct http_request *req)
{
        http_reply_error(req, 500, "internal", NULL, INTERNAL_MESSAGE);
}

/* ------------------------------------------------------------------------------------ */
/* The review queue. */

#define REVIEW_COLUMNS                                                                             \
        "id, customer_a, customer_b, CAST(ROUND(score * 1000) AS INTEGER), reasons, status,"       \
        " created_at, decided_at, decided_by"

/* The masked summary of customer id, or null when it is gone. NULL on a database error. */
static json_t *side(struct store_db *db, int64_t tenant_id, int64_t id)
{
        struct customer *c = malloc(sizeof(*c));
        int rc = c ? customer_load(db, tenant_id, id, c) : PCRM_EINTERNAL;
        json_t *o = rc == PCRM_OK          ? api_customer_summary(c)
                    : rc == PCRM_ENOTFOUND ? json_null()
                                           : NULL;
        free(c);
        return o;
}

/* One review row (REVIEW_COLUMNS) without its sides, which need other statements. */
static json_t *review_row(struct store_stmt *st, int64_t *a, int64_t *b)
{
        *a = store_col_int(st, 1);
        *b = store_col_int(st, 2);
        json_t *o = json_pack("{s:I, s:f, s:o, s:o}", "id", (json_int_t)store_col_int(st, 0),
                              "score", (double)store_col_int(st, 3) / 1000.0, "created_at",
                              http_json_time(store_col_int(st, 6)), "decided_at",
                              http_json_time(store_col_int(st, 7)));
        if (!o)
                return NULL;
        json_object_set_new(o, "reasons", http_json_str_or_null(store_col_text(st, 4)));
        json_object_set_new(o, "status", http_json_str_or_null(store_col_text(st, 5)));
        json_object_set_new(o, "decided_by", http_json_str_or_null(store_col_text(st, 8)));
        return o;
}

/* Adds "a" and "b" to each review; reviews[i] needs ids[2i], ids[2i+1]. Returns 0 or -1. */
static int add_sides(struct store_db *db, int64_t tenant_id, json_t *reviews, const int64_t *ids)
{
        size_t i;
        json_t *r;
        json_array_foreach(reviews, i, r)
        {
                json_t *a = side(db, tenant_id, ids[2 * i]),
                       *b = side(db, tenant_id, ids[2 * i + 1]);
                if (!a || !b) {
                        json_decref(a);
                        json_decref(b);
                        return -1;
                }
                json_object_set_new(r, "a", a);
                json_object_set_new(r, "b", b);
        }
        return 0;
}

static const char *const review_statuses[] = {"open", "merged", "distinct", NULL};

void api_match_reviews_list(struct http_request *req)
{
        int64_t cursor, ids[2 * REVIEWS_MAX];
        size_t limit, n = 0;
        bool more = false;
        const char *status = http_query(req, "status");
        if (!status || !*status)
                status = "open";
        bool known = false;
        for (int i = 0; review_statuses[i] && !known; i++)
                known = !strcmp(review_statuses[i], status);
        if (!known) {
                http_reply_error(req, 400, "invalid_field", "status",
                                 "status는 open, merged, distinct 중 하나여야 합니다");
                return;
        }
        if (http_page(req, &cursor, &limit, REVIEWS_DEFAULT, REVIEWS_MAX))
                return;
        /* Newest first; the cursor is the id of the last review of the previous page. */
        struct store_stmt *st = store_prepare(
            req->db, "SELECT " REVIEW_COLUMNS " FROM match_reviews WHERE tenant_id = ? AND"
                     " status = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?");
        if (!st) {
                reply_internal(req);
                return;
        }
        store_bind_int(st, 1, req->who.tenant_id);
        store_bind_text(st, 2, status);
        store_bind_int(st, 3, cursor);
        store_bind_int(st, 4, cursor);
        store_bind_int(st, 5, (int64_t)limit + 1);
        json_t *items = json_array();
        int rc;
        int64_t last = 0;
        while ((rc = store_step(st)) == STORE_ROW) {
                if (n == limit) {
                        more = true;
                        break;
                }
                last = store_col_int(st, 0);
                json_array_append_new(items, review_row(st, &ids[2 * n], &ids[2 * n + 1]));
                n++;
        }
        store_done(st);
        if (rc < 0 || json_array_size(items) != n ||
            add_sides(req->db, req->who.tenant_id, items, ids) < 0) {
                json_decref(items);
                reply_internal(req);
                return;
        }
        json_t *d = json_pack("{s:s, s:I}", "status", status, "results", (json_int_t)n);
        char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
        json_decref(d);
        struct audit_event ev = {
            .action = "match_review.list", .target_type = "match_review", .detail = detail};
        int audited = detail ? audit_record(req->db, &req->who, &ev) : -1;
        free(detail);
        if (audited < 0) {
                json_decref(items);
                reply_internal(req);
                return;
        }
        json_t *next = more ? json_sprintf("%" PRId64, last) : json_null();
        http_reply_json(req, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}

void api_match_reviews_decide(struct http_request *req)
{
        int64_t id, ab[2];
        const char *decision;
        struct pcrm_error e;
        static const char *const fields[] = {"decision", NULL};
        json_t *body;
        if (http_param_id(req, 0, &id) || !(body = http_body_object(req)) ||
            http_check_fields(req, body, fields) ||
            http_field_string(req, body, "decision", true, 16, &decision))
                return;
        if (match_review_decide(req->db, &req->who, id, decision, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        struct store_stmt *st = store_prepare(
            req->db, "SELECT " REVIEW_COLUMNS " FROM match_reviews WHERE tenant_id = ? AND id = ?");
        if (!st) {
                reply_internal(req);
                return;
        }
        store_bind_int(st, 1, req->who.tenant_id);
        store_bind_int(st, 2, id);
        json_t *items = json_array();
        if (store_step(st) == STORE_ROW)
                json_array_append_new(items, review_row(st, &ab[0], &ab[1]));
        store_done(st);
        if (json_array_size(items) != 1 || add_sides(req->db, req->who.tenant_id, items, ab) < 0) {
                json_decref(items);
                reply_internal(req);
                return;
        }
        json_t *review = json_incref(json_array_get(items, 0));
        json_decref(items);
        http_reply_json(req, 200, review);
}

/* ------------------------------------------------------------------------------------ */
/* The matching rules. */

static json_t *rules_json(const struct match_weights *w)
{
        json_t *rules = json_object();
        struct match_weights copy = *w;
        for (int i = 0; match_rule_names[i]; i++)
                json_object_set_new(rules, match_rule_names[i],
                                    json_real(*match_weight_slot(&copy, match_rule_names[i])));
        return json_pack("{s:o}", "rules", rules);
}

static void reply_rules(struct http_request *req)
{
        struct match_weights w;
        if (match_load_weights(req->db, req->who.tenant_id, &w) < 0) {
                reply_internal(req);
                return;
        }
        http_reply_json(req, 200, rules_json(&w));
}

void api_match_rules_get(struct http_request *req)
{
        reply_rules(req);
}

/*
 * Every member is checked, and lower <= upper checked on the rules as they would be,
 * before anything is written; then each rule is set (and audited) in turn.
 */
void api_match_rules_put(struct http_request *req)
{
        struct match_weights w;
        struct pcrm_error e;
        json_t *body = http_body_object(req);
        if (!body || http_check_fields(req, body, match_rule_names))
                return;
        if (match_load_weights(req->db, req->who.tenant_id, &w) < 0) {
                reply_internal(req);
                return;
        }
        const char *key;
        json_t *value;
        json_object_foreach(body, key, value)
        {
                double v = json_number_value(value);
                if (!json_is_number(value) || !(v >= 0.0 && v <= 2.0)) {
                        char msg[160];
                        snprintf(msg, sizeof(msg), "%s 가중치는 0부터 2까지의 수여야 합니다", key);
                        http_reply_error(req, 400, "invalid_field", key, msg);
                        return;
                }
                *match_weight_slot(&w, key) = v;
        }
        if (w.lower > w.upper) {
                http_reply_error(req, 422, "rule_violated", "lower",
                                 "검토 하한(lower)은 자동 연결 기준(upper)보다 클 수 없습니다");
                return;
        }
        for (int i = 0; match_rule_names[i]; i++) {
                json_t *v = json_object_get(body, match_rule_names[i]);
                if (v && match_set_weight(req->db, &req->who, match_rule_names[i],
                                          json_number_value(v), &e)) {
                        http_reply_pcrm_error(req, &e);
                        return;
                }
        }
        reply_rules(req);
}
