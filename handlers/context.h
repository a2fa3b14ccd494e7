/*
 * What every handler works with: the database (inside the transaction of
 * the update being handled), the settings, the event, and the sender's
 * account and dialog state when there is one. Replies are queued into the
 * outbox through reply_*(), in the same transaction.
 */
#ifndef MB_CONTEXT_H
#define MB_CONTEXT_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "handlers/digest_rules.h"
#include "handlers/meeting_rules.h"
#include "handlers/poll_rules.h"
#include "handlers/recognition_rules.h"
#include "handlers/event.h"
#include "handlers/payload.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/records.h"
#include "util/i18n.h"

/* Settings the handlers need, owned by the process. */
typedef struct bot_env {
    const i18n *texts;
    const char *default_language;  /* "ru" */
    int consent_age;               /* a pupil younger than this needs a guardian's consent */
    const char *files_dir;         /* where files to send are written; NULL = no files */
    const meeting_rules *meetings; /* reminders, quiet hours, questions; NULL = the defaults */
    const poll_rules *polls;       /* the poll calendar, reminders, smallest group; NULL = the defaults */
    const struct ind_catalog *indicators; /* indicator definitions (report/indicators.h); NULL = none */
    const char *timezone;          /* the service's zone, for report periods; NULL = UTC */
    const recognition_rules *recognition; /* points and levels of mentors; NULL = the defaults */
    const digest_rules *digest;    /* weekly digests' day, hour, files cap; NULL = the defaults */
    struct digest_batch *digest_batch; /* digests prepared in one run share their readings
                                          (handlers/digest.h); NULL = each reads its own */
} bot_env;

/* How a flow answered a button press: the router (routes.c) does what
 * follows a refusal (registration asks its question again) or an
 * out-of-date press (the menu), so the flows need not call back up. */
typedef enum hctx_press {
    HCTX_PRESS_TAKEN = 0,
    HCTX_PRESS_REFUSED,     /* flow_refuse_button */
    HCTX_PRESS_OUTDATED     /* flow_outdated_button */
} hctx_press;

typedef struct hctx {
    db *d;
    const bot_env *env;
    const event *ev;
    int has_account;
    account acct;
    identity ident;
    const char *lang;               /* catalog language for replies */
    char state[DIALOG_STATE_MAX];   /* dialog state, "" when none */
    cJSON *data;                    /* dialog data, never NULL while handling */
    char reason[256];               /* why handling failed, for the inbox */
    hctx_press press;               /* how a button press was answered */
    int menu_next;                  /* flow_menu_next: the menu follows */
    int org_read;                   /* org holds ctx_org's reading */
    org org;
} hctx;

/* context.c */

/* The key of a text for the reader a: its "_pupil" variant, written with
 * «ты», when a is a pupil and the catalog of lang has one (buf holds it);
 * key otherwise. For texts to someone other than the sender. */
const char *key_for_reader(const bot_env *env, const char *lang, const account *a, const char *key, char *buf,
                           size_t size);

/* Catalog lookups in the sender's language, in the sender's variant
 * (key_for_reader). */
const char *T(hctx *h, const char *key);
/* Formatted text (caller frees); NULL-terminated name/value pairs. */
char *TF(hctx *h, const char *key, ...);

/* org_get, read once per update: a registration's last step names the
 * organisation and the menu after it names it again. No flow changes an
 * organisation's row. */
mb_status ctx_org(hctx *h, int64_t id, org *out);

/* Stores the dialog state and data of the sender's account. */
mb_status ctx_set_state(hctx *h, const char *state);

/* Records why handling failed and returns rc, for `return ctx_fail(...)`. */
mb_status ctx_fail(hctx *h, mb_status rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
