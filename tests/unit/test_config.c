/*
 * Unit tests for base/config: range-checked numbers, the listen address, and the PCRM_*
 * environment. Every test starts from an environment with no PCRM_* variable set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const pcrm_vars[] = {
    "PCRM_DATA",
    "PCRM_WEB",
    "PCRM_PWHASH",
    "PCRM_BODY_LIMIT",
    "PCRM_THREADS",
    "PCRM_SESSION_IDLE",
    "PCRM_SESSION_ABSOLUTE",
    "PCRM_THROTTLE_FAILURES",
    "PCRM_THROTTLE_WINDOW",
    "PCRM_LISTEN",
    "PCRM_COOKIE_SECURE",
};

static int clear_env(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(pcrm_vars) / sizeof(pcrm_vars[0]); i++)
                unsetenv(pcrm_vars[i]);
        return 0;
}

static const struct {
        const char *s;
        long min, max;
        int rc;
        long want;
} long_cases[] = {
    {"0", 0, 10, 0, 0},
    {"10", 0, 10, 0, 10},
    {"7", 0, 10, 0, 7},
    {"-5", -10, 10, 0, -5},
    {"+3", 0, 10, -1, 0}, /* digits only: strtol's sign and spaces are refused */
    {" 42", 0, 100, -1, 0},
    {"11", 0, 10, -1, 0},
    {"-1", 0, 10, -1, 0},
    {"1023", 1024, 2048, -1, 0},
    {"9223372036854775807", LONG_MIN, LONG_MAX, 0, LONG_MAX},
    {"-9223372036854775808", LONG_MIN, LONG_MAX, 0, LONG_MIN},
    {"9223372036854775808", LONG_MIN, LONG_MAX, -1, 0},
    {"99999999999999999999", LONG_MIN, LONG_MAX, -1, 0},
    {"", 0, 10, -1, 0},
    {"abc", 0, 10, -1, 0},
    {"12abc", 0, 100, -1, 0},
    {"5 ", 0, 10, -1, 0},
    {"1.5", 0, 10, -1, 0},
    {"1e3", 0, 10000, -1, 0},
    {"0x10", 0, 100, -1, 0},
    {"-", 0, 10, -1, 0},
    {"오", 0, 10, -1, 0},
};

static void test_parse_long_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(long_cases) / sizeof(long_cases[0]); i++) {
                long got = 777;
                int rc =
                    config_parse_long(long_cases[i].s, long_cases[i].min, long_cases[i].max, &got);
                long want = long_cases[i].rc == 0 ? long_cases[i].want : 777;
                if (rc != long_cases[i].rc || got != want)
                        fail_msg("parse_long(\"%s\", %ld, %ld) = %d, %ld; want %d, %ld",
                                 long_cases[i].s, long_cases[i].min, long_cases[i].max, rc, got,
                                 long_cases[i].rc, want);
        }
}

static void test_parse_long_null(void **state)
{
        (void)state;
        long got = 777;
        assert_int_equal(config_parse_long(NULL, 0, 10, &got), -1);
        assert_int_equal(got, 777);
}

static void test_copy(void **state)
{
        (void)state;
        char dst[8];
        assert_int_equal(config_copy(dst, sizeof(dst), "/srv"), 0);
        assert_string_equal(dst, "/srv");
        assert_int_equal(config_copy(dst, sizeof(dst), "1234567"), 0);
        assert_string_equal(dst, "1234567");
        assert_int_equal(config_copy(dst, sizeof(dst), "12345678"), -1);
        assert_int_equal(config_copy(dst, sizeof(dst), "종로구"), -1); /* 9 bytes */
        assert_int_equal(config_copy(dst, sizeof(dst), ""), 0);
        assert_string_equal(dst, "");
}

static void fill_listen(struct pcrm_config *c)
{
        memset(c, 0, sizeof(*c));
        snprintf(c->listen_host, sizeof(c->listen_host), "%s", "127.0.0.1");
        c->listen_port = 8080;
}

static const struct {
        const char *value;
        int rc;
        const char *host;
        int port;
} listen_cases[] = {
    {"127.0.0.1:8080", 0, "127.0.0.1", 8080},
    {"0.0.0.0:9443", 0, "0.0.0.0", 9443},
    {"localhost:65535", 0, "localhost", 65535},
    {"pcrm.jongno.go.kr:443", 0, "pcrm.jongno.go.kr", 443},
    {":9000", 0, "127.0.0.1", 9000},
    {"8081", 0, "127.0.0.1", 8081},
    {"", -1, "127.0.0.1", 8080},
    {":", -1, "127.0.0.1", 8080},
    {"0.0.0.0:", -1, "127.0.0.1", 8080},
    {"0.0.0.0:http", -1, "127.0.0.1", 8080},
    {"0.0.0.0:65536", -1, "127.0.0.1", 8080},
    {"0.0.0.0:-1", -1, "127.0.0.1", 8080},
    {"0.0.0.0:80x", -1, "127.0.0.1", 8080},
    {"localhost", -1, "127.0.0.1", 8080},
    {"a-host-name-that-is-much-longer-than-the-sixty-four-bytes-allowed.example:80", -1,
     "127.0.0.1", 8080},
};

