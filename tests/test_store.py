"""Store tests: the protocol on every backend (``store`` fixture), then the TinyDB file
(atomic writes, locking, reloading, bad files)."""
from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tinydb import TinyDB

from store.base import Store, StoreError, open_store
from store.index import claim_words
from store.memory import MemoryStore
from store.tinydb_store import TinyDBStore

REPO = Path(__file__).resolve().parents[1]


def article(n: int = 1, **kw) -> dict:
    return {"id": f"a{n}", "title": f"Article {n}", "published": "2025-05-01", "text": f"text {n}",
            "hash": f"hash{n}", **kw}


def claim(cid: str, actor: str = "japan", topics: list[str] | None = None, **kw) -> dict:
    record = {"id": cid, "actor": actor, "cue": "say", "quote": "we oppose the export ban",
              "sentence": f"Japan said: we oppose the export ban ({cid}).", "start": 0, "end": 40,
              "article": "a1", "published": "2025-05-01", "stance": "oppose", "target": "the export ban",
              "topics": ["rare-earths"] if topics is None else topics,
              "speaker": {"name": "Yoji Muto", "mention": "Muto", "kind": "person"}, "retracted": False}
    record.update(kw)
    return record


def event(eid: str, start: str, **kw) -> dict:
    return {"id": eid, "title": f"event {eid}", "kind": "summit", "start": start, "end": None,
            "precision": "day", "article": "a1", "evidence": "...", "status": "scheduled", **kw}


def ids(records: list[dict]) -> list[str]:
    return [r["id"] for r in records]


# -- the protocol, on every backend -------------------------------------------------------

def test_backends_satisfy_the_protocol(store):
    assert isinstance(store, Store)


def test_put_and_get_claim(store):
    original = claim("c1")
    store.put_claim(original)
    assert store.get_claim("c1") == original
    assert store.get_claim("nope") is None

    original["topics"].append("tariffs")  # the store copied its input
    original["speaker"]["name"] = "someone else"
    got = store.get_claim("c1")
    assert got["topics"] == ["rare-earths"] and got["speaker"]["name"] == "Yoji Muto"

    got["topics"].append("steel")  # get_claim returns a private copy
    assert store.get_claim("c1")["topics"] == ["rare-earths"]
    assert ids(store.claims(topics=["steel"])) == []


def test_put_claim_replaces_and_reindexes(store):
    store.put_claim(claim("c1", actor="japan", topics=["rare-earths"]))
    store.claims(words=["ban"])  # build the word index before the change
    store.put_claim(claim("c1", actor="china", topics=["tariffs"], quote="levies are fair",
                          sentence="China said levies are fair.", target="levies"))
    assert ids(store.claims(actor="japan")) == []
    assert ids(store.claims(actor="china")) == ["c1"]
    assert ids(store.claims(topics=["rare-earths"])) == []
    assert ids(store.claims(actor="japan", topics=["rare-earths", "tariffs"])) == []
    assert ids(store.claims(actor="china", topics=["rare-earths", "tariffs"])) == ["c1"]
    assert ids(store.claims(words=["ban"])) == []
    assert ids(store.claims(words=["levies"])) == ["c1"]
    assert store.actor_counts() == {"china": 1}
    assert store.topic_counts() == {"tariffs": 1}
    assert len(store.claims()) == 1


def test_retracted_claims_are_excluded_by_default(store):
    store.put_claim(claim("c1"))
    store.put_claim(claim("c2", retracted=True, retract_reason="misattributed"))
    assert ids(store.claims()) == ["c1"]
    assert ids(store.claims(actor="japan")) == ["c1"]
    assert ids(store.claims(include_retracted=True)) == ["c1", "c2"]
    assert ids(store.claims(actor="japan", include_retracted=True)) == ["c1", "c2"]
    assert store.actor_counts() == {"japan": 1}
    assert store.topic_counts() == {"rare-earths": 1}

    retracted = store.get_claim("c1")
    retracted["retracted"] = True
    store.put_claim(retracted, audit={"id": "au1", "action": "retract", "claim": "c1"})
    assert store.claims() == []
    assert store.actor_counts() == {} and store.topic_counts() == {}
    assert ids(store.audit_log()) == ["au1"]


def test_claim_filters(store):
    store.load({"claims": [
        claim("c1", actor="japan", topics=["rare-earths"], quote="We OPPOSE the Rare-Earth curbs",
              sentence="Japan: We OPPOSE the Rare-Earth curbs."),
        claim("c2", actor="china", topics=["tariffs", "rare-earths"], quote="tariffs hurt everyone",
              sentence="China said tariffs hurt everyone.", target="tariffs", article="a2"),
        claim("c3", actor="japan", topics=["fisheries"], quote="seafood is safe",
              sentence="Japan insisted seafood is safe.", target="seafood"),
    ]})
    assert ids(store.claims(actor="japan")) == ["c1", "c3"]
    assert ids(store.claims(topics=["rare-earths"])) == ["c1", "c2"]
    assert ids(store.claims(topics=["fisheries", "tariffs"])) == ["c2", "c3"]  # any topic
    assert ids(store.claims(topics="tariffs")) == ["c2"]  # a bare string is one topic
    assert ids(store.claims(actor="japan", topics=["rare-earths", "tariffs"])) == ["c1"]
    assert ids(store.claims(article="a2")) == ["c2"]
    assert ids(store.claims(article="a1", topics=["rare-earths"])) == ["c1"]
    assert ids(store.claims(words=["oppose"])) == ["c1"]  # lower-cased word forms
    assert ids(store.claims(words=["SEAFOOD", "hurt"])) == ["c2", "c3"]  # any word
    assert ids(store.claims(words=["rare-earth"])) == ["c1"]  # every form of one word
    assert ids(store.claims(words=["fisheries"])) == ["c3"]  # topic ids are words too
    assert ids(store.claims(words=["rare"], actor="china")) == ["c2"]
    assert store.claims(actor="us") == []
    assert store.claims(topics=["steel"]) == []
    assert store.claims(words=["?!"]) == []
    assert ids(store.claims(topics=[], words=[])) == ["c1", "c2", "c3"]  # empty = no filter


