#!/usr/bin/env python3
"""near-valid packs: findings independent of key order/whitespace, canonical round-trip, pointers
resolve (packverify.fuzz target ``check_structured``).

Standalone atheris fuzzer, written by tests/fuzzing/make_corpus.py (libFuzzer flags;
unchanged on ClusterFuzzLite/OSS-Fuzz)::

    python tests/fuzzing/check_structured_fuzzer.py CORPUS_DIR tests/fuzzing/corpus/check_structured \
        -dict=tests/fuzzing/check_structured.dict -max_total_time=180 -artifact_prefix=artifacts/fuzz/check_structured/
    python tests/fuzzing/check_structured_fuzzer.py artifacts/fuzz/check_structured/crash-...    # replay one input

``packverify fuzz --target check_structured`` runs the same target; tests/fuzzing/test_fuzzers.py
replays the seed corpus and pseudo-random inputs through this ``TestOneInput``.
"""

import sys

import atheris

with atheris.instrument_imports(include=["packverify"]):
    from packverify.fuzz import TARGETS

    TestOneInput = TARGETS["check_structured"].load()  # the name libFuzzer harnesses use


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
