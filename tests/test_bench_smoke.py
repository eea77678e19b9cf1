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
    import numpy as np

    from bot.extract.encoder import DIM, unpack

    tables = make_tables(300, seed=3)
    claims, articles = tables["claims"], tables["articles"]
    statements = [c for c in claims if c["kind"] == "statement"]
    actions = [c for c in claims if c["kind"] == "action"]
    assert len(claims) == 300 and len(statements) + len(actions) == 300
    assert 0.2 <= len(actions) / len(statements) <= 0.4  # ~30% more records, of kind "action"
    assert all(a["speaker"] is None and a["actor"] for a in actions)
    assert 8 <= len(articles) <= 30  # ~20 claims per article
    ids = {a["id"] for a in articles}
    assert all(c["article"] in ids for c in claims)
    assert len({c["id"] for c in claims}) == 300
    voc = vocabulary()
    assert len(voc.actors) == 60
    assert {c["actor"] for c in claims} <= set(voc.actors) | {""}
    texts = {a["id"]: a["text"] for a in articles}
    for c in claims:
        assert texts[c["article"]][c["start"]:c["end"]] == c["sentence"]
        assert c["context"] and c["context"] in texts[c["article"]][:c["start"]]
    for c in claims[:50]:
        assert c["words"] and set(c["topics"]) <= set(voc.topics)
    vecs = np.stack([unpack(c["vec"]) for c in claims])  # every record has a unit sentence vector
    assert vecs.shape == (len(claims), DIM) and np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-2)
    # near its target's phrase: records filed under a topic are nearer each other than the rest
    topic = max(voc.topics, key=lambda t: sum(t in c["topics"] for c in claims))
    on = np.array([topic in c["topics"] for c in claims])
    centre = vecs[on].mean(0) / np.linalg.norm(vecs[on].mean(0))
    assert (vecs[on] @ centre).mean() > (vecs[~on] @ centre).mean() + 0.15
    assert make_tables(300, seed=3) == tables  # seeded
    bare = make_tables(300, seed=3, actions=0.0, vectors=False)["claims"]
    assert len(bare) == 300 and not any("vec" in c for c in bare)
    # the actions have an RNG of their own: the statements are the same with or without them
    assert [c["sentence"] for c in bare[:len(statements)]] == [c["sentence"] for c in statements]


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
    distinct = len(bench.distinct_queries(make_queries(40, seed=cfg.seed + 4)))
    assert 10 <= distinct <= 40
    svc, again = st["service"], st["service"]["repeat"]
    assert svc["n"] == svc["planned"] == again["n"] == distinct and st["scan"]["n"] == 8
    for key in ("p50_s", "p99_s", "cpu_p50_s", "cpu_p99_s"):
        assert _number(svc[key]) and _number(st["scan"][key]) and _number(again[key])
    assert svc["answered"] + svc["errors"] == distinct
    assert (again["answered"], again["labels"]) == (svc["answered"], svc["labels"])  # the same answers
    [cold] = res.cold_start
    assert _number(cold["median_s"]) and cold["spacy_imported"] is False
    assert _number(res.memory["peak_rss_mb"]) and res.memory["peak_rss_mb"] > 0
    assert res.memory["after_models_mb"] >= res.memory["after_open_mb"]
    model = res.model
    for key in ("load_s", "encoder_s", "stance_model_s", "embed_ms", "stance_ms"):
        assert _number(model[key]) and model[key] > 0
    assert set(model["files_mb"]) >= {"minilm", "minilm-bottom", "stance-head"}
    assert all(mb > 1 for mb in model["files_mb"].values())

    table = bench.render_table(res)
    assert [c.header for c in table.columns] == list(bench.COLUMNS)
    names = [r.benchmark for r in res.rows]
    assert any(n.startswith("/stance p50, first ask") for n in names)
    assert any(n.startswith("/stance p99, first ask") for n in names)
    assert any(n.startswith("/stance p50, asked again") for n in names)
    assert sum(n.startswith("stance model:") for n in names) == 3
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
                       "--cold-runs", "1", "--no-postgres", "--no-model", "--workdir", str(tmp_path / "w"),
                       "--out", str(out)])
    assert code == 0
    data = json.loads(out.read_text())
    assert data["stance"][0]["claims"] == 200 and not data.get("postgres") and not data.get("model")
    assert "claimbot benchmarks" in capsys.readouterr().out
