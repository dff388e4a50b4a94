/*
 * complaint import: the hooks on the customer importer that turn rows with a title into
 * complaints with their history. complaint/import.h holds the design.
 */
#include "complaint/import.h"

#include "auth/audit.h"
#include "auth/department.h"
#include "base/time.h"
#include "base/utf8.h"
#include "base/validate.h"
#include "complaint/complaint.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_CHANNEL "visit" /* a 서식민원 is mostly filed at the counter */
#define DEFAULT_PERIOD  "7d"    /* a complaint of no known type: 고충 7 days */
#define ALIASES_MAX     4

/* The channels of complaints.channel, with the labels of the old system. */
static const struct {
        const char *code;
        const char *aliases[ALIASES_MAX];
} channels[] = {
    {"web", {"인터넷", "온라인", "웹"}},
    {"mobile", {"모바일"}},
    {"phone", {"전화"}},
    {"visit", {"방문", "창구"}},
    {"mail", {"우편"}},
    {"email", {"이메일", "전자우편"}},
    {"sms", {"문자"}},
    {"kiosk", {"무인민원발급기", "키오스크"}},
    {"fax", {"팩스"}},
};

enum status_flag {
        ST_OPEN = 1 << 0,     /* still being handled: may be overdue */
        ST_DONE = 1 << 1,     /* finished: completed_at required */
        ST_ANSWERED = 1 << 2, /* completed_at is the answer time */
        ST_CLOSED = 1 << 3,   /* completed_at is the closing time */
        ST_PAUSED = 1 << 4,   /* the clock stopped (보완): completed_at optional */
        ST_EXTENDED = 1 << 5, /* one extension counted */
};

/* The states of complaints.status (workflow.c), with the labels of the old system. */
static const struct {
        const char *code;
        unsigned flags;
        const char *aliases[ALIASES_MAX];
} statuses[] = {
    {"received", ST_OPEN, {"접수", "접수완료"}},
    {"assigned", ST_OPEN, {"배정", "담당자지정"}},
    {"in_progress", ST_OPEN, {"처리중", "검토중"}},
    {"awaiting_supplement", ST_PAUSED, {"보완요청", "보완중"}},
    {"extended", ST_OPEN | ST_EXTENDED, {"연장", "기간연장"}},
    {"answered", ST_DONE | ST_ANSWERED, {"답변", "답변완료", "처리완료"}},
    {"closed", ST_DONE | ST_ANSWERED | ST_CLOSED, {"종결", "완료"}},
    {"transferred_out", ST_DONE | ST_CLOSED, {"이송"}},
    {"withdrawn", ST_DONE | ST_CLOSED, {"취하"}},
    {"repeat_closed", ST_DONE | ST_ANSWERED | ST_CLOSED, {"반복민원종결"}},
};

/* One row's complaint, checked, from the check hook to the taken hook. The strings are
 * borrowed from the row, which lives until the taken hook returns. */
struct parsed {
        bool valid;
        const char *title, *body, *channel, *status, *original_status;
        unsigned flags;
        int64_t received_at, completed_at, dept_id;
        char type_code[48];
        char period[16];
};

struct import_ctx {
        struct store_db *db;
        const struct actor *who;
        const char *source;
        struct complaint_import_stats *stats;
        int64_t now;
        struct deadline_calendar *cal; /* loaded on the first complaint */
        struct parsed row;
};

static const char *channel_code(const char *s)
{
        for (size_t i = 0; i < sizeof(channels) / sizeof(channels[0]); i++) {
                if (!strcmp(channels[i].code, s))
                        return channels[i].code;
                for (size_t k = 0; k < ALIASES_MAX && channels[i].aliases[k]; k++)
                        if (!strcmp(channels[i].aliases[k], s))
                                return channels[i].code;
        }
        return NULL;
}

static int status_index(const char *s)
{
        for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
                if (!strcmp(statuses[i].code, s))
                        return (int)i;
                for (size_t k = 0; k < ALIASES_MAX && statuses[i].aliases[k]; k++)
                        if (!strcmp(statuses[i].aliases[k], s))
                                return (int)i;
        }
        return -1;
}

