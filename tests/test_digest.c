/*
 * The weekly digest's words and files (handlers/digest.h): plural forms
 * agree with their numbers in Russian and English, a quiet week is one
 * line, each thing that needs the curator has its button, and the chart
 * and workbook stay valid and safe with names of 200 characters, names
 * that look like formulas and control characters. The workbook is read
 * back by Python's zipfile and XML parser, independent of the writer. A
 * territory's digest, read with the week's run from the figures the
 * schools share or on its own with its schools read at once, shows each
 * school as that school's own digest does.
 */
#include "bot/intake.h"
#include "bot/telegram/telegram.h"
#include "bot/telegram/tg_parse.h"
#include "handlers/digest.h"
#include "report/chart.h"
#include "report/indicators.h"
#include "storage/accounts.h"
#include "storage/mentorships.h"
#include "storage/profiles.h"
#include "storage/records.h"
#include "storage/territories.h"
#include "tests/unit.h"
#include "util/clock.h"
#include "util/log.h"

#include <cairo.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DAY_MS 86400000LL
#define T0 1796983200000LL   /* 2026-12-14 09:00 Moscow: a Monday */

static i18n *texts;
static bot_env env;

static digest week(const char *lang)
{
    digest g;
    memset(&g, 0, sizeof g);
    snprintf(g.lang, sizeof g.lang, "%s", lang);
    snprintf(g.zone, sizeof g.zone, "Europe/Moscow");
    snprintf(g.scope_name, sizeof g.scope_name, "Школа №5");
    g.end = T0;
    g.start = T0 - 7 * DAY_MS;
    return g;
}

/* The digest's text with n new registrations (static buffer). */
static const char *registrations(const char *lang, int n)
{
    static char buf[2048];
    digest g = week(lang);
    g.total.registrations = n;
    char *t = digest_text(&env, &g, 1, NULL);
    snprintf(buf, sizeof buf, "%s", t ? t : "");
    free(t);
    return buf;
}

TEST(plural_forms_agree_with_their_numbers)
{
    CHECK_CONTAINS(registrations("ru", 1), "зарегистрировался 1 новый участник.");
    CHECK_CONTAINS(registrations("ru", 3), "зарегистрировались 3 новых участника.");
    CHECK_CONTAINS(registrations("ru", 11), "зарегистрировались 11 новых участников.");
    CHECK_CONTAINS(registrations("ru", 21), "зарегистрировался 21 новый участник.");
    CHECK_CONTAINS(registrations("ru", 25), "зарегистрировались 25 новых участников.");
    CHECK_CONTAINS(registrations("en", 1), "1 new participant registered");
    CHECK_CONTAINS(registrations("en", 2), "2 new participants registered");

    digest g = week("ru");
    g.total.waiting = 2;
    g.total.waiting_since = T0 - 12 * DAY_MS;
    g.total.held = 1;
    g.total.missed = 2;
    g.total.upcoming = 5;
    g.total.stalled = 1;
    g.total.stalled_by[0] = 1;
    g.total.pending_consent = 1;
    g.total.satisfaction_n = 4;
    g.total.satisfaction_sum = 33;
    char *t = digest_text(&env, &g, 1, NULL);
    CHECK_CONTAINS(t, "2 наставляемых ждут наставника, дольше всех — 12 дней.");
    CHECK_CONTAINS(t, "Встречи: проведена 1 встреча, не состоялись 2, на следующей неделе запланировано 5.");
    CHECK_CONTAINS(t, "1 пара зависла: встреч ещё не было — 1.");
    CHECK_CONTAINS(t, "1 согласие родителей ещё не получено.");
    CHECK_CONTAINS(t, "в среднем 8,3 из 10 (4 ответа)");
    free(t);
}

TEST(a_quiet_week_is_one_line_without_buttons)
{
    digest g = week("ru");
    keyboard kb = {0};
    char *t = digest_text(&env, &g, 1, &kb);
    CHECK(t && !strchr(t, '\n'));
    CHECK_CONTAINS(t, "ничего не произошло и никто не ждёт");
    CHECK_INT(kb.count, 0);
    kb_free(&kb);
    free(t);
}

