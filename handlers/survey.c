/*
 * Surveys: placeholder until the survey engine lands; nothing is offered.
 */
#include "handlers/flows.h"

int survey_in_progress(const hctx *h) { (void)h; return 0; }
mb_status survey_on_text(hctx *h, const char *text) { (void)h; (void)text; return MB_OK; }
mb_status survey_on_button(hctx *h, const char *action, const char *arg)
{
    (void)action;
    (void)arg;
    return flow_refuse_button(h, "no survey in progress");
}
mb_status survey_after_registration(hctx *h) { (void)h; return MB_OK; }
void survey_menu_items(hctx *h, keyboard *kb) { (void)h; (void)kb; }
mb_status survey_back(hctx *h) { return reply_text(h, T(h, "cancel.nothing"), NULL); }
