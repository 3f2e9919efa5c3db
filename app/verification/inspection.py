"""Verifying one of this service's credentials for its own pages, without counting it.

The worker's page and the printable certificates show the credential's current standing,
checked by the same engine as every verification. They are not an employer verifying a
credential, so no `VerificationEvent` is recorded (the mobility figures count employers).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.verification.forms import credential_from_token
from app.verification.named_standards import standard_of
from app.verification.service import CredentialReport, VerifierSetup, build_engine
from app.verification.stored import StoredCredential
from app.verification.summary import summarize


def inspect_credential(
    session: Session, *, credential: StoredCredential, setup: VerifierSetup, now: datetime
) -> CredentialReport:
    """Every check of a stored credential (its vc+jwt) and its summary; no recognition."""
    engine = build_engine(session, setup=setup, now=now)
    result = engine.verify(credential_from_token(credential.jwt))
    standard = standard_of(session, result)
    return CredentialReport(result=result, summary=summarize(result, standard=standard))
