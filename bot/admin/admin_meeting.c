/*
 * Meetings and holidays from the command line, for organisations that run
 * part of the programme outside the bot and for scripted checks. Times are
 * the organisation's local time; participants are told in the chat about a
 * meeting added or cancelled here, in the same transaction as the change.
 *
 *   admin meeting add --mentorship ID --at "YYYY-MM-DD HH:MM" [--kind KIND] [--minutes N]
 *                     [--topic TEXT] [--place TEXT | --link URL] [--repeat weekly [--until YYYY-MM-DD]]
 *                                   the meeting's id (of a series: the series' id on the last line,
 *                                   after one line per meeting made)
 *   admin meeting list --org ID [--from DATE] [--to DATE]
 *                                   id<TAB>local time<TAB>kind<TAB>state<TAB>mentorship (- for an
 *                                   activity)<TAB>participant ids, mentor first
 *   admin meeting cancel ID
 *   admin holiday add --org ID --date YYYY-MM-DD [--name TEXT]
 *   admin holiday list --org ID     date<TAB>name
 *   admin holiday remove --org ID --date YYYY-MM-DD
 */
#include "bot/admin/admin.h"
#include "handlers/meetings.h"
#include "handlers/meeting_notice.h"
#include "storage/meetings.h"
#include "storage/mentorships.h"
#include "util/clock.h"
#include "util/text.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USAGE_MEETING                                                                                            \
    "usage: admin meeting add --mentorship ID --at \"YYYY-MM-DD HH:MM\" [--kind KIND] [--minutes N]\n"          \
    "                         [--topic TEXT] [--place TEXT | --link URL] [--repeat weekly [--until YYYY-MM-DD]]\n" \
    "       admin meeting list --org ID [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"                                  \
    "       admin meeting cancel ID\n"
#define USAGE_HOLIDAY                                                  \
    "usage: admin holiday add --org ID --date YYYY-MM-DD [--name TEXT]\n" \
    "       admin holiday list --org ID\n"                              \
    "       admin holiday remove --org ID --date YYYY-MM-DD\n"
#define LIST_PAGE 500
#define PARTICIPANTS_SHOWN 64
#define DAY_MS 86400000LL

/* The organisation of an --org value, its zone into zone; 0 after saying why. */
static int load_org(app *a, const char *value, org *o)
{
    long long id;
    if (!admin_parse_long(value, 1, INT64_MAX, &id)) {
        fprintf(stderr, "--org takes an organisation's id\n");
        return 0;
    }
    if (org_get(a->d, id, o)) {
        fprintf(stderr, "there is no organisation %lld (see `admin org list`)\n", id);
        return 0;
    }
    return 1;
}

/* Local midnight of a YYYY-MM-DD date in zone; 0 after saying why not. */
static int parse_day(const char *zone, const char *value, const char *what, int64_t *ms)
{
    if (!meeting_date_valid(value)) {
        fprintf(stderr, "%s \"%s\" is not a date written YYYY-MM-DD\n", what, value);
        return 0;
    }
    struct tm t = {0};
    t.tm_year = atoi(value) - 1900;
    t.tm_mon = atoi(value + 5) - 1;
    t.tm_mday = atoi(value + 8);
    /* a zone that skips midnight (a few do, at a change of clocks) starts the day at 01:00 */
    if (tz_from_local(zone, &t, ms) && (t.tm_hour = 1, tz_from_local(zone, &t, ms))) {
        fprintf(stderr, "%s %s has no midnight in the organisation's timezone\n", what, value);
        return 0;
    }
    return 1;
}

