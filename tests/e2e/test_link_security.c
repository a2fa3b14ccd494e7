/*
 * Codes and stale buttons as an attacker or a hurried user meets them,
 * through the simulator on Telegram and VK:
 *   - a /link code sent from the same messenger is refused, and its owner
 *     hears nothing and loses nothing;
 *   - a second invite opened during registration asks before switching, and
 *     only the chosen invite is used up;
 *   - an invite revoked or expired after its holder used it does not restart
 *     their registration;
 *   - wrong codes pause the person (lifted by moving the bot's clock), and
 *     many wrong codes from many people warn the operator in the log and in
 *     `admin status`;
 *   - a stale button is answered once.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OWNER 9601
#define STRANGER 9602
#define PUPIL 9603
#define HOLDER 9604
#define GUESSER 9605
#define CROWD 960000      /* first of the users who each send one wrong code */
#define CROWD_SIZE 50

static void start_with(convo *c, long long user, const char *code)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code);
    say(c, user, cmd);
}

/* A curator registers (no survey follows a curator's registration). */
static void register_curator(convo *c, long long user, const char *code, const char *name)
{
    start_with(c, user, code);
    expect(c, user, "Вас приглашают");
    answer_registration(c, user, "Педагог", NULL, NULL, name);
    expect(c, user, "Готово");
    expect(c, user, "Что сделать?");
}

static long long count(convo *c, const char *sql) { return db_query_int(c->bot.db, sql); }

TEST(a_link_code_from_the_same_messenger_is_refused)
{
    convo c;
    if (convo_start(&c, "link-same", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, OWNER, "Анна", "ru");
    convo_user_add(&c, STRANGER, "Ева", "ru");
    char org[16], code[64];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа 1\""));
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org %s --role curator", org)));
    register_curator(&c, OWNER, code, "Анна Петрова");
    say(&c, OWNER, "/link");
    const char *text = expect(&c, OWNER, "/link ");
    const char *p = text ? strstr(text, "/link ") : NULL;
    char cmd[64] = "/link x";
    if (p) snprintf(cmd, sizeof cmd, "/link %.16s", p + 6);

    say(&c, STRANGER, cmd);
    const char *answer = expect(&c, STRANGER, "из другого мессенджера");
    CHECK(answer && !strstr(answer, "Анна"));
    expect_silence(&c, OWNER, 800);
    CHECK_INT(count(&c, "SELECT COUNT(*) FROM identities"), 1);
    CHECK_INT(count(&c, "SELECT COUNT(*) FROM link_requests"), 0);
    convo_stop(&c);
}

TEST(a_second_invite_during_registration_asks_and_uses_only_the_chosen_one)
{
    convo c;
    if (convo_start(&c, "reg-switch", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, PUPIL, "Петя", "ru");
    char a[16], b[16], code_a[64], code_b[64];
    snprintf(a, sizeof a, "%s", admin(&c, "org add --name \"Школа А\""));
    snprintf(b, sizeof b, "%s", admin(&c, "org add --name \"Школа Б\""));
    snprintf(code_a, sizeof code_a, "%s", code_of(admin(&c, "invite create --org %s --role mentee", a)));
    snprintf(code_b, sizeof code_b, "%s", code_of(admin(&c, "invite create --org %s --role mentor", b)));

    start_with(&c, PUPIL, code_a);
    expect(&c, PUPIL, "«Школа А»");
    press(&c, PUPIL, "Педагог");
    expect(&c, PUPIL, "Вы даёте согласие");
    start_with(&c, PUPIL, code_b);
    expect(&c, PUPIL, "Регистрация уже идёт: «Школа А» (наставляемый). Начать заново по новому приглашению — «Школа Б»");
    press(&c, PUPIL, "Нет, продолжить");
    expect(&c, PUPIL, "продолжаем регистрацию");
    expect(&c, PUPIL, "Вы даёте согласие");
    /* The place held while registering (a use counts at the end). */
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM invite_uses u JOIN invites i ON i.id = u.invite_id WHERE i.code = '%s'", code_b);
    CHECK_INT(count(&c, sql), 0);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM invite_uses u JOIN invites i ON i.id = u.invite_id WHERE i.code = '%s'", code_a);
    CHECK_INT(count(&c, sql), 1);

    start_with(&c, PUPIL, code_b);
    expect(&c, PUPIL, "Начать заново");
    press(&c, PUPIL, "Да, начать заново");
    expect(&c, PUPIL, "организации «Школа Б»");
    CHECK_INT(count(&c, sql), 0);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM invite_uses u JOIN invites i ON i.id = u.invite_id WHERE i.code = '%s'", code_b);
    CHECK_INT(count(&c, sql), 1);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM accounts WHERE org_id = %s AND role = 'mentor'", b);
    CHECK_INT(count(&c, sql), 1);
    CHECK_INT(count(&c, "SELECT COUNT(*) FROM invite_uses"), 1);
    convo_stop(&c);
}

TEST(an_invite_revoked_or_expired_after_use_does_not_restart_registration)
{
    convo c;
    if (convo_start(&c, "invite-holder", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, HOLDER, "Оля", "ru");
    convo_user_add(&c, PUPIL, "Петя", "ru");
    char org[16], revoked[64], short_lived[64], sql[160];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа 2\""));
    snprintf(revoked, sizeof revoked, "%s", code_of(admin(&c, "invite create --org %s --role mentee", org)));
    snprintf(short_lived, sizeof short_lived, "%s",
             code_of(admin(&c, "invite create --org %s --role mentee --days 1", org)));

    start_with(&c, HOLDER, revoked);
    expect(&c, HOLDER, "Вас приглашают");
    snprintf(sql, sizeof sql, "UPDATE invites SET revoked_at = 1 WHERE code = '%s'", revoked);
    db_exec(c.bot.db, sql);
    start_with(&c, HOLDER, revoked);
    expect(&c, HOLDER, "Срок действия этого приглашения истёк");

    start_with(&c, PUPIL, short_lived);
    expect(&c, PUPIL, "Вас приглашают");
    convo_restart_after(&c, 172800);
    expect(&c, PUPIL, "ещё не закончена");   /* the day-old registration is nudged first */
    start_with(&c, PUPIL, short_lived);
    expect(&c, PUPIL, "Срок действия этого приглашения истёк");
    convo_stop(&c);
}

