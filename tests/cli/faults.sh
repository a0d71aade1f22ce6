#!/usr/bin/env bash
# Faults, end to end through the CLI (docs/robustness.md): usage: faults.sh RAPPORT SHARED_DATA_DIR
#   1. an import killed with SIGKILL while it reads a large file leaves the workspace exactly as before (same
#      kpis JSON, same imports list); killed at any later moment (merge, commit) it holds all of the import or
#      none of it;
#   2. a truncated, scribbled, foreign or newer workspace file is refused with a non-zero exit and a message
#      naming the file, and nothing is printed on stdout (never half-loaded);
#   3. a write that runs out of disk (a tiny tmpfs when mount is allowed, else a file-size limit) is reported
#      and the workspace keeps what was saved before;
#   4. an import from a file that cannot be read (a directory, a missing file) changes nothing;
#   5. every class of bad input file gives the message shape docs/robustness.md shows, the right exit status,
#      and (when the whole file is refused) no change to the workspace.
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
# Large enough (~68,000 orders) that the import merges and writes it in slices (Engine::kImportSliceOrders, 25,000)
# as it reads, and small enough to import a dozen times under the sanitizers.
"$RAPPORT" demo --out big --seed 4 --customers 12000 --scale --slim >/dev/null || { echo "demo failed"; exit 1; }
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
# The importer reads in chunks and, past each slice of orders, merges and writes slices inside the import's one
# transaction (nothing committed until the end); /proc/PID/io tells how far it has read, so the kill lands
# mid-file, after the first slice was written, on any machine speed.
killed_mid=0
for attempt in 1 2 3; do
  cp ws_before.rapport ws.rapport
  "$RAPPORT" import ws.rapport "$BIG" >/dev/null 2>&1 &
  pid=$!
  target=$((BIG_BYTES * 2 / 3))
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
    # A hot journal is left behind by the kill (the slices written so far); the next open rolled it back
    # (checked above) and removes it.
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
# Overwrite 4 KiB three quarters into the file (the orders table's pages) with a pattern. (The first pages are
# the tables' roots, some of them empty: garbage in an empty page's unused space is harmless, not damage.)
head -c 4096 /dev/zero | tr '\0' 'Z' | dd of=scribbled.rapport bs=4096 seek=$((SIZE / 4096 * 3 / 4)) conv=notrunc status=none
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

# --- 5. bad input files: the message shapes of docs/robustness.md ---------------------------------------
H='Name,Email,Financial Status,Currency,Total,Created at,Lineitem name,Lineitem quantity,Lineitem price,Refunded Amount'
ROW='#9001,a@x.io,paid,USD,10.00,2024-03-01 10:00:00 -0500,Bed,1,10.00,'
mkdir -p bad
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR' > bad/image.csv
printf 'PK\x03\x04\x14\x00\x00\x00rest' > bad/export.csv
printf '\x1f\x8b\x08\x00\x00\x00' > bad/gzipped.csv
printf 'a,b\n1,\x00\x01\x02\n' > bad/binary.csv
printf '\xff\xfeN\x00a\x00m\x00e\x00\n\x00' > bad/utf16.csv
printf "$H\n#9001,caf\xc3\xa9@x.fr,paid,EUR,10.00,2024-03-01 10:00:00 +0100,Bed,1,10.00,\n#9002,\xe9@x.fr,paid,EUR,1,2024-03-01 10:00:00 +0100,Bed,1,1,\n" > bad/mixed_encoding.csv
printf 'foo,bar,baz\n1,2,3\n' > bad/unknown.csv
: > bad/empty.csv
printf "$H\n$ROW\n#9002,\"b@x.io,paid,USD,1,2024-03-01 10:00:00 -0500,Bed,1,1,\n" > bad/open_quote.csv
python3 -c "import sys; sys.stdout.write('$H\n#9001,a@x.io,paid,USD,10.00,2024-03-01 10:00:00 -0500,\"' + 'x' * (17 * 1024 * 1024) + '\",1,10.00,\n')" > bad/huge_field.csv
# Refused whole: exit 1, the message names file:line[:col], the workspace is unchanged.
refused() {  # name file regex
  cp ws_before.rapport ws.rapport
  local out code
  out=$("$RAPPORT" import ws.rapport "$2" 2>&1); code=$?
  if [ "$code" -ne 0 ] && echo "$out" | grep -Eq -- "^rapport: $2:[0-9]+(:[0-9]+)?: .*($3)" && [ "$(snapshot ws.rapport)" == "$BEFORE" ]; then
    ok "$1: refused, workspace unchanged: $out"
  else
    bad "$1: exit $code: $out"
  fi
}
refused "image renamed .csv" bad/image.csv "binary data \(a NUL byte"
refused "xlsx renamed .csv" bad/export.csv "zip archive"
refused "gzip renamed .csv" bad/gzipped.csv "this is a gzip archive, not a CSV file; decompress it first"
refused "binary bytes in a CSV" bad/binary.csv "binary data \(a NUL byte"
refused "UTF-16 text" bad/utf16.csv "UTF-16"
refused "invalid UTF-8 after UTF-8" bad/mixed_encoding.csv "invalid UTF-8 \(byte 0xE9\)"
refused "unknown header" bad/unknown.csv "unrecognised header \(foo, bar, baz\)"
refused "empty file" bad/empty.csv "the file is empty; expected a CSV export with a header row"
refused "quote left open" bad/open_quote.csv "unterminated quoted field opened at line 3"
refused "huge field (17 MiB)" bad/huge_field.csv "larger than max_record_bytes"

