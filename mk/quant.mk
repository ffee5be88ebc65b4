# The hardware log quantizer (docs/quant.md): `logq gen quant`, cmodel/quanthw.c,
# sim/verilator/quant_tb.cpp, tests/quant.sh (in `make test`; LOGQ_LONG=1, i.e.
# `make test-long`, adds the 20-bit exhaustive sweep, 64 and 256 lanes, more beats).
#   make quant-cosim [QUANT_OPTS='...'] [QUANT_SEED=N]
#        generate, lint (Verilator, Icarus), co-simulate (exhaustive up to 20 input
#        bits) and run the Icarus bench of one configuration (build/quant-test/one/)
#   make quant-synth [QUANT_SYNTH_SEEDS=N]
#        iCE40 LUTs and fmax (HX8K) of 16 lanes of 8-, 12- and 16-bit inputs to
#        signed 5-bit logsqrt2 codes (docs/quant.md), reports under build/synth/quant_a*
QUANT_OPTS ?= --lanes 16 --in-bits 12 --scheme logsqrt2 --bits 6 --fsr 0
QUANT_SYNTH_SEEDS ?= 3

TEST_PREREQS += $(BUILD)/liblogq.a

.PHONY: quant-cosim quant-synth
quant-cosim: $(LOGQ) $(BUILD)/liblogq.a | $(BUILD)/.deps-SIM
	@BUILD=$(BUILD) LOGQ=$(LOGQ) QUANT_ONE="$(QUANT_OPTS)" bash tests/quant.sh

quant-synth: $(LOGQ)
	@for a in 8 12 16; do \
	    $(LOGQ) gen quant --lanes 16 --in-bits $$a --scheme logsqrt2 --bits 5 --fsr 0 \
	        --pipeline norm -o $(BUILD)/quant-synth/a$$a >/dev/null && \
	    scripts/synth.sh --families ice40 --devices hx8k --seeds $(QUANT_SYNTH_SEEDS) \
	        --label quant_a$$a $(BUILD)/quant-synth/a$$a quant || exit 1; \
	done
