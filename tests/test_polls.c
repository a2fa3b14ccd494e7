/*
 * Poll waves (storage/polls.h, handlers/polls.h) on a database filled by
 * hand: the calendar schedules each wave of the school year once however
 * often it runs, opening a wave asks its audience (pupils by age band,
 * nobody the bot cannot reach) once each, a finished poll keeps the mean
 * of its satisfaction items, results stay hidden below the smallest
 * group, and reminders come out of the night, at most two, none to those
 * who answered or in a closed wave.
 */
#include "bot/config.h"
#include "handlers/polls.h"
#include "handlers/survey.h"
#include "storage/accounts.h"
#include "storage/jobs.h"
#include "storage/mentorships.h"
#include "storage/profiles.h"
#include "storage/records.h"
#include "storage/territories.h"
#include "tests/unit.h"
#include "tests/unit_db.h"
#include "tests/unit_messengers.h"
#include "util/clock.h"
#include "util/log.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000LL
#define SEP_25 1790326800000LL     /* 2026-09-25 09:00 UTC */
#define OCT_1_10_MSK 1790838000000LL   /* 2026-10-01 10:00 in Moscow (07:00 UTC) */

static int64_t next_user = 9000;
static i18n *texts;
static bot_env env;

static db *fresh(void)
{
    char err[256];
    db *d = unit_db_open(NULL, 0);
    if (!d) return NULL;
    clock_set_ms(SEP_25);
    if (surveys_load_dir(d, "locales", err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        db_close(d);
        return NULL;
    }
    return d;
}

static int64_t person(db *d, int64_t org_id, const char *role, const char *category, int grade)
{
    int64_t id = 0;
    ++next_user;
    if (account_create(d, "tg", next_user, next_user, "ru", &id)) return 0;
    account a;
    if (account_load(d, id, &a)) return 0;
    snprintf(a.status, sizeof a.status, "active");
    snprintf(a.role, sizeof a.role, "%s", role);
    snprintf(a.category, sizeof a.category, "%s", category);
    snprintf(a.name, sizeof a.name, "Участник %lld", (long long)next_user);
    a.grade = grade;
    a.org_id = org_id;
    profile p;
    memset(&p, 0, sizeof p);
    p.account_id = id;
    p.capacity = MENTORSHIP_GROUP_MAX;
    return account_save(d, &a) || profile_save(d, &p) ? 0 : id;
}

static long long count(db *d, const char *sql, long long arg) { return unit_sql_int(db_handle(d), sql, arg); }

/* The age band of the self-determination instrument a person was given: 1, 2, 3. */
#define SELFDET_KEY_OF \
    "SELECT CASE i.key WHEN 'poll_selfdet_5_7' THEN 1 WHEN 'poll_selfdet_8_9' THEN 2 WHEN 'poll_selfdet_10_11'" \
    " THEN 3 END FROM poll_recipients r JOIN poll_waves w ON w.id = r.wave_id JOIN instruments i" \
    " ON i.id = r.instrument_id WHERE w.kind = 'selfdet_initial' AND r.account_id = ?1"

TEST(the_calendar_schedules_each_wave_once_and_opening_asks_each_audience_once)
{
    db *d = fresh();
    if (!d) SKIP("no database");
    int64_t org_id, program_id, ms, last = 0;
    CHECK_INT(org_add(d, "Школа", "Europe/Moscow", &org_id), MB_OK);
    CHECK_INT(program_create(d, org_id, 2026, 1u, &program_id), MB_OK);
    int64_t mentor = person(d, org_id, "mentor", "teacher", 0), teacher = person(d, org_id, "curator", "teacher", 0);
    int64_t mentees[2] = {person(d, org_id, "mentee", "pupil", 6), person(d, org_id, "mentee", "pupil", 9)};
    int64_t senior = person(d, org_id, "mentee", "pupil", 10), small = person(d, org_id, "mentee", "pupil", 3);
    int64_t blocked = person(d, org_id, "mentee", "pupil", 7);
    CHECK(mentor && teacher && senior && small && blocked);
    CHECK_INT(identity_set_unreachable(d, "tg", next_user, "blocked the bot"), MB_OK);
    CHECK_INT(mentorship_create(d, org_id, program_id, "teacher_pupil", mentor, mentees, 2, 0, &ms), MB_OK);

    /* Before 1 October: the year's waves are scheduled, once however often the pass runs. */
    CHECK_INT(poll_calendar_pass(d, &env, 0, SEP_25, &last), MB_OK);
    CHECK_INT(poll_calendar_pass(d, &env, 0, SEP_25 + DAY_MS, &last), MB_OK);
    CHECK_INT(last, 0);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM poll_waves WHERE org_id = ?1 AND state = 'scheduled'", org_id), 9);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM poll_waves WHERE kind = 'teachers' OR ?1 = 0", 1), 0);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM poll_recipients WHERE ?1 = ?1", 0), 0);
    CHECK_INT(count(d, "SELECT opens_at FROM poll_waves WHERE kind = 'start' AND audience = 'mentee' AND ?1", 1),
              OCT_1_10_MSK);

    /* On the day at 10:00 local: start (both audiences) and the initial
     * self-determination open; again the next day opens nothing twice. */
    clock_set_ms(OCT_1_10_MSK);
    CHECK_INT(poll_calendar_pass(d, &env, 0, OCT_1_10_MSK, &last), MB_OK);
    clock_set_ms(OCT_1_10_MSK + DAY_MS);
    CHECK_INT(poll_calendar_pass(d, &env, 0, OCT_1_10_MSK + DAY_MS, &last), MB_OK);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM poll_waves WHERE state = 'open' AND org_id = ?1", org_id), 3);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM poll_recipients r JOIN poll_waves w ON w.id = r.wave_id"
                       " WHERE w.kind = 'start' AND w.audience = 'mentee' AND r.role = 'mentee' AND ?1", 1), 2);
    CHECK_INT(count(d, "SELECT account_id FROM poll_recipients r JOIN poll_waves w ON w.id = r.wave_id"
                       " WHERE w.kind = 'start' AND w.audience = 'mentor' AND ?1", 1), mentor);
    /* Pupils of grades 5-11 whom the bot reaches, each with their band's instrument. */
    CHECK_INT(count(d, "SELECT COUNT(*) FROM poll_recipients r JOIN poll_waves w ON w.id = r.wave_id"
                       " WHERE w.kind = 'selfdet_initial' AND ?1", 1), 3);
    CHECK_INT(count(d, SELFDET_KEY_OF, mentees[0]), 1);
    CHECK_INT(count(d, SELFDET_KEY_OF, mentees[1]), 2);
    CHECK_INT(count(d, SELFDET_KEY_OF, senior), 3);
    /* One invitation each, armed once. */
    CHECK_INT(count(d, "SELECT COUNT(*) FROM jobs WHERE kind = 'poll_nudge' AND ?1", 1), 6);

    /* The teachers' questionnaire asks the teachers; opening it again changes nothing. */
    int64_t wave;
    int asked = 0;
    CHECK_INT(poll_wave_add(d, org_id, program_id, "teachers", "teacher", OCT_1_10_MSK, teacher, &wave), MB_OK);
    CHECK_INT(poll_wave_launch(d, &env, wave, &asked), MB_OK);
    CHECK_INT(asked, 2);
    CHECK_INT(poll_wave_launch(d, &env, wave, &asked), MB_OK);
    CHECK_INT(asked, 0);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM poll_recipients WHERE wave_id = ?1", wave), 2);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM jobs WHERE kind = 'poll_nudge' AND ?1", 1), 8);
    db_close(d);
}

