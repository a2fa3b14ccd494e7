/*
 * End-to-end test harness: starts the simulator and the bot as child
 * processes, talks to the simulator's control API over HTTP, and plays
 * Telegram and VK users. Every function is safe to call on a failed or
 * never-started process struct (it then fails or does nothing). The
 * processes live in harness.c, HTTP and the Telegram conversation helpers
 * in harness_http.c, the VK ones in harness_vk.c.
 *
 * Binaries come from $MENTORBOT_BIN_DIR, default "build/test" (tests run
 * from the repository root). Set MENTORBOT_SIM_VERBOSE=1 to have the
 * simulator log every request into its log file (sim-PORT.log in
 * unit_tmpdir()).
 */
#ifndef MB_E2E_HARNESS_H
#define MB_E2E_HARNESS_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <sys/types.h>

#define HARNESS_HTTP_TIMEOUT_MS 65000   /* longer than any long poll a test asks for */
#define HARNESS_RESPONSE_MAX (64u * 1024 * 1024)
#define HARNESS_START_TIMEOUT_MS 10000  /* for the simulator to answer */
#define HARNESS_STOP_TIMEOUT_MS 10000   /* after SIGTERM, before SIGKILL */
/* Messages per second bot_setup and vk_conf give the bot: far above the
 * messengers' limits, so that only the pacing test waits on them. */
#define HARNESS_FAST_RATE "1000"

typedef struct sim_proc {
    pid_t pid;
    int port;
    char base[64]; /* "http://127.0.0.1:PORT" */
} sim_proc;

/* Picks a free loopback port, starts mentorbot-sim, waits until it answers.
 * 0 on success; -1 (with a message on stderr) otherwise. */
int sim_start(sim_proc *s);

#define HARNESS_SIM_ARGS_MAX 8
/* sim_start with more command-line options for the simulator (args ends
 * with NULL; at most HARNESS_SIM_ARGS_MAX), such as --max-webhook-ca FILE. */
int sim_start_args(sim_proc *s, const char *const *args);

/* SIGTERM, waits; accepts a never-started (zeroed) struct. A simulator that
 * does not exit 0, or whose log holds a sanitizer report, is a failed check
 * of the current test (its log is printed). */
void sim_stop(sim_proc *s);

/* Like sim_stop, returning the simulator's exit code (0 = clean). -1 when
 * it was not running. */
int sim_stop_checked(sim_proc *s);

/* HTTP to the simulator. body may be NULL (then a POST sends nothing);
 * a body is sent as application/json. Returns the parsed JSON answer
 * (caller cJSON_Delete) or NULL when there was no answer or it was not
 * JSON; *status gets the HTTP status (0 without an answer) when non-NULL. */
cJSON *sim_request(sim_proc *s, const char *method, const char *path, const char *body,
                   long *status);

/* POSTs body (taken; NULL posts nothing) to a control endpoint and returns
 * the number its answer holds under key (the update or event made), or -1. */
long long sim_post_number(sim_proc *s, const char *path, cJSON *body, const char *key);

/* Like sim_request with an explicit content type (NULL = none) and a body
 * of body_len bytes; returns the raw answer (caller frees; NULL without an
 * answer). */
char *sim_request_raw(sim_proc *s, const char *method, const char *path,
                      const char *content_type, const char *body, size_t body_len, long *status);

/* Forgets everything earlier tests left in the simulator (POST /sim/reset):
 * users, updates, the sent log, faults and limits. 0 when it answered ok,
 * -1 otherwise. */
int sim_reset(sim_proc *s);

/* The start of a test that talks to the simulator alone: CHECKs that it is
 * running and that sim_reset() worked. Returns 0 when the test can go on,
 * -1 when the simulator is not running. */
int sim_fresh(sim_proc *s);

cJSON *sim_postf(sim_proc *s, const char *path, const char *json_fmt, ...)
    __attribute__((format(printf, 3, 4)));
cJSON *sim_getf(sim_proc *s, const char *path_fmt, ...) __attribute__((format(printf, 2, 3)));

/* A Bot API call made the way the bot makes it: POST /bot123:TEST/<method>
 * with a JSON body given printf-style. Returns the answer like sim_request. */