/* "YYYY-MM-DD HH:MM" in zone into UTC ms; 0 after saying what is wrong. */
static int parse_at(const char *zone, const char *value, int64_t *ms)
{
    char date[11], tail;
    int hour, minute;
    if (strlen(value) != 16 || value[10] != ' ' || value[13] != ':' ||
        sscanf(value, "%10s %2d:%2d%c", date, &hour, &minute, &tail) != 3 || value[11] < '0' || value[11] > '9' ||
        value[12] < '0' || value[12] > '9' || value[14] < '0' || value[14] > '9' || value[15] < '0' ||
        value[15] > '9') {
        fprintf(stderr, "--at \"%s\": write the organisation's local time as \"YYYY-MM-DD HH:MM\"\n", value);
        return 0;
    }
    if (!meeting_date_valid(date)) {
        fprintf(stderr, "--at \"%s\": there is no such date\n", value);
        return 0;
    }
    if (hour > 23 || minute > 59) {
        fprintf(stderr, "--at \"%s\": there is no such time of day (00:00 to 23:59)\n", value);
        return 0;
    }
    struct tm t = {0};
    t.tm_year = atoi(date) - 1900;
    t.tm_mon = atoi(date + 5) - 1;
    t.tm_mday = atoi(date + 8);
    t.tm_hour = hour;
    t.tm_min = minute;
    if (tz_from_local(zone, &t, ms)) {
        fprintf(stderr, "--at \"%s\": this time does not exist in %s (the clocks skip it)\n", value,
                zone[0] ? zone : "UTC");
        return 0;
    }
    return 1;
}

static void local_time(const char *zone, int64_t ms, char *buf, size_t size)
{
    tz_format(zone, ms, "en", 1, buf, size);
}

/* Prints one line of a meeting (see the top of the file). */
static void print_meeting(app *a, const meeting *m, const char *zone)
{
    char when[40];
    local_time(zone, m->starts_at, when, sizeof when);
    printf("%lld\t%s\t%s\t%s\t", (long long)m->id, when, m->kind, m->state);
    if (m->mentorship_id) printf("%lld\t", (long long)m->mentorship_id);
    else printf("-\t");
    meeting_participant who[PARTICIPANTS_SHOWN];
    int n = meeting_participants(a->d, m->id, who, PARTICIPANTS_SHOWN);
    for (int i = 0; i < n && i < PARTICIPANTS_SHOWN; i++) printf("%s%lld", i ? "," : "", (long long)who[i].account_id);
    if (n > PARTICIPANTS_SHOWN) printf(",... (%d in all)", n);
    putchar('\n');
}

/* Commits a change whose participants were told; the caller printed nothing yet. */
static int told_and_done(app *a, mb_status rc, const char *what, int told)
{
    if (admin_finish_change(a, rc, what)) return 1;
    if (told == 0) fprintf(stderr, "note: no participant has a messenger to be told in\n");
    return 0;
}

/* Says why a meeting plan or its mentorship is refused. */
static void say_refusal(app *a, mb_status rc, meeting_problem why, long long mentorship_id)
{
    if (rc == MB_ERR_INVALID) fprintf(stderr, "%s\n", meeting_problem_str(why));
    else if (rc == MB_ERR_NOT_FOUND)
        fprintf(stderr, "there is no mentorship %lld (see `admin match list`)\n", mentorship_id);
    else if (rc == MB_ERR_EXPIRED)
        fprintf(stderr, "mentorship %lld has ended: it takes no new meetings\n", mentorship_id);
    else fprintf(stderr, "could not add the meeting: %s\n", rc == MB_ERR_DB ? db_errmsg(a->d) : mb_status_str(rc));
}

/* Audits and tells the participants of a new meeting. */
static mb_status announce(app *a, int64_t id, const char *action, const char *key, int *told)
{
    meeting m;
    char subject[32], detail[64];
    mb_status rc = meeting_load(a->d, id, &m);
    if (rc) return rc;
    snprintf(subject, sizeof subject, "meeting:%lld", (long long)id);
    snprintf(detail, sizeof detail, "mentorship %lld, %s", (long long)m.mentorship_id, m.kind);
    if ((rc = audit_log(a->d, ADMIN_ACTOR, action, subject, detail))) return rc;
    int n = 0;
    rc = meeting_notice_send(a->d, &a->env, &m, key, &n);
    *told += n;
    return rc ? rc : meeting_arm(a->d, &a->env, &m);
}

