"""The Store protocol every backend satisfies.

Records are plain JSON-friendly dicts (see bot/domain.py for their fields); every record
has a string ``id``.  Tables: articles, claims, events, subscriptions, deliveries, audit,
people (who speaks for which state: learned from articles or set by an admin).

Rules every backend keeps:
- every method that writes is all-or-nothing (one transaction / one atomic file write);
- ``add_article_bundle`` and ``add_article_bundles`` are idempotent on the article's
  content ``hash``;
- queries go through indexes (actor, topic, article, word, event date), never a full scan;
- readers see writes made by another process on the same store;
- write methods copy their input records; records returned by list queries may be the
  backend's own objects and are read-only (copy before changing); ``get_*`` return a copy.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, runtime_checkable

Record = dict[str, Any]
#: (article, claims, events, audit or None): what ``add_article_bundle`` takes, as one tuple
Bundle = tuple[Record, list[Record], list[Record], Record | None]

TABLES = ("articles", "claims", "events", "subscriptions", "deliveries", "audit", "people")
DEFAULT_DB = "data/claimbot.json"


class StoreError(Exception):
    """A store problem the user can act on (bad path, locked, corrupt file...)."""


@runtime_checkable
class Store(Protocol):
    # -- articles -----------------------------------------------------------------------
    def has_article(self, content_hash: str) -> bool: ...

    def articles(self) -> list[Record]: ...

    def get_article(self, article_id: str) -> Record | None: ...

    def add_article_bundle(self, article: Record, claims: list[Record], events: list[Record],
                           audit: Record | None = None) -> bool:
        """Store an article with its claims and events in one write.

        Returns False (and writes nothing) when an article with the same ``hash`` exists.
        ``events`` may hold records whose ``id`` already exists: they replace the stored
        record (the service merges sources of one event found in several articles).
        """
        ...

    def add_article_bundles(self, bundles: Sequence[Bundle]) -> list[bool]:
        """Store many bundles ``(article, claims, events, audit or None)`` in one write
        (one file write, one transaction); one result per bundle, in order.

        Each bundle is taken or skipped as ``add_article_bundle`` would, in order: False
        (and nothing of that bundle written) when its ``hash`` is stored already or was
        taken by an earlier bundle of the same call.  Records of later bundles replace
        those of earlier ones with the same id (an event named by two articles: merge
        its sources before calling).  Invalid input raises ``ValueError`` before anything
        is written, for the whole call.  ``[]`` writes nothing.
        """
        ...

    # -- claims -------------------------------------------------------------------------
    def claims(self, *, actor: str | None = None, topics: Iterable[str] | None = None,
               words: Iterable[str] | None = None, article: str | None = None,
               include_retracted: bool = False) -> list[Record]:
        """Claims matching every given filter, in the order they were first stored.

        ``topics``: claim shares at least one topic id; ``words``: claim's indexed words
        contain at least one of the given words.  The indexed words are
        ``store.index.claim_words(claim)``: the lower-cased word forms of quote, target,
        sentence and topic ids *and of the claim's own ``words`` list* (the stems the
        service stores and queries with), split into runs of letters and digits; a query
        word with several forms ("rare-earth") needs all of them.  ``None`` or an empty
        list is no filter.  Backends answer from indexes.
        """
        ...

    def get_claim(self, claim_id: str) -> Record | None: ...

    def put_claim(self, claim: Record, audit: Record | None = None) -> None:
        """Insert or replace one claim, writing the audit record in the same write."""
        ...

    def actor_counts(self) -> dict[str, int]: ...

    def topic_counts(self) -> dict[str, int]: ...

    # -- events -------------------------------------------------------------------------
    def events(self, *, start_from: str | None = None, start_to: str | None = None,
               include_cancelled: bool = True) -> list[Record]:
        """Events whose ``start`` (ISO string) lies in [start_from, start_to], by start.

        ``start_to`` includes every start it is a prefix of ("2025-06-17" includes
        "2025-06-17T09:30").
        """
        ...

    def get_event(self, event_id: str) -> Record | None: ...

    def put_event(self, event: Record, audit: Record | None = None) -> None: ...

    # -- subscriptions and the delivery ledger --------------------------------------------
    def subscriptions(self) -> list[Record]: ...

    def put_subscription(self, sub: Record, audit: Record | None = None) -> None: ...

    def delete_subscription(self, sub_id: str, audit: Record | None = None) -> bool: ...

    def claim_delivery(self, delivery: Record) -> bool:
        """Record a delivery keyed by its ``id``; False if that id was already claimed."""
        ...

    def update_delivery(self, delivery: Record) -> None:
        """Replace the delivery with this ``id`` (inserted if missing)."""
        ...

    def deliveries(self) -> list[Record]: ...

    # -- people -----------------------------------------------------------------------------
    def people(self) -> list[Record]:
        """Every person record (``bot.domain.Person`` dicts), in the order first stored.  A
        store written before this table existed has none."""
        ...

    def put_people(self, people: Sequence[Record], claims: Sequence[Record] = (),
                   audit: Record | None = None) -> None:
        """Insert or replace people, and claims whose actor a person's correction changed,
        with the audit record, in one write."""
        ...

    # -- audit ----------------------------------------------------------------------------
    def audit_log(self, limit: int | None = None) -> list[Record]:
        """The last ``limit`` audit records (all when None), oldest first."""
        ...

    def add_audit(self, record: Record) -> None: ...

    # -- bulk (export / import / benchmarks) ------------------------------------------------
    def dump(self) -> dict[str, list[Record]]: ...

    def load(self, tables: dict[str, list[Record]]) -> None:
        """Insert (or replace by id) many records of many tables in one write."""
        ...

    def preload(self) -> None:
        """Load and index everything now (the word index too), so that no later query
        pays for it: what a long-running process (the bot) calls at start-up.  A one-shot
        process should not: the TinyDB backend answers it from its on-disk sidecar."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class SearchableStore(Protocol):
    """A store that also answers free text with a full-text search of its own (the
    PostgreSQL backend).  Optional: the service falls back on ``Store.claims`` with
    words where a store has none."""

    def search_claims(self, text: str, actor: str | None = None, limit: int | None = 50,
                      include_retracted: bool = False, *, topics: Iterable[str] | None = None,
                      words: Iterable[str] | None = None) -> list[Record]:
        """Claims whose quote or sentence matches ``text``, best match first, at most
        ``limit`` (None: all); ``actor``, ``topics`` and ``words`` filter as in
        ``Store.claims``.  Any text is safe to pass: user text never raises here, and
        text without searchable words matches nothing."""
        ...


