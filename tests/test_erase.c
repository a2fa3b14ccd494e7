/*
 * Erasure beyond the person's own rows (storage/erase.c): their name in
 * other people's queued and sent messages, in a curator's draft, and in
 * report files.
 */
#include "storage/accounts.h"
#include "storage/erase.h"
#include "storage/outbox.h"
#include "storage/records.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long long query_int(db *d, const char *sql) { return atoll(unit_sql_text(db_handle(d), sql)); }
static const char *query_text(db *d, const char *sql) { return unit_sql_text(db_handle(d), sql); }

static const char *stand_in(void *arg, const char *language)
{
    (void)arg;
    return language && strcmp(language, "en") == 0 ? "[name erased]" : "[имя удалено]";
}

static const char *withdrawn(void *arg, const char *language)
{
    (void)arg;
    return language && strcmp(language, "en") == 0 ? "report withdrawn" : "таблица отозвана";
}

static const erase_words words = {stand_in, withdrawn, withdrawn, NULL};

static char *replaced(const char *text, const char *name)
{
    int failed = 0;
    char *out = erase_replace_name(text, name, "X", &failed);
    CHECK_INT(failed, 0);
    return out;
}

TEST(a_name_is_replaced_as_a_word_and_as_a_shortened_label)
{
    char *s = replaced("Пара создана: Иван — Ян Ли (студент – ученик). «Ян Ли», Ян Ли!", "Ян Ли");
    CHECK_STR(s ? s : "", "Пара создана: Иван — X (студент – ученик). «X», X!");
    free(s);
    /* inside a longer word or another name: left alone */
    CHECK(replaced("Январь. Ян Лиза. Ян Ливанов", "Ян Ли") == NULL);
    /* a button label cut short by the menus */
    s = replaced("✓ Яна Юн\xE2\x80\xA6 (Школьник, 7 класс)", "Яна Юная");
    CHECK_STR(s ? s : "", "✓ X (Школьник, 7 класс)");
    free(s);
    /* too short a piece to say whose name it was */
    CHECK(replaced("Ян\xE2\x80\xA6", "Яна Юная") == NULL);
    CHECK(replaced("Катя Петрова", "Яна Юная") == NULL);
    CHECK(replaced("anything", "") == NULL);
}

