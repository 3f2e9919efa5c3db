"""1EdTech CASE 1.0 package of a harmonized standard: pure, no database, network or clock.

The package (`CFDocument`, `CFItems`, `CFAssociations`, `CFDefinitions`) holds exactly one
CFItem per competency unit and one per learning outcome; performance criteria go into the
outcome item's `notes`. Every item has one `isChildOf` association (unit -> document,
outcome -> unit). National equivalents become `exactMatchOf` (full recognition) or
`isRelatedTo` (partial, gap training, challenge exam) associations from the units they name,
or from the document when they name none, to an external node; CFAssociationGroupings keep
the recognition type and whether the equivalence is verified, which the association type
alone cannot say.

CASE 1.0 carries one language per document, so each language is its own package with its own
identifiers. Identifiers are UUIDv5 of `{code}/v{version}/{lang}/{node}` under a fixed NASSC
namespace: the same standard version always exports the same identifiers, on every
deployment. URIs put them under the deployment's base URL:

    {base_url}/api/v1/standards/{code}/case/{collection}/{identifier}

with collection one of `packages`, `documents`, `items`, `associations`, `item-types`,
`subjects` or `association-groupings` (a package shares its document's identifier).
Open Badges alignments point `targetUrl` at `case_item_uri(...)` of a unit.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from app.fields import Language
from app.standards.content import CompetencyUnit, LearningOutcome
from app.standards.enums import RecognitionType, StandardStatus
from app.standards.labels import (
    outcome_kind_label,
    recognition_label,
    sector_label,
    unit_kind_label,
)
from app.standards.localized import LocalizedText
from app.standards.references import NationalEquivalent
from app.standards.schemas import StandardCreate

CASE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://nassc.org/case")
NASSC_NAME = "North American Standards Skills Council (NASSC)"

Collection = Literal[
    "packages",
    "documents",
    "items",
    "associations",
    "item-types",
    "subjects",
    "association-groupings",
]
JsonObject = dict[str, Any]

ADOPTION_STATUS = {
    StandardStatus.draft: "Draft",
    StandardStatus.published: "Adopted",
    StandardStatus.retired: "Deprecated",
}
UNIT_TYPE = LocalizedText(
    en="Competency Unit", es="Unidad de competencia", fr="Unité de compétence"
)
OUTCOME_TYPE = LocalizedText(
    en="Learning Outcome", es="Resultado de aprendizaje", fr="Résultat d'apprentissage"
)
# French puts a space before a colon, French and Spanish before a percent sign; English neither.
WEIGHT_NOTE = LocalizedText(
    en="{kind}; assessment weight: {weight}%.",
    es="{kind}; peso en la evaluación: {weight} %.",
    fr="{kind}; pondération à l'évaluation : {weight} %.",
)
CRITERIA_HEADING = LocalizedText(
    en="Performance criteria:", es="Criterios de desempeño:", fr="Critères de performance :"
)
GROUPING_TITLE = LocalizedText(
    en="National equivalents: {recognition}",
    es="Equivalencias nacionales: {recognition}",
    fr="Équivalences nationales : {recognition}",
)
UNVERIFIED_LABEL = LocalizedText(en="unverified", es="sin verificar", fr="non vérifiée")
LEVEL_LABEL = LocalizedText(en="NASSC level", es="Nivel NASSC", fr="Niveau NASSC")
VALIDITY_LABEL = LocalizedText(
    en="Renewal every {years} years",
    es="Renovación cada {years} años",
    fr="Renouvellement tous les {years} ans",
)


def case_identifier(standard_code: str, version: int, lang: Language, node: str) -> str:
    """The stable UUIDv5 of one node (`document`, `item/{code}`, ...) of a CASE package."""
    return str(uuid.uuid5(CASE_NAMESPACE, f"{standard_code}/v{version}/{lang.value}/{node}"))


def case_item_identifier(standard_code: str, version: int, lang: Language, item_code: str) -> str:
    """The identifier of the CFItem of a competency unit or learning outcome."""
    return case_identifier(standard_code, version, lang, f"item/{item_code}")


def case_uri(base_url: str, standard_code: str, collection: Collection, identifier: str) -> str:
    """Where a CASE node is served: see the module docstring for the scheme."""
    return f"{base_url.rstrip('/')}/api/v1/standards/{standard_code}/case/{collection}/{identifier}"


def case_item_uri(
    base_url: str, standard_code: str, version: int, lang: Language, item_code: str
) -> str:
    """The URI of a unit's or outcome's CFItem, e.g. an Open Badges alignment `targetUrl`."""
    identifier = case_item_identifier(standard_code, version, lang, item_code)
    return case_uri(base_url, standard_code, "items", identifier)


def build_case_package(
    standard: StandardCreate,
    *,
    base_url: str,
    lang: Language,
    last_change_date_time: datetime,
) -> JsonObject:
    """The CASE 1.0 CFPackage of `standard` in `lang`, stamped `last_change_date_time`."""
    return _PackageBuilder(standard, base_url, lang, last_change_date_time).build()


class _PackageBuilder:
    """Holds what every node needs (codes, language, base URL, timestamp) while one is built."""

    def __init__(
        self, standard: StandardCreate, base_url: str, lang: Language, changed_at: datetime
    ) -> None:
        if changed_at.tzinfo is None:
            raise ValueError("last_change_date_time must be timezone-aware")
        self.standard = standard
        self.base_url = base_url
        self.lang = lang
        self.changed = changed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        self.document = self.link("documents", "document", self.text(standard.title))
        self.unit_type = self.link("item-types", "item-type/unit", self.text(UNIT_TYPE))
        self.outcome_type = self.link("item-types", "item-type/outcome", self.text(OUTCOME_TYPE))
        self.subject = self.link(
            "subjects",
            f"subject/{standard.sector.value}",
            self.text(sector_label(standard.sector)),
        )
        self.groupings: dict[tuple[RecognitionType, bool], JsonObject] = {}

    def text(self, localized: LocalizedText) -> str:
        return localized.in_language(self.lang)

    def link(self, collection: Collection, node: str, title: str) -> JsonObject:
        """A CASE LinkURI {title, identifier, uri} to a node of this package."""
        identifier = case_identifier(self.standard.code, self.standard.version, self.lang, node)
        uri = case_uri(self.base_url, self.standard.code, collection, identifier)
        return {"title": title, "identifier": identifier, "uri": uri}

    def build(self) -> JsonObject:
        items: list[JsonObject] = []
        associations: list[JsonObject] = []
        for unit_position, unit in enumerate(self.standard.units, start=1):
            unit_item = self.unit_item(unit, unit_position)
            items.append(unit_item)
            associations.append(
                self.association("isChildOf", unit_item, self.document, unit_position)
            )
            for position, outcome in enumerate(unit.outcomes, start=1):
                outcome_item = self.outcome_item(outcome, position)
                items.append(outcome_item)
                associations.append(
                    self.association("isChildOf", outcome_item, unit_item, position)
                )
        by_code = {item["humanCodingScheme"]: item for item in items}
        for equivalent in self.standard.equivalents:
            origins = [by_code[code] for code in equivalent.unit_codes] or [self.document]
            associations.extend(self.equivalence(equivalent, origin) for origin in origins)
        return {
            "CFDocument": self.document_node(),
            "CFItems": items,
            "CFAssociations": associations,
            "CFDefinitions": {
                "CFItemTypes": [
                    self.definition(self.unit_type, "1"),
                    self.definition(self.outcome_type, "2"),
                ],
                "CFSubjects": [self.definition(self.subject, "1")],
                "CFAssociationGroupings": list(self.groupings.values()),
            },
        }

    def document_node(self) -> JsonObject:
        standard = self.standard
        level = standard.level
        references = [f"{self.text(LEVEL_LABEL)} {level.nassc_level}"]
        references += [
            f"{name} {value}"
            for name, value in (
                ("CONOCER", level.conocer_level),
                ("NOC TEER", level.noc_teer),
                ("EQF", level.eqf_level),
            )
            if value is not None
        ]
        validity = self.text(VALIDITY_LABEL).format(years=standard.validity_years)
        return {
            "identifier": self.document["identifier"],
            "uri": self.document["uri"],
            "CFPackageURI": self.link("packages", "document", self.document["title"]),
            "creator": NASSC_NAME,
            "publisher": NASSC_NAME,
            "title": self.document["title"],
            "description": self.text(standard.description),
            "officialSourceURL": f"{self.base_url.rstrip('/')}/api/v1/standards/{standard.code}",
            "subject": [self.subject["title"]],
            "subjectURI": [self.subject],
            "language": self.lang.value,
            "version": str(standard.version),
            "adoptionStatus": ADOPTION_STATUS[standard.status],
            "notes": f"{standard.code}. {'; '.join(references)}. {validity}.",
            "lastChangeDateTime": self.changed,
        }

    def item(self, code: str, statement: str, item_type: JsonObject, position: int) -> JsonObject:
        link = self.link("items", f"item/{code}", statement)
        return {
            "identifier": link["identifier"],
            "uri": link["uri"],
            "CFDocumentURI": self.document,
            "fullStatement": statement,
            "humanCodingScheme": code,
            "listEnumeration": str(position),
            "CFItemType": item_type["title"],
            "CFItemTypeURI": item_type,
            "language": self.lang.value,
            "lastChangeDateTime": self.changed,
        }

    def unit_item(self, unit: CompetencyUnit, position: int) -> JsonObject:
        item = self.item(unit.code, self.text(unit.title), self.unit_type, position)
        kind = self.text(unit_kind_label(unit.kind))
        notes = self.text(WEIGHT_NOTE).format(kind=kind, weight=f"{unit.weight_percent:g}")
        if unit.description is not None:
            notes = f"{self.text(unit.description)}\n{notes}"
        item["notes"] = notes
        return item

    def outcome_item(self, outcome: LearningOutcome, position: int) -> JsonObject:
        item = self.item(outcome.code, self.text(outcome.text), self.outcome_type, position)
        criteria = [
            f"{number}. {self.text(criterion)}"
            for number, criterion in enumerate(outcome.performance_criteria, start=1)
        ]
        item["notes"] = "\n".join([self.text(CRITERIA_HEADING), *criteria])
        item["conceptKeywords"] = [self.text(outcome_kind_label(outcome.kind))]
        return item

    def association(
        self,
        association_type: str,
        origin: JsonObject,
        destination: JsonObject,
        sequence: int | None = None,
        grouping: JsonObject | None = None,
    ) -> JsonObject:
        node = f"association/{association_type}/{origin['identifier']}/{destination['identifier']}"
        link = self.link("associations", node, association_type)
        association: JsonObject = {
            "identifier": link["identifier"],
            "uri": link["uri"],
            "associationType": association_type,
            "originNodeURI": _link_of(origin),
            "destinationNodeURI": _link_of(destination),
            "CFDocumentURI": self.document,
            "lastChangeDateTime": self.changed,
        }
        if sequence is not None:
            association["sequenceNumber"] = sequence
        if grouping is not None:
            association["CFAssociationGroupingURI"] = _link_of(grouping)
        return association

    def equivalence(self, equivalent: NationalEquivalent, origin: JsonObject) -> JsonObject:
        association_type = (
            "exactMatchOf" if equivalent.recognition_type is RecognitionType.full else "isRelatedTo"
        )
        return self.association(
            association_type,
            origin,
            _external_node(equivalent),
            grouping=self.grouping(equivalent.recognition_type, equivalent.verified),
        )

    def grouping(self, recognition: RecognitionType, verified: bool) -> JsonObject:
        key = (recognition, verified)
        if key not in self.groupings:
            recognition_name = self.text(recognition_label(recognition))
            title = self.text(GROUPING_TITLE).format(recognition=recognition_name)
            if not verified:
                title = f"{title} ({self.text(UNVERIFIED_LABEL)})"
            state = "verified" if verified else "unverified"
            link = self.link(
                "association-groupings", f"grouping/{recognition.value}/{state}", title
            )
            self.groupings[key] = {**link, "lastChangeDateTime": self.changed}
        return self.groupings[key]

    def definition(self, link: JsonObject, hierarchy_code: str) -> JsonObject:
        return {**link, "hierarchyCode": hierarchy_code, "lastChangeDateTime": self.changed}


def _link_of(node: JsonObject) -> JsonObject:
    """The LinkURI {title, identifier, uri} pointing at a node."""
    title = node.get("title", node.get("fullStatement"))
    return {"title": title, "identifier": node["identifier"], "uri": node["uri"]}


def _external_node(equivalent: NationalEquivalent) -> JsonObject:
    """A national credential outside this package, identified the same in every language."""
    key = equivalent.code or equivalent.title
    name = f"equivalent/{equivalent.country.value}/{equivalent.framework.value}/{key}"
    identifier = str(uuid.uuid5(CASE_NAMESPACE, name))
    label = f"{equivalent.code}: {equivalent.title}" if equivalent.code else equivalent.title
    return {
        "title": label,
        "identifier": identifier,
        "uri": equivalent.url or f"urn:uuid:{identifier}",
    }
