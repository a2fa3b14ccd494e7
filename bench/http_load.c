/*
 * The end-to-end benchmark over HTTP: the release-built simulator and bot
 * as separate processes, users registering through the simulator's control
 * API (bench/http_load_users.c), and beside the bot its ceiling
 * (bench/ceiling_bot.c), a bot with the same calls and no storage.
 *
 *   bench_http_load [--users N] [--scenario light|1k|5k|all] [--sync full|normal|both]
 *                   [--limit SECONDS] [--rounds N] [tg|vk]
 *
 * Scenarios: light (400 users, 4 at a time), 1k (1,000 at once), 5k (5,000
 * at once); --users changes the number of users of the scenarios run (all
 * of them at once, except light's 4). A run stops after --limit seconds
 * (30 by default) and is then measured over what it did. Each prints
 * updates/s, step latency, the bot's CPU per update and its peak RSS, then
 * the ratios to the ceiling beside the targets (MISSED when one is missed;
 * the exit code says only whether the runs worked and the ceiling made the
 * real bot's calls). --rounds N runs every bot in turn N times (the
 * machine's speed drifts between runs) and judges the targets on the
 * median of the rounds' ratios. The users are on Telegram, or on VK with "vk"; `make
 * bench` measures Telegram. Binaries: mentorbot and
 * mentorbot-sim from $MENTORBOT_BIN_DIR (`make bench` sets "."), the
 * ceiling bot beside this program. Run from the repository root.
 */
#include "bench/bench.h"
#include "bench/http_load.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LOAD_ORG "Школа №7"
#define LOAD_QUIET_MS 300           /* the sent log is quiet this long after the run: all replies are out */
#define LOAD_SETTLE_MAX_MS 10000
#define CEILING_STARTED_LINE "ceiling bot started"
#define LOAD_LIMIT_S 30             /* a run stops here unfinished (figures over what it did) */
#define TARGET_THROUGHPUT 0.90      /* real/ceiling updates per second */
#define TARGET_LIGHT_P50_MS 3.0     /* step latency at light load */
#define TARGET_CPU_RATIO 2.0        /* real/ceiling CPU per update */
#define ROUNDS_MAX 9                /* --rounds: every bot run in turn, this many times */

/* The bot's log level is info, not the harness's debug: a line per
 * update would be measured too. The real rates (30/s in all, 1/s per chat)
 * would make the run about pacing: a closed loop would wait a second per
 * step. Per chat the harness's 1000/s is enough; in all, 1000/s still
 * capped the bot at about 930 calls/s (465 updates/s with
 * synchronous=normal and 1,000 users), so the global rate is the highest
 * the configuration accepts. */
#define LOAD_RATE_GLOBAL "10000"
#define LOAD_RATE_PER_CHAT HARNESS_FAST_RATE
#define LOAD_CONF "[bot]\nlog_level = info\n\n[telegram]\nrate_global_per_s = " LOAD_RATE_GLOBAL \
                  "\nrate_per_chat_per_s = " LOAD_RATE_PER_CHAT "\n\n"

typedef enum { BOT_REAL_FULL, BOT_REAL_NORMAL, BOT_CEILING, BOT_FLOOR, BOT_KINDS } bot_kind;
static const char *const kind_names[] = {"mentorbot, synchronous=full", "mentorbot, synchronous=normal",
                                         "ceiling (no storage)", "floor (ceiling + durable rows)"};

typedef struct scenario {
    const char *name;
    int users, concurrent;
} scenario;

typedef struct result {
    int ran, ok;
    int finished, users;        /* registrations done when the run ended (at its time limit or all) */
    long long updates, calls_per_user_x100, censored;
    double seconds, per_s, p50_ms, p99_ms, cpu_us_per_update, peak_mb;
    double others_us_per_update;  /* the simulator's and this program's (the users') CPU per update */
    char *transcript;           /* the calls to the first user (caller frees) */
} result;

