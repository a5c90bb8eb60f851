#!/usr/bin/env python3
"""bm25_crosscheck.py -- recompute JobMatch's sparse scores with a third-party BM25.

Usage (from the repo root):
    python3 Tools/bm25_crosscheck.py --export OUTDIR [--rtol 1e-4] [--no-topk] [--show 5]

OUTDIR is what `jobmatch export-terms --index DIR --seekers S.jsonl --out OUTDIR`
writes: params.json, postings.jsonl, queries.jsonl, scores.jsonl (see below).
Tools/bm25-crosscheck.sh builds such a folder from a generated sample and runs
this script; use it for the end-to-end check.

What the engine claims (the definition checked here):
    raw(q, d)    = sum over query terms t of weight(t) * impact(t, d)
    impact(t, d) = sum over fields f in {title, skills, description} of
                   fieldWeight_f * idf_f(t) * tf / (tf + k1 * (1 - b + b * len_f(d) / avglen_f))
    idf_f(t)     = ln(1 + (N - df_f(t) + 0.5) / (df_f(t) + 0.5))       (Lucene)
    N = all postings (empty fields included), df_f(t) = postings whose field f
    holds t, avglen_f = mean number of terms of field f over all N postings.

How it is checked -- three computations of every (seeker, posting) pair of
scores.jsonl:
  1. the engine's number (float32 in the engine);
  2. bm25s (PyPI, method="lucene", k1 and b from params.json, dtype float64):
     one bm25s.BM25 index per field, fed our term lists as pre-tokenized input
     (a list of lists of str goes straight to BM25.index(): no tokenizer,
     stemmer, lower-casing or stop-word list is involved, and the vocabulary
     is exactly the set of our terms; create_empty_token=False so no extra ""
     term appears).  Per query term, BM25.get_scores([term]) gives that term's
     per-posting BM25 of the field; the script forms sum_f fieldWeight_f *
     sum_t weight(t) * that.  bm25s counts empty documents in N and in the
     average length (it averages len() over every document), and its lucene
     idf is ln(1 + (N - df + 0.5) / (df + 0.5)); the script does not take this
     on trust: it reads every (posting, term) entry of each bm25s index back
     and checks it against the definition with our own N, df and avglen, and
     solves each entry for the idf and for the avglen bm25s must have used
     (printed as "implied idf/avglen" deviations);
  3. a small pure-Python reference written from the definition above.
  rank_bm25 is not used: its BM25Okapi has a different idf (no "1 +", with an
  epsilon floor) and a (k1 + 1) factor, and none of its classes is Lucene's
  BM25, so it could only be made to agree by rewriting its formula.

Checks (PASS needs all of them):
  * |engine - bm25s| / |bm25s| <= rtol and |engine - ours| / |ours| <= rtol for
    every pair, and bm25s agrees with ours to 1e-9;
  * top-k membership (unless --no-topk): for each seeker, the engine's k listed
    postings must be a top-k of the reference scores over all postings (ties
    within rtol allowed), and be listed in descending score order.
Prints the number of pairs compared, the max relative errors, the worst pairs,
and PASS or FAIL.  Exit 0 on PASS, 1 on FAIL, 2 on unreadable input.

Packages: bm25s (+ numpy, scipy) from PyPI, in Tools/.venv; when they are
missing the script creates the venv, installs them and re-runs itself there.
"""
import argparse
import json
import math
import os
import subprocess
import sys
from collections import Counter, defaultdict

FIELDS = ("title", "skills", "description")
VENV_PACKAGES = ["bm25s==0.3.16", "numpy", "scipy"]


