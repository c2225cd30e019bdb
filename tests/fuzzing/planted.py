"""Test-only fuzz targets for the session and triage tests: small atheris fuzzers written
into a test's temporary directory and run by a :class:`~packverify.fuzz.session.Session`
through its ``command_for`` hook — so planted crashes exist only in the tests, never among
the shipped targets (``packverify.fuzz.TARGETS``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from packverify.fuzz import Target

# Crashes on any input whose first byte is 'B' (found within a second by blind mutation:
# the script is not instrumented), in a function two frames down, so every crash has the
# same stack but its own input; otherwise burns a little CPU so that executions are counted.
CRASHING = '''import sys, atheris

def check(data):
    if data[:1] == b"B":
        raise RuntimeError("planted crash on %r" % (data[:20],))

def TestOneInput(data):
    check(data)

atheris.Setup(sys.argv, TestOneInput)
atheris.Fuzz()
'''
# Never crashes; instrumented, so inputs reaching a new branch are kept and the corpus
# grows (a rerun then has something to continue from).
QUIET = '''import sys, atheris

@atheris.instrument_func
def TestOneInput(data):
    if len(data) > 2 and data[0] == ord("p"):
        if data[1] == ord("v"):
            if data[2] == ord("!"):
                return
    sum(data[:64])

atheris.Setup(sys.argv, TestOneInput)
atheris.Fuzz()
'''


def planted_target(name: str) -> Target:
    return Target(name, "planted", "none", "a test-only target", 5)  # run by command(), never loaded


def command_for(scripts: dict[str, Path]):
    """A Session ``command_for`` that runs each target's planted script under libFuzzer."""

    def command(target: Target, corpus: Path, seconds: float, crashes: Path) -> list[str]:
        return [sys.executable, str(scripts[target.name]), str(corpus), f"-max_total_time={max(1, int(seconds))}",
                f"-artifact_prefix={crashes}/", "-print_final_stats=1"]

    return command


def write(directory: Path, **sources: str) -> dict[str, Path]:
    scripts = {}
    for name, source in sources.items():
        path = directory / f"{name}_fuzzer.py"
        path.write_text(source, encoding="utf-8")
        scripts[name] = path
    return scripts