def test_claim_words():
    words = claim_words(claim("c1", quote="Tokyo's REE stance", sentence="It is firm.", target="U.S.-made",
                              topics=["rare-earths"]))
    assert {"tokyo", "s", "ree", "stance", "it", "is", "firm", "u", "made", "rare", "earths"} == words
    assert "tariff" in claim_words(claim("c1", quote="tariffs", words=["tariff", "levy"]))


def test_words_match_the_claims_own_stemmed_words(store):
    store.put_claim(claim("c1", quote="new tariffs", sentence="Japan opposes new tariffs.", words=["tariff", "new"]))
    store.put_claim(claim("c2", quote="fine", sentence="Fine.", words=[]))
    assert ids(store.claims(words=["tariff"])) == ["c1"]
    assert ids(store.claims(words=["tariffs"])) == ["c1"]


def test_claims_are_listed_in_stored_order(store):
    for cid in ["c9", "c1", "c5"]:
        store.put_claim(claim(cid))
    store.put_claim(claim("c1", quote="changed"))  # a replaced claim keeps its place
    assert ids(store.claims()) == ["c9", "c1", "c5"]
    assert ids(store.claims(actor="japan", topics=["rare-earths"])) == ["c9", "c1", "c5"]


def test_add_article_bundle_is_idempotent(store):
    audit = {"id": "au1", "action": "ingest", "article": "a1"}
    assert not store.has_article("hash1")
    assert store.add_article_bundle(article(1), [claim("c1"), claim("c2")], [event("e1", "2025-06-15")], audit)
    assert store.has_article("hash1")
    assert ids(store.articles()) == ["a1"]
    assert store.get_article("a1")["title"] == "Article 1"

    again = store.add_article_bundle(article(1, id="a1-copy"), [claim("c3")], [event("e2", "2025-07-01")],
                                     {"id": "au2", "action": "ingest"})
    assert again is False
    assert ids(store.articles()) == ["a1"]
    assert ids(store.claims()) == ["c1", "c2"]
    assert ids(store.events()) == ["e1"]
    assert ids(store.audit_log()) == ["au1"]


def test_add_article_bundle_replaces_events_by_id(store):
    store.add_article_bundle(article(1), [], [event("e1", "2025-06-15", sources=[{"article": "a1"}])])
    merged = event("e1", "2025-06-15", sources=[{"article": "a1"}, {"article": "a2"}])
    assert store.add_article_bundle(article(2), [claim("c2", article="a2")], [merged])
    assert len(store.events()) == 1
    assert store.get_event("e1")["sources"] == [{"article": "a1"}, {"article": "a2"}]


def test_add_article_bundle_needs_a_hash(store):
    with pytest.raises(ValueError, match="hash"):
        store.add_article_bundle(article(1, hash=""), [claim("c1")], [])
    assert store.articles() == [] and store.claims() == []


def test_add_article_bundles_takes_each_new_hash_once(store):
    store.add_article_bundle(article(1), [claim("c1")], [])
    bundles = [
        (article(2), [claim("c2", article="a2"), claim("c3", article="a2")], [event("e2", "2025-06-15")],
         {"id": "au2"}),
        (article(1, id="a1-copy"), [claim("x1")], [event("x", "2025-06-01")], {"id": "aux1"}),  # stored already
        (article(3), [claim("c4", article="a3")], [], None),
        (article(2, id="a2-again"), [claim("x2")], [], {"id": "aux2"}),  # taken earlier in this call
        (article(4), [], [], {"id": "au4"}),
    ]
    assert store.add_article_bundles(bundles) == [True, False, True, False, True]
    assert ids(store.articles()) == ["a1", "a2", "a3", "a4"]
    assert ids(store.claims()) == ["c1", "c2", "c3", "c4"]
    assert ids(store.claims(article="a2")) == ["c2", "c3"]
    assert ids(store.claims(words=["oppose"], article="a3")) == ["c4"]
    assert ids(store.events()) == ["e2"]
    assert ids(store.audit_log()) == ["au2", "au4"]
    assert all(store.has_article(f"hash{n}") for n in (1, 2, 3, 4))
    assert store.add_article_bundles(bundles) == [False] * 5  # idempotent
    assert store.add_article_bundles([]) == []
    assert ids(store.claims()) == ["c1", "c2", "c3", "c4"] and ids(store.audit_log()) == ["au2", "au4"]


def test_add_article_bundles_equals_one_call_per_bundle(store):
    def bundles(round_: int) -> list:
        out = []
        for n in range(1, 7):
            a = article(n + 10 * round_, published=f"2025-05-0{n}")
            out.append((a, [claim(f"c{n}-{k}", actor=["japan", "china"][k % 2], article=a["id"],
                                   topics=[["tariffs"], ["rare-earths", "steel"]][k % 2]) for k in range(3)],
                        [event(f"e{n % 3}", f"2025-06-1{n}", sources=[{"article": a["id"]}])],
                        {"id": f"au{round_}-{n}"} if n % 2 else None))
        out.append(out[1])  # the same bundle twice
        out.append((article(90 + round_), [claim("c1-0", actor="us", quote="replaced by a later bundle")], [], None))
        return out

    one_by_one = MemoryStore()
    expected = [one_by_one.add_article_bundle(*b) for r in (0, 1) for b in bundles(r)]
    got = store.add_article_bundles(bundles(0)) + store.add_article_bundles(bundles(1))
    assert got == expected
    assert store.dump() == one_by_one.dump()
    assert ids(store.claims(actor="us")) == ["c1-0"]
    assert ids(store.claims(actor="japan", topics=["tariffs"])) == ids(one_by_one.claims(actor="japan", topics=["tariffs"]))
    assert store.actor_counts() == one_by_one.actor_counts() and store.topic_counts() == one_by_one.topic_counts()


