#!/usr/bin/env python3
"""Scores a cleaned roster against the ground truth of `dangbo gen-roster --messy`.

    clean_score.py --input MESSY.csv --truth TRUTH.csv --out OUT.csv [--findings FINDINGS.csv]
                   [--name LABEL] [--json SUMMARY.json]

For every spoiled cell listed in the truth (format: src/quality/messy.hpp):
  - expect=fix:  found = a finding on that cell or the value changed; fixed = OUT holds `correct`;
  - expect=flag: found = a finding on that cell; "changed wrongly" = OUT changed it to something
                 other than `correct` (the input value kept, or the true value, are both fine);
  - expect=none: a legitimate value: counted with the correct cells.
Every other cell of the input is correct: "correct values changed" counts those whose OUT value
differs. Dates compare as dates (dd/mm/yyyy, yyyy-mm-dd, mm/yyyy, yyyy), everything else as NFC
text. Rows are matched by STT (OUT may omit rejected rows). FINDINGS is the dangbo format
(line,id,column,…); a peer writes the same columns (id = STT).
"""
import argparse
import collections
import csv
import json
import re
import sys
import unicodedata

csv.field_size_limit(1 << 30)

DATE_COLS = {"Ngày sinh", "Ngày vào Đảng", "Ngày chính thức", "Ngày cấp thẻ"}
ENC_SUFFIXES = ("_tcvn3", "_vni", "_viqr", "_utf8_as_cp1252")


def norm_date(s):
    s = s.strip()
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
    if m:
        return (int(m[3]), int(m[2]), int(m[1]))
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00)?", s)
    if m:
        return (int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{1,2})/(\d{4})", s)
    if m:
        return (int(m[2]), int(m[1]), 0)
    m = re.fullmatch(r"(\d{4})-(\d{2})", s)
    if m:
        return (int(m[1]), int(m[2]), 0)
    m = re.fullmatch(r"(\d{4})", s)
    if m:
        return (int(m[1]), 0, 0)
    return s


def same(col, a, b):
    if a == b:
        return True
    if col in DATE_COLS:
        return norm_date(a) == norm_date(b)
    return unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)


