#!/usr/bin/env bash
# Installs the Debian 12 packages vsrsim needs (only the missing ones), then
# configures and builds one CMake preset.
#
#   scripts/setup.sh [preset]      # preset: debug | release | asan-ubsan (default: release)
#
# Idempotent: when everything is installed, no apt-get is run at all.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PRESET="${1:-release}"

# Toolchain + libraries for building and testing the C++ project.
BUILD_PACKAGES=(
  build-essential
  cmake
  ninja-build
  pkg-config
  clang-format
  libgtest-dev
  libgmock-dev
  librapidcheck-dev
  libfmt-dev
  libxxhash-dev
  libcli11-dev
  nlohmann-json3-dev
  libbenchmark-dev
  python3
)

# Extra runtime/test tools: Chromium renders the HTML report in reports/html_browser_test.sh.
EXTRA_PACKAGES=(chromium)

PACKAGES=("${BUILD_PACKAGES[@]}" "${EXTRA_PACKAGES[@]+"${EXTRA_PACKAGES[@]}"}")

log() { echo "setup: $*" >&2; }

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

install_missing_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    log "dpkg-query not found (not a Debian system?); skipping package installation."
    return 0
  fi

  local missing=() pkg
  for pkg in "${PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
  done

  if ((${#missing[@]} == 0)); then
    log "all ${#PACKAGES[@]} required packages are installed."
    return 0
  fi

  log "installing missing packages: ${missing[*]}"
  local sudo=()
  if ((EUID != 0)); then
    if ! command -v sudo >/dev/null 2>&1; then
      log "ERROR: not root and sudo is not available; install manually: ${missing[*]}"
      exit 1
    fi
    sudo=(sudo)
  fi
  # `env` so the variable survives sudo's environment reset.
  "${sudo[@]+"${sudo[@]}"}" env DEBIAN_FRONTEND=noninteractive apt-get update
  "${sudo[@]+"${sudo[@]}"}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

install_missing_packages

log "configuring preset '$PRESET'"
cmake --preset "$PRESET"
log "building preset '$PRESET'"
cmake --build --preset "$PRESET"
log "preset '$PRESET' built in build/$PRESET"
