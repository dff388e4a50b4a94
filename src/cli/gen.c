/*
 * pcrm gen residents: synthetic residents of 부산광역시 and noisy source records about
 * them, for tests, demos and the matching benchmarks. The generator is customer/gen.h;
 * this file reads the options, picks the paths and reports. It never opens the database:
 * DIR is only where the files go by default.
 */
#include "cli/cli.h"

#include "customer/gen.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define DEFAULT_PEOPLE 1000
#define DEFAULT_SEED   1
#define DEFAULT_OUT    "generated/residents.csv"
#define TRUTH_SUFFIX   ".truth.csv"

/* Creates the directories leading to file path (like mkdir -p on its dirname). */
static int make_parent_dirs(const char *file)
{
        char path[4096];
        if (snprintf(path, sizeof(path), "%s", file) >= (int)sizeof(path))
                return -1;
        char *slash = strrchr(path, '/');
        if (!slash || slash == path)
                return 0;
        *slash = '\0';
        for (char *p = path + 1;; p++) {
                if (*p != '/' && *p != '\0')
                        continue;
                char c = *p;
                *p = '\0';
                if (mkdir(path, 0700) < 0 && errno != EEXIST)
                        return -1;
                if (c == '\0')
                        return 0;
                *p = c;
        }
}

/* FILE.csv -> FILE.truth.csv; any other name gets the suffix appended. */
static int truth_path(const char *out, char *buf, size_t len)
{
        size_t n = strlen(out);
        if (n > 4 && !strcmp(out + n - 4, ".csv"))
                n -= 4;
        int w = snprintf(buf, len, "%.*s%s", (int)n, out, TRUTH_SUFFIX);
        return (w < 0 || (size_t)w >= len) ? -1 : 0;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
        char *end;
        if (!*s || *s == '-' || *s == '+')
                return -1;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || *end || v > max)
                return -1;
        *out = v;
        return 0;
}

static double seconds_since(const struct timespec *t0)
{
        struct timespec t1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int cli_gen(const struct cli_command *self, int argc, char **argv)
{
        static const struct option opts[] = {
            {"data", required_argument, 0, 'd'}, {"people", required_argument, 0, 'n'},
            {"seed", required_argument, 0, 's'}, {"out", required_argument, 0, 'o'},
            {"help", no_argument, 0, 'h'},       {0, 0, 0, 0},
        };
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
                fputs(self->usage, stdout);
                return CLI_OK;
        }
        if (argc >= 2 && !strcmp(argv[1], "complaints"))
                return cli_gen_complaints(self, argc - 1, argv + 1);
        if (argc < 2 || strcmp(argv[1], "residents"))
                return cli_usage_error(self, "expected 'residents' or 'complaints'");
        argc--, argv++;
        const char *data = NULL, *out = NULL;
        uint64_t people = DEFAULT_PEOPLE, seed = DEFAULT_SEED;
        int c;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (c) {
                case 'd':
                        data = optarg;
                        break;
                case 'n':
                        if (parse_u64(optarg, GEN_PEOPLE_MAX, &people) < 0 || people == 0)
                                return cli_usage_error(self, "--people must be 1 to %d",
                                                       GEN_PEOPLE_MAX);
                        break;
                case 's':
                        if (parse_u64(optarg, UINT64_MAX, &seed) < 0)
                                return cli_usage_error(self, "--seed must be a whole number "
                                                             "from 0 to 18446744073709551615");
                        break;
                case 'o':
                        out = optarg;
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
        if (out && !*out)
                return cli_usage_error(self, "--out needs a file name");

        char records[4096], truth[4096];
        if (out) {
                if (snprintf(records, sizeof(records), "%s", out) >= (int)sizeof(records))
                        return cli_fail("output path too long");
        } else {
                data = cli_data_dir(data);
                if (!data)
                        return cli_usage_error(self, "--data DIR (or --out FILE.csv) is required");
                if (cli_data_path(data, DEFAULT_OUT, records, sizeof(records)) < 0)
                        return cli_fail("data directory path too long");
        }
        if (truth_path(records, truth, sizeof(truth)) < 0)
                return cli_fail("output path too long");
        if (make_parent_dirs(records) < 0)
                return cli_fail("cannot create the folder for %s: %s", records, strerror(errno));

        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        struct gen_world *w;
        struct pcrm_error e;
        if (gen_world_create(seed, (size_t)people, &w, &e) != PCRM_OK)
                return cli_fail("cannot generate residents: %s", e.message);
        int rc = CLI_OK;
        if (gen_world_write_files(w, records, truth, &e) != PCRM_OK) {
                rc = cli_fail("%s", e.message);
                goto out;
        }
        double secs = seconds_since(&t0);
        printf("pcrm: %zu people in %zu households, %zu records written to %s (truth: %s) in "
               "%.2f s\n",
               w->npeople, w->nhouseholds, w->nrecords, records, truth, secs);
out:
        gen_world_free(w);
        return rc;
}
