"""Admin API of issuer instances (`/api/v1/admin/issuer-instances`): did:key identities the
W3C VC API issues as at `/instances/{id}/credentials/issue`."""

from __future__ import annotations

from fastapi import APIRouter, status

from app.auth.dependencies import AdminUser, SettingsDep, StaffReader
from app.crypto.did import did_web_document_url
from app.db import SessionDep, utcnow
from app.issuer import instances
from app.issuer.instance_schemas import IssuerInstanceCreate, IssuerInstanceList, IssuerInstanceRead
from app.issuer.models import IssuerInstance
from app.issuer.service import issuer_did
from app.keys.dependencies import KeyStoreDep
from app.routing import ProblemRoute

router = APIRouter(
    prefix="/api/v1/admin/issuer-instances", tags=["issuer instances"], route_class=ProblemRoute
)


def _read(instance: IssuerInstance, base_url: str) -> IssuerInstanceRead:
    return IssuerInstanceRead(
        id=instance.id,
        name=instance.name,
        did=instance.did,
        verification_method=instances.verification_method(instance),
        public_key_multibase=instance.public_key_multibase,
        issue_endpoint=f"{base_url}/instances/{instance.id}/credentials/issue",
        did_document_url=did_web_document_url(instance.did) if instances.is_web(instance) else None,
        created_by=instance.created_by,
        created_at=instance.created_at,
    )


@router.get("", response_model=IssuerInstanceList)
def list_issuer_instances(
    session: SessionDep, settings: SettingsDep, _staff: StaffReader
) -> IssuerInstanceList:
    """Every issuer instance (the NASSC did:web is the default and is not listed)."""
    return IssuerInstanceList(
        items=[_read(item, settings.public_base_url) for item in instances.list_instances(session)]
    )


@router.post("", response_model=IssuerInstanceRead, status_code=status.HTTP_201_CREATED)
def create_issuer_instance(
    body: IssuerInstanceCreate,
    session: SessionDep,
    settings: SettingsDep,
    store: KeyStoreDep,
    admin: AdminUser,
) -> IssuerInstanceRead:
    """Add an instance with a new key, kept encrypted in the key store (admins): a did:key,
    or a did:web (another host's, or one on this host; its DID document at
    `/instances/{id}/did.json`)."""
    instance = instances.create_instance(
        session,
        name=body.name,
        store=store,
        actor=admin,
        now=utcnow(),
        own_did=issuer_did(settings),
        did_method=body.did_method,
        web_did=body.did,
    )
    return _read(instance, settings.public_base_url)


@router.get("/{instance_id}", response_model=IssuerInstanceRead)
def read_issuer_instance(
    instance_id: str, session: SessionDep, settings: SettingsDep, _staff: StaffReader
) -> IssuerInstanceRead:
    """One issuer instance."""
    return _read(instances.get_instance(session, instance_id=instance_id), settings.public_base_url)
