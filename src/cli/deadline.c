/*
 * pcrm deadline: prints the statutory due time of a complaint received at --received
 * with the processing period --period, e.g.
 *
 *   pcrm deadline --received 2026-09-23T10:00+09:00 --period 7d
 *   2026-10-06T18:00:00+09:00
 *
 * Without --data the shipped calendar (data/holidays-kr.csv) is used; with it, the
 * holidays as edited in that data directory. $PCRM_DATA is deliberately not consulted:
 * the answer should not change with the environment unless asked to.
 */
#include "cli/cli.h"

#include "base/time.h"
#include "complaint/deadline.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int cli_deadline(const struct cli_command *self, int argc, char **argv)
{
        static const struct option opts[] = {
            {"received", required_argument, 0, 'r'},
            {"period", required_argument, 0, 'p'},
            {"data", required_argument, 0, 'd'},
            {"help", no_argument, 0, 'h'},
            {0, 0, 0, 0},
        };
        const char *received = NULL, *period = NULL, *data = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (c) {
                case 'r':
                        received = optarg;
                        break;
                case 'p':
                        period = optarg;
                        break;
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
        if (!received)
                return cli_usage_error(self, "--received TIME is required");
        if (!period)
                return cli_usage_error(self, "--period PERIOD is required");
        int64_t at;
        struct period p;
        if (time_parse_iso(received, &at) < 0)
                return cli_usage_error(self,
                                       "--received '%s' is not an ISO-8601 time"
                                       " (e.g. 2026-09-23T10:00+09:00)",
                                       received);
        if (period_parse(period, &p) < 0)
                return cli_usage_error(self,
                                       "--period '%s' is not a period"
                                       " (즉시, 3h, 5d, 14d, 2w, 1m or 1y)",
                                       period);
        if (data && !*data)
                return cli_usage_error(self, "--data needs a directory");

        struct store_db *db = NULL;
        struct deadline_calendar *cal = NULL;
        int rc = CLI_FAIL;
        if (data) {
                if (cli_open_data(data, &db) != CLI_OK)
                        return CLI_FAIL;
                cal = deadline_calendar_load(db);
                if (!cal) {
                        cli_fail("cannot read the holidays in %s: %s", data, store_errmsg(db));
                        goto out;
                }
        } else {
                cal = deadline_calendar_shipped();
                if (!cal) {
                        cli_fail("out of memory reading the holidays");
                        goto out;
                }
        }
        struct work_hours wh = WORK_HOURS_DEFAULT;
        char text[32];
        if (time_format_kst(deadline_due(cal, &wh, at, &p), text, sizeof(text)) < 0) {
                cli_fail("cannot format the due time");
                goto out;
        }
        printf("%s\n", text);
        rc = fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
out:
        deadline_calendar_free(cal);
        store_close(db);
        return rc;
}
