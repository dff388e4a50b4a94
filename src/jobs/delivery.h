/*
 * delivery: the thread of `pcrm serve` that sends the outbox (notify/outbox.h). It looks
 * for due messages twice a second and drains them in batches at the channels' rates; a
 * stop waits for the message in flight. It is the only sender, so a message is never
 * in two transports at once.
 */
#ifndef PCRM_JOBS_DELIVERY_H
#define PCRM_JOBS_DELIVERY_H

#include "notify/outbox.h"

struct delivery;

/* Starts the thread. s is borrowed and must outlive it. Returns 0 or -1. */
int delivery_start(const struct notify_settings *s, struct delivery **out);
/* Stops and frees. Accepts NULL. */
void delivery_stop(struct delivery *d);

#endif
