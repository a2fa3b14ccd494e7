/*
 * MAX in webhook mode, through the simulator, over HTTPS with the test
 * certificate of tests/fixtures/tls (the simulator checks it as MAX checks
 * a webhook's: --max-webhook-ca). The bot listens, subscribes its address
 * with a secret (POST /subscriptions), and a person registers by an invite
 * with every update POSTed to it. A request without the secret is
 * refused, a body that is not an update is answered 400, plain HTTP on the
 * TLS port gets no answer, and an update MAX delivers again is answered
 * 200 and handled once. A restart removes a subscription to another
 * address and leaves its own alone; a restart in polling mode removes its
 * own, and updates arrive by long polling. A certificate that cannot be
 * used stops the bot with the file named.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define USER 7710001
#define SECRET "e2e-webhook_secret"
#define SETTLE_MS 700
#define CERT "tests/fixtures/tls/cert.pem"
#define KEY "tests/fixtures/tls/key.pem"
#define OTHER_KEY "tests/fixtures/tls/other_key.pem"
#define STALE_URL "https://127.0.0.1:1/old-hook"   /* an address the bot had before: nobody listens */

static const char *const sim_args[] = {"--max-webhook-ca", CERT, NULL};

/* A loopback port nobody listens on now. */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    if (fd >= 0) close(fd);
    return port;
}

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    strncat(arg, data, size * n < 4096 - strlen(arg) - 1 ? size * n : 4096 - strlen(arg) - 1);
    return size * n;
}

/* One request; the HTTP status (0 without an HTTP answer), the body in
 * answer (4096 bytes) when not NULL. https is checked against the test
 * certificate. */
static long request(const char *method, const char *url, const char *header1, const char *header2,
                    const char *body, char *answer)
{
    char sink[4096] = "";
    long status = 0;
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (header1) headers = curl_slist_append(headers, header1);
    if (header2) headers = curl_slist_append(headers, header2);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (body) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_CAINFO, CERT);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, answer ? answer : sink);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
    if (answer) answer[0] = 0;
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return status;
}

/* POSTs body to the bot's endpoint as MAX would, with secret (NULL: no
 * header), over scheme ("https" or "http"); the HTTP status. */
static long post_hook(const char *scheme, int port, const char *secret, const char *body)
{
    char url[96], line[128];
    snprintf(url, sizeof url, "%s://127.0.0.1:%d/max-hook", scheme, port);
    if (secret) snprintf(line, sizeof line, "X-Max-Bot-Api-Secret: %s", secret);
    return request("POST", url, secret ? line : NULL, NULL, body, NULL);
}

/* A call to the simulated MAX API with the bot's token; the answer parsed
 * (caller deletes). */
static cJSON *max_api(convo *c, const char *method, const char *path, const char *body)
{
    char url[256], answer[4096];
    snprintf(url, sizeof url, "%s/max%s", c->sim.base, path);
    long status = request(method, url, "Authorization: " HARNESS_MAX_TOKEN, NULL, body, answer);
    return status == 200 ? cJSON_Parse(answer) : NULL;
}

/* The addresses MAX would post to now, comma-separated (static). */
static const char *subscribed(convo *c)
{
    static char urls[1024];
    const cJSON *s;
    cJSON *answer = max_api(c, "GET", "/subscriptions", NULL);
    urls[0] = 0;
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(answer, "subscriptions")) {
        const char *url = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "url"));
        snprintf(urls + strlen(urls), sizeof urls - strlen(urls), "%s%s", urls[0] ? "," : "", url ? url : "?");
    }
    cJSON_Delete(answer);
    return urls;
}

/* Waits until the bot's log holds needle more than before times. */
static int wait_log(const bot_proc *b, const char *needle, int before)
{
    for (int waited = 0; waited < 10000; waited += 20) {
        if (log_count(b, needle) > before) return 1;
        usleep(20 * 1000);
    }
    return 0;
}

/* The [max] section of webhook mode on port with cert and key (absolute). */
static void webhook_conf(char *buf, size_t size, int port, const char *cert, const char *key)
{
    snprintf(buf, size, "[max]\nmode = webhook\nwebhook_url = https://127.0.0.1:%d/max-hook\n"
             "webhook_secret = " SECRET "\nwebhook_listen = 127.0.0.1:%d\nwebhook_cert = %s\nwebhook_key = %s\n",
             port, port, cert, key);
}

/* Writes the bot's config again with another [max] tail (the same
 * database), for a restart. */
