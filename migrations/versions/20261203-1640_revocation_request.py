"""Providers' requests that the Division revoke a credential

Revision ID: 7c2d9a4e6b13
Revises: 7c3a9e51d2b4
Create Date: 2026-12-03 16:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '7c2d9a4e6b13'
down_revision: str | None = '7c3a9e51d2b4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'revocation_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('credential_id', sa.String(length=36), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('requested_by', sa.String(length=100), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['credential_id'], ['credential.id'],
            name=op.f('fk_revocation_request_credential_id_credential'),
        ),
        sa.ForeignKeyConstraint(
            ['provider_id'], ['training_provider.id'],
            name=op.f('fk_revocation_request_provider_id_training_provider'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_revocation_request')),
    )
    for column in ('credential_id', 'provider_id', 'requested_at'):
        op.create_index(
            op.f(f'ix_revocation_request_{column}'), 'revocation_request', [column], unique=False
        )


def downgrade() -> None:
    op.drop_table('revocation_request')
