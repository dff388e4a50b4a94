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

#include <stdbool.h>
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

/*
 * Hooks let a higher layer (complaint/import.h) take more out of each row without the
 * customer importer knowing about it. A row is borrowed for the call only; its fields are
 * read by column name with import_row_field.
 */
struct import_row;

/* The field of this row in the named column: NULL when the file has no such column (or
 * for the header row), "" when the field is empty. */
const char *import_row_field(const struct import_row *row, const char *column);
/* Whether the header has the named column. */
bool import_row_has_column(const struct import_row *row, const char *column);
/* The row's first line in the file (1 for the header) and its source_id (NULL for the
 * header). */
size_t import_row_line(const struct import_row *row);
const char *import_row_source_id(const struct import_row *row);

struct import_hooks {
        void *ctx;
        /* Pass 1, once, on the header: a file error in e refuses the whole file. */
        int (*header)(void *ctx, const struct import_row *header, struct pcrm_error *e);
        /* Pass 2, before a row is taken in: PCRM_EINVALID rejects the row with e->message
         * as its reason; any other error aborts the import (nothing is written). */
        int (*check)(void *ctx, const struct import_row *row, struct pcrm_error *e);
        /* Pass 2, after a row was taken in (new or taken in before): any error aborts. */
        int (*taken)(void *ctx, const struct import_row *row, const struct intake_result *res,
                     struct pcrm_error *e);
        /* Pass 2, after the last row and before the commit: any error aborts. */
        int (*finish)(void *ctx, struct pcrm_error *e);
};

/* import_records with hooks (any of them may be NULL; hooks itself may be NULL). The
 * hooks run inside the import's transaction. */
int import_records_hooked(struct store_db *db, const struct actor *who, const char *source,
                          const char *data, size_t len, FILE *rejects,
                          const struct import_hooks *hooks, struct import_stats *stats,
                          struct pcrm_error *e);

/* Writes "source,source_id,customer_id" for every source record (customer_id after merges:
 * the surviving customer). source NULL: all sources. Returns rows written or -1. */
int64_t export_records(struct store_db *db, int64_t tenant_id, const char *source, FILE *out);

#endif
