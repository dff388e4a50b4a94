#include "jobs/delivery.h"

#include "base/log.h"
#include "base/time.h"
#include "store/db.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#define POLL_MS 500
#define BATCH   32

struct delivery {
        const struct notify_settings *settings;
        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t wake;
        bool stopping;
};

static bool wait_or_stop(struct delivery *d, long ms)
{
        pthread_mutex_lock(&d->lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += ms / 1000;
        until.tv_nsec += (ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
        }
        while (!d->stopping && pthread_cond_timedwait(&d->wake, &d->lock, &until) != ETIMEDOUT)
                ;
        bool stop = d->stopping;
        pthread_mutex_unlock(&d->lock);
        return stop;
}

static void *delivery_main(void *arg)
{
        struct delivery *d = arg;
        struct outbox_pacer pacer = {0};
        struct store_db *db = store_thread_db();
        if (!db) {
                log_error("delivery: no database connection; messages stay queued");
                return NULL;
        }
        long pause = POLL_MS;
        while (!wait_or_stop(d, pause)) {
                int n = outbox_deliver(db, d->settings, &pacer, time_now_ms(), BATCH);
                if (n < 0)
                        log_error("delivery: database error; retrying");
                /* A full batch: more may be due, go again after a short breath. */
                pause = n >= BATCH ? 10 : POLL_MS;
        }
        return NULL;
}

int delivery_start(const struct notify_settings *s, struct delivery **out)
{
        struct delivery *d = calloc(1, sizeof(*d));
        if (!d)
                return -1;
        d->settings = s;
        pthread_mutex_init(&d->lock, NULL);
        pthread_cond_init(&d->wake, NULL);
        if (pthread_create(&d->thread, NULL, delivery_main, d) != 0) {
                pthread_cond_destroy(&d->wake);
                pthread_mutex_destroy(&d->lock);
                free(d);
                return -1;
        }
        *out = d;
        return 0;
}

void delivery_stop(struct delivery *d)
{
        if (!d)
                return;
        pthread_mutex_lock(&d->lock);
        d->stopping = true;
        pthread_cond_signal(&d->wake);
        pthread_mutex_unlock(&d->lock);
        pthread_join(d->thread, NULL);
        pthread_cond_destroy(&d->wake);
        pthread_mutex_destroy(&d->lock);
        free(d);
}
