#!/usr/bin/env bash
# Runs every Ferrolens test: formatting and lints, Rust unit and mock-runtime tests, JS unit
# tests, and end-to-end tests driving the real app in a real webview under Xvfb, plus the
# benchmark harness in quick mode. Installs what is missing first. Artifacts go to artifacts/.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export PATH="$HOME/.cargo/bin:$PATH"
mkdir -p artifacts

failed=()
step() {
  local name=$1
  shift
  echo
  echo "=== $name"
  if "$@"; then echo "=== $name: ok"; else echo "=== $name: FAILED"; failed+=("$name"); fi
}

step "cargo fmt" cargo fmt --all -- --check
step "cargo clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
step "cargo test" cargo test --workspace
step "eslint + prettier" npm run --silent lint
step "typescript" npm run --silent typecheck
step "js unit tests" npm run --silent test:js
step "build app" cargo build --features custom-protocol --quiet
if [ -x target/debug/ferrolens ]; then
  step "end-to-end (WebKitWebDriver via tauri-driver, Xvfb)" bash scripts/e2e.sh
  step "benchmark harness (quick mode)" bash scripts/bench.sh --quick --debug
fi

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "every step passed"