static int bot_peak_kb(pid_t pid)
{
    char path[64], line[256];
    int kb = -1;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %d kB", &kb) == 1) break;
    if (f) fclose(f);
    return kb;
}

/* Starts the ceiling bot on b's configuration and log, and waits until it
 * says it started. 0 on success. */
static int ceiling_start(bot_proc *b, const char *bin)
{
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY), out = open(b->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (in >= 0) dup2(in, 0);
        if (out >= 0) dup2(out, 1), dup2(out, 2);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        execl(bin, "bench_ceiling_bot", "--config", b->conf, (char *)NULL);
        fprintf(stderr, "cannot run %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    b->pid = pid;
    for (long long deadline = harness_now_ms() + HARNESS_START_TIMEOUT_MS; harness_now_ms() < deadline;) {
        char *log = unit_read_file(b->log, NULL);
        int started = log && strstr(log, CEILING_STARTED_LINE);
        free(log);
        if (started) return 0;
        if (waitpid(pid, NULL, WNOHANG) == pid) break;
        usleep(10 * 1000);
    }
    fprintf(stderr, "  the ceiling bot did not start; see %s\n", b->log);
    if (waitpid(pid, NULL, WNOHANG) == 0) bot_kill(b, SIGKILL);
    b->pid = 0;
    return -1;
}

/* The organisation and the invite, for the real bot: the /start command
 * into start_cmd. */
static int make_invite(bot_proc *b, int users, char *start_cmd, size_t size)
{
    char org[64], link[512], err[1024];
    if (bot_admin(b, org, sizeof org, err, sizeof err, "org add --name \"%s\"", LOAD_ORG) != 0 ||
        bot_admin(b, link, sizeof link, err, sizeof err, "invite create --org %s --role mentee --uses %d", org,
                  users) != 0) {
        fprintf(stderr, "  the organisation or the invite was not made: %s\n", err);
        return -1;
    }
    const char *code = strstr(link, "start=");
    if (!code) {
        fprintf(stderr, "  the invite has no Telegram link: %s\n", link);
        return -1;
    }
    snprintf(start_cmd, size, "/start %.*s", (int)strcspn(code + 6, " \n"), code + 6);
    return 0;
}

/* One run of a scenario against one bot: a fresh simulator and bot, the
 * users' registrations, the figures. */
static void run_one(const scenario *sc, bot_kind kind, int round, int vk, const i18n *catalog,
                    const char *ceiling_bin, int limit_s, result *out)
{
    sim_proc sim;
    bot_proc b;
    load_run r;
    char conf[2048] = "", label[64];
    memset(out, 0, sizeof *out);
    memset(&b, 0, sizeof b);
    out->ran = 1;
    /* each round in folders of its own: a bot of a second round starts afresh */
    snprintf(label, sizeof label, "%s-%s-%d-%d", sc->name, vk ? "vk" : "tg", (int)kind, round + 1);
    if (load_run_init(&r, NULL, sc->users, sc->concurrent, catalog, LOAD_ORG) != 0) {
        fprintf(stderr, "  out of memory for %d users\n", sc->users);
        load_run_free(&r);
        return;
    }
    if (sim_start(&sim) != 0) goto out;
    /* On VK the bot serves both messengers, as it would with both
     * configured; the users are on VK. The real bot refuses sections it
     * does not know: [ceiling] goes to the ceiling bot's configuration only. */
    if (vk) vk_conf(&sim, conf, sizeof conf);
    size_t used = strlen(conf);
    int ceiling_kind = kind == BOT_CEILING || kind == BOT_FLOOR;
    char floor_store[PATH_MAX + 64] = "";
    if (kind == BOT_FLOOR) snprintf(floor_store, sizeof floor_store, "\nstore = %s/%s.db", unit_tmpdir(), label);
    snprintf(conf + used, sizeof conf - used, "%s%s[storage]\nsynchronous = %s\n%s%s%s\n", LOAD_CONF,
             vk ? "[vk]\nrate_per_s = " LOAD_RATE_GLOBAL "\n\n" : "", kind == BOT_REAL_NORMAL ? "normal" : "full",
             ceiling_kind ? "\n[ceiling]\norg = " : "", ceiling_kind ? LOAD_ORG : "", floor_store);
    if (bot_setup(&b, &sim, label, conf) != 0) goto out;
    r.sim_base = sim.base;
    r.vk = vk;
    if (ceiling_kind) {
        if (ceiling_start(&b, ceiling_bin) != 0) goto out;
        snprintf(r.start_cmd, sizeof r.start_cmd, "/start ceiling");
    } else if (bot_start(&b) != 0 || b.pid == 0 || make_invite(&b, sc->users, r.start_cmd, sizeof r.start_cmd) != 0) {
        goto out;
    }
    /* VK hands out only events after the ts of the session the bot took:
     * users wait for it, as in the conversation tests. */
    for (int waited = 0; vk && !ceiling_kind && waited < HARNESS_START_TIMEOUT_MS; waited += 10) {
        if (log_contains(&b, "long poll session ready")) break;
        usleep(10 * 1000);
    }
    long long cpu_before = convo_cpu_ms(&b), others_before = convo_pid_cpu_ms(sim.pid) + convo_pid_cpu_ms(getpid());
    r.deadline_us = load_now_us() + (long long)limit_s * 1000000;
    int played = load_play(&r);
    if (played < 0) goto out;
    /* A stopped run is measured as it stands: its users would act on. */
    if (played == 0) load_settle(&r, LOAD_QUIET_MS, LOAD_SETTLE_MAX_MS);
    long long cpu_after = convo_cpu_ms(&b), others_after = convo_pid_cpu_ms(sim.pid) + convo_pid_cpu_ms(getpid());
    int peak_kb = bot_peak_kb(b.pid);
    out->ok = cpu_before >= 0 && cpu_after >= 0;
    /* Updates answered: all posted ones in a run that finished; in a
     * stopped one the steps still waiting are not counted. */
    out->updates = r.nlatency - r.censored;
    out->seconds = (double)(r.finished_us - r.started_us) / 1e6;
    out->per_s = (double)out->updates / out->seconds;
    out->p50_ms = load_percentile_ms(&r, 50);
    out->p99_ms = load_percentile_ms(&r, 99);
    out->cpu_us_per_update = out->updates ? (double)(cpu_after - cpu_before) * 1000.0 / (double)out->updates : 0;
    out->others_us_per_update =
        out->updates ? (double)(others_after - others_before) * 1000.0 / (double)out->updates : 0;
    out->peak_mb = peak_kb / 1024.0;
    out->calls_per_user_x100 = (r.calls - r.other_calls) * 100 / sc->users;
    out->finished = r.finished;
    out->users = sc->users;
    out->censored = r.censored;
    out->transcript = strdup(sb_str(&r.transcript));
out:
    if (!out->ok)
        fprintf(stderr, "  %s, %s: the run did not complete (logs in %s, kept with MENTORBOT_KEEP_TMP=1)\n", sc->name,
                kind_names[kind], b.dir[0] ? b.dir : unit_tmpdir());
    if (b.pid) bot_stop(&b);
    sim_stop(&sim);
    load_run_free(&r);
}

static void print_machine(void)
{
    char line[512], model[256] = "unknown";
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon) {
            snprintf(model, sizeof model, "%.*s", (int)strcspn(colon + 2, "\n"), colon + 2);
            break;
        }
    }
    if (f) fclose(f);
    struct utsname u;
    if (uname(&u) != 0) snprintf(u.release, sizeof u.release, "unknown");
    time_t now = time(NULL);
    char date[64];
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    printf("machine: %ld CPUs (%s), Linux %s; %s\n", sysconf(_SC_NPROCESSORS_ONLN), model, u.release, date);
}

