"""`claimbot export FILE` / `claimbot import FILE`: JSON Lines, every table, either
backend to either, lossless both ways."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import cli
from store.base import TABLES
from store.tinydb_store import TinyDBStore

REPO = Path(__file__).resolve().parents[1]


def fill(store) -> None:  # noqa: ANN001
    """A store with a record in every table, a retracted claim, odd text and numbers."""
    claims = [
        {"id": "c1", "actor": "japan", "cue": "say", "quote": "we oppose the export ban", "sentence": "Japan: no.",
         "start": 0, "end": 10, "article": "a1", "published": "2025-05-01", "stance": "oppose",
         "topics": ["rare-earths"], "speaker": {"name": "Yoji Muto", "mention": "Muto", "kind": "person"},
         "confidence": 0.75, "words": ["ban", "export", "oppos"], "retracted": False},
        {"id": "c2", "zeta": 1, "alpha": None, "actor": "china", "quote": "日本 \u2028 “quoted” 🙂 \\ \t",
         "sentence": "line\nbreak", "topics": [], "article": "a1", "retracted": True, "retract_reason": "dup",
         "confidence": 1e-7, "big": 2 ** 64, "ratio": 1.0},
    ]
    events = [{"id": "e1", "title": "summit", "kind": "summit", "start": "2025-06-15", "end": None,
               "precision": "day", "article": "a1", "sources": [{"article": "a1", "start": 5}], "status": "scheduled"}]
    store.add_article_bundle({"id": "a1", "title": "Article", "published": "2025-05-01", "text": "t", "hash": "h1"},
                             claims, events, {"id": "au1", "action": "ingest", "at": "2025-05-01T00:00:00Z"})
    store.put_subscription({"id": "s1", "channel": "C1", "lead_days": [7, 1]}, audit={"id": "au2", "action": "subscribe"})
    store.claim_delivery({"id": "e1|C1|2025-06-08", "status": "pending"})
    store.update_delivery({"id": "e1|C1|2025-06-08", "status": "sent", "ts": "1717.0"})
    store.add_audit({"id": "au3", "action": "retract", "claim": "c2", "before": {"retracted": False}})
    store.put_people([{"id": "p-yoji-muto", "name": "Yoji Muto", "actor": "japan", "role": "trade minister",
                       "source": "learned", "articles": ["a1"]}])


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]  # not splitlines(): U+2028


def test_export_writes_every_table_one_record_a_line(tmp_path, capsys):
    db = tmp_path / "claimbot.json"
    s = TinyDBStore(db)
    fill(s)
    s.close()
    out = tmp_path / "export.jsonl"
    assert cli.main(["export", str(out), "--db", str(db)]) == 0
    assert "10 record(s) (articles 1, claims 2, events 1, subscriptions 1, deliveries 1, audit 3, people 1)" \
        in capsys.readouterr().err
    items = lines_of(out)
    assert all(set(item) == {"table", "record"} for item in items)
    assert [item["table"] for item in items] == ["articles", "claims", "claims", "events", "subscriptions",
                                                 "deliveries", "audit", "audit", "audit", "people"]
    assert {item["table"] for item in items} == set(TABLES)
    assert items[5]["record"] == {"id": "e1|C1|2025-06-08", "status": "sent", "ts": "1717.0"}
    assert [i["record"]["id"] for i in items if i["table"] == "audit"] == ["au1", "au2", "au3"]
    assert len(out.read_text(encoding="utf-8").split("\n")) == len(items) + 1  # "\u2028" stays inside its line
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def test_tinydb_to_file_to_tinydb(tmp_path):
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    s = TinyDBStore(first)
    fill(s)
    s.close()
    assert cli.main(["export", str(tmp_path / "a.jsonl"), "--db", str(first)]) == 0
    assert cli.main(["import", str(tmp_path / "a.jsonl"), "--db", str(second)]) == 0
    assert cli.main(["export", str(tmp_path / "b.jsonl"), "--db", str(second)]) == 0
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert TinyDBStore(second).dump() == TinyDBStore(first).dump()


@pytest.mark.postgres
def test_tinydb_to_postgres_and_back_is_lossless(tmp_path, pg_url):
    tiny, back = tmp_path / "tiny.json", tmp_path / "back.json"
    s = TinyDBStore(tiny)
    fill(s)
    original = s.dump()
    s.close()
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert cli.main(["export", str(a), "--db", str(tiny)]) == 0
    assert cli.main(["import", str(a), "--db", pg_url]) == 0
    assert cli.main(["export", str(b), "--db", pg_url]) == 0
    assert a.read_bytes() == b.read_bytes()  # same records, same order, same keys, same numbers
    assert cli.main(["import", str(b), "--db", str(back)]) == 0
    restored = TinyDBStore(back).dump()
    assert restored == original
    assert json.dumps(restored) == json.dumps(original)

    from store.postgres import PostgresStore

    pg = PostgresStore(pg_url)
    assert [c["id"] for c in pg.claims(include_retracted=True)] == ["c1", "c2"]
    assert [c["id"] for c in pg.claims()] == ["c1"]
    assert [c["id"] for c in pg.claims(words=["oppos"])] == ["c1"]  # indexes built from the records
    assert pg.has_article("h1") and [e["id"] for e in pg.events(start_from="2025-06-15")] == ["e1"]
    assert pg.claim_delivery({"id": "e1|C1|2025-06-08"}) is False  # the ledger came along
    pg.close()


def test_import_refuses_a_store_with_records_unless_merging(tmp_path, capsys):
    db, other = tmp_path / "db.json", tmp_path / "other.json"
    s = TinyDBStore(db)
    fill(s)
    s.close()
    t = TinyDBStore(other)
    t.put_claim({"id": "mine", "actor": "us", "topics": []})
    t.close()
    assert cli.main(["export", str(tmp_path / "a.jsonl"), "--db", str(db)]) == 0
    assert cli.main(["import", str(tmp_path / "a.jsonl"), "--db", str(other)]) == 2
    assert "already holds 1 record" in capsys.readouterr().err
    assert [c["id"] for c in TinyDBStore(other).claims()] == ["mine"]
    assert cli.main(["import", str(tmp_path / "a.jsonl"), "--db", str(other), "--merge"]) == 0
    assert [c["id"] for c in TinyDBStore(other).claims(include_retracted=True)] == ["mine", "c1", "c2"]


@pytest.mark.parametrize("line, why", [
    ("not json", "line 2: not JSON"),
    ('{"table": "claims"}', 'line 2: expected {"table"'),
    ('{"table": "nonsense", "record": {"id": "x"}}', "line 2: unknown table 'nonsense'"),
    ('{"table": "claims", "record": {"actor": "japan"}}', "line 2: the record needs a non-empty string 'id'"),
    ('{"table": "claims", "record": {"id": ""}}', "line 2: the record needs"),
])
def test_a_bad_line_is_named_and_nothing_is_imported(tmp_path, capsys, line, why):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"table": "claims", "record": {"id": "c1", "actor": "japan", "topics": []}}\n' + line + "\n",
                    encoding="utf-8")
    db = tmp_path / "db.json"
    assert cli.main(["import", str(path), "--db", str(db)]) == 2
    assert why in capsys.readouterr().err
    assert TinyDBStore(db).claims() == []


def test_export_to_stdout_and_import_from_stdin(tmp_path):
    db, copy = tmp_path / "db.json", tmp_path / "copy.json"
    s = TinyDBStore(db)
    fill(s)
    s.close()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    claimbot = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]
    exported = subprocess.run([*claimbot, "export", "-", "--db", str(db)], env=env, cwd=REPO,
                              capture_output=True, check=True)
    assert exported.stdout.count(b"\n") == 10
    subprocess.run([*claimbot, "import", "-", "--db", str(copy)], env=env, cwd=REPO,
                   input=exported.stdout, capture_output=True, check=True)
    assert TinyDBStore(copy).dump() == TinyDBStore(db).dump()
