#!/usr/bin/env python3
"""Precision, recall and F1 of a pair list against a truth file.

  dedupe_eval.py --truth T.csv --pairs P.csv [--threshold 0.95] [--prob probability]
                 [--id-a id_a] [--id-b id_b] [--json]

truth: "stt,person" (bench/dedupe_gen: every row of a person with more than one row) or the
quality module's truth file (gen-roster --messy --duplicates: lines of kind "duplicate"). pairs: CSV with the two row ids and a probability (or a
similarity for peers). Two measures:
  pairs     — the pairs at or above the threshold, as predicted links;
  clusters  — the connected components of those links, every pair inside a component a link
              (what merging would do).
"""
import argparse, csv, json, sys
from collections import defaultdict


def load_truth(path):
    # "stt,person" (dedupe_gen) or the quality module's "stt,column,kind,expect,correct,dirty"
    # (rows of kind "duplicate" carry the cluster id in "correct").
    person = {}
    with open(path, newline='', encoding='utf-8-sig', errors='replace') as f:
        r = csv.reader(f)
        head = next(r)
        quality = 'kind' in head
        for row in r:
            if quality:
                if len(row) >= 5 and row[2] == 'duplicate':
                    person[row[0]] = row[4]
            elif len(row) >= 2:
                person[row[0]] = row[1]
    groups = defaultdict(list)
    for rid, p in person.items():
        groups[p].append(rid)
    true_pairs = set()
    for ids in groups.values():
        ids.sort()
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                true_pairs.add((ids[i], ids[j]))
    return person, true_pairs


def key(a, b):
    return (a, b) if a < b else (b, a)


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--truth', required=True)
    ap.add_argument('--pairs', required=True)
    ap.add_argument('--threshold', type=float, default=0.95)
    ap.add_argument('--prob', default='probability')
    ap.add_argument('--id-a', default='id_a')
    ap.add_argument('--id-b', default='id_b')
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()
    person, true_pairs = load_truth(a.truth)
    links = set()
    with open(a.pairs, newline='', encoding='utf-8-sig', errors='replace') as f:
        r = csv.DictReader(f)
        for row in r:
            if float(row[a.prob]) >= a.threshold:
                x, y = row[a.id_a], row[a.id_b]
                if x != y:
                    links.add(key(x, y))
    tp = len(links & true_pairs)
    pp, pr, pf = prf(tp, len(links) - tp, len(true_pairs) - tp)
    # clusters
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in links:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)
    comp = defaultdict(list)
    for x in list(parent):
        comp[find(x)].append(x)
    cl_pairs = 0
    cl_tp = 0
    largest = 0
    for ids in comp.values():
        largest = max(largest, len(ids))
        ids.sort()
        n = len(ids)
        cl_pairs += n * (n - 1) // 2
        for i in range(n):
            for j in range(i + 1, n):
                if (ids[i], ids[j]) in true_pairs:
                    cl_tp += 1
    cp, cr, cf = prf(cl_tp, cl_pairs - cl_tp, len(true_pairs) - cl_tp)
    out = {'threshold': a.threshold, 'true_pairs': len(true_pairs), 'predicted_pairs': len(links),
           'pairs': {'tp': tp, 'fp': len(links) - tp, 'fn': len(true_pairs) - tp,
                     'precision': pp, 'recall': pr, 'f1': pf},
           'clusters': {'pairs': cl_pairs, 'tp': cl_tp, 'fp': cl_pairs - cl_tp, 'fn': len(true_pairs) - cl_tp,
                        'precision': cp, 'recall': cr, 'f1': cf, 'largest': largest}}
    if a.json:
        print(json.dumps(out))
    else:
        print(f"threshold {a.threshold}: true pairs {len(true_pairs)}, predicted {len(links)}")
        print(f"  pairs:    precision {pp:.4f} recall {pr:.4f} F1 {pf:.4f} (tp {tp}, fp {len(links)-tp}, fn {len(true_pairs)-tp})")
        print(f"  clusters: precision {cp:.4f} recall {cr:.4f} F1 {cf:.4f} (largest {largest})")


if __name__ == '__main__':
    main()
