/*
 * The weekly digest's words and files (handlers/digest.h): plural forms
 * agree with their numbers in Russian and English, a quiet week is one
 * line, each thing that needs the curator has its button, and the chart
 * and workbook stay valid and safe with names of 200 characters, names
 * that look like formulas and control characters. The workbook is read
 * back by Python's zipfile and XML parser, independent of the writer.
 */
#include "handlers/digest.h"
#include "report/chart.h"
#include "storage/accounts.h"
#include "storage/mentorships.h"
#include "storage/profiles.h"
#include "storage/records.h"
#include "tests/unit.h"
#include "util/clock.h"
#include "util/log.h"

#include <cairo.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(void)
{
    log_set_level(LOG_ERROR);
    texts = unit_load_catalogs();
    env = (bot_env){.texts = texts, .default_language = "ru"};
    RUN(plural_forms_agree_with_their_numbers);
    RUN(a_quiet_week_is_one_line_without_buttons);
    RUN(each_thing_that_needs_the_curator_has_a_button_that_opens_it);
    RUN(long_names_formulas_and_control_characters_stay_text_in_a_valid_workbook_and_chart);
    i18n_free(texts);
    chart_release();
    return unit_summary();
}
