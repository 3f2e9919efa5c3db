"""The native canonicalization path gives pyld's bytes and pyld's errors on the whole corpus.

Each document is canonicalized by `rdfc.canonicalize` at first sight (pyld answers), at
second sight (pyld answers and the shape's template is built), again (the native path), and
as variants with other values in every slot (the native path with values it has not seen).
Each answer must equal `rdfc.canonicalize_reference` (pyld alone), byte for byte or error
for error. Then values that pyld treats differently are put into warm shapes.
"""

from __future__ import annotations

import copy
import functools
import json
import socket
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest

from app.credentials.builder import Assessment, EvidenceItem, Issuer, Recipient, build_credential
from app.crypto import native_rdfc, rdfc
from app.crypto.contexts import PinnedContexts
from app.crypto.data_integrity import build_proof_config
from app.crypto.errors import CryptoError, DataLossDetectionError, UnknownContextError
from app.crypto.workers import ProofWorkers, worker_contexts
from app.standards.schemas import StandardRead
from app.status.builder import build_list_credential, status_entry
from tests.crypto.factories import OB_V3P0, VCDM_V2, ob_credential

REPO_ROOT = Path(__file__).resolve().parents[2]
CURRICULA = sorted((REPO_ROOT / "curricula").glob("*.json"))
BASE_URL = "https://credentials.nassc.example"
ISSUER = Issuer(did="did:web:credentials.nassc.example", name="NASSC", url=BASE_URL)
MOMENT = datetime(2026, 11, 20, 15, 4, 5, tzinfo=UTC)
PROOF_OPTIONS = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": "2026-11-20T15:04:05Z",
    "verificationMethod": "did:web:credentials.nassc.example#key-1",
    "proofPurpose": "assertionMethod",
}
TRICKY_TEXT = ' é\t"\\\n😀\u2028 — «x»'


def _standard(path: Path) -> StandardRead:
    return StandardRead.model_validate(json.loads(path.read_text(encoding="utf-8")))


def _our_credential(standard: StandardRead, n: int) -> dict[str, Any]:
    evidence = (
        (EvidenceItem(name="Practical", narrative="Twenty joints", url=f"{BASE_URL}/e/{n}"),)
        if n % 2
        else ()
    )
    return build_credential(
        credential_id=f"2f0b6c7e-4a4f-4c1e-9a55-0c3f3c1f7a{n:02d}",
        issuer=ISSUER,
        standard=standard,
        base_url=BASE_URL,
        recipient=Recipient(
            name=f"Worker {n}",
            email=f"worker{n}@example.com",
            did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK" if n % 3 == 0 else None,
        ),
        salt=f"{n:032x}",
        assessment=Assessment(
            completed_on=date(2026, 11, 1 + n),
            score_percent=None if n % 2 else 80.0 + n,
            evidence=evidence,
        ),
        status_entries=[
            status_entry(base_url=BASE_URL, list_id=3, index=9000 + n, purpose="revocation"),
            status_entry(base_url=BASE_URL, list_id=4, index=9000 + n, purpose="suspension"),
        ],
        issued_at=MOMENT,
        valid_from=MOMENT,
        valid_until=MOMENT.replace(year=2031) if n % 2 else None,
    )


def _status_list(purpose: str) -> dict[str, Any]:
    return build_list_credential(
        url=f"{BASE_URL}/status/3",
        issuer=ISSUER.did,
        purpose=purpose,
        encoded_list="uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
        valid_from=MOMENT,
        ttl_ms=300_000,
    )


def _presentation(*credentials: Any) -> dict[str, Any]:
    return {
        "@context": [VCDM_V2],
        "type": ["VerifiablePresentation"],
        "holder": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "verifiableCredential": list(credentials),
    }


def _vector(name: str) -> dict[str, Any]:
    value = json.loads((REPO_ROOT / "tests/vectors/vc-di-eddsa" / name).read_text("utf-8"))
    assert isinstance(value, dict)
    return value


def _our_corpus() -> list[Any]:
    documents: list[Any] = []
    for path in CURRICULA:
        standard = _standard(path)
        for n in range(4):
            credential = _our_credential(standard, n)
            documents.append(pytest.param(credential, id=f"{path.stem}-{n}"))
            documents.append(
                pytest.param(
                    build_proof_config(credential, PROOF_OPTIONS), id=f"{path.stem}-{n}-proof"
                )
            )
    return documents


