/*
 * A person's own timezone (handlers/timezone.c): "tz:" buttons, and the
 * zone a person's times are told in.
 */
#ifndef MB_TIMEZONE_H
#define MB_TIMEZONE_H

#include "handlers/context.h"
#include "handlers/reply.h"

/* The person's own zone, or their organisation's when they chose none. */
void person_zone(db *d, int64_t account_id, int64_t org_id, char *buf, size_t size);

/* «Часовой пояс» in the menu. */
void timezone_menu_button(hctx *h, keyboard *kb);

#define TIMEZONE_ZONES 11   /* the zones offered, tz:0 to tz:10 */

/* tz:ask, tz:org, tz:N. */
mb_status timezone_on_button(hctx *h, const char *action, const payload_field *f, int n);

#endif
