/*
 * Meetings of mentorships (storage/meetings.h): the plan and its
 * participants, the version a stale button is told by, each participant's
 * answer kept as given, refusals that write nothing, holidays and weekly
 * series on the organisation's calendar.
 */
#include "storage/accounts.h"
#include "storage/erase.h"
#include "storage/meetings.h"
#include "storage/mentorships.h"
#include "storage/profiles.h"
#include "storage/records.h"
#include "storage/retention.h"
#include "tests/unit.h"
#include "tests/unit_db.h"
#include "util/clock.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL
#define NOW 1790000000000LL   /* 2026-09-21 14:13 UTC */

static int64_t next_user = 7000;

static int64_t participant(db *d, int64_t org_id, const char *role)
{
    int64_t id = 0;
    next_user++;
    if (account_create(d, "tg", next_user, next_user, "ru", &id)) return 0;
    account a;
    if (account_load(d, id, &a)) return 0;
    snprintf(a.status, sizeof a.status, "active");
    snprintf(a.role, sizeof a.role, "%s", role);
    snprintf(a.category, sizeof a.category, "%s", strcmp(role, "mentor") == 0 ? "teacher" : "pupil");
    snprintf(a.name, sizeof a.name, "%s %lld", role, (long long)id);
    a.org_id = org_id;
    if (account_save(d, &a)) return 0;
    profile p;
    memset(&p, 0, sizeof p);
    p.account_id = id;
    p.capacity = 5;   /* a mentor's places */
    return profile_save(d, &p) ? 0 : id;
}

/* An organisation in zone with one pair; ids into the pointers. */
static void pair(db *d, const char *zone, int64_t *org_id, int64_t *mentor, int64_t *mentee, int64_t *mentorship_id)
{
    CHECK_INT(org_add(d, "Школа", zone, org_id), MB_OK);
    *mentor = participant(d, *org_id, "mentor");
    *mentee = participant(d, *org_id, "mentee");
    CHECK_INT(mentorship_create(d, *org_id, 0, "teacher_pupil", *mentor, mentee, 1, 0, mentorship_id), MB_OK);
}

static long long count(db *d, const char *sql) { return unit_sql_int(db_handle(d), sql, 0); }

static meeting_plan plan_at(int64_t starts_at)
{
    meeting_plan p = {.kind = "intro", .topic = "Знакомство", .place = "каб. 12", .starts_at = starts_at};
    return p;
}

TEST(a_meeting_has_the_pair_as_participants_and_is_listed)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("no database");
    int64_t org_id, mentor, mentee, ms, id = 0;
    pair(d, "Asia/Tomsk", &org_id, &mentor, &mentee, &ms);
    meeting_plan p = plan_at(NOW + DAY_MS);
    CHECK_INT(meeting_add(d, ms, &p, NOW, &id, NULL), MB_OK);
    meeting m;
    CHECK_INT(meeting_load(d, id, &m), MB_OK);
    CHECK_STR(m.kind, "intro");
    CHECK_STR(m.format, "in_person");
    CHECK_STR(m.place, "каб. 12");
    CHECK_STR(m.state, "planned");
    CHECK_INT(m.version, 1);
    CHECK_INT(m.minutes, MEETING_MINUTES_DEFAULT);
    CHECK_INT(m.mentorship_id, ms);
    meeting_participant who[4];
    CHECK_INT(meeting_participants(d, id, who, 4), 2);
    CHECK_INT(who[0].account_id, mentor);
    CHECK_STR(who[0].role, "mentor");
    CHECK_INT(who[1].account_id, mentee);
    CHECK_STR(who[1].response, "none");

    /* an online one with a link, later */
    meeting_plan online = {.kind = "work", .link = "https://meet.example/abc", .starts_at = NOW + 2 * DAY_MS};
    int64_t second = 0;
    CHECK_INT(meeting_add(d, ms, &online, NOW, &second, NULL), MB_OK);
    CHECK_INT(meeting_load(d, second, &m), MB_OK);
    CHECK_STR(m.format, "online");
    CHECK_STR(m.link, "https://meet.example/abc");

    meeting *list = NULL;
    int n = 0;
    CHECK_INT(meeting_list_org(d, org_id, NOW, NOW + 30 * DAY_MS, 0, 0, 10, &list, &n), MB_OK);
    CHECK_INT(n, 2);
    if (n == 2) CHECK(list[0].id == id && list[1].id == second);
    free(list);
    CHECK_INT(meeting_list_org(d, org_id, NOW + DAY_MS + 1, NOW + 30 * DAY_MS, 0, 0, 10, &list, &n), MB_OK);
    CHECK_INT(n, 1);
    free(list);
    CHECK_INT(meeting_list_person(d, mentee, NOW, NOW + 30 * DAY_MS, 0, 0, 10, &list, &n), MB_OK);
    CHECK_INT(n, 2);
    free(list);
    CHECK_INT(meeting_list_mentorship(d, ms, 0, 10, &list, &n), MB_OK);
    CHECK_INT(n, 2);
    free(list);
    db_close(d);
}

