"""The schema version: which Alembic revision a database is at, and moving it to head.

The Alembic configuration is built in code from this package's ``migrations`` folder, so
it works the same from a checkout and from an installed package (no alembic.ini lookup
relative to the working directory).

Every check and upgrade runs under a transaction-level advisory lock keyed on the
database schema, so processes that open the same brand-new database at once migrate it
once: the others wait, then find it at head.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection

from store.postgres.tables import BY_NAME, REVISION, VERSION_TABLE

if TYPE_CHECKING:  # Alembic is imported only when a database is not at REVISION
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK = text("SELECT pg_advisory_xact_lock(hashtext('claimbot schema ' || coalesce(current_schema(), '')))")


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for claimbot's migrations (optionally on ``connection``)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@cache
def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    """The revision this code's schema is at."""
    heads = _scripts().get_heads()
    if len(heads) != 1:  # pragma: no cover - a development mistake
        raise RuntimeError(f"claimbot migrations have {len(heads)} heads: {heads}")
    return heads[0]


def describe(revision: str) -> str:
    """``0002 (full-text search over claims: ...)``: a revision and its first doc line."""
    script = _scripts().get_revision(revision)
    doc = (script.doc or "").strip().splitlines()[0] if script is not None and script.doc else ""
    return f"{revision} ({doc.rstrip('.')})" if doc else revision


@dataclass(frozen=True)
class SchemaState:
    schema: str | None  # the schema tables are made in (current_schema()); None: none usable
    current: str | None  # the revision stored in the database, None when not versioned
    head: str
    pending: tuple[str, ...]  # revisions from current (excluded) to head, oldest first
    unknown: bool  # current is not one of this code's revisions (a newer claimbot?)
    has_tables: bool  # any claimbot table exists (with or without a version)

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    @property
    def fresh(self) -> bool:
        """Nothing of claimbot's here yet: safe to create the schema."""
        return self.current is None and not self.has_tables


def at_revision(conn: Connection) -> bool:
    """Whether the database is at this code's ``REVISION`` (two cheap queries, no Alembic)."""
    table = conn.execute(text("SELECT to_regclass(quote_ident(current_schema()) || '.' || :t)::text"),
                         {"t": VERSION_TABLE}).scalar()
    if table is None:
        return False
    versions = conn.execute(text(f"SELECT version_num FROM {table}")).scalars().all()
    return versions == [REVISION]


def state(conn: Connection) -> SchemaState:
    """Where the database behind ``conn`` stands against this code's migrations."""
    schema = conn.execute(text("SELECT current_schema()")).scalar()
    names = [VERSION_TABLE, *BY_NAME]
    present = set(conn.execute(
        text("SELECT table_name FROM information_schema.tables "
             "WHERE table_schema = current_schema() AND table_name = ANY(:names)"),
        {"names": names}).scalars())
    current = None
    if VERSION_TABLE in present:
        from alembic.runtime.migration import MigrationContext

        heads = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_heads()
        current = heads[0] if heads else None
    target = head()
    scripts = _scripts()
    unknown = current is not None and _known(scripts, current) is False
    pending: tuple[str, ...] = ()
    if not unknown and current != target:
        revs = list(scripts.iterate_revisions(target, current or "base"))
        pending = tuple(r.revision for r in reversed(revs))
    return SchemaState(schema=schema, current=current, head=target, pending=pending, unknown=unknown,
                       has_tables=bool(present - {VERSION_TABLE}))


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # alembic raises ResolutionError / CommandError for unknown ids
        return False


def lock(conn: Connection) -> None:
    """Hold the schema lock until ``conn``'s transaction ends."""
    conn.execute(_LOCK)


def upgrade(conn: Connection, revision: str = "head") -> None:
    """Apply the migrations up to ``revision`` inside ``conn``'s transaction."""
    from alembic import command

    command.upgrade(alembic_config(conn), revision)


def downgrade(conn: Connection, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(conn), revision)


@dataclass(frozen=True)
class Migration:
    before: str | None
    after: str
    applied: tuple[str, ...]


def migrate(url: str, revision: str = "head") -> Migration:
    """Bring the database at ``url`` to ``revision`` (``claimbot migrate``), in one
    transaction under the schema lock.  Refuses a schema this code does not know."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    from store.base import StoreError, scrub, url_secrets
    from store.postgres.store import _no_schema, schema_problem
    from store.postgres.url import engine_url, safe_url

    shown = safe_url(url)
    engine = create_engine(engine_url(url), poolclass=NullPool)
    try:
        with engine.begin() as conn:
            lock(conn)
            before = state(conn)
            if before.unknown or (before.current is None and before.has_tables):
                raise StoreError(schema_problem(before, shown))
            if before.schema is None:
                raise StoreError(_no_schema(shown))
            upgrade(conn, revision)
            after = state(conn)
    except DBAPIError as e:
        raise StoreError(f"migrating the PostgreSQL database {shown} failed (nothing was changed): "
                         f"{scrub(str(e.orig or e).strip().splitlines()[0], url_secrets(url))}") from e
    finally:
        engine.dispose()
    assert after.current is not None
    applied = tuple(r for r in before.pending if r not in after.pending)
    return Migration(before.current, after.current, applied)


def inspect(url: str) -> SchemaState:
    """The schema state of the database at ``url``, changing nothing."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.pool import NullPool

    from store.base import StoreError, scrub, url_secrets
    from store.postgres.url import engine_url, safe_url

    engine = create_engine(engine_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return state(conn)
    except DBAPIError as e:
        raise StoreError(f"cannot read the schema of the PostgreSQL database {safe_url(url)}: "
                         f"{scrub(str(e.orig or e).strip().splitlines()[0], url_secrets(url))}") from e
    finally:
        engine.dispose()
