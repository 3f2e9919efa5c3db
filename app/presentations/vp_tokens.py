"""Checking a wallet's `vp_token` against the request it answers (OpenID4VP 1.0 §8.1, §8.6).

The `vp_token` is a JSON object keyed by Credential Query id, each value an array of
presentations (one here: no query sets `multiple`). For one of our queries:
- `dc+sd-jwt`: an SD-JWT VC with a Key Binding JWT whose `aud` is our client id, `nonce` the
  request's, `sd_hash` over the presentation and `iat` fresh (Appendix B.3.6);
- `ldp_vc`: a Verifiable Presentation with a Data Integrity holder proof whose `challenge`
  is the nonce and `domain` the client id (Appendix B.1.3.2);
- `jwt_vc_json`: a VC-JOSE `vp+jwt` by the holder, `nonce` and `aud` likewise.

A presentation that does not answer the request (wrong nonce or audience, a holder proof or
key binding that fails, the wrong credential, a claim disclosed that was not asked for, a
credential of another holder) is refused with `invalid_request` and nothing is kept. A
presentation that answers it is verified like any credential (issuer trust, signature,
validity, status): a revoked credential is an answer, shown as revoked.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from app.crypto.errors import JoseError
from app.crypto.jose import decode_compact_jws
from app.crypto.vcdm import ENVELOPED_VP_TYPE, VCDM_V2_CONTEXT, VP_JWT_DATA_URL
from app.presentations import dcql
from app.presentations.dcql import Format
from app.presentations.sd_jwt_presentations import check_sd_jwt_presentation
from app.verification.checks import CheckStatus
from app.verification.engine import VerificationEngine
from app.verification.errors import DocumentTooLarge, PresentationTooLarge, UnverifiableInput
from app.verification.forms import Form, PresentationInput, presentation_from_value
from app.verification.results import CredentialVerification
from app.wallet.errors import OAuthError

MAX_VP_TOKEN_CHARS: Final = 512 * 1024
"""A larger `vp_token` is refused before it is parsed (ours are a few kilobytes)."""
W3C_FORMS: Final = {Format.ldp_vc: Form.data_integrity, Format.jwt_vc_json: Form.vc_jwt}


@dataclass(frozen=True, slots=True)
class Expected:
    """What a response must be bound to: the request's nonce, one of our client ids (the
    `redirect_uri:` one of a request by value or unsigned, the `decentralized_identifier:` one
    of a signed request), its query."""

    nonce: str
    client_ids: tuple[str, ...]
    dcql_query: Mapping[str, Any]
    now: float

    def audience(self, named: Any) -> str:
        """The client id a presentation must be bound to: the one it names when that is one
        of ours, else our first (and its binding then fails as "another audience")."""
        return named if isinstance(named, str) and named in self.client_ids else self.client_ids[0]


@dataclass(frozen=True, slots=True)
class PresentedCredential:
    """One presentation that answers the request, and its credential's verification."""

    query_id: str
    form: Format
    verification: CredentialVerification
    document: dict[str, Any]
    """What the presentation shows: the disclosed SD-JWT claims, or the W3C credential."""
    holder_binding: str
    """How the presentation proved it comes from the holder (a sentence for the result)."""


def refused(description: str) -> OAuthError:
    """The response endpoint's error for a response that does not answer the request."""
    return OAuthError("invalid_request", description)


def parse_vp_token(text: str | None, *, query: Mapping[str, Any]) -> tuple[str, Any]:
    """The one (Credential Query id, presentation) the `vp_token` carries."""
    if not text:
        raise refused("vp_token is required.")
    if len(text) > MAX_VP_TOKEN_CHARS:
        raise refused(f"vp_token may be at most {MAX_VP_TOKEN_CHARS} characters.")
    try:
        token = json.loads(text)
    except (ValueError, RecursionError):
        raise refused("vp_token is a JSON object keyed by Credential Query id.") from None
    if not isinstance(token, dict) or not token:
        raise refused("vp_token is a JSON object keyed by Credential Query id.")
    queries = dcql.credential_queries(query)
    unknown = sorted(set(token) - set(queries))
    if unknown:
        raise refused(f"vp_token answers no such Credential Query: {', '.join(unknown)}.")
    if len(token) != 1:
        raise refused("Answer exactly one of the Credential Queries (they are alternatives).")
    [(query_id, presentations)] = token.items()
    if not isinstance(presentations, list) or len(presentations) != 1:
        raise refused(f"vp_token.{query_id} is an array of one presentation.")
    return query_id, presentations[0]


