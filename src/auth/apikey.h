/*
 * apikey: keys for systems (Open311 clients, the 새올 bridge, batch jobs) that call the
 * API with "Authorization: Bearer KEY". A key is shown once when created and stored only
 * as a hash; its first characters are kept as a prefix so operators can tell keys apart.
 */
#ifndef PCRM_AUTH_APIKEY_H
#define PCRM_AUTH_APIKEY_H

#include "auth/actor.h"
#include "auth/secret.h"
#include "store/db.h"

#include <stdint.h>

#define APIKEY_NAME_MAX 60
#define APIKEY_PREFIX   "pcrm_"
#define APIKEY_CHARS    (sizeof(APIKEY_PREFIX) - 1 + SEC_TOKEN_CHARS)

/* Creates a key for the actor's tenant (audited). key_out gets APIKEY_CHARS + 1 bytes. */
int apikey_create(struct store_db *db, const struct actor *who, const char *name, enum role role,
                  char *key_out, size_t key_len, int64_t *id_out, struct pcrm_error *e);
/* Fills who for a live key. PCRM_OK, PCRM_ENOTFOUND (unknown or revoked) or PCRM_EINTERNAL. */
int apikey_resolve(struct store_db *db, const char *key, struct actor *who);

#endif