TEST(the_version_tells_a_stale_button)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("no database");
    int64_t org_id, mentor, mentee, ms, id = 0;
    pair(d, "Europe/Moscow", &org_id, &mentor, &mentee, &ms);
    meeting_plan p = plan_at(NOW + DAY_MS);
    CHECK_INT(meeting_add(d, ms, &p, NOW, &id, NULL), MB_OK);
    /* a response does not change the meeting: the other side's buttons stay good */
    CHECK_INT(meeting_respond(d, id, 1, mentor, "accepted", 0, NOW), MB_OK);
    CHECK_INT(meeting_respond(d, id, 1, mentee, "proposed", NOW + 2 * DAY_MS, NOW), MB_OK);
    meeting m;
    CHECK_INT(meeting_load(d, id, &m), MB_OK);
    CHECK_INT(m.version, 1);
    meeting_participant who[2];
    CHECK_INT(meeting_participants(d, id, who, 2), 2);
    CHECK_STR(who[0].response, "accepted");
    CHECK_STR(who[1].response, "proposed");
    CHECK_INT(who[1].proposed_at, NOW + 2 * DAY_MS);
    CHECK_INT(meeting_respond(d, id, 1, mentee, "maybe", 0, NOW), MB_ERR_INVALID);
    CHECK_INT(meeting_respond(d, id, 1, mentee, "proposed", NOW - 1, NOW), MB_ERR_INVALID);
    CHECK_INT(meeting_respond(d, id, 1, 999999, "accepted", 0, NOW), MB_ERR_NOT_FOUND);

    /* moving takes the proposed time: the version grows, the answers start again */
    CHECK_INT(meeting_move(d, id, 1, NOW + 2 * DAY_MS, mentee, NOW), MB_OK);
    CHECK_INT(meeting_load(d, id, &m), MB_OK);
    CHECK_INT(m.version, 2);
    CHECK_INT(m.starts_at, NOW + 2 * DAY_MS);
    CHECK_INT(meeting_participants(d, id, who, 2), 2);
    CHECK_STR(who[0].response, "none");
    CHECK_STR(who[1].response, "accepted");
    /* buttons of version 1 are stale now */
    CHECK_INT(meeting_respond(d, id, 1, mentor, "declined", 0, NOW), MB_ERR_EXPIRED);
    CHECK_INT(meeting_move(d, id, 1, NOW + 3 * DAY_MS, mentor, NOW), MB_ERR_EXPIRED);
    CHECK_INT(meeting_cancel(d, id, 1, NOW), MB_ERR_EXPIRED);
    CHECK_INT(meeting_move(d, id, 2, NOW - HOUR_MS, mentor, NOW), MB_ERR_INVALID);
    CHECK_INT(meeting_load(d, id, &m), MB_OK);
    CHECK_INT(m.starts_at, NOW + 2 * DAY_MS);
    CHECK_STR(m.state, "planned");

    CHECK_INT(meeting_cancel(d, id, 2, NOW), MB_OK);
    CHECK_INT(meeting_load(d, id, &m), MB_OK);
    CHECK_STR(m.state, "cancelled");
    CHECK_INT(m.version, 3);
    /* nothing more happens to a cancelled meeting, whatever the version */
    CHECK_INT(meeting_respond(d, id, 0, mentor, "accepted", 0, NOW), MB_ERR_EXPIRED);
    CHECK_INT(meeting_cancel(d, id, 0, NOW), MB_ERR_EXPIRED);
    CHECK_INT(meeting_mark(d, id, 0, "held", NOW), MB_ERR_EXPIRED);
    CHECK_INT(meeting_cancel(d, id + 100, 0, NOW), MB_ERR_NOT_FOUND);
    /* cancelled ones are left out of a list unless asked for */
    meeting *list = NULL;
    int n = -1;
    CHECK_INT(meeting_list_org(d, org_id, NOW, NOW + 30 * DAY_MS, 0, 0, 10, &list, &n), MB_OK);
    CHECK_INT(n, 0);
    free(list);
    CHECK_INT(meeting_list_org(d, org_id, NOW, NOW + 30 * DAY_MS, 1, 0, 10, &list, &n), MB_OK);
    CHECK_INT(n, 1);
    free(list);
    db_close(d);
}

