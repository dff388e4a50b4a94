/*
 * match: entity resolution for the customer database. A cleansed record is compared with
 * candidate customers found through blocking keys (RRN index, mobile, e-mail, name +
 * birth date, household), and scored by weighted evidence:
 *
 *   same valid RRN                     → the same person, whatever else differs
 *   two different valid RRNs           → never the same person (veto)
 *   different sex or birth date        → veto (parents and children share addresses)
 *   different names (not a typo apart) → veto (family members share phones and addresses)
 *   otherwise the sum of the weights of what agrees: name (exact or one syllable off),
 *   mobile, phone, e-mail, birth date, address (building), household (the same unit),
 *   less a little when both sides have a mobile, or an address, and they differ.
 *
 * A score at or above `upper` links the record to that customer automatically; between
 * `lower` and `upper` the pair goes to the review queue; below, the record is a new
 * customer. Weights and thresholds are per tenant in match_rules (defaults below).
 */
#ifndef PCRM_CUSTOMER_MATCH_H
#define PCRM_CUSTOMER_MATCH_H

#include "customer/customer.h"

#include <stdbool.h>

struct match_weights {
        double name_exact, name_similar, mobile, phone, email, birth, address, household;
        double mobile_differs, address_differs; /* subtracted: a person changes these rarely */
        double upper, lower;
};

struct match_result {
        double score;
        bool veto;
        bool same_rrn;
        char reasons[160]; /* e.g. "name+mobile+address" or "veto:birth_date" */
};

void match_default_weights(struct match_weights *w);
/* Defaults overridden by the tenant's match_rules rows. Returns 0 or -1. */
int match_load_weights(struct store_db *db, int64_t tenant_id, struct match_weights *w);
/* Sets one rule ("name_exact", ..., "upper", "lower"), audited. */
int match_set_weight(struct store_db *db, const struct actor *who, const char *rule, double value,
                     struct pcrm_error *e);
/* The rule names, NULL-terminated, in a fixed order. */
extern const char *const match_rule_names[];
double *match_weight_slot(struct match_weights *w, const char *rule);

/* Korean-aware: equal name keys, or the same length with the same surname syllable and
 * exactly one other syllable different (a typo: 민준/민중). */
bool match_name_similar(const char *a, const char *b);
void match_score(const struct customer_clean *rec, const struct customer *cand,
                 const struct match_weights *w, struct match_result *out);
enum match_verdict { MATCH_NEW, MATCH_REVIEW, MATCH_LINK, MATCH_VETO };
/* The decision for a score: weights are thousandths, so the comparison allows for binary
 * rounding (0.4 + 0.3 + 0.2 reaches an upper of 0.9). The same RRN always links. */
enum match_verdict match_decide(const struct match_result *r, const struct match_weights *w);
/* Live customers sharing a blocking key with rec, at most max. Returns 0 or -1. */
int match_candidates(struct store_db *db, int64_t tenant_id, const struct customer_clean *rec,
                     int64_t *ids, size_t max, size_t *n);

#endif
