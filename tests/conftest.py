"""Shared fixtures.

``store`` runs a test once per backend in ``STORE_FACTORIES``.  To add a backend, add a
factory ``(request, tmp_path) -> Store`` (it may ``pytest.skip`` when its server is not
there, and register clean-up with ``request.addfinalizer``) and, if the backend needs a
marker, an entry in ``STORE_MARKS``, e.g.::

    STORE_FACTORIES["postgres"] = make_postgres_store
    STORE_MARKS["postgres"] = [pytest.mark.postgres]
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from store.base import Store
from store.memory import MemoryStore
from store.tinydb_store import TinyDBStore

StoreFactory = Callable[[pytest.FixtureRequest, Path], Store]

STORE_FACTORIES: dict[str, StoreFactory] = {
    "tinydb": lambda request, tmp_path: TinyDBStore(tmp_path / "data" / "claimbot.json"),
    "memory": lambda request, tmp_path: MemoryStore(),
}
STORE_MARKS: dict[str, list[pytest.MarkDecorator]] = {}


def _store_params() -> list:
    return [pytest.param(name, marks=STORE_MARKS.get(name, []), id=name) for name in STORE_FACTORIES]


@pytest.fixture(params=_store_params())
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each backend in turn."""
    made = STORE_FACTORIES[request.param](request, tmp_path)
    yield made
    made.close()
