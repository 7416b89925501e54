#!/usr/bin/env bash
# Regenerates the registry pages under docs/ from the provider's schemas.
# Hand-written guides (docs/guides/) are left alone.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${DCS_BUILD_DIR:-$repo/build}
bash "$repo/scripts/build.sh" terraform-provider-dcs
for d in resources data-sources functions; do rm -rf "${repo:?}/docs/$d"; done
rm -f "$repo/docs/index.md"
"$build/bin/terraform-provider-dcs" docs --out "$repo/docs" --examples "$repo/examples"
echo "docs regenerated under $repo/docs"
