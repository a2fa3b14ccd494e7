/*
 * The MAX conformance corpus (tests/conformance/max, see its README.md for
 * where each payload comes from) through the real parser: every file reads
 * as what it is, and each update gives the event a handler would see, with
 * the same duplicate key whether it came by long poll or by webhook.
 */
#include "tests/unit.h"

#include "bot/max/max.h"
#include "bot/max/max_parse.h"
#include "bot/max/max_subs.h"
#include "util/invite_code.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

#define CORPUS_DIR "tests/conformance/max"
#define CORPUS_MIN_FILES 31

static char *read_corpus(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, name);
    return unit_read_file(path, len);
}

/* One parsed update and the event made of it; the event borrows from it. */
typedef struct parsed {
    cJSON *root;            /* the whole file */
    event ev;
    int64_t key;
    const char *kind;
    max_event_storage storage;
    int64_t marker;         /* long-poll files: the batch's marker, else -1 */
} parsed;

/* The first update of a long-poll file, or a webhook body. */
static int parse_file(const char *name, parsed *p)
{
    memset(p, 0, sizeof *p);
    p->marker = -1;
    size_t len;
    char *body = read_corpus(name, &len);
    if (!body) return -1;
    const cJSON *update;
    if (strncmp(name, "updates_", 8) == 0) {
        max_update_list l;
        if (max_parse_updates(body, len, &l)) {
            max_update_list_free(&l);
            free(body);
            return -1;
        }
        p->marker = l.has_marker ? l.marker : -1;
        p->root = l.root;
        update = cJSON_GetArrayItem(l.updates, 0);
    } else {
        char why[128];
        cJSON *u;
        if (max_parse_webhook(body, len, &u, why, sizeof why)) {
            free(body);
            return -1;
        }
        p->root = u;
        update = u;
    }
    free(body);
    if (!update) return 0;
    return max_update_to_event(update, &p->ev, &p->key, &p->kind, &p->storage) == MB_OK ? 0 : -1;
}

TEST(every_file_reads_as_what_it_is)
{
    char **names;
    int files = unit_list_dir(CORPUS_DIR, ".json", &names);
    for (int f = 0; f < files; f++) {
        const char *name = names[f];
        size_t len;
        char *body = read_corpus(name, &len);
        CHECK(body != NULL);
        if (!body) continue;
        if (strncmp(name, "updates_", 8) == 0) {
            max_update_list l;
            CHECK_INT(max_parse_updates(body, len, &l), MB_OK);
            const cJSON *u;
            cJSON_ArrayForEach(u, l.updates) {
                parsed p;
                CHECK_INT(max_update_to_event(u, &p.ev, &p.key, &p.kind, &p.storage), MB_OK);
                CHECK(p.key > 0);
                CHECK(p.ev.kind != EVENT_NONE || p.ev.ignore_reason);
            }
            max_update_list_free(&l);
        } else if (strncmp(name, "webhook_", 8) == 0) {
            parsed p;
            CHECK_INT(parse_file(name, &p), 0);
            CHECK(p.key > 0);
            CHECK_STR(p.ev.platform, "max");
            cJSON_Delete(p.root);
        } else {
            /* answers to API calls: errors keep their key, the rest is ok */
            max_reply r;
            long status = strncmp(name, "error_", 6) == 0 ? 400 : 200;
            CHECK_INT(max_parse_reply(body, len, status, &r), MB_OK);
            if (status == 400) CHECK(!r.ok && r.code[0]);
            else CHECK(r.ok || strcmp(r.code, "success.false") == 0);
            max_reply_free(&r);
        }
        free(body);
    }
    unit_free_names(names, files);
    CHECK(files >= CORPUS_MIN_FILES);
}

TEST(a_message_in_a_group_chat_keeps_the_chat_and_the_marker)
{
    parsed p;
    CHECK_INT(parse_file("updates_message_created.json", &p), 0);
    CHECK_INT(p.marker, 25493970);
    CHECK_INT(p.ev.kind, EVENT_MESSAGE);
    CHECK_STR(p.kind, "message_created");
    CHECK_INT(p.ev.user_id, 123456789);
    CHECK_INT(p.ev.chat_id, -70801090403050LL);
    CHECK_INT(p.ev.is_private, 0);
    CHECK_STR(p.ev.text, "...");
    CHECK_STR(p.ev.first_name, "John");
    CHECK_INT(p.ev.message_id, 1775025604499LL);   /* the update's time orders the chat (its seq passes 2^53) */
    CHECK_INT(p.ev.platform_chat_id, 0);           /* a group chat: its id is the chat's own */
    cJSON_Delete(p.root);
}

