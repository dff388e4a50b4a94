#include "customer/customer.h"

#include "auth/audit.h"
#include "base/buf.h"
#include "base/time.h"
#include "base/utf8.h"
#include "base/validate.h"

#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CUSTOMER_COLUMNS                                                                           \
        "id, tenant_id, merged_into, kind, name, name_key, birth_date, sex, rrn_index,"            \
        " rrn_masked, phone, mobile, email, address, address_base, addr_sido, addr_sigungu,"       \
        " addr_eupmyeon, addr_street, addr_number, addr_detail, postal_code, household_key,"       \
        " created_at, updated_at"

bool cleanse_usable(enum cleanse_status s)
{
        return s == CLEANSE_VALID || s == CLEANSE_CLEANSED;
}

bool customer_kind_valid(const char *kind)
{
        static const char *const kinds[] = {"resident", "policy", "expert", "organisation",
                                            "internal"};
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
                if (!strcmp(kind, kinds[i]))
                        return true;
        return false;
}

void customer_name_key(const char *name, char *out, size_t outlen)
{
        char folded[CLEANSE_INPUT_MAX + 1];
        size_t n = 0;
        out[0] = '\0';
        if (!name || cleanse_fold(name, folded, sizeof(folded)) < 0)
                return;
        for (const char *p = folded; *p && n + 1 < outlen; p++)
                if (*p != ' ' && *p != '\t')
                        out[n++] = *p;
        out[n] = '\0';
}

/* Trims and folds a name; "" when blank or not acceptable text. */
static void clean_name(const char *name, char *out, size_t outlen)
{
        char folded[CLEANSE_INPUT_MAX + 1];
        out[0] = '\0';
        if (!name || cleanse_fold(name, folded, sizeof(folded)) < 0)
                return;
        char *s = folded;
        while (*s == ' ')
                s++;
        size_t len = strlen(s);
        while (len && s[len - 1] == ' ')
                s[--len] = '\0';
        if (!utf8_valid_text(s, len) || utf8_length(s, len) > CUSTOMER_NAME_MAX || len >= outlen)
                return;
        memcpy(out, s, len + 1);
}

/* YYYY-MM-DD valid as entered; YYYYMMDD, YYYY.MM.DD, YYYY/MM/DD (spaces allowed) cleansed. */
static enum cleanse_status clean_birth_date(const char *in, char *out)
{
        int digits[8], nd = 0;
        bool blank = true;
        out[0] = '\0';
        if (!in)
                return CLEANSE_NULL;
        for (const char *p = in; *p; p++) {
                if (*p >= '0' && *p <= '9') {
                        if (nd == 8)
                                return CLEANSE_INVALID;
                        digits[nd++] = *p - '0';
                        blank = false;
                } else if (*p == '-' || *p == '.' || *p == '/') {
                        blank = false;
                } else if (*p != ' ') {
                        return CLEANSE_INVALID;
                }
        }
        if (blank)
                return CLEANSE_NULL;
        if (nd != 8)
                return CLEANSE_INVALID;
        int y = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3];
        int m = digits[4] * 10 + digits[5], d = digits[6] * 10 + digits[7];
        if (y < 1880 || y > 2100 || m < 1 || m > 12 || d < 1 || d > time_days_in_month(y, m))
                return CLEANSE_INVALID;
        char text[40];
        snprintf(text, sizeof(text), "%04d-%02d-%02d", y, m, d);
        memcpy(out, text, 11);
        return strcmp(out, in) ? CLEANSE_CLEANSED : CLEANSE_VALID;
}

static void household_key(const char *canonical, char *out, size_t outlen)
{
        unsigned char h[8];
        char hex[17];
        crypto_generichash(h, sizeof(h), (const unsigned char *)canonical, strlen(canonical), NULL,
                           0);
        sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
        snprintf(out, outlen, "H%s", hex);
}

