/*
 * The answers of finished requests on their way into the database: settled
 * ones wait (up to GROUP_MS) to share the next pass's commit; when the
 * database refuses a commit, each of its answers is held and written again
 * with back-off, the row staying "sending" until then.
 */
#include "bot/sender_internal.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GROUP_MS 2         /* an answer waits this long for others to share its commit */
#define GROUP_MIN_INFLIGHT 8 /* ... when at least this many requests are still out */
#define SETTLE_WAIT_MS 50  /* a delivered message's outcome waits at most this long for a commit made anyway */

/* A file written for one message (a report) is removed once the message
 * was delivered or refused for good. */
static void drop_temporary_file(const outbox_row *row)
{
    if (!strstr(row->body, "\"temporary\"")) return;   /* most messages carry no file: not parsed */
    cJSON *body = cJSON_Parse(row->body);
    const char *path = json_str(body, "path");
    if (path && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(body, "temporary")) && unlink(path) != 0 &&
        errno != ENOENT)
        log_warn("sender", "could not remove %s after sending it: %s", path, strerror(errno));
    cJSON_Delete(body);
}

/* Writes f's outcome in a transaction of its own, removing its temporary
 * file once it is in; 1 when written. */
static int store_one(sender *s, flight *f)
{
    if (outcome_store(s->d, &f->row, &f->out) != MB_OK) return 0;
    if (f->out.drop_file) drop_temporary_file(&f->row);
    return 1;
}

/* At shutdown, when its outcome could not be (or, after an earlier
 * failure, was not tried to be) written. */
static void log_lost_at_shutdown(sender *s, const flight *f)
{
    log_error("sender", "could not record the outcome of message %lld at shutdown: %s; the next start checks "
              "whether it arrived", (long long)f->row.id, snd_storage_cause(s));
}

static int64_t held_wait_ms(int tries)
{
    int64_t wait = SENDER_HOLD_FIRST_MS;
    for (int i = 1; i < tries && wait < SENDER_HOLD_MAX_MS; i++) wait *= 2;
    return wait > SENDER_HOLD_MAX_MS ? SENDER_HOLD_MAX_MS : wait;
}

/* The cause of the last storage failure, in the operator's words. */
const char *snd_storage_cause(sender *s)
{
    return db_fault(s->d) ? db_fault_name(db_fault(s->d)) : "database error (logged above)";
}

static void log_held(sender *s, const flight *f, const char *first)
{
    char what[64];
    if (f->out.kind == OUTCOME_SENT && f->out.message_id > 0)
        snprintf(what, sizeof what, "sent, message id %lld", (long long)f->out.message_id);
    else
        snprintf(what, sizeof what, "%s", outcome_name(f->out.kind));
    log_error("sender", "%s %s message %lld to chat %lld (%s): %s; the answer is kept and written again in "
              "%lld s, the chat's later messages wait for it", first, s->transports[f->tindex]->platform,
              (long long)f->row.id, (long long)f->row.chat_id, what, snd_storage_cause(s),
              (long long)((f->held_until - clock_now_ms() + 999) / 1000));
}

/* Keeps f with its answer until the database takes its outcome: the row
 * stays "sending" (so neither it nor the chat's later rows go out) until
 * the same outcome is written. */
static void hold(sender *s, flight *f)
{
    snd_chat_busy(s, f, 1);
    f->held_tries = 1;
    f->held_until = clock_now_ms() + held_wait_ms(1);
    log_held(s, f, "could not record the outcome of");
    f->next_held = s->held;
    s->held = f;
}

/* The answer of a finished request is written by the next pass, in one
 * commit with every other answer that came in meanwhile and with the rows
 * it sends next: one fsync for all of them instead of one each. Nothing is
 * in flight any more; the chat's slot stays busy until the commit. At
 * shutdown the outcome is written at once. */
void snd_settle(sender *s, flight *f)
{
    if (s->draining) {
        db_fault_clear(s->d);
        if (!store_one(s, f)) log_lost_at_shutdown(s, f);
        snd_finish_flight(s, f);
        return;
    }
    f->settled_at = clock_now_ms();
    f->next_held = s->settled;
    s->settled = f;
    s->inflight--;
    /* The chat's next row may be chosen in the same pass: the database
     * (the row is "sending" until the commit) keeps the order. */
    snd_chat_busy(s, f, 0);
    if (f->out.kind == OUTCOME_SENT && strcmp(f->row.kind, "answer") == 0 && s->inflight + 1 < SENDER_INFLIGHT_MAX) {
        /* A delivered button answer holds back no message (it keeps no
         * place in its chat's line) and, with requests to spare, no row
         * waited for its place: no pass of its own, its outcome waits for
         * a commit made anyway (snd_settled_may_wait). */
        snd_arm_within(s, SETTLE_WAIT_MS);
        return;
    }
    /* While many other requests are out, their answers (which come one by
     * one) may join this commit; with few, it commits at once, since the
     * chat's next message waits for it. */
    snd_arm_within(s, s->inflight >= GROUP_MIN_INFLIGHT ? GROUP_MS : 0);
}

