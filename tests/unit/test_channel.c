/*
 * Unit tests for notify/channel: the EUC-KR byte count and the SMS/LMS choice, the file
 * transport (one whole record per message, even from several threads at once), the
 * checks channel_send makes before any transport, the gateway's JSON body template, the
 * e-mail the SMTP transport uploads, and the PCRM_SMTP_* / PCRM_SMS_* settings. The
 * network transports themselves are tested end to end in tests/api/test_channels.py.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testlib.h"

#include "base/buf.h"
#include "base/utf8.h"
#include "notify/channel.h"

#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- EUC-KR bytes and the class ------------------------------------------------------ */

static const struct {
        const char *text;
        long bytes;
} euckr_cases[] = {
    {"", 0},
    {"hello", 5},
    {"안녕", 4},
    {"부산 120", 8},
    {"[부산시] 민원 2026-000123 접수", 30},
    {"漢字", 4},                /* Hanja: double-byte in CP949 */
    {"①※", 4},                  /* symbols CP949 has */
    {"é", 2},                   /* no CP949 form: the gateway substitutes, still 2 */
    {"😀", 2},                   /* four UTF-8 bytes, no CP949 form: 2 */
    {"ㄱㅏ", 4},                /* compatibility jamo */
    {"a\nb\tc", 5},             /* control characters are single bytes */
    {"\xff", -1},               /* not UTF-8 */
    {"\xea\xb0", -1},           /* cut inside 가 */
    {"\xc0\xaf", -1},           /* overlong '/' */
    {"\xed\xa0\x80", -1},       /* a UTF-16 surrogate */
    {"ok\xf4\x90\x80\x80", -1}, /* above U+10FFFF */
};

static void test_euckr_bytes_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < N_ELEMS(euckr_cases); i++) {
                long got = channel_euckr_bytes(euckr_cases[i].text);
                if (got != euckr_cases[i].bytes)
                        fail_msg("euckr_bytes(\"%s\") = %ld, want %ld", euckr_cases[i].text, got,
                                 euckr_cases[i].bytes);
        }
        assert_int_equal(channel_euckr_bytes(NULL), -1);
}

/* n copies of s. */
static char *repeat(const char *s, size_t n)
{
        size_t len = strlen(s);
        char *out = malloc(len * n + 1);
        assert_non_null(out);
        for (size_t i = 0; i < n; i++)
                memcpy(out + i * len, s, len);
        out[len * n] = '\0';
        return out;
}

static const struct {
        const char *unit;
        size_t count;
        const char *tail;
        long bytes;
        const char *cls;
} class_cases[] = {
    {"가", 45, "", 90, "SMS"},     {"가", 46, "", 92, "LMS"},     {"가", 44, "a", 89, "SMS"},
    {"가", 44, "ab", 90, "SMS"},   {"가", 44, "abc", 91, "LMS"},  {"a", 90, "", 90, "SMS"},
    {"a", 91, "", 91, "LMS"},      {"😀", 45, "", 90, "SMS"}, /* 180 UTF-8 bytes, 90 as the gateway
                                                                counts */
    {"가", 1000, "", 2000, "LMS"}, {"가", 1000, "a", 2001, NULL}, {"가", 1001, "", 2002, NULL},
    {"a", 2000, "", 2000, "LMS"},  {"a", 2001, "", 2001, NULL},   {"", 0, "", 0, "SMS"},
};

static void test_sms_class_boundaries(void **state)
{
        (void)state;
        for (size_t i = 0; i < N_ELEMS(class_cases); i++) {
                char *body = repeat(class_cases[i].unit, class_cases[i].count);
                size_t len = strlen(body);
                char *text = realloc(body, len + strlen(class_cases[i].tail) + 1);
                assert_non_null(text);
                strcpy(text + len, class_cases[i].tail);
                long bytes = channel_euckr_bytes(text);
                const char *cls = channel_sms_class(text);
                const char *want = class_cases[i].cls;
                if (bytes != class_cases[i].bytes || (cls == NULL) != (want == NULL) ||
                    (cls && strcmp(cls, want)))
                        fail_msg("case %zu (%zu x %s + %s): %ld bytes %s; want %ld %s", i,
                                 class_cases[i].count, class_cases[i].unit, class_cases[i].tail,
                                 bytes, cls ? cls : "NULL", class_cases[i].bytes,
                                 want ? want : "NULL");
                free(text);
        }
        assert_null(channel_sms_class("\xff"));
        assert_null(channel_sms_class(NULL));
}

