/*
 * outbox: every message to a resident is first a row in `messages`, written inside the
 * transaction of the change that caused it (a complaint event, a sign-in code request),
 * so a message exists if and only if the change committed. The delivery job
 * (jobs/delivery.c) sends due rows through channel.h and records the outcome.
 *
 * DESIGN
 * - No duplicates: msg_key is unique per event × recipient × medium, and an INSERT that
 *   meets an existing key does nothing. A row is claimed (status sending, a lease) before
 *   the transport is called; a row found still `sending` after its lease (the process died
 *   mid-send) is checked against the file transport before it is sent again, and gateways
 *   get the key to drop a repeat on their side.
 * - Consent is decided at enqueue and recorded on the row: notices the Civil Petitions
 *   Act requires about the resident's own complaint (received, supplement, extended,
 *   answered, transferred) and a sign-in code the resident asked for are `statutory`;
 *   progress updates need `status_notice`, surveys need `survey` consent for that medium.
 *   A denied message is kept as `suppressed`, never sent.
 * - Quiet hours (default 21:00-08:00 KST) hold SMS until morning unless urgent.
 * - Failures retry with exponential backoff and jitter; after max attempts (or a
 *   permanent failure) the row is `dead` with its last error.
 */
#ifndef PCRM_NOTIFY_OUTBOX_H
#define PCRM_NOTIFY_OUTBOX_H

#include "auth/actor.h"
#include "base/error.h"
#include "notify/channel.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct notify_settings {
        char public_url[256]; /* PCRM_PUBLIC_URL: the portal's address, for {링크} */
        char agency[64];      /* the {기관} default when a tenant has no name */
        double price_sms, price_lms, price_email; /* PCRM_PRICE_SMS/LMS/EMAIL, won */
        long rate_sms, rate_email;                /* PCRM_RATE_SMS/EMAIL, per second */
        long max_attempts;                        /* PCRM_NOTIFY_ATTEMPTS */
        long retry_base_s;                        /* PCRM_NOTIFY_RETRY_S: first backoff */
        long lease_s;                             /* a claimed row's send window */
        int quiet_from_min, quiet_to_min;         /* PCRM_QUIET_HOURS "21:00-08:00" KST */
        bool delivery;                            /* PCRM_DELIVERY on|off (off: queue only) */
        struct channel_settings channels;
};

/* Defaults, then the PCRM_* variables (channel ones included). Returns 0 or -1 after
 * printing which setting is wrong. */
int notify_settings_load(struct notify_settings *s, const char *data_dir);
/* The settings enqueueing reads (the link, the agency). Set once at start; borrowed. */
void outbox_configure(const struct notify_settings *s);

/* Enqueues the notices a complaint event causes, inside the caller's write transaction.
 * action is the complaint_events action (receive, assign, answer, overdue, ...); actions
 * that tell the resident nothing enqueue nothing. Returns messages written, or -1. */
int outbox_complaint_event(struct store_db *db, int64_t tenant_id, int64_t complaint_id,
                           int64_t event_id, const char *action);

/* The same, for a complaint whose facts the caller already has (intake, which has just
 * inserted the row): no read of the complaint back. Strings are borrowed; dept_name and
 * agency may be "" (the defaults then, as outbox_complaint_event). */
struct outbox_complaint_facts {
        const char *receipt_no, *title, *dept_name, *agency;
        int64_t customer_id, due_at;
};
int outbox_complaint_event_facts(struct store_db *db, int64_t tenant_id, int64_t complaint_id,
                                 int64_t event_id, const char *action,
                                 const struct outbox_complaint_facts *facts);

/* Enqueues a sign-in code to a contact (canonical mobile or e-mail), urgent, inside the
 * caller's transaction. Returns 0 or -1. */
int outbox_signin_code(struct store_db *db, int64_t tenant_id, int64_t customer_id, int64_t code_id,
                       const char *contact, const char *code);

/* Renders a template text as it would go out: with a complaint's real data when
 * receipt_no names one of the tenant's (PCRM_ENOTFOUND if not), else with sample data.
 * *out = {"subject","body","class","bytes"}. The texts must have passed template_check. */
int outbox_preview(struct store_db *db, int64_t tenant_id, const char *receipt_no,
                   const char *medium, const char *subject, const char *body, json_t **out,
                   struct pcrm_error *e);

/* Is this instant in the SMS quiet hours? If so, *until is when they end. */
bool outbox_quiet(const struct notify_settings *s, int64_t now_ms, int64_t *until);

/* Per-medium token buckets of one delivery thread. */
struct outbox_pacer {
        double tokens[2];
        int64_t at_ms;
};

/* Sends up to max due messages. Returns how many were attempted, or -1 on a database
 * error. Runs on one thread (the delivery job). */
int outbox_deliver(struct store_db *db, const struct notify_settings *s, struct outbox_pacer *pacer,
                   int64_t now_ms, int max);

/* The demo city's past (pcrm gen complaints): queued messages of events before before_ms
 * are recorded as delivered at their time with transport "demo", so the reports show a
 * year; nothing is written to any transport. Returns rows changed or -1. */
int64_t outbox_settle_history(struct store_db *db, int64_t before_ms);

/* The calling number the actor's tenant sends SMS from (registered with the carriers,
 * 발신번호 사전등록제); NULL clears it back to PCRM_SMS_SENDER. Audited. PCRM_EINVALID
 * naming "sms_sender" for a number that is not one. */
int outbox_set_sender(struct store_db *db, const struct actor *who, const char *number,
                      struct pcrm_error *e);

/* A gateway's delivery report for the message with this key (sent earlier): delivered to
 * the handset, or failed with the carrier's reason. Returns 1 when recorded, 0 for an
 * unknown or unsent key, -1 on a database error. */
int outbox_delivery_report(struct store_db *db, const char *key, bool delivered, const char *error,
                           int64_t at_ms);

/* Messages by month × medium × class for a KST year (Paju Table 3-5 layout): count, sent,
 * dead, unit price, cost, success rate. A new JSON object, or NULL on error. */
json_t *outbox_report(struct store_db *db, int64_t tenant_id, int year);

#endif
