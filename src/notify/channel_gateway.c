/*
 * channel_gateway: SMS/LMS through a generic HTTP gateway, the way Korean carriers are
 * reached. One POST per message to PCRM_SMS_URL with Content-Type: application/json, the
 * one auth header of PCRM_SMS_AUTH, and the body rendered from the PCRM_SMS_BODY
 * template. The answer decides what the outbox does next:
 *   2xx                                accepted (a string or number "id" / "message_id"
 *                                      in a JSON answer becomes provider_id);
 *   408, 429, 5xx, network, timeout   retryable;
 *   other 4xx                          permanent (the gateway refused this message).
 * Nothing of the answer but its status and id is kept: it may echo the text or number.
 */
#include "notify/channel.h"

#include "base/buf.h"
#include "base/utf8.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define BODY_MAX   (32 * 1024) /* an LMS is 2,000 EUC-KR bytes; JSON escaping stays well under */
#define ANSWER_MAX (64 * 1024)

/* ---- the body template --------------------------------------------------------------- */

static int put_json_escaped(struct buf *b, const char *s)
{
        static const char hex[] = "0123456789abcdef";
        for (; s && *s; s++) {
                unsigned char c = (unsigned char)*s;
                int rc;
                switch (c) {
                case '"':
                        rc = buf_puts(b, "\\\"");
                        break;
                case '\\':
                        rc = buf_puts(b, "\\\\");
                        break;
                case '\n':
                        rc = buf_puts(b, "\\n");
                        break;
                case '\r':
                        rc = buf_puts(b, "\\r");
                        break;
                case '\t':
                        rc = buf_puts(b, "\\t");
                        break;
                default:
                        if (c < 0x20 || c == 0x7F) {
                                char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
                                rc = buf_puts(b, u);
                        } else {
                                rc = buf_putc(b, (char)c);
                        }
                }
                if (rc < 0)
                        return -1;
        }
        return 0;
}

/* Telephone numbers as gateways want them: digits only. */
static int put_digits(struct buf *b, const char *s)
{
        for (; *s; s++)
                if (*s >= '0' && *s <= '9' && buf_putc(b, *s) < 0)
                        return -1;
        return 0;
}

static const char *const placeholders[] = {"to", "from", "text", "class", "subject", "key"};
#define N_PLACEHOLDERS (sizeof(placeholders) / sizeof(placeholders[0]))

/* The placeholder "{name}" at p: its index, with its length in *len; -1 if none. */
static int placeholder_at(const char *p, size_t *len)
{
        if (*p != '{')
                return -1;
        for (size_t i = 0; i < N_PLACEHOLDERS; i++) {
                size_t n = strlen(placeholders[i]);
                if (!strncmp(p + 1, placeholders[i], n) && p[1 + n] == '}') {
                        *len = n + 2;
                        return (int)i;
                }
        }
        return -1;
}

static int put_value(struct buf *out, int which, const struct channel_settings *s,
                     const struct channel_message *m)
{
        switch (which) {
        case 0:
                return put_digits(out, m->recipient);
        case 1:
                return put_digits(out, m->sender && *m->sender ? m->sender : s->sms_sender);
        case 2:
                return put_json_escaped(out, m->body);
        case 3:
                return put_json_escaped(out, m->msg_class);
        case 4:
                return put_json_escaped(out, m->subject);
        default:
                return put_json_escaped(out, m->key);
        }
}

int channel_render_body(struct buf *out, const char *tmpl, const struct channel_settings *s,
                        const struct channel_message *m)
{
        for (const char *p = tmpl; *p;) {
                size_t len;
                int which = placeholder_at(p, &len);
                if (which < 0) {
                        if (buf_putc(out, *p++) < 0)
                                return -1;
                        continue;
                }
                if (put_value(out, which, s, m) < 0)
                        return -1;
                p += len;
        }
        return 0;
}

/* ---- the request --------------------------------------------------------------------- */

static size_t keep_answer(char *data, size_t size, size_t n, void *userdata)
{
        struct buf *b = userdata;
        /* An answer past the limit is cut, not an error: only its start (the id) matters. */
        (void)buf_append(b, data, size * n);
        return size * n;
}

