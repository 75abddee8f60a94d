"""xapi_outbox (statements waiting for the learning record store) and xapi_class_groups (classes
whose code may travel as the statements' group; issue 18)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "xapi_outbox",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["progress_events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("xapi_outbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_xapi_outbox_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_xapi_outbox_state"), ["state"], unique=False)
    op.create_table(
        "xapi_class_groups",
        sa.Column("class_code", sa.String(length=16), nullable=False),
        sa.Column("enabled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["class_code"], ["classrooms.code"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("class_code"),
    )


def downgrade() -> None:
    op.drop_table("xapi_class_groups")
    with op.batch_alter_table("xapi_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_xapi_outbox_state"))
        batch_op.drop_index(batch_op.f("ix_xapi_outbox_next_attempt_at"))
    op.drop_table("xapi_outbox")
