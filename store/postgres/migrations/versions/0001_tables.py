"""Tables for articles, claims, events, subscriptions, deliveries and the audit log.

Revision ID: 0001
Revises:
Create Date: 2025-06-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _key(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("id", sa.Text(collation="C"), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
        sa.UniqueConstraint("seq", name=f"uq_{table}_seq"),
    ]


def _doc() -> sa.Column:
    return sa.Column("doc", sa.JSON(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "articles", *_key("articles"),
        sa.Column("hash", sa.Text(collation="C"), nullable=True),
        _doc(),
        sa.UniqueConstraint("hash", name="uq_articles_hash"),
    )
    op.create_table(
        "claims", *_key("claims"),
        sa.Column("actor", sa.Text(collation="C"), nullable=False),
        sa.Column("article", sa.Text(collation="C"), nullable=False),
        sa.Column("retracted", sa.Boolean(), nullable=False),
        sa.Column("topics", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("words", postgresql.ARRAY(sa.Text()), nullable=False),
        _doc(),
    )
    op.create_index("ix_claims_actor_seq", "claims", ["actor", "seq"])
    op.create_index("ix_claims_article", "claims", ["article"])
    op.create_index("ix_claims_topics", "claims", ["topics"], postgresql_using="gin")
    op.create_index("ix_claims_words", "claims", ["words"], postgresql_using="gin")
    op.create_table(
        "events", *_key("events"),
        sa.Column("start", sa.Text(collation="C"), nullable=False),
        sa.Column("status", sa.Text(), nullable=True),
        _doc(),
    )
    op.create_index("ix_events_start_seq", "events", ["start", "seq"])
    for table in ("subscriptions", "deliveries", "audit"):
        op.create_table(table, *_key(table), _doc())


def downgrade() -> None:
    for table in ("audit", "deliveries", "subscriptions", "events", "claims", "articles"):
        op.drop_table(table)
