/*
 * Every statement the bot runs stays fast at a region's scale: a database
 * filled with a region's year (tests/region_gen.c), the bot's real paths
 * driven in-process against it through the real intake (registration,
 * surveys, /privacy, /forget of a person in a pair, the curator's menus
 * and tables, matching, invites, consent, /link, the coordinator's
 * figures), the scheduler's jobs and
 * the sender's claim and outcome statements, while db_set_prepare_hook
 * records each distinct statement. Then EXPLAIN QUERY PLAN of each: a
 * large table read by a full SCAN fails the test, with the statement and
 * its plan, unless the allow-list below says why that scan is right.
 *
 * Scale. The bot never runs ANALYZE nor PRAGMA optimize (there is no
 * sqlite_stat1 table), so SQLite plans from the schema alone, assuming the
 * same default size for every table whatever it holds: the plans at any
 * scale are the plans at a region's full size. Under AddressSanitizer, which
 * intercepts every allocation SQLite makes, filling the full region takes
 * minutes, so the test uses a two-hundredth of every count (10,000 outbox
 * rows, 600 pupils in a few organisations, each as large as at full size);
 * bench/region.c generates the full size.
 */
#include "bot/intake.h"
#include "bot/scheduler.h"
#include "bot/telegram/telegram.h"
#include "bot/telegram/tg_parse.h"
#include "handlers/digest.h"
#include "handlers/flows.h"
#include "storage/invites.h"
#include "handlers/meeting_notice.h"
#include "handlers/stall.h"
#include "storage/erase.h"
#include "storage/jobs.h"
#include "storage/meetings.h"
#include "storage/mentorships.h"
#include "storage/outbox.h"
#include "storage/retention.h"
#include "report/indicators.h"
#include "storage/references.h"
#include "tests/region_gen.h"
#include "tests/unit.h"
#include "tests/unit_messengers.h"
#include "util/clock.h"
#include "util/i18n.h"
#include "util/log.h"

#include <ctype.h>
#include <ev.h>
#include <stdlib.h>
#include <time.h>

#define SCALE 0.005
#define STATEMENTS_MAX 1024
#define TG_USER_BASE 100000000LL   /* as tests/region_gen.c numbers Telegram users */

static db *d;
static bot_env env;
static i18n *texts;
static ind_catalog *indicators;
static long long update_id = 1;
static int64_t before_last;   /* the last outbox row before the latest update was delivered */
static char *seen[STATEMENTS_MAX];
static int nseen;

static void on_prepare(const char *sql, void *ctx)
{
    for (int i = 0; i < nseen; i++)
        if (strcmp(seen[i], sql) == 0) return;
    if (nseen < STATEMENTS_MAX) seen[nseen++] = strdup(sql);
}

/* Statements SQLite runs inside triggers are not prepared by the bot, so
 * the hook never sees them; their lookups are listed here by hand. */
static const char *const trigger_statements[] = {
    "DELETE FROM identity_history WHERE account_id = ?1",   /* consent_forget */
    "DELETE FROM consent_requests WHERE minor_id = ?1",     /* consent_forget */
    /* mentorship_end_meetings */
    ("UPDATE meetings SET state = 'cancelled', version = version + 1, updated_at = ?1"
     " WHERE mentorship_id = ?2 AND starts_at >= ?1 AND state = 'planned'"),
    "UPDATE meeting_series SET state = 'stopped' WHERE mentorship_id = ?1 AND state = 'active'",
};

/* Scans that are right, with the reason. A statement matches when it
 * contains the text. Small tables (organisations, territories,
 * programmes, instruments) are not checked at all: a region has hundreds
 * of rows in them. */
