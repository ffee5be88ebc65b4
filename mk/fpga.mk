# FPGA flow (docs/fpga.md): synthesis and place-and-route reports, the shift-versus-
# multiplier comparison, and the checks of the packaging files.
#   make synth     the default MAC (or SYNTH_RTL=DIR [SYNTH_TOP=T]) on every family,
#                  nextpnr-ice40 on HX8K and UP5K, SYNTH_SEEDS seeds (default 5)
#   make compare   shift / loglog / mult arrays: build/reports/compare.{md,csv,png}
#                  (long; make -j2 compare runs two points at a time)
# `make help` lines (Makefile: help):
#help synth        synthesis and place-and-route reports (docs/fpga.md)
#help compare      shift vs loglog vs mult on FPGA (docs/fpga.md)
#help fusesoc      install FuseSoC into build/venv (checks the .core files)

DEPS_FPGA := yosys nextpnr-ice40 fpga-icestorm iverilog jq gnuplot-nox
DEPS_TEST += yosys nextpnr-ice40 jq python3-venv

# FuseSoC is a test tool (it checks the generated .core files), not part of logq:
# installed from PyPI into a venv under build/.
FUSESOC := $(BUILD)/venv/bin/fusesoc
FUSESOC_VERSION ?= 2.4.7
PACKAGE_DRIVER := $(BUILD)/tests/package_driver
TEST_PREREQS += $(PACKAGE_DRIVER) fusesoc

.PHONY: synth compare fusesoc
fusesoc: $(FUSESOC)
# A failed install leaves no fusesoc behind; tests/fpga.sh then reports a FAIL.
$(FUSESOC):
	@rm -rf $(BUILD)/venv
	@echo "fusesoc: installing fusesoc==$(FUSESOC_VERSION) into $(BUILD)/venv"
	@python3 -m venv $(BUILD)/venv && \
	    $(BUILD)/venv/bin/pip install -q --disable-pip-version-check \
	        fusesoc==$(FUSESOC_VERSION) >$(BUILD)/venv-install.log 2>&1 || \
	    { echo "fusesoc: install failed (see $(BUILD)/venv-install.log)"; \
	      tail -5 $(BUILD)/venv-install.log; rm -rf $(BUILD)/venv; }

$(PACKAGE_DRIVER): tests/fpga/package_driver.c gen/emit/package.h $(BUILD)/obj/gen/emit/package.o \
        $(BUILD)/obj/gen/emit/emit.o $(BUILD)/obj/gen/cli.o $(BUILD)/liblogq.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< $(BUILD)/obj/gen/emit/package.o $(BUILD)/obj/gen/emit/emit.o \
	    $(BUILD)/obj/gen/cli.o $(BUILD)/liblogq.a -o $@ $(LDLIBS)

SYNTH_SEEDS ?= 5
SYNTH_RTL ?=
SYNTH_TOP ?=
synth: $(LOGQ) | $(BUILD)/.deps-FPGA
ifeq ($(SYNTH_RTL),)
	@$(LOGQ) gen mac -o $(BUILD)/synth/default/rtl >/dev/null
	scripts/synth.sh --seeds $(SYNTH_SEEDS) --eqv 300 --label default \
	    --out $(BUILD)/synth/default $(BUILD)/synth/default/rtl
else
	scripts/synth.sh --seeds $(SYNTH_SEEDS) --out $(BUILD)/synth/$(notdir $(SYNTH_RTL)) \
	    $(SYNTH_RTL) $(SYNTH_TOP)
endif

COMPARE_MODES ?= shift loglog mult
COMPARE_LANES ?= 4 16 64
COMPARE_WIDTHS ?= 4 8 16
COMPARE_SEEDS ?= 3
COMPARE_FAMILIES ?= ice40,ice40-dsp,ecp5,xilinx
COMPARE_DEVICES ?= hx8k,up5k
COMPARE_DIR := $(BUILD)/compare
COMPARE_POINTS := $(foreach w,$(COMPARE_WIDTHS),$(foreach n,$(COMPARE_LANES),\
    $(foreach m,$(COMPARE_MODES),$(COMPARE_DIR)/$(m)-n$(n)-w$(w))))

compare: $(COMPARE_POINTS:%=%/pnr.csv) scripts/compare.sh
	@LOGQ=$(LOGQ) scripts/compare.sh report $(BUILD)/reports $(COMPARE_POINTS)

# One point: generate, synthesize on every family, place and route on both devices.
$(COMPARE_DIR)/%/pnr.csv: $(LOGQ) scripts/synth.sh scripts/fpga-wrap.sh | $(BUILD)/.deps-FPGA
	@LOGQ=$(LOGQ) COMPARE_SEEDS=$(COMPARE_SEEDS) COMPARE_FAMILIES=$(COMPARE_FAMILIES) \
	    COMPARE_DEVICES=$(COMPARE_DEVICES) scripts/compare.sh point $* $(COMPARE_DIR)/$*

LONG_TEST_SCRIPTS += tests/fpga/long.sh
