"""Actions: sentences that name an actor without a statement of it, kept for /stance only
(sentences written for these tests)."""
from __future__ import annotations

import pytest

from bot.extract.claims import extract_attribution
from bot.service import Service
from store.base import open_store

pytestmark = pytest.mark.slow

TEXT = ("Chile suspended lithium exports to Peru on Monday after months of dispute.\n"
        "It will review the measure in a year.\n"
        "Peru's trade minister said the suspension was unjustified.\n")


def test_a_sentence_naming_an_actor_is_an_action_of_it():
    found = extract_attribution(TEXT, "2025-03-03", "t1")
    acts = {(a.actor, a.start) for a in found.actions}
    assert ("chile", 0) in acts and ("peru", 0) in acts
    second = TEXT.index("It will")
    assert ("chile", second) in acts  # "It" opens the sentence and refers to Chile
    assert all(a.kind == "action" and a.speaker is None for a in found.actions)
    said = [c for c in found.claims if c.actor == "peru"]
    assert said and said[0].kind == "statement"
    # a sentence that is a statement of an actor is no action of that actor too
    assert not any(a.actor == "peru" and a.start == said[0].start for a in found.actions)


def test_actions_are_stored_with_vectors_and_listed_only_on_request():
    svc = Service(open_store("memory:"))
    svc.ingest_text(TEXT, "2025-03-03", title="Chile halts lithium exports")
    statements = svc.claims()
    assert statements and all(c.get("kind", "statement") == "statement" for c in statements)
    actions = svc.claims(kind="action")
    assert actions and all(c["vec"] for c in actions)
    assert len(svc.claims(kind="all")) == len(statements) + len(actions)
    ans = svc.stance("chile", "lithium exports")
    assert ans.stance != "none" and ans.claims[0]["kind"] == "action"
