#!/usr/bin/env python3
"""trec_measures.py -- trec_eval-compatible retrieval measures, in pure Python.

Usage (from the repo root):
    python3 Tools/trec_measures.py QRELS RUN [--per-query] [--json]
    python3 Tools/trec_measures.py --selfcheck [--seed N] [--queries N] [QRELS RUN]

Measures (names as trec_eval prints them):
    ndcg_cut_10  nDCG@10: gain = relevance grade of the qrels line, discount
                 log2(rank + 1), ideal DCG from all judged docs with grade >= 1
                 of that query (cut at 10 as well).
    recip_rank   1 / rank of the first retrieved doc with grade >= 1 (0 if none).
    recall_10    relevant docs (grade >= 1) in the top 10 / relevant docs.
    recall_100   same, top 100.
    P_10         relevant docs in the top 10 / 10 (always divided by 10).

Input formats:
    QRELS  "qid iter docid grade"            (iter ignored; grade an integer)
    RUN    "qid Q0 docid rank score tag"     (exactly 6 columns; rank ignored)

Ordering rules, as trec_eval does them (form_res_rels.c, comp_sim_docno):
    each query's run lines are sorted by score descending (parsed as a double)
    and ties are broken by docid in DEcreasing strcmp order -- e.g. two docs
    "a" and "b" with the same score are ranked b, a.  The rank column is
    ignored.  A docid listed twice for one query is an error (trec_eval
    refuses it too: "duplicate docs").
    Verified by experiment against pytrec_eval-terrier 0.5.11 (which embeds
    trec_eval): with qrels {q: {a: 1}} and run {q: {a: 1.0, b: 1.0}} its
    recip_rank is 0.5, and with qrels {q: {b: 1}} it is 1.0; --selfcheck
    repeats this experiment and prints it.  Python's str comparison is by
    code point, which for UTF-8 text is the same order as strcmp on bytes.

Averaging:
    means are taken over the queries of the qrels that have at least one doc
    with grade >= 1.  Such a query with no run lines scores 0 on every measure
    (like trec_eval -c).  Run queries absent from the qrels are ignored.
    (trec_eval -c would also count qrels queries with only grade-0 lines, as
    zeros; this tool leaves them out and says how many it left out.)

Output: a table of means (and per-query lines "measure qid value" with
--per-query, the way trec_eval -q prints them), or one JSON object with
--json.  Exit status: 0 on success, 1 on bad input, 2 on usage errors, and
for --selfcheck 1 if any number differs from pytrec_eval by more than 1e-12.

--selfcheck builds random graded qrels and a random run full of score ties
(with ASCII and Hangul docids, shuffled lines and a scrambled rank column),
evaluates it with this module and with pytrec-eval-terrier (installed from
PyPI into Tools/.venv, which this script creates when needed), and prints the
per-measure comparison; given QRELS RUN as well, it compares on those files
too (tolerance 1e-9).  Only --selfcheck needs the venv; normal use is
standard-library only.
"""
import argparse
import json
import math
import os
import random
import subprocess
import sys
from collections import defaultdict

MEASURES = ("ndcg_cut_10", "recip_rank", "recall_10", "recall_100", "P_10")
LABELS = {"ndcg_cut_10": "nDCG@10", "recip_rank": "MRR", "recall_10": "R@10",
          "recall_100": "R@100", "P_10": "P@10"}
RELEVANCE_LEVEL = 1


class InputError(Exception):
    pass


# ----------------------------------------------------------------- reading

def read_qrels(path):
    """qid -> {docid: grade}."""
    qrels = defaultdict(dict)
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 4:
                raise InputError(f"{path}:{n}: expected 4 columns 'qid iter docid grade', got {len(parts)}")
            qid, _, docid, grade = parts
            try:
                grade = int(grade)
            except ValueError:
                raise InputError(f"{path}:{n}: grade {grade!r} is not an integer")
            if docid in qrels[qid]:
                raise InputError(f"{path}:{n}: duplicate judgement for {qid} {docid}")
            qrels[qid][docid] = grade
    return dict(qrels)


