/*
 * channel: the settings, the checks every message passes before it leaves, the choice of
 * transport per medium, the EUC-KR byte count Korean gateways bill by, and the file
 * transport (the demo default). The network transports live beside it, in
 * channel_smtp.c and channel_gateway.c, so this file needs no libcurl but its global init.
 *
 * The file transport appends one record per message to DATA/outbox.log with a single
 * write() on an O_APPEND descriptor, then fsync: records from concurrent senders never
 * interleave, and a record reported sent survives a crash. The file holds personal data
 * (names, numbers, texts), so it is created 0600 and tightened if it was wider.
 */
#include "notify/channel.h"

#include "base/buf.h"
#include "base/config.h"
#include "base/log.h"
#include "base/time.h"
#include "base/utf8.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_MS 10000L
#define DEFAULT_SENDER     "051-120" /* the city call centre (부산 120 바로콜센터) */
#define DEFAULT_FROM       "pcrm@localhost"
#define FILE_RECORD_MAX    (64 * 1024)

/* ---- settings ------------------------------------------------------------------------ */

static bool has_control(const char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s < 0x20 || *s == 0x7F)
                        return true;
        return false;
}

static bool starts_with_nocase(const char *s, const char *prefix)
{
        return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* A bare address (local@domain) without spaces, brackets or control characters. */
static bool plain_address(const char *s)
{
        const char *at = strchr(s, '@');
        if (!at || at == s || !at[1] || strchr(at + 1, '@') || has_control(s))
                return false;
        return !strpbrk(s, " <>\",;()[]\\");
}

/* The digits of a telephone number written with digits and '-', or -1 for anything else. */
static int phone_digits(const char *s)
{
        int digits = 0;
        for (; *s; s++) {
                if (*s >= '0' && *s <= '9')
                        digits++;
                else if (*s != '-')
                        return -1;
        }
        return digits;
}

bool channel_sender_valid(const char *s)
{
        int digits = phone_digits(s);
        return digits >= 3 && digits <= 15;
}

/* "Name: value", the name an HTTP token, no line breaks. */
static bool header_line(const char *s)
{
        const char *colon = strchr(s, ':');
        if (!colon || colon == s || has_control(s))
                return false;
        for (const char *p = s; p < colon; p++)
                if (!strchr("!#$%&'*+-.^_`|~", *p) && !(*p >= '0' && *p <= '9') &&
                    !(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z'))
                        return false;
        return true;
}

/* The template must be JSON once filled in; tried with text that needs every escape. */
static bool template_renders_json(const struct channel_settings *s)
{
        const struct channel_message sample = {
            .key = "check-1",
            .medium = "sms",
            .msg_class = "LMS",
            .recipient = "010-1234-5678",
            .subject = "제목 \"따옴표\"",
            .body = "줄\n바꿈 \\ \"인용\"\t끝",
        };
        struct buf b;
        buf_init(&b, 64 * 1024);
        bool ok = false;
        if (channel_render_body(&b, s->sms_body, s, &sample) == 0) {
                json_t *j = json_loadb(b.data, b.len, JSON_DECODE_ANY, NULL);
                ok = j != NULL;
                json_decref(j);
        }
        buf_release(&b);
        return ok;
}

static int check_settings(const struct channel_settings *s)
{
        int rc = 0;
        if (s->smtp_url[0] && ((!starts_with_nocase(s->smtp_url, "smtp://") &&
                                !starts_with_nocase(s->smtp_url, "smtps://")) ||
                               has_control(s->smtp_url) || strchr(s->smtp_url, ' '))) {
                fprintf(stderr, "pcrm: PCRM_SMTP_URL must be smtp://HOST[:PORT] or "
                                "smtps://HOST[:PORT]\n");
                rc = -1;
        }
        if (!plain_address(s->smtp_from)) {
                fprintf(stderr, "pcrm: PCRM_SMTP_FROM must be a bare address (name@domain)\n");
                rc = -1;
        }
        if (has_control(s->smtp_user) || has_control(s->smtp_password)) {
                fprintf(stderr, "pcrm: PCRM_SMTP_USER and PCRM_SMTP_PASSWORD must not hold "
                                "control characters\n");
                rc = -1;
        }
        if (s->sms_url[0] && ((!starts_with_nocase(s->sms_url, "http://") &&
                               !starts_with_nocase(s->sms_url, "https://")) ||
                              has_control(s->sms_url) || strchr(s->sms_url, ' '))) {
                fprintf(stderr, "pcrm: PCRM_SMS_URL must be an http:// or https:// URL\n");
                rc = -1;
        }
        if (s->sms_auth[0] && !header_line(s->sms_auth)) {
                fprintf(stderr, "pcrm: PCRM_SMS_AUTH must be one header line, "
                                "'Name: value' (e.g. 'Authorization: Bearer KEY')\n");
                rc = -1;
        }
        if (!channel_sender_valid(s->sms_sender)) {
                fprintf(stderr, "pcrm: PCRM_SMS_SENDER must be a telephone number "
                                "(digits and '-')\n");
                rc = -1;
        }
        if (!utf8_valid(s->sms_body, strlen(s->sms_body)) || !template_renders_json(s)) {
                fprintf(stderr, "pcrm: PCRM_SMS_BODY must be a JSON template that stays JSON "
                                "once {to} {from} {text} {class} {subject} {key} are filled in\n");
                rc = -1;
        }
        return rc;
}

int channel_settings_load(struct channel_settings *s, const char *data_dir)
{
        memset(s, 0, sizeof(*s));
        int n = snprintf(s->outbox_path, sizeof(s->outbox_path), "%s/outbox.log",
                         data_dir && *data_dir ? data_dir : ".");
        if (n < 0 || (size_t)n >= sizeof(s->outbox_path)) {
                fprintf(stderr, "pcrm: the data directory path is too long for outbox.log\n");
                return -1;
        }
        snprintf(s->smtp_from, sizeof(s->smtp_from), "%s", DEFAULT_FROM);
        snprintf(s->sms_sender, sizeof(s->sms_sender), "%s", DEFAULT_SENDER);
        snprintf(s->sms_body, sizeof(s->sms_body), "%s", CHANNEL_SMS_BODY_DEFAULT);
        s->timeout_ms = DEFAULT_TIMEOUT_MS;

        int rc = 0;
        rc |= config_env_string("PCRM_SMTP_URL", s->smtp_url, sizeof(s->smtp_url));
        rc |= config_env_string("PCRM_SMTP_FROM", s->smtp_from, sizeof(s->smtp_from));
        rc |= config_env_string("PCRM_SMTP_USER", s->smtp_user, sizeof(s->smtp_user));
        rc |= config_env_string("PCRM_SMTP_PASSWORD", s->smtp_password, sizeof(s->smtp_password));
        rc |= config_env_string("PCRM_SMS_URL", s->sms_url, sizeof(s->sms_url));
        rc |= config_env_string("PCRM_SMS_AUTH", s->sms_auth, sizeof(s->sms_auth));
        rc |= config_env_string("PCRM_SMS_BODY", s->sms_body, sizeof(s->sms_body));
        rc |= config_env_string("PCRM_SMS_SENDER", s->sms_sender, sizeof(s->sms_sender));
        const char *tls = getenv("PCRM_SMTP_TLS");
        if (tls && !strcmp(tls, "starttls")) {
                s->smtp_starttls = true;
        } else if (tls && strcmp(tls, "none")) {
                fprintf(stderr, "pcrm: PCRM_SMTP_TLS must be none or starttls\n");
                rc = -1;
        }
        rc |= config_env_long("PCRM_NOTIFY_TIMEOUT_MS", 100, 600000, &s->timeout_ms);
        if (rc == 0)
                rc = check_settings(s);
        return rc ? -1 : 0;
}

/* ---- process-wide libcurl ------------------------------------------------------------ */

static bool curl_ready;

int channel_global_init(void)
{
        if (curl_ready)
                return 0;
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
                log_error("notify: curl_global_init failed");
                return -1;
        }
        curl_ready = true;
        return 0;
}

void channel_global_cleanup(void)
{
        if (!curl_ready)
                return;
        curl_global_cleanup();
        curl_ready = false;
}

/* ---- EUC-KR byte count --------------------------------------------------------------- */

long channel_euckr_bytes(const char *utf8)
{
        if (!utf8)
                return -1;
        size_t len = strlen(utf8);
        if (!utf8_valid(utf8, len))
                return -1;
        /* Valid UTF-8: each character starts with a byte that is not 10xxxxxx. ASCII is one
         * byte in EUC-KR; everything else is two, whether CP949 has it (all 11,172 Hangul
         * syllables, Hanja, symbols) or the gateway substitutes it. */
        long n = 0;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)utf8[i];
                if (c < 0x80)
                        n += 1;
                else if ((c & 0xC0) != 0x80)
                        n += 2;
        }
        return n;
}

