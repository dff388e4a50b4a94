/*
 * Unit tests for http/ratelimit: the fixed-window count per client address.
 *
 * The contract under test: `limit` requests per window pass and the next is refused with
 * the seconds left; refusals are not counted; a new window starts afresh; addresses count
 * apart (IPv6 by /64); 0 means no limit; the table never holds more than its fixed size
 * whatever the number of addresses; and counting from many threads loses nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/ratelimit.h"

#include <pthread.h>
#include <stdio.h>

#define MIN 60000

static void test_window(void **state)
{
        (void)state;
        struct ratelimit *rl = ratelimit_create();
        assert_non_null(rl);
        const int64_t t0 = 1000000;
        for (int i = 0; i < 5; i++)
                assert_int_equal(ratelimit_hit(rl, "203.0.113.7", 5, MIN, t0 + i), 0);
        assert_int_equal(ratelimit_hit(rl, "203.0.113.7", 5, MIN, t0 + 10), 60);
        assert_int_equal(ratelimit_hit(rl, "203.0.113.7", 5, MIN, t0 + 30500), 30);
        assert_int_equal(ratelimit_hit(rl, "203.0.113.7", 5, MIN, t0 + MIN - 1), 1);
        /* another address is not affected */
        assert_int_equal(ratelimit_hit(rl, "203.0.113.8", 5, MIN, t0 + 10), 0);
        /* a new window */
        for (int i = 0; i < 5; i++)
                assert_int_equal(ratelimit_hit(rl, "203.0.113.7", 5, MIN, t0 + MIN + i), 0);
        assert_int_not_equal(ratelimit_hit(rl, "203.0.113.7", 5, MIN, t0 + MIN + 9), 0);
        /* no limit */
        for (int i = 0; i < 100; i++)
                assert_int_equal(ratelimit_hit(rl, "203.0.113.9", 0, MIN, t0), 0);
        assert_int_equal(ratelimit_hit(NULL, "203.0.113.9", 1, MIN, t0), 0);
        ratelimit_free(rl);
}

static void test_ipv6_counts_by_64(void **state)
{
        (void)state;
        struct ratelimit *rl = ratelimit_create();
        assert_int_equal(ratelimit_hit(rl, "2001:db8:1:2::1", 2, MIN, 0), 0);
        assert_int_equal(ratelimit_hit(rl, "2001:db8:1:2:ffff::9", 2, MIN, 0), 0);
        assert_int_not_equal(ratelimit_hit(rl, "2001:db8:1:2::abcd", 2, MIN, 0), 0);
        assert_int_equal(ratelimit_hit(rl, "2001:db8:1:3::1", 2, MIN, 0), 0);
        ratelimit_free(rl);
}

static void test_bounded_memory(void **state)
{
        (void)state;
        struct ratelimit *rl = ratelimit_create();
        char addr[32];
        const size_t cap = (size_t)RATELIMIT_BUCKETS * RATELIMIT_WAYS;
        for (unsigned i = 0; i < 200000; i++) {
                snprintf(addr, sizeof(addr), "10.%u.%u.%u", i >> 16 & 255, i >> 8 & 255, i & 255);
                assert_int_equal(ratelimit_hit(rl, addr, 3, MIN, (int64_t)i), 0);
        }
        size_t n = ratelimit_count(rl);
        assert_true(n <= cap);
        assert_true(n > cap / 2); /* and it is used, not thrown away */
        ratelimit_free(rl);
}

struct worker {
        struct ratelimit *rl;
        int allowed;
};

static void *hammer(void *arg)
{
        struct worker *w = arg;
        for (int i = 0; i < 5000; i++)
                if (!ratelimit_hit(w->rl, "198.51.100.1", 10000, MIN, 5))
                        w->allowed++;
        return NULL;
}

static void test_threads(void **state)
{
        (void)state;
        struct ratelimit *rl = ratelimit_create();
        pthread_t t[4];
        struct worker w[4];
        for (int i = 0; i < 4; i++) {
                w[i] = (struct worker){rl, 0};
                assert_int_equal(pthread_create(&t[i], NULL, hammer, &w[i]), 0);
        }
        int total = 0;
        for (int i = 0; i < 4; i++) {
                pthread_join(t[i], NULL);
                total += w[i].allowed;
        }
        assert_int_equal(total, 10000); /* exactly the limit out of 20000 */
        ratelimit_free(rl);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_window),
            cmocka_unit_test(test_ipv6_counts_by_64),
            cmocka_unit_test(test_bounded_memory),
            cmocka_unit_test(test_threads),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
