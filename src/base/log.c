#include "base/log.h"

#include "base/time.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum log_level min_level = LOG_INFO;
static _Thread_local const char *request_id;

void log_set_level(enum log_level level)
{
        min_level = level;
}

void log_init_from_env(void)
{
        const char *v = getenv("PCRM_LOG_LEVEL");
        if (!v)
                return;
        if (!strcmp(v, "debug"))
                min_level = LOG_DEBUG;
        else if (!strcmp(v, "warn"))
                min_level = LOG_WARN;
        else if (!strcmp(v, "error"))
                min_level = LOG_ERROR;
        else
                min_level = LOG_INFO;
}

void log_set_request_id(const char *id)
{
        request_id = id;
}

const char *log_request_id(void)
{
        return request_id;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
        static const char *names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
        if (level < min_level)
                return;
        char when[32], text[1024];
        time_format_kst(time_now_ms(), when, sizeof(when));
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(text, sizeof(text), fmt, ap);
        va_end(ap);
        /* One fprintf per line: stdio locks the stream, so lines from threads never interleave. */
        fprintf(stderr, "%s %s [%s] %s\n", when, names[level], request_id ? request_id : "-", text);
}
