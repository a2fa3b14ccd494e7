/*
 * Small record families that need no module of their own: the inbox of
 * platform updates, the dialog state per account, organisations and the
 * audit log.
 */
#ifndef MB_RECORDS_H
#define MB_RECORDS_H

#include <stdint.h>

#include "storage/db.h"

/* Records an update as seen. MB_ERR_EXISTS when this (platform, update_id)
 * was recorded before: the caller must then do nothing at all. */
mb_status inbox_insert(db *d, const char *platform, int64_t update_id, const char *kind);

/* Like inbox_insert, but a row received before since_ms belongs to an
 * earlier numbering of the platform's update ids (Telegram may start ids
 * over): it is no duplicate, and is replaced by the new update's row. */
mb_status inbox_insert_since(db *d, const char *platform, int64_t update_id, const char *kind,
                             int64_t since_ms);

/* Like inbox_insert_since, with the row's status and reason given at once:
 * the outcome the update is expected to have, so that the usual one needs
 * no second write (inbox_mark corrects it when it turns out otherwise). */
mb_status inbox_insert_outcome(db *d, const char *platform, int64_t update_id, const char *kind,
                               int64_t since_ms, const char *status, const char *reason);

/* Sets the outcome of a recorded update: done | failed | ignored, with an
 * optional reason (never user text). */
mb_status inbox_mark(db *d, const char *platform, int64_t update_id, const char *status,
                     const char *reason);

/* Raises the highest message id known in a chat to at least message_id. */
mb_status chat_mark_raise(db *d, const char *platform, int64_t chat_id, int64_t message_id);

/* The highest message id known in a chat (a user's handled message or the
 * bot's delivered one); 0 when none is known or on error. */
int64_t chat_mark_get(db *d, const char *platform, int64_t chat_id);

/* Records the platform's own id of a chat where it differs from chat_id
 * (a MAX dialog's chat_id); 0 does nothing. */
mb_status chat_mark_platform_chat(db *d, const char *platform, int64_t chat_id, int64_t platform_chat_id);

#define DIALOG_STATE_MAX 32
#define DIALOG_DATA_MAX 4096   /* bytes of JSON a dialog may carry */

/* Reads the dialog state of an account into state (DIALOG_STATE_MAX bytes)
 * and its data (malloc'd JSON text or NULL) into *data. An account without a
 * row gets MB_OK, state "" and *data NULL; when the row cannot be read the
 * error is returned (state "" and *data NULL too), never the start state as
 * if the dialog did not exist. */
mb_status dialog_get(db *d, int64_t account_id, char *state, char **data);
mb_status dialog_set(db *d, int64_t account_id, const char *state, const char *data);

typedef struct org {
    int64_t id;
    char name[256];
    char timezone[64];
    char type[16];          /* one of ORG_TYPES (storage/territories.h) */
    int64_t territory_id;   /* its municipality; 0 = none */
} org;

#define ORG_NAME_MAX 200   /* characters */

mb_status org_add(db *d, const char *name, const char *timezone, int64_t *id_out);
mb_status org_get(db *d, int64_t id, org *out);

/* Appends to the audit log. actor: "admin:cli", "account:12", "system". */
mb_status audit_log(db *d, const char *actor, const char *action, const char *subject,
                    const char *detail);

#endif
