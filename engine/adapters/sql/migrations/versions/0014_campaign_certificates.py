"""Campaign certificates: a plan per campaign stage, and certificates issued from it
beside the rounds' (a certificate belongs to a round or to a campaign's stage).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_certificate_plans",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name="fk_campaign_certificate_plans_campaign_id_campaigns",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "stage", name="pk_campaign_certificate_plans"),
    )
    # Batch mode: SQLite changes a column's nullability by copying the table.
    with op.batch_alter_table("certificates") as batch:
        batch.alter_column("round_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("stage", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_certificates_campaign_id_campaigns", "campaigns", ["campaign_id"], ["id"]
        )
        batch.create_index("ix_certificates_campaign_id", ["campaign_id"])
        batch.create_unique_constraint(
            "uq_certificates_campaign_id", ["campaign_id", "stage", "contestant", "template"]
        )


def downgrade() -> None:
    op.execute("DELETE FROM certificates WHERE round_id IS NULL")
    with op.batch_alter_table("certificates") as batch:
        batch.drop_constraint("uq_certificates_campaign_id", type_="unique")
        batch.drop_index("ix_certificates_campaign_id")
        batch.drop_constraint("fk_certificates_campaign_id_campaigns", type_="foreignkey")
        batch.drop_column("stage")
        batch.drop_column("campaign_id")
        batch.alter_column("round_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("campaign_certificate_plans")
