"""Indexes for a million credentials: status bits per list, holder-name search, report scans

Revision ID: 7c3a9e51d2b4
Revises: 5b8e1f3c7a20
Create Date: 2026-12-03 16:30:00.000000+00:00

- `ix_credential_{revocation,suspension}_bits`: re-signing a list reads the indexes of its
  revoked (or suspended) credentials; without these it read every revoked credential of
  every list through `ix_credential_status` and filtered by list.
- `ix_credential_report`: the credentials report counts every credential by month,
  standard, provider and status; this index covers those columns, so the count is an
  index-only scan instead of reading the table (documents and all).
- `ix_verification_event_report`: the same for the mobility report.
- PostgreSQL only, `ix_credential_holder_trgm`: a trigram index (`pg_trgm`) on the folded
  holder name, as `app.db.folded` renders it, so the console's "part of the name" search
  is an index scan instead of folding every name in the table. The expression must stay
  the one `folded` compiles to (same `translate` strings), or the index goes unused.
"""

from collections.abc import Sequence

from alembic import op


revision: str = '7c3a9e51d2b4'
down_revision: str | None = '5b8e1f3c7a20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACCENTED = "áàâäãåçéèêëíìîïñóòôöõúùûüýÿÁÀÂÄÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝ"
PLAIN = "aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuy"


def upgrade() -> None:
    op.create_index(
        'ix_credential_revocation_bits', 'credential',
        ['revocation_list_id', 'status', 'revocation_index'],
    )
    op.create_index(
        'ix_credential_suspension_bits', 'credential',
        ['suspension_list_id', 'status', 'suspension_index'],
    )
    op.create_index(
        'ix_credential_report', 'credential',
        ['issued_at', 'standard_id', 'provider_id', 'status', 'valid_until'],
    )
    op.create_index(
        'ix_verification_event_report', 'verification_event',
        ['occurred_at', 'employer_country', 'issuing_country', 'sector', 'outcome'],
    )
    if op.get_context().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.execute(
            'CREATE INDEX ix_credential_holder_trgm ON credential USING gin '
            f"(translate(lower(subject_name), '{ACCENTED}', '{PLAIN}') gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_context().dialect.name == 'postgresql':
        op.execute('DROP INDEX ix_credential_holder_trgm')
    op.drop_index('ix_verification_event_report', table_name='verification_event')
    op.drop_index('ix_credential_report', table_name='credential')
    op.drop_index('ix_credential_suspension_bits', table_name='credential')
    op.drop_index('ix_credential_revocation_bits', table_name='credential')