const char *channel_sms_class(const char *utf8)
{
        long n = channel_euckr_bytes(utf8);
        if (n < 0 || n > CHANNEL_LMS_MAX_BYTES)
                return NULL;
        return n <= CHANNEL_SMS_MAX_BYTES ? "SMS" : "LMS";
}

/* ---- checks and dispatch ------------------------------------------------------------- */

int channel_fail(struct channel_result *r, bool permanent, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        r->permanent = permanent;
        vsnprintf(r->error, sizeof(r->error), fmt, ap);
        va_end(ap);
        /* libcurl's messages end in a full stop or a newline; ours do not. */
        size_t n = strlen(r->error);
        while (n > 0 && strchr(".\n\r ", r->error[n - 1]))
                r->error[--n] = '\0';
        return -1;
}

static bool sms_recipient(const char *s)
{
        int digits = phone_digits(s);
        return digits >= 8 && digits <= 15;
}

/* What every transport may rely on. Failures here are permanent: the message is wrong. */
static int check_message(const struct channel_message *m, struct channel_result *r)
{
        if (!m->medium || !m->msg_class || !m->recipient || !m->body || !m->key || !*m->key)
                return channel_fail(r, true, "message is missing a field");
        if (has_control(m->key) || strlen(m->key) > 200)
                return channel_fail(r, true, "message key is not printable or too long");
        if (!utf8_valid(m->body, strlen(m->body)))
                return channel_fail(r, true, "message body is not valid UTF-8");
        if (m->subject && !utf8_valid(m->subject, strlen(m->subject)))
                return channel_fail(r, true, "message subject is not valid UTF-8");
        if (!strcmp(m->medium, "email")) {
                if (!plain_address(m->recipient) || strlen(m->recipient) > 254)
                        return channel_fail(r, true, "recipient is not an e-mail address");
                return 0;
        }
        if (strcmp(m->medium, "sms"))
                return channel_fail(r, true, "unknown medium %.16s", m->medium);
        if (!sms_recipient(m->recipient))
                return channel_fail(r, true, "recipient is not a telephone number");
        long bytes = channel_euckr_bytes(m->body);
        long max = !strcmp(m->msg_class, "SMS")   ? CHANNEL_SMS_MAX_BYTES
                   : !strcmp(m->msg_class, "LMS") ? CHANNEL_LMS_MAX_BYTES
                                                  : -1;
        if (max < 0)
                return channel_fail(r, true, "class must be SMS or LMS for an sms");
        if (bytes > max) {
                return channel_fail(r, true,
                                    "text is %ld bytes in EUC-KR, over the %s limit of %ld", bytes,
                                    m->msg_class, max);
        }
        return 0;
}

