/*
 * The weekly digest through the simulator, with the bot's clock moved to
 * Monday (MENTORBOT_CLOCK_OFFSET_S): at 09:00 in Tomsk the curator of a
 * Tomsk school gets the week in words, the chart and the workbook; the
 * coordinator of Moscow gets theirs at 09:00 Moscow time, four hours
 * later, with a line per organisation; a restart sends nothing again and
 * no file is left behind. The chart comes as a photo (Telegram's
 * sendPhoto, a VK photo) and decodes (cairo) at its stated width;
 * the workbook is read back by openpyxl (Debian python3-openpyxl): its
 * indicators hold the same numbers as `admin report indicators --format
 * csv`, its sheets the pair's meeting and the mentee waiting as numbers
 * and dates, a coordinator's a row per organisation.
 * The digest's button opens the people waiting. `admin digest send`
 * sends one now and `admin digest preview` writes one into a folder.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CURATOR 760001401LL
#define COORDINATOR 760001402LL
#define MENTOR 760001403LL
#define MENTEE 760001404LL
#define WAITING 760001405LL
#define NEWCOMER 760001406LL
#define TOMSK_S (7 * 3600)     /* Asia/Tomsk: UTC+7 all year */
#define MOSCOW_S (3 * 3600)    /* Europe/Moscow: UTC+3 all year */
#define DAY_S 86400LL
#define SETTLE_MS 1000
#define CHART_WIDTH 1080       /* report/chart.h */

/* UTC seconds of 09:00 local on the first Monday at least two days ahead,
 * at a fixed offset from UTC. */
static long long monday_nine(long offset_s)
{
    time_t t = time(NULL) + offset_s + 2 * DAY_S;
    struct tm tm;
    gmtime_r(&t, &tm);
    tm.tm_mday += (8 - tm.tm_wday) % 7;
    tm.tm_hour = 9;
    tm.tm_min = 0;
    tm.tm_sec = 0;
    return (long long)timegm(&tm) - offset_s;
}

/* bytes into a file of the test's folder named name; its path (static). */
static const char *keep(const char *name, const char *bytes, size_t len)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", unit_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    CHECK(f && bytes && fwrite(bytes, 1, len, f) == len);
    if (f) fclose(f);
    return path;
}

/* The chart and the workbook that follow a digest's text: the chart's
 * caption checked and the picture decoded; returns what openpyxl reads in
 * the workbook, a line per row "sheet|cell|cell..." (static). With csv,
 * the indicators sheet is compared with that report of `admin report
 * indicators --format csv`: "indicators N of M" tells how many agree. */
static const char *receive_files(convo *c, long long user, const char *tag, const char *csv)
{
    static char rows[32768];
    char name[256], caption[2048], file[64], cmd[4096];
    size_t len = 0;
    rows[0] = 0;
    /* the chart is a photo on either messenger, shown as a picture */
    char *png = expect_photo(c, user, caption, sizeof caption, &len);
    CHECK_CONTAINS(caption, "Диаграмма.");
    snprintf(file, sizeof file, "chart-%s.png", tag);
    cairo_surface_t *s = cairo_image_surface_create_from_png(keep(file, png, len));
    CHECK_INT(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    CHECK_INT(cairo_image_surface_get_width(s), CHART_WIDTH);
    cairo_surface_destroy(s);
    free(png);
    char *xlsx = expect_file(c, user, name, sizeof name, caption, sizeof caption, &len);
    CHECK_CONTAINS(name, ".xlsx");
    snprintf(file, sizeof file, "digest-%s.xlsx", tag);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 - '%s' %s <<'PY'\n"
             "import sys, csv, datetime, openpyxl\n"
             "wb = openpyxl.load_workbook(sys.argv[1])\n"
             "for ws in wb.worksheets:\n"
             "    print(ws.title + '|frozen ' + str(ws.freeze_panes))\n"
             "    for row in ws.iter_rows(values_only=True):\n"
             "        print(ws.title + '|' + '|'.join('date' if isinstance(v, datetime.datetime) else\n"
             "              ('int %%d' %% v if isinstance(v, int) else str(v)) for v in row))\n"
             "if len(sys.argv) > 2:\n"
             "    report = {r['code']: r for r in csv.DictReader(open(sys.argv[2], encoding='utf-8-sig'))}\n"
             "    def same(cell, text):\n"
             "        return cell is None if text == '' else cell is not None and abs(cell - float(text)) < 1e-9\n"
             "    agree = 0\n"
             "    for code, name, target, fact, num, den, rule in wb.worksheets[0].iter_rows(min_row=2, values_only=True):\n"
             "        r = report.pop(code, None)\n"
             "        ok = r and name == r['name'] and same(fact, r['value']) and same(target, r['target'])\n"
             "        if ok and same(num, r['numerator']) and same(den, r['denominator']) and rule == r['rounding']:\n"
             "            agree += 1\n"
             "        else:\n"
             "            print('differs', code, fact, target, num, den, rule, r)\n"
             "    print('indicators %%d of %%d' %% (agree, agree + len(report)))\n"
             "PY",
             keep(file, xlsx, len), csv ? csv : "");
    free(xlsx);
    FILE *p = popen(cmd, "r");
    size_t n = p ? fread(rows, 1, sizeof rows - 1, p) : 0;
    rows[n] = 0;
    CHECK_INT(p ? pclose(p) : -1, 0);
    return rows;
}

