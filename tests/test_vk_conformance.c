/*
 * The VK conformance corpus (shared/conformance/vk) through the real parser
 * and, for events, the real intake and dispatcher on a real database: every
 * file parses, API errors keep their codes, Long Poll failures are told
 * apart, and events are handled exactly once.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"
#include "tests/unit_messengers.h"

#include "bot/intake.h"
#include "bot/vk/vk_parse.h"
#include "handlers/context.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "util/i18n.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

#define CORPUS_MIN_FILES 25
#define BATCH_MAX 16

static i18n *texts;
static bot_env env;

static char *read_corpus(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/conformance/vk/%s", unit_shared_dir(), name);
    return unit_read_file(path, len);
}

/* Applies a list of events twice on a fresh database; returns it for checks
 * (caller closes) and the first pass's statistics. */
static db *apply_twice(const cJSON *updates, intake_stats *first)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) return NULL;
    static char bufs[BATCH_MAX][EVENT_BUTTON_DATA_MAX + 1];
    intake_item items[BATCH_MAX];
    int n = 0;
    const cJSON *u;
    cJSON_ArrayForEach(u, updates) {
        if (n == BATCH_MAX) break;
        memset(&items[n], 0, sizeof items[n]);
        if (vk_update_to_event(u, &items[n].ev, &items[n].update_id, &items[n].kind, bufs[n], sizeof bufs[n]) ==
            MB_OK)
            n++;
    }
    memset(first, 0, sizeof *first);
    CHECK_INT(intake_apply(d, &env, "vk", items, n, "vk_ts", 1, first), MB_OK);
    intake_stats again = {0};
    CHECK_INT(intake_apply(d, &env, "vk", items, n, "vk_ts", 1, &again), MB_OK);
    CHECK_INT(again.duplicates, n);
    CHECK_INT(again.handled + again.failed + again.ignored, 0);
    return d;
}

TEST(every_file_parses_as_what_it_is)
{
    char path[1024], **names;
    snprintf(path, sizeof path, "%s/conformance/vk", unit_shared_dir());
    int files = unit_list_dir(path, ".json", &names);
    for (int f = 0; f < files; f++) {
        size_t len;
        char *body = read_corpus(names[f], &len);
        CHECK(body != NULL);
        cJSON *root = json_parse_limited(body, len, VK_BODY_MAX, NULL);
        CHECK(root != NULL);
        if (json_obj(root, "error") || cJSON_GetObjectItem(root, "response")) {
            vk_reply r;
            CHECK_INT(vk_parse_reply(body, len, &r), MB_OK);
            CHECK(r.ok || r.error_code > 0);
            vk_reply_free(&r);
        } else if (cJSON_GetObjectItem(root, "ts") || cJSON_GetObjectItem(root, "failed")) {
            vk_check c;
            CHECK_INT(vk_parse_check(body, len, &c), MB_OK);
            vk_check_free(&c);
        } else {
            event ev;
            int64_t key;
            const char *kind;
            char buf[80];
            CHECK_INT(vk_update_to_event(root, &ev, &key, &kind, buf, sizeof buf), MB_OK);
            CHECK(key > 0);
        }
        cJSON_Delete(root);
        free(body);
    }
    unit_free_names(names, files);
    CHECK(files >= CORPUS_MIN_FILES);
}

static int error_code_of(const char *name, char *captcha, size_t size)
{
    size_t len;
    char *body = read_corpus(name, &len);
    vk_reply r;
    int code = -1;
    if (body && vk_parse_reply(body, len, &r) == MB_OK) {
        code = r.ok ? 0 : r.error_code;
        if (captcha) snprintf(captcha, size, "%s", r.captcha_sid);
    }
    vk_reply_free(&r);
    free(body);
    return code;
}

