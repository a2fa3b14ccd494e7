#include "bot/sender.h"
#include "storage/accounts.h"
#include "storage/records.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TRANSPORTS_MAX 4
#define SENDER_BURST_PER_S 10 /* the bucket holds 1/10 s of the global rate */
#define CHAT_SLOTS 16384   /* per-chat rate memory; stale entries are dropped when it fills */

typedef struct chat_slot {
    int64_t chat_id;
    int8_t transport;      /* -1 = empty */
    int8_t inflight;
    int64_t next_ms;       /* earliest time the next message may go */
} chat_slot;

typedef struct bucket {
    double tokens;
    int64_t last_ms;
    int64_t paused_until;  /* after a fatal answer */
} bucket;

typedef struct flight {
    sender *s;
    int tindex;
    outbox_row row;
    api_call call;
    int64_t candidate;   /* a delivery check: the message id asked about; 0 = a send */
} flight;

struct sender {
    struct ev_loop *loop;
    http_client *http;
    db *d;
    transport *transports[TRANSPORTS_MAX];
    bucket buckets[TRANSPORTS_MAX];
    int ntransports;
    chat_slot *slots;
    int used_slots;
    int inflight;
    int draining;
    void (*drained)(void *arg);
    void *drained_arg;
    ev_timer timer;
    sender_stats stats;
};

static void pass(sender *s);

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
    sender *s = (sender *)((char *)w - offsetof(sender, timer));
    pass(s);
}

static void arm(sender *s, int64_t delay_ms)
{
    if (delay_ms < 0) delay_ms = 0;
    ev_timer_stop(s->loop, &s->timer);
    ev_timer_set(&s->timer, delay_ms / 1000.0, 0.);
    ev_timer_start(s->loop, &s->timer);
}

sender *sender_new(struct ev_loop *loop, http_client *http, db *d)
{
    sender *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->slots = malloc(CHAT_SLOTS * sizeof *s->slots);
    if (!s->slots) { free(s); return NULL; }
    for (int i = 0; i < CHAT_SLOTS; i++) s->slots[i].transport = -1;
    s->loop = loop;
    s->http = http;
    s->d = d;
    ev_timer_init(&s->timer, on_timer, 0., 0.);
    return s;
}

void sender_free(sender *s)
{
    if (!s) return;
    ev_timer_stop(s->loop, &s->timer);
    free(s->slots);
    free(s);
}

/* How many requests may leave at once after a quiet spell: a tenth of
 * a second's worth, at least one. A whole second's worth would let a burst
 * and the steady pace after it add up to twice the limit within one second,
 * which the messengers answer with 429 (Telegram) or error 6 (VK). */
static double bucket_capacity(double rate)
{
    return rate / SENDER_BURST_PER_S < 1 ? 1 : rate / SENDER_BURST_PER_S;
}

void sender_add_transport(sender *s, transport *t)
{
    if (s->ntransports == TRANSPORTS_MAX) return;
    s->buckets[s->ntransports].tokens = bucket_capacity(t->rate_global_per_s);
    s->buckets[s->ntransports].last_ms = clock_now_ms();
    s->transports[s->ntransports++] = t;
}

void sender_kick(sender *s)
{
    if (!s->draining) arm(s, 0);
}

int sender_inflight(const sender *s) { return s->inflight; }
const sender_stats *sender_get_stats(const sender *s) { return &s->stats; }

void sender_drain(sender *s, void (*done)(void *arg), void *arg)
{
    s->draining = 1;
    s->drained = done;
    s->drained_arg = arg;
    ev_timer_stop(s->loop, &s->timer);
    if (s->inflight == 0) done(arg);
}

/* Finds (or makes) the rate slot of a chat; NULL when the table is full of
 * chats that are all still busy. */