/* ---- settings ------------------------------------------------------------------------ */

static const char *const channel_vars[] = {
    "PCRM_SMTP_URL",   "PCRM_SMTP_FROM",         "PCRM_SMTP_USER", "PCRM_SMTP_PASSWORD",
    "PCRM_SMTP_TLS",   "PCRM_SMS_URL",           "PCRM_SMS_AUTH",  "PCRM_SMS_BODY",
    "PCRM_SMS_SENDER", "PCRM_NOTIFY_TIMEOUT_MS",
};

static int clear_env(void **state)
{
        (void)state;
        for (size_t i = 0; i < N_ELEMS(channel_vars); i++)
                unsetenv(channel_vars[i]);
        return 0;
}

/* channel_settings_load with stderr captured into err. */
static int load_quiet(struct channel_settings *s, const char *dir, char *err, size_t errlen)
{
        char path[512];
        snprintf(path, sizeof(path), "%s/stderr.txt", tl_dir);
        fflush(stderr);
        int saved = dup(STDERR_FILENO);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_true(saved >= 0 && fd >= 0);
        dup2(fd, STDERR_FILENO);
        close(fd);
        int rc = channel_settings_load(s, dir);
        fflush(stderr);
        dup2(saved, STDERR_FILENO);
        close(saved);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        size_t n = fread(err, 1, errlen - 1, f);
        err[n] = '\0';
        fclose(f);
        return rc;
}

static void test_settings_defaults(void **state)
{
        (void)state;
        struct channel_settings s;
        char err[1024];
        assert_int_equal(load_quiet(&s, "/var/lib/pcrm", err, sizeof(err)), 0);
        assert_string_equal(err, "");
        assert_string_equal(s.outbox_path, "/var/lib/pcrm/outbox.log");
        assert_string_equal(s.smtp_url, "");
        assert_string_equal(s.smtp_from, "pcrm@localhost");
        assert_false(s.smtp_starttls);
        assert_string_equal(s.sms_url, "");
        assert_string_equal(s.sms_auth, "");
        assert_string_equal(s.sms_sender, "051-120");
        assert_string_equal(s.sms_body, CHANNEL_SMS_BODY_DEFAULT);
        assert_int_equal(s.timeout_ms, 10000);
}

static void test_settings_from_environment(void **state)
{
        (void)state;
        setenv("PCRM_SMTP_URL", "smtps://mail.busan.go.kr:465", 1);
        setenv("PCRM_SMTP_FROM", "noreply@busan.go.kr", 1);
        setenv("PCRM_SMTP_USER", "pcrm", 1);
        setenv("PCRM_SMTP_PASSWORD", "비밀 password", 1);
        setenv("PCRM_SMTP_TLS", "starttls", 1);
        setenv("PCRM_SMS_URL", "https://sms.example.kr/v1/send", 1);
        setenv("PCRM_SMS_AUTH", "X-Api-Key: abc123", 1);
        setenv("PCRM_SMS_BODY", "{\"msg\":{\"body\":\"{text}\",\"kind\":\"{class}\"}}", 1);
        setenv("PCRM_SMS_SENDER", "1588-0120", 1);
        setenv("PCRM_NOTIFY_TIMEOUT_MS", "2500", 1);
        struct channel_settings s;
        char err[1024];
        assert_int_equal(load_quiet(&s, tl_dir, err, sizeof(err)), 0);
        assert_string_equal(s.smtp_url, "smtps://mail.busan.go.kr:465");
        assert_string_equal(s.smtp_from, "noreply@busan.go.kr");
        assert_string_equal(s.smtp_password, "비밀 password");
        assert_true(s.smtp_starttls);
        assert_string_equal(s.sms_auth, "X-Api-Key: abc123");
        assert_string_equal(s.sms_sender, "1588-0120");
        assert_int_equal(s.timeout_ms, 2500);
        setenv("PCRM_SMTP_TLS", "none", 1);
        assert_int_equal(load_quiet(&s, tl_dir, err, sizeof(err)), 0);
        assert_false(s.smtp_starttls);
        clear_env(NULL);
}

