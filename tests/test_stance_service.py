"""Stance answers over a store filled with claims written for these tests (no model needed)."""
from __future__ import annotations

import pytest

from bot.errors import CommandError
from bot.service import Service
from store.base import open_store


def claim(svc: Service, actor: str, topic: str, stance: str, statement: str) -> dict:
    return svc.add_claim({"actor": actor, "topic": topic, "stance": stance, "statement": statement,
                          "date": "2024-02-01"}, who="test")


@pytest.fixture()
def svc() -> Service:
    return Service(open_store("memory:"))


def test_support_with_evidence(svc: Service):
    claim(svc, "chile", "lithium export tax", "oppose", "Chile wants the lithium export tax scrapped.")
    ans = svc.stance("Chile", "lithium export tax")
    assert ans.stance == "oppose"
    assert ans.claims[0]["quote"].startswith("Chile wants")


def test_none_cites_nothing(svc: Service):
    claim(svc, "chile", "lithium export tax", "oppose", "Chile wants the lithium export tax scrapped.")
    ans = svc.stance("peru", "lithium export tax")
    assert ans.stance == "none" and ans.claims == []
    assert svc.stance("chile", "fishing quotas").stance == "none"


def test_head_synonym_and_topic_forms(svc: Service):
    claim(svc, "kenya", "maize duties", "oppose", "Kenya rejects the new duties on maize.")
    assert svc.stance("kenya", "maize tariffs").stance == "oppose"  # tariff ~ duty
    claim(svc, "peru", "rare earths", "support", "Peru backs a partnership on rare earth elements.")
    for q in ("rare-earths", "rare earth elements", "critical minerals"):
        assert svc.stance("peru", q).stance == "support", q


def test_mixed_only_near_balance(svc: Service):
    claim(svc, "spain", "car duties", "support", "Spain supported the car duties in July.")
    claim(svc, "spain", "car duties", "oppose", "Spain later asked the bloc to drop the car duties.")
    assert svc.stance("spain", "car duties").stance == "mixed"
    claim(svc, "spain", "car duties", "support", "Spain voted for the car duties again.")
    claim(svc, "spain", "car duties", "support", "Spain defended the car duties in Brussels.")
    assert svc.stance("spain", "car duties").stance == "support"


def test_retracted_claims_do_not_count(svc: Service):
    c = claim(svc, "chile", "copper levy", "support", "Chile backs the copper levy.")
    svc.retract_claim(c["id"], "misattributed", who="test")
    assert svc.stance("chile", "copper levy").stance == "none"


def test_bad_queries(svc: Service):
    with pytest.raises(CommandError, match="don't know the actor"):
        svc.stance("atlantis", "tariffs")
    with pytest.raises(CommandError):
        svc.stance("chile", "   ")


def test_a_generic_noun_is_no_modifier(svc: Service):
    # "goods" names nothing in particular: a claim on tariffs on Uruguayan goods shares the
    # head only with "tariffs on Argentine goods", and weighs less than one that names Argentina
    claim(svc, "brazil", "tariffs", "support", "Brazil backs the new tariffs on Argentine goods.")
    claim(svc, "brazil", "tariffs", "oppose", "Brazil rejects the planned tariffs on Uruguayan goods.")
    ans = svc.stance("brazil", "tariffs on Argentine goods")
    assert ans.stance == "support" and ans.counts == {"support": 1, "oppose": 1, "neutral": 0}
    assert svc.stance("brazil", "tariffs on goods").stance == "mixed"  # no particular goods: both alike
