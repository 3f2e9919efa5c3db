"""Console sessions ended before their time (signed out), so their cookies stop working."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class EndedSession(Base):
    """A console session id that was signed out; kept until the session would have expired."""

    __tablename__ = "ended_session"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    ended_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
