"""`make bench`: query latency, ingest throughput, cold start and memory, in one run.

    python -m benchmarks.run [--sizes 10000,100000] [--queries 1000] [--articles 500] ...

Prints one table (targets and pass/fail included) and writes ``bench-results.json``.

What is measured, and against what:

- ``/stance`` latency: ``Service.stance`` on a TinyDB store built with ``Store.load`` from
  synthetic claims (``benchmarks.synth``, each with a sentence vector), reopened from its
  file, preloaded and warmed as the bot would, the stance model loaded, over the distinct
  queries of ``--queries``, twice: the first pass asks each (actor, topic) for the first
  time in the process (the model reads its candidates), the second asks them again (the
  readings cached). The baseline is a plain TinyDB ``Query`` scan of the same file (actor
  equality, then the topic filter: topic ids or stemmed words), over ``--scan-queries`` of
  the same queries (a scan at 100k claims takes ~0.3 s, so not all of them);
- the stance model: a fresh process loads ``Encoder`` and ``StanceModel`` (load time), then
  times ``Encoder.embed`` per sentence (batches of 32) and ``StanceModel.probs`` per
  sentence (a batch of 8, what a query reads); the model files' sizes;
- ingest: ``Service.ingest`` of ``--articles`` articles varied from the seeds into a fresh
  store, against ``nlp.pipe`` (the same pipeline, spaCy's defaults) over the same texts;
  the models (spaCy, the sentence encoder) are loaded before either clock starts;
- store writes: the store's share of ingest alone, ``--articles`` synthetic article
  bundles written into a fresh store one ``add_article_bundle`` call each, then
  ``--write-batch`` per ``add_article_bundles`` call;
- cold start: ``claimbot stance japan rare-earths --db FILE`` as a subprocess (it loads
  the models), median of ``--cold-runs`` runs per store size, plus a ``-X importtime`` run
  to check that spaCy is not imported on that path;
- ``/stance`` on a store opened cold for each query (as each CLI process opens it), over
  the scan's sample of queries, for at most ``--cold-stance-budget`` seconds;
- peak RSS: a child process opens the largest store, preloads it (the bot's
  configuration), loads the models and runs a few queries, then reports its ``VmHWM``;
- PostgreSQL (``benchmarks.postgres``): ``/stance`` p50/p99 and cold start at
  ``--pg-sizes`` claims loaded with ``COPY``, and ingest of the ``--articles`` corpus by one
  and by two ``claimbot ingest`` processes at once, in scratch schemas of ``--pg-url``;
  skipped with the reason when no server answers there.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # rich is imported where it is used: the memory probe child stays lean
    from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
COLD_QUERY = ("japan", "rare-earths")

# The targets (benchmarks/README.md, "Targets": why these, for a method that runs a model).
STANCE_FIRST_P50_MS = 20.0  # an (actor, topic) asked for the first time in the process (issue 16)
STANCE_FIRST_P99_MS = 100.0
STANCE_REPEAT_P50_MS = 10.0  # asked again: the stance model's readings cached
INGEST_RATIO = 1.6  # with the sentence vectors computed at ingest
COLD_START_S = 0.8  # `claimbot stance` loads the models
RSS_MB = 600.0
TARGET_CLAIMS = 100_000  # latency and memory targets are stated at 100k claims
MODEL_BATCH = 8  # sentences the stance model reads per query (bot.service.MODEL_CANDIDATES)
EMBED_BATCH = 32  # sentences per Encoder.embed batch (bot.extract.encoder.BATCH)

COLUMNS = ("Benchmark", "Claims", "Result", "Baseline", "Ratio", "Target", "Pass")


@dataclass
class Config:
    sizes: tuple[int, ...] = (10_000, 100_000)
    queries: int = 1000
    scan_queries: int = 100
    articles: int = 500
    cold_runs: int = 5
    write_batch: int = 16  # bundles per add_article_bundles call in the store-writes row
    stance_budget: float = 90.0  # seconds of first-ask /stance queries per store at most (0: no limit)
    cold_stance_budget: float = 30.0  # seconds of /stance on a store opened cold per query (0: no limit)
    model: bool = True  # the stance model rows (load, per-sentence cost, files)
    pg_url: str | None = None  # PostgreSQL rows' server (None: benchmarks.postgres.default_url())
    # the PostgreSQL rows (`make bench` asks for them; a Config made in code has none unless asked)
    postgres: bool = False
    pg_sizes: tuple[int, ...] = ()  # () skips the PostgreSQL /stance rows
    pg_stance_budget: float = 30.0  # seconds of PostgreSQL /stance queries per store at most (0: no limit)
    pg_articles: int | None = None  # articles of the PostgreSQL ingest rows (None: ``articles``)
    seed: int = 7
    workdir: str | None = None
    keep: bool = False
    out: str = "bench-results.json"


@dataclass
class Row:
    benchmark: str
    claims: str
    result: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    passed: bool | None = None  # None: no target for this row

    def cells(self) -> tuple[str, ...]:
        verdict = "" if self.passed is None else ("PASS" if self.passed else "FAIL")
        return (self.benchmark, self.claims, self.result, self.baseline, self.ratio, self.target, verdict)


@dataclass
class Results:
    config: dict[str, Any]
    machine: dict[str, Any]
    stance: list[dict[str, Any]] = field(default_factory=list)  # one per size
    ingest: dict[str, Any] | None = None
    cold_start: list[dict[str, Any]] = field(default_factory=list)  # one per size
    model: dict[str, Any] | None = None
    writes: dict[str, Any] | None = None
    memory: dict[str, Any] | None = None
    postgres: dict[str, Any] | None = None
    rows: list[Row] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    elapsed_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["rows"] = [dict(zip(COLUMNS, r.cells(), strict=True)) for r in self.rows]
        return out


# -- small helpers ------------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100), linear between closest ranks."""
    if not values:
        raise ValueError("no values")
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def _k(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _x(ratio: float) -> str:
    return f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.2f}×"


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        pass
    try:
        load = list(os.getloadavg())
    except OSError:
        load = []
    return {"loadavg": load, "platform": platform.platform(), "python": platform.python_version(), "cpu": cpu,
            "cpus": os.cpu_count(), "memory_gb": mem_gb}


