#include "storage/erase.h"
#include "util/array.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strbuf.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ERASE_PAGE 256   /* row ids read at once */
#define ELLIPSIS "\xE2\x80\xA6"

static int is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

/* The code point starting at s (0 for a broken sequence). */
static unsigned decode_at(const unsigned char *s)
{
    if (s[0] < 0x80) return s[0];
    if ((s[0] & 0xE0) == 0xC0 && is_continuation(s[1])) return ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
    if ((s[0] & 0xF0) == 0xE0 && is_continuation(s[1]) && is_continuation(s[2]))
        return ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
    return 0;
}

/* Letters and digits of the scripts names are written in, so that a name
 * is replaced as a word and never inside a longer one ("Ян" in "Январь"). */
static int is_word_char(unsigned cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || cp == '_' ||
           (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x400 && cp <= 0x52F);
}

static int word_char_before(const char *text, size_t i)
{
    if (i == 0) return 0;
    size_t j = i - 1;
    while (j > 0 && is_continuation((unsigned char)text[j])) j--;
    return is_word_char(decode_at((const unsigned char *)text + j));
}

static int word_char_at(const char *text, size_t i)
{
    return text[i] && is_word_char(decode_at((const unsigned char *)text + i));
}

static int count_chars(const char *s, size_t n)
{
    int chars = 0;
    for (size_t i = 0; i < n; i++) chars += !is_continuation((unsigned char)s[i]);
    return chars;
}

/* Bytes of text at i that are name or a label cut short from it; 0 when
 * neither starts there. */
static size_t match_at(const char *text, size_t i, const char *name, size_t name_len)
{
    if (word_char_before(text, i)) return 0;
    size_t k = 0;
    while (k < name_len && text[i + k] && text[i + k] == name[k]) k++;
    if (k == name_len) return word_char_at(text, i + k) ? 0 : k;
    while (k > 0 && is_continuation((unsigned char)name[k])) k--;
    if (k == 0 || count_chars(name, k) < ERASE_PREFIX_MIN_CHARS) return 0;
    if (strncmp(text + i + k, ELLIPSIS, sizeof ELLIPSIS - 1) != 0) return 0;
    return k + sizeof ELLIPSIS - 1;
}

char *erase_replace_name(const char *text, const char *name, const char *stand_in, int *failed)
{
    size_t name_len = strlen(name);
    if (!text || !name_len) return NULL;
    strbuf sb;
    sb_init(&sb, 0);
    int replaced = 0;
    size_t copied = 0;
    for (size_t i = 0; text[i];) {
        size_t n = text[i] == name[0] ? match_at(text, i, name, name_len) : 0;
        if (!n) {
            i++;
            continue;
        }
        sb_append(&sb, text + copied, i - copied);
        sb_puts(&sb, stand_in);
        i += n;
        copied = i;
        replaced = 1;
    }
    if (!replaced) {
        sb_free(&sb);
        return NULL;
    }
    sb_puts(&sb, text + copied);
    if (sb.failed) {
        sb_free(&sb);
        *failed = 1;
        return NULL;
    }
    return sb_take(&sb);
}

/* Replaces the name in every string of a JSON tree (texts, button labels,
 * captions). Returns the number of strings changed; *failed on no memory. */
static int scrub_json(cJSON *item, const char *name, const char *stand_in, int *failed)
{
    int changed = 0;
    for (; item; item = item->next) {
        if (cJSON_IsString(item)) {
            char *s = erase_replace_name(item->valuestring, name, stand_in, failed);
            if (s) {
                if (cJSON_SetValuestring(item, s)) changed++;
                else *failed = 1;
                free(s);
            }
        }
        if (cJSON_IsObject(item) || cJSON_IsArray(item)) changed += scrub_json(item->child, name, stand_in, failed);
    }
    return changed;
}

/* The JSON text with the name replaced: malloc'd, or NULL when the text
 * does not carry the name. A text that is not JSON is treated as a string. */
static char *scrub_json_text(const char *json, const char *name, const char *stand_in, int *failed)
{
    cJSON *root = cJSON_Parse(json);
    if (!root) return erase_replace_name(json, name, stand_in, failed);
    char *out = NULL;
    if (scrub_json(root, name, stand_in, failed) > 0) {
        out = cJSON_PrintUnformatted(root);
        if (!out) *failed = 1;
    }
    cJSON_Delete(root);
    return out;
}

/* The next page of ids a query answers in column 0: the caller binds its
 * own parameters, this binds ?2 (the last id seen) and ?3 (the page size). */
