"""The app served over HTTPS on a loopback port, for clients that accept only https URLs.

`TlsServer` makes a throwaway certificate authority and a server certificate for 127.0.0.1
(with `cryptography`), and serves the app with Uvicorn in a thread. Node trusts that CA
through `NODE_EXTRA_CA_CERTS` (`node_env`): TLS checks stay on, for that CA alone.
"""

from __future__ import annotations

import ipaddress
import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from fastapi import FastAPI

from tests.faults.servers import free_port, wait_for

HOST = "127.0.0.1"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def write_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA certificate, and a server certificate and key for 127.0.0.1 signed by that CA
    (PEM files in `folder`): (ca, certificate, key)."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("NASSC interop test CA")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(_name(HOST))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = (folder / name for name in ("ca.pem", "server.pem", "key.pem"))
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_path, cert_path, key_path


class TlsServer:
    """`app` served over HTTPS on `port` (choose it with `free_port` before building the app,
    whose public base URL must be `https://127.0.0.1:{port}`)."""

    def __init__(self, app: FastAPI, *, port: int, folder: Path) -> None:
        self.port = port
        self.url = f"https://{HOST}:{port}"
        self.ca, certificate, key = write_certificates(folder)
        config = uvicorn.Config(
            app,
            host=HOST,
            port=port,
            ssl_certfile=str(certificate),
            ssl_keyfile=str(key),
            log_config=None,
            access_log=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def node_env(self) -> dict[str, str]:
        """The environment for a Node process that trusts this server's CA (and no other
        change: certificate checks stay on)."""
        return {**os.environ, "NODE_EXTRA_CA_CERTS": str(self.ca)}

    def __enter__(self) -> TlsServer:
        self.thread.start()

        def started() -> bool:
            if not self.thread.is_alive():
                raise AssertionError("the HTTPS server stopped while starting")
            return bool(self.server.started)

        wait_for(started, seconds=30, what="the HTTPS server to start")
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


__all__ = ["TlsServer", "free_port", "write_certificates"]
