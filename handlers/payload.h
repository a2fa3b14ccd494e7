/*
 * Reading button payloads ("action:arg:arg", at most 64 bytes) strictly.
 * Every payload the bot reads is one it wrote itself, so anything that is
 * not exactly that shape is a forged or stale press and is refused: no
 * trailing text, no signs, spaces or leading zeros in numbers, no numbers
 * past their range. The readers advance a cursor so a parse can check each
 * separator and then that nothing is left (payload_end). routes.c splits
 * every press and reads its fields with payload_fields, as the route
 * table declares them; no handler reads a payload itself.
 */
#ifndef MB_PAYLOAD_H
#define MB_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#define PAYLOAD_NUMBER_MAX 999999999999999999LL   /* 18 digits: ids never come near */
#define PAYLOAD_WORD_MAX 32                       /* bytes of one word */
#define PAYLOAD_LOG_MAX (4 * 64 + 1)              /* payload_escape of 64 bytes fits */
#define PAYLOAD_ACTION_MAX 16                     /* bytes of an action, with its NUL */

/* Splits data ("action" or "action:fields") into its action, a word (see
 * payload_take_word) of fewer than size bytes copied into action, and the
 * fields after the first ':' (*fields, pointing into data; "" when there
 * are none). 0 when the action is not such a word, or a ':' is followed by
 * nothing: the bot writes neither, so such data is forged. */
int payload_split(const char *data, char *action, size_t size, const char **fields);

/* Reads a number at *p: decimal digits only, no leading zero unless it is 0,
 * at most limit (limit <= PAYLOAD_NUMBER_MAX). On success advances *p past it
 * and returns 1; otherwise returns 0 and leaves *p. */
int payload_take_number(const char **p, long long limit, long long *out);

/* Reads a word at *p: one or more of a-z, 0-9 and '_', shorter than size
 * bytes, copied into buf. Advances *p on success (1); 0 otherwise. */
int payload_take_word(const char **p, char *buf, size_t size);

/* 1 (and advances *p) when **p is c. */
int payload_take_char(const char **p, char c);

/* 1 when nothing is left at p. */
int payload_end(const char *p);

/* One field of a payload as payload_fields reads it: a word (see
 * payload_take_word) when min and limit are both 0, else a number from min
 * to limit (with a '-' when min is negative; "-0" is refused). The route
 * table (routes.c) declares them; handlers get them filled in. */
typedef struct payload_field {
    long long least, most;            /* in: both 0 for a word, else the number's range */
    long long number;              /* out, for a number; 0 for a word */
    char word[PAYLOAD_WORD_MAX];   /* out: the field as written, a number's digits too */
} payload_field;

/* Reads the fields of a payload ("s:12:3", the part after the action)
 * into f, in order, each as f[i] declares it. Returns how many fields s
 * has (1 to count) when all of s was read that way; 0 when s is empty, has
 * more than count fields, or a field is not what its f[i] asks for. The
 * one reader of the buttons' fields, so each refuses the same way. */
int payload_fields(const char *s, payload_field *f, int count);

/*
 * Copies payload data into buf (size bytes, at least 1) for a log line:
 * printable ASCII and well-formed UTF-8 stay as they are; control bytes,
 * bytes of broken UTF-8, '\\' and '"' are written as \xNN. A payload that
 * does not fit is cut on a whole escape and ends in "...".
 */
void payload_escape(const char *data, char *buf, size_t size);

#endif
