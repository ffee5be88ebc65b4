# Your own network and data (issue 16, docs/import.md): `logq import` reads NumPy
# files (.npy by gen/nn/npy.c, .npz through libzip), `logq eval`/`train` take your own
# inputs and labels, `logq export` writes quantized weights for $readmemh.
DEPS_BUILD += libzip-dev
# Only the program reads zip files: only it links libzip.
$(LOGQ) $(BUILD)/asan/logq: LDLIBS += -lzip
$(BUILD)/obj/gen/nn/npz.o $(BUILD)/asan/obj/gen/nn/npz.o: | $(BUILD)/.deps-BUILD
# tests/import.sh writes its NumPy files with python3-numpy.
DEPS_TEST += python3-numpy

# The unit test and the fuzz target of the .npy reader include its source.
$(BUILD)/tests/test_npy $(BUILD)/asan/tests/test_npy: gen/nn/npy.c gen/nn/npy.h
$(BUILD)/fuzz/fuzz_npy: gen/nn/npy.c gen/nn/npy.h
# Its corpus starts from small files numpy wrote (tests/import/seed-*.npy).
NPY_FUZZ_SEEDS := $(patsubst tests/import/%,$(BUILD)/fuzz/corpus-fuzz_npy/%,\
    $(wildcard tests/import/seed-*.npy))
$(BUILD)/fuzz/corpus-fuzz_npy/%: tests/import/%
	@mkdir -p $(dir $@)
	cp $< $@
TEST_PREREQS += $(NPY_FUZZ_SEEDS)
