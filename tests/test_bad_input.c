/*
 * Hostile input the network could send, made up rather than recorded:
 * answers that are broken, over the body limit or nested too deep, update
 * ids in odd shapes, and very long texts full of emoji, bidi controls and
 * control characters. Each must be refused or answered, never crash the bot
 * or harm the database.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"
#include "tests/unit_messengers.h"

#include "bot/intake.h"
#include "bot/telegram/telegram.h"
#include "bot/telegram/tg_parse.h"
#include "handlers/context.h"
#include "storage/db.h"
#include "util/i18n.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

static i18n *texts;
static bot_env env;

/* Parses body as a getUpdates answer and applies it; returns the number
 * of items made (or -1 when the answer is refused). */
static int feed(db *d, const char *body, size_t len, intake_stats *st)
{
    tg_reply r;
    memset(st, 0, sizeof *st);
    if (tg_parse_reply(body, len, 200, &r)) {
        CHECK(r.description[0] != 0);
        tg_reply_free(&r);
        return -1;
    }
    int n = 0;
    if (cJSON_IsArray(r.result)) {
        int count = cJSON_GetArraySize(r.result);
        intake_item *items = calloc((size_t)count + 1, sizeof *items);
        int64_t next = db_meta_get_int(d, TG_META_OFFSET, 0);
        n = items ? tg_items_from_result(r.result, items, count, &next) : 0;
        CHECK_INT(intake_apply(d, &env, "tg", items, n, TG_META_OFFSET, next, st), MB_OK);
        free(items);
    }
    tg_reply_free(&r);
    return n;
}

static int feed_str(db *d, const char *body, intake_stats *st)
{
    return feed(d, body, strlen(body), st);
}

TEST(hostile_answers_are_refused_without_harm)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) { CHECK(d != NULL); return; }
    intake_stats st;
    CHECK_INT(feed_str(d, "{\"ok\":true,\"result\":[{\"update_id\":1,\"message\":{\"message_id\":1,", &st), -1);
    CHECK_INT(feed_str(d, "{}", &st), -1);
    CHECK_INT(feed_str(d, "null", &st), -1);
    CHECK_INT(feed_str(d, "", &st), -1);
    CHECK_INT(feed_str(d, "\"ok\"", &st), -1);
    CHECK_INT(feed_str(d, "{\"ok\":\"true\",\"result\":[]}", &st), -1);
    CHECK_INT(feed_str(d, "[]", &st), 0);
    CHECK_INT(feed_str(d, "{\"ok\":true,\"result\":[]}", &st), 0);
    CHECK_INT(feed_str(d, "{\"ok\":true,\"result\":{}}", &st), 0);
    CHECK_INT(feed_str(d, "{\"ok\":true,\"result\":[1, \"x\", null, [], {}]}", &st), 0);

    /* Over TG_BODY_MAX: refused before parsing, with a reason. */
    size_t big = 20u * 1024 * 1024;
    char *huge = malloc(big + 1);
    CHECK(huge != NULL);
    if (huge) {
        const char *head = "{\"ok\":true,\"result\":[{\"update_id\":7,\"message\":{\"text\":\"";
        size_t h = strlen(head);
        memcpy(huge, head, h);
        memset(huge + h, 'a', big - h - 5);
        memcpy(huge + big - 5, "\"}}]}", 5);
        huge[big] = 0;
        CHECK(big > TG_BODY_MAX);
        tg_reply r;
        CHECK_INT(tg_parse_reply(huge, big, 200, &r), MB_ERR_PARSE);
        CHECK_CONTAINS(r.description, "limit");
        tg_reply_free(&r);
        free(huge);
    }

    /* 200 levels of nesting, bare and inside an update. */
    char deep[1024] = "", update[2048];
    for (int i = 0; i < 200; i++) strcat(deep, "[");
    for (int i = 0; i < 200; i++) strcat(deep, "]");
    CHECK_INT(feed_str(d, deep, &st), -1);
    snprintf(update, sizeof update,
             "{\"ok\":true,\"result\":[{\"update_id\":8,\"message\":{\"message_id\":1,"
             "\"from\":{\"id\":5},\"chat\":{\"id\":5,\"type\":\"private\"},\"text\":\"hi\",\"x\":%s}}]}", deep);
    CHECK_INT(feed_str(d, update, &st), -1);
    tg_reply r;
    CHECK_INT(tg_parse_reply(update, strlen(update), 200, &r), MB_ERR_PARSE);
    CHECK_CONTAINS(r.description, "deep");
    tg_reply_free(&r);

    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM inbox", 0), 0);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox", 0), 0);
    CHECK(unit_db_integrity_ok(d));
    db_close(d);
}

