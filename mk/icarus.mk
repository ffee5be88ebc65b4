# Cross-simulation (docs/xsim.md): the self-checking Verilog-2005 benches of
# `logq vectors` under Icarus, the same bench under Verilator, dump comparison.
#
#   make icarus [WAVES=1] [SEED=1]   every block's bench under Icarus (a grid of mac,
#                                    logacc, slqdec and slqmac configurations);
#                                    WAVES=1 writes a VCD per run
#   make xsim [SEED=1]               one configuration of each block under Icarus and
#                                    Verilator (random reset), dumps compared
# `make help` lines (Makefile: help):
#help icarus       every block's self-checking bench under Icarus (docs/xsim.md)
#help xsim         one configuration of each block under Icarus and Verilator, dumps compared

ICARUS_DIR := $(BUILD)/icarus
XSIM_DIR := $(BUILD)/xsim

.PHONY: icarus xsim

icarus: $(LOGQ) | $(BUILD)/.deps-SIM
	LOGQ=$(LOGQ) WAVES=$(WAVES) sim/icarus/all.sh $(ICARUS_DIR) grid $(SEED)

xsim: $(LOGQ) | $(BUILD)/.deps-SIM
	BUILD=$(BUILD) LOGQ=$(LOGQ) bash tests/xsim.sh
