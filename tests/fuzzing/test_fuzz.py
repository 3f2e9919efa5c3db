"""A short Schemathesis run in the suite: every operation, as anonymous, admin and provider.

A fixed seed and one generated case per operation and phase keep it to about a minute;
`make fuzz` (`tests/fuzzing/run.py`) runs 50 per operation with stateful links.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ENGINES
from tests.fuzzing.run import GATING_CHECKS, run, summary


@pytest.mark.parametrize("engine", ENGINES)
def test_schemathesis_finds_no_server_error_and_nothing_undocumented(
    engine: str, empty_database_factory: Callable[[str], str], tmp_path: Path
) -> None:
    database_url = None if engine == "sqlite" else empty_database_factory(engine)
    outcomes = run(
        examples=1, seed=20, stateful=False, report_dir=tmp_path, database_url=database_url
    )
    report = summary(outcomes)
    assert [outcome.identity for outcome in outcomes] == ["anonymous", "admin", "provider"]
    for outcome in outcomes:
        assert outcome.operations >= 80, report
        assert not outcome.errors, report
        for check in GATING_CHECKS:
            assert outcome.failures.get(check, 0) == 0, report
