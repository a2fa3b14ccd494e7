/*
 * Survey instruments as data: a JSON file with the instrument's key, its
 * texts in Russian and English, and its items in the order they are asked.
 *
 *   {"key": "pupil_request", "title": {"ru": "...", "en": "..."},
 *    "intro": {...}, "outro": {...},            (optional)
 *    "forms": ["teacher_teacher"],              (optional profile default)
 *    "items": [
 *      {"id": "help", "type": "multiple", "text": {...}, "profile": "topics",
 *       "choices": [{"value": "learning", "text": {...}}, ...]},
 *      {"id": "subject", "type": "text", "max_chars": 100, "text": {...},
 *       "when": {"item": "help", "has": "learning"}},
 *      {"id": "hope", "type": "scale", "min": 1, "max": 10, "text": {...},
 *       "min_label": {...}, "max_label": {...}}, ...]}
 *
 * Item types: single, multiple, scale, number, date, text. Optional item
 * fields: "when" ({"item", and one of "equals", "has", "in"}), "prefill"
 * (account.category or account.grade: the item is skipped when registration
 * already knows a valid answer), "optional" (a Skip button), "profile" (the
 * profile field the answer feeds; checked by the survey module, which knows
 * the profile codes), "past" (dates: not later than today), "future" (dates:
 * not earlier than today; a date already gone is asked about again),
 * "satisfaction" (scales: the item counts in the respondent's satisfaction,
 * the mean a poll stores, docs/polls.md).
 *
 * Answers are stored as text: a choice value, a JSON array of values for
 * multiple choice, a decimal integer, an ISO date YYYY-MM-DD (a month or a
 * year given without a day is stored as its first day), or the text. Dates
 * and numbers are read as util/typed.h describes («в мае», «2 раза»).
 *
 * This module knows no database and no handler: parsing, conditions and
 * the checking of typed answers, so each can be tested alone.
 */
#ifndef MB_INSTRUMENT_H
#define MB_INSTRUMENT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util/status.h"

#define INSTRUMENT_BODY_MAX (256 * 1024)  /* bytes of one instrument file */
#define INSTRUMENT_KEY_MAX 32             /* bytes of an instrument key */
#define INSTRUMENT_ITEMS_MAX 60           /* items in one instrument */
#define INSTRUMENT_CHOICES_MAX 40         /* choices of one item */
#define INSTRUMENT_ITEM_ID_MAX 16         /* bytes of an item id: "sv:RUN:ITEM:op:VALUE" fits 64 bytes */
#define INSTRUMENT_VALUE_MAX 18           /* bytes of a choice value */
#define INSTRUMENT_TEXT_MAX 1000          /* characters of a question, in any language */
#define INSTRUMENT_TITLE_MAX 80           /* characters of an instrument title */
#define INSTRUMENT_LABEL_MAX 38           /* characters of a choice label: with "✓ " it fits VK's 40 */
#define INSTRUMENT_SHORT_TEXT_MAX 500     /* the largest max_chars a text item may ask for */
#define INSTRUMENT_NUMBER_LIMIT 1000000   /* |min| and |max| of numbers and scales */
#define INSTRUMENT_SCALE_STEPS_MAX 10     /* buttons of a scale: a VK inline keyboard holds 10 */
#define INSTRUMENT_DATE_YEAR_MIN 1940     /* earlier years are taken for a typo */
#define INSTRUMENT_ANSWER_MAX 2048        /* bytes of one stored answer */

typedef enum item_type {
    ITEM_SINGLE = 0,
    ITEM_MULTIPLE,
    ITEM_SCALE,
    ITEM_NUMBER,
    ITEM_DATE,
    ITEM_TEXT
} item_type;

typedef enum when_kind { WHEN_ALWAYS = 0, WHEN_EQUALS, WHEN_HAS, WHEN_IN } when_kind;

typedef struct instrument_choice {
    const char *value;
    const cJSON *text;            /* {"ru": ..., "en": ...} */
} instrument_choice;

