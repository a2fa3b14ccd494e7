/*
 * Looking texts up in a loaded catalog: by key, formatted with named
 * arguments, by plural form, and which keys a language lacks. Reading and
 * checking the files is in util/i18n_load.c.
 */
#include "util/i18n.h"
#include "util/i18n_internal.h"
#include "util/log.h"
#include "util/strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define I18N_NUMBER_MAX 32     /* bytes of a long long in decimal with sign */

static const char *const slavic_forms[] = {"one", "few", "many", NULL};
static const char *const other_forms[] = {"one", "other", NULL};

static int is_lower(char ch) { return ch >= 'a' && ch <= 'z'; }

int i18n_is_name_char(char ch)
{
    return is_lower(ch) || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* FNV-1a: short keys, no adversary (keys come from our code and files). */
uint64_t i18n_key_hash(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

const i18n_entry *i18n_entry_find(const i18n_lang *l, const char *key)
{
    if (!l || !l->slot_count) return NULL;
    uint64_t h = i18n_key_hash(key);
    size_t mask = l->slot_count - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        uint32_t slot = l->slots[i];
        if (!slot) return NULL;
        const i18n_entry *e = &l->entries[slot - 1];
        if (e->hash == h && strcmp(e->key, key) == 0) return e;
    }
}

static const char *lang_lookup(const i18n_lang *l, const char *key)
{
    const i18n_entry *e = i18n_entry_find(l, key);
    return e ? e->value : NULL;
}

int i18n_primary_subtag(const char *code, char out[I18N_LANG_CODE_MAX + 1])
{
    size_t n = 0;
    if (!code) return 0;
    for (; code[n] && code[n] != '-' && code[n] != '_'; n++) {
        char ch = code[n];
        if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
        if (!is_lower(ch) || n >= I18N_LANG_CODE_MAX) return 0;
        out[n] = ch;
    }
    out[n] = 0;
    return n >= 2;
}

int i18n_code_is_slavic(const char *code)
{
    char primary[I18N_LANG_CODE_MAX + 1];
    if (!i18n_primary_subtag(code, primary)) return 0;
    return !strcmp(primary, "ru") || !strcmp(primary, "uk") || !strcmp(primary, "be");
}

const i18n_lang *i18n_lang_find(const i18n *c, const char *code)
{
    if (!c || !code) return NULL;
    for (size_t i = 0; i < c->lang_count; i++)
        if (strcmp(c->langs[i].code, code) == 0) return &c->langs[i];
    return NULL;
}

static const i18n_lang *lang_or_default(const i18n *c, const char *code)
{
    const i18n_lang *l = i18n_lang_find(c, code);
    return l ? l : &c->langs[0];
}

const char *const *i18n_lang_forms(const i18n_lang *l)
{
    return l->slavic ? slavic_forms : other_forms;
}

const char *i18n_pick_language(const i18n *c, const char *language_code)
{
    if (!c || !c->lang_count) return "";
    char primary[I18N_LANG_CODE_MAX + 1];
    if (!i18n_primary_subtag(language_code, primary)) return c->langs[0].code;
    const i18n_lang *l = i18n_lang_find(c, primary);
    if (!l && (!strcmp(primary, "uk") || !strcmp(primary, "be") || !strcmp(primary, "kk")))
        l = i18n_lang_find(c, "ru");
    return l ? l->code : c->langs[0].code;
}

/* Remembers a key found in no language and warns the first time. */
static const char *missing_key(const i18n *c, const char *key)
{
    i18n_memo *m = c->missing;
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->keys[i], key) == 0) return m->keys[i];
    if (m->count == I18N_MISSING_MEMO_MAX) return key;
    char *copy = strdup(key);
    if (!copy) return key;
    m->keys[m->count++] = copy;
    log_warn("i18n", "no text for key %s in any language; showing the key", copy);
    return copy;
}