static const instrument *parsed(db *d, const char *key, instrument **keep)
{
    int64_t id;
    char *body = NULL, err[256];
    *keep = NULL;
    if (survey_instrument_latest(d, key, &id, NULL) || survey_instrument_body(d, id, &body, NULL, 0, NULL)) return NULL;
    instrument_parse(body, strlen(body), key, keep, err, sizeof err);
    free(body);
    return *keep;
}

TEST(satisfaction_is_the_mean_of_the_items_marked_for_it)
{
    db *d = fresh();
    if (!d) SKIP("no database");
    instrument *ins;
    CHECK(parsed(d, "poll_mentee_interim", &ins) != NULL);
    cJSON *answers = cJSON_Parse("{\"like_meet\": \"8\", \"useful\": \"6\", \"understood\": \"10\", \"progress\": \"1\","
                                 " \"change\": \"чаще\"}");
    double mean = 0;
    CHECK(poll_satisfaction(ins, answers, &mean));
    CHECK(mean > 7.99 && mean < 8.01);   /* progress is not a satisfaction item */
    cJSON_Delete(answers);
    answers = cJSON_Parse("{\"progress\": \"9\"}");
    CHECK(!poll_satisfaction(ins, answers, &mean));
    cJSON_Delete(answers);
    instrument_free(ins);
    /* The start wave asks expectations: nothing of it counts as satisfaction. */
    CHECK(parsed(d, "poll_mentee_start", &ins) != NULL);
    answers = cJSON_Parse("{\"expect_help\": \"9\", \"want_meet\": \"9\"}");
    CHECK(!poll_satisfaction(ins, answers, &mean));
    cJSON_Delete(answers);
    instrument_free(ins);
    db_close(d);
}