void customer_cleanse(const struct customer_input *in, struct customer_clean *out)
{
        memset(out, 0, sizeof(*out));
        clean_name(in->name, out->name, sizeof(out->name));
        customer_name_key(out->name, out->name_key, sizeof(out->name_key));
        out->rrn_status = cleanse_rrn(in->rrn ? in->rrn : "", out->rrn, sizeof(out->rrn));
        out->phone_status =
            cleanse_phone(in->phone ? in->phone : "", out->phone, sizeof(out->phone));
        out->mobile_status =
            cleanse_mobile(in->mobile ? in->mobile : "", out->mobile, sizeof(out->mobile));
        out->email_status =
            cleanse_email(in->email ? in->email : "", out->email, sizeof(out->email));
        out->address_status = cleanse_address_parts(in->address ? in->address : "", &out->addr);
        out->birth_status = clean_birth_date(in->birth_date, out->birth_date);
        if (!cleanse_usable(out->birth_status))
                out->birth_date[0] = '\0';
        if (!cleanse_usable(out->address_status)) {
                memset(&out->addr, 0, sizeof(out->addr));
        } else {
                /* The base form is the canonical address up to its detail part. */
                snprintf(out->address_base, sizeof(out->address_base), "%s", out->addr.canonical);
                char *comma = strstr(out->address_base, ", ");
                if (comma && out->addr.detail[0])
                        *comma = '\0';
                household_key(out->addr.canonical, out->household_key, sizeof(out->household_key));
        }
        struct rrn_info info;
        if (cleanse_usable(out->rrn_status) && rrn_parse(out->rrn, &info) == 0) {
                sec_blind_index("rrn", out->rrn, out->rrn_index);
                rrn_mask(out->rrn, out->rrn_masked, sizeof(out->rrn_masked));
                /* The RRN is the better witness of birth date and sex. */
                snprintf(out->birth_date, sizeof(out->birth_date), "%s", info.birth_date);
                out->sex = info.sex;
        } else {
                out->rrn[0] = '\0';
        }
        if (in->postal_code) {
                size_t n = strlen(in->postal_code);
                bool digits = n == 5;
                for (size_t i = 0; digits && i < n; i++)
                        digits = in->postal_code[i] >= '0' && in->postal_code[i] <= '9';
                if (digits)
                        memcpy(out->postal_code, in->postal_code, 6);
        }
        snprintf(out->kind, sizeof(out->kind), "%s",
                 in->kind && customer_kind_valid(in->kind) ? in->kind : "resident");
}

static void customer_from_row(struct store_stmt *st, struct customer *c)
{
        memset(c, 0, sizeof(*c));
        c->id = store_col_int(st, 0);
        c->tenant_id = store_col_int(st, 1);
        c->merged_into = store_col_int(st, 2);
        store_col_copy(st, 3, c->kind, sizeof(c->kind));
        store_col_copy(st, 4, c->name, sizeof(c->name));
        store_col_copy(st, 5, c->name_key, sizeof(c->name_key));
        store_col_copy(st, 6, c->birth_date, sizeof(c->birth_date));
        store_col_copy(st, 7, c->sex, sizeof(c->sex));
        store_col_copy(st, 8, c->rrn_index, sizeof(c->rrn_index));
        c->has_rrn = c->rrn_index[0] != '\0';
        store_col_copy(st, 9, c->rrn_masked, sizeof(c->rrn_masked));
        store_col_copy(st, 10, c->phone, sizeof(c->phone));
        store_col_copy(st, 11, c->mobile, sizeof(c->mobile));
        store_col_copy(st, 12, c->email, sizeof(c->email));
        store_col_copy(st, 13, c->address, sizeof(c->address));
        store_col_copy(st, 14, c->address_base, sizeof(c->address_base));
        store_col_copy(st, 15, c->addr_sido, sizeof(c->addr_sido));
        store_col_copy(st, 16, c->addr_sigungu, sizeof(c->addr_sigungu));
        store_col_copy(st, 17, c->addr_eupmyeon, sizeof(c->addr_eupmyeon));
        store_col_copy(st, 18, c->addr_street, sizeof(c->addr_street));
        store_col_copy(st, 19, c->addr_number, sizeof(c->addr_number));
        store_col_copy(st, 20, c->addr_detail, sizeof(c->addr_detail));
        store_col_copy(st, 21, c->postal_code, sizeof(c->postal_code));
        store_col_copy(st, 22, c->household_key, sizeof(c->household_key));
        c->created_at = store_col_int(st, 23);
        c->updated_at = store_col_int(st, 24);
}

