#!/usr/bin/env python3
"""Near-valid packs from FuzzedDataProvider, checked canonically and re-serialised: the
differential properties (packverify.fuzz.targets.check_structured).

Standalone atheris fuzzer (libFuzzer flags; unchanged on ClusterFuzzLite/OSS-Fuzz)::

    python tests/fuzzing/check_structured_fuzzer.py CORPUS_DIR tests/fuzzing/corpus/check_structured \\
        -dict=tests/fuzzing/check_structured.dict -max_total_time=180 -artifact_prefix=artifacts/fuzz/check_structured/
    python tests/fuzzing/check_structured_fuzzer.py artifacts/fuzz/check_structured/crash-...    # replay one input

``packverify fuzz --target check_structured`` runs the same target; tests/fuzzing/test_fuzzers.py
replays the seed corpus and pseudo-random inputs through this ``TestOneInput``.
"""

import sys

import atheris

with atheris.instrument_imports(include=["packverify"]):
    from packverify.fuzz import targets


def TestOneInput(data: bytes) -> None:  # the name libFuzzer harnesses use
    targets.check_structured(data)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
