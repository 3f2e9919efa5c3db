"""The W3C VC API issuer: sign a credential the caller wrote, as one of our identities.

https://w3c-ccg.github.io/vc-api/#issue-credential — `{credential, options}` in,
`{verifiableCredential}` out. Unlike `POST /api/v1/credentials` (Open Badges built here
from a curriculum), the caller brings the whole credential; this service checks it against
the data model (`app.data_model`), adds Bitstring Status List entries when asked, and secures
it with an `eddsa-rdfc-2022` proof (default) or as an enveloped `vc+jwt`
(`securingMechanism: EnvelopingProof`).

The identity is the NASSC did:web with its active key, or an issuer instance's did:key.
Status entries come from this service's own lists, signed by the NASSC did:web, so only
that identity issues with status. A credential issued with status entries is tracked by its
id (or `options.credentialId`) so `POST /credentials/status` can change its status
(`app.status.vc_api_status`); one without either cannot be changed later. Each issuance is
audited as `credential.vc-api-issue` (the credential's id or digest, the verification
method, never the claims).
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from app.audit import service as audit_service
from app.auth.roles import Principal
from app.credentials.builder import xsd_datetime
from app.credentials.signing import IssuerSigner
from app.crypto.errors import CryptoError, JoseError, UnknownContextError
from app.crypto.rdfc import canonicalize
from app.crypto.vcdm import ENVELOPED_VC_TYPE, VCDM_V1_CONTEXT, VCDM_V2_CONTEXT
from app.data_model import (
    InvalidJsonLd,
    InvalidTypedEntry,
    as_list,
    check_credential,
)
from app.errors import ValidationFailed
from app.status import service as status_service
from app.status import vc_api_status
from app.status.allocation import Allocation
from app.status.builder import status_entry
from app.status.models import StatusPurpose

ENTRY_TYPE: Final = "BitstringStatusListEntry"
DATA_INTEGRITY_V2: Final = "https://w3id.org/security/data-integrity/v2"
TARGET_TYPE: Final = "credential"


class StatusUnavailable(ValidationFailed):
    slug = "status-unavailable"
    title = "Status entries are issued only by the NASSC did:web issuer"


class InvalidStatusRequest(ValidationFailed):
    slug = "invalid-status-request"
    title = "statusPurpose must be revocation or suspension"


@dataclass(frozen=True, slots=True)
class IssueRequest:
    """What the caller asked for: the credential, the securing and the status purposes."""

    credential: dict[str, Any]
    enveloping: bool
    status_purposes: tuple[StatusPurpose, ...]
    credential_id: str | None = None
    """`options.credentialId`: what status changes name the credential by (default: its id)."""


def status_purposes(value: Any) -> tuple[StatusPurpose, ...]:
    """`options.statusPurpose` (one purpose or a list) as purposes (422 for others)."""
    if value is None:
        return ()
    purposes = []
    for item in as_list(value):
        try:
            purposes.append(StatusPurpose(item))
        except ValueError:
            raise InvalidStatusRequest(f"Unknown statusPurpose {item!r}.") from None
    return tuple(dict.fromkeys(purposes))


def _requested_entries(credential: dict[str, Any]) -> tuple[list[Any], list[StatusPurpose]]:
    """The caller's status entries to keep, and the purposes of the BitstringStatusListEntry
    requests to fill in (an entry of that type without a `statusListCredential`)."""
    kept: list[Any] = []
    requested: list[StatusPurpose] = []
    for entry in as_list(credential.get("credentialStatus", [])):
        if entry.get("type") == ENTRY_TYPE and "statusListCredential" not in entry:
            requested.extend(status_purposes(entry.get("statusPurpose", "revocation")))
        elif entry.get("type") == ENTRY_TYPE:
            _check_bitstring_entry(entry)
            kept.append(entry)
        else:
            kept.append(entry)
    return kept, requested


def _check_bitstring_entry(entry: dict[str, Any]) -> None:
    """A caller-written BitstringStatusListEntry must be well formed (§2.1)."""
    index = entry.get("statusListIndex")
    if not (isinstance(index, str) and index.isdigit()) or not isinstance(
        entry.get("statusPurpose"), str
    ):
        raise InvalidTypedEntry(
            "A BitstringStatusListEntry needs a statusPurpose and a decimal statusListIndex."
        )


def _add_status(
    session: Session,
    document: dict[str, Any],
    *,
    purposes: tuple[StatusPurpose, ...],
    status_signer: IssuerSigner,
    base_url: str,
    now: datetime,
) -> dict[StatusPurpose, Allocation]:
    """Allocate one entry per purpose in this service's lists and publish new lists."""
    kept, requested = _requested_entries(document)
    wanted = tuple(dict.fromkeys([*purposes, *requested]))
    if not wanted:
        return {}
    entries: list[Any] = list(kept)
    list_ids: list[int] = []
    allocations: dict[StatusPurpose, Allocation] = {}
    for purpose in wanted:
        [allocation] = status_service.allocate(session, purpose=purpose, count=1, now=now)
        allocations[purpose] = allocation
        list_ids.append(allocation.list_id)
        entries.append(
            status_entry(
                base_url=base_url,
                list_id=allocation.list_id,
                index=allocation.index,
                purpose=purpose.value,
            )
        )
    status_service.publish_lists(
        session,
        list_ids=list_ids,
        signer=status_signer,
        base_url=base_url,
        now=now,
        only_new=True,
    )
    document["credentialStatus"] = entries[0] if len(entries) == 1 else entries
    return allocations


