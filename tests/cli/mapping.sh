#!/usr/bin/env bash
# End to end: a generic CSV that no importer recognises (German column names, day-first dates, decimal
# comma, euros) imported with a mapping file and saved as a named mapping; next month's file of the same
# layout recognised by `detect` and imported with that mapping without options; --mapping NAME; a column
# given by index in a file without a header; bad mapping names and files reported, workspace unchanged.
# Usage: mapping.sh RAPPORT_BINARY [SHARED_DATA_DIR (unused)]
set -u
RAPPORT=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
WS="$TMP/shop.rapport"

# February: 13.02 can only be day-first; 1.234,00 is one thousand two hundred thirty-four euros.
printf 'Kunde;Datum;Betrag;Beleg\nann@example.com;01.02.2024;12,50;A1\nbob@example.com;13.02.2024;1.234,00;A2\nann@example.com;20.02.2024;7,05;A3\n' > "$TMP/feb.csv"
cat > "$TMP/kasse.json" <<'JSON'
{"mapping": {"customer": "Kunde", "date": "Datum", "amount": "Betrag", "order": "Beleg"},
 "date_format": "dmy", "decimal_separator": ",", "currency": "EUR"}
JSON
"$RAPPORT" import "$WS" "$TMP/feb.csv" --mapping-file "$TMP/kasse.json" --save-mapping Kasse > "$TMP/out.txt" 2> "$TMP/err.txt" \
  || { fail "import with --mapping-file"; cat "$TMP/err.txt"; }
grep -q "3 read, 3 accepted, 0 rejected" "$TMP/out.txt" || { fail "february: expected 3 accepted"; cat "$TMP/out.txt"; }
grep -q "dates      2024-02-01 .. 2024-02-20" "$TMP/out.txt" || { fail "february: dates read day-first"; cat "$TMP/out.txt"; }
grep -q "currencies EUR" "$TMP/out.txt" || { fail "february: currency EUR from the mapping"; cat "$TMP/out.txt"; }
# Revenue 12.50 + 1234.00 + 7.05 = 1253.55 EUR: the decimal comma and the thousands dot.
"$RAPPORT" call "$WS" '{"op":"kpis","as_of":"2024-03-31"}' > "$TMP/k.json"
grep -q '"orders":3' "$TMP/k.json" || { fail "expected 3 orders"; cat "$TMP/k.json"; }
grep -q '"net_revenue":1253.55,' "$TMP/k.json" || { fail "expected net revenue 1253.55"; cat "$TMP/k.json"; }

# The mapping is saved in the workspace.
"$RAPPORT" mappings "$WS" > "$TMP/m.txt" || fail "rapport mappings"
grep -q "^Kasse	amount=Betrag, customer=Kunde, date=Datum, order=Beleg$" "$TMP/m.txt" || { fail "saved mapping listed"; cat "$TMP/m.txt"; }

# March, same layout: detect names the saved mapping, and a plain import uses it.
printf 'Kunde;Datum;Betrag;Beleg\ncy@example.com;02.03.2024;3,00;B1\nbob@example.com;31.03.2024;10,00;B2\n' > "$TMP/mar.csv"
TEXT=$(sed 's/$/\\n/' "$TMP/mar.csv" | tr -d '\n')
"$RAPPORT" call "$WS" "{\"op\":\"detect\",\"text\":\"$TEXT\",\"file_name\":\"mar.csv\",\"complete\":true}" > "$TMP/d.json"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).result;
  if (r.saved_mapping?.name !== "Kasse") throw new Error("saved_mapping: " + JSON.stringify(r.saved_mapping));
  if (r.saved_mapping.format?.kind !== "transactions") throw new Error("kind: " + JSON.stringify(r.saved_mapping.format));
  if (!r.mapping_check?.ok || r.mapping_check.rows_checked !== 2 || r.mapping_check.rows_ok !== 2) throw new Error("check: " + JSON.stringify(r.mapping_check));
