/*
 * The local demo (`make run` without a token) as a newcomer meets it, on a
 * fresh copy in a temporary folder: scripts/demo-setup.sh prepares the
 * demo's configuration, database, programme and curator invite; the bot
 * starts on it and the curator registers; the admin command prefix the
 * demo prints reaches the demo's database; a second run with a new
 * simulator is heard; scripts/run-local.sh shows a failed start in the
 * terminal and ends cleanly on /quit.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define CURATOR 100001
#define MENTOR 100002
#define OUT_MAX 16384

/* A fresh copy: an empty folder with only bot.conf.example beside it. */
static void fresh_copy(const char *name, char *root, size_t size)
{
    char out[OUT_MAX];
    snprintf(root, size, "%s/%s", unit_tmpdir(), name);
    CHECK_INT(harness_run(out, sizeof out, "rm -rf '%s' && mkdir -p '%s'", root, root), 0);
}

/* Runs the demo's setup for the simulator on port; returns its exit code,
 * with everything it printed in out. */
static int demo_setup(const char *root, int port, char *out, size_t size)
{
    return harness_run(out, size, "MENTORBOT_BIN_DIR=%s sh scripts/demo-setup.sh '%s' %d", harness_bin_dir(), root,
                       port);
}

/* The last non-empty line of text (static buffer). */
static const char *last_line(const char *text)
{
    static char line[256];
    size_t n = strlen(text);
    while (n && text[n - 1] == '\n') n--;
    size_t start = n;
    while (start && text[start - 1] != '\n') start--;
    snprintf(line, sizeof line, "%.*s", (int)(n - start), text + start);
    return line;
}

/* A bot that runs on the demo's configuration in root, like make run. */
static void demo_bot(const char *root, bot_proc *b)
{
    memset(b, 0, sizeof *b);
    snprintf(b->dir, sizeof b->dir, "%s/run", root);
    snprintf(b->conf, sizeof b->conf, "%s/run/bot-local.conf", root);
    snprintf(b->db, sizeof b->db, "%s/run/mentorbot-local.db", root);
    snprintf(b->log, sizeof b->log, "%s/run/bot.log", root);
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0) close(fd);
    return port;
}

TEST(a_fresh_copy_runs_the_demo_and_the_curator_registers)
{
    char root[512], out[OUT_MAX], cmd[96];
    fresh_copy("demo-fresh", root, sizeof root);
    CHECK_INT(harness_run(out, sizeof out, "cp bot.conf.example '%s/'", root), 0);
    convo c;
    memset(&c, 0, sizeof c);
    c.transport = "tg";
    if (sim_start(&c.sim)) SKIP("simulator did not start");
    CHECK_INT(demo_setup(root, c.sim.port, out, sizeof out), 0);
    char code[64];
    snprintf(code, sizeof code, "%s", last_line(out));
    CHECK_INT((int)strlen(code), 16);
    /* The user's bot.conf keeps its empty [vk] token, and so does the demo's. */
    char path[600];
    snprintf(path, sizeof path, "%s/run/bot-local.conf", root);
    char *conf = unit_read_file(path, NULL);
    CHECK_CONTAINS(conf ? conf : "", "[vk]\n");
    CHECK(conf && strstr(conf, "token = 1:local-simulator") && !strstr(strstr(conf, "[vk]"), "token = 1:"));
    free(conf);

    demo_bot(root, &c.bot);
    CHECK_INT(bot_start(&c.bot), 0);
    convo_user_add(&c, CURATOR, "Tester", "ru");
    convo_user_add(&c, MENTOR, "Наставник", "ru");
    snprintf(cmd, sizeof cmd, "/start %s", code);
    say(&c, CURATOR, cmd);
    expect(&c, CURATOR, "организации «Demo school»");
    answer_registration(&c, CURATOR, "Педагог", NULL, NULL, "Анна Сергеевна");
    expect(&c, CURATOR, "Регистрация завершена");
    expect(&c, CURATOR, "куратор в программе наставничества организации «Demo school»");
    /* The demo school has this school year's programme. */
    press(&c, CURATOR, "Этап программы");
    expect(&c, CURATOR, "этап 1 из 7");

    /* The admin commands the demo tells about act on the demo's database. */
    CHECK_INT(harness_run(out, sizeof out, "%s/mentorbot --config '%s/run/bot-local.conf' admin invite create --org 1"
                                           " --role mentor | tail -n 1", harness_bin_dir(), root), 0);
    snprintf(cmd, sizeof cmd, "/start %s", code_of(out));
    say(&c, MENTOR, cmd);
    expect(&c, MENTOR, "Ваша роль — наставник");
    convo_stop(&c);
}