OURS = [
    *_our_corpus(),
    pytest.param(ob_credential(), id="ob-factory"),
    pytest.param(_status_list("revocation"), id="status-list-revocation"),
    pytest.param(_status_list("suspension"), id="status-list-suspension"),
    pytest.param(_presentation(ob_credential()), id="presentation-embedded"),
    pytest.param(
        _presentation(
            {
                "@context": [VCDM_V2],
                "id": "data:application/vc+jwt,eyJhbGciOiJFZERTQSJ9.e30.c2ln",
                "type": "EnvelopedVerifiableCredential",
            }
        ),
        id="presentation-enveloped",
    ),
]

VECTORS = [
    pytest.param(_vector("unsigned.json"), id="w3c-alumni"),
    pytest.param(_vector("employmentAuth.json"), id="w3c-employment-authorization"),
    pytest.param(
        {k: v for k, v in _vector("eddsa-rdfc-2022/signedDataInt.json").items() if k != "proof"},
        id="w3c-signed-unsecured",
    ),
    pytest.param(
        build_proof_config(
            _vector("unsigned.json"),
            {
                k: v
                for k, v in _vector("eddsa-rdfc-2022/signedDataInt.json")["proof"].items()
                if k != "proofValue"
            },
        ),
        id="w3c-proof-config",
    ),
]


def _hostile(**changes: Any) -> dict[str, Any]:
    return ob_credential(**changes)


def _subject_with(**changes: Any) -> dict[str, Any]:
    credential = ob_credential()
    credential["credentialSubject"].update(changes)
    return credential


HOSTILE = [
    pytest.param(_hostile(id="relative/credential"), id="relative-id"),
    pytest.param(_hostile(id="_:b7"), id="blank-node-id"),
    pytest.param(_hostile(type=["VerifiableCredential", "Unknown Type"]), id="unknown-type"),
    pytest.param(_hostile(name="bell\x07"), id="control-character"),
    pytest.param(_hostile(**{"name\x01": "x"}), id="control-character-key"),
    pytest.param(_hostile(name='tab\tnewline\nquote"backslash\\'), id="escaped-characters"),
    pytest.param(_hostile(description="\ud800"), id="lone-surrogate"),
    pytest.param(_subject_with(score=2**53), id="unsafe-integer"),
    pytest.param(_subject_with(score=2**53 - 1), id="safe-integer"),
    pytest.param(_subject_with(score=0.1), id="float"),
    pytest.param(_subject_with(score=1e21), id="large-float"),
    pytest.param(_subject_with(hashed=False), id="boolean"),
    pytest.param(_hostile(**{"@context": [VCDM_V2, OB_V3P0, {"name": None}]}), id="term-nulled"),
    pytest.param(_hostile(**{"@context": [OB_V3P0]}), id="no-vocab"),
    pytest.param(_hostile(**{"@context": [VCDM_V2, {"x": "http://ex/"}]}), id="inline-context"),
    pytest.param(_hostile(**{"@bogus": "x"}), id="unknown-keyword"),
    pytest.param(_hostile(**{"undefinedTerm": "kept via @vocab"}), id="vocab-term"),
    pytest.param(_hostile(**{"ex:prop": "compact IRI, undefined prefix"}), id="undefined-prefix"),
    pytest.param(_hostile(issuer="https://issuer.example/with space"), id="iri-with-space"),
    pytest.param(_hostile(issuer="not an iri"), id="issuer-text"),
    pytest.param(_hostile(validFrom="2026-03-01T00:00:00+01:00"), id="colon-text"),
    pytest.param(_hostile(name={"@value": "Nom", "@language": "FR"}), id="language-tag"),
    pytest.param(_hostile(name={"@value": "n", "@direction": "rtl"}), id="direction"),
    pytest.param(_hostile(name=[]), id="empty-list"),
    pytest.param(_hostile(name=""), id="empty-string"),
    pytest.param(_hostile(name=None), id="null-value"),
    pytest.param(_hostile(name="@id"), id="keyword-string"),
    pytest.param(
        _hostile(**{"@context": [VCDM_V2, "https://unpinned.example/ctx"]}), id="unpinned"
    ),
    pytest.param(_hostile(**{"@context": VCDM_V2}), id="context-string"),
    pytest.param(
        _presentation(ob_credential(**{"@context": [VCDM_V2, "https://unpinned.example/c"]})),
        id="unpinned-nested",
    ),
]