int customer_load(struct store_db *db, int64_t tenant_id, int64_t id, struct customer *out)
{
        struct store_stmt *st = store_prepare(db, "SELECT " CUSTOMER_COLUMNS
                                                  " FROM customers WHERE tenant_id = ? AND id = ?");
        if (!st)
                return PCRM_EINTERNAL;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, id);
        int rc = store_step(st);
        if (rc == STORE_ROW)
                customer_from_row(st, out);
        store_done(st);
        return rc == STORE_ROW ? PCRM_OK : rc == STORE_DONE ? PCRM_ENOTFOUND : PCRM_EINTERNAL;
}

static const char *or_null(const char *s)
{
        return (s && *s) ? s : NULL;
}

static const char *street_of(const struct address_parts *a)
{
        return a->kind == ADDRESS_ROAD ? a->road : a->dongri;
}

/* Binds the sealed RRN (or NULL) at idx. Returns 0 or -1. */
static int bind_sealed_rrn(struct store_stmt *st, int idx, const char *rrn)
{
        unsigned char sealed[RRN_SIZE + SEC_SEAL_OVERHEAD];
        size_t len;
        if (!*rrn)
                return store_bind_null(st, idx);
        if (sec_seal("rrn", rrn, strlen(rrn), sealed, sizeof(sealed), &len) < 0)
                return -1;
        return store_bind_blob(st, idx, sealed, len);
}

int customer_insert(struct store_db *db, int64_t tenant_id, const struct customer_clean *c,
                    int64_t *id_out)
{
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO customers (tenant_id, kind, name, name_key, birth_date, sex,"
                " rrn_sealed, rrn_index, rrn_masked, phone, mobile, email, address, address_base,"
                " addr_sido, addr_sigungu, addr_eupmyeon, addr_street, addr_number, addr_detail,"
                " postal_code, household_key, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING id");
        if (!st)
                return -1;
        int64_t now = time_now_ms();
        char sex[2] = {c->sex, 0};
        const struct address_parts *a = &c->addr;
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, c->kind[0] ? c->kind : "resident");
        store_bind_text(st, 3, or_null(c->name));
        store_bind_text(st, 4, or_null(c->name_key));
        store_bind_text(st, 5, or_null(c->birth_date));
        store_bind_text(st, 6, or_null(sex));
        if (bind_sealed_rrn(st, 7, c->rrn) < 0) {
                store_done(st);
                return -1;
        }
        store_bind_text(st, 8, c->rrn[0] ? c->rrn_index : NULL);
        store_bind_text(st, 9, c->rrn[0] ? c->rrn_masked : NULL);
        store_bind_text(st, 10, or_null(c->phone));
        store_bind_text(st, 11, or_null(c->mobile));
        store_bind_text(st, 12, or_null(c->email));
        store_bind_text(st, 13, or_null(a->canonical));
        store_bind_text(st, 14, or_null(c->address_base));
        store_bind_text(st, 15, or_null(a->sido));
        store_bind_text(st, 16, or_null(a->sigungu));
        store_bind_text(st, 17, or_null(a->eupmyeon));
        store_bind_text(st, 18, or_null(street_of(a)));
        store_bind_text(st, 19, or_null(a->number));
        store_bind_text(st, 20, or_null(a->detail));
        store_bind_text(st, 21, or_null(c->postal_code));
        store_bind_text(st, 22, or_null(c->household_key));
        store_bind_int(st, 23, now);
        store_bind_int(st, 24, now);
        int rc = store_step(st);
        *id_out = rc == STORE_ROW ? store_col_int(st, 0) : 0;
        store_done(st);
        return rc == STORE_ROW ? 0 : -1;
}