static void rewrite_conf(convo *c, const char *max_tail)
{
    char conf[2048];
    max_conf(&c->sim, conf, sizeof conf);
    strncat(conf, max_tail, sizeof conf - strlen(conf) - 1);
    CHECK_INT(bot_setup(&c->bot, &c->sim, "max-webhook-max", conf), 0);
}

TEST(a_person_registers_over_an_https_webhook_and_forged_requests_are_refused)
{
    convo c;
    char conf[3 * PATH_MAX], cert[PATH_MAX], key[PATH_MAX], url[96];
    int port = free_port();
    CHECK(port > 0);
    CHECK(realpath(CERT, cert) != NULL && realpath(KEY, key) != NULL);
    webhook_conf(conf, sizeof conf, port, cert, key);
    snprintf(url, sizeof url, "https://127.0.0.1:%d/max-hook", port);
    convo_transport = "max";
    convo_sim_args = sim_args;
    int started = convo_start(&c, "max-webhook", conf);
    convo_sim_args = NULL;
    if (started) SKIP("simulator or bot did not start");
    CHECK(log_contains(&c.bot, "webhook subscribed"));
    CHECK(log_contains(&c.bot, "over HTTPS"));
    CHECK_STR(subscribed(&c), url);
    convo_user_add(&c, USER, "Оля", "ru");
    char org[32], cmd[96];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №3\""));
    snprintf(cmd, sizeof cmd, "/start %s", code_of(admin(&c, "invite create --org %s --role mentor", org)));
    say(&c, USER, cmd);
    expect(&c, USER, "Вас приглашают");
    press(&c, USER, "Педагог");
    expect(&c, USER, "/forget");

    /* not from MAX: no secret, a wrong one, plain HTTP; then not an update */
    const char *update = "{\"update_type\":\"message_created\",\"timestamp\":5,\"message\":{\"sender\":{\"user_id\":"
                         "7710001,\"first_name\":\"Оля\",\"is_bot\":false},\"recipient\":{\"chat_id\":97710001,"
                         "\"chat_type\":\"dialog\"},\"body\":{\"mid\":\"mid.000000000000000000000000000000aa\","
                         "\"seq\":50,\"text\":\"/help\"}}}";
    CHECK_INT(post_hook("https", port, NULL, update), 403);
    CHECK_INT(post_hook("https", port, "wrong-secret", update), 403);
    CHECK_INT(post_hook("http", port, SECRET, update), 0);
    CHECK_INT(post_hook("https", port, SECRET, "{\"updates\":"), 400);
    expect_silence(&c, USER, SETTLE_MS);
    CHECK(log_contains(&c.bot, "without the subscription's secret was refused"));

    /* delivered twice: answered 200 both times, handled once */
    CHECK_INT(post_hook("https", port, SECRET, update), 200);
    expect(&c, USER, "/menu — главное меню");
    CHECK_INT(post_hook("https", port, SECRET, update), 200);
    expect_silence(&c, USER, SETTLE_MS);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM inbox WHERE platform = 'max' AND kind = 'message_created'"
                                     " AND status = 'done'"), 1);

    /* A subscription to an address the bot had before: the restart removes
     * it and keeps its own as it is. */
    cJSON *made = max_api(&c, "POST", "/subscriptions", "{\"url\":\"" STALE_URL "\"}");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(made, "success")));
    cJSON_Delete(made);
    bot_stop(&c.bot);
    int subscribing = log_count(&c.bot, "subscribing "), subscribed_lines = log_count(&c.bot, "webhook subscribed");
    CHECK_INT(bot_start(&c.bot), 0);
    CHECK(wait_log(&c.bot, "webhook subscribed", subscribed_lines));
    CHECK(log_contains(&c.bot, "removed the webhook subscription of " STALE_URL));
    CHECK(log_contains(&c.bot, "is in place with the same types and secret"));
    CHECK_INT(log_count(&c.bot, "subscribing "), subscribing);
    CHECK_STR(subscribed(&c), url);
    say(&c, USER, "/help");
    expect(&c, USER, "/menu — главное меню");

    /* Back to polling: the bot removes its subscription and polls. */
    int polling = log_count(&c.bot, "long polling from");
    bot_stop(&c.bot);
    rewrite_conf(&c, "");
    CHECK_INT(bot_start(&c.bot), 0);
    CHECK(wait_log(&c.bot, "long polling from", polling));
    char removed[160];
    snprintf(removed, sizeof removed, "removed the webhook subscription of %s", url);
    CHECK(log_contains(&c.bot, removed));
    CHECK_STR(subscribed(&c), "");
    say(&c, USER, "/help");
    expect(&c, USER, "/menu — главное меню");
    convo_stop(&c);
}

