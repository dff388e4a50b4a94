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
#include <stdbool.h>
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
        int group;   /* inside a group commit: begin/commit/rollback act on a savepoint */
        int sp_open; /* that savepoint is open */
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

/*
 * Process-wide settings, before SQLite initializes. Memory statistics are off: with them
 * on, every allocation SQLite makes takes one global mutex, which every connection's
 * thread then contends for (and nothing here reads the statistics).
 */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void sqlite_configure(void)
{
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int store_open(const char *path, struct store_db **out)
{
        pthread_once(&sqlite_once, sqlite_configure);
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
        if (!db->group)
                return store_exec(db, "BEGIN IMMEDIATE");
        if (db->sp_open) {
                /* As BEGIN inside a transaction: refused, so nesting mistakes show. */
                snprintf(db->errmsg, sizeof(db->errmsg), "transaction already open");
                return STORE_ERROR;
        }
        int rc = store_exec(db, "SAVEPOINT grp");
        db->sp_open = rc == STORE_OK;
        return rc;
}

int store_commit(struct store_db *db)
{
        if (!db->group)
                return store_exec(db, "COMMIT");
        if (!db->sp_open) {
                snprintf(db->errmsg, sizeof(db->errmsg), "no transaction is open");
                return STORE_ERROR;
        }
        db->sp_open = 0;
        return store_exec(db, "RELEASE grp");
}

int store_rollback(struct store_db *db)
{
        if (sqlite3_get_autocommit(db->conn)) {
                db->sp_open = 0;
                return STORE_OK;
        }
        if (!db->group)
                return store_exec(db, "ROLLBACK");
        if (!db->sp_open)
                return STORE_OK; /* the shared transaction is not the caller's to end */
        db->sp_open = 0;
        return store_exec(db, "ROLLBACK TO grp; RELEASE grp");
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

const char *store_filename(struct store_db *db)
{
        const char *f = sqlite3_db_filename(db->conn, "main");
        return f ? f : "";
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

/*
 * Group commit: one writer thread with its own connection runs queued work in one write
 * transaction and one commit. With synchronous=FULL a commit costs an fsync of the WAL
 * plus writing every page the transaction touched; requests that append to the same
 * tables touch the same pages, so a batch writes each page once, not once per request.
 * The single writer connection also keeps its page cache: a connection whose database
 * another connection has written must drop its cache at the next transaction, so writers
 * on every HTTP thread kept re-reading pages the other had just written.
 *
 * No waiting to gather a batch: the writer takes whatever queued while it was committing,
 * so a lone request is not delayed and batches grow with the load.
 */
#define GROUP_BATCH_MAX 256

struct group_job {
        store_group_fn fn;
        void *ctx;
        const char *request_id; /* the caller's, for the log lines fn writes */
        int result;
        int done;
        pthread_cond_t cond;
        struct group_job *next;
};

static pthread_mutex_t group_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t group_wake = PTHREAD_COND_INITIALIZER;
static struct group_job *group_head, **group_tail = &group_head;
static struct store_db *group_db; /* only the writer thread uses it once started */

static void group_alone(struct store_db *db, struct group_job *j)
{
        log_set_request_id(j->request_id);
        j->result = j->fn(db, j->ctx);
        store_rollback(db); /* a fn that left its transaction open does not keep it */
}

static void group_batch(struct store_db *db, struct group_job **jobs, int n)
{
        if (n == 1 || store_exec(db, "BEGIN IMMEDIATE") != STORE_OK) {
                for (int i = 0; i < n; i++)
                        group_alone(db, jobs[i]);
                return;
        }
        bool ok = true;
        db->group = 1;
        for (int i = 0; i < n && ok; i++) {
                log_set_request_id(jobs[i]->request_id);
                jobs[i]->result = jobs[i]->fn(db, jobs[i]->ctx);
                if (db->sp_open)
                        store_rollback(db);
                /* Some errors (I/O, out of memory) end the whole transaction in SQLite;
                 * then the earlier jobs' writes are gone too and every job runs again. */
                ok = !sqlite3_get_autocommit(db->conn);
        }
        db->group = 0;
        db->sp_open = 0;
        if (ok && store_exec(db, "COMMIT") == STORE_OK)
                return;
        log_warn("group commit of %d failed (%s); running each alone", n, db->errmsg);
        store_rollback(db);
        for (int i = 0; i < n; i++)
                group_alone(db, jobs[i]);
}

static void *group_writer(void *arg)
{
        struct store_db *db = arg;
        struct group_job *jobs[GROUP_BATCH_MAX];
        pthread_setname_np(pthread_self(), "pcrm-writer"); /* for top -H and perf */
        for (;;) {
                pthread_mutex_lock(&group_lock);
                while (!group_head)
                        pthread_cond_wait(&group_wake, &group_lock);
                int n = 0;
                while (group_head && n < GROUP_BATCH_MAX) {
                        jobs[n++] = group_head;
                        group_head = group_head->next;
                }
                if (!group_head)
                        group_tail = &group_head;
                pthread_mutex_unlock(&group_lock);

                group_batch(db, jobs, n);
                log_set_request_id(NULL);

                pthread_mutex_lock(&group_lock);
                for (int i = 0; i < n; i++) {
                        jobs[i]->done = 1;
                        pthread_cond_signal(&jobs[i]->cond);
                }
                pthread_mutex_unlock(&group_lock);
        }
        return NULL;
}

/*
 * Checkpoints off the writer. SQLite checkpoints in the committing thread once the WAL
 * holds 1000 pages: the writer then copied pages into the database file and fsynced it
 * while every queued request waited. A checkpointer thread with its own connection does
 * it instead (PASSIVE: it never blocks the writer), woken by the writer's commit hook.
 * Should it fall behind (the WAL keeps growing while the writer commits), the writer
 * checkpoints itself at CKPT_WRITER_PAGES, so the WAL stays bounded.
 */
#define CKPT_PAGES        1000
#define CKPT_WRITER_PAGES 4000

static pthread_mutex_t ckpt_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ckpt_wake = PTHREAD_COND_INITIALIZER;
static int ckpt_wanted;

static void *group_checkpointer(void *arg)
{
        struct store_db *db = arg;
        pthread_setname_np(pthread_self(), "pcrm-ckpt");
        for (;;) {
                pthread_mutex_lock(&ckpt_lock);
                while (!ckpt_wanted)
                        pthread_cond_wait(&ckpt_wake, &ckpt_lock);
                ckpt_wanted = 0;
                pthread_mutex_unlock(&ckpt_lock);
                int rc = sqlite3_wal_checkpoint_v2(db->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL,
                                                   NULL);
                if (rc != SQLITE_OK && rc != SQLITE_BUSY)
                        log_warn("checkpoint failed: %s", sqlite3_errmsg(db->conn));
        }
        return NULL;
}

static int group_wal_hook(void *ctx, sqlite3 *conn, const char *name, int pages)
{
        (void)ctx;
        if (pages >= CKPT_WRITER_PAGES) {
                sqlite3_wal_checkpoint_v2(conn, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        } else if (pages >= CKPT_PAGES) {
                pthread_mutex_lock(&ckpt_lock);
                ckpt_wanted = 1;
                pthread_cond_signal(&ckpt_wake);
                pthread_mutex_unlock(&ckpt_lock);
        }
        return SQLITE_OK;
}

/* Without a checkpointer (it cannot start), the writer keeps SQLite's own checkpoints. */
static void group_checkpoints(struct store_db *writer)
{
        struct store_db *db;
        if (store_open(pool_path, &db) != STORE_OK)
                return;
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&t, &attr, group_checkpointer, db);
        pthread_attr_destroy(&attr);
        if (rc != 0) {
                store_close(db);
                return;
        }
        sqlite3_wal_hook(writer->conn, group_wal_hook, NULL); /* replaces the automatic one */
}

/* Under group_lock. The connection is opened here, by the first caller, so that a failure
 * is reported to it rather than lost in the thread. */
static int group_start(void)
{
        if (group_db)
                return STORE_OK;
        if (!pool_path[0])
                return STORE_ERROR;
        struct store_db *db;
        if (store_open(pool_path, &db) != STORE_OK)
                return STORE_ERROR;
        group_checkpoints(db);
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&t, &attr, group_writer, db);
        pthread_attr_destroy(&attr);
        if (rc != 0) {
                log_error("cannot start the group-commit writer: %s", strerror(rc));
                store_close(db);
                return STORE_ERROR;
        }
        group_db = db;
        return STORE_OK;
}

int store_group_run(store_group_fn fn, void *ctx, int *result)
{
        struct group_job j = {.fn = fn, .ctx = ctx, .request_id = log_request_id()};
        if (pthread_cond_init(&j.cond, NULL) != 0)
                return STORE_ERROR;
        pthread_mutex_lock(&group_lock);
        int rc = group_start();
        if (rc == STORE_OK) {
                *group_tail = &j;
                group_tail = &j.next;
                pthread_cond_signal(&group_wake);
                while (!j.done)
                        pthread_cond_wait(&j.cond, &group_lock);
                *result = j.result;
        }
        pthread_mutex_unlock(&group_lock);
        pthread_cond_destroy(&j.cond);
        return rc;
}
