"""mail deliveries (invitations and claim links by email)

Revision ID: 8d3f5a2b9e46
Revises: 7c2e1f8a04d5
Create Date: 2026-12-03 14:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '8d3f5a2b9e46'
down_revision: str | None = '7c2e1f8a04d5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'mail_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('provider_user_id', sa.Integer(), nullable=True),
        sa.Column('batch_id', sa.String(length=36), nullable=True),
        sa.Column('row_number', sa.Integer(), nullable=True),
        sa.Column('credential_id', sa.String(length=36), nullable=True),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('requested_by', sa.String(length=100), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['provider_id'], ['training_provider.id'],
            name=op.f('fk_mail_delivery_provider_id_training_provider'),
        ),
        sa.ForeignKeyConstraint(
            ['provider_user_id'], ['provider_user.id'],
            name=op.f('fk_mail_delivery_provider_user_id_provider_user'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_delivery')),
    )
    op.create_index(op.f('ix_mail_delivery_provider_id'), 'mail_delivery', ['provider_id'])
    op.create_index(op.f('ix_mail_delivery_batch_id'), 'mail_delivery', ['batch_id'])
    op.create_index('ix_mail_delivery_due', 'mail_delivery', ['status', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_index('ix_mail_delivery_due', table_name='mail_delivery')
    op.drop_index(op.f('ix_mail_delivery_batch_id'), table_name='mail_delivery')
    op.drop_index(op.f('ix_mail_delivery_provider_id'), table_name='mail_delivery')
    op.drop_table('mail_delivery')
