/*
 * Stalled mentorships (storage/stalls.h, handlers/stall.h) on a database
 * filled by hand: each rule nudges the mentor with its reason, the curator
 * is flagged a week later, nothing goes twice, a held meeting ends the
 * episode, and nothing is sent in the night.
 */
#include "handlers/stall.h"
#include "storage/accounts.h"
#include "storage/meetings.h"
#include "storage/profiles.h"
#include "storage/records.h"
#include "tests/unit.h"
#include "tests/unit_messengers.h"
#include "util/clock.h"
#include "util/log.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL
#define T0 1789981200000LL   /* 2026-09-21 09:00 UTC, 12:00 in Moscow */

static int db_counter;
static int64_t next_user = 9000;
static i18n *texts;
static bot_env env;

typedef struct pair_ids {
    db *d;
    int64_t org, mentor, mentee, curator, ms;
    int64_t mentor_chat, mentee_chat, curator_chat;
} pair_ids;

static int64_t person(db *d, int64_t org_id, const char *role, const char *name, int64_t *chat)
{
    int64_t id = 0;
    *chat = ++next_user;
    if (account_create(d, "tg", next_user, next_user, "ru", &id)) return 0;
    account a;
    if (account_load(d, id, &a)) return 0;
    snprintf(a.status, sizeof a.status, "active");
    snprintf(a.role, sizeof a.role, "%s", role);
    snprintf(a.category, sizeof a.category, "%s", strcmp(role, "mentee") == 0 ? "pupil" : "teacher");
    snprintf(a.name, sizeof a.name, "%s", name);
    a.org_id = org_id;
    if (account_save(d, &a)) return 0;
    profile p;
    memset(&p, 0, sizeof p);
    p.account_id = id;
    p.capacity = 5;
    return profile_save(d, &p) ? 0 : id;
}

/* A fresh database with a school in Moscow, its curator and one pair made at T0. */
static int setup(pair_ids *p)
{
    char path[512], err[256];
    memset(p, 0, sizeof *p);
    snprintf(path, sizeof path, "%s/stall-%d.db", unit_tmpdir(), ++db_counter);
    if (db_open(path, DB_SYNC_NORMAL, &p->d, err, sizeof err)) return 0;
    clock_set_ms(T0);
    CHECK_INT(org_add(p->d, "Школа", "Europe/Moscow", &p->org), MB_OK);
    p->mentor = person(p->d, p->org, "mentor", "Ольга Петровна", &p->mentor_chat);
    p->mentee = person(p->d, p->org, "mentee", "Петя Иванов", &p->mentee_chat);
    p->curator = person(p->d, p->org, "curator", "Анна Кураторова", &p->curator_chat);
    CHECK_INT(mentorship_create(p->d, p->org, 0, "teacher_pupil", p->mentor, &p->mentee, 1, 0, &p->ms), MB_OK);
    return p->mentor && p->mentee && p->curator && p->ms;
}

/* Messages queued to a chat so far. */
static long long sent_to(pair_ids *p, int64_t chat)
{
    return unit_sql_int(db_handle(p->d), "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1", chat);
}

/* The text of the latest message to chat (static buffer). */
static const char *last_to(pair_ids *p, int64_t chat)
{
    static char text[4096];
    text[0] = 0;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db_handle(p->d), "SELECT json_extract(body, '$.text') FROM outbox WHERE chat_id = ?1"
                       " ORDER BY id DESC LIMIT 1", -1, &st, NULL);
    sqlite3_bind_int64(st, 1, chat);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(text, sizeof text, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return text;
}

static void check_at(pair_ids *p, int64_t at)
{
    clock_set_ms(at);
    CHECK_INT(stall_check(p->d, &env, p->ms, at, NULL), MB_OK);
}

/* A meeting of the pair at `at` (planned the hour before). */
static int64_t meeting_at(pair_ids *p, int64_t at)
{
    meeting_plan plan = {.kind = "work", .place = "каб. 12", .starts_at = at};
    int64_t id = 0;
    CHECK_INT(meeting_add(p->d, p->ms, &plan, at - HOUR_MS, &id, NULL), MB_OK);
    return id;
}

static void answer(pair_ids *p, int64_t meeting_id, int64_t who, const char *outcome, int useful, int64_t at)
{
    CHECK_INT(meeting_answer(p->d, meeting_id, who, outcome, useful, NULL, at), MB_OK);
}

