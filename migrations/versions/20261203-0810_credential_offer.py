"""credential offers and key proof nonces (OpenID4VCI)

Revision ID: 6b1d0e7a93c2
Revises: 5a1d9c3e7b20
Create Date: 2026-12-03 08:10:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '6b1d0e7a93c2'
down_revision: str | None = '5a1d9c3e7b20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'credential_offer',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('credential_id', sa.String(length=36), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('tx_code_hash', sa.String(length=64), nullable=True),
        sa.Column('tx_code_length', sa.Integer(), nullable=True),
        sa.Column('failed_tx_codes', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('redeemed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('token_expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['credential_id'], ['credential.id'],
            name=op.f('fk_credential_offer_credential_id_credential'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_credential_offer')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_credential_offer_code_hash')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_credential_offer_token_hash')),
    )
    op.create_index(
        op.f('ix_credential_offer_credential_id'), 'credential_offer', ['credential_id']
    )
    op.create_table(
        'key_proof_nonce',
        sa.Column('nonce_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('nonce_hash', name=op.f('pk_key_proof_nonce')),
    )
    op.create_index(op.f('ix_key_proof_nonce_expires_at'), 'key_proof_nonce', ['expires_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_key_proof_nonce_expires_at'), table_name='key_proof_nonce')
    op.drop_table('key_proof_nonce')
    op.drop_index(op.f('ix_credential_offer_credential_id'), table_name='credential_offer')
    op.drop_table('credential_offer')