static void test_set_listen_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(listen_cases) / sizeof(listen_cases[0]); i++) {
                struct pcrm_config c;
                fill_listen(&c);
                int rc = config_set_listen(&c, listen_cases[i].value);
                if (rc != listen_cases[i].rc || strcmp(c.listen_host, listen_cases[i].host) ||
                    c.listen_port != listen_cases[i].port)
                        fail_msg("set_listen(\"%s\") = %d, %s:%d; want %d, %s:%d",
                                 listen_cases[i].value, rc, c.listen_host, c.listen_port,
                                 listen_cases[i].rc, listen_cases[i].host, listen_cases[i].port);
        }
}

static void test_load_env_defaults(void **state)
{
        (void)state;
        struct pcrm_config c;
        memset(&c, 0x5A, sizeof(c));
        assert_int_equal(config_load_env(&c), 0);
        assert_string_equal(c.data_dir, "");
        assert_string_equal(c.web_dir, "");
        assert_string_equal(c.listen_host, "127.0.0.1");
        assert_int_equal(c.listen_port, 8080);
        assert_int_equal(c.body_limit, 1024 * 1024);
        assert_int_equal(c.threads, 0);
        assert_int_equal(c.session_idle_s, 30 * 60);
        assert_int_equal(c.session_absolute_s, 10 * 3600);
        assert_int_equal(c.throttle_failures, 5);
        assert_int_equal(c.throttle_window_s, 15 * 60);
        assert_false(c.cookie_secure);
        assert_string_equal(c.pwhash, "interactive");
}

static void test_load_env_all_set(void **state)
{
        (void)state;
        setenv("PCRM_DATA", "/var/lib/pcrm/종로구", 1);
        setenv("PCRM_WEB", "/srv/pcrm/web", 1);
        setenv("PCRM_LISTEN", "0.0.0.0:9000", 1);
        setenv("PCRM_BODY_LIMIT", "2048", 1);
        setenv("PCRM_THREADS", "8", 1);
        setenv("PCRM_SESSION_IDLE", "600", 1);
        setenv("PCRM_SESSION_ABSOLUTE", "28800", 1);
        setenv("PCRM_THROTTLE_FAILURES", "3", 1);
        setenv("PCRM_THROTTLE_WINDOW", "60", 1);
        setenv("PCRM_COOKIE_SECURE", "1", 1);
        setenv("PCRM_PWHASH", "min", 1);
        struct pcrm_config c;
        assert_int_equal(config_load_env(&c), 0);
        assert_string_equal(c.data_dir, "/var/lib/pcrm/종로구");
        assert_string_equal(c.web_dir, "/srv/pcrm/web");
        assert_string_equal(c.listen_host, "0.0.0.0");
        assert_int_equal(c.listen_port, 9000);
        assert_int_equal(c.body_limit, 2048);
        assert_int_equal(c.threads, 8);
        assert_int_equal(c.session_idle_s, 600);
        assert_int_equal(c.session_absolute_s, 28800);
        assert_int_equal(c.throttle_failures, 3);
        assert_int_equal(c.throttle_window_s, 60);
        assert_true(c.cookie_secure);
        assert_string_equal(c.pwhash, "min");
        clear_env(NULL);
}

/* Each row sets one variable; the value must be accepted (rc 0) or refused (rc -1). */
static const struct {
        const char *var, *value;
        int rc;
} env_cases[] = {
    {"PCRM_BODY_LIMIT", "1024", 0},
    {"PCRM_BODY_LIMIT", "67108864", 0},
    {"PCRM_BODY_LIMIT", "1023", -1},
    {"PCRM_BODY_LIMIT", "67108865", -1},
    {"PCRM_BODY_LIMIT", "1MB", -1},
    {"PCRM_BODY_LIMIT", "", -1},
    {"PCRM_THREADS", "0", 0},
    {"PCRM_THREADS", "256", 0},
    {"PCRM_THREADS", "257", -1},
    {"PCRM_THREADS", "-1", -1},
    {"PCRM_THREADS", "four", -1},
    {"PCRM_SESSION_IDLE", "1", 0},
    {"PCRM_SESSION_IDLE", "604800", 0},
    {"PCRM_SESSION_IDLE", "0", -1},
    {"PCRM_SESSION_IDLE", "604801", -1},
    {"PCRM_SESSION_ABSOLUTE", "2592000", 0},
    {"PCRM_SESSION_ABSOLUTE", "2592001", -1},
    {"PCRM_SESSION_ABSOLUTE", "10h", -1},
    {"PCRM_THROTTLE_FAILURES", "1000", 0},
    {"PCRM_THROTTLE_FAILURES", "0", -1},
    {"PCRM_THROTTLE_FAILURES", "1001", -1},
    {"PCRM_THROTTLE_WINDOW", "86400", 0},
    {"PCRM_THROTTLE_WINDOW", "86401", -1},
    {"PCRM_THROTTLE_WINDOW", "0", -1},
    {"PCRM_LISTEN", ":9000", 0},
    {"PCRM_LISTEN", "0.0.0.0:99999", -1},
    {"PCRM_LISTEN", "0.0.0.0", -1},
    {"PCRM_PWHASH", "interactive", 0},
    {"PCRM_PWHASH", "moderate", 0},
    {"PCRM_PWHASH", "min", 0},
    {"PCRM_PWHASH", "fast", -1},
    {"PCRM_PWHASH", "", -1},
    {"PCRM_PWHASH", "interactive-but-longer", -1},
    {"PCRM_COOKIE_SECURE", "0", 0},
    {"PCRM_COOKIE_SECURE", "1", 0},
};

