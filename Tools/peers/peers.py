#!/usr/bin/env python3
"""peers.py -- JobMatch against peer search libraries on the same data (see README.md).

Driven by Tools/peers/run.sh; every subcommand is meant to run in its own process so that each
system's memory and CPU figures are its own:

  peers.py peer --system {tantivy,bm25s,sklearn} --postings P --seekers S --out DIR
                [--top K] [--latency-queries Q] [--as-of D] [--threads 2]
      Loads the postings (only OPEN ones: status open and deadline >= as-of or none) and the
      seekers (loading JSON is NOT timed), builds the index from the loaded text (timed), measures
      single-query latency over the first Q seekers (one query at a time, one thread, after one
      warm-up query), then a batch over ALL seekers on --threads threads, and writes
      DIR/result.json and the batch's top-K run DIR/run.trec (seekerId Q0 postingId rank score tag).

  peers.py jobmatch --jobmatch BIN --postings P --seekers S --out DIR [--top K]
                [--latency-queries Q] [--as-of D] [--workers 2]
      Times `jobmatch index` (wall, child's peak RSS and CPU via os.wait4), `jobmatch recommend
      --latencies` on the first Q seekers (n/a when the option is refused or writes nothing), the
      index open time (a one-seeker recommend, best of 3) and `jobmatch recommend --all --workers 2`
      over all seekers (without --workers when it is refused); the batch's TREC output is
      JobMatch's run. Writes DIR/result.json and DIR/run.trec.

  peers.py report --out DIR --qrels QRELS [--systems ...]
      Scores every run with pytrec_eval (ndcg_cut_10, recall_100; mean over the qrels' queries, a
      query with no results counts 0), prints one markdown table and the versions, and writes
      DIR/results.json and DIR/results.md.

  peers.py eval-report --out DIR --data SHARED_DATA
      The dev-set comparison (--eval): peers' and JobMatch's runs on titles-dev / duties-dev,
      nDCG@10, MRR, R@10, R@100, next to the baselines of shared/data/README.md.

Text (same for every peer): document = title, title, description, skills, certificates;
query = desiredTitle, skills, certificates, profile.  tantivy and bm25s see the text lower-cased
with runs of white space collapsed to one space, cut into every character 2-gram and 3-gram of the
whole string (tantivy's NgramTokenizer(2, 3) on the same string produces the same multiset, which
`peers.py selfcheck` verifies); scikit-learn gets the raw text and does its own char_wb analysis.
"""
import argparse
import datetime
import gc
import json
import math
import os
import platform
import re
import resource
import subprocess
import sys
import time

SYSTEMS = ("tantivy", "bm25s", "sklearn")
LABELS = {"tantivy": "tantivy", "bm25s": "bm25s", "sklearn": "scikit-learn", "jobmatch": "JobMatch"}
PACKAGES = ("tantivy", "bm25s", "scikit-learn", "scipy", "numpy", "pytrec-eval-terrier")

# ---------------------------------------------------------------- data


def load_postings(path, as_of):
    """(ids, texts, total) of the OPEN postings, streamed so that no JSON object is kept."""
    ids, texts, total = [], [], 0
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            if not line.strip():
                continue
            p = json.loads(line)
            total += 1
            if (p.get("status") or "open") != "open":
                continue
            deadline = p.get("deadline")
            if deadline and deadline < as_of:
                continue
            title = p.get("title") or ""
            parts = [title, title, p.get("description") or "",
                     " ".join(p.get("skills") or []), " ".join(p.get("certificates") or [])]
            ids.append(p["id"])
            texts.append("\n".join(parts))
    return ids, texts, total


def load_seekers(path):
    ids, texts = [], []
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            if not line.strip():
                continue
            s = json.loads(line)
            parts = [s.get("desiredTitle") or "", " ".join(s.get("skills") or []),
                     " ".join(s.get("certificates") or []), s.get("profile") or ""]
            ids.append(s["id"])
            texts.append("\n".join(parts))
    return ids, texts


_SPACE = re.compile(r"\s+")


def normalise(text):
    return _SPACE.sub(" ", text.lower()).strip()


def grams(text):
    """Every character 2-gram and 3-gram of the normalised text (a multiset, as a list)."""
    t = normalise(text)
    n = len(t)
    return [t[i:i + 2] for i in range(n - 1)] + [t[i:i + 3] for i in range(n - 2)]


# ---------------------------------------------------------------- measuring helpers


def maxrss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def cpu_s():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def percentile(values, p):
    """Nearest-rank percentile (the same rule for every system)."""
    if not values:
        return None
    v = sorted(values)
    return v[max(0, math.ceil(p / 100.0 * len(v)) - 1)]


def latency_summary(ns):
    ms = [x / 1e6 for x in ns]
    return {"queries": len(ms), "p50_ms": percentile(ms, 50), "p99_ms": percentile(ms, 99),
            "mean_ms": sum(ms) / len(ms) if ms else None, "max_ms": max(ms) if ms else None}