def test_add_article_bundles_with_a_bad_record_writes_nothing(store):
    good = (article(1), [claim("c1")], [], {"id": "au1"})
    with pytest.raises(ValueError, match="id"):
        store.add_article_bundles([good, (article(2), [{"actor": "japan"}], [], None)])
    with pytest.raises(ValueError, match="hash"):
        store.add_article_bundles([good, (article(2, hash=""), [], [], None)])
    with pytest.raises(ValueError, match="bundle"):
        store.add_article_bundles([good, (article(2),)])
    assert store.articles() == [] and store.claims() == [] and store.audit_log() == []
    assert store.add_article_bundles([good[:3]]) == [True]  # the audit record may be left out
    assert ids(store.claims()) == ["c1"]


def test_bad_records_change_nothing(store):
    store.put_claim(claim("c0"))
    with pytest.raises(ValueError, match="id"):
        store.add_article_bundle(article(1), [claim("c1"), {"actor": "japan"}], [])
    with pytest.raises(ValueError, match="JSON"):
        store.put_claim(claim("c2", published=object()))
    with pytest.raises(ValueError, match="unknown tables"):
        store.load({"claims": [claim("c3")], "nonsense": []})
    assert ids(store.claims()) == ["c0"]
    assert store.articles() == []


def test_claim_delivery_is_once_only(store):
    delivery = {"id": "e1|C123|2025-06-14", "event": "e1", "channel": "C123", "status": "pending"}
    assert store.claim_delivery(delivery) is True
    assert store.claim_delivery(dict(delivery, status="other")) is False
    assert store.deliveries() == [delivery]
    store.update_delivery(dict(delivery, status="sent"))
    assert [d["status"] for d in store.deliveries()] == ["sent"]
    assert store.claim_delivery(delivery) is False


def test_events_by_date_range(store):
    store.load({"events": [
        event("late", "2025-07-01"),
        event("dt", "2025-06-17T09:30:00+00:00"),
        event("early", "2025-06-01"),
        event("mid", "2025-06-15"),
        event("off", "2025-06-16", status="cancelled"),
    ]})
    assert ids(store.events()) == ["early", "mid", "off", "dt", "late"]
    assert ids(store.events(start_from="2025-06-15", start_to="2025-06-17")) == ["mid", "off", "dt"]
    assert ids(store.events(start_from="2025-06-15", start_to="2025-06-17", include_cancelled=False)) \
        == ["mid", "dt"]
    assert ids(store.events(start_from="2025-06-16")) == ["off", "dt", "late"]
    assert ids(store.events(start_to="2025-06-01")) == ["early"]
    assert store.events(start_from="2026-01-01") == []

    store.put_event(event("mid", "2025-08-01"), audit={"id": "au1", "action": "move"})
    assert ids(store.events(start_from="2025-06-15", start_to="2025-06-17")) == ["off", "dt"]
    assert ids(store.events())[-1] == "mid"
    assert ids(store.audit_log()) == ["au1"]


def test_subscriptions(store):
    store.put_subscription({"id": "s1", "channel": "C1"}, audit={"id": "au1"})
    store.put_subscription({"id": "s2", "channel": "C2"})
    store.put_subscription({"id": "s1", "channel": "C1", "lead_days": 3})
    assert store.subscriptions() == [{"id": "s1", "channel": "C1", "lead_days": 3}, {"id": "s2", "channel": "C2"}]
    assert store.delete_subscription("s1", audit={"id": "au2"}) is True
    assert store.delete_subscription("s1", audit={"id": "au3"}) is False
    assert ids(store.subscriptions()) == ["s2"]
    assert ids(store.audit_log()) == ["au1", "au2"]


def test_people_and_the_claims_a_correction_changes_are_written_together(store):
    store.add_article_bundle(article(1), [claim("c1"), claim("c2")], [])
    assert store.people() == []
    person = {"id": "p-yoji-muto", "name": "Yoji Muto", "actor": "japan", "role": "trade minister",
              "source": "learned", "articles": ["a1"]}
    store.put_people([person])
    assert store.people() == [person]
    corrected = dict(person, actor="china", source="admin")
    store.put_people([corrected], [claim("c1", actor="china")], {"id": "au1", "action": "person.set"})
    assert store.people() == [corrected]  # replaced by id, in the order first stored
    assert ids(store.claims(actor="china")) == ["c1"] and ids(store.claims(actor="japan")) == ["c2"]
    assert store.actor_counts() == {"china": 1, "japan": 1}
    assert ids(store.audit_log()) == ["au1"]
    person["name"] = "changed"  # the store copied its input
    assert store.people()[0]["name"] == "Yoji Muto"


def test_audit_log_limit(store):
    for n in range(5):
        store.add_audit({"id": f"au{n}", "action": "x"})
    assert ids(store.audit_log()) == ["au0", "au1", "au2", "au3", "au4"]
    assert ids(store.audit_log(limit=2)) == ["au3", "au4"]
    assert store.audit_log(limit=0) == []


def test_dump_and_load_round_trip(store, tmp_path):
    store.add_article_bundle(article(1), [claim("c1"), claim("c2", retracted=True)], [event("e1", "2025-06-15")],
                             {"id": "au1"})
    store.put_subscription({"id": "s1", "channel": "C1"})
    store.claim_delivery({"id": "d1"})
    dumped = store.dump()
    assert set(dumped) == {"articles", "claims", "events", "subscriptions", "deliveries", "audit", "people"}

    for other in (MemoryStore(), TinyDBStore(tmp_path / "copy.json")):
        other.load(json.loads(json.dumps(dumped)))
        assert other.dump() == dumped
        assert ids(other.claims(include_retracted=True)) == ["c1", "c2"]
        other.load({"claims": [claim("c2", actor="china")]})  # replace by id
        assert ids(other.claims(actor="china")) == ["c2"]
        other.close()


def test_word_index_follows_writes_after_it_is_built(store):
    store.put_claim(claim("c1", quote="alpha", sentence="alpha beta."))
    assert ids(store.claims(words=["beta"])) == ["c1"]  # builds the word index
    store.put_claim(claim("c2", quote="gamma", sentence="gamma beta."))
    store.add_article_bundle(article(3), [claim("c3", quote="beta", sentence="beta only.")], [])
    assert ids(store.claims(words=["beta"])) == ["c1", "c2", "c3"]
    assert ids(store.claims(words=["gamma"])) == ["c2"]


