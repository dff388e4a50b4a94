/*
 * ratelimit: fixed-window request counts per client address (ratelimit.h).
 *
 * DESIGN
 *
 * A set-associative table: the address hashes (SipHash, libsodium's crypto_shorthash, with
 * a key drawn when the table is made) to one of RATELIMIT_BUCKETS buckets of
 * RATELIMIT_WAYS entries, each bucket behind its own mutex, so requests from different
 * addresses seldom wait for each other. An entry is the address, when its window started
 * and how many requests it has counted. An address not in its bucket takes a free entry,
 * or one whose window has ended, or else the entry whose window started longest ago: the
 * table forgets, it never grows. A fixed window is coarse (up to twice the limit across a
 * window edge) but costs one comparison, and the limit is a brake on floods, not a quota.
 */
#include "http/ratelimit.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct entry {
        char addr[RATELIMIT_ADDR]; /* "" when free */
        int64_t window_start;      /* ms, monotonic */
        long count;
};

struct bucket {
        pthread_mutex_t lock;
        struct entry e[RATELIMIT_WAYS];
};

struct ratelimit {
        unsigned char key[crypto_shorthash_KEYBYTES];
        struct bucket b[RATELIMIT_BUCKETS];
};

struct ratelimit *ratelimit_create(void)
{
        struct ratelimit *rl = calloc(1, sizeof(*rl));
        if (!rl)
                return NULL;
        randombytes_buf(rl->key, sizeof(rl->key));
        for (size_t i = 0; i < RATELIMIT_BUCKETS; i++)
                pthread_mutex_init(&rl->b[i].lock, NULL);
        return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
        if (!rl)
                return;
        for (size_t i = 0; i < RATELIMIT_BUCKETS; i++)
                pthread_mutex_destroy(&rl->b[i].lock);
        free(rl);
}

/* The key an address counts under: itself, or for IPv6 its /64 ("2001:db8:1:2::/64"). */
static void address_key(const char *addr, char *out, size_t outlen)
{
        unsigned char a6[16];
        if (strchr(addr, ':') && inet_pton(AF_INET6, addr, a6) == 1) {
                memset(a6 + 8, 0, 8);
                char text[INET6_ADDRSTRLEN];
                if (inet_ntop(AF_INET6, a6, text, sizeof(text))) {
                        int n = snprintf(out, outlen, "%s/64", text);
                        if (n > 0 && (size_t)n < outlen)
                                return;
                }
        }
        snprintf(out, outlen, "%s", addr);
}

long ratelimit_hit(struct ratelimit *rl, const char *addr, long limit, int64_t window_ms,
                   int64_t now_ms)
{
        if (!rl || limit <= 0 || window_ms <= 0)
                return 0;
        char key[RATELIMIT_ADDR];
        address_key(addr ? addr : "", key, sizeof(key));
        unsigned char h[crypto_shorthash_BYTES];
        crypto_shorthash(h, (const unsigned char *)key, strlen(key), rl->key);
        uint64_t hv = 0;
        for (size_t i = 0; i < sizeof(h); i++)
                hv = hv << 8 | h[i];
        struct bucket *b = &rl->b[hv % RATELIMIT_BUCKETS];

        long retry = 0;
        pthread_mutex_lock(&b->lock);
        struct entry *hit = NULL, *victim = NULL;
        for (size_t i = 0; i < RATELIMIT_WAYS && !hit; i++) {
                struct entry *e = &b->e[i];
                if (e->addr[0] && !strcmp(e->addr, key))
                        hit = e;
                else if (!victim || !e->addr[0] ||
                         (victim->addr[0] && e->window_start < victim->window_start))
                        victim = e;
        }
        if (!hit) {
                hit = victim;
                snprintf(hit->addr, sizeof(hit->addr), "%s", key);
                hit->window_start = now_ms;
                hit->count = 0;
        }
        if (now_ms - hit->window_start >= window_ms) {
                hit->window_start = now_ms;
                hit->count = 0;
        }
        if (hit->count >= limit) {
                int64_t left = hit->window_start + window_ms - now_ms;
                retry = (long)((left + 999) / 1000);
                if (retry < 1)
                        retry = 1;
        } else {
                hit->count++;
        }
        pthread_mutex_unlock(&b->lock);
        return retry;
}

size_t ratelimit_count(struct ratelimit *rl)
{
        size_t n = 0;
        for (size_t i = 0; rl && i < RATELIMIT_BUCKETS; i++) {
                pthread_mutex_lock(&rl->b[i].lock);
                for (size_t j = 0; j < RATELIMIT_WAYS; j++)
                        n += rl->b[i].e[j].addr[0] != 0;
                pthread_mutex_unlock(&rl->b[i].lock);
        }
        return n;
}

/* The process-wide table of the public endpoints, made on first use and kept until the
 * process ends (it is reachable from here, so leak checkers do not report it). */
static pthread_once_t public_once = PTHREAD_ONCE_INIT;
static struct ratelimit *public_table;

static void public_init(void)
{
        public_table = ratelimit_create();
}

static int64_t monotonic_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool http_public_rate_limited(struct http_request *req)
{
        long limit = req->cfg ? req->cfg->public_rate_limit : 0;
        if (limit <= 0)
                return false;
        pthread_once(&public_once, public_init);
        long retry =
            ratelimit_hit(public_table, req->client_addr, limit, 60 * 1000, monotonic_ms());
        if (!retry)
                return false;
        char secs[24];
        snprintf(secs, sizeof(secs), "%ld", retry);
        http_add_header(req, "Retry-After", secs);
        char msg[160];
        snprintf(msg, sizeof(msg), "요청이 너무 많습니다. %ld초 뒤에 다시 시도해 주세요", retry);
        http_reply_error(req, 429, "too_many_requests", NULL, msg);
        return true;
}
