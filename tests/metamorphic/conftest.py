"""Fixtures for the metamorphic tests: command templates for the broken packers."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

PACKERS = Path(__file__).resolve().parent / "packers"


def script_template(name: str) -> str:
    """The packer template that runs ``tests/metamorphic/packers/<name>``."""
    return (shlex.join([sys.executable, str(PACKERS / name)])
            + " {repo} --budget {budget} --tokenizer {tokenizer} -o {out}")


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run in an empty directory: artifacts/ and run logs land there."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
