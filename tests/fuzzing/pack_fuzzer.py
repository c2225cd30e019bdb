#!/usr/bin/env python3
"""fuzzed repository trees: the reference packer's pack passes check --strict --repo (packverify.fuzz
target ``pack``).

Standalone atheris fuzzer, written by tests/fuzzing/make_corpus.py (libFuzzer flags;
unchanged on ClusterFuzzLite/OSS-Fuzz)::

    python tests/fuzzing/pack_fuzzer.py CORPUS_DIR tests/fuzzing/corpus/pack \
        -dict=tests/fuzzing/pack.dict -max_total_time=180 -artifact_prefix=artifacts/fuzz/pack/
    python tests/fuzzing/pack_fuzzer.py artifacts/fuzz/pack/crash-...    # replay one input

``packverify fuzz --target pack`` runs the same target; tests/fuzzing/test_fuzzers.py
replays the seed corpus and pseudo-random inputs through this ``TestOneInput``.
"""

import sys

import atheris

with atheris.instrument_imports(include=["packverify"]):
    from packverify.fuzz import TARGETS

    TestOneInput = TARGETS["pack"].load()  # the name libFuzzer harnesses use


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