TEST(a_button_press_in_a_dialog_answers_to_the_user)
{
    parsed p;
    CHECK_INT(parse_file("webhook_message_callback.json", &p), 0);
    CHECK_INT(p.ev.kind, EVENT_BUTTON);
    CHECK_INT(p.ev.user_id, 123456789);
    CHECK_INT(p.ev.chat_id, 123456789);   /* the dialog is the user's, not chat 182182182 */
    CHECK_INT(p.ev.is_private, 1);
    CHECK_STR(p.ev.button_data, "picture");
    CHECK_STR(p.ev.button_id, "f9LHodD0cOJf4_DkJGeq8BkDgc5vgSwZocVrn44oirfMzUQ4mv5k_h1-yQvExmZNjV7gVcaO2Z3Gv6LJpZQ-nj_"
                              "0HTcX7NwSdT4fDtXou9i0A51TjSj9");
    CHECK_STR(p.ev.button_message, "mid.000000000adf429c019d47d58f2b3d9e");   /* an edit goes by it */
    CHECK_INT(p.ev.platform_chat_id, 182182182);   /* the dialog's own id, which lists its messages */
    CHECK_STR(p.ev.language_code, "ru");
    cJSON_Delete(p.root);

    CHECK_INT(parse_file("webhook_message_callback_message_deleted.json", &p), 0);
    CHECK_INT(p.ev.kind, EVENT_BUTTON);
    CHECK_INT(p.ev.chat_id, 123456789);
    CHECK_STR(p.ev.button_data, "role:mentor");
    CHECK_STR(p.ev.button_message, "");   /* no message: the handler sends a new one */
    cJSON_Delete(p.root);
}

TEST(bot_started_is_a_start_command_with_the_invite_code)
{
    parsed p;
    CHECK_INT(parse_file("webhook_bot_started_deep_link.json", &p), 0);
    CHECK_INT(p.ev.kind, EVENT_MESSAGE);
    CHECK_STR(p.ev.text, "/start any data meaningful to bot");
    CHECK_INT(p.ev.user_id, 1234567890);
    CHECK_INT(p.ev.chat_id, 1234567890);
    CHECK_STR(p.ev.first_name, "Boris");   /* the example has only the old "name" */
    cJSON_Delete(p.root);

    CHECK_INT(parse_file("webhook_bot_started.json", &p), 0);
    CHECK_INT(p.ev.kind, EVENT_MESSAGE);
    CHECK_STR(p.ev.text, "/start");
    CHECK_INT(p.ev.chat_id, 123456789);
    int64_t webhook_key = p.key;
    cJSON_Delete(p.root);

    /* a MAX deep link pasted as text gives the same code as the Start button */
    char code[64];
    CHECK(invite_code_from_text("https://max.ru/mentorbot_bot?start=Ab-12x", code, sizeof code));
    CHECK_STR(code, "ab-12x");

    /* the same event by long poll is the same inbox row */
    CHECK_INT(parse_file("updates_bot_started.json", &p), 0);
    CHECK_INT(p.key, webhook_key);
    cJSON_Delete(p.root);
}

TEST(bot_stopped_marks_the_user_unreachable)
{
    parsed p;
    CHECK_INT(parse_file("updates_bot_stopped.json", &p), 0);
    CHECK_INT(p.ev.kind, EVENT_BLOCKED);
    CHECK_INT(p.ev.user_id, 123456789);
    CHECK_INT(p.ev.chat_id, 123456789);
    cJSON_Delete(p.root);
}

TEST(edits_and_other_types_are_ignored_with_a_reason)
{
    static const char *const files[] = {"updates_message_edited.json", "webhook_message_edited.json",
                                        "updates_user_added.json", "updates_dialog_removed.json"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        parsed p;
        CHECK_INT(parse_file(files[i], &p), 0);
        CHECK_INT(p.ev.kind, EVENT_NONE);
        CHECK(p.ev.ignore_reason != NULL);
        cJSON_Delete(p.root);
    }
}