def _outcome(function: Callable[[], str]) -> tuple[str, str]:
    try:
        return ("ok", function())
    except CryptoError as error:
        return (type(error).__name__, error.detail)
    except UnicodeError as error:  # pyld's own, for a lone surrogate: the same on both paths
        return (type(error).__name__, str(error))


def _variant(document: Any, strings: frozenset[str], suffix: str, *, texts_only: bool) -> Any:
    """The document with other values in its slots: `suffix` appended to each slot string."""
    if isinstance(document, list):
        return [_variant(item, strings, suffix, texts_only=texts_only) for item in document]
    if isinstance(document, dict):
        return {
            key: value
            if key == "@context"
            else _variant(value, strings, suffix, texts_only=texts_only)
            for key, value in document.items()
        }
    if (
        isinstance(document, str)
        and document
        and not document.startswith("@")
        and document not in strings
        and not (texts_only and ":" in document)
    ):
        return document + suffix
    return document


def _check(document: dict[str, Any], contexts: PinnedContexts) -> None:
    reference = _outcome(lambda: rdfc.canonicalize_reference(document, contexts))
    for _ in range(3):  # seen, template built, native
        assert _outcome(lambda: rdfc.canonicalize(document, contexts)) == reference
    strings = native_rdfc.state_for(contexts).context_strings
    for variant in (
        _variant(document, strings, "Z", texts_only=False),
        _variant(document, strings, TRICKY_TEXT, texts_only=True),
    ):
        expected = _outcome(functools.partial(rdfc.canonicalize_reference, variant, contexts))
        assert _outcome(functools.partial(rdfc.canonicalize, variant, contexts)) == expected


def _template(document: dict[str, Any], contexts: PinnedContexts) -> native_rdfc.Template | None:
    state = native_rdfc.state_for(contexts)
    return state.template(native_rdfc.document_shape(document, state).key)


@pytest.mark.parametrize("document", OURS)
def test_our_documents_canonicalize_natively_as_pyld_does(
    document: dict[str, Any], contexts: PinnedContexts
) -> None:
    _check(document, contexts)

    template = _template(document, contexts)
    assert template not in (None, native_rdfc.SEEN, native_rdfc.UNSUPPORTED)


@pytest.mark.parametrize("document", VECTORS)
def test_w3c_vectors_canonicalize_as_pyld_does(
    document: dict[str, Any], vector_contexts: PinnedContexts
) -> None:
    _check(document, vector_contexts)


@pytest.mark.parametrize("document", HOSTILE)
def test_hostile_documents_get_pyld_answers(
    document: dict[str, Any], contexts: PinnedContexts
) -> None:
    # The shape of the plain credential is warm, so a hostile document that shares it
    # would be answered natively.
    for _ in range(3):
        rdfc.canonicalize(ob_credential(), contexts)

    _check(document, contexts)


POSITIONS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "id": lambda d, v: d.update(id=v),
    "type": lambda d, v: d.update(type=["VerifiableCredential", "OpenBadgeCredential", v]),
    "issuer": lambda d, v: d.update(issuer=v),
    "issuer-url": lambda d, v: d["issuer"].update(url=v),
    "name": lambda d, v: d.update(name=v),
    "achievement-id": lambda d, v: d["credentialSubject"]["achievement"].update(id=v),
    "achievement-type": lambda d, v: d["credentialSubject"]["achievement"].update(
        achievementType=v
    ),
    "status-purpose": lambda d, v: d["credentialStatus"].update(statusPurpose=v),
    "valid-from": lambda d, v: d.update(validFrom=v),
}
SLOT_VALUES = [
    "urn:example:benign",
    "Benign text",
    "ex:Foo\u00a0Bar",
    "urn:x\u00a0y",
    "a:b c",
    "a:b\n",
    "urn:x y",
    "urn:x\u2028y",
    "relative",
    "relative/path",
    "#frag",
    "//host/x",
    "?q=1",
    "_:b1",
    "ex:Foo",
    "did:example:x",
    "http://[bad",
    "a,b:c",
    "\ud800",
    "urn:\ud800",
    "Certification",
    "revocation",
    "OpenBadgeCredential",
    "2026-03-01T00:00:00+01:00",
    "2026-11-20T15:04:05Z",
    "1:2",
    "1:2 3",
    "a b:c",
    "a:b:c",
    "a://b c",
    "urn:x\ty",
    ":leading-colon",
]