cJSON *tg_api(sim_proc *s, const char *method, long *status, const char *json_fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The bot's sendMessage to chat with text and, when markup is not NULL, that
 * reply_markup JSON; both go into the body as they are (no escaping).
 * Returns the new message_id, or -1 when the call did not answer 200. */
long long tg_send_text(sim_proc *s, long long chat, const char *text, const char *markup);

/* Walks a dotted path ("result.reply_markup.inline_keyboard.0.1.text"; a
 * number indexes an array) and returns the item or NULL; sim_json_num gives -1
 * and sim_json_str NULL when the item is missing or of another type. */
const cJSON *sim_json_at(const cJSON *json, const char *path);
long long sim_json_num(const cJSON *json, const char *path);
const char *sim_json_str(const cJSON *json, const char *path);

/* ---- Telegram conversation helpers ---- */

/* The user says text in the private chat with the bot; lang may be NULL.
 * Returns the update_id, or -1. */
long long tg_say(sim_proc *s, long long user, const char *first_name, const char *lang,
                 const char *text);

/* The user sends a photo (field "photo", value an array of PhotoSize) or a
 * file (field "document", value a Document) with caption text (may be
 * NULL), as an item of the album album (NULL when none). Takes value.
 * Returns the update_id, or -1. */
long long tg_say_media(sim_proc *s, long long user, const char *first_name, const char *lang, const char *text,
                       const char *field, cJSON *value, const char *album);

/* The user presses the inline button carrying data under message_id.
 * Returns the update_id, or -1. */
long long tg_press(sim_proc *s, long long user, const char *first_name, const char *lang,
                   long long message_id, const char *data);

/* Waits up to timeout_ms for the next successful call to chat after *seq
 * that shows something in the chat (sendMessage, editMessageText,
 * editMessageReplyMarkup, sendDocument, sendPhoto; answerCallbackQuery and
 * failed calls are stepped over) and advances *seq to it. Returns the call
 * object {seq, method, chat_id, ok, params, result} (caller deletes) or
 * NULL on timeout. */
cJSON *tg_wait_call(sim_proc *s, long long chat, long long *seq, int timeout_ms);

/* Like tg_wait_call for calls of one method only (any method the sent log
 * holds, answerCallbackQuery included). */
cJSON *tg_wait_method(sim_proc *s, long long chat, long long *seq, const char *method,
                      int timeout_ms);

/* All calls so far to chat (every chat when chat is 0) after seq, failed ones too (caller deletes the
 * returned array; NULL when the simulator did not answer). */
cJSON *tg_calls(sim_proc *s, long long chat, long long after);

/* Finds an inline button whose text contains needle in a call's result (or
 * params) reply_markup; returns its callback_data (a static buffer, valid
 * until the next call) or NULL. */
const char *tg_button_data(const cJSON *call, const char *needle);

/* The text of a call's resulting message (or of its params), or "" (owned
 * by call). */
const char *tg_call_text(const cJSON *call);

/* ---- VK (tests/e2e/harness_vk.c) ---- */

#define HARNESS_VK_GROUP_ID 229000001LL
#define HARNESS_VK_TOKEN "vk-sim-token"

/* A VK API call made the way the bot makes it: POST /method/<method> with a
 * form body of access_token, v=5.199 and the name, value pairs that follow
 * (strings, escaped here; a NULL name ends the list). Returns the answer
 * like sim_request. */
cJSON *vk_api(sim_proc *s, const char *method, long *status, ...) __attribute__((sentinel));

/* groups.getLongPollServer: writes the new key into key (key_size bytes)
 * and the server's ts into *ts. 0 on success, -1 otherwise. */
int vk_long_poll_server(sim_proc *s, char *key, size_t key_size, long long *ts);

/* One a_check on the simulator's Long Poll server; the answer like
 * sim_request. */
cJSON *vk_a_check(sim_proc *s, const char *key, long long ts, int wait_s);

/* The bot's messages.send to peer with that random_id and text (and
 * keyboard JSON text when not NULL). Returns the answer (caller deletes). */
cJSON *vk_send_text(sim_proc *s, long long peer, long long random_id, const char *text,
                    const char *keyboard);

/* messages.send as API 5.199 bots make it: to peer_ids (a comma-separated
 * list), answered with one {peer_id, message_id, conversation_message_id}
 * (or {peer_id, error}) item per conversation. Returns the answer (caller
 * deletes). */
cJSON *vk_send_peer_ids(sim_proc *s, const char *peer_ids, long long random_id, const char *text);

/* The error_code of a VK answer: 0 when it has a response, -1 when it is
 * neither an answer nor an error. */
long long vk_error_code(const cJSON *answer);

/* Writes the [vk] section that points a bot at the simulator (token,
 * group_id HARNESS_VK_GROUP_ID, api_base <sim>/method, wait 1, fast rates) into buf,
 * for bot_setup's extra_conf. */
void vk_conf(const sim_proc *s, char *buf, size_t size);

/* The user writes text in the private conversation with the community
 * (peer_id = from_id = user); lang may be NULL ("en" gives lang_id 3).
 * Returns the event number, or -1 (also when the settings filtered the
 * event out). */
long long vk_say(sim_proc *s, long long user, const char *lang, const char *text);

/* The user sends attachments (an array of VK attachment objects, taken)
 * with text (may be NULL). Returns the event number, or -1. */
long long vk_say_media(sim_proc *s, long long user, const char *lang, const char *text, cJSON *attachments);

/* The user presses a text (keyboard) button: a message with that text and
 * payload (a string, usually JSON). Returns the event number, or -1. */
long long vk_say_payload(sim_proc *s, long long user, const char *text, const char *payload);

/* The user presses a callback button under conversation_message_id;
 * payload_json is the button's payload (JSON text, sent as an object when it
 * parses, as a string otherwise). Returns the event number, or -1. */
long long vk_press(sim_proc *s, long long user, long long conversation_message_id,
                   const char *payload_json);

/* All VK calls so far to peer (every peer when peer is 0) after seq, failed
 * ones too (caller deletes the returned array; NULL when the simulator did
 * not answer). */
cJSON *vk_calls(sim_proc *s, long long peer, long long after);

/* Calls of method to chat on platform ("tg", "vk" or "max") that the simulator
 * carried out (a VK repeat of a random_id is not one), and whose text
 * contains needle (NULL: any). */
int sim_count_calls(sim_proc *s, const char *platform, long long chat, const char *method, const char *needle);
/* The same count once it reaches want, or as it is after timeout_ms: a
 * call leaves only after the commit that queued it is on disk. */
int sim_wait_calls(sim_proc *s, const char *platform, long long chat, const char *method, const char *needle,
                   int want, int timeout_ms);

/* Waits up to timeout_ms for the next successful messages.send or
 * messages.edit to peer after *seq that really reached the user (a repeated
 * random_id, a failed call and messages.sendMessageEventAnswer are stepped
 * over) and advances *seq to it. Returns the call (caller deletes) or NULL
 * on timeout. */
cJSON *vk_wait_call(sim_proc *s, long long peer, long long *seq, int timeout_ms);

/* The message text of a call, or "" (owned by call). */
const char *vk_call_text(const cJSON *call);

/* The payload of the first button in the call's keyboard whose label
 * contains label_needle (a static buffer, valid until the next call), or
 * NULL. */
const char *vk_button_payload(const cJSON *call, const char *label_needle);

/* The number a call's message has, or -1: the conversation_message_id of
 * a peer_ids answer (what the bot sends) or of an edit's parameters; for a
 * send to one peer_id, the community-wide id VK answers there. */
long long vk_call_message_id(const cJSON *call);

/* ---- MAX (tests/e2e/harness_max.c) ---- */

#define HARNESS_MAX_TOKEN "max-sim-token"

/* Writes the [max] section that points a bot at the simulator (token,
 * api_base <sim>/max, poll_timeout 1, fast rates) into buf, for
 * bot_setup's extra_conf. */
void max_conf(const sim_proc *s, char *buf, size_t size);

/* The user writes text in their dialog with the bot (name and lang may be
 * NULL; lang "en..." gives the locale en-US, anything else ru-RU).
 * Returns the update's number, or -1. */
long long max_say(sim_proc *s, long long user, const char *name, const char *lang, const char *text);

/* The user sends attachments (an array of {"type":"image"} or
 * {"type":"file","filename","size"}, taken) with text (may be NULL); refs
 * gets the references the bot must send them on by, as its events name them
 * ("image:<token>,file:<token>"). Returns the update's number, or -1. */
long long max_say_media(sim_proc *s, long long user, const char *name, const char *lang, const char *text,
                        cJSON *attachments, char *refs, size_t refs_size);

/* The pictures and files a call of the bot carries by reference, in the
 * same form (a static buffer; "" when none). */
const char *max_call_media_ref(const cJSON *call);

/* The user presses Start, through a deep link carrying payload (NULL: the
 * plain button): bot_started. Returns the update's number, or -1. */
long long max_start_bot(sim_proc *s, long long user, const char *name, const char *lang, const char *payload);

/* The user stops the bot: bot_stopped. Returns the update's number, or -1. */
long long max_stop_bot(sim_proc *s, long long user);

/* The user presses a callback button carrying payload under the bot's
 * message mid (NULL: a message MAX no longer has). Returns the update's
 * number, or -1. */
long long max_press(sim_proc *s, long long user, const char *mid, const char *payload);

/* All MAX calls so far to user's dialog (every chat when user is 0) after
 * seq, failed ones too (caller deletes; NULL when the simulator did not
 * answer). */
cJSON *max_calls(sim_proc *s, long long user, long long after);

/* Waits up to timeout_ms for the next successful message or edit to the
 * user after *seq (button answers and failed calls are stepped over) and
 * advances *seq to it. Returns the call (caller deletes) or NULL. */
cJSON *max_wait_call(sim_proc *s, long long user, long long *seq, int timeout_ms);

/* The text of a call's message, or "" (owned by call). */
const char *max_call_text(const cJSON *call);

/* The payload of the first callback button whose label contains
 * label_needle (a static buffer, valid until the next call), or NULL. */
const char *max_button_payload(const cJSON *call, const char *label_needle);

/* The mid of the message a call made (or edited), or NULL. */
const char *max_call_mid(const cJSON *call);

/* The first picture or file the bot uploaded that a max.messages call
 * shows: where the simulator serves its bytes (/sim/max/file/<token>) into
 * path, its name (FileAttachment's filename; NULL for a picture) and the
 * caption (the message's text), both owned by call, and in *photo whether
 * it is a picture ("image") rather than a file. 1 when the call carries
 * one, 0 otherwise. */
int max_call_file(const cJSON *call, char *path, size_t path_size, const char **name, const char **caption,
                  int *photo);

/* The user shares a contact card with phone (as the request_contact button
 * does when owner is the user's own id; someone else's card otherwise).
 * Returns the update's number, or -1. */
long long max_share_contact(sim_proc *s, long long user, const char *phone, long long owner);

/* 1 when a call's keyboard has a request_contact button. */
int max_call_asks_contact(const cJSON *call);

/* GET of a file the simulator keeps: path is a path on it
 * ("/sim/tg/file?file_id=...") or a URL it gave (a VK document's "url").
 * Returns the bytes (caller frees; a NUL follows them) with their count in
 * *len, or NULL (and *len 0) when the answer was not a 200. */
char *sim_fetch(sim_proc *s, const char *path, size_t *len);

/* ---- the bot ---- */

typedef struct bot_proc {
    pid_t pid;
    char dir[256];
    char conf[300];
    char db[300];
    char log[300];
} bot_proc;

/* Creates a directory under unit_tmpdir() with a bot.conf pointing
 * [telegram] api_base at the sim, [storage] path in that dir, and extra INI
 * text appended (may be NULL). 0 on success. */
int bot_setup(bot_proc *b, const sim_proc *s, const char *name, const char *extra_conf);

/* Runs "<bin>/mentorbot --config CONF run" with stdout and stderr appended
 * to b->log and waits (up to HARNESS_START_TIMEOUT_MS) until its log says it
 * started, or it exited; returns 0 when the process started. */
int bot_start(bot_proc *b);

/* Sends sig, waits for exit. */
void bot_kill(bot_proc *b, int sig);

/* SIGTERM, waits (SIGKILL after HARNESS_STOP_TIMEOUT_MS); returns the exit
 * status, 128+signal when killed by a signal, -1 when not running. A bot
 * that does not exit 0, or whose log (over all its runs) holds a sanitizer
 * report, is a failed check of the current test, with the end of its log
 * printed. A test that expects another exit uses bot_wait_exit. */
int bot_stop(bot_proc *b);

/* Runs "<bin>/mentorbot --config CONF admin ARGS..." (args as printf, split
 * on spaces but honouring "double quotes"), returns the exit code (-1 when
 * it could not run); the last non-empty line of stdout is copied to
 * last_line (may be NULL), the whole stderr to err (may be NULL). */
int bot_admin(bot_proc *b, char *last_line, size_t size, char *err, size_t err_size,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Milliseconds on the monotonic clock, for deadlines and for timing a call. */
long long harness_now_ms(void);

/* Polls every 10 ms until cond(arg) returns nonzero or timeout; returns 1
 * when it did. */
int wait_until(int (*cond)(void *), void *arg, int timeout_ms);

/* The folder the binaries under test come from ($MENTORBOT_BIN_DIR, default
 * "build/test"). */
const char *harness_bin_dir(void);

/* Runs a shell command (printf-style); returns its exit code (-1 when it did
 * not exit normally) with stdout and stderr together in out. */
int harness_run(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