static int64_t person(db *d, long long user, const char *name, const char *language)
{
    int64_t id = 0;
    CHECK_INT(account_create(d, "tg", user, user, language, &id), MB_OK);
    account a;
    CHECK_INT(account_load(d, id, &a), MB_OK);
    snprintf(a.status, sizeof a.status, "active");
    snprintf(a.name, sizeof a.name, "%s", name);
    CHECK_INT(account_save(d, &a), MB_OK);
    return id;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

TEST(others_messages_drafts_and_reports_lose_the_name)
{
    char path[512], dir[560], named[600], other[600], body[1400];
    snprintf(path, sizeof path, "%s/erase.db", unit_tmpdir());
    snprintf(dir, sizeof dir, "%s.files", path);
    db *d = NULL;
    char err[256];
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    if (!d) return;
    CHECK_INT(mkdir(dir, 0700), 0);
    int64_t curator = person(d, 501, "Анна Сергеевна", "ru");
    int64_t mentor = person(d, 502, "Olga Smith", "en");
    const char *name = "Яна Юная";

    /* queued to the curator, with a shortened label on a button */
    CHECK_INT(outbox_enqueue(d, "tg", 501, curator, "text",
                             "{\"text\":\"Пара создана: Olga Smith — Яна Юная\",\"buttons\":[[{\"text\":\"Яна Юн\xE2\x80\xA6 "
                             "(7 класс)\",\"data\":\"cv:3\"}]]}", NULL), MB_OK);
    /* sent to the mentor, who reads English */
    int64_t sent = 0;
    CHECK_INT(outbox_enqueue(d, "tg", 502, mentor, "text", "{\"text\":\"Meet your new mentee: Яна Юная (grade 7)\"}",
                             &sent), MB_OK);
    CHECK_INT(outbox_mark_sent(d, sent, 77), MB_OK);
    /* queued to a parent, who has no account: the default language */
    CHECK_INT(outbox_enqueue(d, "tg", 503, 0, "text", "{\"text\":\"Здравствуйте! Яна Юная хочет участвовать\"}", NULL),
              MB_OK);
    CHECK_INT(outbox_enqueue(d, "tg", 501, curator, "text", "{\"text\":\"Катя Петрова ждёт наставника\"}", NULL), MB_OK);
    /* two reports waiting to go: one names her */
    snprintf(named, sizeof named, "%s/pairs-1-a.csv", dir);
    snprintf(other, sizeof other, "%s/pairs-2-b.csv", dir);
    write_file(named, "\xEF\xBB\xBFНаставник;Наставляемый\r\nOlga Smith;Яна Юная\r\n");
    write_file(other, "\xEF\xBB\xBFНаставник;Наставляемый\r\nOlga Smith;Катя Петрова\r\n");
    snprintf(body, sizeof body, "{\"path\":\"%s\",\"filename\":\"Пары.csv\",\"temporary\":true}", named);
    CHECK_INT(outbox_enqueue(d, "tg", 501, curator, "document", body, NULL), MB_OK);
    snprintf(body, sizeof body, "{\"path\":\"%s\",\"filename\":\"Пары.csv\",\"temporary\":true}", other);
    CHECK_INT(outbox_enqueue(d, "tg", 502, mentor, "document", body, NULL), MB_OK);
    /* the curator's announcement draft */
    CHECK_INT(dialog_set(d, curator, "announce_text", "{\"text\":\"Поздравляем: Яна Юная победила!\"}"), MB_OK);

    erase_stats stats;
    CHECK_INT(erase_name_everywhere(d, name, dir, &words, &stats), MB_OK);
    CHECK_INT(stats.messages, 3);
    CHECK_INT(stats.reports, 1);
    CHECK_INT(stats.files, 1);
    CHECK_INT(stats.records, 1);

    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox WHERE instr(body, 'Яна') > 0"), 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM dialog WHERE instr(data, 'Яна') > 0"), 0);
    CHECK_STR(query_text(d, "SELECT body FROM outbox WHERE chat_id = 501 AND kind = 'text' ORDER BY id LIMIT 1"),
              "{\"text\":\"Пара создана: Olga Smith — [имя удалено]\",\"buttons\":[[{\"text\":\"[имя удалено] (7 класс)\","
              "\"data\":\"cv:3\"}]]}");
    CHECK_STR(query_text(d, "SELECT body || ' ' || state FROM outbox WHERE chat_id = 502 AND kind = 'text'"),
              "{\"text\":\"Meet your new mentee: [name erased] (grade 7)\"} sent");
    CHECK_STR(query_text(d, "SELECT body FROM outbox WHERE chat_id = 503"),
              "{\"text\":\"Здравствуйте! [имя удалено] хочет участвовать\"}");
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox WHERE body = '{\"text\":\"Катя Петрова ждёт наставника\"}'"), 1);
    /* the report naming her is gone and its message is a note; the other stays */
    CHECK(access(named, F_OK) != 0);
    CHECK_INT(access(other, F_OK), 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = 501 AND kind = 'text' AND state = 'pending'"
                           " AND body = '{\"text\":\"таблица отозвана\"}'"), 1);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = 502 AND kind = 'document'"), 1);
    CHECK_STR(query_text(d, "SELECT data FROM dialog WHERE account_id = 1"),
              "{\"text\":\"Поздравляем: [имя удалено] победила!\"}");

    /* nothing left to find: a second run changes nothing */
    CHECK_INT(erase_name_everywhere(d, name, dir, &words, &stats), MB_OK);
    CHECK_INT(stats.messages + stats.reports + stats.files + stats.records, 0);
    db_close(d);
}

