#include "bot/sender_outcome.h"
#include "bot/pacer.h"
#include "bot/sender.h"
#include "storage/accounts.h"
#include "storage/records.h"
#include "util/log.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

int64_t sender_backoff_ms(int attempts)
{
    int64_t base = pacer_first_wait_ms();
    for (int i = 1; i < attempts && base < SENDER_BACKOFF_MAX_MS; i++) base *= 2;
    if (base > SENDER_BACKOFF_MAX_MS) base = SENDER_BACKOFF_MAX_MS;
    unsigned char r;
    if (text_random_bytes(&r, 1)) r = 128;
    /* 0.75x .. 1.25x, so many chats failing together do not retry together */
    return base * (192 + r) / 256;
}

static void refused(outcome *o, outcome_kind kind, const send_result *r)
{
    o->kind = kind;
    o->http_status = r->http_status;
    o->error_code = r->error_code;
    o->drop_file = 1;
}

void outcome_for_send(const outbox_row *row, const char *platform, const send_result *r, int64_t now, outcome *o)
{
    memset(o, 0, sizeof *o);
    snprintf(o->text, sizeof o->text, "%s", r->description);
    switch (r->outcome) {
    case SEND_OK:
        o->kind = OUTCOME_SENT;
        o->message_id = r->message_id;
        o->platform_chat_id = r->platform_chat_id;
        o->drop_file = 1;
        break;
    case SEND_RETRY: {
        int attempts = row->attempts + 1;
        if (attempts >= SENDER_MAX_ATTEMPTS && !r->retry_after_ms) {
            log_warn("sender", "%s message %lld given up after %d attempts: %s", platform, (long long)row->id,
                     attempts, r->description);
            refused(o, OUTCOME_FAILED, r);
            break;
        }
        int64_t wait = r->retry_after_ms ? r->retry_after_ms : sender_backoff_ms(attempts);
        log_info("sender", "%s message %lld to chat %lld retried in %lld ms: %d %s", platform, (long long)row->id,
                 (long long)row->chat_id, (long long)wait, r->http_status, r->description);
        o->kind = OUTCOME_RETRY;
        o->next_at = now + wait;
        o->http_status = r->http_status;
        o->error_code = r->error_code;
        break;
    }
    case SEND_NEXT:   /* the sender turns an unfinished chain into a retry */
    case SEND_FAILED:
        log_warn("sender", "%s message %lld to chat %lld refused: %d %s", platform, (long long)row->id,
                 (long long)row->chat_id, r->error_code, r->description);
        refused(o, OUTCOME_FAILED, r);
        break;
    case SEND_BLOCKED:
        log_info("sender", "%s chat %lld is unreachable (%s); marked", platform, (long long)row->chat_id,
                 r->description);
        refused(o, OUTCOME_BLOCKED, r);
        break;
    case SEND_UNKNOWN: {
        /* 5 s with the default retry_first_ms; the tests' 0.1 s makes it 0.5 s */
        int delay_ms = CHECK_DELAY_WAITS * pacer_first_wait_ms();
        log_warn("sender", "%s message %lld to chat %lld: no answer after the request went out (%s); "
                 "not repeated blindly: checking in %.1f s whether it arrived", platform, (long long)row->id,
                 (long long)row->chat_id, r->description, delay_ms / 1000.0);
        o->kind = OUTCOME_CHECKING;
        o->next_at = now + delay_ms;
        break;
    }
    case SEND_FATAL:
        log_error("sender", "%s refused the bot token (%d %s); sending paused for %d s", platform, r->error_code,
                  r->description, SENDER_FATAL_PAUSE_MS / 1000);
        o->kind = OUTCOME_RETRY;
        o->next_at = now + SENDER_FATAL_PAUSE_MS;
        o->http_status = r->http_status;
        o->error_code = r->error_code;
        break;
    }
}

/* Gives up on telling: the row stays "unknown" for an operator. */
static void give_up(const outbox_row *row, const char *platform, const char *why, outcome *o)
{
    log_warn("sender", "%s message %lld to chat %lld: could not tell whether it arrived (%s); recorded as unknown, "
             "not repeated", platform, (long long)row->id, (long long)row->chat_id, why);
    o->kind = OUTCOME_UNKNOWN;
    snprintf(o->text, sizeof o->text, "%s", why);
}