static int next_ids(db *d, sqlite3_stmt *st, int64_t after, int64_t *ids)
{
    sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_int(st, 3, ERASE_PAGE);
    int n = 0, rc = SQLITE_DONE;
    while (n < ERASE_PAGE && (rc = db_step_raw(d, st)) == SQLITE_ROW) ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;   /* -1: unreadable, not "none left" */
}

/* The name's first characters, the part every form of it shares (a
 * shortened label keeps at least ERASE_PREFIX_MIN_CHARS of them). */
static void name_head(const char *name, char *buf, size_t size)
{
    size_t i = 0;
    int chars = 0;
    for (; name[i]; i++) {
        int starts = !is_continuation((unsigned char)name[i]);
        if (starts && (chars == ERASE_PREFIX_MIN_CHARS || i + 5 > size)) break;
        chars += starts;
    }
    memcpy(buf, name, i);
    buf[i] = 0;
}

/* An outbox row's body and its reader's language: the account the row
 * is for, or the account that owns the chat (rows to a chat carry no
 * account id); whether its error names name (may be NULL). Both
 * malloc'd; MB_ERR_NOT_FOUND when the row is gone. */
static mb_status row_for_reader(db *d, int64_t id, const char *name, char **body, char **lang, int *error_named)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT o.body, COALESCE(a.language, (SELECT b.language FROM identities x"
                                  "  JOIN accounts b ON b.id = x.account_id"
                                  "  WHERE x.platform = o.platform AND x.chat_id = o.chat_id LIMIT 1)),"
                                  " instr(o.error, ?2) > 0"
                                  " FROM outbox o LEFT JOIN accounts a ON a.id = o.account_id WHERE o.id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    if (name) sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, 2);
    mb_status found = db_step_row(d, st);
    if (found) return found;
    *body = db_column_dup(st, 0);
    *lang = db_column_dup(st, 1);
    *error_named = sqlite3_column_int(st, 2);
    sqlite3_reset(st);
    return MB_OK;
}

/* Calls fn for each outbox row the statement sql names (?1 text; ?2 and
 * ?3 as next_ids binds them), a page at a time, in id order. */
static mb_status each_outbox_row(db *d, const char *sql, const char *text,
                                 mb_status (*fn)(db *d, int64_t id, void *ctx), void *ctx)
{
    int64_t ids[ERASE_PAGE], after = 0;
    for (;;) {
        sqlite3_stmt *page = db_stmt(d, sql);
        if (!page) return MB_ERR_DB;
        sqlite3_bind_text(page, 1, text, -1, SQLITE_STATIC);
        int n = next_ids(d, page, after, ids);
        if (n < 0) return MB_ERR_DB;
        for (int i = 0; i < n; i++) {
            mb_status rc = fn(d, ids[i], ctx);
            if (rc) return rc;
        }
        if (n < ERASE_PAGE) return MB_OK;
        after = ids[n - 1];
    }
}

typedef struct scrub_ctx {
    const char *name;
    const erase_words *w;
    erase_stats *stats;
    int64_t writer;   /* erase_messages_from: the account whose messages go */
} scrub_ctx;

/* One outbox row with the name replaced in its text. */
static mb_status scrub_row(db *d, int64_t id, void *arg)
{
    scrub_ctx *x = arg;
    char *body = NULL, *lang = NULL;
    int error_named = 0;
    mb_status rc = row_for_reader(d, id, x->name, &body, &lang, &error_named);
    if (rc == MB_ERR_NOT_FOUND) return MB_OK;
    if (rc) return rc;
    int failed = 0;
    char *scrubbed = body ? scrub_json_text(body, x->name, x->w->stand_in(x->w->arg, lang), &failed) : NULL;
    if (failed) rc = MB_ERR_NOMEM;
    else if (scrubbed || error_named) {
        /* The platform's error words may quote the text: they go with it. */
        sqlite3_stmt *st = db_stmt(d, "UPDATE outbox SET body = COALESCE(?2, body),"
                                      " error = CASE WHEN ?3 THEN NULL ELSE error END WHERE id = ?1");
        if (!st) rc = MB_ERR_DB;
        else {
            sqlite3_bind_int64(st, 1, id);
            db_bind_text(st, 2, scrubbed);
            sqlite3_bind_int(st, 3, error_named);
            rc = db_step_done(d, st);
            if (!rc && scrubbed) x->stats->messages++;
        }
    }
    free(scrubbed);
    free(body);
    free(lang);
    return rc;
}

static mb_status scrub_outbox(db *d, const char *name, const erase_words *w, erase_stats *stats)
{
    char head[64];
    name_head(name, head, sizeof head);
    scrub_ctx x = {name, w, stats, 0};
    return each_outbox_row(d, "SELECT id FROM outbox WHERE (instr(body, ?1) > 0 OR instr(error, ?1) > 0)"
                              " AND id > ?2 ORDER BY id LIMIT ?3", head, scrub_row, &x);
}

/* Dialog data of other people (a curator's draft) and job payloads. */
static mb_status scrub_records(db *d, const char *name, const erase_words *w, erase_stats *stats)
{
    static const struct {
        const char *select;
        const char *read;
        const char *write;
    } tables[] = {
        {"SELECT account_id FROM dialog WHERE instr(data, ?1) > 0 AND account_id > ?2 ORDER BY account_id LIMIT ?3",
         "SELECT d.data, a.language FROM dialog d LEFT JOIN accounts a ON a.id = d.account_id"
         " WHERE d.account_id = ?1",
         "UPDATE dialog SET data = ?2 WHERE account_id = ?1"},
        {"SELECT id FROM jobs WHERE (instr(payload, ?1) > 0 OR instr(last_error, ?1) > 0) AND id > ?2"
         " ORDER BY id LIMIT ?3",
         "SELECT payload, NULL FROM jobs WHERE id = ?1",
         "UPDATE jobs SET payload = ?2, last_error = NULL WHERE id = ?1"},
    };
    char head[64];
    name_head(name, head, sizeof head);
    mb_status rc = MB_OK;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0] && !rc; t++) {
        int64_t ids[ERASE_PAGE], after = 0;
        for (int n = ERASE_PAGE, i = n; !rc; i++) {
            if (i == n) {
                if (n < ERASE_PAGE) break;
                sqlite3_stmt *page = db_stmt(d, tables[t].select);
                if (!page) return MB_ERR_DB;
                sqlite3_bind_text(page, 1, head, -1, SQLITE_STATIC);
                if ((n = next_ids(d, page, after, ids)) < 0) return MB_ERR_DB;
                i = 0;
                if (n == 0) break;
                after = ids[n - 1];
            }
            sqlite3_stmt *st = db_stmt(d, tables[t].read);
            if (!st) { rc = MB_ERR_DB; break; }
            sqlite3_bind_int64(st, 1, ids[i]);
            mb_status found = db_step_row(d, st);
            if (found == MB_ERR_NOT_FOUND) continue;
            if (found) { rc = found; break; }
            char *data = db_column_dup(st, 0), *lang = db_column_dup(st, 1);
            sqlite3_reset(st);
            int failed = 0;
            char *scrubbed = data ? scrub_json_text(data, name, w->stand_in(w->arg, lang), &failed) : NULL;
            if (failed) rc = MB_ERR_NOMEM;
            else if (scrubbed) {
                st = db_stmt(d, tables[t].write);
                if (!st) rc = MB_ERR_DB;
                else {
                    sqlite3_bind_int64(st, 1, ids[i]);
                    sqlite3_bind_text(st, 2, scrubbed, -1, SQLITE_STATIC);
                    if (!(rc = db_step_done(d, st))) stats->records++;
                }
            }
            free(scrubbed);
            free(data);
            free(lang);
        }
    }
    return rc;
}