static int record_change(struct store_db *db, const struct actor *who, int64_t id,
                         const char *field, const char *old_value, const char *new_value)
{
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO customer_changes (tenant_id, customer_id, field, old_value,"
                " new_value, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        if (!st)
                return -1;
        char actor[300];
        snprintf(actor, sizeof(actor), "%s:%s", actor_kind_name(who->kind), who->name);
        store_bind_int(st, 1, who->tenant_id);
        store_bind_int(st, 2, id);
        store_bind_text(st, 3, field);
        store_bind_text(st, 4, or_null(old_value));
        store_bind_text(st, 5, or_null(new_value));
        store_bind_text(st, 6, actor);
        store_bind_int(st, 7, time_now_ms());
        int rc = store_step(st);
        store_done(st);
        return rc == STORE_DONE ? 0 : -1;
}

int customer_fill(struct store_db *db, const struct actor *who, int64_t id,
                  const struct customer_clean *c)
{
        struct customer cur;
        if (customer_load(db, who->tenant_id, id, &cur) != PCRM_OK)
                return -1;
        int filled = 0;
        bool name = !cur.name[0] && c->name[0], birth = !cur.birth_date[0] && c->birth_date[0],
             sex = !cur.sex[0] && c->sex, rrn = !cur.has_rrn && c->rrn[0],
             phone = !cur.phone[0] && c->phone[0], mobile = !cur.mobile[0] && c->mobile[0],
             email = !cur.email[0] && c->email[0],
             address = !cur.address[0] && c->addr.canonical[0],
             postal = !cur.postal_code[0] && c->postal_code[0];
        if (!(name || birth || sex || rrn || phone || mobile || email || address || postal))
                return 0;
        struct store_stmt *st = store_prepare(
            db, "UPDATE customers SET name = COALESCE(name, ?), name_key = COALESCE(name_key, ?),"
                " birth_date = COALESCE(birth_date, ?), sex = COALESCE(sex, ?),"
                " rrn_sealed = COALESCE(rrn_sealed, ?), rrn_index = COALESCE(rrn_index, ?),"
                " rrn_masked = COALESCE(rrn_masked, ?), phone = COALESCE(phone, ?),"
                " mobile = COALESCE(mobile, ?), email = COALESCE(email, ?),"
                " address = COALESCE(address, ?), address_base = COALESCE(address_base, ?),"
                " addr_sido = COALESCE(addr_sido, ?), addr_sigungu = COALESCE(addr_sigungu, ?),"
                " addr_eupmyeon = COALESCE(addr_eupmyeon, ?),"
                " addr_street = COALESCE(addr_street, ?), addr_number = COALESCE(addr_number, ?),"
                " addr_detail = COALESCE(addr_detail, ?),"
                " household_key = COALESCE(household_key, ?),"
                " postal_code = COALESCE(postal_code, ?), updated_at = ?"
                " WHERE tenant_id = ? AND id = ?");
        if (!st)
                return -1;
        char sexs[2] = {c->sex, 0};
        const struct address_parts *a = &c->addr;
        store_bind_text(st, 1, name ? c->name : NULL);
        store_bind_text(st, 2, name ? c->name_key : NULL);
        store_bind_text(st, 3, birth ? c->birth_date : NULL);
        store_bind_text(st, 4, sex ? sexs : NULL);
        if (rrn) {
                if (bind_sealed_rrn(st, 5, c->rrn) < 0) {
                        store_done(st);
                        return -1;
                }
                store_bind_text(st, 6, c->rrn_index);
                store_bind_text(st, 7, c->rrn_masked);
        }
        store_bind_text(st, 8, phone ? c->phone : NULL);
        store_bind_text(st, 9, mobile ? c->mobile : NULL);
        store_bind_text(st, 10, email ? c->email : NULL);
        if (address) {
                store_bind_text(st, 11, a->canonical);
                store_bind_text(st, 12, c->address_base);
                store_bind_text(st, 13, or_null(a->sido));
                store_bind_text(st, 14, or_null(a->sigungu));
                store_bind_text(st, 15, or_null(a->eupmyeon));
                store_bind_text(st, 16, or_null(street_of(a)));
                store_bind_text(st, 17, or_null(a->number));
                store_bind_text(st, 18, or_null(a->detail));
                store_bind_text(st, 19, c->household_key);
        }
        store_bind_text(st, 20, postal ? c->postal_code : NULL);
        store_bind_int(st, 21, time_now_ms());
        store_bind_int(st, 22, who->tenant_id);
        store_bind_int(st, 23, id);
        int rc = store_step(st);
        store_done(st);
        if (rc != STORE_DONE)
                return -1;
        struct {
                bool on;
                const char *field, *value;
        } changes[] = {
            {name, "name", c->name},
            {birth, "birth_date", c->birth_date},
            {sex, "sex", sexs},
            {rrn, "rrn", c->rrn_masked},
            {phone, "phone", c->phone},
            {mobile, "mobile", c->mobile},
            {email, "email", c->email},
            {address, "address", a->canonical},
            {postal, "postal_code", c->postal_code},
        };
        for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
                if (!changes[i].on)
                        continue;
                if (record_change(db, who, id, changes[i].field, NULL, changes[i].value) < 0)
                        return -1;
                filled++;
        }
        return filled;
}

