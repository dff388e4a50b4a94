/*
 * audit: the append-only audit log with a keyed hash chain.
 *
 * DESIGN: row n stores hash_n = BLAKE2b-256_k(hash_{n-1} || fields of row n), k being the
 * audit key derived from the installation key file. Ids are consecutive from 1, and
 * audit_head holds the last id and hash, so altering, deleting or cutting rows from the
 * end are all detected by audit_verify; forging a consistent chain needs the key file,
 * not just write access to the database. Appends are serialised by the write
 * transaction they run in, which is the caller's: an audit row commits or rolls back
 * together with the change it records.
 */
#ifndef PCRM_AUTH_AUDIT_H
#define PCRM_AUTH_AUDIT_H

#include "auth/actor.h"
#include "store/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct audit_event {
        const char *action;      /* dotted verb, e.g. "auth.login", "user.update" */
        const char *target_type; /* "user", "department", ... or NULL */
        const char *target_id;   /* text id of the target, or NULL */
        const char *purpose;     /* why personal data was read, or NULL */
        const char *detail;      /* JSON object text with more facts, or NULL */
};

/* Appends one row inside the caller's open write transaction. Returns 0 or -1. */
int audit_append(struct store_db *db, const struct actor *who, const struct audit_event *ev);
/* Appends one row in a transaction of its own. Returns 0 or -1. */
int audit_record(struct store_db *db, const struct actor *who, const struct audit_event *ev);

struct audit_verify_result {
        int64_t rows;     /* rows checked */
        int64_t bad_id;   /* first broken row id, 0 when intact */
        char reason[128]; /* what was wrong with it */
};
/* Walks the chain. Returns 0 when intact, 1 when broken (see result), -1 on error. */
int audit_verify(struct store_db *db, struct audit_verify_result *res);

/* Filters for audit_list; NULL / 0 members do not filter. */
struct audit_filter {
        const char *action;     /* exact action, or a prefix such as "auth" for auth.* */
        const char *actor_name; /* username or key name */
        const char *target_type;
        const char *target_id;
        int64_t from_ms, to_ms; /* at >= from, at < to */
};

/* One row as audit_list shows it; strings are borrowed for the callback's duration. */
struct audit_entry {
        int64_t id, tenant_id, at, actor_id;
        const char *actor_type, *actor_name, *action, *target_type, *target_id, *purpose,
            *request_id, *client_addr, *detail;
};

typedef int (*audit_visit_fn)(void *ctx, const struct audit_entry *e);

/*
 * Calls fn for the tenant's rows matching f, newest first, with id < before_id (0: from
 * the newest), at most limit; *more tells whether older matches exist. fn returning
 * non-zero stops the walk. Returns 0 or -1.
 */
int audit_list(struct store_db *db, int64_t tenant_id, const struct audit_filter *f,
               int64_t before_id, size_t limit, audit_visit_fn fn, void *ctx, bool *more);

#endif
