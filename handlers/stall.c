/*
 * The stall scan: a job that walks the active mentorships a batch at a
 * time and, by the rules of storage/stalls.h, nudges a mentor or flags the
 * curators. The episode row is written in the same transaction as the
 * message is queued, so a crash neither loses nor repeats one.
 */
#include "handlers/reply.h"
#include "handlers/stall.h"
#include "storage/guardians.h"
#include "storage/jobs.h"
#include "storage/records.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"
#include "util/quiet.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mb_status stall_schedule(db *d, int64_t due_at)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM jobs WHERE state = 'pending' AND kind = '" JOB_STALL_SCAN "'");
    if (!st) return MB_ERR_DB;
    mb_status rc = db_has_row(d, st);
    if (rc == MB_OK) return MB_OK;
    if (rc != MB_ERR_NOT_FOUND) return rc;
    return job_add(d, due_at, JOB_STALL_SCAN, "{}", NULL);
}

static meeting_rules rules_of(const bot_env *env)
{
    meeting_rules r;
    if (env && env->meetings) return *env->meetings;
    meeting_rules_default(&r);
    return r;
}

/* A person's name as others read it; erased people as such. */
static const char *name_of(db *d, const bot_env *env, const char *lang, int64_t id, account *a)
{
    if (account_load(d, id, a) != MB_OK) return "?";
    if (strcmp(a->status, "forgotten") == 0 || !a->name[0]) return i18n_text(env->texts, lang, "erase.stand_in");
    return a->name;
}

static void mentee_names(db *d, const bot_env *env, const char *lang, const mentorship *m, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < m->nmentees; i++) {
        account a;
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", name_of(d, env, lang, m->mentees[i], &a));
        if (n < 0 || (size_t)n >= size - used) return;
        used += (size_t)n;
    }
}

void stall_pair_names(db *d, const bot_env *env, const char *lang, const mentorship *m, char *buf, size_t size)
{
    account a;
    char mentees[1024];
    mentee_names(d, env, lang, m, mentees, sizeof mentees);
    snprintf(buf, size, "%s — %s", name_of(d, env, lang, m->mentor_id, &a), mentees);
}

static char *days_text(const bot_env *env, const char *lang, const stall_episode *e, int64_t now)
{
    return i18n_plural(env->texts, lang, "days", (now - e->idle_since) / STALL_DAY_MS, NULL);
}

char *stall_reason_text(db *d, const bot_env *env, const char *lang, const stall_episode *e, int64_t now)
{
    char key[48], *days = days_text(env, lang, e, now);
    account a;
    const char *silent = e->silent_id ? name_of(d, env, lang, e->silent_id, &a) : "";
    snprintf(key, sizeof key, "stall.reason.%s", stall_reason_code(e->reason));
    char *text = days ? i18n_format(env->texts, lang, key, "days", days, "name", silent, NULL) : NULL;
    free(days);
    return text;
}

/* The mentor's nudge, in their language and variant. */
static mb_status nudge(db *d, const bot_env *env, const mentorship *m, const stall_episode *e, int64_t now)
{
    account mentor;
    mb_status rc = account_load(d, m->mentor_id, &mentor);
    if (rc) return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
    if (strcmp(mentor.status, "active") != 0) return MB_OK;
    const char *lang = i18n_pick_language(env->texts, mentor.language);
    char key[48], variant[I18N_KEY_MAX + 1], names[2048];
    snprintf(key, sizeof key, "stall.nudge_%s%s", stall_reason_code(e->reason),
             e->reason == STALL_SILENT && e->silent_id == m->mentor_id ? "_self" : "");
    stall_pair_names(d, env, lang, m, names, sizeof names);
    account silent;
    char *days = days_text(env, lang, e, now);
    char *text = days ? i18n_format(env->texts, lang, key_for_reader(env, lang, &mentor, key, variant, sizeof variant),
                                    "names", names, "days", days, "name",
                                    e->silent_id ? name_of(d, env, lang, e->silent_id, &silent) : "", NULL)
                      : NULL;
    free(days);
    if (!text) return MB_ERR_NOMEM;
    rc = reply_to_account(d, mentor.id, text, NULL);
    free(text);
    return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;   /* no messenger left: the curator will hear of it */
}

