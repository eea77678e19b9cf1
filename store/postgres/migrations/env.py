"""Alembic environment for claimbot's PostgreSQL schema.

Run by ``claimbot migrate`` and ``PostgresStore`` (store/postgres/schema.py), which hand
over an open connection in ``config.attributes["connection"]``: the migrations then run
inside the caller's transaction (PostgreSQL DDL is transactional, so a failed migration
changes nothing).  Run by the ``alembic`` command (store/postgres/alembic.ini), it
connects to ``-x db=URL``, ``sqlalchemy.url`` or ``$CLAIMBOT_DB``.
"""
from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from store.postgres.tables import VERSION_TABLE, metadata
from store.postgres.url import engine_url

config = context.config


def _configure(**kwargs: object) -> None:
    context.configure(target_metadata=metadata, version_table=VERSION_TABLE, compare_type=True, **kwargs)


def _url() -> str:
    url = (context.get_x_argument(as_dictionary=True).get("db") or config.get_main_option("sqlalchemy.url")
           or os.environ.get("CLAIMBOT_DB"))
    if not url:
        raise SystemExit("no database: pass -x db=postgresql://... or set CLAIMBOT_DB")
    return url


def _run(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():  # a no-op inside the caller's transaction
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        _configure(url=engine_url(_url()), literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(engine_url(_url()), poolclass=NullPool)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


main()
