/*
 * Delivering digests: the planner claims each recipient's week and adds
 * their job; the job queues the text, the photo and the document in the
 * scheduler's transaction, so each week's digest is queued exactly once
 * even when the process dies between any two steps. The menu's «Сводка за
 * неделю» sends one now and holds the "every week" setting.
 */
#include "handlers/digest_batch.h"
#include "storage/jobs.h"
#include "storage/territories.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"
#include "util/tz.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


static digest_rules rules_of(const bot_env *env)
{
    digest_rules r;
    if (env && env->digest) return *env->digest;
    digest_rules_default(&r);
    return r;
}

mb_status digest_schedule(db *d, int64_t due_at)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM jobs WHERE state = 'pending' AND kind = '" JOB_DIGEST_PLAN "'");
    if (!st) return MB_ERR_DB;
    mb_status rc = db_has_row(d, st);
    if (rc == MB_OK) return MB_OK;
    if (rc != MB_ERR_NOT_FOUND) return rc;
    return job_add(d, due_at, JOB_DIGEST_PLAN, "{}", NULL);
}

/* The scope a recipient reads and the timezone they live in: their own,
 * else their organisation's, else their territory's. 0 when they have none. */
static int scope_of(db *d, const account *a, int64_t *org_id, int64_t *territory_id, char *zone, size_t size)
{
    *org_id = *territory_id = 0;
    account_zone_get(d, a->id, zone, size);
    if (strcmp(a->role, "coordinator") == 0) *territory_id = account_coordinated_territory(d, a->id);
    else if (strcmp(a->role, "curator") == 0) *org_id = a->org_id;
    if (!zone[0] && *org_id) {
        org o;
        if (org_get(d, *org_id, &o) == MB_OK) snprintf(zone, size, "%s", o.timezone);
    }
    if (!zone[0] && *territory_id) territory_timezone(d, *territory_id, zone, size);
    return *org_id || *territory_id;
}

/* The latest moment at or before now that is the digest's weekday and
 * hour in zone; -1 when the zone cannot say. */
static int64_t last_due(const digest_rules *r, const char *zone, int64_t now)
{
    struct tm tm;
    if (tz_local(zone, now, &tm)) return -1;
    int back = (tm.tm_wday - r->weekday % 7 + 7) % 7;
    if (back == 0 && tm.tm_hour < r->hour) back = 7;
    struct tm day = {0};
    day.tm_year = tm.tm_year;
    day.tm_mon = tm.tm_mon;
    day.tm_mday = tm.tm_mday - back;
    time_t t = timegm(&day);
    gmtime_r(&t, &day);   /* the date, normalised */
    day.tm_hour = r->hour;
    int64_t ms;
    /* a digest hour the clocks skip comes an hour later */
    if (tz_from_local(zone, &day, &ms)) {
        day.tm_hour++;
        if (tz_from_local(zone, &day, &ms)) return -1;
    }
    return ms;
}

/* Claims the week of one recipient when its hour has come; lowers *next to
 * the next hour one is due. */
static mb_status plan_one(db *d, const digest_rules *r, int64_t account_id, int64_t now, int64_t *next)
{
    account a;
    mb_status rc = account_load(d, account_id, &a);
    if (rc) return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
    int64_t org_id, territory_id;
    char zone[64];
    if (!scope_of(d, &a, &org_id, &territory_id, zone, sizeof zone)) return MB_OK;
    int64_t due = last_due(r, zone, now);
    if (due < 0) return MB_OK;
    if (due + DIGEST_WEEK_MS < *next) *next = due + DIGEST_WEEK_MS;
    if (now - due > DIGEST_LATE_MS || digest_muted(d, account_id)) return MB_OK;
    struct tm tm;
    char week[DIGEST_WEEK_BYTES], payload[160];
    if (tz_local(zone, due, &tm)) return MB_OK;
    strftime(week, sizeof week, "%Y-%m-%d", &tm);
    rc = digest_week_claim(d, account_id, week, 0);
    if (rc == MB_ERR_EXISTS) return MB_OK;
    if (rc) return rc;
    snprintf(payload, sizeof payload, "{\"account\":%lld,\"week\":\"%s\",\"end\":%lld}", (long long)account_id, week,
             (long long)due);
    log_info("digest", "the digest of week %s for account %lld is due", week, (long long)account_id);
    return job_add(d, now, JOB_DIGEST, payload, NULL);
}