static const struct {
        const char *name, *value;
} bad_settings[] = {
    {"PCRM_SMTP_TLS", "yes"},
    {"PCRM_SMTP_TLS", ""},
    {"PCRM_SMTP_TLS", "STARTTLS"},
    {"PCRM_NOTIFY_TIMEOUT_MS", "abc"},
    {"PCRM_NOTIFY_TIMEOUT_MS", "99"},
    {"PCRM_NOTIFY_TIMEOUT_MS", "600001"},
    {"PCRM_NOTIFY_TIMEOUT_MS", "1000ms"},
    {"PCRM_NOTIFY_TIMEOUT_MS", ""},
    {"PCRM_SMTP_URL", "http://mail.example.kr"},
    {"PCRM_SMTP_URL", "smtp://mail example.kr"},
    {"PCRM_SMTP_FROM", "부산시 <noreply@busan.go.kr>"},
    {"PCRM_SMTP_FROM", "noreply"},
    {"PCRM_SMTP_FROM", "a@b\r\nBcc: x@y"},
    {"PCRM_SMTP_PASSWORD", "pw\r\nRSET"},
    {"PCRM_SMS_URL", "ftp://sms.example.kr"},
    {"PCRM_SMS_URL", "sms.example.kr/send"},
    {"PCRM_SMS_AUTH", "Bearer abc"},
    {"PCRM_SMS_AUTH", "Authorization: Bearer a\r\nX-Evil: 1"},
    {"PCRM_SMS_AUTH", "Bad Name: v"},
    {"PCRM_SMS_SENDER", "call centre"},
    {"PCRM_SMS_SENDER", "12"},
    {"PCRM_SMS_BODY", "{\"text\":\"{text}\""},      /* unbalanced */
    {"PCRM_SMS_BODY", "{\"text\":{text}}"},         /* the text outside quotes */
    {"PCRM_SMS_BODY", "{\"text\":\"\xff{text}\"}"}, /* not UTF-8 */
};

static void test_settings_errors_name_the_variable(void **state)
{
        (void)state;
        for (size_t i = 0; i < N_ELEMS(bad_settings); i++) {
                clear_env(NULL);
                setenv(bad_settings[i].name, bad_settings[i].value, 1);
                struct channel_settings s;
                char err[1024];
                int rc = load_quiet(&s, tl_dir, err, sizeof(err));
                if (rc != -1 || !strstr(err, bad_settings[i].name))
                        fail_msg("%s=%s: rc %d, stderr \"%s\"", bad_settings[i].name,
                                 bad_settings[i].value, rc, err);
        }
        clear_env(NULL);
        /* values longer than their field are refused, never cut */
        char *long_url = repeat("a", 300);
        char value[400];
        snprintf(value, sizeof(value), "https://%s", long_url);
        free(long_url);
        setenv("PCRM_SMS_URL", value, 1);
        struct channel_settings s;
        char err[1024];
        assert_int_equal(load_quiet(&s, tl_dir, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "PCRM_SMS_URL is too long"));
        clear_env(NULL);
        /* a data directory whose outbox path does not fit */
        char *deep = repeat("d", 700);
        assert_int_equal(load_quiet(&s, deep, err, sizeof(err)), -1);
        free(deep);
}

/* ---- the file transport -------------------------------------------------------------- */

static char *read_file(const char *path)
{
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
                assert_int_equal(buf_append(&b, chunk, n), 0);
        fclose(f);
        return buf_detach(&b, NULL);
}

static size_t count(const char *hay, const char *needle)
{
        size_t n = 0;
        for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
                n++;
        return n;
}

static void file_settings(struct channel_settings *s, const char *name)
{
        char err[1024];
        assert_int_equal(load_quiet(s, tl_dir, err, sizeof(err)), 0);
        snprintf(s->outbox_path, sizeof(s->outbox_path), "%s/%s", tl_dir, name);
        unlink(s->outbox_path);
}

