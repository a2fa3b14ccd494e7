/*
 * What an erased person (/forget) leaves in other people's records: their
 * name in messages the bot queued or sent to others (a curator's lists, a
 * parent's greeting, a mentor's introduction), in dialogs and job payloads,
 * and in report files waiting in the files folder.
 *
 * account_forget (storage/accounts.c) erases the person's own rows; this
 * module finds the name in everything else. A queued message keeps going
 * with a stand-in for the name, so its reader still gets a sensible text;
 * a sent one keeps its stored text with the stand-in too. A report file
 * that names the person is removed, and a report still waiting to go out
 * becomes a short note asking for a new export.
 */
#ifndef MB_ERASE_H
#define MB_ERASE_H

#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"

/* Characters a shortened button label ("Яна Ю…") must keep of a name for
 * the shortened name to be recognised and replaced. */
#define ERASE_PREFIX_MIN_CHARS 3
#define ERASE_FILE_MAX (16u * 1024 * 1024)   /* bytes of a report file read to look for a name */

/* A text in the reader's language (language may be "" or NULL when the
 * reader has no account: the default language then). */
typedef const char *(*erase_text_fn)(void *arg, const char *language);

typedef struct erase_words {
    erase_text_fn stand_in;    /* what replaces the name, e.g. "a participant (name erased)" */
    erase_text_fn withdrawn;   /* the note replacing a queued report file that named the person */
    erase_text_fn message;     /* what replaces a message the person wrote to someone through the bot */
    void *arg;
} erase_words;

typedef struct erase_stats {
    int messages;   /* outbox rows whose stored text was rewritten */
    int reports;    /* queued report files turned into a note */
    int files;      /* report files removed */
    int records;    /* dialog and job rows rewritten */
} erase_stats;

/*
 * Replaces every occurrence of name in text with stand_in, and every label
 * cut short from it (a prefix of at least ERASE_PREFIX_MIN_CHARS characters
 * followed by "…"). Returns a malloc'd copy when something was replaced,
 * NULL when nothing was (or memory ran out: *failed is then set).
 */
char *erase_replace_name(const char *text, const char *name, const char *stand_in, int *failed);

/*
 * Rewrites every outbox row, dialog and job payload that carries name,
 * and deals with report files under files_dir (may be NULL) that contain
 * it. Runs inside the caller's transaction. A file is removed after its
 * message was rewritten; should the caller roll back, the file stays
 * removed and its message fails like any whose file vanished. A person
 * who shares the full name with the erased one loses it from the stored
 * texts too: a text cannot tell them apart. stats may be NULL.
 */
mb_status erase_name_everywhere(db *d, const char *name, const char *files_dir, const erase_words *w,
                                erase_stats *stats);

/*
 * The messages the person wrote through the bot to the people of their
 * mentorships (each delivered with a button to answer them, data
 * "pr:w:<mentorship>:<account_id>"): their words go whole, queued or
 * sent, replaced by w->message, and the answer button with them. Adds to
 * stats->messages. Runs inside the caller's transaction.
 */
mb_status erase_messages_from(db *d, int64_t account_id, const erase_words *w, erase_stats *stats);

/*
 * The people on the other side of the person's active mentorships: for a
 * mentee their mentor, for a mentor their mentees. At most max ids go into
 * ids; returns how many there are (-1 on a database error). Read before
 * the erasure, so the others can be told afterwards.
 */
int erase_partners(db *d, int64_t account_id, int64_t *ids, int max);

/*
 * Ends the person's part in every active mentorship, as the curator's
 * "end" would: as a mentee they leave (a mentorship left with no mentee
 * ends), as a mentor their mentorships end and the mentees go back to the
 * queue. The mentor's places are freed. account_forget calls it.
 */
mb_status erase_leave_mentorships(db *d, int64_t account_id);

/*
 * The person's part in meetings: their after-meeting comments are erased
 * (the answer and the usefulness mark stay, as figures of the programme)
 * and they leave every planned meeting from now on, so an activity shared
 * with others goes on without them. Their own mentorships' meetings were
 * cancelled when erase_leave_mentorships ended them. account_forget calls it.
 */
mb_status erase_meetings(db *d, int64_t account_id);

/* Lists the person's chats and their parents' (the chats they answered a
 * consent request in) for erase_sweep_listed; called before the erasure
 * takes the person's identities away. */
mb_status erase_list_chats(db *d, int64_t account_id);

/* The delivery records of the chats erase_list_chats listed, reading
 * those chats' rows only: unless someone is reached in the chat again,
 * messages already delivered or given up are deleted, and so is the
 * chat's last message number once no message is on its way there; the
 * chat then leaves the list (as it does when someone is reached there:
 * its records stay). *unfinished gets the number of messages to listed
 * chats still on their way, so the caller can sweep again later. */
mb_status erase_sweep_listed(db *d, int *unfinished);

/* erase_sweep_listed after listing every chat that belongs to nobody (an
 * erased person's farewell, a parent's greeting), reading the whole
 * outbox: the sweep of a job queued by a version before erased_chats. */
mb_status erase_sweep_chats(db *d, int *unfinished);

#endif
