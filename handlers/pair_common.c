/*
 * What the pair's screens (pair.c), its messages (pair_write.c) and its
 * meeting planning (pair_plan.c) share: whose mentorship a payload names,
 * the dialog, sending. It calls none of them, so pair.c may route to the
 * other two without a circle.
 */
#include "handlers/pair_internal.h"
#include "handlers/timezone.h"

#include <stdlib.h>
#include <string.h>

int pair_is_active(const hctx *h) { return h->has_account && strcmp(h->acct.status, "active") == 0; }

pair_role pair_load_mine(hctx *h, long long id, mentorship *m)
{
    if (!pair_is_active(h) || mentorship_load(h->d, id, m) != MB_OK || strcmp(m->state, "active") != 0) return PAIR_NONE;
    if (m->mentor_id == h->acct.id) return PAIR_MENTOR;
    for (int i = 0; i < m->nmentees; i++)
        if (m->mentees[i] == h->acct.id) return PAIR_MENTEE;
    if (strcmp(h->acct.role, "curator") == 0 && h->acct.org_id == m->org_id) return PAIR_CURATOR;
    return PAIR_NONE;
}

int pair_in_mentorship(const mentorship *m, int64_t id)
{
    if (m->mentor_id == id) return 1;
    for (int i = 0; i < m->nmentees; i++)
        if (m->mentees[i] == id) return 1;
    return 0;
}

int pair_paused(hctx *h, const mentorship *m)
{
    account a;
    for (int i = 0; i < m->nmentees; i++)
        if (account_load(h->d, m->mentees[i], &a) == MB_OK && strcmp(a.status, "pending_consent") == 0) return 1;
    return 0;
}

mb_status pair_tell_paused(hctx *h)
{
    mb_status rc = ctx_set_state(h, "");
    return rc ? rc : reply_text(h, T(h, "pair.paused"), NULL);
}

int pair_has_minor(hctx *h, const mentorship *m)
{
    account a;
    for (int i = 0; i < m->nmentees; i++)
        if (account_load(h->d, m->mentees[i], &a) == MB_OK && strcmp(a.category, "pupil") == 0) return 1;
    return account_load(h->d, m->mentor_id, &a) == MB_OK && strcmp(a.category, "pupil") == 0;
}

mb_status pair_send_and_free(hctx *h, char *text, keyboard *kb)
{
    mb_status rc = text ? reply_text(h, text, kb) : MB_ERR_NOMEM;
    free(text);
    kb_free(kb);
    return rc;
}

mb_status pair_set_dialog(hctx *h, const char *state, int64_t ms, int64_t to)
{
    cJSON *data = cJSON_CreateObject();
    if (!data || !cJSON_AddNumberToObject(data, "mentorship", (double)ms) ||
        (to && !cJSON_AddNumberToObject(data, "to", (double)to))) {
        cJSON_Delete(data);
        return MB_ERR_NOMEM;
    }
    cJSON_Delete(h->data);
    h->data = data;
    return ctx_set_state(h, state);
}

void pair_zone_of(hctx *h, int64_t org_id, char *buf, size_t size)
{
    person_zone(h->d, h->acct.id, org_id, buf, size);
}
