/*
 * The simulator's VK side on its own, spoken to over HTTP the way the bot
 * speaks to it: the Long Poll settings and server, a_check with its ts and
 * keys, the events users make, messages.send to one peer_id or a peer_ids
 * list with random_id, keyboards and limits, edits and callback-button
 * answers. Documents are tested in test_sim_vk_docs.c, the control API
 * (blocks, raw bodies, failures, faults, limits, the sent log) in
 * test_sim_vk_control.c.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/e2e/sim_vk_script.h"
#include "util/strbuf.h"

TEST(settings_and_long_poll_server)
{
    if (sim_fresh(&sim)) return;
    long status = 0;
    cJSON *r = vk_api(&sim, "groups.setLongPollSettings", &status, "group_id", GROUP, "enabled", "1",
                      "api_version", "5.199", "message_new", "1", "message_event", "1", NULL);
    CHECK_INT(status, 200);
    CHECK_INT(num(r, "response"), 1);
    cJSON_Delete(r);
    r = vk_api(&sim, "groups.getLongPollServer", &status, "group_id", GROUP, NULL);
    CHECK_INT(status, 200);
    const char *key = str(r, "response.key"), *ts = str(r, "response.ts");
    char server[96];
    snprintf(server, sizeof server, "%s/vk-lp", sim.base);
    CHECK_STR(str(r, "response.server"), server);
    CHECK(key && strlen(key) == 40 && strspn(key, "0123456789abcdef") == 40);
    CHECK(ts && atoll(ts) >= 1); /* a string, as VK sends it */
    cJSON *again = vk_api(&sim, "groups.getLongPollServer", NULL, "group_id", GROUP, NULL);
    CHECK(key && str(again, "response.key") && strcmp(key, str(again, "response.key")) != 0);
    /* The older key stays valid: an a_check with it is no failure. */
    cJSON *check = a_check(key ? key : "", ts ? atoll(ts) : 0, 0);
    CHECK(cJSON_IsArray(get(check, "updates")));
    cJSON_Delete(check);
    cJSON_Delete(again);
    cJSON_Delete(r);
    r = vk_api(&sim, "groups.getLongPollServer", NULL, NULL);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    r = sim_getf(&sim, "/sim/stats");
    CHECK_STR(str(r, "vk.api_version"), "5.199");
    CHECK(cJSON_IsTrue(get(r, "vk.event_types.message_event")));
    CHECK_INT(num(r, "vk.group_id"), 229000001LL);
    CHECK_INT(num(r, "vk.keys_issued"), 2);
    cJSON_Delete(r);
}

TEST(user_message_comes_out_of_a_check)
{
    if (sim_fresh(&sim)) return;
    char key[64];
    long long ts;
    lp_server(key, &ts);
    long long number = vk_say(&sim, USER, "en", "Привет");
    CHECK_INT(number, ts);
    cJSON *r = a_check(key, ts, 0);
    char next[32];
    snprintf(next, sizeof next, "%lld", number + 1);
    CHECK_STR(str(r, "ts"), next);
    CHECK_INT(cJSON_GetArraySize(get(r, "updates")), 1);
    const cJSON *e = get(r, "updates.0");
    CHECK_STR(str(e, "type"), "message_new");
    CHECK_INT(num(e, "group_id"), 229000001LL);
    CHECK_STR(str(e, "v"), "5.199");
    CHECK(str(e, "event_id") && strlen(str(e, "event_id")) == 40);
    const cJSON *m = get(e, "object.message");
    CHECK(num(m, "date") > 1600000000LL);
    CHECK_INT(num(m, "from_id"), USER);
    CHECK_INT(num(m, "peer_id"), USER);
    CHECK(num(m, "id") > 0);
    CHECK_INT(num(m, "out"), 0);
    CHECK_INT(num(m, "conversation_message_id"), 1);
    CHECK_INT(num(m, "random_id"), 0);
    CHECK(cJSON_IsArray(get(m, "attachments")) && cJSON_IsArray(get(m, "fwd_messages")));
    CHECK(cJSON_IsFalse(get(m, "important")) && cJSON_IsFalse(get(m, "is_hidden")));
    CHECK_STR(str(m, "text"), "Привет");
    CHECK(get(m, "payload") == NULL);
    CHECK_INT(num(e, "object.client_info.lang_id"), 3);
    CHECK_INT(cJSON_GetArraySize(get(e, "object.client_info.button_actions")), 8);
    CHECK_STR(str(e, "object.client_info.button_actions.5"), "callback");
    CHECK(cJSON_IsTrue(get(e, "object.client_info.inline_keyboard")));
    cJSON_Delete(r);

    /* A text button sends its payload; ids grow per conversation. */
    CHECK_INT(vk_say_payload(&sim, USER, "Mentor", "{\"b\":\"role:mentor\"}"), number + 1);
    r = a_check(key, number + 1, 0);
    CHECK_STR(str(r, "updates.0.object.message.payload"), "{\"b\":\"role:mentor\"}");
    CHECK_INT(num(r, "updates.0.object.message.conversation_message_id"), 2);
    CHECK_INT(num(r, "updates.0.object.client_info.lang_id"), 0);
    cJSON_Delete(r);
    /* Events stay in the history: an old ts gets them again. */
    r = a_check(key, number, 0);
    CHECK_INT(cJSON_GetArraySize(get(r, "updates")), 2);
    cJSON_Delete(r);
}

