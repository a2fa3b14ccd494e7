/*
 * The processes of an end-to-end test: the simulator and the bot as
 * children of the test, their configuration, the admin command line, and
 * waiting for a condition. Talking to them over HTTP is in
 * tests/e2e/harness_http.c.
 */
#include "tests/e2e/harness.h"
#include "tests/e2e/harness_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit.h"
#include "util/strbuf.h"

#define HARNESS_START_ATTEMPTS 5
#define HARNESS_ADMIN_ARGS_MAX 64
#define HARNESS_ADMIN_LINE_MAX 8192
#define HARNESS_STARTED_LINE "mentorbot started"
#define HARNESS_LOG_TAIL 6000 /* bytes of a log shown when a process failed */

const char *harness_bin_dir(void)
{
    const char *dir = getenv("MENTORBOT_BIN_DIR");
    return dir && *dir ? dir : "build/test";
}

void harness_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) && errno == EINTR) {}
}

long long harness_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits up to timeout_ms for pid; SIGKILL after that. Returns the wait
 * status, or -1 when pid was not a child. */
static int reap(pid_t pid, int timeout_ms)
{
    int status = 0;
    long long deadline = harness_now_ms() + timeout_ms;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0 && errno != EINTR) return -1;
        if (harness_now_ms() >= deadline) {
            kill(pid, SIGKILL);
            return waitpid(pid, &status, 0) == pid ? status : -1;
        }
        harness_sleep_ms(10);
    }
}

static int exit_code(int status)
{
    if (status < 0) return -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

/* ---- the simulator ---- */

static int free_port(void)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    int port = -1, fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

/* Points stdin at /dev/null and stdout and stderr at log (appending). */
static void child_stdio(const char *log)
{
    int in = open("/dev/null", O_RDONLY);
    int out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in >= 0) dup2(in, 0);
    if (out >= 0) {
        dup2(out, 1);
        dup2(out, 2);
    }
    /* A test that crashes must not leave its servers running. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
}

int sim_start(sim_proc *s) { return sim_start_args(s, NULL); }

int sim_start_args(sim_proc *s, const char *const *args)
{
    char bin[HARNESS_PATH_MAX], listen[32], log[HARNESS_PATH_MAX];
    memset(s, 0, sizeof *s);
    harness_curl_init();
    /* The suite may run the simulator as released (MENTORBOT_SIM_DIR): it
     * serves every test, and its own tests run it sanitized. */
    const char *sim_dir = getenv("MENTORBOT_SIM_DIR");
    snprintf(bin, sizeof bin, "%s/mentorbot-sim", sim_dir && *sim_dir ? sim_dir : harness_bin_dir());
    if (access(bin, X_OK) != 0) {
        fprintf(stderr, "  harness: %s is missing (make %s)\n", bin, bin);
        return -1;
    }
    for (int attempt = 0; attempt < HARNESS_START_ATTEMPTS; attempt++) {
        int port = free_port();
        if (port <= 0) continue;
        snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
        snprintf(log, sizeof log, "%s/sim-%d.log", unit_tmpdir(), port);
        const char *verbose = getenv("MENTORBOT_SIM_VERBOSE") ? "--verbose" : NULL;
        pid_t pid = fork();
        if (pid < 0) return -1;
        if (pid == 0) {
            child_stdio(log);
            const char *argv[HARNESS_SIM_ARGS_MAX + 5] = {"mentorbot-sim", "--listen", listen};
            int n = 3;
            for (int i = 0; args && args[i] && i < HARNESS_SIM_ARGS_MAX; i++) argv[n++] = args[i];
            argv[n++] = verbose;
            execv(bin, (char *const *)argv);
            _exit(127);
        }
        s->pid = pid;
        s->port = port;
        snprintf(s->base, sizeof s->base, "http://%s", listen);
        long long deadline = harness_now_ms() + HARNESS_START_TIMEOUT_MS;
        while (harness_now_ms() < deadline) {
            long status = 0;
            cJSON *stats = sim_request(s, "GET", "/sim/stats", NULL, &status);
            /* Tests run side by side: the answer must come from our own
             * simulator, not one that took the port first. */
            long long answered_pid = sim_json_num(stats, "pid");
            cJSON_Delete(stats);
            if (status == 200 && answered_pid == pid) return 0;
            if (waitpid(pid, NULL, WNOHANG) == pid) break; /* port taken meanwhile: retry */
            harness_sleep_ms(20);
        }
        if (kill(pid, 0) == 0) {
            sim_stop(s);
            break;
        }
        memset(s, 0, sizeof *s);
    }
    fprintf(stderr, "  harness: mentorbot-sim did not start (see %s/sim-*.log)\n", unit_tmpdir());
    memset(s, 0, sizeof *s);
    return -1;
}

/* Whether a process's log holds a sanitizer report: a report from a run
 * that was later killed leaves no exit status to show for it. */
