#include "handlers/announce.h"
#include "handlers/curator.h"
#include "handlers/flows.h"
#include "handlers/timezone.h"
#include "storage/recognition.h"
#include "storage/territories.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATE_TEXT "ann_text"
#define STATE_CONFIRM "ann_ok"
#define ANNOUNCE_ORGS_MAX 2000     /* organisations of one territory */
#define ANNOUNCE_BATCH 500         /* people read at a time */
#define HEADER_ROOM 300            /* UTF-16 units the header around the text takes */

static int is_coordinator(const hctx *h)
{
    return h->has_account && strcmp(h->acct.status, "active") == 0 && strcmp(h->acct.role, "coordinator") == 0;
}

static int cmp_ids(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

mb_status announce_collect(db *d, const int64_t *orgs, int norgs, const char *const *roles, int nroles, int64_t **ids,
                           int *n)
{
    *ids = NULL;
    *n = 0;
    int cap = 0, count = 0;
    int64_t *list = NULL, batch[ANNOUNCE_BATCH];
    for (int o = 0; o < norgs; o++) {
        for (int r = 0; r < nroles; r++) {
            for (int offset = 0; count < ANNOUNCE_RECIPIENTS_MAX; offset += ANNOUNCE_BATCH) {
                int got = mentorship_list_people(d, orgs[o], roles[r], offset, batch, ANNOUNCE_BATCH);
                if (got > 0 && count + got > cap) {
                    cap = (count + got) * 2;
                    int64_t *grown = realloc(list, (size_t)cap * sizeof *list);
                    if (!grown) {
                        free(list);
                        return MB_ERR_NOMEM;
                    }
                    list = grown;
                }
                for (int i = 0; i < got && count < ANNOUNCE_RECIPIENTS_MAX; i++) list[count++] = batch[i];
                if (got < ANNOUNCE_BATCH) break;
            }
        }
    }
    /* A person is in one organisation with one role, but say it once anyway. */
    if (count > 1) qsort(list, (size_t)count, sizeof *list, cmp_ids);
    int unique = 0;
    for (int i = 0; i < count; i++)
        if (unique == 0 || list[unique - 1] != list[i]) list[unique++] = list[i];
    *ids = list;
    *n = unique;
    return MB_OK;
}

int announce_count_elsewhere(db *d, const int64_t *ids, int n, const char *platform)
{
    int elsewhere = 0;
    for (int i = 0; i < n; i++) {
        identity id;
        if (identity_for_account(d, ids[i], platform, &id) != MB_OK) elsewhere++;
    }
    return elsewhere;
}

/* The text of msg for a reader of lang: the header with the text, or the
 * file's own line when a file goes without one. Caller frees. */
static char *message_text(const bot_env *env, const char *lang, const announce_message *msg)
{
    if (msg->ref && !*msg->text) return i18n_format(env->texts, lang, msg->file_key, "org", msg->from, NULL);
    return i18n_format(env->texts, lang, msg->header_key, "org", msg->from, "text", msg->text, NULL);
}

mb_status announce_deliver(hctx *h, const announce_message *msg, const int64_t *ids, int n, int64_t org_id,
                           int64_t territory_id, int *queued)
{
    *queued = 0;
    int64_t first = announcement_outbox_mark(h->d);
    for (int i = 0; i < n; i++) {
        account a;
        if (account_load(h->d, ids[i], &a)) continue;
        const char *lang = i18n_pick_language(h->env->texts, a.language);
        char *text = message_text(h->env, lang, msg);
        if (!text) return MB_ERR_NOMEM;
        mb_status rc = msg->ref ? reply_attachment_to_account(h->d, a.id, msg->platform, msg->kind, msg->ref, text,
                                                              NULL)
                                : reply_to_account(h->d, a.id, text, NULL);
        /* Only on the other messenger: the text alone, when there is one. */
        if (rc == MB_ERR_DENIED) rc = *msg->text ? reply_to_account(h->d, a.id, text, NULL) : MB_ERR_NOT_FOUND;
        free(text);
        if (rc == MB_OK) (*queued)++;
        else if (rc != MB_ERR_NOT_FOUND) return rc;
    }
    int64_t last = announcement_outbox_mark(h->d), id = 0;
    mb_status rc = announcement_add(h->d, h->acct.id, org_id, territory_id, n, first, last, clock_now_ms(), &id);
    if (rc) return rc;
    char payload[64];
    snprintf(payload, sizeof payload, "{\"id\":%lld}", (long long)id);
    return job_add(h->d, clock_now_ms() + ANNOUNCE_REPORT_FIRST_MS, JOB_ANNOUNCE_REPORT, payload, NULL);
}

void announce_from_dialog(hctx *h, announce_message *msg)
{
    memset(msg, 0, sizeof *msg);
    const char *text = json_str(h->data, "text");
    msg->text = text ? text : "";
    msg->ref = json_str(h->data, "ref");
    msg->platform = json_str(h->data, "platform");
    int ok = 0;
    int64_t kind = json_int(h->data, "kind", &ok);
    msg->kind = ok && kind == EVENT_ATTACHMENT_DOCUMENT ? EVENT_ATTACHMENT_DOCUMENT : EVENT_ATTACHMENT_PHOTO;
    if (!msg->platform) msg->ref = NULL;
}

int announce_text_limit(hctx *h)
{
    int platform_limit = (int)platform_caps_for(h->ev->platform)->text_units_limit - HEADER_ROOM;
    return platform_limit < ANNOUNCE_TEXT_MAX ? platform_limit : ANNOUNCE_TEXT_MAX;
}

/* Keeps what the sender sent in the dialog: a text, or a file with its
 * caption. MB_ERR_LIMIT when the text is too long. */
static mb_status keep_message(hctx *h, const char *text, int with_file)
{
    if (text && text_codepoints(text) > (size_t)announce_text_limit(h)) return MB_ERR_LIMIT;
    const char *keys[] = {"text", "ref", "kind", "platform", "album", "album_told"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) cJSON_DeleteItemFromObject(h->data, keys[i]);
    cJSON_AddStringToObject(h->data, "text", text ? text : "");
    if (with_file) {
        cJSON_AddStringToObject(h->data, "ref", h->ev->attachment.ref);
        cJSON_AddNumberToObject(h->data, "kind", h->ev->attachment.kind);
        cJSON_AddStringToObject(h->data, "platform", h->ev->platform);
        if (h->ev->attachment.album_id) cJSON_AddStringToObject(h->data, "album", h->ev->attachment.album_id);
    }
    return MB_OK;
}

static mb_status refuse_long(hctx *h)
{
    char limit[16];
    snprintf(limit, sizeof limit, "%d", announce_text_limit(h));
    return curator_send(h, TF(h, "curator.announce_too_long", "limit", limit, NULL), NULL);
}

/* ---- the coordinator's flow ---- */

void announce_menu_items(hctx *h, keyboard *kb)
{
    if (!is_coordinator(h)) return;
    kb_row(kb);
    kb_button(kb, T(h, "announce.menu"), "an");
}

int announce_wants_text(const hctx *h)
{
    return is_coordinator(h) && (strcmp(h->state, STATE_TEXT) == 0 || strcmp(h->state, STATE_CONFIRM) == 0);
}

static mb_status territory_mentors(hctx *h, int64_t **ids, int *n, int *norgs)
{
    int64_t *orgs = malloc(ANNOUNCE_ORGS_MAX * sizeof *orgs);
    if (!orgs) return MB_ERR_NOMEM;
    int count = scope_readable_org_ids(h->d, h->acct.id, orgs, ANNOUNCE_ORGS_MAX);
    if (count > ANNOUNCE_ORGS_MAX) count = ANNOUNCE_ORGS_MAX;
    if (count < 0) {
        free(orgs);
        return MB_ERR_DB;
    }
    static const char *const roles[] = {"mentor"};
    mb_status rc = announce_collect(h->d, orgs, count, roles, 1, ids, n);
    free(orgs);
    *norgs = count;
    return rc;
}

static void territory_name(hctx *h, char *buf, size_t size)
{
    territory t;
    if (territory_get(h->d, account_coordinated_territory(h->d, h->acct.id), &t)) snprintf(t.name, sizeof t.name, "—");
    snprintf(buf, size, "%s", t.name);
}

static void coordinator_message(hctx *h, announce_message *msg, char *from, size_t size)
{
    announce_from_dialog(h, msg);
    territory_name(h, from, size);
    msg->from = from;
    msg->header_key = "announce.territory_header";
    msg->file_key = "announce.territory_file";
}

/* The preview: the message as the mentors will see it, with how many they
 * are and how many only the text reaches. */
static mb_status coordinator_preview(hctx *h)
{
    int64_t *ids = NULL;
    int n = 0, norgs = 0;
    mb_status rc = territory_mentors(h, &ids, &n, &norgs);
    if (rc) return rc;
    announce_message msg;
    char from[256];
    coordinator_message(h, &msg, from, sizeof from);
    int elsewhere = msg.ref ? announce_count_elsewhere(h->d, ids, n, msg.platform) : 0;
    free(ids);
    if ((rc = ctx_set_state(h, STATE_CONFIRM))) return rc == MB_ERR_LIMIT ? refuse_long(h) : rc;
    char *people = i18n_plural(h->env->texts, h->lang, "curator.people", n, NULL);
    char *orgs = i18n_plural(h->env->texts, h->lang, "announce.orgs", norgs, NULL);
    char *head = TF(h, "announce.preview", "people", people ? people : "", "orgs", orgs ? orgs : "", NULL);
    free(people);
    free(orgs);
    if (!head) return MB_ERR_NOMEM;
    if (elsewhere) {
        char count[16];
        snprintf(count, sizeof count, "%d", elsewhere);
        char *note = TF(h, *msg.text ? "announce.elsewhere_text" : "announce.elsewhere_none", "n", count, NULL);
        char *both = note ? malloc(strlen(head) + strlen(note) + 3) : NULL;
        if (both) sprintf(both, "%s\n\n%s", head, note);
        free(note);
        free(head);
        if (!both) return MB_ERR_NOMEM;
        head = both;
    }
    rc = reply_text(h, head, NULL);
    free(head);
    if (rc) return rc;
    keyboard kb = {0};
    kb_button(&kb, T(h, "curator.announce_send"), "an:s");
    kb_button(&kb, T(h, "curator.announce_cancel"), "an:c");
    char *text = message_text(h->env, h->lang, &msg);
    rc = !text ? MB_ERR_NOMEM
         : msg.ref ? reply_attachment_to_account(h->d, h->acct.id, msg.platform, msg.kind, msg.ref, text, &kb)
                   : reply_text(h, text, &kb);
    free(text);
    kb_free(&kb);
    return rc;
}

mb_status announce_on_text(hctx *h, const char *text)
{
    if (strcmp(h->state, STATE_CONFIRM) == 0) return reply_text(h, T(h, "announce.press_send"), NULL);
    mb_status rc = keep_message(h, text, 0);
    if (rc == MB_ERR_LIMIT) return refuse_long(h);
    return rc ? rc : coordinator_preview(h);
}

static mb_status coordinator_send(hctx *h)
{
    int64_t *ids = NULL;
    int n = 0, norgs = 0, queued = 0;
    mb_status rc = territory_mentors(h, &ids, &n, &norgs);
    if (rc) return rc;
    announce_message msg;
    char from[256];
    coordinator_message(h, &msg, from, sizeof from);
    int64_t territory_id = account_coordinated_territory(h->d, h->acct.id);
    rc = announce_deliver(h, &msg, ids, n, 0, territory_id, &queued);
    free(ids);
    if (rc) return rc;
    char actor[32], subject[32], detail[64];
    snprintf(actor, sizeof actor, "account:%lld", (long long)h->acct.id);
    snprintf(subject, sizeof subject, "territory:%lld", (long long)territory_id);
    snprintf(detail, sizeof detail, "mentors of %d organisations, %d recipients", norgs, queued);
    if ((rc = audit_log(h->d, actor, "announcement.send", subject, detail)) || (rc = ctx_set_state(h, "")))
        return rc;
    char *people = i18n_plural(h->env->texts, h->lang, "curator.people", queued, NULL);
    rc = curator_send(h, TF(h, "announce.sent", "people", people ? people : "", NULL), NULL);
    free(people);
    return rc;
}

mb_status announce_button(hctx *h, const char *action, const payload_field *f, int nfields)
{
    (void)action;
    const char *arg = nfields ? f[0].word : "";   /* "", s or c (routes.c) */
    if (!is_coordinator(h)) return flow_refuse_button(h, "announcement pressed by a non-coordinator");
    int in_flow = strcmp(h->state, STATE_TEXT) == 0 || strcmp(h->state, STATE_CONFIRM) == 0;
    int send = strcmp(arg, "s") == 0 && strcmp(h->state, STATE_CONFIRM) == 0;
    int cancel = strcmp(arg, "c") == 0 && in_flow;
    if (arg[0] && !send && !cancel) return flow_refuse_button(h, "announcement button out of its step");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (send) return coordinator_send(h);
    if (cancel) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "curator.announce_cancelled"), NULL);
    }
    int64_t *ids = NULL;
    int n = 0, norgs = 0;
    if ((rc = territory_mentors(h, &ids, &n, &norgs))) return rc;
    free(ids);
    if (n == 0) return reply_text(h, T(h, "curator.announce_nobody"), NULL);
    if ((rc = ctx_set_state(h, STATE_TEXT))) return rc;
    char limit[16];
    snprintf(limit, sizeof limit, "%d", announce_text_limit(h));
    return curator_send(h, TF(h, "announce.ask", "limit", limit, NULL), NULL);
}

