/*
 * A mentorship's direction (mentorships.direction): what the pair or group
 * works on, set by the curator on the pair's screen or by the mentorships
 * import. career is профориентация, which the city programme's indicators
 * count apart (000 rows 4-14).
 */
#ifndef MB_DIRECTIONS_H
#define MB_DIRECTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"

#define MENTORSHIP_DIRECTIONS X(career) X(learning) X(talent) X(project) X(adaptation) X(social) X(professional)

/* The index of a direction code, -1 when unknown; the code of an index
 * (NULL when out of range); how many there are. */
int direction_index(const char *code);
const char *direction_name(int index);
int direction_count(void);

/* The direction of a mentorship into buf ("" when none set). MB_ERR_NOT_FOUND
 * when there is no such mentorship. */
mb_status direction_get(db *d, int64_t mentorship_id, char *buf, size_t size);

/* Sets it ("" clears it). MB_ERR_INVALID for an unknown code,
 * MB_ERR_NOT_FOUND when there is no such mentorship. */
mb_status direction_set(db *d, int64_t mentorship_id, const char *code);

#endif