def test_open_store_urls(tmp_path):
    assert isinstance(open_store("memory:"), MemoryStore)
    opened = open_store(str(tmp_path / "x.json"))
    assert isinstance(opened, TinyDBStore)
    opened.close()


# -- the TinyDB file ----------------------------------------------------------------------

@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "claimbot.json"


def count_replaces(monkeypatch) -> list[str]:
    """Renames onto the store's files, the JSON file's writes (renames of a rebuilt index
    sidecar, ``FILE.index``, are left out)."""
    calls: list[str] = []
    real = os.replace

    def counting(src, dst, *args, **kwargs):
        if not str(dst).endswith(".index"):
            calls.append(str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", counting)
    return calls


def test_missing_parent_directory_is_created(tmp_path):
    path = tmp_path / "a" / "b" / "claimbot.json"
    s = TinyDBStore(path)
    s.put_claim(claim("c1"))
    assert path.exists()
    s.close()


def test_one_method_call_is_one_file_write(db_path, monkeypatch):
    s = TinyDBStore(db_path)
    writes = count_replaces(monkeypatch)
    s.add_article_bundle(article(1), [claim(f"c{n}") for n in range(5)],
                         [event("e1", "2025-06-15"), event("e2", "2025-06-16")], {"id": "au1"})
    assert writes == [str(db_path)]
    s.load({"claims": [claim(f"d{n}") for n in range(50)], "audit": [{"id": "au2"}]})
    assert len(writes) == 2
    s.put_claim(claim("c1", quote="new"), audit={"id": "au3"})
    assert len(writes) == 3
    assert s.add_article_bundle(article(1), [claim("c9")], []) is False  # no write at all
    assert s.claim_delivery({"id": "d1"}) and not s.claim_delivery({"id": "d1"})
    assert len(writes) == 4

    on_disk = json.loads(db_path.read_text())
    assert len(on_disk["claims"]) == 55
    assert {d["id"] for d in on_disk["audit"].values()} == {"au1", "au2", "au3"}
    s.close()


def test_many_bundles_are_one_file_write(db_path, monkeypatch):
    s = TinyDBStore(db_path)
    s.add_article_bundle(article(1), [claim("c1")], [])
    writes = count_replaces(monkeypatch)
    bundles = [(article(n), [claim(f"c{n}-{k}", article=f"a{n}") for k in range(3)], [], {"id": f"au{n}"})
               for n in range(1, 17)]
    assert s.add_article_bundles(bundles) == [False] + [True] * 15
    assert writes == [str(db_path)]
    assert s.add_article_bundles(bundles) == [False] * 16  # nothing new: no write at all
    assert len(writes) == 1
    on_disk = json.loads(db_path.read_text())
    assert len(on_disk["claims"]) == 1 + 45 and len(on_disk["articles"]) == 16
    assert len(TinyDBStore(db_path).claims()) == 46
    s.close()


def test_file_is_a_tinydb_database(db_path):
    s = TinyDBStore(db_path)
    s.add_article_bundle(article(1), [claim("c1"), claim("c2")], [event("e1", "2025-06-15")], {"id": "au1"})
    s.put_claim(claim("c1", actor="china"))
    s.close()
    db = TinyDB(db_path)
    assert sorted(d["id"] for d in db.table("claims").all()) == ["c1", "c2"]
    assert db.table("claims").get(doc_id=1)["actor"] == "china"  # replaced in place
    assert db.table("audit").all() == [{"id": "au1"}]
    db.close()


def test_failed_rename_keeps_the_previous_file_and_state(db_path, monkeypatch):
    s = TinyDBStore(db_path)
    s.add_article_bundle(article(1), [claim("c1")], [], {"id": "au1"})
    before = db_path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(StoreError, match="left as it was"):
        s.add_article_bundle(article(2), [claim("c2", actor="china")], [event("e2", "2025-06-15")], {"id": "au2"})
    with pytest.raises(StoreError):
        s.put_claim(claim("c1", retracted=True), audit={"id": "au3"})
    monkeypatch.undo()

    assert db_path.read_bytes() == before
    assert [p.name for p in db_path.parent.iterdir() if p.suffix == ".tmp"] == []
    # the failed writes left no trace in this store's memory either
    assert ids(s.claims()) == ["c1"] and s.actor_counts() == {"japan": 1}
    assert not s.has_article("hash2") and s.events() == [] and ids(s.audit_log()) == ["au1"]
    fresh = TinyDBStore(db_path)
    assert ids(fresh.claims()) == ["c1"] and ids(fresh.audit_log()) == ["au1"]
    # and both can write again
    assert s.add_article_bundle(article(2), [claim("c2", actor="china")], [], {"id": "au2"})
    assert ids(fresh.claims()) == ["c1", "c2"]
    fresh.close()
    s.close()


def test_a_write_is_durable_before_it_is_visible(db_path, monkeypatch):
    """The temp file's data reaches the disk (fsync) before the rename makes it the store,
    and the directory is synced after the rename, so a power cut at any moment leaves either
    the old or the new file, complete.  (A crash test cannot see a missing fsync: the page
    cache survives a killed process; only the order of the calls shows it.)"""
    s = TinyDBStore(db_path)
    s.put_claim(claim("c0"))
    calls: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        calls.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def replace(src, dst, *args, **kwargs):
        calls.append(("replace", f"{src} -> {dst}"))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    for write in (lambda: s.put_claim(claim("c1")), lambda: s.add_article_bundle(article(1), [claim("c2")], []),
                  lambda: s.claim_delivery({"id": "d1"}), lambda: s.load({"claims": [claim("c3")]})):
        calls.clear()
        write()
        [rename] = [i for i, (kind, what) in enumerate(calls) if kind == "replace"
                    and what.endswith(f" -> {db_path}")]
        tmp = calls[rename][1].split(" -> ")[0]
        assert ("fsync", tmp) in calls[:rename], f"the new file was not synced before its rename: {calls}"
        assert ("fsync", str(db_path.parent)) in calls[rename + 1:], f"the rename was not synced: {calls}"
    s.close()


def run_python(code: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120, check=check)


def test_writer_killed_between_temp_write_and_rename(db_path):
    s = TinyDBStore(db_path)
    s.add_article_bundle(article(1), [claim("c1")], [], {"id": "au1"})
    before = db_path.read_bytes()
    child = run_python("""
        import os, signal, sys
        from store.tinydb_store import TinyDBStore
        s = TinyDBStore(sys.argv[1])
        os.replace = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)  # die mid-write
        s.put_claim({"id": "c2", "actor": "china", "topics": ["tariffs"]}, audit={"id": "au2"})
    """, str(db_path), check=False)
    assert child.returncode == -9
    leftovers = [p for p in db_path.parent.iterdir() if p.suffix == ".tmp"]
    assert len(leftovers) == 1  # the complete temp file that never got renamed

    assert db_path.read_bytes() == before
    assert ids(TinyDBStore(db_path).claims()) == ["c1"]
    assert ids(s.claims()) == ["c1"]
    # the dead writer's lock died with it; the next write cleans up its temp file
    s.put_claim(claim("c3"), audit={"id": "au3"})
    assert not any(p.exists() for p in leftovers)
    assert ids(TinyDBStore(db_path).claims()) == ["c1", "c3"]
    s.close()


WRITER = """
    import json, os, sys, time
    from store.tinydb_store import TinyDBStore
    path, name, go = sys.argv[1], sys.argv[2], sys.argv[3]
    s = TinyDBStore(path)
    while not os.path.exists(go):
        time.sleep(0.001)
    won = 0
    for n in range(40):
        s.put_claim({"id": f"{name}-{n}", "actor": name, "topics": ["t"]}, audit={"id": f"au-{name}-{n}"})
        won += s.claim_delivery({"id": f"d{n % 20}", "by": name})
    print(json.dumps({"won": won}))
"""


def test_concurrent_writers_lose_no_write(db_path, tmp_path):
    TinyDBStore(db_path).add_article_bundle(article(1), [claim("c0")], [])
    go = tmp_path / "go"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(WRITER), str(db_path), name, str(go)],
                              cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("japan", "china")]
    go.touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs

    s = TinyDBStore(db_path)
    assert len(s.claims()) == 81
    assert s.actor_counts() == {"japan": 41, "china": 40}
    assert len(s.audit_log()) == 80
    assert sorted(d["id"] for d in s.deliveries()) == sorted(f"d{n}" for n in range(20))
    assert sum(json.loads(out)["won"] for out, _ in outputs) == 20  # each delivery claimed once
    s.close()


