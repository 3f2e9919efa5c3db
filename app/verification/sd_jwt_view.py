"""An SD-JWT VC's verified claims read as the Open Badges 3.0 document they mirror.

Our SD-JWT VCs carry the same facts as the OB 3.0 credential (`app.wallet.sd_jwt_vc`
builds them): `credential_id`, `achievement {code, version, title, type, sector}`,
`assessment_date`, `nbf` / `exp`, and what the holder disclosed of `name`, `score`, `units`,
`evidence` and `provider`. Summaries, the page's card, the standard lookup and the anonymous
event read credentials in the OB 3.0 shape; this maps the claims onto it, so those readers
stay one. Only what the holder disclosed is there: a withheld name is no name.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from app.verification.forms import Form
from app.verification.results import CredentialVerification

CFITEM: Final = "CFItem"
_ACHIEVEMENT: Mapping[str, str] = {
    "code": "humanCode",
    "version": "version",
    "title": "name",
    "type": "achievementType",
    "sector": "fieldOfStudy",
}


def readable_document(result: CredentialVerification) -> dict[str, Any] | None:
    """The verified document in the OB 3.0 shape (an SD-JWT VC's claims mapped onto it)."""
    if result.document is None or result.form is not Form.sd_jwt_vc:
        return result.document
    return ob3_view(result.document)


def ob3_view(claims: Mapping[str, Any]) -> dict[str, Any]:
    """The OB 3.0 properties an SD-JWT VC's claims stand for (see the module docstring)."""
    achievement = claims.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    subject: dict[str, Any] = {
        "achievement": {
            theirs: str(achievement[ours])
            for ours, theirs in _ACHIEVEMENT.items()
            if isinstance(achievement.get(ours), str | int)
            and not isinstance(achievement.get(ours), bool)
        }
    }
    units = [unit for unit in _list(claims.get("units")) if isinstance(unit, Mapping)]
    if units:
        subject["achievement"]["alignment"] = [
            {"targetType": CFITEM, "targetCode": unit.get("code"), "targetName": unit.get("title")}
            for unit in units
        ]
    name = claims.get("name")
    if isinstance(name, str):
        subject["identifier"] = [{"identityType": "name", "hashed": False, "identityHash": name}]
    if isinstance(claims.get("assessment_date"), str):
        subject["activityEndDate"] = claims["assessment_date"]
    score = claims.get("score")
    if isinstance(score, int | float | str) and not isinstance(score, bool):
        subject["result"] = [{"value": str(score)}]
    provider = claims.get("provider")
    if isinstance(provider, Mapping):
        subject["source"] = _source(provider)
    document: dict[str, Any] = {"issuer": claims.get("iss"), "credentialSubject": subject}
    evidence = [item for item in _list(claims.get("evidence")) if isinstance(item, Mapping)]
    if evidence:
        document["evidence"] = [{"name": item.get("name")} for item in evidence]
    if isinstance(claims.get("credential_id"), str):
        document["id"] = claims["credential_id"]
    for claim, prop in (("nbf", "validFrom"), ("exp", "validUntil")):
        moment = _iso(claims.get(claim))
        if moment is not None:
            document[prop] = moment
    return document


def _source(provider: Mapping[str, Any]) -> dict[str, Any]:
    address = {
        prop: provider[claim]
        for claim, prop in (("country", "addressCountryCode"), ("region", "addressRegion"))
        if isinstance(provider.get(claim), str)
    }
    source: dict[str, Any] = {"name": provider.get("name"), "address": address}
    if isinstance(provider.get("identifier"), str):
        source["otherIdentifier"] = [{"identifier": provider["identifier"]}]
    return source


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _iso(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC).isoformat().replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):
        return None
