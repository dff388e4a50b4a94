#include "base/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int config_parse_long(const char *s, long min, long max, long *out)
{
        /* strtol would skip leading spaces and take a '+': a setting is digits only. */
        if (!s || !((*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' && s[1] <= '9')))
                return -1;
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || *end != '\0' || v < min || v > max)
                return -1;
        *out = v;
        return 0;
}

int config_copy(char *dst, size_t dstlen, const char *src)
{
        size_t n = strlen(src);
        if (n >= dstlen)
                return -1;
        memcpy(dst, src, n + 1);
        return 0;
}

int config_set_listen(struct pcrm_config *c, const char *value)
{
        const char *colon = strrchr(value, ':');
        const char *port = colon ? colon + 1 : value;
        long p;
        if (config_parse_long(port, 0, 65535, &p) < 0)
                return -1;
        if (colon) {
                size_t hl = (size_t)(colon - value);
                if (hl >= sizeof(c->listen_host))
                        return -1;
                if (hl) {
                        memcpy(c->listen_host, value, hl);
                        c->listen_host[hl] = '\0';
                }
        }
        c->listen_port = (int)p;
        return 0;
}

int config_env_long(const char *name, long min, long max, long *out)
{
        const char *v = getenv(name);
        if (!v)
                return 0;
        if (config_parse_long(v, min, max, out) < 0) {
                fprintf(stderr, "pcrm: %s must be a whole number from %ld to %ld\n", name, min,
                        max);
                return -1;
        }
        return 0;
}

int config_env_string(const char *name, char *dst, size_t dstlen)
{
        const char *v = getenv(name);
        if (!v)
                return 0;
        if (config_copy(dst, dstlen, v) < 0) {
                fprintf(stderr, "pcrm: %s is too long\n", name);
                return -1;
        }
        return 0;
}

/* A 0/1 switch; unset leaves it off. Returns 0, or -1 after printing why. */
static int env_flag(const char *name, bool *out)
{
        const char *v = getenv(name);
        *out = v && !strcmp(v, "1");
        if (v && strcmp(v, "0") && strcmp(v, "1")) {
                fprintf(stderr, "pcrm: %s must be 0 or 1\n", name);
                return -1;
        }
        return 0;
}

int config_load_env(struct pcrm_config *c)
{
        memset(c, 0, sizeof(*c));
        snprintf(c->listen_host, sizeof(c->listen_host), "127.0.0.1");
        c->listen_port = 8080;
        c->body_limit = 1024 * 1024;
        c->threads = 0;
        c->session_idle_s = 30 * 60;
        c->session_absolute_s = 10 * 3600;
        c->throttle_failures = 5;
        c->throttle_window_s = 15 * 60;
        c->public_rate_limit = 30;
        snprintf(c->pwhash, sizeof(c->pwhash), "interactive");

        int rc = 0;
        rc |= config_env_string("PCRM_DATA", c->data_dir, sizeof(c->data_dir));
        rc |= config_env_string("PCRM_WEB", c->web_dir, sizeof(c->web_dir));
        rc |= config_env_string("PCRM_PWHASH", c->pwhash, sizeof(c->pwhash));
        rc |= config_env_long("PCRM_BODY_LIMIT", 1024, 64L * 1024 * 1024, &c->body_limit);
        rc |= config_env_long("PCRM_THREADS", 0, 256, &c->threads);
        rc |= config_env_long("PCRM_SESSION_IDLE", 1, 7L * 86400, &c->session_idle_s);
        rc |= config_env_long("PCRM_SESSION_ABSOLUTE", 1, 30L * 86400, &c->session_absolute_s);
        rc |= config_env_long("PCRM_THROTTLE_FAILURES", 1, 1000, &c->throttle_failures);
        rc |= config_env_long("PCRM_THROTTLE_WINDOW", 1, 86400, &c->throttle_window_s);
        rc |= config_env_long("PCRM_PUBLIC_RATE_LIMIT", 0, 1000000, &c->public_rate_limit);
        const char *listen = getenv("PCRM_LISTEN");
        if (listen && config_set_listen(c, listen) < 0) {
                fprintf(stderr, "pcrm: PCRM_LISTEN must be HOST:PORT\n");
                rc = -1;
        }
        rc |= env_flag("PCRM_COOKIE_SECURE", &c->cookie_secure);
        rc |= env_flag("PCRM_PUBLIC_OFFICER_NAMES", &c->public_officer_names);
        rc |= config_env_string("PCRM_SMS_CALLBACK_TOKEN", c->sms_callback_token,
                                sizeof(c->sms_callback_token));
        if (c->sms_callback_token[0] && strlen(c->sms_callback_token) < 16) {
                fprintf(stderr, "pcrm: PCRM_SMS_CALLBACK_TOKEN must be at least 16 characters\n");
                rc = -1;
        }
        if (strcmp(c->pwhash, "interactive") && strcmp(c->pwhash, "moderate") &&
            strcmp(c->pwhash, "min")) {
                fprintf(stderr, "pcrm: PCRM_PWHASH must be interactive, moderate or min\n");
                rc = -1;
        }
        return rc ? -1 : 0;
}