static void print_result(const char *name, const result *x)
{
    if (!x->ran) return;
    if (!x->ok) {
        printf("  %-30s  did not complete (see above)\n", name);
        return;
    }
    char done[32];
    snprintf(done, sizeof done, "%d/%d%s", x->finished, x->users, x->finished < x->users ? "*" : "");
    printf("  %-30s %11s %8lld %8.1f %9.0f %7.2f %8.2f %9.0f %7.1f %5.2f %9.0f\n", name, done, x->updates, x->seconds,
           x->per_s, x->p50_ms, x->p99_ms, x->cpu_us_per_update, x->peak_mb,
           x->finished == x->users ? x->calls_per_user_x100 / 100.0 : 0, x->others_us_per_update);
}

static void print_target(const char *what, double value, const char *unit, int higher_is_better, double target,
                         int known)
{
    if (!known) {
        printf("    %-42s   n/a (a run did not complete)\n", what);
        return;
    }
    int met = higher_is_better ? value >= target : value <= target;
    printf("    %-42s %7.2f%s  target %s %.2f%s  %s\n", what, value, unit, higher_is_better ? ">=" : "<=", target, unit,
           met ? "met" : "MISSED");
}

/* The ratios the issue sets as targets, for one storage setting. */
static void print_targets(const scenario *sc, const char *sync, const result *real, const result *ceiling)
{
    int known = real->ok && ceiling->ok;
    char what[96];
    snprintf(what, sizeof what, "updates/s real/ceiling (%s)", sync);
    print_target(what, known ? 100.0 * real->per_s / ceiling->per_s : 0, "%", 1, 100.0 * TARGET_THROUGHPUT, known);
    snprintf(what, sizeof what, "CPU per update real/ceiling (%s)", sync);
    print_target(what, known && ceiling->cpu_us_per_update > 0 ? real->cpu_us_per_update / ceiling->cpu_us_per_update
                                                                : 0,
                 "x", 0, TARGET_CPU_RATIO, known && ceiling->cpu_us_per_update > 0);
    if (strcmp(sc->name, "light") == 0) {
        snprintf(what, sizeof what, "p50 at light load (%s)", sync);
        print_target(what, real->p50_ms, " ms", 0, TARGET_LIGHT_P50_MS, real->ok);
    }
}

