#!/usr/bin/env bash
# Install the named Debian packages that are missing; idempotent, as root or via sudo.
# Usage: scripts/deps.sh PACKAGE...
set -euo pipefail
missing=()
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; refresh them once when an install fails.
if ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/logq-apt.log 2>&1; then
    "${SUDO[@]}" apt-get update -q >/tmp/logq-apt.log 2>&1 || { cat /tmp/logq-apt.log >&2; exit 1; }
    "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/logq-apt.log 2>&1 ||
        { tail -30 /tmp/logq-apt.log >&2; exit 1; }
fi
