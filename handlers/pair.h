/*
 * The pair's own screens, messages passed through the bot, problems told
 * to the curator, and meetings planned in the chat (handlers/pair.c).
 */
#ifndef MB_PAIR_H
#define MB_PAIR_H

#include "handlers/context.h"
#include "handlers/reply.h"

/* «Моя пара» / «Мои наставляемые» for a mentee or mentor with a pair. */
void pair_menu_items(hctx *h, keyboard *kb);

/* «Встречи»: the organisation's meetings of the next two weeks, for a curator. */
void pair_curator_menu_items(hctx *h, keyboard *kb);

/* 1 when a pupil takes part in m: its conversation is open to the curator. */
struct mentorship;
int pair_has_minor(hctx *h, const struct mentorship *m);

#define PAIR_ACTIVITY_KINDS 4   /* training, business game, mini-project, other: pr:k:0 to pr:k:3 */

/* "pr:" buttons. */
mb_status pair_on_button(hctx *h, const char *action, const payload_field *f, int n);

/* A message, a problem or a meeting time the pair dialog waits for. */
int pair_wants_text(const hctx *h);
mb_status pair_on_text(hctx *h, const char *text);

/* A photo or file (with its caption) the write dialog passes on, on the
 * same messenger; any other place answers a photo as before. */
int pair_wants_attachment(const hctx *h);
mb_status pair_on_attachment(hctx *h);

#endif