/* "indicators N of M" in what receive_files read: 1 when all M (> 0) agree. */
static int indicators_agree(const char *rows)
{
    const char *at = strstr(rows, "indicators ");
    int agree = -1, all = -2;
    return at && sscanf(at, "indicators %d of %d", &agree, &all) == 2 && agree == all && all > 0;
}

TEST(monday_digests_reach_the_tomsk_curator_and_the_moscow_coordinator_once)
{
    convo c;
    if (convo_start(&c, "digest", "[digest]\nindicators = 000\n")) SKIP("simulator or bot did not start");
    convo_greeted(&c, CURATOR, "Анна");
    convo_greeted(&c, COORDINATOR, "Игорь");
    char org[32], region[32], district[32], gym[32], sql[1600];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №5\" --tz Asia/Tomsk"));
    snprintf(region, sizeof region, "%s", admin(&c, "territory add --name \"Москва\" --kind region --tz Europe/Moscow"));
    snprintf(district, sizeof district, "%s",
             admin(&c, "territory add --name \"ЦАО\" --kind municipality --parent %s", region));
    snprintf(gym, sizeof gym, "%s",
             admin(&c, "org add --name \"Гимназия №2\" --territory %s --tz Europe/Moscow", district));
    long long curator = convo_seed_person(&c, org, CURATOR, "curator", "teacher", "Анна Кураторова");
    long long coordinator = convo_seed_person(&c, "NULL", COORDINATOR, "coordinator", "staff", "Игорь Петров");
    long long mentor = convo_seed_person(&c, org, MENTOR, "mentor", "teacher", "Ольга Петровна");
    long long mentee = convo_seed_person(&c, org, MENTEE, "mentee", "pupil", "Петя Иванов");
    long long waiting = convo_seed_person(&c, org, WAITING, "mentee", "pupil", "Маша Смирнова");
    long long newcomer = convo_seed_person(&c, gym, NEWCOMER, "mentee", "pupil", "Ваня Новиков");
    long long tomsk = monday_nine(TOMSK_S), moscow = monday_nine(MOSCOW_S);
    /* a pair with a meeting held last Thursday; Маша has waited 10 days;
     * Ваня joined the gymnasium on Saturday */
    snprintf(sql, sizeof sql,
             "INSERT INTO scopes(account_id, org_id) VALUES(%lld, %s);"
             "INSERT INTO scopes(account_id, territory_id) VALUES(%lld, %s);"
             "INSERT INTO mentorships(org_id, form, mentor_id, created_at) VALUES(%s, 'teacher_pupil', %lld, %lld);"
             "INSERT INTO mentorship_members(mentorship_id, mentee_id, joined_at) VALUES(last_insert_rowid(), %lld, 1);"
             "INSERT INTO meetings(org_id, mentorship_id, kind, format, starts_at, minutes, state, created_at,"
             " updated_at) SELECT %s, MAX(id), 'work', 'in_person', %lld, 60, 'held', 1, 1 FROM mentorships;"
             "UPDATE accounts SET created_at = %lld WHERE id = %lld;"
             "UPDATE accounts SET created_at = %lld WHERE id = %lld;",
             curator, org, coordinator, region, org, mentor, (tomsk - 30 * DAY_S) * 1000, mentee, org,
             (tomsk - 4 * DAY_S) * 1000, (tomsk - 10 * DAY_S) * 1000, waiting, (moscow - 2 * DAY_S) * 1000, newcomer);
    db_exec(c.bot.db, sql);
    /* the school's contingent and a target for the school year of that
     * Monday, and its indicator report as the CLI writes it */
    time_t monday = (time_t)tomsk + TOMSK_S;
    struct tm tm;
    gmtime_r(&monday, &tm);
    int year = tm.tm_year + 1900 - (tm.tm_mon < 8);
    char targets[600], report[600];
    snprintf(targets, sizeof targets, "%s/targets.csv", unit_tmpdir());
    snprintf(sql, sizeof sql, "code,year,target\n000.1,%d,20\n", year + 1);
    keep("targets.csv", sql, strlen(sql));
    admin(&c, "reference set --org %s --year %d --key pupils_5_11 --value 40 --source \"ОО-1\"", org, year);
    admin(&c, "targets import %s", targets);
    snprintf(report, sizeof report, "%s/indicators.csv", unit_tmpdir());
    admin(&c, "report indicators --set 000 --scope org:%s --period %d-%02d --format csv --out %s", org, year,
          (year + 1) % 100, report);

    /* 09:01 in Tomsk, 05:01 in Moscow: the curator's digest only */
    CHECK_INT(convo_restart_at(&c, tomsk + 60), 0);
    const char *r = expect(&c, CURATOR, "Сводка за неделю");
    CHECK_CONTAINS(r, "«Школа №5»");
    CHECK_CONTAINS(r, "1 наставляемый ждёт наставника, дольше всех — 10 дней.");
    CHECK_CONTAINS(r, "Встречи: проведена 1 встреча.");
    const char *book = receive_files(&c, CURATOR, "curator", report);
    CHECK(indicators_agree(book));
    CHECK_CONTAINS(book, "|int 20|2.5|int 1|int 40|half_up:2");   /* 000.1: 1 pupil of 40, target 20 % */
    CHECK_CONTAINS(book, "Показатели|frozen A2");
    CHECK_CONTAINS(book, "Показатели|Код|Показатель|Цель|Факт|Числитель|Знаменатель|Правило округления");
    CHECK_CONTAINS(book, "Наставничества|int 1|Ольга Петровна|Петя Иванов|учитель – ученик|date|int 1|int 0|int 0|date|");
    CHECK_CONTAINS(book, "Ожидают|Маша Смирнова|Школьник, 8 класс|date|int 10|наставника");
    expect_silence(&c, COORDINATOR, SETTLE_MS);
    /* its button opens the people waiting */
    CHECK(press(&c, CURATOR, "Ждут наставника: 1"));
    expect(&c, CURATOR, "Ждут наставника: 1.");
    CHECK(press(&c, CURATOR, "Маша Смирнова"));
    expect_some(&c, CURATOR, "Маша Смирнова");

    /* 09:01 in Moscow: the coordinator's, with a line per organisation */
    CHECK_INT(convo_restart_at(&c, moscow + 60), 0);
    r = expect(&c, COORDINATOR, "Сводка за неделю");
    CHECK_CONTAINS(r, "«Москва»");
    CHECK_CONTAINS(r, "За неделю зарегистрировался 1 новый участник.");
    CHECK_CONTAINS(r, "• Гимназия №2: 1 · 1 · 0 · 0");
    book = receive_files(&c, COORDINATOR, "coordinator", NULL);
    CHECK_CONTAINS(book, "Организации|Гимназия №2|int 1|int 1|int 2|int 0|int 0|int 0|int 0|int 0|int 0");
    expect_silence(&c, CURATOR, 0);

    CHECK(press(&c, COORDINATOR, "Обзор организаций"));
    expect(&c, COORDINATOR, "Гимназия №2");

    /* once: a restart an hour later sends nothing again, and no file is left */
    CHECK_INT(convo_restart_at(&c, moscow + 3600), 0);
    expect_silence(&c, CURATOR, SETTLE_MS);
    expect_silence(&c, COORDINATOR, 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM digest_weeks WHERE state = 'sent'"), 2);
    CHECK_INT(convo_files_left(&c), 0);

    /* an administrator sends one now, or only writes it into a folder */
    CHECK_STR(admin(&c, "digest send --org %s", org), "1");
    expect(&c, CURATOR, "Сводка за неделю");
    receive_files(&c, CURATOR, "sent", NULL);
    char out[600];
    snprintf(out, sizeof out, "%s/preview", unit_tmpdir());
    CHECK_CONTAINS(admin(&c, "digest preview --territory %s --out %s", region, out), "/digest.xlsx");
    snprintf(out, sizeof out, "%s/preview/digest.txt", unit_tmpdir());
    char *text = unit_read_file(out, NULL);
    CHECK_CONTAINS(text, "«Москва»");
    CHECK_CONTAINS(text, "• Гимназия №2: ");
    free(text);
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(monday_digests_reach_the_tomsk_curator_and_the_moscow_coordinator_once);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}
