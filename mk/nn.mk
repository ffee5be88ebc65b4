# The digits network (issue 9, docs/eval.md): `make data` fetches the UCI digits into
# build/data/ (scripts/fetch-digits.sh; never committed). The CSV is its own stamp: the
# script moves it into place only after its checksum matched. The tests depend on it.
# `make help` lines (Makefile: help):
#help data         fetch the digits data set (docs/eval.md)
#help nn-rtl       the RTL proof of the accuracy table (docs/eval.md)
DATA_DIR := $(BUILD)/data
DIGITS_CSV := $(DATA_DIR)/digits.csv
# Tools the fetch uses (apt-get, dpkg-deb, tar, gzip, sha256sum).
DEPS_DATA := apt dpkg tar gzip coreutils

.PHONY: data
data: $(DIGITS_CSV)

$(DIGITS_CSV): scripts/fetch-digits.sh | $(BUILD)/.deps-DATA
	scripts/fetch-digits.sh $(DATA_DIR)

TEST_PREREQS += data
DEPS_TEST += $(DEPS_DATA)

# The RTL proof (docs/eval.md, "RTL proof"): one layer's dot products of `logq eval`
# through the generated MAC under Verilator. Also part of `make test` (tests/nn_rtl.sh).
.PHONY: nn-rtl
nn-rtl: $(LOGQ) $(DIGITS_CSV)
	BUILD=$(BUILD) LOGQ=$(LOGQ) bash tests/nn_rtl.sh
