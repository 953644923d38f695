"""Competitions, rounds, contestants, the answer record and final standings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    now = sa.func.now()
    op.create_table(
        "competitions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("bank_slug", sa.String(64), nullable=False),
        sa.Column("bank_version", sa.Integer(), nullable=False),
        sa.Column("bank_hash", sa.String(64), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.CheckConstraint("mode IN ('live', 'elimination', 'self_paced')", name="mode"),
        sa.PrimaryKeyConstraint("id", name="pk_competitions"),
    )
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("watch_code", sa.String(16), nullable=False),
        sa.Column("seed", sa.String(64), nullable=False),
        sa.Column("paper", sa.JSON(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["competition_id"], ["competitions.id"], name="fk_rounds_competition_id_competitions"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_rounds"),
        sa.UniqueConstraint("code", name="uq_rounds_code"),
        sa.UniqueConstraint("watch_code", name="uq_rounds_watch_code"),
    )
    op.create_table(
        "contestants",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("contestant", sa.String(32), nullable=False),
        sa.Column("nickname", sa.String(64), nullable=False),
        sa.Column("region", sa.String(32), nullable=True),
        sa.Column("team", sa.String(32), nullable=True),
        sa.Column("joined_at_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_contestants_round_id_rounds"),
        sa.PrimaryKeyConstraint("round_id", "contestant", name="pk_contestants"),
    )
    op.create_table(
        "answers",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("contestant", sa.String(32), nullable=False),
        sa.Column("question_index", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(64), nullable=False),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("credit", sa.Float(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("response_ms", sa.Integer(), nullable=False),
        sa.Column("answered_at_ms", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_answers_round_id_rounds"),
        sa.PrimaryKeyConstraint("round_id", "contestant", "question_index", name="pk_answers"),
    )
    op.create_table(
        "standings",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("contestant", sa.String(32), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("total_ms", sa.Integer(), nullable=False),
        sa.Column("nickname", sa.String(64), nullable=False),
        sa.Column("region", sa.String(32), nullable=True),
        sa.Column("team", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name="fk_standings_round_id_rounds"),
        sa.PrimaryKeyConstraint("round_id", "contestant", name="pk_standings"),
    )


def downgrade() -> None:
    for table in ("standings", "answers", "contestants", "rounds", "competitions"):
        op.drop_table(table)
