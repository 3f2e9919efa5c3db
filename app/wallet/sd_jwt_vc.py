"""SD-JWT VCs of our credentials (RFC 9901, draft-ietf-oauth-sd-jwt-vc), for wallets.

One call issues one wallet copy of a stored Open Badges 3.0 credential: the same facts as
SD-JWT VC claims, bound to the holder's key (`cnf.jwk`), with its own entry in a Token
Status List that mirrors the credential's status. `iss`, `nbf`, `exp`, `cnf`, `vct` and
`status` are never selectively disclosable; the holder's name, the score, each unit, each
piece of evidence and the training provider always are (as `vct.py` declares).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.roles import Principal
from app.credentials.models import Credential, CredentialStatus, WalletCredential
from app.credentials.signing import JwsSigner, jws_signer
from app.crypto import jws, sd_jwt
from app.crypto.did import did_web_from_url
from app.crypto.errors import JoseError
from app.crypto.multibase import encode_base64url
from app.crypto.sd_jwt import Disclosable
from app.keys.models import KeyAlgorithm
from app.keys.service import KeyCache, NoSigningKey
from app.standards.vct import vct_url
from app.status import service as status_service
from app.status import token_lists
from app.status.models import StatusPurpose
from app.wallet.errors import CredentialNotIssuable, InvalidHolderKey, UnsupportedAlgorithm

FORMAT: Final = "dc+sd-jwt"
TYP: Final = "dc+sd-jwt"
MEDIA_TYPE: Final = "application/dc+sd-jwt"
NEVER_DISCLOSABLE: Final = ("iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status")


def issue_sd_jwt_vc(
    session: Session,
    *,
    credential: Credential,
    holder_jwk: dict[str, Any],
    algorithm: str = "ES256",
    base_url: str,
    now: datetime,
    keys: KeyCache,
    actor: Principal | None = None,
) -> str:
    """Issue an SD-JWT VC of `credential` bound to `holder_jwk`, signed with the active key
    of `algorithm` (ES256 or EdDSA); the serialization ends in `~` (no Key Binding JWT).

    Records a `wallet_credential` row and allocates its Token Status List entry (a new list
    is signed at once, in this transaction), audited as `credential.wallet-issue` (by
    `actor`, or `system`). Only flushes.
    """
    holder = _holder_jwk(holder_jwk)
    if credential.status == CredentialStatus.revoked.value:
        raise CredentialNotIssuable(f"Credential {credential.id} is revoked.")
    did = did_web_from_url(base_url)
    signer = _signer(session, did=did, keys=keys, algorithm=algorithm)
    [entry] = status_service.allocate(session, purpose=StatusPurpose.token, count=1, now=now)
    list_signer = jws_signer(session, did=did, cache=keys, algorithm=KeyAlgorithm.es256)
    token_lists.publish_new(
        session,
        list_id=entry.list_id,
        signer=list_signer or _signer(session, did=did, keys=keys, algorithm="EdDSA"),
        base_url=base_url,
        now=now,
    )
    claims = build_claims(
        credential.document,
        issuer=base_url,
        vct=vct_url(base_url, credential.standard.code),
        holder_jwk=holder,
        status={"idx": entry.index, "uri": token_lists.token_list_url(base_url, entry.list_id)},
        level=credential.standard.nassc_level,
        now=now,
    )
    serialized, _ = sd_jwt.issue(
        claims,
        private_key=signer.private_key,
        headers={"typ": TYP, "kid": signer.verification_method},
        never_disclosable=NEVER_DISCLOSABLE,
    )
    wallet_credential = WalletCredential(
        id=str(uuid.uuid4()),
        credential_id=credential.id,
        format=FORMAT,
        holder_key_thumbprint=jwk_thumbprint(holder),
        algorithm=signer.algorithm,
        key_id=signer.verification_method,
        token_list_id=entry.list_id,
        token_index=entry.index,
        issued_at=now,
    )
    session.add(wallet_credential)
    session.flush()
    audit_service.record_change(
        session,
        actor=actor,
        action="credential.wallet-issue",
        target=("credential", credential.id),
        after={
            "wallet_credential": wallet_credential.id,
            "format": FORMAT,
            "algorithm": signer.algorithm,
            "holder_key_thumbprint": wallet_credential.holder_key_thumbprint,
            "status_list": token_lists.token_list_url(base_url, entry.list_id),
        },
        now=now,
    )
    return serialized


def build_claims(
    document: dict[str, Any],
    *,
    issuer: str,
    vct: str,
    holder_jwk: dict[str, str],
    status: dict[str, Any],
    level: int | None,
    now: datetime,
) -> dict[str, Any]:
    """The SD-JWT VC claims of a stored OB 3.0 credential; `Disclosable` marks what the
    holder may withhold."""
    subject = document.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    claims: dict[str, Any] = {
        "iss": issuer,
        "iat": int(now.timestamp()),
        "nbf": _seconds(document.get("validFrom")) or int(now.timestamp()),
        "vct": vct,
        "cnf": {"jwk": holder_jwk},
        "status": {"status_list": status},
        "credential_id": document.get("id"),
    }
    expires = _seconds(document.get("validUntil"))
    if expires is not None:
        claims["exp"] = expires
    claims["achievement"] = {
        "code": achievement.get("humanCode"),
        "version": achievement.get("version"),
        "title": achievement.get("name"),
        "type": achievement.get("achievementType"),
        "sector": achievement.get("fieldOfStudy"),
        **({"level": level} if level is not None else {}),
    }
    if subject.get("activityEndDate"):
        claims["assessment_date"] = subject["activityEndDate"]
    alignments = [a for a in achievement.get("alignment") or [] if isinstance(a, dict)]
    recognition = [
        {"framework": a.get("targetFramework"), "title": a.get("targetName")}
        | ({"code": a["targetCode"]} if a.get("targetCode") else {})
        for a in alignments
        if str(a.get("targetDescription", "")).startswith("Recognition")
    ]
    if recognition:
        claims["recognition"] = recognition
    name = _holder_name(subject)
    if name:
        claims["name"] = Disclosable(name)
    results = subject.get("result") or []
    if results and isinstance(results[0], dict) and results[0].get("value") is not None:
        claims["score"] = Disclosable(_number(results[0]["value"]))
    claims["units"] = [
        Disclosable({"code": a.get("targetCode"), "title": a.get("targetName")})
        for a in alignments
        if a.get("targetType") == "CFItem"
    ]
    evidence = [item for item in document.get("evidence") or [] if isinstance(item, dict)]
    if evidence:
        claims["evidence"] = [Disclosable(_evidence(item)) for item in evidence]
    source = subject.get("source")
    if isinstance(source, dict):
        claims["provider"] = Disclosable(_provider(source))
    return claims


def jwk_thumbprint(jwk: dict[str, str]) -> str:
    """The RFC 7638 thumbprint (SHA-256, base64url) of a public OKP or EC JWK."""
    required = ("crv", "kty", "x") if jwk["kty"] == "OKP" else ("crv", "kty", "x", "y")
    canonical = json.dumps({name: jwk[name] for name in required}, separators=(",", ":"))
    return encode_base64url(hashlib.sha256(canonical.encode("utf-8")).digest())[1:]


def _holder_jwk(holder_jwk: Any) -> dict[str, str]:
    try:
        return jws.public_key_to_jwk(jws.public_key_from_jwk(holder_jwk))
    except JoseError as error:
        raise InvalidHolderKey(error.detail) from error


def _signer(session: Session, *, did: str, keys: KeyCache, algorithm: str) -> JwsSigner:
    try:
        chosen = KeyAlgorithm(algorithm)
    except ValueError:
        raise UnsupportedAlgorithm(f"{algorithm!r} is not EdDSA or ES256.") from None
    signer = jws_signer(session, did=did, cache=keys, algorithm=chosen)
    if signer is None:
        raise NoSigningKey(f"No {chosen.value} key is active: run `nassc keys ensure`.")
    return signer


def _holder_name(subject: dict[str, Any]) -> str | None:
    for identifier in subject.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("identityType") == "name":
            value = identifier.get("identityHash")
            return value if isinstance(value, str) else None
    return None


def _evidence(item: dict[str, Any]) -> dict[str, Any]:
    fields = {"id": "url", "name": "name", "narrative": "narrative", "genre": "genre"}
    return {ours: item[theirs] for theirs, ours in fields.items() if item.get(theirs)}


def _provider(source: dict[str, Any]) -> dict[str, Any]:
    address = source.get("address") or {}
    identifiers = [item for item in source.get("otherIdentifier") or [] if isinstance(item, dict)]
    provider = {
        "name": source.get("name"),
        "country": address.get("addressCountryCode"),
        "region": address.get("addressRegion"),
        "identifier": identifiers[0].get("identifier") if identifiers else None,
    }
    return {key: value for key, value in provider.items() if value is not None}


def _number(value: Any) -> float | int | str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return int(number) if number.is_integer() else number


def _seconds(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None
