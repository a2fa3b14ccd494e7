/*
 * Outgoing MAX calls: the sender's transport (bot/transport.h) for the MAX
 * Bot API. It renders outbox rows of the same shapes the Telegram and VK
 * transports read and classifies MAX's answers; it holds no connection of
 * its own, so the MAX long poll or webhook can be wired beside it later.
 *
 * Every API call carries the token in the Authorization header
 * (call->auth_header), never in the URL. A dialog's row goes to
 * POST /messages?user_id=<chat_id>, a group chat's (negative id) to
 * ?chat_id= (see max_parse.h).
 *
 * A file from disk takes three calls, each rendered from the answer to the
 * one before:
 *   0 POST /uploads?type=file -> {"url"}
 *   1 multipart POST of the file (part "data") to url -> {"token"}
 *   2 POST /messages with the attachment {"type":"file","payload":{"token"}}
 * A "photo" row (a chart) goes the same way as type=image, whose upload
 * answers {"photos": {"<id>": {"token"}}}, and is attached as
 * {"type":"image","payload":{"photos": that map}}.
 * MAX processes an upload for a while, and a message sent too early is
 * refused with attachment.not.ready: the row is retried after a growing
 * wait, and the token of the upload is kept (by row id) so the retry goes
 * straight to step 2 instead of uploading again. A picture or file a user
 * sent ({"ref": "image:<token>,file:<token>"}) is step 2 alone.
 */
#ifndef MB_MAX_SEND_H
#define MB_MAX_SEND_H

#include "bot/transport.h"

#define MAX_API_BASE_DEFAULT "https://platform-api2.max.ru"
#define MAX_RATE_GLOBAL_PER_S 30.0              /* MAX asks for at most 30 requests a second */
#define MAX_TEXT_CHARS_MAX 4000                 /* NewMessageBody.text */
#define MAX_BUTTON_TEXT_CHARS_MAX 128           /* Button.text */
#define MAX_FILE_MAX_BYTES (4LL * 1024 * 1024 * 1024)   /* type=file takes up to 4 GB */
#define MAX_FILE_STEPS 3
#define MAX_NOT_READY_WAIT_MS 1000              /* first wait after attachment.not.ready; doubles per attempt */
#define MAX_NOT_READY_WAIT_MAX_MS 60000
#define MAX_RATE_WAIT_MS 1000                   /* too.many.requests names no wait: one rate window */
#define MAX_TOKEN_MAX 512                       /* bytes of an upload token kept between attempts */
#define MAX_PHOTOS_MAX 2048                     /* bytes of a picture's upload answer ("photos") kept */
#define MAX_UPLOADS_KEPT 32                     /* uploads whose token is kept for a retry */

/* How texts are marked up. Our texts are plain, so FORMAT_PLAIN sends
 * them as they are; the other two send `format` and escape every
 * character the format would read as markup. */
typedef enum max_text_format { MAX_FORMAT_PLAIN, MAX_FORMAT_MARKDOWN, MAX_FORMAT_HTML } max_text_format;

typedef struct max_upload_kept {
    int64_t row_id;                 /* 0 = free */
    char token[MAX_PHOTOS_MAX + 1];   /* a file's token, or a picture's "photos" map as JSON */
} max_upload_kept;

typedef struct max_sender {
    transport transport;            /* transport.impl points back here */
    char api_base[256];
    char auth_header[600];          /* "Authorization: <token>" */
    max_text_format format;
    max_upload_kept uploads[MAX_UPLOADS_KEPT];
    int uploads_next;               /* the slot the next upload takes when none is free */
} max_sender;

/*
 * Fills s (which the caller owns and keeps while the transport is used)
 * with the transport for api_base (MAX_API_BASE_DEFAULT when NULL or
 * empty; a trailing '/' is dropped) and the bot's token. MB_ERR_INVALID
 * when the token is empty or holds a character a header line may not,
 * or api_base does not fit.
 */
mb_status max_sender_init(max_sender *s, const char *api_base, const char *token, max_text_format format);

/* "plain", "markdown" or "html" -> *out; MB_ERR_INVALID otherwise. */
mb_status max_format_parse(const char *name, max_text_format *out);

/*
 * text escaped for format, as a malloc'd string the caller frees (NULL when
 * out of memory). HTML: & < > become entities; Markdown: a backslash goes
 * before every character MAX's Markdown reads (\ ` * _ ~ + ^ [ ] ( ) # > -
 * ! |). Plain: a copy.
 */
char *max_escape_text(const char *text, max_text_format format);

/* The transport's functions, exposed for tests. */
mb_status max_render(transport *t, const outbox_row *row, api_call *call);
/* The delivery check (max_check.c): GET /messages of the row's chat, read
 * for the bot's messages after the row's floor (see there). */
mb_status max_render_check(transport *t, const outbox_row *row, int64_t candidate, api_call *call);
check_outcome max_classify_check(transport *t, const outbox_row *row, const http_response *resp, int64_t *found_id,
                                 int64_t *retry_after_ms, char *why, size_t why_size);
void max_classify(transport *t, const outbox_row *row, api_call *call, const http_response *resp,
                  send_result *out);

#endif
