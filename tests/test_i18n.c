#include "tests/unit.h"
#include "util/i18n.h"
#include "util/text.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const ru_en[] = {"ru", "en", NULL};
static const char *const ru_only[] = {"ru", NULL};

static const char *good_ru =
    "# Регистрация\n"                                              /* 1 */
    "reg.ask_name = Как вас зовут?\n"                              /* 2 */
    "reg.welcome = Здравствуйте, {name}! Вы в программе «{org}».\n" /* 3 */
    "\n"                                                           /* 4 */
    "menu.help = Команды:\\n/menu — меню\\n\\\n"                   /* 5 */
    "    /help — справка\n"                                        /* 6 */
    "only.ru = Только по-русски\n"                                 /* 7 */
    "emoji = Привет 👋 {who}\n"                                    /* 8 */
    "braces = {{name} и {{ и {name}\n"                             /* 9 */
    "meetings[one] = {n} встреча\n"                                /* 10 */
    "meetings[few] = {n} встречи\n"                                /* 11 */
    "meetings[many] = {n} встреч\n"                                /* 12 */
    "tasks[one] = {n} задача у {who}\n"                            /* 13 */
    "tasks[many] = {n} задач у {who}\n"                            /* 14 */
    "points = {n} балл(ов)\n"                                      /* 15 */
    "path = C:\\\\temp\\\\ and \\q\\tend\n"                        /* 16 */
    "two.backslashes = one\\\\\n"                                  /* 17 */
    "after = next\n"                                               /* 18 */
    "empty =\n"                                                    /* 19 */
    "spaced   =    внутри  пробелы   \n";                          /* 20 */

static const char *good_en =
    "reg.ask_name = What is your name?\n"
    "reg.welcome = Hello, {name}! You are in “{org}”.\n"
    "meetings[one] = {n} meeting\n"
    "meetings[other] = {n} meetings\n"
    "points = {n} point(s)\n"
    "only.en = English only\n";

/* <tmp>/<name>: one catalog directory per test case. */
static const char *case_dir(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", unit_tmpdir(), name);
    return path;
}

static void write_bytes(const char *name, const char *lang, const char *bytes, size_t n)
{
    char path[600];
    snprintf(path, sizeof path, "%s", case_dir(name));
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/%s", case_dir(name), lang);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/%s/messages.txt", case_dir(name), lang);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, n, f) != n) { perror(path); exit(2); }
    fclose(f);
}

static void write_catalog(const char *name, const char *lang, const char *text)
{
    write_bytes(name, lang, text, strlen(text));
}

static i18n *load_good(void)
{
    char err[512];
    write_catalog("good", "ru", good_ru);
    write_catalog("good", "en", good_en);
    i18n *c = i18n_load(case_dir("good"), ru_en, err, sizeof err);
    if (!c) fprintf(stderr, "  load failed: %s\n", err);
    return c;
}

/* Loading name with one Russian file must fail with "<path>:<where>". */
static void expect_error(const char *name, const char *text, const char *where)
{
    char err[512], want[700];
    write_catalog(name, "ru", text);
    i18n *c = i18n_load(case_dir(name), ru_only, err, sizeof err);
    CHECK(c == NULL);
    snprintf(want, sizeof want, "%s/ru/messages.txt:%s", case_dir(name), where);
    CHECK_CONTAINS(err, want);
    i18n_free(c);
}

TEST(loads_good_catalogs)
{
    i18n *c = load_good();
    CHECK(c != NULL);
    if (!c) return;
    CHECK_STR(i18n_text(c, "ru", "reg.ask_name"), "Как вас зовут?");
    CHECK_STR(i18n_text(c, "en", "reg.ask_name"), "What is your name?");
    CHECK_STR(i18n_text(c, "ru", "menu.help"), "Команды:\n/menu — меню\n/help — справка");
    CHECK_STR(i18n_text(c, "ru", "path"), "C:\\temp\\ and \\q\tend");
    /* An even number of backslashes at the end is text, not a continuation. */
    CHECK_STR(i18n_text(c, "ru", "two.backslashes"), "one\\");
    CHECK_STR(i18n_text(c, "ru", "after"), "next");
    CHECK_STR(i18n_text(c, "ru", "empty"), "");
    CHECK_STR(i18n_text(c, "ru", "spaced"), "внутри  пробелы");
    CHECK_STR(i18n_text(c, "en", "only.en"), "English only");
    i18n_free(c);
    i18n_free(NULL);
}

