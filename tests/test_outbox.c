/*
 * Storage of what is still to happen: the outbox state machine (which row of
 * each chat is due, retries, delivery checks, failing a chat, requeueing)
 * and scheduled jobs.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"

#include "storage/db.h"
#include "storage/jobs.h"
#include "storage/outbox.h"
#include "storage/records.h"
#include "util/clock.h"

#include <stdlib.h>
#include <string.h>

#define T0 1795000000000LL   /* a fixed "now" for tests that move time */

/* The probes in tests/unit.c, on the test's database. */
static const char *query_text(db *d, const char *sql) { return unit_sql_text(db_handle(d), sql); }
static long long query_int(db *d, const char *sql) { return atoll(query_text(d, sql)); }

/* Counts due rows for one chat in rows[0..n). */
static int due_for_chat(const outbox_row *rows, int n, int64_t chat)
{
    int k = 0;
    for (int i = 0; i < n; i++) k += rows[i].chat_id == chat;
    return k;
}

static void clear_rows(outbox_row *rows, int n)
{
    for (int i = 0; i < n; i++) outbox_row_clear(&rows[i]);
}

TEST(outbox_due_gives_the_oldest_row_of_each_chat)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    clock_set_ms(T0);
    int64_t a1 = 0, a2 = 0, b1 = 0;
    CHECK_INT(outbox_enqueue(d, "tg", 100, 0, "text", "{\"text\":\"a1\"}", &a1), MB_OK);
    clock_advance_ms(10);
    CHECK_INT(outbox_enqueue(d, "tg", 100, 0, "text", "{\"text\":\"a2\"}", &a2), MB_OK);
    clock_advance_ms(10);
    CHECK_INT(outbox_enqueue(d, "tg", 200, 0, "text", "{\"text\":\"b1\"}", &b1), MB_OK);
    CHECK_INT(outbox_count(d, "pending"), 3);

    outbox_row rows[8];
    int n = outbox_due(d, clock_now_ms(), rows, 8);
    CHECK_INT(n, 2);
    CHECK_INT(due_for_chat(rows, n, 100), 1);
    CHECK_INT(due_for_chat(rows, n, 200), 1);
    if (n >= 2) {
        CHECK_INT(rows[0].id, a1);
        CHECK_STR(rows[0].body, "{\"text\":\"a1\"}");
        CHECK_STR(rows[0].kind, "text");
        CHECK_STR(rows[0].platform, "tg");
        CHECK_INT(rows[1].id, b1);
    }
    clear_rows(rows, n);

    /* While the first row of chat 100 is on its way, the second waits. */
    CHECK_INT(outbox_mark_sending(d, a1), MB_OK);
    n = outbox_due(d, clock_now_ms(), rows, 8);
    CHECK_INT(due_for_chat(rows, n, 100), 0);
    CHECK_INT(due_for_chat(rows, n, 200), 1);
    clear_rows(rows, n);

    CHECK_INT(outbox_mark_sent(d, a1, 777), MB_OK);
    n = outbox_due(d, clock_now_ms(), rows, 8);
    CHECK_INT(due_for_chat(rows, n, 100), 1);
    for (int i = 0; i < n; i++)
        if (rows[i].chat_id == 100) CHECK_INT(rows[i].id, a2);
    clear_rows(rows, n);
    CHECK_INT(outbox_count(d, "sent"), 1);
    clock_release();
    db_close(d);
}

TEST(outbox_row_waiting_for_retry_holds_back_its_chat)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    clock_set_ms(T0);
    int64_t first = 0, second = 0;
    CHECK_INT(outbox_enqueue(d, "tg", 300, 0, "text", "{\"text\":\"1\"}", &first), MB_OK);
    CHECK_INT(outbox_enqueue(d, "tg", 300, 0, "text", "{\"text\":\"2\"}", &second), MB_OK);
    CHECK_INT(outbox_mark_sending(d, first), MB_OK);
    CHECK_INT(outbox_mark_retry(d, first, T0 + 14000, 429, 429, "Too Many Requests: retry after 14"), MB_OK);
    CHECK_INT(outbox_next_time(d), T0);

    outbox_row rows[4];
    int n = outbox_due(d, T0, rows, 4);
    CHECK_INT(n, 0);   /* the first waits 14 s and the second must not overtake it */
    clear_rows(rows, n);

    n = outbox_due(d, T0 + 14000, rows, 4);
    CHECK_INT(n, 1);
    if (n == 1) {
        CHECK_INT(rows[0].id, first);
        CHECK_INT(rows[0].attempts, 1);
        CHECK_INT(rows[0].next_at, T0 + 14000);
    }
    clear_rows(rows, n);
    clock_release();
    db_close(d);
}

