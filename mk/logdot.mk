# The log-domain dot product (docs/logdot.md): `logq gen logdot`, cmodel/logdot.c,
# sim/verilator/logdot_tb.cpp, tests/logdot.sh (in `make test`; LOGQ_LONG=1 adds 64
# lanes, F = 10 and more vectors).
#   make logdot-cosim [LOGDOT_OPTS='...'] [LOGDOT_SEED=N]
#        generate, lint, check the table, co-simulate and run the Icarus bench of one
#        configuration (build/logdot-test/one/)
#   make logdot-study    the error of whole dot products against the exact value
#help logdot-cosim one logdot configuration: lint, table check, co-simulate (docs/logdot.md)
#help logdot-study the error of whole log-domain dot products (docs/logdot.md)
LOGDOT_OPTS ?= --lanes 16 --correction table --frac 8

TEST_PREREQS += $(BUILD)/liblogq.a
# tests/exp2_table.py checks the generated table with exact integers.
DEPS_TEST += python3

.PHONY: logdot-cosim logdot-study
logdot-cosim: $(LOGQ) $(BUILD)/liblogq.a | $(BUILD)/.deps-SIM
	@BUILD=$(BUILD) LOGQ=$(LOGQ) LOGDOT_ONE="$(LOGDOT_OPTS)" bash tests/logdot.sh

logdot-study: $(LOGQ)
	$(LOGQ) logacc-study --logdot
DOCS_OPTIONS_PAGES += logdot:docs/logdot.md
