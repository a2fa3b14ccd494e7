/*
 * The database misbehaves under a running bot: the disk is full, or
 * another process holds the write lock (an operator's sqlite3 shell in
 * BEGIN EXCLUSIVE), first while the bot commits a user's update, then
 * while it commits what the messenger answered to a sent message.
 *
 * For each fault, on Telegram, VK and MAX: nothing is lost (every message is
 * answered once the fault clears), nothing is sent twice (the simulator's
 * sent log), the bot does not spin (its CPU time while the fault lasts
 * stays under a fifth of the wall time), and the operator sees it (a log
 * line naming the cause, and `admin outbox list` showing the row that
 * waits). A stop while an answer is held leaves its row to the delivery
 * check of the next start.
 *
 * "Disk full" comes from the bot's test VFS (storage/vfs.h): with
 * MENTORBOT_TEST_FAULTS=1, every write to the database fails with
 * SQLITE_FULL while <db>.fault-full exists.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HELP_TEXT "Это бот программы"
#define START_TEXT "Чтобы зарегистрироваться"
#define BUSY_TIMEOUT "1000"      /* the bot's busy timeout in these tests, in ms */
#define LOCK_HOLD_MS 3000        /* longer than the bot's busy timeout: the bot must see the lock */
#define FULL_HOLD_MS 2000
#define LOG_WAIT_MS 25000        /* for the log line naming the fault (a lock is noticed after the busy
                                    timeout, or twice that when the bot waits for it twice in a row) */
#define RECOVERY_MS 40000        /* back-off tops at 30 s; the first retries come far sooner */
#define CPU_SHARE_MAX 0.2

typedef enum fault_kind { DISK_FULL, LOCKED } fault_kind;

typedef struct fault {
    fault_kind kind;
    convo *c;
    sqlite3 *holder;             /* LOCKED: the connection holding BEGIN EXCLUSIVE */
    long long started_ms;
    double cpu_at_start;
} fault;

static const char *cause_words(fault_kind kind) { return kind == DISK_FULL ? "disk full" : "database is locked"; }
static const char *send_method(const convo *c) { return convo_send_method(c); }

static int replies(convo *c, long long user, const char *needle)
{
    return sim_count_calls(&c->sim, c->transport, user, send_method(c), needle);
}

