"""credential batch requester role

Revision ID: 8d2b6a0e4f13
Revises: 3c9e1f52a7d4
Create Date: 2026-11-24 07:41:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '8d2b6a0e4f13'
down_revision: str | None = '3c9e1f52a7d4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('credential_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_by_role', sa.String(length=16), nullable=True))
    # Existing batches: a client's are the provider's; a staff user's take the user's
    # current role, the best record left of the role they submitted with.
    op.execute(
        "UPDATE credential_batch SET requested_by_role = 'provider' "
        "WHERE requested_by LIKE 'client:%'"
    )
    op.execute(
        "UPDATE credential_batch SET requested_by_role = ("
        "SELECT staff_user.role FROM staff_user "
        "WHERE 'user:' || CAST(staff_user.id AS VARCHAR(20)) = credential_batch.requested_by) "
        "WHERE requested_by_role IS NULL"
    )
    op.execute(
        "UPDATE credential_batch SET requested_by_role = 'registrar' "
        "WHERE requested_by_role IS NULL"
    )
    with op.batch_alter_table('credential_batch', schema=None) as batch_op:
        batch_op.alter_column('requested_by_role', existing_type=sa.String(length=16), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('credential_batch', schema=None) as batch_op:
        batch_op.drop_column('requested_by_role')