static void test_load_env_values_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(env_cases) / sizeof(env_cases[0]); i++) {
                clear_env(NULL);
                setenv(env_cases[i].var, env_cases[i].value, 1);
                struct pcrm_config c;
                int rc = config_load_env(&c);
                if (rc != env_cases[i].rc)
                        fail_msg("%s=\"%s\": config_load_env = %d, want %d", env_cases[i].var,
                                 env_cases[i].value, rc, env_cases[i].rc);
        }
        clear_env(NULL);
}

static void test_load_env_path_too_long(void **state)
{
        (void)state;
        char path[600];
        memset(path, 'd', sizeof(path) - 1);
        path[0] = '/';
        path[sizeof(path) - 1] = '\0';
        static const char *const vars[] = {"PCRM_DATA", "PCRM_WEB"};
        for (size_t i = 0; i < 2; i++) {
                clear_env(NULL);
                setenv(vars[i], path, 1);
                struct pcrm_config c;
                if (config_load_env(&c) != -1)
                        fail_msg("%s of %zu bytes was accepted", vars[i], strlen(path));
        }
        /* 511 bytes fit the 512-byte field. */
        path[511] = '\0';
        clear_env(NULL);
        setenv("PCRM_DATA", path, 1);
        struct pcrm_config c;
        assert_int_equal(config_load_env(&c), 0);
        assert_int_equal(strlen(c.data_dir), 511);
        clear_env(NULL);
}

static void test_load_env_listen_port_only_keeps_host(void **state)
{
        (void)state;
        setenv("PCRM_LISTEN", "8443", 1);
        struct pcrm_config c;
        assert_int_equal(config_load_env(&c), 0);
        assert_string_equal(c.listen_host, "127.0.0.1");
        assert_int_equal(c.listen_port, 8443);
        clear_env(NULL);
}

/*
 * The header promises that a bad value is an error naming the setting, never a silent
 * default. An operator behind TLS who writes PCRM_COOKIE_SECURE=true or =yes must not get
 * session cookies without Secure and no word about it.
 */
static void test_load_env_cookie_secure_bad_value_is_error(void **state)
{
        (void)state;
        static const char *const bad[] = {"true", "yes", "on", "2"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                clear_env(NULL);
                setenv("PCRM_COOKIE_SECURE", bad[i], 1);
                struct pcrm_config c;
                int rc = config_load_env(&c);
                if (rc != -1)
                        fail_msg("PCRM_COOKIE_SECURE=\"%s\": config_load_env = %d with"
                                 " cookie_secure=%d, want -1",
                                 bad[i], rc, c.cookie_secure);
        }
        clear_env(NULL);
}

/* One bad value among good ones still fails the whole load. */
static void test_load_env_one_bad_among_good(void **state)
{
        (void)state;
        setenv("PCRM_DATA", "/var/lib/pcrm", 1);
        setenv("PCRM_LISTEN", "127.0.0.1:8080", 1);
        setenv("PCRM_THREADS", "many", 1);
        setenv("PCRM_SESSION_IDLE", "1800", 1);
        struct pcrm_config c;
        assert_int_equal(config_load_env(&c), -1);
        clear_env(NULL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_parse_long_table),
            cmocka_unit_test(test_parse_long_null),
            cmocka_unit_test(test_copy),
            cmocka_unit_test(test_set_listen_table),
            cmocka_unit_test_setup(test_load_env_defaults, clear_env),
            cmocka_unit_test_setup(test_load_env_all_set, clear_env),
            cmocka_unit_test_setup(test_load_env_values_table, clear_env),
            cmocka_unit_test_setup(test_load_env_path_too_long, clear_env),
            cmocka_unit_test_setup(test_load_env_listen_port_only_keeps_host, clear_env),
            cmocka_unit_test_setup(test_load_env_cookie_secure_bad_value_is_error, clear_env),
            cmocka_unit_test_setup(test_load_env_one_bad_among_good, clear_env),
        };
        return cmocka_run_group_tests(tests, clear_env, NULL);
}
