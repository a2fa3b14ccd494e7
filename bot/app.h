/*
 * What the service and the admin CLI share: the configuration, the open
 * database and the message catalogs, opened in one place.
 */
#ifndef MB_APP_H
#define MB_APP_H

#include "bot/config.h"
#include "handlers/context.h"

typedef struct app {
    config cfg;
    db *d;
    i18n *texts;
    struct ind_catalog *indicators;   /* NULL when the definitions cannot be read */
    bot_env env;
    char username[64];
    char files_dir[CONFIG_PATH_MAX + 8];   /* <storage path>.files */
    int lock_fd;
} app;

/* Loads cfg from path and sets the log level. Prints errors to stderr. */
mb_status app_load_config(app *a, const char *path);

/* Opens the database (migrating it) and the catalogs. Prints errors. */
mb_status app_open(app *a);

/* Registers every configured messenger (util/platform.h) as its transport
 * describes itself from its own config section: Telegram when [telegram]
 * has a token or a username, VK with a token, MAX with a token. Called by
 * app_open, and again once the Telegram username is learnt. */
void app_register_platforms(app *a);

/* Takes the single-instance lock beside the database (<path>.lock).
 * MB_ERR_BUSY when another mentorbot holds it. */
mb_status app_lock(app *a);

void app_close(app *a);

/* Finds the locales folder: the configured one, or beside the program. */
int app_find_locales(const char *configured, char *out, size_t size);

/* Runs the service until SIGINT or SIGTERM. Returns the exit code. */
int service_run(app *a);

/* The admin CLI (argv after "admin"). Returns the exit code. */
int admin_main(app *a, int argc, char **argv);

#endif