/* The flag to each curator of the organisation, with the pair's button. */
static mb_status flag(db *d, const bot_env *env, const mentorship *m, const stall_episode *e, int64_t now)
{
    int64_t curators[STALL_CURATORS_MAX];
    int n = consent_curators_of(d, m->org_id, curators, STALL_CURATORS_MAX);
    org o;
    const char *zone = org_get(d, m->org_id, &o) == MB_OK ? o.timezone : "";
    mb_status rc = MB_OK;
    for (int i = 0; i < n && !rc; i++) {
        account c;
        if (account_load(d, curators[i], &c) != MB_OK) continue;
        const char *lang = i18n_pick_language(env->texts, c.language);
        char names[2048], date[32], data[32];
        stall_pair_names(d, env, lang, m, names, sizeof names);
        tz_format(zone, e->nudged_at, lang, 0, date, sizeof date);
        char *reason = stall_reason_text(d, env, lang, e, now);
        char *text = reason ? i18n_format(env->texts, lang, "stall.flag", "names", names, "reason", reason, "date",
                                          date, NULL)
                            : NULL;
        free(reason);
        if (!text) return MB_ERR_NOMEM;
        keyboard kb = {0};
        snprintf(data, sizeof data, "zo:%lld", (long long)m->id);
        kb_button(&kb, i18n_text(env->texts, lang, "stall.open"), data);
        rc = reply_to_account(d, c.id, text, &kb);
        kb_free(&kb);
        free(text);
        if (rc == MB_ERR_NOT_FOUND) rc = MB_OK;
    }
    return rc;
}

/* 1 when now is in the organisation's quiet hours; *resume_at lowered to their end. */
static int quiet_now(db *d, const meeting_rules *r, int64_t org_id, int64_t now, int64_t *resume_at)
{
    org o;
    const char *zone = org_get(d, org_id, &o) == MB_OK ? o.timezone : "";
    quiet_hours q = {r->quiet_start, r->quiet_end};
    if (!quiet_contains(zone, now, q)) return 0;
    int64_t end = quiet_move(zone, now, q, INT64_MAX, 0);
    if (resume_at && end > now && (!*resume_at || end < *resume_at)) *resume_at = end;
    return 1;
}

mb_status stall_check(db *d, const bot_env *env, int64_t mentorship_id, int64_t now, int64_t *resume_at)
{
    mentorship m;
    mb_status rc = mentorship_load(d, mentorship_id, &m);
    if (rc) return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
    if (strcmp(m.state, "active") != 0) return MB_OK;
    meeting_rules r = rules_of(env);
    stall_facts f;
    stall_episode e;
    if ((rc = stall_facts_of(d, m.id, m.created_at, now, r.stall_days, &f))) return rc;
    rc = stall_episode_load(d, m.id, &e);
    if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    int open = rc == MB_OK && !e.ended_at;
    if (open && (f.held_mark > e.held_mark || f.reason == STALL_NONE)) {
        if ((rc = stall_episode_end(d, m.id, now))) return rc;
        log_info("stall", "mentorship %lld is moving again", (long long)m.id);
        open = 0;
    }
    if (!open && f.reason == STALL_NONE) return MB_OK;
    if (open && (e.flagged_at || !e.nudged_at || now - e.nudged_at < STALL_FLAG_AFTER_MS)) return MB_OK;
    if (quiet_now(d, &r, m.org_id, now, resume_at)) return MB_OK;
    if (!open) {
        log_info("stall", "mentorship %lld stalled (%s): the mentor is nudged", (long long)m.id,
                 stall_reason_code(f.reason));
        if ((rc = stall_episode_begin(d, m.id, &f, now)) || (rc = stall_episode_load(d, m.id, &e)) ||
            (rc = nudge(d, env, &m, &e, now)))
            return rc;
        return stall_episode_nudged(d, m.id, now);
    }
    log_info("stall", "mentorship %lld still stalled (%s): the curators are told", (long long)m.id,
             stall_reason_code(e.reason));
    if ((rc = flag(d, env, &m, &e, now))) return rc;
    return stall_episode_flagged(d, m.id, now);
}

mb_status stall_run_job(db *d, const bot_env *env, const char *payload)
{
    cJSON *p = json_parse_limited(payload, strlen(payload), JOB_PAYLOAD_MAX, NULL);
    int ok = 0;
    int64_t after = json_int(p, "after", &ok), resume = json_int(p, "resume", &ok);
    cJSON_Delete(p);
    if (after < 0) after = 0;
    if (resume < 0) resume = 0;
    int64_t now = clock_now_ms(), ids[STALL_SCAN_BATCH];
    int n = stall_active_after(d, after, ids, STALL_SCAN_BATCH);
    if (db_fault(d)) return MB_ERR_DB;
    for (int i = 0; i < n; i++) {
        mb_status rc = stall_check(d, env, ids[i], now, &resume);
        if (rc) return rc;
    }
    char next[96];
    if (n == STALL_SCAN_BATCH) {
        snprintf(next, sizeof next, "{\"after\":%lld,\"resume\":%lld}", (long long)ids[n - 1], (long long)resume);
        return job_add(d, now + STALL_SCAN_AGAIN_MS, JOB_STALL_SCAN, next, NULL);
    }
    /* A pass is over: the next one a day later, or when the quiet hours
     * that held messages back end. */
    int64_t due = now + STALL_SCAN_EVERY_MS;
    if (resume > now && resume < due) due = resume;
    return job_add(d, due, JOB_STALL_SCAN, "{}", NULL);
}
