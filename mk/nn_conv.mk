# Conv layers of the digits network (issue 15, docs/eval.md): the unit test includes
# the conv layer's source (tests/unit/test_conv.c); tests/nn_conv.sh trains and
# evaluates the conv network (quick in `make test`, the full table in `make test-long`).
$(BUILD)/tests/test_conv $(BUILD)/asan/tests/test_conv: gen/nn/conv.c gen/nn/nn.h
LONG_TEST_SCRIPTS += tests/long/nn_conv_full.sh
