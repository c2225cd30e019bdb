"""``python -m packverify.fuzz.libfuzzer TARGET [CORPUS_DIR ...] [-libFuzzer_flag=value ...]``

Runs one fuzz target under libFuzzer, exactly as the standalone fuzzer file
``tests/fuzzing/<TARGET>_fuzzer.py`` does — but from the installed package, so a
runner needs no checkout. Every libFuzzer flag works; a file argument replays it::

    python -m packverify.fuzz.libfuzzer check_raw artifacts/fuzz/check_raw/crash-<sha1>

``python -m`` imports packverify before this module runs, too early for atheris'
import hook, so the package's functions are instrumented in place instead
(:func:`instrument_packverify`). Exit codes are libFuzzer's (a crash: non-zero and a
``crash-*`` file); 2 when the target is unknown or atheris is missing.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import types

# Imported lazily by the targets; imported here first so that they get instrumented.
_MODULES = ("packverify.fuzz.targets", "packverify.packer.build", "packverify.packer.discover",
            "packverify.packer.chunking", "packverify.report")


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


def main(argv: list[str] | None = None) -> int:
    from packverify.fuzz import TARGETS

    argv = list(sys.argv if argv is None else argv)
    if len(argv) < 2 or argv[1] not in TARGETS:
        sys.stderr.write(f"usage: python -m packverify.fuzz.libfuzzer TARGET [libFuzzer arguments]; "
                         f"targets: {', '.join(TARGETS)}\n")
        return 2
    try:
        import atheris
    except ImportError:
        sys.stderr.write("packverify fuzz: atheris is not installed (pip install atheris==3.0.0)\n")
        return 2
    target = TARGETS[argv[1]]
    instrument_packverify()
    from packverify.fuzz import targets

    entry = getattr(targets, target.entry_point)
    atheris.Setup([argv[0], *argv[2:]], entry)
    atheris.Fuzz()  # never returns: libFuzzer exits the process
    return 0


if __name__ == "__main__":
    sys.exit(main())