static const struct { const char *sql, *table, *why; } allowed[] = {
    /* A sweep queued by an earlier version, which listed no chats, lists
     * the chats nobody owns any more from the whole outbox and chat_marks,
     * one index probe per row (identities_chat), then sweeps the list; a
     * /forget now lists the person's chats (erased_chats, migration 28)
     * and the sweep reads those. Retention keeps the outbox to a month. */
    {"INSERT OR IGNORE INTO erased_chats(platform, chat_id) SELECT o.platform, o.chat_id FROM outbox o", "outbox",
     "an earlier version's erase sweep: every message, a month of them after retention"},
    {"INSERT OR IGNORE INTO erased_chats(platform, chat_id) SELECT o.platform, o.chat_id FROM outbox o", "chat_marks",
     "an earlier version's erase sweep: one row per chat"},
    /* A region's indicators (report/counts.c) read every account and every
     * request survey once, in order: a lookup per participation costs
     * more than the pass (bench/indicators.c). A smaller scope reads its
     * organisations' rows only. */
    {"SELECT id, org_id, category, grade, employer_id FROM accounts", "accounts",
     "a region's indicators: every account once, in order"},
    {"SELECT 0, r.account_id, i.key FROM survey_runs r", "survey_runs",
     "a region's indicators: the finished requests of the period, in one pass"},
    {"SELECT m.id, m.org_id, m.form, m.direction, m.mentor_id FROM mentorships m WHERE", "mentorships",
     "a region's indicators: every mentorship once, in order"},
    {"SELECT mentorship_id, mentee_id, joined_at <= ?4", "mentorship_members",
     "a region's indicators: every membership once, in order"},
};

/* ---- driving the bot as Telegram would ---- */

static void deliver(const char *json)
{
    if (getenv("MENTORBOT_PLAN_TRACE")) fprintf(stderr, "  %.300s\n", strstr(json, "\"from\""));
    sqlite3_stmt *last = NULL;
    sqlite3_prepare_v2(db_handle(d), "SELECT COALESCE(MAX(id), 0) FROM outbox", -1, &last, NULL);
    if (last && sqlite3_step(last) == SQLITE_ROW) before_last = sqlite3_column_int64(last, 0);
    sqlite3_finalize(last);
    char batch[4200];
    size_t len = (size_t)snprintf(batch, sizeof batch, "[%s]", json);
    tg_reply r;
    if (tg_parse_reply(batch, len, 200, &r)) {
        fprintf(stderr, "  cannot parse %s\n", batch);
        return;
    }
    intake_item items[1];
    static char bufs[1][EVENT_BUTTON_DATA_MAX + 1];
    (void)bufs;
    int64_t next = 0;
    int n = tg_items_from_result(r.result, items, 1, &next);
    intake_stats st = {0};
    CHECK_INT(intake_apply(d, &env, "tg", items, n, TG_META_OFFSET, next, &st), MB_OK);
    tg_reply_free(&r);
}

static void say(long long user, const char *text)
{
    char json[2048], esc[1024];
    size_t o = 0;
    for (const char *p = text; *p && o < sizeof esc - 2; p++) {
        if (*p == '"' || *p == '\\') esc[o++] = '\\';
        esc[o++] = *p;
    }
    esc[o] = 0;
    long long id = update_id++;
    snprintf(json, sizeof json,
             "{\"update_id\":%lld,\"message\":{\"message_id\":%lld,\"from\":{\"id\":%lld,\"is_bot\":false,"
             "\"first_name\":\"U\",\"language_code\":\"ru\"},\"chat\":{\"id\":%lld,\"type\":\"private\"},"
             "\"date\":0,\"text\":\"%s\"}}",
             id, id, user, user, esc);
    deliver(json);
}

static void press(long long user, const char *data)
{
    char json[2048];
    long long id = update_id++;
    snprintf(json, sizeof json,
             "{\"update_id\":%lld,\"callback_query\":{\"id\":\"%lld\",\"from\":{\"id\":%lld,\"is_bot\":false,"
             "\"first_name\":\"U\",\"language_code\":\"ru\"},\"message\":{\"message_id\":%lld,\"chat\":{\"id\":%lld,"
             "\"type\":\"private\"},\"date\":0,\"text\":\"?\"},\"chat_instance\":\"1\",\"data\":\"%s\"}}",
             id, id, user, id, user, data);
    deliver(json);
}