TEST(each_participant_answer_is_kept_as_given)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("no database");
    int64_t org_id, mentor, mentee, ms, id = 0;
    pair(d, "Asia/Tomsk", &org_id, &mentor, &mentee, &ms);
    meeting_plan p = plan_at(NOW + HOUR_MS);
    CHECK_INT(meeting_add(d, ms, &p, NOW, &id, NULL), MB_OK);
    /* not before it starts */
    CHECK_INT(meeting_answer(d, id, mentor, "happened", 5, NULL, NOW), MB_ERR_EXPIRED);
    int64_t later = NOW + 3 * HOUR_MS;
    CHECK_INT(meeting_answer(d, id, mentor, "happened", 5, "Обсудили план проекта", later), MB_OK);
    CHECK_INT(meeting_answer(d, id, mentee, "not_held", 0, NULL, later), MB_OK);
    /* refusals change nothing */
    CHECK_INT(meeting_answer(d, id, mentee, "not_held", 3, NULL, later), MB_ERR_INVALID);
    CHECK_INT(meeting_answer(d, id, mentee, "happened", 6, NULL, later), MB_ERR_INVALID);
    CHECK_INT(meeting_answer(d, id, mentee, "perhaps", 0, NULL, later), MB_ERR_INVALID);
    CHECK_INT(meeting_answer(d, id, mentee, "happened", 2, "две\nстроки", later), MB_ERR_INVALID);
    CHECK_INT(meeting_answer(d, id, 424242, "happened", 4, NULL, later), MB_ERR_NOT_FOUND);
    meeting_participant who[2];
    CHECK_INT(meeting_participants(d, id, who, 2), 2);
    CHECK_STR(who[0].outcome, "happened");
    CHECK_INT(who[0].usefulness, 5);
    CHECK_STR(who[0].comment, "Обсудили план проекта");
    CHECK_INT(who[0].answered_at, later);
    CHECK_STR(who[1].outcome, "not_held");
    CHECK_INT(who[1].usefulness, 0);
    CHECK_STR(who[1].comment, "");
    /* the meeting's own state is a separate conclusion */
    meeting m;
    CHECK_INT(meeting_load(d, id, &m), MB_OK);
    CHECK_STR(m.state, "planned");
    CHECK_INT(meeting_mark(d, id, 1, "maybe", later), MB_ERR_INVALID);
    CHECK_INT(meeting_mark(d, id, 1, "held", later), MB_OK);
    CHECK_INT(meeting_load(d, id, &m), MB_OK);
    CHECK_STR(m.state, "held");
    CHECK_INT(m.version, 2);
    /* the mentee corrects their answer; the mentor's stays */
    CHECK_INT(meeting_answer(d, id, mentee, "happened", 3, NULL, later + HOUR_MS), MB_OK);
    CHECK_INT(meeting_participants(d, id, who, 2), 2);
    CHECK_INT(who[0].usefulness, 5);
    CHECK_INT(who[1].usefulness, 3);
    db_close(d);
}

