"""provider password reset: single-use, hour-long links for provider users who forgot
their password

Revision ID: 9a4f6d2b8c17
Revises: 5e8b2c71d9a0
Create Date: 2026-12-03 18:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '9a4f6d2b8c17'
down_revision: str | None = '5e8b2c71d9a0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'provider_password_reset',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['provider_user.id'],
            name=op.f('fk_provider_password_reset_user_id_provider_user'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_password_reset')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_provider_password_reset_token_hash')),
    )
    op.create_index(
        op.f('ix_provider_password_reset_user_id'),
        'provider_password_reset',
        ['user_id'],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table('provider_password_reset')
