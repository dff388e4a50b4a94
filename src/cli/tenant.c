/*
 * pcrm tenant add: adds a municipality to the installation.
 * pcrm tenant sender: sets the calling number a municipality's SMS come from.
 */
#include "cli/cli.h"

#include "auth/tenant.h"
#include "complaint/complaint.h"
#include "notify/outbox.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct tenant_args {
        const char *data, *code, *name, *number;
        bool clear;
};

/* The options after the subcommand. Returns CLI_OK, or what to exit with. */
static int parse(const struct cli_command *self, int argc, char **argv, struct tenant_args *a)
{
        static const struct option opts[] = {
            {"data", required_argument, 0, 'd'},
            {"code", required_argument, 0, 'c'},
            {"name", required_argument, 0, 'n'},
            {"number", required_argument, 0, 's'},
            {"clear", no_argument, 0, 'x'},
            {"help", no_argument, 0, 'h'},
            {0, 0, 0, 0},
        };
        memset(a, 0, sizeof(*a));
        int c;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (c) {
                case 'd':
                        a->data = optarg;
                        break;
                case 'c':
                        a->code = optarg;
                        break;
                case 'n':
                        a->name = optarg;
                        break;
                case 's':
                        a->number = optarg;
                        break;
                case 'x':
                        a->clear = true;
                        break;
                case 'h':
                        fputs(self->usage, stdout);
                        return CLI_USAGE + 100; /* help printed: exit 0 */
                default:
                        return cli_usage_error(self, "unknown option");
                }
        }
        if (optind < argc)
                return cli_usage_error(self, "unexpected argument '%s'", argv[optind]);
        a->data = cli_data_dir(a->data);
        return CLI_OK;
}

static int tenant_add_cmd(const struct cli_command *self, const struct tenant_args *a)
{
        if (!a->data || !a->code || !a->name || a->number || a->clear)
                return cli_usage_error(self, "add takes --data, --code and --name");
        struct store_db *db;
        if (cli_open_data(a->data, &db) != CLI_OK)
                return CLI_FAIL;
        struct actor who;
        struct tenant t;
        struct pcrm_error e;
        cli_actor(&who, 0, NULL);
        int rc = tenant_add(db, &who, a->code, a->name, &t, &e);
        if (rc == PCRM_OK && complaint_types_seed(db, t.id) < 0) {
                store_close(db);
                return cli_fail("tenant %s added, but its complaint types could not be", a->code);
        }
        store_close(db);
        if (rc != PCRM_OK)
                return cli_fail("cannot add tenant %s: %s", a->code, e.message);
        printf("tenant %s (%s) added with id %" PRId64 "\n", t.code, t.name, t.id);
        return CLI_OK;
}

static int tenant_sender_cmd(const struct cli_command *self, const struct tenant_args *a)
{
        if (!a->data || !a->code || a->name || !a->number == !a->clear)
                return cli_usage_error(self,
                                       "sender takes --data, --code and --number N or --clear");
        struct store_db *db;
        if (cli_open_data(a->data, &db) != CLI_OK)
                return CLI_FAIL;
        struct tenant t;
        if (tenant_find(db, a->code, &t) != PCRM_OK) {
                store_close(db);
                return cli_fail("no tenant %s", a->code);
        }
        struct actor who;
        struct pcrm_error e;
        cli_actor(&who, t.id, t.code);
        int rc = outbox_set_sender(db, &who, a->clear ? NULL : a->number, &e);
        store_close(db);
        if (rc == PCRM_EINVALID)
                return cli_usage_error(self, "%s", e.message);
        if (rc != PCRM_OK)
                return cli_fail("cannot set the sender of %s: %s", a->code, e.message);
        if (a->clear)
                printf("tenant %s sends SMS from the installation's number (PCRM_SMS_SENDER)\n",
                       t.code);
        else
                printf("tenant %s sends SMS from %s\n", t.code, a->number);
        return CLI_OK;
}

int cli_tenant(const struct cli_command *self, int argc, char **argv)
{
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
                fputs(self->usage, stdout);
                return CLI_OK;
        }
        if (argc < 2 || (strcmp(argv[1], "add") && strcmp(argv[1], "sender")))
                return cli_usage_error(self, "expected 'add' or 'sender'");
        bool add = !strcmp(argv[1], "add");
        struct tenant_args a;
        int rc = parse(self, argc - 1, argv + 1, &a);
        if (rc == CLI_USAGE + 100)
                return CLI_OK;
        if (rc != CLI_OK)
                return rc;
        return add ? tenant_add_cmd(self, &a) : tenant_sender_cmd(self, &a);
}
