/*
 * Mentor recognition in the chat (docs/recognition.md). A mentor sees their
 * points, level and what each point came from, and may hide from the
 * rankings the curator publishes; the curator sees the organisation's
 * ranking, publishes it to the organisation's mentors (without those who
 * hide), and gets printable letters of thanks as PDF: for a mentor whose
 * mentorship held its final meeting, and for the parents of a pupil-mentor
 * (sent to the parent's chat when the bot knows it, else to the curator).
 *
 * Button data:
 *   rg:v  rg:h:1  rg:h:0     the mentor's points; hide from / show in rankings
 *   rk:v  rk:p  rk:s         the curator's ranking; ask to publish; publish
 *   rc:ID  rl:ID             the letter of thanks for mentorship ID's mentor;
 *                            the letter to the parents of that pupil-mentor
 */
#ifndef MB_RECOGNITION_HANDLER_H
#define MB_RECOGNITION_HANDLER_H

#include "handlers/context.h"
#include "handlers/reply.h"
#include "storage/mentorships.h"

#define RECOGNITION_RANKING_SHOWN 50     /* mentors listed in a ranking message */

/* The mentor's menu entry (active mentors only). */
void recognition_menu_items(hctx *h, keyboard *kb);
mb_status recognition_button(hctx *h, const char *action, const payload_field *f, int n);

/* The curator's menu entry and buttons (routes.c checks the role). */
void curator_recognition_menu_items(hctx *h, keyboard *kb);
mb_status curator_recognition_button(hctx *h, const char *action, const payload_field *f, int n);

/* Adds the letter buttons to kb when m's mentor may have one: its final
 * meeting was held and confirmed by both sides. Returns 1 when it added any. */
int curator_recognition_offer(hctx *h, const mentorship *m, keyboard *kb);

#endif
