"""Chat test fixtures: a Service on an in-memory store, filled with claims and events
written for these tests (not taken from any article).

A test module imports the fixture functions (``service_fixture``...); they register under
their short names (``service``, ``commands``), so test arguments do not shadow imports.
"""
from __future__ import annotations

import datetime as dt

import pytest

from bot.commands import AdminPolicy, Commands
from bot.reply import Caller

TODAY = dt.datetime(2025, 5, 1, 9, 0, tzinfo=dt.UTC)

CLAIMS = [
    {"actor": "japan", "topic": "rare earths", "stance": "oppose", "speaker": "Trade minister Aiko Tanabe",
     "statement": "Tokyo will not accept new curbs on rare earth exports that hurt its carmakers.",
     "source_title": "Ministers trade words over minerals", "source_url": "https://news.example/minerals",
     "date": "2025-04-10"},
    {"actor": "china", "topic": "rare earths", "stance": "support", "speaker": "Commerce spokesman Li Wen",
     "statement": "Beijing says its licensing of rare earth exports protects national security.",
     "source_title": "Licensing rules defended", "date": "2025-04-11"},
    {"actor": "us", "topic": "semiconductor export controls", "stance": "support", "speaker": "An adviser",
     "statement": "Washington will keep its chip export controls in place this year.",
     "source_title": "Chip rules stay", "date": "2025-04-12"},
]

EVENTS = [
    {"title": "Japan-China economic dialogue", "kind": "dialogue", "start": "2025-06-16", "end": "2025-06-17",
     "place": "Tokyo", "participants": "japan, china"},
    {"title": "Trade ministers meeting", "kind": "meeting", "start": "2025-03-02", "participants": "us, japan"},
]


@pytest.fixture(name="service")
def service_fixture():
    from bot.service import Service
    from store.base import open_store

    svc = Service(open_store("memory:"), clock=lambda: TODAY)
    for c in CLAIMS:
        svc.add_claim(c, who="test:setup")
    for e in EVENTS:
        svc.add_event(e, who="test:setup")
    return svc


@pytest.fixture(name="commands")
def commands_fixture(service):
    return Commands(service, AdminPolicy(users=frozenset({"slack:U0ADMIN", "discord:1001"})))


@pytest.fixture(name="console_caller")
def console_caller_fixture():
    return Caller("console", "tester")


def claim_id(service, actor: str) -> str:
    return next(c["id"] for c in service.store.claims(actor=actor))


def hold_ingest(service, monkeypatch):
    """Make ``service.ingest_text`` wait until released: returns (running, release) events, so
    a test can ask something while an ingest holds its worker."""
    import threading

    running, release = threading.Event(), threading.Event()
    real = service.ingest_text

    def held_ingest(*args, **kwargs):
        running.set()
        assert release.wait(30), "the test never released the ingest"
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "ingest_text", held_ingest)
    return running, release