/* One recipient answers the interim poll: like_meet = value, then done. */
static void answer_interim(db *d, int64_t wave, int64_t who, int64_t instrument_id, const char *value)
{
    int64_t run;
    CHECK_INT(survey_run_start_wave(d, who, instrument_id, wave, &run), MB_OK);
    CHECK_INT(poll_recipient_started(d, wave, who, run), MB_OK);
    CHECK_INT(survey_answer_store(d, run, "like_meet", value), MB_OK);
    CHECK_INT(survey_answer_store(d, run, "change", "Чаще встречаться"), MB_OK);
    CHECK_INT(survey_run_finish(d, run), MB_OK);
    CHECK_INT(poll_recipient_done(d, wave, who, atof(value), clock_now_ms()), MB_OK);
}

TEST(results_stay_hidden_until_the_smallest_group_answered)
{
    db *d = fresh();
    if (!d) SKIP("no database");
    int64_t org_id, ms, wave, instrument_id, mentees[6];
    CHECK_INT(org_add(d, "Школа", "Europe/Moscow", &org_id), MB_OK);
    int64_t mentor = person(d, org_id, "mentor", "teacher", 0);
    for (int i = 0; i < 6; i++) mentees[i] = person(d, org_id, "mentee", "pupil", 8);
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, mentees, 6, 0, &ms), MB_OK);
    CHECK_INT(poll_wave_add(d, org_id, 0, "interim", "mentee", SEP_25, 0, &wave), MB_OK);
    int asked;
    CHECK_INT(poll_wave_launch(d, &env, wave, &asked), MB_OK);
    CHECK_INT(asked, 6);
    CHECK_INT(survey_instrument_latest(d, "poll_mentee_interim", &instrument_id, NULL), MB_OK);
    static const char *const values[] = {"9", "7", "8", "6", "5"};
    for (int i = 0; i < 4; i++) answer_interim(d, wave, mentees[i], instrument_id, values[i]);
    char *text = poll_results_text(d, &env, "ru", wave);
    CHECK_CONTAINS(text, "Ответили 4. Результаты показываются, когда ответят не меньше 5");
    CHECK(text && !strstr(text, "в среднем") && !strstr(text, "Чаще встречаться") && !strstr(text, "довольны"));
    free(text);
    answer_interim(d, wave, mentees[4], instrument_id, values[4]);
    text = poll_results_text(d, &env, "ru", wave);
    CHECK_CONTAINS(text, "Ответили: 5");
    /* Satisfaction as stored (9, 7, 8, 6, 5): three of five at 7 or more. */
    CHECK_CONTAINS(text, "Удовлетворённость: в среднем 7,0 из 10; довольны (7 и выше) — 60%");
    CHECK_CONTAINS(text, "Насколько вам нравятся встречи с наставником?\n  в среднем 7,0 из 10, ответов: 5");
    CHECK_CONTAINS(text, "— Чаще встречаться");
    /* An item fewer answered than that stays hidden on its own. */
    CHECK_CONTAINS(text, "Насколько встречи вам полезны?\n  слишком мало ответов, чтобы показать (0)");
    free(text);
    int a, n;
    CHECK_INT(poll_wave_counts(d, wave, &a, &n), MB_OK);
    CHECK_INT(a, 6);
    CHECK_INT(n, 5);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM poll_recipients WHERE wave_id = ?1 AND satisfaction = 7", wave), 1);
    db_close(d);
}

