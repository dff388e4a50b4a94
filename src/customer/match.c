#include "customer/match.h"

#include "auth/audit.h"
#include "base/time.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const match_rule_names[] = {
    "name_exact", "name_similar",   "mobile",          "phone", "email", "birth", "address",
    "household",  "mobile_differs", "address_differs", "upper", "lower", NULL};

void match_default_weights(struct match_weights *w)
{
        w->name_exact = 0.40;
        w->name_similar = 0.25;
        w->mobile = 0.50;
        w->phone = 0.20;
        w->email = 0.50;
        w->birth = 0.45; /* 이름 + 생년월일 identifies a person in most Korean services */
        w->address = 0.30;
        w->household = 0.20; /* on top of address: the same flat, not just the building */
        /* Namesakes born the same day, with other phones and homes, go to review. */
        w->mobile_differs = 0.15;
        w->address_differs = 0.10;
        w->upper = 0.85;
        w->lower = 0.60;
}

double *match_weight_slot(struct match_weights *w, const char *rule)
{
        double *slots[] = {&w->name_exact,     &w->name_similar,    &w->mobile,  &w->phone,
                           &w->email,          &w->birth,           &w->address, &w->household,
                           &w->mobile_differs, &w->address_differs, &w->upper,   &w->lower};
        for (int i = 0; match_rule_names[i]; i++)
                if (!strcmp(match_rule_names[i], rule))
                        return slots[i];
        return NULL;
}

