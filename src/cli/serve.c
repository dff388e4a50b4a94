/* pcrm serve: the HTTP server and the job scheduler, until SIGINT or SIGTERM. */
#include "cli/cli.h"

#include "auth/secret.h"
#include "base/config.h"
#include "base/log.h"
#include "http/server.h"
#include "jobs/delivery.h"
#include "jobs/scheduler.h"
#include "notify/outbox.h"

#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* web/dist next to the binary's build directory, else ./web/dist. */
static void default_web_dir(char *out, size_t outlen)
{
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (n > 0) {
                exe[n] = '\0';
                char *slash = strrchr(exe, '/');
                if (slash) {
                        *slash = '\0';
                        char candidate[PATH_MAX + 32];
                        snprintf(candidate, sizeof(candidate), "%s/../web/dist", exe);
                        if (access(candidate, F_OK) == 0 &&
                            snprintf(out, outlen, "%s", candidate) < (int)outlen)
                                return;
                }
        }
        snprintf(out, outlen, "web/dist");
}

int cli_serve(const struct cli_command *self, int argc, char **argv)
{
        static const struct option opts[] = {
            {"data", required_argument, 0, 'd'},
            {"listen", required_argument, 0, 'l'},
            {"web", required_argument, 0, 'w'},
            {"help", no_argument, 0, 'h'},
            {0, 0, 0, 0},
        };
        static struct pcrm_config cfg; /* outlives the server threads */
        if (config_load_env(&cfg) < 0)
                return CLI_USAGE;
        const char *data = NULL, *listen = NULL, *web = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (c) {
                case 'd':
                        data = optarg;
                        break;
                case 'l':
                        listen = optarg;
                        break;
                case 'w':
                        web = optarg;
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
        if (listen && config_set_listen(&cfg, listen) < 0)
                return cli_usage_error(self, "--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
        if (config_copy(cfg.data_dir, sizeof(cfg.data_dir), data) < 0)
                return cli_fail("data directory path too long");
        if (web) {
                if (config_copy(cfg.web_dir, sizeof(cfg.web_dir), web) < 0)
                        return cli_fail("web directory path too long");
        } else if (!cfg.web_dir[0]) {
                default_web_dir(cfg.web_dir, sizeof(cfg.web_dir));
        }

        static struct notify_settings notify; /* outlives the delivery thread */
        if (notify_settings_load(&notify, data) < 0)
                return CLI_USAGE;
        if (channel_global_init() < 0)
                return cli_fail("cannot initialise the message channels");
        outbox_configure(&notify);

        struct store_db *db;
        if (cli_open_data(data, &db) != CLI_OK)
                return CLI_FAIL;
        store_close(db); /* migrations are applied; workers open their own connections */
        sec_set_pwhash_level(cfg.pwhash);
        char dbfile[1024];
        cli_data_path(data, "pcrm.db", dbfile, sizeof(dbfile));
        store_pool_init(dbfile);

        /* Threads inherit this mask, so only sigwait below sees SIGINT and SIGTERM. */
        sigset_t stop;
        sigemptyset(&stop);
        sigaddset(&stop, SIGINT);
        sigaddset(&stop, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &stop, NULL);
        signal(SIGPIPE, SIG_IGN);

        struct http_server *srv = NULL;
        struct scheduler *sched = NULL;
        if (http_server_start(&cfg, &srv) < 0)
                return cli_fail("cannot start the HTTP server on %s:%d", cfg.listen_host,
                                cfg.listen_port);
        if (scheduler_start(&cfg, &sched) < 0) {
                http_server_stop(srv);
                return cli_fail("cannot start the job scheduler");
        }
        struct delivery *sender = NULL;
        if (notify.delivery && delivery_start(&notify, &sender) < 0) {
                scheduler_stop(sched);
                http_server_stop(srv);
                return cli_fail("cannot start the message delivery");
        }
        printf("pcrm %s serving http://%s:%d (data %s, web %s)\n", PCRM_VERSION, cfg.listen_host,
               http_server_port(srv), data, cfg.web_dir);
        fflush(stdout);
        log_info("listening on %s:%d", cfg.listen_host, http_server_port(srv));

        int sig = 0;
        sigwait(&stop, &sig);
        log_info("stopping on signal %d", sig);
        http_server_stop(srv);
        delivery_stop(sender);
        scheduler_stop(sched);
        channel_global_cleanup();
        return CLI_OK;
}
