#include "complaint/demo.h"

#include "auth/department.h"
#include "base/log.h"
#include "base/time.h"
#include "complaint/complaint.h"
#include "notify/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TYPES  128
#define MAX_PEOPLE 4096

struct demo_type {
        char code[48], name[160], kind[16], period[16], service[16];
        int64_t dept_id;
        int weight;
};

struct demo_person {
        int64_t id;
        char name[CUSTOMER_NAME_SIZE], mobile[CLEANSE_PHONE_SIZE], email[CLEANSE_EMAIL_SIZE],
            address[CLEANSE_ADDRESS_SIZE];
};

/* splitmix64: small, fast, and the same sequence for the same seed everywhere. */
static uint64_t next(uint64_t *s)
{
        uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
}

static int below(uint64_t *s, int n)
{
        return n > 0 ? (int)(next(s) % (uint64_t)n) : 0;
}

/* Everyday reports are filed far more often than permits. */
static int type_weight(const char *code, const char *kind)
{
        if (!strncmp(code, "REPORT-", 7))
                return 30;
        if (!strncmp(code, "CERT-", 5))
                return 12;
        if (!strcmp(kind, "질의") || !strcmp(kind, "고충"))
                return 10;
        if (!strcmp(kind, "건의"))
                return 4;
        return 2;
}

static int load_types(struct store_db *db, int64_t tenant_id, struct demo_type *t, int *total)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT code, name, kind, period, service_class, dept_id FROM complaint_types"
                " WHERE tenant_id = ? AND active = 1 ORDER BY code");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        int n = 0;
        *total = 0;
        while (n < MAX_TYPES && store_step(st) == STORE_ROW) {
                store_col_copy(st, 0, t[n].code, sizeof(t[n].code));
                store_col_copy(st, 1, t[n].name, sizeof(t[n].name));
                store_col_copy(st, 2, t[n].kind, sizeof(t[n].kind));
                store_col_copy(st, 3, t[n].period, sizeof(t[n].period));
                store_col_copy(st, 4, t[n].service, sizeof(t[n].service));
                t[n].dept_id = store_col_int(st, 5);
                t[n].weight = type_weight(t[n].code, t[n].kind);
                *total += t[n].weight;
                n++;
        }
        store_done(st);
        return n;
}

static int load_people(struct store_db *db, int64_t tenant_id, struct demo_person *p)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT id, name, mobile, email, address FROM customers WHERE tenant_id = ?"
                " AND merged_into IS NULL AND name IS NOT NULL AND (mobile IS NOT NULL OR"
                " email IS NOT NULL) ORDER BY id LIMIT ?");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, MAX_PEOPLE);
        int n = 0;
        while (store_step(st) == STORE_ROW) {
                p[n].id = store_col_int(st, 0);
                store_col_copy(st, 1, p[n].name, sizeof(p[n].name));
                store_col_copy(st, 2, p[n].mobile, sizeof(p[n].mobile));
                store_col_copy(st, 3, p[n].email, sizeof(p[n].email));
                store_col_copy(st, 4, p[n].address, sizeof(p[n].address));
                n++;
        }
        store_done(st);
        return n;
}

/* An officer of the department (the first one), as an actor. Returns 0 or -1. */
static int officer_of(struct store_db *db, int64_t tenant_id, int64_t dept_id, struct actor *a)
{
        struct store_stmt *st =
            store_prepare(db, "SELECT id, username FROM users WHERE tenant_id = ? AND dept_id = ?"
                              " AND role = 'officer' AND active = 1 ORDER BY id LIMIT 1");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, dept_id);
        int rc = store_step(st);
        if (rc == STORE_ROW) {
                memset(a, 0, sizeof(*a));
                a->kind = ACTOR_USER;
                a->tenant_id = tenant_id;
                a->id = store_col_int(st, 0);
                store_col_copy(st, 1, a->name, sizeof(a->name));
                a->role = ROLE_OFFICER;
                a->dept_id = dept_id;
                snprintf(a->client_addr, sizeof(a->client_addr), "demo");
        }
        store_done(st);
        return rc == STORE_ROW ? 0 : -1;
}

static const char *const places[] = {
    "해운대구 우동", "수영구 광안동", "부산진구 서면", "동래구 온천동", "사하구 하단동",
    "남구 대연동",   "북구 덕천동",   "연제구 연산동", "금정구 장전동", "사상구 괘법동",
    "기장군 기장읍", "강서구 명지동", "영도구 동삼동", "중구 남포동",   "서구 암남동",
};
static const char *const openers[] = {
    "안녕하세요.",
    "수고 많으십니다.",
    "급하게 민원 넣습니다.",
    "여러 번 말씀드렸는데도",
    "담당자님께 부탁드립니다.",
};
static const char *const closers[] = {
    "빠른 처리 부탁드립니다.",         "확인 후 연락 주세요.", "꼭 해결해 주이소.",
    "처리 결과를 문자로 알려 주세요.", "감사합니다.",
};

static void write_text(uint64_t *s, const struct demo_type *t, char *title, size_t tl, char *body,
                       size_t bl)
{
        const char *place = places[below(s, (int)(sizeof(places) / sizeof(places[0])))];
        snprintf(title, tl, "%s %s", place, t->name);
        snprintf(body, bl,
                 "%s %s 관련해서 민원 드립니다. %s 일대 %s 건으로 며칠째 불편을 겪고 있습니다. %s",
                 openers[below(s, (int)(sizeof(openers) / sizeof(openers[0])))], t->name, place,
                 t->name, closers[below(s, (int)(sizeof(closers) / sizeof(closers[0])))]);
}

