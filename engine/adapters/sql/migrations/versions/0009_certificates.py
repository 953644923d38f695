"""Certificates: a round's certificate plan and the certificates issued from it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate_plans",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name="fk_certificate_plans_round_id_rounds"
        ),
        sa.PrimaryKeyConstraint("round_id", name="pk_certificate_plans"),
    )
    op.create_table(
        "certificates",
        sa.Column("serial", sa.String(length=16), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("contestant", sa.String(length=32), nullable=False),
        sa.Column("template", sa.String(length=32), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("issued_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("revoked_at_ms", sa.BigInteger(), nullable=True),
        sa.Column("revoke_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name="fk_certificates_round_id_rounds"
        ),
        sa.PrimaryKeyConstraint("serial", name="pk_certificates"),
        sa.UniqueConstraint("round_id", "contestant", "template", name="uq_certificates_round_id"),
    )
    op.create_index("ix_certificates_round_id", "certificates", ["round_id"])


def downgrade() -> None:
    op.drop_index("ix_certificates_round_id", table_name="certificates")
    op.drop_table("certificates")
    op.drop_table("certificate_plans")
