/*
 * import: source records from a UTF-8 CSV file (RFC 4180, header row) into the customer
 * database. Known columns: source_id (required), name, rrn, address, phone, mobile,
 * email, birth_date; any other column is kept with the source record as entered.
 *
 * DESIGN: the whole file is checked first (UTF-8, CSV syntax, the source_id column), so a
 * malformed file is refused with its line number before anything is written. Then every
 * row goes through intake_record in ONE transaction: the import commits whole or not at
 * all. A row is rejected (and reported, with its line and reason) only when it cannot be
 * stored: no source_id, or a different number of fields than the header. Rows with
 * missing or invalid values are imported as entered and counted by the quality report.
 * Importing the same file again changes nothing (source + source_id is unique).
 */
#ifndef PCRM_CUSTOMER_IMPORT_H
#define PCRM_CUSTOMER_IMPORT_H

#include "customer/intake.h"

#include <stdint.h>
#include <stdio.h>

struct import_stats {
        int64_t read;       /* data rows read */
        int64_t imported;   /* new source records */
        int64_t duplicates; /* rows taken in before (source + source_id): unchanged */
        int64_t rejected;
        int64_t created;    /* new customers */
        int64_t linked;     /* rows linked to an existing customer */
        int64_t reviews;    /* pairs queued for review */
        int64_t households; /* distinct households among this source's customers */
        int64_t line;       /* on a file error: the line at fault */
};

/*
 * Imports data (len bytes) as source `source`. Rejected rows are written to rejects as
 * CSV "line,reason,source_id" (rejects may be NULL). Returns PCRM_OK, or an error in e
 * (with stats->line for a malformed file) after which nothing was written.
 */
int import_records(struct store_db *db, const struct actor *who, const char *source,
                   const char *data, size_t len, FILE *rejects, struct import_stats *stats,
                   struct pcrm_error *e);

/* Writes "source,source_id,customer_id" for every source record (customer_id after merges:
 * the surviving customer). source NULL: all sources. Returns rows written or -1. */
int64_t export_records(struct store_db *db, int64_t tenant_id, const char *source, FILE *out);

#endif
