/*
 * Mentor recognition: the points formula and levels under configured
 * rules, what counts (meetings both sides confirmed, polls answered,
 * mentorships completed, achievements of the mentor and their mentees),
 * a mentor who hides left out of a published ranking but not of the
 * curator's, and the letter of thanks as a one-page PDF.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"

#include "bot/config.h"
#include "handlers/announce.h"
#include "handlers/recognition_rules.h"
#include "report/certificate.h"
#include "storage/db.h"
#include "storage/recognition.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000LL

static void sql(db *d, const char *s)
{
    if (sqlite3_exec(db_handle(d), s, NULL, NULL, NULL) != SQLITE_OK)
        fprintf(stderr, "  %s: %s\n", s, sqlite3_errmsg(db_handle(d)));
}

/* An organisation with mentors 1 (Анна), 2 (Борис), 3 (Вера) and mentees
 * 11, 12; mentorship 1 (Анна with 11) ended after its final meeting,
 * mentorship 2 (Борис with 12) ended by the curator before one. */
static void seed(db *d)
{
    sql(d, "INSERT INTO orgs(id, name, timezone, created_at) VALUES (1, 'Школа', 'Asia/Tomsk', 0);"
           "INSERT INTO accounts(id, status, role, org_id, name, created_at, updated_at) VALUES"
           " (1, 'active', 'mentor', 1, 'Анна', 0, 0), (2, 'active', 'mentor', 1, 'Борис', 0, 0),"
           " (3, 'active', 'mentor', 1, 'Вера', 0, 0), (11, 'active', 'mentee', 1, 'Ученик', 0, 0),"
           " (12, 'active', 'mentee', 1, 'Ученица', 0, 0);"
           "INSERT INTO mentorships(id, org_id, form, mentor_id, state, created_at, ended_at) VALUES"
           " (1, 1, 'teacher_pupil', 1, 'ended', 0, 100 * 86400000), (2, 1, 'teacher_pupil', 2, 'ended', 0, 100 * 86400000);"
           "INSERT INTO mentorship_members(mentorship_id, mentee_id, joined_at, left_at) VALUES"
           " (1, 11, 0, 100 * 86400000), (2, 12, 0, 100 * 86400000);");
    /* Meetings of mentorship 1: 1 and 2 confirmed by both (2 the final
     * one), 3 by the mentor alone, 4 confirmed but cancelled. Mentorship
     * 2: meeting 5, a working one, confirmed by both. */
    sql(d, "INSERT INTO meetings(id, org_id, mentorship_id, kind, format, starts_at, minutes, state, created_at, updated_at)"
           " VALUES (1, 1, 1, 'intro', 'online', 86400000, 60, 'held', 0, 0),"
           " (2, 1, 1, 'final', 'online', 90 * 86400000, 60, 'planned', 0, 0),"
           " (3, 1, 1, 'work', 'online', 50 * 86400000, 60, 'planned', 0, 0),"
           " (4, 1, 1, 'work', 'online', 60 * 86400000, 60, 'cancelled', 0, 0),"
           " (5, 1, 2, 'work', 'online', 60 * 86400000, 60, 'held', 0, 0);"
           "INSERT INTO meeting_mentorships(meeting_id, mentorship_id) VALUES (1, 1), (2, 1), (3, 1), (4, 1), (5, 2);"
           "INSERT INTO meeting_participants(meeting_id, account_id, role, outcome) VALUES"
           " (1, 1, 'mentor', 'happened'), (1, 11, 'mentee', 'happened'),"
           " (2, 1, 'mentor', 'happened'), (2, 11, 'mentee', 'happened'),"
           " (3, 1, 'mentor', 'happened'), (3, 11, 'mentee', 'not_held'),"
           " (4, 1, 'mentor', 'happened'), (4, 11, 'mentee', 'happened'),"
           " (5, 2, 'mentor', 'happened'), (5, 12, 'mentee', 'happened');");
    /* Polls: Анна answered one wave of two. */
    sql(d, "INSERT INTO poll_waves(id, org_id, kind, audience, opens_at, created_at) VALUES"
           " (1, 1, 'start', 'mentor', 0, 0), (2, 1, 'interim', 'mentor', 0, 0);"
           "INSERT INTO poll_recipients(wave_id, account_id, role, state, invited_at) VALUES"
           " (1, 1, 'mentor', 'done', 0), (2, 1, 'mentor', 'invited', 0);");
    /* Outcomes: Анна's own regional contest; her mentee's municipal
     * olympiad during the mentorship and one long after it; a negative
     * expertise; a training (not an achievement). */
    sql(d, "INSERT INTO outcomes(account_id, org_id, mentorship_id, kind, level, result, happened_on, source, created_at)"
           " VALUES (1, 1, NULL, 'contest', 'regional', NULL, 10 * 86400000, 'chat', 0),"
           " (11, 1, NULL, 'olympiad', 'municipal', NULL, 20 * 86400000, 'chat', 0),"
           " (11, 1, NULL, 'olympiad', 'federal', NULL, 300 * 86400000, 'chat', 0),"
           " (1, 1, NULL, 'practice_expertise', 'school', 'negative', 10 * 86400000, 'chat', 0),"
           " (1, 1, NULL, 'training', NULL, NULL, 10 * 86400000, 'chat', 0);");
}

