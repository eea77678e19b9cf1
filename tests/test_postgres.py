"""The PostgreSQL backend beyond the shared store suite (tests/test_store.py runs that
on PostgreSQL too): schema versions and the start-up check, several processes at once,
full-text search, JSON fidelity, and agreement with the in-memory backend.

Every test that needs a server takes ``pg_url`` (a schema of its own, dropped after);
without a server they are skipped with the reason (failed under CI=true).
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import require_modules  # fails under CI=true, skips elsewhere

require_modules("sqlalchemy", "psycopg")

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from bot import cli  # noqa: E402
from store.base import StoreError, open_store  # noqa: E402
from store.memory import MemoryStore  # noqa: E402
from store.postgres import PostgresStore, schema  # noqa: E402
from store.postgres.tables import REVISION, VERSION_TABLE, metadata  # noqa: E402
from store.postgres.url import engine_url, safe_url  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.postgres


def ids(records: list[dict]) -> list[str]:
    return [r["id"] for r in records]


def engine(url: str):  # noqa: ANN201
    return create_engine(engine_url(url), poolclass=NullPool)


def revision_of(url: str) -> str | None:
    e = engine(url)
    try:
        with e.connect() as conn:
            return schema.state(conn).current
    finally:
        e.dispose()


def claim(cid: str, actor: str = "japan", quote: str = "we oppose the export ban", **kw) -> dict:
    return {"id": cid, "actor": actor, "quote": quote, "sentence": f"{actor.title()} said {quote}.",
            "article": "a1", "topics": ["rare-earths"], "retracted": False, **kw}


# -- URLs and connecting -------------------------------------------------------------------------

def test_urls_map_to_psycopg_and_hide_passwords():
    assert engine_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert engine_url("postgresql://u@h:5433/db?sslmode=require").query == {"sslmode": "require"}
    assert engine_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    with pytest.raises(StoreError, match="unsupported"):
        engine_url("mysql://u@h/db")
    assert "s3cret" not in safe_url("postgresql://u:s3cret@h/db")
    assert safe_url("postgresql+psycopg://u@h/db") == "postgresql://u@h/db"


def test_unreachable_server_is_a_store_error_without_the_password():
    with pytest.raises(StoreError) as err:
        PostgresStore("postgresql://claimbot:s3cret@127.0.0.1:1/claimbot", connect_timeout=2)
    assert "127.0.0.1" in str(err.value) and "s3cret" not in str(err.value)


def test_a_password_given_as_a_url_parameter_stays_out_of_errors(capsys):
    url = "postgresql://claimbot@127.0.0.1:1/claimbot?password=s3cret-Param-7&connect_timeout=2"
    for attempt in (lambda: PostgresStore(url), lambda: schema.inspect(url), lambda: schema.migrate(url)):
        with pytest.raises(StoreError) as err:
            attempt()
        assert "s3cret-Param-7" not in str(err.value)
        assert "127.0.0.1" in str(err.value) and "password=***" in str(err.value)
    assert cli.main(["migrate", "--check", "--db", url]) != 0
    out = capsys.readouterr()
    assert "s3cret-Param-7" not in out.out + out.err
    assert safe_url(url) == "postgresql://claimbot@127.0.0.1:1/claimbot?password=***&connect_timeout=2"


def test_open_store_routes_postgres_urls(pg_url):
    for url in (pg_url, pg_url.replace("postgresql://", "postgres://", 1)):
        s = open_store(url)
        assert isinstance(s, PostgresStore)
        s.close()


# -- the schema and its versions -------------------------------------------------------------------

def test_tables_py_names_the_newest_migration():
    assert REVISION == schema.head()


def test_an_empty_database_is_migrated_on_first_open(pg_url):
    assert revision_of(pg_url) is None
    s = PostgresStore(pg_url)
    assert revision_of(pg_url) == schema.head() == s.schema_state().head
    assert s.schema_state().up_to_date
    s.close()


def test_auto_migrate_off_refuses_an_empty_database(pg_url):
    with pytest.raises(StoreError, match="claimbot migrate") as err:
        PostgresStore(pg_url, auto_migrate=False)
    assert all(r in str(err.value) for r in ("0001", "0002", "0003", "0004"))
    assert revision_of(pg_url) is None


def test_an_outdated_database_is_refused_until_migrated(pg_url, capsys):
    e = engine(pg_url)
    with e.begin() as conn:
        schema.upgrade(conn, "0001")
        conn.execute(text(
            "INSERT INTO claims (id, actor, article, retracted, topics, words, doc) VALUES "
            "('c1', 'japan', 'a1', false, ARRAY['rare-earths'], ARRAY['oppose', 'tariffs'], "
            "'{\"id\": \"c1\", \"actor\": \"japan\", \"quote\": \"we oppose tariffs\", \"sentence\": \"Japan: no.\"}')"))
    e.dispose()

    with pytest.raises(StoreError) as err:
        PostgresStore(pg_url)
    message = str(err.value)
    assert "revision 0001" in message and "0002 (Full-text search" in message and "0003 (Signatures" in message
    assert "claimbot migrate" in message
    assert revision_of(pg_url) == "0001"  # refused, not changed

    assert cli.main(["migrate", "--check", "--db", pg_url]) == 1
    out = capsys.readouterr().out
    assert "Pending migration(s): 0002 (Full-text search" in out and ", 0003 (" in out and ", 0004 (People:" in out
    assert cli.main(["migrate", "--db", pg_url]) == 0
    assert "from 0001 to 0004" in capsys.readouterr().out
    assert cli.main(["migrate", "--db", pg_url]) == 0
    assert "up to date (schema revision 0004)" in capsys.readouterr().out
    assert cli.main(["migrate", "--check", "--db", pg_url]) == 0

    s = PostgresStore(pg_url)
    assert ids(s.claims(words=["tariffs"])) == ["c1"]  # the data came through
    assert ids(s.search_claims("opposing")) == ["c1"]  # and the new column was filled
    assert s.people() == []  # and the people table is there
    s.close()


def test_a_newer_schema_is_refused(pg_url, capsys):
    PostgresStore(pg_url).close()
    e = engine(pg_url)
    with e.begin() as conn:
        conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '0999'"))
    e.dispose()
    with pytest.raises(StoreError, match="newer claimbot"):
        PostgresStore(pg_url)
    assert cli.main(["migrate", "--db", pg_url]) == 3
    assert "newer claimbot" in capsys.readouterr().err
    assert revision_of(pg_url) == "0999"


def test_tables_without_a_version_are_left_alone(pg_url, capsys):
    e = engine(pg_url)
    with e.begin() as conn:
        conn.execute(text("CREATE TABLE claims (id text PRIMARY KEY, note text)"))
    e.dispose()
    with pytest.raises(StoreError, match="no schema version"):
        PostgresStore(pg_url)
    assert cli.main(["migrate", "--db", pg_url]) == 3
    assert revision_of(pg_url) is None


def test_a_missing_schema_is_named(pg_url):
    e = engine(pg_url)
    with e.begin() as conn:
        name = conn.execute(text("SHOW search_path")).scalar()
        conn.execute(text(f'DROP SCHEMA "{name}"'))
    e.dispose()
    with pytest.raises(StoreError, match="no schema to create"):
        PostgresStore(pg_url)


def test_migrations_build_exactly_the_tables_of_tables_py(pg_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    PostgresStore(pg_url).close()
    e = engine(pg_url)
    with e.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True,
            "include_name": lambda name, kind, parent: not (kind == "table" and name == VERSION_TABLE)})
        assert compare_metadata(context, metadata) == []
    e.dispose()


def test_downgrade_to_base_and_back(pg_url):
    s = PostgresStore(pg_url)
    s.close()
    e = engine(pg_url)
    with e.begin() as conn:
        schema.downgrade(conn, "base")
    with e.connect() as conn:
        st = schema.state(conn)
        assert st.current is None and not st.has_tables
    e.dispose()
    PostgresStore(pg_url).close()  # empty again: migrated again on open
    assert revision_of(pg_url) == schema.head()


def test_search_columns_computed_by_other_code_are_rebuilt_by_migrate(pg_url, capsys):
    s = PostgresStore(pg_url)
    s.put_claim(claim("c1", quote="new tariffs"))
    s.put_event({"id": "e1", "start": "2025-06-15"})
    s.close()
    e = engine(pg_url)
    with e.begin() as conn:  # as if an older claimbot had split words differently
        conn.execute(text("UPDATE claims SET words = ARRAY['tariffs-old']"))
        conn.execute(text("UPDATE events SET start = '2025'"))
    e.dispose()
    with pytest.raises(StoreError, match="claimbot migrate"):
        PostgresStore(pg_url)
    assert cli.main(["migrate", "--check", "--db", pg_url]) == 1
    assert "indexed by a claimbot that computes" in capsys.readouterr().out
    assert cli.main(["migrate", "--db", pg_url]) == 0
    assert "rebuilt the search columns of 1 claims, 1 events" in capsys.readouterr().out
    s = PostgresStore(pg_url)
    assert ids(s.claims(words=["tariffs"])) == ["c1"] and ids(s.events(start_from="2025-06-15")) == ["e1"]
    s.close()
    assert cli.main(["migrate", "--db", pg_url]) == 0
    assert "rebuilt" not in capsys.readouterr().out


def test_migrate_on_a_tinydb_path_says_there_is_nothing_to_do(tmp_path, capsys):
    assert cli.main(["migrate", "--db", str(tmp_path / "c.json")]) == 0
    assert "no schema to migrate" in capsys.readouterr().out
    assert not (tmp_path / "c.json").exists()


# -- writes, reads, JSON -----------------------------------------------------------------------------

def test_records_round_trip_exactly(pg_url):
    s = PostgresStore(pg_url)
    record = {"id": "c1", "zeta": 1, "alpha": {"y": [1, 2.5, {"b": None, "a": True}], "x": ""},
              "floats": [0.1, 1e100, -0.0, 1.0], "big": 2 ** 70, "text": "日本 \u2028 \"quoted\" 🙂 \\ \n",
              "topics": ["rare-earths", "rare-earths"], "actor": "japan"}
    s.put_claim(record)
    got = s.get_claim("c1")
    assert got == record
    assert json.dumps(got) == json.dumps(record)  # key order and number forms too
    assert s.dump()["claims"] == [record]
    assert s.topic_counts() == {"rare-earths": 1}  # a repeated topic counts once, as elsewhere
    s.close()


def test_records_postgresql_cannot_hold_change_nothing(pg_url):
    s = PostgresStore(pg_url)
    s.put_claim(claim("c0"))
    with pytest.raises(ValueError, match="NaN"):
        s.put_claim(claim("c1", confidence=float("nan")))
    article = {"id": "a1", "hash": "h1", "title": "t"}
    with pytest.raises(ValueError, match="cannot store"):  # \u0000 cannot be text in PostgreSQL
        s.add_article_bundle(article, [claim("c2"), claim("c3", quote="nul \x00 here")], [], {"id": "au1"})
    assert ids(s.claims()) == ["c0"]
    assert s.articles() == [] and s.audit_log() == [] and not s.has_article("h1")
    assert s.add_article_bundle(article, [claim("c2")], [], {"id": "au1"})  # and it can write again
    s.close()


def test_bundle_with_a_known_id_and_new_content_replaces_the_article(pg_url):
    for s in (MemoryStore(), PostgresStore(pg_url)):
        assert s.add_article_bundle({"id": "a1", "hash": "h1", "v": 1}, [], [])
        assert s.add_article_bundle({"id": "a1", "hash": "h2", "v": 2}, [], [])
        assert s.articles() == [{"id": "a1", "hash": "h2", "v": 2}]
        assert s.has_article("h2") and not s.has_article("h1")
        assert not s.add_article_bundle({"id": "a9", "hash": "h2"}, [], [])
        s.close()


def test_load_rejects_two_articles_with_one_hash(pg_url):
    s = PostgresStore(pg_url)
    with pytest.raises(ValueError, match="conflict"):
        s.load({"articles": [{"id": "a1", "hash": "h"}, {"id": "a2", "hash": "h"}], "claims": [claim("c1")]})
    assert s.articles() == [] and s.claims() == []
    s.close()


def test_a_second_store_sees_writes_of_the_first(pg_url):
    first, second = PostgresStore(pg_url), PostgresStore(pg_url)
    first.add_article_bundle({"id": "a1", "hash": "h1"}, [claim("c1")], [], {"id": "au1"})
    assert second.has_article("h1") and ids(second.claims(words=["ban"])) == ["c1"]
    assert second.add_article_bundle({"id": "a1", "hash": "h1"}, [claim("c2")], []) is False
    second.put_claim(claim("c1", retracted=True))
    assert first.claims() == [] and first.actor_counts() == {}
    first.close()
    second.close()


# -- full-text search --------------------------------------------------------------------------------

def test_search_claims(pg_url):
    s = PostgresStore(pg_url)
    s.load({"claims": [
        claim("c1", quote="we oppose the export ban on rare earths"),
        claim("c2", actor="china", quote="the tariffs hurt everyone", sentence="Beijing opposed new tariffs."),
        claim("c3", quote="exports of gallium are banned", retracted=True),
        claim("c4", actor="us", quote="tariffs are opposed by farmers, who oppose tariffs strongly"),
        claim("c5", quote="seafood is safe"),
    ]})
    assert ids(s.search_claims("opposing tariffs")) == ["c4", "c2"]  # stemmed; best match first
    assert ids(s.search_claims("tariffs", actor="china")) == ["c2"]
    assert ids(s.search_claims("export bans")) == ["c1"]  # retracted c3 left out...
    assert set(ids(s.search_claims("export bans", include_retracted=True))) == {"c1", "c3"}  # ...unless asked
    assert ids(s.search_claims("tariffs", limit=1)) == ["c4"]
    assert s.search_claims("the of and") == []  # stop words only
    assert s.search_claims("tariffs", limit=0) == []
    assert s.search_claims("'); DROP TABLE claims; --") == []
    assert len(s.claims()) == 4
    s.close()


def test_search_claims_filters_and_any_text(pg_url):
    s = PostgresStore(pg_url)
    s.load({"claims": [
        claim("c1", quote="the tariff on steel imports"),
        claim("c2", quote="tariffs on steel and aluminium", topics=["steel-tariffs"]),
        claim("c3", actor="china", quote="steel tariffs are unfair", words=["duti"]),
    ]})
    assert ids(s.search_claims("tariffs steel", topics=["steel-tariffs"])) == ["c2"]
    assert ids(s.search_claims("tariffs", actor="china", words=["duti"])) == ["c3"]  # a stem the claim has
    assert ids(s.search_claims("tariffs", words=["!!!"])) == []  # punctuation only: matches nothing
    assert set(ids(s.search_claims("steel", limit=None))) == {"c1", "c2", "c3"}
    for odd in ("steel\x00tariff", "steel\ud800", "x" * 5000, " ".join(["steel"] * 5000), "a & !b | c:* <->",
                 "'\"\\;--", ""):
        s.search_claims(odd)  # never raises
    assert ids(s.search_claims(" ".join(["steel"] * 5000))) != []  # the first SEARCH_CHARS are searched
    s.close()


# -- the cache of decoded claims -----------------------------------------------------------------------

def test_claim_cache_sees_changes_made_by_another_process(pg_url):
    """Two store objects on one database stand for two processes: what one changes,
    the other's cached records never hide, be it a correction or a retraction."""
    first, second = PostgresStore(pg_url), PostgresStore(pg_url)
    first.load({"claims": [claim(f"c{i}", quote=f"we oppose the export ban number {i}") for i in range(1, 4)]})
    assert ids(first.claims()) == ["c1", "c2", "c3"]
    cache = first._claim_cache
    assert len(cache) == 3 and cache.misses == 3
    assert ids(first.claims(words=["ban"])) == ["c1", "c2", "c3"] and cache.misses == 3  # nothing decoded again
    assert ids(first.search_claims("export ban")) and cache.misses == 3

    second.put_claim(claim("c2", quote="we now support the export ban"))  # corrected elsewhere
    assert [c["quote"] for c in first.claims()] == [
        "we oppose the export ban number 1", "we now support the export ban", "we oppose the export ban number 3"]
    assert cache.misses == 4  # only the changed one decoded again
    assert ids(first.search_claims("support")) == ["c2"]

    second.put_claim(claim("c3", quote="we oppose the export ban number 3", retracted=True))  # retracted elsewhere
    assert ids(first.claims()) == ["c1", "c2"]
    assert [c["retracted"] for c in first.claims(include_retracted=True)] == [False, False, True]
    assert ids(first.search_claims("oppose")) == ["c1"]

    second.load({"claims": [claim("c1", quote="we oppose the export ban number 1", actor="china")]})  # an import
    assert ids(first.claims(actor="japan")) == ["c2"] and first.claims(actor="china")[0]["actor"] == "china"
    first.close()
    second.close()


