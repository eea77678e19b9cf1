"""Full-text search over claims: a generated tsvector of quote + sentence, GIN-indexed.

Revision ID: 0002
Revises: 0001
Create Date: 2025-06-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen here (not imported from tables.py): a migration must keep meaning what it did.
TSV = ("to_tsvector('english'::regconfig, "
       "coalesce(doc ->> 'quote', '') || ' ' || coalesce(doc ->> 'sentence', ''))")


def upgrade() -> None:
    op.add_column("claims", sa.Column("tsv", postgresql.TSVECTOR(), sa.Computed(TSV, persisted=True)))
    op.create_index("ix_claims_tsv", "claims", ["tsv"], postgresql_using="gin")


def downgrade() -> None:
    op.drop_index("ix_claims_tsv", table_name="claims")
    op.drop_column("claims", "tsv")
