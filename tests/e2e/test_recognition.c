/*
 * Mentor recognition and announcements, one conversation on either
 * messenger: a mentor whose meeting both sides confirmed sees their points
 * and where they came from, and hides from published rankings; the
 * curator sees everyone in the organisation's ranking and publishes it, and
 * the mentors get it without her; the curator prints her a letter of
 * thanks (a PDF, its file removed once sent) for the pair that held its
 * final meeting; then the curator announces a meeting of mentors with a
 * photo and, once the messages settle, hears how many arrived, and so
 * does the coordinator of the town after a text to its mentors (one of
 * whom has no messenger). Last, the pair of that pupil-mentor held its
 * final meeting, and the letter of thanks to his parents goes to the chat
 * of the parent who confirmed him.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MENTOR 760001401LL
#define MENTOR2 760001402LL
#define CURATOR 760001403LL
#define COORDINATOR 760001404LL
#define PARENT 760001405LL

static void open_menu(convo *c, long long user)
{
    convo_drain(c, user, 300);
    say(c, user, "/menu");
    expect(c, user, "Что сделать?");
}

TEST(a_mentor_hides_from_the_published_ranking_and_an_announcement_is_counted)
{
    convo c;
    if (convo_start(&c, "recognition", NULL)) SKIP("simulator or bot did not start");
    convo_greeted(&c, MENTOR, "Анна");
    convo_greeted(&c, MENTOR2, "Борис");
    convo_greeted(&c, CURATOR, "Елена");
    convo_greeted(&c, COORDINATOR, "Ольга");
    char org[32], town[32], sql[2048];
    snprintf(town, sizeof town, "%s", admin(&c, "territory add --name Томск --kind municipality --tz Asia/Tomsk"));
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №7\" --territory %s --tz Asia/Tomsk", town));
    long long mentor = convo_seed_person(&c, org, MENTOR, "mentor", "teacher", "Анна Петровна");
    convo_seed_person(&c, org, MENTOR2, "mentor", "teacher", "Борис Ильич");
    long long curator = convo_seed_person(&c, org, CURATOR, "curator", "teacher", "Елена Сергеевна");
    /* Her pair with Петя: a meeting and the final one both say took
     * place, and one only she does (it earns nothing). */
    snprintf(sql, sizeof sql,
             "INSERT INTO scopes(account_id, org_id) VALUES(%lld, %s);"
             "INSERT INTO accounts(status, role, org_id, name, category, grade, created_at, updated_at)"
             " VALUES('active', 'mentee', %s, 'Петя', 'pupil', 6, 1, 1);"
             "INSERT INTO mentorships(org_id, form, mentor_id, created_at) VALUES(%s, 'teacher_pupil', %lld, 1);"
             "INSERT INTO mentorship_members(mentorship_id, mentee_id, joined_at) SELECT MAX(m.id), a.id, 1"
             " FROM mentorships m, accounts a WHERE a.name = 'Петя';"
             "INSERT INTO meetings(org_id, mentorship_id, kind, format, starts_at, minutes, state, created_at,"
             " updated_at) SELECT %s, MAX(id), k.kind, 'online', k.at, 60, 'held', 1, 1 FROM mentorships,"
             " (SELECT 'work' AS kind, 1000 AS at UNION ALL SELECT 'work', 2000 UNION ALL SELECT 'final', 3000) k"
             " GROUP BY k.at;"
             "INSERT INTO meeting_mentorships(meeting_id, mentorship_id) SELECT id, mentorship_id FROM meetings;"
             "INSERT INTO meeting_participants(meeting_id, account_id, role, outcome) SELECT id, %lld, 'mentor',"
             " 'happened' FROM meetings;"
             "INSERT INTO meeting_participants(meeting_id, account_id, role, outcome) SELECT m.id, a.id, 'mentee',"
             " CASE m.starts_at WHEN 2000 THEN 'not_held' ELSE 'happened' END FROM meetings m, accounts a"
             " WHERE a.name = 'Петя';",
             curator, org, org, org, mentor, org, mentor);
    db_exec(c.bot.db, sql);

    /* The mentor sees her points, and hides from published rankings. */
    open_menu(&c, MENTOR);
    CHECK(press(&c, MENTOR, "Мои баллы"));
    const char *r = expect(&c, MENTOR, "Ваши баллы наставника: 4 балла.");
    CHECK(r && strstr(r, "Уровень: начинающий") && strstr(r, "встречи, подтверждённые обеими сторонами: 2 × 2 = 4") &&
          strstr(r, "До уровня «опытный» — 16 баллов") && strstr(r, "видны в рейтинге"));
    CHECK(press(&c, MENTOR, "Скрыть меня из рейтинга"));
    r = expect(&c, MENTOR, "Ваши баллы наставника: 4 балла.");
    CHECK(r && strstr(r, "Вас нет в рейтингах"));

    /* The curator's own ranking shows her, marked; the published one not. */
    open_menu(&c, CURATOR);
    CHECK(press(&c, CURATOR, "Рейтинг наставников"));
    r = expect(&c, CURATOR, "Рейтинг наставников «Школа №7»");
    CHECK(r && strstr(r, "1. Анна Петровна (1 наставляемый) — 4 балла, начинающий (скрыт из публикации)") &&
          strstr(r, "2. Борис Ильич — 0 баллов, начинающий"));
    CHECK(press(&c, CURATOR, "Опубликовать для наставников"));
    expect(&c, CURATOR, "Рейтинг получат наставники организации: 2 человека. Скрывшихся из рейтинга в нём не будет (их 1)");
    CHECK(press(&c, CURATOR, "Отправить"));
    expect(&c, CURATOR, "Рейтинг отправлен: 2 человека.");
    press_data(&c, CURATOR, "rk:s");   /* pressed again: published once */
    r = expect_some(&c, MENTOR2, "Рейтинг наставников и их команд «Школа №7»");
    CHECK(r && strstr(r, "1. Борис Ильич — 0 баллов") && !strstr(r, "Анна"));
    r = expect_some(&c, MENTOR, "Рейтинг наставников и их команд «Школа №7»");
    CHECK(r && !strstr(r, "Анна"));

    /* The pair held its final meeting: a letter of thanks to print. */
    open_menu(&c, CURATOR);
    CHECK(press(&c, CURATOR, "Пары и группы: 1"));
    expect(&c, CURATOR, "Пары и группы");
    CHECK(press(&c, CURATOR, "Анна Петровна — Петя"));
    expect(&c, CURATOR, "Форма: учитель – ученик");
    CHECK(press(&c, CURATOR, "Благодарность наставнику (PDF)"));
    char name[256], caption[512];
    char *pdf = expect_document(&c, CURATOR, name, sizeof name, caption, sizeof caption);
    CHECK(pdf && strncmp(pdf, "%PDF-", 5) == 0);
    CHECK_STR(name, "Благодарность — Анна Петровна.pdf");
    CHECK_CONTAINS(caption, "Благодарность наставнику Анна Петровна");
    free(pdf);
    CHECK_INT(convo_files_left(&c), 0);

    /* An announcement with a photo, previewed, sent, and counted. */
    open_menu(&c, CURATOR);
    CHECK(press(&c, CURATOR, "Объявление"));
    expect(&c, CURATOR, "Кому отправить объявление?");
    CHECK(press(&c, CURATOR, "Наставникам"));
    expect(&c, CURATOR, "или пришлите фото или файл с подписью");
    char ref[600];
    say_media(&c, CURATOR, "photo", NULL, "Слёт наставников в субботу в 11:00", ref, sizeof ref);
    expect(&c, CURATOR, "Так увидят объявление (Наставникам, 2 человека)");
    expect(&c, CURATOR, "Слёт наставников в субботу");
    CHECK_STR(convo_media_ref(&c, convo_last(&c, CURATOR)), ref);
    CHECK(press(&c, CURATOR, "Отправить"));
    expect(&c, CURATOR, "Объявление поставлено в очередь: 2 человека");
    expect_some(&c, MENTOR, "Объявление куратора программы наставничества организации «Школа №7»:\n\nСлёт наставников");
    CHECK_STR(convo_media_ref(&c, convo_last(&c, MENTOR)), ref);
    expect_some(&c, MENTOR2, "Слёт наставников в субботу");
    CHECK_STR(convo_media_ref(&c, convo_last(&c, MENTOR2)), ref);
    expect(&c, CURATOR, "доставлено всем: 2 человека");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM announcements WHERE reported_at IS NOT NULL"), 1);

    /* Коля, a pupil of grade 10, mentors Вася; their final meeting took
     * place; his mother confirmed him in the bot. He has no messenger
     * account of his own: announcements cannot reach him. */
    convo_greeted(&c, PARENT, "Мама");
    snprintf(sql, sizeof sql,
             "INSERT INTO accounts(status, role, org_id, name, category, grade, created_at, updated_at) VALUES"
             " ('active', 'mentor', %s, 'Коля Смирнов', 'pupil', 10, 1, 1),"
             " ('active', 'mentee', %s, 'Вася', 'pupil', 5, 1, 1);"
             "INSERT INTO mentorships(org_id, form, mentor_id, created_at) SELECT %s, 'pupil_pupil', id, 1"
             " FROM accounts WHERE name = 'Коля Смирнов';"
             "INSERT INTO mentorship_members(mentorship_id, mentee_id, joined_at) SELECT MAX(m.id), a.id, 1"
             " FROM mentorships m, accounts a WHERE a.name = 'Вася';"
             "INSERT INTO meetings(org_id, mentorship_id, kind, format, starts_at, minutes, state, created_at,"
             " updated_at) SELECT %s, MAX(id), 'final', 'online', 4000, 60, 'held', 1, 1 FROM mentorships;"
             "INSERT INTO meeting_mentorships(meeting_id, mentorship_id) SELECT id, mentorship_id FROM meetings"
             " WHERE starts_at = 4000;"
             "INSERT INTO meeting_participants(meeting_id, account_id, role, outcome) SELECT m.id, a.id, a.role,"
             " 'happened' FROM meetings m, accounts a WHERE m.starts_at = 4000 AND a.name IN ('Коля Смирнов', 'Вася');"
             "INSERT INTO consent_requests(minor_id, invite_id, platform, user_id, chat_id, state, name,"
             " created_at, updated_at, decided_at) SELECT id, 1, '%s', %lld, %lld, 'confirmed', 'Мама', 1, 1, 1"
             " FROM accounts WHERE name = 'Коля Смирнов';",
             org, org, org, org, c.transport, PARENT, PARENT);
    db_exec(c.bot.db, sql);

    /* The town's coordinator writes to the mentors of all its schools. */
    long long coordinator = convo_seed_person(&c, org, COORDINATOR, "coordinator", "staff", "Ольга Николаевна");
    snprintf(sql, sizeof sql, "INSERT INTO scopes(account_id, territory_id) VALUES(%lld, %s)", coordinator, town);
    db_exec(c.bot.db, sql);
    say(&c, COORDINATOR, "/menu");
    expect(&c, COORDINATOR, "вы координатор территории «Томск»");
    CHECK(press(&c, COORDINATOR, "Объявление наставникам"));
    expect(&c, COORDINATOR, "Напишите текст объявления для наставников всех организаций территории");
    say(&c, COORDINATOR, "Курсы наставников открыты до пятницы.");
    expect(&c, COORDINATOR, "Объявление получат наставники: 3 человека из 1 организации");
    expect(&c, COORDINATOR, "Объявление координатора программы наставничества (Томск):\n\nКурсы наставников");
    CHECK(press(&c, COORDINATOR, "Отправить"));
    expect(&c, COORDINATOR, "Объявление поставлено в очередь: 2 человека");
    expect_some(&c, MENTOR2, "Курсы наставников открыты до пятницы.");
    expect(&c, COORDINATOR, "доставлено 2 из 3, не доставлено 1 — например, бот заблокирован или у человека нет мессенджера");
    /* long after the second «Отправить» of the ranking */
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM audit WHERE action = 'ranking.publish'"), 1);
    CHECK(log_contains(&c.bot, "ranking already published"));

    /* Коля's letter to his parents: to his mother's chat. */
    open_menu(&c, CURATOR);
    CHECK(press(&c, CURATOR, "Пары и группы: 2"));
    expect(&c, CURATOR, "Пары и группы");
    CHECK(press(&c, CURATOR, "Коля Смирнов — Вася"));
    expect(&c, CURATOR, "Форма: ученик – ученик");
    CHECK(press(&c, CURATOR, "Письмо родителям (PDF)"));
    expect(&c, CURATOR, "Письмо отправлено родителю в мессенджер.");
    pdf = expect_document(&c, PARENT, name, sizeof name, caption, sizeof caption);
    CHECK(pdf && strncmp(pdf, "%PDF-", 5) == 0);
    CHECK_STR(name, "Благодарственное письмо родителям — Коля Смирнов.pdf");
    CHECK_CONTAINS(caption, "ваш ребёнок, Коля Смирнов, — наставник");
    free(pdf);
    CHECK_INT(convo_files_left(&c), 0);
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(a_mentor_hides_from_the_published_ranking_and_an_announcement_is_counted);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}
