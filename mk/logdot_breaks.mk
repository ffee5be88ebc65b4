# make test-long: the logdot model's planted breakages, each caught by
# tests/unit/test_logdot_fast.c (tests/long/logdot_breaks.sh; docs/bench.md).
LONG_TEST_SCRIPTS += tests/long/logdot_breaks.sh