/* A string or number "id" or "message_id" of a JSON object answer. */
static void copy_provider_id(const struct buf *answer, struct channel_result *r)
{
        json_t *j = json_loadb(answer->data, answer->len, 0, NULL);
        if (!json_is_object(j))
                goto out;
        json_t *id = json_object_get(j, "id");
        if (!id)
                id = json_object_get(j, "message_id");
        if (json_is_string(id) && utf8_valid_text(json_string_value(id), json_string_length(id)))
                utf8_copy(r->provider_id, sizeof(r->provider_id), json_string_value(id));
        else if (json_is_integer(id))
                snprintf(r->provider_id, sizeof(r->provider_id), "%" JSON_INTEGER_FORMAT,
                         json_integer_value(id));
out:
        json_decref(j);
}

static int network_failure(CURLcode res, const char *errbuf, const struct channel_settings *s,
                           struct channel_result *r)
{
        const char *why = errbuf[0] ? errbuf : curl_easy_strerror(res);
        if (res == CURLE_OPERATION_TIMEDOUT)
                return channel_fail(r, false, "gateway timeout after %ld ms: %s", s->timeout_ms,
                                    why);
        if (res == CURLE_COULDNT_CONNECT || res == CURLE_COULDNT_RESOLVE_HOST)
                return channel_fail(r, false, "cannot connect to the gateway: %s", why);
        return channel_fail(r, false, "gateway request failed: %s", why);
}

static int judge_status(long status, struct channel_result *r)
{
        if (status >= 200 && status <= 299)
                return 0;
        if (status == 408 || status == 429 || (status >= 500 && status <= 599))
                return channel_fail(r, false, "gateway answered HTTP %ld (will retry)", status);
        if (status >= 400 && status <= 499)
                return channel_fail(r, true, "gateway refused the message: HTTP %ld", status);
        return channel_fail(r, false, "gateway answered an unexpected HTTP %ld", status);
}

static struct curl_slist *request_headers(const struct channel_settings *s)
{
        /* "Expect:" keeps curl from waiting for a 100 Continue before a larger body. */
        const char *lines[] = {"Content-Type: application/json", "Expect:", s->sms_auth};
        struct curl_slist *list = NULL;
        for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
                if (!*lines[i])
                        continue;
                struct curl_slist *next = curl_slist_append(list, lines[i]);
                if (!next) {
                        curl_slist_free_all(list);
                        return NULL;
                }
                list = next;
        }
        return list;
}

int channel_gateway_send(const struct channel_settings *s, const struct channel_message *m,
                         struct channel_result *r)
{
        snprintf(r->transport, sizeof(r->transport), "gateway");
        struct buf body, answer;
        buf_init(&body, BODY_MAX);
        buf_init(&answer, ANSWER_MAX);
        struct curl_slist *headers = NULL;
        CURL *curl = NULL;
        char errbuf[CURL_ERROR_SIZE] = "";
        int rc = -1;

        if (channel_render_body(&body, s->sms_body, s, m) < 0) {
                channel_fail(r, true, "gateway body too long");
                goto out;
        }
        headers = request_headers(s);
        curl = curl_easy_init();
        if (!headers || !curl) {
                channel_fail(r, false, "out of memory preparing the gateway request");
                goto out;
        }
        curl_easy_setopt(curl, CURLOPT_URL, s->sms_url);
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, s->timeout_ms);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, s->timeout_ms);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_answer);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
        curl_easy_setopt(curl, CURLOPT_USERAGENT, "pcrm/" PCRM_VERSION);

        CURLcode res = curl_easy_perform(curl);
        if (res != CURLE_OK) {
                network_failure(res, errbuf, s, r);
                goto out;
        }
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        if (judge_status(status, r) < 0)
                goto out;
        copy_provider_id(&answer, r);
        rc = 0;
out:
        curl_easy_cleanup(curl);
        curl_slist_free_all(headers);
        buf_release(&answer);
        buf_release(&body);
        return rc;
}