void outcome_for_check(const outbox_row *row, const char *platform, int64_t candidate, check_outcome seen,
                       int64_t retry_after_ms, const char *why, int64_t now, outcome *o)
{
    memset(o, 0, sizeof *o);
    int misses = row->probe_misses;
    switch (seen) {
    case CHECK_FOUND:
        log_info("sender", "%s message %lld to chat %lld had arrived (message id %lld); not sent again", platform,
                 (long long)row->id, (long long)row->chat_id, (long long)candidate);
        o->kind = OUTCOME_SENT;
        o->message_id = candidate;
        o->drop_file = 1;
        break;
    case CHECK_OTHERS:
    case CHECK_NO_MESSAGE:
        misses = seen == CHECK_NO_MESSAGE ? misses + 1 : 0;
        if (misses >= CHECK_GAP) {
            log_info("sender", "%s message %lld to chat %lld had not arrived; sending it now", platform,
                     (long long)row->id, (long long)row->chat_id);
            o->kind = OUTCOME_UNDELIVERED;
        } else if (candidate + 1 > row->probe_floor + CHECK_SCAN_MAX) {
            give_up(row, platform, "too many messages in the chat since it was sent", o);
        } else {
            o->kind = OUTCOME_PROBE;
            o->probe_next = candidate + 1;
            o->misses = misses;
            /* The next look keeps the row's place in the queue: behind a
             * backlog, going to its end at each step would hold the chat
             * back once per message id looked at. */
            o->next_at = row->next_at;
        }
        break;
    case CHECK_ABSENT:
        log_info("sender", "%s message %lld to chat %lld had not arrived (%s); sending it now", platform,
                 (long long)row->id, (long long)row->chat_id, why);
        o->kind = OUTCOME_UNDELIVERED;
        break;
    case CHECK_RETRY:
        o->kind = OUTCOME_PROBE;
        o->probe_next = candidate;
        o->misses = misses;
        o->next_at = now + (retry_after_ms ? retry_after_ms : sender_backoff_ms(row->attempts + 1));
        break;
    case CHECK_BLOCKED:
        o->kind = OUTCOME_BLOCKED;
        o->http_status = o->error_code = 403;
        snprintf(o->text, sizeof o->text, "%s", why);
        o->drop_file = 1;
        break;
    case CHECK_INCONCLUSIVE:
        give_up(row, platform, why, o);
        break;
    }
}

mb_status outcome_write(db *d, const outbox_row *row, const outcome *o)
{
    mb_status rc;
    switch (o->kind) {
    case OUTCOME_SENT:
        if ((rc = outbox_mark_sent(d, row->id, o->message_id)) ||
            (rc = chat_mark_platform_chat(d, row->platform, row->chat_id, o->platform_chat_id)))
            return rc;
        return chat_mark_raise(d, row->platform, row->chat_id, o->message_id);
    case OUTCOME_RETRY:
        return outbox_mark_retry(d, row->id, o->next_at, o->http_status, o->error_code, o->text);
    case OUTCOME_FAILED:
        return outbox_mark_failed(d, row->id, o->http_status, o->error_code, o->text);
    case OUTCOME_BLOCKED:
        if ((rc = outbox_mark_failed(d, row->id, o->http_status, o->error_code, o->text)) ||
            (rc = identity_set_unreachable(d, row->platform, row->chat_id, o->text)))
            return rc;
        return outbox_fail_chat(d, row->platform, row->chat_id, "the user is unreachable");
    case OUTCOME_CHECKING:
        return outbox_mark_checking(d, row->id, o->next_at, o->text);
    case OUTCOME_UNDELIVERED:
        return outbox_mark_undelivered(d, row->id);
    case OUTCOME_UNKNOWN:
        return outbox_mark_unknown(d, row->id, o->text);
    case OUTCOME_PROBE:
        return outbox_mark_probe(d, row->id, o->probe_next, o->misses, o->next_at);
    }
    return MB_ERR_INVALID;
}

mb_status outcome_store(db *d, const outbox_row *row, const outcome *o)
{
    mb_status rc = db_begin(d);
    if (!rc) rc = outcome_write(d, row, o);
    if (!rc) rc = db_commit(d);
    if (rc) db_rollback(d);
    return rc;
}

const char *outcome_name(outcome_kind kind)
{
    static const char *const names[] = {"sent", "retry", "failed", "unreachable", "checking", "not delivered",
                                        "unknown", "check step"};
    return kind >= OUTCOME_SENT && kind <= OUTCOME_PROBE ? names[kind] : "?";
}
