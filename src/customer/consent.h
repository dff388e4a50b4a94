/*
 * consent: the consent ledger. Every grant or withdrawal is an event (customer × purpose ×
 * channel, with source, time and actor); the current state is the latest event. Korean
 * law is opt-in: anything beyond the purpose the data was collected for is denied until
 * granted. complaint_handling is the legal basis of a complaint and always allowed.
 *
 * consent_may_use is the one question every feature asks before using a customer's data.
 */
#ifndef PCRM_CUSTOMER_CONSENT_H
#define PCRM_CUSTOMER_CONSENT_H

#include "auth/actor.h"
#include "store/db.h"

#include <stdbool.h>
#include <stdint.h>

extern const char *const consent_purposes[]; /* NULL-terminated */
extern const char *const consent_channels[]; /* NULL-terminated */
bool consent_purpose_valid(const char *purpose);
bool consent_channel_valid(const char *channel);

/* Records a grant (granted = true) or a withdrawal, audited, in its own transaction. */
int consent_record(struct store_db *db, const struct actor *who, int64_t customer_id,
                   const char *purpose, const char *channel, bool granted, const char *source,
                   struct pcrm_error *e);

/* The same inside the caller's open write transaction (e.g. with a complaint's intake). */
int consent_append(struct store_db *db, const struct actor *who, int64_t customer_id,
                   const char *purpose, const char *channel, bool granted, const char *source,
                   struct pcrm_error *e);

/*
 * May pcrm use customer C's contact on channel H for purpose P? Returns 1 (yes), 0 (no)
 * or -1 (database error). A merged customer's question is answered by its survivor.
 */
int consent_may_use(struct store_db *db, int64_t tenant_id, int64_t customer_id,
                    const char *purpose, const char *channel);

struct consent_state {
        const char *purpose, *channel; /* static strings */
        bool granted;
        int64_t at; /* 0: never asked (denied by default) */
        char source[32];
};
/* The current state of every purpose × channel, in table order; out needs 24 entries. */
int consent_states(struct store_db *db, int64_t tenant_id, int64_t customer_id,
                   struct consent_state *out, size_t *n);

#endif
