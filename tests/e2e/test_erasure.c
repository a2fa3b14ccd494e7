/*
 * /forget as a family and a school would check it: a pupil whose parent
 * consented, who filled in the request survey, was paired with a mentor and
 * appears in a curator's report waiting to be sent, erases their data. The
 * bot is then stopped, the database vacuumed, and every byte of every file
 * in the bot's folder is searched for the pupil's name, surname, messenger
 * id and free-text answers: none may be found. The anonymous counts and
 * the mentor's own data remain; the files the bot made are its user's
 * alone.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CURATOR 730000101LL
#define MENTOR 730000102LL
#define PUPIL 730461958LL
#define PARENT 730993317LL

#define PUPIL_FIRST "Яна"
#define PUPIL_SURNAME "Юная"
#define SUBJECT_ANSWER "астрономия сверхновых"
#define TOWN_ANSWER "Верхнеблагодатск"
#define PARENT_NAME "Ольга Мама"
#define PARENT_PHONE "79161230077"
#define PAIR_SECRET "кодовое слово аметист"



/* Opens the menu with nothing older left to read. */
static void open_menu(convo *c, long long user)
{
    convo_drain(c, user, 300);
    say(c, user, "/menu");
    expect(c, user, "Что сделать?");
}

/* Registration by an invite code. */
static void join(convo *c, long long user, const char *code, const char *name, const char *category,
                 const char *grade, const char *year)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code);
    say(c, user, cmd);
    expect(c, user, "Вас приглашают");
    answer_registration(c, user, category, grade, year, name);
    expect_some(c, user, "Готово");
}

static void fill_in_the_request(convo *c)
{
    open_menu(c, PUPIL);
    press(c, PUPIL, "Заполнить анкету");
    expect_some(c, PUPIL, "С чем тебе хотелось бы помощи?");
    press(c, PUPIL, "Трудно даётся предмет");
    expect(c, PUPIL, "С чем тебе хотелось бы помощи?");
    press(c, PUPIL, "Готово");
    expect(c, PUPIL, "Какой предмет даётся трудно?");
    say(c, PUPIL, SUBJECT_ANSWER);
    expect(c, PUPIL, "Кто тебе ближе как наставник?");
    press(c, PUPIL, "Студент колледжа или вуза");
    expect(c, PUPIL, "Как тебе удобнее заниматься?");
    press(c, PUPIL, "Один на один");
    expect(c, PUPIL, "Чем ты увлекаешься?");
    press(c, PUPIL, "Музыка");
    expect(c, PUPIL, "Чем ты увлекаешься?");
    press(c, PUPIL, "Готово");
    expect(c, PUPIL, "Сколько раз в месяц");
    say(c, PUPIL, "3");
    expect(c, PUPIL, "Когда тебе удобно встречаться?");
    press(c, PUPIL, "Будни, вечером");
    expect(c, PUPIL, "Когда тебе удобно встречаться?");
    press(c, PUPIL, "Готово");
    expect(c, PUPIL, "Как встречаться?");
    press(c, PUPIL, "Вживую");
    expect(c, PUPIL, "Насколько ты ждёшь");
    press(c, PUPIL, "8");
    expect(c, PUPIL, "В каком городе, посёлке или районе ты живёшь?");
    say(c, PUPIL, TOWN_ANSWER);
    expect(c, PUPIL, "Интересно узнать больше о профессиях");
    press(c, PUPIL, "Может быть");
    expect(c, PUPIL, "Анкета заполнена");
}

/* The permission bits of path, or -1 when it is not there. */
static int mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

/* The first report file in the bot's files folder, into path. */
static int report_file(const convo *c, char *path, size_t size)
{
    char dir[400];
    snprintf(dir, sizeof dir, "%s.files", c->bot.db);
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;
    while (d && !found && (e = readdir(d)))
        if (e->d_name[0] != '.') found = snprintf(path, size, "%s/%s", dir, e->d_name) < (int)size;
    if (d) closedir(d);
    return found;
}

