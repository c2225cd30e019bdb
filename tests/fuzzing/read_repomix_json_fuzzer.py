#!/usr/bin/env python3
"""repomix-json reader: never raises, locations inside the input, deterministic, render → read round
trip (packverify.fuzz target ``read_repomix_json``).

Standalone atheris fuzzer, written by tests/fuzzing/make_corpus.py (libFuzzer flags;
unchanged on ClusterFuzzLite/OSS-Fuzz)::

    python tests/fuzzing/read_repomix_json_fuzzer.py CORPUS_DIR tests/fuzzing/corpus/read_repomix_json \
        -dict=tests/fuzzing/read_repomix_json.dict -max_total_time=180 -artifact_prefix=artifacts/fuzz/read_repomix_json/
    python tests/fuzzing/read_repomix_json_fuzzer.py artifacts/fuzz/read_repomix_json/crash-...    # replay one input

``packverify fuzz --target read_repomix_json`` runs the same target; tests/fuzzing/test_fuzzers.py
replays the seed corpus and pseudo-random inputs through this ``TestOneInput``.
"""

import sys

import atheris

with atheris.instrument_imports(include=["packverify"]):
    from packverify.fuzz import TARGETS

    TestOneInput = TARGETS["read_repomix_json"].load()  # the name libFuzzer harnesses use


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
