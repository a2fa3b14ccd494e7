/*
 * Curator flows: placeholder until matching lands; nothing is offered.
 */
#include "handlers/flows.h"

void curator_menu_items(hctx *h, keyboard *kb) { (void)h; (void)kb; }
int curator_owns_action(const char *action) { (void)action; return 0; }
mb_status curator_on_button(hctx *h, const char *action, const char *arg)
{
    (void)action;
    (void)arg;
    return flow_refuse_button(h, "unknown curator action");
}
int curator_wants_text(const hctx *h) { (void)h; return 0; }
mb_status curator_on_text(hctx *h, const char *text) { (void)text; return reply_text(h, T(h, "menu.hint"), NULL); }
