#!/usr/bin/env python3
"""Derives the headline KPIs of each reference file independently of the engine, and checks the golden files.

Python standard library only. It reads the raw exports itself (csv module, its own money and date handling)
and applies the rules of docs/metrics.md (DESIGN §3) and of the export formats (docs/formats/*.md) directly;
it shares no code with the engine. See README.md beside this script.

    derive_kpis.py DATA_DIR             print the derived KPIs of every file as JSON
    derive_kpis.py DATA_DIR --check     compare with tests/golden/kpis/<file>.json; exit 1 on any difference
"""
import csv
import datetime
import io
import json
import math
import os
import re
import statistics
import sys
from decimal import Decimal, ROUND_HALF_UP

HERE = os.path.dirname(os.path.abspath(__file__))
RETENTION_P = 90  # settings.retention_period_days default

SHOPIFY_FILES = [
    "shopify_alphapaw_orders_export_1.csv",
    "shopify_enavant_orders_export_1.csv",
    "shopify_maisonmaria_orders_export_1.csv",
    "shopify_stacksbd_orders_export_21.csv",
]
GENERIC_FILES = [
    "lifetimes_CDNOW_master.txt",
    "lifetimes_CDNOW_sample.txt",
    "kaggle_Groceries_dataset.csv",
]
# The fifth Shopify export is a customers export: it has no orders, so it has no KPIs of its own
# (it is imported on top of the Enavant orders in tests/cli/import_kpis.sh).


