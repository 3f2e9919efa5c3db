"""What the verification page shows of an SD-JWT VC's selective disclosure, in the page
language: each claim the holder chose to show with its label from the `vct` type metadata,
and, in words, the claims the holder withheld.

Read from the verified claims only (`CredentialVerification.document`); the labels are the
type metadata's (English, Mexican Spanish, Canadian French), never the engine's names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.fields import Language
from app.verification.disclosures import ClaimPath, ClaimRef
from app.verification.results import CredentialVerification


@dataclass(frozen=True, slots=True)
class DisclosedClaimView:
    """One claim the holder showed: its label and its value(s), as text."""

    label: str
    values: list[str]


@dataclass(frozen=True, slots=True)
class DisclosureView:
    """The claims shown, the claims withheld (labels; None when they cannot be named:
    a type not known here), and whether the holder proved possession of the bound key."""

    disclosed: list[DisclosedClaimView]
    withheld: list[str] | None
    key_bound: bool


def disclosure_view(result: CredentialVerification, language: Language) -> DisclosureView | None:
    """The selective disclosure of a verified SD-JWT VC (None for other credentials)."""
    disclosure = result.selective_disclosure
    claims = result.document
    if disclosure is None or claims is None:
        return None
    disclosed = [
        DisclosedClaimView(label=ref.label(language), values=_values(claims, ref.path))
        for ref in disclosure.disclosed
    ]
    withheld = [_counted(ref, language) for ref in disclosure.withheld]
    known = disclosure.type_metadata is not None
    return DisclosureView(
        disclosed=disclosed,
        withheld=withheld if known or withheld else None,
        key_bound=disclosure.key_binding is not None,
    )


def _counted(ref: ClaimRef, language: Language) -> str:
    label = ref.label(language)
    return f"{label} ({ref.count})" if ref.count > 1 else label


def _values(claims: Mapping[str, Any], path: ClaimPath) -> list[str]:
    """The values at `path` (every element of an array where the path says `None`)."""
    found: list[Any] = [claims]
    for part in path:
        step: list[Any] = []
        for value in found:
            if part is None and isinstance(value, list):
                step.extend(value)
            elif part is not None and isinstance(value, Mapping) and part in value:
                step.append(value[part])
        found = step
    return [_text(value) for value in found]


def _text(value: Any) -> str:
    if isinstance(value, Mapping):
        return " · ".join(_text(item) for item in value.values() if item not in (None, ""))
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
