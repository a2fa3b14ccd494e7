/*
 * The configuration file: values, defaults, errors an operator can act on
 * (file:line and the key), the token from the environment and its
 * redaction from the log.
 */
#include "tests/unit.h"

#include "bot/config.h"
#include "util/log.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FILE_TOKEN "987654:FILE-secret-token-value"
#define ENV_TOKEN "112233:ENV-secret-token-value"

static int file_counter;

/* Writes text into a new config file in the temporary folder; returns its path. */
static const char *write_config(const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/bot-%d.conf", unit_tmpdir(), ++file_counter);
    FILE *f = fopen(path, "w");
    if (!f) return NULL;
    fputs(text, f);
    fclose(f);
    return path;
}

/* "path:line: " as an error line starts. */
static const char *at_line(const char *path, int line)
{
    static char buf[600];
    snprintf(buf, sizeof buf, "%s:%d: ", path, line);
    return buf;
}

TEST(full_file_loads_every_value)
{
    const char *path = write_config(
        "# every key\n"
        "[storage]\n"
        "path = data/bot.db\n"
        "synchronous = normal\n"
        "\n"
        "[telegram]\n"
        "token = " FILE_TOKEN "\n"
        "api_base = http://127.0.0.1:8081/\n"
        "username = @mentor_test_bot\n"
        "poll_timeout = 10\n"
        "request_timeout = 40\n"
        "rate_global_per_s = 20.5\n"
        "rate_per_chat_per_s = 0.5\n"
        "\n"
        "[bot]\n"
        "timezone = Asia/Yekaterinburg\n"
        "language = en\n"
        "consent_age = 16\n"
        "log_level = debug\n"
        "locales = /opt/mentorbot/locales\n");
    CHECK(path != NULL);
    if (!path) return;
    config cfg;
    char err[CONFIG_ERR_MAX] = "";
    mb_status rc = config_load(path, &cfg, err, sizeof err);
    CHECK_INT(rc, MB_OK);
    if (rc) fprintf(stderr, "  %s\n", err);
    char want_db[600];
    snprintf(want_db, sizeof want_db, "%s/data/bot.db", unit_tmpdir());
    CHECK_STR(cfg.file, path);
    CHECK_STR(cfg.storage_path, want_db);
    CHECK_INT(cfg.synchronous_full, 0);
    CHECK_STR(cfg.tg_token, FILE_TOKEN);
    CHECK_STR(cfg.tg_api_base, "http://127.0.0.1:8081");
    CHECK_STR(cfg.tg_username, "mentor_test_bot");
    CHECK_INT(cfg.tg_poll_timeout_s, 10);
    CHECK_INT(cfg.tg_request_timeout_s, 40);
    CHECK(cfg.tg_rate_global_per_s == 20.5);
    CHECK(cfg.tg_rate_per_chat_per_s == 0.5);
    CHECK_STR(cfg.timezone, "Asia/Yekaterinburg");
    CHECK_STR(cfg.language, "en");
    CHECK_INT(cfg.consent_age, 16);
    CHECK_INT(cfg.log_level, LOG_DEBUG);
    CHECK_STR(cfg.locales_dir, "/opt/mentorbot/locales");
}

TEST(empty_file_gives_defaults)
{
    const char *path = write_config("# nothing set\n[bot]\n");
    config cfg;
    char err[CONFIG_ERR_MAX] = "";
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    char want_db[600];
    snprintf(want_db, sizeof want_db, "%s/mentorbot.db", unit_tmpdir());
    CHECK_STR(cfg.storage_path, want_db);
    CHECK_INT(cfg.synchronous_full, 1);
    CHECK_STR(cfg.tg_token, "");
    CHECK_STR(cfg.tg_api_base, "https://api.telegram.org");
    CHECK_STR(cfg.tg_username, "");
    CHECK_INT(cfg.tg_poll_timeout_s, 25);
    CHECK_INT(cfg.tg_request_timeout_s, 30);
    CHECK_STR(cfg.timezone, "Europe/Moscow");
    CHECK_STR(cfg.language, "ru");
    CHECK_INT(cfg.consent_age, 14);
    CHECK_INT(cfg.log_level, LOG_INFO);
    CHECK_STR(cfg.locales_dir, "");

    config defaults;
    config_defaults(&defaults);
    CHECK_INT(defaults.tg_poll_timeout_s, cfg.tg_poll_timeout_s);
    CHECK_STR(defaults.storage_path, "mentorbot.db");
}

