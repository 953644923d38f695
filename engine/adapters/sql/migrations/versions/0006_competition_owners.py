"""Competition owners (a user id) and co-hosts.

Existing competitions get the owner whose username matches their ``created_by``; a
competition whose creator matches no account (e.g. the demo's before it had one, or an
account since removed) keeps ``owner_id`` NULL and is reachable by admins only, who
can see it in ``GET /api/v1/competitions`` and add co-hosts to it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("competitions") as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_competitions_owner_id_users", "users", ["owner_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_competitions_owner_id", ["owner_id"])
    op.execute(
        "UPDATE competitions SET owner_id = "
        "(SELECT users.id FROM users WHERE users.username = competitions.created_by)"
    )
    op.create_table(
        "competition_hosts",
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "added_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["competitions.id"],
            name="fk_competition_hosts_competition_id_competitions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_competition_hosts_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("competition_id", "user_id", name="pk_competition_hosts"),
    )
    op.create_index("ix_competition_hosts_user_id", "competition_hosts", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_competition_hosts_user_id", table_name="competition_hosts")
    op.drop_table("competition_hosts")
    with op.batch_alter_table("competitions") as batch:
        batch.drop_index("ix_competitions_owner_id")
        batch.drop_constraint("fk_competitions_owner_id_users", type_="foreignkey")
        batch.drop_column("owner_id")
