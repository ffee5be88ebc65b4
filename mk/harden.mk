# Robustness checks (issue 18): tests/constants.sh computes the RTL's inherited
# constants with bc, independently of the model.
DEPS_TEST += bc
