"""Reading a portal upload: the batch API's CSV columns plus `language` (the language of
the worker's mail), and row problems in the reader's language (pure)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from app.credentials.batches import ParsedRow
from app.fields import Country, Language
from app.web.i18n import gettext as translate
from app.web.vocabulary import N_

LANGUAGE_COLUMN: Final = "language"
COUNTRY_LANGUAGES: Final = {
    Country.mx: Language.es,
    Country.us: Language.en,
    Country.ca: Language.en,
}
"""The language of a worker's mail when their row names none: the provider country's
(but see `FRENCH_REGIONS`)."""

COLUMN_PROBLEM: Final = N_("Column %(column)s: the value is missing or not valid.")
LANGUAGE_PROBLEM: Final = N_("Column language: write en, es or fr.")
ROW_PROBLEM: Final = N_("The electives or dates of this row do not fit the standard.")
_COLUMNS_BY_FIELD: Final = {
    "name": "name",
    "email": "email",
    "did": "did",
    "completed_on": "completed_on",
    "score_percent": "score_percent",
    "evidence": "evidence_name",
    "valid_from": "valid_from",
    "electives": "electives",
}


FRENCH_REGIONS: Final = frozenset({"QC", "Québec", "Quebec"})
"""Canadian regions whose workers read French unless their row says otherwise."""


def default_language(country: str, region: str = "") -> Language:
    """The mail language of workers of a provider in `region` of `country`: the country's,
    and French in Québec."""
    try:
        known = Country(country)
    except ValueError:
        return Language.en
    if known is Country.ca and region.strip().casefold() in {r.casefold() for r in FRENCH_REGIONS}:
        return Language.fr
    return COUNTRY_LANGUAGES[known]


@dataclass(frozen=True, slots=True)
class Upload:
    """A CSV upload without its `language` column, and what that column said."""

    csv_bytes: bytes
    languages: dict[int, Language]
    bad_languages: frozenset[int]


def split_languages(data: bytes) -> Upload:
    """Take the `language` column out of an upload (the batch API does not know it); rows
    are numbered from 1 as the batch numbers them. Undecodable input is passed on as it
    is, for the batch parser to refuse with its own words."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Upload(csv_bytes=data, languages={}, bad_languages=frozenset())
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or [])
    if LANGUAGE_COLUMN not in header:
        return Upload(csv_bytes=data, languages={}, bad_languages=frozenset())
    kept = [column for column in header if column != LANGUAGE_COLUMN]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=kept, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    languages: dict[int, Language] = {}
    bad: set[int] = set()
    try:
        for number, record in enumerate(reader, start=1):
            value = (record.get(LANGUAGE_COLUMN) or "").strip().lower()
            if value:
                try:
                    languages[number] = Language(value)
                except ValueError:
                    bad.add(number)
            writer.writerow({key: record.get(key) or "" for key in kept})
    except csv.Error:
        return Upload(csv_bytes=data, languages={}, bad_languages=frozenset())
    return Upload(out.getvalue().encode(), languages, frozenset(bad))


@dataclass(frozen=True, slots=True)
class PreviewRow:
    """One row of the preview, its problems in the reader's language."""

    number: int
    name: str
    email: str
    language: Language
    problems: list[str]


def _column(error: Mapping[str, Any]) -> str | None:
    for part in reversed([str(part) for part in error.get("loc", [])]):
        if part in _COLUMNS_BY_FIELD:
            return _COLUMNS_BY_FIELD[part]
    return None


def problems_of(errors: Sequence[Mapping[str, Any]] | None, *, language: Language) -> list[str]:
    """A row's errors (as the batch records them) in the reader's language."""
    problems = []
    for error in errors or []:
        column = _column(error)
        if column is not None:
            problems.append(translate(language, COLUMN_PROBLEM, column=column))
        elif "type" in error:
            problems.append(translate(language, ROW_PROBLEM))
        else:
            problems.append(translate(language, COLUMN_PROBLEM, column="?"))
    return sorted(set(problems), key=problems.index)


def preview_rows(
    rows: Sequence[ParsedRow], upload: Upload, *, default: Language, language: Language
) -> list[PreviewRow]:
    """The rows as the preview shows them."""
    shown = []
    for row in rows:
        recipient = row.payload.get("recipient")
        recipient = recipient if isinstance(recipient, dict) else {}
        problems = problems_of(row.errors, language=language)
        if row.number in upload.bad_languages:
            problems.append(translate(language, LANGUAGE_PROBLEM))
        shown.append(
            PreviewRow(
                number=row.number,
                name=str(recipient.get("name", "")),
                email=str(recipient.get("email", "")),
                language=upload.languages.get(row.number, default),
                problems=problems,
            )
        )
    return shown
