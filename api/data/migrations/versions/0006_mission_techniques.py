"""progress_events.techniques (a manipulator mission's technique codes; issue 17)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 23:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("progress_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("techniques", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("progress_events", schema=None) as batch_op:
        batch_op.drop_column("techniques")