static void at(int64_t ms)
{
        char v[32];
        snprintf(v, sizeof(v), "%lld", (long long)ms);
        setenv("PCRM_FAKE_NOW_MS", v, 1);
}

static int act(struct store_db *db, const struct actor *who, const char *receipt,
               const char *action, const char *text, int64_t when)
{
        struct complaint_action a = {.action = action, .text = text};
        struct complaint c;
        struct pcrm_error e;
        at(when);
        int rc = complaint_act(db, who, receipt, &a, &c, &e);
        if (rc == PCRM_OK)
                complaint_release(&c);
        return rc;
}

/* Handles a complaint as a department would have by now: most old ones answered and
 * closed (a fifth of them late), recent ones still in the workflow. */
static int handle(struct store_db *db, uint64_t *s, const struct actor *officer,
                  const struct complaint_receipt *r, int64_t received, int64_t now)
{
        int64_t span = r->due_at - received;
        if (span < 3600000)
                span = 3600000;
        int64_t assign_at = received + 3600000 + below(s, 4) * 3600000;
        if (assign_at >= now)
                return 0;
        if (act(db, officer, r->receipt_no, "assign", NULL, assign_at) ||
            act(db, officer, r->receipt_no, "start", NULL, assign_at + 1800000))
                return -1;
        int roll = below(s, 100);
        int64_t answer_at =
            received + span * (roll < 80 ? 30 + below(s, 65) : 105 + below(s, 60)) / 100;
        if (roll >= 95 || answer_at >= now) {
                /* still being worked on: some wait for the resident's supplement */
                if (below(s, 4) == 0)
                        return act(db, officer, r->receipt_no, "request_supplement",
                                   "현장 사진과 정확한 위치를 보내 주세요.", assign_at + 7200000);
                return 0;
        }
        if (act(db, officer, r->receipt_no, "answer",
                "현장을 확인하고 조치를 마쳤습니다. 불편을 드려 죄송합니다.", answer_at))
                return -1;
        int64_t close_at = answer_at + (1 + below(s, 3)) * 86400000LL;
        if (close_at < now && below(s, 10) < 9)
                return act(db, officer, r->receipt_no, "close", NULL, close_at);
        return 0;
}

int complaint_demo_year(struct store_db *db, int64_t tenant_id, int count, uint64_t seed,
                        int64_t now_ms)
{
        static struct demo_type types[MAX_TYPES];
        static struct demo_person people[MAX_PEOPLE];
        int total = 0, filed = 0;
        int ntypes = load_types(db, tenant_id, types, &total);
        int npeople = load_people(db, tenant_id, people);
        if (ntypes <= 0 || npeople <= 0) {
                log_error("demo complaints: no complaint types or no residents to file them");
                return -1;
        }
        /* Receipt times, oldest first, so receipt numbers grow with time. */
        int64_t *times = calloc((size_t)count, sizeof(int64_t));
        if (!times)
                return -1;
        uint64_t s = seed;
        for (int i = 0; i < count; i++)
                times[i] = now_ms - (int64_t)(next(&s) % (uint64_t)(365 * TIME_MS_PER_DAY));
        for (int i = 1; i < count; i++)
                for (int j = i; j > 0 && times[j - 1] > times[j]; j--) {
                        int64_t x = times[j];
                        times[j] = times[j - 1];
                        times[j - 1] = x;
                }
        static const char *const channels[] = {"visit", "visit", "visit", "web",    "web",
                                               "web",   "phone", "phone", "mobile", "mail"};
        struct actor cli = {.kind = ACTOR_CLI, .tenant_id = tenant_id, .role = ROLE_AGENT};
        snprintf(cli.name, sizeof(cli.name), "demo");
        for (int i = 0; i < count; i++) {
                int pick = below(&s, total), k = 0;
                while (pick >= types[k].weight)
                        pick -= types[k++].weight;
                const struct demo_type *t = &types[k];
                const struct demo_person *p = &people[below(&s, npeople)];
                char title[400], body[1200];
                write_text(&s, t, title, sizeof(title), body, sizeof(body));
                const char *channel = channels[below(&s, 10)];
                struct complaint_input in = {
                    .title = title,
                    .body = body,
                    .channel = channel,
                    .type_code = t->code,
                    .resident = {.name = p->name,
                                 .mobile = p->mobile[0] ? p->mobile : NULL,
                                 .email = p->email[0] ? p->email : NULL,
                                 .address = p->address[0] ? p->address : NULL},
                    .public_intake = !strcmp(channel, "web") || !strcmp(channel, "mobile"),
                    .received_at = times[i],
                };
                struct complaint_receipt r;
                struct pcrm_error e;
                at(times[i]);
                if (complaint_intake(db, &cli, &in, &r, &e) != PCRM_OK) {
                        log_warn("demo complaint %d: %s", i, e.message);
                        continue;
                }
                filed++;
                struct actor officer;
                if (t->dept_id && officer_of(db, tenant_id, t->dept_id, &officer) == 0 &&
                    handle(db, &s, &officer, &r, times[i], now_ms) < 0)
                        log_warn("demo complaint %s: could not be handled", r.receipt_no);
        }
        unsetenv("PCRM_FAKE_NOW_MS");
        free(times);
        /* What the watch job would have seen over the year, and the year's notices as
         * already delivered (only what happens from now on goes to the outbox file). */
        complaint_mark_overdue(db, now_ms);
        if (outbox_settle_history(db, now_ms + 1) < 0)
                log_warn("demo: could not record the year's notices as delivered");
        return filed;
}
