"""The import contracts of `make lint` (pyproject's `[tool.importlinter]`) catch what they
forbid: a copy of `app/` with one forbidden import breaks exactly that contract."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

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


@pytest.mark.parametrize(
    ("contract", "module", "bad_import"),
    [
        ("crypto-is-pure", "app/crypto/hashing.py", "import app.db"),
        (
            "verification-reads-published-documents",
            "app/verification/checks.py",
            "import app.status.service",
        ),
        ("layers", "app/standards/enums.py", "import app.verification.engine"),
    ],
)
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
