#!/bin/sh
# Installs the Debian packages Mentorbot builds against, when any is missing.
# Runs apt-get directly as root, through sudo otherwise.
# `sh scripts/deps.sh fuzz` also installs clang with its libFuzzer runtime,
# which only `make fuzz` needs.
set -e
need=""
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v cc >/dev/null 2>&1 || need="$need build-essential"
have_pc libcurl       || need="$need libcurl4-openssl-dev"
have_pc libcjson      || need="$need libcjson-dev"
have_pc sqlite3       || need="$need libsqlite3-dev"
have_pc inih          || need="$need libinih-dev"
have_pc libmicrohttpd || need="$need libmicrohttpd-dev"
# The MAX webhook's certificate is checked with GnuTLS, the library
# libmicrohttpd serves HTTPS with.
have_pc gnutls        || need="$need libgnutls28-dev"
have_pc libical       || need="$need libical-dev"
have_pc xlsxwriter    || need="$need libxlsxwriter-dev"
have_pc cairo         || need="$need libcairo2-dev"
have_pc pangocairo    || need="$need libpango1.0-dev"
have_pc fontconfig    || need="$need libfontconfig-dev"
have_pc libpng        || need="$need libpng-dev"
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need="$need fonts-dejavu-core"
[ -f /usr/include/ev.h ] || need="$need libev-dev"
# tests/test_ics.c reads what util/ics.c writes with an independent parser;
# the Debian package installs into the system's python3, which a python3
# earlier in PATH (pyenv, a virtualenv) would not see.
/usr/bin/python3 -c "import icalendar" >/dev/null 2>&1 || need="$need python3-icalendar"
# tests/e2e/test_digest.c reads the digest's workbook back with openpyxl.
/usr/bin/python3 -c "import openpyxl" >/dev/null 2>&1 || need="$need python3-openpyxl"
if [ "$1" = fuzz ]; then
    if ! command -v clang >/dev/null 2>&1; then
        need="$need clang libclang-rt-dev"
    else
        # clang alone is not enough: -fsanitize=fuzzer needs the runtime.
        probe=$(mktemp -d)
        printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' >"$probe/p.c"
        clang -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" >/dev/null 2>&1 || need="$need libclang-rt-dev"
        rm -rf "$probe"
    fi
fi
[ -z "$need" ] && exit 0
echo "make deps: installing$need"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# What the build and the tests use are the packages' dependencies; their
# recommendations (test runners, image libraries) would only lengthen a
# fresh machine's first `make test`.
$SUDO apt-get install -y -qq --no-install-recommends $need
