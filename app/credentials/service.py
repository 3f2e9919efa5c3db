"""Reading issued credentials: one by id, listings for staff and providers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, func, or_, select
from sqlalchemy.orm import Session, defer, joinedload

from app.auth.roles import Principal, Role
from app.credentials import paging
from app.credentials.errors import CredentialNotFound
from app.credentials.models import Credential, CredentialStatus
from app.credentials.paging import Cursor
from app.db import fold_text, folded
from app.providers.models import TrainingProvider
from app.standards.models import Standard
from app.web.standing import Standing

S = TypeVar("S", bound=Select[Any])

LISTING = (joinedload(Credential.standard), defer(Credential.document), defer(Credential.jwt))
"""How a listing loads credentials: with their standard, without the document and the
vc+jwt, which it never shows (left unread, their TOAST pages, kilobytes a row scattered
through a table far larger than the cache, are not fetched)."""


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
    page = _page(
        session,
        query,
        after=after,
        before=before,
        offset=offset,
        limit=limit,
        by_name=holder is not None,
        cap=count_cap,
    )
    counted = page.counted
    if counted is None:
        counted = paging.bounded_count(session, query, cap=count_cap)
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
    counted: int | None
    """The matches counted up to `cap + 1` with the page (a holder search), else None."""


def _page(
    session: Session,
    query: Select[Credential],
    *,
    after: Cursor | None,
    before: Cursor | None,
    offset: int,
    limit: int,
    by_name: bool,
    cap: int,
) -> _Page:
    """One page of `query` newest first, read one row past its edge to know if more follow."""
    if before is not None:
        # Read backwards from the cursor, then turn the rows round.
        rows, counted = _rows(
            session, query, edge=before, backwards=True, limit=limit, by_name=by_name, cap=cap
        )
        items = rows[:limit][::-1]
        return _Page(
            items=items,
            next=Cursor.of(items[-1]) if items else None,
            previous=Cursor.of(items[0]) if len(rows) > limit else None,
            counted=counted,
        )
    rows, counted = _rows(
        session,
        query,
        edge=after,
        offset=0 if after else offset,
        limit=limit,
        by_name=by_name,
        cap=cap,
    )
    items = rows[:limit]
    return _Page(
        items=items,
        next=Cursor.of(items[-1]) if len(rows) > limit else None,
        previous=Cursor.of(items[0]) if items and (after is not None or offset > 0) else None,
        counted=counted,
    )


def _rows(
    session: Session,
    query: Select[Credential],
    *,
    edge: Cursor | None,
    limit: int,
    by_name: bool,
    cap: int,
    backwards: bool = False,
    offset: int = 0,
) -> tuple[list[Credential], int | None]:
    """`limit + 1` rows of `query` past `edge` in the newest-first order (or, `backwards`,
    before it in the reverse order), and for a holder search the matches counted up to
    `cap + 1` by the same statement (None otherwise, or when no row came back).

    `by_name`: the matches of a holder-name search are found first (PostgreSQL: through the
    trigram index, `MATERIALIZED`) and then ordered. Left to itself the planner walks
    `issued_at` newest first and tests every name until it has a page, expecting many
    matches: at a million rows a name with a thousand of them took 260 ms instead of 20.
    The count reads the same matches, so it is made from them in the same statement."""
    window = partial(_window, edge=edge, backwards=backwards, offset=offset, limit=limit)
    if by_name:
        found = (
            query.with_only_columns(Credential.id, Credential.issued_at)
            .cte("found")
            .prefix_with("MATERIALIZED", dialect="postgresql")
        )
        ids = window(select(found.c.id), found.c.issued_at, found.c.id)
        counted = (
            select(func.count())
            .select_from(select(found.c.id).limit(cap + 1).subquery())
            .scalar_subquery()
        )
        statement = _window(
            select(Credential, counted).where(Credential.id.in_(ids.scalar_subquery())),
            Credential.issued_at,
            Credential.id,
            edge=None,
            backwards=backwards,
            offset=0,
            limit=limit,
        )
        found_rows = session.execute(statement.options(*LISTING)).all()
        return [row[0] for row in found_rows], (found_rows[0][1] if found_rows else None)
    query = window(query, Credential.issued_at, Credential.id)
    return list(session.scalars(query.options(*LISTING))), None


def _window(
    query: S,
    issued_at: SQLColumnExpression[datetime],
    id_: SQLColumnExpression[str],
    *,
    edge: Cursor | None,
    backwards: bool,
    offset: int,
    limit: int,
) -> S:
    """`query` past `edge`, ordered newest first by (`issued_at`, `id_`) (or the reverse),
    `limit + 1` rows after `offset`."""
    if edge is not None:
        side = paging.before if backwards else paging.after
        query = query.where(side(edge, issued_at, id_))
    order = (issued_at.asc(), id_.desc()) if backwards else (issued_at.desc(), id_.asc())
    return query.order_by(*order).offset(offset).limit(limit + 1)


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
