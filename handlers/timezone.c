/*
 * A person's own timezone, for someone who lives in another zone than
 * their organisation (a mentor from a company in another region, a
 * student studying elsewhere): meeting times are then shown, and reminders
 * kept out of the night, by their own clock. The choice is among Russia's
 * zones by their usual names; «Как у организации» follows the
 * organisation again.
 */
#include "handlers/flows.h"
#include "handlers/payload.h"
#include "handlers/timezone.h"
#include "storage/records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* IANA zones and the catalog keys of their names; index = payload. */
static const struct {
    const char *zone;
    const char *key;
} zones[] = {
    {"Europe/Kaliningrad", "tz.kaliningrad"}, {"Europe/Moscow", "tz.moscow"},
    {"Europe/Samara", "tz.samara"},           {"Asia/Yekaterinburg", "tz.yekaterinburg"},
    {"Asia/Omsk", "tz.omsk"},                 {"Asia/Novosibirsk", "tz.novosibirsk"},
    {"Asia/Irkutsk", "tz.irkutsk"},           {"Asia/Yakutsk", "tz.yakutsk"},
    {"Asia/Vladivostok", "tz.vladivostok"},   {"Asia/Magadan", "tz.magadan"},
    {"Asia/Kamchatka", "tz.kamchatka"},
};
#define ZONES (sizeof zones / sizeof zones[0])
_Static_assert(ZONES == TIMEZONE_ZONES, "TIMEZONE_ZONES counts the zones offered");

void person_zone(db *d, int64_t account_id, int64_t org_id, char *buf, size_t size)
{
    account_zone_get(d, account_id, buf, size);
    if (buf[0]) return;
    org o;
    snprintf(buf, size, "%s", org_get(d, org_id, &o) == MB_OK ? o.timezone : "");
}

void timezone_menu_button(hctx *h, keyboard *kb)
{
    kb_button(kb, T(h, "tz.menu"), "tz:ask");
}

static mb_status ask(hctx *h)
{
    char mine[64];
    account_zone_get(h->d, h->acct.id, mine, sizeof mine);
    keyboard kb = {0};
    for (size_t i = 0; i < ZONES; i++) {
        char data[16], label[96];
        snprintf(data, sizeof data, "tz:%zu", i);
        snprintf(label, sizeof label, "%s%s", strcmp(mine, zones[i].zone) == 0 ? "✓ " : "", T(h, zones[i].key));
        if (i % 2 == 0) kb_row(&kb);
        kb_button(&kb, label, data);
    }
    kb_row(&kb);
    kb_button(&kb, T(h, "tz.org"), "tz:org");
    org o;
    if (org_get(h->d, h->acct.org_id, &o)) o.timezone[0] = 0;
    char *text = TF(h, "tz.ask", "zone", o.timezone[0] ? o.timezone : "UTC", NULL);
    mb_status rc = text ? reply_text(h, text, &kb) : MB_ERR_NOMEM;
    free(text);
    kb_free(&kb);
    return rc;
}

mb_status timezone_on_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action, (void)n;
    const char *arg = f[0].word;   /* ask, org, or a zone's index (routes.c) */
    if (!h->has_account || strcmp(h->acct.status, "active") != 0) return flow_refuse_button(h, "not an active person");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (strcmp(arg, "ask") == 0) return ask(h);
    if (strcmp(arg, "org") == 0) {
        if ((rc = account_zone_set(h->d, h->acct.id, ""))) return rc;
        return reply_text(h, T(h, "tz.set_org"), NULL);
    }
    long long i = f[0].number;
    if ((rc = account_zone_set(h->d, h->acct.id, zones[i].zone))) return rc;
    char *text = TF(h, "tz.set", "zone", T(h, zones[i].key), NULL);
    rc = text ? reply_text(h, text, NULL) : MB_ERR_NOMEM;
    free(text);
    return rc;
}