def _remove_store(path: Path) -> None:
    for p in (path, Path(f"{path}.lock"), *path.parent.glob(f"{path.name}.index*")):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


# -- building stores --------------------------------------------------------------------------------

def build_store(path: Path, n_claims: int, seed: int) -> dict[str, Any]:
    """Write a synthetic store of ``n_claims`` claims through ``Store.load`` (one bulk write)."""
    from benchmarks.synth import make_tables
    from store.base import open_store

    _remove_store(path)
    t0 = time.perf_counter()
    tables = make_tables(n_claims, seed=seed)
    t1 = time.perf_counter()
    store = open_store(str(path))
    try:
        store.load(tables)
    finally:
        store.close()
    t2 = time.perf_counter()
    counts = {k: len(v) for k, v in tables.items()}
    counts["actions"] = sum(1 for c in tables["claims"] if c.get("kind") == "action")
    del tables, store  # (freeing 100k records takes ~0.3 s: not part of the next open)
    t3 = time.perf_counter()
    store = open_store(str(path))  # cold: answers from the index sidecar, if the backend has one
    t4 = time.perf_counter()
    _preload(store)  # what the bot does at start-up: read and index everything
    t5 = time.perf_counter()
    store.close()
    sidecar = Path(f"{path}.index")
    return {"claims": n_claims, "tables": counts, "generate_s": t1 - t0, "load_s": t2 - t1,
            "open_cold_s": t4 - t3, "open_s": t5 - t3, "file_mb": path.stat().st_size / 2**20,
            "sidecar_mb": sidecar.stat().st_size / 2**20 if sidecar.exists() else 0.0}


def _preload(store: Any) -> None:
    preload = getattr(store, "preload", None)
    if preload is not None:
        preload()


# -- /stance latency ----------------------------------------------------------------------------------

