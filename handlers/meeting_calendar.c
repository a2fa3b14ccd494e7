/*
 * The calendar file of a meeting or its series. Written under
 * bot_env.files_dir with a random name, like the curator's exports, and
 * belonging to the queued message, which removes it once sent.
 */
#include "handlers/meeting_calendar.h"
#include "handlers/timezone.h"
#include "util/clock.h"
#include "util/ics.h"
#include "util/log.h"
#include "util/text.h"
#include "util/tz.h"
#include "util/array.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MINUTE_MS 60000LL
#define SERIES_PAGE 100   /* meetings of a mentorship read at once */

int meeting_calendar_offered(const char *key)
{
    static const char *const keys[] = {"meeting.added", "meeting.added_weekly", "meeting.proposed_new", "meeting.moved",
                                       "meeting.reminder"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(key, keys[i]) == 0) return 1;
    return 0;
}

void meeting_calendar_button(const i18n *t, const char *lang, const meeting *m, keyboard *kb)
{
    char data[64];
    snprintf(data, sizeof data, "mt:i:%lld:%d", (long long)m->id, m->version);
    kb_row(kb);
    kb_button(kb, i18n_text(t, lang, "meeting.btn_calendar"), data);
}

/* In the file: the meeting pressed, and of its series what has not ended. */
static int belongs(const meeting *pressed, const meeting *other, int64_t now)
{
    if (other->id == pressed->id) return 1;
    if (other->series_id != pressed->series_id) return 0;
    if (other->starts_at + other->minutes * MINUTE_MS < now) return 0;
    return strcmp(other->state, "planned") == 0 || strcmp(other->state, "cancelled") == 0;
}

/* The meetings the file holds, by time (caller frees); *n of them. */
static mb_status meetings_of(hctx *h, const meeting *m, meeting **out, int *n)
{
    *out = NULL;
    *n = 0;
    if (!m->series_id || !m->mentorship_id) {
        if (!(*out = malloc(sizeof **out))) return MB_ERR_NOMEM;
        (*out)[0] = *m;
        *n = 1;
        return MB_OK;
    }
    int64_t now = clock_now_ms();
    size_t cap = 0;
    for (int offset = 0;;) {
        meeting *page = NULL;
        int got = 0;
        mb_status rc = meeting_list_mentorship(h->d, m->mentorship_id, offset, SERIES_PAGE, &page, &got);
        if (rc) {
            free(page);
            return rc;
        }
        for (int i = 0; i < got && *n < ICS_EVENTS_MAX; i++) {
            if (!belongs(m, &page[i], now)) continue;
            if (array_grow(out, &cap, (size_t)*n, sizeof **out, 16)) {
                free(page);
                return MB_ERR_NOMEM;
            }
            (*out)[(*n)++] = page[i];
        }
        free(page);
        if (got < SERIES_PAGE || *n == ICS_EVENTS_MAX) return MB_OK;
        offset += got;
    }
}

/* The calendar text of list in zone (caller frees). */
static mb_status calendar_text(hctx *h, const meeting *list, int n, const char *zone, char **text)
{
    ics_event *events = calloc((size_t)n, sizeof *events);
    char (*uids)[48] = calloc((size_t)n, sizeof *uids);
    char **summaries = calloc((size_t)n, sizeof *summaries);
    mb_status rc = MB_ERR_NOMEM;
    if (!events || !uids || !summaries) goto out;
    for (int i = 0; i < n; i++) {
        const meeting *m = &list[i];
        char kind_key[48];
        snprintf(kind_key, sizeof kind_key, "meeting.kind.%s", m->kind);
        snprintf(uids[i], sizeof uids[i], "meeting-%lld@mentorbot", (long long)m->id);
        if (!(summaries[i] = TF(h, "meeting.ics_summary", "kind", T(h, kind_key), NULL))) goto out;
        events[i] = (ics_event){.uid = uids[i],
                                .sequence = m->version,
                                .start_ms = m->starts_at,
                                .end_ms = m->starts_at + m->minutes * MINUTE_MS,
                                .summary = summaries[i],
                                .location = m->place,
                                .url = m->link,
                                .description = m->topic,
                                .cancelled = strcmp(m->state, "cancelled") == 0};
    }
    rc = ics_write(zone, events, (size_t)n, clock_now_ms(), text);
out:
    for (int i = 0; summaries && i < n; i++) free(summaries[i]);
    free(summaries);
    free(uids);
    free(events);
    return rc;
}

/* Writes text into a new file under files_dir; its name into path. */
static mb_status write_file(hctx *h, const meeting *m, const char *text, char *path, size_t size)
{
    const char *dir = h->env->files_dir;
    char code[17];
    if (!dir || !*dir || text_random_code(code, sizeof code - 1)) return MB_ERR_IO;
    code[sizeof code - 1] = 0;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        log_error("meetings", "cannot create %s for a calendar file: %s", dir, strerror(errno));
        return MB_ERR_IO;
    }
    snprintf(path, size, "%s/meeting-%lld-%s.ics", dir, (long long)m->id, code);
    /* "x": never write into a file that is already there */
    FILE *f = fopen(path, "wx");
    if (!f) {
        log_error("meetings", "cannot create %s: %s", path, strerror(errno));
        return MB_ERR_IO;
    }
    int bad = fputs(text, f) < 0;
    if (fclose(f) != 0 || bad) {
        log_error("meetings", "could not write the calendar file %s: %s", path, strerror(errno));
        unlink(path);
        return MB_ERR_IO;
    }
    return MB_OK;
}

mb_status meeting_calendar_send(hctx *h, const meeting *m)
{
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    char zone[64];
    person_zone(h->d, h->acct.id, m->org_id, zone, sizeof zone);
    meeting *list = NULL;
    int n = 0;
    char *text = NULL, *filename = NULL, path[1024];
    if ((rc = meetings_of(h, m, &list, &n))) goto out;
    rc = calendar_text(h, list, n, zone, &text);
    if (rc == MB_OK) rc = write_file(h, m, text, path, sizeof path);
    if (rc == MB_ERR_NOMEM) goto out;
    if (rc) {
        log_error("meetings", "no calendar file for meeting %lld: %s", (long long)m->id, mb_status_str(rc));
        rc = reply_text(h, T(h, "meeting.ics_failed"), NULL);
        goto out;
    }
    char date[32];
    tz_format(zone, m->starts_at, h->lang, 0, date, sizeof date);
    filename = TF(h, n > 1 ? "meeting.ics_filename_series" : "meeting.ics_filename", "date", date, NULL);
    rc = filename ? reply_document(h, path, filename, T(h, "meeting.ics_caption")) : MB_ERR_NOMEM;
    /* Nothing queued it: the file would never be removed. */
    if (rc) unlink(path);
out:
    free(filename);
    free(text);
    free(list);
    return rc;
}
