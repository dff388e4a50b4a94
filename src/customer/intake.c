#include "customer/intake.h"

#include "auth/audit.h"
#include "base/time.h"
#include "base/validate.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CANDIDATES 48

static int merge_also_matched(struct store_db *db, const struct actor *who,
                              const struct match_weights *w, int64_t best, const int64_t *ids,
                              const struct match_result *results, size_t n, struct pcrm_error *e);

static int find_source(struct store_db *db, int64_t tenant_id, const char *source,
                       const char *source_id, int64_t *id, int64_t *customer_id)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT id, customer_id FROM source_records WHERE tenant_id = ? AND source = ?"
                " AND source_id = ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, source);
        store_bind_text(st, 3, source_id);
        int rc = store_step(st);
        if (rc == STORE_ROW) {
                *id = store_col_int(st, 0);
                *customer_id = store_col_int(st, 1);
        }
        store_done(st);
        return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

static int queue_review(struct store_db *db, int64_t tenant_id, int64_t a, int64_t b,
                        const struct match_result *m)
{
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO match_reviews (tenant_id, customer_a, customer_b, score, reasons,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, a < b ? a : b);
        store_bind_int(st, 3, a < b ? b : a);
        store_bind_int(st, 4, 0);
        store_bind_text(st, 5, m->reasons);
        store_bind_int(st, 6, time_now_ms());
        int rc = store_step(st);
        store_done(st);
        if (rc != STORE_DONE)
                return -1;
        /* REAL is bound through text so no backend rounds it differently. */
        st =
            store_prepare(db, "UPDATE match_reviews SET score = CAST(? AS REAL) WHERE tenant_id = ?"
                              " AND customer_a = ? AND customer_b = ?");
        if (!st)
                return -1;
        char score[32];
        snprintf(score, sizeof(score), "%.3f", m->score);
        store_bind_text(st, 1, score);
        store_bind_int(st, 2, tenant_id);
        store_bind_int(st, 3, a < b ? a : b);
        store_bind_int(st, 4, a < b ? b : a);
        rc = store_step(st);
        store_done(st);
        return rc == STORE_DONE ? 0 : -1;
}

static int insert_source(struct store_db *db, int64_t tenant_id, const char *source,
                         const char *source_id, int64_t customer_id, json_t *fields,
                         const char *rrn_raw, const char *rule, double score,
                         const struct customer_clean *c, int64_t *id)
{
        unsigned char sealed[CLEANSE_INPUT_MAX + 1 + SEC_SEAL_OVERHEAD];
        size_t sealed_len = 0;
        bool has_rrn = rrn_raw && *rrn_raw && strlen(rrn_raw) <= CLEANSE_INPUT_MAX;
        if (has_rrn &&
            sec_seal("rrn", rrn_raw, strlen(rrn_raw), sealed, sizeof(sealed), &sealed_len) < 0)
                return -1;
        char *text = json_dumps(fields, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!text)
                return -1;
        struct store_stmt *st = store_prepare(
            db,
            "INSERT INTO source_records (tenant_id, source, source_id, customer_id, fields,"
            " rrn_sealed, match_rule, match_score, q_address, q_phone, q_mobile, q_email,"
            " q_rrn, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS REAL), ?, ?, ?, ?, ?, ?)"
            " RETURNING id");
        if (!st) {
                free(text);
                return -1;
        }
        char scoretext[32];
        snprintf(scoretext, sizeof(scoretext), "%.3f", score);
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, source);
        store_bind_text(st, 3, source_id);
        store_bind_int(st, 4, customer_id);
        store_bind_text(st, 5, text);
        if (has_rrn)
                store_bind_blob(st, 6, sealed, sealed_len);
        store_bind_text(st, 7, rule);
        store_bind_text(st, 8, scoretext);
        store_bind_int(st, 9, c->address_status);
        store_bind_int(st, 10, c->phone_status);
        store_bind_int(st, 11, c->mobile_status);
        store_bind_int(st, 12, c->email_status);
        store_bind_int(st, 13, c->rrn_status);
        store_bind_int(st, 14, time_now_ms());
        int rc = store_step(st);
        *id = rc == STORE_ROW ? store_col_int(st, 0) : 0;
        store_done(st);
        free(text);
        return rc == STORE_ROW ? 0 : -1;
}

