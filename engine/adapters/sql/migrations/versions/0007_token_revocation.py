"""Revocable organiser tokens: a never-reused key, a version and a disabled flag per user.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("token_key", sa.String(32), nullable=True))
        batch.add_column(
            sa.Column("token_version", sa.Integer(), server_default="1", nullable=False)
        )
        batch.add_column(
            sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("token_key", sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update().where(users.c.id == user_id).values(token_key=secrets.token_hex(16))
        )
    with op.batch_alter_table("users") as batch:
        batch.alter_column("token_key", existing_type=sa.String(32), nullable=False)
        batch.create_unique_constraint("uq_users_token_key", ["token_key"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_token_key", type_="unique")
        batch.drop_column("disabled")
        batch.drop_column("token_version")
        batch.drop_column("token_key")