/* Sets one text column and records the change, when the value differs. */
static int set_column(struct store_db *db, const struct actor *who, int64_t id, const char *field,
                      const char *sql, const char *old_value, const char *new_value)
{
        if (!strcmp(old_value ? old_value : "", new_value ? new_value : ""))
                return 0;
        struct store_stmt *st = store_prepare(db, sql);
        if (!st)
                return -1;
        store_bind_text(st, 1, or_null(new_value));
        store_bind_int(st, 2, time_now_ms());
        store_bind_int(st, 3, who->tenant_id);
        store_bind_int(st, 4, id);
        int rc = store_step(st);
        store_done(st);
        if (rc != STORE_DONE)
                return -1;
        return record_change(db, who, id, field, old_value, new_value);
}

static int invalid_field(struct pcrm_error *e, const char *field)
{
        return err_set(e, PCRM_EINVALID, field, "%s 값이 올바르지 않습니다", field);
}

/* Cleanses the fields given in a correction; NULL members are left alone. */
static int correction_check(const struct customer_input *in, const struct customer_clean *c,
                            struct pcrm_error *e)
{
        int rc;
        if (in->name && *in->name &&
            (rc = validate_text("name", in->name, 1, CUSTOMER_NAME_MAX, e)))
                return rc;
        if (in->rrn && c->rrn_status == CLEANSE_INVALID)
                return invalid_field(e, "rrn");
        if (in->phone && c->phone_status == CLEANSE_INVALID)
                return invalid_field(e, "phone");
        if (in->mobile && c->mobile_status == CLEANSE_INVALID)
                return invalid_field(e, "mobile");
        if (in->email && c->email_status == CLEANSE_INVALID)
                return invalid_field(e, "email");
        if (in->address && c->address_status == CLEANSE_INVALID)
                return invalid_field(e, "address");
        if (in->birth_date && c->birth_status == CLEANSE_INVALID)
                return invalid_field(e, "birth_date");
        if (in->postal_code && *in->postal_code && !c->postal_code[0])
                return invalid_field(e, "postal_code");
        if (in->kind && !customer_kind_valid(in->kind))
                return invalid_field(e, "kind");
        return PCRM_OK;
}

static int update_address(struct store_db *db, const struct actor *who, int64_t id,
                          const struct customer *cur, const struct customer_clean *c)
{
        const struct address_parts *a = &c->addr;
        if (!strcmp(cur->address, a->canonical))
                return 0;
        struct store_stmt *st = store_prepare(
            db,
            "UPDATE customers SET address = ?, address_base = ?, addr_sido = ?,"
            " addr_sigungu = ?, addr_eupmyeon = ?, addr_street = ?, addr_number = ?,"
            " addr_detail = ?, household_key = ?, updated_at = ? WHERE tenant_id = ? AND id = ?");
        if (!st)
                return -1;
        store_bind_text(st, 1, or_null(a->canonical));
        store_bind_text(st, 2, or_null(c->address_base));
        store_bind_text(st, 3, or_null(a->sido));
        store_bind_text(st, 4, or_null(a->sigungu));
        store_bind_text(st, 5, or_null(a->eupmyeon));
        store_bind_text(st, 6, or_null(street_of(a)));
        store_bind_text(st, 7, or_null(a->number));
        store_bind_text(st, 8, or_null(a->detail));
        store_bind_text(st, 9, or_null(c->household_key));
        store_bind_int(st, 10, time_now_ms());
        store_bind_int(st, 11, who->tenant_id);
        store_bind_int(st, 12, id);
        int rc = store_step(st);
        store_done(st);
        if (rc != STORE_DONE)
                return -1;
        return record_change(db, who, id, "address", cur->address, a->canonical);
}

