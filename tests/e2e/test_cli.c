/*
 * The command line as operators' scripts use it: `check` names file:line,
 * admin commands print what they made on their last line and refuse bad
 * arguments with a sentence and a non-zero exit.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static const char *write_conf(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s.conf", unit_tmpdir(), name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

TEST(check_names_the_file_and_line_of_each_problem)
{
    char out[4096];
    const char *good = write_conf("good", "[storage]\npath = good.db\n[bot]\nlanguage = en\n");
    CHECK_INT(harness_run(out, sizeof out, "%s/mentorbot --config %s check", harness_bin_dir(), good), 0);
    CHECK_CONTAINS(out, "configuration is valid");

    const char *bad = write_conf("bad", "[storage]\npath = bad.db\n[telegram]\npoll_timout = 10\n[bot]\nlanguage = de\n");
    CHECK_INT(harness_run(out, sizeof out, "%s/mentorbot --config %s check", harness_bin_dir(), bad), 1);
    char where[600];
    snprintf(where, sizeof where, "%s:4: unknown key \"poll_timout\" in [telegram]", bad);
    CHECK_CONTAINS(out, where);
    snprintf(where, sizeof where, "%s:6: language must be ru or en", bad);
    CHECK_CONTAINS(out, where);

    CHECK_INT(harness_run(out, sizeof out, "%s/mentorbot --config /nonexistent/bot.conf check", harness_bin_dir()), 1);
    CHECK_CONTAINS(out, "cannot open the config file");
    /* the token never shows, even in errors about it */
    const char *tok = write_conf("tok", "[telegram]\ntoken = 12345:SECRETTOKEN\napi_base = ftp://x\n");
    CHECK_INT(harness_run(out, sizeof out, "%s/mentorbot --config %s check", harness_bin_dir(), tok), 1);
    CHECK(strstr(out, "SECRETTOKEN") == NULL);
}

TEST(admin_commands_print_ids_and_links_last)
{
    char out[4096], conf[600];
    snprintf(conf, sizeof conf, "[storage]\npath = %s/admin.db\n[telegram]\nusername = school_mentor_bot\n", unit_tmpdir());
    const char *path = write_conf("admin", conf);
    CHECK_INT(harness_run(out, sizeof out, "%s/mentorbot --config %s admin org add --name 'Гимназия №2' --tz Asia/Tomsk "
                                   "| tail -n 1", harness_bin_dir(), path), 0);
    CHECK_STR(out, "1\n");
    CHECK_INT(harness_run(out, sizeof out, "%s/mentorbot --config %s admin invite create --org 1 --role mentor --uses 5 "
                                   "| tail -n 1", harness_bin_dir(), path), 0);
    CHECK_CONTAINS(out, "https://t.me/school_mentor_bot?start=");
    CHECK_INT((int)strlen(strstr(out, "start=") + 6), 16 + 1);   /* 16-character code and the newline */

    CHECK(harness_run(out, sizeof out, "%s/mentorbot --config %s admin invite create --org 99 --role mentor", harness_bin_dir(), path) != 0);
    CHECK_CONTAINS(out, "there is no organisation 99");
    CHECK(harness_run(out, sizeof out, "%s/mentorbot --config %s admin invite create --org 1 --role admin", harness_bin_dir(), path) != 0);
    CHECK_CONTAINS(out, "usage: admin invite create");
    CHECK(harness_run(out, sizeof out, "%s/mentorbot --config %s admin org add --name X --tz Mars/Base", harness_bin_dir(), path) != 0);
    CHECK_CONTAINS(out, "unknown timezone");
    CHECK(harness_run(out, sizeof out, "%s/mentorbot --config %s admin invite create --org 1 --role mentee --uses 0", harness_bin_dir(),
              path) != 0);
    CHECK_CONTAINS(out, "--uses must be a whole number");
    char db[600];
    snprintf(db, sizeof db, "%s/admin.db", unit_tmpdir());
    CHECK_INT(db_query_int(db, "SELECT COUNT(*) FROM audit WHERE actor = 'admin:cli'"), 2);
    CHECK_INT(db_query_int(db, "SELECT COUNT(*) FROM invites"), 1);
}

/* Like ssh with a key: a token in a file others can read is named, with
 * the file and its mode; a private file, a file without a token, or a
 * token that only the environment holds are not. */
TEST(check_warns_about_a_token_others_can_read)
{
    char out[4096], expected[700];
    const char *tok = write_conf("readable", "[storage]\npath = readable.db\n[vk]\ntoken = vk-secret\ngroup_id = 5\n");
    chmod(tok, 0644);
    CHECK_INT(harness_run(out, sizeof out, "%s/mentorbot --config %s check", harness_bin_dir(), tok), 0);
    snprintf(expected, sizeof expected, "warning: %s holds a bot token and its mode is 0644", tok);
    CHECK_CONTAINS(out, expected);
    CHECK_CONTAINS(out, "chmod 600");
    CHECK_CONTAINS(out, "configuration is valid");
    CHECK(strstr(out, "vk-secret") == NULL);
    chmod(tok, 0640);
    CHECK_INT(harness_run(out, sizeof out, "%s/mentorbot --config %s check", harness_bin_dir(), tok), 0);
    snprintf(expected, sizeof expected, "warning: %s holds a bot token and its mode is 0640", tok);
    CHECK_CONTAINS(out, expected);
    chmod(tok, 0600);
    CHECK_INT(harness_run(out, sizeof out, "%s/mentorbot --config %s check", harness_bin_dir(), tok), 0);
    CHECK(strstr(out, "warning") == NULL);

    const char *tg = write_conf("readable-tg", "[storage]\npath = tg.db\n[telegram]\ntoken = 123:ABC\n");
    chmod(tg, 0604);
    CHECK_INT(harness_run(out, sizeof out, "%s/mentorbot --config %s check", harness_bin_dir(), tg), 0);
    snprintf(expected, sizeof expected, "warning: %s holds a bot token and its mode is 0604", tg);
    CHECK_CONTAINS(out, expected);

    const char *plain = write_conf("plain", "[storage]\npath = plain.db\n");
    chmod(plain, 0644);
    CHECK_INT(harness_run(out, sizeof out, "%s/mentorbot --config %s check", harness_bin_dir(), plain), 0);
    CHECK(strstr(out, "warning") == NULL);
    CHECK_INT(harness_run(out, sizeof out, "MENTORBOT_TELEGRAM_TOKEN=123:ABC %s/mentorbot --config %s check",
                          harness_bin_dir(), plain), 0);
    CHECK(strstr(out, "warning") == NULL);
}

/* What the service and the admin commands create is theirs alone, whatever
 * the umask of the shell that started them. */
TEST(admin_creates_a_private_database)
{
    char out[4096], conf[700], db[600];
    snprintf(db, sizeof db, "%s/private.db", unit_tmpdir());
    snprintf(conf, sizeof conf, "[storage]\npath = %s\n", db);
    const char *path = write_conf("private", conf);
    CHECK_INT(harness_run(out, sizeof out, "umask 022; %s/mentorbot --config %s admin org add --name 'Школа' | tail -n 1",
                          harness_bin_dir(), path), 0);
    CHECK_STR(out, "1\n");
    struct stat st;
    CHECK_INT(stat(db, &st), 0);
    CHECK_INT((int)(st.st_mode & 0777), 0600);
}

int main(void)
{
    RUN(check_names_the_file_and_line_of_each_problem);
    RUN(admin_commands_print_ids_and_links_last);
    RUN(check_warns_about_a_token_others_can_read);
    RUN(admin_creates_a_private_database);
    return unit_summary();
}
