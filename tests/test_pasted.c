/*
 * What people paste or type where the bot expects a code or a name: the
 * invite code inside a link or in capitals, and names that are emoji only
 * or over the limit (refused, never cut).
 */
#include "tests/unit.h"

#include "util/invite_code.h"
#include "util/person_name.h"

#include <string.h>

static const char *code(const char *text)
{
    static char out[64];
    if (!invite_code_from_text(text, out, sizeof out)) return "(none)";
    return out;
}

TEST(invite_codes_come_out_of_links_and_capitals)
{
    CHECK_STR(code("abcd2345efgh6789"), "abcd2345efgh6789");
    CHECK_STR(code("  ABCD2345EFGH6789\n"), "abcd2345efgh6789");
    CHECK_STR(code("https://t.me/school_bot?start=ABCD2345efgh6789"), "abcd2345efgh6789");
    CHECK_STR(code("t.me/school_bot?start=g_abcd2345efgh6789."), "g_abcd2345efgh6789");
    CHECK_STR(code("tg://resolve?domain=school_bot&start=abcd2345efgh6789"), "abcd2345efgh6789");
    CHECK_STR(code("https://vk.me/club123?ref=abcd2345efgh6789&ref_source=x"), "abcd2345efgh6789");
    CHECK_STR(code("https://vk.com/write-123?REF=Abcd2345efgh6789"), "abcd2345efgh6789");
    CHECK_STR(code("https://t.me/school_bot?start="), "(none)");
    CHECK_STR(code("https://t.me/school_bot"), "(none)");
    CHECK_STR(code("привет бот"), "(none)");
    CHECK_STR(code("код: abcd"), "(none)");
    CHECK_STR(code(""), "(none)");
    char small[4];
    CHECK(!invite_code_from_text("abcd2345efgh6789", small, sizeof small));
}

TEST(names_need_letters_and_are_never_cut)
{
    char out[300];
    CHECK_INT(person_name_check("  Анна   Петрова ", 2, 64, out, sizeof out), PERSON_NAME_OK);
    CHECK_STR(out, "Анна Петрова");
    CHECK_INT(person_name_check("Zoë O'Neil", 2, 64, out, sizeof out), PERSON_NAME_OK);
    CHECK_INT(person_name_check("\xF0\x9F\x98\x8E\xF0\x9F\x94\xA5", 2, 64, out, sizeof out), PERSON_NAME_NO_LETTERS);
    CHECK_INT(person_name_check("\xE2\x9C\xA8 \xE2\x9D\xA4\xEF\xB8\x8F", 2, 64, out, sizeof out), PERSON_NAME_NO_LETTERS);
    CHECK_INT(person_name_check("12345", 2, 64, out, sizeof out), PERSON_NAME_NO_LETTERS);
    CHECK_INT(person_name_check("Я", 2, 64, out, sizeof out), PERSON_NAME_NO_LETTERS);
    /* 64 letters and a last name: 72 characters, refused whole */
    char longname[400] = "";
    for (int i = 0; i < 64; i++) strcat(longname, "а");
    strcat(longname, " Иванова");
    strcpy(out, "untouched");
    CHECK_INT(person_name_check(longname, 2, 64, out, sizeof out), PERSON_NAME_TOO_LONG);
    CHECK_STR(out, "untouched");
    longname[2 * 64] = 0;   /* exactly 64 letters fit */
    CHECK_INT(person_name_check(longname, 2, 64, out, sizeof out), PERSON_NAME_OK);
}

int main(void)
{
    RUN(invite_codes_come_out_of_links_and_capitals);
    RUN(names_need_letters_and_are_never_cut);
    return unit_summary();
}
