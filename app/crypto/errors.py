"""Typed errors of the crypto package: one shallow tree under `CryptoError`.

Each error carries a stable `code` (the spec's error name where the spec has one) and, where
the spec defines an RFC 9457 problem type URL for it, `spec_type`. The crypto package knows
nothing about HTTP: the domain layer maps these errors onto `app.errors.AppError`.

Error names come from:
- Data Integrity, Processing Errors: https://www.w3.org/TR/vc-data-integrity/#processing-errors
- Bitstring Status List, Processing Errors:
  https://www.w3.org/TR/vc-bitstring-status-list/#processing-errors
"""

from __future__ import annotations

from typing import Any, ClassVar

DATA_INTEGRITY_ERRORS = "https://w3id.org/security#"
STATUS_LIST_ERRORS = "https://www.w3.org/ns/credentials/status-list#"


class CryptoError(Exception):
    """Base of every error raised by `app.crypto`."""

    code: ClassVar[str] = "CRYPTO_ERROR"
    spec_type: ClassVar[str | None] = None

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled whole (for errors raised in worker processes): subclasses take other
        # constructor arguments than `args`, so rebuild without calling the constructor.
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(cls: type[CryptoError], args: tuple[Any, ...], state: dict[str, Any]) -> CryptoError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class UnknownContextError(CryptoError):
    """A JSON-LD context URL that is not pinned; it is never fetched from the network."""

    code = "UNKNOWN_CONTEXT_ERROR"

    def __init__(self, url: str) -> None:
        super().__init__(f"JSON-LD context {url!r} is not pinned")
        self.url = url


class ContextIntegrityError(CryptoError):
    """A pinned context file is missing, unreadable, or does not match its sha256."""

    code = "CONTEXT_INTEGRITY_ERROR"


class ProofTransformationError(CryptoError):
    """The document cannot be transformed (expanded, canonicalized) faithfully."""

    code = "PROOF_TRANSFORMATION_ERROR"
    spec_type = DATA_INTEGRITY_ERRORS + "PROOF_TRANSFORMATION_ERROR"


class DataLossDetectionError(ProofTransformationError):
    """JSON-LD processing would drop data, so part of the document would go unsigned.

    https://www.w3.org/TR/vc-data-integrity/#securing-data-losslessly
    """

    code = "DATA_LOSS_DETECTION_ERROR"
    spec_type = DATA_INTEGRITY_ERRORS + "DATA_LOSS_DETECTION_ERROR"

    def __init__(self, detail: str, *, dropped: tuple[str, ...]) -> None:
        super().__init__(detail)
        self.dropped = dropped


class ProofGenerationError(CryptoError):
    """A proof cannot be created from the given document and options."""

    code = "PROOF_GENERATION_ERROR"
    spec_type = DATA_INTEGRITY_ERRORS + "PROOF_GENERATION_ERROR"


class ProofVerificationError(CryptoError):
    """A proof failed a check; used as the code of verification problems."""

    code = "PROOF_VERIFICATION_ERROR"
    spec_type = DATA_INTEGRITY_ERRORS + "PROOF_VERIFICATION_ERROR"


class InvalidMultikeyError(CryptoError):
    """A Multikey / multibase / JWK / did:key value is not an Ed25519 key we accept."""

    code = "INVALID_MULTIKEY_ERROR"


class JoseError(CryptoError):
    """A VC-JOSE token cannot be produced, or is refused on verification."""

    code = "JOSE_ERROR"


class SdJwtError(CryptoError):
    """An SD-JWT (RFC 9901), its disclosures or its Key Binding JWT are refused."""

    code = "SD_JWT_ERROR"


class TokenStatusListError(CryptoError):
    """A Token Status List (draft-ietf-oauth-status-list) is malformed or refused."""

    code = "TOKEN_STATUS_LIST_ERROR"


class IdentityHashError(CryptoError):
    """An Open Badges IdentityHash value is malformed or uses an unsupported algorithm."""

    code = "IDENTITY_HASH_ERROR"


class StatusListError(CryptoError):
    """Base of the Bitstring Status List errors."""

    code = "STATUS_LIST_ERROR"


class StatusListLengthError(StatusListError):
    """The bitstring is shorter than the minimum length required for herd privacy."""

    code = "STATUS_LIST_LENGTH_ERROR"
    spec_type = STATUS_LIST_ERRORS + "STATUS_LIST_LENGTH_ERROR"


class StatusIndexRangeError(StatusListError):
    """A status index (times its size) falls outside the bitstring."""

    code = "RANGE_ERROR"
    spec_type = STATUS_LIST_ERRORS + "RANGE_ERROR"


class MalformedValueError(StatusListError):
    """A status list value (e.g. `encodedList`) is malformed."""

    code = "MALFORMED_VALUE_ERROR"
    spec_type = STATUS_LIST_ERRORS + "MALFORMED_VALUE_ERROR"