def test_a_second_store_sees_writes_of_the_first(db_path):
    first, second = TinyDBStore(db_path), TinyDBStore(db_path)
    assert second.claims() == []
    assert second.claims(words=["oppose"]) == []
    first.add_article_bundle(article(1), [claim("c1")], [event("e1", "2025-06-15")], {"id": "au1"})
    assert ids(second.claims()) == ["c1"]
    assert ids(second.claims(words=["oppose"])) == ["c1"]
    assert second.has_article("hash1") and ids(second.events()) == ["e1"]
    assert second.add_article_bundle(article(1), [claim("c2")], []) is False  # sees it under the lock too

    second.put_claim(claim("c1", retracted=True))
    assert first.claims() == [] and first.actor_counts() == {}
    # equal sizes, back-to-back writes: the inode still tells the versions apart
    first.put_subscription({"id": "s1", "mode": "aaaa"})
    assert second.subscriptions() == [{"id": "s1", "mode": "aaaa"}]
    first.put_subscription({"id": "s1", "mode": "bbbb"})
    assert second.subscriptions() == [{"id": "s1", "mode": "bbbb"}]
    first.close()
    second.close()


def test_corrupt_file_raises_and_is_left_untouched(db_path):
    db_path.parent.mkdir(parents=True)
    for content in ['{"claims": {"1": {"id": "c1"}', "[1, 2, 3]", '{"claims": {"1": {"actor": "japan"}}}',
                    b"\xff\xfe{}"]:
        if isinstance(content, bytes):
            db_path.write_bytes(content)
        else:
            db_path.write_text(content)
        before = db_path.read_bytes()
        with pytest.raises(StoreError, match=str(db_path)):
            open_store(str(db_path))
        assert db_path.read_bytes() == before


def test_file_corrupted_while_open(db_path):
    s = TinyDBStore(db_path)
    s.put_claim(claim("c1"))
    db_path.write_text("garbage")
    with pytest.raises(StoreError, match="unreadable"):
        s.claims()
    with pytest.raises(StoreError, match="unreadable"):
        s.put_claim(claim("c2"))
    assert db_path.read_text() == "garbage"
    s.close()


