# Robustness checks (issue 18): tests/constants.sh computes the RTL's inherited
# constants with bc, independently of the model.
DEPS_TEST += bc
# tests/fst_bad.sh makes its FST files with GTKWave's vcd2fst.
DEPS_TEST += gtkwave
