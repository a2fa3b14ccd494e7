#include "util/i18n.h"
#include "util/log.h"
#include "util/status.h"
#include "util/strbuf.h"
#include "util/text.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define I18N_FILE_NAME "messages.txt"
#define I18N_PATH_MAX 4096     /* bytes in <dir>/<lang>/messages.txt */
#define I18N_QUOTE_MAX 40      /* bytes of an offending key quoted in an error */
#define I18N_SLOTS_MIN 64      /* first size of a hash table */
#define I18N_NUMBER_MAX 32     /* bytes of a long long in decimal with sign */

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

/* The state of reading one file. */
typedef struct i18n_parser {
    const char *path;
    i18n_lang *lang;
    const char *p, *end;  /* the unread rest of the file */
    int line;             /* number of the line read last */
    char *err;
    size_t err_size;
} i18n_parser;

static const char *const slavic_forms[] = {"one", "few", "many", NULL};
static const char *const other_forms[] = {"one", "other", NULL};

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
static int is_lower(char ch) { return ch >= 'a' && ch <= 'z'; }
static int is_digit(char ch) { return ch >= '0' && ch <= '9'; }
static int is_key_char(char ch) { return is_lower(ch) || is_digit(ch) || ch == '_' || ch == '.'; }

static int is_name_char(char ch)
{
    return is_lower(ch) || (ch >= 'A' && ch <= 'Z') || is_digit(ch) || ch == '_';
}

/* FNV-1a: short keys, no adversary (keys come from our code and files). */
static uint64_t key_hash(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static const i18n_entry *lang_find(const i18n_lang *l, const char *key)
{
    if (!l || !l->slot_count) return NULL;
    uint64_t h = key_hash(key);
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
    const i18n_entry *e = lang_find(l, key);
    return e ? e->value : NULL;
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
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : I18N_SLOTS_MIN;
        i18n_entry *entries = realloc(l->entries, cap * sizeof *entries);
        if (!entries) goto out;
        l->entries = entries;
        l->cap = cap;
    }
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
    e->hash = key_hash(block);
    e->line = line;
    slot_insert(l->slots, l->slot_count, e->hash, (uint32_t)l->count);
    l->count++;
    rc = MB_OK;
out:
    return rc;
}

/* Lowercases the primary subtag of a language code ("ru" of "ru-RU") into
 * out. Returns 0 when it is not 2..I18N_LANG_CODE_MAX ASCII letters. */
static int primary_subtag(const char *code, char out[I18N_LANG_CODE_MAX + 1])
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

static int code_is_slavic(const char *code)
{
    char primary[I18N_LANG_CODE_MAX + 1];
    if (!primary_subtag(code, primary)) return 0;
    return !strcmp(primary, "ru") || !strcmp(primary, "uk") || !strcmp(primary, "be");
}

static const i18n_lang *find_lang(const i18n *c, const char *code)
{
    if (!c || !code) return NULL;
    for (size_t i = 0; i < c->lang_count; i++)
        if (strcmp(c->langs[i].code, code) == 0) return &c->langs[i];
    return NULL;
}

static const i18n_lang *lang_or_default(const i18n *c, const char *code)
{
    const i18n_lang *l = find_lang(c, code);
    return l ? l : &c->langs[0];
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
        const char *const *forms = ps->lang->slavic ? slavic_forms : other_forms;
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
        while (is_name_char(*q)) q++;
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
        const i18n_entry *first = lang_find(ps->lang, key);
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
        if (!primary_subtag(langs[i], primary) || strcmp(primary, langs[i]) != 0) {
            set_error(err, err_size, "i18n: bad language code '%.*s' (2 to %d lowercase letters)",
                      I18N_QUOTE_MAX, langs[i], I18N_LANG_CODE_MAX);
            goto out;
        }
        if (find_lang(c, primary)) {
            set_error(err, err_size, "i18n: language %s listed twice", primary);
            goto out;
        }
        i18n_lang *l = &c->langs[i];
        memcpy(l->code, primary, sizeof primary);
        l->slavic = code_is_slavic(primary);
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

const char *i18n_pick_language(const i18n *c, const char *language_code)
{
    if (!c || !c->lang_count) return "";
    char primary[I18N_LANG_CODE_MAX + 1];
    if (!primary_subtag(language_code, primary)) return c->langs[0].code;
    const i18n_lang *l = find_lang(c, primary);
    if (!l && (!strcmp(primary, "uk") || !strcmp(primary, "be") || !strcmp(primary, "kk")))
        l = find_lang(c, "ru");
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
        while (is_name_char(*q)) q++;
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
    if (!code_is_slavic(lang)) return a == 1 ? I18N_PLURAL_ONE : I18N_PLURAL_MANY;
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
    const i18n_lang *l = find_lang(c, lang);
    if (!l) return -1;
    const i18n_lang *d = &c->langs[0];
    const char *const *forms = l->slavic ? slavic_forms : other_forms;
    const char *const *default_forms = d->slavic ? slavic_forms : other_forms;
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
            const i18n_entry *other = form_key(full_key, base, default_forms[f]) ? lang_find(d, full_key) : NULL;
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