def test_claim_cache_is_bounded_and_answers_alike(pg_url):
    """A cache of 5 records holds 5 (the last used) and gives the answers of no cache."""
    small, none = PostgresStore(pg_url, claim_cache=5), PostgresStore(pg_url, claim_cache=0)
    small.load({"claims": [claim(f"c{i:02}", actor=("japan", "china")[i % 2], quote=f"export ban {i}")
                           for i in range(20)]})
    queries = [{}, {"actor": "japan"}, {"actor": "china", "words": ["ban"]}, {"topics": ["rare-earths"]}, {}]
    for q in queries:
        assert small.claims(**q) == none.claims(**q)
        assert len(small._claim_cache) <= 5
    last = ids(small.claims())
    assert list(small._claim_cache._items) == last[-5:]  # the least recently used left first
    assert small.search_claims("export ban", limit=None) == none.search_claims("export ban", limit=None)
    assert len(none._claim_cache) == 0
    small.close()
    none.close()


def test_preload_fills_the_claim_cache_with_the_newest_claims(pg_url):
    s = PostgresStore(pg_url, claim_cache=3)
    s.load({"claims": [claim(f"c{i}", retracted=i == 4) for i in range(6)]})
    s.preload()
    assert list(s._claim_cache._items) == ["c2", "c3", "c5"]  # not the retracted c4; newest last
    misses = s._claim_cache.misses
    assert ids(s.claims(article="a1")) == ["c0", "c1", "c2", "c3", "c5"]
    assert s._claim_cache.misses == misses + 2  # c0 and c1 decoded, the others came from the cache
    assert len(s._claim_cache) == 3
    s.close()


