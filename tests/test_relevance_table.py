"""The /stance columns (bot/relevance_table.py) give the per-claim loop's answers, and follow
the store's changes.

The loop (``bot.relevance.relevance`` per candidate) is the definition and what PostgreSQL
uses; stores that hold their claims in memory answer from the columns.
"""
from __future__ import annotations

from typing import Any

import pytest

from benchmarks.synth import make_queries, make_tables
from bot.errors import CommandError
from bot.relevance import analyse, index_claim
from bot.service import Service
from store.base import Record, open_store


def table_service(store: Any) -> Service:
    """A service that scores from the columns, as the bot's (``warm()`` at start-up)."""
    svc = Service(store)
    svc.warm()
    assert svc._table is not None
    return svc


def loop_service(store: Any) -> Service:
    """A service that scores claim by claim, as on a store without a change feed."""
    svc = Service(store)
    svc._relevance_table = lambda: None  # type: ignore[method-assign]
    return svc


def answers(svc: Service, queries: list[tuple[str, str]], limit: int = 10) -> list[Any]:
    out = []
    for actor, topic in queries:
        try:
            out.append(svc.stance(actor, topic, limit=limit).to_dict())
        except CommandError as e:
            out.append(str(e))
    return out


@pytest.fixture(scope="module")
def synthetic() -> Any:
    store = open_store("memory:")
    store.load(make_tables(4000, seed=3))
    return store


def test_same_answers_as_the_loop_on_a_synthetic_store(synthetic: Any) -> None:
    queries = make_queries(300, seed=5)
    table = table_service(synthetic)
    got, want = answers(table, queries), answers(loop_service(synthetic), queries)
    assert sum(1 for a in want if isinstance(a, dict) and a["stance"] != "none") > 100  # not all empty
    assert got == want


@pytest.mark.parametrize("limit", [0, 1, 3, 50])
def test_same_citations_whatever_the_limit(synthetic: Any, limit: int) -> None:
    queries = make_queries(40, seed=9)
    assert answers(table_service(synthetic), queries, limit) == answers(loop_service(synthetic), queries, limit)



def test_claims_written_after_the_build() -> None:
    """A full build lays each actor's claims out as one run of rows; claims written later go
    after them (the tail) and are found and scored all the same."""
    tables = make_tables(3000, seed=21)
    cut = len(tables["articles"]) // 2
    early = {a["id"] for a in tables["articles"][:cut]}
    store = open_store("memory:")
    store.load({"articles": tables["articles"][:cut], "events": [],
                "claims": [c for c in tables["claims"] if c["article"] in early]})
    svc = table_service(store)
    table = svc._table
    built = table.built
    for article in tables["articles"][cut:]:
        store.add_article_bundle(article, [c for c in tables["claims"] if c["article"] == article["id"]], [])
    queries = make_queries(150, seed=22)
    got, want = answers(svc, queries), answers(loop_service(store), queries)
    assert svc._table is table and table.built == built < len(table.records)  # followed the feed
    assert sum(1 for a in want if isinstance(a, dict) and a["stance"] != "none") > 50
    assert got == want


def test_exact_sums_are_fsum_to_the_bit() -> None:
    import math

    import numpy as np

    from bot.relevance_table import exact_sums

    rng = np.random.default_rng(5)
    for trial in range(200):
        n = int(rng.integers(0, 300))
        values = rng.choice([0.5, 0.7, 1.3, 0.1, 2.0 ** -1070, 3e5], n) * rng.uniform(0.0, 1.0, n) ** int(rng.integers(1, 6))
        values *= rng.choice([1.0, -1.0], n) if trial % 3 == 0 else 1.0
        if trial % 7 == 0:
            values = values * 2.0 ** rng.integers(-60, 60, n)  # a wide spread of exponents
        groups = rng.integers(0, 4, n)
        got = exact_sums(values, groups, 4)
        want = [math.fsum(values[groups == g].tolist()) for g in range(4)]
        assert [v.hex() for v in got] == [v.hex() for v in want], trial
    assert exact_sums(np.array([1.0, math.inf]), np.array([0, 0]), 2) == [math.inf, 0.0]


def test_best_rows_keeps_the_first_and_every_tie_with_the_last() -> None:
    import numpy as np

    from bot.relevance_table import best_rows

    rng = np.random.default_rng(8)
    for _ in range(300):
        n = int(rng.integers(0, 60))
        keys = (rng.integers(0, 4, n).astype(np.float64), rng.integers(0, 3, n) / 4, rng.integers(-3, 0, n))
        limit = int(rng.integers(0, 15))
        order = sorted(range(n), key=lambda i: tuple(-k[i] for k in keys))
        if limit >= n:
            want = set(range(n))
        elif limit == 0:
            want = set()
        else:
            last = tuple(k[order[limit - 1]] for k in keys)
            want = {i for i in range(n) if tuple(k[i] for k in keys) >= last}
        got = best_rows(keys, limit).tolist()
        assert len(got) == len(set(got)) and set(got) == want