TEST(unknown_key_and_section_name_their_line)
{
    const char *path = write_config("[telegram]\n"
                                    "token = 1:x\n"
                                    "poll_timout = 10\n");
    config cfg;
    char err[CONFIG_ERR_MAX] = "";
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, at_line(path, 3));
    CHECK_CONTAINS(err, "poll_timout");

    path = write_config("[storage]\n"
                        "path = x.db\n"
                        "\n"
                        "[telegramm]\n"
                        "token = 1:x\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, at_line(path, 5));
    CHECK_CONTAINS(err, "telegramm");
}

TEST(every_error_is_reported_with_its_line)
{
    const char *path = write_config("[telegram]\n"             /* 1 */
                                    "poll_timeout = 51\n"      /* 2 */
                                    "api_base = ftp://x\n"     /* 3 */
                                    "[bot]\n"                  /* 4 */
                                    "language = de\n"          /* 5 */
                                    "log_level = loud\n"       /* 6 */
                                    "timezone = Mars/Olympus\n" /* 7 */
                                    "colour = blue\n");        /* 8 */
    config cfg;
    char err[CONFIG_ERR_MAX] = "";
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    char line[700];
    static const char *words[] = {NULL, NULL, "poll_timeout", "api_base", NULL, "de", "loud", "Mars/Olympus",
                                  "colour"};
    for (int i = 2; i <= 8; i++) {
        if (!words[i]) continue;
        /* The message for line i is on the line that starts with path:i: */
        const char *start = strstr(err, at_line(path, i));
        CHECK(start != NULL);
        if (!start) continue;
        const char *end = strchr(start, '\n');
        snprintf(line, sizeof line, "%.*s", (int)(end ? end - start : (long)strlen(start)), start);
        CHECK_CONTAINS(line, words[i]);
    }
    /* Refused values leave the defaults in place. */
    CHECK_INT(cfg.tg_poll_timeout_s, 25);
    CHECK_STR(cfg.language, "ru");
    CHECK_STR(cfg.timezone, "Europe/Moscow");
}