# -- agreement with the in-memory backend ----------------------------------------------------------

def _random_ops(rng: random.Random, n: int) -> list[tuple]:
    actors, topics = ["japan", "china", "us", ""], ["rare-earths", "tariffs", "steel", "chips"]
    words = ["oppose", "ban", "tariffs", "support", "rare-earth", "chips", "levy", "?!"]
    days = ["2025-06-01", "2025-06-15", "2025-06-15T10:00", "2025-07-01", "", "2025-06-1"]

    def a_claim() -> dict:
        return {"id": f"c{rng.randrange(30)}", "actor": rng.choice(actors),
                "topics": rng.sample(topics, rng.randrange(3)), "article": f"a{rng.randrange(5)}",
                "quote": " ".join(rng.sample(words, 2)), "sentence": " ".join(rng.sample(words, 3)),
                "retracted": rng.random() < 0.2, "n": rng.randrange(1000)}

    def an_event() -> dict:
        return {"id": f"e{rng.randrange(10)}", "start": rng.choice(days),
                "status": rng.choice(["scheduled", "cancelled", None])}

    ops: list[tuple] = []
    for _ in range(n):
        kind = rng.randrange(7)
        if kind == 0:
            art = {"id": f"a{rng.randrange(8)}", "hash": f"h{rng.randrange(8)}", "n": rng.randrange(100)}
            ops.append(("add_article_bundle", art, [a_claim() for _ in range(rng.randrange(3))],
                        [an_event() for _ in range(rng.randrange(2))], {"id": f"au{rng.randrange(50)}"}))
        elif kind == 1:
            ops.append(("put_claim", a_claim(), {"id": f"au{rng.randrange(50)}"} if rng.random() < .5 else None))
        elif kind == 2:
            ops.append(("put_event", an_event(), None))
        elif kind == 3:
            ops.append(("load", {"claims": [a_claim() for _ in range(3)], "events": [an_event()]}))
        elif kind == 4:
            ops.append(("put_subscription", {"id": f"s{rng.randrange(4)}", "n": rng.randrange(9)}, None))
        elif kind == 5:
            ops.append(("delete_subscription", f"s{rng.randrange(4)}", {"id": f"au{rng.randrange(50)}"}))
        else:
            ops.append(("claim_delivery", {"id": f"d{rng.randrange(6)}", "n": rng.randrange(9)}))
    return ops