int intake_record(struct store_db *db, const struct actor *who, const struct match_weights *w,
                  const char *source, const char *source_id, const struct customer_input *in,
                  json_t *fields, struct intake_result *res, struct pcrm_error *e)
{
        int rc;
        memset(res, 0, sizeof(*res));
        if ((rc = validate_text("source", source, 1, SOURCE_NAME_MAX, e)) ||
            (rc = validate_text("source_id", source_id, 1, SOURCE_ID_MAX, e)))
                return rc;
        int found = find_source(db, who->tenant_id, source, source_id, &res->source_record_id,
                                &res->customer_id);
        if (found < 0)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        customer_cleanse(in, &res->clean);
        if (found) {
                res->outcome = INTAKE_DUPLICATE;
                return PCRM_OK;
        }
        const struct customer_clean *c = &res->clean;

        int64_t ids[MAX_CANDIDATES];
        size_t n = 0;
        if (match_candidates(db, who->tenant_id, c, ids, MAX_CANDIDATES, &n) < 0)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        struct match_result results[MAX_CANDIDATES], best = {0};
        int64_t best_id = 0;
        for (size_t i = 0; i < n; i++) {
                struct customer cand;
                if (customer_load(db, who->tenant_id, ids[i], &cand) != PCRM_OK)
                        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
                match_score(c, &cand, w, &results[i]);
                /* The same RRN decides, whatever the other evidence says. */
                bool better = best.same_rrn         ? false
                              : results[i].same_rrn ? true
                                                    : results[i].score > best.score;
                if (!results[i].veto && better) {
                        best = results[i];
                        best_id = ids[i];
                }
        }

        const char *rule;
        /* Weights are thousandths; a sum like 0.4 + 0.3 + 0.2 must reach 0.9. */
        if (best_id && match_decide(&best, w) == MATCH_LINK) {
                res->outcome = INTAKE_LINKED;
                res->customer_id = best_id;
                res->score = best.score;
                rule = best.same_rrn ? "rrn" : "auto";
                if (customer_fill(db, who, best_id, c) < 0)
                        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
                /* The record may bridge two customers that are one person split earlier. */
                int rc2 = merge_also_matched(db, who, w, best_id, ids, results, n, e);
                if (rc2)
                        return rc2;
        } else {
                res->outcome = INTAKE_NEW;
                rule = "new";
                if (customer_insert(db, who->tenant_id, c, &res->customer_id) < 0)
                        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
                for (size_t i = 0; i < n; i++) {
                        if (match_decide(&results[i], w) != MATCH_REVIEW)
                                continue;
                        if (queue_review(db, who->tenant_id, ids[i], res->customer_id,
                                         &results[i]) < 0)
                                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
                        res->reviews++;
                }
        }
        if (insert_source(db, who->tenant_id, source, source_id, res->customer_id, fields, in->rrn,
                          rule, res->score, c, &res->source_record_id) < 0)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        return PCRM_OK;
}

/* Every column a merge may fill, so that the survivor can be restored exactly on undo. */
#define MERGE_COLUMNS                                                                              \
        "name, name_key, birth_date, sex, rrn_sealed, rrn_index, rrn_masked, phone, mobile,"       \
        " email, address, address_base, addr_sido, addr_sigungu, addr_eupmyeon, addr_street,"      \
        " addr_number, addr_detail, postal_code, household_key"

static const char *const merge_columns[] = {
    "name",        "name_key",     "birth_date",  "sex",          "rrn_sealed",
    "rrn_index",   "rrn_masked",   "phone",       "mobile",       "email",
    "address",     "address_base", "addr_sido",   "addr_sigungu", "addr_eupmyeon",
    "addr_street", "addr_number",  "addr_detail", "postal_code",  "household_key",
    NULL};