static mb_status run_plan(db *d, const bot_env *env, const char *payload)
{
    digest_rules r = rules_of(env);
    int64_t now = clock_now_ms();
    if (!r.weekday) return job_add(d, now + DIGEST_PLAN_EVERY_MS, JOB_DIGEST_PLAN, "{}", NULL);
    cJSON *p = json_parse_limited(payload, strlen(payload), JOB_PAYLOAD_MAX, NULL);
    int ok = 0;
    int64_t after = json_int(p, "after", &ok), next = json_int(p, "next", &ok);
    cJSON_Delete(p);
    if (after < 0) after = 0;
    if (next <= now || next > now + DIGEST_PLAN_EVERY_MS) next = now + DIGEST_PLAN_EVERY_MS;
    int64_t ids[DIGEST_PLAN_BATCH];
    int n = digest_recipients(d, after, ids, DIGEST_PLAN_BATCH);
    if (db_fault(d)) return MB_ERR_DB;
    for (int i = 0; i < n; i++) {
        mb_status rc = plan_one(d, &r, ids[i], now, &next);
        if (rc) return rc;
    }
    if (n == DIGEST_PLAN_BATCH) {
        char more[96];
        snprintf(more, sizeof more, "{\"after\":%lld,\"next\":%lld}", (long long)ids[n - 1], (long long)next);
        return job_add(d, now, JOB_DIGEST_PLAN, more, NULL);
    }
    return job_add(d, next, JOB_DIGEST_PLAN, "{}", NULL);
}

/* Regular files in dir: what waits on disk to be sent. */
static int files_in(const char *dir)
{
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

/* A new file path under files_dir: KIND-ACCOUNT-RANDOM.EXT. */
static int new_path(const bot_env *env, const char *kind, int64_t account_id, const char *ext, char *path, size_t size)
{
    char code[17];
    if (!env->files_dir || !*env->files_dir || text_random_code(code, sizeof code - 1)) return -1;
    code[sizeof code - 1] = 0;
    if (mkdir(env->files_dir, 0700) != 0 && errno != EEXIST) {
        log_error("digest", "cannot create %s: %s", env->files_dir, strerror(errno));
        return -1;
    }
    snprintf(path, size, "%s/%s-%lld-%s.%s", env->files_dir, kind, (long long)account_id, code, ext);
    return 0;
}

/* caption cut to the platform's caption length, whole characters, "…" at the end. */
static void fit_caption(char *caption, unsigned units_limit)
{
    if (text_utf16_len(caption) <= units_limit) return;
    size_t n = strlen(caption), room = n;
    while (n > 0) {
        do n--;
        while (n > 0 && ((unsigned char)caption[n] & 0xC0) == 0x80);
        caption[n] = 0;
        if (text_utf16_len(caption) + 1 <= units_limit && n + 3 <= room) break;
    }
    if (n + 3 <= room) memcpy(caption + n, "…", 4);
}

mb_status digest_send(db *d, const bot_env *env, int64_t account_id, int64_t org_id, int64_t territory_id,
                      int64_t now)
{
    account a;
    mb_status rc = account_load(d, account_id, &a);
    if (rc) return rc;
    identity id;
    if ((rc = identity_for_account(d, account_id, NULL, &id))) return rc;
    if (id.unreachable_at) return MB_ERR_DENIED;
    int64_t own_org, own_territory;
    char zone[64];
    int has_scope = scope_of(d, &a, &own_org, &own_territory, zone, sizeof zone);
    if (org_id || territory_id) {
        if (org_id) {
            org o;
            if (org_get(d, org_id, &o) == MB_OK && !zone[0]) snprintf(zone, sizeof zone, "%s", o.timezone);
        }
    } else if (!has_scope) {
        return MB_ERR_NOT_FOUND;
    } else {
        org_id = own_org;
        territory_id = own_territory;
    }
    digest_rules r = rules_of(env);
    if (files_in(env->files_dir) + 2 > r.files_limit) return MB_ERR_LIMIT;
    const char *lang = i18n_pick_language(env->texts, a.language);
    digest g;
    if ((rc = digest_build(d, env, territory_id != 0, territory_id ? territory_id : org_id, now, zone, lang, &g)))
        return rc;
    char png[512], xlsx[512];
    keyboard kb = {0};
    char *text = digest_text(env, &g, strcmp(a.role, "curator") == 0, &kb);
    char *alt = digest_alt_text(env, &g);
    char date[32], *filename = NULL;
    tz_format(zone, now, lang, 0, date, sizeof date);
    filename = i18n_format(env->texts, lang, "digest.file_name", "date", date, NULL);
    int wrote_png = 0, wrote_xlsx = 0;
    if (!text || !alt || !filename) rc = MB_ERR_NOMEM;
    if (!rc && (new_path(env, "digest", account_id, "png", png, sizeof png) ||
                new_path(env, "digest", account_id, "xlsx", xlsx, sizeof xlsx)))
        rc = MB_ERR_IO;
    if (!rc && digest_batch_files_link(env->digest_batch, &g, png, xlsx)) {
        wrote_png = wrote_xlsx = 1;   /* the same digest's files, written for another recipient of the run */
    } else if (!rc) {
        if (!(rc = digest_write_chart(env, &g, png))) wrote_png = 1;
        if (!rc && !(rc = digest_write_workbook(d, env, &g, xlsx))) wrote_xlsx = 1;
        if (!rc) digest_batch_files_written(env->digest_batch, &g, png, xlsx);
    }
    if (!rc) {
        fit_caption(alt, platform_caps_for(id.platform)->caption_units_limit);
        rc = reply_to_account(d, account_id, text, &kb);
        if (!rc) rc = reply_file_to_account(d, account_id, "photo", png, "digest.png", alt);
        if (!rc) rc = reply_file_to_account(d, account_id, "document", xlsx, filename,
                                            i18n_text(env->texts, lang, "digest.file_caption"));
    }
    if (rc) {
        /* nothing queued holds them: the transaction is rolled back */
        if (wrote_png) unlink(png);
        if (wrote_xlsx) unlink(xlsx);
    }
    kb_free(&kb);
    free(text);
    free(alt);
    free(filename);
    digest_free(&g);
    return rc;
}

static mb_status run_digest(db *d, const bot_env *env, const char *payload)
{
    cJSON *p = json_parse_limited(payload, strlen(payload), JOB_PAYLOAD_MAX, NULL);
    int ok = 0;
    int64_t account_id = json_int(p, "account", &ok), end = json_int(p, "end", NULL);
    const char *w = json_str(p, "week");
    char week[DIGEST_WEEK_BYTES], state[16];
    snprintf(week, sizeof week, "%s", w ? w : "");
    cJSON_Delete(p);
    if (!ok || !week[0] || end <= 0) return MB_ERR_PARSE;
    mb_status rc = digest_week_state(d, account_id, week, state, sizeof state);
    if (rc == MB_ERR_NOT_FOUND || (!rc && strcmp(state, "planned") != 0)) return MB_OK;   /* done already */
    if (rc) return rc;
    if (digest_muted(d, account_id)) return digest_week_finish(d, account_id, week, "skipped", "muted");
    rc = digest_send(d, env, account_id, 0, 0, end);
    if (rc == MB_ERR_LIMIT) {
        /* the files cap is reached: the same week waits for the sender */
        log_info("digest", "the files cap is reached; the digest for account %lld waits", (long long)account_id);
        return job_add(d, clock_now_ms() + DIGEST_WAIT_FILES_MS, JOB_DIGEST, payload, NULL);
    }
    if (rc == MB_ERR_DENIED || rc == MB_ERR_NOT_FOUND) {
        const char *why = rc == MB_ERR_DENIED ? "blocked the bot" : "no messenger or no scope";
        log_warn("digest", "the digest of week %s for account %lld is skipped: %s", week, (long long)account_id, why);
        return digest_week_finish(d, account_id, week, "skipped", why);
    }
    if (rc) return rc;
    log_info("digest", "the digest of week %s for account %lld is queued", week, (long long)account_id);
    return digest_week_finish(d, account_id, week, "sent", NULL);
}

mb_status digest_run_job(db *d, const bot_env *env, const char *kind, const char *payload)
{
    return strcmp(kind, JOB_DIGEST_PLAN) == 0 ? run_plan(d, env, payload) : run_digest(d, env, payload);
}

static mb_status write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) return MB_ERR_IO;
    int bad = fputs(text, f) < 0 || fputc('\n', f) < 0;
    if (fclose(f) != 0) bad = 1;
    return bad ? MB_ERR_IO : MB_OK;
}