const char *i18n_text(const i18n *c, const char *lang, const char *key)
{
    if (!key) return "";
    if (!c || !c->lang_count) return key;
    const i18n_lang *l = lang_or_default(c, lang);
    const char *v = lang_lookup(l, key);
    if (!v && l != &c->langs[0]) v = lang_lookup(&c->langs[0], key);
    return v ? v : missing_key(c, key);
}

const char *i18n_variant_key(const i18n *c, const char *lang, const char *key, const char *variant, char *buf,
                             size_t size)
{
    if (!c || !c->lang_count || !key || !variant || !*variant) return key;
    int n = snprintf(buf, size, "%s_%s", key, variant);
    if (n < 0 || (size_t)n >= size) return key;
    return lang_lookup(lang_or_default(c, lang), buf) ? buf : key;
}

/* Substitutes {name} placeholders in tpl from the (name, value) pairs in ap;
 * number, when given, is {n} and comes before them. */
static char *format_template(const char *tpl, const char *number, va_list ap)
{
    const char *names[I18N_ARGS_MAX + 1], *values[I18N_ARGS_MAX + 1];
    size_t count = 0;
    if (number) {
        names[count] = "n";
        values[count++] = number;
    }
    for (;;) {
        const char *name = va_arg(ap, const char *);
        if (!name) break;
        const char *value = va_arg(ap, const char *);
        if (count < sizeof names / sizeof names[0]) {
            names[count] = name;
            values[count++] = value ? value : "";
        }
    }
    strbuf out;
    sb_init(&out, I18N_OUTPUT_MAX);
    const char *lit = tpl, *p = tpl;
    while ((p = strchr(p, '{')) != NULL) {
        if (p[1] == '{') {
            sb_append(&out, lit, (size_t)(p - lit) + 1);
            p += 2;
            lit = p;
            continue;
        }
        const char *q = p + 1;
        while (i18n_is_name_char(*q)) q++;
        const char *value = NULL;
        size_t name_len = (size_t)(q - p - 1);
        if (*q == '}' && name_len)
            for (size_t i = 0; i < count && !value; i++)
                if (strlen(names[i]) == name_len && memcmp(names[i], p + 1, name_len) == 0) value = values[i];
        if (!value) { /* not ours: stays in the text as written */
            p++;
            continue;
        }
        sb_append(&out, lit, (size_t)(p - lit));
        sb_puts(&out, value);
        p = q + 1;
        lit = p;
    }
    sb_puts(&out, lit);
    if (out.failed && !out.overflow) {
        sb_free(&out);
        return NULL;
    }
    if (out.overflow) log_warn("i18n", "formatted text cut at %d bytes", I18N_OUTPUT_MAX);
    return sb_take(&out);
}

char *i18n_vformat(const i18n *c, const char *lang, const char *key, va_list ap)
{
    return format_template(i18n_text(c, lang, key), NULL, ap);
}

char *i18n_format(const i18n *c, const char *lang, const char *key, ...)
{
    va_list ap;
    va_start(ap, key);
    char *s = i18n_vformat(c, lang, key, ap);
    va_end(ap);
    return s;
}

int i18n_plural_category(const char *lang, long long n)
{
    /* Through unsigned so that |LLONG_MIN| does not overflow. */
    unsigned long long a = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
    if (!i18n_code_is_slavic(lang)) return a == 1 ? I18N_PLURAL_ONE : I18N_PLURAL_MANY;
    unsigned mod10 = (unsigned)(a % 10), mod100 = (unsigned)(a % 100);
    if (mod10 == 1 && mod100 != 11) return I18N_PLURAL_ONE;
    if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return I18N_PLURAL_FEW;
    return I18N_PLURAL_MANY;
}

static const char *form_name(const i18n_lang *l, int category)
{
    if (category == I18N_PLURAL_ONE) return "one";
    if (category == I18N_PLURAL_FEW) return "few";
    return l->slavic ? "many" : "other";
}

