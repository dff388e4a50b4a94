/*
 * route: automatic classification of a complaint's free text into a label (a department
 * code or a complaint type code), replacing manual sorting. A multinomial naive Bayes
 * model over character n-grams (1–3) of the normalised Korean text: no word segmentation,
 * robust to typos and dialect, no model download. Trained from labelled examples (the
 * shipped data/routing-examples.csv, and officers' final assignments) and kept in the
 * database so every server thread and the CLI use the same model.
 *
 * A struct route_model is immutable once built; route_classify may run on many threads.
 */
#ifndef PCRM_COMPLAINT_ROUTE_H
#define PCRM_COMPLAINT_ROUTE_H

#include "base/error.h"
#include "store/db.h"

#include <stddef.h>

#define ROUTE_LABEL_MAX 64

struct route_model;

struct route_example {
        const char *text;
        const char *label;
};

struct route_guess {
        char label[ROUTE_LABEL_MAX];
        double score; /* posterior probability, 0..1 */
};

/* Trains a model from n examples. Caller frees. NULL when out of memory or n == 0. */
struct route_model *route_train(const struct route_example *ex, size_t n);
void route_model_free(struct route_model *m);
/* The k best labels (k <= 10), best first, with posterior probabilities. Returns count. */
size_t route_classify(const struct route_model *m, const char *text, struct route_guess *out,
                      size_t k);

/* Stores a trained model in the database (replacing the previous one): 0, or -1 on
 * failure. route_model_load reads it back, NULL when there is none or on failure. */
int route_model_save(struct store_db *db, int64_t tenant_id, const struct route_model *m);
struct route_model *route_model_load(struct store_db *db, int64_t tenant_id);

/*
 * The tenant's stored model, from a process-wide cache: loaded from the database the first
 * time, and again only when routing_models.trained_at (or the example count) has changed
 * since, so intake does not parse the model (milliseconds) on every request. One cheap
 * query per call checks for a newer model. NULL when the tenant has none or on failure.
 *
 * Ownership: the model is shared and reference-counted. The caller holds one reference
 * and gives it back with route_model_release (never route_model_free); the model stays
 * valid until then even if a newer one replaces it in the cache meanwhile. The cache keeps
 * the current model of up to ROUTE_CACHE_TENANTS tenants (the least recently used is
 * dropped beyond that) until route_cache_clear or the end of the process. A model is
 * known by (tenant, trained_at, examples) alone, not by database, which is enough for one
 * server and for tests that train each database at a different millisecond.
 * Thread-safe.
 */
#define ROUTE_CACHE_TENANTS 64
const struct route_model *route_model_cached(struct store_db *db, int64_t tenant_id);
/* Gives back a reference from route_model_cached; NULL is ignored. */
void route_model_release(const struct route_model *m);
/* Drops the cache's references (models still held by callers live until released). */
void route_cache_clear(void);

/* The shipped examples (data/routing-examples.csv): parsed into a malloc'd array whose
 * strings point into the embedded file. Caller frees the array. */
struct route_example *route_shipped_examples(size_t *n);

/* ---- added with the implementation (route.c) ------------------------------------------ */

/* Parses CSV text with a header naming the columns "text" and "label" (others are
 * ignored; blank lines are skipped). Returns one malloc'd block holding the array and
 * the strings it points to (free() it once), *n set; NULL on malformed input or out of
 * memory, with the reason in err ("line 12: no label", ...) when err is not NULL. */
struct route_example *route_parse_csv(const char *data, size_t len, size_t *n, char *err,
                                      size_t errlen);

/* Officers' final assignments, to learn from when the model is retrained: every complaint
 * an officer took on (title + body) with the code of the department it ended in, newest
 * first, at most 20,000. *out is one malloc'd block as route_parse_csv's (NULL when there
 * are none). Returns 0 or -1. */
int route_assigned_examples(struct store_db *db, int64_t tenant_id, struct route_example **out,
                            size_t *n);

struct route_model_info {
        size_t examples; /* examples learnt from (those with an unusable label are skipped) */
        size_t labels;
        size_t grams; /* distinct n-grams */
};
void route_model_info(const struct route_model *m, struct route_model_info *out);

/* Classifies every example and counts how often its label is the best guess (top1) or
 * among the three best (top3). */
struct route_accuracy {
        size_t n, top1, top3;
};
void route_evaluate(const struct route_model *m, const struct route_example *ex, size_t n,
                    struct route_accuracy *out);

#endif