/* 1 when the file holds name as it is, or as a CSV field writes it (quotes
 * doubled). */
static int file_names(const char *path, const char *name)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char *buf = malloc(ERASE_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, ERASE_FILE_MAX, f) : 0;
    fclose(f);
    if (!buf) return 1;   /* cannot look: treat as naming, the file is only a report */
    buf[n] = 0;
    int found = memmem(buf, n, name, strlen(name)) != NULL;
    if (!found && strchr(name, '"')) {
        strbuf quoted;
        sb_init(&quoted, 0);
        for (const char *p = name; *p; p++) sb_puts(&quoted, *p == '"' ? "\"\"" : (char[2]){*p, 0});
        found = quoted.failed || memmem(buf, n, sb_str(&quoted), quoted.len) != NULL;
        sb_free(&quoted);
    }
    free(buf);
    return found;
}

/* A report still waiting to go out that carries path becomes a note in
 * its reader's language; a message already on its way is left to fail. */
static mb_status withdraw_report(db *d, const char *path, const erase_words *w, erase_stats *stats)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id FROM outbox WHERE kind IN ('document', 'photo') AND state = 'pending'"
                                  " AND json_extract(body, '$.path') = ?1 AND id > ?2 ORDER BY id LIMIT ?3");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    /* A file belongs to one message: one page is all there is. */
    int64_t ids[ERASE_PAGE];
    int n = next_ids(d, st, 0, ids);
    if (n < 0) return MB_ERR_DB;
    mb_status rc = MB_OK;
    for (int i = 0; i < n && !rc; i++) {
        st = db_stmt(d, "SELECT a.language FROM outbox o LEFT JOIN accounts a ON a.id = o.account_id"
                        " WHERE o.id = ?1");
        if (!st) { rc = MB_ERR_DB; break; }
        sqlite3_bind_int64(st, 1, ids[i]);
        mb_status found = db_step_row(d, st);
        if (found && found != MB_ERR_NOT_FOUND) { rc = found; break; }
        char *lang = found == MB_OK ? db_column_dup(st, 0) : NULL;
        sqlite3_reset(st);
        cJSON *body = cJSON_CreateObject();
        char *json = NULL;
        if (body && cJSON_AddStringToObject(body, "text", w->withdrawn(w->arg, lang)))
            json = cJSON_PrintUnformatted(body);
        cJSON_Delete(body);
        free(lang);
        if (!json) { rc = MB_ERR_NOMEM; break; }
        st = db_stmt(d, "UPDATE outbox SET kind = 'text', body = ?2 WHERE id = ?1");
        if (!st) rc = MB_ERR_DB;
        else {
            sqlite3_bind_int64(st, 1, ids[i]);
            sqlite3_bind_text(st, 2, json, -1, SQLITE_STATIC);
            if (!(rc = db_step_done(d, st))) stats->reports++;
        }
        free(json);
    }
    return rc;
}

