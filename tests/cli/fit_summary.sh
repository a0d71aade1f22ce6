#!/bin/bash
# rapport fit-summary on the published CDNOW summaries gives the published estimates (SOURCES.md §1).
# Usage: bash tests/cli/fit_summary.sh <rapport binary> <shared-data-dir>. Skips (exit 0) when the data is absent.
set -u
RAPPORT=${1:?usage: fit_summary.sh <rapport> <shared-data-dir>}
DATA=${2:?usage: fit_summary.sh <rapport> <shared-data-dir>}
SUMMARY="$DATA/lifetimes_cdnow_customers_summary.csv"
WITH_VALUES="$DATA/lifetimes_cdnow_customers_summary_with_transactions.csv"
if [ ! -f "$SUMMARY" ] || [ ! -f "$WITH_VALUES" ]; then
  echo "SKIPPED: $SUMMARY absent"
  exit 0
fi
fail=0
# check <json> <jq-free path as python expression> <expected> <tolerance> <label>
check() {
  local json="$1" expr="$2" expected="$3" tol="$4" label="$5"
  local got
  got=$(printf '%s' "$json" | python3 -c "import json,sys; d=json.load(sys.stdin); print($expr)") || { echo "FAIL $label: cannot read"; fail=1; return; }
  if python3 -c "import sys; sys.exit(0 if abs(float('$got') - float('$expected')) <= float('$tol') else 1)"; then
    echo "ok   $label = $got (published $expected)"
  else
    echo "FAIL $label = $got, published $expected (tolerance $tol)"
    fail=1
  fi
}
bg=$("$RAPPORT" fit-summary "$SUMMARY" --model bgnbd --json) || { echo "FAIL: rapport fit-summary exited $?"; exit 1; }
check "$bg" "d['fit']['params']['r']" 0.242593 2e-6 "BG/NBD r"
check "$bg" "d['fit']['params']['alpha']" 4.413532 2e-5 "BG/NBD alpha"
check "$bg" "d['fit']['params']['a']" 0.792886 2e-6 "BG/NBD a"
check "$bg" "d['fit']['params']['b']" 2.425752 2e-5 "BG/NBD b"
check "$bg" "d['fit']['se']['r']" 0.012557 2e-6 "BG/NBD SE(r)"
check "$bg" "d['fit']['se']['alpha']" 0.378221 2e-6 "BG/NBD SE(alpha)"
check "$bg" "d['fit']['se']['a']" 0.185719 2e-6 "BG/NBD SE(a)"
check "$bg" "d['fit']['se']['b']" 0.705345 2e-6 "BG/NBD SE(b)"
check "$bg" "d['fit']['log_likelihood']" -9582.4256 1e-4 "BG/NBD LL"
check "$bg" "d['customers']" 2357 0 "customers"
pn=$("$RAPPORT" fit-summary "$SUMMARY" --model pnbd --json) || { echo "FAIL: pnbd exited $?"; exit 1; }
check "$pn" "d['fit']['log_likelihood']" -9594.9739 1e-4 "Pareto/NBD LL"
check "$pn" "d['fit']['params']['r']" 0.553 0.005 "Pareto/NBD r"
gg=$("$RAPPORT" fit-summary "$WITH_VALUES" --model gg --json) || { echo "FAIL: gg exited $?"; exit 1; }
check "$gg" "d['fit']['params']['p']" 6.25 0.005 "GG p"
check "$gg" "d['fit']['params']['q']" 3.74 0.005 "GG q"
check "$gg" "d['fit']['params']['v']" 15.44 0.01 "GG v"
check "$gg" "d['fit']['log_likelihood']" -4055.9232 1e-4 "GG LL"
# A bad file names its line and column.
bad=$(mktemp)
printf 'frequency,recency,T\n1,2,3\n1,x,3\n' > "$bad"
if "$RAPPORT" fit-summary "$bad" --model bgnbd 2> "$bad.err"; then echo "FAIL: a bad file was accepted"; fail=1; fi
grep -q ":3:2:" "$bad.err" && echo "ok   bad value reported at line 3, column 2" || { echo "FAIL: error message: $(cat "$bad.err")"; fail=1; }
rm -f "$bad" "$bad.err"
exit $fail
