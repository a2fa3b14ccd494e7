/*
 * VK under strain: Long Poll failures of each code in the middle of a
 * conversation, a SIGKILL while 100 VK users write (flood control and the
 * other API errors are in test_faults_vk.c),
 * a person on both messengers reached through the other one when VK
 * cannot deliver, edits of the bot's messages, a file whose upload breaks
 * on the way, a picture sent as a VK photo (or as a document when VK would
 * not take it as one), and a long poll session renewed on time.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define USERS 100
#define FIRST_USER 60000

/* Delivered messages.send calls to peer whose text contains needle. */
static int delivered(sim_proc *s, long long peer, const char *needle)
{
    return sim_count_calls(s, "vk", peer, "messages.send", needle);
}

TEST(long_poll_failures_lose_and_repeat_nothing)
{
    convo_transport = "vk";
    convo c;
    if (convo_start(&c, "failed", NULL)) SKIP("simulator or bot did not start");
    char org[32];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа 7\""));
    const char *link = admin(&c, "invite create --org %s --role mentee", org);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code_of(link));
    say(&c, 7101, cmd);
    expect(&c, 7101, "Вас приглашают");
    convo_busy w;
    convo_busy_start(&w, &c.bot);
    cJSON_Delete(sim_postf(&c.sim, "/sim/vk/failed", "{\"code\":1}"));
    press(&c, 7101, "Студент");
    expect(&c, 7101, "Вы даёте согласие");
    cJSON_Delete(sim_postf(&c.sim, "/sim/vk/failed", "{\"code\":2}"));
    press(&c, 7101, "Даю согласие");
    expect(&c, 7101, "Как вас зовут?");
    cJSON_Delete(sim_postf(&c.sim, "/sim/vk/failed", "{\"code\":3}"));
    sleep(2); /* failed 3 drops events VK had not handed out; ours come after the new ts */
    say(&c, 7101, "Вера Лис");
    expect(&c, 7101, "Готово, Вера Лис!");
    sleep(1);
    CHECK_INT(delivered(&c.sim, 7101, "Вы даёте согласие"), 1);
    CHECK_INT(delivered(&c.sim, 7101, "Как вас зовут?"), 1);
    CHECK_INT(delivered(&c.sim, 7101, "Готово"), 1);
    CHECK(log_contains(&c.bot, "failed 1"));
    CHECK(log_contains(&c.bot, "failed 2"));
    CHECK(log_contains(&c.bot, "failed 3"));
    convo_busy_check(&w, &c.bot); /* no spinning while the session is renewed */
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM inbox WHERE platform = 'vk' AND status <> 'done'"), 0);
    convo_stop(&c);
}

typedef struct answered { sim_proc *sim; int want; } answered;

static int enough_replies(void *arg)
{
    answered *a = arg;
    cJSON *calls = vk_calls(a->sim, 0, 0);
    int n = 0;
    cJSON *c;
    cJSON_ArrayForEach(c, calls) {
        const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(c, "method"));
        if (m && strcmp(m, "messages.send") == 0 && cJSON_IsTrue(cJSON_GetObjectItem(c, "ok")) &&
            !cJSON_GetObjectItem(c, "fault"))
            n++;
    }
    cJSON_Delete(calls);
    return n >= a->want;
}

TEST(sigkill_while_100_vk_users_write_answers_each_once)
{
    convo_transport = "vk";
    convo c;
    if (convo_start(&c, "kill", "[vk]\nrate_per_s = 300\nrate_per_chat_per_s = 50\n"))
        SKIP("simulator or bot did not start");
    char org[32], code[64], start[96];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"School 12\""));
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org %s --role mentee --uses 500", org)));
    snprintf(start, sizeof start, "/start %s", code);
    for (int i = 0; i < USERS; i++) vk_say(&c.sim, FIRST_USER + i, i % 2 ? "en" : "ru", start);
    answered some = {&c.sim, 20 + rand() % 60};
    CHECK(wait_until(enough_replies, &some, 30000));
    bot_kill(&c.bot, SIGKILL);
    for (int i = 0; i < USERS; i++) vk_say(&c.sim, FIRST_USER + i, i % 2 ? "en" : "ru", "/help");
    CHECK_INT(bot_start(&c.bot), 0);
    answered all = {&c.sim, 2 * USERS};
    CHECK(wait_until(enough_replies, &all, 90000));
    sleep(1);
    int twice = 0, missing = 0;
    for (int i = 0; i < USERS; i++) {
        int privacy = delivered(&c.sim, FIRST_USER + i, i % 2 ? "You are invited" : "Вас приглашают");
        int help = delivered(&c.sim, FIRST_USER + i, "/menu");
        if (privacy > 1 || help > 1) twice++;
        if (privacy < 1 || help < 1) missing++;
    }
    CHECK_INT(twice, 0);
    CHECK_INT(missing, 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM inbox WHERE platform = 'vk'"), 2 * USERS);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts"), USERS);
    /* Messages resent after the restart are recorded with the number VK
     * gave them, not a guess: no two rows of a chat share one, and none is
     * below the bot's first reply (the user's /start is 1). */
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE platform = 'vk' AND kind = 'text'"
                                     " AND state = 'sent' AND (result_message_id IS NULL OR result_message_id < 2)"), 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE platform = 'vk'"
                                     " AND kind = 'text' AND state = 'sent' GROUP BY chat_id, result_message_id"
                                     " HAVING COUNT(*) > 1)"), 0);
    convo_stop(&c);
}

