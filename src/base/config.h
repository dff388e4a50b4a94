/*
 * config: the settings of `pcrm serve` and the tools, from flags first, then PCRM_*
 * environment variables, then defaults. Numbers are parsed with range checks; a bad
 * value is an error naming the setting, never a silent default.
 */
#ifndef PCRM_BASE_CONFIG_H
#define PCRM_BASE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct pcrm_config {
        char data_dir[512];
        char listen_host[64];
        int listen_port;
        char web_dir[512];
        long body_limit;              /* bytes of request body accepted (PCRM_BODY_LIMIT) */
        long threads;                 /* HTTP worker threads (PCRM_THREADS; 0 = one per core) */
        long session_idle_s;          /* sign-out after this much inactivity */
        long session_absolute_s;      /* and after this long in any case */
        long throttle_failures;       /* failed logins allowed per username or address ... */
        long throttle_window_s;       /* ... within this window */
        long public_rate_limit;       /* public POSTs per minute per address (0 = no limit) */
        bool cookie_secure;           /* add Secure to the session cookie (behind TLS) */
        bool public_officer_names;    /* the resident's view names the officer who acted */
        char sms_callback_token[128]; /* the SMS gateway's delivery reports carry it ("" = off) */
        char pwhash[16];              /* argon2id cost: interactive (default), moderate, min */
};

/* Fills defaults, then applies PCRM_* variables. Returns 0, or -1 after printing why. */
int config_load_env(struct pcrm_config *c);
/* "HOST:PORT" or ":PORT" or "PORT". Returns 0 or -1. */
int config_set_listen(struct pcrm_config *c, const char *value);
/* strtol with the whole string consumed and min <= v <= max. Returns 0 or -1. */
int config_parse_long(const char *s, long min, long max, long *out);
/* Reads the environment variable name, if set, into *out / dst with the same checks;
 * an unset variable leaves the default. Returns 0, or -1 after printing why. */
int config_env_long(const char *name, long min, long max, long *out);
int config_env_string(const char *name, char *dst, size_t dstlen);
/* Copies with truncation check. Returns 0, or -1 if src does not fit. */
int config_copy(char *dst, size_t dstlen, const char *src);

#endif
