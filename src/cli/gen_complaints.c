/* pcrm gen complaints: a year of demo complaints for the residents of a data directory. */
#include "cli/cli.h"

#include "auth/tenant.h"
#include "base/config.h"
#include "base/time.h"
#include "complaint/demo.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cli_gen_complaints(const struct cli_command *self, int argc, char **argv)
{
        static const struct option opts[] = {
            {"data", required_argument, 0, 'd'}, {"count", required_argument, 0, 'n'},
            {"seed", required_argument, 0, 's'}, {"tenant", required_argument, 0, 't'},
            {"help", no_argument, 0, 'h'},       {0, 0, 0, 0},
        };
        const char *data = NULL, *tcode = NULL;
        long count = 1500, seed = 1;
        int c;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (c) {
                case 'd':
                        data = optarg;
                        break;
                case 't':
                        tcode = optarg;
                        break;
                case 'n':
                        if (config_parse_long(optarg, 1, 100000, &count) < 0)
                                return cli_usage_error(self, "--count must be 1 to 100000");
                        break;
                case 's':
                        if (config_parse_long(optarg, 0, 1L << 40, &seed) < 0)
                                return cli_usage_error(self, "--seed must be a whole number");
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
        struct tenant t;
        if (cli_open_data(data, &db) != CLI_OK)
                return CLI_FAIL;
        int rc = CLI_FAIL;
        if (cli_pick_tenant(db, tcode, &t) == CLI_OK) {
                int n = complaint_demo_year(db, t.id, (int)count, (uint64_t)seed, time_now_ms());
                if (n < 0)
                        cli_fail("cannot create demo complaints (import residents first)");
                else {
                        printf("pcrm: %d complaints filed over the past year for %s\n", n, t.name);
                        rc = CLI_OK;
                }
        }
        store_close(db);
        return rc;
}
