/*
 * session: staff sign-in sessions. The browser holds a random token in an HttpOnly,
 * SameSite=Strict cookie; the database holds only its hash. A session ends after
 * idle_ms without use, after absolute_ms in any case, at logout, and when the user is
 * deactivated or their password changes. Each session has a CSRF token that every
 * state-changing request made with the cookie must echo in the X-CSRF-Token header.
 */
#ifndef PCRM_AUTH_SESSION_H
#define PCRM_AUTH_SESSION_H

#include "auth/actor.h"
#include "auth/secret.h"
#include "auth/user.h"
#include "store/db.h"

#include <stdint.h>

struct session_tokens {
        char token[SEC_TOKEN_CHARS + 1];
        char csrf[SEC_TOKEN_CHARS + 1];
        int64_t id;
        int64_t expires_at;
};

/* Creates a session for u inside the caller's write transaction. Returns 0 or -1. */
int session_create(struct store_db *db, const struct user *u, const char *client_addr,
                   int64_t absolute_ms, struct session_tokens *out);

/*
 * Finds the live session for a cookie token and fills who (kind, tenant, user, role,
 * department, session id) and csrf (SEC_TOKEN_CHARS + 1 bytes). Returns PCRM_OK,
 * PCRM_ENOTFOUND for no such, expired or ended session, or PCRM_EINTERNAL.
 */
int session_resolve(struct store_db *db, const char *token, int64_t idle_ms, struct actor *who,
                    char *csrf);

/* Ends one session, or every session of a user (inside the caller's transaction). */
int session_end(struct store_db *db, int64_t tenant_id, int64_t session_id);
int session_end_user(struct store_db *db, int64_t tenant_id, int64_t user_id);
/* Deletes sessions ended or expired before cutoff. Returns rows deleted or -1. */
int64_t session_purge(struct store_db *db, int64_t cutoff);

#endif