TEST(api_errors_keep_their_codes)
{
    char sid[64];
    CHECK_INT(error_code_of("error_5_token_other_ip.json", NULL, 0), 5);
    CHECK_INT(error_code_of("error_5_invalid_access_token.json", NULL, 0), 5);
    CHECK_INT(error_code_of("error_6_minimal_synthetic_msg.json", NULL, 0), 6);
    CHECK_INT(error_code_of("error_7_permission_denied.json", NULL, 0), 7);
    CHECK_INT(error_code_of("error_10_internal_no_request_params.json", NULL, 0), 10);
    CHECK_INT(error_code_of("error_14_captcha_needed.json", sid, sizeof sid), 14);
    CHECK_STR(sid, "548747100691");
    CHECK_INT(error_code_of("error_15_access_denied.json", NULL, 0), 15);
    CHECK_INT(error_code_of("execute_errors_null_response.json", NULL, 0), 1);
    CHECK_INT(error_code_of("groups_getLongPollServer_response.json", NULL, 0), 0);
}

TEST(long_poll_servers_and_failures)
{
    size_t len;
    char *body = read_corpus("groups_getLongPollServer_response.json", &len);
    vk_reply r;
    vk_server s;
    CHECK_INT(vk_parse_reply(body, len, &r), MB_OK);
    CHECK_INT(vk_parse_server(r.response, &s), MB_OK);
    CHECK_STR(s.key, "123123123");
    CHECK_STR(s.server, "https://lp.vk.com/wh654327632");
    CHECK_INT(s.ts, 1);
    vk_reply_free(&r);
    free(body);
    body = read_corpus("messages_getLongPollServer_user_lp.json", &len);
    CHECK_INT(vk_parse_reply(body, len, &r), MB_OK);
    CHECK_INT(vk_parse_server(r.response, &s), MB_OK);
    CHECK(strncmp(s.server, "https://", 8) == 0);   /* a bare host gets a scheme */
    vk_reply_free(&r);
    free(body);

    static const struct { const char *file; int failed; int has_ts; long long ts; } cases[] = {
        {"a_check_failed_1_with_ts.json", 1, 1, 10},
        {"a_check_failed_2.json", 2, 0, 0},
        {"a_check_failed_3.json", 3, 0, 0},
        {"a_check_empty_updates_same_ts.json", 0, 1, 3},
        {"a_check_empty_updates_string_ts.json", 0, 1, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vk_check c;
        body = read_corpus(cases[i].file, &len);
        CHECK_INT(vk_parse_check(body, len, &c), MB_OK);
        CHECK_INT(c.failed, cases[i].failed);
        CHECK_INT(c.has_ts, cases[i].has_ts);
        if (cases[i].ts >= 0 && cases[i].has_ts) CHECK_INT(c.ts, cases[i].ts);
        if (!cases[i].failed) CHECK_INT(cJSON_GetArraySize(c.updates), 0);
        vk_check_free(&c);
        free(body);
    }
    vk_check c;
    CHECK_INT(vk_parse_check("{\"failed\":7}", 12, &c), MB_ERR_PARSE);
    vk_check_free(&c);
    CHECK_INT(vk_parse_check("\xEF\xBB\xBF{\"ts\":\"5\",\"updates\":[]}", 26, &c), MB_OK);   /* byte-order mark */
    CHECK_INT(c.ts, 5);
    vk_check_free(&c);
    CHECK_INT(vk_parse_check("{\"ts\":5,\"updates\":[", 19, &c), MB_ERR_PARSE);   /* truncated */
    vk_check_free(&c);
}

TEST(a_private_message_from_a_stranger_gets_the_invite_hint_once)
{
    size_t len;
    char *body = read_corpus("a_check_message_new_private_v5131.json", &len);
    vk_check c;
    CHECK_INT(vk_parse_check(body, len, &c), MB_OK);
    intake_stats st;
    db *d = apply_twice(c.updates, &st);
    CHECK_INT(st.handled, 1);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE platform = 'vk' AND chat_id = ?1", 87641997), 1);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1 AND body LIKE '%/start%'", 87641997), 1);
    db_close(d);
    vk_check_free(&c);
    free(body);
}

