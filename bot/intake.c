#include "bot/intake.h"
#include "handlers/dispatch.h"
#include "storage/records.h"
#include "util/clock.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

static intake_hook hook;

void intake_set_hook(const intake_hook *h)
{
    if (h) hook = *h;
    else memset(&hook, 0, sizeof hook);
}

static void since_key(const char *platform, char *key, size_t size)
{
    snprintf(key, size, "%s_ids_since", platform);
}

mb_status intake_ids_restarted(db *d, const char *platform)
{
    char key[64];
    since_key(platform, key, sizeof key);
    return db_meta_set_int(d, key, clock_now_ms());
}

static mb_status apply_one(db *d, const bot_env *env, const char *platform, const intake_item *it,
                           int64_t since_ms, intake_stats *stats)
{
    /* The row is written with the outcome known or expected now: an
     * unreadable or ignored update's, or "done" for one handed to a
     * handler, marked again only if the handler fails. A batch whose
     * storage fails is rolled back whole, so no row stays with an outcome
     * it did not have. */
    const char *status = it->error ? "failed" : it->ev.kind == EVENT_NONE ? "ignored" : "done";
    const char *why = it->error ? it->error : it->ev.kind == EVENT_NONE ? it->ev.ignore_reason : NULL;
    mb_status rc = inbox_insert_outcome(d, platform, it->update_id, it->kind, since_ms, status, why);
    if (rc == MB_ERR_EXISTS) {
        stats->duplicates++;
        return MB_OK;
    }
    if (rc) return rc;
    if (it->ev.message_id > 0 && (rc = chat_mark_raise(d, platform, it->ev.chat_id, it->ev.message_id))) return rc;
    if (it->ev.platform_chat_id &&
        (rc = chat_mark_platform_chat(d, platform, it->ev.chat_id, it->ev.platform_chat_id)))
        return rc;
    if (it->error) {
        log_warn("intake", "%s update %lld could not be read: %s", platform, (long long)it->update_id, it->error);
        stats->failed++;
        return MB_OK;
    }
    if (it->ev.kind == EVENT_NONE) {
        log_debug("intake", "%s update %lld (%s) ignored: %s", platform, (long long)it->update_id, it->kind,
                  it->ev.ignore_reason ? it->ev.ignore_reason : "nothing to do");
        stats->ignored++;
        return MB_OK;
    }
    if ((rc = db_savepoint(d))) return rc;
    char reason[256] = "";
    db_fault_clear(d);
    rc = dispatch_event(d, env, &it->ev, reason, sizeof reason);
    if (db_fault(d) || !db_in_transaction(d)) {
        /* The storage failed under the handler (disk full, a lock held
         * elsewhere): not the update's fault, and the handler may have read
         * the failure as "nothing there". Nothing is recorded; the whole
         * batch is taken again later. */
        if (db_in_transaction(d)) db_rollback_savepoint(d);
        log_warn("intake", "%s update %lld (%s) met a storage fault: %s", platform, (long long)it->update_id,
                 it->kind, db_fault(d) ? db_fault_name(db_fault(d)) : "the transaction was ended under it");
        return rc ? rc : MB_ERR_DB;
    }
    if (rc) {
        /* Undo only this update's effects; its inbox row stays so the
         * update is not tried again (no poison loop). */
        db_rollback_savepoint(d);
        log_warn("intake", "%s update %lld (%s) failed: %s", platform, (long long)it->update_id, it->kind, reason);
        stats->failed++;
        return inbox_mark(d, platform, it->update_id, "failed", reason);
    }
    if ((rc = db_release(d))) return rc;
    stats->handled++;
    return MB_OK;
}

mb_status intake_apply(db *d, const bot_env *env, const char *platform, const intake_item *items, int n,
                       const char *cursor_key, int64_t cursor_value, intake_stats *stats)
{
    intake_stats local;
    memset(&local, 0, sizeof local);
    db_fault_clear(d);
    char key[64];
    since_key(platform, key, sizeof key);
    /* read in the batch's transaction: on its own it would take and let go
     * a read lock of its own */
    mb_status rc = db_begin(d);
    int64_t since_ms = rc ? 0 : db_meta_get_int(d, key, 0);
    for (int i = 0; i < n && !rc; i++) rc = apply_one(d, env, platform, &items[i], since_ms, &local);
    if (!rc && cursor_key) rc = db_meta_set_int(d, cursor_key, cursor_value);
    int hooked = !rc && hook.before_commit;
    if (hooked) rc = hook.before_commit(hook.arg);
    if (!rc) rc = db_commit(d);
    if (rc) {
        char cause[256];
        int fault = db_fault(d);
        snprintf(cause, sizeof cause, "%s", fault ? db_fault_name(fault) : db_errmsg(d));
        db_rollback(d);
        log_error("intake", "could not store a batch of %d %s updates: %s; nothing was confirmed, they will be "
                  "fetched again after a pause", n, platform, cause);
        if (hooked) hook.after_commit(hook.arg, 0);   /* rolled back: its rows are pending again */
        return rc;
    }
    if (hooked) hook.after_commit(hook.arg, 1);
    if (stats) {
        stats->handled += local.handled;
        stats->duplicates += local.duplicates;
        stats->failed += local.failed;
        stats->ignored += local.ignored;
    }
    return MB_OK;
}
