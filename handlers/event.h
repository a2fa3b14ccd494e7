/*
 * What a transport hands to the handlers: one normalised event, with no
 * Telegram or VK types in it. Strings are borrowed from the transport's
 * parsed payload and live as long as the dispatch call.
 */
#ifndef MB_EVENT_H
#define MB_EVENT_H

#include <stdint.h>

typedef enum event_kind {
    EVENT_NONE = 0,     /* nothing the bot acts on (recorded as ignored) */
    EVENT_MESSAGE,      /* the user wrote something (text may be NULL: a sticker, a photo) */
    EVENT_BUTTON,       /* the user pressed one of the bot's buttons */
    EVENT_BLOCKED,      /* the user blocked the bot or left */
    EVENT_UNBLOCKED     /* the user allowed the bot again */
} event_kind;

#define EVENT_TEXT_MAX (16 * 1024)     /* bytes of text a handler looks at */
#define EVENT_BUTTON_DATA_MAX 64        /* bytes of button data (Telegram's own limit) */
#define EVENT_ATTACHMENT_REF_MAX 511    /* bytes of a platform's reference to the files it holds */
#define EVENT_MESSAGE_REF_MAX 63        /* bytes of a platform's name for one message */

typedef enum event_attachment_kind {
    EVENT_ATTACHMENT_NONE = 0,
    EVENT_ATTACHMENT_PHOTO,
    EVENT_ATTACHMENT_DOCUMENT
} event_attachment_kind;

/* The photos or files the user sent, as the platform keeps them: the bot
 * never downloads them, it can only send the same reference again on the
 * same platform (a Telegram file_id; VK's "photo<owner>_<id>_<access_key>",
 * several of them comma-separated when one message carries several). kind,
 * file_name and file_size describe the first. The caption is the event's
 * text. */
typedef struct event_attachment {
    event_attachment_kind kind;
    char ref[EVENT_ATTACHMENT_REF_MAX + 1];
    int count;                    /* photos and files ref names */
    const char *file_name;        /* a document's name when the platform gives one, else NULL */
    int64_t file_size;            /* bytes, 0 when unknown */
    const char *album_id;         /* the album a photo or file is one of, when the platform sends
                                   * an album as a message per item (Telegram), else NULL */
} event_attachment;

typedef struct event {
    event_kind kind;
    const char *platform;         /* a registered messenger's name (util/platform.h) */
    int64_t user_id;
    int64_t chat_id;              /* where replies go */
    int is_private;               /* a one-to-one chat with the bot */
    const char *first_name;       /* may be NULL */
    const char *language_code;    /* may be NULL */
    const char *text;             /* EVENT_MESSAGE: the text or caption, NULL when none */
    /* A number placing the event in the chat's order: the user's message's
     * id (Telegram's message_id, VK's conversation_message_id), or on MAX,
     * which names messages by strings, the update's time in ms; 0 if none.
     * The transport's delivery checks look above it; handlers do not. */
    int64_t message_id;
    const char *button_data;      /* EVENT_BUTTON: what the button carried */
    const char *button_id;        /* EVENT_BUTTON: id to answer the press with, may be NULL */
    /* EVENT_BUTTON: the message the button was on, as its platform names it
     * (Telegram's message_id and VK's conversation_message_id in decimal,
     * MAX's mid), "" if unknown or longer than EVENT_MESSAGE_REF_MAX. A
     * handler hands it back to reply_edit unread: only the transport knows
     * what it means. Held in the event, so a copied event keeps it. */
    char button_message[EVENT_MESSAGE_REF_MAX + 1];
    /* The platform's own id of the conversation where it differs from
     * chat_id (a MAX dialog's chat_id; replies to it go by the user's id),
     * 0 if none or the same. Kept for the transport's delivery checks. */
    int64_t platform_chat_id;
    const char *ignore_reason;    /* EVENT_NONE: why, for the inbox */
    /* EVENT_MESSAGE: a shared contact (Telegram's request_contact button),
     * NULL when the message is none. contact_user_id is the messenger
     * account the contact belongs to, 0 when the contact names none. */
    const char *contact_phone;
    int64_t contact_user_id;
    /* EVENT_MESSAGE: the photos or documents of the message (kind
     * EVENT_ATTACHMENT_NONE when it has none, or none whose reference fits
     * EVENT_ATTACHMENT_REF_MAX). */
    event_attachment attachment;
} event;

#endif