TEST(an_edit_reaches_the_message_the_bot_sent)
{
    convo_transport = "vk";
    convo c;
    if (convo_start(&c, "edit", NULL)) SKIP("simulator or bot did not start");
    say(&c, 7301, "/help");
    expect(&c, 7301, "/start");
    say(&c, 7301, "/help");
    expect(&c, 7301, "/start");
    /* The number stored for the bot's second reply (once the sender has
     * recorded it) is the one the user's client shows: 1 and 3 are the
     * user's messages. */
    convo_wait_count(&c, 1, 5000, "SELECT COUNT(*) = 0 FROM outbox WHERE chat_id = 7301 AND state <> 'sent'");
    CHECK_INT(db_query_int(c.bot.db, "SELECT result_message_id FROM outbox WHERE chat_id = 7301 AND kind = 'text'"
                                     " ORDER BY id DESC LIMIT 1"), 4);
    /* An edit queued for that number changes that message. */
    db_exec(c.bot.db, "INSERT INTO outbox(platform, chat_id, kind, body, next_at, created_at)"
                      " SELECT 'vk', 7301, 'edit', json_object('message_id', result_message_id, 'text',"
                      " 'Справка обновлена', 'buttons', json_array()), 0, 0 FROM outbox WHERE chat_id = 7301"
                      " AND kind = 'text' ORDER BY id DESC LIMIT 1");
    CHECK_INT(sim_wait_calls(&c.sim, "vk", 7301, "messages.edit", NULL, 1, 5000), 1);
    /* recorded a moment after VK answered, with the next commit */
    CHECK(convo_wait_count(&c, 1, 5000, "SELECT COUNT(*) FROM outbox WHERE kind = 'edit' AND state = 'sent'"));
    convo_stop(&c);
}

/* A report whose upload the upload server refuses once and whose docs.save
 * meets VK's internal error still reaches the user once, whole, and its
 * file is removed. */