' "$TMP/d.json" || { fail "detect should recognise the saved mapping and check it"; cat "$TMP/d.json"; }
"$RAPPORT" import "$WS" "$TMP/mar.csv" > "$TMP/out.txt" 2> "$TMP/err.txt" || { fail "plain import of march"; cat "$TMP/err.txt"; }
grep -q 'using the saved mapping "Kasse"' "$TMP/out.txt" || { fail "march should use the saved mapping"; cat "$TMP/out.txt"; }
grep -q "2 read, 2 accepted, 0 rejected" "$TMP/out.txt" || { fail "march: 2 accepted"; cat "$TMP/out.txt"; }
grep -q "dates      2024-03-02 .. 2024-03-31" "$TMP/out.txt" || { fail "march: day-first dates"; cat "$TMP/out.txt"; }

# --mapping NAME on a file with a bad row: the row is reported with file:line:col, the others imported.
printf 'Kunde;Datum;Betrag;Beleg\ndi@example.com;31.04.2024;5,00;C1\ndi@example.com;01.04.2024;5,00;C2\n' > "$TMP/apr.csv"
"$RAPPORT" import "$WS" "$TMP/apr.csv" --mapping kasse > "$TMP/out.txt" 2> "$TMP/err.txt" || { fail "--mapping kasse"; cat "$TMP/err.txt"; }
grep -q "$TMP/apr.csv:2:2: " "$TMP/err.txt" || { fail "31.04 should be rejected at apr.csv:2:2"; cat "$TMP/err.txt"; }
grep -q "2 read, 1 accepted, 1 rejected" "$TMP/out.txt" || { fail "april: 1 accepted"; cat "$TMP/out.txt"; }

# Errors: an unknown saved mapping and a mapping file with a typo change nothing.
"$RAPPORT" imports "$WS" --json > "$TMP/h1.json"
if "$RAPPORT" import "$WS" "$TMP/mar.csv" --mapping Nope 2> "$TMP/err.txt"; then fail "--mapping Nope should fail"; fi
grep -q 'no saved mapping named "Nope" (saved: "Kasse")' "$TMP/err.txt" || { fail "unknown mapping message"; cat "$TMP/err.txt"; }
printf '{"mapping": {"cusotmer": "Kunde"}}' > "$TMP/typo.json"
if "$RAPPORT" import "$WS" "$TMP/mar.csv" --mapping-file "$TMP/typo.json" 2> "$TMP/err.txt"; then fail "a typo in the mapping file should fail"; fi
grep -q "typo.json: options: unknown mapping field \`cusotmer\`" "$TMP/err.txt" || { fail "typo message"; cat "$TMP/err.txt"; }
"$RAPPORT" imports "$WS" --json > "$TMP/h2.json"
cmp -s "$TMP/h1.json" "$TMP/h2.json" || fail "failed imports should leave the history unchanged"

# A file without a header (its first row has letters, so --no-header says so), columns by index.
printf 'eve@example.com;05/06/2024;19,99\nfay@example.com;07/06/2024;1,00\n' > "$TMP/noheader.txt"
"$RAPPORT" import "$TMP/idx.rapport" "$TMP/noheader.txt" --map customer=#1 --map date=#2 --map amount=#3 \
  --date-format dmy --decimal , --no-header > "$TMP/out.txt" 2> "$TMP/err.txt" || { fail "index mapping"; cat "$TMP/err.txt"; }
grep -q "2 read, 2 accepted, 0 rejected" "$TMP/out.txt" || { fail "index mapping: 2 accepted"; cat "$TMP/out.txt"; }
grep -q "dates      2024-06-05 .. 2024-06-07" "$TMP/out.txt" || { fail "index mapping: dmy dates"; cat "$TMP/out.txt"; }

if [ "$failures" -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "mapping.sh: all checks passed"
