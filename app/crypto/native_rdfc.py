"""The native path of RDFC-1.0 canonicalization: pyld expands once per shape, Rust canonicalizes.

Measured on our credential (about 140 quads): JSON-LD expansion alone takes about 80% of
pyld's `jsonld.normalize`; pyoxigraph's own JSON-LD parser (the pinned contexts inlined)
is only about 2x faster than pyld, as it processes the 18 KB of contexts and their scoped
contexts again for every document, while its RDFC-1.0 (`Dataset.canonicalize`) takes under
a millisecond.

So JSON-LD is not processed again for documents of the same *shape*. A document's shape is
the document with every string that cannot change how JSON-LD interprets it replaced by a
*slot*: keys, numbers, booleans, `@context` values, strings that occur anywhere in the
pinned contexts (terms, types, prefixes) and keyword-like strings stay as they are.
Two slot classes keep apart what expansion treats differently:

- an *IRI slot* holds a string pyld takes for an absolute IRI (a scheme, then no white space)
  whose prefix is no term: expansion keeps it as it is wherever it lands;
- a *text slot* holds a string that neither pyld nor the strict check takes for an absolute
  IRI, with no `:` or one after a prefix that is no term (a dateTime): a literal, or
  relative to `@vocab` or to the (null) base IRI; never a term, so it selects no scoped
  context.

The first two documents of a shape go through pyld (`rdfc.canonicalize_reference`, whose
answer is returned, errors included). At the second, the shape's *probe* (the shape with a
unique sentinel in every slot) is converted to RDF by pyld with the same strict checks, and
each sentinel found in the quads becomes a reference to its slot: a whole literal value, a
whole IRI, or an IRI made of a constant prefix (`@vocab`) and a text slot; a sentinel found
anywhere else (a language tag, inside a JSON literal) means no template. The template is
kept only if filling it with that document's values gives pyld's N-Quads byte for byte.
Later documents of the shape fill the template and pyoxigraph canonicalizes the quads
(https://www.w3.org/TR/rdf-canon/), sorted in code point order.

Why the strict checks hold for every document of a shape: a dropped property depends only on
keys and on the terms in play (type-scoped contexts are selected by `@type` values, which are
terms and so stay in the shape); a relative IRI in `@id` or `@type` depends only on a value's
slot class. Control characters and unsafe integers are values, so `document_shape` refuses
(sends to pyld) any document that has one anywhere, and pyld answers with its own error. An
inline context, an unpinned context URL, a value pyoxigraph refuses as a term, or anything
else this module cannot prove the same also goes to pyld. pyoxigraph is never given JSON-LD,
so it has nothing to fetch. Templates are cached per `PinnedContexts` (so per process, and
per proof worker), at most 256 shapes, least recently used out first.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

import pyoxigraph as ox

from app.crypto.contexts import PinnedContexts

# IRI expansion in pyld (`_expand_iri`) keeps a string as it is when pyld calls it absolute
# (`_is_absolute_iri`: `^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$`, where `+-.` is a range that
# includes the comma); it puts any other after @vocab, or leaves it relative. An IRI slot
# takes only strings that both pyld and the strict check (`rdfc._ABSOLUTE_IRI`, no comma)
# call absolute; a string that only one of them does stays in the shape.
_IRI_SLOT = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")
_PYLD_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
_STRICT_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# The characters RDFC-1.0 and pyld escape differently, and the integers JavaScript rounds,
# are refused by the strict checks; a document holding one is left to pyld, which raises.
_UNPORTABLE_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MAX_SAFE_INTEGER = 2**53 - 1
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_TEMPLATES_PER_CONTEXTS = 256
_IRI = "i"
_TEXT = "t"


class NotNative(Exception):  # a signal to use pyld, never raised to callers
    """The native path cannot prove it gives pyld's answer for this document."""


@dataclass(frozen=True, slots=True)
class Shape:
    """A document's shape: its cache key, the probe sent to pyld, and its slot values."""

    key: bytes
    probe: Any
    values: tuple[str, ...]
    sentinels: tuple[str, ...]
    marker: str


# A template term: an oxigraph term, or (slot, prefix, kind) for a value taken from a slot,
# where kind is "iri", "blank" or a literal's (datatype, language).
_Slot = tuple[int, str, Any]
_Term = Any


@dataclass(frozen=True, slots=True, eq=False)
class Template:
    """The quads of one shape: those without a slot, and those with slot references."""

    constant: tuple[ox.Quad, ...]
    variable: tuple[tuple[_Term, _Term, _Term, _Term], ...]