TEST(files_and_pictures_become_tokens_to_send_again)
{
    parsed p;
    CHECK_INT(parse_file("webhook_message_created_attachments.json", &p), 0);
    CHECK_INT(p.ev.kind, EVENT_MESSAGE);
    CHECK_STR(p.ev.text, "My report");
    CHECK_STR(p.ev.language_code, "en");
    CHECK_INT(p.ev.attachment.kind, EVENT_ATTACHMENT_DOCUMENT);
    CHECK_INT(p.ev.attachment.count, 2);   /* the sticker is left out */
    CHECK_STR(p.ev.attachment.ref, "file:f_token_AbC-12_x,image:i_token_Zy9-8_w");
    CHECK_STR(p.ev.attachment.file_name, "report.pdf");
    CHECK_INT(p.ev.attachment.file_size, 48213);
    cJSON_Delete(p.root);

    CHECK_INT(parse_file("webhook_message_created_contact.json", &p), 0);
    CHECK_INT(p.ev.kind, EVENT_MESSAGE);
    CHECK(p.ev.text == NULL);
    CHECK_STR(p.ev.contact_phone, "+79991234567");
    CHECK_INT(p.ev.contact_user_id, 123456789);
    cJSON_Delete(p.root);
}

static void reply_of(const char *name, long status, max_reply *r)
{
    size_t len;
    char *body = read_corpus(name, &len);
    CHECK_INT(max_parse_reply(body, len, status, r), MB_OK);
    free(body);
}

TEST(answers_keep_the_error_key_and_the_upload_fields)
{
    max_reply r;
    reply_of("error_verify_token.json", 401, &r);
    CHECK_STR(r.code, "verify.token");
    CHECK_STR(r.message, "Invalid access_token");
    max_reply_free(&r);
    reply_of("error_attachment_not_ready_processing.json", 400, &r);
    CHECK_STR(r.code, "attachment.not.ready");
    max_reply_free(&r);
    reply_of("upload_endpoint.json", 200, &r);
    CHECK(r.ok);
    CHECK_STR(json_str(r.root, "url"), "https://<upload-host>/upload.do?...");
    max_reply_free(&r);
    reply_of("upload_answer_file.json", 200, &r);
    CHECK_STR(json_str(r.root, "token"), "_3Rarhcf1PtlMXy8jpgie8Ai_KARnVFYNQTtmIRWNh4");
    max_reply_free(&r);
    reply_of("send_message_result.json", 200, &r);
    CHECK(r.ok);
    CHECK_STR(json_str(json_obj(json_obj(r.root, "message"), "body"), "mid"), "mid.000000000adf429c019d47d58f2b3da0");
    max_reply_free(&r);
    reply_of("simple_query_result_refused.json", 200, &r);
    CHECK(!r.ok);
    CHECK_STR(r.code, "success.false");
    max_reply_free(&r);
    /* a gateway's page is not an answer, and says so with its status */
    CHECK_INT(max_parse_reply("<html>502</html>", 16, 502, &r), MB_ERR_PARSE);
    CHECK_CONTAINS(r.message, "502");
    max_reply_free(&r);
}

TEST(long_poll_markers_and_webhook_bodies_are_checked)
{
    max_update_list l;
    size_t len;
    char *body = read_corpus("updates_empty_null_marker.json", &len);
    CHECK_INT(max_parse_updates(body, len, &l), MB_OK);
    CHECK_INT(l.has_marker, 0);   /* the old marker stays */
    CHECK_INT(cJSON_GetArraySize(l.updates), 0);
    max_update_list_free(&l);
    free(body);
    static const char *const bad[] = {"{\"updates\":[],\"marker\":-1}", "{\"updates\":[],\"marker\":1e300}",
                                      "{\"marker\":5}", "{\"updates\":{},\"marker\":5}", "[]", "{\"updates\":["};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK_INT(max_parse_updates(bad[i], strlen(bad[i]), &l), MB_ERR_PARSE);
        max_update_list_free(&l);
    }
    cJSON *u;
    char why[128];
    CHECK_INT(max_parse_webhook("{\"timestamp\":1}", 15, &u, why, sizeof why), MB_ERR_PARSE);
    CHECK_CONTAINS(why, "update_type");
    CHECK_INT(max_parse_webhook("not json", 8, &u, why, sizeof why), MB_ERR_PARSE);
    CHECK(u == NULL);

    CHECK(max_webhook_secret_matches("s3cret-key", "s3cret-key"));
    CHECK(!max_webhook_secret_matches("s3cret-key", "s3cret-kez"));
    CHECK(!max_webhook_secret_matches("s3cret-key", "s3cret-key-longer"));
    CHECK(!max_webhook_secret_matches("s3cret-key", NULL));
    CHECK(max_webhook_secret_matches("", NULL));
    CHECK(max_webhook_secret_valid("abc_DEF-123"));
    CHECK(!max_webhook_secret_valid("abcd"));
    CHECK(!max_webhook_secret_valid("has space"));
}

