#!/usr/bin/env python3
"""gitingest reader: never raises, locations inside the input, deterministic, render → read round trip
(packverify.fuzz target ``read_gitingest``).

Standalone atheris fuzzer, written by tests/fuzzing/make_corpus.py (libFuzzer flags;
unchanged on ClusterFuzzLite/OSS-Fuzz)::

    python tests/fuzzing/read_gitingest_fuzzer.py CORPUS_DIR tests/fuzzing/corpus/read_gitingest \
        -dict=tests/fuzzing/read_gitingest.dict -max_total_time=180 -artifact_prefix=artifacts/fuzz/read_gitingest/
    python tests/fuzzing/read_gitingest_fuzzer.py artifacts/fuzz/read_gitingest/crash-...    # replay one input

``packverify fuzz --target read_gitingest`` runs the same target; tests/fuzzing/test_fuzzers.py
replays the seed corpus and pseudo-random inputs through this ``TestOneInput``.
"""

import sys

import atheris

with atheris.instrument_imports(include=["packverify"]):
    from packverify.fuzz import TARGETS

    TestOneInput = TARGETS["read_gitingest"].load()  # the name libFuzzer harnesses use


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
