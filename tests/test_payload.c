/*
 * Button payloads are read strictly (handlers/payload.h): the readers
 * themselves, and through the real dispatcher a curator's forged presses
 * ("uses:mentee:30:extra", "paper: 5", "ct:1:2:3"), whose fields fit no
 * shape the route table declares, answered "this button is out of date"
 * with the menu and nothing made, while the real payloads still work; data
 * that is no payload at all ("cq:") is refused. Also: a refused payload
 * with broken UTF-8 reaches the log escaped.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"
#include "tests/unit_messengers.h"

#include "handlers/dispatch.h"
#include "handlers/payload.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/records.h"
#include "util/i18n.h"
#include "util/text.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CURATOR_USER 501

static i18n *texts;
static bot_env env;
static int db_counter;

TEST(numbers_are_digits_only_without_trailing_text)
{
    static const struct {
        const char *s;
        long long most, want;   /* want -1: refused */
    } cases[] = {
        {"0", 10, 0},          {"7", 10, 7},           {"10", 10, 10},        {"11", 10, -1},
        {"3:4", 10, -1},       {"-0", 10, -1},
        {"", 10, -1},          {"030", 100, -1},       {"00", 10, -1},        {"+3", 10, -1},
        {"-3", 10, -1},        {" 3", 10, -1},         {"3 ", 10, -1},        {"3x", 10, -1},
        {"3:4", 10, -1},       {"0x1", 100, -1},       {"1e3", 10000, -1},    {"３", 10, -1},
        {"999999999999999999", PAYLOAD_NUMBER_MAX, 999999999999999999LL},
        {"1000000000000000000", PAYLOAD_NUMBER_MAX, -1},
        {"9223372036854775808", PAYLOAD_NUMBER_MAX, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        payload_field f[1] = {{.most = cases[i].most}};
        int ok = payload_fields(cases[i].s, f, 1) == 1;
        if (ok != (cases[i].want >= 0) || (ok && f[0].number != cases[i].want))
            fprintf(stderr, "  number \"%s\": %d, %lld\n", cases[i].s, ok, f[0].number);
        CHECK_INT(ok, cases[i].want >= 0);
        if (ok) CHECK_INT(f[0].number, cases[i].want);
    }
    /* with a negative minimum, a '-' once, and not before 0 */
    payload_field v[1] = {{.least = -5, .most = 5}};
    CHECK(payload_fields("-3", v, 1) == 1 && v[0].number == -3);
    CHECK(payload_fields("5", v, 1) == 1 && v[0].number == 5);
    static const char *const signed_bad[] = {"-0", "--1", "-6", "+1", "1 ", "- 1"};
    for (size_t i = 0; i < sizeof signed_bad / sizeof signed_bad[0]; i++)
        CHECK_INT(payload_fields(signed_bad[i], v, 1), 0);
}

TEST(a_payload_is_taken_apart_piece_by_piece)
{
    const char *p = "mentee:30";
    char word[16];
    long long n = 0;
    CHECK(payload_take_word(&p, word, sizeof word));
    CHECK_STR(word, "mentee");
    CHECK(payload_take_char(&p, ':'));
    CHECK(payload_take_number(&p, 30, &n));
    CHECK_INT(n, 30);
    CHECK(payload_end(p));

    p = "mentee:30:extra";
    CHECK(payload_take_word(&p, word, sizeof word) && payload_take_char(&p, ':') && payload_take_number(&p, 30, &n));
    CHECK(!payload_end(p));   /* the trailing ":extra" is seen */

    p = "Mentee";   /* a word is what the bot writes: lower case */
    CHECK(!payload_take_word(&p, word, sizeof word));
    CHECK_STR(p, "Mentee");   /* nothing taken on failure */
    p = "a_very_long_word_over_the_buffer";
    CHECK(!payload_take_word(&p, word, sizeof word));
}

