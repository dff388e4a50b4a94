/*
 * pcrm route: trains the complaint router of a tenant and measures it.
 *
 *   pcrm route train --data DIR [--tenant CODE] [FILE.csv]
 *   pcrm route eval --data DIR [--tenant CODE] FILE.csv
 *
 * train learns from FILE.csv (columns text,label), or without one from the shipped
 * examples and officers' final assignments, and stores the model in the database, where
 * the server reads it. eval classifies every row of FILE.csv with the stored model and
 * prints {"n":..,"top1":..,"top3":..}, the accuracies as fractions.
 */
#include "cli/cli.h"

#include "auth/audit.h"
#include "auth/tenant.h"
#include "complaint/route.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ROUTE_FILE_MAX (256 * 1024 * 1024)

/* Reads a whole regular file into a malloc'd, NUL-terminated buffer. Returns 0 or -1. */
static int slurp(const char *path, char **data, size_t *len)
{
        FILE *f = fopen(path, "rb");
        struct stat st;
        *data = NULL;
        if (!f)
                return -1;
        if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > ROUTE_FILE_MAX) {
                fclose(f);
                errno = EINVAL;
                return -1;
        }
        *data = malloc((size_t)st.st_size + 1);
        if (!*data) {
                fclose(f);
                return -1;
        }
        *len = fread(*data, 1, (size_t)st.st_size, f);
        (*data)[*len] = '\0';
        int bad = ferror(f);
        fclose(f);
        if (bad) {
                free(*data);
                *data = NULL;
                return -1;
        }
        return 0;
}

/* The examples of FILE.csv: one block (route_parse_csv) the caller frees. */
static struct route_example *read_examples(const char *path, size_t *n)
{
        char *text;
        size_t len;
        char err[200];
        if (slurp(path, &text, &len) < 0) {
                cli_fail("cannot read %s: %s", path, strerror(errno));
                return NULL;
        }
        struct route_example *ex = route_parse_csv(text, len, n, err, sizeof(err));
        free(text);
        if (!ex)
                cli_fail("%s: %s", path, err);
        else if (!*n) {
                cli_fail("%s: no examples", path);
                free(ex);
                ex = NULL;
        }
        return ex;
}

/*
 * The examples train learns from without a file: the shipped ones, then the officers'
 * final assignments. Returns a malloc'd array (caller frees it and *assigned), or NULL.
 */
static struct route_example *default_examples(struct store_db *db, int64_t tenant_id, size_t *n,
                                              struct route_example **assigned)
{
        size_t ns, na;
        struct route_example *shipped = route_shipped_examples(&ns);
        struct route_example *all = NULL;
        *n = 0;
        *assigned = NULL;
        if (!shipped) {
                cli_fail("cannot read the shipped examples");
                return NULL;
        }
        if (route_assigned_examples(db, tenant_id, assigned, &na) < 0) {
                cli_fail("cannot read the officers' assignments");
                goto out;
        }
        all = malloc((ns + na) * sizeof(*all));
        if (!all) {
                cli_fail("out of memory");
                goto out;
        }
        memcpy(all, shipped, ns * sizeof(*all));
        if (na)
                memcpy(all + ns, *assigned, na * sizeof(*all));
        *n = ns + na;
out:
        free(shipped);
        if (!all) {
                free(*assigned);
                *assigned = NULL;
        }
        return all;
}

static void audit_train(struct store_db *db, const struct tenant *t,
                        const struct route_model_info *info, const char *file)
{
        struct actor who;
        cli_actor(&who, t->id, t->code);
        json_t *d = json_pack("{s:I, s:I, s:I, s:s}", "examples", (json_int_t)info->examples,
                              "labels", (json_int_t)info->labels, "grams", (json_int_t)info->grams,
                              "source", file ? file : "shipped");
        char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
        struct audit_event ev = {"route.train", "routing_model", t->code, NULL, detail};
        if (audit_record(db, &who, &ev) < 0)
                fprintf(stderr, "pcrm: warning: the training was not audited: %s\n",
                        store_errmsg(db));
        free(detail);
        json_decref(d);
}

