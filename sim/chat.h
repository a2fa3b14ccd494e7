/*
 * The terminal chat: a person talks to the bot through a running simulator
 * as one Telegram user, or with --max as one MAX user (where "/start CODE"
 * is the Start button of an invite link). Lines typed become messages; the bot's messages,
 * edits and notices are printed as they arrive; a bare number presses that
 * button of the latest message with buttons.
 */
#ifndef MB_SIM_CHAT_H
#define MB_SIM_CHAT_H

/* argv[0] is "chat". Returns the process exit code. */
int sim_chat_main(int argc, char **argv);

#endif
