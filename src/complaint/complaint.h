/*
 * complaint: complaints (민원) from intake to closure.
 *
 * DESIGN: intake runs in one write transaction: the resident's contact block goes through
 * the customer database (intake.h; the block is kept as a source record), the type comes
 * from the catalogue or the text is routed (route.h), the legal due time is computed
 * (deadline.h), and the complaint, its first event and its audit row are written
 * together with a fresh receipt number (<year>-<6 digits>, per tenant, never reused). An
 * Idempotency-Key makes a retried intake return the first result instead of a second
 * complaint.
 *
 * The workflow is a table of actions (from which states, to which state, which roles);
 * every transition writes an event (담당 이력) and an audit row in the same transaction.
 */
#ifndef PCRM_COMPLAINT_COMPLAINT_H
#define PCRM_COMPLAINT_COMPLAINT_H

#include "auth/actor.h"
#include "auth/department.h"
#include "complaint/deadline.h"
#include "complaint/route.h"
#include "customer/customer.h"
#include "store/db.h"

#include <stdbool.h>
#include <stdint.h>

#define COMPLAINT_TITLE_MAX    100 /* characters */
#define COMPLAINT_BODY_MAX     4000
#define COMPLAINT_RECEIPT_SIZE 16
#define COMPLAINT_PIN_DIGITS   6
/* Below this posterior the router does not guess: the complaint waits in triage. */
#define COMPLAINT_ROUTE_CONFIDENCE 0.5

/* The statuses in SQL: the clock runs in the first, a complaint is open in the second. */
#define COMPLAINT_RUNNING_SQL "('received', 'assigned', 'in_progress', 'extended')"
#define COMPLAINT_OPEN_SQL                                                                         \
        "('received', 'assigned', 'in_progress', 'awaiting_supplement', 'extended')"

struct complaint_consent {
        const char *purpose; /* status_notice, survey, ... (consent.h) */
        const char *channel; /* sms, email, phone, mail */
};

struct complaint_input {
        const char *title;
        const char *body;
        const char *channel;   /* web, mobile, phone, visit, mail, email, sms, kiosk, fax */
        const char *type_code; /* optional: from the catalogue; else the text is routed */
        struct customer_input resident;
        bool has_location;
        double lat, lng;
        const char *idempotency_key; /* optional */
        bool public_intake;          /* by a resident: a tracking PIN is issued */
        const struct complaint_consent *consents;
        size_t nconsents;
        int64_t received_at; /* 0: now */
};

struct complaint_receipt {
        int64_t id;
        char receipt_no[COMPLAINT_RECEIPT_SIZE];
        char pin[COMPLAINT_PIN_DIGITS + 1]; /* only on the first answer of a public intake */
        char status[24];
        int64_t due_at;
        int64_t customer_id;
        int64_t dept_id; /* 0: waiting in triage */
        char dept_code[40];
        char dept_name[DEPT_NAME_MAX * 4 + 1];
        bool replayed; /* the Idempotency-Key was seen before: this is the first result */
};

struct complaint {
        int64_t id, tenant_id, customer_id, dept_id, officer_id;
        char receipt_no[COMPLAINT_RECEIPT_SIZE];
        char type_code[48];
        char title[COMPLAINT_TITLE_MAX * 4 + 1];
        char *body;   /* owned: complaint_release frees */
        char *answer; /* owned, NULL until answered */
        char channel[16];
        char status[24];
        char period[16];
        int64_t received_at, due_at, paused_at, overdue_at, answered_at, closed_at;
        int extensions;
        char route_label[ROUTE_LABEL_MAX];
        double route_score;
        int64_t repeat_of;
        int repeats; /* earlier complaints in its repeat chain */
        char grievance_case[128];
        int64_t grievance_owner, escalated_at;
        int64_t created_at, updated_at;
};
void complaint_release(struct complaint *c);

/* Copies data/complaint-types.csv into a tenant's catalogue (pcrm init --demo, tenant
 * add). Existing codes are left alone. Returns rows added or -1. */
int complaint_types_seed(struct store_db *db, int64_t tenant_id);

int complaint_intake(struct store_db *db, const struct actor *who, const struct complaint_input *in,
                     struct complaint_receipt *out, struct pcrm_error *e);

/*
 * Intake in two steps, so that the work which needs no write lock runs before the write
 * transaction (public intake: on the HTTP thread, while the group-commit writer runs only
 * the writes). complaint_intake is prepare + write.
 *
 * complaint_intake_prepare reads but never writes: it checks the input, answers a replay
 * of an Idempotency-Key already committed (out filled, out->replayed; nothing to write),
 * resolves the type (catalogue or router), takes the receipt time, computes the due time,
 * draws the tracking PIN and looks up the names the answer and the notice show. On
 * PCRM_OK without a replay, prep holds all of it until complaint_prepared_release.
 *
 * complaint_intake_write runs the write transaction from prep (still checking the
 * Idempotency-Key inside it): a receipt number, the resident through the customer
 * database, consents, the complaint, its event, the notice in the outbox, the audit row.
 * It depends on nothing but its arguments, so it may run twice (group commit's retry).
 */
