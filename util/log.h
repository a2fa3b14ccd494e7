/*
 * Logging to standard error, one line per record:
 *   2026-11-24T10:00:00.123Z WARN outbox: message 42 to chat 7 failed: ...
 * Secrets registered with log_add_secret() are replaced by "***" in every
 * record, so a token that slips into a URL or an error text never reaches
 * the log.
 */
#ifndef MB_LOG_H
#define MB_LOG_H

typedef enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF } log_level;

void log_set_level(log_level level);
log_level log_get_level(void);

/* Parses "debug", "info", "warn", "error" or "off". Returns -1 when unknown. */
int log_level_parse(const char *name);

/* Remembers a secret to redact (copied; at most 4 secrets; empty ones ignored). */
void log_add_secret(const char *secret);

/* Drops every registered secret (tests). */
void log_clear_secrets(void);

void log_write(log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_debug(mod, ...) log_write(LOG_DEBUG, mod, __VA_ARGS__)
#define log_info(mod, ...)  log_write(LOG_INFO, mod, __VA_ARGS__)
#define log_warn(mod, ...)  log_write(LOG_WARN, mod, __VA_ARGS__)
#define log_error(mod, ...) log_write(LOG_ERROR, mod, __VA_ARGS__)

#endif