TEST(a_file_survives_a_broken_upload_and_arrives_once)
{
    convo_transport = "vk";
    convo c;
    if (convo_start(&c, "file", NULL)) SKIP("simulator or bot did not start");
    say(&c, 7501, "/help");
    expect(&c, 7501, "/start");
    char dir[400], path[480], sql[1200];
    snprintf(dir, sizeof dir, "%s.files", c.bot.db);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/report-test.csv", dir);
    const char *content = "\xEF\xBB\xBFНаставник;Наставляемый\r\nИван;Петя\r\n";
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(content, f);
    fclose(f);
    cJSON_Delete(sim_postf(&c.sim, "/sim/fault", "{\"method\":\"vk-upload\",\"status\":200,\"body\":"
                                                 "{\"error\":\"ERR_UPLOAD_FILE_NOT_UPLOADED: file not uploaded\"}}"));
    cJSON_Delete(sim_postf(&c.sim, "/sim/fault", "{\"method\":\"docs.save\",\"status\":200,\"body\":{\"error\":"
                                                 "{\"error_code\":10,\"error_msg\":\"Internal server error\"}}}"));
    snprintf(sql, sizeof sql,
             "INSERT INTO outbox(platform, chat_id, kind, body, next_at, created_at) VALUES('vk', 7501, 'document',"
             " json_object('path', '%s', 'filename', 'Пары.csv', 'caption', 'Пары на сегодня', 'temporary', json('true')),"
             " 0, 0)", path);
    db_exec(c.bot.db, sql);
    for (int i = 0; i < 150 && delivered(&c.sim, 7501, "Пары на сегодня") == 0; i++) usleep(100 * 1000);
    sleep(1);
    CHECK_INT(delivered(&c.sim, 7501, "Пары на сегодня"), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT attempts FROM outbox WHERE kind = 'document' AND state = 'sent'"), 3);
    long long seq = 0;
    cJSON *call = NULL, *each;
    while ((each = vk_wait_call(&c.sim, 7501, &seq, 500))) {
        if (cJSON_GetObjectItem(each, "docs")) {
            cJSON_Delete(call);
            call = each;
        } else {
            cJSON_Delete(each);
        }
    }
    const char *url = sim_json_str(call, "docs.0.url");
    CHECK_STR(sim_json_str(call, "docs.0.title"), "Пары.csv");
    size_t len = 0;
    char *bytes = url ? sim_fetch(&c.sim, url, &len) : NULL;
    CHECK(bytes && len == strlen(content) && memcmp(bytes, content, len) == 0);
    free(bytes);
    cJSON_Delete(call);
    CHECK_INT(convo_files_left(&c), 0);
    convo_stop(&c);
}

/* The last messages.send to peer that carried a file in its log field
 * (photos or docs), NULL when none did; the caller deletes it. */
static cJSON *last_with(sim_proc *s, long long peer, const char *field)
{
    long long seq = 0;
    cJSON *call = NULL, *each;
    while ((each = vk_wait_call(s, peer, &seq, 300))) {
        if (cJSON_GetObjectItem(each, field)) {
            cJSON_Delete(call);
            call = each;
        } else {
            cJSON_Delete(each);
        }
    }
    return call;
}

/* Puts a temporary file of len bytes in the bot's report folder and queues
 * it to peer as a picture (kind "photo") with caption; its path into path. */
static void queue_picture(convo *c, long long peer, const char *name, const char *bytes, size_t len,
                          const char *caption, char *path, size_t size)
{
    char dir[400], sql[1400];
    snprintf(dir, sizeof dir, "%s.files", c->bot.db);
    mkdir(dir, 0700);
    snprintf(path, size, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    fwrite(bytes, 1, len, f);
    fclose(f);
    snprintf(sql, sizeof sql,
             "INSERT INTO outbox(platform, chat_id, kind, body, next_at, created_at) VALUES('vk', %lld, 'photo',"
             " json_object('path', '%s', 'filename', '%s', 'caption', '%s', 'temporary', json('true')), 0, 0)",
             peer, path, name, caption);
    db_exec(c->bot.db, sql);
}

/* Waits until the picture queued with caption is no longer on its way. */
static void settle(convo *c, const char *caption)
{
    char sql[300];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM outbox WHERE kind = 'photo' AND json_extract(body, '$.caption') = '%s'"
             " AND state IN ('pending', 'sending', 'checking')", caption);
    for (int i = 0; i < 150 && db_query_int(c->bot.db, sql) != 0; i++) usleep(100 * 1000);
}

/* A chart-like picture goes as a VK photo: an upload the photo upload
 * server refuses once is retried, and the user gets it once, as a photo,
 * byte for byte; a "picture" that is no image goes as a document instead;
 * a photo whose message went out without an answer is not shown twice;
 * the files are removed. */
TEST(a_picture_arrives_once_as_a_photo_or_as_a_document_when_vk_would_not_take_it)
{
    convo_transport = "vk";
    convo c;
    if (convo_start(&c, "photo", NULL)) SKIP("simulator or bot did not start");
    say(&c, 7601, "/help");
    expect(&c, 7601, "/start");
    char png[600], path[480];
    static const unsigned char HEAD[24] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13,
                                           'I', 'H', 'D', 'R', 0, 0, 0x04, 0x38, 0, 0, 0x05, 0x46};   /* 1080 x 1350 */
    memcpy(png, HEAD, sizeof HEAD);
    for (size_t i = sizeof HEAD; i < sizeof png; i++) png[i] = (char)(i * 31 % 256);
    cJSON_Delete(sim_postf(&c.sim, "/sim/fault", "{\"method\":\"vk-upload\",\"status\":200,\"body\":"
                                                 "{\"error\":\"ERR_UPLOAD_FILE_NOT_UPLOADED: file not uploaded\"}}"));
    queue_picture(&c, 7601, "chart-test.png", png, sizeof png, "Диаграмма недели", path, sizeof path);
    settle(&c, "Диаграмма недели");
    CHECK_INT(delivered(&c.sim, 7601, "Диаграмма недели"), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT attempts FROM outbox WHERE json_extract(body, '$.caption') ="
                                     " 'Диаграмма недели' AND state = 'sent'"), 2);
    CHECK_INT(sim_count_calls(&c.sim, "vk", 7601, "photos.saveMessagesPhoto", NULL), 1);
    cJSON *call = last_with(&c.sim, 7601, "photos");
    CHECK(call != NULL);
    CHECK(cJSON_GetObjectItem(call, "docs") == NULL);
    CHECK_INT((long long)sim_json_num(call, "photos.0.width"), 1080);
    CHECK_INT((long long)sim_json_num(call, "photos.0.height"), 1350);
    const char *url = sim_json_str(call, "photos.0.url");
    size_t len = 0;
    char *bytes = url ? sim_fetch(&c.sim, url, &len) : NULL;
    CHECK(bytes && len == sizeof png && memcmp(bytes, png, len) == 0);
    free(bytes);
    cJSON_Delete(call);

    /* no image under the name of one: a document, and the log says why */
    const char *text = "Это не картинка\n";
    queue_picture(&c, 7601, "not-a-picture.png", text, strlen(text), "Не картинка", path, sizeof path);
    settle(&c, "Не картинка");
    CHECK_INT(delivered(&c.sim, 7601, "Не картинка"), 1);
    call = last_with(&c.sim, 7601, "docs");
    CHECK_STR(sim_json_str(call, "docs.0.title"), "not-a-picture.png");
    CHECK_STR(sim_json_str(call, "params.message"), "Не картинка");
    url = sim_json_str(call, "docs.0.url");
    bytes = url ? sim_fetch(&c.sim, url, &len) : NULL;
    CHECK(bytes && len == strlen(text) && memcmp(bytes, text, len) == 0);
    free(bytes);
    cJSON_Delete(call);
    CHECK(log_contains(&c.bot, "the picture goes as a document: VK would not take it as a photo"));
    CHECK_INT(sim_count_calls(&c.sim, "vk", 7601, "photos.saveMessagesPhoto", NULL), 1);

    /* VK shows the photo but its answer is lost: the message is sent
     * again, and VK drops it by its random_id */
    cJSON_Delete(sim_postf(&c.sim, "/sim/fault", "{\"method\":\"messages.send\",\"drop_after\":true}"));
    queue_picture(&c, 7601, "chart-again.png", png, sizeof png, "Диаграмма снова", path, sizeof path);
    settle(&c, "Диаграмма снова");
    CHECK_INT(delivered(&c.sim, 7601, "Диаграмма снова"), 1);
    cJSON *calls = vk_calls(&c.sim, 7601, 0);
    const cJSON *each;
    int lost = 0, repeated = 0;
    cJSON_ArrayForEach(each, calls) {
        const char *fault = sim_json_str(each, "fault");
        lost += fault && strcmp(fault, "drop_after") == 0;
        repeated += fault && strcmp(fault, "random_id_repeat") == 0;
    }
    cJSON_Delete(calls);
    CHECK_INT(lost, 1);
    CHECK_INT(repeated, 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE json_extract(body, '$.caption') ="
                                     " 'Диаграмма снова' AND state = 'sent'"), 1);
    CHECK_INT(convo_files_left(&c), 0);
    convo_stop(&c);
}