struct complaint_prepared {
        char type_code[48]; /* "" when routed or unknown */
        char period[16];
        char service_class[16];
        int64_t dept_id; /* 0: triage */
        char route_label[ROUTE_LABEL_MAX];
        double route_score;
        int64_t received_at, due_at;
        char pin[COMPLAINT_PIN_DIGITS + 1]; /* public intake only */
        char dept_code[40];
        char dept_name[DEPT_NAME_MAX * 4 + 1];
        char agency[256];      /* the tenant's name, for the notice */
        struct json_t *fields; /* the resident block as entered (owned) */
};
int complaint_intake_prepare(struct store_db *db, const struct actor *who,
                             const struct complaint_input *in, struct complaint_prepared *prep,
                             struct complaint_receipt *out, struct pcrm_error *e);
int complaint_intake_write(struct store_db *db, const struct actor *who,
                           const struct complaint_input *in, const struct complaint_prepared *prep,
                           struct complaint_receipt *out, struct pcrm_error *e);
void complaint_prepared_release(struct complaint_prepared *prep);

/* Loads by receipt number in the actor's tenant. PCRM_ENOTFOUND for another tenant's. */
int complaint_get(struct store_db *db, const struct actor *who, const char *receipt_no,
                  struct complaint *out, struct pcrm_error *e);

/*
 * The resident's view: checks the PIN (ten wrong PINs lock the receipt for an hour).
 * PCRM_ENOTFOUND for an unknown receipt or a wrong PIN alike; PCRM_ERULE while locked.
 */
int complaint_track(struct store_db *db, int64_t tenant_id, const char *receipt_no, const char *pin,
                    struct complaint *out, struct pcrm_error *e);

struct complaint_action {
        const char *action;      /* assign, start, request_supplement, supplement_received, extend,
                                    answer, close, withdraw, transfer_out, reassign, close_repeat,
                                    escalate, note */
        int64_t officer_id;      /* assign */
        int64_t dept_id;         /* reassign */
        const char *text;        /* answer, note, reason for extend / supplement / transfer */
        const char *destination; /* transfer_out: the other agency */
        const char *grievance_case; /* escalate: the case it joins (several residents' complaints
                                       about one subject share one) */
        int64_t new_due_at;         /* extend: optional; default = the period again from now */
        bool resident_consented;    /* extend a second time */
};

/* Applies one workflow action. PCRM_ECONFLICT (409) with the allowed actions in the
 * message when the action is not allowed in the current state. */
int complaint_act(struct store_db *db, const struct actor *who, const char *receipt_no,
                  const struct complaint_action *act, struct complaint *out, struct pcrm_error *e);

/* The actions allowed now for this actor, as a NULL-terminated list of static strings. */
size_t complaint_allowed_actions(const struct actor *who, const struct complaint *c,
                                 const char **out, size_t max);

/* Repeats (repeat.c): the same resident, the same type, similar text, within the window. */
#define COMPLAINT_REPEAT_WINDOW_DAYS 180
#define COMPLAINT_REPEAT_SIMILARITY  0.45
/* Jaccard similarity (0..1) of the two texts' character trigrams. */
double complaint_text_similarity(const char *a, const char *b);
/* The id of the earlier complaint this text repeats, 0 if none, -1 on error. */
int64_t complaint_find_repeat(struct store_db *db, int64_t tenant_id, int64_t customer_id,
                              const char *type_code, const char *text, int64_t received_at);

/* Walks the chain of earlier complaints a complaint repeats: how many, how many answered,
 * and their receipt numbers (comma-separated, cut to fit). Returns 0 or -1. */
int complaint_repeat_chain(struct store_db *db, int64_t tenant_id, int64_t repeat_of, int *earlier,
                           int *answered, char *receipts, size_t len);

/* The next receipt number "<year>-<6 digits>" of the KST year of received_at, from the
 * tenant's counter (inside the caller's transaction). out needs COMPLAINT_RECEIPT_SIZE. */
int complaint_next_receipt(struct store_db *db, int64_t tenant_id, int64_t received_at, char *out);

/* Appends an event (담당 이력) inside the caller's transaction. Returns 0 or -1. */
/* Appends a 담당 이력 event inside the caller's transaction. Returns its id, or -1. */
int64_t complaint_event_append(struct store_db *db, const struct actor *who, int64_t complaint_id,
                               const char *action, const char *from, const char *to,
                               int64_t dept_id, const char *note);

/* Periodic and long-term tasks are reviewed this often until done; each review is an
 * event (and, with the notifications, a progress notice to the resident). */
#define COMPLAINT_REVIEW_DAYS 30
/* Records the reviews that have come due (the watch job). Returns how many, or -1. */
int64_t complaint_review_tasks(struct store_db *db, int64_t now_ms);

/* Marks every open complaint whose due time has passed (the watch job). Returns count. */
int64_t complaint_mark_overdue(struct store_db *db, int64_t now_ms);

#endif