static void *say_later(void *arg)
{
    usleep(300 * 1000);
    vk_say(&sim, USER, NULL, arg);
    return NULL;
}

TEST(a_check_is_held_until_an_event_or_wait)
{
    if (sim_fresh(&sim)) return;
    char key[64];
    long long ts;
    lp_server(key, &ts);
    pthread_t t;
    long long start = harness_now_ms();
    pthread_create(&t, NULL, say_later, "wake up");
    cJSON *r = a_check(key, ts, 10);
    long long took = harness_now_ms() - start;
    pthread_join(t, NULL);
    CHECK_STR(str(r, "updates.0.object.message.text"), "wake up");
    CHECK(took >= 250 && took < 5000);
    cJSON_Delete(r);

    start = harness_now_ms();
    r = a_check(key, ts + 1, 1);
    took = harness_now_ms() - start;
    char same[32];
    snprintf(same, sizeof same, "%lld", ts + 1);
    CHECK_STR(str(r, "ts"), same);
    CHECK_INT(cJSON_GetArraySize(get(r, "updates")), 0);
    CHECK(took >= 900 && took < 3000);
    cJSON_Delete(r);
}

TEST(a_check_hands_out_at_most_100_events)
{
    if (sim_fresh(&sim)) return;
    char key[64];
    long long ts;
    lp_server(key, &ts);
    for (int i = 0; i < 150; i++) vk_say(&sim, USER, NULL, "x");
    cJSON *r = a_check(key, ts, 0);
    CHECK_INT(cJSON_GetArraySize(get(r, "updates")), 100);
    long long next = str(r, "ts") ? atoll(str(r, "ts")) : -1;
    CHECK_INT(next, ts + 100);
    cJSON_Delete(r);
    r = a_check(key, next, 0);
    CHECK_INT(cJSON_GetArraySize(get(r, "updates")), 50);
    CHECK_INT(num(r, "updates.49.object.message.conversation_message_id"), 150);
    cJSON_Delete(r);
}

