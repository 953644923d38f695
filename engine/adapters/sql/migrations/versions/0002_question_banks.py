"""Question banks: identities, immutable question and bank versions, media.

Published content is immutable in the database itself: triggers refuse UPDATE and
DELETE on question versions, bank versions and their membership, on PostgreSQL and
SQLite alike, so no code path (or hand-typed SQL) can alter what a round was run on.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

IMMUTABLE = ("question_versions", "bank_versions", "bank_version_questions", "media")


def upgrade() -> None:
    now = sa.func.now()
    op.create_table(
        "banks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("default_locale", sa.String(16), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_banks"),
        sa.UniqueConstraint("slug", name="uq_banks_slug"),
    )
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["bank_id"], ["banks.id"], name="fk_questions_bank_id_banks"),
        sa.PrimaryKeyConstraint("id", name="pk_questions"),
        sa.UniqueConstraint("bank_id", "key", name="uq_questions_bank_id"),
    )
    op.create_table(
        "question_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"], name="fk_question_versions_question_id_questions"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_question_versions"),
        sa.UniqueConstraint("question_id", "hash", name="uq_question_versions_question_id"),
    )
    op.create_table(
        "bank_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("default_locale", sa.String(16), nullable=False),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("published_by", sa.String(64), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.ForeignKeyConstraint(["bank_id"], ["banks.id"], name="fk_bank_versions_bank_id_banks"),
        sa.PrimaryKeyConstraint("id", name="pk_bank_versions"),
        sa.UniqueConstraint("bank_id", "number", name="uq_bank_versions_bank_id"),
    )
    op.create_index("ix_bank_versions_hash", "bank_versions", ["hash"])
    op.create_table(
        "bank_version_questions",
        sa.Column("bank_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_version_id"],
            ["bank_versions.id"],
            name="fk_bank_version_questions_bank_version_id_bank_versions",
        ),
        sa.ForeignKeyConstraint(
            ["question_version_id"],
            ["question_versions.id"],
            name="fk_bank_version_questions_question_version_id_question_versions",
        ),
        sa.PrimaryKeyConstraint("bank_version_id", "position", name="pk_bank_version_questions"),
    )
    op.create_table(
        "media",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("mime", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=now, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_media"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION leitai_refuse_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'published content is immutable: % on %', TG_OP, TG_TABLE_NAME
                    USING ERRCODE = 'restrict_violation';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        for table in IMMUTABLE:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION leitai_refuse_change()"
            )
    else:
        for table in IMMUTABLE:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_immutable_{action.lower()} BEFORE {action} "
                    f"ON {table} BEGIN SELECT RAISE(ABORT, "
                    f"'published content is immutable: {action} on {table}'); END"
                )


def downgrade() -> None:
    for table in reversed(("banks", "questions", *IMMUTABLE)):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION leitai_refuse_change()")