static const char *field_or_empty(const struct import_row *row, const char *column)
{
        const char *v = import_row_field(row, column);
        return v ? v : "";
}

static int header_hook(void *arg, const struct import_row *header, struct pcrm_error *e)
{
        struct import_ctx *x = arg;
        x->stats->complaints_columns = import_row_has_column(header, "title");
        if (x->stats->complaints_columns && !import_row_has_column(header, "received_at"))
                return err_set(e, PCRM_EINVALID, "file",
                               "1행: title 열이 있으면 received_at 열도 있어야 합니다");
        return PCRM_OK;
}

static int parse_time(const char *field, const char *text, int64_t *out, struct pcrm_error *e)
{
        if (time_parse_iso(text, out) < 0)
                return err_set(e, PCRM_EINVALID, field,
                               "%s이 ISO 시각이 아닙니다 (예: 2026-03-02T09:30+09:00)", field);
        return PCRM_OK;
}

/* The type's period and department; PCRM_EINVALID when it is not in the catalogue. */
static int find_type(struct import_ctx *x, const char *code, struct parsed *p, struct pcrm_error *e)
{
        struct store_stmt *st =
            store_prepare(x->db, "SELECT code, period, dept_id FROM complaint_types"
                                 " WHERE tenant_id = ? AND code = ? AND active = 1");
        if (!st)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        store_bind_int(st, 1, x->who->tenant_id);
        store_bind_text(st, 2, code);
        int rc = store_step(st);
        if (rc == STORE_ROW) {
                store_col_copy(st, 0, p->type_code, sizeof(p->type_code));
                store_col_copy(st, 1, p->period, sizeof(p->period));
                p->dept_id = store_col_int(st, 2);
        }
        store_done(st);
        if (rc == STORE_DONE)
                return err_set(e, PCRM_EINVALID, "type_code", "없는 민원 유형입니다: %s", code);
        return rc == STORE_ROW ? PCRM_OK : err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
}

/* Checks the complaint columns of one row; PCRM_EINVALID rejects the row. */
static int check_hook(void *arg, const struct import_row *row, struct pcrm_error *e)
{
        struct import_ctx *x = arg;
        struct parsed *p = &x->row;
        memset(p, 0, sizeof(*p));
        const char *title = field_or_empty(row, "title");
        if (!x->stats->complaints_columns || !*title)
                return PCRM_OK; /* a resident record only */
        int rc;
        p->title = title;
        p->body = field_or_empty(row, "body");
        if (!*p->body)
                p->body = title; /* a 서식민원 is often its form's name alone */
        if ((rc = validate_text("title", title, 1, COMPLAINT_TITLE_MAX, e)))
                return rc;
        size_t blen = strlen(p->body);
        if (!utf8_valid_text(p->body, blen))
                return err_set(e, PCRM_EINVALID, "body", "body에 허용되지 않는 문자가 있습니다");
        if (utf8_length(p->body, blen) > COMPLAINT_BODY_MAX)
                return err_set(e, PCRM_EINVALID, "body", "body는 %d자를 넘을 수 없습니다",
                               COMPLAINT_BODY_MAX);

        const char *received = field_or_empty(row, "received_at");
        if (!*received)
                return err_set(e, PCRM_EINVALID, "received_at", "received_at이 없습니다");
        if ((rc = parse_time("received_at", received, &p->received_at, e)))
                return rc;
        if (p->received_at > x->now)
                return err_set(e, PCRM_EINVALID, "received_at", "received_at이 미래입니다");

        const char *channel = field_or_empty(row, "channel");
        p->channel = channel_code(*channel ? channel : DEFAULT_CHANNEL);
        if (!p->channel)
                return err_set(e, PCRM_EINVALID, "channel", "알 수 없는 접수 경로입니다: %s",
                               channel);

        const char *status = field_or_empty(row, "status");
        p->original_status = *status ? status : "received";
        int si = status_index(p->original_status);
        if (si < 0)
                return err_set(e, PCRM_EINVALID, "status", "알 수 없는 처리 상태입니다: %s",
                               status);
        p->status = statuses[si].code;
        p->flags = statuses[si].flags;

        const char *completed = field_or_empty(row, "completed_at");
        if (*completed) {
                if ((rc = parse_time("completed_at", completed, &p->completed_at, e)))
                        return rc;
                if (p->flags & ST_OPEN)
                        return err_set(e, PCRM_EINVALID, "completed_at",
                                       "처리 중인 상태(%s)에는 completed_at을 쓸 수 없습니다",
                                       p->status);
                if (p->completed_at < p->received_at)
                        return err_set(e, PCRM_EINVALID, "completed_at",
                                       "completed_at이 received_at보다 앞섭니다");
                if (p->completed_at > x->now)
                        return err_set(e, PCRM_EINVALID, "completed_at",
                                       "completed_at이 미래입니다");
        } else if (p->flags & ST_DONE) {
                return err_set(e, PCRM_EINVALID, "completed_at",
                               "끝난 상태(%s)에는 completed_at이 필요합니다", p->status);
        }

        snprintf(p->period, sizeof(p->period), "%s", DEFAULT_PERIOD);
        const char *type = field_or_empty(row, "type_code");
        if (*type && (rc = find_type(x, type, p, e)))
                return rc;
        const char *dept = field_or_empty(row, "department");
        if (*dept) {
                struct department d;
                int found = dept_find_code(x->db, x->who->tenant_id, dept, &d);
                if (found == PCRM_ENOTFOUND || (found == PCRM_OK && !d.active))
                        return err_set(e, PCRM_EINVALID, "department", "없는 부서입니다: %s", dept);
                if (found != PCRM_OK)
                        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
                p->dept_id = d.id;
        }
        p->valid = true;
        return PCRM_OK;
}