# query parameters that hold a secret: password=, sslpassword=, token=, api_key=, secret=...
_SECRET_PARAM = re.compile(r"pass|secret|token|key|auth|credential", re.IGNORECASE)
MASK = "***"


_QUERY_PARAM = re.compile(r"[?&][^=&@]*=")


def _split_url(url: str) -> tuple[str, str, str, str] | None:
    """(scheme, user info or "", host + path, query + fragment or ""), leniently: a password
    holding "@", "/" or "?" unencoded still counts as the password, and an "@" inside a
    query parameter does not make one."""
    if "://" not in url:
        return None
    scheme, rest = url.split("://", 1)
    userinfo = ""
    at = rest.rfind("@")
    while at >= 0:  # the last "@" not inside a query parameter ends the user info
        if not _QUERY_PARAM.search(rest[:at]):
            userinfo, rest = rest[:at], rest[at + 1:]
            break
        at = rest.rfind("@", 0, at)
    query_at = rest.find("?")
    host, query = (rest, "") if query_at < 0 else (rest[:query_at], rest[query_at:])
    return scheme, userinfo, host, query


def mask_url(url: str) -> str:
    """``url`` with every secret in it replaced by ``***``: the password of its user info, and
    the value of each query parameter whose name says it holds one (``?password=``,
    ``sslpassword=``, ``token=``...).  What messages, ``claimbot check`` and logs show.  A
    file path comes back as it is."""
    parts = _split_url(url)
    if parts is None:
        return url
    scheme, userinfo, host, query = parts
    out = f"{scheme}://"
    if userinfo or "@" in url.split("://", 1)[1].split("?", 1)[0]:
        user, colon, _ = userinfo.partition(":")
        out += f"{user}:{MASK}@" if colon else f"{userinfo}@"
    out += host
    if query:
        body, hash_, fragment = query[1:].partition("#")
        pieces = []
        for piece in body.split("&"):
            name, eq, value = piece.partition("=")
            pieces.append(f"{name}={MASK}" if eq and value and _SECRET_PARAM.search(name) else piece)
        out += "?" + "&".join(pieces) + hash_ + fragment
    return out


def url_secrets(url: str) -> list[str]:
    """The secrets ``mask_url`` hides, as written and percent-decoded: for redacting them
    from text that quotes them some other way (a driver's error message, a log line)."""
    from urllib.parse import unquote_plus

    parts = _split_url(url)
    if parts is None:
        return []
    _, userinfo, _, query = parts
    found = []
    if ":" in userinfo:
        found.append(userinfo.split(":", 1)[1])
    for piece in query[1:].partition("#")[0].split("&"):
        name, eq, value = piece.partition("=")
        if eq and value and _SECRET_PARAM.search(name):
            found.append(value)
    values = {v for raw in found for v in (raw, unquote_plus(raw)) if len(v) >= 4}
    return sorted(values, key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with each of ``secrets`` replaced by ``***``."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def default_db() -> str:
    return os.environ.get("CLAIMBOT_DB") or DEFAULT_DB


def open_store(url: str | None = None) -> Store:
    """Open the store at ``url``: a file path (TinyDB, the default) or ``memory:``."""
    url = url or default_db()
    if url == "memory:":
        from store.memory import MemoryStore

        return MemoryStore()
    if url.startswith(("postgresql:", "postgres:", "postgresql+psycopg:")):
        try:
            from store.postgres import PostgresStore  # type: ignore[import-not-found]
        except ImportError as e:  # pragma: no cover - until the backend exists
            raise StoreError(f"the PostgreSQL backend is not available: {e}") from e
        return PostgresStore(url)
    from store.tinydb_store import TinyDBStore

    return TinyDBStore(url)
