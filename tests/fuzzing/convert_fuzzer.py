#!/usr/bin/env python3
"""any foreign pack → read → convert → check: canonical, structurally clean, texts kept
(packverify.fuzz target ``convert``).

Standalone atheris fuzzer, written by tests/fuzzing/make_corpus.py (libFuzzer flags;
unchanged on ClusterFuzzLite/OSS-Fuzz)::

    python tests/fuzzing/convert_fuzzer.py CORPUS_DIR tests/fuzzing/corpus/convert \
        -dict=tests/fuzzing/convert.dict -max_total_time=180 -artifact_prefix=artifacts/fuzz/convert/
    python tests/fuzzing/convert_fuzzer.py artifacts/fuzz/convert/crash-...    # replay one input

``packverify fuzz --target convert`` runs the same target; tests/fuzzing/test_fuzzers.py
replays the seed corpus and pseudo-random inputs through this ``TestOneInput``.
"""

import sys

import atheris

with atheris.instrument_imports(include=["packverify"]):
    from packverify.fuzz import TARGETS

    TestOneInput = TARGETS["convert"].load()  # the name libFuzzer harnesses use


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
