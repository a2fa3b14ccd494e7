/*
 * The survey engine: whole runs through the dispatcher on a real database
 * (paging, toggles, /back, forged presses, versions, resume, the profile a
 * finished run writes, the progress line, dates said back). The
 * instruments as data are tested in test_instrument.c.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"
#include "tests/unit_messengers.h"

#include "handlers/dispatch.h"
#include "handlers/survey.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/profiles.h"
#include "storage/surveys.h"
#include "util/clock.h"
#include "util/i18n.h"
#include "util/instrument.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static i18n *texts;
static bot_env env;

/* ---- instrument bodies for the loading test ---- */

#define HEAD "{\"key\":\"t\",\"title\":{\"ru\":\"Т\",\"en\":\"T\"},\"items\":["
#define YESNO "\"choices\":[{\"value\":\"yes\",\"text\":{\"ru\":\"да\"}},{\"value\":\"no\",\"text\":{\"ru\":\"нет\"}}]"

TEST(pages_fit_the_platform)
{
    /* a page of choices, both arrows and "Done" fit on one message everywhere */
    const char *platforms[] = {"tg", "vk", "max"};
    for (size_t i = 0; i < sizeof platforms / sizeof platforms[0]; i++) {
        event ev = {.platform = platforms[i]};
        hctx h;
        memset(&h, 0, sizeof h);
        h.ev = &ev;
        int size = survey_page_size(&h);
        CHECK(size >= 2 && size <= SURVEY_PAGE_SIZE);
        CHECK(size + 3 <= (int)platform_caps_for(platforms[i])->buttons_limit);
    }
}

/* ---- runs through the dispatcher ---- */

#define PUPIL 5001
#define OTHER 5002
#define TEACHER 5003

static int64_t update_seq;

static int64_t make_participant(db *d, int64_t user, const char *role, const char *category, int grade)
{
    int64_t org_id = 0, id = 0;
    if (org_add(d, "Школа 1", "Asia/Tomsk", &org_id) || account_create(d, "tg", user, user, "ru", &id)) return 0;
    account a;
    if (account_load(d, id, &a)) return 0;
    snprintf(a.role, sizeof a.role, "%s", role);
    snprintf(a.category, sizeof a.category, "%s", category);
    snprintf(a.status, sizeof a.status, "active");
    snprintf(a.name, sizeof a.name, "Тест %lld", (long long)user);
    a.grade = grade;
    a.org_id = org_id;
    return account_save(d, &a) ? 0 : id;
}

static void deliver(db *d, event *ev)
{
    char reason[256] = "";
    ev->platform = "tg";
    ev->chat_id = ev->user_id;
    ev->is_private = 1;
    ev->language_code = "ru";
    CHECK_INT(db_begin(d), MB_OK);
    mb_status rc = dispatch_event(d, &env, ev, reason, sizeof reason);
    if (rc) fprintf(stderr, "  dispatch failed: %s\n", reason);
    CHECK_INT(rc, MB_OK);
    if (rc) db_rollback(d);
    else CHECK_INT(db_commit(d), MB_OK);
}

static void say(db *d, int64_t user, const char *text)
{
    event ev = {0};
    ev.kind = EVENT_MESSAGE;
    ev.user_id = user;
    ev.text = text;
    ev.message_id = ++update_seq;
    deliver(d, &ev);
}

static void press_data(db *d, int64_t user, const char *data)
{
    event ev = {0};
    char id[32];
    snprintf(id, sizeof id, "cb%lld", (long long)++update_seq);
    ev.kind = EVENT_BUTTON;
    ev.user_id = user;
    ev.button_data = data;
    ev.button_id = id;
    snprintf(ev.button_message, sizeof ev.button_message, "77");
    deliver(d, &ev);
}

