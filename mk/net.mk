# `logq gen net` (issue 14, docs/net.md): the digits network as one accelerator.
#   make net-demo    generate the shift-log2 and int8 networks, co-simulate the 450
#                    test images in Verilator, print accuracy (model, RTL), cycles
#   make net-synth   every scheme for every --target (UP5K, HX8K, ECP5-25F): Yosys,
#                    nextpnr (3 seeds), the RTL's accuracy from Verilator: the table
#                    of docs/net.md (build/net-synth/net-synth.md; hours; cached per
#                    point, so an interrupted run resumes)
# tests/net.sh is in `make test` (two schemes, whole test set); LOGQ_LONG=1 adds the rest.
#help net-demo     the digits network as shift-log2 and int8 accelerators, co-simulated (docs/net.md)
#help net-synth    every gen net scheme on iCE40 UP5K, HX8K and ECP5-25F: the table of docs/net.md
# (mk/nn.mk, included after this file, defines DATA_DIR and DIGITS_CSV: spelled out.)
NET_DIR := $(BUILD)/net
NET_CSV := $(BUILD)/data/digits.csv
NET_WEIGHTS := $(BUILD)/data/digits-mlp.txt
NET_EVAL := $(NET_DIR)/eval-hw.txt

$(NET_WEIGHTS): $(LOGQ) $(NET_CSV)
	$(LOGQ) train --data $(NET_CSV) -o $@ >/dev/null

# The FSRs of every integer cell at 5 and 8 bits (the full sweep, about 20 s).
$(NET_EVAL): $(LOGQ) $(NET_WEIGHTS)
	@mkdir -p $(NET_DIR)
	$(LOGQ) eval --data $(NET_CSV) --weights $(NET_WEIGHTS) --bits 5,8 --hw >$@.tmp && mv $@.tmp $@

.PHONY: net-demo net-synth
net-demo: $(NET_EVAL) | $(BUILD)/.deps-SIM $(BUILD)/.deps-FPGA
	@BUILD=$(BUILD) LOGQ=$(LOGQ) scripts/net-demo.sh $(NET_WEIGHTS) $(NET_EVAL) $(NET_DIR)

net-synth: $(NET_EVAL) | $(BUILD)/.deps-FPGA $(BUILD)/.deps-SIM nextpnr-ecp5
	@BUILD=$(BUILD) LOGQ=$(LOGQ) nice scripts/net-synth.sh $(NET_WEIGHTS) $(NET_EVAL) $(BUILD)/net-synth
