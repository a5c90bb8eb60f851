#!/usr/bin/env python3
"""eval_crosscheck.py -- `jobmatch eval` against trec_eval (pytrec-eval-terrier) and ranx.

Usage (normally through Tools/eval-crosscheck.sh, which creates the venv):
    python Tools/eval_crosscheck.py --jobmatch PATH [--seed N] [--queries N] [--pair QRELS RUN ...]

What is compared, value by value (tolerance 1e-9):
  1. Seeded random qrels and runs (graded 0-3 and negative grades, unjudged documents, ties on
     equal scores, scores that differ only below float32 precision -- trec_eval keeps scores as
     32-bit floats -- ASCII and Hangul docids, queries only in the run, only in the qrels, and
     qrels queries without a relevant document): every measure of `jobmatch eval --json
     --per-query` for every query, and the means, against pytrec_eval with trec_eval's own
     measures (ndcg_cut, ndcg, recip_rank, P, recall, map, map_cut, success); judged@k against
     pytrec_eval's P@k on the qrels with every judged document made relevant. With --complete,
     the mean over every qrels query (missing ones 0), as trec_eval -c computes it.
  2. The given QRELS RUN pairs (the dev sets, when present) the same way.
  3. The paired t-test p-values of `jobmatch eval --run A --run B` against ranx's Student t-test
     (ranx.statistical_tests) fed the same per-query values (tolerance 1e-6).
Prints how many values were compared and the largest difference; exit 1 on any mismatch.
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile

import pytrec_eval

TOL = 1e-9
CUTS = [1, 3, 5, 10, 20, 100]
MEASURE_ARG = ("ndcg@1,3,5,10,20,100 ndcg mrr p@1,3,5,10,20,100 r@1,3,5,10,20,100 "
               "map map@10,100 success@1,3,5,10 judged@1,5,10,100")


def trec_name(ours):
    """jobmatch's measure name -> (pytrec_eval measure, key in its output, judged?)."""
    if ours == "nDCG":
        return "ndcg", "ndcg", False
    if ours == "MRR":
        return "recip_rank", "recip_rank", False
    if ours == "MAP":
        return "map", "map", False
    base, k = ours.split("@")
    return {
        "nDCG": ("ndcg_cut.%s" % k, "ndcg_cut_%s" % k, False),
        "P": ("P.%s" % k, "P_%s" % k, False),
        "R": ("recall.%s" % k, "recall_%s" % k, False),
        "MAP": ("map_cut.%s" % k, "map_cut_%s" % k, False),
        "success": ("success.%s" % k, "success_%s" % k, False),
        "judged": ("P.%s" % k, "P_%s" % k, True),
    }[base]


def read_qrels(path):
    q = {}
    for line in open(path, encoding="utf-8"):
        p = line.split()
        if p:
            q.setdefault(p[0], {})[p[2]] = int(p[3])
    return q


def read_run(path):
    r = {}
    for line in open(path, encoding="utf-8"):
        p = line.split()
        if p:
            r.setdefault(p[0], {})[p[2]] = float(p[4])
    return r


def jobmatch_eval(jm, qrels_path, run_paths, complete=False, measures=MEASURE_ARG):
    cmd = [jm, "eval", "--qrels", qrels_path, "--measures", measures, "--json", "--per-query"]
    for r in run_paths:
        cmd += ["--run", r]
    if complete:
        cmd.append("--complete")
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("jobmatch eval failed: %s\n%s" % (" ".join(cmd), out.stderr))
    return json.loads(out.stdout)


class Tally:
    def __init__(self):
        self.values = 0
        self.worst = 0.0
        self.failures = []

    def check(self, what, ours, theirs, tol=TOL):
        self.values += 1
        d = abs(ours - theirs)
        self.worst = max(self.worst, d)
        if not d <= tol:
            self.failures.append("%s: jobmatch %.12g, reference %.12g" % (what, ours, theirs))


def compare_pair(jm, qrels_path, run_path, label, tally):
    qrels, run = read_qrels(qrels_path), read_run(run_path)
    judged_qrels = {q: {d: 1 for d in docs} for q, docs in qrels.items()}
    for complete in (False, True):
        ours = jobmatch_eval(jm, qrels_path, [run_path], complete=complete)
        names = ours["measures"]
        wanted = {trec_name(n)[0] for n in names if not trec_name(n)[2]}
        ref = pytrec_eval.RelevanceEvaluator(qrels, wanted).evaluate(run)
        wanted_j = {trec_name(n)[0] for n in names if trec_name(n)[2]}
        ref_j = pytrec_eval.RelevanceEvaluator(judged_qrels, wanted_j).evaluate(run)
        per_query = ours["runs"][0]["perQuery"]
        expected_queries = sorted(set(qrels) if complete else set(qrels) & set(run))
        if sorted(per_query) != expected_queries:
            tally.failures.append("%s: queries evaluated differ (complete=%s): %d vs %d"
                                  % (label, complete, len(per_query), len(expected_queries)))
            continue
        for n in names:
            _, key, judged = trec_name(n)
            source = ref_j if judged else ref
            total = 0.0
            for q in expected_queries:
                theirs = source.get(q, {}).get(key, 0.0)  # trec_eval -c: a missing query scores 0
                total += theirs
                tally.check("%s %s %s" % (label, n, q), per_query[q][n], theirs)
            mean = total / len(expected_queries) if expected_queries else 0.0
            tally.check("%s mean %s (complete=%s)" % (label, n, complete), ours["runs"][0]["means"][n], mean)


