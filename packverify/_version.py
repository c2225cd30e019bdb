"""packverify's version, in a module of its own so that any module can name it
without importing the package (``packverify/__init__.py`` imports the engine).

Leaves alone: the distribution's metadata (pyproject.toml carries the same number;
tests/test_consistency.py keeps them equal).
"""

from __future__ import annotations

__version__ = "0.1.0"


def tool_info() -> dict[str, str]:
    """The ``tool`` object every JSON report and run log opens with (docs/contract.md §2)."""
    return {"name": "packverify", "version": __version__}
