#include "bot/config.h"
#include "storage/retention.h"
#include "util/log.h"
#include "util/strbuf.h"

#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct parse_state {
    config *cfg;
    FILE *file;
    int line;      /* line number of the last line handed to inih */
    strbuf errors;
    int nerrors;
} parse_state;

void config_defaults(config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->storage_path, sizeof cfg->storage_path, "mentorbot.db");
    cfg->synchronous_full = 1;
    cfg->busy_timeout_ms = 5000;
    cfg->retry_first_ms = 1000;
    meeting_rules_default(&cfg->meetings);
    poll_rules_default(&cfg->polls);
    digest_rules_default(&cfg->digest);
    recognition_rules_default(&cfg->recognition);
    cfg->retention_days = RETENTION_DAYS_DEFAULT;
    cfg->audit_retention_days = AUDIT_RETENTION_DAYS_DEFAULT;
    snprintf(cfg->tg_api_base, sizeof cfg->tg_api_base, "%s", CONFIG_DEFAULT_API_BASE);
    cfg->tg_poll_timeout_s = 25;
    cfg->tg_request_timeout_s = 30;
    cfg->tg_rate_global_per_s = 30;
    cfg->tg_rate_per_chat_per_s = 1;
    snprintf(cfg->vk_api_base, sizeof cfg->vk_api_base, "%s", CONFIG_DEFAULT_VK_API_BASE);
    cfg->vk_wait_s = 25;
    cfg->vk_rate_per_s = 20;
    cfg->vk_session_refresh_s = 3600;
    cfg->vk_rate_per_chat_per_s = 1;
    cfg->vk_request_timeout_s = 30;
    snprintf(cfg->max_api_base, sizeof cfg->max_api_base, "%s", CONFIG_DEFAULT_MAX_API_BASE);
    snprintf(cfg->max_format, sizeof cfg->max_format, "plain");
    cfg->max_poll_timeout_s = 30;
    cfg->max_request_timeout_s = 30;
    cfg->max_rate_per_s = 30;
    cfg->max_rate_per_chat_per_s = 1;
    snprintf(cfg->timezone, sizeof cfg->timezone, "Europe/Moscow");
    snprintf(cfg->language, sizeof cfg->language, "ru");
    cfg->consent_age = 14;
    cfg->log_level = LOG_INFO;
}

