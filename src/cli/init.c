/* pcrm init: creates (or completes) a data directory: key file, database, first tenant. */
#include "cli/cli.h"

#include "auth/secret.h"
#include "auth/tenant.h"
#include "base/log.h"
#include "complaint/complaint.h"
#include "complaint/deadline.h"
#include "store/migrate.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int make_dirs(const char *dir)
{
        char path[1024];
        if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
                return -1;
        for (char *p = path + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(path, 0755) < 0 && errno != EEXIST)
                        return -1;
                *p = '/';
        }
        if (mkdir(path, 0700) < 0 && errno != EEXIST)
                return -1;
        return 0;
}

int cli_init(const struct cli_command *self, int argc, char **argv)
{
        static const struct option opts[] = {
            {"data", required_argument, 0, 'd'},
            {"tenant", required_argument, 0, 't'},
            {"tenant-name", required_argument, 0, 'n'},
            {"demo", no_argument, 0, 'D'},
            {"help", no_argument, 0, 'h'},
            {0, 0, 0, 0},
        };
        const char *data = NULL, *tcode = NULL, *tname = NULL;
        int demo = 0, c;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (c) {
                case 'd':
                        data = optarg;
                        break;
                case 't':
                        tcode = optarg;
                        break;
                case 'n':
                        tname = optarg;
                        break;
                case 'D':
                        demo = 1;
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
        if (!tcode != !tname)
                return cli_usage_error(self, "--tenant and --tenant-name go together");

        char keyfile[1024], dbfile[1024];
        if (cli_data_path(data, "pcrm.key", keyfile, sizeof(keyfile)) < 0 ||
            cli_data_path(data, "pcrm.db", dbfile, sizeof(dbfile)) < 0)
                return cli_fail("data directory path too long");
        if (make_dirs(data) < 0)
                return cli_fail("cannot create %s: %s", data, strerror(errno));
        if (sec_init() < 0)
                return CLI_FAIL;
        int have_key = access(keyfile, F_OK) == 0, have_db = access(dbfile, F_OK) == 0;
        if (have_db && !have_key)
                return cli_fail("%s exists but its key file %s is missing; restore the key from"
                                " backup (encrypted fields and the audit chain need it)",
                                dbfile, keyfile);
        if (!have_key && sec_keys_create(keyfile) < 0)
                return cli_fail("cannot create key file %s", keyfile);
        if (sec_keys_load(keyfile) < 0)
                return CLI_FAIL;

        struct store_db *db;
        if (store_open(dbfile, &db) != STORE_OK)
                return cli_fail("cannot create %s", dbfile);
        int rc = CLI_FAIL;
        if (store_migrate(db) < 0) {
                cli_fail("cannot apply migrations to %s", dbfile);
                goto out;
        }
        if (deadline_calendar_seed(db) < 0) {
                cli_fail("cannot copy the shipped holidays into %s", dbfile);
                goto out;
        }
        if (tcode) {
                struct actor who;
                struct tenant t;
                struct pcrm_error e;
                cli_actor(&who, 0, NULL);
                if (tenant_find(db, tcode, &t) == PCRM_ENOTFOUND &&
                    tenant_add(db, &who, tcode, tname, &t, &e) != PCRM_OK) {
                        cli_fail("cannot add tenant %s: %s", tcode, e.message);
                        goto out;
                }
                if (complaint_types_seed(db, t.id) < 0) {
                        cli_fail("cannot add the complaint types of tenant %s", tcode);
                        goto out;
                }
        }
        if (demo && demo_seed(db) < 0) {
                cli_fail("cannot create the demo city");
                goto out;
        }
        printf("pcrm: data directory %s is ready%s\n", data,
               have_db ? " (it existed; migrations are up to date)" : "");
        rc = CLI_OK;
out:
        store_close(db);
        return rc;
}
