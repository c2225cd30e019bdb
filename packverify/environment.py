"""The ``environment`` section of run logs and reports (docs/contract.md §4).

``observed`` is what this process runs on; ``expected`` is the parsed
``environment.manifest.json`` (shipped inside the package and kept equal to the
copy at the repository root by a test). Recorded before any work starts.
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
import re
import sys
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def observed() -> dict[str, Any]:
    packages = sorted(
        (dist.metadata["Name"] or "", dist.version) for dist in importlib.metadata.distributions()
        if dist.metadata["Name"]
    )
    return {
        "python": {"version": platform.python_version(), "implementation": platform.python_implementation(),
                   "executable": sys.executable},
        "platform": {"system": platform.system(), "release": platform.release(), "machine": platform.machine()},
        "packages": {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in packages},  # PEP 503 names
    }


@lru_cache(maxsize=1)
def expected() -> dict[str, Any] | None:
    try:
        text = resources.files("packverify").joinpath("data", "environment.manifest.json").read_text("utf-8")
        return json.loads(text)
    except (OSError, ValueError):
        return None


def section() -> dict[str, Any]:
    return {"observed": observed(), "expected": expected()}