TEST(bad_plans_are_refused_and_write_nothing)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("no database");
    int64_t org_id, mentor, mentee, ms, id = 0;
    pair(d, "Asia/Tomsk", &org_id, &mentor, &mentee, &ms);
    struct { meeting_plan p; meeting_problem why; } bad[] = {
        {{.kind = "intro", .starts_at = NOW - HOUR_MS}, MEETING_IN_PAST},
        {{.kind = "intro", .starts_at = NOW + 400 * DAY_MS}, MEETING_TOO_FAR},
        {{.kind = "party", .starts_at = NOW + DAY_MS}, MEETING_BAD_KIND},
        {{.kind = "work", .place = "каб. 1", .link = "https://x.example/", .starts_at = NOW + DAY_MS},
         MEETING_PLACE_AND_LINK},
        {{.kind = "work", .link = "ftp://x.example/", .starts_at = NOW + DAY_MS}, MEETING_BAD_LINK},
        {{.kind = "work", .minutes = 1000, .starts_at = NOW + DAY_MS}, MEETING_BAD_MINUTES},
        {{.kind = "work", .topic = "a\tb", .starts_at = NOW + DAY_MS}, MEETING_BAD_TOPIC},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        meeting_problem why = MEETING_PLAN_OK;
        CHECK_INT(meeting_add(d, ms, &bad[i].p, NOW, &id, &why), MB_ERR_INVALID);
        CHECK_INT(why, bad[i].why);
        CHECK(strlen(meeting_problem_str(why)) > 10);
    }
    meeting_plan good = plan_at(NOW + DAY_MS);
    CHECK_INT(meeting_add(d, ms + 50, &good, NOW, &id, NULL), MB_ERR_NOT_FOUND);
    /* an activity kind needs the activity call, a plain kind cannot be one */
    CHECK_INT(meeting_add_activity(d, &ms, 1, &good, NOW, &id, NULL), MB_ERR_INVALID);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM meetings"), 0);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM meeting_participants"), 0);
    /* an ended mentorship takes no new meetings */
    CHECK_INT(mentorship_end(d, ms), MB_OK);
    CHECK_INT(meeting_add(d, ms, &good, NOW, &id, NULL), MB_ERR_EXPIRED);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM meetings"), 0);
    /* the schema refuses a state no code knows */
    CHECK(sqlite3_exec(db_handle(d), "INSERT INTO meetings(org_id, kind, format, starts_at, minutes, state,"
                                     " created_at, updated_at) VALUES(1, 'work', 'online', 1, 60, 'postponed', 1, 1)",
                       NULL, NULL, NULL) != SQLITE_OK);
    db_close(d);
}