TEST(mixed_batches_legacy_and_chat_events_are_handled_or_ignored)
{
    size_t len;
    char *body = read_corpus("a_check_wall_post_and_message_new_TRANSCRIBED.json", &len);
    vk_check c;
    CHECK_INT(vk_parse_check(body, len, &c), MB_OK);
    intake_stats st;
    db *d = apply_twice(c.updates, &st);
    CHECK_INT(st.ignored, 1);   /* the wall post */
    CHECK_INT(st.handled + st.ignored, 2);
    db_close(d);
    vk_check_free(&c);
    free(body);

    /* single events: a chat button press, a chat menu message, a legacy edit,
     * a kick service message: nothing is queued for any of them */
    static const char *const singles[] = {"callback_message_event_week.json", "callback_message_new_chat_cyrillic_menu.json",
                                          "update_message_edit_legacy.json", "callback_message_new_legacy_chat_kick_user.json",
                                          "update_message_reply_legacy.json"};
    for (size_t i = 0; i < sizeof singles / sizeof singles[0]; i++) {
        body = read_corpus(singles[i], &len);
        cJSON *arr = cJSON_CreateArray();
        cJSON_AddItemToArray(arr, json_parse_limited(body, len, VK_BODY_MAX, NULL));
        d = apply_twice(arr, &st);
        CHECK_INT(st.failed, 0);
        CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE ?1 = ?1", 0), 0);
        db_close(d);
        cJSON_Delete(arr);
        free(body);
    }
}

TEST(message_deny_marks_a_known_person_unreachable)
{
    char path[512], err[256];
    db *d = unit_db_open(path, sizeof path);
    int64_t id;
    CHECK_INT(account_create(d, "vk", 123, 123, "ru", &id), MB_OK);
    db_close(d);
    size_t len;
    char *body = read_corpus("update_message_deny.json", &len);
    cJSON *arr = cJSON_CreateArray();
    cJSON_AddItemToArray(arr, json_parse_limited(body, len, VK_BODY_MAX, NULL));
    event ev;
    int64_t key;
    const char *kind;
    char buf[80];
    CHECK_INT(vk_update_to_event(cJSON_GetArrayItem(arr, 0), &ev, &key, &kind, buf, sizeof buf), MB_OK);
    CHECK_INT(ev.kind, EVENT_BLOCKED);
    CHECK_INT(ev.user_id, 123);
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    intake_item item;
    memset(&item, 0, sizeof item);
    item.ev = ev;
    item.update_id = key;
    item.kind = kind;
    intake_stats st = {0};
    CHECK_INT(intake_apply(d, &env, "vk", &item, 1, NULL, 0, &st), MB_OK);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM identities WHERE platform = 'vk' AND user_id = ?1"
                           " AND unreachable_at IS NOT NULL", 123), 1);
    db_close(d);
    cJSON_Delete(arr);
    free(body);
}

/*
 * VK user ids are positive; a negative id is a community. Button presses
 * and permission changes from 0 or a negative id are ignored (no answer
 * queued, no identity touched), as messages from them already were. The
 * same events from a real user are acted on, so the check can fail.
 */
TEST(events_from_user_id_zero_or_negative_are_refused)
{
    static const long long users[] = {0, -5, -218375169, 5};
    static const char *const shapes[] = {
        "{\"type\":\"message_event\",\"event_id\":\"a%lld\",\"object\":{\"user_id\":%lld,\"peer_id\":%lld,"
        "\"event_id\":\"x\",\"payload\":{\"b\":\"m:help\"}}}",
        "{\"type\":\"message_deny\",\"event_id\":\"b%lld\",\"object\":{\"user_id\":%lld,\"peer_id\":%lld}}",
        "{\"type\":\"message_allow\",\"event_id\":\"c%lld\",\"object\":{\"user_id\":%lld,\"key\":\"%lld\"}}",
        "{\"type\":\"message_new\",\"event_id\":\"d%lld\",\"object\":{\"message\":{\"from_id\":%lld,"
        "\"peer_id\":%lld,\"text\":\"/start ABCDEFGH\"}}}",
    };
    static const event_kind real_kind[] = {EVENT_BUTTON, EVENT_BLOCKED, EVENT_UNBLOCKED, EVENT_MESSAGE};
    for (size_t u = 0; u < sizeof users / sizeof users[0]; u++) {
        long long user = users[u];
        int real = user > 0;
        cJSON *arr = cJSON_CreateArray();
        for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
            char text[512];
            snprintf(text, sizeof text, shapes[k], (long long)u, user, user);
            cJSON *ev_json = cJSON_Parse(text);
            CHECK(ev_json != NULL);
            event ev;
            int64_t key;
            const char *kind;
            char buf[80];
            CHECK_INT(vk_update_to_event(ev_json, &ev, &key, &kind, buf, sizeof buf), MB_OK);
            CHECK_INT(ev.kind, real ? real_kind[k] : EVENT_NONE);
            if (!real) CHECK(ev.ignore_reason != NULL);
            cJSON_AddItemToArray(arr, ev_json);
        }
        intake_stats st;
        db *d = apply_twice(arr, &st);
        CHECK(d != NULL);
        if (d) {
            CHECK_INT(st.ignored, real ? 0 : 4);
            CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE kind = 'answer'", 0), real);
            CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM accounts", 0), 0);
            db_close(d);
        }
        cJSON_Delete(arr);
    }
}

