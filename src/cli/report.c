/* pcrm report data-quality: the report's Tables 4-1/4-2 for the imported source records. */
#include "cli/cli.h"

#include "auth/tenant.h"
#include "customer/quality.h"

#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_text(const struct quality_report *r, const char *tenant, const char *source)
{
        printf("데이터 품질 보고서 — %s%s%s (원천 기록 %" PRId64 "건)\n\n", tenant,
               source ? ", 출처 " : "", source ? source : "", r->total);
        printf("%-14s %10s %10s %9s %10s %10s %9s\n", "항목", "정상입력", "Null", "충실도",
               "원본정확", "클린징", "정확도");
        for (int i = 0; i < QUALITY_FIELDS; i++) {
                const struct quality_field *q = &r->fields[i];
                printf("%-14s %10" PRId64 " %10" PRId64 " %8.2f%% %10" PRId64 " %10" PRId64
                       " %8.2f%%\n",
                       q->label, q->filled, q->null, q->fill_rate, q->valid_original, q->cleansed,
                       q->accuracy);
        }
        printf("\n충실도 = 정상입력 / 전체, 정확도 = (원본정확 + 클린징) / 전체\n");
}

int cli_report(const struct cli_command *self, int argc, char **argv)
{
        static const struct option opts[] = {
            {"data", required_argument, 0, 'd'},   {"tenant", required_argument, 0, 't'},
            {"source", required_argument, 0, 's'}, {"format", required_argument, 0, 'f'},
            {"help", no_argument, 0, 'h'},         {0, 0, 0, 0},
        };
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
                fputs(self->usage, stdout);
                return CLI_OK;
        }
        if (argc < 2 || strcmp(argv[1], "data-quality"))
                return cli_usage_error(self, "expected 'data-quality'");
        const char *data = NULL, *tcode = NULL, *source = NULL, *format = "text";
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
                case 's':
                        source = optarg;
                        break;
                case 'f':
                        format = optarg;
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
        if (strcmp(format, "text") && strcmp(format, "json"))
                return cli_usage_error(self, "--format must be text or json");
        data = cli_data_dir(data);
        if (!data)
                return cli_usage_error(self, "--data DIR is required");
        struct store_db *db;
        struct tenant t;
        struct quality_report r;
        if (cli_open_data(data, &db) != CLI_OK)
                return CLI_FAIL;
        int rc = CLI_FAIL;
        if (cli_pick_tenant(db, tcode, &t) != CLI_OK)
                goto out;
        if (quality_report(db, t.id, source, &r) < 0) {
                cli_fail("cannot compute the report");
                goto out;
        }
        if (!strcmp(format, "json")) {
                json_t *j = quality_json(&r);
                char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(6)) : NULL;
                if (text)
                        printf("%s\n", text);
                free(text);
                json_decref(j);
        } else {
                print_text(&r, t.name, source);
        }
        rc = CLI_OK;
out:
        store_close(db);
        return rc;
}
