/*
 * Text helpers: what counts as valid UTF-8, how Telegram counts length,
 * cleaning a typed name, splitting long texts, invite codes.
 */
#include "tests/unit.h"

#include "util/text.h"

#include <stdlib.h>
#include <string.h>

#define CODE_ALPHABET "abcdefghjkmnpqrstuvwxyz023456789"

static int valid(const char *s) { return text_utf8_valid(s, strlen(s)); }

TEST(utf8_validation)
{
    CHECK(valid(""));
    CHECK(valid("hello"));
    CHECK(valid("Привет, мир"));
    CHECK(valid("😀 \xF4\x8F\xBF\xBF"));            /* U+10FFFF, the last code point */
    CHECK(!valid("\xC0\x80"));                        /* overlong NUL */
    CHECK(!valid("\xC1\xBF"));                        /* overlong 2-byte */
    CHECK(!valid("\xE0\x80\xAF"));                    /* overlong 3-byte "/" */
    CHECK(!valid("\xF0\x80\x80\xAF"));                /* overlong 4-byte */
    CHECK(!valid("\xED\xA0\x80"));                    /* high surrogate U+D800 */
    CHECK(!valid("\xED\xBF\xBF"));                    /* low surrogate U+DFFF */
    CHECK(!valid("\xF4\x90\x80\x80"));                /* above U+10FFFF */
    CHECK(!valid("\xE2\x82"));                        /* truncated euro sign */
    CHECK(!valid("ok\xF0\x9F\x98"));                  /* truncated emoji at the end */
    CHECK(!valid("\x80"));                            /* lone continuation byte */
    CHECK(!valid("\xF8\x88\x80\x80\x80"));            /* 5-byte form */
    CHECK(!valid("\xFF"));
    /* The length is honoured: a sequence cut by n is invalid. */
    CHECK(!text_utf8_valid("Пр", 1));
    CHECK(text_utf8_valid("Пр", 2));
}

TEST(utf16_length_counts_as_telegram_does)
{
    CHECK_INT(text_utf16_len(""), 0);
    CHECK_INT(text_utf16_len("abc"), 3);
    CHECK_INT(text_utf16_len("Привет"), 6);
    CHECK_INT(text_utf16_len("😀"), 2);
    CHECK_INT(text_utf16_len("a😀б"), 4);
    CHECK_INT(text_utf16_len("€"), 1);
    CHECK_INT(text_utf16_len("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9"), 5);   /* man ZWJ woman */
    CHECK_INT(text_codepoints("Привет😀"), 7);
}

static void check_clean(const char *in, size_t max, const char *want)
{
    char *got = text_clean_line(in, max);
    CHECK(got != NULL);
    if (!got) return;
    if (strcmp(got, want) != 0)
        fprintf(stderr, "  text_clean_line(\"%s\", %zu) = \"%s\", expected \"%s\"\n", in, max, got, want);
    CHECK_STR(got, want);
    CHECK(text_utf8_valid(got, strlen(got)));
    free(got);
}

TEST(clean_line_makes_a_tidy_name)
{
    check_clean("Аня", 64, "Аня");
    check_clean("  Аня   Петрова  ", 64, "Аня Петрова");
    check_clean("Аня\tПетрова\r\n", 64, "Аня Петрова");
    check_clean("A\x01n\x1B[31mna\x7F", 64, "An[31mna");
    check_clean("\xE2\x80\xAE" "avoN" "\xE2\x80\xAC", 64, "avoN");          /* RTL override and pop */
    check_clean("Ma\xE2\x80\x8Fria \xE2\x81\xA6x\xE2\x81\xA9", 64, "Maria x"); /* RLM, isolates */
    check_clean("a\xFF" "b\xC0\x80" "c", 64, "abc");                           /* invalid bytes dropped */
    check_clean(" \t\n ", 64, "");
    check_clean("Анна\xC2\xA0Мария", 64, "Анна Мария");                        /* no-break space folds */
}

TEST(clean_line_cuts_on_a_character_boundary)
{
    check_clean("Жёлудь", 3, "Жёл");
    check_clean("ab😀cd", 3, "ab😀");
    check_clean("😀😀😀😀", 2, "😀😀");
    char *long_name = malloc(400);
    if (!long_name) { CHECK(long_name != NULL); return; }
    long_name[0] = 0;
    for (int i = 0; i < 100; i++) strcat(long_name, "я");
    char *got = text_clean_line(long_name, 64);
    CHECK(got != NULL);
    if (got) {
        CHECK_INT(text_codepoints(got), 64);
        CHECK_INT(strlen(got), 128);
        free(got);
    }
    free(long_name);
}

/* A cut that falls on a space must not glue two words together. */
TEST(clean_line_cut_at_a_space_keeps_words_apart)
{
    check_clean("ab cd", 3, "ab");
    check_clean("Иван Петров", 5, "Иван");
    check_clean("Иван Петров", 6, "Иван П");
}

/* Checks the pieces of s: each within max units and whole UTF-8, and all of
 * them together give s back. Returns the count. */