/* One wrong code from a user the convo does not follow. */
static void crowd_says(convo *c, long long user, const char *text)
{
    if (strcmp(c->transport, "vk") == 0) vk_say(&c->sim, user, "ru", text);
    else tg_say(&c->sim, user, "Гость", "ru", text);
}

static convo *warned_convo;
static int warned(void *arg)
{
    (void)arg;
    return log_contains(&warned_convo->bot, "wrong codes in the last 10 minutes");
}

TEST(wrong_codes_pause_the_person_and_warn_the_operator)
{
    convo c;
    if (convo_start(&c, "guessing", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, GUESSER, "Гоша", "ru");
    char cmd[64];
    for (int i = 0; i < 4; i++) {
        snprintf(cmd, sizeof cmd, "/start qqqq%012d", i);
        say(&c, GUESSER, cmd);
        expect(&c, GUESSER, "Приглашение не найдено");
    }
    say(&c, GUESSER, "/start qqqq000000000004");
    const char *t = expect(&c, GUESSER, "Приглашение не найдено");
    CHECK_CONTAINS(t, "Следующий код я проверю через 1 мин");
    say(&c, GUESSER, "/start qqqq000000000005");
    t = expect(&c, GUESSER, "Следующий код я проверю через 1 мин");
    CHECK(t && !strstr(t, "не найдено"));
    CHECK_INT(count(&c, "SELECT COUNT(*) FROM code_failures"), 5);
    /* two minutes later the next code is checked again, and pauses longer */
    convo_restart_after(&c, 120);
    say(&c, GUESSER, "/start qqqq000000000006");
    t = expect(&c, GUESSER, "Приглашение не найдено");
    CHECK_CONTAINS(t, "через 2 мин");

    CHECK_STR(admin(&c, "status"), "ok");
    for (int u = 0; u < CROWD_SIZE; u++) {
        snprintf(cmd, sizeof cmd, "/start pppp%012d", u);
        crowd_says(&c, CROWD + u, cmd);
    }
    warned_convo = &c;
    CHECK(wait_until(warned, NULL, 15000));
    const char *status = admin(&c, "status");
    CHECK(strncmp(status, "warning: ", 9) == 0);
    CHECK_CONTAINS(status, "someone may be guessing");
    convo_stop(&c);
}

static long long answers_to(convo *c, long long user)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM outbox WHERE kind = 'answer' AND chat_id = %lld", user);
    return count(c, sql);
}

TEST(a_stale_button_is_answered_once)
{
    convo c;
    if (convo_start(&c, "stale-button", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, OWNER, "Анна", "ru");
    char org[16], code[64];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа 3\""));
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org %s --role curator", org)));
    register_curator(&c, OWNER, code, "Анна Петрова");
    long long before = answers_to(&c, OWNER);
    /* the cancel button of an announcement that is no longer being written,
     * and an organisation switch to one the curator does not have */
    press_data(&c, OWNER, "ca:c");
    press_data(&c, OWNER, "ca:s");
    press_data(&c, OWNER, "so:999");
    expect_silence(&c, OWNER, 1000);
    CHECK(log_contains(&c.bot, "refused button \"ca:c\""));
    CHECK(log_contains(&c.bot, "refused button \"ca:s\""));
    CHECK(log_contains(&c.bot, "refused button \"so:999\""));
    CHECK_INT(answers_to(&c, OWNER) - before, 3);
    CHECK_INT(count(&c, "SELECT COUNT(*) FROM outbox WHERE state = 'failed'"), 0);
    convo_stop(&c);
}

static void all_conversations(void)
{
    /* /link gives a code only when the bot runs on both messengers: the
     * Telegram-only bot of the tg run offers none (test_first_contact.c). */
    if (strcmp(convo_transport, "vk") == 0) RUN(a_link_code_from_the_same_messenger_is_refused);
    RUN(a_second_invite_during_registration_asks_and_uses_only_the_chosen_one);
    RUN(an_invite_revoked_or_expired_after_use_does_not_restart_registration);
    RUN(wrong_codes_pause_the_person_and_warn_the_operator);
    RUN(a_stale_button_is_answered_once);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}
