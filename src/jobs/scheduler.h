/*
 * scheduler: the background thread of `pcrm serve` that runs periodic jobs. Every job is
 * idempotent and restartable: it may be cut short by a crash or a stop at any point and
 * simply runs again on the next tick. Jobs are rows in the table in scheduler.c.
 */
#ifndef PCRM_JOBS_SCHEDULER_H
#define PCRM_JOBS_SCHEDULER_H

#include "base/config.h"

struct scheduler;

/* Starts the thread. cfg is borrowed and must outlive the scheduler. Returns 0 or -1. */
int scheduler_start(const struct pcrm_config *cfg, struct scheduler **out);
/* Wakes the thread, waits for the job in progress to finish, frees. Accepts NULL. */
void scheduler_stop(struct scheduler *s);
/* Runs every job once on the calling thread (for tests and `pcrm jobs run`). */
void scheduler_run_all(const struct pcrm_config *cfg);

#endif
