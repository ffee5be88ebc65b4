# logq gen mac: rtl/ regeneration, lint, co-simulation, demo (docs/mac.md).
#
#   make cosim [MODE=shift|loglog|mult] [LANES=16] [BASE=2|sqrt2] [BITS=5] [FSR=0]
#              [WSIGN=signed|unsigned] [ACT_BITS=8] [ACT_FSR=..] [ACT_SIGN=signed|unsigned]
#              [SQRT2_FRAC=8] [FRAC=F] [MAX_BEATS=1024] [PIPELINE=product,tree:2]
#              [BEATS=100000] [SEED=1] [STALL=30] [NOCHECK=1] [WAVES=1] [FAST=1]
#   make mac-rtl     regenerate rtl/ (the default configuration)
#   make mac-lint    lint rtl/ with Verilator -Wall and Icarus -Wall
#   make mac-demo    default configuration: generate, lint, a million beats co-simulated
#   make mac-bench   beats/s of the default configuration, model check on and off
# `make help` lines (Makefile: help):
#help cosim        co-simulate one MAC configuration (options as make variables: docs/mac.md)
#help mac-rtl      regenerate rtl/ (the default MAC)
#help mac-lint     lint rtl/ with Verilator -Wall and Icarus -Wall
#help mac-demo     the default MAC: generate, lint, a million beats co-simulated
#help mac-bench    beats/s of the default MAC, model check on and off

MODE ?= shift
LANES ?= 16
BASE ?= 2
BITS ?= 5
FSR ?= 0
WSIGN ?= signed
ACT_BITS ?=
ACT_FSR ?=
ACT_SIGN ?= signed
SQRT2_FRAC ?= 8
FRAC ?=
MAX_BEATS ?= 1024
PIPELINE ?= product,tree:2
BEATS ?= 100000
SEED ?= 1
STALL ?= 30
# WAVES=1 dumps an FST (TRACE=1 is the older spelling).
WAVES ?= $(TRACE)

MAC_OPTS = --mode $(MODE) --lanes $(LANES) --base $(BASE) --bits $(BITS) --fsr $(FSR) \
    --$(WSIGN) $(if $(ACT_BITS),--act-bits $(ACT_BITS)) $(if $(ACT_FSR),--act-fsr $(ACT_FSR)) \
    --act-$(ACT_SIGN) --sqrt2-frac $(SQRT2_FRAC) $(if $(FRAC),--frac $(FRAC)) \
    --max-beats $(MAX_BEATS) --pipeline $(PIPELINE)
MAC_TAG = $(MODE)-n$(LANES)-b$(BASE)-w$(BITS)f$(FSR)$(WSIGN)-a$(ACT_BITS)f$(ACT_FSR)$(ACT_SIGN)-p$(SQRT2_FRAC)-f$(FRAC)-k$(MAX_BEATS)-$(subst :,,$(subst $(comma),_,$(PIPELINE)))$(if $(WAVES),-trace)$(if $(FAST),-fast)
comma := ,
MAC_DIR = $(BUILD)/cosim/$(MAC_TAG)
MAC_TB_ARGS = +seed=$(SEED) +beats=$(BEATS) +stall=$(STALL) $(if $(NOCHECK),+nocheck) \
    $(if $(WAVES),+trace=$(MAC_DIR)/trace.fst)

.PHONY: cosim mac-rtl mac-lint mac-demo mac-bench

cosim: $(LOGQ) $(BUILD)/liblogq.a | $(BUILD)/.deps-SIM
	@mkdir -p $(MAC_DIR)
	$(LOGQ) gen mac $(MAC_OPTS) -o $(MAC_DIR)/rtl
	BUILD=$(BUILD) sim/verilator/mac_build.sh $(MAC_DIR)/rtl $(MAC_DIR)/sim $(if $(FAST),fast,check) $(if $(WAVES),trace)
	$(MAC_DIR)/sim/mac_tb $(MAC_TB_ARGS)
	@$(if $(WAVES),sed 's/logq_mac_tb\.dut\b/TOP.logq_mac/g' $(MAC_DIR)/rtl/logq_mac.gtkw >$(MAC_DIR)/trace.gtkw)
	@$(if $(WAVES),echo "waves: gtkwave $(MAC_DIR)/trace.fst $(MAC_DIR)/trace.gtkw")

# rtl/: the default configuration, exactly as the generator writes it today
# (tests/mac.sh checks it is up to date). Run from the top so the recorded
# command line is "logq gen mac -o rtl".
mac-rtl: $(LOGQ)
	$(LOGQ) gen mac -o rtl

mac-lint: | $(BUILD)/.deps-SIM
	verilator --lint-only -Wall rtl/logq_mac.v
	iverilog -g2005 -gstrict-expr-width -Wall -o /dev/null rtl/logq_mac.v
	@echo "mac-lint: rtl/ has no warnings under Verilator -Wall and Icarus -Wall"

MAC_DEMO := $(BUILD)/mac-demo

mac-demo: $(LOGQ) $(BUILD)/liblogq.a | $(BUILD)/.deps-SIM
	@mkdir -p $(MAC_DEMO)
	$(LOGQ) gen mac -o $(MAC_DEMO)/rtl
	verilator --lint-only -Wall $(MAC_DEMO)/rtl/logq_mac.v
	iverilog -g2005 -gstrict-expr-width -Wall -o /dev/null $(MAC_DEMO)/rtl/logq_mac.v
	@echo "mac-demo: lint clean (Verilator -Wall, Icarus -Wall)"
	BUILD=$(BUILD) sim/verilator/mac_build.sh $(MAC_DEMO)/rtl $(MAC_DEMO)/sim fast
	$(MAC_DEMO)/sim/mac_tb +seed=$(SEED) +beats=1000000 +stall=20 | tee $(MAC_DEMO)/cosim.log
	$(MAC_DEMO)/sim/mac_tb +seed=$(SEED) +beats=1000000 +stall=0 | tee $(MAC_DEMO)/bench-check.log
	$(MAC_DEMO)/sim/mac_tb +seed=$(SEED) +beats=1000000 +stall=0 +nocheck | tee $(MAC_DEMO)/bench-nocheck.log
	@on=$$(grep -o '[0-9]* beats/s' $(MAC_DEMO)/bench-check.log | cut -d' ' -f1); \
	off=$$(grep -o '[0-9]* beats/s' $(MAC_DEMO)/bench-nocheck.log | cut -d' ' -f1); \
	echo "mac-demo summary: 16-lane shift MAC (8-bit linear x 5-bit log2), lint clean,"; \
	echo "  1000000 beats with random stalls: $$(tail -1 $(MAC_DEMO)/cosim.log)"; \
	echo "  full rate: $$on beats/s with the model check, $$off beats/s without (ratio $$(awk "BEGIN{printf \"%.2f\", $$on/$$off}"))"

mac-bench: mac-demo
