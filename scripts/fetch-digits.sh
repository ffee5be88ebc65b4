#!/usr/bin/env bash
# Fetch the UCI handwritten digits (1797 images of 8x8 pixels, 10 classes) from
# Debian's python3-sklearn package, without Python and without installing it:
# `apt-get download` the .deb, extract only sklearn/datasets/data/digits.csv.gz with
# `dpkg-deb --fsys-tarfile | tar -x`, decompress it and check its SHA-256.
# Usage: scripts/fetch-digits.sh [OUTDIR]   (default build/data) -> OUTDIR/digits.csv
# Each line of digits.csv: 64 pixel values 0..16 (row major), then the label 0..9.
set -euo pipefail
out=${1:-build/data}
pkg=python3-sklearn
# SHA-256 of the decompressed digits.csv (the .gz bytes depend on the compressor, the
# table does not). Checked against python3-sklearn 1.2.1+dfsg-1 (Debian bookworm).
want=6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8

mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "$out/fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi

cd "$tmp"
# apt-get download as root warns that the sandbox user cannot write here: harmless.
if ! apt-get download "$pkg" >apt.log 2>&1; then
    echo "fetch-digits: apt-get download $pkg failed; refreshing the package lists" >&2
    "${SUDO[@]}" apt-get update -q >>apt.log 2>&1 || { cat apt.log >&2; exit 1; }
    apt-get download "$pkg" >>apt.log 2>&1 || { cat apt.log >&2; exit 1; }
fi
deb=$(ls "$pkg"_*.deb)
member=$(dpkg-deb -c "$deb" | awk '{print $NF}' | grep '/sklearn/datasets/data/digits\.csv\.gz$' || true)
if [ -z "$member" ]; then
    echo "fetch-digits: $deb has no .../sklearn/datasets/data/digits.csv.gz" >&2
    exit 1
fi
dpkg-deb --fsys-tarfile "$deb" | tar -x "$member"
gzip -dc "$member" >digits.csv
got=$(sha256sum digits.csv | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
    echo "fetch-digits: checksum mismatch for digits.csv from $deb" >&2
    echo "  expected sha256 $want" >&2
    echo "  got      sha256 $got" >&2
    exit 1
fi
cd - >/dev/null
mv "$tmp/digits.csv" "$out/digits.csv"
echo "fetch-digits: $out/digits.csv ($(wc -l <"$out/digits.csv") images, sha256 $got, from $deb)"