static mb_status remove_reports(db *d, const char *name, const char *files_dir, const erase_words *w,
                                erase_stats *stats)
{
    DIR *dir = files_dir && *files_dir ? opendir(files_dir) : NULL;
    if (!dir) return MB_OK;
    mb_status rc = MB_OK;
    struct dirent *e;
    while (!rc && (e = readdir(dir))) {
        char path[4096];
        struct stat st;
        if (e->d_name[0] == '.') continue;
        if (snprintf(path, sizeof path, "%s/%s", files_dir, e->d_name) >= (int)sizeof path) continue;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !file_names(path, name)) continue;
        if ((rc = withdraw_report(d, path, w, stats))) break;
        if (unlink(path) == 0) stats->files++;
        else log_warn("erase", "cannot remove the report %s that names an erased person", path);
    }
    closedir(dir);
    return rc;
}

mb_status erase_name_everywhere(db *d, const char *name, const char *files_dir, const erase_words *w,
                                erase_stats *stats)
{
    erase_stats ignored;
    if (!stats) stats = &ignored;
    memset(stats, 0, sizeof *stats);
    if (!name || !*name) return MB_OK;
    mb_status rc;
    if ((rc = scrub_outbox(d, name, w, stats)) || (rc = scrub_records(d, name, w, stats))) return rc;
    return remove_reports(d, name, files_dir, w, stats);
}

/* Whether a message body carries the button answering a message written
 * by account_id ("pr:w:<mentorship>:<account_id>"). */
static int written_by(const cJSON *root, int64_t account_id)
{
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(root, "buttons"), *row, *b;
    cJSON_ArrayForEach(row, rows) cJSON_ArrayForEach(b, row) {
        const char *data = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "data"));
        long long mentorship, writer;
        int used = 0;
        if (data && sscanf(data, "pr:w:%lld:%lld%n", &mentorship, &writer, &used) == 2 && !data[used] &&
            writer == account_id)
            return 1;
    }
    return 0;
}

/* One outbox row, when it is a message x->writer wrote, with its words
 * replaced and its answer button gone. */
