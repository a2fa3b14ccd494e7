/*
 * Announcements to a community of mentors (000:L195): a curator's to their
 * organisation's participants (the flow is in curator_program.c) and a
 * coordinator's to the mentors of every organisation in their territory.
 * An announcement is a text, or a photo or file with an optional caption,
 * previewed and confirmed before it goes. Everything is queued through the
 * outbox, which paces it under the platforms' limits; once its messages
 * settle, the sender is told how many arrived and how many could not be
 * delivered (a job that reads the announcement's outbox rows).
 *
 * A photo or file travels by the messenger's own reference, which means
 * nothing on the other messenger: a recipient who is only there gets the
 * caption as a text, or nothing when there is none. The preview says how
 * many that is, so the sender can add a caption or send text instead.
 *
 * Button data (coordinators):
 *   an        start: asks for the text, photo or file
 *   an:s      send the previewed announcement;  an:c  drop it
 */
#ifndef MB_ANNOUNCE_H
#define MB_ANNOUNCE_H

#include "handlers/context.h"
#include "handlers/reply.h"
#include "storage/jobs.h"

#define JOB_ANNOUNCE_REPORT "announce_report"   /* {"id":N}: count what arrived, tell the sender */
#define ANNOUNCE_TEXT_MAX 1000                   /* characters of an announcement's text */
#define ANNOUNCE_RECIPIENTS_MAX 20000            /* people one announcement reaches */
#define ANNOUNCE_REPORT_FIRST_MS 1000            /* the first look at its messages */
#define ANNOUNCE_REPORT_AGAIN_MS 30000           /* then while some are still on their way */
#define ANNOUNCE_REPORT_GIVE_UP_MS (24LL * 3600 * 1000) /* then told with what is known */

/* What is being announced, as the dialog keeps it. */
typedef struct announce_message {
    const char *text;            /* "" when a file goes alone */
    const char *ref;             /* the platform's reference of a photo or file, NULL for a text */
    event_attachment_kind kind;
    const char *platform;        /* where ref is good */
    const char *from;            /* the organisation's or territory's name in the header */
    const char *header_key;      /* "...{org}...{text}" for a text or a caption */
    const char *file_key;        /* "...{org}" for a file with no caption */
} announce_message;

/* The active people of the organisations with the roles given, each once,
 * at most ANNOUNCE_RECIPIENTS_MAX. *ids is malloc'd (caller frees). */
mb_status announce_collect(db *d, const int64_t *orgs, int norgs, const char *const *roles, int nroles, int64_t **ids,
                           int *n);

/* How many of ids have no messenger account where ref is good. */
int announce_count_elsewhere(db *d, const int64_t *ids, int n, const char *platform);

/*
 * Queues msg to each of ids, records the announcement with its outbox rows
 * and arms the report to the sender. *queued: people something was queued
 * to. Must run inside the update's transaction.
 */
mb_status announce_deliver(hctx *h, const announce_message *msg, const int64_t *ids, int n, int64_t org_id,
                           int64_t territory_id, int *queued);

/* Loads the announcement of the dialog (h->data: text, ref, kind,
 * platform) into msg (strings borrowed from h->data). */
void announce_from_dialog(hctx *h, announce_message *msg);

/* The longest text the sender's messenger takes in one announcement. */
int announce_text_limit(hctx *h);

/* A photo or file sent while an announcement is asked for. */
int announce_wants_attachment(const hctx *h);
/* Keeps the photo or file of an announcement being written and shows the
 * preview: the coordinator's here, a curator's by curator_preview (the
 * curator screens sit above this file). */
mb_status announce_on_attachment(hctx *h, mb_status (*curator_preview)(hctx *h));

/* The coordinator's flow. */
void announce_menu_items(hctx *h, keyboard *kb);
mb_status announce_button(hctx *h, const char *action, const payload_field *f, int n);
int announce_wants_text(const hctx *h);
mb_status announce_on_text(hctx *h, const char *text);

/* The report job: tells the sender once the messages settled. */
mb_status announce_run_job(db *d, const bot_env *env, const char *payload);

#endif
