#!/usr/bin/env python3
"""raw bytes as a pack file: parse_bytes + every oracle; a report, never a crash (packverify.fuzz
target ``check_raw``).

Standalone atheris fuzzer, written by tests/fuzzing/make_corpus.py (libFuzzer flags;
unchanged on ClusterFuzzLite/OSS-Fuzz)::

    python tests/fuzzing/check_raw_fuzzer.py CORPUS_DIR tests/fuzzing/corpus/check_raw \
        -dict=tests/fuzzing/check_raw.dict -max_total_time=180 -artifact_prefix=artifacts/fuzz/check_raw/
    python tests/fuzzing/check_raw_fuzzer.py artifacts/fuzz/check_raw/crash-...    # replay one input

``packverify fuzz --target check_raw`` runs the same target; tests/fuzzing/test_fuzzers.py
replays the seed corpus and pseudo-random inputs through this ``TestOneInput``.
"""

import sys

import atheris

with atheris.instrument_imports(include=["packverify"]):
    from packverify.fuzz import TARGETS

    TestOneInput = TARGETS["check_raw"].load()  # the name libFuzzer harnesses use


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
