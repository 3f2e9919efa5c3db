"""Run the independent Node.js verifier (`verify-di.mjs`, Digital Bazaar libraries).

`run_node_verifier` verifies one Data Integrity credential in another implementation and
returns its verdict; `run_node_verifier_batch` does several in one Node process (one call
costs about 0.2 s of Node start-up; each further credential in a batch a few milliseconds).

When Node.js or the installed npm packages (`npm ci --prefix tests/interop`) are missing,
the calling test is skipped with the reason, except under `CI=true`, where
`NodeVerifierUnavailable` is raised so that the run fails.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

INTEROP_DIR = Path(__file__).resolve().parent
SCRIPT = INTEROP_DIR / "verify-di.mjs"
SD_JWT_SCRIPT = INTEROP_DIR / "verify-sd-jwt.mjs"
WALLET_SCRIPT = INTEROP_DIR / "wallet-openid4vci.mjs"
PRESENTING_WALLET_SCRIPT = INTEROP_DIR / "wallet-openid4vp.mjs"
NODE_MODULES = INTEROP_DIR / "node_modules"
INSTALL_HINT = "run `npm ci --prefix tests/interop`"
MIN_NODE_MAJOR = 20  # as package.json "engines" (the libraries themselves declare >= 18)
DEFAULT_TIMEOUT = 60.0

EXIT_VERIFIED = 0
EXIT_NOT_VERIFIED = 1


class NodeVerifierError(RuntimeError):
    """The Node verifier gave no verdict: bad request, crash, timeout or garbled output."""


class NodeVerifierUnavailable(NodeVerifierError):
    """Node.js or the verifier's npm packages are missing (raised only under CI=true)."""


@dataclass(frozen=True)
class NodeResult:
    """The Node verifier's verdict on one credential."""

    verified: bool
    error: str | None
    raw: dict[str, Any] = field(default_factory=dict)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _installed_version(package: str) -> str | None:
    manifest = NODE_MODULES / package / "package.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = data.get("version") if isinstance(data, dict) else None
    return version if isinstance(version, str) else None


@functools.cache
def _find_problem() -> tuple[str | None, str | None]:
    """(node executable, None) when usable, else (None, why not)."""
    node = shutil.which("node")
    if node is None:
        return None, "Node.js (`node`) is not on PATH"
    try:
        completed = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"cannot run {node} --version: {error}"
    match = re.fullmatch(r"v(\d+)\.\d+\.\d+\S*", completed.stdout.strip())
    if completed.returncode != 0 or match is None:
        return None, f"{node} --version gave {completed.stdout.strip()!r}"
    if int(match.group(1)) < MIN_NODE_MAJOR:
        return None, f"Node.js {completed.stdout.strip()} is older than v{MIN_NODE_MAJOR}"
    if not NODE_MODULES.is_dir():
        return None, f"{NODE_MODULES} is missing; {INSTALL_HINT}"
    pins = json.loads((INTEROP_DIR / "package.json").read_text(encoding="utf-8"))
    for package, wanted in pins.get("dependencies", {}).items():
        found = _installed_version(package)
        if found != wanted:
            state = "not installed" if found is None else f"{found} installed"
            return None, f"npm package {package}@{wanted} {state}; {INSTALL_HINT}"
    return node, None


def require_node() -> str:
    """The node executable; skips the test (raises under CI=true) when unusable."""
    node, problem = _find_problem()
    if node is not None:
        return node
    message = f"independent Node verifier unavailable: {problem}"
    if in_ci():
        raise NodeVerifierUnavailable(message + " (CI=true requires the interop tests to run)")
    pytest.skip(message)


def _result(data: object, where: str) -> NodeResult:
    if not isinstance(data, dict) or not isinstance(data.get("verified"), bool):
        raise NodeVerifierError(f"{where}: no boolean 'verified' in {data!r}")
    error = data.get("error")
    if error is not None and not isinstance(error, str):
        raise NodeVerifierError(f"{where}: 'error' is not a string: {error!r}")
    return NodeResult(verified=data["verified"], error=error, raw=data)


