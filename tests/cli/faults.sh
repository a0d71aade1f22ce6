#!/usr/bin/env bash
# Faults, end to end through the CLI (docs/robustness.md): usage: faults.sh RAPPORT SHARED_DATA_DIR
#   1. an import killed with SIGKILL while it reads a large file leaves the workspace exactly as before (same
#      kpis JSON, same imports list); killed at any later moment (merge, commit) it holds all of the import or
#      none of it;
#   2. a truncated, scribbled, foreign or newer workspace file is refused with a non-zero exit and a message
#      naming the file, and nothing is printed on stdout (never half-loaded);
#   3. a write that runs out of disk (a tiny tmpfs when mount is allowed, else a file-size limit) is reported
#      and the workspace keeps what was saved before;
#   4. an import from a file that cannot be read (a directory, a missing file) changes nothing.
set -uo pipefail
RAPPORT=$(realpath "$1")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rapport-faults.XXXXXX")
MOUNTED=""
cleanup() {
  if [ -n "$MOUNTED" ]; then umount "$MOUNTED" 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

snapshot() {  # kpis JSON and imports list of a workspace, as one text
  "$RAPPORT" kpis "$1" --json 2>&1
  "$RAPPORT" imports "$1" --json 2>&1
}

# --- setup: a small workspace and a large export --------------------------------------------------------
"$RAPPORT" demo --out small --seed 3 --customers 300 >/dev/null || { echo "demo failed"; exit 1; }
"$RAPPORT" demo --out big --seed 4 --customers 40000 --oldest-first >/dev/null || { echo "demo failed"; exit 1; }
BIG=big/shopify_orders_export_demo.csv
BIG_BYTES=$(stat -c %s "$BIG")
"$RAPPORT" import ws.rapport small/shopify_orders_export_demo.csv >/dev/null || { echo "import failed"; exit 1; }
BEFORE=$(snapshot ws.rapport)
cp ws.rapport ws_before.rapport
# The state after a complete import of the big file, for the "all or nothing" check.
cp ws.rapport ws_full.rapport
t0=$(date +%s%N)
"$RAPPORT" import ws_full.rapport "$BIG" >/dev/null || { echo "import of the big file failed"; exit 1; }
FULL_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
# Imports record the time: compare the full state without the imports list's timestamps.
strip_time() { sed -E 's/"imported_at": *"[^"]*"/"imported_at":"-"/g; s/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z/-/g'; }
FULL=$(snapshot ws_full.rapport | strip_time)

# --- 1a. killed while reading: exactly as before ----------------------------------------------------------
# The importer reads in chunks and writes nothing until the whole file is parsed; /proc/PID/io tells how far
# it has read, so the kill lands mid-file on any machine speed.
killed_mid=0
for attempt in 1 2 3; do
  cp ws_before.rapport ws.rapport
  "$RAPPORT" import ws.rapport "$BIG" >/dev/null 2>&1 &
  pid=$!
  target=$((BIG_BYTES / 3))
  while kill -0 "$pid" 2>/dev/null; do
    read_bytes=$(awk '/^rchar:/ {print $2}' "/proc/$pid/io" 2>/dev/null || echo 0)
    if [ "${read_bytes:-0}" -ge "$target" ] && [ "${read_bytes:-0}" -lt "$BIG_BYTES" ]; then
      kill -KILL "$pid" 2>/dev/null && killed_mid=1
      break
    fi
    sleep 0.01
  done
  wait "$pid" 2>/dev/null
  [ "$killed_mid" = 1 ] && break
done
if [ "$killed_mid" != 1 ]; then
  bad "killed import: could not catch the importer mid-file"
else
  AFTER=$(snapshot ws.rapport)
  if [ "$AFTER" == "$BEFORE" ]; then ok "import killed mid-file (SIGKILL): kpis and imports unchanged"; else bad "import killed mid-file changed the workspace"; fi
  if [ -e ws.rapport-journal ]; then
    # A hot journal is left behind by the kill; the next open rolled it back (checked above) and removes it.
    "$RAPPORT" kpis ws.rapport --json >/dev/null 2>&1
  fi
fi

# --- 1b. killed at any moment: all of the import or none of it --------------------------------------------
none=0; all=0; other=0
# Kill moments spread over the whole import, most of them near its end (merge and commit), from the time
# the complete import took above.
for permille in 300 600 800 900 950 980 1000 1030; do
  delay=$(awk -v ms="$FULL_MS" -v p="$permille" 'BEGIN { printf "%.3f", ms * p / 1000000 }')
  cp ws_before.rapport ws.rapport
  "$RAPPORT" import ws.rapport "$BIG" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  NOW=$(snapshot ws.rapport)
  if [ "$NOW" == "$BEFORE" ]; then none=$((none + 1));
  elif [ "$(echo "$NOW" | strip_time)" == "$FULL" ]; then all=$((all + 1));
  else other=$((other + 1)); echo "--- after a kill at ${delay}s:"; echo "$NOW" | head -5; fi
done
if [ "$other" = 0 ]; then ok "import (${FULL_MS} ms) killed at 8 moments from 30 % to 103 %: $none left it as before, $all complete, none partial";
else bad "import killed at some moment left a partial or unreadable workspace ($other of 8)"; fi

# --- 2. damaged workspaces are refused, never half-loaded ---------------------------------------------------
SIZE=$(stat -c %s ws_before.rapport)
expect_refused() {  # name file message-regex
  local name=$1 file=$2 pattern=$3
  local out err code
  out=$("$RAPPORT" kpis "$file" --json 2>"$WORK/err"); code=$?
  err=$(cat "$WORK/err")
  if [ "$code" -ne 0 ] && [ -z "$out" ] && echo "$err" | grep -q -- "$file" && echo "$err" | grep -Eiq -- "$pattern"; then
    ok "$name: refused: $err"
  else
    bad "$name: exit $code, stdout '${out:0:80}', stderr '$err'"
  fi
}
head -c $((SIZE / 2)) ws_before.rapport > truncated.rapport
expect_refused "truncated workspace" truncated.rapport "damaged|corrupt|truncated|malformed"
cp ws_before.rapport scribbled.rapport
# Overwrite 4 KiB in the middle of the file (a table's pages) with a pattern.
head -c 4096 /dev/zero | tr '\0' 'Z' | dd of=scribbled.rapport bs=4096 seek=$((SIZE / 4096 / 2)) conv=notrunc status=none
expect_refused "scribbled workspace" scribbled.rapport "damaged|corrupt|malformed|quick_check"
cp ws_before.rapport header.rapport
printf 'NOT A DATABASE!!' | dd of=header.rapport conv=notrunc status=none
expect_refused "overwritten header" header.rapport "not a Rapport workspace|damaged|corrupt|not a database"
printf 'id,date,amount\n1,2024-01-01,3\n' > text.rapport
expect_refused "a CSV named .rapport" text.rapport "not a Rapport workspace|damaged|corrupt|not a database"
if command -v sqlite3 >/dev/null; then
  cp ws_before.rapport newer.rapport
  sqlite3 newer.rapport "PRAGMA user_version = 999" 2>/dev/null
  expect_refused "newer workspace version" newer.rapport "newer"
  sqlite3 foreign.sqlite "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
  expect_refused "another application's SQLite file" foreign.sqlite "not a Rapport workspace"
else
  echo "skip newer/foreign workspace checks: no sqlite3 command"
fi
# The damaged file is left as it was (never repaired or overwritten behind the user's back).
if cmp -s <(head -c $((SIZE / 2)) ws_before.rapport) truncated.rapport; then ok "the truncated file is left untouched"; else bad "the truncated file was modified"; fi

# --- 3. disk full -----------------------------------------------------------------------------------------
mkdir -p tiny
TINY_KB=$(( SIZE / 1024 + 256 ))
if mount -t tmpfs -o size=${TINY_KB}k tmpfs tiny 2>/dev/null; then
  MOUNTED="$WORK/tiny"
  cp ws_before.rapport tiny/ws.rapport
  out=$("$RAPPORT" import tiny/ws.rapport "$BIG" 2>&1); code=$?
  how="tmpfs of ${TINY_KB} KiB"
else
  # No mount (not root, or no CAP_SYS_ADMIN): a file-size limit makes the same write fail (EFBIG, with
  # SIGXFSZ ignored) once the file would grow past it.
  cp ws_before.rapport tiny/ws.rapport
  out=$(trap '' XFSZ; ulimit -f $(( (SIZE + 262144) / 512 )); "$RAPPORT" import tiny/ws.rapport "$BIG" 2>&1); code=$?
  how="file size limit of $(( SIZE / 1024 + 256 )) KiB"
fi
if [ "$code" -ne 0 ] && echo "$out" | grep -Eiq "full|space|too large|write|I/O"; then
  ok "disk full ($how): reported: $(echo "$out" | tail -1)"
else
  bad "disk full ($how): exit $code, output: $(echo "$out" | tail -2)"
fi
if [ -n "$MOUNTED" ]; then rm -f tiny/ws.rapport-journal; fi  # the next open would roll it back anyway
cp tiny/ws.rapport ws_after_full.rapport 2>/dev/null
rm -f tiny/ws.rapport-journal
NOW=$(snapshot ws_after_full.rapport)
if [ "$NOW" == "$BEFORE" ]; then ok "after the disk-full import the workspace holds what was saved before"; else bad "disk full changed the workspace: $(echo "$NOW" | head -3)"; fi
if [ -n "$MOUNTED" ]; then umount "$MOUNTED" && MOUNTED=""; fi

# --- 4. unreadable inputs change nothing ------------------------------------------------------------------
cp ws_before.rapport ws.rapport
mkdir -p adir.csv
out=$("$RAPPORT" import ws.rapport adir.csv 2>&1); code=$?
if [ "$code" -ne 0 ] && [ "$(snapshot ws.rapport)" == "$BEFORE" ]; then ok "import of a directory: refused: $(echo "$out" | tail -1)"; else bad "import of a directory: exit $code: $out"; fi
out=$("$RAPPORT" import ws.rapport no_such_file.csv 2>&1); code=$?
if [ "$code" -ne 0 ] && [ "$(snapshot ws.rapport)" == "$BEFORE" ]; then ok "import of a missing file: refused: $(echo "$out" | tail -1)"; else bad "import of a missing file: exit $code: $out"; fi

if [ "$fails" -ne 0 ]; then echo "faults.sh: $fails failed"; exit 1; fi
echo "faults.sh: all passed"