TEST(points_and_levels_follow_the_configured_rules)
{
    recognition_rules r;
    recognition_rules_default(&r);
    r.meeting = 3;
    r.poll = 2;
    r.completed = 20;
    r.outcome[1] = 7;
    CHECK_INT(recognition_rules_parse_levels("10, 40,100", &r), 0);
    recognition_counts c = {.meetings = 4, .polls = 1, .completed = 1, .outcomes = {0, 2, 0, 0}};
    long long p = recognition_points(&r, &c);
    CHECK_INT(p, 4 * 3 + 2 + 20 + 2 * 7);
    CHECK_STR(recognition_level_code(recognition_level(&r, p)), "gold");
    CHECK_INT(recognition_to_next(&r, p), 100 - p);
    CHECK_STR(recognition_level_code(recognition_level(&r, 9)), "novice");
    CHECK_STR(recognition_level_code(recognition_level(&r, 40)), "gold");
    CHECK_STR(recognition_level_code(recognition_level(&r, 100)), "platinum");
    CHECK_INT(recognition_to_next(&r, 5000), 0);
    /* Bad levels are refused and change nothing. */
    CHECK(recognition_rules_parse_levels("10, 10, 100", &r) != 0);
    CHECK(recognition_rules_parse_levels("10, 40", &r) != 0);
    CHECK(recognition_rules_parse_levels("10, 40, 100, 200", &r) != 0);
    CHECK(recognition_rules_parse_levels("-1, 40, 100", &r) != 0);
    CHECK(recognition_rules_parse_levels("10; 40; 100", &r) != 0);
    CHECK_INT(r.levels[1], 40);
    /* The defaults when no rules are given. */
    recognition_counts one = {.meetings = 1};
    CHECK_INT(recognition_points(NULL, &one), 2);
}

/* The [recognition] section sets the rules; a bad value names its line
 * and keeps the defaults. */
TEST(the_rules_come_from_the_configuration)
{
    char path[512], err[2048] = "";
    snprintf(path, sizeof path, "%s/recognition.conf", unit_tmpdir());
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs("[recognition]\nmeeting = 5\noutcome_federal = 40\nlevels = 30, 90, 200\n", f);
    fclose(f);
    config cfg;
    CHECK_INT(config_load(path, &cfg, err, sizeof err), MB_OK);
    CHECK_INT(cfg.recognition.meeting, 5);
    CHECK_INT(cfg.recognition.poll, 1);
    CHECK_INT(cfg.recognition.outcome[3], 40);
    CHECK_INT(cfg.recognition.levels[2], 200);
    f = fopen(path, "w");
    if (!f) return;
    fputs("[recognition]\nmeeting = -1\nlevels = 90, 30, 200\n", f);
    fclose(f);
    CHECK(config_load(path, &cfg, err, sizeof err) != MB_OK);
    CHECK_CONTAINS(err, "recognition.conf:2: meeting must be a whole number from 0 to 1000");
    CHECK_CONTAINS(err, "recognition.conf:3: levels must be three ascending numbers");
}

