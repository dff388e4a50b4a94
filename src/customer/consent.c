#include "customer/consent.h"

#include "auth/audit.h"
#include "base/time.h"
#include "base/utf8.h"
#include "customer/customer.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char *const consent_purposes[] = {"complaint_handling",
                                        "status_notice",
                                        "proactive_service",
                                        "campaign",
                                        "survey",
                                        "sensitive_profile",
                                        NULL};
const char *const consent_channels[] = {"sms", "email", "phone", "mail", NULL};

static bool in_list(const char *const *list, const char *s)
{
        for (; s && *list; list++)
                if (!strcmp(*list, s))
                        return true;
        return false;
}

bool consent_purpose_valid(const char *purpose)
{
        return in_list(consent_purposes, purpose);
}

bool consent_channel_valid(const char *channel)
{
        return in_list(consent_channels, channel);
}

int consent_append(struct store_db *db, const struct actor *who, int64_t customer_id,
                   const char *purpose, const char *channel, bool granted, const char *source,
                   struct pcrm_error *e)
{
        if (!consent_purpose_valid(purpose))
                return err_set(e, PCRM_EINVALID, "purpose", "알 수 없는 이용 목적입니다");
        if (!consent_channel_valid(channel))
                return err_set(e, PCRM_EINVALID, "channel", "알 수 없는 연락 수단입니다");
        if (!source || !*source || strlen(source) > 31 || !utf8_valid_text(source, strlen(source)))
                return err_set(e, PCRM_EINVALID, "source", "동의 경로(source)가 필요합니다");
        int64_t id = customer_survivor(db, who->tenant_id, customer_id);
        if (id <= 0)
                return id == 0 ? err_set(e, PCRM_ENOTFOUND, "id", "고객을 찾을 수 없습니다")
                               : err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        char actor[300];
        snprintf(actor, sizeof(actor), "%s:%s", actor_kind_name(who->kind), who->name);
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO consent_events (tenant_id, customer_id, purpose, channel, granted,"
                " source, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        int rc = STORE_ERROR;
        if (st) {
                store_bind_int(st, 1, who->tenant_id);
                store_bind_int(st, 2, id);
                store_bind_text(st, 3, purpose);
                store_bind_text(st, 4, channel);
                store_bind_int(st, 5, granted ? 1 : 0);
                store_bind_text(st, 6, source);
                store_bind_text(st, 7, actor);
                store_bind_int(st, 8, time_now_ms());
                rc = store_step(st);
                store_done(st);
        }
        char idtext[24], detail[160];
        snprintf(idtext, sizeof(idtext), "%" PRId64, id);
        snprintf(detail, sizeof(detail), "{\"purpose\":\"%s\",\"channel\":\"%s\",\"granted\":%s}",
                 purpose, channel, granted ? "true" : "false");
        struct audit_event ev = {.action = granted ? "consent.grant" : "consent.withdraw",
                                 .target_type = "customer",
                                 .target_id = idtext,
                                 .detail = detail};
        if (rc != STORE_DONE || audit_append(db, who, &ev) < 0)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        return PCRM_OK;
}

int consent_record(struct store_db *db, const struct actor *who, int64_t customer_id,
                   const char *purpose, const char *channel, bool granted, const char *source,
                   struct pcrm_error *e)
{
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        int rc = consent_append(db, who, customer_id, purpose, channel, granted, source, e);
        if (rc == PCRM_OK && store_commit(db) != STORE_OK)
                rc = err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        if (rc)
                store_rollback(db);
        return rc;
}

/* The latest event for one purpose × channel: 1 granted, 0 withdrawn or never, -1 error. */
static int latest(struct store_db *db, int64_t tenant_id, int64_t id, const char *purpose,
                  const char *channel, int64_t *at, char *source, size_t srclen)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT granted, at, source FROM consent_events WHERE tenant_id = ? AND"
                " customer_id = ? AND purpose = ? AND channel = ? ORDER BY id DESC LIMIT 1");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, id);
        store_bind_text(st, 3, purpose);
        store_bind_text(st, 4, channel);
        int rc = store_step(st), granted = 0;
        *at = 0;
        if (source)
                source[0] = '\0';
        if (rc == STORE_ROW) {
                granted = store_col_int(st, 0) != 0;
                *at = store_col_int(st, 1);
                if (source)
                        store_col_copy(st, 2, source, srclen);
        }
        store_done(st);
        return rc < 0 ? -1 : granted;
}

int consent_may_use(struct store_db *db, int64_t tenant_id, int64_t customer_id,
                    const char *purpose, const char *channel)
{
        if (!consent_purpose_valid(purpose) || !consent_channel_valid(channel))
                return 0;
        int64_t id = customer_survivor(db, tenant_id, customer_id);
        if (id <= 0)
                return id < 0 ? -1 : 0;
        if (!strcmp(purpose, "complaint_handling"))
                return 1; /* the legal basis of handling the resident's own complaint */
        int64_t at;
        return latest(db, tenant_id, id, purpose, channel, &at, NULL, 0);
}

int consent_states(struct store_db *db, int64_t tenant_id, int64_t customer_id,
                   struct consent_state *out, size_t *n)
{
        *n = 0;
        int64_t id = customer_survivor(db, tenant_id, customer_id);
        if (id <= 0)
                return -1;
        for (int p = 0; consent_purposes[p]; p++)
                for (int c = 0; consent_channels[c]; c++) {
                        struct consent_state *s = &out[(*n)++];
                        s->purpose = consent_purposes[p];
                        s->channel = consent_channels[c];
                        int g = latest(db, tenant_id, id, s->purpose, s->channel, &s->at, s->source,
                                       sizeof(s->source));
                        if (g < 0)
                                return -1;
                        s->granted = g == 1 || !strcmp(s->purpose, "complaint_handling");
                }
        return 0;
}