/* Photos and documents become the list of references messages.send takes
 * back, with their access keys; a key that could smuggle in another item
 * is refused. */
TEST(attachments_become_references_with_their_access_keys)
{
    static const char message[] =
        "{\"type\":\"message_new\",\"event_id\":\"e1\",\"object\":{\"message\":{\"from_id\":5,"
        "\"peer_id\":5,\"text\":\"вот\",\"conversation_message_id\":3,\"attachments\":["
        "{\"type\":\"sticker\",\"sticker\":{\"sticker_id\":1}},"
        "{\"type\":\"photo\",\"photo\":{\"id\":457239017,\"owner_id\":5,\"access_key\":\"ab12cd\","
        "\"sizes\":[{\"type\":\"x\",\"width\":604,\"height\":453}]}}]}}}";
    static const char doc[] =
        "{\"type\":\"message_new\",\"event_id\":\"e2\",\"object\":{\"message\":{\"from_id\":5,"
        "\"peer_id\":5,\"text\":\"\",\"conversation_message_id\":4,\"attachments\":["
        "{\"type\":\"doc\",\"doc\":{\"id\":600001,\"owner_id\":5,\"title\":\"план.pdf\",\"size\":2048,"
        "\"ext\":\"pdf\",\"access_key\":\"k9\"}},{\"type\":\"link\",\"link\":{\"url\":\"https://x\"}},"
        "{\"type\":\"photo\",\"photo\":{\"id\":7,\"owner_id\":-3}}]}}}";
    static const char forged[] =
        "{\"type\":\"message_new\",\"event_id\":\"e3\",\"object\":{\"message\":{\"from_id\":5,"
        "\"peer_id\":5,\"text\":\"\",\"attachments\":[{\"type\":\"photo\",\"photo\":{\"id\":1,"
        "\"owner_id\":5,\"access_key\":\"a,doc-1_2\"}}]}}}";
    event ev;
    int64_t key;
    const char *kind;
    char buf[80];
    cJSON *u = cJSON_Parse(message);
    CHECK_INT(vk_update_to_event(u, &ev, &key, &kind, buf, sizeof buf), MB_OK);
    CHECK_INT(ev.kind, EVENT_MESSAGE);
    CHECK_INT(ev.attachment.kind, EVENT_ATTACHMENT_PHOTO);
    CHECK_STR(ev.attachment.ref, "photo5_457239017_ab12cd");
    CHECK_INT(ev.attachment.count, 1);
    CHECK_STR(ev.text, "вот");
    cJSON_Delete(u);
    u = cJSON_Parse(doc);
    CHECK_INT(vk_update_to_event(u, &ev, &key, &kind, buf, sizeof buf), MB_OK);
    CHECK_INT(ev.attachment.kind, EVENT_ATTACHMENT_DOCUMENT);
    CHECK_STR(ev.attachment.ref, "doc5_600001_k9,photo-3_7");
    CHECK_INT(ev.attachment.count, 2);
    CHECK_STR(ev.attachment.file_name, "план.pdf");
    CHECK_INT(ev.attachment.file_size, 2048);
    CHECK(ev.text == NULL);
    cJSON_Delete(u);
    u = cJSON_Parse(forged);
    CHECK_INT(vk_update_to_event(u, &ev, &key, &kind, buf, sizeof buf), MB_OK);
    CHECK_INT(ev.kind, EVENT_MESSAGE);
    CHECK_INT(ev.attachment.kind, EVENT_ATTACHMENT_NONE);
    cJSON_Delete(u);
}

