/*
 * mentorbot: the service and its administration.
 *
 *   mentorbot --config FILE run        run the service
 *   mentorbot --config FILE check      validate the configuration
 *   mentorbot --config FILE admin ...  administration (see `admin help`)
 */
#include "bot/app.h"
#include "report/certificate.h"
#include "util/log.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *out)
{
    fprintf(out, "usage: mentorbot [--config FILE] run | check | admin COMMAND...\n"
                 "  run     run the service (Telegram long polling, outbox, scheduler)\n"
                 "  check   validate the configuration file and the message catalogs; warn when\n"
                 "          others can read a configuration file that holds a token\n"
                 "  admin   org add, invite create, outbox list/retry (`mentorbot admin` lists them)\n"
                 "The configuration file defaults to ./bot.conf.\n");
}

/* 1 when the file itself (not the environment) sets a messenger's token. */
static int file_holds_token(const char *path)
{
    unsetenv("MENTORBOT_TELEGRAM_TOKEN");
    unsetenv("MENTORBOT_VK_TOKEN");
    unsetenv("MENTORBOT_MAX_TOKEN");
    config *c = malloc(sizeof *c);
    char err[CONFIG_ERR_MAX];
    int holds = c && config_load(path, c, err, sizeof err) == MB_OK && (c->tg_token[0] || c->vk_token[0] ||
                                                                c->max_token[0]);
    free(c);
    return holds;
}

/* Like ssh with a private key: a token anyone on the machine can read is
 * a token anyone on the machine can use. */
static void warn_if_readable(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !(st.st_mode & (S_IRWXG | S_IRWXO)) || !file_holds_token(path)) return;
    fprintf(stderr, "warning: %s holds a bot token and its mode is %04o, so other users of this machine can"
                    " read it; run: chmod 600 %s\n",
            path, (unsigned)(st.st_mode & 07777), path);
}

static int check(app *a)
{
    char dir[CONFIG_PATH_MAX], err[1024];
    if (!app_find_locales(a->cfg.locales_dir, dir, sizeof dir)) {
        fprintf(stderr, "%s: cannot find the message catalogs (looked for %s/ru/messages.txt)\n", a->cfg.file, dir);
        return 1;
    }
    const char *langs[] = {"ru", "en", NULL};
    i18n *texts = i18n_load(dir, langs, err, sizeof err);
    if (!texts) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    char missing[512];
    int n = i18n_missing_keys(texts, "en", missing, sizeof missing);
    i18n_free(texts);
    if (n > 0) {
        fprintf(stderr, "%s/en/messages.txt lacks %d key(s) the Russian catalog has: %s\n", dir, n, missing);
        return 1;
    }
    warn_if_readable(a->cfg.file);
    printf("%s: configuration is valid%s\n", a->cfg.file,
           a->cfg.tg_token[0] ? "" : " (no Telegram token: `make run` will use the local simulator)");
    return 0;
}

int main(int argc, char **argv)
{
    /* The database, its -wal and -shm, and report files hold children's
     * data: nobody but the service's own user may read them. */
    umask(077);
    const char *config_path = "bot.conf";
    int i = 1;
    if (i < argc && (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (i + 1 < argc && strcmp(argv[i], "--config") == 0) {
        config_path = argv[i + 1];
        i += 2;
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[i++];
    if (strcmp(cmd, "run") && strcmp(cmd, "check") && strcmp(cmd, "admin")) {
        fprintf(stderr, "unknown command \"%s\"\n", cmd);
        usage(stderr);
        return 2;
    }
    /* A stop asked for while the service is still starting waits until its
     * loop handles it (libev takes the pending signal), instead of killing
     * the process halfway through opening the database. */
    if (strcmp(cmd, "run") == 0) {
        sigset_t stop_signals;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGINT);
        sigaddset(&stop_signals, SIGTERM);
        sigprocmask(SIG_BLOCK, &stop_signals, NULL);
    }
    app a;
    if (app_load_config(&a, config_path)) return 1;
    int code;
    if (strcmp(cmd, "run") == 0) code = service_run(&a);
    else if (strcmp(cmd, "check") == 0) code = check(&a);
    else code = admin_main(&a, argc - i, argv + i);
    app_close(&a);
    log_clear_secrets();
    certificate_release_fonts();
    return code;
}
