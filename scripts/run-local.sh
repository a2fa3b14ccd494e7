#!/bin/sh
# `make run`: runs the bot. Without a Telegram token it starts the local
# simulator beside it, creates a demo organisation and a curator invite, and
# opens a terminal chat in which you talk to the bot as a Telegram user.
set -e
# bot.conf holds the token and run/ the demo's database and logs: they are
# the user's alone (`mentorbot check` warns about a token others can read).
umask 077
cd "$(dirname "$0")/.."
[ -f bot.conf ] || { cp bot.conf.example bot.conf; chmod 600 bot.conf; echo "created bot.conf from bot.conf.example"; }
./mentorbot --config bot.conf check >/dev/null

token=$(sed -n 's/^[[:space:]]*token[[:space:]]*=[[:space:]]*//p' bot.conf | head -n 1)
if [ -n "$token" ] || [ -n "$MENTORBOT_TELEGRAM_TOKEN" ]; then
    exec ./mentorbot --config bot.conf run
fi

port=${SIM_PORT:-8081}
mkdir -p run
sed -e "s|^[[:space:]]*api_base[[:space:]]*=.*|api_base = http://127.0.0.1:$port|" \
    -e "s|^[[:space:]]*token[[:space:]]*=.*|token = 1:local-simulator|" \
    -e "s|^[[:space:]]*path[[:space:]]*=.*|path = mentorbot-local.db|" \
    -e "s|^[[:space:]]*poll_timeout[[:space:]]*=.*|poll_timeout = 10|" \
    -e "s|^[[:space:]]*locales[[:space:]]*=.*||" bot.conf > run/bot-local.conf

./mentorbot-sim --listen "127.0.0.1:$port" 2>run/sim.log &
sim=$!
./mentorbot --config run/bot-local.conf run 2>run/bot.log &
bot=$!
trap 'kill $bot $sim 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
sleep 1

if [ ! -s run/demo-invite ]; then
    org=$(./mentorbot --config run/bot-local.conf admin org add --name "Demo school" 2>/dev/null | tail -n 1)
    ./mentorbot --config run/bot-local.conf admin invite create --org "$org" --role curator --uses 100 2>/dev/null \
        | tail -n 1 | sed 's/.*start=//' > run/demo-invite
fi
code=$(cat run/demo-invite)
echo "Local simulator on 127.0.0.1:$port; bot log in run/bot.log."
echo "Register as the demo school's curator by typing:  /start $code"
./mentorbot-sim chat --sim "http://127.0.0.1:$port"