def _answers(s) -> list:  # noqa: ANN001
    out: list = [s.dump(), s.actor_counts(), s.topic_counts(), s.audit_log(limit=3)]
    for actor in (None, "japan", ""):
        for topics in (None, ["tariffs"], ["steel", "chips"]):
            for words in (None, ["oppose"], ["rare-earth", "levy"], ["?!"]):
                out.append(ids(s.claims(actor=actor, topics=topics, words=words)))
                out.append(ids(s.claims(actor=actor, topics=topics, words=words, include_retracted=True)))
    out.append(ids(s.claims(article="a1")))
    for lo, hi in ((None, None), ("2025-06-15", "2025-06-15"), ("2025-06-1", None), (None, "")):
        out.append(ids(s.events(start_from=lo, start_to=hi)))
        out.append(ids(s.events(start_from=lo, start_to=hi, include_cancelled=False)))
    out.append([s.has_article(f"h{n}") for n in range(8)])
    return out


def test_postgres_answers_like_the_memory_backend(pg_url):
    rng = random.Random(9)
    ops = _random_ops(rng, 300)
    memory, pg = MemoryStore(), PostgresStore(pg_url)
    for n, (method, *args) in enumerate(ops):
        got = [getattr(s, method)(*args) for s in (memory, pg)]
        assert got[0] == got[1], (n, method, args)
        if n % 50 == 49:
            assert _answers(memory) == _answers(pg), n
    assert _answers(memory) == _answers(pg)
    pg.close()


