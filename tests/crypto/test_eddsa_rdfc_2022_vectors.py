"""Known-answer tests: the W3C vc-di-eddsa `eddsa-rdfc-2022` test vectors, byte for byte.

Vectors: github.com/w3c/vc-di-eddsa TestVectors/ (commit abb673eb, 2025-05-15), read from
tests/vectors/vc-di-eddsa (see its README and manifest). Every intermediate value of
https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022 is compared for both documents:
`unsigned.json` (folder eddsa-rdfc-2022/) and `employmentAuth.json` (folder employ/).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.crypto import data_integrity, multikey
from app.crypto.contexts import PinnedContexts
from app.crypto.multibase import encode_base58btc

CASES = [
    pytest.param("unsigned.json", "eddsa-rdfc-2022", id="alumni"),
    pytest.param("employmentAuth.json", "eddsa-rdfc-2022/employ", id="employment-authorization"),
]


def _json(path: Path) -> dict[str, Any]:
    value = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _key_pair(vectors_dir: Path) -> tuple[Ed25519PrivateKey, str]:
    pair = _json(vectors_dir / "keyPair.json")
    return multikey.private_key_from_multibase(pair["privateKeyMultibase"]), pair[
        "publicKeyMultibase"
    ]


def _proof_options(expected_dir: Path) -> dict[str, Any]:
    proof = dict(_json(expected_dir / "signedDataInt.json")["proof"])
    del proof["proofValue"]
    return proof


def test_key_pair_decodes_to_matching_keys(vectors_dir: Path) -> None:
    private_key, public_multibase = _key_pair(vectors_dir)

    assert public_multibase.startswith("z6Mk")
    assert multikey.public_key_to_multibase(private_key.public_key()) == public_multibase
    assert (
        multikey.private_key_to_multibase(private_key)
        == _json(vectors_dir / "keyPair.json")["privateKeyMultibase"]
    )


@pytest.mark.parametrize(("document_name", "folder"), CASES)
class TestEddsaRdfc2022Vectors:
    """Each step of Create Proof, then Add Proof and Verify Proof, against the vectors."""

    def test_transformation_gives_the_canonical_document(
        self, vectors_dir: Path, vector_contexts: PinnedContexts, document_name: str, folder: str
    ) -> None:
        document = _json(vectors_dir / document_name)
        options = _proof_options(vectors_dir / folder)

        canonical = data_integrity.transformation(document, options, contexts=vector_contexts)

        assert canonical == _text(vectors_dir / folder / "canonDocDataInt.txt")

    def test_proof_configuration_object_and_canonical_form(
        self, vectors_dir: Path, vector_contexts: PinnedContexts, document_name: str, folder: str
    ) -> None:
        document = _json(vectors_dir / document_name)
        options = _proof_options(vectors_dir / folder)

        config = data_integrity.build_proof_config(document, options)
        canonical = data_integrity.proof_configuration(document, options, contexts=vector_contexts)

        assert config == _json(vectors_dir / folder / "proofConfigDataInt.json")
        assert canonical == _text(vectors_dir / folder / "proofCanonDataInt.txt")

    def test_hashing_gives_both_hashes_and_their_concatenation(
        self, vectors_dir: Path, vector_contexts: PinnedContexts, document_name: str, folder: str
    ) -> None:
        expected = vectors_dir / folder
        canonical_document = _text(expected / "canonDocDataInt.txt")
        canonical_config = _text(expected / "proofCanonDataInt.txt")

        hash_data = data_integrity.hashing(canonical_document, canonical_config)

        proof_hash = hashlib.sha256(canonical_config.encode()).hexdigest()
        document_hash = hashlib.sha256(canonical_document.encode()).hexdigest()
        assert proof_hash == _text(expected / "proofHashDataInt.txt")
        assert document_hash == _text(expected / "docHashDataInt.txt")
        assert hash_data.hex() == _text(expected / "combinedHashDataInt.txt")
        assert hash_data[:32].hex() == proof_hash

    def test_proof_serialization_gives_the_signature(
        self, vectors_dir: Path, document_name: str, folder: str
    ) -> None:
        expected = vectors_dir / folder
        private_key, _ = _key_pair(vectors_dir)
        hash_data = bytes.fromhex(_text(expected / "combinedHashDataInt.txt"))

        signature = data_integrity.proof_serialization(hash_data, private_key=private_key)

        assert signature.hex() == _text(expected / "sigHexDataInt.txt")
        assert encode_base58btc(signature) == _text(expected / "sigBTC58DataInt.txt")

    def test_add_proof_gives_the_signed_document(
        self, vectors_dir: Path, vector_contexts: PinnedContexts, document_name: str, folder: str
    ) -> None:
        signed = _json(vectors_dir / folder / "signedDataInt.json")
        private_key, _ = _key_pair(vectors_dir)

        secured = data_integrity.add_proof(
            _json(vectors_dir / document_name),
            private_key=private_key,
            verification_method=signed["proof"]["verificationMethod"],
            created=signed["proof"]["created"],
            contexts=vector_contexts,
        )

        assert secured == signed
        assert list(secured["proof"]) == list(signed["proof"])

    def test_verify_proof_accepts_the_signed_document(
        self, vectors_dir: Path, vector_contexts: PinnedContexts, document_name: str, folder: str
    ) -> None:
        signed = _json(vectors_dir / folder / "signedDataInt.json")
        _, public_multibase = _key_pair(vectors_dir)
        public_key = multikey.public_key_from_did_key(signed["proof"]["verificationMethod"])
        assert multikey.public_key_to_multibase(public_key) == public_multibase

        result = data_integrity.verify_proof(
            signed, public_key=public_key, contexts=vector_contexts
        )

        assert result.verified, result.problems
        assert result.verified_document == _json(vectors_dir / document_name)
