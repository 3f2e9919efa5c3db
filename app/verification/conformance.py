"""The `schema` check: the properties VCDM 2.0 and Open Badges 3.0 require of a credential.

Checked without any network access or JSON Schema download:
- VCDM 2.0 (https://www.w3.org/TR/vc-data-model-2.0/): `@context` starts with the v2 base
  context and names only pinned contexts; `type` has `VerifiableCredential`; `issuer` and
  `credentialSubject` are present; status entries carry a `type`.
- Open Badges 3.0 AchievementCredential (https://www.imsglobal.org/spec/ob/v3p0/): the OB
  context; `OpenBadgeCredential` or `AchievementCredential`; `id`; an issuer `Profile`;
  `validFrom`; an `AchievementSubject` identified by `id` or `identifier[]`
  (IdentityObjects); an `Achievement` with `id`, `name`, `description` and `criteria`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from app.crypto.vcdm import VCDM_V2_CONTEXT
from app.verification.checks import Check, CheckName, Code

_OB_CONTEXT: Final = re.compile(
    r"https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.0\.\d+)?\.json"
)
OB_CREDENTIAL_TYPES: Final = frozenset({"OpenBadgeCredential", "AchievementCredential"})
_MAX_REPORTED: Final = 5
_WHITESPACE: Final = re.compile(r"\s")  # the characters str.isspace() accepts


def unpinned_contexts(document: Mapping[str, Any], pinned: frozenset[str]) -> list[str]:
    """The context URLs of `document` that are not pinned (never fetched: an error)."""
    contexts = document.get("@context")
    items = contexts if isinstance(contexts, list) else [contexts]
    return [item for item in items if isinstance(item, str) and item not in pinned]


def check_schema(document: Mapping[str, Any], *, pinned: frozenset[str]) -> Check:
    """Whether `document` has every property VCDM 2.0 and OB 3.0 require (see module docstring)."""
    problems = list(_problems(document, pinned))
    if problems:
        shown = "; ".join(problems[:_MAX_REPORTED])
        if len(problems) > _MAX_REPORTED:
            shown += f" (and {len(problems) - _MAX_REPORTED} more)"
        return Check.failed(
            CheckName.schema, Code.nonconformant, f"Not an Open Badges 3.0 credential: {shown}."
        )
    return Check.passed(
        CheckName.schema, Code.conformant, "Has every property Open Badges 3.0 requires."
    )


def _problems(document: Mapping[str, Any], pinned: frozenset[str]) -> list[str]:
    problems: list[str] = []
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VCDM_V2_CONTEXT:
        problems.append(f"@context must be a list starting with {VCDM_V2_CONTEXT}")
        contexts = contexts if isinstance(contexts, list) else []
    if not any(isinstance(item, str) and _OB_CONTEXT.fullmatch(item) for item in contexts):
        problems.append("@context lacks the Open Badges 3.0 context")
    problems.extend(f"context {url} is not known" for url in unpinned_contexts(document, pinned))

    types = _types(document)
    if "VerifiableCredential" not in types:
        problems.append("type lacks VerifiableCredential")
    if not OB_CREDENTIAL_TYPES & set(types):
        problems.append("type lacks OpenBadgeCredential or AchievementCredential")
    if not _is_uri(document.get("id")):
        problems.append("id must be a URI")

    issuer = document.get("issuer")
    if not isinstance(issuer, Mapping):
        problems.append("issuer must be a Profile object")
    else:
        if not _is_uri(issuer.get("id")):
            problems.append("issuer.id must be a URI")
        if "Profile" not in _types(issuer):
            problems.append("issuer.type lacks Profile")
    if not isinstance(document.get("validFrom"), str):
        problems.append("validFrom is required")

    problems.extend(_subject_problems(document.get("credentialSubject")))
    statuses = document.get("credentialStatus")
    for entry in statuses if isinstance(statuses, list) else [statuses] if statuses else []:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("type"), str | list):
            problems.append("every credentialStatus entry needs a type")
    return problems


def _subject_problems(subject: Any) -> list[str]:
    if not isinstance(subject, Mapping):
        return ["credentialSubject must be one AchievementSubject object"]
    problems: list[str] = []
    if "AchievementSubject" not in _types(subject):
        problems.append("credentialSubject.type lacks AchievementSubject")
    identifiers = subject.get("identifier")
    if not _is_uri(subject.get("id")) and not (isinstance(identifiers, list) and identifiers):
        problems.append("credentialSubject needs an id or an identifier list")
    for identity in identifiers if isinstance(identifiers, list) else []:
        if not (
            isinstance(identity, Mapping)
            and "IdentityObject" in _types(identity)
            and isinstance(identity.get("identityHash"), str)
            and isinstance(identity.get("identityType"), str)
            and isinstance(identity.get("hashed"), bool)
        ):
            problems.append("each identifier must be an IdentityObject")
            break
    achievement = subject.get("achievement")
    if not isinstance(achievement, Mapping):
        return [*problems, "credentialSubject.achievement is required"]
    if not _is_uri(achievement.get("id")):
        problems.append("achievement.id must be a URI")
    if "Achievement" not in _types(achievement):
        problems.append("achievement.type lacks Achievement")
    for key in ("name", "description"):
        if not achievement.get(key):
            problems.append(f"achievement.{key} is required")
    criteria = achievement.get("criteria")
    if not isinstance(criteria, Mapping) or not (criteria.get("id") or criteria.get("narrative")):
        problems.append("achievement.criteria needs an id or a narrative")
    return problems


def _types(value: Mapping[str, Any]) -> list[str]:
    types = value.get("type")
    if isinstance(types, str):
        return [types]
    return [item for item in types if isinstance(item, str)] if isinstance(types, list) else []


def _is_uri(value: Any) -> bool:
    return isinstance(value, str) and ":" in value and _WHITESPACE.search(value) is None