static void add_error(parse_state *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_error(parse_state *ps, const char *fmt, ...)
{
    va_list ap;
    sb_printf(&ps->errors, "%s:%d: ", ps->cfg->file, ps->line);
    va_start(ap, fmt);
    sb_vprintf(&ps->errors, fmt, ap);
    va_end(ap);
    sb_puts(&ps->errors, "\n");
    ps->nerrors++;
}

static int set_string(parse_state *ps, char *dst, size_t size, const char *key, const char *value)
{
    if (strlen(value) >= size) {
        add_error(ps, "%s is too long (at most %zu bytes)", key, size - 1);
        return 0;
    }
    snprintf(dst, size, "%s", value);
    return 1;
}

static int set_int(parse_state *ps, int *dst, const char *key, const char *value, long min, long max)
{
    char *end;
    long v = strtol(value, &end, 10);
    if (!*value || *end || v < min || v > max) {
        add_error(ps, "%s must be a whole number from %ld to %ld, not \"%s\"", key, min, max, value);
        return 0;
    }
    *dst = (int)v;
    return 1;
}

static int set_rate(parse_state *ps, double *dst, const char *key, const char *value)
{
    char *end;
    double v = strtod(value, &end);
    /* Written so that "nan" (which strtod reads) fails too. */
    if (!*value || *end || !(v > 0 && v <= 10000)) {
        add_error(ps, "%s must be a number of messages per second above 0, not \"%s\"", key, value);
        return 0;
    }
    *dst = v;
    return 1;
}

int config_timezone_valid(const char *tz)
{
    if (!*tz || tz[0] == '/' || strstr(tz, "..")) return 0;
    for (const char *p = tz; *p; p++)
        if (!(((*p | 32) >= 'a' && (*p | 32) <= 'z') || (*p >= '0' && *p <= '9') || strchr("/_+-", *p)))
            return 0;
    struct stat st;
    /* Without tzdata installed we can only check the shape of the name. */
    if (stat("/usr/share/zoneinfo", &st) != 0) return 1;
    char path[256];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void set_base(parse_state *ps, char *dst, size_t size, const char *key, const char *value)
{
    if (strncmp(value, "http://", 7) && strncmp(value, "https://", 8)) {
        add_error(ps, "%s must start with http:// or https://, not \"%s\"", key, value);
    } else if (set_string(ps, dst, size, key, value)) {
        size_t n = strlen(dst);
        while (n > 0 && dst[n - 1] == '/') dst[--n] = 0;
    }
}

/* The [max] section. */
static void max_key(parse_state *ps, const char *key, const char *value)
{
    config *c = ps->cfg;
    if (strcmp(key, "token") == 0) {
        log_add_secret(value);
        set_string(ps, c->max_token, sizeof c->max_token, key, value);
    } else if (strcmp(key, "api_base") == 0) {
        set_base(ps, c->max_api_base, sizeof c->max_api_base, key, value);
    } else if (strcmp(key, "username") == 0) {
        const char *name = value[0] == '@' ? value + 1 : value;
        int ok = *name != 0;
        for (const char *p = name; *p; p++)
            if (!(((*p | 32) >= 'a' && (*p | 32) <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.'))
                ok = 0;
        if (!ok) add_error(ps, "username must be the bot's name in its link (letters, digits, _ and .), not \"%s\"", value);
        else set_string(ps, c->max_username, sizeof c->max_username, key, name);
    } else if (strcmp(key, "format") == 0) {
        if (strcmp(value, "plain") && strcmp(value, "markdown") && strcmp(value, "html"))
            add_error(ps, "format must be plain, markdown or html, not \"%s\"", value);
        else set_string(ps, c->max_format, sizeof c->max_format, key, value);
    } else if (strcmp(key, "mode") == 0) {
        if (strcmp(value, "polling") == 0) c->max_webhook = 0;
        else if (strcmp(value, "webhook") == 0) c->max_webhook = 1;
        else add_error(ps, "mode must be polling or webhook, not \"%s\"", value);
    } else if (strcmp(key, "webhook_url") == 0) {
        if (strncmp(value, "https://", 8) && strncmp(value, "http://", 7))
            add_error(ps, "webhook_url must start with https://, not \"%s\"", value);
        else set_string(ps, c->max_webhook_url, sizeof c->max_webhook_url, key, value);
    } else if (strcmp(key, "webhook_secret") == 0) {
        log_add_secret(value);
        size_t n = strlen(value), ok = n >= 5 && n <= 256;
        for (const char *p = value; *p; p++)
            if (!(((*p | 32) >= 'a' && (*p | 32) <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')) ok = 0;
        if (!ok) add_error(ps, "webhook_secret must be 5 to 256 letters, digits, _ or -");
        else set_string(ps, c->max_webhook_secret, sizeof c->max_webhook_secret, key, value);
    } else if (strcmp(key, "webhook_listen") == 0) {
        const char *colon = strrchr(value, ':');
        char *end;
        long port = colon ? strtol(colon + 1, &end, 10) : 0;
        if (!colon || colon == value || !colon[1] || *end || port < 1 || port > 65535)
            add_error(ps, "webhook_listen must be host:port, like 127.0.0.1:8443, not \"%s\"", value);
        else set_string(ps, c->max_webhook_listen, sizeof c->max_webhook_listen, key, value);
    } else if (strcmp(key, "webhook_cert") == 0) {
        set_string(ps, c->max_webhook_cert, sizeof c->max_webhook_cert, key, value);
    } else if (strcmp(key, "webhook_key") == 0) {
        set_string(ps, c->max_webhook_key, sizeof c->max_webhook_key, key, value);
    } else if (strcmp(key, "poll_timeout") == 0) {
        set_int(ps, &c->max_poll_timeout_s, key, value, 0, 90);
    } else if (strcmp(key, "request_timeout") == 0) {
        set_int(ps, &c->max_request_timeout_s, key, value, 1, 600);
    } else if (strcmp(key, "rate_per_s") == 0) {
        set_rate(ps, &c->max_rate_per_s, key, value);
    } else if (strcmp(key, "rate_per_chat_per_s") == 0) {
        set_rate(ps, &c->max_rate_per_chat_per_s, key, value);
    } else {
        add_error(ps, "unknown key \"%s\" in [max]", key);
    }
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
    parse_state *ps = user;
    config *c = ps->cfg;
#define IS(s, k) (strcmp(section, s) == 0 && strcmp(key, k) == 0)
    if (!*key) return 1; /* a bare [section] line */
    if (IS("storage", "path")) {
        if (!*value) add_error(ps, "storage path is empty");
        else set_string(ps, c->storage_path, sizeof c->storage_path, key, value);
    } else if (IS("storage", "synchronous")) {
        if (strcmp(value, "full") == 0) c->synchronous_full = 1;
        else if (strcmp(value, "normal") == 0) c->synchronous_full = 0;
        else add_error(ps, "synchronous must be full or normal, not \"%s\"", value);
    } else if (IS("telegram", "token")) {
        log_add_secret(value);
        set_string(ps, c->tg_token, sizeof c->tg_token, key, value);
    } else if (IS("telegram", "api_base")) {
        if (strncmp(value, "http://", 7) && strncmp(value, "https://", 8))
            add_error(ps, "api_base must start with http:// or https://, not \"%s\"", value);
        else if (set_string(ps, c->tg_api_base, sizeof c->tg_api_base, key, value)) {
            size_t n = strlen(c->tg_api_base);
            while (n > 0 && c->tg_api_base[n - 1] == '/') c->tg_api_base[--n] = 0;
        }
    } else if (IS("telegram", "username")) {
        set_string(ps, c->tg_username, sizeof c->tg_username, key, value[0] == '@' ? value + 1 : value);
    } else if (IS("telegram", "poll_timeout")) {
        set_int(ps, &c->tg_poll_timeout_s, key, value, 0, 50);
    } else if (IS("telegram", "request_timeout")) {
        set_int(ps, &c->tg_request_timeout_s, key, value, 1, 600);
    } else if (IS("telegram", "rate_global_per_s")) {
        set_rate(ps, &c->tg_rate_global_per_s, key, value);
    } else if (IS("telegram", "rate_per_chat_per_s")) {
        set_rate(ps, &c->tg_rate_per_chat_per_s, key, value);
    } else if (IS("vk", "token")) {
        log_add_secret(value);
        set_string(ps, c->vk_token, sizeof c->vk_token, key, value);
    } else if (IS("vk", "group_id")) {
        char *end;
        long long id = strtoll(value, &end, 10);
        if (!*value || *end || id <= 0) add_error(ps, "group_id must be the community's positive id, not \"%s\"", value);
        else c->vk_group_id = id;
    } else if (IS("vk", "api_base")) {
        if (strncmp(value, "http://", 7) && strncmp(value, "https://", 8))
            add_error(ps, "api_base must start with http:// or https://, not \"%s\"", value);
        else if (set_string(ps, c->vk_api_base, sizeof c->vk_api_base, key, value)) {
            size_t n = strlen(c->vk_api_base);
            while (n > 0 && c->vk_api_base[n - 1] == '/') c->vk_api_base[--n] = 0;
        }
    } else if (IS("vk", "wait")) {
        set_int(ps, &c->vk_wait_s, key, value, 1, 90);
    } else if (IS("vk", "rate_per_s")) {
        set_rate(ps, &c->vk_rate_per_s, key, value);
    } else if (IS("vk", "session_refresh")) {
        set_int(ps, &c->vk_session_refresh_s, key, value, 1, 86400);
    } else if (IS("vk", "rate_per_chat_per_s")) {
        set_rate(ps, &c->vk_rate_per_chat_per_s, key, value);
    } else if (IS("vk", "request_timeout")) {
        set_int(ps, &c->vk_request_timeout_s, key, value, 1, 600);
    } else if (strcmp(section, "max") == 0) {
        max_key(ps, key, value);
    } else if (IS("bot", "timezone")) {
        if (!config_timezone_valid(value)) add_error(ps, "unknown timezone \"%s\" (expected a name like Europe/Moscow)", value);
        else set_string(ps, c->timezone, sizeof c->timezone, key, value);
    } else if (IS("bot", "language")) {
        if (strcmp(value, "ru") && strcmp(value, "en")) add_error(ps, "language must be ru or en, not \"%s\"", value);
        else set_string(ps, c->language, sizeof c->language, key, value);
    } else if (IS("storage", "busy_timeout_ms")) {
        set_int(ps, &c->busy_timeout_ms, key, value, 100, 60000);
    } else if (IS("storage", "retention_days")) {
        set_int(ps, &c->retention_days, key, value, 1, 3650);
    } else if (IS("storage", "audit_retention_days")) {
        set_int(ps, &c->audit_retention_days, key, value, 30, 36500);
    } else if (IS("bot", "retry_first_ms")) {
        set_int(ps, &c->retry_first_ms, key, value, 10, 60000);
    } else if (IS("bot", "consent_age")) {
        set_int(ps, &c->consent_age, key, value, 0, 18);
    } else if (IS("bot", "log_level")) {
        int lv = log_level_parse(value);
        if (lv < 0) add_error(ps, "log_level must be debug, info, warn, error or off, not \"%s\"", value);
        else c->log_level = lv;
    } else if (IS("bot", "locales")) {
        set_string(ps, c->locales_dir, sizeof c->locales_dir, key, value);
    } else if (IS("bot", "indicators")) {
        set_string(ps, c->indicators_dir, sizeof c->indicators_dir, key, value);
    } else if (IS("meetings", "reminders")) {
        if (meeting_rules_parse_reminders(value, &c->meetings))
            add_error(ps, "reminders must be one to %d different times before a meeting such as \"24h, 1h\" or "
                      "\"30m\" (at most 14 days), not \"%s\"", MEETING_REMINDERS_MAX, value);
    } else if (IS("meetings", "quiet_hours")) {
        if (meeting_rules_parse_quiet(value, &c->meetings))
            add_error(ps, "quiet_hours must be like 21:00-08:00 (or none), not \"%s\"", value);
    } else if (IS("meetings", "followup_after_minutes")) {
        set_int(ps, &c->meetings.followup_minutes, key, value, 0, 7 * 24 * 60);
    } else if (IS("meetings", "followup_again_hours")) {
        set_int(ps, &c->meetings.followup_again_hours, key, value, 1, 14 * 24);
    } else if (IS("meetings", "stall_days")) {
        set_int(ps, &c->meetings.stall_days, key, value, 1, 365);
    } else if (strcmp(section, "polls") == 0 && poll_rules_kind_index(key) >= 0) {
        if (poll_rules_parse_date(value, &c->polls.dates[poll_rules_kind_index(key)]))
            add_error(ps, "%s must be a day of the school year as day.month, like 01.10, or none, not \"%s\"", key,
                      value);
    } else if (IS("polls", "reminders")) {
        if (poll_rules_parse_reminders(value, &c->polls))
            add_error(ps, "reminders must be up to %d different numbers of days after the invitation, like \"3, 7\""
                      " (each 1 to %d), or none, not \"%s\"", POLL_REMINDERS_MAX, POLL_REMINDER_DAYS_MAX, value);
    } else if (IS("polls", "min_group")) {
        set_int(ps, &c->polls.min_group, key, value, 1, POLL_MIN_GROUP_MAX);
    } else if (IS("recognition", "meeting")) {
        set_int(ps, &c->recognition.meeting, key, value, 0, RECOGNITION_POINTS_MAX);
    } else if (IS("recognition", "poll")) {
        set_int(ps, &c->recognition.poll, key, value, 0, RECOGNITION_POINTS_MAX);
    } else if (IS("recognition", "completed")) {
        set_int(ps, &c->recognition.completed, key, value, 0, RECOGNITION_POINTS_MAX);
    } else if (IS("recognition", "outcome_school")) {
        set_int(ps, &c->recognition.outcome[0], key, value, 0, RECOGNITION_POINTS_MAX);
    } else if (IS("recognition", "outcome_municipal")) {
        set_int(ps, &c->recognition.outcome[1], key, value, 0, RECOGNITION_POINTS_MAX);
    } else if (IS("recognition", "outcome_regional")) {
        set_int(ps, &c->recognition.outcome[2], key, value, 0, RECOGNITION_POINTS_MAX);
    } else if (IS("recognition", "outcome_federal")) {
        set_int(ps, &c->recognition.outcome[3], key, value, 0, RECOGNITION_POINTS_MAX);
    } else if (IS("recognition", "levels")) {
        if (recognition_rules_parse_levels(value, &c->recognition))
            add_error(ps, "levels must be three ascending numbers of points, like \"20, 60, 150\" (each 1 to %d),"
                      " not \"%s\"", RECOGNITION_THRESHOLD_MAX, value);
    } else if (IS("digest", "day")) {
        if (digest_rules_parse_day(value, &c->digest.weekday))
            add_error(ps, "day must be a day of the week such as monday (or mon, or 1 to 7), or off, not \"%s\"", value);
    } else if (IS("digest", "hour")) {
        set_int(ps, &c->digest.hour, key, value, 0, 23);
    } else if (IS("digest", "indicators")) {
        set_string(ps, c->digest.indicator_set, sizeof c->digest.indicator_set, key, value);
    } else if (IS("digest", "files_max")) {
        set_int(ps, &c->digest.files_limit, key, value, 3, DIGEST_FILES_MAX_LIMIT);
    } else if (strcmp(section, "storage") && strcmp(section, "telegram") && strcmp(section, "bot") &&
               strcmp(section, "vk") && strcmp(section, "max") && strcmp(section, "meetings") &&
               strcmp(section, "polls") && strcmp(section, "recognition") && strcmp(section, "digest")) {
        add_error(ps, "unknown section [%s]", section);
    } else {
        add_error(ps, "unknown key \"%s\" in [%s]", key, section);
    }
#undef IS
    return 1;
}

/*
 * inih reads through this so we know the line each key came from. inih's
 * own buffer is short (200 bytes in Debian's build); a longer line would be
 * cut into pieces that parse as separate lines, so it is reported here and
 * replaced by a comment.
 */
static char *read_line(char *buf, int size, void *stream)
{
    parse_state *ps = stream;
    char line[CONFIG_LINE_MAX + 2];
    if (!fgets(line, sizeof line, ps->file)) return NULL;
    ps->line++;
    size_t n = strlen(line);
    int complete = n > 0 && line[n - 1] == '\n';
    if (!complete && !feof(ps->file)) {
        int c;
        while ((c = fgetc(ps->file)) != EOF && c != '\n') {}
        add_error(ps, "line longer than %d bytes", CONFIG_LINE_MAX);
        snprintf(buf, (size_t)size, "#\n");
        return buf;
    }
    if (n >= (size_t)size) {
        add_error(ps, "line longer than %d bytes", size - 2);
        snprintf(buf, (size_t)size, "#\n");
        return buf;
    }
    memcpy(buf, line, n + 1);
    return buf;
}

/* A relative path is taken from the folder of the config file. */
static void resolve_relative(config *c, char *path, size_t size)
{
    if (path[0] == '/' || !path[0]) return;
    const char *slash = strrchr(c->file, '/');
    if (!slash) return;
    char joined[CONFIG_PATH_MAX * 2];
    snprintf(joined, sizeof joined, "%.*s/%s", (int)(slash - c->file), c->file, path);
    if (strlen(joined) < size) snprintf(path, size, "%s", joined);
}

mb_status config_load(const char *path, config *cfg, char *err, size_t err_size)
{
    config_defaults(cfg);
    snprintf(cfg->file, sizeof cfg->file, "%s", path);
    parse_state ps = {.cfg = cfg};
    sb_init(&ps.errors, CONFIG_ERR_MAX);
    mb_status rc = MB_OK;
    ps.file = fopen(path, "r");
    if (!ps.file) {
        snprintf(err, err_size, "%s: cannot open the config file: %m", path);
        rc = MB_ERR_IO;
        goto out;
    }
    int bad_line = ini_parse_stream(read_line, &ps, on_key, &ps);
    if (bad_line > 0) {
        /* Keys never fail in on_key, so this is a line inih could not read. */
        ps.line = bad_line;
        add_error(&ps, "not a \"key = value\" line or a [section]");
    } else if (bad_line < 0) {
        add_error(&ps, "cannot read the config file");
    }
    const char *env_token = getenv("MENTORBOT_TELEGRAM_TOKEN");
    if (env_token && *env_token) {
        log_add_secret(env_token);
        snprintf(cfg->tg_token, sizeof cfg->tg_token, "%s", env_token);
    }
    const char *env_vk = getenv("MENTORBOT_VK_TOKEN");
    if (env_vk && *env_vk) {
        log_add_secret(env_vk);
        snprintf(cfg->vk_token, sizeof cfg->vk_token, "%s", env_vk);
    }
    const char *env_max = getenv("MENTORBOT_MAX_TOKEN");
    if (env_max && *env_max) {
        log_add_secret(env_max);
        snprintf(cfg->max_token, sizeof cfg->max_token, "%s", env_max);
    }
    for (char *p = cfg->max_token; *p; p++) {
        if ((unsigned char)*p < ' ' || *p == 0x7f) {
            sb_printf(&ps.errors, "%s: the MAX token has characters a token cannot have\n", path);
            ps.nerrors++;
            break;
        }
    }
    if (cfg->max_token[0] && cfg->max_webhook && (!cfg->max_webhook_url[0] || !cfg->max_webhook_listen[0])) {
        sb_printf(&ps.errors, "%s: [max] mode = webhook needs webhook_url and webhook_listen\n", path);
        ps.nerrors++;
    }
    if (!cfg->max_webhook_cert[0] != !cfg->max_webhook_key[0]) {
        sb_printf(&ps.errors, "%s: [max] webhook_cert and webhook_key go together (the certificate and its key)\n",
                  path);
        ps.nerrors++;
    }
    if (cfg->vk_token[0] && !cfg->vk_group_id) {
        sb_printf(&ps.errors, "%s: [vk] token is set but group_id is not\n", path);
        ps.nerrors++;
    }
    for (char *p = cfg->tg_token; *p; p++) {
        if ((unsigned char)*p <= ' ' || *p == '/' || *p == '?' || *p == '#') {
            sb_printf(&ps.errors, "%s: the Telegram token has characters a token cannot have\n", path);
            ps.nerrors++;
            break;
        }
    }
    resolve_relative(cfg, cfg->storage_path, sizeof cfg->storage_path);
    resolve_relative(cfg, cfg->locales_dir, sizeof cfg->locales_dir);  /* only when set */
    resolve_relative(cfg, cfg->indicators_dir, sizeof cfg->indicators_dir);
    resolve_relative(cfg, cfg->max_webhook_cert, sizeof cfg->max_webhook_cert);
    resolve_relative(cfg, cfg->max_webhook_key, sizeof cfg->max_webhook_key);
    if (ps.nerrors) {
        snprintf(err, err_size, "%s", sb_str(&ps.errors));
        size_t n = strlen(err);
        if (n && err[n - 1] == '\n') err[n - 1] = 0;
        rc = MB_ERR_INVALID;
    }
out:
    if (ps.file) fclose(ps.file);
    sb_free(&ps.errors);
    return rc;
}
