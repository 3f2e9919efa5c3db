"""The printable certificate of a credential issued here, with a QR code to its verify page.

The certificate shows what the credential carries (the holder's name, the standard, its
dates) and the credential's standing today: a revoked, suspended or expired credential
prints as a notice, not as a certificate. Shared by the public print view
(`/verify/{id}/certificate`) and the worker's own (`/my/{token}/certificate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.fields import Language
from app.issuer.identity import ISSUER_NAMES
from app.links import verify_url
from app.verification.inspection import inspect_credential
from app.verification.qr import qr_data_uri
from app.verification.service import VerifierSetup
from app.verification.stored import StoredCredential
from app.verification.views import ResultView, result_view


@dataclass(frozen=True, slots=True)
class CertificateView:
    """A certificate ready to lay out: the result, the QR code and where it points."""

    result: ResultView
    credential_id: str
    verify_url: str
    qr: str
    issuer_name: str
    result_url: str


def certificate_view(
    session: Session,
    *,
    credential: StoredCredential,
    setup: VerifierSetup,
    language: Language,
    now: datetime,
    result_url: str,
) -> CertificateView:
    """The certificate of `credential`, checked now; `result_url` is the page it links back to."""
    report = inspect_credential(session, credential=credential, setup=setup, now=now)
    url = verify_url(setup.settings.public_base_url, credential.id)
    return CertificateView(
        result=result_view(session, report, language=language),
        credential_id=credential.id,
        verify_url=url,
        qr=qr_data_uri(url),
        issuer_name=ISSUER_NAMES[language],
        result_url=result_url,
    )
