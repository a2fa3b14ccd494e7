/*
 * CSV as spreadsheets write it: quotes, doubled quotes, line breaks inside
 * quotes, CRLF, a byte-order mark, empty lines, and line numbers that match
 * what an operator sees in an editor.
 */
#include "tests/unit.h"

#include "util/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void start(csv_reader *r, const char *text, char delimiter)
{
    csv_init(r, text, strlen(text), delimiter);
}

TEST(plain_records_split_on_the_delimiter)
{
    csv_reader r;
    start(&r, "name,type\nЛицей №1,school\n", ',');
    CHECK_INT(csv_next(&r), 1);
    CHECK_INT(r.count, 2);
    CHECK_STR(r.fields[0], "name");
    CHECK_INT(csv_next(&r), 1);
    CHECK_INT(r.line, 2);
    CHECK_STR(r.fields[0], "Лицей №1");
    CHECK_STR(r.fields[1], "school");
    CHECK_INT(csv_next(&r), 0);
    CHECK_INT(csv_next(&r), 0);
}

TEST(quoted_fields_keep_delimiters_quotes_and_line_breaks)
{
    csv_reader r;
    start(&r, "\"Школа №5, корпус 2\",\"Центр \"\"Радуга\"\"\",\"две\r\nстроки\",\"\"\r\nlast,x\r\n", ',');
    CHECK_INT(csv_next(&r), 1);
    CHECK_INT(r.count, 4);
    CHECK_STR(r.fields[0], "Школа №5, корпус 2");
    CHECK_STR(r.fields[1], "Центр \"Радуга\"");
    CHECK_STR(r.fields[2], "две\r\nстроки");
    CHECK_STR(r.fields[3], "");
    CHECK_INT(csv_next(&r), 1);
    CHECK_INT(r.line, 3);   /* the quoted line break counts */
    CHECK_STR(r.fields[0], "last");
    CHECK_INT(csv_next(&r), 0);
}

TEST(bom_crlf_empty_lines_and_empty_fields)
{
    csv_reader r;
    start(&r, "\xEF\xBB\xBFname;tz\r\n\r\nA;\r\n;\r\n\r\n", ';');
    CHECK_INT(csv_next(&r), 1);
    CHECK_STR(r.fields[0], "name");   /* no mark before the first name */
    CHECK_INT(csv_next(&r), 1);
    CHECK_INT(r.line, 3);
    CHECK_INT(r.count, 2);
    CHECK_STR(r.fields[0], "A");
    CHECK_STR(r.fields[1], "");
    CHECK_INT(csv_next(&r), 1);
    CHECK_INT(r.line, 4);
    CHECK_INT(r.count, 2);
    CHECK_INT(csv_next(&r), 0);
    /* the last line may lack its line break */
    start(&r, "a,b", ',');
    CHECK_INT(csv_next(&r), 1);
    CHECK_STR(r.fields[1], "b");
    CHECK_INT(csv_next(&r), 0);
    /* a quote inside an unquoted field is a character */
    start(&r, "Школа \"Радуга\",x\n", ',');
    CHECK_INT(csv_next(&r), 1);
    CHECK_STR(r.fields[0], "Школа \"Радуга\"");
}

TEST(broken_records_are_refused_with_their_line)
{
    csv_reader r;
    start(&r, "a,b\n\"open,b\nc,d\n", ',');
    CHECK_INT(csv_next(&r), 1);
    CHECK_INT(csv_next(&r), -1);
    CHECK_INT(r.line, 2);
    CHECK_CONTAINS(r.error, "not closed");
    CHECK_INT(csv_next(&r), 0);   /* nothing after a broken record */

    start(&r, "a,b\n\"x\"y,b\n", ',');
    CHECK_INT(csv_next(&r), 1);
    CHECK_INT(csv_next(&r), -1);
    CHECK_INT(r.line, 2);
    CHECK_CONTAINS(r.error, "after a closing quote");

    static char big[CSV_RECORD_MAX + 100];
    memset(big, 'x', sizeof big - 1);
    start(&r, big, ',');
    CHECK_INT(csv_next(&r), -1);
    CHECK_CONTAINS(r.error, "too long");

    char many[CSV_FIELDS_MAX * 2 + 4];
    memset(many, ',', CSV_FIELDS_MAX);
    many[CSV_FIELDS_MAX] = 0;   /* CSV_FIELDS_MAX commas: one field too many */
    start(&r, many, ',');
    CHECK_INT(csv_next(&r), -1);
    CHECK_CONTAINS(r.error, "too many fields");
    many[CSV_FIELDS_MAX - 1] = 0;
    start(&r, many, ',');
    CHECK_INT(csv_next(&r), 1);
    CHECK_INT(r.count, CSV_FIELDS_MAX);
}

TEST(written_records_read_back_and_formulas_stay_text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/out.csv", unit_tmpdir());
    FILE *f = fopen(path, "w");
    const char *header[] = {"Наставник", "Наставляемый", "Заметка"};
    const char *row[] = {"Иванов; Пётр", "Оля \"Звезда\"", "=HYPERLINK(\"http://x\")"};
    const char *row2[] = {"две\nстроки", "", NULL};
    CHECK_INT(csv_write_record(f, header, 3, ';'), 0);
    CHECK_INT(csv_write_record(f, row, 3, ';'), 0);
    CHECK_INT(csv_write_record(f, row2, 3, ';'), 0);
    fclose(f);
    size_t len = 0;
    char *text = unit_read_file(path, &len);
    CHECK(text != NULL);
    if (!text) return;
    /* records end in CRLF, as spreadsheets expect */
    CHECK_CONTAINS(text, "Наставник;Наставляемый;Заметка\r\n");
    csv_reader r;
    csv_init(&r, text, len, ';');
    CHECK_INT(csv_next(&r), 1);
    CHECK_INT(csv_next(&r), 1);
    CHECK_INT(r.count, 3);
    CHECK_STR(r.fields[0], "Иванов; Пётр");
    CHECK_STR(r.fields[1], "Оля \"Звезда\"");
    /* a leading apostrophe: a spreadsheet shows the text, it never runs it */
    CHECK_STR(r.fields[2], "'=HYPERLINK(\"http://x\")");
    CHECK_INT(csv_next(&r), 1);
    CHECK_STR(r.fields[0], "две\nстроки");
    CHECK_STR(r.fields[1], "");
    CHECK_STR(r.fields[2], "");
    CHECK_INT(csv_next(&r), 0);
    free(text);
}

int main(void)
{
    RUN(plain_records_split_on_the_delimiter);
    RUN(quoted_fields_keep_delimiters_quotes_and_line_breaks);
    RUN(bom_crlf_empty_lines_and_empty_fields);
    RUN(broken_records_are_refused_with_their_line);
    RUN(written_records_read_back_and_formulas_stay_text);
    return unit_summary();
}
