"""Private-key storage behind a small interface, so an HSM or KMS can replace the file store.

The file store keeps one PKCS#8 PEM per key, encrypted with the configured passphrase
(`BestAvailableEncryption`), written atomically with owner-only permissions. Private keys
never enter the database, the logs or an API response.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.crypto.jws import PrivateKey

_KID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,128}$")


_PROBE_BYTES = 4096
"""What the startup check writes: about one encrypted key file."""


class KeyStoreError(Exception):
    """A key is missing, unreadable, or cannot be decrypted with the passphrase."""


class KeyStore(Protocol):
    """Where private signing keys live."""

    def save(self, kid: str, private_key: PrivateKey) -> None:
        """Store a new private key (Ed25519 or P-256) under `kid` (never overwrites)."""

    def load(self, kid: str) -> PrivateKey:
        """The private key stored under `kid`."""

    def destroy(self, kid: str) -> None:
        """Remove the private key stored under `kid`, if any."""

    def check(self) -> None:
        """Raise `KeyStoreError` if the store cannot be used (checked at startup)."""


class FileKeyStore:
    """Encrypted PEM files in one folder."""

    def __init__(self, directory: Path, passphrase: str) -> None:
        if not passphrase:
            raise KeyStoreError("a passphrase is required to encrypt keys at rest")
        self.directory = directory
        self._passphrase = passphrase.encode()

    def __repr__(self) -> str:
        return f"FileKeyStore({str(self.directory)!r})"

    def _path(self, kid: str) -> Path:
        if not _KID_PATTERN.match(kid):
            raise KeyStoreError(f"invalid key id {kid!r}")
        return self.directory / f"{kid}.pem"

    def save(self, kid: str, private_key: PrivateKey) -> None:
        path = self._path(kid)
        if path.exists():
            raise KeyStoreError(f"a key named {kid} already exists")
        self.directory.mkdir(parents=True, exist_ok=True)
        pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(self._passphrase),
        )
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".pem")
        try:
            os.fchmod(descriptor, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(pem)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def load(self, kid: str) -> PrivateKey:
        path = self._path(kid)
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), self._passphrase)
        except FileNotFoundError:
            raise KeyStoreError(f"no private key {kid} in the key store") from None
        except (ValueError, TypeError):
            raise KeyStoreError(f"the private key {kid} cannot be decrypted") from None
        if isinstance(key, Ed25519PrivateKey):
            return key
        if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
            return key
        raise KeyStoreError(f"the private key {kid} is neither an Ed25519 nor a P-256 key")

    def destroy(self, kid: str) -> None:
        self._path(kid).unlink(missing_ok=True)

    def check(self) -> None:
        """Refuse a folder that cannot hold keys: it must be (or become) a folder this
        process can list and write a file into, so a full disk or a wrong mount is an
        error at startup rather than at the first key rotation."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            next(self.directory.iterdir(), None)
            descriptor, probe = tempfile.mkstemp(dir=self.directory, prefix=".probe-")
            try:
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(b"\0" * _PROBE_BYTES)
                    handle.flush()
                    os.fsync(handle.fileno())
            finally:
                Path(probe).unlink(missing_ok=True)
        except OSError as error:
            raise KeyStoreError(
                f"the key store {self.directory} cannot be used: "
                f"{error.strerror or error} (check NASSC_KEYS_DIR and its disk)"
            ) from None
