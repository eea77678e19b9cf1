"""The PostgreSQL rows of `make bench` (``benchmarks.run`` calls ``bench_postgres``).

- ``/stance`` p50/p99: ``Service.stance`` over the same queries as the TinyDB rows, on a
  ``PostgresStore`` holding ``--pg-sizes`` synthetic claims.  The claims are the TinyDB
  run's synthetic store of that size when there is one (read back from its file), else
  ``benchmarks.synth.make_tables``; a size above the largest generated one (1M) is that
  store repeated with renamed ids (each query then has that many times the candidates:
  generating 1M distinct claims takes ~10 minutes on its own).  They go in with ``COPY``,
  one transaction for all tables, then ``ANALYZE``;
- cold start: ``claimbot stance japan rare-earths --db URL`` as a subprocess (median);
- ingest: the ``--articles`` corpus (``benchmarks.synth.vary_seeds``, as the TinyDB ingest
  row) by ``claimbot ingest`` into an empty schema, by one process, then split in two
  halves by two processes at once; each process loads the spaCy model before the clock
  starts, the wall time runs from the start signal to the last exit.

Everything happens in schemas of its own (``claimbot_bench_*``) of the database at
``--pg-url`` (default ``$CLAIMBOT_BENCH_DATABASE_URL``, ``$CLAIMBOT_TEST_DATABASE_URL`` or
``postgresql://postgres@127.0.0.1:5432/test``), dropped at the end.  When no server
answers there, the rows are skipped with the reason.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
GENERATED_MAX = 100_000  # sizes above this repeat a generated store of this size


def default_url() -> str:
    return (os.environ.get("CLAIMBOT_BENCH_DATABASE_URL") or os.environ.get("CLAIMBOT_TEST_DATABASE_URL")
            or DEFAULT_URL)


def _libpq(url: str) -> str:
    from store.postgres.url import engine_url

    return engine_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def unavailable(url: str) -> str | None:
    """Why the PostgreSQL rows cannot run (None when they can)."""
    try:
        import psycopg
        import sqlalchemy  # noqa: F401
    except ImportError as e:
        return f"needs {e.name} (pip install -r requirements.txt)"
    from store.postgres.url import safe_url

    try:
        with psycopg.connect(_libpq(url), connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except Exception as e:  # noqa: BLE001 - any failure to connect: no rows
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return f"no PostgreSQL server answers at {safe_url(url)}: {first}"
    return None


def with_schema(url: str, name: str) -> str:
    """``url`` with ``options=-csearch_path=NAME``."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    options = " ".join([v for k, v in query if k == "options"] + [f"-csearch_path={name}"])
    query = [(k, v) for k, v in query if k != "options"] + [("options", options)]
    return urlunsplit(parts._replace(query=urlencode(query)))


@contextmanager
def scratch_schema(base_url: str, label: str) -> Iterator[str]:
    """A new schema ``claimbot_bench_LABEL_xxxx`` (its URL), dropped afterwards."""
    import psycopg

    name = f"claimbot_bench_{label}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_libpq(base_url), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield with_schema(base_url, name)
    finally:
        with psycopg.connect(_libpq(base_url), autocommit=True) as conn:
            conn.execute("SET lock_timeout = '60s'")
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


# -- building a store ----------------------------------------------------------------------------------

def repeat_tables(tables: dict[str, list[dict[str, Any]]], n_claims: int) -> dict[str, list[dict[str, Any]]]:
    """``tables`` repeated until they hold ``n_claims`` claims, the copies' ids (and article
    hashes, and the ids pointing at articles) suffixed ``~k``."""
    base = len(tables.get("claims", []))
    if base >= n_claims:
        return tables
    out: dict[str, list[dict[str, Any]]] = {name: list(records) for name, records in tables.items()}
    k = 0
    while len(out["claims"]) < n_claims:
        k += 1
        sfx = f"~{k}"
        for a in tables.get("articles", []):
            out["articles"].append({**a, "id": a["id"] + sfx, "hash": f"{a.get('hash')}{sfx}"})
        for c in tables["claims"][:n_claims - len(out["claims"])]:
            out["claims"].append({**c, "id": c["id"] + sfx, "article": f"{c.get('article')}{sfx}"})
        for e in tables.get("events", []):
            sources = [{**s, "article": f"{s.get('article')}{sfx}"} for s in e.get("sources") or []]
            out["events"].append({**e, "id": e["id"] + sfx, "article": f"{e.get('article')}{sfx}", "sources": sources})
    return out


