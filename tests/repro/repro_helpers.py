"""Helpers for the repro tests: the planted packers, the demo repository's files,
running ``packverify repro`` in-process, skipping where a capability is missing.

The planted packers (``packers/``) are standalone scripts taking ``REPO OUT``; each
has exactly one defect (its docstring names it), ``deterministic.py`` has none.
Tests that need a capability this machine lacks (namespaces, faketime, locales,
two CPUs) are skipped with the probe's reason, never passed silently.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from packverify.repro import machine

PACKERS = Path(__file__).parent / "packers"

# Names chosen so that collations differ (tr_TR puts "Item" before "index"; C puts
# capitals first) and one name and one file are not ASCII.
DEMO_FILES = {
    "README.md": "# Demo café\n",
    "Alpha.py": "A = 1\n",
    "Item.py": "print(1)\n",
    "index.py": "x = 1\n",
    "beta.py": "b = 2\n",
    "src/main.py": "def main():\n    pass\n",
    "src/util.py": "u = 1\n",
    "docs/über.md": "Notizen für später\n",
}


def packer(name: str) -> list[str]:
    """The command for a planted packer (the interpreter by absolute path: no PATH needed)."""
    return [sys.executable, str(PACKERS / f"{name}.py"), "{repo}", "{out}"]


class Result:
    def __init__(self, code: int, out: str, err: str, artifacts: Path) -> None:
        self.code, self.out, self.err, self.artifacts = code, out, err, artifacts

    @property
    def json(self) -> dict:
        return json.loads(self.out)

    @property
    def log(self) -> dict:
        return json.loads((self.artifacts / "repro.run.json").read_text(encoding="utf-8"))


def require(capabilities: machine.Machine, variation: str) -> None:
    """Skip (with the reason) when this machine cannot apply ``variation``."""
    reason = {
        "order": capabilities.namespace_error,
        "time": capabilities.faketime_error,
        "locale": None if len(capabilities.locales) >= 2 else f"locales installed: {capabilities.locales}",
        "cpus": None if len(capabilities.cpus) >= 2 else "only one CPU",
        "isolate": capabilities.network_error,
    }.get(variation)
    if reason:
        pytest.skip(f"{variation} unavailable here: {reason}")
