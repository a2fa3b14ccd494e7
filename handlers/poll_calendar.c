/*
 * The programme calendar of poll waves: each organisation with a
 * programme of the school year gets, once per kind and audience, a wave
 * scheduled for the day bot.conf's [polls] names, at open_hour of the
 * organisation's local time; the pass opens the waves that are due. A
 * wave of that kind the curator launched in the same school year counts,
 * so nobody is asked twice. The poll jobs run here too: the calendar's
 * passes and, through polls.c, the reminders.
 */
#include "handlers/polls.h"
#include "storage/jobs.h"
#include "storage/records.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"
#include "util/tz.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DAY_MS (24LL * 3600 * 1000)

static mb_status schedule_org(db *d, const poll_rules *rules, int year, int64_t from, int64_t to, int64_t org_id,
                              int64_t program_id, int64_t now)
{
    org o;
    mb_status rc = org_get(d, org_id, &o);
    if (rc) return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
    for (int k = 0; k < POLL_CALENDAR_KINDS && !rc; k++) {
        int mmdd = rules->dates[k];
        if (!mmdd) continue;
        int month = mmdd / 100;
        struct tm local = {.tm_year = (month >= POLL_SCHOOL_YEAR_MONTH ? year : year + 1) - 1900, .tm_mon = month - 1,
                           .tm_mday = mmdd % 100, .tm_hour = rules->open_hour};
        int64_t opens;
        if (tz_from_local(o.timezone, &local, &opens)) continue;   /* 29.02 of a common year */
        if (now > opens + rules->late_days * DAY_MS) continue;
        for (int v = 0; v < POLL_VARIANTS && !rc; v++) {
            if (strcmp(poll_variants[v].kind, poll_calendar_kinds[k]) != 0) continue;
            poll_wave w;
            rc = poll_wave_find(d, org_id, poll_variants[v].kind, poll_variants[v].audience, from, to, &w);
            if (rc == MB_ERR_NOT_FOUND)
                rc = poll_wave_add(d, org_id, program_id, poll_variants[v].kind, poll_variants[v].audience, opens, 0,
                                   NULL);
        }
    }
    return rc;
}

mb_status poll_calendar_pass(db *d, const bot_env *env, int64_t after, int64_t now, int64_t *last)
{
    const poll_rules *rules = poll_rules_of(env);
    int64_t from, to, orgs[POLL_CALENDAR_BATCH], programs[POLL_CALENDAR_BATCH];
    int year = poll_school_year(now, &from, &to), n = 0;
    mb_status rc = MB_OK;
    *last = 0;
    if (after >= 0) {
        n = poll_program_orgs(d, year, after, orgs, programs, POLL_CALENDAR_BATCH);
        if (db_fault(d)) return MB_ERR_DB;
        for (int i = 0; i < n && !rc; i++) rc = schedule_org(d, rules, year, from, to, orgs[i], programs[i], now);
        if (rc) return rc;
        if (n == POLL_CALENDAR_BATCH) {
            *last = orgs[n - 1];
            return MB_OK;
        }
    }
    int64_t due[POLL_OPEN_BATCH];
    int m = poll_waves_due(d, now, due, POLL_OPEN_BATCH);
    for (int i = 0; i < m && !rc; i++) {
        rc = poll_wave_launch(d, env, due[i], NULL);
        if (rc == MB_ERR_NOT_FOUND) {
            /* No instrument of it is loaded: it could never be answered. */
            log_warn("polls", "wave %lld has no instrument loaded; closed without asking anyone", (long long)due[i]);
            rc = poll_wave_close(d, due[i], now);
        }
    }
    return rc ? rc : db_fault(d) ? MB_ERR_DB : MB_OK;
}

mb_status poll_run_job(db *d, const bot_env *env, const char *kind, const char *payload)
{
    if (strcmp(kind, JOB_POLL_NUDGE) == 0) return poll_nudge_run(d, env, payload);
    cJSON *p = json_parse_limited(payload, strlen(payload), JOB_PAYLOAD_MAX, NULL);
    int ok = 0;
    int64_t after = json_int(p, "after", &ok), now = clock_now_ms(), last = 0;
    cJSON_Delete(p);
    if (!ok) after = 0;
    mb_status rc = poll_calendar_pass(d, env, after, now, &last);
    if (rc) return rc;
    char next[48];
    if (last) {
        snprintf(next, sizeof next, "{\"after\":%lld}", (long long)last);
        return job_add(d, now + POLL_CALENDAR_AGAIN_MS, JOB_POLL_CALENDAR, next, NULL);
    }
    /* Every organisation seen: the next pass a day later, or when a
     * scheduled wave is due before that. */
    int64_t due = now + POLL_CALENDAR_EVERY_MS, soon = poll_waves_next_due(d);
    if (soon >= 0 && soon < due) due = soon > now ? soon : now + POLL_CALENDAR_AGAIN_MS;
    return job_add(d, due, JOB_POLL_CALENDAR, soon >= 0 && soon <= now ? "{\"after\":-1}" : "{}", NULL);
}