/* make run a second time: a new simulator, the same database. What the
 * user writes then is answered, not dropped as already seen. */
TEST(a_second_demo_run_hears_the_user)
{
    char root[512], out[OUT_MAX], cmd[96];
    fresh_copy("demo-again", root, sizeof root);
    convo c;
    memset(&c, 0, sizeof c);
    c.transport = "tg";
    if (sim_start(&c.sim)) SKIP("simulator did not start");
    CHECK_INT(demo_setup(root, c.sim.port, out, sizeof out), 0);
    snprintf(cmd, sizeof cmd, "/start %s", last_line(out));
    demo_bot(root, &c.bot);
    CHECK_INT(bot_start(&c.bot), 0);
    convo_user_add(&c, CURATOR, "Tester", "ru");
    say(&c, CURATOR, cmd);
    expect(&c, CURATOR, "организации «Demo school»");
    long long first_run = tg_say(&c.sim, CURATOR, "Tester", "ru", "/help");
    expect(&c, CURATOR, "");
    convo_stop(&c);

    memset(&c, 0, sizeof c);
    c.transport = "tg";
    if (sim_start(&c.sim)) SKIP("simulator did not start again");
    CHECK_INT(demo_setup(root, c.sim.port, out, sizeof out), 0);
    CHECK_STR(last_line(out), cmd + 7);   /* the same invite */
    demo_bot(root, &c.bot);
    CHECK_INT(bot_start(&c.bot), 0);
    convo_user_add(&c, CURATOR, "Tester", "ru");
    say(&c, CURATOR, cmd);
    expect(&c, CURATOR, "организации «Demo school»");
    long long second_run = tg_say(&c.sim, CURATOR, "Tester", "ru", "/help");
    CHECK(second_run > first_run);
    convo_stop(&c);
}

TEST(run_local_shows_a_failed_start_and_ends_cleanly_on_quit)
{
    char root[512], out[OUT_MAX];
    fresh_copy("demo-run", root, sizeof root);
    int port = free_port();
    CHECK(port > 0);
    /* /quit as the first thing typed: the demo starts, shows how to
     * register and how to reach its database, and ends with status 0. */
    int rc = harness_run(out, sizeof out, "printf '/quit\\n' | SIM_PORT=%d MENTORBOT_ROOT='%s' MENTORBOT_BIN_DIR=%s"
                         " sh scripts/run-local.sh", port, root, harness_bin_dir());
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(out, "created bot.conf from bot.conf.example");
    CHECK_CONTAINS(out, "Register as the demo school's curator by typing:  /start ");
    char prefix[700];
    snprintf(prefix, sizeof prefix, "--config %s/run/bot-local.conf admin ...", root);
    CHECK_CONTAINS(out, prefix);
    CHECK(strstr(out, "did not start") == NULL);

    /* A bot that cannot start (another one holds the demo's database)
     * is reported in the terminal, with the reason, and the run fails. */
    bot_proc holder;
    demo_bot(root, &holder);
    CHECK_INT(bot_start(&holder), 0);
    rc = harness_run(out, sizeof out, "printf '/quit\\n' | SIM_PORT=%d MENTORBOT_ROOT='%s' MENTORBOT_BIN_DIR=%s"
                     " sh scripts/run-local.sh", free_port(), root, harness_bin_dir());
    CHECK_INT(rc, 1);
    CHECK_CONTAINS(out, "The bot did not start");
    CHECK_CONTAINS(out, "another mentorbot is already running");
    CHECK(strstr(out, "Register as") == NULL);
    bot_stop(&holder);
}

int main(void)
{
    RUN(a_fresh_copy_runs_the_demo_and_the_curator_registers);
    RUN(a_second_demo_run_hears_the_user);
    RUN(run_local_shows_a_failed_start_and_ends_cleanly_on_quit);
    return unit_summary();
}
