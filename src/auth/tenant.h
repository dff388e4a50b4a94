/*
 * tenant: a municipality sharing the installation. Every tenant-owned row carries its
 * tenant id, and every query filters by the caller's tenant.
 */
#ifndef PCRM_AUTH_TENANT_H
#define PCRM_AUTH_TENANT_H

#include "auth/actor.h"
#include "store/db.h"

#include <stdint.h>

#define TENANT_CODE_MAX 31
#define TENANT_NAME_MAX 50 /* characters */

struct tenant {
        int64_t id;
        char code[TENANT_CODE_MAX + 1];
        char name[TENANT_NAME_MAX * 4 + 1];
        int64_t created_at;
};

/* Adds a tenant (audited). Returns PCRM_OK with out filled, or an error in e. */
int tenant_add(struct store_db *db, const struct actor *who, const char *code, const char *name,
               struct tenant *out, struct pcrm_error *e);
/* Finds a tenant by code or id. Returns PCRM_OK, PCRM_ENOTFOUND or PCRM_EINTERNAL. */
int tenant_find(struct store_db *db, const char *code, struct tenant *out);
int tenant_get(struct store_db *db, int64_t id, struct tenant *out);

#endif
