/*
 * migrate: numbered SQL migrations (src/store/migrations/NNN_name.sql), compiled into
 * the binary by cmake/embed.cmake (base/embed.h) and applied in order, each in its own
 * transaction, recorded in schema_migrations.
 */
#ifndef PCRM_STORE_MIGRATE_H
#define PCRM_STORE_MIGRATE_H

#include "store/db.h"

/* Applies every migration not yet recorded. Returns how many were applied, or -1. */
int store_migrate(struct store_db *db);

#endif
