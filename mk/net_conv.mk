# `logq gen net` with a conv layer (issue 15, docs/net.md "Conv layers").
# tests/net_conv.sh (in make test: shift-log2 and int8 on the whole test set; LOGQ_LONG=1
# adds shift-logsqrt2 and other foldings) runs the unit test built here, which links
# the generator's objects (gen/nn/hw.c and what it uses) without main. FST_OBJ
# (mk/waves.mk, read later) only in the recipes; $(LOGQ) has built them.
NETCONV_TEST := $(BUILD)/tests/netconv/test_hwconv
NETCONV_TEST_ASAN := $(BUILD)/asan/tests/netconv/test_hwconv
NETCONV_OBJ := $(filter-out %/gen/main.o,$(GEN_OBJ))
NETCONV_OBJ_ASAN := $(filter-out %/gen/main.o,$(ASAN_GEN_OBJ))

$(NETCONV_TEST): tests/netconv/test_hwconv.c tests/unit/check.h $(NETCONV_OBJ) $(LOGQ) $(BUILD)/liblogq.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< $(NETCONV_OBJ) $(FST_OBJ) $(BUILD)/liblogq.a -o $@ $(LDLIBS)

$(NETCONV_TEST_ASAN): tests/netconv/test_hwconv.c tests/unit/check.h $(NETCONV_OBJ_ASAN) $(BUILD)/asan/logq $(BUILD)/asan/liblogq.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -O1 $(SANFLAGS) $< $(NETCONV_OBJ_ASAN) $(FST_OBJ) $(BUILD)/asan/liblogq.a -o $@ $(LDLIBS)

# the libraries of logq (mk/import.mk: npz)
$(NETCONV_TEST) $(NETCONV_TEST_ASAN): LDLIBS += -lzip

TEST_PREREQS += $(NETCONV_TEST) $(NETCONV_TEST_ASAN)

# The FPGA rows of the conv network in docs/net.md: scripts/net-synth.sh on the
# digits conv network (logq train --arch conv) with eval --quick's FSRs.
#help net-conv-synth  the conv digits network on ECP5-25F and iCE40 HX8K (docs/net.md, "Conv layers")
NETCONV_DIR := $(BUILD)/netconv
NETCONV_WEIGHTS := $(NETCONV_DIR)/digits-conv.txt
NETCONV_EVAL := $(NETCONV_DIR)/eval-hw.txt
NET_CONV_SYNTH_FOLD ?= --simd 9,8,8 --pe 1
NET_CONV_SYNTH_SCHEMES ?= shift-log2:5 shift-logsqrt2:5 linear:8
NET_CONV_SYNTH_SEEDS ?= 3
NET_CONV_SYNTH_TARGETS ?= ecp5-25k ice40-hx8k
NET_CONV_SYNTH_PNR_FLAGS ?=

$(NETCONV_WEIGHTS): $(LOGQ) $(BUILD)/data/digits.csv
	@mkdir -p $(NETCONV_DIR)
	$(LOGQ) train --arch conv --data $(BUILD)/data/digits.csv -o $@ >/dev/null

$(NETCONV_EVAL): $(LOGQ) $(NETCONV_WEIGHTS)
	$(LOGQ) eval --data $(BUILD)/data/digits.csv --weights $(NETCONV_WEIGHTS) --quick --bits 5,8 --hw >$@.tmp && mv $@.tmp $@

.PHONY: net-conv-synth
net-conv-synth: $(NETCONV_EVAL) | $(BUILD)/.deps-FPGA $(BUILD)/.deps-SIM nextpnr-ecp5
	@BUILD=$(BUILD) LOGQ=$(LOGQ) NET_SYNTH_FOLD="$(NET_CONV_SYNTH_FOLD)" \
	    NET_SYNTH_SCHEMES="$(NET_CONV_SYNTH_SCHEMES)" NET_SYNTH_SEEDS=$(NET_CONV_SYNTH_SEEDS) \
	    NET_SYNTH_TARGETS="$(NET_CONV_SYNTH_TARGETS)" NET_SYNTH_PNR_FLAGS="$(NET_CONV_SYNTH_PNR_FLAGS)" \
	    scripts/net-synth.sh $(NETCONV_WEIGHTS) $(NETCONV_EVAL) $(NETCONV_DIR)/synth
