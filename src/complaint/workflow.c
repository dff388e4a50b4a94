/*
 * The complaint workflow as a table: each action names the states it may start from, the
 * state it leads to and the roles that may take it. complaint_act looks the action up,
 * checks state, role and department, applies the action's own rule (a reason, an answer,
 * the clock stopping or resuming), and writes the change, an event and an audit row in
 * one transaction.
 */
#include "complaint/complaint.h"

#include "auth/audit.h"
#include "auth/department.h"
#include "auth/user.h"
#include "base/time.h"
#include "base/utf8.h"
#include "notify/outbox.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum state_bit {
        S_RECEIVED = 1 << 0,
        S_ASSIGNED = 1 << 1,
        S_IN_PROGRESS = 1 << 2,
        S_AWAITING = 1 << 3,
        S_EXTENDED = 1 << 4,
        S_ANSWERED = 1 << 5,
        S_CLOSED = 1 << 6,
        S_TRANSFERRED = 1 << 7,
        S_WITHDRAWN = 1 << 8,
        S_REPEAT_CLOSED = 1 << 9,
};
#define S_OPEN    (S_RECEIVED | S_ASSIGNED | S_IN_PROGRESS | S_AWAITING | S_EXTENDED)
#define S_WORKING (S_ASSIGNED | S_IN_PROGRESS | S_EXTENDED)

static const struct {
        const char *name;
        enum state_bit bit;
} states[] = {
    {"received", S_RECEIVED},       {"assigned", S_ASSIGNED},
    {"in_progress", S_IN_PROGRESS}, {"awaiting_supplement", S_AWAITING},
    {"extended", S_EXTENDED},       {"answered", S_ANSWERED},
    {"closed", S_CLOSED},           {"transferred_out", S_TRANSFERRED},
    {"withdrawn", S_WITHDRAWN},     {"repeat_closed", S_REPEAT_CLOSED},
};

static unsigned state_bit(const char *name)
{
        for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
                if (!strcmp(states[i].name, name))
                        return states[i].bit;
        return 0;
}

#define HANDLERS (ROLE_OFFICER | ROLE_DEPT_HEAD)
#define MANAGERS (ROLE_DEPT_HEAD | ROLE_CS_MANAGER | ROLE_ADMIN)

static const struct transition {
        const char *action;
        unsigned from;
        const char *to; /* NULL: the state does not change */
        unsigned roles;
} transitions[] = {
    {"assign", S_RECEIVED | S_ASSIGNED, "assigned", HANDLERS | MANAGERS},
    {"reassign", S_RECEIVED | S_ASSIGNED | S_IN_PROGRESS, "received",
     HANDLERS | MANAGERS | ROLE_AGENT},
    {"start", S_ASSIGNED, "in_progress", HANDLERS},
    {"request_supplement", S_WORKING, "awaiting_supplement", HANDLERS},
    {"supplement_received", S_AWAITING, "in_progress", HANDLERS | ROLE_AGENT},
    {"extend", S_ASSIGNED | S_IN_PROGRESS | S_EXTENDED, "extended", HANDLERS},
    {"answer", S_WORKING, "answered", HANDLERS},
    {"close", S_ANSWERED, "closed", HANDLERS | ROLE_CS_MANAGER},
    {"transfer_out", S_RECEIVED | S_ASSIGNED | S_IN_PROGRESS, "transferred_out",
     HANDLERS | MANAGERS},
    {"withdraw", S_OPEN, "withdrawn", HANDLERS | ROLE_AGENT},
    /* 민원처리법 제23조: the third filing of a complaint answered twice may be closed
     * by citing the earlier answers. */
    {"close_repeat", S_RECEIVED | S_ASSIGNED | S_IN_PROGRESS, "repeat_closed", HANDLERS},
    /* Chronic or collective grievances go to the grievance team with an owner who answers
     * for their resolution (Paju's 고충민원 전담팀). */
    {"escalate", S_OPEN, NULL, ROLE_DEPT_HEAD | ROLE_CS_MANAGER | ROLE_ADMIN},
    {"note", S_OPEN | S_ANSWERED, NULL, ROLES_STAFF},
};