/* The survivor's mergeable columns as a JSON object (blobs in hex), for undo. */
static json_t *snapshot(struct store_db *db, int64_t tenant_id, int64_t id)
{
        struct store_stmt *st = store_prepare(db, "SELECT " MERGE_COLUMNS " FROM customers WHERE"
                                                  " tenant_id = ? AND id = ?");
        if (!st)
                return NULL;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, id);
        json_t *o = NULL;
        if (store_step(st) == STORE_ROW) {
                o = json_object();
                for (int i = 0; merge_columns[i]; i++) {
                        if (store_col_is_null(st, i)) {
                                json_object_set_new(o, merge_columns[i], json_null());
                        } else if (!strcmp(merge_columns[i], "rrn_sealed")) {
                                size_t len = store_col_bytes(st, i);
                                char *hex = malloc(len * 2 + 1);
                                if (hex) {
                                        sodium_bin2hex(hex, len * 2 + 1, store_col_blob(st, i),
                                                       len);
                                        json_object_set_new(o, "rrn_sealed", json_string(hex));
                                        free(hex);
                                }
                        } else {
                                json_object_set_new(o, merge_columns[i],
                                                    json_string(store_col_text(st, i)));
                        }
                }
        }
        store_done(st);
        return o;
}

/* Runs sql with (a, tenant, b) bound and collects the ids it returns into arr. */
static int move_rows(struct store_db *db, const char *sql, int64_t to, int64_t tenant_id,
                     int64_t from, json_t *arr)
{
        struct store_stmt *st = store_prepare(db, sql);
        if (!st)
                return -1;
        store_bind_int(st, 1, to);
        store_bind_int(st, 2, tenant_id);
        store_bind_int(st, 3, from);
        int rc;
        while ((rc = store_step(st)) == STORE_ROW)
                json_array_append_new(arr, json_integer(store_col_int(st, 0)));
        store_done(st);
        return rc == STORE_DONE ? 0 : -1;
}

static int exec_ids(struct store_db *db, const char *sql, int64_t a, int64_t tenant_id, int64_t b)
{
        struct store_stmt *st = store_prepare(db, sql);
        if (!st)
                return -1;
        store_bind_int(st, 1, a);
        store_bind_int(st, 2, tenant_id);
        store_bind_int(st, 3, b);
        int rc = store_step(st);
        store_done(st);
        return rc == STORE_DONE ? 0 : -1;
}

static int merge_audit(struct store_db *db, const struct actor *who, const char *action,
                       int64_t survivor, int64_t merged, int64_t merge_id)
{
        char idtext[24], detail[128];
        snprintf(idtext, sizeof(idtext), "%" PRId64, survivor);
        snprintf(detail, sizeof(detail), "{\"merged_id\":%" PRId64 ",\"merge_id\":%" PRId64 "}",
                 merged, merge_id);
        struct audit_event ev = {
            .action = action, .target_type = "customer", .target_id = idtext, .detail = detail};
        return audit_append(db, who, &ev);
}

/* Fills the survivor's empty columns from the merged customer, never overwriting. */
static int fill_from(struct store_db *db, int64_t tenant_id, int64_t survivor, int64_t merged)
{
        static const char sql[] =
            "UPDATE customers SET "
            "name = COALESCE(name, (SELECT name FROM customers WHERE id = ?))"
            ", name_key = COALESCE(name_key, (SELECT name_key FROM customers WHERE id = ?))"
            ", birth_date = COALESCE(birth_date, (SELECT birth_date FROM customers WHERE id = ?))"
            ", sex = COALESCE(sex, (SELECT sex FROM customers WHERE id = ?))"
            ", rrn_sealed = COALESCE(rrn_sealed, (SELECT rrn_sealed FROM customers WHERE id = ?))"
            ", rrn_index = COALESCE(rrn_index, (SELECT rrn_index FROM customers WHERE id = ?))"
            ", rrn_masked = COALESCE(rrn_masked, (SELECT rrn_masked FROM customers WHERE id = ?))"
            ", phone = COALESCE(phone, (SELECT phone FROM customers WHERE id = ?))"
            ", mobile = COALESCE(mobile, (SELECT mobile FROM customers WHERE id = ?))"
            ", email = COALESCE(email, (SELECT email FROM customers WHERE id = ?))"
            ", address = COALESCE(address, (SELECT address FROM customers WHERE id = ?))"
            ", address_base = COALESCE(address_base, (SELECT address_base FROM customers WHERE id "
            "= ?))"
            ", addr_sido = COALESCE(addr_sido, (SELECT addr_sido FROM customers WHERE id = ?))"
            ", addr_sigungu = COALESCE(addr_sigungu, (SELECT addr_sigungu FROM customers WHERE id "
            "= ?))"
            ", addr_eupmyeon = COALESCE(addr_eupmyeon, (SELECT addr_eupmyeon FROM customers WHERE "
            "id = ?))"
            ", addr_street = COALESCE(addr_street, (SELECT addr_street FROM customers WHERE id = "
            "?))"
            ", addr_number = COALESCE(addr_number, (SELECT addr_number FROM customers WHERE id = "
            "?))"
            ", addr_detail = COALESCE(addr_detail, (SELECT addr_detail FROM customers WHERE id = "
            "?))"
            ", postal_code = COALESCE(postal_code, (SELECT postal_code FROM customers WHERE id = "
            "?))"
            ", household_key = COALESCE(household_key, (SELECT household_key FROM customers WHERE "
            "id = ?))"
            " , updated_at = ? WHERE tenant_id = ? AND id = ?";
        struct store_stmt *st = store_prepare(db, sql);
        if (!st)
                return -1;
        int i = 1;
        for (; merge_columns[i - 1]; i++)
                store_bind_int(st, i, merged);
        store_bind_int(st, i++, time_now_ms());
        store_bind_int(st, i++, tenant_id);
        store_bind_int(st, i, survivor);
        int rc = store_step(st);
        store_done(st);
        return rc == STORE_DONE ? 0 : -1;
}