static mb_status erase_message_row(db *d, int64_t id, void *arg)
{
    scrub_ctx *x = arg;
    char *body = NULL, *lang = NULL;
    int error_named = 0;
    mb_status rc = row_for_reader(d, id, NULL, &body, &lang, &error_named);
    if (rc == MB_ERR_NOT_FOUND) return MB_OK;
    if (rc) return rc;
    cJSON *root = body ? cJSON_Parse(body) : NULL;
    char *rewritten = NULL;
    if (root && written_by(root, x->writer)) {
        cJSON_DeleteItemFromObjectCaseSensitive(root, "buttons");
        cJSON_DeleteItemFromObjectCaseSensitive(root, "text");
        if (!cJSON_AddStringToObject(root, "text", x->w->message(x->w->arg, lang)) ||
            !(rewritten = cJSON_PrintUnformatted(root)))
            rc = MB_ERR_NOMEM;
    }
    cJSON_Delete(root);
    if (rewritten) {
        /* the platform's error words may quote the text: they go too */
        sqlite3_stmt *st = db_stmt(d, "UPDATE outbox SET body = ?2, error = NULL WHERE id = ?1");
        if (!st) rc = MB_ERR_DB;
        else {
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_text(st, 2, rewritten, -1, SQLITE_STATIC);
            rc = db_step_done(d, st);
            if (!rc) x->stats->messages++;
        }
    }
    free(rewritten);
    free(body);
    free(lang);
    return rc;
}

mb_status erase_messages_from(db *d, int64_t account_id, const erase_words *w, erase_stats *stats)
{
    char marker[32];
    snprintf(marker, sizeof marker, ":%lld\"", (long long)account_id);
    scrub_ctx x = {NULL, w, stats, account_id};
    return each_outbox_row(d, "SELECT id FROM outbox WHERE instr(body, 'pr:w:') > 0 AND instr(body, ?1) > 0"
                              " AND id > ?2 ORDER BY id LIMIT ?3", marker, erase_message_row, &x);
}

mb_status erase_list_chats(db *d, int64_t account_id)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT OR IGNORE INTO erased_chats(platform, chat_id)"
                                  " SELECT platform, chat_id FROM identities WHERE account_id = ?1"
                                  " UNION SELECT platform, chat_id FROM consent_requests WHERE minor_id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    return db_step_done(d, st);
}

/* A statement about one chat, bound: ?1 platform, ?2 chat. */
static sqlite3_stmt *chat_stmt(db *d, const char *sql, const char *platform, int64_t chat_id)
{
    sqlite3_stmt *st = db_stmt(d, sql);
    if (st) {
        sqlite3_bind_text(st, 1, platform, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, chat_id);
    }
    return st;
}

/* One listed chat: unless someone is reached there again, its delivered
 * or given-up messages go, and once nothing is on its way there (*left
 * counts what is) its last message number too; then it leaves the list. */
static mb_status sweep_chat(db *d, const char *platform, int64_t chat_id, int *left)
{
    int64_t owned = 0, waiting = 0;
    sqlite3_stmt *st = chat_stmt(d, "SELECT EXISTS (SELECT 1 FROM identities WHERE platform = ?1 AND chat_id = ?2)",
                                 platform, chat_id);
    mb_status rc = st ? db_step_int(d, st, &owned) : MB_ERR_DB;
    if (!rc && !owned) {
        st = chat_stmt(d, "DELETE FROM outbox WHERE platform = ?1 AND chat_id = ?2"
                          " AND state IN ('sent', 'failed', 'unknown')", platform, chat_id);
        rc = st ? db_step_done(d, st) : MB_ERR_DB;
        st = rc ? NULL : chat_stmt(d, "SELECT COUNT(*) FROM outbox WHERE platform = ?1 AND chat_id = ?2",
                                   platform, chat_id);
        if (!rc) rc = st ? db_step_int(d, st, &waiting) : MB_ERR_DB;
        *left = (int)waiting;
        if (rc || waiting) return rc;
        st = chat_stmt(d, "DELETE FROM chat_marks WHERE platform = ?1 AND chat_id = ?2", platform, chat_id);
        rc = st ? db_step_done(d, st) : MB_ERR_DB;
    }
    if (rc) return rc;
    st = chat_stmt(d, "DELETE FROM erased_chats WHERE platform = ?1 AND chat_id = ?2", platform, chat_id);
    return st ? db_step_done(d, st) : MB_ERR_DB;
}

mb_status erase_sweep_listed(db *d, int *unfinished)
{
    *unfinished = 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT platform, chat_id FROM erased_chats ORDER BY platform, chat_id");
    if (!st) return MB_ERR_DB;
    /* read first: the sweep deletes from the list it reads */
    struct listed { char platform[8]; int64_t chat_id; } *chats = NULL;
    size_t n = 0, cap = 0;
    int step;
    mb_status rc = MB_OK;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        if (array_grow(&chats, &cap, n, sizeof *chats, 16)) {
            rc = MB_ERR_NOMEM;
            break;
        }
        db_column_copy(st, 0, chats[n].platform, sizeof chats[n].platform);
        chats[n++].chat_id = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (!rc && step != SQLITE_DONE) rc = MB_ERR_DB;
    for (size_t i = 0; !rc && i < n; i++) {
        int left = 0;
        rc = sweep_chat(d, chats[i].platform, chats[i].chat_id, &left);
        *unfinished += left;
    }
    free(chats);
    return rc;
}

