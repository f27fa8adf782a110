#!/usr/bin/env bash
# Runs every Ferrolens check and test, as CI does (.ci/run):
#
#   bash scripts/test.sh
#
#   setup           scripts/setup.sh (Debian packages, tauri-driver, npm packages)
#   fmt             cargo fmt --all -- --check, and on each WebAssembly guest crate
#   clippy          cargo clippy --workspace --all-targets -- -D warnings, then again on the app
#                   with --features testing (the test builds' code), then on each guest crate
#                   for wasm32-wasip2
#   cargo-test      cargo test --workspace --no-fail-fast   (every test binary, even after a
#                   failure; the shipped feature set, so tests/shipped_build.rs checks that the
#                   app has no test code), then cargo test -p ferrolens --features testing
#                   --test shipped_build (the same checks find the test code in test builds)
#   lint            npm run lint
#   typecheck       npm run typecheck
#   js-test         npm run test:js
#   build           scripts/components.sh (the sample components, e.g. extensions/notes/main.wasm),
#                   then cargo build --features custom-protocol,testing   (debug app, frontend
#                   embedded, with the test extensions' main parts and --test-extensions-dir)
#   e2e             scripts/e2e.sh: node --test tests/e2e/, against the real app in WebKitGTK
#                   under Xvfb, through tauri-driver and WebKitWebDriver
#   bench-quick     scripts/bench.sh --quick: the benchmark harness on the release build (with
#                   the testing feature), a few iterations per case, checking that every case
#                   produced numbers (they are not for reading); its 60,000 concurrent invokes
#                   guard vendor/README.md's fix
#
# Every step runs even when an earlier one failed (e2e needs build); the summary at the end
# lists each step, and the exit status is non-zero when any failed. Logs and screenshots go to
# artifacts/ (artifacts/logs/*.log, artifacts/*.png).
#
# While developing, `bash scripts/test.sh e2e` (or any list of step names) runs only those steps
# after setup; without arguments, as in CI, every step runs.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$FERROLENS_ROOT"
ARTIFACTS="$FERROLENS_ROOT/artifacts"
LOGS="$ARTIFACTS/logs"
mkdir -p "$LOGS"

STEP_NAMES=()
STEP_RESULTS=()
STEP_TIMES=()
declare -A RESULT_OF=()

record() { # name result seconds
  STEP_NAMES+=("$1")
  STEP_RESULTS+=("$2")
  STEP_TIMES+=("$3")
  RESULT_OF[$1]="$2"
}

# run_step NAME COMMAND...: runs it with its output on the console and in artifacts/logs/NAME.log.
run_step() {
  local name="$1"
  shift
  local log="$LOGS/$name.log" start status
  printf '\n%s\n' "${_fl_bold}==> [$name] $*${_fl_reset}"
  start=$SECONDS
  set +e
  "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -eq 0 ]; then
    record "$name" pass $((SECONDS - start))
    printf '%s\n' "${_fl_green}==> [$name] passed${_fl_reset} ($((SECONDS - start)) s)"
  else
    record "$name" "fail (exit $status)" $((SECONDS - start))
    printf '%s\n' "${_fl_red}==> [$name] FAILED with exit status $status${_fl_reset} ($((SECONDS - start)) s, log: ${log#"$FERROLENS_ROOT/"})"
  fi
}

skip_step() { # name reason
  record "$1" "skipped: $2" 0
  printf '\n%s\n' "${_fl_yellow}==> [$1] skipped: $2${_fl_reset}"
}

