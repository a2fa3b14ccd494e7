#include "handlers/attempts.h"
#include "handlers/reply.h"
#include "storage/attempts.h"
#include "util/clock.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MINUTE_MS (60LL * 1000)
#define HOUR_MS (60 * MINUTE_MS)
/* The longest of the short pauses; anything longer is the long lock. */
#define LONGEST_PAUSE_MS (ATTEMPTS_FIRST_PAUSE_MS << (ATTEMPTS_LOCK_AFTER - 1 - ATTEMPTS_SLOW_AFTER))

/* "Try again in N minutes" for a short pause, "ask your curator, N hours"
 * for the long lock. */
static mb_status tell_when(hctx *h, int64_t until, const char *before)
{
    int64_t left = until - clock_now_ms();
    if (left < 0) left = 0;
    char n[24];
    char *text;
    if (left > LONGEST_PAUSE_MS) {
        snprintf(n, sizeof n, "%lld", (long long)((left + HOUR_MS - 1) / HOUR_MS));
        text = TF(h, "attempts.locked", "hours", n, NULL);
    } else {
        snprintf(n, sizeof n, "%lld", (long long)((left + MINUTE_MS - 1) / MINUTE_MS));
        text = TF(h, "attempts.wait", "minutes", n, NULL);
    }
    if (!text) return MB_ERR_NOMEM;
    mb_status rc;
    if (before) {
        size_t len = strlen(before) + strlen(text) + 3;
        char *both = malloc(len);
        if (!both) {
            free(text);
            return MB_ERR_NOMEM;
        }
        snprintf(both, len, "%s\n\n%s", before, text);
        rc = reply_text(h, both, NULL);
        free(both);
    } else {
        rc = reply_text(h, text, NULL);
    }
    free(text);
    return rc;
}

int attempts_refuse(hctx *h, mb_status *rc)
{
    int64_t until = attempts_blocked_until(h->d, h->ev->platform, h->ev->user_id);
    if (!until) return 0;
    log_info("attempts", "code from %s user %lld not checked: paused after wrong codes", h->ev->platform,
             (long long)h->ev->user_id);
    *rc = tell_when(h, until, NULL);
    return 1;
}

mb_status attempts_wrong_code(hctx *h, const char *reply_key)
{
    attempts_verdict v;
    mb_status rc = attempts_record_failure(h->d, h->ev->platform, h->ev->user_id, &v);
    if (rc) return rc;
    if (v.everyone >= ATTEMPTS_ALERT_COUNT && v.everyone % ATTEMPTS_ALERT_COUNT == 0)
        log_warn("attempts", "%d wrong codes in the last %lld minutes: someone may be guessing invite or link codes",
                 v.everyone, ATTEMPTS_ALERT_WINDOW_MS / MINUTE_MS);
    if (!v.blocked_until) return reply_text(h, T(h, reply_key), NULL);
    log_info("attempts", "%s user %lld sent %d wrong codes within an hour; codes paused%s", h->ev->platform,
             (long long)h->ev->user_id, v.failures, v.locked ? " for hours" : "");
    return tell_when(h, v.blocked_until, T(h, reply_key));
}
