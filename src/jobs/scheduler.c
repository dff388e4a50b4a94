#include "jobs/scheduler.h"

#include "auth/session.h"
#include "auth/throttle.h"
#include "base/log.h"
#include "complaint/complaint.h"
#include "notify/calls.h"
#include "base/time.h"
#include "store/db.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#define TICK_SECONDS 60
#define DAY_MS       (24 * 3600 * INT64_C(1000))

struct job {
        const char *name;
        int every_s;
        void (*run)(struct store_db *db, const struct pcrm_config *cfg);
};

static void purge_sessions(struct store_db *db, const struct pcrm_config *cfg)
{
        (void)cfg;
        int64_t n = session_purge(db, time_now_ms() - DAY_MS);
        if (n > 0)
                log_info("jobs: purged %lld old sessions", (long long)n);
}

static void purge_login_attempts(struct store_db *db, const struct pcrm_config *cfg)
{
        int64_t keep =
            cfg->throttle_window_s * 1000 > DAY_MS ? cfg->throttle_window_s * 1000 : DAY_MS;
        int64_t n = throttle_purge(db, time_now_ms() - keep);
        if (n > 0)
                log_info("jobs: purged %lld old login attempts", (long long)n);
}

/* The moment a complaint's due time passes it is marked overdue, once (the watch job). */
static void watch_deadlines(struct store_db *db, const struct pcrm_config *cfg)
{
        (void)cfg;
        int64_t n = complaint_mark_overdue(db, time_now_ms());
        if (n > 0)
                log_info("jobs: %lld complaints became overdue", (long long)n);
}

/* Periodic and long-term tasks get their monthly progress review. */
static void review_tasks(struct store_db *db, const struct pcrm_config *cfg)
{
        (void)cfg;
        int64_t n = complaint_review_tasks(db, time_now_ms());
        if (n > 0)
                log_info("jobs: %lld long-term complaints reviewed", (long long)n);
}

/* Plus-Calls for residents nobody can text, Happy-Calls for a sample of answers. */
static void plan_calls(struct store_db *db, const struct pcrm_config *cfg)
{
        (void)cfg;
        int64_t n = calls_plan(db, time_now_ms());
        if (n > 0)
                log_info("jobs: %lld call tasks planned", (long long)n);
}

static const struct job jobs[] = {
    {"watch-deadlines", 60, watch_deadlines},
    {"review-tasks", 3600, review_tasks},
    {"plan-calls", 300, plan_calls},
    {"purge-sessions", 3600, purge_sessions},
    {"purge-login-attempts", 3600, purge_login_attempts},
};
#define NJOBS (sizeof(jobs) / sizeof(jobs[0]))

struct scheduler {
        const struct pcrm_config *cfg;
        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t wake;
        bool stopping;
        int64_t last_run[NJOBS];
};

void scheduler_run_all(const struct pcrm_config *cfg)
{
        struct store_db *db = store_thread_db();
        if (!db)
                return;
        for (size_t i = 0; i < NJOBS; i++)
                jobs[i].run(db, cfg);
}

static void *scheduler_main(void *arg)
{
        struct scheduler *s = arg;
        pthread_mutex_lock(&s->lock);
        while (!s->stopping) {
                pthread_mutex_unlock(&s->lock);
                struct store_db *db = store_thread_db();
                int64_t now = time_now_ms();
                for (size_t i = 0; db && i < NJOBS; i++) {
                        if (s->last_run[i] && now - s->last_run[i] < jobs[i].every_s * 1000)
                                continue;
                        jobs[i].run(db, s->cfg);
                        s->last_run[i] = now;
                }
                pthread_mutex_lock(&s->lock);
                struct timespec until;
                clock_gettime(CLOCK_REALTIME, &until);
                until.tv_sec += TICK_SECONDS;
                while (!s->stopping &&
                       pthread_cond_timedwait(&s->wake, &s->lock, &until) != ETIMEDOUT)
                        ;
        }
        pthread_mutex_unlock(&s->lock);
        return NULL;
}

int scheduler_start(const struct pcrm_config *cfg, struct scheduler **out)
{
        struct scheduler *s = calloc(1, sizeof(*s));
        if (!s)
                return -1;
        s->cfg = cfg;
        pthread_mutex_init(&s->lock, NULL);
        pthread_cond_init(&s->wake, NULL);
        if (pthread_create(&s->thread, NULL, scheduler_main, s) != 0) {
                free(s);
                return -1;
        }
        *out = s;
        return 0;
}

void scheduler_stop(struct scheduler *s)
{
        if (!s)
                return;
        pthread_mutex_lock(&s->lock);
        s->stopping = true;
        pthread_cond_signal(&s->wake);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->thread, NULL);
        pthread_cond_destroy(&s->wake);
        pthread_mutex_destroy(&s->lock);
        free(s);
}