/* Writes the settled outcomes into the open transaction. */
mb_status snd_write_settled(sender *s)
{
    mb_status rc = MB_OK;
    for (flight *f = s->settled; f && !rc; f = f->next_held) rc = outcome_write(s->d, &f->row, &f->out);
    return rc;
}

/* Whether the settled answers may wait to be written in a commit made
 * anyway (the next intake's, or the next pass's that marks rows as
 * sending) instead of one of their own, which at light load was one
 * commit more per message: each of them delivered, none holding back a
 * later message of its chat, the oldest settled less than SETTLE_WAIT_MS
 * ago (*wake is brought forward to then). Their rows stay "sending"
 * meanwhile, as they did until that commit's flush: a crash leaves them to
 * the next start's check, which finds them delivered and sends nothing
 * again. Any other outcome is written at once. */
int snd_settled_may_wait(sender *s, int64_t now, int64_t *wake)
{
    int64_t oldest = now;
    for (flight *f = s->settled; f; f = f->next_held) {
        if (f->out.kind != OUTCOME_SENT || outbox_chat_waits(s->d, &f->row) != 0) return 0;
        if (f->settled_at < oldest) oldest = f->settled_at;
    }
    int64_t until = oldest + SETTLE_WAIT_MS;
    if (until <= now) return 0;
    if (until < *wake) *wake = until;
    return 1;
}

/* After the commit of the settled outcomes (committed = 1) or its failure:
 * the flights end, or each waits to be written again. */
void snd_end_settled(sender *s, int committed)
{
    flight *f = s->settled;
    s->settled = NULL;
    while (f) {
        flight *next = f->next_held;
        if (!committed) {
            hold(s, f);
        } else {
            if (f->out.drop_file) drop_temporary_file(&f->row);
            snd_drop_flight(f);   /* its chat was let go at snd_settle() and may be busy again */
        }
        f = next;
    }
}

/* Writes held outcomes whose time has come. The first that fails puts off
 * the rest: they meet the same fault, and each try may wait for a lock. */
void snd_retry_held(sender *s, int64_t now, int64_t *wake)
{
    flight **p = &s->held;
    int64_t put_off = 0;
    while (*p) {
        flight *f = *p;
        if (f->held_until > now || put_off) {
            if (put_off && f->held_until < put_off) f->held_until = put_off;
            if (f->held_until < *wake) *wake = f->held_until;
            p = &f->next_held;
            continue;
        }
        db_fault_clear(s->d);
        if (store_one(s, f)) {
            log_info("sender", "%s message %lld to chat %lld: outcome (%s) recorded after %d failed attempt(s); "
                     "the chat goes on", s->transports[f->tindex]->platform, (long long)f->row.id,
                     (long long)f->row.chat_id, outcome_name(f->out.kind), f->held_tries);
            *p = f->next_held;
            snd_free_flight(s, f);
            continue;
        }
        f->held_tries++;
        now = clock_now_ms();
        f->held_until = put_off = now + held_wait_ms(f->held_tries);
        log_held(s, f, "still cannot record the outcome of");
        if (f->held_until < *wake) *wake = f->held_until;
        p = &f->next_held;
    }
}

/* At shutdown: one last try for the held outcomes, up to the first that
 * fails (each try may wait for a lock). A row left "sending" is checked by
 * the next start. */
void snd_flush_held(sender *s)
{
    int failed = 0;
    db_fault_clear(s->d);
    while (s->settled) {
        flight *f = s->settled;
        s->settled = f->next_held;
        f->next_held = s->held;
        s->held = f;
    }
    while (s->held) {
        flight *f = s->held;
        s->held = f->next_held;
        if (failed || !store_one(s, f)) {
            failed = 1;
            log_lost_at_shutdown(s, f);
        }
        snd_free_flight(s, f);
    }
}

/* Commits the transaction holding only the settled outcomes. */
void snd_commit_settled(sender *s)
{
    mb_status rc = db_commit(s->d);
    if (rc) db_rollback(s->d);
    else s->stats.commits++;
    snd_end_settled(s, rc == MB_OK);
}

