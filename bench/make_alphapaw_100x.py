#!/usr/bin/env python3
"""Builds the 100x Alpha Paw orders file used by the benchmarks (/work/shared/PEERS.md, section 2).

The original file is written once, then 99 copies of its body (everything after the header line) in
which, for copy NNN = 001..099, `#AP-<n>` becomes `#AP-<n>-cNNN` and `customer<hex>@example.com` (either
case of the C) becomes `customer<hex>.cNNN@example.com`. The raw text is rewritten, so quoting and the
embedded newlines stay as they are. The result must be 317,300,300 bytes (512,100 records).

usage: make_alphapaw_100x.py [OUTPUT] [--source FILE]
       default OUTPUT bench/out/alphapaw_100x.csv, default FILE ../shared/data/shopify_alphapaw_orders_export_1.csv
"""
import os
import re
import sys

EXPECTED_BYTES = 317_300_300
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCE = os.path.join(HERE, "..", "..", "shared", "data", "shopify_alphapaw_orders_export_1.csv")
DEFAULT_OUTPUT = os.path.join(HERE, "out", "alphapaw_100x.csv")

ORDER_NAME = re.compile(rb"(#AP-\d+)")
EMAIL = re.compile(rb"([Cc]ustomer[0-9A-Fa-f]+)(@example\.com)")


def main(argv):
    args = [a for a in argv[1:]]
    source = DEFAULT_SOURCE
    if "--source" in args:
        i = args.index("--source")
        source = args[i + 1]
        del args[i:i + 2]
    output = args[0] if args else DEFAULT_OUTPUT
    with open(source, "rb") as f:
        original = f.read()
    header_end = original.index(b"\n") + 1  # the header holds no quoted newline
    body = original[header_end:]
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "wb") as out:
        out.write(original)
        for copy in range(1, 100):
            tag = b"-c%03d" % copy
            dot_tag = b".c%03d" % copy
            text = ORDER_NAME.sub(lambda m: m.group(1) + tag, body)
            text = EMAIL.sub(lambda m: m.group(1) + dot_tag + m.group(2), text)
            out.write(text)
    size = os.path.getsize(output)
    status = "ok" if size == EXPECTED_BYTES else "MISMATCH (expected %d)" % EXPECTED_BYTES
    print("%s: %d bytes, %s" % (output, size, status))
    return 0 if size == EXPECTED_BYTES else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
