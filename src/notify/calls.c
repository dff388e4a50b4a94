#include "notify/calls.h"

#include "auth/audit.h"
#include "auth/department.h"
#include "base/time.h"
#include "complaint/complaint.h"
#include "base/utf8.h"
#include "complaint/deadline.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int audit_task(struct store_db *db, const struct actor *who, const char *action, int64_t id,
                      const char *detail)
{
        char target[24];
        snprintf(target, sizeof(target), "%" PRId64, id);
        struct audit_event ev = {
            .action = action, .target_type = "call_task", .target_id = target, .detail = detail};
        return audit_append(db, who, &ev);
}

/* 18:00 KST of today if it is a working day and not past it, else of the next one. */
static int64_t end_of_working_day(struct store_db *db, int64_t now)
{
        struct deadline_calendar *cal = deadline_calendar_load(db);
        struct civil_time t;
        time_to_civil(now, TIME_KST_OFFSET_MIN, &t);
        int64_t day = time_days_from_civil(t.year, t.month, t.day);
        if (t.hour >= 18)
                day++;
        while (cal && !deadline_is_working_day(cal, day))
                day++;
        deadline_calendar_free(cal);
        return day * TIME_MS_PER_DAY + 18 * 3600000LL - TIME_KST_OFFSET_MIN * 60000LL;
}

/* The active department head of the actor's department, 0 if none, -1 on error. */
static int64_t head_of(struct store_db *db, const struct actor *who)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT id FROM users WHERE tenant_id = ? AND dept_id = ? AND role = 'dept_head'"
                " AND active = 1 ORDER BY id LIMIT 1");
        if (!st)
                return -1;
        store_bind_int(st, 1, who->tenant_id);
        store_bind_int(st, 2, who->dept_id);
        int step = store_step(st);
        int64_t id = step == STORE_ROW ? store_col_int(st, 0) : step == STORE_DONE ? 0 : -1;
        store_done(st);
        return id;
}

int calls_flag_catch(struct store_db *db, const struct actor *who, int64_t customer_id,
                     const char *receipt_no, const char *reason, int64_t *id, struct pcrm_error *e)
{
        return calls_flag_catch_to(db, who, customer_id, receipt_no, reason, false, id, e);
}

