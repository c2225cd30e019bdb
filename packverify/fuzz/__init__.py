"""Fuzzing packverify with atheris (libFuzzer for Python).

* :mod:`packverify.fuzz.targets` — each target's ``TestOneInput``: the same function
  runs under libFuzzer (``tests/fuzzing/<name>_fuzzer.py``, ClusterFuzzLite/OSS-Fuzz,
  ``python -m packverify.fuzz.libfuzzer``) and in the bounded pytest replays;
* :mod:`packverify.fuzz.libfuzzer` — ``python -m packverify.fuzz.libfuzzer TARGET [libFuzzer
  flags]``: one target, packverify instrumented, under libFuzzer;
* :mod:`packverify.fuzz.campaign` — ``packverify fuzz``: targets as subprocesses for
  ``--seconds`` each, progress from libFuzzer's output, crashes saved with a replay
  command, a summary.

atheris is a development dependency: nothing outside this package imports it, and
``packverify check`` never loads this package. docs/fuzzing.md has the details.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Target:
    """A fuzz target: its ``TestOneInput`` in :mod:`packverify.fuzz.targets`, and how
    libFuzzer should treat it."""

    name: str
    entry_point: str  # the function's name in packverify.fuzz.targets
    summary: str
    timeout: int  # libFuzzer -timeout: seconds one input may take before it counts as a hang

    @property
    def fuzzer(self) -> str:
        """The standalone fuzzer's file name under tests/fuzzing/ (and in ClusterFuzzLite's $OUT)."""
        return f"{self.name}_fuzzer.py"


TARGETS = MappingProxyType({t.name: t for t in (
    Target("check_raw", "check_raw",
           "raw bytes as a pack file: parse_bytes + every oracle; a report, never a crash", 30),
    Target("check_structured", "check_structured",
           "near-valid packs: findings independent of key order/whitespace, canonical round-trip, pointers resolve",
           30),
    Target("pack", "pack_tree",
           "fuzzed repository trees: the reference packer's pack passes check --strict --repo", 60),
)})

__all__ = ["TARGETS", "Target"]
