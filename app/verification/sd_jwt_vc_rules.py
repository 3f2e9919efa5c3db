"""The SD-JWT VC rules the `schema` check applies, and who an SD-JWT VC's `iss` is.

https://datatracker.ietf.org/doc/draft-ietf-oauth-sd-jwt-vc/ §3.2 — `vct` is REQUIRED (a
string; here also, preferably, a type this service knows), `iss` names the issuer, `cnf`
carries the holder's key when a presentation is key-bound, and `iss`, `nbf`, `exp`, `cnf`,
`vct`, `vct#integrity` and `status` MUST NOT be selectively disclosed. RFC 9901 §4.1.1:
`_sd_alg`, when present, names the digest algorithm; only `sha-256` is supported.

Like the other forms' schema check, this reads the input as claimed (before the signature is
checked): a nonconformant credential is `invalid` whatever its signature says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from app.crypto.did import did_web_from_url
from app.crypto.sd_jwt import SD_ALG, Disclosure
from app.verification.checks import Check, CheckName, Code

NEVER_DISCLOSABLE: Final = frozenset({"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"})
DID_PREFIX: Final = "did:"
_WEB_SCHEMES: Final = ("https://", "http://")


def issuer_did(iss: str) -> str | None:
    """The DID the trust registry knows an `iss` by: a DID itself, or the did:web of an
    https URL (our `iss` is the public base URL, our DID its did:web); None otherwise."""
    if iss.startswith(DID_PREFIX):
        return iss
    if iss.startswith(_WEB_SCHEMES):
        try:
            return did_web_from_url(iss)
        except ValueError:
            return None
    return None


def check_sd_jwt_vc_schema(
    payload: Mapping[str, Any],
    disclosures: Iterable[Disclosure],
    *,
    key_bound: bool,
    known_type: bool,
    named_standard: str | None = None,
) -> Check:
    """The `schema` check of an SD-JWT VC from its issuer JWT payload and the disclosures
    presented (not yet matched against the digests). `named_standard`: the standard code a
    `vct` of this service's form names (`known_type` then says whether it exists)."""
    problems: list[str] = []
    vct = payload.get("vct")
    if not isinstance(vct, str) or not vct:
        problems.append("vct is missing or not a string")
    problems.extend(_wrong_vct(payload, named_standard, known_type=known_type))
    if not isinstance(payload.get("iss"), str):
        problems.append("iss is missing or not a string")
    if payload.get("_sd_alg", SD_ALG) != SD_ALG:
        problems.append(f"_sd_alg is {payload.get('_sd_alg')!r}, not {SD_ALG}")
    confirmation = payload.get("cnf")
    if key_bound and not (isinstance(confirmation, Mapping) and "jwk" in confirmation):
        problems.append("a Key Binding JWT is presented but cnf.jwk is missing")
    top_level = {digest for digest in payload.get("_sd") or [] if isinstance(digest, str)}
    forbidden = sorted(
        {
            disclosure.name
            for disclosure in disclosures
            if disclosure.name in NEVER_DISCLOSABLE and disclosure.digest in top_level
        }
    )
    if forbidden:
        problems.append(f"{', '.join(forbidden)} must never be selectively disclosable")
    if problems:
        detail = "The SD-JWT VC breaks the SD-JWT VC rules: " + "; ".join(problems) + "."
        return Check.failed(CheckName.schema, Code.nonconformant, detail)
    kind = "a NASSC credential type" if known_type else "a credential type not known here"
    return Check.passed(
        CheckName.schema,
        Code.conformant,
        f"The SD-JWT VC follows the SD-JWT VC rules; its vct is {kind} ({vct}).",
    )


def _wrong_vct(
    payload: Mapping[str, Any], named_standard: str | None, *, known_type: bool
) -> list[str]:
    """A NASSC `vct` must name a standard that exists and the one the credential is for
    (its `achievement.code`): the labels and meaning a wallet shows come from the `vct`."""
    if named_standard is None:
        return []
    if not known_type:
        return [f"vct names the standard {named_standard!r}, which NASSC does not have"]
    achievement = payload.get("achievement")
    code = achievement.get("code") if isinstance(achievement, Mapping) else None
    if code != named_standard:
        return [f"vct names the standard {named_standard!r}, but the credential is for {code!r}"]
    return []
