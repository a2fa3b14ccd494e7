/*
 * Survey instruments as data: instrument files and their errors, the
 * shipped instruments, each item type's checks on what is typed, and the
 * conditions that open follow-up questions. (Whole runs through the
 * dispatcher are in test_survey.c.)
 */
#include "tests/unit.h"

#include "handlers/survey.h"
#include "storage/profiles.h"
#include "util/instrument.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- instruments ---- */

/* Parses body and returns the error line ("" when it parsed). */
static const char *parse_error(const char *body)
{
    static char err[512];
    instrument *ins = NULL;
    err[0] = 0;
    if (instrument_parse(body, strlen(body), "t.json", &ins, err, sizeof err) == MB_OK) err[0] = 0;
    instrument_free(ins);
    return err;
}

#define HEAD "{\"key\":\"t\",\"title\":{\"ru\":\"Т\",\"en\":\"T\"},\"items\":["
#define YESNO "\"choices\":[{\"value\":\"yes\",\"text\":{\"ru\":\"да\"}},{\"value\":\"no\",\"text\":{\"ru\":\"нет\"}}]"

TEST(instrument_errors_name_the_file_and_item)
{
    CHECK_STR(parse_error(HEAD "{\"id\":\"a\",\"type\":\"single\",\"text\":{\"ru\":\"?\"}," YESNO "}]}"), "");
    CHECK_CONTAINS(parse_error("{\"key\":"), "t.json: not valid JSON");
    CHECK_CONTAINS(parse_error(HEAD "{\"id\":\"a\",\"type\":\"slider\",\"text\":{\"ru\":\"?\"}}]}"),
                   "t.json: item \"a\": unknown \"type\" \"slider\"");
    CHECK_CONTAINS(parse_error(HEAD "{\"id\":\"a\",\"type\":\"single\",\"text\":{\"en\":\"?\"}," YESNO "}]}"),
                   "item \"a\": \"text\" has no Russian text");
    CHECK_CONTAINS(parse_error(HEAD "{\"id\":\"a\",\"type\":\"single\",\"text\":{\"ru\":\"?\"},"
                                    "\"choices\":[{\"value\":\"x\",\"text\":{\"ru\":\"x\"}},{\"text\":{\"ru\":\"y\"}}]}]}"),
                   "item \"a\": choice 2 has no \"value\"");
    CHECK_CONTAINS(parse_error(HEAD "{\"id\":\"n\",\"type\":\"number\",\"min\":5,\"max\":1,\"text\":{\"ru\":\"?\"}}]}"),
                   "item \"n\": \"min\" must be below \"max\"");
    CHECK_CONTAINS(parse_error(HEAD "{\"id\":\"s\",\"type\":\"text\",\"text\":{\"ru\":\"?\"}}]}"),
                   "item \"s\": \"max_chars\" is missing");
    CHECK_CONTAINS(parse_error(HEAD "{\"id\":\"a\",\"type\":\"single\",\"text\":{\"ru\":\"?\"}," YESNO "},"
                                    "{\"id\":\"b\",\"type\":\"date\",\"text\":{\"ru\":\"?\"},"
                                    "\"when\":{\"item\":\"a\",\"equals\":\"maybe\"}}]}"),
                   "item \"b\": \"when\" value \"maybe\" is not a choice of \"a\"");
    CHECK_CONTAINS(parse_error(HEAD "{\"id\":\"b\",\"type\":\"date\",\"text\":{\"ru\":\"?\"},"
                                    "\"when\":{\"item\":\"c\",\"equals\":\"x\"}}]}"),
                   "item \"b\": \"when\" refers to \"c\", which is not an earlier item");
    CHECK_CONTAINS(parse_error(HEAD "{\"id\":\"a\",\"type\":\"single\",\"text\":{\"ru\":\"?\"}," YESNO "},"
                                    "{\"id\":\"a\",\"type\":\"date\",\"text\":{\"ru\":\"?\"}}]}"),
                   "item \"a\": the id is used twice");
    CHECK_CONTAINS(parse_error(HEAD "{\"id\":\"Bad-Id\",\"type\":\"date\",\"text\":{\"ru\":\"?\"}}]}"),
                   "item \"Bad-Id\": the id must be");
    CHECK_CONTAINS(parse_error("{\"key\":\"t\",\"title\":{\"ru\":\"Т\"},\"items\":[]}"),
                   "t.json: \"items\" must be a non-empty list");

    /* the profile check names the item and the bad code */
    const char *body = HEAD "{\"id\":\"help\",\"type\":\"multiple\",\"profile\":\"topics\",\"text\":{\"ru\":\"?\"},"
                            "\"choices\":[{\"value\":\"learning\",\"text\":{\"ru\":\"a\"}},"
                            "{\"value\":\"juggling\",\"text\":{\"ru\":\"b\"}}]}]}";
    instrument *ins = NULL;
    char err[512] = "";
    CHECK_INT(instrument_parse(body, strlen(body), "t.json", &ins, err, sizeof err), MB_OK);
    if (ins) {
        CHECK_INT(survey_profile_check(ins, "t.json", err, sizeof err), MB_ERR_INVALID);
        CHECK_CONTAINS(err, "t.json: item \"help\": choice \"juggling\" is not a topics code");
    }
    instrument_free(ins);
}

