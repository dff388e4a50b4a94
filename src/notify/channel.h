/*
 * channel: the transports that carry a message out of pcrm, behind one interface.
 *   file     appends the message to DATA/outbox.log (the demo default: no gateway needed);
 *   smtp     e-mail through an SMTP server with libcurl (STARTTLS or smtps:// when set),
 *            UTF-8 subject (RFC 2047) and body (base64) so Korean arrives intact;
 *   gateway  SMS/LMS through a generic HTTP gateway: URL, one auth header and a JSON body
 *            template from the settings, as Korean carriers are reached through such
 *            gateways.
 * A medium (sms, email) goes to its configured transport, else to the file.
 *
 * The outbox (outbox.h) owns retries, rate limits and quiet hours; a transport only sends
 * once and says whether a failure is worth retrying. Ownership: the settings are plain
 * values filled once at start; messages are borrowed for the call.
 */
#ifndef PCRM_NOTIFY_CHANNEL_H
#define PCRM_NOTIFY_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Korean gateways count SMS/LMS text in EUC-KR bytes. */
#define CHANNEL_SMS_MAX_BYTES 90
#define CHANNEL_LMS_MAX_BYTES 2000

struct channel_settings {
        char outbox_path[600]; /* DATA/outbox.log */
        /* e-mail: PCRM_SMTP_URL (smtp://host:port or smtps://...; empty = use the file),
         * PCRM_SMTP_FROM, PCRM_SMTP_USER, PCRM_SMTP_PASSWORD, PCRM_SMTP_TLS (none|starttls) */
        char smtp_url[256];
        char smtp_from[256];
        char smtp_user[128];
        char smtp_password[256];
        bool smtp_starttls;
        /* SMS/LMS: PCRM_SMS_URL (empty = use the file), PCRM_SMS_AUTH (one header line,
         * "Authorization: Bearer ..."), PCRM_SMS_BODY (JSON template with {to} {from}
         * {text} {class} {subject} {key}, each replaced JSON-escaped), PCRM_SMS_SENDER */
        char sms_url[256];
        char sms_auth[512];
        char sms_body[1024];
        char sms_sender[32];
        long timeout_ms; /* PCRM_NOTIFY_TIMEOUT_MS: per send, connect included */
};

struct channel_message {
        const char *key;       /* unique message key: Message-ID / the gateway's {key} */
        const char *medium;    /* "sms" or "email" */
        const char *msg_class; /* "SMS", "LMS" or "EMAIL" */
        const char *recipient; /* canonical mobile (010-1234-5678) or e-mail address */
        const char *subject;   /* e-mail subject, LMS title; may be NULL for SMS */
        const char *body;      /* UTF-8 */
        const char *sender;    /* the tenant's registered SMS number; NULL: PCRM_SMS_SENDER */
};

struct channel_result {
        bool permanent;       /* retrying cannot help (rejected recipient, 4xx from gateway) */
        char error[256];      /* why it failed, for the message row */
        char transport[16];   /* "file", "smtp" or "gateway": where it went */
        char provider_id[64]; /* the gateway's message id, when it returns one */
};

/* Fills defaults (outbox under data_dir) and applies the PCRM_* variables above.
 * Returns 0, or -1 after printing which setting is wrong. */
int channel_settings_load(struct channel_settings *s, const char *data_dir);

/* Once per process, before threads: curl_global_init. */
int channel_global_init(void);

/* A calling number as carriers register them: digits and '-', 3 to 15 digits. */
bool channel_sender_valid(const char *number);

/* Sends one message through the transport its medium is configured for.
 * Returns 0 when the transport accepted it, -1 with r->error (and r->permanent) filled. */
int channel_send(const struct channel_settings *s, const struct channel_message *m,
                 struct channel_result *r);

/* The number of bytes the text takes in EUC-KR (CP949), as Korean gateways count:
 * ASCII 1, Hangul and other double-byte characters 2; a character with no CP949 form
 * counts 2 (gateways substitute it). -1 if the text is not valid UTF-8. */
long channel_euckr_bytes(const char *utf8);

/* "SMS" up to 90 bytes, "LMS" up to 2,000, NULL if longer (the caller cuts the text). */
const char *channel_sms_class(const char *utf8);

/* At exit of a process that called channel_global_init: curl_global_cleanup. */
void channel_global_cleanup(void);

/*
 * The pieces channel_send is made of, exposed for the tests and for tools. Each transport
 * sends m as it is (channel_send checks the message first) and fills r->transport.
 */
struct buf;
/* Fills r->error from fmt and r->permanent; returns -1 (for `return channel_fail(...)`). */
int channel_fail(struct channel_result *r, bool permanent, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int channel_file_send(const struct channel_settings *s, const struct channel_message *m,
                      struct channel_result *r);
int channel_smtp_send(const struct channel_settings *s, const struct channel_message *m,
                      struct channel_result *r);
int channel_gateway_send(const struct channel_settings *s, const struct channel_message *m,
                         struct channel_result *r);

/* The default PCRM_SMS_BODY. */
#define CHANNEL_SMS_BODY_DEFAULT                                                                   \
        "{\"to\":\"{to}\",\"from\":\"{from}\",\"text\":\"{text}\",\"type\":\"{class}\","           \
        "\"subject\":\"{subject}\",\"ref\":\"{key}\"}"

/*
 * Appends the gateway's JSON body to out: tmpl with {to} {from} {text} {class} {subject}
 * {key} replaced by the values JSON-escaped (without quotes); phone numbers as digits
 * only; any other brace is copied as it is. Returns 0, or -1 when out's maximum is hit.
 */
int channel_render_body(struct buf *out, const char *tmpl, const struct channel_settings *s,
                        const struct channel_message *m);

/*
 * Appends the RFC 5322 message the SMTP transport uploads to out (CRLF line ends): Date
 * (KST) of now_ms, From, To, Subject as RFC 2047 UTF-8 encoded-words, Message-ID from the
 * key, and the body as base64 text/plain UTF-8. Returns 0, or -1 when out's maximum is hit.
 */
int channel_build_email(struct buf *out, const struct channel_settings *s,
                        const struct channel_message *m, int64_t now_ms);

#endif
