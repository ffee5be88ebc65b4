# Python (issue 16, docs/python.md): liblogq.so is the model's library built shared
# (-fPIC), for the ctypes package python/ (pip install ./python). The tests' Python
# tools (numpy, pytest, cocotb) are installed from PyPI into a venv under build/, as
# FuseSoC is (mk/fpga.mk); a failed install leaves no venv and the tests FAIL.
#   make build/liblogq.so   the shared library
#   make python-venv        build/pyvenv with numpy, pytest, cocotb and the package
#help python-venv  build/pyvenv: numpy, pytest, cocotb and the logq package (docs/python.md)
#help sklearn-example a scikit-learn model through logq import and eval (docs/python.md)
PIC_OBJ := $(LIB_SRC:%.c=$(BUILD)/pic/obj/%.o)
PY_LIB := $(BUILD)/liblogq.so
PY_VENV := $(BUILD)/pyvenv
PY_STAMP := $(PY_VENV)/.logq-installed
# Debian's interpreter (python3-venv), not whatever python3 comes first on PATH.
PYTHON_SYS ?= /usr/bin/python3
PY_PINS := numpy==1.26.4 pytest==8.3.4 cocotb==1.9.2 wheel==0.45.1
# The tools' stamp names the pins: changing them reinstalls, editing this file does not.
PY_TOOLS := $(PY_VENV)/.tools-$(shell echo '$(PY_PINS)' | md5sum | cut -c1-12)
DEPS_PYTHON := python3 python3-venv
DEPS_TEST += $(DEPS_PYTHON)
TEST_PREREQS += $(PY_LIB) python-venv

$(BUILD)/pic/obj/%.o: %.c $(GEN_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -c $< -o $@

$(PY_LIB): $(PIC_OBJ)
	$(CC) -shared $^ -o $@ -lm

.PHONY: python-venv
python-venv: $(PY_STAMP)
deps: python-venv
# The tools first (one download, kept while the pins hold), then the package itself
# whenever its sources change (from a copy: setuptools writes build files beside them).
$(PY_TOOLS): | $(BUILD)/.deps-PYTHON
	@rm -rf $(PY_VENV)
	@echo "python: installing $(PY_PINS) into $(PY_VENV)"
	@$(PYTHON_SYS) -m venv $(PY_VENV) && \
	    $(PY_VENV)/bin/pip install -q --disable-pip-version-check $(PY_PINS) \
	        >$(BUILD)/pyvenv-install.log 2>&1 && touch $@ || \
	    { echo "python: install failed (see $(BUILD)/pyvenv-install.log)"; \
	      tail -5 $(BUILD)/pyvenv-install.log; rm -rf $(PY_VENV); }
$(PY_STAMP): $(PY_TOOLS) python/pyproject.toml $(wildcard python/logq/*.py)
	@test -f $(PY_TOOLS) || exit 0; \
	    rm -rf $(BUILD)/pysrc && cp -r python $(BUILD)/pysrc && \
	    $(PY_VENV)/bin/pip install -q --disable-pip-version-check --no-deps \
	        --no-build-isolation --force-reinstall $(BUILD)/pysrc >>$(BUILD)/pyvenv-install.log 2>&1 && \
	    touch $@ || { echo "python: pip install ./python failed (see $(BUILD)/pyvenv-install.log)"; \
	                  tail -5 $(BUILD)/pyvenv-install.log; }

# The example of docs/python.md: scikit-learn (Debian's python3-sklearn) trains an
# MLPClassifier on its wine data; NumPy exports it; logq imports and evaluates it,
# then eval --hw and gen net (shift-log2, 5 bits) on the same test wines, co-simulated
# in Verilator (sim/verilator/net_build.sh): the model's and the RTL's accuracy.
DEPS_EXAMPLE := python3-sklearn python3-numpy
DEPS_ALL += $(DEPS_EXAMPLE)
.PHONY: sklearn-example
WINE := $(BUILD)/wine
WINE_DATA := --inputs $(WINE)/Xtr.npy --labels $(WINE)/ytr.npy \
    --test-inputs $(WINE)/Xte.npy --test-labels $(WINE)/yte.npy
sklearn-example: $(LOGQ) | $(BUILD)/.deps-EXAMPLE $(BUILD)/.deps-SIM
	@mkdir -p $(WINE)
	$(PYTHON_SYS) python/examples/sklearn_wine.py $(WINE)
	$(LOGQ) import --npz $(WINE)/wine.npz --layout in-out -o $(WINE)/wine.txt
	$(LOGQ) eval --weights $(WINE)/wine.txt $(WINE_DATA) --check 54
	$(LOGQ) eval --weights $(WINE)/wine.txt $(WINE_DATA) --bits 5 --hw >$(WINE)/eval-hw.txt
	@grep '^| log2 | linear | integer (hw) |' $(WINE)/eval-hw.txt
	$(LOGQ) gen net --weights $(WINE)/wine.txt --fsr-from $(WINE)/eval-hw.txt $(WINE_DATA) \
	    --scheme shift-log2 --bits 5 --vectors 54 -o $(WINE)/net
	sim/verilator/net_build.sh $(WINE)/net $(WINE)/vl
	$(WINE)/vl/net_tb +vectors=$(WINE)/net +stall=30 +seed=1