static instrument *shipped(const char *name)
{
    char path[256], err[512] = "";
    snprintf(path, sizeof path, "locales/surveys/%s.json", name);
    size_t len = 0;
    char *body = unit_read_file(path, &len);
    instrument *ins = NULL;
    if (!body || instrument_parse(body, len, path, &ins, err, sizeof err)) fprintf(stderr, "  %s: %s\n", path, err);
    else if (survey_profile_check(ins, path, err, sizeof err)) fprintf(stderr, "  %s\n", err);
    free(body);
    return ins;
}

TEST(shipped_instruments_parse_and_cover_the_topics)
{
    instrument *pupil = shipped("pupil_request"), *teacher = shipped("teacher_request"),
               *mentor = shipped("mentor_competence");
    CHECK(pupil && teacher && mentor);
    if (!pupil || !teacher || !mentor) goto out;
    /* the mentor list offers every topic a request can ask for */
    const instrument_item *offer = &mentor->items[instrument_item_index(mentor, "help")];
    const instrument_item *asks[] = {&pupil->items[instrument_item_index(pupil, "help")],
                                     &teacher->items[instrument_item_index(teacher, "deficits")]};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < asks[k]->nchoices; i++) CHECK(instrument_choice_index(offer, asks[k]->choices[i].value) >= 0);
    CHECK_INT(offer->nchoices, PROFILE_TOPIC_COUNT);
    /* every item type appears in the pupil's request */
    int seen[ITEM_TEXT + 1] = {0};
    for (int i = 0; i < pupil->nitems; i++) seen[pupil->items[i].type] = 1;
    for (int t = 0; t <= ITEM_TEXT; t++) CHECK_INT(seen[t], 1);
    /* English is there too */
    CHECK_STR(instrument_text(pupil->items[0].text, "en"), "Where do you study?");
    CHECK_STR(instrument_text(pupil->items[0].text, "de"), "Где ты учишься?");
out:
    instrument_free(pupil);
    instrument_free(teacher);
    instrument_free(mentor);
}

static instrument_item item_of(item_type type, int min, int max)
{
    instrument_item it;
    memset(&it, 0, sizeof it);
    it.id = "x";
    it.type = type;
    it.least = min;
    it.most = max;
    it.chars_limit = max;
    return it;
}

TEST(typed_answers_are_checked_per_type)
{
    char v[INSTRUMENT_ANSWER_MAX];
    instrument_item num = item_of(ITEM_NUMBER, 1, 8);
    CHECK_INT(instrument_check_typed(&num, " 4 ", 20261124, v, sizeof v), ANSWER_OK);
    CHECK_STR(v, "4");
    CHECK_INT(instrument_check_typed(&num, "четыре", 20261124, v, sizeof v), ANSWER_OK); /* words are read too */
    CHECK_STR(v, "4");
    CHECK_INT(instrument_check_typed(&num, "много", 20261124, v, sizeof v), ANSWER_NOT_NUMBER);
    CHECK_INT(instrument_check_typed(&num, "4.5", 20261124, v, sizeof v), ANSWER_NOT_NUMBER);
    CHECK_INT(instrument_check_typed(&num, "12", 20261124, v, sizeof v), ANSWER_OUT_OF_RANGE);
    CHECK_INT(instrument_check_typed(&num, "0", 20261124, v, sizeof v), ANSWER_OUT_OF_RANGE);
    CHECK_INT(instrument_check_typed(&num, "99999999999999", 20261124, v, sizeof v), ANSWER_NOT_NUMBER);

    instrument_item scale = item_of(ITEM_SCALE, 1, 10);
    CHECK_INT(instrument_check_typed(&scale, "10", 0, v, sizeof v), ANSWER_OK);
    CHECK_INT(instrument_check_typed(&scale, "11", 0, v, sizeof v), ANSWER_OUT_OF_RANGE);

    instrument_item date = item_of(ITEM_DATE, 0, 0);
    CHECK_INT(instrument_check_typed(&date, "29.02.2024", 20261124, v, sizeof v), ANSWER_OK);
    CHECK_STR(v, "2024-02-29");
    CHECK_INT(instrument_check_typed(&date, "1.9.2025", 20261124, v, sizeof v), ANSWER_OK);
    CHECK_STR(v, "2025-09-01");
    CHECK_INT(instrument_check_typed(&date, "29.02.2025", 20261124, v, sizeof v), ANSWER_BAD_DATE);
    CHECK_INT(instrument_check_typed(&date, "31.04.2025", 20261124, v, sizeof v), ANSWER_BAD_DATE);
    CHECK_INT(instrument_check_typed(&date, "2025-09-01", 20261124, v, sizeof v), ANSWER_OK);
    CHECK_STR(v, "2025-09-01");
    CHECK_INT(instrument_check_typed(&date, "01.09.25", 20261124, v, sizeof v), ANSWER_OK);
    CHECK_STR(v, "2025-09-01");
    CHECK_INT(instrument_check_typed(&date, "вчера", 20261124, v, sizeof v), ANSWER_BAD_DATE);
    CHECK_INT(instrument_check_typed(&date, "01.01.2030", 20261124, v, sizeof v), ANSWER_OK);
    date.past = 1;
    CHECK_INT(instrument_check_typed(&date, "01.01.2030", 20261124, v, sizeof v), ANSWER_FUTURE_DATE);
    CHECK_INT(instrument_check_typed(&date, "24.11.2026", 20261124, v, sizeof v), ANSWER_OK);

    instrument_item text = item_of(ITEM_TEXT, 0, 5);
    CHECK_INT(instrument_check_typed(&text, "  Томск  ", 0, v, sizeof v), ANSWER_OK);
    CHECK_STR(v, "Томск");
    CHECK_INT(instrument_check_typed(&text, "Томск1", 0, v, sizeof v), ANSWER_TOO_LONG);
    CHECK_INT(instrument_check_typed(&text, " \n\t ", 0, v, sizeof v), ANSWER_EMPTY);

    instrument_item single = item_of(ITEM_SINGLE, 0, 0);
    CHECK_INT(instrument_check_typed(&single, "да", 0, v, sizeof v), ANSWER_USE_BUTTONS);
}