int calls_flag_catch_to(struct store_db *db, const struct actor *who, int64_t customer_id,
                        const char *receipt_no, const char *reason, bool to_head, int64_t *id,
                        struct pcrm_error *e)
{
        size_t len = reason ? strlen(reason) : 0;
        if (!len || !utf8_valid_text(reason, len) || utf8_length(reason, len) > 500)
                return err_set(e, PCRM_EINVALID, "reason",
                               "불만 내용을 500자 이내로 적어야 합니다");
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        int64_t complaint = 0;
        struct store_stmt *st =
            store_prepare(db, "SELECT id FROM customers WHERE tenant_id = ? AND id = ?");
        int rc = STORE_ERROR;
        if (st) {
                store_bind_int(st, 1, who->tenant_id);
                store_bind_int(st, 2, customer_id);
                rc = store_step(st);
                store_done(st);
        }
        if (rc == STORE_DONE) {
                store_rollback(db);
                return err_set(e, PCRM_ENOTFOUND, "customer_id", "고객을 찾을 수 없습니다");
        }
        if (rc == STORE_ROW && receipt_no && *receipt_no) {
                st = store_prepare(
                    db, "SELECT id FROM complaints WHERE tenant_id = ? AND receipt_no = ?"
                        " AND customer_id = ?");
                rc = STORE_ERROR;
                if (st) {
                        store_bind_int(st, 1, who->tenant_id);
                        store_bind_text(st, 2, receipt_no);
                        store_bind_int(st, 3, customer_id);
                        rc = store_step(st);
                        complaint = rc == STORE_ROW ? store_col_int(st, 0) : 0;
                        store_done(st);
                }
                if (rc == STORE_DONE) {
                        store_rollback(db);
                        return err_set(e, PCRM_EINVALID, "receipt_no", "이 고객의 민원이 아닙니다");
                }
        }
        int64_t now = time_now_ms();
        int64_t assignee = who->kind == ACTOR_USER ? who->id : 0;
        if (rc == STORE_ROW && to_head) {
                assignee = who->dept_id ? head_of(db, who) : 0;
                if (assignee <= 0) {
                        store_rollback(db);
                        return assignee < 0
                                   ? err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류")
                                   : err_set(e, PCRM_ERULE, "to", "이 부서에는 부서장이 없습니다");
                }
        }
        st = rc == STORE_ROW
                 ? store_prepare(
                       db,
                       "INSERT INTO call_tasks (tenant_id, kind, customer_id, complaint_id, reason,"
                       " due_at, assigned_to, created_at) VALUES (?, 'catch', ?, ?, ?, ?, ?, ?)"
                       " RETURNING id")
                 : NULL;
        int step = STORE_ERROR;
        if (st) {
                store_bind_int(st, 1, who->tenant_id);
                store_bind_int(st, 2, customer_id);
                if (complaint)
                        store_bind_int(st, 3, complaint);
                store_bind_text(st, 4, reason);
                store_bind_int(st, 5, end_of_working_day(db, now));
                if (assignee)
                        store_bind_int(st, 6, assignee);
                store_bind_int(st, 7, now);
                step = store_step(st);
                *id = step == STORE_ROW ? store_col_int(st, 0) : 0;
                store_done(st);
        }
        if (step != STORE_ROW ||
            audit_task(db, who, "call_task.create", *id, "{\"kind\":\"catch\"}") < 0 ||
            store_commit(db) != STORE_OK) {
                store_rollback(db);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        return PCRM_OK;
}

/* One planning INSERT ... SELECT with (now, n) bound; adds the rows it made to *total. */
static int plan_step(struct store_db *db, const char *sql, int64_t now_ms, int64_t n,
                     int64_t *total)
{
        struct store_stmt *st = store_prepare(db, sql);
        if (!st)
                return STORE_ERROR;
        store_bind_int(st, 1, now_ms);
        store_bind_int(st, 2, n);
        int rc = store_step(st);
        if (rc == STORE_DONE)
                *total += store_changes(db);
        store_done(st);
        return rc;
}

int64_t calls_plan(struct store_db *db, int64_t now_ms)
{
        if (store_begin(db) != STORE_OK)
                return -1;
        int64_t total = 0;
        /* Plus-Call: open complaints of residents nobody can text or e-mail. */
        int rc = plan_step(
            db,
            "INSERT INTO call_tasks (tenant_id, kind, customer_id, complaint_id,"
            " reason, due_at, created_at) SELECT c.tenant_id, 'plus', c.customer_id,"
            " c.id, '진행상황 전화 안내', ?1 + 86400000, ?1 FROM complaints c"
            " JOIN customers u ON u.id = c.customer_id WHERE c.status IN " COMPLAINT_OPEN_SQL
            " AND u.mobile IS NULL AND u.email IS NULL"
            " AND ?2 = ?2 AND NOT EXISTS (SELECT 1 FROM call_tasks t WHERE"
            " t.tenant_id = c.tenant_id AND t.kind = 'plus' AND t.complaint_id = c.id)",
            now_ms, 0, &total);
        /* Happy-Call, satisfaction: a sample of the complaints answered in the last week,
         * the share set per type and department (the most specific rule wins). */
        if (rc == STORE_DONE)
                rc =
                    plan_step(db,
                              "INSERT INTO call_tasks (tenant_id, kind, stage, customer_id,"
                              " complaint_id, reason, due_at, created_at)"
                              " SELECT c.tenant_id, 'happy', 'satisfaction', c.customer_id, c.id,"
                              " '만족도 전화 조사', c.answered_at + 2 * 86400000, ?1"
                              " FROM complaints c WHERE c.answered_at IS NOT NULL"
                              " AND c.answered_at > ?1 - 7 * 86400000 AND c.customer_id IS NOT NULL"
                              " AND c.id % 100 < coalesce((SELECT r.percent FROM happy_call_rules r"
                              " WHERE r.tenant_id = c.tenant_id AND (r.type_code IS NULL OR"
                              " r.type_code = c.type_code) AND (r.dept_id IS NULL OR"
                              " r.dept_id = c.dept_id) ORDER BY (r.type_code IS NOT NULL) * 2 +"
                              " (r.dept_id IS NOT NULL) DESC LIMIT 1), ?2)"
                              " AND NOT EXISTS (SELECT 1 FROM call_tasks t WHERE"
                              " t.tenant_id = c.tenant_id AND t.kind = 'happy'"
                              " AND t.stage = 'satisfaction' AND t.complaint_id = c.id)",
                              now_ms, CALLS_HAPPY_SAMPLE_PERCENT, &total);
        /* Happy-Call, guidance: a long complaint (a period of two weeks or more) past half
         * its time gets a call to say how it stands, if the resident has a phone. */
        if (rc == STORE_DONE)
                rc = plan_step(db,
                               "INSERT INTO call_tasks (tenant_id, kind, stage, customer_id,"
                               " complaint_id, reason, due_at, created_at)"
                               " SELECT c.tenant_id, 'happy', 'guidance', c.customer_id, c.id,"
                               " '장기 민원 중간 안내 전화', ?1 + 86400000, ?1 FROM complaints c"
                               " JOIN customers u ON u.id = c.customer_id"
                               " WHERE c.status IN " COMPLAINT_RUNNING_SQL
                               " AND c.due_at - c.received_at >= ?2 * 86400000"
                               " AND ?1 >= c.received_at + (c.due_at - c.received_at) / 2"
                               " AND (u.mobile IS NOT NULL OR u.phone IS NOT NULL)"
                               " AND NOT EXISTS (SELECT 1 FROM call_tasks t WHERE"
                               " t.tenant_id = c.tenant_id AND t.kind = 'happy'"
                               " AND t.stage = 'guidance' AND t.complaint_id = c.id)",
                               now_ms, CALLS_GUIDANCE_MIN_DAYS, &total);
        if (rc != STORE_DONE || store_commit(db) != STORE_OK) {
                store_rollback(db);
                return -1;
        }
        return total;
}

/* Loads a task's kind and status. PCRM_OK, PCRM_ENOTFOUND or PCRM_EINTERNAL. */
static int task_state(struct store_db *db, int64_t tenant_id, int64_t id, char *kind, char *status,
                      int64_t *claimed_by)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT CASE WHEN stage = 'guidance' THEN 'guide' ELSE kind END, status,"
                " claimed_by FROM call_tasks WHERE tenant_id = ? AND id = ?");
        if (!st)
                return PCRM_EINTERNAL;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, id);
        int rc = store_step(st);
        if (rc == STORE_ROW) {
                store_col_copy(st, 0, kind, 8);
                store_col_copy(st, 1, status, 12);
                *claimed_by = store_col_int(st, 2);
        }
        store_done(st);
        return rc == STORE_ROW ? PCRM_OK : rc == STORE_DONE ? PCRM_ENOTFOUND : PCRM_EINTERNAL;
}

