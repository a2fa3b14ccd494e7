/*
 * The route table (handlers/routes.h): every command and action is taken
 * by one route in each phase and every route can be reached, every button
 * of the curator's menu opens its screen; a press from
 * an old message that no route takes any more gets "this button is out of
 * date" and the menu (or, during registration, the question again), in the
 * reader's variant.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"
#include "tests/unit_messengers.h"

#include "handlers/dispatch.h"
#include "handlers/payload.h"
#include "handlers/routes.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/invites.h"
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
        /* a command has a handler of commands; a button a handler of
         * presses and a well-formed shape of its fields */
        int button = t[i].key[0] != '/';
        if (button && !routes_shape_valid(t[i].shape)) fprintf(stderr, "  \"%s\": bad shape\n", t[i].key);
        CHECK(button ? t[i].press && !t[i].command && routes_shape_valid(t[i].shape)
                     : t[i].command && !t[i].press && !t[i].shape);
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
}

TEST(a_shape_is_alternatives_of_typed_and_literal_fields)
{
    static const char *const good[] = {"-", "ID", "r:PAGE|e:PAGE", "-|W", "ID:N?", "ID:N:N?:N?", "h:1|h:0", "INT"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (!routes_shape_valid(good[i])) fprintf(stderr, "  refused shape \"%s\"\n", good[i]);
        CHECK(routes_shape_valid(good[i]));
    }
    /* an unknown type, an empty field or alternative, a required field after
     * an optional one, '-' among fields, more fields than a payload holds */
    static const char *const bad[] = {NULL, "", "ID|", "|ID", "ID::N", "NUM", "Id", "ID:N?:N", "ID:-", "a b",
                                      "N:N:N:N:N:N:N", "ID?|-?", "ID:N??"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (routes_shape_valid(bad[i])) fprintf(stderr, "  accepted shape \"%s\"\n", bad[i] ? bad[i] : "(null)");
        CHECK(!routes_shape_valid(bad[i]));
    }
    payload_field f[ROUTE_FIELDS_MAX];
    CHECK_INT(routes_fields("ID:PAGE", "12:3", f), 2);
    CHECK(f[0].number == 12 && f[1].number == 3 && strcmp(f[1].word, "3") == 0);
    CHECK_INT(routes_fields("ID:N?", "12", f), 1);
    CHECK(f[1].number == 0 && f[1].word[0] == 0);   /* a field left out reads as nothing */
    CHECK_INT(routes_fields("-|r:PAGE|e:PAGE", "", f), 0);
    CHECK_INT(routes_fields("-|r:PAGE|e:PAGE", "e:7", f), 2);
    CHECK_STR(f[0].word, "e");
    CHECK_INT(routes_fields("ID:W:c:INT|ID:W:c:W", "4:q1:c:-2", f), 4);
    CHECK(f[3].number == -2 && f[3].most != 0);
    CHECK_INT(routes_fields("ID:W:c:INT|ID:W:c:W", "4:q1:c:often", f), 4);
    CHECK(f[3].most == 0 && strcmp(f[3].word, "often") == 0);
    CHECK_INT(routes_fields("GRADE", "11", f), 1);
    /* a missing or an extra field, an id of 0, a number past its bound or
     * with a sign or a leading zero, a literal not declared, a word with
     * capitals or other signs, an empty field */
    static const struct {
        const char *shape, *fields;
    } refused[] = {{"ID:PAGE", "12"},           {"ID:PAGE", "12:3:4"},       {"ID", "0"},
                   {"PAGE", "100001"},          {"ID", "1000000000000000000"}, {"GRADE", "12"},
                   {"GRADE", "0"},              {"ZONE", "11"},              {"ID", "-3"},
                   {"ID", "+3"},                {"ID", "03"},                {"h:1|h:0", "h:2"},
                   {"W", "Mother"},             {"W", "a-b"},                {"W", "абв"},
                   {"-", "1"},                  {"ID:N?", ""},               {"INT", "-0"},
                   {"ID:W", "12:"},             {"W", "abcdefghijklmnopqrstuvwxyz0123456"}};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        int n = routes_fields(refused[i].shape, refused[i].fields, f);
        if (n >= 0) fprintf(stderr, "  \"%s\" took \"%s\"\n", refused[i].shape, refused[i].fields);
        CHECK_INT(n, -1);
    }
}

