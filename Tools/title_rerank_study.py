#!/usr/bin/env python3
"""title_rerank_study.py -- would title-to-title features re-rank titles-dev better? (a study, not the engine)

Usage (from the repo root, after `KEEP=DIR Tools/dev-eval.sh` has written DIR/titles-dev/run.txt):
    python3 Tools/title_rerank_study.py DIR/titles-dev/run.txt [--data ../shared/data]

It re-ranks each query's top 100 of a JobMatch TREC run by
    score / best score of the query + sum_i w_i * feature_i(desired title, posting title)
and reports nDCG@10 (Tools/trec_measures.py: trec_eval's rules, ties included) three ways:
  - with no features (the run as it is);
  - two-fold: queries split by their relevant entry (so the variants of one entry never sit on
    both sides), weights fitted by coordinate ascent on one fold, measured on the other;
  - one feature at fixed weights over all queries (the simple rule an engine would carry).
Features compare the two titles after dropping parenthesised parts, case and everything but
Hangul, Latin letters and digits: bigram coverage of the query and of the title, common suffix
and common prefix (over the query's length), query in title, title in query, length difference,
longest common substring, shared syllables, common prefix over the title's length.

The shared data is read in place (never copied into the repo); nothing here feeds the engine.
Standard library only. Deterministic: same run, same output.
"""

import argparse
import hashlib
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from trec_measures import InputError, evaluate_query, read_qrels, read_run  # noqa: E402

NAMES = ["score/best", "bigram coverage of query", "bigram coverage of title", "common suffix / query",
         "common prefix / query", "query in title", "title in query", "length difference / query",
         "longest common substring / query", "shared syllables / query", "common prefix / title"]
GRID = [-0.8, -0.4, -0.2, -0.1, -0.05, 0.0, 0.05, 0.1, 0.2, 0.4, 0.8, 1.2]


def normalised(title):
    title = re.sub(r"\(.*?\)", "", title).lower()
    return re.sub(r"[^0-9a-z가-힣]", "", title)


def bigrams(text):
    return {text[i:i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def common_prefix(a, b):
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def common_suffix(a, b):
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def longest_common_substring(a, b):
    best = 0
    for i in range(len(a)):
        j = i + best + 1
        while j <= len(a) and a[i:j] in b:
            best = j - i
            j += 1
    return best


def features(query, title, score, best):
    q, t = normalised(query), normalised(title)
    qb, tb = bigrams(q), bigrams(t)
    shared = len(qb & tb)
    lq, lt = max(1, len(q)), max(1, len(t))
    return [score / best if best else 0.0, shared / max(1, len(qb)), shared / max(1, len(tb)),
            common_suffix(q, t) / lq, common_prefix(q, t) / lq, 1.0 if q and q in t else 0.0,
            1.0 if t and t in q else 0.0, abs(len(q) - len(t)) / lq, longest_common_substring(q, t) / lq,
            len(set(q) & set(t)) / max(1, len(set(q))), common_prefix(q, t) / lt]


def ndcg10(queries, rows, qrels, weights):
    total = 0.0
    for qid in queries:
        scores = {doc: sum(w * f for w, f in zip(weights, feats)) for doc, feats in rows.get(qid, [])}
        total += evaluate_query(qrels[qid], scores)["ndcg_cut_10"]
    return total / len(queries)


def fit(queries, rows, qrels):
    weights = [1.0] + [0.0] * (len(NAMES) - 1)
    best = ndcg10(queries, rows, qrels, weights)
    for _ in range(3):
        for i in range(1, len(NAMES)):
            for v in GRID:
                trial = list(weights)
                trial[i] = v
                s = ndcg10(queries, rows, qrels, trial)
                if s > best + 1e-9:
                    best, weights = s, trial
    return weights, best


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("run")
    p.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data"))
    a = p.parse_args()
    titles = {}
    with open(os.path.join(a.data, "jobdict.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            titles[d["id"]] = d["title"]
    query = {}
    with open(os.path.join(a.data, "eval", "titles-dev.seekers.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            query[d["id"]] = d["desiredTitle"]
    try:
        qrels = read_qrels(os.path.join(a.data, "eval", "titles-dev.qrels"))
        run = read_run(a.run)
    except InputError as e:
        sys.exit(f"error: {e}")
    rows = {}
    for qid, results in run.items():
        if qid not in query:
            sys.exit(f"{a.run}: query {qid} is not in titles-dev")
        best = max(results.values())
        rows[qid] = [(doc, features(query[qid], titles[doc], s, best)) for doc, s in sorted(results.items())]
    # the one relevant entry of each query (known-item search) decides its fold
    relevant = {q: min(d for d, g in j.items() if g > 0) for q, j in qrels.items() if any(g > 0 for g in j.values())}
    queries = sorted(relevant)
    folds = [[q for q in queries if int(hashlib.md5(relevant[q].encode()).hexdigest(), 16) % 2 == k] for k in (0, 1)]
    plain = [1.0] + [0.0] * (len(NAMES) - 1)
    print(f"queries {len(queries)} (folds {len(folds[0])} / {len(folds[1])})")
    print(f"the run as it is: nDCG@10 {ndcg10(queries, rows, qrels, plain):.4f}")
    held_out = 0.0
    for k in (0, 1):
        weights, train = fit(folds[k], rows, qrels)
        test = ndcg10(folds[1 - k], rows, qrels, weights)
        before = ndcg10(folds[1 - k], rows, qrels, plain)
        held_out += test * len(folds[1 - k])
        chosen = ", ".join(f"{NAMES[i]} {w:+.2f}" for i, w in enumerate(weights) if i > 0 and w != 0)
        print(f"fitted on fold {k}: {train:.4f}; on fold {1 - k}: {before:.4f} -> {test:.4f}  ({chosen})")
    print(f"two-fold held-out nDCG@10: {held_out / len(queries):.4f}")
    for w in (0.4, 0.6, 0.8, 1.0):
        weights = list(plain)
        weights[4] = w
        print(f"common prefix / query at {w}: nDCG@10 {ndcg10(queries, rows, qrels, weights):.4f}")


if __name__ == "__main__":
    main()
