"""The worker's side of a credential: the single-use claim link, then a personal link.

Issuance gives the worker a claim secret (`/claim/{token}`, valid 30 days). Looking at it
(`claimable`) spends nothing, because mail scanners and browsers open links before the
worker does; claiming it (`claim`) marks the credential claimed and hands out a personal
link secret (`/my/{token}`) that keeps working and can be replaced at any time. Only
SHA-256 hashes of either secret are stored (`hash_token`).

A spent claim secret must answer "already used" (410) rather than "unknown" (404), so the
worker is told to use their personal link. Its live hash is therefore replaced by the hash
of a derived value (`spent_hash`): the secret no longer claims anything, yet a second
attempt can still be recognised, with no extra column. Both changes are compare-and-set
updates, so two simultaneous claims (or regenerations) cannot both succeed.

A claim may name its attempt (the claim page's form carries a fresh one; API clients send
`Idempotency-Key`). The personal link secret is then derived from the claim secret, the
attempt and a server key (`holder_token_for`), so the same attempt sent again shortly after
(`RESUBMIT_WINDOW`: a double click, a retry after a lost answer) can be given the same
personal link, recomputed and checked against the stored hash, instead of "already used".
Nothing else opens the link: a different attempt, a later one, or any attempt after the
link was replaced is refused as before.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.credentials.issuance import hash_token
from app.credentials.models import Credential
from app.errors import AppError, NotFound

SPENT_PREFIX: Final = "spent-claim:"
RESUBMIT_WINDOW: Final = timedelta(minutes=10)
"""How long after a claim the same attempt gets its personal link again."""
_HOLDER_LINK_LABEL: Final = b"nassc holder link\x00"


class ClaimNotFound(NotFound):
    slug = "claim-not-found"
    title = "No such claim link"


class ClaimGone(AppError):
    slug = "claim-gone"
    title = "This claim link no longer works"
    status = 410


class ClaimUsed(ClaimGone):
    slug = "claim-used"
    title = "This claim link has already been used"


class ClaimExpired(ClaimGone):
    slug = "claim-expired"
    title = "This claim link has expired"


class HolderLinkNotFound(NotFound):
    slug = "holder-link-not-found"
    title = "No such personal link"


@dataclass(frozen=True, slots=True)
class HolderLink:
    """A credential and the personal link secret just issued for it (shown once)."""

    credential: Credential
    holder_token: str


@dataclass(frozen=True, slots=True)
class ClaimableCredential:
    """A credential whose claim link works now, and until when it will."""

    credential: Credential
    expires_at: datetime


def spent_hash(token: str) -> str:
    """What replaces a claim secret's hash once it is used: recognisable, never claimable."""
    return hash_token(SPENT_PREFIX + token)


def new_holder_token() -> tuple[str, str]:
    """A personal link secret and the hash that is stored instead of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def holder_token_for(claim_token: str, attempt: str, *, key: bytes) -> str:
    """The personal link secret of claiming `claim_token` in `attempt`: HMAC-SHA256 under the
    server's `key`, as long as `secrets.token_urlsafe(32)` and as unguessable without all
    three."""
    message = _HOLDER_LINK_LABEL + claim_token.encode() + b"\x00" + attempt.encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def claimable(session: Session, *, token: str, now: datetime) -> ClaimableCredential:
    """The credential a claim secret would claim now, without spending the secret.

    Raises `ClaimUsed` (410) for a spent secret, `ClaimExpired` (410) for an expired one
    and `ClaimNotFound` (404) for one that was never issued (or was replaced by a renewal).
    """
    credential = session.scalar(
        select(Credential).where(Credential.claim_token_hash == hash_token(token))
    )
    if credential is None:
        spent = session.scalar(
            select(Credential.id).where(Credential.claim_token_hash == spent_hash(token))
        )
        raise ClaimUsed() if spent is not None else ClaimNotFound()
    if credential.claimed_at is not None:
        raise ClaimUsed()
    expires_at = credential.claim_expires_at
    if expires_at is None or expires_at <= now:
        raise ClaimExpired()
    return ClaimableCredential(credential=credential, expires_at=expires_at)


def claim(
    session: Session, *, token: str, now: datetime, key: bytes, attempt: str | None = None
) -> HolderLink:
    """Spend a claim secret: mark the credential claimed and issue its personal link.

    Raises what `claimable` raises; of two simultaneous claims, one gets `ClaimUsed`, unless
    both are the same `attempt`: then both get the same link (see the module's notes).
    """
    try:
        credential = claimable(session, token=token, now=now).credential
    except ClaimUsed:
        return _resubmitted(session, token=token, now=now, key=key, attempt=attempt)
    holder_token = holder_token_for(token, attempt or secrets.token_urlsafe(16), key=key)
    result = session.execute(
        update(Credential)
        .where(Credential.id == credential.id, Credential.claim_token_hash == hash_token(token))
        .values(
            claim_token_hash=spent_hash(token),
            claimed_at=now,
            holder_link_hash=hash_token(holder_token),
        )
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return _resubmitted(session, token=token, now=now, key=key, attempt=attempt)
    session.refresh(credential)
    return HolderLink(credential=credential, holder_token=holder_token)


def _resubmitted(
    session: Session, *, token: str, now: datetime, key: bytes, attempt: str | None
) -> HolderLink:
    """The link of a claim already made in this `attempt` within the window; else `ClaimUsed`."""
    if attempt is not None:
        holder_token = holder_token_for(token, attempt, key=key)
        credential = session.scalar(
            select(Credential).where(
                Credential.claim_token_hash == spent_hash(token),
                Credential.holder_link_hash == hash_token(holder_token),
                Credential.claimed_at >= now - RESUBMIT_WINDOW,
            )
        )
        if credential is not None:
            return HolderLink(credential=credential, holder_token=holder_token)
    raise ClaimUsed()


def holder_credential(session: Session, *, holder_token: str) -> Credential:
    """The credential a personal link secret opens (`HolderLinkNotFound` if none)."""
    credential = session.scalar(
        select(Credential).where(Credential.holder_link_hash == hash_token(holder_token))
    )
    if credential is None:
        raise HolderLinkNotFound()
    return credential


def regenerate_holder_link(session: Session, *, holder_token: str) -> HolderLink:
    """Replace a personal link: the new secret works at once and the old one stops."""
    current = hash_token(holder_token)
    credential = holder_credential(session, holder_token=holder_token)
    new_token, new_hash = new_holder_token()
    result = session.execute(
        update(Credential)
        .where(Credential.id == credential.id, Credential.holder_link_hash == current)
        .values(holder_link_hash=new_hash)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise HolderLinkNotFound()
    session.refresh(credential)
    return HolderLink(credential=credential, holder_token=new_token)
