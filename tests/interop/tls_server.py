"""The app served over HTTPS on a loopback port, for clients that accept only https URLs.

`TlsServer` makes a throwaway self-signed certificate for 127.0.0.1 (with `cryptography`,
as the outbound-fetch tests do) and serves the app with Uvicorn in a thread. Node trusts
that certificate through `NODE_EXTRA_CA_CERTS` (`node_env`): TLS checks stay on.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from tests.faults.servers import free_port, wait_for
from tests.security.tls_server import self_signed

HOST = "127.0.0.1"


class TlsServer:
    """`app` served over HTTPS on `port` (choose it with `free_port` before building the app,
    whose public base URL must be `https://127.0.0.1:{port}`)."""

    def __init__(self, app: FastAPI, *, port: int, folder: Path) -> None:
        self.port = port
        self.url = f"https://{HOST}:{port}"
        certificate, key = self_signed(folder, HOST)
        self.ca = certificate
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
        """The environment for a Node process that trusts this server's certificate (and no
        other change: certificate checks stay on)."""
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


__all__ = ["TlsServer", "free_port"]
