#include "util/person_name.h"
#include "util/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one UTF-8 sequence of valid text (text_clean_line drops invalid bytes). */
static size_t next_codepoint(const unsigned char *p, uint32_t *cp)
{
    if (p[0] < 0x80) { *cp = p[0]; return 1; }
    if ((p[0] & 0xE0) == 0xC0 && p[1]) { *cp = ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F); return 2; }
    if ((p[0] & 0xF0) == 0xE0 && p[1] && p[2]) {
        *cp = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        return 3;
    }
    if ((p[0] & 0xF8) == 0xF0 && p[1] && p[2] && p[3]) {
        *cp = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) | ((uint32_t)(p[2] & 0x3F) << 6) |
              (p[3] & 0x3F);
        return 4;
    }
    *cp = 0xFFFD;
    return 1;
}

/* Letters of the alphabets people write names in; emoji, pictographs,
 * arrows, dingbats and symbols lie outside these ranges. */
static int is_letter(uint32_t cp)
{
    if ((cp | 32) >= 'a' && (cp | 32) <= 'z') return 1;
    if (cp >= 0xC0 && cp <= 0x24F) return cp != 0xD7 && cp != 0xF7;   /* Latin with accents */
    if (cp >= 0x370 && cp <= 0x3FF) return 1;                          /* Greek */
    if (cp >= 0x400 && cp <= 0x52F) return 1;                          /* Cyrillic */
    if (cp >= 0x530 && cp <= 0x6FF) return 1;                          /* Armenian, Hebrew, Arabic */
    if (cp >= 0x10A0 && cp <= 0x10FF) return 1;                        /* Georgian */
    if (cp >= 0x1E00 && cp <= 0x1FFF) return 1;                        /* Latin and Greek extended */
    if (cp >= 0x3040 && cp <= 0x9FFF) return 1;                        /* kana, CJK */
    if (cp >= 0xAC00 && cp <= 0xD7A3) return 1;                        /* Hangul */
    return 0;
}

person_name_problem person_name_check(const char *typed, size_t min_chars, size_t max_chars, char *out,
                                      size_t size)
{
    /* No limit while cleaning: a long name must be seen as long, not cut to fit. */
    char *clean = text_clean_line(typed ? typed : "", strlen(typed ? typed : "") + 1);
    if (!clean) return PERSON_NAME_NOMEM;
    person_name_problem pr = PERSON_NAME_OK;
    size_t chars = text_codepoints(clean);
    int letters = 0;
    uint32_t cp;
    for (const unsigned char *p = (const unsigned char *)clean; *p; p += next_codepoint(p, &cp))
        if (next_codepoint(p, &cp) && is_letter(cp)) letters++;
    if (chars > max_chars || strlen(clean) >= size) pr = PERSON_NAME_TOO_LONG;
    else if (chars < min_chars || letters == 0) pr = PERSON_NAME_NO_LETTERS;
    else snprintf(out, size, "%s", clean);
    free(clean);
    return pr;
}