/* ---- a photo or file instead of a text ---- */

/* The next photo of an album whose first is being previewed (Telegram
 * sends an album as a message per photo). */
static int album_goes_on(const hctx *h)
{
    const char *album = h->ev->attachment.album_id, *open = json_str(h->data, "album");
    return album && open && strcmp(album, open) == 0;
}

int announce_wants_attachment(const hctx *h)
{
    if (!h->has_account || h->ev->attachment.kind == EVENT_ATTACHMENT_NONE) return 0;
    int curator = strcmp(h->acct.status, "active") == 0 && strcmp(h->acct.role, "curator") == 0;
    if (!is_coordinator(h) && !curator) return 0;
    const char *asking = curator ? CURATOR_STATE_ANNOUNCE_TEXT : STATE_TEXT;
    const char *previewing = curator ? CURATOR_STATE_ANNOUNCE_CONFIRM : STATE_CONFIRM;
    return strcmp(h->state, asking) == 0 || (strcmp(h->state, previewing) == 0 && album_goes_on(h));
}

mb_status announce_on_attachment(hctx *h, mb_status (*curator_preview)(hctx *h))
{
    /* The rest of an album: said once that only the first one goes. */
    if (album_goes_on(h)) {
        if (cJSON_IsTrue(cJSON_GetObjectItem(h->data, "album_told"))) return MB_OK;
        cJSON_AddBoolToObject(h->data, "album_told", 1);
        char state[DIALOG_STATE_MAX];
        snprintf(state, sizeof state, "%s", h->state);
        mb_status rc = ctx_set_state(h, state);
        return rc ? rc : reply_text(h, T(h, "announce.one_file"), NULL);
    }
    const char *caption = h->ev->text && *h->ev->text ? h->ev->text : NULL;
    mb_status rc = keep_message(h, caption, 1);
    if (rc == MB_ERR_LIMIT) return refuse_long(h);
    if (rc) return rc;
    return is_coordinator(h) ? coordinator_preview(h) : curator_preview(h);
}