static int has_sanitizer_report(const char *text)
{
    static const char *const marks[] = {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                        "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer"};
    for (size_t i = 0; text && i < sizeof marks / sizeof marks[0]; i++)
        if (strstr(text, marks[i])) return 1;
    return 0;
}

/* After a process stopped: a failed check, with the end of its log (which
 * the temporary directory would take away), unless it exited 0 with a
 * clean log. */
static void check_clean_exit(const char *what, int code, const char *log)
{
    char *text = unit_read_file(log, NULL);
    int report = has_sanitizer_report(text);
    if (code != 0 || report) {
        size_t len = text ? strlen(text) : 0, from = len > HARNESS_LOG_TAIL ? len - HARNESS_LOG_TAIL : 0;
        fprintf(stderr, "  harness: %s %s (exit %d); the end of its log:\n%s\n", what,
                report ? "printed a sanitizer report" : "did not exit cleanly", code,
                text ? text + from : "(no log)");
        unit_failed_checks++;
    }
    free(text);
}

int sim_stop_checked(sim_proc *s)
{
    char log[HARNESS_PATH_MAX];
    if (!s || s->pid <= 0) return -1;
    kill(s->pid, SIGTERM);
    int code = exit_code(reap(s->pid, HARNESS_STOP_TIMEOUT_MS));
    s->pid = 0;
    snprintf(log, sizeof log, "%s/sim-%d.log", unit_tmpdir(), s->port);
    check_clean_exit("mentorbot-sim", code, log);
    return code;
}

void sim_stop(sim_proc *s) { sim_stop_checked(s); }

/* ---- the bot ---- */

int bot_setup(bot_proc *b, const sim_proc *s, const char *name, const char *extra_conf)
{
    memset(b, 0, sizeof *b);
    if (snprintf(b->dir, sizeof b->dir, "%s/%s", unit_tmpdir(), name) >= (int)sizeof b->dir) return -1;
    if (mkdir(b->dir, 0700) != 0 && errno != EEXIST) return -1;
    snprintf(b->conf, sizeof b->conf, "%s/bot.conf", b->dir);
    snprintf(b->db, sizeof b->db, "%s/bot.db", b->dir);
    snprintf(b->log, sizeof b->log, "%s/bot.log", b->dir);
    FILE *f = fopen(b->conf, "w");
    if (!f) return -1;
    fprintf(f,
            /* A commit that survives SIGKILL (all a test can do to the
             * bot) needs no fsync: tests not about the disk skip them. */
            "[storage]\npath = %s\nsynchronous = normal\n\n"
            "[telegram]\ntoken = 123:TEST\napi_base = %s\npoll_timeout = 1\n"
            /* Tests not about pacing must not wait on Telegram's limits;
             * the pacing test sets the real ones again. */
            "rate_global_per_s = " HARNESS_FAST_RATE "\nrate_per_chat_per_s = " HARNESS_FAST_RATE "\n\n"
            /* Failed requests are tried again after 0.1 s, not 1 s, doubling
             * as ever: the fault tests wait on fewer idle seconds. */
            "[bot]\nlanguage = ru\nlog_level = debug\nretry_first_ms = 100\n",
            b->db, s ? s->base : "");
    if (extra_conf) fprintf(f, "\n%s\n", extra_conf);
    return fclose(f) == 0 ? 0 : -1;
}

/* How many times the bot's log says it started. */
static int count_starts(const bot_proc *b)
{
    char *text = unit_read_file(b->log, NULL);
    int n = 0;
    for (const char *p = text; p && (p = strstr(p, HARNESS_STARTED_LINE)); p++) n++;
    free(text);
    return n;
}

/* Waits until the bot's log says it started once more than before, or the
 * bot exited (left for the caller to reap), so that a signal the test
 * sends next finds a bot that handles it. */
