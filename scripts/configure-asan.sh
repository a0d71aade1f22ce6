#!/usr/bin/env bash
# Configures the sanitizer build once (no-op when it is configured already), for both `make test-sanitize` and
# scripts/fuzz.sh: clang-14, ASan + UBSan over the whole build (RAPPORT_SANITIZE), libFuzzer coverage on the core
# alone (RAPPORT_FUZZ_COVERAGE), -O1 with line tables, no benchmarks.
#
#   scripts/configure-asan.sh BUILD_DIR SHARED_DATA_DIR
# Environment: FUZZ_CXX (clang++-14).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:?usage: configure-asan.sh BUILD_DIR SHARED_DATA_DIR}
SHARED=${2:?usage: configure-asan.sh BUILD_DIR SHARED_DATA_DIR}
[ -f "$BUILD/build.ninja" ] && exit 0
CC=clang-14 CXX="${FUZZ_CXX:-clang++-14}" cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O1 -gline-tables-only" -DCMAKE_C_FLAGS_RELEASE="-O1" \
  -DRAPPORT_FUZZ_COVERAGE=ON -DRAPPORT_SANITIZE=ON -DRAPPORT_BUILD_BENCH=OFF \
  -DRAPPORT_SHARED_DATA="$SHARED" >/dev/null
