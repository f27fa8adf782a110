#!/usr/bin/env bash
# End-to-end tests: Xvfb, tauri-driver with WebKitWebDriver, node:test files in tests/e2e.
# Expects target/debug/ferrolens built with --features custom-protocol.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
mkdir -p artifacts
export WEBKIT_DISABLE_DMABUF_RENDERER=1

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

if [ -z "${DISPLAY:-}" ]; then
  display=":$((90 + RANDOM % 100))"
  Xvfb "$display" -screen 0 1280x900x24 -nolisten tcp >artifacts/xvfb.log 2>&1 &
  pids+=($!)
  export DISPLAY=$display
fi
driver=$(command -v WebKitWebDriver || echo /usr/bin/WebKitWebDriver)
tauri-driver --port 4444 --native-driver "$driver" >artifacts/tauri-driver.log 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  if (exec 3<>/dev/tcp/127.0.0.1/4444) 2>/dev/null; then break; fi
  sleep 0.1
done
node --test --test-concurrency=1 tests/e2e/
