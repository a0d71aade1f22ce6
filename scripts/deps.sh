#!/usr/bin/env bash
# Installs what Rapport needs to build and test, idempotently, on Debian 12.
#   scripts/deps.sh native   compilers, nlohmann-json, Catch2, fast_float, the SQLite amalgamation
#   scripts/deps.sh wasm     + Emscripten
#   scripts/deps.sh browser  + Chromium and the npm packages (TypeScript, esbuild, playwright-core)
#   scripts/deps.sh sanitize + clang-14 and its sanitizer/libFuzzer runtimes (make test-sanitize, test-fuzz)
#   scripts/deps.sh all      everything but the sanitizer toolchain
# Nothing is downloaded from anywhere but Debian's and npm's registries (see ../shared/TOOLCHAIN.md).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
want=${1:-all}
SQLITE_PKG=better-sqlite3@12.11.1   # ships the SQLite 3.53.2 amalgamation in deps/sqlite3

need_apt=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
add() { for p in "$@"; do have "$p" || need_apt+=("$p"); done; }

add g++ cmake ninja-build make nlohmann-json3-dev catch2 libfast-float-dev python3
case "$want" in
  sanitize) add clang-14 libclang-rt-14-dev ;;
  wasm) add emscripten ;;
  browser|all) add emscripten chromium ;;
esac
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "deps: installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  # Only when there is no node at all: Debian's own nodejs/npm conflict with a NodeSource node (TOOLCHAIN.md).
  echo "deps: installing Debian's nodejs and npm (node 20 from NodeSource is what we test on)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi

# The SQLite amalgamation, by package name from npm; never committed.
sq="$here/.deps/sqlite"
if [ ! -f "$sq/sqlite3.c" ]; then
  echo "deps: fetching the SQLite amalgamation ($SQLITE_PKG)"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$SQLITE_PKG" >/dev/null 2>&1 && tar xzf better-sqlite3-*.tgz package/deps/sqlite3)
  mkdir -p "$sq"
  cp "$tmp"/package/deps/sqlite3/sqlite3.{c,h} "$sq"/
  rm -rf "$tmp"
fi

if [ "$want" = browser ] || [ "$want" = all ]; then
  if [ ! -x "$here/node_modules/.bin/esbuild" ] || [ ! -d "$here/node_modules/playwright-core" ] || [ ! -x "$here/node_modules/.bin/tsc" ]; then
    echo "deps: npm ci"
    (cd "$here" && (npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error))
  fi
  # DuckDB, the peer of the warehouse test and the benchmarks (bench/package.json).
  if [ ! -d "$here/bench/node_modules/@duckdb/node-api" ]; then
    # npm install, not ci: npm 11 leaves the other platforms' optional DuckDB bindings out of the lock file
    # and then `npm ci` refuses it; install still pins every version the lock holds.
    echo "deps: npm install (bench: DuckDB)"
    (cd "$here/bench" && npm install --no-audit --no-fund --loglevel=error)
  fi
fi
