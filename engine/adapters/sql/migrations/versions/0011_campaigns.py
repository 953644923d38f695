"""Campaigns: stages of existing rounds, units, member lists (hashed), registrations,
qualifiers.

Existing competitions and rounds are unchanged: a campaign's stage refers to rounds.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _created_at(name: str = "created_at") -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def _cascade(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=f"fk_{table}_{column}_{referred}", ondelete="CASCADE"
    )


def _unit_key(table: str, column: str = "unit_id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["campaign_units.id"], name=f"fk_{table}_{column}_campaign_units"
    )


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("opens_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("closes_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("rules_text", sa.Text(), nullable=False),
        sa.Column("places", sa.JSON(), nullable=True),
        sa.Column("registration", sa.JSON(), nullable=False),
        sa.Column("weighting", sa.JSON(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=True),
        _created_at(),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name="fk_campaigns_owner_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_campaigns"),
    )
    op.create_index("ix_campaigns_owner_id", "campaigns", ["owner_id"])
    op.create_table(
        "campaign_hosts",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _created_at("added_at"),
        _cascade("campaign_hosts", "campaign_id", "campaigns.id"),
        _cascade("campaign_hosts", "user_id", "users.id"),
        sa.PrimaryKeyConstraint("campaign_id", "user_id", name="pk_campaign_hosts"),
    )
    op.create_index("ix_campaign_hosts_user_id", "campaign_hosts", ["user_id"])
    op.create_table(
        "campaign_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("attempt_rule", sa.JSON(), nullable=False),
        sa.Column("advancement", sa.JSON(), nullable=True),
        sa.Column("max_points", sa.Integer(), nullable=True),
        _cascade("campaign_stages", "campaign_id", "campaigns.id"),
        sa.PrimaryKeyConstraint("id", name="pk_campaign_stages"),
        sa.UniqueConstraint("campaign_id", "position", name="uq_campaign_stages_campaign_id"),
    )
    op.create_table(
        "campaign_stage_rounds",
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        _cascade("campaign_stage_rounds", "stage_id", "campaign_stages.id"),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name="fk_campaign_stage_rounds_round_id_rounds"
        ),
        sa.PrimaryKeyConstraint("stage_id", "round_id", name="pk_campaign_stage_rounds"),
        sa.UniqueConstraint("round_id", name="uq_campaign_stage_rounds_round_id"),
    )
    op.create_table(
        "campaign_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("place", sa.String(16), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(64), nullable=True),
        _cascade("campaign_units", "campaign_id", "campaigns.id"),
        _unit_key("campaign_units", "parent_id"),
        sa.PrimaryKeyConstraint("id", name="pk_campaign_units"),
    )
    op.create_index("ix_campaign_units_campaign_id", "campaign_units", ["campaign_id"])
    op.create_table(
        "campaign_members",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("name_hash", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        _cascade("campaign_members", "campaign_id", "campaigns.id"),
        _unit_key("campaign_members"),
        sa.PrimaryKeyConstraint("campaign_id", "id_hash", name="pk_campaign_members"),
    )
    op.create_table(
        "campaign_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("nickname", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=True),
        sa.Column("phone", sa.String(16), nullable=True),
        sa.Column("place", sa.String(16), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("identity_hash", sa.String(64), nullable=True),
        sa.Column("registered_at_ms", sa.BigInteger(), nullable=False),
        _cascade("campaign_registrations", "campaign_id", "campaigns.id"),
        _unit_key("campaign_registrations"),
        sa.PrimaryKeyConstraint("id", name="pk_campaign_registrations"),
        sa.UniqueConstraint("token_hash", name="uq_campaign_registrations_token_hash"),
        sa.UniqueConstraint(
            "campaign_id", "identity_hash", name="uq_campaign_registrations_campaign_id"
        ),
    )
    op.create_index("ix_campaign_registrations_unit_id", "campaign_registrations", ["unit_id"])
    op.create_table(
        "campaign_entries",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("contestant", sa.String(32), nullable=False),
        sa.Column("practice", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("started_at_ms", sa.BigInteger(), nullable=False),
        _cascade("campaign_entries", "registration_id", "campaign_registrations.id"),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name="fk_campaign_entries_round_id_rounds"
        ),
        sa.PrimaryKeyConstraint(
            "registration_id", "round_id", "contestant", name="pk_campaign_entries"
        ),
    )
    op.create_table(
        "campaign_qualifiers",
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_by", sa.String(64), nullable=True),
        _cascade("campaign_qualifiers", "stage_id", "campaign_stages.id"),
        _cascade("campaign_qualifiers", "registration_id", "campaign_registrations.id"),
        sa.PrimaryKeyConstraint("stage_id", "registration_id", name="pk_campaign_qualifiers"),
    )


def downgrade() -> None:
    for table in (
        "campaign_qualifiers",
        "campaign_entries",
        "campaign_registrations",
        "campaign_members",
        "campaign_units",
        "campaign_stage_rounds",
        "campaign_stages",
        "campaign_hosts",
        "campaigns",
    ):
        op.drop_table(table)