TEST(broken_updates_never_crash_and_say_why)
{
    static const char *const broken[] = {
        "{}", "{\"update_type\":5}", "{\"update_type\":\"message_created\"}",
        "{\"update_type\":\"message_created\",\"message\":{\"sender\":{\"user_id\":\"x\"}}}",
        "{\"update_type\":\"message_created\",\"message\":{\"sender\":{\"user_id\":7,\"is_bot\":true},"
        "\"recipient\":{\"chat_type\":\"dialog\"},\"body\":{\"mid\":\"m\",\"text\":\"hi\"}}}",
        "{\"update_type\":\"message_callback\",\"callback\":{\"callback_id\":\"c\",\"payload\":"
        "\"0123456789012345678901234567890123456789012345678901234567890123456789\",\"user\":{\"user_id\":7}}}",
        "{\"update_type\":\"message_callback\",\"callback\":{\"payload\":\"p\",\"user\":{\"user_id\":7}}}",
        "{\"update_type\":\"bot_started\",\"user\":{\"user_id\":7},\"payload\":{\"a\":1}}",
        "{\"update_type\":\"bot_stopped\"}",
        "{\"update_type\":\"message_created\",\"message\":{\"sender\":{\"user_id\":7},\"recipient\":"
        "{\"chat_type\":\"dialog\"},\"body\":{\"attachments\":[{\"type\":\"file\",\"payload\":{\"token\":\"a,b\"}},"
        "{\"type\":\"image\"},5,{\"type\":\"contact\",\"payload\":{\"vcf_info\":\"TEL\"}}]}}}",
    };
    for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) {
        cJSON *u = cJSON_Parse(broken[i]);
        event ev;
        int64_t key;
        const char *kind;
        max_event_storage st;
        mb_status rc = max_update_to_event(u, &ev, &key, &kind, &st);
        CHECK(rc == MB_ERR_PARSE || ev.kind == EVENT_NONE || (ev.kind == EVENT_MESSAGE && !ev.attachment.count));
        if (rc == MB_OK && ev.kind == EVENT_NONE) CHECK(ev.ignore_reason != NULL);
        cJSON_Delete(u);
    }
}

