/*
 * db: the only door to a database.
 *
 * A struct store_db is one connection, used by one thread at a time (store_thread_db
 * gives each thread its own). Statements come from store_prepare, which caches them per
 * connection: the connection owns every statement, the caller never frees one, and calls
 * store_done when finished with it so it can be reused. SQL is written portably: `?`
 * placeholders, INSERT ... RETURNING, ON CONFLICT, integers for times (UTC epoch ms) and
 * booleans, TEXT for JSON. This file names no backend; sqlite.c implements it today, and
 * a PostgreSQL backend goes behind the same functions.
 *
 * Errors: functions returning int give STORE_OK (0) or a negative enum store_rc;
 * store_errmsg tells the last error of the connection.
 */
#ifndef PCRM_STORE_DB_H
#define PCRM_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

enum store_rc {
        STORE_OK = 0,
        STORE_ROW = 1,  /* store_step: a row is ready */
        STORE_DONE = 2, /* store_step: no more rows */
        STORE_ERROR = -1,
        STORE_CONSTRAINT = -2, /* a UNIQUE, FOREIGN KEY or CHECK constraint said no */
        STORE_BUSY = -3,       /* the database stayed locked past the busy timeout */
};

struct store_db;
struct store_stmt;

/* Opens (creating if needed) the database at path. Returns 0 and *out, or an error. */
int store_open(const char *path, struct store_db **out);
void store_close(struct store_db *db);
/* The last error of this connection; borrowed, valid until the next call. */
const char *store_errmsg(struct store_db *db);

/* Runs one or more statements without parameters (schema changes, pragmas). */
int store_exec(struct store_db *db, const char *sql);

/* A write transaction: taken at once (not on first write), so writers queue, not fail. */
int store_begin(struct store_db *db);
int store_commit(struct store_db *db);
/* Safe to call when no transaction is open. */
int store_rollback(struct store_db *db);

/*
 * Returns a ready statement for sql (borrowed from the connection), or NULL on a syntax
 * error or out of memory. Bind with store_bind_*, read rows with store_step and
 * store_col_*, then call store_done. Preparing the same SQL again before store_done gives
 * a second, independent statement.
 */
struct store_stmt *store_prepare(struct store_db *db, const char *sql);
/* Parameters are numbered from 1. Text is copied; NULL text binds SQL NULL. */
int store_bind_int(struct store_stmt *st, int idx, int64_t v);
int store_bind_text(struct store_stmt *st, int idx, const char *s);
int store_bind_textn(struct store_stmt *st, int idx, const char *s, size_t len);
int store_bind_blob(struct store_stmt *st, int idx, const void *p, size_t len);
int store_bind_null(struct store_stmt *st, int idx);
/* STORE_ROW, STORE_DONE, or a negative error. */
int store_step(struct store_stmt *st);
/* Columns are numbered from 0; text and blobs stay valid until the next step or done. */
int store_col_is_null(struct store_stmt *st, int col);
int64_t store_col_int(struct store_stmt *st, int col);
const char *store_col_text(struct store_stmt *st, int col); /* NULL for SQL NULL */
const void *store_col_blob(struct store_stmt *st, int col);
size_t store_col_bytes(struct store_stmt *st, int col);
/* Copies a text column into dst (always NUL-terminated, "" for NULL, cut to fit at a
 * character boundary). */
void store_col_copy(struct store_stmt *st, int col, char *dst, size_t dstlen);
/* Resets the statement and gives it back to the connection. Accepts NULL. */
void store_done(struct store_stmt *st);
/* Rows changed by the last INSERT, UPDATE or DELETE on this connection. */
int64_t store_changes(struct store_db *db);
/* The database file this connection opened; "" for an in-memory or temporary one.
 * Borrowed, valid while the connection is open. Keys per-process caches of its data. */
const char *store_filename(struct store_db *db);

/*
 * Per-thread connections for the server: store_pool_init sets the path once; each thread
 * then gets its own connection, opened on first use and closed when the thread ends.
 */
int store_pool_init(const char *path);
struct store_db *store_thread_db(void);

/*
 * Group commit. fn(db, ctx) runs on a writer thread's connection inside one write
 * transaction shared with other callers' work, so that many requests pay for one commit
 * (one fsync) instead of one each. Inside fn, store_begin, store_commit and
 * store_rollback act on a savepoint of fn's own: a failing fn rolls back only its own
 * writes. store_group_run returns only after the shared transaction is committed (durable
 * under synchronous=FULL), with fn's return value in *result. If the shared commit fails,
 * each fn of the batch runs again alone in its own transaction, so fn must be safe to
 * run twice (it must not have done anything outside the database before returning).
 * Returns STORE_OK, or STORE_ERROR when the writer cannot start (no store_pool_init, or
 * its connection cannot be opened); fn has not run then.
 */
typedef int (*store_group_fn)(struct store_db *db, void *ctx);
int store_group_run(store_group_fn fn, void *ctx, int *result);

#endif
