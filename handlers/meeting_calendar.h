/*
 * «В календарь»: the button under a meeting's notice and reminder, and the
 * .ics file (util/ics.h) a press on it sends, which a phone's calendar
 * imports. A meeting of a weekly series brings its whole series.
 *
 * Button data: mt:i:MEETING:VERSION (read by handlers/meetings.c).
 */
#ifndef MB_MEETING_CALENDAR_H
#define MB_MEETING_CALENDAR_H

#include "handlers/context.h"
#include "handlers/reply.h"
#include "storage/meetings.h"

/* 1 when the notice key announces a time to come (meeting.added,
 * meeting.added_weekly, meeting.proposed_new, meeting.moved,
 * meeting.reminder): it carries the calendar button. */
int meeting_calendar_offered(const char *key);

/* Adds the calendar button for m, in lang, on a row of its own. */
void meeting_calendar_button(const i18n *t, const char *lang, const meeting *m, keyboard *kb);

/*
 * Answers a press on the calendar button of m (the sender takes part in
 * it): the file of m as it is now, or of the series m belongs to (its
 * meetings from now on, planned and cancelled, and m itself), written under
 * files_dir and queued as a document. Whatever version the button was made
 * for, the file says what holds now: the UID ("meeting-ID@mentorbot") and
 * SEQUENCE (the meeting's version) let the calendar replace what it has, a
 * cancelled meeting comes as STATUS:CANCELLED. Times are in the zone the
 * sender reads them in (person_zone: their own, else the organisation's).
 * A file that cannot be written is told as such; errors of the queue are
 * returned.
 */
mb_status meeting_calendar_send(hctx *h, const meeting *m);

#endif