# -- several processes ---------------------------------------------------------------------------------

def _run_together(code: str, argsets: list[list[str]], go: Path) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args, str(go)], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for args in argsets]
    go.touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * len(procs), [err for _, err in outputs]
    return [json.loads(out) for out, _ in outputs]


INGESTER = """
    import json, os, random, sys, time
    url, name, own_ids, go = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4]
    from store.postgres import PostgresStore
    while not os.path.exists(go):
        time.sleep(0.001)
    s = PostgresStore(url)  # all of them at once, on an empty schema: it is created once
    order = list(range(50))
    random.Random(name).shuffle(order)
    won = []
    for n in order:
        aid = f"a{n}-{name}" if own_ids else f"a{n}"  # same content under another name, too
        article = {"id": aid, "title": f"Article {n}", "published": "2025-05-01",
                   "text": f"Synthetic article {n}.", "hash": f"hash-of-article-{n}"}
        claims = [{"id": f"{aid}-c{k}", "actor": ["japan", "china", "us"][k], "article": aid,
                   "quote": f"we oppose measure {n}", "sentence": f"They said we oppose measure {n}.",
                   "topics": ["rare-earths"]} for k in range(3)]
        events = [{"id": f"e{n % 7}", "start": f"2025-06-{n % 7 + 1:02d}", "article": aid}]
        if s.add_article_bundle(article, claims, events, {"id": f"au-{aid}", "action": "ingest"}):
            won.append(n)
    print(json.dumps({"won": won}))
"""


