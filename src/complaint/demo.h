/*
 * demo: a realistic year of complaints for the demo city, so the inbox, the reports and
 * the dashboards show what a real city would see: every type, channel and state,
 * including overdue, repeated and long-term ones, filed by the demo's residents.
 *
 * The complaints go through the real intake and workflow functions, with the clock
 * (time_now_ms, through PCRM_FAKE_NOW_MS) moved to the moment each step happened.
 */
#ifndef PCRM_COMPLAINT_DEMO_H
#define PCRM_COMPLAINT_DEMO_H

#include "store/db.h"

#include <stdint.h>

/* Files `count` complaints received over the year before now_ms. Returns how many were
 * filed, or -1. */
int complaint_demo_year(struct store_db *db, int64_t tenant_id, int count, uint64_t seed,
                        int64_t now_ms);

#endif