/* What the bot does with a GET /subscriptions answer (bot/max/max_subs.h). */
TEST(subscriptions_are_kept_removed_or_made_as_the_config_says)
{
    const char *ours = "https://bot.example.org/max";
    max_reply r;
    max_subs_plan p;
    reply_of("subscriptions_two.json", 200, &r);
    CHECK(r.ok);
    /* webhook, nothing changed: ours stays, the other address goes */
    CHECK_INT(max_subs_plan_make(r.root, ours, MAX_POLL_TYPES, 1, &p), MB_OK);
    CHECK_INT(p.found, 2);
    CHECK(p.ours && !p.subscribe && p.why == NULL);
    CHECK_INT(p.nremove, 1);
    CHECK_STR(p.remove[0], "https://old.example.org/max");
    max_subs_plan_free(&p);
    /* the secret or address changed since the last subscription (MAX does not show the secret) */
    CHECK_INT(max_subs_plan_make(r.root, ours, MAX_POLL_TYPES, 0, &p), MB_OK);
    CHECK(p.subscribe);
    CHECK_CONTAINS(p.why, "secret");
    max_subs_plan_free(&p);
    /* polling: every subscription goes, or MAX hands the poll nothing */
    CHECK_INT(max_subs_plan_make(r.root, NULL, MAX_POLL_TYPES, 1, &p), MB_OK);
    CHECK(!p.subscribe);
    CHECK_INT(p.nremove, 2);
    CHECK_STR(p.remove[0], ours);
    max_subs_plan_free(&p);
    /* a new address: ours is missing and both old ones go */
    CHECK_INT(max_subs_plan_make(r.root, "https://new.example.org/max", MAX_POLL_TYPES, 1, &p), MB_OK);
    CHECK(!p.ours && p.subscribe);
    CHECK_INT(p.nremove, 2);
    max_subs_plan_free(&p);
    max_reply_free(&r);

    reply_of("subscriptions_schema_example.json", 200, &r);
    CHECK_INT(max_subs_plan_make(r.root, ours, MAX_POLL_TYPES, 1, &p), MB_OK);
    CHECK(p.ours && p.subscribe);
    CHECK_STR(p.why, "the update types differ");
    CHECK_INT(p.nremove, 0);
    max_subs_plan_free(&p);
    max_reply_free(&r);

    reply_of("subscriptions_empty.json", 200, &r);
    CHECK_INT(max_subs_plan_make(r.root, ours, MAX_POLL_TYPES, 1, &p), MB_OK);
    CHECK(p.subscribe && p.nremove == 0 && p.found == 0);
    CHECK_STR(p.why, "not subscribed yet");
    max_subs_plan_free(&p);
    CHECK_INT(max_subs_plan_make(r.root, NULL, MAX_POLL_TYPES, 1, &p), MB_OK);
    CHECK(!p.subscribe && p.nremove == 0);
    max_subs_plan_free(&p);
    max_reply_free(&r);

    /* not a GetSubscriptionsResult; an item without a url is passed over */
    cJSON *odd = cJSON_Parse("{\"subscriptions\":{}}");
    CHECK_INT(max_subs_plan_make(odd, NULL, MAX_POLL_TYPES, 1, &p), MB_ERR_PARSE);
    cJSON_Delete(odd);
    odd = cJSON_Parse("{\"subscriptions\":[{\"time\":1},7,{\"url\":\"https://a.example/h\"}]}");
    CHECK_INT(max_subs_plan_make(odd, NULL, MAX_POLL_TYPES, 1, &p), MB_OK);
    CHECK_INT(p.nremove, 1);
    max_subs_plan_free(&p);
    cJSON_Delete(odd);

    /* the fingerprint follows each of address, types and secret */
    char a[MAX_SUBS_FINGERPRINT_LEN + 1], b[MAX_SUBS_FINGERPRINT_LEN + 1];
    max_subs_fingerprint(ours, MAX_POLL_TYPES, "secret-one", a);
    max_subs_fingerprint(ours, MAX_POLL_TYPES, "secret-one", b);
    CHECK_STR(a, b);
    CHECK_INT((int)strlen(a), MAX_SUBS_FINGERPRINT_LEN);
    max_subs_fingerprint(ours, MAX_POLL_TYPES, "secret-two", b);
    CHECK(strcmp(a, b) != 0);
    max_subs_fingerprint(ours, "message_created", "secret-one", b);
    CHECK(strcmp(a, b) != 0);
    max_subs_fingerprint("https://bot.example.org/max2", MAX_POLL_TYPES, "secret-one", b);
    CHECK(strcmp(a, b) != 0);
}

int main(void)
{
    RUN(every_file_reads_as_what_it_is);
    RUN(a_message_in_a_group_chat_keeps_the_chat_and_the_marker);
    RUN(a_button_press_in_a_dialog_answers_to_the_user);
    RUN(bot_started_is_a_start_command_with_the_invite_code);
    RUN(bot_stopped_marks_the_user_unreachable);
    RUN(edits_and_other_types_are_ignored_with_a_reason);
    RUN(files_and_pictures_become_tokens_to_send_again);
    RUN(answers_keep_the_error_key_and_the_upload_fields);
    RUN(long_poll_markers_and_webhook_bodies_are_checked);
    RUN(broken_updates_never_crash_and_say_why);
    RUN(subscriptions_are_kept_removed_or_made_as_the_config_says);
    return unit_summary();
}