int match_load_weights(struct store_db *db, int64_t tenant_id, struct match_weights *w)
{
        match_default_weights(w);
        struct store_stmt *st =
            store_prepare(db, "SELECT rule, weight FROM match_rules WHERE tenant_id = ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        int rc;
        while ((rc = store_step(st)) == STORE_ROW) {
                const char *rule = store_col_text(st, 0);
                double *slot = rule ? match_weight_slot(w, rule) : NULL;
                if (slot)
                        *slot = (double)store_col_int(st, 1) / 1000.0;
        }
        store_done(st);
        return rc < 0 ? -1 : 0;
}

int match_set_weight(struct store_db *db, const struct actor *who, const char *rule, double value,
                     struct pcrm_error *e)
{
        struct match_weights w;
        if (!match_weight_slot(&w, rule))
                return err_set(e, PCRM_EINVALID, "rule", "알 수 없는 규칙입니다: %s", rule);
        if (!(value >= 0.0 && value <= 2.0))
                return err_set(e, PCRM_EINVALID, rule, "가중치는 0부터 2까지입니다");
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        /* Stored in thousandths, so the value is an exact integer in every backend. */
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO match_rules (tenant_id, rule, weight, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (tenant_id, rule) DO UPDATE SET weight = excluded.weight,"
                " updated_at = excluded.updated_at");
        int rc = STORE_ERROR;
        if (st) {
                store_bind_int(st, 1, who->tenant_id);
                store_bind_text(st, 2, rule);
                store_bind_int(st, 3, (int64_t)llround(value * 1000.0));
                store_bind_int(st, 4, time_now_ms());
                rc = store_step(st);
                store_done(st);
        }
        char detail[96];
        snprintf(detail, sizeof(detail), "{\"rule\":\"%s\",\"weight\":%.3f}", rule, value);
        struct audit_event ev = {.action = "match_rule.update",
                                 .target_type = "match_rule",
                                 .target_id = rule,
                                 .detail = detail};
        if (rc != STORE_DONE || audit_append(db, who, &ev) < 0 || store_commit(db) != STORE_OK) {
                store_rollback(db);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        return PCRM_OK;
}

/* Splits UTF-8 into code points (at most max); returns the count. */
static size_t code_points(const char *s, const char **starts, size_t max)
{
        size_t n = 0;
        for (const char *p = s; *p && n < max; p++)
                if (((unsigned char)*p & 0xC0) != 0x80)
                        starts[n++] = p;
        return n;
}

static size_t cp_len(const char *p)
{
        unsigned char c = (unsigned char)*p;
        return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
}

bool match_name_similar(const char *a, const char *b)
{
        if (!*a || !*b)
                return false;
        if (!strcmp(a, b))
                return true;
        const char *pa[16], *pb[16];
        size_t na = code_points(a, pa, 16), nb = code_points(b, pb, 16);
        if (na != nb || na < 2 || na >= 16)
                return false;
        int differ = 0;
        for (size_t i = 0; i < na; i++) {
                size_t la = cp_len(pa[i]), lb = cp_len(pb[i]);
                if (la != lb || memcmp(pa[i], pb[i], la)) {
                        if (i == 0)
                                return false; /* a different surname is a different family */
                        differ++;
                }
        }
        return differ == 1;
}

static void add_reason(struct match_result *r, const char *what)
{
        size_t used = strlen(r->reasons);
        snprintf(r->reasons + used, sizeof(r->reasons) - used, "%s%s", used ? "+" : "", what);
}

static void veto(struct match_result *r, const char *why)
{
        r->veto = true;
        r->score = 0;
        snprintf(r->reasons, sizeof(r->reasons), "veto:%s", why);
}

void match_score(const struct customer_clean *rec, const struct customer *cand,
                 const struct match_weights *w, struct match_result *out)
{
        memset(out, 0, sizeof(*out));
        if (rec->rrn[0] && cand->has_rrn) {
                if (!strcmp(rec->rrn_index, cand->rrn_index)) {
                        out->same_rrn = true;
                        out->score = 1.0 + w->upper;
                        add_reason(out, "rrn");
                        return;
                }
                veto(out, "rrn");
                return;
        }
        if (rec->sex && cand->sex[0] && rec->sex != cand->sex[0]) {
                veto(out, "sex");
                return;
        }
        if (rec->birth_date[0] && cand->birth_date[0] &&
            strcmp(rec->birth_date, cand->birth_date)) {
                veto(out, "birth_date");
                return;
        }
        if (rec->name_key[0] && cand->name_key[0]) {
                if (!strcmp(rec->name_key, cand->name_key)) {
                        out->score += w->name_exact;
                        add_reason(out, "name");
                } else if (match_name_similar(rec->name_key, cand->name_key)) {
                        out->score += w->name_similar;
                        add_reason(out, "name~");
                } else {
                        veto(out, "name");
                        return;
                }
        }
        if (rec->mobile[0] && !strcmp(rec->mobile, cand->mobile)) {
                out->score += w->mobile;
                add_reason(out, "mobile");
        } else if (rec->mobile[0] && cand->mobile[0]) {
                out->score -= w->mobile_differs;
                add_reason(out, "mobile≠");
        }
        if (rec->phone[0] && !strcmp(rec->phone, cand->phone)) {
                out->score += w->phone;
                add_reason(out, "phone");
        }
        if (rec->email[0] && !strcmp(rec->email, cand->email)) {
                out->score += w->email;
                add_reason(out, "email");
        }
        if (rec->birth_date[0] && !strcmp(rec->birth_date, cand->birth_date)) {
                out->score += w->birth;
                add_reason(out, "birth");
        }
        if (rec->address_base[0] && !strcmp(rec->address_base, cand->address_base)) {
                out->score += w->address;
                add_reason(out, "address");
                if (rec->household_key[0] && !strcmp(rec->household_key, cand->household_key)) {
                        out->score += w->household;
                        add_reason(out, "household");
                }
        } else if (rec->address_base[0] && cand->address_base[0]) {
                out->score -= w->address_differs;
                add_reason(out, "address≠");
        }
}

enum match_verdict match_decide(const struct match_result *r, const struct match_weights *w)
{
        if (r->veto)
                return MATCH_VETO;
        if (r->same_rrn || r->score >= w->upper - 1e-9)
                return MATCH_LINK;
        return r->score >= w->lower - 1e-9 ? MATCH_REVIEW : MATCH_NEW;
}

static int collect(struct store_stmt *st, int64_t *ids, size_t max, size_t *n)
{
        int rc;
        while (*n < max && (rc = store_step(st)) == STORE_ROW) {
                int64_t id = store_col_int(st, 0);
                bool seen = false;
                for (size_t i = 0; i < *n && !seen; i++)
                        seen = ids[i] == id;
                if (!seen)
                        ids[(*n)++] = id;
        }
        store_done(st);
        return rc < 0 && rc != STORE_DONE ? -1 : 0;
}

static int by_key(struct store_db *db, const char *sql, int64_t tenant_id, const char *a,
                  const char *b, int64_t *ids, size_t max, size_t *n)
{
        if (!*a || (b && !*b) || *n >= max)
                return 0;
        struct store_stmt *st = store_prepare(db, sql);
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, a);
        if (b)
                store_bind_text(st, 3, b);
        return collect(st, ids, max, n);
}

int match_candidates(struct store_db *db, int64_t tenant_id, const struct customer_clean *rec,
                     int64_t *ids, size_t max, size_t *n)
{
        *n = 0;
        int rc = 0;
        rc |= by_key(db,
                     "SELECT id FROM customers WHERE tenant_id = ? AND rrn_index = ?"
                     " AND merged_into IS NULL LIMIT 8",
                     tenant_id, rec->rrn[0] ? rec->rrn_index : "", NULL, ids, max, n);
        rc |= by_key(db,
                     "SELECT id FROM customers WHERE tenant_id = ? AND mobile = ?"
                     " AND merged_into IS NULL LIMIT 8",
                     tenant_id, rec->mobile, NULL, ids, max, n);
        rc |= by_key(db,
                     "SELECT id FROM customers WHERE tenant_id = ? AND email = ?"
                     " AND merged_into IS NULL LIMIT 8",
                     tenant_id, rec->email, NULL, ids, max, n);
        rc |= by_key(db,
                     "SELECT id FROM customers WHERE tenant_id = ? AND name_key = ?"
                     " AND birth_date = ? AND merged_into IS NULL LIMIT 8",
                     tenant_id, rec->name_key, rec->birth_date, ids, max, n);
        rc |= by_key(db,
                     "SELECT id FROM customers WHERE tenant_id = ? AND address_base = ?"
                     " AND name_key = ? AND merged_into IS NULL LIMIT 8",
                     tenant_id, rec->address_base, rec->name_key, ids, max, n);
        rc |= by_key(db,
                     "SELECT id FROM customers WHERE tenant_id = ? AND household_key = ?"
                     " AND merged_into IS NULL LIMIT 12",
                     tenant_id, rec->household_key, NULL, ids, max, n);
        rc |= by_key(db,
                     "SELECT id FROM customers WHERE tenant_id = ? AND phone = ?"
                     " AND merged_into IS NULL LIMIT 8",
                     tenant_id, rec->phone, NULL, ids, max, n);
        return rc ? -1 : 0;
}
