# The log-domain accumulator (docs/logacc.md): `logq gen logacc`, cmodel/logacc.c,
# sim/verilator/logacc_tb.cpp, tests/logacc.sh (in `make test`; LOGQ_LONG=1 adds
# configurations and vectors).
#   make logacc-demo                      the error study and a default design
#   make logacc-cosim [LOGACC_OPTS='...'] [WAVES=1]
#                                         generate, lint and co-simulate one design;
#                                         WAVES=1: a traced model (its own obj-waves/)
#                                         dumps build/logacc-test/one/logacc.fst
# `make help` lines (Makefile: help):
#help logacc-demo  the accumulator's error study and a generated design (docs/logacc.md)
#help logacc-cosim generate, lint and co-simulate one accumulator (LOGACC_OPTS=...)
LOGACC_OPTS ?= --lanes 16 --correction table --base 2 --frac 8 --pipeline tree:2

TEST_PREREQS += $(BUILD)/liblogq.a

.PHONY: logacc-demo logacc-cosim
logacc-demo: $(LOGQ)
	$(LOGQ) logacc-study
	$(LOGQ) gen logacc $(LOGACC_OPTS) -o $(BUILD)/logacc-demo

logacc-cosim: $(LOGQ) $(BUILD)/liblogq.a | $(BUILD)/.deps-SIM
	@BUILD=$(BUILD) LOGQ=$(LOGQ) LOGACC_ONE="$(LOGACC_OPTS)" \
	    LOGACC_WAVES=$(WAVES) bash tests/logacc.sh