# Bad rows: the row is rejected with file:line:col and a reason, the rest is imported (exit 0), or exit 1
# when no row at all was accepted; `rapport rejects` lists them.
printf "$H\n$ROW\n#9002,b@x.io,paid\n#9003,c@x.io,paid,USD,1,2024-03-01 10:00:00 -0500,Bed,1,1,,x,y\n" > bad/ragged.csv
printf "$H\n$ROW\n#9002,a@x.io,paid,USD,10.00,03/01/24,Bed,1,10.00,\n" > bad/bad_date.csv
printf "$H\n$ROW\n#9002,a@x.io,paid,USD,ten,2024-03-01 10:00:00 -0500,Bed,1,10.00,\n" > bad/bad_amount.csv
printf "$H\n$ROW\n#9002,b@x.io,paid,USD,5.00,2024-03-0" > bad/truncated.csv
printf "$H\n#9001,\xe9mile@x.fr,paid,EUR,10.00,2024-03-01 10:00:00 +0100,Bed,1,10.00,\n" > bad/latin1.csv
rows() {  # name file regex-on-stderr
  cp ws_before.rapport ws.rapport
  local out code
  out=$("$RAPPORT" import ws.rapport "$2" 2>&1); code=$?
  if [ "$code" -eq 0 ] && echo "$out" | grep -Eq -- "^$2:[0-9]+:[0-9]+: .*($3)" && echo "$out" | grep -q "1 accepted"; then
    ok "$1: row rejected, the rest imported: $(echo "$out" | grep -E "^$2:" | head -2 | tr '\n' ' ')"
  else
    bad "$1: exit $code: $out"
  fi
}
rows "ragged rows" bad/ragged.csv "expected 10 fields \(as in the header\), found 3"
rows "bad date" bad/bad_date.csv "\`Created at\`: expected a date like 2024-03-01 10:15:00 -0500, found \`03/01/24\`"
rows "bad amount" bad/bad_amount.csv "\`Total\`: expected an amount like 125.40, found \`ten\`; the order is rejected"
rows "file cut mid-row" bad/truncated.csv "expected 10 fields \(as in the header\), found 6"
cp ws_before.rapport ws.rapport
out=$("$RAPPORT" import ws.rapport bad/latin1.csv 2>&1); code=$?
id=$("$RAPPORT" imports ws.rapport --json | python3 -c 'import json,sys; print(max(i["id"] for i in json.load(sys.stdin)["imports"]))' 2>/dev/null)
warn=$("$RAPPORT" rejects ws.rapport "${id:-0}" --all 2>&1)
if [ "$code" -eq 0 ] && echo "$warn" | grep -q "warning: the file is not UTF-8 (byte 0xE9 on line 2); read it as Windows-1252"; then
  ok "Latin-1 file: imported as Windows-1252 with a warning: $warn"
else
  bad "Latin-1 file: exit $code: $out / $warn"
fi
cp ws_before.rapport ws.rapport
"$RAPPORT" import ws.rapport small/shopify_orders_export_demo.csv > "$WORK/dup.out" 2>&1; code=$?
if [ "$code" -eq 0 ] && grep -Eq "orders +0 added, [0-9]+ already present" "$WORK/dup.out" &&
   [ "$("$RAPPORT" kpis ws.rapport --json)" == "$("$RAPPORT" kpis ws_before.rapport --json)" ]; then
  ok "the same file twice: nothing added ($(grep orders "$WORK/dup.out" | xargs)), kpis unchanged"
else
  bad "the same file twice: exit $code: $(cat "$WORK/dup.out")"
fi
out=$("$RAPPORT" segment ws_before.rapport "orders >= 2 and and last_order < 2024-03-01" 2>&1); code=$?
if [ "$code" -ne 0 ] && echo "$out" | grep -q "1:17: expected a condition before AND" && echo "$out" | grep -q '\^'; then
  ok "bad segment rule: $(echo "$out" | head -1)"
else
  bad "bad segment rule: exit $code: $out"
fi
printf 'customer_id,frequency,recency,T\nc1,2,10,x\n' > bad/summary.csv
out=$("$RAPPORT" fit-summary bad/summary.csv 2>&1); code=$?
if [ "$code" -ne 0 ] && echo "$out" | grep -Eq "bad/summary.csv:2:4"; then ok "bad summary file: $out"; else bad "bad summary file: exit $code: $out"; fi

if [ "$fails" -ne 0 ]; then echo "faults.sh: $fails failed"; exit 1; fi
echo "faults.sh: all passed"
