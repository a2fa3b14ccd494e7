/*
 * What util/i18n.c (lookup, formatting, plurals) and util/i18n_load.c
 * (reading and checking messages.txt) share: the catalog's layout and the
 * small helpers both halves need. Not part of the public contract in
 * util/i18n.h; nothing outside these two files includes it.
 */
#ifndef MB_I18N_INTERNAL_H
#define MB_I18N_INTERNAL_H

#include "util/i18n.h"

#include <stddef.h>
#include <stdint.h>

typedef struct i18n_entry {
    char *key;          /* one allocation: key, NUL, value, NUL */
    const char *value;  /* points into the key's allocation */
    uint64_t hash;
    int line;           /* where it was defined, for duplicate errors */
} i18n_entry;

/* One language: entries in file order plus an open-addressing index. */
typedef struct i18n_lang {
    char code[I18N_LANG_CODE_MAX + 1];
    int slavic;            /* plural forms one/few/many instead of one/other */
    i18n_entry *entries;
    size_t count, cap;
    uint32_t *slots;       /* 0 = empty, else entry index + 1 */
    size_t slot_count;     /* a power of two, at least twice count */
} i18n_lang;

/* Keys found in no language. Kept behind a pointer so that lookups through a
 * const catalog can still warn only once per key. */
typedef struct i18n_memo {
    char *keys[I18N_MISSING_MEMO_MAX];
    size_t count;
} i18n_memo;

struct i18n {
    i18n_lang langs[I18N_LANGS_MAX]; /* langs[0] is the default */
    size_t lang_count;
    i18n_memo *missing;
};

/* Whether ch may appear in a {name} placeholder; the loader and the
 * formatter must agree on it, or a placeholder that passed the check at
 * start is never filled. */
int i18n_is_name_char(char ch);

/* FNV-1a hash of a NUL-terminated key, as stored in i18n_entry.hash. */
uint64_t i18n_key_hash(const char *s);

/* The entry for key (with its plural form, "meetings[one]") in l; NULL when
 * l is NULL, empty or lacks the key. */
const i18n_entry *i18n_entry_find(const i18n_lang *l, const char *key);

/* The loaded language whose code is exactly code; NULL when there is none. */
const i18n_lang *i18n_lang_find(const i18n *c, const char *code);

/* Lowercases the primary subtag of a language code ("ru" of "ru-RU") into
 * out. Returns 0 when it is not 2..I18N_LANG_CODE_MAX ASCII letters. */
int i18n_primary_subtag(const char *code, char out[I18N_LANG_CODE_MAX + 1]);

/* Whether code (any case, any region) has the one/few/many plural rule. */
int i18n_code_is_slavic(const char *code);

/* The plural form names l's rule allows, NULL-terminated. */
const char *const *i18n_lang_forms(const i18n_lang *l);

#endif
