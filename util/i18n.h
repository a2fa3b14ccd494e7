/*
 * Message catalogs: every text the bot sends comes from
 * <dir>/<lang>/messages.txt, one UTF-8 file per language, loaded once at
 * start and looked up by key on every reply.
 *
 * File format:
 *   # a comment; blank lines are ignored
 *   reg.welcome = Здравствуйте, {name}! Вы в программе «{org}».
 *   menu.help = Команды:\n/menu — меню\n\
 *               /help — справка
 *   meetings[one] = {n} встреча
 *
 * Keys are [a-z0-9_.]+, optionally followed by a plural form in brackets:
 * one, few, many for Russian (and Ukrainian, Belarusian), one, other for any
 * other language. Spaces around the key and at both ends of the value are
 * dropped. A line ending in an odd number of backslashes continues on the
 * next line: that backslash is removed, the next line's leading spaces are
 * dropped and the two are joined with nothing between them. In a value "\n"
 * is a line break, "\t" a tab and "\\" a backslash; any other backslash is
 * kept as it is. "{name}" is a placeholder and "{{" a literal "{"; any other
 * "{" is an error, so a typo in a placeholder is found at start, not by a
 * user.
 *
 * A catalog is read-only after loading except for the memo of missing keys
 * that i18n_text() keeps, so use one catalog from one thread.
 */
#ifndef MB_I18N_H
#define MB_I18N_H

#include <stdarg.h>
#include <stddef.h>

#define I18N_FILE_MAX (1024 * 1024) /* bytes in one messages.txt */
#define I18N_VALUE_MAX 8192         /* bytes in one value after escapes */
#define I18N_KEYS_MAX 10000         /* keys in one language, plural forms counted */
#define I18N_KEY_MAX 128            /* bytes in a key with its plural form */
#define I18N_LANGS_MAX 8            /* languages in one catalog */
#define I18N_LANG_CODE_MAX 8        /* letters in a language code ("ru", "en") */
#define I18N_ARGS_MAX 16            /* named arguments to one format call; more are ignored */
#define I18N_OUTPUT_MAX (64 * 1024) /* bytes of one formatted text; longer is cut */
#define I18N_MISSING_MEMO_MAX 256   /* missing keys remembered for warn-once */

/* Plural categories returned by i18n_plural_category(). */
enum {
    I18N_PLURAL_ONE = 0,
    I18N_PLURAL_FEW = 1,  /* Russian only: 2-4, 22-24, ... */
    I18N_PLURAL_MANY = 2  /* "many" in Russian, "other" in English */
};

typedef struct i18n i18n; /* all loaded languages */

/*
 * Loads <dir>/<lang>/messages.txt for every lang in langs (NULL-terminated,
 * e.g. {"ru", "en", NULL}); the first is the default language. Language
 * codes are 2 to I18N_LANG_CODE_MAX lowercase letters. On failure returns
 * NULL and writes one line into err (err_size bytes; err may be NULL), e.g.
 *   locales/ru/messages.txt:12: duplicate key reg.name (first at line 3)
 * Errors in a file: a line without '=', a bad key, a duplicate key, invalid
 * UTF-8 or a NUL byte, a plural form the language does not have, an
 * unterminated or malformed placeholder, and any I18N_*_MAX limit.
 */
i18n *i18n_load(const char *dir, const char *const *langs, char *err, size_t err_size);

void i18n_free(i18n *c);

/*
 * The catalog language for a platform language code ("ru", "ru-RU",
 * "en_GB", case ignored). A loaded language whose code is the primary
 * subtag wins; otherwise "uk", "be" and "kk" get Russian when it is
 * loaded, since users there read Russian; anything else, NULL or
 * malformed gets the default. Returns the code owned by the catalog;
 * "" when c is NULL.
 */
const char *i18n_pick_language(const i18n *c, const char *language_code);

/*
 * The text for key in lang (a code from i18n_pick_language(); NULL or an
 * unloaded language means the default), falling back to the default
 * language and then to the key itself, with one log_warn per missing key.
 * Never NULL; owned by the catalog, except that once
 * I18N_MISSING_MEMO_MAX keys are missing, further missing keys return the
 * key pointer passed in without a warning. NULL key gives "".
 */
const char *i18n_text(const i18n *c, const char *lang, const char *key);

/*
 * The key to use for a reader of a kind: "key_variant" (written into buf)
 * when the catalog of lang itself has it, as "reg.ask_name_pupil" for a
 * pupil; key otherwise. The variant is looked up in lang only, so a
 * language without it falls back to its own plain key, never to another
 * language's variant.
 */
const char *i18n_variant_key(const i18n *c, const char *lang, const char *key, const char *variant, char *buf,
                             size_t size);

/*
 * Formats key with named arguments: (name, value) string pairs ending with
 * a NULL name, e.g.
 *   i18n_format(c, "ru", "reg.welcome", "name", "Аня", "org", "Школа 1", NULL)
 * A NULL value is formatted as "". Placeholders without an argument are
 * left as they are; "{{" is a literal "{". The first pair with a name wins.
 * Text longer than I18N_OUTPUT_MAX is cut between pieces (never inside a
 * character) with a warning. Returns a malloc'd string (caller frees),
 * NULL only on allocation failure.
 */
char *i18n_format(const i18n *c, const char *lang, const char *key, ...);
char *i18n_vformat(const i18n *c, const char *lang, const char *key, va_list ap);

/*
 * The plural form of key for n (key[one], key[few], ... chosen by the rule
 * of the catalog that has it), formatted with {n} = n and further named
 * arguments as in i18n_format():
 *   i18n_plural(c, "ru", "meetings", 21, NULL) -> "21 встреча"
 * A missing form falls back to [many]/[other], then to the default
 * language, then to the bare key. {n} always means the number, even when
 * an argument named "n" is passed. Returns as i18n_format().
 */
char *i18n_plural(const i18n *c, const char *lang, const char *key, long long n, ...);
char *i18n_vplural(const i18n *c, const char *lang, const char *key, long long n, va_list ap);

/*
 * The plural category of n in lang: I18N_PLURAL_ONE, _FEW or _MANY for
 * Russian, Ukrainian and Belarusian ("ru", "ru-RU", ...); I18N_PLURAL_ONE
 * for 1 and I18N_PLURAL_MANY ("other") otherwise for any other language or
 * NULL. Negative n counts as |n|.
 */
int i18n_plural_category(const char *lang, long long n);

/*
 * How many keys of the default language lang lacks, so a test can require
 * every catalog to be complete. A plural key counts by the forms of lang's
 * own rule (en needs [one] and [other] where ru has [one], [few], [many]),
 * so the default language itself reports plural keys with a form missing.
 * Writes the first missing keys that fit, in file order and separated by
 * ", ", into missing (size bytes; may be NULL). Returns -1 when lang is
 * not loaded or c is NULL.
 */
int i18n_missing_keys(const i18n *c, const char *lang, char *missing, size_t size);

#endif