TEST(bad_key_and_ts_are_failures)
{
    if (sim_fresh(&sim)) return;
    char key[64];
    long long ts;
    lp_server(key, &ts);
    cJSON *r = a_check("0000", ts, 0);
    CHECK_INT(num(r, "failed"), 2);
    CHECK(get(r, "updates") == NULL);
    cJSON_Delete(r);
    /* A ts past the next event: failed 1 with the next one, as a number. */
    r = a_check(key, ts + 5, 0);
    CHECK_INT(num(r, "failed"), 1);
    CHECK_INT(num(r, "ts"), ts);
    cJSON_Delete(r);
    /* A ts older than the kept history (reset forgets it): the oldest kept. */
    vk_say(&sim, USER, NULL, "one");
    vk_say(&sim, USER, NULL, "two");
    CHECK(sim_reset(&sim) == 0);
    long long after = vk_say(&sim, USER, NULL, "three");
    CHECK_INT(after, ts + 2);
    r = a_check(key, ts, 0);
    CHECK_INT(num(r, "failed"), 1);
    CHECK_INT(num(r, "ts"), after);
    cJSON_Delete(r);
    r = a_check(key, after, 0); /* the key outlived the reset */
    CHECK_STR(str(r, "updates.0.object.message.text"), "three");
    cJSON_Delete(r);
    long status = 0;
    r = sim_request(&sim, "GET", "/vk-lp?key=x&ts=1", NULL, &status);
    CHECK_INT(status, 400);
    CHECK_STR(str(r, "error"), "act=a_check is required");
    cJSON_Delete(r);
}

TEST(settings_decide_which_events_are_made)
{
    if (sim_fresh(&sim)) return;
    char key[64];
    long long ts;
    lp_server(key, &ts);
    /* Before any settings every type is made. */
    CHECK(vk_press(&sim, USER, 1, "{\"b\":\"x\"}") > 0);
    cJSON *r = vk_api(&sim, "groups.setLongPollSettings", NULL, "group_id", GROUP, "enabled", "1",
                      "message_new", "1", "message_event", "0", NULL);
    cJSON_Delete(r);
    CHECK_INT(vk_press(&sim, USER, 1, "{\"b\":\"x\"}"), -1);
    CHECK(vk_say(&sim, USER, NULL, "hi") > 0);
    /* An injected event is kept whatever its type. */
    r = sim_postf(&sim, "/sim/vk/update", "{\"type\":\"message_event\",\"object\":{\"user_id\":%lld}}", USER);
    CHECK(num(r, "event") > 0);
    cJSON_Delete(r);
    r = sim_postf(&sim, "/sim/vk/block", "{\"user_id\":%lld}", USER);
    CHECK(cJSON_IsTrue(get(r, "blocked")));
    CHECK(get(r, "event") == NULL); /* message_deny is switched off */
    cJSON_Delete(r);
    r = a_check(key, ts, 0);
    CHECK_INT(cJSON_GetArraySize(get(r, "updates")), 3);
    CHECK_STR(str(r, "updates.1.type"), "message_new");
    CHECK_STR(str(r, "updates.2.type"), "message_event");
    cJSON_Delete(r);
    r = sim_getf(&sim, "/sim/stats");
    CHECK_INT(num(r, "vk.events_filtered"), 2);
    CHECK(cJSON_IsFalse(get(r, "vk.event_types.message_event")));
    cJSON_Delete(r);
}

TEST(send_answers_with_the_community_message_id)
{
    if (sim_fresh(&sim)) return;
    char key[64];
    long long ts;
    lp_server(key, &ts);
    vk_say(&sim, USER, NULL, "/start");
    cJSON *r = a_check(key, ts, 0);
    long long users_id = num(r, "updates.0.object.message.id");
    cJSON_Delete(r);
    /* A single peer_id is answered with the community-wide message id, the
     * counter the user's message_new "id" also comes from. */
    r = send_text(USER, 1, "Здравствуйте!", NULL);
    long long message_id = num(r, "response");
    CHECK(users_id > 0);
    CHECK_INT(message_id, users_id + 1);
    cJSON_Delete(r);
    r = sim_getf(&sim, "/sim/vk/message?x=1"); /* GET is refused */
    CHECK_STR(str(r, "error"), "use POST");
    cJSON_Delete(r);
    r = sim_postf(&sim, "/sim/vk/message", "{\"from_id\":%lld,\"text\":\"next\"}", USER);
    CHECK_INT(num(r, "conversation_message_id"), 3); /* the bot's message was 2 */
    cJSON_Delete(r);
    cJSON *calls = vk_calls(&sim, USER, 0);
    CHECK_INT(cJSON_GetArraySize(calls), 1);
    CHECK_STR(str(calls, "0.method"), "messages.send");
    CHECK_INT(num(calls, "0.chat_id"), USER);
    CHECK(cJSON_IsTrue(get(calls, "0.ok")));
    CHECK_STR(str(calls, "0.params.message"), "Здравствуйте!");
    CHECK_STR(str(calls, "0.params.v"), "5.199");
    CHECK(get(calls, "0.params.access_token") == NULL);
    CHECK_INT(num(calls, "0.result"), message_id);
    cJSON_Delete(calls);
    /* A conversation that never wrote cannot be written to. */
    CHECK_INT(send_code(OTHER_USER, 2, "hello", NULL), 901);
}

