/*
 * Fuzz target: the configuration loader. config_load reads only files, so
 * the input is written to a scratch file first. A load that succeeds must
 * leave values within their documented ranges; one that fails must say
 * why. The secrets the loader registers for log redaction are dropped
 * after each input.
 */
#include "fuzz/fuzz.h"

#include "bot/config.h"
#include "util/log.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void check_rate(double r)
{
    if (!isfinite(r) || r <= 0 || r > 10000) abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    unsetenv("MENTORBOT_TELEGRAM_TOKEN");
    unsetenv("MENTORBOT_VK_TOKEN");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("bot.conf", data, size);
    if (!path) return 0;
    static config cfg;
    static char err[CONFIG_ERR_MAX];
    err[0] = 0;
    mb_status rc = config_load(path, &cfg, err, sizeof err);
    if (rc == MB_OK) {
        check_rate(cfg.tg_rate_global_per_s);
        check_rate(cfg.tg_rate_per_chat_per_s);
        check_rate(cfg.vk_rate_per_s);
        if (cfg.tg_poll_timeout_s < 0 || cfg.tg_poll_timeout_s > 50) abort();
        if (cfg.consent_age < 0 || cfg.consent_age > 18) abort();
        if (cfg.vk_token[0] && cfg.vk_group_id <= 0) abort();
        if (strcmp(cfg.language, "ru") && strcmp(cfg.language, "en")) abort();
        if (!cfg.storage_path[0]) abort();
    } else if (!err[0]) {
        abort();
    }
    log_clear_secrets();
    return 0;
}