/* 1 when the keyboard has a button with this data. */
static int has_button(const keyboard *kb, const char *data)
{
    char *json = kb->rows ? cJSON_PrintUnformatted(kb->rows) : NULL;
    char needle[64];
    snprintf(needle, sizeof needle, "\"data\":\"%s\"", data);
    int found = json && strstr(json, needle) != NULL;
    free(json);
    return found;
}

TEST(each_thing_that_needs_the_curator_has_a_button_that_opens_it)
{
    digest g = week("ru");
    g.total.waiting = 3;
    g.total.pending_consent = 2;
    keyboard kb = {0};
    char *t = digest_text(&env, &g, 1, &kb);
    CHECK(has_button(&kb, "cq:0") && has_button(&kb, "m:pending"));
    CHECK(!has_button(&kb, "zl:0"));   /* no stalled pair, no button */
    kb_free(&kb);
    free(t);
    g.territory = 1;
    t = digest_text(&env, &g, 0, &kb);
    CHECK(has_button(&kb, "co:view") && !has_button(&kb, "cq:0"));
    kb_free(&kb);
    free(t);
}

/* Runs python3 on the workbook: every cell's type and text of the
 * mentorships sheet, one per line ("s|text"), and "formula" for any
 * formula anywhere; the script's output into out. */
static int read_back(const char *xlsx, char *out, size_t size)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 - '%s' <<'PY'\n"
             "import sys, zipfile, xml.etree.ElementTree as ET\n"
             "ns = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'\n"
             "z = zipfile.ZipFile(sys.argv[1])\n"
             "shared = [''.join(t.text or '' for t in si.iter(ns + 't'))\n"
             "          for si in ET.fromstring(z.read('xl/sharedStrings.xml')).iter(ns + 'si')]\n"
             "for name in sorted(n for n in z.namelist() if n.startswith('xl/worksheets/sheet')):\n"
             "    root = ET.fromstring(z.read(name))\n"
             "    if root.find('.//' + ns + 'f') is not None: print('formula')\n"
             "    if name.endswith('sheet2.xml'):\n"
             "        for c in root.iter(ns + 'c'):\n"
             "            v = c.find(ns + 'v')\n"
             "            if v is not None: print(c.get('t', 'n') + '|' + (shared[int(v.text)] if c.get('t') == 's' else v.text))\n"
             "PY",
             xlsx);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t n = fread(out, 1, size - 1, p);
    out[n] = 0;
    return pclose(p);
}

static int64_t person(db *d, int64_t org_id, const char *role, const char *name, int64_t user)
{
    int64_t id = 0;
    account a;
    if (account_create(d, "tg", user, user, "ru", &id) || account_load(d, id, &a)) return 0;
    snprintf(a.status, sizeof a.status, "active");
    snprintf(a.role, sizeof a.role, "%s", role);
    snprintf(a.category, sizeof a.category, "%s", strcmp(role, "mentee") == 0 ? "pupil" : "teacher");
    snprintf(a.name, sizeof a.name, "%s", name);
    a.org_id = org_id;
    profile p;
    memset(&p, 0, sizeof p);
    p.account_id = id;
    p.capacity = 5;
    return account_save(d, &a) || profile_save(d, &p) ? 0 : id;
}

