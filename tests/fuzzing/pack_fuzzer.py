#!/usr/bin/env python3
"""Fuzzed repository trees → the reference packer → check --strict --repo: always passes
(packverify.fuzz.targets.pack_tree).

Standalone atheris fuzzer (libFuzzer flags; unchanged on ClusterFuzzLite/OSS-Fuzz)::

    python tests/fuzzing/pack_fuzzer.py CORPUS_DIR tests/fuzzing/corpus/pack \\
        -dict=tests/fuzzing/pack.dict -max_total_time=180 -artifact_prefix=artifacts/fuzz/pack/
    python tests/fuzzing/pack_fuzzer.py artifacts/fuzz/pack/crash-...    # replay one input

``packverify fuzz --target pack`` runs the same target; tests/fuzzing/test_fuzzers.py
replays the seed corpus and pseudo-random inputs through this ``TestOneInput``.
"""

import sys

import atheris

with atheris.instrument_imports(include=["packverify"]):
    from packverify.fuzz import targets


def TestOneInput(data: bytes) -> None:  # the name libFuzzer harnesses use
    targets.pack_tree(data)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
