"""What a presentation showed, in one plain shape whatever its format, for the result.

Only the claims the employer asked for are kept: a W3C credential cannot withhold anything,
but what was not asked is not shown to the employer nor stored. Values are reduced to what a
person reads (the certification's title and code, a unit's code and title, a provider's name).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.presentations.dcql import CERTIFICATION, SD_JWT_PATHS, W3C_PATHS, Claim, Format, value_at


def disclosed_claims(
    form: Format, document: Mapping[str, Any], asked: Sequence[str]
) -> dict[str, Any]:
    """The asked-for claims `document` shows, each as plain values (absent ones left out)."""
    paths = SD_JWT_PATHS if form is Format.sd_jwt else W3C_PATHS
    shown: dict[str, Any] = {}
    for name in asked:
        value = value_at(document, paths[name])
        if value is None:
            continue
        plain = _plain(name, value, sd_jwt=form is Format.sd_jwt)
        if plain not in (None, [], {}):
            shown[name] = plain
    return shown


def _plain(name: str, value: Any, *, sd_jwt: bool) -> Any:
    if name == CERTIFICATION:
        return _certification(value, sd_jwt=sd_jwt)
    if name == Claim.name:
        return value if sd_jwt else _identifier_name(value)
    if name == Claim.score:
        return value if sd_jwt else _score(value)
    if name == Claim.units:
        return _units(value, sd_jwt=sd_jwt)
    if name == Claim.provider:
        return _provider(value, sd_jwt=sd_jwt)
    if name == Claim.evidence:
        items = value if isinstance(value, list) else []
        return [
            str(item.get("name") or item.get("url") or "")
            for item in items
            if isinstance(item, dict)
        ]
    return value if isinstance(value, str | int | float) else None


def _certification(value: Any, *, sd_jwt: bool) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        return None
    if sd_jwt:
        fields = {"title": "title", "code": "code", "version": "version", "sector": "sector"}
        fields["level"] = "level"
    else:
        fields = {"title": "name", "code": "humanCode", "version": "version"}
        fields["sector"] = "fieldOfStudy"
    shown = {ours: value.get(theirs) for ours, theirs in fields.items()}
    return {key: item for key, item in shown.items() if item is not None}


def _identifier_name(value: Any) -> str | None:
    for identifier in value if isinstance(value, list) else []:
        if isinstance(identifier, Mapping) and identifier.get("identityType") == "name":
            name = identifier.get("identityHash")
            return name if isinstance(name, str) else None
    return None


def _score(value: Any) -> Any:
    results = value if isinstance(value, list) else []
    if results and isinstance(results[0], Mapping):
        return results[0].get("value")
    return None


def _units(value: Any, *, sd_jwt: bool) -> list[str]:
    units: list[str] = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, Mapping):
            continue  # an SD-JWT array element left undisclosed
        if not sd_jwt and item.get("targetType") != "CFItem":
            continue
        code = item.get("code") if sd_jwt else item.get("targetCode")
        title = item.get("title") if sd_jwt else item.get("targetName")
        units.append(" — ".join(str(part) for part in (code, title) if part))
    return units


def _provider(value: Any, *, sd_jwt: bool) -> str | None:
    if not isinstance(value, Mapping):
        return None
    name = value.get("name")
    country = (
        value.get("country") if sd_jwt else (value.get("address") or {}).get("addressCountryCode")
    )
    if not isinstance(name, str):
        return None
    return f"{name} ({country})" if isinstance(country, str) else name
