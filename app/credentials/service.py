"""Reading issued credentials: one by id, listings for staff and providers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from app.auth.roles import Principal, Role
from app.credentials import paging
from app.credentials.errors import CredentialNotFound
from app.credentials.models import Credential, CredentialStatus
from app.credentials.paging import Cursor
from app.db import fold_text, folded
from app.providers.models import TrainingProvider
from app.standards.models import Standard
from app.web.standing import Standing


@dataclass(frozen=True, slots=True)
class CredentialPage:
    """One page of credentials and the total that matched."""

    items: list[Credential]
    total: int
    more: bool = False
    """More than `total` matched (the count stopped at its cap)."""
    next: Cursor | None = None
    """The cursor of the page after this one, if any."""
    previous: Cursor | None = None
    """The cursor of the page before this one, if any."""


def get_credential(
    session: Session, *, credential_id: str, principal: Principal | None = None
) -> Credential:
    """A credential; a provider sees only the ones it issued (404 otherwise)."""
    credential = session.get(Credential, credential_id.removeprefix("urn:uuid:"))
    if credential is None or (
        principal is not None
        and principal.role is Role.provider
        and credential.provider_id != principal.provider_id
    ):
        raise CredentialNotFound(f"No credential {credential_id}.")
    return credential


def list_credentials(
    session: Session,
    *,
    provider_id: int | None = None,
    standard_code: str | None = None,
    status: str | None = None,
    issued_from: datetime | None = None,
    issued_to: datetime | None = None,
    holder: str | None = None,
    batch_id: str | None = None,
    standing: Standing | None = None,
    now: datetime | None = None,
    any_accents: bool = False,
    after: Cursor | None = None,
    before: Cursor | None = None,
    offset: int = 0,
    limit: int = 20,
    count_cap: int | None = None,
) -> CredentialPage:
    """Credentials, newest first, filtered (`holder`: part of the holder's name in any case;
    with `any_accents`, each of its words with or without accents;
    `standing`: active, expired, not yet valid, suspended or revoked at `now`).

    The page is the `limit` credentials right `after` (or `before`) a cursor, else after
    skipping `offset` (kept for page-numbered links; deep offsets grow with the table); the
    total is counted up to `count_cap` (default `paging.COUNT_CAP`; `more` says there are
    more)."""
    query = select(Credential)
    if holder is not None and any_accents:
        # Each word, in any case and with or without accents: "jose hernandez" finds
        # "José Hernández" on SQLite and PostgreSQL alike.
        for word in fold_text(holder).split()[:8]:
            query = query.where(folded(Credential.subject_name).contains(word, autoescape=True))
    elif holder is not None:
        query = query.where(
            func.lower(Credential.subject_name).contains(holder.lower(), autoescape=True)
        )
    if batch_id is not None:
        query = query.where(Credential.batch_id == batch_id)
    if provider_id is not None:
        query = query.where(Credential.provider_id == provider_id)
    if standard_code is not None:
        query = query.join(Standard).where(Standard.code == standard_code)
    if status is not None:
        query = query.where(Credential.status == status)
    if standing is not None:
        if now is None:
            raise ValueError("a standing filter needs the time it is read at")
        query = query.where(standing_clause(standing, now=now))
    if issued_from is not None:
        query = query.where(Credential.issued_at >= issued_from)
    if issued_to is not None:
        query = query.where(Credential.issued_at < issued_to)
    count_cap = paging.COUNT_CAP if count_cap is None else count_cap
    counted = paging.bounded_count(session, query, cap=count_cap)
    page = _page(session, query, after=after, before=before, offset=offset, limit=limit)
    return CredentialPage(
        items=page.items,
        total=min(counted, count_cap),
        more=counted > count_cap,
        next=page.next,
        previous=page.previous,
    )


@dataclass(frozen=True, slots=True)
class _Page:
    items: list[Credential]
    next: Cursor | None
    previous: Cursor | None


def _page(
    session: Session,
    query: Select[Credential],
    *,
    after: Cursor | None,
    before: Cursor | None,
    offset: int,
    limit: int,
) -> _Page:
    """One page of `query` newest first, read one row past its edge to know if more follow."""
    query = query.options(joinedload(Credential.standard))
    if before is not None:
        # Read backwards from the cursor, then turn the rows round.
        rows = list(
            session.scalars(
                query.where(paging.before(before))
                .order_by(Credential.issued_at, Credential.id.desc())
                .limit(limit + 1)
            )
        )
        items = rows[:limit][::-1]
        return _Page(
            items=items,
            next=Cursor.of(items[-1]) if items else None,
            previous=Cursor.of(items[0]) if len(rows) > limit else None,
        )
    if after is not None:
        query, offset = query.where(paging.after(after)), 0
    rows = list(
        session.scalars(
            query.order_by(Credential.issued_at.desc(), Credential.id)
            .offset(offset)
            .limit(limit + 1)
        )
    )
    items = rows[:limit]
    return _Page(
        items=items,
        next=Cursor.of(items[-1]) if len(rows) > limit else None,
        previous=Cursor.of(items[0]) if items and (after is not None or offset > 0) else None,
    )


def standing_clause(standing: Standing, *, now: datetime) -> ColumnElement[bool]:
    """The SQL condition of `standing` at `now`, with `app.web.standing.standing_of`'s
    precedence (a withdrawal before the dates, expiry before a future start)."""
    status, valid_from, valid_until = (
        Credential.status,
        Credential.valid_from,
        Credential.valid_until,
    )
    if standing is Standing.revoked:
        return status == CredentialStatus.revoked
    if standing is Standing.suspended:
        return status == CredentialStatus.suspended
    in_force = status == CredentialStatus.active
    expired = and_(valid_until.is_not(None), valid_until < now)
    if standing is Standing.expired:
        return and_(in_force, expired)
    not_ended = or_(valid_until.is_(None), valid_until >= now)
    if standing is Standing.not_yet_valid:
        return and_(in_force, not_ended, valid_from > now)
    if standing is Standing.active:
        return and_(in_force, not_ended, valid_from <= now)
    raise ValueError(f"a stored credential is never {standing.value}")


def issuing_countries(session: Session, *, credential_ids: Iterable[str]) -> dict[str, str | None]:
    """The issuing provider's country of each credential among `credential_ids` that exists."""
    return {
        credential_id: country
        for credential_id, country in session.execute(
            select(Credential.id, TrainingProvider.country)
            .join(TrainingProvider, Credential.provider_id == TrainingProvider.id)
            .where(Credential.id.in_(list(credential_ids)))
        )
    }