def write_trec(path, qids, results, tag):
    with open(path, "w", encoding="utf-8") as f:
        for qid, hits in zip(qids, results):
            for rank, (doc, score) in enumerate(hits, 1):
                f.write(f"{qid} Q0 {doc} {rank} {score:.9g} {tag}\n")


def package_versions():
    from importlib import metadata
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


# ---------------------------------------------------------------- the three peers


class TantivyPeer:
    """tantivy-py: one text field analysed by a registered NgramTokenizer(2, 3); BM25 (tantivy's
    defaults, k1 = 1.2, b = 0.75); the query is a BooleanQuery of SHOULD TermQuerys built from the
    query's n-grams directly (no query parser, so no syntax to escape and nothing to fail on)."""

    def __init__(self, args):
        import tantivy
        self.tv = tantivy
        self.k = args.top
        self.dir = os.path.join(args.out, "index")
        self.notes = []

    def build(self, ids, texts):
        tv = self.tv
        import shutil
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        sb = tv.SchemaBuilder()
        sb.add_text_field("text", stored=False, tokenizer_name="ngram23", index_option="freq")
        sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
        self.schema = sb.build()
        index = tv.Index(self.schema, path=self.dir)
        index.register_tokenizer(
            "ngram23", tv.TextAnalyzerBuilder(tv.Tokenizer.ngram(min_gram=2, max_gram=3, prefix_only=False)).build())
        writer = index.writer(heap_size=128_000_000, num_threads=0)  # 0 = tantivy's choice (one per core)
        for pid, text in zip(ids, texts):
            writer.add_document(tv.Document(text=normalise(text), id=pid))
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        self.index = index
        self.searcher = index.searcher()

    def after_build(self, ids):
        """Harness step, not timed as build: DocAddress -> posting id (a real application would
        read a fast field; fetching stored documents per hit would only measure the doc store)."""
        hits = self.searcher.search(self.tv.Query.all_query(), limit=max(1, len(ids)), count=False).hits
        self.addr = {}
        for _, a in hits:
            self.addr[(a.segment_ord, a.doc)] = self.searcher.doc(a)["id"][0]
        self.notes.append(f"segments after commit+merge: {repr(self.searcher)}")

    def search(self, text):
        tv = self.tv
        g = grams(text)
        if not g:
            return []
        schema = self.schema
        q = tv.Query.boolean_query(
            [(tv.Occur.Should, tv.Query.term_query(schema, "text", t, index_option="freq")) for t in g])
        hits = self.searcher.search(q, limit=self.k, count=False).hits
        addr = self.addr
        return [(addr[(a.segment_ord, a.doc)], s) for s, a in hits]

    def batch(self, texts, threads):
        from concurrent.futures import ThreadPoolExecutor
        self.batch_note = (f"no batch API in tantivy-py: a {threads}-thread ThreadPoolExecutor runs the "
                           f"single-query function (query building in Python holds the GIL; the search "
                           f"itself runs in Rust)")
        with ThreadPoolExecutor(max_workers=threads) as ex:
            return list(ex.map(self.search, texts))


class Bm25sPeer:
    """bm25s: our own 2-3-gram splitter; terms are mapped to integer ids while splitting (a Python
    list of 140 M short strings would not fit in memory at 100k postings) and handed to
    BM25.index((ids, vocab)); default BM25 (method lucene, k1 = 1.5, b = 0.75), numpy backend."""

    def __init__(self, args):
        import bm25s
        self.bm25s = bm25s
        self.k = args.top
        self.notes = []

    def build(self, ids, texts):
        vocab = {}
        corpus = []
        for text in texts:
            corpus.append([vocab.setdefault(t, len(vocab)) for t in grams(text)])
        self.vocab = vocab
        self.retriever = self.bm25s.BM25()
        self.retriever.index((corpus, vocab), create_empty_token=False, show_progress=False)
        self.n = len(ids)
        self.kk = min(self.k, self.n)
        import numpy as np
        self.ids = np.array(ids, dtype=object)

    def after_build(self, ids):
        pass

    def _ids(self, text):
        v = self.vocab
        return [v[t] for t in grams(text) if t in v]

    def _hits(self, docs, scores):
        ids = self.ids
        return [(ids[d], float(s)) for d, s in zip(docs, scores) if s > 0]

    def search(self, text):
        q = self._ids(text)
        if not q:
            return []
        res = self.retriever.retrieve([q], k=self.kk, show_progress=False, n_threads=0)
        return self._hits(res.documents[0], res.scores[0])

    def batch(self, texts, threads):
        self.batch_note = (f"bm25s retrieve(n_threads={threads}) (its ThreadPoolExecutor over queries); "
                           f"the splitting of the queries before it is serial Python")
        qs = [self._ids(t) for t in texts]
        nonempty = [i for i, q in enumerate(qs) if q]
        out = [[] for _ in texts]
        if nonempty:
            res = self.retriever.retrieve([qs[i] for i in nonempty], k=self.kk, show_progress=False,
                                          n_threads=threads)
            for j, i in enumerate(nonempty):
                out[i] = self._hits(res.documents[j], res.scores[j])
        return out