TEST(loads_crlf_bom_and_last_line_continuation)
{
    char err[256];
    write_catalog("crlf", "ru",
                  "\xEF\xBB\xBF" "first = один\r\n"
                  "# комментарий\r\n"
                  "second = два \\\r\n"
                  "   три\r\n"
                  "last = конец\\");
    i18n *c = i18n_load(case_dir("crlf"), ru_only, err, sizeof err);
    CHECK(c != NULL);
    CHECK_STR(i18n_text(c, "ru", "first"), "один");
    CHECK_STR(i18n_text(c, "ru", "second"), "два три");
    CHECK_STR(i18n_text(c, "ru", "last"), "конец");
    i18n_free(c);
}

TEST(errors_name_file_and_line)
{
    expect_error("no_equals", "a = 1\n# c\nb 2\n", "3: missing '='");
    expect_error("bad_key_case", "\nReg.Name = x\n", "2: bad key 'Reg.Name'");
    expect_error("bad_key_space", "a = 1\nreg name = x\n", "2: bad key 'reg name'");
    expect_error("bad_key_cyr", "ключ = x\n", "1: bad key");
    expect_error("no_key", "a = 1\n\n = x\n", "3: missing key");
    expect_error("bad_form_syntax", "a[one = x\n", "1: bad key");
    expect_error("empty_form", "a[] = x\n", "1: bad key");
    expect_error("duplicate", "# c\nreg.name = a\nx = 1\nreg.name = b\n",
                 "4: duplicate key reg.name (first at line 2)");
    expect_error("utf8", "a = 1\nb = 2\nc = \xff\n", "3: invalid UTF-8");
    expect_error("utf8_overlong", "a = \xC0\xAF\n", "1: invalid UTF-8");
    expect_error("utf8_in_continuation", "a = 1\\\n2\\\n\xED\xA0\x80\n", "3: invalid UTF-8");
    expect_error("plural_ru", "a = 1\nm[other] = {n}\n", "2: unknown plural form [other] for ru");
    expect_error("unterminated", "a = 1\nb = Привет, {name\n", "2: unterminated placeholder '{name'");
    expect_error("bad_placeholder", "a = {name} и { name }\n", "1: bad placeholder");
    /* The line of an error after a value that spans lines. */
    expect_error("after_continuation", "a = 1\\\n  2\\\n  3\nb\n", "4: missing '='");
    /* A placeholder error in a long value names the line the key is on. */
    expect_error("placeholder_continued", "x = 1\na = 1\\\n {oops\n", "2: unterminated placeholder");

    char err[512];
    write_bytes("nul", "ru", "a = 1\nb = x\0y\n", 12);
    CHECK(i18n_load(case_dir("nul"), ru_only, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "/nul/ru/messages.txt:2: NUL byte");

    /* A long non-ASCII key is quoted shortened, without cutting a letter. */
    write_catalog("long_cyrillic", "ru", "aключключключключключключ = x\n");
    CHECK(i18n_load(case_dir("long_cyrillic"), ru_only, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "long_cyrillic/ru/messages.txt:1: bad key 'aключключключключклю' ");
    CHECK(text_utf8_valid(err, strlen(err)));

    /* The second language's file is named when it is the broken one. */
    write_catalog("en_broken", "ru", "a = 1\n");
    write_catalog("en_broken", "en", "a = 1\nm[few] = {n}\n");
    CHECK(i18n_load(case_dir("en_broken"), ru_en, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "/en_broken/en/messages.txt:2: unknown plural form [few] for en");

    CHECK(i18n_load(case_dir("absent"), ru_only, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "/absent/ru/messages.txt: cannot open");

    const char *const bad_code[] = {"ru", "../ru", NULL};
    CHECK(i18n_load(case_dir("good"), bad_code, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "bad language code '../ru'");
    const char *const twice[] = {"ru", "ru", NULL};
    CHECK(i18n_load(case_dir("good"), twice, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "language ru listed twice");
    const char *const none[] = {NULL};
    CHECK(i18n_load(case_dir("good"), none, err, sizeof err) == NULL);
    CHECK(i18n_load(case_dir("good"), none, NULL, 0) == NULL);
}

TEST(limits_are_enforced)
{
    char err[512];
    size_t size = I18N_FILE_MAX + 64;
    char *text = malloc(size);
    if (!text) SKIP("no memory");

    /* A value of exactly I18N_VALUE_MAX bytes loads; one more does not. */
    memcpy(text, "a = 1\nbig = ", 12);
    memset(text + 12, 'x', I18N_VALUE_MAX);
    strcpy(text + 12 + I18N_VALUE_MAX, "\n");
    write_catalog("value_max", "ru", text);
    i18n *c = i18n_load(case_dir("value_max"), ru_only, err, sizeof err);
    CHECK(c != NULL);
    CHECK_INT(strlen(i18n_text(c, "ru", "big")), I18N_VALUE_MAX);
    i18n_free(c);
    memset(text + 12, 'x', I18N_VALUE_MAX + 1);
    strcpy(text + 12 + I18N_VALUE_MAX + 1, "\n");
    write_catalog("value_over", "ru", text);
    CHECK(i18n_load(case_dir("value_over"), ru_only, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "value_over/ru/messages.txt:2: text of big is longer than 8192 bytes");

    /* Escapes count after decoding: 8192 "\n" escapes are 8192 bytes. */
    memcpy(text, "esc = ", 6);
    for (size_t i = 0; i < I18N_VALUE_MAX; i++) memcpy(text + 6 + 2 * i, "\\n", 2);
    strcpy(text + 6 + 2 * I18N_VALUE_MAX, "\n");
    write_catalog("value_escapes", "ru", text);
    c = i18n_load(case_dir("value_escapes"), ru_only, err, sizeof err);
    CHECK(c != NULL);
    CHECK_INT(strlen(i18n_text(c, "ru", "esc")), I18N_VALUE_MAX);
    i18n_free(c);

    /* A file over I18N_FILE_MAX bytes, made of comments so nothing else fails. */
    memset(text, '#', I18N_FILE_MAX + 1);
    for (size_t i = 80; i < I18N_FILE_MAX; i += 80) text[i] = '\n';
    text[I18N_FILE_MAX + 1] = 0;
    write_catalog("file_over", "ru", text);
    CHECK(i18n_load(case_dir("file_over"), ru_only, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "file_over/ru/messages.txt: file is larger than 1048576 bytes");
    text[I18N_FILE_MAX] = 0;
    write_catalog("file_max", "ru", text);
    c = i18n_load(case_dir("file_max"), ru_only, err, sizeof err);
    CHECK(c != NULL);
    i18n_free(c);

    /* I18N_KEYS_MAX keys load; the next one is refused on its own line. */
    size_t len = 0;
    for (int i = 0; i < I18N_KEYS_MAX; i++) len += (size_t)sprintf(text + len, "k%d = %d\n", i, i);
    write_catalog("keys_max", "ru", text);
    c = i18n_load(case_dir("keys_max"), ru_only, err, sizeof err);
    CHECK(c != NULL);
    int wrong = 0;
    for (int i = 0; i < I18N_KEYS_MAX; i++) {
        char key[16], want[16];
        snprintf(key, sizeof key, "k%d", i);
        snprintf(want, sizeof want, "%d", i);
        if (strcmp(i18n_text(c, "ru", key), want) != 0) wrong++;
    }
    CHECK_INT(wrong, 0);
    i18n_free(c);
    sprintf(text + len, "k%d = over\n", I18N_KEYS_MAX);
    write_catalog("keys_over", "ru", text);
    CHECK(i18n_load(case_dir("keys_over"), ru_only, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "keys_over/ru/messages.txt:10001: more than 10000 keys");

    memset(text, 'k', I18N_KEY_MAX + 1);
    strcpy(text + I18N_KEY_MAX + 1, " = x\n");
    write_catalog("key_long", "ru", text);
    CHECK(i18n_load(case_dir("key_long"), ru_only, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "key_long/ru/messages.txt:1: key longer than 128 bytes");
    free(text);
}

TEST(russian_plurals)
{
    static const struct { long long n; const char *text; } cases[] = {
        {0, "0 встреч"},      {1, "1 встреча"},     {2, "2 встречи"},     {4, "4 встречи"},
        {5, "5 встреч"},      {11, "11 встреч"},    {12, "12 встреч"},    {14, "14 встреч"},
        {21, "21 встреча"},   {22, "22 встречи"},   {25, "25 встреч"},    {101, "101 встреча"},
        {111, "111 встреч"},  {1000001, "1000001 встреча"}, {-1, "-1 встреча"}, {-3, "-3 встречи"},
    };
    i18n *c = load_good();
    if (!c) SKIP("catalog did not load");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = i18n_plural(c, "ru", "meetings", cases[i].n, NULL);
        CHECK_STR(s, cases[i].text);
        free(s);
    }
    CHECK_INT(i18n_plural_category("ru", 1), I18N_PLURAL_ONE);
    CHECK_INT(i18n_plural_category("ru-RU", 3), I18N_PLURAL_FEW);
    CHECK_INT(i18n_plural_category("uk", 13), I18N_PLURAL_MANY);
    CHECK_INT(i18n_plural_category("ru", -22), I18N_PLURAL_FEW);
    CHECK_INT(i18n_plural_category("ru", LLONG_MIN), I18N_PLURAL_MANY); /* ...808 */
    CHECK_INT(i18n_plural_category("ru", LLONG_MAX), I18N_PLURAL_MANY); /* ...807 */

    /* No [few] form: [many] stands in; named arguments go along with {n}. */
    char *s = i18n_plural(c, "ru", "tasks", 3, "who", "Аня", NULL);
    CHECK_STR(s, "3 задач у Аня");
    free(s);
    s = i18n_plural(c, "ru", "tasks", 31, "who", "Аня", NULL);
    CHECK_STR(s, "31 задача у Аня");
    free(s);
    /* {n} is the number even when an argument called n is passed. */
    s = i18n_plural(c, "ru", "meetings", 5, "n", "пять", NULL);
    CHECK_STR(s, "5 встреч");
    free(s);
    i18n_free(c);
}

TEST(english_plurals)
{
    i18n *c = load_good();
    if (!c) SKIP("catalog did not load");
    static const struct { long long n; const char *text; } cases[] = {
        {0, "0 meetings"}, {1, "1 meeting"}, {2, "2 meetings"}, {11, "11 meetings"},
        {21, "21 meetings"}, {101, "101 meetings"}, {-1, "-1 meeting"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = i18n_plural(c, "en", "meetings", cases[i].n, NULL);
        CHECK_STR(s, cases[i].text);
        free(s);
    }
    CHECK_INT(i18n_plural_category("en", 1), I18N_PLURAL_ONE);
    CHECK_INT(i18n_plural_category("en", 21), I18N_PLURAL_MANY);
    CHECK_INT(i18n_plural_category(NULL, 2), I18N_PLURAL_MANY);
    i18n_free(c);
}

static int saved_stderr = -1;

/* Sends standard error to a file until capture_stop(), which returns what
 * was written there (malloc'd). */
static const char *capture_path(void)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/stderr.log", unit_tmpdir());
    return path;
}

static void capture_start(void)
{
    fflush(stderr);
    saved_stderr = dup(2);
    int fd = open(capture_path(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (saved_stderr < 0 || fd < 0) { perror("capture"); exit(2); }
    dup2(fd, 2);
    close(fd);
}

static char *capture_stop(void)
{
    fflush(stderr);
    dup2(saved_stderr, 2);
    close(saved_stderr);
    return unit_read_file(capture_path(), NULL);
}

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; p && (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
    return n;
}

TEST(fallback_to_default_language_and_key)
{
    i18n *c = load_good();
    if (!c) SKIP("catalog did not load");
    CHECK_STR(i18n_text(c, "en", "only.ru"), "Только по-русски");
    CHECK_STR(i18n_text(c, "de", "reg.ask_name"), "Как вас зовут?");
    CHECK_STR(i18n_text(c, NULL, "reg.ask_name"), "Как вас зовут?");
    /* The default language does not borrow from the others. */
    capture_start();
    CHECK_STR(i18n_text(c, "ru", "only.en"), "only.en");
    char *log = capture_stop();
    CHECK_CONTAINS(log, "WARN i18n: no text for key only.en");
    free(log);
    CHECK_STR(i18n_text(c, "en", NULL), "");
    CHECK_STR(i18n_text(NULL, "en", "reg.ask_name"), "reg.ask_name");

    char key[32];
    strcpy(key, "no.such.key");
    capture_start();
    const char *first = i18n_text(c, "en", key);
    strcpy(key, "changed");
    const char *second = i18n_text(c, "ru", "no.such.key");
    char *s = i18n_format(c, "en", "other.missing", "x", "1", NULL);
    log = capture_stop();
    CHECK_STR(s, "other.missing");
    free(s);
    CHECK(log != NULL);
    /* The key is the catalog's copy: it outlives the caller's buffer. */
    CHECK_STR(first, "no.such.key");
    CHECK(first == second);
    CHECK_INT(count_of(log, "no.such.key"), 1);
    CHECK_INT(count_of(log, "other.missing"), 1);
    CHECK_INT(count_of(log, "WARN i18n:"), 2);
    free(log);

    /* Plurals: English lacks tasks, so Russian forms by the Russian rule. */
    s = i18n_plural(c, "en", "tasks", 2, "who", "Bob", NULL);
    CHECK_STR(s, "2 задач у Bob");
    free(s);
    /* A key with no plural forms at all is used as it is. */
    s = i18n_plural(c, "ru", "points", 7, NULL);
    CHECK_STR(s, "7 балл(ов)");
    free(s);
    s = i18n_plural(c, "en", "points", 1, NULL);
    CHECK_STR(s, "1 point(s)");
    free(s);
    capture_start();
    s = i18n_plural(c, "en", "ghost", 3, NULL);
    log = capture_stop();
    CHECK_STR(s, "ghost");
    CHECK_CONTAINS(log, "no text for key ghost");
    free(log);
    free(s);
    s = i18n_format(c, "en", "only.ru", NULL);
    CHECK_STR(s, "Только по-русски");
    free(s);
    i18n_free(c);
}

TEST(remembers_a_bounded_number_of_missing_keys)
{
    i18n *c = load_good();
    if (!c) SKIP("catalog did not load");
    char keys[I18N_MISSING_MEMO_MAX + 1][24];
    const char *got[I18N_MISSING_MEMO_MAX + 1];
    capture_start();
    for (int i = 0; i <= I18N_MISSING_MEMO_MAX; i++) {
        snprintf(keys[i], sizeof keys[i], "gone.%d", i);
        got[i] = i18n_text(c, "ru", keys[i]);
    }
    char *log = capture_stop();
    CHECK_INT(count_of(log, "WARN i18n:"), I18N_MISSING_MEMO_MAX);
    CHECK_STR(got[0], "gone.0");
    CHECK(got[0] != keys[0]);
    CHECK_STR(got[I18N_MISSING_MEMO_MAX - 1], keys[I18N_MISSING_MEMO_MAX - 1]);
    CHECK(got[I18N_MISSING_MEMO_MAX - 1] != keys[I18N_MISSING_MEMO_MAX - 1]);
    /* Past the memo the caller's own key comes back, without a warning. */
    CHECK(got[I18N_MISSING_MEMO_MAX] == keys[I18N_MISSING_MEMO_MAX]);
    free(log);
    i18n_free(c);
}

TEST(format_fills_named_arguments)
{
    i18n *c = load_good();
    if (!c) SKIP("catalog did not load");
    char *s = i18n_format(c, "ru", "reg.welcome", "name", "Аня", "org", "Школа № 1", NULL);
    CHECK_STR(s, "Здравствуйте, Аня! Вы в программе «Школа № 1».");
    free(s);
    s = i18n_format(c, "en", "reg.welcome", "org", "School 1", "name", "Ann", NULL);
    CHECK_STR(s, "Hello, Ann! You are in “School 1”.");
    free(s);
    /* A missing argument leaves its placeholder for someone to notice. */
    s = i18n_format(c, "ru", "reg.welcome", "name", "Аня", NULL);
    CHECK_STR(s, "Здравствуйте, Аня! Вы в программе «{org}».");
    free(s);
    s = i18n_format(c, "ru", "reg.welcome", NULL);
    CHECK_STR(s, "Здравствуйте, {name}! Вы в программе «{org}».");
    free(s);
    /* A value is not expanded again, a NULL value is empty, the first pair wins. */
    s = i18n_format(c, "ru", "reg.welcome", "name", "{org}", "org", NULL, "name", "Боб", NULL);
    CHECK_STR(s, "Здравствуйте, {org}! Вы в программе «».");
    free(s);
    /* Names match whole: "names" and "nam" are not {name}. */
    s = i18n_format(c, "ru", "reg.welcome", "names", "X", "nam", "Y", "org", "Z", NULL);
    CHECK_STR(s, "Здравствуйте, {name}! Вы в программе «Z».");
    free(s);
    s = i18n_format(c, "ru", "braces", "name", "Ира", NULL);
    CHECK_STR(s, "{name} и { и Ира");
    free(s);
    s = i18n_format(c, "ru", "emoji", "who", "Ёжик 🦔 <b>", NULL);
    CHECK_STR(s, "Привет 👋 Ёжик 🦔 <b>");
    free(s);

    /* Past I18N_OUTPUT_MAX the text is cut between pieces. */
    char *huge = malloc(I18N_OUTPUT_MAX + 2);
    if (huge) {
        memset(huge, 'a', I18N_OUTPUT_MAX + 1);
        huge[I18N_OUTPUT_MAX + 1] = 0;
        capture_start();
        s = i18n_format(c, "ru", "reg.welcome", "name", huge, "org", "Школа", NULL);
        char *log = capture_stop();
        CHECK_STR(s, "Здравствуйте, ");
        CHECK_CONTAINS(log, "WARN i18n: formatted text cut at 65536 bytes");
        free(log);
        free(s);
        free(huge);
    }
    i18n_free(c);
}

TEST(picks_language_for_platform_codes)
{
    i18n *c = load_good();
    if (!c) SKIP("catalog did not load");
    CHECK_STR(i18n_pick_language(c, "ru"), "ru");
    CHECK_STR(i18n_pick_language(c, "ru-RU"), "ru");
    CHECK_STR(i18n_pick_language(c, "uk"), "ru");
    CHECK_STR(i18n_pick_language(c, "be"), "ru");
    CHECK_STR(i18n_pick_language(c, "kk"), "ru");
    CHECK_STR(i18n_pick_language(c, "en"), "en");
    CHECK_STR(i18n_pick_language(c, "en-US"), "en");
    CHECK_STR(i18n_pick_language(c, "EN_gb"), "en");
    CHECK(i18n_pick_language(c, "en-US") == i18n_pick_language(c, "en"));
    CHECK_STR(i18n_pick_language(c, "de"), "ru");
    CHECK_STR(i18n_pick_language(c, NULL), "ru");
    CHECK_STR(i18n_pick_language(c, ""), "ru");
    CHECK_STR(i18n_pick_language(c, "../en"), "ru");
    CHECK_STR(i18n_pick_language(c, "englishextra"), "ru");
    CHECK_STR(i18n_pick_language(NULL, "en"), "");
    i18n_free(c);

    /* With English first, English is the default and Russian is still picked for CIS users. */
    char err[256];
    const char *const en_ru[] = {"en", "ru", NULL};
    c = i18n_load(case_dir("good"), en_ru, err, sizeof err);
    CHECK(c != NULL);
    CHECK_STR(i18n_pick_language(c, "de"), "en");
    CHECK_STR(i18n_pick_language(c, NULL), "en");
    CHECK_STR(i18n_pick_language(c, "x"), "en");
    CHECK_STR(i18n_pick_language(c, "uk-UA"), "ru");
    CHECK_STR(i18n_pick_language(c, "be"), "ru");
    CHECK_STR(i18n_pick_language(c, "kk"), "ru");
    CHECK_STR(i18n_pick_language(c, "ru-RU"), "ru");
    CHECK_STR(i18n_text(c, "de", "reg.ask_name"), "What is your name?");
    i18n_free(c);
    const char *const en_only[] = {"en", NULL};
    c = i18n_load(case_dir("good"), en_only, err, sizeof err);
    CHECK(c != NULL);
    CHECK_STR(i18n_pick_language(c, "uk"), "en");
    i18n_free(c);
}

TEST(counts_missing_keys)
{
    i18n *c = load_good();
    if (!c) SKIP("catalog did not load");
    char names[512];
    /* en has [one]/[other] for meetings: complete by its own rule. */
    CHECK_INT(i18n_missing_keys(c, "en", names, sizeof names), 11);
    CHECK_STR(names, "menu.help, only.ru, emoji, braces, tasks[one], tasks[other], path, "
                     "two.backslashes, after, empty, spaced");
    /* The default language is told about its own incomplete plural. */
    CHECK_INT(i18n_missing_keys(c, "ru", names, sizeof names), 1);
    CHECK_STR(names, "tasks[few]");
    /* Only whole names, in order, that fit. */
    CHECK_INT(i18n_missing_keys(c, "en", names, 20), 11);
    CHECK_STR(names, "menu.help, only.ru");
    CHECK_INT(i18n_missing_keys(c, "en", NULL, 0), 11);
    CHECK_INT(i18n_missing_keys(c, "de", names, sizeof names), -1);
    CHECK_STR(names, "");
    i18n_free(c);

    char err[256];
    write_catalog("complete", "ru", "a = 1\nm[one] = {n}\nm[few] = {n}\nm[many] = {n}\n");
    write_catalog("complete", "en", "m[other] = {n}\na = 1\nm[one] = {n}\n");
    c = i18n_load(case_dir("complete"), ru_en, err, sizeof err);
    CHECK(c != NULL);
    CHECK_INT(i18n_missing_keys(c, "en", names, sizeof names), 0);
    CHECK_STR(names, "");
    CHECK_INT(i18n_missing_keys(c, "ru", NULL, 0), 0);
    i18n_free(c);
}

int main(void)
{
    RUN(loads_good_catalogs);
    RUN(loads_crlf_bom_and_last_line_continuation);
    RUN(errors_name_file_and_line);
    RUN(limits_are_enforced);
    RUN(russian_plurals);
    RUN(english_plurals);
    RUN(fallback_to_default_language_and_key);
    RUN(remembers_a_bounded_number_of_missing_keys);
    RUN(format_fills_named_arguments);
    RUN(picks_language_for_platform_codes);
    RUN(counts_missing_keys);
    return unit_summary();
}
