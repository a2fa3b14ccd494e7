/*
 * The jobs of a meeting (handlers/meetings.c) run by hand with a frozen
 * clock: a reminder goes to everyone who did not decline; one run late
 * when a nearer reminder is due, or after the start, sends nothing; a
 * moved meeting's old jobs send nothing; and a participant who chose a
 * zone where it is night gets the reminder in their morning, from a job
 * of their own, when the meeting is still ahead then.
 */
#include "handlers/meetings.h"
#include "storage/accounts.h"
#include "storage/jobs.h"
#include "storage/mentorships.h"
#include "storage/profiles.h"
#include "storage/records.h"
#include "tests/unit.h"
#include "tests/unit_messengers.h"
#include "util/clock.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

#define HOUR_MS 3600000LL
#define MINUTE_MS 60000LL
/* 2026-10-05 13:30 in Tomsk (UTC+7), 08:30 in Kaliningrad (UTC+2). */
#define START 1791181800000LL

static i18n *texts;
static bot_env env;

typedef struct fixture {
    db *d;
    int64_t org, mentor, mentee, ms, meeting;
} fixture;

static int64_t person(db *d, int64_t org_id, const char *role, int64_t user)
{
    int64_t id = 0;
    if (account_create(d, "tg", user, user, "ru", &id)) return 0;
    account a;
    if (account_load(d, id, &a)) return 0;
    snprintf(a.status, sizeof a.status, "active");
    snprintf(a.role, sizeof a.role, "%s", role);
    snprintf(a.category, sizeof a.category, "%s", strcmp(role, "mentee") == 0 ? "pupil" : "teacher");
    snprintf(a.name, sizeof a.name, "%s", strcmp(role, "mentee") == 0 ? "Петя" : "Ольга");
    a.org_id = org_id;
    profile p;
    memset(&p, 0, sizeof p);
    p.account_id = id;
    p.capacity = 3;
    return account_save(d, &a) || profile_save(d, &p) ? 0 : id;
}

static int setup(fixture *f, const char *name)
{
    char path[512], err[256];
    memset(f, 0, sizeof *f);
    snprintf(path, sizeof path, "%s/%s.db", unit_tmpdir(), name);
    if (db_open(path, DB_SYNC_NORMAL, &f->d, err, sizeof err)) return 0;
    clock_set_ms(START - 3 * 24 * HOUR_MS);
    CHECK_INT(org_add(f->d, "Школа", "Asia/Tomsk", &f->org), MB_OK);
    f->mentor = person(f->d, f->org, "mentor", 501);
    f->mentee = person(f->d, f->org, "mentee", 502);
    CHECK_INT(mentorship_create(f->d, f->org, 0, "teacher_pupil", f->mentor, &f->mentee, 1, 0, &f->ms), MB_OK);
    meeting_plan plan = {.kind = "work", .place = "каб. 12", .starts_at = START};
    CHECK_INT(meeting_add(f->d, f->ms, &plan, clock_now_ms(), &f->meeting, NULL), MB_OK);
    meeting m;
    CHECK_INT(meeting_load(f->d, f->meeting, &m), MB_OK);
    CHECK_INT(meeting_arm(f->d, &env, &m), MB_OK);
    return f->mentor && f->mentee && f->ms && f->meeting;
}

static long long to(fixture *f, int64_t chat)
{
    return unit_sql_int(db_handle(f->d), "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1", chat);
}

/* Runs every job due at `at`; how many ran. */
static int run_due(fixture *f, int64_t at)
{
    clock_set_ms(at);
    int n = 0;
    job j;
    while (job_take_due(f->d, at, &j) == MB_OK) {
        CHECK_INT(meeting_run_job(f->d, &env, j.kind, j.payload), MB_OK);
        CHECK_INT(job_done(f->d, j.id), MB_OK);
        job_clear(&j);
        n++;
    }
    return n;
}

TEST(reminders_go_once_to_who_comes_and_not_late)
{
    fixture f;
    if (!setup(&f, "reminders")) SKIP("setup failed");
    /* A day ahead: both. */
    CHECK_INT(run_due(&f, START - 24 * HOUR_MS), 1);
    CHECK_INT(to(&f, 501), 1);
    CHECK_INT(to(&f, 502), 1);
    /* The pupil cannot come: the hour-ahead one goes to the mentor only. */
    CHECK_INT(meeting_respond(f.d, f.meeting, 1, f.mentee, "declined", 0, clock_now_ms()), MB_OK);
    CHECK_INT(run_due(&f, START - HOUR_MS), 1);
    CHECK_INT(to(&f, 501), 2);
    CHECK_INT(to(&f, 502), 1);
    db_close(f.d);
}

/* A pupil whose parent withdrew consent waits for it again: the pair's
 * meeting reminders go to the mentor, not to the child. */
TEST(a_mentee_waiting_for_consent_is_not_reminded)
{
    fixture f;
    if (!setup(&f, "paused")) SKIP("setup failed");
    account a;
    CHECK_INT(account_load(f.d, f.mentee, &a), MB_OK);
    snprintf(a.status, sizeof a.status, "pending_consent");
    CHECK_INT(account_save(f.d, &a), MB_OK);
    CHECK_INT(run_due(&f, START - 24 * HOUR_MS), 1);
    CHECK_INT(to(&f, 501), 1);
    CHECK_INT(to(&f, 502), 0);
    db_close(f.d);
}