/* The last message queued to a user (text or edit), parsed; caller deletes. */
static cJSON *last_message(db *d, int64_t user)
{
    sqlite3_stmt *st;
    cJSON *out = NULL;
    if (sqlite3_prepare_v2(db_handle(d), "SELECT body FROM outbox WHERE chat_id = ?1 AND kind IN ('text', 'edit')"
                                         " ORDER BY id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(st, 1, user);
    if (sqlite3_step(st) == SQLITE_ROW) out = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static const char *last_text(db *d, int64_t user)
{
    static char text[4096];
    cJSON *m = last_message(d, user);
    snprintf(text, sizeof text, "%s", m ? cJSON_GetStringValue(cJSON_GetObjectItem(m, "text")) : "");
    cJSON_Delete(m);
    return text;
}

/* The data of the button whose label contains label on the last message; "" when none. */
static const char *button(db *d, int64_t user, const char *label)
{
    static char data[128];
    data[0] = 0;
    cJSON *m = last_message(d, user), *row, *b;
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(m, "buttons")) cJSON_ArrayForEach(b, row) {
        const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(b, "text"));
        if (!data[0] && t && strstr(t, label)) snprintf(data, sizeof data, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(b, "data")));
    }
    cJSON_Delete(m);
    return data;
}

static int press(db *d, int64_t user, const char *label)
{
    char data[128];
    snprintf(data, sizeof data, "%s", button(d, user, label));
    if (!data[0]) {
        fprintf(stderr, "  no button \"%s\" on: %s\n", label, last_text(d, user));
        return 0;
    }
    press_data(d, user, data);
    return 1;
}