/* 1: a complaint already hangs on this source record, 0: none, -1: database error. */
static int complaint_of_source(struct store_db *db, int64_t tenant_id, int64_t source_record_id)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT 1 FROM complaints WHERE tenant_id = ? AND source_record_id = ? LIMIT 1");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, source_record_id);
        int rc = store_step(st);
        store_done(st);
        return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

static void bind_opt(struct store_stmt *st, int i, int64_t v)
{
        if (v)
                store_bind_int(st, i, v);
}

static int insert_complaint(struct import_ctx *x, const struct parsed *p,
                            const struct intake_result *res, const char *receipt_no, int64_t due,
                            int64_t overdue_at, int64_t *id)
{
        int64_t answered = (p->flags & ST_ANSWERED) ? p->completed_at : 0;
        int64_t closed = (p->flags & ST_CLOSED) ? p->completed_at : 0;
        int64_t paused = 0;
        if (p->flags & ST_PAUSED)
                paused = p->completed_at ? p->completed_at : p->received_at;
        struct store_stmt *st = store_prepare(
            x->db,
            "INSERT INTO complaints (tenant_id, receipt_no, type_code, title, body, channel,"
            " customer_id, source_record_id, dept_id, status, period, received_at, due_at,"
            " paused_at, extensions, overdue_at, answered_at, closed_at, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id");
        if (!st)
                return -1;
        store_bind_int(st, 1, x->who->tenant_id);
        store_bind_text(st, 2, receipt_no);
        store_bind_text(st, 3, p->type_code[0] ? p->type_code : NULL);
        store_bind_text(st, 4, p->title);
        store_bind_text(st, 5, p->body);
        store_bind_text(st, 6, p->channel);
        store_bind_int(st, 7, res->customer_id);
        store_bind_int(st, 8, res->source_record_id);
        bind_opt(st, 9, p->dept_id);
        store_bind_text(st, 10, p->status);
        store_bind_text(st, 11, p->period);
        store_bind_int(st, 12, p->received_at);
        store_bind_int(st, 13, due);
        bind_opt(st, 14, paused);
        store_bind_int(st, 15, (p->flags & ST_EXTENDED) ? 1 : 0);
        bind_opt(st, 16, overdue_at);
        bind_opt(st, 17, answered);
        bind_opt(st, 18, closed);
        store_bind_int(st, 19, x->now);
        store_bind_int(st, 20, x->now);
        int rc = store_step(st);
        *id = rc == STORE_ROW ? store_col_int(st, 0) : 0;
        store_done(st);
        return rc == STORE_ROW ? 0 : -1;
}