def test_four_processes_ingesting_the_same_articles_store_each_once(pg_url, tmp_path):
    results = _run_together(INGESTER, [[pg_url, f"p{k}", str(k % 2)] for k in range(4)], tmp_path / "go")
    won = sorted(n for r in results for n in r["won"])
    assert won == list(range(50))  # each article added by exactly one process

    s = PostgresStore(pg_url)
    stored = s.articles()
    assert len(stored) == 50 and len({a["hash"] for a in stored}) == 50
    article_ids = {a["id"] for a in stored}
    found = s.claims()
    assert len(found) == 150 and {c["article"] for c in found} == article_ids  # losers wrote no claims
    assert {au["id"] for au in s.audit_log()} == {f"au-{aid}" for aid in article_ids}
    assert len(s.events()) == 7
    assert s.actor_counts() == {"japan": 50, "china": 50, "us": 50}
    s.close()


CLAIMANT = """
    import json, os, random, sys, time
    url, name, go = sys.argv[1], sys.argv[2], sys.argv[3]
    from store.postgres import PostgresStore
    s = PostgresStore(url)
    while not os.path.exists(go):
        time.sleep(0.001)
    order = list(range(30))
    random.Random(name).shuffle(order)
    won = [n for n in order if s.claim_delivery({"id": f"e{n}|C1|2025-06-14", "by": name, "status": "pending"})]
    print(json.dumps({"name": name, "won": won}))
"""


