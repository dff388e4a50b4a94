/*
 * customer: golden customer records of the integrated customer database (통합고객 DB).
 *
 * A customer is built from source records (see intake.h): the values here are always the
 * canonical forms produced by cleanse.h / ident.h; raw values stay in the source records.
 * The RRN is stored sealed (secret.h), with a keyed blind index for exact lookup and a
 * masked form for screens; customer_reveal_rrn is the only way to read it back, and it
 * audits the read with its purpose.
 *
 * Ownership: structs are plain values owned by the caller; string inputs are borrowed.
 * All functions work inside the actor's tenant only: another tenant's id is not found.
 */
#ifndef PCRM_CUSTOMER_CUSTOMER_H
#define PCRM_CUSTOMER_CUSTOMER_H

#include "auth/actor.h"
#include "auth/secret.h"
#include "customer/cleanse.h"
#include "customer/ident.h"
#include "store/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CUSTOMER_NAME_MAX       40 /* characters */
#define CUSTOMER_NAME_SIZE      (CUSTOMER_NAME_MAX * 4 + 1)
#define CUSTOMER_HOUSEHOLD_SIZE 20

/* One record about a person as entered. NULL members are absent. */
struct customer_input {
        const char *name;
        const char *rrn;
        const char *birth_date;
        const char *phone;
        const char *mobile;
        const char *email;
        const char *address;
        const char *postal_code;
        const char *kind; /* resident (default), policy, expert, organisation, internal */
};

/* The same record cleansed: each field's status and canonical value ("" unless usable). */
struct customer_clean {
        char name[CUSTOMER_NAME_SIZE];
        char name_key[CUSTOMER_NAME_SIZE]; /* name without spaces, for matching */
        enum cleanse_status rrn_status, phone_status, mobile_status, email_status, address_status,
            birth_status;
        char rrn[RRN_SIZE];
        char rrn_index[SEC_HASH_HEX];
        char rrn_masked[RRN_MASKED_SIZE];
        char phone[CLEANSE_PHONE_SIZE];
        char mobile[CLEANSE_PHONE_SIZE];
        char email[CLEANSE_EMAIL_SIZE];
        struct address_parts addr;               /* addr.canonical is "" unless usable */
        char address_base[CLEANSE_ADDRESS_SIZE]; /* canonical address without the detail */
        char household_key[CUSTOMER_HOUSEHOLD_SIZE];
        char birth_date[11]; /* YYYY-MM-DD, from the RRN when valid, else as given */
        char sex;            /* 'M', 'F' or 0 */
        char postal_code[8];
        char kind[16];
};

struct customer {
        int64_t id, tenant_id, merged_into;
        char kind[16];
        char name[CUSTOMER_NAME_SIZE];
        char name_key[CUSTOMER_NAME_SIZE];
        char birth_date[11];
        char sex[2];
        bool has_rrn;
        char rrn_index[SEC_HASH_HEX];
        char rrn_masked[RRN_MASKED_SIZE];
        char phone[CLEANSE_PHONE_SIZE];
        char mobile[CLEANSE_PHONE_SIZE];
        char email[CLEANSE_EMAIL_SIZE];
        char address[CLEANSE_ADDRESS_SIZE];
        char address_base[CLEANSE_ADDRESS_SIZE];
        char addr_sido[32], addr_sigungu[64], addr_eupmyeon[48], addr_street[96], addr_number[16];
        char addr_detail[CLEANSE_ADDRESS_SIZE];
        char postal_code[8];
        char household_key[CUSTOMER_HOUSEHOLD_SIZE];
        int64_t created_at, updated_at;
};

/* true for CLEANSE_VALID and CLEANSE_CLEANSED. */
bool cleanse_usable(enum cleanse_status s);
/* Cleanses every field of in. Needs the keys loaded (for the RRN blind index). */
void customer_cleanse(const struct customer_input *in, struct customer_clean *out);
/* "김 민준" → "김민준": spaces removed, full-width folded. out needs CUSTOMER_NAME_SIZE. */
void customer_name_key(const char *name, char *out, size_t outlen);
/* resident, policy, expert, organisation, internal. */
bool customer_kind_valid(const char *kind);

/* The customer a (possibly merged) customer now lives on: follows merged_into a few steps.
 * Returns the survivor's id, 0 if the customer is not the tenant's, -1 on error. */
int64_t customer_survivor(struct store_db *db, int64_t tenant_id, int64_t id);

/* Loads a customer of the tenant. PCRM_OK, PCRM_ENOTFOUND or PCRM_EINTERNAL. */
int customer_load(struct store_db *db, int64_t tenant_id, int64_t id, struct customer *out);
/* Inserts a new golden record from a cleansed record (no audit). Returns 0 or -1. */
int customer_insert(struct store_db *db, int64_t tenant_id, const struct customer_clean *c,
                    int64_t *id_out);
/*
 * Survivorship: fills the customer's empty fields from a cleansed record, never
 * overwriting a value it has. Each filled field is recorded in customer_changes.
 * Returns the number of fields filled, or -1.
 */
int customer_fill(struct store_db *db, const struct actor *who, int64_t id,
                  const struct customer_clean *c);

/*
 * A correction by staff: every given field must be valid (or cleansable) — an invalid
 * value is PCRM_EINVALID naming the field; "" clears a field. Changes are kept in
 * customer_changes and audited. Source records are never touched.
 */
int customer_update(struct store_db *db, const struct actor *who, int64_t id,
                    const struct customer_input *in, struct customer *out, struct pcrm_error *e);

/* Reads the RRN in clear for a stated purpose (audited as customer.rrn.read). out needs
 * RRN_SIZE. PCRM_ENOTFOUND when there is no such customer or no RRN. */
int customer_reveal_rrn(struct store_db *db, const struct actor *who, int64_t id,
                        const char *purpose, char *out, size_t outlen, struct pcrm_error *e);

/*
 * Bulk loads: the full-text index is kept by triggers, one row at a time, which costs
 * more than a third of an import. Inside the caller's write transaction, pause drops
 * the insert/update triggers (saving their SQL); resume rebuilds the index in one pass and
 * puts the triggers back. If the transaction rolls back, the triggers come back with it.
 * Returns 0 or -1.
 */
struct customer_index_pause {
        char *sql[2]; /* the saved CREATE TRIGGER statements */
};
int customer_search_index_pause(struct store_db *db, struct customer_index_pause *p);
int customer_search_index_resume(struct store_db *db, struct customer_index_pause *p);
/* Frees what pause saved (after resume, or after a rollback). */
void customer_search_index_release(struct customer_index_pause *p);

/*
 * Finds live (not merged) customers: q may be a phone or mobile number in any format, an
 * e-mail, an RRN (exact), a name or part of one, or part of an address. Fills up to max
 * ids (best first) and *n; *kind tells how q was read ("phone", "email", "rrn", "text").
 */
int customer_search(struct store_db *db, int64_t tenant_id, const char *q, int64_t *ids, size_t max,
                    size_t *n, const char **kind);

#endif
