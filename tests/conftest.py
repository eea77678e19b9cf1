"""Shared fixtures.

``store`` runs a test once per backend in ``STORE_FACTORIES``.  To add a backend, add a
factory ``(request, tmp_path) -> Store`` (it may ``pytest.skip`` when its server is not
there, and register clean-up with ``request.addfinalizer``) and, if the backend needs a
marker, an entry in ``STORE_MARKS``, e.g.::

    STORE_FACTORIES["postgres"] = make_postgres_store
    STORE_MARKS["postgres"] = [pytest.mark.postgres]
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from store.base import Store
from store.memory import MemoryStore
from store.tinydb_store import TinyDBStore

StoreFactory = Callable[[pytest.FixtureRequest, Path], Store]

class ColdReads:
    """A TinyDB store whose writes go through one store object and whose sidecar queries
    (claims, articles, events) each go to a store opened cold on the same file, as
    ``claimbot stance`` opens it: each must be answered
    from the index sidecar, so every protocol test also checks that the writes kept the
    sidecar in step with the file.  Everything else goes to the writing store."""

    COLD = ("claims", "get_claim", "actor_counts", "topic_counts", "has_article", "get_article", "articles",
            "events")

    def __init__(self, path: Path) -> None:
        self.path = path
        self.writer = TinyDBStore(path)

    def __getattr__(self, name: str):
        if name not in self.COLD:
            return getattr(self.writer, name)

        def cold(*args, **kwargs):
            reader = TinyDBStore(self.path)
            try:
                answer = getattr(reader, name)(*args, **kwargs)
                if self.path.exists():
                    assert not reader.loaded, f"{name}: the sidecar was stale, the cold store loaded the file"
                return answer
            finally:
                reader.close()

        return cold


STORE_FACTORIES: dict[str, StoreFactory] = {
    "tinydb": lambda request, tmp_path: TinyDBStore(tmp_path / "data" / "claimbot.json"),
    "tinydb-cold": lambda request, tmp_path: ColdReads(tmp_path / "data" / "claimbot.json"),  # type: ignore[dict-item]
    "memory": lambda request, tmp_path: MemoryStore(),
}
STORE_MARKS: dict[str, list[pytest.MarkDecorator]] = {}


# -- PostgreSQL ------------------------------------------------------------------------------
# Tests that need a server take ``pg_url`` (or the "postgres" param of ``store``): a URL
# whose search_path is a schema of their own, dropped afterwards.  The server comes from
# CLAIMBOT_TEST_DATABASE_URL; when it does not answer, those tests are skipped with the
# reason, except under CI (CI=true), where they fail.

PG_URL_VAR = "CLAIMBOT_TEST_DATABASE_URL"
PG_DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_base_url() -> str:
    return os.environ.get(PG_URL_VAR) or PG_DEFAULT_URL


def _libpq_url(url: str) -> str:
    """``url`` as libpq (psycopg.connect) takes it: no SQLAlchemy driver suffix."""
    scheme, rest = url.split("://", 1)
    return ("postgresql" if scheme.startswith(("postgresql", "postgres")) else scheme) + "://" + rest


def with_search_path(url: str, schema: str) -> str:
    """``url`` with ``options=-csearch_path=SCHEMA`` (other options kept)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    options = " ".join([v for k, v in query if k == "options"] + [f"-csearch_path={schema}"])
    query = [(k, v) for k, v in query if k != "options"] + [("options", options)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _shown(url: str) -> str:
    """``url`` without its password (user info or ``?password=``)."""
    from store.base import mask_url

    return mask_url(url)


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@cache
def postgres_unavailable() -> str | None:
    """Why PostgreSQL tests cannot run here (None when they can)."""
    try:
        import psycopg
        import sqlalchemy  # noqa: F401
    except ImportError as e:
        return f"PostgreSQL tests need {e.name} (pip install -r requirements.txt)"
    url = postgres_base_url()
    try:
        with psycopg.connect(_libpq_url(url), connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except Exception as e:  # any failure to connect means: no usable server
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return f"no PostgreSQL server answers at {_shown(url)} (set {PG_URL_VAR}): {first}"
    return None


def require_modules(*names: str) -> None:
    """Skip the calling test module when one of ``names`` cannot be imported, as
    ``pytest.importorskip`` would, except under CI (CI=true), where a missing driver fails
    the run: a green CI that quietly skipped every PostgreSQL test would prove nothing."""
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as e:
            reason = f"{name} is not installed ({e}); pip install -r requirements.txt"
            if _ci():
                pytest.fail(f"CI=true and {reason}", pytrace=False)
            pytest.skip(reason, allow_module_level=True)


def require_postgres() -> None:
    reason = postgres_unavailable()
    if reason is not None:
        if _ci():
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)


def postgres_schema_url(request: pytest.FixtureRequest) -> str:
    """A URL on a new, empty schema of the test server; dropped when the test ends."""
    import psycopg

    require_postgres()
    base = _libpq_url(postgres_base_url())
    name = f"claimbot_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')

    def drop() -> None:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute("SET lock_timeout = '20s'")
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')

    request.addfinalizer(drop)
    return with_search_path(postgres_base_url(), name)


def make_postgres_store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    url = postgres_schema_url(request)
    from store.postgres import PostgresStore

    return PostgresStore(url)


STORE_FACTORIES["postgres"] = make_postgres_store
STORE_MARKS["postgres"] = [pytest.mark.postgres]


def _store_params() -> list:
    return [pytest.param(name, marks=STORE_MARKS.get(name, []), id=name) for name in STORE_FACTORIES]


@pytest.fixture(params=_store_params())
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each backend in turn."""
    made = STORE_FACTORIES[request.param](request, tmp_path)
    yield made
    made.close()


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> str:
    """A PostgreSQL URL on a schema of this test's own (skips when no server answers)."""
    return postgres_schema_url(request)


def pytest_report_header(config: pytest.Config) -> str:
    reason = postgres_unavailable()
    if reason is None:
        return f"postgres: {_shown(postgres_base_url())} (tests use a schema each)"
    return f"postgres: {reason} -- PostgreSQL tests {'FAIL (CI=true)' if _ci() else 'are skipped'}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line saying why PostgreSQL tests were skipped (``-q`` hides the header)."""
    reason = postgres_unavailable.cache_info().currsize and postgres_unavailable()
    if not reason:
        return
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if isinstance(r.longrepr, tuple) and reason in str(r.longrepr[-1])]
    if skipped:
        terminalreporter.write_line(f"postgres: {len(skipped)} test(s) skipped: {reason}", yellow=True)