static const struct transition *find(const char *action)
{
        for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
                if (!strcmp(transitions[i].action, action))
                        return &transitions[i];
        return NULL;
}

/* Officers and department heads act on their own department's complaints (and may take
 * one from triage); the other roles on any complaint of the tenant. */
static bool in_scope(const struct actor *who, const struct complaint *c)
{
        if (!(who->role & (ROLE_OFFICER | ROLE_DEPT_HEAD)))
                return true;
        return c->dept_id == 0 || c->dept_id == who->dept_id;
}

size_t complaint_allowed_actions(const struct actor *who, const struct complaint *c,
                                 const char **out, size_t max)
{
        size_t n = 0;
        unsigned bit = state_bit(c->status);
        if (!in_scope(who, c))
                return 0;
        for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]) && n < max; i++)
                if ((transitions[i].from & bit) && (transitions[i].roles & who->role))
                        out[n++] = transitions[i].action;
        return n;
}

static int db_error(struct store_db *db, struct pcrm_error *e)
{
        store_rollback(db);
        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
}

static int need_text(const char *text, const char *field, const char *what, size_t max,
                     struct pcrm_error *e)
{
        if (!text || !*text)
                return err_set(e, PCRM_EINVALID, field, "%s을 적어야 합니다", what);
        size_t len = strlen(text);
        if (!utf8_valid_text(text, len) || utf8_length(text, len) > max)
                return err_set(e, PCRM_EINVALID, field, "%s이 올바르지 않거나 너무 깁니다", what);
        return PCRM_OK;
}

/* The fields an action changes, gathered before one UPDATE. */
struct change {
        int64_t officer_id, dept_id, due_at, paused_at, answered_at, closed_at;
        bool set_officer, set_dept, set_due, set_paused, set_answer, set_closed, extended;
        const char *answer;
        bool set_grievance;
        const char *grievance_case;
        int64_t grievance_owner;
        char cited[256];        /* close_repeat: the earlier receipts */
        char answer_buf[16384]; /* close_repeat: the answer with its citation */
};

static int check_officer(struct store_db *db, const struct actor *who, const struct complaint *c,
                         int64_t officer_id, struct pcrm_error *e)
{
        struct user u;
        if (user_get(db, who, officer_id, &u, NULL) != PCRM_OK || !u.active)
                return err_set(e, PCRM_EINVALID, "officer_id", "담당자를 찾을 수 없습니다");
        if (!(u.role & (ROLE_OFFICER | ROLE_DEPT_HEAD)))
                return err_set(e, PCRM_EINVALID, "officer_id",
                               "민원담당이나 부서장에게만 배정합니다");
        if (c->dept_id && u.dept_id != c->dept_id)
                return err_set(e, PCRM_ERULE, "officer_id",
                               "민원을 처리하는 부서의 직원이 아닙니다");
        return PCRM_OK;
}