mb_status erase_sweep_chats(db *d, int *unfinished)
{
    /* every chat nobody is reached in goes on the list, then the list is
     * swept as after a /forget */
    mb_status rc = db_exec(d, "INSERT OR IGNORE INTO erased_chats(platform, chat_id)"
                              " SELECT o.platform, o.chat_id FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM identities i"
                              "  WHERE i.platform = o.platform AND i.chat_id = o.chat_id)"
                              " UNION SELECT m.platform, m.chat_id FROM chat_marks m WHERE NOT EXISTS (SELECT 1"
                              "  FROM identities i WHERE i.platform = m.platform AND i.chat_id = m.chat_id)");
    return rc ? rc : erase_sweep_listed(d, unfinished);
}

int erase_partners(db *d, int64_t account_id, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT m.mentor_id FROM mentorships m JOIN mentorship_members mm"
                                  " ON mm.mentorship_id = m.id WHERE mm.mentee_id = ?1 AND mm.left_at IS NULL"
                                  " AND m.state = 'active'"
                                  " UNION SELECT mm.mentee_id FROM mentorships m JOIN mentorship_members mm"
                                  " ON mm.mentorship_id = m.id WHERE m.mentor_id = ?1 AND mm.left_at IS NULL"
                                  " AND m.state = 'active'");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, account_id);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n < max) ids[n] = sqlite3_column_int64(st, 0);
        n++;
    }
    sqlite3_reset(st);
    return n;
}

static mb_status exec_id_time(db *d, const char *sql, int64_t id, int64_t now)
{
    sqlite3_stmt *st = db_stmt(d, sql);
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    return db_step_done(d, st);
}

mb_status erase_leave_mentorships(db *d, int64_t account_id)
{
    int64_t now = clock_now_ms();
    mb_status rc;
    /* Each statement starts from the person (by mentee or by mentor), so
     * it reads their few rows, not every mentorship of the region. */
    if ((rc = exec_id_time(d, "UPDATE mentorship_members SET left_at = ?2 WHERE mentee_id = ?1 AND left_at IS NULL"
                              " AND EXISTS (SELECT 1 FROM mentorships m WHERE m.id = mentorship_members.mentorship_id"
                              " AND m.state = 'active')",
                           account_id, now)) ||
        (rc = exec_id_time(d, "UPDATE mentorships SET state = 'ended', ended_at = ?2 WHERE state = 'active'"
                              " AND mentor_id = ?1", account_id, now)) ||
        /* a pair or group the person just left and nobody is left in */
        (rc = exec_id_time(d, "UPDATE mentorships SET state = 'ended', ended_at = ?2 WHERE state = 'active'"
                              " AND id IN (SELECT mentorship_id FROM mentorship_members WHERE mentee_id = ?1"
                              " AND left_at = ?2) AND NOT EXISTS (SELECT 1 FROM mentorship_members mm"
                              " WHERE mm.mentorship_id = mentorships.id AND mm.left_at IS NULL)",
                           account_id, now)))
        return rc;
    /* The mentees of the mentorships just ended are back in the queue. */
    return exec_id_time(d, "UPDATE mentorship_members SET left_at = ?2 WHERE left_at IS NULL AND mentorship_id IN"
                           " (SELECT id FROM mentorships WHERE state = 'ended' AND ended_at = ?2 AND mentor_id = ?1)", account_id, now);
}

mb_status erase_meetings(db *d, int64_t account_id)
{
    /* Both start from the person's rows (meeting_participants_account);
     * the first has no ?2, whose binding is then a no-op. */
    mb_status rc = exec_id_time(d, "UPDATE meeting_participants SET comment = NULL WHERE account_id = ?1"
                                   " AND comment IS NOT NULL", account_id, 0);
    if (rc) return rc;
    return exec_id_time(d, "DELETE FROM meeting_participants WHERE account_id = ?1 AND EXISTS (SELECT 1 FROM"
                           " meetings m WHERE m.id = meeting_participants.meeting_id AND m.state = 'planned'"
                           " AND m.starts_at >= ?2)", account_id, clock_now_ms());
}
