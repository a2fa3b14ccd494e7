/*
 * Reading message catalogs: <dir>/<lang>/messages.txt into a catalog, with
 * every error in a file reported by path and line at start (the format is
 * described in util/i18n.h). Lookups are in util/i18n.c.
 */
#include "util/i18n.h"
#include "util/i18n_internal.h"
#include "util/status.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/array.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define I18N_FILE_NAME "messages.txt"
#define I18N_PATH_MAX 4096     /* bytes in <dir>/<lang>/messages.txt */
#define I18N_QUOTE_MAX 40      /* bytes of an offending key quoted in an error */
#define I18N_SLOTS_MIN 64      /* first size of a hash table */

/* The state of reading one file. */
typedef struct i18n_parser {
    const char *path;
    i18n_lang *lang;
    const char *p, *end;  /* the unread rest of the file */
    int line;             /* number of the line read last */
    char *err;
    size_t err_size;
} i18n_parser;

__attribute__((format(printf, 3, 4)))
static void set_error(char *err, size_t err_size, const char *fmt, ...)
{
    if (!err || !err_size) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 3, 4)))
static void parse_error(const i18n_parser *ps, int line, const char *fmt, ...)
{
    if (!ps->err || !ps->err_size) return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(ps->err, ps->err_size, "%s:%d: %s", ps->path, line, msg);
}

/* How much of s (n bytes) to quote in an error: at most I18N_QUOTE_MAX
 * bytes, never ending inside a UTF-8 character. */
static int quote_len(const char *s, size_t n)
{
    if (n <= I18N_QUOTE_MAX) return (int)n;
    n = I18N_QUOTE_MAX;
    while (n && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    return (int)n;
}

static int is_blank(char ch) { return ch == ' ' || ch == '\t'; }
static int is_key_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.';
}

static void slot_insert(uint32_t *slots, size_t slot_count, uint64_t hash, uint32_t index)
{
    size_t mask = slot_count - 1;
    size_t i = (size_t)hash & mask;
    while (slots[i]) i = (i + 1) & mask;
    slots[i] = index + 1;
}

static mb_status lang_grow_slots(i18n_lang *l)
{
    size_t n = l->slot_count ? l->slot_count * 2 : I18N_SLOTS_MIN;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots) return MB_ERR_NOMEM;
    for (size_t i = 0; i < l->count; i++) slot_insert(slots, n, l->entries[i].hash, (uint32_t)i);
    free(l->slots);
    l->slots = slots;
    l->slot_count = n;
    return MB_OK;
}

/* Adds a key the caller has checked is new. */
static mb_status lang_add(i18n_lang *l, const char *key, const char *value, size_t value_len, int line)
{
    mb_status rc = MB_ERR_NOMEM;
    if (array_grow(&l->entries, &l->cap, l->count, sizeof *l->entries, I18N_SLOTS_MIN)) goto out;
    if ((l->count + 1) * 2 > l->slot_count && lang_grow_slots(l)) goto out;
    size_t key_len = strlen(key);
    char *block = malloc(key_len + 1 + value_len + 1);
    if (!block) goto out;
    memcpy(block, key, key_len + 1);
    memcpy(block + key_len + 1, value, value_len);
    block[key_len + 1 + value_len] = 0;
    i18n_entry *e = &l->entries[l->count];
    e->key = block;
    e->value = block + key_len + 1;
    e->hash = i18n_key_hash(block);
    e->line = line;
    slot_insert(l->slots, l->slot_count, e->hash, (uint32_t)l->count);
    l->count++;
    rc = MB_OK;
out:
    return rc;
}

/* Reads one physical line without its line break (and a CR before it).
 * Returns 1, 0 at the end of the file, -1 on a bad line. */
static int next_line(i18n_parser *ps, const char **start, size_t *len)
{
    if (ps->p >= ps->end) return 0;
    const char *s = ps->p;
    const char *nl = memchr(s, '\n', (size_t)(ps->end - s));
    const char *e = nl ? nl : ps->end;
    ps->p = nl ? nl + 1 : ps->end;
    ps->line++;
    if (e > s && e[-1] == '\r') e--;
    if (memchr(s, 0, (size_t)(e - s))) {
        parse_error(ps, ps->line, "NUL byte in the line");
        return -1;
    }
    if (!text_utf8_valid(s, (size_t)(e - s))) {
        parse_error(ps, ps->line, "invalid UTF-8");
        return -1;
    }
    *start = s;
    *len = (size_t)(e - s);
    return 1;
}

