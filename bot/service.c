/*
 * The running service: one libev loop carrying the Telegram poller, the
 * outbox sender and the scheduler, all on one HTTP client (libcurl multi).
 */
#include "bot/app.h"
#include "bot/durable.h"
#include "bot/http.h"
#include "bot/intake.h"
#include "bot/max/max.h"
#include "bot/pacer.h"
#include "bot/scheduler.h"
#include "bot/sender.h"
#include "bot/telegram/telegram.h"
#include "bot/vk/vk.h"
#include "handlers/polls.h"
#include "handlers/digest.h"
#include "handlers/stall.h"
#include "storage/outbox.h"
#include "util/clock.h"
#include "util/log.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SHUTDOWN_GRACE_S 10.0   /* time given to requests in flight at shutdown */
#define SERVICE_FILES_KEEP_S 3600.0   /* an unclaimed report file is removed after this */

typedef struct service {
    struct ev_loop *loop;
    app *a;
    http_client *http;       /* the pollers' connections */
    http_client *http_send;  /* the sender's own: a send never goes out on a poll's connection */
    tg_client *tg;      /* NULL when no Telegram token is configured */
    vk_client *vk;      /* NULL when no VK community is configured */
    max_client *max;    /* NULL when no MAX token is configured */
    sender *snd;
    durable *dur;       /* NULL with `synchronous = normal` */
    scheduler *sched;
    ev_signal sigint, sigterm;
    ev_timer grace;
    ev_timer stopper;   /* stops from the loop, never from inside a transport callback */
    ev_timer checkpoint;
    ev_timer files;     /* removes report files no message needs any more */
    int exit_code;
    int stopping;
} service;

static void kick_sender(void *arg)
{
    service *s = arg;
    sender_kick(s->snd);
    /* Handlers may have added a job due before the scheduler's next look. */
    scheduler_rearm(s->sched);
}

/* The replies a batch of updates queued are marked as sending in the
 * batch's own transaction (bot/intake.h). */
static mb_status claim_replies(void *arg) { return sender_claim(arg); }
static void replies_claimed(void *arg, int committed) { sender_claim_end(arg, committed); }

static void drained(void *arg)
{
    service *s = arg;
    ev_break(s->loop, EVBREAK_ALL);
}

static void on_checkpoint(struct ev_loop *loop, ev_timer *w, int revents)
{
    service *s = w->data;
    db_checkpoint(s->a->d);
}

/*
 * A report file belongs to its outbox row, which removes it once sent. One
 * left behind (the row was failed with its chat, or the handler that wrote
 * it was rolled back) is removed here when it is an hour old and no
 * message still waiting needs it.
 */
static void on_files(struct ev_loop *loop, ev_timer *w, int revents)
{
    service *s = w->data;
    const char *dir = s->a->files_dir;
    DIR *d = opendir(dir);
    if (!d) return;
    time_t now = time(NULL);
    struct dirent *e;
    int removed = 0;
    while ((e = readdir(d))) {
        char path[sizeof s->a->files_dir + 256];
        struct stat st;
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || now - st.st_mtime < SERVICE_FILES_KEEP_S) continue;
        if (outbox_file_in_use(s->a->d, path)) continue;
        if (unlink(path) == 0) removed++;
    }
    closedir(d);
    if (removed) log_info("service", "removed %d report file(s) no message needs any more", removed);
}

static void on_grace(struct ev_loop *loop, ev_timer *w, int revents)
{
    log_warn("service", "requests still in flight after %.0f s; stopping anyway", SHUTDOWN_GRACE_S);
    ev_break(loop, EVBREAK_ALL);
}

static void on_stopper(struct ev_loop *loop, ev_timer *w, int revents)
{
    service *s = w->data;
    log_info("service", "stopping");
    tg_stop(s->tg);
    vk_stop(s->vk);
    max_stop(s->max);
    scheduler_free(s->sched);
    s->sched = NULL;
    ev_timer_init(&s->grace, on_grace, SHUTDOWN_GRACE_S, 0.);
    ev_timer_start(s->loop, &s->grace);
    sender_drain(s->snd, drained, s);
}

