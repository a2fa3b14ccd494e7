/*
 * Exactly-once intake of platform updates. A batch of updates is applied in
 * one transaction: for each update its inbox row, the state change its
 * handler makes and the replies it queues; then the platform cursor (the
 * Telegram offset, the VK ts). Only after that commit may the caller
 * confirm the batch to the platform. An update seen before is a no-op; an
 * update whose handler fails has its own effects rolled back and is
 * recorded as failed with the reason, and the batch goes on.
 *
 * A storage fault is not a handler failure: when the database is full,
 * locked by another process or fails to read or write (db_fault), during an
 * update or at the commit, nothing of the batch is kept or recorded as
 * failed and intake_apply returns the error; the caller fetches the same
 * updates again after a back-off.
 */
#ifndef MB_INTAKE_H
#define MB_INTAKE_H

#include <stdint.h>

#include "handlers/context.h"

typedef struct intake_item {
    int64_t update_id;
    const char *kind;       /* static */
    event ev;
    const char *error;      /* set when the update could not be read: recorded as failed */
} intake_item;

typedef struct intake_stats {
    int handled, duplicates, failed, ignored;
} intake_stats;

/*
 * Applies items[0..n) and stores cursor_value under cursor_key in the same
 * transaction (cursor_key may be NULL). On a database error nothing of the
 * batch is kept and the caller must fetch the same updates again.
 */
mb_status intake_apply(db *d, const bot_env *env, const char *platform, const intake_item *items, int n,
                       const char *cursor_key, int64_t cursor_value, intake_stats *stats);

/*
 * Work of another module inside the batch's transaction: before_commit()
 * runs after the updates and the cursor are written (its error rolls the
 * batch back like any storage error), after_commit() runs once the batch
 * committed or not, whenever before_commit() ran. The service lets the
 * sender mark the replies a batch queued as sending there, so they leave
 * with the batch's own commit instead of waiting for one more.
 */
typedef struct intake_hook {
    mb_status (*before_commit)(void *arg);
    void (*after_commit)(void *arg, int committed);
    void *arg;
} intake_hook;

/* Sets the hook (copied; NULL for none) for every later intake_apply. */
void intake_set_hook(const intake_hook *hook);

/*
 * The platform started its update ids over (Telegram may after a quiet
 * week): from now on, inbox rows recorded before this moment are no longer
 * duplicates of new updates with the same id. Stored in meta under
 * "<platform>_ids_since" (milliseconds).
 */
mb_status intake_ids_restarted(db *d, const char *platform);

#endif