static void wait_started(const bot_proc *b, int before)
{
    long long deadline = harness_now_ms() + HARNESS_START_TIMEOUT_MS;
    while (harness_now_ms() < deadline && count_starts(b) <= before) {
        siginfo_t info = {0};
        if (waitid(P_PID, b->pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == b->pid) return;
        harness_sleep_ms(10);
    }
}

int bot_start(bot_proc *b)
{
    char bin[HARNESS_PATH_MAX];
    int report[2], err = 0, started_before = count_starts(b);
    snprintf(bin, sizeof bin, "%s/mentorbot", harness_bin_dir());
    if (pipe2(report, O_CLOEXEC) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(report[0]);
        close(report[1]);
        return -1;
    }
    if (pid == 0) {
        close(report[0]);
        child_stdio(b->log);
        execl(bin, "mentorbot", "--config", b->conf, "run", (char *)NULL);
        err = errno;
        if (write(report[1], &err, sizeof err) < 0) {}
        _exit(127);
    }
    close(report[1]);
    /* The pipe closes on a successful exec; bytes on it mean exec failed. */
    ssize_t n = read(report[0], &err, sizeof err);
    close(report[0]);
    if (n > 0) {
        waitpid(pid, NULL, 0);
        fprintf(stderr, "  harness: cannot run %s: %s\n", bin, strerror(err));
        return -1;
    }
    b->pid = pid;
    wait_started(b, started_before);
    return 0;
}

void bot_kill(bot_proc *b, int sig)
{
    if (!b || b->pid <= 0) return;
    kill(b->pid, sig);
    reap(b->pid, HARNESS_STOP_TIMEOUT_MS);
    b->pid = 0;
}

int bot_stop(bot_proc *b)
{
    if (!b || b->pid <= 0) return -1;
    kill(b->pid, SIGTERM);
    int code = exit_code(reap(b->pid, HARNESS_STOP_TIMEOUT_MS));
    b->pid = 0;
    check_clean_exit("mentorbot", code, b->log);
    return code;
}

/* Splits line in place on spaces, keeping "double quoted" runs together
 * (quotes removed). Returns the number of arguments stored in argv. */
static int split_args(char *line, char **argv, int max)
{
    int argc = 0;
    char *r = line, *w = line;
    while (*r) {
        while (*r == ' ') r++;
        if (!*r) break;
        if (argc == max) break;
        argv[argc++] = w;
        int quoted = 0;
        while (*r && (quoted || *r != ' ')) {
            if (*r == '"') quoted = !quoted;
            else *w++ = *r;
            r++;
        }
        if (*r) r++;
        *w++ = 0;
    }
    return argc;
}

/* Reads the child's stdout and stderr together until both close. */
static void drain(int out_fd, int err_fd, strbuf *out, strbuf *err)
{
    struct pollfd fds[2] = {{.fd = out_fd, .events = POLLIN}, {.fd = err_fd, .events = POLLIN}};
    strbuf *bufs[2] = {out, err};
    int open_count = 2;
    char chunk[4096];
    while (open_count > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
            if (n > 0) {
                sb_append(bufs[i], chunk, (size_t)n);
            } else if (n == 0 || errno != EINTR) {
                fds[i].fd = -1;
                open_count--;
            }
        }
    }
}

int bot_admin(bot_proc *b, char *last_line, size_t size, char *err, size_t err_size,
              const char *fmt, ...)
{
    char line[HARNESS_ADMIN_LINE_MAX], bin[HARNESS_PATH_MAX];
    char *argv[HARNESS_ADMIN_ARGS_MAX + 5];
    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, rc = -1;
    strbuf out, errors;
    va_list ap;
    sb_init(&out, HARNESS_RESPONSE_MAX);
    sb_init(&errors, HARNESS_RESPONSE_MAX);
    if (last_line && size) last_line[0] = 0;
    if (err && err_size) err[0] = 0;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    snprintf(bin, sizeof bin, "%s/mentorbot", harness_bin_dir());
    argv[0] = "mentorbot";
    argv[1] = "--config";
    argv[2] = b->conf;
    argv[3] = "admin";
    argv[4 + split_args(line, argv + 4, HARNESS_ADMIN_ARGS_MAX)] = NULL;
    if (pipe(out_pipe) || pipe(err_pipe)) goto out;
    pid_t pid = fork();
    if (pid < 0) goto out;
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        if (in >= 0) dup2(in, 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        close(out_pipe[0]);
        close(err_pipe[0]);
        execv(bin, argv);
        fprintf(stderr, "cannot run %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    out_pipe[1] = err_pipe[1] = -1;
    drain(out_pipe[0], err_pipe[0], &out, &errors);
    int status = 0;
    rc = waitpid(pid, &status, 0) == pid ? exit_code(status) : -1;
    if (last_line && size) {
        /* The last line with something on it. */
        const char *text = sb_str(&out);
        size_t end = out.len;
        while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' ')) end--;
        size_t start = end;
        while (start > 0 && text[start - 1] != '\n') start--;
        snprintf(last_line, size, "%.*s", (int)(end - start), text + start);
    }
    if (err && err_size) snprintf(err, err_size, "%s", sb_str(&errors));
out:
    for (int i = 0; i < 2; i++) {
        if (out_pipe[i] >= 0) close(out_pipe[i]);
        if (err_pipe[i] >= 0) close(err_pipe[i]);
    }
    sb_free(&out);
    sb_free(&errors);
    return rc;
}

int wait_until(int (*cond)(void *), void *arg, int timeout_ms)
{
    long long deadline = harness_now_ms() + timeout_ms;
    for (;;) {
        if (cond(arg)) return 1;
        if (harness_now_ms() >= deadline) return 0;
        harness_sleep_ms(10);
    }
}

int harness_run(char *out, size_t size, const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    strncat(cmd, " 2>&1", sizeof cmd - strlen(cmd) - 1);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t n = fread(out, 1, size - 1, p);
    out[n] = 0;
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
