"""ES256 issuer keys beside Ed25519; wallet credentials and Token Status Lists

Revision ID: 5a1d9c3e7b20
Revises: 3f7c2a9e51d4
Create Date: 2026-12-03 08:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '5a1d9c3e7b20'
down_revision: str | None = '3f7c2a9e51d4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    with op.batch_alter_table('signing_key') as batch:
        batch.add_column(
            sa.Column('algorithm', sa.String(length=16), server_default='EdDSA', nullable=False)
        )
    op.drop_index('uq_signing_key_one_active', table_name='signing_key')
    op.create_index(
        'uq_signing_key_one_active',
        'signing_key',
        ['algorithm', 'status'],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )


def downgrade() -> None:
    op.drop_index('uq_signing_key_one_active', table_name='signing_key')
    op.execute("DELETE FROM signing_key WHERE algorithm <> 'EdDSA'")
    with op.batch_alter_table('signing_key') as batch:
        batch.drop_column('algorithm')
    op.create_index(
        'uq_signing_key_one_active',
        'signing_key',
        ['status'],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