TEST(meeting_rules_are_read_and_bad_ones_named)
{
    const char *path = write_config("[meetings]\nreminders = 1h, 2d\nquiet_hours = 22:00-7:00\n");
    config cfg;
    char err[CONFIG_ERR_MAX];
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, at_line(path, 2));
    CHECK_CONTAINS(err, "reminders must be");
    CHECK_CONTAINS(err, at_line(path, 3));
    CHECK_CONTAINS(err, "quiet_hours must be like 21:00-08:00");
    path = write_config("[meetings]\nreminders = 30m, 48h ,2h\nquiet_hours = 22:30 - 07:15\nstall_days = 14\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    CHECK_INT(cfg.meetings.nreminders, 3);
    CHECK_INT(cfg.meetings.reminder_minutes[0], 48 * 60);
    CHECK_INT(cfg.meetings.reminder_minutes[1], 120);
    CHECK_INT(cfg.meetings.reminder_minutes[2], 30);
    CHECK_INT(cfg.meetings.quiet_start, 22 * 60 + 30);
    CHECK_INT(cfg.meetings.quiet_end, 7 * 60 + 15);
    CHECK_INT(cfg.meetings.stall_days, 14);
    path = write_config("[meetings]\nreminders = 1h, 60m\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    path = write_config("[bot]\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    CHECK_INT(cfg.meetings.nreminders, 2);
    CHECK_INT(cfg.meetings.reminder_minutes[0], 24 * 60);
    CHECK_INT(cfg.meetings.quiet_start, 21 * 60);
    CHECK_INT(cfg.meetings.quiet_end, 8 * 60);
}

TEST(digest_day_hour_and_files_cap_are_read_and_bad_ones_named)
{
    const char *path = write_config("[digest]\nday = Sat\nhour = 7\nfiles_max = 50\n");
    config cfg;
    char err[CONFIG_ERR_MAX];
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    CHECK_INT(cfg.digest.weekday, 6);
    CHECK_INT(cfg.digest.hour, 7);
    CHECK_INT(cfg.digest.files_limit, 50);
    path = write_config("[digest]\nday = someday\nhour = 24\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, at_line(path, 2));
    CHECK_CONTAINS(err, "day must be a day of the week");
    CHECK_CONTAINS(err, at_line(path, 3));
    path = write_config("[digest]\nday = off\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    CHECK_INT(cfg.digest.weekday, 0);
    CHECK_INT(cfg.digest.hour, 9);
}

TEST(values_at_the_edges)
{
    const char *path = write_config("[telegram]\npoll_timeout = 0\nrequest_timeout = 600\n[bot]\nconsent_age = 18\n");
    config cfg;
    char err[CONFIG_ERR_MAX] = "";
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    CHECK_INT(cfg.tg_poll_timeout_s, 0);
    CHECK_INT(cfg.tg_request_timeout_s, 600);
    CHECK_INT(cfg.consent_age, 18);

    path = write_config("[telegram]\npoll_timeout = -1\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, at_line(path, 2));
    path = write_config("[telegram]\npoll_timeout = 10s\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, at_line(path, 2));
    path = write_config("[telegram]\nrate_per_chat_per_s = 0\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, "rate_per_chat_per_s");
    /* strtod reads these, but none is a rate: "nan" passed both range checks */
    static const char *const not_rates[] = {"nan", "NAN", "inf", "-nan", "1e999", "0x0"};
    for (size_t i = 0; i < sizeof not_rates / sizeof not_rates[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "[vk]\nrate_per_s = %s\n", not_rates[i]);
        path = write_config(text);
        CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
        CHECK_CONTAINS(err, "rate_per_s");
        CHECK(cfg.vk_rate_per_s > 0 && cfg.vk_rate_per_s <= 10000);
    }
    path = write_config("[vk]\nrate_per_s = 1e-3\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    CHECK(cfg.vk_rate_per_s == 0.001);
    path = write_config("[storage]\nsynchronous = sometimes\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, at_line(path, 2));
    path = write_config("[vk]\nsession_refresh = 120\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    CHECK_INT(cfg.vk_session_refresh_s, 120);
    path = write_config("[vk]\nwait = 25\nsession_refresh = 0\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, at_line(path, 3));
    CHECK_CONTAINS(err, "session_refresh");
}

/* A line that is not "key = value" must be reported even when the file has
 * other mistakes as well. */
TEST(syntax_error_is_reported_beside_other_errors)
{
    const char *path = write_config("[bot]\n"
                                    "language = de\n"
                                    "this line has no equals sign\n");
    config cfg;
    char err[CONFIG_ERR_MAX] = "";
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, at_line(path, 2));
    CHECK_CONTAINS(err, at_line(path, 3));

    path = write_config("[bot]\nthis line has no equals sign\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, at_line(path, 2));
}

TEST(long_lines_are_refused_and_line_numbers_stay_right)
{
    char text[1200];
    char long_path[400];
    memset(long_path, 'p', 300);
    snprintf(long_path + 300, sizeof long_path - 300, ".db");
    snprintf(text, sizeof text, "[storage]\npath = /%s\n[bot]\ncolour = blue\n", long_path);
    const char *path = write_config(text);
    config cfg;
    char err[CONFIG_ERR_MAX] = "";
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, at_line(path, 4));
    CHECK_CONTAINS(err, "colour");

    /* A line longer than the INI reader takes is refused by its number,
     * never read as a cut-short value. */
    CHECK_CONTAINS(err, at_line(path, 2));
    CHECK_CONTAINS(err, "line longer than");
    snprintf(text, sizeof text, "[storage]\npath = /%s\n", long_path);
    path = write_config(text);
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, at_line(path, 2));
    CHECK(strstr(cfg.storage_path, "pppp") == NULL);
}

TEST(environment_token_wins_over_the_file)
{
    const char *path = write_config("[telegram]\ntoken = " FILE_TOKEN "\n");
    config cfg;
    char err[CONFIG_ERR_MAX] = "";
    setenv("MENTORBOT_TELEGRAM_TOKEN", ENV_TOKEN, 1);
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    CHECK_STR(cfg.tg_token, ENV_TOKEN);
    unsetenv("MENTORBOT_TELEGRAM_TOKEN");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    CHECK_STR(cfg.tg_token, FILE_TOKEN);

    path = write_config("[telegram]\ntoken = 1:has space\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, "token");
    CHECK(strstr(err, "has space") == NULL);
}

/* Runs log_write with text while stderr goes to a file; returns what was written. */
static char *captured_log(const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/log-%d.txt", unit_tmpdir(), ++file_counter);
    fflush(stderr);
    int saved = dup(2);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    if (saved < 0 || fd < 0) return NULL;
    dup2(fd, 2);
    close(fd);
    log_write(LOG_ERROR, "test", "request to %s failed", text);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    return unit_read_file(path, NULL);
}

TEST(token_never_reaches_the_log)
{
    log_clear_secrets();
    const char *path = write_config("[telegram]\ntoken = " FILE_TOKEN "\n");
    config cfg;
    char err[CONFIG_ERR_MAX] = "";
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    char *log = captured_log("https://api.telegram.org/bot" FILE_TOKEN "/getUpdates");
    CHECK(log != NULL);
    CHECK_CONTAINS(log, "/bot***/getUpdates");
    CHECK(log && strstr(log, FILE_TOKEN) == NULL);
    free(log);

    setenv("MENTORBOT_TELEGRAM_TOKEN", ENV_TOKEN, 1);
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    unsetenv("MENTORBOT_TELEGRAM_TOKEN");
    log = captured_log("token " ENV_TOKEN " and " FILE_TOKEN);
    CHECK(log != NULL);
    CHECK_CONTAINS(log, "token *** and ***");
    CHECK(log && strstr(log, ENV_TOKEN) == NULL);
    free(log);
    log_clear_secrets();
}

/* A token of asterisks, or shorter than the "***" that replaces it, is
 * still redacted: the log line neither loops nor outgrows its buffer. */
TEST(odd_secrets_are_redacted_without_looping_or_overflowing)
{
    log_clear_secrets();
    log_add_secret("*");
    char *log = captured_log("a*b**c");
    CHECK_CONTAINS(log, "failed");
    CHECK(log && strstr(log, "request to a***b******c failed") != NULL);
    free(log);
    log_clear_secrets();

    log_add_secret("x");
    char long_text[5000];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = 0;
    log = captured_log(long_text);   /* every character triples: the line is cut, not overrun */
    CHECK(log != NULL);
    CHECK(log && strstr(log, "x") == NULL);
    CHECK(log && strstr(log, "request to ******") != NULL);
    free(log);
    log_clear_secrets();
}

TEST(missing_file_is_a_clear_error)
{
    char path[600];
    snprintf(path, sizeof path, "%s/no-such-dir/bot.conf", unit_tmpdir());
    config cfg;
    char err[CONFIG_ERR_MAX] = "";
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_IO);
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, "No such file");
}

TEST(absolute_storage_path_is_kept)
{
    const char *path = write_config("[storage]\npath = /var/lib/mentorbot/bot.db\n");
    config cfg;
    char err[CONFIG_ERR_MAX] = "";
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    CHECK_STR(cfg.storage_path, "/var/lib/mentorbot/bot.db");
}

/* Retention ages: the defaults, a value kept, and a bad value named with
 * its line and the range allowed. */
TEST(retention_ages_are_read_and_checked)
{
    config cfg;
    char err[CONFIG_ERR_MAX];
    config_defaults(&cfg);
    CHECK_INT(cfg.retention_days, 30);
    CHECK_INT(cfg.audit_retention_days, 1095);
    const char *path = write_config("[storage]\nretention_days = 14\naudit_retention_days = 365\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    CHECK_INT(cfg.retention_days, 14);
    CHECK_INT(cfg.audit_retention_days, 365);
    path = write_config("[storage]\nretention_days = 0\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, at_line(path, 2));
    CHECK_CONTAINS(err, "retention_days");
    CHECK_CONTAINS(err, "3650");
    path = write_config("[storage]\n\naudit_retention_days = thirty\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, at_line(path, 3));
    CHECK_CONTAINS(err, "audit_retention_days");
}

/* [max] is read by the MAX transport alone; a webhook needs its address. */
TEST(max_section_is_read_and_checked)
{
    config cfg;
    char err[CONFIG_ERR_MAX];
    config_defaults(&cfg);
    CHECK_STR(cfg.max_api_base, "https://platform-api2.max.ru");
    CHECK(cfg.max_rate_per_s == 30);
    const char *path = write_config("[max]\ntoken = max-file-token\napi_base = http://127.0.0.1:8081/max/\n"
                                    "username = @school_bot\nformat = html\npoll_timeout = 5\nrate_per_s = 10\n"
                                    "[vk]\nrate_per_chat_per_s = 2\nrequest_timeout = 9\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    CHECK_STR(cfg.max_token, "max-file-token");
    CHECK_STR(cfg.max_api_base, "http://127.0.0.1:8081/max");
    CHECK_STR(cfg.max_username, "school_bot");
    CHECK_STR(cfg.max_format, "html");
    CHECK_INT(cfg.max_poll_timeout_s, 5);
    CHECK(cfg.max_rate_per_s == 10 && cfg.tg_rate_global_per_s == 30);
    CHECK(cfg.vk_rate_per_chat_per_s == 2 && cfg.tg_rate_per_chat_per_s == 1);
    CHECK_INT(cfg.vk_request_timeout_s, 9);
    path = write_config("[max]\ntoken = t\nmode = webhook\nwebhook_secret = abc\npoll_timeout = 91\n"
                        "username = a b\nformat = rtf\nsecret = x\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, at_line(path, 4));
    CHECK_CONTAINS(err, "webhook_secret must be 5 to 256");
    CHECK_CONTAINS(err, at_line(path, 5));
    CHECK_CONTAINS(err, "poll_timeout");
    CHECK_CONTAINS(err, at_line(path, 6));
    CHECK_CONTAINS(err, at_line(path, 7));
    CHECK_CONTAINS(err, "format must be plain, markdown or html");
    CHECK_CONTAINS(err, "unknown key \"secret\" in [max]");
    CHECK_CONTAINS(err, "mode = webhook needs webhook_url and webhook_listen");
    /* the certificate and its key: paths from the file's folder, never one alone */
    path = write_config("[max]\nwebhook_cert = tls/chain.pem\nwebhook_key = /etc/mentorbot/key.pem\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    CHECK(strncmp(cfg.max_webhook_cert, unit_tmpdir(), strlen(unit_tmpdir())) == 0 &&
          strstr(cfg.max_webhook_cert, "/tls/chain.pem"));
    CHECK_STR(cfg.max_webhook_key, "/etc/mentorbot/key.pem");
    path = write_config("[max]\nwebhook_cert = tls/chain.pem\n");
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, "webhook_cert and webhook_key go together");
}

int main(void)
{
    unsetenv("MENTORBOT_TELEGRAM_TOKEN");
    unsetenv("MENTORBOT_MAX_TOKEN");
    RUN(full_file_loads_every_value);
    RUN(empty_file_gives_defaults);
    RUN(unknown_key_and_section_name_their_line);
    RUN(every_error_is_reported_with_its_line);
    RUN(values_at_the_edges);
    RUN(meeting_rules_are_read_and_bad_ones_named);
    RUN(syntax_error_is_reported_beside_other_errors);
    RUN(long_lines_are_refused_and_line_numbers_stay_right);
    RUN(environment_token_wins_over_the_file);
    RUN(token_never_reaches_the_log);
    RUN(odd_secrets_are_redacted_without_looping_or_overflowing);
    RUN(missing_file_is_a_clear_error);
    RUN(absolute_storage_path_is_kept);
    RUN(retention_ages_are_read_and_checked);
    RUN(digest_day_hour_and_files_cap_are_read_and_bad_ones_named);
    RUN(max_section_is_read_and_checked);
    return unit_summary();
}