/* Audits a new series and tells its participants once, with its first
 * meeting; its meetings into *list (malloc'd), *n of them. */
static mb_status announce_series(app *a, int64_t series_id, int64_t mentorship_id, int made, meeting **list, int *n,
                                 int *told)
{
    char subject[32], detail[64];
    snprintf(subject, sizeof subject, "meeting_series:%lld", (long long)series_id);
    snprintf(detail, sizeof detail, "mentorship %lld, %d meetings", (long long)mentorship_id, made);
    mb_status rc = audit_log(a->d, ADMIN_ACTOR, "meeting.series", subject, detail);
    int first;
    return rc ? rc : meeting_series_announce(a->d, &a->env, mentorship_id, series_id, made, list, n, &first, told);
}

static int meeting_add_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--mentorship", "--at", "--kind", "--minutes", "--topic", "--place",
                                        "--link", "--repeat", "--until", NULL};
    if (!admin_check_opts(argc, argv, known)) return 2;
    const char *at = admin_opt(argc, argv, "--at"), *kind = admin_opt(argc, argv, "--kind");
    const char *minutes_opt = admin_opt(argc, argv, "--minutes"), *repeat = admin_opt(argc, argv, "--repeat");
    const char *until_opt = admin_opt(argc, argv, "--until");
    long long mentorship_id, minutes = MEETING_MINUTES_DEFAULT;
    if (!admin_parse_long(admin_opt(argc, argv, "--mentorship"), 1, INT64_MAX, &mentorship_id) || !at) {
        fputs(USAGE_MEETING, stderr);
        return 2;
    }
    if (minutes_opt && !admin_parse_long(minutes_opt, 1, MEETING_MINUTES_MAX, &minutes)) {
        fprintf(stderr, "--minutes takes a whole number from 1 to %d\n", MEETING_MINUTES_MAX);
        return 2;
    }
    if (kind && !meeting_kind_valid(kind)) {
        fprintf(stderr, "unknown kind \"%s\" (one of: %s)\n", kind, MEETING_KINDS);
        return 2;
    }
    if ((repeat && strcmp(repeat, "weekly") != 0) || (until_opt && !repeat)) {
        fprintf(stderr, "--repeat takes weekly; --until goes with --repeat weekly\n");
        return 2;
    }
    mentorship ms;
    mb_status rc = mentorship_load(a->d, mentorship_id, &ms);
    if (rc) {
        say_refusal(a, rc, MEETING_PLAN_OK, mentorship_id);
        return 1;
    }
    org o;
    if (org_get(a->d, ms.org_id, &o)) return 1;
    meeting_plan p = {.kind = kind, .topic = admin_opt(argc, argv, "--topic"),
                      .place = admin_opt(argc, argv, "--place"),
                      .link = admin_opt(argc, argv, "--link"), .minutes = (int)minutes};
    p.online = p.link != NULL;
    int64_t until = 0, now = clock_now_ms();
    if (!parse_at(o.timezone, at, &p.starts_at) || (until_opt && !parse_day(o.timezone, until_opt, "--until", &until)))
        return 2;
    meeting_problem why = meeting_plan_check(&p, now);
    if (why) {
        fprintf(stderr, "%s\n", meeting_problem_str(why));
        return 1;
    }
    if (strcmp(ms.state, "active") != 0) {
        say_refusal(a, MB_ERR_EXPIRED, why, mentorship_id);
        return 1;
    }
    char holiday[MEETING_HOLIDAY_NAME_MAX * 4 + 1];
    char day[11];
    snprintf(day, sizeof day, "%.10s", at);
    if (!repeat && meeting_holiday_is(a->d, o.id, day, holiday, sizeof holiday) == 1)
        fprintf(stderr, "note: %s is a holiday of the organisation%s%s\n", day, holiday[0] ? ": " : "", holiday);
    if ((rc = db_begin(a->d))) return 1;
    int64_t id = 0;
    int told = 0, made = 1;
    if (repeat) {
        until = until ? until + DAY_MS : 0;   /* the whole last day */
        rc = meeting_series_add(a->d, mentorship_id, &p, until, now, &id, &made, &why);
    } else {
        rc = meeting_add(a->d, mentorship_id, &p, now, &id, &why);
    }
    if (rc == MB_ERR_INVALID || rc == MB_ERR_EXPIRED || (rc == MB_ERR_NOT_FOUND && repeat)) {
        db_rollback(a->d);
        if (rc == MB_ERR_NOT_FOUND)
            fprintf(stderr, "the organisation has no programme to end the series: give --until\n");
        else say_refusal(a, rc, why, mentorship_id);
        return 1;
    }
    meeting *made_list = NULL;
    int n = 0;
    if (!rc && !repeat) rc = announce(a, id, "meeting.add", "meeting.added", &told);
    if (!rc && repeat) rc = announce_series(a, id, mentorship_id, made, &made_list, &n, &told);
    if (told_and_done(a, rc, "add the meeting", told)) {
        free(made_list);
        return 1;
    }
    for (int i = 0; i < n; i++)
        if (made_list[i].series_id == id) print_meeting(a, &made_list[i], o.timezone);
    free(made_list);
    if (repeat) printf("series of %d meetings\n", made);
    printf("%lld\n", (long long)id);
    return 0;
}