class SklearnPeer:
    """scikit-learn: TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True),
    rows L2-normalised, cosine = sparse dot product q . X^T; top K by argpartition, ties by id."""

    CHUNK = 64  # queries per sparse product in the batch (64 x 100k dense float64 = 51 MB)

    def __init__(self, args):
        self.k = args.top
        self.notes = []

    def build(self, ids, texts):
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        self.np = np
        self.vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True)
        x = self.vec.fit_transform(texts)
        self.xt = x.T.tocsr()  # terms x postings, so that a query row times it is one sparse product
        self.ids = ids
        self.rank = np.empty(len(ids), dtype=np.int64)
        self.rank[np.argsort(np.array(ids, dtype=object), kind="stable")] = np.arange(len(ids))

    def after_build(self, ids):
        self.notes.append(f"vocabulary {len(self.vec.vocabulary_)} n-grams, X^T nnz {self.xt.nnz}")

    def _top(self, s):
        np = self.np
        k = self.k
        pos = np.flatnonzero(s > 0)
        if pos.size > k:
            part = np.argpartition(-s[pos], k - 1)[:k]
            threshold = s[pos[part]].min()
            pos = pos[s[pos] >= threshold]  # keep every tie at the K-th score, then order by id
        order = np.lexsort((self.rank[pos], -s[pos]))[:k]
        ids = self.ids
        return [(ids[i], float(s[i])) for i in pos[order]]

    def search(self, text):
        q = self.vec.transform([text])
        s = (q @ self.xt).toarray().ravel()
        return self._top(s)

    def _chunk(self, texts):
        q = self.vec.transform(texts)
        s = (q @ self.xt).toarray()
        return [self._top(row) for row in s]

    def batch(self, texts, threads):
        from concurrent.futures import ThreadPoolExecutor
        self.batch_note = (f"no threads option for transform/product: a {threads}-thread pool over chunks of "
                           f"{self.CHUNK} seekers (transform = Python char_wb analyzer under the GIL; "
                           f"scipy's sparse product and numpy's selection release it)")
        chunks = [texts[i:i + self.CHUNK] for i in range(0, len(texts), self.CHUNK)]
        out = []
        with ThreadPoolExecutor(max_workers=threads) as ex:
            for part in ex.map(self._chunk, chunks):
                out.extend(part)
        return out


PEERS = {"tantivy": TantivyPeer, "bm25s": Bm25sPeer, "sklearn": SklearnPeer}


def cmd_peer(args):
    os.makedirs(args.out, exist_ok=True)
    result = {"system": args.system, "label": LABELS[args.system], "top": args.top, "as_of": args.as_of,
              "versions": package_versions(), "python": platform.python_version()}
    rss_start = maxrss_kib()
    t = time.perf_counter()
    ids, texts, total = load_postings(args.postings, args.as_of)
    qids, qtexts = load_seekers(args.seekers)
    gc.collect()
    result.update({"postings_total": total, "postings_open": len(ids), "seekers": len(qids),
                   "load_s_not_timed": time.perf_counter() - t,
                   "rss_start_kib": rss_start, "rss_after_load_kib": maxrss_kib()})
    peer = PEERS[args.system](args)

    c0, t0 = cpu_s(), time.perf_counter()
    peer.build(ids, texts)
    t1, c1 = time.perf_counter(), cpu_s()
    result.update({"build_s": t1 - t0, "build_cpu_s": c1 - c0, "rss_after_build_kib": maxrss_kib()})
    t = time.perf_counter()
    peer.after_build(ids)
    result["harness_after_build_s_not_timed"] = time.perf_counter() - t
    del texts
    gc.collect()

    q = min(args.latency_queries, len(qids))
    if q > 0:
        warm = qtexts[q] if len(qtexts) > q else qtexts[0]
        peer.search(warm)  # one warm-up query, not timed
        ns = []
        for text in qtexts[:q]:
            a = time.perf_counter_ns()
            peer.search(text)
            ns.append(time.perf_counter_ns() - a)
        result["latency"] = latency_summary(ns)
        result["latency"]["warmup"] = "seeker #%d" % (q + 1 if len(qtexts) > q else 1)
    else:
        result["latency"] = None

    c0, t0 = cpu_s(), time.perf_counter()
    runs = peer.batch(qtexts, args.threads)
    t1, c1 = time.perf_counter(), cpu_s()
    wall = t1 - t0
    result["batch"] = {"seekers": len(qids), "threads": args.threads, "wall_s": wall,
                       "seekers_per_s": len(qids) / wall if wall > 0 else None,
                       "cpu_s": c1 - c0, "cpu_per_wall": (c1 - c0) / wall if wall > 0 else None,
                       "how": peer.batch_note,
                       "seekers_with_results": sum(1 for r in runs if r)}
    if result["latency"] and result["latency"]["mean_ms"]:
        serial = 1000.0 / result["latency"]["mean_ms"]
        result["batch"]["serial_rate_from_latency"] = serial
        result["batch"]["speedup_vs_serial"] = result["batch"]["seekers_per_s"] / serial
    write_trec(os.path.join(args.out, "run.trec"), qids, runs, args.tag or args.system)
    result["run"] = os.path.join(args.out, "run.trec")
    result["rss_end_kib"] = maxrss_kib()
    result["notes"] = peer.notes
    with open(os.path.join(args.out, "result.json"), "w") as f:
        json.dump(result, f, indent=2, ensure_ascii=False)
    lat = result["latency"]
    print(f"{LABELS[args.system]}: {len(ids)} open postings of {total}; build {result['build_s']:.2f}s "
          f"(peak RSS {result['rss_after_build_kib'] / 1024:.0f} MB); "
          + (f"p50 {lat['p50_ms']:.3f} ms p99 {lat['p99_ms']:.3f} ms; " if lat else "")
          + f"batch {result['batch']['seekers_per_s']:.1f} seekers/s on {args.threads} threads "
          f"(CPU/wall {result['batch']['cpu_per_wall']:.2f})")


