/*
 * Role × action × scope: every button the curator, coordinator, mentor and
 * mentee flows put on a message (handlers/menu.c, curator*.c, scope.c,
 * survey.c, link.c, registration.c, recognition.c, announce.c) is pressed by every role it does not
 * belong to and by members of another organisation, with the ids of this
 * organisation's people, pairs, survey runs and link requests. Each press
 * must be refused (the refusal is logged for that press) and the database
 * must be exactly as before: accounts, identities, scopes, invites,
 * programmes, pairs, rejections, profiles, surveys, link requests, dialogs
 * and the audit log. Registration and erasure buttons pressed outside their
 * step are from an old message: the answer says so and shows the menu.
 *
 * The people are written into the database directly (registration has its
 * own tests), so the matrix is about the buttons alone.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Who presses: user id, account id, name, role. */
typedef struct actor {
    long long user;
    int account;
    const char *name;
    const char *role;      /* curator | coordinator | mentor | mentee */
    int other_org;         /* a member of the other organisation */
} actor;

static const actor actors[] = {
    {9701, 101, "Анна", "curator", 0},
    {9702, 102, "Ольга", "coordinator", 0},
    {9703, 103, "Макс", "mentor", 0},
    {9704, 104, "Петя", "mentee", 0},
    {9705, 105, "Борис", "curator", 1},
    {9706, 106, "Вера", "mentor", 1},
    {9707, 107, "Гриша", "mentee", 1},
};
#define ACTORS (int)(sizeof actors / sizeof actors[0])

/* Ids of the organisation's things the payloads name. */
#define MENTEE_FREE 108     /* an unmatched mentee of the organisation */
#define MENTOR_FREE 109     /* a mentor of the organisation with room */
#define PUPIL_WAITING 110   /* a pupil waiting for a parent's consent */
#define PAIR 201            /* mentor 103 with mentee 104 */
#define SURVEY_RUN 301             /* mentee 104's open survey run */
#define LINK_REQUEST 501    /* mentee 104's pending link request */

/* Tables a refused press must not change. */
static const char *const watched[] = {
    "accounts", "identities", "scopes", "invites", "invite_uses", "programs", "mentorships", "mentorship_members",
    "match_rejections", "profiles", "survey_runs", "survey_answers", "link_requests", "dialog", "audit",
    "ranking_hidden", "announcements", NULL,
};

/* FNV-1a of every row of every watched table, one hash per table. */
static void dump_hashes(const char *path, uint64_t *out)
{
    sqlite3 *db = NULL;
    for (int t = 0; watched[t]; t++) out[t] = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        CHECK(!"the bot's database opens");
        sqlite3_close(db);
        return;
    }
    sqlite3_busy_timeout(db, 5000);
    for (int t = 0; watched[t]; t++) {
        char sql[256];
        /* When a person last wrote from an account is noted on every
         * update, a refused press too: the rest of the row must stay. */
        const char *columns = strcmp(watched[t], "identities") == 0
                                  ? "platform, user_id, account_id, chat_id, unreachable_at, unreachable_reason, display_name"
                                  : "*";
        snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY rowid", columns, watched[t]);
        sqlite3_stmt *st = NULL;
        uint64_t h = 1469598103934665603ULL;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
            fprintf(stderr, "  %s: %s\n", sql, sqlite3_errmsg(db));
            unit_failed_checks++;
            continue;
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int col = 0; col < sqlite3_column_count(st); col++) {
                const unsigned char *v = sqlite3_column_text(st, col);
                for (const unsigned char *p = v ? v : (const unsigned char *)"\x01NULL"; *p; p++)
                    h = (h ^ *p) * 1099511628211ULL;
                h = (h ^ '|') * 1099511628211ULL;
            }
            h = (h ^ '\n') * 1099511628211ULL;
        }
        sqlite3_finalize(st);
        out[t] = h;
    }
    sqlite3_close(db);
}

static const char *other_platform(const convo *c) { return strcmp(c->transport, "vk") == 0 ? "tg" : "vk"; }

/* The people, their organisations and scopes, a pair, a survey run and a
 * link request, written as the bot would store them. */
