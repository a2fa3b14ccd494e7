/*
 * Fuzz target: the checks of survey answers. The input is what a person
 * typed; it goes to every item of an instrument covering each item type
 * (and of the shipped instruments in locales/surveys when they are there)
 * through instrument_check_typed, and as a stored value through
 * instrument_value_valid, instrument_answer_has and instrument_applies.
 * A value the check accepts and stores must count as valid when it is read
 * back. The input is also parsed as an instrument file.
 */
#include "fuzz/fuzz.h"

#include "util/instrument.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INSTRUMENTS_MAX 4

static const char every_type[] =
    "{\"key\":\"fuzz\",\"title\":{\"ru\":\"Т\",\"en\":\"T\"},\"items\":["
    "{\"id\":\"one\",\"type\":\"single\",\"text\":{\"ru\":\"?\"},"
    " \"choices\":[{\"value\":\"a\",\"text\":{\"ru\":\"А\"}},{\"value\":\"b\",\"text\":{\"ru\":\"Б\"}}]},"
    "{\"id\":\"many\",\"type\":\"multiple\",\"min\":1,\"text\":{\"ru\":\"?\"},"
    " \"choices\":[{\"value\":\"a\",\"text\":{\"ru\":\"А\"}},{\"value\":\"b\",\"text\":{\"ru\":\"Б\"}}]},"
    "{\"id\":\"scale\",\"type\":\"scale\",\"min\":1,\"max\":5,\"text\":{\"ru\":\"?\"}},"
    "{\"id\":\"count\",\"type\":\"number\",\"min\":-3,\"max\":100000,\"text\":{\"ru\":\"?\"},"
    " \"when\":{\"item\":\"one\",\"equals\":\"a\"}},"
    "{\"id\":\"when\",\"type\":\"date\",\"past\":true,\"text\":{\"ru\":\"?\"},"
    " \"when\":{\"item\":\"many\",\"has\":\"b\"}},"
    "{\"id\":\"exam\",\"type\":\"date\",\"optional\":true,\"text\":{\"ru\":\"?\"},"
    " \"when\":{\"item\":\"one\",\"in\":[\"a\",\"b\"]}},"
    "{\"id\":\"words\",\"type\":\"text\",\"max_chars\":10,\"text\":{\"ru\":\"?\"}}]}";

static instrument *instruments[INSTRUMENTS_MAX];
static int ninstruments;

static void load(const char *body, size_t len, const char *name)
{
    char err[256];
    instrument *ins = NULL;
    if (instrument_parse(body, len, name, &ins, err, sizeof err) == MB_OK && ninstruments < INSTRUMENTS_MAX)
        instruments[ninstruments++] = ins;
    else if (ins)
        instrument_free(ins);
    else
        fprintf(stderr, "survey_answer: %s\n", err);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    load(every_type, sizeof every_type - 1, "every_type.json");
    if (ninstruments != 1) abort();
    static const char *const shipped[] = {"locales/surveys/pupil_request.json",
                                          "locales/surveys/mentor_competence.json",
                                          "locales/surveys/teacher_request.json"};
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        FILE *f = fopen(shipped[i], "rb");
        if (!f) continue;
        static char buf[INSTRUMENT_BODY_MAX];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        load(buf, n, shipped[i]);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *typed = fuzz_cstring(data, size);
    if (!typed) return 0;
    cJSON *answers = cJSON_Parse(typed);
    for (int k = 0; k < ninstruments; k++) {
        const instrument *ins = instruments[k];
        for (int i = 0; i < ins->nitems; i++) {
            const instrument_item *it = &ins->items[i];
            char value[INSTRUMENT_ANSWER_MAX];
            answer_problem pr = instrument_check_typed(it, typed, 20261202, value, sizeof value);
            if (pr < ANSWER_OK || pr > ANSWER_USE_BUTTONS) abort();
            if (pr == ANSWER_OK && !instrument_value_valid(it, value)) abort();
            (void)instrument_value_valid(it, typed);
            (void)instrument_choice_index(it, typed);
            (void)instrument_applies(it, answers);
        }
        (void)instrument_item_index(ins, typed);
    }
    (void)instrument_answer_has(typed, "a");
    cJSON_Delete(answers);
    free(typed);

    char err[256];
    instrument *ins = NULL;
    if (instrument_parse((const char *)data, size, "input.json", &ins, err, sizeof err) == MB_OK) {
        if (!ins || ins->nitems < 1) abort();
        instrument_free(ins);
    } else if (ins || !err[0]) {
        abort();   /* a refused file always says why and leaves nothing */
    }
    return 0;
}