TEST(what_counts_toward_points)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) return;
    seed(d);
    recognition_counts c;
    CHECK_INT(recognition_count(d, 1, &c), MB_OK);
    CHECK_INT(c.meetings, 2);      /* 1 and 2; not 3 (one side), not 4 (cancelled) */
    CHECK_INT(c.polls, 1);
    CHECK_INT(c.completed, 1);
    CHECK_INT(c.outcomes[0], 0);   /* the negative expertise and the training earn nothing */
    CHECK_INT(c.outcomes[1], 1);   /* the mentee's olympiad during the mentorship */
    CHECK_INT(c.outcomes[2], 1);   /* her own contest */
    CHECK_INT(c.outcomes[3], 0);   /* the mentee's later olympiad is not hers */
    CHECK(recognition_mentorship_completed(d, 1));
    CHECK(!recognition_mentorship_completed(d, 2));  /* ended before a final meeting */
    CHECK_INT(recognition_count(d, 2, &c), MB_OK);
    CHECK_INT(c.meetings, 1);
    CHECK_INT(c.completed, 0);
    db_close(d);
}

TEST(a_hidden_mentor_is_left_out_of_a_published_ranking_only)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) return;
    seed(d);
    CHECK_INT(recognition_set_hidden(d, 1, 1, 5), MB_OK);
    CHECK(recognition_is_hidden(d, 1));
    recognition_entry *list = NULL;
    int n = 0;
    CHECK_INT(recognition_org_mentors(d, 1, &list, &n), MB_OK);
    CHECK_INT(n, 3);
    recognition_rules r;
    recognition_rules_default(&r);
    /* The curator's own view: everyone, Анна first (most points). */
    int shown = recognition_rank(&r, list, n, 0);
    CHECK_INT(shown, 3);
    if (n == 3) {
        CHECK_INT(list[0].account_id, 1);
        CHECK_INT(list[0].points, 2 * 2 + 1 + 10 + 5 + 8);
        CHECK_INT(list[1].account_id, 2);
        CHECK_INT(list[2].account_id, 3);
        CHECK_INT(list[0].mentees, 1);  /* her team: the mentee of her ended pair */
        CHECK_INT(list[2].mentees, 0);
    }
    shown = recognition_rank(&r, list, n, 1);
    CHECK_INT(shown, 2);
    for (int i = 0; i < shown; i++) CHECK(list[i].account_id != 1);
    free(list);
    /* Shown again once she allows it. */
    CHECK_INT(recognition_set_hidden(d, 1, 0, 6), MB_OK);
    CHECK(!recognition_is_hidden(d, 1));
    CHECK_INT(recognition_org_mentors(d, 1, &list, &n), MB_OK);
    CHECK_INT(recognition_rank(&r, list, n, 1), 3);
    free(list);
    db_close(d);
}

/* An announcement's recipients by the fate of their messages: all sent,
 * one refused (a blocked bot), one still on its way; rows outside its
 * range (the curator's own replies) are not its. */
TEST(an_announcement_counts_who_got_it)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) return;
    seed(d);
    sql(d, "INSERT INTO outbox(platform, chat_id, account_id, kind, body, state, next_at, created_at) VALUES"
           " ('tg', 9, 9, 'text', '{}', 'sent', 0, 0);");
    int64_t first = announcement_outbox_mark(d);
    CHECK_INT(first, 1);
    sql(d, "INSERT INTO outbox(platform, chat_id, account_id, kind, body, state, next_at, created_at) VALUES"
           " ('tg', 1, 1, 'text', '{}', 'sent', 0, 0), ('tg', 1, 1, 'photo', '{}', 'sent', 0, 0),"
           " ('tg', 2, 2, 'photo', '{}', 'failed', 0, 0), ('vk', 3, 3, 'text', '{}', 'pending', 0, 0);");
    int64_t last = announcement_outbox_mark(d), id = 0;
    sql(d, "INSERT INTO outbox(platform, chat_id, account_id, kind, body, state, next_at, created_at) VALUES"
           " ('tg', 9, 9, 'text', '{}', 'failed', 0, 0);");
    CHECK_INT(announcement_add(d, 3, 1, 0, 4, first, last, 100, &id), MB_OK);
    announcement_tally t;
    CHECK_INT(announcement_tally_load(d, id, &t), MB_OK);
    CHECK_INT(t.recipients, 4);
    CHECK_INT(t.delivered, 1);
    CHECK_INT(t.failed, 1);
    CHECK_INT(t.waiting, 1);
    CHECK_INT(t.sender_id, 3);
    CHECK_INT(t.reported_at, 0);
    CHECK_INT(announcement_mark_reported(d, id, 200), MB_OK);
    CHECK_INT(announcement_mark_reported(d, id, 300), MB_ERR_NOT_FOUND);  /* told once */
    CHECK_INT(announcement_tally_load(d, id, &t), MB_OK);
    CHECK_INT(t.reported_at, 200);
    db_close(d);
}