def ensure_venv():
    """Make sure bm25s/numpy import; otherwise create Tools/.venv, install, re-exec."""
    try:
        import bm25s  # noqa: F401
        import numpy  # noqa: F401
        return
    except ImportError:
        pass
    tools = os.path.dirname(os.path.abspath(__file__))
    venv = os.path.join(tools, ".venv")
    py = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        subprocess.check_call([py, "-m", "pip", "install", "-q"] + VENV_PACKAGES)
        return
    if not os.path.exists(py):
        print(f"creating {venv}", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", venv])
    subprocess.check_call([py, "-m", "pip", "install", "-q"] + VENV_PACKAGES)
    os.execv(py, [py, os.path.abspath(__file__)] + sys.argv[1:])


class InputError(Exception):
    pass


def read_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise InputError(f"{path}:{n}: {e}")
    return rows


def load_export(d):
    params = json.load(open(os.path.join(d, "params.json"), encoding="utf-8"))
    k1, b = float(params["k1"]), float(params["b"])
    fw = {f: float(params["fieldWeights"].get(f, 0.0)) for f in FIELDS}
    extra = set(params["fieldWeights"]) - set(FIELDS)
    if extra:
        raise InputError(f"params.json names fields this check does not know: {sorted(extra)}")
    postings = read_jsonl(os.path.join(d, "postings.jsonl"))
    ids = [p["id"] for p in postings]
    if len(set(ids)) != len(ids):
        raise InputError("postings.jsonl has duplicate ids")
    docs = {f: [] for f in FIELDS}
    for p in postings:
        for f in FIELDS:
            terms = p.get(f, [])
            if not isinstance(terms, list) or not all(isinstance(t, str) and t for t in terms):
                raise InputError(f"posting {p['id']}: field {f} is not a list of non-empty strings")
            docs[f].append(terms)
    queries = {}
    for q in read_jsonl(os.path.join(d, "queries.jsonl")):
        queries[q["id"]] = {t: float(w) for t, w in q["weights"].items()}
    scores = read_jsonl(os.path.join(d, "scores.jsonl"))
    return k1, b, fw, ids, docs, queries, scores


# ------------------------------------------------------- our own reference

class OwnBM25:
    """The definition, written out plainly (float64)."""

    def __init__(self, docs, k1, b, fw):
        self.k1, self.b, self.fw = k1, b, fw
        self.n = len(next(iter(docs.values())))
        self.tf = {}        # field -> list of Counter
        self.len = {}       # field -> list of int
        self.avg = {}       # field -> float
        self.df = {}        # field -> Counter
        self.post = {}      # field -> term -> [(doc, tf)]
        for f, lists in docs.items():
            self.tf[f] = [Counter(ts) for ts in lists]
            self.len[f] = [len(ts) for ts in lists]
            self.avg[f] = sum(self.len[f]) / self.n if self.n else 0.0
            df = Counter()
            post = defaultdict(list)
            for i, c in enumerate(self.tf[f]):
                df.update(c.keys())
                for t, n in c.items():
                    post[t].append((i, n))
            self.df[f], self.post[f] = df, post

    def idf(self, f, t):
        df = self.df[f][t]
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def field_impact(self, f, t, i):
        tf = self.tf[f][i].get(t, 0)
        if tf == 0:
            return 0.0
        norm = self.k1 * (1 - self.b + self.b * self.len[f][i] / self.avg[f])
        return self.idf(f, t) * tf / (tf + norm)

    def score(self, weights, i):
        return sum(w * sum(self.fw[f] * self.field_impact(f, t, i) for f in FIELDS)
                   for t, w in weights.items())

    def all_scores(self, weights):
        acc = [0.0] * self.n
        for t, w in weights.items():
            for f in FIELDS:
                for i, _ in self.post[f].get(t, ()):
                    acc[i] += w * self.fw[f] * self.field_impact(f, t, i)
        return acc

    def known(self, t):
        return any(t in self.df[f] for f in FIELDS)


# ------------------------------------------------------------ bm25s side

class Bm25sFields:
    """One bm25s index per field; scores combined with field and query weights."""

    def __init__(self, docs, k1, b, fw):
        import bm25s
        import numpy as np
        self.np = np
        self.fw = fw
        self.n = len(next(iter(docs.values())))
        self.version = bm25s.__version__
        self.retrievers = {}
        for f, lists in docs.items():
            if not any(lists):
                continue            # field empty everywhere: contributes 0
            r = bm25s.BM25(k1=k1, b=b, method="lucene", dtype="float64")
            r.index(lists, create_empty_token=False, show_progress=False)
            self.retrievers[f] = r

    def all_scores(self, weights):
        np = self.np
        acc = np.zeros(self.n, dtype=np.float64)
        for f, r in self.retrievers.items():
            part = np.zeros(self.n, dtype=np.float64)
            for t, w in weights.items():
                if t in r.vocab_dict:
                    part += w * r.get_scores([t])
            acc += self.fw[f] * part
        return acc

    def audit(self, own):
        """Read back every (doc, term) entry of each bm25s index and check it
        against the definition with our N, df, avglen.  Returns a list of lines
        and the worst relative deviation seen."""
        np = self.np
        lines, worst = [], 0.0
        for f in FIELDS:
            if f not in self.retrievers:
                lines.append(f"  {f:<11} empty in every posting: no bm25s index, contributes 0")
        for f, r in self.retrievers.items():
            s = r.scores
            if s["num_docs"] != own.n:
                lines.append(f"  {f}: bm25s N={s['num_docs']} but the export has {own.n} postings")
                worst = math.inf
                continue
            if set(r.vocab_dict) != set(own.df[f]):
                lines.append(f"  {f}: bm25s vocabulary differs from our term set "
                             f"({len(r.vocab_dict)} vs {len(own.df[f])} terms) -- it re-tokenized")
                worst = math.inf
                continue
            inv = {i: t for t, i in r.vocab_dict.items()}
            data, indices, indptr = s["data"], s["indices"], s["indptr"]
            tfs, lens, dfs, got = [], [], [], []
            for col in range(len(indptr) - 1):
                t = inv[col]
                for j in range(indptr[col], indptr[col + 1]):
                    i = int(indices[j])
                    tfs.append(own.tf[f][i][t])
                    lens.append(own.len[f][i])
                    dfs.append(own.df[f][t])
                    got.append(float(data[j]))
            tf, ln, df, got = (np.array(x, dtype=np.float64) for x in (tfs, lens, dfs, got))
            n, avg, k1, b = own.n, own.avg[f], own.k1, own.b
            idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
            norm = k1 * (1 - b + b * ln / avg)
            want = idf * tf / (tf + norm)
            rel = np.abs(got - want) / np.abs(want)
            implied_idf = got * (tf + norm) / tf
            dev_idf = np.abs(implied_idf - idf) / idf
            # solve got = idf*tf/(tf + k1*(1-b+b*len/A)) for A (only where len > 0)
            x = (idf * tf / got - tf) / k1 - (1 - b)
            mask = (ln > 0) & (np.abs(x) > 1e-9)
            implied_avg = b * ln[mask] / x[mask]
            dev_avg = np.abs(implied_avg - avg) / avg if mask.any() else np.zeros(1)
            # a posting list's entries must also be exactly the postings holding t
            entries = len(got)
            expected_entries = sum(own.df[f].values())
            w = max(rel.max(initial=0.0), dev_idf.max(initial=0.0))
            worst = max(worst, w if entries == expected_entries else math.inf)
            lines.append(f"  {f:<11} N={n} avglen={avg:.4f} terms={len(own.df[f])} entries={entries}"
                         f"{'' if entries == expected_entries else f' (expected {expected_entries}!)'}"
                         f"  max rel dev: impact {rel.max(initial=0):.1e}, implied idf {dev_idf.max(initial=0):.1e},"
                         f" implied avglen {dev_avg.max(initial=0):.1e} (median {float(np.median(dev_avg)):.1e})")
        return lines, worst


# ------------------------------------------------------------------ main

def rel_err(a, ref):
    if a == ref:
        return 0.0
    return abs(a - ref) / max(abs(ref), 1e-12)


def run_check(args):
    try:
        k1, b, fw, ids, docs, queries, scores = load_export(args.export)
    except (OSError, KeyError, InputError, json.JSONDecodeError) as e:
        print(f"error: cannot read export {args.export}: {e}", file=sys.stderr)
        return 2
    index_of = {pid: i for i, pid in enumerate(ids)}
    print(f"export {args.export}: {len(ids)} postings, {len(queries)} queries, {len(scores)} score rows; "
          f"k1={k1} b={b} fieldWeights={fw}")
    problems = []

    own = OwnBM25(docs, k1, b, fw)
    unknown = sum(1 for q in queries.values() for t in q if not own.known(t))
    if unknown:
        problems.append(f"queries.jsonl holds {unknown} terms that occur in no field of any posting "
                        f"(the contract says only index terms are exported)")

    ref = Bm25sFields(docs, k1, b, fw)
    audit_lines, audit_worst = ref.audit(own)
    print(f"bm25s {ref.version} index audit (entries vs definition with our N, df, avglen):")
    for line in audit_lines:
        print(line)
    if audit_worst > 1e-9:
        problems.append(f"bm25s index entries deviate from the definition (max rel {audit_worst:.2e})")

    by_seeker = defaultdict(list)
    for row in scores:
        by_seeker[row["seeker"]].append(row)

    pairs = []          # (err_bm25s, err_own, seeker, posting, engine, bm25s, own)
    topk_bad, order_bad = [], []
    max_lib_vs_own = 0.0
    for seeker, rows in by_seeker.items():
        if seeker not in queries:
            print(f"error: scores.jsonl names seeker {seeker!r} that queries.jsonl lacks", file=sys.stderr)
            return 2
        weights = queries[seeker]
        full_lib = ref.all_scores(weights)
        full_own = own.all_scores(weights)
        for row in rows:
            pid = row["posting"]
            if pid not in index_of:
                print(f"error: scores.jsonl names posting {pid!r} that postings.jsonl lacks", file=sys.stderr)
                return 2
            i = index_of[pid]
            e = float(row["score"])
            lib = float(full_lib[i])
            mine = own.score(weights, i)         # direct, not via the inverted lists
            max_lib_vs_own = max(max_lib_vs_own, rel_err(lib, mine), rel_err(full_own[i], mine))
            pairs.append((rel_err(e, lib), rel_err(e, mine), seeker, pid, e, lib, mine))
        # listed in descending engine score?
        listed = [float(r["score"]) for r in rows]
        if any(listed[j] < listed[j + 1] for j in range(len(listed) - 1)):
            order_bad.append(seeker)
        # top-k membership against the reference over all postings
        if not args.no_topk:
            k = len(rows)
            ranked = sorted(full_own, reverse=True)
            kth = ranked[k - 1] if k <= len(ranked) else 0.0
            listed_ids = {r["posting"] for r in rows}
            tol = args.rtol * max(abs(kth), 1e-12)
            low = [r["posting"] for r in rows if full_own[index_of[r["posting"]]] < kth - tol]
            missed = [ids[i] for i, s in enumerate(full_own) if s > kth + tol and ids[i] not in listed_ids]
            if low or missed:
                topk_bad.append((seeker, k, kth, low[:3], missed[:3]))

    no_rows = [q for q in queries if q not in by_seeker]
    if no_rows:
        empty = sum(1 for q in no_rows if not queries[q])
        print(f"note: {len(no_rows)} exported seekers have no scores.jsonl rows "
              f"({empty} of them have no index term at all, e.g. {no_rows[0]})")
        for q in no_rows:
            if queries[q] and any(v > 0 for v in own.all_scores(queries[q])):
                problems.append(f"seeker {q} has no scores.jsonl rows but positive reference scores")
                break
    if not pairs:
        print("error: scores.jsonl is empty -- nothing to compare", file=sys.stderr)
        return 2
    max_lib = max(p[0] for p in pairs)
    max_own = max(p[1] for p in pairs)
    n_bad = sum(1 for p in pairs if p[0] > args.rtol or p[1] > args.rtol)
    print()
    print(f"pairs compared: {len(pairs)} ({len(by_seeker)} seekers)")
    print(f"max relative error engine vs bm25s:      {max_lib:.3e}")
    print(f"max relative error engine vs own ref:    {max_own:.3e}")
    print(f"max relative error bm25s vs own ref:     {max_lib_vs_own:.3e}")
    print(f"pairs beyond rtol {args.rtol:g}: {n_bad}")
    worst = sorted(pairs, key=lambda p: -max(p[0], p[1]))[:args.show]
    if worst:
        print("worst pairs (seeker, posting, engine, bm25s, own, rel err):")
        for p in worst:
            print(f"  {p[2]}  {p[3]}  {p[4]:.7g}  {p[5]:.7g}  {p[6]:.7g}  {max(p[0], p[1]):.2e}")
    if n_bad:
        problems.append(f"{n_bad} of {len(pairs)} scores disagree beyond rtol {args.rtol:g}")
    if max_lib_vs_own > 1e-9:
        problems.append(f"bm25s and the own reference disagree (max rel {max_lib_vs_own:.2e})")
    if order_bad:
        problems.append(f"{len(order_bad)} seekers' scores.jsonl rows are not in descending score order "
                        f"(e.g. {order_bad[0]})")
    if not args.no_topk:
        print(f"top-k membership: {len(by_seeker) - len(topk_bad)} of {len(by_seeker)} seekers list exactly "
              f"a reference top-k")
        for seeker, k, kth, low, missed in topk_bad[:args.show]:
            print(f"  {seeker}: k={k}, reference k-th score {kth:.7g}; listed but below it: {low}; "
                  f"above it but not listed: {missed}")
        if topk_bad:
            problems.append(f"{len(topk_bad)} seekers' top-k lists differ from the reference top-k")
    print()
    for p in problems:
        print(f"problem: {p}")
    print("FAIL" if problems else "PASS")
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser(description="Cross-check JobMatch BM25 scores against bm25s and a reference.")
    ap.add_argument("--export", required=True, help="folder written by `jobmatch export-terms`")
    ap.add_argument("--rtol", type=float, default=1e-4, help="relative tolerance (default 1e-4)")
    ap.add_argument("--no-topk", action="store_true", help="skip the top-k membership check")
    ap.add_argument("--show", type=int, default=5, help="how many worst pairs / failures to print")
    args = ap.parse_args()
    ensure_venv()
    return run_check(args)


if __name__ == "__main__":
    sys.exit(main())