# -- each branch of relevance(), on claims written for these tests ---------------------------------

def _claim(svc: Service, cid: str, actor: str, sentence: str, targets: list[tuple[str, str]],
           topics: list[str] | None = None, context: str = "", article: str = "a1", stance: str | None = None,
           confidence: float = 0.7, **extra: Any) -> Record:
    claim = {
        "id": cid, "actor": actor, "cue": "said", "quote": sentence, "sentence": sentence, "start": 0,
        "end": len(sentence), "article": article, "published": "2025-03-0" + cid[-1], "context": context,
        "stance": stance or (targets[0][1] if targets else "neutral"), "target": targets[0][0] if targets else "",
        "targets": [{"text": t, "stance": s, **({"depth": 2} if i else {})} for i, (t, s) in enumerate(targets)],
        "topics": topics or [], "confidence": confidence, "extractor": "test", "origin": "extracted", **extra,
    }
    return index_claim(claim, svc.gaz, svc.topics)


ARTICLES = {
    "a1": "Norway and Iceland discussed the fisheries accord and salmon quotas in Oslo.",
    "a2": "Chile weighed a copper export levy while the mining union protested.",
}


@pytest.fixture()
def handmade() -> Any:
    store = open_store("memory:")
    svc = Service(store)
    claims = [
        # head and modifier in the claim
        _claim(svc, "c1", "norway", "Norway backs the fisheries accord.", [("the fisheries accord", "support")]),
        # a synonym of the head; the article names the modifier ("the agreement" = the fisheries accord)
        _claim(svc, "c2", "norway", "Norway will sign the agreement.", [("the agreement", "support")]),
        # a bare position: about what the sentence before was about
        _claim(svc, "c3", "norway", "Norway rejected it.", [("it", "oppose")], topics=["fisheries"],
               context="Iceland proposed new fishing quotas."),
        # a bare position whose sentence before says nothing: its article decides
        _claim(svc, "c4", "chile", "Chile opposes that.", [("that", "oppose")], context="The union marched.",
               article="a2", topics=sorted(svc.topics.query("copper levy").ids)),
        # two objects: the stance toward the one that matches the topic
        _claim(svc, "c5", "chile", "Chile welcomed investment but criticised the copper levy.",
               [("investment", "support"), ("the copper levy", "oppose")], stance="support", article="a2"),
        # filed under a topic whose name holds the query's head
        _claim(svc, "c6", "chile", "Chile plans to expand lithium output.", [("lithium output", "support")],
               topics=["critical-minerals"], article="a2"),
        # stance toward something else: neutral toward the topic
        _claim(svc, "c7", "chile", "Chile praised the copper miners but not the levy plan.",
               [("the copper miners", "support")], article="a2"),
        # two objects that match equally: the one with a stance wins over a neutral mention
        _claim(svc, "c9", "chile", "Chile discussed the copper levy and rejected a higher copper levy.",
               [("the copper levy", "neutral"), ("a higher copper levy", "oppose")], stance="neutral", article="a2"),
        # retracted: never counted
        _claim(svc, "c8", "norway", "Norway opposed the fisheries accord.", [("the fisheries accord", "oppose")],
               retracted=True),
    ]
    for aid, text in ARTICLES.items():
        words = analyse(text, svc.gaz)
        store.add_article_bundle({"id": aid, "hash": aid, "text": text, "words": words, "published": "2025-03-01"},
                                 [c for c in claims if c["article"] == aid], [])
    return store


HANDMADE_QUERIES = [("norway", "fisheries accord"), ("norway", "fishing quotas"), ("norway", "salmon quotas"), ("norway", "fisheries agreement"),
                    ("chile", "copper levy"), ("chile", "copper export levy"), ("chile", "critical minerals"),
                    ("chile", "lithium"), ("chile", "investment"), ("chile", "mining union"),
                    ("norway", "accord"), ("iceland", "salmon quotas")]


def test_each_branch_agrees_with_the_loop(handmade: Any) -> None:
    assert answers(table_service(handmade), HANDMADE_QUERIES) == answers(loop_service(handmade), HANDMADE_QUERIES)


def test_same_scores_claim_by_claim(handmade: Any, synthetic: Any) -> None:
    """Not only the answers: every relevant claim's rank score, and the summed weights."""
    from bot.relevance import Query, tally
    from bot.service import MIN_RELEVANCE

    checked = 0
    for store, queries in ((handmade, HANDMADE_QUERIES), (synthetic, make_queries(60, seed=13))):
        svc = table_service(store)
        for actor_q, topic_q in queries:
            try:
                actor = svc.resolve_actor(actor_q)
            except CommandError:
                continue
            tq = svc.topics.query(topic_q)
            want = tally(svc._relevant(actor, tq))
            got = svc._relevance_table().score(actor, Query.prepare(tq, svc.gaz), svc._article_words,
                                               MIN_RELEVANCE, -1)
            assert got.counts == want.counts and got.weights == want.weights, (actor_q, topic_q)
            assert sorted((r, c["id"], s) for r, c, s in got.top) == sorted((r, c["id"], s) for r, c, s in want.top)
            checked += len(want.top)
    assert checked > 500


