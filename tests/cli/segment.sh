#!/usr/bin/env bash
# rapport segment | segments | playbooks | audience, end to end on a small generic transactions file.
# Usage: segment.sh RAPPORT_BINARY [SHARED_DATA_DIR]
set -euo pipefail
RAPPORT="$1"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat > "$TMP/tx.csv" <<'CSV'
email,date,amount,sku
ann@example.com,2025-01-05,25.00,TEA
ann@example.com,2025-02-20,30.00,TEA
ann@example.com,2025-04-02,30.00,POT
bo@example.com,2025-03-01,12.50,MUG
cy@example.com,2024-11-10,99.00,TEA
cy@example.com,2025-06-28,10.00,MUG
=danger@example.com,2025-06-01,5.00,TEA
CSV
"$RAPPORT" import "$TMP/shop.rapport" "$TMP/tx.csv" > /dev/null || fail "import"

# Counts, canonical reading, CSV and JSON.
[ "$("$RAPPORT" segment "$TMP/shop.rapport" 'orders >= 2' --count)" = "2" ] || fail "orders >= 2 should count 2"
[ "$("$RAPPORT" segment "$TMP/shop.rapport" 'orders >= 2 BUT NOT ordered_since(2025-06-01)' --count)" = "1" ] || fail "BUT NOT"
[ "$("$RAPPORT" segment "$TMP/shop.rapport" 'bought("TEA") AND NOT bought("POT")' --count)" = "2" ] || fail "bought"
"$RAPPORT" segment "$TMP/shop.rapport" 'orders >= 2' --csv | grep >/dev/null '^[0-9]*,email:ann@example.com,ann@example.com' || fail "csv"
"$RAPPORT" segment "$TMP/shop.rapport" 'amount_spent > 50' --json | grep >/dev/null '"members": 2' || fail "json"
"$RAPPORT" segment "$TMP/shop.rapport" 'orders>=1 or tickets > 0 and nps >= 9' | grep >/dev/null 'read as: (orders >= 1 OR (tickets > 0 AND nps >= 9))' || fail "read as"

# An invalid rule: exit 1 and a caret under the problem.
if "$RAPPORT" segment "$TMP/shop.rapport" 'orders >= 2 AND oders < 5' 2> "$TMP/err"; then fail "invalid rule accepted"; fi
grep -q "did you mean \`orders\`" "$TMP/err" || fail "suggestion missing: $(cat "$TMP/err")"
grep -q '^                  \^\^\^\^\^$' "$TMP/err" || fail "caret missing: $(cat "$TMP/err")"

# Saved segments, in_segment and a cycle.
"$RAPPORT" segment "$TMP/shop.rapport" 'amount_spent > 50' --save VIP --created 2026-01-01T00:00:00Z --count > /dev/null 2>&1 || fail "save"
[ "$("$RAPPORT" segment "$TMP/shop.rapport" 'in_segment("vip") AND orders >= 3' --count)" = "1" ] || fail "in_segment"
"$RAPPORT" segments "$TMP/shop.rapport" | grep >/dev/null '^VIP  *2  amount_spent > 50$' || fail "segments list"
"$RAPPORT" segment "$TMP/shop.rapport" 'in_segment("B")' --save A --count > /dev/null 2>&1 && fail "A refers to a missing B"
"$RAPPORT" segment "$TMP/shop.rapport" 'orders >= 1' --save B --count > /dev/null 2>&1 || fail "save B"
"$RAPPORT" segment "$TMP/shop.rapport" 'in_segment("B")' --save A --count > /dev/null 2>&1 || fail "save A"
if "$RAPPORT" segment "$TMP/shop.rapport" 'in_segment("A")' --save B --count 2> "$TMP/err" > /dev/null; then fail "cycle accepted"; fi
grep -q 'cycle' "$TMP/err" || fail "cycle message: $(cat "$TMP/err")"

# Playbooks.
"$RAPPORT" playbooks "$TMP/shop.rapport" --as-of 2025-07-01 --json > "$TMP/pb.json" || fail "playbooks"
grep -q '"playbook": "winback"' "$TMP/pb.json" || fail "no win-back action"
# --due-before: as of 2025-07-01 the actions fall due 06-01 (ann, win-back), 06-15 (review), 06-29 (bo, win-back)
# and 07-12 (cy, review); on or before 2025-06-01 leaves ann's alone, +7d (07-08) all but cy's.
"$RAPPORT" playbooks "$TMP/shop.rapport" --as-of 2025-07-01 --due-before 2025-06-01 --json > "$TMP/due.json" || fail "due-before"
grep -q '"actions_total": 1' "$TMP/due.json" || fail "due-before 2025-06-01 should keep 1 action"
grep -q '"due_before": "2025-06-01"' "$TMP/due.json" || fail "due_before echoed"
"$RAPPORT" playbooks "$TMP/shop.rapport" --as-of 2025-07-01 --due-before +7d --json | grep >/dev/null '"actions_total": 3' || fail "due-before +7d should keep 3"
if "$RAPPORT" playbooks "$TMP/shop.rapport" --due-before soon 2> "$TMP/err" > /dev/null; then fail "bad due-before accepted"; fi
grep -q 'expected a day such as' "$TMP/err" || fail "due-before message: $(cat "$TMP/err")"
if "$RAPPORT" playbooks "$TMP/shop.rapport" --options '{"recovry_days": 3}' 2> "$TMP/err"; then fail "bad option accepted"; fi
grep -q 'did you mean `recovery_days`' "$TMP/err" || fail "option suggestion"

# Audiences: formats, holdout file, formula neutralising, determinism.
"$RAPPORT" audience "$TMP/shop.rapport" 'orders >= 1' --format klaviyo --holdout 0 --out "$TMP/k.csv" > /dev/null || fail "audience"
head -1 "$TMP/k.csv" | grep -q '^Email,First Name,Last Name,Rapport Audience,Orders,Net Spend,Last Order Date' || fail "klaviyo header"
grep -q "^'=danger@example.com," "$TMP/k.csv" || fail "formula not neutralised"
"$RAPPORT" audience "$TMP/shop.rapport" VIP --format mailchimp --holdout 0.5 --out "$TMP/m.csv" > /dev/null || fail "mailchimp"
head -1 "$TMP/m.csv" | grep -q '^Email Address,First Name,Last Name,Tags' || fail "mailchimp header"
[ "$(($(wc -l < "$TMP/m.csv") + $(wc -l < "$TMP/m.holdout.csv")))" = "4" ] || fail "1 sent + 1 held out + 2 headers"
cp "$TMP/m.holdout.csv" "$TMP/first.holdout.csv"
"$RAPPORT" audience "$TMP/shop.rapport" VIP --format mailchimp --holdout 0.5 --out "$TMP/m.csv" > /dev/null
cmp -s "$TMP/m.holdout.csv" "$TMP/first.holdout.csv" || fail "holdout not deterministic"
"$RAPPORT" audience "$TMP/shop.rapport" winback --format omnisend --as-of 2025-07-01 --out "$TMP/o.csv" > /dev/null || fail "omnisend"
head -1 "$TMP/o.csv" | grep -q '^Email,First name,Last name,Tags,Action,Due Date,Reason,Product' || fail "omnisend header"
echo "segment.sh: ok"
