"""Campaign counts kept as they happen: a stage's participants (a row each, so one
counts once) and each unit's participant count; and units' folded code and name, so a
registration finds its unit by an index instead of reading the roster.

Existing campaigns get both from what is stored: participants from their entries (a
registration with a non-practice entry in a stage whose rule is not practice), the keys
by folding each unit's code and name.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

import json

import sqlalchemy as sa
from alembic import op

from engine.domain.identity import fold

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _cascade(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=f"fk_{table}_{column}_{referred}", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "campaign_participants",
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        _cascade("campaign_participants", "stage_id", "campaign_stages.id"),
        _cascade("campaign_participants", "registration_id", "campaign_registrations.id"),
        sa.PrimaryKeyConstraint("stage_id", "registration_id", name="pk_campaign_participants"),
    )
    op.create_table(
        "campaign_unit_counts",
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("unit_key", sa.Integer(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        _cascade("campaign_unit_counts", "stage_id", "campaign_stages.id"),
        sa.PrimaryKeyConstraint("stage_id", "unit_key", name="pk_campaign_unit_counts"),
    )
    op.add_column("campaign_units", sa.Column("code_key", sa.String(64), nullable=True))
    # Nullable, as SQLite adds it (NOT NULL would copy a table other tables refer to);
    # every unit has one: this migration and the repository set it.
    op.add_column("campaign_units", sa.Column("name_key", sa.String(200), nullable=True))
    connection = op.get_bind()
    units = connection.execute(sa.text("SELECT id, code, name FROM campaign_units")).all()
    for unit_id, code, name in units:
        connection.execute(
            sa.text("UPDATE campaign_units SET code_key = :c, name_key = :n WHERE id = :i"),
            {"c": fold(code) if code else None, "n": fold(name), "i": unit_id},
        )
    op.create_index("ix_campaign_units_code_key", "campaign_units", ["campaign_id", "code_key"])
    op.create_index("ix_campaign_units_name_key", "campaign_units", ["campaign_id", "name_key"])
    stages = connection.execute(sa.text("SELECT id, attempt_rule FROM campaign_stages")).all()
    for stage_id, rule in stages:
        rule = json.loads(rule) if isinstance(rule, str) else rule
        if rule["kind"] == "practice":
            continue  # a practice stage has no participants
        connection.execute(
            sa.text(
                "INSERT INTO campaign_participants (stage_id, registration_id)"
                " SELECT DISTINCT r.stage_id, e.registration_id FROM campaign_entries e"
                " JOIN campaign_stage_rounds r ON r.round_id = e.round_id"
                " WHERE r.stage_id = :s AND e.practice = :f"
            ),
            {"s": stage_id, "f": False},
        )
    connection.execute(
        sa.text(
            "INSERT INTO campaign_unit_counts (stage_id, unit_key, participants)"
            " SELECT p.stage_id, coalesce(r.unit_id, 0), count(*) FROM campaign_participants p"
            " JOIN campaign_registrations r ON r.id = p.registration_id"
            " GROUP BY p.stage_id, coalesce(r.unit_id, 0)"
        )
    )


def downgrade() -> None:
    op.drop_index("ix_campaign_units_name_key", "campaign_units")
    op.drop_index("ix_campaign_units_code_key", "campaign_units")
    # Not in batch mode: SQLite would copy campaign_units, which other tables refer to
    # (3.35 and later drop a column in place).
    op.execute("ALTER TABLE campaign_units DROP COLUMN name_key")
    op.execute("ALTER TABLE campaign_units DROP COLUMN code_key")
    op.drop_table("campaign_unit_counts")
    op.drop_table("campaign_participants")
