"""Campaign draws: a draw belongs to a round or, with a pool over its stages (certificate
holders, qualifiers), to a campaign.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite changes a column's nullability by copying the table.
    with op.batch_alter_table("draws") as batch:
        batch.alter_column("round_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_draws_campaign_id_campaigns", "campaigns", ["campaign_id"], ["id"]
        )
        batch.create_index("ix_draws_campaign_id", ["campaign_id"])


def downgrade() -> None:
    op.execute("DELETE FROM draws WHERE round_id IS NULL")
    with op.batch_alter_table("draws") as batch:
        batch.drop_index("ix_draws_campaign_id")
        batch.drop_constraint("fk_draws_campaign_id_campaigns", type_="foreignkey")
        batch.drop_column("campaign_id")
        batch.alter_column("round_id", existing_type=sa.Integer(), nullable=False)
