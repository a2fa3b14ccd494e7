/*
 * The messengers the bot runs on, as each transport describes itself: the
 * name events, outbox rows and identities carry ("tg", "vk", "max"), the
 * name people read, what one message may hold, the deep link that hands
 * the bot a start payload, and what else the messenger can do. Handlers
 * ask here and never spell a messenger's name: adding a messenger adds a
 * registration, not a branch in every handler.
 *
 * One registry per process, filled at start before any update is handled
 * (by app_open for the service and the admin CLI, by a test's setup) and
 * read only afterwards; it is not meant to change while handlers run.
 */
#ifndef MB_PLATFORM_H
#define MB_PLATFORM_H

#include <stddef.h>

#include "util/status.h"

#define PLATFORM_NAME_MAX 8        /* bytes of a platform's name with its NUL */
#define PLATFORMS_MAX 8            /* messengers one process registers */
#define PLATFORM_LINK_PREFIX_MAX 192

typedef struct platform_info {
    char name[PLATFORM_NAME_MAX];   /* "tg", "vk", "max" */
    char display_name[24];          /* as people call it: "Telegram", "VK", "MAX" */
    unsigned text_units_limit;        /* UTF-16 units of one message's text */
    unsigned button_data_limit;       /* bytes of data a button carries back */
    unsigned buttons_limit;           /* buttons on one message */
    unsigned button_text_limit;       /* characters of a button's label */
    unsigned caption_units_limit;     /* UTF-16 units of text under a photo or file */
    /* A deep link is this prefix followed by the payload
     * ("https://t.me/<bot>?start="); "" when the messenger has none. */
    char link_prefix[PLATFORM_LINK_PREFIX_MAX];
    unsigned link_payload_limit;      /* bytes of payload such a link carries */
    int shares_phone;               /* a button shares the user's own, verified phone number */
    int sends_files;                /* the bot can send a file from disk */
    double rate_global_per_s;       /* requests a second the messenger takes from the bot */
    double rate_per_chat_per_s;     /* messages a second to one chat */
} platform_info;

/*
 * Adds info (copied), or replaces the entry of the same name. MB_ERR_INVALID
 * when the name is empty, too long or not lower-case letters and digits;
 * MB_ERR_LIMIT when PLATFORMS_MAX are registered already.
 */
mb_status platform_register(const platform_info *info);

/* Forgets every registration (a test's setup; a process that reloads). */
void platform_clear(void);

/* Registered platforms, in the order of registration. */
int platform_count(void);
/* The i-th registered platform; NULL when i is out of range. */
const platform_info *platform_at(int i);

/* The registration of name; NULL when no transport registered it. */
const platform_info *platform_find(const char *name);

/* The name people read for name: its display name, or name itself when it
 * is not registered (never NULL). */
const char *platform_display_name(const char *name);

/*
 * Writes the deep link of name carrying payload into buf. Returns 0, or -1
 * (buf then holds payload alone, so a person can still type it) when name
 * is not registered, has no deep link, payload is longer than the link
 * carries or the link does not fit.
 */
int platform_deep_link(const char *name, const char *payload, char *buf, size_t size);

#endif