/* A payload of each kind the bot writes (see each kb_button's call site),
 * with made-up ids: each fits its route's shape, and every button route
 * has one here, so a route whose shape no longer fits what its screens
 * write fails here first. */
static const char *const written[] = {
    "gr:5:mother", "gc:5", "gd:5", "gw:5", "gwy:5", "gwn:5",
    "consent:yes", "consent:no", "cat:pupil", "grade:7", "lang:ru", "lang:en", "rs:yes", "rs:no",
    "forget:yes", "forget:no", "m:privacy", "m:help", "m:language", "m:invite", "m:pending",
    "sv:start", "sv:redo", "sv:later", "sv:12:q_1:c:3", "sv:12:q_1:c:-2", "sv:12:q_1:c:often", "sv:12:q_1:t:often",
    "sv:12:q_1:p:1", "sv:12:q_1:d", "sv:12:q_1:k", "sv:12:q_1:x",
    "pl:go:3", "pref:vk", "lk:y:4", "lk:n:4", "ul:max", "so:list", "so:8", "co:view",
    "mt:y:5:1", "mt:m:5:1", "mt:c:5:2", "mt:h:5:1", "mt:r:5:1", "mt:n:5:1", "mt:s:5:1", "mt:i:5:1", "mt:u:5:1:4",
    "mt:a:5:1:9", "mt:k:5:1:9",
    "pr:v", "pr:o", "pr:a", "pr:k:3", "pr:w:5:9", "pr:p:5", "pr:x:5", "pr:c:5", "pr:s:5", "pr:d:5:20261203",
    "pr:t:5:20261203:900", "pr:t:5:20261203:1700", "pr:l:6:2",
    "tz:ask", "tz:org", "tz:0", "tz:10", "ix", "ix:000", "rg:v", "rg:h:1", "rg:h:0", "an", "an:s", "an:c",
    "dg:p", "dg:m", "dg:u", "dg:n",
    "inv:mentor", "inv:mentee", "uses:mentor:10", "uses:mentee:1", "paper:5", "paperyes:5", "paperno:5",
    "cb:r:0", "cb:e:2", "cq:0", "cf", "cv:5", "cp:5:0", "cy:5:6", "cn:5:6", "cg:5:7", "cr:5:6",
    "cl:0", "cm:5", "ce:5", "cx:5", "dr:5", "dr:5:2", "zl:0", "zo:5", "zr:5", "zy:5", "ci", "cd:5", "cj:5",
    "cs", "ct:2:3", "cu:3:2", "cc", "cc:2026:7", "ck:2026:7", "ca", "ca:r", "ca:e", "ca:b", "ca:s", "ca:c",
    "kl:5", "kp", "ky:5", "kn:5", "cw", "cw:r", "cw:e", "cw:s",
    "cz", "cz:r:0", "cz:e:1", "cz:a:5", "cz:n:5", "cz:g:5", "cz:w:5", "cz:s:5:9",
    "oc:l:5", "oc:n:5", "oc:d:5", "oc:y:5", "oc:k:5:2", "oc:v:1", "oc:r:0", "oc:s", "oc:x",
    "pw:l", "pw:n", "pw:k:9", "pw:v:5", "pw:c:5", "rc:5", "rl:5", "rk:v", "rk:p", "rk:s",
};

/* The route of a payload in any phase, with its fields; NULL when none. */
static const route *route_of(const char *data, const char **fields)
{
    char action[PAYLOAD_ACTION_MAX];
    if (!payload_split(data, action, sizeof action, fields)) return NULL;
    const route *r = routes_find(action, ROUTE_REGISTERING);
    return r ? r : routes_find(action, ROUTE_REGISTERED);
}

