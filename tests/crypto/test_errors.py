"""The crypto error tree: one base, stable codes, spec problem types where the spec has them."""

from __future__ import annotations

import pickle

from app.crypto import errors
from app.crypto.multibase import MultibaseError


def _all_errors() -> list[type[errors.CryptoError]]:
    found: list[type[errors.CryptoError]] = []
    pending: list[type[errors.CryptoError]] = [errors.CryptoError]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(current.__subclasses__())
    return found


def test_every_error_has_its_own_code() -> None:
    classes = _all_errors()
    codes = [cls.code for cls in classes]

    assert len(codes) == len(set(codes))
    assert errors.StatusListLengthError in classes
    assert MultibaseError in classes


def test_spec_error_types() -> None:
    assert errors.ProofVerificationError.spec_type == (
        "https://w3id.org/security#PROOF_VERIFICATION_ERROR"
    )
    assert errors.StatusIndexRangeError.code == "RANGE_ERROR"
    assert errors.StatusIndexRangeError.spec_type == (
        "https://www.w3.org/ns/credentials/status-list#RANGE_ERROR"
    )
    assert issubclass(errors.DataLossDetectionError, errors.ProofTransformationError)


def test_detail_is_the_message() -> None:
    error = errors.JoseError("alg 'none' is not accepted")

    assert error.detail == str(error) == "alg 'none' is not accepted"


def test_every_error_survives_pickling_whole() -> None:
    # Proof workers raise them in another process; the engine reads `url`, `dropped`, `detail`.
    unknown = _round_trip(errors.UnknownContextError("https://example.org/c"))
    assert type(unknown) is errors.UnknownContextError
    assert unknown.url == "https://example.org/c"
    assert unknown.detail == "JSON-LD context 'https://example.org/c' is not pinned"

    lost = _round_trip(errors.DataLossDetectionError("lost", dropped=("a", "b")))
    assert type(lost) is errors.DataLossDetectionError
    assert (lost.detail, lost.dropped, str(lost)) == ("lost", ("a", "b"), "lost")

    for cls in _all_errors():
        error = cls.__new__(cls)
        error.args, error.detail = ("why",), "why"
        copy = _round_trip(error)
        assert (type(copy), copy.detail, copy.args) == (cls, "why", ("why",))


def _round_trip(error: errors.CryptoError) -> errors.CryptoError:
    copy: errors.CryptoError = pickle.loads(pickle.dumps(error))  # noqa: S301 - bytes made here
    return copy