TEST(an_old_long_poll_session_is_renewed_without_losing_a_message)
{
    convo_transport = "vk";
    convo c;
    if (convo_start(&c, "refresh", "[vk]\nsession_refresh = 2\n")) SKIP("simulator or bot did not start");
    say(&c, 7401, "/help");
    expect(&c, 7401, "/start");
    cJSON *stats = sim_getf(&c.sim, "/sim/stats");
    double keys_before = cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(stats, "vk"), "keys_issued"));
    cJSON_Delete(stats);
    sleep(5);
    stats = sim_getf(&c.sim, "/sim/stats");
    double keys_after = cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(stats, "vk"), "keys_issued"));
    cJSON_Delete(stats);
    CHECK(keys_after >= keys_before + 1);
    CHECK(log_contains(&c.bot, "asking for a new key"));
    say(&c, 7401, "/help");
    expect(&c, 7401, "/start");
    sleep(1);
    CHECK_INT(delivered(&c.sim, 7401, "/start"), 2);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM inbox WHERE platform = 'vk'"), 2);
    convo_stop(&c);
}

TEST(a_person_on_both_messengers_is_reached_on_the_other_when_vk_fails)
{
    convo_transport = "tg";
    convo c;
    if (convo_start(&c, "both", NULL)) SKIP("simulator or bot did not start");
    bot_stop(&c.bot);
    char extra[512];
    vk_conf(&c.sim, extra, sizeof extra);
    FILE *f = fopen(c.bot.conf, "a");
    if (f) {
        fputs(extra, f);
        fclose(f);
    }
    CHECK_INT(bot_start(&c.bot), 0);
    convo_user_add(&c, 8101, "Лиза", "ru");
    char org[32];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"School 8\""));
    const char *link = admin(&c, "invite create --org %s --role mentee", org);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code_of(link));
    /* a pupil under 14 registers on Telegram and waits for a parent */
    say(&c, 8101, cmd);
    expect(&c, 8101, "Вас приглашают");
    answer_registration(&c, 8101, "Школьник", "6", "2014", "Лиза Миронова");
    expect(&c, 8101, "Готово");
    const char *wait = expect(&c, 8101, "согласие родителя");
    char parent_cmd[96];
    snprintf(parent_cmd, sizeof parent_cmd, "/start %s", code_of(wait ? wait : ""));
    /* links VK and prefers it */
    say(&c, 8101, "/link");
    const char *text = expect(&c, 8101, "/link ");
    const char *p = text ? strstr(text, "/link ") : NULL;
    char link_cmd[64] = "";
    if (p) snprintf(link_cmd, sizeof link_cmd, "/link %.16s", p + 6);
    vk_say(&c.sim, 8102, "ru", link_cmd);
    long long vseq = 0;
    cJSON *call = vk_wait_call(&c.sim, 8102, &vseq, 8000);
    CHECK_CONTAINS(call ? vk_call_text(call) : NULL, "Нажмите там «Да»");
    cJSON_Delete(call);
    /* the pupil confirms on Telegram */
    expect(&c, 8101, "Подключить к твоей записи VK-аккаунт");
    press(&c, 8101, "Да");
    expect(&c, 8101, "К твоей записи подключён VK");
    call = vk_wait_call(&c.sim, 8102, &vseq, 8000);
    CHECK_CONTAINS(call ? vk_call_text(call) : NULL, "VK подключён");
    const char *payload = call ? vk_button_payload(call, "VK") : NULL;
    CHECK(payload != NULL);
    char payload_copy[128] = "";
    if (payload) snprintf(payload_copy, sizeof payload_copy, "%s", payload);
    vk_press(&c.sim, 8102, call ? vk_call_message_id(call) : 1, payload_copy);
    cJSON_Delete(call);
    call = vk_wait_call(&c.sim, 8102, &vseq, 8000);
    CHECK_CONTAINS(call ? vk_call_text(call) : NULL, "Напоминания будут приходить в VK");
    cJSON_Delete(call);
    /* VK stops delivering: the parent's confirmation reaches the pupil on Telegram */
    cJSON_Delete(sim_postf(&c.sim, "/sim/vk/block", "{\"user_id\":8102}"));
    sleep(2);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM identities WHERE platform = 'vk' AND unreachable_at IS NOT NULL"), 1);
    convo_user_add(&c, 8103, "Мама", "ru");
    /* the parent's phone is on the school's list, so Telegram's shared
     * number makes the consent count at once */
    char csv[512];
    snprintf(csv, sizeof csv, "%s/vk-guardians.csv", unit_tmpdir());
    FILE *list = fopen(csv, "w");
    if (list) fputs("phone,name\n+79160000001,Мама Лизы\n", list);
    if (list) fclose(list);
    admin(&c, "guardians import %s %s", org, csv);
    say(&c, 8103, parent_cmd);
    expect(&c, 8103, "Лиза Миронова хочет участвовать");
    say(&c, 8103, "Ирина Миронова");
    expect(&c, 8103, "Кем вы приходитесь");
    press(&c, 8103, "Мама");
    expect(&c, 8103, "Поделитесь");
    cJSON_Delete(sim_postf(&c.sim, "/sim/tg/message", "{\"from\":{\"id\":8103,\"first_name\":\"Мама\"},"
                                                       "\"contact\":{\"phone_number\":\"79160000001\",\"user_id\":8103}}"));
    expect(&c, 8103, "номер получен");
    expect(&c, 8103, "Последний вопрос");
    press(&c, 8103, "Да, даю согласие");
    expect(&c, 8103, "Согласие записано");
    expect(&c, 8101, "Согласие родителя получено");
    CHECK_INT(delivered(&c.sim, 8102, "Согласие родителя получено"), 0);
    convo_stop(&c);
}

int main(void)
{
    srand((unsigned)getpid());
    RUN(long_poll_failures_lose_and_repeat_nothing);
    RUN(a_person_on_both_messengers_is_reached_on_the_other_when_vk_fails);
    RUN(an_edit_reaches_the_message_the_bot_sent);
    RUN(an_old_long_poll_session_is_renewed_without_losing_a_message);
    RUN(a_file_survives_a_broken_upload_and_arrives_once);
    RUN(a_picture_arrives_once_as_a_photo_or_as_a_document_when_vk_would_not_take_it);
    RUN(sigkill_while_100_vk_users_write_answers_each_once);
    return unit_summary();
}