TEST(peer_ids_answer_one_item_per_conversation)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "hi");
    cJSON *r = send_text(USER, 1, "first", NULL);
    long long first = num(r, "response");
    cJSON_Delete(r);
    /* USER may be written to, OTHER_USER never wrote: that one's error is
     * in its item, and the call itself succeeds. */
    r = vk_send_peer_ids(&sim, "7001,7002", 2, "both");
    CHECK_INT(error_of(r), 0);
    CHECK_INT(cJSON_GetArraySize(get(r, "response")), 2);
    CHECK_INT(num(r, "response.0.peer_id"), USER);
    CHECK_INT(num(r, "response.0.message_id"), first + 1);
    CHECK_INT(num(r, "response.0.conversation_message_id"), 3);
    CHECK(get(r, "response.0.error") == NULL);
    CHECK_INT(num(r, "response.1.peer_id"), OTHER_USER);
    CHECK(get(r, "response.1.message_id") == NULL);
    CHECK_INT(num(r, "response.1.error.code"), 901);
    CHECK_STR(str(r, "response.1.error.description"), "Can't send messages for users without permission");
    cJSON *answered = cJSON_Duplicate(get(r, "response"), 1);
    cJSON_Delete(r);
    /* The log files the call under each conversation, with the array as
     * answered; the harness reads the first item's conversation_message_id. */
    cJSON *calls = vk_calls(&sim, OTHER_USER, 0);
    CHECK_INT(cJSON_GetArraySize(calls), 1);
    CHECK_INT(num(calls, "0.chat_id"), USER);
    CHECK_INT(num(calls, "0.chat_ids.1"), OTHER_USER);
    CHECK(cJSON_Compare(get(calls, "0.result"), answered, 1));
    CHECK_INT(vk_call_message_id(get(calls, "0")), 3);
    cJSON_Delete(calls);
    cJSON_Delete(answered);
    long long seq = 0;
    CHECK(vk_wait_call(&sim, OTHER_USER, &seq, 300) == NULL); /* it reached only USER */

    /* One peer in the list: filed under it alone, still answered as a list. */
    r = vk_send_peer_ids(&sim, "7001", 3, "one");
    CHECK_INT(cJSON_GetArraySize(get(r, "response")), 1);
    CHECK_INT(num(r, "response.0.conversation_message_id"), 4);
    cJSON_Delete(r);
    calls = vk_calls(&sim, USER, 0);
    CHECK_INT(cJSON_GetArraySize(calls), 3);
    CHECK_INT(num(calls, "2.chat_id"), USER);
    CHECK(get(calls, "2.chat_ids") == NULL);
    CHECK_INT(num(calls, "2.result.0.message_id"), first + 2);
    cJSON_Delete(calls);
    seq = 0;
    cJSON *call = vk_wait_call(&sim, USER, &seq, 1000);
    CHECK_INT(vk_call_message_id(call), first); /* a single peer_id: the number answered */
    cJSON_Delete(call);
    call = vk_wait_call(&sim, USER, &seq, 1000);
    CHECK_STR(vk_call_text(call), "both");
    CHECK_INT(vk_call_message_id(call), 3);
    cJSON_Delete(call);

    /* Nobody writable: every item an error, nothing delivered. */
    r = vk_send_peer_ids(&sim, "7002", 4, "nobody");
    CHECK_INT(num(r, "response.0.error.code"), 901);
    cJSON_Delete(r);
    /* Errors about the message itself stay the call's error. */
    r = vk_send_peer_ids(&sim, "7001,7002", 5, " ");
    CHECK_INT(error_of(r), 100);
    CHECK(get(r, "response") == NULL);
    cJSON_Delete(r);
    r = vk_api(&sim, "messages.send", NULL, "peer_ids", "7001,7002", "message", "no random_id", NULL);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    r = vk_send_peer_ids(&sim, "7001,x", 6, "bad list");
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    strbuf list;
    sb_init(&list, 0);
    for (int i = 1; i <= 101; i++) sb_printf(&list, "%s%d", i > 1 ? "," : "", 8000 + i);
    r = vk_send_peer_ids(&sim, sb_str(&list), 7, "too many");
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    sb_free(&list);
    CHECK_INT(send_code(USER, 8, "the counters went on", NULL), 0);
}

