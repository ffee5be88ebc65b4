# SLQ hardware: `logq gen slqdec` and `logq gen slqmac` co-simulation (docs/slq.md).
#
#   make slq-sim [SLQ_W=5] [SLQ_L=2] [SLQ_FRAMING=tag|special] [SLQ_SEED=1] [WAVES=1]
#        build and run the decoder bench for one configuration
#   make slq-mac-sim [SLQ_N=16] [SLQ_W=5] [SLQ_L=2] [SLQ_FRAMING=tag] [SLQ_SEED=1] [WAVES=1]
#        build and run the successive-MAC bench (plus the Gaussian measurement)
# Benches are built under $(BUILD)/slq/<name>/: $(BUILD)/slq/slqdec_w5_l2_tag/Vtb,
# $(BUILD)/slq/slqmac_n16_w5/Vtb. tests/slq_hw.sh runs a covering subset in `make test`
# and the whole W x L x framing x lanes grid in `make test-long`.
# WAVES=1: the traced bench (--trace-fst) is built apart, under $(BUILD)/slq-waves/<name>/
# (the untraced one stays cached); each run dumps <that dir>/<run>.fst, and
# <that dir>/waves.gtkw is the generated NAME.gtkw with its scope renamed for Verilator.
# `make help` lines (Makefile: help):
#help slq-sim      build and run the SLQ decoder bench for one configuration (docs/slq.md)
#help slq-mac-sim  build and run the successive shift-MAC bench (docs/slq.md)

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

# $(call slqdec_recipe,EXTRA_VERILATOR_OPTIONS), $(call slqmac_recipe,...): the bench
# builds; the traced ones (--trace-fst) also write waves.gtkw (Verilator's scope is
# TOP.NAME where the generated view names the Icarus bench's NAME_tb.dut).
define slqdec_recipe
@rm -rf $(@D) && mkdir -p $(@D)
$(LOGQ) gen slqdec --bits $(call slq_arg,w,$*) --max-words $(call slq_arg,l,$*) \
    --framing $(lastword $(subst _, ,$*)) -o $(@D)/rtl >/dev/null
$(SLQ_VERILATOR) $(1) -Mdir $(@D)/obj \
    -CFLAGS "-O1 -std=c++17 -I$(abspath cmodel) -include $(abspath $(@D)/rtl/slqdec_$*.h)" \
    $(@D)/rtl/slqdec_$*.v $(abspath $<) $(abspath $(BUILD)/liblogq.a) -o $(abspath $@) \
    >$(@D)/build.log 2>&1 || { tail -30 $(@D)/build.log; exit 1; }
$(if $(1),sed 's/slqdec_$*_tb\.dut\b/TOP.slqdec_$*/g' $(@D)/rtl/slqdec_$*.gtkw >$(@D)/waves.gtkw)
endef
define slqmac_recipe
@rm -rf $(@D) && mkdir -p $(@D)
$(LOGQ) gen slqmac --lanes $(call slq_arg,n,$*) --bits $(call slq_arg,w,$*) \
    $(if $(call slq_arg,f,$*),--frac $(call slq_arg,f,$*)) --name slqmac_$* -o $(@D)/rtl >/dev/null
$(SLQ_VERILATOR) $(1) -Mdir $(@D)/obj \
    -CFLAGS "-O1 -std=c++17 -I$(abspath cmodel) -include $(abspath $(@D)/rtl/slqmac_$*.h)" \
    $(@D)/rtl/slqmac_$*.v $(abspath $<) $(abspath $(BUILD)/liblogq.a) -o $(abspath $@) \
    >$(@D)/build.log 2>&1 || { tail -30 $(@D)/build.log; exit 1; }
$(if $(1),sed 's/slqmac_$*_tb\.dut\b/TOP.slqmac_$*/g' $(@D)/rtl/slqmac_$*.gtkw >$(@D)/waves.gtkw)
endef

SLQ_TB_DEPS = sim/verilator/waves.h sim/verilator/faults.h sim/verilator/slq_stim.h $(LOGQ) $(BUILD)/liblogq.a | $(BUILD)/.deps-SIM
$(BUILD)/slq/slqdec_%/Vtb: sim/verilator/slqdec_tb.cpp $(SLQ_TB_DEPS)
	$(call slqdec_recipe,)
$(BUILD)/slq/slqmac_%/Vtb: sim/verilator/slqmac_tb.cpp $(SLQ_TB_DEPS)
	$(call slqmac_recipe,)
$(BUILD)/slq-waves/slqdec_%/Vtb: sim/verilator/slqdec_tb.cpp $(SLQ_TB_DEPS)
	$(call slqdec_recipe,--trace-fst)
$(BUILD)/slq-waves/slqmac_%/Vtb: sim/verilator/slqmac_tb.cpp $(SLQ_TB_DEPS)
	$(call slqmac_recipe,--trace-fst)

SLQ_TB_DIR = $(BUILD)/$(if $(WAVES),slq-waves,slq)
# $(call slq_waves,RUN): +trace=<bench dir>/RUN.fst with WAVES=1.
slq_waves = $(if $(WAVES),+trace=$(dir $<)$(1).fst)
slq_gtkw = $(if $(WAVES),@echo "waves: gtkwave $(dir $<)$(1).fst $(dir $<)waves.gtkw")

.PHONY: slq-sim slq-mac-sim
slq-sim: $(SLQ_TB_DIR)/slqdec_w$(SLQ_W)_l$(SLQ_L)_$(SLQ_FRAMING)/Vtb
	$< --seed $(SLQ_SEED) $(call slq_waves,random)
	$< --seed $(SLQ_SEED) --full $(call slq_waves,full)
	$(call slq_gtkw,random)
	$(call slq_gtkw,full)

slq-mac-sim: $(SLQ_TB_DIR)/slqmac_n$(SLQ_N)_w$(SLQ_W)/Vtb
	$< --seed $(SLQ_SEED) --max-words $(SLQ_L) --framing $(SLQ_FRAMING) $(call slq_waves,random)
	$< --seed $(SLQ_SEED) --max-words $(SLQ_L) --framing $(SLQ_FRAMING) --gauss 1 --fsr 2 \
	    $(call slq_waves,gauss)
	$(call slq_gtkw,random)
	$(call slq_gtkw,gauss)