# ---------------------------------------------------------------- JobMatch


def run_child(argv, stdout_path, stderr_path):
    """Run one child; return (exit code, wall s, peak RSS KiB, CPU s) from os.wait4's rusage."""
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped here: keep Popen from waiting again
    return p.returncode, wall, ru.ru_maxrss, ru.ru_utime + ru.ru_stime


def tail(path, n=15):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def refused_option(stderr_text, option):
    s = stderr_text.lower()
    return option in s and any(w in s for w in ("unknown option", "unexpected argument", "unknown argument",
                                                "unrecognized", "unexpected option"))


def cmd_jobmatch(args):
    os.makedirs(args.out, exist_ok=True)
    j = args.jobmatch
    out = args.out
    result = {"system": "jobmatch", "label": "JobMatch", "top": args.top, "as_of": args.as_of, "notes": []}
    try:
        result["version"] = subprocess.run([j, "--version"], capture_output=True, text=True,
                                           timeout=60).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        result["version"] = None
    seekers = []
    with open(args.seekers, encoding="utf-8-sig") as f:
        seekers = [line for line in f if line.strip()]
    m = len(seekers)
    result["seekers"] = m
    index = os.path.join(out, "index")

    # (a) index build
    rc, wall, rss, cpu = run_child([j, "index", "--postings", args.postings, "--out", index, "--json"],
                                   os.path.join(out, "index.json.out"), os.path.join(out, "index.err"))
    if rc != 0:
        sys.exit(f"jobmatch index failed ({rc}):\n" + tail(os.path.join(out, "index.err")))
    try:
        summary = json.load(open(os.path.join(out, "index.json.out")))
        result["postings_total"], result["postings_open"] = summary.get("postings"), summary.get("open")
        result["index_bytes"] = summary.get("indexBytes")
    except (OSError, ValueError):
        pass
    result.update({"build_s": wall, "build_cpu_s": cpu, "rss_after_build_kib": rss})
    peaks = [rss]
    common = ["--index", index, "--all", "--format", "trec", "--top", str(args.top), "--as-of", args.as_of]

    # index open time: a one-seeker recommend (process start + index load + one query), best of 3
    one = os.path.join(out, "one-seeker.jsonl")
    with open(one, "w", encoding="utf-8") as f:
        f.write(seekers[0])
    opens = []
    for _ in range(3):
        rc, wall, rss, _ = run_child([j, "recommend", "--seekers", one] + common,
                                     os.devnull, os.path.join(out, "open.err"))
        if rc != 0:
            sys.exit(f"jobmatch recommend failed ({rc}):\n" + tail(os.path.join(out, "open.err")))
        opens.append(wall)
        peaks.append(rss)
    result["open_s"] = min(opens)
    result["open_how"] = "wall of a one-seeker `recommend --all` (process start + index open + 1 query), best of 3"

    # (b) single-query latency: warm-up seeker first (its line is dropped), then the first Q seekers
    q = min(args.latency_queries, m)
    result["latency"] = None
    if q > 0:
        lat_seekers = os.path.join(out, "latency-seekers.jsonl")
        warm = m > q
        with open(lat_seekers, "w", encoding="utf-8") as f:
            if warm:
                f.write(seekers[q])
            f.writelines(seekers[:q])
        lat_file = os.path.join(out, "latencies.tsv")
        if os.path.exists(lat_file):
            os.remove(lat_file)
        err = os.path.join(out, "latency.err")
        rc, wall, rss, _ = run_child([j, "recommend", "--seekers", lat_seekers] + common + ["--latencies", lat_file],
                                     os.devnull, err)
        peaks.append(rss)
        if rc != 0 and refused_option(tail(err, 50), "latencies"):
            result["latency_na"] = "`recommend --latencies` is not supported by this binary"
        elif rc != 0:
            result["latency_na"] = f"`recommend --latencies` failed with exit {rc}: {tail(err, 3).strip()}"
        elif not os.path.exists(lat_file) or os.path.getsize(lat_file) == 0:
            result["latency_na"] = "`recommend --latencies` was accepted but wrote no file (or an empty one)"
        else:
            us = []
            with open(lat_file) as f:
                for line in f:
                    parts = line.rstrip("\n").split("\t")
                    if len(parts) == 2:
                        us.append(float(parts[1]))
            if warm:
                us = us[1:]
            result["latency"] = latency_summary([u * 1000 for u in us])
            result["latency"]["warmup"] = f"seeker #{q + 1}" if warm else "none"
            result["latency"]["process_wall_s"] = wall
        if result.get("latency_na"):
            result["notes"].append("latency n/a: " + result["latency_na"])

    # (c) batch over all seekers, --workers N (without it when refused)
    run = os.path.join(out, "run.trec")
    err = os.path.join(out, "batch.err")
    argv = [j, "recommend", "--seekers", args.seekers] + common + ["--tag", "jobmatch"]
    workers = args.workers
    rc, wall, rss, cpu = run_child(argv + ["--workers", str(workers)], run, err)
    if rc != 0 and refused_option(tail(err, 50), "workers"):
        result["notes"].append("`recommend --workers` refused: batch ran on one thread")
        workers = 1
        rc, wall, rss, cpu = run_child(argv, run, err)
    if rc != 0:
        sys.exit(f"jobmatch recommend (batch) failed ({rc}):\n" + tail(err))
    peaks.append(rss)
    ranking = wall - result["open_s"]
    result["batch"] = {"seekers": m, "threads": workers, "wall_s": wall, "open_s_subtracted": result["open_s"],
                       "seekers_per_s": m / ranking if ranking > 0 else None,
                       "seekers_per_s_wall": m / wall if wall > 0 else None,
                       "cpu_s": cpu, "cpu_per_wall": cpu / wall if wall > 0 else None,
                       "how": f"`recommend --all --workers {workers}`" if workers > 1 else "`recommend --all`"}
    if result["latency"] and result["latency"]["mean_ms"]:
        serial = 1000.0 / result["latency"]["mean_ms"]
        result["batch"]["serial_rate_from_latency"] = serial
        if result["batch"]["seekers_per_s"]:
            result["batch"]["speedup_vs_serial"] = result["batch"]["seekers_per_s"] / serial
    result["run"] = run
    result["rss_end_kib"] = max(peaks)
    result["rss_end_how"] = "largest peak RSS of any JobMatch child (index, recommend runs)"
    with open(os.path.join(out, "result.json"), "w") as f:
        json.dump(result, f, indent=2, ensure_ascii=False)
    lat = result["latency"]
    print(f"JobMatch: index {result['build_s']:.2f}s (peak RSS {result['rss_after_build_kib'] / 1024:.0f} MB); "
          f"open {result['open_s']:.3f}s; "
          + (f"p50 {lat['p50_ms']:.3f} ms p99 {lat['p99_ms']:.3f} ms; " if lat else "latency n/a; ")
          + f"batch {result['batch']['seekers_per_s']:.1f} seekers/s (wall {wall:.2f}s, workers {workers})")