static int meeting_list_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--org", "--from", "--to", NULL};
    if (!admin_check_opts(argc, argv, known) || !admin_opt(argc, argv, "--org")) {
        fputs(USAGE_MEETING, stderr);
        return 2;
    }
    org o;
    if (!load_org(a, admin_opt(argc, argv, "--org"), &o)) return 1;
    const char *from_opt = admin_opt(argc, argv, "--from"), *to_opt = admin_opt(argc, argv, "--to");
    int64_t from = clock_now_ms(), to = INT64_MAX;
    if ((from_opt && !parse_day(o.timezone, from_opt, "--from", &from)) ||
        (to_opt && !parse_day(o.timezone, to_opt, "--to", &to)))
        return 2;
    if (to_opt) to += DAY_MS;   /* --to names the last day shown */
    for (int offset = 0;; offset += LIST_PAGE) {
        meeting *list = NULL;
        int n = 0;
        if (meeting_list_org(a->d, o.id, from, to, 1, offset, LIST_PAGE, &list, &n)) {
            fprintf(stderr, "could not read the meetings: %s\n", db_errmsg(a->d));
            return 1;
        }
        for (int i = 0; i < n; i++) print_meeting(a, &list[i], o.timezone);
        free(list);
        if (n < LIST_PAGE) return 0;
    }
}

static int meeting_cancel_cmd(app *a, int argc, char **argv)
{
    long long id;
    if (argc != 1 || !admin_parse_long(argv[0], 1, INT64_MAX, &id)) {
        fputs(USAGE_MEETING, stderr);
        return 2;
    }
    meeting m;
    if (meeting_load(a->d, id, &m)) {
        fprintf(stderr, "there is no meeting %lld (see `admin meeting list`)\n", id);
        return 1;
    }
    if (strcmp(m.state, "planned") != 0) {
        fprintf(stderr, "meeting %lld is %s already: only a planned meeting can be cancelled\n", id, m.state);
        return 1;
    }
    mb_status rc = db_begin(a->d);
    if (rc) return 1;
    int told = 0;
    char subject[32];
    snprintf(subject, sizeof subject, "meeting:%lld", id);
    if (!(rc = meeting_cancel(a->d, id, m.version, clock_now_ms())) &&
        !(rc = audit_log(a->d, ADMIN_ACTOR, "meeting.cancel", subject, NULL)) && !(rc = meeting_load(a->d, id, &m)))
        rc = meeting_notice_send(a->d, &a->env, &m, "meeting.cancelled", &told);
    if (rc == MB_ERR_EXPIRED) {
        db_rollback(a->d);
        fprintf(stderr, "meeting %lld changed meanwhile; look at it again\n", id);
        return 1;
    }
    if (told_and_done(a, rc, "cancel the meeting", told)) return 1;
    printf("meeting %lld cancelled\n", id);
    return 0;
}