/* How a bot compares with another (no target): the floor, a bot that
 * stores only what answering exactly once needs, says what durability
 * alone costs on this machine. */
static void print_floor(const result *a, const result *b, const char *what)
{
    if (!a->ran || !b->ran || !a->ok || !b->ok || b->per_s <= 0 || b->cpu_us_per_update <= 0) return;
    printf("    %-42s %7.2f%% of the updates/s, %.2fx the CPU per update\n", what, 100.0 * a->per_s / b->per_s,
           a->cpu_us_per_update / b->cpu_us_per_update);
}

/* What the throughput target leaves a bot on this machine, from the
 * ceiling's own run (no target; the floor's figure beside it). Under load
 * both cores are busy, so updates/s is about the two cores over the CPU
 * every process spends per update (the bot's and the others'): 90 % of
 * the ceiling's rate allows a bot (ceiling + others) / 0.9 - others of
 * CPU per update. At light load the users wait on each step, so updates/s
 * is about the users over a step's latency: 90 % of the ceiling's rate
 * leaves a step a ninth of the ceiling's latency for all the ceiling does
 * not do (a durable commit included). */
static void print_budget(const scenario *sc, const result *ceiling, const result *floor)
{
    if (!ceiling->ok || ceiling->per_s <= 0 || ceiling->cpu_us_per_update <= 0) return;
    int floor_known = floor->ran && floor->ok;
    if (strcmp(sc->name, "light") == 0) {
        double step = ceiling->p50_ms, room = step / TARGET_THROUGHPUT - step;
        printf("    %-42s %7.2f ms a step beyond the ceiling's p50 %.2f ms", "90% of the ceiling's updates/s leaves",
               room, step);
        if (floor_known) printf(" (the floor took %.2f ms more)", floor->p50_ms - step);
        printf("\n");
        return;
    }
    double others = ceiling->others_us_per_update;
    double budget = (ceiling->cpu_us_per_update + others) / TARGET_THROUGHPUT - others;
    printf("    %-42s %7.0f us of CPU per update, %.2fx the ceiling's", "90% of the ceiling's updates/s allows", budget,
           budget / ceiling->cpu_us_per_update);
    if (floor_known) printf(" (the floor used %.0f us)", floor->cpu_us_per_update);
    printf("\n");
}

