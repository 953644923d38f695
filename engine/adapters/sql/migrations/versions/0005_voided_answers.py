"""Skipped live questions: their answers keep their rows but score 0 and are marked voided.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.add_column(
            sa.Column("voided", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "voided_questions",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("question_index", sa.Integer(), nullable=False),
        sa.Column("voided_at_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name="fk_voided_questions_round_id_rounds"
        ),
        sa.PrimaryKeyConstraint("round_id", "question_index", name="pk_voided_questions"),
    )


def downgrade() -> None:
    op.drop_table("voided_questions")
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("voided")
