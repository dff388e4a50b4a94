/*
 * The SQLite backend of db.h.
 *
 * DESIGN: one connection per thread, in WAL mode so readers never wait for the writer,
 * with a 64 MiB page cache (large imports otherwise spill pages to the WAL and read
 * them back), with synchronous=FULL so that a committed (acknowledged) transaction survives a crash
 * or power loss, foreign keys on, and a busy timeout so concurrent writers queue.
 * Write transactions start with BEGIN IMMEDIATE: the write lock is taken up front, which
 * avoids the deadlock-like SQLITE_BUSY of two readers both upgrading to writers.
 * Prepared statements are cached per connection, keyed by their SQL text (never by the
 * caller's pointer, which may be a reused buffer).
 */
#include "store/db.h"

#include "base/log.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STMT_CACHE_MAX  256
#define BUSY_TIMEOUT_MS 10000

struct store_stmt {
        sqlite3_stmt *stmt;
        struct store_db *db;
        int in_use;
        int cached; /* 0: a one-off for a busy cached statement; finalized by store_done */
};

struct store_db {
        sqlite3 *conn;
        struct store_stmt *cache[STMT_CACHE_MAX];
        int ncache;
        char errmsg[256];
};

static int map_rc(struct store_db *db, int rc)
{
        if (rc == SQLITE_OK)
                return STORE_OK;
        if (rc == SQLITE_ROW)
                return STORE_ROW;
        if (rc == SQLITE_DONE)
                return STORE_DONE;
        snprintf(db->errmsg, sizeof(db->errmsg), "%s", sqlite3_errmsg(db->conn));
        switch (rc & 0xff) {
        case SQLITE_CONSTRAINT:
                return STORE_CONSTRAINT;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                return STORE_BUSY;
        default:
                return STORE_ERROR;
        }
}

/*
 * Waiting for the write lock. SQLite's own busy timeout sleeps in steps of up to 100 ms,
 * so under many concurrent writers a request can wait far longer than the write it waits
 * for (p99 over a second at 64 connections). Short sleeps that grow slowly keep the queue
 * moving; the total wait is still bounded by BUSY_TIMEOUT_MS.
 */
static int busy_wait(void *ctx, int count)
{
        (void)ctx;
        /* 50 µs, growing by 50 µs per try up to 2 ms: about 5,000 tries in 10 s. */
        long us = 50L * (count + 1);
        if (us > 2000)
                us = 2000;
        static const long budget_us = BUSY_TIMEOUT_MS * 1000L;
        long spent = count < 40 ? 25L * count * (count + 1) : 41000L + 2000L * (count - 40);
        if (spent >= budget_us)
                return 0;
        struct timespec ts = {0, us * 1000};
        nanosleep(&ts, NULL);
        return 1;
}

int store_open(const char *path, struct store_db **out)
{
        struct store_db *db = calloc(1, sizeof(*db));
        if (!db)
                return STORE_ERROR;
        int rc =
            sqlite3_open_v2(path, &db->conn,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc != SQLITE_OK) {
                log_error("cannot open database %s: %s", path,
                          db->conn ? sqlite3_errmsg(db->conn) : "out of memory");
                sqlite3_close(db->conn);
                free(db);
                return STORE_ERROR;
        }
        sqlite3_busy_handler(db->conn, busy_wait, NULL);
        sqlite3_extended_result_codes(db->conn, 1);
        if (store_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                           " PRAGMA foreign_keys=ON;"
                           " PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;") < 0) {
                log_error("cannot configure database %s: %s", path, db->errmsg);
                store_close(db);
                return STORE_ERROR;
        }
        *out = db;
        return STORE_OK;
}

void store_close(struct store_db *db)
{
        if (!db)
                return;
        for (int i = 0; i < db->ncache; i++) {
                sqlite3_finalize(db->cache[i]->stmt);
                free(db->cache[i]);
        }
        sqlite3_close(db->conn);
        free(db);
}

const char *store_errmsg(struct store_db *db)
{
        return db->errmsg;
}

int store_exec(struct store_db *db, const char *sql)
{
        char *err = NULL;
        int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &err);
        if (rc != SQLITE_OK) {
                snprintf(db->errmsg, sizeof(db->errmsg), "%s", err ? err : sqlite3_errstr(rc));
                sqlite3_free(err);
                return (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_CONSTRAINT
                       : (rc & 0xff) == SQLITE_BUSY     ? STORE_BUSY
                                                        : STORE_ERROR;
        }
        return STORE_OK;
}

int store_begin(struct store_db *db)
{
        return store_exec(db, "BEGIN IMMEDIATE");
}

int store_commit(struct store_db *db)
{
        return store_exec(db, "COMMIT");
}

