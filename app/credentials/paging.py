"""Keyset pagination of the newest-first credential list, and its bounded total.

A page is found from the edge of the page before it, not by skipping rows (`OFFSET n`
reads and drops `n` rows, so a deep page grows with the table), and the total stops
counting at `COUNT_CAP`: a common holder name or a whole standard matches more rows as the
table grows, and "more than 1,000" serves a person reading a list as well as the exact count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, TypedDict

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, func, or_, select
from sqlalchemy.orm import Session

from app.credentials.errors import InvalidCursor
from app.credentials.models import Credential

COUNT_CAP: Final = 1000
"""Matches counted at most; past it the total reads "more than 1,000"."""

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_TOKEN: Final = re.compile(
    r"(\d{1,17})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
)


@dataclass(frozen=True, slots=True)
class Cursor:
    """A place in the newest-first order: the `(issued_at, id)` of a credential at a page's
    edge. Its token (microseconds since 1970, a dot, the id) is what links and clients carry."""

    issued_at: datetime
    id: str

    @classmethod
    def of(cls, credential: Credential) -> Cursor:
        return cls(issued_at=credential.issued_at, id=credential.id)

    @classmethod
    def parse(cls, token: str | None) -> Cursor | None:
        """The cursor a token names; None for an absent or malformed one."""
        found = _TOKEN.fullmatch((token or "").strip().lower())
        if found is None:
            return None
        try:
            issued_at = _EPOCH + timedelta(microseconds=int(found[1]))
        except OverflowError:
            return None
        return cls(issued_at=issued_at, id=found[2])

    @property
    def token(self) -> str:
        return f"{(self.issued_at - _EPOCH) // timedelta(microseconds=1)}.{self.id}"


def after(
    cursor: Cursor, issued_at: SQLColumnExpression[datetime], id_: SQLColumnExpression[str]
) -> ColumnElement[bool]:
    """Rows after `cursor` in the newest-first order of (`issued_at`, `id_`): older, or as
    old with a greater id. Written with `<=` first so an index on `issued_at` bounds the scan
    on both engines."""
    return and_(issued_at <= cursor.issued_at, or_(issued_at < cursor.issued_at, id_ > cursor.id))


def before(
    cursor: Cursor, issued_at: SQLColumnExpression[datetime], id_: SQLColumnExpression[str]
) -> ColumnElement[bool]:
    """Rows before `cursor` in the newest-first order of (`issued_at`, `id_`)."""
    return and_(issued_at >= cursor.issued_at, or_(issued_at > cursor.issued_at, id_ < cursor.id))


def bounded_count(session: Session, query: Select[Credential], *, cap: int) -> int:
    """How many rows `query` matches, counting no further than `cap + 1` (so a result over
    `cap` means "more than `cap`")."""
    limited = query.with_only_columns(Credential.id).limit(cap + 1).subquery()
    return session.scalar(select(func.count()).select_from(limited)) or 0


class Window(TypedDict):
    """Which page `list_credentials` reads: from a cursor, else by skipping whole pages."""

    after: Cursor | None
    before: Cursor | None
    offset: int
    limit: int


def window(
    *, page: int, per_page: int, after: str | None, before: str | None, strict: bool = False
) -> Window:
    """The page a search link asks for: next to its cursor (`after`, else `before`) when it
    has a valid one, else page `page` by number (links made before cursors, typed URLs).
    A malformed cursor is ignored on pages (a mangled link still shows a list) and, when
    `strict` (the API), refused with `InvalidCursor`."""
    following, preceding = Cursor.parse(after), Cursor.parse(before)
    if strict and ((after and following is None) or (before and preceding is None)):
        raise InvalidCursor("Pass the `next_cursor` of a page as it was given.")
    if following is not None or preceding is not None:
        return Window(
            after=following,
            before=None if following is not None else preceding,
            offset=0,
            limit=per_page,
        )
    return Window(after=None, before=None, offset=(page - 1) * per_page, limit=per_page)


def page_count(*, total: int, more: bool, per_page: int) -> int | None:
    """How many pages the matches fill; None when they were not all counted."""
    return None if more else max(1, -(-total // per_page))
