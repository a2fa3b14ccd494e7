/*
 * Replies, as normalised outbox rows a transport renders at send time:
 *   text:     {"text": "...", "buttons": [[{"text": "...", "data": "..."}]]}
 *             or {"text": "...", "contact_button": "...", "skip_button": "..."}
 *             or {"text": "...", "remove_keyboard": true}
 *   edit:     {"message": "...", "text": "...", "buttons": [...]}
 *             message is the platform's name for the message, as the event
 *             gave it (event.button_message); only the transport reads it
 *   answer:   {"button_id": "...", "text": "..."}
 *   document: {"path": "...", "filename": "...", "caption": "...", "temporary": true}
 *   photo:    the same, for a picture
 *   document or photo the platform already holds (a user sent it):
 *             {"ref": "...", "caption": "...", "buttons": [...]}, no upload;
 *             ref is what the messenger named the media by in the event
 * A text longer than the platform allows becomes several rows; the buttons
 * go with the last one.
 */
#ifndef MB_REPLY_H
#define MB_REPLY_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "handlers/context.h"
#include "util/platform.h"

/* What the messenger of platform accepts (util/platform.h), used when a
 * reply is queued; a platform no transport registered gets the narrowest
 * limits of all, so nothing queued for it is refused for its size. */
const platform_info *platform_caps_for(const char *platform);

/* An inline keyboard being built: rows of buttons. */
typedef struct keyboard {
    cJSON *rows;     /* NULL until the first button */
    int count;
    int too_long;    /* a button's data was over the platform limit */
} keyboard;

void kb_row(keyboard *kb);
/* Adds a button to the last row (starting one when needed). */
void kb_button(keyboard *kb, const char *label, const char *data);
void kb_free(keyboard *kb);

/* Queues text (and buttons, may be NULL) to the chat of the current event. */
mb_status reply_text(hctx *h, const char *text, keyboard *kb);

/* Queues text with the platform's "share my phone number" button (Telegram's
 * and MAX's request_contact) and a plain button skip_label that sends its
 * label as text. Only for platforms that have such a button (shares_phone
 * in util/platform.h). */
mb_status reply_ask_contact(hctx *h, const char *text, const char *share_label, const char *skip_label);

/* Queues text and takes away a keyboard reply_ask_contact showed. */
mb_status reply_text_clear_keyboard(hctx *h, const char *text);

/* Same, to any chat on a platform (notifications to other people). */
mb_status reply_to_chat(db *d, const char *platform, int64_t chat_id, int64_t account_id,
                        const char *text, keyboard *kb);

/* Queues text to an account through its preferred reachable identity.
 * MB_ERR_NOT_FOUND when it has no identity. */
mb_status reply_to_account(db *d, int64_t account_id, const char *text, keyboard *kb);

/*
 * Queues the file at path to the chat of the current event, shown as
 * filename with caption (may be NULL). The file belongs to the message from
 * now on: the sender removes it once it was delivered or refused.
 */
mb_status reply_document(hctx *h, const char *path, const char *filename, const char *caption);

/* Same, to any chat on a platform (a letter to a parent's chat). */
mb_status reply_document_to_chat(db *d, const char *platform, int64_t chat_id, int64_t account_id, const char *path,
                                 const char *filename, const char *caption);

/*
 * Queues the file at path as a photo or a document (kind "photo" or
 * "document") to an account through its preferred reachable identity,
 * shown as filename with caption (may be NULL; one longer than the
 * platform shows under a file goes just before it as a text). The file
 * belongs to the message from now on, as with reply_document.
 * MB_ERR_NOT_FOUND when the account has no identity.
 */
mb_status reply_file_to_account(db *d, int64_t account_id, const char *kind, const char *path, const char *filename,
                                const char *caption);

/*
 * Queues a photo or document the platform already holds (ref, as an
 * event's attachment names it) to an account, with caption and buttons
 * (kb may be NULL). A reference is good only on the platform it came from,
 * so it goes to the account's identity there, preferred or not:
 * MB_ERR_DENIED, with nothing queued, when the account has none there (or
 * only an unreachable one, and a reachable one elsewhere); MB_ERR_NOT_FOUND
 * when it has no identity at all. A caption longer than the platform shows
 * under a file goes just before it as a text.
 */
mb_status reply_attachment_to_account(db *d, int64_t account_id, const char *platform, event_attachment_kind kind,
                                      const char *ref, const char *caption, keyboard *kb);

/* Replaces the text and buttons of a message the bot sent; message is the
 * event's name for it (event.button_message), MB_ERR_INVALID when empty. */
mb_status reply_edit(hctx *h, const char *message, const char *text, keyboard *kb);

/* Answers a button press (stops the client's spinner); text may be NULL. */
mb_status reply_answer_button(hctx *h, const char *text);

#endif
