"""The benchmark harness on a few hundred claims: its table and JSON, never its timings."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import run as bench  # noqa: E402
from benchmarks.synth import make_queries, make_tables, vary_seeds, vocabulary  # noqa: E402


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def test_synthetic_tables_are_shaped_like_ingest_output():
    tables = make_tables(300, seed=3)
    claims, articles = tables["claims"], tables["articles"]
    assert len(claims) == 300
    assert 8 <= len(articles) <= 30  # ~20 claims per article
    ids = {a["id"] for a in articles}
    assert all(c["article"] in ids for c in claims)
    assert len({c["id"] for c in claims}) == 300
    voc = vocabulary()
    assert len(voc.actors) == 60
    assert {c["actor"] for c in claims} <= set(voc.actors) | {""}
    texts = {a["id"]: a["text"] for a in articles}
    for c in claims[:50]:
        assert texts[c["article"]][c["start"]:c["end"]] == c["sentence"]
        assert c["words"] and set(c["topics"]) <= set(voc.topics)
    assert make_tables(300, seed=3) == tables  # seeded


def test_queries_and_varied_seeds():
    queries = make_queries(50)
    assert len(queries) == 50 and all(a and t for a, t in queries)
    corpus = vary_seeds(bench.SEEDS, 12)
    assert len({a.text for a in corpus}) == 12
    assert len({a.id for a in corpus}) == 12


def test_harness_runs_end_to_end(tmp_path):
    cfg = bench.Config(sizes=(300,), queries=40, scan_queries=8, articles=0, cold_runs=1,
                       workdir=str(tmp_path), out=str(tmp_path / "bench-results.json"))
    res = bench.run_bench(cfg)
    assert res.errors == []
    [st] = res.stance
    assert st["service"]["n"] == 40 and st["scan"]["n"] == 8
    for key in ("p50_s", "p99_s", "cpu_p50_s", "cpu_p99_s"):
        assert _number(st["service"][key]) and _number(st["scan"][key])
    assert st["service"]["answered"] + st["service"]["errors"] == 40
    [cold] = res.cold_start
    assert _number(cold["median_s"]) and cold["spacy_imported"] is False
    assert _number(res.memory["peak_rss_mb"]) and res.memory["peak_rss_mb"] > 0

    table = bench.render_table(res)
    assert [c.header for c in table.columns] == list(bench.COLUMNS)
    names = [r.benchmark for r in res.rows]
    assert any(n.startswith("/stance p50") for n in names)
    assert any(n.startswith("/stance p99") for n in names)
    assert any(n.startswith("cold start") for n in names)
    assert any(n.startswith("peak RSS") for n in names)
    assert table.row_count == len(res.rows)

    data = json.loads(json.dumps(res.to_dict()))  # JSON-serialisable
    assert set(data["rows"][0]) == set(bench.COLUMNS)


@pytest.mark.slow
def test_ingest_benchmark_on_two_articles(tmp_path):
    result = bench.bench_ingest(tmp_path, 2, seed=1, say=lambda _m: None, chunk=2)
    assert result["articles"] == 2 and result["added"] == 2
    for key in ("parse_s", "ingest_s", "ratio", "tokens"):
        assert _number(result[key]) and result[key] > 0


def test_main_writes_json(tmp_path, capsys):
    """The command line, small.  --no-postgres: without it, a server that answers got the whole
    PostgreSQL benchmark (200 articles ingested twice, about a minute); those rows have an
    end-to-end test of their own on a few hundred claims (tests/test_bench_postgres.py)."""
    out = tmp_path / "r.json"
    code = bench.main(["--sizes", "200", "--queries", "10", "--scan-queries", "2", "--articles", "0",
                       "--cold-runs", "1", "--no-postgres", "--workdir", str(tmp_path / "w"), "--out", str(out)])
    assert code == 0
    data = json.loads(out.read_text())
    assert data["stance"][0]["claims"] == 200 and not data.get("postgres")
    assert "claimbot benchmarks" in capsys.readouterr().out