def category(kind):
    if kind.endswith(ENC_SUFFIXES) or kind in ("name_nfd", "name_eth", "name_zero_width"):
        return "encoding"
    if kind.startswith("date_"):
        return "date"
    if kind.startswith("cccd_"):
        return "id"
    if kind.startswith("phone_"):
        return "phone"
    if kind.startswith("rule_"):
        return "rules"
    if kind.startswith("address_") or kind.startswith("place_"):
        return "address"
    return "other"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--findings")
    ap.add_argument("--name", default="dangbo")
    ap.add_argument("--json")
    ap.add_argument("--examples", type=int, default=3)
    a = ap.parse_args()

    truth = {}
    with open(a.truth, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            if r["expect"] == "cluster":
                continue
            truth[(r["stt"], r["column"])] = r

    flagged = set()
    if a.findings:
        with open(a.findings, encoding="utf-8-sig", newline="") as f:
            for r in csv.DictReader(f):
                flagged.add((r["id"], r["column"]))

    n = collections.Counter()
    found = collections.Counter()
    fixed = collections.Counter()
    wrong = collections.Counter()
    expect_of = {}
    examples = collections.defaultdict(list)
    cells = changed = 0
    changed_by_col = collections.Counter()
    change_examples = collections.defaultdict(list)
    rows_in = rows_out = 0

    fin = open(a.input, encoding="utf-8-sig", newline="")
    fout = open(a.out, encoding="utf-8-sig", newline="")
    rin, rout = csv.reader(fin), csv.reader(fout)
    hin, hout = next(rin), next(rout)
    stt_in, stt_out = hin.index("STT"), hout.index("STT")
    out_idx = {h: i for i, h in enumerate(hout)}
    cols = [(i, h, out_idx.get(h)) for i, h in enumerate(hin)]
    orow = next(rout, None)
    for irow in rin:
        if not any(c.strip() for c in irow):
            continue
        rows_in += 1
        stt = irow[stt_in].strip()
        # OUT rows come in input order; rejected rows are missing.
        while orow is not None and orow[stt_out].strip() != stt and stt.isdigit() and orow[stt_out].strip().isdigit() \
                and int(orow[stt_out]) < int(stt):
            orow = next(rout, None)
        o = orow if (orow is not None and orow[stt_out].strip() == stt) else None
        if o is not None:
            rows_out += 1
            orow = next(rout, None)
        for i, col, oi in cols:
            vin = irow[i] if i < len(irow) else ""
            vout = o[oi] if (o is not None and oi is not None and oi < len(o)) else vin
            t = truth.get((stt, col))
            if t is not None and t["expect"] in ("fix", "flag"):
                k = t["kind"]
                expect_of[k] = t["expect"]
                n[k] += 1
                if t["expect"] == "fix":
                    if (stt, col) in flagged or vout != vin:
                        found[k] += 1
                    if same(col, vout, t["correct"]):
                        fixed[k] += 1
                    elif len(examples[k]) < a.examples:
                        examples[k].append((stt, col, vin, vout, t["correct"]))
                else:
                    if (stt, col) in flagged:
                        found[k] += 1
                    elif len(examples[k]) < a.examples:
                        examples[k].append((stt, col, vin, vout, "(finding expected)"))
                    if not same(col, vout, vin) and not same(col, vout, t["correct"]):
                        wrong[k] += 1
                continue
            cells += 1
            if not same(col, vout, vin):
                changed += 1
                changed_by_col[col] += 1
                if len(change_examples[col]) < a.examples:
                    change_examples[col].append((stt, vin, vout))
    fin.close()
    fout.close()

    print(f"== {a.name}: quality against the truth ({rows_in} rows in, {rows_out} rows out)")
    print(f"{'kind':34} {'expect':6} {'cells':>7} {'found':>8} {'fixed':>8} {'changed wrongly':>16}")
    cat = collections.defaultdict(lambda: [0, 0, 0])
    for k in sorted(n):
        e = expect_of[k]
        fx = f"{100.0 * fixed[k] / n[k]:7.2f}%" if e == "fix" else "     n/a"
        print(f"{k:34} {e:6} {n[k]:7d} {100.0 * found[k] / n[k]:7.2f}% {fx} {wrong[k]:16d}")
        c = cat[(category(k), e)]
        c[0] += n[k]
        c[1] += found[k]
        c[2] += fixed[k]
    print("by category:")
    summary = {"name": a.name, "rows_in": rows_in, "rows_out": rows_out, "categories": {}, "kinds": {},
               "correct_cells": cells, "correct_changed": changed}
    for (c, e), (t, fo, fi) in sorted(cat.items()):
        line = f"  {c:10} {e:5} {t:8d} cells: found {100.0 * fo / t:6.2f}%"
        if e == "fix":
            line += f", fixed {100.0 * fi / t:6.2f}%"
        print(line)
        summary["categories"][f"{c}/{e}"] = {"cells": t, "found": fo / t, "fixed": fi / t if e == "fix" else None}
    for k in n:
        summary["kinds"][k] = {"expect": expect_of[k], "cells": n[k], "found": found[k] / n[k],
                               "fixed": fixed[k] / n[k] if expect_of[k] == "fix" else None, "changed_wrongly": wrong[k]}
    print(f"correct values changed: {changed} of {cells} correct cells")
    for col, k in changed_by_col.most_common():
        print(f"  {col}: {k}  e.g. " + "; ".join(f"STT {s}: {vi!r} -> {vo!r}" for s, vi, vo in change_examples[col]))
    if a.examples:
        bad = [(k, ex) for k, ex in examples.items() if ex]
        if bad:
            print("examples of cells not fixed / not found:")
            for k, ex in sorted(bad):
                for s, col, vi, vo, c in ex:
                    print(f"  {k}: STT {s} {col}: {vi!r} -> {vo!r} (expected {c!r})")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    sys.exit(main())