/* ---- the report ---- */

mb_status announce_run_job(db *d, const bot_env *env, const char *payload)
{
    cJSON *p = cJSON_Parse(payload);
    int ok = 0;
    int64_t id = json_int(p, "id", &ok);
    cJSON_Delete(p);
    if (!ok) return MB_ERR_PARSE;
    announcement_tally t;
    mb_status rc = announcement_tally_load(d, id, &t);
    if (rc == MB_ERR_NOT_FOUND) return MB_OK;
    if (rc || t.reported_at) return rc;
    int64_t now = clock_now_ms();
    if (t.waiting > 0 && now - t.created_at < ANNOUNCE_REPORT_GIVE_UP_MS)
        return job_add(d, now + ANNOUNCE_REPORT_AGAIN_MS, JOB_ANNOUNCE_REPORT, payload, NULL);
    if ((rc = announcement_mark_reported(d, id, now))) return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
    account sender;
    if (!t.sender_id || account_load(d, t.sender_id, &sender) != MB_OK || strcmp(sender.status, "active") != 0)
        return MB_OK;
    const char *lang = i18n_pick_language(env->texts, sender.language);
    char zone[64], date[64], delivered[16], failed[16], waiting[16], total[16];
    person_zone(d, sender.id, sender.org_id, zone, sizeof zone);
    if (!zone[0]) territory_timezone(d, account_coordinated_territory(d, sender.id), zone, sizeof zone);
    tz_format(zone, t.created_at, lang, 1, date, sizeof date);
    snprintf(delivered, sizeof delivered, "%d", t.delivered);
    snprintf(failed, sizeof failed, "%d", t.recipients - t.delivered - t.waiting);
    snprintf(waiting, sizeof waiting, "%d", t.waiting);
    snprintf(total, sizeof total, "%d", t.recipients);
    char *people = i18n_plural(env->texts, lang, "curator.people", t.recipients, NULL);
    const char *key = t.waiting ? "announce.report_waiting"
                      : t.recipients > t.delivered ? "announce.report_failed" : "announce.report";
    char *text = i18n_format(env->texts, lang, key, "date", date, "delivered", delivered, "people",
                             people ? people : "", "total", total, "failed", failed, "waiting", waiting, NULL);
    free(people);
    if (!text) return MB_ERR_NOMEM;
    log_info("announce", "announcement %lld: %d of %d delivered, %d waiting", (long long)id, t.delivered,
             t.recipients, t.waiting);
    rc = reply_to_account(d, sender.id, text, NULL);
    free(text);
    return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
}
