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

/* Terminal columns of UTF-8 text: Hangul and other wide characters take two. */
static int display_width(const char *s)
{
        int w = 0;
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if ((*p & 0xC0) == 0x80)
                        continue;
                w += *p >= 0xE1 ? 2 : 1; /* U+1100 and up: Hangul, CJK, full-width */
        }
        return w;
}

/* Prints s padded to width columns, right-aligned when right is set. */
static void cell(const char *s, int width, int right)
{
        int pad = width - display_width(s);
        if (right)
                printf("%*s%s", pad > 0 ? pad : 0, "", s);
        else
                printf("%s%*s", s, pad > 0 ? pad : 0, "");
}

static void print_text(const struct quality_report *r, const char *tenant, const char *source)
{
        static const char *const heads[] = {"정상입력", "Null",   "충실도",
                                            "원본정확", "클린징", "정확도"};
        char num[32];
        printf("데이터 품질 보고서 — %s%s%s (원천 기록 %" PRId64 "건)\n\n", tenant,
               source ? ", 출처 " : "", source ? source : "", r->total);
        cell("항목", 14, 0);
        for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
                cell(heads[i], 11, 1);
        putchar('\n');
        for (int i = 0; i < QUALITY_FIELDS; i++) {
                const struct quality_field *q = &r->fields[i];
                cell(q->label, 14, 0);
                snprintf(num, sizeof(num), "%" PRId64, q->filled);
                cell(num, 11, 1);
                snprintf(num, sizeof(num), "%" PRId64, q->null);
                cell(num, 11, 1);
                snprintf(num, sizeof(num), "%.2f%%", q->fill_rate);
                cell(num, 11, 1);
                snprintf(num, sizeof(num), "%" PRId64, q->valid_original);
                cell(num, 11, 1);
                snprintf(num, sizeof(num), "%" PRId64, q->cleansed);
                cell(num, 11, 1);
                snprintf(num, sizeof(num), "%.2f%%", q->accuracy);
                cell(num, 11, 1);
                putchar('\n');
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