def test_each_branch_is_taken(handmade: Any) -> None:
    """Each branch of lexical relevance finds its claim, from the columns as from the loop
    (the stance of each is the stance model's business: tests/test_stance_model.py)."""
    svc, loop = table_service(handmade), loop_service(handmade)

    def found(actor: str, topic: str) -> set[str]:
        tq = svc.topics.query(topic)
        got = set(svc._lexical(actor, tq))
        assert got == set(loop._lexical(actor, tq)), (actor, topic)
        return got
    # c2 has a synonym of the head, and its article names the rest
    assert found("norway", "fisheries accord") == {"c1", "c2", "c3"}
    assert found("norway", "fishing quotas") == {"c3"}  # by the sentence before
    # c4 by its article (the sentence before is about something else); c5 by the object that matches
    assert found("chile", "copper levy") == {"c4", "c5", "c7", "c9"}
    assert found("chile", "critical minerals") == {"c6"}  # filed under the query's topic


# -- keeping in step with the store -----------------------------------------------------------------

def test_admin_changes_are_seen_without_a_rebuild() -> None:
    svc = table_service(open_store("memory:"))
    first = svc.add_claim({"actor": "peru", "topic": "fishing quotas", "stance": "support",
                           "statement": "Peru supports the fishing quotas."}, who="test")
    assert svc.stance("peru", "fishing quotas").stance == "support"
    table = svc._relevance_table()
    epoch = table.token[0]
    svc.edit_claim(first["id"], {"stance": "oppose"}, who="test")
    assert svc.stance("peru", "fishing quotas").stance == "oppose"
    svc.retract_claim(first["id"], "wrong source", who="test")
    assert svc.stance("peru", "fishing quotas").stance == "none"
    assert svc._relevance_table() is table and table.token[0] is epoch  # followed the feed
    assert table.find("peru") == [] and [c["id"] for c in table.find("peru", include_retracted=True)] == [first["id"]]


def test_another_process_write_is_seen(tmp_path: Any) -> None:
    path = str(tmp_path / "claims.json")
    bot = Service(open_store(path))
    bot.store.preload()
    bot.add_claim({"actor": "peru", "topic": "fishing quotas", "stance": "support",
                   "statement": "Peru supports the fishing quotas."}, who="test")
    bot.warm()
    assert bot.stance("peru", "fishing quotas").counts["support"] == 1
    other = Service(open_store(path))  # e.g. `claimbot claim add` run beside the bot
    other.add_claim({"actor": "peru", "topic": "fishing quotas", "stance": "oppose",
                     "statement": "Peru now rejects the fishing quotas."}, who="test")
    other.store.close()
    ans = bot.stance("peru", "fishing quotas")
    assert ans.counts == {"support": 1, "oppose": 1, "neutral": 0}


def test_one_shot_commands_and_cold_stores_score_claim_by_claim(tmp_path: Any) -> None:
    path = str(tmp_path / "claims.json")
    writer = Service(open_store(path))
    writer.add_claim({"actor": "peru", "topic": "fishing quotas", "stance": "support",
                      "statement": "Peru supports the fishing quotas."}, who="test")
    assert writer.stance("peru", "fishing quotas").stance == "support"
    assert writer._table is None  # not warmed: a few queries cost less than the columns
    cold = Service(open_store(path))  # a one-shot command reading the index sidecar
    cold.warm()
    assert not cold.store.loaded and cold._table is None  # the columns would need the whole file
    assert cold.stance("peru", "fishing quotas").stance == "support"


def test_word_queries_as_the_store_answers_them(synthetic: Any) -> None:
    """``find`` gives what ``Store.claims`` gives (the bot's /claims answers from it)."""
    import random

    from benchmarks.synth import vocabulary

    table = table_service(synthetic)._table
    rng = random.Random(4)
    voc = vocabulary()
    some_words = sorted({w for c in synthetic.claims()[:300] for w in c["words"]})
    checked = 0
    for _ in range(150):
        actor = rng.choice([None, *voc.actors[:8]])
        topics = rng.choice([None, [rng.choice(voc.topics)], rng.sample(voc.topics, 2)])
        words = rng.choice([None, rng.sample(some_words, 1), rng.sample(some_words, 2), ["rare-earth"], ["the"]])
        retracted = rng.random() < 0.3
        want = synthetic.claims(actor=actor, topics=topics, words=words, include_retracted=retracted)
        got = table.find(actor, topics, words, retracted)
        assert [c["id"] for c in got] == [c["id"] for c in want], (actor, topics, words, retracted)
        checked += len(want)
    assert checked > 1000
    assert any(c.get("retracted") for c in table.find(include_retracted=True))
