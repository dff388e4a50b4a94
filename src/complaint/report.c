#include "complaint/report.h"

#include "base/time.h"
#include "complaint/complaint.h"
#include "complaint/deadline.h"

#include <math.h>
#include <string.h>

static double round2(double v)
{
        return round(v * 100.0) / 100.0;
}

/* One year's filings and distinct customers, for form complaints or the others. */
static int year_counts(struct store_db *db, int64_t tenant_id, int64_t from, int64_t to, int form,
                       int64_t *filings, int64_t *people)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT count(*), count(DISTINCT c.customer_id) FROM complaints c"
                " LEFT JOIN complaint_types t ON t.tenant_id = c.tenant_id AND t.code = c.type_code"
                " WHERE c.tenant_id = ? AND c.received_at >= ? AND c.received_at < ?"
                " AND (CASE WHEN t.kind = '법정' THEN 1 ELSE 0 END) = ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, from);
        store_bind_int(st, 3, to);
        store_bind_int(st, 4, form);
        int rc = store_step(st);
        *filings = rc == STORE_ROW ? store_col_int(st, 0) : 0;
        *people = rc == STORE_ROW ? store_col_int(st, 1) : 0;
        store_done(st);
        return rc == STORE_ROW ? 0 : -1;
}

static int64_t year_start(int year)
{
        struct civil_time t = {.year = year, .month = 1, .day = 1};
        return time_from_civil(&t, TIME_KST_OFFSET_MIN);
}

json_t *report_complaints_vs_customers(struct store_db *db, int64_t tenant_id)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT min(received_at), max(received_at) FROM complaints WHERE tenant_id = ?");
        if (!st)
                return NULL;
        store_bind_int(st, 1, tenant_id);
        int rc = store_step(st);
        bool any = rc == STORE_ROW && !store_col_is_null(st, 0);
        int64_t lo = any ? store_col_int(st, 0) : 0, hi = any ? store_col_int(st, 1) : 0;
        store_done(st);
        if (rc != STORE_ROW)
                return NULL;
        json_t *years = json_array();
        struct civil_time a, b;
        time_to_civil(lo, TIME_KST_OFFSET_MIN, &a);
        time_to_civil(hi, TIME_KST_OFFSET_MIN, &b);
        for (int y = a.year; any && y <= b.year; y++) {
                int64_t ff, fp, of, op;
                if (year_counts(db, tenant_id, year_start(y), year_start(y + 1), 1, &ff, &fp) < 0 ||
                    year_counts(db, tenant_id, year_start(y), year_start(y + 1), 0, &of, &op) < 0) {
                        json_decref(years);
                        return NULL;
                }
                json_array_append_new(years,
                                      json_pack("{s:i, s:{s:I, s:I}, s:{s:I, s:I}}", "year", y,
                                                "form", "complaints", (json_int_t)ff, "customers",
                                                (json_int_t)fp, "consultation", "complaints",
                                                (json_int_t)of, "customers", (json_int_t)op));
        }
        return json_pack("{s:o}", "years", years);
}

/* Statutory days of a period text, as the report compares them (8 working hours a day). */
static double statutory_days(const char *period)
{
        struct period p;
        if (!period || period_parse(period, &p) < 0)
                return 0;
        switch (p.unit) {
        case PERIOD_IMMEDIATE:
                return 3.0 / 8.0;
        case PERIOD_HOURS:
                return p.value / 8.0;
        case PERIOD_DAYS:
                return p.value;
        case PERIOD_WEEKS:
                return 7.0 * p.value;
        case PERIOD_MONTHS:
                return 30.0 * p.value;
        case PERIOD_YEARS:
                return 365.0 * p.value;
        }
        return 0;
}

