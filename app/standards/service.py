"""The standards registry: create, edit, publish, retire, read, list, seed.

Every change is an audit event (`standard.*`, target `standard` / `CODE@version`) written
in the same transaction; without a principal (command line, seed) the actor is `system`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.audit import service as audit_service
from app.audit.summary import pick
from app.auth.roles import Principal
from app.db import fold_text, folded, utcnow
from app.fields import Country, Language
from app.standards.enums import Sector, StandardStatus
from app.standards.errors import (
    StandardExists,
    StandardIdentityMismatch,
    StandardImmutable,
    StandardNotFound,
    StandardNotPublishable,
)
from app.standards.models import Standard, StandardDelivery
from app.standards.schemas import StandardCreate, StandardRead

TARGET_TYPE = "standard"


@dataclass(frozen=True, slots=True)
class Page:
    """One page of standards and the total that matched."""

    items: list[Standard]
    total: int


def _search_text(data: StandardCreate) -> str:
    parts = [data.code]
    for text in (data.title, data.description):
        parts += [text.en, text.es, text.fr]
    for occupation in data.occupations:
        parts += [occupation.title.en, occupation.title.es, occupation.title.fr]
        # Employers search by the codes they know (SOC 49-9081, NOC 72201, SINCO 2641).
        parts += [occupation.soc_2018.code, occupation.noc_2021.code, occupation.sinco_2019.code]
    return " ".join(parts).casefold()


def _content(data: StandardCreate) -> dict[str, Any]:
    content: dict[str, Any] = data.model_dump(mode="json", exclude={"status"})
    return content


def _apply(standard: Standard, data: StandardCreate) -> None:
    standard.code = data.code
    standard.version = data.version
    standard.sector = data.sector.value
    standard.nassc_level = data.level.nassc_level
    standard.validity_years = data.validity_years
    standard.title_en, standard.title_es, standard.title_fr = (
        data.title.en,
        data.title.es,
        data.title.fr,
    )
    standard.search_text = _search_text(data)
    standard.content = _content(data)
    # Reconcile by country rather than replace, so a country's row is updated in place and
    # the (standard, country) unique constraint never sees a transient duplicate.
    wanted = {
        profile.country.value: ","
        + ",".join(language.value for language in profile.languages)
        + ","
        for profile in data.delivery_profiles
    }
    for delivery in list(standard.deliveries):
        if delivery.country in wanted:
            delivery.languages = wanted.pop(delivery.country)
        else:
            standard.deliveries.remove(delivery)
    for country, languages in wanted.items():
        standard.deliveries.append(StandardDelivery(country=country, languages=languages))


def _entry(
    actor: Principal | None,
    action: str,
    standard: Standard,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> audit_service.AuditEntry:
    target = (TARGET_TYPE, f"{standard.code}@{standard.version}")
    return audit_service.AuditEntry.change(
        actor=actor, action=action, target=target, before=before, after=after
    )


def _identity(standard: Standard) -> dict[str, Any]:
    return pick(standard, "code", "version", "status")


def to_schema(standard: Standard) -> StandardRead:
    """The validated document of a stored standard version."""
    return StandardRead.model_validate({**standard.content, "status": standard.status})


def create_standard(
    session: Session, *, data: StandardCreate, now: datetime, actor: Principal | None = None
) -> Standard:
    """Store a new standard version (a draft, or published outright when seeding); audited
    as `standard.create`."""
    standard = _create(session, data=data, now=now)
    audit_service.record_many(
        session, [_entry(actor, "standard.create", standard, after=_identity(standard))], now=now
    )
    return standard


def _create(session: Session, *, data: StandardCreate, now: datetime) -> Standard:
    existing = session.scalar(
        select(Standard.id).where(Standard.code == data.code, Standard.version == data.version)
    )
    if existing is not None:
        raise StandardExists(f"{data.code} version {data.version} already exists.")
    standard = Standard(status=data.status.value, created_at=now)
    _apply(standard, data)
    if data.status is StandardStatus.published:
        standard.published_at = now
    session.add(standard)
    session.flush()
    return standard


def get_standard(
    session: Session, *, code: str, version: int | None = None, include_drafts: bool = False
) -> Standard:
    """A standard version; without `version`, the newest published one (or draft for staff)."""
    query = select(Standard).where(Standard.code == code)
    if version is not None:
        query = query.where(Standard.version == version)
    if not include_drafts:
        query = query.where(Standard.status != StandardStatus.draft.value)
        if version is None:
            query = query.where(Standard.status == StandardStatus.published.value)
    standard = session.scalar(query.order_by(Standard.version.desc()).limit(1))
    if standard is None:
        suffix = f" version {version}" if version is not None else ""
        raise StandardNotFound(f"No standard {code}{suffix}.")
    return standard


def _editable(session: Session, code: str, version: int) -> Standard:
    standard = get_standard(session, code=code, version=version, include_drafts=True)
    if standard.status != StandardStatus.draft.value:
        raise StandardImmutable(
            f"{code} version {version} is {standard.status}; publish a new version instead."
        )
    return standard


def update_standard(
    session: Session,
    *,
    code: str,
    version: int,
    data: StandardCreate,
    actor: Principal | None = None,
    now: datetime | None = None,
) -> Standard:
    """Replace a draft's content (audited as `standard.update`); published and retired
    versions refuse (409)."""
    if data.code != code or data.version != version:
        raise StandardIdentityMismatch(
            f"The URL names {code} version {version}; the body {data.code} version {data.version}."
        )
    standard = _editable(session, code, version)
    if data.status is not StandardStatus.draft:
        raise StandardIdentityMismatch("Edit drafts as drafts; publish with the publish action.")
    _apply(standard, data)
    session.flush()
    entry = _entry(actor, "standard.update", standard, after=_identity(standard))
    audit_service.record_many(session, [entry], now=now or utcnow())
    return standard


def publish_standard(
    session: Session, *, code: str, version: int, now: datetime, actor: Principal | None = None
) -> Standard:
    """Publish a draft after checking it is complete (assessments, three delivery profiles);
    audited as `standard.publish`."""
    standard = _editable(session, code, version)
    try:
        StandardCreate.model_validate({**standard.content, "status": "published"})
    except ValidationError as error:
        messages = [str(e["msg"]) for e in error.errors()]
        raise StandardNotPublishable("; ".join(messages), errors=messages) from None
    before = pick(standard, "status")
    standard.status = StandardStatus.published.value
    standard.published_at = now
    session.flush()
    entry = _entry(
        actor, "standard.publish", standard, before=before, after=pick(standard, "status")
    )
    audit_service.record_many(session, [entry], now=now)
    return standard


def retire_standard(
    session: Session,
    *,
    code: str,
    version: int,
    actor: Principal | None = None,
    now: datetime | None = None,
) -> Standard:
    """Retire a published version (audited as `standard.retire`): it stays readable but
    issues no new credentials."""
    standard = get_standard(session, code=code, version=version, include_drafts=True)
    if standard.status != StandardStatus.published.value:
        raise StandardImmutable(f"Only published versions can be retired, not {standard.status}.")
    before = pick(standard, "status")
    standard.status = StandardStatus.retired.value
    session.flush()
    entry = _entry(
        actor, "standard.retire", standard, before=before, after=pick(standard, "status")
    )
    audit_service.record_many(session, [entry], now=now or utcnow())
    return standard


def list_standards(
    session: Session,
    *,
    sector: Sector | None = None,
    country: Country | None = None,
    level: int | None = None,
    language: Language | None = None,
    text: str | None = None,
    statuses: tuple[StandardStatus, ...] = (StandardStatus.published,),
    offset: int = 0,
    limit: int = 20,
) -> Page:
    """Standards matching every given filter, by code and version, one page at a time."""
    query = select(Standard).where(Standard.status.in_([status.value for status in statuses]))
    if sector is not None:
        query = query.where(Standard.sector == sector.value)
    if level is not None:
        query = query.where(Standard.nassc_level == level)
    if country is not None or language is not None:
        delivery = select(StandardDelivery.standard_id)
        if country is not None:
            delivery = delivery.where(StandardDelivery.country == country.value)
        if language is not None:
            delivery = delivery.where(StandardDelivery.languages.contains(f",{language.value},"))
        query = query.where(Standard.id.in_(delivery))
    if text:
        # Accents and case do not matter: "baterias" finds "baterías", "eolienne" "éolienne".
        terms = [term for term in fold_text(text).split() if term][:8]
        for term in terms:
            escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(folded(Standard.search_text).like(f"%{escaped}%", escape="\\"))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.options(selectinload(Standard.deliveries))
        .order_by(Standard.code, Standard.version.desc())
        .offset(offset)
        .limit(limit)
    )
    return Page(items=list(items), total=total)


def newest_published(session: Session) -> list[Standard]:
    """The newest published version of each standard, by code (what a presentation request
    may name and a wallet may be offered)."""
    newest: dict[str, Standard] = {}
    for standard in session.scalars(
        select(Standard)
        .where(Standard.status == StandardStatus.published.value)
        .order_by(Standard.version)
    ):
        newest[standard.code] = standard
    return [newest[code] for code in sorted(newest)]


@dataclass(frozen=True, slots=True)
class SeedResult:
    """What seeding did with each file."""

    created: list[str]
    unchanged: list[str]


class SeedConflict(StandardImmutable):
    slug = "seed-conflict"
    title = "A seed file differs from the stored published version"


def seed_standards(
    session: Session, *, directory: Path, now: datetime, actor: Principal | None = None
) -> SeedResult:
    """Load every `*.json` standard in `directory` through the same schema as the API.

    Idempotent: a version already stored with the same content is left alone; one stored
    with different content is a conflict, because published versions never change. New
    versions are audited as `standard.create`, overwritten drafts as `standard.update`.
    """
    created: list[str] = []
    unchanged: list[str] = []
    entries: list[audit_service.AuditEntry] = []
    for path in sorted(directory.glob("*.json")):
        data = StandardCreate.model_validate(json.loads(path.read_text(encoding="utf-8")))
        label = f"{data.code} v{data.version}"
        existing = session.scalar(
            select(Standard).where(Standard.code == data.code, Standard.version == data.version)
        )
        if existing is None:
            standard = _create(session, data=data, now=now)
            entries.append(_entry(actor, "standard.create", standard, after=_identity(standard)))
            created.append(label)
        elif existing.content == _content(data) and existing.status == data.status.value:
            unchanged.append(label)
        elif existing.status == StandardStatus.draft.value:
            before = pick(existing, "status")
            _apply(existing, data)
            existing.status = data.status.value
            if data.status is StandardStatus.published:
                existing.published_at = now
            entries.append(
                _entry(actor, "standard.update", existing, before=before, after=_identity(existing))
            )
            created.append(label)
        else:
            raise SeedConflict(f"{path.name}: {label} is {existing.status} with other content.")
    session.flush()
    audit_service.record_many(session, entries, now=now)
    return SeedResult(created=created, unchanged=unchanged)