/* Starts the bot with webhook_cert and webhook_key; 1 when it stopped at
 * start (exit 2) with needle and the file's name in its log. */
static int stops_with(sim_proc *s, const char *name, const char *cert, const char *key, const char *needle,
                      const char *file)
{
    bot_proc b;
    char conf[4 * PATH_MAX], tail[3 * PATH_MAX];
    int port = free_port();
    max_conf(s, conf, sizeof conf);
    webhook_conf(tail, sizeof tail, port, cert, key);
    strncat(conf, tail, sizeof conf - strlen(conf) - 1);
    if (bot_setup(&b, s, name, conf) || bot_start(&b)) return 0;
    int code = bot_wait_exit(&b, 10000);
    int ok = code == 2 && log_contains(&b, needle) && log_contains(&b, file);
    if (!ok) fprintf(stderr, "  %s: exit %d; log %s\n", name, code, b.log);
    return ok;
}

TEST(a_certificate_that_cannot_be_used_stops_the_bot_naming_the_file)
{
    sim_proc s;
    char cert[PATH_MAX], key[PATH_MAX], other[PATH_MAX];
    if (sim_start(&s)) SKIP("simulator did not start");
    CHECK(realpath(CERT, cert) != NULL && realpath(KEY, key) != NULL && realpath(OTHER_KEY, other) != NULL);
    CHECK(stops_with(&s, "max-cert-missing", "/nonexistent/max-cert.pem", key, "cannot be read",
                     "webhook_cert /nonexistent/max-cert.pem"));
    CHECK(stops_with(&s, "max-cert-not-pem", key, key, "holds no PEM certificate", key));
    CHECK(stops_with(&s, "max-key-mismatch", cert, other, "is not the key of the certificate", other));
    sim_stop(&s);
}

/* Without webhook_cert and webhook_key the endpoint speaks plain HTTP, for
 * behind the operator's HTTPS proxy, and the bot says so. */
TEST(a_webhook_without_a_certificate_speaks_plain_http_behind_a_proxy)
{
    convo c;
    char conf[512];
    int port = free_port();
    snprintf(conf, sizeof conf, "[max]\nmode = webhook\nwebhook_url = http://127.0.0.1:%d/max-hook\n"
             "webhook_secret = " SECRET "\nwebhook_listen = 127.0.0.1:%d\n", port, port);
    convo_transport = "max";
    if (convo_start(&c, "max-webhook-plain", conf)) SKIP("simulator or bot did not start");
    CHECK(log_contains(&c.bot, "webhook subscribed"));
    CHECK(log_contains(&c.bot, "over plain HTTP: TLS is expected from a proxy"));
    CHECK_INT(post_hook("http", port, SECRET, "{\"updates\":"), 400);
    CHECK_INT(post_hook("https", port, SECRET, "{\"updates\":"), 0);
    convo_stop(&c);
}

/* A GET /subscriptions that MAX refuses does not keep a polling bot from
 * its updates: the housekeeping is skipped with a warning. */
TEST(a_refused_subscription_list_does_not_keep_the_bot_from_polling)
{
    convo c;
    char conf[1024];
    memset(&c, 0, sizeof c);
    c.transport = "max";
    if (sim_start(&c.sim)) SKIP("simulator did not start");
    cJSON_Delete(sim_postf(&c.sim, "/sim/fault", "{\"method\":\"max.subscriptions.list\",\"status\":404}"));
    max_conf(&c.sim, conf, sizeof conf);
    CHECK_INT(bot_setup(&c.bot, &c.sim, "max-subs-refused", conf), 0);
    CHECK_INT(bot_start(&c.bot), 0);
    CHECK(wait_log(&c.bot, "long polling from", 0));
    CHECK(log_contains(&c.bot, "going on without checking the webhook subscriptions"));
    say(&c, USER, "/help");
    expect(&c, USER, "/start");
    convo_stop(&c);
}

int main(void)
{
    RUN(a_person_registers_over_an_https_webhook_and_forged_requests_are_refused);
    RUN(a_certificate_that_cannot_be_used_stops_the_bot_naming_the_file);
    RUN(a_webhook_without_a_certificate_speaks_plain_http_behind_a_proxy);
    RUN(a_refused_subscription_list_does_not_keep_the_bot_from_polling);
    return unit_summary();
}