TEST(repeated_random_id_is_not_delivered_twice)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "hi");
    vk_say(&sim, OTHER_USER, NULL, "hi");
    cJSON *r = send_text(USER, 77, "once", NULL);
    long long first = num(r, "response");
    cJSON_Delete(r);
    r = send_text(USER, 77, "once", NULL);
    CHECK_INT(num(r, "response"), first);
    cJSON_Delete(r);
    CHECK_INT(send_code(OTHER_USER, 77, "other peer, same random_id", NULL), 0);
    r = send_text(USER, 78, "twice", NULL);
    CHECK_INT(num(r, "response"), first + 2); /* the repeat took no number, OTHER_USER's message did */
    cJSON_Delete(r);
    cJSON *calls = vk_calls(&sim, USER, 0);
    CHECK_INT(cJSON_GetArraySize(calls), 3);
    CHECK(cJSON_IsTrue(get(calls, "1.ok")));
    CHECK_STR(str(calls, "1.fault"), "random_id_repeat");
    CHECK(get(calls, "0.fault") == NULL);
    cJSON_Delete(calls);
    long long seq = 0;
    cJSON *call = vk_wait_call(&sim, USER, &seq, 1000);
    CHECK_STR(vk_call_text(call), "once");
    cJSON_Delete(call);
    call = vk_wait_call(&sim, USER, &seq, 1000);
    CHECK_STR(vk_call_text(call), "twice"); /* the repeat is stepped over */
    CHECK_INT(vk_call_message_id(call), first + 2);
    cJSON_Delete(call);
}

TEST(repeated_random_id_with_peer_ids_answers_the_first_ids)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "hi");
    cJSON *r = vk_send_peer_ids(&sim, "7001", 55, "once");
    long long message_id = num(r, "response.0.message_id");
    CHECK_INT(num(r, "response.0.conversation_message_id"), 2);
    cJSON_Delete(r);
    r = vk_send_peer_ids(&sim, "7001", 55, "once");
    CHECK_INT(num(r, "response.0.message_id"), message_id);
    CHECK_INT(num(r, "response.0.conversation_message_id"), 2);
    cJSON_Delete(r);
    /* The old style finds the same message. */
    r = send_text(USER, 55, "once", NULL);
    CHECK_INT(num(r, "response"), message_id);
    cJSON_Delete(r);
    cJSON *calls = vk_calls(&sim, USER, 0);
    CHECK_INT(cJSON_GetArraySize(calls), 3);
    CHECK(get(calls, "0.fault") == NULL);
    CHECK_STR(str(calls, "1.fault"), "random_id_repeat");
    CHECK_STR(str(calls, "2.fault"), "random_id_repeat");
    cJSON_Delete(calls);
    r = vk_send_peer_ids(&sim, "7001", 56, "next");
    CHECK_INT(num(r, "response.0.message_id"), message_id + 1); /* nothing was delivered meanwhile */
    CHECK_INT(num(r, "response.0.conversation_message_id"), 3);
    cJSON_Delete(r);
    long long seq = 0;
    cJSON *call = vk_wait_call(&sim, USER, &seq, 1000);
    CHECK_STR(vk_call_text(call), "once");
    cJSON_Delete(call);
    call = vk_wait_call(&sim, USER, &seq, 1000);
    CHECK_STR(vk_call_text(call), "next");
    cJSON_Delete(call);
}

