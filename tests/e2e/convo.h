/*
 * Conversation steps for end-to-end tests, so a test reads as a script:
 *   say(&c, 1001, "/start CODE");  expect(&c, 1001, "Вас приглашают");
 *   press(&c, 1001, "Педагог");    expect(&c, 1001, "Вы даёте согласие");
 * Each step checks what a user would see and records a failed CHECK with the
 * line of the script when it does not happen.
 */
#ifndef MB_E2E_CONVO_H
#define MB_E2E_CONVO_H

#include "tests/e2e/harness.h"

#define CONVO_USERS_MAX 16
#define CONVO_WAIT_MS 8000
#define CONVO_SKIP_MAX 12   /* messages expect_some steps over */

typedef struct convo_user {
    long long id;
    char name[64];
    char lang[8];
    long long seq;          /* last call of this chat already read */
    cJSON *last;            /* the last message the bot showed, for press() */
} convo_user;

/* The messenger the conversation runs on: "tg" (default), "vk" or "max".
 * Tests that describe a conversation once run it on each by setting this
 * before convo_start (convo_each_transport). */
extern const char *convo_transport;
/* More options for the simulator convo_start starts (NULL-terminated; NULL
 * = none), e.g. {"--max-webhook-ca", "tests/fixtures/tls/cert.pem", NULL}. */
extern const char *const *convo_sim_args;

typedef struct convo {
    const char *transport;     /* copied from convo_transport at start */
    sim_proc sim;
    bot_proc bot;
    convo_user users[CONVO_USERS_MAX];
    int nusers;
} convo;

/* Starts the simulator and a bot with extra config (may be NULL). 0 on success. */
int convo_start(convo *c, const char *name, const char *extra_conf);
void convo_stop(convo *c);

/* Stops the bot and starts it again with its clock offset_s seconds ahead
 * of the real one (MENTORBOT_CLOCK_OFFSET_S, for this start only). 0 when
 * it started. */
int convo_restart_after(convo *c, long long offset_s);

/* The same with the bot's clock at utc_s (UTC seconds) when it starts. */
int convo_restart_at(convo *c, long long utc_s);

/* Declares a user (Telegram id, first name, language code). */
void convo_user_add(convo *c, long long id, const char *name, const char *lang);

/* The user writes text. */
void say_at(convo *c, long long user, const char *text, const char *file, int line);
/* The user sends a photo (kind "photo") or a file called name (kind
 * "document") with caption (may be NULL), described as the messenger
 * describes it (Telegram: several photo sizes); ref gets the reference
 * the bot must send it on by (the largest size's file_id, VK's
 * photo<owner>_<id>_<access_key>, or MAX's image:<token> / file:<token>). */
void say_media_at(convo *c, long long user, const char *kind, const char *name, const char *caption, char *ref,
                  size_t ref_size, const char *file, int line);
#define say_media(c, u, k, n, cap, ref, rs) say_media_at(c, u, k, n, cap, ref, rs, __FILE__, __LINE__)
/* The user sends count photos at once with caption: on Telegram an album
 * (a message per photo, the caption on the first), on VK and MAX one
 * message with them all; refs gets their references, comma-separated. */
void say_photos_at(convo *c, long long user, int count, const char *caption, char *refs, size_t refs_size,
                   const char *file, int line);
/* 1 when say_photos gives one message with every photo (VK, MAX), 0 when a
 * message per photo (a Telegram album): what the bot receives, and so
 * what it passes on, differs. */
int convo_photos_in_one_message(const convo *c);
#define say_photos(c, u, n, cap, refs, rs) say_photos_at(c, u, n, cap, refs, rs, __FILE__, __LINE__)
/* The photo or file a message of the bot carries by reference ("" when
 * none): sendPhoto's photo, sendDocument's document, messages.send's
 * attachment. */
const char *convo_media_ref(const convo *c, const cJSON *call);
/* The last message the bot showed the user (what expect returned the text
 * of), or NULL. */
const cJSON *convo_last(convo *c, long long user);

/* The user presses the button whose label contains label on the last message
 * that had buttons; returns 0 when there was no such button. */