/* Puts the survivor's columns back as they were before the merge. */
static int restore_from(struct store_db *db, int64_t tenant_id, int64_t survivor, json_t *snap)
{
        static const char sql[] = "UPDATE customers SET "
                                  "name = ?"
                                  ", name_key = ?"
                                  ", birth_date = ?"
                                  ", sex = ?"
                                  ", rrn_sealed = ?"
                                  ", rrn_index = ?"
                                  ", rrn_masked = ?"
                                  ", phone = ?"
                                  ", mobile = ?"
                                  ", email = ?"
                                  ", address = ?"
                                  ", address_base = ?"
                                  ", addr_sido = ?"
                                  ", addr_sigungu = ?"
                                  ", addr_eupmyeon = ?"
                                  ", addr_street = ?"
                                  ", addr_number = ?"
                                  ", addr_detail = ?"
                                  ", postal_code = ?"
                                  ", household_key = ?"
                                  " , updated_at = ? WHERE tenant_id = ? AND id = ?";
        struct store_stmt *st = store_prepare(db, sql);
        if (!st)
                return -1;
        int i = 1, rc = 0;
        for (; merge_columns[i - 1]; i++) {
                const char *v = json_string_value(json_object_get(snap, merge_columns[i - 1]));
                if (!v) {
                        store_bind_null(st, i);
                } else if (!strcmp(merge_columns[i - 1], "rrn_sealed")) {
                        unsigned char bin[512];
                        size_t len = 0;
                        if (sodium_hex2bin(bin, sizeof(bin), v, strlen(v), NULL, &len, NULL) < 0)
                                rc = -1;
                        store_bind_blob(st, i, bin, len);
                } else {
                        store_bind_text(st, i, v);
                }
        }
        store_bind_int(st, i++, time_now_ms());
        store_bind_int(st, i++, tenant_id);
        store_bind_int(st, i, survivor);
        if (rc == 0)
                rc = store_step(st) == STORE_DONE ? 0 : -1;
        store_done(st);
        return rc;
}

static int set_merged_into(struct store_db *db, int64_t tenant_id, int64_t id, int64_t into)
{
        struct store_stmt *st = store_prepare(
            db,
            "UPDATE customers SET merged_into = ?, updated_at = ? WHERE tenant_id = ? AND id = ?");
        if (!st)
                return -1;
        if (into)
                store_bind_int(st, 1, into);
        store_bind_int(st, 2, time_now_ms());
        store_bind_int(st, 3, tenant_id);
        store_bind_int(st, 4, id);
        int rc = store_step(st);
        store_done(st);
        return rc == STORE_DONE ? 0 : -1;
}