static chat_slot *slot_for(sender *s, int tindex, int64_t chat_id, int64_t now)
{
    if (s->used_slots > CHAT_SLOTS * 7 / 10) {
        /* Forget chats whose wait is over: they behave exactly like new ones. */
        chat_slot *old = s->slots;
        s->slots = malloc(CHAT_SLOTS * sizeof *s->slots);
        if (!s->slots) { s->slots = old; return NULL; }
        for (int i = 0; i < CHAT_SLOTS; i++) s->slots[i].transport = -1;
        s->used_slots = 0;
        for (int i = 0; i < CHAT_SLOTS; i++) {
            if (old[i].transport < 0 || (!old[i].inflight && old[i].next_ms <= now)) continue;
            uint64_t h = ((uint64_t)old[i].chat_id * 0x9E3779B97F4A7C15ull) ^ (uint64_t)old[i].transport;
            for (int k = 0; k < CHAT_SLOTS; k++) {
                chat_slot *c = &s->slots[(h + (uint64_t)k) % CHAT_SLOTS];
                if (c->transport < 0) { *c = old[i]; s->used_slots++; break; }
            }
        }
        free(old);
    }
    uint64_t h = ((uint64_t)chat_id * 0x9E3779B97F4A7C15ull) ^ (uint64_t)tindex;
    for (int k = 0; k < CHAT_SLOTS; k++) {
        chat_slot *c = &s->slots[(h + (uint64_t)k) % CHAT_SLOTS];
        if (c->transport == tindex && c->chat_id == chat_id) return c;
        if (c->transport < 0) {
            c->transport = (int8_t)tindex;
            c->chat_id = chat_id;
            c->inflight = 0;
            c->next_ms = 0;
            s->used_slots++;
            return c;
        }
    }
    return NULL;
}

static int transport_index(const sender *s, const char *platform)
{
    for (int i = 0; i < s->ntransports; i++)
        if (strcmp(s->transports[i]->platform, platform) == 0) return i;
    return -1;
}

static void refill(bucket *b, double rate, int64_t now)
{
    double cap = bucket_capacity(rate);
    b->tokens += (double)(now - b->last_ms) * rate / 1000.0;
    if (b->tokens > cap) b->tokens = cap;
    b->last_ms = now;
}

static int64_t backoff_ms(int attempts)
{
    int64_t base = 1000;
    for (int i = 1; i < attempts && base < SENDER_BACKOFF_MAX_MS; i++) base *= 2;
    if (base > SENDER_BACKOFF_MAX_MS) base = SENDER_BACKOFF_MAX_MS;
    unsigned char r;
    if (text_random_bytes(&r, 1)) r = 128;
    /* 0.75x .. 1.25x, so many chats failing together do not retry together */
    return base * (192 + r) / 256;
}

static void on_sent(void *arg, const http_response *resp);
static void launch(sender *s, flight *f);

static void finish_flight(sender *s, flight *f)
{
    chat_slot *c = slot_for(s, f->tindex, f->row.chat_id, clock_now_ms());
    if (c) c->inflight = 0;
    outbox_row_clear(&f->row);
    api_call_clear(&f->call);
    free(f);
    s->inflight--;
    if (s->draining) {
        if (s->inflight == 0 && s->drained) {
            void (*done)(void *) = s->drained;
            s->drained = NULL;
            done(s->drained_arg);
        }
    } else {
        arm(s, 0);
    }
}

/* A file written for one message (a report) is removed once the message
 * was delivered or refused for good. */
static void drop_temporary_file(const outbox_row *row)
{
    cJSON *body = cJSON_Parse(row->body);
    const char *path = json_str(body, "path");
    if (path && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(body, "temporary")) && unlink(path) != 0 &&
        errno != ENOENT)
        log_warn("sender", "could not remove %s after sending it: %s", path, strerror(errno));
    cJSON_Delete(body);
}