static int plan(struct store_db *db, const struct actor *who, const struct complaint *c,
                const struct complaint_action *act, struct change *ch, struct pcrm_error *e)
{
        int64_t now = time_now_ms();
        const char *a = act->action;
        int rc;
        memset(ch, 0, sizeof(*ch));
        if (!strcmp(a, "assign")) {
                int64_t officer = act->officer_id ? act->officer_id : who->id;
                if (who->kind != ACTOR_USER && !act->officer_id)
                        return err_set(e, PCRM_EINVALID, "officer_id", "담당자를 정해야 합니다");
                if ((rc = check_officer(db, who, c, officer, e)))
                        return rc;
                ch->set_officer = true;
                ch->officer_id = officer;
                if (!c->dept_id) { /* taken from triage: the officer's department handles it */
                        struct user u;
                        user_get(db, who, officer, &u, NULL);
                        ch->set_dept = true;
                        ch->dept_id = u.dept_id;
                }
        } else if (!strcmp(a, "reassign")) {
                struct department d;
                if (!act->dept_id || dept_get(db, who, act->dept_id, &d, NULL) != PCRM_OK ||
                    !d.active)
                        return err_set(e, PCRM_EINVALID, "dept_id", "넘길 부서를 찾을 수 없습니다");
                if (d.id == c->dept_id)
                        return err_set(e, PCRM_ERULE, "dept_id", "이미 그 부서의 민원입니다");
                /* Between departments of one government the clock keeps running. */
                ch->set_dept = ch->set_officer = true;
                ch->dept_id = d.id;
                ch->officer_id = 0;
        } else if (!strcmp(a, "request_supplement")) {
                if ((rc = need_text(act->text, "text", "보완 요청 내용", 2000, e)))
                        return rc;
                ch->set_paused = true;
                ch->paused_at = now; /* the clock stops */
        } else if (!strcmp(a, "supplement_received")) {
                struct deadline_calendar *cal = deadline_calendar_load(db);
                struct period p;
                struct work_hours wh = WORK_HOURS_DEFAULT;
                if (!cal || period_parse(c->period, &p) < 0) {
                        deadline_calendar_free(cal);
                        return err_set(e, PCRM_EINTERNAL, "", "처리기한을 계산하지 못했습니다");
                }
                ch->set_due = true;
                ch->due_at = deadline_resume(cal, &wh, &p, c->due_at, c->paused_at, now);
                deadline_calendar_free(cal);
                ch->set_paused = true;
                ch->paused_at = 0;
        } else if (!strcmp(a, "extend")) {
                if ((rc = need_text(act->text, "text", "연장 사유", 2000, e)))
                        return rc;
                if (now >= c->due_at)
                        return err_set(e, PCRM_ERULE, "action",
                                       "처리기한이 지난 뒤에는 연장할 수 없습니다");
                if (c->extensions >= 1 && !act->resident_consented)
                        return err_set(e, PCRM_ERULE, "resident_consented",
                                       "두 번째 연장은 민원인의 동의가 있어야 합니다");
                if (c->extensions >= 2)
                        return err_set(e, PCRM_ERULE, "action", "더 연장할 수 없습니다");
                /* 시행령 §21: an extension adds at most the period once more. */
                struct deadline_calendar *cal = deadline_calendar_load(db);
                struct period p;
                struct work_hours wh = WORK_HOURS_DEFAULT;
                if (!cal || period_parse(c->period, &p) < 0) {
                        deadline_calendar_free(cal);
                        return err_set(e, PCRM_EINTERNAL, "", "처리기한을 계산하지 못했습니다");
                }
                int64_t latest = deadline_due(cal, &wh, c->due_at, &p);
                deadline_calendar_free(cal);
                int64_t due = act->new_due_at ? act->new_due_at : latest;
                if (due <= c->due_at)
                        return err_set(e, PCRM_EINVALID, "new_due_at",
                                       "새 처리기한은 지금의 처리기한보다 늦어야 합니다");
                if (due > latest)
                        return err_set(e, PCRM_ERULE, "new_due_at",
                                       "연장은 처리기간만큼까지만 할 수 있습니다");
                ch->set_due = ch->extended = true;
                ch->due_at = due;
        } else if (!strcmp(a, "answer")) {
                if ((rc = need_text(act->text, "text", "답변", COMPLAINT_BODY_MAX, e)))
                        return rc;
                ch->set_answer = true;
                ch->answer = act->text;
                ch->answered_at = now;
        } else if (!strcmp(a, "transfer_out")) {
                if ((rc = need_text(act->destination, "destination", "이송할 기관", 100, e)))
                        return rc;
                ch->set_closed = true;
                ch->closed_at = now;
        } else if (!strcmp(a, "close_repeat")) {
                int earlier = 0, answered = 0;
                if ((rc = need_text(act->text, "text", "종결 안내", COMPLAINT_BODY_MAX, e)))
                        return rc;
                if (c->repeat_of &&
                    complaint_repeat_chain(db, who->tenant_id, c->repeat_of, &earlier, &answered,
                                           ch->cited, sizeof(ch->cited)) < 0)
                        return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
                if (earlier < 2 || answered < 2)
                        return err_set(e, PCRM_ERULE, "action",
                                       "같은 민원이 세 번 이상 접수되고 두 번 이상 답변된 경우에만"
                                       " 반복민원으로 종결할 수 있습니다 (지금 %d번째, 답변 %d번)",
                                       earlier + 1, answered);
                snprintf(ch->answer_buf, sizeof(ch->answer_buf), "%s\n\n(이전 답변: %s)", act->text,
                         ch->cited);
                ch->set_answer = ch->set_closed = true;
                ch->answer = ch->answer_buf;
                ch->answered_at = ch->closed_at = now;
        } else if (!strcmp(a, "close") || !strcmp(a, "withdraw")) {
                ch->set_closed = true;
                ch->closed_at = now;
        } else if (!strcmp(a, "escalate")) {
                struct user u;
                if ((rc = need_text(act->grievance_case, "grievance_case", "고충 사안 이름", 60,
                                    e)) ||
                    (rc = need_text(act->text, "text", "이관 사유", 2000, e)))
                        return rc;
                if (!act->officer_id || user_get(db, who, act->officer_id, &u, NULL) != PCRM_OK ||
                    !u.active)
                        return err_set(e, PCRM_EINVALID, "officer_id",
                                       "전담 책임자를 찾을 수 없습니다");
                ch->set_grievance = true;
                ch->grievance_case = act->grievance_case;
                ch->grievance_owner = act->officer_id;
        } else if (!strcmp(a, "note")) {
                if ((rc = need_text(act->text, "text", "메모", 2000, e)))
                        return rc;
        }
        return PCRM_OK;
}

