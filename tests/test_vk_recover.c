/*
 * Reading back what a lost Long Poll skipped (bot/vk/vk_recover.c): which
 * conversations are read, which messages of a history become events, and
 * that a message keeps one inbox key whichever way it came. Also the inbox
 * window for update ids that start over (storage/records.c).
 */
#include "tests/unit.h"

#include "bot/vk/vk_parse.h"
#include "bot/vk/vk_recover.h"
#include "storage/records.h"
#include "util/clock.h"

#include <stdio.h>
#include <string.h>

static cJSON *parse(const char *json)
{
    cJSON *j = cJSON_Parse(json);
    CHECK(j != NULL);
    return j;
}

/* The conversation_message_id of the first event's message. */
static long long first_cmid(const cJSON *events)
{
    const cJSON *m = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(events, 0), "object"), "message");
    return (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(m, "conversation_message_id"));
}

TEST(conversations_read_back_are_the_private_ones)
{
    cJSON *r = parse("{\"count\":3,\"items\":["
                     "{\"conversation\":{\"peer\":{\"id\":100001,\"type\":\"user\"}},\"last_message\":{}},"
                     "{\"conversation\":{\"peer\":{\"id\":2000000001,\"type\":\"chat\"}},\"last_message\":{}},"
                     "{\"conversation\":{\"peer\":{\"id\":\"100002\",\"type\":\"user\"}}},"
                     "{\"conversation\":{}}]}");
    int64_t peers[4];
    CHECK_INT(vk_recover_peers(r, peers, 4), 2);
    CHECK_INT(peers[0], 100001);
    CHECK_INT(peers[1], 100002);
    CHECK_INT(vk_recover_peers(r, peers, 1), 1);
    CHECK_INT(vk_recover_peers(NULL, peers, 4), 0);
    cJSON_Delete(r);
}

TEST(only_the_users_messages_after_the_last_answer_become_events)
{
    /* newest first, as VK gives it */
    cJSON *r = parse("{\"count\":5,\"items\":["
                     "{\"id\":15,\"from_id\":100001,\"peer_id\":100001,\"out\":0,\"conversation_message_id\":5,\"text\":\"third\"},"
                     "{\"id\":14,\"from_id\":100001,\"peer_id\":100001,\"out\":0,\"conversation_message_id\":4,\"text\":\"second\"},"
                     "{\"id\":13,\"from_id\":-229000001,\"peer_id\":100001,\"out\":1,\"conversation_message_id\":3,\"text\":\"answer\"},"
                     "{\"id\":12,\"from_id\":100001,\"peer_id\":100001,\"out\":0,\"conversation_message_id\":2,\"text\":\"old\"}]}");
    cJSON *events = cJSON_CreateArray();
    CHECK_INT(vk_recover_events(r, 100001, 229000001, 0, events), 2);
    /* oldest first, in the Long Poll's shape, read as the Long Poll's are */
    event ev;
    int64_t key;
    const char *kind;
    char buf[128];
    CHECK_INT(vk_update_to_event(cJSON_GetArrayItem(events, 0), &ev, &key, &kind, buf, sizeof buf), MB_OK);
    CHECK_STR(kind, "message_new");
    CHECK_STR(ev.text, "second");
    CHECK_INT(ev.chat_id, 100001);
    CHECK_INT(ev.message_id, 4);
    CHECK_INT(vk_update_to_event(cJSON_GetArrayItem(events, 1), &ev, &key, &kind, buf, sizeof buf), MB_OK);
    CHECK_STR(ev.text, "third");
    cJSON_Delete(events);
    /* a message the bot knows already (handled through the Long Poll) is not read back */
    events = cJSON_CreateArray();
    CHECK_INT(vk_recover_events(r, 100001, 229000001, 4, events), 1);
    CHECK_INT(first_cmid(events), 5);
    cJSON_Delete(events);
    /* a conversation the community answered last gives nothing */
    cJSON *answered = parse("{\"items\":[{\"from_id\":-229000001,\"peer_id\":100001,\"out\":1,"
                            "\"conversation_message_id\":3}]}");
    events = cJSON_CreateArray();
    CHECK_INT(vk_recover_events(answered, 100001, 229000001, 0, events), 0);
    CHECK_INT(vk_recover_events(NULL, 100001, 229000001, 0, events), 0);
    cJSON_Delete(events);
    cJSON_Delete(answered);
    cJSON_Delete(r);
}

TEST(a_message_has_one_key_per_conversation_and_number)
{
    CHECK(vk_message_key(100001, 4) > 0);
    CHECK_INT(vk_message_key(100001, 4), vk_message_key(100001, 4));
    CHECK(vk_message_key(100001, 4) != vk_message_key(100001, 5));
    CHECK(vk_message_key(100001, 4) != vk_message_key(100002, 4));
}

TEST(inbox_rows_of_an_earlier_numbering_are_no_duplicates)
{
    char path[512];
    snprintf(path, sizeof path, "%s/inbox-window.db", unit_tmpdir());
    db *d = NULL;
    char err[256] = "";
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    if (!d) return;
    clock_set_ms(1000000);
    CHECK_INT(inbox_insert_since(d, "tg", 100000, "message", 0), MB_OK);
    CHECK_INT(inbox_mark(d, "tg", 100000, "done", NULL), MB_OK);
    CHECK_INT(inbox_insert_since(d, "tg", 100000, "message", 0), MB_ERR_EXISTS);
    /* the ids started over at 2 000 000 ms: the old row no longer counts */
    clock_set_ms(3000000);
    CHECK_INT(inbox_insert_since(d, "tg", 100000, "callback_query", 2000000), MB_OK);
    CHECK_STR(unit_sql_text(db_handle(d), "SELECT kind || ' ' || status FROM inbox WHERE update_id = 100000"),
              "callback_query received");
    /* a repeat inside the new numbering still does */
    CHECK_INT(inbox_insert_since(d, "tg", 100000, "callback_query", 2000000), MB_ERR_EXISTS);
    clock_release();
    db_close(d);
}

int main(void)
{
    RUN(conversations_read_back_are_the_private_ones);
    RUN(only_the_users_messages_after_the_last_answer_become_events);
    RUN(a_message_has_one_key_per_conversation_and_number);
    RUN(inbox_rows_of_an_earlier_numbering_are_no_duplicates);
    return unit_summary();
}
