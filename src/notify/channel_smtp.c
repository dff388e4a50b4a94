/*
 * channel_smtp: e-mail through an SMTP server with libcurl. pcrm builds the whole RFC 5322
 * message itself so that Korean arrives intact through any server: the subject as RFC
 * 2047 UTF-8 encoded-words (never cutting a character between two words), the body as
 * base64 text/plain; charset=UTF-8 in 76-character lines, a Message-ID made from the
 * message key (so a retried message is recognisably the same one) and Auto-Submitted,
 * as the notices are machine-sent. TLS is by URL (smtps://) or STARTTLS when
 * PCRM_SMTP_TLS=starttls, and then required, never optional.
 *
 * A 5xx answer to RCPT TO is permanent (the server will not take mail for that address);
 * every other failure, timeouts included, is worth retrying.
 */
#include "notify/channel.h"

#include "base/buf.h"
#include "base/time.h"
#include "base/utf8.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MESSAGE_MAX   (1024 * 1024)
#define WORD_BYTES    39 /* "Subject: " + "=?UTF-8?B?" + 52 base64 + "?=" fits 76 columns */
#define BASE64_LINE   76
#define ENCODED_START "=?UTF-8?B?"

/* ---- building the message ------------------------------------------------------------ */

static int put_base64(struct buf *b, const unsigned char *data, size_t len)
{
        size_t need = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
        char *tmp = malloc(need);
        if (!tmp)
                return -1;
        sodium_bin2base64(tmp, need, data, len, sodium_base64_VARIANT_ORIGINAL);
        int rc = buf_puts(b, tmp);
        free(tmp);
        return rc;
}

static int put_date(struct buf *b, int64_t now_ms)
{
        static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
        static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        struct civil_time t;
        time_to_civil(now_ms, TIME_KST_OFFSET_MIN, &t);
        int wd = time_weekday(time_days_from_civil(t.year, t.month, t.day));
        return buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0900\r\n", days[wd], t.day,
                          months[t.month - 1], t.year, t.hour, t.minute, t.second);
}

/* Encoded-words of at most WORD_BYTES bytes each, whole characters only, folded. */
static int put_subject(struct buf *b, const char *subject)
{
        if (buf_puts(b, "Subject:") < 0)
                return -1;
        const char *p = subject;
        size_t left = strlen(subject);
        while (left > 0) {
                size_t n = utf8_prefix(p, WORD_BYTES);
                if (n == 0)
                        return -1;
                if (buf_puts(b, p == subject ? " " : "\r\n ") < 0 ||
                    buf_puts(b, ENCODED_START) < 0 ||
                    put_base64(b, (const unsigned char *)p, n) < 0 || buf_puts(b, "?=") < 0)
                        return -1;
                p += n;
                left -= n;
        }
        return buf_puts(b, "\r\n");
}

