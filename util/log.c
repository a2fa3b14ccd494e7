#include "util/log.h"
#include "util/clock.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOG_LINE_MAX 4096
#define LOG_SECRETS_MAX 4

static log_level current_level = LOG_INFO;
static char *secrets[LOG_SECRETS_MAX];

void log_set_level(log_level level) { current_level = level; }
log_level log_get_level(void) { return current_level; }

int log_level_parse(const char *name)
{
    static const char *names[] = {"debug", "info", "warn", "error", "off"};
    for (int i = 0; i < 5; i++)
        if (name && strcmp(name, names[i]) == 0) return i;
    return -1;
}

void log_add_secret(const char *secret)
{
    if (!secret || !*secret) return;
    for (int i = 0; i < LOG_SECRETS_MAX; i++) {
        if (secrets[i] && strcmp(secrets[i], secret) == 0) return;
        if (!secrets[i]) { secrets[i] = strdup(secret); return; }
    }
}

void log_clear_secrets(void)
{
    for (int i = 0; i < LOG_SECRETS_MAX; i++) { free(secrets[i]); secrets[i] = NULL; }
}

/* Replaces each occurrence of every secret in buf (of size bytes) with
 * "***", in place. The search goes on after each replacement, so a secret
 * found again inside "***" (a secret of asterisks) cannot loop, and a
 * secret shorter than the mark never makes the line outgrow buf. */
static void redact(char *buf, size_t size)
{
    static const char mark[] = "***";
    const size_t m = sizeof mark - 1;
    for (int i = 0; i < LOG_SECRETS_MAX; i++) {
        if (!secrets[i]) continue;
        size_t n = strlen(secrets[i]);
        char *from = buf, *p;
        while ((p = strstr(from, secrets[i])) != NULL) {
            size_t tail = strlen(p + n) + 1;
            size_t used = (size_t)(p - buf) + m;
            if (used + tail > size) tail = used < size ? size - used : 0;
            if (used > size - 1) { /* no room even for the mark: cut the line at the secret */
                *p = 0;
                break;
            }
            memmove(p + m, p + n, tail);
            memcpy(p, mark, m);
            if (tail) buf[used + tail - 1] = 0;
            from = p + m;
        }
    }
}

void log_write(log_level level, const char *module, const char *fmt, ...)
{
    static const char *tags[] = {"DEBUG", "INFO", "WARN", "ERROR"};
    if (level < current_level || level >= LOG_OFF) return;
    char line[LOG_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    redact(line, sizeof line);
    /* Control characters from user input would let a message forge log lines. */
    for (char *p = line; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\t') *p = ' ';
    char stamp[32];
    clock_format_iso(clock_now_ms(), stamp, sizeof stamp);
    fprintf(stderr, "%s %s %s: %s\n", stamp, tags[level], module, line);
}
