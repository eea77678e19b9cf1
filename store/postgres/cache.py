"""A per-process cache of decoded claim records, checked against each row's version.

Decoding a claim's JSON costs more than PostgreSQL takes to find it: a ``/stance`` on a
busy actor fetches thousands of candidates, and ``json.loads`` of them took most of its
time (benchmarks/README.md).  So ``PostgresStore`` asks the database for the ids and
row versions of the claims a query matches, takes the records it has decoded before
from here, and fetches and decodes only the others.

A row's version is its ``xmin``: the id of the transaction that wrote this version of
the row.  Every UPDATE (``put_claim``, an import with ``--merge``, a retraction, a
correction), by this process or any other, writes a new row version with a new
``xmin``, so a record changed anywhere is a miss and is fetched again: the cache never
answers with a record the database no longer holds.  An ``xmin`` value repeats only
after about four billion transactions (wraparound), and only a record kept all that
time without being read again could then be mistaken for a newer one of the same id;
the cache is bounded and least recently used records leave it first.

Records handed out are shared between queries: read-only, as the ``Store`` protocol
says of every list query's records.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

Record = dict[str, Any]

#: Records kept by default: ~4 KB each in memory (a synthetic claim of the benchmarks),
#: so ~200 MB at most, for the candidates of many queries over 100k claims.
DEFAULT_SIZE = 50_000


class DecodedCache:
    """At most ``size`` decoded records, by id, each with the row version it was
    decoded from; least recently used first out.  ``size`` 0 keeps nothing.
    Thread-safe (the bot may query from several threads)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        if size < 0:
            raise ValueError(f"a cache size is 0 or more, not {size}")
        self.size = size
        self._items: OrderedDict[str, tuple[str, Record]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def lookup(self, keys: Sequence[tuple[str, str]]) -> tuple[list[Record | None], list[str]]:
        """For ``(id, version)`` pairs: the cached record of each (None where the cache
        has none of that version) and the ids of the misses, in order."""
        found: list[Record | None] = []
        missing: list[str] = []
        items = self._items
        with self._lock:
            for rid, version in keys:
                entry = items.get(rid)
                if entry is not None and entry[0] == version:
                    items.move_to_end(rid)
                    found.append(entry[1])
                else:
                    found.append(None)
                    missing.append(rid)
            self.hits += len(found) - len(missing)
            self.misses += len(missing)
        return found, missing

    def store(self, entries: Iterable[tuple[str, str, Record]]) -> None:
        """Keep ``(id, version, record)`` entries, replacing older versions, then drop the
        least recently used beyond ``size``."""
        if self.size == 0:
            return
        items = self._items
        with self._lock:
            for rid, version, record in entries:
                items[rid] = (version, record)
                items.move_to_end(rid)
            while len(items) > self.size:
                items.popitem(last=False)

    def discard(self, ids: Iterable[str]) -> None:
        """Forget these ids (records this process has just replaced: they would be misses
        anyway, this frees their memory sooner)."""
        with self._lock:
            for rid in ids:
                self._items.pop(rid, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