static const char *answer(db *d, int64_t account_id, const char *item)
{
    static char v[512];
    sqlite3_stmt *st;
    v[0] = 0;
    if (sqlite3_prepare_v2(db_handle(d), "SELECT a.value FROM survey_answers a JOIN survey_runs r ON r.id = a.run_id"
                                         " WHERE r.account_id = ?1 AND a.item = ?2 ORDER BY r.id DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return v;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_text(st, 2, item, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) snprintf(v, sizeof v, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

static long long stale_answers(db *d, int64_t user)
{
    return unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1 AND kind = 'answer'"
                        " AND body LIKE '%больше не действует%'", user);
}

static db *db_with_instruments(void)
{
    db *d = unit_db_open(NULL, 0);
    char err[512] = "";
    if (d && surveys_load_dir(d, "locales", err, sizeof err)) {
        fprintf(stderr, "  %s\n", err);
        CHECK(0);
    }
    return d;
}

/* The instrument files shipped in locales/surveys. */
static int shipped_instruments(void)
{
    DIR *dir = opendir("locales/surveys");
    struct dirent *e;
    int n = 0;
    while (dir && (e = readdir(dir))) {
        size_t len = strlen(e->d_name);
        n += len > 5 && strcmp(e->d_name + len - 5, ".json") == 0;
    }
    if (dir) closedir(dir);
    return n;
}

TEST(loading_instruments_versions_only_changed_bodies)
{
    db *d = db_with_instruments();
    if (!d) return;
    int shipped = shipped_instruments();
    CHECK(shipped >= 3);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM instruments", 0), shipped);
    char err[512] = "";
    CHECK_INT(surveys_load_dir(d, "locales", err, sizeof err), MB_OK);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM instruments", 0), shipped);

    /* an edited file becomes version 2; a broken one stops the load and stores nothing */
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/edit", unit_tmpdir());
    snprintf(path, sizeof path, "%s/surveys", dir);
    mkdir(dir, 0700);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/surveys/a.json", dir);
    FILE *f = fopen(path, "w");
    if (f) { fputs(HEAD "{\"id\":\"a\",\"type\":\"single\",\"text\":{\"ru\":\"?\"}," YESNO "}]}", f); fclose(f); }
    CHECK_INT(surveys_load_dir(d, dir, err, sizeof err), MB_OK);
    if ((f = fopen(path, "w"))) { fputs(HEAD "{\"id\":\"a\",\"type\":\"single\",\"text\":{\"ru\":\"??\"}," YESNO "}]}", f); fclose(f); }
    CHECK_INT(surveys_load_dir(d, dir, err, sizeof err), MB_OK);
    CHECK_INT(unit_db_int(d, "SELECT MAX(version) FROM instruments WHERE key = 't'", 0), 2);
    snprintf(path, sizeof path, "%s/surveys/b.json", dir);
    if ((f = fopen(path, "w"))) { fputs(HEAD "{\"id\":\"zz\",\"type\":\"number\",\"text\":{\"ru\":\"?\"}}]}", f); fclose(f); }
    snprintf(path, sizeof path, "%s/surveys/a.json", dir);
    if ((f = fopen(path, "w"))) { fputs(HEAD "{\"id\":\"a\",\"type\":\"single\",\"text\":{\"ru\":\"!\"}," YESNO "}]}", f); fclose(f); }
    CHECK_INT(surveys_load_dir(d, dir, err, sizeof err), MB_ERR_INVALID);
    CHECK_CONTAINS(err, "surveys/b.json: item \"zz\": \"min\" is missing");
    CHECK_INT(unit_db_int(d, "SELECT MAX(version) FROM instruments WHERE key = 't'", 0), 2);
    snprintf(path, sizeof path, "%s/surveys/b.json", dir);
    if ((f = fopen(path, "w"))) { fputs(HEAD "{\"id\":\"a\",\"type\":\"date\",\"text\":{\"ru\":\"?\"}}]}", f); fclose(f); }
    CHECK_INT(surveys_load_dir(d, dir, err, sizeof err), MB_ERR_EXISTS);
    CHECK_CONTAINS(err, "key \"t\" is already used by a.json");
    CHECK_INT(surveys_load_dir(d, "/nonexistent", err, sizeof err), MB_ERR_NOT_FOUND);
    db_close(d);
}

TEST(pupil_request_run_with_paging_toggles_back_and_profile)
{
    db *d = db_with_instruments();
    if (!d) return;
    int64_t me = make_participant(d, PUPIL, "mentee", "pupil", 7);
    CHECK(me > 0);
    press_data(d, PUPIL, "sv:start");
    /* who and grade come from registration: the first question is help, on page 1 of 2 */
    const char *t = last_text(d, PUPIL);
    CHECK_CONTAINS(t, "Вопрос 1 из");
    CHECK_CONTAINS(t, "С чем тебе хотелось бы помощи?");
    CHECK_STR(answer(d, me, "grade"), "7");
    CHECK_STR(answer(d, me, "who"), "pupil");
    CHECK_STR(button(d, PUPIL, "особая поддержка"), ""); /* the 9th choice is on page 2 */
    CHECK(press(d, PUPIL, "Трудно даётся предмет"));
    CHECK_CONTAINS(button(d, PUPIL, "✓ Трудно даётся"), ":t:learning");
    CHECK(press(d, PUPIL, "Подготовка к экзаменам"));
    CHECK(press(d, PUPIL, "Ещё варианты"));
    CHECK_CONTAINS(button(d, PUPIL, "особая поддержка"), ":t:special_needs");
    CHECK(press(d, PUPIL, "Назад к вариантам"));
    CHECK(press(d, PUPIL, "✓ Подготовка")); /* untick */
    CHECK_STR(answer(d, me, "help"), "[\"learning\"]");
    CHECK(press(d, PUPIL, "Готово"));
    CHECK_CONTAINS(last_text(d, PUPIL), "Какой предмет даётся трудно?");

    /* a text answer too long is re-asked; then /back returns to help */
    char longtext[300];
    memset(longtext, 'a', 150);
    longtext[150] = 0;
    say(d, PUPIL, longtext);
    CHECK_CONTAINS(last_text(d, PUPIL), "Слишком длинно: нужно уложиться в 100 знаков.");
    CHECK_CONTAINS(last_text(d, PUPIL), "Какой предмет даётся трудно?");
    say(d, PUPIL, "алгебра, физика");
    CHECK_CONTAINS(last_text(d, PUPIL), "Кто тебе ближе как наставник?");
    say(d, PUPIL, "/back");
    CHECK_CONTAINS(last_text(d, PUPIL), "Какой предмет даётся трудно?");
    CHECK_CONTAINS(last_text(d, PUPIL), "Сейчас записано: алгебра, физика");
    say(d, PUPIL, "/back");
    CHECK_CONTAINS(last_text(d, PUPIL), "С чем тебе хотелось бы помощи?");
    say(d, PUPIL, "/back");
    CHECK_CONTAINS(last_text(d, PUPIL), "Это первый вопрос");
    /* unticking learning makes the subject question go away */
    CHECK(press(d, PUPIL, "Выбрать профессию"));
    CHECK(press(d, PUPIL, "✓ Трудно даётся"));
    CHECK(press(d, PUPIL, "Готово"));
    CHECK_CONTAINS(last_text(d, PUPIL), "Кто тебе ближе как наставник?");
    CHECK(press(d, PUPIL, "Не важно"));
    CHECK(press(d, PUPIL, "Один на один"));
    CHECK(press(d, PUPIL, "Готово")); /* nothing ticked */
    CHECK_CONTAINS(last_text(d, PUPIL), "Нужно отметить хотя бы 1 вариант.");
    CHECK(press(d, PUPIL, "Спорт"));
    CHECK(press(d, PUPIL, "Ещё варианты"));
    CHECK(press(d, PUPIL, "Путешествия"));
    CHECK(press(d, PUPIL, "Готово"));
    CHECK_CONTAINS(last_text(d, PUPIL), "Сколько раз в месяц");
    say(d, PUPIL, "двенадцать");
    CHECK_CONTAINS(last_text(d, PUPIL), "Такое число не подходит: нужно от 1 до 8.");
    say(d, PUPIL, "пару раз");
    CHECK_CONTAINS(last_text(d, PUPIL), "Нужно одно число от 1 до 8.");
    say(d, PUPIL, "12");
    CHECK_CONTAINS(last_text(d, PUPIL), "Такое число не подходит: нужно от 1 до 8.");
    CHECK(press(d, PUPIL, "4"));
    CHECK(press(d, PUPIL, "Выходные"));
    CHECK(press(d, PUPIL, "Готово"));
    CHECK(press(d, PUPIL, "Онлайн"));
    CHECK_CONTAINS(last_text(d, PUPIL), "1 — почти не жду, 10 — очень жду");
    say(d, PUPIL, "9");
    say(d, PUPIL, "Томск");
    CHECK(press(d, PUPIL, "Да, интересно"));
    CHECK_CONTAINS(last_text(d, PUPIL), "Спасибо! Анкета заполнена");
    CHECK_CONTAINS(last_text(d, PUPIL), "куратор подберёт тебе наставника");

    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM survey_runs WHERE account_id = ?1 AND state = 'done'", me), 1);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM survey_answers WHERE item = 'subject'", 0), 0);
    CHECK_STR(answer(d, me, "help"), "[\"profession\"]");
    CHECK_STR(answer(d, me, "interests"), "[\"sport\",\"travel\"]");
    CHECK_STR(answer(d, me, "hope"), "9");
    profile p;
    CHECK_INT(profile_load(d, me, &p), MB_OK);
    CHECK_INT(p.topics, 1u << PROFILE_TOPIC_profession);
    CHECK_INT(p.slots, 1u << PROFILE_SLOT_weekend);
    CHECK_INT(p.forms, 0); /* any form */
    CHECK_STR(p.meeting_mode, "online");
    CHECK_STR(p.municipality, "Томск");
    CHECK_INT(p.career, 1);
    CHECK_STR(p.subjects, "");
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM audit WHERE action = 'survey.finish'", 0), 1);
    db_close(d);
}