static int apply(struct store_db *db, const struct actor *who, const struct complaint *c,
                 const char *to, const struct change *ch)
{
        struct store_stmt *st = store_prepare(
            db, "UPDATE complaints SET status = ?,"
                " officer_id = CASE WHEN ? THEN ? ELSE officer_id END,"
                " dept_id = CASE WHEN ? THEN ? ELSE dept_id END,"
                " due_at = CASE WHEN ? THEN ? ELSE due_at END,"
                " overdue_at = CASE WHEN ? THEN NULL ELSE overdue_at END,"
                " paused_at = CASE WHEN ? THEN ? ELSE paused_at END,"
                " answer = CASE WHEN ? THEN ? ELSE answer END,"
                " answered_at = CASE WHEN ? THEN ? ELSE answered_at END,"
                " closed_at = CASE WHEN ? THEN ? ELSE closed_at END,"
                " grievance_case = CASE WHEN ? THEN ? ELSE grievance_case END,"
                " grievance_owner = CASE WHEN ? THEN ? ELSE grievance_owner END,"
                " escalated_at = CASE WHEN ? THEN ? ELSE escalated_at END,"
                " extensions = extensions + ?, updated_at = ? WHERE tenant_id = ? AND id = ?");
        if (!st)
                return -1;
        int i = 1;
        store_bind_text(st, i++, to ? to : c->status);
        store_bind_int(st, i++, ch->set_officer);
        if (ch->officer_id)
                store_bind_int(st, i, ch->officer_id);
        i++;
        store_bind_int(st, i++, ch->set_dept);
        if (ch->dept_id)
                store_bind_int(st, i, ch->dept_id);
        i++;
        store_bind_int(st, i++, ch->set_due);
        store_bind_int(st, i++, ch->due_at);
        store_bind_int(st, i++, ch->set_due && ch->due_at > time_now_ms());
        store_bind_int(st, i++, ch->set_paused);
        if (ch->paused_at)
                store_bind_int(st, i, ch->paused_at);
        i++;
        store_bind_int(st, i++, ch->set_answer);
        store_bind_text(st, i++, ch->answer);
        store_bind_int(st, i++, ch->set_answer);
        store_bind_int(st, i++, ch->answered_at);
        store_bind_int(st, i++, ch->set_closed);
        store_bind_int(st, i++, ch->closed_at);
        store_bind_int(st, i++, ch->set_grievance);
        store_bind_text(st, i++, ch->grievance_case);
        store_bind_int(st, i++, ch->set_grievance);
        store_bind_int(st, i++, ch->grievance_owner);
        store_bind_int(st, i++, ch->set_grievance);
        store_bind_int(st, i++, time_now_ms());
        store_bind_int(st, i++, ch->extended ? 1 : 0);
        store_bind_int(st, i++, time_now_ms());
        store_bind_int(st, i++, who->tenant_id);
        store_bind_int(st, i, c->id);
        int rc = store_step(st);
        store_done(st);
        return rc == STORE_DONE ? 0 : -1;
}