TEST(a_reminder_run_late_or_of_a_moved_meeting_sends_nothing)
{
    fixture f;
    if (!setup(&f, "late")) SKIP("setup failed");
    /* The bot was down for a day: the day-ahead reminder is left for the
     * hour-ahead one, which goes. */
    CHECK_INT(run_due(&f, START - 30 * MINUTE_MS), 2);
    CHECK_INT(to(&f, 501), 1);
    /* Moved: the jobs of version 1 that remain send nothing. */
    CHECK_INT(meeting_move(f.d, f.meeting, 1, START + 24 * HOUR_MS, f.mentor, clock_now_ms()), MB_OK);
    CHECK_INT(run_due(&f, START + 2 * HOUR_MS + MINUTE_MS), 1);   /* the old question after the meeting */
    CHECK_INT(to(&f, 501), 1);
    CHECK_INT(to(&f, 502), 1);
    db_close(f.d);
}

TEST(a_participant_in_a_zone_at_night_is_reminded_in_their_morning)
{
    fixture f;
    if (!setup(&f, "night")) SKIP("setup failed");
    /* The pupil lives in Kaliningrad: at 12:30 in Tomsk it is 07:30 there. */
    CHECK_INT(account_zone_set(f.d, f.mentee, "Europe/Kaliningrad"), MB_OK);
    CHECK_INT(run_due(&f, START - 24 * HOUR_MS), 1);   /* 08:30 there: awake */
    CHECK_INT(to(&f, 502), 1);
    CHECK_INT(run_due(&f, START - HOUR_MS), 1);
    CHECK_INT(to(&f, 501), 2);
    CHECK_INT(to(&f, 502), 1);
    /* Theirs waits for 08:00 in Kaliningrad, half an hour before the start. */
    CHECK_INT(unit_sql_int(db_handle(f.d), "SELECT COUNT(*) FROM jobs WHERE state = 'pending' AND due_at = ?1"
                           " AND json_extract(payload, '$.account') IS NOT NULL", START - 30 * MINUTE_MS), 1);
    CHECK_INT(run_due(&f, START - 30 * MINUTE_MS), 1);
    CHECK_INT(to(&f, 501), 2);
    CHECK_INT(to(&f, 502), 2);
    db_close(f.d);
}

/* A place, a link or a topic set after planning: a bad one is refused and
 * changes nothing; a good one makes a new version, whose reminders replace
 * the old ones. */
TEST(a_place_or_link_set_later_is_checked_and_rearms_the_reminders)
{
    fixture f;
    if (!setup(&f, "detail")) SKIP("setup failed");
    meeting_problem why = MEETING_PLAN_OK;
    CHECK_INT(meeting_set_detail(f.d, f.meeting, 1, MEETING_DETAIL_LINK, "zoom.example/123", clock_now_ms(), &why),
              MB_ERR_INVALID);
    CHECK_INT(why, MEETING_BAD_LINK);
    CHECK_INT(meeting_set_detail(f.d, f.meeting, 1, MEETING_DETAIL_PLACE, "каб. 12\nи ещё", clock_now_ms(), &why),
              MB_ERR_INVALID);
    meeting m;
    CHECK_INT(meeting_load(f.d, f.meeting, &m), MB_OK);
    CHECK_INT(m.version, 1);
    CHECK_INT(meeting_set_detail(f.d, f.meeting, 1, MEETING_DETAIL_LINK, "https://meet.example/abc", clock_now_ms(),
                                 &why), MB_OK);
    CHECK_INT(meeting_load(f.d, f.meeting, &m), MB_OK);
    CHECK_INT(m.version, 2);
    CHECK_STR(m.format, "online");
    CHECK_STR(m.link, "https://meet.example/abc");
    CHECK_INT(meeting_set_detail(f.d, f.meeting, 1, MEETING_DETAIL_TOPIC, "Олимпиада", clock_now_ms(), &why),
              MB_ERR_EXPIRED);
    CHECK_INT(meeting_arm(f.d, &env, &m), MB_OK);
    /* The day-ahead time: one reminder, of version 2, with the link. */
    CHECK_INT(run_due(&f, START - 24 * HOUR_MS), 2);
    CHECK_INT(to(&f, 501), 1);
    CHECK(strstr(unit_sql_text(db_handle(f.d), "SELECT body FROM outbox ORDER BY id DESC LIMIT 1"),
                 "meet.example/abc") != NULL);
    db_close(f.d);
}

int main(void)
{
    log_set_level(LOG_ERROR);
    texts = unit_load_catalogs();
    env = (bot_env){.texts = texts, .default_language = "ru", .consent_age = 14};
    unit_register_messengers("mentorbot_test_bot", 0, NULL);
    RUN(reminders_go_once_to_who_comes_and_not_late);
    RUN(a_mentee_waiting_for_consent_is_not_reminded);
    RUN(a_reminder_run_late_or_of_a_moved_meeting_sends_nothing);
    RUN(a_participant_in_a_zone_at_night_is_reminded_in_their_morning);
    RUN(a_place_or_link_set_later_is_checked_and_rearms_the_reminders);
    i18n_free(texts);
    clock_release();
    return unit_summary();
}