TEST(message_text_limits)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "hi");
    strbuf text;
    sb_init(&text, 0);
    for (int i = 0; i < 9000; i++) sb_append(&text, "я", strlen("я"));
    CHECK_INT(send_code(USER, 1, sb_str(&text), NULL), 0); /* 9000 characters, 18000 bytes */
    sb_append(&text, "!", 1);
    cJSON *r = send_text(USER, 2, sb_str(&text), NULL);
    CHECK_INT(error_of(r), 914);
    CHECK_STR(str(r, "error.error_msg"), "Message is too long");
    cJSON_Delete(r);
    sb_free(&text);
    r = send_text(USER, 3, " \n", NULL);
    CHECK_INT(error_of(r), 100);
    CHECK_STR(str(r, "error.error_msg"), "One of the parameters specified was missing or invalid: message is empty");
    /* request_params echo the call, without the token. */
    CHECK_STR(str(r, "error.request_params.0.key"), "method");
    CHECK_STR(str(r, "error.request_params.0.value"), "messages.send");
    const cJSON *p;
    int token_shown = 0, peer_shown = 0;
    cJSON_ArrayForEach(p, get(r, "error.request_params")) {
        token_shown |= str(p, "key") && strcmp(str(p, "key"), "access_token") == 0;
        peer_shown |= str(p, "key") && strcmp(str(p, "key"), "peer_id") == 0;
    }
    CHECK(!token_shown && peer_shown);
    cJSON_Delete(r);
    r = vk_api(&sim, "messages.send", NULL, "peer_id", "7001", "random_id", "4", NULL);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    r = vk_api(&sim, "messages.send", NULL, "peer_id", "7001", "message", "no random_id", NULL);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
}

/* A keyboard of rows x cols callback buttons whose labels are label_len
 * characters ("Ж", two bytes each) and payloads payload_len bytes. */
static char *keyboard(int is_inline, int rows, int cols, int label_len, int payload_len)
{
    strbuf sb;
    sb_init(&sb, 0);
    sb_printf(&sb, "{\"inline\":%s,\"buttons\":[", is_inline ? "true" : "false");
    for (int r = 0; r < rows; r++) {
        sb_printf(&sb, "%s[", r ? "," : "");
        for (int c = 0; c < cols; c++) {
            sb_printf(&sb, "%s{\"action\":{\"type\":\"callback\",\"label\":\"", c ? "," : "");
            for (int i = 0; i < label_len; i++) sb_printf(&sb, "Ж");
            sb_printf(&sb, "\",\"payload\":\"");
            for (int i = 0; i < payload_len; i++) sb_printf(&sb, "p");
            sb_printf(&sb, "\"}}");
        }
        sb_printf(&sb, "]");
    }
    sb_printf(&sb, "]}");
    return sb_take(&sb);
}

static long long keyboard_code(int is_inline, int rows, int cols, int label_len, int payload_len)
{
    static long long random_id = 1000;
    char *kb = keyboard(is_inline, rows, cols, label_len, payload_len);
    long long code = send_code(USER, ++random_id, "choose", kb);
    free(kb);
    return code;
}

