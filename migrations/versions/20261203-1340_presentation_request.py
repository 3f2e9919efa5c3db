"""presentation requests (OpenID4VP)

Revision ID: 7c2e1f8a04d5
Revises: 7c2e4f1a8d35
Create Date: 2026-12-03 13:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision: str = '7c2e1f8a04d5'
down_revision: str | None = '7c2e4f1a8d35'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'presentation_request',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('state', sa.String(length=64), nullable=False),
        sa.Column('nonce', sa.String(length=64), nullable=False),
        sa.Column('dcql_query', JSON, nullable=False),
        sa.Column('standard_code', sa.String(length=64), nullable=True),
        sa.Column('sector', sa.String(length=64), nullable=True),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('employer_country', sa.String(length=2), nullable=True),
        sa.Column('created_by', sa.String(length=100), nullable=True),
        sa.Column('same_device', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('result', JSON, nullable=True),
        sa.Column('result_expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_presentation_request')),
        sa.UniqueConstraint('state', name=op.f('uq_presentation_request_state')),
    )
    op.create_index(
        op.f('ix_presentation_request_created_by'), 'presentation_request', ['created_by']
    )
    op.create_index(
        op.f('ix_presentation_request_expires_at'), 'presentation_request', ['expires_at']
    )
    op.create_index(
        op.f('ix_presentation_request_result_expires_at'),
        'presentation_request',
        ['result_expires_at'],
    )


def downgrade() -> None:
    op.drop_index(
        op.f('ix_presentation_request_result_expires_at'), table_name='presentation_request'
    )
    op.drop_index(op.f('ix_presentation_request_expires_at'), table_name='presentation_request')
    op.drop_index(op.f('ix_presentation_request_created_by'), table_name='presentation_request')
    op.drop_table('presentation_request')
