/*
 * template: the message wording. Defaults come from the embedded
 * data/message-templates.csv; a tenant's own wording lives in message_templates.
 */
#include "notify/template.h"

#include "auth/audit.h"
#include "base/csv.h"
#include "base/embed.h"
#include "base/time.h"
#include "base/utf8.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const template_events[] = {"received", "assigned",    "supplement",  "extended",
                                       "overdue",  "answered",    "transferred", "progress",
                                       "survey",   "signin_code", NULL};
static const char *const event_labels[] = {
    "접수 안내", "담당부서 지정", "보완 요청",     "처리기한 연장", "처리 지연 안내",
    "처리 결과", "이송 안내",     "진행상황 안내", "만족도 조사",   "인증번호"};
const char *const template_mediums[] = {"sms", "email", NULL};

/* The placeholders and the member of template_values each one reads. */
static const struct {
        const char *name;
        size_t offset;
} placeholders[] = {
    {"{이름}", offsetof(struct template_values, name)},
    {"{접수번호}", offsetof(struct template_values, receipt_no)},
    {"{민원제목}", offsetof(struct template_values, title)},
    {"{처리기한}", offsetof(struct template_values, due)},
    {"{담당부서}", offsetof(struct template_values, department)},
    {"{링크}", offsetof(struct template_values, link)},
    {"{기관}", offsetof(struct template_values, agency)},
    {"{인증번호}", offsetof(struct template_values, code)},
};
#define NPLACEHOLDERS (sizeof(placeholders) / sizeof(placeholders[0]))

static int list_index(const char *const *list, const char *s)
{
        for (int i = 0; s && list[i]; i++)
                if (!strcmp(list[i], s))
                        return i;
        return -1;
}

bool template_event_valid(const char *event)
{
        return list_index(template_events, event) >= 0;
}

bool template_medium_valid(const char *medium)
{
        return list_index(template_mediums, medium) >= 0;
}

const char *template_event_label(const char *event)
{
        int i = list_index(template_events, event);
        return i < 0 ? "알림" : event_labels[i];
}

/* The placeholder starting at p ('{'), or -1 if there is none. */
static int placeholder_at(const char *p)
{
        for (size_t i = 0; i < NPLACEHOLDERS; i++)
                if (!strncmp(p, placeholders[i].name, strlen(placeholders[i].name)))
                        return (int)i;
        return -1;
}

int template_check(const char *field, const char *text, size_t max, struct pcrm_error *e)
{
        size_t len = strlen(text);
        if (!utf8_valid_text(text, len))
                return err_set(e, PCRM_EINVALID, field, "%s 항목에 쓸 수 없는 문자가 있습니다",
                               field);
        if (utf8_length(text, len) > max)
                return err_set(e, PCRM_EINVALID, field, "%s 항목은 %zu자 이하여야 합니다", field,
                               max);
        for (const char *p = text; *p; p++) {
                if (*p == '}')
                        return err_set(e, PCRM_EINVALID, field,
                                       "%s 항목에 짝이 없는 '}'가 있습니다", field);
                if (*p != '{')
                        continue;
                int i = placeholder_at(p);
                if (i < 0) {
                        const char *close = strchr(p, '}');
                        int n = close && close - p < 40 ? (int)(close - p + 1) : 1;
                        return err_set(e, PCRM_EINVALID, field,
                                       "%s 항목의 %.*s 는 알 수 없는 치환어입니다 (쓸 수 있는 것: "
                                       "{이름} {접수번호} {민원제목} {처리기한} {담당부서} "
                                       "{링크} {기관} {인증번호})",
                                       field, n, p);
                }
                p += strlen(placeholders[i].name) - 1;
        }
        return PCRM_OK;
}

int template_render(const char *text, const struct template_values *v, struct buf *out)
{
        for (const char *p = text; *p;) {
                int i = *p == '{' ? placeholder_at(p) : -1;
                if (i < 0) {
                        if (buf_putc(out, *p++) < 0)
                                return -1;
                        continue;
                }
                const char *value =
                    *(const char *const *)((const char *)v + placeholders[i].offset);
                if (value && buf_puts(out, value) < 0)
                        return -1;
                p += strlen(placeholders[i].name);
        }
        return 0;
}

/*
 * The shipped wording (data/message-templates.csv), parsed once per process: every intake
 * renders a notice, and parsing the whole CSV for each one cost more than the rendering.
 * The file is compiled in, so what is parsed never changes. Rows keep the file's order
 * (the first row for an event and medium wins, as it did when the file was scanned).
 */
struct default_row {
        char *event, *medium, *subject, *body;
};
static struct default_row *defaults;
static size_t ndefaults;
static pthread_once_t defaults_once = PTHREAD_ONCE_INIT;

static void defaults_parse(void)
{
        const struct embed_file *f = embed_data_file("message-templates.csv");
        if (!f)
                return;
        struct csv_reader r;
        csv_init(&r, f->data, f->size);
        size_t cap = 0;
        csv_next(&r); /* event,medium,subject,body */
        while (csv_next(&r) == 1) {
                if (r.nfields < 4)
                        continue;
                if (ndefaults == cap) {
                        size_t ncap = cap ? cap * 2 : 32;
                        struct default_row *grown = realloc(defaults, ncap * sizeof(*grown));
                        if (!grown)
                                break;
                        defaults = grown;
                        cap = ncap;
                }
                struct default_row d = {strdup(csv_field(&r, 0)), strdup(csv_field(&r, 1)),
                                        strdup(csv_field(&r, 2)), strdup(csv_field(&r, 3))};
                if (!d.event || !d.medium || !d.subject || !d.body) {
                        free(d.event);
                        free(d.medium);
                        free(d.subject);
                        free(d.body);
                        break;
                }
                defaults[ndefaults++] = d;
        }
        csv_release(&r);
}

