#!/usr/bin/env bash
# The seed's three segment questions on the demo store (tests/golden/segments/README.md): the independent
# derivation agrees with the golden file, and the engine (through the CLI) gives the golden counts.
# Usage: segment_golden.sh RAPPORT_BINARY [SHARED_DATA_DIR]
set -euo pipefail
RAPPORT="$1"
HERE="$(cd "$(dirname "$0")/../.." && pwd)"
GOLDEN="$HERE/tests/golden/segments/demo_questions.json"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$RAPPORT" demo --out "$TMP/demo" --seed 42 --feedback > /dev/null || fail "rapport demo"
python3 "$HERE/tests/golden/segments/derive.py" "$TMP/demo" --check || fail "derive.py disagrees with $GOLDEN"
"$RAPPORT" import "$TMP/shop.rapport" "$TMP/demo/shopify_orders_export_demo.csv" "$TMP/demo/judgeme_reviews_demo.csv" \
  "$TMP/demo/nps_demo.csv" > /dev/null || fail "import"
python3 - "$GOLDEN" > "$TMP/cases.tsv" <<'PY'
import json, sys
for q in json.load(open(sys.argv[1]))["questions"]:
    print("%s\t%d" % (q["rule"], q["members"]))
PY
[ "$(wc -l < "$TMP/cases.tsv")" -eq 3 ] || fail "expected 3 questions in $GOLDEN"
while IFS=$'\t' read -r rule expected; do
  got=$("$RAPPORT" segment "$TMP/shop.rapport" "$rule" --count) || fail "segment '$rule'"
  [ "$got" = "$expected" ] || fail "'$rule': engine $got, golden $expected"
  echo "ok: $rule -> $got"
done < "$TMP/cases.tsv"