/* JSON_DEPTH_MAX levels of arrays and objects are read, one more is
 * refused as too deep, whether the innermost container is empty or holds
 * a value, and so is nesting past what cJSON itself reads. */
static const char *nested(int levels, const char *inner, char *out, size_t size)
{
    size_t n = 0;
    for (int i = 0; i < levels && n + 8 < size; i++) n += (size_t)snprintf(out + n, size - n, i % 2 ? "[" : "{\"k\":");
    n += (size_t)snprintf(out + n, size - n, "%s", inner);
    for (int i = levels - 1; i >= 0 && n + 2 < size; i--) out[n++] = i % 2 ? ']' : '}';
    out[n] = 0;
    return out;
}

TEST(nesting_is_read_up_to_its_limit)
{
    static char body[40000];
    const char *inners[] = {"1", "[]", "{}"};
    for (size_t k = 0; k < 3; k++) {
        /* the innermost container counts as a level: "1" adds none */
        int extra = k == 0 ? 0 : 1;
        const char *why = "unset";
        nested(JSON_DEPTH_MAX - extra, inners[k], body, sizeof body);
        cJSON *root = json_parse_limited(body, strlen(body), sizeof body, &why);
        CHECK(root != NULL);
        CHECK(why == NULL);
        cJSON_Delete(root);
        nested(JSON_DEPTH_MAX + 1 - extra, inners[k], body, sizeof body);
        root = json_parse_limited(body, strlen(body), sizeof body, &why);
        CHECK(root == NULL);
        CHECK_STR(why ? why : "", "JSON nested too deeply");
    }
    const char *why = NULL;
    nested(5000, "1", body, sizeof body);
    CHECK(json_parse_limited(body, strlen(body), sizeof body, &why) == NULL);
    CHECK_STR(why ? why : "", "JSON nested too deeply");
    CHECK(json_parse_limited("{\"a\":[1,2", 10, 100, &why) == NULL);
    CHECK_STR(why ? why : "", "malformed JSON");
}

TEST(update_ids_in_odd_shapes)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) { CHECK(d != NULL); return; }
    intake_stats st;
    /* A number sent as a string is read as the number; ids that are not
     * whole non-negative numbers are skipped, the rest of the batch goes on. */
    const char *batch =
        "{\"ok\":true,\"result\":["
        "{\"update_id\":\"77\",\"message\":{\"message_id\":1,\"from\":{\"id\":5,\"language_code\":\"en\"},"
        "\"chat\":{\"id\":5,\"type\":\"private\"},\"text\":\"hi\"}},"
        "{\"update_id\":\"abc\",\"message\":{\"message_id\":2,\"from\":{\"id\":6},"
        "\"chat\":{\"id\":6,\"type\":\"private\"},\"text\":\"hi\"}},"
        "{\"update_id\":-4,\"message\":{\"message_id\":3,\"from\":{\"id\":7},"
        "\"chat\":{\"id\":7,\"type\":\"private\"},\"text\":\"hi\"}},"
        "{\"update_id\":1.5,\"message\":{\"message_id\":4,\"from\":{\"id\":8},"
        "\"chat\":{\"id\":8,\"type\":\"private\"},\"text\":\"hi\"}},"
        "{\"message\":{\"message_id\":5,\"from\":{\"id\":9},\"chat\":{\"id\":9,\"type\":\"private\"}}},"
        "{\"update_id\":78,\"message\":\"not an object\"},"
        "{\"update_id\":79,\"message\":{\"message_id\":6,\"from\":{\"id\":\"x\"},\"chat\":null,\"text\":7}}"
        "]}";
    CHECK_INT(feed_str(d, batch, &st), 3);
    CHECK_INT(st.handled, 1);
    CHECK_INT(st.ignored, 2);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM inbox WHERE update_id = 77", 0), 1);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = 5", 0), 1);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id <> 5", 0), 0);
    CHECK_INT(db_meta_get_int(d, TG_META_OFFSET, -1), 80);
    /* The same answer again: all three are duplicates. */
    CHECK_INT(feed_str(d, batch, &st), 3);
    CHECK_INT(st.duplicates, 3);
    CHECK(unit_db_integrity_ok(d));
    db_close(d);
}

