#include "cli/cli.h"

#include "auth/secret.h"
#include "auth/tenant.h"
#include "base/log.h"
#include "base/utf8.h"
#include "store/migrate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_usage_error(const struct cli_command *cmd, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "pcrm %s: ", cmd->name);
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n\n%s", cmd->usage);
        va_end(ap);
        return CLI_USAGE;
}

int cli_fail(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "pcrm: ");
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
        return CLI_FAIL;
}

int cli_data_path(const char *dir, const char *file, char *out, size_t outlen)
{
        int n = snprintf(out, outlen, "%s/%s", dir, file);
        return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

const char *cli_data_dir(const char *flag)
{
        if (flag && *flag)
                return flag;
        const char *env = getenv("PCRM_DATA");
        return env && *env ? env : NULL;
}

int cli_open_data(const char *dir, struct store_db **db)
{
        char keyfile[1024], dbfile[1024];
        if (cli_data_path(dir, "pcrm.key", keyfile, sizeof(keyfile)) < 0 ||
            cli_data_path(dir, "pcrm.db", dbfile, sizeof(dbfile)) < 0)
                return cli_fail("data directory path too long");
        if (access(dbfile, F_OK) != 0)
                return cli_fail("%s is not a pcrm data directory (no pcrm.db); run pcrm init", dir);
        if (sec_init() < 0 || sec_keys_load(keyfile) < 0)
                return cli_fail("cannot load the key file %s", keyfile);
        if (store_open(dbfile, db) != STORE_OK)
                return cli_fail("cannot open %s", dbfile);
        if (store_migrate(*db) < 0) {
                store_close(*db);
                *db = NULL;
                return cli_fail("cannot migrate %s", dbfile);
        }
        return CLI_OK;
}

void cli_actor(struct actor *a, int64_t tenant_id, const char *tenant_code)
{
        memset(a, 0, sizeof(*a));
        a->kind = ACTOR_CLI;
        a->tenant_id = tenant_id;
        a->role = ROLE_ADMIN;
        snprintf(a->tenant_code, sizeof(a->tenant_code), "%s", tenant_code ? tenant_code : "");
        const char *user = getenv("USER");
        utf8_copy(a->name, sizeof(a->name), user && *user ? user : "operator");
        snprintf(a->client_addr, sizeof(a->client_addr), "local");
}

int cli_pick_tenant(struct store_db *db, const char *code, struct tenant *out)
{
        if (code) {
                int rc = tenant_find(db, code, out);
                if (rc == PCRM_ENOTFOUND)
                        return cli_fail("no tenant %s", code);
                return rc == PCRM_OK ? CLI_OK : cli_fail("cannot read tenants");
        }
        struct store_stmt *st = store_prepare(db, "SELECT code FROM tenants ORDER BY id LIMIT 2");
        if (!st)
                return cli_fail("cannot read tenants");
        char first[TENANT_CODE_MAX + 1] = "";
        int n = 0;
        while (store_step(st) == STORE_ROW) {
                if (!n)
                        store_col_copy(st, 0, first, sizeof(first));
                n++;
        }
        store_done(st);
        if (n != 1) {
                fprintf(stderr, "pcrm: %s; name one with --tenant CODE\n",
                        n ? "this installation has several tenants" : "there is no tenant yet");
                return CLI_USAGE;
        }
        return tenant_find(db, first, out) == PCRM_OK ? CLI_OK : cli_fail("cannot read tenants");
}
