"""A local HTTPS server for outbound-fetch tests: a self-signed certificate for a made-up
host name, and handlers that answer at once, slowly, or never."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

Handler = Callable[[ssl.SSLSocket, threading.Event], None]


def self_signed(folder: Path, host: str) -> tuple[Path, Path]:
    """A certificate for `host` (a name, or an IP address) and its key, as PEM files in
    `folder`; it is its own CA, for a client told to trust it alone."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([_san(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _san(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def answer(body: bytes, status: str = "200 OK") -> Handler:
    """A handler answering `body` at once."""

    def handle(connection: ssl.SSLSocket, stop: threading.Event) -> None:
        connection.recv(65536)
        connection.sendall(
            f'HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\nETag: "e1"\r\n'
            "Connection: close\r\n\r\n".encode()
            + body
        )

    return handle


def drip(interval: float) -> Handler:
    """A handler sending its response one byte per `interval` (until stopped)."""

    def handle(connection: ssl.SSLSocket, stop: threading.Event) -> None:
        connection.recv(65536)
        for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 100_000:
            if stop.wait(interval):
                return
            connection.sendall(bytes([byte]))

    return handle


def hang(connection: ssl.SSLSocket, stop: threading.Event) -> None:
    """A handler that reads the request and never answers (until stopped)."""
    connection.recv(65536)
    stop.wait(30)


@dataclass
class TLSServer:
    """The running server: its port, the client TLS context that trusts it, its connections."""

    port: int
    client_tls: ssl.SSLContext
    connections: list[tuple[str, int]] = field(default_factory=list)
    accepted: threading.Event = field(default_factory=threading.Event)
    closed: threading.Event = field(default_factory=threading.Event)


@contextmanager
def tls_server(folder: Path, host: str, handler: Handler) -> Iterator[TLSServer]:
    """Serve `handler` over TLS as `host` on a free loopback port, one thread per connection."""
    cert, key = self_signed(folder, host)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    client_tls = ssl.create_default_context(cafile=str(cert))
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()
    server = TLSServer(port=listener.getsockname()[1], client_tls=client_tls)

    def serve_one(raw: socket.socket) -> None:
        try:
            with server_tls.wrap_socket(raw, server_side=True) as connection:
                handler(connection, stop)
        except (OSError, ssl.SSLError):
            pass  # the client hung up or refused the certificate: what some tests want
        finally:
            server.closed.set()

    def accept() -> None:
        while not stop.is_set():
            try:
                raw, peer = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            server.connections.append(peer)
            server.accepted.set()
            raw.settimeout(10)
            threading.Thread(target=serve_one, args=(raw,), daemon=True).start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield server
    finally:
        stop.set()
        acceptor.join(timeout=5)
        listener.close()
