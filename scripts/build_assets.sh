#!/usr/bin/env bash
# Builds app/web/static/ (served at /assets) from the pinned npm packages and our own sources.
# Safe to run again and again: it reinstalls node_modules only when package-lock.json changed,
# and recompiles only when an input changed. `--force` rebuilds everything.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

force=0
if [[ "${1:-}" == "--force" ]]; then
  force=1
fi

web=app/web
static=$web/static
govuk=node_modules/govuk-frontend/dist/govuk

lock_sum=$(sha256sum package.json package-lock.json | sha256sum | cut -d' ' -f1)
lock_stamp=node_modules/.charter-lock.sha256
if [[ $force == 1 || ! -f $lock_stamp || "$(cat "$lock_stamp")" != "$lock_sum" ]]; then
  # --ignore-scripts: nothing we use needs an install script, and one (sass's optional file
  # watcher) would try to build native code.
  npm ci --no-audit --no-fund --ignore-scripts
  echo "$lock_sum" >"$lock_stamp"
fi

inputs_sum=$(
  {
    echo "$lock_sum"
    find "$web/scss" "$web/js" "$web/images" scripts/build_assets.sh -type f -print0 \
      | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -d' ' -f1
)
build_stamp=$static/.build.sha256
if [[ $force == 0 && -f $build_stamp && "$(cat "$build_stamp")" == "$inputs_sum" ]]; then
  echo "assets up to date in $static"
  exit 0
fi

# Build beside the old output, then swap, so a running server never sees a half-built folder.
work=$(mktemp -d "$web/.static-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -p "$work/images"

node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps \
  --load-path=node_modules "$web/scss/charter.scss" "$work/charter.css"
cp "$govuk/govuk-frontend.min.js" "$govuk/govuk-frontend.min.js.map" "$work/"
# GOV.UK's accessible autocomplete, for choosing one of many organisations (choose_organisation.js).
autocomplete=node_modules/accessible-autocomplete/dist
cp "$autocomplete/accessible-autocomplete.min.js" "$autocomplete/accessible-autocomplete.min.js.map" \
  "$autocomplete/accessible-autocomplete.min.css" "$work/"
cp "$web/js/"*.js "$work/"
# GOV.UK's own favicons show the crown, which Charter may not use: ours are in app/web/images.
cp "$web/images/"* "$work/images/"
echo "$inputs_sum" >"$work/.build.sha256"

rm -rf "$static.old"
if [[ -d $static ]]; then
  mv "$static" "$static.old"
fi
mv "$work" "$static"
rm -rf "$static.old"
trap - EXIT
echo "assets built in $static"