summary() {
  local failed=0 passed=0 i
  printf '\n%s\n' "${_fl_bold}==> Summary of bash scripts/test.sh${_fl_reset}"
  for i in "${!STEP_NAMES[@]}"; do
    printf '  %-12s %-28s %5s s\n' "${STEP_NAMES[$i]}" "${STEP_RESULTS[$i]}" "${STEP_TIMES[$i]}"
    if [ "${STEP_RESULTS[$i]}" = pass ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  done
  printf '  total time %d s; logs in artifacts/logs/, screenshots in artifacts/\n' "$SECONDS"
  if [ "$failed" -eq 0 ]; then
    printf '%s\n' "${_fl_green}ALL STEPS PASSED${_fl_reset}"
  else
    printf '%s\n' "${_fl_red}SOME STEPS FAILED OR WERE SKIPPED${_fl_reset}"
  fi
  printf 'steps: %d passed, %d failed\n' "$passed" "$failed"
  [ "$failed" -eq 0 ]
}

SELECTED=("$@")
for step in "${SELECTED[@]}"; do
  case "$step" in
    fmt | clippy | cargo-test | lint | typecheck | js-test | build | e2e | bench-quick) ;;
    *) fl_die "test.sh: unknown step $step (steps: fmt clippy cargo-test lint typecheck js-test build e2e bench-quick)" ;;
  esac
done
wanted() {
  [ "${#SELECTED[@]}" -eq 0 ] && return 0
  local step
  for step in "${SELECTED[@]}"; do [ "$step" = "$1" ] && return 0; done
  return 1
}

fl_say "Ferrolens tests in $FERROLENS_ROOT ($(uname -sm), $(nproc) cores)"
# A clean run writes about 12 GB under target/ (debug and release builds, the wasm guests);
# a full disk shows up as a linker's bus error, so say it first.
free_gb=$(df -P -BG "$FERROLENS_ROOT" | awk 'NR == 2 { sub("G", "", $4); print $4 }')
if [ "${free_gb:-0}" -lt 15 ]; then
  fl_warn "only ${free_gb} GB free on $FERROLENS_ROOT's disk; a clean run needs about 12 GB"
fi
run_step setup bash scripts/setup.sh
if [ "${RESULT_OF[setup]}" != pass ]; then
  summary || true
  fl_die "set-up failed, so nothing else can run"
fi

# The WebAssembly guest crates, each a workspace of its own, built for wasm32-wasip2.
GUESTS=(src-tauri/guest tests/wasm/echo-component extensions/notes/main)
fmt_all() {
  cargo fmt --all -- --check || return
  for guest in "${GUESTS[@]}"; do
    cargo fmt --manifest-path "$guest/Cargo.toml" -- --check || return
  done
}
! wanted fmt || run_step fmt fmt_all
# The app a user runs has no `testing` feature; test builds do: both are linted and tested.
clippy_both() {
  cargo clippy --workspace --all-targets -- -D warnings &&
    cargo clippy -p ferrolens --all-targets --features testing -- -D warnings || return
  for guest in "${GUESTS[@]}"; do
    cargo clippy --manifest-path "$guest/Cargo.toml" --target wasm32-wasip2 \
      --target-dir "$FERROLENS_TARGET_DIR/wasm-guests" -- -D warnings || return
  done
}
cargo_test_both() {
  local status=0
  cargo test --workspace --no-fail-fast || status=$?
  cargo test -p ferrolens --features testing --no-fail-fast --test shipped_build || status=$?
  return "$status"
}
! wanted clippy || run_step clippy clippy_both
! wanted cargo-test || run_step cargo-test cargo_test_both
! wanted lint || run_step lint npm run lint
! wanted typecheck || run_step typecheck npm run typecheck
! wanted js-test || run_step js-test npm run test:js
build_app() {
  bash scripts/components.sh && cargo build --features custom-protocol,testing
}
! wanted build || run_step build build_app
# The e2e step needs the debug build (when this run built it, that it succeeded).
if [ "${RESULT_OF[build]:-pass}" = pass ]; then
  ! wanted e2e || run_step e2e bash scripts/e2e.sh
else
  ! wanted e2e || skip_step e2e "the build failed"
fi
# The release build, which the benchmark builds itself: the races it guards show only there.
! wanted bench-quick || run_step bench-quick bash scripts/bench.sh --quick

summary
