/* pcrm audit verify: walks the audit log's hash chain. */
#include "cli/cli.h"

#include "auth/audit.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int cli_audit(const struct cli_command *self, int argc, char **argv)
{
        static const struct option opts[] = {
            {"data", required_argument, 0, 'd'},
            {"help", no_argument, 0, 'h'},
            {0, 0, 0, 0},
        };
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
                fputs(self->usage, stdout);
                return CLI_OK;
        }
        if (argc < 2 || strcmp(argv[1], "verify"))
                return cli_usage_error(self, "expected 'verify'");
        const char *data = NULL;
        int c;
        argc--, argv++;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (c) {
                case 'd':
                        data = optarg;
                        break;
                case 'h':
                        fputs(self->usage, stdout);
                        return CLI_OK;
                default:
                        return cli_usage_error(self, "unknown option");
                }
        }
        if (optind < argc)
                return cli_usage_error(self, "unexpected argument '%s'", argv[optind]);
        data = cli_data_dir(data);
        if (!data)
                return cli_usage_error(self, "--data DIR is required");
        struct store_db *db;
        if (cli_open_data(data, &db) != CLI_OK)
                return CLI_FAIL;
        struct audit_verify_result res;
        int rc = audit_verify(db, &res);
        store_close(db);
        if (rc < 0)
                return cli_fail("cannot read the audit log");
        if (rc > 0) {
                printf("audit log BROKEN at row %" PRId64 ": %s (%" PRId64
                       " rows before it are intact)\n",
                       res.bad_id, res.reason, res.rows);
                return CLI_FAIL;
        }
        printf("audit log intact: %" PRId64 " rows verified\n", res.rows);
        return CLI_OK;
}
