"""provider users and their invitations (provider portal)

Revision ID: 7c2e4f1a8d35
Revises: 7c4e2a9d1f35
Create Date: 2026-12-03 13:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '7c2e4f1a8d35'
down_revision: str | None = '7c4e2a9d1f35'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'provider_user',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=True),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['provider_id'], ['training_provider.id'],
            name=op.f('fk_provider_user_provider_id_training_provider'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_user')),
        sa.UniqueConstraint('email', name=op.f('uq_provider_user_email')),
    )
    op.create_index(op.f('ix_provider_user_provider_id'), 'provider_user', ['provider_id'])
    op.create_table(
        'provider_invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('invited_by', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['provider_user.id'],
            name=op.f('fk_provider_invitation_user_id_provider_user'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_invitation')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_provider_invitation_token_hash')),
    )
    op.create_index(
        op.f('ix_provider_invitation_user_id'), 'provider_invitation', ['user_id']
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_provider_invitation_user_id'), table_name='provider_invitation')
    op.drop_table('provider_invitation')
    op.drop_index(op.f('ix_provider_user_provider_id'), table_name='provider_user')
    op.drop_table('provider_user')
