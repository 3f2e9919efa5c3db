"""Committed-change counters: how in-process caches learn that rows they copied have changed.

A `ChangeCounter` watches one mapped class. When the ORM unit of work inserts, updates or
deletes a row of it (optionally: only when one of some attributes changed), the session is
marked; when that session's transaction *commits*, the counter goes up. A cache remembers the
counter it read before querying and treats its copy as stale once the counter has moved.

Bumping after the commit, not at the flush, is what keeps a cache from storing a stale copy
for its whole lifetime: a read made while the change was still uncommitted returns the old
rows, and such a read always started before the bump, so its copy is discarded (this relies
on each statement seeing what was committed before it started: READ COMMITTED, PostgreSQL's
default, and SQLite outside explicit transactions).

Only this process is told: other workers (and the command line) change rows unseen, so every
cache also has a time bound. Core `insert()` / `update()` / `delete()` statements bypass the
ORM events and are not counted either; the time bound covers them as well.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, Session, object_session


class ChangeCounter:
    """Counts the committed transactions of this process that changed rows of `model`."""

    def __init__(self, model: type[Any], *, attributes: tuple[str, ...] = ()) -> None:
        self._attributes = attributes
        self._value = 0
        self._lock = threading.Lock()
        self._key = f"changed:{model.__name__}:{id(self)}"
        event.listen(model, "after_insert", self._note_change)
        event.listen(model, "after_update", self._note_update)
        event.listen(model, "after_delete", self._note_change)
        event.listen(Session, "after_commit", self._committed)
        event.listen(Session, "after_rollback", self._rolled_back)

    @property
    def value(self) -> int:
        """The number of committed changes so far (read it before querying)."""
        return self._value

    def _note_change(self, _mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
        session = object_session(target)
        if session is not None:
            session.info[self._key] = True

    def _note_update(self, mapper: Mapper[Any], connection: Connection, target: Any) -> None:
        state = inspect(target)
        if not self._attributes or any(
            state.attrs[name].history.has_changes() for name in self._attributes
        ):
            self._note_change(mapper, connection, target)

    def _committed(self, session: Session) -> None:
        if session.info.pop(self._key, False):
            with self._lock:
                self._value += 1

    def _rolled_back(self, session: Session) -> None:
        session.info.pop(self._key, None)
