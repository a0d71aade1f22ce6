#!/usr/bin/env bash
# make test-fuzz: builds every tests/fuzz/*_fuzz.cpp as a libFuzzer binary (clang++-14,
# -fsanitize=fuzzer,address,undefined, the core compiled with coverage and the same sanitizers) and runs each
# for a fixed budget on a COPY of its corpus, so new inputs never land in the repository. A crash, leak,
# timeout or out-of-memory finding is copied into tests/fuzz/corpus/<name>/ (where the replay test keeps
# checking it) and fails the run. tests/fuzz/README.md says what each target checks.
#
# The core is compiled once for both `make test-sanitize` and this script: build-asan is configured with
# -DRAPPORT_SANITIZE=ON (ASan + UBSan) plus -DRAPPORT_FUZZ_COVERAGE=ON (the core alone compiled with
# -fsanitize=fuzzer-no-link, coverage for libFuzzer), so the fuzz binaries link against build-asan/librapport_core.a.
#
#   scripts/fuzz.sh                      every target, FUZZ_TIME seconds each
#   scripts/fuzz.sh import_any_fuzz      only the named targets
# Environment: FUZZ_TIME (default 20 s per target), FUZZ_RSS_MB (2048), FUZZ_TIMEOUT (per input, 30 s),
# FUZZ_BUILD (build-asan), JOBS (2), FUZZ_NO_BUILD (1 = do not rebuild the core first).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${FUZZ_BUILD:-build-asan}
TIME=${FUZZ_TIME:-20}
RSS=${FUZZ_RSS_MB:-2048}
TIMEOUT=${FUZZ_TIMEOUT:-30}
JOBS=${JOBS:-2}
CXX=${FUZZ_CXX:-clang++-14}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

command -v "$CXX" >/dev/null || { echo "fuzz: $CXX not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }

# The core, instrumented for coverage (fuzzer-no-link) and the sanitizers, and SQLite, built incrementally
# in the build `make test-sanitize` uses (scripts/configure-asan.sh configures it for both).
FUZZ_CXX="$CXX" scripts/configure-asan.sh "$BUILD" "${SHARED:-$ROOT/../shared/data}"
# FUZZ_NO_BUILD=1: use the libraries as they are (another build of the same folder is running).
if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then cmake --build "$BUILD" -j "$JOBS" --target rapport_core rapport_sqlite; fi
LIBS=("$BUILD/librapport_core.a" "$BUILD/librapport_sqlite.a")

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for src in tests/fuzz/*_fuzz.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi

mkdir -p "$BUILD/fuzz"
failed=()
for name in "${targets[@]}"; do
  src="tests/fuzz/$name.cpp"
  bin="$BUILD/fuzz/$name"
  [ -f "$src" ] || { echo "fuzz: no $src" >&2; exit 2; }
  if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] || [ "${LIBS[0]}" -nt "$bin" ]; then
    echo "fuzz: building $name"
    "$CXX" -std=c++17 -O1 -gline-tables-only -fsanitize=fuzzer $SAN -I. -isystem "$BUILD/third_party_include" \
      "$src" "${LIBS[@]}" -o "$bin"
  fi
  work=$(mktemp -d "${TMPDIR:-/tmp}/rapport-fuzz-$name.XXXXXX")
  mkdir -p "$work/corpus"
  if [ -d "tests/fuzz/corpus/$name" ]; then cp -r "tests/fuzz/corpus/$name/." "$work/corpus/"; fi
  echo "fuzz: $name for ${TIME}s on a copy of $(ls "$work/corpus" | wc -l) seeds"
  status=0
  (cd "$work" && ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
     "$ROOT/$bin" -max_total_time="$TIME" -rss_limit_mb="$RSS" -timeout="$TIMEOUT" -print_final_stats=1 \
     -artifact_prefix="$work/" corpus >"$work/log" 2>&1) || status=$?
  grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$work/log" | tr '\n' ' '; echo
  found=$(ls "$work" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' || true)
  if [ "$status" -ne 0 ] || [ -n "$found" ]; then
    echo "fuzz: $name FAILED (exit $status); log: $work/log" >&2
    grep -E "ERROR|runtime error|check failed|SUMMARY" "$work/log" | head -5 >&2 || true
    for f in $found; do
      cp "$work/$f" "tests/fuzz/corpus/$name/$f"
      echo "fuzz: reproducer saved as tests/fuzz/corpus/$name/$f (run: $bin tests/fuzz/corpus/$name/$f)" >&2
    done
    failed+=("$name")
  else
    rm -rf "$work"
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, no findings"