/* Files under dir (recursively) whose bytes contain needle, printed when
 * show is set; the count of files searched is added to *searched. */
static int files_containing(const char *dir, const char *needle, int show, int *searched)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int hits = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char path[1024];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (lstat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            hits += files_containing(path, needle, show, searched);
            continue;
        }
        size_t len = 0;
        char *bytes = unit_read_file(path, &len);
        (*searched)++;
        if (bytes && memmem(bytes, len, needle, strlen(needle))) {
            if (show) fprintf(stderr, "  \"%s\" found in %s\n", needle, path);
            hits++;
        }
        free(bytes);
    }
    closedir(d);
    return hits;
}

/* Whether the file (a bot's write-ahead log) holds text now. */
static int log_holds(const char *path, const char *text)
{
    size_t len = 0;
    char *bytes = unit_read_file(path, &len);
    int found = bytes && memmem(bytes, len, text, strlen(text)) != NULL;
    free(bytes);
    return found;
}

TEST(a_pupil_erased_leaves_no_trace)
{
    convo c;
    if (convo_start(&c, "erasure", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, CURATOR, "Анна", "ru");
    convo_user_add(&c, MENTOR, "Иван", "ru");
    convo_user_add(&c, PUPIL, PUPIL_FIRST, "ru");
    convo_user_add(&c, PARENT, "Ольга", "ru");
    const int vk = strcmp(c.transport, "vk") == 0;

    char org[32], code[64], sql[600];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №3\""));
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org %s --role curator", org)));
    join(&c, CURATOR, code, "Анна Сергеевна", "Педагог", NULL, NULL);
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org %s --role mentor", org)));
    join(&c, MENTOR, code, "Иван Наставников", "Студент", NULL, NULL);
    snprintf(sql, sizeof sql,
             "INSERT OR REPLACE INTO profiles(account_id, topics, forms, slots, meeting_mode, capacity, updated_at)"
             " SELECT account_id, '[\"learning\"]', '[]', '[\"weekday_evening\"]', 'offline', 2, 0 FROM identities"
             " WHERE user_id = %lld", MENTOR);
    db_exec(c.bot.db, sql);

    /* The pupil, born in 2013, waits for a parent. */
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org %s --role mentee", org)));
    join(&c, PUPIL, code, PUPIL_FIRST " " PUPIL_SURNAME, "Школьник", "7", "2013");
    const char *wait = expect_some(&c, PUPIL, "согласие родителя");
    char parent_cmd[96];
    snprintf(parent_cmd, sizeof parent_cmd, "/start %s", code_of(wait ? wait : ""));
    say(&c, PARENT, parent_cmd);
    expect(&c, PARENT, PUPIL_FIRST " " PUPIL_SURNAME " хочет участвовать");
    say(&c, PARENT, PARENT_NAME);
    expect(&c, PARENT, "Кем вы приходитесь");
    press(&c, PARENT, "Мама");
    if (!vk) {
        /* the parent shares their own number, which the curator is shown */
        expect(&c, PARENT, "Поделитесь");
        cJSON_Delete(sim_postf(&c.sim, "/sim/tg/message",
                               "{\"from\":{\"id\":%lld,\"first_name\":\"Ольга\",\"language_code\":\"ru\"},"
                               "\"contact\":{\"phone_number\":\"+" PARENT_PHONE "\",\"user_id\":%lld}}",
                               PARENT, PARENT));
        expect(&c, PARENT, "номер получен");
    }
    expect(&c, PARENT, "Последний вопрос");
    press(&c, PARENT, "Да, даю согласие");
    expect(&c, PARENT, "Куратор школы проверит");
    open_menu(&c, CURATOR);
    press(&c, CURATOR, "Согласия родителей: 1");
    expect(&c, CURATOR, "Согласия родителей.");
    press(&c, CURATOR, "1. Подтвердить");
    expect(&c, CURATOR, "подтверждено");
    expect(&c, PARENT, "Куратор школы подтвердил");
    expect_some(&c, PUPIL, "Согласие родителя получено");
    fill_in_the_request(&c);

    /* The curator pairs her with the mentor; both are introduced. */
    open_menu(&c, CURATOR);
    press(&c, CURATOR, "Ждут наставника: 1");
    expect(&c, CURATOR, "Ждут наставника: 1");
    press(&c, CURATOR, PUPIL_FIRST " " PUPIL_SURNAME);
    expect(&c, CURATOR, PUPIL_FIRST " " PUPIL_SURNAME " (Школьник, 7 класс)");
    press(&c, CURATOR, "✓ Иван Наставников");
    expect(&c, CURATOR, "Пара создана: Иван Наставников — " PUPIL_FIRST " " PUPIL_SURNAME);
    expect_some(&c, MENTOR, "у вас новый наставляемый — " PUPIL_FIRST " " PUPIL_SURNAME);
    expect_some(&c, PUPIL, "твой наставник — Иван Наставников");

    /* She writes to her mentor through the bot. */
    open_menu(&c, PUPIL);
    press(&c, PUPIL, "Моя пара");
    expect(&c, PUPIL, "Твой наставник");
    press(&c, PUPIL, "Написать наставнику");
    expect(&c, PUPIL, "бот передаст его");
    say(&c, PUPIL, "Мой пароль — " PAIR_SECRET);
    expect(&c, PUPIL, "Сообщение передано");
    const char *got = expect_some(&c, MENTOR, "Сообщение от " PUPIL_FIRST " " PUPIL_SURNAME);
    CHECK(got && strstr(got, PAIR_SECRET));

    /* The curator's export meets a messenger asking to wait: the report
     * with her name waits in the files folder. */
    cJSON_Delete(sim_postf(&c.sim, "/sim/fault",
                           vk ? "{\"method\":\"docs.getMessagesUploadServer\",\"status\":200,\"body\":{\"error\":"
                                "{\"error_code\":14,\"error_msg\":\"Captcha needed\"}}}"
                              : "{\"method\":\"sendDocument\",\"status\":429,\"retry_after\":3600}"));
    open_menu(&c, CURATOR);
    press(&c, CURATOR, "Выгрузить пары в таблицу");
    convo_wait_count(&c, 1, 10000, "SELECT COUNT(*) FROM outbox WHERE kind = 'document'"
                                   " AND state = 'pending' AND attempts > 0");
    char report[600] = "", db_file[400];
    CHECK(report_file(&c, report, sizeof report));
    size_t len = 0;
    char *csv = report[0] ? unit_read_file(report, &len) : NULL;
    CHECK(csv && memmem(csv, len, PUPIL_SURNAME, strlen(PUPIL_SURNAME)));
    free(csv);

    /* Everything the bot made is its user's alone. */
    CHECK_INT(mode_of(c.bot.db), 0600);
    snprintf(db_file, sizeof db_file, "%s-wal", c.bot.db);
    CHECK_INT(mode_of(db_file), 0600);
    snprintf(db_file, sizeof db_file, "%s-shm", c.bot.db);
    CHECK_INT(mode_of(db_file), 0600);
    snprintf(db_file, sizeof db_file, "%s.files", c.bot.db);
    CHECK_INT(mode_of(db_file), 0700);
    CHECK_INT(mode_of(report), 0600);

    /* Until then the running bot's write-ahead log holds her surname. */
    snprintf(db_file, sizeof db_file, "%s-wal", c.bot.db);
    CHECK(log_holds(db_file, PUPIL_SURNAME));

    say(&c, PUPIL, "/forget");
    expect_some(&c, PUPIL, "Удалить твои персональные данные?");
    press(&c, PUPIL, "Да, удалить");
    expect_some(&c, PUPIL, "Ваши данные удалены");
    /* The checkpoint after the erasure empties the log while the bot runs:
     * a copy of the bot's folder taken now holds no trace of her there. */
    int waited = 0;
    while (log_holds(db_file, PUPIL_SURNAME) && waited < 5000) {
        usleep(50 * 1000);
        waited += 50;
    }
    CHECK(!log_holds(db_file, PUPIL_SURNAME));

    /* What remains: the anonymous row, the pair, and the mentor. */
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM accounts WHERE org_id = %s AND role = 'mentee'"
                              " AND status = 'forgotten' AND category = 'pupil' AND grade = 7 AND name IS NULL", org);
    CHECK_INT(db_query_int(c.bot.db, sql), 1);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM accounts WHERE org_id = %s AND role = 'mentee'", org);
    CHECK_INT(db_query_int(c.bot.db, sql), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM mentorship_members"), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts a JOIN profiles p ON p.account_id = a.id"
                                     " WHERE a.name = 'Иван Наставников' AND a.status = 'active' AND p.capacity = 2"), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM profiles"), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM survey_answers"), 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM audit WHERE action = 'guardian.consent_pending'"
                                     " AND actor = 'guardian'"), 1);
    /* Others' messages keep going without her name; the report is withdrawn. */
    CHECK(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE body LIKE '%участник удалил данные%'") >= 3);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE kind = 'text' AND state = 'pending'"
                                     " AND body LIKE '%не будет отправлена%'"), 1);
    CHECK_INT(convo_files_left(&c), 0);

    /* An hour later the farewell's delivery record, with her chat's
     * number, goes too (and the parent's, who has no account). */
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM outbox WHERE chat_id IN (%lld, %lld)", PUPIL, PARENT);
    CHECK(db_query_int(c.bot.db, sql) >= 2);
    char marks[200];
    snprintf(marks, sizeof marks, "SELECT COUNT(*) FROM chat_marks WHERE chat_id IN (%lld, %lld)", PUPIL, PARENT);
    CHECK(db_query_int(c.bot.db, marks) >= 1);
    CHECK_INT(bot_stop(&c.bot), 0);
    setenv("MENTORBOT_CLOCK_OFFSET_S", "3700", 1);
    CHECK_INT(bot_start(&c.bot), 0);
    unsetenv("MENTORBOT_CLOCK_OFFSET_S");
    convo_wait_count(&c, 1, 10000, "SELECT COUNT(*) FROM jobs WHERE kind = 'erase_sweep' AND state = 'done'");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM jobs WHERE kind = 'erase_sweep' AND state = 'done'"), 1);
    CHECK_INT(db_query_int(c.bot.db, sql), 0);
    CHECK_INT(db_query_int(c.bot.db, marks), 0);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM outbox WHERE chat_id IN (%lld, %lld)", CURATOR, MENTOR);
    CHECK(db_query_int(c.bot.db, sql) > 0);

    /* The bot stops (folding its write-ahead log back), the file is
     * vacuumed, and every byte in the bot's folder is searched. */
    CHECK_INT(bot_stop(&c.bot), 0);
    db_exec(c.bot.db, "VACUUM");
    char pupil_id[32], parent_id[32];
    snprintf(pupil_id, sizeof pupil_id, "%lld", PUPIL);
    snprintf(parent_id, sizeof parent_id, "%lld", PARENT);
    const char *gone[] = {PUPIL_FIRST, PUPIL_SURNAME, pupil_id, parent_id, SUBJECT_ANSWER, TOWN_ANSWER,
                          PARENT_NAME, PARENT_PHONE, PAIR_SECRET};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
        int searched = 0;
        CHECK_INT(files_containing(c.bot.dir, gone[i], 1, &searched), 0);
        CHECK(searched >= 3);   /* bot.conf, bot.db, bot.log at least */
    }
    snprintf(db_file, sizeof db_file, "%s-wal", c.bot.db);
    size_t wal_len = 0;
    char *wal = unit_read_file(db_file, &wal_len);
    CHECK(!wal || !memmem(wal, wal_len, PUPIL_SURNAME, strlen(PUPIL_SURNAME)));
    free(wal);
    /* the search does find what must stay */
    int searched = 0;
    CHECK(files_containing(c.bot.dir, "Иван Наставников", 0, &searched) >= 1);
    CHECK(files_containing(c.bot.dir, "Анна Сергеевна", 0, &searched) >= 1);
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(a_pupil_erased_leaves_no_trace);
}

int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}