/* "010-****-5678" or "h***@example.kr": enough to tell messages apart in a log. */
static void mask_recipient(const char *in, char *out, size_t outlen)
{
        const char *at = strchr(in, '@');
        if (at) {
                snprintf(out, outlen, "%.1s***%.50s", in, at);
                return;
        }
        int digits = 0, seen = 0;
        for (const char *p = in; *p; p++)
                digits += *p >= '0' && *p <= '9';
        size_t o = 0;
        for (const char *p = in; *p && o + 1 < outlen; p++) {
                bool digit = *p >= '0' && *p <= '9';
                seen += digit;
                out[o++] = digit && seen > 3 && seen <= digits - 4 ? '*' : *p;
        }
        out[o] = '\0';
}

int channel_send(const struct channel_settings *s, const struct channel_message *m,
                 struct channel_result *r)
{
        memset(r, 0, sizeof(*r));
        snprintf(r->transport, sizeof(r->transport), "none");
        if (check_message(m, r) < 0)
                return -1;
        int rc;
        if (!strcmp(m->medium, "email") && s->smtp_url[0])
                rc = channel_smtp_send(s, m, r);
        else if (!strcmp(m->medium, "sms") && s->sms_url[0])
                rc = channel_gateway_send(s, m, r);
        else
                rc = channel_file_send(s, m, r);
        char who[64];
        mask_recipient(m->recipient, who, sizeof(who));
        if (rc == 0)
                log_debug("notify: %s %s key %s to %s sent via %s", m->medium, m->msg_class, m->key,
                          who, r->transport);
        else
                log_info("notify: %s %s key %s to %s failed via %s (%s): %s", m->medium,
                         m->msg_class, m->key, who, r->transport,
                         r->permanent ? "permanent" : "retryable", r->error);
        return rc;
}

