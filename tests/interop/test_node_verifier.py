"""The independent Node verifier (Digital Bazaar libraries) against the W3C test vector.

These tests check the harness itself: the published eddsa-rdfc-2022 vector verifies, and
tampering with the document or the signature is caught. Tests of our own credentials use
`run_node_verifier` from `tests.interop.node_verifier`.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from . import node_verifier
from .node_verifier import (
    NodeVerifierError,
    NodeVerifierUnavailable,
    run_node_verifier,
    run_node_verifier_batch,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
VECTORS = REPO_ROOT / "tests" / "vectors" / "vc-di-eddsa"
CONTEXTS = REPO_ROOT / "credentials" / "contexts"


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def signed() -> dict[str, Any]:
    """The W3C vc-di-eddsa signed vector (eddsa-rdfc-2022/signedDataInt.json)."""
    document: dict[str, Any] = _load_json(VECTORS / "eddsa-rdfc-2022" / "signedDataInt.json")
    return document


@pytest.fixture(scope="module")
def vector_key() -> list[dict[str, Any]]:
    """The vector's did:key verification method, built from keyPair.json."""
    public_key: str = _load_json(VECTORS / "keyPair.json")["publicKeyMultibase"]
    controller = f"did:key:{public_key}"
    return [
        {
            "id": f"{controller}#{public_key}",
            "type": "Multikey",
            "controller": controller,
            "publicKeyMultibase": public_key,
        }
    ]


def _tamper_proof_value(proof_value: str) -> str:
    """Change one base58btc character in the middle of a multibase signature."""
    middle = len(proof_value) // 2
    replacement = "2" if proof_value[middle] != "2" else "3"
    return proof_value[:middle] + replacement + proof_value[middle + 1 :]


def test_w3c_vector_verifies(signed: dict[str, Any], vector_key: list[dict[str, Any]]) -> None:
    # The vector's issuer (https://vc.example/issuers/5678) is not its key's controller
    # (a did:key): it tests the cryptosuite only, so the issuer binding is switched off.
    result = run_node_verifier(signed, vector_key, CONTEXTS, check_issuer=False)
    assert result.verified, result.error
    assert result.error is None


def test_issuer_binding_is_checked_by_default(
    signed: dict[str, Any], vector_key: list[dict[str, Any]]
) -> None:
    result = run_node_verifier(signed, vector_key, CONTEXTS)
    assert not result.verified
    assert "issuer must match the verification method controller" in (result.error or "")


def test_tampered_credential_subject_fails(
    signed: dict[str, Any], vector_key: list[dict[str, Any]]
) -> None:
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "The School of Counterfeits"
    result = run_node_verifier(tampered, vector_key, CONTEXTS, check_issuer=False)
    assert not result.verified
    assert "Invalid signature" in (result.error or "")


def test_tampered_proof_value_fails(
    signed: dict[str, Any], vector_key: list[dict[str, Any]]
) -> None:
    tampered = copy.deepcopy(signed)
    tampered["proof"]["proofValue"] = _tamper_proof_value(signed["proof"]["proofValue"])
    assert tampered["proof"]["proofValue"] != signed["proof"]["proofValue"]
    result = run_node_verifier(tampered, vector_key, CONTEXTS, check_issuer=False)
    assert not result.verified
    assert result.error


def test_other_key_fails(signed: dict[str, Any], vector_key: list[dict[str, Any]]) -> None:
    # same verification method id, but another Ed25519 public key
    other_key = [
        {**vector_key[0], "publicKeyMultibase": "z6MkwXG2WjeQnNxSoynSGYU8V9j3QzP3JSqhdmkHc6SaVWoT"}
    ]
    result = run_node_verifier(signed, other_key, CONTEXTS, check_issuer=False)
    assert not result.verified
    assert "Invalid signature" in (result.error or "")


def test_unknown_verification_method_is_not_fetched(signed: dict[str, Any]) -> None:
    result = run_node_verifier(signed, [], CONTEXTS, check_issuer=False)
    assert not result.verified
    assert "document loader" in (result.error or "")


def test_unpinned_context_is_not_fetched(
    signed: dict[str, Any], vector_key: list[dict[str, Any]]
) -> None:
    extended = copy.deepcopy(signed)
    extended["@context"] = [*signed["@context"], "https://example.org/not-pinned/v1"]
    result = run_node_verifier(extended, vector_key, CONTEXTS, check_issuer=False)
    assert not result.verified
    assert "https://example.org/not-pinned/v1" in (result.error or "")


def test_credential_status_does_not_need_a_status_checker(
    signed: dict[str, Any], vector_key: list[dict[str, Any]]
) -> None:
    # Adding credentialStatus breaks the signature; what matters is that vc does not stop
    # first with "A checkStatus function must be given" (the harness supplies one).
    with_status = copy.deepcopy(signed)
    with_status["credentialStatus"] = {
        "id": "https://vc.example/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://vc.example/status/1",
    }
    result = run_node_verifier(with_status, vector_key, CONTEXTS, check_issuer=False)
    assert not result.verified
    assert "checkStatus" not in (result.error or "")
    assert "Invalid signature" in (result.error or "")


def test_now_before_valid_from_fails(
    signed: dict[str, Any], vector_key: list[dict[str, Any]]
) -> None:
    early = run_node_verifier(
        signed, vector_key, CONTEXTS, check_issuer=False, now="2022-06-01T00:00:00Z"
    )
    assert not early.verified
    assert "validFrom" in (early.error or "")


def test_batch_returns_one_result_per_credential(
    signed: dict[str, Any], vector_key: list[dict[str, Any]]
) -> None:
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["id"] = "did:example:someone-else"
    results = run_node_verifier_batch(
        [signed, tampered, signed], vector_key, CONTEXTS, check_issuer=False
    )
    assert [result.verified for result in results] == [True, False, True]


def test_manifest_of_urls_and_files_only(
    tmp_path: Path, signed: dict[str, Any], vector_key: list[dict[str, Any]]
) -> None:
    """Only `url` and `file` are read: a manifest without source or digests works too."""
    entries: list[dict[str, Any]] = _load_json(CONTEXTS / "manifest.json")
    bare_manifest = []
    for entry in entries:
        shutil.copyfile(CONTEXTS / entry["file"], tmp_path / entry["file"])
        bare_manifest.append({"url": entry["url"], "file": entry["file"]})
    (tmp_path / "manifest.json").write_text(json.dumps(bare_manifest), encoding="utf-8")
    result = run_node_verifier(signed, vector_key, tmp_path, check_issuer=False)
    assert result.verified, result.error


def test_missing_contexts_directory_is_a_usage_error(
    tmp_path: Path, signed: dict[str, Any], vector_key: list[dict[str, Any]]
) -> None:
    with pytest.raises(NodeVerifierError, match=r"manifest\.json"):
        run_node_verifier(signed, vector_key, tmp_path / "absent", check_issuer=False)


@pytest.fixture
def without_node_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Pretend `npm ci` was never run (the real node_modules stays untouched)."""
    monkeypatch.setattr(node_verifier, "NODE_MODULES", tmp_path / "node_modules")
    node_verifier._find_problem.cache_clear()
    yield
    node_verifier._find_problem.cache_clear()


@pytest.mark.usefixtures("without_node_modules")
def test_missing_install_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"Node verifier unavailable"):
        node_verifier.require_node()


@pytest.mark.usefixtures("without_node_modules")
def test_missing_install_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(NodeVerifierUnavailable, match=r"CI=true"):
        node_verifier.require_node()
