/*
 * The route table (handlers/routes.h): every command and action is taken
 * by one route in each phase and every route can be reached, every button
 * of the curator's menu opens its screen; a press from
 * an old message that no route takes any more gets "this button is out of
 * date" and the menu (or, during registration, the question again), in the
 * reader's variant.
 */
#include "tests/unit.h"
#include "tests/unit_messengers.h"

#include "handlers/dispatch.h"
#include "handlers/payload.h"
#include "handlers/routes.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/records.h"
#include "util/i18n.h"

#include <stdlib.h>
#include <string.h>

#define CURATOR_USER 601
#define PUPIL_USER 602

static i18n *texts;
static bot_env env;

TEST(every_key_has_one_route_per_phase_and_every_route_is_reached)
{
    size_t n;
    const route *t = routes_table(&n);
    CHECK(n > 0);
    for (size_t i = 0; i < n; i++) {
        unsigned phases = t[i].who & ROUTE_PHASES;
        CHECK(t[i].run != NULL);
        /* a guest route serves every phase; otherwise at least one phase */
        CHECK(phases == ROUTE_GUEST || (phases && !(phases & ROUTE_GUEST)));
        CHECK(!(t[i].who & ROUTE_SCREEN) || (t[i].who & ROUTE_CURATOR));
        /* a command is "/word", an action a word the payload parser reads back */
        char action[PAYLOAD_ACTION_MAX];
        const char *fields;
        const char *word = t[i].key[0] == '/' ? t[i].key + 1 : t[i].key;
        if (!payload_split(word, action, sizeof action, &fields) || strcmp(action, word) != 0)
            fprintf(stderr, "  key \"%s\" is not a word\n", t[i].key);
        CHECK(payload_split(word, action, sizeof action, &fields) && strcmp(action, word) == 0);
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(t[i].key, t[j].key) == 0) {
                if (t[i].who & t[j].who & ROUTE_PHASES) fprintf(stderr, "  \"%s\" twice in a phase\n", t[i].key);
                CHECK(!(t[i].who & t[j].who & ROUTE_PHASES) && !((t[i].who | t[j].who) & ROUTE_GUEST));
            }
        static const unsigned each[] = {ROUTE_GUEST, ROUTE_REGISTERING, ROUTE_REGISTERED};
        for (size_t k = 0; k < 3; k++)
            if (phases & each[k] && routes_find(t[i].key, each[k]) != &t[i]) {
                fprintf(stderr, "  \"%s\" not reached\n", t[i].key);
                CHECK(0);
            }
    }
    CHECK(routes_find("zz", ROUTE_REGISTERED) == NULL);
    CHECK(routes_find("cat", ROUTE_REGISTERED) == NULL);   /* a registration step, over */
    CHECK(routes_find("cb", ROUTE_REGISTERING) == NULL);
    CHECK(routes_find("gc", ROUTE_REGISTERED) != NULL);     /* a parent's consent, in any phase */
}

TEST(the_payload_parser_splits_off_the_action)
{
    char action[PAYLOAD_ACTION_MAX];
    const char *fields = NULL;
    CHECK(payload_split("cb:r:0", action, sizeof action, &fields));
    CHECK_STR(action, "cb");
    CHECK_STR(fields, "r:0");
    CHECK(payload_split("cs", action, sizeof action, &fields));
    CHECK_STR(action, "cs");
    CHECK_STR(fields, "");
    static const char *const bad[] = {"", ":1", "cq:", "cq:0:", "Cb:1", "c b", "cb;1", "an_action_too_long_here:1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (payload_split(bad[i], action, sizeof action, &fields)) fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
        CHECK(!payload_split(bad[i], action, sizeof action, &fields));
    }
    int64_t ids[2];
    CHECK(payload_ids("12:34", ids, 2) && ids[0] == 12 && ids[1] == 34);
    CHECK(!payload_ids("12:0", ids, 2));
    CHECK(!payload_ids("12", ids, 2));
    CHECK(!payload_ids("12:34:5", ids, 2));
}

static db *fresh_db(void)
{
    static int counter;
    char path[512], err[256] = "";
    snprintf(path, sizeof path, "%s/routes-%d.db", unit_tmpdir(), ++counter);
    db *d = NULL;
    if (db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err)) fprintf(stderr, "  db_open: %s\n", err);
    return d;
}

/* An account of a new organisation in role and status; its id. */
static int64_t make_account(db *d, int64_t user, const char *role, const char *status, const char *category)
{
    int64_t org_id = 0, id = 0;
    account a;
    if (org_add(d, "Школа №2", "Asia/Tomsk", &org_id) || account_create(d, "tg", user, user, "ru", &id) ||
        account_load(d, id, &a))
        return 0;
    snprintf(a.role, sizeof a.role, "%s", role);
    snprintf(a.status, sizeof a.status, "%s", status);
    snprintf(a.category, sizeof a.category, "%s", category);
    snprintf(a.name, sizeof a.name, "Анна Петрова");
    a.org_id = org_id;
    a.consent_at = 1;
    return account_save(d, &a) ? 0 : id;
}

