"""badge_credentials (issued Open Badges: id, reflex, date, revoked) and badge_downloads
(one-time links to a signed credential; issue 18)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "badge_credentials",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("reflex", sa.String(length=16), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("badge_credentials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_badge_credentials_revoked"), ["revoked"], unique=False)
    op.create_table(
        "badge_downloads",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("credential_id", sa.String(length=64), nullable=False),
        sa.Column("signed", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["credential_id"], ["badge_credentials.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("badge_downloads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_badge_downloads_credential_id"), ["credential_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_badge_downloads_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("badge_downloads")
    op.drop_table("badge_credentials")