@pytest.mark.parametrize("position", list(POSITIONS))
def test_values_in_a_warm_shape_get_pyld_answers(position: str, contexts: PinnedContexts) -> None:
    usable = 0
    for warm_value in ("urn:example:benign", "Benign text", "2026-01-01T00:00:00Z"):
        warm = ob_credential()
        POSITIONS[position](warm, warm_value)
        for _ in range(3):
            _outcome(functools.partial(rdfc.canonicalize, warm, contexts))
        usable += _template(warm, contexts) not in (None, native_rdfc.SEEN, native_rdfc.UNSUPPORTED)
    assert usable  # the native path answers for this position

    for value in SLOT_VALUES:
        document = ob_credential()
        POSITIONS[position](document, value)
        expected = _outcome(functools.partial(rdfc.canonicalize_reference, document, contexts))
        assert _outcome(functools.partial(rdfc.canonicalize, document, contexts)) == expected, (
            position,
            value,
        )


def test_a_very_deep_document_fails_as_in_pyld(contexts: PinnedContexts) -> None:
    document = ob_credential()
    deep: dict[str, Any] = document["credentialSubject"]
    for _ in range(3000):
        deep["narrative"] = {"type": "Thing"}
        deep = deep["narrative"]

    with pytest.raises(Exception) as native:
        rdfc.canonicalize(document, contexts)
    with pytest.raises(Exception) as reference:
        rdfc.canonicalize_reference(document, contexts)

    assert type(native.value) is type(reference.value)


def test_a_slot_value_cannot_hide_a_relative_iri(contexts: PinnedContexts) -> None:
    warm = ob_credential()
    for _ in range(3):
        assert rdfc.canonicalize(warm, contexts) == rdfc.canonicalize_reference(warm, contexts)

    hostile = copy.deepcopy(warm)
    hostile["credentialSubject"]["achievement"]["id"] = "achievements/cwi-2"

    with pytest.raises(DataLossDetectionError, match="relative IRI"):
        rdfc.canonicalize(hostile, contexts)


def test_unpinned_context_is_refused_without_a_fetch(
    contexts: PinnedContexts, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    document = ob_credential(**{"@context": [VCDM_V2, "https://unpinned.example/v1"]})

    for _ in range(2):
        with pytest.raises(UnknownContextError):
            rdfc.canonicalize(document, contexts)


def test_native_path_never_parses_json_ld_with_pyoxigraph(
    contexts: PinnedContexts, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("pyoxigraph was given a document to parse")

    monkeypatch.setattr(pyoxigraph, "parse", refuse)
    document = ob_credential()

    results = {rdfc.canonicalize(document, contexts) for _ in range(3)}

    assert results == {rdfc.canonicalize_reference(document, contexts)}


def _native_in_worker() -> bool:
    """In a proof worker: whether our credential is answered by the native path, as pyld."""
    contexts = worker_contexts()
    document = ob_credential()
    answers = {rdfc.canonicalize(document, contexts) for _ in range(3)}
    template = _template(document, contexts)
    return answers == {rdfc.canonicalize_reference(document, contexts)} and template not in (
        None,
        native_rdfc.SEEN,
        native_rdfc.UNSUPPORTED,
    )


def test_proof_workers_use_the_native_path() -> None:
    workers = ProofWorkers(REPO_ROOT / "credentials" / "contexts", processes=1)
    try:
        assert workers.submit(_native_in_worker).result(timeout=120)
    finally:
        workers.shutdown()


def test_templates_are_per_contexts_instance(contexts: PinnedContexts) -> None:
    other = PinnedContexts.load(REPO_ROOT / "credentials" / "contexts")

    assert native_rdfc.state_for(other) is not native_rdfc.state_for(contexts)
    assert native_rdfc.state_for(other).marker != native_rdfc.state_for(contexts).marker


def test_corpus_size() -> None:
    assert len(OURS) + len(VECTORS) + len(HOSTILE) >= 70