/* Runs the poll jobs due at now, as the scheduler would. */
static void run_due(db *d, int64_t now)
{
    clock_set_ms(now);
    job j;
    while (job_take_due(d, now, &j) == MB_OK) {
        CHECK_INT(poll_run_job(d, &env, j.kind, j.payload), MB_OK);
        CHECK_INT(job_done(d, j.id), MB_OK);
        job_clear(&j);
    }
}

#define NIGHT_LAUNCH (OCT_1_10_MSK + 12 * 3600000LL + 30 * 60000LL)   /* 22:30 in Moscow */
#define MORNING (OCT_1_10_MSK + DAY_MS - 2 * 3600000LL)                /* 08:00 the next day */

TEST(reminders_wait_for_the_morning_and_stop_after_two_or_when_answered)
{
    db *d = fresh();
    if (!d) SKIP("no database");
    int64_t org_id, ms, wave, mentees[2];
    CHECK_INT(org_add(d, "Школа", "Europe/Moscow", &org_id), MB_OK);
    int64_t mentor = person(d, org_id, "mentor", "teacher", 0);
    mentees[0] = person(d, org_id, "mentee", "pupil", 8);
    int64_t silent_chat = next_user;
    mentees[1] = person(d, org_id, "mentee", "pupil", 8);
    int64_t done_chat = next_user;
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, mentees, 2, 0, &ms), MB_OK);
    clock_set_ms(NIGHT_LAUNCH);
    CHECK_INT(poll_wave_add(d, org_id, 0, "interim", "mentee", NIGHT_LAUNCH, 0, &wave), MB_OK);
    int asked;
    CHECK_INT(poll_wave_launch(d, &env, wave, &asked), MB_OK);
    CHECK_INT(asked, 2);
    /* Launched at night: nothing goes before 08:00. */
    CHECK_INT(count(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1", silent_chat), 0);
    CHECK_INT(count(d, "SELECT MIN(due_at) FROM jobs WHERE kind = 'poll_nudge' AND state = 'pending' AND ?1", 1),
              MORNING);
    run_due(d, MORNING);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1 AND body LIKE '%Короткий опрос%'", silent_chat),
              1);
    /* One of them answers; the other's reminders come three and seven
     * days after the invitation, out of the night, and no third. */
    CHECK_INT(poll_recipient_done(d, wave, mentees[1], 8, MORNING), MB_OK);
    /* A wave the curator closed reminds nobody. */
    int64_t closed;
    CHECK_INT(poll_wave_add(d, org_id, 0, "final", "mentee", MORNING, 0, &closed), MB_OK);
    CHECK_INT(poll_wave_launch(d, &env, closed, &asked), MB_OK);
    CHECK_INT(poll_wave_close(d, closed, MORNING), MB_OK);
    for (int day = 1; day <= 14; day++) run_due(d, MORNING + day * DAY_MS + 3600000LL);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1 AND body LIKE '%Напоминаем про опрос%'",
                    silent_chat), 2);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1 AND body LIKE '%Мой год с наставником%'",
                    silent_chat), 1);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1 AND body NOT LIKE '%Мой год%'", done_chat), 1);
    CHECK_INT(count(d, "SELECT reminders FROM poll_recipients WHERE account_id = ?1", mentees[0]), 2);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1 AND (created_at - ?1 * 0) % 86400000"
                       " NOT BETWEEN 5 * 3600000 AND 18 * 3600000", silent_chat), 0);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM jobs WHERE kind = 'poll_nudge' AND state = 'pending' AND ?1", 1), 0);
    db_close(d);
}

/* The menu's poll button opens the latest open wave the person has not
 * answered: a newer wave first, the older one once the newer is
 * answered, none once that one is closed. */
