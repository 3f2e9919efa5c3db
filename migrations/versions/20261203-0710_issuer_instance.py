"""issuer instances (VC API issuing identities)

Revision ID: 3f7c2a9e51d4
Revises: 8bcac4ff04c0
Create Date: 2026-12-03 07:10:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '3f7c2a9e51d4'
down_revision: str | None = '8bcac4ff04c0'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'issuer_instance',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('did', sa.String(length=200), nullable=False),
        sa.Column('kid', sa.String(length=128), nullable=False),
        sa.Column('public_key_multibase', sa.String(length=128), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_issuer_instance')),
        sa.UniqueConstraint('did', name=op.f('uq_issuer_instance_did')),
        sa.UniqueConstraint('kid', name=op.f('uq_issuer_instance_kid')),
    )


def downgrade() -> None:
    op.drop_table('issuer_instance')
