"""equivalent national credentials: the language of each official title, official translations

Stored standard versions get the two new fields of their equivalents (`title_language`,
`translations`), so that the seed files, which now state them, still match what is stored.
The seeded Red Seal equivalents also get their official French titles, and the Red Seal
trade once named by a provincial title gets its official Red Seal name.

Revision ID: 9d4e2b7c1a05
Revises: 9d4e6c1b2a77
Create Date: 2026-12-03 13:40:00.000000+00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB


revision: str = '9d4e2b7c1a05'
down_revision: str | None = '9d4e6c1b2a77'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_standard = sa.table(
    'standard',
    sa.column('id', sa.Integer()),
    sa.column('content', sa.JSON().with_variant(JSONB(), 'postgresql')),
)
_SEEDED_LANGUAGES = {
    'Certified Production Technician (CPT)': 'en',
    'Certified Production Technician (CPT): Safety': 'en',
    'Certified Production Technician (CPT): Quality Practices & Measurement': 'en',
    'Industrial Electrician': 'en',
    'Industrial Electrician (Ontario)': 'en',
    'Industrial Instrument Technician': 'en',
    'Industrial Mechanic (Millwright)': 'en',
    'Electrical installations in housing': 'en',
    'Técnico en Mecatrónica': 'es',
    'Operación de montacargas horizontal': 'es',
}
"""The titles of the seed files' equivalents and their languages."""
_SEEDED_CODES = frozenset({
    'NASSC-SEMI-FAB-TECH',
    'NASSC-CLEAN-WIND-TECH',
    'NASSC-EVB-CELL-TECH',
    'NASSC-BIO-MFG-TECH',
    'NASSC-AERO-ASSY-TECH',
})
_ELECTRICIAN_FR = 'Électricien industriel/électricienne industrielle'
_INSTRUMENT = 'Instrumentation and Control Technician'
_INSTRUMENT_FR = 'Technicien/technicienne en instrumentation et contrôle'
_INSTRUMENT_NOTE = (
    'Official Red Seal title (English and French) approved by the CCDA; some provinces name '
    'the trade Industrial Instrument Technician or Industrial Instrument Mechanic.'
)
_MILLWRIGHT = 'Industrial Mechanic (Millwright)'
_MILLWRIGHT_NOTE = (
    'Official Red Seal title; its official French title is not yet in our sources, so the '
    'English title is shown on every page.'
)


def _upgraded(item: dict[str, Any], *, seeded: bool) -> dict[str, Any]:
    framework, title = item.get('framework'), item.get('title')
    language = _SEEDED_LANGUAGES.get(str(title)) if seeded else None
    translations: dict[str, str] = {}
    if seeded:
        if framework == 'red-seal' and title == 'Industrial Instrument Technician':
            title = _INSTRUMENT
        if framework == 'red-seal' and title == 'Industrial Electrician':
            translations = {'fr': _ELECTRICIAN_FR}
        if framework == 'red-seal' and title == _INSTRUMENT:
            translations = {'fr': _INSTRUMENT_FR}
    upgraded: dict[str, Any] = {}
    for key, value in item.items():
        if key in ('title_language', 'translations'):
            continue
        upgraded[key] = title if key == 'title' else value
        if key == 'title':
            upgraded['title_language'] = language
            upgraded['translations'] = translations
    if seeded and framework == 'red-seal' and title == _INSTRUMENT:
        upgraded['note'] = _INSTRUMENT_NOTE
    if seeded and framework == 'red-seal' and title == _MILLWRIGHT:
        upgraded['note'] = _MILLWRIGHT_NOTE
    return upgraded


def _downgraded(item: dict[str, Any]) -> dict[str, Any]:
    item = {k: v for k, v in item.items() if k not in ('title_language', 'translations')}
    if item.get('framework') == 'red-seal' and item.get('title') == _INSTRUMENT:
        item['title'] = 'Industrial Instrument Technician'
    if item.get('note') in (_INSTRUMENT_NOTE, _MILLWRIGHT_NOTE):
        item.pop('note')
    return item


def _rewrite(change: Any) -> None:
    connection = op.get_bind()
    for row in connection.execute(sa.select(_standard.c.id, _standard.c.content)).all():
        content = dict(row.content)
        equivalents = content.get('equivalents') or []
        if not equivalents:
            continue
        seeded = content.get('code') in _SEEDED_CODES
        content['equivalents'] = [change(item, seeded) for item in equivalents]
        connection.execute(
            _standard.update().where(_standard.c.id == row.id).values(content=content)
        )


def upgrade() -> None:
    _rewrite(lambda item, seeded: _upgraded(item, seeded=seeded))


def downgrade() -> None:
    _rewrite(lambda item, seeded: _downgraded(item))