TEST(ending_a_mentorship_cancels_its_own_meetings_not_shared_activities)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("no database");
    int64_t org_id, mentor, mentee, ms, own = 0, activity = 0, past = 0;
    pair(d, "Asia/Tomsk", &org_id, &mentor, &mentee, &ms);
    int64_t other_mentee = participant(d, org_id, "mentee"), other = 0;
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &other_mentee, 1, 0, &other), MB_OK);
    meeting_plan p = plan_at(NOW + DAY_MS);
    CHECK_INT(meeting_add(d, ms, &p, NOW, &own, NULL), MB_OK);
    meeting_plan soon = plan_at(NOW + HOUR_MS);
    CHECK_INT(meeting_add(d, ms, &soon, NOW, &past, NULL), MB_OK);
    meeting_plan game = {.kind = "business_game", .topic = "Профессии", .place = "актовый зал",
                         .starts_at = NOW + 2 * DAY_MS};
    int64_t both[2] = {ms, other};
    CHECK_INT(meeting_add_activity(d, both, 2, &game, NOW, &activity, NULL), MB_OK);
    /* the mentor of both takes part once */
    CHECK_INT(meeting_participants(d, activity, NULL, 0), 3);
    int64_t ids[4];
    CHECK_INT(meeting_mentorships(d, activity, ids, 4), 2);
    meeting m;
    CHECK_INT(meeting_load(d, activity, &m), MB_OK);
    CHECK_INT(m.mentorship_id, 0);
    meeting *list = NULL;
    int n = 0;
    CHECK_INT(meeting_list_mentorship(d, other, 0, 10, &list, &n), MB_OK);
    CHECK_INT(n, 1);
    free(list);

    /* it ends between the two: the earlier stays as it was */
    clock_set_ms(NOW + 2 * HOUR_MS);
    CHECK_INT(mentorship_end(d, ms), MB_OK);
    clock_release();
    CHECK_INT(meeting_load(d, own, &m), MB_OK);
    CHECK_STR(m.state, "cancelled");
    CHECK_INT(m.version, 2);
    CHECK_INT(meeting_load(d, past, &m), MB_OK);
    CHECK_STR(m.state, "planned");
    CHECK_INT(meeting_load(d, activity, &m), MB_OK);
    CHECK_STR(m.state, "planned");
    db_close(d);
}

TEST(holidays_are_dates_of_an_organisation)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("no database");
    CHECK(meeting_date_valid("2026-11-04"));
    CHECK(!meeting_date_valid("2027-02-31"));
    CHECK(!meeting_date_valid("2026-13-01"));
    CHECK(!meeting_date_valid("2026-1-04"));
    CHECK(!meeting_date_valid("04.11.2026"));
    int64_t org_id, other_org;
    CHECK_INT(org_add(d, "Школа", "Asia/Tomsk", &org_id), MB_OK);
    CHECK_INT(org_add(d, "Лицей", "Asia/Tomsk", &other_org), MB_OK);
    CHECK_INT(meeting_holiday_add(d, org_id, "2026-11-04", "День народного единства", "admin:cli", NOW), MB_OK);
    CHECK_INT(meeting_holiday_add(d, org_id, "2026-12-31", NULL, "admin:cli", NOW), MB_OK);
    CHECK_INT(meeting_holiday_add(d, org_id, "2026-11-04", NULL, "admin:cli", NOW), MB_ERR_EXISTS);
    CHECK_INT(meeting_holiday_add(d, org_id, "2026-02-30", NULL, "admin:cli", NOW), MB_ERR_INVALID);
    meeting_holiday h[4];
    CHECK_INT(meeting_holiday_list(d, org_id, h, 4), 2);
    CHECK_STR(h[0].date, "2026-11-04");
    CHECK_STR(h[0].name, "День народного единства");
    CHECK_STR(h[1].name, "");
    CHECK_INT(meeting_holiday_list(d, other_org, h, 4), 0);
    char name[64] = "";
    CHECK_INT(meeting_holiday_is(d, org_id, "2026-11-04", name, sizeof name), 1);
    CHECK_INT(meeting_holiday_is(d, other_org, "2026-11-04", NULL, 0), 0);
    CHECK_INT(meeting_holiday_remove(d, org_id, "2026-11-04"), MB_OK);
    CHECK_INT(meeting_holiday_remove(d, org_id, "2026-11-04"), MB_ERR_NOT_FOUND);
    CHECK_INT(meeting_holiday_list(d, org_id, h, 4), 1);
    db_close(d);
}

