# Long random regressions (tests/long/regress.sh, docs/bench.md): `make test-long` runs
# at least 10^8 checked beats of the default MAC and of one configuration of each other
# block family (logacc, slqdec, slqmac), seeded, in chunks that print their rerun command.
#   LONG_BEATS=N SEED=S LONG_ONLY="mac slqdec" make test-long
LONG_TEST_SCRIPTS += tests/long/regress.sh