TEST(forged_and_stale_presses_change_nothing)
{
    db *d = db_with_instruments();
    if (!d) return;
    int64_t me = make_participant(d, PUPIL, "mentee", "pupil", 6);
    int64_t other = make_participant(d, OTHER, "mentee", "pupil", 8);
    CHECK(me > 0 && other > 0);
    press_data(d, PUPIL, "sv:start");
    press_data(d, OTHER, "sv:start");
    long long run = unit_db_int(d, "SELECT id FROM survey_runs WHERE account_id = ?1", me);
    long long other_run = unit_db_int(d, "SELECT id FROM survey_runs WHERE account_id = ?1", other);
    CHECK(press(d, PUPIL, "Выбрать профессию"));
    CHECK(press(d, PUPIL, "Готово"));
    long long answers = unit_db_int(d, "SELECT COUNT(*) FROM survey_answers", 0);
    char data[96];
    const char *forged[] = {"sv:%lld:help:t:exams",          /* not the current item any more */
                            "sv:%lld:mentor_kind:c:wizard",  /* not a choice */
                            "sv:%lld:mentor_kind:t:any",     /* toggle on a single choice */
                            "sv:%lld:mentor_kind:p:5",       /* no such page */
                            "sv:%lld:mentor_kind:k",         /* nothing to keep */
                            "sv:%lld:mentor_kind:x",         /* not optional */
                            "sv:%lld:format:c:any",          /* a value of the current item, under another item */
                            /* fields that fit no shape of "sv": out of date */
                            "sv:%lld:mentor_kind::any",      /* no operation */
                            "sv:%lld:mentor_kind",           /* malformed */
                            "sv:%lld:mentor_kind:c:any:1"};  /* a field more */
    for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
        snprintf(data, sizeof data, forged[i], run);
        press_data(d, PUPIL, data);
    }
    snprintf(data, sizeof data, "sv:%lld:help:t:exams", other_run); /* someone else's run */
    press_data(d, PUPIL, data);
    press_data(d, PUPIL, "sv:redo"); /* nothing finished yet: resumes, changes nothing */
    CHECK_INT(stale_answers(d, PUPIL), 8);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1 AND kind = 'text'"
                           " AND body LIKE '%из старого сообщения%'", PUPIL), 3);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM survey_answers", 0), answers);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM survey_runs", 0), 2);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM survey_runs WHERE position = 'mentor_kind'", 0), 1);
    CHECK_STR(answer(d, other, "help"), "");
    /* a curator has no survey */
    int64_t cur = make_participant(d, TEACHER, "curator", "teacher", 0);
    CHECK(cur > 0);
    press_data(d, TEACHER, "sv:start");
    CHECK_INT(stale_answers(d, TEACHER), 1);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM survey_runs WHERE account_id = ?1", cur), 0);
    db_close(d);
}

