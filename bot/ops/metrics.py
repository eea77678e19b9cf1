"""Prometheus metrics of one bot process, and the store wrapper that feeds some of them.

Counters are per process (Prometheus sums them across processes by its own labels).
``METRICS`` is the process's set; tests make their own ``Metrics()``.  Label values are
bounded: command names come from the command table (anything else is "unknown"), outcomes
from a fixed list.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)

from store.base import Record

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4  # the classic text format every Prometheus reads
disable_created_metrics()  # no *_created series: they double the output and nobody graphs them
# answers: Slack and Discord want one within 3 s; an ingest with extraction takes seconds
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)
REMINDER_OUTCOMES = ("sent", "late", "skipped")
REPLY_OUTCOMES = ("answer", "error", "usage", "refusal", "apology", "form")


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None, process: bool = True) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.commands = Counter("claimbot_commands", "Commands answered, by command and outcome "
                                "(answer, form, usage, error, refusal, apology).", ["command", "outcome"],
                                registry=r)
        self.latency = Histogram("claimbot_answer_seconds", "Seconds from receiving a command to its answer "
                                 "being ready (before the platform posts it), by command.", ["command"],
                                 buckets=LATENCY_BUCKETS, registry=r)
        self.reminders = Counter("claimbot_reminders", "Reminders by outcome: sent on time, sent late (fell "
                                 "due while the bot was down), skipped (the event had begun).", ["outcome"],
                                 registry=r)
        self.articles = Counter("claimbot_articles_ingested", "Articles stored (duplicates not counted).",
                                registry=r)
        self.claims = Counter("claimbot_claims_ingested", "Claims extracted from stored articles.", registry=r)
        self.events = Counter("claimbot_events_ingested", "Events extracted from stored articles.", registry=r)
        self.started = Gauge("claimbot_start_time_seconds", "When this process started (Unix time).", registry=r)
        self.started.set(time.time())
        for outcome in REMINDER_OUTCOMES:  # present at 0 from the start, so rate() works at once
            self.reminders.labels(outcome)
        if process:
            ProcessCollector(registry=r)  # RSS, CPU, open files: what a months-long run leaks

    # -- what the rest of the bot reports -------------------------------------------------------
    def observe_command(self, name: str, reply: Any, seconds: float) -> None:
        """A ``Commands`` observer: ``commands.observers.append(metrics.observe_command)``."""
        outcome = "form" if getattr(reply, "form", None) is not None else getattr(reply, "kind", "answer")
        if outcome not in REPLY_OUTCOMES:
            outcome = "answer"
        self.commands.labels(name, outcome).inc()
        self.latency.labels(name).observe(max(0.0, seconds))

    def reminder(self, outcome: str, n: int = 1) -> None:
        if outcome not in REMINDER_OUTCOMES:
            raise ValueError(f"reminder outcome must be one of {REMINDER_OUTCOMES}, not {outcome!r}")
        self.reminders.labels(outcome).inc(n)

    def ingested(self, articles: int = 1, claims: int = 0, events: int = 0) -> None:
        self.articles.inc(articles)
        self.claims.inc(claims)
        self.events.inc(events)

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric."""
        return generate_latest(self.registry)


METRICS = Metrics()


def record_reminder(outcome: str, n: int = 1) -> None:
    """For bot.reminders: count a reminder ``sent``, ``late`` or ``skipped`` in this process.

    Not needed when the outcome is written to the delivery ledger with that status:
    ``MeteredStore`` counts those (and only once per delivery id).
    """
    METRICS.reminder(outcome, n)


def delivery_outcome(record: Record) -> str | None:
    """sent / late / skipped for a delivery ledger record whose status says it, else None."""
    status = str(record.get("status") or "").lower()
    if status in ("late", "sent_late", "posted_late") or (status in ("sent", "posted") and record.get("late")):
        return "late"
    if status in ("sent", "posted"):
        return "sent"
    if status in ("skipped", "missed"):
        return "skipped"
    return None


class MeteredStore:
    """A Store around another that counts, as they are written, the articles, claims and
    events ingest stores and the reminders the delivery ledger records as sent, late or
    skipped.  Every other attribute is the inner store's.

    A wrapper rather than code in the service or the scheduler: the counts then cover
    every way in (chat /ingest, an admin, the scheduler) without either knowing of metrics.
    """

    def __init__(self, inner: Any, metrics: Metrics | None = None) -> None:
        self._inner = inner
        self._metrics = metrics or METRICS
        self._counted: set[str] = set()  # delivery ids whose outcome was counted
        self._lock = threading.Lock()

    @property
    def inner(self) -> Any:
        return self._inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __repr__(self) -> str:
        return f"MeteredStore({self._inner!r})"

    def add_article_bundle(self, article: Record, claims: list[Record], events: list[Record],
                           audit: Record | None = None) -> bool:
        added = self._inner.add_article_bundle(article, claims, events, audit)
        if added:
            self._metrics.ingested(1, len(claims), len(events))
        return added

    def add_article_bundles(self, bundles: Sequence[tuple[Record, list[Record], list[Record], Record | None]]
                            ) -> list[bool]:
        bundles = list(bundles)
        if hasattr(self._inner, "add_article_bundles"):
            stored = list(self._inner.add_article_bundles(bundles))
        else:  # a backend without the batch method: one write per article
            stored = [self._inner.add_article_bundle(*bundle) for bundle in bundles]
        for (_, claims, events, *_rest), ok in zip(bundles, stored, strict=True):
            if ok:
                self._metrics.ingested(1, len(claims), len(events))
        return stored

    def claim_delivery(self, delivery: Record) -> bool:
        won = self._inner.claim_delivery(delivery)
        if won:
            self._count_deliveries([delivery])
        return won

    def update_delivery(self, delivery: Record) -> None:
        self._inner.update_delivery(delivery)
        self._count_deliveries([delivery])

    def _count_deliveries(self, records: Iterable[Record]) -> None:
        for record in records:
            outcome = delivery_outcome(record)
            if outcome is None:
                continue
            with self._lock:
                key = str(record.get("id"))
                if key in self._counted:
                    continue
                self._counted.add(key)
            self._metrics.reminder(outcome)


def metered(store: Any, metrics: Metrics | None = None) -> Any:
    """``store`` wrapped in a ``MeteredStore`` (once)."""
    return store if isinstance(store, MeteredStore) else MeteredStore(store, metrics)
