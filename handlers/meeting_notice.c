#include "handlers/meeting_calendar.h"
#include "handlers/meeting_notice.h"
#include "handlers/reply.h"
#include "handlers/timezone.h"
#include "storage/records.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void meeting_notice_when(db *d, const meeting *m, const char *lang, char *buf, size_t size)
{
    org o;
    tz_format(org_get(d, m->org_id, &o) == MB_OK ? o.timezone : NULL, m->starts_at, lang, 1, buf, size);
}

void meeting_notice_when_for(db *d, const meeting *m, int64_t reader, const char *lang, char *buf, size_t size)
{
    char zone[64];
    person_zone(d, reader, m->org_id, zone, sizeof zone);
    tz_format(zone, m->starts_at, lang, 1, buf, size);
}

/* The text of key for one reader; NULL when memory ran out. */
static char *notice_for(db *d, const bot_env *env, const meeting *m, const account *reader,
                        const meeting_notice_opts *o)
{
    const char *key = o->key;
    int count = o->count;
    const i18n *t = env->texts;
    const char *lang = i18n_pick_language(t, reader->language);
    char kind_key[48], when[64], minutes[16], variant[I18N_KEY_MAX + 1];
    snprintf(kind_key, sizeof kind_key, "meeting.kind.%s", m->kind);
    meeting_notice_when_for(d, m, reader->id, lang, when, sizeof when);
    snprintf(minutes, sizeof minutes, "%d", m->minutes);
    char *where = m->place[0]  ? i18n_format(t, lang, "meeting.where_place", "place", m->place, NULL)
                  : m->link[0] ? i18n_format(t, lang, "meeting.where_link", "link", m->link, NULL)
                               : i18n_format(t, lang, m->format[0] == 'o' ? "meeting.where_online"
                                                                          : "meeting.where_unknown", NULL);
    char *topic_line = m->topic[0] ? i18n_format(t, lang, "meeting.topic", "topic", m->topic, NULL) : NULL;
    char *topic = NULL, *text = NULL, *meetings = count ? i18n_plural(t, lang, "meetings", count, NULL) : NULL;
    if (!where || (m->topic[0] && !topic_line) || (count && !meetings)) goto out;
    size_t len = topic_line ? strlen(topic_line) + 2 : 1;
    if (!(topic = malloc(len))) goto out;
    snprintf(topic, len, "%s%s", topic_line ? "\n" : "", topic_line ? topic_line : "");
    text = i18n_format(t, lang, key_for_reader(env, lang, reader, key, variant, sizeof variant), "kind",
                       i18n_text(t, lang, kind_key), "when", when, "minutes", minutes, "where", where, "topic", topic,
                       "count", meetings, "name", o->name ? o->name : "", "old", o->old_when ? o->old_when : "",
                       NULL);
out:
    free(meetings);
    free(where);
    free(topic_line);
    free(topic);
    return text;
}

static int leaves_out(db *d, const bot_env *env, const meeting *m, const meeting_participant *p,
                      const meeting_notice_opts *o)
{
    return p->account_id == o->skip_account || (o->only_account && p->account_id != o->only_account) ||
           (o->skip_declined && strcmp(p->response, "declined") == 0) || (o->only_unanswered && p->outcome[0]) ||
           (o->leave_out && o->leave_out(d, env, m, p, o->leave_out_arg));
}

mb_status meeting_notice_send_opts(db *d, const bot_env *env, const meeting *m, const meeting_notice_opts *o,
                                   int *told)
{
    meeting_participant *who = NULL;
    int n = meeting_participants_all(d, m->id, MEETING_NOTICE_PARTICIPANTS_MAX, &who);
    mb_status rc = n < 0 ? MB_ERR_DB : MB_OK;
    int sent = 0, calendar = meeting_calendar_offered(o->key);
    for (int i = 0; i < n && !rc; i++) {
        account reader;
        /* a pupil waiting for a parent's consent (never given, or
         * withdrawn) hears nothing of the pair's meetings meanwhile */
        if (leaves_out(d, env, m, &who[i], o) || account_load(d, who[i].account_id, &reader) != MB_OK ||
            strcmp(reader.status, "pending_consent") == 0)
            continue;
        char *text = notice_for(d, env, m, &reader, o);
        if (!text) {
            rc = MB_ERR_NOMEM;
            break;
        }
        keyboard kb = {0};
        const char *lang = i18n_pick_language(env->texts, reader.language);
        if (o->buttons) o->buttons(env->texts, lang, m, &kb);
        if (calendar) meeting_calendar_button(env->texts, lang, m, &kb);
        rc = reply_to_account(d, reader.id, text, o->buttons || calendar ? &kb : NULL);
        kb_free(&kb);
        free(text);
        if (rc == MB_ERR_NOT_FOUND) rc = MB_OK;   /* no messenger left: nothing to tell */
        else if (!rc) sent++;
    }
    free(who);
    if (told) *told = sent;
    return rc;
}

mb_status meeting_notice_send(db *d, const bot_env *env, const meeting *m, const char *key, int *told)
{
    meeting_notice_opts o = {.key = key};
    return meeting_notice_send_opts(d, env, m, &o, told);
}

mb_status meeting_notice_send_series(db *d, const bot_env *env, const meeting *first, int count, int *told)
{
    meeting_notice_opts o = {.key = "meeting.added_weekly", .count = count};
    return meeting_notice_send_opts(d, env, first, &o, told);
}
