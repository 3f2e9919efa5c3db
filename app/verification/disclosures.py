"""What the holder of an SD-JWT VC disclosed and withheld, named by the type's claim metadata.

https://datatracker.ietf.org/doc/draft-ietf-oauth-sd-jwt-vc/ §6 (Type Metadata) — a `vct`
resolves to a document whose `claims` entries give each claim's `path` (a `null` component
stands for every element of an array), `display` labels per locale and `sd` (`always`,
`allowed`, `never`). From the issuer JWT's digests and the disclosures presented:

- a withheld array element is knowable exactly: its `{"...": digest}` stays in the signed
  payload (our issuer adds decoys only to `_sd` arrays, and an array element's digest that
  no disclosure matches is an element withheld);
- a withheld object property is knowable only by name, from the type metadata: a claim the
  metadata says may be disclosed, absent from the verified claims. Without metadata (an
  unknown `vct`) the `_sd` digests, decoys among them, say nothing countable.

Where type metadata comes from is injected (`TypeMetadataSource`): verification fetches
nothing, and the registry of our types lives below it (`app.standards.vct`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from app.crypto.sd_jwt import Disclosure

ClaimPath = tuple[str | None, ...]
DISCLOSABLE: Final = frozenset({"always", "allowed"})


class TypeMetadataSource(Protocol):
    """Where the engine finds SD-JWT VC Type Metadata: the types this service knows."""

    def lookup(self, vct: str) -> Mapping[str, Any] | None:
        """The Type Metadata document of `vct`, or None when the type is not known here."""
        ...

    def standard_code_of(self, vct: str) -> str | None:
        """The standard a `vct` of this service's form names (known or not), else None."""
        ...


class NoTypeMetadata:
    """A source that knows no type (every `vct` is then just a string)."""

    def lookup(self, vct: str) -> Mapping[str, Any] | None:
        """Always None."""
        return None

    def standard_code_of(self, vct: str) -> str | None:
        """Always None."""
        return None


