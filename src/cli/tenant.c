/* pcrm tenant add: adds a municipality to the installation. */
#include "cli/cli.h"

#include "auth/tenant.h"
#include "complaint/complaint.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int cli_tenant(const struct cli_command *self, int argc, char **argv)
{
        static const struct option opts[] = {
            {"data", required_argument, 0, 'd'},
            {"code", required_argument, 0, 'c'},
            {"name", required_argument, 0, 'n'},
            {"help", no_argument, 0, 'h'},
            {0, 0, 0, 0},
        };
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
                fputs(self->usage, stdout);
                return CLI_OK;
        }
        if (argc < 2 || strcmp(argv[1], "add"))
                return cli_usage_error(self, "expected 'add'");
        const char *data = NULL, *code = NULL, *name = NULL;
        int c;
        argc--, argv++;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (c) {
                case 'd':
                        data = optarg;
                        break;
                case 'c':
                        code = optarg;
                        break;
                case 'n':
                        name = optarg;
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
        if (!data || !code || !name)
                return cli_usage_error(self, "--data, --code and --name are required");
        struct store_db *db;
        if (cli_open_data(data, &db) != CLI_OK)
                return CLI_FAIL;
        struct actor who;
        struct tenant t;
        struct pcrm_error e;
        cli_actor(&who, 0, NULL);
        int rc = tenant_add(db, &who, code, name, &t, &e);
        if (rc == PCRM_OK && complaint_types_seed(db, t.id) < 0) {
                store_close(db);
                return cli_fail("tenant %s added, but its complaint types could not be", code);
        }
        store_close(db);
        if (rc != PCRM_OK)
                return cli_fail("cannot add tenant %s: %s", code, e.message);
        printf("tenant %s (%s) added with id %" PRId64 "\n", t.code, t.name, t.id);
        return CLI_OK;
}