def test_many_processes_claiming_one_delivery_exactly_one_wins(pg_url, tmp_path):
    PostgresStore(pg_url).close()  # the schema exists before the race (the race is the ledger's)
    results = _run_together(CLAIMANT, [[pg_url, f"bot{k}"] for k in range(6)], tmp_path / "go")
    winners = {n: r["name"] for r in results for n in r["won"]}
    assert sum(len(r["won"]) for r in results) == 30 and sorted(winners) == list(range(30))

    s = PostgresStore(pg_url)
    ledger = {d["id"]: d["by"] for d in s.deliveries()}
    assert ledger == {f"e{n}|C1|2025-06-14": name for n, name in winners.items()}  # the winner's record
    s.close()


# -- no server --------------------------------------------------------------------------------------

def _pytest_without_server(ci: str | None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO), CLAIMBOT_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:1/none")
    env.pop("CI", None)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           "tests/test_store.py::test_claim_delivery_is_once_only", "tests/test_postgres.py::test_search_claims"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_without_a_server_postgres_tests_skip_with_the_reason_and_fail_under_ci():
    run = _pytest_without_server(None)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed, 2 skipped" in run.stdout  # tinydb, tinydb-cold and memory ran
    assert "no PostgreSQL server answers at postgresql://postgres@127.0.0.1:1/none" in run.stdout
    assert "postgres: 2 test(s) skipped: no PostgreSQL server answers" in run.stdout  # even under -q

    run = _pytest_without_server("true")
    assert run.returncode != 0
    assert "CI=true and no PostgreSQL server answers" in run.stdout
