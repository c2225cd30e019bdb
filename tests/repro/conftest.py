"""Fixtures for the repro tests (helpers live in repro_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_captured
from repro_helpers import DEMO_FILES, Result

from packverify.repro import machine


@pytest.fixture
def demo_repo(tmp_path) -> Path:
    root = tmp_path / "demo"
    for rel, text in DEMO_FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def repro(tmp_path, demo_repo):
    """``repro(*options, command=[...])`` → Result; JSON format unless ``--format`` is given."""

    def run(*options: str, command: list[str], repo: Path | None = None, fmt: str | None = "json") -> Result:
        artifacts = tmp_path / "artifacts"
        argv = ["repro", "--repo", str(repo or demo_repo), "--artifacts", str(artifacts)]
        if fmt:
            argv += ["--format", fmt]
        code, out, err = run_captured([*argv, *options, "--", *command])
        return Result(code, out, err, artifacts)

    return run


@pytest.fixture(scope="session")
def capabilities(tmp_path_factory) -> machine.Machine:
    return machine.probe(tmp_path_factory.mktemp("probe"), isolate=True)