UNSUPPORTED = Template(constant=(), variable=())
"""Cached for a shape whose documents must go to pyld."""
SEEN = Template(constant=(), variable=())
"""Cached for a shape seen once: its template is built when a second document has it, so a
stream of one-off shapes (untrusted documents under verification) costs pyld's time alone."""


class NativeState:
    """Per-`PinnedContexts` data: the strings of the pinned contexts and the templates."""

    def __init__(self, contexts: PinnedContexts) -> None:
        self.urls = contexts.urls
        self.context_strings = frozenset(_strings_of(list(contexts.documents.values())))
        # A per-instance marker keeps sentinels apart from any string a document can hold.
        self.marker = "s" + secrets.token_hex(8)
        self._templates: OrderedDict[bytes, Template] = OrderedDict()
        self._lock = threading.Lock()

    def template(self, key: bytes) -> Template | None:
        """The template cached for a shape key, if any."""
        with self._lock:
            template = self._templates.get(key)
            if template is not None:
                self._templates.move_to_end(key)
            return template

    def remember(self, key: bytes, template: Template) -> None:
        """Cache a template (or `UNSUPPORTED`) for a shape key, least recently used out first."""
        with self._lock:
            self._templates[key] = template
            self._templates.move_to_end(key)
            while len(self._templates) > _TEMPLATES_PER_CONTEXTS:
                self._templates.popitem(last=False)


_states: WeakKeyDictionary[PinnedContexts, NativeState] = WeakKeyDictionary()
_states_lock = threading.Lock()


def state_for(contexts: PinnedContexts) -> NativeState:
    """The native state of a `PinnedContexts`, built on first use."""
    with _states_lock:
        state = _states.get(contexts)
        if state is None:
            state = _states[contexts] = NativeState(contexts)
        return state


def document_shape(document: Mapping[str, Any], state: NativeState) -> Shape:
    """The shape of a document (see the module docstring); `NotNative` if it has none."""
    values: list[str] = []
    sentinels: list[str] = []

    def slot(value: str, kind: str) -> str:
        sentinel = (
            f"{state.marker}{len(values)}{_TEXT}"
            if kind == _TEXT
            else f"x-{state.marker}:{len(values)}"
        )
        values.append(value)
        sentinels.append(sentinel)
        return sentinel

    def shape(item: Any, under_context: bool) -> Any:
        if isinstance(item, str):
            if _UNPORTABLE_CHARACTERS.search(item) or state.marker in item:
                raise NotNative
            if under_context:
                if item not in state.urls:
                    raise NotNative
                return item
            return _classify(item, state, slot)
        if isinstance(item, bool) or item is None:
            return item
        if isinstance(item, int):
            if abs(item) > _MAX_SAFE_INTEGER:
                raise NotNative
            return item
        if isinstance(item, float):
            return item
        if isinstance(item, list):
            return [shape(element, under_context) for element in item]
        if isinstance(item, dict):
            if under_context:
                raise NotNative  # an inline context
            shaped: dict[str, Any] = {}
            for key, value in item.items():
                if not isinstance(key, str) or _UNPORTABLE_CHARACTERS.search(key):
                    raise NotNative
                if state.marker in key:
                    raise NotNative
                shaped[key] = shape(value, key == "@context")
            return shaped
        raise NotNative

    probe = shape(dict(document), False)
    key = hashlib.sha256(json.dumps(probe).encode("ascii")).digest()
    return Shape(
        key=key,
        probe=probe,
        values=tuple(values),
        sentinels=tuple(sentinels),
        marker=state.marker,
    )


def _classify(value: str, state: NativeState, slot: Any) -> str:
    """The string itself when it can change JSON-LD processing, else an IRI or text slot."""
    if not value or value.startswith("@") or value in state.context_strings:
        return value
    colon = value.find(":")
    if colon < 0:
        return str(slot(value, _TEXT))
    prefix, suffix = value[:colon], value[colon + 1 :]
    if prefix == "_" or prefix in state.context_strings:
        return value  # a blank node, or a compact IRI (a term would be its prefix)
    if _IRI_SLOT.match(value):
        return str(slot(value, _IRI))
    if (
        colon == 0
        or suffix.startswith("//")
        or _PYLD_ABSOLUTE_IRI.match(value)
        or _STRICT_ABSOLUTE_IRI.match(value)
    ):
        return value
    # Not absolute for pyld nor for the strict check, like a string without ":" (a
    # dateTime, say): pyld puts it after @vocab or leaves it relative, as a text slot.
    return str(slot(value, _TEXT))