TEST(a_weekly_series_keeps_local_time_and_skips_holidays)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("no database");
    int64_t org_id, mentor, mentee, ms;
    /* Berlin leaves summer time on 25.10.2026: 15:00 stays 15:00 there */
    pair(d, "Europe/Berlin", &org_id, &mentor, &mentee, &ms);
    CHECK_INT(meeting_holiday_add(d, org_id, "2026-10-27", "каникулы", "admin:cli", NOW), MB_OK);
    struct tm first = {.tm_year = 126, .tm_mon = 9, .tm_mday = 20, .tm_hour = 15};   /* Tuesday 20.10.2026 */
    struct tm until_tm = {.tm_year = 126, .tm_mon = 10, .tm_mday = 18};
    int64_t starts, until;
    CHECK_INT(tz_from_local("Europe/Berlin", &first, &starts), 0);
    CHECK_INT(tz_from_local("Europe/Berlin", &until_tm, &until), 0);
    meeting_plan p = {.kind = "work", .link = "https://meet.example/x", .starts_at = starts};
    int64_t series = 0, first_series = 0;
    int made = 0;
    CHECK_INT(meeting_series_add(d, ms, &p, until, NOW, &first_series, &made, NULL), MB_OK);
    series = first_series;
    /* 20.10, (27.10 a holiday), 03.11, 10.11, 17.11 */
    CHECK_INT(made, 4);
    meeting *list = NULL;
    int n = 0;
    CHECK_INT(meeting_list_mentorship(d, ms, 0, 10, &list, &n), MB_OK);
    CHECK_INT(n, 4);
    static const int days[] = {20, 3, 10, 17};
    for (int i = 0; i < n && i < 4; i++) {
        struct tm t;
        CHECK_INT(tz_local("Europe/Berlin", list[i].starts_at, &t), 0);
        CHECK_INT(t.tm_hour, 15);
        CHECK_INT(t.tm_min, 0);
        CHECK_INT(t.tm_wday, 2);
        CHECK_INT(t.tm_mday, days[i]);
        CHECK_INT(list[i].series_id, series);
    }
    free(list);
    /* with no end date given, the programme's end; no programme, no series */
    CHECK_INT(meeting_series_add(d, ms, &p, 0, NOW, &series, &made, NULL), MB_ERR_NOT_FOUND);
    /* an end before the first date leaves nothing */
    meeting_problem why = MEETING_PLAN_OK;
    CHECK_INT(meeting_series_add(d, ms, &p, starts, NOW, &series, &made, &why), MB_ERR_INVALID);
    CHECK_INT(why, MEETING_SERIES_EMPTY);
    /* stopping cancels what is still ahead */
    int cancelled = 0;
    CHECK_INT(meeting_series_stop(d, first_series, starts + 8 * DAY_MS, &cancelled), MB_OK);
    CHECK_INT(cancelled, 3);
    CHECK_INT(meeting_series_stop(d, first_series, starts + 8 * DAY_MS, &cancelled), MB_ERR_NOT_FOUND);
    db_close(d);
}