TEST(escaped_payloads_keep_good_text_and_mark_the_rest)
{
    char buf[PAYLOAD_LOG_MAX];
    payload_escape("sv:12:help:t:exams", buf, sizeof buf);
    CHECK_STR(buf, "sv:12:help:t:exams");
    payload_escape("lang:ру😀", buf, sizeof buf);
    CHECK_STR(buf, "lang:ру😀");
    payload_escape("a\xff\xfe\"b\\\n\xc3", buf, sizeof buf);
    CHECK_STR(buf, "a\\xFF\\xFE\\x22b\\x5C\\x0A\\xC3");
    payload_escape("\xed\xa0\x80\xc0\xaf", buf, sizeof buf);   /* a surrogate, an overlong '/' */
    CHECK_STR(buf, "\\xED\\xA0\\x80\\xC0\\xAF");
    CHECK(text_utf8_valid(buf, strlen(buf)));
    /* the longest payload, all broken bytes, fits whole */
    char worst[EVENT_BUTTON_DATA_MAX + 1];
    memset(worst, 0xff, EVENT_BUTTON_DATA_MAX);
    worst[EVENT_BUTTON_DATA_MAX] = 0;
    payload_escape(worst, buf, sizeof buf);
    CHECK_INT(strlen(buf), 4 * EVENT_BUTTON_DATA_MAX);
    /* a short buffer cuts on a whole escape */
    char small[12];
    payload_escape("ab\xff\xff\xff", small, sizeof small);
    CHECK_STR(small, "ab\\xFF...");
    payload_escape(NULL, small, sizeof small);
    CHECK_STR(small, "");
}

TEST(the_fields_of_a_payload_are_read_by_one_reader)
{
    /* the fields of a meeting button: what:MEETING:VERSION[:EXTRA] */
    payload_field f[4] = {{.most = 0}, {.most = PAYLOAD_NUMBER_MAX}, {.most = 9}, {.most = 5}};
    CHECK_INT(payload_fields("u:12:3:5", f, 4), 4);
    CHECK_STR(f[0].word, "u");
    CHECK(f[1].number == 12 && f[2].number == 3 && f[3].number == 5);
    CHECK_INT(payload_fields("y:12:3", f, 4), 3);
    CHECK_STR(f[1].word, "12");   /* a number's digits are kept as written */
    /* a number from a minimum: below it refused; a '-' only when it may be negative */
    payload_field id[1] = {{.least = 1, .most = PAYLOAD_NUMBER_MAX}}, scale[1] = {{.least = -3, .most = 3}};
    CHECK_INT(payload_fields("0", id, 1), 0);
    CHECK_INT(payload_fields("-1", id, 1), 0);
    CHECK_INT(payload_fields("-3", scale, 1), 1);
    CHECK(scale[0].number == -3 && strcmp(scale[0].word, "-3") == 0);
    CHECK_INT(payload_fields("-4", scale, 1), 0);
    CHECK_INT(payload_fields("-0", scale, 1), 0);
    CHECK_INT(payload_fields("--1", scale, 1), 0);
    static const char *const bad[] = {"", "u", "u:", "u:12:", "u:12:10", "u:12:3:6", "u:12:3:5:1", "U:12",
                                      "u:-1", "u:012", "u:12 ", "u::12"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int n = payload_fields(bad[i], f, 4);
        /* "u" alone is one good field; every other is refused */
        if (strcmp(bad[i], "u") == 0) CHECK_INT(n, 1);
        else {
            if (n) fprintf(stderr, "  payload_fields(\"%s\") = %d\n", bad[i], n);
            CHECK_INT(n, 0);
        }
    }
}

/* An active curator of a new organisation; returns the account id. */
static int64_t make_curator(db *d)
{
    int64_t org_id = 0, id = 0;
    account a;
    if (org_add(d, "Школа №1", "Asia/Tomsk", &org_id) || account_create(d, "tg", CURATOR_USER, CURATOR_USER, "ru", &id) ||
        account_load(d, id, &a))
        return 0;
    snprintf(a.role, sizeof a.role, "curator");
    snprintf(a.status, sizeof a.status, "active");
    snprintf(a.name, sizeof a.name, "Анна Петровна");
    a.org_id = org_id;
    return account_save(d, &a) ? 0 : id;
}

/* The newest outbox row's id, 0 when there is none. */
static long long last_row(db *d) { return unit_db_int(d, "SELECT COALESCE(MAX(id), 0) FROM outbox", 0); }

/* 1 when what was queued after row before is "out of date" and the menu:
 * the answer that stops the spinner, the text, the menu. */
static int outdated_since(db *d, long long before)
{
    unit_rows rows;
    unit_sql_rows(db_handle(d), "SELECT kind, body FROM outbox WHERE id > ?1 ORDER BY id", before, &rows);
    return rows.n == 3 && strcmp(rows.kind[0], "answer") == 0 &&
           strcmp(rows.text[1], i18n_text(texts, "ru", "button.outdated")) == 0 && strcmp(rows.kind[2], "text") == 0 &&
           strstr(rows.text[2], "Анна Петровна") != NULL;
}

