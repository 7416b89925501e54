#!/usr/bin/env bash
# Tests tests/docs/check_docs_fresh.sh itself: on a copy of docs/ and
# examples/ it passes; after a schema description in a generated page no
# longer matches what the provider generates (as when a description changes
# in the code without `scripts/generate-docs.sh`), it fails and says so; and
# hand-written guides are not part of the comparison.
set -euo pipefail
provider=$1
repo=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$repo/docs" "$repo/examples" "$tmp/"

bash "$here/check_docs_fresh.sh" "$provider" "$tmp" >"$tmp/ok.log" 2>&1 ||
  { cat "$tmp/ok.log"; echo "FAIL: the checker rejects docs/ as committed" >&2; exit 1; }

# A guide that the generator knows nothing about must not matter.
mkdir -p "$tmp/docs/guides"
echo "# a hand-written guide" >"$tmp/docs/guides/extra.md"
bash "$here/check_docs_fresh.sh" "$provider" "$tmp" >"$tmp/guide.log" 2>&1 ||
  { cat "$tmp/guide.log"; echo "FAIL: a hand-written guide made the docs stale" >&2; exit 1; }

# Change the first attribute description of the cluster page.
page=$tmp/docs/resources/cluster.md
line=$(grep -n -m 1 '^- `[a-z_]*` (' "$page" | cut -d: -f1)  # -m 1, not head: no SIGPIPE under pipefail
[ -n "$line" ] || { echo "FAIL: no attribute line in $page" >&2; exit 1; }
sed -i "${line}s/\$/ An edited description./" "$page"
if bash "$here/check_docs_fresh.sh" "$provider" "$tmp" >"$tmp/stale.log" 2>&1; then
  cat "$tmp/stale.log"; echo "FAIL: an edited description was not detected" >&2; exit 1
fi
grep -q "docs/ is stale" "$tmp/stale.log" || { cat "$tmp/stale.log"; echo "FAIL: no 'stale' message" >&2; exit 1; }
grep -q "An edited description" "$tmp/stale.log" || { echo "FAIL: the diff does not show the change" >&2; exit 1; }

# A page missing from docs/ is stale too.
rm "$tmp/docs/resources/cluster.md"
if bash "$here/check_docs_fresh.sh" "$provider" "$tmp" >/dev/null 2>&1; then
  echo "FAIL: a missing page was not detected" >&2; exit 1
fi
echo "check_docs_fresh.sh passes fresh docs, ignores guides, and fails on an edited description and a missing page"