static size_t check_split(const char *s, size_t max, size_t **starts_out, size_t **lens_out)
{
    size_t *starts = NULL, *lens = NULL;
    size_t n = text_split(s, max, &starts, &lens);
    CHECK(n > 0);
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK_INT(starts[i], pos);
        char *piece = strndup(s + starts[i], lens[i]);
        if (!piece) { CHECK(piece != NULL); break; }
        CHECK(text_utf16_len(piece) <= max);
        CHECK(lens[i] > 0);
        CHECK(text_utf8_valid(piece, lens[i]));
        free(piece);
        pos += lens[i];
    }
    CHECK_INT(pos, strlen(s));
    if (starts_out) *starts_out = starts; else free(starts);
    if (lens_out) *lens_out = lens; else free(lens);
    return n;
}

static char *repeat(const char *unit, size_t times)
{
    size_t u = strlen(unit);
    char *s = malloc(u * times + 1);
    if (!s) return NULL;
    for (size_t i = 0; i < times; i++) memcpy(s + i * u, unit, u);
    s[u * times] = 0;
    return s;
}

TEST(split_short_text_is_one_piece)
{
    CHECK_INT(check_split("Привет", 4096, NULL, NULL), 1);
    char *s = repeat("a", 4096);
    if (s) CHECK_INT(check_split(s, 4096, NULL, NULL), 1);
    free(s);
    s = repeat("a", 4097);
    if (s) CHECK_INT(check_split(s, 4096, NULL, NULL), 2);
    free(s);
    /* longer than the limit in bytes, not in characters: still one piece */
    s = repeat("ж", 3000);
    size_t *lens = NULL;
    if (s && check_split(s, 4096, NULL, &lens) == 1) CHECK_INT(lens[0], 6000);
    else CHECK(0);
    free(lens);
    free(s);
}

TEST(split_cyrillic_ten_thousand_into_three)
{
    char *s = repeat("ж", 10000);
    if (!s) { CHECK(s != NULL); return; }
    CHECK_INT(check_split(s, 4096, NULL, NULL), 3);
    free(s);
}

TEST(split_never_cuts_an_emoji)
{
    char *s = repeat("😀", 3000);   /* 6000 UTF-16 units */
    if (!s) { CHECK(s != NULL); return; }
    size_t *lens = NULL;
    /* An odd limit: a cut by units would fall in the middle of a pair. */
    size_t n = check_split(s, 4095, NULL, &lens);
    CHECK_INT(n, 2);
    if (n == 2) CHECK_INT(lens[0], 2047 * 4);
    free(lens);
    free(s);
}

TEST(split_prefers_a_line_break_then_a_space)
{
    char *a = repeat("a", 3000), *b = repeat("b", 3000);
    if (!a || !b) { CHECK(a && b); free(a); free(b); return; }
    size_t len = 6001 + 4;
    char *s = malloc(len + 1);
    if (!s) { free(a); free(b); return; }
    snprintf(s, len + 1, "%s\n%s x y", a, b);
    size_t *lens = NULL;
    size_t n = check_split(s, 4096, NULL, &lens);
    CHECK_INT(n, 2);
    if (n >= 1) CHECK_INT(lens[0], 3001);   /* up to and including the line break */
    free(lens);

    /* No line break: the last space before the limit. */
    snprintf(s, len + 1, "%s %s x y", a, b);
    n = check_split(s, 4096, NULL, &lens);
    CHECK_INT(n, 2);
    if (n >= 1) CHECK_INT(lens[0], 3001);
    free(lens);
    free(s);
    free(a);
    free(b);
}

TEST(random_codes)
{
    char a[17], b[17];
    CHECK_INT(text_random_code(a, 16), 0);
    CHECK_INT(text_random_code(b, 16), 0);
    CHECK_INT(strlen(a), 16);
    CHECK_INT(strlen(b), 16);
    CHECK(strspn(a, CODE_ALPHABET) == 16);
    CHECK(strspn(b, CODE_ALPHABET) == 16);
    CHECK(strcmp(a, b) != 0);
    /* Over many codes every letter of the alphabet shows up and no other. */
    int seen[256] = {0};
    for (int i = 0; i < 200; i++) {
        char c[17];
        CHECK_INT(text_random_code(c, 16), 0);
        for (int k = 0; k < 16; k++) seen[(unsigned char)c[k]] = 1;
    }
    int kinds = 0;
    for (int ch = 0; ch < 256; ch++) {
        if (!seen[ch]) continue;
        kinds++;
        CHECK(strchr(CODE_ALPHABET, ch) != NULL);
    }
    CHECK_INT(kinds, 32);
    char small[5];
    CHECK_INT(text_random_code(small, 4), 0);
    CHECK_INT(strlen(small), 4);
}

int main(void)
{
    RUN(utf8_validation);
    RUN(utf16_length_counts_as_telegram_does);
    RUN(clean_line_makes_a_tidy_name);
    RUN(clean_line_cuts_on_a_character_boundary);
    RUN(clean_line_cut_at_a_space_keeps_words_apart);
    RUN(split_short_text_is_one_piece);
    RUN(split_cyrillic_ten_thousand_into_three);
    RUN(split_never_cuts_an_emoji);
    RUN(split_prefers_a_line_break_then_a_space);
    RUN(random_codes);
    return unit_summary();
}
