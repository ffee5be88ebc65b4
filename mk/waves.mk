# Waveform tools (docs/waves.md): `logq wavediff` reads FST through the reader that
# ships with Verilator, compiled here from its directory (third-party code: its own
# relaxed flags) and linked into build/logq; `make waves-png` renders a demo
# waveform with GTKWave under Xvfb.
#
#   make waves-png        build/waves/demo.png
#   make waves-png-docs   the same, copied to docs/waves-demo.png (when < 200 KB)
# `make help` lines (Makefile: help):
#help waves-png    render the demo waveform with GTKWave into build/waves/ (docs/waves.md)
#help waves-png-docs copy that picture to docs/waves-demo.png

FST_DIR := /usr/share/verilator/include/gtkwave
FST_SRC := fstapi.c lz4.c fastlz.c
FST_OBJ := $(FST_SRC:%.c=$(BUILD)/obj/fst/%.o)

DEPS_BUILD += zlib1g-dev
DEPS_WAVES := gtkwave xvfb xauth iverilog
LDLIBS += -lz

# fstapi.c picks its configuration header by this macro; warnings are not ours.
$(FST_OBJ): $(BUILD)/obj/fst/%.o: $(FST_DIR)/%.c | $(BUILD)/.deps-BUILD $(BUILD)/.deps-SIM
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -w -I$(FST_DIR) -DFST_CONFIG_INCLUDE='"fst_config.h"' -c $< -o $@
# The sources come with the verilator package: on a fresh machine, install it first.
$(addprefix $(FST_DIR)/,$(FST_SRC)): | $(BUILD)/.deps-SIM
	@:

# Our FST front end sees the reader's header; both logq builds link the reader.
$(BUILD)/obj/gen/wave/fstread.o $(BUILD)/asan/obj/gen/wave/fstread.o: | $(BUILD)/.deps-SIM
$(BUILD)/obj/gen/wave/fstread.o: CFLAGS += -I$(FST_DIR)
$(BUILD)/asan/obj/gen/wave/fstread.o: CFLAGS_COMMON += -I$(FST_DIR)
$(LOGQ) $(BUILD)/asan/logq: $(FST_OBJ)

# The demo waveform: a short traced co-simulation of the default MAC array (the
# configuration of `make demo`), shown with the view the generator wrote
# (NAME.gtkw, copied by `make cosim` to trace.gtkw with its scope renamed for
# Verilator) and grabbed by GTKWave under Xvfb (scripts/waves-png.sh); the PNG goes
# to build/waves/demo.png only, so a run leaves the tree clean. `make waves-png-docs`
# copies it to docs/waves-demo.png (an explicit step: the picture is committed).
# `scripts/waves-png.sh` without DUMP renders the tiny wavediff bench of tests/wave/.
WAVES_DIR := $(BUILD)/waves
.PHONY: waves-png waves-png-docs
waves-png: WAVES = 1
waves-png: $(LOGQ) | $(BUILD)/.deps-WAVES $(BUILD)/.deps-SIM
	@$(MAKE) --no-print-directory cosim WAVES=1 BEATS=24 STALL=30 SEED=1
	DUMP=$(abspath $(MAC_DIR)/trace.fst) GTKW=$(abspath $(MAC_DIR)/trace.gtkw) \
	    BUILD=$(BUILD) LOGQ=$(LOGQ) scripts/waves-png.sh $(WAVES_DIR)
waves-png-docs: waves-png
	@size=$$(stat -c %s $(WAVES_DIR)/demo.png); \
	if [ $$size -ge 204800 ]; then echo "waves-png-docs: $(WAVES_DIR)/demo.png is $$size bytes (>= 200 KB): not copied"; exit 1; fi; \
	cp $(WAVES_DIR)/demo.png docs/waves-demo.png && echo "waves-png-docs: copied to docs/waves-demo.png"

# The fuzz target of the VCD reader includes these gen/ sources (the generic rule
# knows only the model's).
$(BUILD)/fuzz/fuzz_wavediff: gen/wave/vcd.c gen/wave/wave.c gen/wave/wavediff.c gen/wave/wave.h gen/wave/read.h

# Its corpus starts from the hand-made VCD of the tests.
WAVES_FUZZ_SEED := $(BUILD)/fuzz/corpus-fuzz_wavediff/hand.vcd
$(WAVES_FUZZ_SEED): tests/wave/hand.vcd
	@mkdir -p $(dir $@)
	cp $< $@
TEST_PREREQS += $(WAVES_FUZZ_SEED)

# The unit test of the save-file writer includes these gen/ sources.
$(BUILD)/tests/test_gtkw $(BUILD)/asan/tests/test_gtkw: gen/emit/gtkw.c gen/emit/gtkw.h gen/emit/emit.c gen/emit/emit.h

# The fuzz target of the FST path (tests/fuzz/fuzz_fst.c) includes the wave sources
# and links the FST reader; its corpus starts from real dumps: the hand-made VCD
# converted by GTKWave's vcd2fst with each packing (LZ4, FastLZ, zlib) and the wave
# bench's FST as Icarus writes it.
FUZZ_FST_DEPS := $(wildcard gen/wave/*.c gen/wave/*.h)
$(BUILD)/fuzz/fuzz_fst: tests/fuzz/fuzz_fst.c $(FUZZ_FST_DEPS) $(FST_OBJ) $(LIB_SRC) | $(BUILD)/.deps-FUZZ
	@mkdir -p $(dir $@)
	clang -std=c11 -D_POSIX_C_SOURCE=200809L -I. -Igen -I$(FST_DIR) -g -O1 -Wall -Wextra -Werror \
	    -fsanitize=fuzzer,address,undefined $< $(LIB_SRC) $(FST_OBJ) -o $@ -lm -lz -Wl,--wrap=exit
FST_FUZZ_CORPUS := $(BUILD)/fuzz/corpus-fuzz_fst
$(BUILD)/fuzz/.fst-corpus-seeded: tests/wave/hand.vcd tests/wave/bench.v | $(BUILD)/.deps-WAVES
	@mkdir -p $(FST_FUZZ_CORPUS) $(BUILD)/fuzz/fst-seed
	for p in 4 F Z; do vcd2fst -$$p tests/wave/hand.vcd $(FST_FUZZ_CORPUS)/hand-$$p.fst >/dev/null; done
	iverilog -g2005 -DWAVE_FST -o $(BUILD)/fuzz/fst-seed/bench.vvp tests/wave/bench.v
	cd $(BUILD)/fuzz/fst-seed && vvp -n bench.vvp -fst >/dev/null
	cp $(BUILD)/fuzz/fst-seed/bench.fst $(FST_FUZZ_CORPUS)/icarus-bench.fst
	@touch $@
TEST_PREREQS += $(BUILD)/fuzz/.fst-corpus-seeded
