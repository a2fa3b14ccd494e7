#include "bot/sender_internal.h"
#include "storage/accounts.h"
#include "storage/records.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SENDER_BURST_PER_S 10 /* the bucket holds 1/10 s of the global rate */
#define CHAT_SLOTS 16384   /* per-chat rate memory; stale entries are dropped when it fills */
#define WINDOW_MS 1000     /* the span the messengers count requests in */
#define WINDOW_MARGIN_MS 25 /* kept above it, for the time a request takes to arrive */
#define WINDOW_MAX 1000    /* requests a window remembers at most */

static void pass(sender *s);

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
    sender *s = (sender *)((char *)w - offsetof(sender, timer));
    pass(s);
}

void snd_arm(sender *s, int64_t delay_ms)
{
    if (delay_ms < 0) delay_ms = 0;
    ev_timer_stop(s->loop, &s->timer);
    ev_timer_set(&s->timer, delay_ms / 1000.0, 0.);
    ev_timer_start(s->loop, &s->timer);
}

/* Runs a pass within delay_ms; a pass due sooner stays as it is. */
void snd_arm_within(sender *s, int64_t delay_ms)
{
    if (ev_is_active(&s->timer) && ev_timer_remaining(s->loop, &s->timer) * 1000.0 <= (double)delay_ms) return;
    snd_arm(s, delay_ms);
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

static void on_durable(void *arg);

void sender_set_durable(sender *s, durable *d)
{
    s->dur = d;
    durable_listen(d, on_durable, s);
}

/* While draining, the last request out ends the drain. */
static void drained_when_empty(sender *s)
{
    if (s->draining && s->inflight == 0 && s->drained) {
        void (*done)(void *) = s->drained;
        s->drained = NULL;
        done(s->drained_arg);
    }
}

void sender_abandon_waiting(sender *s)
{
    while (s->waiting) {
        /* Still "sending" in the database: a restart checks them. */
        flight *f = s->waiting;
        s->waiting = f->next_waiting;
        s->inflight--;
        snd_drop_flight(f);
    }
    s->waiting_tail = NULL;
    drained_when_empty(s);
}

void sender_free(sender *s)
{
    if (!s) return;
    ev_timer_stop(s->loop, &s->timer);
    snd_flush_held(s);
    sender_abandon_waiting(s);
    for (int i = 0; i < s->ntransports; i++) free(s->buckets[i].sent_at);
    while (s->spare) {
        flight *f = s->spare;
        s->spare = f->next_waiting;
        free(f);
    }
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
    bucket *b = &s->buckets[s->ntransports];
    b->tokens = bucket_capacity(t->rate_global_per_s);
    b->last_ms = clock_now_ms();
    int window = (int)t->rate_global_per_s;
    if (window >= 1 && window <= WINDOW_MAX && (b->sent_at = calloc((size_t)window, sizeof *b->sent_at)))
        b->window = window;
    s->transports[s->ntransports++] = t;
}

/* The earliest time one more request keeps the window's count within the
 * rate: when the request `window` places back left a window ago. */
static int64_t window_free_at(const bucket *b)
{
    return b->window ? b->sent_at[b->at] + WINDOW_MS + WINDOW_MARGIN_MS : 0;
}

static void window_note(bucket *b, int64_t now)
{
    if (!b->window) return;
    b->sent_at[b->at] = now;
    b->at = (b->at + 1) % b->window;
}

void sender_kick(sender *s)
{
    /* After a batch whose own transaction took every due row (sender_claim),
     * the batch's kick would make a pass that finds nothing more. */
    int claimed = s->claim_took_all && ev_now(s->loop) == s->claim_at;
    s->claim_took_all = 0;
    if (!s->draining && !claimed) snd_arm(s, 0);
}

int sender_inflight(const sender *s) { return s->inflight; }
const sender_stats *sender_get_stats(const sender *s) { return &s->stats; }

void sender_drain(sender *s, void (*done)(void *arg), void *arg)
{
    s->draining = 1;
    s->drained = done;
    s->drained_arg = arg;
    ev_timer_stop(s->loop, &s->timer);
    snd_flush_held(s);
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

static void on_sent(void *arg, const http_response *resp);
static void launch(sender *s, flight *f);

/* Sets whether the chat of f has a request under way. */
void snd_chat_busy(sender *s, const flight *f, int busy)
{
    if (!f->holds_chat) return;
    chat_slot *c = slot_for(s, f->tindex, f->row.chat_id, clock_now_ms());
    if (c) c->inflight = (int8_t)busy;
}

void snd_drop_flight(flight *f)
{
    outbox_row_clear(&f->row);
    api_call_clear(&f->call);
    sender *s = f->s;
    if (s && s->nspare < SENDER_INFLIGHT_MAX) {
        f->next_waiting = s->spare;
        s->spare = f;
        s->nspare++;
        return;
    }
    free(f);
}

/* A cleared flight for a chosen row, a kept one when there is one. */
static flight *flight_new(sender *s)
{
    flight *f = s->spare;
    if (!f) return calloc(1, sizeof *f);
    s->spare = f->next_waiting;
    s->nspare--;
    memset(f, 0, sizeof *f);
    return f;
}

void snd_free_flight(sender *s, flight *f)
{
    snd_chat_busy(s, f, 0);
    snd_drop_flight(f);
}

void snd_finish_flight(sender *s, flight *f)
{
    snd_free_flight(s, f);
    s->inflight--;
    if (s->draining) drained_when_empty(s);
    else snd_arm(s, 0);
}

/* Turns a classified answer into its outcome, counts it, and commits it. */
static void record(sender *s, flight *f, const send_result *r)
{
    transport *t = s->transports[f->tindex];
    int64_t now = clock_now_ms();
    outcome_for_send(&f->row, t->platform, r, now, &f->out);
    switch (r->outcome) {
    case SEND_OK: s->stats.sent++; break;
    case SEND_RETRY:
        if (f->out.kind == OUTCOME_FAILED) s->stats.failed++;
        else s->stats.retried++;
        if (r->retry_after_ms) {
            /* The platform said how long this chat must wait: hold the chat. */
            chat_slot *c = slot_for(s, f->tindex, f->row.chat_id, now);
            if (c && c->next_ms < f->out.next_at) c->next_ms = f->out.next_at;
        }
        break;
    case SEND_NEXT:
    case SEND_FAILED: s->stats.failed++; break;
    case SEND_BLOCKED: s->stats.blocked++; break;
    case SEND_UNKNOWN: break;
    case SEND_FATAL: s->buckets[f->tindex].paused_until = f->out.next_at; break;
    }
    snd_settle(s, f);
}

static void record_check(sender *s, flight *f, check_outcome seen, int64_t retry_after_ms, const char *why)
{
    outcome_for_check(&f->row, s->transports[f->tindex]->platform, f->candidate, seen, retry_after_ms, why,
                      clock_now_ms(), &f->out);
    switch (f->out.kind) {
    case OUTCOME_SENT: s->stats.checked_found++; break;
    case OUTCOME_UNDELIVERED: s->stats.checked_resent++; break;
    case OUTCOME_UNKNOWN: s->stats.unknown++; break;
    case OUTCOME_BLOCKED: s->stats.blocked++; break;
    default: break;
    }
    snd_settle(s, f);
}

static void on_sent(void *arg, const http_response *resp)
{
    flight *f = arg;
    sender *s = f->s;
    transport *t = s->transports[f->tindex];
    if (f->candidate) {
        int64_t wait = 0, found = 0;
        char why[256];
        check_outcome seen = t->classify_check(t, &f->row, resp, &found, &wait, why, sizeof why);
        if (seen == CHECK_FOUND && found > 0) f->candidate = found;
        record_check(s, f, seen, wait, why);
    } else {
        send_result r;
        t->classify(t, &f->row, &f->call, resp, &r);
        if (r.outcome == SEND_NEXT) {
            if (!s->draining && f->call.step < SENDER_STEPS_MAX) {
                /* Each step is a request the platform counts: the bucket
                 * may go below zero, and later rows wait for it. */
                s->buckets[f->tindex].tokens -= 1;
                window_note(&s->buckets[f->tindex], clock_now_ms());
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
}

static void launch(sender *s, flight *f)
{
    transport *t = s->transports[f->tindex];
    mb_status rc = f->call.file.path
        ? http_post_multipart(s->http, f->call.url, f->call.fields, &f->call.file, t->request_timeout_ms, 0, on_sent,
                              f, NULL)
        : f->call.form_encoded
        ? http_post_form(s->http, f->call.url, f->call.json, t->request_timeout_ms, 0, on_sent, f, NULL)
        : f->call.method && strcmp(f->call.method, "GET") == 0
        ? http_get_header(s->http, f->call.url, f->call.auth_header, t->request_timeout_ms, 0, on_sent, f, NULL)
        : http_send_json(s->http, f->call.method, f->call.url, f->call.auth_header, f->call.json, t->request_timeout_ms, 0,
                         on_sent, f, NULL);
    if (rc) {
        http_response fake;
        memset(&fake, 0, sizeof fake);
        fake.curl_code = CURLE_FAILED_INIT;
        snprintf(fake.error, sizeof fake.error, "could not start the request");
        on_sent(f, &fake);
    }
}

/* An edit sent twice leaves the message as the first one made it ("message
 * is not modified"), and a button answer shows nothing in the chat: these
 * are sent again after an unknown outcome instead of being looked for
 * (which only works for a plain text). */
static int repeat_is_harmless(const outbox_row *row)
{
    return strcmp(row->kind, "edit") == 0 || strcmp(row->kind, "answer") == 0;
}

/* Whether the row's answer is in and not written yet (settled, or held
 * for the database): the row still reads as due (a delivery check leaves
 * it "checking" until then), but nothing is to be sent for it. */
static int outcome_waiting(const sender *s, int64_t id)
{
    for (const flight *f = s->settled; f; f = f->next_held)
        if (f->row.id == id) return 1;
    for (const flight *f = s->held; f; f = f->next_held)
        if (f->row.id == id) return 1;
    return 0;
}

/* Chooses the due rows that may leave now (under the rates, the pace of
 * each chat and one message in flight per chat) into chosen, taking their
 * tokens and chat slots; the earliest time a row held back may leave goes
 * into *wake, the number of due rows read into *due. */
static int choose(sender *s, int64_t now, flight **chosen, int64_t *wake, int *due)
{
    /* Only as many rows as may go out now are read: each brings its body,
     * and a row read for nothing is read again by the next pass. The rows
     * come back sendable but for the rates (a chat with one under way is
     * left out by outbox_due), so the free places are the right bound. */
    outbox_row rows[SENDER_BATCH];
    int room = SENDER_INFLIGHT_MAX - s->inflight;
    /* Only the messengers served and not paused: their rows would come
     * back every pass and take the places of those that can leave. */
    char platforms[TRANSPORTS_MAX * 16 + 2] = ",";
    size_t used = 1;
    int serving = 0;
    for (int i = 0; i < s->ntransports; i++) {
        const bucket *b = &s->buckets[i];
        if (b->paused_until > now) {
            if (b->paused_until < *wake) *wake = b->paused_until;
            continue;
        }
        int len = snprintf(platforms + used, sizeof platforms - used, "%s,", s->transports[i]->platform);
        if (len < 0 || (size_t)len >= sizeof platforms - used) break;
        used += (size_t)len;
        serving++;
    }
    int n = room > 0 && serving
                ? outbox_due_for(s->d, now, platforms, rows, room < SENDER_BATCH ? room : SENDER_BATCH)
                : 0;
    if (n < 0) n = 0;   /* unreadable (logged by storage): the next sweep looks again */
    *due = n;
    int nchosen = 0;
    for (int i = 0; i < n; i++) {
        outbox_row *row = &rows[i];
        int ti = transport_index(s, row->platform);
        if (ti < 0 || s->inflight + nchosen >= SENDER_INFLIGHT_MAX || outcome_waiting(s, row->id)) {
            outbox_row_clear(row);
            continue;
        }
        transport *t = s->transports[ti];
        bucket *b = &s->buckets[ti];
        if (row->checking && (t->resend_safe || repeat_is_harmless(row))) {
            /* The platform drops a repeat of this message, or a repeat
             * changes nothing the person sees: no need to look for it,
             * sending again tells whether it arrived. */
            log_info("sender", "%s message %lld to chat %lld: outcome unknown; sent again, which cannot deliver "
                     "it twice", t->platform, (long long)row->id, (long long)row->chat_id);
            row->checking = 0;
        }
        if (b->paused_until > now) {
            if (b->paused_until < *wake) *wake = b->paused_until;
            outbox_row_clear(row);
            continue;
        }
        /* The answer to a button press shows nothing in the chat: it goes
         * beside the chat's messages, not in their line (outbox_due). */
        int button_answer = strcmp(row->kind, "answer") == 0 && !row->checking;
        chat_slot *c = button_answer ? NULL : slot_for(s, ti, row->chat_id, now);
        /* Answers and delivery checks show nothing new in the chat, so the
         * per-chat pace does not apply to them. */
        int is_answer = strcmp(row->kind, "answer") == 0 || row->checking;
        if (!button_answer && (!c || c->inflight || (!is_answer && c->next_ms > now))) {
            if (c && !c->inflight && c->next_ms < *wake) *wake = c->next_ms;
            outbox_row_clear(row);
            continue;
        }
        refill(b, t->rate_global_per_s, now);
        int64_t free_at = window_free_at(b);
        if (b->tokens < 1 || free_at > now) {
            int64_t at = now + (int64_t)((1 - b->tokens) * 1000 / t->rate_global_per_s) + 1;
            if (at < free_at) at = free_at;
            if (at < *wake) *wake = at;
            outbox_row_clear(row);
            continue;
        }
        flight *f = flight_new(s);
        if (!f) { outbox_row_clear(row); continue; }
        f->s = s;
        f->tindex = ti;
        f->row = *row;
        if (row->checking) f->candidate = row->probe_next ? row->probe_next : row->probe_floor + 1;
        if (row->checking && f->candidate <= 0) f->candidate = 1;
        b->tokens -= 1;
        window_note(b, now);
        if (c) {
            c->inflight = 1;
            if (!is_answer) c->next_ms = now + (int64_t)(1000.0 / t->rate_per_chat_per_s);
        }
        f->holds_chat = c != NULL;
        chosen[nchosen++] = f;
    }
    return nchosen;
}

/* Marks the chosen rows (delivery checks stay as they are) as sending, in
 * the open transaction: committed before any request leaves, so a crash
 * from then on leaves them "sending", which a restart turns into
 * "unknown". */
static mb_status mark_sending(sender *s, flight **chosen, int n)
{
    mb_status rc = MB_OK;
    for (int i = 0; i < n && !rc; i++)
        if (!chosen[i]->candidate) rc = outbox_mark_sending(s->d, chosen[i]->row.id);
    return rc;
}

/* The commit that would have marked the chosen rows failed: none leaves,
 * and marking waits, doubling, for the database. */
static void sending_failed(sender *s, flight **chosen, int n)
{
    int64_t wait = SENDER_HOLD_FIRST_MS;
    for (int i = 0; i < s->sending_failures && wait < SENDER_HOLD_MAX_MS; i++) wait *= 2;
    if (wait > SENDER_HOLD_MAX_MS) wait = SENDER_HOLD_MAX_MS;
    s->sending_failures++;
    s->sending_until = clock_now_ms() + wait;
    log_error("sender", "could not mark %d message(s) as sending: %s; nothing was sent, trying again in %lld s", n,
              snd_storage_cause(s), (long long)(wait / 1000));
    for (int i = 0; i < n; i++) snd_free_flight(s, chosen[i]);
    snd_arm(s, wait);
}

/* A row marked as sending leaves (counted in flight already). */
static void launch_one(sender *s, flight *f)
{
    transport *t = s->transports[f->tindex];
    if (f->row.checking) {
        const char *why = NULL;
        mb_status rc = MB_OK;
        if (!t->render_check || (t->check_needs_floor && f->row.probe_floor < 0))
            why = "the platform gives no way to check, or the chat's last message is not known";
        else if ((rc = t->render_check(t, &f->row, f->candidate, &f->call)))
            why = rc == MB_ERR_NOT_FOUND ? "the platform's own id of the chat, which the check needs, is not known"
                                         : "this kind of message cannot be checked";
        if (why) record_check(s, f, CHECK_INCONCLUSIVE, 0, why);
        else launch(s, f);
        return;
    }
    if (t->render(t, &f->row, &f->call)) {
        send_result r;
        memset(&r, 0, sizeof r);
        r.outcome = SEND_FAILED;
        snprintf(r.description, sizeof r.description, "the stored message could not be rendered for %s",
                 t->platform);
        record(s, f, &r);
        return;
    }
    launch(s, f);
}

/* After the commit that marked them: each chosen row leaves, once that
 * commit is on disk. Until then it counts as in flight: it keeps its chat
 * and its place. */
static void launch_chosen(sender *s, flight **chosen, int n)
{
    s->stats.commits++;
    s->sending_failures = 0;
    uint64_t mark = durable_mark(s->dur);
    int now = !s->waiting && durable_reached(s->dur, mark);
    for (int i = 0; i < n; i++) {
        flight *f = chosen[i];
        s->inflight++;
        if (now) {
            launch_one(s, f);
            continue;
        }
        f->mark = mark;
        f->next_waiting = NULL;
        if (s->waiting_tail) s->waiting_tail->next_waiting = f;
        else s->waiting = f;
        s->waiting_tail = f;
    }
}

static void on_durable(void *arg)
{
    sender *s = arg;
    while (s->waiting && durable_reached(s->dur, s->waiting->mark)) {
        flight *f = s->waiting;
        s->waiting = f->next_waiting;
        if (!s->waiting) s->waiting_tail = NULL;
        launch_one(s, f);
    }
}

static void pass(sender *s)
{
    if (s->draining) return;
    int64_t now = clock_now_ms();
    int64_t wake = now + SENDER_SWEEP_MS;
    if (s->held) {
        snd_retry_held(s, now, &wake);
        now = clock_now_ms();
    }
    /* The pass's reads share one read transaction (each statement outside
     * one took and let go a lock of its own), or the write transaction
     * that the answers come in since the last pass open: they are written
     * in the commit that marks the next rows as sending, or wait for a
     * commit made anyway (snd_settled_may_wait). */
    db_fault_clear(s->d);
    int reading = db_begin_read(s->d) == MB_OK, open = 0, later = 0;
    if (s->settled && reading && snd_settled_may_wait(s, now, &wake)) {
        later = 1;
    } else if (s->settled) {
        if (reading) db_rollback(s->d);
        reading = 0;
        db_fault_clear(s->d);
        mb_status rc = db_begin(s->d);
        if (!rc && (rc = snd_write_settled(s))) db_rollback(s->d);
        if (rc) snd_end_settled(s, 0);
        else open = 1;
    }
    if (s->sending_failures && s->sending_until > now) {
        /* the database would not take rows as "sending" a moment ago */
        if (open) snd_commit_settled(s);
        else if (reading) db_rollback(s->d);
        snd_arm(s, (s->sending_until < wake ? s->sending_until : wake) - now);
        return;
    }
    flight *chosen[SENDER_BATCH];
    int due;
    int nchosen = choose(s, now, chosen, &wake, &due);
    if (nchosen == 0) {
        int64_t next = outbox_next_time(s->d);
        if (open) snd_commit_settled(s);
        else if (reading) db_rollback(s->d);
        if (next >= 0 && next > now && next < wake) wake = next;
        snd_arm(s, wake - now);
        return;
    }
    mb_status rc = MB_OK;
    if (reading) db_rollback(s->d);   /* the marks take the write lock afresh, as they did */
    if (!open) {
        db_fault_clear(s->d);
        rc = db_begin(s->d);
    }
    if (!rc && later) rc = snd_write_settled(s);
    if (!rc) rc = mark_sending(s, chosen, nchosen);
    if (!rc) rc = db_commit(s->d);
    if (rc) {
        db_rollback(s->d);
        sending_failed(s, chosen, nchosen);
        if (open || later) snd_end_settled(s, 0);
        return;
    }
    if (open || later) snd_end_settled(s, 1);
    launch_chosen(s, chosen, nchosen);
    /* Again at once only when every place was filled from a full read:
     * answers and new rows bring the next pass otherwise. */
    snd_arm(s, due > 0 && due == nchosen && s->inflight < SENDER_INFLIGHT_MAX ? 0 : wake - now);
}

mb_status sender_claim(sender *s)
{
    s->nclaimed = 0;
    s->claim_settled = 0;
    s->claim_looked = 0;
    int64_t now = clock_now_ms();
    if (s->draining || (s->sending_failures && s->sending_until > now)) return MB_OK;
    mb_status rc;
    if (s->settled) {
        if ((rc = snd_write_settled(s))) return rc;
        s->claim_settled = 1;
    }
    int64_t wake = now + SENDER_SWEEP_MS;
    int due;
    s->nclaimed = choose(s, now, s->claimed, &wake, &due);
    s->claim_looked = 1;
    s->claim_more = due > 0 && due == s->nclaimed && s->inflight + s->nclaimed < SENDER_INFLIGHT_MAX;
    s->claim_wake = wake;
    return mark_sending(s, s->claimed, s->nclaimed);
}

void sender_claim_end(sender *s, int committed)
{
    if (s->claim_settled) snd_end_settled(s, committed);
    if (committed && s->nclaimed) {
        launch_chosen(s, s->claimed, s->nclaimed);
    } else {
        if (committed && s->claim_settled) s->stats.commits++;
        for (int i = 0; i < s->nclaimed; i++) snd_free_flight(s, s->claimed[i]);
    }
    /* A committed claim that read every due row needs a pass only when a
     * row it held back may leave (or at an earlier time armed already). */
    int took_all = committed && s->claim_looked && !s->claim_more;
    int64_t wake = s->claim_wake;
    s->nclaimed = 0;
    s->claim_settled = 0;
    s->claim_looked = 0;
    s->claim_took_all = took_all;
    s->claim_at = ev_now(s->loop);
    if (s->draining) return;
    if (took_all) snd_arm_within(s, wake - clock_now_ms());
    else snd_arm(s, 0);
}
