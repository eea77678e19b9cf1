"""The PostgreSQL schema at the newest migration, as SQLAlchemy Core tables.

Every table keeps each record whole in ``doc`` and, beside it, the few fields the bot's
queries filter or sort on, as plain indexed columns:

- ``seq``: an identity number given when an id is first stored (replacing the record
  keeps it), so every listing comes back in stored order, as in the TinyDB backend;
- claims: ``actor``, ``article``, ``retracted``, ``topics`` (text[] + GIN), ``words``
  (text[] + GIN: the same word forms ``store.index.claim_words`` gives the other
  backends) and ``tsv``, a generated tsvector over quote + sentence (GIN) for
  ``search_claims``;
- events: ``start`` (collation "C", so ranges compare code points like Python does);
- articles: ``hash``, UNIQUE: two processes storing the same article store it once.

``seen_requests`` is no store table (nothing dumps or loads it): the signatures of the Slack
requests any process has accepted, each kept until its timestamp is too old for any
process to accept it again (``PostgresStore.first_request``, the replay guard).

``doc`` is ``json``, not ``jsonb``: ``json`` keeps the exact text it was given, so a
record comes back with its keys in their order and its numbers as written (``jsonb``
sorts keys and rewrites numbers, which would make ``stance --json`` and exports differ
from the TinyDB backend's).  Nothing queries inside ``doc``; the columns above do that.

The migrations in ``migrations/versions`` create this schema step by step; a test checks
that they agree with these tables.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Computed,
    DateTime,
    Identity,
    Index,
    MetaData,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR

#: The migration these tables are at (a test checks it is the newest): a database at
#: this revision is opened without loading Alembic at all.
REVISION = "0004"

#: Alembic's version table (not ``alembic_version``, which another application sharing
#: the schema may own).
VERSION_TABLE = "claimbot_schema_version"

#: The text search configuration of ``claims.tsv`` and of ``search_claims`` queries.
TS_CONFIG = "english"
TSV_EXPRESSION = (
    f"to_tsvector('{TS_CONFIG}'::regconfig, "
    "coalesce(doc ->> 'quote', '') || ' ' || coalesce(doc ->> 'sentence', ''))"
)

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
})


def _key_columns() -> list[Column]:
    return [
        Column("id", Text(collation="C"), primary_key=True),
        Column("seq", BigInteger, Identity(), nullable=False, unique=True),
    ]


articles = Table(
    "articles", metadata,
    *_key_columns(),
    Column("hash", Text(collation="C"), unique=True),  # NULL only for imported records without one
    Column("doc", JSON(none_as_null=True), nullable=False),
)

claims = Table(
    "claims", metadata,
    *_key_columns(),
    Column("actor", Text(collation="C"), nullable=False),
    Column("article", Text(collation="C"), nullable=False),
    Column("retracted", Boolean, nullable=False),
    Column("topics", ARRAY(Text), nullable=False),
    Column("words", ARRAY(Text), nullable=False),
    Column("doc", JSON(none_as_null=True), nullable=False),
    Column("tsv", TSVECTOR, Computed(TSV_EXPRESSION, persisted=True)),
    Index(None, "actor", "seq"),
    Index(None, "article"),
    Index(None, "topics", postgresql_using="gin"),
    Index(None, "words", postgresql_using="gin"),
    Index(None, "tsv", postgresql_using="gin"),
)

events = Table(
    "events", metadata,
    *_key_columns(),
    Column("start", Text(collation="C"), nullable=False),  # "" when the record has none
    Column("status", Text),
    Column("doc", JSON(none_as_null=True), nullable=False),
    Index(None, "start", "seq"),
)

subscriptions = Table("subscriptions", metadata, *_key_columns(),
                      Column("doc", JSON(none_as_null=True), nullable=False))
deliveries = Table("deliveries", metadata, *_key_columns(),
                   Column("doc", JSON(none_as_null=True), nullable=False))
audit = Table("audit", metadata, *_key_columns(),
              Column("doc", JSON(none_as_null=True), nullable=False))
people = Table("people", metadata, *_key_columns(),
               Column("doc", JSON(none_as_null=True), nullable=False))

#: store table name -> Table, in ``store.base.TABLES`` order
BY_NAME: dict[str, Table] = {t.name: t for t in (articles, claims, events, subscriptions, deliveries, audit, people)}

seen_requests = Table(
    "seen_requests", metadata,
    Column("signature", Text(collation="C"), primary_key=True),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index(None, "expires_at"),
)