static void stop(service *s, int code)
{
    if (s->stopping) return;
    s->stopping = 1;
    s->exit_code = code;
    ev_timer_init(&s->stopper, on_stopper, 0., 0.);
    s->stopper.data = s;
    ev_timer_start(s->loop, &s->stopper);
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
    service *s = w->data;
    stop(s, 0);
}

static void on_fatal(void *arg, const char *why)
{
    service *s = arg;
    log_error("service", "%s", why);
    stop(s, 2);
}

/* What was committed may not be on disk: nothing that waits for it
 * leaves, and the bot stops rather than go on without durability. */
static void on_flush_failed(void *arg, const char *why)
{
    service *s = arg;
    if (s->snd) sender_abandon_waiting(s->snd);
    on_fatal(arg, why);
}

int service_run(app *a)
{
    if (!a->cfg.tg_token[0] && !a->cfg.vk_token[0] && !a->cfg.max_token[0]) {
        fprintf(stderr, "%s: no messenger configured: set [telegram] token (or MENTORBOT_TELEGRAM_TOKEN), "
                "[vk] token and group_id, or [max] token (`make run` starts the local simulator when there is none)\n",
                a->cfg.file);
        return 1;
    }
    if (app_lock(a) || app_open(a)) return 1;
    signal(SIGPIPE, SIG_IGN);
    pacer_set_first_wait_ms(a->cfg.retry_first_ms);
    service s;
    memset(&s, 0, sizeof s);
    s.a = a;
    s.loop = ev_default_loop(EVFLAG_AUTO);
    int recovered = outbox_recover(a->d);
    if (recovered < 0) {
        /* rows left "sending" would hold their chats' lines until a later
         * start: better no start than a bot that cannot write to them */
        fprintf(stderr, "could not mark the messages being sent when the last run stopped for checking: %s; "
                "nothing was sent\n", db_errmsg(a->d));
        log_error("service", "could not mark the messages being sent when the last run stopped for checking: %s",
                  db_errmsg(a->d));
        return 1;
    }
    if (recovered > 0)
        log_warn("service", "%d message(s) were being sent when the last run stopped; checking whether they "
                 "arrived before sending anything else to those chats", recovered);
    s.http = http_client_new(s.loop);
    s.http_send = http_client_new(s.loop);
    /* `synchronous = full`: every commit reaches the disk before anything
     * that depends on it leaves the process, flushed by a thread of its own
     * (bot/durable.h) while the loop goes on. */
    if (a->cfg.synchronous_full) {
        const char *wal = db_wal_path(a->d);
        s.dur = wal ? durable_new(s.loop, a->cfg.storage_path, wal, on_flush_failed, &s) : NULL;
        if (!s.dur || db_set_sync(a->d, DB_SYNC_NORMAL)) {
            fprintf(stderr, "could not start flushing the database log: %s\n",
                    !wal ? "the database keeps no log file" : s.dur ? db_errmsg(a->d) : "no memory");
            durable_free(s.dur);
            return 1;
        }
    }
    s.snd = s.http_send ? sender_new(s.loop, s.http_send, a->d) : NULL;
    if (s.snd) {
        sender_set_durable(s.snd, s.dur);
        intake_set_hook(&(intake_hook){claim_replies, replies_claimed, s.snd});
    }
    if (a->cfg.tg_token[0]) {
        tg_hooks hooks = {kick_sender, on_fatal, &s, s.dur};
        s.tg = tg_new(s.loop, s.http, a->d, &a->env, &a->cfg, a->username, hooks);
    }
    if (a->cfg.vk_token[0]) {
        vk_hooks hooks = {kick_sender, on_fatal, &s, s.dur};
        s.vk = vk_new(s.loop, s.http, a->d, &a->env, &a->cfg, hooks);
    }
    if (a->cfg.max_token[0]) {
        max_hooks hooks = {kick_sender, on_fatal, &s, s.dur};
        s.max = max_new(s.loop, s.http, a->d, &a->env, &a->cfg, hooks);
    }
    s.sched = scheduler_new(s.loop, a->d, &a->env, kick_sender, &s);
    if (s.sched) scheduler_set_retention(s.sched, a->cfg.retention_days, a->cfg.audit_retention_days);
    if (!s.http || !s.http_send || !s.snd || (a->cfg.tg_token[0] && !s.tg) || (a->cfg.vk_token[0] && !s.vk) ||
        (a->cfg.max_token[0] && !s.max) || !s.sched) {
        fprintf(stderr, "out of memory at start\n");
        return 1;
    }
    if (s.tg) sender_add_transport(s.snd, tg_transport(s.tg));
    if (s.vk) sender_add_transport(s.snd, vk_transport(s.vk));
    if (s.max) sender_add_transport(s.snd, max_transport(s.max));
    ev_signal_init(&s.sigint, on_signal, SIGINT);
    ev_signal_init(&s.sigterm, on_signal, SIGTERM);
    s.sigint.data = s.sigterm.data = &s;
    ev_signal_start(s.loop, &s.sigint);
    ev_signal_start(s.loop, &s.sigterm);
    /* main() blocked these while starting; a stop asked for meanwhile is
     * delivered now, to the loop. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &stop_signals, NULL);
    db_manual_checkpoints(a->d);
    ev_timer_init(&s.checkpoint, on_checkpoint, DB_CHECKPOINT_EVERY_MS / 1000.0, DB_CHECKPOINT_EVERY_MS / 1000.0);
    s.checkpoint.data = &s;
    ev_timer_start(s.loop, &s.checkpoint);
    ev_timer_init(&s.files, on_files, 60., SERVICE_FILES_KEEP_S);
    s.files.data = &s;
    ev_timer_start(s.loop, &s.files);
    log_info("service", "mentorbot started (database %s%s%s%s%s%s%s)", a->cfg.storage_path,
             s.tg ? ", Telegram API " : "", s.tg ? a->cfg.tg_api_base : "", s.vk ? ", VK API " : "",
             s.vk ? a->cfg.vk_api_base : "", s.max ? ", MAX API " : "", s.max ? a->cfg.max_api_base : "");
    if (s.tg) tg_start(s.tg);
    if (s.vk) vk_start(s.vk);
    if (s.max) max_start(s.max);
    /* The stall scan re-arms itself; this starts it on a database that
     * never had one (handlers/stall.h). */
    if (stall_schedule(a->d, clock_now_ms() + STALL_SCAN_FIRST_MS))
        log_warn("service", "could not schedule the stall scan");
    /* The poll calendar too (handlers/polls.h). */
    if (poll_calendar_schedule(a->d, clock_now_ms() + POLL_CALENDAR_FIRST_MS))
        log_warn("service", "could not schedule the poll calendar");
    /* And the weekly digests' planner (handlers/digest.h): due now, so a
     * digest whose hour came while the service was down goes out. */
    if (digest_schedule(a->d, clock_now_ms())) log_warn("service", "could not schedule the weekly digests");
    scheduler_start(s.sched);
    sender_kick(s.snd);
    ev_run(s.loop, 0);
    const sender_stats *st = sender_get_stats(s.snd);
    long flushes;
    uint64_t marks;
    durable_counts(s.dur, &flushes, &marks);
    log_info("service", "stopped: %ld sent, %ld retried, %ld failed, %ld unknown, %ld unreachable; %ld commits "
             "of the sender; %ld flushes of the database log for %llu waits", st->sent, st->retried, st->failed,
             st->unknown, st->blocked, st->commits, flushes, (unsigned long long)marks);
    tg_free(s.tg);
    vk_free(s.vk);
    max_free(s.max);
    scheduler_free(s.sched);
    ev_timer_stop(s.loop, &s.grace);
    ev_timer_stop(s.loop, &s.stopper);
    ev_timer_stop(s.loop, &s.checkpoint);
    ev_timer_stop(s.loop, &s.files);
    db_checkpoint(a->d);
    ev_signal_stop(s.loop, &s.sigint);
    ev_signal_stop(s.loop, &s.sigterm);
    http_client_free(s.http);
    http_client_free(s.http_send);
    intake_set_hook(NULL);
    sender_free(s.snd);
    durable_free(s.dur);
    return s.exit_code;
}