def build_template(shape: Shape, rdf: Mapping[str, Any]) -> Template:
    """The template of a shape from pyld's RDF dataset of its probe (`jsonld.to_rdf`).

    Raises `NotNative` where a sentinel shows up anywhere but a whole literal value, a whole
    IRI or (text slots) the end of an IRI: a language tag, a datatype, part of a literal.
    """
    index = {sentinel: number for number, sentinel in enumerate(shape.sentinels)}
    marker = shape.marker
    constant: list[ox.Quad] = []
    variable: list[tuple[_Term, _Term, _Term, _Term]] = []
    for graph_name, triples in rdf.items():
        graph = (
            ox.DefaultGraph()
            if graph_name == "@default"
            else _node(
                {
                    "type": "blank node" if graph_name.startswith("_:") else "IRI",
                    "value": graph_name,
                },
                index,
                marker,
            )
        )
        for triple in triples:
            quad = (
                _node(triple["subject"], index, marker),
                _node(triple["predicate"], index, marker),
                _object(triple["object"], index, marker),
                graph,
            )
            if any(isinstance(term, tuple) for term in quad):
                variable.append(quad)
            else:
                constant.append(_quad(quad))
    return Template(constant=tuple(constant), variable=tuple(variable))


def _quad(terms: tuple[Any, Any, Any, Any]) -> ox.Quad:
    try:
        return ox.Quad(*terms)
    except (ValueError, TypeError) as error:
        raise NotNative from error


def _node(term: Mapping[str, Any], index: Mapping[str, int], marker: str) -> _Term:
    value = term["value"]
    if term["type"] == "blank node":
        _no_marker(value, marker)
        return ox.BlankNode(value[2:])
    if term["type"] != "IRI":
        raise NotNative
    if value in index:
        return (index[value], "", "iri")
    if marker in value:
        for sentinel, number in index.items():
            if sentinel.endswith(_TEXT) and value.endswith(sentinel):
                prefix = value[: -len(sentinel)]
                _no_marker(prefix, marker)
                return (number, prefix, "iri")
        raise NotNative
    return ox.NamedNode(value)


def _object(term: Mapping[str, Any], index: Mapping[str, int], marker: str) -> _Term:
    if term["type"] != "literal":
        return _node(term, index, marker)
    value, datatype, language = term["value"], term.get("datatype"), term.get("language")
    for part in (datatype, language):
        if isinstance(part, str):
            _no_marker(part, marker)
    kind = (datatype, language)
    if value in index:
        return (index[value], "", kind)
    _no_marker(value, marker)
    return _literal(value, datatype, language)


def _no_marker(text: str, marker: str) -> None:
    if marker in text:
        raise NotNative


def _literal(value: str, datatype: str | None, language: str | None) -> ox.Literal:
    if language is not None:
        if datatype not in (None, _RDF_LANG_STRING):
            raise NotNative  # directional literals and other forms pyld might write
        return ox.Literal(value, language=language)
    if datatype is None or datatype == _XSD_STRING:
        return ox.Literal(value)
    return ox.Literal(value, datatype=ox.NamedNode(datatype))


def fill(template: Template, values: tuple[str, ...]) -> str:
    """The canonical N-Quads of a template filled with a document's slot values.

    RDFC-1.0 by pyoxigraph (https://www.w3.org/TR/rdf-canon/), then the N-Quads sorted in
    code point order as the specification's step 7 says. Raises `NotNative` if a value is
    not a term pyoxigraph accepts (an IRI with spaces, say): pyld then decides.
    """
    try:
        dataset = ox.Dataset(template.constant)
        for subject, predicate, object_, graph in template.variable:
            dataset.add(
                ox.Quad(
                    _fill(subject, values),
                    _fill(predicate, values),
                    _fill(object_, values),
                    _fill(graph, values),
                )
            )
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    except (ValueError, TypeError, UnicodeError) as error:
        raise NotNative from error
    # Split on "\n" alone: literals may hold U+2028 or U+0085, which `splitlines` splits on.
    # Each line keeps its "\n", which takes part in the sort order as in pyld.
    lines = [line + "\n" for line in str(dataset).split("\n") if line]
    lines.sort()
    return "".join(lines)


def _fill(term: _Term, values: tuple[str, ...]) -> Any:
    if not isinstance(term, tuple):
        return term
    number, prefix, kind = term
    value = prefix + values[number]
    if kind == "iri":
        return ox.NamedNode(value)
    datatype, language = kind
    return _literal(value, datatype, language)


def _strings_of(item: Any) -> Iterator[str]:
    """Every key and string value in a JSON structure (the pinned contexts)."""
    stack = [item]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            yield current
        elif isinstance(current, list):
            stack.extend(current)
        elif isinstance(current, dict):
            stack.extend(current.keys())
            stack.extend(current.values())