static int update_rrn(struct store_db *db, const struct actor *who, int64_t id,
                      const struct customer *cur, const struct customer_clean *c)
{
        if (!strcmp(cur->rrn_index, c->rrn[0] ? c->rrn_index : ""))
                return 0;
        struct store_stmt *st = store_prepare(
            db, "UPDATE customers SET rrn_sealed = ?, rrn_index = ?, rrn_masked = ?,"
                " birth_date = COALESCE(?, birth_date), sex = COALESCE(?, sex), updated_at = ?"
                " WHERE tenant_id = ? AND id = ?");
        if (!st)
                return -1;
        char sex[2] = {c->sex, 0};
        if (bind_sealed_rrn(st, 1, c->rrn) < 0) {
                store_done(st);
                return -1;
        }
        store_bind_text(st, 2, c->rrn[0] ? c->rrn_index : NULL);
        store_bind_text(st, 3, c->rrn[0] ? c->rrn_masked : NULL);
        store_bind_text(st, 4, c->rrn[0] ? c->birth_date : NULL);
        store_bind_text(st, 5, or_null(sex));
        store_bind_int(st, 6, time_now_ms());
        store_bind_int(st, 7, who->tenant_id);
        store_bind_int(st, 8, id);
        int rc = store_step(st);
        store_done(st);
        if (rc != STORE_DONE)
                return -1;
        return record_change(db, who, id, "rrn", cur->rrn_masked, c->rrn_masked);
}