/* Writes "key[form]" into out; 0 when it does not fit. */
static int form_key(char out[I18N_KEY_MAX + 1], const char *key, const char *form)
{
    int n = snprintf(out, I18N_KEY_MAX + 1, "%s[%s]", key, form);
    return n >= 0 && n <= I18N_KEY_MAX;
}

static const char *form_lookup(const i18n_lang *l, const char *key, const char *form)
{
    char full[I18N_KEY_MAX + 1];
    return form_key(full, key, form) ? lang_lookup(l, full) : NULL;
}

/* The form for n by l's own rule, else l's catch-all form. */
static const char *plural_lookup(const i18n_lang *l, const char *key, long long n)
{
    int category = i18n_plural_category(l->code, n);
    const char *v = form_lookup(l, key, form_name(l, category));
    if (!v && category != I18N_PLURAL_MANY) v = form_lookup(l, key, form_name(l, I18N_PLURAL_MANY));
    return v;
}

char *i18n_vplural(const i18n *c, const char *lang, const char *key, long long n, va_list ap)
{
    char number[I18N_NUMBER_MAX];
    snprintf(number, sizeof number, "%lld", n);
    const char *tpl = NULL;
    if (c && c->lang_count && key) {
        const i18n_lang *l = lang_or_default(c, lang);
        tpl = plural_lookup(l, key, n);
        if (!tpl && l != &c->langs[0]) tpl = plural_lookup(&c->langs[0], key, n);
    }
    if (!tpl) tpl = i18n_text(c, lang, key);
    return format_template(tpl, number, ap);
}

char *i18n_plural(const i18n *c, const char *lang, const char *key, long long n, ...)
{
    va_list ap;
    va_start(ap, n);
    char *s = i18n_vplural(c, lang, key, n, ap);
    va_end(ap);
    return s;
}

/* Appends name to the ", "-separated list in out if it fits whole; once one
 * does not fit, later ones are left out too so the list stays in order. */
static void note_missing(char *out, size_t size, int *full, const char *name)
{
    if (!out || !size || *full) return;
    size_t used = strlen(out), sep = used ? 2 : 0, n = strlen(name);
    if (used + sep + n + 1 > size) {
        *full = 1;
        return;
    }
    memcpy(out + used, ", ", sep);
    memcpy(out + used + sep, name, n + 1);
}

int i18n_missing_keys(const i18n *c, const char *lang, char *missing, size_t size)
{
    if (missing && size) missing[0] = 0;
    const i18n_lang *l = i18n_lang_find(c, lang);
    if (!l) return -1;
    const i18n_lang *d = &c->langs[0];
    const char *const *forms = i18n_lang_forms(l);
    const char *const *default_forms = i18n_lang_forms(d);
    int count = 0, full = 0;
    for (size_t i = 0; i < d->count; i++) {
        const i18n_entry *e = &d->entries[i];
        const char *bracket = strchr(e->key, '[');
        if (!bracket) {
            if (!lang_lookup(l, e->key)) {
                count++;
                note_missing(missing, size, &full, e->key);
            }
            continue;
        }
        char base[I18N_KEY_MAX + 1], full_key[I18N_KEY_MAX + 1];
        size_t base_len = (size_t)(bracket - e->key);
        memcpy(base, e->key, base_len);
        base[base_len] = 0;
        /* A plural key is checked once, at the first of its forms in the file. */
        int seen = 0;
        for (size_t f = 0; default_forms[f]; f++) {
            const i18n_entry *other = form_key(full_key, base, default_forms[f]) ? i18n_entry_find(d, full_key) : NULL;
            if (other && other < e) seen = 1;
        }
        if (seen) continue;
        for (size_t f = 0; forms[f]; f++) {
            if (form_key(full_key, base, forms[f]) && !lang_lookup(l, full_key)) {
                count++;
                note_missing(missing, size, &full, full_key);
            }
        }
    }
    return count;
}
