"""The verification engine: one credential (or presentation) in, every check reported apart.

Pure apart from what is injected: the trust registry (`TrustRegistry`), where status lists
come from (`StatusListSource`), the pinned JSON-LD contexts, where Data Integrity proofs are
checked (`Proofs`: this thread, or worker processes), the clock (`now`) and, for the W3C VC
API only, a `resolver` of issuers outside the registry (did:key offline, did:web through
`app.verification.did_web`). It reads no database, settings or network itself, so the same
engine runs for the JSON API, the VC API endpoints and the public verification page.

Order of work for a credential (`VerificationEngine.verify`):
1. `issuer` — the claimed issuer's DID must be in the trust registry. If not, and no
   `resolver` knows its keys (our API and pages have none), the proof is not even attempted
   and every content check is `unknown`. With resolved keys the issuer check still fails
   (the VC API reports it as a warning), and the proof and content are checked.
2. `proof` — Data Integrity `eddsa-rdfc-2022` (one proof, a proof set or a `previousProof`
   chain: `app.verification.proof_sets`) or a vc+jwt JWS, with a key of *that* issuer
   authorized for `assertionMethod`. The signature is checked once; the verified document
   it returns is what every later check reads.
3. `schema` — VCDM 2.0 / Open Badges 3.0 required properties (also on unverified input).
4. `validity`, `revocation`, `suspension` — only on a verified document.

An SD-JWT VC gets the same six checks by its own rules (`app.verification.sd_jwt_vc`), with
`vct` type metadata from an injected `TypeMetadataSource`.

The outcome and `verified` follow `app.verification.checks` (`verified` only when all six
checks passed; an unknown status keeps it false).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.crypto.contexts import PinnedContexts
from app.crypto.data_integrity import (
    CRYPTOSUITE,
    PARSING_ERROR,
    PROOF_TYPE,
)
from app.crypto.did import did_of
from app.crypto.errors import CryptoError, InvalidMultikeyError, JoseError, UnknownContextError
from app.crypto.jose import decode_vc_jwt_header, issuer_id, verify_vc_jwt
from app.crypto.jws import PublicKey
from app.crypto.multikey import DID_KEY_PREFIX, public_key_from_did_key
from app.crypto.sd_jwt import KeyBindingExpectation
from app.verification.checks import (
    Check,
    CheckName,
    CheckStatus,
    Code,
    Outcome,
    most_severe,
    outcome_of_proof,
)
from app.verification.conformance import check_schema
from app.verification.disclosures import NoTypeMetadata, TypeMetadataSource
from app.verification.forms import CredentialInput, Form, PresentationInput
from app.verification.holder_jws import check_holder_jws, holder_of
from app.verification.proof_checks import issuer_key, proof_failed, proof_passed
from app.verification.proof_sets import ProofInput, check_proofs
from app.verification.proofs import Proofs
from app.verification.results import (
    CredentialVerification,
    PresentationVerification,
    credential_result,
    unverified_result,
)
from app.verification.sd_jwt_vc import asked_key_binding, verify_sd_jwt_vc
from app.verification.status_check import StatusListSource, check_status
from app.verification.trust import KeyResolver, TrustedKeys, TrustRegistry, resolve_did_key
from app.verification.validity import check_validity
from app.verification.vc_jwt_v1 import MEDIA_TYPE as JWT_MEDIA_TYPE
from app.verification.vc_jwt_v1 import check_credential_jwt, check_presentation_jwt

AUTHENTICATION: Final = "authentication"
_JOSE_FORBIDDEN_CLAIMS: Final = ("vc", "vp")


class VerificationEngine:
    """Verifies credentials and presentations against injected trust, status and time."""

    def __init__(
        self,
        *,
        registry: TrustRegistry,
        status_lists: StatusListSource,
        contexts: PinnedContexts,
        now: datetime,
        proofs: Proofs | None = None,
        resolver: KeyResolver | None = None,
        types: TypeMetadataSource | None = None,
    ) -> None:
        self._registry = registry
        self._types = types or NoTypeMetadata()
        self._resolver = resolver
        self._status_lists = status_lists
        self._contexts = contexts
        self._proofs = proofs or Proofs(contexts)
        self._pinned = contexts.urls
        self._now = now

    # --- credentials ---------------------------------------------------------------------------

    def verify(
        self, item: CredentialInput, *, challenge: str | None = None, domain: str | None = None
    ) -> CredentialVerification:
        """Every check of one credential, and its outcome (its proofs must carry `challenge`
        and `domain` when they are given)."""
        if item.form is Form.sd_jwt_vc:
            asked = asked_key_binding(item.token, challenge=challenge, domain=domain, now=self._now)
            return self.verify_sd_jwt_vc(item, key_binding=asked)
        claimed_issuer = issuer_id(item.claimed)
        schema = check_schema(item.claimed, pinned=self._pinned)
        if claimed_issuer is None:
            issuer_check = Check.failed(
                CheckName.issuer, Code.missing_issuer, "The credential names no issuer."
            )
            return self._unverified(item, issuer_check, schema, claimed_issuer, None)
        trusted = self._registry.lookup(claimed_issuer)
        keys = trusted
        if keys is None and self._resolver is not None:
            keys = self._resolver(claimed_issuer)
        if keys is None:
            issuer_check = Check.failed(
                CheckName.issuer,
                Code.untrusted_issuer,
                f"The issuer {claimed_issuer} is not in the trust registry, so its signature "
                "cannot be checked here.",
            )
            return self._unverified(item, issuer_check, schema, claimed_issuer, None)
        if trusted is None:
            # Not trusted, but its keys are known from the DID itself (VC API verification):
            # the signature and content are checked, and the issuer check still fails.
            issuer_check = Check.failed(
                CheckName.issuer,
                Code.untrusted_issuer,
                f"The issuer {claimed_issuer} is not in the trust registry; its key was "
                "resolved from the DID itself.",
            )
        elif trusted.own:
            issuer_check = Check.passed(
                CheckName.issuer, Code.own_issuer, f"Issued by this service ({trusted.did})."
            )
        else:
            issuer_check = Check.passed(
                CheckName.issuer,
                Code.trusted_issuer,
                f"{trusted.name} ({trusted.did}) is in the trust registry.",
            )
        proof_input: ProofInput
        if item.form is Form.vc_jwt:
            proof_check, document, proof_input = self._jwt_proof(item, keys, claimed_issuer)
        elif item.form is Form.jwt_vc_1_1:
            proof_check, document, proof_input = check_credential_jwt(item, keys)
        else:
            proof_check, document, proof_input = check_proofs(
                item.claimed,
                keys,
                self._proofs,
                challenge=challenge,
                domain=domain,
                resolver=self._resolver,
            )
        if document is None:
            return self._unverified(
                item, issuer_check, schema, claimed_issuer, trusted, proof_check, proof_input
            )
        status = check_status(
            document,
            issuer=keys,
            source=self._status_lists,
            contexts=self._contexts,
            now=self._now,
        )
        validity = check_validity(
            document, now=self._now, jwt_claims=item.jws.payload if item.jws else None
        )
        return credential_result(
            item,
            (proof_check, issuer_check, validity, status.revocation, status.suspension, schema),
            claimed_issuer,
            trusted,
            document=document,
            proof=proof_input,
            status_entries=tuple(status.entries),
        )

    def verify_sd_jwt_vc(
        self, item: CredentialInput, *, key_binding: KeyBindingExpectation | None = None
    ) -> CredentialVerification:
        """One SD-JWT VC; `key_binding`: the KB-JWT it must carry (OpenID4VP)."""
        return verify_sd_jwt_vc(
            item,
            registry=self._registry,
            status_lists=self._status_lists,
            types=self._types,
            now=self._now,
            key_binding=key_binding,
            resolver=self._resolver,
        )

    def _unverified(
        self,
        item: CredentialInput,
        issuer_check: Check,
        schema: Check,
        claimed_issuer: str | None,
        trusted: TrustedKeys | None,
        proof_check: Check | None = None,
        proof_input: ProofInput = None,
    ) -> CredentialVerification:
        """A credential whose proof did not pass: content checks are not made."""
        return unverified_result(
            item,
            proof=proof_check,
            issuer=issuer_check,
            schema=schema,
            claimed_issuer=claimed_issuer,
            trusted=trusted,
            proof_input=proof_input if proof_input is not None else _proof_input(item),
        )

    def _jwt_proof(
        self, item: CredentialInput, trusted: TrustedKeys, claimed_issuer: str
    ) -> tuple[Check, dict[str, Any] | None, dict[str, Any] | None]:
        """The vc+jwt proof check; on success also the verified payload (the credential).

        The key is chosen by the unverified header's `kid`; `verify_vc_jwt` then checks the
        header and the signature. Only when it refuses is the header checked on its own, to
        tell an unacceptable header (`invalid`) from a signature that does not match.
        """
        if item.token is None or item.header is None:  # `forms` sets both for a vc+jwt
            return proof_failed(Code.malformed_proof, "The vc+jwt could not be read."), None, None
        kid = item.header.get("kid")
        key_check, key = issuer_key(kid, trusted)
        if key is None:
            return key_check, None, item.header
        forbidden = [claim for claim in _JOSE_FORBIDDEN_CLAIMS if claim in item.claimed]
        if forbidden or ("iss" in item.claimed and item.claimed["iss"] != claimed_issuer):
            detail = "The JWS claims are not a VC-JOSE credential (vc/vp claims, or iss ≠ issuer)."
            return proof_failed(Code.malformed_proof, detail), None, item.header

        def resolve(requested: str) -> Ed25519PublicKey:
            if requested != kid:
                raise KeyError(requested)
            return key

        token = item.jws or item.token
        try:
            payload = verify_vc_jwt(token, resolve_key=resolve)
        except JoseError:
            try:
                decode_vc_jwt_header(token)
            except JoseError as error:
                return proof_failed(Code.unsupported_proof, error.detail), None, item.header
            detail = (
                "The JWS signature does not match the credential: it was altered after signing."
            )
            return proof_failed(Code.signature_mismatch, detail), None, item.header
        detail = f"The JWS (application/vc+jwt, EdDSA) matches, signed with {kid}."
        return proof_passed(detail), payload, item.header

    # --- presentations -------------------------------------------------------------------------

    def verify_presentation(
        self,
        presentation: PresentationInput,
        *,
        challenge: str | None = None,
        domain: str | None = None,
    ) -> PresentationVerification:
        """Each held credential, and the holder's own proof if the presentation has one."""
        credentials = tuple(self.verify(item) for item in presentation.credentials)
        holder = holder_of(presentation.document)
        if presentation.jws is not None and presentation.legacy_jwt:
            proof_check = check_presentation_jwt(
                presentation.jws,
                holder=holder,
                challenge=challenge,
                domain=domain,
                key_for=self._holder_jws_key,
            )
        elif presentation.jws is not None:
            proof_check = check_holder_jws(
                presentation.jws,
                holder=holder,
                challenge=challenge,
                domain=domain,
                key_for=self._holder_key,
            )
        else:
            proof_check = self._holder_proof(presentation.document, holder, challenge, domain)
        outcomes = [credential.outcome for credential in credentials]
        if proof_check.status is CheckStatus.failed:
            outcomes.append(outcome_of_proof(proof_check))
        if not credentials:
            outcomes.append(Outcome.invalid)
        proof = presentation.document.get("proof")
        if presentation.jws is not None:
            media_type = JWT_MEDIA_TYPE if presentation.legacy_jwt else "application/vp+jwt"
            proof = {"type": "EnvelopingProof", "mediaType": media_type}
            proof["header"] = presentation.jws.header
        return PresentationVerification(
            proof=proof_check,
            holder=holder,
            credentials=credentials,
            outcome=most_severe(outcomes),
            challenge=challenge,
            domain=domain,
            proof_input=proof if isinstance(proof, dict) else None,
        )

    def _holder_proof(
        self,
        document: dict[str, Any],
        holder: str | None,
        challenge: str | None,
        domain: str | None,
    ) -> Check:
        proof = document.get("proof")
        if proof is None and (challenge is not None or domain is not None):
            return proof_failed(
                Code.challenge_mismatch,
                "A challenge or domain was expected, but the presentation has no holder proof.",
            )
        if proof is None:
            return Check.unknown(
                CheckName.proof,
                Code.no_holder_proof,
                "The presentation has no holder proof: the credentials are checked on their own.",
            )
        if not isinstance(proof, dict):
            return proof_failed(Code.unsupported_proof, "Only one holder proof is supported.")
        if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
            return proof_failed(
                Code.unsupported_proof, f"Only {PROOF_TYPE} / {CRYPTOSUITE} holder proofs."
            )
        if (challenge is not None and proof.get("challenge") != challenge) or (
            domain is not None and proof.get("domain") != domain
        ):
            return proof_failed(
                Code.challenge_mismatch, "The holder proof's challenge or domain does not match."
            )
        method = proof.get("verificationMethod")
        if not isinstance(method, str):
            return proof_failed(Code.malformed_proof, "The holder proof names no key.")
        if holder is not None and did_of(method) != holder:
            return proof_failed(Code.key_not_issuers, "The holder proof is not by the holder.")
        key = self._holder_key(method)
        if key is None:
            return Check.unknown(
                CheckName.proof,
                Code.holder_key_unresolvable,
                f"The holder key {method} cannot be resolved offline (only did:key and "
                "trusted DIDs are).",
            )
        try:
            result = self._proofs(document, public_key=key, expected_proof_purpose=AUTHENTICATION)
        except UnknownContextError as error:
            return proof_failed(Code.unknown_context, f"The context {error.url} is not known.")
        except CryptoError as error:
            return proof_failed(Code.unprocessable, error.detail)
        if result.verified:
            return proof_passed(f"The holder proof matches, signed with {method}.")
        if any(problem.code == PARSING_ERROR for problem in result.problems):
            return proof_failed(Code.malformed_proof, "The holder proof is malformed.")
        return proof_failed(
            Code.signature_mismatch, "The holder proof does not match the presentation."
        )

    def _holder_key(self, method: str) -> Ed25519PublicKey | None:
        if method.startswith(DID_KEY_PREFIX):
            try:
                return public_key_from_did_key(method)
            except InvalidMultikeyError:
                return None
        trusted = self._registry.lookup(did_of(method))
        return trusted.keys.get(method) if trusted is not None else None

    def _holder_jws_key(self, method: str) -> PublicKey | None:
        """A holder's Ed25519 or P-256 key: did:key offline, else a trusted DID's."""
        keys = resolve_did_key(did_of(method)) or self._registry.lookup(did_of(method))
        return keys.jws_key(method) if keys is not None else None


def _proof_input(item: CredentialInput) -> ProofInput:
    proof = item.claimed.get("proof") if item.form is Form.data_integrity else None
    return proof if isinstance(proof, dict | list) else None
