"""The import contracts of `make lint` (pyproject's `[tool.importlinter]`) catch what they
forbid: a copy of `app/` with one forbidden import breaks exactly that contract."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any, Final

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path, contract: str) -> subprocess.CompletedProcess[str]:
    """Run one contract of the project's configuration over the `app` package under `tree`."""
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--contract", contract, "--config", "pyproject.toml"],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package's Python sources and of pyproject.toml."""
    copy = tmp_path_factory.mktemp("contracts")
    shutil.copytree(
        ROOT / "app",
        copy / "app",
        ignore=shutil.ignore_patterns("*.pyc", "static", "templates", "locales"),
    )
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


VIOLATIONS: Final = [
    ("crypto-is-pure", "app/crypto/hashing.py", "import app.db"),
    ("registry-below-issuance", "app/curricula/coverage.py", "import app.status.service"),
    (
        "verification-reads-published-documents",
        "app/verification/checks.py",
        "import app.status.service",
    ),
    (
        "issuance-independent-of-verification",
        "app/status/builder.py",
        "import app.verification.engine",
    ),
    ("issuer-over-keys", "app/keys/service.py", "import app.issuer.service"),
    ("domains-below-composition", "app/users/service.py", "import app.main"),
    # The audit router is handed its signer; importing issuance's would break the contract.
    ("audit-below-issuance", "app/audit/router.py", "import app.credentials.dependencies"),
    ("audit-through-its-service", "app/credentials/issuance.py", "import app.audit.models"),
    ("layers", "app/standards/enums.py", "import app.verification.engine"),
]
"""One forbidden import per contract, in a module the contract covers."""


def test_every_contract_is_shown_to_break() -> None:
    configured = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = configured["tool"]["importlinter"]["contracts"]
    assert sorted(contract["id"] for contract in contracts) == sorted(
        contract for contract, _, _ in VIOLATIONS
    )


def _contract(contract_id: str) -> dict[str, Any]:
    configured = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, Any]] = configured["tool"]["importlinter"]["contracts"]
    return next(contract for contract in contracts if contract["id"] == contract_id)


def _top_level_modules() -> set[str]:
    app = ROOT / "app"
    modules = {path.stem for path in app.glob("*.py") if path.stem != "__init__"}
    return modules | {path.parent.name for path in app.glob("*/__init__.py")}


def test_every_module_of_app_has_a_layer() -> None:
    layers = _contract("layers")["layers"]
    named = {name.strip() for layer in layers for name in re.split(r"[|:]", layer)}
    assert named == _top_level_modules()


def test_crypto_is_kept_from_every_other_module() -> None:
    forbidden = {
        name.removeprefix("app.") for name in _contract("crypto-is-pure")["forbidden_modules"]
    }
    assert forbidden == _top_level_modules() - {"crypto"}


@pytest.mark.parametrize(("contract", "module", "bad_import"), VIOLATIONS)
def test_a_forbidden_import_breaks_its_contract(
    tree: Path, contract: str, module: str, bad_import: str
) -> None:
    kept = lint_imports(tree, contract)
    assert kept.returncode == 0, kept.stdout + kept.stderr

    path = tree / module
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n{bad_import}  # noqa\n", encoding="utf-8")
    try:
        broken = lint_imports(tree, contract)
    finally:
        path.write_text(original, encoding="utf-8")
    assert broken.returncode != 0, broken.stdout
    assert "BROKEN" in broken.stdout
    importer = module.removesuffix(".py").replace("/", ".")
    assert f"{importer} -> {bad_import.removeprefix('import ')}" in broken.stdout
