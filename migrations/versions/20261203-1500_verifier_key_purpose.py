"""Signing keys have a purpose: assertion (credentials) or authentication (the verifier's key)

Revision ID: 5b8e1f3c7a20
Revises: 9d4e2b7c1a05
Create Date: 2026-12-03 15:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '5b8e1f3c7a20'
down_revision: str | None = '9d4e2b7c1a05'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status = 'active'")
INDEX = 'uq_signing_key_one_active'


def _one_active_per(*columns: str) -> None:
    """At most one active key per value of `columns` (replacing the index there was)."""
    op.drop_index(INDEX, table_name='signing_key')
    op.create_index(
        INDEX, 'signing_key', [*columns, 'status'], unique=True,
        sqlite_where=ACTIVE, postgresql_where=ACTIVE,
    )


def upgrade() -> None:
    with op.batch_alter_table('signing_key') as batch:
        batch.add_column(
            sa.Column('purpose', sa.String(length=16), server_default='assertion', nullable=False)
        )
    _one_active_per('algorithm', 'purpose')


def downgrade() -> None:
    # The verifier's keys have no place without the column; their private halves stay in
    # the key store, unused.
    op.execute("DELETE FROM signing_key WHERE purpose <> 'assertion'")
    _one_active_per('algorithm')
    with op.batch_alter_table('signing_key') as batch:
        batch.drop_column('purpose')
