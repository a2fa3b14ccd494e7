/*
 * The recipient's side of a poll wave: the invitation and the reminders
 * (one job per recipient, each arming the next), the button that starts
 * or continues the poll, and what a finished run leaves in the wave.
 */
#include "handlers/flows.h"
#include "handlers/payload.h"
#include "handlers/polls.h"
#include "handlers/survey.h"
#include "handlers/timezone.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"
#include "util/quiet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (24LL * 3600 * 1000)
#define LAUNCH_BATCH 500      /* recipients read at once while arming invitations */

const poll_rules *poll_rules_of(const bot_env *env)
{
    static poll_rules defaults;
    static int ready;
    if (env && env->polls) return env->polls;
    if (!ready) {
        poll_rules_default(&defaults);
        ready = 1;
    }
    return &defaults;
}

/* The quiet hours of the meetings' rules: one night for everything the bot sends. */
static quiet_hours quiet_of(const bot_env *env)
{
    meeting_rules r;
    if (env && env->meetings) r = *env->meetings;
    else meeting_rules_default(&r);
    quiet_hours q = {r.quiet_start, r.quiet_end};
    return q;
}

const char *poll_variant_text(const bot_env *env, const char *lang, const char *kind, const char *audience)
{
    char key[64];
    snprintf(key, sizeof key, "poll.variant.%s_%s", kind, audience);
    return i18n_text(env->texts, lang, key);
}

static mb_status arm_nudge(db *d, int64_t wave_id, int64_t account_id, int n, int64_t due)
{
    char payload[96];
    snprintf(payload, sizeof payload, "{\"wave\":%lld,\"account\":%lld,\"n\":%d}", (long long)wave_id,
             (long long)account_id, n);
    return job_add(d, due, JOB_POLL_NUDGE, payload, NULL);
}

static mb_status nudge(db *d, const bot_env *env, const poll_wave *w, int64_t account_id, int n, int64_t now);

mb_status poll_wave_launch(db *d, const bot_env *env, int64_t wave_id, int *asked)
{
    if (asked) *asked = 0;
    poll_wave w;
    mb_status rc = poll_wave_load(d, wave_id, &w);
    if (rc) return rc;
    if (strcmp(w.state, "scheduled") != 0) return MB_OK;
    int64_t now = clock_now_ms(), ids[LAUNCH_BATCH], after = 0;
    if ((rc = poll_wave_open(d, wave_id, now, asked))) return rc;
    if ((rc = poll_wave_load(d, wave_id, &w))) return rc;
    int n;
    do {
        n = poll_recipient_ids(d, wave_id, after, ids, LAUNCH_BATCH);
        for (int i = 0; i < n && !rc; i++) rc = nudge(d, env, &w, ids[i], 0, now);
        if (n > 0) after = ids[n - 1];
    } while (!rc && n == LAUNCH_BATCH);
    if (!rc && db_fault(d)) rc = MB_ERR_DB;
    if (!rc)
        log_info("polls", "wave %lld (%s, %s) of organisation %lld opened: %d asked", (long long)wave_id, w.kind,
                 w.audience, (long long)w.org_id, asked ? *asked : -1);
    return rc;
}

/* The title of a recipient's instrument in lang ("" when it cannot be read). */
static void instrument_title(db *d, int64_t instrument_id, const char *lang, char *buf, size_t size)
{
    char *body = NULL, key[INSTRUMENT_KEY_MAX + 1], err[256];
    instrument *ins = NULL;
    buf[0] = 0;
    if (survey_instrument_body(d, instrument_id, &body, key, sizeof key, NULL) == MB_OK &&
        instrument_parse(body, strlen(body), key, &ins, err, sizeof err) == MB_OK)
        snprintf(buf, size, "%s", instrument_text(ins->title, lang));
    instrument_free(ins);
    free(body);
}

/* The invitation (n 0) or reminder n of one recipient of the open wave w
 * at now, unless they finished or nothing reaches them; in their quiet
 * hours it waits for the morning as a job. The next reminder is armed
 * here. */