static int insert_merge(struct store_db *db, const struct actor *who, int64_t survivor,
                        int64_t merged, const char *how, json_t *before, json_t *moved, int64_t *id)
{
        char *before_text = json_dumps(before, JSON_COMPACT);
        char *moved_text = json_dumps(moved, JSON_COMPACT);
        char actor[300];
        snprintf(actor, sizeof(actor), "%s:%s", actor_kind_name(who->kind), who->name);
        struct store_stmt *st =
            before_text && moved_text
                ? store_prepare(
                      db,
                      "INSERT INTO customer_merges (tenant_id, survivor_id, merged_id, how,"
                      " survivor_before, moved_sources, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                      " RETURNING id")
                : NULL;
        int rc = STORE_ERROR;
        if (st) {
                store_bind_int(st, 1, who->tenant_id);
                store_bind_int(st, 2, survivor);
                store_bind_int(st, 3, merged);
                store_bind_text(st, 4, how);
                store_bind_text(st, 5, before_text);
                store_bind_text(st, 6, moved_text);
                store_bind_text(st, 7, actor);
                store_bind_int(st, 8, time_now_ms());
                rc = store_step(st);
                *id = rc == STORE_ROW ? store_col_int(st, 0) : 0;
                store_done(st);
        }
        free(before_text);
        free(moved_text);
        return rc == STORE_ROW ? 0 : -1;
}

/* Reviews of this pair are settled by the merge. */
static int settle_reviews(struct store_db *db, const struct actor *who, int64_t a, int64_t b,
                          const char *status)
{
        struct store_stmt *st = store_prepare(
            db, "UPDATE match_reviews SET status = ?, decided_at = ?, decided_by = ?"
                " WHERE tenant_id = ? AND customer_a = ? AND customer_b = ? AND status = 'open'");
        if (!st)
                return -1;
        store_bind_text(st, 1, status);
        store_bind_int(st, 2, time_now_ms());
        store_bind_text(st, 3, who->name);
        store_bind_int(st, 4, who->tenant_id);
        store_bind_int(st, 5, a < b ? a : b);
        store_bind_int(st, 6, a < b ? b : a);
        int rc = store_step(st);
        store_done(st);
        return rc == STORE_DONE ? 0 : -1;
}

static int not_found_or_internal(struct store_db *db, int rc, const char *what,
                                 struct pcrm_error *e)
{
        store_rollback(db);
        return rc == PCRM_ENOTFOUND ? err_set(e, rc, "id", "%s을 찾을 수 없습니다", what)
                                    : err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
}

/*
 * The merge itself, inside the caller's write transaction. Nothing is written before the
 * checks pass, so a PCRM_ERULE leaves the transaction usable; PCRM_EINTERNAL does not.
 */
static int merge_locked(struct store_db *db, const struct actor *who, int64_t survivor_id,
                        int64_t merged_id, const char *how, int64_t *merge_id, struct pcrm_error *e)
{
        struct customer s, m;
        if (survivor_id == merged_id)
                return err_set(e, PCRM_ERULE, "other_id", "같은 고객끼리는 병합할 수 없습니다");
        int rc = customer_load(db, who->tenant_id, survivor_id, &s);
        if (rc == PCRM_OK)
                rc = customer_load(db, who->tenant_id, merged_id, &m);
        if (rc == PCRM_ENOTFOUND)
                return err_set(e, rc, "id", "고객을 찾을 수 없습니다");
        if (rc)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        if (s.merged_into || m.merged_into)
                return err_set(e, PCRM_ERULE, "id", "이미 다른 고객으로 병합된 기록입니다");
        if (s.has_rrn && m.has_rrn && strcmp(s.rrn_index, m.rrn_index))
                return err_set(e, PCRM_ERULE, "other_id",
                               "주민등록번호가 다른 두 사람은 병합할 수 없습니다");
        json_t *before = snapshot(db, who->tenant_id, survivor_id);
        json_t *moved = json_pack("{s:[], s:[]}", "sources", "consents");
        bool ok =
            before && moved &&
            move_rows(db,
                      "UPDATE source_records SET customer_id = ? WHERE tenant_id = ? AND"
                      " customer_id = ? RETURNING id",
                      survivor_id, who->tenant_id, merged_id,
                      json_object_get(moved, "sources")) == 0 &&
            move_rows(db,
                      "UPDATE consent_events SET customer_id = ? WHERE tenant_id = ? AND"
                      " customer_id = ? RETURNING id",
                      survivor_id, who->tenant_id, merged_id,
                      json_object_get(moved, "consents")) == 0 &&
            fill_from(db, who->tenant_id, survivor_id, merged_id) == 0 &&
            set_merged_into(db, who->tenant_id, merged_id, survivor_id) == 0 &&
            settle_reviews(db, who, survivor_id, merged_id, "merged") == 0 &&
            insert_merge(db, who, survivor_id, merged_id, how, before, moved, merge_id) == 0 &&
            merge_audit(db, who, "customer.merge", survivor_id, merged_id, *merge_id) == 0;
        json_decref(before);
        json_decref(moved);
        return ok ? PCRM_OK : err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
}

int customer_merge(struct store_db *db, const struct actor *who, int64_t survivor_id,
                   int64_t merged_id, const char *how, int64_t *merge_id, struct pcrm_error *e)
{
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        int rc = merge_locked(db, who, survivor_id, merged_id, how, merge_id, e);
        if (rc == PCRM_OK && store_commit(db) != STORE_OK)
                rc = err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        if (rc)
                store_rollback(db);
        return rc;
}

/* Two customers a record matched both strongly are one person, unless they conflict. */
static bool compatible(const struct customer *a, const struct customer *b)
{
        if (a->has_rrn && b->has_rrn && strcmp(a->rrn_index, b->rrn_index))
                return false;
        if (a->sex[0] && b->sex[0] && strcmp(a->sex, b->sex))
                return false;
        if (a->birth_date[0] && b->birth_date[0] && strcmp(a->birth_date, b->birth_date))
                return false;
        return !a->name_key[0] || !b->name_key[0] || match_name_similar(a->name_key, b->name_key);
}

static int merge_also_matched(struct store_db *db, const struct actor *who,
                              const struct match_weights *w, int64_t best, const int64_t *ids,
                              const struct match_result *results, size_t n, struct pcrm_error *e)
{
        for (size_t i = 0; i < n; i++) {
                struct customer a, b;
                if (ids[i] == best || match_decide(&results[i], w) != MATCH_LINK)
                        continue;
                if (customer_load(db, who->tenant_id, best, &a) != PCRM_OK ||
                    customer_load(db, who->tenant_id, ids[i], &b) != PCRM_OK)
                        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
                if (b.merged_into || !compatible(&a, &b))
                        continue;
                int64_t merge_id;
                int rc = merge_locked(db, who, best, ids[i], "auto", &merge_id, e);
                if (rc != PCRM_OK && rc != PCRM_ERULE)
                        return rc;
        }
        return PCRM_OK;
}

/* Moves the listed rows back to their customer (one UPDATE per id). */
static int move_back(struct store_db *db, const char *sql, int64_t tenant_id, int64_t to,
                     json_t *ids)
{
        size_t i;
        json_t *v;
        json_array_foreach(ids, i, v)
        {
                if (exec_ids(db, sql, to, tenant_id, json_integer_value(v)) < 0)
                        return -1;
        }
        return 0;
}

int customer_unmerge(struct store_db *db, const struct actor *who, int64_t merge_id,
                     struct pcrm_error *e)
{
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        struct store_stmt *st = store_prepare(
            db, "SELECT survivor_id, merged_id, survivor_before, moved_sources, undone_at,"
                " (SELECT count(*) FROM customer_merges l WHERE l.tenant_id = m.tenant_id AND"
                " (l.survivor_id = m.survivor_id OR l.merged_id = m.survivor_id)"
                " AND l.id > m.id AND l.undone_at IS NULL)"
                " FROM customer_merges m WHERE tenant_id = ? AND id = ?");
        if (!st)
                return not_found_or_internal(db, PCRM_EINTERNAL, "", e);
        store_bind_int(st, 1, who->tenant_id);
        store_bind_int(st, 2, merge_id);
        int step = store_step(st);
        int64_t survivor = 0, merged = 0, later = 0;
        bool undone = false;
        json_t *before = NULL, *moved = NULL;
        if (step == STORE_ROW) {
                survivor = store_col_int(st, 0);
                merged = store_col_int(st, 1);
                before = json_loads(store_col_text(st, 2) ? store_col_text(st, 2) : "", 0, NULL);
                moved = json_loads(store_col_text(st, 3) ? store_col_text(st, 3) : "", 0, NULL);
                undone = !store_col_is_null(st, 4);
                later = store_col_int(st, 5);
        }
        store_done(st);
        if (step != STORE_ROW) {
                json_decref(before);
                json_decref(moved);
                return not_found_or_internal(
                    db, step == STORE_DONE ? PCRM_ENOTFOUND : PCRM_EINTERNAL, "병합 기록", e);
        }
        int rc = PCRM_OK;
        if (undone)
                rc = err_set(e, PCRM_ERULE, "id", "이미 되돌린 병합입니다");
        else if (later)
                rc = err_set(e, PCRM_ERULE, "id",
                             "이 고객이 관련된 이후의 병합을 먼저 되돌려야 합니다");
        else if (!before || !moved)
                rc = err_set(e, PCRM_EINTERNAL, "", "병합 기록이 손상되었습니다");
        if (rc) {
                store_rollback(db);
                json_decref(before);
                json_decref(moved);
                return rc;
        }
        bool ok =
            restore_from(db, who->tenant_id, survivor, before) == 0 &&
            move_back(db,
                      "UPDATE source_records SET customer_id = ? WHERE tenant_id = ? AND id = ?",
                      who->tenant_id, merged, json_object_get(moved, "sources")) == 0 &&
            move_back(db,
                      "UPDATE consent_events SET customer_id = ? WHERE tenant_id = ? AND id = ?",
                      who->tenant_id, merged, json_object_get(moved, "consents")) == 0 &&
            set_merged_into(db, who->tenant_id, merged, 0) == 0 &&
            exec_ids(db, "UPDATE customer_merges SET undone_at = ? WHERE tenant_id = ? AND id = ?",
                     time_now_ms(), who->tenant_id, merge_id) == 0 &&
            merge_audit(db, who, "customer.unmerge", survivor, merged, merge_id) == 0 &&
            store_commit(db) == STORE_OK;
        json_decref(before);
        json_decref(moved);
        if (!ok) {
                store_rollback(db);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        return PCRM_OK;
}

int match_review_decide(struct store_db *db, const struct actor *who, int64_t review_id,
                        const char *decision, struct pcrm_error *e)
{
        bool merge = decision && !strcmp(decision, "merge");
        if (!merge && !(decision && !strcmp(decision, "distinct")))
                return err_set(e, PCRM_EINVALID, "decision",
                               "decision은 merge 또는 distinct여야 합니다");
        struct store_stmt *st = store_prepare(
            db, "SELECT customer_a, customer_b, status FROM match_reviews WHERE tenant_id = ?"
                " AND id = ?");
        if (!st)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        store_bind_int(st, 1, who->tenant_id);
        store_bind_int(st, 2, review_id);
        int step = store_step(st);
        int64_t a = 0, b = 0;
        bool open = false;
        if (step == STORE_ROW) {
                a = store_col_int(st, 0);
                b = store_col_int(st, 1);
                open = store_col_text(st, 2) && !strcmp(store_col_text(st, 2), "open");
        }
        store_done(st);
        if (step == STORE_DONE)
                return err_set(e, PCRM_ENOTFOUND, "id", "검토 항목을 찾을 수 없습니다");
        if (step != STORE_ROW)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        if (!open)
                return err_set(e, PCRM_ERULE, "id", "이미 결정된 검토 항목입니다");
        if (merge) {
                int64_t merge_id;
                return customer_merge(db, who, a, b, "manual", &merge_id, e);
        }
        char idtext[24];
        snprintf(idtext, sizeof(idtext), "%" PRId64, review_id);
        struct audit_event ev = {
            .action = "match_review.distinct", .target_type = "match_review", .target_id = idtext};
        if (store_begin(db) != STORE_OK || settle_reviews(db, who, a, b, "distinct") < 0 ||
            audit_append(db, who, &ev) < 0 || store_commit(db) != STORE_OK) {
                store_rollback(db);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        return PCRM_OK;
}