TEST(long_names_formulas_and_control_characters_stay_text_in_a_valid_workbook_and_chart)
{
    char path[512], err[256], xlsx[600], png[600], out[16384];
    snprintf(path, sizeof path, "%s/digest.db", unit_tmpdir());
    db *d;
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    clock_set_ms(T0 - 30 * DAY_MS);
    char long_name[1024] = "";
    for (int i = 0; i < 200; i++) strcat(long_name, i % 10 == 9 ? " " : "ш");
    int64_t org_id;
    CHECK_INT(org_add(d, long_name, "Europe/Moscow", &org_id), MB_OK);
    int64_t mentor = person(d, org_id, "mentor", "=cmd|' /C calc'!A0", 501);
    int64_t mentee = person(d, org_id, "mentee", "@SUM(1+1)\x01\x1f", 502);
    person(d, org_id, "mentee", "+7 (999) «кавычки» \"двойные\"", 503);
    int64_t ms;
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &mentee, 1, 0, &ms), MB_OK);
    char sql[400];
    snprintf(sql, sizeof sql,
             "INSERT INTO meetings(org_id, mentorship_id, kind, format, starts_at, minutes, state, created_at, updated_at)"
             " VALUES(%lld, %lld, 'work', 'online', %lld, 60, 'held', 1, 1)",
             (long long)org_id, (long long)ms, (long long)(T0 - 3 * DAY_MS));
    CHECK_INT(sqlite3_exec(db_handle(d), sql, NULL, NULL, NULL), SQLITE_OK);

    digest g;
    CHECK_INT(digest_build(d, &env, 0, org_id, T0, "Europe/Moscow", "ru", &g), MB_OK);
    CHECK_INT(g.total.held, 1);
    CHECK_INT(g.total.waiting, 1);
    snprintf(xlsx, sizeof xlsx, "%s/digest.xlsx", unit_tmpdir());
    snprintf(png, sizeof png, "%s/digest.png", unit_tmpdir());
    CHECK_INT(digest_write_workbook(d, &env, &g, xlsx), MB_OK);
    CHECK_INT(digest_write_chart(&env, &g, png), MB_OK);
    CHECK_INT(read_back(xlsx, out, sizeof out), 0);
    CHECK(!strstr(out, "formula"));
    CHECK_CONTAINS(out, "s|=cmd|' /C calc'!A0\n");
    CHECK_CONTAINS(out, "s|@SUM(1+1)");
    CHECK_CONTAINS(out, "n|1\n");   /* the held meeting, a number */

    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    CHECK_INT(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    CHECK_INT(cairo_image_surface_get_width(s), CHART_WIDTH);
    CHECK(cairo_image_surface_get_height(s) > 300);
    cairo_surface_destroy(s);
    digest_free(&g);
    db_close(d);
}

/* A school of the territory test: a mentor and two mentees (one waiting),
 * a mentorship with held and missed meetings of the week, a planned one
 * of the next, and a stall; more of each for the second school (k). */
static int64_t school(db *d, int64_t municipality, const char *name, int k, int64_t user)
{
    int64_t org_id;
    if (org_add_full(d, name, "school", municipality, "Europe/Moscow", &org_id)) return 0;
    int64_t mentor = person(d, org_id, "mentor", "Наставник", user);
    int64_t mentee = person(d, org_id, "mentee", "Ученик", user + 1);
    person(d, org_id, "mentee", "Ждёт", user + 2);
    int64_t ms;
    if (mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &mentee, 1, 0, &ms)) return 0;
    for (int i = 0; i < 2 + k; i++) {
        char sql[400];
        snprintf(sql, sizeof sql,
                 "INSERT INTO meetings(org_id, mentorship_id, kind, format, starts_at, minutes, state, created_at,"
                 " updated_at) VALUES(%lld, %lld, 'work', 'online', %lld, 60, '%s', 1, 1)",
                 (long long)org_id, (long long)ms, (long long)(T0 - (1 + i) * DAY_MS - i * 7 * DAY_MS * (i % 2)),
                 i == 1 ? "missed" : "held");
        if (sqlite3_exec(db_handle(d), sql, NULL, NULL, NULL) != SQLITE_OK) return 0;
    }
    char sql[400];
    snprintf(sql, sizeof sql,
             "INSERT INTO meetings(org_id, mentorship_id, kind, format, starts_at, minutes, state, created_at,"
             " updated_at) VALUES(%lld, %lld, 'work', 'online', %lld, 60, 'planned', 1, 1)",
             (long long)org_id, (long long)ms, (long long)(T0 + 2 * DAY_MS));
    if (sqlite3_exec(db_handle(d), sql, NULL, NULL, NULL) != SQLITE_OK) return 0;
    if (k) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO mentorship_stalls(mentorship_id, reason, held_mark, idle_since, began_at)"
                 " VALUES(%lld, 'missed', 0, 1, 1)",
                 (long long)ms);
        if (sqlite3_exec(db_handle(d), sql, NULL, NULL, NULL) != SQLITE_OK) return 0;
    }
    return org_id;
}

