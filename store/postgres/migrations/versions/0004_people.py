"""People: who speaks for which state, learned from articles or set by an admin.

Revision ID: 0004
Revises: 0003
Create Date: 2026-03-20
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Text(collation="C"), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("seq", name="uq_people_seq"),
    )


def downgrade() -> None:
    op.drop_table("people")
