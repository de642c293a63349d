#!/usr/bin/env bash
# Configures (once) and builds the native tree in ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${UDRBD_BUILD:-build}
if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" >/dev/null
fi
ninja -C "$BUILD" >/dev/null