typedef struct instrument_item {
    const char *id;
    item_type type;
    const cJSON *text;
    instrument_choice *choices;   /* single, multiple */
    int nchoices;
    int least, most;                 /* scale, number; multiple: least selections (min) */
    const cJSON *low_label, *high_label;   /* scale, may be NULL */
    int chars_limit;                /* text */
    int optional;
    int satisfaction;             /* scale: counts in the respondent's satisfaction (polls) */
    int past;                     /* date: not later than today */
    int future;                   /* date: not earlier than today */
    const char *prefill;          /* "account.category" | "account.grade" | NULL */
    const char *profile;          /* profile field name or NULL */
    when_kind when;
    const char *when_item;
    const char *when_value;       /* equals, has */
    const cJSON *when_values;     /* in: array of strings */
} instrument_item;

typedef struct instrument {
    cJSON *root;                  /* owns every string and text above */
    const char *key;
    const cJSON *title, *intro, *outro;   /* intro and outro may be NULL */
    const cJSON *forms;           /* array of form codes or NULL */
    instrument_item *items;
    int nitems;
    int items_alloc;              /* entries allocated, read or not */
} instrument;

/*
 * Parses and checks an instrument. file names it in errors, which read
 *   pupil_request.json: item "help": choice 3 has no "value"
 * On success *out owns the instrument (instrument_free); on failure *out is
 * NULL, err gets one line and the result is MB_ERR_PARSE (not JSON) or
 * MB_ERR_INVALID (a field is missing or wrong) or MB_ERR_LIMIT.
 */
mb_status instrument_parse(const char *body, size_t len, const char *file, instrument **out, char *err,
                           size_t err_size);
void instrument_free(instrument *ins);

/* The text in lang, falling back to Russian and then to any string; "" when
 * t holds none. Owned by the instrument. */
const char *instrument_text(const cJSON *t, const char *lang);
/* The text for a reader of a kind: "<lang>_<variant>" (as "ru_pupil",
 * written with «ты») when t has it, else instrument_text(). */
const char *instrument_text_variant(const cJSON *t, const char *lang, const char *variant);

/* Index of the item with this id, -1 when none. */
int instrument_item_index(const instrument *ins, const char *id);
/* Index of the choice with this value, -1 when none. */
int instrument_choice_index(const instrument_item *it, const char *value);

/*
 * Answers so far, as an object {"item": "value", ...}. 1 when the item's
 * condition holds for them; a condition on an unanswered item does not
 * hold.
 */
int instrument_applies(const instrument_item *it, const cJSON *answers);

/* 1 when a stored multiple-choice answer (a JSON array) holds value. */
int instrument_answer_has(const char *answer, const char *value);

/* Why a typed answer is refused. */
typedef enum answer_problem {
    ANSWER_OK = 0,
    ANSWER_NOT_NUMBER,     /* number, scale */
    ANSWER_OUT_OF_RANGE,   /* number, scale */
    ANSWER_BAD_DATE,       /* not a date that can be read, or no such day */
    ANSWER_FUTURE_DATE,    /* a "past" date after today */
    ANSWER_PAST_DATE,      /* a "future" date before today */
    ANSWER_EMPTY,          /* text with nothing in it */
    ANSWER_TOO_LONG,       /* text over max_chars */
    ANSWER_USE_BUTTONS     /* single and multiple take buttons only */
} answer_problem;

/*
 * Checks what a person typed for an item and writes the value to store into
 * value (size bytes): the number, the date as YYYY-MM-DD, or the cleaned
 * text. today is YYYYMMDD: it resolves a date typed without a year and
 * checks "past" and "future" dates.
 */
answer_problem instrument_check_typed(const instrument_item *it, const char *typed, int today, char *value,
                                      size_t size);

/* 1 when a stored value is a valid answer to the item (choices known,
 * numbers in range), so answers copied from an older version can be kept. */
int instrument_value_valid(const instrument_item *it, const char *value);

/* Parses DD.MM.YYYY (one or two digits for day and month) into YYYYMMDD;
 * 0 when it is not a date that exists. */
int instrument_parse_date(const char *s);

#endif
