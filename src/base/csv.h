/*
 * csv: an RFC 4180 reader for UTF-8 text: fields separated by commas, optionally quoted
 * with '"' (a doubled quote inside is one quote; quoted fields may hold commas and line
 * breaks), records ending in LF or CRLF. A leading UTF-8 byte-order mark is skipped.
 *
 * Ownership: the reader borrows the input text for its lifetime; each record's fields are
 * owned by the reader and valid until the next csv_next call or csv_release.
 */
#ifndef PCRM_BASE_CSV_H
#define PCRM_BASE_CSV_H

#include "base/buf.h"

#include <stddef.h>

#define CSV_MAX_FIELDS 128

struct csv_reader {
        const char *p, *end;
        size_t line; /* line where the current record starts, from 1 */
        size_t next_line;
        struct buf text; /* the current record's fields, NUL-separated */
        size_t offsets[CSV_MAX_FIELDS];
        size_t nfields;
        const char *error; /* why csv_next returned -1 */
};

void csv_init(struct csv_reader *r, const char *data, size_t len);
void csv_release(struct csv_reader *r);
/* Reads the next record: 1 on a record, 0 at the end, -1 on malformed input (r->error). */
int csv_next(struct csv_reader *r);
/* Field i of the current record (NUL-terminated), or NULL past the last field. */
const char *csv_field(const struct csv_reader *r, size_t i);

#endif