def test_empty_file_is_a_fresh_store(db_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_text("")
    s = TinyDBStore(db_path)
    assert s.claims() == [] and s.articles() == [] and s.audit_log() == []
    assert s.add_article_bundle(article(1), [claim("c1")], [])
    assert ids(TinyDBStore(db_path).claims()) == ["c1"]
    s.close()


def test_a_held_lock_makes_writes_wait_then_fail(db_path):
    s = TinyDBStore(db_path, lock_timeout=0.2)
    s.put_claim(claim("c1"))
    with open(str(db_path) + ".lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(StoreError, match="busy"):
            s.put_claim(claim("c2"))
        assert ids(s.claims()) == ["c1"]  # reads do not need the lock
    s.put_claim(claim("c2"))
    assert ids(s.claims()) == ["c1", "c2"]
    s.close()


def test_file_mode_is_kept(db_path):
    s = TinyDBStore(db_path)
    s.put_claim(claim("c1"))
    os.chmod(db_path, 0o640)
    s.put_claim(claim("c2"))
    assert db_path.stat().st_mode & 0o777 == 0o640
    s.close()


def tricky_tables(n: int = 300) -> dict:
    """Documents whose text and nesting look like document boundaries."""
    docs = {}
    for i in range(1, n + 1):
        docs[str(i)] = {"id": f"c{i}", "actor": "japan", "quote": 'he said },"7":{ and "quoted" \\ text\n',
                        "nested": {"1": {"2": {}}, "3": [{"4": {"x": i}}]}, "n": i * 1.5, "ok": i % 2 == 0,
                        "none": None, "words": ["a", "b", f"w{i % 7}"], "uni": "東京 \u2019s"}
    return {"claims": docs, "events": {}, "audit": {"1": {"id": "au1"}}}


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("window", [(1 << 20, 1 << 17), (64, 40), (7, 3)])
def test_reader_matches_json_load(tmp_path, monkeypatch, indent, window):
    import store.tinydb_store as tinydb_store

    monkeypatch.setattr(tinydb_store, "_BLOCK", window[0])
    monkeypatch.setattr(tinydb_store, "_MANY", window[1])
    path = tmp_path / "db.json"
    tables = tricky_tables()
    path.write_text(json.dumps(tables, indent=indent, ensure_ascii=indent is None))
    with open(path, encoding="utf-8") as handle:
        assert tinydb_store._read_tables(handle) == tables


def test_equal_numbers_load_as_one_object_and_keep_their_json(tmp_path):
    """Offsets and confidences repeat across claims: loaded once each, as strings are interned,
    without turning 1.0 into 1 or -0.0 into 0.0."""
    import store.tinydb_store as tinydb_store

    docs = {str(i): {"id": f"c{i}", "start": 1000 + i % 3, "confidence": 0.7, "one": 1 if i % 2 else 1.0,
                     "zero": -0.0 if i % 2 else 0.0, "big": 10 ** 30, "nan": float("nan"), "flag": i % 2 == 0}
            for i in range(1, 40)}
    path = tmp_path / "db.json"
    path.write_text(json.dumps({"claims": docs}))
    with open(path, encoding="utf-8") as handle:
        got = tinydb_store._read_tables(handle)
    assert json.dumps(got) == json.dumps({"claims": docs})
    claims = list(got["claims"].values())
    assert len({id(c["start"]) for c in claims}) == 3 and len({id(c["confidence"]) for c in claims}) == 1
    assert len({id(c["big"]) for c in claims}) == 1 and {type(c["flag"]) for c in claims} == {bool}


def test_a_file_written_by_plain_tinydb_opens(tmp_path):
    path = tmp_path / "plain.json"
    db = TinyDB(path, indent=4)
    db.table("claims").insert_multiple(claim(f"c{n}", actor=["japan", "china"][n % 2]) for n in range(400))
    db.close()
    s = TinyDBStore(path)
    assert len(s.claims(actor="japan")) == 200
    s.put_claim(claim("c-new"))
    assert len(TinyDBStore(path).claims()) == 401
    s.close()


@pytest.mark.parametrize("cut", [0.3, 0.7, -1])
def test_a_truncated_large_file_is_reported(tmp_path, cut):
    path = tmp_path / "db.json"
    text = json.dumps(tricky_tables(2000), separators=(",", ":"))
    path.write_text(text[:int(len(text) * cut)] if cut > 0 else text[:-1])
    before = path.read_bytes()
    with pytest.raises(StoreError, match="invalid JSON at line 1"):
        TinyDBStore(path)
    assert path.read_bytes() == before


def test_a_forked_child_does_not_share_the_parents_lock(db_path):
    s = TinyDBStore(db_path, lock_timeout=0.3)
    s.put_claim(claim("c1"))  # opens the lock file
    fcntl.flock(s._lock_fd, fcntl.LOCK_EX)  # as the parent does in the middle of a write
    pid = os.fork()
    if pid == 0:  # the child inherits the store with its open lock file
        try:
            s.put_claim(claim("c2"))
            code = 1  # wrote while the parent held the lock
        except StoreError:
            code = 0
        except BaseException:
            code = 2
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    fcntl.flock(s._lock_fd, fcntl.LOCK_UN)
    assert os.waitstatus_to_exitcode(status) == 0
    s.put_claim(claim("c3"))
    assert ids(TinyDBStore(db_path).claims()) == ["c1", "c3"]
    s.close()


# -- the index sidecar (FILE.index): cold reads --------------------------------------------

@pytest.fixture(autouse=True)
def patient_cold_stores(monkeypatch):
    """Cold stores keep answering from the sidecar: loading these tiny files costs so
    little that a few queries would otherwise make them load (see the ski-rental test)."""
    import store.tinydb_store as tinydb_store

    monkeypatch.setattr(tinydb_store, "_LOAD_BYTES_PER_S", 1e-3)


def sidecar_of(db_path: Path) -> Path:
    return Path(str(db_path) + ".index")


def filled(db_path: Path, n: int = 3) -> TinyDBStore:
    s = TinyDBStore(db_path)
    s.add_article_bundles([(article(k), [claim(f"c{k}-{i}", actor=["japan", "china"][i % 2], article=f"a{k}",
                                               topics=[["rare-earths"], ["tariffs", "steel"]][i % 2],
                                               quote=f"quote {k} {i} levies" if i % 3 else f"quote {k} {i}")
                                         for i in range(4)], [event(f"e{k}", "2025-06-15")], {"id": f"au{k}"})
                            for k in range(1, n + 1)])
    return s


def answers(s) -> list:
    """What the sidecar can answer, for comparing stores."""
    return [ids(s.claims()), ids(s.claims(include_retracted=True)), ids(s.claims(actor="japan")),
            ids(s.claims(actor="china", topics=["steel", "rare-earths"])), ids(s.claims(topics=["tariffs"])),
            ids(s.claims(words=["levies"])), ids(s.claims(actor="japan", words=["levies", "nothing"])),
            ids(s.claims(article="a2", words=["rare-earths"])), s.actor_counts(), s.topic_counts(),
            s.get_claim("c1-1"), s.get_claim("nope"), s.has_article("hash2"), s.has_article("nope"),
            s.get_article("a1"), s.get_article("nope"), ids(s.articles()), s.events(),
            ids(s.events(start_from="2025-06-15", start_to="2025-06-15", include_cancelled=False))]


def test_a_cold_store_answers_from_the_sidecar_without_loading(db_path):
    writer = filled(db_path)
    expected = answers(writer)
    assert sidecar_of(db_path).exists()
    cold = TinyDBStore(db_path)
    assert not cold.loaded
    assert answers(cold) == expected
    assert not cold.loaded and cold._ix.claim_at == {}  # nothing of the file in memory
    assert ids(cold.audit_log()) == ["au1", "au2", "au3"]  # not in the sidecar: loads the file
    assert cold.loaded and answers(cold) == expected
    cold.close()
    preloaded = TinyDBStore(db_path, preload=True)
    assert preloaded.loaded
    assert answers(preloaded) == expected
    preloaded.close()
    writer.close()


def test_a_cold_store_sees_later_writes(db_path):
    writer = filled(db_path, 1)
    cold = TinyDBStore(db_path)
    assert ids(cold.claims(actor="japan")) == ["c1-0", "c1-2"]
    writer.put_claim(claim("c1-0", actor="us", quote="changed"))
    writer.add_article_bundle(article(9), [claim("c9", article="a9")], [])
    assert ids(cold.claims(actor="japan")) == ["c1-2", "c9"] and ids(cold.claims(actor="us")) == ["c1-0"]
    assert cold.get_claim("c1-0")["quote"] == "changed"
    assert not cold.loaded
    writer.close()
    cold.close()


@pytest.mark.parametrize("damage", ["missing", "garbage", "empty", "other version", "plain tinydb write"])
def test_a_stale_or_damaged_sidecar_is_never_used_and_is_rebuilt(db_path, tmp_path, damage):
    writer = filled(db_path)
    side = sidecar_of(db_path)
    if damage == "missing":
        side.unlink()
    elif damage == "garbage":
        side.write_bytes(b"SQLite format 3\x00" + os.urandom(5000))
    elif damage == "empty":
        side.write_bytes(b"")
    elif damage == "other version":  # the sidecar of an older file version, put back
        old = tmp_path / "old.index"
        old.write_bytes(side.read_bytes())
        writer.put_claim(claim("c-new", actor="japan"))
        os.replace(old, side)
    else:  # a program that does not know the sidecar rewrites the file in place
        db = TinyDB(db_path)
        db.table("claims").insert(claim("c-new", actor="japan"))
        db.close()
    cold = TinyDBStore(db_path)
    assert cold.loaded  # the sidecar did not match: the file was loaded at open...
    truth = answers(TinyDBStore(db_path, preload=True))
    assert answers(cold) == truth
    cold.close()
    again = TinyDBStore(db_path)  # ...and the sidecar rebuilt from it
    assert not again.loaded
    assert answers(again) == truth
    assert ("c-new" in ids(again.claims(actor="japan"))) == (damage in ("other version", "plain tinydb write"))
    again.close()
    writer.close()


CRASH_AFTER_RENAME = """
    import os, signal, sys
    import store.sidecar
    from store.tinydb_store import TinyDBStore
    path, where = sys.argv[1], sys.argv[2]
    s = TinyDBStore(path)
    s.claims(actor="japan")
    if where == "before the sidecar transaction":
        store.sidecar.Sidecar.apply = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
    else:  # inside it, with its changes made but not committed: a hot journal is left
        real = store.sidecar.Sidecar._apply
        def apply_then_die(con, changes):
            real(con, changes)
            os.kill(os.getpid(), signal.SIGKILL)
        store.sidecar.Sidecar._apply = staticmethod(apply_then_die)
    s.put_claim({"id": "c-new", "actor": "japan", "topics": ["rare-earths"], "quote": "levies"})
"""


@pytest.mark.parametrize("where", ["before the sidecar transaction", "inside the sidecar transaction"])
def test_a_writer_killed_between_the_rename_and_the_sidecar_update(db_path, where):
    writer = filled(db_path, 2)
    child = run_python(CRASH_AFTER_RENAME, str(db_path), where, check=False)
    assert child.returncode == -9, child.stderr
    if where == "inside the sidecar transaction":
        assert Path(str(sidecar_of(db_path)) + "-journal").exists()
    on_disk = json.loads(db_path.read_text())
    assert "c-new" in {d["id"] for d in on_disk["claims"].values()}  # the JSON write happened
    cold = TinyDBStore(db_path)
    assert cold.loaded  # stale sidecar detected: the file was loaded
    assert "c-new" in ids(cold.claims(actor="japan", words=["levies"]))
    cold.close()
    rebuilt = TinyDBStore(db_path)
    assert not rebuilt.loaded
    assert "c-new" in ids(rebuilt.claims(actor="japan", topics=["rare-earths"]))
    assert answers(rebuilt) == answers(TinyDBStore(db_path, preload=True))
    # the writer that was open all along writes on, and the sidecar follows
    writer.put_claim(claim("c-later", actor="china", topics=["steel"]))
    assert "c-later" in ids(TinyDBStore(db_path).claims(actor="china", topics=["steel"]))
    writer.close()


def test_a_writer_that_finds_the_sidecar_stale_deletes_it_before_its_rename(db_path, monkeypatch):
    writer = filled(db_path, 1)
    os.utime(db_path, ns=(1, 1))  # the file no longer matches the sidecar's signature
    seen = []
    real = os.replace

    def spy(src, dst, *a, **k):
        if str(dst) == str(db_path):
            seen.append(sidecar_of(db_path).exists())
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", spy)
    writer.put_claim(claim("c-x"))  # (reloads the file it no longer knows, first)
    assert seen == [False]  # no sidecar while the file was renamed
    assert sidecar_of(db_path).exists()  # then rebuilt
    cold = TinyDBStore(db_path)
    assert not cold.loaded and "c-x" in ids(cold.claims())
    cold.close()
    writer.close()


def test_a_failed_sidecar_update_does_not_fail_the_write(db_path, monkeypatch):
    import store.sidecar

    writer = filled(db_path, 1)

    def broken(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.sidecar.Sidecar, "apply", broken)
    monkeypatch.setattr(store.sidecar.Sidecar, "build", broken)
    writer.put_claim(claim("c-x"))  # written; the sidecar is gone (stale)
    assert not sidecar_of(db_path).exists()
    monkeypatch.undo()
    cold = TinyDBStore(db_path)
    assert cold.loaded and "c-x" in ids(cold.claims())
    cold.close()
    writer.close()


def test_the_sidecar_follows_big_writes_and_deletes(db_path):
    s = TinyDBStore(db_path)
    s.load({"claims": [claim(f"b{n}", actor=["japan", "china", "us"][n % 3], quote=f"word{n % 7} levies")
                       for n in range(300)]})  # big: rebuilt
    s.load({"claims": [claim(f"b{n}", actor="eu", quote="replaced") for n in range(0, 300, 50)]})  # small: updated
    s.put_subscription({"id": "s1"})
    s.delete_subscription("s1")
    cold = TinyDBStore(db_path)
    assert answers(cold) == answers(s)
    assert ids(cold.claims(actor="eu")) == [f"b{n}" for n in range(0, 300, 50)]
    assert ids(cold.claims(words=["word3"])) == ids(s.claims(words=["word3"]))
    assert ids(cold.claims(words=["replaced"])) == ids(s.claims(actor="eu"))
    assert not cold.loaded
    cold.close()
    s.close()


def test_a_cold_store_that_keeps_asking_loads_the_file(db_path, monkeypatch):
    import store.tinydb_store as tinydb_store

    filled(db_path).close()
    monkeypatch.setattr(tinydb_store, "_LOAD_BYTES_PER_S", 1e15)  # loading looks free
    s = TinyDBStore(db_path)
    assert not s.loaded
    expected = ids(s.claims(actor="japan"))  # the sidecar has now cost more than a load would
    assert ids(s.claims(actor="japan")) == expected
    assert s.loaded
    s.close()


def test_cold_reads_during_concurrent_writes(db_path, tmp_path):
    TinyDBStore(db_path).add_article_bundle(article(1), [claim("c0")], [])
    go = tmp_path / "go"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(WRITER), str(db_path), name, str(go)],
                              cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("japan", "china")]
    go.touch()
    seen = {"japan": 0, "china": 0}
    loads = 0
    while any(p.poll() is None for p in procs):
        cold = TinyDBStore(db_path)
        for actor in seen:
            found = ids(cold.claims(actor=actor, topics=["t"]))
            assert found == [f"{actor}-{n}" for n in range(len(found))]  # a whole write or none
            assert len(found) >= seen[actor]
            seen[actor] = len(found)
        loads += cold.loaded
        cold.close()
    assert [p.wait() for p in procs] == [0, 0]
    assert loads == 0  # a reader that met a write half-done waited for it, never loaded the file
    final = TinyDBStore(db_path)
    assert not final.loaded
    assert len(final.claims(actor="japan", topics=["t"])) == 40 and len(final.claims(actor="china")) == 40
    final.close()