/* Checks a key (with an optional plural form) and copies it into out. */
static mb_status check_key(const i18n_parser *ps, int line, const char *k, size_t n,
                           char out[I18N_KEY_MAX + 1])
{
    int shown = quote_len(k, n);
    if (n == 0) {
        parse_error(ps, line, "missing key before '='");
        return MB_ERR_PARSE;
    }
    if (n > I18N_KEY_MAX) {
        parse_error(ps, line, "key longer than %d bytes", I18N_KEY_MAX);
        return MB_ERR_LIMIT;
    }
    size_t i = 0;
    while (i < n && is_key_char(k[i])) i++;
    if (i == 0 || (i < n && k[i] != '[')) {
        parse_error(ps, line, "bad key '%.*s' (keys are a-z 0-9 _ .)", shown, k);
        return MB_ERR_PARSE;
    }
    if (i < n) {
        const char *form = k + i + 1;
        size_t form_len = n - i - 1;
        if (form_len < 2 || k[n - 1] != ']') {
            parse_error(ps, line, "bad key '%.*s' (a plural form is key[form])", shown, k);
            return MB_ERR_PARSE;
        }
        form_len--;
        const char *const *forms = i18n_lang_forms(ps->lang);
        int known = 0;
        for (size_t f = 0; forms[f]; f++)
            if (strlen(forms[f]) == form_len && memcmp(forms[f], form, form_len) == 0) known = 1;
        if (!known) {
            parse_error(ps, line, "unknown plural form [%.*s] for %s", quote_len(form, form_len), form,
                        ps->lang->code);
            return MB_ERR_PARSE;
        }
    }
    memcpy(out, k, n);
    out[n] = 0;
    return MB_OK;
}

/* Appends s..e to sb, turning \n, \t and \\ into what they stand for. */
static void unescape_into(strbuf *sb, const char *s, const char *e)
{
    while (s < e) {
        const char *bs = memchr(s, '\\', (size_t)(e - s));
        if (!bs || bs + 1 >= e) {
            sb_append(sb, s, (size_t)(e - s));
            return;
        }
        sb_append(sb, s, (size_t)(bs - s));
        char ch = bs[1];
        if (ch == 'n') sb_append(sb, "\n", 1);
        else if (ch == 't') sb_append(sb, "\t", 1);
        else if (ch == '\\') sb_append(sb, "\\", 1);
        else sb_append(sb, bs, 2);
        s = bs + 2;
    }
}

/* Every "{" must open a {name} placeholder or be doubled; a catalog typo is
 * then an error at start instead of a brace shown to a user. */
static mb_status check_placeholders(const i18n_parser *ps, int line, const char *v)
{
    for (const char *p = v; (p = strchr(p, '{')) != NULL;) {
        if (p[1] == '{') {
            p += 2;
            continue;
        }
        const char *q = p + 1;
        while (i18n_is_name_char(*q)) q++;
        if (*q == '}' && q > p + 1) {
            p = q + 1;
            continue;
        }
        int shown = quote_len(p, (size_t)(q - p));
        if (!strchr(q, '}'))
            parse_error(ps, line, "unterminated placeholder '%.*s'", shown, p);
        else
            parse_error(ps, line, "bad placeholder '%.*s' (use {name}, or {{ for a brace)", shown, p);
        return MB_ERR_PARSE;
    }
    return MB_OK;
}

/* Reads the value that starts at v on the current line, following
 * continuation lines, into value. */
static mb_status read_value(i18n_parser *ps, const char *v, const char *e, strbuf *value)
{
    size_t n;
    for (;;) {
        while (v < e && is_blank(*v)) v++;
        while (e > v && is_blank(e[-1])) e--;
        const char *b = e;
        while (b > v && b[-1] == '\\') b--;
        int continues = (e - b) % 2 == 1;
        unescape_into(value, v, continues ? e - 1 : e);
        if (!continues) return MB_OK;
        int r = next_line(ps, &v, &n);
        if (r < 0) return MB_ERR_PARSE;
        if (r == 0) return MB_OK; /* a backslash on the last line joins nothing */
        e = v + n;
    }
}

static mb_status parse_catalog(i18n_parser *ps)
{
    mb_status rc = MB_OK;
    strbuf value;
    sb_init(&value, I18N_VALUE_MAX);
    const char *s;
    size_t n;
    int r;
    /* An editor may have saved a byte order mark. */
    if (ps->end - ps->p >= 3 && memcmp(ps->p, "\xEF\xBB\xBF", 3) == 0) ps->p += 3;
    while ((r = next_line(ps, &s, &n)) > 0) {
        const char *e = s + n;
        while (s < e && is_blank(*s)) s++;
        if (s == e || *s == '#') continue;
        int line = ps->line;
        const char *eq = memchr(s, '=', (size_t)(e - s));
        if (!eq) {
            parse_error(ps, line, "missing '=' (expected key = text)");
            rc = MB_ERR_PARSE;
            goto out;
        }
        const char *key_end = eq;
        while (key_end > s && is_blank(key_end[-1])) key_end--;
        char key[I18N_KEY_MAX + 1];
        rc = check_key(ps, line, s, (size_t)(key_end - s), key);
        if (rc) goto out;
        const i18n_entry *first = i18n_entry_find(ps->lang, key);
        if (first) {
            parse_error(ps, line, "duplicate key %s (first at line %d)", key, first->line);
            rc = MB_ERR_EXISTS;
            goto out;
        }
        if (ps->lang->count >= I18N_KEYS_MAX) {
            parse_error(ps, line, "more than %d keys", I18N_KEYS_MAX);
            rc = MB_ERR_LIMIT;
            goto out;
        }
        sb_reset(&value);
        rc = read_value(ps, eq + 1, e, &value);
        if (rc) goto out;
        if (value.overflow) {
            parse_error(ps, line, "text of %s is longer than %d bytes", key, I18N_VALUE_MAX);
            rc = MB_ERR_LIMIT;
            goto out;
        }
        if (value.failed) {
            parse_error(ps, line, "out of memory");
            rc = MB_ERR_NOMEM;
            goto out;
        }
        rc = check_placeholders(ps, line, sb_str(&value));
        if (rc) goto out;
        rc = lang_add(ps->lang, key, sb_str(&value), value.len, line);
        if (rc) {
            parse_error(ps, line, "out of memory");
            goto out;
        }
    }
    if (r < 0) rc = MB_ERR_PARSE;
out:
    sb_free(&value);
    return rc;
}

