# Fuzzing (included by the Makefile). `make fuzz` installs clang when it is
# missing, builds every target in fuzz/ with libFuzzer and runs each for
# FUZZ_SECONDS on its corpus; new inputs go to build/fuzz/corpus/<target>,
# crashes to build/fuzz/artifacts/. FUZZ_SAN= (empty) builds without
# ASan/UBSan, several times faster, for long runs. `make fuzz-build` only
# builds. The replay binaries in FUZZ_REPLAY_BINS run each corpus once under
# the test build's sanitizers, without clang, as part of `make test`.

FUZZ_TARGETS := tg_update vk_update max_update send_result survey_answer numbers csv config org_import
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_SAN     ?= address,undefined
FUZZ_DIR     := build/fuzz/$(if $(FUZZ_SAN),san,plain)
FUZZ_CFLAGS   = $(BASE) -O1 -fno-omit-frame-pointer $(PKG_CFLAGS) \
                -fsanitize=fuzzer-no-link$(if $(FUZZ_SAN),$(comma)$(FUZZ_SAN)) \
                $(if $(FUZZ_SAN),-fno-sanitize-recover=undefined)
FUZZ_LDFLAGS  = -fsanitize=fuzzer$(if $(FUZZ_SAN),$(comma)$(FUZZ_SAN))
comma := ,

FUZZ_BINS        := $(patsubst %,$(FUZZ_DIR)/bin/%,$(FUZZ_TARGETS))
FUZZ_REPLAY_BINS := $(patsubst %,$(TST)/bin/fuzz_%,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-build fuzz-deps

fuzz-deps:
	@sh scripts/deps.sh fuzz

fuzz: fuzz-deps
	@$(MAKE) --no-print-directory fuzz-build
	@for t in $(FUZZ_TARGETS); do sh fuzz/run.sh $(FUZZ_DIR)/bin/$$t $(FUZZ_SECONDS) || exit 1; done

fuzz-build: $(FUZZ_BINS)

$(FUZZ_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/bin/%: $(FUZZ_DIR)/fuzz/%.o $(call obj,$(FUZZ_DIR),fuzz/fuzz_util.c $(CORE_SRC))
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The replay driver, once per target (it names the target's corpus).
# (A static pattern: a plain one would also offer to make the .d files.)
$(patsubst %,$(TST)/fuzz/replay_%.o,$(FUZZ_TARGETS)): $(TST)/fuzz/replay_%.o: fuzz/replay.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -DFUZZ_TARGET='"$*"' -MMD -MP -c $< -o $@

$(TST)/bin/fuzz_%: $(TST)/fuzz/replay_%.o $(TST)/fuzz/%.o $(TST)/fuzz/fuzz_util.o $(TST)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(TEST_LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(PKG_LIBS)

# The Makefile reads this file after its own rules, so its test-build line
# cannot name these yet: they are added to it here.
test-build: $(FUZZ_REPLAY_BINS)
