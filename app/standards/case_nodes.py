"""One node of a standard's CASE 1.0 packages, by the URI `case.case_uri` gives it.

Open Badges alignments point at CFItems (`targetUrl`), and every CASE node names its own
`uri`: each answers here with the node as CASE 1.0's REST binding returns it
(https://www.imsglobal.org/sites/default/files/CASE/casev1p0/information_model/caseservicev1p0_infomodelv1p0.html):
a CFPackage (`packages`), a CFDocument, a CFItem, a CFAssociation, or a CFItemType,
CFSubject or CFAssociationGrouping. Identifiers are UUIDv5 of the version, the language and
the node, so the node is found by building the standard's packages (each published or
retired version, each language) and looking it up; nothing is stored.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.fields import Language
from app.standards import service
from app.standards.case import Collection, build_case_package
from app.standards.enums import StandardStatus
from app.standards.errors import CaseNodeNotFound
from app.standards.models import Standard

_DEFINITIONS: Final[dict[str, str]] = {
    "item-types": "CFItemTypes",
    "subjects": "CFSubjects",
    "association-groupings": "CFAssociationGroupings",
}
_LISTS: Final[dict[str, str]] = {"items": "CFItems", "associations": "CFAssociations"}


def find_node(
    package: dict[str, Any], collection: Collection, identifier: str
) -> dict[str, Any] | None:
    """The node `identifier` of `collection` in one package, or None."""
    document = package["CFDocument"]
    if collection in ("packages", "documents"):
        if document["identifier"] != identifier:
            return None
        return package if collection == "packages" else document
    if collection in _LISTS:
        candidates = package[_LISTS[collection]]
    else:
        candidates = package["CFDefinitions"][_DEFINITIONS[collection]]
    for node in candidates:
        if node.get("identifier") == identifier:
            return dict(node)
    return None


def case_node(
    session: Session, *, code: str, collection: Collection, identifier: str, base_url: str
) -> tuple[dict[str, Any], Language]:
    """The node and the language of its package (404 `case-node-not-found` if none)."""
    versions = session.scalars(
        select(Standard)
        .where(Standard.code == code, Standard.status != StandardStatus.draft.value)
        .order_by(Standard.version.desc())
    ).all()
    for standard in versions:
        schema = service.to_schema(standard)
        for language in Language:
            package = build_case_package(
                schema,
                base_url=base_url,
                lang=language,
                last_change_date_time=standard.published_at or standard.updated_at,
            )
            node = find_node(package, collection, identifier)
            if node is not None:
                return node, language
    raise CaseNodeNotFound(f"No CASE {collection} node {identifier} in standard {code}.")
