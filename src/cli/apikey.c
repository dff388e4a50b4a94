/* pcrm apikey add: creates an API key and prints it, alone, on stdout (shown once). */
#include "cli/cli.h"

#include "auth/apikey.h"
#include "auth/tenant.h"

#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

int cli_apikey(const struct cli_command *self, int argc, char **argv)
{
        static const struct option opts[] = {
            {"data", required_argument, 0, 'd'}, {"tenant", required_argument, 0, 't'},
            {"role", required_argument, 0, 'r'}, {"name", required_argument, 0, 'n'},
            {"help", no_argument, 0, 'h'},       {0, 0, 0, 0},
        };
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
                fputs(self->usage, stdout);
                return CLI_OK;
        }
        if (argc < 2 || strcmp(argv[1], "add"))
                return cli_usage_error(self, "expected 'add'");
        const char *data = NULL, *tcode = NULL, *role = NULL, *name = NULL;
        int c;
        argc--, argv++;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (c) {
                case 'd':
                        data = optarg;
                        break;
                case 't':
                        tcode = optarg;
                        break;
                case 'r':
                        role = optarg;
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
        if (!data || !tcode || !role || !name)
                return cli_usage_error(self, "--data, --tenant, --role and --name are required");
        if (role_parse(role) == ROLE_NONE)
                return cli_usage_error(self, "unknown role '%s'", role);
        struct store_db *db;
        if (cli_open_data(data, &db) != CLI_OK)
                return CLI_FAIL;
        struct tenant t;
        struct actor who;
        struct pcrm_error e;
        char key[APIKEY_CHARS + 1];
        int64_t id;
        int rc = CLI_FAIL;
        if (tenant_find(db, tcode, &t) != PCRM_OK) {
                cli_fail("no tenant %s", tcode);
                goto out;
        }
        cli_actor(&who, t.id, t.code);
        if (apikey_create(db, &who, name, role_parse(role), key, sizeof(key), &id, &e) != PCRM_OK) {
                cli_fail("cannot create key: %s", e.message);
                goto out;
        }
        printf("%s\n", key);
        sodium_memzero(key, sizeof(key));
        rc = CLI_OK;
out:
        store_close(db);
        return rc;
}