/* A transcript without its button answers (which go out beside the
 * chat's messages, so their place among them is a race), and how many
 * there were; the caller frees. */
static char *without_answers(const char *t, int *answers)
{
    char *out = malloc(strlen(t) + 1);
    size_t used = 0;
    *answers = 0;
    while (out && *t) {
        size_t n = strcspn(t, "\n");
        if (strncmp(t, "answerCallbackQuery", 19) == 0 || strncmp(t, "messages.sendMessageEventAnswer", 31) == 0) {
            (*answers)++;
        } else {
            memcpy(out + used, t, n);
            used += n;
            out[used++] = '\n';
        }
        t += n + (t[n] == '\n');
    }
    if (out) out[used] = 0;
    return out;
}

/* Whether the ceiling made the same calls, with the same texts and
 * buttons, as the real bot for one whole registration (the first user's):
 * the messages in the same order, and as many button answers. 0 when it
 * did or there is nothing to compare; -1, with the first difference, when
 * not. */
static int compare_calls(const result *real, const result *ceiling, const char *name)
{
    if (!real->ok || !ceiling->ok || real->finished < real->users || ceiling->finished < ceiling->users ||
        !real->transcript || !ceiling->transcript)
        return 0;
    int answers_a, answers_b, differs = 0;
    char *ta = without_answers(real->transcript, &answers_a), *tb = without_answers(ceiling->transcript, &answers_b);
    const char *a = ta ? ta : "", *b = tb ? tb : "";
    for (int line = 1; !differs; line++) {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (la != lb || memcmp(a, b, la) != 0) {
            printf("    the %s's calls differ from the real bot's at message %d of a registration:\n"
                   "      real:    %.*s\n      %-8s %.*s\n", name, line, (int)la, a, name, (int)lb, b);
            differs = 1;
        }
        if (!a[la] || !b[lb]) break;
        a += la + 1;
        b += lb + 1;
    }
    if (!differs && answers_a != answers_b) {
        printf("    the real bot answered %d button presses, the %s %d\n", answers_a, name, answers_b);
        differs = 1;
    }
    free(ta);
    free(tb);
    if (differs) return -1;
    printf("    the %s made the same calls, texts and buttons as the real bot for a registration\n", name);
    return 0;
}

/* The targets over the rounds: each round's ratio, judged on their median. */
static void print_rounds(const scenario *sc, const char *sync, double ratio[3][ROUNDS_MAX], int n, int rounds)
{
    static const char *const what[] = {"updates/s real/ceiling", "CPU per update real/ceiling", "p50 at light load"};
    static const char *const unit[] = {"%", "x", " ms"};
    static const int higher[] = {1, 0, 0};
    static const double target[] = {100.0 * TARGET_THROUGHPUT, TARGET_CPU_RATIO, TARGET_LIGHT_P50_MS};
    printf("  %s over %d rounds (%d with every bot complete), each round's figure and their median:\n", sc->name,
           rounds, n);
    for (int t = 0; t < 3; t++) {
        if (t == 2 && strcmp(sc->name, "light") != 0) continue;
        double v[ROUNDS_MAX];
        memcpy(v, ratio[t], sizeof v);
        if (n) qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
        char label[96];
        snprintf(label, sizeof label, "%s (%s), median", what[t], sync);
        printf("    rounds:");
        for (int i = 0; i < n; i++) printf(" %.2f%s", ratio[t][i], unit[t]);
        printf("\n");
        print_target(label, n ? (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) : 0, unit[t], higher[t], target[t],
                     n > 0);
    }
}

