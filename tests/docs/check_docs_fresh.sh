#!/usr/bin/env bash
# Fails when docs/ differs from what the provider generates from its schemas
# (a description changed without `bash scripts/generate-docs.sh`).
set -euo pipefail
provider=$1
repo=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$provider" docs --out "$out" --examples "$repo/examples"
status=0
for d in index.md resources data-sources functions; do
  if [ -e "$out/$d" ] || [ -e "$repo/docs/$d" ]; then
    if ! diff -ru "$repo/docs/$d" "$out/$d"; then status=1; fi
  fi
done
if [ "$status" -ne 0 ]; then
  echo "docs/ is stale: run 'bash scripts/generate-docs.sh' and commit the result." >&2
else
  echo "docs/ matches the schemas ($(find "$out" -name '*.md' | wc -l) pages)"
fi
exit "$status"
