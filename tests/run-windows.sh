#!/usr/bin/env bash
# The Windows (mingw-w64) build and its tests under Wine, headless.
#   tests/run-windows.sh [meson test arguments]   (default: --suite unit)
# Configures build-win if needed (BUILD_WIN overrides the directory),
# builds every target, and runs the tests with a Wine prefix inside the
# build directory, so a fresh build directory starts from a clean Wine.
# Exits non-zero when anything fails; without mingw-w64 or Wine it prints
# SKIP and exits 0, except under CI=true, where that is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD_WIN:-$ROOT/build-win}

missing=()
for tool in x86_64-w64-mingw32-gcc wine wineserver meson ninja; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: Windows build needs ${missing[*]} (CI=true: no skipping)"
		exit 1
	fi
	echo "SKIP: Windows build needs ${missing[*]}"
	exit 0
fi

# Set before meson setup too: its compiler check already runs wine.
export WINEPREFIX="$BUILD/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
mkdir -p "$BUILD"

if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" --cross-file cross/mingw-w64.ini || exit 1
fi
ninja -C "$BUILD" || { echo "FAIL: Windows build"; exit 1; }

# A persistent wineserver makes each test's wine start cost ~0.1 s. The
# Wine services (services.exe, winedevice, ...) are started here, by a
# process whose output goes nowhere: a test that started them would lend
# them its stdout, and meson would wait for that pipe to close as long as
# the persistent server lives. The first start also creates the prefix.
wineserver -p || { echo "FAIL: wineserver -p"; exit 1; }
trap 'wineserver -k 2>/dev/null' EXIT
wine cmd /c exit >/dev/null 2>&1 </dev/null || { echo "FAIL: wine does not start"; exit 1; }

[ $# -gt 0 ] || set -- --suite unit
meson test -C "$BUILD" --no-rebuild --print-errorlogs "$@"
