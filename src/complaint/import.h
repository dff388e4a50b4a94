/*
 * complaint import: a 서식민원 export from the existing administrative system, taken in
 * with its history in one command (pcrm import records).
 *
 * DESIGN: the customer importer (customer/import.h) does the file: the whole-file check,
 * the single transaction, the resident source record of every row, the rejects file. This
 * module hangs hooks on it, so the dependency still runs complaint -> customer. When the
 * header has a `title` column, every row with a title also becomes a complaint:
 *
 *   - checked before the row is taken in (a bad value rejects the ROW, with its reason,
 *     and neither the source record nor the complaint is written): received_at (ISO time,
 *     required, not in the future), completed_at (ISO time, required for a finished status,
 *     not before received_at, not allowed for an open one), channel (empty: visit),
 *     status (empty: received), type_code (in the tenant's catalogue), department (a
 *     department code); channel and status also accept the Korean labels of the old system;
 *   - a `title` column without a `received_at` column is a FILE error: every row would be
 *     rejected, so the file is refused before anything is written;
 *   - linked to its source record (complaints.source_record_id), so importing the same file
 *     again finds it and changes nothing;
 *   - given a receipt number from the normal counter of the KST year of received_at, a due
 *     time from the type's period (or 7d) counted from received_at, the status as given
 *     (completed_at sets answered_at, and closed_at for a finished one), the department
 *     given or the type's, an `import` event carrying the original status, and the overdue
 *     mark when it is open and past due. No tracking PIN: the resident never filed online.
 */
#ifndef PCRM_COMPLAINT_IMPORT_H
#define PCRM_COMPLAINT_IMPORT_H

#include "customer/import.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct complaint_import_stats {
        struct import_stats records; /* the resident source records, as import_records counts */
        bool complaints_columns;     /* the header has a title column */
        int64_t complaints;          /* complaints created */
        int64_t unchanged;           /* complaints imported before: unchanged */
        int64_t overdue;             /* of the created, open and past due: marked overdue */
};

/*
 * import_records (same arguments, same promises) plus the complaints of the rows that
 * have a title. Returns PCRM_OK, or an error in e (stats->records.line for a malformed
 * file) after which nothing was written. who is the operator: the import events and the
 * audit rows name it.
 */
int complaint_import_records(struct store_db *db, const struct actor *who, const char *source,
                             const char *data, size_t len, FILE *rejects,
                             struct complaint_import_stats *stats, struct pcrm_error *e);

#endif
