/* pcrm user add: creates a staff account; the password is read from standard input. */
#include "cli/cli.h"

#include "auth/department.h"
#include "auth/tenant.h"
#include "auth/user.h"

#include <getopt.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* Reads the first line of stdin into out (without the line end). Returns 0 or -1. */
static int read_password(char *out, size_t outlen)
{
        if (!fgets(out, (int)outlen, stdin))
                return -1;
        size_t n = strlen(out);
        if (n && out[n - 1] != '\n' && !feof(stdin))
                return -1; /* longer than the buffer */
        while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
                out[--n] = '\0';
        return 0;
}

int cli_user(const struct cli_command *self, int argc, char **argv)
{
        static const struct option opts[] = {
            {"data", required_argument, 0, 'd'},     {"tenant", required_argument, 0, 't'},
            {"username", required_argument, 0, 'u'}, {"role", required_argument, 0, 'r'},
            {"dept", required_argument, 0, 'D'},     {"display-name", required_argument, 0, 'n'},
            {"email", required_argument, 0, 'e'},    {"password-stdin", no_argument, 0, 'p'},
            {"help", no_argument, 0, 'h'},           {0, 0, 0, 0},
        };
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
                fputs(self->usage, stdout);
                return CLI_OK;
        }
        if (argc < 2 || strcmp(argv[1], "add"))
                return cli_usage_error(self, "expected 'add'");
        const char *data = NULL, *tcode = NULL, *username = NULL, *role = NULL, *dept = NULL,
                   *display = NULL, *email = NULL;
        int c, pw_stdin = 0;
        argc--, argv++;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (c) {
                case 'd':
                        data = optarg;
                        break;
                case 't':
                        tcode = optarg;
                        break;
                case 'u':
                        username = optarg;
                        break;
                case 'r':
                        role = optarg;
                        break;
                case 'D':
                        dept = optarg;
                        break;
                case 'n':
                        display = optarg;
                        break;
                case 'e':
                        email = optarg;
                        break;
                case 'p':
                        pw_stdin = 1;
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
        if (!data || !tcode || !username || !role)
                return cli_usage_error(self,
                                       "--data, --tenant, --username and --role are required");
        if (!pw_stdin)
                return cli_usage_error(self, "--password-stdin is required (passwords never go"
                                             " on the command line)");
        if (role_parse(role) == ROLE_NONE)
                return cli_usage_error(self, "unknown role '%s'", role);

        char password[USER_PASSWORD_MAX * 4 + 2];
        if (read_password(password, sizeof(password)) < 0)
                return cli_fail("cannot read the password from standard input");
        struct store_db *db;
        if (cli_open_data(data, &db) != CLI_OK) {
                sodium_memzero(password, sizeof(password));
                return CLI_FAIL;
        }
        int rc = CLI_FAIL;
        struct tenant t;
        struct department d;
        struct actor who;
        struct user u;
        struct pcrm_error e;
        if (tenant_find(db, tcode, &t) != PCRM_OK) {
                cli_fail("no tenant %s", tcode);
                goto out;
        }
        cli_actor(&who, t.id, t.code);
        struct user_input in = {.username = username,
                                .display_name = display ? display : username,
                                .password = password,
                                .role = role_parse(role),
                                .email = email,
                                .active = 1};
        if (dept) {
                if (dept_find_code(db, t.id, dept, &d) != PCRM_OK) {
                        cli_fail("no department %s in tenant %s", dept, tcode);
                        goto out;
                }
                in.dept_set = true;
                in.dept_id = d.id;
        }
        if (user_create(db, &who, &in, &u, &e) != PCRM_OK) {
                cli_fail("cannot add user %s: %s%s%s", username, e.message, *e.field ? " — " : "",
                         e.field);
                goto out;
        }
        printf("user %s (%s) added to %s with id %" PRId64 "\n", u.username, role_name(u.role),
               t.code, u.id);
        rc = CLI_OK;
out:
        sodium_memzero(password, sizeof(password));
        store_close(db);
        return rc;
}