static mb_status nudge(db *d, const bot_env *env, const poll_wave *w, int64_t account_id, int n, int64_t now)
{
    poll_recipient r;
    account a;
    identity id;
    mb_status rc = poll_recipient_load(d, w->id, account_id, &r);
    if (!rc) rc = account_load(d, account_id, &a);
    if (!rc) rc = identity_for_account(d, account_id, NULL, &id);
    if (rc) return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
    if (strcmp(w->state, "open") != 0 || strcmp(r.state, "done") == 0 || (n > 0 && r.reminders >= n) ||
        strcmp(a.status, "active") != 0)
        return MB_OK;
    if (id.unreachable_at) {
        log_info("polls", "account %lld blocked the bot: no poll message of wave %lld", (long long)account_id,
                 (long long)w->id);
        return MB_OK;
    }
    const poll_rules *rules = poll_rules_of(env);
    quiet_hours q = quiet_of(env);
    char zone[64];
    person_zone(d, a.id, a.org_id, zone, sizeof zone);
    if (quiet_contains(zone, now, q)) return arm_nudge(d, w->id, account_id, n, quiet_move(zone, now, q, INT64_MAX, 0));
    const char *lang = i18n_pick_language(env->texts, a.language[0] ? a.language : env->default_language);
    char title[256], variant[I18N_KEY_MAX + 1], data[48];
    instrument_title(d, r.instrument_id, lang, title, sizeof title);
    const char *key = n == 0 ? "poll.invite" : strcmp(r.state, "started") == 0 ? "poll.reminder_started"
                                                                              : "poll.reminder";
    char *text = i18n_format(env->texts, lang, key_for_reader(env, lang, &a, key, variant, sizeof variant), "title",
                             title, NULL);
    if (!text) return MB_ERR_NOMEM;
    keyboard kb = {0};
    snprintf(data, sizeof data, "pl:go:%lld", (long long)w->id);
    kb_button(&kb, i18n_text(env->texts, lang, strcmp(r.state, "started") == 0 ? "poll.continue" : "poll.start"),
              data);
    rc = reply_to_account(d, a.id, text, &kb);
    kb_free(&kb);
    free(text);
    if (rc == MB_ERR_NOT_FOUND) return MB_OK;
    if (!rc && n > 0) rc = poll_recipient_reminded(d, w->id, account_id, n);
    if (rc || n >= rules->nreminders) return rc;
    int64_t due = quiet_move(zone, r.invited_at + rules->reminder_days[n] * DAY_MS, q, INT64_MAX, 0);
    return arm_nudge(d, w->id, account_id, n + 1, due > now ? due : now + 60000);
}

mb_status poll_nudge_run(db *d, const bot_env *env, const char *payload)
{
    cJSON *p = json_parse_limited(payload, strlen(payload), JOB_PAYLOAD_MAX, NULL);
    int ok_wave = 0, ok_account = 0, ok_n = 0;
    int64_t wave_id = json_int(p, "wave", &ok_wave), account_id = json_int(p, "account", &ok_account);
    int n = (int)json_int(p, "n", &ok_n);
    cJSON_Delete(p);
    if (!ok_wave || !ok_account || !ok_n || n < 0 || n > POLL_REMINDERS_MAX) return MB_ERR_PARSE;
    poll_wave w;
    mb_status rc = poll_wave_load(d, wave_id, &w);
    if (rc) return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
    return nudge(d, env, &w, account_id, n, clock_now_ms());
}

mb_status poll_calendar_schedule(db *d, int64_t due_at)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM jobs WHERE state = 'pending' AND kind = '" JOB_POLL_CALENDAR "'");
    if (!st) return MB_ERR_DB;
    mb_status rc = db_has_row(d, st);
    if (rc == MB_OK) return MB_OK;
    if (rc != MB_ERR_NOT_FOUND) return rc;
    return job_add(d, due_at, JOB_POLL_CALENDAR, "{}", NULL);
}

/* ---- the recipient in the chat ---- */

mb_status poll_on_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action, (void)n;
    long long wave_id = f[1].number;   /* go:WAVE (routes.c) */
    poll_recipient r;
    poll_wave w;
    if (strcmp(h->acct.status, "active") != 0 || poll_recipient_load(h->d, wave_id, h->acct.id, &r) != MB_OK ||
        poll_wave_load(h->d, wave_id, &w) != MB_OK)
        return flow_refuse_button(h, "poll of a wave that did not ask the sender");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (strcmp(r.state, "done") == 0) return reply_text(h, T(h, "poll.already_done"), NULL);
    if (strcmp(w.state, "open") != 0) return reply_text(h, T(h, "poll.closed"), NULL);
    if (r.run_id) {
        rc = survey_run_continue(h, r.run_id);
        if (rc != MB_ERR_NOT_FOUND) return rc;
    }
    if (!r.instrument_id) return reply_text(h, T(h, "survey.unavailable"), NULL);
    int64_t run_id;
    if ((rc = survey_run_begin(h, r.instrument_id, w.id, &run_id))) return rc;
    return poll_recipient_started(h->d, w.id, h->acct.id, run_id);
}

void poll_menu_items(hctx *h, keyboard *kb)
{
    poll_recipient r;
    if (!h->has_account || strcmp(h->acct.status, "active") != 0 ||
        poll_recipient_pending(h->d, h->acct.id, &r) != MB_OK)
        return;
    char data[48];
    snprintf(data, sizeof data, "pl:go:%lld", (long long)r.wave_id);
    kb_row(kb);
    kb_button(kb, T(h, strcmp(r.state, "started") == 0 ? "poll.menu_continue" : "poll.menu_answer"), data);
}