TEST(conditions_look_at_earlier_answers)
{
    const char *body = HEAD "{\"id\":\"help\",\"type\":\"multiple\",\"text\":{\"ru\":\"?\"},"
                            "\"choices\":[{\"value\":\"learning\",\"text\":{\"ru\":\"a\"}},"
                            "{\"value\":\"exams\",\"text\":{\"ru\":\"b\"}}]},"
                            "{\"id\":\"who\",\"type\":\"single\",\"text\":{\"ru\":\"?\"},"
                            "\"choices\":[{\"value\":\"a\",\"text\":{\"ru\":\"a\"}},{\"value\":\"b\",\"text\":{\"ru\":\"b\"}},"
                            "{\"value\":\"c\",\"text\":{\"ru\":\"c\"}}]},"
                            "{\"id\":\"subj\",\"type\":\"text\",\"max_chars\":9,\"text\":{\"ru\":\"?\"},"
                            "\"when\":{\"item\":\"help\",\"has\":\"learning\"}},"
                            "{\"id\":\"eq\",\"type\":\"date\",\"text\":{\"ru\":\"?\"},\"when\":{\"item\":\"who\",\"equals\":\"a\"}},"
                            "{\"id\":\"in\",\"type\":\"date\",\"text\":{\"ru\":\"?\"},"
                            "\"when\":{\"item\":\"who\",\"in\":[\"b\",\"c\"]}}]}";
    instrument *ins = NULL;
    char err[256];
    CHECK_INT(instrument_parse(body, strlen(body), "t.json", &ins, err, sizeof err), MB_OK);
    if (!ins) return;
    cJSON *answers = cJSON_CreateObject();
    const instrument_item *subj = &ins->items[2], *eq = &ins->items[3], *in = &ins->items[4];
    CHECK(instrument_applies(&ins->items[0], answers));
    CHECK(!instrument_applies(subj, answers)); /* nothing answered yet */
    CHECK(!instrument_applies(eq, answers) && !instrument_applies(in, answers));
    cJSON_AddStringToObject(answers, "help", "[\"exams\"]");
    CHECK(!instrument_applies(subj, answers));
    cJSON_ReplaceItemInObject(answers, "help", cJSON_CreateString("[\"exams\",\"learning\"]"));
    CHECK(instrument_applies(subj, answers));
    cJSON_AddStringToObject(answers, "who", "a");
    CHECK(instrument_applies(eq, answers) && !instrument_applies(in, answers));
    cJSON_ReplaceItemInObject(answers, "who", cJSON_CreateString("c"));
    CHECK(!instrument_applies(eq, answers) && instrument_applies(in, answers));
    cJSON_Delete(answers);
    instrument_free(ins);
}

int main(void)
{
    RUN(instrument_errors_name_the_file_and_item);
    RUN(shipped_instruments_parse_and_cover_the_topics);
    RUN(typed_answers_are_checked_per_type);
    RUN(conditions_look_at_earlier_answers);
    return unit_summary();
}