int store_rollback(struct store_db *db)
{
        if (sqlite3_get_autocommit(db->conn))
                return STORE_OK;
        return store_exec(db, "ROLLBACK");
}

static struct store_stmt *stmt_new(struct store_db *db, const char *sql, int cached)
{
        struct store_stmt *st = calloc(1, sizeof(*st));
        if (!st)
                return NULL;
        int rc = sqlite3_prepare_v3(db->conn, sql, -1, cached ? SQLITE_PREPARE_PERSISTENT : 0,
                                    &st->stmt, NULL);
        if (rc != SQLITE_OK) {
                map_rc(db, rc);
                log_error("cannot prepare SQL: %s", db->errmsg);
                free(st);
                return NULL;
        }
        st->db = db;
        st->cached = cached;
        st->in_use = 1;
        return st;
}

struct store_stmt *store_prepare(struct store_db *db, const char *sql)
{
        for (int i = 0; i < db->ncache; i++) {
                struct store_stmt *st = db->cache[i];
                if (!strcmp(sqlite3_sql(st->stmt), sql)) {
                        if (st->in_use)
                                return stmt_new(db, sql, 0);
                        st->in_use = 1;
                        return st;
                }
        }
        int cache = db->ncache < STMT_CACHE_MAX;
        struct store_stmt *st = stmt_new(db, sql, cache);
        if (st && cache)
                db->cache[db->ncache++] = st;
        return st;
}

int store_bind_int(struct store_stmt *st, int idx, int64_t v)
{
        return map_rc(st->db, sqlite3_bind_int64(st->stmt, idx, v));
}

int store_bind_text(struct store_stmt *st, int idx, const char *s)
{
        if (!s)
                return store_bind_null(st, idx);
        return map_rc(st->db, sqlite3_bind_text(st->stmt, idx, s, -1, SQLITE_TRANSIENT));
}

int store_bind_textn(struct store_stmt *st, int idx, const char *s, size_t len)
{
        if (!s)
                return store_bind_null(st, idx);
        return map_rc(st->db,
                      sqlite3_bind_text64(st->stmt, idx, s, len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

int store_bind_blob(struct store_stmt *st, int idx, const void *p, size_t len)
{
        return map_rc(st->db, sqlite3_bind_blob64(st->stmt, idx, p, len, SQLITE_TRANSIENT));
}

int store_bind_null(struct store_stmt *st, int idx)
{
        return map_rc(st->db, sqlite3_bind_null(st->stmt, idx));
}

int store_step(struct store_stmt *st)
{
        int rc = map_rc(st->db, sqlite3_step(st->stmt));
        if (rc < 0)
                log_warn("SQL failed: %s", st->db->errmsg);
        return rc;
}

int store_col_is_null(struct store_stmt *st, int col)
{
        return sqlite3_column_type(st->stmt, col) == SQLITE_NULL;
}

int64_t store_col_int(struct store_stmt *st, int col)
{
        return sqlite3_column_int64(st->stmt, col);
}

const char *store_col_text(struct store_stmt *st, int col)
{
        return (const char *)sqlite3_column_text(st->stmt, col);
}

const void *store_col_blob(struct store_stmt *st, int col)
{
        return sqlite3_column_blob(st->stmt, col);
}

size_t store_col_bytes(struct store_stmt *st, int col)
{
        return (size_t)sqlite3_column_bytes(st->stmt, col);
}

void store_done(struct store_stmt *st)
{
        if (!st)
                return;
        sqlite3_reset(st->stmt);
        sqlite3_clear_bindings(st->stmt);
        if (!st->cached) {
                sqlite3_finalize(st->stmt);
                free(st);
                return;
        }
        st->in_use = 0;
}

int64_t store_changes(struct store_db *db)
{
        return sqlite3_changes64(db->conn);
}

/* Per-thread connections. */
static char pool_path[1024];
static pthread_key_t pool_key;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void pool_close(void *p)
{
        store_close(p);
}

static void pool_make_key(void)
{
        pthread_key_create(&pool_key, pool_close);
}

int store_pool_init(const char *path)
{
        if (snprintf(pool_path, sizeof(pool_path), "%s", path) >= (int)sizeof(pool_path))
                return STORE_ERROR;
        pthread_once(&pool_once, pool_make_key);
        return STORE_OK;
}

struct store_db *store_thread_db(void)
{
        pthread_once(&pool_once, pool_make_key);
        struct store_db *db = pthread_getspecific(pool_key);
        if (db)
                return db;
        if (store_open(pool_path, &db) != STORE_OK)
                return NULL;
        pthread_setspecific(pool_key, db);
        return db;
}
