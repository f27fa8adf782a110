#!/usr/bin/env bash
# Installs what building, running and testing Ferrolens needs on a Debian/Ubuntu machine.
# Idempotent: each step checks first and does nothing when its part is already there.
#
#   bash scripts/setup.sh                  # as root, or a user with sudo
#   bash scripts/setup.sh --dry-run        # print what would be done, change nothing
#   bash scripts/setup.sh --dry-run --assume-missing
#                                          # print every install step, as on a bare machine
#
# Steps: Debian packages (apt-get update once, only when one is missing), the wasm32-wasip2
# target (rustup), tauri-driver (cargo install, into ~/.cargo/bin), the npm packages (npm ci,
# when node_modules is missing or older). Rust itself (cargo, rustc) must already be there.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DRY_RUN="${FERROLENS_SETUP_DRY_RUN:-0}"
ASSUME_MISSING=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY_RUN=1 ;;
    --assume-missing) ASSUME_MISSING=1 ;;
    -h | --help)
      sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) fl_die "setup.sh: unknown option $arg (try --help)" ;;
  esac
done

# Build and test dependencies; all are in Debian 12's archive.
REQUIRED_PACKAGES=(
  libwebkit2gtk-4.1-dev build-essential pkg-config file libssl-dev
  libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver
)
# Nice to have: `convert` for screenshot conversion. Its failure to install is only a warning.
OPTIONAL_PACKAGES=(imagemagick)

# Prints and runs a command (prints only, in a dry run).
step() {
  printf '+ %s\n' "$*"
  [ "$DRY_RUN" = 1 ] || "$@"
}

pkg_installed() {
  [ "$ASSUME_MISSING" = 1 ] && return 1
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

have() {
  [ "$ASSUME_MISSING" = 1 ] && return 1
  command -v "$1" >/dev/null 2>&1
}

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then
    step fl_as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    APT_UPDATED=1
  fi
  step fl_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

cd "$FERROLENS_ROOT"
[ "$DRY_RUN" = 1 ] && fl_say "setup: dry run, nothing is changed"

# 1. Debian packages.
command -v dpkg-query >/dev/null 2>&1 || fl_die "setup.sh needs a Debian or Ubuntu machine (dpkg-query not found)"
missing=()
for pkg in "${REQUIRED_PACKAGES[@]}"; do
  pkg_installed "$pkg" || missing+=("$pkg")
done
# Node.js and npm run the JS checks and the end-to-end tests. Machines for this project come
# with Node.js 20; a bare Debian gets its own (older) nodejs package.
if ! have node || ! have npm; then
  fl_warn "node or npm is not on PATH: installing Debian's nodejs and npm (Ferrolens wants Node.js >= 20)"
  missing+=(nodejs npm)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  fl_say "setup: installing Debian packages: ${missing[*]}"
  apt_install "${missing[@]}"
else
  fl_say "setup: Debian packages present"
fi
optional_missing=()
for pkg in "${OPTIONAL_PACKAGES[@]}"; do
  pkg_installed "$pkg" || optional_missing+=("$pkg")
done
if [ "${#optional_missing[@]}" -gt 0 ]; then
  fl_say "setup: installing optional Debian packages: ${optional_missing[*]}"
  apt_install "${optional_missing[@]}" || fl_warn "could not install ${optional_missing[*]} (optional, going on)"
fi

# 2. Rust: the machine's toolchain. It cannot be fetched by this script.
if ! command -v cargo >/dev/null 2>&1; then
  fl_die "cargo is not on PATH (nor in $FERROLENS_CARGO_BIN): install a Rust toolchain (rustup, Rust >= 1.95) first"
fi

# 3. The wasm32-wasip2 target: WebAssembly main parts (the components the tests build) are
# compiled for it. Present when the toolchain has its standard library.
WASM_TARGET=wasm32-wasip2
wasm_target_installed() {
  [ "$ASSUME_MISSING" = 1 ] && return 1
  [ -d "$(rustc --print sysroot)/lib/rustlib/$WASM_TARGET" ]
}
if wasm_target_installed; then
  fl_say "setup: Rust target $WASM_TARGET present"
elif have rustup || [ "$ASSUME_MISSING" = 1 ]; then
  fl_say "setup: installing the Rust target $WASM_TARGET"
  step rustup target add "$WASM_TARGET"
else
  fl_die "the Rust target $WASM_TARGET is missing and rustup is not on PATH: install it for this toolchain"
fi

# 4. tauri-driver, the WebDriver intermediary for the end-to-end tests.
if have tauri-driver; then
  fl_say "setup: tauri-driver present ($(command -v tauri-driver))"
else
  fl_say "setup: installing tauri-driver into $FERROLENS_CARGO_BIN"
  step cargo install tauri-driver --locked
fi

# 5. npm packages: when node_modules is missing or older than package-lock.json.
# npm writes node_modules/.package-lock.json at the end of every install.
npm_stamp="node_modules/.package-lock.json"
if [ "$ASSUME_MISSING" = 1 ] || [ ! -d node_modules ] || [ ! -e "$npm_stamp" ] ||
  [ package-lock.json -nt "$npm_stamp" ]; then
  fl_say "setup: installing npm packages"
  step npm ci --no-audit --no-fund
else
  fl_say "setup: npm packages up to date"
fi

fl_say "setup: done"