/* ---- the file transport -------------------------------------------------------------- */

/* Appends s with line breaks turned into spaces (a header line stays one line). */
static int put_one_line(struct buf *b, const char *s)
{
        for (; *s; s++)
                if (buf_putc(b, (*s == '\n' || *s == '\r') ? ' ' : *s) < 0)
                        return -1;
        return 0;
}

static int file_record(struct buf *b, const struct channel_message *m)
{
        char when[32];
        if (time_format_kst(time_now_ms(), when, sizeof(when)) < 0)
                return -1;
        if (buf_printf(b, "=== %s %s %s to %s key %s\n", when, m->medium, m->msg_class,
                       m->recipient, m->key) < 0)
                return -1;
        if (m->subject && *m->subject &&
            (buf_puts(b, "Subject: ") < 0 || put_one_line(b, m->subject) < 0 ||
             buf_putc(b, '\n') < 0))
                return -1;
        size_t len = strlen(m->body);
        if (buf_puts(b, m->body) < 0)
                return -1;
        if (len && m->body[len - 1] != '\n' && buf_putc(b, '\n') < 0)
                return -1;
        return buf_putc(b, '\n');
}

static int write_all(int fd, const char *p, size_t len)
{
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -1;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

int channel_file_send(const struct channel_settings *s, const struct channel_message *m,
                      struct channel_result *r)
{
        snprintf(r->transport, sizeof(r->transport), "file");
        struct buf b;
        buf_init(&b, FILE_RECORD_MAX);
        int rc = -1, fd = -1;
        if (file_record(&b, m) < 0) {
                channel_fail(r, true, "message too long for the outbox file");
                goto out;
        }
        fd = open(s->outbox_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
                channel_fail(r, false, "cannot open the outbox file: %s", strerror(errno));
                goto out;
        }
        struct stat st;
        if (fstat(fd, &st) == 0 && (st.st_mode & 077))
                (void)fchmod(fd, st.st_mode & 0700);
        /* One write: O_APPEND makes it land whole at the end, after any other record. */
        if (write_all(fd, b.data, b.len) < 0 || fsync(fd) < 0) {
                channel_fail(r, false, "cannot write the outbox file: %s", strerror(errno));
                goto out;
        }
        rc = 0;
out:
        if (fd >= 0 && close(fd) < 0 && rc == 0)
                rc = channel_fail(r, false, "cannot write the outbox file: %s", strerror(errno));
        buf_release(&b);
        return rc;
}
