"""VC API credentials with status entries (their status can be changed)

Revision ID: 9d4e6c1b2a77
Revises: 8d3f5a2b9e46
Create Date: 2026-12-03 14:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '9d4e6c1b2a77'
down_revision: str | None = '8d3f5a2b9e46'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'vc_api_credential',
        sa.Column('id', sa.String(length=500), nullable=False),
        sa.Column('issuer_did', sa.String(length=200), nullable=False),
        sa.Column('issued_by', sa.String(length=100), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('status_reason', sa.String(length=1000), nullable=True),
        sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revocation_list_id', sa.Integer(), nullable=True),
        sa.Column('revocation_index', sa.Integer(), nullable=True),
        sa.Column('suspension_list_id', sa.Integer(), nullable=True),
        sa.Column('suspension_index', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['revocation_list_id'],
            ['status_list.id'],
            name=op.f('fk_vc_api_credential_revocation_list_id_status_list'),
        ),
        sa.ForeignKeyConstraint(
            ['suspension_list_id'],
            ['status_list.id'],
            name=op.f('fk_vc_api_credential_suspension_list_id_status_list'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_vc_api_credential')),
        sa.UniqueConstraint(
            'revocation_list_id', 'revocation_index', name='uq_vc_api_credential_revocation'
        ),
        sa.UniqueConstraint(
            'suspension_list_id', 'suspension_index', name='uq_vc_api_credential_suspension'
        ),
    )
    op.create_index(
        op.f('ix_vc_api_credential_status'), 'vc_api_credential', ['status'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_vc_api_credential_status'), table_name='vc_api_credential')
    op.drop_table('vc_api_credential')