TEST(outbox_future_row_is_not_due)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    clock_set_ms(T0);
    int64_t id = 0;
    CHECK_INT(outbox_enqueue(d, "tg", 400, 0, "text", "{\"text\":\"later\"}", &id), MB_OK);
    CHECK_INT(outbox_mark_retry(d, id, T0 + 60000, 0, 0, "connection refused"), MB_OK);
    outbox_row rows[2];
    int n = outbox_due(d, T0 + 59999, rows, 2);
    CHECK_INT(n, 0);
    clear_rows(rows, n);
    CHECK_INT(outbox_next_time(d), T0 + 60000);
    n = outbox_due(d, T0 + 60000, rows, 2);
    CHECK_INT(n, 1);
    clear_rows(rows, n);
    clock_release();
    db_close(d);
}

TEST(outbox_recover_turns_sending_into_checking)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    int64_t a = 0, b = 0, c = 0;
    CHECK_INT(chat_mark_raise(d, "tg", 1, 7), MB_OK);
    CHECK_INT(chat_mark_raise(d, "tg", 1, 5), MB_OK);   /* never lowers the mark */
    CHECK_INT(outbox_enqueue(d, "tg", 1, 0, "text", "{\"text\":\"a\"}", &a), MB_OK);
    CHECK_INT(outbox_enqueue(d, "tg", 2, 0, "text", "{\"text\":\"b\"}", &b), MB_OK);
    CHECK_INT(outbox_enqueue(d, "tg", 3, 0, "text", "{\"text\":\"c\"}", &c), MB_OK);
    CHECK_INT(outbox_enqueue(d, "tg", 1, 0, "text", "{\"text\":\"a2\"}", NULL), MB_OK);
    CHECK_INT(outbox_mark_sending(d, a), MB_OK);
    CHECK_INT(outbox_mark_sending(d, b), MB_OK);
    db_close(d);

    /* The process stopped with two requests in flight. */
    char err[512] = "";
    d = NULL;
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    if (!d) return;
    CHECK_INT(outbox_recover(d), 2);
    CHECK_INT(outbox_count(d, "checking"), 2);
    CHECK_INT(outbox_count(d, "sending"), 0);
    CHECK_INT(outbox_recover(d), 0);

    /* Both come due as checks, with the floor each chat had when they left
     * (chat 2 has none); chat 1's later row waits behind its check. */
    outbox_row rows[4];
    int n = outbox_due(d, clock_now_ms() + 1000, rows, 4);
    CHECK_INT(n, 3);
    for (int i = 0; i < n; i++) {
        if (rows[i].id == a) { CHECK(rows[i].checking); CHECK_INT(rows[i].probe_floor, 7); }
        if (rows[i].id == b) { CHECK(rows[i].checking); CHECK_INT(rows[i].probe_floor, -1); }
        if (rows[i].id == c) CHECK(!rows[i].checking);
        CHECK(rows[i].chat_id != 1 || rows[i].id == a);
    }
    clear_rows(rows, n);

    /* A check that found nothing sends it again; one that cannot tell
     * leaves it unknown, and only an operator sends it again. */
    CHECK_INT(outbox_mark_undelivered(d, a), MB_OK);
    CHECK_INT(outbox_mark_unknown(d, b, "cannot tell"), MB_OK);
    CHECK_INT(outbox_count(d, "pending"), 3);
    n = outbox_due(d, clock_now_ms() + 1000, rows, 4);
    CHECK_INT(n, 2);   /* a (chat 1) and c (chat 3); b is unknown */
    clear_rows(rows, n);
    CHECK_INT(outbox_requeue(d, b), MB_OK);
    CHECK_INT(outbox_count(d, "unknown"), 0);
    CHECK_INT(outbox_requeue(d, c), MB_ERR_NOT_FOUND);   /* pending: nothing to requeue */
    CHECK_INT(outbox_requeue(d, 99999), MB_ERR_NOT_FOUND);
    db_close(d);
}

TEST(outbox_fail_chat_fails_only_pending_rows_of_that_chat)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    int64_t in_flight = 0, x = 0;
    CHECK_INT(outbox_enqueue(d, "tg", 55, 0, "text", "{\"text\":\"1\"}", &in_flight), MB_OK);
    CHECK_INT(outbox_enqueue(d, "tg", 55, 0, "text", "{\"text\":\"2\"}", NULL), MB_OK);
    CHECK_INT(outbox_enqueue(d, "tg", 55, 0, "text", "{\"text\":\"3\"}", NULL), MB_OK);
    CHECK_INT(outbox_enqueue(d, "tg", 66, 0, "text", "{\"text\":\"other\"}", &x), MB_OK);
    CHECK_INT(outbox_enqueue(d, "vk", 55, 0, "text", "{\"text\":\"vk\"}", NULL), MB_OK);
    CHECK_INT(outbox_mark_sending(d, in_flight), MB_OK);
    CHECK_INT(outbox_fail_chat(d, "tg", 55, "the user blocked the bot"), MB_OK);
    CHECK_INT(outbox_count(d, "failed"), 2);
    CHECK_INT(outbox_count(d, "sending"), 1);
    CHECK_INT(outbox_count(d, "pending"), 2);
    CHECK_STR(query_text(d, "SELECT error FROM outbox WHERE state = 'failed' LIMIT 1"), "the user blocked the bot");
    /* A failed row can be sent again by the operator. */
    int64_t failed_id = query_int(d, "SELECT MIN(id) FROM outbox WHERE state = 'failed'");
    CHECK_INT(outbox_requeue(d, failed_id), MB_OK);
    CHECK_INT(outbox_count(d, "failed"), 1);
    db_close(d);
}

