/*
 * pcrm notify test: sends one message through the channel its medium is configured for
 * (PCRM_SMTP_*, PCRM_SMS_*, else DATA/outbox.log), so an operator can check the mail
 * server or SMS gateway settings before residents depend on them. It goes around the
 * outbox on purpose: no retry, no quiet hours, one attempt whose result is printed.
 */
#include "cli/cli.h"

#include "base/time.h"
#include "base/utf8.h"
#include "customer/cleanse.h"
#include "notify/channel.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct notify_args {
        const char *data, *medium, *to, *subject, *body;
};

/* Parses the flags after "test". Returns CLI_OK, or what the caller returns. */
static int parse_args(const struct cli_command *self, int argc, char **argv, struct notify_args *a)
{
        static const struct option opts[] = {
            {"data", required_argument, 0, 'd'},
            {"medium", required_argument, 0, 'm'},
            {"to", required_argument, 0, 't'},
            {"subject", required_argument, 0, 's'},
            {"body", required_argument, 0, 'b'},
            {"help", no_argument, 0, 'h'},
            {0, 0, 0, 0},
        };
        int c;
        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (c) {
                case 'd':
                        a->data = optarg;
                        break;
                case 'm':
                        a->medium = optarg;
                        break;
                case 't':
                        a->to = optarg;
                        break;
                case 's':
                        a->subject = optarg;
                        break;
                case 'b':
                        a->body = optarg;
                        break;
                case 'h':
                        fputs(self->usage, stdout);
                        return -1;
                default:
                        return cli_usage_error(self, "unknown option");
                }
        }
        if (optind < argc)
                return cli_usage_error(self, "unexpected argument '%s'", argv[optind]);
        a->data = cli_data_dir(a->data);
        if (!a->data)
                return cli_usage_error(self, "--data DIR is required");
        if (!a->medium || (strcmp(a->medium, "sms") && strcmp(a->medium, "email")))
                return cli_usage_error(self, "--medium must be sms or email");
        if (!a->to || !a->body)
                return cli_usage_error(self, "--to and --body are required");
        if (!utf8_valid_text(a->body, strlen(a->body)) ||
            (a->subject && !utf8_valid_text(a->subject, strlen(a->subject))))
                return cli_usage_error(self, "--body and --subject must be UTF-8 text");
        return CLI_OK;
}

/* The recipient in canonical form (010-1234-5678, lower-case e-mail). */
static int canonical_recipient(const struct cli_command *self, const struct notify_args *a,
                               char *out, size_t outlen)
{
        bool sms = !strcmp(a->medium, "sms");
        enum cleanse_status st =
            sms ? cleanse_mobile(a->to, out, outlen) : cleanse_email(a->to, out, outlen);
        if (st == CLEANSE_VALID || st == CLEANSE_CLEANSED)
                return CLI_OK;
        return cli_usage_error(self, "--to '%s' is not %s", a->to,
                               sms ? "a mobile number" : "an e-mail address");
}

static int send_test(const struct notify_args *a, const char *to)
{
        struct channel_settings s;
        if (channel_settings_load(&s, a->data) < 0)
                return CLI_USAGE;
        bool sms = !strcmp(a->medium, "sms");
        long bytes = sms ? channel_euckr_bytes(a->body) : (long)strlen(a->body);
        const char *cls = sms ? channel_sms_class(a->body) : "EMAIL";
        if (!cls)
                return cli_fail("the text is %ld bytes in EUC-KR; an LMS holds at most %d", bytes,
                                CHANNEL_LMS_MAX_BYTES);
        char key[64];
        snprintf(key, sizeof(key), "test-%" PRId64 "-%ld", time_now_ms(), (long)getpid());
        struct channel_message m = {
            .key = key,
            .medium = a->medium,
            .msg_class = cls,
            .recipient = to,
            .subject = a->subject,
            .body = a->body,
        };
        struct channel_result r;
        if (channel_global_init() < 0)
                return cli_fail("cannot initialise libcurl");
        int rc = channel_send(&s, &m, &r);
        channel_global_cleanup();
        if (rc < 0)
                return cli_fail("notify test failed via %s (%s): %s", r.transport,
                                r.permanent ? "permanent" : "retryable", r.error);
        printf("sent via %s (%s, %ld bytes)\n", r.transport, cls, bytes);
        if (r.provider_id[0])
                printf("provider id %s\n", r.provider_id);
        return CLI_OK;
}

int cli_notify(const struct cli_command *self, int argc, char **argv)
{
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
                fputs(self->usage, stdout);
                return CLI_OK;
        }
        if (argc < 2 || strcmp(argv[1], "test"))
                return cli_usage_error(self, "expected 'test'");
        struct notify_args a = {0};
        int rc = parse_args(self, argc - 1, argv + 1, &a);
        if (rc != CLI_OK)
                return rc < 0 ? CLI_OK : rc;
        struct stat st;
        if (stat(a.data, &st) != 0 || !S_ISDIR(st.st_mode))
                return cli_fail("%s is not a directory; run pcrm init", a.data);
        char to[CLEANSE_EMAIL_SIZE];
        rc = canonical_recipient(self, &a, to, sizeof(to));
        if (rc != CLI_OK)
                return rc;
        return send_test(&a, to);
}
