/*
 * throttle: slows password guessing. After `max` failed logins for one tenant+username,
 * or from one client address, within `window_ms`, further attempts are refused (without
 * checking the password) until enough of those failures have aged out of the window.
 */
#ifndef PCRM_AUTH_THROTTLE_H
#define PCRM_AUTH_THROTTLE_H

#include "store/db.h"

#include <stdint.h>

/*
 * Returns 1 when throttled (and *retry_after_s, at least 1), 0 when the attempt may
 * proceed, -1 on a database error.
 */
int throttle_check(struct store_db *db, const char *tenant_code, const char *username,
                   const char *client_addr, int64_t window_ms, long max, int64_t *retry_after_s);
/* Records an attempt in its own statement (callers wrap it in a transaction). */
int throttle_record(struct store_db *db, const char *tenant_code, const char *username,
                    const char *client_addr, int ok);
/* Deletes attempts older than cutoff. Returns rows deleted or -1. */
int64_t throttle_purge(struct store_db *db, int64_t cutoff);

#endif
