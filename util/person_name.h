/*
 * Checking a person's name as typed: cleaned like any short line
 * (util/text.h), never cut. A name needs letters: emoji, digits and signs
 * alone are refused, and one over the limit is refused, not shortened.
 */
#ifndef MB_PERSON_NAME_H
#define MB_PERSON_NAME_H

#include <stddef.h>

typedef enum person_name_problem {
    PERSON_NAME_OK = 0,
    PERSON_NAME_TOO_LONG,    /* more characters than allowed */
    PERSON_NAME_NO_LETTERS,  /* too short, or no letter in it (emoji only) */
    PERSON_NAME_NOMEM
} person_name_problem;

/*
 * Cleans typed and checks it: at least min_chars characters, at most
 * max_chars, at least one letter of some alphabet. On PERSON_NAME_OK the
 * cleaned name is in out (size bytes, which must hold max_chars characters).
 */
person_name_problem person_name_check(const char *typed, size_t min_chars, size_t max_chars, char *out,
                                      size_t size);

#endif