/* The button data of the bot's replies to user queued after row *after,
 * appended to list (deduplicated, at most max); moves *after on. */
static int buttons_since(long long user, int64_t *after, char list[][80], int n, int max)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db_handle(d), "SELECT id, body FROM outbox WHERE platform = 'tg' AND chat_id = ?1 AND id > ?2"
                       " ORDER BY id", -1, &st, NULL);
    sqlite3_bind_int64(st, 1, user);
    sqlite3_bind_int64(st, 2, *after);
    while (sqlite3_step(st) == SQLITE_ROW) {
        *after = sqlite3_column_int64(st, 0);
        cJSON *body = cJSON_Parse((const char *)sqlite3_column_text(st, 1)), *row, *b;
        if (getenv("MENTORBOT_PLAN_TRACE"))
            fprintf(stderr, "    bot -> %lld: %.160s\n", user, cJSON_GetStringValue(cJSON_GetObjectItem(body, "text")));
        cJSON_ArrayForEach(row, cJSON_GetObjectItem(body, "buttons")) {
            cJSON_ArrayForEach(b, row) {
                const char *data = cJSON_GetStringValue(cJSON_GetObjectItem(b, "data"));
                int dup = !data || strlen(data) >= 80;
                for (int i = 0; i < n && !dup; i++) dup = strcmp(list[i], data) == 0;
                if (!dup && n < max) snprintf(list[n++], 80, "%s", data);
            }
        }
        cJSON_Delete(body);
    }
    sqlite3_finalize(st);
    return n;
}

/*
 * Talks to the bot as user for at most steps actions: presses every button
 * it was offered once (newest first, skipping those whose data contains
 * avoid), and when none is left types the next of answers, which fit the
 * questions of registration and the surveys (a name, a grade, a year...).
 */
static void explore(long long user, int steps, const char *avoid)
{
    static const char *const answers[] = {"Анна Смирнова", "7", "2011", "математика", "2", "01.03.2027",
                                          "Школа №1", "3", "/menu"};
    static char list[400][80];
    int n = 0, next = 0, typed = 0;
    int64_t after = before_last;   /* the buttons of the reply to the last update count */
    for (int s = 0; s < steps; s++) {
        n = buttons_since(user, &after, list, n, 400);
        while (next < n && avoid && strstr(list[next], avoid)) next++;
        if (next < n) press(user, list[next++]);
        else say(user, answers[typed++ % (int)(sizeof answers / sizeof answers[0])]);
    }
}

