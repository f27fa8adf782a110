#!/usr/bin/env bash
# Builds Ferrolens (release, frontend embedded) and the sample extensions' WebAssembly main parts,
# and launches it with the sample extensions.
#
#   bash scripts/run.sh [--headless] [APP OPTIONS...]
#
# APP OPTIONS go to the app, e.g. --devtools, --extensions-dir DIR, --help.
# Needs a display (DISPLAY or WAYLAND_DISPLAY). Without one it stops with an error, unless
# --headless is given: then the app runs under a virtual X display (xvfb-run), with no visible
# window, until interrupted (Ctrl+C); its log shows the extensions it activated.
# Set-up (Debian packages, tauri-driver, npm packages) runs first: see scripts/setup.sh.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

headless=0
app_args=()
for arg in "$@"; do
  case "$arg" in
    --headless) headless=1 ;;
    *) app_args+=("$arg") ;;
  esac
done

# Decide about the display before a long build.
if ! fl_have_display; then
  if [ "$headless" = 1 ]; then
    fl_warn "there is no display (DISPLAY and WAYLAND_DISPLAY are unset): running under a virtual X display (xvfb-run), no window will be visible"
  else
    fl_die "there is no display (DISPLAY and WAYLAND_DISPLAY are unset), so the Ferrolens window cannot open.
  Run it from a desktop session, or pass --headless to run it under a virtual X display
  (xvfb-run) with no visible window: bash scripts/run.sh --headless"
  fi
fi

cd "$FERROLENS_ROOT"
bash scripts/setup.sh

# The sample extensions' WebAssembly main parts (notes), then the app.
bash scripts/components.sh
fl_say "building Ferrolens (release)"
# The product: without the `testing` feature, so no test or benchmark code (scripts/test.sh and
# scripts/bench.sh build with it).
cargo build --release --features custom-protocol

binary="$FERROLENS_TARGET_DIR/release/ferrolens"
[ -x "$binary" ] || fl_die "the build did not produce $binary"

# WebKitGTK's DMA-BUF renderer fails on virtual displays and some GPU drivers.
export WEBKIT_DISABLE_DMABUF_RENDERER=1
export RUST_LOG="${RUST_LOG:-info}"

if fl_have_display; then
  fl_say "launching $binary ${app_args[*]}"
  exec "$binary" "${app_args[@]}"
else
  command -v xvfb-run >/dev/null 2>&1 || fl_die "xvfb-run is not installed (package xvfb)"
  fl_say "launching $binary ${app_args[*]} under xvfb-run (Ctrl+C to stop)"
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$binary" "${app_args[@]}"
fi