def check_presentation(
    engine: VerificationEngine, *, query_id: str, presentation: Any, expected: Expected
) -> PresentedCredential:
    """Verify one presentation answering the Credential Query `query_id` (see the module)."""
    credential_query = dcql.credential_queries(expected.dcql_query)[query_id]
    form = Format(credential_query["format"])
    if form is Format.sd_jwt:
        if not isinstance(presentation, str):
            raise refused("A dc+sd-jwt presentation is an SD-JWT string.")
        checked = check_sd_jwt_presentation(
            engine,
            presentation,
            audience=expected.audience(_claimed_audience(presentation)),
            nonce=expected.nonce,
            now=expected.now,
        )
        if checked.refusal is not None or checked.verification is None:
            raise refused(checked.refusal or "The SD-JWT VC cannot be read.")
        extra = dcql.unrequested_disclosures(credential_query, checked.disclosed_names)
        if extra:
            raise refused(f"Claims were disclosed that were not asked for: {', '.join(extra)}.")
        vct = checked.document.get("vct")
        if vct not in credential_query.get("meta", {}).get("vct_values", []):
            raise refused("The credential is not of a type the request asked for (vct).")
        return PresentedCredential(
            query_id=query_id,
            form=form,
            verification=checked.verification,
            document=checked.document,
            holder_binding="key-binding-jwt",
        )
    return _check_w3c(engine, credential_query, query_id, form, presentation, expected)


def _check_w3c(
    engine: VerificationEngine,
    credential_query: Mapping[str, Any],
    query_id: str,
    form: Format,
    presentation: Any,
    expected: Expected,
) -> PresentedCredential:
    if form is Format.jwt_vc_json:
        if not isinstance(presentation, str):
            raise refused("A jwt_vc_json presentation is a vp+jwt string.")
        presentation = {
            "@context": [VCDM_V2_CONTEXT],
            "type": ENVELOPED_VP_TYPE,
            "id": VP_JWT_DATA_URL + presentation,
        }
    elif not isinstance(presentation, dict):
        raise refused("An ldp_vc presentation is a Verifiable Presentation object.")
    try:
        parsed = presentation_from_value(presentation)
    except (UnverifiableInput, PresentationTooLarge, DocumentTooLarge) as error:
        raise refused(f"The presentation cannot be read: {error.detail or error.title}") from None
    if len(parsed.credentials) != 1 or parsed.credentials[0].form is not W3C_FORMS[form]:
        raise refused(f"A {form.value} presentation holds one {form.value} credential.")
    named = parsed.jws.payload.get("aud") if parsed.jws is not None else _proof_domain(parsed)
    verified = engine.verify_presentation(
        parsed, challenge=expected.nonce, domain=expected.audience(named)
    )
    if verified.proof.status is not CheckStatus.passed:
        raise refused(f"The holder's proof does not answer this request: {verified.proof.detail}")
    [result] = verified.credentials
    document = result.document if result.document is not None else parsed.credentials[0].claimed
    if not dcql.meets_values(credential_query, document):
        raise refused("The credential is not of the standard or sector the request asked for.")
    subject = document.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    if (
        isinstance(subject_id, str)
        and subject_id.startswith("did:")
        and (subject_id != verified.holder)
    ):
        raise refused("The credential was issued to another holder than the one presenting it.")
    return PresentedCredential(
        query_id=query_id,
        form=form,
        verification=result,
        document=document,
        holder_binding="holder-proof",
    )


def _claimed_audience(presentation: str) -> Any:
    """The `aud` an SD-JWT presentation's Key Binding JWT names (not verified: it only picks
    which of our client ids the binding is then checked against)."""
    *_, kb_text = presentation.strip().rsplit("~", 1)
    try:
        return decode_compact_jws(kb_text).payload.get("aud") if kb_text else None
    except JoseError:
        return None


def _proof_domain(presentation: PresentationInput) -> Any:
    """The `domain` a Data Integrity holder proof names (not verified, as above)."""
    proof = presentation.document.get("proof")
    return proof.get("domain") if isinstance(proof, dict) else None
