#include "bot/app.h"
#include "bot/max/max.h"
#include "bot/telegram/telegram.h"
#include "bot/vk/vk.h"
#include "handlers/survey.h"
#include "report/chart.h"
#include "report/indicators.h"
#include "storage/vfs.h"
#include "util/datadir.h"
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

mb_status app_load_config(app *a, const char *path)
{
    char err[CONFIG_ERR_MAX];
    memset(a, 0, sizeof *a);
    a->lock_fd = -1;
    mb_status rc = config_load(path, &a->cfg, err, sizeof err);
    if (rc) {
        fprintf(stderr, "%s\n", err);
        return rc;
    }
    log_set_level((log_level)a->cfg.log_level);
    return MB_OK;
}

int app_find_locales(const char *configured, char *out, size_t size)
{
    return datadir_find(configured, "locales", "ru/messages.txt", out, size);
}

mb_status app_open(app *a)
{
    char err[1024];
    if (vfs_faults_from_env())
        log_warn("app", "test faults are on (%s=1): writes to the database fail with \"disk full\" while %s%s "
                 "exists", FAULT_VFS_ENV, a->cfg.storage_path, FAULT_VFS_FULL_SUFFIX);
    mb_status rc = db_open(a->cfg.storage_path, a->cfg.synchronous_full ? DB_SYNC_FULL : DB_SYNC_NORMAL, &a->d, err,
                           sizeof err);
    if (rc) {
        fprintf(stderr, "%s: %s\n", a->cfg.storage_path, err);
        return rc;
    }
    db_set_busy_timeout(a->d, a->cfg.busy_timeout_ms);
    char dir[CONFIG_PATH_MAX];
    if (!app_find_locales(a->cfg.locales_dir, dir, sizeof dir)) {
        fprintf(stderr, "cannot find the message catalogs (looked for %s/ru/messages.txt); set [bot] locales\n", dir);
        return MB_ERR_NOT_FOUND;
    }
    const char *langs[] = {a->cfg.language, strcmp(a->cfg.language, "ru") ? "ru" : "en", NULL};
    a->texts = i18n_load(dir, langs, err, sizeof err);
    if (!a->texts) {
        fprintf(stderr, "%s\n", err);
        return MB_ERR_PARSE;
    }
    db_fault_clear(a->d);
    if ((rc = surveys_load_dir(a->d, dir, err, sizeof err))) {
        /* Another process holding the database (an operator's shell, a
         * full disk) must not keep an operator from looking: the stored
         * instruments serve until the next start. */
        int fault = db_fault(a->d);
        if (!fault || db_scalar(a->d, "SELECT COUNT(*) FROM instruments", 0) <= 0) {
            fprintf(stderr, "%s\n", err);
            return rc;
        }
        log_warn("app", "the survey instruments in %s could not be refreshed (%s); the stored ones are used", dir,
                 db_fault_name(fault));
    }
    if (a->cfg.tg_username[0]) snprintf(a->username, sizeof a->username, "%s", a->cfg.tg_username);
    else if (db_meta_get(a->d, TG_META_USERNAME, a->username, sizeof a->username)) a->username[0] = 0;
    a->env.texts = a->texts;
    a->env.default_language = a->cfg.language;
    a->env.consent_age = a->cfg.consent_age;
    app_register_platforms(a);
    /* Reports are written beside the database and removed once sent. */
    snprintf(a->files_dir, sizeof a->files_dir, "%s.files", a->cfg.storage_path);
    a->env.files_dir = a->files_dir;
    a->env.meetings = &a->cfg.meetings;
    a->env.polls = &a->cfg.polls;
    /* Without the indicator definitions the service still runs; the
     * reports say they are not set up. */
    char ind_dir[CONFIG_PATH_MAX];
    if (!ind_find_data(a->cfg.indicators_dir, ind_dir, sizeof ind_dir))
        log_warn("app", "cannot find the indicator definitions (looked for %s/000.ini); set [bot] indicators", ind_dir);
    else if (!(a->indicators = ind_catalog_load(ind_dir, err, sizeof err)))
        log_warn("app", "the indicator definitions cannot be read: %s", err);
    a->env.indicators = a->indicators;
    if (a->indicators && a->cfg.digest.indicator_set[0] && !ind_catalog_set(a->indicators, a->cfg.digest.indicator_set))
        log_warn("app", "[digest] indicators names no indicator set (%s); the digests show the first one",
                 a->cfg.digest.indicator_set);
    a->env.timezone = a->cfg.timezone;
    a->env.recognition = &a->cfg.recognition;
    a->env.digest = &a->cfg.digest;
    return MB_OK;
}

void app_register_platforms(app *a)
{
    platform_info p;
    platform_clear();
    if (a->cfg.tg_token[0] || a->cfg.tg_username[0]) {
        tg_platform_describe(&a->cfg, a->username, &p);
        platform_register(&p);
    }
    if (a->cfg.vk_token[0]) {
        vk_platform_describe(&a->cfg, &p);
        platform_register(&p);
    }
    if (a->cfg.max_token[0]) {
        char name[MAX_BOT_NAME_MAX] = "";
        if (!a->cfg.max_username[0] && a->d && db_meta_get(a->d, MAX_META_USERNAME, name, sizeof name)) name[0] = 0;
        max_platform_describe(&a->cfg, name, &p);
        platform_register(&p);
    }
}

mb_status app_lock(app *a)
{
    char path[CONFIG_PATH_MAX + 8];
    snprintf(path, sizeof path, "%s.lock", a->cfg.storage_path);
    a->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (a->lock_fd < 0) {
        fprintf(stderr, "cannot open the lock file %s: %s\n", path, strerror(errno));
        return MB_ERR_IO;
    }
    if (flock(a->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = "";
        ssize_t n = pread(a->lock_fd, pid, sizeof pid - 1, 0);
        if (n > 0) pid[n] = 0;
        pid[strcspn(pid, "\n")] = 0;
        fprintf(stderr, "another mentorbot is already running on %s (pid %s); only one may run per database\n",
                a->cfg.storage_path, pid[0] ? pid : "unknown");
        return MB_ERR_BUSY;
    }
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
    if (ftruncate(a->lock_fd, 0) == 0 && pwrite(a->lock_fd, pid, (size_t)len, 0) < 0)
        log_warn("app", "could not write the pid into %s", path);
    return MB_OK;
}

void app_close(app *a)
{
    db_close(a->d);
    a->d = NULL;
    i18n_free(a->texts);
    a->texts = NULL;
    ind_catalog_free(a->indicators);
    a->indicators = NULL;
    if (a->lock_fd >= 0) close(a->lock_fd);
    a->lock_fd = -1;
    chart_release();
}
