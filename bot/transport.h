/*
 * What the sender needs from a messenger transport: how to turn an outbox
 * row into an API call, and how to read the answer. Each messenger is one
 * file in bot/ that fills a transport.
 */
#ifndef MB_TRANSPORT_H
#define MB_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "bot/http.h"
#include "storage/outbox.h"

typedef enum send_outcome {
    SEND_OK,          /* delivered; message_id may be set */
    SEND_RETRY,       /* try again at retry_at_ms (server asked to wait, or a transient failure) */
    SEND_FAILED,      /* the platform refused it for good (e.g. 400); never retried */
    SEND_BLOCKED,     /* the user blocked the bot or is gone: mark unreachable */
    SEND_UNKNOWN,     /* the request went out and no answer came: never repeated blindly */
    SEND_FATAL,       /* the token is refused: stop the transport */
    SEND_NEXT         /* one step of several done: the transport rendered the next call */
} send_outcome;

typedef struct send_result {
    send_outcome outcome;
    int64_t retry_after_ms;   /* SEND_RETRY: the server's wait, 0 = use backoff */
    int http_status;
    int error_code;           /* the platform's own code when it gave one */
    char description[256];    /* the platform's words, kept for operators */
    int64_t message_id;
    int64_t platform_chat_id; /* SEND_OK: the platform's own id of the chat where it differs from
                               * the row's (a MAX dialog's chat_id), 0 if none */
} send_result;

/* A rendered API call. */
typedef struct api_call {
    char url[512];
    char *json;               /* malloc'd request body, or NULL for multipart */
    const char *fields[16];   /* multipart name/value pairs, NULL-terminated */
    char field_storage[4][64];
    char caption[3 * 1024 + 1];  /* a file's caption: Telegram's 1024 UTF-16 units take at most 3 bytes each */
    http_file_part file;      /* multipart file, when file.path is set */
    char file_path[512];
    char file_name[128];
    int idempotent;           /* repeating it cannot deliver twice */
    int form_encoded;         /* json holds an application/x-www-form-urlencoded body */
    int step;                 /* calls of this row done before this one (uploads take several) */
    int variant;              /* which of the transport's chains of calls the row is on (VK: a
                               * picture as a photo or as a document); 0 = the first */
    const char *method;       /* NULL = POST; "PUT" for MAX's message edit; "GET" sends no body */
    const char *auth_header;  /* a header line sent with the call ("Authorization: <token>" for MAX),
                               * NULL = none; owned by the transport */
} api_call;

/* What one delivery check learnt about a message id in the chat. */
typedef enum check_outcome {
    CHECK_FOUND,         /* the bot's message is there: the row was delivered */
    CHECK_OTHERS,        /* a message that is not the bot's: look at the next id */
    CHECK_NO_MESSAGE,    /* no message has this id */
    CHECK_ABSENT,        /* the chat's whole list since it went out lacks it: not delivered */
    CHECK_RETRY,         /* ask again later (rate limit, network) */
    CHECK_BLOCKED,       /* the user is unreachable */
    CHECK_INCONCLUSIVE   /* the platform's answer does not tell */
} check_outcome;

typedef struct transport transport;
struct transport {
    const char *platform;
    double rate_global_per_s;
    double rate_per_chat_per_s;
    long request_timeout_ms;
    /* Fills call from row; MB_ERR_INVALID when the row cannot be sent at all. */
    mb_status (*render)(transport *t, const outbox_row *row, api_call *call);
    /*
     * Reads the answer to a rendered call of row. A row that takes several
     * calls (a file upload) answers SEND_NEXT with call refilled for the
     * next one; a retry starts again from render.
     */
    void (*classify)(transport *t, const outbox_row *row, api_call *call, const http_response *resp,
                     send_result *out);
    /*
     * Delivery checks for rows whose request went out without an answer.
     * render_check fills a call asking about message id candidate in the
     * row's chat (a transport that lists the chat instead, MAX, ignores
     * it); NULL when the transport cannot check (such rows end "unknown");
     * MB_ERR_NOT_FOUND when the platform's own id of the chat, which the
     * check needs, is not known. classify_check reads the answer about row;
     * retry_after_ms gets the server's wait for CHECK_RETRY (0 = back off),
     * found_id the found message's number when it is not candidate (left 0
     * otherwise).
     */
    mb_status (*render_check)(transport *t, const outbox_row *row, int64_t candidate, api_call *call);
    check_outcome (*classify_check)(transport *t, const outbox_row *row, const http_response *resp,
                                    int64_t *found_id, int64_t *retry_after_ms, char *why, size_t why_size);
    int check_needs_floor;    /* the check looks above the chat's last known message id */
    /* Repeating a send cannot deliver twice (the platform drops repeats), so
     * a row whose outcome is unknown is simply sent again. */
    int resend_safe;
    void *impl;
};

void api_call_clear(api_call *call);

/*
 * The message an "edit" row names: reply_edit's "message", the platform's
 * own name for it as the event gave it (decimal digits on Telegram and VK,
 * a mid on MAX). Rows queued before it was a string carry "message_id", a
 * number (Telegram, VK), or "mid" (MAX); buf (at least 24 bytes) holds such
 * a number written out. NULL when the row names none.
 */
const char *transport_edit_target(const cJSON *body, char *buf, size_t size);
/* The same read as a positive number (Telegram's message_id, VK's
 * conversation_message_id); 0 when the row names none or not a number. */
int64_t transport_edit_number(const cJSON *body);

/* 1 when path is a regular, non-empty file of at most max_bytes; otherwise
 * 0 with the reason in why. */
int transport_file_sendable(const char *path, long long max_bytes, char *why, size_t why_size);

#endif
