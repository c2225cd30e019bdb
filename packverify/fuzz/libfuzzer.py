"""``python -m packverify.fuzz.libfuzzer TARGET [CORPUS_DIR ...] [-libFuzzer_flag=value ...]``

Runs one fuzz target under libFuzzer, exactly as the standalone fuzzer file
``tests/fuzzing/<TARGET>_fuzzer.py`` does — but from the installed package, so a
runner needs no checkout. Every libFuzzer flag works; a file argument replays it::

    python -m packverify.fuzz.libfuzzer check_raw artifacts/fuzz/check_raw/crash-<sha1>

``python -m`` imports packverify before this module runs, too early for atheris'
import hook, so the package's functions are instrumented in place instead
(:func:`instrument_packverify`). Exit codes are libFuzzer's (a crash: non-zero and a
``crash-*`` file); 2 when the target is unknown, cannot run here (``convert`` before
``packverify.convert`` exists) or atheris is missing.

libFuzzer's ``-merge=1``, ``-fork`` and ``-jobs`` modes re-run the program they were started
as — ``argv[0]`` — in child processes, with the target's flags. ``python -m`` gives no such
program, so ``argv[0]`` is a small launcher script (:func:`launcher`) that runs this module
with the same interpreter and target.
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import os
import shlex
import sys
import tempfile
import types

# Imported lazily by the targets; imported here first so that they get instrumented.
_MODULES = ("packverify.fuzz.targets", "packverify.fuzz.foreign", "packverify.packer.build",
            "packverify.packer.discover", "packverify.packer.chunking", "packverify.report", "packverify.readers")


def instrument_packverify() -> int:
    """Add atheris' coverage instrumentation to every loaded packverify function
    (nested functions and lambdas included: atheris patches code constants too).
    Returns how many functions were instrumented."""
    import atheris

    import packverify

    for name in _MODULES:
        importlib.import_module(name)
    root = os.path.dirname(os.path.abspath(packverify.__file__)) + os.sep
    done = 0
    for obj in gc.get_objects():
        if isinstance(obj, types.FunctionType) and obj.__code__.co_filename.startswith(root):
            atheris.instrument_func(obj)
            done += 1
    return done


def launcher(target: str, python: str = sys.executable) -> str:
    """An executable script that runs ``python -m packverify.fuzz.libfuzzer TARGET "$@"``:
    the ``argv[0]`` libFuzzer re-runs in merge, fork and jobs modes. Written once per
    interpreter and target under the temporary directory (atomically: workers race)."""
    body = f"#!/bin/sh\nexec {shlex.quote(python)} -m packverify.fuzz.libfuzzer {shlex.quote(target)} \"$@\"\n"
    directory = os.path.join(tempfile.gettempdir(), f"packverify-fuzz-{os.getuid()}")
    path = os.path.join(directory, f"{target}-{hashlib.sha256(body.encode()).hexdigest()[:12]}.sh")
    if not os.path.exists(path):
        os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory)
        with os.fdopen(handle, "w") as out:
            out.write(body)
        os.chmod(temporary, 0o755)  # an executable launcher script; group/others read and run it, never write  # nosec B103
        os.replace(temporary, path)
    return path


def main(argv: list[str] | None = None) -> int:
    from packverify.fuzz import TARGETS

    argv = list(sys.argv if argv is None else argv)
    if len(argv) < 2 or argv[1] not in TARGETS:
        sys.stderr.write(f"usage: python -m packverify.fuzz.libfuzzer TARGET [libFuzzer arguments]; "
                         f"targets: {', '.join(TARGETS)}\n")
        return 2
    target = TARGETS[argv[1]]
    if target.missing():
        sys.stderr.write(f"packverify fuzz: {target.name}: {target.missing()}\n")
        return 2
    try:
        import atheris
    except ImportError:
        sys.stderr.write("packverify fuzz: atheris is not installed (pip install atheris==3.0.0)\n")
        return 2
    instrument_packverify()
    entry = target.load()
    atheris.Setup([launcher(target.name), *argv[2:]], entry)
    atheris.Fuzz()  # never returns: libFuzzer exits the process
    return 0


if __name__ == "__main__":
    sys.exit(main())