static int same_counts(const digest_counts *a, const digest_counts *b) { return memcmp(a, b, sizeof *a) == 0; }

/* The indicators of two digests agree row by row. */
static int same_indicators(const digest *a, const digest *b)
{
    if (a->nind != b->nind) return 0;
    for (int i = 0; i < a->nind; i++) {
        const digest_indicator *x = &a->ind[i], *y = &b->ind[i];
        if (strcmp(x->code, y->code) || x->has_fact != y->has_fact || x->fact != y->fact || x->has_num != y->has_num ||
            x->num != y->num || x->has_den != y->has_den || x->den != y->den || x->has_target != y->has_target)
            return 0;
    }
    return 1;
}

TEST(a_territory_digest_shows_each_school_with_the_figures_of_its_own_digest)
{
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/territory.db", unit_tmpdir());
    db *d;
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    clock_set_ms(T0 - 30 * DAY_MS);
    int64_t region, town, village;
    CHECK_INT(territory_add(d, "Область", "region", 0, &region), MB_OK);
    CHECK_INT(territory_add(d, "Город", "municipality", region, &town), MB_OK);
    CHECK_INT(territory_add(d, "Село", "municipality", region, &village), MB_OK);
    int64_t orgs[3] = {school(d, town, "Школа №1", 0, 700), school(d, town, "Школа №2", 1, 710),
                       school(d, village, "Сельская школа", 2, 720)};
    CHECK(orgs[0] && orgs[1] && orgs[2]);
    /* a school of another region, which none of these digests shows */
    int64_t other_region, other_town;
    CHECK_INT(territory_add(d, "Другая область", "region", 0, &other_region), MB_OK);
    CHECK_INT(territory_add(d, "Другой город", "municipality", other_region, &other_town), MB_OK);
    CHECK(school(d, other_town, "Чужая школа", 3, 730) != 0);
    /* a mentee of the village who joined in the week */
    clock_set_ms(T0 - 2 * DAY_MS);
    CHECK(person(d, orgs[2], "mentee", "Новенький", 740) != 0);
    clock_set_ms(T0);
    ind_catalog *catalog = ind_catalog_load("data/indicators", err, sizeof err);
    CHECK(catalog != NULL);
    bot_env own = env;
    own.indicators = catalog;

    /* each school's digest on its own, as a curator asking for it gets it */
    digest alone[3];
    for (int i = 0; i < 3; i++) CHECK_INT(digest_build(d, &own, 0, orgs[i], T0, "Europe/Moscow", "ru", &alone[i]), MB_OK);
    CHECK_INT(alone[1].total.held, 2);
    CHECK_INT(alone[1].total.stalled, 1);
    CHECK_INT(alone[2].total.waiting, 2);
    CHECK_INT(alone[2].total.registrations, 1);

    /* the weekly run: the territories first, then the schools, from one reading */
    bot_env run = own;
    run.digest_batch = digest_batch_new();
    CHECK(run.digest_batch != NULL);
    CHECK_INT(digest_batch_prepare(d, &run, run.digest_batch, T0, "Europe/Moscow"), MB_OK);
    digest whole, part;
    CHECK_INT(digest_build(d, &run, 1, region, T0, "Europe/Moscow", "ru", &whole), MB_OK);
    CHECK_INT(digest_build(d, &run, 1, town, T0, "Europe/Moscow", "ru", &part), MB_OK);
    CHECK_INT(whole.norgs, 3);
    CHECK_INT(part.norgs, 2);
    digest_counts sum;
    memset(&sum, 0, sizeof sum);
    int held[DIGEST_WEEKS_MAX] = {0};
    for (int i = 0; i < whole.norgs; i++) {
        CHECK(whole.orgs[i].id == orgs[i]);
        CHECK_STR(whole.orgs[i].name, alone[i].scope_name);
        CHECK(same_counts(&whole.orgs[i].c, &alone[i].total));
        digest_counts_add(&sum, &alone[i].total);
        for (int w = 0; w < alone[i].weeks; w++) held[w] += alone[i].held_by_week[w];
    }
    for (int i = 0; i < part.norgs; i++) CHECK(same_counts(&part.orgs[i].c, &alone[i].total));
    CHECK(same_counts(&whole.total, &sum));
    CHECK_INT(whole.weeks, alone[0].weeks);
    CHECK(memcmp(whole.held_by_week, held, sizeof held) == 0);
    /* the region's indicators as its coordinator would get them alone */
    bot_env single = own;
    digest region_alone;
    CHECK_INT(digest_build(d, &single, 1, region, T0, "Europe/Moscow", "ru", &region_alone), MB_OK);
    CHECK(region_alone.nind > 0);
    CHECK(same_indicators(&whole, &region_alone));
    CHECK(same_counts(&whole.total, &region_alone.total));
    /* alone, a territory reads its schools at once: the same lines, each
     * as the school's own digest, and the same weeks */
    CHECK_INT(region_alone.norgs, 3);
    for (int i = 0; i < region_alone.norgs; i++) {
        CHECK(region_alone.orgs[i].id == orgs[i]);
        CHECK_STR(region_alone.orgs[i].name, alone[i].scope_name);
        CHECK(same_counts(&region_alone.orgs[i].c, &alone[i].total));
    }
    CHECK(memcmp(region_alone.held_by_week, held, sizeof held) == 0);
    digest town_alone;
    CHECK_INT(digest_build(d, &single, 1, town, T0, "Europe/Moscow", "ru", &town_alone), MB_OK);
    CHECK_INT(town_alone.norgs, 2);
    for (int i = 0; i < town_alone.norgs; i++) CHECK(same_counts(&town_alone.orgs[i].c, &alone[i].total));
    CHECK(same_counts(&town_alone.total, &part.total));
    CHECK(memcmp(town_alone.held_by_week, part.held_by_week, sizeof held) == 0);
    char *in_run = digest_text(&run, &whole, 0, NULL), *on_its_own = digest_text(&single, &region_alone, 0, NULL);
    CHECK(in_run != NULL && on_its_own != NULL);
    CHECK_STR(in_run, on_its_own);
    free(in_run);
    free(on_its_own);
    digest_free(&town_alone);
    /* and each school's digest in the run is the one it gets alone */
    for (int i = 0; i < 3; i++) {
        digest g;
        CHECK_INT(digest_build(d, &run, 0, orgs[i], T0, "Europe/Moscow", "ru", &g), MB_OK);
        CHECK(same_counts(&g.total, &alone[i].total));
        CHECK(memcmp(g.held_by_week, alone[i].held_by_week, sizeof g.held_by_week) == 0);
        CHECK(same_indicators(&g, &alone[i]));
        char *a = digest_text(&run, &g, 1, NULL), *b = digest_text(&own, &alone[i], 1, NULL);
        CHECK_STR(a, b);
        free(a);
        free(b);
        digest_free(&g);
    }
    for (int i = 0; i < 3; i++) digest_free(&alone[i]);
    digest_free(&whole);
    digest_free(&part);
    digest_free(&region_alone);
    digest_batch_free(run.digest_batch);
    ind_catalog_free(catalog);
    db_close(d);
}