/* More rows than one page of the search: every one is rewritten. */
TEST(a_long_history_is_rewritten_whole)
{
    char path[512];
    snprintf(path, sizeof path, "%s/erase-long.db", unit_tmpdir());
    db *d = NULL;
    char err[256];
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    if (!d) return;
    int64_t curator = person(d, 801, "Анна Сергеевна", "ru");
    CHECK_INT(db_begin(d), MB_OK);
    for (int i = 0; i < 700; i++) {
        /* every third row only shares the name's first letters */
        const char *body = i % 3 ? "{\"text\":\"Яна Юная ждёт наставника\"}" : "{\"text\":\"Янаида ждёт\"}";
        CHECK_INT(outbox_enqueue(d, "tg", 801, curator, "text", body, NULL), MB_OK);
    }
    CHECK_INT(db_commit(d), MB_OK);
    erase_stats stats;
    CHECK_INT(erase_name_everywhere(d, "Яна Юная", NULL, &words, &stats), MB_OK);
    CHECK_INT(stats.messages, 466);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox WHERE instr(body, 'Юная') > 0"), 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox WHERE body = '{\"text\":\"Янаида ждёт\"}'"), 234);
    db_close(d);
}

/* The audit about an erased child keeps who did what by internal id only. */
TEST(the_audit_forgets_a_parents_messenger_id)
{
    char path[512];
    snprintf(path, sizeof path, "%s/erase-audit.db", unit_tmpdir());
    db *d = NULL;
    char err[256];
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    if (!d) return;
    int64_t child = person(d, 601, "Петя Иванов", "ru");
    char subject[32];
    snprintf(subject, sizeof subject, "account:%lld", (long long)child);
    CHECK_INT(audit_log(d, "guardian:vk:730993317", "guardian.consent", subject, NULL), MB_OK);
    CHECK_INT(audit_log(d, "guardian:tg:730993318", "guardian.consent", "account:999", NULL), MB_OK);
    CHECK_INT(account_forget(d, child), MB_OK);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM audit WHERE instr(actor, '730993317') > 0"), 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM audit WHERE actor = 'guardian' AND action = 'guardian.consent'"), 1);
    /* someone else's record is not touched */
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM audit WHERE actor = 'guardian:tg:730993318'"), 1);
    db_close(d);
}

/* After an erasure, the records of chats that belong to nobody go once
 * their messages are delivered; a person's own chat is not touched. */
TEST(the_sweep_takes_the_records_of_chats_of_nobody)
{
    char path[512];
    snprintf(path, sizeof path, "%s/erase-sweep.db", unit_tmpdir());
    db *d = NULL;
    char err[256];
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    if (!d) return;
    person(d, 701, "Анна Сергеевна", "ru");
    int64_t farewell = 0, mine = 0;
    CHECK_INT(outbox_enqueue(d, "tg", 702, 0, "text", "{\"text\":\"Ваши данные удалены\"}", &farewell), MB_OK);
    CHECK_INT(outbox_enqueue(d, "vk", 703, 0, "text", "{\"text\":\"Здравствуйте!\"}", NULL), MB_OK);
    CHECK_INT(outbox_enqueue(d, "tg", 701, 1, "text", "{\"text\":\"Меню\"}", &mine), MB_OK);
    CHECK_INT(outbox_mark_sent(d, farewell, 10), MB_OK);
    CHECK_INT(outbox_mark_sent(d, mine, 11), MB_OK);
    CHECK_INT(chat_mark_raise(d, "tg", 702, 10), MB_OK);
    CHECK_INT(chat_mark_raise(d, "vk", 703, 4), MB_OK);
    CHECK_INT(chat_mark_raise(d, "tg", 701, 11), MB_OK);

    int unfinished = -1;
    CHECK_INT(erase_sweep_chats(d, &unfinished), MB_OK);
    CHECK_INT(unfinished, 1);   /* the greeting to vk 703 is still on its way */
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = 702"), 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM chat_marks WHERE chat_id = 702"), 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = 703 AND state = 'pending'"), 1);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM chat_marks WHERE chat_id = 703"), 1);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = 701"), 1);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM chat_marks WHERE chat_id = 701"), 1);
    db_close(d);
}

/* After a /forget the sweep reads the chats the erasure listed: the
 * person's own and their parent's. A chat nobody listed keeps its records
 * for that sweep, a message still on its way keeps its chat listed, and a
 * chat someone is reached in again keeps its records and leaves the list. */