def _run(
    request: Mapping[str, Any],
    timeout: float,
    script: Path = SCRIPT,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    node = require_node()
    try:
        completed = subprocess.run(
            [node, str(script)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=INTEROP_DIR,
            timeout=timeout,
            check=False,
            env=None if env is None else dict(env),
        )
    except subprocess.TimeoutExpired as error:
        raise NodeVerifierError(f"{script.name} timed out after {timeout} s") from error
    detail = f"exit {completed.returncode}, stderr: {completed.stderr.strip()!r}"
    if completed.returncode not in (EXIT_VERIFIED, EXIT_NOT_VERIFIED):
        raise NodeVerifierError(f"{script.name} gave no verdict ({detail}): {completed.stdout}")
    try:
        data = json.loads(completed.stdout)
    except ValueError as error:
        raise NodeVerifierError(f"{script.name} printed no JSON ({detail})") from error
    if not isinstance(data, dict) or data.get("verified") is not (
        completed.returncode == EXIT_VERIFIED
    ):
        raise NodeVerifierError(f"{script.name} output contradicts its exit status ({detail})")
    return data


def run_node_verifier(
    credential: dict[str, Any],
    verification_methods: list[dict[str, Any]],
    contexts_dir: Path,
    *,
    check_issuer: bool = True,
    now: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> NodeResult:
    """Verify one credential with the Digital Bazaar libraries.

    `verification_methods` are Multikey objects (id, type, controller, publicKeyMultibase);
    `contexts_dir` holds manifest.json (a list of {url, file, ...}) and the context files.
    `check_issuer=False` drops the VC check that the issuer is the key's controller (the
    W3C test vectors need that). `now` (ISO 8601) replaces the clock for validFrom/validUntil.
    """
    request: dict[str, Any] = {
        "credential": credential,
        "verificationMethods": verification_methods,
        "contexts": str(contexts_dir.resolve()),
        "checkIssuer": check_issuer,
    }
    if now is not None:
        request["now"] = now
    return _result(_run(request, timeout), "verify-di.mjs")


def run_node_verifier_batch(
    credentials: Sequence[dict[str, Any]],
    verification_methods: list[dict[str, Any]],
    contexts_dir: Path,
    *,
    check_issuer: bool = True,
    now: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[NodeResult]:
    """Like `run_node_verifier` for several credentials in one Node process, in order."""
    request: dict[str, Any] = {
        "items": [{"credential": credential} for credential in credentials],
        "verificationMethods": verification_methods,
        "contexts": str(contexts_dir.resolve()),
        "checkIssuer": check_issuer,
    }
    if now is not None:
        request["now"] = now
    results = _run(request, timeout).get("results")
    if not isinstance(results, list) or len(results) != len(credentials):
        raise NodeVerifierError(f"verify-di.mjs returned {results!r} for {len(credentials)} items")
    return [_result(item, f"verify-di.mjs results[{i}]") for i, item in enumerate(results)]


def run_sd_jwt_verifier(
    items: Sequence[Mapping[str, Any]], *, timeout: float = DEFAULT_TIMEOUT
) -> list[NodeResult]:
    """Verify SD-JWT VCs with the OpenWallet Foundation's libraries (`verify-sd-jwt.mjs`), in
    one Node process. Each item: `credential`, `issuerJwk`, and optionally `statusListToken`,
    `keyBinding` ({aud, nonce}) and `now` (seconds); each result's `raw` has the disclosed
    `claims`, the entry's `status` and the `vct`."""
    results = _run({"items": list(items)}, timeout, SD_JWT_SCRIPT).get("results")
    if not isinstance(results, list) or len(results) != len(items):
        raise NodeVerifierError(f"verify-sd-jwt.mjs returned {results!r} for {len(items)} items")
    return [_result(item, f"verify-sd-jwt.mjs results[{i}]") for i, item in enumerate(results)]


def run_wallet(
    offers: Sequence[Mapping[str, Any]],
    *,
    env: Mapping[str, str],
    timeout: float = DEFAULT_TIMEOUT,
) -> list[NodeResult]:
    """Receive credentials from a running server with the OpenWallet Foundation's OpenID4VCI
    client (`wallet-openid4vci.mjs`), one Node process for all `offers`. Each offer: `link`,
    and optionally `txCode`, `dpop` (bool) and `proofs` (key proofs per SD-JWT VC request).
    `env` is the Node process's environment (`NODE_EXTRA_CA_CERTS` for a test CA). Each
    result's `raw` has `tokenType`, `credentials` by configuration and the verified `sdJwt`."""
    results = _run({"offers": list(offers)}, timeout, WALLET_SCRIPT, env).get("results")
    if not isinstance(results, list) or len(results) != len(offers):
        raise NodeVerifierError(f"wallet-openid4vci.mjs returned {results!r} for {len(offers)}")
    return [_result(item, f"wallet-openid4vci.mjs results[{i}]") for i, item in enumerate(results)]


def run_presenting_wallet(
    link: str,
    *,
    vp_token: Mapping[str, Any] | None,
    env: Mapping[str, str],
    timeout: float = DEFAULT_TIMEOUT,
) -> NodeResult:
    """Parse an `openid4vp://` request link and, with `vp_token`, answer it, with the
    OpenWallet Foundation's OpenID4VP client (`wallet-openid4vp.mjs`). The result's `raw` has
    the resolved `request`, `client`, `version`, `dcqlIds`, and the response's `status` and
    `body`."""
    request: dict[str, Any] = {"link": link}
    if vp_token is not None:
        request["vpToken"] = dict(vp_token)
    return _result(_run(request, timeout, PRESENTING_WALLET_SCRIPT, env), "wallet-openid4vp.mjs")