/* A digest due Monday 09:00 in a school year that began on a Monday:
 * the trend's last bar is the digest's own week, the one its text counts,
 * and each bar before it the 7 days before; the first is what is left of
 * a week after 1 September. The school's digest and its municipality's,
 * read at once, agree. */
TEST(the_trend_s_last_bar_is_the_digest_s_own_week)
{
    const int64_t end = 1779084000000LL;         /* Monday 2026-05-18 09:00 Moscow */
    const int64_t year = 1756674000000LL;        /* Monday 2025-09-01 00:00 Moscow */
    const int64_t hour = 3600000LL, week_ms = 7 * DAY_MS;
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/trend.db", unit_tmpdir());
    db *d;
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    clock_set_ms(year - 30 * DAY_MS);
    int64_t region, town, org_id, ms;
    CHECK_INT(territory_add(d, "Область", "region", 0, &region), MB_OK);
    CHECK_INT(territory_add(d, "Город", "municipality", region, &town), MB_OK);
    CHECK_INT(org_add_full(d, "Школа", "school", town, "Europe/Moscow", &org_id), MB_OK);
    int64_t mentor = person(d, org_id, "mentor", "Наставник", 900);
    int64_t mentee = person(d, org_id, "mentee", "Ученик", 901);
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &mentee, 1, 0, &ms), MB_OK);
    const int64_t held[] = {
        end - hour,                 /* the morning the digest is due: its week */
        end - week_ms + hour,       /* the Monday before, after 09:00: its week too */
        end - week_ms - hour,       /* the Monday before, before 09:00: the week before */
        year + hour,                /* 1 September, before 09:00: the first bar */
        year + 10 * hour,           /* 1 September, after 09:00: the second */
        year - hour,                /* the school year before: no bar */
    };
    for (size_t i = 0; i < sizeof held / sizeof held[0]; i++) {
        char sql[400];
        snprintf(sql, sizeof sql,
                 "INSERT INTO meetings(org_id, mentorship_id, kind, format, starts_at, minutes, state, created_at,"
                 " updated_at) VALUES(%lld, %lld, 'work', 'online', %lld, 60, 'held', 1, 1)",
                 (long long)org_id, (long long)ms, (long long)held[i]);
        CHECK_INT(sqlite3_exec(db_handle(d), sql, NULL, NULL, NULL), SQLITE_OK);
    }
    digest own, town_digest;
    CHECK_INT(digest_build(d, &env, 0, org_id, end, "Europe/Moscow", "ru", &own), MB_OK);
    CHECK_INT(own.weeks, 38);
    CHECK_INT(own.total.held, 2);
    CHECK_INT(own.held_by_week[37], 2);
    CHECK_INT(own.held_by_week[36], 1);
    CHECK_INT(own.held_by_week[1], 1);
    CHECK_INT(own.held_by_week[0], 1);
    int total = 0;
    for (int w = 0; w < own.weeks; w++) total += own.held_by_week[w];
    CHECK_INT(total, 5);
    CHECK_INT(digest_build(d, &env, 1, town, end, "Europe/Moscow", "ru", &town_digest), MB_OK);
    CHECK_INT(town_digest.weeks, own.weeks);
    CHECK(memcmp(town_digest.held_by_week, own.held_by_week, sizeof own.held_by_week) == 0);
    digest_free(&own);
    digest_free(&town_digest);
    db_close(d);
}

