/* pcrm version and pcrm help. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

int cli_version(const struct cli_command *self, int argc, char **argv)
{
        (void)self;
        (void)argc;
        (void)argv;
        printf("pcrm %s\n", PCRM_VERSION);
        return CLI_OK;
}

void cli_overview(FILE *out)
{
        fprintf(out,
                "usage: pcrm COMMAND [OPTIONS]\n\n"
                "pcrm — 지방자치단체 공공고객관계관리 (Public CRM for Korean local governments)\n\n"
                "commands:\n");
        for (const struct cli_command *c = cli_commands; c->name; c++)
                fprintf(out, "  %-10s %s\n", c->name, c->summary);
        fprintf(out, "\nRun 'pcrm help COMMAND' or 'pcrm COMMAND --help' for its options.\n"
                     "Settings may also come from PCRM_* environment variables"
                     " (see docs/OPERATIONS.md).\n");
}

int cli_help(const struct cli_command *self, int argc, char **argv)
{
        (void)self;
        if (argc < 2) {
                cli_overview(stdout);
                return CLI_OK;
        }
        for (const struct cli_command *c = cli_commands; c->name; c++)
                if (!strcmp(c->name, argv[1])) {
                        fputs(c->usage, stdout);
                        return CLI_OK;
                }
        fprintf(stderr, "pcrm help: unknown command '%s'\n\n", argv[1]);
        cli_overview(stderr);
        return CLI_USAGE;
}