static int not_allowed(const struct actor *who, const struct complaint *c, const char *action,
                       struct pcrm_error *e)
{
        const char *ok[16];
        size_t n = complaint_allowed_actions(who, c, ok, 16);
        char list[256] = "";
        for (size_t i = 0; i < n; i++) {
                size_t used = strlen(list);
                snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", ok[i]);
        }
        return err_set(e, PCRM_ECONFLICT, "action",
                       "'%s' 상태에서 할 수 없는 작업입니다: %s (가능: %s)", c->status, action,
                       n ? list : "없음");
}

int complaint_act(struct store_db *db, const struct actor *who, const char *receipt_no,
                  const struct complaint_action *act, struct complaint *out, struct pcrm_error *e)
{
        const struct transition *t = act->action ? find(act->action) : NULL;
        if (!t)
                return err_set(e, PCRM_EINVALID, "action", "알 수 없는 작업입니다");
        if (store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        struct complaint c;
        int rc = complaint_get(db, who, receipt_no, &c, e);
        if (rc) {
                store_rollback(db);
                return rc;
        }
        struct change ch;
        if (!in_scope(who, &c))
                rc = err_set(e, PCRM_EFORBIDDEN, "", "다른 부서의 민원입니다");
        else if (!(t->roles & who->role))
                rc = err_set(e, PCRM_EFORBIDDEN, "action", "이 작업을 할 권한이 없습니다");
        else if (!(t->from & state_bit(c.status)))
                rc = not_allowed(who, &c, act->action, e);
        else
                rc = plan(db, who, &c, act, &ch, e);
        if (rc) {
                store_rollback(db);
                complaint_release(&c);
                return rc;
        }
        const char *note =
            act->destination && !strcmp(act->action, "transfer_out") ? act->destination : act->text;
        char detail[200];
        snprintf(detail, sizeof(detail), "{\"action\":\"%s\",\"from\":\"%s\",\"to\":\"%s\"}",
                 act->action, c.status, t->to ? t->to : c.status);
        struct audit_event ev = {.action = "complaint.update",
                                 .target_type = "complaint",
                                 .target_id = c.receipt_no,
                                 .detail = detail};
        int64_t event_id = -1;
        bool ok = apply(db, who, &c, t->to, &ch) == 0 &&
                  (event_id = complaint_event_append(
                       db, who, c.id, act->action, c.status, t->to ? t->to : c.status,
                       ch.set_dept ? ch.dept_id : c.dept_id, note)) > 0 &&
                  outbox_complaint_event(db, who->tenant_id, c.id, event_id, act->action) >= 0 &&
                  audit_append(db, who, &ev) == 0 && store_commit(db) == STORE_OK;
        complaint_release(&c);
        if (!ok)
                return db_error(db, e);
        return complaint_get(db, who, receipt_no, out, e);
}
