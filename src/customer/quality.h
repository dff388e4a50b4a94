/*
 * quality: the data-quality report of the report's Tables 4-1/4-2, per field of the
 * source records as entered: total, filled (정상입력), null, fill rate (충실도 %), valid
 * as entered (원본정확), cleansed (클린징), invalid, and accuracy (정확도 % =
 * (원본정확 + 클린징) / total). Counts come from the statuses stored at intake.
 */
#ifndef PCRM_CUSTOMER_QUALITY_H
#define PCRM_CUSTOMER_QUALITY_H

#include "store/db.h"

#include <stdint.h>

#define QUALITY_FIELDS 5

struct quality_field {
        const char *name;  /* address, phone, mobile, email, rrn */
        const char *label; /* 주소, 전화번호, 휴대전화, 전자우편, 주민등록번호 */
        int64_t filled, null, valid_original, cleansed, invalid;
        double fill_rate, accuracy; /* percent, rounded to 2 decimals */
};

struct quality_report {
        int64_t total;
        struct quality_field fields[QUALITY_FIELDS];
};

/* The JSON form shared by the CLI and the API:
 * {"total":N,"fields":{"address":{"filled","null","fill_rate","valid_original",
 *  "cleansed","invalid","accuracy"},...}}. A new reference, NULL when out of memory. */
struct json_t;
struct json_t *quality_json(const struct quality_report *r);
/* source NULL: every source of the tenant. Returns 0 or -1. */
int quality_report(struct store_db *db, int64_t tenant_id, const char *source,
                   struct quality_report *out);

#endif
