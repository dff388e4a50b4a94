#include "customer/quality.h"

#include "customer/cleanse.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

static const struct {
        const char *name, *label;
} field_names[QUALITY_FIELDS] = {
    {"address", "주소"},   {"phone", "전화번호"},   {"mobile", "휴대전화"},
    {"email", "전자우편"}, {"rrn", "주민등록번호"},
};

static double percent(int64_t part, int64_t total)
{
        return total ? round(10000.0 * (double)part / (double)total) / 100.0 : 0.0;
}

int quality_report(struct store_db *db, int64_t tenant_id, const char *source,
                   struct quality_report *out)
{
        memset(out, 0, sizeof(*out));
        /* One pass: for each field, the count of each status (0 null .. 3 invalid). */
        struct store_stmt *st = store_prepare(
            db, "SELECT count(*),"
                " sum(q_address = 0), sum(q_address = 1), sum(q_address = 2), sum(q_address = 3),"
                " sum(q_phone = 0), sum(q_phone = 1), sum(q_phone = 2), sum(q_phone = 3),"
                " sum(q_mobile = 0), sum(q_mobile = 1), sum(q_mobile = 2), sum(q_mobile = 3),"
                " sum(q_email = 0), sum(q_email = 1), sum(q_email = 2), sum(q_email = 3),"
                " sum(q_rrn = 0), sum(q_rrn = 1), sum(q_rrn = 2), sum(q_rrn = 3)"
                " FROM source_records WHERE tenant_id = ?"
                " AND (CAST(? AS TEXT) IS NULL OR source = ?)");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, source);
        store_bind_text(st, 3, source);
        int rc = store_step(st);
        if (rc == STORE_ROW) {
                out->total = store_col_int(st, 0);
                for (int f = 0; f < QUALITY_FIELDS; f++) {
                        struct quality_field *q = &out->fields[f];
                        int col = 1 + f * 4;
                        q->name = field_names[f].name;
                        q->label = field_names[f].label;
                        q->null = store_col_int(st, col + CLEANSE_NULL);
                        q->valid_original = store_col_int(st, col + CLEANSE_VALID);
                        q->cleansed = store_col_int(st, col + CLEANSE_CLEANSED);
                        q->invalid = store_col_int(st, col + CLEANSE_INVALID);
                        q->filled = out->total - q->null;
                        q->fill_rate = percent(q->filled, out->total);
                        q->accuracy = percent(q->valid_original + q->cleansed, out->total);
                }
        }
        store_done(st);
        return rc == STORE_ROW ? 0 : -1;
}

json_t *quality_json(const struct quality_report *r)
{
        json_t *fields = json_object();
        for (int i = 0; i < QUALITY_FIELDS; i++) {
                const struct quality_field *q = &r->fields[i];
                json_object_set_new(fields, q->name,
                                    json_pack("{s:I, s:I, s:f, s:I, s:I, s:I, s:f}", "filled",
                                              (json_int_t)q->filled, "null", (json_int_t)q->null,
                                              "fill_rate", q->fill_rate, "valid_original",
                                              (json_int_t)q->valid_original, "cleansed",
                                              (json_int_t)q->cleansed, "invalid",
                                              (json_int_t)q->invalid, "accuracy", q->accuracy));
        }
        return json_pack("{s:I, s:o}", "total", (json_int_t)r->total, "fields", fields);
}