json_t *report_processing_time(struct store_db *db, int64_t tenant_id, const char *by)
{
        bool by_dept = by && !strcmp(by, "department");
        struct store_stmt *st = store_prepare(
            db,
            by_dept
                ? "SELECT d.code, d.name, min(c.period), count(*),"
                  " sum(CASE WHEN c.answered_at IS NOT NULL THEN c.answered_at - c.received_at"
                  " ELSE 0 END), sum(c.answered_at IS NOT NULL),"
                  " sum(c.answered_at IS NOT NULL AND c.answered_at <= c.due_at),"
                  " sum(c.overdue_at IS NOT NULL AND c.answered_at IS NULL AND c.closed_at IS NULL)"
                  " FROM complaints c JOIN departments d ON d.id = c.dept_id"
                  " WHERE c.tenant_id = ? GROUP BY d.code, d.name ORDER BY d.code"
                : "SELECT c.type_code, t.name, min(c.period), count(*),"
                  " sum(CASE WHEN c.answered_at IS NOT NULL THEN c.answered_at - c.received_at"
                  " ELSE 0 END), sum(c.answered_at IS NOT NULL),"
                  " sum(c.answered_at IS NOT NULL AND c.answered_at <= c.due_at),"
                  " sum(c.overdue_at IS NOT NULL AND c.answered_at IS NULL AND c.closed_at IS NULL)"
                  " FROM complaints c LEFT JOIN complaint_types t ON t.tenant_id = c.tenant_id"
                  " AND t.code = c.type_code WHERE c.tenant_id = ?"
                  " GROUP BY c.type_code, t.name ORDER BY c.type_code");
        if (!st)
                return NULL;
        store_bind_int(st, 1, tenant_id);
        json_t *rows = json_array();
        int rc;
        while ((rc = store_step(st)) == STORE_ROW) {
                int64_t n = store_col_int(st, 3), answered = store_col_int(st, 5);
                double mean_days = answered ? (double)store_col_int(st, 4) / (double)answered /
                                                  (double)TIME_MS_PER_DAY
                                            : 0;
                const char *code = store_col_text(st, 0), *name = store_col_text(st, 1);
                json_t *o = json_pack(
                    "{s:s, s:s, s:I, s:I, s:f, s:f, s:f, s:I}", "code", code ? code : "(미분류)",
                    "name", name ? name : "", "count", (json_int_t)n, "answered",
                    (json_int_t)answered, "mean_days", round2(mean_days), "statutory_days",
                    by_dept ? 0.0 : round2(statutory_days(store_col_text(st, 2))), "on_time_rate",
                    answered ? round2(100.0 * (double)store_col_int(st, 6) / (double)answered)
                             : 0.0,
                    "overdue_now", (json_int_t)store_col_int(st, 7));
                if (o)
                        json_array_append_new(rows, o);
        }
        store_done(st);
        if (rc != STORE_DONE) {
                json_decref(rows);
                return NULL;
        }
        return json_pack("{s:s, s:o}", "by", by_dept ? "department" : "type", "rows", rows);
}

json_t *report_backlog(struct store_db *db, int64_t tenant_id, int64_t now_ms)
{
        struct civil_time t;
        time_to_civil(now_ms, TIME_KST_OFFSET_MIN, &t);
        t.hour = 23, t.minute = 59, t.second = 59, t.msec = 999;
        int64_t end_of_today = time_from_civil(&t, TIME_KST_OFFSET_MIN);
        struct store_stmt *st = store_prepare(
            db, "SELECT d.code, d.name, u.username, u.display_name, count(*),"
                " sum(c.due_at <= ? AND c.due_at >= ?), sum(c.due_at < ? AND c.paused_at IS NULL),"
                " sum(c.status = 'awaiting_supplement')"
                " FROM complaints c LEFT JOIN departments d ON d.id = c.dept_id"
                " LEFT JOIN users u ON u.id = c.officer_id WHERE c.tenant_id = ?"
                " AND c.status IN " COMPLAINT_OPEN_SQL
                " GROUP BY d.code, d.name, u.username, u.display_name"
                " ORDER BY d.code, u.username");
        if (!st)
                return NULL;
        store_bind_int(st, 1, end_of_today);
        store_bind_int(st, 2, now_ms);
        store_bind_int(st, 3, now_ms);
        store_bind_int(st, 4, tenant_id);
        json_t *rows = json_array();
        int rc;
        while ((rc = store_step(st)) == STORE_ROW) {
                const char *dcode = store_col_text(st, 0), *dname = store_col_text(st, 1);
                const char *user = store_col_text(st, 2), *uname = store_col_text(st, 3);
                json_t *o = json_pack("{s:s, s:s, s:s*, s:s*, s:I, s:I, s:I, s:I}", "department",
                                      dcode ? dcode : "(triage)", "department_name",
                                      dname ? dname : "미배정", "officer", user, "officer_name",
                                      uname, "open", (json_int_t)store_col_int(st, 4), "due_today",
                                      (json_int_t)store_col_int(st, 5), "overdue",
                                      (json_int_t)store_col_int(st, 6), "awaiting_supplement",
                                      (json_int_t)store_col_int(st, 7));
                if (o)
                        json_array_append_new(rows, o);
        }
        store_done(st);
        if (rc != STORE_DONE) {
                json_decref(rows);
                return NULL;
        }
        return json_pack("{s:o}", "rows", rows);
}
