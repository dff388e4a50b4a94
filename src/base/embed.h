/*
 * embed: files compiled into the binary by cmake/embed.cmake (SQL migrations, the
 * reference data in data/). The data live for the whole process and are NUL-terminated.
 */
#ifndef PCRM_BASE_EMBED_H
#define PCRM_BASE_EMBED_H

#include <stddef.h>

struct embed_file {
        const char *name; /* base name, e.g. "001_foundation.sql" */
        const char *data;
        size_t size;
};

extern const struct embed_file store_migrations[];
extern const int store_migrations_count;
extern const struct embed_file pcrm_data_files[];
extern const int pcrm_data_files_count;

/* The data file with this base name, or NULL. */
const struct embed_file *embed_data_file(const char *name);

#endif