def _prepare(document: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """The credential as it will be signed. A VC 1.1 credential gets its required
    `issuanceDate` when it has none, and the Data Integrity v2 context: the VC 1.1 context
    does not define `DataIntegrityProof` and its properties (VCDM 2.0's does)."""
    prepared = copy.deepcopy(document)
    contexts = as_list(prepared["@context"])
    if contexts[0] == VCDM_V1_CONTEXT:
        if DATA_INTEGRITY_V2 not in contexts:
            prepared["@context"] = [*contexts, DATA_INTEGRITY_V2]
        if "issuanceDate" not in prepared:
            prepared["issuanceDate"] = xsd_datetime(now)
    return prepared


def _secure(
    document: dict[str, Any], *, signer: IssuerSigner, enveloping: bool, now: datetime
) -> dict[str, Any]:
    """The credential with a Data Integrity proof, or enveloped as a vc+jwt data: URL.

    Both are canonicalized first: what JSON-LD would drop or cannot expand is refused
    (`invalid-json-ld`) whichever securing is chosen.
    """
    try:
        if enveloping:
            canonicalize(document, signer.contexts)
            token = signer.vc_jwt(document)
            return {
                "@context": VCDM_V2_CONTEXT,
                "id": f"data:application/vc+jwt,{token}",
                "type": ENVELOPED_VC_TYPE,
            }
        return signer.data_integrity(document, created=now)
    except UnknownContextError as error:
        raise InvalidJsonLd(
            f"The @context {error.url} is not one this service knows (none is fetched)."
        ) from None
    except JoseError as error:
        raise InvalidJsonLd(f"The credential cannot be secured as vc+jwt: {error}") from None
    except CryptoError as error:
        raise InvalidJsonLd(f"The credential cannot be signed: {error}") from None


def issue(
    session: Session,
    *,
    principal: Principal,
    request: IssueRequest,
    signer: IssuerSigner,
    status_signer: IssuerSigner | None,
    base_url: str,
    now: datetime,
) -> dict[str, Any]:
    """Check, add status, secure and audit one credential; returns the verifiable credential.

    `status_signer` signs the status lists (None: this identity issues no status entries).
    """
    check_credential(request.credential, issuer_did=signer.did)
    document = _prepare(request.credential, now=now)
    _, requested = _requested_entries(document)
    if (request.status_purposes or requested) and status_signer is None:
        raise StatusUnavailable(f"{signer.did} cannot issue status entries; use the default.")
    if status_signer is not None:
        allocations = _add_status(
            session,
            document,
            purposes=request.status_purposes,
            status_signer=status_signer,
            base_url=base_url,
            now=now,
        )
        tracking_id = request.credential_id or document.get("id")
        if allocations and isinstance(tracking_id, str):
            vc_api_status.record(
                session,
                credential_id=tracking_id,
                issuer_did=signer.did,
                issued_by=principal.subject,
                entries=allocations,
                now=now,
            )
    secured = _secure(document, signer=signer, enveloping=request.enveloping, now=now)
    entry = audit_service.AuditEntry(
        actor=principal,
        action="credential.vc-api-issue",
        target_type=TARGET_TYPE,
        target_id=_target_id(document),
        after={
            "issuer": signer.did,
            "verification_method": signer.verification_method,
            "securing": "vc+jwt" if request.enveloping else "eddsa-rdfc-2022",
        },
    )
    audit_service.record_at_commit(session, [entry], now=now)
    return secured


def _target_id(document: dict[str, Any]) -> str:
    """The credential's id, or the digest of what was signed when it has none."""
    credential_id = document.get("id")
    if isinstance(credential_id, str) and len(credential_id) <= 100:
        return credential_id
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