def synthetic(rng, n_queries, variant):
    """Random graded qrels and a tie-heavy run as text."""
    alphabet = ["a", "b", "B", "d-1", "d-10", "jd-K0001", "가", "간", "나", "z_", "공고"]
    qrels, run = [], []
    for qi in range(n_queries):
        q = "q%03d" % qi
        pool = sorted({rng.choice(alphabet) + str(rng.randrange(60)) for _ in range(rng.randrange(3, rng.choice([40, 150])))})
        kind = rng.random()
        if kind < 0.07:
            judged = {}
        elif kind < 0.13:
            judged = {d: rng.choice([0, -1]) for d in rng.sample(pool, min(3, len(pool)))}
        else:
            judged = {d: rng.choice([-1, 0, 0, 1, 1, 2, 3]) for d in rng.sample(pool, rng.randrange(1, len(pool) + 1))}
            if rng.random() < 0.1:
                judged["unretrieved-%d" % qi] = 2
        for d, g in judged.items():
            qrels.append("%s %d %s %d" % (q, rng.randrange(3), d, g))
        if judged and rng.random() < 0.08:
            continue
        base = rng.choice([1.0, 0.37, 12.5])
        for d in rng.sample(pool, rng.randrange(1, len(pool) + 1)):
            style = rng.random()
            if style < 0.4:
                v = rng.choice([base, base * 2, base / 2, 0.0, -base])
            elif style < 0.6:
                v = base + rng.choice([1e-10, -1e-10, 3e-9, 0.0])  # equal once rounded to float32
            else:
                v = rng.uniform(-3, 3)
            text = rng.choice([repr(v), "%.6f" % v, "%g" % v, "%.17g" % v])
            run.append("%s Q0 %s %d %s run-%d" % (q, d, rng.randrange(1, 500), text, variant))
    rng.shuffle(run)
    return "\n".join(qrels) + "\n", "\n".join(run) + "\n"


def student_p_from_ranx(a, b):
    """Two-sided paired t-test p from ranx's own implementation."""
    import numpy as np
    from ranx.statistical_tests import paired_student_t_test
    return float(paired_student_t_test(np.array(a, dtype=np.float64), np.array(b, dtype=np.float64))[0])


def compare_tests(jm, qrels_path, run_a, run_b, label, tally):
    ours = jobmatch_eval(jm, qrels_path, [run_a, run_b])
    queries = sorted(ours["runs"][0]["perQuery"])
    for n in ours["measures"]:
        a = [ours["runs"][1]["perQuery"][q][n] for q in queries]
        b = [ours["runs"][0]["perQuery"][q][n] for q in queries]
        ref = student_p_from_ranx(b, a)
        mine = ours["runs"][1]["tests"][n].get("p")
        if mine is None or (isinstance(ref, float) and math.isnan(ref)):
            # identical per-query values: ranx returns nan, jobmatch p = 1
            if all(x == y for x, y in zip(a, b)) and mine == 1:
                continue
            tally.failures.append("%s t-test %s: jobmatch %r, ranx %r" % (label, n, mine, ref))
            continue
        tally.check("%s t-test p %s" % (label, n), mine, ref, tol=1e-6)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobmatch", required=True)
    ap.add_argument("--seed", type=int, default=20261127)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--pair", nargs=2, action="append", default=[], metavar=("QRELS", "RUN"))
    args = ap.parse_args()
    tally = Tally()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        qrels_text, run_a = synthetic(rng, args.queries, 1)
        # a second run over the same judgments for the significance tests
        _, run_b = synthetic(random.Random(args.seed + 1), args.queries, 2)
        qp, ra, rb = (os.path.join(tmp, n) for n in ("qrels", "a.run", "b.run"))
        open(qp, "w", encoding="utf-8").write(qrels_text)
        open(ra, "w", encoding="utf-8").write(run_a)
        open(rb, "w", encoding="utf-8").write(run_b)
        before = tally.values
        compare_pair(args.jobmatch, qp, ra, "synthetic", tally)
        print("synthetic (seed %d, %d queries): %d values compared with trec_eval" % (args.seed, args.queries, tally.values - before))
        before = tally.values
        compare_tests(args.jobmatch, qp, ra, rb, "synthetic", tally)
        print("synthetic: %d t-test p-values compared with ranx" % (tally.values - before))
    for qrels_path, run_path in args.pair:
        before = tally.values
        compare_pair(args.jobmatch, qrels_path, run_path, os.path.basename(qrels_path), tally)
        print("%s × %s: %d values compared with trec_eval" % (qrels_path, os.path.basename(run_path), tally.values - before))
    if len(args.pair) >= 2 and args.pair[0][0] == args.pair[1][0]:
        before = tally.values
        compare_tests(args.jobmatch, args.pair[0][0], args.pair[0][1], args.pair[1][1], "pairs", tally)
        print("%d t-test p-values compared with ranx on the given runs" % (tally.values - before))
    print("compared %d values; largest difference %.3g" % (tally.values, tally.worst))
    for f in tally.failures[:20]:
        print("MISMATCH " + f)
    if tally.failures:
        print("EVAL CROSSCHECK FAIL (%d mismatches)" % len(tally.failures))
        return 1
    print("EVAL CROSSCHECK PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
