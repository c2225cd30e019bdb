"""Fuzzing packverify with atheris (libFuzzer for Python).

* :mod:`packverify.fuzz.targets` — the check and pack targets' ``TestOneInput``;
  :mod:`packverify.fuzz.foreign` — one target per reader of a foreign format and the
  ``convert`` round trip, built from :mod:`packverify.fuzz.documents`. The same functions
  run under libFuzzer (``tests/fuzzing/<name>_fuzzer.py``, ClusterFuzzLite/OSS-Fuzz,
  ``python -m packverify.fuzz.libfuzzer``) and in the bounded pytest replays;
* :mod:`packverify.fuzz.libfuzzer` — ``python -m packverify.fuzz.libfuzzer TARGET [libFuzzer
  flags]``: one target, packverify instrumented, under libFuzzer;
* :mod:`packverify.fuzz.session` — ``packverify fuzz``: workers running targets in
  interleaved slices for a wall time (:mod:`packverify.fuzz.schedule`), each slice one
  libFuzzer process (:mod:`packverify.fuzz.process`), crashes deduplicated
  (:mod:`packverify.fuzz.triage`), stats as lines and a time series;
* :mod:`packverify.fuzz.corpus` — ``packverify fuzz merge``: minimise a grown corpus and
  merge what adds coverage into the committed seeds, under a size cap.

atheris is a development dependency: nothing outside this package imports it, and
``packverify check`` never loads this package. docs/fuzzing.md has the details.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Target:
    """A fuzz target: its ``TestOneInput`` and how libFuzzer should treat it."""

    name: str
    module: str  # where the TestOneInput-style function is
    function: str  # it takes the input bytes (after ``argument``)
    summary: str
    timeout: int  # libFuzzer -timeout: seconds one input may take before it counts as a hang
    argument: str | None = None  # passed before the bytes: the reader targets share one function
    requires: str | None = None  # a module that must exist, else the target is skipped (with why)

    @property
    def fuzzer(self) -> str:
        """The standalone fuzzer's file name under tests/fuzzing/ (and in ClusterFuzzLite's $OUT)."""
        return f"{self.name}_fuzzer.py"

    def missing(self) -> str | None:
        """Why this target cannot run here, or None."""
        if self.requires is None:
            return None
        import importlib.util

        try:
            found = importlib.util.find_spec(self.requires) is not None
        except ModuleNotFoundError:
            found = False
        return None if found else f"skipped: {self.requires} does not exist yet (the target is written against " \
                                  "packverify.fuzz.foreign.convert_pack; see docs/fuzzing.md)"

    def load(self) -> Callable[[bytes], None]:
        """The ``TestOneInput`` function (imports its module)."""
        entry = getattr(importlib.import_module(self.module), self.function)
        return entry if self.argument is None else functools.partial(entry, self.argument)


def _reader_target(fmt: str) -> Target:
    return Target(f"read_{fmt.replace('-', '_')}", "packverify.fuzz.foreign", "read_foreign",
                  f"{fmt} reader: never raises, locations inside the input, deterministic, render → read round trip",
                  10, argument=fmt)


# Every reader of packverify.readers has a target (tests/fuzzing/test_fuzzers.py checks it).
READER_FORMATS = ("repomix-xml", "repomix-markdown", "repomix-plain", "repomix-json", "gitingest", "files-to-prompt",
                  "files-to-prompt-cxml", "files-to-prompt-markdown", "scribe", "scribe-stats", "packrepo",
                  "packverify-json")

TARGETS = MappingProxyType({t.name: t for t in (
    Target("check_raw", "packverify.fuzz.targets", "check_raw",
           "raw bytes as a pack file: parse_bytes + every oracle; a report, never a crash", 30),
    Target("check_structured", "packverify.fuzz.targets", "check_structured",
           "near-valid packs: findings independent of key order/whitespace, canonical round-trip, pointers resolve",
           30),
    Target("pack", "packverify.fuzz.targets", "pack_tree",
           "fuzzed repository trees: the reference packer's pack passes check --strict --repo", 60),
    *(_reader_target(fmt) for fmt in READER_FORMATS),
    Target("convert", "packverify.fuzz.foreign", "convert_round_trip",
           "any foreign pack → read → convert → check: canonical, structurally clean, texts kept", 30,
           requires="packverify.convert"),
)})

__all__ = ["READER_FORMATS", "TARGETS", "Target"]