TEST(the_sweep_after_a_forget_reads_the_listed_chats)
{
    char path[512];
    snprintf(path, sizeof path, "%s/erase-listed.db", unit_tmpdir());
    db *d = NULL;
    char err[256];
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    if (!d) return;
    int64_t pupil = person(d, 801, "Анна Петрова", "ru");
    person(d, 807, "Ольга Ивановна", "ru");
    char sql[200];
    snprintf(sql, sizeof sql, "INSERT INTO consent_requests(minor_id, invite_id, platform, user_id, chat_id,"
                              " created_at, updated_at) VALUES (%lld, 1, 'tg', 805, 805, 0, 0)", (long long)pupil);
    CHECK_INT(db_exec(d, sql), MB_OK);
    int64_t farewell = 0, parent = 0, waiting = 0, other = 0, back = 0;
    CHECK_INT(outbox_enqueue(d, "tg", 801, 0, "text", "{\"text\":\"Ваши данные удалены\"}", &farewell), MB_OK);
    CHECK_INT(outbox_enqueue(d, "tg", 805, 0, "text", "{\"text\":\"Согласие\"}", &parent), MB_OK);
    CHECK_INT(outbox_enqueue(d, "tg", 805, 0, "text", "{\"text\":\"Напоминание\"}", &waiting), MB_OK);
    CHECK_INT(outbox_enqueue(d, "vk", 806, 0, "text", "{\"text\":\"Здравствуйте!\"}", &other), MB_OK);
    CHECK_INT(outbox_enqueue(d, "tg", 807, 0, "text", "{\"text\":\"Меню\"}", &back), MB_OK);
    int64_t sent[] = {farewell, parent, other, back};
    for (size_t i = 0; i < sizeof sent / sizeof sent[0]; i++) CHECK_INT(outbox_mark_sent(d, sent[i], 10 + (int)i), MB_OK);
    CHECK_INT(chat_mark_raise(d, "tg", 801, 10), MB_OK);
    CHECK_INT(chat_mark_raise(d, "tg", 805, 11), MB_OK);
    CHECK_INT(chat_mark_raise(d, "vk", 806, 12), MB_OK);

    CHECK_INT(erase_list_chats(d, pupil), MB_OK);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM erased_chats"), 2);
    CHECK_INT(account_forget(d, pupil), MB_OK);
    /* a chat someone else is reached in, listed by an earlier erasure */
    CHECK_INT(db_exec(d, "INSERT INTO erased_chats(platform, chat_id) VALUES ('tg', 807)"), MB_OK);
    int unfinished = -1;
    CHECK_INT(erase_sweep_listed(d, &unfinished), MB_OK);
    CHECK_INT(unfinished, 1);   /* the parent's reminder is still on its way */
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = 801"), 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM chat_marks WHERE chat_id = 801"), 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = 805"), 1);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM chat_marks WHERE chat_id = 805"), 1);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id IN (806, 807)"), 2);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM chat_marks WHERE chat_id = 806"), 1);
    CHECK_STR(query_text(d, "SELECT group_concat(chat_id) FROM erased_chats"), "805");
    /* delivered: the parent's chat goes too, and the list is empty */
    CHECK_INT(outbox_mark_sent(d, waiting, 20), MB_OK);
    CHECK_INT(erase_sweep_listed(d, &unfinished), MB_OK);
    CHECK_INT(unfinished, 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = 805"), 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM chat_marks WHERE chat_id = 805"), 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM erased_chats"), 0);
    db_close(d);
}

int main(void)
{
    RUN(a_name_is_replaced_as_a_word_and_as_a_shortened_label);
    RUN(the_sweep_after_a_forget_reads_the_listed_chats);
    RUN(others_messages_drafts_and_reports_lose_the_name);
    RUN(a_long_history_is_rewritten_whole);
    RUN(the_audit_forgets_a_parents_messenger_id);
    RUN(the_sweep_takes_the_records_of_chats_of_nobody);
    return unit_summary();
}
