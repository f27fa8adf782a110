# Shared by scripts/*.sh (sourced, not run): repository root, PATH, logging, privileges.
# shellcheck shell=bash

FERROLENS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export FERROLENS_ROOT

# cargo-installed tools (tauri-driver) live in $CARGO_HOME/bin, which a root shell or CI may
# not have on PATH.
FERROLENS_CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
  *":$FERROLENS_CARGO_BIN:"*) ;;
  *) export PATH="$FERROLENS_CARGO_BIN:$PATH" ;;
esac

# Where cargo puts binaries (honours CARGO_TARGET_DIR).
FERROLENS_TARGET_DIR="${CARGO_TARGET_DIR:-$FERROLENS_ROOT/target}"
case "$FERROLENS_TARGET_DIR" in
  /*) ;;
  *) FERROLENS_TARGET_DIR="$FERROLENS_ROOT/$FERROLENS_TARGET_DIR" ;;
esac
export FERROLENS_TARGET_DIR

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  _fl_bold=$'\e[1m' _fl_red=$'\e[31m' _fl_green=$'\e[32m' _fl_yellow=$'\e[33m' _fl_reset=$'\e[0m'
else
  _fl_bold='' _fl_red='' _fl_green='' _fl_yellow='' _fl_reset=''
fi

fl_say() { printf '%s==> %s%s\n' "$_fl_bold" "$*" "$_fl_reset"; }
fl_warn() { printf '%swarning:%s %s\n' "$_fl_yellow" "$_fl_reset" "$*" >&2; }
fl_die() {
  printf '%serror:%s %s\n' "$_fl_red" "$_fl_reset" "$*" >&2
  exit 1
}

# Runs a command as root: directly when root, through sudo when it is there.
fl_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    fl_die "'$*' needs root, and sudo is not installed: run this script as root"
  fi
}

# True when a display server is reachable for a GUI program.
fl_have_display() {
  [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]
}

# Stops with a clear error unless BINARY was built with the `testing` feature, which the
# end-to-end tests and the benchmark need (their extensions' main parts, --test-extensions-dir).
fl_require_testing_build() { # binary build-command
  "$1" --help 2>/dev/null | grep -q -- --test-extensions-dir ||
    fl_die "$1 was built without the testing feature (the app a user runs): build it with $2"
}