int press_at(convo *c, long long user, const char *label, const char *file, int line);
/* The bot's next message to the user must contain needle; returns its text
 * (owned by the convo, valid until the next step for this user) or NULL. */
const char *expect_at(convo *c, long long user, const char *needle, const char *file, int line);
/* The same, and that message must be an edit of the message shown last
 * (where the user pressed a button), not a new one. */
const char *expect_edit_at(convo *c, long long user, const char *needle, const char *file, int line);
/* The user presses a button carrying data, whatever the bot showed
 * (forged or stale presses). */
void press_data_at(convo *c, long long user, const char *data, const char *file, int line);
/* Nothing more arrives for the user within ms. */
void expect_silence_at(convo *c, long long user, int ms, const char *file, int line);

/* The next message to the user that contains needle, stepping over up to
 * CONVO_SKIP_MAX others (a menu, a survey offer); its text, or NULL with a
 * failed CHECK when none comes. */
const char *expect_some_at(convo *c, long long user, const char *needle, const char *file, int line);
/* Waits up to ms for the bot's database to answer sql (one integer) with
 * at least want; 1 when it did. For what the bot records a moment after
 * the user sees it. */
int convo_wait_count(convo *c, long long want, int ms, const char *sql);

/* Reads whatever the bot still has to show the user (a menu after
 * registration, a survey offer) until it is quiet for ms; the last message
 * is kept for press(). */
void convo_drain(convo *c, long long user, int ms);

/* Answers the registration after the greeting of an invite: presses the
 * category (a button label), for a pupil the grade (a label; NULL for
 * others) and writes the year of birth, consents and writes the name, in
 * the user's language. The message after the name (the end of the
 * registration, or why it cannot end) is left to the caller. */
void answer_registration_at(convo *c, long long user, const char *category, const char *grade, const char *year,
                            const char *name, const char *file, int line);
/* The first part of it: the category (and age) up to the consent
 * question, whose text it returns (NULL when it did not come). */
const char *answer_until_consent_at(convo *c, long long user, const char *category, const char *grade,
                                    const char *year, const char *file, int line);
#define answer_until_consent(c, u, cat, grade, year) answer_until_consent_at(c, u, cat, grade, year, __FILE__, __LINE__)
#define answer_registration(c, u, cat, grade, year, name) \
    answer_registration_at(c, u, cat, grade, year, name, __FILE__, __LINE__)

#define say(c, u, t) say_at(c, u, t, __FILE__, __LINE__)
#define expect_some(c, u, n) expect_some_at(c, u, n, __FILE__, __LINE__)
#define press(c, u, l) press_at(c, u, l, __FILE__, __LINE__)
#define expect(c, u, n) expect_at(c, u, n, __FILE__, __LINE__)
#define expect_edit(c, u, n) expect_edit_at(c, u, n, __FILE__, __LINE__)
#define expect_silence(c, u, ms) expect_silence_at(c, u, ms, __FILE__, __LINE__)
#define press_data(c, u, d) press_data_at(c, u, d, __FILE__, __LINE__)

/* Runs an admin command; returns its last stdout line in a static buffer
 * ("" on failure, with a failed CHECK). */
