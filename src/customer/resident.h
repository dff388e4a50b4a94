/*
 * resident: how a resident signs in to the portal without an account. They give the
 * mobile number or e-mail address pcrm holds for them; a six-digit one-time code is sent
 * there through the outbox (it expires after ten minutes, five wrong tries end it, at
 * most five codes an hour per contact), and the right code opens a resident session: a
 * random token in an HttpOnly cookie (its hash in the database) with a CSRF token, like
 * staff sessions but apart from them, ending after 30 minutes idle or 2 hours.
 *
 * A contact pcrm does not know gets the same answer as a known one and no code, so the
 * portal never says whose numbers it holds.
 */
#ifndef PCRM_CUSTOMER_RESIDENT_H
#define PCRM_CUSTOMER_RESIDENT_H

#include "auth/secret.h"
#include "base/error.h"
#include "store/db.h"

#include <stdint.h>

#define RESIDENT_CODE_TTL_MS      (10 * 60 * INT64_C(1000))
#define RESIDENT_CODE_FAILURES    5
#define RESIDENT_CODES_PER_HOUR   5
#define RESIDENT_SESSION_IDLE_MS  (30 * 60 * INT64_C(1000))
#define RESIDENT_SESSION_TOTAL_MS (2 * 3600 * INT64_C(1000))

struct resident_session {
        char token[SEC_TOKEN_CHARS + 1];
        char csrf[SEC_TOKEN_CHARS + 1];
        int64_t tenant_id, customer_id;
};

/* Canonical mobile or e-mail of what the resident typed; PCRM_EINVALID naming "contact". */
int resident_contact(const char *in, char *out, size_t outlen, struct pcrm_error *e);

/* Sends a code if the contact belongs to a customer of the tenant. PCRM_OK either way;
 * PCRM_ERULE when this contact asked too often (the caller answers 429). */
int resident_request_code(struct store_db *db, int64_t tenant_id, const char *contact,
                          struct pcrm_error *e);

/* Checks the code and opens a session. PCRM_ENOTFOUND for a wrong, used or expired code
 * (alike); PCRM_ERULE once the code has had too many wrong tries. */
int resident_sign_in(struct store_db *db, int64_t tenant_id, const char *contact, const char *code,
                     struct resident_session *out, struct pcrm_error *e);

/* The live session of a cookie token (touches it). PCRM_OK, PCRM_ENOTFOUND, PCRM_EINTERNAL. */
int resident_session_find(struct store_db *db, const char *token, struct resident_session *out);
int resident_sign_out(struct store_db *db, const char *token);

#endif