static void seed(convo *c, const char *org_a, const char *org_b, const char *territory_a)
{
    char sql[6000];
    int n = snprintf(sql, sizeof sql,
        "INSERT INTO accounts(id, status, role, org_id, name, category, grade, birth_year, language, consent_at,"
        " created_at, updated_at) VALUES"
        " (101, 'active', 'curator', %s, 'Анна Куратова', 'teacher', NULL, NULL, 'ru', 1, 1, 1),"
        " (102, 'active', 'coordinator', NULL, 'Ольга Координатова', 'staff', NULL, NULL, 'ru', 1, 1, 1),"
        " (103, 'active', 'mentor', %s, 'Макс Наставников', 'student', NULL, NULL, 'ru', 1, 1, 1),"
        " (104, 'active', 'mentee', %s, 'Петя Ученик', 'pupil', 9, 2011, 'ru', 1, 1, 1),"
        " (105, 'active', 'curator', %s, 'Борис Другой', 'teacher', NULL, NULL, 'ru', 1, 1, 1),"
        " (106, 'active', 'mentor', %s, 'Вера Другая', 'student', NULL, NULL, 'ru', 1, 1, 1),"
        " (107, 'active', 'mentee', %s, 'Гриша Другой', 'pupil', 9, 2011, 'ru', 1, 1, 1),"
        " (108, 'active', 'mentee', %s, 'Катя Безпары', 'pupil', 8, 2012, 'ru', 1, 1, 1),"
        " (109, 'active', 'mentor', %s, 'Иван Второй', 'student', NULL, NULL, 'ru', 1, 1, 1),"
        " (110, 'pending_consent', 'mentee', %s, 'Дима Младший', 'pupil', 5, 2016, 'ru', 1, 1, 1);"
        "INSERT INTO scopes(account_id, org_id, territory_id) VALUES(101, %s, NULL), (102, NULL, %s), (105, %s, NULL);"
        "INSERT INTO mentorships(id, org_id, form, mentor_id, state, created_at) VALUES(%d, %s, 'student_pupil', 103,"
        " 'active', 1);"
        "INSERT INTO mentorship_members(mentorship_id, mentee_id, joined_at) VALUES(%d, 104, 1);"
        "INSERT INTO profiles(account_id, topics, forms, slots, meeting_mode, capacity, updated_at) VALUES"
        " (103, '[\"exams\"]', '[]', '[\"weekday_evening\"]', 'online', 3, 1),"
        " (108, '[\"exams\"]', '[]', '[\"weekday_evening\"]', 'online', 0, 1),"
        " (109, '[\"exams\"]', '[]', '[\"weekday_evening\"]', 'online', 3, 1);"
        "INSERT INTO survey_runs(id, account_id, instrument_id, state, position, started_at) VALUES(%d, 104,"
        " (SELECT MAX(id) FROM instruments WHERE key = 'pupil_request'), 'open', 'who', 1);"
        "INSERT INTO invites(id, code, kind, org_id, max_uses, uses, expires_at, for_account, created_by, created_at)"
        " VALUES(401, 'matrixlinkcode01', 'link', %s, 1, 0, 4102444800000, 104, 'account:104', 1);"
        "INSERT INTO link_requests(id, invite_id, account_id, platform, user_id, chat_id, display_name, state,"
        " created_at) VALUES(%d, 401, 104, '%s', 77777, 77777, 'Чужой', 'pending', 1);",
        org_a, org_a, org_a, org_b, org_b, org_b, org_a, org_a, org_a, org_a, territory_a, org_b, PAIR, org_a, PAIR,
        SURVEY_RUN, org_a, LINK_REQUEST, other_platform(c));
    /* VK gives no first name, so only Telegram identities carry one (the bot
     * would otherwise store the name at the first press). */
    int vk = strcmp(c->transport, "vk") == 0;
    for (int i = 0; i < ACTORS && n > 0 && (size_t)n < sizeof sql; i++)
        n += snprintf(sql + n, sizeof sql - (size_t)n,
                      "INSERT INTO identities(platform, user_id, account_id, chat_id, display_name)"
                      " VALUES('%s', %lld, %d, %lld, %s%s%s);",
                      c->transport, actors[i].user, actors[i].account, actors[i].user, vk ? "" : "'",
                      vk ? "NULL" : actors[i].name, vk ? "" : "'");
    CHECK(n > 0 && (size_t)n < sizeof sql);
    db_exec(c->bot.db, sql);
}

/* A payload and who may press it; everyone else is refused. */
typedef struct payload {
    char data[64];
    const char *owner;     /* the role whose button it is */
    int names_this_org;    /* carries ids of the organisation: refused for the other one's members too */
} payload;

#define PAYLOADS_MAX 80

static int add(payload *p, int n, const char *owner, int names_org, const char *fmt, long long a, long long b)
{
    if (n >= PAYLOADS_MAX) return n;
    snprintf(p[n].data, sizeof p[n].data, fmt, a, b);
    p[n].owner = owner;
    p[n].names_this_org = names_org;
    return n + 1;
}