static mb_status press(db *d, int64_t user, const char *data)
{
    event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_BUTTON;
    ev.platform = "tg";
    ev.user_id = ev.chat_id = user;
    ev.is_private = 1;
    ev.button_data = data;
    static int presses;
    char button_id[16];
    snprintf(button_id, sizeof button_id, "cb%d", ++presses);   /* each press is answered once */
    ev.button_id = button_id;
    char reason[256] = "";
    mb_status rc = dispatch_event(d, &env, &ev, reason, sizeof reason);
    if (rc) fprintf(stderr, "  press \"%s\": %s\n", data, reason);
    return rc;
}

/* The text of the newest answer to a button press in the chat. */
static const char *last_answer(db *d)
{
    unit_rows rows;
    unit_sql_rows(db_handle(d), "SELECT kind, body FROM outbox WHERE kind = 'answer' ORDER BY id DESC", 0, &rows);
    return rows.n ? unit_sql_text(db_handle(d), "SELECT json_extract(body, '$.text') FROM outbox WHERE kind = "
                                                "'answer' ORDER BY id DESC LIMIT 1")
                  : "(no answer)";
}

TEST(forged_invite_presses_are_refused_and_make_no_invite)
{
    db *d = unit_db_open(NULL, 0);
    CHECK(d != NULL);
    if (!d) return;
    int64_t curator = make_curator(d);
    CHECK(curator > 0);
    /* the curator asked for a mentee invite: the size question is open */
    CHECK_INT(press(d, CURATOR_USER, "inv:mentee"), MB_OK);
    static const char *const forged[] = {
        "uses:mentee:30:extra", "uses:mentee:30x", "uses:mentee: 30", "uses:mentee:+30", "uses:mentee:030",
        "uses:mentee:30 ", "uses:mentee:", "uses:mentee:31", "uses:Mentee:30", "uses:mentee", "uses:",
    };
    for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
        long long before = last_row(d);
        CHECK_INT(press(d, CURATOR_USER, forged[i]), MB_OK);
        if (unit_db_int(d, "SELECT COUNT(*) FROM invites", 0) != 0) fprintf(stderr, "  accepted: %s\n", forged[i]);
        CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM invites", 0), 0);
        /* "uses:" and "uses:mentee:" are no payloads at all, and 31 was never
         * offered: refused; the rest fit no shape of "uses": out of date */
        if (strcmp(forged[i], "uses:") == 0 || strcmp(forged[i], "uses:mentee:") == 0 ||
            strcmp(forged[i], "uses:mentee:31") == 0)
            CHECK_STR(last_answer(d), i18n_text(texts, "ru", "button.stale"));
        else if (!outdated_since(d, before)) {
            fprintf(stderr, "  not out of date: \"%s\"\n", forged[i]);
            CHECK(0);
        }
    }
    /* the question was left open by the refusals: ask it again */
    CHECK_INT(press(d, CURATOR_USER, "inv:mentee"), MB_OK);
    /* the payload the bot writes still makes the invite */
    CHECK_INT(press(d, CURATOR_USER, "uses:mentee:30"), MB_OK);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM invites WHERE role = 'mentee' AND max_uses = 30", 0), 1);
    db_close(d);
}