def copy_tables(url: str, tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Create the schema (``PostgresStore``), then ``COPY`` every table in one transaction
    and ``ANALYZE``; seconds taken and the database's size."""
    import psycopg

    from store.postgres import PostgresStore
    from store.postgres.store import _dumps, _row
    from store.postgres.tables import BY_NAME

    PostgresStore(url).close()  # an empty schema is migrated on first open
    t0 = time.perf_counter()
    rows = 0
    with psycopg.connect(_libpq(url)) as conn:
        with conn.cursor() as cur:
            for name, records in tables.items():
                if not records:
                    continue
                table = BY_NAME[name]
                columns = [c.name for c in table.columns if c.name != "seq" and c.computed is None]
                # ``doc`` goes as its JSON text (the server reads it into the json column as is)
                types = ["text[]" if c in ("topics", "words") else "bool" if c == "retracted" else "text"
                         for c in columns]
                with cur.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.set_types(types)
                    for record in records:
                        row = _row(name, record)
                        row["doc"] = _dumps(record)
                        copy.write_row([row[c] for c in columns])
                        rows += 1
        conn.commit()
    copy_s = time.perf_counter() - t0
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute("ANALYZE")
        size = conn.execute("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                            "JOIN pg_namespace n ON n.oid = c.relnamespace "
                            "WHERE n.nspname = current_schema() AND c.relkind = 'r'").fetchone()[0]
    return {"rows": rows, "copy_s": copy_s, "analyze_s": time.perf_counter() - t0 - copy_s,
            "size_mb": float(size or 0) / 2**20}


def source_tables(n: int, tiny: Path | None, seed: int) -> dict[str, list[dict[str, Any]]]:
    """Synthetic tables of ``n`` claims: the TinyDB run's store file when given, else
    generated (sizes above ``GENERATED_MAX``: a store of that size, repeated)."""
    if tiny is not None and tiny.exists():
        from store.base import open_store

        store = open_store(str(tiny))
        try:
            tables = store.dump()
        finally:
            store.close()
    else:
        from benchmarks.synth import make_tables

        tables = make_tables(min(n, GENERATED_MAX), seed=seed)
    return repeat_tables(tables, n)


# -- timing ----------------------------------------------------------------------------------------------

def _env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parent.parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMBOT_", "SLACK_", "DISCORD_"))}
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def cold_start(url: str, query: tuple[str, str], runs: int) -> dict[str, Any]:
    """``claimbot stance ... --db URL`` as a subprocess, ``runs`` times."""
    cmd = [sys.executable, "-m", "bot.cli", "stance", *query, "--db", url]
    times = []
    root = Path(__file__).resolve().parent.parent
    for _ in range(max(1, runs)):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, env=_env(), cwd=root, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - t0)
        if done.returncode != 0:
            raise RuntimeError(f"claimbot stance failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return {"runs": len(times), "median_s": statistics.median(times), "min_s": min(times), "max_s": max(times)}


# Runs `claimbot ingest ARGS` once the file GO exists, the model loaded before: the clock
# outside starts when GO is made.
_INGEST = """
import os, sys, time
go, ready = sys.argv[1], sys.argv[2]
from bot.extract.nlp import get_nlp
get_nlp()
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.002)
from bot.cli import main
sys.exit(main(sys.argv[3:]))
"""


def write_corpus(folder: Path, articles: list[Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    manifest = []
    for a in articles:
        name = Path(a.name).name
        (folder / name).write_text(a.text, encoding="utf-8")
        manifest.append({"id": a.id, "file": name, "title": a.title, "outlet": a.outlet, "url": a.url,
                         "published": a.published})
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def ingest_processes(url: str, folders: list[Path], workdir: Path, timeout: float = 1800) -> dict[str, Any]:
    """One ``claimbot ingest FOLDER --db URL`` per folder, all started at once."""
    from store.postgres import PostgresStore

    PostgresStore(url).close()  # the schema exists before the clock starts
    go = workdir / f"go-{uuid.uuid4().hex[:6]}"
    root = Path(__file__).resolve().parent.parent
    procs = []
    readies = []
    for k, folder in enumerate(folders):
        ready = workdir / f"{go.name}-ready{k}"
        readies.append(ready)
        procs.append(subprocess.Popen(
            [sys.executable, "-c", _INGEST, str(go), str(ready), "ingest", str(folder), "--db", url, "--json",
             "--quiet"], env=_env(), cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    deadline = time.monotonic() + 300
    while not all(r.exists() for r in readies):
        if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
            outs = [p.communicate() for p in procs]
            raise RuntimeError(f"an ingest process did not start: {[e[-500:] for _, e in outs]}")
        time.sleep(0.01)
    t0 = time.perf_counter()
    go.touch()
    outs = [p.communicate(timeout=timeout) for p in procs]
    wall = time.perf_counter() - t0
    if any(p.returncode != 0 for p in procs):
        raise RuntimeError(f"claimbot ingest failed: {[e[-500:] for _, e in outs]}")
    reports = [json.loads(out) for out, _ in outs]
    store = PostgresStore(url)
    try:
        stored = len(store.articles())
        claims = len(store.claims(include_retracted=True))
    finally:
        store.close()
    return {"processes": len(folders), "wall_s": wall, "added": sum(len(r["added"]) for r in reports),
            "claims": claims, "stored_articles": stored, "events": sum(r["events"] for r in reports)}


# -- all of it ------------------------------------------------------------------------------------------------

def bench_postgres(url: str, sizes: tuple[int, ...], queries: list[tuple[str, str]], budget_s: float,
                   articles: int, seed: int, cold_runs: int, workdir: Path, tiny_paths: dict[int, Path],
                   say: Callable[[str], None], attempt: Callable[[str, Callable[[], Any]], Any]) -> dict[str, Any]:
    """Every PostgreSQL row; ``attempt(what, fn)`` turns a failure into an error row."""
    from benchmarks.run import COLD_QUERY, _k, time_stance
    from store.postgres.url import safe_url

    out: dict[str, Any] = {"url": safe_url(url), "stance": [], "ingest": []}
    reason = unavailable(url)
    if reason is not None:
        out["skipped"] = reason
        say(f"[yellow]PostgreSQL rows skipped: {reason}")
        return out
    import psycopg

    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        out["server"] = conn.execute("SHOW server_version").fetchone()[0]

    for n in sizes:
        def one_size(n: int = n) -> dict[str, Any]:
            with scratch_schema(url, f"stance{_k(n)}") as schema_url:
                say(f"PostgreSQL: {_k(n)} claims: reading the synthetic tables")
                t0 = time.perf_counter()
                tables = source_tables(n, tiny_paths.get(n) or tiny_paths.get(min(n, GENERATED_MAX)), seed)
                source_s = time.perf_counter() - t0
                say(f"PostgreSQL: COPY of {_k(n)} claims")
                build = copy_tables(schema_url, tables)
                build.update(source_s=source_s, repeated=n > GENERATED_MAX,
                             tables={k: len(v) for k, v in tables.items()})
                del tables
                say(f"PostgreSQL: /stance x{len(queries)} on {_k(n)} claims")
                stance = time_stance(schema_url, queries, budget_s)  # type: ignore[arg-type]
                say(f"PostgreSQL: cold start on {_k(n)} claims")
                cold = cold_start(schema_url, COLD_QUERY, cold_runs)
                return {"claims": n, "build": build, "service": stance, "cold": cold}

        got = attempt(f"PostgreSQL /stance {_k(n)}", one_size)
        if got is not None:
            out["stance"].append(got)

    if articles > 0:
        from benchmarks.run import SEEDS
        from benchmarks.synth import vary_seeds

        corpus = vary_seeds(SEEDS, articles, seed=seed)
        whole, halves = workdir / "pg-corpus", [workdir / "pg-corpus-a", workdir / "pg-corpus-b"]
        write_corpus(whole, corpus)
        write_corpus(halves[0], corpus[0::2])
        write_corpus(halves[1], corpus[1::2])
        for folders in ([whole], halves):
            def ingest(folders: list[Path] = folders) -> dict[str, Any]:
                with scratch_schema(url, f"ingest{len(folders)}") as schema_url:
                    say(f"PostgreSQL: ingest of {articles} articles by {len(folders)} process(es) at once")
                    return ingest_processes(schema_url, folders, workdir)

            got = attempt(f"PostgreSQL ingest, {len(folders)} process(es)", ingest)
            if got is not None:
                out["ingest"].append(got)
    return out