TEST(outbox_refuses_a_body_over_the_limit)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    size_t n = OUTBOX_BODY_MAX + 10;
    char *body = malloc(n + 1);
    if (!body) { CHECK(body != NULL); db_close(d); return; }
    memset(body, 'x', n);
    body[n] = 0;
    CHECK_INT(outbox_enqueue(d, "tg", 1, 0, "text", body, NULL), MB_ERR_LIMIT);
    CHECK_INT(outbox_count(d, "pending"), 0);
    free(body);
    db_close(d);
}

TEST(jobs_run_when_due_and_move_on_retry)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    clock_set_ms(T0);
    CHECK_INT(job_next_due(d), -1);
    int64_t late = 0, early = 0;
    CHECK_INT(job_add(d, T0 + 5000, "registration_nudge", "{\"account\":2}", &late), MB_OK);
    CHECK_INT(job_add(d, T0 + 1000, "registration_nudge", "{\"account\":1}", &early), MB_OK);
    CHECK_INT(job_next_due(d), T0 + 1000);

    job j;
    memset(&j, 0, sizeof j);
    CHECK_INT(job_take_due(d, T0 + 999, &j), MB_ERR_NOT_FOUND);
    CHECK_INT(job_take_due(d, T0 + 1000, &j), MB_OK);
    CHECK_INT(j.id, early);
    CHECK_STR(j.kind, "registration_nudge");
    CHECK_STR(j.payload, "{\"account\":1}");
    CHECK_INT(j.attempts, 0);
    job_clear(&j);

    CHECK_INT(job_retry(d, early, T0 + 9000, "database busy"), MB_OK);
    CHECK_INT(job_next_due(d), T0 + 5000);
    CHECK_INT(job_take_due(d, T0 + 1000, &j), MB_ERR_NOT_FOUND);
    CHECK_INT(job_take_due(d, T0 + 9000, &j), MB_OK);
    CHECK_INT(j.id, late);
    job_clear(&j);
    CHECK_INT(job_done(d, late), MB_OK);
    CHECK_INT(job_take_due(d, T0 + 9000, &j), MB_OK);
    CHECK_INT(j.id, early);
    CHECK_INT(j.attempts, 1);
    job_clear(&j);
    CHECK_INT(job_done(d, early), MB_OK);
    CHECK_INT(job_next_due(d), -1);
    CHECK_INT(job_take_due(d, T0 + 1000000, &j), MB_ERR_NOT_FOUND);

    char kind[JOB_KIND_MAX + 8];
    memset(kind, 'k', sizeof kind - 1);
    kind[sizeof kind - 1] = 0;
    CHECK_INT(job_add(d, T0, kind, NULL, NULL), MB_ERR_LIMIT);
    CHECK_INT(job_next_due(d), -1);
    clock_release();
    db_close(d);
}

/* VK drops a message whose random_id (the row id) it has seen before, so an
 * id must never come back after rows are deleted (by /forget). */
TEST(outbox_ids_are_never_reused)
{
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/reuse.db", unit_tmpdir());
    db *d = NULL;
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    if (!d) return;
    int64_t a = 0, b = 0;
    CHECK_INT(outbox_enqueue(d, "vk", 5, 9, "text", "{\"text\":\"a\"}", &a), MB_OK);
    CHECK_INT(db_exec(d, "DELETE FROM outbox"), MB_OK);
    CHECK_INT(outbox_enqueue(d, "vk", 5, 0, "text", "{\"text\":\"b\"}", &b), MB_OK);
    CHECK(b > a);
    db_close(d);
}

int main(void)
{
    RUN(outbox_ids_are_never_reused);
    RUN(outbox_due_gives_the_oldest_row_of_each_chat);
    RUN(outbox_row_waiting_for_retry_holds_back_its_chat);
    RUN(outbox_future_row_is_not_due);
    RUN(outbox_recover_turns_sending_into_checking);
    RUN(outbox_fail_chat_fails_only_pending_rows_of_that_chat);
    RUN(outbox_refuses_a_body_over_the_limit);
    RUN(jobs_run_when_due_and_move_on_retry);
    return unit_summary();
}
