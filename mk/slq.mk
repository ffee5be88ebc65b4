# SLQ hardware: `logq gen slqdec` and `logq gen slqmac` co-simulation (docs/slq.md).
#
#   make slq-sim [SLQ_W=5] [SLQ_L=2] [SLQ_FRAMING=tag|special] [SLQ_SEED=1]
#        build and run the decoder bench for one configuration
#   make slq-mac-sim [SLQ_N=16] [SLQ_W=5] [SLQ_L=2] [SLQ_FRAMING=tag] [SLQ_SEED=1]
#        build and run the successive-MAC bench (plus the Gaussian measurement)
# Benches are built under $(BUILD)/slq/<name>/: $(BUILD)/slq/slqdec_w5_l2_tag/Vtb,
# $(BUILD)/slq/slqmac_n16_w5/Vtb. tests/slq_hw.sh runs a covering subset in `make test`
# and the whole W x L x framing x lanes grid in `make test-long`.

SLQ_W ?= 5
SLQ_L ?= 2
SLQ_FRAMING ?= tag
SLQ_N ?= 16
SLQ_SEED ?= 1

# Small, quick Verilator builds: -O1 everywhere, random initial values.
SLQ_VERILATOR = verilator --cc --exe --build -O1 -j 1 --x-assign unique --x-initial unique \
    --prefix Vdut -MAKEFLAGS "OPT_FAST=-O1 OPT_SLOW=-O1 OPT_GLOBAL=-O1"
# $(call slq_arg,PREFIX,STEM): the number after PREFIX in STEM (w5_l2_tag -> w: 5).
slq_arg = $(patsubst $(1)%,%,$(filter $(1)%,$(subst _, ,$(2))))

$(BUILD)/slq/slqdec_%/Vtb: sim/verilator/slqdec_tb.cpp $(LOGQ) $(BUILD)/liblogq.a | $(BUILD)/.deps-SIM
	@rm -rf $(@D) && mkdir -p $(@D)
	$(LOGQ) gen slqdec --bits $(call slq_arg,w,$*) --max-words $(call slq_arg,l,$*) \
	    --framing $(lastword $(subst _, ,$*)) -o $(@D)/rtl >/dev/null
	$(SLQ_VERILATOR) -Mdir $(@D)/obj \
	    -CFLAGS "-O1 -std=c++17 -I$(abspath cmodel) -include $(abspath $(@D)/rtl/slqdec_$*.h)" \
	    $(@D)/rtl/slqdec_$*.v $(abspath $<) $(abspath $(BUILD)/liblogq.a) -o $(abspath $@) \
	    >$(@D)/build.log 2>&1 || { tail -30 $(@D)/build.log; exit 1; }

$(BUILD)/slq/slqmac_%/Vtb: sim/verilator/slqmac_tb.cpp $(LOGQ) $(BUILD)/liblogq.a | $(BUILD)/.deps-SIM
	@rm -rf $(@D) && mkdir -p $(@D)
	$(LOGQ) gen slqmac --lanes $(call slq_arg,n,$*) --bits $(call slq_arg,w,$*) \
	    --name slqmac_$* -o $(@D)/rtl >/dev/null
	$(SLQ_VERILATOR) -Mdir $(@D)/obj \
	    -CFLAGS "-O1 -std=c++17 -I$(abspath cmodel) -include $(abspath $(@D)/rtl/slqmac_$*.h)" \
	    $(@D)/rtl/slqmac_$*.v $(abspath $<) $(abspath $(BUILD)/liblogq.a) -o $(abspath $@) \
	    >$(@D)/build.log 2>&1 || { tail -30 $(@D)/build.log; exit 1; }

.PHONY: slq-sim slq-mac-sim
slq-sim: $(BUILD)/slq/slqdec_w$(SLQ_W)_l$(SLQ_L)_$(SLQ_FRAMING)/Vtb
	$< --seed $(SLQ_SEED)
	$< --seed $(SLQ_SEED) --full

slq-mac-sim: $(BUILD)/slq/slqmac_n$(SLQ_N)_w$(SLQ_W)/Vtb
	$< --seed $(SLQ_SEED) --max-words $(SLQ_L) --framing $(SLQ_FRAMING)
	$< --seed $(SLQ_SEED) --max-words $(SLQ_L) --framing $(SLQ_FRAMING) --gauss 1 --fsr 2
