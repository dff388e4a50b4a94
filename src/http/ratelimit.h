/*
 * ratelimit: a per-client-address request limit for the public endpoints (intake), held in
 * memory: at most `limit` requests per address in a fixed window of `window_ms`.
 *
 * The table has a fixed size (RATELIMIT_BUCKETS x RATELIMIT_WAYS entries, about half a
 * megabyte) and never grows: when every entry of an address's bucket is in use, the entry
 * whose window started longest ago is forgotten. Many addresses can therefore reset each
 * other's count, never exhaust memory; the hash is keyed at random per table, so an
 * outsider cannot aim addresses at one bucket. IPv6 addresses count by their /64, the
 * block one subscriber usually holds. The counts are per process and lost on restart.
 *
 * All functions are thread-safe.
 */
#ifndef PCRM_HTTP_RATELIMIT_H
#define PCRM_HTTP_RATELIMIT_H

#include "http/http.h"

#include <stdbool.h>
#include <stdint.h>

#define RATELIMIT_BUCKETS 1024
#define RATELIMIT_WAYS    8
#define RATELIMIT_ADDR    52 /* INET6_ADDRSTRLEN and "/64" */

struct ratelimit;

/* A new, empty table. Caller frees with ratelimit_free. NULL when out of memory. */
struct ratelimit *ratelimit_create(void);
void ratelimit_free(struct ratelimit *rl);

/*
 * Counts one request from addr at now_ms (a monotonic clock). Returns 0 when it is within
 * the limit, else the whole seconds (at least 1) until the address's window ends; refused
 * requests are not counted. limit <= 0 means no limit: always 0, nothing recorded.
 */
long ratelimit_hit(struct ratelimit *rl, const char *addr, long limit, int64_t window_ms,
                   int64_t now_ms);

/* Addresses currently tracked (for tests): at most RATELIMIT_BUCKETS * RATELIMIT_WAYS. */
size_t ratelimit_count(struct ratelimit *rl);

/*
 * The check of the public POST endpoints: req->cfg->public_rate_limit requests a minute
 * per client address (0: off), counted in one process-wide table. Returns false when the
 * request may go on; true after replying 429 too_many_requests with Retry-After.
 */
bool http_public_rate_limited(struct http_request *req);

#endif
