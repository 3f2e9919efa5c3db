"""DPoP-bound access tokens: the key an offer's token is bound to, and used DPoP proof jtis

Revision ID: 7c4e2a9d1f35
Revises: 6b1d0e7a93c2
Create Date: 2026-12-03 13:10:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '7c4e2a9d1f35'
down_revision: str | None = '6b1d0e7a93c2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('credential_offer') as batch:
        batch.add_column(sa.Column('token_jkt', sa.String(length=43), nullable=True))
    op.create_table(
        'dpop_proof_use',
        sa.Column('jti_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('jti_hash', name=op.f('pk_dpop_proof_use')),
    )
    op.create_index(op.f('ix_dpop_proof_use_expires_at'), 'dpop_proof_use', ['expires_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_dpop_proof_use_expires_at'), table_name='dpop_proof_use')
    op.drop_table('dpop_proof_use')
    with op.batch_alter_table('credential_offer') as batch:
        batch.drop_column('token_jkt')
