"""What the W3C VC API verifier refuses before any proof is checked: a credential or
presentation that breaks a structural rule of the data model (`app.data_model`, the rules the
VC API issuer applies), whoever signed it.

A signature shows who wrote a document, not that it is a verifiable credential: without
these rules the VC API would answer `verified: true` for a signed credential with no
`credentialSubject`, or a presentation whose first `@context` is not the base context.
The answer is 400 `nonconforming-input`, its `rule` the broken rule's problem type (as the
issuer names it) and `errors` the same problem, like any other unusable input.

Checked: credentials secured with Data Integrity or as a vc+jwt (its payload is the
credential), on their own or held in a presentation (a VC 1.1 one must also have its
`issuanceDate`), and every presentation's own structure. Not checked here: SD-JWT VCs
(not the VC data model) and the `vc` claim of the VC Data Model 1.1 JWT encoding, whose
issuer, id and dates are JWT claims (`app.verification.vc_jwt_v1` checks them). Our
employer API and pages do not use this: a credential that breaks these rules is already
`nonconformant` there (Open Badges 3.0 requires more).
"""

from __future__ import annotations

from typing import Final

from app.crypto.vcdm import VCDM_V1_CONTEXT
from app.data_model import (
    InvalidCredential,
    InvalidValidityPeriod,
    as_list,
    check_credential,
    check_presentation,
)
from app.errors import BadRequest, problem_type
from app.verification.forms import CredentialInput, Form, PresentationInput

_CHECKED_FORMS: Final = frozenset({Form.data_integrity, Form.vc_jwt})


class NonconformingInput(BadRequest):
    slug = "nonconforming-input"
    title = "The input breaks a rule of the Verifiable Credentials data model"


def _refused(error: InvalidCredential, where: str) -> NonconformingInput:
    return NonconformingInput(f"{where}{error.detail}", rule=problem_type(error.slug))


def require_conforming_credential(item: CredentialInput, *, where: str = "") -> None:
    """Refuse (400) a credential that breaks the data model; `where` prefixes the detail."""
    if item.form not in _CHECKED_FORMS:
        return
    try:
        check_credential(item.claimed, issuer_did=None)
        _require_issuance_date(item.claimed)
    except InvalidCredential as error:
        raise _refused(error, where) from None


def _require_issuance_date(credential: dict[str, object]) -> None:
    """VC Data Model 1.1 §4.6: a 1.1 credential has an `issuanceDate` (the issuer adds it to
    input that lacks one before signing; a signed one without it is malformed)."""
    first = as_list(credential.get("@context"))[0]
    if first == VCDM_V1_CONTEXT and "issuanceDate" not in credential:
        raise InvalidValidityPeriod("A VC Data Model 1.1 credential needs an issuanceDate.")


def require_conforming_presentation(presentation: PresentationInput) -> None:
    """Refuse (400) a presentation that breaks the data model, or holds such a credential."""
    try:
        check_presentation(presentation.document)
    except InvalidCredential as error:
        raise _refused(error, "") from None
    for index, item in enumerate(presentation.credentials):
        require_conforming_credential(item, where=f"verifiableCredential[{index}]: ")
