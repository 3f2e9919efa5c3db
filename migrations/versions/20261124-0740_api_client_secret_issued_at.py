"""api client secret issued at

Revision ID: 3c9e1f52a7d4
Revises: a6dbd0a033fb
Create Date: 2026-11-24 07:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '3c9e1f52a7d4'
down_revision: str | None = 'a6dbd0a033fb'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('api_client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_issued_at', sa.DateTime(timezone=True), nullable=True))
    # An existing client's secret may have been rotated since it was created; the creation
    # time is the latest time known, so its current tokens keep working.
    op.execute('UPDATE api_client SET secret_issued_at = created_at')
    with op.batch_alter_table('api_client', schema=None) as batch_op:
        batch_op.alter_column('secret_issued_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('api_client', schema=None) as batch_op:
        batch_op.drop_column('secret_issued_at')