@dataclass(frozen=True, slots=True)
class ClaimRef:
    """A claim (or, with `count`, that many elements of an array) and its labels by locale."""

    path: ClaimPath
    count: int = 1
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The path written out: `name`, `provider`, `units[]` (one element of `units`)."""
        text = ""
        for part in self.path:
            text += "[]" if part is None else (f".{part}" if text else part)
        return text

    def label(self, language: str) -> str:
        """The label in `language` (`en`, `es`, `fr`; locales like `es-MX` match), else
        the English one, else the path."""
        for wanted in (language, "en"):
            for locale, label in self.labels.items():
                if locale.split("-")[0].lower() == wanted:
                    return label
        return self.name


@dataclass(frozen=True, slots=True)
class SelectiveDisclosure:
    """An SD-JWT VC's disclosures as verified: what was shown and what was held back.

    `disclosed` are the selectively disclosable claims the holder presented; `withheld` the
    ones they held back, where knowable (see the module docstring); `key_binding` the
    verified Key Binding JWT's claims (None without one); `type_metadata` the `vct`'s
    document when it is a type known here.
    """

    disclosed: tuple[ClaimRef, ...]
    withheld: tuple[ClaimRef, ...]
    key_binding: Mapping[str, Any] | None = None
    type_metadata: Mapping[str, Any] | None = None

    def labels(self) -> dict[str, Mapping[str, str]]:
        """Every claim the type metadata labels, by its written-out path."""
        refs = (
            ClaimRef(claim.path, 1, claim.labels) for claim in _metadata_claims(self.type_metadata)
        )
        return {ref.name: ref.labels for ref in refs}


def selective_disclosure(
    payload: Mapping[str, Any],
    claims: Mapping[str, Any],
    disclosures: Iterable[Disclosure],
    *,
    key_binding: Mapping[str, Any] | None,
    type_metadata: Mapping[str, Any] | None,
) -> SelectiveDisclosure:
    """What `disclosures` (verified against the issuer JWT's `payload`, giving `claims`)
    disclosed, and what the holder withheld."""
    by_digest = {disclosure.digest: disclosure for disclosure in disclosures}
    labels = {ref.path: ref.labels for ref in _metadata_claims(type_metadata)}
    shown: dict[ClaimPath, int] = {}
    hidden_elements: dict[ClaimPath, int] = {}
    _walk(payload, (), by_digest, shown, hidden_elements)
    disclosed = [ClaimRef(path, count, labels.get(path, {})) for path, count in shown.items()]
    withheld = [
        ClaimRef(path, count, labels.get(path, {})) for path, count in hidden_elements.items()
    ]
    for ref in _metadata_claims(type_metadata):
        if None in ref.path or ref.path in shown or ref.path in hidden_elements:
            continue
        if (
            ref.sd in DISCLOSABLE
            and _parent_present(claims, ref.path)
            and not _present(claims, ref.path)
        ):
            withheld.append(ClaimRef(ref.path, 1, ref.labels))
    return SelectiveDisclosure(
        disclosed=tuple(disclosed),
        withheld=tuple(withheld),
        key_binding=key_binding,
        type_metadata=type_metadata,
    )


@dataclass(frozen=True, slots=True)
class _MetadataClaim:
    path: ClaimPath
    sd: str
    labels: Mapping[str, str]


def _metadata_claims(type_metadata: Mapping[str, Any] | None) -> list[_MetadataClaim]:
    entries = type_metadata.get("claims") if type_metadata is not None else None
    found: list[_MetadataClaim] = []
    for entry in entries if isinstance(entries, list) else []:
        path = entry.get("path") if isinstance(entry, Mapping) else None
        if not isinstance(path, list) or not all(p is None or isinstance(p, str) for p in path):
            continue
        labels = {
            item["locale"]: item["label"]
            for item in entry.get("display") or []
            if isinstance(item, Mapping)
            and isinstance(item.get("locale"), str)
            and isinstance(item.get("label"), str)
        }
        sd = entry.get("sd")
        found.append(_MetadataClaim(tuple(path), sd if isinstance(sd, str) else "allowed", labels))
    return found


def _walk(
    value: Any,
    path: ClaimPath,
    by_digest: Mapping[str, Disclosure],
    shown: dict[ClaimPath, int],
    hidden: dict[ClaimPath, int],
) -> None:
    """Count, per claim path, the disclosures presented and the array elements withheld."""
    if isinstance(value, Mapping):
        for digest in value.get("_sd") or []:
            disclosure = by_digest.get(digest) if isinstance(digest, str) else None
            if disclosure is not None and disclosure.name is not None:
                child = (*path, disclosure.name)
                shown[child] = shown.get(child, 0) + 1
                _walk(disclosure.value, child, by_digest, shown, hidden)
        for name, item in value.items():
            if name not in ("_sd", "_sd_alg"):
                _walk(item, (*path, name), by_digest, shown, hidden)
    elif isinstance(value, list):
        element_path = (*path, None)
        for element in value:
            digest = element.get("...") if isinstance(element, Mapping) else None
            if not isinstance(digest, str):
                _walk(element, element_path, by_digest, shown, hidden)
                continue
            disclosure = by_digest.get(digest)
            counts = shown if disclosure is not None else hidden
            counts[element_path] = counts.get(element_path, 0) + 1
            if disclosure is not None:
                _walk(disclosure.value, element_path, by_digest, shown, hidden)


def _present(claims: Mapping[str, Any], path: ClaimPath) -> bool:
    value: Any = claims
    for part in path:
        if not isinstance(value, Mapping) or part not in value:
            return False
        value = value[part]
    return True


def _parent_present(claims: Mapping[str, Any], path: ClaimPath) -> bool:
    return len(path) <= 1 or _present(claims, path[:-1])