TEST(a_run_keeps_its_version_and_resumes_where_it_stopped)
{
    db *d = db_with_instruments();
    if (!d) return;
    int64_t me = make_participant(d, TEACHER, "mentee", "teacher", 0);
    press_data(d, TEACHER, "sv:start");
    CHECK_CONTAINS(last_text(d, TEACHER), "Сколько полных лет вы работаете педагогом?");
    say(d, TEACHER, "2");
    say(d, TEACHER, "31.02.2024");
    CHECK_CONTAINS(last_text(d, TEACHER), "Не получилось прочитать дату");
    say(d, TEACHER, "01.01.2099");
    CHECK_CONTAINS(last_text(d, TEACHER), "Эта дата ещё не наступила");
    say(d, TEACHER, "01.09.2024");
    CHECK_CONTAINS(last_text(d, TEACHER), "Что к вам относится?");
    long long v1 = unit_db_int(d, "SELECT instrument_id FROM survey_runs WHERE account_id = ?1", me);

    /* the instrument is edited meanwhile: a new version, the open run stays on its own */
    int64_t id2 = -1;
    int version = 0, created = 0;
    char *body = NULL;
    CHECK_INT(survey_instrument_body(d, v1, &body, NULL, 0, NULL), MB_OK);
    if (body) {
        char *edited = malloc(strlen(body) + 2);
        snprintf(edited, strlen(body) + 2, "%s ", body);
        CHECK_INT(survey_instrument_store(d, "teacher_request", edited, &id2, &version, &created), MB_OK);
        CHECK_INT(version, 2);
        CHECK_INT(created, 1);
        free(edited);
    }
    free(body);

    /* a pause: /cancel leaves the survey, days pass, the menu offers to continue */
    say(d, TEACHER, "/cancel");
    clock_set_ms(clock_now_ms() + 5LL * 24 * 3600 * 1000);
    say(d, TEACHER, "/menu");
    CHECK_CONTAINS(button(d, TEACHER, "Продолжить анкету"), "sv:start");
    CHECK(press(d, TEACHER, "Продолжить анкету"));
    CHECK_CONTAINS(last_text(d, TEACHER), "Продолжаем анкету");
    CHECK_CONTAINS(last_text(d, TEACHER), "Что к вам относится?");
    CHECK_INT(unit_db_int(d, "SELECT instrument_id FROM survey_runs WHERE account_id = ?1", me), v1);
    CHECK_STR(answer(d, me, "hired"), "2024-09-01");
    CHECK(press(d, TEACHER, "Молодой специалист"));
    CHECK(press(d, TEACHER, "Методика"));
    CHECK(press(d, TEACHER, "Нормативные"));
    CHECK(press(d, TEACHER, "Готово"));
    CHECK(press(d, TEACHER, "Пропустить"));
    CHECK(press(d, TEACHER, "Будни, вечером"));
    CHECK(press(d, TEACHER, "Готово"));
    CHECK(press(d, TEACHER, "И так, и так"));
    CHECK(press(d, TEACHER, "7"));
    CHECK_CONTAINS(last_text(d, TEACHER), "Спасибо! Анкета заполнена");
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM survey_answers WHERE run_id = (SELECT id FROM survey_runs"
                           " WHERE account_id = ?1)", me), 7);
    profile p;
    CHECK_INT(profile_load(d, me, &p), MB_OK);
    CHECK_INT(p.topics, (1u << PROFILE_TOPIC_methodical) | (1u << PROFILE_TOPIC_normative));
    CHECK_INT(p.forms, 1u << PROFILE_FORM_teacher_teacher);

    /* changing the answers is a new run on the latest version, starting from the old answers */
    say(d, TEACHER, "/menu");
    CHECK(press(d, TEACHER, "Изменить ответы"));
    CHECK_CONTAINS(last_text(d, TEACHER), "Сейчас записано: 2");
    CHECK(press(d, TEACHER, "Оставить как есть"));
    CHECK_CONTAINS(last_text(d, TEACHER), "Сейчас записано: 01.09.2024");
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM survey_runs WHERE account_id = ?1", me), 2);
    CHECK_INT(unit_db_int(d, "SELECT instrument_id FROM survey_runs WHERE account_id = ?1 AND state = 'open'", me), id2);
    CHECK_INT(unit_db_int(d, "SELECT instrument_id FROM survey_runs WHERE account_id = ?1 AND state = 'done'", me), v1);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM survey_answers WHERE run_id = (SELECT id FROM survey_runs"
                           " WHERE account_id = ?1 AND state = 'done')", me), 7);
    clock_release();
    db_close(d);
}

