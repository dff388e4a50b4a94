/*
 * outbox: enqueueing messages inside the change's transaction, and delivering them.
 */
#include "notify/outbox.h"

#include "auth/audit.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/log.h"
#include "base/time.h"
#include "base/utf8.h"
#include "customer/consent.h"
#include "customer/customer.h"
#include "notify/template.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_CAP_S  3600
#define SEND_BATCH_MAX 64

static const struct notify_settings *configured;

/* ---- settings ------------------------------------------------------------------------- */

static void settings_defaults(struct notify_settings *s)
{
        memset(s, 0, sizeof(*s));
        snprintf(s->public_url, sizeof(s->public_url), "http://127.0.0.1:8080");
        snprintf(s->agency, sizeof(s->agency), "pcrm");
        /* Table 3-5: Paju paid 18 won per SMS on its own server (2005). */
        s->price_sms = 18;
        s->price_lms = 45;
        s->price_email = 0;
        s->rate_sms = 20;
        s->rate_email = 10;
        s->max_attempts = 6;
        s->retry_base_s = 30;
        s->lease_s = 120;
        s->quiet_from_min = 21 * 60;
        s->quiet_to_min = 8 * 60;
        s->delivery = true;
}

static int env_price(const char *name, double *out)
{
        const char *v = getenv(name);
        if (!v)
                return 0;
        char *end;
        double d = strtod(v, &end);
        if (!*v || *end || !(d >= 0 && d <= 100000)) {
                fprintf(stderr, "pcrm: %s must be a price in won from 0 to 100000\n", name);
                return -1;
        }
        *out = d;
        return 0;
}

/* "HH:MM-HH:MM", or "off" for none. */
static int env_quiet(const char *name, struct notify_settings *s)
{
        const char *v = getenv(name);
        if (!v)
                return 0;
        if (!strcmp(v, "off")) {
                s->quiet_from_min = s->quiet_to_min = 0;
                return 0;
        }
        int h1, m1, h2, m2, n = 0;
        if (sscanf(v, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &n) != 4 || v[n] || h1 > 23 ||
            h2 > 23 || m1 > 59 || m2 > 59 || h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0) {
                fprintf(stderr, "pcrm: %s must be HH:MM-HH:MM (KST) or off\n", name);
                return -1;
        }
        s->quiet_from_min = h1 * 60 + m1;
        s->quiet_to_min = h2 * 60 + m2;
        return 0;
}

int notify_settings_load(struct notify_settings *s, const char *data_dir)
{
        settings_defaults(s);
        int rc = channel_settings_load(&s->channels, data_dir);
        rc |= config_env_string("PCRM_PUBLIC_URL", s->public_url, sizeof(s->public_url));
        rc |= env_price("PCRM_PRICE_SMS", &s->price_sms);
        rc |= env_price("PCRM_PRICE_LMS", &s->price_lms);
        rc |= env_price("PCRM_PRICE_EMAIL", &s->price_email);
        rc |= config_env_long("PCRM_RATE_SMS", 1, 10000, &s->rate_sms);
        rc |= config_env_long("PCRM_RATE_EMAIL", 1, 10000, &s->rate_email);
        rc |= config_env_long("PCRM_NOTIFY_ATTEMPTS", 1, 100, &s->max_attempts);
        rc |= config_env_long("PCRM_NOTIFY_RETRY_S", 1, 86400, &s->retry_base_s);
        rc |= env_quiet("PCRM_QUIET_HOURS", s);
        const char *d = getenv("PCRM_DELIVERY");
        if (d && strcmp(d, "on") && strcmp(d, "off")) {
                fprintf(stderr, "pcrm: PCRM_DELIVERY must be on or off\n");
                rc = -1;
        }
        s->delivery = !d || !strcmp(d, "on");
        size_t n = strlen(s->public_url);
        while (n && s->public_url[n - 1] == '/')
                s->public_url[--n] = '\0';
        return rc ? -1 : 0;
}

void outbox_configure(const struct notify_settings *s)
{
        configured = s;
}

static const struct notify_settings *settings(void)
{
        static struct notify_settings defaults;
        static int ready;
        if (configured)
                return configured;
        if (!ready) {
                settings_defaults(&defaults);
                ready = 1;
        }
        return &defaults;
}

bool outbox_quiet(const struct notify_settings *s, int64_t now_ms, int64_t *until)
{
        if (s->quiet_from_min == s->quiet_to_min)
                return false;
        struct civil_time t;
        time_to_civil(now_ms, TIME_KST_OFFSET_MIN, &t);
        int m = t.hour * 60 + t.minute;
        bool wraps = s->quiet_from_min > s->quiet_to_min; /* 21:00-08:00 crosses midnight */
        bool quiet = wraps ? (m >= s->quiet_from_min || m < s->quiet_to_min)
                           : (m >= s->quiet_from_min && m < s->quiet_to_min);
        if (!quiet)
                return false;
        if (until) {
                struct civil_time end = t;
                end.hour = s->quiet_to_min / 60;
                end.minute = s->quiet_to_min % 60;
                end.second = 0;
                end.msec = 0;
                int64_t at = time_from_civil(&end, TIME_KST_OFFSET_MIN);
                if (at <= now_ms)
                        at += TIME_MS_PER_DAY;
                *until = at;
        }
        return true;
}

