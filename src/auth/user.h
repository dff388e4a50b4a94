/*
 * user: staff accounts of a tenant. Passwords are stored only as argon2id hashes.
 * Officers and department heads belong to a department; the other roles may.
 * Deactivating a user ends their sessions; users are never deleted, because the audit
 * log and complaint histories name them.
 */
#ifndef PCRM_AUTH_USER_H
#define PCRM_AUTH_USER_H

#include "auth/actor.h"
#include "store/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USER_NAME_MAX     32  /* username, bytes */
#define USER_DISPLAY_MAX  40  /* characters */
#define USER_EMAIL_MAX    120 /* bytes */
#define USER_PHONE_MAX    20  /* characters */
#define USER_PASSWORD_MIN 10  /* characters */
#define USER_PASSWORD_MAX 128

struct user {
        int64_t id;
        int64_t tenant_id;
        int64_t dept_id; /* 0: none */
        char username[USER_NAME_MAX + 1];
        char display_name[USER_DISPLAY_MAX * 4 + 1];
        enum role role;
        char email[USER_EMAIL_MAX + 1];
        char phone[USER_PHONE_MAX * 4 + 1];
        bool active;
        int64_t created_at, updated_at;
};

/* For create, username, display_name, role and password are required; for update, NULL /
 * ROLE_NONE / unset mean unchanged. */
struct user_input {
        const char *username;
        const char *display_name;
        const char *password;
        const char *email;
        const char *phone;
        enum role role;
        bool dept_set;
        int64_t dept_id; /* 0 with dept_set: no department */
        int active;      /* -1 unchanged, 0 or 1 */
};

int user_create(struct store_db *db, const struct actor *who, const struct user_input *in,
                struct user *out, struct pcrm_error *e);
int user_get(struct store_db *db, const struct actor *who, int64_t id, struct user *out,
             struct pcrm_error *e);
int user_update(struct store_db *db, const struct actor *who, int64_t id,
                const struct user_input *in, struct user *out, struct pcrm_error *e);
/* Lists the tenant's users with id > after_id; dept_id > 0 filters. See dept_list. */
int user_list(struct store_db *db, const struct actor *who, int64_t dept_id, int64_t after_id,
              size_t limit, struct user **items, size_t *n, bool *more, struct pcrm_error *e);

/*
 * Checks a username and password in a tenant. Returns PCRM_OK with out filled, or
 * PCRM_EINVALID for any wrong tenant, user, password or inactive account (the caller must
 * not tell which), or PCRM_EINTERNAL. Takes the same time whether the user exists or not.
 */
int user_authenticate(struct store_db *db, int64_t tenant_id, const char *username,
                      const char *password, struct user *out);

#endif