/* "Вопрос N из M" on the last message; 0 when there is none. */
static int progress_of(db *d, int64_t user, int *n, int *m)
{
    const char *t = strstr(last_text(d, user), "Вопрос ");
    return t && sscanf(t, "Вопрос %d из %d", n, m) == 2;
}

/* One step of a run: the question shown next must be number prev+1 of no more than before. */
static void step_checked(db *d, int64_t user, int *n, int *m, const char *expect)
{
    int n2 = 0, m2 = 0;
    CHECK_CONTAINS(last_text(d, user), expect);
    CHECK(progress_of(d, user, &n2, &m2));
    if (n2 != *n + 1 || m2 > *m)
        fprintf(stderr, "  progress went from %d of %d to %d of %d at \"%s\"\n", *n, *m, n2, m2, expect);
    CHECK_INT(n2, *n + 1);
    CHECK(m2 <= *m);
    *n = n2, *m = m2;
}

TEST(progress_counts_follow_ups_without_jumps_and_dates_are_said_back)
{
    db *d = db_with_instruments();
    if (!d) return;
    clock_set_ms(1796205600000LL); /* 2026-12-02 */
    int64_t me = make_participant(d, PUPIL, "mentee", "pupil", 9);
    press_data(d, PUPIL, "sv:start");
    int n = 0, m = 0;
    CHECK(progress_of(d, PUPIL, &n, &m));
    CHECK_INT(n, 1);
    CHECK_INT(m, 12); /* ten questions for everyone and two follow-ups that may still come */
    CHECK(press(d, PUPIL, "Трудно даётся предмет"));
    CHECK(press(d, PUPIL, "Подготовка к экзаменам"));
    CHECK(press(d, PUPIL, "Готово"));
    step_checked(d, PUPIL, &n, &m, "Какой предмет даётся трудно?");
    say(d, PUPIL, "алгебра");
    step_checked(d, PUPIL, &n, &m, "Когда у тебя экзамен?");
    CHECK_CONTAINS(last_text(d, PUPIL), "например 01.01.2027");
    say(d, PUPIL, "25.05.26");
    CHECK_CONTAINS(last_text(d, PUPIL), "Эта дата уже прошла");
    CHECK_CONTAINS(last_text(d, PUPIL), "Вопрос 3 из 12");
    CHECK_STR(answer(d, me, "exam_date"), "");
    say(d, PUPIL, "в мае");
    CHECK_CONTAINS(last_text(d, PUPIL), "Записали: май 2027.");
    CHECK_STR(answer(d, me, "exam_date"), "2027-05-01");
    step_checked(d, PUPIL, &n, &m, "Кто тебе ближе как наставник?");
    CHECK(press(d, PUPIL, "Учитель"));
    step_checked(d, PUPIL, &n, &m, "Как тебе удобнее заниматься?");
    CHECK(press(d, PUPIL, "Один на один"));
    step_checked(d, PUPIL, &n, &m, "Чем ты увлекаешься?");
    CHECK(press(d, PUPIL, "Музыка"));
    CHECK(press(d, PUPIL, "Готово"));
    step_checked(d, PUPIL, &n, &m, "Сколько раз в месяц");
    say(d, PUPIL, "два раза");
    CHECK_STR(answer(d, me, "per_month"), "2");
    step_checked(d, PUPIL, &n, &m, "Когда тебе удобно встречаться?");
    CHECK(press(d, PUPIL, "Выходные"));
    CHECK(press(d, PUPIL, "Готово"));
    step_checked(d, PUPIL, &n, &m, "Как встречаться?");
    CHECK(press(d, PUPIL, "Онлайн"));
    step_checked(d, PUPIL, &n, &m, "Насколько ты ждёшь");
    CHECK(press(d, PUPIL, "7"));
    step_checked(d, PUPIL, &n, &m, "В каком городе");
    say(d, PUPIL, "Томск");
    step_checked(d, PUPIL, &n, &m, "Интересно узнать больше о профессиях");
    CHECK_INT(n, m); /* the last question is "N of N" */

    /* an answer that opens no follow-up lowers M once, N still steps by one */
    make_participant(d, OTHER, "mentee", "pupil", 9);
    press_data(d, OTHER, "sv:start");
    n = m = 0;
    CHECK(progress_of(d, OTHER, &n, &m));
    CHECK(press(d, OTHER, "Выбрать профессию"));
    CHECK(press(d, OTHER, "Готово"));
    step_checked(d, OTHER, &n, &m, "Кто тебе ближе как наставник?");
    CHECK_CONTAINS(last_text(d, OTHER), "Вопрос 2 из 10");
    clock_release();
    db_close(d);
}

