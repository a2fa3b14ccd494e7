/*
 * mentorbot-sim: a local stand-in for the Telegram Bot API and the VK API
 * (with its Bots Long Poll server), for tests, demos and trying the bot
 * without a token. See docs/simulator.md.
 *
 *   mentorbot-sim [--listen 127.0.0.1:PORT] [--verbose] [--first-update-id N] [--max-webhook-ca FILE]
 *   mentorbot-sim chat [--max] [--sim URL] [--user ID] [--name NAME] [--lang ru|en]
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/chat.h"
#include "sim/max.h"
#include "sim/max_webhook.h"
#include "sim/server.h"
#include "sim/state.h"
#include "sim/tg.h"
#include "sim/tg_world.h"
#include "sim/vk.h"
#include "util/log.h"

#define SIM_DEFAULT_LISTEN "127.0.0.1:8081"
#define SIM_UPDATE_ID_MAX 4503599627370496LL   /* 2^52: ids stay exact as JSON numbers */

static void usage(FILE *to)
{
    fprintf(to,
            "usage: mentorbot-sim [--listen HOST:PORT] [--verbose] [--first-update-id N] [--max-webhook-ca FILE]\n"
            "       mentorbot-sim chat [--max] [--sim URL] [--user ID] [--name NAME] [--lang ru|en]\n"
            "Serves the Telegram Bot API and VK API methods the bot uses on HOST:PORT\n"
            "(default %s) and a control API under /sim/; see docs/simulator.md.\n"
            "--max-webhook-ca FILE: the CA certificates (PEM) https:// MAX webhooks are checked\n"
            "against instead of the system's (a test CA, or a test's self-signed certificate).\n",
            SIM_DEFAULT_LISTEN);
}

int main(int argc, char **argv)
{
    const char *listen = SIM_DEFAULT_LISTEN;
    sigset_t stop_signals;
    int sig = 0, rc = 0;
    long long first_update_id = 0;

    if (argc > 1 && strcmp(argv[1], "chat") == 0) return sim_chat_main(argc - 1, argv + 1);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc && strlen(argv[i + 1]) < SIM_LISTEN_MAX) {
            listen = argv[++i];
        } else if (strcmp(argv[i], "--first-update-id") == 0 && i + 1 < argc) {
            char *end;
            first_update_id = strtoll(argv[++i], &end, 10);
            if (*end || first_update_id < 1 || first_update_id > SIM_UPDATE_ID_MAX) {
                fprintf(stderr, "mentorbot-sim: --first-update-id takes a whole number from 1 to %lld\n",
                        SIM_UPDATE_ID_MAX);
                return 2;
            }
        } else if (strcmp(argv[i], "--max-webhook-ca") == 0 && i + 1 < argc) {
            if (max_sim_webhook_set_ca(argv[++i])) {
                fprintf(stderr, "mentorbot-sim: --max-webhook-ca %s: not a readable file\n", argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--verbose") == 0) {
            log_set_level(LOG_DEBUG);
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }

    /* Block the stop signals before any thread starts so every server
     * thread inherits the mask and only sigwait() below receives them. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    sim_state_init();
    tg_init();
    if (first_update_id) tg_updates_start_at(first_update_id);
    vk_init();
    max_sim_init();
    if (sim_server_start(listen)) {
        log_error("sim", "cannot listen on %s (a loopback HOST:PORT that is free is needed)", listen);
        rc = 1;
        goto out;
    }
    log_info("sim", "Telegram and VK API simulator on http://%s (control API under /sim/)", listen);
    sigwait(&stop_signals, &sig);
    log_info("sim", "stopping (signal %d)", sig);
    sim_server_stop();
out:
    max_sim_free();
    vk_free();
    tg_free();
    sim_state_free();
    return rc;
}