int calls_claim(struct store_db *db, const struct actor *who, int64_t id, struct pcrm_error *e)
{
        char kind[8], status[12];
        int64_t claimed_by;
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        int rc = task_state(db, who->tenant_id, id, kind, status, &claimed_by);
        if (rc == PCRM_OK && strcmp(status, "open"))
                rc = err_set(e, PCRM_ECONFLICT, "id", "이미 맡았거나 끝난 통화입니다");
        else if (rc == PCRM_ENOTFOUND)
                err_set(e, rc, "id", "통화 업무를 찾을 수 없습니다");
        else if (rc)
                err_set(e, rc, "", "데이터베이스 오류");
        if (rc) {
                store_rollback(db);
                return rc;
        }
        struct store_stmt *st = store_prepare(
            db, "UPDATE call_tasks SET status = 'claimed', claimed_by = ?, claimed_at = ?"
                " WHERE tenant_id = ? AND id = ?");
        int step = STORE_ERROR;
        if (st) {
                store_bind_int(st, 1, who->id);
                store_bind_int(st, 2, time_now_ms());
                store_bind_int(st, 3, who->tenant_id);
                store_bind_int(st, 4, id);
                step = store_step(st);
                store_done(st);
        }
        if (step != STORE_DONE || audit_task(db, who, "call_task.claim", id, NULL) < 0 ||
            store_commit(db) != STORE_OK) {
                store_rollback(db);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        return PCRM_OK;
}

static bool score_ok(int v)
{
        return v >= 1 && v <= 5;
}

int calls_complete(struct store_db *db, const struct actor *who, int64_t id, const char *outcome,
                   const struct call_answers *a, const char *note, struct pcrm_error *e)
{
        static const char *const outcomes[] = {"reached", "no_answer", "wrong_number", "refused",
                                               NULL};
        bool known = false;
        for (int i = 0; outcome && outcomes[i] && !known; i++)
                known = !strcmp(outcomes[i], outcome);
        if (!known)
                return err_set(e, PCRM_EINVALID, "outcome",
                               "outcome은 reached, no_answer, wrong_number, refused 중 하나입니다");
        if (note &&
            (!utf8_valid_text(note, strlen(note)) || utf8_length(note, strlen(note)) > 1000))
                return err_set(e, PCRM_EINVALID, "note", "메모가 올바르지 않거나 너무 깁니다");
        char kind[8], status[12];
        int64_t claimed_by;
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        int rc = task_state(db, who->tenant_id, id, kind, status, &claimed_by);
        if (rc == PCRM_ENOTFOUND)
                err_set(e, rc, "id", "통화 업무를 찾을 수 없습니다");
        else if (rc)
                err_set(e, rc, "", "데이터베이스 오류");
        else if (!strcmp(status, "done"))
                rc = err_set(e, PCRM_ECONFLICT, "id", "이미 끝난 통화입니다");
        else if (!strcmp(status, "claimed") && claimed_by != who->id)
                rc = err_set(e, PCRM_ECONFLICT, "id", "다른 직원이 맡은 통화입니다");
        else if (!strcmp(kind, "happy") && !strcmp(outcome, "reached") &&
                 !(a && score_ok(a->overall) && score_ok(a->speed) && score_ok(a->concreteness) &&
                   score_ok(a->clarity) && score_ok(a->ease)))
                rc = err_set(e, PCRM_EINVALID, "answers",
                             "만족도 통화에는 overall, speed, concreteness, clarity, ease를 1~5로"
                             " 적어야 합니다");
        if (rc) {
                store_rollback(db);
                return rc;
        }
        char answers[160] = "";
        if (!strcmp(kind, "happy") && !strcmp(outcome, "reached"))
                snprintf(
                    answers, sizeof(answers),
                    "{\"overall\":%d,\"speed\":%d,\"concreteness\":%d,\"clarity\":%d,\"ease\":%d}",
                    a->overall, a->speed, a->concreteness, a->clarity, a->ease);
        struct store_stmt *st = store_prepare(
            db, "UPDATE call_tasks SET status = 'done', done_at = ?, outcome = ?, answers = ?,"
                " note = ?, claimed_by = COALESCE(claimed_by, ?) WHERE tenant_id = ? AND id = ?");
        int step = STORE_ERROR;
        if (st) {
                store_bind_int(st, 1, time_now_ms());
                store_bind_text(st, 2, outcome);
                store_bind_text(st, 3, answers[0] ? answers : NULL);
                store_bind_text(st, 4, note && *note ? note : NULL);
                store_bind_int(st, 5, who->id);
                store_bind_int(st, 6, who->tenant_id);
                store_bind_int(st, 7, id);
                step = store_step(st);
                store_done(st);
        }
        char detail[64];
        snprintf(detail, sizeof(detail), "{\"outcome\":\"%s\"}", outcome);
        if (step != STORE_DONE || audit_task(db, who, "call_task.complete", id, detail) < 0 ||
            store_commit(db) != STORE_OK) {
                store_rollback(db);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        return PCRM_OK;
}

static bool rule_key_seen(const struct happy_rule *rules, size_t i)
{
        for (size_t j = 0; j < i; j++) {
                bool same_type =
                    !rules[i].type_code == !rules[j].type_code &&
                    (!rules[i].type_code || !strcmp(rules[i].type_code, rules[j].type_code));
                if (same_type && rules[i].dept_id == rules[j].dept_id)
                        return true;
        }
        return false;
}

static int rule_check(struct store_db *db, int64_t tenant_id, const struct happy_rule *r, size_t i,
                      struct pcrm_error *e)
{
        if (r->percent < 0 || r->percent > 100)
                return err_set(e, PCRM_EINVALID, "rules", "%zu번째 규칙: percent는 0~100입니다",
                               i + 1);
        if (r->type_code) {
                struct store_stmt *st = store_prepare(
                    db, "SELECT 1 FROM complaint_types WHERE tenant_id = ? AND code = ?");
                int step = STORE_ERROR;
                if (st) {
                        store_bind_int(st, 1, tenant_id);
                        store_bind_text(st, 2, r->type_code);
                        step = store_step(st);
                        store_done(st);
                }
                if (step != STORE_ROW)
                        return err_set(e, step == STORE_DONE ? PCRM_EINVALID : PCRM_EINTERNAL,
                                       "rules", "%zu번째 규칙: 민원 유형 %s가 없습니다", i + 1,
                                       r->type_code);
        }
        struct department d;
        int found =
            r->dept_id ? dept_get(db, &(struct actor){.tenant_id = tenant_id}, r->dept_id, &d, NULL)
                       : PCRM_OK;
        if (found != PCRM_OK)
                return err_set(e, found == PCRM_ENOTFOUND ? PCRM_EINVALID : PCRM_EINTERNAL, "rules",
                               "%zu번째 규칙: 부서가 없습니다", i + 1);
        return PCRM_OK;
}

static int rule_insert(struct store_db *db, int64_t tenant_id, const struct happy_rule *r)
{
        struct store_stmt *st = store_prepare(
            db, "INSERT INTO happy_call_rules (tenant_id, type_code, dept_id, percent, updated_at)"
                " VALUES (?, ?, ?, ?, ?)");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, r->type_code);
        if (r->dept_id)
                store_bind_int(st, 3, r->dept_id);
        store_bind_int(st, 4, r->percent);
        store_bind_int(st, 5, time_now_ms());
        int step = store_step(st);
        store_done(st);
        return step == STORE_DONE ? 0 : -1;
}

int calls_rules_put(struct store_db *db, const struct actor *who, const struct happy_rule *rules,
                    size_t n, struct pcrm_error *e)
{
        if (n > CALLS_RULES_MAX)
                return err_set(e, PCRM_EINVALID, "rules", "규칙은 %d개까지입니다", CALLS_RULES_MAX);
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        int rc = PCRM_OK;
        for (size_t i = 0; i < n && !rc; i++) {
                rc = rule_check(db, who->tenant_id, &rules[i], i, e);
                if (!rc && rule_key_seen(rules, i))
                        rc = err_set(e, PCRM_EINVALID, "rules",
                                     "%zu번째 규칙: 같은 유형·부서의 규칙이 이미 있습니다", i + 1);
        }
        struct store_stmt *st =
            rc ? NULL : store_prepare(db, "DELETE FROM happy_call_rules WHERE tenant_id = ?");
        int step = STORE_ERROR;
        if (st) {
                store_bind_int(st, 1, who->tenant_id);
                step = store_step(st);
                store_done(st);
        }
        for (size_t i = 0; !rc && step == STORE_DONE && i < n; i++)
                if (rule_insert(db, who->tenant_id, &rules[i]) < 0)
                        step = STORE_ERROR;
        char detail[48];
        snprintf(detail, sizeof(detail), "{\"rules\":%zu}", n);
        struct audit_event ev = {
            .action = "call_rules.update", .target_type = "happy_call_rules", .detail = detail};
        if (rc) {
                store_rollback(db);
                return rc;
        }
        if (step != STORE_DONE || audit_append(db, who, &ev) < 0 || store_commit(db) != STORE_OK) {
                store_rollback(db);
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        return PCRM_OK;
}