/* Reads a whole file of at most I18N_FILE_MAX bytes into *text (malloc'd). */
static mb_status read_catalog(const char *path, char **text, size_t *len, char *err, size_t err_size)
{
    mb_status rc = MB_ERR_IO;
    char *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_error(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        goto out;
    }
    buf = malloc((size_t)I18N_FILE_MAX + 1);
    if (!buf) {
        set_error(err, err_size, "%s: out of memory", path);
        rc = MB_ERR_NOMEM;
        goto out;
    }
    size_t n = fread(buf, 1, (size_t)I18N_FILE_MAX + 1, f);
    if (ferror(f)) {
        set_error(err, err_size, "%s: read error", path);
        goto out;
    }
    if (n > I18N_FILE_MAX) {
        set_error(err, err_size, "%s: file is larger than %d bytes", path, I18N_FILE_MAX);
        rc = MB_ERR_LIMIT;
        goto out;
    }
    *text = buf;
    *len = n;
    buf = NULL;
    rc = MB_OK;
out:
    if (f) fclose(f);
    free(buf);
    return rc;
}

static mb_status load_language(i18n_lang *l, const char *dir, char *err, size_t err_size)
{
    mb_status rc;
    char path[I18N_PATH_MAX];
    char *text = NULL;
    size_t len = 0;
    int n = snprintf(path, sizeof path, "%s/%s/%s", dir, l->code, I18N_FILE_NAME);
    if (n < 0 || (size_t)n >= sizeof path) {
        set_error(err, err_size, "catalog path is longer than %d bytes", I18N_PATH_MAX - 1);
        rc = MB_ERR_LIMIT;
        goto out;
    }
    rc = read_catalog(path, &text, &len, err, err_size);
    if (rc) goto out;
    i18n_parser ps = {.path = path, .lang = l, .p = text, .end = text + len, .err = err, .err_size = err_size};
    rc = parse_catalog(&ps);
out:
    free(text);
    return rc;
}

i18n *i18n_load(const char *dir, const char *const *langs, char *err, size_t err_size)
{
    mb_status rc = MB_ERR_INVALID;
    i18n *c = NULL;
    set_error(err, err_size, "%s", "");
    if (!dir || !langs || !langs[0]) {
        set_error(err, err_size, "i18n: no catalog directory or no languages");
        goto out;
    }
    rc = MB_ERR_NOMEM;
    c = calloc(1, sizeof *c);
    if (c) c->missing = calloc(1, sizeof *c->missing);
    if (!c || !c->missing) {
        set_error(err, err_size, "i18n: out of memory");
        goto out;
    }
    for (size_t i = 0; langs[i]; i++) {
        char primary[I18N_LANG_CODE_MAX + 1];
        rc = MB_ERR_INVALID;
        if (i >= I18N_LANGS_MAX) {
            set_error(err, err_size, "i18n: more than %d languages", I18N_LANGS_MAX);
            rc = MB_ERR_LIMIT;
            goto out;
        }
        /* The code becomes a path component, so only plain letters pass. */
        if (!i18n_primary_subtag(langs[i], primary) || strcmp(primary, langs[i]) != 0) {
            set_error(err, err_size, "i18n: bad language code '%.*s' (2 to %d lowercase letters)",
                      I18N_QUOTE_MAX, langs[i], I18N_LANG_CODE_MAX);
            goto out;
        }
        if (i18n_lang_find(c, primary)) {
            set_error(err, err_size, "i18n: language %s listed twice", primary);
            goto out;
        }
        i18n_lang *l = &c->langs[i];
        memcpy(l->code, primary, sizeof primary);
        l->slavic = i18n_code_is_slavic(primary);
        c->lang_count = i + 1;
        rc = load_language(l, dir, err, err_size);
        if (rc) goto out;
    }
    rc = MB_OK;
out:
    if (rc) {
        i18n_free(c);
        c = NULL;
    }
    return c;
}

void i18n_free(i18n *c)
{
    if (!c) return;
    for (size_t i = 0; i < I18N_LANGS_MAX; i++) {
        i18n_lang *l = &c->langs[i];
        for (size_t k = 0; k < l->count; k++) free(l->entries[k].key);
        free(l->entries);
        free(l->slots);
    }
    if (c->missing)
        for (size_t i = 0; i < c->missing->count; i++) free(c->missing->keys[i]);
    free(c->missing);
    free(c);
}