static int build_payloads(convo *c, payload *p, long long org_a)
{
    int n = 0;
    /* the curator's menu and flows, without ids: they work on the presser's
     * own organisation, so only other roles press them */
    static const char *const curator_plain[] = {
        "m:invite", "m:pending", "inv:mentor", "inv:mentee", "uses:mentor:1", "uses:mentee:30", "cq:0", "cb:r:0",
        "cb:e:0", "cl:0", "cs", "ct:1:2", "cu:1:2", "ca", "ca:r", "ca:e", "ca:b", "ca:s", "ca:c", "cf", "so:list",
        "rk:v", "rk:p", "rk:s", NULL,
    };
    for (int i = 0; curator_plain[i]; i++) n = add(p, n, "curator", 0, curator_plain[i], 0, 0);
    /* the curator's buttons naming this organisation's people and pairs */
    n = add(p, n, "curator", 1, "paper:%lld", PUPIL_WAITING, 0);
    n = add(p, n, "curator", 1, "cm:%lld", PAIR, 0);
    n = add(p, n, "curator", 1, "ce:%lld", PAIR, 0);
    n = add(p, n, "curator", 1, "cx:%lld", PAIR, 0);
    n = add(p, n, "curator", 1, "cv:%lld", MENTEE_FREE, 0);
    n = add(p, n, "curator", 1, "cp:%lld:0", MENTEE_FREE, 0);
    n = add(p, n, "curator", 1, "cy:%lld:%lld", MENTEE_FREE, MENTOR_FREE);
    n = add(p, n, "curator", 1, "cn:%lld:%lld", MENTEE_FREE, MENTOR_FREE);
    n = add(p, n, "curator", 1, "cg:%lld:%lld", MENTEE_FREE, PAIR);
    n = add(p, n, "curator", 1, "cr:%lld:%lld", MENTEE_FREE, MENTOR_FREE);
    n = add(p, n, "curator", 1, "so:%lld", org_a, 0);
    n = add(p, n, "curator", 1, "rc:%lld", PAIR, 0);
    n = add(p, n, "curator", 1, "rl:%lld", PAIR, 0);
    /* the coordinator's overview */
    n = add(p, n, "coordinator", 0, "co:view", 0, 0);
    /* the coordinator's announcement to the territory's mentors */
    n = add(p, n, "coordinator", 0, "an", 0, 0);
    n = add(p, n, "coordinator", 0, "an:s", 0, 0);
    n = add(p, n, "coordinator", 0, "an:c", 0, 0);
    /* a mentor's own points and their place in rankings */
    n = add(p, n, "mentor", 0, "rg:v", 0, 0);
    n = add(p, n, "mentor", 0, "rg:h:1", 0, 0);
    /* the indicators of one's own scope: curators and coordinators */
    n = add(p, n, "reader", 0, "ix", 0, 0);
    n = add(p, n, "reader", 0, "ix:001", 0, 0);
    /* the weekly digest now, and muting it: curators and coordinators */
    n = add(p, n, "reader", 0, "dg:n", 0, 0);
    n = add(p, n, "reader", 0, "dg:m", 0, 0);
    /* the mentee's survey run and link request */
    n = add(p, n, "mentee-104", 1, "sv:%lld:who:c:pupil", SURVEY_RUN, 0);
    n = add(p, n, "mentee-104", 1, "lk:y:%lld", LINK_REQUEST, 0);
    n = add(p, n, "mentee-104", 1, "lk:n:%lld", LINK_REQUEST, 0);
    /* a participant's survey start: nobody else fills one in */
    n = add(p, n, "participant", 0, "sv:start", 0, 0);
    n = add(p, n, "participant", 0, "sv:later", 0, 0);
    /* a messenger nobody here linked */
    char pref[16], unlink[16];
    snprintf(pref, sizeof pref, "pref:%s", other_platform(c));
    snprintf(unlink, sizeof unlink, "ul:%s", other_platform(c));
    n = add(p, n, "nobody", 0, pref, 0, 0);
    n = add(p, n, "nobody", 0, unlink, 0, 0);
    return n;
}

/* Registration and erasure steps pressed outside their step: buttons of an
 * old message, which everyone is told is out of date. */
static const char *const out_of_step[] = {"consent:yes", "consent:no", "cat:pupil", "grade:5", "rs:yes", "forget:yes",
                                          NULL};

