"""What the worker's pages show: the credential behind a claim link, before it is claimed,
and the personal page: their credential, its standing, and its links.

The links are the downloads (Data Integrity JSON and vc+jwt), the printable certificate,
the public share link (the verification page: what employers open) and LinkedIn's
"add to profile" deep link with the certification filled in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final
from urllib.parse import quote, urlencode

from sqlalchemy.orm import Session

from app.claims.service import ClaimableCredential
from app.credentials.models import Credential
from app.fields import Language
from app.links import verify_url
from app.verification.inspection import inspect_credential
from app.verification.service import VerifierSetup
from app.verification.views import ResultView, result_view

LINKEDIN_ADD_TO_PROFILE: Final = "https://www.linkedin.com/profile/add"
"""LinkedIn's Add to Profile deep link (https://addtoprofile.linkedin.com/): it opens the
member's "add licence or certification" form pre-filled; nothing is sent to LinkedIn
until the member saves it there."""
DEFAULT_ORGANIZATION: Final = "North American Standards Skills Council (NASSC)"


@dataclass(frozen=True, slots=True)
class ClaimView:
    """The claim page: whose credential this is, until when it can be claimed, and where
    the claim button posts."""

    result: ResultView
    claim_expires_at: datetime
    claim_url: str
    attempt: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    """Names this page's claim, so that posting it twice leads to the same personal page."""


@dataclass(frozen=True, slots=True)
class PersonalView:
    """The worker's page: the verification result and every link they may need."""

    result: ResultView
    credential_id: str
    share_url: str
    linkedin_url: str | None
    """LinkedIn's add-to-profile link, offered only for a credential in good standing."""
    json_url: str
    jwt_url: str
    ob3_jwt_url: str
    certificate_url: str
    regenerate_url: str
    wallet_url: str
    page_url: str


def linkedin_add_url(
    *,
    name: str,
    organization: str,
    issued_at: datetime | None,
    expires_at: datetime | None,
    cert_url: str,
    cert_id: str,
) -> str:
    """LinkedIn's "add certification to profile" link with every field filled in.

    Parameters as LinkedIn's Add to Profile generator writes them: `startTask`, `name`,
    `organizationName`, `issueYear`, `issueMonth`, `expirationYear`, `expirationMonth`,
    `certUrl`, `certId`. Dates the credential does not have are left out.
    """
    params: list[tuple[str, str]] = [
        ("startTask", "CERTIFICATION_NAME"),
        ("name", name),
        ("organizationName", organization),
    ]
    if issued_at is not None:
        params += [("issueYear", str(issued_at.year)), ("issueMonth", str(issued_at.month))]
    if expires_at is not None:
        params += [
            ("expirationYear", str(expires_at.year)),
            ("expirationMonth", str(expires_at.month)),
        ]
    params += [("certUrl", cert_url), ("certId", cert_id)]
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(params, quote_via=quote)}"


def claim_view(
    session: Session,
    *,
    claimable: ClaimableCredential,
    claim_token: str,
    setup: VerifierSetup,
    language: Language,
    now: datetime,
    root_path: str = "",
    query: str = "",
) -> ClaimView:
    """The claim page of a credential, reached with `claim_token` (which it does not spend).

    `query` (such as `?lang=fr`) is kept on the form's action, so the personal page the
    claim leads to is in the same language.
    """
    report = inspect_credential(session, credential=claimable.credential, setup=setup, now=now)
    return ClaimView(
        result=result_view(session, report, language=language, root_path=root_path),
        claim_expires_at=claimable.expires_at,
        claim_url=f"{root_path}/claim/{quote(claim_token, safe='')}{query}",
    )


def personal_view(
    session: Session,
    *,
    credential: Credential,
    holder_token: str,
    setup: VerifierSetup,
    language: Language,
    now: datetime,
    root_path: str = "",
    query: str = "",
) -> PersonalView:
    """The personal page of `credential`, reached with `holder_token`, checked now.

    `query` (such as `?lang=fr`) is kept on the links between the worker's pages.
    """
    report = inspect_credential(session, credential=credential, setup=setup, now=now)
    result = result_view(session, report, language=language, root_path=root_path)
    share_url = verify_url(setup.settings.public_base_url, credential.id)
    summary = result.credential
    base = f"{root_path}/my/{quote(holder_token, safe='')}"
    return PersonalView(
        result=result,
        credential_id=credential.id,
        share_url=share_url,
        linkedin_url=linkedin_add_url(
            name=(summary.title if summary and summary.title else credential.standard.code),
            organization=(
                report.summary.issuer.name
                if report.summary and report.summary.issuer.name
                else DEFAULT_ORGANIZATION
            ),
            issued_at=summary.awarded_at if summary else credential.issued_at,
            expires_at=summary.valid_until if summary else credential.valid_until,
            cert_url=share_url,
            cert_id=credential.id,
        )
        if result.in_good_standing
        else None,
        json_url=f"{base}/credential.json",
        jwt_url=f"{base}/credential.jwt",
        ob3_jwt_url=f"{base}/credential-ob3.jwt",
        certificate_url=f"{base}/certificate{query}",
        regenerate_url=f"{base}/regenerate{query}",
        wallet_url=f"{base}/wallet{query}",
        page_url=f"{base}{query}",
    )
