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
    with op.batch_alter_table('status_list') as batch:
        batch.add_column(sa.Column('signed_token', sa.Text(), nullable=True))
    op.create_table(
        'wallet_credential',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('credential_id', sa.String(length=36), nullable=False),
        sa.Column('format', sa.String(length=32), nullable=False),
        sa.Column('holder_key_thumbprint', sa.String(length=64), nullable=False),
        sa.Column('algorithm', sa.String(length=16), nullable=False),
        sa.Column('key_id', sa.String(length=128), nullable=False),
        sa.Column('token_list_id', sa.Integer(), nullable=False),
        sa.Column('token_index', sa.Integer(), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['credential_id'],
            ['credential.id'],
            name=op.f('fk_wallet_credential_credential_id_credential'),
        ),
        sa.ForeignKeyConstraint(
            ['token_list_id'],
            ['status_list.id'],
            name=op.f('fk_wallet_credential_token_list_id_status_list'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_wallet_credential')),
        sa.UniqueConstraint(
            'token_list_id', 'token_index', name='uq_wallet_credential_token'
        ),
    )
    op.create_index(
        op.f('ix_wallet_credential_credential_id'),
        'wallet_credential',
        ['credential_id'],
        unique=False,
    )
    op.create_index(
        op.f('ix_wallet_credential_holder_key_thumbprint'),
        'wallet_credential',
        ['holder_key_thumbprint'],
        unique=False,
    )
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
    op.drop_index(
        op.f('ix_wallet_credential_holder_key_thumbprint'), table_name='wallet_credential'
    )
    op.drop_index(op.f('ix_wallet_credential_credential_id'), table_name='wallet_credential')
    op.drop_table('wallet_credential')
    op.execute("DELETE FROM status_list WHERE purpose = 'token'")
    with op.batch_alter_table('status_list') as batch:
        batch.drop_column('signed_token')
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
