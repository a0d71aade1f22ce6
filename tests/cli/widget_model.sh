#!/usr/bin/env bash
# rapport model end to end: the file, the learned personal weights and their report, the weight flags (fixed
# values land in the file; bad values are refused with the flag's name), on a tiny store and on the demo store.
# Usage: widget_model.sh RAPPORT_BINARY [SHARED_DATA_DIR]
set -euo pipefail
RAPPORT="$1"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A tiny store: 3 customers, too few with 2+ orders to validate personal weights, so none are used.
cat > "$TMP/tx.csv" <<'CSV'
order,email,date,amount,sku
1,ann@example.com,2024-01-05,25.00,TEA
1,ann@example.com,2024-01-05,5.00,CUP
2,ann@example.com,2024-02-04,30.00,TEA
3,bo@example.com,2024-03-01,12.50,MUG
4,cy@example.com,2023-11-10,99.00,TEA
CSV
"$RAPPORT" import "$TMP/shop.rapport" "$TMP/tx.csv" > /dev/null || fail "import"
out=$("$RAPPORT" model "$TMP/shop.rapport" --out "$TMP/m.bin") || fail "model exited $?"
grep -q "too few customers with 2+ orders" <<<"$out" || fail "no 'too few' line: $out"
grep -q "w_repeat 0.000, w_replenish 0.000, w_bought 0.000, popularity half-life 0 days" <<<"$out" || fail "weights not 0: $out"
# Version 3 file: magic RPMD, version 3 (little-endian).
[ "$(head -c 6 "$TMP/m.bin" | od -An -tx1 | tr -d ' \n')" = "52504d440300" ] || fail "not an RPMD v3 file"
# No customer data in the file.
if grep -q "example.com" "$TMP/m.bin"; then fail "an email in the model file"; fi

# Fixed weights are written as given (thousandths; 0.25 -> 250) and reported as given.
out=$("$RAPPORT" model "$TMP/shop.rapport" --out "$TMP/f.bin" --w-repeat 0.25 --w-replenish 1 --w-bought 0.3 \
  --popularity-half-life 45) || fail "fixed weights exited $?"
grep -q "personal weights: as given" <<<"$out" || fail "fixed weights not reported: $out"
grep -q "w_repeat 0.250, w_replenish 1.000, w_bought 0.300, popularity half-life 45 days" <<<"$out" || fail "fixed: $out"

# Bad values name the flag.
for bad in "--w-repeat -1" "--w-repeat 0.0001" "--w-bought 101" "--popularity-half-life 36501" "--w-replenish x"; do
  # shellcheck disable=SC2086
  if "$RAPPORT" model "$TMP/shop.rapport" --out "$TMP/x.bin" $bad 2> "$TMP/err"; then fail "accepted $bad"; fi
  grep -q -- "${bad%% *}" "$TMP/err" || fail "error for $bad does not name the flag: $(cat "$TMP/err")"
done

# The demo store (5,000 customers, repeat buying built in): the personal weights are searched, checked on held-out
# customers, and kept; the repeat weight is not 0.
"$RAPPORT" demo --out "$TMP/demo" --seed 42 > /dev/null || fail "demo"
"$RAPPORT" import "$TMP/demo/demo.rapport" "$TMP/demo/shopify_orders_export_demo.csv" > /dev/null || fail "demo import"
out=$("$RAPPORT" model "$TMP/demo/demo.rapport" --out "$TMP/d.bin") || fail "demo model exited $?"
grep -Eq "personal weights: searched on [0-9]+ customers' last orders, checked on [0-9]+ more: .*: kept" <<<"$out" ||
  fail "demo weights not kept: $out"
if grep -q "w_repeat 0.000" <<<"$out"; then fail "demo: repeat weight 0: $out"; fi
echo "widget_model.sh: ok"
