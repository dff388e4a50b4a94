/*
 * pcrm import records and pcrm export records: source records in and out as CSV. A file
 * whose header has a title column also brings complaints with their history
 * (complaint/import.h); the others go through the customer importer alone.
 */
#include "cli/cli.h"

#include "auth/tenant.h"
#include "base/csv.h"
#include "complaint/import.h"
#include "customer/import.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads a whole file into a malloc'd buffer. Returns 0 or -1 (errno set). */
static int slurp(const char *path, char **data, size_t *len)
{
        FILE *f = fopen(path, "rb");
        if (!f)
                return -1;
        struct stat st;
        if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
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
                return -1;
        }
        return 0;
}

static int parse_common(const struct cli_command *self, int argc, char **argv, const char **data,
                        const char **tenant, const char **source, const char **rejects)
{
        static const struct option opts[] = {
            {"data", required_argument, 0, 'd'},   {"tenant", required_argument, 0, 't'},
            {"source", required_argument, 0, 's'}, {"rejects", required_argument, 0, 'r'},
            {"help", no_argument, 0, 'h'},         {0, 0, 0, 0},
        };
        int c;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (c) {
                case 'd':
                        *data = optarg;
                        break;
                case 't':
                        *tenant = optarg;
                        break;
                case 's':
                        *source = optarg;
                        break;
                case 'r':
                        if (!rejects)
                                return cli_usage_error(self, "--rejects is only for import");
                        *rejects = optarg;
                        break;
                case 'h':
                        fputs(self->usage, stdout);
                        return -1;
                default:
                        return cli_usage_error(self, "unknown option");
                }
        }
        *data = cli_data_dir(*data);
        if (!*data)
                return cli_usage_error(self, "--data DIR is required");
        return CLI_OK;
}

static int print_import(const struct complaint_import_stats *cs, const char *rejects_path)
{
        const struct import_stats *s = &cs->records;
        printf("rows read        %" PRId64 "\n", s->read);
        printf("imported         %" PRId64 "\n", s->imported);
        printf("unchanged        %" PRId64 " (taken in before)\n", s->duplicates);
        printf("rejected         %" PRId64 "%s%s\n", s->rejected, s->rejected ? " → " : "",
               s->rejected ? rejects_path : "");
        printf("customers new    %" PRId64 "\n", s->created);
        printf("matched          %" PRId64 " (linked to an existing customer)\n", s->linked);
        printf("to review        %" PRId64 " (pairs in the duplicate review queue)\n", s->reviews);
        printf("households       %" PRId64 "\n", s->households);
        if (cs->complaints_columns) {
                printf("complaints       %" PRId64 " (created)\n", cs->complaints);
                printf("complaints kept  %" PRId64 " (imported before: unchanged)\n",
                       cs->unchanged);
                printf("overdue          %" PRId64 " (created open and past due)\n", cs->overdue);
        }
        return CLI_OK;
}

/* Whether the header row names a title column: then the rows carry complaints. */
static bool header_has_title(const char *data, size_t len)
{
        struct csv_reader r;
        csv_init(&r, data, len);
        bool found = false;
        if (csv_next(&r) == 1)
                for (size_t i = 0; i < r.nfields && !found; i++)
                        found = !strcmp(csv_field(&r, i), "title");
        csv_release(&r);
        return found;
}

int cli_import(const struct cli_command *self, int argc, char **argv)
{
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
                fputs(self->usage, stdout);
                return CLI_OK;
        }
        if (argc < 2 || strcmp(argv[1], "records"))
                return cli_usage_error(self, "expected 'records'");
        const char *data = NULL, *tcode = NULL, *source = NULL, *rejects_path = NULL;
        argc--, argv++;
        int rc = parse_common(self, argc, argv, &data, &tcode, &source, &rejects_path);
        if (rc)
                return rc < 0 ? CLI_OK : rc;
        if (!source)
                return cli_usage_error(self, "--source NAME is required");
        if (optind + 1 != argc)
                return cli_usage_error(self, "expected one FILE.csv");
        const char *file = argv[optind];
        char rejects_default[1100];
        if (!rejects_path) {
                snprintf(rejects_default, sizeof(rejects_default), "%s.rejects.csv", file);
                rejects_path = rejects_default;
        }

        char *text;
        size_t len;
        if (slurp(file, &text, &len) < 0)
                return cli_fail("cannot read %s: %s", file, strerror(errno));
        struct store_db *db;
        struct tenant t;
        if (cli_open_data(data, &db) != CLI_OK) {
                free(text);
                return CLI_FAIL;
        }
        rc = CLI_FAIL;
        char tmp[1200];
        FILE *rejects = NULL;
        if (cli_pick_tenant(db, tcode, &t) != CLI_OK)
                goto out;
        snprintf(tmp, sizeof(tmp), "%s.tmp", rejects_path);
        rejects = fopen(tmp, "w");
        if (!rejects) {
                cli_fail("cannot write %s: %s", tmp, strerror(errno));
                goto out;
        }
        struct actor who;
        struct complaint_import_stats stats;
        struct pcrm_error e;
        memset(&stats, 0, sizeof(stats));
        cli_actor(&who, t.id, t.code);
        int irc = header_has_title(text, len)
                      ? complaint_import_records(db, &who, source, text, len, rejects, &stats, &e)
                      : import_records(db, &who, source, text, len, rejects, &stats.records, &e);
        if (irc != PCRM_OK) {
                fclose(rejects);
                unlink(tmp);
                rejects = NULL;
                cli_fail("%s: nothing imported: %s", file, e.message);
                goto out;
        }
        if (fclose(rejects) != 0 ||
            (stats.records.rejected ? rename(tmp, rejects_path) : unlink(tmp)) != 0) {
                rejects = NULL;
                cli_fail("cannot write %s", rejects_path);
                goto out;
        }
        rejects = NULL;
        rc = print_import(&stats, rejects_path);
out:
        if (rejects)
                fclose(rejects);
        store_close(db);
        free(text);
        return rc;
}

int cli_export(const struct cli_command *self, int argc, char **argv)
{
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
                fputs(self->usage, stdout);
                return CLI_OK;
        }
        if (argc < 2 || strcmp(argv[1], "records"))
                return cli_usage_error(self, "expected 'records'");
        const char *data = NULL, *tcode = NULL, *source = NULL;
        argc--, argv++;
        int rc = parse_common(self, argc, argv, &data, &tcode, &source, NULL);
        if (rc)
                return rc < 0 ? CLI_OK : rc;
        if (optind < argc)
                return cli_usage_error(self, "unexpected argument '%s'", argv[optind]);
        struct store_db *db;
        struct tenant t;
        if (cli_open_data(data, &db) != CLI_OK)
                return CLI_FAIL;
        rc = CLI_FAIL;
        if (cli_pick_tenant(db, tcode, &t) == CLI_OK) {
                if (export_records(db, t.id, source, stdout) < 0 || fflush(stdout) != 0)
                        cli_fail("export failed");
                else
                        rc = CLI_OK;
        }
        store_close(db);
        return rc;
}