static void record(sender *s, flight *f, const send_result *r)
{
    transport *t = s->transports[f->tindex];
    int64_t now = clock_now_ms();
    mb_status rc = db_begin(s->d);
    switch (r->outcome) {
    case SEND_OK:
        if (!rc) rc = outbox_mark_sent(s->d, f->row.id, r->message_id);
        if (!rc) rc = chat_mark_raise(s->d, t->platform, f->row.chat_id, r->message_id);
        s->stats.sent++;
        break;
    case SEND_RETRY: {
        int attempts = f->row.attempts + 1;
        if (attempts >= SENDER_MAX_ATTEMPTS && !r->retry_after_ms) {
            log_warn("sender", "%s message %lld given up after %d attempts: %s", t->platform, (long long)f->row.id,
                     attempts, r->description);
            if (!rc) rc = outbox_mark_failed(s->d, f->row.id, r->http_status, r->error_code, r->description);
            s->stats.failed++;
            break;
        }
        int64_t wait = r->retry_after_ms ? r->retry_after_ms : backoff_ms(attempts);
        if (r->retry_after_ms) {
            /* The platform said how long this chat must wait: hold the chat. */
            chat_slot *c = slot_for(s, f->tindex, f->row.chat_id, now);
            if (c && c->next_ms < now + wait) c->next_ms = now + wait;
        }
        log_info("sender", "%s message %lld to chat %lld retried in %lld ms: %d %s", t->platform,
                 (long long)f->row.id, (long long)f->row.chat_id, (long long)wait, r->http_status, r->description);
        if (!rc) rc = outbox_mark_retry(s->d, f->row.id, now + wait, r->http_status, r->error_code, r->description);
        s->stats.retried++;
        break;
    }
    case SEND_NEXT:   /* on_sent turns an unfinished chain into a retry */
    case SEND_FAILED:
        log_warn("sender", "%s message %lld to chat %lld refused: %d %s", t->platform, (long long)f->row.id,
                 (long long)f->row.chat_id, r->error_code, r->description);
        if (!rc) rc = outbox_mark_failed(s->d, f->row.id, r->http_status, r->error_code, r->description);
        s->stats.failed++;
        break;
    case SEND_BLOCKED:
        log_info("sender", "%s chat %lld is unreachable (%s); marked", t->platform, (long long)f->row.chat_id,
                 r->description);
        if (!rc) rc = outbox_mark_failed(s->d, f->row.id, r->http_status, r->error_code, r->description);
        if (!rc) rc = identity_set_unreachable(s->d, t->platform, f->row.chat_id, r->description);
        if (!rc) rc = outbox_fail_chat(s->d, t->platform, f->row.chat_id, "the user is unreachable");
        s->stats.blocked++;
        break;
    case SEND_UNKNOWN:
        log_warn("sender", "%s message %lld to chat %lld: no answer after the request went out (%s); "
                 "not repeated blindly: checking in %d s whether it arrived", t->platform, (long long)f->row.id,
                 (long long)f->row.chat_id, r->description, CHECK_DELAY_MS / 1000);
        if (!rc) rc = outbox_mark_checking(s->d, f->row.id, now + CHECK_DELAY_MS, r->description);
        break;
    case SEND_FATAL:
        log_error("sender", "%s refused the bot token (%d %s); sending paused for %d s", t->platform,
                  r->error_code, r->description, SENDER_FATAL_PAUSE_MS / 1000);
        s->buckets[f->tindex].paused_until = now + SENDER_FATAL_PAUSE_MS;
        if (!rc) rc = outbox_mark_retry(s->d, f->row.id, now + SENDER_FATAL_PAUSE_MS, r->http_status,
                                        r->error_code, r->description);
        break;
    }
    if (!rc) rc = db_commit(s->d);
    if (!rc && r->outcome != SEND_RETRY && r->outcome != SEND_UNKNOWN && r->outcome != SEND_FATAL)
        drop_temporary_file(&f->row);
    if (rc) {
        /* The row stays "sending"; after a restart it becomes "unknown". */
        db_rollback(s->d);
        log_error("sender", "could not record the outcome of message %lld: %s", (long long)f->row.id,
                  db_errmsg(s->d));
    }
}

/* Gives up on telling: the row stays "unknown" for an operator. */
static mb_status give_up_check(sender *s, flight *f, const char *why)
{
    log_warn("sender", "%s message %lld to chat %lld: could not tell whether it arrived (%s); recorded as unknown, "
             "not repeated", s->transports[f->tindex]->platform, (long long)f->row.id, (long long)f->row.chat_id, why);
    s->stats.unknown++;
    return outbox_mark_unknown(s->d, f->row.id, why);
}