mb_status digest_preview(db *d, const bot_env *env, int of_territory, int64_t scope_id, int64_t now, const char *lang,
                         const char *dir)
{
    char zone[64] = "";
    if (of_territory) territory_timezone(d, scope_id, zone, sizeof zone);
    else {
        org o;
        if (org_get(d, scope_id, &o) == MB_OK) snprintf(zone, sizeof zone, "%s", o.timezone);
    }
    digest g;
    mb_status rc = digest_build(d, env, of_territory, scope_id, now, zone, lang, &g);
    if (rc) return rc;
    char path[4096];
    char *text = digest_text(env, &g, !of_territory, NULL), *alt = digest_alt_text(env, &g);
    if (!text || !alt) rc = MB_ERR_NOMEM;
    if (!rc && mkdir(dir, 0755) != 0 && errno != EEXIST) rc = MB_ERR_IO;
    if (!rc) {
        snprintf(path, sizeof path, "%s/digest.txt", dir);
        size_t size = strlen(text) + strlen(alt) + 4;
        char *both = malloc(size);
        if (!both) rc = MB_ERR_NOMEM;
        else {
            snprintf(both, size, "%s\n\n%s", text, alt);
            rc = write_text(path, both);
            free(both);
        }
    }
    if (!rc) {
        snprintf(path, sizeof path, "%s/digest.png", dir);
        rc = digest_write_chart(env, &g, path);
    }
    if (!rc) {
        snprintf(path, sizeof path, "%s/digest.xlsx", dir);
        rc = digest_write_workbook(d, env, &g, path);
    }
    free(text);
    free(alt);
    digest_free(&g);
    return rc;
}