/* CPU seconds (user + system) the process used so far, from /proc. */
static double cpu_seconds(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *p = strrchr(buf, ')');   /* the command name may hold spaces */
    if (!p) return -1;
    unsigned long utime = 0, stime = 0;
    /* after ")": state is field 3; utime and stime are fields 14 and 15 */
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static void fault_start(fault *f, convo *c, fault_kind kind)
{
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->c = c;
    if (kind == DISK_FULL) {
        char control[400];
        snprintf(control, sizeof control, "%s.fault-full", c->bot.db);
        FILE *file = fopen(control, "w");
        CHECK(file != NULL);
        if (file) fclose(file);
    } else {
        CHECK_INT(sqlite3_open(c->bot.db, &f->holder), SQLITE_OK);
        sqlite3_busy_timeout(f->holder, 10000);
        CHECK_INT(sqlite3_exec(f->holder, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
    }
    f->started_ms = harness_now_ms();
    f->cpu_at_start = cpu_seconds(c->bot.pid);
}

/* Holds the fault until hold_ms after it started, then checks that the
 * bot idled meanwhile, and ends it. */
static void fault_end(fault *f, int hold_ms)
{
    long long left = f->started_ms + hold_ms - harness_now_ms();
    if (left > 0) usleep((useconds_t)left * 1000);
    double wall = (double)(harness_now_ms() - f->started_ms) / 1000.0;
    double cpu = cpu_seconds(f->c->bot.pid) - f->cpu_at_start;
    if (cpu > CPU_SHARE_MAX * wall)
        fprintf(stderr, "  the bot used %.2f s of CPU in %.2f s of %s\n", cpu, wall, cause_words(f->kind));
    CHECK(f->cpu_at_start >= 0);
    CHECK(cpu <= CPU_SHARE_MAX * wall);
    if (f->kind == DISK_FULL) {
        char control[400];
        snprintf(control, sizeof control, "%s.fault-full", f->c->bot.db);
        CHECK_INT(unlink(control), 0);
    } else {
        CHECK_INT(sqlite3_exec(f->holder, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(f->holder);
        f->holder = NULL;
    }
}

static int wait_log(convo *c, const char *needle, int timeout_ms)
{
    long long end = harness_now_ms() + timeout_ms;
    while (!log_contains(&c->bot, needle)) {
        if (harness_now_ms() > end) return 0;
        usleep(50 * 1000);
    }
    return 1;
}

/* Waits until user has at least n replies containing needle. */
static int wait_replies(convo *c, long long user, const char *needle, int n, int timeout_ms)
{
    long long end = harness_now_ms() + timeout_ms;
    while (replies(c, user, needle) < n) {
        if (harness_now_ms() > end) return 0;
        usleep(100 * 1000);
    }
    return 1;
}

static int start(convo *c, const char *name)
{
    setenv("MENTORBOT_TEST_FAULTS", "1", 1);
    return convo_start(c, name, "[storage]\nbusy_timeout_ms = " BUSY_TIMEOUT "\n");
}

/* The user writes while the database cannot take the update: no answer
 * while it lasts, nothing recorded as failed, one answer once it clears. */
static void fault_while_committing_an_update(fault_kind kind)
{
    convo c;
    if (start(&c, kind == DISK_FULL ? "full-update" : "locked-update")) SKIP("simulator or bot did not start");
    long long user = 61001;
    say(&c, user, "/start");
    CHECK(wait_replies(&c, user, START_TEXT, 1, CONVO_WAIT_MS));

    fault f;
    fault_start(&f, &c, kind);
    say(&c, user, "/help");
    char line[128];
    snprintf(line, sizeof line, "could not store a batch of 1 %s updates: %s", c.transport, cause_words(kind));
    CHECK(wait_log(&c, line, LOG_WAIT_MS));
    CHECK_INT(replies(&c, user, HELP_TEXT), 0);
    fault_end(&f, kind == DISK_FULL ? FULL_HOLD_MS : LOCK_HOLD_MS);

    CHECK(wait_replies(&c, user, HELP_TEXT, 1, RECOVERY_MS));
    usleep(1500 * 1000);   /* time for a duplicate to show */
    CHECK_INT(replies(&c, user, HELP_TEXT), 1);
    CHECK_INT(replies(&c, user, START_TEXT), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM inbox WHERE status = 'failed'"), 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM inbox WHERE status = 'done'"), 2);
    convo_stop(&c);
}

/* The messenger accepted a message, and the database cannot take its
 * outcome: the answer is kept, the row waits as "sending" (shown to the
 * operator), the chat's next message waits behind it, and once the fault
 * clears the outcome is written with the message id and the chat goes on,
 * without the first message going out again. */
static void fault_while_committing_a_send_outcome(fault_kind kind)
{
    convo c;
    if (start(&c, kind == DISK_FULL ? "full-outcome" : "locked-outcome")) SKIP("simulator or bot did not start");
    long long user = 62001;
    /* the messenger delivers at once and answers 3 s later: the fault starts in between */
    cJSON_Delete(sim_postf(&c.sim, "/sim/fault", "{\"method\":\"%s\",\"delay_ms\":3000,\"times\":1}", send_method(&c)));
    say(&c, user, "/start");
    CHECK(wait_replies(&c, user, START_TEXT, 1, CONVO_WAIT_MS));
    fault f;
    fault_start(&f, &c, kind);
    say(&c, user, "/help");

    CHECK(wait_log(&c, "could not record the outcome of", LOG_WAIT_MS));
    char line[128];
    snprintf(line, sizeof line, "to chat %lld (sent, message id", user);
    CHECK(log_contains(&c.bot, line));
    CHECK(log_contains(&c.bot, cause_words(kind)));
    /* the operator's view: the row still waits as "sending" */
    char listed[512] = "";
    char expected[64];
    snprintf(expected, sizeof expected, "\t%lld\ttext\tsending\t", user);
    int code = bot_admin(&c.bot, listed, sizeof listed, NULL, 0, "outbox list --state sending");
    CHECK_INT(code, 0);
    CHECK(strstr(listed, expected) != NULL);
    fault_end(&f, kind == DISK_FULL ? FULL_HOLD_MS + 3000 : LOCK_HOLD_MS + 3000);

    CHECK(wait_replies(&c, user, HELP_TEXT, 1, RECOVERY_MS));
    CHECK(log_contains(&c.bot, "recorded after"));
    usleep(1500 * 1000);
    CHECK_INT(replies(&c, user, START_TEXT), 1);   /* never sent again */
    CHECK_INT(replies(&c, user, HELP_TEXT), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'"), 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE result_message_id IS NULL"), 0);
    convo_stop(&c);
}

/* The bot stops while it holds an answer the full disk refused: the row is
 * left "sending", and the next start checks whether the message arrived
 * instead of sending it again. */
TEST(a_stop_while_an_answer_is_held_leaves_it_to_the_check_at_the_next_start)
{
    convo c;
    if (start(&c, "full-stop")) SKIP("simulator or bot did not start");
    long long user = 63001;
    cJSON_Delete(sim_postf(&c.sim, "/sim/fault", "{\"method\":\"%s\",\"delay_ms\":3000,\"times\":1}", send_method(&c)));
    say(&c, user, "/start");
    CHECK(wait_replies(&c, user, START_TEXT, 1, CONVO_WAIT_MS));
    fault f;
    fault_start(&f, &c, DISK_FULL);
    CHECK(wait_log(&c, "could not record the outcome of", LOG_WAIT_MS));
    CHECK_INT(bot_stop(&c.bot), 0);
    CHECK(log_contains(&c.bot, "at shutdown: disk full"));
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE state = 'sending'"), 1);
    /* a start that cannot mark that message for checking does not run */
    bot_start(&c.bot);
    CHECK_INT(bot_wait_exit(&c.bot, 10000), 1);
    CHECK(log_contains(&c.bot, "could not mark the messages being sent when the last run stopped for checking"));
    fault_end(&f, 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE state = 'sending'"), 1);

    CHECK_INT(bot_start(&c.bot), 0);
    CHECK(wait_log(&c, "were being sent when the last run stopped", LOG_WAIT_MS));
    say(&c, user, "/help");
    CHECK(wait_replies(&c, user, HELP_TEXT, 1, RECOVERY_MS));
    usleep(1500 * 1000);
    CHECK_INT(replies(&c, user, START_TEXT), 1);   /* checked, not sent twice */
    CHECK_INT(replies(&c, user, HELP_TEXT), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'"), 0);
    convo_stop(&c);
}

TEST(disk_full_while_committing_an_update) { fault_while_committing_an_update(DISK_FULL); }
TEST(database_locked_while_committing_an_update) { fault_while_committing_an_update(LOCKED); }
TEST(disk_full_while_committing_a_send_outcome) { fault_while_committing_a_send_outcome(DISK_FULL); }
TEST(database_locked_while_committing_a_send_outcome) { fault_while_committing_a_send_outcome(LOCKED); }

static void run_all(void)
{
    RUN(disk_full_while_committing_an_update);
    RUN(database_locked_while_committing_an_update);
    RUN(disk_full_while_committing_a_send_outcome);
    RUN(database_locked_while_committing_a_send_outcome);
    RUN(a_stop_while_an_answer_is_held_leaves_it_to_the_check_at_the_next_start);
}

int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, run_all);
    return unit_summary();
}
