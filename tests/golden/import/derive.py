#!/usr/bin/env python3
"""Derives the golden numbers of tests/import/*_test.cpp from the reference files, independently of the
engine: Python's csv module and plain arithmetic, standard library only.

    python3 tests/golden/import/derive.py /work/shared/data > tests/golden/import/expected.txt

The rules applied here are those of docs/formats/shopify.md and docs/formats/generic.md:
  Shopify: a row with a non-empty `Currency` starts an order; other rows are its line items. Money to
  cents with round(Decimal). The local day is the date part of `Created at` (the offset's own calendar).
  Identity: email lower-cased, else a phone (Phone, Billing Phone, Shipping Phone) with 6+ digits.
  Generic: one order per data row; customers = distinct customer-column values.
"""
import csv
import sys
from decimal import Decimal
from datetime import date

DATA = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data"


def cents(text):
    return int((Decimal(text) * 100).to_integral_value()) if text.strip() else 0


def digits(phone):
    d = "".join(c for c in phone if c.isdigit())
    return d if len(d) >= 6 else ""


def shopify(name):
    rows = list(csv.reader(open(f"{DATA}/{name}", newline="", encoding="utf-8")))
    h = rows[0]
    ix = {k: i for i, k in enumerate(h)}
    orders = [r for r in rows[1:] if r[ix["Currency"]].strip()]
    lines = [r for r in rows[1:] if r[ix["Lineitem name"]].strip() or r[ix["Lineitem quantity"]].strip()]
    emails = {r[ix["Email"]].strip().lower() for r in orders if "@" in r[ix["Email"]]}
    phone_only = 0
    for r in orders:
        if "@" in r[ix["Email"]]:
            continue
        p = digits(r[ix["Phone"]].lstrip("'")) or digits(r[ix["Billing Phone"]].lstrip("'")) or digits(r[ix["Shipping Phone"]].lstrip("'"))
        phone_only += bool(p)
    days = [r[ix["Created at"]][:10] for r in orders]
    first = orders[0]
    print(f"{name}")
    print(f"  header_columns={len(h)} rows_read={len(rows) - 1} orders={len(orders)} lines={len(lines)}")
    print(f"  distinct_emails={len(emails)} phone_only_orders={phone_only}")
    print(f"  cancelled={sum(1 for r in orders if r[ix['Cancelled at']].strip())}")
    print(f"  total_cents={sum(cents(r[ix['Total']]) for r in orders)} refunded_cents={sum(cents(r[ix['Refunded Amount']]) for r in orders)}")
    print(f"  currencies={sorted({r[ix['Currency']] for r in orders})}")
    print(f"  first_day={min(days)} last_day={max(days)}")
    print(f"  first_order: Name={first[ix['Name']]} Id={first[ix['Id']]} total_cents={cents(first[ix['Total']])} "
          f"created={first[ix['Created at']]} local_day={first[ix['Created at']][:10]} "
          f"unix_day={(date.fromisoformat(first[ix['Created at']][:10]) - date(1970, 1, 1)).days}")


def generic(name, header, customer_col, date_col, amount_col, delimiter=None, date_fmt="ymd"):
    text = open(f"{DATA}/{name}", newline="", encoding="utf-8").read()
    if delimiter is None:
        rows = [line.split() for line in text.splitlines() if line.strip()]
    else:
        rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    if header:
        rows = rows[1:]
    customers = {r[customer_col] for r in rows}
    total = sum(cents(r[amount_col]) for r in rows) if amount_col is not None else 0

    def day(s):
        if date_fmt == "ymd":
            return f"{s[0:4]}-{s[4:6]}-{s[6:8]}"
        d, m, y = s.split("-")
        return f"{y}-{m}-{d}"

    days = sorted(day(r[date_col]) for r in rows)
    print(f"{name}")
    print(f"  rows={len(rows)} customers={len(customers)} amount_cents={total} first_day={days[0]} last_day={days[-1]}")
    print(f"  first_row={rows[0]}")


for f in ["shopify_alphapaw_orders_export_1.csv", "shopify_enavant_orders_export_1.csv",
          "shopify_maisonmaria_orders_export_1.csv", "shopify_stacksbd_orders_export_21.csv"]:
    shopify(f)
generic("lifetimes_CDNOW_master.txt", True, 0, 1, 3)
generic("lifetimes_CDNOW_sample.txt", False, 0, 2, 4)
generic("kaggle_Groceries_dataset.csv", True, 0, 1, None, delimiter=",", date_fmt="dmy")
