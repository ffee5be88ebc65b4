#!/usr/bin/env bash
# scripts/docs_options.sh LOGQ BLOCK PAGE [--check]: replace the lines between
#   <!-- BEGIN logq gen BLOCK --help-markdown --> and <!-- END logq gen BLOCK --help-markdown -->
# of PAGE with `LOGQ gen BLOCK --help-markdown`; with --check, only report (exit 1)
# when they differ. Used by `make docs-options` and tests/blocks.sh.
set -u
logq=$1 block=$2 page=$3 mode=${4:-}
begin="<!-- BEGIN logq gen $block --help-markdown -->"
end="<!-- END logq gen $block --help-markdown -->"
if ! grep -qxF -- "$begin" "$page" || ! grep -qxF -- "$end" "$page"; then
    echo "docs_options: $page has no '$begin' ... '$end' section" >&2
    exit 1
fi
new=$(mktemp)
trap 'rm -f "$new"' EXIT
{
    sed -n "1,/^$(printf '%s' "$begin" | sed 's/[][\.*^$/]/\\&/g')\$/p" "$page"
    "$logq" gen "$block" --help-markdown || exit 1
    sed -n "/^$(printf '%s' "$end" | sed 's/[][\.*^$/]/\\&/g')\$/,\$p" "$page"
} >"$new"
if [ "$mode" = --check ]; then
    if cmp -s "$new" "$page"; then exit 0; fi
    echo "docs_options: the options table of $page is not what 'logq gen $block --help-markdown' prints (make docs-options)" >&2
    diff "$page" "$new" | head -10 >&2
    exit 1
fi
cmp -s "$new" "$page" || cp "$new" "$page"
