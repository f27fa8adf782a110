#!/usr/bin/env bash
# Benchmarks the extension IPC against raw Tauri in one run and writes artifacts/bench/
# results.json and results.md. --quick: a handful of iterations (the test command uses it to
# keep the harness working); --debug: use the debug build instead of building release.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
quick=()
binary=target/release/ferrolens
out=artifacts/bench
for a in "$@"; do
  case "$a" in
    --quick) quick=(--quick); out=artifacts/bench-quick ;;
    --debug) binary=target/debug/ferrolens ;;
    *) echo "bench: unknown option $a" >&2; exit 2 ;;
  esac
done
if [ "$binary" = target/release/ferrolens ]; then
  bash scripts/setup.sh
  cargo build --release --features custom-protocol
fi
export WEBKIT_DISABLE_DMABUF_RENDERER=1
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x900x24" node tests/bench/run.mjs --binary "$binary" --out "$out" "${quick[@]}"
fi
exec node tests/bench/run.mjs --binary "$binary" --out "$out" "${quick[@]}"
