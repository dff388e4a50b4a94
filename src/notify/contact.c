#include "notify/contact.h"

#include "auth/audit.h"
#include "base/time.h"
#include "base/utf8.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const channels[] = {"phone", "visit", "email",  "sms",
                                       "web",   "mail",  "notice", NULL};

bool contact_channel_valid(const char *channel)
{
        for (int i = 0; channel && channels[i]; i++)
                if (!strcmp(channels[i], channel))
                        return true;
        return false;
}

static int lookup_id(struct store_db *db, const char *sql, int64_t tenant_id, int64_t id,
                     const char *text, int64_t *out)
{
        struct store_stmt *st = store_prepare(db, sql);
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        if (text)
                store_bind_text(st, 2, text);
        else
                store_bind_int(st, 2, id);
        int rc = store_step(st);
        *out = rc == STORE_ROW ? store_col_int(st, 0) : 0;
        store_done(st);
        return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

int contact_record(struct store_db *db, const struct actor *who, const struct contact_input *in,
                   int64_t *id, struct pcrm_error *e)
{
        if (!contact_channel_valid(in->channel))
                return err_set(
                    e, PCRM_EINVALID, "channel",
                    "연락 경로는 phone, visit, email, sms, web, mail, notice 중 하나입니다");
        if (!in->direction ||
            (strcmp(in->direction, "inbound") && strcmp(in->direction, "outbound")))
                return err_set(e, PCRM_EINVALID, "direction",
                               "direction은 inbound 또는 outbound입니다");
        size_t len = in->summary ? strlen(in->summary) : 0;
        if (!len || !utf8_valid_text(in->summary, len) ||
            utf8_length(in->summary, len) > CONTACT_SUMMARY_MAX)
                return err_set(e, PCRM_EINVALID, "summary", "요약을 %d자 이내로 적어야 합니다",
                               CONTACT_SUMMARY_MAX);
        int64_t now = time_now_ms(), at = in->at ? in->at : now;
        if (at > now + 60000)
                return err_set(e, PCRM_EINVALID, "at", "앞으로의 시각은 기록할 수 없습니다");
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        int64_t customer = 0, complaint = 0;
        int rc = lookup_id(db, "SELECT id FROM customers WHERE tenant_id = ? AND id = ?",
                           who->tenant_id, in->customer_id, NULL, &customer);
        if (rc == 0) {
                store_rollback(db);
                return err_set(e, PCRM_ENOTFOUND, "customer_id", "고객을 찾을 수 없습니다");
        }
        if (rc > 0 && in->receipt_no && *in->receipt_no) {
                rc = lookup_id(db,
                               "SELECT id FROM complaints WHERE tenant_id = ? AND receipt_no = ?",
                               who->tenant_id, 0, in->receipt_no, &complaint);
                if (rc == 0) {
                        store_rollback(db);
                        return err_set(e, PCRM_EINVALID, "receipt_no", "민원을 찾을 수 없습니다");
                }
        }
        struct store_stmt *st =
            rc < 0
                ? NULL
                : store_prepare(
                      db, "INSERT INTO contacts (tenant_id, customer_id, channel, direction, at, "
                          "staff_id,"
                          " complaint_id, summary, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                          " RETURNING id");
        int step = STORE_ERROR;
        if (st) {
                store_bind_int(st, 1, who->tenant_id);
                store_bind_int(st, 2, customer);
                store_bind_text(st, 3, in->channel);
                store_bind_text(st, 4, in->direction);
                store_bind_int(st, 5, at);
                if (who->kind == ACTOR_USER)
                        store_bind_int(st, 6, who->id);
                if (complaint)
                        store_bind_int(st, 7, complaint);
                store_bind_text(st, 8, in->summary);
                store_bind_int(st, 9, now);
                step = store_step(st);
                *id = step == STORE_ROW ? store_col_int(st, 0) : 0;
                store_done(st);
        }
        char target[24], detail[160];
        snprintf(target, sizeof(target), "%" PRId64, customer);
        snprintf(detail, sizeof(detail),
                 "{\"contact_id\":%" PRId64 ",\"channel\":\"%s\","
                 "\"direction\":\"%s\"}",
                 *id, in->channel, in->direction);
        struct audit_event ev = {.action = "contact.create",
                                 .target_type = "customer",
                                 .target_id = target,
                                 .detail = detail};
        if (step != STORE_ROW || audit_append(db, who, &ev) < 0 || store_commit(db) != STORE_OK) {
                store_rollback(db);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        return PCRM_OK;
}