int admin_meeting_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "add") == 0) return meeting_add_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "list") == 0) return meeting_list_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "cancel") == 0) return meeting_cancel_cmd(a, argc - 1, argv + 1);
    fputs(USAGE_MEETING, stderr);
    return 2;
}

/* ---- holidays ---- */

static int holiday_change(app *a, int argc, char **argv, int adding)
{
    static const char *const known_add[] = {"--org", "--date", "--name", NULL};
    static const char *const known_remove[] = {"--org", "--date", NULL};
    const char *date = admin_opt(argc, argv, "--date"), *name_opt = admin_opt(argc, argv, "--name");
    if (!admin_check_opts(argc, argv, adding ? known_add : known_remove) || !date || !admin_opt(argc, argv, "--org")) {
        fputs(USAGE_HOLIDAY, stderr);
        return 2;
    }
    org o;
    if (!load_org(a, admin_opt(argc, argv, "--org"), &o)) return 1;
    if (!meeting_date_valid(date)) {
        fprintf(stderr, "--date \"%s\" is not a date written YYYY-MM-DD\n", date);
        return 2;
    }
    char *name = NULL;
    if (name_opt && !(name = admin_clean_name(name_opt, MEETING_HOLIDAY_NAME_MAX, "holiday"))) return 2;
    mb_status rc = db_begin(a->d);
    if (rc) {
        free(name);
        return 1;
    }
    char subject[32];
    snprintf(subject, sizeof subject, "org:%lld", (long long)o.id);
    rc = adding ? meeting_holiday_add(a->d, o.id, date, name, ADMIN_ACTOR, clock_now_ms())
                : meeting_holiday_remove(a->d, o.id, date);
    free(name);
    if (rc == MB_ERR_EXISTS || rc == MB_ERR_NOT_FOUND || rc == MB_ERR_LIMIT) {
        db_rollback(a->d);
        if (rc == MB_ERR_EXISTS)
            fprintf(stderr, "%s is a holiday of organisation %lld already\n", date, (long long)o.id);
        else if (rc == MB_ERR_NOT_FOUND)
            fprintf(stderr, "%s is not a holiday of organisation %lld\n", date, (long long)o.id);
        else fprintf(stderr, "an organisation keeps at most %d holidays; remove past ones\n", MEETING_HOLIDAYS_MAX);
        return 1;
    }
    if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, adding ? "holiday.add" : "holiday.remove", subject, date);
    if (admin_finish_change(a, rc, adding ? "add the holiday" : "remove the holiday")) return 1;
    printf("%s %s\n", date, adding ? "added" : "removed");
    return 0;
}

static int holiday_list_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--org", NULL};
    if (!admin_check_opts(argc, argv, known) || !admin_opt(argc, argv, "--org")) {
        fputs(USAGE_HOLIDAY, stderr);
        return 2;
    }
    org o;
    if (!load_org(a, admin_opt(argc, argv, "--org"), &o)) return 1;
    meeting_holiday *list = calloc(MEETING_HOLIDAYS_MAX, sizeof *list);
    if (!list) return 1;
    int n = meeting_holiday_list(a->d, o.id, list, MEETING_HOLIDAYS_MAX);
    for (int i = 0; i < n; i++) printf("%s\t%s\n", list[i].date, list[i].name);
    free(list);
    return n < 0 ? 1 : 0;
}

int admin_holiday_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "add") == 0) return holiday_change(a, argc - 1, argv + 1, 1);
    if (argc >= 1 && strcmp(argv[0], "remove") == 0) return holiday_change(a, argc - 1, argv + 1, 0);
    if (argc >= 1 && strcmp(argv[0], "list") == 0) return holiday_list_cmd(a, argc - 1, argv + 1);
    fputs(USAGE_HOLIDAY, stderr);
    return 2;
}
