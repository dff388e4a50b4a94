#include "store/migrate.h"

#include "base/embed.h"
#include "base/log.h"
#include "base/time.h"

static int migration_applied(struct store_db *db, int number)
{
        struct store_stmt *st =
            store_prepare(db, "SELECT 1 FROM schema_migrations WHERE number = ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, number);
        int rc = store_step(st);
        store_done(st);
        return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

/* "001_foundation.sql" is migration 1, named "foundation". */
static int migration_number(const struct embed_file *m)
{
        int n = 0;
        for (const char *p = m->name; *p >= '0' && *p <= '9'; p++)
                n = n * 10 + (*p - '0');
        return n;
}

static int migration_apply(struct store_db *db, const struct embed_file *m, int number)
{
        if (store_begin(db) < 0)
                return -1;
        if (store_exec(db, m->data) < 0)
                goto fail;
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO schema_migrations (number, name, applied_at) VALUES (?, ?, ?)");
        if (!st)
                goto fail;
        store_bind_int(st, 1, number);
        store_bind_text(st, 2, m->name);
        store_bind_int(st, 3, time_now_ms());
        int rc = store_step(st);
        store_done(st);
        if (rc != STORE_DONE || store_commit(db) < 0)
                goto fail;
        log_info("applied migration %s", m->name);
        return 0;
fail:
        log_error("migration %s failed: %s", m->name, store_errmsg(db));
        store_rollback(db);
        return -1;
}

int store_migrate(struct store_db *db)
{
        if (store_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                           " number INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                           " applied_at INTEGER NOT NULL)") < 0)
                return -1;
        int applied = 0;
        for (int i = 0; i < store_migrations_count; i++) {
                int number = migration_number(&store_migrations[i]);
                int done = migration_applied(db, number);
                if (done < 0)
                        return -1;
                if (done)
                        continue;
                if (migration_apply(db, &store_migrations[i], number) < 0)
                        return -1;
                applied++;
        }
        return applied;
}