TEST(no_meeting_since_the_start_nudges_then_flags_once_and_a_held_meeting_ends_it)
{
    pair_ids p;
    if (!setup(&p)) SKIP("no database");
    check_at(&p, T0 + 20 * DAY_MS);
    CHECK_INT(sent_to(&p, p.mentor_chat), 0);
    check_at(&p, T0 + 21 * DAY_MS);
    CHECK_INT(sent_to(&p, p.mentor_chat), 1);
    CHECK_CONTAINS(last_to(&p, p.mentor_chat), "Пара «Ольга Петровна — Петя Иванов»");
    CHECK_CONTAINS(last_to(&p, p.mentor_chat), "прошло 21 день, а встреч ещё не было");
    CHECK_CONTAINS(last_to(&p, p.mentor_chat), "Договоритесь");
    CHECK_INT(stall_count_org(p.d, p.org), 1);
    /* the days after: nothing again, and the curator not before a week */
    check_at(&p, T0 + 22 * DAY_MS);
    check_at(&p, T0 + 27 * DAY_MS);
    CHECK_INT(sent_to(&p, p.mentor_chat), 1);
    CHECK_INT(sent_to(&p, p.curator_chat), 0);
    check_at(&p, T0 + 28 * DAY_MS);
    CHECK_INT(sent_to(&p, p.curator_chat), 1);
    CHECK_CONTAINS(last_to(&p, p.curator_chat), "Пара «Ольга Петровна — Петя Иванов» зависла");
    CHECK_CONTAINS(last_to(&p, p.curator_chat), "прошло 28 дней");
    CHECK_INT(unit_sql_int(db_handle(p.d), "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1"
                           " AND body LIKE '%\"zo:%'", p.curator_chat), 1);
    check_at(&p, T0 + 29 * DAY_MS);
    CHECK_INT(sent_to(&p, p.curator_chat), 1);
    CHECK_INT(sent_to(&p, p.mentor_chat), 1);

    /* a meeting the mentee says took place ends the episode */
    int64_t held = meeting_at(&p, T0 + 30 * DAY_MS);
    int64_t mentor_before = sent_to(&p, p.mentor_chat);
    answer(&p, held, p.mentee, "happened", 4, T0 + 30 * DAY_MS + 2 * HOUR_MS);
    check_at(&p, T0 + 31 * DAY_MS);
    CHECK_INT(stall_count_org(p.d, p.org), 0);
    CHECK(unit_sql_int(db_handle(p.d), "SELECT ended_at FROM mentorship_stalls WHERE mentorship_id = ?1", p.ms) > 0);
    /* 21 days after it, a new episode: counted from that meeting */
    check_at(&p, T0 + 50 * DAY_MS);
    CHECK_INT(sent_to(&p, p.mentor_chat), mentor_before);
    check_at(&p, T0 + 51 * DAY_MS);
    CHECK_INT(sent_to(&p, p.mentor_chat), mentor_before + 1);
    CHECK_CONTAINS(last_to(&p, p.mentor_chat), "с последней встречи прошло 21 день");
    CHECK_INT(stall_count_org(p.d, p.org), 1);
    db_close(p.d);
}

TEST(two_missed_meetings_in_a_row_nudge_the_mentor)
{
    pair_ids p;
    if (!setup(&p)) SKIP("no database");
    int64_t first = meeting_at(&p, T0 + DAY_MS), second = meeting_at(&p, T0 + 3 * DAY_MS);
    /* the mentor says the first did not take place */
    answer(&p, first, p.mentor, "not_held", 0, T0 + DAY_MS + 2 * HOUR_MS);
    check_at(&p, T0 + 2 * DAY_MS);
    CHECK_INT(sent_to(&p, p.mentor_chat), 0);
    /* the second: only the mentee answers, not_held */
    answer(&p, second, p.mentee, "not_held", 0, T0 + 3 * DAY_MS + 2 * HOUR_MS);
    check_at(&p, T0 + 4 * DAY_MS);
    CHECK_INT(sent_to(&p, p.mentor_chat), 1);
    CHECK_CONTAINS(last_to(&p, p.mentor_chat), "две последние встречи не состоялись");
    check_at(&p, T0 + 5 * DAY_MS);
    CHECK_INT(sent_to(&p, p.mentor_chat), 1);
    db_close(p.d);
}

TEST(two_meetings_of_little_use_in_a_row_nudge_the_mentor)
{
    pair_ids p;
    if (!setup(&p)) SKIP("no database");
    int64_t first = meeting_at(&p, T0 + DAY_MS), second = meeting_at(&p, T0 + 3 * DAY_MS),
            third = meeting_at(&p, T0 + 5 * DAY_MS);
    answer(&p, first, p.mentor, "happened", 5, T0 + DAY_MS + 2 * HOUR_MS);
    answer(&p, first, p.mentee, "happened", 2, T0 + DAY_MS + 2 * HOUR_MS);
    answer(&p, second, p.mentor, "happened", 4, T0 + 3 * DAY_MS + 2 * HOUR_MS);
    answer(&p, second, p.mentee, "happened", 3, T0 + 3 * DAY_MS + 2 * HOUR_MS);
    /* one useless meeting, then a fair one: not stalled */
    check_at(&p, T0 + 4 * DAY_MS);
    CHECK_INT(sent_to(&p, p.mentor_chat), 0);
    answer(&p, third, p.mentee, "happened", 1, T0 + 5 * DAY_MS + 2 * HOUR_MS);
    check_at(&p, T0 + 6 * DAY_MS);
    CHECK_INT(sent_to(&p, p.mentor_chat), 0);
    /* the second rated 2 by the mentor too: two in a row */
    answer(&p, second, p.mentor, "happened", 2, T0 + 6 * DAY_MS);
    check_at(&p, T0 + 7 * DAY_MS);
    CHECK_INT(sent_to(&p, p.mentor_chat), 1);
    CHECK_CONTAINS(last_to(&p, p.mentor_chat), "две последние встречи оценили как не очень полезные");
    db_close(p.d);
}

