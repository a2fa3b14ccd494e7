/*
 * What several curator screens share: the scope check, sending, labels,
 * pages, names of categories, topics and forms. It calls no screen, so the
 * screens (curator_*.c) and the menu above them (curator.c) may all use it.
 */
#include "handlers/curator.h"
#include "storage/profiles.h"
#include "storage/territories.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The organisation must be one the curator was given (through their
 * invite): storage/territories.h keeps the scopes. */
int curator_in_scope(const hctx *h, int64_t org_id)
{
    return org_id > 0 && scope_can_change_org(h->d, h->acct.id, org_id);
}

mb_status curator_send(hctx *h, char *text, keyboard *kb)
{
    mb_status rc = text ? reply_text(h, text, kb) : MB_ERR_NOMEM;
    free(text);
    kb_free(kb);
    return rc;
}

void curator_who(const i18n *t, const char *lang, const account *a, char *buf, size_t size)
{
    char key[40];
    snprintf(key, sizeof key, "category.%s", a->category[0] ? a->category : "none");
    const char *cat = i18n_text(t, lang, key);
    if (strcmp(a->category, "pupil") == 0 && a->grade > 0) {
        char grade[16];
        snprintf(grade, sizeof grade, "%d", a->grade);
        char *s = i18n_format(t, lang, "curator.who_pupil", "category", cat, "grade", grade, NULL);
        snprintf(buf, size, "%s", s ? s : cat);
        free(s);
        return;
    }
    snprintf(buf, size, "%s", cat);
}

void curator_topics(const i18n *t, const char *lang, uint32_t topics, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < PROFILE_TOPIC_COUNT; i++) {
        if (!(topics & (1u << i))) continue;
        char key[64];
        snprintf(key, sizeof key, "match.topic.%s", profile_topic_name(i));
        int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", i18n_text(t, lang, key));
        if (n < 0 || (size_t)n >= size - used) break;
        used += (size_t)n;
    }
    if (!used) snprintf(buf, size, "%s", i18n_text(t, lang, "curator.topics_none"));
}

void curator_label(const char *name, int chars_limit, char *buf, size_t size)
{
    /* Whole characters only (a UTF-8 character starts at a byte that is not
     * 10xxxxxx), leaving room for the ellipsis and the NUL. */
    size_t i = 0;
    int chars = 0;
    for (; name[i]; i++) {
        int starts = ((unsigned char)name[i] & 0xC0) != 0x80;
        if (starts && (chars == chars_limit || i + 8 > size)) break;
        chars += starts;
    }
    memcpy(buf, name, i);
    buf[i] = 0;
    if (name[i]) memcpy(buf + i, "\xE2\x80\xA6", 4); /* "…" and the NUL */
}

void curator_people_buttons(hctx *h, keyboard *kb, const int64_t *ids, int n, const char *prefix)
{
    for (int i = 0; i < n; i++) {
        account a;
        if (account_load(h->d, ids[i], &a)) continue;
        char name[128], who[96], label[256], data[40];
        curator_label(a.name, CURATOR_LABEL_NAME_MAX, name, sizeof name);
        curator_who(h->env->texts, h->lang, &a, who, sizeof who);
        snprintf(label, sizeof label, "%s (%s)", name, who);
        snprintf(data, sizeof data, "%s:%lld", prefix, (long long)a.id);
        kb_row(kb);
        kb_button(kb, label, data);
    }
}

void curator_pager(hctx *h, keyboard *kb, const char *prefix, int page, int total)
{
    int pages = (total + CURATOR_PAGE - 1) / CURATOR_PAGE;
    if (pages <= 1) return;
    char data[48];
    kb_row(kb);
    if (page > 0) {
        snprintf(data, sizeof data, "%s:%d", prefix, page - 1);
        kb_button(kb, T(h, "curator.page_prev"), data);
    }
    if (page + 1 < pages) {
        snprintf(data, sizeof data, "%s:%d", prefix, page + 1);
        kb_button(kb, T(h, "curator.page_next"), data);
    }
}

const char *curator_form_text(const i18n *t, const char *lang, int form)
{
    char key[48];
    snprintf(key, sizeof key, "match.form.%s", profile_form_name(form) ? profile_form_name(form) : "none");
    return i18n_text(t, lang, key);
}

void curator_actor(const hctx *h, char *buf, size_t size)
{
    snprintf(buf, size, "account:%lld", (long long)h->acct.id);
}