/* After the row's source record is in: its complaint, unless it was imported before. */
static int taken_hook(void *arg, const struct import_row *row, const struct intake_result *res,
                      struct pcrm_error *e)
{
        struct import_ctx *x = arg;
        const struct parsed *p = &x->row;
        if (!p->valid)
                return PCRM_OK;
        int seen = complaint_of_source(x->db, x->who->tenant_id, res->source_record_id);
        if (seen < 0)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        if (seen) {
                x->stats->unchanged++;
                return PCRM_OK;
        }
        if (!x->cal && !(x->cal = deadline_calendar_load(x->db)))
                return err_set(e, PCRM_EINTERNAL, "", "공휴일 달력을 읽지 못했습니다");
        struct period period;
        if (period_parse(p->period, &period) < 0)
                return err_set(e, PCRM_EINTERNAL, "type_code", "처리기간을 읽지 못했습니다: %s",
                               p->period);
        struct work_hours wh = WORK_HOURS_DEFAULT;
        int64_t due = deadline_due(x->cal, &wh, p->received_at, &period);
        /* The watch job's rule (complaint_mark_overdue): open, the clock running, past due. */
        int64_t overdue_at = (p->flags & ST_OPEN) && due < x->now ? x->now : 0;
        char receipt_no[COMPLAINT_RECEIPT_SIZE];
        char note[512];
        snprintf(note, sizeof(note), "%s %s에서 가져옴 (원래 상태: %s)", x->source,
                 import_row_source_id(row), p->original_status);
        int64_t id;
        if (complaint_next_receipt(x->db, x->who->tenant_id, p->received_at, receipt_no) < 0 ||
            insert_complaint(x, p, res, receipt_no, due, overdue_at, &id) < 0 ||
            complaint_event_append(x->db, x->who, id, "import", NULL, p->status, p->dept_id, note) <
                0 ||
            (overdue_at && complaint_event_append(x->db, x->who, id, "overdue", p->status,
                                                  p->status, p->dept_id, NULL) < 0))
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        x->stats->complaints++;
        if (overdue_at)
                x->stats->overdue++;
        return PCRM_OK;
}

/* One audit row for the complaints of the whole import, beside customer.import's. */
static int finish_hook(void *arg, struct pcrm_error *e)
{
        struct import_ctx *x = arg;
        if (!x->stats->complaints_columns)
                return PCRM_OK;
        char detail[160];
        snprintf(detail, sizeof(detail),
                 "{\"complaints\":%" PRId64 ",\"unchanged\":%" PRId64 ",\"overdue\":%" PRId64 "}",
                 x->stats->complaints, x->stats->unchanged, x->stats->overdue);
        struct audit_event ev = {.action = "complaint.import",
                                 .target_type = "source",
                                 .target_id = x->source,
                                 .detail = detail};
        if (audit_append(x->db, x->who, &ev) < 0)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        return PCRM_OK;
}

int complaint_import_records(struct store_db *db, const struct actor *who, const char *source,
                             const char *data, size_t len, FILE *rejects,
                             struct complaint_import_stats *stats, struct pcrm_error *e)
{
        memset(stats, 0, sizeof(*stats));
        struct import_ctx x = {
            .db = db, .who = who, .source = source, .stats = stats, .now = time_now_ms()};
        const struct import_hooks hooks = {.ctx = &x,
                                           .header = header_hook,
                                           .check = check_hook,
                                           .taken = taken_hook,
                                           .finish = finish_hook};
        int rc =
            import_records_hooked(db, who, source, data, len, rejects, &hooks, &stats->records, e);
        deadline_calendar_free(x.cal);
        if (rc) {
                /* Rolled back: nothing of the complaints was written either. */
                stats->complaints = stats->unchanged = stats->overdue = 0;
        }
        return rc;
}