TEST(mentor_survey_skips_what_registration_knows)
{
    db *d = db_with_instruments();
    if (!d) return;
    int64_t me = make_participant(d, OTHER, "mentor", "employee", 0);
    press_data(d, OTHER, "sv:start");
    CHECK_CONTAINS(last_text(d, OTHER), "Где вы работаете?");
    CHECK_STR(answer(d, me, "category"), "employee");
    say(d, OTHER, "ООО «Томскнефть»");
    CHECK_CONTAINS(last_text(d, OTHER), "С чем вы можете помочь?");
    CHECK(press(d, OTHER, "Выбор профессии"));
    CHECK(press(d, OTHER, "Ещё варианты"));
    CHECK(press(d, OTHER, "документы и отчётность"));
    CHECK(press(d, OTHER, "Готово"));
    say(d, OTHER, "3");
    CHECK(press(d, OTHER, "Будни, днём"));
    CHECK(press(d, OTHER, "Готово"));
    CHECK(press(d, OTHER, "Вживую"));
    CHECK(press(d, OTHER, "Да"));
    say(d, OTHER, "15.05.2025");
    CHECK_CONTAINS(last_text(d, OTHER), "куратор подберёт вам наставляемых");
    profile p;
    CHECK_INT(profile_load(d, me, &p), MB_OK);
    CHECK_STR(p.employer, "ООО «Томскнефть»");
    /* and is the employer the indicators count */
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM accounts a JOIN employers e ON e.id = a.employer_id"
                           " WHERE a.id = ?1 AND e.name_key = 'ооо томскнефть'", me), 1);
    CHECK_INT(p.capacity, 3);
    CHECK_INT(p.topics, (1u << PROFILE_TOPIC_profession) | (1u << PROFILE_TOPIC_normative));
    CHECK_INT(p.slots, 1u << PROFILE_SLOT_weekday_afternoon);
    CHECK_STR(p.meeting_mode, "offline");
    CHECK_INT(p.trained_at, 1747267200000LL); /* 2025-05-15T00:00Z */
    db_close(d);
}

int main(void)
{
    texts = unit_load_catalogs();
    env = (bot_env){.texts = texts, .default_language = "ru", .consent_age = 14};
    unit_register_messengers("mentorbot_sim_bot", 1, "mentorbot_sim_bot");
    RUN(pages_fit_the_platform);
    if (texts) {
        RUN(loading_instruments_versions_only_changed_bodies);
        RUN(pupil_request_run_with_paging_toggles_back_and_profile);
        RUN(forged_and_stale_presses_change_nothing);
        RUN(a_run_keeps_its_version_and_resumes_where_it_stopped);
        RUN(mentor_survey_skips_what_registration_knows);
        RUN(progress_counts_follow_ups_without_jumps_and_dates_are_said_back);
    }
    i18n_free(texts);
    return unit_summary();
}