# ---------------------------------------------------------------- quality and report


def read_qrels(path):
    qrels = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 4:
                qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return qrels


def read_run(path):
    run = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 6:
                run.setdefault(parts[0], {})[parts[2]] = float(parts[4])
    return run


def evaluate(qrels, run_path, measures):
    """Mean of each measure over ALL queries of the qrels (a query without results counts 0)."""
    import pytrec_eval
    spec = {m.replace("_cut_", "_cut.").replace("recall_", "recall.") for m in measures}
    run = read_run(run_path)
    ev = pytrec_eval.RelevanceEvaluator(qrels, spec)
    per_query = ev.evaluate({q: d for q, d in run.items() if q in qrels and d})
    n = len(qrels)
    means = {m: sum(per_query.get(q, {}).get(m, 0.0) for q in qrels) / n for m in measures}
    means["queries"] = n
    means["queries_without_results"] = sum(1 for q in qrels if q not in per_query)
    return means


def _split_types(label):
    return {t.strip() for t in re.split(r"[·,/]", label or "") if t.strip()}


def hard_filter_factory(postings_path, seekers_path):
    """The seekers' hard constraints as JobMatch applies them (docs/data-format.md): region (a seeker
    region admits the same region and everything under it, "전국" lifts the constraint; a posting
    without a region fails a seeker who lists regions), employment type (a posting that lists types
    must list one of the seeker's; one that lists none passes -- JobMatch does not veto it, while the
    sample's qrels never judge it relevant) and salary (salaryFloor <= salaryMax when both are given).
    Written for the short region forms of generated data; not JobMatch's full region parser."""
    posts = {}
    with open(postings_path, encoding="utf-8-sig") as f:
        for line in f:
            if line.strip():
                p = json.loads(line)
                posts[p["id"]] = (p.get("region") or "", _split_types(p.get("employmentType")), p.get("salaryMax"))
    seekers = {}
    with open(seekers_path, encoding="utf-8-sig") as f:
        for line in f:
            if line.strip():
                s = json.loads(line)
                regions = [r for r in (s.get("regions") or [])]
                if "전국" in regions:
                    regions = []
                seekers[s["id"]] = (regions, set(s.get("employmentTypes") or []), s.get("salaryFloor"))

    def ok(sid, pid):
        regions, types, floor = seekers[sid]
        region, ptypes, smax = posts[pid]
        if regions and not any(region == r or region.startswith(r + " ") for r in regions):
            return False
        if types and ptypes and not (types & ptypes):
            return False
        if floor is not None and smax is not None and floor > smax:
            return False
        return True
    return ok


