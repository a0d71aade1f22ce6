#!/usr/bin/env python3
"""Answers the seed's three example questions on the demo store independently of the engine, and checks the
golden file. Python standard library only: it reads the three demo exports itself (csv module, its own money,
date and identity handling) and applies the rules of docs/segments.md ("Who is counted", the functions table)
directly; it shares no code with the engine. See README.md beside this script.

    derive.py DEMO_DIR            print the derived answers as JSON
    derive.py DEMO_DIR --check    compare with demo_questions.json beside this script; exit 1 on a difference

DEMO_DIR holds what `rapport demo --out DEMO_DIR --seed 42 --feedback` writes: shopify_orders_export_demo.csv,
judgeme_reviews_demo.csv and nps_demo.csv (the data is generated; the answers below are read from it).
"""
import csv
import datetime
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "demo_questions.json")

# The questions of DESIGN.md's opening paragraph, as rules, with what each means in plain terms.
QUESTIONS = [
    {"question": "Who ordered several times AND complained?",
     "rule": "orders >= 2 AND complained()"},
    {"question": "Who bought X or Y and may need Z? (either chicken kibble, never the bone broth topper)",
     "rule": '(bought("DF-CHK-04") OR bought("DF-CHK-12")) BUT NOT bought("DF-TOP-16")'},
    {"question": "Who ordered several times BUT NOT since March?",
     "rule": "orders >= 2 BUT NOT ordered_since(2025-03-01)"},
]


def day_number(text):
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text.strip())
    return (datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) - datetime.date(1970, 1, 1)).days


def norm_email(raw):
    s = raw.strip().lower()
    return s if s.count("@") == 1 and not s.startswith("@") and not s.endswith("@") else ""


def read_orders(path):
    """Valid orders of identified customers: {customer key: [(day, set of SKUs)]}, and the analysis date.
    A customer is their email, else their phone digits (the demo's phone-only customers); orders with
    neither are guest orders and belong to no customer. Valid = not cancelled, not voided, not a test."""
    orders = {}  # order key -> [customer, day, valid, currency, skus]
    current = None
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        for row in reader:
            if row["Currency"].strip():  # the first row of an order carries the order's fields
                key = (row["Id"].strip(), row["Name"].strip())
                email = norm_email(row["Email"])
                phone = "".join(c for c in (row["Phone"] or row["Billing Phone"] or row["Shipping Phone"]) if c.isdigit())
                customer = ("email:" + email) if email else (("phone:" + phone) if len(phone) >= 6 else None)
                valid = (not row["Cancelled at"].strip() and row["Financial Status"].strip().lower() != "voided"
                         and "test" not in [t.strip().lower() for t in row["Tags"].split(",")])
                current = orders.setdefault(key, [customer, day_number(row["Created at"]), valid, row["Currency"].strip(), set()])
            if current is not None and row["Lineitem sku"].strip():
                current[4].add(row["Lineitem sku"].strip().upper())
    valid = [o for o in orders.values() if o[2]]
    as_of = max(o[1] for o in valid)
    by_customer = {}
    for customer, day, _, currency, skus in valid:
        if customer is None or currency != "USD" or day > as_of:
            continue
        by_customer.setdefault(customer, []).append((day, skus))
    return by_customer, as_of


def read_complaints(reviews_path, nps_path, as_of):
    """Customers (by email) with a complaint on or before as_of: a review of 2 stars or less, or an NPS
    answer of 6 or less (the demo has no tickets)."""
    out = set()
    with open(reviews_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if int(row["rating"]) <= 2 and day_number(row["review_date"]) <= as_of:
                out.add("email:" + norm_email(row["reviewer_email"]))
    with open(nps_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if int(row["score"]) <= 6 and day_number(row["date"]) <= as_of:
                out.add("email:" + norm_email(row["email"]))
    return out


def derive(demo_dir):
    by_customer, as_of = read_orders(os.path.join(demo_dir, "shopify_orders_export_demo.csv"))
    complaints = read_complaints(os.path.join(demo_dir, "judgeme_reviews_demo.csv"),
                                 os.path.join(demo_dir, "nps_demo.csv"), as_of)
    march = day_number("2025-03-01")

    def bought(orders, sku):
        return any(sku in skus for _, skus in orders)

    answers = [
        sum(1 for c, o in by_customer.items() if len(o) >= 2 and c in complaints),
        sum(1 for o in by_customer.values()
            if (bought(o, "DF-CHK-04") or bought(o, "DF-CHK-12")) and not bought(o, "DF-TOP-16")),
        sum(1 for o in by_customer.values() if len(o) >= 2 and not any(day >= march for day, _ in o)),
    ]
    return {
        "store": "rapport demo --seed 42 --feedback (orders, Judge.me reviews, NPS), imported in that order",
        "as_of": (datetime.date(1970, 1, 1) + datetime.timedelta(days=as_of)).isoformat(),
        "customers_with_orders": len(by_customer),
        "questions": [dict(q, members=n) for q, n in zip(QUESTIONS, answers)],
    }


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    derived = derive(sys.argv[1])
    if "--check" not in sys.argv:
        print(json.dumps(derived, indent=2))
        return 0
    with open(GOLDEN, encoding="utf-8") as f:
        golden = json.load(f)
    if golden != derived:
        print("derive.py: the golden file disagrees with the derivation:\n" + json.dumps(derived, indent=2), file=sys.stderr)
        return 1
    print("derive.py: %s matches (%s)" % (os.path.basename(GOLDEN), ", ".join(str(q["members"]) for q in derived["questions"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
