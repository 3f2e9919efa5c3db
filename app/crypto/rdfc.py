"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents, refusing lossy input.

The reference is pyld's `jsonld.normalize` (`canonicalize_reference`). pyld 3.3 names the
algorithm `URDNA2015`, the name RDFC-1.0 had before standardization
(https://www.w3.org/TR/rdf-canon/); it accepts no `RDFC-1.0` alias. `canonicalize` answers
from the native path (`app.crypto.native_rdfc`: pyld's conversion to RDF reused per document
shape, pyoxigraph's RDFC-1.0) when it can prove the answer is pyld's, and from pyld otherwise.

On top of pyld, every document is checked after JSON-LD expansion and before conversion to
RDF. That conversion silently drops what it cannot represent, and dropped data would go
unsigned (https://www.w3.org/TR/vc-data-integrity/#securing-data-losslessly); other values
would canonicalize differently in other implementations, so their verifiers would fail our
signatures. Refused (`DataLossDetectionError`):

- properties that do not expand to an absolute IRI (undefined terms, terms mapped to null);
- relative IRIs in `@id` or `@type` (the base IRI is null, so they cannot be resolved);
- control characters that pyld escapes differently from RDFC-1.0's canonical N-Quads
  (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+007F): pyld 3.3 writes them raw, while
  RDFC-1.0 writes `\\b`, `\\f` or `\\u00XX`, so other verifiers would hash other bytes;
- integers beyond ±(2^53 − 1), which JavaScript processors read as rounded doubles.

Limitation: pyld has no RDFC-1.0 limit on the work spent on "poison" datasets (many
indistinguishable blank nodes); callers that verify untrusted documents should bound their size.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pyld import jsonld

from app.crypto import native_rdfc
from app.crypto.contexts import PinnedContexts
from app.crypto.errors import CryptoError, DataLossDetectionError, ProofTransformationError

PYLD_ALGORITHM = "URDNA2015"
NQUADS = "application/n-quads"

_BAD_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_MAX_REPORTED = 20
# JSON numbers are IEEE doubles in JavaScript processors; a larger integer would be rounded
# there and canonicalize differently from Python's exact value.
_MAX_SAFE_INTEGER = 2**53 - 1


def canonicalize(document: Mapping[str, Any], contexts: PinnedContexts) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document (https://www.w3.org/TR/rdf-canon/).

    The native path (`app.crypto.native_rdfc`) answers for a document whose shape pyld has
    already checked and converted; anything else goes to pyld (`canonicalize_reference`),
    so the output and the errors are pyld's. Raises `UnknownContextError` for a context that
    is not pinned, `DataLossDetectionError` for content that would be dropped or
    canonicalized unportably (see the module docstring), and `ProofTransformationError` for
    any other JSON-LD error.
    """
    state = native_rdfc.state_for(contexts)
    try:
        shape = native_rdfc.document_shape(document, state)
    except (native_rdfc.NotNative, RecursionError):
        # pyld answers (a very deep document fails there as it always did)
        return canonicalize_reference(document, contexts)
    template = state.template(shape.key)
    usable = template not in (None, native_rdfc.SEEN, native_rdfc.UNSUPPORTED)
    if template is not None and usable:
        try:
            return native_rdfc.fill(template, shape.values)
        except native_rdfc.NotNative:
            return canonicalize_reference(document, contexts)
    canonical = canonicalize_reference(document, contexts)
    if template is None:
        state.remember(shape.key, native_rdfc.SEEN)
    elif template is native_rdfc.SEEN:
        state.remember(shape.key, _template_checked_against(shape, canonical, contexts))
    return canonical


def _template_checked_against(
    shape: native_rdfc.Shape, canonical: str, contexts: PinnedContexts
) -> native_rdfc.Template:
    """The shape's template if, filled with this document's values, it gives pyld's N-Quads."""
    try:
        template = native_rdfc.build_template(shape, to_rdf_strict(shape.probe, contexts))
        filled = native_rdfc.fill(template, shape.values)
    except Exception:
        # pyld has answered for this document; whatever fails here only means no template.
        return native_rdfc.UNSUPPORTED
    return template if filled == canonical else native_rdfc.UNSUPPORTED


def canonicalize_reference(document: Mapping[str, Any], contexts: PinnedContexts) -> str:
    """`canonicalize` by pyld alone (`jsonld.normalize`): the reference the native path matches."""
    processor = _StrictProcessor()
    with contexts.jsonld_options() as options:
        options.update({"algorithm": PYLD_ALGORITHM, "format": NQUADS})
        canonical = _run_pyld(lambda: processor.normalize(dict(document), options))
    # Fail closed if a pyld upgrade stops routing normalization through `expand`.
    if not processor.checked:
        raise ProofTransformationError("JSON-LD expansion was not checked for data loss")
    if not isinstance(canonical, str):
        raise ProofTransformationError("canonicalization did not produce N-Quads")
    return canonical


def to_rdf_strict(document: Mapping[str, Any], contexts: PinnedContexts) -> dict[str, Any]:
    """pyld's RDF dataset of a document (`jsonld.to_rdf`), with the checks of `expand_strict`."""
    processor = _StrictProcessor()
    with contexts.jsonld_options() as options:
        options["produceGeneralizedRdf"] = False  # as `jsonld.normalize` converts
        dataset = _run_pyld(lambda: processor.to_rdf(dict(document), options))
    if not processor.checked:
        raise ProofTransformationError("JSON-LD expansion was not checked for data loss")
    if not isinstance(dataset, dict):
        raise ProofTransformationError("conversion to RDF did not produce a dataset")
    return dataset


def expand_strict(document: Mapping[str, Any], contexts: PinnedContexts) -> list[Any]:
    """JSON-LD expansion (https://www.w3.org/TR/json-ld11-api/#expansion) that loses nothing.

    Raises like `canonicalize`; `DataLossDetectionError.dropped` lists what would be lost.
    """
    processor = _StrictProcessor()
    with contexts.jsonld_options() as options:
        expanded = _run_pyld(lambda: processor.expand(dict(document), options))
    if not isinstance(expanded, list):
        raise ProofTransformationError("JSON-LD expansion did not produce a list")
    return expanded


class _StrictProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]  # pyld is untyped
    """A pyld processor that records dropped properties and checks every expansion it does.

    `normalize` reaches expansion through `to_rdf` → `self.expand`, so overriding the public
    `expand` checks the same expansion that is then canonicalized, with no second pass.
    """

    def __init__(self) -> None:
        self.dropped: list[str] = []
        self.checked = False
        super().__init__(on_property_dropped=self._on_property_dropped)

    def _on_property_dropped(self, expanded_property: str | None) -> None:
        self.dropped.append(
            "(a term mapped to null, or an unknown @keyword)"
            if expanded_property is None
            else expanded_property
        )

    def expand(self, input_: Any, options: Any) -> Any:
        expanded = super().expand(input_, options)
        problems = [f"property {term!r} does not map to an IRI" for term in self.dropped]
        problems.extend(_lossy_values(expanded))
        if problems:
            shown = "; ".join(problems[:_MAX_REPORTED])
            if len(problems) > _MAX_REPORTED:
                shown += f" (and {len(problems) - _MAX_REPORTED} more)"
            raise DataLossDetectionError(
                f"JSON-LD processing would lose data: {shown}", dropped=tuple(problems)
            )
        self.checked = True
        return expanded


def _lossy_values(expanded: Any) -> Iterator[str]:
    """Problems in expanded JSON-LD that conversion to canonical N-Quads would hide."""
    stack: list[Any] = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key == "@value":
                    # A literal (possibly a whole JSON literal): only its characters matter.
                    yield from _literal_problems(value)
                    continue
                yield from _literal_problems(key)
                if key == "@id" and isinstance(value, str) and not _is_iri_or_blank(value):
                    yield f"relative IRI {value!r} in @id"
                elif key == "@type":
                    for type_ in value if isinstance(value, list) else [value]:
                        if isinstance(type_, str) and not _is_type_reference(type_):
                            yield f"relative IRI {type_!r} in @type"
                stack.append(value)
        else:
            yield from _literal_problems(item)


def _literal_problems(value: Any) -> Iterator[str]:
    """Characters and numbers in a literal that other RDFC-1.0 implementations would differ on."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _BAD_CHARACTERS.search(item):
                yield f"string {item[:40]!r} contains a control character"
        elif isinstance(item, int) and not isinstance(item, bool):
            if abs(item) > _MAX_SAFE_INTEGER:
                yield f"integer {item} is not exact as a JSON number in other processors"
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())


def _is_iri_or_blank(value: str) -> bool:
    return value.startswith("_:") or _ABSOLUTE_IRI.match(value) is not None


def _is_type_reference(value: str) -> bool:
    # `@json` is the JSON literal datatype keyword, kept as-is by expansion.
    return value == "@json" or _is_iri_or_blank(value)


def _run_pyld(operation: Callable[[], Any]) -> Any:
    """Run a pyld call, turning its errors into ours (keeping an `UnknownContextError` cause)."""
    try:
        return operation()
    except CryptoError:
        raise
    except jsonld.JsonLdError as error:
        cause: BaseException | None = error
        while cause is not None:
            if isinstance(cause, CryptoError):
                raise cause from error
            cause = cause.__cause__
        raise ProofTransformationError(f"JSON-LD processing failed: {_describe(error)}") from error
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError) as error:
        # pyld 3.3 has input it does not guard: a scoped context with `"@vocab": null` where
        # no vocabulary was set raises KeyError from its context processing. Input we cannot
        # process is refused like any other JSON-LD error, never a server error.
        raise ProofTransformationError(
            f"JSON-LD processing failed: {type(error).__name__}"
        ) from error


def _describe(error: BaseException) -> str:
    """The innermost message of a pyld error chain, which names the actual problem."""
    innermost = error
    while innermost.__cause__ is not None:
        innermost = innermost.__cause__
    message = str(innermost.args[0]) if innermost.args else type(innermost).__name__
    code = getattr(innermost, "code", None)
    return f"{message} ({code})" if isinstance(code, str) and code else message
