#!/usr/bin/env bash
# Runs every benchmark side by side with the peers in ONE run and writes bench/out/results-<date>.txt.
# bench/RESULTS.md records what the runs showed (how, where, when). Usage: bench/run.sh [--quick]
set -uo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-$(cd ../shared/data 2>/dev/null && pwd)}
OUT=bench/out; mkdir -p $OUT
stamp=$(date -u +%Y%m%dT%H%M%SZ)
log=$OUT/results-$stamp.txt
export NODE_PATH=/usr/share/nodejs
exec > >(tee "$log") 2>&1

echo "# Rapport benchmarks $stamp  commit $(git rev-parse --short HEAD 2>/dev/null)"
echo "# machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# g++ $(g++ -dumpfullversion), em++ $(em++ --version 2>/dev/null | head -1 | awk '{print $NF}'), node $(node --version)"

cmake --build build --target benches -j 2 >/dev/null || { echo "native bench build failed"; exit 1; }
cmake --build build-wasm --target benches -j 2 >/dev/null || echo "(wasm bench build failed: wasm rows missing)"
(cd bench && [ -d node_modules/@duckdb/node-api ] || npm install --no-audit --no-fund --loglevel=error >/dev/null)

big=$OUT/alphapaw_100x.csv
if [ -n "$SHARED" ] && [ ! -f "$big" ]; then python3 bench/make_alphapaw_100x.py "$big"; fi
peak() { /usr/bin/time -f "peak_rss_mb=%M" "$@" 2>&1 | sed 's/peak_rss_mb=\([0-9]*\)/peak_rss_mb=\1 (KB)/'; }

if [ -f "$big" ]; then
  echo; echo "## 100x Alpha Paw ($(stat -c %s $big) bytes)"
  for b in csv_bench import_bench summary_bench; do
    [ -x build/bench/$b ] && { echo "### native $b"; /usr/bin/time -f "peak_rss_kb=%M" build/bench/$b "$big"; }
    [ -f build-wasm/bench/$b.js ] && { echo "### wasm $b"; /usr/bin/time -f "peak_rss_kb=%M" node --no-experimental-fetch build-wasm/bench/$b.js "$big"; }
  done
  echo "### rapport import (CLI, whole import incl. the SQLite commit)"
  rm -f $OUT/bench.rapport; /usr/bin/time -f "wall_s=%e user_s=%U sys_s=%S peak_rss_kb=%M" build/rapport import $OUT/bench.rapport "$big" | tail -3
  echo "### DuckDB"
  node bench/duckdb_summary.mjs "$big" --runs 5 --threads 1
  node bench/duckdb_summary.mjs "$big" --runs 5 --threads 2
  node bench/duckdb_summary.mjs "$big" --runs 5 --wasm
fi

# Scale (issue 10), opt-in because it writes ~0.6-3 GB under /tmp: SCALE_CUSTOMERS=200000 bench/run.sh
if [ -n "${SCALE_CUSTOMERS:-}" ]; then
  scale=$(mktemp -d /tmp/rapport-scale.XXXXXX)
  build/rapport demo --out "$scale" --scale --slim --customers "$SCALE_CUSTOMERS" | head -1
  f=$scale/shopify_orders_export_demo.csv
  echo; echo "## slim ${SCALE_CUSTOMERS}-customer store ($(stat -c %s "$f") bytes)"
  echo "### rapport import (CLI)"; /usr/bin/time -f "wall_s=%e user_s=%U sys_s=%S peak_rss_kb=%M" build/rapport import "$scale/ws.rapport" "$f" | tail -1
  echo "### dashboard in headless Chromium"; node bench/browser_import.mjs "$f"
  rm -rf "$scale"
fi

# model_bench reads the CDNOW files (PEERS.md §1); bench/model_ratios.mjs joins its native and wasm rows.
if [ -n "$SHARED" ]; then
  build/bench/model_bench "$SHARED" --runs 3 > $OUT/model-native-$stamp.txt && cat $OUT/model-native-$stamp.txt
  node --no-experimental-fetch build-wasm/bench/model_bench.js "$SHARED" --runs 3 > $OUT/model-wasm-$stamp.txt && cat $OUT/model-wasm-$stamp.txt
  node bench/model_ratios.mjs $OUT/model-native-$stamp.txt $OUT/model-wasm-$stamp.txt
fi
for b in analysis_bench segment_bench; do
  [ -x build/bench/$b ] && { echo; echo "## native $b"; /usr/bin/time -f "peak_rss_kb=%M" build/bench/$b; }
  [ -f build-wasm/bench/$b.js ] && { echo; echo "## wasm $b"; /usr/bin/time -f "peak_rss_kb=%M" node --no-experimental-fetch build-wasm/bench/$b.js; }
done
echo; echo "## wasm engine start-up beside duckdb-wasm's"; node bench/engine_ready.mjs --runs 5
echo; echo "# written to $log"