/* Mentees whose paired (migration 27) disagrees with a recount of their
 * open memberships. */
static int paired_wrong(db *d)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM accounts a WHERE a.paired <> EXISTS (SELECT 1"
                                  " FROM mentorship_members mm WHERE mm.mentee_id = a.id AND mm.left_at IS NULL)");
    return st ? (int)db_step_scalar(d, st, -1) : -1;
}

/* The mentees waiting as a territory's digest made on its own counts
 * them (one school of town) and as the school's own digest does. */
static int waiting_both_ways(db *d, int64_t town, int64_t org_id, int *own)
{
    digest t, o;
    if (digest_build(d, &env, 1, town, T0, "Europe/Moscow", "ru", &t)) return -1;
    if (digest_build(d, &env, 0, org_id, T0, "Europe/Moscow", "ru", &o)) {
        digest_free(&t);
        return -1;
    }
    int n = t.norgs == 1 ? t.orgs[0].c.waiting : -1;
    *own = o.total.waiting;
    if (t.total.waiting_since != o.total.waiting_since) n = -2;
    digest_free(&t);
    digest_free(&o);
    return n;
}


/* paired equals a recount, and the territory and the school's own digest
 * both count want mentees waiting */
#define AGREES(want)                                                   \
    do {                                                               \
        CHECK_INT(paired_wrong(d), 0);                                 \
        CHECK_INT(waiting_both_ways(d, town, org_id, &own), (want));   \
        CHECK_INT(own, (want));                                        \
    } while (0)

