#!/usr/bin/env python3
"""Derives the order/review counts and totals of the platform fixtures (WooCommerce, Magento, BigCommerce,
Yotpo) independently of the engine, from the rules in docs/formats/{woocommerce,magento,bigcommerce,reviews}.md,
with Python's csv module and Decimal only:

    python3 tests/golden/import/derive_platforms.py > tests/golden/import/expected_platforms.txt

tests/import/platforms_test.cpp checks the same numbers. A row is good when its required columns parse
(ISO date, amount); the format-specific rules used are written next to each function.
"""
import csv
import os
import re
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "..", "fixtures", "import")


def rows(name):
    with open(os.path.join(FIX, name), newline="", encoding="utf-8") as f:
        r = list(csv.reader(f))
    return r[0], r[1:]


def cents(text):
    t = re.sub(r"[^0-9.\-]", "", text.strip().lstrip("'"))
    return int((Decimal(t) * 100).to_integral_value())


def is_amount(text):
    return re.fullmatch(r"'?-?\$?[0-9][0-9,]*(\.[0-9]+)?", text.strip()) is not None


ISO = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$")
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def woo_analytics():
    # One order per row with a positive `Net sales`; negative rows are refunds (folded into their order when
    # present, else a negative order).
    h, data = rows("woocommerce_analytics_orders.csv")
    ix = {k: i for i, k in enumerate(h)}
    good = [r for r in data if len(r) == len(h) and ISO.match(r[ix["Date"]]) and is_amount(r[ix["Net sales"]])]
    orders = {r[ix["Order #"]]: cents(r[ix["Net sales"]]) for r in good if cents(r[ix["Net sales"]]) >= 0}
    refunds = [(r[ix["Order #"]], -cents(r[ix["Net sales"]])) for r in good if cents(r[ix["Net sales"]]) < 0]
    orphans = [c for o, c in refunds if o not in orders]
    refunded = sum(c for o, c in refunds if o in orders)
    return dict(rows_read=len(data), rows_accepted=len(good), orders=len(orders) + len(orphans),
                total_cents=sum(orders.values()) - sum(orphans), refunded_cents=refunded)


def woo_aoe():
    # Consecutive rows of one `Order Number` are one order; its fields come from the first row.
    h, data = rows("woocommerce_aoe_orders.csv")
    ix = {k: i for i, k in enumerate(h)}
    orders, last = [], None
    for r in data:
        if r[ix["Order Number"]] == last:
            continue
        last = r[ix["Order Number"]]
        if ISO.match(r[ix["Order Date"]]) and is_amount(r[ix["Order Total Amount"]]):
            orders.append(r)
    return dict(rows_read=len(data), orders=len(orders), total_cents=sum(cents(r[ix["Order Total Amount"]]) for r in orders),
                with_email=sum(1 for r in orders if "@" in r[ix["Email (Billing)"]]))


def magento():
    h, data = rows("magento_orders.csv")
    ix = {k: i for i, k in enumerate(h)}
    date = re.compile(r"(%s) \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [AP]M$" % "|".join(MONTHS))
    good = [r for r in data if date.match(r[ix["Purchase Date"]]) and is_amount(r[ix["Grand Total (Base)"]])]
    return dict(rows_read=len(data), orders=len(good), total_cents=sum(cents(r[ix["Grand Total (Base)"]]) for r in good),
                refunded_cents=sum(cents(r[ix["Total Refunded"]]) for r in good),
                with_email=sum(1 for r in good if "@" in r[ix["Customer Email"]]))


def bigcommerce():
    h, data = rows("bigcommerce_orders.csv")
    ix = {k: i for i, k in enumerate(h)}
    date = re.compile(r"(\d{2}/\d{2}/\d{4}|(%s) \d{1,2}(st|nd|rd|th) \d{4})$" % "|".join(MONTHS))
    good = [r for r in data if date.match(r[ix["Order Date"]]) and is_amount(r[ix["Order Total (inc tax)"]])]
    items = sum(len([p for p in re.split(r"\|(?=\s*Product )", r[ix["Product Details"]]) if "Product Qty: x" not in p])
                for r in good if r[ix["Product Details"]].strip())
    return dict(rows_read=len(data), orders=len(good),
                total_cents=sum(cents(r[ix["Order Total (inc tax)"]]) for r in good),
                refunded_cents=sum(cents(r[ix["Refund Amount"]]) for r in good),
                currencies=sorted({r[ix["Order Currency Code"]] for r in good}), lines=items)


def yotpo():
    h, data = rows("yotpo_reviews.csv")
    ix = {k: i for i, k in enumerate(h)}
    good = [r for r in data if r[ix["review_score"]] in "12345" and ISO.match(r[ix["date"]])]
    return dict(rows_read=len(data), reviews=len(good), with_email=sum(1 for r in good if "@" in r[ix["email"]]))


for name, fn in [("woocommerce_analytics_orders.csv", woo_analytics), ("woocommerce_aoe_orders.csv", woo_aoe),
                 ("magento_orders.csv", magento), ("bigcommerce_orders.csv", bigcommerce),
                 ("yotpo_reviews.csv", yotpo)]:
    print(name)
    print("  " + " ".join(f"{k}={v}" for k, v in fn().items()))
