/*
 * What MAX may hand the bot that it cannot use, through the simulator:
 * update types it does not read, a message without a sender, an edit, a
 * press under a message MAX no longer has, start payloads with odd
 * characters or longer than a deep link carries, a text of 10,000
 * characters, an attachment that is not text, a list item that is not an
 * update, and a long-poll marker that goes backwards. Each gets a clear
 * answer or a log line and the inbox's reason; the bot goes on answering,
 * and nothing read twice is answered twice.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USER 7700001
#define SETTLE_MS 700

static long long inbox(convo *c, const char *status, const char *reason_like)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM inbox WHERE platform = 'max' AND status = '%s' AND reason LIKE '%s'",
             status, reason_like);
    return db_query_int(c->bot.db, sql);
}

/* 1 when the bot's log says needle within 5 s. */
static int logged(convo *c, const char *needle)
{
    for (int waited = 0; waited < 5000; waited += 20) {
        if (log_contains(&c->bot, needle)) return 1;
        usleep(20 * 1000);
    }
    return 0;
}

static void inject(convo *c, const char *update_json)
{
    long status = 0;
    cJSON_Delete(sim_request(&c->sim, "POST", "/sim/max/update", update_json, &status));
    CHECK_INT(status, 200);
}

TEST(bad_updates_are_recorded_and_the_bot_goes_on)
{
    convo c;
    convo_transport = "max";
    if (convo_start(&c, "max-input", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, USER, "Ира", "ru");

    /* an update type the bot does not read (the long poll asks for five
     * types, so it comes as MAX's raw answer), a message without a sender,
     * an edit: stored as ignored, with the reason, and logged */
    long status = 0;
    cJSON_Delete(sim_request(&c.sim, "POST", "/sim/max/raw", "{\"updates\":[{\"update_type\":\"chat_title_changed\","
                             "\"timestamp\":1,\"chat_id\":-5,\"title\":\"x\"}],\"marker\":null}", &status));
    CHECK_INT(status, 200);
    inject(&c, "{\"update_type\":\"message_created\",\"timestamp\":2,\"message\":{\"recipient\":{\"chat_id\":9,"
               "\"chat_type\":\"dialog\"},\"body\":{\"mid\":\"mid.00000000000000000000000000000001\",\"seq\":1,"
               "\"text\":\"hi\"}}}");
    inject(&c, "{\"update_type\":\"message_edited\",\"timestamp\":3,\"message\":{\"sender\":{\"user_id\":7700001,"
               "\"first_name\":\"Ира\",\"is_bot\":false},\"recipient\":{\"chat_id\":97700001,\"chat_type\":\"dialog\"},"
               "\"body\":{\"mid\":\"mid.00000000000000000000000000000002\",\"seq\":2,\"text\":\"edited\"}}}");
    CHECK(convo_wait_count(&c, 1, 5000, "SELECT COUNT(*) FROM inbox WHERE platform = 'max' AND reason LIKE "
                                        "'%edited messages%'"));
    CHECK_INT(inbox(&c, "ignored", "%type the bot does not handle%"), 1);
    CHECK_INT(inbox(&c, "ignored", "%without a user%"), 1);
    CHECK(logged(&c, "message_edited update"));
    expect_silence(&c, USER, SETTLE_MS);

    /* odd characters in a deep link's payload: no such invite */
    say(&c, USER, "/start <b>&\"'../;--");
    expect(&c, USER, "Приглашение не найдено");
    /* 600 characters: MAX passes none of it, so the bot sees a plain Start */
    char *long_payload = malloc(601);
    memset(long_payload, 'A', 600);
    long_payload[600] = 0;
    CHECK(max_start_bot(&c.sim, USER, "Ира", "ru", long_payload) >= 0);
    expect(&c, USER, "ссылку-приглашение");
    free(long_payload);

    /* 10,000 characters of text, and a sticker without text */
    char *text = malloc(10001);
    memset(text, 'x', 10000);
    text[10000] = 0;
    say(&c, USER, text);
    free(text);
    CHECK(expect_some(&c, USER, "/start") != NULL);
    inject(&c, "{\"update_type\":\"message_created\",\"timestamp\":4,\"message\":{\"sender\":{\"user_id\":7700001,"
               "\"first_name\":\"Ира\",\"is_bot\":false},\"recipient\":{\"chat_id\":97700001,\"chat_type\":\"dialog\"},"
               "\"body\":{\"mid\":\"mid.00000000000000000000000000000003\",\"seq\":3,\"text\":null,"
               "\"attachments\":[{\"type\":\"sticker\",\"payload\":{\"url\":\"https://x\",\"code\":\"c\"}}]}}}");
    expect(&c, USER, "Я понимаю только текст");

    /* a press under a message MAX no longer has (message null): read and refused */
    press_data(&c, USER, "sv:9:1");
    CHECK(convo_wait_count(&c, 1, 5000, "SELECT COUNT(*) FROM inbox WHERE platform = 'max' AND kind = "
                                        "'message_callback'"));
    CHECK_INT(sim_wait_calls(&c.sim, "max", USER, "max.answers", NULL, 1, 5000), 1);

    /* a list item that is not an update, then the marker goes backwards:
     * MAX's marker is taken, the updates it hands out again are known */
    cJSON_Delete(sim_request(&c.sim, "POST", "/sim/max/raw", "{\"updates\":[42],\"marker\":1}", &status));
    CHECK_INT(status, 200);
    CHECK(logged(&c, "the update marker went back"));
    CHECK(logged(&c, "were not updates and were skipped"));
    expect_silence(&c, USER, SETTLE_MS);   /* nothing answered twice */
    say(&c, USER, "/start");
    expect(&c, USER, "ссылку-приглашение");
    convo_stop(&c);
}

int main(void)
{
    RUN(bad_updates_are_recorded_and_the_bot_goes_on);
    return unit_summary();
}
