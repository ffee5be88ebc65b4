# SystemC harness of the MAC (docs/xsim.md): the Verilator --sc model in an sc_main
# with the C model as scoreboard.
#   make systemc [LANES=4] [SEED=1] [BEATS=100000] [WAVES=1]
# WAVES=1 builds a traced model apart (sim-waves/) and writes $(BUILD)/systemc/mac_sc.fst.
# `make help` lines (Makefile: help):
#help systemc      the SystemC harness (docs/xsim.md)

DEPS_TEST += libsystemc-dev
DEPS_SYSTEMC := libsystemc-dev verilator
SYSTEMC_DIR := $(BUILD)/systemc

.PHONY: systemc
systemc: $(LOGQ) $(BUILD)/liblogq.a | $(BUILD)/.deps-SYSTEMC
	$(LOGQ) gen mac --lanes $(or $(LANES),4) -o $(SYSTEMC_DIR)/rtl
	BUILD=$(BUILD) sim/systemc/build.sh $(SYSTEMC_DIR)/rtl $(SYSTEMC_DIR)/sim$(if $(WAVES),-waves trace)
	$(SYSTEMC_DIR)/sim$(if $(WAVES),-waves)/mac_sc +seed=$(or $(SEED),1) +beats=$(or $(BEATS),100000) \
	    $(if $(WAVES),+trace=$(SYSTEMC_DIR)/mac_sc.fst)