TEST(a_territory_counts_the_mentees_waiting_as_a_recount_after_every_change_of_their_pairs)
{
    char path[512], err[256], sql[400];
    snprintf(path, sizeof path, "%s/waiting.db", unit_tmpdir());
    db *d;
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    clock_set_ms(T0 - 30 * DAY_MS);
    int64_t region, town, org_id, ms, other;
    CHECK_INT(territory_add(d, "Область", "region", 0, &region), MB_OK);
    CHECK_INT(territory_add(d, "Город", "municipality", region, &town), MB_OK);
    CHECK_INT(org_add_full(d, "Школа", "school", town, "Europe/Moscow", &org_id), MB_OK);
    int64_t mentor = person(d, org_id, "mentor", "Наставник", 900);
    int64_t a = person(d, org_id, "mentee", "Аня", 901), b = person(d, org_id, "mentee", "Боря", 902);
    int64_t c = person(d, org_id, "mentee", "Вера", 903);
    CHECK(mentor && a && b && c);
    int own;
    AGREES(3);
    /* a pair made, then a group */
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &a, 1, 0, &ms), MB_OK);
    AGREES(2);
    CHECK_INT(mentorship_add_mentee(d, ms, b), MB_OK);
    AGREES(1);
    /* a membership moved to another mentee, and back */
    snprintf(sql, sizeof sql, "UPDATE mentorship_members SET mentee_id = %lld WHERE mentee_id = %lld",
             (long long)c, (long long)b);
    CHECK_INT(sqlite3_exec(db_handle(d), sql, NULL, NULL, NULL), SQLITE_OK);
    AGREES(1);
    snprintf(sql, sizeof sql, "UPDATE mentorship_members SET mentee_id = %lld WHERE mentee_id = %lld",
             (long long)b, (long long)c);
    CHECK_INT(sqlite3_exec(db_handle(d), sql, NULL, NULL, NULL), SQLITE_OK);
    /* a membership replaced by one already left (REPLACE deletes without
     * the delete trigger), then put back */
    snprintf(sql, sizeof sql,
             "INSERT OR REPLACE INTO mentorship_members(mentorship_id, mentee_id, joined_at, left_at)"
             " VALUES(%lld, %lld, 1, 2)", (long long)ms, (long long)b);
    CHECK_INT(sqlite3_exec(db_handle(d), sql, NULL, NULL, NULL), SQLITE_OK);
    AGREES(2);
    snprintf(sql, sizeof sql, "UPDATE mentorship_members SET left_at = NULL WHERE mentee_id = %lld", (long long)b);
    CHECK_INT(sqlite3_exec(db_handle(d), sql, NULL, NULL, NULL), SQLITE_OK);
    CHECK_INT(paired_wrong(d), 0);
    CHECK_INT(waiting_both_ways(d, town, org_id, &own), 1);
    /* a membership deleted */
    snprintf(sql, sizeof sql, "DELETE FROM mentorship_members WHERE mentee_id = %lld", (long long)b);
    CHECK_INT(sqlite3_exec(db_handle(d), sql, NULL, NULL, NULL), SQLITE_OK);
    AGREES(2);
    /* the mentorship ended: its mentee is back in the queue */
    CHECK_INT(mentorship_end(d, ms), MB_OK);
    AGREES(3);
    /* a new pair, then its mentee erased (/forget): no longer waiting, nor paired */
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &c, 1, 0, &other), MB_OK);
    CHECK_INT(waiting_both_ways(d, town, org_id, &own), 2);
    CHECK_INT(account_forget(d, c), MB_OK);
    AGREES(2);
    /* and the mentor erased: the mentees of their pairs wait again */
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &a, 1, 0, &other), MB_OK);
    CHECK_INT(waiting_both_ways(d, town, org_id, &own), 1);
    CHECK_INT(account_forget(d, mentor), MB_OK);
    AGREES(2);
    db_close(d);
}

/* Presses of «Прислать сейчас» (dg:n) by a Telegram user, in one answer
 * of getUpdates, through the real intake. */
