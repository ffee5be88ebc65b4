#!/usr/bin/env bash
# Install the named Debian packages that are missing; idempotent, as root or via sudo.
# Usage: scripts/deps.sh PACKAGE...
#
# apt drops to its `_apt` sandbox user to fetch and verify package lists; in some
# containers that user cannot open /dev/null, and `apt-get update` fails with
# "apt-key: cannot create /dev/null: Permission denied" or "gpgv, gpgv2 or gpgv1
# required". When we run as root anyway, a failed apt command is retried once with
# `-o APT::Sandbox::User=root`. A failure that remains prints the end of apt's log
# and the command to retry by hand.
set -euo pipefail
find_missing() {
    missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
}
find_missing "$@"
[ ${#missing[@]} -eq 0 ] && exit 0
# make -j may run two of these at once: one installs at a time (apt holds dpkg's lock),
# and the second looks again once the first is done
exec 9>"${TMPDIR:-/tmp}/logq-deps.lock"
flock 9
find_missing "$@"
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
    root=1
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
    root=0
else
    echo "deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp "${TMPDIR:-/tmp}/logq-apt.XXXXXX")
sandbox=()

# apt_run ARGS...: one apt-get command, its output in $log; as root, a failure is
# retried without the _apt sandbox (and later commands keep that setting).
apt_run() {
    "${SUDO[@]}" apt-get "${sandbox[@]}" "$@" >"$log" 2>&1 && return 0
    if [ "$root" -eq 1 ] && [ ${#sandbox[@]} -eq 0 ]; then
        echo "deps: 'apt-get $*' failed; retrying without apt's _apt sandbox" >&2
        sandbox=(-o APT::Sandbox::User=root)
        "${SUDO[@]}" apt-get "${sandbox[@]}" "$@" >"$log" 2>&1 && return 0
    fi
    return 1
}

# give_up ARGS...: the end of apt's log and the command that failed, to retry by hand.
give_up() {
    echo "deps: 'apt-get $*' failed; the last lines of its log ($log):" >&2
    tail -20 "$log" | sed 's/^/    /' >&2
    echo "deps: to retry: ${SUDO[*]}${SUDO[*]:+ }apt-get ${sandbox[*]}${sandbox[*]:+ }$*" >&2
    exit 1
}

install=(install -y -q --no-install-recommends "${missing[@]}")
# A fresh machine has no package lists yet; refresh them once when an install fails.
if ! apt_run "${install[@]}"; then
    apt_run update -q || give_up update -q
    apt_run "${install[@]}" || give_up "${install[@]}"
fi
rm -f "$log"
