#!/usr/bin/env bash
# Benchmarks the extension IPC against raw Tauri in one run and writes artifacts/bench/
# results.json and results.md.
#
#   bash scripts/bench.sh [--quick] [--debug]
#
# --quick: a handful of iterations (scripts/test.sh uses it to keep the harness working; the
# numbers are not for reading), written to artifacts/bench-quick/; --debug: use the debug build
# (target/debug/ferrolens, built by the caller with the `testing` feature) instead of building a
# release one. Both have the `testing` feature: the benchmark extension's main part and the
# bench_* commands exist only in test builds.
# Without a display the app runs under xvfb-run.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$FERROLENS_ROOT"
quick=()
binary="$FERROLENS_TARGET_DIR/release/ferrolens"
out=artifacts/bench
for a in "$@"; do
  case "$a" in
    --quick) quick=(--quick) out=artifacts/bench-quick ;;
    --debug) binary="$FERROLENS_TARGET_DIR/debug/ferrolens" ;;
    *) fl_die "bench.sh: unknown option $a (options: --quick --debug)" ;;
  esac
done
if [ "$binary" = "$FERROLENS_TARGET_DIR/release/ferrolens" ]; then
  bash scripts/setup.sh
  cargo build --release --features custom-protocol,testing
fi
bash scripts/components.sh
[ -x "$binary" ] || fl_die "bench.sh: $binary is missing (build it first, or drop --debug)"
fl_require_testing_build "$binary" "cargo build --features custom-protocol,testing"

export WEBKIT_DISABLE_DMABUF_RENDERER=1
if fl_have_display; then
  exec node tests/bench/run.mjs --binary "$binary" --out "$out" "${quick[@]}"
fi
command -v xvfb-run >/dev/null 2>&1 || fl_die "bench.sh: no display and no xvfb-run (package xvfb)"
exec xvfb-run -a -s "-screen 0 1280x900x24" \
  node tests/bench/run.mjs --binary "$binary" --out "$out" "${quick[@]}"
