/*
 * MAX in webhook mode, through the simulator: the bot listens, subscribes
 * its address with a secret (POST /subscriptions), and a person registers
 * by an invite with every update POSTed to it. A request without the
 * secret is refused, a body that is not an update is answered 400, and an
 * update MAX delivers again is answered 200 and handled once.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define USER 7710001
#define SECRET "e2e-webhook_secret"
#define SETTLE_MS 700

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

static size_t discard(char *data, size_t size, size_t n, void *arg) { return size * n; }

/* POSTs body to the bot's endpoint as MAX would, with secret (NULL: no
 * header); the HTTP status. */
static long post_hook(int port, const char *secret, const char *body)
{
    char url[64], line[128];
    long status = 0;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/max-hook", port);
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (secret) {
        snprintf(line, sizeof line, "X-Max-Bot-Api-Secret: %s", secret);
        headers = curl_slist_append(headers, line);
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return status;
}

TEST(a_person_registers_over_the_webhook_and_forged_requests_are_refused)
{
    convo c;
    char conf[512];
    int port = free_port();
    CHECK(port > 0);
    snprintf(conf, sizeof conf, "[max]\nmode = webhook\nwebhook_url = http://127.0.0.1:%d/max-hook\n"
             "webhook_secret = " SECRET "\nwebhook_listen = 127.0.0.1:%d\n", port, port);
    convo_transport = "max";
    if (convo_start(&c, "max-webhook", conf)) SKIP("simulator or bot did not start");
    CHECK(log_contains(&c.bot, "webhook subscribed"));
    convo_user_add(&c, USER, "Оля", "ru");
    char org[32], cmd[96];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №3\""));
    snprintf(cmd, sizeof cmd, "/start %s", code_of(admin(&c, "invite create --org %s --role mentor", org)));
    say(&c, USER, cmd);
    expect(&c, USER, "Вас приглашают");
    press(&c, USER, "Педагог");
    expect(&c, USER, "/forget");

    /* not from MAX: no secret, a wrong one; then not an update */
    const char *update = "{\"update_type\":\"message_created\",\"timestamp\":5,\"message\":{\"sender\":{\"user_id\":"
                         "7710001,\"first_name\":\"Оля\",\"is_bot\":false},\"recipient\":{\"chat_id\":97710001,"
                         "\"chat_type\":\"dialog\"},\"body\":{\"mid\":\"mid.000000000000000000000000000000aa\","
                         "\"seq\":50,\"text\":\"/help\"}}}";
    CHECK_INT(post_hook(port, NULL, update), 403);
    CHECK_INT(post_hook(port, "wrong-secret", update), 403);
    CHECK_INT(post_hook(port, SECRET, "{\"updates\":"), 400);
    expect_silence(&c, USER, SETTLE_MS);
    CHECK(log_contains(&c.bot, "without the subscription's secret was refused"));

    /* delivered twice: answered 200 both times, handled once */
    CHECK_INT(post_hook(port, SECRET, update), 200);
    expect(&c, USER, "/menu — главное меню");
    CHECK_INT(post_hook(port, SECRET, update), 200);
    expect_silence(&c, USER, SETTLE_MS);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM inbox WHERE platform = 'max' AND kind = 'message_created'"
                                     " AND status = 'done'"), 1);
    convo_stop(&c);
}

int main(void)
{
    RUN(a_person_registers_over_the_webhook_and_forged_requests_are_refused);
    return unit_summary();
}
