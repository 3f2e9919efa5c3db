"""The lock files pin what pyproject.toml asks for, and agree with each other."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            pins[_normalized(match[1])] = match[2]
    return pins


def _requirement_names(requirements: list[str]) -> set[str]:
    names = set()
    for requirement in requirements:
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        assert match, requirement
        names.add(_normalized(match[0]))
    return names


def test_every_locked_package_has_hashes() -> None:
    for name in ("runtime.txt", "dev.txt"):
        text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        for block in blocks:
            if PIN.match(block):
                assert "--hash=sha256:" in block, block.splitlines()[0]


def test_the_locks_pin_every_dependency_of_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _pins(ROOT / "requirements" / "runtime.txt")
    dev = _pins(ROOT / "requirements" / "dev.txt")
    assert _requirement_names(project["dependencies"]) <= set(runtime)
    assert _requirement_names(project["optional-dependencies"]["dev"]) <= set(dev)


def test_runtime_versions_are_the_dev_versions() -> None:
    runtime = _pins(ROOT / "requirements" / "runtime.txt")
    dev = _pins(ROOT / "requirements" / "dev.txt")
    assert {name: dev.get(name) for name in runtime} == runtime
