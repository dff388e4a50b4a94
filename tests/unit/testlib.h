/*
 * Shared fixture code of the unit tests (not a test program itself): a temporary data
 * directory with a key file, migrated databases in it, tenants, departments, users and
 * actors, and small query helpers that fail the running cmocka test on error.
 *
 * Include after <cmocka.h> and the project headers a test needs.
 */
#ifndef PCRM_TESTS_UNIT_TESTLIB_H
#define PCRM_TESTS_UNIT_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/actor.h"
#include "auth/tenant.h"
#include "auth/user.h"
#include "store/db.h"

/* The group's temporary directory and the key file in it (set by tl_group_setup). */
extern char tl_dir[256];
extern char tl_key[512];
/* How many databases tl_open_db has opened. */
extern int tl_db_count;

/* Quiet logging and a fresh "$TMPDIR/pcrm-test-<name>-XXXXXX" in tl_dir; 0 or -1. */
int tl_make_dir(const char *name);
/* tl_make_dir, then sec_init and a key file tl_key created and loaded; 0 or -1. */
int tl_group_setup(const char *name);
/* A cmocka group teardown: unsets PCRM_FAKE_NOW_MS and removes tl_dir; 0. */
int tl_group_teardown(void **state);
/* A cmocka teardown for a calloc'd fixture whose first member is its struct store_db *:
 * closes the database and frees the fixture; 0. */
int tl_teardown_fx(void **state);
/* Removes path and everything below it. */
void tl_rm_tree(const char *path);

/* Pins the clock: PCRM_FAKE_NOW_MS = ms. */
void set_now(int64_t ms);

/* Opens a new database "<tl_dir>/<name>-<n>.db" (n counts up) and migrates it. Returns what
 * store_migrate returns (the number of migrations applied), or -1 when it cannot open. */
int tl_open_db(const char *name, struct store_db **db);

/* The operator's CLI actor: kind CLI, role admin, name "operator", of tenant_id (0: none). */
struct actor tl_operator(int64_t tenant_id);
/* tenant_add by the operator; PCRM_OK or an error code. */
int tl_add_tenant(struct store_db *db, const char *code, const char *name, struct tenant *out);
/* The two tenants most tests use: "haeundae" 부산광역시 해운대구 as a and "jongno"
 * 서울특별시 종로구 as b; PCRM_OK or an error code. */
int tl_add_tenants(struct store_db *db, struct tenant *a, struct tenant *b);
/* A signed-in user actor of tenant t (no request id, no department). */
struct actor tl_staff(const struct tenant *t, int64_t id, const char *name, enum role role);
/* An active department (parent 0: none); its id, or 0 on failure. */
int64_t tl_add_dept(struct store_db *db, const struct actor *who, const char *code,
                    const char *name, int64_t parent);
/* An active user (dept 0: none); what user_create returns. */
int tl_add_user(struct store_db *db, const struct actor *who, const char *username,
                const char *display, const char *password, enum role role, int64_t dept,
                struct user *out);

/* The first column of the first row of a formatted query, as an integer. */
__attribute__((format(printf, 2, 3))) int64_t qint(struct store_db *db, const char *fmt, ...);
/* The first column of the first row as text into out ("" for NULL); true when NULL. */
__attribute__((format(printf, 4, 5))) bool qtext(struct store_db *db, char *out, size_t outlen,
                                                 const char *fmt, ...);
/* Runs a formatted statement. */
__attribute__((format(printf, 2, 3))) void qexec(struct store_db *db, const char *fmt, ...);
/* Runs sql as it is. */
void exec_ok(struct store_db *db, const char *sql);

#endif
