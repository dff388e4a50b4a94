#include "auth/throttle.h"

#include "base/time.h"

/*
 * The max-th most recent failure inside the window, or 0 when there are fewer: once it
 * leaves the window, fewer than max failures remain and logins are allowed again.
 */
static int oldest_counted_failure(struct store_stmt *st, int param, int64_t since, long max,
                                  int64_t *at)
{
        *at = 0;
        store_bind_int(st, param, since);
        store_bind_int(st, param + 1, max - 1);
        int rc = store_step(st);
        if (rc == STORE_ROW)
                *at = store_col_int(st, 0);
        store_done(st);
        return rc < 0 ? -1 : 0;
}

int throttle_check(struct store_db *db, const char *tenant_code, const char *username,
                   const char *client_addr, int64_t window_ms, long max, int64_t *retry_after_s)
{
        int64_t now = time_now_ms(), since = now - window_ms, by_user, by_addr;
        struct store_stmt *st =
            store_prepare(db, "SELECT at FROM login_attempts WHERE tenant_code = ? AND username = ?"
                              " AND ok = 0 AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?");
        if (!st)
                return -1;
        store_bind_text(st, 1, tenant_code);
        store_bind_text(st, 2, username);
        if (oldest_counted_failure(st, 3, since, max, &by_user) < 0)
                return -1;
        st = store_prepare(db, "SELECT at FROM login_attempts WHERE client_addr = ?"
                               " AND ok = 0 AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?");
        if (!st)
                return -1;
        store_bind_text(st, 1, client_addr);
        if (oldest_counted_failure(st, 2, since, max, &by_addr) < 0)
                return -1;
        int64_t last = by_user > by_addr ? by_user : by_addr;
        if (!last)
                return 0;
        int64_t wait_ms = last + window_ms - now;
        *retry_after_s = wait_ms <= 1000 ? 1 : (wait_ms + 999) / 1000;
        return 1;
}

int throttle_record(struct store_db *db, const char *tenant_code, const char *username,
                    const char *client_addr, int ok)
{
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO login_attempts (tenant_code, username, client_addr, at, ok)"
                " VALUES (?, ?, ?, ?, ?)");
        if (!st)
                return -1;
        store_bind_text(st, 1, tenant_code);
        store_bind_text(st, 2, username);
        store_bind_text(st, 3, client_addr);
        store_bind_int(st, 4, time_now_ms());
        store_bind_int(st, 5, ok ? 1 : 0);
        int rc = store_step(st);
        store_done(st);
        return rc == STORE_DONE ? 0 : -1;
}

int64_t throttle_purge(struct store_db *db, int64_t cutoff)
{
        struct store_stmt *st = store_prepare(db, "DELETE FROM login_attempts WHERE at < ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, cutoff);
        int rc = store_step(st);
        store_done(st);
        return rc == STORE_DONE ? store_changes(db) : -1;
}