def read_run(path):
    """qid -> {docid: score}."""
    run = defaultdict(dict)
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 6:
                raise InputError(f"{path}:{n}: expected 6 columns 'qid Q0 docid rank score tag', got {len(parts)}")
            qid, _, docid, _rank, score, _tag = parts
            try:
                score = float(score)
            except ValueError:
                raise InputError(f"{path}:{n}: score {score!r} is not a number")
            if not math.isfinite(score):
                raise InputError(f"{path}:{n}: score {score!r} is not finite")
            if docid in run[qid]:
                raise InputError(f"{path}:{n}: duplicate docs: {docid} listed twice for query {qid} (trec_eval refuses this)")
            run[qid][docid] = score
    return dict(run)


# ---------------------------------------------------------------- measures

def ranked(docs):
    """docid list in trec_eval order: score desc, ties by docid desc."""
    return [d for d, _ in sorted(docs.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)]


def evaluate_query(judged, docs):
    """Measures for one query. judged: {docid: grade}; docs: {docid: score}."""
    order = ranked(docs)
    grades = [judged.get(d, 0) for d in order]
    num_rel = sum(1 for g in judged.values() if g >= RELEVANCE_LEVEL)

    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(grades[:10]) if g > 0)
    ideal = sorted((g for g in judged.values() if g > 0), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    ndcg = dcg / idcg if idcg > 0 else dcg

    rr = 0.0
    for i, g in enumerate(grades):
        if g >= RELEVANCE_LEVEL:
            rr = 1.0 / (i + 1)
            break

    def rel_in(k):
        return sum(1 for g in grades[:k] if g >= RELEVANCE_LEVEL)

    return {
        "ndcg_cut_10": ndcg,
        "recip_rank": rr,
        "recall_10": rel_in(10) / num_rel if num_rel else 0.0,
        "recall_100": rel_in(100) / num_rel if num_rel else 0.0,
        "P_10": rel_in(10) / 10.0,
    }


def evaluate(qrels, run):
    """Returns (per_query, means, info)."""
    queries = sorted(q for q, j in qrels.items() if any(g >= RELEVANCE_LEVEL for g in j.values()))
    per_query = {q: evaluate_query(qrels[q], run.get(q, {})) for q in queries}
    n = len(queries)
    means = {m: (sum(v[m] for v in per_query.values()) / n if n else 0.0) for m in MEASURES}
    info = {
        "num_q": n,
        "num_q_without_run": sum(1 for q in queries if q not in run),
        "num_q_qrels_without_relevant": len(qrels) - n,
        "num_q_run_not_in_qrels": sum(1 for q in run if q not in qrels),
        "num_ret": sum(len(run.get(q, {})) for q in queries),
        "num_rel": sum(sum(1 for g in qrels[q].values() if g >= RELEVANCE_LEVEL) for q in queries),
        "num_rel_ret": sum(sum(1 for d in run.get(q, {}) if qrels[q].get(d, 0) >= RELEVANCE_LEVEL) for q in queries),
    }
    return per_query, means, info


# ---------------------------------------------------------------- printing

def print_report(per_query, means, info, show_per_query):
    if show_per_query:
        for q in sorted(per_query):
            for m in MEASURES:
                print(f"{m:<14}\t{q}\t{per_query[q][m]:.4f}")
    print(f"queries evaluated: {info['num_q']} (with no run lines: {info['num_q_without_run']}; "
          f"qrels queries without a relevant doc, left out: {info['num_q_qrels_without_relevant']}; "
          f"run queries not in qrels, ignored: {info['num_q_run_not_in_qrels']})")
    print(f"retrieved: {info['num_ret']}  relevant: {info['num_rel']}  relevant retrieved: {info['num_rel_ret']}")
    print("  ".join(f"{LABELS[m]:>8}" for m in MEASURES))
    print("  ".join(f"{means[m]:>8.4f}" for m in MEASURES))


# --------------------------------------------------------------- selfcheck

VENV_PACKAGES = ["pytrec-eval-terrier==0.5.11"]


def ensure_venv_module(module):
    """Import `module`; if missing, create Tools/.venv, install, and re-exec there."""
    try:
        return __import__(module)
    except ImportError:
        pass
    tools = os.path.dirname(os.path.abspath(__file__))
    venv = os.path.join(tools, ".venv")
    py = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        subprocess.check_call([py, "-m", "pip", "install", "-q"] + VENV_PACKAGES)
        return __import__(module)
    if not os.path.exists(py):
        print(f"creating {venv}", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", venv])
    subprocess.check_call([py, "-m", "pip", "install", "-q"] + VENV_PACKAGES)
    os.execv(py, [py, os.path.abspath(__file__)] + sys.argv[1:])


def make_synthetic(rng, n_queries):
    """Random graded qrels + a tie-heavy run, written as the text files would be."""
    alphabet = ["a", "b", "B", "d-1", "d-10", "d-2", "jd-K0001", "jd-K0001-1", "가", "간", "나", "z_"]
    qrels_lines, run_lines = [], []
    for qi in range(n_queries):
        q = f"q{qi:03d}"
        pool = sorted({rng.choice(alphabet) + str(rng.randrange(40)) for _ in range(rng.randrange(5, rng.choice([60, 250])))})
        kind = rng.random()
        if kind < 0.08:
            judged = {}                       # query only in the run
        elif kind < 0.14:
            judged = {d: 0 for d in rng.sample(pool, min(3, len(pool)))}   # no relevant doc
        else:
            judged = {d: rng.choice([0, 0, 1, 1, 2, 3]) for d in rng.sample(pool, rng.randrange(1, len(pool) + 1))}
            if not any(g > 0 for g in judged.values()):
                judged[pool[0]] = rng.choice([1, 2])
        for d, g in judged.items():
            qrels_lines.append(f"{q} 0 {d} {g}")
        if rng.random() < 0.1 and judged:
            continue                          # judged query with no run lines
        retrieved = rng.sample(pool, rng.randrange(1, len(pool) + 1))
        # few distinct score values -> many ties; same value written two ways
        for d in retrieved:
            v = rng.choice([1, 1.5, 2, 2.25, 3, 0.1, -1])
            text = rng.choice([repr(float(v)), f"{v:.6f}", f"{v:g}"])
            run_lines.append(f"{q} Q0 {d} {rng.randrange(1, 1000)} {text} synth")
    rng.shuffle(run_lines)
    return "\n".join(qrels_lines) + "\n", "\n".join(run_lines) + "\n"


def compare_with_pytrec(pytrec_eval, qrels, run, tol):
    """Per-query and mean comparison of this module with pytrec_eval; prints a table."""
    per_query, means, info = evaluate(qrels, run)
    ev = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10", "recip_rank", "recall.10", "recall.100", "P.10"})
    ref = ev.evaluate(run)
    ok = True
    print(f"   {'measure':<12} {'ours':>10} {'pytrec_eval':>12} {'max |diff| per query':>22}")
    for m in MEASURES:
        worst = 0.0
        total = 0.0
        for q in per_query:
            theirs = ref.get(q, {}).get(m, 0.0)    # pytrec_eval omits queries with no run lines
            total += theirs
            worst = max(worst, abs(per_query[q][m] - theirs))
        theirs_mean = total / len(per_query) if per_query else 0.0
        verdict = "ok" if worst <= tol and abs(theirs_mean - means[m]) <= tol else "MISMATCH"
        ok &= verdict == "ok"
        print(f"   {m:<12} {means[m]:>10.6f} {theirs_mean:>12.6f} {worst:>22.2e}  {verdict}")
    return ok


def selfcheck(seed, n_queries, files=None):
    pytrec_eval = ensure_venv_module("pytrec_eval")
    import tempfile
    ok = True
    tol = 1e-12

    print("1) tie-break experiment with pytrec_eval (two docs with equal score 1.0)")
    for rel_doc, expect in (("a", 0.5), ("b", 1.0)):
        got = pytrec_eval.RelevanceEvaluator({"q": {rel_doc: 1}}, {"recip_rank"}).evaluate(
            {"q": {"a": 1.0, "b": 1.0}})["q"]["recip_rank"]
        mine = evaluate_query({rel_doc: 1}, {"a": 1.0, "b": 1.0})["recip_rank"]
        verdict = "ok" if abs(got - expect) < tol and abs(mine - expect) < tol else "MISMATCH"
        ok &= verdict == "ok"
        print(f"   relevant={rel_doc!r}: pytrec_eval recip_rank={got}, ours={mine} "
              f"-> trec_eval ranks 'b' before 'a' (docid descending) [{verdict}]")
    got = pytrec_eval.RelevanceEvaluator({"q": {"d1": 1}}, {"ndcg_cut.10"}).evaluate(
        {"q": {"d0": 2.0, "d1": 1.0}})["q"]["ndcg_cut_10"]
    mine = evaluate_query({"d1": 1}, {"d0": 2.0, "d1": 1.0})["ndcg_cut_10"]
    verdict = "ok" if abs(got - 1 / math.log2(3)) < tol and abs(mine - got) < tol else "MISMATCH"
    ok &= verdict == "ok"
    print(f"   relevant doc at rank 2: pytrec_eval ndcg_cut_10={got:.10f}, ours={mine:.10f}, "
          f"1/log2(3)={1 / math.log2(3):.10f} [{verdict}]")

    print(f"2) random qrels/run with ties (seed {seed}, {n_queries} queries)")
    rng = random.Random(seed)
    qrels_text, run_text = make_synthetic(rng, n_queries)
    with tempfile.TemporaryDirectory() as tmp:
        qp, rp = os.path.join(tmp, "qrels"), os.path.join(tmp, "run")
        open(qp, "w", encoding="utf-8").write(qrels_text)
        open(rp, "w", encoding="utf-8").write(run_text)
        qrels, run = read_qrels(qp), read_run(rp)
    per_query, means, info = evaluate(qrels, run)
    n_ties = sum(len(v) - len(set(v.values())) for v in run.values())
    print(f"   {info['num_q']} queries averaged, {info['num_q_without_run']} of them with no run lines, "
          f"{info['num_q_qrels_without_relevant']} qrels queries without relevant docs, "
          f"{sum(len(v) for v in run.values())} run lines, {n_ties} of them tied with an earlier score")
    ok &= compare_with_pytrec(pytrec_eval, qrels, run, tol)
    if files:
        print(f"3) the given files: {files[0]} {files[1]}")
        qrels, run = read_qrels(files[0]), read_run(files[1])
        per_query, means, info = evaluate(qrels, run)
        n_ties = sum(len(v) - len(set(v.values())) for v in run.values())
        print(f"   {info['num_q']} queries averaged, {info['num_q_without_run']} of them with no run lines, "
              f"{info['num_ret']} run lines of judged queries, {n_ties} run lines tied with an earlier score")
        ok &= compare_with_pytrec(pytrec_eval, qrels, run, 1e-9)
    print("SELFCHECK PASS" if ok else "SELFCHECK FAIL")
    return 0 if ok else 1


# -------------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description="trec_eval-compatible nDCG@10, MRR, R@10, R@100, P@10.")
    ap.add_argument("qrels", nargs="?")
    ap.add_argument("run", nargs="?")
    ap.add_argument("--per-query", action="store_true", help="also print each query's measures")
    ap.add_argument("--json", action="store_true", help="print one JSON object (means + counts)")
    ap.add_argument("--selfcheck", action="store_true", help="compare against pytrec_eval on synthetic data")
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--queries", type=int, default=300)
    args = ap.parse_args(argv)
    if args.selfcheck:
        files = (args.qrels, args.run) if args.qrels and args.run else None
        try:
            return selfcheck(args.seed, args.queries, files)
        except (InputError, OSError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
    if not args.qrels or not args.run:
        ap.error("QRELS and RUN are required (or --selfcheck)")
    try:
        qrels, run = read_qrels(args.qrels), read_run(args.run)
    except (InputError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    per_query, means, info = evaluate(qrels, run)
    if info["num_q"] == 0:
        print("error: the qrels have no query with a relevant doc", file=sys.stderr)
        return 1
    if args.json:
        out = dict(means, **info)
        if args.per_query:
            out["per_query"] = per_query
        print(json.dumps(out, ensure_ascii=False))
    else:
        print_report(per_query, means, info, args.per_query)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:          # e.g. piped into head
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
