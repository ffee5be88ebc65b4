# SLQ weights end to end (docs/slqdot.md): `logq gen slqdot`, sim/verilator/slqdot_tb.cpp,
# tests/slqdot.sh (in `make test`; LOGQ_LONG=1 adds 64 lanes and more vectors).
#   make slqdot-measure   the cycles-per-weight table of docs/slqdot.md: Gaussian
#                         weights, W = 5, L = 2 and 3, lanes 1, 4, 16, 64, queued (RTL)
#                         against lockstep (model)
#   make slqdot-synth     iCE40 LUTs of 16 lanes with queues of 1, 2, 4 and 8 entries
#help slqdot-measure cycles per weight, queued against lockstep (docs/slqdot.md)
#help slqdot-synth iCE40 LUTs of the activation queues (docs/slqdot.md)
TEST_PREREQS += $(BUILD)/liblogq.a

.PHONY: slqdot-measure slqdot-synth
slqdot-measure: $(LOGQ) $(BUILD)/liblogq.a | $(BUILD)/.deps-SIM
	@BUILD=$(BUILD) LOGQ=$(LOGQ) SLQDOT_MEASURE=1 bash tests/slqdot.sh

slqdot-synth: $(LOGQ)
	@for q in 1 2 4 8; do \
	    $(LOGQ) gen slqdot --lanes 16 --bits 5 --max-words 2 --queue $$q \
	        -o $(BUILD)/slqdot-synth/q$$q >/dev/null && \
	    scripts/synth.sh --families ice40 --devices none --label slqdot_q$$q \
	        $(BUILD)/slqdot-synth/q$$q slqdot || exit 1; \
	done
DOCS_OPTIONS_PAGES += slqdot:docs/slqdot.md