def cents(text):
    text = text.strip().lstrip("'")
    if not text:
        return 0
    return int((Decimal(text) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def day_number(y, m, d):
    return (datetime.date(y, m, d) - datetime.date(1970, 1, 1)).days


def iso(day):
    return (datetime.date(1970, 1, 1) + datetime.timedelta(days=day)).isoformat()


def norm_email(raw):
    s = raw.strip().lstrip("'").strip()
    if s.count("@") != 1 or s.startswith("@") or s.endswith("@") or any(c in s for c in " ,;"):
        return ""
    return s.lower()


def norm_phone(raw):
    s = raw.strip().lstrip("'")
    digits = "".join(c for c in s if c.isdigit())
    if len(digits) < 6:
        return ""
    # A '+' counts when it comes before the first digit.
    first_digit = next(i for i, c in enumerate(s) if c.isdigit())
    return ("+" if "+" in s[:first_digit] else "") + digits


class Identities:
    """DESIGN §2: aliases email:, id:, phone:. A known email names the customer, else a known platform id,
    else a known phone unless the row has an email and that customer already has another one (two people
    sharing a phone stay two customers); otherwise a new customer. Every alias of the row then points to the
    customer (the first owner of an alias keeps it)."""

    def __init__(self):
        self.alias = {}
        self.has_email = []

    def resolve(self, email, phone, pid):
        if not (email or phone or pid):
            return None
        cid = None
        if email and "email:" + email in self.alias:
            cid = self.alias["email:" + email]
        elif pid and "id:" + pid in self.alias:
            cid = self.alias["id:" + pid]
        elif phone and "phone:" + phone in self.alias and (not email or not self.has_email[self.alias["phone:" + phone]]):
            cid = self.alias["phone:" + phone]
        if cid is None:
            cid = len(self.has_email)
            self.has_email.append(False)
        self.has_email[cid] = self.has_email[cid] or bool(email)
        for a in (("email:" + email) if email else None, ("phone:" + phone) if phone else None,
                  ("id:" + pid) if pid else None):
            if a:
                self.alias.setdefault(a, cid)
        return cid


def read_shopify(path):
    """Orders as (customer or None, day, total_cents, refunded_cents, valid, currency)."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    col = {name: i for i, name in enumerate(header)}

    def get(row, name):
        i = col.get(name)
        return row[i] if i is not None and i < len(row) else ""

    ids = Identities()
    seen = set()
    orders = []
    for row in rows[1:]:
        if not get(row, "Currency").strip():
            continue  # a line-item continuation row
        key = get(row, "Id").strip().lstrip("'") or get(row, "Name").strip().lstrip("'")
        if key in seen:
            continue
        seen.add(key)
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", get(row, "Created at").strip())
        day = day_number(int(m.group(1)), int(m.group(2)), int(m.group(3)))  # the export's local date
        email = norm_email(get(row, "Email"))
        phone = ""
        for name in ("Phone", "Billing Phone", "Shipping Phone"):
            phone = norm_phone(get(row, name))
            if phone:
                break
        customer = ids.resolve(email, phone, "")
        tags = [t.strip().lower() for t in get(row, "Tags").split(",")]
        valid = (not get(row, "Cancelled at").strip()
                 and get(row, "Financial Status").strip().lower() != "voided"
                 and "bogus" not in get(row, "Payment Method").lower()
                 and "test" not in tags)
        orders.append((customer, day, cents(get(row, "Total")), cents(get(row, "Refunded Amount")), valid,
                       get(row, "Currency").strip().upper()))
    return orders


def read_generic(path):
    """One order per row: customer id, date, optional amount (docs/formats/generic.md)."""
    name = os.path.basename(path)
    ids = Identities()
    orders = []
    with open(path, newline="", encoding="utf-8") as f:
        text = f.read()
    if name.startswith("lifetimes_CDNOW"):
        lines = [l.split() for l in text.splitlines() if l.strip()]
        if not lines[0][0].isdigit():
            lines = lines[1:]  # the master file's header
        for parts in lines:
            cust, date, amount = parts[0], parts[-3], parts[-1]
            day = day_number(int(date[:4]), int(date[4:6]), int(date[6:8]))
            orders.append((ids.resolve("", "", "generic:" + cust), day, cents(amount), 0, True, "USD"))
    else:  # Kaggle groceries: Member_number, Date (DD-MM-YYYY), itemDescription; no amount
        reader = csv.reader(io.StringIO(text))
        next(reader)
        for row in reader:
            d, m, y = row[1].strip().split("-")
            day = day_number(int(y), int(m), int(d))
            orders.append((ids.resolve("", "", "generic:" + row[0].strip()), day, 0, 0, True, "USD"))
    return orders


def kpis(orders, currency):
    valid = [o for o in orders if o[4]]
    as_of = max(o[1] for o in valid)
    mine = [o for o in valid if o[5] == currency and o[1] <= as_of]
    gross = sum(o[2] for o in mine)
    refunded = sum(o[3] for o in mine)
    net = gross - refunded
    by_customer = {}
    for o in mine:
        if o[0] is not None:
            by_customer.setdefault(o[0], []).append(o)
    customers = len(by_customer)
    identified_orders = sum(len(v) for v in by_customer.values())
    identified_net = sum(o[2] - o[3] for v in by_customer.values() for o in v)
    repeaters = [sorted(o[1] for o in v) for v in by_customer.values() if len(v) >= 2]
    gaps = [days[1] - days[0] for days in repeaters]
    base = retained = 0
    for v in by_customer.values():
        days = [o[1] for o in v]
        if any(as_of - 2 * RETENTION_P < d <= as_of - RETENTION_P for d in days):
            base += 1
            if any(as_of - RETENTION_P < d <= as_of for d in days):
                retained += 1

    def ratio(a, b):
        return a / b if b else None

    rate = ratio(retained, base)
    return {
        "as_of": iso(as_of),
        "currency": currency,
        "customers": customers,
        "orders": len(mine),
        "guest_orders": len(mine) - identified_orders,
        "gross_revenue": gross / 100,
        "refunded": refunded / 100,
        "net_revenue": net / 100,
        "aov": ratio(net, len(mine)) / 100 if mine else None,
        "purchase_frequency": ratio(identified_orders, customers),
        "repeat_customers": len(repeaters),
        "repeat_purchase_rate": ratio(len(repeaters), customers),
        "median_days_first_to_second": statistics.median(gaps) if gaps else None,
        "historical_clv": ratio(identified_net, customers) / 100 if customers else None,
        "retention_base": base,
        "retention_retained": retained,
        "retention_rate": rate,
        "churn_rate": None if rate is None else 1 - rate,
    }


def derive(data_dir, name):
    path = os.path.join(data_dir, name)
    orders = read_shopify(path) if name.startswith("shopify_") else read_generic(path)
    net_by_currency = {}
    for o in orders:
        if o[4]:
            net_by_currency[o[5]] = net_by_currency.get(o[5], 0) + o[2] - o[3]
    headline = sorted(net_by_currency, key=lambda c: (-net_by_currency[c], c))[0]
    return kpis(orders, headline)


def engine_values(golden):
    k = golden["kpis"]
    return {
        "as_of": golden["as_of"], "currency": golden["currency"], "customers": k["customers"], "orders": k["orders"],
        "guest_orders": k["guest_orders"], "gross_revenue": k["gross_revenue"], "refunded": k["refunded"],
        "net_revenue": k["net_revenue"], "aov": k["aov"], "purchase_frequency": k["purchase_frequency"],
        "repeat_customers": k["repeat_customers"], "repeat_purchase_rate": k["repeat_purchase_rate"],
        "median_days_first_to_second": k["median_days_first_to_second"], "historical_clv": k["historical_clv"],
        "retention_base": k["retention"]["base"], "retention_retained": k["retention"]["retained"],
        "retention_rate": k["retention"]["rate"], "churn_rate": k["churn_rate"],
    }


def same(a, b):
    if a is None or b is None:
        return a is b
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    data_dir, check = argv[1], "--check" in argv
    failures = 0
    derived_all = {}
    for name in SHOPIFY_FILES + GENERIC_FILES:
        if not os.path.exists(os.path.join(data_dir, name)):
            print(f"SKIP {name}: not in {data_dir}")
            continue
        derived = derive(data_dir, name)
        derived_all[name] = derived
        if not check:
            continue
        golden_path = os.path.join(HERE, os.path.splitext(name)[0] + ".json")
        with open(golden_path, encoding="utf-8") as f:
            golden = engine_values(json.load(f))
        bad = [k for k in derived if not same(derived[k], golden[k])]
        for k in bad:
            print(f"MISMATCH {name}: {k}: derived {derived[k]!r}, golden {golden[k]!r}")
        failures += len(bad)
        if not bad:
            print(f"ok {name}: {len(derived)} values agree")
    if not check:
        print(json.dumps(derived_all, indent=2, sort_keys=True))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