/* A photo sent on Telegram cannot reach who is only on VK: the preview
 * counts them. Mentors 1 and 2 are on Telegram (2 on VK too), 3 only on
 * VK; the mentees are on no messenger. */
TEST(a_file_counts_who_is_only_on_the_other_messenger)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) return;
    seed(d);
    sql(d, "INSERT INTO identities(platform, user_id, account_id, chat_id) VALUES"
           " ('tg', 101, 1, 101), ('tg', 102, 2, 102), ('vk', 202, 2, 202), ('vk', 203, 3, 203);");
    int64_t *ids = NULL;
    int n = 0;
    int64_t org_id = 1;
    const char *const roles[] = {"mentor", "mentee"};
    CHECK_INT(announce_collect(d, &org_id, 1, roles, 1, &ids, &n), MB_OK);
    CHECK_INT(n, 3);
    CHECK_INT(announce_count_elsewhere(d, ids, n, "tg"), 1);
    CHECK_INT(announce_count_elsewhere(d, ids, n, "vk"), 1);
    free(ids);
    CHECK_INT(announce_collect(d, &org_id, 1, roles, 2, &ids, &n), MB_OK);
    CHECK_INT(n, 5);
    CHECK_INT(announce_count_elsewhere(d, ids, n, "tg"), 3);
    free(ids);
    db_close(d);
}

TEST(the_letter_is_a_one_page_pdf)
{
    char path[512];
    snprintf(path, sizeof path, "%s/letter.pdf", unit_tmpdir());
    certificate c = {.title = "Благодарность", .recipient = "Анне Петровне Ивановой",
                     .body = "за наставничество в форме «учитель — ученик»\nс 1 сентября 2026 г. по 25 мая 2027 г.",
                     .signature = "Куратор программы: Сидорова Е. В.", .footer = "Школа №1, 2 декабря 2026 г."};
    CHECK_INT(certificate_write_pdf(&c, path), MB_OK);
    size_t len = 0;
    char *pdf = unit_read_file(path, &len);
    CHECK(pdf && len > 1000);
    if (pdf) {
        CHECK(memcmp(pdf, "%PDF-", 5) == 0);
        CHECK(memmem(pdf, len, "/Count 1", 8) != NULL);
        CHECK(memmem(pdf, len, "cairo", 5) != NULL);
        CHECK(memmem(pdf, len, "DejaVu", 6) != NULL);
    }
    free(pdf);
    /* No title, or text that is not UTF-8: refused, nothing written. */
    snprintf(path, sizeof path, "%s/bad.pdf", unit_tmpdir());
    certificate bad = c;
    bad.title = "";
    CHECK_INT(certificate_write_pdf(&bad, path), MB_ERR_INVALID);
    bad = c;
    bad.recipient = "\xff\xfe";
    CHECK_INT(certificate_write_pdf(&bad, path), MB_ERR_INVALID);
    CHECK(unit_read_file(path, &len) == NULL);
    certificate_release_fonts();
}

int main(void)
{
    RUN(points_and_levels_follow_the_configured_rules);
    RUN(the_rules_come_from_the_configuration);
    RUN(what_counts_toward_points);
    RUN(a_hidden_mentor_is_left_out_of_a_published_ranking_only);
    RUN(an_announcement_counts_who_got_it);
    RUN(a_file_counts_who_is_only_on_the_other_messenger);
    RUN(the_letter_is_a_one_page_pdf);
    return unit_summary();
}