static int64_t scalar(const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = 0;
    if (sqlite3_prepare_v2(db_handle(d), sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void invite_for(const char *role, char *code)
{
    CHECK_INT(invite_create(d, "role", 1, role, 50, clock_now_ms() + 86400000LL, 0, "admin", code, NULL), MB_OK);
}

/* Meetings of generated pairs, as the chat screens, the reminder jobs and
 * the admin CLI use the storage API (storage/meetings.h). */
static void drive_meetings(void)
{
    int64_t now = clock_now_ms(), ms[2], id = 0, activity = 0, series = 0;
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db_handle(d), "SELECT id FROM mentorships WHERE state = 'active' ORDER BY id LIMIT 2", -1, &st,
                       NULL);
    int n = 0;
    while (n < 2 && sqlite3_step(st) == SQLITE_ROW) ms[n++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    CHECK_INT(n, 2);
    if (n < 2) return;
    mentorship m;
    CHECK_INT(mentorship_load(d, ms[0], &m), MB_OK);
    CHECK_INT(meeting_holiday_add(d, m.org_id, "2026-09-08", "праздник", "admin:cli", now), MB_OK);
    meeting_plan p = {.kind = "intro", .place = "каб. 1", .starts_at = now + 86400000LL};
    CHECK_INT(meeting_add(d, ms[0], &p, now, &id, NULL), MB_OK);
    meeting_plan game = {.kind = "business_game", .starts_at = now + 2 * 86400000LL};
    CHECK_INT(meeting_add_activity(d, ms, 2, &game, now, &activity, NULL), MB_OK);
    meeting_plan weekly = {.kind = "work", .link = "https://meet.example/a", .starts_at = now + 3 * 86400000LL};
    CHECK_INT(meeting_series_add(d, ms[0], &weekly, now + 60 * 86400000LL, now, &series, NULL, NULL), MB_OK);
    int64_t end;
    (void)meeting_program_end(d, m.org_id, &end);
    meeting one;
    CHECK_INT(meeting_load(d, id, &one), MB_OK);
    CHECK_INT(meeting_notice_send(d, &env, &one, "meeting.added", NULL), MB_OK);
    CHECK_INT(meeting_respond(d, id, 1, m.mentor_id, "accepted", 0, now), MB_OK);
    CHECK_INT(meeting_move(d, id, 1, now + 2 * 86400000LL, m.mentor_id, now), MB_OK);
    int64_t later = now + 3 * 86400000LL;
    CHECK_INT(meeting_answer(d, id, m.mentor_id, "happened", 5, "хорошо", later), MB_OK);
    CHECK_INT(meeting_mark(d, id, 2, "held", later), MB_OK);
    CHECK_INT(meeting_cancel(d, activity, 1, now), MB_OK);
    meeting_participant who[8];
    int64_t ids[4];
    (void)meeting_participants(d, id, who, 8);
    (void)meeting_mentorships(d, activity, ids, 4);
    meeting *list = NULL;
    int count = 0;
    CHECK_INT(meeting_list_org(d, m.org_id, now, now + 30 * 86400000LL, 0, 0, 20, &list, &count), MB_OK);
    free(list);
    CHECK_INT(meeting_list_person(d, m.mentor_id, now, now + 30 * 86400000LL, 1, 0, 20, &list, &count), MB_OK);
    free(list);
    CHECK_INT(meeting_list_mentorship(d, ms[0], 0, 20, &list, &count), MB_OK);
    free(list);
    meeting_holiday h[4];
    (void)meeting_holiday_list(d, m.org_id, h, 4);
    CHECK_INT(meeting_series_stop(d, series, now, NULL), MB_OK);
    CHECK_INT(meeting_holiday_remove(d, m.org_id, "2026-09-08"), MB_OK);
    CHECK_INT(erase_meetings(d, m.mentor_id), MB_OK);
    CHECK_INT(mentorship_end(d, ms[1]), MB_OK);
}

/* A stalled pair of the curator's organisation: the mentor's nudge, the
 * curator's flag a week later, the scan's job, and the curator's screens. */
static void drive_stalls(long long curator)
{
    int64_t ms = scalar("SELECT id FROM mentorships WHERE state = 'active' AND org_id = 1 ORDER BY id DESC LIMIT 1");
    CHECK(ms > 0);
    int64_t now = clock_now_ms();
    CHECK_INT(stall_check(d, &env, ms, now + 22 * 86400000LL, NULL), MB_OK);
    CHECK_INT(stall_check(d, &env, ms, now + 30 * 86400000LL, NULL), MB_OK);
    CHECK_INT(stall_run_job(d, &env, "{}"), MB_OK);
    stall_episode e;
    CHECK_INT(stall_episode_load(d, ms, &e), MB_OK);
    CHECK(e.flagged_at > 0);
    char data[48];
    press(curator, "zl:0");
    snprintf(data, sizeof data, "zo:%lld", (long long)ms);
    press(curator, data);
    snprintf(data, sizeof data, "zr:%lld", (long long)ms);
    press(curator, data);
    snprintf(data, sizeof data, "zy:%lld", (long long)ms);
    press(curator, data);
    CHECK_INT(scalar("SELECT COUNT(*) FROM mentorships WHERE state = 'ended'") > 0, 1);
}

/* Every indicator set for the region, one municipality and one
 * organisation, in one pass and scope by scope, a finished period's
 * snapshot, reference numbers and targets; and the chat's «Показатели». */
static void drive_indicators(long long curator, long long coordinator_user)
{
    int64_t region = scalar("SELECT id FROM territories WHERE kind = 'region' LIMIT 1");
    int64_t town = scalar("SELECT id FROM territories WHERE kind = 'municipality' LIMIT 1");
    CHECK_INT(ref_number_set(d, REF_SCOPE_TERRITORY, town, 2025, "pupils_5_11", 30000, "test", "admin:cli"), MB_OK);
    CHECK_INT(ref_target_set(d, "000.1", REF_SCOPE_ALL, 0, 2026, 70, -1, "test"), MB_OK);
    ind_period year, closed;
    ind_period_parse("2025-26", "Asia/Tomsk", &year);
    ind_period_parse("2024-25", "Asia/Tomsk", &closed);
    ind_report *r = calloc(2, sizeof *r);
    for (int i = 0; i < indicators->n; i++) {
        const ind_set *set = &indicators->sets[i];
        ind_data *data = NULL;
        CHECK_INT(ind_data_load(d, &set, 1, (ind_scope){REF_SCOPE_TERRITORY, region}, &year, "Asia/Tomsk", &data),
                  MB_OK);
        ind_scope scopes[8];
        int n = ind_data_scopes(data, scopes, 8);
        for (int k = 0; k < n && k < 8; k++) CHECK_INT(ind_data_report(d, data, set, scopes[k], &r[0]), MB_OK);
        ind_data_free(data);
        CHECK_INT(ind_compute(d, set, (ind_scope){REF_SCOPE_TERRITORY, town}, &year, "Asia/Tomsk", &r[0]), MB_OK);
        CHECK_INT(ind_report_for(d, set, (ind_scope){REF_SCOPE_ORG, 1}, &closed, "Asia/Tomsk", NULL, &r[0], &r[1]),
                  MB_OK);
        CHECK_INT(ind_report_for(d, set, (ind_scope){REF_SCOPE_ORG, 1}, &closed, "Asia/Tomsk", NULL, &r[0], &r[1]),
                  MB_OK);
    }
    free(r);
    env.indicators = indicators;
    env.timezone = "Asia/Tomsk";
    press(curator, "ix");
    press(curator, "ix:000");
    press(coordinator_user, "ix:004");
}

/* The bot's paths, one person or job at a time. */
static void drive(void)
{
    char code[INVITE_CODE_LEN + 8], cmd[96];
    /* A curator of organisation 1 registers, then goes through every menu. */
    long long curator = 900000001;
    invite_for("curator", code);
    snprintf(cmd, sizeof cmd, "/start %s", code);
    say(curator, cmd);
    explore(curator, 20, "forget");
    say(curator, "/menu");
    explore(curator, 90, "forget");
    /* A pupil and a mentor register and fill in their surveys. */
    long long pupil = 900000002, mentor = 900000003, young = 900000004;
    invite_for("mentee", code);
    snprintf(cmd, sizeof cmd, "/start %s", code);
    say(pupil, cmd);
    explore(pupil, 30, "forget");
    say(young, cmd);
    explore(young, 12, "forget");
    invite_for("mentor", code);
    snprintf(cmd, sizeof cmd, "/start %s", code);
    say(mentor, cmd);
    explore(mentor, 30, "forget");
    /* The curator matches them. */
    say(curator, "/menu");
    explore(curator, 30, "forget");
    /* A parent opens a guardian link of a generated minor. */
    sqlite3_stmt *st;
    char guardian_code[40] = "";
    sqlite3_prepare_v2(db_handle(d), "SELECT code FROM invites WHERE kind = 'guardian' AND revoked_at IS NULL"
                       " ORDER BY id DESC LIMIT 1", -1, &st, NULL);
    if (sqlite3_step(st) == SQLITE_ROW) snprintf(guardian_code, sizeof guardian_code, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    snprintf(cmd, sizeof cmd, "/start %s", guardian_code);
    say(900000005, cmd);
    explore(900000005, 12, NULL);
    /* /link, /privacy, /language of the pupil. */
    say(pupil, "/link");
    say(pupil, "/privacy");
    explore(pupil, 8, "forget");
    say(pupil, "/language");
    explore(pupil, 3, "forget");
    /* A generated mentee in an active pair reads /privacy and forgets. */
    int64_t paired = scalar("SELECT m.mentee_id FROM mentorship_members m JOIN identities i ON i.account_id ="
                            " m.mentee_id AND i.platform = 'tg' WHERE m.left_at IS NULL LIMIT 1");
    CHECK(paired > 0);
    say(TG_USER_BASE + paired, "/privacy");
    say(TG_USER_BASE + paired, "/forget");
    explore(TG_USER_BASE + paired, 4, NULL);
    char q[160];
    snprintf(q, sizeof q, "SELECT status = 'forgotten' FROM accounts WHERE id = %lld", (long long)paired);
    CHECK_INT(scalar(q), 1);
    /* A generated mentor and a generated curator look at their menus. */
    int64_t gen_mentor = scalar("SELECT mentor_id FROM mentorships WHERE state = 'active' LIMIT 1");
    say(TG_USER_BASE + gen_mentor, "/menu");
    explore(TG_USER_BASE + gen_mentor, 10, "forget");
    /* The region's coordinator reads the region's figures. */
    int64_t coordinator = scalar("SELECT s.account_id FROM scopes s JOIN territories t ON t.id = s.territory_id"
                                 " WHERE t.kind = 'region' LIMIT 1");
    CHECK(coordinator > 0);
    say(TG_USER_BASE + coordinator, "/menu");
    explore(TG_USER_BASE + coordinator, 25, "forget");
    drive_meetings();
    drive_stalls(curator);
    drive_indicators(curator, TG_USER_BASE + coordinator);
    /* The region's digest made on its own ("digest now", `admin digest
     * preview`) reads its schools at once; a school's reads itself. */
    int64_t region = scalar("SELECT id FROM territories WHERE kind = 'region' LIMIT 1");
    int64_t school = scalar("SELECT id FROM orgs ORDER BY id LIMIT 1");
    digest g;
    CHECK_INT(digest_build(d, &env, 1, region, clock_now_ms(), "Asia/Tomsk", "ru", &g), MB_OK);
    CHECK(g.norgs > 0);
    digest_free(&g);
    CHECK_INT(digest_build(d, &env, 0, school, clock_now_ms(), "Asia/Tomsk", "ru", &g), MB_OK);
    digest_free(&g);
    /* The scheduler runs every job due over the next days. */
    struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
    scheduler *s = scheduler_new(loop, d, &env, NULL, NULL);
    CHECK_INT(retention_schedule(d, clock_now_ms()), MB_OK);
    scheduler_start(s);
    for (int day = 0; day < 3; day++) {
        clock_advance_ms(86400000LL);
        scheduler_run_due(s);
    }
    scheduler_free(s);
    ev_loop_destroy(loop);
    /* The sender claims due rows and records every kind of outcome. */
    outbox_row rows[8];
    int n = outbox_due(d, clock_now_ms(), rows, 8);
    CHECK(n > 0);
    for (int i = 0; i < n; i++) {
        int64_t id = rows[i].id;
        outbox_mark_sending(d, id);
        switch (i % 6) {
        case 0: outbox_mark_sent(d, id, 42); break;
        case 1: outbox_mark_retry(d, id, clock_now_ms() + 1000, 429, 429, "Too Many Requests"); break;
        case 2: outbox_mark_failed(d, id, 403, 403, "Forbidden"); break;
        case 3: outbox_mark_checking(d, id, clock_now_ms(), "timeout");
                outbox_mark_probe(d, id, 10, 1, clock_now_ms());
                outbox_mark_undelivered(d, id); break;
        case 4: outbox_mark_unknown(d, id, "timeout"); outbox_requeue(d, id); break;
        default: outbox_fail_chat(d, rows[i].platform, rows[i].chat_id, "blocked"); break;
        }
        outbox_row_clear(&rows[i]);
    }
    (void)outbox_recover(d);
    (void)outbox_next_time(d);
    (void)outbox_file_in_use(d, "/nonexistent");
}

static const char *const large_tables[] = {
    "accounts", "identities", "identity_history", "outbox", "inbox", "jobs", "survey_runs", "survey_answers",
    "mentorships", "mentorship_members", "match_rejections", "audit", "invites", "invite_uses", "dialog",
    "profiles", "link_requests", "consent_requests", "guardian_phones", "chat_marks", "scopes", "code_failures",
    "meetings", "meeting_participants", "meeting_mentorships", "meeting_series", "org_holidays", "mentorship_stalls",
    "role_history", "indicator_snapshot_rows", NULL};

/* 1 when the plan line scans through a partial index: only the rows its
 * WHERE admits (the queued messages, the pending jobs), not the table. */
static int through_partial_index(const char *detail)
{
    const char *at = strstr(detail, " INDEX ");
    if (!at) return 0;
    char name[128];
    if (sscanf(at + 7, "%127s", name) != 1) return 0;
    sqlite3_stmt *st = NULL;
    int partial = 0;
    if (sqlite3_prepare_v2(db_handle(d), "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            partial = strstr((const char *)sqlite3_column_text(st, 0), " WHERE ") != NULL;
    }
    sqlite3_finalize(st);
    return partial;
}

/* 1 when sql names table under alias ("FROM mentorships m", "JOIN
 * mentorships AS m"): plans name a table by its alias. */
static int aliased(const char *sql, const char *table, const char *alias, size_t alias_len)
{
    size_t tlen = strlen(table);
    for (const char *p = strstr(sql, table); p; p = strstr(p + 1, table)) {
        if (p > sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) continue;
        const char *q = p + tlen;
        if (*q != ' ') continue;
        q++;
        if (strncmp(q, "AS ", 3) == 0) q += 3;
        if (strncmp(q, alias, alias_len) == 0 && !isalnum((unsigned char)q[alias_len]) && q[alias_len] != '_') return 1;
    }
    return 0;
}

/* The large table a plan line reads in full, or NULL: a SCAN (not
 * through a partial index), or an automatic index, which SQLite builds
 * by reading the whole table each time the statement runs. */
static const char *scanned_table(const char *sql, const char *detail)
{
    const char *name;
    if (strncmp(detail, "SCAN ", 5) == 0 && !through_partial_index(detail)) name = detail + 5;
    else if (strncmp(detail, "SEARCH ", 7) == 0 && strstr(detail, " USING AUTOMATIC ")) name = detail + 7;
    else return NULL;
    size_t len = strcspn(name, " ");
    for (int i = 0; large_tables[i]; i++)
        if ((strlen(large_tables[i]) == len && strncmp(name, large_tables[i], len) == 0) ||
            aliased(sql, large_tables[i], name, len))
            return large_tables[i];
    return NULL;
}

static int allowed_scan(const char *sql, const char *table)
{
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        if (strstr(sql, allowed[i].sql) && strcmp(table, allowed[i].table) == 0) return 1;
    return 0;
}

/* Checks each statement of sql (db_exec may run several); returns how many
 * full scans of a large table it found. */
static int check_plan(const char *sql)
{
    int bad = 0;
    const char *tail = sql;
    while (tail && *tail) {
        char eqp[8192];
        snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN %s", tail);
        sqlite3_stmt *st;
        const char *rest = NULL;
        if (sqlite3_prepare_v2(db_handle(d), eqp, -1, &st, &rest) != SQLITE_OK) {
            /* transaction control and pragmas have no plan to explain */
            break;
        }
        if (!st) break;
        char plan[4096] = "";
        size_t used = 0;
        const char *scan = NULL;
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *detail = (const char *)sqlite3_column_text(st, 3);
            if (!detail) continue;
            used += (size_t)snprintf(plan + used, used < sizeof plan ? sizeof plan - used : 0, "    %s\n", detail);
            if (used >= sizeof plan) used = sizeof plan - 1;
            const char *t = scanned_table(tail, detail);
            if (t && !allowed_scan(tail, t)) scan = t;
        }
        sqlite3_finalize(st);
        if (scan) {
            fprintf(stderr, "  full scan of %s in:\n    %s\n  plan:\n%s", scan, tail, plan);
            bad++;
        }
        /* the rest of a multi-statement text, after the part just explained */
        tail = rest && rest > eqp ? tail + (rest - eqp - (int)strlen("EXPLAIN QUERY PLAN ")) : NULL;
        while (tail && (*tail == ' ' || *tail == ';' || *tail == '\n')) tail++;
    }
    return bad;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST(no_full_scan_on_a_regions_paths)
{
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/region.db", unit_tmpdir());
    clock_set_ms(1788000000000LL);   /* 2026-08-29 */
    double t0 = mono_s();
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    if (!d) return;
    region_size n;
    const char *scale_env = getenv("MENTORBOT_PLAN_SCALE");
    double scale = scale_env ? atof(scale_env) : SCALE;
    region_size_at(scale > 0 ? scale : SCALE, &n);
    region_report rep;
    if (region_generate(d, &n, "locales", 7, &rep, err, sizeof err)) {
        fprintf(stderr, "  %s\n", err);
        CHECK(0);
        return;
    }
    db_close(d);
    double generated = mono_s() - t0;
    /* A new connection, so every statement is prepared (and seen) anew. */
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    CHECK_INT(scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"), 0);
    db_set_prepare_hook(d, on_prepare, NULL);
    texts = unit_load_catalogs();
    char ind_dir[512], ind_err[512] = "";
    CHECK(ind_find_data(NULL, ind_dir, sizeof ind_dir));
    indicators = ind_catalog_load(ind_dir, ind_err, sizeof ind_err);
    CHECK(indicators != NULL);
    if (!indicators) return;
    env = (bot_env){.texts = texts, .default_language = "ru", .consent_age = 14,
                    .files_dir = unit_tmpdir()};
    unit_register_messengers("mentorbot_test_bot", 0, NULL);
    drive();
    db_set_prepare_hook(d, NULL, NULL);
    double driven = mono_s() - t0 - generated;
    /* The paths did run: many statements, and the curator's menus. */
    CHECK(nseen > 100);
    int counted = 0;
    for (int i = 0; i < nseen; i++) counted += strstr(seen[i], "WITH RECURSIVE tt(id)") != NULL;
    CHECK(counted >= 8);   /* the indicator counts ran */
    int bad = 0;
    for (int i = 0; i < nseen; i++) bad += check_plan(seen[i]);
    for (size_t i = 0; i < sizeof trigger_statements / sizeof trigger_statements[0]; i++)
        bad += check_plan(trigger_statements[i]);
    CHECK_INT(bad, 0);
    fprintf(stderr, "  scale %g: %ld outbox rows, %ld accounts; generated in %.1f s, %d statements driven in %.1f s\n",
            scale, rep.outbox, rep.accounts, generated, nseen, driven);
    for (int i = 0; i < nseen; i++) free(seen[i]);
    db_close(d);
    i18n_free(texts);
    ind_catalog_free(indicators);
}

int main(void)
{
    log_set_level(LOG_ERROR);
    RUN(no_full_scan_on_a_regions_paths);
    return unit_summary();
}
