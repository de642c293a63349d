#!/usr/bin/env bash
# The whole test suite, as the README and .ci/run call it:
#   1. native build + unit tests (TAP executables through meson),
#   2. the same unit tests in an ASan+UBSan build,
#   3. short libFuzzer runs of the meta-data reader and the NBD parsers,
#   4. the Windows (mingw-w64) build and its unit tests under Wine,
#   5. system tests (pytest): drbdmeta against Debian's, NBD clients, udrbdd,
#      and the Windows programs under Wine (test_windows.py uses step 4's
#      build-win).
# Ends with the line "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export UDRBD_BUILD="$ROOT/build"

scripts/install-deps.sh || { echo "install-deps failed"; echo "0 passed, 1 failed"; exit 1; }

results=()
step() { echo; echo "==== $*"; }

step "native build"
if ! scripts/build.sh; then
  echo "0 passed, 1 failed"
  exit 1
fi

step "unit tests (native)"
meson test -C build --suite unit --print-errorlogs --num-processes 2 | tail -n 12
results+=("build/meson-logs/testlog.json")

step "unit tests (ASan+UBSan)"
if [ ! -f build-asan/build.ninja ]; then
  # clang: gcc 12 reports false "null format string" warnings under UBSan.
  CC=${ASAN_CC:-clang} meson setup build-asan -Db_sanitize=address,undefined \
    -Db_lundef=false >/dev/null
fi
if ninja -C build-asan >/dev/null; then
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan --suite unit --print-errorlogs --num-processes 2 | tail -n 12
  results+=("build-asan/meson-logs/testlog.json")
else
  echo "ASan build failed"
  results+=("FAILED:asan-build")
fi

step "fuzzing (libFuzzer, short runs)"
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzz=true >/dev/null
fi
if ninja -C build-fuzz >/dev/null; then
  meson test -C build-fuzz --suite fuzz --print-errorlogs --num-processes 2 | tail -n 8
  results+=("build-fuzz/meson-logs/testlog.json")
else
  echo "fuzz build failed"
  results+=("FAILED:fuzz-build")
fi

step "Windows build under Wine"
if [ -x tests/run-windows.sh ]; then
  tests/run-windows.sh
  results+=("build-win/meson-logs/testlog.json")
else
  results+=("FAILED:no-tests/run-windows.sh")
fi

step "system tests (pytest)"
/usr/bin/python3 -m pytest -q -rs tests/system --junitxml=build/pytest.xml -p no:cacheprovider
results+=("build/pytest.xml")

step "summary"
/usr/bin/python3 tests/summarize.py "${results[@]}"