TEST(button_payloads_as_strings_or_objects)
{
    static const char *const updates[] = {
        "{\"type\":\"message_event\",\"event_id\":\"e1\",\"object\":{\"user_id\":5,\"peer_id\":5,\"event_id\":\"x\","
        "\"payload\":{\"b\":\"consent:yes\"},\"conversation_message_id\":7}}",
        "{\"type\":\"message_event\",\"event_id\":\"e2\",\"object\":{\"user_id\":5,\"peer_id\":5,\"event_id\":\"y\","
        "\"payload\":\"{\\\"b\\\":\\\"lang:en\\\"}\"}}",
        "{\"type\":\"message_new\",\"event_id\":\"e3\",\"object\":{\"message\":{\"from_id\":5,\"peer_id\":5,\"text\":\"English\","
        "\"payload\":\"{\\\"b\\\":\\\"lang:en\\\"}\"},\"client_info\":{\"lang_id\":3}}}",
    };
    static const char *const want[] = {"consent:yes", "lang:en", "lang:en"};
    for (int i = 0; i < 3; i++) {
        cJSON *u = cJSON_Parse(updates[i]);
        event ev;
        int64_t key;
        const char *kind;
        char buf[80];
        CHECK_INT(vk_update_to_event(u, &ev, &key, &kind, buf, sizeof buf), MB_OK);
        CHECK_INT(ev.kind, EVENT_BUTTON);
        CHECK_STR(ev.button_data, want[i]);
        CHECK(ev.is_private);
        if (i == 2) CHECK_STR(ev.language_code, "en");
        cJSON_Delete(u);
    }
    /* a payload this bot did not send is not a button press */
    cJSON *u = cJSON_Parse("{\"type\":\"message_event\",\"object\":{\"user_id\":5,\"peer_id\":5,\"payload\":{\"cmd\":1}}}");
    event ev;
    int64_t key;
    const char *kind;
    char buf[80];
    CHECK_INT(vk_update_to_event(u, &ev, &key, &kind, buf, sizeof buf), MB_OK);
    CHECK_INT(ev.kind, EVENT_NONE);
    cJSON_Delete(u);
    /* missing fields never crash */
    static const char *const broken[] = {"{}", "[]", "{\"type\":\"message_new\"}", "{\"type\":1,\"object\":{}}",
                                         "{\"type\":\"message_new\",\"object\":{\"message\":{}}}"};
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        u = cJSON_Parse(broken[i]);
        mb_status rc = vk_update_to_event(u, &ev, &key, &kind, buf, sizeof buf);
        CHECK(rc == MB_ERR_PARSE || ev.kind == EVENT_NONE);
        cJSON_Delete(u);
    }
}

int main(void)
{
    texts = unit_load_catalogs();
    env = (bot_env){.texts = texts, .default_language = "ru", .consent_age = 14};
    unit_register_messengers("mentorbot_sim_bot", 229000001, NULL);
    RUN(every_file_parses_as_what_it_is);
    RUN(api_errors_keep_their_codes);
    RUN(long_poll_servers_and_failures);
    RUN(a_private_message_from_a_stranger_gets_the_invite_hint_once);
    RUN(mixed_batches_legacy_and_chat_events_are_handled_or_ignored);
    RUN(message_deny_marks_a_known_person_unreachable);
    RUN(button_payloads_as_strings_or_objects);
    RUN(events_from_user_id_zero_or_negative_are_refused);
    RUN(attachments_become_references_with_their_access_keys);
    i18n_free(texts);
    return unit_summary();
}
