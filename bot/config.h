/*
 * The configuration file (INI). Every key is documented in bot.conf.example.
 * Unknown sections and keys are errors, so a typo never silently falls back
 * to a default. Errors name file:line.
 *
 * The tokens may come from the environment (MENTORBOT_TELEGRAM_TOKEN,
 * MENTORBOT_VK_TOKEN, MENTORBOT_MAX_TOKEN) instead of the file; the
 * environment wins. They are registered as log secrets as soon as read.
 * Each messenger's transport reads its own section only.
 */
#ifndef MB_CONFIG_H
#define MB_CONFIG_H

#include <stddef.h>

#include "handlers/meeting_rules.h"
#include "handlers/digest_rules.h"
#include "handlers/poll_rules.h"
#include "handlers/recognition_rules.h"
#include "util/status.h"

#define CONFIG_PATH_MAX 512
#define CONFIG_ERR_MAX 4096
#define CONFIG_LINE_MAX 1024   /* bytes on one line of the file */
#define CONFIG_DEFAULT_API_BASE "https://api.telegram.org"
#define CONFIG_DEFAULT_VK_API_BASE "https://api.vk.com/method"
#define CONFIG_DEFAULT_MAX_API_BASE "https://platform-api2.max.ru"

typedef struct config {
    char file[CONFIG_PATH_MAX];          /* the file read */
    /* [storage] */
    char storage_path[CONFIG_PATH_MAX];  /* relative paths are taken from the file's folder */
    int synchronous_full;                /* 1 = fsync every commit (default) */
    int busy_timeout_ms;                 /* how long a commit waits for another process's lock */
    int retry_first_ms;                  /* the first wait before a failed request is tried again */
    int retention_days;                  /* sent messages, handled updates, finished jobs kept this long */
    int audit_retention_days;            /* audit rows kept this long */
    /* [telegram] */
    char tg_token[256];
    char tg_api_base[256];
    char tg_username[64];                /* optional; otherwise learnt from getMe */
    int tg_poll_timeout_s;
    int tg_request_timeout_s;
    double tg_rate_global_per_s;
    double tg_rate_per_chat_per_s;
    /* [vk] */
    char vk_token[256];                  /* community token; MENTORBOT_VK_TOKEN wins */
    long long vk_group_id;               /* the community's id; 0 = VK off */
    char vk_api_base[256];
    int vk_wait_s;                       /* a_check wait */
    double vk_rate_per_s;                /* requests per second for the community */
    int vk_session_refresh_s;            /* a long poll key older than this is renewed */
    double vk_rate_per_chat_per_s;       /* messages a second to one conversation */
    int vk_request_timeout_s;
    /* [max] */
    char max_token[256];                 /* MENTORBOT_MAX_TOKEN wins; "" = MAX off */
    char max_api_base[256];
    char max_username[64];               /* the bot's name in https://max.ru/<name>?start= links */
    char max_format[16];                 /* plain, markdown or html */
    int max_webhook;                     /* mode = webhook (1) or polling (0) */
    char max_webhook_url[256];           /* the address MAX posts updates to */
    char max_webhook_secret[257];        /* sent back in X-Max-Bot-Api-Secret */
    char max_webhook_listen[64];         /* host:port the webhook endpoint listens on */
    char max_webhook_cert[CONFIG_PATH_MAX];  /* PEM certificate chain: the endpoint speaks HTTPS ("" = plain HTTP) */
    char max_webhook_key[CONFIG_PATH_MAX];   /* PEM private key of that certificate */
    int max_poll_timeout_s;              /* GET /updates timeout, 0..90 */
    int max_request_timeout_s;
    double max_rate_per_s;               /* requests a second to the API (MAX allows 30) */
    double max_rate_per_chat_per_s;
    /* [bot] */
    char timezone[64];
    char language[8];
    int consent_age;
    int log_level;
    char locales_dir[CONFIG_PATH_MAX];   /* "" = found beside the program */
    char indicators_dir[CONFIG_PATH_MAX]; /* "" = data/indicators found beside the program */
    /* [meetings] */
    meeting_rules meetings;
    /* [polls] */
    poll_rules polls;
    /* [recognition] */
    recognition_rules recognition;
    /* [digest] */
    digest_rules digest;
} config;

/* Fills cfg with defaults (no file). */
void config_defaults(config *cfg);

/*
 * Reads path into cfg (defaults first). On any error returns MB_ERR_PARSE or
 * MB_ERR_INVALID and writes every problem found, one "file:line: message"
 * per line, into err.
 */
mb_status config_load(const char *path, config *cfg, char *err, size_t err_size);

/* 1 when tz names a timezone (checked against the system's zoneinfo when present). */
int config_timezone_valid(const char *tz);

#endif