def distinct_queries(queries: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """``queries`` without repeats, in order: two queries are the same when the service would
    answer both from the same readings (the actor resolved, the topic's case folded)."""
    from bot.extract.actors import gazetteer

    gaz = gazetteer()
    seen: set[tuple[str, str]] = set()
    out = []
    for actor, topic in queries:
        key = (gaz.resolve(actor) or actor.casefold(), topic.casefold())
        if key not in seen:
            seen.add(key)
            out.append((actor, topic))
    return out


def load_models() -> float:
    """Load the encoder and the stance model (and run them once); seconds taken. Nothing when
    the models are loaded already."""
    from bot.stance_model import StanceModel

    t0 = time.perf_counter()
    StanceModel.shared().probs([("Japan", "rare earths", "Japan said it would curb exports of rare earths.", "Japan")])
    return time.perf_counter() - t0


def _pass(svc: Any, queries: Sequence[tuple[str, str]], budget_s: float) -> dict[str, Any]:
    """One pass of ``Service.stance`` over ``queries``; wall and thread CPU per query."""
    from bot.errors import CommandError

    times: list[float] = []
    cpu: list[float] = []
    slowest: list[tuple[float, str, str]] = []
    answered = errors = 0
    labels: dict[str, int] = {}
    started = time.perf_counter()
    for actor, topic in queries:
        if budget_s > 0 and times and time.perf_counter() - started > budget_s:
            break
        c0, t0 = time.thread_time(), time.perf_counter()
        try:
            ans = svc.stance(actor, topic)
        except CommandError:
            errors += 1
            ans = None
        times.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
        slowest.append((times[-1], actor, topic))
        if ans is not None:
            answered += 1
            labels[ans.stance] = labels.get(ans.stance, 0) + 1
    slowest.sort(reverse=True)
    return {"n": len(times), "p50_s": percentile(times, 50), "p99_s": percentile(times, 99),
            "mean_s": statistics.fmean(times), "max_s": max(times),
            "cpu_p50_s": percentile(cpu, 50), "cpu_p99_s": percentile(cpu, 99),
            "answered": answered, "errors": errors, "labels": labels,
            "slowest": [{"actor": a, "topic": t, "ms": s * 1000} for s, a, t in slowest[:10]]}


def time_stance(path: Path, queries: Sequence[tuple[str, str]], budget_s: float = 0.0) -> dict[str, Any]:
    """``Service.stance`` latency over the distinct ``queries`` on the store at ``path``
    (opened fresh, preloaded and warmed, the models loaded), in two passes: the first asks
    each (actor, topic) for the first time in the process (the top level of the result), the
    second asks the same again, the stance model's readings cached (``repeat``).

    ``budget_s`` > 0 stops the first pass after that many seconds (a slow service must not
    make the whole run miss its 10 minutes); the second runs the queries the first ran. The
    result says how many ran.
    """
    from bot.service import Service
    from store.base import open_store

    asked = distinct_queries(queries)
    store = open_store(str(path))
    try:
        _preload(store)  # as the bot does at start-up (bot/cli_run.py)
        svc = Service(store)
        w0 = time.perf_counter()
        svc.warm()  # the /stance columns (bot/relevance_table.py), also built at start-up
        warm_s = time.perf_counter() - w0
        model_s = load_models()  # outside the clock: the process has answered a /stance already
        first = _pass(svc, asked, budget_s)
        repeat = _pass(svc, asked[:first["n"]], 0.0)
    finally:
        store.close()
    return {**first, "planned": len(asked), "queries": len(queries), "budget_s": budget_s,
            "warm_s": warm_s, "model_load_s": model_s, "repeat": repeat}


def time_cold_stance(path: Path, queries: Sequence[tuple[str, str]], budget_s: float = 0.0) -> dict[str, Any]:
    """``Service.stance`` on a store opened cold for each query, as each ``claimbot stance``
    process does (open included; interpreter start, imports and the models' load excluded),
    for at most ``budget_s`` seconds (0: no limit)."""
    from bot.errors import CommandError
    from bot.service import Service
    from store.base import open_store

    Service(open_store("memory:"))  # the gazetteer and topic index load once per process
    load_models()  # so do the models
    times: list[float] = []
    loaded = 0
    started = time.perf_counter()
    for actor, topic in queries:
        if budget_s > 0 and times and time.perf_counter() - started > budget_s:
            break
        t0 = time.perf_counter()
        store = open_store(str(path))
        svc = Service(store)
        try:
            svc.stance(actor, topic)
        except CommandError:
            pass
        times.append(time.perf_counter() - t0)
        loaded += bool(getattr(store, "loaded", True))
        store.close()
    return {"n": len(times), "planned": len(queries), "budget_s": budget_s,
            "p50_s": percentile(times, 50), "p99_s": percentile(times, 99),
            "max_s": max(times), "loaded_the_file": loaded}


def time_scan(path: Path, queries: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The baseline: TinyDB ``Query`` scan (actor equality) plus the topic filter, per query.

    The file is read once (``CachingMiddleware``) and TinyDB's query cache is off, so each
    query is one scan of the claims in memory: the fair "no index" alternative.
    """
    from tinydb import Query, TinyDB
    from tinydb.middlewares import CachingMiddleware
    from tinydb.storages import JSONStorage

    from bot.extract.actors import gazetteer
    from bot.extract.topics import topic_index

    gaz, topics = gazetteer(), topic_index()
    db = TinyDB(str(path), storage=CachingMiddleware(JSONStorage), access_mode="r")
    try:
        table = db.table("claims", cache_size=0)
        table.all()  # read the file now, not inside the first timed query
        Q = Query()
        times: list[float] = []
        cpu: list[float] = []
        found = 0
        for actor_q, topic_q in queries:
            actor = gaz.resolve(actor_q)
            tq = topics.query(topic_q)
            ids, words = set(tq.ids), set(tq.words)
            c0, t0 = time.thread_time(), time.perf_counter()
            hits = table.search(Q.actor == actor)
            hits = [c for c in hits if ids.intersection(c.get("topics", ()))
                    or words.intersection(c.get("words", ()))]
            times.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
            found += len(hits)
    finally:
        db.close()
    return {"n": len(times), "p50_s": percentile(times, 50), "p99_s": percentile(times, 99),
            "mean_s": statistics.fmean(times), "cpu_p50_s": percentile(cpu, 50),
            "cpu_p99_s": percentile(cpu, 99), "found": found}


def bench_stance(path: Path, n_claims: int, build: dict[str, Any], cfg: Config,
                 say: Callable[[str], None]) -> dict[str, Any]:
    from benchmarks.synth import make_queries

    queries = make_queries(cfg.queries, seed=cfg.seed + 4)
    say(f"/stance x{len(distinct_queries(queries))} (distinct of {len(queries)}) on {_k(n_claims)} claims, "
        "first asks then repeated")
    stance = time_stance(path, queries, cfg.stance_budget)
    step = max(1, len(queries) // max(1, cfg.scan_queries))
    sample = list(queries[::step])[:cfg.scan_queries]
    say(f"TinyDB Query scan x{len(sample)} on {_k(n_claims)} claims")
    scan = time_scan(path, sample)
    say(f"/stance x{len(sample)} on {_k(n_claims)} claims, a store opened cold for each")
    cold = time_cold_stance(path, sample, cfg.cold_stance_budget)
    return {"claims": n_claims, "build": build, "service": stance, "scan": scan, "cold": cold,
            "speedup_p50": scan["p50_s"] / stance["p50_s"], "speedup_p99": scan["p99_s"] / stance["p99_s"]}


# -- ingest --------------------------------------------------------------------------------------------

def _cpu() -> float:
    """CPU seconds of this process and its waited-for children (spaCy's worker processes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def bench_ingest(workdir: Path, n_articles: int, seed: int, say: Callable[[str], None],
                 chunk: int = 32) -> dict[str, Any]:
    """``Service.ingest`` against ``nlp.pipe`` on the same texts, interleaved by chunks.

    The machine may be shared: parsing chunk k and then ingesting chunk k keeps both
    clocks under the same load, so the ratio holds even when the absolute times move.
    Which of the two goes first alternates by chunk: the first to meet a text pays for the
    words spaCy has not seen yet (new lexemes, the tokenizer's cache), so neither side always
    runs warm.  Both are one process, the same ``get_nlp()`` pipeline with every component.
    """
    from benchmarks.synth import vary_seeds
    from bot.extract.encoder import Encoder
    from bot.extract.nlp import get_nlp
    from bot.service import PendingArticle, Service
    from store.base import open_store

    corpus = vary_seeds(SEEDS, n_articles, seed=seed)
    say("loading the spaCy model and the sentence encoder")
    t0 = time.perf_counter()
    nlp = get_nlp()
    encoder = Encoder.shared()
    encoder.embed(["Japan said it would curb exports."])  # ingest embeds every sentence
    load_s = time.perf_counter() - t0
    for _ in nlp.pipe([corpus[0].text]):  # first-call costs outside both clocks
        pass
    path = workdir / "ingest.json"
    _remove_store(path)
    store = open_store(str(path))
    parse_s = parse_cpu = ingest_s = ingest_cpu = 0.0
    tokens = claims = events = added = skipped = failed = 0
    say(f"nlp.pipe and Service.ingest over {len(corpus)} articles, {chunk} at a time")
    # time spent in the store's writes, to tell extraction from storage in the overhead
    # (add_article_bundle and add_article_bundles never call each other through the object)
    writes = {"n": 0, "s": 0.0}

    def timed(method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*a: Any, **kw: Any) -> Any:
            t = time.perf_counter()
            try:
                return method(*a, **kw)
            finally:
                writes["n"] += 1
                writes["s"] += time.perf_counter() - t
        return call

    for name in ("add_article_bundle", "add_article_bundles"):
        if hasattr(store, name):
            setattr(store, name, timed(getattr(store, name)))
    # and in the sentence encoder (bot.extract.pipeline embeds each claim's sentence)
    embeds = {"n": 0, "s": 0.0, "sentences": 0}

    def timed_embed(texts: Any) -> Any:
        t = time.perf_counter()
        try:
            return Encoder.embed(encoder, texts)
        finally:
            embeds["n"] += 1
            embeds["sentences"] += len(texts)
            embeds["s"] += time.perf_counter() - t

    encoder.embed = timed_embed  # type: ignore[method-assign]
    try:
        svc = Service(store)
        for k, i in enumerate(range(0, len(corpus), chunk)):
            part = corpus[i:i + chunk]
            pending = [PendingArticle(name=a.name, text=a.text, published=a.published, title=a.title,
                                      outlet=a.outlet, url=a.url, id=a.id) for a in part]
            for side in (("parse", "ingest") if k % 2 == 0 else ("ingest", "parse")):
                c0, t0 = _cpu(), time.perf_counter()
                if side == "parse":
                    tokens += sum(len(doc) for doc in nlp.pipe([a.text for a in part]))
                    parse_s += time.perf_counter() - t0
                    parse_cpu += _cpu() - c0
                    continue
                report = svc.ingest(pending)
                ingest_s += time.perf_counter() - t0
                ingest_cpu += _cpu() - c0
                claims, events = claims + report.claims, events + report.events
                added, skipped = added + len(report.added), skipped + len(report.skipped)
                failed += len(report.failed)
    finally:
        del encoder.embed  # the class's own again
        store.close()
    return {"articles": len(corpus), "words": sum(len(a.text.split()) for a in corpus), "tokens": tokens,
            "chunk": chunk, "model_load_s": load_s, "parse_s": parse_s, "parse_cpu_s": parse_cpu,
            "ingest_s": ingest_s, "ingest_cpu_s": ingest_cpu, "ratio": ingest_s / parse_s,
            "cpu_ratio": ingest_cpu / parse_cpu if parse_cpu else None,
            "store_writes": writes["n"], "store_write_s": writes["s"],
            "embed_calls": embeds["n"], "embed_s": embeds["s"], "embedded": embeds["sentences"],
            "added": added, "skipped": skipped, "failed": failed, "claims": claims, "events": events,
            "store_mb": path.stat().st_size / 2**20 if path.exists() else 0.0}


# -- store writes ------------------------------------------------------------------------------------

def bench_store_writes(workdir: Path, n_articles: int, seed: int, batch: int = 16) -> dict[str, Any]:
    """The store's share of ingest alone: ``n_articles`` synthetic article bundles (about 20
    statements and 6 action records each, an audit record each) written into a fresh TinyDB store, one
    ``add_article_bundle`` call per article, then ``add_article_bundles`` per ``batch``
    articles (when the store has it), each into its own fresh store."""
    from benchmarks.synth import ACTION_SHARE, CLAIMS_PER_ARTICLE, make_tables
    from store.base import open_store

    # about n_articles articles: ~20 statements each and their action records
    tables = make_tables(round(n_articles * CLAIMS_PER_ARTICLE * (1 + ACTION_SHARE)), seed=seed + 9)
    by_article: dict[str, tuple[list[Any], list[Any]]] = {a["id"]: ([], []) for a in tables["articles"]}
    for c in tables["claims"]:
        by_article[c["article"]][0].append(c)
    for e in tables["events"]:
        by_article[e["article"]][1].append(e)
    bundles = [(a, *by_article[a["id"]], {"id": f"audit-{a['id']}", "action": "ingest", "target": a["id"]})
               for a in tables["articles"]]
    out: dict[str, Any] = {"articles": len(bundles), "claims": len(tables["claims"]), "batch": batch}
    modes = [("one", 1)]
    store = open_store(str(workdir / "probe.json"))
    if hasattr(store, "add_article_bundles"):
        modes.append(("batch", batch))
    store.close()
    _remove_store(workdir / "probe.json")
    for mode, size in modes:
        path = workdir / f"writes-{mode}.json"
        _remove_store(path)
        store = open_store(str(path))
        try:
            c0, t0 = _cpu(), time.perf_counter()
            if mode == "one":
                added = sum(store.add_article_bundle(*b) for b in bundles)
            else:
                added = sum(sum(store.add_article_bundles(bundles[i:i + size]))
                            for i in range(0, len(bundles), size))
            out[f"{mode}_s"] = time.perf_counter() - t0
            out[f"{mode}_cpu_s"] = _cpu() - c0
            out[f"{mode}_calls"] = -(-len(bundles) // size)
            out[f"{mode}_added"] = added
        finally:
            store.close()
        out["store_mb"] = path.stat().st_size / 2**20
        _remove_store(path)
    return out


# -- cold start ------------------------------------------------------------------------------------------

def _claimbot() -> list[str]:
    exe = Path(sys.executable).with_name("claimbot")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "bot.cli"]


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CLAIMBOT_DB", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def bench_cold_start(path: Path, n_claims: int, runs: int) -> dict[str, Any]:
    """Median wall time of ``claimbot stance japan rare-earths --db FILE`` in a new process."""
    cmd = [*_claimbot(), "stance", *COLD_QUERY, "--db", str(path)]
    env = _child_env()
    times: list[float] = []
    cpu: list[float] = []
    for _ in range(max(1, runs)):
        c0, t0 = _children_cpu(), time.perf_counter()
        done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - t0)
        cpu.append(_children_cpu() - c0)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    # which modules that path imports (and how long the slowest take)
    probe = subprocess.run([sys.executable, "-X", "importtime", "-m", "bot.cli", "stance", *COLD_QUERY,
                            "--db", str(path)], env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    imports = _parse_importtime(probe.stderr)
    spacy = sorted({m for m, _ in imports if m == "spacy" or m.startswith("spacy.") or m == "thinc"})
    import_us = sum(self_us for _, self_us in imports)
    slowest = sorted(imports, key=lambda m: -m[1])[:5]
    return {"claims": n_claims, "runs": len(times), "median_s": statistics.median(times),
            "cpu_median_s": statistics.median(cpu), "min_s": min(times),
            "max_s": max(times), "spacy_imported": bool(spacy), "import_s": import_us / 1e6,
            "slowest_imports": [{"module": m, "self_ms": us / 1000} for m, us in slowest]}


def _children_cpu() -> float:
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def _parse_importtime(stderr: str) -> list[tuple[str, int]]:
    """(module, self µs) pairs from ``-X importtime`` output."""
    out = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        try:
            self_us, _cumulative, name = line[len("import time:"):].split("|", 2)
            out.append((name.strip(), int(self_us)))
        except ValueError:
            continue
    return out


# -- the stance model ---------------------------------------------------------------------------------

def model_files() -> dict[str, float]:
    """The size in MiB of each model file a /stance query runs (bot.models)."""
    from bot.models import path_of
    from bot.stance_model import HEADS

    return {name: path_of(name).stat().st_size / 2**20 for name in ("minilm", "minilm-bottom", *HEADS)}


def bench_model(seed: int) -> dict[str, Any]:
    """Load time and per-sentence cost of the models, measured in a fresh process."""
    cmd = [sys.executable, "-m", "benchmarks.run", "--model-child", "--seed", str(seed)]
    done = subprocess.run(cmd, env=_child_env(), cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"model probe failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    data["files_mb"] = model_files()
    return data


def _model_child(seed: int, reps: int = 5) -> int:
    """Run in the child process of ``bench_model``: prints one JSON line.

    Load: importing the modules, ``Encoder.shared()`` (tokenizer and MiniLM, each file's
    sha256 checked), ``StanceModel.shared()`` (the heads), and the first ``probs`` call
    (which loads the encoder's first three layers). Costs: the median of ``reps`` batches,
    every batch of sentences not seen before (the models keep no cache; the service does).
    """
    t0 = time.perf_counter()
    from bot.extract.encoder import Encoder
    from bot.stance_model import StanceModel
    t1 = time.perf_counter()
    encoder = Encoder.shared()
    t2 = time.perf_counter()
    model = StanceModel.shared()
    t3 = time.perf_counter()
    model.probs([("Japan", "rare earths", "Japan said it would curb exports of rare earths.", "Japan")])
    t4 = time.perf_counter()
    from benchmarks.synth import make_tables

    claims = make_tables(EMBED_BATCH * reps + MODEL_BATCH * reps, seed=seed + 13, actions=0.0,
                         vectors=False)["claims"]
    sentences = [c["sentence"] for c in claims]
    embed, read = [], []
    for r in range(reps):
        batch = sentences[r * EMBED_BATCH:(r + 1) * EMBED_BATCH]
        c0 = time.perf_counter()
        encoder.embed(batch)
        embed.append((time.perf_counter() - c0) / len(batch))
    rest = claims[EMBED_BATCH * reps:]
    for r in range(reps):
        items = [("Japan", "tariffs", c["sentence"], (c.get("speaker") or {}).get("mention", ""))
                 for c in rest[r * MODEL_BATCH:(r + 1) * MODEL_BATCH]]
        c0 = time.perf_counter()
        model.probs(items)
        read.append((time.perf_counter() - c0) / len(items))
    print(json.dumps({"import_s": t1 - t0, "encoder_s": t2 - t1, "stance_model_s": t3 - t2,
                      "first_call_s": t4 - t3, "load_s": t4 - t0, "threads": encoder.threads,
                      "embed_ms": statistics.median(embed) * 1000, "embed_batch": EMBED_BATCH,
                      "stance_ms": statistics.median(read) * 1000, "stance_batch": MODEL_BATCH, "reps": reps,
                      "rss_mb": _proc_status_mb("VmRSS")}))
    return 0


# -- memory --------------------------------------------------------------------------------------------

def bench_memory(path: Path, n_claims: int, seed: int) -> dict[str, Any]:
    """Peak RSS of a fresh process that opens the store and answers a few queries."""
    cmd = [sys.executable, "-m", "benchmarks.run", "--rss-child", str(path), "--seed", str(seed)]
    done = subprocess.run(cmd, env=_child_env(), cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"memory probe failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    data["claims"] = n_claims
    return data


def _proc_status_mb(name: str) -> float | None:
    """A ``/proc/self/status`` memory field (VmRSS, VmHWM) in MiB; None where there is no /proc."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _rss_child(path: str, seed: int) -> int:
    """Run in the child process of ``bench_memory``: prints one JSON line.

    The peak is ``VmHWM`` (this process since its exec).  ``ru_maxrss`` is only the
    fallback: Linux carries it over from the parent that forked the child, so a child
    of the (large) benchmark process would report the parent's peak.
    """
    from benchmarks.synth import make_queries
    from bot.errors import CommandError
    from bot.service import Service
    from store.base import open_store

    def rss() -> float:
        return _proc_status_mb("VmRSS") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    base = rss()
    t0 = time.perf_counter()
    store = open_store(path)
    _preload(store)  # the bot's configuration: everything in memory
    svc = Service(store)
    svc.warm()  # as the bot does at start-up: the /stance columns
    opened = rss()
    open_s = time.perf_counter() - t0
    load_models()
    models = rss()
    queries = make_queries(20, seed=seed + 4) + [COLD_QUERY, ("china", "lithium batteries")]
    for actor, topic in queries:
        try:
            svc.stance(actor, topic)
        except CommandError:
            pass
    hwm = _proc_status_mb("VmHWM")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"peak_rss_mb": hwm if hwm is not None else maxrss, "vmhwm_mb": hwm,
                      "ru_maxrss_mb": maxrss, "after_open_mb": opened, "after_models_mb": models,
                      "after_queries_mb": rss(),
                      "interpreter_mb": base, "open_s": open_s, "queries": len(queries)}))
    return 0


# -- the table ---------------------------------------------------------------------------------------------

def make_rows(res: Results) -> list[Row]:
    rows: list[Row] = []
    for st in res.stance:
        n, svc, scan, b = st["claims"], st["service"], st["scan"], st["build"]
        at_target = n >= TARGET_CLAIMS
        side = f" + {b['sidecar_mb']:.0f} MB index sidecar" if b.get("sidecar_mb") else ""
        actions = b.get("tables", {}).get("actions")
        acts = f"; + {actions:,} action records" if actions else ""
        rows.append(Row("store build: Store.load (bulk)", _k(n),
                        f"{_s(b['load_s'])} ({b['file_mb']:.0f} MB file{side}{acts})", "", "", "", None))
        rows.append(Row("store open + preload (read + index all)", _k(n), _s(b["open_s"])))
        if "open_cold_s" in b:
            rows.append(Row("store open cold (sidecar)", _k(n), _ms(b["open_cold_s"])))
        if "warm_s" in svc:
            rows.append(Row("/stance columns built at start-up (Service.warm)", _k(n), _s(svc["warm_s"])))
        ran = f"{svc['n']} queries" if svc["n"] == svc.get("planned", svc["n"]) else \
            f"{svc['n']} of {svc['planned']} queries: {svc['budget_s']:g} s budget"
        targets = (("p50", STANCE_FIRST_P50_MS), ("p99", STANCE_FIRST_P99_MS))
        for q, limit in targets:
            rows.append(Row(f"/stance {q}, first ask ({ran})", _k(n),
                            f"{_ms(svc[q + '_s'])} (cpu {_ms(svc['cpu_' + q + '_s'])})",
                            f"scan {_ms(scan[q + '_s'])} ({scan['n']} q)", _x(scan[q + "_s"] / svc[q + "_s"]),
                            f"≤ {limit:.0f} ms" if at_target else "",
                            svc[q + "_s"] * 1000 <= limit if at_target else None))
        again = svc.get("repeat")
        if again:
            for q in ("p50", "p99"):
                limit = STANCE_REPEAT_P50_MS if q == "p50" else None
                rows.append(Row(f"/stance {q}, asked again: readings cached ({again['n']} queries)", _k(n),
                                f"{_ms(again[q + '_s'])} (cpu {_ms(again['cpu_' + q + '_s'])})",
                                f"first ask {_ms(svc[q + '_s'])}", _x(svc[q + "_s"] / again[q + "_s"]),
                                f"≤ {limit:.0f} ms" if at_target and limit else "",
                                again[q + "_s"] * 1000 <= limit if at_target and limit else None))
        cold = st.get("cold")
        if cold:
            loaded = f", {cold['loaded_the_file']} loaded the file" if cold["loaded_the_file"] else ""
            of = f" of {cold['planned']}: {cold['budget_s']:g} s budget" \
                if cold.get("planned", cold["n"]) != cold["n"] else ""
            rows.append(Row(f"/stance on a store opened cold, p50 / p99 ({cold['n']}{of} q{loaded})", _k(n),
                            f"{_ms(cold['p50_s'])} / {_ms(cold['p99_s'])}", "", "", "", None))
    rows += model_rows(res)
    if res.ingest:
        ing = res.ingest
        rows.append(Row(f"ingest {ing['articles']} articles (Service.ingest)", f"→{ing['claims']}",
                        f"{_s(ing['ingest_s'])} ({ing['articles'] / ing['ingest_s']:.1f} art/s; "
                        f"{ing['store_writes']} store writes {_s(ing['store_write_s'])}"
                        + (f"; embedding {ing['embedded']} sentences {_s(ing['embed_s'])}" if "embed_s" in ing else "")
                        + ")",
                        f"nlp.pipe {_s(ing['parse_s'])} ({ing['tokens'] / ing['parse_s']:.0f} tok/s)",
                        f"{_x(ing['ratio'])} (cpu {_x(ing['cpu_ratio'] or 0)})", f"≤ {INGEST_RATIO}× parse", ing["ratio"] <= INGEST_RATIO))
    if res.writes:
        w = res.writes
        one = f"{_s(w['one_s'])} ({w['one_calls']} add_article_bundle calls)"
        if "batch_s" in w:
            rows.append(Row(f"store writes: {w['articles']} articles, {w['batch']} per call", f"→{w['claims']}",
                            f"{_s(w['batch_s'])} ({w['batch_calls']} add_article_bundles calls)", one,
                            _x(w["one_s"] / w["batch_s"]), "", None))
        else:
            rows.append(Row(f"store writes: {w['articles']} articles, 1 per call", f"→{w['claims']}", one))
    for cs in res.cold_start:
        spacy = "spaCy imported!" if cs["spacy_imported"] else "no spaCy; the models loaded"
        rows.append(Row(f"cold start: claimbot stance {' '.join(COLD_QUERY)}", _k(cs["claims"]),
                        f"{_s(cs['median_s'])} (cpu {_s(cs['cpu_median_s'])}, median of {cs['runs']})", spacy,
                        "", f"≤ {COLD_START_S} s", cs["median_s"] <= COLD_START_S and not cs["spacy_imported"]))
    if res.memory:
        mem = res.memory
        models = f"; models loaded {mem['after_models_mb']:.0f} MB" if mem.get("after_models_mb") else ""
        rows.append(Row("peak RSS: store open + models + queries", _k(mem["claims"]), f"{mem['peak_rss_mb']:.0f} MB",
                        f"process with code loaded {mem['interpreter_mb']:.0f} MB; "
                        f"store open + columns {mem['after_open_mb']:.0f} MB{models}", "", f"≤ {RSS_MB:.0f} MB",
                        mem["peak_rss_mb"] <= RSS_MB if mem["claims"] >= TARGET_CLAIMS else None))
    rows += postgres_rows(res)
    for err in res.errors:
        rows.append(Row(err["benchmark"], "", "ERROR", err["error"][:60], "", "", False))
    return rows


def model_rows(res: Results) -> list[Row]:
    """The stance model's rows: load time, cost per sentence, files (no target of their own:
    they explain the /stance and cold-start rows)."""
    m = res.model
    if not m:
        return []
    files = m.get("files_mb", {})
    per_query = m["stance_ms"] * m["stance_batch"]
    return [
        Row("stance model: load (Encoder + StanceModel, fresh process)", "", _s(m["load_s"]),
            f"imports {_s(m['import_s'])}, Encoder {_s(m['encoder_s'])}, StanceModel {_s(m['stance_model_s'])}, "
            f"first call {_s(m['first_call_s'])}"),
        Row("stance model: cost per sentence", "",
            f"embed {m['embed_ms']:.1f} ms (batches of {m['embed_batch']}); "
            f"stance {m['stance_ms']:.1f} ms (batch of {m['stance_batch']})",
            f"{m['stance_batch']} readings a query: {per_query:.0f} ms; {m['threads']} thread"),
        Row("stance model: files", "", f"{sum(files.values()):.1f} MB",
            ", ".join(f"{name} {mb:.1f} MB" for name, mb in files.items())),
    ]


def postgres_rows(res: Results) -> list[Row]:
    """The PostgreSQL rows: /stance against the TinyDB rows of the same size, ingest by
    two processes against one."""
    from benchmarks.postgres import GENERATED_MAX

    pg = res.postgres
    if not pg:
        return []
    if pg.get("skipped"):
        return [Row("PostgreSQL rows", "", "skipped", pg["skipped"][:90])]
    rows: list[Row] = []
    tiny = {st["claims"]: st for st in res.stance}
    for st in pg["stance"]:
        n, svc, b = st["claims"], st["service"], st["build"]
        repeated = f"; the {_k(GENERATED_MAX)} store x{n // GENERATED_MAX}" if b.get("repeated") else ""
        rows.append(Row("PostgreSQL: COPY, one transaction, + ANALYZE", _k(n),
                        f"{_s(b['copy_s'] + b['analyze_s'])} ({b['size_mb']:.0f} MB{repeated})"))
        ran = f"{svc['n']} queries" if svc["n"] == svc.get("planned", svc["n"]) else \
            f"{svc['n']} of {svc['planned']} queries: {svc['budget_s']:g} s budget"
        for q in ("p50", "p99"):
            base = tiny.get(n)
            baseline = f"TinyDB preloaded, first ask {_ms(base['service'][q + '_s'])}" if base else ""
            ratio = _x(base["service"][q + "_s"] / svc[q + "_s"]) if base else ""
            rows.append(Row(f"PostgreSQL: /stance {q}, first ask ({ran})", _k(n),
                            f"{_ms(svc[q + '_s'])} (cpu {_ms(svc['cpu_' + q + '_s'])})", baseline, ratio))
        cold = st.get("cold")
        if cold:
            rows.append(Row(f"PostgreSQL: cold start, claimbot stance {' '.join(COLD_QUERY)}", _k(n),
                            f"{_s(cold['median_s'])} (median of {cold['runs']})"))
    one = next((i for i in pg["ingest"] if i["processes"] == 1), None)
    for ing in pg["ingest"]:
        k = ing["processes"]
        stored = f"{ing['stored_articles']} stored" + ("" if ing["stored_articles"] == ing["added"] else " (!)")
        rows.append(Row(f"PostgreSQL: ingest {ing['stored_articles']} articles, {k} claimbot ingest at once",
                        f"→{ing['claims']}", f"{_s(ing['wall_s'])} ({ing['added'] / ing['wall_s']:.1f} art/s; {stored})",
                        f"1 process {_s(one['wall_s'])}" if one is not None and k > 1 else "",
                        _x(one["wall_s"] / ing["wall_s"]) if one is not None and k > 1 else ""))
    return rows


def _load(values: list[float] | None) -> str:
    return f"{values[0]:.1f}" if values else "?"


def render_table(res: Results) -> Table:
    from rich.table import Table

    m = res.machine
    table = Table(title="claimbot benchmarks",
                  caption=(f"{m['cpus']} CPU {m['cpu']} · Python {m['python']} · load average "
                           f"{_load(m.get('loadavg'))} at start, {_load(m.get('loadavg_end'))} at end · "
                           f"{res.elapsed_s:.0f} s in all"))
    for name in COLUMNS:
        table.add_column(name, justify="right" if name in ("Claims", "Result", "Ratio") else "left")
    for row in res.rows:
        cells = list(row.cells())
        if row.passed is not None:
            cells[-1] = f"[green]{cells[-1]}[/]" if row.passed else f"[bold red]{cells[-1]}[/]"
        table.add_row(*cells)
    return table


# -- the run -----------------------------------------------------------------------------------------

def run_bench(cfg: Config, say: Callable[[str], None] = lambda _m: None) -> Results:
    """Every benchmark of ``cfg``, in one run; stores live in ``cfg.workdir`` (or a temp dir).

    A benchmark that fails (the code under test raised) becomes an error row and the run
    goes on with the others.
    """
    started = time.perf_counter()
    res = Results(config=asdict(cfg), machine=machine())
    workdir = Path(cfg.workdir) if cfg.workdir else Path(tempfile.mkdtemp(prefix="claimbot-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)

    def attempt(what: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except Exception as e:  # noqa: BLE001 - reported in the table and the JSON
            say(f"[red]{what} failed: {type(e).__name__}: {e}")
            res.errors.append({"benchmark": what, "error": f"{type(e).__name__}: {e}"[:2000]})
            return None

    try:
        paths: dict[int, Path] = {}
        for n in cfg.sizes:
            path = workdir / f"claims-{n}.json"
            say(f"building a store of {_k(n)} claims")
            build = attempt(f"store build {_k(n)}", lambda p=path, n=n: build_store(p, n, cfg.seed))
            if build is None:
                continue
            paths[n] = path
            st = attempt(f"/stance {_k(n)}", lambda p=path, n=n, b=build: bench_stance(p, n, b, cfg, say))
            if st is not None:
                res.stance.append(st)
        if cfg.model:
            say("the stance model: load and per-sentence cost, in a fresh process")
            res.model = attempt("stance model", lambda: bench_model(cfg.seed))
        for n, path in paths.items():
            say(f"cold start on {_k(n)} claims")
            cs = attempt(f"cold start {_k(n)}", lambda p=path, n=n: bench_cold_start(p, n, cfg.cold_runs))
            if cs is not None:
                res.cold_start.append(cs)
        if paths:
            n = max(paths)
            say(f"peak RSS on {_k(n)} claims")
            res.memory = attempt(f"peak RSS {_k(n)}", lambda: bench_memory(paths[n], n, cfg.seed))
        if cfg.articles > 0:  # the store's share of ingest, on as many (synthetic) articles
            say(f"store writes: {cfg.articles} article bundles")
            res.writes = attempt(f"store writes {cfg.articles} articles",
                                 lambda: bench_store_writes(workdir, cfg.articles, cfg.seed, cfg.write_batch))
        if cfg.articles > 0:
            res.ingest = attempt(f"ingest {cfg.articles} articles",
                                 lambda: bench_ingest(workdir, cfg.articles, cfg.seed, say))
        pg_articles = cfg.articles if cfg.pg_articles is None else cfg.pg_articles
        if cfg.postgres and (cfg.pg_sizes or pg_articles > 0):
            from benchmarks.postgres import bench_postgres, default_url
            from benchmarks.synth import make_queries

            res.postgres = bench_postgres(cfg.pg_url or default_url(), cfg.pg_sizes,
                                          make_queries(cfg.queries, seed=cfg.seed + 4), cfg.pg_stance_budget,
                                          pg_articles, cfg.seed, cfg.cold_runs, workdir, paths, say, attempt)
    finally:
        if not cfg.keep and not cfg.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    res.elapsed_s = time.perf_counter() - started
    try:
        res.machine["loadavg_end"] = list(os.getloadavg())
    except OSError:
        pass
    res.rows = make_rows(res)
    return res


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10000,100000", help="store sizes in claims, comma-separated")
    p.add_argument("--queries", type=int, default=1000, help="/stance queries per store")
    p.add_argument("--scan-queries", type=int, default=100, help="TinyDB scan queries per store (a sample)")
    p.add_argument("--articles", type=int, default=500,
                   help="articles to ingest, and synthetic article bundles to write straight to a store (0: skip both)")
    p.add_argument("--cold-runs", type=int, default=5, help="cold-start runs per store")
    p.add_argument("--write-batch", type=int, default=16,
                   help="bundles per add_article_bundles call when timing the store's writes alone")
    p.add_argument("--stance-budget", type=float, default=90.0,
                   help="stop the first-ask /stance queries on a store after this many seconds (0: never)")
    p.add_argument("--cold-stance-budget", type=float, default=30.0,
                   help="stop /stance on a store opened cold per query after this many seconds (0: never)")
    p.add_argument("--no-model", action="store_true", help="no stance model rows (load, per-sentence cost)")
    p.add_argument("--pg-url", help="PostgreSQL server for the PostgreSQL rows, which work in scratch schemas "
                   "(default $CLAIMBOT_BENCH_DATABASE_URL, $CLAIMBOT_TEST_DATABASE_URL or "
                   "postgresql://postgres@127.0.0.1:5432/test)")
    p.add_argument("--pg-sizes", default=None,
                   help="PostgreSQL store sizes in claims, comma-separated (default: the largest of --sizes; "
                        "0: no PostgreSQL /stance rows); 100000,1000000 adds the 1M rows (about 3 more minutes)")
    p.add_argument("--pg-articles", type=int, default=200,
                   help="articles of the PostgreSQL ingest rows, by one process and by two at once "
                        "(0: skip them; fewer than --articles keeps the whole run under 10 minutes)")
    p.add_argument("--pg-stance-budget", type=float, default=30.0,
                   help="stop PostgreSQL /stance queries on a store after this many seconds (0: never)")
    p.add_argument("--no-postgres", action="store_true", help="no PostgreSQL rows at all")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--workdir", help="where stores are written (default: a temp dir, removed)")
    p.add_argument("--keep", action="store_true", help="keep the temp dir with the stores")
    p.add_argument("--out", default="bench-results.json", help="JSON results ('-': none)")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    p.add_argument("--rss-child", help=argparse.SUPPRESS)
    p.add_argument("--model-child", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.rss_child:
        return _rss_child(args.rss_child, args.seed)
    if args.model_child:
        return _model_child(args.seed)
    sizes = tuple(int(s) for s in args.sizes.split(",") if s.strip())
    pg_sizes = (max(sizes),) if args.pg_sizes is None and sizes else \
        tuple(int(s) for s in (args.pg_sizes or "").split(",") if s.strip() and int(s))
    cfg = Config(sizes=sizes, queries=args.queries,
                 scan_queries=args.scan_queries, articles=args.articles, cold_runs=args.cold_runs,
                 write_batch=args.write_batch, pg_url=args.pg_url, postgres=not args.no_postgres,
                 pg_stance_budget=args.pg_stance_budget, pg_articles=args.pg_articles,
                 pg_sizes=pg_sizes,
                 stance_budget=args.stance_budget, cold_stance_budget=args.cold_stance_budget,
                 model=not args.no_model, seed=args.seed, workdir=args.workdir, keep=args.keep, out=args.out)
    from rich.console import Console

    err = Console(stderr=True)
    t0 = time.perf_counter()

    def say(msg: str) -> None:
        err.log(f"[dim]{time.perf_counter() - t0:6.1f}s[/] {msg}")

    res = run_bench(cfg, say)
    out = Console() if sys.stdout.isatty() else Console(width=200)
    out.print(render_table(res))
    if cfg.out != "-":
        Path(cfg.out).write_text(json.dumps(res.to_dict(), indent=1) + "\n", encoding="utf-8")
        err.print(f"results written to {cfg.out}")
    missed = [r.benchmark for r in res.rows if r.passed is False]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
