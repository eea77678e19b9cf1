"""The PostgreSQL backend: ``PostgresStore`` (store.py), its tables (tables.py), its
schema versions (schema.py, migrations/)."""

from store.postgres.store import PostgresStore

__all__ = ["PostgresStore"]
