# make bench: speed of the co-simulation, the C model and the generator, each figure a
# median [min..max] over runs, paired with its baseline in the same run (docs/bench.md).
#
#   make bench [BENCH_RUNS=5] [BENCH_SEED=1] [BENCH_QUICK=1] [BENCH_REBUILD=0|1]
# writes $(BUILD)/bench/bench.csv, bench.md and bench.log and prints the table (valgrind,
# when installed, adds instruction counts; SystemC rows need sim/systemc/). tests/bench.sh runs
# the quick mode (BENCH_QUICK=1: one run each, tiny counts, 1 and 4 lanes).
# `make help` lines (Makefile: help):
#help bench        speed ratios against baselines (docs/bench.md)

BENCH_MODEL := $(BUILD)/bench/bench_model
BENCH_MODEL_O0 := $(BUILD)/bench/bench_model_O0

# The C-model driver with the library's own flags (-O2), linked with liblogq.a.
$(BENCH_MODEL): tests/bench/bench_model.c $(BUILD)/liblogq.a $(wildcard cmodel/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< $(BUILD)/liblogq.a -o $@ $(LDLIBS)

# The same driver and library compiled -O0: what optimization is worth.
$(BENCH_MODEL_O0): tests/bench/bench_model.c $(LIB_SRC) $(wildcard cmodel/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -O0 $< $(LIB_SRC) -o $@ $(LDLIBS)

.PHONY: bench
bench: $(LOGQ) $(BUILD)/liblogq.a $(BENCH_MODEL) $(BENCH_MODEL_O0) | $(BUILD)/.deps-SIM
	@BUILD=$(BUILD) LOGQ=$(LOGQ) $(if $(BENCH_QUICK),BENCH_QUICK=$(BENCH_QUICK)) \
	    $(if $(BENCH_RUNS),BENCH_RUNS=$(BENCH_RUNS)) $(if $(BENCH_SEED),BENCH_SEED=$(BENCH_SEED)) \
	    $(if $(BENCH_REBUILD),BENCH_REBUILD=$(BENCH_REBUILD)) scripts/bench.sh

TEST_PREREQS += $(BENCH_MODEL) $(BENCH_MODEL_O0)