int customer_update(struct store_db *db, const struct actor *who, int64_t id,
                    const struct customer_input *in, struct customer *out, struct pcrm_error *e)
{
        struct customer_clean c;
        struct customer cur;
        customer_cleanse(in, &c);
        int rc = correction_check(in, &c, e);
        if (rc)
                return rc;
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        rc = customer_load(db, who->tenant_id, id, &cur);
        if (rc == PCRM_OK && cur.merged_into)
                rc = PCRM_ERULE;
        if (rc) {
                store_rollback(db);
                if (rc == PCRM_ERULE)
                        return err_set(e, rc, "id", "다른 고객으로 병합된 기록은 고칠 수 없습니다");
                return rc == PCRM_ENOTFOUND ? err_set(e, rc, "id", "고객을 찾을 수 없습니다")
                                            : err_set(e, rc, "", "데이터베이스 오류");
        }
        int bad = 0;
        /* The one-column fields, each with its own statement (a column cannot be bound). */
        const struct {
                const char *given, *field, *sql, *old, *value;
        } columns[] = {
            {in->name, "name",
             "UPDATE customers SET name = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
             cur.name, c.name},
            {in->name, "name_key",
             "UPDATE customers SET name_key = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
             cur.name_key, c.name_key},
            {in->phone, "phone",
             "UPDATE customers SET phone = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
             cur.phone, c.phone},
            {in->mobile, "mobile",
             "UPDATE customers SET mobile = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
             cur.mobile, c.mobile},
            {in->email, "email",
             "UPDATE customers SET email = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
             cur.email, c.email},
            {in->birth_date, "birth_date",
             "UPDATE customers SET birth_date = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
             cur.birth_date, c.birth_date},
            {in->kind, "kind",
             "UPDATE customers SET kind = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
             cur.kind, in->kind},
            {in->postal_code, "postal_code",
             "UPDATE customers SET postal_code = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
             cur.postal_code, c.postal_code},
        };
        for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
                if (columns[i].given)
                        bad |= set_column(db, who, id, columns[i].field, columns[i].sql,
                                          columns[i].old, columns[i].value);
        if (in->address)
                bad |= update_address(db, who, id, &cur, &c);
        if (in->rrn)
                bad |= update_rrn(db, who, id, &cur, &c);
        char idtext[24];
        snprintf(idtext, sizeof(idtext), "%" PRId64, id);
        struct audit_event ev = {
            .action = "customer.update", .target_type = "customer", .target_id = idtext};
        if (bad || audit_append(db, who, &ev) < 0 || store_commit(db) != STORE_OK ||
            customer_load(db, who->tenant_id, id, out) != PCRM_OK) {
                store_rollback(db);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        return PCRM_OK;
}

int customer_reveal_rrn(struct store_db *db, const struct actor *who, int64_t id,
                        const char *purpose, char *out, size_t outlen, struct pcrm_error *e)
{
        int rc = validate_text("purpose", purpose, 2, 200, e);
        if (rc)
                return rc;
        char key[CUSTOMER_NAME_SIZE];
        customer_name_key(purpose, key, sizeof(key)); /* drops every kind of space */
        if (!key[0])
                return err_set(e, PCRM_EINVALID, "purpose", "열람 목적을 적어야 합니다");
        struct store_stmt *st =
            store_prepare(db, "SELECT rrn_sealed FROM customers WHERE tenant_id = ? AND id = ?");
        if (!st)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        store_bind_int(st, 1, who->tenant_id);
        store_bind_int(st, 2, id);
        int step = store_step(st);
        int opened = -1;
        if (step == STORE_ROW && !store_col_is_null(st, 0))
                opened =
                    sec_open("rrn", store_col_blob(st, 0), store_col_bytes(st, 0), out, outlen);
        store_done(st);
        if (step == STORE_DONE)
                return err_set(e, PCRM_ENOTFOUND, "id", "고객을 찾을 수 없습니다");
        if (step != STORE_ROW)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        if (opened < 0)
                return err_set(e, PCRM_ENOTFOUND, "rrn", "주민등록번호가 없습니다");
        char idtext[24];
        snprintf(idtext, sizeof(idtext), "%" PRId64, id);
        struct audit_event ev = {.action = "customer.rrn.read",
                                 .target_type = "customer",
                                 .target_id = idtext,
                                 .purpose = purpose};
        if (audit_record(db, who, &ev) < 0) {
                sodium_memzero(out, outlen);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        return PCRM_OK;
}

/* Collects ids from a one-parameter-after-tenant query into ids, skipping duplicates. */
static int collect_ids(struct store_stmt *st, int64_t *ids, size_t max, size_t *n)
{
        int rc = STORE_DONE;
        while (*n < max && (rc = store_step(st)) == STORE_ROW) {
                int64_t id = store_col_int(st, 0);
                bool seen = false;
                for (size_t i = 0; i < *n && !seen; i++)
                        seen = ids[i] == id;
                if (!seen)
                        ids[(*n)++] = id;
        }
        store_done(st);
        return rc < 0 ? -1 : 0;
}

static int search_equal(struct store_db *db, const char *sql, int64_t tenant_id, const char *value,
                        int64_t *ids, size_t max, size_t *n)
{
        struct store_stmt *st = store_prepare(db, sql);
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, value);
        store_bind_int(st, 3, (int64_t)max);
        return collect_ids(st, ids, max, n);
}

/* Text search: the name prefix through its index, then trigram full-text search. */
static int search_text(struct store_db *db, int64_t tenant_id, const char *q, int64_t *ids,
                       size_t max, size_t *n)
{
        char key[CUSTOMER_NAME_SIZE], upper[CUSTOMER_NAME_SIZE + 4];
        customer_name_key(q, key, sizeof(key));
        if (key[0]) {
                /* Everything that starts with key sorts before key + U+10FFFF. */
                snprintf(upper, sizeof(upper), "%s\xf4\x8f\xbf\xbf", key);
                struct store_stmt *st = store_prepare(
                    db, "SELECT id FROM customers WHERE tenant_id = ? AND name_key >= ?"
                        " AND name_key < ? AND merged_into IS NULL ORDER BY name_key, id LIMIT ?");
                if (!st)
                        return -1;
                store_bind_int(st, 1, tenant_id);
                store_bind_text(st, 2, key);
                store_bind_text(st, 3, upper);
                store_bind_int(st, 4, (int64_t)max);
                if (collect_ids(st, ids, max, n) < 0)
                        return -1;
        }
        if (utf8_length(q, strlen(q)) < 3 || *n >= max)
                return 0;
        /* A quoted FTS5 string: the query as one phrase, quotes doubled. */
        struct buf phrase;
        buf_init(&phrase, 2048);
        buf_putc(&phrase, '"');
        for (const char *p = q; *p; p++)
                if (buf_putc(&phrase, *p) < 0 || (*p == '"' && buf_putc(&phrase, '"') < 0))
                        break;
        int ok = buf_putc(&phrase, '"');
        struct store_stmt *st =
            ok < 0 ? NULL
                   : store_prepare(
                         db,
                         /* The full-text match first (its rowids), then the tenant filter: the
                          * other order would run the match once per customer. */
                         "SELECT id FROM customers WHERE id IN (SELECT rowid FROM customers_fts"
                         " WHERE customers_fts MATCH ?) AND tenant_id = ? AND merged_into IS NULL"
                         " LIMIT ?");
        if (st) {
                store_bind_text(st, 1, phrase.data);
                store_bind_int(st, 2, tenant_id);
                store_bind_int(st, 3, (int64_t)max);
                ok = collect_ids(st, ids, max, n);
        }
        buf_release(&phrase);
        return ok < 0 ? -1 : 0;
}

int customer_search(struct store_db *db, int64_t tenant_id, const char *q, int64_t *ids, size_t max,
                    size_t *n, const char **kind)
{
        char canon[CLEANSE_EMAIL_SIZE];
        *n = 0;
        *kind = "text";
        if (!q || !*q)
                return 0;
        if (strchr(q, '@') || strstr(q, "\xef\xbc\xa0")) {
                *kind = "email";
                if (!cleanse_usable(cleanse_email(q, canon, sizeof(canon))))
                        return 0;
                return search_equal(db,
                                    "SELECT id FROM customers WHERE tenant_id = ? AND email = ?"
                                    " AND merged_into IS NULL LIMIT ?",
                                    tenant_id, canon, ids, max, n);
        }
        char rrn[RRN_SIZE];
        if (cleanse_usable(cleanse_rrn(q, rrn, sizeof(rrn)))) {
                char index[SEC_HASH_HEX];
                *kind = "rrn";
                sec_blind_index("rrn", rrn, index);
                return search_equal(db,
                                    "SELECT id FROM customers WHERE tenant_id = ? AND rrn_index = ?"
                                    " AND merged_into IS NULL LIMIT ?",
                                    tenant_id, index, ids, max, n);
        }
        if (cleanse_usable(cleanse_mobile(q, canon, sizeof(canon))) ||
            cleanse_usable(cleanse_phone(q, canon, sizeof(canon)))) {
                *kind = "phone";
                if (search_equal(db,
                                 "SELECT id FROM customers WHERE tenant_id = ? AND mobile = ?"
                                 " AND merged_into IS NULL LIMIT ?",
                                 tenant_id, canon, ids, max, n) < 0)
                        return -1;
                return search_equal(db,
                                    "SELECT id FROM customers WHERE tenant_id = ? AND phone = ?"
                                    " AND merged_into IS NULL LIMIT ?",
                                    tenant_id, canon, ids, max, n);
        }
        return search_text(db, tenant_id, q, ids, max, n);
}

static const char *const fts_triggers[2] = {"customers_fts_insert", "customers_fts_update"};

int customer_search_index_pause(struct store_db *db, struct customer_index_pause *p)
{
        memset(p, 0, sizeof(*p));
        for (int i = 0; i < 2; i++) {
                struct store_stmt *st = store_prepare(
                    db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?");
                if (!st)
                        return -1;
                store_bind_text(st, 1, fts_triggers[i]);
                if (store_step(st) == STORE_ROW && store_col_text(st, 0))
                        p->sql[i] = strdup(store_col_text(st, 0));
                store_done(st);
                if (!p->sql[i])
                        continue; /* not there (someone dropped it): nothing to pause */
                char drop[96];
                snprintf(drop, sizeof(drop), "DROP TRIGGER %s", fts_triggers[i]);
                if (store_exec(db, drop) != STORE_OK)
                        return -1;
        }
        return 0;
}

int customer_search_index_resume(struct store_db *db, struct customer_index_pause *p)
{
        if (store_exec(db, "INSERT INTO customers_fts (customers_fts) VALUES ('rebuild')") !=
            STORE_OK)
                return -1;
        for (int i = 0; i < 2; i++)
                if (p->sql[i] && store_exec(db, p->sql[i]) != STORE_OK)
                        return -1;
        return 0;
}

void customer_search_index_release(struct customer_index_pause *p)
{
        for (int i = 0; i < 2; i++) {
                free(p->sql[i]);
                p->sql[i] = NULL;
        }
}

int64_t customer_survivor(struct store_db *db, int64_t tenant_id, int64_t id)
{
        for (int hops = 0; hops < 16; hops++) {
                struct store_stmt *st = store_prepare(
                    db, "SELECT merged_into FROM customers WHERE tenant_id = ? AND id = ?");
                if (!st)
                        return -1;
                store_bind_int(st, 1, tenant_id);
                store_bind_int(st, 2, id);
                int rc = store_step(st);
                int64_t next = rc == STORE_ROW ? store_col_int(st, 0) : 0;
                store_done(st);
                if (rc == STORE_DONE)
                        return 0;
                if (rc != STORE_ROW)
                        return -1;
                if (!next)
                        return id;
                id = next;
        }
        return id;
}
