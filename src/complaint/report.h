/*
 * report: the complaint reports a city reads.
 *   complaints-vs-customers (Busan Table 3-1): per year, form complaints (법정) and the
 *     others: complaints filed and distinct customers behind them (people served, not
 *     filings).
 *   processing-time (Paju Tables 3-6/3-7): per type and per department: count, mean
 *     actual days against statutory days, on-time rate, overdue now.
 *   backlog: per department and officer: open, due today, overdue, awaiting supplement.
 * Each returns a new JSON object (caller owns it) or NULL on a database error.
 */
#ifndef PCRM_COMPLAINT_REPORT_H
#define PCRM_COMPLAINT_REPORT_H

#include "store/db.h"

#include <jansson.h>
#include <stdint.h>

json_t *report_complaints_vs_customers(struct store_db *db, int64_t tenant_id);
/* by: "type" or "department". */
json_t *report_processing_time(struct store_db *db, int64_t tenant_id, const char *by);
json_t *report_backlog(struct store_db *db, int64_t tenant_id, int64_t now_ms);

#endif