static int train(struct store_db *db, const struct tenant *t, const char *file)
{
        struct route_example *ex, *assigned = NULL;
        size_t n;
        if (file)
                ex = read_examples(file, &n);
        else
                ex = default_examples(db, t->id, &n, &assigned);
        if (!ex)
                return CLI_FAIL;
        int rc = CLI_FAIL;
        struct route_model *m = route_train(ex, n);
        struct route_model_info info;
        if (!m) {
                cli_fail("cannot train the routing model (out of memory or no usable label)");
                goto out;
        }
        if (route_model_save(db, t->id, m) < 0) {
                cli_fail("cannot save the routing model: %s", store_errmsg(db));
                goto out;
        }
        route_model_info(m, &info);
        audit_train(db, t, &info, file);
        printf("routing model of %s: %zu examples, %zu labels, %zu n-grams\n", t->code,
               info.examples, info.labels, info.grams);
        if (info.examples < n)
                printf("skipped %zu examples with an unusable label\n", n - info.examples);
        rc = CLI_OK;
out:
        route_model_free(m);
        free(ex);
        free(assigned);
        return rc;
}

static int eval(struct store_db *db, const struct tenant *t, const char *file)
{
        size_t n;
        struct route_example *ex = read_examples(file, &n);
        if (!ex)
                return CLI_FAIL;
        int rc = CLI_FAIL;
        struct route_model *m = route_model_load(db, t->id);
        if (!m) {
                cli_fail("no routing model for %s; run pcrm route train first", t->code);
                goto out;
        }
        struct route_accuracy acc;
        route_evaluate(m, ex, n, &acc);
        double d = acc.n ? (double)acc.n : 1;
        json_t *j = json_pack("{s:I, s:f, s:f}", "n", (json_int_t)acc.n, "top1", acc.top1 / d,
                              "top3", acc.top3 / d);
        char *text = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(4)) : NULL;
        if (text) {
                printf("%s\n", text);
                rc = CLI_OK;
        } else {
                cli_fail("out of memory");
        }
        free(text);
        json_decref(j);
out:
        route_model_free(m);
        free(ex);
        return rc;
}

int cli_route(const struct cli_command *self, int argc, char **argv)
{
        static const struct option opts[] = {
            {"data", required_argument, 0, 'd'},
            {"tenant", required_argument, 0, 't'},
            {"help", no_argument, 0, 'h'},
            {0, 0, 0, 0},
        };
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
                fputs(self->usage, stdout);
                return CLI_OK;
        }
        if (argc < 2 || (strcmp(argv[1], "train") && strcmp(argv[1], "eval")))
                return cli_usage_error(self, "expected 'train' or 'eval'");
        bool is_train = !strcmp(argv[1], "train");
        const char *data = NULL, *tcode = NULL;
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
                case 'h':
                        fputs(self->usage, stdout);
                        return CLI_OK;
                default:
                        return cli_usage_error(self, "unknown option");
                }
        }
        const char *file = optind < argc ? argv[optind] : NULL;
        if (optind + 1 < argc)
                return cli_usage_error(self, "unexpected argument '%s'", argv[optind + 1]);
        if (!is_train && !file)
                return cli_usage_error(self, "eval needs FILE.csv");
        data = cli_data_dir(data);
        if (!data)
                return cli_usage_error(self, "--data DIR is required");
        struct store_db *db;
        struct tenant t;
        if (cli_open_data(data, &db) != CLI_OK)
                return CLI_FAIL;
        int rc = cli_pick_tenant(db, tcode, &t);
        if (rc == CLI_OK)
                rc = is_train ? train(db, &t, file) : eval(db, &t, file);
        store_close(db);
        return rc;
}
