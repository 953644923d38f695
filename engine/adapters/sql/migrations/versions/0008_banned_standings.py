"""Banned contestants stay in a round's final standings, marked and without a rank.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("standings") as batch:
        batch.add_column(
            sa.Column("banned", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.alter_column("rank", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM standings WHERE rank IS NULL")
    with op.batch_alter_table("standings") as batch:
        batch.alter_column("rank", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("banned")