TEST(every_payload_the_bot_writes_fits_its_route_and_forgeries_do_not)
{
    size_t count;
    const route *t = routes_table(&count);
    int covered[128] = {0};
    CHECK(count <= 128);
    payload_field f[ROUTE_FIELDS_MAX], scratch[ROUTE_FIELDS_MAX];
    for (size_t i = 0; i < sizeof written / sizeof written[0]; i++) {
        const char *fields;
        const route *r = route_of(written[i], &fields);
        int n = r ? routes_fields(r->shape, fields, f) : -1;
        if (n < 0) fprintf(stderr, "  \"%s\" fits no route\n", written[i]);
        CHECK(n >= 0);
        /* the same route in the other phase, when the action has two */
        for (size_t k = 0; r && k < count && k < 128; k++)
            if (strcmp(t[k].key, r->key) == 0 && routes_fields(t[k].shape, fields, scratch) >= 0) covered[k] = 1;
        /* fields more than it has, its first number past any bound, capitals
         * in its last word */
        char forged[3][96];
        snprintf(forged[0], sizeof forged[0], "%s:1:zz:1", written[i]);
        forged[1][0] = forged[2][0] = 0;
        int field = 0;   /* the index of the field after p */
        for (const char *p = strchr(written[i], ':'); p; p = strchr(p + 1, ':'), field++)
            if (n > field && f[field].most) {   /* declared a number, not a word */
                size_t digits = strspn(p + 1, "0123456789");
                snprintf(forged[1], sizeof forged[1], "%.*s1000000000000000000%s", (int)(p + 1 - written[i]),
                         written[i], p + 1 + digits);
                break;
            }
        const char *last = strrchr(written[i], ':');
        if (last && last[1] >= 'a' && last[1] <= 'z') {
            snprintf(forged[2], sizeof forged[2], "%s", written[i]);
            forged[2][last + 1 - written[i]] = (char)(last[1] - 'a' + 'A');
        }
        for (int k = 0; k < 3; k++) {
            if (!forged[k][0]) continue;
            const route *fr = route_of(forged[k], &fields);
            int fn = fr ? routes_fields(fr->shape, fields, scratch) : -1;
            if (fn >= 0) fprintf(stderr, "  forged \"%s\" fits its route\n", forged[k]);
            CHECK_INT(fn, -1);
        }
    }
    for (size_t k = 0; k < count && k < 128; k++)
        if (t[k].key[0] != '/' && !covered[k]) {
            fprintf(stderr, "  no payload written for \"%s\"\n", t[k].key);
            CHECK(0);
        }
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
    db *d = unit_db_open(NULL, 0);
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
    db *d = unit_db_open(NULL, 0);
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
    /* the same buttons as an older or a forged version of them would carry
     * them: more fields, a number past any bound, a word in capitals; each
     * out of date, with the menu, and nothing else done */
    for (int i = 0; i < n; i++) {
        char forged[3][EVENT_BUTTON_DATA_MAX + 32];
        snprintf(forged[0], sizeof forged[0], "%s:1:zz:1", data[i]);
        snprintf(forged[1], sizeof forged[1], "%s:1000000000000000000", data[i]);
        snprintf(forged[2], sizeof forged[2], "%s:ZZ", data[i]);
        for (int k = 0; k < 3; k++) {
            long long before = last_row(d);
            press(d, CURATOR_USER, forged[k]);
            unit_rows rows;
            rows_since(d, before, &rows);
            int ok = rows.n == 3 && strcmp(rows.kind[0], "answer") == 0 && strcmp(rows.text[1], outdated) == 0 &&
                     strstr(rows.text[2], "Анна Петрова") != NULL;
            if (!ok) fprintf(stderr, "  forged \"%s\" not out of date (%d rows)\n", forged[k], rows.n);
            CHECK(ok);
        }
    }
    db_close(d);
}