TEST(a_side_that_stopped_answering_is_named_to_the_mentor)
{
    pair_ids p;
    if (!setup(&p)) SKIP("no database");
    int64_t first = meeting_at(&p, T0 + DAY_MS), second = meeting_at(&p, T0 + 3 * DAY_MS);
    answer(&p, first, p.mentor, "happened", 4, T0 + DAY_MS + 2 * HOUR_MS);
    answer(&p, second, p.mentor, "happened", 4, T0 + 3 * DAY_MS + 2 * HOUR_MS);
    /* the question about the second and its repeat are still under way */
    check_at(&p, T0 + 4 * DAY_MS);
    CHECK_INT(sent_to(&p, p.mentor_chat), 0);
    check_at(&p, T0 + 5 * DAY_MS + HOUR_MS);
    CHECK_INT(sent_to(&p, p.mentor_chat), 1);
    CHECK_CONTAINS(last_to(&p, p.mentor_chat), "Петя Иванов не отвечает на вопросы бота о двух последних встречах");
    check_at(&p, T0 + 6 * DAY_MS);
    CHECK_INT(sent_to(&p, p.mentor_chat), 1);
    /* the mentee answers at last: the episode ends without a held meeting of its own */
    answer(&p, second, p.mentee, "happened", 5, T0 + 6 * DAY_MS + HOUR_MS);
    check_at(&p, T0 + 7 * DAY_MS);
    CHECK_INT(stall_count_org(p.d, p.org), 0);
    db_close(p.d);
}

TEST(a_pupil_mentor_is_addressed_with_ty)
{
    pair_ids p;
    if (!setup(&p)) SKIP("no database");
    account a;
    CHECK_INT(account_load(p.d, p.mentor, &a), MB_OK);
    snprintf(a.category, sizeof a.category, "pupil");
    a.grade = 10;
    CHECK_INT(account_save(p.d, &a), MB_OK);
    check_at(&p, T0 + 22 * DAY_MS);
    CHECK_CONTAINS(last_to(&p, p.mentor_chat), "прошло 22 дня, а встреч ещё не было. Договорись");
    db_close(p.d);
}

TEST(nothing_is_sent_in_the_night_and_the_scan_comes_back_in_the_morning)
{
    pair_ids p;
    if (!setup(&p)) SKIP("no database");
    int64_t night = T0 + 21 * DAY_MS + 11 * HOUR_MS;   /* 23:00 in Moscow */
    int64_t resume = 0;
    clock_set_ms(night);
    CHECK_INT(stall_check(p.d, &env, p.ms, night, &resume), MB_OK);
    CHECK_INT(sent_to(&p, p.mentor_chat), 0);
    CHECK_INT(resume, T0 + 22 * DAY_MS - 4 * HOUR_MS);   /* 08:00 in Moscow */
    /* the job: the next pass when the quiet hours end */
    CHECK_INT(stall_run_job(p.d, &env, "{}"), MB_OK);
    CHECK_INT(unit_sql_int(db_handle(p.d), "SELECT due_at FROM jobs WHERE kind = 'stall_scan' AND state = 'pending'",
                           0), T0 + 22 * DAY_MS - 4 * HOUR_MS);
    check_at(&p, resume);
    CHECK_INT(sent_to(&p, p.mentor_chat), 1);
    db_close(p.d);
}

int main(void)
{
    log_set_level(LOG_ERROR);
    texts = unit_load_catalogs();
    env = (bot_env){.texts = texts, .default_language = "ru", .consent_age = 14};
    unit_register_messengers("mentorbot_test_bot", 0, NULL);
    RUN(no_meeting_since_the_start_nudges_then_flags_once_and_a_held_meeting_ends_it);
    RUN(two_missed_meetings_in_a_row_nudge_the_mentor);
    RUN(two_meetings_of_little_use_in_a_row_nudge_the_mentor);
    RUN(a_side_that_stopped_answering_is_named_to_the_mentor);
    RUN(a_pupil_mentor_is_addressed_with_ty);
    RUN(nothing_is_sent_in_the_night_and_the_scan_comes_back_in_the_morning);
    i18n_free(texts);
    return unit_summary();
}