def post_filter(run_path, out_path, ok):
    kept = {}
    with open(run_path, encoding="utf-8") as f:
        for line in f:
            q, _, d, _, score, tag = line.split()
            if ok(q, d):
                kept.setdefault(q, []).append((d, float(score), tag))
    with open(out_path, "w", encoding="utf-8") as f:
        for q, hits in kept.items():
            for rank, (d, score, tag) in enumerate(hits, 1):
                f.write(f"{q} Q0 {d} {rank} {score:.9g} {tag}+filter\n")


def machine_info(jobmatch_version=None):
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"python": platform.python_version(), "packages": package_versions(),
            "jobmatch": jobmatch_version, "cpu": cpu, "cores": os.cpu_count(),
            "date": datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(timespec="seconds"),
            "platform": platform.platform()}


def fmt(v, digits):
    return "n/a" if v is None else f"{v:.{digits}f}"


def cmd_report(args):
    qrels = read_qrels(args.qrels)
    results = {}
    for s in list(SYSTEMS) + ["jobmatch"]:
        path = os.path.join(args.out, s, "result.json")
        if os.path.exists(path):
            results[s] = json.load(open(path))
            results[s]["quality"] = evaluate(qrels, results[s]["run"], ["ndcg_cut_10", "recall_100"])
        else:
            results[s] = None
    filter_check = None
    if args.postings and args.seekers:
        ok = hard_filter_factory(args.postings, args.seekers)
        judged = [(q, d) for q, docs in qrels.items() for d, g in docs.items() if g > 0]
        filter_check = {"judged_pairs": len(judged), "judged_pairs_failing_filter": sum(1 for q, d in judged if not ok(q, d))}
        for s in SYSTEMS:
            if results[s]:
                fpath = os.path.join(args.out, s, "run.filtered.trec")
                post_filter(results[s]["run"], fpath, ok)
                results[s]["quality_post_filtered"] = evaluate(qrels, fpath, ["ndcg_cut_10", "recall_100"])
        if results["jobmatch"]:
            n = bad = 0
            for q, docs in read_run(results["jobmatch"]["run"]).items():
                for d in docs:
                    n += 1
                    bad += not ok(q, d)
            filter_check["jobmatch_run_lines"], filter_check["jobmatch_run_lines_failing_filter"] = n, bad
            results["jobmatch"]["quality_post_filtered"] = results["jobmatch"]["quality"]
    mb = 1024.0
    rows = [  # (label, getter, digits, kind): kind = time | rate | memory | quality
        ("index build s", lambda r: r.get("build_s"), 2, "time"),
        ("peak RSS MB (index build)", lambda r: r.get("rss_after_build_kib") and r["rss_after_build_kib"] / mb, 1,
         "memory"),
        ("peak RSS MB (end of run)", lambda r: r.get("rss_end_kib") and r["rss_end_kib"] / mb, 1, "memory"),
        ("p50 ms", lambda r: r.get("latency") and r["latency"]["p50_ms"], 3, "time"),
        ("p99 ms", lambda r: r.get("latency") and r["latency"]["p99_ms"], 3, "time"),
        ("batch seekers/s", lambda r: r.get("batch") and r["batch"]["seekers_per_s"], 1, "rate"),
        ("nDCG@10", lambda r: r["quality"]["ndcg_cut_10"], 4, "quality"),
        ("recall@100", lambda r: r["quality"]["recall_100"], 4, "quality"),
    ]
    if filter_check:
        rows.append(("nDCG@10, peers' runs post-filtered (info)",
                     lambda r: r["quality_post_filtered"]["ndcg_cut_10"], 4, "quality"))
    cols = list(SYSTEMS) + ["jobmatch"]
    header = "| measure | " + " | ".join(LABELS[c] for c in cols) + " | JobMatch ÷ best peer |"
    lines = [header, "|---|" + "---:|" * (len(cols) + 1)]
    table = {}
    for label, get, digits, kind in rows:
        vals = {c: (get(results[c]) if results[c] else None) for c in cols}
        table[label] = vals
        peers = [vals[c] for c in SYSTEMS if vals[c] is not None]
        ours = vals["jobmatch"]
        if ours is None or not peers:
            ratio = "n/a"
        elif kind in ("time", "memory"):
            ratio = f"{min(peers) / ours:.2f}×" if ours > 0 else "n/a"
        elif kind == "rate":
            ratio = f"{ours / max(peers):.2f}×"
        else:
            ratio = f"{ours - max(peers):+.4f}"
        table[label]["ratio"] = ratio
        lines.append(f"| {label} | " + " | ".join(fmt(vals[c], digits) for c in cols) + f" | {ratio} |")
    jm_version = results["jobmatch"].get("version") if results.get("jobmatch") else None
    info = machine_info(jm_version)
    pk = info["packages"]
    any_r = next((r for r in results.values() if r), {})
    n_open = any_r.get("postings_open")
    versions = [
        f"- data: {any_r.get('postings_total')} postings ({n_open} open on {any_r.get('as_of')}), "
        f"{any_r.get('seekers')} seekers, {len(qrels)} judged seekers; top {any_r.get('top')}",
        f"- Python {info['python']}; tantivy {pk['tantivy']}, bm25s {pk['bm25s']}, scikit-learn {pk['scikit-learn']}, "
        f"scipy {pk['scipy']}, numpy {pk['numpy']}, pytrec-eval-terrier {pk['pytrec-eval-terrier']}",
        f"- JobMatch: {info['jobmatch'] or 'n/a'} ({args.jobmatch_path or 'binary'})",
        f"- CPU: {info['cpu']}, {info['cores']} cores; {info['platform']}; {info['date']}",
    ]
    notes = [
        "- ratio column: time and memory = best peer ÷ JobMatch (how many times faster / smaller JobMatch is); "
        "seekers/s = JobMatch ÷ best peer; quality = JobMatch − best peer.",
        "- peers: index build is timed from text already in memory (reading and parsing the JSON is NOT timed); "
        "JobMatch's is the wall time of `jobmatch index`, which includes process start and JSON parsing.",
        "- peak RSS: peers = ru_maxrss of the Python process (interpreter, libraries and the loaded text included); "
        "JobMatch = the child's ru_maxrss from os.wait4.",
        "- latency: one query at a time, one thread, after one warm-up query, over the first "
        f"{(any_r.get('latency') or {}).get('queries', 'Q')} seekers; peers time text → top-K posting ids "
        "(tokenisation included); JobMatch's figures are its own `--latencies` (ranking call alone).",
        "- batch: JobMatch seekers/s = M ÷ (wall − index open time); peers = M ÷ wall of the batch call "
        "(query tokenisation included, TREC writing excluded).",
        "- quality: pytrec_eval over every seeker of the qrels (no results = 0). JobMatch applies the seekers' "
        "hard constraints (region, employment type, salary floor), which the qrels also apply; the peers rank "
        "text only.",
    ]
    if filter_check:
        notes.append(
            "- post-filtered row (information, not a peer's own result): each peer's top-K run with the postings "
            "that break the seeker's region / employment type / salary floor removed (JobMatch's vetoes, "
            "restated in Python for generated data); recall@100 cannot change (only unjudged postings are removed), nDCG@10 can only "
            f"rise. Check: {filter_check['judged_pairs_failing_filter']} of {filter_check['judged_pairs']} judged "
            "pairs fail that filter"
            + (f"; {filter_check['jobmatch_run_lines_failing_filter']} of {filter_check['jobmatch_run_lines']} "
               "JobMatch run lines do" if "jobmatch_run_lines" in filter_check else "") + ".")
    for c in cols:
        r = results[c]
        if not r:
            notes.append(f"- {LABELS[c]}: no result (it failed or was not run)")
            continue
        b = r.get("batch") or {}
        extra = (f"; batch rate ÷ (1 ÷ mean single-query latency) {b['speedup_vs_serial']:.2f}× (batching and "
                 "threads together)" if b.get("speedup_vs_serial") else "")
        notes.append(f"- {LABELS[c]} batch: {b.get('how')}; CPU/wall {fmt(b.get('cpu_per_wall'), 2)}{extra}; "
                     f"wall {fmt(b.get('wall_s'), 2)} s")
        for n in r.get("notes", []):
            notes.append(f"- {LABELS[c]}: {n}")
    md = "\n".join(["# JobMatch vs peer search libraries", "", *lines, "", "## Versions", "", *versions,
                    "", "## Notes", "", *notes, ""])
    print(md)
    with open(os.path.join(args.out, "results.md"), "w", encoding="utf-8") as f:
        f.write(md)
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"table": table, "systems": results, "machine": info, "filter_check": filter_check}, f,
                  indent=2, ensure_ascii=False)


