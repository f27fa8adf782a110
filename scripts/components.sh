#!/usr/bin/env bash
# Builds the sample extensions' WebAssembly main parts: every extensions/<id>/main/ crate whose
# manifest names a component ("main": "<file>.wasm") is built for wasm32-wasip2 and copied to
# extensions/<id>/<file>.wasm, where Ferrolens loads it.
#
#   bash scripts/components.sh
#
# scripts/run.sh, scripts/test.sh and scripts/bench.sh run it; it needs the wasm32-wasip2
# target (scripts/setup.sh installs it).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$FERROLENS_ROOT"
target_dir="$FERROLENS_TARGET_DIR/wasm-guests"
for manifest in extensions/*/package.json; do
  dir="$(dirname "$manifest")"
  main="$(node -e 'const m = require(process.argv[1]); process.stdout.write(String(m.main ?? ""))' "$PWD/$manifest")"
  case "$main" in *.wasm) ;; *) continue ;; esac
  [ -f "$dir/main/Cargo.toml" ] || fl_die "$dir names the component $main but has no main/Cargo.toml to build it from"
  crate="$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$dir/main/Cargo.toml" | head -n1)"
  fl_say "building $dir/$main (crate $crate, wasm32-wasip2)"
  # The app's build settings are for the host, not for the guest.
  env -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS -u CARGO_BUILD_TARGET \
    cargo build --release --target wasm32-wasip2 --manifest-path "$dir/main/Cargo.toml" \
    --target-dir "$target_dir"
  built="$target_dir/wasm32-wasip2/release/${crate//-/_}.wasm"
  [ -f "$built" ] || fl_die "building $dir/main did not produce $built"
  # Replaced whole, so a running app never reads half a file.
  cp "$built" "$dir/$main.tmp"
  mv -f "$dir/$main.tmp" "$dir/$main"
done