TEST(forged_numbers_in_other_curator_buttons_are_refused)
{
    db *d = unit_db_open(NULL, 0);
    CHECK(d != NULL);
    if (!d) return;
    CHECK(make_curator(d) > 0);
    const char *stale = i18n_text(texts, "ru", "button.stale");
    /* fields that fit no shape of their action: out of date, and the menu */
    static const char *const forged[] = {
        "paper: 1", "paper:1x", "paper:+1", "cq:0:junk", "cq:00", "cq:-0", "cl: 0", "cb:r:0x", "ct:1:2:3",
        "ct:+1:2", "ct:1: 2", "cu:1:2x", "cs:x", "cf:x", "cv:1:2", "cm:01", "so: 1", "lang:ru:x", "cq:100001",
        "cz:s:5:12", "tz:11", "pw:k:10", "m:helpme", "cw:x", "zl:1000000000000000000",
    };
    for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
        long long before = last_row(d);
        CHECK_INT(press(d, CURATOR_USER, forged[i]), MB_OK);
        if (!outdated_since(d, before)) fprintf(stderr, "  not out of date: \"%s\"\n", forged[i]);
        CHECK(outdated_since(d, before));
    }
    /* data that is no payload at all: one row, the refusal, and nothing else */
    static const char *const broken[] = {"cb:r:", "cq:", "", "m:help:", ":1"};
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        long long before = unit_db_int(d, "SELECT COUNT(*) FROM outbox", 0);
        CHECK_INT(press(d, CURATOR_USER, broken[i]), MB_OK);
        if (unit_db_int(d, "SELECT COUNT(*) FROM outbox", 0) != before + 1 || strcmp(last_answer(d), stale) != 0)
            fprintf(stderr, "  not refused: \"%s\"\n", broken[i]);
        CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox", 0), before + 1);
        CHECK_STR(last_answer(d), stale);
    }
    /* real payloads of the same buttons still answer with more than a refusal */
    static const char *const real[] = {"cq:0", "cl:0", "cb:r:0", "cs", "m:help"};
    for (size_t i = 0; i < sizeof real / sizeof real[0]; i++) {
        long long before = unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE kind = 'text'", 0);
        CHECK_INT(press(d, CURATOR_USER, real[i]), MB_OK);
        if (unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE kind = 'text'", 0) <= before)
            fprintf(stderr, "  refused: \"%s\"\n", real[i]);
        CHECK(unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE kind = 'text'", 0) > before);
    }
    db_close(d);
}

TEST(erasure_needs_exactly_yes_or_no)
{
    db *d = unit_db_open(NULL, 0);
    CHECK(d != NULL);
    if (!d) return;
    int64_t id = make_curator(d);
    CHECK_INT(dialog_set(d, id, "forget_confirm", "{}"), MB_OK);
    long long before = last_row(d);
    CHECK_INT(press(d, CURATOR_USER, "forget:yes please"), MB_OK);
    CHECK(outdated_since(d, before));
    account a;
    CHECK_INT(account_load(d, id, &a), MB_OK);
    CHECK_STR(a.status, "active");
    /* the question still stands: the real answer works */
    CHECK_STR(unit_sql_text(db_handle(d), "SELECT state FROM dialog"), "forget_confirm");
    db_close(d);
}

/* Runs a press with stderr captured; returns what was written (caller frees). */
static char *log_of_press(db *d, int64_t user, const char *data)
{
    char path[600];
    snprintf(path, sizeof path, "%s/log-%d.txt", unit_tmpdir(), ++db_counter);
    fflush(stderr);
    int saved = dup(2);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    if (saved < 0 || fd < 0) return NULL;
    dup2(fd, 2);
    close(fd);
    press(d, user, data);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    return unit_read_file(path, NULL);
}

TEST(broken_utf8_in_button_data_is_escaped_in_the_log)
{
    db *d = unit_db_open(NULL, 0);
    CHECK(d != NULL);
    if (!d) return;
    /* from someone without an account: refused, and logged */
    char *log = log_of_press(d, 777, "ok:\xff\xfe\"x\xc3");
    CHECK(log != NULL);
    if (log) {
        CHECK_CONTAINS(log, "refused button \"ok:\\xFF\\xFE\\x22x\\xC3\"");
        CHECK(text_utf8_valid(log, strlen(log)));
    }
    free(log);
    /* good UTF-8 is kept as it is */
    log = log_of_press(d, 777, "lang:ру");
    CHECK(log != NULL);
    if (log) CHECK_CONTAINS(log, "refused button \"lang:ру\"");
    free(log);
    db_close(d);
}

int main(void)
{
    texts = unit_load_catalogs();
    if (!texts) return 1;
    env = (bot_env){.texts = texts, .default_language = "ru", .consent_age = 14};
    unit_register_messengers("mentorbot_test_bot", 0, NULL);
    RUN(numbers_are_digits_only_without_trailing_text);
    RUN(a_payload_is_taken_apart_piece_by_piece);
    RUN(escaped_payloads_keep_good_text_and_mark_the_rest);
    RUN(the_fields_of_a_payload_are_read_by_one_reader);
    RUN(forged_invite_presses_are_refused_and_make_no_invite);
    RUN(forged_numbers_in_other_curator_buttons_are_refused);
    RUN(erasure_needs_exactly_yes_or_no);
    RUN(broken_utf8_in_button_data_is_escaped_in_the_log);
    i18n_free(texts);
    return unit_summary();
}