static void tap_now(db *d, const bot_env *e, long long user, long long first_update, int taps)
{
    char batch[4096];
    size_t len = (size_t)snprintf(batch, sizeof batch, "[");
    for (int i = 0; i < taps; i++) {
        long long id = first_update + i;
        len += (size_t)snprintf(batch + len, sizeof batch - len,
                                "%s{\"update_id\":%lld,\"callback_query\":{\"id\":\"%lld\",\"from\":{\"id\":%lld,"
                                "\"is_bot\":false,\"first_name\":\"К\",\"language_code\":\"ru\"},\"message\":"
                                "{\"message_id\":7,\"chat\":{\"id\":%lld,\"type\":\"private\"},\"date\":0,"
                                "\"text\":\"?\"},\"chat_instance\":\"1\",\"data\":\"dg:n\"}}",
                                i ? "," : "", id, id, user, user);
    }
    len += (size_t)snprintf(batch + len, sizeof batch - len, "]");
    tg_reply r;
    CHECK_INT(tg_parse_reply(batch, len, 200, &r), MB_OK);
    intake_item items[4];
    int64_t next = 0;
    int n = tg_items_from_result(r.result, items, 4, &next);
    CHECK_INT(n, taps);
    intake_stats st = {0};
    CHECK_INT(intake_apply(d, e, "tg", items, n, TG_META_OFFSET, next, &st), MB_OK);
    tg_reply_free(&r);
}

/* Rows of the outbox where the condition holds. */
static long long outbox_rows(db *d, const char *where)
{
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM outbox WHERE %s", where);
    return unit_sql_int(db_handle(d), sql, 0);
}

/* A phone's double tap on «Прислать сейчас»: one digest (its text, chart
 * and workbook) and, for the second tap, a word that files are still on
 * their way; once they are delivered, a tap makes a new digest. */
TEST(a_second_tap_while_the_digest_is_on_its_way_makes_no_second_one)
{
    char path[512], err[256], files[600];
    snprintf(path, sizeof path, "%s/tap.db", unit_tmpdir());
    snprintf(files, sizeof files, "%s/tap-files", unit_tmpdir());
    CHECK(mkdir(files, 0700) == 0);
    db *d;
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    clock_set_ms(T0);
    int64_t org_id;
    CHECK_INT(org_add(d, "Школа №3", "Europe/Moscow", &org_id), MB_OK);
    int64_t curator = person(d, org_id, "curator", "Ольга Куратор", 601);
    CHECK(curator > 0);
    digest_rules rules;
    digest_rules_default(&rules);
    bot_env e = env;
    e.files_dir = files;
    e.digest = &rules;
    e.timezone = "Europe/Moscow";
    tap_now(d, &e, 601, 1, 2);
    CHECK_INT(outbox_rows(d, "kind = 'photo'"), 1);
    CHECK_INT(outbox_rows(d, "kind = 'document'"), 1);
    CHECK_INT(outbox_rows(d, "kind = 'text'"), 2);   /* the digest's and the word below */
    CHECK_INT(outbox_rows(d, "kind = 'text' AND body LIKE '%Файлы для вас ещё в пути%'"), 1);
    /* delivered: the next tap makes a new one */
    CHECK_INT(sqlite3_exec(db_handle(d), "UPDATE outbox SET state = 'sent', sent_at = 1", NULL, NULL, NULL),
              SQLITE_OK);
    tap_now(d, &e, 601, 3, 1);
    CHECK_INT(outbox_rows(d, "kind = 'photo'"), 2);
    CHECK_INT(outbox_rows(d, "kind = 'text' AND body LIKE '%Файлы для вас ещё в пути%'"), 1);
    db_close(d);
}

int main(void)
{
    log_set_level(LOG_ERROR);
    texts = unit_load_catalogs();
    env = (bot_env){.texts = texts, .default_language = "ru"};
    RUN(plural_forms_agree_with_their_numbers);
    RUN(a_quiet_week_is_one_line_without_buttons);
    RUN(each_thing_that_needs_the_curator_has_a_button_that_opens_it);
    RUN(long_names_formulas_and_control_characters_stay_text_in_a_valid_workbook_and_chart);
    RUN(a_territory_digest_shows_each_school_with_the_figures_of_its_own_digest);
    RUN(the_trend_s_last_bar_is_the_digest_s_own_week);
    RUN(a_territory_counts_the_mentees_waiting_as_a_recount_after_every_change_of_their_pairs);
    RUN(a_second_tap_while_the_digest_is_on_its_way_makes_no_second_one);
    i18n_free(texts);
    chart_release();
    return unit_summary();
}
