/*
 * template: the Korean wording of every message, per event and medium, with placeholders
 * ({이름}, {접수번호}, {민원제목}, {처리기한}, {담당부서}, {링크}, {기관}, {인증번호}).
 * The shipped defaults are data/message-templates.csv; a tenant's cs_manager may save its
 * own wording, which is validated when saved (an unknown placeholder or a stray brace is
 * rejected then, never found at send time).
 *
 * Ownership: struct message_template holds its text in fixed arrays; rendering writes into
 * a caller-owned struct buf.
 */
#ifndef PCRM_NOTIFY_TEMPLATE_H
#define PCRM_NOTIFY_TEMPLATE_H

#include "auth/actor.h"
#include "base/buf.h"
#include "base/error.h"
#include "store/db.h"

#include <stdbool.h>
#include <stdint.h>

#define TEMPLATE_SUBJECT_MAX 200  /* characters */
#define TEMPLATE_BODY_MAX    2000 /* characters */

extern const char *const template_events[];  /* NULL-terminated */
extern const char *const template_mediums[]; /* "sms", "email", NULL */
bool template_event_valid(const char *event);
bool template_medium_valid(const char *medium);
/* The Korean label of an event ("접수 안내"), for screens and contact summaries. */
const char *template_event_label(const char *event);

struct message_template {
        char event[24];
        char medium[8];
        char subject[TEMPLATE_SUBJECT_MAX * 4 + 1]; /* "" for SMS */
        char body[TEMPLATE_BODY_MAX * 4 + 1];
        bool customised; /* the tenant's own wording, not the default */
        int64_t updated_at, updated_by;
};

/* The values placeholders are replaced with; NULL members render as "". */
struct template_values {
        const char *name, *receipt_no, *title, *due, *department, *link, *agency, *code;
};

/* Checks a template text: valid UTF-8 within max characters, every {...} a known
 * placeholder. PCRM_EINVALID naming field, with the offending placeholder in the message. */
int template_check(const char *field, const char *text, size_t max, struct pcrm_error *e);

/* Replaces the placeholders. Returns 0, or -1 if the result does not fit out's limit. */
int template_render(const char *text, const struct template_values *v, struct buf *out);

/* The tenant's template for event × medium: its own, else the shipped default.
 * Returns PCRM_OK, PCRM_ENOTFOUND, or PCRM_EINTERNAL. */
int template_get(struct store_db *db, int64_t tenant_id, const char *event, const char *medium,
                 struct message_template *out, struct pcrm_error *e);

/* Saves the tenant's wording after template_check, audited. subject is ignored for SMS. */
int template_put(struct store_db *db, const struct actor *who, const char *event,
                 const char *medium, const char *subject, const char *body, struct pcrm_error *e);

/* Goes back to the shipped default, audited. */
int template_reset(struct store_db *db, const struct actor *who, const char *event,
                   const char *medium, struct pcrm_error *e);

#endif
