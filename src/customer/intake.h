/*
 * intake: how a record about a person enters the customer database, and how people
 * correct the result.
 *
 * DESIGN: intake_record stores the record unchanged as a source record (원본 유지: the
 * fields as entered, the RRN sealed), cleanses a copy, finds candidate customers
 * (match.h) and either links the record to the best one (filling that customer's empty
 * fields, never overwriting), or creates a new customer, queueing pairs that scored
 * between the thresholds for review. It runs inside the caller's transaction, so an
 * import of many rows commits or rolls back as a whole.
 *
 * Merging two customers (by hand or from the review queue) keeps what is needed to undo
 * it: the survivor's fields before the merge and the source records and consents that
 * moved. Both are audited.
 */
#ifndef PCRM_CUSTOMER_INTAKE_H
#define PCRM_CUSTOMER_INTAKE_H

#include "customer/customer.h"
#include "customer/match.h"

#include <jansson.h>
#include <stdint.h>

#define SOURCE_NAME_MAX 64
#define SOURCE_ID_MAX   128

enum intake_outcome {
        INTAKE_NEW,       /* a new customer */
        INTAKE_LINKED,    /* linked to an existing customer (same RRN or score >= upper) */
        INTAKE_DUPLICATE, /* this source + source_id was taken in before: nothing changed */
};

struct intake_result {
        enum intake_outcome outcome;
        int64_t customer_id;
        int64_t source_record_id;
        double score;
        int reviews;                 /* pairs queued for review */
        struct customer_clean clean; /* the cleansed record, for counting statuses */
};

/*
 * Takes in one record inside the caller's open write transaction. fields is the record
 * as entered (a JSON object of text values, borrowed) without the RRN, which comes in
 * in->rrn and is stored sealed. Returns PCRM_OK or an error in e.
 */
int intake_record(struct store_db *db, const struct actor *who, const struct match_weights *w,
                  const char *source, const char *source_id, const struct customer_input *in,
                  json_t *fields, struct intake_result *res, struct pcrm_error *e);

/* Merges merged_id into survivor_id (own transaction, audited). Returns the merge id. */
int customer_merge(struct store_db *db, const struct actor *who, int64_t survivor_id,
                   int64_t merged_id, const char *how, int64_t *merge_id, struct pcrm_error *e);
/* Undoes a merge (own transaction, audited). PCRM_ERULE if already undone or if a later
 * merge into the same survivor is still in force. */
int customer_unmerge(struct store_db *db, const struct actor *who, int64_t merge_id,
                     struct pcrm_error *e);
/* Decides a review: "merge" (merges b into a) or "distinct". */
int match_review_decide(struct store_db *db, const struct actor *who, int64_t review_id,
                        const char *decision, struct pcrm_error *e);

#endif