/* 1 when a's press of p must be refused. */
static int must_refuse(const actor *a, const payload *p)
{
    if (strcmp(p->owner, "nobody") == 0) return 1;
    if (strcmp(p->owner, "mentee-104") == 0) return a->account != 104;
    if (strcmp(p->owner, "reader") == 0) return strcmp(a->role, "curator") != 0 && strcmp(a->role, "coordinator") != 0;
    if (strcmp(p->owner, "participant") == 0)
        return strcmp(a->role, "mentor") != 0 && strcmp(a->role, "mentee") != 0;
    if (strcmp(p->owner, a->role) != 0) return 1;
    return a->other_org && p->names_this_org;
}

typedef struct pending_log { const convo *c; char (*lines)[160]; int n; } pending_log;

static int all_logged(void *arg)
{
    pending_log *w = arg;
    for (int i = 0; i < w->n; i++)
        if (!log_contains(&w->c->bot, w->lines[i])) return 0;
    return 1;
}

TEST(every_button_is_refused_outside_its_role_and_organisation)
{
    convo c;
    if (convo_start(&c, "matrix", NULL)) SKIP("simulator or bot did not start");
    char region[16], territory_a[16], territory_b[16], org_a[16], org_b[16];
    snprintf(region, sizeof region, "%s", admin(&c, "territory add --name Область --kind region"));
    snprintf(territory_a, sizeof territory_a, "%s",
             admin(&c, "territory add --name Город --kind municipality --parent %s", region));
    snprintf(territory_b, sizeof territory_b, "%s",
             admin(&c, "territory add --name Посёлок --kind municipality --parent %s", region));
    snprintf(org_a, sizeof org_a, "%s", admin(&c, "org add --name \"Школа А\" --territory %s", territory_a));
    snprintf(org_b, sizeof org_b, "%s", admin(&c, "org add --name \"Школа Б\" --territory %s", territory_b));
    admin(&c, "program create --org %s --year 2026", org_a);
    admin(&c, "program create --org %s --year 2026", org_b);
    for (int i = 0; i < ACTORS; i++) convo_user_add(&c, actors[i].user, actors[i].name, "ru");
    seed(&c, org_a, org_b, territory_a);

    payload payloads[PAYLOADS_MAX];
    int np = build_payloads(&c, payloads, atoll(org_a));
    uint64_t before[32], after[32];
    dump_hashes(c.bot.db, before);

    static char lines[ACTORS * PAYLOADS_MAX][160];
    int nlines = 0, pressed = 0;
    for (int i = 0; i < ACTORS; i++) {
        for (int k = 0; k < np; k++) {
            if (!must_refuse(&actors[i], &payloads[k])) continue;
            press_data(&c, actors[i].user, payloads[k].data);
            snprintf(lines[nlines++], sizeof lines[0], "refused button \"%s\" from %s user %lld (account %d,",
                     payloads[k].data, c.transport, actors[i].user, actors[i].account);
            pressed++;
        }
    }
    pending_log w = {&c, lines, nlines};
    wait_until(all_logged, &w, 30000);
    for (int i = 0; i < nlines; i++)
        if (!log_contains(&c.bot, lines[i])) {
            fprintf(stderr, "  not refused: %s\n", lines[i]);
            unit_failed_checks++;
        }
    CHECK(pressed > 100);
    /* nobody was told anything but the refusal */
    for (int i = 0; i < ACTORS; i++) expect_silence(&c, actors[i].user, 200);

    /* an old message's button is out of date, and the menu follows */
    for (int i = 0; i < ACTORS; i++)
        for (int k = 0; out_of_step[k]; k++) {
            press_data(&c, actors[i].user, out_of_step[k]);
            expect(&c, actors[i].user, "из старого сообщения");
            expect(&c, actors[i].user, "Что сделать?");
        }

    dump_hashes(c.bot.db, after);
    for (int t = 0; watched[t]; t++)
        if (before[t] != after[t]) {
            fprintf(stderr, "  table %s changed\n", watched[t]);
            unit_failed_checks++;
        }
    /* The indicators read their own scope only: the student mentor of
     * organisation A is in the reports of A's curator and of the
     * coordinator of A's territory, not in B's curator's. */
    static const struct { long long user; const char *scope; int counted; } readers[] = {
        {9701, "Школа А", 1}, {9702, "Город", 1}, {9705, "Школа Б", 0}};
    for (int i = 0; i < 3; i++) {
        press_data(&c, readers[i].user, "ix:001");
        const char *text = expect(&c, readers[i].user, readers[i].scope);
        if (text && readers[i].counted) CHECK_CONTAINS(text, "наставников для обучающихся\n  1 чел.");
        if (text && !readers[i].counted) CHECK(!strstr(text, "  1 чел."));
        convo_drain(&c, readers[i].user, 300);
    }
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(every_button_is_refused_outside_its_role_and_organisation);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}
