# Mentorbot build. `make` builds ./mentorbot and ./mentorbot-sim; `make test`
# builds everything again under AddressSanitizer and UndefinedBehaviorSanitizer
# in build/test and runs the unit and end-to-end suites.

CC      ?= cc
PKGS    := libcurl libcjson sqlite3 inih libmicrohttpd gnutls libical xlsxwriter cairo pangocairo fontconfig libpng
WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
BASE    := -std=c11 -D_GNU_SOURCE -I. $(WARN) -g
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lev -lm -lpthread

OPT_CFLAGS  := $(BASE) -O2 $(PKG_CFLAGS)
TEST_CFLAGS := $(BASE) -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined $(PKG_CFLAGS)
# gold links the sanitized binaries in a third of the CPU time of the
# default linker (the suite links about eighty); used when the toolchain has it.
FAST_LD := $(shell $(CC) -fuse-ld=gold -Wl,--version >/dev/null 2>&1 && echo -fuse-ld=gold)
TEST_LDFLAGS := -fsanitize=address,undefined $(FAST_LD)

UTIL_SRC    := $(wildcard util/*.c)
STORAGE_SRC := $(wildcard storage/*.c)
REPORT_SRC  := $(wildcard report/*.c)
HANDLER_SRC := $(wildcard handlers/*.c)
BOT_SRC     := $(filter-out bot/main.c,$(wildcard bot/*.c)) \
               $(wildcard bot/telegram/*.c bot/vk/*.c bot/max/*.c bot/admin/*.c)
CORE_SRC    := $(UTIL_SRC) $(STORAGE_SRC) $(REPORT_SRC) $(HANDLER_SRC) $(BOT_SRC)
SIM_SRC     := $(wildcard sim/*.c)
UNIT_SRC    := $(wildcard tests/test_*.c)
E2E_LIB_SRC := $(filter-out tests/e2e/test_%.c,$(wildcard tests/e2e/*.c))
E2E_SRC     := $(wildcard tests/e2e/test_*.c)
BENCH_SRC   := $(wildcard bench/*.c)
# The benchmark over HTTP starts the simulator, the bot and its ceiling as
# processes and has rules of its own (after `bench`), not the in-process one.
HTTP_BENCH_SRC := $(wildcard bench/http_load*.c bench/ceiling_*.c bench/broadcast.c)
# bench/sql_profile.c is a library loaded into the processes a bench
# starts, not a bench of its own (its rule is after `bench`).
BENCH_SRC   := $(filter-out $(HTTP_BENCH_SRC) bench/sql_profile.c,$(BENCH_SRC))

REL := build/rel
TST := build/test

obj = $(patsubst %.c,$(1)/%.o,$(2))
NPROC := $(shell nproc 2>/dev/null || echo 2)

# Objects of test binaries are intermediate files to make; keeping them
# means a second `make test` relinks nothing.
.SECONDARY:

.PHONY: all deps test unit e2e bench run clean check-deps soak
all: mentorbot mentorbot-sim

deps:
	@sh scripts/deps.sh

$(REL)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(OPT_CFLAGS) -MMD -MP -c $< -o $@

$(TST)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

mentorbot: $(call obj,$(REL),bot/main.c $(CORE_SRC))
	$(CC) $(FAST_LD) -o $@ $^ $(PKG_LIBS)

mentorbot-sim: $(call obj,$(REL),$(SIM_SRC) $(UTIL_SRC))
	$(CC) $(FAST_LD) -o $@ $^ $(PKG_LIBS)

$(TST)/mentorbot: $(call obj,$(TST),bot/main.c $(CORE_SRC))
	$(CC) $(TEST_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(TST)/mentorbot-sim: $(call obj,$(TST),$(SIM_SRC) $(UTIL_SRC))
	$(CC) $(TEST_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Unit tests link the core from an archive, which gives each only the
# objects it uses: the links take a third of the time.
$(TST)/libcore.a: $(call obj,$(TST),$(CORE_SRC))
	@rm -f $@
	@ar rcs $@ $^

$(TST)/bin/test_%: $(TST)/tests/test_%.o $(TST)/tests/unit.o $(TST)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(TEST_LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(PKG_LIBS)

$(TST)/bin/e2e_%: $(TST)/tests/e2e/test_%.o $(call obj,$(TST),tests/unit.c $(E2E_LIB_SRC) $(UTIL_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(TEST_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Conversation tests that take the messenger as their argument and run
# long enough to be worth a job per messenger (tests/run.sh's PATH@ARG).
SPLIT_E2E := faults storage_faults matching minors consent survey scope link_security meetings meeting_calendar \
             pair stall outcomes polls recognition digest
# The conversations that also run on MAX, as PATH@max (issue 15: one
# scenario, three transports): every one of SPLIT_E2E, and registration by
# a curator's invite.
MAX_E2E   := $(SPLIT_E2E) registration
# Whole tests that take long (half a minute on a busy 2-core machine).
SLOW_E2E  := vk reliability admin soak registration demo
UNIT_BINS := $(patsubst tests/test_%.c,$(TST)/bin/test_%,$(filter-out tests/unit.c,$(UNIT_SRC)))
E2E_BINS  := $(patsubst tests/e2e/test_%.c,$(TST)/bin/e2e_%,$(E2E_SRC))
# The longest first: a fresh clone has no durations from a last run yet.
E2E_RUNS  := $(foreach t,$(SPLIT_E2E),$(TST)/bin/e2e_$(t)@tg $(TST)/bin/e2e_$(t)@vk) \
             $(foreach t,$(MAX_E2E),$(TST)/bin/e2e_$(t)@max) \
             $(patsubst %,$(TST)/bin/e2e_%,$(SLOW_E2E)) \
             $(filter-out $(patsubst %,$(TST)/bin/e2e_%,$(SPLIT_E2E) $(SLOW_E2E)),$(E2E_BINS))

# The release build is made too, so that what `make run` builds cannot
# break unnoticed. The pacing test measures time: it runs alone, last.
# The conversation tests talk to the simulator as released (MENTORBOT_SIM_DIR):
# it serves every one of them (sanitized, it took a third of e2e_pair's
# CPU); the simulator's own tests (tests/e2e/test_sim*.c) run it sanitized.
# AddressSanitizer keeps freed memory out of use for a while to catch a use
# after free; its default 256 MB per process made every bot, simulator and
# admin process of the suite touch that much fresh memory, about half the
# suite's CPU. 1 MB still holds each freed block through the handling of
# many updates. ASAN_OPTIONS given on the command line come after, and win.
TEST_ASAN_OPTIONS := quarantine_size_mb=1
test: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all test-build
	@sh scripts/handler-layers.sh $(TST)/handlers
	@sh scripts/handler-names.sh handlers
	@ASAN_OPTIONS="$(TEST_ASAN_OPTIONS)$${ASAN_OPTIONS:+:$$ASAN_OPTIONS}" MENTORBOT_SIM_DIR=. \
	    MENTORBOT_TEST_TIMES=$(TST)/test-times MENTORBOT_TEST_ALONE="e2e_pacing" \
	    bash tests/run.sh $(E2E_RUNS) tests/run_selftest.sh $(UNIT_BINS) $(FUZZ_REPLAY_BINS)

test-build: $(UNIT_BINS) $(E2E_BINS) $(TST)/mentorbot $(TST)/mentorbot-sim

$(REL)/bin/bench_%: $(REL)/bench/%.o $(call obj,$(REL),$(CORE_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(FAST_LD) -o $@ $^ $(PKG_LIBS)

# The region's data generator is shared by its benchmark and the query
# plan test.
$(REL)/bin/bench_region: $(REL)/tests/region_gen.o
$(REL)/bin/bench_indicators: $(REL)/tests/region_gen.o
$(REL)/bin/bench_digest: $(REL)/tests/region_gen.o
$(TST)/bin/test_query_plans: $(TST)/tests/region_gen.o
# The MAX simulator's test drives it with the MAX parser and sender themselves.
$(TST)/bin/e2e_sim_max: $(call obj,$(TST),bot/max/max_parse.c bot/max/max_send.c bot/max/max_check.c bot/transport.c)

bench: deps
	@$(MAKE) --no-print-directory all $(patsubst bench/%.c,$(REL)/bin/bench_%,$(BENCH_SRC))
	@for b in $(patsubst bench/%.c,$(REL)/bin/bench_%,$(BENCH_SRC)); do $$b || exit 1; done
	@$(MAKE) --no-print-directory $(REL)/bin/bench_http_load $(REL)/bin/bench_ceiling_bot
	@MENTORBOT_BIN_DIR=. $(REL)/bin/bench_http_load --rounds $(HTTP_BENCH_ROUNDS) $(HTTP_BENCH_ARGS)
	@$(MAKE) --no-print-directory $(REL)/bin/bench_broadcast
	@MENTORBOT_BIN_DIR=. $(REL)/bin/bench_broadcast $(BROADCAST_USERS)
	@MENTORBOT_BIN_DIR=. $(REL)/bin/bench_broadcast --reminders $(BROADCAST_PAIRS)

$(REL)/lib/sql_profile.so: bench/sql_profile.c
	@mkdir -p $(dir $@)
	$(CC) $(OPT_CFLAGS) -shared -fPIC -o $@ $< -ldl -lsqlite3

# The end-to-end benchmark over HTTP (bench/http_load.c) links the e2e
# harness; its ceiling (bench/ceiling_bot.c) only the bot's HTTP client and
# util/. Three rounds, each bot in turn, judged on the medians: this
# machine's speed drifts by a fifth between runs. HTTP_BENCH_ARGS adds
# options, e.g. make bench HTTP_BENCH_ARGS="--scenario light".
HTTP_BENCH_ROUNDS ?= 3
# The broadcast at the real limits (bench/broadcast.c) drives the harness
# too; BROADCAST_USERS sets its size (10,000 take about six minutes).
BROADCAST_USERS ?= 10000
# Its reminders run seeds the bot's database with bench_meetings --seed;
# BROADCAST_PAIRS meetings owe two reminders each (5,000: about six minutes).
BROADCAST_PAIRS ?= 5000
$(REL)/bin/bench_broadcast: $(call obj,$(REL),bench/broadcast.c tests/unit.c $(E2E_LIB_SRC) $(UTIL_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(FAST_LD) -o $@ $^ $(PKG_LIBS)

$(REL)/bin/bench_http_load: $(call obj,$(REL),$(wildcard bench/http_load*.c) tests/unit.c $(E2E_LIB_SRC) $(UTIL_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(FAST_LD) -o $@ $^ $(PKG_LIBS)

$(REL)/bin/bench_ceiling_bot: $(call obj,$(REL),$(wildcard bench/ceiling_*.c) bot/http.c $(UTIL_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(FAST_LD) -o $@ $^ $(PKG_LIBS)

# The soak test at full size (tests/e2e/test_soak.c; `make test` runs a
# short one): 2,000 pupils and 25 SIGKILLs on each messenger, against the
# optimised bot and simulator, since under ASan 2,000 pupils take too long.
# SOAK_ARGS adds options, e.g. make soak SOAK_ARGS="--seed 42".
SOAK_USERS ?= 2000
SOAK_KILLS ?= 25
$(REL)/bin/e2e_%: $(REL)/tests/e2e/test_%.o $(call obj,$(REL),tests/unit.c $(E2E_LIB_SRC) $(UTIL_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(FAST_LD) -o $@ $^ $(PKG_LIBS)

soak: deps
	@$(MAKE) --no-print-directory all $(REL)/bin/e2e_soak
	@for m in tg vk; do MENTORBOT_BIN_DIR=. $(REL)/bin/e2e_soak $$m --users $(SOAK_USERS) --kills $(SOAK_KILLS) \
	    $(SOAK_ARGS) || exit 1; done

run: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/run-local.sh

clean:
	rm -rf build mentorbot mentorbot-sim

include fuzz/fuzz.mk

-include $(shell find build -name '*.d' 2>/dev/null)
