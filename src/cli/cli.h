/*
 * cli: the operator's subcommands (`pcrm init`, `pcrm serve`, ...), one file each, listed
 * in the table in main.c. Conventions: options are parsed with getopt_long; `--help`
 * prints usage to stdout and exits 0; a usage error prints usage to stderr and exits 2;
 * a failure prints "pcrm: what failed" to stderr and exits 1.
 */
#ifndef PCRM_CLI_CLI_H
#define PCRM_CLI_CLI_H

#include "auth/actor.h"
#include "store/db.h"

#include <stddef.h>
#include <stdio.h>

struct cli_command {
        const char *name;
        const char *summary;
        const char *usage; /* full usage text, ends with a newline */
        int (*run)(const struct cli_command *self, int argc, char **argv);
};

extern const struct cli_command cli_commands[];

#define CLI_OK    0
#define CLI_FAIL  1
#define CLI_USAGE 2

/* Prints "pcrm CMD: message" and the usage to stderr; returns CLI_USAGE. */
int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints "pcrm: message" to stderr; returns CLI_FAIL. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* DIR/pcrm.db and DIR/pcrm.key. Returns 0, or -1 if the path does not fit. */
int cli_data_path(const char *dir, const char *file, char *out, size_t outlen);
/* The --data value or $PCRM_DATA; NULL if neither. */
const char *cli_data_dir(const char *flag);
/*
 * Opens an initialised data directory: loads the key file, opens the database and
 * applies pending migrations. Returns 0 with *db (caller closes), or CLI_FAIL after
 * printing why.
 */
int cli_open_data(const char *dir, struct store_db **db);
/* The operator as an audit actor, scoped to tenant_id (0 for none). */
void cli_actor(struct actor *a, int64_t tenant_id, const char *tenant_code);

/* Subcommands (one file each). */
int cli_init(const struct cli_command *self, int argc, char **argv);
int cli_serve(const struct cli_command *self, int argc, char **argv);
int cli_tenant(const struct cli_command *self, int argc, char **argv);
int cli_user(const struct cli_command *self, int argc, char **argv);
int cli_apikey(const struct cli_command *self, int argc, char **argv);
int cli_audit(const struct cli_command *self, int argc, char **argv);
int cli_gen(const struct cli_command *self, int argc, char **argv);
int cli_gen_complaints(const struct cli_command *self, int argc, char **argv);
int cli_import(const struct cli_command *self, int argc, char **argv);
int cli_export(const struct cli_command *self, int argc, char **argv);
int cli_report(const struct cli_command *self, int argc, char **argv);
int cli_deadline(const struct cli_command *self, int argc, char **argv);
int cli_route(const struct cli_command *self, int argc, char **argv);
int cli_notify(const struct cli_command *self, int argc, char **argv);
int cli_version(const struct cli_command *self, int argc, char **argv);
int cli_help(const struct cli_command *self, int argc, char **argv);
/* The list of commands, for help and usage errors. */
void cli_overview(FILE *out);

/* The tenant named by --tenant, or the only tenant when there is exactly one. Returns
 * CLI_OK, or CLI_FAIL / CLI_USAGE after printing why. */
struct tenant;
int cli_pick_tenant(struct store_db *db, const char *code, struct tenant *out);

/* Seeds the demo city (tenant "busan" with departments and staff). Returns 0 or -1. */
int demo_seed(struct store_db *db);

#endif