TEST(keyboard_limits)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "hi");
    CHECK_INT(keyboard_code(1, 2, 5, 40, 255), 0);  /* 10 inline buttons, longest label and payload */
    CHECK_INT(keyboard_code(1, 6, 1, 5, 5), 0);
    CHECK_INT(keyboard_code(1, 3, 4, 5, 5), 911);   /* 12 inline buttons */
    CHECK_INT(keyboard_code(1, 7, 1, 5, 5), 911);   /* 7 inline rows */
    CHECK_INT(keyboard_code(0, 8, 5, 5, 5), 0);     /* 40 regular buttons */
    CHECK_INT(keyboard_code(0, 9, 5, 5, 5), 911);   /* 45 */
    CHECK_INT(keyboard_code(1, 1, 1, 41, 5), 911);  /* label over 40 characters */
    CHECK_INT(keyboard_code(1, 1, 1, 5, 256), 911); /* payload over 255 bytes */
    cJSON *r = send_text(USER, 5000, "x", "{\"buttons\":[[{\"action\":");
    CHECK_INT(error_of(r), 911);
    CHECK_STR(str(r, "error.error_msg"), "Keyboard format is invalid");
    cJSON_Delete(r);
    CHECK_INT(send_code(USER, 5001, "x", "{\"buttons\":[[{\"action\":{\"type\":\"callback\"}}]]}"), 911);
    CHECK_INT(send_code(USER, 5002, "x", "{\"buttons\":[]}"), 0); /* hides the keyboard */
    /* The button helpers read the keyboard the call carried. */
    long long seq = 0;
    cJSON *call = vk_wait_call(&sim, USER, &seq, 1000);
    const char *payload = vk_button_payload(call, "ЖЖЖ");
    CHECK(payload && strlen(payload) == 255);
    CHECK(vk_button_payload(call, "Q") == NULL);
    cJSON_Delete(call);
}

static long long edit_code(const char *id_name, long long id, const char *text)
{
    char value[32];
    snprintf(value, sizeof value, "%lld", id);
    cJSON *r = vk_api(&sim, "messages.edit", NULL, "peer_id", "7001", id_name, value, "message", text, NULL);
    long long code = error_of(r);
    CHECK(code != 0 || num(r, "response") == 1);
    cJSON_Delete(r);
    return code;
}

TEST(edit_needs_a_message_of_the_bot)
{
    if (sim_fresh(&sim)) return;
    char key[64];
    long long ts;
    lp_server(key, &ts);
    vk_say(&sim, USER, NULL, "hi");
    cJSON *r = a_check(key, ts, 0);
    long long users_id = num(r, "updates.0.object.message.id");
    cJSON_Delete(r);
    r = vk_send_peer_ids(&sim, "7001", 1, "Choose");
    long long message_id = num(r, "response.0.message_id");
    long long cmid = num(r, "response.0.conversation_message_id");
    cJSON_Delete(r);
    CHECK_INT(edit_code("conversation_message_id", cmid, "Chosen"), 0);
    /* message_id is the community-wide id messages.send answered. */
    CHECK_INT(edit_code("message_id", message_id, "Chosen again"), 0);
    CHECK_INT(edit_code("conversation_message_id", 99, "x"), 100);
    CHECK_INT(edit_code("conversation_message_id", 1, "x"), 100); /* the user's own message */
    CHECK_INT(edit_code("message_id", users_id, "x"), 100);       /* the same by its id */
    CHECK_INT(edit_code("message_id", message_id + 100, "x"), 100);
    r = vk_api(&sim, "messages.edit", NULL, "peer_id", "7001", "message", "x", NULL);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    long long seq = 0;
    cJSON *call = vk_wait_call(&sim, USER, &seq, 1000);
    call = (cJSON_Delete(call), vk_wait_call(&sim, USER, &seq, 1000));
    CHECK_STR(str(call, "method"), "messages.edit");
    CHECK_STR(vk_call_text(call), "Chosen");
    CHECK_INT(vk_call_message_id(call), cmid);
    call = (cJSON_Delete(call), vk_wait_call(&sim, USER, &seq, 1000));
    CHECK_STR(vk_call_text(call), "Chosen again");
    CHECK_INT(vk_call_message_id(call), message_id); /* the parameter as given */
    cJSON_Delete(call);
}