TEST(a_pupil_registering_is_told_with_ty_and_asked_again)
{
    db *d = unit_db_open(NULL, 0);
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

/* A member of org in role and status; its id. */
static int64_t add_member(db *d, int64_t user, int64_t org_id, const char *role, const char *status,
                          const char *category, const char *name)
{
    int64_t id = 0;
    account a;
    if (account_create(d, "tg", user, user, "ru", &id) || account_load(d, id, &a)) return 0;
    snprintf(a.role, sizeof a.role, "%s", role);
    snprintf(a.status, sizeof a.status, "%s", status);
    snprintf(a.category, sizeof a.category, "%s", category);
    snprintf(a.name, sizeof a.name, "%s", name);
    a.org_id = org_id;
    a.grade = strcmp(category, "pupil") == 0 ? 7 : 0;
    a.consent_at = 1;
    return account_save(d, &a) ? 0 : id;
}

/* Actions a walk of the screens does not press: they end, revoke, publish,
 * launch, create or send something, or change what the walk looks at. */
static int walk_skips(const char *data)
{
    static const char *const skip[] = {"cx:", "zy:", "cj:", "ky:", "kn:", "paperyes:", "paperno:", "rk:s", "rk:p",
                                       "ck:", "cu:", "uses:", "pw:k:", "pw:c:", "oc:", "an:s", "ca:", "cf",
                                       "forget:", "lang:", "rc:", "rl:", "cw:", "cy:", "cn:", "cg:", "cr:",
                                       "cz:n:", "cz:w:", "cz:g:", "cz:s:", "dr:", "ct:", "cc:", "m:language"};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (strncmp(data, skip[i], strlen(skip[i])) == 0) return 1;
    return 0;
}

#define WALK_MAX 160

TEST(the_payloads_of_the_curators_screens_fit_their_routes)
{
    db *d = unit_db_open(NULL, 0);
    CHECK(d != NULL);
    if (!d) return;
    int64_t curator = make_account(d, CURATOR_USER, "curator", "active", "teacher");
    account c;
    CHECK(curator > 0 && account_load(d, curator, &c) == MB_OK);
    /* people on the screens: a mentor, a mentee waiting, a pupil whose
     * parent has not answered, a role invite */
    CHECK(add_member(d, 611, c.org_id, "mentor", "active", "student", "Борис Иванов") > 0);
    CHECK(add_member(d, 612, c.org_id, "mentee", "active", "pupil", "Вера Смирнова") > 0);
    CHECK(add_member(d, 613, c.org_id, "mentee", "pending_consent", "pupil", "Глеб Орлов") > 0);
    char code[32];
    int64_t invite_id;
    CHECK_INT(invite_create(d, "role", c.org_id, "mentor", 10, 0, 0, "account:1", code, &invite_id), MB_OK);
    /* every button of every screen the walk reaches, breadth first from the menu */
    static char seen[WALK_MAX][EVENT_BUTTON_DATA_MAX + 1];
    int nseen = 0, next = 0;
    long long from = last_row(d);
    send_event(d, CURATOR_USER, NULL, "/menu");
    const char *outdated = i18n_text(texts, "ru", "button.outdated");
    for (int round = 0; round < 4; round++) {
        /* the buttons queued since from, each once */
        for (int k = 0; nseen < WALK_MAX; k++) {
            char sql[320];
            snprintf(sql, sizeof sql,
                     "SELECT json_extract(b.value, '$.data') FROM outbox, json_each(json_extract(body, '$.buttons')) r,"
                     " json_each(r.value) b WHERE outbox.id > %lld ORDER BY outbox.id LIMIT 1 OFFSET %d", from, k);
            const char *v = unit_sql_text(db_handle(d), sql);
            if (!*v) break;
            int known = 0;
            for (int j = 0; j < nseen && !known; j++) known = strcmp(seen[j], v) == 0;
            if (!known) snprintf(seen[nseen++], sizeof seen[0], "%s", v);
        }
        from = last_row(d);
        int until = nseen;
        for (; next < until; next++) {
            /* a payload the bot wrote fits its route's shape */
            const char *fields;
            payload_field f[ROUTE_FIELDS_MAX];
            const route *r = route_of(seen[next], &fields);
            int fits = r && routes_fields(r->shape, fields, f) >= 0;
            if (!fits) fprintf(stderr, "  written \"%s\" fits no route\n", seen[next]);
            CHECK(fits);
            /* and the same with fields more is out of date, with the menu */
            char forged[EVENT_BUTTON_DATA_MAX + 16];
            snprintf(forged, sizeof forged, "%s:1:zz:1", seen[next]);
            long long before = last_row(d);
            press(d, CURATOR_USER, forged);
            unit_rows rows;
            rows_since(d, before, &rows);
            int refused =
                rows.n == 3 && strcmp(rows.text[1], outdated) == 0 && strstr(rows.text[2], "Анна Петрова") != NULL;
            if (!refused) fprintf(stderr, "  forged \"%s\" not out of date\n", forged);
            CHECK(refused);
            if (walk_skips(seen[next])) continue;
            before = last_row(d);
            press(d, CURATOR_USER, seen[next]);
            rows_since(d, before, &rows);
            int old = 0;
            for (int k = 0; k < rows.n && k < UNIT_ROWS_MAX; k++) old |= strcmp(rows.text[k], outdated) == 0;
            if (old) fprintf(stderr, "  \"%s\" out of date\n", seen[next]);
            CHECK(!old);
        }
    }
    CHECK(nseen >= 20);
    /* the screens of the people, the queue, the invites and the pending
     * consents were reached */
    static const char *const reached[] = {"cv:", "cz:a:", "cd:", "paper:"};
    for (size_t i = 0; i < sizeof reached / sizeof reached[0]; i++) {
        int found = 0;
        for (int j = 0; j < nseen && !found; j++) found = strncmp(seen[j], reached[i], strlen(reached[i])) == 0;
        if (!found) fprintf(stderr, "  no \"%s\" button reached\n", reached[i]);
        CHECK(found);
    }
    db_close(d);
}

TEST(a_grade_past_the_last_is_out_of_date_and_the_question_comes_again)
{
    db *d = unit_db_open(NULL, 0);
    CHECK(d != NULL);
    if (!d) return;
    int64_t id = make_account(d, PUPIL_USER, "mentee", "registering", "pupil");
    CHECK(id > 0);
    CHECK_INT(dialog_set(d, id, "reg_grade", "{}"), MB_OK);
    static const char *const forged[] = {"grade:12", "grade:0", "grade:7:1", "grade:seven"};
    for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
        long long before = last_row(d);
        press(d, PUPIL_USER, forged[i]);
        unit_rows rows;
        rows_since(d, before, &rows);
        CHECK_INT(rows.n, 3);
        if (rows.n == 3) {
            CHECK_STR(rows.text[1], i18n_text(texts, "ru", "button.outdated_pupil"));
            CHECK_STR(rows.kind[2], "text");   /* the grade question again */
        }
        account a;
        CHECK_INT(account_load(d, id, &a), MB_OK);
        CHECK_INT(a.grade, 0);
    }
    press(d, PUPIL_USER, "grade:11");   /* the last grade offered still counts */
    account a;
    CHECK_INT(account_load(d, id, &a), MB_OK);
    CHECK_INT(a.grade, 11);
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
    RUN(a_shape_is_alternatives_of_typed_and_literal_fields);
    RUN(every_payload_the_bot_writes_fits_its_route_and_forgeries_do_not);
    RUN(an_old_button_is_out_of_date_and_brings_the_menu);
    RUN(every_button_of_the_curators_menu_has_a_route);
    RUN(the_payloads_of_the_curators_screens_fit_their_routes);
    RUN(a_pupil_registering_is_told_with_ty_and_asked_again);
    RUN(a_grade_past_the_last_is_out_of_date_and_the_question_comes_again);
    i18n_free(texts);
    return unit_summary();
}