const char *admin_at(convo *c, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define admin(c, ...) admin_at(c, __FILE__, __LINE__, __VA_ARGS__)

/* The code after "start=" (Telegram) or "ref=" (VK) in a link (static buffer). */
const char *code_of(const char *link);

/* Runs one SQL query returning one integer against the bot's database
 * (read-only); -1 on error. */
long long db_query_int(const char *db_path, const char *sql);

/*
 * The next file the bot sends to user (a document or a photo), stepping
 * over other messages: its bytes (NUL-terminated, caller frees), the name
 * it is shown under (a document's) and its caption. NULL and a failed
 * CHECK when no file comes.
 */
char *expect_document_at(convo *c, long long user, char *name, size_t name_size, char *caption, size_t caption_size,
                         const char *file, int line);
#define expect_document(c, u, n, ns, cap, caps) expect_document_at(c, u, n, ns, cap, caps, __FILE__, __LINE__)
/* The same with the file's length in *len, for files that hold NUL bytes. */
char *expect_file_at(convo *c, long long user, char *name, size_t name_size, char *caption, size_t caption_size,
                     size_t *len, const char *file, int line);
#define expect_file(c, u, n, ns, cap, caps, len) expect_file_at(c, u, n, ns, cap, caps, len, __FILE__, __LINE__)
/* The same for a picture, which must come as a photo (Telegram's
 * sendPhoto, a VK photo), not as a document: a failed CHECK otherwise. */
char *expect_photo_at(convo *c, long long user, char *caption, size_t caption_size, size_t *len, const char *file,
                      int line);
#define expect_photo(c, u, cap, caps, len) expect_photo_at(c, u, cap, caps, len, __FILE__, __LINE__)

/* Files in the bot's report folder (<db>.files), after waiting a few
 * seconds for them to go. */
int convo_files_left(convo *c);

/* Runs sql on the bot's database (a failed CHECK when it fails). */
void db_exec(const char *db_path, const char *sql);

/* 1 when the bot's log contains needle. */
int log_contains(const bot_proc *b, const char *needle);
/* How many times the bot's log holds needle. */
int log_count(const bot_proc *b, const char *needle);

/* The next message the bot shows the user (either messenger), advancing
 * *seq; NULL after ms. The caller deletes it. */
cJSON *convo_wait(convo *c, long long user, long long *seq, int ms);
/* The text of a message convo_wait returned. */
const char *convo_text(const convo *c, const cJSON *call);

/* The simulator's name of the bot's plain message call on the
 * conversation's messenger (sendMessage, messages.send, max.messages), as
 * sim_count_calls and /sim/fault take it. */
const char *convo_send_method(const convo *c);

/* Runs run_all once on each messenger ("tg", then "vk"), setting
 * convo_transport, or only on the one argv[1] names ("tg", "vk" or
 * "max"): the way one conversation description runs on every transport.
 * MAX runs only when named. */
void convo_each_transport(int argc, char **argv, void (*run_all)(void));

/* Waits up to timeout_ms for the bot to exit on its own; returns its exit
 * code, or -1 after killing it when it did not. */
int bot_wait_exit(bot_proc *b, int timeout_ms);

/* A messenger user who has written /start once (a messenger lets a bot
 * write to someone only then) and read that an invite is needed; known to
 * the conversation by the name their messenger shows. */
#define convo_greeted(c, user, shown) convo_greeted_at(c, user, shown, __FILE__, __LINE__)
void convo_greeted_at(convo *c, long long user, const char *shown, const char *file, int line);

/* A participant as registration leaves them, written into the bot's
 * database: active, in organisation org, with a profile, reachable as user
 * in the conversation's messenger (who must have written to the bot once).
 * category "pupil" gets grade 8. Returns the account id. */
long long convo_seed_person(convo *c, const char *org, long long user, const char *role, const char *category,
                            const char *name);

/* The local date (YYYY-MM-DD) days after today in a zone utc_offset_s
 * from UTC, without daylight-saving time. */
void convo_local_day(long utc_offset_s, int days, char *buf, size_t size);

/* The CPU time (user + system) the bot process used so far, in ms; -1
 * when it cannot be read. */
long long convo_cpu_ms(const bot_proc *b);
/* The same for any process of this user. */
long long convo_pid_cpu_ms(pid_t pid);

/* A busy-loop watch: CPU and wall time at its start. convo_busy_check
 * fails the test when the bot spent more than a fifth of the wall time
 * since convo_busy_start on the CPU. */
typedef struct convo_busy { long long wall_ms, cpu_ms; } convo_busy;
void convo_busy_start(convo_busy *w, const bot_proc *b);
int convo_busy_check_at(const convo_busy *w, const bot_proc *b, const char *file, int line);
#define convo_busy_check(w, b) convo_busy_check_at(w, b, __FILE__, __LINE__)

/* Runs "admin outbox list --state STATE" into out (stdout and stderr);
 * returns its exit code. */
int convo_outbox_list(convo *c, const char *state, char *out, size_t size);

#endif