static void record_check(sender *s, flight *f, check_outcome outcome, int64_t retry_after_ms, const char *why)
{
    transport *t = s->transports[f->tindex];
    int64_t now = clock_now_ms();
    mb_status rc = db_begin(s->d);
    int misses = f->row.probe_misses;
    switch (outcome) {
    case CHECK_FOUND:
        log_info("sender", "%s message %lld to chat %lld had arrived (message id %lld); not sent again", t->platform,
                 (long long)f->row.id, (long long)f->row.chat_id, (long long)f->candidate);
        if (!rc) rc = outbox_mark_sent(s->d, f->row.id, f->candidate);
        if (!rc) rc = chat_mark_raise(s->d, t->platform, f->row.chat_id, f->candidate);
        s->stats.checked_found++;
        break;
    case CHECK_OTHERS:
    case CHECK_NO_MESSAGE:
        misses = outcome == CHECK_NO_MESSAGE ? misses + 1 : 0;
        if (misses >= CHECK_GAP) {
            log_info("sender", "%s message %lld to chat %lld had not arrived; sending it now", t->platform,
                     (long long)f->row.id, (long long)f->row.chat_id);
            if (!rc) rc = outbox_mark_undelivered(s->d, f->row.id);
            s->stats.checked_resent++;
        } else if (f->candidate + 1 > f->row.probe_floor + CHECK_SCAN_MAX) {
            if (!rc) rc = give_up_check(s, f, "too many messages in the chat since it was sent");
        } else if (!rc) {
            rc = outbox_mark_probe(s->d, f->row.id, f->candidate + 1, misses, now);
        }
        break;
    case CHECK_RETRY: {
        int64_t wait = retry_after_ms ? retry_after_ms : backoff_ms(f->row.attempts + 1);
        if (!rc) rc = outbox_mark_probe(s->d, f->row.id, f->candidate, misses, now + wait);
        break;
    }
    case CHECK_BLOCKED:
        if (!rc) rc = outbox_mark_failed(s->d, f->row.id, 403, 403, why);
        if (!rc) rc = identity_set_unreachable(s->d, t->platform, f->row.chat_id, why);
        if (!rc) rc = outbox_fail_chat(s->d, t->platform, f->row.chat_id, "the user is unreachable");
        s->stats.blocked++;
        break;
    case CHECK_INCONCLUSIVE:
        if (!rc) rc = give_up_check(s, f, why);
        break;
    }
    if (!rc) rc = db_commit(s->d);
    if (rc) {
        db_rollback(s->d);
        log_error("sender", "could not record a delivery check of message %lld: %s", (long long)f->row.id,
                  db_errmsg(s->d));
    }
}

static void on_sent(void *arg, const http_response *resp)
{
    flight *f = arg;
    sender *s = f->s;
    transport *t = s->transports[f->tindex];
    if (f->candidate) {
        int64_t wait;
        char why[256];
        check_outcome outcome = t->classify_check(t, resp, &wait, why, sizeof why);
        record_check(s, f, outcome, wait, why);
    } else {
        send_result r;
        t->classify(t, &f->row, &f->call, resp, &r);
        if (r.outcome == SEND_NEXT) {
            if (!s->draining && f->call.step < SENDER_STEPS_MAX) {
                /* Each step is a request the platform counts: the bucket
                 * may go below zero, and later rows wait for it. */
                s->buckets[f->tindex].tokens -= 1;
                launch(s, f);
                return;
            }
            r.outcome = SEND_RETRY;
            snprintf(r.description, sizeof r.description, "%s",
                     s->draining ? "stopped between the steps of a file upload at shutdown"
                                 : "too many steps for one message");
        }
        record(s, f, &r);
    }
    finish_flight(s, f);
}

static void launch(sender *s, flight *f)
{
    transport *t = s->transports[f->tindex];
    mb_status rc = f->call.file.path
        ? http_post_multipart(s->http, f->call.url, f->call.fields, &f->call.file, t->request_timeout_ms, 0, on_sent,
                              f, NULL)
        : f->call.form_encoded
        ? http_post_form(s->http, f->call.url, f->call.json, t->request_timeout_ms, 0, on_sent, f, NULL)
        : http_post_json(s->http, f->call.url, f->call.json, t->request_timeout_ms, 0, on_sent, f, NULL);
    if (rc) {
        http_response fake;
        memset(&fake, 0, sizeof fake);
        fake.curl_code = CURLE_FAILED_INIT;
        snprintf(fake.error, sizeof fake.error, "could not start the request");
        on_sent(f, &fake);
    }
}

