/*
 * Delivery throughput of the outbox, per channel. N notices are enqueued the way a
 * complaint event enqueues them, then delivered by outbox_deliver (claim under a lease,
 * send, record the outcome and a contact row: two durable transactions per batch and one
 * per message). The baseline, measured in the same run, is the bare transport: N
 * channel_send calls with no database at all, so the ratio is what the outbox's
 * bookkeeping costs on top of the channel.
 *
 * The medium's transport comes from the usual settings (PCRM_SMS_URL, PCRM_SMTP_URL; unset:
 * the file DIR/outbox.log). Prints one line:
 *   <medium> <transport> enqueue <msg/s> deliver <msg/s> bare <msg/s>
 */
#include "auth/secret.h"
#include "base/log.h"
#include "base/time.h"
#include "notify/outbox.h"
#include "store/db.h"
#include "store/migrate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double rate(int n, int64_t ms)
{
        return ms > 0 ? n * 1000.0 / (double)ms : 0;
}

static int seed(struct store_db *db, int n, const char *medium)
{
        bool sms = !strcmp(medium, "sms");
        if (store_exec(db, "INSERT INTO tenants (id, code, name, created_at)"
                           " VALUES (1, 'busan', '부산광역시', 0)") != STORE_OK ||
            store_begin(db) != STORE_OK)
                return -1;
        for (int i = 1; i <= n; i++) {
                struct store_stmt *st = store_prepare(
                    db, "INSERT INTO customers (id, tenant_id, name, name_key, mobile, email,"
                        " created_at, updated_at) VALUES (?, 1, '홍길동', '홍길동', ?, ?, 0, 0)");
                char mobile[24], email[40];
                snprintf(mobile, sizeof(mobile), "010-%04d-%04d", 1000 + i / 10000, i % 10000);
                snprintf(email, sizeof(email), "r%d@example.kr", i);
                store_bind_int(st, 1, i);
                store_bind_text(st, 2, sms ? mobile : NULL);
                store_bind_text(st, 3, sms ? NULL : email);
                if (store_step(st) != STORE_DONE)
                        return -1;
                store_done(st);
                st = store_prepare(
                    db, "INSERT INTO complaints (id, tenant_id, receipt_no, title, body, channel,"
                        " customer_id, status, period, received_at, due_at, created_at, updated_at)"
                        " VALUES (?1, 1, printf('2026-%06d', ?1), '가로등 고장', '우동 가로등',"
                        " 'web', ?1, 'received', '7d', 0, 0, 0, 0)");
                store_bind_int(st, 1, i);
                if (store_step(st) != STORE_DONE)
                        return -1;
                store_done(st);
        }
        return store_commit(db) == STORE_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
        if (argc != 4 || (strcmp(argv[2], "sms") && strcmp(argv[2], "email"))) {
                fprintf(stderr, "usage: bench_delivery DIR sms|email N\n");
                return 2;
        }
        const char *dir = argv[1], *medium = argv[2];
        int n = (int)strtol(argv[3], NULL, 10);
        char key[1024], dbpath[1024];
        snprintf(key, sizeof(key), "%s/pcrm.key", dir);
        snprintf(dbpath, sizeof(dbpath), "%s/pcrm.db", dir);
        log_set_level(LOG_WARN);
        static struct notify_settings s;
        setenv("PCRM_QUIET_HOURS", "off", 1);
        struct store_db *db;
        if (sec_init() < 0 || sec_keys_create(key) < 0 || sec_keys_load(key) < 0 ||
            notify_settings_load(&s, dir) < 0 || channel_global_init() < 0 ||
            store_open(dbpath, &db) != STORE_OK || store_migrate(db) < 0 || seed(db, n, medium) < 0)
                return 1;
        s.rate_sms = s.rate_email = 1000000; /* measure the pipeline, not the pacing */
        outbox_configure(&s);

        /* Enqueue: one event's notice per complaint, each in its own transaction as in intake. */
        int64_t t0 = time_now_ms();
        for (int i = 1; i <= n; i++) {
                if (store_begin(db) != STORE_OK ||
                    outbox_complaint_event(db, 1, i, i, "receive") != 1 ||
                    store_commit(db) != STORE_OK)
                        return 1;
        }
        int64_t enqueue_ms = time_now_ms() - t0;

        struct outbox_pacer pacer = {0};
        t0 = time_now_ms();
        int sent = 0;
        while (sent < n) {
                int k = outbox_deliver(db, &s, &pacer, time_now_ms(), 64);
                if (k <= 0)
                        return 1;
                sent += k;
        }
        int64_t deliver_ms = time_now_ms() - t0;
        char transport[16] = "";
        struct store_stmt *st = store_prepare(
            db, "SELECT transport, count(*) FROM messages WHERE status = 'sent' GROUP BY 1");
        int64_t ok = 0;
        if (st && store_step(st) == STORE_ROW) {
                store_col_copy(st, 0, transport, sizeof(transport));
                ok = store_col_int(st, 1);
        }
        store_done(st);
        if (ok != n) {
                fprintf(stderr, "bench_delivery: %" PRId64 " of %d sent\n", ok, n);
                return 1;
        }

        /* The bare transport: the same texts, no database. */
        t0 = time_now_ms();
        for (int i = 1; i <= n; i++) {
                char k[32], to[40];
                snprintf(k, sizeof(k), "bare-%d", i);
                if (!strcmp(medium, "sms"))
                        snprintf(to, sizeof(to), "010-%04d-%04d", 1000 + i / 10000, i % 10000);
                else
                        snprintf(to, sizeof(to), "r%d@example.kr", i);
                struct channel_message m = {
                    .key = k,
                    .medium = medium,
                    .msg_class = strcmp(medium, "sms") ? "EMAIL" : "SMS",
                    .recipient = to,
                    .subject = strcmp(medium, "sms") ? "민원 접수 안내" : NULL,
                    .body = "[부산광역시] 민원 2026-000123 접수. 처리기한 12월 7일(월)"
                            " 18:00 (도로관리과)"};
                struct channel_result r;
                memset(&r, 0, sizeof(r));
                if (channel_send(&s.channels, &m, &r) < 0) {
                        fprintf(stderr, "bench_delivery: bare send failed: %s\n", r.error);
                        return 1;
                }
        }
        int64_t bare_ms = time_now_ms() - t0;
        printf("%s %s enqueue %.0f deliver %.0f bare %.0f\n", medium, transport,
               rate(n, enqueue_ms), rate(n, deliver_ms), rate(n, bare_ms));
        store_close(db);
        channel_global_cleanup();
        return 0;
}
