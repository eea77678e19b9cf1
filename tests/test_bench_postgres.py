"""The PostgreSQL rows of the benchmark harness on a few hundred claims and three articles:
its table and JSON, never its timings."""
from __future__ import annotations

import pytest

from benchmarks import run as bench
from benchmarks.postgres import repeat_tables
from benchmarks.synth import make_tables


def test_repeated_tables_keep_ids_and_hashes_unique_and_links_whole():
    tables = repeat_tables(make_tables(120, seed=3), 300)
    claims, articles = tables["claims"], tables["articles"]
    assert len(claims) == 300 and len({c["id"] for c in claims}) == 300
    assert len({a["id"] for a in articles}) == len(articles) == len({a["hash"] for a in articles})
    assert {c["article"] for c in claims} <= {a["id"] for a in articles}
    assert {s["article"] for e in tables["events"] for s in e.get("sources") or []} <= {a["id"] for a in articles}


def test_without_a_server_the_rows_are_skipped_with_the_reason(tmp_path):
    cfg = bench.Config(sizes=(), queries=5, articles=0, cold_runs=1, postgres=True, pg_sizes=(300,),
                       pg_url="postgresql://postgres@127.0.0.1:1/none", workdir=str(tmp_path), out="-")
    res = bench.run_bench(cfg)
    assert res.errors == []
    [row] = [r for r in res.rows if r.benchmark == "PostgreSQL rows"]
    assert row.result == "skipped" and "no PostgreSQL server answers at postgresql://postgres@127.0.0.1:1/none" \
        in row.baseline


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_rows_end_to_end(tmp_path):
    from tests.conftest import postgres_base_url, require_postgres

    require_postgres()
    cfg = bench.Config(sizes=(300,), queries=20, scan_queries=4, articles=3, cold_runs=1, postgres=True,
                       pg_sizes=(300, 700), pg_url=postgres_base_url(), workdir=str(tmp_path), out="-")
    res = bench.run_bench(cfg)
    assert [e for e in res.errors if "PostgreSQL" in e["benchmark"]] == []
    pg = res.postgres
    assert [st["claims"] for st in pg["stance"]] == [300, 700]
    small, big = pg["stance"]
    assert small["build"]["tables"]["claims"] == 300 and not small["build"]["repeated"]
    assert big["build"]["rows"] > 700 and big["service"]["n"] == big["service"]["planned"]
    assert [i["processes"] for i in pg["ingest"]] == [1, 2]
    assert all(i["stored_articles"] == i["added"] == 3 for i in pg["ingest"])
    names = [r.benchmark for r in res.rows]
    assert any(n.startswith("PostgreSQL: /stance p99") for n in names)
    assert sum(n.startswith("PostgreSQL: ingest 3 articles") for n in names) == 2


@pytest.mark.postgres
def test_scratch_schemas_are_dropped():
    import psycopg

    from benchmarks.postgres import _libpq, scratch_schema
    from tests.conftest import postgres_base_url, require_postgres

    require_postgres()
    with scratch_schema(postgres_base_url(), "probe") as url:
        with psycopg.connect(_libpq(url), autocommit=True) as conn:
            name = conn.execute("SELECT current_schema()").fetchone()[0]
    assert name.startswith("claimbot_bench_probe_")
    with psycopg.connect(_libpq(postgres_base_url()), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = %s", (name,)).fetchone()[0] == 0


@pytest.mark.postgres
def test_copy_loads_what_the_store_would_hold(pg_url):
    from benchmarks.postgres import copy_tables
    from store.postgres import PostgresStore

    tables = make_tables(200, seed=5)
    assert copy_tables(pg_url, tables)["rows"] == sum(len(v) for v in tables.values())
    store = PostgresStore(pg_url)  # and the start-up check finds the indexed columns as it computes them
    dumped = store.dump()
    assert {k: v for k, v in dumped.items() if v} == tables
    word = tables["claims"][0]["words"][0]
    assert len(store.claims(words=[word])) == len([c for c in tables["claims"] if word in c["words"]
                                                    and not c.get("retracted")])
    store.close()
