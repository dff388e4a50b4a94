/*
 * log: one line per event on stderr, "TIME LEVEL [request-id] message". The request id
 * is per thread: the HTTP layer sets it when a request starts and clears it at the end,
 * so every line a handler logs can be tied to the request (and to its audit rows).
 */
#ifndef PCRM_BASE_LOG_H
#define PCRM_BASE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Reads PCRM_LOG_LEVEL (debug, info, warn, error); info by default. */
void log_init_from_env(void);
void log_set_level(enum log_level level);
/* Borrowed: the string must outlive its use on this thread (until log_set_request_id(NULL)). */
void log_set_request_id(const char *id);
const char *log_request_id(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