def test_the_sidecar_gives_what_memory_gives_on_synthetic_data(tmp_path):
    sys.path.insert(0, str(REPO))
    from benchmarks.synth import make_tables

    tables = make_tables(1500, seed=5)
    for n, c in enumerate(tables["claims"]):
        c["retracted"] = n % 97 == 0
    for n, e in enumerate(tables["events"]):
        if n % 5 == 0:
            e["status"] = "cancelled"
        if n % 7 == 0:
            e["start"] += "T09:30:00+00:00"
    tables["events"].append(event("no-start", None))
    path = tmp_path / "synth.json"
    s = TinyDBStore(path)
    s.load(tables)
    s.put_claim(dict(tables["claims"][10], actor="japan", topics=["tariffs"]))
    memory = MemoryStore()
    memory.load(s.dump())
    cold = TinyDBStore(path)
    actors = ["japan", "china", "us", "eu", "", "nobody"]
    topics = [None, ["tariffs"], ["rare-earths", "semiconductors"], ["nothing"]]
    words = [None, ["tariff"], ["rare-earth", "export"], ["the"], ["?!"]]
    articles = [None, tables["articles"][3]["id"]]
    for actor in [None, *actors]:
        for t in topics:
            for w in words:
                for a in articles:
                    for retracted in (False, True):
                        kw = dict(actor=actor, topics=t, words=w, article=a, include_retracted=retracted)
                        assert cold.claims(**kw) == memory.claims(**kw), kw
    assert cold.actor_counts() == memory.actor_counts() and cold.topic_counts() == memory.topic_counts()
    assert cold.articles() == memory.articles()
    for a in tables["articles"][:20]:
        assert cold.has_article(a["hash"]) and cold.get_article(a["id"]) == memory.get_article(a["id"])
    starts = sorted({e["start"] for e in memory.events() if e["start"]})
    bounds = [None, "", starts[0], starts[len(starts) // 2], starts[len(starts) // 2][:7], starts[-1], "2099"]
    for start_from in bounds:
        for start_to in bounds:
            for cancelled in (True, False):
                kw = dict(start_from=start_from, start_to=start_to, include_cancelled=cancelled)
                assert cold.events(**kw) == memory.events(**kw), kw
    assert not cold.loaded
    cold.close()
    s.close()


def test_without_a_word_index_word_queries_read_the_candidates(tmp_path):
    s = MemoryStore()
    s.load({"claims": [claim(f"c{n}", actor=["japan", "china"][n % 2], quote=f"w{n % 5} levies") for n in range(40)]})
    ix = s._ix
    assert ids(s.claims(actor="japan", words=["w2"])) == [f"c{n}" for n in range(40) if n % 2 == 0 and n % 5 == 2]
    assert ix._by_word is None  # the actor's 20 claims were read instead
    assert ids(s.claims(actor="china", words=["w1", "levies"])) == [f"c{n}" for n in range(1, 40, 2)]
    assert ix._by_word is None
    s.claims(actor="japan", words=["w3"])  # 60 claims read by now, more than there are: build it
    assert ix._by_word is not None
    assert ids(s.claims(actor="japan", words=["w2"])) == [f"c{n}" for n in range(40) if n % 2 == 0 and n % 5 == 2]
    s.preload()
    assert ids(s.claims(words=["w4"])) == [f"c{n}" for n in range(40) if n % 5 == 4]
