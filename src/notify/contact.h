/*
 * contact: the contact history (접촉이력). Every contact with a resident is one row:
 * channel, direction, time, staff member, customer, related complaint, a short summary.
 * It appears in the customer's 360° view in time order. Recording one is audited.
 */
#ifndef PCRM_NOTIFY_CONTACT_H
#define PCRM_NOTIFY_CONTACT_H

#include "auth/actor.h"
#include "store/db.h"

#include <stdbool.h>
#include <stdint.h>

#define CONTACT_SUMMARY_MAX 500 /* characters */

struct contact_input {
        int64_t customer_id;
        const char *channel;    /* phone, visit, email, sms, web, mail, notice */
        const char *direction;  /* inbound, outbound */
        int64_t at;             /* 0: now; never in the future */
        const char *receipt_no; /* optional: the related complaint */
        const char *summary;
};

bool contact_channel_valid(const char *channel);

/* Records a contact by the actor (its staff member), audited. Returns PCRM_OK with *id,
 * or an error naming the field (customer_id and receipt_no must be the tenant's). */
int contact_record(struct store_db *db, const struct actor *who, const struct contact_input *in,
                   int64_t *id, struct pcrm_error *e);

#endif