/* A press of data, or with data NULL the message text, from user. */
static void send_event(db *d, int64_t user, const char *data, const char *text)
{
    event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = data ? EVENT_BUTTON : EVENT_MESSAGE;
    ev.platform = "tg";
    ev.user_id = ev.chat_id = user;
    ev.is_private = 1;
    ev.button_data = data;
    ev.text = text;
    static int presses;
    char button_id[16], reason[256];
    snprintf(button_id, sizeof button_id, "b%d", ++presses);
    if (data) ev.button_id = button_id;
    CHECK_INT(dispatch_event(d, &env, &ev, reason, sizeof reason), MB_OK);
}

static void press(db *d, int64_t user, const char *data) { send_event(d, user, data, NULL); }

/* The newest outbox row's id, 0 when there is none. */
static long long last_row(db *d)
{
    return unit_sql_int(db_handle(d), "SELECT COALESCE(MAX(id), 0) FROM outbox", 0);
}

/* What was queued after the outbox row after, oldest first. */
static void rows_since(db *d, long long after, unit_rows *rows)
{
    unit_sql_rows(db_handle(d), "SELECT kind, body FROM outbox WHERE id > ?1 ORDER BY id", after, rows);
}

TEST(an_old_button_is_out_of_date_and_brings_the_menu)
{
    db *d = fresh_db();
    CHECK(d != NULL);
    if (!d) return;
    CHECK(make_account(d, CURATOR_USER, "curator", "active", "teacher") > 0);
    /* a retired action, and a registration step long over */
    static const char *const old[] = {"zz:12", "cat:teacher"};
    for (size_t i = 0; i < 2; i++) {
        long long before = last_row(d);
        press(d, CURATOR_USER, old[i]);
        unit_rows rows;
        rows_since(d, before, &rows);
        CHECK_INT(rows.n, 3);
        if (rows.n != 3) continue;
        CHECK_STR(rows.kind[0], "answer");                 /* the spinner stops */
        CHECK_STR(rows.text[1], i18n_text(texts, "ru", "button.outdated"));
        CHECK_CONTAINS(rows.text[2], "Анна Петрова");     /* the menu's title */
    }
    db_close(d);
}

TEST(every_button_of_the_curators_menu_has_a_route)
{
    db *d = fresh_db();
    CHECK(d != NULL);
    if (!d) return;
    CHECK(make_account(d, CURATOR_USER, "curator", "active", "teacher") > 0);
    send_event(d, CURATOR_USER, NULL, "/menu");
    long long menu = last_row(d);
    /* the data of every button of the menu, copied before the presses add rows */
    char data[32][EVENT_BUTTON_DATA_MAX + 1];
    int n = 0;
    for (; n < 32; n++) {
        char sql[300];
        snprintf(sql, sizeof sql,
                 "SELECT json_extract(b.value, '$.data') FROM outbox, json_each(json_extract(body, '$.buttons')) r,"
                 " json_each(r.value) b WHERE outbox.id = %lld LIMIT 1 OFFSET %d", menu, n);
        const char *v = unit_sql_text(db_handle(d), sql);
        if (!*v) break;
        snprintf(data[n], sizeof data[n], "%s", v);
    }
    CHECK(n >= 10);
    const char *outdated = i18n_text(texts, "ru", "button.outdated");
    const char *stale = i18n_text(texts, "ru", "button.stale");
    for (int i = 0; i < n; i++) {
        long long before = last_row(d);
        press(d, CURATOR_USER, data[i]);
        unit_rows rows;
        rows_since(d, before, &rows);
        int old = 0;
        for (int k = 0; k < rows.n && k < UNIT_ROWS_MAX; k++)
            old |= strcmp(rows.text[k], outdated) == 0 || strcmp(rows.text[k], stale) == 0;
        if (old || rows.n < 2) fprintf(stderr, "  menu button \"%s\" not taken\n", data[i]);
        CHECK(!old && rows.n >= 2);   /* the press answered, and a screen */
    }
    db_close(d);
}

TEST(a_pupil_registering_is_told_with_ty_and_asked_again)
{
    db *d = fresh_db();
    CHECK(d != NULL);
    if (!d) return;
    CHECK(make_account(d, PUPIL_USER, "mentee", "registering", "pupil") > 0);
    press(d, PUPIL_USER, "m:help");   /* a menu button from before registration began again */
    unit_rows rows;
    rows_since(d, 0, &rows);
    CHECK_INT(rows.n, 3);
    if (rows.n == 3) {
        CHECK_STR(rows.text[1], i18n_text(texts, "ru", "button.outdated_pupil"));
        CHECK_STR(rows.kind[2], "text");   /* the registration question again */
        CHECK(strcmp(rows.text[2], i18n_text(texts, "ru", "button.outdated_pupil")) != 0);
    }
    db_close(d);
}

int main(void)
{
    texts = unit_load_catalogs();
    if (!texts) return 1;
    env = (bot_env){.texts = texts, .default_language = "ru", .consent_age = 14};
    unit_register_messengers("mentorbot_test_bot", 0, NULL);
    RUN(every_key_has_one_route_per_phase_and_every_route_is_reached);
    RUN(the_payload_parser_splits_off_the_action);
    RUN(an_old_button_is_out_of_date_and_brings_the_menu);
    RUN(every_button_of_the_curators_menu_has_a_route);
    RUN(a_pupil_registering_is_told_with_ty_and_asked_again);
    i18n_free(texts);
    return unit_summary();
}
