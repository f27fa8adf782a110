#!/usr/bin/env bash
# End-to-end tests: the real app in WebKitGTK, driven through tauri-driver and WebKitWebDriver.
#
#   bash scripts/e2e.sh [NODE TEST FILES...]     # default: tests/e2e/
#
# Expects target/debug/ferrolens built with `cargo build --features custom-protocol,testing`
# (scripts/test.sh builds it first; the `testing` feature adds the probe's main part and
# --test-extensions-dir) and the tools from scripts/setup.sh. Starts a private Xvfb display
# (always, so a desktop session is left alone) and tauri-driver on port 4444 (or the next free
# pair of ports), runs `node --test` on tests/e2e/, and always stops both, with the app they
# launched. Logs go to artifacts/logs/ (the app's own output is in tauri-driver.log);
# screenshots to artifacts/*.png.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$FERROLENS_ROOT"
ARTIFACTS="$FERROLENS_ROOT/artifacts"
LOGS="$ARTIFACTS/logs"
mkdir -p "$LOGS"
tests=("$@")
[ "${#tests[@]}" -gt 0 ] || tests=(tests/e2e/)

app="$FERROLENS_TARGET_DIR/debug/ferrolens"
build="cargo build --features custom-protocol,testing"
[ -x "$app" ] || fl_die "e2e: $app is missing: build it with $build"
fl_require_testing_build "$app" "$build"

webkit_driver="$(dpkg -L webkit2gtk-driver 2>/dev/null | grep -m1 '/WebKitWebDriver$' || true)"
[ -n "$webkit_driver" ] || webkit_driver="$(command -v WebKitWebDriver || true)"
[ -n "$webkit_driver" ] && [ -x "$webkit_driver" ] ||
  fl_die "e2e: WebKitWebDriver not found (package webkit2gtk-driver; run scripts/setup.sh)"
command -v tauri-driver >/dev/null || fl_die "e2e: tauri-driver is not on PATH (run scripts/setup.sh)"
command -v Xvfb >/dev/null || fl_die "e2e: Xvfb not found (package xvfb; run scripts/setup.sh)"
command -v node >/dev/null || fl_die "e2e: node not found (run scripts/setup.sh)"

xvfb_pid="" driver_pid="" app_home=""
cleanup() {
  # tauri-driver runs in its own process group, with WebKitWebDriver and the app it launched.
  if [ -n "$driver_pid" ] && kill -0 "$driver_pid" 2>/dev/null; then
    kill -TERM -- "-$driver_pid" 2>/dev/null || kill -TERM "$driver_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$driver_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$driver_pid" 2>/dev/null || true
  fi
  if [ -n "$xvfb_pid" ] && kill -0 "$xvfb_pid" 2>/dev/null; then
    kill -TERM "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
  fi
  if [ -n "$app_home" ]; then rm -rf "$app_home"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A virtual display. -displayfd picks a free display number and writes it once the server
# accepts connections.
display_file="$LOGS/xvfb.display"
: >"$display_file"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$display_file" >"$LOGS/xvfb.log" 2>&1 &
xvfb_pid=$!
display=""
for _ in $(seq 1 150); do
  display="$(tr -dc 0-9 <"$display_file")"
  [ -z "$display" ] || break
  if ! kill -0 "$xvfb_pid" 2>/dev/null; then
    cat "$LOGS/xvfb.log" >&2
    fl_die "e2e: Xvfb exited (log above, also in artifacts/logs/xvfb.log)"
  fi
  sleep 0.1
done
[ -n "$display" ] || fl_die "e2e: Xvfb did not start within 15 s (artifacts/logs/xvfb.log)"
echo "e2e: Xvfb on display :$display (pid $xvfb_pid)"

# tauri-driver on 4444 (WebKitWebDriver on 4445), or the next free pair.
port=4444
while port_in_use "$port" || port_in_use $((port + 1)); do
  port=$((port + 2))
  [ "$port" -lt 4544 ] || fl_die "e2e: no free pair of ports between 4444 and 4544"
done
native_port=$((port + 1))

# The app's settings and data folders, fresh for this run: a developer's own settings (an
# extension they disabled) must not leak into the tests.
app_home="$(mktemp -d "${TMPDIR:-/tmp}/ferrolens-e2e.XXXXXX")"
mkdir -p "$app_home/config" "$app_home/data" "$app_home/cache"

DISPLAY=":$display" WAYLAND_DISPLAY="" XDG_CONFIG_HOME="$app_home/config" \
  XDG_DATA_HOME="$app_home/data" XDG_CACHE_HOME="$app_home/cache" \
  WEBKIT_DISABLE_DMABUF_RENDERER=1 RUST_LOG="${RUST_LOG:-info}" \
  setsid tauri-driver --port "$port" --native-port "$native_port" --native-driver "$webkit_driver" \
  </dev/null >"$LOGS/tauri-driver.log" 2>&1 &
driver_pid=$!
for _ in $(seq 1 300); do
  if port_in_use "$port"; then break; fi
  if ! kill -0 "$driver_pid" 2>/dev/null; then
    cat "$LOGS/tauri-driver.log" >&2
    fl_die "e2e: tauri-driver exited (log above, also in artifacts/logs/tauri-driver.log)"
  fi
  sleep 0.1
done
port_in_use "$port" || fl_die "e2e: tauri-driver is not listening on port $port after 30 s"
echo "e2e: tauri-driver on port $port (pid $driver_pid), native driver $webkit_driver on port $native_port"
echo "e2e: the app's own output goes to artifacts/logs/tauri-driver.log"

status=0
FERROLENS_APP="$app" FERROLENS_WEBDRIVER_URL="http://127.0.0.1:$port/" FERROLENS_ARTIFACTS="$ARTIFACTS" \
  node --test --test-concurrency=1 "${tests[@]}" || status=$?
if [ "$status" -ne 0 ]; then
  echo "e2e: failed; the last lines of artifacts/logs/tauri-driver.log:" >&2
  tail -n 40 "$LOGS/tauri-driver.log" >&2 || true
fi
exit "$status"
