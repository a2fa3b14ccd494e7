/*
 * The delivery check on MAX, through the simulator: a message whose answer
 * was lost after MAX showed it is found in the dialog (GET /messages) and
 * not sent again; one whose request never got there is found missing and
 * sent; and the same after the bot is killed while sending, whether the
 * request had reached MAX or not. Each time the user sees the message
 * once. A dialog whose own chat_id the bot does not know cannot be listed:
 * its message waits for the operator, never sent blindly.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WAIT_MS 20000
/* A repeat would come right after the check, half a second after the
 * lost answer with the tests' retry_first_ms. */
#define DUPLICATE_WAIT_MS 1000

static void fault(convo *c, const char *rest)
{
    char json[256];
    snprintf(json, sizeof json, "{\"method\":\"max.messages\"%s}", rest);
    cJSON_Delete(sim_request(&c->sim, "POST", "/sim/fault", json, NULL));
}

/* Messages with needle MAX showed user. */
static int shown(convo *c, long long user, const char *needle)
{
    return sim_count_calls(&c->sim, "max", user, "max.messages", needle);
}

static int logged(convo *c, const char *needle)
{
    for (int waited = 0; waited < WAIT_MS; waited += 20) {
        if (log_contains(&c->bot, needle)) return 1;
        usleep(20 * 1000);
    }
    return 0;
}

/* The user's rows are all sent within WAIT_MS, and a moment later needle
 * was shown once. */
static void sent_once_at(convo *c, long long user, const char *needle, const char *file, int line)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) = 0 FROM outbox WHERE platform = 'max' AND chat_id = %lld AND state <> 'sent'", user);
    if (!convo_wait_count(c, 1, WAIT_MS, sql)) {
        fprintf(stderr, "  %s:%d: %s: messages to %lld not all sent\n", file, line, unit_current, user);
        unit_failed_checks++;
    }
    usleep(DUPLICATE_WAIT_MS * 1000);
    int n = shown(c, user, needle);
    if (n != 1) {
        fprintf(stderr, "  %s:%d: %s: \"%s\" shown %d times to %lld\n", file, line, unit_current, needle, n, user);
        unit_failed_checks++;
    }
}
#define sent_once(c, u, n) sent_once_at(c, u, n, __FILE__, __LINE__)

/* A text to user marked as sending by a bot killed before its request
 * left (the bot is stopped), with the chat's mark as its floor. */
static void left_sending(convo *c, long long user, const char *text)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO outbox(platform, chat_id, kind, body, state, attempts, next_at, created_at, probe_floor)"
             " SELECT 'max', %lld, 'text', '{\"text\":\"%s\"}', 'sending', 1, 0, 0, last_message_id"
             " FROM chat_marks WHERE platform = 'max' AND chat_id = %lld", user, text, user);
    db_exec(c->bot.db, sql);
}

static int start(convo *c, const char *name)
{
    convo_transport = "max";
    if (convo_start(c, name, NULL)) return -1;
    return logged(c, "connected as @") ? 0 : -1;
}

TEST(a_lost_answer_to_a_shown_message_is_found_and_not_sent_again)
{
    convo c;
    if (start(&c, "max-check-found")) SKIP("simulator or bot did not start");
    convo_user_add(&c, 7710001, "Лена", "ru");
    /* carried out, then the connection closed before the answer */
    fault(&c, ",\"drop_after\":true");
    say(&c, 7710001, "/help");
    CHECK(logged(&c, "no answer after the request went out"));
    sent_once(&c, 7710001, "/start");
    CHECK(logged(&c, "to chat 7710001 had arrived"));
    CHECK(sim_count_calls(&c.sim, "max", 7710001, "max.messages.list", NULL) >= 1);
    /* the bot goes on answering after it */
    say(&c, 7710001, "/start");
    sent_once(&c, 7710001, "Чтобы зарегистрироваться");
    convo_stop(&c);
}

