#!/usr/bin/env bash
# The Python binding (docs/python.md): python/tests under pytest in the venv that
# `make python-venv` builds (numpy, pytest from PyPI; the package installed with
# pip install ./python), against build/liblogq.so and the C command line. One PASS or
# FAIL line per pytest test; a missing venv or library is a FAIL with its reason.
set -u
BUILD=${BUILD:-build}
LOGQ=${LOGQ:-$BUILD/logq}
case $LOGQ in /*) ;; *) LOGQ=$PWD/$LOGQ ;; esac
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
PY=$BUILD/pyvenv/bin/python
bad() { echo "FAIL: $1"; }
[ -x "$PY" ] || { bad "python: no venv at $BUILD/pyvenv (make python-venv; see $BUILD/pyvenv-install.log)"; exit 1; }
[ -f "$BUILD/liblogq.so" ] || { bad "python: $BUILD/liblogq.so not built (make $BUILD/liblogq.so)"; exit 1; }
export LOGQ LOGQ_LIB=$BUILD/liblogq.so SEED=${SEED:-1} PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# run from a scratch directory: the installed package, not the source tree, is tested
cd "$tmp" || exit 1
"$PY" -m pytest -v -p no:cacheprovider --rootdir "$root/python/tests" "$root/python/tests" \
    >"$tmp/pytest.log" 2>&1
rc=$?
grep -E ' (PASSED|FAILED|ERROR)' "$tmp/pytest.log" | sed -E 's/^.*::([^ ]+) (PASSED|FAILED|ERROR).*$/\2 \1/' |
    while read -r st name; do
        if [ "$st" = PASSED ]; then echo "PASS: python: $name"; else echo "FAIL: python: $name"; fi
    done
if [ $rc -ne 0 ]; then
    bad "python: pytest exit $rc (seed $SEED; rerun: SEED=$SEED tests/python.sh)"
    grep -E '^(E |FAILED|ERROR)' "$tmp/pytest.log" | head -20
fi
"$PY" -c 'import logq, sys; sys.exit(0 if "site-packages" in logq.__file__ else 1)' &&
    echo "PASS: python: the tested package is the one pip installed" ||
    bad "python: the package is not the installed one"