TEST(callback_event_is_answered_once)
{
    if (sim_fresh(&sim)) return;
    char key[64];
    long long ts;
    lp_server(key, &ts);
    vk_say(&sim, USER, NULL, "hi");
    cJSON *r = sim_postf(&sim, "/sim/vk/event",
                         "{\"user_id\":%lld,\"peer_id\":%lld,\"payload\":{\"b\":\"role:mentor\"},\"conversation_message_id\":2}",
                         USER, USER);
    const char *event_id = str(r, "event_id");
    char id[32];
    snprintf(id, sizeof id, "%s", event_id ? event_id : "");
    CHECK(strlen(id) == 12 && strspn(id, "0123456789abcdef") == 12);
    long long number = num(r, "event");
    cJSON_Delete(r);
    r = a_check(key, number, 0);
    const cJSON *e = get(r, "updates.0");
    CHECK_STR(str(e, "type"), "message_event");
    CHECK_INT(num(e, "object.user_id"), USER);
    CHECK_INT(num(e, "object.peer_id"), USER);
    CHECK_STR(str(e, "object.event_id"), id);
    CHECK_STR(str(e, "object.payload.b"), "role:mentor");
    CHECK_INT(num(e, "object.conversation_message_id"), 2);
    cJSON_Delete(r);
    r = vk_api(&sim, "messages.sendMessageEventAnswer", NULL, "event_id", id, "user_id", "7001", "peer_id", "7001",
               NULL);
    CHECK_INT(num(r, "response"), 1);
    cJSON_Delete(r);
    r = vk_api(&sim, "messages.sendMessageEventAnswer", NULL, "event_id", id, "user_id", "7001", "peer_id", "7001",
               NULL);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    r = vk_api(&sim, "messages.sendMessageEventAnswer", NULL, "event_id", "ffffffffffff", "user_id", "7001",
               "peer_id", "7001", NULL);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    cJSON *calls = vk_calls(&sim, USER, 0);
    CHECK_INT(cJSON_GetArraySize(calls), 3);
    CHECK_STR(str(calls, "0.method"), "messages.sendMessageEventAnswer");
    CHECK(cJSON_IsTrue(get(calls, "0.ok")) && cJSON_IsFalse(get(calls, "1.ok")));
    cJSON_Delete(calls);
    long long seq = 0;
    CHECK(vk_wait_call(&sim, USER, &seq, 300) == NULL); /* answers show nothing in the chat */
    /* vk_press sends the payload as an object, or as a string when it is not JSON. */
    CHECK(vk_press(&sim, USER, 2, "{\"b\":\"x\"}") > 0);
    long long plain = vk_press(&sim, USER, 2, "not json");
    r = a_check(key, plain, 0);
    CHECK_STR(str(r, "updates.0.object.payload"), "not json");
    cJSON_Delete(r);
}

TEST(unknown_method_and_missing_token)
{
    if (sim_fresh(&sim)) return;
    long status = 0;
    cJSON *r = vk_api(&sim, "messages.fly", &status, NULL);
    CHECK_INT(status, 200);
    CHECK_INT(error_of(r), 3);
    CHECK_STR(str(r, "error.error_msg"), "Unknown method passed");
    cJSON_Delete(r);
    const char *form = "v=5.199&peer_id=1";
    char *raw = sim_request_raw(&sim, "POST", "/method/messages.send", "application/x-www-form-urlencoded", form,
                                strlen(form), &status);
    r = raw ? cJSON_Parse(raw) : NULL;
    CHECK_INT(error_of(r), 5);
    cJSON_Delete(r);
    free(raw);
    r = sim_getf(&sim, "/method/messages.send/extra");
    CHECK_STR(str(r, "error"), "not found");
    cJSON_Delete(r);
}

int main(void)
{
    unsetenv("MENTORBOT_SIM_DIR");   /* the simulator under test is the sanitized one */
    sim_up = sim_start(&sim) == 0;
    RUN(settings_and_long_poll_server);
    RUN(user_message_comes_out_of_a_check);
    RUN(a_check_is_held_until_an_event_or_wait);
    RUN(a_check_hands_out_at_most_100_events);
    RUN(bad_key_and_ts_are_failures);
    RUN(settings_decide_which_events_are_made);
    RUN(send_answers_with_the_community_message_id);
    RUN(peer_ids_answer_one_item_per_conversation);
    RUN(repeated_random_id_is_not_delivered_twice);
    RUN(repeated_random_id_with_peer_ids_answers_the_first_ids);
    RUN(message_text_limits);
    RUN(keyboard_limits);
    RUN(edit_needs_a_message_of_the_bot);
    RUN(callback_event_is_answered_once);
    RUN(unknown_method_and_missing_token);
    RUN(simulator_exits_cleanly);
    return unit_summary();
}