EVAL_SETS = {"titles-dev": "jobdict.jsonl", "duties-dev": "jobdict-a.jsonl"}
EVAL_BASELINES = {  # shared/data/README.md: nDCG@10, MRR, R@10, R@100
    "titles-dev": [("TF-IDF char_wb, README baseline", 0.527, 0.483, 0.687, 0.861),
                   ("BM25 tantivy, README baseline", 0.498, 0.458, 0.649, 0.833)],
    "duties-dev": [("TF-IDF char_wb, README baseline", 0.326, 0.543, 0.198, 0.475),
                   ("BM25 tantivy, README baseline", 0.310, 0.535, 0.182, 0.446)],
}
EVAL_MEASURES = ["ndcg_cut_10", "recip_rank", "recall_10", "recall_100"]


def cmd_eval_report(args):
    base = os.path.join(args.out, "eval")
    lines = ["| set | system | nDCG@10 | MRR | R@10 | R@100 |", "|---|---|---:|---:|---:|---:|"]
    out = {}
    for s, _ in EVAL_SETS.items():
        qrels_path = os.path.join(args.data, "eval", s + ".qrels")
        if not os.path.exists(qrels_path):
            continue
        qrels = read_qrels(qrels_path)
        out[s] = {}
        runs = [(LABELS[p], os.path.join(base, s, p, "run.trec")) for p in SYSTEMS]
        runs.append(("JobMatch (Tools/dev-eval.sh run)", os.path.join(base, "jobmatch", s, "run.txt")))
        for name, path in runs:
            if not os.path.exists(path):
                lines.append(f"| {s} | {name} | n/a | n/a | n/a | n/a |")
                continue
            m = evaluate(qrels, path, EVAL_MEASURES)
            out[s][name] = m
            lines.append(f"| {s} | {name} | " + " | ".join(f"{m[k]:.3f}" for k in EVAL_MEASURES) + " |")
        for name, *vals in EVAL_BASELINES[s]:
            lines.append(f"| {s} | {name} | " + " | ".join(f"{v:.3f}" for v in vals) + " |")
    md = "\n".join(["# Dev sets (shared/data): peers, JobMatch and the README baselines", "",
                    "pytrec_eval, mean over every query of the qrels (no results = 0); top 100.", "", *lines, ""])
    print(md)
    with open(os.path.join(args.out, "eval-results.md"), "w", encoding="utf-8") as f:
        f.write(md)
    with open(os.path.join(args.out, "eval-results.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2, ensure_ascii=False)


def cmd_selfcheck(args):
    """Our splitter against tantivy's NgramTokenizer(2, 3) on the first postings/seekers."""
    import tantivy
    from collections import Counter
    analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(min_gram=2, max_gram=3, prefix_only=False)).build()
    _, texts, _ = load_postings(args.postings, "0000-00-00")
    _, qtexts = load_seekers(args.seekers)
    sample = texts[:args.n] + qtexts[:args.n]
    bad = sum(1 for t in sample if Counter(analyzer.analyze(normalise(t))) != Counter(grams(t)))
    print(f"selfcheck: {len(sample) - bad}/{len(sample)} texts give the same n-gram multiset in tantivy and ours")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("peer")
    p.add_argument("--system", choices=SYSTEMS, required=True)
    p.add_argument("--postings", required=True)
    p.add_argument("--seekers", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--top", type=int, default=100)
    p.add_argument("--latency-queries", type=int, default=1000)
    p.add_argument("--as-of", default="2026-11-27")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--tag")
    j = sub.add_parser("jobmatch")
    j.add_argument("--jobmatch", required=True)
    j.add_argument("--postings", required=True)
    j.add_argument("--seekers", required=True)
    j.add_argument("--out", required=True)
    j.add_argument("--top", type=int, default=100)
    j.add_argument("--latency-queries", type=int, default=1000)
    j.add_argument("--as-of", default="2026-11-27")
    j.add_argument("--workers", type=int, default=2)
    r = sub.add_parser("report")
    r.add_argument("--out", required=True)
    r.add_argument("--qrels", required=True)
    r.add_argument("--jobmatch-path")
    r.add_argument("--postings", help="with --seekers: also score the peers' runs post-filtered by hard constraints")
    r.add_argument("--seekers")
    e = sub.add_parser("eval-report")
    e.add_argument("--out", required=True)
    e.add_argument("--data", required=True)
    c = sub.add_parser("selfcheck")
    c.add_argument("--postings", required=True)
    c.add_argument("--seekers", required=True)
    c.add_argument("--n", type=int, default=200)
    a = ap.parse_args()
    if a.cmd == "peer":
        cmd_peer(a)
    elif a.cmd == "jobmatch":
        cmd_jobmatch(a)
    elif a.cmd == "report":
        cmd_report(a)
    elif a.cmd == "eval-report":
        cmd_eval_report(a)
    elif a.cmd == "selfcheck":
        sys.exit(cmd_selfcheck(a))


if __name__ == "__main__":
    main()