static void usage(const char *argv0)
{
    fprintf(stderr, "usage: %s [--users N] [--scenario light|1k|5k|all] [--sync full|normal|both]\n"
            "       [--limit SECONDS] [--rounds N] [tg|vk]\n", argv0);
}

/* The ceiling bot's path: beside this program. */
static void ceiling_path(const char *argv0, char *out, size_t size)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        snprintf(self, sizeof self, "%s", argv0);
        n = (ssize_t)strlen(self);
    }
    self[n] = 0;
    snprintf(out, size, "%s/bench_ceiling_bot", dirname(self));
}

int main(int argc, char **argv)
{
    scenario scenarios[] = {{"light", 400, 4}, {"1k", 1000, 1000}, {"5k", 5000, 5000}};
    const char *only = "all", *sync = "both";
    int users = 0, limit_s = LOAD_LIMIT_S, vk = 0, rounds = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--users") == 0 && i + 1 < argc) {
            users = atoi(argv[++i]);
            if (users < 1 || users > 50000) {
                fprintf(stderr, "--users must be from 1 to 50000, not \"%s\"\n", argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            limit_s = atoi(argv[++i]);
            if (limit_s < 1 || limit_s > 3600) {
                fprintf(stderr, "--limit must be from 1 to 3600 seconds, not \"%s\"\n", argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
            rounds = atoi(argv[++i]);
            if (rounds < 1 || rounds > ROUNDS_MAX) {
                fprintf(stderr, "--rounds must be from 1 to %d, not \"%s\"\n", ROUNDS_MAX, argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--scenario") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--sync") == 0 && i + 1 < argc) {
            sync = argv[++i];
        } else if (strcmp(argv[i], "vk") == 0 || strcmp(argv[i], "tg") == 0) {
            vk = argv[i][0] == 'v';
        } else {
            usage(argv[0]);
            return 2;
        }
    }
    if (strcmp(sync, "full") && strcmp(sync, "normal") && strcmp(sync, "both")) {
        usage(argv[0]);
        return 2;
    }
    if (strcmp(only, "all") && strcmp(only, "light") && strcmp(only, "1k") && strcmp(only, "5k")) {
        usage(argv[0]);
        return 2;
    }
    char err[512], ceiling_bin[PATH_MAX + 32];
    ceiling_path(argv[0], ceiling_bin, sizeof ceiling_bin);
    static const char *const langs[] = {"ru", "en", NULL};
    i18n *catalog = i18n_load("locales", langs, err, sizeof err);
    if (!catalog) {
        fprintf(stderr, "%s: cannot load the message catalogs (run from the repository root): %s\n", argv[0], err);
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("HTTP benchmark: registration over the simulator, %s, closed loop (one step outstanding per user)\n",
           vk ? "VK" : "Telegram");
    print_machine();
    printf("bot: rate_global_per_s " LOAD_RATE_GLOBAL ", rate_per_chat_per_s " LOAD_RATE_PER_CHAT
           " (the real 30 and 1 would pace the loop)%s, log_level info\n"
           "latency: from posting a step's update to its first message in the sent log,"
           " on this program's monotonic clock\n", vk ? ", [vk] rate_per_s " LOAD_RATE_GLOBAL " (the real 20)" : "");
    int failed = 0;
    for (size_t s = 0; s < sizeof scenarios / sizeof *scenarios; s++) {
        scenario *sc = &scenarios[s];
        if (strcmp(only, "all") && strcmp(only, sc->name)) continue;
        if (users) {
            sc->users = users;
            if (sc->concurrent > 4) sc->concurrent = users;
        }
        /* the machine's speed drifts: each round runs every bot in turn,
         * and the targets are judged on the median of the rounds' ratios */
        double ratio[3][ROUNDS_MAX];
        int nratios = 0;
        for (int round = 0; round < rounds; round++) {
            result res[BOT_KINDS];
            memset(res, 0, sizeof res);
            for (int k = 0; k < BOT_KINDS; k++) {
                if ((k == BOT_REAL_FULL && !strcmp(sync, "normal")) || (k == BOT_REAL_NORMAL && !strcmp(sync, "full")))
                    continue;
                run_one(sc, (bot_kind)k, round, vk, catalog, ceiling_bin, limit_s, &res[k]);
                failed |= !res[k].ok;
            }
            printf("\nscenario %s: %d users, %d at a time", sc->name, sc->users, sc->concurrent);
            if (rounds > 1) printf(", round %d of %d", round + 1, rounds);
            printf("\n  %-30s %11s %8s %8s %9s %7s %8s %9s %7s %5s %9s\n", "bot", "registered", "answered", "seconds",
                   "updates/s", "p50 ms", "p99 ms", "CPU us/up", "peak MB", "calls", "others us");
            for (int k = 0; k < BOT_KINDS; k++) print_result(kind_names[k], &res[k]);
            if (res[BOT_REAL_FULL].ran) print_targets(sc, "full", &res[BOT_REAL_FULL], &res[BOT_CEILING]);
            if (res[BOT_REAL_NORMAL].ran) print_targets(sc, "normal", &res[BOT_REAL_NORMAL], &res[BOT_CEILING]);
            const result *real = res[BOT_REAL_FULL].ran ? &res[BOT_REAL_FULL] : &res[BOT_REAL_NORMAL];
            print_floor(&res[BOT_FLOOR], &res[BOT_CEILING], "floor/ceiling");
            print_floor(real, &res[BOT_FLOOR], "real/floor");
            print_budget(sc, &res[BOT_CEILING], &res[BOT_FLOOR]);
            failed |= compare_calls(real, &res[BOT_CEILING], "ceiling") != 0;
            failed |= compare_calls(real, &res[BOT_FLOOR], "floor") != 0;
            if (real->ok && res[BOT_CEILING].ok && res[BOT_CEILING].per_s > 0 && res[BOT_CEILING].cpu_us_per_update > 0) {
                ratio[0][nratios] = 100.0 * real->per_s / res[BOT_CEILING].per_s;
                ratio[1][nratios] = real->cpu_us_per_update / res[BOT_CEILING].cpu_us_per_update;
                ratio[2][nratios++] = real->p50_ms;
            }
            for (int k = 0; k < BOT_KINDS; k++) free(res[k].transcript);
        }
        if (rounds > 1) print_rounds(sc, strcmp(sync, "normal") ? "full" : "normal", ratio, nratios, rounds);
    }
    printf("\nanswered: updates (the users' posts) whose reply came; updates/s counts them\n"
           "registered: users who reached «Готово»; * the run stopped at its limit of %d s, its figures are over"
           " what it did, and steps still waiting then count with their wait so far\n"
           "calls: calls per registration in the sent log, button answers included (0 for a stopped run)\n"
           "CPU us/up: the bot's utime+stime over the run per update; peak MB: the bot's VmHWM\n"
           "others us: the simulator's and the users' (this program's) CPU per update in the same run\n"
           "floor: the ceiling bot storing what answering each update exactly once needs (the update's id, the\n"
           "  user's step, every call before it starts and its mark once answered, the cursor) in SQLite,\n"
           "  one commit with synchronous=FULL per batch, as bench/ceiling_store.c says\n", limit_s);
    i18n_free(catalog);
    curl_global_cleanup();
    return failed || unit_failed_checks ? 1 : 0;
}
