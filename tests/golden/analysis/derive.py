#!/usr/bin/env python3
"""Derives the golden analysis numbers of tests/golden/analysis/*.json from the raw reference files, without the
engine: its own parsing, Python standard library only, and the definitions of docs/analyses.md and docs/rfm.md
written out again here. See README.md.

  python3 derive.py /work/shared/data            # writes cdnow_master.json and kaggle_groceries.json here
  python3 derive.py /work/shared/data --check    # compares with the files here, prints ok / MISMATCH
"""
import datetime
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCH = datetime.date(1970, 1, 1)


def day_number(d):
    return (d - EPOCH).days


def iso(n):
    return (EPOCH + datetime.timedelta(days=n)).isoformat()


def month_index(n):
    d = EPOCH + datetime.timedelta(days=n)
    return d.year * 12 + d.month - 1


def median(values):
    v = sorted(values)
    if not v:
        return None
    k = len(v) // 2
    return float(v[k]) if len(v) % 2 else (v[k - 1] + v[k]) / 2.0


def quantile(sorted_values, q):
    """Linear interpolation between order statistics (numpy's default)."""
    pos = q * (len(sorted_values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


# --- RFM: the published rule table, read on the continuous FM = (F + M) / 2 with half-open bounds (lo, hi],
# and Can't Lose Them tried before At Risk (docs/rfm.md). Deliberately not the engine's 5x5 grid.
RULES = [
    ("Champions", 4, 5, 4, 5), ("Loyal Customers", 2, 5, 3, 5), ("Potential Loyalist", 3, 5, 1, 3),
    ("New Customers", 4, 5, 0, 1), ("Promising", 3, 4, 0, 1), ("Need Attention", 2, 3, 2, 3),
    ("About To Sleep", 2, 3, 0, 2), ("Can't Lose Them", 0, 1, 4, 5), ("At Risk", 0, 2, 2, 5),
    ("Hibernating", 1, 2, 1, 2), ("Lost", 0, 2, 0, 2),
]
SEGMENTS = ["Champions", "Loyal Customers", "Potential Loyalist", "New Customers", "Promising", "Need Attention",
            "About To Sleep", "At Risk", "Can't Lose Them", "Hibernating", "Lost"]


def segment_of(r, f, m):
    fm = (f + m) / 2.0
    for name, rlo, rhi, flo, fhi in RULES:
        if rlo < r <= rhi and flo < fm <= fhi:
            return name
    raise ValueError("no segment for %s %s %s" % (r, f, m))


def scores(customers, value):
    """1..5 by quintile of rank: sorted by (value, key), rank i of n scores 1 + 5i // n."""
    order = sorted(customers, key=lambda c: (value(c), c))
    n = len(order)
    return {c: 1 + (5 * i) // n for i, c in enumerate(order)}


def rfm(orders_by_customer, as_of):
    """orders_by_customer: key -> list of (day, cents). Returns the golden RFM block."""
    keys = sorted(orders_by_customer)
    last = {k: max(d for d, _ in orders_by_customer[k]) for k in keys}
    freq = {k: len(orders_by_customer[k]) for k in keys}
    money = {k: sum(c for _, c in orders_by_customer[k]) for k in keys}
    r = scores(keys, lambda k: -(as_of - last[k]))
    f = scores(keys, lambda k: freq[k])
    m = scores(keys, lambda k: money[k])
    grid = [[0] * 5 for _ in range(5)]
    seg = {}
    for k in keys:
        fm_rounded = (f[k] + m[k] + 1) // 2
        grid[r[k] - 1][fm_rounded - 1] += 1
        seg[k] = segment_of(r[k], f[k], m[k])
    rows = []
    for name in SEGMENTS:
        members = [k for k in keys if seg[k] == name]
        rows.append({
            "segment": name,
            "customers": len(members),
            "net_cents": sum(money[k] for k in members),
            "median_recency_days": median([as_of - last[k] for k in members]) if members else 0.0,
            "median_frequency": median([freq[k] for k in members]) if members else 0.0,
        })
    sample = {k: [r[k], f[k], m[k], seg[k]] for k in keys[:5] + keys[-5:]}
    return {"customers": len(keys), "grid": grid, "segments": rows, "sample_scores": sample}


def cohorts(orders_by_customer, as_of):
    """Acquisition-month cohorts: per cohort month, size, active per month since, net per month."""
    as_of_month = month_index(as_of)
    out = {}
    for k, orders in orders_by_customer.items():
        first = min(d for d, _ in orders)
        cm = month_index(first)
        cell = out.setdefault(cm, {"customers": 0, "active": [0] * (as_of_month - cm + 1),
                                   "net_cents": [0] * (as_of_month - cm + 1)})
        cell["customers"] += 1
        months = set()
        for d, cents in orders:
            mk = month_index(d) - cm
            months.add(mk)
            cell["net_cents"][mk] += cents
        for mk in months:
            cell["active"][mk] += 1
    rows = []
    for cm in sorted(out):
        c = out[cm]
        rows.append({"month": "%04d-%02d" % (cm // 12, cm % 12 + 1), "customers": c["customers"],
                     "active": c["active"], "net_cents": c["net_cents"]})
    return rows


def funnel(orders_by_customer, as_of, reviews=None, new_days=30, churn_days=180, factor=1.5):
    """Stage counts (docs/analyses.md): no reviews or NPS in these files, so no advocates."""
    def distinct_days(k):
        return sorted(set(d for d, _ in orders_by_customer[k]))
    gaps = []
    for k in orders_by_customer:
        days = distinct_days(k)
        if len(days) >= 2:
            gaps.append(days[1] - days[0])
    store = median(gaps) if gaps else -1
    counts = {s: 0 for s in ["new", "one_time", "repeat", "loyal", "advocate", "at_risk", "lapsed"]}
    for k, orders in orders_by_customer.items():
        days = distinct_days(k)
        n = len(orders)
        since = as_of - days[-1]
        if since >= churn_days:
            counts["lapsed"] += 1
            continue
        if len(days) >= 2:
            expected = median([b - a for a, b in zip(days, days[1:])])
        else:
            expected = store
        if expected >= 0 and since > factor * expected:
            counts["at_risk"] += 1
        elif n >= 3:
            counts["loyal"] += 1
        elif n == 2:
            counts["repeat"] += 1
        elif as_of - days[0] < new_days:
            counts["new"] += 1
        else:
            counts["one_time"] += 1
    return {"store_median_interval_days": store, "stages": counts}


def read_cdnow_master(path):
    orders = {}
    with open(path, "rb") as fh:
        lines = fh.read().decode("ascii").splitlines()
    for line in lines[1:]:
        parts = line.split()
        if not parts:
            continue
        cust, date, _cds, dollars = parts
        d = day_number(datetime.date(int(date[:4]), int(date[4:6]), int(date[6:8])))
        whole, _, frac = dollars.partition(".")
        cents = int(whole) * 100 + int((frac + "00")[:2])
        orders.setdefault("id:generic:" + cust, []).append((d, cents))
    return orders


def derive_cdnow(data_dir):
    orders = read_cdnow_master(os.path.join(data_dir, "lifetimes_CDNOW_master.txt"))
    as_of = max(d for v in orders.values() for d, _ in v)
    as_of_flow_from = as_of - 180
    early = {k: [(d, c) for d, c in v if d <= as_of_flow_from] for k, v in orders.items()}
    early = {k: v for k, v in early.items() if v}
    return {
        "file": "lifetimes_CDNOW_master.txt",
        "as_of": iso(as_of),
        "orders": sum(len(v) for v in orders.values()),
        "cohorts": cohorts(orders, as_of),
        "rfm": rfm(orders, as_of),
        "funnel": funnel(orders, as_of),
        "funnel_at": {"as_of": iso(as_of_flow_from), **funnel(early, as_of_flow_from)},
    }


def derive_groceries(data_dir, min_support=0.001, min_pair_count=5, top=50):
    """Baskets = (member, date); lines in file order; product ids in order of first appearance."""
    path = os.path.join(data_dir, "kaggle_Groceries_dataset.csv")
    with open(path, "rb") as fh:
        lines = fh.read().decode("utf-8").splitlines()
    product_id = {}
    baskets = {}        # (member, day) -> [product ids in file order]
    basket_order = []   # basket keys in order of first appearance (the order ids of the test's workspace)
    for line in lines[1:]:
        if not line:
            continue
        member, date, item = line.split(",", 2)
        dd, mm, yyyy = date.split("-")
        d = day_number(datetime.date(int(yyyy), int(mm), int(dd)))
        pid = product_id.setdefault(item, len(product_id))
        key = (member, d)
        if key not in baskets:
            baskets[key] = []
            basket_order.append(key)
        baskets[key].append(pid)
    names = {v: k for k, v in product_id.items()}
    as_of = max(d for _, d in baskets)
    n_baskets = len(baskets)

    # Replenishment: per (member, product) the sorted distinct days; intervals between them.
    days_of = {}
    for (member, d), items in baskets.items():
        for p in set(items):
            days_of.setdefault((member, p), set()).add(d)
    intervals = {}
    for (member, p), days in days_of.items():
        s = sorted(days)
        for a, b in zip(s, s[1:]):
            intervals.setdefault(p, []).append(b - a)
    repl = []
    for p, v in intervals.items():
        v.sort()
        customers = len({m for (m, q) in days_of if q == p and len(days_of[(m, q)]) >= 2})
        repl.append({"product": names[p], "intervals": len(v), "customers": customers,
                     "q1_days": quantile(v, 0.25), "median_days": quantile(v, 0.5), "q3_days": quantile(v, 0.75)})
    repl.sort(key=lambda r: (-r["intervals"], product_id[r["product"]]))

    # First product -> repeat; journeys.
    by_member = {}
    for (member, d) in basket_order:
        by_member.setdefault(member, []).append(d)
    fp = {}
    journeys = {}
    journey_first = {}
    for member, days in by_member.items():
        days.sort()
        first_items = baskets[(member, days[0])]
        for p in dict.fromkeys(first_items):
            row = fp.setdefault(p, [0, 0])
            row[0] += 1
            if len(days) >= 2:
                row[1] += 1
        first = first_items[0]
        journey_first[first] = journey_first.get(first, 0) + 1
        nxt = None
        for d in days[1:]:
            for p in baskets[(member, d)]:
                if p != first:
                    nxt = p
                    break
            if nxt is not None:
                break
        if nxt is not None:
            journeys[(first, nxt)] = journeys.get((first, nxt), 0) + 1
    fp_rows = sorted(([p, c, r] for p, (c, r) in fp.items()), key=lambda x: (-x[1], x[0]))
    jr = sorted(journeys.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))[:top]

    # Frequently bought together.
    count = {}
    pair = {}
    for items in baskets.values():
        s = sorted(set(items))
        for p in s:
            count[p] = count.get(p, 0) + 1
        for i in range(len(s)):
            for j in range(i + 1, len(s)):
                pair[(s[i], s[j])] = pair.get((s[i], s[j]), 0) + 1
    threshold = min_support * n_baskets
    fbt = []
    for (a, b), c in pair.items():
        if c < min_pair_count or c < threshold:
            continue
        lift = float(c) * float(n_baskets) / (float(count[a]) * float(count[b]))
        fbt.append((-lift, -c, a, b, c, lift))
    fbt.sort()
    fbt_rows = [{"a": names[a], "b": names[b], "count": c, "support": c / n_baskets,
                 "confidence_a_to_b": c / count[a], "confidence_b_to_a": c / count[b], "lift": lift}
                for _, _, a, b, c, lift in fbt[:top]]
    return {
        "file": "kaggle_Groceries_dataset.csv",
        "as_of": iso(as_of),
        "baskets": n_baskets,
        "products": len(product_id),
        "replenishment_top": repl[:20],
        "replenishment_products": len(repl),
        "first_product_top": [{"product": names[p], "customers": c, "repeat_customers": r} for p, c, r in fp_rows[:20]],
        "journeys": [{"first": names[a], "next": names[b], "customers": c, "share_of_first": c / journey_first[a]}
                     for (a, b), c in jr],
        "bought_together_pairs": len(fbt),
        "bought_together": fbt_rows,
    }


# --- A Shopify orders export (Enavant): order rows carry a Currency; later rows of an order are its other lines.
def normalize_email(raw):
    e = raw.strip().lower()
    at = e.find("@")
    if at <= 0 or at == len(e) - 1 or e.count("@") != 1:
        return ""
    return e


def normalize_phone(raw):
    t = raw.strip().lstrip("'")
    digits = "".join(ch for ch in t if ch.isdigit())
    if len(digits) < 6:
        return ""
    return ("+" if t.startswith("+") else "") + digits


def read_shopify_orders(path):
    import csv
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    col = {name: i for i, name in reversed(list(enumerate(header)))}
    orders = []
    for row in rows[1:]:
        get = lambda name: row[col[name]] if name in col and col[name] < len(row) else ""
        if not get("Currency").strip():
            continue
        created = get("Created at").strip()
        d = day_number(datetime.date(int(created[0:4]), int(created[5:7]), int(created[8:10])))
        valid = (not get("Cancelled at").strip() and get("Financial Status").strip().lower() != "voided"
                 and "bogus" not in get("Payment Method").lower()
                 and "test" not in [t.strip().lower() for t in get("Tags").split(",")])

        def cents(text):
            text = text.strip()
            if not text:
                return 0
            neg = text.startswith("-")
            whole, _, frac = text.lstrip("-").partition(".")
            v = int(whole or "0") * 100 + int((frac + "00")[:2])
            return -v if neg else v
        phone = normalize_phone(get("Phone")) or normalize_phone(get("Billing Phone")) or normalize_phone(get("Shipping Phone"))
        orders.append({"email": normalize_email(get("Email")), "phone": phone, "day": d, "valid": valid,
                       "net": cents(get("Total")) - cents(get("Refunded Amount")), "source": get("Source").strip()})
    # Identity, as the merge resolves it (DESIGN §2, core/workspace/merge.cpp), order rows in file order: a known
    # email names its customer; else a known phone does, unless the row has an email and that customer already
    # has another one (two people sharing a phone stay two customers); otherwise a new customer keyed by the
    # email, else the phone. Every identifier of the row then becomes an alias of that customer (the first owner
    # of an alias keeps it), and a customer without an email takes the row's.
    alias = {}
    has_email = {}
    keys = []
    for o in orders:
        key = None
        if o["email"] and "email:" + o["email"] in alias:
            key = alias["email:" + o["email"]]
        elif o["phone"] and "phone:" + o["phone"] in alias and (not o["email"] or not has_email[alias["phone:" + o["phone"]]]):
            key = alias["phone:" + o["phone"]]
        elif o["email"] or o["phone"]:
            key = ("email:" + o["email"]) if o["email"] else ("phone:" + o["phone"])
        if key is not None:
            has_email[key] = has_email.get(key, False) or bool(o["email"])
            if o["email"]:
                alias.setdefault("email:" + o["email"], key)
            if o["phone"]:
                alias.setdefault("phone:" + o["phone"], key)
        keys.append(key)
    for o, key in zip(orders, keys):
        o["key"] = key

    def key_of(o):
        return o["key"]
    by_customer = {}
    first_source = {}
    for o in sorted(orders, key=lambda o: o["day"]):
        key = key_of(o)
        if key is None or not o["valid"]:
            continue
        by_customer.setdefault(key, []).append((o["day"], o["net"]))
        first_source.setdefault(key, o["source"])
    return by_customer, first_source


def derive_shopify(data_dir, name):
    orders, first_source = read_shopify_orders(os.path.join(data_dir, name))
    as_of = max(d for v in orders.values() for d, _ in v)
    groups = {}
    for k, v in orders.items():
        groups.setdefault(first_source[k] or "(none)", {})[k] = v
    return {
        "file": name,
        "as_of": iso(as_of),
        "customers": len(orders),
        "net_cents": sum(c for v in orders.values() for _, c in v),
        "cohorts": cohorts(orders, as_of),
        "cohorts_by_source": {label: cohorts(g, as_of) for label, g in groups.items()},
        "rfm": rfm(orders, as_of),
        "funnel": funnel(orders, as_of),
    }


def close(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b


def compare(a, b, path=""):
    if isinstance(a, dict):
        if not isinstance(b, dict) or set(a) != set(b):
            return [path]
        return [m for k in a for m in compare(a[k], b[k], path + "/" + str(k))]
    if isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            return [path]
        return [m for i in range(len(a)) for m in compare(a[i], b[i], path + "/" + str(i))]
    return [] if close(a, b) else [path]


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data"
    check = "--check" in sys.argv
    results = {"cdnow_master.json": derive_cdnow(data_dir), "kaggle_groceries.json": derive_groceries(data_dir),
               "shopify_enavant.json": derive_shopify(data_dir, "shopify_enavant_orders_export_1.csv")}
    status = 0
    for name, value in results.items():
        path = os.path.join(HERE, name)
        derived = json.loads(json.dumps(value))
        if check:
            with open(path) as fh:
                stored = json.load(fh)
            bad = compare(derived, stored)
            print(("ok " + name) if not bad else ("MISMATCH %s: %s" % (name, ", ".join(bad[:5]))))
            status |= bool(bad)
        else:
            with open(path, "w") as fh:
                json.dump(value, fh, indent=1, sort_keys=True)
                fh.write("\n")
            print("wrote " + path)
    return status


if __name__ == "__main__":
    sys.exit(main())