/* A text of at least want_chars code points mixing Cyrillic, emoji, bidi
 * controls, control characters and JSON escapes (caller frees). */
static char *noisy_text(size_t want_chars)
{
    static const char *pieces[] = {"Привет ", "😀", "\xE2\x80\xAE", "abc", "\x01", "\t", "\xE2\x80\x8F",
                                   "\n", "\x7F", "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9", "\"", "\\"};
    size_t cap = want_chars * 8 + 16, len = 0, chars = 0;
    char *buf = malloc(cap);
    if (!buf) return NULL;
    for (size_t i = 0; chars < want_chars; i++) {
        const char *p = pieces[i % (sizeof pieces / sizeof pieces[0])];
        size_t n = strlen(p);
        memcpy(buf + len, p, n);
        len += n;
        for (size_t k = 0; k < n; k++) chars += ((unsigned char)p[k] & 0xC0) != 0x80;
    }
    buf[len] = 0;
    return buf;
}

static int feed_private_text(db *d, int64_t update_id, int64_t user, const char *text, intake_stats *st)
{
    cJSON *root = cJSON_CreateObject(), *result = cJSON_AddArrayToObject(root, "result");
    cJSON_AddBoolToObject(root, "ok", 1);
    cJSON *u = cJSON_CreateObject(), *m = cJSON_AddObjectToObject(u, "message");
    cJSON_AddNumberToObject(u, "update_id", (double)update_id);
    cJSON_AddNumberToObject(m, "message_id", 1);
    cJSON *from = cJSON_AddObjectToObject(m, "from"), *chat = cJSON_AddObjectToObject(m, "chat");
    cJSON_AddNumberToObject(from, "id", (double)user);
    cJSON_AddStringToObject(from, "language_code", "en");
    cJSON_AddNumberToObject(chat, "id", (double)user);
    cJSON_AddStringToObject(chat, "type", "private");
    cJSON_AddStringToObject(m, "text", text);
    cJSON_AddItemToArray(result, u);
    char *json = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    int n = json ? feed_str(d, json, st) : -1;
    free(json);
    return n;
}

TEST(long_noisy_text_is_answered_not_crashed_on)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) { CHECK(d != NULL); return; }
    char *huge = noisy_text(50000);
    char *modest = noisy_text(2000);
    CHECK(huge && modest);
    if (huge && modest) {
        intake_stats st;
        CHECK_INT(feed_private_text(d, 1, 61, huge, &st), 1);
        CHECK_INT(st.handled, 1);
        unit_rows rows;
        unit_db_chat_rows(d, 61, &rows);
        CHECK_INT(rows.n, 1);
        CHECK_STR(rows.text[0], i18n_text(texts, "en", "message.too_long"));

        CHECK_INT(feed_private_text(d, 2, 62, modest, &st), 1);
        CHECK_INT(st.handled, 1);
        unit_db_chat_rows(d, 62, &rows);
        CHECK_INT(rows.n, 1);
        CHECK_STR(rows.text[0], i18n_text(texts, "en", "start.need_invite"));
        CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM inbox WHERE status = 'done'", 0), 2);
    }
    free(huge);
    free(modest);
    CHECK(unit_db_integrity_ok(d));
    db_close(d);
}

int main(void)
{
    texts = unit_load_catalogs();
    if (!texts) return 1;
    env = (bot_env){.texts = texts, .default_language = "ru", .consent_age = 14};
    unit_register_messengers("mentorbot_sim_bot", 0, NULL);
    RUN(hostile_answers_are_refused_without_harm);
    RUN(nesting_is_read_up_to_its_limit);
    RUN(update_ids_in_odd_shapes);
    RUN(long_noisy_text_is_answered_not_crashed_on);
    i18n_free(texts);
    return unit_summary();
}
