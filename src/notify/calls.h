/*
 * calls: the call-centre's work queues.
 *   plus   a call to tell a resident without mobile or e-mail how their complaint stands;
 *   happy  a satisfaction call after an answer, for a sample of complaints, whose answers
 *          are the report's Table 3-2 attributes (overall, speed of notification,
 *          concreteness, clarity, ease of understanding; 1-5);
 *   catch  a call-back, due before the end of that working day, to a visitor or caller
 *          who left unhappy, flagged by the officer (it goes to that officer).
 * Tasks are claimed and completed with an outcome. Planning (plus, happy) is a scheduler
 * job that can run any number of times: one task of a kind per complaint.
 */
#ifndef PCRM_NOTIFY_CALLS_H
#define PCRM_NOTIFY_CALLS_H

#include "auth/actor.h"
#include "store/db.h"

#include <stdbool.h>
#include <stdint.h>

#define CALLS_HAPPY_SAMPLE_PERCENT 20 /* of answered complaints, chosen by receipt */
#define CALLS_GUIDANCE_MIN_DAYS    14 /* a "long" complaint gets a mid-process call */
#define CALLS_RULES_MAX            200

/* Flags a Catch-Call. Returns PCRM_OK with *id, or an error naming the field. */
int calls_flag_catch(struct store_db *db, const struct actor *who, int64_t customer_id,
                     const char *receipt_no, const char *reason, int64_t *id, struct pcrm_error *e);
/* The same, to the officer's department head instead of the officer (to_head). A
 * department without an active head is PCRM_ERULE. */
int calls_flag_catch_to(struct store_db *db, const struct actor *who, int64_t customer_id,
                        const char *receipt_no, const char *reason, bool to_head, int64_t *id,
                        struct pcrm_error *e);

/* Happy-Call sampling rules: percent of answered complaints of a type and/or department
 * (NULL / 0: any). */
struct happy_rule {
        const char *type_code;
        int64_t dept_id;
        int percent;
};
/* Replaces the tenant's rules (audited). Unknown types or departments, a percent outside
 * 0-100 or the same type × department twice are PCRM_EINVALID naming "rules". */
int calls_rules_put(struct store_db *db, const struct actor *who, const struct happy_rule *rules,
                    size_t n, struct pcrm_error *e);

/* Creates the due Plus-Call and Happy-Call tasks. Returns how many, or -1. */
int64_t calls_plan(struct store_db *db, int64_t now_ms);
int calls_claim(struct store_db *db, const struct actor *who, int64_t id, struct pcrm_error *e);

struct call_answers {
        int overall, speed, concreteness, clarity, ease; /* 1-5; 0: not asked */
};
/* outcome: reached, no_answer, wrong_number, refused. A reached Happy-Call needs all
 * five answers. */
int calls_complete(struct store_db *db, const struct actor *who, int64_t id, const char *outcome,
                   const struct call_answers *answers, const char *note, struct pcrm_error *e);

#endif
