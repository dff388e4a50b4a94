/* pcrm report data-quality: the report's Tables 4-1/4-2 for the imported source records. */
#include "cli/cli.h"

#include "auth/tenant.h"
#include "base/time.h"
#include "complaint/report.h"
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

/* The complaint reports print as JSON (their text form is a table of the same numbers). */
static void print_json(json_t *j)
{
        char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(6)) : NULL;
        if (text)
                printf("%s\n", text);
        free(text);
}

/* Prints the rows of a complaint report as aligned text, columns named by keys. */
static void print_rows(json_t *rows, const char *const *keys, const char *const *heads)
{
        size_t n = 0;
        while (keys[n])
                n++;
        for (size_t k = 0; k < n; k++)
                cell(heads[k], k ? 12 : 24, k ? 1 : 0);
        putchar('\n');
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row)
        {
                for (size_t k = 0; k < n; k++) {
                        json_t *v = json_object_get(row, keys[k]);
                        char buf[160];
                        if (json_is_string(v))
                                snprintf(buf, sizeof(buf), "%s", json_string_value(v));
                        else if (json_is_integer(v))
                                snprintf(buf, sizeof(buf), "%lld",
                                         (long long)json_integer_value(v));
                        else if (json_is_real(v))
                                snprintf(buf, sizeof(buf), "%.2f", json_real_value(v));
                        else
                                snprintf(buf, sizeof(buf), "-");
                        cell(buf, k ? 12 : 24, k ? 1 : 0);
                }
                putchar('\n');
        }
}

static int complaint_report(struct store_db *db, const struct tenant *t, const char *which,
                            const char *by, const char *format)
{
        json_t *j = !strcmp(which, "complaints-vs-customers")
                        ? report_complaints_vs_customers(db, t->id)
                    : !strcmp(which, "processing-time") ? report_processing_time(db, t->id, by)
                                                        : report_backlog(db, t->id, time_now_ms());
        if (!j)
                return cli_fail("cannot compute the report");
        if (!strcmp(format, "json")) {
                print_json(j);
        } else if (!strcmp(which, "complaints-vs-customers")) {
                printf("민원 접수건수와 고객수 — %s (표 3-1)\n\n", t->name);
                static const char *const heads[] = {"연도", "서식 건수", "서식 고객", "상담 건수",
                                                    "상담 고객"};
                for (size_t k = 0; k < 5; k++)
                        cell(heads[k], k ? 12 : 6, 1);
                putchar('\n');
                size_t i;
                json_t *y;
                json_array_foreach(json_object_get(j, "years"), i, y)
                {
                        json_t *f = json_object_get(y, "form"),
                               *c = json_object_get(y, "consultation");
                        printf("%6lld%12lld%12lld%12lld%12lld\n",
                               (long long)json_integer_value(json_object_get(y, "year")),
                               (long long)json_integer_value(json_object_get(f, "complaints")),
                               (long long)json_integer_value(json_object_get(f, "customers")),
                               (long long)json_integer_value(json_object_get(c, "complaints")),
                               (long long)json_integer_value(json_object_get(c, "customers")));
                }
        } else if (!strcmp(which, "processing-time")) {
                static const char *const keys[] = {
                    "name",         "count",       "mean_days", "statutory_days",
                    "on_time_rate", "overdue_now", NULL};
                static const char *const heads[] = {"유형/부서",  "건수",      "평균처리일",
                                                    "법정처리일", "기한내(%)", "현재지연"};
                printf("처리기간 — %s (표 3-6/3-7)\n\n", t->name);
                print_rows(json_object_get(j, "rows"), keys, heads);
        } else {
                static const char *const keys[] = {
                    "department_name",     "officer", "open", "due_today", "overdue",
                    "awaiting_supplement", NULL};
                static const char *const heads[] = {"부서",     "담당자", "처리중",
                                                    "오늘마감", "지연",   "보완대기"};
                printf("미처리 현황 — %s\n\n", t->name);
                print_rows(json_object_get(j, "rows"), keys, heads);
        }
        json_decref(j);
        return CLI_OK;
}

int cli_report(const struct cli_command *self, int argc, char **argv)
{
        static const struct option opts[] = {
            {"data", required_argument, 0, 'd'},
            {"tenant", required_argument, 0, 't'},
            {"source", required_argument, 0, 's'},
            {"format", required_argument, 0, 'f'},
            {"by", required_argument, 0, 'b'},
            {"help", no_argument, 0, 'h'},
            {0, 0, 0, 0},
        };
        static const char *const reports[] = {"data-quality", "complaints-vs-customers",
                                              "processing-time", "backlog", NULL};
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
                fputs(self->usage, stdout);
                return CLI_OK;
        }
        const char *which = NULL;
        for (int i = 0; argc >= 2 && reports[i]; i++)
                if (!strcmp(argv[1], reports[i]))
                        which = reports[i];
        if (!which)
                return cli_usage_error(self, "expected data-quality, complaints-vs-customers,"
                                             " processing-time or backlog");
        const char *data = NULL, *tcode = NULL, *source = NULL, *format = "text", *by = "type";
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
                case 'b':
                        by = optarg;
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
        if (strcmp(by, "type") && strcmp(by, "department"))
                return cli_usage_error(self, "--by must be type or department");
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
        if (strcmp(which, "data-quality")) {
                rc = complaint_report(db, &t, which, by, format);
                goto out;
        }
        if (quality_report(db, t.id, source, &r) < 0) {
                cli_fail("cannot compute the report");
                goto out;
        }
        if (!strcmp(format, "json")) {
                json_t *j = quality_json(&r);
                print_json(j);
                json_decref(j);
        } else {
                print_text(&r, t.name, source);
        }
        rc = CLI_OK;
out:
        store_close(db);
        return rc;
}