TEST(a_request_lost_on_its_way_is_found_missing_and_sent)
{
    convo c;
    if (start(&c, "max-check-absent")) SKIP("simulator or bot did not start");
    convo_user_add(&c, 7710002, "Гоша", "ru");
    /* the connection closed once the request was written: MAX never saw it */
    fault(&c, ",\"drop\":true");
    say(&c, 7710002, "/help");
    sent_once(&c, 7710002, "/start");
    CHECK(logged(&c, "to chat 7710002 had not arrived"));
    convo_stop(&c);
}

TEST(killed_while_sending_the_bot_checks_and_sends_each_message_once)
{
    convo c;
    if (start(&c, "max-check-crash")) SKIP("simulator or bot did not start");
    long long user = 7710003;
    convo_user_add(&c, user, "Вера", "ru");
    say(&c, user, "/help");
    sent_once(&c, user, "/start");

    /* MAX shows the message, its answer is late, and the bot dies meanwhile */
    fault(&c, ",\"delay_ms\":3000");
    say(&c, user, "/start");
    CHECK(convo_wait_count(&c, 1, WAIT_MS, "SELECT COUNT(*) FROM outbox WHERE state = 'sending'"));
    bot_kill(&c.bot, SIGKILL);
    CHECK_INT(bot_start(&c.bot), 0);
    sent_once(&c, user, "Чтобы зарегистрироваться");
    CHECK(logged(&c, "to chat 7710003 had arrived"));

    /* killed after marking a message as sending, before its request left */
    bot_stop(&c.bot);
    left_sending(&c, user, "Встреча завтра в 16:00");
    CHECK_INT(bot_start(&c.bot), 0);
    sent_once(&c, user, "Встреча завтра в 16:00");
    CHECK(logged(&c, "to chat 7710003 had not arrived"));
    CHECK_INT(shown(&c, user, "Чтобы зарегистрироваться"), 1);
    convo_stop(&c);
}

TEST(without_the_dialogs_own_id_the_message_waits_for_the_operator)
{
    convo c;
    if (start(&c, "max-check-no-dialog")) SKIP("simulator or bot did not start");
    long long user = 7710004;
    convo_user_add(&c, user, "Дима", "ru");
    say(&c, user, "/help");
    sent_once(&c, user, "/start");

    /* a dialog the bot never learnt the chat_id of (as for a person who
     * wrote last before this version), and a message killed in flight */
    bot_stop(&c.bot);
    db_exec(c.bot.db, "UPDATE chat_marks SET platform_chat_id = NULL WHERE platform = 'max' AND chat_id = 7710004");
    left_sending(&c, user, "Встреча завтра в 17:00");
    CHECK_INT(bot_start(&c.bot), 0);
    CHECK(convo_wait_count(&c, 1, WAIT_MS,
                           "SELECT COUNT(*) FROM outbox WHERE chat_id = 7710004 AND state = 'unknown'"));
    CHECK(logged(&c, "the platform's own id of the chat, which the check needs, is not known"));
    CHECK_INT(shown(&c, user, "Встреча завтра"), 0);   /* never sent blindly */

    /* the operator sends it; MAX's answer names the dialog again */
    char id[32];
    snprintf(id, sizeof id, "%lld",
             db_query_int(c.bot.db, "SELECT id FROM outbox WHERE chat_id = 7710004 AND state = 'unknown'"));
    admin(&c, "outbox retry %s", id);
    sent_once(&c, user, "Встреча завтра в 17:00");
    CHECK_INT(db_query_int(c.bot.db, "SELECT platform_chat_id FROM chat_marks WHERE platform = 'max'"
                                     " AND chat_id = 7710004"), 90000000000LL + user);
    convo_stop(&c);
}

int main(void)
{
    RUN(a_lost_answer_to_a_shown_message_is_found_and_not_sent_again);
    RUN(a_request_lost_on_its_way_is_found_missing_and_sent);
    RUN(killed_while_sending_the_bot_checks_and_sends_each_message_once);
    RUN(without_the_dialogs_own_id_the_message_waits_for_the_operator);
    return unit_summary();
}
