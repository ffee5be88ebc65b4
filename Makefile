# logq: log-quantized arithmetic hardware generator and bit-accurate C model.
# `make demo` and `make test` work on a fresh machine: targets that need a tool
# install it first (scripts/deps.sh, Debian packages, only what is missing).

SHELL := /bin/bash
BUILD ?= build
CC := gcc
CXX := g++
OPT ?= -O2
# Sources include the model as "cmodel/x.h" and the generator's parts as "emit/x.h".
CFLAGS_COMMON := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -g -I. -Igen
CFLAGS := $(CFLAGS_COMMON) $(OPT)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDLIBS := -lm

# Every Verilator build under make (the test scripts', the demos') takes the runtime's
# objects from one cache (scripts/vlrt-cache.sh).
export OBJCACHE := $(abspath scripts/vlrt-cache.sh)
export LOGQ_VLRT_CACHE := $(abspath $(BUILD))/vlrt-cache

# Debian packages, by what needs them.
DEPS_BUILD := gcc g++ make
DEPS_SIM := verilator iverilog
DEPS_FUZZ := clang libclang-rt-14-dev
DEPS_ALL := $(DEPS_BUILD) $(DEPS_SIM) $(DEPS_FUZZ) gtkwave libsystemc-dev yosys \
            nextpnr-ice40 fpga-icestorm xvfb gnuplot-nox

LIB_SRC := $(sort $(wildcard cmodel/*.c))
GEN_SRC := $(sort $(wildcard gen/*.c gen/*/*.c))
GEN_HDR := $(wildcard cmodel/*.h gen/*.h gen/*/*.h)
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
GEN_OBJ := $(GEN_SRC:%.c=$(BUILD)/obj/%.o)
ASAN_LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/asan/obj/%.o)
ASAN_GEN_OBJ := $(GEN_SRC:%.c=$(BUILD)/asan/obj/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
ASAN_UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/asan/tests/%)
LOGQ := $(BUILD)/logq

# Test scripts (tests/*.sh) and what they need built first; mk/*.mk add to both.
TEST_SCRIPTS := $(filter-out tests/run.sh tests/lib.sh,$(sort $(wildcard tests/*.sh)))
TEST_PREREQS := $(LOGQ) $(BUILD)/asan/logq $(UNIT_BIN) $(ASAN_UNIT_BIN) fuzz
DEPS_TEST := $(DEPS_BUILD) $(DEPS_SIM) $(DEPS_FUZZ)
LONG_TEST_SCRIPTS :=
# make test builds its prerequisites and runs the scripts this many at a time
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 1)

.PHONY: all deps deps-test demo test test-long fuzz clean help
.DEFAULT_GOAL := all

all: $(LOGQ) $(BUILD)/liblogq.a

# `make help` prints the "#help TARGET  text" lines of this file and of mk/*.mk, so
# each fragment documents its own targets (tests/make_help.sh: every .PHONY target
# has one).
#help all          build build/logq and build/liblogq.a (the default)
#help demo         the main job on the default configuration
#help test         the test suite (ends with 'N passed, N failed')
#help test-long    longer regressions
#help deps         install every tool logq uses (Debian packages)
#help fuzz         build the libFuzzer targets
#help clean        remove build/
#help help         this list
help:
	@sed -n 's/^#help //p' Makefile $(sort $(wildcard mk/*.mk)) | \
	    awk '{ t = $$1; sub(/^[^ ]+ +/, ""); printf "make %-14s %s\n", t, $$0 }'

deps:
	@scripts/deps.sh $(DEPS_ALL)

# Stamp per package set so each make run checks dpkg only once.
.PRECIOUS: $(BUILD)/.deps-%
$(BUILD)/.deps-%: Makefile $(wildcard mk/*.mk)
	@mkdir -p $(BUILD)
	@scripts/deps.sh $(DEPS_$*)
	@touch $@

$(BUILD)/obj/%.o: %.c $(GEN_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/asan/obj/%.o: %.c $(GEN_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -O1 $(SANFLAGS) -c $< -o $@

$(BUILD)/liblogq.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/asan/liblogq.a: $(ASAN_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LOGQ): $(GEN_OBJ) $(BUILD)/liblogq.a
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/asan/logq: $(ASAN_GEN_OBJ) $(BUILD)/asan/liblogq.a
	$(CC) $(CFLAGS_COMMON) -O1 $(SANFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/check.h $(BUILD)/liblogq.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< $(BUILD)/liblogq.a -o $@ $(LDLIBS)

$(BUILD)/asan/tests/%: tests/unit/%.c tests/unit/check.h $(BUILD)/asan/liblogq.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -O1 $(SANFLAGS) $< $(BUILD)/asan/liblogq.a -o $@ $(LDLIBS)

# libFuzzer targets: tests/fuzz/*.c, built with clang against the model's sources.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
fuzz: $(FUZZ_BIN)
$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(wildcard cmodel/*.h) | $(BUILD)/.deps-FUZZ
	@mkdir -p $(dir $@)
	clang -std=c11 -D_POSIX_C_SOURCE=200809L -I. -Igen -g -O1 -Wall -Wextra -Werror \
	    -fsanitize=fuzzer,address,undefined $< $(LIB_SRC) -o $@ -lm

# Areas add their targets, test prerequisites and test scripts here.
include $(sort $(wildcard mk/*.mk))

# The areas may have added to the package sets: the tests need the build's, and
# `make deps` installs the union of all of them.
DEPS_TEST := $(sort $(DEPS_TEST) $(DEPS_BUILD))
DEPS_ALL := $(sort $(DEPS_ALL) $(DEPS_BUILD) $(DEPS_TEST) $(DEPS_WAVES) $(DEPS_FPGA) \
              $(DEPS_SYSTEMC))

# The main job on the default configuration: the quantizer study, the MAC array
# generated, linted and co-simulated for a million beats, the log-domain
# accumulator's error study and a generated accumulator.
demo: $(LOGQ)
	$(LOGQ) study
	@$(MAKE) --no-print-directory mac-demo
	@$(MAKE) --no-print-directory logacc-demo
	@$(MAKE) --no-print-directory net-demo

test: | $(BUILD)/.deps-TEST
	@$(MAKE) --no-print-directory -j$(TEST_JOBS) $(TEST_PREREQS)
	@BUILD=$(BUILD) LOGQ=$(LOGQ) TEST_JOBS=$(TEST_JOBS) tests/run.sh $(TEST_SCRIPTS)

# the long scripts one at a time: tests/long/regress.sh builds (make) the SLQ harnesses
# slq_hw.sh builds too, and two makes of one target at once would race
test-long: | $(BUILD)/.deps-TEST
	@$(MAKE) --no-print-directory -j$(TEST_JOBS) $(TEST_PREREQS)
	@BUILD=$(BUILD) LOGQ=$(LOGQ) TEST_JOBS=1 LOGQ_LONG=1 tests/run.sh $(TEST_SCRIPTS) $(LONG_TEST_SCRIPTS)

clean:
	rm -rf $(BUILD)
