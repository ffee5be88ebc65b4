#!/usr/bin/env bash
# scripts/deps.sh on a simulated fresh machine: fake apt-get, dpkg-query and id
# (tests/deps/) on PATH, so nothing is installed for real. apt's _apt sandbox failure
# (as in a container where _apt cannot open /dev/null) is survived by retrying as
# root; an install that still fails prints apt's last lines and the command to retry;
# nothing missing runs no apt at all; without root or sudo it says so.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1"; }
here=$(cd "$(dirname "$0")" && pwd)
deps=$here/../scripts/deps.sh

# run MODE UID PACKAGE...: deps.sh with the fakes; its state in a fresh $tmp/MODE.
run() {
    local mode=$1 uid=$2; shift 2
    export FAKE_DIR=$tmp/$mode-$uid FAKE_MODE=$mode FAKE_UID=$uid
    rm -rf "$FAKE_DIR"; mkdir -p "$FAKE_DIR"
    PATH=$here/deps:/usr/bin:/bin TMPDIR=$FAKE_DIR "$deps" "$@" >"$FAKE_DIR/out" 2>&1
}

if run sandbox 0 alpha beta && [ "$(sort "$FAKE_DIR/installed" | tr '\n' ' ')" = "alpha beta " ] &&
   grep -q 'apt-get -o APT::Sandbox::User=root update' "$FAKE_DIR/calls"; then
    ok "deps: as root, apt's _apt sandbox failure is retried with APT::Sandbox::User=root"
else
    bad "deps: the _apt sandbox failure is not survived"; cat "$FAKE_DIR/out"
fi
if [ -z "$(ls "$FAKE_DIR" | grep logq-apt)" ]; then
    ok "deps: the apt log of a passing run is removed"
else
    bad "deps: apt logs left: $(ls "$FAKE_DIR" | grep logq-apt | tr '\n' ' ')"
fi

run nopkg 0 nosuchpkg; rc=$?
if [ "$rc" -ne 0 ] && grep -q 'E: Unable to locate package nosuchpkg' "$FAKE_DIR/out" &&
   grep -q "to retry: apt-get -o APT::Sandbox::User=root install -y -q --no-install-recommends nosuchpkg" "$FAKE_DIR/out" &&
   log=$(grep -o "its log ([^)]*)" "$FAKE_DIR/out" | head -1) && log=${log#its log (} && [ -s "${log%)}" ]; then
    ok "deps: a failing install exits $rc with apt's last lines, its kept log and the command to retry"
else
    bad "deps: a failing install (exit $rc) does not show apt's log and the retry command"; cat "$FAKE_DIR/out"
fi

export FAKE_DIR=$tmp/present FAKE_MODE=nopkg FAKE_UID=0
mkdir -p "$FAKE_DIR"; echo gamma >"$FAKE_DIR/installed"
if PATH=$here/deps:/usr/bin:/bin "$deps" gamma >"$FAKE_DIR/out" 2>&1 && [ ! -e "$FAKE_DIR/calls" ]; then
    ok "deps: nothing missing runs no apt-get"
else
    bad "deps: with everything installed, apt-get ran or deps failed"; cat "$FAKE_DIR/out"
fi

# Unprivileged, no sudo on PATH (the fakes and a PATH without sudo).
mkdir -p "$tmp/nosudo"; for c in bash dpkg-query id mktemp grep sed tail rm cat flock; do
    [ -e "$here/deps/$c" ] && ln -sf "$here/deps/$c" "$tmp/nosudo/$c" || ln -sf "$(command -v $c)" "$tmp/nosudo/$c"
done
export FAKE_DIR=$tmp/nosudo-state FAKE_MODE=sandbox FAKE_UID=1000
mkdir -p "$FAKE_DIR"
if ! PATH=$tmp/nosudo "$deps" delta >"$FAKE_DIR/out" 2>&1 && grep -q 'need root or sudo to install: delta' "$FAKE_DIR/out"; then
    ok "deps: without root or sudo it names what it cannot install"
else
    bad "deps: without root or sudo: $(cat "$FAKE_DIR/out")"
fi