/* ---- enqueue -------------------------------------------------------------------------- */

/* What a complaint event tells the resident, and under which purpose. */
enum basis { STATUTORY, STATUS_NOTICE, SURVEY };
static const struct {
        const char *action, *event;
        enum basis basis;
} notices[] = {
    {"receive", "received", STATUTORY},
    {"assign", "assigned", STATUS_NOTICE},
    {"reassign", "assigned", STATUS_NOTICE},
    {"request_supplement", "supplement", STATUTORY},
    {"extend", "extended", STATUTORY},
    {"overdue", "overdue", STATUS_NOTICE},
    {"answer", "answered", STATUTORY},
    {"transfer_out", "transferred", STATUTORY},
    {"progress_review", "progress", STATUS_NOTICE},
    {"close", "survey", SURVEY},
};

struct recipient {
        int64_t customer_id; /* the survivor, if the customer was merged */
        char name[256];
        char mobile[32];
        char email[256];
};

struct notice {
        int64_t tenant_id, customer_id, complaint_id;
        const char *event, *purpose, *consent, *medium;
        const char *recipient;
        char key[96];
        bool urgent;
};

/* The customer a notice goes to: the survivor if the customer was merged. r->customer_id
 * stays 0 when there is none. Returns 0 or -1. */
static int load_recipient(struct store_db *db, int64_t tenant_id, int64_t customer_id,
                          struct recipient *r)
{
        memset(r, 0, sizeof(*r));
        int64_t id = customer_id ? customer_survivor(db, tenant_id, customer_id) : 0;
        if (id <= 0)
                return (int)id;
        struct store_stmt *st =
            store_prepare(db, "SELECT name, mobile, email FROM customers WHERE id = ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, id);
        int step = store_step(st);
        if (step == STORE_ROW) {
                r->customer_id = id;
                store_col_copy(st, 0, r->name, sizeof(r->name));
                store_col_copy(st, 1, r->mobile, sizeof(r->mobile));
                store_col_copy(st, 2, r->email, sizeof(r->email));
        }
        store_done(st);
        return step == STORE_ROW || step == STORE_DONE ? 0 : -1;
}

/* "12월 4일(금) 18:00": how a due time reads in a text message. */
static void format_due(int64_t ms, char *out, size_t len)
{
        static const char *const days[] = {"일", "월", "화", "수", "목", "금", "토"};
        if (!ms) {
                snprintf(out, len, "-");
                return;
        }
        struct civil_time t;
        time_to_civil(ms, TIME_KST_OFFSET_MIN, &t);
        int64_t d = time_days_from_civil(t.year, t.month, t.day);
        int wd = (int)(((d % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
        snprintf(out, len, "%d월 %d일(%s) %02d:%02d", t.month, t.day, days[wd], t.hour, t.minute);
}

/* Picks the class and cuts an SMS text that would not fit even an LMS. */
static const char *message_class(const char *medium, struct buf *body, long *bytes)
{
        if (strcmp(medium, "sms")) {
                *bytes = (long)body->len;
                return "EMAIL";
        }
        const char *cls;
        while (!(cls = channel_sms_class(body->data)) && body->len) {
                size_t keep = utf8_prefix(body->data, body->len - 1);
                body->len = keep;
                body->data[keep] = '\0';
        }
        *bytes = channel_euckr_bytes(body->data);
        return cls ? cls : "SMS";
}

static int insert_message(struct store_db *db, const struct notice *n, const char *subject,
                          const char *body, const char *cls, long bytes)
{
        int64_t now = time_now_ms(), next = now;
        const char *status = strcmp(n->consent, "denied") ? "queued" : "suppressed";
        if (!strcmp(n->medium, "sms") && !n->urgent)
                outbox_quiet(settings(), now, &next);
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO messages (tenant_id, msg_key, event, customer_id, complaint_id,"
                " medium, class, recipient, subject, body, bytes, purpose, consent, urgent,"
                " status, next_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (tenant_id, msg_key) DO NOTHING");
        if (!st)
                return -1;
        store_bind_int(st, 1, n->tenant_id);
        store_bind_text(st, 2, n->key);
        store_bind_text(st, 3, n->event);
        store_bind_int(st, 4, n->customer_id);
        if (n->complaint_id)
                store_bind_int(st, 5, n->complaint_id);
        store_bind_text(st, 6, n->medium);
        store_bind_text(st, 7, cls);
        store_bind_text(st, 8, n->recipient);
        store_bind_text(st, 9, subject && *subject ? subject : NULL);
        store_bind_text(st, 10, body);
        store_bind_int(st, 11, bytes);
        store_bind_text(st, 12, n->purpose);
        store_bind_text(st, 13, n->consent);
        store_bind_int(st, 14, n->urgent);
        store_bind_text(st, 15, status);
        store_bind_int(st, 16, next);
        store_bind_int(st, 17, now);
        store_bind_int(st, 18, now);
        int step = store_step(st);
        store_done(st);
        return step == STORE_DONE ? (int)store_changes(db) : -1;
}

/* Renders the tenant's template for the notice and writes the row. */
/* A template rendered as it goes out: the texts, the SMS/LMS/EMAIL class, the size. */
struct rendered {
        struct buf subject, body;
        const char *cls;
        long bytes;
};

static void rendered_release(struct rendered *r)
{
        buf_release(&r->subject);
        buf_release(&r->body);
}

/* Both texts NUL-terminated (the terminator kept out of the length). Returns 0 or -1. */
static int render(const char *medium, const char *subject, const char *body,
                  const struct template_values *v, struct rendered *out)
{
        buf_init(&out->subject, 4096);
        buf_init(&out->body, 16 * 1024);
        if (template_render(subject ? subject : "", v, &out->subject) < 0 ||
            template_render(body, v, &out->body) < 0 || buf_putc(&out->subject, '\0') < 0 ||
            buf_putc(&out->body, '\0') < 0)
                return -1;
        out->body.len--;
        out->cls = message_class(medium, &out->body, &out->bytes);
        return 0;
}

static int enqueue(struct store_db *db, const struct notice *n, const struct template_values *v)
{
        struct message_template tpl;
        if (template_get(db, n->tenant_id, n->event, n->medium, &tpl, NULL) != PCRM_OK)
                return -1;
        struct rendered r;
        int rc = render(n->medium, tpl.subject, tpl.body, v, &r) < 0
                     ? -1
                     : insert_message(db, n, r.subject.data, r.body.data, r.cls, r.bytes);
        rendered_release(&r);
        return rc;
}

struct complaint_facts {
        char receipt_no[24], title[512], dept[256], agency[256];
        int64_t customer_id, due_at;
};

static int load_complaint(struct store_db *db, int64_t complaint_id, struct complaint_facts *f)
{
        memset(f, 0, sizeof(*f));
        struct store_stmt *st = store_prepare(
            db, "SELECT c.receipt_no, c.title, c.due_at, c.customer_id, d.name, t.name"
                " FROM complaints c JOIN tenants t ON t.id = c.tenant_id"
                " LEFT JOIN departments d ON d.id = c.dept_id WHERE c.id = ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, complaint_id);
        int step = store_step(st);
        if (step == STORE_ROW) {
                store_col_copy(st, 0, f->receipt_no, sizeof(f->receipt_no));
                store_col_copy(st, 1, f->title, sizeof(f->title));
                f->due_at = store_col_int(st, 2);
                f->customer_id = store_col_int(st, 3);
                store_col_copy(st, 4, f->dept, sizeof(f->dept));
                store_col_copy(st, 5, f->agency, sizeof(f->agency));
        }
        store_done(st);
        return step == STORE_ROW ? 1 : step == STORE_DONE ? 0 : -1;
}

/* The media a notice goes on. Statutory notices use the media the resident chose for
 * notices, else the mobile, else the e-mail; the rest need the purpose's consent on each
 * medium, and a denial is recorded as a suppressed row. */
static int media_for(struct store_db *db, int64_t tenant_id, const struct recipient *r,
                     enum basis basis, const char *media[2], const char *consent[2])
{
        const char *addr[2] = {r->mobile, r->email};
        const char *names[2] = {"sms", "email"};
        const char *purpose = basis == SURVEY ? "survey" : "status_notice";
        int n = 0;
        for (int i = 0; i < 2; i++) {
                if (!addr[i][0])
                        continue;
                int ok = consent_may_use(db, tenant_id, r->customer_id, purpose, names[i]);
                if (ok < 0)
                        return -1;
                if (ok || basis != STATUTORY) {
                        media[n] = names[i];
                        consent[n++] =
                            ok ? (basis == STATUTORY ? "statutory" : "granted") : "denied";
                }
        }
        if (n == 0 && basis == STATUTORY) {
                for (int i = 0; i < 2 && !n; i++)
                        if (addr[i][0]) {
                                media[n] = names[i];
                                consent[n++] = "statutory";
                        }
        }
        return n;
}

static const char *basis_purpose(enum basis b)
{
        return b == STATUTORY ? "complaint_handling" : b == SURVEY ? "survey" : "status_notice";
}

static size_t notice_of(const char *action)
{
        size_t i = 0;
        while (i < sizeof(notices) / sizeof(notices[0]) && strcmp(notices[i].action, action))
                i++;
        return i;
}

/* What a complaint's placeholders stand for, with the texts they point into. */
struct complaint_values {
        struct template_values v;
        char due[64], link[512];
};

static void complaint_values(const struct outbox_complaint_facts *f, const char *name,
                             struct complaint_values *out)
{
        format_due(f->due_at, out->due, sizeof(out->due));
        snprintf(out->link, sizeof(out->link), "%s/portal/track?receipt=%s", settings()->public_url,
                 f->receipt_no);
        out->v = (struct template_values){
            .name = name,
            .receipt_no = f->receipt_no,
            .title = f->title,
            .due = out->due,
            .department = f->dept_name && f->dept_name[0] ? f->dept_name : "민원실",
            .link = out->link,
            .agency = f->agency && f->agency[0] ? f->agency : settings()->agency};
}

/* The stored complaint's facts, pointing into cf. */
static struct outbox_complaint_facts facts_of(const struct complaint_facts *cf)
{
        return (struct outbox_complaint_facts){.receipt_no = cf->receipt_no,
                                               .title = cf->title,
                                               .dept_name = cf->dept,
                                               .agency = cf->agency,
                                               .customer_id = cf->customer_id,
                                               .due_at = cf->due_at};
}

static int complaint_notices(struct store_db *db, int64_t tenant_id, int64_t complaint_id,
                             int64_t event_id, size_t i, const struct outbox_complaint_facts *f)
{
        struct recipient r;
        if (load_recipient(db, tenant_id, f->customer_id, &r) < 0)
                return -1;
        const char *media[2], *consent[2];
        int n = r.customer_id ? media_for(db, tenant_id, &r, notices[i].basis, media, consent) : 0;
        if (n < 0)
                return -1;
        struct complaint_values cv;
        complaint_values(f, r.name, &cv);
        int written = 0;
        for (int m = 0; m < n; m++) {
                struct notice nt = {.tenant_id = tenant_id,
                                    .customer_id = r.customer_id,
                                    .complaint_id = complaint_id,
                                    .event = notices[i].event,
                                    .purpose = basis_purpose(notices[i].basis),
                                    .consent = consent[m],
                                    .medium = media[m],
                                    .recipient = !strcmp(media[m], "sms") ? r.mobile : r.email};
                snprintf(nt.key, sizeof(nt.key), "ev%" PRId64 "-%s-c%" PRId64, event_id, media[m],
                         r.customer_id);
                int rc = enqueue(db, &nt, &cv.v);
                if (rc < 0)
                        return -1;
                written += rc;
        }
        return written;
}

int outbox_complaint_event(struct store_db *db, int64_t tenant_id, int64_t complaint_id,
                           int64_t event_id, const char *action)
{
        size_t i = notice_of(action);
        if (i == sizeof(notices) / sizeof(notices[0]))
                return 0;
        struct complaint_facts cf;
        int found = load_complaint(db, complaint_id, &cf);
        if (found <= 0)
                return found;
        struct outbox_complaint_facts f = facts_of(&cf);
        return complaint_notices(db, tenant_id, complaint_id, event_id, i, &f);
}

int outbox_complaint_event_facts(struct store_db *db, int64_t tenant_id, int64_t complaint_id,
                                 int64_t event_id, const char *action,
                                 const struct outbox_complaint_facts *facts)
{
        size_t i = notice_of(action);
        if (i == sizeof(notices) / sizeof(notices[0]))
                return 0;
        return complaint_notices(db, tenant_id, complaint_id, event_id, i, facts);
}

int outbox_signin_code(struct store_db *db, int64_t tenant_id, int64_t customer_id, int64_t code_id,
                       const char *contact, const char *code)
{
        struct recipient r;
        if (load_recipient(db, tenant_id, customer_id, &r) < 0)
                return -1;
        char agency[256] = "";
        struct store_stmt *st = store_prepare(db, "SELECT name FROM tenants WHERE id = ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        if (store_step(st) == STORE_ROW)
                store_col_copy(st, 0, agency, sizeof(agency));
        store_done(st);
        struct notice nt = {.tenant_id = tenant_id,
                            .customer_id = r.customer_id ? r.customer_id : customer_id,
                            .event = "signin_code",
                            .purpose = "complaint_handling",
                            .consent = "statutory",
                            .medium = strchr(contact, '@') ? "email" : "sms",
                            .recipient = contact,
                            .urgent = true};
        snprintf(nt.key, sizeof(nt.key), "signin%" PRId64 "-%s", code_id, nt.medium);
        struct template_values v = {
            .name = r.name, .code = code, .agency = agency[0] ? agency : settings()->agency};
        return enqueue(db, &nt, &v) < 0 ? -1 : 0;
}

static int64_t complaint_id_of(struct store_db *db, int64_t tenant_id, const char *receipt_no)
{
        struct store_stmt *st =
            store_prepare(db, "SELECT id FROM complaints WHERE tenant_id = ? AND receipt_no = ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, receipt_no);
        int step = store_step(st);
        int64_t id = step == STORE_ROW ? store_col_int(st, 0) : step == STORE_DONE ? 0 : -1;
        store_done(st);
        return id;
}

int outbox_preview(struct store_db *db, int64_t tenant_id, const char *receipt_no,
                   const char *medium, const char *subject, const char *body, json_t **out,
                   struct pcrm_error *e)
{
        struct complaint_facts f = {.receipt_no = "2026-000123",
                                    .title = "해운대구 우동 가로등 고장",
                                    .dept = "도로관리과",
                                    .agency = "부산광역시"};
        struct recipient r = {.name = "홍길동"};
        f.due_at = time_now_ms() + 7 * TIME_MS_PER_DAY;
        if (receipt_no && *receipt_no) {
                int64_t id = complaint_id_of(db, tenant_id, receipt_no);
                if (id < 0 || (id > 0 && (load_complaint(db, id, &f) < 0 ||
                                          load_recipient(db, tenant_id, f.customer_id, &r) < 0)))
                        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
                if (id == 0)
                        return err_set(e, PCRM_ENOTFOUND, "receipt_no", "민원을 찾을 수 없습니다");
        }
        struct outbox_complaint_facts facts = facts_of(&f);
        struct complaint_values cv;
        complaint_values(&facts, r.name, &cv);
        cv.v.code = "123456";
        struct rendered out_text;
        int rc = render(medium, subject, body, &cv.v, &out_text);
        if (!rc)
                *out = json_pack("{s:o, s:s, s:s, s:I}", "subject",
                                 out_text.subject.data[0] ? json_string(out_text.subject.data)
                                                          : json_null(),
                                 "body", out_text.body.data, "class", out_text.cls, "bytes",
                                 (json_int_t)out_text.bytes);
        rendered_release(&out_text);
        if (rc || !*out)
                return err_set(e, PCRM_EINVALID, "body", "문구가 너무 깁니다");
        return PCRM_OK;
}

/* ---- delivery ------------------------------------------------------------------------- */

struct outgoing {
        int64_t id, tenant_id, customer_id, complaint_id;
        int attempts;
        bool recovered; /* found `sending` after its lease: the process died mid-send */
        bool urgent;
        char key[96], event[24], medium[8], cls[8];
        char recipient[256];
        char sender[32]; /* the tenant's registered SMS number, "" for the default */
        char *subject, *body;
        bool attempted, sent; /* the outcome of this round, recorded with the batch */
        struct channel_result result;
};

static void outgoing_release(struct outgoing *o)
{
        free(o->subject);
        free(o->body);
}

static bool file_transport(const struct notify_settings *s, const char *medium)
{
        return !strcmp(medium, "sms") ? !s->channels.sms_url[0] : !s->channels.smtp_url[0];
}

/* Was this key already written to the outbox file (sent just before a crash)? */
static bool file_has_key(const char *path, const char *key)
{
        FILE *f = fopen(path, "r");
        if (!f)
                return false;
        char needle[128], line[1024];
        snprintf(needle, sizeof(needle), " key %s\n", key);
        bool found = false;
        while (!found && fgets(line, sizeof(line), f)) {
                size_t n = strlen(line), k = strlen(needle);
                found = n >= k && !strcmp(line + n - k, needle);
        }
        fclose(f);
        return found;
}

static double price_of(const struct notify_settings *s, const char *cls)
{
        return !strcmp(cls, "SMS")   ? s->price_sms
               : !strcmp(cls, "LMS") ? s->price_lms
                                     : s->price_email;
}

static int exec_bound(struct store_db *db, const char *sql, int64_t a, int64_t b, int64_t c)
{
        struct store_stmt *st = store_prepare(db, sql);
        if (!st)
                return -1;
        store_bind_int(st, 1, a);
        store_bind_int(st, 2, b);
        store_bind_int(st, 3, c);
        int step = store_step(st);
        store_done(st);
        return step == STORE_DONE ? 0 : -1;
}

/* Picks due rows and leases them, in one transaction. Quiet-hour SMS go back to wait. */
static int claim(struct store_db *db, const struct notify_settings *s, int64_t now, int limit,
                 struct outgoing *out)
{
        if (store_begin(db) != STORE_OK)
                return -1;
        struct store_stmt *st = store_prepare(
            db, "SELECT id, tenant_id, customer_id, complaint_id, attempts, status = 'sending',"
                " urgent, msg_key, event, medium, class, recipient, subject, body,"
                " (SELECT sms_sender FROM tenants t WHERE t.id = messages.tenant_id) FROM messages"
                " WHERE status IN ('queued', 'sending') AND next_at <= ?"
                " ORDER BY urgent DESC, next_at LIMIT ?");
        if (!st) {
                store_rollback(db);
                return -1;
        }
        store_bind_int(st, 1, now);
        store_bind_int(st, 2, limit);
        int n = 0, step;
        while ((step = store_step(st)) == STORE_ROW) {
                struct outgoing *o = &out[n];
                memset(o, 0, sizeof(*o));
                o->id = store_col_int(st, 0);
                o->tenant_id = store_col_int(st, 1);
                o->customer_id = store_col_int(st, 2);
                o->complaint_id = store_col_int(st, 3);
                o->attempts = (int)store_col_int(st, 4);
                o->recovered = store_col_int(st, 5) != 0;
                o->urgent = store_col_int(st, 6) != 0;
                store_col_copy(st, 7, o->key, sizeof(o->key));
                store_col_copy(st, 8, o->event, sizeof(o->event));
                store_col_copy(st, 9, o->medium, sizeof(o->medium));
                store_col_copy(st, 10, o->cls, sizeof(o->cls));
                store_col_copy(st, 11, o->recipient, sizeof(o->recipient));
                const char *subj = store_col_text(st, 12);
                o->subject = subj ? strdup(subj) : NULL;
                o->body = strdup(store_col_text(st, 13) ? store_col_text(st, 13) : "");
                store_col_copy(st, 14, o->sender, sizeof(o->sender));
                n++;
        }
        store_done(st);
        int rc = step == STORE_DONE ? 0 : -1;
        int kept = 0;
        for (int i = 0; i < n && rc == 0; i++) {
                int64_t until;
                if (!strcmp(out[i].medium, "sms") && !out[i].urgent &&
                    outbox_quiet(s, now, &until)) {
                        rc = exec_bound(db,
                                        "UPDATE messages SET status = 'queued', next_at = ?,"
                                        " updated_at = ? WHERE id = ?",
                                        until, now, out[i].id);
                        outgoing_release(&out[i]);
                        continue;
                }
                rc = exec_bound(db,
                                "UPDATE messages SET status = 'sending', attempts = attempts + 1,"
                                " next_at = ?, updated_at = ? WHERE id = ?",
                                now + s->lease_s * 1000, now, out[i].id);
                out[i].attempts++;
                out[kept++] = out[i];
        }
        if (rc < 0 || store_commit(db) != STORE_OK) {
                store_rollback(db);
                for (int i = 0; i < kept; i++)
                        outgoing_release(&out[i]);
                return -1;
        }
        return kept;
}

static int record_contact(struct store_db *db, const struct outgoing *o, int64_t now)
{
        char summary[256];
        snprintf(summary, sizeof(summary), "[%s] %s 발송", o->cls, template_event_label(o->event));
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO contacts (tenant_id, customer_id, channel, direction, at,"
                " complaint_id, summary, created_at) VALUES (?, ?, ?, 'outbound', ?, ?, ?, ?)");
        if (!st)
                return -1;
        store_bind_int(st, 1, o->tenant_id);
        store_bind_int(st, 2, o->customer_id);
        store_bind_text(st, 3, o->medium);
        store_bind_int(st, 4, now);
        if (o->complaint_id)
                store_bind_int(st, 5, o->complaint_id);
        store_bind_text(st, 6, summary);
        store_bind_int(st, 7, now);
        int step = store_step(st);
        store_done(st);
        return step == STORE_DONE ? 0 : -1;
}

static int mark_sent(struct store_db *db, const struct notify_settings *s, const struct outgoing *o,
                     const struct channel_result *r, int64_t now)
{
        struct store_stmt *st = store_prepare(
            db, "UPDATE messages SET status = 'sent', sent_at = ?, transport = ?, provider_id = ?,"
                " unit_price = ?, last_error = NULL, updated_at = ? WHERE id = ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, now);
        store_bind_text(st, 2, r->transport[0] ? r->transport : NULL);
        store_bind_text(st, 3, r->provider_id[0] ? r->provider_id : NULL);
        char price[32];
        snprintf(price, sizeof(price), "%.2f", price_of(s, o->cls));
        store_bind_text(st, 4, price);
        store_bind_int(st, 5, now);
        store_bind_int(st, 6, o->id);
        int step = store_step(st);
        store_done(st);
        return step == STORE_DONE && (!o->customer_id || record_contact(db, o, now) == 0) ? 0 : -1;
}

/* Exponential backoff with jitter: base × 2^(attempt-1), capped, then 50-100% of it. */
static int64_t backoff_ms(const struct notify_settings *s, int attempts)
{
        int64_t d = s->retry_base_s;
        for (int i = 1; i < attempts && d < BACKOFF_CAP_S; i++)
                d *= 2;
        if (d > BACKOFF_CAP_S)
                d = BACKOFF_CAP_S;
        int64_t ms = d * 1000;
        return ms / 2 + (int64_t)randombytes_uniform((uint32_t)(ms / 2 + 1));
}

static int mark_failed(struct store_db *db, const struct notify_settings *s,
                       const struct outgoing *o, const struct channel_result *r, int64_t now)
{
        bool dead = r->permanent || o->attempts >= s->max_attempts;
        struct store_stmt *st = store_prepare(
            db, "UPDATE messages SET status = ?, next_at = ?, last_error = ?, transport = ?,"
                " updated_at = ? WHERE id = ?");
        if (!st)
                return -1;
        store_bind_text(st, 1, dead ? "dead" : "queued");
        store_bind_int(st, 2, dead ? now : now + backoff_ms(s, o->attempts));
        store_bind_text(st, 3, r->error[0] ? r->error : "알 수 없는 오류");
        store_bind_text(st, 4, r->transport[0] ? r->transport : NULL);
        store_bind_int(st, 5, now);
        store_bind_int(st, 6, o->id);
        int step = store_step(st);
        store_done(st);
        if (dead)
                log_warn("outbox: message %" PRId64 " (%s) is dead after %d attempts: %s", o->id,
                         o->event, o->attempts, r->error);
        return step == STORE_DONE ? 0 : -1;
}

/* Hands one message to its transport; the outcome goes into o, recorded later. */
static void send_one(const struct notify_settings *s, struct outgoing *o)
{
        memset(&o->result, 0, sizeof(o->result));
        if (o->recovered && file_transport(s, o->medium) &&
            file_has_key(s->channels.outbox_path, o->key)) {
                snprintf(o->result.transport, sizeof(o->result.transport), "file");
                o->sent = true; /* written before the crash; only the bookkeeping was lost */
                return;
        }
        struct channel_message m = {.key = o->key,
                                    .medium = o->medium,
                                    .msg_class = o->cls,
                                    .recipient = o->recipient,
                                    .subject = o->subject,
                                    .body = o->body,
                                    .sender = o->sender[0] ? o->sender : NULL};
        o->sent = channel_send(&s->channels, &m, &o->result) == 0;
}

/* Records a batch's outcomes in one transaction: one fsync for the batch, not one per
 * message. A crash before it commits leaves the rows `sending`, handled after the lease. */
static void record_outcomes(struct store_db *db, const struct notify_settings *s,
                            struct outgoing *batch, int n)
{
        int64_t now = time_now_ms();
        bool ok = store_begin(db) == STORE_OK;
        for (int i = 0; ok && i < n; i++)
                if (batch[i].attempted)
                        ok = (batch[i].sent
                                  ? mark_sent(db, s, &batch[i], &batch[i].result, now)
                                  : mark_failed(db, s, &batch[i], &batch[i].result, now)) == 0;
        if (ok && store_commit(db) == STORE_OK)
                return;
        store_rollback(db);
        log_error("outbox: could not record the outcome of %d messages; they are checked again"
                  " after their lease",
                  n);
}

/* Tokens available for a medium now (the bucket holds one second's worth). */
static void pacer_refill(struct outbox_pacer *p, const struct notify_settings *s, int64_t now)
{
        double rate[2] = {(double)s->rate_sms, (double)s->rate_email};
        double elapsed = p->at_ms ? (double)(now - p->at_ms) / 1000.0 : 1.0;
        for (int i = 0; i < 2; i++) {
                p->tokens[i] += elapsed * rate[i];
                if (p->tokens[i] > rate[i])
                        p->tokens[i] = rate[i];
        }
        p->at_ms = now;
}

int outbox_deliver(struct store_db *db, const struct notify_settings *s, struct outbox_pacer *pacer,
                   int64_t now_ms, int max)
{
        struct outgoing batch[SEND_BATCH_MAX];
        if (max > SEND_BATCH_MAX)
                max = SEND_BATCH_MAX;
        pacer_refill(pacer, s, now_ms);
        int budget = (int)(pacer->tokens[0] + pacer->tokens[1]);
        if (budget < 1)
                return 0;
        int n = claim(db, s, now_ms, budget < max ? budget : max, batch);
        if (n < 0)
                return -1;
        int attempted = 0;
        for (int i = 0; i < n; i++) {
                int m = strcmp(batch[i].medium, "sms") ? 1 : 0;
                if (pacer->tokens[m] >= 1) {
                        pacer->tokens[m] -= 1;
                        send_one(s, &batch[i]);
                        batch[i].attempted = true;
                        attempted++;
                } else {
                        /* Over this medium's rate: give the lease back without an attempt. */
                        exec_bound(db,
                                   "UPDATE messages SET status = 'queued', next_at = ?,"
                                   " attempts = attempts - 1, updated_at = ? WHERE id = ?",
                                   now_ms + 1000, now_ms, batch[i].id);
                }
        }
        if (attempted)
                record_outcomes(db, s, batch, n);
        for (int i = 0; i < n; i++)
                outgoing_release(&batch[i]);
        return attempted;
}

int64_t outbox_settle_history(struct store_db *db, int64_t before_ms)
{
        const struct notify_settings *s = settings();
        struct store_stmt *st = store_prepare(
            db, "UPDATE messages SET status = 'sent', attempts = 1, sent_at = created_at + 1000,"
                " transport = 'demo', unit_price = CASE class WHEN 'SMS' THEN ?1 WHEN 'LMS'"
                " THEN ?2 ELSE ?3 END, updated_at = created_at + 1000"
                " WHERE status = 'queued' AND created_at < ?4");
        if (!st)
                return -1;
        char price[3][32];
        double prices[3] = {s->price_sms, s->price_lms, s->price_email};
        for (int i = 0; i < 3; i++) {
                snprintf(price[i], sizeof(price[i]), "%.2f", prices[i]);
                store_bind_text(st, i + 1, price[i]);
        }
        store_bind_int(st, 4, before_ms);
        int step = store_step(st);
        store_done(st);
        return step == STORE_DONE ? store_changes(db) : -1;
}

int outbox_set_sender(struct store_db *db, const struct actor *who, const char *number,
                      struct pcrm_error *e)
{
        if (number && !channel_sender_valid(number))
                return err_set(e, PCRM_EINVALID, "sms_sender",
                               "발신번호는 숫자와 '-'로 된 전화번호여야 합니다");
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        struct store_stmt *st = store_prepare(db, "UPDATE tenants SET sms_sender = ? WHERE id = ?");
        int step = STORE_ERROR;
        if (st) {
                store_bind_text(st, 1, number);
                store_bind_int(st, 2, who->tenant_id);
                step = store_step(st);
                store_done(st);
        }
        char detail[96];
        snprintf(detail, sizeof(detail), "{\"sms_sender\":\"%s\"}", number ? number : "");
        struct audit_event ev = {.action = "tenant.sms_sender",
                                 .target_type = "tenant",
                                 .target_id = who->tenant_code,
                                 .detail = detail};
        if (step != STORE_DONE || audit_append(db, who, &ev) < 0 || store_commit(db) != STORE_OK) {
                store_rollback(db);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        return PCRM_OK;
}

int outbox_delivery_report(struct store_db *db, const char *key, bool delivered, const char *error,
                           int64_t at_ms)
{
        struct store_stmt *st = store_prepare(
            db, "UPDATE messages SET delivery = ?, delivered_at = ?, delivery_error = ?,"
                " updated_at = ? WHERE msg_key = ? AND status = 'sent'");
        if (!st)
                return -1;
        store_bind_text(st, 1, delivered ? "delivered" : "failed");
        store_bind_int(st, 2, at_ms);
        store_bind_text(st, 3, !delivered && error && *error ? error : NULL);
        store_bind_int(st, 4, time_now_ms());
        store_bind_text(st, 5, key);
        int step = store_step(st);
        store_done(st);
        return step == STORE_DONE ? (store_changes(db) > 0 ? 1 : 0) : -1;
}

/* ---- report --------------------------------------------------------------------------- */

json_t *outbox_report(struct store_db *db, int64_t tenant_id, int year)
{
        struct civil_time from = {.year = year, .month = 1, .day = 1};
        struct civil_time to = {.year = year + 1, .month = 1, .day = 1};
        struct store_stmt *st = store_prepare(
            db, "SELECT strftime('%Y-%m', created_at / 1000 + 32400, 'unixepoch') AS month,"
                " medium, class, count(*), sum(status = 'sent'), sum(status = 'dead'),"
                " sum(CASE WHEN status = 'sent' THEN unit_price ELSE 0 END), max(unit_price),"
                " sum(delivery = 'delivered'), sum(delivery = 'failed')"
                " FROM messages WHERE tenant_id = ? AND created_at >= ? AND created_at < ?"
                " AND status <> 'suppressed' GROUP BY month, medium, class"
                " ORDER BY month, medium, class");
        json_t *rows = json_array();
        if (!st || !rows) {
                json_decref(rows);
                return NULL;
        }
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, time_from_civil(&from, TIME_KST_OFFSET_MIN));
        store_bind_int(st, 3, time_from_civil(&to, TIME_KST_OFFSET_MIN));
        int64_t total = 0, total_sent = 0, total_dead = 0;
        double total_cost = 0;
        int step;
        while ((step = store_step(st)) == STORE_ROW) {
                int64_t count = store_col_int(st, 3), sent = store_col_int(st, 4);
                int64_t dead = store_col_int(st, 5);
                double cost = atof(store_col_text(st, 6) ? store_col_text(st, 6) : "0");
                const char *cls = store_col_text(st, 2);
                double price = store_col_is_null(st, 7) ? price_of(settings(), cls)
                                                        : atof(store_col_text(st, 7));
                json_array_append_new(
                    rows, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:f, s:f, s:f}", "month",
                                    store_col_text(st, 0), "medium", store_col_text(st, 1), "class",
                                    cls, "count", (json_int_t)count, "sent", (json_int_t)sent,
                                    "dead", (json_int_t)dead, "unit_price", price, "cost", cost,
                                    "success_rate", count ? (double)sent / (double)count : 0.0));
                /* What the gateways reported back about the handsets (when they do). */
                json_t *row = json_array_get(rows, json_array_size(rows) - 1);
                json_object_set_new(row, "delivered", json_integer(store_col_int(st, 8)));
                json_object_set_new(row, "undelivered", json_integer(store_col_int(st, 9)));
                total += count;
                total_sent += sent;
                total_dead += dead;
                total_cost += cost;
        }
        store_done(st);
        if (step != STORE_DONE) {
                json_decref(rows);
                return NULL;
        }
        st = store_prepare(db, "SELECT count(*) FROM messages WHERE tenant_id = ? AND"
                               " created_at >= ? AND created_at < ? AND status = 'suppressed'");
        int64_t suppressed = 0;
        if (st) {
                store_bind_int(st, 1, tenant_id);
                store_bind_int(st, 2, time_from_civil(&from, TIME_KST_OFFSET_MIN));
                store_bind_int(st, 3, time_from_civil(&to, TIME_KST_OFFSET_MIN));
                if (store_step(st) == STORE_ROW)
                        suppressed = store_col_int(st, 0);
                store_done(st);
        }
        return json_pack("{s:i, s:o, s:{s:I, s:I, s:I, s:I, s:f, s:f}}", "year", year, "rows", rows,
                         "total", "count", (json_int_t)total, "sent", (json_int_t)total_sent,
                         "dead", (json_int_t)total_dead, "suppressed", (json_int_t)suppressed,
                         "cost", total_cost, "success_rate",
                         total ? (double)total_sent / (double)total : 0.0);
}