TEST(the_menu_offers_the_latest_open_poll_still_to_answer)
{
    db *d = fresh();
    if (!d) SKIP("no database");
    int64_t org_id, ms, interim, final;
    CHECK_INT(org_add(d, "Школа", "Europe/Moscow", &org_id), MB_OK);
    int64_t mentor = person(d, org_id, "mentor", "teacher", 0);
    int64_t mentee = person(d, org_id, "mentee", "pupil", 8);
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &mentee, 1, 0, &ms), MB_OK);
    poll_recipient r;
    CHECK_INT(poll_recipient_pending(d, mentee, &r), MB_ERR_NOT_FOUND);
    clock_set_ms(MORNING);
    int asked;
    CHECK_INT(poll_wave_add(d, org_id, 0, "interim", "mentee", MORNING, 0, &interim), MB_OK);
    CHECK_INT(poll_wave_launch(d, &env, interim, &asked), MB_OK);
    CHECK_INT(poll_recipient_pending(d, mentee, &r), MB_OK);
    CHECK_INT(r.wave_id, interim);
    CHECK_STR(r.state, "invited");
    CHECK_INT(poll_wave_add(d, org_id, 0, "final", "mentee", MORNING, 0, &final), MB_OK);
    CHECK_INT(poll_wave_launch(d, &env, final, &asked), MB_OK);
    CHECK_INT(poll_recipient_pending(d, mentee, &r), MB_OK);
    CHECK_INT(r.wave_id, final);
    CHECK_INT(poll_recipient_done(d, final, mentee, 9, MORNING), MB_OK);
    CHECK_INT(poll_recipient_pending(d, mentee, &r), MB_OK);
    CHECK_INT(r.wave_id, interim);
    CHECK_INT(poll_wave_close(d, interim, MORNING), MB_OK);
    CHECK_INT(poll_recipient_pending(d, mentee, &r), MB_ERR_NOT_FOUND);
    CHECK_INT(poll_recipient_pending(d, mentor, &r), MB_ERR_NOT_FOUND);
    db_close(d);
}

TEST(the_polls_settings_refuse_what_they_cannot_mean)
{
    poll_rules r;
    poll_rules_default(&r);
    int mmdd = -1;
    CHECK_INT(poll_rules_parse_date("1.10", &mmdd), 0);
    CHECK_INT(mmdd, 1001);
    CHECK_INT(poll_rules_parse_date(" none ", &mmdd), 0);
    CHECK_INT(mmdd, 0);
    CHECK(poll_rules_parse_date("31.02", &mmdd) != 0);
    CHECK(poll_rules_parse_date("10/01", &mmdd) != 0);
    CHECK_INT(poll_rules_parse_reminders("2, 5", &r), 0);
    CHECK_INT(r.nreminders, 2);
    CHECK_INT(r.reminder_days[1], 5);
    CHECK(poll_rules_parse_reminders("7, 3", &r) != 0);
    CHECK(poll_rules_parse_reminders("3, 7, 10", &r) != 0);
    CHECK(poll_rules_parse_reminders("0", &r) != 0);
    /* In bot.conf the error names the file and the line. */
    char path[512], err[CONFIG_ERR_MAX];
    snprintf(path, sizeof path, "%s/polls.conf", unit_tmpdir());
    FILE *f = fopen(path, "w");
    if (!f) SKIP("cannot write a config file");
    fputs("[polls]\ninterim = 20.01\nstart = 1 октября\nmin_group = 0\n", f);
    fclose(f);
    config cfg;
    CHECK(config_load(path, &cfg, err, sizeof err) != MB_OK);
    CHECK_CONTAINS(err, "polls.conf:3: start must be a day of the school year as day.month, like 01.10, or none");
    CHECK_CONTAINS(err, "polls.conf:4:");
    CHECK_INT(cfg.polls.dates[poll_rules_kind_index("interim")], 120);
}

int main(void)
{
    log_set_level(LOG_ERROR);
    texts = unit_load_catalogs();
    env = (bot_env){.texts = texts, .default_language = "ru", .consent_age = 14};
    unit_register_messengers("mentorbot_test_bot", 0, NULL);
    RUN(the_calendar_schedules_each_wave_once_and_opening_asks_each_audience_once);
    RUN(satisfaction_is_the_mean_of_the_items_marked_for_it);
    RUN(results_stay_hidden_until_the_smallest_group_answered);
    RUN(reminders_wait_for_the_morning_and_stop_after_two_or_when_answered);
    RUN(the_menu_offers_the_latest_open_poll_still_to_answer);
    RUN(the_polls_settings_refuse_what_they_cannot_mean);
    i18n_free(texts);
    return unit_summary();
}
