/*
 * The invite code inside what a person pastes: the code itself in any
 * letter case, or the whole link that carries it,
 *   https://t.me/<bot>?start=CODE        t.me/<bot>?start=CODE
 *   tg://resolve?domain=<bot>&start=CODE
 *   https://vk.me/<community>?ref=CODE   https://vk.com/write-1?ref=CODE
 * Codes are written in lower case (storage/invites.h), so the code is
 * lower-cased; a trailing dot or other punctuation copied with the link goes.
 */
#ifndef MB_INVITE_CODE_H
#define MB_INVITE_CODE_H

#include <stddef.h>

#define INVITE_CODE_TEXT_MAX 512   /* bytes of pasted text that are looked at */

/*
 * Writes the code found in text into out (size bytes). Returns 1 when text
 * is a single word that is a code (letters, digits, "_", "-") or a link with
 * a start= or ref= parameter; 0 otherwise (out is then "").
 */
int invite_code_from_text(const char *text, char *out, size_t size);

#endif
