"""Self-paced entries: keyed hashes of the real-name identity and of the client address.

Only keyed hashes are stored (HMAC with the instance secret), so the database never holds
an ID number or an IP address, yet one identity's second entry and bursts of entries from
one client can still be told.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contestants") as batch:
        batch.add_column(sa.Column("identity_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("client_hash", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contestants") as batch:
        batch.drop_column("client_hash")
        batch.drop_column("identity_hash")