static void test_file_transport_appends_records(void **state)
{
        (void)state;
        struct channel_settings s;
        file_settings(&s, "outbox-a.log");
        const struct channel_message sms = {
            .key = "msg-101",
            .medium = "sms",
            .msg_class = "SMS",
            .recipient = "010-2345-6789",
            .body = "[부산시] 민원 2026-000123이 접수되었습니다.",
        };
        const struct channel_message mail = {
            .key = "msg-102",
            .medium = "email",
            .msg_class = "EMAIL",
            .recipient = "hong.gildong@example.kr",
            .subject = "민원 처리 결과\n안내",
            .body = "홍길동님,\n요청하신 도로 보수가 완료되었습니다.\n",
        };
        struct channel_result r;
        assert_int_equal(channel_send(&s, &sms, &r), 0);
        assert_string_equal(r.transport, "file");
        assert_string_equal(r.error, "");
        assert_int_equal(channel_send(&s, &mail, &r), 0);
        assert_string_equal(r.transport, "file");

        struct stat st;
        assert_int_equal(stat(s.outbox_path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        char *text = read_file(s.outbox_path);
        assert_int_equal(count(text, "=== "), 2);
        const char *first = strstr(text, "=== ");
        assert_ptr_equal(first, text);
        assert_non_null(strstr(text, " sms SMS to 010-2345-6789 key msg-101\n"
                                     "[부산시] 민원 2026-000123이 접수되었습니다.\n\n"));
        assert_non_null(strstr(text, " email EMAIL to hong.gildong@example.kr key msg-102\n"
                                     "Subject: 민원 처리 결과 안내\n"
                                     "홍길동님,\n요청하신 도로 보수가 완료되었습니다.\n\n"));
        /* the header carries the time in KST */
        assert_non_null(strstr(text, "+09:00 sms SMS"));
        assert_true(utf8_valid(text, strlen(text)));
        free(text);

        /* a wider file is tightened to 0600 on the next append */
        assert_int_equal(chmod(s.outbox_path, 0644), 0);
        assert_int_equal(channel_send(&s, &sms, &r), 0);
        assert_int_equal(stat(s.outbox_path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        text = read_file(s.outbox_path);
        assert_int_equal(count(text, "=== "), 3);
        free(text);
}

struct writer {
        const struct channel_settings *s;
        int id;
        int failures;
};

#define WRITERS    4
#define PER_WRITER 25

static void *write_many(void *arg)
{
        struct writer *w = arg;
        char key[32], body[256];
        for (int i = 0; i < PER_WRITER; i++) {
                snprintf(key, sizeof(key), "w%d-%d", w->id, i);
                snprintf(body, sizeof(body),
                         "작성자 %d의 %d번째 안내문입니다. 끝까지 온전해야 합니다.", w->id, i);
                const struct channel_message m = {key,    "sms", "LMS", "010-1111-2222",
                                                  "제목", body,  NULL};
                struct channel_result r;
                if (channel_send(w->s, &m, &r) < 0)
                        w->failures++;
        }
        return NULL;
}

static void test_file_transport_records_never_interleave(void **state)
{
        (void)state;
        struct channel_settings s;
        file_settings(&s, "outbox-threads.log");
        pthread_t t[WRITERS];
        struct writer w[WRITERS];
        for (int i = 0; i < WRITERS; i++) {
                w[i] = (struct writer){&s, i, 0};
                assert_int_equal(pthread_create(&t[i], NULL, write_many, &w[i]), 0);
        }
        for (int i = 0; i < WRITERS; i++) {
                pthread_join(t[i], NULL);
                assert_int_equal(w[i].failures, 0);
        }
        char *text = read_file(s.outbox_path);
        assert_int_equal(count(text, "=== "), WRITERS * PER_WRITER);
        for (int i = 0; i < WRITERS; i++)
                for (int j = 0; j < PER_WRITER; j++) {
                        char want[256];
                        snprintf(want, sizeof(want),
                                 "key w%d-%d\nSubject: 제목\n작성자 %d의 %d번째 안내문입니다. "
                                 "끝까지 온전해야 합니다.\n\n",
                                 i, j, i, j);
                        if (!strstr(text, want))
                                fail_msg("record w%d-%d is missing or torn", i, j);
                }
        free(text);
}

static void test_file_transport_failure_is_retryable(void **state)
{
        (void)state;
        struct channel_settings s;
        file_settings(&s, "x.log");
        snprintf(s.outbox_path, sizeof(s.outbox_path), "%s/no-such-dir/outbox.log", tl_dir);
        const struct channel_message m = {"k1", "sms", "SMS", "010-2345-6789", NULL, "안녕", NULL};
        struct channel_result r;
        assert_int_equal(channel_send(&s, &m, &r), -1);
        assert_false(r.permanent);
        assert_string_equal(r.transport, "file");
        assert_non_null(strstr(r.error, "outbox file"));
}

/* ---- the checks before any transport ------------------------------------------------- */

static void test_send_refuses_bad_messages(void **state)
{
        (void)state;
        struct channel_settings s;
        file_settings(&s, "outbox-bad.log");
        char *sms91 = repeat("a", 91);
        char *lms2001 = repeat("a", 2001);
        const struct {
                struct channel_message m;
                const char *error;
        } cases[] = {
            {{"k", "fax", "SMS", "010-2345-6789", NULL, "x", NULL}, "unknown medium"},
            {{"k", "sms", "SMS", "010-2345-6789", NULL, sms91, NULL}, "91 bytes in EUC-KR"},
            {{"k", "sms", "LMS", "010-2345-6789", NULL, lms2001, NULL}, "2001 bytes"},
            {{"k", "sms", "MMS", "010-2345-6789", NULL, "x", NULL}, "SMS or LMS"},
            {{"k", "sms", "SMS", "010-2345-6789", NULL, "\xea\xb0", NULL}, "not valid UTF-8"},
            {{"k", "sms", "SMS", "hong@example.kr", NULL, "x", NULL}, "telephone number"},
            {{"k", "sms", "SMS", "010-23", NULL, "x", NULL}, "telephone number"},
            {{"k", "email", "EMAIL", "010-2345-6789", NULL, "x", NULL}, "e-mail address"},
            {{"k", "email", "EMAIL", "a@b\r\nBcc: c@d", NULL, "x", NULL}, "e-mail address"},
            {{"k", "email", "EMAIL", "a@b.kr", "\xff", "x", NULL}, "subject"},
            {{"", "sms", "SMS", "010-2345-6789", NULL, "x", NULL}, "missing"},
            {{"k\n", "sms", "SMS", "010-2345-6789", NULL, "x", NULL}, "key"},
            {{"k", "sms", "SMS", "010-2345-6789", NULL, NULL, NULL}, "missing"},
        };
        for (size_t i = 0; i < N_ELEMS(cases); i++) {
                struct channel_result r;
                int rc = channel_send(&s, &cases[i].m, &r);
                if (rc != -1 || !r.permanent || !strstr(r.error, cases[i].error))
                        fail_msg("case %zu: rc %d permanent %d error \"%s\"; want \"%s\"", i, rc,
                                 r.permanent, r.error, cases[i].error);
        }
        free(sms91);
        free(lms2001);
        assert_int_equal(access(s.outbox_path, F_OK), -1); /* nothing was written */
}

/* ---- the gateway body ---------------------------------------------------------------- */

static json_t *render(const struct channel_settings *s, const char *tmpl,
                      const struct channel_message *m, char *raw, size_t rawlen)
{
        struct buf b;
        buf_init(&b, 64 * 1024);
        assert_int_equal(channel_render_body(&b, tmpl, s, m), 0);
        snprintf(raw, rawlen, "%s", b.data);
        json_error_t e;
        json_t *j = json_loadb(b.data, b.len, 0, &e);
        if (!j)
                fail_msg("not JSON (%s): %s", e.text, b.data);
        buf_release(&b);
        return j;
}

static void test_render_body_escapes_values(void **state)
{
        (void)state;
        struct channel_settings s;
        file_settings(&s, "unused.log");
        const char *text = "\"따옴표\" \\ 역슬래시\n줄바꿈\t탭 \x01 끝";
        const struct channel_message m = {"2026-000123/1", "sms", "LMS", "010-2345-6789",
                                          "민원 \"안내\"", text,  NULL};
        char raw[2048];
        json_t *j = render(&s, s.sms_body, &m, raw, sizeof(raw));
        assert_string_equal(json_string_value(json_object_get(j, "to")), "01023456789");
        assert_string_equal(json_string_value(json_object_get(j, "from")), "051120");
        assert_string_equal(json_string_value(json_object_get(j, "text")), text);
        assert_string_equal(json_string_value(json_object_get(j, "type")), "LMS");
        assert_string_equal(json_string_value(json_object_get(j, "subject")), "민원 \"안내\"");
        assert_string_equal(json_string_value(json_object_get(j, "ref")), "2026-000123/1");
        assert_int_equal(json_object_size(j), 6);
        json_decref(j);
        /* the escapes as written: no raw control character reaches the gateway */
        assert_non_null(strstr(raw, "\\\"따옴표\\\" \\\\ 역슬래시\\n줄바꿈\\t탭 \\u0001 끝"));

        /* a NULL subject is empty; unknown and JSON braces are copied as they are */
        const struct channel_message sms = {"k", "sms", "SMS", "010-2345-6789", NULL, "안녕", NULL};
        j = render(&s, "{\"m\":{\"t\":\"{text}\",\"s\":\"{subject}\",\"x\":\"{other}{to\"}}", &sms,
                   raw, sizeof(raw));
        json_t *inner = json_object_get(j, "m");
        assert_string_equal(json_string_value(json_object_get(inner, "t")), "안녕");
        assert_string_equal(json_string_value(json_object_get(inner, "s")), "");
        assert_string_equal(json_string_value(json_object_get(inner, "x")), "{other}{to");
        json_decref(j);

        /* a body past the buffer's maximum fails instead of being cut */
        struct buf small;
        buf_init(&small, 16);
        assert_int_equal(channel_render_body(&small, s.sms_body, &s, &sms), -1);
        buf_release(&small);
}

/* ---- the e-mail ---------------------------------------------------------------------- */

/* Decodes one "=?UTF-8?B?...?=" word into out (appended). */
static void decode_word(const char *word, size_t len, struct buf *out)
{
        assert_true(len > 12);
        assert_memory_equal(word, "=?UTF-8?B?", 10);
        assert_memory_equal(word + len - 2, "?=", 2);
        unsigned char bin[256];
        size_t binlen;
        assert_int_equal(sodium_base642bin(bin, sizeof(bin), word + 10, len - 12, NULL, &binlen,
                                           NULL, sodium_base64_VARIANT_ORIGINAL),
                         0);
        /* every word holds whole characters */
        assert_true(utf8_valid((const char *)bin, binlen));
        assert_int_equal(buf_append(out, bin, binlen), 0);
}

/* The header's value (unfolded words decoded), checking every line is at most 76. */
static void decode_subject(const char *msg, struct buf *out)
{
        const char *p = strstr(msg, "\r\nSubject: ");
        assert_non_null(p);
        p += 2;
        for (;;) {
                const char *eol = strstr(p, "\r\n");
                assert_non_null(eol);
                assert_true(eol - p <= 76);
                const char *w = strstr(p, "=?UTF-8?B?");
                assert_true(w && w < eol);
                assert_true(eol - w <= 75);
                decode_word(w, (size_t)(eol - w), out);
                p = eol + 2;
                if (*p != ' ')
                        break;
        }
}

static void test_build_email(void **state)
{
        (void)state;
        struct channel_settings s;
        file_settings(&s, "unused.log");
        snprintf(s.smtp_from, sizeof(s.smtp_from), "noreply@busan.go.kr");
        char *subject = repeat("해운대구 민원 처리 결과 안내 ", 6);
        char *long_body = repeat("도로 보수 공사가 완료되었습니다. ", 40);
        const struct channel_message m = {
            "2026-000123:done", "email", "EMAIL", "hong@example.kr", subject, long_body, NULL};
        struct buf msg;
        buf_init(&msg, BUF_NO_LIMIT);
        /* 2026-10-06T18:00:00+09:00, a Tuesday */
        assert_int_equal(channel_build_email(&msg, &s, &m, INT64_C(1791277200000)), 0);
        const char *t = msg.data;
        assert_true(!strncmp(t, "Date: Tue, 06 Oct 2026 18:00:00 +0900\r\n", 39));
        assert_non_null(strstr(t, "\r\nFrom: noreply@busan.go.kr\r\n"));
        assert_non_null(strstr(t, "\r\nTo: hong@example.kr\r\n"));
        assert_non_null(strstr(t, "\r\nMessage-ID: <pcrm.2026-000123-done@busan.go.kr>\r\n"));
        assert_non_null(strstr(t, "\r\nMIME-Version: 1.0\r\n"));
        assert_non_null(strstr(t, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
        assert_non_null(strstr(t, "\r\nContent-Transfer-Encoding: base64\r\n"));

        struct buf dec;
        buf_init(&dec, BUF_NO_LIMIT);
        decode_subject(t, &dec);
        assert_string_equal(dec.data, subject);
        buf_release(&dec);

        /* the body: base64 lines of at most 76, decoding to the text */
        const char *body = strstr(t, "\r\n\r\n");
        assert_non_null(body);
        body += 4;
        struct buf b64;
        buf_init(&b64, BUF_NO_LIMIT);
        int lines = 0;
        for (const char *p = body; *p;) {
                const char *eol = strstr(p, "\r\n");
                assert_non_null(eol);
                assert_true(eol - p <= 76 && eol > p);
                assert_int_equal(buf_append(&b64, p, (size_t)(eol - p)), 0);
                p = eol + 2;
                lines++;
        }
        assert_true(lines > 10);
        size_t cap = b64.len, binlen;
        unsigned char *bin = malloc(cap);
        assert_int_equal(sodium_base642bin(bin, cap, b64.data, b64.len, NULL, &binlen, NULL,
                                           sodium_base64_VARIANT_ORIGINAL),
                         0);
        assert_int_equal(binlen, strlen(long_body));
        assert_memory_equal(bin, long_body, binlen);
        free(bin);
        buf_release(&b64);
        buf_release(&msg);

        /* line ends become CRLF; no subject, no Subject header */
        const struct channel_message plain = {
            "k", "email", "EMAIL", "a@b.kr", NULL, "첫 줄\n둘째 줄\r\n셋째\r넷째", NULL};
        buf_init(&msg, BUF_NO_LIMIT);
        assert_int_equal(channel_build_email(&msg, &s, &plain, INT64_C(1791277200000)), 0);
        assert_null(strstr(msg.data, "Subject:"));
        body = strstr(msg.data, "\r\n\r\n") + 4;
        unsigned char out[256];
        assert_int_equal(sodium_base642bin(out, sizeof(out), body, strlen(body), "\r\n", &binlen,
                                           NULL, sodium_base64_VARIANT_ORIGINAL),
                         0);
        out[binlen] = '\0';
        assert_string_equal((char *)out, "첫 줄\r\n둘째 줄\r\n셋째\r\n넷째");
        buf_release(&msg);
        free(subject);
        free(long_body);
}

static int group_setup(void **state)
{
        (void)state;
        clear_env(NULL);
        return tl_make_dir("channel");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_euckr_bytes_table),
            cmocka_unit_test(test_sms_class_boundaries),
            cmocka_unit_test_setup(test_settings_defaults, clear_env),
            cmocka_unit_test_setup(test_settings_from_environment, clear_env),
            cmocka_unit_test_setup(test_settings_errors_name_the_variable, clear_env),
            cmocka_unit_test_setup(test_file_transport_appends_records, clear_env),
            cmocka_unit_test_setup(test_file_transport_records_never_interleave, clear_env),
            cmocka_unit_test_setup(test_file_transport_failure_is_retryable, clear_env),
            cmocka_unit_test_setup(test_send_refuses_bad_messages, clear_env),
            cmocka_unit_test_setup(test_render_body_escapes_values, clear_env),
            cmocka_unit_test_setup(test_build_email, clear_env),
        };
        return cmocka_run_group_tests(tests, group_setup, tl_group_teardown);
}