TEST(forgetting_a_person_erases_their_comments_and_their_place_in_plans)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("no database");
    int64_t org_id, mentor, mentee, ms, held = 0, own = 0, activity = 0;
    pair(d, "Asia/Tomsk", &org_id, &mentor, &mentee, &ms);
    int64_t other_mentee = participant(d, org_id, "mentee"), other = 0;
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &other_mentee, 1, 0, &other), MB_OK);
    meeting_plan first = plan_at(NOW + HOUR_MS), later = plan_at(NOW + 3 * DAY_MS);
    CHECK_INT(meeting_add(d, ms, &first, NOW, &held, NULL), MB_OK);
    CHECK_INT(meeting_add(d, ms, &later, NOW, &own, NULL), MB_OK);
    meeting_plan game = {.kind = "training", .place = "зал", .starts_at = NOW + 4 * DAY_MS};
    int64_t both[2] = {ms, other};
    CHECK_INT(meeting_add_activity(d, both, 2, &game, NOW, &activity, NULL), MB_OK);
    CHECK_INT(meeting_answer(d, held, mentee, "happened", 4, "Мне понравилось, Петя", NOW + 2 * HOUR_MS), MB_OK);
    CHECK_INT(meeting_answer(d, held, mentor, "happened", 5, "Хорошее начало", NOW + 2 * HOUR_MS), MB_OK);

    clock_set_ms(NOW + DAY_MS);
    CHECK_INT(account_forget(d, mentee), MB_OK);
    clock_release();
    meeting_participant who[4];
    CHECK_INT(meeting_participants(d, held, who, 4), 2);
    CHECK_STR(who[0].comment, "Хорошее начало");   /* the mentor's stays */
    CHECK_STR(who[1].comment, "");
    CHECK_INT(who[1].usefulness, 4);                /* a figure, not personal data */
    meeting m;
    CHECK_INT(meeting_load(d, own, &m), MB_OK);
    CHECK_STR(m.state, "cancelled");
    /* the shared activity goes on without them */
    CHECK_INT(meeting_load(d, activity, &m), MB_OK);
    CHECK_STR(m.state, "planned");
    CHECK_INT(meeting_participants(d, activity, who, 4), 2);
    for (int i = 0; i < 2; i++) CHECK(who[i].account_id != mentee);
    db_close(d);
}

TEST(retention_clears_old_comments_then_removes_old_meetings)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("no database");
    int64_t org_id, mentor, mentee, ms, id = 0;
    pair(d, "Asia/Tomsk", &org_id, &mentor, &mentee, &ms);
    meeting_plan p = plan_at(NOW + HOUR_MS);
    CHECK_INT(meeting_add(d, ms, &p, NOW, &id, NULL), MB_OK);
    CHECK_INT(meeting_answer(d, id, mentee, "happened", 5, "Полезно", NOW + 2 * HOUR_MS), MB_OK);
    retention_counts c;
    /* within the comment age: nothing changes */
    int64_t at = NOW + (RETENTION_COMMENT_DAYS - 1) * DAY_MS;
    CHECK_INT(retention_sweep(d, at, 30, AUDIT_RETENTION_DAYS_DEFAULT, 100, &c, NULL), MB_OK);
    CHECK_INT(c.comments, 0);
    at = NOW + (RETENTION_COMMENT_DAYS + 1) * DAY_MS;
    CHECK_INT(retention_sweep(d, at, 30, AUDIT_RETENTION_DAYS_DEFAULT, 100, &c, NULL), MB_OK);
    CHECK_INT(c.comments, 1);
    CHECK_INT(c.meetings, 0);
    meeting_participant who[2];
    CHECK_INT(meeting_participants(d, id, who, 2), 2);
    CHECK_STR(who[1].comment, "");
    CHECK_INT(who[1].usefulness, 5);
    /* past the audit age the meeting goes, with its participants */
    at = NOW + (AUDIT_RETENTION_DAYS_DEFAULT + 1) * DAY_MS;
    CHECK_INT(retention_sweep(d, at, 30, AUDIT_RETENTION_DAYS_DEFAULT, 100, &c, NULL), MB_OK);
    CHECK_INT(c.meetings, 1);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM meeting_participants"), 0);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM meeting_mentorships"), 0);
    db_close(d);
}

int main(void)
{
    RUN(a_meeting_has_the_pair_as_participants_and_is_listed);
    RUN(the_version_tells_a_stale_button);
    RUN(each_participant_answer_is_kept_as_given);
    RUN(bad_plans_are_refused_and_write_nothing);
    RUN(ending_a_mentorship_cancels_its_own_meetings_not_shared_activities);
    RUN(holidays_are_dates_of_an_organisation);
    RUN(a_weekly_series_keeps_local_time_and_skips_holidays);
    RUN(forgetting_a_person_erases_their_comments_and_their_place_in_plans);
    RUN(retention_clears_old_comments_then_removes_old_meetings);
    return unit_summary();
}
