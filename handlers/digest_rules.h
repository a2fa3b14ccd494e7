/*
 * The rules of weekly digests, from bot.conf's [digest] section
 * (docs/digest.md): the weekday and local hour they come at, and how many
 * files written for sending may wait on disk at once.
 */
#ifndef MB_DIGEST_RULES_H
#define MB_DIGEST_RULES_H

#define DIGEST_FILES_MAX_DEFAULT 200      /* files written and not yet sent, at most */
#define DIGEST_FILES_MAX_LIMIT 100000

typedef struct digest_rules {
    int weekday;      /* 1 Monday .. 7 Sunday; 0 = no weekly digests */
    int hour;         /* local hour, 0..23 */
    int files_limit;    /* files in flight on disk at most */
    char indicator_set[8];   /* the indicator set shown ("000"); "" = the first one */
} digest_rules;

/* Monday, 09:00, DIGEST_FILES_MAX_DEFAULT files, the first indicator set. */
void digest_rules_default(digest_rules *r);
/* "monday".."sunday" (or their first three letters), 1..7, or "off"
 * into *weekday (0 for off); 0 on success. */
int digest_rules_parse_day(const char *text, int *weekday);

#endif
