"""revocation request outcome: declined by staff (with reason, who, when) or done by the
revocation

Revision ID: 5e8b2c71d9a0
Revises: 7c2d9a4e6b13
Create Date: 2026-12-03 18:10:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '5e8b2c71d9a0'
down_revision: str | None = '7c2d9a4e6b13'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('revocation_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('decided_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('decided_by_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decision_reason', sa.Text(), nullable=True))
    # Requests whose credential was revoked before this revision were closed by the
    # revocation; who revoked it is in the audit log, the time on the credential.
    op.execute(
        "UPDATE revocation_request SET outcome = 'revoked', decided_at = ("
        "SELECT credential.status_changed_at FROM credential "
        "WHERE credential.id = revocation_request.credential_id) "
        "WHERE credential_id IN (SELECT id FROM credential WHERE status = 'revoked')"
    )


def downgrade() -> None:
    with op.batch_alter_table('revocation_request', schema=None) as batch_op:
        for column in ('decision_reason', 'decided_at', 'decided_by_name', 'decided_by', 'outcome'):
            batch_op.drop_column(column)
