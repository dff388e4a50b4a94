/*
 * The cost of the audit log's hash chain: N audited appends (each its own durable
 * transaction, as a handler does) against N plain inserts of the same row shape in the
 * same database settings. Prints "audit_append <per-second> plain_insert <per-second>".
 */
#include "auth/audit.h"
#include "auth/secret.h"
#include "base/time.h"
#include "store/db.h"
#include "store/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double rate(int n, int64_t ms)
{
        return ms > 0 ? n * 1000.0 / (double)ms : 0;
}

int main(int argc, char **argv)
{
        if (argc != 3) {
                fprintf(stderr, "usage: bench_audit DIR N\n");
                return 2;
        }
        char key[1024], dbpath[1024];
        snprintf(key, sizeof(key), "%s/pcrm.key", argv[1]);
        snprintf(dbpath, sizeof(dbpath), "%s/pcrm.db", argv[1]);
        int n = (int)strtol(argv[2], NULL, 10);
        struct store_db *db;
        if (sec_init() < 0 || sec_keys_create(key) < 0 || sec_keys_load(key) < 0 ||
            store_open(dbpath, &db) != STORE_OK || store_migrate(db) < 0)
                return 1;
        store_exec(db, "CREATE TABLE plain_log AS SELECT * FROM audit_log WHERE 0");

        struct actor who = {.kind = ACTOR_USER, .tenant_id = 1, .id = 7, .role = ROLE_OFFICER};
        snprintf(who.name, sizeof(who.name), "officer");
        snprintf(who.request_id, sizeof(who.request_id), "0123456789abcdef");
        snprintf(who.client_addr, sizeof(who.client_addr), "127.0.0.1");
        struct audit_event ev = {.action = "customer.read",
                                 .target_type = "customer",
                                 .target_id = "12345",
                                 .purpose = "민원 처리",
                                 .detail = "{\"fields\":[\"name\",\"mobile\"]}"};

        int64_t t0 = time_now_ms();
        for (int i = 0; i < n; i++)
                if (audit_record(db, &who, &ev) < 0)
                        return 1;
        int64_t audit_ms = time_now_ms() - t0;

        t0 = time_now_ms();
        for (int i = 0; i < n; i++) {
                store_begin(db);
                struct store_stmt *st = store_prepare(
                    db, "INSERT INTO plain_log (id, tenant_id, at, actor_type, actor_id,"
                        " actor_name, action, target_type, target_id, purpose, request_id,"
                        " client_addr, detail, prev_hash, hash)"
                        " VALUES (?, 1, ?, 'user', 7, 'officer', ?, ?, ?, ?, ?, ?, ?, '', '')");
                store_bind_int(st, 1, i + 1);
                store_bind_int(st, 2, time_now_ms());
                store_bind_text(st, 3, ev.action);
                store_bind_text(st, 4, ev.target_type);
                store_bind_text(st, 5, ev.target_id);
                store_bind_text(st, 6, ev.purpose);
                store_bind_text(st, 7, who.request_id);
                store_bind_text(st, 8, who.client_addr);
                store_bind_text(st, 9, ev.detail);
                if (store_step(st) != STORE_DONE)
                        return 1;
                store_done(st);
                store_commit(db);
        }
        int64_t plain_ms = time_now_ms() - t0;
        printf("audit_append %.0f plain_insert %.0f\n", rate(n, audit_ms), rate(n, plain_ms));
        store_close(db);
        return 0;
}