static void pass(sender *s)
{
    if (s->draining) return;
    int64_t now = clock_now_ms();
    int64_t wake = now + SENDER_SWEEP_MS;
    outbox_row rows[SENDER_BATCH];
    int n = s->inflight < SENDER_INFLIGHT_MAX ? outbox_due(s->d, now, rows, SENDER_BATCH) : 0;
    flight *chosen[SENDER_BATCH];
    int nchosen = 0;
    for (int i = 0; i < n; i++) {
        outbox_row *row = &rows[i];
        int ti = transport_index(s, row->platform);
        if (ti < 0 || s->inflight + nchosen >= SENDER_INFLIGHT_MAX) {
            outbox_row_clear(row);
            continue;
        }
        transport *t = s->transports[ti];
        bucket *b = &s->buckets[ti];
        if (row->checking && t->resend_safe) {
            /* The platform drops a repeat of this message: no need to look
             * for it, sending again tells whether it arrived. */
            log_info("sender", "%s message %lld to chat %lld: outcome unknown; sent again, which cannot deliver "
                     "it twice", t->platform, (long long)row->id, (long long)row->chat_id);
            row->checking = 0;
        }
        if (b->paused_until > now) {
            if (b->paused_until < wake) wake = b->paused_until;
            outbox_row_clear(row);
            continue;
        }
        chat_slot *c = slot_for(s, ti, row->chat_id, now);
        /* Answers and delivery checks show nothing new in the chat, so the
         * per-chat pace does not apply to them. */
        int is_answer = strcmp(row->kind, "answer") == 0 || row->checking;
        if (!c || c->inflight || (!is_answer && c->next_ms > now)) {
            if (c && !c->inflight && c->next_ms < wake) wake = c->next_ms;
            outbox_row_clear(row);
            continue;
        }
        refill(b, t->rate_global_per_s, now);
        if (b->tokens < 1) {
            int64_t at = now + (int64_t)((1 - b->tokens) * 1000 / t->rate_global_per_s) + 1;
            if (at < wake) wake = at;
            outbox_row_clear(row);
            continue;
        }
        flight *f = calloc(1, sizeof *f);
        if (!f) { outbox_row_clear(row); continue; }
        f->s = s;
        f->tindex = ti;
        f->row = *row;
        if (row->checking) f->candidate = row->probe_next ? row->probe_next : row->probe_floor + 1;
        if (row->checking && f->candidate <= 0) f->candidate = 1;
        b->tokens -= 1;
        c->inflight = 1;
        if (!is_answer) c->next_ms = now + (int64_t)(1000.0 / t->rate_per_chat_per_s);
        chosen[nchosen++] = f;
    }
    if (nchosen == 0) {
        int64_t next = outbox_next_time(s->d);
        if (next >= 0 && next > now && next < wake) wake = next;
        arm(s, wake - now);
        return;
    }
    /* Committed before any request leaves: a crash from here on leaves the
     * rows "sending", which a restart turns into "unknown". */
    mb_status rc = db_begin(s->d);
    for (int i = 0; i < nchosen && !rc; i++)
        if (!chosen[i]->candidate) rc = outbox_mark_sending(s->d, chosen[i]->row.id);
    if (!rc) rc = db_commit(s->d);
    if (rc) {
        db_rollback(s->d);
        log_error("sender", "could not mark messages as sending: %s", db_errmsg(s->d));
        for (int i = 0; i < nchosen; i++) {
            chat_slot *c = slot_for(s, chosen[i]->tindex, chosen[i]->row.chat_id, now);
            if (c) c->inflight = 0;
            outbox_row_clear(&chosen[i]->row);
            free(chosen[i]);
        }
        arm(s, 1000);
        return;
    }
    for (int i = 0; i < nchosen; i++) {
        flight *f = chosen[i];
        transport *t = s->transports[f->tindex];
        s->inflight++;
        if (f->row.checking) {
            const char *why = NULL;
            if (!t->render_check || (t->check_needs_floor && f->row.probe_floor < 0))
                why = "the platform gives no way to check, or the chat's last message is not known";
            else if (t->render_check(t, &f->row, f->candidate, &f->call))
                why = "this kind of message cannot be checked";
            if (why) {
                if (db_begin(s->d) || give_up_check(s, f, why) || db_commit(s->d)) db_rollback(s->d);
                finish_flight(s, f);
            } else {
                launch(s, f);
            }
            continue;
        }
        if (t->render(t, &f->row, &f->call)) {
            send_result r;
            memset(&r, 0, sizeof r);
            r.outcome = SEND_FAILED;
            snprintf(r.description, sizeof r.description, "the stored message could not be rendered for %s",
                     t->platform);
            record(s, f, &r);
            finish_flight(s, f);
            continue;
        }
        launch(s, f);
    }
    arm(s, 0);
}