/* <key@domain-of-from>, the key cut down to characters a msg-id may hold. */
static int put_message_id(struct buf *b, const struct channel_settings *s, const char *key)
{
        const char *at = strchr(s->smtp_from, '@');
        if (buf_puts(b, "Message-ID: <pcrm.") < 0)
                return -1;
        for (const char *k = key; *k; k++) {
                char c = *k;
                bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                          (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
                if (buf_putc(b, ok ? c : '-') < 0)
                        return -1;
        }
        return buf_printf(b, "@%s>\r\n", at ? at + 1 : "localhost");
}

/* The body in canonical form (CRLF line ends), then base64 in 76-character lines. */
static int put_body(struct buf *b, const char *body)
{
        struct buf crlf;
        buf_init(&crlf, MESSAGE_MAX);
        int rc = -1;
        for (const char *p = body; *p; p++) {
                if (*p == '\n' && (p == body || p[-1] != '\r')) {
                        if (buf_putc(&crlf, '\r') < 0)
                                goto out;
                }
                if (buf_putc(&crlf, *p) < 0)
                        goto out;
                if (*p == '\r' && p[1] != '\n' && buf_putc(&crlf, '\n') < 0)
                        goto out;
        }
        struct buf enc;
        buf_init(&enc, MESSAGE_MAX * 2);
        if (put_base64(&enc, (const unsigned char *)crlf.data, crlf.len) == 0) {
                rc = 0;
                for (size_t i = 0; i < enc.len && rc == 0; i += BASE64_LINE) {
                        size_t n = enc.len - i < BASE64_LINE ? enc.len - i : BASE64_LINE;
                        if (buf_append(b, enc.data + i, n) < 0 || buf_puts(b, "\r\n") < 0)
                                rc = -1;
                }
        }
        buf_release(&enc);
out:
        buf_release(&crlf);
        return rc;
}

int channel_build_email(struct buf *out, const struct channel_settings *s,
                        const struct channel_message *m, int64_t now_ms)
{
        if (put_date(out, now_ms) < 0 || buf_printf(out, "From: %s\r\n", s->smtp_from) < 0 ||
            buf_printf(out, "To: %s\r\n", m->recipient) < 0)
                return -1;
        if (m->subject && *m->subject && put_subject(out, m->subject) < 0)
                return -1;
        if (put_message_id(out, s, m->key) < 0 ||
            buf_puts(out, "MIME-Version: 1.0\r\n"
                          "Content-Type: text/plain; charset=UTF-8\r\n"
                          "Content-Transfer-Encoding: base64\r\n"
                          "Auto-Submitted: auto-generated\r\n"
                          "\r\n") < 0)
                return -1;
        return put_body(out, m->body);
}

/* ---- sending ------------------------------------------------------------------------- */

struct upload {
        const char *data;
        size_t len, pos;
};

static size_t read_upload(char *dst, size_t size, size_t n, void *userdata)
{
        struct upload *u = userdata;
        size_t room = size * n, left = u->len - u->pos;
        size_t take = left < room ? left : room;
        memcpy(dst, u->data + u->pos, take);
        u->pos += take;
        return take;
}

static int smtp_failure(CURL *curl, CURLcode res, const char *errbuf,
                        const struct channel_settings *s, struct channel_result *r)
{
        const char *why = errbuf[0] ? errbuf : curl_easy_strerror(res);
        long code = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
        if (code >= 500 && code <= 599 && strstr(why, "RCPT"))
                return channel_fail(r, true, "mail server refused the recipient: %s", why);
        if (res == CURLE_OPERATION_TIMEDOUT)
                return channel_fail(r, false, "mail server timeout after %ld ms: %s", s->timeout_ms,
                                    why);
        if (res == CURLE_COULDNT_CONNECT || res == CURLE_COULDNT_RESOLVE_HOST)
                return channel_fail(r, false, "cannot connect to the mail server: %s", why);
        return channel_fail(r, false, "mail server failed: %s", why);
}

int channel_smtp_send(const struct channel_settings *s, const struct channel_message *m,
                      struct channel_result *r)
{
        snprintf(r->transport, sizeof(r->transport), "smtp");
        struct buf msg;
        buf_init(&msg, MESSAGE_MAX * 3);
        struct curl_slist *rcpt = NULL;
        CURL *curl = NULL;
        char errbuf[CURL_ERROR_SIZE] = "";
        char from[300];
        int rc = -1;

        if (channel_build_email(&msg, s, m, time_now_ms()) < 0) {
                channel_fail(r, true, "message too long for e-mail");
                goto out;
        }
        snprintf(from, sizeof(from), "<%s>", s->smtp_from);
        rcpt = curl_slist_append(NULL, m->recipient);
        curl = curl_easy_init();
        if (!rcpt || !curl) {
                channel_fail(r, false, "out of memory preparing the e-mail");
                goto out;
        }
        struct upload up = {msg.data, msg.len, 0};
        curl_easy_setopt(curl, CURLOPT_URL, s->smtp_url);
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, s->timeout_ms);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, s->timeout_ms);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
        curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
        curl_easy_setopt(curl, CURLOPT_READDATA, &up);
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
        if (s->smtp_starttls)
                curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
        if (s->smtp_user[0]) {
                curl_easy_setopt(curl, CURLOPT_USERNAME, s->smtp_user);
                curl_easy_setopt(curl, CURLOPT_PASSWORD, s->smtp_password);
        }
        CURLcode res = curl_easy_perform(curl);
        if (res != CURLE_OK) {
                smtp_failure(curl, res, errbuf, s, r);
                goto out;
        }
        rc = 0;
out:
        curl_easy_cleanup(curl);
        curl_slist_free_all(rcpt);
        buf_release(&msg);
        return rc;
}