static int default_template(const char *event, const char *medium, struct message_template *out)
{
        pthread_once(&defaults_once, defaults_parse);
        for (size_t i = 0; i < ndefaults; i++) {
                if (strcmp(defaults[i].event, event) || strcmp(defaults[i].medium, medium))
                        continue;
                utf8_copy(out->subject, sizeof(out->subject), defaults[i].subject);
                utf8_copy(out->body, sizeof(out->body), defaults[i].body);
                return PCRM_OK;
        }
        return PCRM_ENOTFOUND;
}

int template_get(struct store_db *db, int64_t tenant_id, const char *event, const char *medium,
                 struct message_template *out, struct pcrm_error *e)
{
        memset(out, 0, sizeof(*out));
        if (!template_event_valid(event))
                return err_set(e, PCRM_ENOTFOUND, "event", "알 수 없는 알림 종류입니다");
        if (!template_medium_valid(medium))
                return err_set(e, PCRM_ENOTFOUND, "medium", "알 수 없는 발송 매체입니다");
        snprintf(out->event, sizeof(out->event), "%s", event);
        snprintf(out->medium, sizeof(out->medium), "%s", medium);
        struct store_stmt *st =
            store_prepare(db, "SELECT subject, body, updated_at, updated_by FROM message_templates"
                              " WHERE tenant_id = ? AND event = ? AND medium = ?");
        if (!st)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, event);
        store_bind_text(st, 3, medium);
        int step = store_step(st);
        if (step == STORE_ROW) {
                store_col_copy(st, 0, out->subject, sizeof(out->subject));
                store_col_copy(st, 1, out->body, sizeof(out->body));
                out->updated_at = store_col_int(st, 2);
                out->updated_by = store_col_int(st, 3);
                out->customised = true;
        }
        store_done(st);
        if (step == STORE_ROW)
                return PCRM_OK;
        if (step != STORE_DONE)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        if (default_template(event, medium, out) != PCRM_OK)
                return err_set(e, PCRM_ENOTFOUND, "event", "이 알림의 기본 문구가 없습니다");
        return PCRM_OK;
}

static int save(struct store_db *db, const struct actor *who, const char *sql, const char *event,
                const char *medium, const char *subject, const char *body, const char *audit_action,
                struct pcrm_error *e)
{
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        struct store_stmt *st = store_prepare(db, sql);
        int step = STORE_ERROR;
        if (st) {
                store_bind_int(st, 1, who->tenant_id);
                store_bind_text(st, 2, event);
                store_bind_text(st, 3, medium);
                if (body) {
                        store_bind_text(st, 4, subject && *subject ? subject : NULL);
                        store_bind_text(st, 5, body);
                        store_bind_int(st, 6, time_now_ms());
                        if (who->id)
                                store_bind_int(st, 7, who->id);
                }
                step = store_step(st);
                store_done(st);
        }
        char target[48];
        snprintf(target, sizeof(target), "%s/%s", event, medium);
        struct audit_event ev = {
            .action = audit_action, .target_type = "message_template", .target_id = target};
        if (step != STORE_DONE || audit_append(db, who, &ev) < 0 || store_commit(db) != STORE_OK) {
                store_rollback(db);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        return PCRM_OK;
}

int template_put(struct store_db *db, const struct actor *who, const char *event,
                 const char *medium, const char *subject, const char *body, struct pcrm_error *e)
{
        if (!template_event_valid(event))
                return err_set(e, PCRM_ENOTFOUND, "event", "알 수 없는 알림 종류입니다");
        if (!template_medium_valid(medium))
                return err_set(e, PCRM_ENOTFOUND, "medium", "알 수 없는 발송 매체입니다");
        bool email = !strcmp(medium, "email");
        if (!body || !*body)
                return err_set(e, PCRM_EINVALID, "body", "body 항목이 필요합니다");
        if (email && (!subject || !*subject))
                return err_set(e, PCRM_EINVALID, "subject", "e-mail 문구에는 제목이 필요합니다");
        int rc = template_check("body", body, TEMPLATE_BODY_MAX, e);
        if (!rc && email)
                rc = template_check("subject", subject, TEMPLATE_SUBJECT_MAX, e);
        if (!rc && email && strpbrk(subject, "\r\n"))
                rc = err_set(e, PCRM_EINVALID, "subject", "제목은 한 줄이어야 합니다");
        if (rc)
                return rc;
        return save(
            db, who,
            "INSERT INTO message_templates (tenant_id, event, medium, subject, body,"
            " updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (tenant_id, event, medium) DO UPDATE SET subject = excluded.subject,"
            " body = excluded.body, updated_at = excluded.updated_at,"
            " updated_by = excluded.updated_by",
            event, medium, email ? subject : NULL, body, "template.update", e);
}

int template_reset(struct store_db *db, const struct actor *who, const char *event,
                   const char *medium, struct pcrm_error *e)
{
        if (!template_event_valid(event) || !template_medium_valid(medium))
                return err_set(e, PCRM_ENOTFOUND, "event", "알 수 없는 알림 종류입니다");
        return save(
            db, who,
            "DELETE FROM message_templates WHERE tenant_id = ? AND event = ? AND medium = ?", event,
            medium, NULL, NULL, "template.reset", e);
}
